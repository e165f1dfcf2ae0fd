/* test_mcp_cookie.c - the RFC 8803 explicit-mode cookie and authorization exchange
 * (mcp_convauth.c): a uMCP and a dMCP with carry=convert and rewrite, on SYNs built in memory.
 * First contact is refused with Missing Cookie carrying a Cookie TLV (bytes checked against
 * the RFC 8803 6.2 layout, decoded by models/wire and, for the TCP framing, by tshark: tshark
 * 4.0 has no Convert dissector), the retry carries the cookie and is accepted, forged and old
 * cookies are handled, a spoofed-source flood costs no state, a client outside the policy gets
 * Not Authorized and goes end-to-end. Every comparison is exact. */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/mcp/mcp.h"
#include "models/mcp/mcp_cookie.h"
#include "models/proxy/mcp_params.h"
#include "models/wire/bytes.h"
#include "models/wire/convert.h"
#include "models/wire/packet.h"
#include "tests/harness.h"
#include "tests/mcp_fixture.h"

#define C1 0x0a010102u /* client 10.1.1.2 */
#define S1 0x0a020102u /* server 10.2.1.2 */
#define TTL_S 600      /* cookie period used by these tests */

static const uint8_t MPC_V1_SYN[4] = { 30, 4, 0x01, 0x01 };
static uint8_t in[2048], out[4096], out2[4096];
static size_t dl; /* length of the dMCP's output in out2 */

static void cookie_cfg(struct mcp_config *c)
{
    c->carry = MCP_CARRY_CONVERT;
    c->convert_cookie = true;
    c->convert_cookie_ttl_ns = TTL_S * MCP_NS_PER_S;
}

static void plain_convert_cfg(struct mcp_config *c) { c->carry = MCP_CARRY_CONVERT; }

static void other_secret_cfg(struct mcp_config *c)
{
    cookie_cfg(c);
    c->secret_seed = 77;
}

static void policy_cfg(struct mcp_config *c)
{
    cookie_cfg(c);
    c->convert_allow_n = 1;
    c->convert_allow[0] = (struct mcp_prefix){ .family = 4, .len = 16,
                                               .addr = { 10, 9 } }; /* 10.9.0.0/16 */
}

static size_t client_syn(uint32_t src, uint16_t sport)
{
    return mcpt_syn4(in, src, sport, S1, 80, 0x002, 1000, 0, MPC_V1_SYN, 4, 1);
}

static const struct wire_pkt *decode(const uint8_t *pkt, size_t len)
{
    static struct wire_pkt w;
    CU_ASSERT_EQUAL_FATAL(wire_pkt_decode(pkt, len, &w), 0);
    return &w;
}

static uint64_t conv(const struct mcpt *t, enum mcp_convert_counter c)
{
    return mcp_stats(t->dp)->convert[c];
}

/* Client SYN through the uMCP, then to the dMCP; the verdict at the dMCP. *ml: uMCP output. */
static struct mcp_verdict through(struct mcpt *u, struct mcpt *d, uint32_t src, uint16_t sport,
                                  size_t *ml, struct mcp_verdict *uv)
{
    size_t n = client_syn(src, sport);
    *uv = mcpt_run(u, in, n, MCP_SIDE_CUSTOMER, out, ml);
    return mcpt_run(d, out, *ml, MCP_SIDE_CUSTOMER, out2, &dl);
}

/* Hands the dMCP's last reply (a Convert error in a SYN/ACK) back to the uMCP. */
static struct mcp_verdict reply_to_umcp(struct mcpt *u, const struct mcpt *d)
{
    size_t ol;
    return mcpt_run(u, d->emitted, d->emitted_len, MCP_SIDE_NETWORK, out2, &ol);
}

static void write_raw_pcap(const char *path, const uint8_t *const *pkts, const size_t *lens,
                           int n)
{
    pcap_t *dead = pcap_open_dead(DLT_RAW, 65535);
    pcap_dumper_t *dump = pcap_dump_open(dead, path);
    CU_ASSERT_PTR_NOT_NULL_FATAL(dump);
    for (int i = 0; i < n; i++) {
        struct pcap_pkthdr h = { .ts = { (time_t)i, 0 }, .caplen = (bpf_u_int32)lens[i],
                                 .len = (bpf_u_int32)lens[i] };
        pcap_dump((u_char *)dump, &h, pkts[i]);
    }
    pcap_dump_close(dump);
    pcap_close(dead);
}

static void test_first_contact_gets_missing_cookie_then_the_retry_is_accepted(void)
{
    struct mcpt u, d;
    mcpt_create(&u, MCP_ROLE_UMCP, "flag", "rewrite", cookie_cfg);
    mcpt_create(&d, MCP_ROLE_DMCP, "flag", "rewrite", cookie_cfg);
    size_t alloc = mcp_alloc_bytes(d.dp), ml;
    struct mcp_verdict uv, v = through(&u, &d, C1, 46000, &ml, &uv);
    static uint8_t syn1[256];
    size_t syn1_len = ml;
    memcpy(syn1, out, ml);
    /* First SYN: header + Connect, 24 bytes, no cookie yet. */
    CU_ASSERT_EQUAL(uv.bytes_delta, 24);
    CU_ASSERT_EQUAL(v.decision, MCP_D_REPLY);
    CU_ASSERT_EQUAL(v.reason, MCP_R_MISSING_COOKIE);
    CU_ASSERT_EQUAL(mcp_flows(d.dp), 0);
    CU_ASSERT_EQUAL(mcp_state_bytes(d.dp), 0);
    CU_ASSERT_EQUAL(mcp_alloc_bytes(d.dp), alloc);
    CU_ASSERT_EQUAL(conv(&d, MCP_C_COOKIE_MADE), 1);
    CU_ASSERT_EQUAL(conv(&d, MCP_C_ERROR_BYTES), 20);
    /* The reply: SYN/ACK dMCP -> C with the RFC 8803 6.2 layout: fixed header (version 1,
     * 5 words, magic 0x2263), Cookie TLV (22, 3 words, 16 zero bits, 8-byte cookie whose first
     * two bytes are the time counter), Error TLV (30, 1 word, code 3 Missing Cookie, no value). */
    CU_ASSERT_EQUAL_FATAL(d.nemit, 1);
    CU_ASSERT(mcpt_csum_ok(d.emitted, d.emitted_len));
    const struct wire_pkt *w = decode(d.emitted, d.emitted_len);
    CU_ASSERT_EQUAL(w->ip.v4.src, 0xc0000202u);
    CU_ASSERT_EQUAL(w->ip.v4.dst, C1);
    CU_ASSERT_EQUAL(w->tcp.dport, 46000);
    CU_ASSERT_EQUAL(w->tcp.flags & 0x12, 0x12);
    CU_ASSERT_EQUAL_FATAL(w->payload_len, 20);
    static const uint8_t head[] = { 1, 5, 0x22, 0x63, 22, 3, 0, 0 };
    static const uint8_t tail[] = { 30, 1, 3, 0 };
    CU_ASSERT_EQUAL(memcmp(w->payload, head, 8), 0);
    CU_ASSERT_EQUAL(rd16(w->payload + 8), (uint16_t)(d.now / MCP_NS_PER_S / TTL_S));
    CU_ASSERT_EQUAL(memcmp(w->payload + 16, tail, 4), 0);
    struct convert_msg msg;
    size_t used;
    CU_ASSERT_EQUAL_FATAL(convert_decode(w->payload, w->payload_len, &msg, &used), 0);
    CU_ASSERT_EQUAL(used, 20);
    CU_ASSERT_EQUAL(msg.present, CONVERT_HAS_COOKIE | CONVERT_HAS_ERROR);
    CU_ASSERT_EQUAL(msg.error.code, CONVERT_E_MISSING_COOKIE);
    CU_ASSERT_EQUAL(msg.cookie.len, 8);
    uint8_t cookie[8];
    memcpy(cookie, msg.cookie.data, 8);
    static uint8_t reply[256];
    size_t reply_len = d.emitted_len;
    memcpy(reply, d.emitted, reply_len);
    /* The uMCP keeps the cookie, drops the SYN/ACK and forgets the flow. */
    v = mcpt_run(&u, reply, reply_len, MCP_SIDE_NETWORK, out2, &ml);
    CU_ASSERT_EQUAL(v.decision, MCP_D_DROP);
    CU_ASSERT_EQUAL(v.reason, MCP_R_MISSING_COOKIE);
    CU_ASSERT_EQUAL(conv(&u, MCP_C_COOKIE_STORED), 1);
    CU_ASSERT_EQUAL(mcp_flows(u.dp), 0);
    /* The client's retransmitted SYN carries the Cookie TLV: 24 + 12 = 36 payload bytes. */
    v = through(&u, &d, C1, 46000, &ml, &uv);
    CU_ASSERT_EQUAL(uv.decision, MCP_D_REWRITE);
    CU_ASSERT_EQUAL(uv.bytes_delta, 36);
    w = decode(out, ml);
    CU_ASSERT_EQUAL_FATAL(convert_decode(w->payload, w->payload_len, &msg, &used), 0);
    CU_ASSERT_EQUAL(used, 36);
    CU_ASSERT_EQUAL(msg.present, CONVERT_HAS_CONNECT | CONVERT_HAS_COOKIE);
    CU_ASSERT_EQUAL(memcmp(msg.cookie.data, cookie, 8), 0);
    CU_ASSERT_EQUAL(conv(&u, MCP_C_COOKIE_SYNS), 1);
    CU_ASSERT_EQUAL(conv(&u, MCP_C_COOKIE_SYN_BYTES), 12);
    CU_ASSERT_EQUAL(v.decision, MCP_D_TERMINATE);
    CU_ASSERT_EQUAL(v.reason, MCP_R_SYN_MPC_SIGNALLED);
    CU_ASSERT_EQUAL(conv(&d, MCP_C_COOKIE_VALID), 1);
    CU_ASSERT(mcp_flows(d.dp) > 0);
    /* The server's leg has neither carrier nor cookie: the dMCP removed all 36 bytes. */
    CU_ASSERT_EQUAL(dl, ml - 36);
    CU_ASSERT_EQUAL(decode(out2, dl)->payload_len, 0);
    /* The same exchange seen by tshark: three well-formed TCP segments, the error 20 bytes. */
    if (!harness_have_tool("tshark")) {
        harness_skip("tshark not installed: framing check skipped");
    } else {
        char path[4096], cmd[4400];
        snprintf(path, sizeof path, "%s/convert-cookie.pcap", harness_tmpdir());
        const uint8_t *pk[3] = { syn1, reply, out };
        size_t ln[3] = { syn1_len, reply_len, ml };
        write_raw_pcap(path, pk, ln, 3);
        snprintf(cmd, sizeof cmd,
                 "tshark -n -r %s -o tcp.check_checksum:TRUE -o ip.check_checksum:TRUE "
                 "-T fields -e tcp.len -e tcp.checksum.status -e ip.checksum.status "
                 "-e tcp.payload 2>/dev/null", path);
        char *txt = NULL;
        CU_ASSERT_EQUAL(harness_run(cmd, &txt), 0);
        char want_reply[128];
        snprintf(want_reply, sizeof want_reply, "20\t1\t1\t0105226316030000%02x", cookie[0]);
        CU_ASSERT_PTR_NOT_NULL_FATAL(txt);
        CU_ASSERT_PTR_NOT_NULL(strstr(txt, "24\t1\t1\t01062263"));
        CU_ASSERT_PTR_NOT_NULL(strstr(txt, want_reply));
        CU_ASSERT_PTR_NOT_NULL(strstr(txt, "36\t1\t1\t01092263"));
        free(txt);
    }
    mcpt_destroy(&u);
    mcpt_destroy(&d);
}

static void test_forged_cookie_gets_not_authorized(void)
{
    /* A cookie made by another converter's secret is not ours: Not Authorized (RFC 8803
     * 6.2.7), no state. The uMCP learnt it from dMCP "x" (seed 77) and presents it to d. */
    struct mcpt u, x, d;
    mcpt_create(&u, MCP_ROLE_UMCP, "flag", "rewrite", cookie_cfg);
    mcpt_create(&x, MCP_ROLE_DMCP, "flag", "rewrite", other_secret_cfg);
    mcpt_create(&d, MCP_ROLE_DMCP, "flag", "rewrite", cookie_cfg);
    size_t ml, ol;
    struct mcp_verdict uv, v = through(&u, &x, C1, 46000, &ml, &uv);
    CU_ASSERT_EQUAL(v.reason, MCP_R_MISSING_COOKIE);
    reply_to_umcp(&u, &x);
    v = through(&u, &d, C1, 46000, &ml, &uv);
    CU_ASSERT_EQUAL(uv.bytes_delta, 36);
    CU_ASSERT_EQUAL(v.decision, MCP_D_REPLY);
    CU_ASSERT_EQUAL(v.reason, MCP_R_NOT_AUTHORIZED);
    CU_ASSERT_EQUAL(conv(&d, MCP_C_COOKIE_FORGED), 1);
    CU_ASSERT_EQUAL(mcp_flows(d.dp), 0);
    const struct wire_pkt *w = decode(d.emitted, d.emitted_len);
    static const uint8_t err32[] = { 1, 2, 0x22, 0x63, 30, 1, 32, 0 };
    CU_ASSERT_EQUAL(w->payload_len, 8);
    CU_ASSERT_EQUAL(memcmp(w->payload, err32, 8), 0);
    /* A valid cookie altered in transit is forged too: a fresh uMCP gets d's cookie, then
     * two 16-bit words of the carried cookie are swapped (the TCP checksum stays right). */
    struct mcpt u2;
    mcpt_create(&u2, MCP_ROLE_UMCP, "flag", "rewrite", cookie_cfg);
    v = through(&u2, &d, C1, 46001, &ml, &uv);
    CU_ASSERT_EQUAL(v.reason, MCP_R_MISSING_COOKIE);
    reply_to_umcp(&u2, &d);
    v = through(&u2, &d, C1, 46002, &ml, &uv);
    CU_ASSERT_EQUAL(v.reason, MCP_R_SYN_MPC_SIGNALLED);
    size_t n = client_syn(C1, 46003);
    mcpt_run(&u2, in, n, MCP_SIDE_CUSTOMER, out, &ml);
    size_t c = ml - 8; /* the cookie is the last 8 payload bytes (the SYN has no data) */
    CU_ASSERT_FATAL(memcmp(out + c + 2, out + c + 4, 2) != 0);
    uint8_t t2[2];
    memcpy(t2, out + c + 2, 2);
    memcpy(out + c + 2, out + c + 4, 2);
    memcpy(out + c + 4, t2, 2);
    CU_ASSERT(mcpt_csum_ok(out, ml));
    v = mcpt_run(&d, out, ml, MCP_SIDE_CUSTOMER, out2, &ol);
    CU_ASSERT_EQUAL(v.reason, MCP_R_NOT_AUTHORIZED);
    CU_ASSERT_EQUAL(conv(&d, MCP_C_COOKIE_FORGED), 2);
    mcpt_destroy(&u2);
    mcpt_destroy(&u);
    mcpt_destroy(&x);
    mcpt_destroy(&d);
}

static void test_old_cookie_is_replaced_in_one_round_trip(void)
{
    /* A cookie older than two periods: Missing Cookie again with a fresh cookie (as a TFO
     * server answers an outdated cookie), the next retry is accepted. */
    struct mcpt u, d;
    mcpt_create(&u, MCP_ROLE_UMCP, "flag", "rewrite", cookie_cfg);
    mcpt_create(&d, MCP_ROLE_DMCP, "flag", "rewrite", cookie_cfg);
    size_t ml;
    struct mcp_verdict uv, v = through(&u, &d, C1, 46000, &ml, &uv);
    reply_to_umcp(&u, &d);
    /* One period later the cookie is still good (valid 1..2 periods). */
    d.now += TTL_S * MCP_NS_PER_S;
    u.now = d.now;
    v = through(&u, &d, C1, 46001, &ml, &uv);
    CU_ASSERT_EQUAL(v.reason, MCP_R_SYN_MPC_SIGNALLED);
    d.now += 2 * TTL_S * MCP_NS_PER_S;
    u.now = d.now;
    v = through(&u, &d, C1, 46002, &ml, &uv);
    CU_ASSERT_EQUAL(v.reason, MCP_R_MISSING_COOKIE);
    CU_ASSERT_EQUAL(conv(&d, MCP_C_COOKIE_EXPIRED), 1);
    CU_ASSERT_EQUAL(conv(&d, MCP_C_COOKIE_MADE), 2);
    reply_to_umcp(&u, &d);
    v = through(&u, &d, C1, 46002, &ml, &uv);
    CU_ASSERT_EQUAL(v.reason, MCP_R_SYN_MPC_SIGNALLED);
    CU_ASSERT_EQUAL(conv(&d, MCP_C_COOKIE_VALID), 2);
    mcpt_destroy(&u);
    mcpt_destroy(&d);
}

static void test_spoofed_source_flood_with_cookies_costs_no_state(void)
{
    /* H12: Convert SYNs from random (spoofed) sources. With convert_cookie the dMCP answers
     * each with a stateless Missing Cookie (or drops it when the error rate limit says no):
     * no flow, no state, no allocation; each reply's payload (20 B) is smaller than the
     * Convert SYN's (24 B): no amplification. A legitimate client with a cookie still gets
     * in. */
    struct mcpt u, d;
    mcpt_create(&u, MCP_ROLE_UMCP, "flag", "rewrite", cookie_cfg);
    mcpt_create(&d, MCP_ROLE_DMCP, "flag", "rewrite", cookie_cfg);
    size_t ml;
    struct mcp_verdict uv, v = through(&u, &d, C1, 46000, &ml, &uv);
    reply_to_umcp(&u, &d);
    size_t alloc = mcp_alloc_bytes(d.dp);
    uint64_t n = getenv("MCPSIM_SANITIZE") ? 20000 : 200000, x = 0x9e3779b97f4a7c15ULL;
    uint64_t made0 = conv(&d, MCP_C_COOKIE_MADE);
    int nemit0 = d.nemit;
    for (uint64_t i = 0; i < n; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        d.now += 10000; /* 100,000 SYNs/s */
        u.now = d.now;
        v = through(&u, &d, (uint32_t)x | 0x01000000u, (uint16_t)(x >> 40 | 1024), &ml, &uv);
        CU_ASSERT_FATAL(v.decision == MCP_D_REPLY || v.reason == MCP_R_ERROR_RATE_LIMITED);
    }
    CU_ASSERT_EQUAL(mcp_flows(d.dp), 0);
    CU_ASSERT_EQUAL(mcp_state_bytes(d.dp), 0);
    CU_ASSERT_EQUAL(mcp_alloc_bytes(d.dp), alloc);
    CU_ASSERT_EQUAL(conv(&d, MCP_C_COOKIE_MADE) - made0, n);
    /* Replies at most burst + rate x duration (100/s, burst 10), rounded up; and at least
     * the burst (the limit lets some through: the exchange still works under flood). */
    uint64_t refill = (n * 10000 * 100 + MCP_NS_PER_S - 1) / MCP_NS_PER_S;
    CU_ASSERT((uint64_t)(d.nemit - nemit0) <= 10 + refill + 1);
    CU_ASSERT((uint64_t)(d.nemit - nemit0) >= 10);
    CU_ASSERT_EQUAL(mcp_stats(d.dp)->reasons[MCP_R_MISSING_COOKIE] +
                        mcp_stats(d.dp)->reasons[MCP_R_ERROR_RATE_LIMITED],
                    n + 1);
    v = through(&u, &d, C1, 47000, &ml, &uv);
    CU_ASSERT_EQUAL(v.reason, MCP_R_SYN_MPC_SIGNALLED);
    mcpt_destroy(&u);
    mcpt_destroy(&d);
}

static void test_client_outside_the_policy_is_not_authorized_and_goes_end_to_end(void)
{
    struct mcpt u, d;
    mcpt_create(&u, MCP_ROLE_UMCP, "flag", "rewrite", cookie_cfg);
    mcpt_create(&d, MCP_ROLE_DMCP, "flag", "rewrite", policy_cfg);
    size_t ml;
    struct mcp_verdict uv, v = through(&u, &d, C1, 46000, &ml, &uv);
    CU_ASSERT_EQUAL(v.decision, MCP_D_REPLY);
    CU_ASSERT_EQUAL(v.reason, MCP_R_NOT_AUTHORIZED);
    CU_ASSERT_EQUAL(conv(&d, MCP_C_POLICY_REFUSED), 1);
    CU_ASSERT_EQUAL(mcp_flows(d.dp), 0);
    static const uint8_t err32[] = { 1, 2, 0x22, 0x63, 30, 1, 32, 0 };
    const struct wire_pkt *w = decode(d.emitted, d.emitted_len);
    CU_ASSERT_EQUAL(w->payload_len, 8);
    CU_ASSERT_EQUAL(memcmp(w->payload, err32, 8), 0);
    v = reply_to_umcp(&u, &d);
    CU_ASSERT_EQUAL(v.decision, MCP_D_DROP);
    CU_ASSERT_EQUAL(v.reason, MCP_R_NOT_AUTHORIZED);
    CU_ASSERT_EQUAL(conv(&u, MCP_C_CLIENT_REFUSED), 1);
    /* The retransmitted SYN, and new ones, go end-to-end untouched (no conversion). */
    size_t n = client_syn(C1, 46000);
    v = mcpt_run(&u, in, n, MCP_SIDE_CUSTOMER, out, &ml);
    CU_ASSERT_EQUAL(v.decision, MCP_D_PASS);
    CU_ASSERT_EQUAL(v.reason, MCP_R_NOT_AUTHORIZED);
    CU_ASSERT_EQUAL(memcmp(out, in, n), 0);
    /* Another client of the same uMCP is not affected; one inside the prefix is served. */
    v = through(&u, &d, 0x0a090001u, 46000, &ml, &uv); /* 10.9.0.1 */
    CU_ASSERT_EQUAL(uv.reason, MCP_R_SYN_SIGNAL_INSERTED);
    CU_ASSERT_EQUAL(v.reason, MCP_R_MISSING_COOKIE);
    /* After convert_refuse (1 h) the refused client is tried again. */
    u.now += 3601 * MCP_NS_PER_S;
    v = mcpt_run(&u, in, n, MCP_SIDE_CUSTOMER, out, &ml);
    CU_ASSERT_EQUAL(v.reason, MCP_R_SYN_SIGNAL_INSERTED);
    mcpt_destroy(&u);
    mcpt_destroy(&d);
}

static void test_defaults_need_no_cookie_and_keep_the_old_error_handling(void)
{
    /* convert_cookie off (default): the first Convert SYN is terminated; a uMCP without it
     * treats a Missing Cookie as any converter error (flow forgotten, nothing stored) and
     * its next SYN carries the plain 24-byte carrier. Nothing is allocated for cookies. */
    struct mcpt u, d, dc;
    mcpt_create(&u, MCP_ROLE_UMCP, "flag", "rewrite", plain_convert_cfg);
    mcpt_create(&d, MCP_ROLE_DMCP, "flag", "rewrite", plain_convert_cfg);
    mcpt_create(&dc, MCP_ROLE_DMCP, "flag", "rewrite", cookie_cfg);
    size_t ml, ol;
    struct mcp_verdict uv, v = through(&u, &d, C1, 46000, &ml, &uv);
    CU_ASSERT_EQUAL(v.decision, MCP_D_TERMINATE);
    v = through(&u, &dc, C1, 46001, &ml, &uv);
    CU_ASSERT_EQUAL(v.reason, MCP_R_MISSING_COOKIE);
    v = mcpt_run(&u, dc.emitted, dc.emitted_len, MCP_SIDE_NETWORK, out2, &ol);
    CU_ASSERT_EQUAL(v.reason, MCP_R_CONVERTER_ERROR);
    v = through(&u, &dc, C1, 46001, &ml, &uv);
    CU_ASSERT_EQUAL(uv.bytes_delta, 24);
    for (int i = 0; i < MCP_C_COUNT; i++) {
        enum mcp_convert_counter k = (enum mcp_convert_counter)i;
        CU_ASSERT_EQUAL(conv(&u, k) + conv(&d, k), 0);
    }
    struct mcpt u2;
    mcpt_create(&u2, MCP_ROLE_UMCP, "flag", "rewrite", cookie_cfg);
    CU_ASSERT(mcp_alloc_bytes(u2.dp) > mcp_alloc_bytes(u.dp)); /* the per-client cache */
    mcpt_destroy(&u2);
    mcpt_destroy(&u);
    mcpt_destroy(&d);
    mcpt_destroy(&dc);
}

static void test_allow_parameter_parses_prefixes_and_refuses_bad_ones(void)
{
    struct mcp_params p;
    struct mcp_config c;
    char err[256];
    mcp_params_defaults(&p);
    CU_ASSERT_EQUAL(mcp_params_to_config(&p, &c, err, sizeof err), 0);
    CU_ASSERT_EQUAL(c.convert_allow_n, 0);
    CU_ASSERT_FALSE(c.convert_cookie);
    CU_ASSERT_EQUAL(mcp_params_set(&p, "mcp.convert_allow=10.0.0.0/8, 2001:db8:c::/48;192.0.2.7",
                                   err, sizeof err), 0);
    CU_ASSERT_EQUAL_FATAL(mcp_params_to_config(&p, &c, err, sizeof err), 0);
    CU_ASSERT_EQUAL(c.convert_allow_n, 3);
    CU_ASSERT_EQUAL(c.convert_allow[0].family, 4);
    CU_ASSERT_EQUAL(c.convert_allow[0].len, 8);
    CU_ASSERT_EQUAL(c.convert_allow[1].family, 6);
    CU_ASSERT_EQUAL(c.convert_allow[1].len, 48);
    CU_ASSERT_EQUAL(c.convert_allow[2].len, 32);
    const char *bad[] = {
        "10.0.0.0/33", "bogus", "10.0.0.0/", "2001:db8::/129",
        "1.1.1.1 2.2.2.2 3.3.3.3 4.4.4.4 5.5.5.5 6.6.6.6 7.7.7.7 8.8.8.8 9.9.9.9",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char a[160];
        snprintf(a, sizeof a, "convert_allow=%s", bad[i]);
        CU_ASSERT_EQUAL(mcp_params_set(&p, a, err, sizeof err), 0);
        err[0] = 0;
        CU_ASSERT_EQUAL(mcp_params_to_config(&p, &c, err, sizeof err), -1);
        CU_ASSERT_PTR_NOT_NULL(strstr(err, "convert_allow"));
    }
}

static void test_convert_cookie_binds_address_and_time(void)
{
    /* The cookie helper alone: valid in its period and the next, expired after, forged for
     * another address, another secret, another length. */
    struct mcp_cookie_config kc = { .period_ns = 64 * MCP_NS_PER_S, .max_age = 2 };
    memset(kc.secret, 7, sizeof kc.secret);
    struct mcp_cookie_jar *j, *j2;
    char err[128];
    CU_ASSERT_EQUAL_FATAL(mcp_cookie_create(&kc, &j, err, sizeof err), 0);
    kc.secret[0] = 8;
    CU_ASSERT_EQUAL_FATAL(mcp_cookie_create(&kc, &j2, err, sizeof err), 0);
    const mcp_ns_t P = 3600 * MCP_NS_PER_S, t0 = 1000 * P + P / 2;
    uint8_t a[16] = { 10, 1, 1, 2 }, b[16] = { 10, 1, 1, 3 }, c[MCP_CONVERT_COOKIE_LEN];
    mcp_cookie_convert_make(j, 4, a, P, t0, c);
    CU_ASSERT_EQUAL(rd16(c), 1000);
    CU_ASSERT_EQUAL(mcp_cookie_convert_check(j, 4, a, c, sizeof c, P, t0), MCP_COOKIE_VALID);
    CU_ASSERT_EQUAL(mcp_cookie_convert_check(j, 4, a, c, sizeof c, P, t0 + P), MCP_COOKIE_VALID);
    CU_ASSERT_EQUAL(mcp_cookie_convert_check(j, 4, a, c, sizeof c, P, t0 + 2 * P),
                    MCP_COOKIE_EXPIRED);
    CU_ASSERT_EQUAL(mcp_cookie_convert_check(j, 4, b, c, sizeof c, P, t0), MCP_COOKIE_FORGED);
    CU_ASSERT_EQUAL(mcp_cookie_convert_check(j, 6, a, c, sizeof c, P, t0), MCP_COOKIE_FORGED);
    CU_ASSERT_EQUAL(mcp_cookie_convert_check(j2, 4, a, c, sizeof c, P, t0), MCP_COOKIE_FORGED);
    CU_ASSERT_EQUAL(mcp_cookie_convert_check(j, 4, a, c, sizeof c - 1, P, t0),
                    MCP_COOKIE_FORGED);
    uint8_t c2[MCP_CONVERT_COOKIE_LEN];
    mcp_cookie_convert_make(j, 4, a, P, t0 + P, c2);
    CU_ASSERT_NOT_EQUAL(memcmp(c, c2, sizeof c), 0); /* a new period, a new cookie */
    mcp_cookie_destroy(j);
    mcp_cookie_destroy(j2);
}

static void test_mcp_table_reports_the_cookie_first_contact_cost(void)
{
    /* H4/H16 measured on capture a (one MP_CAPABLE connection, two MP_JOINs that need no
     * cookie): 24 B carrier, 20 B Missing Cookie payload, 36 B on the retry, one extra round
     * trip for the one first contact. */
    char cmd[4400], *txt = NULL;
    snprintf(cmd, sizeof cmd, "%s mcp-table", harness_mcpsim());
    CU_ASSERT_EQUAL_FATAL(harness_run(cmd, &txt), 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(txt);
    CU_ASSERT_PTR_NOT_NULL(strstr(txt, "first Convert SYN +24 B payload -> Missing Cookie "
                                       "(20 B error payload); retried SYN +36 B"));
    CU_ASSERT_PTR_NOT_NULL(strstr(txt, "Cookie TLV 12 B in the SYN payload, 0 TCP option"));
    CU_ASSERT_PTR_NOT_NULL(strstr(txt, "1 first contact(s), each one extra round trip; 1 "
                                       "SYN(s) admitted"));
    free(txt);
}

SUITE(mcp_cookie, NULL, NULL,
      TEST(test_first_contact_gets_missing_cookie_then_the_retry_is_accepted),
      TEST(test_forged_cookie_gets_not_authorized),
      TEST(test_old_cookie_is_replaced_in_one_round_trip),
      TEST(test_spoofed_source_flood_with_cookies_costs_no_state),
      TEST(test_client_outside_the_policy_is_not_authorized_and_goes_end_to_end),
      TEST(test_defaults_need_no_cookie_and_keep_the_old_error_handling),
      TEST(test_allow_parameter_parses_prefixes_and_refuses_bad_ones),
      TEST(test_mcp_table_reports_the_cookie_first_contact_cost),
      TEST(test_convert_cookie_binds_address_and_time))
