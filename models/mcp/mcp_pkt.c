/* mcp_pkt.c - decoding a packet once and editing it with incremental checksum fixes.
 *
 * Every edit the datapath makes (an option added or removed, an address, port, sequence or
 * acknowledgment number changed, a SYN payload carrier added or removed) fixes the TCP and
 * IPv4 header checksums with RFC 1624 (HC' = ~(~HC + ~m + m')) over just the bytes that
 * changed, instead of summing the segment again; each fix is counted as one csum operation.
 * Edits of different lengths (an option appended) stay correct because they happen at an
 * even offset and zero bytes add nothing to a one's-complement sum.
 */
#include <string.h>

#include "models/mcp/mcp_internal.h"
#include "models/wire/bytes.h"
#include "models/wire/checksum.h"
#include "models/wire/wire_err.h"

/* RFC 1624 eq. 3 for a region that changed from old[olen] to new[nlen]. */
static uint16_t csum_replace(uint16_t hc, const uint8_t *old, size_t olen, const uint8_t *new,
                             size_t nlen)
{
    uint32_t m = csum_add(0, old, olen);
    m = (m & 0xffff) + (m >> 16);
    m = (m & 0xffff) + (m >> 16);
    uint32_t s = (uint16_t)~hc;
    s += (uint16_t)~m;
    s = csum_add(s, new, nlen);
    return csum_fold(s);
}

static void addr_bytes(const struct wire_pkt *w, bool dst, uint8_t out[16])
{
    memset(out, 0, 16);
    if (w->family == 4) {
        wr32(out, dst ? ipv4_final_dst(&w->ip.v4) : w->ip.v4.src);
    } else if (dst) {
        ipv6_final_dst(&w->ip.v6, out);
    } else {
        memcpy(out, w->ip.v6.src, 16);
    }
}

/* Whether the IP header is one a router would forward: IPv4 options that parse, a source
 * route whose length and pointer are valid, an IPv6 Segment Routing Header that is
 * consistent (RFC 8754 section 4.3.1.1 drops the others). The datapath must not act on,
 * nor add its signal to, a packet the next router drops. */
static bool ip_header_valid(const struct wire_pkt *w)
{
    if (w->ip_err)
        return false;
    if (w->family == 4) {
        struct ipv4_route r;
        int err = ipv4_route_get(&w->ip.v4, 0, &r);
        return err == 0 || err == WIRE_E_NOT_FOUND;
    }
    struct ipv6_srh s;
    int err = ipv6_srh_get(&w->ip.v6, &s);
    return err == 0 || err == WIRE_E_NOT_FOUND;
}

int mcp_pkt_decode(struct mcp *m, struct mcp_pkt *p, const uint8_t *in, size_t len,
                   enum mcp_reason *why)
{
    (void)m;
    p->in = in;
    p->inlen = len;
    p->changed = false;
    p->delta = 0;
    p->tunnel_family = 0;
    p->carrier_len = 0;
    p->has_cookie = false;
    p->cookie_len = 0;
    p->mpc_off = p->join_off = -1;
    wire_pkt_decode(in, len, &p->w);
    if (p->w.family == 0 || !ip_header_valid(&p->w)) {
        *why = MCP_R_BAD_IP;
        return -1;
    }
    if (p->w.proto != IPPROTO_NUM_TCP) {
        *why = MCP_R_NOT_TCP;
        return -1;
    }
    if (!p->w.has_tcp) {
        bool later = (p->w.family == 4 && ipv4_is_later_fragment(&p->w.ip.v4)) ||
                     (p->w.family == 6 && p->w.ip.v6.later_fragment);
        *why = later ? MCP_R_NOT_TCP : MCP_R_BAD_TCP;
        return -1;
    }
    struct mcp_tuple *k = &p->k;
    k->family = p->w.family;
    addr_bytes(&p->w, false, k->src);
    addr_bytes(&p->w, true, k->dst);
    k->sport = p->w.tcp.sport;
    k->dport = p->w.tcp.dport;
    p->k_in = *k;
    p->tflags = p->w.tcp.flags;
    *why = MCP_R_BAD_OPTIONS;
    if (p->w.tcp_err)
        return -1;
    struct mptcp_ctx ctx = { .tcp_flags = (uint8_t)(p->tflags & 0xff), .version = 1,
                             .has_payload = p->w.payload_len > 0 };
    const struct tcp_hdr *h = &p->w.tcp;
    for (unsigned i = 0; i < h->nopts; i++) {
        const struct tcp_opt *o = &h->opts[i];
        if (o->kind != TCPOPT_MPTCP)
            continue;
        struct mptcp_opt mo;
        if (mptcp_opt_parse(h->opt + o->off, (size_t)h->optlen - o->off, &ctx, &mo) != 0)
            return -1;
        if (mo.subtype == MPTCP_SUB_CAPABLE && p->mpc_off < 0) {
            p->mpc_off = o->off;
            p->mpc = mo;
        } else if (mo.subtype == MPTCP_SUB_JOIN && p->join_off < 0) {
            p->join_off = o->off;
            p->join = mo;
        }
    }
    return 0;
}

/* Encodes the TCP header to buf (<= 60 bytes) with a zero checksum field. */
static size_t tcp_bytes(const struct tcp_hdr *h, uint8_t buf[60])
{
    struct tcp_hdr c = *h;
    size_t n = 0;
    c.csum = 0;
    tcp_encode(&c, buf, 60, &n);
    return n;
}

void mcp_pkt_ip_grew(struct mcp *m, struct mcp_pkt *p, int32_t delta)
{
    if (p->w.family == 4) {
        struct ipv4_hdr *ip = &p->w.ip.v4;
        uint16_t old = ip->tot_len;
        ip->tot_len = (uint16_t)(ip->tot_len + delta);
        ip->csum = csum_update16(ip->csum, old, ip->tot_len);
    } else {
        p->w.ip.v6.plen = (uint16_t)(p->w.ip.v6.plen + delta);
    }
    p->w.ip_len = (uint32_t)((int32_t)p->w.ip_len + delta);
    p->delta += delta;
    p->changed = true;
    mcp_cost_add(m->cost, MCP_OP_CSUM);
}

/* After the TCP header changed from old to p->w.tcp: checksum and length fields. */
static void tcp_changed(struct mcp *m, struct mcp_pkt *p, const struct tcp_hdr *old)
{
    uint8_t a[60], b[60];
    size_t na = tcp_bytes(old, a), nb = tcp_bytes(&p->w.tcp, b);
    uint16_t c = csum_replace(p->w.tcp.csum, a, na, b, nb);
    if (na != nb) {
        uint32_t seg_old = (uint32_t)na + p->w.payload_len;
        uint32_t seg_new = (uint32_t)nb + p->w.payload_len;
        c = csum_update32(c, seg_old, seg_new); /* pseudo-header TCP length */
        mcp_pkt_ip_grew(m, p, (int32_t)nb - (int32_t)na);
    }
    p->w.tcp.csum = c;
    p->changed = true;
    mcp_cost_add(m->cost, MCP_OP_REWRITE);
    mcp_cost_add(m->cost, MCP_OP_CSUM);
}

/* Drops EOL padding at the end of the option list so options can be appended after it. */
static void trim_eol(struct tcp_hdr *h)
{
    if (h->nopts && h->opts[h->nopts - 1].kind == TCPOPT_EOL) {
        h->optlen = h->opts[h->nopts - 1].off;
        tcp_opts_parse(h);
    }
}

int mcp_pkt_opt_insert(struct mcp *m, struct mcp_pkt *p, int at, const uint8_t *opt,
                       size_t len)
{
    struct tcp_hdr old = p->w.tcp;
    struct tcp_hdr *h = &p->w.tcp;
    trim_eol(h);
    if (at < 0 || at > h->optlen)
        at = h->optlen;
    /* NOPs in front keep what follows on its 4-byte alignment, as Linux lays options out. */
    size_t pad = (4 - len % 4) % 4;
    if (h->optlen + len + pad > TCP_MAX_OPT_LEN) {
        p->w.tcp = old;
        return WIRE_E_OPT_SPACE;
    }
    size_t tail = (size_t)h->optlen - (size_t)at;
    memmove(h->opt + at + pad + len, h->opt + at, tail);
    memset(h->opt + at, TCPOPT_NOP, pad);
    memcpy(h->opt + at + pad, opt, len);
    h->optlen = (uint8_t)(h->optlen + pad + len);
    if (tcp_opts_parse(h) != 0) {
        p->w.tcp = old;
        return WIRE_E_OPT_LEN;
    }
    tcp_opts_pad(h);
    tcp_changed(m, p, &old);
    return 0;
}

int mcp_pkt_opt_append(struct mcp *m, struct mcp_pkt *p, const uint8_t *opt, size_t len)
{
    return mcp_pkt_opt_insert(m, p, -1, opt, len);
}

int mcp_pkt_opt_delete(struct mcp *m, struct mcp_pkt *p, uint8_t off)
{
    struct tcp_hdr old = p->w.tcp;
    struct tcp_hdr *h = &p->w.tcp;
    uint8_t len = 0;
    for (unsigned i = 0; i < h->nopts; i++)
        if (h->opts[i].off == off)
            len = h->opts[i].len;
    if (!len)
        return WIRE_E_NOT_FOUND;
    memmove(h->opt + off, h->opt + off + len, (size_t)h->optlen - off - len);
    h->optlen = (uint8_t)(h->optlen - len);
    /* The option area was a multiple of 4: NOPs an inserter put in front of the option for
     * alignment go too, then trailing ones, then EOL pads what remains. */
    while (h->optlen % 4 && off > 0 && h->opt[off - 1] == TCPOPT_NOP) {
        memmove(h->opt + off - 1, h->opt + off, (size_t)h->optlen - off);
        h->optlen--;
        off--;
    }
    while (h->optlen % 4 && h->opt[h->optlen - 1] == TCPOPT_NOP)
        h->optlen--;
    tcp_opts_parse(h);
    if (h->optlen % 4)
        tcp_opts_pad(h);
    tcp_changed(m, p, &old);
    return 0;
}

void mcp_pkt_tcp_patch(struct mcp *m, struct mcp_pkt *p, size_t opt_off, const uint8_t *bytes,
                       size_t len)
{
    struct tcp_hdr old = p->w.tcp;
    memcpy(p->w.tcp.opt + opt_off, bytes, len);
    tcp_opts_parse(&p->w.tcp);
    tcp_changed(m, p, &old);
}

void mcp_pkt_set_addr(struct mcp *m, struct mcp_pkt *p, bool dst, const uint8_t *addr,
                      uint16_t port)
{
    struct tcp_hdr *h = &p->w.tcp;
    if (p->w.family == 4) {
        struct ipv4_hdr *ip = &p->w.ip.v4;
        uint32_t *f = dst ? &ip->dst : &ip->src;
        uint32_t nv = rd32(addr);
        ip->csum = csum_update32(ip->csum, *f, nv);
        h->csum = csum_update32(h->csum, *f, nv);
        *f = nv;
    } else {
        uint8_t *f = dst ? p->w.ip.v6.dst : p->w.ip.v6.src;
        h->csum = csum_update_bytes(h->csum, f, addr, 16);
        memcpy(f, addr, 16);
    }
    uint8_t *kf = dst ? p->k.dst : p->k.src;
    memset(kf, 0, 16);
    memcpy(kf, addr, p->w.family == 4 ? 4 : 16);
    if (port) {
        uint16_t *pf = dst ? &h->dport : &h->sport;
        h->csum = csum_update16(h->csum, *pf, port);
        *pf = port;
        if (dst)
            p->k.dport = port;
        else
            p->k.sport = port;
    }
    p->changed = true;
    mcp_cost_add(m->cost, MCP_OP_REWRITE);
    mcp_cost_add(m->cost, MCP_OP_CSUM);
}

void mcp_pkt_shift_seq(struct mcp *m, struct mcp_pkt *p, int32_t delta)
{
    struct tcp_hdr *h = &p->w.tcp;
    uint32_t nv = h->seq + (uint32_t)delta;
    h->csum = csum_update32(h->csum, h->seq, nv);
    h->seq = nv;
    p->changed = true;
    mcp_cost_add(m->cost, MCP_OP_REWRITE);
    mcp_cost_add(m->cost, MCP_OP_CSUM);
}

void mcp_pkt_shift_ack(struct mcp *m, struct mcp_pkt *p, int32_t delta)
{
    struct tcp_hdr *h = &p->w.tcp;
    if (!(h->flags & TCP_FLAG_ACK))
        return;
    uint32_t nv = h->ack + (uint32_t)delta;
    h->csum = csum_update32(h->csum, h->ack, nv);
    h->ack = nv;
    /* SACK edges acknowledge the same sequence space (RFC 2018). */
    for (unsigned i = 0; i < h->nopts; i++) {
        const struct tcp_opt *o = &h->opts[i];
        if (o->kind != TCPOPT_SACK || o->len < 10)
            continue;
        for (unsigned b = o->off + 2; b + 4 <= (unsigned)o->off + o->len; b += 4) {
            uint32_t ov = rd32(h->opt + b), edge = ov + (uint32_t)delta;
            h->csum = csum_update32(h->csum, ov, edge);
            wr32(h->opt + b, edge);
        }
    }
    p->changed = true;
    mcp_cost_add(m->cost, MCP_OP_REWRITE);
    mcp_cost_add(m->cost, MCP_OP_CSUM);
}

int mcp_pkt_set_payload(struct mcp *m, struct mcp_pkt *p, const uint8_t *data, size_t len)
{
    struct wire_pkt *w = &p->w;
    if (w->payload_caplen != w->payload_len)
        return WIRE_E_TRUNCATED; /* cannot fix a checksum over bytes we do not have */
    if (len > sizeof p->payload)
        return WIRE_E_BUF;
    int32_t d = (int32_t)len - (int32_t)w->payload_len;
    uint16_t c = csum_replace(w->tcp.csum, w->payload, w->payload_len, data, len);
    if (data != p->payload)
        memmove(p->payload, data, len);
    size_t hl = tcp_hdr_len(&w->tcp);
    w->tcp.csum = csum_update32(c, (uint32_t)(hl + w->payload_len), (uint32_t)(hl + len));
    w->payload = p->payload;
    w->payload_len = w->payload_caplen = (uint32_t)len;
    mcp_pkt_ip_grew(m, p, d);
    mcp_cost_add(m->cost, MCP_OP_REWRITE);
    return 0;
}

int mcp_pkt_encode(struct mcp *m, struct mcp_pkt *p, uint8_t *out, size_t cap, size_t *len)
{
    if (!p->tunnel_family)
        return wire_pkt_encode(&p->w, out, cap, len);
    /* IP-in-IP (RFC 2003 / RFC 2473): outer header from the uMCP to the dMCP. */
    size_t outer = p->tunnel_family == 4 ? IPV4_HDR_MIN_LEN : IPV6_HDR_LEN, inner, n;
    if (cap < outer)
        return WIRE_E_BUF;
    int err = wire_pkt_encode(&p->w, out + outer, cap - outer, &inner);
    if (err)
        return err;
    if (p->tunnel_family == 4) {
        struct ipv4_hdr h;
        memset(&h, 0, sizeof h);
        h.tos = p->w.family == 4 ? p->w.ip.v4.tos : 0;
        h.tot_len = (uint16_t)(outer + inner);
        h.frag = IPV4_FLAG_DF;
        h.ttl = 64;
        h.proto = 4; /* IPPROTO_IPIP */
        h.src = rd32(m->cfg.umcp4);
        h.dst = rd32(m->cfg.dmcp4);
        ipv4_set_csum(&h);
        err = ipv4_encode(&h, out, outer, &n);
    } else {
        struct ipv6_hdr h;
        memset(&h, 0, sizeof h);
        h.vtcfl = 6u << 28;
        h.plen = (uint16_t)inner;
        h.nh = h.proto = 41; /* IPPROTO_IPV6 */
        h.hlim = 64;
        memcpy(h.src, m->cfg.umcp6, 16);
        memcpy(h.dst, m->cfg.dmcp6, 16);
        err = ipv6_encode(&h, out, outer, &n);
    }
    *len = outer + inner;
    mcp_cost_add(m->cost, MCP_OP_REWRITE);
    mcp_cost_add(m->cost, MCP_OP_CSUM);
    return err;
}
