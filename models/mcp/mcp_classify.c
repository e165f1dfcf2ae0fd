/* mcp_classify.c - what each role does with each class of packet (the decision table of
 * docs/mcp-datapath.md). One function per (role, packet class); they edit the packet through
 * the signalling/steering ops and the mcp_pkt helpers and fill the verdict.
 */
#include <errno.h>
#include <string.h>

#include "models/mcp/mcp_internal.h"
#include "models/wire/convert.h"
#include "models/wire/wire_err.h"

static void set(struct mcp_verdict *v, enum mcp_decision d, enum mcp_reason r)
{
    v->decision = d;
    v->reason = r;
}

/* Cache key of the interface: 0 for the shared (proxy) placement; the phone placement keys
 * by the interface the connection's SYN used, so what was learnt on WiFi says nothing about
 * LTE (thread-2017-03.txt, H10). */
static uint32_t cache_iface(const struct mcp *m, uint32_t ifindex)
{
    return m->cfg.cache == MCP_CACHE_PHONE ? ifindex + 1 : 0;
}

static enum mcp_cap cache_get(struct mcp *m, const struct mcp_pkt *p, const uint8_t *server,
                              uint16_t port)
{
    if (!m->cache)
        return MCP_CAP_UNKNOWN;
    mcp_cost_add(m->cost, MCP_OP_LOOKUP);
    return mcp_capcache_get(m->cache, cache_iface(m, p->ifindex), p->w.family, server, port,
                            m->now);
}

/* f: the flow the answer belongs to (its SYN's interface), or NULL (this packet's). */
static void cache_put(struct mcp *m, const struct mcp_pkt *p, const struct mcp_flow *f,
                      const uint8_t *server, uint16_t port, enum mcp_cap what)
{
    if (!m->cache)
        return;
    mcp_cost_add(m->cost, MCP_OP_INSERT);
    mcp_capcache_put(m->cache, cache_iface(m, f ? f->iface : p->ifindex), p->w.family, server,
                     port, what, m->now);
}

/* An MP_CAPABLE whose flags a strict receiver refuses (a spare bit set: Linux v1 then
 * ignores MP_CAPABLE and the connection silently becomes plain TCP, protocol.md 1.3). */
static bool mpc_flags_refused(const struct mcp_pkt *p)
{
    return p->mpc_off >= 0 &&
           mptcp_mpc_flags_check(p->mpc.u.mpc.version, p->mpc.u.mpc.flags) != 0;
}

/* For a rewritten flow: remember the mapping and index the other leg (tuple k) as an alias. */
static void link_other_leg(struct mcp *m, struct mcp_pkt *p, uint32_t idx,
                           const struct mcp_tuple *k)
{
    struct mcp_flow *f = mcp_flow_get(m->flows, idx);
    memcpy(f->map_addr, p->orig_addr, 16);
    f->map_port = p->orig_port;
    f->map_port2 = p->pool_port;
    f->seq_delta = p->carrier_len;
    uint32_t a;
    bool evicted;
    mcp_cost_add(m->cost, MCP_OP_INSERT);
    if (mcp_flow_insert(m->flows, k, MCP_FS_ESTABLISHED, m->now, &a, &evicted) == 0) {
        mcp_flow_get(m->flows, a)->kind = MCP_FK_ALIAS;
        mcp_flow_link(m->flows, idx, a);
    }
}

/* Retransmitted SYN of a flow already decided: the same treatment again. */
static bool syn_again(struct mcp *m, struct mcp_pkt *p, struct mcp_verdict *v)
{
    bool alias;
    uint32_t idx;
    struct mcp_flow *f = mcp_dp_flow_of(m, &p->k, m->now, &alias, &idx);
    if (!f || alias)
        return false;
    mcp_flow_touch(m->flows, idx, m->now);
    set(v, MCP_D_PASS, MCP_R_SYN_RETRANSMIT);
    if (m->cfg.role == MCP_ROLE_UMCP && f->kind == MCP_FK_STEERED) {
        if (p->mpc_off >= 0)
            m->sig->mark_syn(m, p);
        m->steer->apply(m, p, f);
    } else if (m->cfg.role == MCP_ROLE_DMCP) {
        if (p->mpc_off >= 0)
            m->sig->take_syn(m, p);
        m->steer->remove(m, p, f);
        if (f->kind == MCP_FK_TERMINATED)
            v->decision = MCP_D_TERMINATE;
    }
    return true;
}

/* ---- uMCP ---- */

static void umcp_syn(struct mcp *m, struct mcp_pkt *p, struct mcp_verdict *v)
{
    uint32_t idx;
    enum mcp_reason why;
    if (p->from == MCP_SIDE_NETWORK) {
        set(v, MCP_D_PASS, MCP_R_SYN_FAR_END); /* on-path: far-end SYNs just pass (H11) */
        return;
    }
    if (syn_again(m, p, v))
        return;
    if (p->mpc_off >= 0 && mcp_limits_in_backoff(m->limits, m->now)) {
        /* The converter said Resource Exceeded: new connections go end-to-end until the
         * announced delay has passed (RFC 8803 6.2.8, error 64). */
        set(v, MCP_D_PASS, MCP_R_BACKOFF);
        return;
    }
    if (p->mpc_off >= 0 && m->convclient &&
        mcp_convclient_refused(m->convclient, p->w.family, p->k.src, m->now)) {
        /* The converter said Not Authorized for this client: no conversion, the
         * connection goes end-to-end (RFC 8803 6.2.8, error 32). */
        set(v, MCP_D_PASS, MCP_R_NOT_AUTHORIZED);
        return;
    }
    if (p->join_off >= 0) {
        mcp_cost_add(m->cost, MCP_OP_LOOKUP);
        uint32_t c = mcp_flow_by_token(m->flows, p->join.u.join.token, m->now);
        struct mcp_flow *cf = c == MCP_FLOW_NONE ? NULL : mcp_flow_get(m->flows, c);
        if (!cf || cf->kind != MCP_FK_STEERED) {
            set(v, MCP_D_PASS, MCP_R_SYN_JOIN_UNKNOWN);
            return;
        }
        struct mcp_flow *f = mcp_dp_flow_new(m, &p->k, false, &idx, &why);
        if (!f) {
            set(v, MCP_D_PASS, why);
            return;
        }
        f->kind = MCP_FK_STEERED;
        f->conn = c;
        int serr = m->steer->apply(m, p, f);
        if (serr < 0)
            mcp_steer_failed(m, serr);
        if (p->carrier_len)
            link_other_leg(m, p, idx, &p->k);
        set(v, MCP_D_REWRITE, MCP_R_SYN_JOIN_KNOWN);
        return;
    }
    if (p->mpc_off < 0) {
        if (!m->cfg.convert_plain) {
            set(v, MCP_D_PASS, MCP_R_SYN_PLAIN);
            return;
        }
        struct mcp_flow *f = mcp_dp_flow_new(m, &p->k, true, &idx, &why);
        if (!f) {
            set(v, MCP_D_PASS, why);
            return;
        }
        f->kind = MCP_FK_TERMINATED; /* the local stack opens the MPTCP leg */
        set(v, MCP_D_TERMINATE, MCP_R_SYN_PLAIN);
        return;
    }
    if (mpc_flags_refused(p)) /* the SYN comes marked already: a second MCP, or a loop */
        m->st.anomalies[MCP_A_UNEXPECTED_SIGNAL]++;
    enum mcp_cap known = cache_get(m, p, p->k.dst, p->k.dport);
    if (known == MCP_CAP_MPTCP) {
        set(v, MCP_D_PASS, MCP_R_SYN_CAPABLE_CACHED); /* end-to-end MPTCP: bypass */
        return;
    }
    struct mcp_flow *f = mcp_dp_flow_new(m, &p->k, true, &idx, &why);
    if (!f) {
        set(v, MCP_D_PASS, why);
        return;
    }
    f->flags |= MCP_FF_MPTCP;
    if (m->sig->take_synack && known != MCP_CAP_PROXY_SEEN) {
        /* hello: the first SYN goes unmarked; the SYN/ACK tells whether a proxy is there. */
        set(v, MCP_D_PASS, MCP_R_SYN_MPC_NATIVE);
        return;
    }
    /* Steering first: if it cannot be applied (a route already in the packet, no room for
     * the carrier) the SYN goes out untouched and unproxied rather than half-steered. */
    m->saved = p->w;
    int32_t saved_delta = p->delta;
    int serr = m->steer->apply(m, p, f);
    if (serr < 0) {
        p->w = m->saved;
        p->delta = saved_delta;
        p->changed = false;
        p->carrier_len = p->tunnel_family = 0;
        mcp_steer_failed(m, serr);
        set(v, MCP_D_PASS, MCP_R_SYN_SIGNAL_NO_SPACE);
        return;
    }
    int rc = m->sig->mark_syn(m, p);
    if (rc == WIRE_E_OPT_SPACE && m->cfg.no_space == MCP_NOSPACE_DROP_TS) {
        const struct tcp_opt *ts = tcp_opt_find(&p->w.tcp, TCPOPT_TIMESTAMP);
        if (ts && mcp_pkt_opt_delete(m, p, ts->off) == 0)
            rc = m->sig->mark_syn(m, p);
    }
    if (rc != 0) {
        m->st.anomalies[MCP_A_OPTION_OVERFLOW]++;
        if (m->cfg.no_space == MCP_NOSPACE_DROP) {
            mcp_flow_remove(m->flows, idx);
            set(v, MCP_D_DROP, MCP_R_SYN_SIGNAL_NO_SPACE);
            return;
        }
        /* Not proxied: the SYN leaves as it came, end-to-end. */
        p->w = m->saved;
        p->delta = saved_delta;
        p->changed = false;
        p->carrier_len = p->tunnel_family = 0;
        set(v, MCP_D_PASS, MCP_R_SYN_SIGNAL_NO_SPACE);
        return;
    }
    if (p->carrier_len)
        link_other_leg(m, p, idx, &p->k);
    f = mcp_flow_get(m->flows, idx);
    f->kind = MCP_FK_STEERED;
    set(v, MCP_D_REWRITE,
        m->sig->marks ? MCP_R_SYN_SIGNAL_INSERTED : MCP_R_SYN_STEERED);
}

static void umcp_synack(struct mcp *m, struct mcp_pkt *p, struct mcp_verdict *v)
{
    set(v, MCP_D_PASS, p->mpc_off >= 0 ? MCP_R_SYNACK_MPC : MCP_R_SYNACK_PLAIN);
    bool alias;
    uint32_t idx;
    struct mcp_flow *f = mcp_dp_flow_of(m, &p->k, m->now, &alias, &idx);
    uint8_t code;
    uint32_t value;
    if (f && alias && f->seq_delta && mcp_dp_convert_error_of(p, &code, &value)) {
        /* The converter refused the connection: the client's retransmitted SYN is decided
         * again, unproxied while a back-off runs. */
        bool busy = code == CONVERT_E_RESOURCE_EXCEEDED || code == CONVERT_E_NETWORK_FAILURE;
        if (busy)
            mcp_limits_note_resource_exceeded(m->limits, value, m->now);
        mcp_flow_remove(m->flows, idx);
        /* Missing Cookie: the cookie is kept and the retransmitted SYN carries it; Not
         * Authorized: the client goes end-to-end (mcp_convauth.c). */
        set(v, MCP_D_DROP,
            mcp_dp_convert_taken(m, p, code,
                                 busy ? MCP_R_RESOURCE_EXCEEDED : MCP_R_CONVERTER_ERROR));
        return;
    }
    if (m->sig->take_synack && m->sig->take_synack(m, p) == 1) {
        cache_put(m, p, f, p->k.src, p->k.sport, MCP_CAP_PROXY_SEEN);
        v->reason = MCP_R_SYNACK_HELLO_SEEN;
    }
    if (!f)
        return;
    mcp_dp_learn_token(m, p, f->conn);
    /* Only an end-to-end (unsteered) handshake tells what the server is. */
    if (f->kind == MCP_FK_TRACKED && v->reason != MCP_R_SYNACK_HELLO_SEEN)
        cache_put(m, p, f, p->k.src, p->k.sport,
                  p->mpc_off >= 0 ? MCP_CAP_MPTCP : MCP_CAP_TCP_ONLY);
    if (alias && m->steer->ret_remove)
        m->steer->ret_remove(m, p, f);
    if (f->kind == MCP_FK_TERMINATED)
        v->decision = MCP_D_TERMINATE;
    mcp_dp_flow_seen(m, idx, p, m->now);
}

static void umcp_segment(struct mcp *m, struct mcp_pkt *p, struct mcp_verdict *v)
{
    bool alias;
    uint32_t idx;
    struct mcp_flow *f = mcp_dp_flow_of(m, &p->k, m->now, &alias, &idx);
    if (!f) {
        set(v, MCP_D_PASS, MCP_R_NO_FLOW);
        return;
    }
    set(v, MCP_D_PASS, MCP_R_FLOW_UNSTEERED);
    if (f->kind == MCP_FK_STEERED && p->from == MCP_SIDE_CUSTOMER && !alias) {
        int serr = m->steer->apply(m, p, f);
        if (serr < 0)
            mcp_steer_failed(m, serr);
        else
            v->reason = MCP_R_FLOW_STEERED;
    } else if (alias && m->steer->ret_remove && m->steer->ret_remove(m, p, f) == 1) {
        v->reason = MCP_R_FLOW_STEERED;
    }
    if (f->kind == MCP_FK_TERMINATED)
        v->decision = MCP_D_TERMINATE;
    mcp_dp_flow_seen(m, idx, p, m->now);
}

/* ---- dMCP ---- */

static void dmcp_syn_from_network(struct mcp *m, struct mcp_pkt *p, struct mcp_verdict *v)
{
    if (m->cfg.addr_mode == MCP_ADDR_SHARE && m->steer->rewrites_dst &&
        memcmp(p->k.dst, p->w.family == 4 ? m->cfg.pool4 : m->cfg.pool6,
               p->w.family == 4 ? 4 : 16) == 0) {
        /* Address sharing: an unsolicited SYN to the pool matches no mapping (RFC 8803
         * 4.4: dropped). */
        set(v, MCP_D_DROP, MCP_R_SYN_FAR_END);
        return;
    }
    set(v, MCP_D_PASS, MCP_R_SYN_FAR_END);
    if (p->mpc_off >= 0 && m->sig->marks && m->sig->take_syn(m, p) == 1 &&
        !mcp_limits_side_allowed(m->limits, p->from)) {
        /* A proxy request from the Internet side is refused (RFC 8803 9); the mark is
         * stripped so that it cannot reach a server that would misread it (H2). */
        v->reason = MCP_R_SYN_WRONG_SIDE;
    }
}

static void dmcp_syn(struct mcp *m, struct mcp_pkt *p, struct mcp_verdict *v)
{
    uint32_t idx;
    enum mcp_reason why;
    if (p->from == MCP_SIDE_NETWORK && !m->cfg.network_side_requests) {
        dmcp_syn_from_network(m, p, v);
        return;
    }
    if (syn_again(m, p, v))
        return;
    struct mcp_tuple k_mid = p->k; /* the middle-leg tuple, before the steering comes off */
    int rc = m->steer->remove(m, p, NULL);
    if (rc == -ENOSPC) {
        set(v, MCP_D_DROP, MCP_R_TABLE_FULL); /* address pool exhausted */
        if (m->cfg.carry == MCP_CARRY_CONVERT)
            mcp_dp_convert_error(m, p, v, CONVERT_E_RESOURCE_EXCEEDED);
        return;
    }
    if (rc < 0) {
        m->st.anomalies[MCP_A_MALFORMED]++;
        set(v, MCP_D_DROP, MCP_R_SYN_BAD_CONVERT);
        if (m->cfg.carry == MCP_CARRY_CONVERT && m->steer->rewrites_dst)
            mcp_dp_convert_error(m, p, v, CONVERT_E_MALFORMED_MESSAGE);
        else if (!mcp_limits_error_allowed(m->limits, m->now))
            v->reason = MCP_R_ERROR_RATE_LIMITED;
        return;
    }
    if (rc == 1 && p->carrier_len && m->cfg.carry == MCP_CARRY_CONVERT &&
        !mcp_dp_convert_admit(m, p, v))
        return; /* explicit mode refused it: no state kept */
    if (p->join_off >= 0) {
        mcp_cost_add(m->cost, MCP_OP_LOOKUP);
        uint32_t c = mcp_flow_by_token(m->flows, p->join.u.join.token, m->now);
        struct mcp_flow *cf = c == MCP_FLOW_NONE ? NULL : mcp_flow_get(m->flows, c);
        if (!cf || cf->kind != MCP_FK_TERMINATED) {
            set(v, MCP_D_PASS, MCP_R_SYN_JOIN_UNKNOWN);
            return;
        }
        struct mcp_flow *f = mcp_dp_flow_new(m, &k_mid, false, &idx, &why);
        if (!f) {
            set(v, MCP_D_PASS, why);
            return;
        }
        f->kind = MCP_FK_TERMINATED;
        f->conn = c;
        if (rc == 1 && p->carrier_len)
            link_other_leg(m, p, idx, &p->k);
        set(v, MCP_D_TERMINATE, MCP_R_SYN_JOIN_KNOWN);
        return;
    }
    if (p->mpc_off < 0) {
        set(v, MCP_D_PASS, MCP_R_SYN_PLAIN);
        return;
    }
    if (m->sig->take_syn(m, p) != 1) {
        set(v, MCP_D_PASS, MCP_R_SYN_MPC_NATIVE);
        if (mpc_flags_refused(p)) /* someone else's mark goes on to the server: H2 */
            m->st.anomalies[MCP_A_FLAG_LEAK]++;
        if (m->sig->announce_synack) {
            struct mcp_flow *f = mcp_dp_flow_new(m, &k_mid, false, &idx, &why);
            if (f)
                f->flags |= MCP_FF_HELLO | MCP_FF_MPTCP;
        }
        return;
    }
    if (m->cfg.cookies && rc == 0) {
        /* Stateless until the third ACK proves the source (RFC 4987 3.6, RFC 8684 3.1). */
        mcp_dp_cookie_reply(m, p, v);
        return;
    }
    struct mcp_flow *f = mcp_dp_flow_new(m, &k_mid, true, &idx, &why);
    if (!f) {
        /* Cannot terminate: forward it unsignalled (end-to-end MPTCP or fallback) unless the
         * steering took its destination away, which nothing but us can map back; a Convert
         * client is told Resource Exceeded so that it backs off. */
        set(v, rc == 1 && p->carrier_len ? MCP_D_DROP : MCP_D_PASS, why);
        if (rc == 1 && p->carrier_len && m->cfg.carry == MCP_CARRY_CONVERT)
            mcp_dp_convert_error(m, p, v, CONVERT_E_RESOURCE_EXCEEDED);
        return;
    }
    f->kind = MCP_FK_TERMINATED;
    f->flags |= MCP_FF_MPTCP;
    if (rc == 1 && p->carrier_len)
        link_other_leg(m, p, idx, &p->k);
    set(v, MCP_D_TERMINATE, MCP_R_SYN_MPC_SIGNALLED);
}

static void dmcp_synack(struct mcp *m, struct mcp_pkt *p, struct mcp_verdict *v)
{
    set(v, MCP_D_PASS, p->mpc_off >= 0 ? MCP_R_SYNACK_MPC : MCP_R_SYNACK_PLAIN);
    bool alias;
    uint32_t idx;
    struct mcp_flow *f = mcp_dp_flow_of(m, &p->k, m->now, &alias, &idx);
    if (!f || p->from != MCP_SIDE_NETWORK)
        return;
    mcp_dp_learn_token(m, p, f->conn);
    cache_put(m, p, f, p->k.src, p->k.sport,
              p->mpc_off >= 0 ? MCP_CAP_MPTCP : MCP_CAP_TCP_ONLY);
    mcp_dp_release_pending(m, f);
    if ((f->flags & MCP_FF_HELLO) && p->mpc_off >= 0 && m->sig->announce_synack) {
        if (m->sig->announce_synack(m, p) == 0)
            v->reason = MCP_R_SYNACK_HELLO_INSERTED;
        else
            m->st.anomalies[MCP_A_OPTION_OVERFLOW]++;
    }
    if (alias && m->steer->ret_apply)
        m->steer->ret_apply(m, p, f);
    if (f->kind == MCP_FK_TERMINATED)
        v->decision = MCP_D_TERMINATE;
    mcp_dp_flow_seen(m, idx, p, m->now);
}

static void dmcp_segment(struct mcp *m, struct mcp_pkt *p, struct mcp_verdict *v)
{
    bool alias;
    uint32_t idx;
    struct mcp_flow *f = mcp_dp_flow_of(m, &p->k, m->now, &alias, &idx);
    if (!f) {
        set(v, MCP_D_PASS, MCP_R_NO_FLOW);
        if (p->from == MCP_SIDE_CUSTOMER) {
            if (m->cfg.cookies && mcp_dp_cookie_ack(m, p, v))
                return;
            if (m->steer->remove(m, p, NULL) == 1)
                v->reason = MCP_R_FLOW_STEERED;
        }
        return;
    }
    set(v, MCP_D_PASS, MCP_R_FLOW_UNSTEERED);
    if (p->from == MCP_SIDE_CUSTOMER && !alias) {
        if (m->steer->remove(m, p, f) == 1)
            v->reason = MCP_R_FLOW_STEERED;
    } else if (p->from == MCP_SIDE_NETWORK && alias && m->steer->ret_apply) {
        m->steer->ret_apply(m, p, f);
        v->reason = MCP_R_FLOW_STEERED;
    }
    if (f->kind == MCP_FK_TERMINATED)
        v->decision = MCP_D_TERMINATE;
    mcp_dp_flow_seen(m, idx, p, m->now);
}

void mcp_dp_syn(struct mcp *m, struct mcp_pkt *p, struct mcp_verdict *v)
{
    if (m->cfg.role == MCP_ROLE_UMCP)
        umcp_syn(m, p, v);
    else
        dmcp_syn(m, p, v);
}

void mcp_dp_synack(struct mcp *m, struct mcp_pkt *p, struct mcp_verdict *v)
{
    if (m->cfg.role == MCP_ROLE_UMCP)
        umcp_synack(m, p, v);
    else
        dmcp_synack(m, p, v);
}

void mcp_dp_segment(struct mcp *m, struct mcp_pkt *p, struct mcp_verdict *v)
{
    if (m->cfg.role == MCP_ROLE_UMCP)
        umcp_segment(m, p, v);
    else
        dmcp_segment(m, p, v);
}
