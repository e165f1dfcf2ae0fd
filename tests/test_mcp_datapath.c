/* test_mcp_datapath.c - the datapath over real captures, in process: every signalling and
 * steering design, uMCP then dMCP gives back the capture, checksums stay right, the decision
 * counters say what happened. Comparisons are byte-exact; the only bytes allowed to differ
 * are named where they are masked. */
#include <string.h>

#include "models/mcp/mcp.h"
#include "models/wire/packet.h"
#include "tests/harness.h"
#include "tests/mcp_fixture.h"

static const char *const signals[] = { "none", "prefer-proxy", "flag", "intercepted", "hello" };
static const char *const steers[] = { "ssr", "srcroute", "rewrite", "tunnel" };

/* Zeroes the fields a destination rewrite legitimately changes on a server->client packet
 * that crossed the dMCP: IP source (the dMCP's address on the middle leg), IPv4 header
 * checksum, TCP acknowledgment number (shifted by the carrier's length), TCP checksum. */
static void mask_rewrite_return(uint8_t *p, size_t len)
{
    static struct wire_pkt w;
    if (wire_pkt_decode(p, len, &w) != 0 || !w.has_tcp)
        return;
    size_t tcp = wire_pkt_hdr_len(&w) - tcp_hdr_len(&w.tcp);
    if (w.family == 4) {
        memset(p + 10, 0, 2);
        memset(p + 12, 0, 4);
    } else {
        memset(p + 8, 0, 16);
    }
    memset(p + tcp + 8, 0, 4);
    memset(p + tcp + 16, 0, 2);
}

struct rt_result {
    size_t frames, identical, masked_equal, differ, bad_csum;
    struct mcp_stats u, d;
};

static void round_trip_with(const char *capture, const char *sig, const char *steer,
                            void (*tweak)(struct mcp_config *), struct rt_result *r)
{
    struct mcpt_capture c;
    memset(r, 0, sizeof *r);
    CU_ASSERT_EQUAL_FATAL(mcpt_load(capture, &c), 0);
    struct mcpt u, d;
    mcpt_create(&u, MCP_ROLE_UMCP, sig, steer, tweak);
    mcpt_create(&d, MCP_ROLE_DMCP, sig, steer, tweak);
    static uint8_t mid[70000], fin[70000], a[70000];
    for (size_t i = 0; i < c.n; i++) {
        struct mcpt_frame *f = &c.f[i];
        size_t ml, fl;
        u.now = d.now = f->ts_ns;
        struct mcp_verdict vu = mcpt_run(&u, f->ip, f->len, f->side, mid, &ml);
        if (vu.decision == MCP_D_DROP)
            continue;
        if (vu.decision == MCP_D_REWRITE && !mcpt_csum_ok(mid, ml) && f->ip[0] >> 4 == 4 &&
            mcpt_csum_ok(f->ip, f->len))
            r->bad_csum++;
        struct mcp_verdict vd = mcpt_run(&d, mid, ml, f->side, fin, &fl);
        if (vd.decision == MCP_D_DROP)
            continue;
        r->frames++;
        if (fl == f->len && memcmp(fin, f->ip, fl) == 0) {
            r->identical++;
            continue;
        }
        memcpy(a, f->ip, f->len);
        if (fl == f->len && f->side == MCP_SIDE_NETWORK) {
            mask_rewrite_return(a, f->len);
            mask_rewrite_return(fin, fl);
            if (memcmp(a, fin, fl) == 0) {
                r->masked_equal++;
                continue;
            }
        }
        r->differ++;
    }
    r->u = *mcp_stats(u.dp);
    r->d = *mcp_stats(d.dp);
    mcpt_destroy(&u);
    mcpt_destroy(&d);
    mcpt_free(&c);
}

static void round_trip(const char *capture, const char *sig, const char *steer,
                       struct rt_result *r)
{
    round_trip_with(capture, sig, steer, NULL, r);
}

static void test_every_design_round_trips_capture_a_byte_for_byte(void)
{
    for (size_t s = 0; s < 5; s++)
        for (size_t t = 0; t < 4; t++) {
            struct rt_result r;
            round_trip("testdata/pcaps/a-mptcp-join-addaddr.pcap", signals[s], steers[t], &r);
            CU_ASSERT_EQUAL(r.frames, 4318);
            CU_ASSERT_EQUAL(r.bad_csum, 0);
            bool rewrite = strcmp(steers[t], "rewrite") == 0;
            bool hello = strcmp(signals[s], "hello") == 0;
            /* hello: the SYN/ACK leaving the dMCP carries HI_I_AM_A_PROXY (4 bytes more);
             * rewrite: server->client packets keep the dMCP as source on the middle leg
             * (masked fields); everything else is identical. Hello leaves the first
             * connection unsteered, so rewrite changes nothing there. */
            size_t expect_differ = hello ? 1 : 0;
            CU_ASSERT_EQUAL(r.differ, expect_differ);
            size_t expect_masked = rewrite && !hello ? 2188 : 0; /* every server->client frame */
            CU_ASSERT_EQUAL(r.masked_equal, expect_masked);
            if (r.differ != expect_differ || r.bad_csum)
                fprintf(stderr, "\n  %s/%s: %zu differ, %zu bad checksums\n", signals[s],
                        steers[t], r.differ, r.bad_csum);
        }
}

static void test_ipv6_capture_round_trips_with_srh_and_tunnel(void)
{
    for (size_t t = 0; t < 4; t++) {
        struct rt_result r;
        round_trip("testdata/pcaps/g6-mptcp-ipv6-join.pcap", "prefer-proxy", steers[t], &r);
        CU_ASSERT_EQUAL(r.frames, 1464);
        CU_ASSERT_EQUAL(r.differ, 0);
        CU_ASSERT_EQUAL(r.u.reasons[MCP_R_SYN_SIGNAL_INSERTED], 1);
        CU_ASSERT_EQUAL(r.u.reasons[MCP_R_SYN_JOIN_KNOWN], 2);
        CU_ASSERT_EQUAL(r.d.reasons[MCP_R_SYN_MPC_SIGNALLED], 1);
        CU_ASSERT_EQUAL(r.d.reasons[MCP_R_SYN_JOIN_KNOWN], 2);
    }
}

static void test_uMCP_signals_steers_and_counts_what_it_added(void)
{
    struct rt_result r;
    round_trip("testdata/pcaps/a-mptcp-join-addaddr.pcap", "prefer-proxy", "srcroute", &r);
    /* One MP_CAPABLE SYN marked, two MP_JOINs found by the token of the server's key
     * (0xde464bc7 in capture a) and steered with them. */
    CU_ASSERT_EQUAL(r.u.reasons[MCP_R_SYN_SIGNAL_INSERTED], 1);
    CU_ASSERT_EQUAL(r.u.reasons[MCP_R_SYN_JOIN_KNOWN], 2);
    CU_ASSERT_EQUAL(r.u.reasons[MCP_R_SYN_JOIN_UNKNOWN], 0);
    /* Bytes: 4 (MP_PREFER_PROXY) + 8 x every client->server packet (LSRR). */
    uint64_t c2s = r.u.decisions[MCP_D_REWRITE];
    CU_ASSERT_EQUAL(r.u.bytes_added, 4 + 8 * c2s);
    CU_ASSERT_EQUAL(r.d.bytes_removed, r.u.bytes_added);
    CU_ASSERT_EQUAL(r.d.decisions[MCP_D_TERMINATE], 4318);
    CU_ASSERT_EQUAL(r.u.ops[MCP_OP_PARSE], 4318);
}

static void test_plain_and_fallback_captures_are_never_broken(void)
{
    const char *caps[] = { "testdata/pcaps/b-fallback-tcp-server.pcap",
                           "testdata/pcaps/c-strip-iptables-client-side.pcap",
                           "testdata/pcaps/c-strip-iptables-server-side.pcap",
                           "testdata/pcaps/i-ipv4-lsrr.pcap", "testdata/pcaps/h-srv6-srh.pcap",
                           "testdata/pcaps/e-mptcp-prio-rmaddr-fastclose.pcap" };
    for (size_t i = 0; i < sizeof caps / sizeof caps[0]; i++)
        for (size_t t = 0; t < 4; t++) {
            struct rt_result r;
            round_trip(caps[i], "flag", steers[t], &r);
            CU_ASSERT_EQUAL(r.differ, 0);
            CU_ASSERT(r.frames > 300);
            if (r.differ)
                fprintf(stderr, "\n  %s/%s: %zu differ\n", caps[i], steers[t], r.differ);
        }
}

static void carry_convert(struct mcp_config *c) { c->carry = MCP_CARRY_CONVERT; }
static void carry_convert_shared(struct mcp_config *c)
{
    c->carry = MCP_CARRY_CONVERT;
    c->addr_mode = MCP_ADDR_SHARE;
}

static void test_rfc8803_convert_carrier_and_address_sharing_round_trip(void)
{
    /* Preservation: client->server identical; server->client differ only in the masked
     * fields. Sharing: the server leg runs from the pool address and port, so the
     * client->server packets leaving the dMCP differ in source address and port (and the
     * checksums): counted as differing, all of them. The captured server->client packets
     * are addressed to the client, not to the pool, so they match no mapping and pass
     * untouched (the return mapping is tested on built packets in mcp_decisions). */
    struct rt_result r;
    round_trip_with("testdata/pcaps/a-mptcp-join-addaddr.pcap", "flag", "rewrite",
                    carry_convert, &r);
    CU_ASSERT_EQUAL(r.differ, 0);
    CU_ASSERT_EQUAL(r.masked_equal, 2188);
    CU_ASSERT_EQUAL(r.u.bytes_added, 3 * 24); /* one Connect per SYN (1 + 2 joins) */
    round_trip_with("testdata/pcaps/g6-mptcp-ipv6-join.pcap", "flag", "rewrite", carry_convert,
                    &r);
    CU_ASSERT_EQUAL(r.differ, 0);
    round_trip_with("testdata/pcaps/a-mptcp-join-addaddr.pcap", "flag", "rewrite",
                    carry_convert_shared, &r);
    CU_ASSERT_EQUAL(r.differ, 2130);
    CU_ASSERT_EQUAL(r.identical, 2188);
    CU_ASSERT_EQUAL(r.d.reasons[MCP_R_SYN_MPC_SIGNALLED], 1);
}

SUITE(mcp_datapath, NULL, NULL,
      TEST(test_rfc8803_convert_carrier_and_address_sharing_round_trip),
      TEST(test_every_design_round_trips_capture_a_byte_for_byte),
      TEST(test_ipv6_capture_round_trips_with_srh_and_tunnel),
      TEST(test_uMCP_signals_steers_and_counts_what_it_added),
      TEST(test_plain_and_fallback_captures_are_never_broken))
