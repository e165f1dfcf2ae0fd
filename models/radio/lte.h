/* lte.h - an LTE cell: phones, a base station with deep per-phone buffers, and a scheduler
 * sharing the cell's delivery opportunities.
 *
 * Each direction of the cell (DOWN: base station -> phones, UP: phones -> base station) has
 * its own opportunity source (lte_rate.h: Mahimahi trace, Markov-modulated or constant rate),
 * so up and down rates are independent (asymmetric). Every opportunity is given to one
 * phone with data by the scheduler:
 *   - rr: round robin over the backlogged phones (each gets every k-th opportunity);
 *   - pf: proportional fair, the phone maximising quality / average served bytes, the
 *     average an exponentially weighted one over pf_window opportunities (Jalali et al.
 *     2000; the scheduler of most LTE base stations).
 * A phone's quality (lte_set_quality, default 1) is the fraction of an opportunity's bytes
 * it can use: its spectral efficiency relative to the phone the trace was recorded with.
 * Within an opportunity the phone's queue is served in order, several small packets per
 * opportunity and a large one over several, as Mahimahi's mm-link does; bytes an
 * opportunity cannot use are lost.
 * Buffers: per phone, drop-tail in bytes: bs_buffer at the base station (downlink) and
 * phone_buffer in the phone (uplink). Every delivered packet then takes base_delay more (the
 * core network and the radio's fixed latency) before it is handed over.
 * RRC: a phone whose queues are empty and that has neither sent nor received for
 * inactivity_timeout is idle; a packet for or from an idle phone first waits
 * promotion_delay (idle -> connected) while it is buffered. Phones start idle.
 *
 * Events: one per used opportunity per direction (none while no phone has data), one per
 * delivery-time group on the delay line, one per promotion. Inactivity is evaluated lazily
 * from the time of the last activity, never by a timer.
 *
 * Not modelled (docs/models-radio.md): HARQ and RLC retransmissions, per-TTI resource
 * blocks (a phone gets whole opportunities), handover, DRX within the connected state, the
 * uplink scheduling-request delay, energy.
 */
#ifndef MCPSIM_MODELS_RADIO_LTE_H
#define MCPSIM_MODELS_RADIO_LTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "models/radio/radio.h"
#include "sim/packet.h"
#include "sim/registry.h"
#include "sim/sched.h"
#include "sim/units.h"

enum lte_scheduler { LTE_SCHED_RR = 0, LTE_SCHED_PF = 1 };

/* The parameters of the "lte" model (mcpsim help lte); lte_config_default() fills them.
 * For each direction the source is the trace if set, else the Markov spec if set, else
 * the constant rate. */
struct lte_config {
    uint64_t phones;
    char down_trace[PARAM_STRING_MAX];
    char up_trace[PARAM_STRING_MAX];
    char down_markov[PARAM_STRING_MAX]; /* "RATE/SOJOURN,..." (lte_rate.h) */
    char up_markov[PARAM_STRING_MAX];
    bps_t down_rate, up_rate;
    bytes_t opportunity_bytes;          /* bytes per opportunity: 1500 in Mahimahi traces */
    int scheduler;                      /* enum lte_scheduler */
    uint64_t pf_window;                 /* PF averaging window, in opportunities */
    bytes_t bs_buffer;                  /* per phone, downlink, at the base station */
    bytes_t phone_buffer;               /* per phone, uplink, in the phone */
    sim_time_t base_delay;              /* extra one-way latency of every packet */
    sim_time_t promotion_delay;         /* idle -> connected */
    sim_time_t inactivity_timeout;      /* connected -> idle */
};

struct lte_stats {
    uint64_t opportunities;   /* opportunities given to the phone */
    uint64_t delivered_packets;
    bytes_t delivered_bytes;
    uint64_t queue_drops;     /* buffer full */
    uint64_t outage_drops;    /* offered or waiting while the phone was down */
};

struct lte;

void lte_config_default(struct lte_config *c);

/* 0, or -1 with a message naming the parameter. */
int lte_config_check(const struct lte_config *c, char *err, size_t errlen);

/* A cell at time sched_now(s); Markov sources draw from the streams "NAME/down-rate" and
 * "NAME/up-rate" of (seed, run). Traces are read here: 0, or -1 with "file:line: ..." */
int lte_new(struct sched *s, const struct lte_config *c, const char *name, uint64_t seed,
            uint64_t run, struct lte **out, char *err, size_t errlen);
void lte_free(struct lte *cell);

/* dir UP: packets phone sent, handed over at the base station; DOWN: packets for phone.
 * Without a callback delivered packets are freed (and counted). */
void lte_set_deliver(struct lte *cell, uint32_t phone, enum radio_dir dir,
                     radio_deliver_fn fn, void *ctx);
void lte_set_link_state_cb(struct lte *cell, uint32_t phone, radio_link_state_fn fn,
                           void *ctx);

/* Hands p to the phone's uplink buffer (UP) or its buffer at the base station (DOWN).
 * 0 when queued; -1 when dropped (buffer full, or the phone is down; p freed, counted). */
int lte_enqueue(struct lte *cell, uint32_t phone, enum radio_dir dir, struct packet *p);

/* The share of each opportunity's bytes phone can use in dir, in (0, 1]. */
void lte_set_quality(struct lte *cell, uint32_t phone, enum radio_dir dir, double quality);

/* Outages (radio_set_up_fn; lte is a struct lte *): a phone going down loses what waits in
 * its buffers (counted), new packets are dropped while down, and it comes back idle (the
 * next packet waits a promotion). Packets already on the delay line are delivered. */
void lte_link_set_up(void *lte, uint32_t phone, bool up);
bool lte_link_is_up(const struct lte *cell, uint32_t phone);

uint32_t lte_phones(const struct lte *cell);
void lte_get_stats(const struct lte *cell, uint32_t phone, enum radio_dir dir,
                   struct lte_stats *out);
uint64_t lte_promotions(const struct lte *cell, uint32_t phone);
/* The long-run mean rate of a direction's source (bit/s). */
double lte_mean_rate_bps(const struct lte *cell, enum radio_dir dir);

#endif
