/* test_lte.c - the LTE cell: trace replay exact to the opportunity, trace repetition and
 * errors, asymmetric directions, RRC promotion, round-robin and proportional-fair sharing,
 * buffer overflow, and the Markov-modulated rate against its stationary mean.
 *
 * Everything trace- or constant-driven is compared exactly (counts, picoseconds): the
 * model is deterministic there. Tolerances are stated where randomness enters (the Markov
 * source and the random channel qualities of the PF test).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/radio/lte.h"
#include "models/radio/lte_rate.h"
#include "sim/packet.h"
#include "sim/rng.h"
#include "sim/sched.h"
#include "tests/harness.h"

#define TRACE_12 "models/radio/traces/const-12mbps.trace"
#define TRACE_4 "models/radio/traces/const-4mbps.trace"

struct fixture {
    struct sched *s;
    struct pkt_pool *pool;
    struct lte *cell;
};

static void quiet_config(struct lte_config *c, uint64_t phones)
{
    lte_config_default(c);
    c->phones = phones;
    c->promotion_delay = 0;
    c->base_delay = 0;
    c->bs_buffer = 0;
    c->phone_buffer = 0;
}

static void fixture_init(struct fixture *f, const struct lte_config *c, uint64_t seed)
{
    char err[400];
    f->s = sched_new();
    CU_ASSERT_PTR_NOT_NULL_FATAL(f->s);
    CU_ASSERT_EQUAL_FATAL(pkt_pool_new(NULL, &f->pool, err, sizeof err), 0);
    int rc = lte_new(f->s, c, "cell", seed, 0, &f->cell, err, sizeof err);
    if (rc < 0)
        fprintf(stderr, "lte_new: %s\n", err);
    CU_ASSERT_EQUAL_FATAL(rc, 0);
}

static void fixture_fini(struct fixture *f)
{
    lte_free(f->cell);
    pkt_pool_free(f->pool);
    sched_free(f->s);
}

static struct packet *mtu(struct fixture *f, uint32_t bytes)
{
    struct packet *p = pkt_alloc(f->pool, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    pkt_set_virtual(p, bytes);
    return p;
}

/* A sink that counts, remembers delivery times, and optionally puts the packet back
 * (saturation: the phone never runs out of data). */
struct sink {
    struct fixture *f;
    uint32_t phone;
    enum radio_dir dir;
    bool requeue;
    uint64_t got;
    bytes_t bytes;
    uint64_t per_second[16]; /* deliveries in (k s, (k+1) s] */
    sim_time_t first[16];
};

static void sink_deliver(void *ctx, struct packet *p)
{
    struct sink *k = ctx;
    sim_time_t now = sched_now(k->f->s);
    if (k->got < 16)
        k->first[k->got] = now;
    k->got++;
    k->bytes += pkt_wire_len(p);
    size_t sec = (size_t)((now - 1) / PS_PER_S); /* second k is (k s, (k+1) s] */
    if (sec < 16)
        k->per_second[sec]++;
    if (k->requeue)
        lte_enqueue(k->f->cell, k->phone, k->dir, p);
    else
        pkt_free(p);
}

static void sink_attach(struct sink *k, struct fixture *f, uint32_t phone, enum radio_dir dir,
                        bool requeue, int preload)
{
    *k = (struct sink){ .f = f, .phone = phone, .dir = dir, .requeue = requeue };
    lte_set_deliver(f->cell, phone, dir, sink_deliver, k);
    for (int i = 0; i < preload; i++)
        CU_ASSERT_EQUAL(lte_enqueue(f->cell, phone, dir, mtu(f, 1500)), 0);
}

static void test_constant_trace_delivers_exactly_1000_packets_each_second(void)
{
    struct lte_config c;
    quiet_config(&c, 1);
    snprintf(c.down_trace, sizeof c.down_trace, "%s", TRACE_12);
    snprintf(c.up_trace, sizeof c.up_trace, "%s", TRACE_4);
    struct fixture f;
    fixture_init(&f, &c, 1);
    struct sink down, up;
    sink_attach(&down, &f, 0, RADIO_DOWN, true, 3);
    sink_attach(&up, &f, 0, RADIO_UP, true, 3);
    sched_run_until(f.s, time_from_s(10));
    /* 12 Mbit/s trace: one 1500-byte opportunity per millisecond, at 1, 2, ... ms. */
    for (int sec = 0; sec < 10; sec++)
        CU_ASSERT_EQUAL(down.per_second[sec], 1000);
    CU_ASSERT_EQUAL(down.got, 10000);
    CU_ASSERT_EQUAL(down.first[0], time_from_ms(1));
    CU_ASSERT_EQUAL(down.first[1], time_from_ms(2));
    /* The uplink has its own (4 Mbit/s) trace: every 3 ms, so 3333 in 10 s. */
    CU_ASSERT_EQUAL(up.got, 3333);
    CU_ASSERT_EQUAL(up.first[0], time_from_ms(3));
    CU_ASSERT_DOUBLE_EQUAL(lte_mean_rate_bps(f.cell, RADIO_DOWN), 12e6, 1e-3);
    CU_ASSERT_DOUBLE_EQUAL(lte_mean_rate_bps(f.cell, RADIO_UP), 4e6, 1e-3);
    fixture_fini(&f);
}

static const char *write_tmp(const char *name, const char *text)
{
    static char path[4][512];
    static int next;
    char *p = path[next++ % 4];
    snprintf(p, 512, "%s/%s", harness_tmpdir(), name);
    FILE *fp = fopen(p, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
    fputs(text, fp);
    fclose(fp);
    return p;
}

static void test_trace_repeats_with_its_last_timestamp_as_period(void)
{
    struct lte_rate *r = NULL;
    char err[400];
    const char *path = write_tmp("rep.trace", "0\n0\n5\n10\n");
    CU_ASSERT_EQUAL_FATAL(lte_rate_new_trace(path, 1500, &r, err, sizeof err), 0);
    /* Mahimahi: repetition k adds k x 10 ms, so 10 ms appears three times in a row. */
    static const int expect_ms[] = { 0, 0, 5, 10, 10, 10, 15, 20, 20, 20, 25, 30 };
    for (size_t i = 0; i < sizeof expect_ms / sizeof expect_ms[0]; i++) {
        CU_ASSERT_EQUAL(lte_rate_next(r, 0), time_from_ms(expect_ms[i]));
        lte_rate_take(r);
    }
    /* After an idle gap, opportunities before now are lost: at 33 ms the next is 35 ms. */
    CU_ASSERT_EQUAL(lte_rate_next(r, time_from_ms(33)), time_from_ms(35));
    CU_ASSERT_EQUAL(lte_rate_next(r, time_from_ms(33)), time_from_ms(35)); /* not taken */
    CU_ASSERT_EQUAL(lte_rate_next(r, time_from_ms(1000) + 1), time_from_ms(1005));
    CU_ASSERT_DOUBLE_EQUAL(lte_rate_mean_bps(r), 4 * 12000 / 0.010, 1e-6);
    lte_rate_free(r);
}

static void expect_trace_error(const char *name, const char *text, const char *where,
                               const char *what)
{
    struct lte_rate *r = NULL;
    char err[400] = "";
    const char *path = write_tmp(name, text);
    CU_ASSERT_EQUAL(lte_rate_new_trace(path, 1500, &r, err, sizeof err), -1);
    CU_ASSERT_PTR_NULL(r);
    char loc[600];
    snprintf(loc, sizeof loc, "%s%s", path, where);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, loc));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, what));
}

static void test_bad_trace_is_refused_with_file_line_and_expectation(void)
{
    expect_trace_error("t1", "1\n2\nabc\n", ":3:", "whole milliseconds");
    expect_trace_error("t2", "5\n3\n", ":2:", "must not decrease");
    expect_trace_error("t3", "", ": empty trace", "one millisecond timestamp per line");
    expect_trace_error("t4", "0\n0\n", ":2:", "must be positive");
    expect_trace_error("t5", "1\n2 3\n", ":2:", "only a timestamp");
    expect_trace_error("t6", "1\n\n3\n", ":2:", "whole milliseconds");
    expect_trace_error("t7", "99999999999\n", ":1:", "beyond");
    struct lte_rate *r = NULL;
    char err[400] = "";
    CU_ASSERT_EQUAL(lte_rate_new_trace("no/such/file.trace", 1500, &r, err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "no/such/file.trace: cannot open"));
    /* Through the cell, the message also names the parameter. */
    struct lte_config c;
    quiet_config(&c, 1);
    snprintf(c.down_trace, sizeof c.down_trace, "no/such/file.trace");
    struct lte *cell = NULL;
    struct sched *s = sched_new();
    CU_ASSERT_EQUAL(lte_new(s, &c, "cell", 1, 0, &cell, err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "down_trace: no/such/file.trace"));
    sched_free(s);
}

/* ---- RRC promotion ----------------------------------------------------------------- */

struct offer {
    struct fixture *f;
    uint32_t phone;
};

static void offer_one(struct sched *s, void *ctx, void *arg)
{
    struct offer *o = ctx;
    (void)s;
    (void)arg;
    CU_ASSERT_EQUAL(lte_enqueue(o->f->cell, o->phone, RADIO_DOWN, mtu(o->f, 1500)), 0);
}

static void test_promotion_delay_applies_after_idle_and_not_while_connected(void)
{
    struct lte_config c;
    quiet_config(&c, 1);
    c.down_rate = 12000000; /* an opportunity every millisecond, at 1, 2, ... ms */
    c.promotion_delay = time_from_ms(100);
    c.inactivity_timeout = time_from_s(1);
    struct fixture f;
    fixture_init(&f, &c, 1);
    struct sink k;
    sink_attach(&k, &f, 0, RADIO_DOWN, false, 0);
    struct offer o = { &f, 0 };
    sched_at(f.s, time_from_ms(10), offer_one, &o, NULL);  /* idle from the start */
    sched_at(f.s, time_from_ms(600), offer_one, &o, NULL); /* 490 ms after: connected */
    sched_at(f.s, time_from_ms(2700), offer_one, &o, NULL); /* 2.09 s after: idle again */
    sched_run(f.s);
    CU_ASSERT_EQUAL(k.got, 3);
    CU_ASSERT_EQUAL(k.first[0], time_from_ms(110));
    CU_ASSERT_EQUAL(k.first[1], time_from_ms(600));
    CU_ASSERT_EQUAL(k.first[2], time_from_ms(2800));
    CU_ASSERT_EQUAL(lte_promotions(f.cell, 0), 2);
    fixture_fini(&f);
}

static void test_base_delay_is_added_to_every_packet(void)
{
    struct lte_config c;
    quiet_config(&c, 1);
    c.down_rate = 12000000;
    c.base_delay = time_from_ms(20);
    struct fixture f;
    fixture_init(&f, &c, 1);
    struct sink k;
    sink_attach(&k, &f, 0, RADIO_DOWN, false, 3);
    sched_run(f.s);
    CU_ASSERT_EQUAL(k.got, 3);
    CU_ASSERT_EQUAL(k.first[0], time_from_ms(21));
    CU_ASSERT_EQUAL(k.first[2], time_from_ms(23));
    fixture_fini(&f);
}

/* ---- sharing ------------------------------------------------------------------------ */

static void test_round_robin_gives_backlogged_phones_equal_opportunities(void)
{
    struct lte_config c;
    quiet_config(&c, 4);
    c.scheduler = LTE_SCHED_RR;
    c.down_rate = 12000000;
    struct fixture f;
    fixture_init(&f, &c, 1);
    struct sink k[3];
    for (uint32_t i = 0; i < 3; i++) /* phone 3 stays silent */
        sink_attach(&k[i], &f, i, RADIO_DOWN, true, 2);
    sched_run_until(f.s, time_from_ms(3000));
    struct lte_stats st[4];
    for (uint32_t i = 0; i < 4; i++)
        lte_get_stats(f.cell, i, RADIO_DOWN, &st[i]);
    CU_ASSERT_EQUAL(st[0].opportunities, 1000);
    CU_ASSERT_EQUAL(st[1].opportunities, 1000);
    CU_ASSERT_EQUAL(st[2].opportunities, 1000);
    CU_ASSERT_EQUAL(st[3].opportunities, 0);
    fixture_fini(&f);
}

/* Independent channel fading: every millisecond, half-way between opportunities, each
 * phone's quality is 1 or 0.25 with probability 1/2, from a test stream. */
struct fading {
    struct fixture *f;
    struct rng *r;
    uint32_t phones;
};

static void fade(struct sched *s, void *ctx, void *arg)
{
    struct fading *fd = ctx;
    (void)arg;
    for (uint32_t i = 0; i < fd->phones; i++)
        lte_set_quality(fd->f->cell, i, RADIO_DOWN, rng_bernoulli(fd->r, 0.5) ? 1.0 : 0.25);
    sched_in(s, time_from_ms(1), fade, fd, NULL);
}

static void fading_run(int scheduler, bytes_t *total, uint64_t opp[2])
{
    struct lte_config c;
    quiet_config(&c, 2);
    c.scheduler = scheduler;
    c.down_rate = 12000000;
    c.pf_window = 100;
    struct fixture f;
    fixture_init(&f, &c, 1);
    struct fading fd = { &f, rng_new(9, 0, "test/fading"), 2 };
    CU_ASSERT_PTR_NOT_NULL_FATAL(fd.r);
    sched_at(f.s, time_from_us(500), fade, &fd, NULL);
    struct sink k[2];
    for (uint32_t i = 0; i < 2; i++)
        sink_attach(&k[i], &f, i, RADIO_DOWN, true, 2);
    sched_run_until(f.s, time_from_s(10));
    *total = k[0].bytes + k[1].bytes;
    for (uint32_t i = 0; i < 2; i++) {
        struct lte_stats st;
        lte_get_stats(f.cell, i, RADIO_DOWN, &st);
        opp[i] = st.opportunities;
    }
    rng_free(fd.r);
    fixture_fini(&f);
}

/* What PF favours: the phone whose channel is at a peak relative to its own average. With
 * two phones fading independently (quality 1 or 0.25, 1/2 each, per opportunity), round
 * robin serves whoever is next, averaging 0.625 x 1500 B per opportunity; PF serves a phone
 * at quality 1 whenever one is (3/4 of the time) while keeping the opportunity shares
 * equal, so it moves close to (3/4 + 1/4 x 1/4) x 1500 B = 1.3 x RR. Checked: PF's total
 * exceeds RR's by at least 20 % (10000 opportunities: the binomial noise on these
 * fractions is below 1 %), and each phone's PF share of opportunities is within 45-55 %. */
static void test_proportional_fair_serves_channel_peaks_and_keeps_shares_equal(void)
{
    bytes_t rr, pf;
    uint64_t opp_rr[2], opp_pf[2];
    fading_run(LTE_SCHED_RR, &rr, opp_rr);
    fading_run(LTE_SCHED_PF, &pf, opp_pf);
    if (getenv("MCPSIM_VERBOSE"))
        printf("\n  fading: RR %llu B, PF %llu B (x%.3f), PF shares %llu/%llu\n", (unsigned long long)rr,
               (unsigned long long)pf, (double)pf / (double)rr, (unsigned long long)opp_pf[0],
               (unsigned long long)opp_pf[1]);
    CU_ASSERT((double)pf > 1.2 * (double)rr);
    double share = (double)opp_pf[0] / (double)(opp_pf[0] + opp_pf[1]);
    CU_ASSERT(share > 0.45 && share < 0.55);
    CU_ASSERT(opp_rr[0] == opp_rr[1] || opp_rr[0] == opp_rr[1] + 1 || opp_rr[1] == opp_rr[0] + 1);
}

static void test_full_base_station_buffer_drops_and_counts(void)
{
    struct lte_config c;
    quiet_config(&c, 1);
    c.bs_buffer = 15000; /* ten 1500-byte packets */
    struct fixture f;
    fixture_init(&f, &c, 1);
    struct sink k;
    sink_attach(&k, &f, 0, RADIO_DOWN, false, 0);
    int refused = 0;
    for (int i = 0; i < 15; i++)
        refused += lte_enqueue(f.cell, 0, RADIO_DOWN, mtu(&f, 1500)) < 0;
    sched_run(f.s);
    struct lte_stats st;
    lte_get_stats(f.cell, 0, RADIO_DOWN, &st);
    CU_ASSERT_EQUAL(refused, 5);
    CU_ASSERT_EQUAL(st.queue_drops, 5);
    CU_ASSERT_EQUAL(k.got, 10);
    fixture_fini(&f);
}

/* ---- Markov-modulated rate ---------------------------------------------------------- */

/* States 30 Mbit/s (mean 20 ms), 6 Mbit/s (10 ms), 0 (5 ms): the stationary mean is
 * (30 x 20 + 6 x 10 + 0 x 5) / 35 = 18.857 Mbit/s. Tolerance: the rate's stationary
 * standard deviation is about 13 Mbit/s and its correlation time about one sojourn
 * (~15 ms), so the time average over T = 100 s has a standard error near
 * 13 x sqrt(2 x 0.015 / 100) = 0.23 Mbit/s, 1.2 %; 4 % is over 3 standard errors. */
static void test_markov_rate_mean_matches_stationary_average(void)
{
    struct lte_config c;
    quiet_config(&c, 1);
    snprintf(c.down_markov, sizeof c.down_markov, "30Mbps/20ms,6Mbps/10ms,0bps/5ms");
    struct fixture f;
    fixture_init(&f, &c, 5);
    double expect = (30e6 * 20 + 6e6 * 10) / 35;
    CU_ASSERT_DOUBLE_EQUAL(lte_mean_rate_bps(f.cell, RADIO_DOWN), expect, 1e-3);
    struct sink k;
    sink_attach(&k, &f, 0, RADIO_DOWN, true, 3);
    double seconds = 100;
    sched_run_until(f.s, time_from_sec_f(seconds));
    double measured = (double)k.bytes * 8 / seconds;
    if (getenv("MCPSIM_VERBOSE"))
        printf("\n  markov: measured %.4g bit/s, stationary mean %.4g bit/s\n", measured, expect);
    CU_ASSERT(fabs(measured - expect) / expect < 0.04);
    fixture_fini(&f);
}

static void test_bad_markov_spec_names_the_state(void)
{
    struct lte_rate *r = NULL;
    char err[400] = "";
    CU_ASSERT_EQUAL(lte_rate_new_markov("20Mbps", 1500, NULL, &r, err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "state 1"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "RATE/MEAN_SOJOURN"));
    CU_ASSERT_EQUAL(lte_rate_new_markov("20Mbps/1s,5Mbit/1s", 1500, NULL, &r, err, sizeof err),
                    -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "state 2"));
    CU_ASSERT_EQUAL(lte_rate_new_markov("0bps/1s", 1500, NULL, &r, err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "positive rate"));
    CU_ASSERT_EQUAL(lte_rate_new_markov("1Mbps/0s", 1500, NULL, &r, err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "must be positive"));
}

SUITE(lte, NULL, NULL,
      TEST(test_constant_trace_delivers_exactly_1000_packets_each_second),
      TEST(test_trace_repeats_with_its_last_timestamp_as_period),
      TEST(test_bad_trace_is_refused_with_file_line_and_expectation),
      TEST(test_promotion_delay_applies_after_idle_and_not_while_connected),
      TEST(test_base_delay_is_added_to_every_packet),
      TEST(test_round_robin_gives_backlogged_phones_equal_opportunities),
      TEST(test_proportional_fair_serves_channel_peaks_and_keeps_shares_equal),
      TEST(test_full_base_station_buffer_drops_and_counts),
      TEST(test_markov_rate_mean_matches_stationary_average),
      TEST(test_bad_markov_spec_names_the_state))
