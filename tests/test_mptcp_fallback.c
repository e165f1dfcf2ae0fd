/* test_mptcp_fallback.c - RFC 8684 section 3.7 and Linux behaviour: each case ends in a
 * working plain-TCP transfer under an MPTCP socket with sock_info.fallback = true. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "models/mptcp/mptcp_int.h"
#include "models/wire/tcp.h"
#include "cmd/mptcp_seq.h"
#include "sim/results.h"
#include "tests/harness.h"
#include "tests/mptcp_testnet.h"
#include "tests/tcp_app_testutil.h"

static bool fell_back(struct sock *s)
{
    struct sock_info in;
    sock_get_info(s, &in);
    return in.fallback && !strcmp(in.transport, "mptcp");
}

/* testdata b-fallback-tcp-server.pcap: the SYN/ACK has no MP_CAPABLE. */
static void test_plain_tcp_server_gives_fallback_client(void)
{
    struct mnet *m = mnet_new(10000000, time_from_ms(10), NULL, NULL);
    struct tn_app sink = { 0 };
    tnet_listen_sink(m->tn, &sink);
    tnet_pcap(m->tn, mnet_pcap_path("fb_server.pcap"));
    CU_ASSERT_EQUAL(mnet_connect(m, 300000), 0);
    mnet_run(m, time_from_s(30));
    CU_ASSERT_EQUAL(sink.read, 300000);
    CU_ASSERT_TRUE(sink.eof);
    CU_ASSERT_TRUE(fell_back(m->cli.sock));
    struct mptcp_stack_stats st;
    mptcp_stack_get_stats(m->a, &st);
    CU_ASSERT_EQUAL(st.mpc_fallback_synack, 1);
    CU_ASSERT_EQUAL(tnet_pcap_close(m->tn), 0);
    CU_ASSERT_EQUAL(mnet_check_pcap(mnet_pcap_path("fb_server.pcap")), 0);
    mnet_free(m);
}

/* A Linux MPTCP listener accepting a plain SYN gives a fallen-back MPTCP socket. */
static void test_plain_tcp_client_gives_fallback_server_socket(void)
{
    struct mnet *m = mnet_new(10000000, time_from_ms(10), NULL, NULL);
    CU_ASSERT_EQUAL(mnet_listen(m), 0);
    struct tn_app cli = { 0 };
    CU_ASSERT_EQUAL(tnet_connect_bulk(m->tn, &cli, 300000, NULL), 0);
    mnet_run(m, time_from_s(30));
    CU_ASSERT_EQUAL(m->srv.read, 300000);
    CU_ASSERT_TRUE(m->srv.eof);
    CU_ASSERT_PTR_NOT_NULL_FATAL(m->srv.sock);
    CU_ASSERT_TRUE(fell_back(m->srv.sock));
    CU_ASSERT_TRUE(cli.eof);
    mnet_free(m);
}

/* Feeds the listener hook a SYN with the given MPTCP option bytes. */
static enum tcp_syn_verdict syn_with(struct mnet *m, const uint8_t *opt, size_t n,
                                     const uint8_t *opt2, size_t n2)
{
    struct tcp_hdr h = { .sport = 40000, .dport = 80, .seq = 1000, .flags = TCP_FLAG_SYN };
    tcp_opt_append_mss(&h, 1460);
    tcp_opt_append_raw(&h, opt, n);
    if (opt2)
        tcp_opt_append_raw(&h, opt2, n2);
    tcp_opts_pad(&h);
    tcp_opts_parse(&h);
    struct mptcp_listener *ml = (struct mptcp_listener *)m->l;
    const struct tcp_ulp_ops *ops = NULL;
    void *ctx = NULL;
    return mptcp_listen_ulp_ops.syn(ml->tcp, ml, &h, &m->tn->addr_a, &m->tn->addr_b, false,
                                    &ops, &ctx);
}

/* testdata j-flagbit-D.pcap: Linux 6.18 ignores an MP_CAPABLE with D (or E, F, G, or B)
 * set, so the connection is plain TCP; C keeps MPTCP. */
static void test_mpc_syn_with_unknown_flag_is_ignored(void)
{
    struct mnet *m = mnet_new(10000000, time_from_ms(10), NULL, NULL);
    CU_ASSERT_EQUAL(mnet_listen(m), 0);
    const uint8_t d[4] = { 30, 4, 0x01, 0x11 }, b[4] = { 30, 4, 0x01, 0x41 };
    const uint8_t c[4] = { 30, 4, 0x01, 0x21 };
    CU_ASSERT_EQUAL(syn_with(m, d, 4, NULL, 0), TCP_SYN_PLAIN);
    CU_ASSERT_EQUAL(syn_with(m, b, 4, NULL, 0), TCP_SYN_PLAIN);
    CU_ASSERT_EQUAL(syn_with(m, c, 4, NULL, 0), TCP_SYN_ATTACH);
    struct mptcp_stack_stats st;
    mptcp_stack_get_stats(m->b, &st);
    CU_ASSERT_EQUAL(st.mpc_syn_plain, 2);
    mnet_free(m);
}

/* testdata k-unknown-subtype.pcap: an unassigned subtype (0xe) next to MP_CAPABLE is
 * ignored; MPTCP goes on. */
static void test_unknown_subtype_on_syn_is_ignored(void)
{
    struct mnet *m = mnet_new(10000000, time_from_ms(10), NULL, NULL);
    CU_ASSERT_EQUAL(mnet_listen(m), 0);
    const uint8_t mpc[4] = { 30, 4, 0x01, 0x01 }, unk[4] = { 30, 4, 0xe0, 0x00 };
    CU_ASSERT_EQUAL(syn_with(m, mpc, 4, unk, 4), TCP_SYN_ATTACH);
    struct mptcp_stack_stats st;
    mptcp_stack_get_stats(m->b, &st);
    CU_ASSERT_EQUAL(st.bad_opts, 0);
    mnet_free(m);
}

/* Linux ctrl.c: after syn_retries_before_fallback MP_CAPABLE SYN retransmissions the SYN
 * goes out plain; the plain SYN/ACK then disables active MPTCP (blackhole_timeout). */
static void test_mpc_syn_blackhole_falls_back_and_disables_mptcp(void)
{
    struct mnet *m = mnet_new(10000000, time_from_ms(10), NULL, NULL);
    CU_ASSERT_EQUAL(mnet_listen(m), 0);
    tnet_drop_flags(m->tn, TN_AB, TCP_FLAG_SYN, 3);
    CU_ASSERT_EQUAL(mnet_connect(m, 100000), 0);
    mnet_run(m, time_from_s(60));
    CU_ASSERT_EQUAL(m->srv.read, 100000);
    CU_ASSERT_TRUE(fell_back(m->cli.sock));
    struct mptcp_stack_stats st;
    mptcp_stack_get_stats(m->a, &st);
    CU_ASSERT_EQUAL(st.mpc_blackhole, 1);
    mnet_free(m);
}


/* ---- options stripped after the handshake (the kernel twin topology) ---------------- */

/* scenarios/validation/linux-twin-strip.yaml with the router's rule replaced by `rule` and
 * the server sending `bytes`; run with capture; returns the capture directory. */
static const char *strip_run(const char *name, const char *rule, const char *bytes,
                             struct results_db **db)
{
    FILE *f = fopen("scenarios/validation/linux-twin-strip.yaml", "rb");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    static char text[8192], out[8400];
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = 0;
    char *m = strstr(text, "[\"strip 30\"]"), *r = strstr(text, "reply: 300000B");
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    *m = 0;
    *r = 0;
    snprintf(out, sizeof out, "%s[\"%s\"]%sreply: %s%s", text, rule, m + 12, bytes, r + 14);
    static char dir[512];
    char file[64], err[512];
    snprintf(file, sizeof file, "%s.yaml", name);
    snprintf(dir, sizeof dir, "%s/%s", harness_tmpdir(), name);
    mkdir(dir, 0755);
    *db = ta_run_pcap(ta_write(file, out), time_from_s(10), dir, err, sizeof err);
    if (!*db)
        fprintf(stderr, "\n  %s: %s\n", name, err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(*db);
    return dir;
}

static char *client_doc(const char *dir)
{
    char p1[600], p2[600], err[512];
    snprintf(p1, sizeof p1, "%s/client-wifi.pcap", dir);
    snprintf(p2, sizeof p2, "%s/client-lte.pcap", dir);
    const char *paths[2] = { p1, p2 };
    char *d = mseq_document_of(paths, 2, MSEQ_CONTROL, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    return d;
}

/* RFC 8684 3.7: the MP_CAPABLE handshake got through, then a middlebox strips option 30
 * from every data segment (the server's). The client sees data without a mapping on its
 * only subflow before any data ACK: an implicit infinite mapping, it falls back; its ACKs
 * then carry no MPTCP option, and the server, whose data is ACKed without a DSS data ACK,
 * falls back too ("the sender determines the path is not MPTCP capable"). Both ends end up
 * in TCP and every byte arrives; no subflow is added. */
static void test_dss_stripped_after_the_handshake_falls_back_at_both_ends(void)
{
    struct results_db *db;
    const char *dir = strip_run("strip-data", "strip 30 on=data in=s1", "300000B", &db);
    CU_ASSERT_EQUAL(ta_scalar(db, "xfer", "rx_bytes"), 300000);
    CU_ASSERT_EQUAL(ta_scalar(db, "xfer", "mptcp_fallback"), 1);
    CU_ASSERT_TRUE(ta_scalar(db, "xfer", "completion_time") > 0);
    /* only the data segments sent before the server fell back carried option 30 */
    double stripped = ta_scalar(db, "router.mangle1", "applied");
    CU_ASSERT_TRUE(stripped >= 1 && stripped < 20);
    results_db_close(db);
    char *d = client_doc(dir);
    CU_ASSERT_PTR_NULL(strstr(d, "subflow 2"));
    CU_ASSERT_PTR_NOT_NULL(strstr(d, "> A MPC(v1,f01,k2)\n[data <]\n< FA data\n"));
    CU_ASSERT_PTR_NULL(strstr(d, "R"));
    free(d);
}

/* The same on a join only (the router strips the data going out on lte): the client resets
 * the join with MP_TCPRST 6 (middlebox interference), the connection stays MPTCP on its
 * other subflows and every byte arrives. */
static void test_dss_stripped_on_a_join_resets_only_the_join(void)
{
    struct results_db *db;
    const char *dir = strip_run("strip-join", "strip 30 on=data out=lte", "1000000B", &db);
    CU_ASSERT_EQUAL(ta_scalar(db, "xfer", "rx_bytes"), 1000000);
    CU_ASSERT_EQUAL(ta_scalar(db, "xfer", "mptcp_fallback"), 0);
    CU_ASSERT_TRUE(ta_scalar(db, "router.mangle1", "applied") >= 1);
    results_db_close(db);
    char *d = client_doc(dir);
    const char *lte = strstr(d, "subflow 2 10.1.2.2 > 10.2.1.2 join conn 1\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(lte);
    CU_ASSERT_PTR_NOT_NULL(strstr(lte, "> R TCPRST(r6)\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(d, "< FA DSS(Aa)\n"));   /* DATA_FIN done over MPTCP */
    free(d);
}

SUITE(mptcp_fallback, NULL, NULL,
      TEST(test_dss_stripped_after_the_handshake_falls_back_at_both_ends),
      TEST(test_dss_stripped_on_a_join_resets_only_the_join),
      TEST(test_plain_tcp_server_gives_fallback_client),
      TEST(test_plain_tcp_client_gives_fallback_server_socket),
      TEST(test_mpc_syn_with_unknown_flag_is_ignored),
      TEST(test_unknown_subtype_on_syn_is_ignored),
      TEST(test_mpc_syn_blackhole_falls_back_and_disables_mptcp))
