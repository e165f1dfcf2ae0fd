/* outage.h - interface outages of a radio terminal: down/up at given times, or a random
 * on/off process (walking in and out of WiFi coverage, a tunnel on an LTE path).
 *
 * An outage drives one terminal of a radio model through its radio_set_up_fn
 * (wifi_link_set_up, lte_link_set_up). What "down" does is the radio model's rule, the same
 * for WiFi and LTE: packets offered while down are dropped and counted (outage_drops), the
 * packets waiting for the terminal when it goes down are dropped and counted too (as Linux
 * flushes the queue of an interface that goes down), and the layers above hear every
 * change through the terminal's link-state callback (wifi_set_link_state_cb,
 * lte_set_link_state_cb). Dropping rather than holding is the choice because the
 * transports above (MPTCP) must see the path fail to move traffic to the other one.
 *
 * Two sources:
 *   - schedule: "START-END,START-END,..." down intervals with time units, increasing and
 *     disjoint ("10s-12s,30s-31.5s"): down at START, up at END;
 *   - random:   up for Exp(mean_up), down for Exp(mean_down), alternating, starting up;
 *     draws from the stream "NAME/outage" of (seed, run).
 * Either holds one scheduler event at a time (the next change).
 * Not modelled: handover (a change of access point or cell keeping the address), partial
 * coverage (rate loss without a full outage: use the LTE trace or the WiFi loss parameter).
 */
#ifndef MCPSIM_MODELS_RADIO_OUTAGE_H
#define MCPSIM_MODELS_RADIO_OUTAGE_H

#include <stddef.h>
#include <stdint.h>

#include "models/radio/radio.h"
#include "sim/sched.h"
#include "sim/units.h"

struct outage_target {
    radio_set_up_fn set_up; /* wifi_link_set_up or lte_link_set_up */
    void *radio;            /* the struct wifi * or struct lte * */
    uint32_t terminal;      /* station or phone index */
};

struct outage_stats {
    uint64_t downs;         /* times the terminal went down */
    sim_time_t down_ps;     /* total time down, up to now */
};

struct outage;

/* 0, or -1 with a message quoting the offending interval. */
int outage_new_schedule(struct sched *s, const struct outage_target *t, const char *spec,
                        struct outage **out, char *err, size_t errlen);

/* mean_up, mean_down > 0. 0, or -1 with a message. */
int outage_new_random(struct sched *s, const struct outage_target *t, sim_time_t mean_up,
                      sim_time_t mean_down, const char *name, uint64_t seed, uint64_t run,
                      struct outage **out, char *err, size_t errlen);

/* Cancels the pending change; the terminal stays as it is. */
void outage_free(struct outage *o);

void outage_get_stats(const struct outage *o, struct outage_stats *out);

#endif
