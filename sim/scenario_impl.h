/* scenario_impl.h - state shared by the scenario loader's files; not for models.
 *
 * scenario.c loads the document, applies overrides and checks the top level;
 * scenario_sweep.c finds the axes, maps a run index to a choice per axis and hashes run ids;
 * scenario_plan.c turns one point's entries into model instances (schema validation).
 */
#ifndef MCPSIM_SIM_SCENARIO_IMPL_H
#define MCPSIM_SIM_SCENARIO_IMPL_H

#include "sim/scenario.h"
#include "sim/scenario_doc.h"

#define SCN_MAX_RUNS 100000000u

struct scenario {
    struct sdoc *doc;
    char *path;
    char name[PARAM_STRING_MAX];
    char hash[65];
    struct sdoc_node **axes;     /* the list node of each axis */
    char **axis_names;
    size_t naxes;
    bool zip;
    unsigned repeat;
    size_t npoints;
    struct scenario_record rec;
    struct scenario_record_rule *rules; /* storage behind rec.rules */
};

/* The value standing at n for the given axis choices: the chosen item when n is an axis. */
const struct sdoc_node *scn_value(const struct sdoc_node *n, const size_t *choice);

/* Axis choices of a point (choice has naxes entries). */
void scn_point_choice(const struct scenario *sc, size_t point, size_t *choice);

/* Sweep analysis: finds the axes, applies `sweep:` (mode, repeat, axes) and computes the
 * point count. 0 or -1 with a positioned message. */
int scn_sweep_analyse(struct scenario *sc, char *err, size_t errlen);

/* Run id and scenario hash. */
int scn_run_id(const struct scenario *sc, const size_t *choice, unsigned rep,
               char id[SCENARIO_ID_LEN + 1]);
int scn_scenario_hash(struct scenario *sc);

/* Validates one point fully, building its plan when out is not NULL. */
int scn_build_plan(const struct scenario *sc, const size_t *choice, struct scenario_plan *out,
                   char *err, size_t errlen);

/* Finds the map and key that a dotted override path names, creating nothing. `at` is the node
 * used for errors (the --set pseudo node or the sweep.axes key). *section is the index of
 * the entry's section (0 nodes, 1 links, 2 apps), -1 for a top-level key. 0 or -1. */
int scn_resolve_path(struct scenario *sc, const char *path, const struct sdoc_node *at,
                     struct sdoc_node **map, const char **key, int *section, char *err,
                     size_t errlen);

/* Whether `key` of an entry of section s is a PARAM_LIST parameter of the entry's kind (of
 * any of its kinds when the kind is swept). Decides what a YAML sequence there means: for a
 * list parameter, a sequence of scalars is one value and a sequence of sequences a sweep. */
bool scn_key_is_list(const struct sdoc_node *entry, size_t s, const char *key);

/* Value of a top-level scalar section at a point ("duration", "seed"), or NULL. */
const struct sdoc_node *scn_top(const struct scenario *sc, const char *key, const size_t *choice);

#endif
