/* timer.c - re-armable timers with at most one scheduler event each (see timer.h).
 *
 * Invariant while armed: the scheduler event is pending at event_at <= deadline. Pushing the
 * deadline back touches no queue; the event then fires early and hops once to the deadline
 * (one extra event per hop, however many re-arms happened meanwhile). Pulling the deadline in
 * reschedules the event, which the scheduler does in O(1) amortised. A stopped timer
 * (timer_stop) keeps its event, which fires as a no-op unless a re-arm has reused it.
 */
#include "sim/timer.h"

#include <assert.h>

static void timer_fire(struct sched *s, void *ctx, void *arg)
{
    (void)arg;
    struct timer *t = ctx;
    t->ev = 0;
    if (t->deadline == SIM_TIME_MAX)
        return; /* stopped (timer_stop) after this event was scheduled */
    if (t->deadline > sched_now(s)) {
        t->event_at = t->deadline;
        t->ev = sched_at(s, t->deadline, timer_fire, t, NULL);
        return;
    }
    t->deadline = SIM_TIME_MAX;
    t->fn(t, t->ctx);
}

void timer_init(struct timer *t, struct sched *s, timer_fn fn, void *ctx)
{
    assert(fn);
    t->sched = s;
    t->fn = fn;
    t->ctx = ctx;
    t->deadline = SIM_TIME_MAX;
    t->event_at = SIM_TIME_MAX;
    t->ev = 0;
}

void timer_arm_at(struct timer *t, sim_time_t at)
{
    assert(at >= sched_now(t->sched) && "arming a timer in the past");
    t->deadline = at;
    if (t->ev) {
        if (at >= t->event_at)
            return;
        int rc = sched_reschedule(t->sched, t->ev, at);
        assert(rc == 0);
        (void)rc;
    } else {
        t->ev = sched_at(t->sched, at, timer_fire, t, NULL);
    }
    t->event_at = at;
}

void timer_arm_in(struct timer *t, sim_time_t delay)
{
    assert(delay >= 0 && delay <= SIM_TIME_MAX - sched_now(t->sched));
    timer_arm_at(t, sched_now(t->sched) + delay);
}

void timer_cancel(struct timer *t)
{
    if (t->ev) {
        int rc = sched_cancel(t->sched, t->ev);
        assert(rc == 0);
        (void)rc;
        t->ev = 0;
    }
    t->deadline = SIM_TIME_MAX;
}

void timer_stop(struct timer *t) { t->deadline = SIM_TIME_MAX; }

bool timer_is_armed(const struct timer *t) { return t->deadline != SIM_TIME_MAX; }

sim_time_t timer_deadline(const struct timer *t) { return t->deadline; }
