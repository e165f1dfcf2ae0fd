/* world.c - building and running one run's model instances (see world.h).
 *
 * The plan gives every name before anything is built, so the name index (a sorted array,
 * binary search) is made once up front; an instance not built yet is not found. Thousands
 * of phones each looking up their links' ends cost O(n log n), not O(n^2).
 */
#include "sim/world.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct hook {
    model_hook_fn fn;
    void *obj;
};

struct hooks {
    struct hook *h;
    size_t n, cap;
};

struct check {
    model_check_fn fn;
    void *obj;
    size_t inst; /* the instance being built when it was registered */
};

struct instance {
    char *name;
    const struct model_def *def;
    void *obj;
    bool built;
};

struct shared {
    char *key;
    void *block;
    void (*fini)(void *block);
};

struct world {
    struct model_ctx ctx;
    struct instance *inst;   /* creation order */
    size_t ninst;
    struct instance **by_name;
    struct hooks finish, release;
    struct check *checks;
    size_t nchecks;
    size_t building; /* index of the instance whose create() runs */
    struct shared *shared;
    size_t nshared;
    struct rng **rngs;
    size_t nrngs;
};

static int hooks_add(struct hooks *hs, model_hook_fn fn, void *obj)
{
    if (hs->n == hs->cap) {
        size_t cap = hs->cap ? hs->cap * 2 : 16;
        struct hook *h = realloc(hs->h, cap * sizeof *h);
        if (!h)
            return -1;
        hs->h = h;
        hs->cap = cap;
    }
    hs->h[hs->n++] = (struct hook){ fn, obj };
    return 0;
}

int model_ctx_on_finish(struct model_ctx *ctx, model_hook_fn fn, void *obj)
{
    return hooks_add(&ctx->world->finish, fn, obj);
}

int model_ctx_on_free(struct model_ctx *ctx, model_hook_fn fn, void *obj)
{
    return hooks_add(&ctx->world->release, fn, obj);
}

int model_ctx_on_check(struct model_ctx *ctx, model_check_fn fn, void *obj)
{
    struct world *w = ctx->world;
    struct check *c = realloc(w->checks, (w->nchecks + 1) * sizeof *c);
    if (!c)
        return -1;
    w->checks = c;
    c[w->nchecks++] = (struct check){ fn, obj, w->building };
    return 0;
}

struct rng *model_ctx_rng(struct model_ctx *ctx, const char *instance, const char *purpose)
{
    struct world *w = ctx->world;
    char name[2 * PARAM_STRING_MAX + 2];
    snprintf(name, sizeof name, "%s/%s", instance, purpose);
    struct rng **a = realloc(w->rngs, (w->nrngs + 1) * sizeof *a);
    if (!a)
        return NULL;
    w->rngs = a;
    struct rng *r = rng_new(ctx->seed, ctx->run, name);
    if (r)
        w->rngs[w->nrngs++] = r;
    return r;
}

static int by_name_cmp(const void *a, const void *b)
{
    const struct instance *const *x = a, *const *y = b;
    return strcmp((*x)->name, (*y)->name);
}

void *model_ctx_lookup(struct model_ctx *ctx, const char *name, const struct model_def **def)
{
    struct world *w = ctx->world;
    size_t lo = 0, hi = w->ninst;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(name, w->by_name[mid]->name);
        if (c == 0) {
            const struct instance *found = w->by_name[mid];
            if (!found->built)
                return NULL;
            if (def)
                *def = found->def;
            return found->obj;
        }
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

void *model_ctx_shared(struct model_ctx *ctx, const char *key, size_t size,
                       void (*fini)(void *block))
{
    struct world *w = ctx->world;
    for (size_t i = 0; i < w->nshared; i++)
        if (strcmp(w->shared[i].key, key) == 0)
            return w->shared[i].block;
    struct shared *s = realloc(w->shared, (w->nshared + 1) * sizeof *s);
    if (!s)
        return NULL;
    w->shared = s;
    void *block = calloc(1, size ? size : 1);
    char *k = strdup(key);
    if (!block || !k) {
        free(block);
        free(k);
        return NULL;
    }
    w->shared[w->nshared++] = (struct shared){ k, block, fini };
    return block;
}

static sim_time_t pool_clock(void *ctx)
{
    return sched_now(ctx);
}

int world_build(const struct scenario_plan *plan, const struct world_config *cfg,
                struct world **out, char *err, size_t errlen)
{
    struct world *w = calloc(1, sizeof *w);
    if (!w || !(w->inst = calloc(plan->n ? plan->n : 1, sizeof *w->inst)) ||
        !(w->ctx.sched = sched_new())) {
        snprintf(err, errlen, "out of memory building the world");
        world_free(w);
        return -1;
    }
    if (pkt_pool_new(NULL, &w->ctx.pool, err, errlen) < 0) {
        world_free(w);
        return -1;
    }
    pkt_pool_set_clock(w->ctx.pool, pool_clock, w->ctx.sched);
    w->ctx.results = cfg->results;
    w->ctx.seed = cfg->seed;
    w->ctx.run = cfg->run;
    w->ctx.duration = cfg->duration;
    w->ctx.pcap_dir = cfg->pcap_dir;
    w->ctx.world = w;
    w->by_name = malloc((plan->n ? plan->n : 1) * sizeof *w->by_name);
    if (!w->by_name) {
        snprintf(err, errlen, "out of memory building the world");
        world_free(w);
        return -1;
    }
    /* Names are copied: the world outlives the plan. */
    for (size_t i = 0; i < plan->n; i++) {
        w->inst[i] = (struct instance){ strdup(plan->inst[i].name), plan->inst[i].def, NULL,
                                        false };
        w->by_name[i] = &w->inst[i];
        w->ninst++;
        if (!w->inst[i].name) {
            snprintf(err, errlen, "out of memory building the world");
            world_free(w);
            return -1;
        }
    }
    qsort(w->by_name, w->ninst, sizeof *w->by_name, by_name_cmp);
    for (size_t i = 0; i < plan->n; i++) {
        const struct plan_instance *pi = &plan->inst[i];
        char merr[512] = "";
        void *obj = NULL;
        w->building = i;
        if (pi->def->create(&w->ctx, pi->name, pi->config, &obj, merr, sizeof merr) < 0) {
            snprintf(err, errlen, "%s:%d:%d: %s \"%s\" (%s): %s", pi->file, pi->line, pi->col,
                     pi->section, pi->name, pi->def->kind, merr[0] ? merr : "cannot be built");
            world_free(w);
            return -1;
        }
        w->inst[i].obj = obj;
        w->inst[i].built = true;
    }
    for (size_t i = 0; i < w->nchecks; i++) {
        char merr[512] = "";
        if (w->checks[i].fn(w->checks[i].obj, &w->ctx, merr, sizeof merr) < 0) {
            const struct plan_instance *pi = &plan->inst[w->checks[i].inst];
            snprintf(err, errlen, "%s:%d:%d: %s \"%s\" (%s): %s", pi->file, pi->line, pi->col,
                     pi->section, pi->name, pi->def->kind, merr[0] ? merr : "check failed");
            world_free(w);
            return -1;
        }
    }
    *out = w;
    return 0;
}

uint64_t world_run(struct world *w, world_progress_fn progress, void *pctx)
{
    struct sched *s = w->ctx.sched;
    sim_time_t end = w->ctx.duration;
    /* Run in slices so the caller can show progress; 1000 slices cost nothing next to the
     * events, and keep the refresh fine enough even when a run takes minutes. */
    sim_time_t slice = end / 1000 > 0 ? end / 1000 : end;
    uint64_t events = 0;
    while (sched_now(s) < end) {
        sim_time_t next = sched_now(s) + slice;
        if (next > end || next < sched_now(s))
            next = end;
        events += sched_run_until(s, next);
        if (progress)
            progress(pctx, sched_now(s), end, events);
    }
    for (size_t i = 0; i < w->finish.n; i++)
        w->finish.h[i].fn(w->finish.h[i].obj, &w->ctx);
    return events;
}

struct model_ctx *world_ctx(struct world *w)
{
    return &w->ctx;
}

void world_free(struct world *w)
{
    if (!w)
        return;
    for (size_t i = w->release.n; i-- > 0;)
        w->release.h[i].fn(w->release.h[i].obj, &w->ctx);
    for (size_t i = 0; i < w->nshared; i++) {
        if (w->shared[i].fini)
            w->shared[i].fini(w->shared[i].block);
        free(w->shared[i].block);
        free(w->shared[i].key);
    }
    free(w->shared);
    for (size_t i = 0; i < w->nrngs; i++)
        rng_free(w->rngs[i]);
    free(w->rngs);
    for (size_t i = 0; i < w->ninst; i++)
        free(w->inst[i].name);
    free(w->by_name);
    free(w->inst);
    free(w->finish.h);
    free(w->release.h);
    free(w->checks);
    if (w->ctx.pool)
        pkt_pool_free(w->ctx.pool);
    if (w->ctx.sched)
        sched_free(w->ctx.sched);
    free(w);
}
