/* test_tcp_apps.c - the TCP applications (models/app: bulk, tcp-sink, reqresp, onoff), their
 * size and time distributions (app_dist.h) and the per-node stack configuration they share
 * (models/host): whole scenarios run to their end, checked through the scalars the
 * applications record.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "models/app/app_dist.h"
#include "tests/harness.h"
#include "tests/tcp_app_testutil.h"

static void test_distribution_strings_parse_with_units(void)
{
    struct app_dist d;
    char err[512];
    CU_ASSERT_EQUAL(app_dist_parse("10kB", APP_DIST_SIZE, &d, err, sizeof err), 0);
    CU_ASSERT_EQUAL(d.kind, APP_DIST_CONST);
    CU_ASSERT_EQUAL(app_dist_draw(&d, NULL), 10000);
    CU_ASSERT_EQUAL(app_dist_parse("exp(100ms)", APP_DIST_TIME, &d, err, sizeof err), 0);
    CU_ASSERT_EQUAL(d.kind, APP_DIST_EXP);
    CU_ASSERT_DOUBLE_EQUAL(app_dist_mean(&d), 1e11, 1);
    CU_ASSERT_EQUAL(app_dist_parse("uniform(1kB,9kB)", APP_DIST_SIZE, &d, err, sizeof err), 0);
    CU_ASSERT_DOUBLE_EQUAL(app_dist_mean(&d), 5000, 1e-9);
    CU_ASSERT_EQUAL(app_dist_parse("pareto(1.5,10kB)", APP_DIST_SIZE, &d, err, sizeof err), 0);
    CU_ASSERT_DOUBLE_EQUAL(app_dist_mean(&d), 30000, 1e-6);
    CU_ASSERT_EQUAL(app_dist_parse("lognormal(20kB,0)", APP_DIST_SIZE, &d, err, sizeof err), 0);
    CU_ASSERT_DOUBLE_EQUAL(app_dist_mean(&d), 20000, 1e-6);
}

static void test_bad_distribution_strings_are_refused_with_the_forms(void)
{
    struct app_dist d;
    char err[512];
    const char *bad[] = { "10", "exp(10kB", "exp(1kB,2kB)", "uniform(9kB,1kB)", "gauss(1kB)",
                          "pareto(x,1kB)", "exp(-1kB)", "exp(10ms)" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = '\0';
        CU_ASSERT_EQUAL(app_dist_parse(bad[i], APP_DIST_SIZE, &d, err, sizeof err), -1);
        CU_ASSERT_PTR_NOT_NULL(strstr(err, bad[i]));
    }
}

/* A mean over many draws against the distribution's mean: 20000 exponential draws have a
 * standard error of 0.7% of the mean, so 3% is over four standard errors. */
static void test_exponential_draws_have_the_given_mean(void)
{
    struct app_dist d;
    char err[256];
    CU_ASSERT_EQUAL_FATAL(app_dist_parse("exp(50kB)", APP_DIST_SIZE, &d, err, sizeof err), 0);
    struct rng *r = rng_new(1, 0, "test/exp");
    double sum = 0;
    for (int i = 0; i < 20000; i++)
        sum += (double)app_dist_draw(&d, r);
    rng_free(r);
    CU_ASSERT(fabs(sum / 20000 / 50000 - 1) < 0.03);
}

static const char path_yaml[] =
    "name: apps\n"
    "duration: 10s\n"
    "nodes:\n  - {name: c}\n  - {name: s}\n"
    "links:\n  - {name: l, a: c, b: s, rate: 20Mbps, delay: 10ms}\n";

static struct results_db *run_apps(const char *name, const char *apps, sim_time_t duration)
{
    char text[4096], err[1024];
    snprintf(text, sizeof text, "%sapps:\n%s", path_yaml, apps);
    struct results_db *db = ta_run(ta_write(name, text), duration, NULL, NULL, err, sizeof err);
    if (!db)
        fprintf(stderr, "%s\n", err);
    return db;
}

/* Two connections, five transactions each, constant 100 kB objects and no think time: every
 * transaction completes, the client reads exactly 10 x 100 kB, each connection then closes
 * (completion_time recorded), and a transaction takes at least one round trip (20 ms) plus
 * the 40 ms the object takes to serialize at 20 Mbit/s. */
static void test_reqresp_completes_every_transaction(void)
{
    struct results_db *db = run_apps(
        "rr.yaml",
        "  - {name: web, kind: reqresp, node: c, dst: s, connections: 2, requests: 5,"
        " request_size: 300B, object_size: 100kB}\n",
        time_from_s(10));
    CU_ASSERT_PTR_NOT_NULL_FATAL(db);
    CU_ASSERT_DOUBLE_EQUAL(ta_scalar(db, "web", "transactions"), 10, 0);
    CU_ASSERT_DOUBLE_EQUAL(ta_scalar(db, "web", "object_bytes"), 1e6, 0);
    CU_ASSERT_DOUBLE_EQUAL(ta_scalar(db, "web", "request_bytes"), 3000, 0);
    CU_ASSERT_DOUBLE_EQUAL(ta_scalar(db, "web", "failed"), 0, 0);
    double mean = ta_scalar(db, "web", "completion_mean");
    CU_ASSERT(mean > 0.040 + 0.020 && mean < 1.0);
    CU_ASSERT(ta_scalar(db, "web", "completion_max") >= mean);
    CU_ASSERT(ta_scalar(db, "web.c0", "completion_time") > 0);
    CU_ASSERT_DOUBLE_EQUAL(ta_scalar(db, "web.c1", "rx_bytes"), 5e5, 0);
    results_db_close(db);
}

/* A multihomed node with `address: none` connects from its first interface address (the
 * order of `interfaces`), and the server is reached at its first interface address: the
 * bulk transfer of 200 kB completes over the link whose addresses those are. */
static void test_node_without_primary_address_uses_its_first_interface_address(void)
{
    char err[1024];
    const char *text =
        "name: mh\nduration: 5s\n"
        "nodes:\n"
        "  - {name: c, address: none, address6: none, interfaces: [\"w=10.1.1.2\", \"l=10.1.2.2\"]}\n"
        "  - {name: s, address: none, address6: none, interfaces: [\"w=10.1.1.1\", \"l=10.1.2.1\"]}\n"
        "links:\n"
        "  - {name: w, a: c, b: s, rate: 20Mbps, delay: 5ms}\n"
        "  - {name: l, a: c, b: s, rate: 5Mbps, delay: 25ms}\n"
        "apps:\n"
        "  - {name: up, kind: bulk, node: c, dst: s, size: 200kB}\n"
        "  - {name: k, kind: tcp-sink, node: s}\n";
    struct results_db *db = ta_run(ta_write("mh.yaml", text), time_from_s(5), NULL, NULL, err,
                                   sizeof err);
    if (!db)
        fprintf(stderr, "%s\n", err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(db);
    CU_ASSERT_DOUBLE_EQUAL(ta_scalar(db, "up", "failed"), 0, 0);
    CU_ASSERT_DOUBLE_EQUAL(ta_scalar(db, "k", "rx_bytes"), 2e5, 0);
    CU_ASSERT(ta_scalar(db, "w.c", "tx_bytes") > 2e5);
    CU_ASSERT(ta_scalar(db, "l.c", "tx_bytes") < 1e3);
    results_db_close(db);
}

/* `protocol: mptcp` on both ends runs the transfer over MPTCP through the host stack: the
 * bytes arrive, the connection reports itself as MPTCP that did not fall back (the
 * mptcp_fallback and subflows scalars exist only for MPTCP connections). */
static void test_protocol_mptcp_runs_the_transfer_over_mptcp(void)
{
    struct results_db *db = run_apps(
        "mp.yaml",
        "  - {name: up, kind: bulk, node: c, dst: s, size: 300kB, protocol: mptcp}\n"
        "  - {name: k, kind: tcp-sink, node: s, protocol: mptcp}\n",
        time_from_s(5));
    CU_ASSERT_PTR_NOT_NULL_FATAL(db);
    CU_ASSERT_DOUBLE_EQUAL(ta_scalar(db, "up", "failed"), 0, 0);
    CU_ASSERT_DOUBLE_EQUAL(ta_scalar(db, "k", "rx_bytes"), 3e5, 0);
    CU_ASSERT_DOUBLE_EQUAL(ta_scalar(db, "up", "mptcp_fallback"), 0, 0);
    (void)ta_scalar(db, "up", "subflows"); /* recorded (the most subflows at once) */
    results_db_close(db);
}

/* Think times space the transactions. On an open connection a small transaction takes one
 * round trip (20 ms) plus serializing 300 B and 1 kB at 20 Mbit/s (0.5 ms); the first starts
 * after the handshake (20 ms), so transaction k starts at 0.02 + k (0.5 + 0.0205) s and the
 * 20th (k = 19) ends at 9.93 s: exactly 20 in 10 s (none with 2 RTTs each, 21 without
 * think times honoured). */
static void test_reqresp_think_time_spaces_transactions(void)
{
    struct results_db *db = run_apps(
        "rr-think.yaml",
        "  - {name: web, kind: reqresp, node: c, dst: s, object_size: 1kB, think: 500ms}\n",
        time_from_s(10));
    CU_ASSERT_PTR_NOT_NULL_FATAL(db);
    CU_ASSERT_DOUBLE_EQUAL(ta_scalar(db, "web", "transactions"), 20, 0);
    double mean = ta_scalar(db, "web", "completion_mean");
    CU_ASSERT(mean > 0.020 && mean < 0.0215);
    results_db_close(db);
}

/* ON 1 s / OFF 1 s, 1 Mbit/s while ON, until 8 s: four ON periods of 125 kB each (1448-byte
 * writes every 11.584 ms: 87 writes per second, 125976 B); the sink reads all of it and the
 * connection completes after the stop. */
static void test_onoff_offers_rate_during_on_periods_only(void)
{
    struct results_db *db = run_apps(
        "onoff.yaml",
        "  - {name: src, kind: onoff, node: c, dst: s, rate: 1Mbps, on: 1s, off: 1s, stop: 8s}\n"
        "  - {name: k, kind: tcp-sink, node: s}\n",
        time_from_s(10));
    CU_ASSERT_PTR_NOT_NULL_FATAL(db);
    CU_ASSERT_DOUBLE_EQUAL(ta_scalar(db, "src", "on_periods"), 4, 0);
    double offered = ta_scalar(db, "src", "offered_bytes");
    CU_ASSERT_DOUBLE_EQUAL(offered, 4 * 87 * 1448.0, 4 * 1448.0);
    CU_ASSERT_DOUBLE_EQUAL(ta_scalar(db, "k", "rx_bytes"), offered, 0);
    CU_ASSERT(ta_scalar(db, "src", "completion_time") > 7.0);
    results_db_close(db);
}

/* One stack per node: two applications on one node that set the same tcp parameter to
 * different values are refused when the world is built, and the message names both. */
static void test_conflicting_tcp_values_on_one_node_are_refused(void)
{
    char text[2048], err[1024];
    snprintf(text, sizeof text,
             "%sapps:\n"
             "  - {name: one, kind: bulk, node: c, dst: s, mss: 1460B}\n"
             "  - {name: two, kind: bulk, node: c, dst: s, port: 5001, mss: 1000B}\n"
             "  - {name: k, kind: tcp-sink, node: s}\n",
             path_yaml);
    err[0] = '\0';
    struct results_db *db = ta_run(ta_write("conflict.yaml", text), time_from_s(1), NULL, NULL,
                                   err, sizeof err);
    CU_ASSERT_PTR_NULL(db);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "two"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "one"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "mss"));
    snprintf(text, sizeof text,
             "%sapps:\n  - {name: one, kind: bulk, node: c, dst: s, cc: vegas}\n", path_yaml);
    db = ta_run(ta_write("badcc.yaml", text), time_from_s(1), NULL, NULL, err, sizeof err);
    CU_ASSERT_PTR_NULL(db);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "vegas"));
}

/* The same value from two applications is one configuration, not a conflict; a value that
 * limits the transfer shows: a 16 KiB receive buffer over a 20 ms RTT caps one flow at
 * 16384 B / 20 ms = 6.6 Mbit/s, well under the 20 Mbit/s link. */
static void test_tcp_values_on_apps_configure_the_node_stack(void)
{
    struct results_db *db = run_apps(
        "rcvbuf.yaml",
        "  - {name: up, kind: bulk, node: c, dst: s, sack: true}\n"
        "  - {name: up2, kind: bulk, node: c, dst: s, port: 5001, sack: yes, start: 20s}\n"
        "  - {name: k, kind: tcp-sink, node: s, rcvbuf: 16KiB}\n",
        time_from_s(10));
    CU_ASSERT_PTR_NOT_NULL_FATAL(db);
    double goodput = ta_scalar(db, "k", "goodput");
    CU_ASSERT(goodput > 4e6 && goodput < 6.7e6);
    results_db_close(db);
}

/* Samples of vector module.name in the database file (-1 when the vector does not exist),
 * with the largest value in *max. */
static long vector_samples(const char *db_path, const char *module, const char *name,
                           double *max)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    long n = -1;
    CU_ASSERT_EQUAL_FATAL(sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    CU_ASSERT_EQUAL_FATAL(
        sqlite3_prepare_v2(db,
                           "SELECT count(s.value), max(s.value) FROM vectors v LEFT JOIN "
                           "vector_samples s USING (vector_id) WHERE v.module = ?1 AND "
                           "v.name = ?2 GROUP BY v.vector_id",
                           -1, &st, NULL),
        SQLITE_OK);
    sqlite3_bind_text(st, 1, module, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW) {
        n = sqlite3_column_int64(st, 0);
        *max = sqlite3_column_double(st, 1);
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
}

/* A connection's cwnd series exists only when the record rules ask for it, and then holds
 * the window at its changes: slow start and losses over 3 s make many changes, and slow
 * start takes it above the initial window of 10 segments. The rtt series, not asked for, is
 * absent, and with no rule asking, no series exists at all. */
static void test_cwnd_series_is_recorded_only_on_request(void)
{
    char text[2048], err[1024], dbp[600];
    snprintf(text, sizeof text,
             "%sapps:\n  - {name: up, kind: bulk, node: c, dst: s}\n"
             "  - {name: k, kind: tcp-sink, node: s}\n",
             path_yaml);
    const char *scen = ta_write("vec.yaml", text);
    snprintf(dbp, sizeof dbp, "%s/vec-on.db", harness_tmpdir());
    struct results_db *db = ta_run(scen, time_from_s(3), "vector:up.cwnd", dbp, err,
                                   sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(db);
    results_db_close(db);
    double max = 0;
    CU_ASSERT(vector_samples(dbp, "up", "cwnd", &max) > 20);
    CU_ASSERT(max > 10 * 1448);
    CU_ASSERT_EQUAL(vector_samples(dbp, "up", "rtt", &max), -1);
    snprintf(dbp, sizeof dbp, "%s/vec-off.db", harness_tmpdir());
    db = ta_run(scen, time_from_s(3), NULL, dbp, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(db);
    results_db_close(db);
    CU_ASSERT_EQUAL(vector_samples(dbp, "up", "cwnd", &max), -1);
}

/* The first multiplicative decrease of a cwnd series: the smallest window between the first
 * drop below the running maximum and the next increase, over that maximum; -1 when the
 * series never drops. */
static double first_decrease_ratio(const char *db_path, const char *module)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    CU_ASSERT_EQUAL_FATAL(sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    CU_ASSERT_EQUAL_FATAL(
        sqlite3_prepare_v2(db,
                           "SELECT s.value FROM vectors v JOIN vector_samples s USING "
                           "(vector_id) WHERE v.module = ?1 AND v.name = 'cwnd' ORDER BY "
                           "s.seq",
                           -1, &st, NULL),
        SQLITE_OK);
    sqlite3_bind_text(st, 1, module, -1, SQLITE_STATIC);
    double max = 0, low = -1, ratio = -1;
    while (sqlite3_step(st) == SQLITE_ROW) {
        double w = sqlite3_column_double(st, 0);
        if (low < 0 && w >= max) {
            max = w;
        } else if (low < 0 || w < low) {
            low = w;
        } else if (w > low) {
            ratio = low / max;
            break;
        }
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    return ratio;
}

/* `cc` is per application (per connection, like Linux's TCP_CONGESTION socket option): two
 * bulk senders on one node with different algorithms are not a conflict, and each connection
 * runs its own. Checked on the first loss of each, through the cwnd series: Reno halves the
 * window (RFC 5681: ssthresh = FlightSize / 2), CUBIC keeps beta = 0.7 of it (RFC 9438 4.6).
 * The 0.6 threshold sits between the two; flight size and the window differ by at most a
 * few segments at the loss, far less than the 0.2 gap. */
static void test_cc_is_per_application_not_per_node(void)
{
    char text[2048], err[1024], dbp[600];
    snprintf(text, sizeof text,
             "%sapps:\n"
             "  - {name: r, kind: bulk, node: c, dst: s, port: 5000, cc: reno}\n"
             "  - {name: q, kind: bulk, node: c, dst: s, port: 5001, cc: cubic}\n"
             "  - {name: k0, kind: tcp-sink, node: s, port: 5000}\n"
             "  - {name: k1, kind: tcp-sink, node: s, port: 5001}\n",
             path_yaml);
    snprintf(dbp, sizeof dbp, "%s/cc.db", harness_tmpdir());
    err[0] = '\0';
    struct results_db *db = ta_run(ta_write("cc.yaml", text), time_from_s(5), "vector:*.cwnd",
                                   dbp, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(db);
    results_db_close(db);
    double reno = first_decrease_ratio(dbp, "r"), cubic = first_decrease_ratio(dbp, "q");
    CU_ASSERT(reno > 0.3 && reno < 0.6);
    CU_ASSERT(cubic > 0.6 && cubic < 0.8);
}

SUITE(tcp_apps, NULL, NULL,
      TEST(test_distribution_strings_parse_with_units),
      TEST(test_bad_distribution_strings_are_refused_with_the_forms),
      TEST(test_exponential_draws_have_the_given_mean),
      TEST(test_reqresp_completes_every_transaction),
      TEST(test_node_without_primary_address_uses_its_first_interface_address),
      TEST(test_protocol_mptcp_runs_the_transfer_over_mptcp),
      TEST(test_reqresp_think_time_spaces_transactions),
      TEST(test_onoff_offers_rate_during_on_periods_only),
      TEST(test_conflicting_tcp_values_on_one_node_are_refused),
      TEST(test_tcp_values_on_apps_configure_the_node_stack),
      TEST(test_cwnd_series_is_recorded_only_on_request),
      TEST(test_cc_is_per_application_not_per_node))
