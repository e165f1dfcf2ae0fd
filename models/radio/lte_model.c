/* lte_model.c - the "lte" model's parameter table (mcpsim help lte) and defaults.
 *
 * Defaults: 20 Mbit/s down, 5 Mbit/s up (a loaded urban LTE cell as seen by one phone),
 * 1500-byte opportunities (Mahimahi), proportional fair over 1000 opportunities, 2 MB base
 * station buffer per phone (about 0.8 s at 20 Mbit/s: the bufferbloat measured in cellular
 * networks), 1 MB uplink buffer, 20 ms base one-way latency, and the RRC figures measured by
 * Huang et al. (MobiSys 2012) on a commercial LTE network: 260 ms promotion, 11.5 s tail.
 *
 * In a scenario the cell joins the base station node `bs` to the phone nodes listed in
 * `phones` (radio_attach.h); the number of phones is the length of that list. Scalars,
 * module LINK.PHONE: up_/down_ delivered_packets, delivered_bytes, opportunities,
 * queue_drops, outage_drops, and promotions.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include "models/radio/lte.h"
#include "models/radio/radio_attach.h"
#include "sim/registry.h"

struct lte_model_config {
    struct lte_config radio;
    struct radio_attach_config at;
};

#define F(field) offsetof(struct lte_model_config, radio.field)
#define A(field) offsetof(struct lte_model_config, at.field)

static const struct param_def lte_params[] = {
    { "bs", PARAM_NODE, A(hub), NULL, "the base station node", NULL, 0, 0 },
    { "phones", PARAM_STRING, A(terminals), NULL, "the phone nodes sharing the cell, "
      "comma-separated; phone-0..9 stands for phone-0 to phone-9", NULL, 0, 0 },
    { "down_trace", PARAM_STRING, F(down_trace), "", "downlink Mahimahi trace file (one "
      "millisecond timestamp per delivery opportunity, repeating); empty: markov or rate",
      NULL, 0, 0 },
    { "up_trace", PARAM_STRING, F(up_trace), "", "uplink Mahimahi trace file", NULL, 0, 0 },
    { "down_markov", PARAM_STRING, F(down_markov), "", "downlink Markov-modulated rate: "
      "RATE/MEAN_SOJOURN states, e.g. 30Mbps/2s,5Mbps/1s,0bps/200ms", NULL, 0, 0 },
    { "up_markov", PARAM_STRING, F(up_markov), "", "uplink Markov-modulated rate", NULL, 0,
      0 },
    { "down_rate", PARAM_RATE, F(down_rate), "20Mbps", "constant downlink rate when no "
      "trace or markov spec is given", NULL, 0, 0 },
    { "up_rate", PARAM_RATE, F(up_rate), "5Mbps", "constant uplink rate when no trace or "
      "markov spec is given", NULL, 0, 0 },
    { "opportunity_bytes", PARAM_SIZE, F(opportunity_bytes), "1500B", "bytes one delivery "
      "opportunity carries (Mahimahi: one MTU)", NULL, 1, 65535 },
    { "scheduler", PARAM_ENUM, F(scheduler), "pf", "who gets an opportunity: rr (round "
      "robin) or pf (proportional fair)", "rr|pf", 0, 0 },
    { "pf_window", PARAM_UINT, F(pf_window), "1000", "proportional-fair averaging window, "
      "in opportunities (at least 2)", NULL, 2, 1e9 },
    { "bs_buffer", PARAM_SIZE, F(bs_buffer), "2MB", "downlink buffer per phone at the base "
      "station (drop-tail; 0B: unlimited)", NULL, 0, 0 },
    { "phone_buffer", PARAM_SIZE, F(phone_buffer), "1MB", "uplink buffer in each phone "
      "(drop-tail; 0B: unlimited)", NULL, 0, 0 },
    { "base_delay", PARAM_TIME, F(base_delay), "20ms", "extra one-way latency added to "
      "every packet", NULL, 0, 0 },
    { "promotion_delay", PARAM_TIME, F(promotion_delay), "260ms", "RRC idle -> connected "
      "delay before an idle phone's first packet moves", NULL, 0, 0 },
    { "inactivity_timeout", PARAM_TIME, F(inactivity_timeout), "11.5s", "time without "
      "traffic after which a phone's radio is idle", NULL, 0, 0 },
    { "outage_schedule", PARAM_STRING, A(outage_schedule), "", "down intervals of every "
      "phone, START-END,... (e.g. 10s-12s,30s-31s)", NULL, 0, 0 },
    { "outage_mean_up", PARAM_TIME, A(outage_mean_up), "0s", "random on/off outages of "
      "every phone: mean time up (0s: none)", NULL, 0, 0 },
    { "outage_mean_down", PARAM_TIME, A(outage_mean_down), "0s", "random on/off outages: "
      "mean time down", NULL, 0, 0 },
};

static int lte_create(struct model_ctx *ctx, const char *name, const void *config,
                      void **out, char *err, size_t errlen);

static const struct model_def lte_model = {
    .kind = "lte",
    .category = "link",
    .help = "LTE cell: trace-driven (Mahimahi), Markov-modulated or constant opportunities "
            "per direction, shared by phones with round-robin or proportional-fair "
            "scheduling, deep per-phone buffers, RRC promotion delay and base latency.",
    .params = lte_params,
    .nparams = sizeof lte_params / sizeof lte_params[0],
    .config_size = sizeof(struct lte_model_config),
    .create = lte_create,
};
MODEL_REGISTER(lte_model)

void lte_config_default(struct lte_config *c)
{
    struct lte_model_config m;
    char err[200];
    if (param_defaults(&lte_model, &m, err, sizeof err) < 0) {
        fprintf(stderr, "lte: %s\n", err); /* a malformed default is a bug in the table */
        abort();
    }
    *c = m.radio;
    c->phones = 1;
}

/* ---- in a scenario ---------------------------------------------------------------- */

struct lte_instance {
    struct lte *cell;
    struct radio_attach *at;
    char name[PARAM_STRING_MAX];
};

static int op_enqueue(void *radio, uint32_t t, enum radio_dir d, struct packet *p)
{
    return lte_enqueue(radio, t, d, p);
}

static void op_set_deliver(void *radio, uint32_t t, enum radio_dir d, radio_deliver_fn fn,
                           void *ctx)
{
    lte_set_deliver(radio, t, d, fn, ctx);
}

static const struct radio_ops lte_ops = { op_enqueue, op_set_deliver, lte_link_set_up };

static void record_dir(struct results_run *r, const char *module, const char *dir,
                       const struct lte_stats *st)
{
    char name[64];
#define REC(field, unit)                                                   \
    snprintf(name, sizeof name, "%s_" #field, dir);                        \
    results_scalar(r, module, name, unit, (double)st->field)
    REC(delivered_packets, "pkt");
    REC(delivered_bytes, "B");
    REC(opportunities, "opportunities");
    REC(queue_drops, "pkt");
    REC(outage_drops, "pkt");
#undef REC
}

static void lte_finish(void *obj, struct model_ctx *ctx)
{
    struct lte_instance *x = obj;
    char module[2 * PARAM_STRING_MAX + 2];
    for (uint32_t i = 0; i < lte_phones(x->cell); i++) {
        struct lte_stats st;
        snprintf(module, sizeof module, "%s.%s", x->name, radio_attach_terminal(x->at, i));
        lte_get_stats(x->cell, i, RADIO_UP, &st);
        record_dir(ctx->results, module, "up", &st);
        lte_get_stats(x->cell, i, RADIO_DOWN, &st);
        record_dir(ctx->results, module, "down", &st);
        results_scalar(ctx->results, module, "promotions", "",
                       (double)lte_promotions(x->cell, i));
    }
}

static void lte_release(void *obj, struct model_ctx *ctx)
{
    struct lte_instance *x = obj;
    (void)ctx;
    lte_free(x->cell);
    free(x);
}

static int lte_create(struct model_ctx *ctx, const char *name, const void *config,
                      void **out, char *err, size_t errlen)
{
    struct lte_model_config c = *(const struct lte_model_config *)config;
    int n = radio_attach_count(c.at.terminals, err, errlen);
    if (n < 0)
        return -1;
    c.radio.phones = (uint64_t)n;
    struct lte_instance *x = calloc(1, sizeof *x);
    if (!x) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    snprintf(x->name, sizeof x->name, "%s", name);
    if (lte_new(ctx->sched, &c.radio, name, ctx->seed, ctx->run, &x->cell, err, errlen) < 0) {
        free(x);
        return -1;
    }
    if (model_ctx_on_free(ctx, lte_release, x) < 0) {
        lte_release(x, ctx);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (radio_attach_new(ctx, name, &c.at, &lte_ops, x->cell, &x->at, err, errlen) < 0)
        return -1;
    if (model_ctx_on_finish(ctx, lte_finish, x) < 0) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    *out = x;
    return 0;
}
