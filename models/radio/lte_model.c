/* lte_model.c - the "lte" model's parameter table (mcpsim help lte) and defaults.
 *
 * Defaults: 20 Mbit/s down, 5 Mbit/s up (a loaded urban LTE cell as seen by one phone),
 * 1500-byte opportunities (Mahimahi), proportional fair over 1000 opportunities, 2 MB base
 * station buffer per phone (about 0.8 s at 20 Mbit/s: the bufferbloat measured in cellular
 * networks), 1 MB uplink buffer, 20 ms base one-way latency, and the RRC figures measured by
 * Huang et al. (MobiSys 2012) on a commercial LTE network: 260 ms promotion, 11.5 s tail.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include "models/radio/lte.h"
#include "sim/registry.h"

#define F(field) offsetof(struct lte_config, field)

static const struct param_def lte_params[] = {
    { "phones", PARAM_UINT, F(phones), "1", "phones sharing the cell", NULL, 1, 1e9 },
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
    .config_size = sizeof(struct lte_config),
    .create = lte_create,
};
MODEL_REGISTER(lte_model)

static int lte_create(struct model_ctx *ctx, const char *name, const void *config,
                      void **out, char *err, size_t errlen)
{
    (void)ctx;
    (void)out;
    if (lte_config_check(config, err, errlen) < 0)
        return -1;
    snprintf(err, errlen, "%s: an lte cell is attached to node interfaces by the network "
             "work; until then it is built with lte_new() (docs/models-radio.md)", name);
    return -1;
}

void lte_config_default(struct lte_config *c)
{
    char err[200];
    *c = (struct lte_config){ 0 };
    if (param_defaults(&lte_model, c, err, sizeof err) < 0) {
        fprintf(stderr, "lte: %s\n", err); /* a malformed default is a bug in the table */
        abort();
    }
}
