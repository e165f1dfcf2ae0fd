/* wifi.h - an 802.11 access point and N stations sharing one channel with DCF.
 *
 * Models the distributed coordination function's basic access (IEEE 802.11-2016 10.3):
 * carrier sense with DIFS deferral, slotted binary exponential backoff between CWmin and
 * CWmax, backoff counters frozen while the medium is busy, data frame + SIFS + ACK at the
 * basic rate, retries up to a retry limit, collisions when two or more contenders end their
 * backoff in the same slot, post-backoff after every transmission, and a drop-tail FIFO per
 * contender (each station's, and the AP's single queue for all stations, as a real AP with
 * one access category). Frame airtime is PLCP preamble/header time + (MAC header + FCS +
 * payload) at the PHY rate; the ACK is PLCP + ACK bytes at the basic rate.
 *
 * Not modelled (see docs/models-radio.md): RTS/CTS, hidden terminals and capture (every
 * contender hears every other), rate adaptation, EDCA access categories, OFDM symbol
 * rounding, aggregation, beacons and management frames, PHY errors other than an optional
 * per-frame loss probability. Packets carry IP bytes; the 802.11 header is airtime only.
 *
 * Events: one per contention round (the slot where the earliest backoff ends: idle slots
 * between are counted arithmetically, never scheduled) plus one per delivered frame.
 */
#ifndef MCPSIM_MODELS_RADIO_WIFI_H
#define MCPSIM_MODELS_RADIO_WIFI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "models/radio/radio.h"
#include "sim/packet.h"
#include "sim/sched.h"
#include "sim/units.h"

/* What the contenders do after a failed exchange (a collision or a lost frame). */
enum wifi_after_failure {
    WIFI_AFTER_FAILURE_EIFS = 0, /* 802.11: defer EIFS = SIFS + ACK time + DIFS */
    WIFI_AFTER_FAILURE_DIFS = 1, /* Bianchi's model: defer DIFS, as after a success */
};

/* Filled with defaults by wifi_config_default() (802.11a/g OFDM, 54/6 Mbit/s); the fields
 * are the parameters of the "wifi" model (mcpsim help wifi). */
struct wifi_config {
    uint64_t stations;
    sim_time_t slot, sifs, difs;
    uint64_t cw_min, cw_max;  /* contention windows: backoff uniform in [0, CW] slots */
    uint64_t retry_limit;     /* a frame is dropped after this many failed attempts; 0: never */
    bps_t data_rate, basic_rate;
    sim_time_t plcp_time;     /* preamble + PLCP header, per frame */
    bytes_t mac_overhead;     /* MAC header + FCS added to each data frame */
    bytes_t ack_bytes;        /* ACK frame (MAC), sent at basic_rate */
    sim_time_t prop_delay;
    int after_failure;        /* enum wifi_after_failure */
    double loss;              /* probability that a data frame is lost (no ACK) */
    uint64_t queue_packets;   /* per-contender FIFO limits; 0: none */
    bytes_t queue_bytes;
};

struct wifi_stats {
    uint64_t attempts;           /* transmissions of data frames */
    uint64_t successes;          /* acknowledged */
    uint64_t failures;           /* collided or lost attempts */
    uint64_t retry_drops;        /* frames dropped at the retry limit */
    uint64_t queue_drops;        /* arrivals refused by a full queue */
    uint64_t outage_drops;       /* offered or waiting while the station was down */
    uint64_t delivered_packets;
    bytes_t delivered_bytes;
};

struct wifi_channel_stats {
    uint64_t rounds;        /* contention rounds that ended in a transmission */
    uint64_t successes;
    uint64_t collisions;    /* rounds with two or more transmitters */
    sim_time_t busy_ps;     /* medium busy (frames, SIFS, ACKs) */
};

struct wifi;

/* The defaults of the "wifi" model's parameter table. */
void wifi_config_default(struct wifi_config *c);

/* 0, or -1 with a message naming the parameter when c is inconsistent. */
int wifi_config_check(const struct wifi_config *c, char *err, size_t errlen);

/* A channel with c->stations stations and an AP, at time sched_now(s). Random streams
 * "NAME/backoff" and "NAME/loss" of (seed, run) (rng.h). 0, or -1 with a message. */
int wifi_new(struct sched *s, const struct wifi_config *c, const char *name, uint64_t seed,
             uint64_t run, struct wifi **out, char *err, size_t errlen);
/* Frees the model and every packet it holds; pending events must not run afterwards, so
 * free it with (or after) the scheduler's run. */
void wifi_free(struct wifi *w);

/* Where station sta's packets go: dir UP = frames sta sent, received by the AP; DOWN =
 * frames the AP sent to sta. Without a callback delivered packets are freed (and counted). */
void wifi_set_deliver(struct wifi *w, uint32_t sta, enum radio_dir dir, radio_deliver_fn fn,
                      void *ctx);
void wifi_set_link_state_cb(struct wifi *w, uint32_t sta, radio_link_state_fn fn, void *ctx);

/* Hands p to station sta (dir UP) or to the AP for sta (dir DOWN). 0 when queued; -1 when
 * dropped (full queue, or the station is down): p is freed and the drop counted. */
int wifi_enqueue(struct wifi *w, uint32_t sta, enum radio_dir dir, struct packet *p);

/* Outages (radio_set_up_fn, wifi is a struct wifi *): a station going down drops what waits
 * for it in both directions and leaves contention; frames offered while down are dropped.
 * Frames already on the air complete. The station's link-state callback hears the change. */
void wifi_link_set_up(void *wifi, uint32_t sta, bool up);
bool wifi_link_is_up(const struct wifi *w, uint32_t sta);

uint32_t wifi_stations(const struct wifi *w);
/* dir UP: station sta's transmitter; DOWN: the AP's frames for sta. */
void wifi_get_stats(const struct wifi *w, uint32_t sta, enum radio_dir dir,
                    struct wifi_stats *out);
void wifi_get_channel_stats(const struct wifi *w, struct wifi_channel_stats *out);

/* Airtime of a data frame carrying `bytes` of payload, and of an ACK. */
sim_time_t wifi_data_time(const struct wifi_config *c, bytes_t bytes);
sim_time_t wifi_ack_time(const struct wifi_config *c);

#endif
