/* test_wifi.c - the 802.11 DCF model against Bianchi's saturation throughput, plus exact
 * airtime, queue limits, the retry limit, same-slot collisions and determinism.
 *
 * Validation. G. Bianchi, "Performance analysis of the IEEE 802.11 distributed coordination
 * function", IEEE JSAC 18(3), 2000: with n saturated stations, each transmits in a slot with
 * probability tau and a transmission collides with probability p, the fixed point of
 *     tau = 2 / (1 + W + p W sum_{i=0}^{m-1} (2p)^i)      (eq. 7, rewritten without the
 *     p   = 1 - (1 - tau)^(n-1)                             removable 0/0 at p = 1/2)
 * solved here with GSL's Brent root finder, and the normalised throughput is
 *     S = Ps Ptr E[P] / ((1 - Ptr) sigma + Ptr Ps Ts + Ptr (1 - Ps) Tc)        (eq. 13)
 * with Ptr = 1 - (1-tau)^n, Ps = n tau (1-tau)^(n-1) / Ptr and, for basic access,
 *     Ts = H + E[P] + SIFS + delta + ACK + DIFS + delta,  Tc = H + E[P] + DIFS + delta.
 * Bianchi's assumptions are matched by the model's settings: parameters of his Table II
 * (FHSS: 1 Mbit/s, slot 50 us, SIFS 28 us, DIFS 128 us, delta 1 us, PHY header 128 bits,
 * MAC header 272 bits, ACK 112 bits + PHY header, payload 8184 bits, W = 32, m = 5, so
 * CWmin 31 and CWmax 1023), no retry limit (his chain has no discard), deferral DIFS after a
 * collision (his Tc has no EIFS or ACK timeout), every station always backlogged (each
 * delivered packet goes back into its station's queue), no losses, the AP silent.
 *
 * Why 5 %: Bianchi reports his model within about 1-2 % of simulation; the model's own
 * approximation (constant, independent collision probability) is the main gap, worst for
 * few stations. The simulation's statistical error over 200 s (>= 20000 successful frames)
 * is about 0.5 %. 5 % (the requirement) thus leaves room for the model's own
 * approximation while a DCF error of the size that matters (CW not doubling changes S at
 * n = 50 by far more) still fails. The measured differences are within 1.1 %; the table
 * is printed with MCPSIM_VERBOSE=1 and copied in docs/models-radio.md.
 */
#include <gsl/gsl_errno.h>
#include <gsl/gsl_roots.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/radio/wifi.h"
#include "sim/packet.h"
#include "sim/rng.h"
#include "sim/sched.h"
#include "tests/harness.h"

/* ---- Bianchi's model -------------------------------------------------------------- */

struct bianchi {
    double n, W, m;
};

static double bianchi_tau(const struct bianchi *b, double p)
{
    double sum = 0, term = 1;
    for (int i = 0; i < (int)b->m; i++, term *= 2 * p)
        sum += term;
    return 2.0 / (1.0 + b->W + p * b->W * sum);
}

static double bianchi_gap(double p, void *arg)
{
    const struct bianchi *b = arg;
    return p - (1.0 - pow(1.0 - bianchi_tau(b, p), b->n - 1));
}

/* tau for n stations, from the fixed point in p (GSL Brent). */
static double bianchi_solve_tau(double n, double W, double m)
{
    struct bianchi b = { n, W, m };
    if (n < 2)
        return bianchi_tau(&b, 0);
    gsl_function f = { bianchi_gap, &b };
    gsl_root_fsolver *s = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
    gsl_root_fsolver_set(s, &f, 1e-12, 1 - 1e-12);
    double p = 0;
    for (int it = 0; it < 200; it++) {
        gsl_root_fsolver_iterate(s);
        p = gsl_root_fsolver_root(s);
        if (gsl_root_test_interval(gsl_root_fsolver_x_lower(s), gsl_root_fsolver_x_upper(s),
                                   0, 1e-14) == GSL_SUCCESS)
            break;
    }
    gsl_root_fsolver_free(s);
    return bianchi_tau(&b, p);
}

/* Bianchi's basic-access throughput, as a fraction of the channel rate, with the Table II
 * figures in microseconds (1 bit = 1 us at 1 Mbit/s). */
static double bianchi_throughput(int n)
{
    const double sigma = 50, sifs = 28, difs = 128, delta = 1;
    const double H = 128 + 272, P = 8184, ACK = 112 + 128;
    double tau = bianchi_solve_tau(n, 32, 5);
    double ptr = 1 - pow(1 - tau, n);
    double ps = n * tau * pow(1 - tau, n - 1) / ptr;
    double ts = H + P + sifs + delta + ACK + difs + delta;
    double tc = H + P + difs + delta;
    return ps * ptr * P / ((1 - ptr) * sigma + ptr * ps * ts + ptr * (1 - ps) * tc);
}

/* ---- simulation helpers ----------------------------------------------------------- */

struct loop {
    struct wifi *w;
    uint32_t sta;
};

/* Saturation: every delivered packet goes straight back into its station's queue. */
static void requeue(void *ctx, struct packet *p)
{
    struct loop *l = ctx;
    wifi_enqueue(l->w, l->sta, RADIO_UP, p);
}

/* One WiFi cell with its scheduler and packet pool: every test's set-up and tear-down. */
struct rig {
    struct sched *s;
    struct pkt_pool *pool;
    struct wifi *w;
};

static void rig_open(struct rig *r, const struct wifi_config *c, const char *name, uint64_t seed)
{
    char err[200];
    r->s = sched_new();
    r->pool = NULL;
    r->w = NULL;
    CU_ASSERT_EQUAL_FATAL(pkt_pool_new(NULL, &r->pool, err, sizeof err), 0);
    CU_ASSERT_EQUAL_FATAL(wifi_new(r->s, c, name, seed, 0, &r->w, err, sizeof err), 0);
}

static void rig_close(struct rig *r)
{
    wifi_free(r->w);
    pkt_pool_free(r->pool);
    sched_free(r->s);
}

static struct packet *payload(struct pkt_pool *pool, uint32_t bytes)
{
    struct packet *p = pkt_alloc(pool, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    pkt_set_virtual(p, bytes);
    return p;
}

static void bianchi_config(struct wifi_config *c, uint64_t n)
{
    wifi_config_default(c);
    c->stations = n;
    c->slot = time_from_us(50);
    c->sifs = time_from_us(28);
    c->difs = time_from_us(128);
    c->prop_delay = time_from_us(1);
    c->cw_min = 31;
    c->cw_max = 1023;
    c->retry_limit = 0;
    c->data_rate = 1000000;
    c->basic_rate = 1000000;
    c->plcp_time = time_from_us(128);
    c->mac_overhead = 34; /* 272 bits */
    c->ack_bytes = 14;    /* 112 bits */
    c->after_failure = WIFI_AFTER_FAILURE_DIFS;
    c->loss = 0;
}

/* Simulated saturation throughput (payload bits / channel rate) of n stations. */
static double simulate_saturation(uint64_t n, sim_time_t duration, uint64_t seed)
{
    struct wifi_config c;
    bianchi_config(&c, n);
    struct rig r;
    rig_open(&r, &c, "wifi0", seed);
    struct loop *loops = calloc(n, sizeof *loops);
    CU_ASSERT_PTR_NOT_NULL_FATAL(loops);
    for (uint32_t i = 0; i < n; i++) {
        loops[i] = (struct loop){ r.w, i };
        wifi_set_deliver(r.w, i, RADIO_UP, requeue, &loops[i]);
        for (int k = 0; k < 2; k++)
            CU_ASSERT_EQUAL(wifi_enqueue(r.w, i, RADIO_UP, payload(r.pool, 1023)), 0);
    }
    sched_run_until(r.s, duration);
    bytes_t bytes = 0;
    for (uint32_t i = 0; i < n; i++) {
        struct wifi_stats st;
        wifi_get_stats(r.w, i, RADIO_UP, &st);
        bytes += st.delivered_bytes;
        CU_ASSERT_EQUAL(st.retry_drops + st.queue_drops + st.outage_drops, 0);
    }
    free(loops);
    rig_close(&r);
    return (double)bytes * 8 / (time_to_sec(duration) * 1e6);
}

static void test_saturation_throughput_within_5_percent_of_bianchi(void)
{
    static const int counts[] = { 1, 5, 10, 20, 50 };
    bool verbose = getenv("MCPSIM_VERBOSE") != NULL;
    if (verbose)
        printf("\n  n   simulated  Bianchi  difference\n");
    for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++) {
        double model = bianchi_throughput(counts[i]);
        double sim = simulate_saturation((uint64_t)counts[i], time_from_s(200), 1);
        double rel = (sim - model) / model;
        if (verbose)
            printf("  %-3d %.4f     %.4f   %+.2f %%\n", counts[i], sim, model, 100 * rel);
        CU_ASSERT(fabs(rel) < 0.05);
    }
}

/* A sanity anchor for the solver itself: with one station p = 0, tau = 2/(W+1), and S is
 * one payload per (mean backoff of W-1)/2 slots + Ts, computed here by hand. */
static void test_bianchi_solver_matches_hand_computation_for_one_station(void)
{
    double by_hand = 8184.0 / (15.5 * 50 + (400 + 8184 + 28 + 1 + 240 + 128 + 1));
    CU_ASSERT_DOUBLE_EQUAL(bianchi_throughput(1), by_hand, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(bianchi_solve_tau(1, 32, 5), 2.0 / 33, 1e-15);
    /* Bianchi's Fig. 4 region: with W = 32, m = 5 and 10 stations p is about 0.2. */
    double tau = bianchi_solve_tau(10, 32, 5);
    double p = 1 - pow(1 - tau, 9);
    CU_ASSERT(p > 0.15 && p < 0.3);
}

/* ---- exact behaviour on a quiet channel ------------------------------------------- */

struct timed {
    struct sched *s;
    sim_time_t at[8];
    int n;
};

static void stamp(void *ctx, struct packet *p)
{
    struct timed *t = ctx;
    if (t->n < 8)
        t->at[t->n] = sched_now(t->s);
    t->n++;
    pkt_free(p);
}

static void test_lone_frame_on_idle_channel_arrives_after_its_exact_airtime(void)
{
    struct wifi_config c;
    wifi_config_default(&c);
    struct rig r;
    rig_open(&r, &c, "w", 1);
    struct timed t = { .s = r.s };
    wifi_set_deliver(r.w, 0, RADIO_UP, stamp, &t);
    CU_ASSERT_EQUAL(wifi_enqueue(r.w, 0, RADIO_UP, payload(r.pool, 1000)), 0);
    sched_run(r.s);
    /* 20 us PLCP + (36 + 1000) B at 54 Mbit/s = 8288 bits / 54e6 = 153.481481.. us, rounded
     * up to the picosecond, + 1 us propagation; no backoff (idle for DIFS at t = 0). */
    CU_ASSERT_EQUAL(t.n, 1);
    CU_ASSERT_EQUAL(t.at[0], time_from_us(21) + 153481482);
    CU_ASSERT_EQUAL(wifi_data_time(&c, 1000), time_from_us(20) + 153481482);
    /* ACK: 20 us + 112 bits at 24 Mbit/s = 4.666667 us. */
    CU_ASSERT_EQUAL(wifi_ack_time(&c), time_from_us(20) + 4666667);
    rig_close(&r);
}

static void test_full_queue_drops_arrivals_and_counts_them(void)
{
    struct wifi_config c;
    wifi_config_default(&c);
    c.queue_packets = 3;
    struct rig r;
    rig_open(&r, &c, "w", 1);
    struct timed t = { .s = r.s };
    wifi_set_deliver(r.w, 0, RADIO_DOWN, stamp, &t);
    int refused = 0;
    for (int i = 0; i < 5; i++)
        refused += wifi_enqueue(r.w, 0, RADIO_DOWN, payload(r.pool, 1500)) < 0;
    sched_run(r.s);
    struct wifi_stats st;
    wifi_get_stats(r.w, 0, RADIO_DOWN, &st);
    CU_ASSERT_EQUAL(refused, 2);
    CU_ASSERT_EQUAL(st.queue_drops, 2);
    CU_ASSERT_EQUAL(st.delivered_packets, 3);
    CU_ASSERT_EQUAL(t.n, 3);
    /* Back-to-back frames of one sender are separated by a post-backoff: strictly later. */
    CU_ASSERT(t.at[0] < t.at[1] && t.at[1] < t.at[2]);
    rig_close(&r);
}

static void test_frame_dropped_after_retry_limit_failed_attempts(void)
{
    struct wifi_config c;
    wifi_config_default(&c);
    c.loss = 1;
    c.retry_limit = 7;
    struct rig r;
    rig_open(&r, &c, "w", 1);
    for (int i = 0; i < 4; i++)
        CU_ASSERT_EQUAL(wifi_enqueue(r.w, 0, RADIO_UP, payload(r.pool, 500)), 0);
    sched_run(r.s);
    struct wifi_stats st;
    wifi_get_stats(r.w, 0, RADIO_UP, &st);
    CU_ASSERT_EQUAL(st.attempts, 28);
    CU_ASSERT_EQUAL(st.failures, 28);
    CU_ASSERT_EQUAL(st.retry_drops, 4);
    CU_ASSERT_EQUAL(st.delivered_packets, 0);
    /* Without collisions the channel counts the failed rounds but no collision. */
    struct wifi_channel_stats ch;
    wifi_get_channel_stats(r.w, &ch);
    CU_ASSERT_EQUAL(ch.rounds, 28);
    CU_ASSERT_EQUAL(ch.collisions, 0);
    rig_close(&r);
}

static void test_two_stations_starting_in_the_same_slot_collide_then_both_deliver(void)
{
    struct wifi_config c;
    wifi_config_default(&c);
    c.stations = 2;
    struct rig r;
    rig_open(&r, &c, "w", 7);
    struct timed t = { .s = r.s };
    wifi_set_deliver(r.w, 0, RADIO_UP, stamp, &t);
    wifi_set_deliver(r.w, 1, RADIO_UP, stamp, &t);
    CU_ASSERT_EQUAL(wifi_enqueue(r.w, 0, RADIO_UP, payload(r.pool, 1000)), 0);
    CU_ASSERT_EQUAL(wifi_enqueue(r.w, 1, RADIO_UP, payload(r.pool, 1000)), 0);
    sched_run(r.s);
    struct wifi_channel_stats ch;
    wifi_get_channel_stats(r.w, &ch);
    struct wifi_stats a, b;
    wifi_get_stats(r.w, 0, RADIO_UP, &a);
    wifi_get_stats(r.w, 1, RADIO_UP, &b);
    /* Both used immediate access at t = 0: the first round is a collision. */
    CU_ASSERT(ch.collisions >= 1);
    CU_ASSERT(a.failures >= 1 && b.failures >= 1);
    CU_ASSERT_EQUAL(ch.collisions, a.failures); /* every failure here is a collision */
    CU_ASSERT_EQUAL(a.failures, b.failures);
    CU_ASSERT_EQUAL(t.n, 2);
    /* The first delivery follows the collision (data time + DIFS-or-EIFS deferral). */
    CU_ASSERT(t.at[0] > 2 * wifi_data_time(&c, 1000));
    rig_close(&r);
}

struct late {
    struct wifi *w;
    struct pkt_pool *pool;
};

static void offer_station_1(struct sched *s, void *ctx, void *arg)
{
    struct late *l = ctx;
    (void)s;
    (void)arg;
    CU_ASSERT_EQUAL(wifi_enqueue(l->w, 1, RADIO_UP, payload(l->pool, 1000)), 0);
}

/* Frozen backoff, checked exactly. The model's draws are predicted from its documented
 * stream ("w/backoff" of seed, run 0): station 0 sends at t = 0 (idle medium, immediate
 * access) and draws d0 for its second frame; station 1 gets a frame at 10 us, while the
 * medium is busy, and draws d1. Both count from cs1 (end of the first exchange + DIFS);
 * the smaller counter wins after min(d0, d1) slots; the loser's counter, frozen during the
 * winner's exchange, has |d0 - d1| slots left from cs2 (end of the second exchange + DIFS).
 * Restarting instead of freezing would put the third frame elsewhere. */
static void test_backoff_counter_freezes_while_medium_is_busy(void)
{
    struct wifi_config c;
    wifi_config_default(&c);
    c.stations = 2;
    struct rig r;
    rig_open(&r, &c, "w", 2);
    struct rng *twin = rng_new(2, 0, "w/backoff");
    CU_ASSERT_PTR_NOT_NULL_FATAL(twin);
    int64_t d0 = rng_uniform_int(twin, (uint32_t)c.cw_min + 1);
    int64_t d1 = rng_uniform_int(twin, (uint32_t)c.cw_min + 1);
    CU_ASSERT_NOT_EQUAL_FATAL(d0, d1); /* seed 2 chosen so that no collision intervenes */
    struct timed t = { .s = r.s };
    wifi_set_deliver(r.w, 0, RADIO_UP, stamp, &t);
    wifi_set_deliver(r.w, 1, RADIO_UP, stamp, &t);
    CU_ASSERT_EQUAL(wifi_enqueue(r.w, 0, RADIO_UP, payload(r.pool, 1000)), 0);
    CU_ASSERT_EQUAL(wifi_enqueue(r.w, 0, RADIO_UP, payload(r.pool, 1000)), 0);
    struct late l = { r.w, r.pool };
    sched_at(r.s, time_from_us(10), offer_station_1, &l, NULL);
    sched_run(r.s);
    sim_time_t data = wifi_data_time(&c, 1000), air = data + c.prop_delay;
    sim_time_t exchange = air + c.sifs + wifi_ack_time(&c) + c.prop_delay + c.difs;
    int64_t lo = d0 < d1 ? d0 : d1, gap = d0 < d1 ? d1 - d0 : d0 - d1;
    sim_time_t cs1 = exchange;
    sim_time_t cs2 = cs1 + lo * c.slot + exchange;
    CU_ASSERT_EQUAL(t.n, 3);
    CU_ASSERT_EQUAL(t.at[0], air);
    CU_ASSERT_EQUAL(t.at[1], cs1 + lo * c.slot + air);
    CU_ASSERT_EQUAL(t.at[2], cs2 + gap * c.slot + air);
    rng_free(twin);
    rig_close(&r);
}

static void test_same_seed_reproduces_and_other_seed_differs(void)
{
    double a = simulate_saturation(10, time_from_s(5), 3);
    double b = simulate_saturation(10, time_from_s(5), 3);
    double d = simulate_saturation(10, time_from_s(5), 4);
    CU_ASSERT_EQUAL(a, b);
    CU_ASSERT(a != d);
}

static void test_inconsistent_config_is_refused_with_the_parameter_named(void)
{
    struct wifi_config c;
    wifi_config_default(&c);
    c.cw_max = 7;
    char err[200] = "";
    CU_ASSERT_EQUAL(wifi_config_check(&c, err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "cw_max"));
    wifi_config_default(&c);
    c.stations = 0;
    CU_ASSERT_EQUAL(wifi_config_check(&c, err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "stations"));
}

SUITE(wifi, NULL, NULL,
      TEST(test_bianchi_solver_matches_hand_computation_for_one_station),
      TEST(test_saturation_throughput_within_5_percent_of_bianchi),
      TEST(test_lone_frame_on_idle_channel_arrives_after_its_exact_airtime),
      TEST(test_full_queue_drops_arrivals_and_counts_them),
      TEST(test_frame_dropped_after_retry_limit_failed_attempts),
      TEST(test_two_stations_starting_in_the_same_slot_collide_then_both_deliver),
      TEST(test_backoff_counter_freezes_while_medium_is_busy),
      TEST(test_same_seed_reproduces_and_other_seed_differs),
      TEST(test_inconsistent_config_is_refused_with_the_parameter_named))
