/* bench_sched.c - the scheduler's hold operation against a bare 4-ary heap.
 *
 * The hold model (Jones, CACM 1986): N events pending; each step pops the earliest and pushes
 * one at now + Exp(mean). Reported, for N = 10^2, 10^4, 10^6, in ns per hold:
 *   - sched: the real scheduler; the event's callback schedules its successor (sched_in);
 *   - bare heap: an array 4-ary heap of (time, seq, pointer), 24-byte entries, root at 0,
 *     hole-based sifts; the pointer names a per-event record whose function is called, which
 *     pushes the successor. That is the least a scheduler has to do (find the event, call it),
 *     with no handles, no cancellation and no statistics;
 *   - bare heap + position index: the same heap writing each moved entry's index into its
 *     record, which is what cancel-in-place (instead of the scheduler's lazy cancel) costs;
 *   - the ratio sched / bare heap (target <= 1.3).
 * All three read the same precomputed Exp increments (splitmix64 + inversion), so they see
 * identical draws and the figures measure queues, not log(). Each size is warmed up until
 * the queue's time distribution is steady before it is timed.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "bench/harness.h"
#include "sim/sched.h"

#define INC_BITS 20
#define INC_N (1u << INC_BITS)
#define MEAN_PS 1e6 /* 1 us mean inter-event gap per event */

static sim_time_t *incs;

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static void incs_init(void)
{
    if (incs)
        return;
    incs = malloc(INC_N * sizeof *incs);
    if (!incs)
        abort();
    uint64_t x = 42;
    for (size_t i = 0; i < INC_N; i++) {
        double u = ((double)(splitmix64(&x) >> 11) + 1.0) * 0x1.0p-53; /* (0, 1] */
        incs[i] = (sim_time_t)(-log(u) * MEAN_PS + 0.5);
    }
}

/* ---- the real scheduler ------------------------------------------------------------------ */

struct hold {
    uint64_t left;
    size_t k;
};

static void hold_event(struct sched *s, void *ctx, void *arg)
{
    struct hold *h = ctx;
    if (--h->left == 0)
        sched_stop(s);
    sched_in(s, incs[h->k++ & (INC_N - 1)], hold_event, h, arg);
}

static double sched_hold_ns(size_t n, uint64_t warm, uint64_t ops)
{
    struct sched *s = sched_new();
    struct hold h = { 0, 0 };
    for (size_t i = 0; i < n; i++)
        sched_at(s, incs[h.k++ & (INC_N - 1)], hold_event, &h, NULL);
    h.left = warm;
    sched_run(s);
    h.left = ops;
    double t0 = bench_wall();
    sched_run(s);
    double t1 = bench_wall();
    sched_free(s);
    return (t1 - t0) / (double)ops * 1e9;
}

/* ---- the bare heap ----------------------------------------------------------------------- */

struct bare;
struct bev {
    void (*fn)(struct bare *b, struct bev *ev);
    size_t pos; /* heap index, maintained only by the position-tracking variant */
};

struct bent {
    sim_time_t at;
    uint64_t seq;
    struct bev *ev;
};

struct bare {
    struct bent *h;
    size_t n;
    uint64_t seq;
    sim_time_t now;
    size_t k;
};

static inline int bent_before(const struct bent *a, const struct bent *b)
{
    return a->at < b->at || (a->at == b->at && a->seq < b->seq);
}

static inline __attribute__((always_inline)) void bare_place(struct bent *h, size_t i,
                                                              struct bent e, int track)
{
    h[i] = e;
    if (track)
        e.ev->pos = i;
}

static inline __attribute__((always_inline)) void bare_push(struct bare *b, struct bent e,
                                                             int track)
{
    size_t i = b->n++;
    while (i > 0) {
        size_t p = (i - 1) >> 2;
        if (!bent_before(&e, &b->h[p]))
            break;
        bare_place(b->h, i, b->h[p], track);
        i = p;
    }
    bare_place(b->h, i, e, track);
}

static inline __attribute__((always_inline)) struct bent bare_pop(struct bare *b, int track)
{
    struct bent *h = b->h;
    struct bent top = h[0];
    size_t n = --b->n;
    if (n == 0)
        return top;
    struct bent e = h[n];
    size_t i = 0;
    for (;;) {
        size_t c = 4 * i + 1, m;
        if (c + 3 < n) {
            size_t x = bent_before(&h[c + 1], &h[c]) ? c + 1 : c;
            size_t y = bent_before(&h[c + 3], &h[c + 2]) ? c + 3 : c + 2;
            m = bent_before(&h[y], &h[x]) ? y : x;
        } else if (c < n) {
            m = c;
            for (size_t j = c + 1; j < n; j++)
                if (bent_before(&h[j], &h[m]))
                    m = j;
        } else {
            break;
        }
        if (!bent_before(&h[m], &e))
            break;
        bare_place(h, i, h[m], track);
        i = m;
    }
    bare_place(h, i, e, track);
    return top;
}

static void bare_event(struct bare *b, struct bev *ev)
{
    struct bent e = { b->now + incs[b->k++ & (INC_N - 1)], b->seq++, ev };
    bare_push(b, e, 0);
}

static void bare_event_tracked(struct bare *b, struct bev *ev)
{
    struct bent e = { b->now + incs[b->k++ & (INC_N - 1)], b->seq++, ev };
    bare_push(b, e, 1);
}

static inline __attribute__((always_inline)) void bare_run(struct bare *b, uint64_t ops,
                                                            int track)
{
    while (ops--) {
        struct bent e = bare_pop(b, track);
        b->now = e.at;
        e.ev->fn(b, e.ev);
    }
}

static double bare_hold_ns(size_t n, uint64_t warm, uint64_t ops, int track)
{
    struct bare b = { malloc(n * sizeof(struct bent)), 0, 0, 0, 0 };
    struct bev *evs = malloc(n * sizeof *evs);
    if (!b.h || !evs)
        abort();
    for (size_t i = 0; i < n; i++) {
        evs[i].fn = track ? bare_event_tracked : bare_event;
        struct bent e = { incs[b.k++ & (INC_N - 1)], b.seq++, &evs[i] };
        bare_push(&b, e, track);
    }
    double t0 = 0;
    if (track) {
        bare_run(&b, warm, 1);
        t0 = bench_wall();
        bare_run(&b, ops, 1);
    } else {
        bare_run(&b, warm, 0);
        t0 = bench_wall();
        bare_run(&b, ops, 0);
    }
    double t1 = bench_wall();
    free(b.h);
    free(evs);
    return (t1 - t0) / (double)ops * 1e9;
}

BENCH(sched_hold)
{
    incs_init();
    static const struct { size_t n; const char *exp; } sizes[] = {
        { 100, "10^2" }, { 10000, "10^4" }, { 1000000, "10^6" },
    };
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        size_t n = sizes[i].n;
        uint64_t warm = n * 4 > 1000000 ? n * 4 : 1000000;
        uint64_t ops = n * 4 > 4000000 ? n * 4 : 4000000;
        double bare = bare_hold_ns(n, warm, ops, 0);
        double tracked = bare_hold_ns(n, warm, ops, 1);
        double sched = sched_hold_ns(n, warm, ops);
        char label[96];
        snprintf(label, sizeof label, "hold, %s pending: sched", sizes[i].exp);
        bench_report(label, sched, "ns/op");
        snprintf(label, sizeof label, "hold, %s pending: bare 4-ary heap", sizes[i].exp);
        bench_report(label, bare, "ns/op");
        snprintf(label, sizeof label, "hold, %s pending: bare heap + position index", sizes[i].exp);
        bench_report(label, tracked, "ns/op");
        snprintf(label, sizeof label, "hold, %s pending: ratio sched / bare (target <= 1.3)",
                 sizes[i].exp);
        bench_report(label, sched / bare, "x");
    }
}
