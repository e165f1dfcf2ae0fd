/* lte_rate.h - where an LTE cell's delivery opportunities come from.
 *
 * A cell direction (downlink or uplink) moves data in delivery opportunities, each worth
 * one MTU (1500 bytes by default) - the Mahimahi model (Netravali et al., USENIX ATC 2015),
 * in which a cellular link is replayed from a trace of the instants a packet could be
 * delivered. Three sources, behind one ops table:
 *   - trace:    a Mahimahi trace file: one line per opportunity, holding its time in whole
 *               milliseconds, non-decreasing; several lines with the same time are several
 *               opportunities in that millisecond. The trace repeats with a period equal to
 *               its last timestamp (as mm-link does).
 *   - markov:   a Markov-modulated rate: states "RATE/SOJOURN" (for example
 *               "20Mbps/2s,2Mbps/500ms"); the time in a state is exponential with the given
 *               mean, and on leaving a state the next one is drawn uniformly among the
 *               others, so the long-run fraction of time in state k is sojourn_k / sum of
 *               sojourns. Opportunities come at the state's rate (one per MTU of bits), the
 *               part of an opportunity accrued before a state change carrying over.
 *   - constant: one opportunity every MTU * 8 / rate.
 * Opportunities run whether or not anyone has data: one that finds nothing to send is
 * lost (a radio cannot bank capacity), so a source is queried only when data waits, and
 * skipping an idle gap costs O(log trace length) or O(state changes), never O(opportunities).
 *
 * Not modelled: per-phone channel variation (lte.h's quality factor), HARQ retransmissions
 * and their latency, TTI granularity finer than the trace's millisecond.
 */
#ifndef MCPSIM_MODELS_RADIO_LTE_RATE_H
#define MCPSIM_MODELS_RADIO_LTE_RATE_H

#include <stddef.h>
#include <stdint.h>

#include "sim/rng.h"
#include "sim/units.h"

struct lte_rate;

/* A Mahimahi trace whose opportunities are opportunity_bytes each; 0, or -1 with
 * "PATH:LINE: what was expected" (or "PATH: why" when it cannot be read) in err. */
int lte_rate_new_trace(const char *path, bytes_t opportunity_bytes, struct lte_rate **out,
                       char *err, size_t errlen);

/* A Markov-modulated rate from "RATE/SOJOURN,RATE/SOJOURN,..." (rates may be 0bps: no
 * opportunities in that state); draws from rng (not owned, must outlive the source).
 * opportunity_bytes is the size of one opportunity. 0, or -1 with a message quoting the
 * offending state. */
int lte_rate_new_markov(const char *spec, bytes_t opportunity_bytes, struct rng *rng,
                        struct lte_rate **out, char *err, size_t errlen);

/* One opportunity every opportunity_bytes * 8 / rate (rate > 0). */
int lte_rate_new_constant(bps_t rate, bytes_t opportunity_bytes, struct lte_rate **out,
                          char *err, size_t errlen);

void lte_rate_free(struct lte_rate *r);

/* The time of the next unused opportunity at or after now; opportunities before now are
 * lost. SIM_TIME_MAX when there is none (a Markov state of rate 0 that never ends cannot
 * happen: every state has a finite sojourn). Calling it again returns the same time until
 * lte_rate_take(). */
sim_time_t lte_rate_next(struct lte_rate *r, sim_time_t now);

/* Uses the opportunity lte_rate_next() returned. */
void lte_rate_take(struct lte_rate *r);

/* The long-run mean rate in bit/s: trace opportunities x MTU x 8 / period, the
 * stationary-distribution average for a Markov source, or the rate. */
double lte_rate_mean_bps(const struct lte_rate *r);

#endif
