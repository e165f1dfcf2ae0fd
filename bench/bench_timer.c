/* bench_timer.c - 10^5 TCP connections re-arming their retransmission timer on every ACK.
 *
 * One ACK source event hands an ACK to a connection, chosen round-robin or uniformly at
 * random, and the connection re-arms its RTO (200 ms) timer. Two ACK rates per connection:
 *   - every 10 ms on average (a busy flow: 20 ACKs per RTO), the case the facility is for;
 *   - every 100 ms (a sparse flow, RTO/2): round-robin never lets a timer expire, random
 *     order lets about e^-2 = 13.5% of the gaps exceed the RTO, and nearly every re-arm is
 *     followed by a hop of the timer's event, so the facility saves little there.
 * 0.4 s of simulated time warms up, 1 s is timed. Variants:
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
#define TIMED_PS (PS_PER_S)

enum mode { BASE, TIMER, NAIVE };

struct conn {
    struct timer rto;
    event_id naive;
};

struct world {
    enum mode mode;
    bool random; /* ACK order: random or round-robin */
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

struct result {
    double ns_per_ack;
    double events_per_ack;  /* timer events run, ACK events excluded */
    double inserts_per_ack; /* timer events inserted, ACK events excluded */
    double expiries_per_ack;
};

static struct result run_mode(enum mode mode, bool random, sim_time_t conn_ack_gap)
{
    struct sched *s = sched_new();
    sim_time_t gap = conn_ack_gap / NCONN;
    uint64_t timed = (uint64_t)(TIMED_PS / gap);
    struct world w = { mode, random, calloc(NCONN, sizeof(struct conn)), gap,
                       (uint64_t)(WARM_PS / gap), 1, 0, 0, 0 };
    if (!s || !w.c)
        abort();
    for (size_t i = 0; i < NCONN; i++) {
        timer_init(&w.c[i].rto, s, on_rto, &w);
        /* base: a pending event per connection, as in the other modes, that never fires;
         * spread like real deadlines, so that the heap compares the same way */
        sim_time_t spread = (sim_time_t)(splitmix64(&w.rng) % RTO_PS);
        timer_arm_in(&w.c[i].rto, mode == BASE ? SIM_TIME_MAX / 4 + spread : RTO_PS);
    }
    sched_in(s, gap, on_ack, &w, NULL);
    sched_run(s);
    struct sched_stats a, b;
    sched_get_stats(s, &a);
    uint64_t exp0 = w.expiries;
    w.left = timed;
    double t0 = bench_wall();
    sched_run(s);
    double t1 = bench_wall();
    sched_get_stats(s, &b);
    struct result r;
    r.ns_per_ack = (t1 - t0) / (double)timed * 1e9;
    r.events_per_ack = (double)(b.executed - a.executed - timed) / (double)timed;
    r.inserts_per_ack = (double)(b.scheduled - a.scheduled - timed) / (double)timed;
    r.expiries_per_ack = (double)(w.expiries - exp0) / (double)timed;
    sched_free(s);
    free(w.c);
    return r;
}

BENCH(timer_rearm)
{
    static const struct { sim_time_t gap; const char *name; } gaps[] = {
        { 10 * PS_PER_MS, "ACK/10ms" }, { 100 * PS_PER_MS, "ACK/100ms" },
    };
    static const struct { enum mode mode; bool random; const char *name; } modes[] = {
        { TIMER, false, "timer, round-robin" },
        { TIMER, true, "timer, random" },
        { NAIVE, true, "naive cancel+schedule, random" },
    };
    char label[96];
    for (size_t g = 0; g < sizeof gaps / sizeof gaps[0]; g++) {
        double base[2];
        for (int random = 0; random < 2; random++) {
            base[random] = run_mode(BASE, random, gaps[g].gap).ns_per_ack;
            snprintf(label, sizeof label, "10^5 conns, %s, %s order: ACK event alone",
                     gaps[g].name, random ? "random" : "round-robin");
            bench_report(label, base[random], "ns/ACK");
        }
        for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
            struct result r = run_mode(modes[i].mode, modes[i].random, gaps[g].gap);
            snprintf(label, sizeof label, "%s, %s: re-arm", gaps[g].name, modes[i].name);
            bench_report(label, r.ns_per_ack - base[modes[i].random], "ns/re-arm");
            snprintf(label, sizeof label, "%s, %s: events run", gaps[g].name, modes[i].name);
            bench_report(label, r.events_per_ack, "per re-arm");
            snprintf(label, sizeof label, "%s, %s: events inserted", gaps[g].name,
                     modes[i].name);
            bench_report(label, r.inserts_per_ack, "per re-arm");
            snprintf(label, sizeof label, "%s, %s: expiries", gaps[g].name, modes[i].name);
            bench_report(label, r.expiries_per_ack, "per re-arm");
        }
    }
}
