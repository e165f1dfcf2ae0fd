/* scenario.h - scenario files: load, validate against the model registry, expand sweeps.
 *
 * A scenario (docs/scenario-format.md) is a YAML mapping with `name`, `duration`, `seed`,
 * `nodes`, `links`, `apps`, `record` and `sweep`. scenario_load() parses the file, applies
 * command-line overrides (`--set path=value`), collects the sweep axes (every list standing
 * where a scalar is expected, every list of lists standing for a PARAM_LIST value, plus
 * `sweep.axes`), and validates EVERY parameter point: each
 * entry's keys against its model's parameter table (the registry is the schema), values
 * through param_set (types and units), required parameters, names (unique after `count`
 * stamping) and node references. Any problem gives one "file:line:col: message" and -1;
 * nothing is built. A loaded scenario is therefore known to build.
 *
 * Runs are numbered K = rep * points + point, so raising `repeat` only appends new indices.
 * Each run has a stable id: SHA-256 over the canonical text of the scenario as resolved for
 * that point (comments, layout and key order do not matter; the `sweep` section is left out)
 * plus the repetition, hex-truncated to 16 digits. Editing any value changes every id, adding
 * a value to a sweep list or raising `repeat` keeps the existing ids.
 *
 * scenario_plan() returns, for one run, the list of model instances with their filled config
 * structs, in creation order (nodes, links, apps); the world (world.h) builds them.
 */
#ifndef MCPSIM_SIM_SCENARIO_H
#define MCPSIM_SIM_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/registry.h"
#include "sim/units.h"

struct scenario;

#define SCENARIO_ID_LEN 16 /* hex digits of a run id */

/* Loads and validates. `sets` are "path=value" strings (path: duration, seed,
 * nodes|links|apps.NAME.PARAM; a value "[a, b]" makes a sweep axis; for a list parameter
 * the value is the list's text form "a; b" and "[a; b, c]" sweeps the lists (a, b) and (c)).
 * 0, or -1 with one "file:line:col: message" in err. */
int scenario_load(const char *path, const char *const *sets, size_t nsets, struct scenario **out,
                  char *err, size_t errlen);
void scenario_free(struct scenario *sc);

const char *scenario_name(const struct scenario *sc);
const char *scenario_path(const struct scenario *sc);
/* SHA-256 hex of the canonical scenario without its sweep section (64 digits). */
const char *scenario_hash(const struct scenario *sc);

size_t scenario_point_count(const struct scenario *sc);
unsigned scenario_repeat(const struct scenario *sc);
size_t scenario_run_count(const struct scenario *sc); /* points * repeat */
bool scenario_is_zip(const struct scenario *sc);

size_t scenario_axis_count(const struct scenario *sc);
const char *scenario_axis_name(const struct scenario *sc, size_t axis);
size_t scenario_axis_len(const struct scenario *sc, size_t axis);
/* A value as written; a point of a sweep of list values: its items joined by "; ". */
const char *scenario_axis_value(const struct scenario *sc, size_t axis, size_t i);

/* One run of the expansion. */
struct scenario_run {
    size_t index;                     /* K */
    size_t point;                     /* parameter point */
    unsigned rep;                     /* repetition = the RNG run number */
    char id[SCENARIO_ID_LEN + 1];
    uint64_t seed;
    sim_time_t duration;
};

int scenario_run_info(const struct scenario *sc, size_t index, struct scenario_run *out);
/* The same for any repetition of a point, also beyond `repeat` (`mcpsim run --run N`). */
int scenario_run_at(const struct scenario *sc, size_t point, unsigned rep,
                    struct scenario_run *out);
/* The value of sweep axis `axis` at parameter point `point`. */
const char *scenario_point_axis_value(const struct scenario *sc, size_t point, size_t axis);

/* What to record (the `record` section): rules applied in file order, the last matching
 * rule deciding (results.h "Recording rules"). A pattern is a glob over
 * "KIND:MODULE.NAME" (KIND scalar|vector|histogram, optional); the value is on/off, or a time
 * meaning "on, vectors sampled at this interval". */
struct scenario_record_rule {
    const char *pattern;
    bool on;
    sim_time_t interval; /* > 0: sample matching vectors every interval */
};
struct scenario_record {
    const struct scenario_record_rule *rules;
    size_t n;
};
const struct scenario_record *scenario_record(const struct scenario *sc);

/* One model instance of a run's plan. */
struct plan_instance {
    const struct model_def *def;
    char name[PARAM_STRING_MAX];
    void *config;            /* def->config_size bytes, filled */
    const char *section;     /* "nodes", "links", "apps" */
    const char *file;        /* where the entry is, for run-time errors */
    int line, col;
};

struct scenario_plan {
    struct plan_instance *inst;
    size_t n;
};

/* Builds run `index`'s instance list. Cannot fail on a loaded scenario except for memory;
 * -1 with a message otherwise. */
int scenario_plan(const struct scenario *sc, size_t index, struct scenario_plan *out, char *err,
                  size_t errlen);
void scenario_plan_free(struct scenario_plan *p);

#endif
