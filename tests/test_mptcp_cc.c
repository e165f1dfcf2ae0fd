/* test_mptcp_cc.c - MPTCP coupled congestion control (models/mptcp/mptcp_cc.h): LIA, OLIA and
 * BALIA driven directly through their tcp_cong ops, the way a subflow's TCP calls them
 * (cong_avoid then pkts_acked per ACK; ssthresh, the window set by the connection, then
 * cwnd_event on a loss). Expected values are worked out by hand from the formulas of
 * protocol.md section 5 in segments, then converted to bytes, so that the implementation's
 * byte form is checked against an independent derivation.
 *
 * Fractional window changes are kept in an accumulator and applied in whole bytes truncated
 * towards zero; after one ACK on a fresh accumulator the window has therefore moved by
 * trunc(exact change) bytes, which is what the single-ACK tests assert (exact, no tolerance).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "models/mptcp/mptcp_cc.h"
#include "tests/harness.h"

#define MSS 1448u

static const char *const coupled_names[] = { "lia", "olia", "balia" };

static void cc_setup(struct tcp_cc *cc, const char *name, uint32_t cwnd, uint32_t ssthresh,
                     sim_time_t srtt)
{
    *cc = (struct tcp_cc){ .ops = tcp_cong_find(name), .mss = MSS, .cwnd = cwnd,
                           .ssthresh = ssthresh, .srtt = srtt };
    CU_ASSERT_PTR_NOT_NULL_FATAL(cc->ops);
    cc->ops->init(cc);
}

/* An ACK of new data outside recovery, window-limited. */
static void ack(struct tcp_cc *cc, uint32_t bytes)
{
    cc->in_flight = cc->cwnd;
    cc->ops->cong_avoid(cc, bytes);
    if (cc->ops->pkts_acked)
        cc->ops->pkts_acked(cc, bytes, -1);
}

static void event(struct tcp_cc *cc, enum tcp_ca_event ev)
{
    if (cc->ops->cwnd_event)
        cc->ops->cwnd_event(cc, ev);
}

/* Fast retransmit without SACK (RFC 5681 3.2: cwnd = ssthresh + 3 MSS), then the full ACK
 * that ends recovery (RFC 6582: cwnd = ssthresh when the flight is that large). */
static void fast_retransmit(struct tcp_cc *cc)
{
    cc->in_flight = cc->cwnd;
    cc->ssthresh = cc->ops->ssthresh(cc);
    cc->cwnd = cc->ssthresh + 3 * cc->mss;
    event(cc, TCP_CA_EVENT_RECOVERY);
    cc->cwnd = cc->ssthresh;
    event(cc, TCP_CA_EVENT_RECOVERY_END);
}

static void timeout(struct tcp_cc *cc)
{
    cc->in_flight = cc->cwnd;
    cc->ssthresh = cc->ops->ssthresh(cc);
    cc->cwnd = cc->mss;
    event(cc, TCP_CA_EVENT_LOSS);
}

/* Step k of a scripted run: ACKs of mixed sizes (full, partial, stretch), a fast retransmit
 * every 97 steps and a timeout every 331, so slow start, avoidance and both losses recur. */
static void script_step(struct tcp_cc *cc, int k)
{
    static const uint32_t sizes[] = { MSS, MSS, 700, 2 * MSS, 100, 3 * MSS, MSS };
    if (k % 331 == 330)
        timeout(cc);
    else if (k % 97 == 96)
        fast_retransmit(cc);
    else
        ack(cc, sizes[k % (int)(sizeof sizes / sizeof sizes[0])]);
}

#define SCRIPT_STEPS 3000

/* Runs the script on cc and on a Reno twin started in the same state; returns the number of
 * steps after which their cwnd or ssthresh differed (0 = identical byte for byte). */
static int diverging_steps(struct tcp_cc *cc, int steps)
{
    struct tcp_cc reno;
    cc_setup(&reno, "reno", cc->cwnd, cc->ssthresh, cc->srtt);
    int bad = 0;
    for (int k = 0; k < steps; k++) {
        script_step(cc, k);
        script_step(&reno, k);
        if (cc->cwnd != reno.cwnd || cc->ssthresh != reno.ssthresh)
            bad++;
    }
    return bad;
}

/* A coupled algorithm without a group, alone in its group, with partners that have no RTT
 * sample yet (left out of the sums), or without a sample itself must be NewReno exactly: same cwnd and ssthresh in
 * bytes after every one of 3000 scripted events. No tolerance: the same integer rules run. */
static void test_single_subflow_grows_exactly_like_reno(void)
{
    for (size_t a = 0; a < 3; a++) {
        struct tcp_cc cc, other;
        cc_setup(&cc, coupled_names[a], 10 * MSS, 20 * MSS, time_from_ms(40));
        CU_ASSERT_EQUAL(diverging_steps(&cc, SCRIPT_STEPS), 0);

        struct mptcp_cc_group g;
        mptcp_cc_group_init(&g);
        cc_setup(&cc, coupled_names[a], 10 * MSS, 20 * MSS, time_from_ms(40));
        CU_ASSERT_EQUAL(mptcp_cc_group_add(&g, &cc), 0);
        CU_ASSERT_EQUAL(diverging_steps(&cc, SCRIPT_STEPS), 0);

        cc_setup(&other, coupled_names[a], 30 * MSS, 2 * MSS, 0); /* no RTT sample */
        CU_ASSERT_EQUAL(mptcp_cc_group_add(&g, &other), 0);
        CU_ASSERT_EQUAL(diverging_steps(&cc, SCRIPT_STEPS), 0);
        /* The script did reach avoidance and both kinds of loss (the test is not vacuous). */
        CU_ASSERT(cc.ssthresh < 20 * MSS);

        /* And the other way round: the ACKed subflow itself has no RTT sample yet. */
        struct mptcp_cc_group h;
        struct tcp_cc fresh, timed;
        mptcp_cc_group_init(&h);
        cc_setup(&fresh, coupled_names[a], 10 * MSS, 20 * MSS, 0);
        cc_setup(&timed, coupled_names[a], 30 * MSS, 2 * MSS, time_from_ms(40));
        CU_ASSERT_EQUAL(mptcp_cc_group_add(&h, &fresh), 0);
        CU_ASSERT_EQUAL(mptcp_cc_group_add(&h, &timed), 0);
        CU_ASSERT_EQUAL(diverging_steps(&fresh, SCRIPT_STEPS), 0);
    }
}

/* RFC 6356 with two subflows of equal RTT and window w: alpha = 2w (w/rtt^2) / (2w/rtt)^2
 * = 1/2, so each ACKed segment adds alpha/cwnd_total = 1/(4w) segment: a subflow gains MSS/4
 * per window of its own ACKs and the pair MSS/2 per RTT, where two uncoupled Renos would
 * gain 2 MSS. (Half a segment per RTT is what makes the pair as aggressive as one TCP: a
 * loss halves only one subflow, i.e. a quarter of the aggregate, and 1/2 increase against
 * W/4 decrease has the same equilibrium as 1 against W/2.) The windows grow by about
 * MSS/4 = 1.25 % during the RTT, so the per-ACK gain MSS^2 max(w)/(sum w)^2 lies between
 * its values at the bounds computed below (w0 and w0 + D, D = 400 bytes covering the
 * growth); one byte more is allowed below for the truncation of the accumulator. */
static void test_lia_two_equal_subflows_add_half_a_segment_per_rtt(void)
{
    const uint32_t w0 = 20 * MSS;
    struct tcp_cc a, b, reno;
    cc_setup(&a, "lia", w0, 2 * MSS, time_from_ms(50));
    cc_setup(&b, "lia", w0, 2 * MSS, time_from_ms(50));
    cc_setup(&reno, "reno", w0, 2 * MSS, time_from_ms(50));
    struct mptcp_cc_group g;
    mptcp_cc_group_init(&g);
    CU_ASSERT_EQUAL(mptcp_cc_group_add(&g, &a), 0);
    CU_ASSERT_EQUAL(mptcp_cc_group_add(&g, &b), 0);
    struct mptcp_cc_path p[MPTCP_CC_MAX_SUBFLOWS];
    size_t self;
    CU_ASSERT_EQUAL_FATAL(mptcp_cc_paths(&a, p, &self), 2);
    CU_ASSERT_EQUAL(self, 0);
    CU_ASSERT_DOUBLE_EQUAL(mptcp_lia_alpha(p, 2), 0.5, 1e-12);
    for (uint32_t i = 0; i < w0 / MSS; i++) {
        ack(&a, MSS);
        ack(&b, MSS);
        ack(&reno, MSS);
    }
    const double segs = w0 / MSS, d = 400;
    double lo = segs * MSS * MSS * w0 / (4.0 * (w0 + d) * (w0 + d)) - 1;
    double hi = segs * MSS * MSS * (w0 + d) / (4.0 * w0 * w0);
    double da = a.cwnd - w0, db = b.cwnd - w0;
    CU_ASSERT(da >= lo && da <= hi);
    CU_ASSERT(db >= lo && db <= hi);
    CU_ASSERT(da + db >= 2 * lo && da + db <= 2 * hi); /* ~ MSS/2 per RTT in total */
    CU_ASSERT(fabs(da + db - MSS / 2.0) < 0.03 * MSS);
    CU_ASSERT_EQUAL(reno.cwnd, w0 + MSS); /* uncoupled: a whole MSS each */
}

/* A fresh pair of LIA subflows in one group. */
static void lia_pair(struct mptcp_cc_group *g, struct tcp_cc *a, struct tcp_cc *b, uint32_t w1,
                     sim_time_t r1, uint32_t w2, sim_time_t r2)
{
    mptcp_cc_group_init(g);
    cc_setup(a, "lia", w1, 2 * MSS, r1);
    cc_setup(b, "lia", w2, 2 * MSS, r2);
    CU_ASSERT_EQUAL(mptcp_cc_group_add(g, a), 0);
    CU_ASSERT_EQUAL(mptcp_cc_group_add(g, b), 0);
}

/* Hand example: w1 = 10 segments at 10 ms, w2 = 40 segments at 100 ms. RFC 6356 section 3:
 * max(w/rtt^2) = 10/0.01^2 = 1e5 (path 1), sum w/rtt = 1000 + 400 = 1400, so
 * alpha = 50 * 1e5 / 1400^2 = 2.55102..., alpha/cwnd_total = 0.0510204 per segment. On path
 * 1 that is below 1/w1 = 0.1 (the coupled term applies): 4 ACKed segments add
 * 4 * 1448 * 0.0510204 = 295.5 bytes. On path 2 it is above 1/w2 = 0.025, so the Reno cap
 * applies: 4 * 1448 / 40 = 144.8 bytes. Windows in bytes give the same alpha (it is
 * dimensionless). */
static void test_lia_alpha_matches_rfc6356_and_both_branches_of_the_min(void)
{
    struct mptcp_cc_group g;
    struct tcp_cc a, b;
    lia_pair(&g, &a, &b, 10 * MSS, time_from_ms(10), 40 * MSS, time_from_ms(100));
    struct mptcp_cc_path p[MPTCP_CC_MAX_SUBFLOWS];
    size_t self;
    CU_ASSERT_EQUAL_FATAL(mptcp_cc_paths(&b, p, &self), 2);
    CU_ASSERT_EQUAL(self, 1);
    CU_ASSERT_DOUBLE_EQUAL(p[1].w, 40.0 * MSS, 0);
    CU_ASSERT_DOUBLE_EQUAL(p[1].rtt, 0.1, 1e-15);
    const double alpha = 50.0 * 1e5 / (1400.0 * 1400.0);
    CU_ASSERT_DOUBLE_EQUAL(mptcp_lia_alpha(p, 2), alpha, 1e-12);
    struct mptcp_cc_path seg[2] = { { 10, 0.01, 0 }, { 40, 0.1, 0 } };
    CU_ASSERT_DOUBLE_EQUAL(mptcp_lia_alpha(seg, 2), alpha, 1e-12);

    ack(&a, 4 * MSS);
    CU_ASSERT_EQUAL(a.cwnd, 10 * MSS + (uint32_t)(4.0 * MSS * alpha / 50.0)); /* 295 */
    lia_pair(&g, &a, &b, 10 * MSS, time_from_ms(10), 40 * MSS, time_from_ms(100));
    ack(&b, 4 * MSS);
    CU_ASSERT_EQUAL(b.cwnd, 40 * MSS + 4 * MSS / 40); /* 144: acked * MSS / cwnd_2 */

    /* Over a grid of windows and RTTs the increase never exceeds the uncoupled one
     * acked * MSS / cwnd_i, and both branches of the min() occur. */
    static const uint32_t wins[] = { 2, 5, 10, 40, 120 };
    static const int rtts[] = { 5, 20, 80, 300 };
    int capped = 0, coupled = 0, over = 0;
    for (size_t i = 0; i < 5; i++)
        for (size_t j = 0; j < 5; j++)
            for (size_t r = 0; r < 4; r++)
                for (size_t s = 0; s < 4; s++) {
                    lia_pair(&g, &a, &b, wins[i] * MSS, time_from_ms(rtts[r]),
                             wins[j] * MSS, time_from_ms(rtts[s]));
                    uint32_t w = a.cwnd;
                    ack(&a, 2 * MSS);
                    uint32_t reno_inc = 2 * MSS / wins[i];
                    if (a.cwnd - w > reno_inc)
                        over++;
                    else if (a.cwnd - w == reno_inc)
                        capped++;
                    else
                        coupled++;
                }
    CU_ASSERT_EQUAL(over, 0);
    CU_ASSERT(capped > 0 && coupled > 0);
}

/* OLIA's sets from protocol.md 5.2, on hand examples given directly as paths (windows and
 * l in segments/bytes, RTT in seconds; only ratios matter). */
static void test_olia_alpha_from_best_and_max_window_sets(void)
{
    double al[3];
    /* M = {1, 3} (30 segments), B = {2} (l/rtt^2: 4e7, 1.6e8, 1e7): B\M = {2}, |P| = 3. */
    struct mptcp_cc_path ex1[3] = { { 30, 0.05, 1e5 }, { 10, 0.05, 4e5 }, { 30, 0.1, 1e5 } };
    mptcp_olia_alpha(ex1, 3, al);
    CU_ASSERT_DOUBLE_EQUAL(al[0], -1.0 / 6, 1e-15); /* -1/(|P| |M|) */
    CU_ASSERT_DOUBLE_EQUAL(al[1], 1.0 / 3, 1e-15);  /* +1/(|P| |B\M|) */
    CU_ASSERT_DOUBLE_EQUAL(al[2], -1.0 / 6, 1e-15);
    /* The best path also has the largest window: B\M empty, every alpha 0. */
    struct mptcp_cc_path ex2[3] = { { 30, 0.05, 1e6 }, { 10, 0.05, 4e5 }, { 20, 0.1, 1e5 } };
    mptcp_olia_alpha(ex2, 3, al);
    CU_ASSERT(al[0] == 0 && al[1] == 0 && al[2] == 0);
    /* Two best paths, neither largest: M = {1}, B\M = {2, 3}. */
    struct mptcp_cc_path ex3[3] = { { 30, 0.05, 1e5 }, { 10, 0.05, 4e5 }, { 20, 0.05, 4e5 } };
    mptcp_olia_alpha(ex3, 3, al);
    CU_ASSERT_DOUBLE_EQUAL(al[0], -1.0 / 3, 1e-15);
    CU_ASSERT_DOUBLE_EQUAL(al[1], 1.0 / 6, 1e-15);
    CU_ASSERT_DOUBLE_EQUAL(al[2], 1.0 / 6, 1e-15);
    /* The alphas move window between paths: they sum to zero. */
    CU_ASSERT_DOUBLE_EQUAL(al[0] + al[1] + al[2], 0, 1e-15);
}

/* Example 1 above on live OLIA subflows: l_r comes from the ACKs counted by pkts_acked and
 * a loss event, as TCP would report them. */
static void olia_three(struct mptcp_cc_group *g, struct tcp_cc cc[3])
{
    static const uint32_t w[3] = { 30, 10, 30 };
    static const int rtt[3] = { 50, 50, 100 };
    static const uint32_t l[3] = { 100000, 400000, 100000 };
    mptcp_cc_group_init(g);
    for (int i = 0; i < 3; i++) {
        cc_setup(&cc[i], "olia", w[i] * MSS, 2 * MSS, time_from_ms(rtt[i]));
        cc[i].ops->pkts_acked(&cc[i], l[i], -1);
        event(&cc[i], TCP_CA_EVENT_RECOVERY);
        event(&cc[i], TCP_CA_EVENT_RECOVERY_END);
        cc[i].cwnd = w[i] * MSS;
        cc[i].ssthresh = cc[i].cwnd; /* to see it follow a decrease */
        CU_ASSERT_EQUAL(mptcp_cc_group_add(g, &cc[i]), 0);
    }
}

/* Per ACKed segment (protocol.md 5.2, w in segments): sum w/rtt = 600 + 200 + 300 = 1100,
 *   path 1: (30/0.05^2)/1100^2 - (1/6)/30 = 0.0099174 - 0.0055556 = +0.0043618
 *   path 2: (10/0.05^2)/1100^2 + (1/3)/10 = 0.0033058 + 0.0333333 = +0.0366391
 *   path 3: (30/0.1^2)/1100^2  - (1/6)/30 = 0.0024793 - 0.0055556 = -0.0030762
 * An ACK of 10 segments changes the window by 10 * that many segments, i.e. bytes =
 * 10 * 1448 * value: +63.16, +530.54, -44.54, truncated towards zero. Path 3 is among the
 * largest but not the best and shrinks; ssthresh follows it so that it stays in avoidance. */
static void test_olia_increments_for_a_hand_example(void)
{
    struct mptcp_cc_group g;
    struct tcp_cc cc[3];
    const double per_seg[3] = { 12000.0 / 1.21e6 - 1.0 / 180, 4000.0 / 1.21e6 + 1.0 / 30,
                                3000.0 / 1.21e6 - 1.0 / 180 };
    const uint32_t w[3] = { 30 * MSS, 10 * MSS, 30 * MSS };
    olia_three(&g, cc);
    struct mptcp_cc_path p[MPTCP_CC_MAX_SUBFLOWS];
    size_t self;
    CU_ASSERT_EQUAL_FATAL(mptcp_cc_paths(&cc[2], p, &self), 3);
    CU_ASSERT_DOUBLE_EQUAL(p[1].l, 400000, 0);
    double al[3];
    mptcp_olia_alpha(p, 3, al);
    CU_ASSERT(al[0] < 0 && al[1] > 0 && al[2] < 0);
    for (int i = 0; i < 3; i++) {
        olia_three(&g, cc);
        ack(&cc[i], 10 * MSS);
        int32_t expect = (int32_t)(10.0 * MSS * per_seg[i]);
        CU_ASSERT_EQUAL((int32_t)(cc[i].cwnd - w[i]), expect);
    }
    CU_ASSERT_EQUAL((int32_t)(cc[2].cwnd - w[2]), -44);
    CU_ASSERT_EQUAL(cc[2].ssthresh, cc[2].cwnd);
}

/* l_r counts bytes acknowledged (pkts_acked) and rolls over at each loss (fast retransmit
 * or timeout): max(interval between the last two losses, bytes since the last). A second
 * timeout with nothing acknowledged in between keeps the interval rather than recording an
 * empty one (Linux: mptcp_olia_set_state). */
static void test_olia_loss_distance_tracking(void)
{
    struct mptcp_cc_group g;
    struct tcp_cc a, b;
    mptcp_cc_group_init(&g);
    cc_setup(&a, "olia", 10 * MSS, 2 * MSS, time_from_ms(10));
    cc_setup(&b, "olia", 10 * MSS, 2 * MSS, time_from_ms(10));
    CU_ASSERT_EQUAL(mptcp_cc_group_add(&g, &a), 0);
    CU_ASSERT_EQUAL(mptcp_cc_group_add(&g, &b), 0);
    struct mptcp_cc_path p[MPTCP_CC_MAX_SUBFLOWS];
    size_t self;
    a.ops->pkts_acked(&a, 5000, -1);
    mptcp_cc_paths(&a, p, &self);
    CU_ASSERT_DOUBLE_EQUAL(p[0].l, 5000, 0); /* no loss yet: bytes since the start */
    fast_retransmit(&a);
    a.ops->pkts_acked(&a, 3000, -1);
    mptcp_cc_paths(&a, p, &self);
    CU_ASSERT_DOUBLE_EQUAL(p[0].l, 5000, 0);
    a.ops->pkts_acked(&a, 5000, -1);
    mptcp_cc_paths(&a, p, &self);
    CU_ASSERT_DOUBLE_EQUAL(p[0].l, 8000, 0);
    timeout(&a);
    mptcp_cc_paths(&a, p, &self);
    CU_ASSERT_DOUBLE_EQUAL(p[0].l, 8000, 0); /* the interval just closed */
    timeout(&a);
    mptcp_cc_paths(&a, p, &self);
    CU_ASSERT_DOUBLE_EQUAL(p[0].l, 8000, 0); /* kept: nothing acknowledged since */
    a.ops->pkts_acked(&a, 100, -1);
    timeout(&a);
    mptcp_cc_paths(&a, p, &self);
    CU_ASSERT_DOUBLE_EQUAL(p[0].l, 100, 0); /* only the last two losses count */
    CU_ASSERT_DOUBLE_EQUAL(p[1].l, 0, 0);
}

/* During fast recovery a member's cwnd is inflated by the duplicate ACKs; the sums use
 * min(cwnd, ssthresh) instead, as Linux's OLIA does, so that recovery on one path does not
 * look like a larger window to its siblings. */
static void test_window_in_recovery_counts_as_ssthresh(void)
{
    struct mptcp_cc_group g;
    struct tcp_cc cc[3];
    olia_three(&g, cc);
    cc[0].ssthresh = 30 * MSS;
    cc[0].cwnd = 33 * MSS;
    event(&cc[0], TCP_CA_EVENT_RECOVERY);
    struct mptcp_cc_path p[MPTCP_CC_MAX_SUBFLOWS];
    size_t self;
    CU_ASSERT_EQUAL_FATAL(mptcp_cc_paths(&cc[1], p, &self), 3);
    CU_ASSERT_DOUBLE_EQUAL(p[0].w, 30.0 * MSS, 0);
    event(&cc[0], TCP_CA_EVENT_RECOVERY_END);
    mptcp_cc_paths(&cc[1], p, &self);
    CU_ASSERT_DOUBLE_EQUAL(p[0].w, 33.0 * MSS, 0);
}

/* BALIA hand example: w1 = w2 = 20 segments, rtt 20 ms and 80 ms: x = 1000 and 250
 * segments/s, alpha_1 = 1, alpha_2 = 4, sum x = 1250. Per ACKed segment (protocol.md 5.3):
 *   path 1: (1000/0.02)/1250^2 * (2/2)(5/5) = 0.032
 *   path 2: (250/0.08)/1250^2  * (5/2)(8/5) = 0.008
 * so 10 segments add 463.36 and 115.84 bytes. On a loss with FlightSize 20 segments:
 * path 1 keeps 20 - 10 * min(1, 1.5) = 10 segments (Reno's half), path 2
 * 20 - 10 * min(4, 1.5) = 5. With w2 = 16 segments at 20 ms, alpha_2 = 1.25 (below the cap):
 * 16 - 8 * 1.25 = 6 segments. A tiny flight is floored at 2 MSS. */
static void balia_pair(struct mptcp_cc_group *g, struct tcp_cc *a, struct tcp_cc *b, uint32_t w2,
                       int rtt2_ms)
{
    mptcp_cc_group_init(g);
    cc_setup(a, "balia", 20 * MSS, 2 * MSS, time_from_ms(20));
    cc_setup(b, "balia", w2, 2 * MSS, time_from_ms(rtt2_ms));
    CU_ASSERT_EQUAL(mptcp_cc_group_add(g, a), 0);
    CU_ASSERT_EQUAL(mptcp_cc_group_add(g, b), 0);
}

static void test_balia_increase_and_decrease_for_a_hand_example(void)
{
    struct mptcp_cc_group g;
    struct tcp_cc a, b;
    balia_pair(&g, &a, &b, 20 * MSS, 80);
    struct mptcp_cc_path p[MPTCP_CC_MAX_SUBFLOWS];
    size_t self;
    CU_ASSERT_EQUAL_FATAL(mptcp_cc_paths(&a, p, &self), 2);
    CU_ASSERT_DOUBLE_EQUAL(mptcp_balia_alpha(p, 2, 0), 1.0, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(mptcp_balia_alpha(p, 2, 1), 4.0, 1e-12);
    ack(&a, 10 * MSS);
    CU_ASSERT_EQUAL(a.cwnd, 20 * MSS + 463);
    balia_pair(&g, &a, &b, 20 * MSS, 80);
    ack(&b, 10 * MSS);
    CU_ASSERT_EQUAL(b.cwnd, 20 * MSS + 115);

    balia_pair(&g, &a, &b, 20 * MSS, 80);
    a.in_flight = b.in_flight = 20 * MSS;
    CU_ASSERT_EQUAL(a.ops->ssthresh(&a), 10 * MSS);
    CU_ASSERT_EQUAL(b.ops->ssthresh(&b), 5 * MSS);
    balia_pair(&g, &a, &b, 16 * MSS, 20);
    b.in_flight = 16 * MSS;
    CU_ASSERT_EQUAL(b.ops->ssthresh(&b), 6 * MSS);
    balia_pair(&g, &a, &b, 4 * MSS, 80);
    b.in_flight = 4 * MSS; /* alpha 20: 4 - 2 * 1.5 = 1 segment, below the floor */
    CU_ASSERT_EQUAL(b.ops->ssthresh(&b), 2 * MSS);
}

/* Acknowledges exactly one window (cwnd bytes at the start, in 1-MSS ACKs and a last
 * partial one) and returns the change in bytes: one MSS for Reno whatever its counter;
 * OLIA may shrink. */
static int32_t one_window(struct tcp_cc *cc)
{
    uint32_t w = cc->cwnd;
    for (uint32_t done = 0; done < w; done += MSS)
        ack(cc, w - done < MSS ? w - done : MSS);
    return (int32_t)(cc->cwnd - w);
}

/* A subflow closes while the connection runs: the one left must be Reno again byte for byte
 * (same 3000-step script as above against a Reno twin from the same state), and so must the
 * one removed; re-adding couples them again. Checked for all three algorithms. */
static void test_remaining_subflow_reverts_to_reno_after_a_remove(void)
{
    for (size_t k = 0; k < 3; k++) {
        struct mptcp_cc_group g;
        struct tcp_cc a, b;
        mptcp_cc_group_init(&g);
        cc_setup(&a, coupled_names[k], 20 * MSS, 2 * MSS, time_from_ms(30));
        cc_setup(&b, coupled_names[k], 20 * MSS, 2 * MSS, time_from_ms(30));
        CU_ASSERT_EQUAL(mptcp_cc_group_add(&g, &a), 0);
        for (int i = 0; i < 5; i++)
            ack(&a, 700); /* alone: Reno's byte counter holds 3500 bytes, no increase yet */
        CU_ASSERT_EQUAL(a.cwnd, 20 * MSS);
        CU_ASSERT_EQUAL(mptcp_cc_group_add(&g, &b), 0);
        for (int i = 0; i < 200; i++) {
            ack(&a, MSS);
            ack(&b, MSS);
        }
        /* Coupled: well under the 1 MSS per window an uncoupled Reno adds. */
        CU_ASSERT(one_window(&a) < (int32_t)MSS / 2);
        mptcp_cc_group_remove(&g, &b);
        CU_ASSERT_EQUAL(g.n, 1);
        CU_ASSERT_EQUAL(g.member[0], &a);
        mptcp_cc_group_remove(&g, &b); /* not a member any more: no-op */
        CU_ASSERT_EQUAL(g.n, 1);
        struct tcp_cc b2 = b; /* b is uncoupled now, so a copy of it may run too */
        CU_ASSERT_EQUAL(diverging_steps(&a, SCRIPT_STEPS), 0);
        CU_ASSERT_EQUAL(diverging_steps(&b2, SCRIPT_STEPS), 0);
        a.ssthresh = 2 * MSS;
        CU_ASSERT_EQUAL(one_window(&a), (int32_t)MSS);
        a.cwnd = b.cwnd;
        a.ssthresh = 2 * MSS;
        CU_ASSERT_EQUAL(mptcp_cc_group_add(&g, &b), 0);
        CU_ASSERT(one_window(&a) < (int32_t)MSS / 2); /* OLIA: -5 B, as b is the best path */
    }
}

/* Membership rules: only coupled ops, one algorithm per group, at most 8, no double entry;
 * a member whose algorithm was changed under the group (tcp_sock_set_cc re-initializes the
 * private state) drops out of the sums and its new state is left alone by remove. */
static void test_group_membership_rules(void)
{
    struct mptcp_cc_group g, h;
    struct tcp_cc cc[MPTCP_CC_MAX_SUBFLOWS + 1], reno, olia;
    mptcp_cc_group_init(&g);
    mptcp_cc_group_init(&h);
    CU_ASSERT(mptcp_cc_is_coupled(tcp_cong_find("lia")));
    CU_ASSERT(mptcp_cc_is_coupled(tcp_cong_find("olia")));
    CU_ASSERT(mptcp_cc_is_coupled(tcp_cong_find("balia")));
    CU_ASSERT(!mptcp_cc_is_coupled(tcp_cong_find("reno")));
    CU_ASSERT(!mptcp_cc_is_coupled(tcp_cong_find("cubic")));
    CU_ASSERT(!mptcp_cc_is_coupled(NULL));
    cc_setup(&reno, "reno", 10 * MSS, 2 * MSS, time_from_ms(10));
    CU_ASSERT_EQUAL(mptcp_cc_group_add(&g, &reno), MPTCP_CC_ERR_NOT_COUPLED);
    for (int i = 0; i <= MPTCP_CC_MAX_SUBFLOWS; i++) {
        cc_setup(&cc[i], "lia", 10 * MSS, 2 * MSS, time_from_ms(10 + i));
        int rc = mptcp_cc_group_add(&g, &cc[i]);
        CU_ASSERT_EQUAL(rc, i < MPTCP_CC_MAX_SUBFLOWS ? 0 : MPTCP_CC_ERR_FULL);
    }
    CU_ASSERT_EQUAL(mptcp_cc_group_add(&g, &cc[0]), MPTCP_CC_ERR_MEMBER);
    CU_ASSERT_EQUAL(mptcp_cc_group_add(&h, &cc[0]), MPTCP_CC_ERR_MEMBER);
    cc_setup(&olia, "olia", 10 * MSS, 2 * MSS, time_from_ms(10));
    mptcp_cc_group_remove(&g, &cc[7]);
    CU_ASSERT_EQUAL(mptcp_cc_group_add(&g, &olia), MPTCP_CC_ERR_MIXED);
    struct mptcp_cc_path p[MPTCP_CC_MAX_SUBFLOWS];
    size_t self;
    CU_ASSERT_EQUAL(mptcp_cc_paths(&cc[0], p, &self), 7);
    /* cc[1] switched to reno as tcp_sock_set_cc does (priv cleared, new init). */
    cc[1].ops = tcp_cong_find("reno");
    memset(cc[1].priv, 0xA5, sizeof cc[1].priv);
    CU_ASSERT_EQUAL(mptcp_cc_paths(&cc[0], p, &self), 6);
    mptcp_cc_group_remove(&g, &cc[1]);
    CU_ASSERT_EQUAL(cc[1].priv[0], 0xA5);
    CU_ASSERT_EQUAL(g.n, 6);
    for (int i = 0; i < 8; i++)
        mptcp_cc_group_remove(&g, &cc[i]);
    CU_ASSERT_EQUAL(g.n, 0);
    CU_ASSERT_EQUAL(mptcp_cc_group_add(&h, &cc[0]), 0); /* free to join another group */
}

/* ---- a synthetic two-path equilibrium ---------------------------------------------- */

/* Each path has a fixed RTT and drops every N-th packet (loss rate exactly 1/N, no
 * randomness); ACKs arrive evenly spaced, cwnd/MSS per RTT, and the path whose next ACK is
 * earliest goes first, so the subflows see each other's windows as they evolve. A drop is a
 * fast retransmit (ssthresh from the algorithm, cwnd = ssthresh). Returns each path's
 * throughput in packets per second after a warm-up of a quarter of the run. */
struct synth_path {
    int rtt_ms;
    long every;
};

#define SYNTH_SECONDS 400.0

static void synth_run(const char *name, bool coupled, size_t n, const struct synth_path *path,
                      double *pps)
{
    struct tcp_cc cc[2];
    struct mptcp_cc_group g;
    double next[2] = { 0, 0 };
    long sent[2] = { 0, 0 }, counted[2] = { 0, 0 };
    mptcp_cc_group_init(&g);
    for (size_t i = 0; i < n; i++) {
        cc_setup(&cc[i], name, 10 * MSS, 64 * MSS, time_from_ms(path[i].rtt_ms));
        if (coupled)
            CU_ASSERT_EQUAL(mptcp_cc_group_add(&g, &cc[i]), 0);
    }
    const double warm = SYNTH_SECONDS / 4;
    for (;;) {
        size_t i = n == 2 && next[1] < next[0] ? 1 : 0;
        if (next[i] > SYNTH_SECONDS)
            break;
        if (next[i] > warm)
            counted[i]++;
        if (++sent[i] % path[i].every == 0)
            fast_retransmit(&cc[i]);
        else
            ack(&cc[i], MSS);
        next[i] += path[i].rtt_ms / 1000.0 / ((double)cc[i].cwnd / MSS);
    }
    for (size_t i = 0; i < n; i++)
        pps[i] = (double)counted[i] / (SYNTH_SECONDS - warm);
}

/* RFC 6356 section 2: a multipath flow should get at least what one TCP gets on its best
 * path (goal 1) and take no more on any path than one TCP there (goal 2); together: its
 * total equals the best path's TCP. "One TCP" is measured with Reno in the same synthetic
 * model, so the sawtooth constants cancel. LIA's alpha makes this exact in the fluid
 * model (section 3 derivation); here alpha is computed from instantaneous, out-of-phase
 * sawtooth windows rather than their means, which the derivation ignores, so equality is
 * asserted within 7 % (measured: 0.975-1.04 for LIA, 0.94-1.03 for OLIA and BALIA over
 * these and three other path pairs, 400 to 2000 simulated seconds). Goal 2 is asserted
 * strictly per path. Uncoupled Reno subflows take 1.25 to 2 times the best TCP in these
 * cases, far outside the band, so the test tells coupling from its absence. OLIA, unlike
 * LIA, sends almost nothing on the worse path (Khalili et al.'s non-Pareto-optimality of
 * LIA): its share there is asserted below half of LIA's (measured about 1/15 and 1/5). */
static void test_coupled_pair_takes_what_one_tcp_gets_on_the_best_path(void)
{
    static const struct synth_path cases[3][2] = {
        { { 50, 1000 }, { 50, 1000 } }, /* identical paths */
        { { 20, 1000 }, { 80, 1000 } }, /* same loss, 4x the RTT */
        { { 50, 500 }, { 50, 2000 } },  /* same RTT, 4x the loss */
    };
    for (size_t c = 0; c < 3; c++) {
        const struct synth_path *p = cases[c];
        double t0, t1, unc[2];
        synth_run("reno", false, 1, &p[0], &t0);
        synth_run("reno", false, 1, &p[1], &t1);
        double best = t0 > t1 ? t0 : t1;
        size_t worse = t0 > t1 ? 1 : 0;
        synth_run("reno", false, 2, p, unc);
        CU_ASSERT(unc[0] + unc[1] > 1.2 * best);
        double lia_worse = 0;
        for (size_t a = 0; a < 3; a++) {
            double x[2];
            synth_run(coupled_names[a], true, 2, p, x);
            double share = (x[0] + x[1]) / best;
            CU_ASSERT(share > 0.93 && share < 1.07);
            CU_ASSERT(x[0] <= t0 && x[1] <= t1);
            if (a == 0)
                lia_worse = x[worse];
            else if (a == 1 && c > 0)
                CU_ASSERT(x[worse] < 0.5 * lia_worse);
            if (share <= 0.93 || share >= 1.07)
                printf("\n  %s case %zu: %.3f of the best path's TCP\n", coupled_names[a], c,
                       share);
        }
    }
}

SUITE(mptcp_cc, NULL, NULL,
      TEST(test_single_subflow_grows_exactly_like_reno),
      TEST(test_lia_two_equal_subflows_add_half_a_segment_per_rtt),
      TEST(test_lia_alpha_matches_rfc6356_and_both_branches_of_the_min),
      TEST(test_olia_alpha_from_best_and_max_window_sets),
      TEST(test_olia_increments_for_a_hand_example),
      TEST(test_olia_loss_distance_tracking),
      TEST(test_window_in_recovery_counts_as_ssthresh),
      TEST(test_balia_increase_and_decrease_for_a_hand_example),
      TEST(test_remaining_subflow_reverts_to_reno_after_a_remove),
      TEST(test_group_membership_rules),
      TEST(test_coupled_pair_takes_what_one_tcp_gets_on_the_best_path))
