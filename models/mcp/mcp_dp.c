/* mcp_dp.c - the datapath's packet entry point: classify every packet, decide, act, account.
 *
 * Classification (first match): not IP / malformed IP (drop), not TCP or no TCP header (pass),
 * SYN, SYN/ACK, other segment. A SYN is further: malformed options (pass untouched), MP_JOIN
 * (token lookup), MP_CAPABLE with or without the proxy signal, steering carrier present or
 * malformed, plain TCP; and by side: from the customer side (phones / the uMCP) or from the
 * network side (a far-end-initiated connection). What each role does with each class is in
 * docs/mcp-datapath.md; the code below follows that table, one function per packet class.
 *
 * Every function that touches state or bytes records the operation in the packet's cost, and
 * every decision is counted with its reason. Packets the datapath does not act on are never
 * re-encoded: the caller forwards the input bytes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/mcp/mcp_internal.h"
#include "models/wire/bytes.h"
#include "models/wire/mptcp_crypto.h"
#include "models/wire/wire_err.h"

/* ---- flow helpers ---- */

/* Main entry of the flow a packet belongs to (following an alias), or NULL. *alias tells
 * whether the packet matched the alias (the other leg of a rewritten flow). */
struct mcp_flow *mcp_dp_flow_of(struct mcp *m, const struct mcp_tuple *k, mcp_ns_t now,
                                bool *alias, uint32_t *idx)
{
    mcp_cost_add(m->cost, MCP_OP_LOOKUP);
    uint32_t i = mcp_flow_lookup(m->flows, k, now);
    *alias = false;
    if (i == MCP_FLOW_NONE)
        return NULL;
    struct mcp_flow *f = mcp_flow_get(m->flows, i);
    if (f->kind == MCP_FK_ALIAS) {
        /* An alias always has its main entry: linked entries are removed together. */
        *alias = true;
        i = f->peer;
        f = mcp_flow_get(m->flows, i);
    }
    *idx = i;
    return f;
}

/* Segment of a known flow: refresh, and move along SYN -> established -> closing. */
void mcp_dp_flow_seen(struct mcp *m, uint32_t idx, const struct mcp_pkt *p, mcp_ns_t now)
{
    struct mcp_flow *f = mcp_flow_get(m->flows, idx);
    enum mcp_flow_state st = (enum mcp_flow_state)f->state;
    if (p->tflags & (TCP_FLAG_FIN | TCP_FLAG_RST))
        st = MCP_FS_CLOSING;
    else if (st == MCP_FS_SYN && (p->tflags & TCP_FLAG_ACK) && !(p->tflags & TCP_FLAG_SYN))
        st = MCP_FS_ESTABLISHED;
    if (st != f->state) {
        if (f->state == MCP_FS_SYN)
            mcp_dp_release_pending(m, f);
        mcp_flow_set_state(m->flows, idx, st, now);
    } else {
        mcp_flow_touch(m->flows, idx, now);
    }
    /* The other leg of a rewritten flow lives as long as the flow: the main entry's state
     * (closing after a FIN) decides, and removing it removes the alias. */
    if (f->peer != MCP_FLOW_NONE)
        mcp_flow_touch(m->flows, f->peer, now);
}

void mcp_dp_release_pending(struct mcp *m, struct mcp_flow *f)
{
    if (!(f->flags & MCP_FF_PENDING))
        return;
    f->flags &= (uint8_t)~MCP_FF_PENDING;
    uint8_t c[16];
    memcpy(c, f->a_opened ? f->a : f->b, 16);
    mcp_limits_pending_release(m->limits, f->family, c);
}

static void on_flow_removed(void *arg, const struct mcp_flow *f)
{
    struct mcp *m = arg;
    if (f->flags & MCP_FF_PENDING) {
        uint8_t c[16];
        memcpy(c, f->a_opened ? f->a : f->b, 16);
        mcp_limits_pending_release(m->limits, f->family, c);
    }
    if (f->expires_ns <= m->now)
        m->st.anomalies[MCP_A_EXPIRED]++;
}

/* Creates the entry of a new subflow (SYN state); NULL when refused (reason in *why). */
struct mcp_flow *mcp_dp_flow_new(struct mcp *m, const struct mcp_tuple *k, bool pending,
                                 uint32_t *idx, enum mcp_reason *why)
{
    if (pending && mcp_limits_pending_take(m->limits, k->family, k->src) != 0) {
        *why = MCP_R_CLIENT_LIMIT;
        return NULL;
    }
    bool evicted;
    mcp_cost_add(m->cost, MCP_OP_INSERT);
    int rc = mcp_flow_insert(m->flows, k, MCP_FS_SYN, m->now, idx, &evicted);
    if (evicted)
        m->st.anomalies[MCP_A_EVICTED_HALFOPEN]++;
    if (rc != 0) {
        if (pending)
            mcp_limits_pending_release(m->limits, k->family, k->src);
        *why = rc == -EEXIST ? MCP_R_SYN_RETRANSMIT : MCP_R_TABLE_FULL;
        return NULL;
    }
    struct mcp_flow *f = mcp_flow_get(m->flows, *idx);
    if (pending)
        f->flags |= MCP_FF_PENDING;
    f->iface = (uint8_t)m->pkt.ifindex;
    return f;
}

/* Learns the token of the MP_CAPABLE key a SYN/ACK carries (the server's), so later MP_JOIN
 * SYNs naming it find the connection (RFC 8684 3.2). */
void mcp_dp_learn_token(struct mcp *m, const struct mcp_pkt *p, uint32_t conn)
{
    if (p->mpc_off < 0 || p->mpc.u.mpc.nkeys < 1)
        return;
    uint32_t token;
    mcp_cost_add(m->cost, MCP_OP_CRYPTO);
    if (mptcp_key_hash(p->mpc.u.mpc.version, p->mpc.u.mpc.snd_key, &token, NULL) != 0)
        return;
    if (mcp_flow_bind_token(m->flows, conn, token) != 0)
        m->st.anomalies[MCP_A_TOKEN_COLLISION]++;
}

int mcp_pool_port(struct mcp *m, const struct mcp_pkt *p, uint16_t *port)
{
    uint32_t span = (uint32_t)m->cfg.pool_port_max - m->cfg.pool_port_min + 1;
    struct mcp_tuple k;
    memset(&k, 0, sizeof k);
    k.family = p->w.family;
    memcpy(k.src, p->w.family == 4 ? m->cfg.pool4 : m->cfg.pool6, p->w.family == 4 ? 4 : 16);
    memcpy(k.dst, p->orig_addr, 16);
    k.dport = p->orig_port;
    /* Next free port after the last one given (bounded scan: a full pool refuses). */
    for (uint32_t i = 0; i < span && i < 64; i++) {
        uint16_t cand = (uint16_t)(m->cfg.pool_port_min + (m->pool_next + i) % span);
        k.sport = cand;
        mcp_cost_add(m->cost, MCP_OP_LOOKUP);
        if (mcp_flow_lookup(m->flows, &k, m->now) == MCP_FLOW_NONE) {
            m->pool_next = (uint16_t)((m->pool_next + i + 1) % span);
            *port = cand;
            return 0;
        }
    }
    return -ENOSPC;
}

/* ---- output ---- */

static void finish(struct mcp *m, struct mcp_pkt *p, struct mcp_verdict *v, uint8_t *out,
                   size_t outcap, size_t *outlen)
{
    /* A decapsulated packet is a rewrite even when nothing else changed. */
    if (v->decision == MCP_D_PASS && p->outer_len)
        v->decision = MCP_D_REWRITE;
    if (v->decision == MCP_D_PASS && p->changed)
        v->decision = MCP_D_REWRITE;
    if (v->decision == MCP_D_REWRITE || v->decision == MCP_D_TERMINATE) {
        int32_t delta = p->delta - p->outer_len;
        if (mcp_pkt_encode(m, p, out, outcap, outlen) != 0) {
            /* Only a too-small caller buffer gets here: forward the original untouched. */
            v->decision = MCP_D_PASS;
            *outlen = 0;
            return;
        }
        v->bytes_delta = delta;
        if (delta > 0)
            m->st.bytes_added += (uint64_t)delta;
        else
            m->st.bytes_removed += (uint64_t)-delta;
        if (*outlen > m->cfg.mtu)
            m->st.anomalies[MCP_A_MTU_EXCEEDED]++;
    }
    if (v->decision == MCP_D_TERMINATE && m->plat.deliver_local) {
        struct mcp_handoff h = { .pkt = out, .len = *outlen, .from = p->from,
                                 .family = p->w.family, .orig_dport = p->k.dport };
        memcpy(h.orig_dst, p->k.dst, 16);
        m->plat.deliver_local(m->plat.ctx, &h);
    }
}

int mcp_process(struct mcp *m, const uint8_t *pkt, size_t len, enum mcp_side from,
                uint32_t ifindex, uint8_t *out, size_t outcap, size_t *outlen,
                struct mcp_verdict *v)
{
    memset(v, 0, sizeof *v);
    *outlen = 0;
    if (outcap < len + 128)
        return -EINVAL;
    m->cost = &v->cost;
    m->now = m->plat.now_ns(m->plat.ctx);
    struct mcp_pkt *p = &m->pkt;
    p->from = from;
    p->ifindex = ifindex;
    p->outer_len = 0;
    if (m->steer->outer && m->cfg.role == MCP_ROLE_DMCP && from == MCP_SIDE_CUSTOMER)
        p->outer_len = (uint8_t)m->steer->outer(m, pkt, len);
    mcp_cost_add(m->cost, MCP_OP_PARSE);
    enum mcp_reason why;
    int rc = mcp_pkt_decode(m, p, pkt + p->outer_len, len - p->outer_len, &why);
    v->decision = MCP_D_PASS;
    if (rc < 0) {
        v->reason = why;
        if (v->reason == MCP_R_BAD_IP)
            v->decision = MCP_D_DROP;
        if (v->reason == MCP_R_BAD_OPTIONS || v->reason == MCP_R_BAD_TCP ||
            v->reason == MCP_R_BAD_IP)
            m->st.anomalies[MCP_A_MALFORMED]++;
        /* Malformed options on a packet of a steered flow still get their steering, so
         * the subflow is not broken by the proxy; on a SYN nothing is acted on. */
        if (v->reason == MCP_R_BAD_OPTIONS && !(p->tflags & TCP_FLAG_SYN))
            mcp_dp_segment(m, p, v);
    } else if ((p->tflags & (TCP_FLAG_SYN | TCP_FLAG_ACK)) == TCP_FLAG_SYN) {
        mcp_dp_syn(m, p, v);
    } else if (p->tflags & TCP_FLAG_SYN) {
        mcp_dp_synack(m, p, v);
    } else {
        mcp_dp_segment(m, p, v);
    }
    if (v->decision != MCP_D_DROP && v->decision != MCP_D_REPLY)
        finish(m, p, v, out, outcap, outlen);
    mcp_stats_record(&m->st, v->decision, v->reason, &v->cost);
    size_t sb = mcp_state_bytes(m);
    if (sb != m->last_state_bytes) {
        if (m->plat.mem_changed)
            m->plat.mem_changed(m->plat.ctx, (int64_t)sb - (int64_t)m->last_state_bytes, sb);
        m->last_state_bytes = sb;
    }
    return 0;
}

void mcp_expire(struct mcp *m, mcp_ns_t now)
{
    m->now = now;
    while (mcp_flow_expire(m->flows, now, 1024) >= 1024)
        ;
}

static void sweep_timer(void *arg, mcp_ns_t now)
{
    struct mcp *m = arg;
    mcp_expire(m, now);
    mcp_ns_t next = mcp_flow_next_expiry(m->flows);
    /* At most one sweep per second: expiry is also done lazily on lookup and insert. */
    if (next < now + MCP_NS_PER_S)
        next = now + MCP_NS_PER_S;
    if (next != INT64_MAX)
        m->plat.timer_arm(m->plat.ctx, next, sweep_timer, m);
}

void mcp_dp_arm_sweep(struct mcp *m)
{
    if (m->plat.timer_arm)
        m->plat.timer_arm(m->plat.ctx, m->plat.now_ns(m->plat.ctx) + MCP_NS_PER_S, sweep_timer,
                          m);
}

void mcp_dp_cancel_sweep(struct mcp *m)
{
    if (m->plat.timer_cancel)
        m->plat.timer_cancel(m->plat.ctx, sweep_timer, m);
}

void mcp_dp_flow_config(struct mcp *m, struct mcp_flow_config *fc)
{
    fc->on_remove = on_flow_removed;
    fc->on_remove_arg = m;
}
