/* mcp_fixture.c - in-memory platform, capture loading and SYN building for the mcp suites. */
#include <stdlib.h>
#include <string.h>

#include "cmd/replay_mcp.h"
#include "models/wire/bytes.h"
#include "models/wire/checksum.h"
#include "models/wire/packet.h"
#include "sim/pcap.h"
#include "tests/harness.h"
#include "tests/mcp_fixture.h"

static mcp_ns_t t_now(void *ctx) { return ((struct mcpt *)ctx)->now; }

static int t_emit(void *ctx, const uint8_t *pkt, size_t len, enum mcp_side out, uint32_t ifi)
{
    struct mcpt *t = ctx;
    (void)out, (void)ifi;
    t->nemit++;
    if (len <= sizeof t->emitted) {
        memcpy(t->emitted, pkt, len);
        t->emitted_len = len;
    }
    return 0;
}

static int t_deliver(void *ctx, const struct mcp_handoff *h)
{
    (void)h;
    ((struct mcpt *)ctx)->ndeliver++;
    return 0;
}

static void t_mem(void *ctx, int64_t delta, uint64_t total)
{
    (void)delta;
    ((struct mcpt *)ctx)->mem_total = total;
}

void mcpt_create(struct mcpt *t, enum mcp_role role, const char *signal, const char *steer,
                 void (*cfg_tweak)(struct mcp_config *c))
{
    memset(t, 0, sizeof *t);
    t->now = 1000 * MCP_NS_PER_S;
    struct mcp_config c;
    mcp_config_defaults(&c);
    c.role = role;
    snprintf(c.signal, sizeof c.signal, "%s", signal);
    snprintf(c.steer, sizeof c.steer, "%s", steer);
    c.flow_capacity = 4096;
    c.halfopen_max = 1024;
    c.cache_entries = 1024;
    if (cfg_tweak)
        cfg_tweak(&c);
    struct mcp_platform p = { .ctx = t, .now_ns = t_now, .emit = t_emit,
                              .deliver_local = t_deliver, .mem_changed = t_mem };
    char err[256] = "";
    int rc = mcp_create(&c, &p, &t->dp, err, sizeof err);
    if (rc)
        fprintf(stderr, "mcpt_create: %s\n", err);
    CU_ASSERT_EQUAL_FATAL(rc, 0);
}

void mcpt_destroy(struct mcpt *t) { mcp_destroy(t->dp); }

struct mcp_verdict mcpt_run(struct mcpt *t, const uint8_t *pkt, size_t len,
                            enum mcp_side from, uint8_t *out, size_t *outlen)
{
    struct mcp_verdict v;
    mcp_process(t->dp, pkt, len, from, from == MCP_SIDE_CUSTOMER ? 0 : 1, out, len + 2048,
                outlen, &v);
    if (v.decision == MCP_D_PASS) {
        memcpy(out, pkt, len);
        *outlen = len;
    }
    return v;
}

int mcpt_load(const char *shared_rel, struct mcpt_capture *c)
{
    return mcpt_load_path(harness_shared(shared_rel), c);
}

int mcpt_load_path(const char *path, struct mcpt_capture *c)
{
    char err[512];
    struct pcapio_reader *r;
    memset(c, 0, sizeof *c);
    if (pcapio_open_read(path, &r, err, sizeof err) < 0)
        return -1;
    static struct replay_sides sides;
    memset(&sides, 0, sizeof sides);
    size_t cap = 0;
    struct pcapio_frame f;
    while (pcapio_read(r, &f, err, sizeof err) == 1) {
        if (!f.l3_family)
            continue;
        if (c->n == cap) {
            cap = cap ? 2 * cap : 1024;
            c->f = realloc(c->f, cap * sizeof *c->f);
        }
        struct mcpt_frame *x = &c->f[c->n++];
        x->len = f.caplen - f.l3_off;
        x->ip = malloc(x->len);
        memcpy(x->ip, f.data + f.l3_off, x->len);
        x->ts_ns = f.ts_ns;
        x->side = replay_side_of(&sides, x->ip, x->len);
    }
    pcapio_close_read(r);
    return 0;
}

void mcpt_free(struct mcpt_capture *c)
{
    for (size_t i = 0; i < c->n; i++)
        free(c->f[i].ip);
    free(c->f);
}

size_t mcpt_syn4(uint8_t *buf, uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport,
                 uint16_t flags, uint32_t seq, uint32_t ack, const uint8_t *extra,
                 size_t extra_len, int baseline)
{
    struct wire_pkt w;
    memset(&w, 0, sizeof w);
    w.family = 4;
    w.has_tcp = 1;
    w.proto = 6;
    struct tcp_hdr *t = &w.tcp;
    t->sport = sport;
    t->dport = dport;
    t->seq = seq;
    t->ack = ack;
    t->flags = flags;
    t->window = 64240;
    tcp_opts_clear(t);
    if (baseline) {
        /* Linux SYN: MSS, SACK-permitted + timestamps, NOP + window scale = 20 bytes. */
        tcp_opt_append_mss(t, 1460);
        tcp_opt_append_sack_perm(t);
        tcp_opt_append_timestamp(t, 12345, 0);
        tcp_opt_append_nop(t);
        tcp_opt_append_wscale(t, 7);
    }
    for (size_t i = 0; i < extra_len;) { /* one option at a time */
        size_t ol = extra[i] <= TCPOPT_NOP ? 1 : extra[i + 1];
        tcp_opt_append_raw(t, extra + i, ol);
        i += ol ? ol : 1;
    }
    tcp_opts_pad(t);
    size_t tl = tcp_hdr_len(t);
    struct ipv4_hdr *ip = &w.ip.v4;
    ip->tot_len = (uint16_t)(20 + tl);
    ip->frag = IPV4_FLAG_DF;
    ip->ttl = 64;
    ip->proto = 6;
    ip->src = src;
    ip->dst = dst;
    ipv4_set_csum(ip);
    uint8_t seg[60];
    size_t n;
    tcp_encode(t, seg, sizeof seg, &n);
    t->csum = csum_transport(csum_pseudo_v4(src, dst, 6, (uint32_t)tl), seg, n, 16);
    size_t len;
    wire_pkt_encode(&w, buf, 2048, &len);
    return len;
}

int mcpt_csum_ok(const uint8_t *pkt, size_t len)
{
    static struct wire_pkt w;
    if (wire_pkt_decode(pkt, len, &w) != 0 || w.family != 4)
        return 0;
    if (w.proto == 4) { /* IP-in-IP: the outer header, then the inner packet */
        size_t hl = ipv4_hdr_len(&w.ip.v4);
        return ipv4_csum_ok(&w.ip.v4) && w.ip.v4.tot_len == len &&
               mcpt_csum_ok(pkt + hl, len - hl);
    }
    uint16_t c;
    if (!ipv4_csum_ok(&w.ip.v4) || wire_pkt_tcp_csum(&w, &c) != 0)
        return 0;
    return c == w.tcp.csum;
}
