/* radio_link.c - a radio model as a link of a scenario (see radio_link.h). */
#include "models/radio/radio_link.h"

#include <stdio.h>
#include <stdlib.h>

struct radio_link {
    const struct radio_link_ops *ops;
    void *radio;
    struct radio_attach *at;
    uint32_t terminals;
    char name[PARAM_STRING_MAX];
    uint64_t stats[]; /* room for ops->stats_size bytes, read at the end of the run */
};

static void record_dir(struct radio_link *l, uint32_t terminal, enum radio_dir dir,
                       struct results_run *r, const char *module)
{
    const struct radio_link_ops *ops = l->ops;
    const char *prefix = dir == RADIO_UP ? "up" : "down";
    char name[64];
    ops->get_stats(l->radio, terminal, dir, l->stats);
    for (size_t k = 0; k < ops->nstats; k++) {
        uint64_t v = *(const uint64_t *)((const char *)l->stats + ops->stats[k].offset);
        snprintf(name, sizeof name, "%s_%s", prefix, ops->stats[k].name);
        results_scalar(r, module, name, ops->stats[k].unit, (double)v);
    }
}

static void link_finish(void *obj, struct model_ctx *ctx)
{
    struct radio_link *l = obj;
    char module[2 * PARAM_STRING_MAX + 2];
    for (uint32_t i = 0; i < l->terminals; i++) {
        snprintf(module, sizeof module, "%s.%s", l->name, radio_attach_terminal(l->at, i));
        record_dir(l, i, RADIO_UP, ctx->results, module);
        record_dir(l, i, RADIO_DOWN, ctx->results, module);
        if (l->ops->record_terminal)
            l->ops->record_terminal(l->radio, i, ctx->results, module);
    }
    if (l->ops->record_link)
        l->ops->record_link(l->radio, ctx, l->name);
}

static void link_release(void *obj, struct model_ctx *ctx)
{
    struct radio_link *l = obj;
    (void)ctx;
    l->ops->free(l->radio);
    free(l);
}

int radio_link_create(struct model_ctx *ctx, const char *name, const struct radio_link_ops *ops,
                      const void *config, const struct radio_attach_config *at, void **out,
                      char *err, size_t errlen)
{
    int n = radio_attach_count(at->terminals, err, errlen);
    if (n < 0)
        return -1;
    size_t words = (ops->stats_size + sizeof(uint64_t) - 1) / sizeof(uint64_t);
    struct radio_link *l = calloc(1, sizeof *l + words * sizeof(uint64_t));
    if (!l) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    l->ops = ops;
    l->terminals = (uint32_t)n;
    snprintf(l->name, sizeof l->name, "%s", name);
    if (ops->create(ctx, name, config, l->terminals, &l->radio, err, errlen) < 0) {
        free(l);
        return -1;
    }
    if (model_ctx_on_free(ctx, link_release, l) < 0) {
        link_release(l, ctx);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (radio_attach_new(ctx, name, at, &ops->attach, l->radio, &l->at, err, errlen) < 0)
        return -1;
    if (model_ctx_on_finish(ctx, link_finish, l) < 0) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    *out = l;
    return 0;
}

void radio_link_defaults(const struct model_def *def, void *config)
{
    char err[200];
    if (param_defaults(def, config, err, sizeof err) < 0) {
        fprintf(stderr, "%s: %s\n", def->kind, err);
        abort();
    }
}
