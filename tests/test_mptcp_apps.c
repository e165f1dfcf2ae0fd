/* test_mptcp_apps.c - MPTCP connections in whole scenarios (`protocol: mptcp` through the
 * host stack, models/host/host_mptcp.c): the per-connection scalars and vectors the
 * applications record for them (models/app/tcp_app.h), and tshark's MPTCP analysis of every
 * capture such a scenario writes (`mcpsim run --pcap DIR`).
 *
 * The network: a client with an address per interface (p1 20 Mbit/s 5 ms, p2 10 Mbit/s
 * 10 ms; 200-packet queues, above what a 1 MB transfer puts in them: no loss unless asked),
 * a router, a server with an address per interface (s1, s2; 1 Gbit/s). The client's
 * "subflow" endpoint on p2 gives the connection a second subflow (from 10.2.0.2); with
 * `signal` the server also announces 10.4.0.2 and the client (add_addr_accepted=1) joins it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "models/mptcp/mptcp.h"
#include "tests/harness.h"
#include "tests/tcp_app_testutil.h"

static const char net_yaml[] =
    "nodes:\n"
    "  - {name: c, address: none, address6: none, interfaces: \"p1=10.1.0.2; p2=10.2.0.2\"}\n"
    "  - {name: r}\n"
    "  - {name: s, address: none, address6: none, interfaces: \"s1=10.3.0.2; s2=10.4.0.2\"}\n"
    "links:\n"
    "  - {name: p1, a: c, b: r, rate: 20Mbps, delay: 5ms, queue_packets: 200}\n"
    "  - {name: p2, a: c, b: r, rate: 10Mbps, delay: 10ms, queue_packets: 200%s}\n"
    "  - {name: s1, a: r, b: s, rate: 1Gbps, delay: 1ms}\n"
    "  - {name: s2, a: r, b: s, rate: 1Gbps, delay: 1ms}\n";

/* Writes the scenario: the network (p2_extra appended to p2's line) and the apps. */
static const char *scenario(const char *file, const char *p2_extra, const char *apps)
{
    static char text[4096];
    int n = snprintf(text, sizeof text, "name: mp\nduration: 3s\n");
    n += snprintf(text + n, sizeof text - (size_t)n, net_yaml, p2_extra);
    snprintf(text + n, sizeof text - (size_t)n, "apps:\n%s", apps);
    return ta_write(file, text);
}

/* A 1 MB transfer over two subflows (the client's endpoint on p2), no loss. */
static const char two_sf_apps[] =
    "  - {name: up, kind: bulk, node: c, dst: s, size: 1MB, protocol: mptcp, cc: lia,"
    " transport_opts: [\"endpoints=10.2.0.2 subflow\"]}\n"
    "  - {name: k, kind: tcp-sink, node: s, protocol: mptcp}\n";

/* The last value and the sample count of vector module.name (count -1: no such vector). */
static long vector_last(const char *db_path, const char *module, const char *name,
                        double *last)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    long n = -1;
    *last = 0;
    CU_ASSERT_EQUAL_FATAL(sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    CU_ASSERT_EQUAL_FATAL(
        sqlite3_prepare_v2(db,
                           "SELECT count(s.value), (SELECT value FROM vector_samples WHERE "
                           "vector_id = v.vector_id ORDER BY seq DESC LIMIT 1) FROM vectors v "
                           "LEFT JOIN vector_samples s USING (vector_id) WHERE v.module = ?1 "
                           "AND v.name = ?2 GROUP BY v.vector_id",
                           -1, &st, NULL),
        SQLITE_OK);
    sqlite3_bind_text(st, 1, module, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW) {
        n = sqlite3_column_int64(st, 0);
        *last = sqlite3_column_double(st, 1);
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
}

/* Count of rows of a query with one text parameter (0 on error). */
static long count_rows(const char *db_path, const char *sql, const char *arg)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    long n = 0;
    if (sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
        return 0;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
        if (arg)
            sqlite3_bind_text(st, 1, arg, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW)
            n = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
    }
    sqlite3_close(db);
    return n;
}

/* Is the series module.name non-decreasing over time? (1 yes, 0 no) */
static long non_decreasing(const char *db_path, const char *module, const char *name)
{
    char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM vector_samples a JOIN vector_samples b ON b.vector_id = "
             "a.vector_id AND b.seq = a.seq + 1 JOIN vectors v ON v.vector_id = a.vector_id "
             "WHERE v.module = ?1 AND v.name = '%s' AND b.value < a.value",
             name);
    return count_rows(db_path, sql, module) == 0;
}

/* Per-subflow and data-level series of a completed lossless transfer, recorded on request:
 * both subflows have cwnd, rtt, tx_bytes and acked_bytes; at the end each subflow has had
 * acknowledged all it sent once (no loss: nothing sent twice), and the two subflows' acked
 * bytes add up to the connection's data-ACKed bytes, which is the 1 MB transfer and the
 * tx_bytes scalar. Compared exactly: byte counts are integers and with no loss there is no
 * reinjection (reinjected_bytes 0, checked), so no byte counts twice. The connection's own
 * "cwnd" series is its first subflow's (same number of samples). */
static void test_subflow_vectors_add_up_to_the_connection(void)
{
    char err[1024], dbp[600];
    snprintf(dbp, sizeof dbp, "%s/mp-vec.db", harness_tmpdir());
    struct results_db *db = ta_run(scenario("mp-vec.yaml", "", two_sf_apps), time_from_s(3),
                                   "vector:up*", dbp, err, sizeof err);
    if (!db)
        fprintf(stderr, "%s\n", err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(db);
    CU_ASSERT_EQUAL(ta_scalar(db, "up", "tx_bytes"), 1e6);
    CU_ASSERT_EQUAL(ta_scalar(db, "up", "reinjected_bytes"), 0);
    CU_ASSERT(ta_scalar(db, "up", "completion_time") > 0);
    results_db_close(db);

    double acked_sum = 0, v;
    for (int k = 0; k < 2; k++) {
        char m[32];
        snprintf(m, sizeof m, "up.sf%d", k);
        CU_ASSERT(vector_last(dbp, m, "cwnd", &v) > 0);
        CU_ASSERT(vector_last(dbp, m, "rtt", &v) > 0);
        CU_ASSERT(v > 0.010 && v < 0.5); /* base RTTs 12 and 22 ms plus queueing */
        double sent, acked;
        CU_ASSERT(vector_last(dbp, m, "tx_bytes", &sent) > 1);
        CU_ASSERT(vector_last(dbp, m, "acked_bytes", &acked) > 1);
        CU_ASSERT_EQUAL(sent, acked);
        CU_ASSERT(acked > 1e5); /* both paths carry a real share */
        CU_ASSERT(non_decreasing(dbp, m, "tx_bytes"));
        CU_ASSERT(non_decreasing(dbp, m, "acked_bytes"));
        acked_sum += acked;
    }
    CU_ASSERT_EQUAL(vector_last(dbp, "up.sf2", "cwnd", &v), -1); /* no third subflow */
    double data_acked;
    CU_ASSERT(vector_last(dbp, "up", "data_acked", &data_acked) > 1);
    CU_ASSERT(non_decreasing(dbp, "up", "data_acked"));
    CU_ASSERT_EQUAL(data_acked, 1e6);
    CU_ASSERT_EQUAL(acked_sum, data_acked);
    CU_ASSERT(vector_last(dbp, "up", "data_received", &v) >= 1); /* the sender reads none */
    CU_ASSERT_EQUAL(v, 0);
    double c0, c1;
    CU_ASSERT_EQUAL(vector_last(dbp, "up", "cwnd", &c0), vector_last(dbp, "up.sf0", "cwnd", &c1));
    CU_ASSERT_EQUAL(c0, c1);
}

/* Without record rules asking for them, no vector exists, and recording them changes no
 * scalar (the traces only observe): every scalar of the run without vectors equals the one
 * of the run with them. */
static void test_unrecorded_series_do_not_exist_and_recording_changes_nothing(void)
{
    char err[1024], off[600], on[600];
    snprintf(off, sizeof off, "%s/mp-off.db", harness_tmpdir());
    snprintf(on, sizeof on, "%s/mp-vec2.db", harness_tmpdir());
    const char *path = scenario("mp-off.yaml", "", two_sf_apps);
    struct results_db *db = ta_run(path, time_from_s(3), NULL, off, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(db);
    results_db_close(db);
    db = ta_run(path, time_from_s(3), "vector:up*", on, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(db);
    results_db_close(db);
    CU_ASSERT_EQUAL(count_rows(off, "SELECT count(*) FROM vectors", NULL), 0);
    CU_ASSERT(count_rows(on, "SELECT count(*) FROM vectors", NULL) >= 10);
    sqlite3 *a;
    CU_ASSERT_EQUAL_FATAL(sqlite3_open_v2(off, &a, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    char attach[700];
    snprintf(attach, sizeof attach, "ATTACH '%s' AS o", on);
    CU_ASSERT_EQUAL(sqlite3_exec(a, attach, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_stmt *st;
    CU_ASSERT_EQUAL_FATAL(
        sqlite3_prepare_v2(a,
                           "SELECT (SELECT count(*) FROM main.scalars), (SELECT count(*) FROM "
                           "main.scalars x JOIN o.scalars y USING (module, name) WHERE "
                           "x.value = y.value)",
                           -1, &st, NULL),
        SQLITE_OK);
    CU_ASSERT_EQUAL(sqlite3_step(st), SQLITE_ROW);
    long total = sqlite3_column_int64(st, 0), same = sqlite3_column_int64(st, 1);
    CU_ASSERT(total > 50);
    CU_ASSERT_EQUAL(same, total);
    sqlite3_finalize(st);
    sqlite3_close(a);
}

/* The per-connection MPTCP scalars. Two subflows, then closed: `subflows` is the peak (2),
 * not the active count after the close (0); one join attempted and completed, no ADD_ADDR,
 * no fallback. With the server announcing its second address (ADD_ADDR, accepted by the
 * client), a third subflow joins it: peak 3, two joins, one ADD_ADDR received. Against a
 * plain TCP server the SYN/ACK has no MP_CAPABLE: fallback, reason "synack", one subflow,
 * no join. mem_bytes is the model's accounting at the last snapshot: at least the
 * connection itself. All compared exactly: they are counts. */
static void test_connection_scalars_count_subflows_joins_addresses_and_fallback(void)
{
    char err[1024];
    struct results_db *db = ta_run(scenario("mp-sc.yaml", "", two_sf_apps), time_from_s(3),
                                   NULL, NULL, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(db);
    CU_ASSERT(ta_scalar(db, "up", "completion_time") > 0);
    CU_ASSERT_EQUAL(ta_scalar(db, "up", "subflows"), 2);
    CU_ASSERT_EQUAL(ta_scalar(db, "up", "joins_attempted"), 1);
    CU_ASSERT_EQUAL(ta_scalar(db, "up", "joins_ok"), 1);
    CU_ASSERT_EQUAL(ta_scalar(db, "up", "add_addr_rx"), 0);
    CU_ASSERT_EQUAL(ta_scalar(db, "up", "add_addr_tx"), 0);
    CU_ASSERT_EQUAL(ta_scalar(db, "up", "mptcp_fallback"), 0);
    CU_ASSERT_EQUAL(ta_scalar(db, "up", "mptcp_fallback_reason"), MPTCP_FB_NONE);
    CU_ASSERT(ta_scalar(db, "up", "mem_bytes") >= (double)mptcp_conn_idle_bytes());
    results_db_close(db);

    db = ta_run(scenario("mp-aa.yaml", "",
                         "  - {name: up, kind: bulk, node: c, dst: s, size: 1MB,"
                         " protocol: mptcp, transport_opts: [\"endpoints=10.2.0.2 subflow\","
                         " add_addr_accepted=1]}\n"
                         "  - {name: k, kind: tcp-sink, node: s, protocol: mptcp,"
                         " transport_opts: [\"endpoints=10.4.0.2 signal\"]}\n"),
                time_from_s(3), NULL, NULL, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(db);
    CU_ASSERT_EQUAL(ta_scalar(db, "up", "subflows"), 3);
    CU_ASSERT_EQUAL(ta_scalar(db, "up", "joins_attempted"), 2);
    CU_ASSERT_EQUAL(ta_scalar(db, "up", "joins_ok"), 2);
    CU_ASSERT_EQUAL(ta_scalar(db, "up", "add_addr_rx"), 1);
    CU_ASSERT_EQUAL(ta_scalar(db, "up", "mptcp_fallback"), 0);
    results_db_close(db);

    db = ta_run(scenario("mp-fb.yaml", "",
                         "  - {name: up, kind: bulk, node: c, dst: s, size: 100kB,"
                         " protocol: mptcp, transport_opts: [\"endpoints=10.2.0.2 subflow\"]}\n"
                         "  - {name: k, kind: tcp-sink, node: s}\n"),
                time_from_s(3), NULL, NULL, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(db);
    CU_ASSERT_EQUAL(ta_scalar(db, "k", "rx_bytes"), 1e5);
    CU_ASSERT_EQUAL(ta_scalar(db, "up", "mptcp_fallback"), 1);
    CU_ASSERT_EQUAL(ta_scalar(db, "up", "mptcp_fallback_reason"), MPTCP_FB_SYNACK);
    CU_ASSERT_STRING_EQUAL(mptcp_fallback_reason_name(MPTCP_FB_SYNACK), "synack");
    CU_ASSERT_EQUAL(ta_scalar(db, "up", "subflows"), 1);
    CU_ASSERT_EQUAL(ta_scalar(db, "up", "joins_attempted"), 0);
    results_db_close(db);
}

/* tshark's MPTCP analysis (check-pcap.sh: mptcp.analyze_mptcp and analyze_mappings, plus
 * checksums, malformed packets and option encodings) on every capture of a run with three
 * subflows (the client's endpoint and the server's announced address), 2% loss on p2
 * (retransmissions, RTOs, reinjection) and a completed-or-closing 400 kB transfer: no expert
 * warning of the kinds the script fails on. The eight files (both ends of four links) are
 * merged and checked in one tshark run, as each run costs seconds of start-up; a file
 * mergecap cannot read fails the test, and so does a file count other than eight. */
static void test_every_pcap_of_an_mptcp_scenario_passes_tshark_mptcp_analysis(void)
{
    if (!harness_have_tool("tshark") || !harness_have_tool("mergecap")) {
        harness_skip("tshark/mergecap not installed: MPTCP captures not checked");
        return;
    }
    const char *path = scenario(
        "mp-pcap.yaml", ", loss: bernoulli, loss_p: 0.02",
        "  - {name: up, kind: bulk, node: c, dst: s, size: 400kB, protocol: mptcp, cc: lia,"
        " transport_opts: [\"endpoints=10.2.0.2 subflow\", add_addr_accepted=1]}\n"
        "  - {name: k, kind: tcp-sink, node: s, protocol: mptcp,"
        " transport_opts: [\"endpoints=10.4.0.2 signal\"]}\n");
    char cmd[4096];
    char *out = NULL;
    snprintf(cmd, sizeof cmd,
             "d=%s/mp-pcap; rm -rf $d; mkdir -p $d && %s run %s --pcap $d --out %s/mp-pcap.db"
             " >/dev/null && ls $d/*.pcap | wc -l",
             harness_tmpdir(), harness_mcpsim(), path, harness_tmpdir());
    CU_ASSERT_EQUAL(harness_run(cmd, &out), 0);
    CU_ASSERT_EQUAL(out ? atoi(out) : 0, 8);
    free(out);
    out = NULL;
    snprintf(cmd, sizeof cmd, "mergecap -w %s/mp-all.pcap %s/mp-pcap/*.pcap && %s %s/mp-all.pcap",
             harness_tmpdir(), harness_tmpdir(), harness_shared("tools/check-pcap.sh"),
             harness_tmpdir());
    int rc = harness_run(cmd, &out);
    CU_ASSERT_EQUAL(rc, 0);
    if (rc != 0)
        fprintf(stderr, "%s", out ? out : "");
    /* The analysis saw one MPTCP connection with its three subflows, none fallen back. */
    CU_ASSERT_PTR_NOT_NULL(out ? strstr(out, "subflows = tcp.stream 0 1 2\n") : NULL);
    CU_ASSERT_PTR_NOT_NULL(out ? strstr(out, "fallback connections: 0\n") : NULL);
    free(out);
}

SUITE(mptcp_apps, NULL, NULL,
      TEST(test_subflow_vectors_add_up_to_the_connection),
      TEST(test_unrecorded_series_do_not_exist_and_recording_changes_nothing),
      TEST(test_connection_scalars_count_subflows_joins_addresses_and_fallback),
      TEST(test_every_pcap_of_an_mptcp_scenario_passes_tshark_mptcp_analysis))
