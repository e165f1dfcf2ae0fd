/* test_sched.c - the event scheduler: time order, insertion order on ties (also for events
 * scheduled from callbacks), run_until/stop semantics, stale handles, reschedule, statistics,
 * and millions of random operations checked against a brute-force reference model.
 * Every comparison is exact: the scheduler's contract is an exact order, with no tolerance.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sim/sched.h"
#include "tests/harness.h"

/* ---- a trace of executed callbacks --------------------------------------------------------- */

struct trace {
    int ids[64];
    sim_time_t at[64];
    int n;
};

static void record(struct sched *s, void *ctx, void *arg)
{
    struct trace *t = ctx;
    if (t->n < 64) {
        t->ids[t->n] = (int)(intptr_t)arg;
        t->at[t->n] = sched_now(s);
    }
    t->n++;
}

static void *id_arg(int id) { return (void *)(intptr_t)id; }

static void test_events_run_in_time_order(void)
{
    struct sched *s = sched_new();
    struct trace t = { .n = 0 };
    const sim_time_t times[] = { 50, 10, 40, 20, 30, 0, 60 };
    for (int i = 0; i < 7; i++)
        sched_at(s, times[i], record, &t, id_arg(i));
    CU_ASSERT_EQUAL(sched_run(s), 7);
    const int want[] = { 5, 1, 3, 4, 2, 0, 6 };
    CU_ASSERT_EQUAL_FATAL(t.n, 7);
    for (int i = 0; i < 7; i++) {
        CU_ASSERT_EQUAL(t.ids[i], want[i]);
        CU_ASSERT_EQUAL(t.at[i], times[want[i]]);
    }
    CU_ASSERT_EQUAL(sched_now(s), 60);
    sched_free(s);
}

static void test_same_time_events_run_in_insertion_order(void)
{
    struct sched *s = sched_new();
    struct trace t = { .n = 0 };
    /* 40 events at two times, interleaved, so the heap must order ties by seq not layout */
    for (int i = 0; i < 40; i++)
        sched_at(s, (i % 2) ? 7 : 5, record, &t, id_arg(i));
    sched_run(s);
    CU_ASSERT_EQUAL_FATAL(t.n, 40);
    for (int i = 0; i < 20; i++) {
        CU_ASSERT_EQUAL(t.ids[i], 2 * i);
        CU_ASSERT_EQUAL(t.ids[20 + i], 2 * i + 1);
    }
    sched_free(s);
}

/* Event 0 at t=5 schedules event 100 at t=5 (now); it must run after 1 and 2, which were
 * already pending at t=5, because it was inserted later. */
static struct trace *nested_trace;
static void nested_parent(struct sched *s, void *ctx, void *arg)
{
    record(s, ctx, arg);
    sched_in(s, 0, record, nested_trace, id_arg(100));
    sched_at(s, sched_now(s), record, nested_trace, id_arg(101));
}

static void test_events_scheduled_now_from_a_callback_run_after_pending_ties(void)
{
    struct sched *s = sched_new();
    struct trace t = { .n = 0 };
    nested_trace = &t;
    sched_at(s, 5, nested_parent, &t, id_arg(0));
    sched_at(s, 5, record, &t, id_arg(1));
    sched_at(s, 5, record, &t, id_arg(2));
    sched_at(s, 6, record, &t, id_arg(3));
    sched_run(s);
    const int want[] = { 0, 1, 2, 100, 101, 3 };
    CU_ASSERT_EQUAL_FATAL(t.n, 6);
    for (int i = 0; i < 6; i++)
        CU_ASSERT_EQUAL(t.ids[i], want[i]);
    CU_ASSERT_EQUAL(t.at[3], 5);
    sched_free(s);
}

static void test_run_until_sets_now_to_end_and_keeps_later_events(void)
{
    struct sched *s = sched_new();
    struct trace t = { .n = 0 };
    sched_at(s, 10, record, &t, id_arg(1));
    sched_at(s, 20, record, &t, id_arg(2)); /* exactly at end: runs */
    event_id later = sched_at(s, 21, record, &t, id_arg(3));
    CU_ASSERT_EQUAL(sched_run_until(s, 20), 2);
    CU_ASSERT_EQUAL(sched_now(s), 20);
    CU_ASSERT_EQUAL(t.n, 2);
    CU_ASSERT_TRUE(sched_is_pending(s, later));
    /* an empty stretch still advances time */
    CU_ASSERT_EQUAL(sched_run_until(s, 20), 0);
    struct sched *e = sched_new();
    CU_ASSERT_EQUAL(sched_run_until(e, 1000), 0);
    CU_ASSERT_EQUAL(sched_now(e), 1000);
    sched_free(e);
    CU_ASSERT_EQUAL(sched_run(s), 1);
    CU_ASSERT_EQUAL(sched_now(s), 21);
    CU_ASSERT_EQUAL(t.ids[2], 3);
    sched_free(s);
}

static void stopper(struct sched *s, void *ctx, void *arg)
{
    record(s, ctx, arg);
    sched_stop(s);
}

static void test_stop_returns_after_the_current_callback(void)
{
    struct sched *s = sched_new();
    struct trace t = { .n = 0 };
    sched_at(s, 1, record, &t, id_arg(1));
    sched_at(s, 2, stopper, &t, id_arg(2));
    sched_at(s, 2, record, &t, id_arg(3)); /* same time, after the stopper: not yet */
    sched_at(s, 3, record, &t, id_arg(4));
    CU_ASSERT_EQUAL(sched_run_until(s, 100), 2);
    CU_ASSERT_EQUAL(sched_now(s), 2); /* stopped: time stays at the stopping event */
    CU_ASSERT_EQUAL(t.n, 2);
    /* a stop requested outside a run does not leak into the next run */
    sched_stop(s);
    CU_ASSERT_EQUAL(sched_run(s), 2);
    CU_ASSERT_EQUAL_FATAL(t.n, 4);
    CU_ASSERT_EQUAL(t.ids[2], 3);
    CU_ASSERT_EQUAL(t.ids[3], 4);
    sched_free(s);
}

static void test_cancel_prevents_the_callback_and_rejects_stale_handles(void)
{
    struct sched *s = sched_new();
    struct trace t = { .n = 0 };
    event_id a = sched_at(s, 10, record, &t, id_arg(1));
    event_id b = sched_at(s, 10, record, &t, id_arg(2));
    CU_ASSERT_NOT_EQUAL(a, 0);
    CU_ASSERT_NOT_EQUAL(a, b);
    CU_ASSERT_EQUAL(sched_cancel(s, a), 0);
    CU_ASSERT_FALSE(sched_is_pending(s, a));
    CU_ASSERT_EQUAL(sched_cancel(s, a), -1);            /* twice */
    CU_ASSERT_EQUAL(sched_reschedule(s, a, 20), -1);    /* cancelled */
    CU_ASSERT_EQUAL(sched_cancel(s, 0), -1);            /* never valid */
    CU_ASSERT_EQUAL(sched_cancel(s, UINT64_MAX), -1);   /* never issued */
    /* c reuses a's slot: a's handle must not name it */
    event_id c = sched_at(s, 10, record, &t, id_arg(3));
    CU_ASSERT_NOT_EQUAL(c, a);
    CU_ASSERT_EQUAL(sched_cancel(s, a), -1);
    CU_ASSERT_TRUE(sched_is_pending(s, c));
    sched_run(s);
    CU_ASSERT_EQUAL_FATAL(t.n, 2);
    CU_ASSERT_EQUAL(t.ids[0], 2);
    CU_ASSERT_EQUAL(t.ids[1], 3);
    CU_ASSERT_EQUAL(sched_cancel(s, b), -1); /* already ran */
    CU_ASSERT_FALSE(sched_is_pending(s, c));
    sched_free(s);
}

/* One slot reused 1000 times (each event runs before the next is scheduled): every handle is
 * new, and every earlier handle stays stale while a later event occupies the same slot. */
static void test_handles_of_a_reused_slot_stay_distinct_and_stale(void)
{
    struct sched *s = sched_new();
    struct trace t = { .n = 0 };
    static event_id ids[1000];
    int bad = 0;
    for (int i = 0; i < 1000; i++) {
        ids[i] = sched_in(s, 1, record, &t, id_arg(i));
        for (int j = 0; j < i; j++)
            if (ids[j] == ids[i] || sched_is_pending(s, ids[j]))
                bad = 1;
        sched_run(s);
    }
    CU_ASSERT_FALSE(bad);
    CU_ASSERT_EQUAL(t.n, 1000);
    sched_free(s);
}

static void test_reschedule_moves_the_event_and_orders_it_as_inserted_now(void)
{
    struct sched *s = sched_new();
    struct trace t = { .n = 0 };
    event_id a = sched_at(s, 10, record, &t, id_arg(1));
    sched_at(s, 30, record, &t, id_arg(2));
    sched_at(s, 20, record, &t, id_arg(3));
    CU_ASSERT_EQUAL(sched_reschedule(s, a, 30), 0); /* later, tied with 2: runs after it */
    CU_ASSERT_TRUE(sched_is_pending(s, a));
    event_id d = sched_at(s, 40, record, &t, id_arg(4));
    CU_ASSERT_EQUAL(sched_reschedule(s, d, 5), 0); /* earlier */
    sched_run(s);
    const int want[] = { 4, 3, 2, 1 };
    const sim_time_t want_at[] = { 5, 20, 30, 30 };
    CU_ASSERT_EQUAL_FATAL(t.n, 4);
    for (int i = 0; i < 4; i++) {
        CU_ASSERT_EQUAL(t.ids[i], want[i]);
        CU_ASSERT_EQUAL(t.at[i], want_at[i]);
    }
    CU_ASSERT_EQUAL(sched_reschedule(s, a, 50), -1); /* ran */
    sched_free(s);
}

static void test_stats_count_executed_scheduled_cancelled_and_peak(void)
{
    struct sched *s = sched_new();
    struct trace t = { .n = 0 };
    event_id ids[10];
    for (int i = 0; i < 10; i++)
        ids[i] = sched_at(s, i, record, &t, id_arg(i));
    for (int i = 0; i < 3; i++)
        sched_cancel(s, ids[i]);
    sched_reschedule(s, ids[5], 100);
    struct sched_stats st;
    sched_get_stats(s, &st);
    CU_ASSERT_EQUAL(st.scheduled, 10);
    CU_ASSERT_EQUAL(st.cancelled, 3);
    CU_ASSERT_EQUAL(st.pending, 7);
    CU_ASSERT_EQUAL(st.pending_peak, 10);
    CU_ASSERT_EQUAL(st.executed, 0);
    sched_run_until(s, 8);
    sched_get_stats(s, &st);
    CU_ASSERT_EQUAL(st.executed, 5); /* 3, 4, 6, 7, 8 */
    CU_ASSERT_EQUAL(st.pending, 2);
    sched_run(s);
    sched_get_stats(s, &st);
    CU_ASSERT_EQUAL(st.executed, 7);
    CU_ASSERT_EQUAL(st.pending, 0);
    CU_ASSERT_EQUAL(st.pending_peak, 10);
    CU_ASSERT(st.wall_seconds >= 0.0);
    sched_free(s);
}

/* Sequence numbers are 32 bits and renumbered when exhausted; with a tiny limit this happens
 * every dozen insertions while ties at three times churn (schedule one, cancel the one
 * scheduled 20 earlier). The 20 survivors must run by time, then in insertion order. */
static void test_sequence_renumbering_keeps_insertion_order_of_ties(void)
{
    struct sched *s = sched_new();
    sched_debug_seq_limit(s, 32);
    struct trace t = { .n = 0 };
    event_id ids[200];
    for (int i = 0; i < 200; i++) {
        ids[i] = sched_at(s, 100 - (i % 3), record, &t, id_arg(i));
        if (i >= 20)
            CU_ASSERT_EQUAL(sched_cancel(s, ids[i - 20]), 0);
    }
    sched_run(s);
    CU_ASSERT_EQUAL_FATAL(t.n, 20);
    int k = 0;
    for (int r = 2; r >= 0; r--) /* time 98 holds i % 3 == 2, then 99, then 100 */
        for (int i = 180; i < 200; i++)
            if (i % 3 == r)
                CU_ASSERT_EQUAL(t.ids[k++], i);
    sched_free(s);
}

/* ---- random operations against a reference model -------------------------------------------
 *
 * The reference keeps pending events in an array sorted by (time, seq) descending, the next
 * event last, with its own seq counter; it is obviously right and O(n) per operation. Each
 * event is a "tag" (index in `tags`). Callbacks act on the world deterministically from their
 * tag (schedule children at now or later, cancel an older tag, stop the run) and log what they
 * did; after each run the reference replays the same actions in its own order and must find
 * exactly the logged sequence.
 */

struct tag {
    event_id h;
    sim_time_t at; /* reference time and seq, while pending in the reference */
    uint64_t seq;
    bool pending;
};

struct rent {
    sim_time_t at;
    uint64_t seq;
    uint32_t tag;
};

struct logent {
    uint32_t tag;
    sim_time_t at;
    uint32_t child[2];
    int nchild;
    int cancel_rc;
};

struct world {
    struct sched *s;
    struct tag *tags;
    size_t ntags, tag_cap;
    struct rent *ref;
    size_t nref, ref_cap;
    uint64_t ref_seq;
    sim_time_t ref_now;
    struct logent *log;
    size_t nlog, log_cap;
    uint64_t rng;
    int failed;
};

static uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static uint64_t rnd(struct world *w) { return mix64(w->rng += 0x9e3779b97f4a7c15ULL); }

static void *grow(void *p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return p;
    size_t c = *cap ? *cap * 2 : 1024;
    while (c < need)
        c *= 2;
    void *q = realloc(p, c * size);
    CU_ASSERT_PTR_NOT_NULL_FATAL(q);
    *cap = c;
    return q;
}

static const sim_time_t delays[8] = { 0, 0, 1, 2, 3, 10, 100, 5000 };
/* for scheduling from outside: more long delays, so that a large queue can build up */
static const sim_time_t sched_delays[8] = { 0, 0, 1, 3, 100, 5000, 5000, 5000 };

/* Position of (at, seq) in the descending array: first index whose entry is below it. */
static size_t ref_find(const struct world *w, sim_time_t at, uint64_t seq)
{
    size_t lo = 0, hi = w->nref;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        const struct rent *e = &w->ref[mid];
        if (e->at > at || (e->at == at && e->seq > seq))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static void ref_insert(struct world *w, uint32_t tag, sim_time_t at)
{
    struct tag *t = &w->tags[tag];
    t->at = at;
    t->seq = w->ref_seq++;
    t->pending = true;
    w->ref = grow(w->ref, &w->ref_cap, w->nref + 1, sizeof *w->ref);
    size_t i = ref_find(w, at, t->seq);
    memmove(&w->ref[i + 1], &w->ref[i], (w->nref - i) * sizeof *w->ref);
    w->ref[i] = (struct rent){ at, t->seq, tag };
    w->nref++;
}

static void ref_remove(struct world *w, uint32_t tag)
{
    struct tag *t = &w->tags[tag];
    size_t i = ref_find(w, t->at, t->seq);
    if (i >= w->nref || w->ref[i].tag != tag) {
        w->failed = 1;
        return;
    }
    memmove(&w->ref[i], &w->ref[i + 1], (w->nref - i - 1) * sizeof *w->ref);
    w->nref--;
    t->pending = false;
}

static uint32_t new_tag(struct world *w)
{
    w->tags = grow(w->tags, &w->tag_cap, w->ntags + 1, sizeof *w->tags);
    memset(&w->tags[w->ntags], 0, sizeof *w->tags);
    return (uint32_t)w->ntags++;
}

/* What the event with this tag does, decided by its tag alone. */
struct action {
    int nchild;
    sim_time_t child_delay[2];
    bool cancel;
    uint32_t cancel_tag;
    bool stop;
};

static struct action action_of(uint32_t tag)
{
    uint64_t h = mix64(tag ^ 0x5eedULL);
    struct action a = { 0, { 0, 0 }, false, 0, false };
    a.nchild = ((h & 7) == 0) + ((h & 0x38) == 0);
    a.child_delay[0] = delays[(h >> 6) & 7];
    a.child_delay[1] = delays[(h >> 9) & 7];
    uint32_t back = 1 + (uint32_t)((h >> 12) % 64);
    a.cancel = ((h >> 20) & 7) == 0 && tag >= back;
    a.cancel_tag = tag - back;
    a.stop = ((h >> 24) & 1023) == 0;
    return a;
}

static void world_event(struct sched *s, void *ctx, void *arg)
{
    struct world *w = ctx;
    uint32_t tag = (uint32_t)(uintptr_t)arg;
    struct action a = action_of(tag);
    w->log = grow(w->log, &w->log_cap, w->nlog + 1, sizeof *w->log);
    struct logent *l = &w->log[w->nlog++];
    l->tag = tag;
    l->at = sched_now(s);
    l->nchild = a.nchild;
    for (int k = 0; k < a.nchild; k++) {
        uint32_t c = new_tag(w);
        l->child[k] = c;
        w->tags[c].h = sched_in(s, a.child_delay[k], world_event, w, (void *)(uintptr_t)c);
    }
    l->cancel_rc = a.cancel ? sched_cancel(s, w->tags[a.cancel_tag].h) : 0;
    if (a.stop)
        sched_stop(s);
}

/* Replays a run up to `end` in the reference and compares with the log. */
static void ref_run(struct world *w, sim_time_t end, bool until)
{
    size_t li = 0;
    bool stopped = false;
    /* every tag created during the run is a child, numbered in execution order */
    uint32_t next_tag = (uint32_t)w->ntags;
    for (size_t i = 0; i < w->nlog; i++)
        next_tag -= (uint32_t)w->log[i].nchild;
    while (!stopped && w->nref > 0 && !w->failed) {
        struct rent r = w->ref[w->nref - 1];
        if (r.at > end)
            break;
        w->nref--;
        w->tags[r.tag].pending = false;
        w->ref_now = r.at;
        if (li >= w->nlog || w->log[li].tag != r.tag || w->log[li].at != r.at) {
            w->failed = 1;
            break;
        }
        const struct logent *l = &w->log[li++];
        struct action a = action_of(r.tag);
        for (int k = 0; k < a.nchild; k++) {
            if (l->child[k] != next_tag)
                w->failed = 1;
            ref_insert(w, next_tag++, r.at + a.child_delay[k]);
        }
        int rc = -1;
        if (a.cancel && w->tags[a.cancel_tag].pending) {
            ref_remove(w, a.cancel_tag);
            rc = 0;
        }
        if (a.cancel && rc != l->cancel_rc)
            w->failed = 1;
        stopped = a.stop;
    }
    if (li != w->nlog)
        w->failed = 1;
    if (!stopped && until)
        w->ref_now = end;
    if (sched_now(w->s) != w->ref_now)
        w->failed = 1;
    w->nlog = 0;
}

/* Half the time a pending event, else any recent tag (often stale: ran or cancelled). */
static uint32_t pick_tag(struct world *w)
{
    if (w->nref > 0 && (rnd(w) & 1))
        return w->ref[rnd(w) % w->nref].tag;
    size_t window = w->ntags < 8192 ? w->ntags : 8192;
    return (uint32_t)(w->ntags - 1 - rnd(w) % window);
}

/* One operation from outside the run. Below the target queue size it mostly schedules; above
 * it, it cancels and runs. Delays scale with the target so that a large queue fills up, and
 * come from a small set (with 0) so that many events tie. */
static void random_op(struct world *w, size_t target)
{
    struct sched *s = w->s;
    sim_time_t now = sched_now(s);
    sim_time_t scale = (sim_time_t)(target / 4);
    uint64_t r = rnd(w) % 100;
    if (w->nref >= target)
        r = 45 + r * 55 / 100; /* no scheduling: cancel, reschedule, check, run */
    if (w->ntags == 0 || r < 45) {
        uint32_t tag = new_tag(w);
        sim_time_t at = now + sched_delays[rnd(w) & 7] * (sim_time_t)(1 + rnd(w) % 4) * scale;
        w->tags[tag].h = sched_at(s, at, world_event, w, (void *)(uintptr_t)tag);
        ref_insert(w, tag, at);
    } else if (r < 65) {
        uint32_t tag = pick_tag(w);
        bool was = w->tags[tag].pending;
        int rc = sched_cancel(s, w->tags[tag].h);
        if (rc != (was ? 0 : -1))
            w->failed = 1;
        if (was)
            ref_remove(w, tag);
    } else if (r < 80) {
        uint32_t tag = pick_tag(w);
        bool was = w->tags[tag].pending;
        sim_time_t at = now + delays[rnd(w) & 7] * scale;
        int rc = sched_reschedule(s, w->tags[tag].h, at);
        if (rc != (was ? 0 : -1))
            w->failed = 1;
        if (was) {
            ref_remove(w, tag);
            ref_insert(w, tag, at);
        }
    } else if (r < 84) {
        uint32_t tag = pick_tag(w);
        if (sched_is_pending(s, w->tags[tag].h) != w->tags[tag].pending)
            w->failed = 1;
    } else {
        sim_time_t end = now + delays[rnd(w) & 7];
        sched_run_until(s, end);
        ref_run(w, end, true);
    }
}

static void test_random_operations_match_a_reference_model(void)
{
    struct world w;
    memset(&w, 0, sizeof w);
    w.s = sched_new();
    w.rng = 12345;
    /* renumber sequence numbers every few thousand insertions, so that path is exercised */
    sched_debug_seq_limit(w.s, 1u << 14);
    /* phases alternate a small queue and a large one; shrinking from large to small cancels
     * enough to trigger the scheduler's compaction (dead entries > live ones, >= 1024) */
    const size_t ops = 3000000;
    for (size_t i = 0; i < ops && !w.failed; i++) {
        size_t phase = (i / 100000) % 3;
        random_op(&w, phase == 0 ? 64 : phase == 1 ? 600 : 4000);
        struct sched_stats st;
        sched_get_stats(w.s, &st);
        if (st.pending != w.nref)
            w.failed = 1;
    }
    CU_ASSERT_FALSE(w.failed);
    /* drain: run to completion (stops may interrupt) and compare again */
    while (!w.failed && w.nref > 0) {
        sched_run(w.s);
        ref_run(&w, SIM_TIME_MAX, false);
    }
    CU_ASSERT_FALSE(w.failed);
    struct sched_stats st;
    sched_get_stats(w.s, &st);
    CU_ASSERT_EQUAL(st.pending, 0);
    CU_ASSERT(st.executed > ops / 10);
    sched_free(w.s);
    free(w.tags);
    free(w.ref);
    free(w.log);
}

/* Operations from inside callbacks, where the running event's entry still holds the root
 * until the callback schedules something (sched.c, root_vacant): each callback cancels,
 * reschedules and schedules at random, sometimes cancelling thousands at once (which compacts
 * the heap while the root is vacant), with sequence numbers renumbered every 16384
 * insertions. A naive reference (an array scanned for the smallest (time, order) alive)
 * mirrors every operation; each event that runs must be the reference's next one. */
enum { CB_MAX = 40000 };
struct cbw {
    struct sched *s;
    uint64_t rng, order;
    size_t n;                  /* events ever created */
    sim_time_t at[CB_MAX];
    uint64_t ord[CB_MAX];
    bool alive[CB_MAX];
    event_id id[CB_MAX];
    long ran, bad;
};

static uint64_t cb_rand(struct cbw *w, uint64_t n)
{
    w->rng = w->rng * 6364136223846793005ULL + 1442695040888963407ULL;
    return (w->rng >> 33) % n;
}

static void cb_event(struct sched *s, void *ctx, void *arg);

static void cb_add(struct cbw *w, sim_time_t at)
{
    if (w->n == CB_MAX)
        return;
    size_t k = w->n++;
    w->at[k] = at;
    w->ord[k] = w->order++;
    w->alive[k] = true;
    w->id[k] = sched_at(w->s, at, cb_event, w, (void *)(uintptr_t)k);
}

static void cb_event(struct sched *s, void *ctx, void *arg)
{
    struct cbw *w = ctx;
    size_t k = (size_t)(uintptr_t)arg, best = SIZE_MAX;
    for (size_t i = 0; i < w->n; i++)
        if (w->alive[i] && (best == SIZE_MAX || w->at[i] < w->at[best] ||
                            (w->at[i] == w->at[best] && w->ord[i] < w->ord[best])))
            best = i;
    if (best != k || w->at[k] != sched_now(s))
        w->bad++;
    w->alive[k] = false;
    w->ran++;
    sim_time_t now = sched_now(s);
    uint64_t mass = cb_rand(w, 500) == 0 ? 8000 : cb_rand(w, 3);
    for (uint64_t c = 0; c < mass && w->n; c++) {
        size_t v = (size_t)cb_rand(w, w->n);
        if (w->alive[v]) {
            if (sched_cancel(s, w->id[v]) != 0)
                w->bad++;
            w->alive[v] = false;
        }
    }
    if (cb_rand(w, 3) == 0 && w->n) {
        size_t v = (size_t)cb_rand(w, w->n);
        if (w->alive[v]) {
            w->at[v] = now + (sim_time_t)cb_rand(w, 50);
            w->ord[v] = w->order++;
            if (sched_reschedule(s, w->id[v], w->at[v]) != 0)
                w->bad++;
        }
    }
    uint64_t spawn = cb_rand(w, 4);
    for (uint64_t c = 0; c < spawn; c++)
        cb_add(w, now + (sim_time_t)cb_rand(w, 100));
}

static void test_operations_from_callbacks_keep_time_and_insertion_order(void)
{
    static struct cbw w;
    memset(&w, 0, sizeof w);
    w.s = sched_new();
    w.rng = 99;
    sched_debug_seq_limit(w.s, 1u << 14);
    for (int i = 0; i < 6000; i++)
        cb_add(&w, (sim_time_t)cb_rand(&w, 2000));
    sched_run(w.s);
    CU_ASSERT_EQUAL(w.bad, 0);
    CU_ASSERT(w.ran > 10000);
    long left = 0;
    for (size_t i = 0; i < w.n; i++)
        left += w.alive[i];
    CU_ASSERT_EQUAL(left, 0);
    struct sched_stats st;
    sched_get_stats(w.s, &st);
    CU_ASSERT_EQUAL(st.pending, 0);
    CU_ASSERT_EQUAL((long)st.executed, w.ran);
    sched_free(w.s);
}

SUITE(sched, NULL, NULL,
      TEST(test_events_run_in_time_order),
      TEST(test_same_time_events_run_in_insertion_order),
      TEST(test_events_scheduled_now_from_a_callback_run_after_pending_ties),
      TEST(test_run_until_sets_now_to_end_and_keeps_later_events),
      TEST(test_stop_returns_after_the_current_callback),
      TEST(test_cancel_prevents_the_callback_and_rejects_stale_handles),
      TEST(test_handles_of_a_reused_slot_stay_distinct_and_stale),
      TEST(test_reschedule_moves_the_event_and_orders_it_as_inserted_now),
      TEST(test_stats_count_executed_scheduled_cancelled_and_peak),
      TEST(test_sequence_renumbering_keeps_insertion_order_of_ties),
      TEST(test_random_operations_match_a_reference_model),
      TEST(test_operations_from_callbacks_keep_time_and_insertion_order))
