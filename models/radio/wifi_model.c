/* wifi_model.c - the "wifi" model's parameter table (mcpsim help wifi) and defaults.
 *
 * The defaults are 802.11a/g OFDM at 54 Mbit/s with ACKs at 24 Mbit/s (the highest
 * mandatory basic rate not above the data rate, IEEE 802.11-2016 10.6.6.5.2): slot 9 us,
 * SIFS 16 us, DIFS = SIFS + 2 slots = 34 us, CWmin 15, CWmax 1023, retry limit 7
 * (dot11ShortRetryLimit), PLCP preamble + SIGNAL 20 us, MAC header 24 B + LLC/SNAP 8 B +
 * FCS 4 B = 36 B, ACK 14 B. tests/test_wifi.c sets Bianchi's FHSS parameters explicitly.
 *
 * In a scenario the channel joins the access point node `ap` to the station nodes listed in
 * `stations` (radio_link.h, radio_attach.h); the number of stations is the length of that
 * list. Scalars, module LINK.STATION: up_/down_ delivered_packets, delivered_bytes,
 * attempts, failures, retry_drops, queue_drops, outage_drops; module LINK: successes,
 * collisions, busy (the fraction of time the medium was busy).
 */
#include <stddef.h>

#include "models/radio/radio_link.h"
#include "models/radio/wifi.h"
#include "sim/registry.h"
#include "sim/sched.h"

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
    { "slot", PARAM_TIME, F(slot), "9us", "slot time (aSlotTime)", NULL, 1e3, 1e12 },
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
      "the AP, in packets (0: none)", NULL, 0, 1e9 },
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
    radio_link_defaults(&wifi_model, &m);
    *c = m.radio;
    c->stations = 1;
}

/* ---- in a scenario (radio_link.h) ------------------------------------------------- */

static int op_enqueue(void *radio, uint32_t t, enum radio_dir d, struct packet *p)
{
    return wifi_enqueue(radio, t, d, p);
}

static void op_set_deliver(void *radio, uint32_t t, enum radio_dir d, radio_deliver_fn fn,
                           void *ctx)
{
    wifi_set_deliver(radio, t, d, fn, ctx);
}

static int op_create(struct model_ctx *ctx, const char *name, const void *config,
                     uint32_t terminals, void **radio, char *err, size_t errlen)
{
    struct wifi_config c = ((const struct wifi_model_config *)config)->radio;
    c.stations = terminals;
    struct wifi *w;
    if (wifi_new(ctx->sched, &c, name, ctx->seed, ctx->run, &w, err, errlen) < 0)
        return -1;
    *radio = w;
    return 0;
}

static void op_free(void *radio) { wifi_free(radio); }

static void op_get_stats(const void *radio, uint32_t t, enum radio_dir d, void *out)
{
    wifi_get_stats(radio, t, d, out);
}

/* The channel: successful frames, collided rounds, and the busy fraction of the run. */
static void op_record_link(const void *radio, struct model_ctx *ctx, const char *module)
{
    struct wifi_channel_stats ch;
    wifi_get_channel_stats(radio, &ch);
    sim_time_t now = sched_now(ctx->sched);
    results_scalar(ctx->results, module, "successes", "frames", (double)ch.successes);
    results_scalar(ctx->results, module, "collisions", "rounds", (double)ch.collisions);
    results_scalar(ctx->results, module, "busy", "",
                   now > 0 ? (double)ch.busy_ps / (double)now : 0.0);
}

#define S(field, unit) { #field, unit, offsetof(struct wifi_stats, field) }
static const struct radio_link_stat wifi_dir_stats[] = {
    S(delivered_packets, "pkt"), S(delivered_bytes, "B"), S(attempts, "frames"),
    S(failures, "frames"),       S(retry_drops, "pkt"),   S(queue_drops, "pkt"),
    S(outage_drops, "pkt"),
};
#undef S

static const struct radio_link_ops wifi_link_ops = {
    .attach = { op_enqueue, op_set_deliver, wifi_link_set_up },
    .create = op_create,
    .free = op_free,
    .get_stats = op_get_stats,
    .stats_size = sizeof(struct wifi_stats),
    .stats = wifi_dir_stats,
    .nstats = sizeof wifi_dir_stats / sizeof wifi_dir_stats[0],
    .record_link = op_record_link,
};

static int wifi_create(struct model_ctx *ctx, const char *name, const void *config,
                       void **out, char *err, size_t errlen)
{
    const struct wifi_model_config *c = config;
    return radio_link_create(ctx, name, &wifi_link_ops, config, &c->at, out, err, errlen);
}
