/* mcp_steer.c - how the packets of a steered subflow reach the dMCP (protocol.md section 3).
 *
 * One ops table per design, chosen by the `steer` parameter:
 *   ssr       source-specific routing: nothing per packet; the network holds one route per
 *             (client prefix, any) -> dMCP (mcp_routes_needed reports them). Addresses kept.
 *   srcroute  per-packet source route: IPv4 LSRR through the dMCP (8 bytes), IPv6 SRH with
 *             segments {S, dMCP} (40 bytes), or with `srh_reduced` the reduced SRH of RFC 8754
 *             section 4.1.1 listing only {S} (24 bytes: the dMCP is the destination). Added
 *             by the uMCP to every client->server packet, removed by the dMCP (which must be
 *             the header destination: a route somebody else put there is left alone),
 *             whichever form it has.
 *   rewrite   destination rewritten to the dMCP; the original destination travels once, in
 *             the SYN payload (MP_CONVERT information element, proposals.h, or RFC 8803
 *             Convert Connect TLV, convert.h: parameter `carry`), and later packets carry
 *             nothing. Because the carrier takes sequence space, the uMCP shifts the
 *             client's sequence numbers by its length and the dMCP shifts them back (and the
 *             acknowledgments the other way), as a splicing proxy does. At the dMCP the
 *             server leg uses the client's address (preservation, the dMCP must be on the
 *             return path) or a pool address and port (sharing, RFC 8803 section 4.4).
 *   tunnel    IP-in-IP baseline (20 bytes IPv4, 40 bytes IPv6 per packet).
 * The return direction (server->client) needs nothing except with rewrite: the dMCP turns
 * S->C into dMCP->C for the middle leg, and the uMCP turns it back.
 */
#include <errno.h>
#include <string.h>

#include "models/mcp/mcp_internal.h"
#include "models/wire/bytes.h"
#include "models/wire/convert.h"
#include "models/wire/wire_err.h"

static size_t ip_hdr_len(const struct mcp_pkt *p)
{
    return p->w.family == 4 ? ipv4_hdr_len(&p->w.ip.v4) : ipv6_hdr_len(&p->w.ip.v6);
}

static const uint8_t *dmcp_addr(const struct mcp *m, uint8_t family)
{
    return family == 4 ? m->cfg.dmcp4 : m->cfg.dmcp6;
}

static bool header_dst_is(const struct mcp_pkt *p, const uint8_t *addr)
{
    if (p->w.family == 4)
        return p->w.ip.v4.dst == rd32(addr);
    return memcmp(p->w.ip.v6.dst, addr, 16) == 0;
}

static uint32_t zero_bytes(const struct mcp *m, uint8_t family)
{
    (void)m, (void)family;
    return 0;
}

/* ---- ssr ---- */

static int ssr_apply(struct mcp *m, struct mcp_pkt *p, struct mcp_flow *f)
{
    (void)m, (void)p, (void)f;
    return 0;
}

static int ssr_remove(struct mcp *m, struct mcp_pkt *p, struct mcp_flow *f)
{
    (void)m, (void)p, (void)f;
    return 0;
}

static uint32_t srcroute_bytes(const struct mcp *m, uint8_t family);
static uint32_t tunnel_bytes(const struct mcp *m, uint8_t family);

/* Whether the datagram can grow by `add` bytes: the IPv4 total length and the IPv6 payload
 * length are 16-bit fields, so a packet already near 65535 bytes cannot be steered by a
 * method that adds headers; it goes on unsteered (mcp_steer_failed counts it). */
static bool room_for(const struct mcp_pkt *p, uint32_t add)
{
    uint32_t max = p->w.family == 4 ? 65535 : 65535 + IPV6_HDR_LEN;
    return p->w.ip_len <= max && add <= max - p->w.ip_len;
}

/* ---- srcroute: LSRR / SRH ---- */

static int srcroute_apply(struct mcp *m, struct mcp_pkt *p, struct mcp_flow *f)
{
    (void)f;
    size_t before = ip_hdr_len(p);
    int err;
    if (!room_for(p, srcroute_bytes(m, p->w.family)))
        return MCP_E_TOO_BIG;
    if (p->w.family == 4) {
        uint32_t hop = rd32(m->cfg.dmcp4);
        err = ipv4_route_insert(&p->w.ip.v4, IPOPT_LSRR, &hop, 1);
    } else {
        const uint8_t(*hop)[16] = (const uint8_t(*)[16])m->cfg.dmcp6;
        err = m->cfg.srh_reduced ? ipv6_srh_insert_reduced(&p->w.ip.v6, hop, 1)
                                 : ipv6_srh_insert(&p->w.ip.v6, hop, 1);
    }
    if (err)
        return err;
    int32_t d = (int32_t)(ip_hdr_len(p) - before);
    p->w.ip_len = (uint32_t)((int32_t)p->w.ip_len + d);
    p->delta += d;
    p->changed = true;
    mcp_cost_add(m->cost, MCP_OP_REWRITE);
    mcp_cost_add(m->cost, MCP_OP_CSUM);
    return 1;
}

static int srcroute_remove(struct mcp *m, struct mcp_pkt *p, struct mcp_flow *f)
{
    (void)f;
    if (!header_dst_is(p, dmcp_addr(m, p->w.family)))
        return 0;
    size_t before = ip_hdr_len(p);
    int err;
    if (p->w.family == 4) {
        struct ipv4_route r;
        if (ipv4_route_get(&p->w.ip.v4, 0, &r) != 0 || !ipv4_route_pending(&r))
            return 0;
        err = ipv4_route_remove(&p->w.ip.v4);
    } else {
        struct ipv6_srh s;
        if (ipv6_srh_get(&p->w.ip.v6, &s) != 0 || s.segleft == 0)
            return 0;
        err = ipv6_srh_remove(&p->w.ip.v6);
    }
    if (err)
        return err;
    int32_t d = (int32_t)ip_hdr_len(p) - (int32_t)before;
    p->w.ip_len = (uint32_t)((int32_t)p->w.ip_len + d);
    p->delta += d;
    p->changed = true;
    mcp_cost_add(m->cost, MCP_OP_REWRITE);
    mcp_cost_add(m->cost, MCP_OP_CSUM);
    return 1;
}

static uint32_t srcroute_bytes(const struct mcp *m, uint8_t family)
{
    /* NOP + LSRR(3 + 4); SRH 8 + 2 x 16, reduced 8 + 16 (the dMCP only in the destination) */
    if (family == 4)
        return 8;
    return (uint32_t)ipv6_srh_len(m->cfg.srh_reduced ? 1 : 2);
}

/* ---- rewrite ---- */

/* The original destination travels once, at the start of the SYN payload: as an
 * MP_CONVERT information element (proposals.h, [U] layout) or as RFC 8803 Convert messages
 * (fixed header + Connect TLV, 24 bytes, IPv4 as IPv4-mapped IPv6). A uMCP that holds a
 * converter cookie for the client (convert_cookie) adds the Cookie TLV to the SYN that opens
 * a connection (RFC 8803 6.2.7; MP_JOINs are authenticated by their token). */
static int carrier_write(struct mcp *m, const struct mcp_pkt *p, uint8_t *buf, size_t cap,
                         size_t *n)
{
    size_t alen = p->w.family == 4 ? 4 : 16;
    if (m->cfg.carry == MCP_CARRY_CONVERT) {
        struct convert_msg msg;
        uint8_t cookie[MCP_CONVCLIENT_COOKIE_MAX];
        memset(&msg, 0, sizeof msg);
        msg.present = CONVERT_HAS_CONNECT;
        msg.connect.port = p->k_in.dport;
        if (p->w.family == 4)
            convert_addr_from_v4(p->k_in.dst, msg.connect.addr);
        else
            memcpy(msg.connect.addr, p->k_in.dst, 16);
        if (m->convclient && p->join_off < 0) {
            msg.cookie.len = mcp_convclient_cookie(m->convclient, p->w.family, p->k_in.src,
                                                   cookie);
            msg.cookie.data = cookie;
            if (msg.cookie.len)
                msg.present |= CONVERT_HAS_COOKIE;
        }
        if (convert_encode(&msg, buf, cap, n) != 0)
            return WIRE_E_ARG;
        if (msg.present & CONVERT_HAS_COOKIE) {
            m->st.convert[MCP_C_COOKIE_SYNS]++;
            m->st.convert[MCP_C_COOKIE_SYN_BYTES] += (uint64_t)convert_encoded_len(&msg) -
                                                     CONVERT_HDR_LEN - CONVERT_CONNECT_BASE_LEN;
        }
        return 0;
    }
    struct mp_convert_ie ie = { .flags = 0, .port = p->k_in.dport, .family = p->w.family };
    memcpy(ie.addr, p->k_in.dst, alen);
    return mp_convert_ie_write(&m->cfg.prop, &ie, buf, cap, n) == 0 ? 0 : WIRE_E_ARG;
}

/* Convert messages at the start of the payload: 1 with the destination, 0 when the payload
 * is not Convert, WIRE_E_OPT_LEN when malformed or without a usable Connect TLV. */
static int convert_read(struct mcp_pkt *p)
{
    struct convert_msg msg;
    size_t used;
    int rc = convert_decode(p->w.payload, p->w.payload_len, &msg, &used);
    if (rc == CONVERT_ERR_MAGIC || (rc == CONVERT_ERR_TRUNCATED && p->w.payload_len < 4))
        return 0;
    if (rc != 0 || !(msg.present & CONVERT_HAS_CONNECT) ||
        !convert_connect_addr_ok(msg.connect.addr) ||
        convert_addr_is_v4mapped(msg.connect.addr) != (p->w.family == 4))
        return WIRE_E_OPT_LEN;
    memset(p->orig_addr, 0, 16);
    if (p->w.family == 4)
        memcpy(p->orig_addr, msg.connect.addr + 12, 4);
    else
        memcpy(p->orig_addr, msg.connect.addr, 16);
    p->orig_port = msg.connect.port;
    p->carrier_len = (uint8_t)used;
    if (msg.present & CONVERT_HAS_COOKIE) {
        /* A cookie longer than any we make is kept as length 0: it cannot be valid. */
        p->has_cookie = true;
        p->cookie_len = msg.cookie.len <= sizeof p->cookie ? (uint8_t)msg.cookie.len : 0;
        memcpy(p->cookie, msg.cookie.data, p->cookie_len);
    }
    return 1;
}

/* 1 and the original destination in p when the payload starts with a carrier, 0 when it
 * does not, WIRE_E_OPT_LEN when it starts like one but is malformed. */
static int carrier_read(const struct mcp *m, struct mcp_pkt *p)
{
    struct mp_convert_ie ie;
    size_t used;
    if (p->w.payload_caplen < p->w.payload_len || p->w.payload_len == 0)
        return 0;
    if (m->cfg.carry == MCP_CARRY_CONVERT)
        return convert_read(p);
    int rc = mp_convert_ie_parse(&m->cfg.prop, p->w.payload, p->w.payload_len, &ie, &used);
    if (rc == PROPOSAL_NOT_FOUND)
        return 0;
    if (rc != 0 || ie.family != p->w.family)
        return WIRE_E_OPT_LEN;
    memset(p->orig_addr, 0, 16);
    memcpy(p->orig_addr, ie.addr, ie.family == 4 ? 4 : 16);
    p->orig_port = ie.port;
    p->carrier_len = (uint8_t)used;
    return 1;
}

/* A packet that still follows a source route: its header destination is a waypoint, so a
 * destination rewrite would break the route (and the checksum's final destination). */
static bool route_pending(const struct mcp_pkt *p)
{
    if (p->w.family == 4) {
        struct ipv4_route r;
        return ipv4_route_get(&p->w.ip.v4, 0, &r) == 0 && ipv4_route_pending(&r);
    }
    struct ipv6_srh s;
    return ipv6_srh_get(&p->w.ip.v6, &s) == 0 && s.segleft > 0;
}

static int rewrite_apply(struct mcp *m, struct mcp_pkt *p, struct mcp_flow *f)
{
    if (route_pending(p))
        return WIRE_E_ARG;
    if (p->tflags & TCP_FLAG_SYN) {
        uint8_t pay[sizeof p->payload];
        size_t n;
        int err = carrier_write(m, p, pay, sizeof pay, &n);
        if (err)
            return err;
        if (p->w.payload_caplen != p->w.payload_len)
            return WIRE_E_TRUNCATED; /* cannot carry bytes we do not have */
        if (n + p->w.payload_len > sizeof pay)
            return WIRE_E_BUF;
        memcpy(pay + n, p->w.payload, p->w.payload_len);
        err = mcp_pkt_set_payload(m, p, pay, n + p->w.payload_len);
        if (err)
            return err;
        p->carrier_len = (uint8_t)n;
        memcpy(p->orig_addr, p->k_in.dst, 16);
        p->orig_port = p->k_in.dport;
    } else if (f->seq_delta) {
        mcp_pkt_shift_seq(m, p, f->seq_delta);
    }
    mcp_pkt_set_addr(m, p, true, dmcp_addr(m, p->w.family), 0);
    return 1;
}

/* The client endpoint of an entry (the opener). */
static void opener_of(const struct mcp_flow *f, uint8_t addr[16], uint16_t *port)
{
    memcpy(addr, f->a_opened ? f->a : f->b, 16);
    *port = f->a_opened ? f->aport : f->bport;
}

static int rewrite_remove(struct mcp *m, struct mcp_pkt *p, struct mcp_flow *f)
{
    if (!header_dst_is(p, dmcp_addr(m, p->w.family)))
        return 0;
    if (p->tflags & TCP_FLAG_SYN) {
        /* A first or retransmitted SYN carries the original destination. */
        int rc = carrier_read(m, p);
        if (rc < 0 || (rc == 0 && !f))
            return rc;
        if (rc == 1) {
            if (!f && m->cfg.addr_mode == MCP_ADDR_SHARE &&
                mcp_pool_port(m, p, &p->pool_port) != 0)
                return -ENOSPC;
            int err = mcp_pkt_set_payload(m, p, p->w.payload + p->carrier_len,
                                          p->w.payload_len - p->carrier_len);
            if (err)
                return err;
        }
    } else if (!f) {
        return 0;
    }
    if (f) {
        memcpy(p->orig_addr, f->map_addr, 16);
        p->orig_port = f->map_port;
        p->pool_port = f->map_port2;
        if (f->seq_delta && !(p->tflags & TCP_FLAG_SYN))
            mcp_pkt_shift_seq(m, p, -(int32_t)f->seq_delta);
    }
    mcp_pkt_set_addr(m, p, true, p->orig_addr, p->orig_port);
    if (m->cfg.addr_mode == MCP_ADDR_SHARE)
        mcp_pkt_set_addr(m, p, false, p->w.family == 4 ? m->cfg.pool4 : m->cfg.pool6,
                         p->pool_port);
    return 1;
}

/* dMCP, server->client on the server leg: make it dMCP -> C. f is the main entry. */
static int rewrite_ret_apply(struct mcp *m, struct mcp_pkt *p, struct mcp_flow *f)
{
    uint8_t c[16];
    uint16_t cport;
    opener_of(f, c, &cport);
    mcp_pkt_set_addr(m, p, false, dmcp_addr(m, p->w.family), 0);
    if (m->cfg.addr_mode == MCP_ADDR_SHARE)
        mcp_pkt_set_addr(m, p, true, c, cport);
    if (f->seq_delta)
        mcp_pkt_shift_ack(m, p, f->seq_delta);
    return 1;
}

/* uMCP, server->client on the middle leg: make dMCP -> C back into S -> C. */
static int rewrite_ret_remove(struct mcp *m, struct mcp_pkt *p, struct mcp_flow *f)
{
    if (memcmp(p->k.src, dmcp_addr(m, p->w.family), p->w.family == 4 ? 4 : 16) != 0)
        return 0;
    mcp_pkt_set_addr(m, p, false, f->map_addr, 0);
    if (f->seq_delta)
        mcp_pkt_shift_ack(m, p, -(int32_t)f->seq_delta);
    return 1;
}

static uint32_t rewrite_syn_bytes(const struct mcp *m, uint8_t family)
{
    if (m->cfg.carry == MCP_CARRY_CONVERT)
        return CONVERT_HDR_LEN + CONVERT_CONNECT_BASE_LEN;
    return family == 4 ? MP_CONVERT_IE_LEN_V4 : MP_CONVERT_IE_LEN_V6;
}

/* ---- tunnel ---- */

static int tunnel_apply(struct mcp *m, struct mcp_pkt *p, struct mcp_flow *f)
{
    (void)f;
    if (!room_for(p, tunnel_bytes(m, p->w.family)))
        return MCP_E_TOO_BIG;
    p->tunnel_family = p->w.family;
    p->delta += p->w.family == 4 ? IPV4_HDR_MIN_LEN : IPV6_HDR_LEN;
    p->changed = true;
    return 1;
}

static int tunnel_remove(struct mcp *m, struct mcp_pkt *p, struct mcp_flow *f)
{
    (void)m, (void)f;
    return p->outer_len > 0;
}

static size_t tunnel_outer(const struct mcp *m, const uint8_t *pkt, size_t len)
{
    if (len >= IPV4_HDR_MIN_LEN && pkt[0] >> 4 == 4) {
        struct ipv4_hdr h;
        if (ipv4_decode(pkt, len, &h) == 0 && h.proto == 4 && h.dst == rd32(m->cfg.dmcp4) &&
            !ipv4_is_later_fragment(&h))
            return ipv4_hdr_len(&h);
    } else if (len >= IPV6_HDR_LEN && pkt[0] >> 4 == 6) {
        /* Only a bare outer header (no extensions) is ours: that is what the uMCP builds. */
        if (pkt[6] == 41 && memcmp(pkt + 24, m->cfg.dmcp6, 16) == 0)
            return IPV6_HDR_LEN;
    }
    return 0;
}

static uint32_t tunnel_bytes(const struct mcp *m, uint8_t family)
{
    (void)m;
    return family == 4 ? IPV4_HDR_MIN_LEN : IPV6_HDR_LEN;
}

static const struct mcp_steer_ops steer_ops[] = {
    { "ssr", ssr_apply, ssr_remove, NULL, NULL, NULL, zero_bytes, zero_bytes, false, true },
    { "srcroute", srcroute_apply, srcroute_remove, NULL, NULL, NULL, srcroute_bytes,
      zero_bytes, false, false },
    { "rewrite", rewrite_apply, rewrite_remove, rewrite_ret_apply, rewrite_ret_remove, NULL,
      zero_bytes, rewrite_syn_bytes, true, false },
    { "tunnel", tunnel_apply, tunnel_remove, NULL, NULL, tunnel_outer, tunnel_bytes,
      zero_bytes, false, false },
};

const char *const mcp_steer_names[] = { "ssr", "srcroute", "rewrite", "tunnel", NULL };

const struct mcp_steer_ops *mcp_steer_find(const char *name)
{
    for (size_t i = 0; i < sizeof steer_ops / sizeof steer_ops[0]; i++)
        if (strcmp(steer_ops[i].name, name) == 0)
            return &steer_ops[i];
    return NULL;
}

void mcp_steer_failed(struct mcp *m, int err)
{
    m->st.anomalies[err == MCP_E_TOO_BIG ? MCP_A_TOO_BIG : MCP_A_OPTION_OVERFLOW]++;
}
