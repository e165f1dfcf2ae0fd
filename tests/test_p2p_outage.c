/* test_p2p_outage.c - p2p link outages: what is lost when the link goes down (queued, being
 * serialized, propagating, offered while down), the listeners' events at the scheduled
 * times, and the random on/off process against its alternating-renewal theory. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "tests/harness.h"
#include "tests/net_testutil.h"

struct state_log {
    sim_time_t at[16];
    bool up[16];
    struct net_if *ifc[16];
    size_t n;
    struct sched *s;
};

static void on_state(void *ctx, struct net_if *ifc, bool up)
{
    struct state_log *l = ctx;
    if (l->n < 16) {
        l->at[l->n] = sched_now(l->s);
        l->up[l->n] = up;
        l->ifc[l->n] = ifc;
    }
    l->n++;
}

struct send_at {
    struct world *w;
    size_t wire;
};

static void send_now(struct sched *s, void *ctx, void *arg)
{
    struct send_at *x = ctx;
    (void)s;
    (void)arg;
    CU_ASSERT_EQUAL(nt_send_udp(x->w, "a", "b", x->wire), 0);
}

#define US 1000000ll

static void test_outage_loses_queued_serializing_propagating_and_offered_packets(void)
{
    /* 8 Mbit/s, 1000-byte packets take 1 ms; delay 2 ms; down from 100 ms to 200 ms.
     *   90 ms       sent, arrives at 93 ms                       delivered
     *   98.5 ms     serialized until 99.5, propagating at 100    down_lost
     *   99.5 ms     being serialized at 100                      down_lost
     *   99.6 ms x3  waiting behind it                            down_flushed
     *   150 ms x2   offered while down                           down_drops
     *   200.5 ms    after the link is back, arrives at 203.5 ms  delivered
     * Every listener hears "down" at 100 ms and "up" at 200 ms, a's interface first. */
    struct nt_rec rec;
    CU_ASSERT_EQUAL_FATAL(nt_rec_begin(&rec, "outage"), 0);
    struct world *w = nt_world("name: o\nduration: 1s\nnodes:\n  - name: a\n  - name: b\n"
                               "links:\n  - name: l\n    a: a\n    b: b\n    rate: 8Mbps\n"
                               "    delay: 2ms\n    outage: 100ms-200ms\n",
                               1, 0, time_from_s(1), rec.rr);
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    struct sched *s = world_ctx(w)->sched;
    struct nt_arrivals *rx = nt_listen(w, "b");
    CU_ASSERT_PTR_NOT_NULL_FATAL(rx);
    struct state_log log = { .s = s };
    struct net_if *ia = nt_link_if(w, "l", 0), *ib = nt_link_if(w, "l", 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ia);
    ia->on_state = ib->on_state = on_state;
    ia->on_state_ctx = ib->on_state_ctx = &log;
    struct send_at x = { w, 1000 };
    const sim_time_t when[] = { 90000 * US / 1000, 98500 * US / 1000, 99500 * US / 1000,
                                99600 * US / 1000, 99600 * US / 1000, 99600 * US / 1000,
                                150 * US,          150 * US,          200500 * US / 1000 };
    for (size_t i = 0; i < sizeof when / sizeof when[0]; i++)
        sched_at(s, when[i] * 1000, send_now, &x, NULL);
    world_run(w, NULL, NULL);
    CU_ASSERT_EQUAL_FATAL(rx->n, 2);
    CU_ASSERT_EQUAL(rx->at[0], 93 * US * 1000);
    CU_ASSERT_EQUAL(rx->at[1], 203500 * US);
    CU_ASSERT_EQUAL_FATAL(log.n, 4);
    const sim_time_t t_down = 100 * US * 1000, t_up = 200 * US * 1000;
    CU_ASSERT(log.at[0] == t_down && !log.up[0] && log.ifc[0] == ia);
    CU_ASSERT(log.at[1] == t_down && !log.up[1] && log.ifc[1] == ib);
    CU_ASSERT(log.at[2] == t_up && log.up[2] && log.ifc[2] == ia);
    CU_ASSERT(log.at[3] == t_up && log.up[3] && log.ifc[3] == ib);
    nt_rec_end(&rec, time_from_s(1));
    world_free(w);
    CU_ASSERT_DOUBLE_EQUAL(nt_scalar(&rec, "l.a", "down_lost"), 2, 0);
    CU_ASSERT_DOUBLE_EQUAL(nt_scalar(&rec, "l.a", "down_flushed"), 3, 0);
    CU_ASSERT_DOUBLE_EQUAL(nt_scalar(&rec, "l.a", "down_drops"), 2, 0);
    CU_ASSERT_DOUBLE_EQUAL(nt_scalar(&rec, "l.a", "queue_drops"), 0, 0);
    CU_ASSERT_DOUBLE_EQUAL(nt_scalar(&rec, "l", "outages"), 1, 0);
    CU_ASSERT_DOUBLE_EQUAL(nt_scalar(&rec, "l", "down_time"), 0.1, 1e-12);
    /* Busy time: 4 whole packets (90, 98.5, 200.5 ms, and 99.5 cut at 0.5 ms) = 3.5 ms. */
    CU_ASSERT_DOUBLE_EQUAL(nt_scalar(&rec, "l.a", "utilization"), 3.5e-3, 1e-12);
    nt_rec_close(&rec);
}

static void test_outage_schedule_errors_name_the_parameter(void)
{
    const char *bad[] = { "2s-1s", "1s-2s, 1.5s-3s", "1s", "1-2s", "1s-2s,,3s-4s" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char yaml[512];
        snprintf(yaml, sizeof yaml, "name: o\nduration: 1s\nnodes:\n  - name: a\n"
                 "  - name: b\nlinks:\n  - name: l\n    a: a\n    b: b\n    outage: \"%s\"\n",
                 bad[i]);
        struct world *w = nt_world(yaml, 1, 0, time_from_s(1), NULL);
        CU_ASSERT_PTR_NULL(w);
        if (w)
            world_free(w);
    }
    struct world *w = nt_world("name: o\nduration: 1s\nnodes:\n  - name: a\n  - name: b\n"
                               "links:\n  - name: l\n    a: a\n    b: b\n"
                               "    outage_up_mean: 1s\n", 1, 0, time_from_s(1), NULL);
    CU_ASSERT_PTR_NULL(w);
}

static void test_random_outages_match_the_alternating_renewal_process(void)
{
    /* Exponential up and down times of mean a = 3 s and b = 1 s over T = 4000 s: about
     * T / (a + b) = 1000 outages, down a fraction b / (a + b) = 1/4 of the time. Standard
     * deviations: the outage count of a renewal process with cycle mean a + b and variance
     * a^2 + b^2, sqrt(T (a^2 + b^2) / (a + b)^3) = 22.4; the down fraction (delta method on
     * the ratio of sums) sqrt((a^2 b^2 + b^2 a^2) / n) / (a + b)^2 = 0.0084. Asserted
     * within 4 of them (fixed seed: deterministic). Each transition reaches both
     * listeners. */
    const double a = 3, b = 1, T = 4000;
    struct nt_rec rec;
    CU_ASSERT_EQUAL_FATAL(nt_rec_begin(&rec, "random"), 0);
    struct world *w = nt_world("name: o\nduration: 1s\nnodes:\n  - name: a\n  - name: b\n"
                               "links:\n  - name: l\n    a: a\n    b: b\n"
                               "    outage_up_mean: 3s\n    outage_down_mean: 1s\n",
                               9, 0, time_from_s(4000), rec.rr);
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    struct state_log log = { .s = world_ctx(w)->sched };
    struct net_if *ia = nt_link_if(w, "l", 0);
    ia->on_state = on_state;
    ia->on_state_ctx = &log;
    world_run(w, NULL, NULL);
    nt_rec_end(&rec, time_from_s(4000));
    world_free(w);
    double outages = nt_scalar(&rec, "l", "outages");
    double frac = nt_scalar(&rec, "l", "down_time") / T;
    double n = T / (a + b);
    double sd_count = sqrt(T * (a * a + b * b) / pow(a + b, 3));
    double sd_frac = sqrt(2 * a * a * b * b / n) / pow(a + b, 2);
    printf("\n  random outages: %.0f (theory %.0f), down %.4f (theory %.4f)", outages, n, frac,
           b / (a + b));
    CU_ASSERT(fabs(outages - n) <= 4 * sd_count);
    CU_ASSERT(fabs(frac - b / (a + b)) <= 4 * sd_frac);
    /* Down then up per outage, but the last may still be down at the end. */
    CU_ASSERT(log.n == 2 * (size_t)outages || log.n == 2 * (size_t)outages - 1);
    nt_rec_close(&rec);
}

SUITE(p2p_outage, NULL, NULL,
      TEST(test_outage_loses_queued_serializing_propagating_and_offered_packets),
      TEST(test_outage_schedule_errors_name_the_parameter),
      TEST(test_random_outages_match_the_alternating_renewal_process))
