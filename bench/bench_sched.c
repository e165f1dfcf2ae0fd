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
 * the queue's time distribution is steady, then timed in 5 slices per variant, interleaved,
 * and the fastest slice is reported.
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
    struct sched *s;
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

static void *sched_make(size_t n)
{
    struct hold *h = calloc(1, sizeof *h);
    if (!h || !(h->s = sched_new()))
        abort();
    for (size_t i = 0; i < n; i++)
        sched_at(h->s, incs[h->k++ & (INC_N - 1)], hold_event, h, NULL);
    return h;
}

static void sched_hold(void *st, uint64_t ops)
{
    struct hold *h = st;
    h->left = ops;
    sched_run(h->s);
}

static void sched_drop(void *st)
{
    struct hold *h = st;
    sched_free(h->s);
    free(h);
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
    struct bev *evs; /* one record per pending event */
    size_t n;
    uint64_t seq;
    sim_time_t now;
    size_t k;
    int track; /* maintain bev.pos */
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

static void *bare_make_tracked(size_t n, int track)
{
    struct bare *b = calloc(1, sizeof *b);
    if (!b || !(b->h = malloc(n * sizeof(struct bent))) || !(b->evs = malloc(n * sizeof(struct bev))))
        abort();
    b->track = track;
    for (size_t i = 0; i < n; i++) {
        b->evs[i].fn = track ? bare_event_tracked : bare_event;
        struct bent e = { incs[b->k++ & (INC_N - 1)], b->seq++, &b->evs[i] };
        bare_push(b, e, track);
    }
    return b;
}

static void *bare_make(size_t n) { return bare_make_tracked(n, 0); }
static void *tracked_make(size_t n) { return bare_make_tracked(n, 1); }

static void bare_hold(void *st, uint64_t ops)
{
    struct bare *b = st;
    if (b->track)
        bare_run(b, ops, 1);
    else
        bare_run(b, ops, 0);
}

static void bare_drop(void *st)
{
    struct bare *b = st;
    free(b->h);
    free(b->evs);
    free(b);
}

struct variant {
    const char *name;
    void *(*make)(size_t n);
    void (*hold)(void *st, uint64_t ops);
    void (*drop)(void *st);
};

static const struct variant variants[] = {
    { "sched", sched_make, sched_hold, sched_drop },
    { "bare 4-ary heap", bare_make, bare_hold, bare_drop },
    { "bare heap + position index", tracked_make, bare_hold, bare_drop },
};
#define NVAR (sizeof variants / sizeof variants[0])
#define SLICES 5

BENCH(sched_hold)
{
    incs_init();
    static const struct { size_t n; const char *exp; } sizes[] = {
        { 100, "10^2" }, { 10000, "10^4" }, { 1000000, "10^6" },
    };
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        size_t n = sizes[i].n;
        uint64_t warm = n * 4 > 1000000 ? n * 4 : 1000000;
        uint64_t slice = (n * 4 > 4000000 ? n * 4 : 4000000) / SLICES;
        void *st[NVAR];
        double best[NVAR];
        for (size_t v = 0; v < NVAR; v++) {
            st[v] = variants[v].make(n);
            variants[v].hold(st[v], warm);
            best[v] = 1e300;
        }
        /* slices of the variants interleaved, best slice kept: another process stealing the
         * CPU or the memory bus during one slice does not bias one variant */
        for (int r = 0; r < SLICES; r++)
            for (size_t v = 0; v < NVAR; v++) {
                double t0 = bench_wall();
                variants[v].hold(st[v], slice);
                double ns = (bench_wall() - t0) / (double)slice * 1e9;
                if (ns < best[v])
                    best[v] = ns;
            }
        char label[96];
        for (size_t v = 0; v < NVAR; v++) {
            snprintf(label, sizeof label, "hold, %s pending: %s", sizes[i].exp, variants[v].name);
            bench_report(label, best[v], "ns/op");
            variants[v].drop(st[v]);
        }
        snprintf(label, sizeof label, "hold, %s pending: ratio sched / bare (target <= 1.3)",
                 sizes[i].exp);
        bench_report(label, best[0] / best[1], "x");
    }
}
