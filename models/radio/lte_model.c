/* lte_model.c - the "lte" model's parameter table (mcpsim help lte) and defaults.
 *
 * Defaults: 20 Mbit/s down, 5 Mbit/s up (a loaded urban LTE cell as seen by one phone),
 * 1500-byte opportunities (Mahimahi), proportional fair over 1000 opportunities, 2 MB base
 * station buffer per phone (about 0.8 s at 20 Mbit/s: the bufferbloat measured in cellular
 * networks), 1 MB uplink buffer, 20 ms base one-way latency, and the RRC figures measured by
 * Huang et al. (MobiSys 2012) on a commercial LTE network: 260 ms promotion, 11.5 s tail.
 *
 * In a scenario the cell joins the base station node `bs` to the phone nodes listed in
 * `phones` (radio_link.h, radio_attach.h); the number of phones is the length of that
 * list. Scalars, module LINK.PHONE: up_/down_ delivered_packets, delivered_bytes, opportunities,
 * queue_drops, outage_drops, and promotions.
 */
#include <stddef.h>

#include "models/radio/lte.h"
#include "models/radio/radio_link.h"
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
      "trace or markov spec is given", NULL, 1, 1e12 },
    { "up_rate", PARAM_RATE, F(up_rate), "5Mbps", "constant uplink rate when no trace or "
      "markov spec is given", NULL, 1, 1e12 },
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
      "traffic after which a phone's radio is idle", NULL, 1e6, PARAM_TIME_MAX },
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
    radio_link_defaults(&lte_model, &m);
    *c = m.radio;
    c->phones = 1;
}

/* ---- in a scenario (radio_link.h) ------------------------------------------------- */

static int op_enqueue(void *radio, uint32_t t, enum radio_dir d, struct packet *p)
{
    return lte_enqueue(radio, t, d, p);
}

static void op_set_deliver(void *radio, uint32_t t, enum radio_dir d, radio_deliver_fn fn,
                           void *ctx)
{
    lte_set_deliver(radio, t, d, fn, ctx);
}

static int op_create(struct model_ctx *ctx, const char *name, const void *config,
                     uint32_t terminals, void **radio, char *err, size_t errlen)
{
    struct lte_config c = ((const struct lte_model_config *)config)->radio;
    c.phones = terminals;
    struct lte *cell;
    if (lte_new(ctx->sched, &c, name, ctx->seed, ctx->run, &cell, err, errlen) < 0)
        return -1;
    *radio = cell;
    return 0;
}

static void op_free(void *radio) { lte_free(radio); }

static void op_get_stats(const void *radio, uint32_t t, enum radio_dir d, void *out)
{
    lte_get_stats(radio, t, d, out);
}

static void op_record_terminal(const void *radio, uint32_t t, struct results_run *r,
                               const char *module)
{
    results_scalar(r, module, "promotions", "", (double)lte_promotions(radio, t));
}

#define S(field, unit) { #field, unit, offsetof(struct lte_stats, field) }
static const struct radio_link_stat lte_dir_stats[] = {
    S(delivered_packets, "pkt"), S(delivered_bytes, "B"), S(opportunities, "opportunities"),
    S(queue_drops, "pkt"),       S(outage_drops, "pkt"),
};
#undef S

static const struct radio_link_ops lte_link_ops = {
    .attach = { op_enqueue, op_set_deliver, lte_link_set_up },
    .create = op_create,
    .free = op_free,
    .get_stats = op_get_stats,
    .stats_size = sizeof(struct lte_stats),
    .stats = lte_dir_stats,
    .nstats = sizeof lte_dir_stats / sizeof lte_dir_stats[0],
    .record_terminal = op_record_terminal,
};

static int lte_create(struct model_ctx *ctx, const char *name, const void *config,
                      void **out, char *err, size_t errlen)
{
    const struct lte_model_config *c = config;
    return radio_link_create(ctx, name, &lte_link_ops, config, &c->at, out, err, errlen);
}
