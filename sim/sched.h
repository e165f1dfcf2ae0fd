/* sched.h - the discrete-event scheduler.
 *
 * Events are (time, insertion sequence, callback, ctx, arg). Ties at the same time run in
 * insertion order, so runs are bit-for-bit reproducible. A handle names a scheduled event for
 * cancel/reschedule; a stale handle (already run or cancelled) is detected, never confused with
 * a newer event. Re-armed-on-every-ACK timers use timer.h, which does not churn the queue.
 *
 * Costs (n pending events): schedule O(log n) worst case and O(1) on average for a new event
 * later than most; running the next event O(log n); cancel O(1) amortised; reschedule like schedule.
 * Nothing is allocated per event once the queue has reached its peak size. sched.c says how.
 *
 * Contract: scheduling before now, running until a time before now, or calling sched_run*
 * from inside a callback is a bug (assert). Inside a callback, sched_now() is the event's
 * time and the running event's own handle is already stale. Out of memory aborts with a
 * message: a simulator cannot continue without its event queue.
 */
#ifndef MCPSIM_SIM_SCHED_H
#define MCPSIM_SIM_SCHED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/units.h"

struct sched;
typedef void (*event_fn)(struct sched *s, void *ctx, void *arg);
typedef uint64_t event_id; /* 0 is never a valid handle */

struct sched_stats {
    uint64_t executed;     /* callbacks run */
    uint64_t scheduled;    /* events inserted */
    uint64_t cancelled;
    size_t pending;        /* live events now */
    size_t pending_peak;
    double wall_seconds;   /* wall time spent inside sched_run* */
};

/* A scheduler at time 0; NULL if out of memory. Freeing drops pending events unrun. */
struct sched *sched_new(void);
void sched_free(struct sched *s);

sim_time_t sched_now(const struct sched *s);

/* Schedules fn(s, ctx, arg) at absolute time `at` (>= now) or after `delay` (>= 0). */
event_id sched_at(struct sched *s, sim_time_t at, event_fn fn, void *ctx, void *arg);
event_id sched_in(struct sched *s, sim_time_t delay, event_fn fn, void *ctx, void *arg);

/* 0 on success, -1 if the handle is not pending (already ran, cancelled, or never existed). */
int sched_cancel(struct sched *s, event_id id);
/* Moves a pending event to a new time; it keeps its handle and is ordered as if inserted now. */
int sched_reschedule(struct sched *s, event_id id, sim_time_t at);
bool sched_is_pending(const struct sched *s, event_id id);

/* Runs until no event is pending, sched_stop() is called, or (run_until) the next event is
 * later than `end`; events at exactly `end` run. Unless stopped, run_until then sets
 * now = end, even when no event was pending (later events stay pending). sched_run leaves
 * now at the last event's time. Returns the number of events executed by this call. */
uint64_t sched_run(struct sched *s);
uint64_t sched_run_until(struct sched *s, sim_time_t end);
/* From a callback: the run returns once this callback returns; now stays at its time and the
 * remaining events (also those at the same time) stay pending for the next run. A stop
 * requested outside a run is forgotten when the next run starts. */
void sched_stop(struct sched *s);

void sched_get_stats(const struct sched *s, struct sched_stats *out);

/* For tests: renumber insertion sequence numbers when they reach `limit` instead of 2^32-1,
 * so that the rare renumbering path runs often. limit must exceed the pending count + 2. */
void sched_debug_seq_limit(struct sched *s, uint32_t limit);

#endif
