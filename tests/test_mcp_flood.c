/* test_mcp_flood.c - a flood of spoofed SYNs at a dMCP (protocol.md H12): 10 million SYNs
 * from random sources to random destinations, half of them MP_CAPABLE with the proxy flag
 * (each asks to be terminated), generated in memory. Meanwhile a legitimate client opens a
 * connection every 10,000 packets and completes it 1,000 packets later (its RTT at the
 * flood rate). The memory held must stay at the configured cap and every legitimate
 * connection must be admitted and stay. With MCPSIM_SANITIZE set the count is scaled down
 * (the same shape, 200,000 SYNs) so that `make sanitize` stays well under a minute.
 */
#include <stdlib.h>
#include <string.h>

#include "models/mcp/mcp.h"
#include "models/wire/bytes.h"
#include "tests/harness.h"
#include "tests/mcp_fixture.h"

static void flood_config(struct mcp_config *c)
{
    c->flow_capacity = 1u << 16;
    c->halfopen_max = 1u << 14;
    c->pending_per_client = 8;
}

static void flood_config_cookies(struct mcp_config *c)
{
    flood_config(c);
    c->cookies = true;
}

static uint64_t flood_count(void)
{
    return getenv("MCPSIM_SANITIZE") ? 200000 : 10000000;
}

struct flood_result {
    uint64_t legit, admitted, established_at_end;
    size_t alloc_before, alloc_after, peak_state, cap_state;
    uint32_t halfopen_peak_ok;
};

static void run_flood(void (*tweak)(struct mcp_config *), struct flood_result *r)
{
    static uint8_t plain[256], mpc[256], out[4096], pkt[256];
    static const uint8_t mpc_flag[4] = { 30, 4, 0x01, 0x11 }; /* v1, H + proxy flag D */
    static const uint8_t mpc_v1[4] = { 30, 4, 0x01, 0x01 };
    size_t pl = mcpt_syn4(plain, 1, 1, 2, 80, 0x002, 7, 0, NULL, 0, 1);
    size_t ml = mcpt_syn4(mpc, 1, 1, 2, 80, 0x002, 7, 0, mpc_flag, 4, 1);
    struct mcpt d;
    mcpt_create(&d, MCP_ROLE_DMCP, "flag", "ssr", tweak);
    memset(r, 0, sizeof *r);
    r->alloc_before = mcp_alloc_bytes(d.dp);
    r->cap_state = (size_t)(1u << 16) * mcp_flow_entry_size(d.dp);
    uint64_t x = 0x9e3779b97f4a7c15ULL, n = flood_count();
    uint32_t pending_port[16];
    uint64_t pending_at[16], pending_key[16];
    int npending = 0;
    for (uint64_t i = 0; i < n; i++) {
        d.now += 1000; /* 1 million SYNs per simulated second */
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        const uint8_t *tpl = (i & 1) ? mpc : plain;
        size_t len = (i & 1) ? ml : pl;
        memcpy(pkt, tpl, len);
        wr32(pkt + 12, (uint32_t)x);          /* random spoofed source */
        wr32(pkt + 16, (uint32_t)(x >> 32));  /* random destination */
        wr16(pkt + 20, (uint16_t)(x >> 17));  /* random source port */
        size_t ol;
        struct mcp_verdict v;
        mcp_process(d.dp, pkt, len, MCP_SIDE_CUSTOMER, 0, out, sizeof out, &ol, &v);
        if (i % 10000 == 5000 && npending < 16) {
            /* A legitimate client: SYN now, SYN/ACK and ACK 1,000 packets later. */
            uint16_t port = (uint16_t)(20000 + r->legit % 40000);
            uint8_t syn[256];
            size_t sl = mcpt_syn4(syn, 0x0a010102u, port, 0x0a020102u, 443, 0x002, 100, 0,
                                  mpc_flag, 4, 1);
            mcp_process(d.dp, syn, sl, MCP_SIDE_CUSTOMER, 0, out, sizeof out, &ol, &v);
            r->legit++;
            r->admitted += v.decision == MCP_D_TERMINATE || v.decision == MCP_D_REPLY;
            pending_port[npending] = port;
            pending_at[npending++] = i + 1000;
            if (v.decision == MCP_D_REPLY) { /* cookie: the ACK answers the SYN/ACK sent */
                pending_at[npending - 1] |= (uint64_t)rd32(d.emitted + 24) << 32;
                pending_key[npending - 1] = rd64(d.emitted + 20 + 24 + 4);
            }
        }
        for (int k = 0; k < npending; k++) {
            if ((pending_at[k] & 0xffffffffu) != i)
                continue;
            uint8_t seg[256];
            uint32_t cookie = (uint32_t)(pending_at[k] >> 32);
            size_t sl;
            if (!cookie) {
                sl = mcpt_syn4(seg, 0x0a020102u, 443, 0x0a010102u, (uint16_t)pending_port[k],
                               0x012, 900, 101, mpc_v1, 4, 1);
                mcp_process(d.dp, seg, sl, MCP_SIDE_NETWORK, 1, out, sizeof out, &ol, &v);
                sl = mcpt_syn4(seg, 0x0a010102u, (uint16_t)pending_port[k], 0x0a020102u, 443,
                               0x010, 101, 901, NULL, 0, 0);
            } else {
                /* Third ACK echoing both keys (v1): the datapath's key is the one of the
                 * SYN/ACK it emitted for this client. */
                uint8_t m20[20] = { 30, 20, 0x01, 0x01 };
                wr64(m20 + 4, 0x1122334455667788ULL);
                wr64(m20 + 12, pending_key[k]);
                sl = mcpt_syn4(seg, 0x0a010102u, (uint16_t)pending_port[k], 0x0a020102u, 443,
                               0x010, 101, cookie + 1, m20, 20, 0);
            }
            mcp_process(d.dp, seg, sl, MCP_SIDE_CUSTOMER, 0, out, sizeof out, &ol, &v);
            pending_port[k] = pending_port[npending - 1];
            pending_key[k] = pending_key[npending - 1];
            pending_at[k] = pending_at[--npending];
            k--;
        }
        size_t sb = mcp_state_bytes(d.dp);
        if (sb > r->peak_state)
            r->peak_state = sb;
    }
    r->alloc_after = mcp_alloc_bytes(d.dp);
    /* Legitimate connections are the only established entries the flood cannot make. */
    struct mcp_verdict v;
    size_t ol;
    uint8_t probe[256];
    uint64_t alive = 0;
    for (uint64_t k = 0; k < r->legit; k++) {
        size_t sl = mcpt_syn4(probe, 0x0a010102u, (uint16_t)(20000 + k % 40000), 0x0a020102u,
                              443, 0x010, 200, 901, NULL, 0, 0);
        mcp_process(d.dp, probe, sl, MCP_SIDE_CUSTOMER, 0, out, sizeof out, &ol, &v);
        alive += v.decision == MCP_D_TERMINATE;
    }
    r->established_at_end = alive;
    mcpt_destroy(&d);
}

static void test_syn_flood_keeps_memory_capped_and_admits_legitimate_clients(void)
{
    struct flood_result r;
    run_flood(flood_config, &r);
    CU_ASSERT(r.legit >= 20);
    CU_ASSERT_EQUAL(r.admitted, r.legit);
    CU_ASSERT_EQUAL(r.established_at_end, r.legit);
    CU_ASSERT_EQUAL(r.alloc_after, r.alloc_before); /* nothing allocated per packet */
    CU_ASSERT(r.peak_state <= r.cap_state);
}

static void test_syn_flood_with_cookies_holds_no_half_open_state(void)
{
    struct flood_result r;
    run_flood(flood_config_cookies, &r);
    CU_ASSERT_EQUAL(r.admitted, r.legit);
    CU_ASSERT_EQUAL(r.established_at_end, r.legit);
    CU_ASSERT_EQUAL(r.alloc_after, r.alloc_before);
    /* Only the legitimate connections hold entries. */
    CU_ASSERT(r.peak_state <= (r.legit + 1) * (r.cap_state >> 16));
}

SUITE(mcp_flood, NULL, NULL,
      TEST(test_syn_flood_keeps_memory_capped_and_admits_legitimate_clients),
      TEST(test_syn_flood_with_cookies_holds_no_half_open_state))
