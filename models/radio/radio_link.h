/* radio_link.h - a radio model as a link of a scenario: what wifi_model.c and lte_model.c
 * share.
 *
 * A radio link instance counts the terminals its parameters list (radio_attach.h), creates
 * the radio for that many, joins it to the hub and terminal nodes (radio_attach_new), records
 * its scalars at the end of the run and frees it with the world. What differs between the
 * radios comes through a struct radio_link_ops: how the radio is created, freed and read.
 *
 * Scalars: for every terminal, module LINK.TERMINAL, each per-direction counter the ops list
 * as up_NAME and down_NAME (in the table's order), then what record_terminal adds; after all
 * terminals, what record_link adds under module LINK. Not handled here: the parameter tables
 * and the models' own statistics (they stay in wifi_model.c and lte_model.c).
 */
#ifndef MCPSIM_MODELS_RADIO_RADIO_LINK_H
#define MCPSIM_MODELS_RADIO_RADIO_LINK_H

#include <stddef.h>
#include <stdint.h>

#include "models/radio/radio_attach.h"
#include "sim/registry.h"
#include "sim/results.h"
#include "sim/world.h"

/* One uint64_t counter of a radio's per-direction statistics struct. */
struct radio_link_stat {
    const char *name; /* recorded as up_NAME / down_NAME */
    const char *unit;
    size_t offset;    /* offsetof(the statistics struct, field) */
};

struct radio_link_ops {
    struct radio_ops attach; /* how radio_attach reaches the radio */
    /* Creates the radio for `terminals` terminals from the model's whole config; 0, or -1
     * with a message. */
    int (*create)(struct model_ctx *ctx, const char *name, const void *config,
                  uint32_t terminals, void **radio, char *err, size_t errlen);
    void (*free)(void *radio);
    /* Fills a statistics struct of stats_size bytes for one terminal and direction. */
    void (*get_stats)(const void *radio, uint32_t terminal, enum radio_dir dir, void *out);
    size_t stats_size;
    const struct radio_link_stat *stats; /* the counters of that struct to record */
    size_t nstats;
    /* More scalars of a terminal, after its counters (NULL: none). */
    void (*record_terminal)(const void *radio, uint32_t terminal, struct results_run *r,
                            const char *module);
    /* Scalars of the whole link, module = the link's name (NULL: none). */
    void (*record_link)(const void *radio, struct model_ctx *ctx, const char *module);
};

/* Builds the link `name` (a model_def's create): 0, or -1 with a message. `config` is the
 * model's config as given to create, `at` its radio_attach part. */
int radio_link_create(struct model_ctx *ctx, const char *name, const struct radio_link_ops *ops,
                      const void *config, const struct radio_attach_config *at, void **out,
                      char *err, size_t errlen);

/* Fills config with the defaults of def's parameter table; a malformed default is a bug in
 * the table, so it aborts with the message. */
void radio_link_defaults(const struct model_def *def, void *config);

#endif
