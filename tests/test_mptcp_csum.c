/* test_mptcp_csum.c - DSS checksums for real, MP_FAIL and the infinite mapping (RFC 8684
 * sections 3.3.1 and 3.7; Linux subflow.c / pm.c as docs/models-mptcp.md cites), through the
 * kernel comparison's topology (client wifi 10.1.1.2 / lte 10.1.2.2, router, server s1
 * 10.2.1.2) with the router corrupting one payload byte of one segment the server sends
 * (mangle "corrupt"). The sequences are read back from the client's captures by the
 * independent extractor (cmd/mptcp_seq.h) and, where tshark is installed, by tshark's MPTCP
 * dissector. Checksum arithmetic is checked against the wire codec's own verification over a
 * real buffer (models/wire mptcp_dss_csum_verify), not against itself.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd/mptcp_seq.h"
#include "models/mptcp/mptcp_int.h"
#include "sim/results.h"
#include "tests/harness.h"
#include "tests/tcp_app_testutil.h"

/* ---- the checksum over logged bytes -------------------------------------------------- */

/* mptcp_csum_ok over the subflow's logged bytes equals the wire codec's verification of a
 * real payload holding those bytes, at even and odd offsets, with and without DATA_FIN. */
static void test_checksum_over_logged_bytes_matches_a_real_payload(void)
{
    static uint8_t payload[1424];
    const uint64_t dsn = 0x1122334455667788ULL;
    const uint32_t ssn = 4097;
    for (int fin = 0; fin < 2; fin++)
        for (uint32_t off = 0; off < 6; off++) {
            struct mptcp_subflow sf = { .rx_ssn = ssn };
            struct mptcp_map m = { .dsn = dsn, .ssn = ssn, .len = sizeof payload,
                                   .dl = (uint16_t)(sizeof payload + fin) };
            /* the sender's checksum: zeros */
            m.csum = mptcp_dss_csum(dsn, ssn, m.dl, NULL, 0);
            CU_ASSERT_TRUE(mptcp_csum_ok(&sf, &m));
            /* a middlebox changes byte `off` (and, for off > 2, byte 1000 too) */
            memset(payload, 0, sizeof payload);
            payload[off] = 0xa5;
            uint8_t log[1] = { 0xa5 };
            mptcp_csum_rx_bytes(&sf, ssn + off, log, 1);
            if (off > 2) {
                payload[1000] = 0x3c;
                uint8_t b2[1] = { 0x3c };
                mptcp_csum_rx_bytes(&sf, ssn + 1000, b2, 1);
            }
            bool real = mptcp_dss_csum_verify(dsn, ssn, m.dl, m.csum, payload, sizeof payload);
            CU_ASSERT_FALSE(real);
            CU_ASSERT_EQUAL(mptcp_csum_ok(&sf, &m), real);
            /* the checksum of the corrupted payload verifies both ways */
            m.csum = mptcp_dss_csum(dsn, ssn, m.dl, payload, sizeof payload);
            CU_ASSERT_TRUE(mptcp_dss_csum_verify(dsn, ssn, m.dl, m.csum, payload, sizeof payload));
            CU_ASSERT_TRUE(mptcp_csum_ok(&sf, &m));
            /* a byte outside the mapping does not count */
            struct mptcp_map next = { .dsn = dsn + m.len, .ssn = ssn + m.len, .len = 100,
                                      .dl = 100 };
            next.csum = mptcp_dss_csum(next.dsn, next.ssn, 100, NULL, 0);
            CU_ASSERT_TRUE(mptcp_csum_ok(&sf, &next));
        }
}

/* ---- through the network ------------------------------------------------------------- */

/* The twin topology, one connection, server -> client `size` bytes, checksums on both
 * ends; the router corrupts payload byte 3 of one segment from the server (`when`). */
static const char *csum_yaml(const char *name, const char *when, bool two_subflows)
{
    char text[4096];
    snprintf(text, sizeof text,
             "name: %s\nduration: 10s\nseed: 1\n"
             "nodes:\n"
             "  - {name: client, address: none, address6: none, "
             "interfaces: \"wifi=10.1.1.2; lte=10.1.2.2\"}\n"
             "  - name: router\n    address: none\n    address6: none\n"
             "    interfaces: \"wifi=10.1.1.1; lte=10.1.2.1; s1=10.2.1.1\"\n"
             "    mangle: [\"corrupt 3 in=s1 max=1 %s\"]\n"
             "  - {name: server, address: none, address6: none, interfaces: \"s1=10.2.1.2\"}\n"
             "links:\n"
             "  - {name: wifi, a: client, b: router, rate_from_a: 20Mbps, rate_from_b: 40Mbps, "
             "delay: 5ms, queue_packets: 0, queue_bytes: 266384B}\n"
             "  - {name: lte, a: client, b: router, rate_from_a: 5Mbps, rate_from_b: 10Mbps, "
             "delay: 25ms, queue_packets: 0, queue_bytes: 78884B}\n"
             "  - {name: s1, a: router, b: server, rate: 10Gbps, delay: 0s}\n"
             "apps:\n"
             "  - {name: xfer, kind: bulk, direction: down, protocol: mptcp, cc: cubic, "
             "node: client, dst: server, port: 5201, transport_opts: [checksum=true%s]}\n"
             "  - {name: srv, kind: tcp-sink, reply: 1000000B, protocol: mptcp, cc: cubic, "
             "node: server, port: 5201, transport_opts: [checksum=true%s]}\n",
             name, when, two_subflows ? ", \"endpoints=10.1.2.2 subflow\", subflows=2" : "",
             two_subflows ? ", subflows=2" : "");
    char file[128];
    snprintf(file, sizeof file, "%s.yaml", name);
    return ta_write(file, text);
}

static const char *run_csum(const char *name, const char *when, bool two,
                            struct results_db **db)
{
    static char dir[512];
    char err[512];
    snprintf(dir, sizeof dir, "%s/%s", harness_tmpdir(), name);
    mkdir(dir, 0755);
    *db = ta_run_pcap(csum_yaml(name, when, two), time_from_s(10), dir, err, sizeof err);
    if (!*db)
        fprintf(stderr, "\n  %s: %s\n", name, err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(*db);
    return dir;
}

static char *doc(const char *dir, bool both, enum mseq_mode mode)
{
    char p1[600], p2[600], err[512];
    snprintf(p1, sizeof p1, "%s/client-wifi.pcap", dir);
    snprintf(p2, sizeof p2, "%s/client-lte.pcap", dir);
    const char *paths[2] = { p1, p2 };
    char *d = mseq_document_of(paths, both ? 2 : 1, mode, err, sizeof err);
    if (!d)
        fprintf(stderr, "\n  %s\n", err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    return d;
}

/* Each needle appears, in this order, in hay; prints hay when not. */
static bool in_order(const char *hay, const char *const *needles, size_t n)
{
    const char *p = hay;
    for (size_t i = 0; i < n; i++) {
        const char *q = strstr(p, needles[i]);
        if (!q) {
            fprintf(stderr, "\n  missing (in order) \"%s\" in:\n%s", needles[i], hay);
            return false;
        }
        p = q + strlen(needles[i]);
    }
    return true;
}

/* tshark's count of frames matching a display filter in a capture, or -1 without tshark. */
static int tshark_count(const char *pcap, const char *filter)
{
    if (!harness_have_tool("tshark"))
        return -1;
    char cmd[1024], *out = NULL;
    snprintf(cmd, sizeof cmd, "tshark -r %s -Y '%s' 2>/dev/null | wc -l", pcap, filter);
    if (harness_run(cmd, &out) != 0 || !out) {
        free(out);
        return -1;
    }
    int n = atoi(out);
    free(out);
    return n;
}

/* One subflow: RFC 8684 section 3.7 as Linux does it. The client's MP_FAIL (on an ACK with
 * its DSS), the server's answering MP_FAIL, the server's infinite mapping on its next data
 * segment, then plain TCP; every byte arrives (Linux delivers the failed mapping). The
 * corruption comes after 40 segments, once checksums have validated (valid_csum_seen). */
static void test_checksum_failure_on_the_only_subflow_ends_in_an_infinite_mapping(void)
{
    struct results_db *db;
    const char *dir = run_csum("csum1", "skip=40", false, &db);
    CU_ASSERT_EQUAL(ta_scalar(db, "router.mangle1", "applied"), 1);
    CU_ASSERT_EQUAL(ta_scalar(db, "xfer", "rx_bytes"), 1000000);
    CU_ASSERT_EQUAL(ta_scalar(db, "xfer", "mptcp_fallback"), 1);
    CU_ASSERT_TRUE(ta_scalar(db, "xfer", "completion_time") > 0);
    results_db_close(db);
    char *pk = doc(dir, false, MSEQ_PACKETS);
    static const char *const seq[] = {
        "> S MPC(v1,f81,k0)\n",                  /* A: checksums asked for */
        "< SA MPC(v1,f81,k1)\n",
        "< A data DSS(AMm,cs)",                  /* checksummed mappings */
        "> A DSS(Aa) FAIL\n",                    /* the receiver's MP_FAIL */
        "< A DSS(A) FAIL\n",                     /* the sender's answer */
        "< A data DSS(AMm,inf,cs)\n",            /* the infinite mapping */
        "< A data\n",                            /* plain TCP from then on */
        "< FA data\n",                           /* the FIN is TCP's own */
        "> FA\n",
    };
    CU_ASSERT_TRUE(in_order(pk, seq, sizeof seq / sizeof seq[0]));
    /* after the infinite mapping no segment carries an MPTCP option */
    const char *inf = strstr(pk, "inf,cs)\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(inf);
    CU_ASSERT_PTR_NULL(strstr(inf, "DSS("));
    CU_ASSERT_PTR_NULL(strstr(pk, " R"));       /* nothing was reset */
    free(pk);
    char pcap[600];
    snprintf(pcap, sizeof pcap, "%s/client-wifi.pcap", dir);
    int fails = tshark_count(pcap, "tcp.options.mptcp.subtype == 6");
    if (fails >= 0) {
        CU_ASSERT_EQUAL(fails, 2);
        CU_ASSERT_EQUAL(tshark_count(pcap, "mptcp.dss.infinite_mapping"), 1);
    }
}

/* Two subflows (the lte join is up before the corruption at 150 ms): no fallback is possible,
 * so the client resets the subflow the corrupted mapping came on with MP_FAIL and MP_TCPRST reason 6 (middlebox
 * interference) on the RST; the server reinjects the failed data on the other, and every byte
 * arrives over MPTCP. */
static void test_checksum_failure_with_two_subflows_resets_the_failing_one(void)
{
    struct results_db *db;
    const char *dir = run_csum("csum2", "from=150ms", true, &db);
    CU_ASSERT_EQUAL(ta_scalar(db, "router.mangle1", "applied"), 1);
    CU_ASSERT_EQUAL(ta_scalar(db, "xfer", "rx_bytes"), 1000000);
    CU_ASSERT_EQUAL(ta_scalar(db, "xfer", "mptcp_fallback"), 0);
    CU_ASSERT_TRUE(ta_scalar(db, "xfer", "completion_time") > 0);
    results_db_close(db);
    char *ctl = doc(dir, true, MSEQ_CONTROL);
    /* Which subflow carries the first segment after 150 ms depends on the scheduler; that
     * one is reset, the other carries the rest and the DATA_FIN. */
    static const char *const seq[] = {
        "subflow 1 10.1.1.2 > 10.2.1.2 mpc conn 1\n",
        "subflow 2 10.1.2.2 > 10.2.1.2 join conn 1\n",
        "> A JOIN(ack)\n",
    };
    CU_ASSERT_TRUE(in_order(ctl, seq, sizeof seq / sizeof seq[0]));
    const char *rst = strstr(ctl, "> R FAIL TCPRST(r6)\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(rst);
    CU_ASSERT_PTR_NULL(strstr(rst + 1, "> R FAIL TCPRST(r6)\n")); /* one subflow reset */
    CU_ASSERT_PTR_NOT_NULL(strstr(ctl, "DSS(AMmF,cs)\n"));       /* the DATA_FIN, alone or
                                                                   * on the last mapping */
    CU_ASSERT_PTR_NULL(strstr(ctl, "inf"));     /* no infinite mapping */
    CU_ASSERT_PTR_NULL(strstr(ctl, "A DSS(Aa) FAIL")); /* MP_FAIL only on the RST */
    free(ctl);
}

/* Checksums on, nothing corrupted: every mapping verifies, no MP_FAIL, no fallback. */
static void test_valid_checksums_cause_nothing(void)
{
    struct results_db *db;
    const char *dir = run_csum("csum0", "from=20s", true, &db);
    CU_ASSERT_EQUAL(ta_scalar(db, "router.mangle1", "applied"), 0);
    CU_ASSERT_EQUAL(ta_scalar(db, "xfer", "rx_bytes"), 1000000);
    CU_ASSERT_EQUAL(ta_scalar(db, "xfer", "mptcp_fallback"), 0);
    results_db_close(db);
    char *pk = doc(dir, true, MSEQ_PACKETS);
    CU_ASSERT_PTR_NULL(strstr(pk, "FAIL"));
    CU_ASSERT_PTR_NULL(strstr(pk, " R"));
    CU_ASSERT_PTR_NOT_NULL(strstr(pk, "DSS(AMm,cs)"));
    free(pk);
}

SUITE(mptcp_csum, NULL, NULL,
      TEST(test_checksum_over_logged_bytes_matches_a_real_payload),
      TEST(test_checksum_failure_on_the_only_subflow_ends_in_an_infinite_mapping),
      TEST(test_checksum_failure_with_two_subflows_resets_the_failing_one),
      TEST(test_valid_checksums_cause_nothing))
