/* test_mcp_decisions.c - one decision at a time on packets built in memory: option-space
 * exhaustion (protocol.md 1.8, H1-H3), far-end-initiated SYNs, HI_I_AM_A_PROXY learning,
 * SYN cookies, per-client limits, the capability cache, malformed input. Every comparison is
 * exact (decision, reason, bytes). */
#include <string.h>

#include "models/mcp/mcp.h"
#include "models/wire/bytes.h"
#include "models/wire/packet.h"
#include "models/wire/proposals.h"
#include "tests/harness.h"
#include "tests/mcp_fixture.h"

#define C1 0x0a010102u /* client */
#define S1 0x0a020102u /* server */

static const uint8_t MPC_V1_SYN[4] = { 30, 4, 0x01, 0x01 };
static const uint8_t TFO8[12] = { 1, 1, 34, 10, 1, 2, 3, 4, 5, 6, 7, 8 };
static const uint8_t AO16[16] = { 29, 16, 1, 1, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9 };

static uint8_t in[2048], out[4096], out2[4096];

static size_t syn_with(const uint8_t *a, size_t al, const uint8_t *b, size_t bl, uint16_t sport)
{
    uint8_t extra[40];
    memcpy(extra, a, al);
    if (bl)
        memcpy(extra + al, b, bl);
    return mcpt_syn4(in, C1, sport, S1, 80, 0x002, 1000, 0, extra, al + bl, 1);
}

static size_t synack_mpc(uint8_t *buf, uint16_t cport, uint64_t key)
{
    uint8_t mpc[12] = { 30, 12, 0x01, 0x01 };
    wr64(mpc + 4, key);
    return mcpt_syn4(buf, S1, 80, C1, cport, 0x012, 5000, 1001, mpc, 12, 1);
}

static size_t tcp_optlen(const uint8_t *pkt, size_t len)
{
    static struct wire_pkt w;
    wire_pkt_decode(pkt, len, &w);
    return w.tcp.optlen;
}

static void test_v1_tfo_and_prefer_proxy_fill_the_40_bytes_exactly(void)
{
    /* H1: baseline 20 + MP_CAPABLE v1 4 + TFO 12 = 36; MP_PREFER_PROXY 4 -> 40, fits. */
    struct mcpt t;
    mcpt_create(&t, MCP_ROLE_UMCP, "prefer-proxy", "ssr", NULL);
    size_t n = syn_with(MPC_V1_SYN, 4, TFO8, 12, 40000), ol;
    CU_ASSERT_EQUAL(tcp_optlen(in, n), 36);
    struct mcp_verdict v = mcpt_run(&t, in, n, MCP_SIDE_CUSTOMER, out, &ol);
    CU_ASSERT_EQUAL(v.decision, MCP_D_REWRITE);
    CU_ASSERT_EQUAL(v.reason, MCP_R_SYN_SIGNAL_INSERTED);
    CU_ASSERT_EQUAL(ol, n + 4);
    CU_ASSERT_EQUAL(tcp_optlen(out, ol), 40);
    CU_ASSERT(mcpt_csum_ok(out, ol));
    mcpt_destroy(&t);
}

static void test_signal_that_does_not_fit_leaves_the_syn_untouched(void)
{
    /* baseline 20 + MP_CAPABLE v1 4 + TCP-AO 16 = 40: no room for a 4-byte signal. */
    struct mcpt t;
    mcpt_create(&t, MCP_ROLE_UMCP, "prefer-proxy", "srcroute", NULL);
    size_t n = syn_with(MPC_V1_SYN, 4, AO16, 16, 40001), ol;
    CU_ASSERT_EQUAL(tcp_optlen(in, n), 40);
    struct mcp_verdict v = mcpt_run(&t, in, n, MCP_SIDE_CUSTOMER, out, &ol);
    CU_ASSERT_EQUAL(v.decision, MCP_D_PASS);
    CU_ASSERT_EQUAL(v.reason, MCP_R_SYN_SIGNAL_NO_SPACE);
    CU_ASSERT(ol == n && memcmp(out, in, n) == 0); /* not even the LSRR: not proxied */
    CU_ASSERT_EQUAL(mcp_stats(t.dp)->anomalies[MCP_A_OPTION_OVERFLOW], 1);
    mcpt_destroy(&t);
    /* The proxy flag costs 0 bytes: the same SYN is marked. */
    mcpt_create(&t, MCP_ROLE_UMCP, "flag", "ssr", NULL);
    v = mcpt_run(&t, in, n, MCP_SIDE_CUSTOMER, out, &ol);
    CU_ASSERT_EQUAL(v.reason, MCP_R_SYN_SIGNAL_INSERTED);
    CU_ASSERT_EQUAL(ol, n);
    CU_ASSERT(mcpt_csum_ok(out, ol));
    mcpt_destroy(&t);
}

static void no_space_drop_ts(struct mcp_config *c) { c->no_space = MCP_NOSPACE_DROP_TS; }
static void no_space_drop(struct mcp_config *c) { c->no_space = MCP_NOSPACE_DROP; }

static void test_no_space_policies_drop_timestamps_or_the_syn(void)
{
    struct mcpt t;
    size_t n = syn_with(MPC_V1_SYN, 4, AO16, 16, 40002), ol;
    mcpt_create(&t, MCP_ROLE_UMCP, "prefer-proxy", "ssr", no_space_drop_ts);
    struct mcp_verdict v = mcpt_run(&t, in, n, MCP_SIDE_CUSTOMER, out, &ol);
    CU_ASSERT_EQUAL(v.decision, MCP_D_REWRITE);
    CU_ASSERT_EQUAL(v.reason, MCP_R_SYN_SIGNAL_INSERTED);
    static struct wire_pkt w;
    CU_ASSERT_EQUAL(wire_pkt_decode(out, ol, &w), 0);
    CU_ASSERT_PTR_NULL(tcp_opt_find(&w.tcp, TCPOPT_TIMESTAMP));
    CU_ASSERT_PTR_NOT_NULL(tcp_opt_find(&w.tcp, TCPOPT_AO));
    CU_ASSERT(mcpt_csum_ok(out, ol));
    mcpt_destroy(&t);
    mcpt_create(&t, MCP_ROLE_UMCP, "intercepted", "ssr", no_space_drop);
    v = mcpt_run(&t, in, n, MCP_SIDE_CUSTOMER, out, &ol);
    CU_ASSERT_EQUAL(v.decision, MCP_D_DROP);
    CU_ASSERT_EQUAL(mcp_flows(t.dp), 0);
    mcpt_destroy(&t);
}

static void test_ipv6_destination_fits_only_in_the_syn_payload(void)
{
    /* H3: the IPv6 SYN of capture g6 uses 24 option bytes; a destination option (port +
     * IPv6 address) needs 22 more -> 46 > 40. The MP_CONVERT IE goes in the payload. */
    struct mcpt_capture c;
    CU_ASSERT_EQUAL_FATAL(mcpt_load("testdata/pcaps/g6-mptcp-ipv6-join.pcap", &c), 0);
    static struct wire_pkt w;
    CU_ASSERT_EQUAL(wire_pkt_decode(c.f[0].ip, c.f[0].len, &w), 0);
    struct proposal_params pp;
    proposal_params_default(&pp);
    struct proposal_opt dst = { .kind = PROPOSAL_DEST_OPTION, .has_port = true, .family = 6 };
    int need = proposal_opt_wire_len(&pp, &dst);
    CU_ASSERT(need > (int)tcp_opt_space_free(&w.tcp));
    struct mcpt t;
    mcpt_create(&t, MCP_ROLE_UMCP, "prefer-proxy", "rewrite", NULL);
    size_t ol;
    struct mcp_verdict v = mcpt_run(&t, c.f[0].ip, c.f[0].len, MCP_SIDE_CUSTOMER, out, &ol);
    CU_ASSERT_EQUAL(v.decision, MCP_D_REWRITE);
    CU_ASSERT_EQUAL(ol, c.f[0].len + 4 + MP_CONVERT_IE_LEN_V6);
    CU_ASSERT_EQUAL(wire_pkt_decode(out, ol, &w), 0);
    CU_ASSERT_EQUAL(w.payload_len, MP_CONVERT_IE_LEN_V6);
    mcpt_destroy(&t);
    mcpt_free(&c);
}

static void share_mode(struct mcp_config *c) { c->addr_mode = MCP_ADDR_SHARE; }

static void test_far_end_syns_pass_or_are_refused_never_proxied(void)
{
    struct mcpt t;
    size_t n = syn_with(MPC_V1_SYN, 4, NULL, 0, 40003), ol;
    /* uMCP: a SYN from the network side (server opening towards the phone) just passes. */
    mcpt_create(&t, MCP_ROLE_UMCP, "flag", "srcroute", NULL);
    struct mcp_verdict v = mcpt_run(&t, in, n, MCP_SIDE_NETWORK, out, &ol);
    CU_ASSERT_EQUAL(v.decision, MCP_D_PASS);
    CU_ASSERT_EQUAL(v.reason, MCP_R_SYN_FAR_END);
    CU_ASSERT_EQUAL(mcp_flows(t.dp), 0);
    mcpt_destroy(&t);
    /* dMCP: a marked SYN from the Internet side is not terminated (RFC 8803 9) and the
     * mark is cleared so it cannot disable MPTCP at a Linux v1 host (H2). */
    mcpt_create(&t, MCP_ROLE_UMCP, "flag", "ssr", NULL);
    size_t ml;
    mcpt_run(&t, in, n, MCP_SIDE_CUSTOMER, out2, &ml);
    mcpt_destroy(&t);
    mcpt_create(&t, MCP_ROLE_DMCP, "flag", "ssr", NULL);
    v = mcpt_run(&t, out2, ml, MCP_SIDE_NETWORK, out, &ol);
    CU_ASSERT_EQUAL(v.decision, MCP_D_REWRITE);
    CU_ASSERT_EQUAL(v.reason, MCP_R_SYN_WRONG_SIDE);
    CU_ASSERT(ol == n && memcmp(out, in, n) == 0);
    CU_ASSERT_EQUAL(mcp_flows(t.dp), 0);
    mcpt_destroy(&t);
    /* Address sharing: an unsolicited SYN to the pool address matches no mapping. */
    mcpt_create(&t, MCP_ROLE_DMCP, "flag", "rewrite", share_mode);
    n = mcpt_syn4(in, S1, 80, 0xc6336401u /* 198.51.100.1 */, 2000, 0x002, 1, 0, MPC_V1_SYN,
                  4, 1);
    v = mcpt_run(&t, in, n, MCP_SIDE_NETWORK, out, &ol);
    CU_ASSERT_EQUAL(v.decision, MCP_D_DROP);
    CU_ASSERT_EQUAL(v.reason, MCP_R_SYN_FAR_END);
    mcpt_destroy(&t);
}

static void test_hello_announcement_is_learnt_and_next_syn_asks_for_the_proxy(void)
{
    struct mcpt u, d;
    mcpt_create(&u, MCP_ROLE_UMCP, "hello", "ssr", NULL);
    mcpt_create(&d, MCP_ROLE_DMCP, "hello", "ssr", NULL);
    size_t n = syn_with(MPC_V1_SYN, 4, NULL, 0, 41000), ml, ol;
    struct mcp_verdict v = mcpt_run(&u, in, n, MCP_SIDE_CUSTOMER, out, &ml);
    CU_ASSERT_EQUAL(v.reason, MCP_R_SYN_MPC_NATIVE); /* first contact: unmarked */
    v = mcpt_run(&d, out, ml, MCP_SIDE_CUSTOMER, out2, &ol);
    CU_ASSERT_EQUAL(v.decision, MCP_D_PASS);
    static uint8_t sa[2048];
    size_t sl = synack_mpc(sa, 41000, 0xa35b21091642970dULL);
    v = mcpt_run(&d, sa, sl, MCP_SIDE_NETWORK, out, &ml);
    CU_ASSERT_EQUAL(v.reason, MCP_R_SYNACK_HELLO_INSERTED);
    CU_ASSERT_EQUAL(ml, sl + 4);
    CU_ASSERT(mcpt_csum_ok(out, ml));
    v = mcpt_run(&u, out, ml, MCP_SIDE_NETWORK, out2, &ol);
    CU_ASSERT_EQUAL(v.reason, MCP_R_SYNACK_HELLO_SEEN);
    CU_ASSERT(ol == sl && memcmp(out2, sa, sl) == 0); /* the phone never sees it */
    /* The retried SYN to the same server carries PROXY_PLEASE_INSERT_YOURSELF. */
    n = syn_with(MPC_V1_SYN, 4, NULL, 0, 41001);
    v = mcpt_run(&u, in, n, MCP_SIDE_CUSTOMER, out, &ml);
    CU_ASSERT_EQUAL(v.reason, MCP_R_SYN_SIGNAL_INSERTED);
    CU_ASSERT_EQUAL(ml, n + 4);
    v = mcpt_run(&d, out, ml, MCP_SIDE_CUSTOMER, out2, &ol);
    CU_ASSERT_EQUAL(v.decision, MCP_D_TERMINATE);
    CU_ASSERT_EQUAL(v.reason, MCP_R_SYN_MPC_SIGNALLED);
    CU_ASSERT(ol == n && memcmp(out2, in, n) == 0);
    mcpt_destroy(&u);
    mcpt_destroy(&d);
}

static void phone_cache(struct mcp_config *c) { c->cache = MCP_CACHE_PHONE; }

static void test_phone_cache_learns_per_interface(void)
{
    /* The phone placement (H10): a proxy announced on WiFi (interface 0) makes the next SYN
     * on WiFi ask for it, while LTE (interface 2) starts cold and goes unmarked. */
    struct mcpt u;
    mcpt_create(&u, MCP_ROLE_UMCP, "hello", "ssr", phone_cache);
    struct mcp_verdict v;
    size_t n = syn_with(MPC_V1_SYN, 4, NULL, 0, 47000), ol;
    mcp_process(u.dp, in, n, MCP_SIDE_CUSTOMER, 0, out, sizeof out, &ol, &v);
    CU_ASSERT_EQUAL(v.reason, MCP_R_SYN_MPC_NATIVE);
    /* The dMCP's SYN/ACK with HI_I_AM_A_PROXY, built by a dMCP of the same design. */
    struct mcpt d;
    mcpt_create(&d, MCP_ROLE_DMCP, "hello", "ssr", NULL);
    mcpt_run(&d, in, n, MCP_SIDE_CUSTOMER, out2, &ol);
    static uint8_t sa[2048];
    size_t sl = synack_mpc(sa, 47000, 99), ml;
    mcpt_run(&d, sa, sl, MCP_SIDE_NETWORK, out2, &ml);
    mcp_process(u.dp, out2, ml, MCP_SIDE_NETWORK, 1, out, sizeof out, &ol, &v);
    CU_ASSERT_EQUAL(v.reason, MCP_R_SYNACK_HELLO_SEEN);
    n = syn_with(MPC_V1_SYN, 4, NULL, 0, 47001);
    mcp_process(u.dp, in, n, MCP_SIDE_CUSTOMER, 0, out, sizeof out, &ol, &v);
    CU_ASSERT_EQUAL(v.reason, MCP_R_SYN_SIGNAL_INSERTED);
    n = syn_with(MPC_V1_SYN, 4, NULL, 0, 47002);
    mcp_process(u.dp, in, n, MCP_SIDE_CUSTOMER, 2, out, sizeof out, &ol, &v);
    CU_ASSERT_EQUAL(v.reason, MCP_R_SYN_MPC_NATIVE);
    mcpt_destroy(&u);
    mcpt_destroy(&d);
}

static void with_cookies(struct mcp_config *c) { c->cookies = true; }

static void test_cookies_keep_no_state_until_a_valid_third_ack(void)
{
    struct mcpt u, d;
    mcpt_create(&u, MCP_ROLE_UMCP, "flag", "ssr", NULL);
    mcpt_create(&d, MCP_ROLE_DMCP, "flag", "ssr", with_cookies);
    size_t n = syn_with(MPC_V1_SYN, 4, NULL, 0, 42000), ml, ol;
    mcpt_run(&u, in, n, MCP_SIDE_CUSTOMER, out, &ml);
    struct mcp_verdict v = mcpt_run(&d, out, ml, MCP_SIDE_CUSTOMER, out2, &ol);
    CU_ASSERT_EQUAL(v.decision, MCP_D_REPLY);
    CU_ASSERT_EQUAL(v.reason, MCP_R_COOKIE_SENT);
    CU_ASSERT_EQUAL(mcp_flows(d.dp), 0);
    CU_ASSERT_EQUAL(d.nemit, 1);
    CU_ASSERT(v.cost.ops[MCP_OP_CRYPTO] >= 2);
    /* The SYN/ACK: from the server's address, valid checksums, our key in MP_CAPABLE. */
    static struct wire_pkt w;
    CU_ASSERT_EQUAL_FATAL(wire_pkt_decode(d.emitted, d.emitted_len, &w), 0);
    CU_ASSERT(mcpt_csum_ok(d.emitted, d.emitted_len));
    CU_ASSERT_EQUAL(w.ip.v4.src, S1);
    CU_ASSERT_EQUAL(w.tcp.ack, 1001);
    const struct tcp_opt *o = tcp_opt_find(&w.tcp, TCPOPT_MPTCP);
    CU_ASSERT_PTR_NOT_NULL_FATAL(o);
    uint64_t key = rd64(w.tcp.opt + o->off + 4);
    uint32_t cookie = w.tcp.seq;
    /* Third ACK with both keys: valid -> terminated, one entry. */
    uint8_t mpc[20] = { 30, 20, 0x01, 0x01 };
    wr64(mpc + 4, 0x8aec9a5ed458a3fbULL);
    wr64(mpc + 12, key);
    n = mcpt_syn4(in, C1, 42000, S1, 80, 0x010, 1001, cookie + 1, mpc, 20, 0);
    v = mcpt_run(&d, in, n, MCP_SIDE_CUSTOMER, out, &ol);
    CU_ASSERT_EQUAL(v.decision, MCP_D_TERMINATE);
    CU_ASSERT_EQUAL(v.reason, MCP_R_COOKIE_OK);
    CU_ASSERT_EQUAL(mcp_flows(d.dp), 1);
    /* A forged cookie with the right key from another port: dropped, no state. */
    n = mcpt_syn4(in, C1, 42001, S1, 80, 0x010, 1001, cookie + 1, mpc, 20, 0);
    v = mcpt_run(&d, in, n, MCP_SIDE_CUSTOMER, out, &ol);
    CU_ASSERT_EQUAL(v.decision, MCP_D_PASS); /* the key is per 4-tuple: not ours */
    /* The right key but a wrong cookie, at a fresh dMCP: dropped, no state. */
    n = mcpt_syn4(in, C1, 42000, S1, 80, 0x010, 1001, cookie + 2, mpc, 20, 0);
    mcpt_destroy(&d);
    mcpt_create(&d, MCP_ROLE_DMCP, "flag", "ssr", with_cookies);
    v = mcpt_run(&d, in, n, MCP_SIDE_CUSTOMER, out, &ol);
    CU_ASSERT_EQUAL(v.decision, MCP_D_DROP);
    CU_ASSERT_EQUAL(v.reason, MCP_R_COOKIE_BAD);
    CU_ASSERT_EQUAL(mcp_flows(d.dp), 0);
    mcpt_destroy(&u);
    mcpt_destroy(&d);
}

static void test_ipv6_cookie_syn_ack_is_well_formed(void)
{
    /* The SYN of capture g6 at a dMCP that terminates every MPTCP SYN (signal none), with
     * cookies: the answer comes from the server's address with a valid checksum. */
    struct mcpt_capture c;
    CU_ASSERT_EQUAL_FATAL(mcpt_load("testdata/pcaps/g6-mptcp-ipv6-join.pcap", &c), 0);
    struct mcpt d;
    mcpt_create(&d, MCP_ROLE_DMCP, "none", "ssr", with_cookies);
    size_t ol;
    struct mcp_verdict v = mcpt_run(&d, c.f[0].ip, c.f[0].len, MCP_SIDE_CUSTOMER, out, &ol);
    CU_ASSERT_EQUAL(v.decision, MCP_D_REPLY);
    static struct wire_pkt syn, w;
    CU_ASSERT_EQUAL_FATAL(wire_pkt_decode(c.f[0].ip, c.f[0].len, &syn), 0);
    CU_ASSERT_EQUAL_FATAL(wire_pkt_decode(d.emitted, d.emitted_len, &w), 0);
    CU_ASSERT_EQUAL(w.family, 6);
    CU_ASSERT(memcmp(w.ip.v6.src, syn.ip.v6.dst, 16) == 0);
    CU_ASSERT_EQUAL(w.tcp.ack, syn.tcp.seq + 1);
    uint16_t cs = 0;
    CU_ASSERT_EQUAL(wire_pkt_tcp_csum(&w, &cs), 0);
    CU_ASSERT_EQUAL(cs, w.tcp.csum);
    CU_ASSERT_EQUAL(mcp_flows(d.dp), 0);
    mcpt_destroy(&d);
    mcpt_free(&c);
}

static void two_per_client(struct mcp_config *c) { c->pending_per_client = 2; }

static void test_per_client_pending_limit_forwards_the_rest_unproxied(void)
{
    struct mcpt u, d;
    mcpt_create(&u, MCP_ROLE_UMCP, "flag", "ssr", NULL);
    mcpt_create(&d, MCP_ROLE_DMCP, "flag", "ssr", two_per_client);
    for (uint16_t i = 0; i < 3; i++) {
        size_t n = syn_with(MPC_V1_SYN, 4, NULL, 0, (uint16_t)(43000 + i)), ml, ol;
        mcpt_run(&u, in, n, MCP_SIDE_CUSTOMER, out, &ml);
        struct mcp_verdict v = mcpt_run(&d, out, ml, MCP_SIDE_CUSTOMER, out2, &ol);
        enum mcp_reason want = i < 2 ? MCP_R_SYN_MPC_SIGNALLED : MCP_R_CLIENT_LIMIT;
        CU_ASSERT_EQUAL(v.reason, want);
        if (i == 2) /* forwarded with the flag cleared: end-to-end, no leak */
            CU_ASSERT(v.decision == MCP_D_REWRITE && ol == n && memcmp(out2, in, n) == 0);
    }
    /* The server's SYN/ACK completes one: its slot frees and the client may open again. */
    static uint8_t sa[2048];
    size_t sl = synack_mpc(sa, 43000, 42), ol;
    mcpt_run(&d, sa, sl, MCP_SIDE_NETWORK, out, &ol);
    size_t n = syn_with(MPC_V1_SYN, 4, NULL, 0, 43010), ml;
    mcpt_run(&u, in, n, MCP_SIDE_CUSTOMER, out, &ml);
    struct mcp_verdict v = mcpt_run(&d, out, ml, MCP_SIDE_CUSTOMER, out2, &ol);
    CU_ASSERT_EQUAL(v.reason, MCP_R_SYN_MPC_SIGNALLED);
    mcpt_destroy(&u);
    mcpt_destroy(&d);
}

static void test_foreign_flag_is_counted_as_a_leak_at_the_dMCP(void)
{
    /* H2: a proxy flag the dMCP does not use (it expects MP_PREFER_PROXY) is forwarded to
     * the server, which, if Linux v1, will ignore MP_CAPABLE: counted. The uMCP counts a SYN
     * that arrives already marked. */
    static const uint8_t mpc_flag[4] = { 30, 4, 0x01, 0x11 };
    struct mcpt t;
    mcpt_create(&t, MCP_ROLE_DMCP, "prefer-proxy", "ssr", NULL);
    size_t n = syn_with(mpc_flag, 4, NULL, 0, 48000), ol;
    struct mcp_verdict v = mcpt_run(&t, in, n, MCP_SIDE_CUSTOMER, out, &ol);
    CU_ASSERT_EQUAL(v.reason, MCP_R_SYN_MPC_NATIVE);
    CU_ASSERT_EQUAL(mcp_stats(t.dp)->anomalies[MCP_A_FLAG_LEAK], 1);
    mcpt_destroy(&t);
    mcpt_create(&t, MCP_ROLE_UMCP, "flag", "ssr", NULL);
    mcpt_run(&t, in, n, MCP_SIDE_CUSTOMER, out, &ol);
    CU_ASSERT_EQUAL(mcp_stats(t.dp)->anomalies[MCP_A_UNEXPECTED_SIGNAL], 1);
    mcpt_destroy(&t);
}

static void test_known_capable_server_is_bypassed_end_to_end(void)
{
    /* An unproxied connection (no room for the signal) learns from the server's SYN/ACK
     * that it speaks MPTCP; the next SYN to it is not proxied at all. */
    struct mcpt t;
    mcpt_create(&t, MCP_ROLE_UMCP, "prefer-proxy", "ssr", NULL);
    size_t n = syn_with(MPC_V1_SYN, 4, AO16, 16, 44000), ol;
    mcpt_run(&t, in, n, MCP_SIDE_CUSTOMER, out, &ol);
    static uint8_t sa[2048];
    size_t sl = synack_mpc(sa, 44000, 7);
    mcpt_run(&t, sa, sl, MCP_SIDE_NETWORK, out, &ol);
    n = syn_with(MPC_V1_SYN, 4, NULL, 0, 44001);
    struct mcp_verdict v = mcpt_run(&t, in, n, MCP_SIDE_CUSTOMER, out, &ol);
    CU_ASSERT_EQUAL(v.decision, MCP_D_PASS);
    CU_ASSERT_EQUAL(v.reason, MCP_R_SYN_CAPABLE_CACHED);
    mcpt_destroy(&t);
}

static void test_malformed_packets_are_counted_never_trusted(void)
{
    struct mcpt t;
    mcpt_create(&t, MCP_ROLE_DMCP, "flag", "srcroute", NULL);
    size_t n = syn_with(MPC_V1_SYN, 4, NULL, 0, 45000), ol;
    struct mcp_verdict v = mcpt_run(&t, in, 12, MCP_SIDE_CUSTOMER, out, &ol);
    CU_ASSERT_EQUAL(v.decision, MCP_D_DROP);
    CU_ASSERT_EQUAL(v.reason, MCP_R_BAD_IP);
    /* An MPTCP option with a length its subtype cannot have: passed untouched. */
    static const uint8_t bad_mpc[4] = { 30, 5, 0x01, 0x01 };
    uint8_t opts[8];
    memcpy(opts, bad_mpc, 4);
    memset(opts + 4, 1, 4);
    n = syn_with(opts, 8, NULL, 0, 45001);
    v = mcpt_run(&t, in, n, MCP_SIDE_CUSTOMER, out, &ol);
    CU_ASSERT_EQUAL(v.decision, MCP_D_PASS);
    CU_ASSERT_EQUAL(v.reason, MCP_R_BAD_OPTIONS);
    CU_ASSERT(ol == n && memcmp(out, in, n) == 0);
    /* Not TCP (UDP, protocol 17): forwarded untouched, never classified as a SYN. */
    n = syn_with(MPC_V1_SYN, 4, NULL, 0, 45002);
    in[9] = 17;
    v = mcpt_run(&t, in, n, MCP_SIDE_CUSTOMER, out, &ol);
    CU_ASSERT_EQUAL(v.decision, MCP_D_PASS);
    CU_ASSERT_EQUAL(v.reason, MCP_R_NOT_TCP);
    CU_ASSERT_EQUAL(mcp_flows(t.dp), 0);
    /* Random bytes never crash the datapath and never grow its state. */
    uint32_t x = 12345;
    for (int i = 0; i < 20000; i++) {
        size_t len = 20 + (size_t)(i % 100);
        for (size_t b = 0; b < len; b++) {
            x ^= x << 13, x ^= x >> 17, x ^= x << 5;
            in[b] = (uint8_t)x;
        }
        in[0] = i & 1 ? 0x45 : 0x60; /* get past the version check */
        mcpt_run(&t, in, len, i % 3 ? MCP_SIDE_CUSTOMER : MCP_SIDE_NETWORK, out, &ol);
    }
    CU_ASSERT(mcp_stats(t.dp)->anomalies[MCP_A_MALFORMED] > 0);
    mcpt_destroy(&t);
}

static void share_convert(struct mcp_config *c)
{
    c->addr_mode = MCP_ADDR_SHARE;
    c->carry = MCP_CARRY_CONVERT;
    c->pool_port_min = 5000;
    c->pool_port_max = 5001;
}

static void test_address_sharing_maps_the_server_reply_back_to_the_client(void)
{
    /* uMCP rewrites C:46000 -> S:80 to C:46000 -> dMCP:80 with a Connect TLV; the dMCP opens
     * pool:5000 -> S:80; S answers pool:5000; the dMCP turns that into dMCP:80 -> C:46000
     * with the acknowledgment shifted back by the 24 carrier bytes; the uMCP restores S. */
    struct mcpt u, d;
    mcpt_create(&u, MCP_ROLE_UMCP, "flag", "rewrite", share_convert);
    mcpt_create(&d, MCP_ROLE_DMCP, "flag", "rewrite", share_convert);
    size_t n = syn_with(MPC_V1_SYN, 4, NULL, 0, 46000), ml, ol;
    struct mcp_verdict v = mcpt_run(&u, in, n, MCP_SIDE_CUSTOMER, out, &ml);
    CU_ASSERT_EQUAL(v.bytes_delta, 24);
    v = mcpt_run(&d, out, ml, MCP_SIDE_CUSTOMER, out2, &ol);
    CU_ASSERT_EQUAL(v.decision, MCP_D_TERMINATE);
    static struct wire_pkt w;
    CU_ASSERT_EQUAL_FATAL(wire_pkt_decode(out2, ol, &w), 0);
    CU_ASSERT_EQUAL(w.ip.v4.src, 0xc6336401u); /* 198.51.100.1 */
    CU_ASSERT_EQUAL(w.tcp.sport, 5000);
    CU_ASSERT_EQUAL(w.ip.v4.dst, S1);
    CU_ASSERT_EQUAL(w.payload_len, 0);
    CU_ASSERT(mcpt_csum_ok(out2, ol));
    /* The server's SYN/ACK to the pool. */
    static uint8_t sa[2048];
    uint8_t mpc[12] = { 30, 12, 0x01, 0x01, 1, 2, 3, 4, 5, 6, 7, 8 };
    size_t sl = mcpt_syn4(sa, S1, 80, 0xc6336401u, 5000, 0x012, 5000, 1001, mpc, 12, 1);
    v = mcpt_run(&d, sa, sl, MCP_SIDE_NETWORK, out, &ml);
    CU_ASSERT_EQUAL(v.decision, MCP_D_TERMINATE);
    CU_ASSERT_EQUAL_FATAL(wire_pkt_decode(out, ml, &w), 0);
    CU_ASSERT_EQUAL(w.ip.v4.src, 0xc0000202u); /* dMCP 192.0.2.2 */
    CU_ASSERT_EQUAL(w.ip.v4.dst, C1);
    CU_ASSERT_EQUAL(w.tcp.dport, 46000);
    CU_ASSERT_EQUAL(w.tcp.ack, 1001 + 24);
    CU_ASSERT(mcpt_csum_ok(out, ml));
    v = mcpt_run(&u, out, ml, MCP_SIDE_NETWORK, out2, &ol);
    CU_ASSERT_EQUAL(v.reason, MCP_R_SYNACK_MPC);
    CU_ASSERT_EQUAL_FATAL(wire_pkt_decode(out2, ol, &w), 0);
    CU_ASSERT_EQUAL(w.ip.v4.src, S1);
    CU_ASSERT_EQUAL(w.tcp.ack, 1001);
    CU_ASSERT(mcpt_csum_ok(out2, ol));
    /* A two-port pool: the third concurrent connection finds no port; the dMCP answers
     * with an RFC 8803 Error TLV, Resource Exceeded (64), value 0 = "at least 30 s". */
    for (uint16_t i = 1; i <= 2; i++) {
        n = syn_with(MPC_V1_SYN, 4, NULL, 0, (uint16_t)(46000 + i));
        mcpt_run(&u, in, n, MCP_SIDE_CUSTOMER, out, &ml);
        v = mcpt_run(&d, out, ml, MCP_SIDE_CUSTOMER, out2, &ol);
        enum mcp_decision want = i == 1 ? MCP_D_TERMINATE : MCP_D_REPLY;
        CU_ASSERT_EQUAL(v.decision, want);
    }
    CU_ASSERT_EQUAL(v.reason, MCP_R_TABLE_FULL);
    CU_ASSERT_EQUAL_FATAL(wire_pkt_decode(d.emitted, d.emitted_len, &w), 0);
    CU_ASSERT(mcpt_csum_ok(d.emitted, d.emitted_len));
    CU_ASSERT_EQUAL(w.ip.v4.src, 0xc0000202u);
    CU_ASSERT_EQUAL(w.tcp.dport, 46002);
    static const uint8_t err64[] = { 1, 2, 0x22, 0x63, 30, 1, 64, 0 };
    CU_ASSERT(w.payload_len >= 7 && memcmp(w.payload, err64, 7) == 0);
    /* The uMCP drops that SYN/ACK, backs off, and sends new SYNs end-to-end for 30 s. */
    v = mcpt_run(&u, d.emitted, d.emitted_len, MCP_SIDE_NETWORK, out, &ol);
    CU_ASSERT_EQUAL(v.decision, MCP_D_DROP);
    CU_ASSERT_EQUAL(v.reason, MCP_R_RESOURCE_EXCEEDED);
    n = syn_with(MPC_V1_SYN, 4, NULL, 0, 46002);
    v = mcpt_run(&u, in, n, MCP_SIDE_CUSTOMER, out, &ml);
    CU_ASSERT_EQUAL(v.decision, MCP_D_PASS);
    CU_ASSERT_EQUAL(v.reason, MCP_R_BACKOFF);
    u.now += 31 * MCP_NS_PER_S;
    v = mcpt_run(&u, in, n, MCP_SIDE_CUSTOMER, out, &ml);
    CU_ASSERT_EQUAL(v.reason, MCP_R_SYN_SIGNAL_INSERTED);
    mcpt_destroy(&u);
    mcpt_destroy(&d);
}

/* The MP_CAPABLE SYN of syn_with() with 8 bytes of IPv4 options put in front of its TCP
 * header (IHL 7, total length and IP checksum updated); returns the new length. */
static size_t with_ipv4_options(size_t n, const uint8_t opt[8])
{
    static struct wire_pkt w;
    wire_pkt_decode(in, n, &w);
    memcpy(w.ip.v4.opt, opt, 8);
    w.ip.v4.optlen = 8;
    w.ip.v4.tot_len = (uint16_t)(w.ip.v4.tot_len + 8);
    ipv4_set_csum(&w.ip.v4);
    size_t len = 0;
    CU_ASSERT_EQUAL(wire_pkt_encode(&w, in, sizeof in, &len), 0);
    return len;
}

/* docs/mcp-datapath.md: a truncated or invalid IP header is dropped as `bad-ip` (a router
 * would drop it). A SYN whose IPv4 options do not parse, or whose LSRR pointer is invalid
 * (RFC 791: at least 4), is dropped and gets no signal; before, the uMCP added its signal
 * and steering to it. A valid LSRR of the same size is still acted on (control). */
static void test_syn_with_invalid_ipv4_options_is_dropped_as_bad_ip_without_a_signal(void)
{
    static const uint8_t bad_len[8] = { 1, 131, 9, 4, 10, 0, 0, 9 };  /* length past the end */
    static const uint8_t bad_ptr[8] = { 1, 131, 7, 2, 10, 0, 0, 9 };  /* pointer 2 < 4 */
    static const uint8_t good[8] = { 1, 131, 7, 4, 10, 0, 0, 9 };     /* one hop, pending */
    const uint8_t *cases[2] = { bad_len, bad_ptr };
    for (int i = 0; i < 2; i++) {
        struct mcpt t;
        mcpt_create(&t, MCP_ROLE_UMCP, "prefer-proxy", "ssr", NULL);
        size_t n = with_ipv4_options(syn_with(MPC_V1_SYN, 4, NULL, 0, (uint16_t)(41000 + i)),
                                     cases[i]), ol;
        struct mcp_verdict v = mcpt_run(&t, in, n, MCP_SIDE_CUSTOMER, out, &ol);
        CU_ASSERT_EQUAL(v.decision, MCP_D_DROP);
        CU_ASSERT_EQUAL(v.reason, MCP_R_BAD_IP);
        CU_ASSERT_EQUAL(mcp_stats(t.dp)->decisions[MCP_D_REWRITE], 0);
        CU_ASSERT_EQUAL(mcp_flows(t.dp), 0);
        mcpt_destroy(&t);
    }
    struct mcpt t;
    mcpt_create(&t, MCP_ROLE_UMCP, "prefer-proxy", "ssr", NULL);
    size_t n = with_ipv4_options(syn_with(MPC_V1_SYN, 4, NULL, 0, 41002), good), ol;
    struct mcp_verdict v = mcpt_run(&t, in, n, MCP_SIDE_CUSTOMER, out, &ol);
    CU_ASSERT_EQUAL(v.reason, MCP_R_SYN_SIGNAL_INSERTED);
    mcpt_destroy(&t);
}

SUITE(mcp_decisions, NULL, NULL,
      TEST(test_address_sharing_maps_the_server_reply_back_to_the_client),
      TEST(test_v1_tfo_and_prefer_proxy_fill_the_40_bytes_exactly),
      TEST(test_signal_that_does_not_fit_leaves_the_syn_untouched),
      TEST(test_syn_with_invalid_ipv4_options_is_dropped_as_bad_ip_without_a_signal),
      TEST(test_no_space_policies_drop_timestamps_or_the_syn),
      TEST(test_ipv6_destination_fits_only_in_the_syn_payload),
      TEST(test_far_end_syns_pass_or_are_refused_never_proxied),
      TEST(test_hello_announcement_is_learnt_and_next_syn_asks_for_the_proxy),
      TEST(test_phone_cache_learns_per_interface),
      TEST(test_cookies_keep_no_state_until_a_valid_third_ack),
      TEST(test_ipv6_cookie_syn_ack_is_well_formed),
      TEST(test_per_client_pending_limit_forwards_the_rest_unproxied),
      TEST(test_known_capable_server_is_bypassed_end_to_end),
      TEST(test_foreign_flag_is_counted_as_a_leak_at_the_dMCP),
      TEST(test_malformed_packets_are_counted_never_trusted))
