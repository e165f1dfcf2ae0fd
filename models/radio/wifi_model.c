/* wifi_model.c - the "wifi" model's parameter table (mcpsim help wifi) and defaults.
 *
 * The defaults are 802.11a/g OFDM at 54 Mbit/s with ACKs at 24 Mbit/s (the highest
 * mandatory basic rate not above the data rate, IEEE 802.11-2016 10.6.6.5.2): slot 9 us,
 * SIFS 16 us, DIFS = SIFS + 2 slots = 34 us, CWmin 15, CWmax 1023, retry limit 7
 * (dot11ShortRetryLimit), PLCP preamble + SIGNAL 20 us, MAC header 24 B + LLC/SNAP 8 B +
 * FCS 4 B = 36 B, ACK 14 B. tests/test_wifi.c sets Bianchi's FHSS parameters explicitly.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include "models/radio/wifi.h"
#include "sim/registry.h"

#define F(field) offsetof(struct wifi_config, field)

static const struct param_def wifi_params[] = {
    { "stations", PARAM_UINT, F(stations), "1", "number of stations besides the AP", NULL, 1,
      1e6 },
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
    .config_size = sizeof(struct wifi_config),
    .create = wifi_create,
};
MODEL_REGISTER(wifi_model)

static int wifi_create(struct model_ctx *ctx, const char *name, const void *config,
                       void **out, char *err, size_t errlen)
{
    (void)ctx;
    (void)out;
    if (wifi_config_check(config, err, errlen) < 0)
        return -1;
    snprintf(err, errlen, "%s: a wifi channel is attached to node interfaces by the network "
             "work; until then it is built with wifi_new() (docs/models-radio.md)", name);
    return -1;
}

void wifi_config_default(struct wifi_config *c)
{
    char err[200];
    *c = (struct wifi_config){ 0 };
    if (param_defaults(&wifi_model, c, err, sizeof err) < 0) {
        fprintf(stderr, "wifi: %s\n", err); /* a malformed default is a bug in the table */
        abort();
    }
}
