/* test_timer.c - re-armable timers: they fire once at the latest deadline, pushing a deadline
 * back adds no scheduler event (checked with the scheduler's counters), pulling it in fires
 * earlier, cancel removes the event, stop leaves it to fire as a no-op or serve the next arm;
 * and a random arm/cancel/stop workload fires at exactly the times a naive cancel-and-schedule
 * implementation does. All comparisons are exact.
 */
#include <stdlib.h>
#include <string.h>

#include "sim/timer.h"
#include "tests/harness.h"

struct fired {
    int n;
    sim_time_t at[16];
    bool armed_inside; /* timer_is_armed() seen from inside the callback */
};

static void on_fire(struct timer *t, void *ctx)
{
    struct fired *f = ctx;
    if (f->n < 16)
        f->at[f->n] = sched_now(t->sched);
    f->n++;
    f->armed_inside = timer_is_armed(t);
}

static void test_timer_fires_once_at_the_latest_deadline(void)
{
    struct sched *s = sched_new();
    struct fired f = { 0 };
    struct timer t;
    timer_init(&t, s, on_fire, &f);
    CU_ASSERT_FALSE(timer_is_armed(&t));
    CU_ASSERT_EQUAL(timer_deadline(&t), SIM_TIME_MAX);
    timer_arm_at(&t, 100);
    timer_arm_at(&t, 150);
    timer_arm_in(&t, 200);
    CU_ASSERT_TRUE(timer_is_armed(&t));
    CU_ASSERT_EQUAL(timer_deadline(&t), 200);
    sched_run(s);
    CU_ASSERT_EQUAL(f.n, 1);
    CU_ASSERT_EQUAL(f.at[0], 200);
    CU_ASSERT_FALSE(f.armed_inside);
    CU_ASSERT_FALSE(timer_is_armed(&t));
    CU_ASSERT_EQUAL(timer_deadline(&t), SIM_TIME_MAX);
    sched_free(s);
}

/* 1000 re-arms, each 1 ps later than the last, while time stands still: the scheduler sees
 * one insertion, and runs two events (the early one, which hops, and the final one). */
static void test_rearming_later_schedules_no_new_event(void)
{
    struct sched *s = sched_new();
    struct fired f = { 0 };
    struct timer t;
    timer_init(&t, s, on_fire, &f);
    for (sim_time_t d = 1000; d < 2000; d++)
        timer_arm_at(&t, d);
    struct sched_stats st;
    sched_get_stats(s, &st);
    CU_ASSERT_EQUAL(st.scheduled, 1);
    CU_ASSERT_EQUAL(st.pending, 1);
    sched_run(s);
    sched_get_stats(s, &st);
    CU_ASSERT_EQUAL(st.scheduled, 2);
    CU_ASSERT_EQUAL(st.executed, 2);
    CU_ASSERT_EQUAL(f.n, 1);
    CU_ASSERT_EQUAL(f.at[0], 1999);
    sched_free(s);
}

/* An RTO-like timer (100 ps) re-armed every 10 ps for 10000 ps: it never expires, and the
 * scheduler handles one event per 100 ps hop instead of one per re-arm. */
static void test_timer_rearmed_on_every_ack_costs_one_event_per_timeout_period(void)
{
    struct sched *s = sched_new();
    struct fired f = { 0 };
    struct timer t;
    timer_init(&t, s, on_fire, &f);
    for (sim_time_t now = 0; now < 10000; now += 10) {
        sched_run_until(s, now);
        timer_arm_in(&t, 100);
    }
    struct sched_stats st;
    sched_get_stats(s, &st);
    CU_ASSERT_EQUAL(f.n, 0);
    /* hops at 100, 190, 280, ... (each lands 90 ps before the deadline moved again) */
    CU_ASSERT(st.scheduled <= 10000 / 90 + 2);
    CU_ASSERT(st.scheduled >= 10000 / 100);
    sched_run(s);
    CU_ASSERT_EQUAL(f.n, 1);
    CU_ASSERT_EQUAL(f.at[0], 9990 + 100);
    sched_free(s);
}

static void test_rearming_earlier_fires_earlier_and_only_once(void)
{
    struct sched *s = sched_new();
    struct fired f = { 0 };
    struct timer t;
    timer_init(&t, s, on_fire, &f);
    timer_arm_at(&t, 200);
    timer_arm_at(&t, 50);
    CU_ASSERT_EQUAL(timer_deadline(&t), 50);
    sched_run(s);
    struct sched_stats st;
    sched_get_stats(s, &st);
    CU_ASSERT_EQUAL(f.n, 1);
    CU_ASSERT_EQUAL(f.at[0], 50);
    CU_ASSERT_EQUAL(st.executed, 1); /* the event was moved, not duplicated */
    CU_ASSERT_EQUAL(st.scheduled, 1);
    sched_free(s);
}

static void test_cancel_disarms_and_removes_the_event(void)
{
    struct sched *s = sched_new();
    struct fired f = { 0 };
    struct timer t;
    timer_init(&t, s, on_fire, &f);
    timer_arm_at(&t, 100);
    timer_arm_at(&t, 300);
    timer_cancel(&t);
    CU_ASSERT_FALSE(timer_is_armed(&t));
    CU_ASSERT_EQUAL(timer_deadline(&t), SIM_TIME_MAX);
    struct sched_stats st;
    sched_get_stats(s, &st);
    CU_ASSERT_EQUAL(st.pending, 0); /* nothing left that could call into a freed owner */
    timer_cancel(&t);               /* harmless when disarmed */
    sched_run(s);
    CU_ASSERT_EQUAL(f.n, 0);
    /* arming again after a cancel works */
    timer_arm_at(&t, 400);
    sched_run(s);
    CU_ASSERT_EQUAL(f.n, 1);
    CU_ASSERT_EQUAL(f.at[0], 400);
    sched_free(s);
}

/* The delayed-ACK pattern: arm at a data segment, stop at the ACK, arm again at the next
 * segment. Stopping touches no queue (no cancel, no insertion); the event left behind fires
 * as a no-op, or serves a later arm by hopping to it. */
static void test_stop_disarms_without_queue_work(void)
{
    struct sched *s = sched_new();
    struct fired f = { 0 };
    struct timer t;
    timer_init(&t, s, on_fire, &f);
    timer_arm_at(&t, 100);
    timer_stop(&t);
    CU_ASSERT_FALSE(timer_is_armed(&t));
    CU_ASSERT_EQUAL(timer_deadline(&t), SIM_TIME_MAX);
    struct sched_stats st;
    sched_get_stats(s, &st);
    CU_ASSERT_EQUAL(st.scheduled, 1);
    CU_ASSERT_EQUAL(st.cancelled, 0);
    CU_ASSERT_EQUAL(st.pending, 1);
    timer_stop(&t); /* harmless when disarmed */
    sched_run(s);
    CU_ASSERT_EQUAL(f.n, 0); /* the leftover event ran as a no-op */
    sched_get_stats(s, &st);
    CU_ASSERT_EQUAL(st.executed, 1);
    CU_ASSERT_EQUAL(st.pending, 0);

    /* stop, then re-arm later than the leftover event: no insertion until it fires and hops */
    timer_arm_at(&t, 200);
    timer_stop(&t);
    timer_arm_at(&t, 250);
    CU_ASSERT_TRUE(timer_is_armed(&t));
    sched_get_stats(s, &st);
    CU_ASSERT_EQUAL(st.scheduled, 2);
    sched_run(s);
    CU_ASSERT_EQUAL(f.n, 1);
    CU_ASSERT_EQUAL(f.at[0], 250);

    /* stop, then re-arm earlier than the leftover event: it moves, and fires once */
    timer_arm_at(&t, 400);
    timer_stop(&t);
    timer_arm_at(&t, 300);
    sched_run(s);
    CU_ASSERT_EQUAL(f.n, 2);
    CU_ASSERT_EQUAL(f.at[1], 300);
    sched_get_stats(s, &st);
    CU_ASSERT_EQUAL(st.pending, 0);
    CU_ASSERT_EQUAL(st.cancelled, 0);
    sched_free(s);
}

static void periodic(struct timer *t, void *ctx)
{
    on_fire(t, ctx);
    timer_arm_in(t, 10);
}

static void test_callback_can_rearm_its_own_timer(void)
{
    struct sched *s = sched_new();
    struct fired f = { 0 };
    struct timer t;
    timer_init(&t, s, periodic, &f);
    timer_arm_at(&t, 10);
    sched_run_until(s, 100);
    CU_ASSERT_EQUAL_FATAL(f.n, 10);
    for (int i = 0; i < 10; i++)
        CU_ASSERT_EQUAL(f.at[i], 10 * (i + 1));
    CU_ASSERT_TRUE(timer_is_armed(&t));
    CU_ASSERT_EQUAL(timer_deadline(&t), 110);
    sched_free(s);
}

/* ---- equivalence with the naive implementation ----------------------------------------------
 *
 * 64 timers get random arm (earlier or later) and cancel operations between short runs. A
 * naive twin of each timer cancels and re-schedules a plain event on every operation. Both
 * log (time, timer) on expiry. Ties at one time may be ordered differently (timer.h says why),
 * so each run's log is compared after sorting by (time, timer): the same expiries at the same
 * times, exactly.
 */

#define NT 64

struct expiry {
    sim_time_t at;
    int who;
};

struct elog {
    struct expiry e[4096];
    int n;
};

struct twin {
    struct elog *log;
    int who;
    event_id naive;
};

static struct twin twins[NT], naives[NT];

static void log_expiry(struct elog *l, sim_time_t at, int who)
{
    if (l->n < 4096)
        l->e[l->n] = (struct expiry){ at, who };
    l->n++;
}

static void twin_fire(struct timer *t, void *ctx)
{
    struct twin *w = ctx;
    log_expiry(w->log, sched_now(t->sched), w->who);
}

static void naive_fire(struct sched *s, void *ctx, void *arg)
{
    (void)arg;
    struct twin *w = ctx;
    w->naive = 0;
    log_expiry(w->log, sched_now(s), w->who);
}

static int expiry_cmp(const void *pa, const void *pb)
{
    const struct expiry *a = pa, *b = pb;
    if (a->at != b->at)
        return a->at < b->at ? -1 : 1;
    return a->who - b->who;
}

static void test_random_timer_operations_expire_like_naive_rescheduling(void)
{
    struct sched *st = sched_new(), *sn = sched_new();
    static struct elog lt, ln;
    struct timer timers[NT];
    for (int i = 0; i < NT; i++) {
        twins[i] = (struct twin){ &lt, i, 0 };
        naives[i] = (struct twin){ &ln, i, 0 };
        timer_init(&timers[i], st, twin_fire, &twins[i]);
    }
    uint64_t x = 7;
    int bad = 0;
    uint64_t arms = 0;
    for (int step = 0; step < 20000 && !bad; step++) {
        for (int k = 0; k < 8; k++) {
            x = x * 6364136223846793005ULL + 1442695040888963407ULL;
            int i = (int)((x >> 33) % NT);
            uint64_t op = (x >> 20) % 16;
            sim_time_t now = sched_now(st);
            if (op <= 1) {
                if (op == 0)
                    timer_cancel(&timers[i]);
                else
                    timer_stop(&timers[i]);
                if (naives[i].naive)
                    sched_cancel(sn, naives[i].naive);
                naives[i].naive = 0;
            } else {
                sim_time_t at = now + (sim_time_t)((x >> 40) % 300);
                timer_arm_at(&timers[i], at);
                if (naives[i].naive)
                    sched_cancel(sn, naives[i].naive);
                naives[i].naive = sched_at(sn, at, naive_fire, &naives[i], NULL);
                arms++;
            }
        }
        sim_time_t end = sched_now(st) + 20;
        lt.n = ln.n = 0;
        sched_run_until(st, end);
        sched_run_until(sn, end);
        if (lt.n != ln.n || lt.n > 4096) {
            bad = 1;
            break;
        }
        qsort(lt.e, (size_t)lt.n, sizeof lt.e[0], expiry_cmp);
        qsort(ln.e, (size_t)ln.n, sizeof ln.e[0], expiry_cmp);
        if (memcmp(lt.e, ln.e, (size_t)lt.n * sizeof lt.e[0]) != 0)
            bad = 1;
        for (int i = 0; i < NT; i++)
            if (timer_is_armed(&timers[i]) != (naives[i].naive != 0))
                bad = 1;
    }
    CU_ASSERT_FALSE(bad);
    struct sched_stats a, b;
    sched_get_stats(st, &a);
    sched_get_stats(sn, &b);
    CU_ASSERT_EQUAL(b.scheduled, arms);
    CU_ASSERT(a.scheduled < b.scheduled); /* the point of the facility */
    sched_free(st);
    sched_free(sn);
}

SUITE(timer, NULL, NULL,
      TEST(test_timer_fires_once_at_the_latest_deadline),
      TEST(test_rearming_later_schedules_no_new_event),
      TEST(test_timer_rearmed_on_every_ack_costs_one_event_per_timeout_period),
      TEST(test_rearming_earlier_fires_earlier_and_only_once),
      TEST(test_cancel_disarms_and_removes_the_event),
      TEST(test_stop_disarms_without_queue_work),
      TEST(test_callback_can_rearm_its_own_timer),
      TEST(test_random_timer_operations_expire_like_naive_rescheduling))
