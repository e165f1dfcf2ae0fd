/* bench_timer.c - 10^5 TCP connections re-arming their retransmission timer on every ACK.
 *
 * One ACK source event hands an ACK to a connection, chosen round-robin or uniformly at
 * random, and the connection re-arms its RTO (200 ms) timer. Two ACK rates per connection:
 *   - every 10 ms on average (a busy flow: 20 ACKs per RTO), the case the facility is for;
 *   - every 100 ms (a sparse flow, RTO/2): round-robin never lets a timer expire, random
 *     order lets about e^-2 = 13.5% of the gaps exceed the RTO, and nearly every re-arm is
 *     followed by a hop of the timer's event, so the facility saves little there.
 * 0.4 s of simulated time warms up; then 5 slices of 10^6 ACKs per variant are timed,
 * interleaved, and the fastest slice is kept. Variants:
 *   - timer: the timer facility (timer.h);
 *   - naive: sched_cancel + sched_in on every ACK, what a model would do without it;
 *   - base: the same ACK source, in the same order, reading the connection's timer, with
 *     10^5 pending timer events that nobody re-arms: subtracted to leave the re-arm alone.
 * Reported: ns per re-arm (variant minus base, per ACK), scheduler events run and inserted
 * per re-arm for the timers (the ACK source's own events excluded), and expiries per ACK.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "bench/harness.h"
#include "sim/sched.h"
#include "sim/timer.h"

#define NCONN 100000
#define RTO_PS (200 * PS_PER_MS)
#define WARM_PS (400 * PS_PER_MS)
#define SLICE_ACKS 1000000 /* 10 ACKs per connection: long enough to warm the caches */

enum mode { BASE, TIMER, NAIVE };

struct conn {
    struct timer rto;
    event_id naive;
};

struct world {
    enum mode mode;
    bool random; /* ACK order: random or round-robin */
    struct sched *s;
    struct conn *c;
    sim_time_t ack_gap; /* between two ACKs of the whole population */
    uint64_t left, rng, rr, expiries;
    sim_time_t sink; /* what base reads, so that it touches the connection as the others do */
};

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static void on_rto(struct timer *t, void *ctx)
{
    (void)t;
    struct world *w = ctx;
    w->expiries++;
}

static void on_naive_rto(struct sched *s, void *ctx, void *arg)
{
    (void)s;
    struct world *w = ctx;
    struct conn *c = arg;
    c->naive = 0;
    w->expiries++;
}

static void on_ack(struct sched *s, void *ctx, void *arg)
{
    struct world *w = ctx;
    uint64_t r = splitmix64(&w->rng);
    struct conn *c = &w->c[w->random ? r % NCONN : w->rr++ % NCONN];
    switch (w->mode) {
    case BASE:
        w->sink += timer_deadline(&c->rto);
        break;
    case TIMER:
        timer_arm_in(&c->rto, RTO_PS);
        break;
    case NAIVE:
        if (c->naive)
            sched_cancel(s, c->naive);
        c->naive = sched_in(s, RTO_PS, on_naive_rto, w, c);
        break;
    }
    if (--w->left == 0)
        sched_stop(s);
    sched_in(s, w->ack_gap, on_ack, w, arg);
}

static struct world *world_make(enum mode mode, bool random, sim_time_t conn_ack_gap)
{
    struct world *w = calloc(1, sizeof *w);
    if (!w)
        abort();
    *w = (struct world){ mode, random, sched_new(), calloc(NCONN, sizeof(struct conn)),
                         conn_ack_gap / NCONN, 0, 1, 0, 0, 0 };
    if (!w->s || !w->c)
        abort();
    for (size_t i = 0; i < NCONN; i++) {
        timer_init(&w->c[i].rto, w->s, on_rto, w);
        /* deadlines spread over one RTO so that the connections do not hop in lockstep;
         * base: a pending event per connection that never fires, spread the same way so
         * that the heap compares as in the other modes */
        sim_time_t spread = 1 + (sim_time_t)(splitmix64(&w->rng) % RTO_PS);
        timer_arm_in(&w->c[i].rto, mode == BASE ? SIM_TIME_MAX / 4 + spread : spread);
    }
    sched_in(w->s, w->ack_gap, on_ack, w, NULL);
    w->left = (uint64_t)(WARM_PS / w->ack_gap);
    sched_run(w->s);
    return w;
}

static void world_free(struct world *w)
{
    sched_free(w->s);
    free(w->c);
    free(w);
}

#define SLICES 5

BENCH(timer_rearm)
{
    static const struct { sim_time_t gap; const char *name; } gaps[] = {
        { 10 * PS_PER_MS, "ACK/10ms" }, { 100 * PS_PER_MS, "ACK/100ms" },
    };
    /* the first two are the bases of the others, by ACK order */
    static const struct { enum mode mode; bool random; const char *name; } modes[] = {
        { BASE, false, "round-robin order: ACK event alone" },
        { BASE, true, "random order: ACK event alone" },
        { TIMER, false, "timer, round-robin" },
        { TIMER, true, "timer, random" },
        { NAIVE, true, "naive cancel+schedule, random" },
    };
    enum { NM = sizeof modes / sizeof modes[0] };
    char label[96];
    for (size_t g = 0; g < sizeof gaps / sizeof gaps[0]; g++) {
        struct world *w[NM];
        struct sched_stats before[NM], after;
        uint64_t exp0[NM];
        double best[NM];
        uint64_t slice = SLICE_ACKS;
        for (size_t m = 0; m < NM; m++) {
            w[m] = world_make(modes[m].mode, modes[m].random, gaps[g].gap);
            sched_get_stats(w[m]->s, &before[m]);
            exp0[m] = w[m]->expiries;
            best[m] = 1e300;
        }
        /* slices interleaved, fastest kept: interference from other processes hits all */
        for (int r = 0; r < SLICES; r++)
            for (size_t m = 0; m < NM; m++) {
                w[m]->left = slice;
                double t0 = bench_wall();
                sched_run(w[m]->s);
                double ns = (bench_wall() - t0) / (double)slice * 1e9;
                if (ns < best[m])
                    best[m] = ns;
            }
        double acks = (double)(slice * SLICES);
        for (size_t m = 0; m < NM; m++) {
            if (modes[m].mode == BASE) {
                snprintf(label, sizeof label, "10^5 conns, %s, %s", gaps[g].name, modes[m].name);
                bench_report(label, best[m], "ns/ACK");
                world_free(w[m]);
                continue;
            }
            sched_get_stats(w[m]->s, &after);
            snprintf(label, sizeof label, "%s, %s: re-arm", gaps[g].name, modes[m].name);
            bench_report(label, best[m] - best[modes[m].random ? 1 : 0], "ns/re-arm");
            snprintf(label, sizeof label, "%s, %s: events run", gaps[g].name, modes[m].name);
            bench_report(label, ((double)(after.executed - before[m].executed) - acks) / acks,
                         "per re-arm");
            snprintf(label, sizeof label, "%s, %s: events inserted", gaps[g].name,
                     modes[m].name);
            bench_report(label, ((double)(after.scheduled - before[m].scheduled) - acks) / acks,
                         "per re-arm");
            snprintf(label, sizeof label, "%s, %s: expiries", gaps[g].name, modes[m].name);
            bench_report(label, (double)(w[m]->expiries - exp0[m]) / acks, "per re-arm");
            world_free(w[m]);
        }
    }
}
