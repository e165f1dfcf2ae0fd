/* world.h - one run's world: the model instances of a plan and what they share.
 *
 * struct model_ctx (forward-declared in registry.h) is what a model's create() receives. It
 * is deliberately small; a model gets from it:
 *   - the scheduler (ctx->sched) and the run's results recorder (ctx->results, NULL when
 *     nothing is recorded; every results_* call accepts NULL);
 *   - random streams: model_ctx_rng(ctx, instance, purpose) gives the stream named
 *     "instance/purpose" of (seed, run) (rng.h), owned by the world;
 *   - the packet pool (ctx->pool), stamped with the scheduler's clock;
 *   - other instances by name: model_ctx_lookup() (a link finds its nodes);
 *   - state shared by one family of models (a routing table for all nodes):
 *     model_ctx_shared(ctx, "net", size, fini) returns the same zeroed block to every
 *     caller with that key;
 *   - end-of-run and teardown hooks: model_ctx_on_finish() (record scalars, in creation
 *     order, at the end of the simulated time) and model_ctx_on_free() (reverse order);
 *     whole-world checks after the build: model_ctx_on_check().
 * Models are built in plan order (nodes, links, apps), so a link can find its nodes and an
 * app its node. The world owns the instances only through the hooks they register.
 *
 * Not here: what models are (registry.h), scenario files (scenario.h), the database
 * (results.h).
 */
#ifndef MCPSIM_SIM_WORLD_H
#define MCPSIM_SIM_WORLD_H

#include <stddef.h>
#include <stdint.h>

#include "sim/packet.h"
#include "sim/registry.h"
#include "sim/results.h"
#include "sim/rng.h"
#include "sim/scenario.h"
#include "sim/sched.h"

struct world;

struct model_ctx {
    struct sched *sched;
    struct results_run *results; /* may be NULL */
    struct pkt_pool *pool;
    uint64_t seed;               /* scenario seed */
    uint64_t run;                /* run number (the repetition) */
    sim_time_t duration;         /* the run ends at this simulated time */
    const char *pcap_dir;        /* NULL: no capture asked */
    struct world *world;
};

typedef void (*model_hook_fn)(void *obj, struct model_ctx *ctx);

/* The stream "instance/purpose" of (seed, run); NULL when memory is exhausted. */
struct rng *model_ctx_rng(struct model_ctx *ctx, const char *instance, const char *purpose);

/* The instance built under `name`, with its model definition; NULL when there is none. */
void *model_ctx_lookup(struct model_ctx *ctx, const char *name, const struct model_def **def);

/* The block shared under key (size bytes, zeroed at first use, fini(block) at teardown after
 * every on_free hook); NULL when memory is exhausted. */
void *model_ctx_shared(struct model_ctx *ctx, const char *key, size_t size,
                       void (*fini)(void *block));

int model_ctx_on_finish(struct model_ctx *ctx, model_hook_fn fn, void *obj);
/* A check that needs the whole world (an application's destination reached by a route):
 * called once every instance is built, as world_build's last step, so `mcpsim check` finds
 * what it refuses too. Returns 0, or -1 with a message in err; world_build then fails with
 * the position of the instance that was being built when the check was registered. */
typedef int (*model_check_fn)(void *obj, struct model_ctx *ctx, char *err, size_t errlen);
int model_ctx_on_check(struct model_ctx *ctx, model_check_fn fn, void *obj);
int model_ctx_on_free(struct model_ctx *ctx, model_hook_fn fn, void *obj);

struct world_config {
    uint64_t seed;
    uint64_t run;
    sim_time_t duration;
    struct results_run *results; /* may be NULL */
    const char *pcap_dir;        /* may be NULL */
};

/* Builds every instance of the plan; 0, or -1 with "file:line:col: name: why" in err. */
int world_build(const struct scenario_plan *plan, const struct world_config *cfg,
                struct world **out, char *err, size_t errlen);

/* Called a few times per simulated slice with the progress so far. */
typedef void (*world_progress_fn)(void *ctx, sim_time_t now, sim_time_t end, uint64_t events);

/* Runs to the configured duration, then calls the finish hooks. Returns events executed. */
uint64_t world_run(struct world *w, world_progress_fn progress, void *pctx);

struct model_ctx *world_ctx(struct world *w);
void world_free(struct world *w);

#endif
