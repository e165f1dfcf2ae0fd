/* replay_mcp.c - the uMCP/dMCP roles of `mcpsim replay`: the datapath over a capture.
 *
 * Implements the datapath's platform interface (models/mcp/mcp_platform.h) over a pcap:
 *   - clock: the timestamp of the frame being replayed;
 *   - timers: one pending timer per (fn, arg), fired when the capture's time passes it;
 *   - emit: replies the datapath sends by itself (cookie SYN/ACKs) are counted, not written,
 *     so that OUT keeps one frame per input frame;
 *   - deliver_local: a terminated packet is written to OUT as the datapath left it (signal
 *     and steering removed, addresses mapped back): what the dMCP's stack relays onward;
 *   - memory: the peak of the state bytes is reported.
 * Which side a packet comes from: the source endpoint of every SYN (without ACK) is a client;
 * packets from a client endpoint, or IP-in-IP packets (from the uMCP), arrive on the customer
 * side, all others on the network side. A bounded table of client endpoints (65536, LRU by
 * overwrite) is enough for any test capture.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/replay_mcp.h"
#include "models/mcp/mcp.h"
#include "models/proxy/mcp_params.h"
#include "models/wire/bytes.h"

#define CLIENTS REPLAY_SIDE_CLIENTS

struct replay_timer {
    mcp_timer_fn fn;
    void *arg;
    mcp_ns_t at;
};

struct replay_mcp {
    struct mcp *dp;
    mcp_ns_t now;
    struct replay_timer timer;
    FILE *decisions;
    uint64_t emitted, delivered;
    size_t peak_state;
    uint8_t *out;
    size_t outcap;
    struct replay_sides sides;
};

static mcp_ns_t rp_now(void *ctx) { return ((struct replay_mcp *)ctx)->now; }

static int rp_timer_arm(void *ctx, mcp_ns_t at, mcp_timer_fn fn, void *arg)
{
    struct replay_mcp *r = ctx;
    r->timer = (struct replay_timer){ fn, arg, at };
    return 0;
}

static void rp_timer_cancel(void *ctx, mcp_timer_fn fn, void *arg)
{
    struct replay_mcp *r = ctx;
    if (r->timer.fn == fn && r->timer.arg == arg)
        r->timer.fn = NULL;
}

static int rp_emit(void *ctx, const uint8_t *pkt, size_t len, enum mcp_side out, uint32_t ifi)
{
    (void)pkt, (void)len, (void)out, (void)ifi;
    ((struct replay_mcp *)ctx)->emitted++;
    return 0;
}

static int rp_deliver(void *ctx, const struct mcp_handoff *h)
{
    (void)h;
    ((struct replay_mcp *)ctx)->delivered++;
    return 0;
}

static void rp_mem(void *ctx, int64_t delta, uint64_t total)
{
    struct replay_mcp *r = ctx;
    (void)delta;
    if (total > r->peak_state)
        r->peak_state = total;
}

static uint32_t client_slot(const uint8_t addr[16], uint16_t port)
{
    uint32_t h = 2166136261u;
    for (int i = 0; i < 16; i++)
        h = (h ^ addr[i]) * 16777619u;
    h = (h ^ port) * 16777619u;
    return h % CLIENTS;
}

/* Source endpoint of an IP/TCP packet (addr zero-padded); 0 if not TCP. */
static int src_endpoint(const uint8_t *p, size_t len, uint8_t addr[16], uint16_t *port,
                        uint8_t *flags, int *tunnel)
{
    memset(addr, 0, 16);
    *tunnel = 0;
    if (len >= 20 && p[0] >> 4 == 4) {
        size_t ihl = (size_t)(p[0] & 15) * 4;
        if (p[9] == 4 || p[9] == 41)
            *tunnel = 1;
        if (p[9] != 6 || len < ihl + 14)
            return 0;
        memcpy(addr, p + 12, 4);
        *port = rd16(p + ihl);
        *flags = p[ihl + 13];
        return 1;
    }
    if (len >= 40 && p[0] >> 4 == 6) {
        if (p[6] == 41 || p[6] == 4)
            *tunnel = 1;
        memcpy(addr, p + 8, 16);
        /* Walk the usual extension headers to TCP. */
        uint8_t nh = p[6];
        size_t off = 40;
        while ((nh == 0 || nh == 43 || nh == 60) && len >= off + 8) {
            nh = p[off];
            off += ((size_t)p[off + 1] + 1) * 8;
        }
        if (nh != 6 || len < off + 14)
            return 0;
        *port = rd16(p + off);
        *flags = p[off + 13];
        return 1;
    }
    return 0;
}

enum mcp_side replay_side_of(struct replay_sides *r, const uint8_t *p, size_t len)
{
    uint8_t addr[16], flags = 0;
    uint16_t port = 0;
    int tunnel;
    if (!src_endpoint(p, len, addr, &port, &flags, &tunnel))
        return tunnel ? MCP_SIDE_CUSTOMER : MCP_SIDE_NETWORK;
    uint32_t s = client_slot(addr, port);
    if ((flags & 0x12) == 0x02) { /* SYN without ACK: the source is a client */
        memcpy(r->clients[s].addr, addr, 16);
        r->clients[s].port = port;
        r->clients[s].used = 1;
        return MCP_SIDE_CUSTOMER;
    }
    return r->clients[s].used && r->clients[s].port == port &&
                   memcmp(r->clients[s].addr, addr, 16) == 0
               ? MCP_SIDE_CUSTOMER
               : MCP_SIDE_NETWORK;
}

void *replay_mcp_create(const struct replay_args *a, int role, char *err, size_t errlen)
{
    struct mcp_params prm;
    mcp_params_defaults(&prm);
    prm.role = role;
    for (int i = 0; i < a->nsets; i++)
        if (mcp_params_set(&prm, a->sets[i], err, errlen) != 0)
            return NULL;
    prm.role = role; /* --role wins over --set mcp.role */
    struct mcp_config cfg;
    if (mcp_params_to_config(&prm, &cfg, err, errlen) != 0)
        return NULL;
    struct replay_mcp *r = calloc(1, sizeof *r);
    if (!r) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    r->outcap = 65536 + 1024;
    r->out = malloc(r->outcap);
    struct mcp_platform plat = { .ctx = r, .now_ns = rp_now, .timer_arm = rp_timer_arm,
                                 .timer_cancel = rp_timer_cancel, .emit = rp_emit,
                                 .deliver_local = rp_deliver, .mem_changed = rp_mem };
    if (!r->out || mcp_create(&cfg, &plat, &r->dp, err, errlen) != 0)
        goto fail;
    if (a->decisions) {
        r->decisions = fopen(a->decisions, "w");
        if (!r->decisions) {
            snprintf(err, errlen, "cannot write decisions file %s", a->decisions);
            goto fail;
        }
        fprintf(r->decisions, "frame,decision,reason,flows,state_bytes,bytes_delta\n");
    }
    return r;
fail:
    if (!err[0])
        snprintf(err, errlen, "out of memory");
    replay_mcp_destroy(r);
    return NULL;
}

int replay_mcp_packet(void *state, struct wire_pkt *pkt, const uint8_t *ip, size_t len,
                      uint64_t frame, int64_t ts_ns)
{
    struct replay_mcp *r = state;
    r->now = ts_ns;
    if (r->timer.fn && r->timer.at <= r->now) {
        struct replay_timer t = r->timer;
        r->timer.fn = NULL;
        t.fn(t.arg, r->now);
    }
    struct mcp_verdict v;
    size_t outlen;
    enum mcp_side side = replay_side_of(&r->sides, ip, len);
    mcp_process(r->dp, ip, len, side, side == MCP_SIDE_CUSTOMER ? 0 : 1, r->out, r->outcap,
                &outlen, &v);
    if (r->decisions)
        fprintf(r->decisions, "%llu,%s,%s,%u,%zu,%d\n", (unsigned long long)frame,
                mcp_decision_name(v.decision), mcp_reason_name(v.reason), mcp_flows(r->dp),
                mcp_state_bytes(r->dp), v.bytes_delta);
    if (v.decision == MCP_D_DROP || v.decision == MCP_D_REPLY)
        return REPLAY_MCP_DROP;
    if ((v.decision == MCP_D_REWRITE || v.decision == MCP_D_TERMINATE) && outlen) {
        /* The encoder writes what the model holds: decode the datapath's bytes into it. */
        wire_pkt_decode(r->out, outlen, pkt);
    }
    return REPLAY_MCP_PASS;
}

void replay_mcp_finish(void *state, FILE *f)
{
    struct replay_mcp *r = state;
    fprintf(f, "datapath counters:\n");
    mcp_stats_print(mcp_stats(r->dp), f);
    fprintf(f, "  %-31s %u\n  %-31s %zu\n  %-31s %zu\n  %-31s %zu\n  %-31s %llu\n", "flows.live",
            mcp_flows(r->dp), "state.bytes_per_flow", mcp_flow_entry_size(r->dp),
            "state.peak_bytes", r->peak_state, "state.allocated_bytes", mcp_alloc_bytes(r->dp),
            "replies.not_written", (unsigned long long)r->emitted);
    char routes[512];
    if (mcp_routes_needed(r->dp, routes, sizeof routes) > 0)
        fprintf(f, "routes needed in every router between uMCP and dMCP (steer=ssr):\n%s",
                routes);
}

void replay_mcp_destroy(void *state)
{
    struct replay_mcp *r = state;
    if (!r)
        return;
    if (r->decisions)
        fclose(r->decisions);
    mcp_destroy(r->dp);
    free(r->out);
    free(r);
}
