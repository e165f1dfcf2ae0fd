/* test_mcp_srh.c - srcroute steering over IPv6 with the reduced SRH (mcp.srh_reduced, RFC 8754
 * section 4.1.1), in process on capture g6 (1464 frames, 705 client->server).
 *
 * What the uMCP puts on the middle leg is decoded and checked packet by packet (24-byte
 * SRH, the dMCP as destination and in no list entry, the server as Segment List[0]); the
 * dMCP, configured for either form, gives back the capture byte for byte; the counters and
 * mcp_design_cost say 24 bytes per packet where the full form says 40.
 */
#include <string.h>

#include "models/mcp/mcp.h"
#include "models/wire/packet.h"
#include "tests/harness.h"
#include "tests/mcp_fixture.h"

#define CAP_G6 "testdata/pcaps/g6-mptcp-ipv6-join.pcap"
#define G6_C2S 705 /* client->server frames of capture g6: every one is steered */

static void reduced(struct mcp_config *c) { c->srh_reduced = true; }

struct srh_run {
    size_t frames, identical, steered, well_formed;
    struct mcp_stats u, d;
};

/* Middle-leg packet of a steered flow: one SRH of nseg list entries whose path is
 * {dMCP, original destination}, Segments Left 1, the dMCP as destination. */
static bool steered_as(const uint8_t *mid, size_t ml, const uint8_t *orig, size_t ol,
                       const uint8_t dmcp[16], unsigned nseg)
{
    static struct wire_pkt m, o;
    struct ipv6_srh s;
    uint8_t path[4][16];
    size_t n;
    if (wire_pkt_decode(mid, ml, &m) != 0 || wire_pkt_decode(orig, ol, &o) != 0 ||
        ipv6_srh_get(&m.ip.v6, &s) != 0 || ipv6_srh_path(&m.ip.v6, path, 4, &n) != 0)
        return false;
    return ml == ol + ipv6_srh_len(nseg) && s.nseg == nseg && s.segleft == 1 &&
           s.first_in_dst == (nseg == 1) && n == 2 && memcmp(path[0], dmcp, 16) == 0 &&
           memcmp(path[1], o.ip.v6.dst, 16) == 0 && memcmp(m.ip.v6.dst, dmcp, 16) == 0;
}

static void run(void (*u_tweak)(struct mcp_config *), void (*d_tweak)(struct mcp_config *),
                unsigned nseg, struct srh_run *r)
{
    struct mcpt_capture c;
    memset(r, 0, sizeof *r);
    CU_ASSERT_EQUAL_FATAL(mcpt_load(CAP_G6, &c), 0);
    struct mcpt u, d;
    mcpt_create(&u, MCP_ROLE_UMCP, "flag", "srcroute", u_tweak);
    mcpt_create(&d, MCP_ROLE_DMCP, "flag", "srcroute", d_tweak);
    struct mcp_config cfg;
    mcp_config_defaults(&cfg);
    static uint8_t mid[70000], fin[70000];
    for (size_t i = 0; i < c.n; i++) {
        struct mcpt_frame *f = &c.f[i];
        size_t ml, fl;
        u.now = d.now = f->ts_ns;
        struct mcp_verdict vu = mcpt_run(&u, f->ip, f->len, f->side, mid, &ml);
        if (vu.decision == MCP_D_REWRITE && f->side == MCP_SIDE_CUSTOMER) {
            r->steered++;
            r->well_formed += steered_as(mid, ml, f->ip, f->len, cfg.dmcp6, nseg);
        }
        struct mcp_verdict vd = mcpt_run(&d, mid, ml, f->side, fin, &fl);
        if (vd.decision == MCP_D_DROP)
            continue;
        r->frames++;
        r->identical += fl == f->len && memcmp(fin, f->ip, fl) == 0;
    }
    r->u = *mcp_stats(u.dp);
    r->d = *mcp_stats(d.dp);
    mcpt_destroy(&u);
    mcpt_destroy(&d);
    mcpt_free(&c);
}

static void test_reduced_srh_steers_every_packet_and_the_dmcp_restores_the_capture(void)
{
    struct srh_run r;
    run(reduced, reduced, 1, &r);
    CU_ASSERT_EQUAL(r.steered, G6_C2S);
    CU_ASSERT_EQUAL(r.well_formed, G6_C2S);
    CU_ASSERT_EQUAL(r.frames, 1464);
    CU_ASSERT_EQUAL(r.identical, 1464);
    /* The proxy flag costs no byte: everything added is the 24-byte SRH. */
    CU_ASSERT_EQUAL(r.u.bytes_added, 24 * G6_C2S);
    CU_ASSERT_EQUAL(r.d.bytes_removed, 24 * G6_C2S);
    CU_ASSERT_EQUAL(r.d.reasons[MCP_R_SYN_MPC_SIGNALLED], 1);
    CU_ASSERT_EQUAL(r.d.reasons[MCP_R_SYN_JOIN_KNOWN], 2);
}

static void test_full_srh_costs_16_bytes_more_on_the_same_packets(void)
{
    struct srh_run r;
    run(NULL, NULL, 2, &r);
    CU_ASSERT_EQUAL(r.well_formed, G6_C2S);
    CU_ASSERT_EQUAL(r.identical, 1464);
    CU_ASSERT_EQUAL(r.u.bytes_added, 40 * G6_C2S);
    CU_ASSERT_EQUAL(r.d.bytes_removed, 40 * G6_C2S);
}

/* The dMCP recognises the steering by the destination and Segments Left, not by the form:
 * one configured for the other form still removes it (mixed deployments). */
static void test_dmcp_removes_either_form_whatever_its_own_setting(void)
{
    struct srh_run r;
    run(reduced, NULL, 1, &r);
    CU_ASSERT_EQUAL(r.identical, 1464);
    CU_ASSERT_EQUAL(r.d.bytes_removed, 24 * G6_C2S);
    run(NULL, reduced, 2, &r);
    CU_ASSERT_EQUAL(r.identical, 1464);
    CU_ASSERT_EQUAL(r.d.bytes_removed, 40 * G6_C2S);
}

static void test_design_cost_is_24_bytes_reduced_40_full_and_8_for_ipv4(void)
{
    struct mcpt full, red;
    mcpt_create(&full, MCP_ROLE_UMCP, "flag", "srcroute", NULL);
    mcpt_create(&red, MCP_ROLE_UMCP, "flag", "srcroute", reduced);
    struct mcp_design_cost c;
    mcp_design_cost(full.dp, 6, &c);
    CU_ASSERT_EQUAL(c.per_packet_bytes, 40);
    CU_ASSERT_EQUAL(c.syn_extra_bytes, 40);
    mcp_design_cost(red.dp, 6, &c);
    CU_ASSERT_EQUAL(c.per_packet_bytes, 24);
    CU_ASSERT_EQUAL(c.syn_extra_bytes, 24);
    mcp_design_cost(red.dp, 4, &c); /* IPv4 keeps the 8-byte LSRR */
    CU_ASSERT_EQUAL(c.per_packet_bytes, 8);
    mcpt_destroy(&full);
    mcpt_destroy(&red);
}

SUITE(mcp_srh, NULL, NULL,
      TEST(test_reduced_srh_steers_every_packet_and_the_dmcp_restores_the_capture),
      TEST(test_full_srh_costs_16_bytes_more_on_the_same_packets),
      TEST(test_dmcp_removes_either_form_whatever_its_own_setting),
      TEST(test_design_cost_is_24_bytes_reduced_40_full_and_8_for_ipv4))
