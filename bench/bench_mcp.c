/* bench_mcp.c - packets per second through the MCP datapath (mcp_process), one core, CPU
 * time, packets built in memory first so only the datapath is timed.
 *   pass-through   data segments of a flow the proxy does not track (the common case on a
 *                  transparent on-path box): parse, one lookup, forward. Target >= 5 M/s.
 *   tracked data   data segments of a tracked, steered flow with source-specific routing
 *                  (lookup + timeout refresh, nothing rewritten).
 *   lsrr data      the same flow steered with LSRR: the uMCP inserts 8 bytes per packet.
 *   SYN insert     MP_CAPABLE SYNs from distinct clients at a uMCP: classification, flow
 *                  insertion and proxy-flag marking with checksum fix. Target >= 1 M/s.
 * Also prints the bytes of state per tracked flow (entry + its share of both indexes).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/harness.h"
#include "models/mcp/mcp.h"
#include "models/wire/bytes.h"
#include "models/wire/checksum.h"
#include "models/wire/packet.h"

static mcp_ns_t bclock = 1000000000;
static mcp_ns_t b_now(void *ctx) { (void)ctx; return bclock; }

static struct mcp *make(enum mcp_role role, const char *signal, const char *steer)
{
    struct mcp_config c;
    mcp_config_defaults(&c);
    c.role = role;
    snprintf(c.signal, sizeof c.signal, "%s", signal);
    snprintf(c.steer, sizeof c.steer, "%s", steer);
    c.flow_capacity = 1u << 22;
    c.halfopen_max = 1u << 22;
    c.pending_per_client = 0;
    struct mcp_platform p = { .now_ns = b_now };
    struct mcp *m;
    char err[256];
    if (mcp_create(&c, &p, &m, err, sizeof err) != 0) {
        fprintf(stderr, "bench_mcp: %s\n", err);
        exit(1);
    }
    return m;
}

/* An IPv4 TCP segment with timestamps (and MP_CAPABLE v1 on a SYN), 1448 payload bytes on
 * data segments (only headers are present: the datapath never reads data payload). */
static size_t segment(uint8_t *buf, uint32_t src, uint16_t sport, uint16_t flags)
{
    static struct wire_pkt w;
    memset(&w, 0, sizeof w);
    w.family = 4;
    w.has_tcp = 1;
    w.proto = 6;
    struct tcp_hdr *t = &w.tcp;
    t->sport = sport;
    t->dport = 443;
    t->seq = 1000;
    t->ack = flags & 0x10 ? 2000 : 0;
    t->flags = flags;
    t->window = 502;
    tcp_opts_clear(t);
    tcp_opt_append_nop(t);
    tcp_opt_append_nop(t);
    tcp_opt_append_timestamp(t, 1, 2);
    if (flags & 0x02) {
        static const uint8_t mpc[4] = { 30, 4, 0x01, 0x01 };
        tcp_opt_append_mss(t, 1460);
        tcp_opt_append_raw(t, mpc, 4);
    }
    tcp_opts_pad(t);
    uint32_t pay = flags & 0x02 ? 0 : 1448;
    w.ip.v4.tot_len = (uint16_t)(20 + tcp_hdr_len(t) + pay);
    w.ip.v4.ttl = 64;
    w.ip.v4.proto = 6;
    w.ip.v4.src = src;
    w.ip.v4.dst = 0x0a020102u;
    ipv4_set_csum(&w.ip.v4);
    size_t len;
    wire_pkt_encode(&w, buf, 256, &len); /* headers only: a snaplen-cut segment */
    return len;
}

static void run(const char *label, struct mcp *m, uint8_t (*pkts)[256], const size_t *lens,
                size_t npkts, size_t rounds, enum mcp_side side)
{
    static uint8_t out[4096];
    struct mcp_verdict v;
    size_t ol;
    double t0 = bench_cpu();
    for (size_t r = 0; r < rounds; r++)
        for (size_t i = 0; i < npkts; i++) {
            bclock += 100;
            mcp_process(m, pkts[i], lens[i], side, 0, out, sizeof out, &ol, &v);
        }
    double dt = bench_cpu() - t0;
    bench_report(label, (double)(rounds * npkts) / dt / 1e6, "M packets/s");
}

BENCH(mcp)
{
    enum { N = 1024 };
    static uint8_t pkts[N][256];
    static size_t lens[N];
    /* Pass-through: untracked data segments at a dMCP. */
    struct mcp *d = make(MCP_ROLE_DMCP, "flag", "ssr");
    for (size_t i = 0; i < N; i++)
        lens[i] = segment(pkts[i], 0x0a010000u + (uint32_t)i, 40000, 0x010);
    run("pass-through data (untracked)", d, pkts, lens, N, 5000, MCP_SIDE_CUSTOMER);
    mcp_destroy(d);
    /* Tracked: 1024 steered flows at a uMCP, then their data segments. */
    const char *steer[2] = { "ssr", "srcroute" };
    const char *label[2] = { "tracked data, ssr (lookup+refresh)", "tracked data, lsrr (+8 B)" };
    for (int s = 0; s < 2; s++) {
        struct mcp *u = make(MCP_ROLE_UMCP, "flag", steer[s]);
        static uint8_t syn[256], out[4096];
        struct mcp_verdict v;
        size_t ol;
        for (size_t i = 0; i < N; i++) {
            size_t sl = segment(syn, 0x0a010000u + (uint32_t)i, 40000, 0x002);
            mcp_process(u, syn, sl, MCP_SIDE_CUSTOMER, 0, out, sizeof out, &ol, &v);
        }
        run(label[s], u, pkts, lens, N, 3000, MCP_SIDE_CUSTOMER);
        mcp_destroy(u);
    }
    /* SYN classification with insertion: 2 M distinct clients. */
    struct mcp *u = make(MCP_ROLE_UMCP, "flag", "ssr");
    uint8_t tpl[256];
    size_t tl = segment(tpl, 0, 40000, 0x002);
    static uint8_t out[4096];
    struct mcp_verdict v;
    size_t ol, nsyn = 2000000;
    double t0 = bench_cpu();
    for (size_t i = 0; i < nsyn; i++) {
        wr32(tpl + 12, 0x0b000000u + (uint32_t)i);
        bclock += 100;
        mcp_process(u, tpl, tl, MCP_SIDE_CUSTOMER, 0, out, sizeof out, &ol, &v);
    }
    double dt = bench_cpu() - t0;
    bench_report("SYN classify + insert + mark", (double)nsyn / dt / 1e6, "M SYNs/s");
    bench_report("flows tracked after SYN run", (double)mcp_flows(u), "flows");
    bench_report("state per tracked flow", (double)mcp_flow_entry_size(u), "bytes");
    bench_report("state in use after SYN run", (double)mcp_state_bytes(u) / 1e6, "MB");
    mcp_destroy(u);
}
