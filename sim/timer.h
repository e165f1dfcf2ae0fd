/* timer.h - re-armable timers that do not churn the event queue.
 *
 * A TCP retransmission timer is re-armed on every ACK and a delayed-ACK timer on every data
 * segment; with plain cancel + schedule each re-arm would add a heap entry (and a dead one).
 * A timer here keeps its deadline in its own struct and at most one event in the scheduler:
 *   - arming later than the pending event only stores the new deadline (O(1), no queue work);
 *     when the event fires early it re-schedules itself to the deadline;
 *   - arming earlier moves the pending event (sched_reschedule);
 *   - stop only forgets the deadline: the pending event stays and either serves the next arm
 *     (if that is later) or fires as a no-op. A delayed-ACK timer armed at one data segment
 *     and stopped by the ACK sent at the next costs no queue work at all this way, where a
 *     cancel would leave a dead heap entry per ACK (and a deeper heap until compaction);
 *   - cancel removes the event, so the owner may be freed right after timer_cancel().
 * A connection re-armed every millisecond with a 200 ms RTO costs one scheduler event per
 * 200 ms instead of 200 insertions.
 *
 * Ordering: the callback runs at the deadline. Among events at exactly that time, it runs in
 * the order its scheduler event was inserted, which for a pushed-back deadline is the moment
 * the early event fired, not the moment of the last arm. Both are deterministic.
 *
 * The struct is meant to be embedded in its owner; nothing is allocated per arm.
 * Not modelled: timer slack/coalescing, clock granularity (a model rounds its own deadlines,
 * e.g. to jiffies, if it wants to).
 */
#ifndef MCPSIM_SIM_TIMER_H
#define MCPSIM_SIM_TIMER_H

#include <stdbool.h>

#include "sim/sched.h"
#include "sim/units.h"

struct timer;
typedef void (*timer_fn)(struct timer *t, void *ctx);

/* Fields are private to timer.c; the struct is public only so that it can be embedded. */
struct timer {
    struct sched *sched;
    timer_fn fn;
    void *ctx;
    sim_time_t deadline; /* SIM_TIME_MAX when disarmed */
    sim_time_t event_at; /* time of the pending scheduler event, valid when ev != 0 */
    event_id ev;         /* the timer's scheduler event, 0 when none (armed implies ev != 0) */
};

/* Prepares a disarmed timer that calls fn(t, ctx) when it expires. */
void timer_init(struct timer *t, struct sched *s, timer_fn fn, void *ctx);

/* Arms (or re-arms) the timer to expire at `at` (>= now) / after `delay` (>= 0). The previous
 * deadline, if any, is replaced, whether earlier or later. */
void timer_arm_at(struct timer *t, sim_time_t at);
void timer_arm_in(struct timer *t, sim_time_t delay);

/* Disarms; its scheduler event is cancelled. No effect on a disarmed timer. Use this before
 * freeing the timer's owner. */
void timer_cancel(struct timer *t);
/* Disarms without touching the event queue: the pending event, if any, stays and later fires
 * as a no-op or serves a re-arm. The owner must outlive it (or call timer_cancel first). */
void timer_stop(struct timer *t);

/* A timer is disarmed while its callback runs; the callback may re-arm it. */
bool timer_is_armed(const struct timer *t);
/* The expiry time, or SIM_TIME_MAX when disarmed. */
sim_time_t timer_deadline(const struct timer *t);

#endif
