/* test_mptcp_goals.c - RFC 6356's goals for mcpsim's MPTCP, on shortened runs of the
 * validation scenarios (scenarios/validation/mptcp-*.yaml, the ones compared with htsim in
 * docs/performance.md, "MPTCP against htsim"):
 *
 *   goal 2 (do no harm)   two-path-shared: coupled LIA, OLIA, BALIA take about one TCP share
 *                         of a bottleneck next to one TCP; one uncoupled Reno or CUBIC per
 *                         subflow takes about two;
 *   goal 1 (improve)      two-path: at least what one TCP gets on the better path
 *                         (mptcp-two-path-tcp.yaml), and both links full;
 *   goal 3 (balance)      the NSDI 2011 triangle: traffic moves onto the one-hop paths
 *                         (per connection well above the even split's 8 Mbit/s); the torus:
 *                         the thin link's loss rate stays within 2x of the others'.
 *
 * The scenarios are deterministic: a seed only changes keys and ISNs, never a packet's
 * timing (checked: seeds 1-4 give identical goodputs). The spread that sets each tolerance
 * was measured on phase instead: start offsets and run lengths (docs/performance.md,
 * "RFC 6356 goals"). Goodputs are application payload (MPTCP segments carry 1436 bytes,
 * TCP 1460, of a 1500-byte packet). Whole suite: about 3 s of CPU (-O2).
 */
#include <stdio.h>

#include "sim/units.h"
#include "tests/harness.h"
#include "tests/tcp_app_testutil.h"

#define SCEN(name) "scenarios/validation/mptcp-" name ".yaml"

static struct results_db *run(const char *path, const char *const *sets, size_t nsets,
                              sim_time_t duration)
{
    char err[512] = "";
    struct results_db *db = ta_run_sets(path, sets, nsets, 1, duration, NULL, NULL, err,
                                        sizeof err);
    if (!db)
        fprintf(stderr, "%s: %s\n", path, err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(db);
    return db;
}

/* Payload Mbit/s an application module read (a sink's rx_bytes) over `duration`. */
static double mbit(struct results_db *db, const char *module, sim_time_t duration)
{
    return ta_scalar(db, module, "rx_bytes") * 8 / time_to_sec(duration) / 1e6;
}

/* Drop rate of one link direction (module LINK.FROM): drops / packets offered. */
static double loss(struct results_db *db, const char *module)
{
    double d = ta_scalar(db, module, "queue_drops"), t = ta_scalar(db, module, "tx_packets");
    return d + t > 0 ? d / (d + t) : 0;
}

/* The MPTCP connection's goodput over the TCP's on the shared bottleneck, averaged over
 * three phases (the TCP starting 0, 23 and 100 ms after the MPTCP connection), 40 s each. */
static double shared_ratio(const char *cc)
{
    static const char *const starts[] = { "apps.tcp.start=0ms", "apps.tcp.start=23ms",
                                          "apps.tcp.start=100ms" };
    char ccset[64];
    snprintf(ccset, sizeof ccset, "apps.mptcp.cc=%s", cc);
    double sum = 0;
    for (size_t k = 0; k < 3; k++) {
        const char *sets[] = { ccset, starts[k] };
        sim_time_t d = time_from_s(40);
        struct results_db *db = run(SCEN("two-path-shared"), sets, 2, d);
        double m = mbit(db, "mptcp-sink", d), t = mbit(db, "tcp-sink", d);
        /* Together they nearly fill the 20 Mbit/s (19.2 of payload): measured 18.6-19.1
         * over 40 s, slow start and the first synchronised losses included; accepted 18. */
        if (m + t <= 18.0)
            fprintf(stderr, "%s, %s: %.2f + %.2f\n", cc, starts[k], m, t);
        CU_ASSERT(m + t > 18.0);
        sum += m / t;
        results_db_close(db);
    }
    return sum / 3;
}

static void test_coupled_mptcp_takes_about_one_tcp_share_at_a_shared_bottleneck(void)
{
    /* Theory: one share (ratio 1) when the subflows' windows are equal; LIA's alpha rises
     * above 1/2 when they are not, so htsim's LIA gets 11.8 of 20 Mbit/s next to 8.2
     * (ratio 1.45, seeds 1.35-1.6). Measured here: LIA 1.20-1.40, OLIA 0.96-1.69, BALIA
     * 0.81-1.25 over twelve phase/length variants; the averages of three phases move less.
     * Accepted: 0.75-1.6, which excludes the uncoupled 2 (next test) by a margin larger
     * than the spread. Before the fixes of this suite's commit LIA took 0.2 (3.1 Mbit/s
     * next to 16): runt segments and stalled recoveries. */
    static const char *const coupled[] = { "lia", "olia", "balia" };
    for (size_t i = 0; i < 3; i++) {
        double r = shared_ratio(coupled[i]);
        if (r < 0.75 || r > 1.6)
            fprintf(stderr, "%s: MPTCP/TCP %.2f\n", coupled[i], r);
        CU_ASSERT(r >= 0.75 && r <= 1.6);
    }
}

static void test_uncoupled_subflows_take_about_two_tcp_shares(void)
{
    /* Two Reno subflows and one Reno TCP with one RTT: two thirds (ratio 2; htsim's
     * uncoupled 13.33 / 6.67). Measured 1.84-2.12 over twelve variants; accepted 1.7-2.4.
     * CUBIC subflows against a Reno TCP take at least as much (1.3-2.95: CUBIC's window
     * growth is phase dependent at a 24-48 ms RTT); accepted above 1.6 on the average. */
    double reno = shared_ratio("reno");
    CU_ASSERT(reno >= 1.7 && reno <= 2.4);
    CU_ASSERT(shared_ratio("cubic") >= 1.6);
}

static void test_mptcp_gets_at_least_tcp_on_the_best_of_two_disjoint_paths(void)
{
    /* Goal 1 against one TCP on wifi in the same network (mptcp-two-path-tcp.yaml): the
     * MPTCP connection must get at least as much; alone on both paths it should fill both:
     * 40 + 10 Mbit/s of 1500-byte packets, 47.9 of payload (htsim: 50.0 wire). Measured over
     * 60 s: 47.3 against TCP's 38.8; links 99.6 % and 98.6 % busy (slow start and one
     * halving per path cost the rest). Accepted: MPTCP >= TCP (the goal, no margin) and
     * >= 45 (94 % of the payload capacity), each link above 95 % busy. */
    sim_time_t d = time_from_s(60);
    struct results_db *tcp = run(SCEN("two-path-tcp"), NULL, 0, d);
    double best = mbit(tcp, "tcp-sink", d);
    results_db_close(tcp);
    struct results_db *db = run(SCEN("two-path"), NULL, 0, d);
    double mp = mbit(db, "mptcp-sink", d);
    CU_ASSERT(mp >= best);
    CU_ASSERT(mp >= 45.0);
    CU_ASSERT(ta_scalar(db, "wifi.client", "utilization") > 0.95);
    CU_ASSERT(ta_scalar(db, "lte.client", "utilization") > 0.95);
    CU_ASSERT_EQUAL(ta_scalar(db, "mptcp", "subflows"), 2);
    /* Whole segments: every data packet but the last few is 1500 bytes, so the mean of
     * the data direction stays above 1495 (runts cut at mapping ends made it 1412). */
    CU_ASSERT(ta_scalar(db, "wifi.client", "tx_bytes") / ta_scalar(db, "wifi.client",
                                                                   "tx_packets") > 1495);
    results_db_close(db);
}

/* The triangle (or the torus) with every connection's cc set to `cc`. */
static struct results_db *run_all_cc(const char *path, int nconn, const char *cc,
                                     sim_time_t d)
{
    char buf[5][48];
    const char *sets[5];
    for (int i = 0; i < nconn; i++) {
        snprintf(buf[i], sizeof buf[i], "apps.c%d.cc=%s", i, cc);
        sets[i] = buf[i];
    }
    return run(path, sets, (size_t)nconn, d);
}

/* Payload Mbit/s sent from interface IFACE of node NODE (module IFACE.NODE: the subflow
 * that leaves by it, retransmissions included). */
static double sent_mbit(struct results_db *db, const char *module, sim_time_t d)
{
    return ta_scalar(db, module, "tx_bytes") * 8 / time_to_sec(d) / 1e6;
}

static void test_lia_moves_triangle_traffic_onto_the_one_hop_paths(void)
{
    /* Three 12 Mbit/s links, three connections with a one-hop and a two-hop path: an even
     * split gives 8 per connection (7.7 of payload), LIA's fluid model 9 (8.6), one-hop
     * only 12 (11.5); htsim's LIA 11.67 wire (11.2), uncoupled 10.7 (10.2). Measured here
     * over 30-90 s and start offsets: LIA 9.7-10.7 per connection, two-hop share of the
     * wire bytes 4-6 % (htsim 2-3 %); uncoupled Reno 9.6-9.8 with 15 %. Accepted: every
     * connection above 9.0 (above the fluid estimate and the even split) and a two-hop
     * share below 8 % with LIA, against above 10 % uncoupled. */
    sim_time_t d = time_from_s(60);
    const char *names[3] = { "c0-sink", "c1-sink", "c2-sink" };
    const char *a[3] = { "s0-a.s0", "s1-a.s1", "s2-a.s2" }, *b[3] = { "s0-b.s0", "s1-b.s1",
                                                                       "s2-b.s2" };
    struct results_db *lia = run_all_cc(SCEN("triangle"), 3, "lia", d);
    struct results_db *reno = run_all_cc(SCEN("triangle"), 3, "reno", d);
    for (int i = 0; i < 3; i++) {
        double g = mbit(lia, names[i], d);
        CU_ASSERT(g > 9.0);
        double share = sent_mbit(lia, b[i], d) / (sent_mbit(lia, a[i], d) +
                                                  sent_mbit(lia, b[i], d));
        double share_u = sent_mbit(reno, b[i], d) / (sent_mbit(reno, a[i], d) +
                                                     sent_mbit(reno, b[i], d));
        CU_ASSERT(share < 0.08);
        CU_ASSERT(share_u > 0.10);
    }
    results_db_close(lia);
    results_db_close(reno);
}

static void test_lia_keeps_the_torus_loss_rates_within_two_to_one(void)
{
    /* Five links in a ring, l0 at half capacity. Perfect pooling: equal loss rates and
     * 9 Mbit/s per connection. LIA is not perfect pooling (RFC 6356 section 5 trades it
     * for responsiveness): htsim's LIA keeps l0 at 1.51x the others' mean, uncoupled
     * 1.45x; measured here 1.66-1.71 with LIA over 30-90 s and 1.47 uncoupled. What does
     * discriminate is the level: LIA's coupled increase halves the loss on every link
     * (htsim 0.31 % vs 0.71 % on l0; here 0.52-0.70 of the uncoupled rate per link).
     * Accepted: l0 / mean(l1..l4) <= 2.0 (the ratio this suite accepts as "equalised" for
     * LIA), the four full-capacity links within 1.25x of each other, and every link's loss
     * under LIA below 0.8x its uncoupled value. */
    sim_time_t d = time_from_s(60);
    const char *links[5] = { "l0.x0", "l1.x1", "l2.x2", "l3.x3", "l4.x4" };
    struct results_db *lia = run_all_cc(SCEN("torus"), 5, "lia", d);
    struct results_db *reno = run_all_cc(SCEN("torus"), 5, "reno", d);
    double p[5], pu[5], mean = 0, lo = 1, hi = 0;
    for (int i = 0; i < 5; i++) {
        p[i] = loss(lia, links[i]);
        pu[i] = loss(reno, links[i]);
        CU_ASSERT(p[i] > 0);
        CU_ASSERT(p[i] < 0.8 * pu[i]);
        if (i) {
            mean += p[i] / 4;
            lo = p[i] < lo ? p[i] : lo;
            hi = p[i] > hi ? p[i] : hi;
        }
    }
    CU_ASSERT(p[0] / mean <= 2.0);
    CU_ASSERT(p[0] / mean >= 1.0); /* the thin link stays the most congested */
    CU_ASSERT(hi / lo <= 1.25);
    results_db_close(lia);
    results_db_close(reno);
}

SUITE(mptcp_goals, NULL, NULL,
      TEST(test_coupled_mptcp_takes_about_one_tcp_share_at_a_shared_bottleneck),
      TEST(test_uncoupled_subflows_take_about_two_tcp_shares),
      TEST(test_mptcp_gets_at_least_tcp_on_the_best_of_two_disjoint_paths),
      TEST(test_lia_moves_triangle_traffic_onto_the_one_hop_paths),
      TEST(test_lia_keeps_the_torus_loss_rates_within_two_to_one))
