/* wifi_model.c - the "wifi" model's parameter table (mcpsim help wifi) and defaults.
 *
 * The defaults are 802.11a/g OFDM at 54 Mbit/s with ACKs at 24 Mbit/s (the highest
 * mandatory basic rate not above the data rate, IEEE 802.11-2016 10.6.6.5.2): slot 9 us,
 * SIFS 16 us, DIFS = SIFS + 2 slots = 34 us, CWmin 15, CWmax 1023, retry limit 7
 * (dot11ShortRetryLimit), PLCP preamble + SIGNAL 20 us, MAC header 24 B + LLC/SNAP 8 B +
 * FCS 4 B = 36 B, ACK 14 B. tests/test_wifi.c sets Bianchi's FHSS parameters explicitly.
 *
 * In a scenario the channel joins the access point node `ap` to the station nodes listed in
 * `stations` (radio_attach.h); the number of stations is the length of that list. Scalars,
 * module LINK.STATION: up_/down_ delivered_packets, delivered_bytes, attempts, failures,
 * retry_drops, queue_drops, outage_drops; module LINK: successes, collisions, busy (the
 * fraction of time the medium was busy).
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include "models/radio/radio_attach.h"
#include "models/radio/wifi.h"
#include "sim/registry.h"

struct wifi_model_config {
    struct wifi_config radio;
    struct radio_attach_config at;
};

#define F(field) offsetof(struct wifi_model_config, radio.field)
#define A(field) offsetof(struct wifi_model_config, at.field)

static const struct param_def wifi_params[] = {
    { "ap", PARAM_NODE, A(hub), NULL, "the access point node", NULL, 0, 0 },
    { "stations", PARAM_STRING, A(terminals), NULL, "the station nodes, comma-separated; "
      "phone-0..9 stands for phone-0 to phone-9", NULL, 0, 0 },
    { "slot", PARAM_TIME, F(slot), "9us", "slot time (aSlotTime)", NULL, 0, 0 },
    { "sifs", PARAM_TIME, F(sifs), "16us", "short interframe space before an ACK", NULL, 0,
      0 },
    { "difs", PARAM_TIME, F(difs), "34us", "DCF interframe space: idle time before backoff "
      "slots count (SIFS + 2 slots)", NULL, 0, 0 },
    { "cw_min", PARAM_UINT, F(cw_min), "15", "initial contention window: backoff is uniform "
      "in [0, CW] slots", NULL, 1, 65535 },
    { "cw_max", PARAM_UINT, F(cw_max), "1023", "largest contention window (CW <- 2 CW + 1 "
      "per failure)", NULL, 1, 65535 },
    { "retry_limit", PARAM_UINT, F(retry_limit), "7", "failed attempts after which a frame "
      "is dropped (0: retry for ever, Bianchi's assumption)", NULL, 0, 1000 },
    { "data_rate", PARAM_RATE, F(data_rate), "54Mbps", "PHY rate of data frames", NULL, 1,
      1e12 },
    { "basic_rate", PARAM_RATE, F(basic_rate), "24Mbps", "PHY rate of ACK frames", NULL, 1,
      1e12 },
    { "plcp_time", PARAM_TIME, F(plcp_time), "20us", "PLCP preamble + header time of every "
      "frame", NULL, 0, 0 },
    { "mac_overhead", PARAM_SIZE, F(mac_overhead), "36B", "bytes added to each packet: MAC "
      "header, LLC/SNAP, FCS", NULL, 0, 0 },
    { "ack_bytes", PARAM_SIZE, F(ack_bytes), "14B", "ACK frame length (MAC)", NULL, 0, 0 },
    { "prop_delay", PARAM_TIME, F(prop_delay), "1us", "propagation delay between any two "
      "parties", NULL, 0, 0 },
    { "after_failure", PARAM_ENUM, F(after_failure), "eifs", "deferral after a collision or "
      "lost frame: eifs (802.11) or difs (Bianchi's model)", "eifs|difs", 0, 0 },
    { "loss", PARAM_PROB, F(loss), "0", "probability that a data frame is lost (not "
      "acknowledged) although alone on the air", NULL, 0, 0 },
    { "queue_packets", PARAM_UINT, F(queue_packets), "500", "FIFO limit per station and at "
      "the AP, in packets (0: none)", NULL, 0, 0 },
    { "queue_bytes", PARAM_SIZE, F(queue_bytes), "0B", "FIFO limit per station and at the "
      "AP, in bytes (0B: none)", NULL, 0, 0 },
    { "outage_schedule", PARAM_STRING, A(outage_schedule), "", "down intervals of every "
      "station, START-END,... (e.g. 10s-12s,30s-31s)", NULL, 0, 0 },
    { "outage_mean_up", PARAM_TIME, A(outage_mean_up), "0s", "random on/off outages of "
      "every station: mean time up (0s: none)", NULL, 0, 0 },
    { "outage_mean_down", PARAM_TIME, A(outage_mean_down), "0s", "random on/off outages: "
      "mean time down", NULL, 0, 0 },
};

static int wifi_create(struct model_ctx *ctx, const char *name, const void *config,
                       void **out, char *err, size_t errlen);

static const struct model_def wifi_model = {
    .kind = "wifi",
    .category = "link",
    .help = "802.11 DCF channel: an access point and N stations contending with slotted "
            "binary exponential backoff, data + SIFS + ACK exchanges, collisions, retries "
            "and a FIFO per station; defaults are 802.11a/g at 54 Mbit/s.",
    .params = wifi_params,
    .nparams = sizeof wifi_params / sizeof wifi_params[0],
    .config_size = sizeof(struct wifi_model_config),
    .create = wifi_create,
};
MODEL_REGISTER(wifi_model)

void wifi_config_default(struct wifi_config *c)
{
    struct wifi_model_config m;
    char err[200];
    if (param_defaults(&wifi_model, &m, err, sizeof err) < 0) {
        fprintf(stderr, "wifi: %s\n", err); /* a malformed default is a bug in the table */
        abort();
    }
    *c = m.radio;
    c->stations = 1;
}

/* ---- in a scenario ---------------------------------------------------------------- */

struct wifi_instance {
    struct wifi *w;
    struct radio_attach *at;
    char name[PARAM_STRING_MAX];
};

static int op_enqueue(void *radio, uint32_t t, enum radio_dir d, struct packet *p)
{
    return wifi_enqueue(radio, t, d, p);
}

static void op_set_deliver(void *radio, uint32_t t, enum radio_dir d, radio_deliver_fn fn,
                           void *ctx)
{
    wifi_set_deliver(radio, t, d, fn, ctx);
}

static const struct radio_ops wifi_ops = { op_enqueue, op_set_deliver, wifi_link_set_up };

static void record_dir(struct results_run *r, const char *module, const char *dir,
                       const struct wifi_stats *st)
{
    char name[64];
#define REC(field, unit)                                                   \
    snprintf(name, sizeof name, "%s_" #field, dir);                        \
    results_scalar(r, module, name, unit, (double)st->field)
    REC(delivered_packets, "pkt");
    REC(delivered_bytes, "B");
    REC(attempts, "frames");
    REC(failures, "frames");
    REC(retry_drops, "pkt");
    REC(queue_drops, "pkt");
    REC(outage_drops, "pkt");
#undef REC
}

static void wifi_finish(void *obj, struct model_ctx *ctx)
{
    struct wifi_instance *x = obj;
    char module[2 * PARAM_STRING_MAX + 2];
    for (uint32_t i = 0; i < wifi_stations(x->w); i++) {
        struct wifi_stats st;
        snprintf(module, sizeof module, "%s.%s", x->name, radio_attach_terminal(x->at, i));
        wifi_get_stats(x->w, i, RADIO_UP, &st);
        record_dir(ctx->results, module, "up", &st);
        wifi_get_stats(x->w, i, RADIO_DOWN, &st);
        record_dir(ctx->results, module, "down", &st);
    }
    struct wifi_channel_stats ch;
    wifi_get_channel_stats(x->w, &ch);
    sim_time_t now = sched_now(ctx->sched);
    results_scalar(ctx->results, x->name, "successes", "frames", (double)ch.successes);
    results_scalar(ctx->results, x->name, "collisions", "rounds", (double)ch.collisions);
    results_scalar(ctx->results, x->name, "busy", "",
                   now > 0 ? (double)ch.busy_ps / (double)now : 0.0);
}

static void wifi_release(void *obj, struct model_ctx *ctx)
{
    struct wifi_instance *x = obj;
    (void)ctx;
    wifi_free(x->w);
    free(x);
}

static int wifi_create(struct model_ctx *ctx, const char *name, const void *config,
                       void **out, char *err, size_t errlen)
{
    struct wifi_model_config c = *(const struct wifi_model_config *)config;
    int n = radio_attach_count(c.at.terminals, err, errlen);
    if (n < 0)
        return -1;
    c.radio.stations = (uint64_t)n;
    struct wifi_instance *x = calloc(1, sizeof *x);
    if (!x) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    snprintf(x->name, sizeof x->name, "%s", name);
    if (wifi_new(ctx->sched, &c.radio, name, ctx->seed, ctx->run, &x->w, err, errlen) < 0) {
        free(x);
        return -1;
    }
    if (model_ctx_on_free(ctx, wifi_release, x) < 0) {
        wifi_release(x, ctx);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (radio_attach_new(ctx, name, &c.at, &wifi_ops, x->w, &x->at, err, errlen) < 0)
        return -1;
    if (model_ctx_on_finish(ctx, wifi_finish, x) < 0) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    *out = x;
    return 0;
}
