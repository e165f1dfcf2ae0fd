/* sched.c - the discrete-event scheduler: a 4-ary min-heap of (time, seq, slot) with lazy
 * cancellation (see sched.h for the contract).
 *
 * Layout. The heap holds 16-byte entries {at, key}, key = seq << 32 | slot. The callback,
 * its ctx and arg live in a slot table indexed by `slot`, so the heap moves only 16 bytes
 * per level. The heap array is 64-byte aligned and its root sits at index 3, which puts the
 * four children of every node (indices 4i-8 .. 4i-5) in one cache line: a sift-down touches
 * one line per level (a bare heap of (time, seq, pointer) has 24-byte entries whose child
 * groups straddle lines). This offsets the cost of the slot lookup, handles and statistics:
 * bench_sched finds the scheduler within a few percent of the bare heap at every size.
 *
 * Handles. A handle is gen << 32 | slot. A slot's generation is bumped when the slot is freed
 * (its event ran or was cancelled), so an old handle never names a newer event. A slot whose
 * generation would wrap is retired instead of reused: a handle is never confused, at the cost
 * of one 32-byte slot per 2^32 reuses.
 *
 * Sequence numbers are 32 bits so that they fit in the key beside the slot. When they run
 * out (after 2^32 insertions), the pending entries are sorted and renumbered 1..n; relative
 * order is unchanged, so the sorted array is still a valid heap and no event is reordered.
 * This costs O(n log n) once per 4 billion insertions.
 *
 * Cancellation is lazy: cancel frees the slot (so the handle goes stale and the callback can
 * never run) and leaves the heap entry, which is recognised as dead on reaching the top
 * because its seq no longer matches its slot's. Reschedule gives the slot a new seq and pushes
 * a new entry; the old one dies the same way. When dead entries outnumber live ones (and are
 * at least COMPACT_MIN) the heap is compacted and re-heapified in O(n), so memory stays below
 * 2x the live entries and cancel is O(1) amortised; a dead entry costs one extra pop later.
 *
 * The road not taken is position tracking: each slot records its heap index and cancel
 * removes the entry in place, O(log n). It frees memory at once and leaves no dead entry to
 * pop later, but every level a sift moves an entry it must also write that entry's slot, a
 * random store. bench_sched measures that on the bare heap ("bare heap + position index"):
 * within noise of the plain bare heap at every size (the stores do not stall), so speed does
 * not decide. Lazy cancellation wins on the rest: cancel is O(1) instead of O(log n), the
 * slot needs no back-pointer, and there is no index to keep consistent on every move (a
 * missed update would corrupt the heap silently, while a missed seq check is caught by the
 * reference-model test). Its costs are bounded: heap memory up to 2x the live entries under
 * heavy cancellation, and one deferred pop per cancelled or rescheduled event. The heaviest
 * source of cancels, timers re-armed on every ACK, is kept off the queue by timer.h anyway.
 *
 * The running event's entry stays at the root during its callback (root_vacant): the first
 * event the callback schedules takes its place with one sift-down, instead of a pop and a
 * push; if the callback schedules nothing, the root is popped after it. Keys are unique, so
 * the execution order is the same as with pop-then-push. Measured: 7% per hold at 10^2
 * pending events (nothing at 10^4 and 10^6), 3% fewer instructions on the whole dumbbell-10
 * run, whose network events nearly all schedule the next one. heap_compact drops the vacant
 * root like any dead entry (its slot no longer holds its seq).
 *
 * Not modelled: parallel or distributed execution, priorities other than (time, insertion).
 */
#include "sim/sched.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct hent {
    sim_time_t at;
    uint64_t key; /* seq << 32 | slot */
};

struct slot {
    event_fn fn;
    union {
        void *ctx;          /* while the slot holds an event */
        uint32_t next_free; /* while it is on the free list */
    } u;
    void *arg;
    uint32_t seq; /* seq of the slot's live heap entry; 0 when the slot holds no event */
    uint32_t gen; /* generation, the high half of the handle */
};

#define ROOT 3                /* heap root index, see the layout note above */
#define SLOT_NONE UINT32_MAX  /* end of the free list; never a slot index */
#define COMPACT_MIN 1024      /* never compact for fewer dead entries than this */
#define HEAP_ALIGN 64

struct sched {
    struct hent *heap;  /* entries at [ROOT, ROOT + n) */
    size_t n;           /* entries in the heap, live and dead */
    size_t cap;         /* room for entries (excluding the ROOT padding) */
    size_t live;        /* pending events */
    struct slot *slots;
    uint32_t nslots, slot_cap, free_head;
    uint32_t next_seq, seq_limit;
    sim_time_t now;
    bool stop, running;
    bool root_vacant;   /* the running event's entry still sits at the root, unpopped */
    struct sched_stats st;
};

_Noreturn static void xalloc_fail(void)
{
    fprintf(stderr, "mcpsim: event scheduler out of memory (or over 2^31 pending events)\n");
    abort();
}

static double wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static inline bool before(const struct hent *a, const struct hent *b)
{
    return a->at < b->at || (a->at == b->at && a->key < b->key);
}

static inline uint32_t key_slot(uint64_t key) { return (uint32_t)key; }
static inline uint32_t key_seq(uint64_t key) { return (uint32_t)(key >> 32); }

static inline bool ent_live(const struct sched *s, const struct hent *e)
{
    return s->slots[key_slot(e->key)].seq == key_seq(e->key);
}

/* ---- the heap ---------------------------------------------------------------------------- */

static void heap_grow(struct sched *s)
{
    size_t cap = s->cap ? s->cap * 2 + ROOT : 64 - ROOT;
    size_t bytes = (cap + ROOT) * sizeof(struct hent);
    bytes = (bytes + HEAP_ALIGN - 1) / HEAP_ALIGN * HEAP_ALIGN;
    struct hent *h = aligned_alloc(HEAP_ALIGN, bytes);
    if (!h)
        xalloc_fail();
    if (s->heap)
        memcpy(h + ROOT, s->heap + ROOT, s->n * sizeof *h);
    free(s->heap);
    s->heap = h;
    s->cap = bytes / sizeof(struct hent) - ROOT;
}

static inline void sift_up(struct hent *h, size_t i, struct hent e)
{
    while (i > ROOT) {
        size_t p = (i >> 2) + 2;
        if (!before(&e, &h[p]))
            break;
        h[i] = h[p];
        i = p;
    }
    h[i] = e;
}

/* Places e in the hole at i, moving smaller children up; end is one past the last entry. */
static inline void sift_down(struct hent *h, size_t i, size_t end, struct hent e)
{
    for (;;) {
        size_t c = (i - 2) << 2;
        size_t m;
        if (c + 3 < end) {
            size_t a = before(&h[c + 1], &h[c]) ? c + 1 : c;
            size_t b = before(&h[c + 3], &h[c + 2]) ? c + 3 : c + 2;
            m = before(&h[b], &h[a]) ? b : a;
        } else if (c < end) {
            m = c;
            for (size_t k = c + 1; k < end; k++)
                if (before(&h[k], &h[m]))
                    m = k;
        } else {
            break;
        }
        if (!before(&h[m], &e))
            break;
        h[i] = h[m];
        i = m;
    }
    h[i] = e;
}

static inline void heap_push(struct sched *s, sim_time_t at, uint64_t key)
{
    struct hent e = { at, key };
    if (s->root_vacant) { /* the first event a callback schedules takes the running one's place */
        s->root_vacant = false;
        sift_down(s->heap, ROOT, ROOT + s->n, e);
        return;
    }
    if (s->n == s->cap)
        heap_grow(s);
    sift_up(s->heap, ROOT + s->n++, e);
}

static inline void heap_pop(struct sched *s)
{
    size_t end = ROOT + --s->n;
    if (s->n > 0)
        sift_down(s->heap, ROOT, end, s->heap[end]);
}

/* Drops dead entries and rebuilds the heap bottom-up (Floyd, O(n)). */
static void heap_compact(struct sched *s)
{
    s->root_vacant = false; /* a vacant root holds a run event's entry: dead, dropped here */
    struct hent *h = s->heap;
    size_t w = ROOT;
    for (size_t r = ROOT; r < ROOT + s->n; r++)
        if (ent_live(s, &h[r]))
            h[w++] = h[r];
    s->n = w - ROOT;
    if (s->n < 2)
        return;
    for (size_t i = ((w - 1) >> 2) + 2 + 1; i-- > ROOT;)
        sift_down(h, i, w, h[i]);
}

static int hent_cmp(const void *pa, const void *pb)
{
    const struct hent *a = pa, *b = pb;
    return before(a, b) ? -1 : before(b, a) ? 1 : 0;
}

/* Sequence numbers ran out: renumber the live entries 1..n in (time, seq) order. A sorted
 * array is a heap, and relative order is kept, so ties still run in insertion order. */
static void seq_renumber(struct sched *s)
{
    heap_compact(s);
    struct hent *h = s->heap + ROOT;
    qsort(h, s->n, sizeof *h, hent_cmp);
    for (size_t i = 0; i < s->n; i++) {
        uint32_t slot = key_slot(h[i].key);
        uint32_t seq = (uint32_t)(i + 1);
        s->slots[slot].seq = seq;
        h[i].key = (uint64_t)seq << 32 | slot;
    }
    assert(s->n + 1 < s->seq_limit);
    s->next_seq = (uint32_t)(s->n + 1);
}

static inline uint32_t seq_take(struct sched *s)
{
    if (s->next_seq >= s->seq_limit)
        seq_renumber(s);
    return s->next_seq++;
}

static inline void maybe_compact(struct sched *s)
{
    size_t dead = s->n - s->live;
    if (dead > s->live && dead >= COMPACT_MIN)
        heap_compact(s);
}

/* ---- slots and handles ------------------------------------------------------------------- */

static inline uint32_t slot_alloc(struct sched *s)
{
    uint32_t i = s->free_head;
    if (i != SLOT_NONE) {
        s->free_head = s->slots[i].u.next_free;
        return i;
    }
    if (s->nslots == s->slot_cap) {
        if (s->slot_cap >= SLOT_NONE / 2)
            xalloc_fail();
        uint32_t cap = s->slot_cap ? s->slot_cap * 2 : 64;
        struct slot *sl = realloc(s->slots, (size_t)cap * sizeof *sl);
        if (!sl)
            xalloc_fail();
        s->slots = sl;
        s->slot_cap = cap;
    }
    i = s->nslots++;
    s->slots[i].seq = 0;
    s->slots[i].gen = 1;
    return i;
}

static inline void slot_free(struct sched *s, uint32_t i)
{
    struct slot *sl = &s->slots[i];
    sl->seq = 0;
    if (sl->gen == UINT32_MAX)
        return; /* retired: its handles may never be reused */
    sl->gen++;
    sl->u.next_free = s->free_head;
    s->free_head = i;
}

/* The slot a handle names while its event is pending, else NULL. */
static inline struct slot *slot_of(const struct sched *s, event_id id)
{
    uint32_t i = (uint32_t)id;
    if (i >= s->nslots)
        return NULL;
    struct slot *sl = &s->slots[i];
    if (sl->gen != (uint32_t)(id >> 32) || sl->seq == 0)
        return NULL;
    return sl;
}

/* ---- public interface -------------------------------------------------------------------- */

struct sched *sched_new(void)
{
    struct sched *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->free_head = SLOT_NONE;
    s->next_seq = 1;
    s->seq_limit = UINT32_MAX;
    return s;
}

void sched_free(struct sched *s)
{
    if (!s)
        return;
    free(s->heap);
    free(s->slots);
    free(s);
}

sim_time_t sched_now(const struct sched *s) { return s->now; }

event_id sched_at(struct sched *s, sim_time_t at, event_fn fn, void *ctx, void *arg)
{
    assert(at >= s->now && "scheduling in the past");
    assert(fn);
    uint32_t i = slot_alloc(s);
    uint32_t seq = seq_take(s);
    struct slot *sl = &s->slots[i];
    sl->fn = fn;
    sl->u.ctx = ctx;
    sl->arg = arg;
    sl->seq = seq;
    heap_push(s, at, (uint64_t)seq << 32 | i);
    s->st.scheduled++;
    if (++s->live > s->st.pending_peak)
        s->st.pending_peak = s->live;
    return (uint64_t)sl->gen << 32 | i;
}

event_id sched_in(struct sched *s, sim_time_t delay, event_fn fn, void *ctx, void *arg)
{
    assert(delay >= 0);
    return sched_at(s, time_add_sat(s->now, delay), fn, ctx, arg);
}

int sched_cancel(struct sched *s, event_id id)
{
    if (!slot_of(s, id))
        return -1;
    slot_free(s, (uint32_t)id);
    s->live--;
    s->st.cancelled++;
    maybe_compact(s);
    return 0;
}

int sched_reschedule(struct sched *s, event_id id, sim_time_t at)
{
    assert(at >= s->now && "rescheduling into the past");
    if (!slot_of(s, id))
        return -1;
    uint32_t i = (uint32_t)id;
    uint32_t seq = seq_take(s); /* may renumber, which rewrites slot seqs: take it first */
    s->slots[i].seq = seq;
    heap_push(s, at, (uint64_t)seq << 32 | i);
    maybe_compact(s);
    return 0;
}

bool sched_is_pending(const struct sched *s, event_id id) { return slot_of(s, id) != NULL; }

/* Runs events with time <= end; returns how many ran, *stopped tells why it returned. */
static uint64_t run(struct sched *s, sim_time_t end, bool *stopped)
{
    assert(!s->running && "sched_run called from inside a callback");
    s->running = true;
    s->stop = false;
    double t0 = wall_now();
    uint64_t done = 0;
    while (!s->stop && s->n > 0) {
        struct hent top = s->heap[ROOT];
        uint32_t i = key_slot(top.key);
        struct slot *sl = &s->slots[i];
        if (sl->seq != key_seq(top.key)) {
            heap_pop(s); /* cancelled or rescheduled */
            continue;
        }
        if (top.at > end)
            break;
        s->root_vacant = true; /* popped after the call, unless the callback refills it */
        event_fn fn = sl->fn;
        void *ctx = sl->u.ctx;
        void *arg = sl->arg;
        slot_free(s, i); /* before the call: the callback may schedule into this slot */
        s->live--;
        s->now = top.at;
        s->st.executed++;
        done++;
        fn(s, ctx, arg);
        if (s->root_vacant) {
            s->root_vacant = false;
            heap_pop(s);
        }
    }
    *stopped = s->stop;
    s->stop = false;
    s->running = false;
    s->st.wall_seconds += wall_now() - t0;
    return done;
}

uint64_t sched_run(struct sched *s)
{
    bool stopped;
    return run(s, SIM_TIME_MAX, &stopped);
}

uint64_t sched_run_until(struct sched *s, sim_time_t end)
{
    assert(end >= s->now && "running until a time in the past");
    bool stopped;
    uint64_t done = run(s, end, &stopped);
    if (!stopped)
        s->now = end;
    return done;
}

void sched_stop(struct sched *s) { s->stop = true; }

void sched_get_stats(const struct sched *s, struct sched_stats *out)
{
    *out = s->st;
    out->pending = s->live;
}

void sched_debug_seq_limit(struct sched *s, uint32_t limit)
{
    assert(limit > s->live + 2);
    s->seq_limit = limit;
}
