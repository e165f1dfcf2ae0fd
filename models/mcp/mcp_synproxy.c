/* mcp_synproxy.c - stateless answer to a signalled SYN, validated on the third ACK.
 *
 * Like Linux's SYNPROXY target, the dMCP answers the SYN itself with a SYN/ACK whose sequence
 * number is a SYN cookie (mcp_cookie.h) and whose MP_CAPABLE key is derived from the 4-tuple
 * and a secret (RFC 8684 3.1 allows exactly this), keeping no state. MPTCP's third ACK echoes
 * both keys, so when it arrives the datapath recognises its own key, checks the cookie and
 * only then creates the flow entry and hands the connection to the stack. A spoofed SYN flood
 * therefore costs two HMACs per SYN and no memory.
 *
 * Not modelled: TCP options a cookie cannot carry (window scale, SACK-permitted, timestamps
 * are not offered in the SYN/ACK, as with classic cookies); a rewritten flow (dst rewrite)
 * keeps state because its original destination travels in the SYN only.
 */
#include <string.h>

#include "models/mcp/mcp_internal.h"
#include "models/wire/bytes.h"
#include "models/wire/checksum.h"
#include "models/wire/convert.h"
#include "models/wire/mptcp_crypto.h"
#include "models/wire/wire_err.h"

/* A SYN/ACK answering the SYN p, from k's destination to k's source (k: the SYN's tuple as
 * it arrived or as the steering left it), with an optional payload (a Convert error). */
static int build_synack(struct mcp *m, const struct mcp_pkt *p, const struct mcp_tuple *k,
                        uint32_t isn, uint16_t mss, uint64_t key, const uint8_t *payload,
                        size_t plen, uint8_t *out, size_t cap, size_t *len)
{
    struct wire_pkt *r = &m->reply;
    memset(r, 0, sizeof *r);
    r->family = p->w.family;
    r->has_tcp = 1;
    r->proto = IPPROTO_NUM_TCP;
    struct tcp_hdr *t = &r->tcp;
    t->sport = k->dport;
    t->dport = k->sport;
    t->seq = isn;
    t->ack = p->w.tcp.seq + 1;
    t->flags = TCP_FLAG_SYN | TCP_FLAG_ACK;
    t->window = 65535;
    tcp_opts_clear(t);
    tcp_opt_append_mss(t, mss);
    if (p->mpc_off >= 0) {
        struct mptcp_opt o;
        memset(&o, 0, sizeof o);
        o.subtype = MPTCP_SUB_CAPABLE;
        o.u.mpc.version = p->mpc.u.mpc.version;
        o.u.mpc.flags = (uint8_t)((p->mpc.u.mpc.flags & MPTCP_CAP_A_CSUM) | MPTCP_CAP_H_HMAC);
        o.u.mpc.nkeys = 1;
        o.u.mpc.snd_key = key;
        uint8_t buf[MPTCP_OPT_MAXLEN];
        size_t n;
        if (mptcp_opt_write(&o, buf, sizeof buf, &n) == 0)
            tcp_opt_append_raw(t, buf, n);
    }
    tcp_opts_pad(t);
    size_t tl = tcp_hdr_len(t), sl = tl + plen;
    uint32_t pseudo;
    if (r->family == 4) {
        struct ipv4_hdr *ip = &r->ip.v4;
        ip->tot_len = (uint16_t)(IPV4_HDR_MIN_LEN + sl);
        ip->frag = IPV4_FLAG_DF;
        ip->ttl = 64;
        ip->proto = IPPROTO_NUM_TCP;
        ip->src = rd32(k->dst);
        ip->dst = rd32(k->src);
        ipv4_set_csum(ip);
        pseudo = csum_pseudo_v4(ip->src, ip->dst, IPPROTO_NUM_TCP, (uint32_t)sl);
    } else {
        struct ipv6_hdr *ip = &r->ip.v6;
        ip->vtcfl = 6u << 28;
        ip->plen = (uint16_t)sl;
        ip->nh = ip->proto = IPPROTO_NUM_TCP;
        ip->hlim = 64;
        memcpy(ip->src, k->dst, 16);
        memcpy(ip->dst, k->src, 16);
        pseudo = csum_pseudo_v6(ip->src, ip->dst, IPPROTO_NUM_TCP, (uint32_t)sl);
    }
    uint8_t seg[60 + 64];
    size_t n;
    if (plen > 64)
        return WIRE_E_BUF;
    t->csum = 0;
    tcp_encode(t, seg, 60, &n);
    if (plen)
        memcpy(seg + n, payload, plen);
    t->csum = csum_transport(pseudo, seg, n + plen, 16);
    r->payload = payload;
    r->payload_len = r->payload_caplen = (uint32_t)plen;
    r->ip_len = (uint32_t)((r->family == 4 ? IPV4_HDR_MIN_LEN : IPV6_HDR_LEN) + sl);
    return wire_pkt_encode(r, out, cap, len);
}

void mcp_dp_cookie_reply(struct mcp *m, struct mcp_pkt *p, struct mcp_verdict *v)
{
    uint16_t mss = 536;
    tcp_opt_get_mss(&p->w.tcp, &mss);
    mcp_cost_add(m->cost, MCP_OP_CRYPTO);
    uint32_t cookie = mcp_cookie_make(m->cookies, &p->k, p->w.tcp.seq, mss, m->now);
    uint64_t key = 0;
    if (p->mpc_off >= 0) {
        mcp_cost_add(m->cost, MCP_OP_CRYPTO);
        key = mcp_cookie_mptcp_key(m->cookies, &p->k);
    }
    size_t len;
    mcp_cost_add(m->cost, MCP_OP_REWRITE);
    mcp_cost_add(m->cost, MCP_OP_CSUM);
    v->decision = MCP_D_REPLY;
    v->reason = MCP_R_COOKIE_SENT;
    if (build_synack(m, p, &p->k, cookie, mcp_cookie_mss_round(mss), key, NULL, 0,
                     m->reply_buf, sizeof m->reply_buf, &len) == 0 &&
        m->plat.emit)
        m->plat.emit(m->plat.ctx, m->reply_buf, len, p->from, p->ifindex);
}

bool mcp_dp_cookie_ack(struct mcp *m, struct mcp_pkt *p, struct mcp_verdict *v)
{
    if ((p->tflags & (TCP_FLAG_ACK | TCP_FLAG_SYN | TCP_FLAG_RST)) != TCP_FLAG_ACK ||
        p->mpc_off < 0 || p->mpc.u.mpc.nkeys != 2)
        return false;
    mcp_cost_add(m->cost, MCP_OP_CRYPTO);
    uint64_t key = mcp_cookie_mptcp_key(m->cookies, &p->k);
    if (p->mpc.u.mpc.rcv_key != key)
        return false; /* not a connection this proxy answered */
    uint16_t mss;
    mcp_cost_add(m->cost, MCP_OP_CRYPTO);
    if (mcp_cookie_check(m->cookies, &p->k, p->w.tcp.seq, p->w.tcp.ack, m->now, &mss) !=
        MCP_COOKIE_VALID) {
        v->decision = MCP_D_DROP;
        v->reason = MCP_R_COOKIE_BAD;
        return true;
    }
    uint32_t idx;
    enum mcp_reason why;
    struct mcp_flow *f = mcp_dp_flow_new(m, &p->k, false, &idx, &why);
    if (!f) {
        v->decision = MCP_D_DROP;
        v->reason = why;
        return true;
    }
    f->kind = MCP_FK_TERMINATED;
    f->flags |= MCP_FF_MPTCP;
    mcp_flow_set_state(m->flows, idx, MCP_FS_ESTABLISHED, m->now);
    uint32_t token;
    mcp_cost_add(m->cost, MCP_OP_CRYPTO);
    if (mptcp_key_hash(p->mpc.u.mpc.version, key, &token, NULL) == 0 &&
        mcp_flow_bind_token(m->flows, idx, token) != 0)
        m->st.anomalies[MCP_A_TOKEN_COLLISION]++;
    v->decision = MCP_D_TERMINATE;
    v->reason = MCP_R_COOKIE_OK;
    return true;
}

size_t mcp_dp_convert_reply(struct mcp *m, struct mcp_pkt *p, struct mcp_verdict *v,
                            uint8_t code, const uint8_t *cookie, size_t cookie_len)
{
    /* RFC 8803 6.2.8: the converter answers with a SYN/ACK whose payload is an Error TLV and
     * the client resets; rate-limited (section 9) so that a flood is not reflected. A
     * Missing Cookie also carries the Cookie TLV the client is to retry with (6.2.7). */
    if (!mcp_limits_error_allowed(m->limits, m->now)) {
        v->decision = MCP_D_DROP;
        v->reason = MCP_R_ERROR_RATE_LIMITED;
        return 0;
    }
    uint8_t value[1] = { (uint8_t)mcp_limits_backoff_delay_s(m->limits) };
    struct convert_msg msg;
    memset(&msg, 0, sizeof msg);
    msg.present = CONVERT_HAS_ERROR;
    msg.error.code = code;
    msg.error.value = value;
    msg.error.len = code == CONVERT_E_RESOURCE_EXCEEDED ? 1 : 0;
    if (cookie_len) {
        msg.present |= CONVERT_HAS_COOKIE;
        msg.cookie.data = cookie;
        msg.cookie.len = cookie_len;
    }
    uint8_t pay[64];
    size_t plen, len;
    uint16_t mss = 536;
    tcp_opt_get_mss(&p->w.tcp, &mss);
    mcp_cost_add(m->cost, MCP_OP_REWRITE);
    mcp_cost_add(m->cost, MCP_OP_CSUM);
    v->decision = MCP_D_REPLY;
    if (convert_encode(&msg, pay, sizeof pay, &plen) == 0 &&
        build_synack(m, p, &p->k_in, p->w.tcp.seq ^ 0x5a5a5a5au, mss, 0, pay, plen,
                     m->reply_buf, sizeof m->reply_buf, &len) == 0) {
        if (m->plat.emit)
            m->plat.emit(m->plat.ctx, m->reply_buf, len, p->from, p->ifindex);
        return plen;
    }
    return 0;
}

void mcp_dp_convert_error(struct mcp *m, struct mcp_pkt *p, struct mcp_verdict *v,
                          uint8_t code)
{
    mcp_dp_convert_reply(m, p, v, code, NULL, 0);
}

int mcp_dp_convert_error_of(struct mcp_pkt *p, uint8_t *code, uint32_t *value)
{
    struct convert_msg msg;
    size_t used;
    if (p->w.payload_len == 0 || p->w.payload_caplen < p->w.payload_len ||
        convert_decode(p->w.payload, p->w.payload_len, &msg, &used) != 0 ||
        !(msg.present & CONVERT_HAS_ERROR))
        return 0;
    *code = msg.error.code;
    *value = 0;
    if (msg.present & CONVERT_HAS_COOKIE) {
        p->has_cookie = true;
        p->cookie_len = msg.cookie.len <= sizeof p->cookie ? (uint8_t)msg.cookie.len : 0;
        memcpy(p->cookie, msg.cookie.data, p->cookie_len);
    }
    for (size_t i = 0; i < msg.error.len && i < 4; i++)
        *value = *value << 8 | msg.error.value[i];
    return 1;
}
