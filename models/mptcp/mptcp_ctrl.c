/* mptcp_ctrl.c - handshakes, fallback and resets: MP_CAPABLE (RFC 8684 section 3.1, RFC 6824
 * section 3.1 for v0), MP_JOIN (section 3.2), MP_TCPRST and MP_FASTCLOSE (3.5, 3.6), the
 * fallback rules of section 3.7, and the listener hook, following Linux net/mptcp/subflow.c
 * (subflow_check_req, subflow_finish_connect, subflow_syn_recv_sock) and options.c
 * (mptcp_parse_option: a malformed option is ignored and counted, check_fully_established).
 *
 * What a subflow writes while the connection is being set up:
 *   client MPC SYN: v1 MP_CAPABLE length 4 (v0: 12 with our key), flags H (+A for checksums);
 *   server SYN/ACK: MP_CAPABLE 12 with the server key;
 *   client third ACK and its pure ACKs until a DSS from the server proves the server has our
 *   keys: MP_CAPABLE 20 (both keys); its first data segment MP_CAPABLE 22 (24 with checksum)
 *   carrying the first mapping's length (v1 only);
 *   joins: MP_JOIN SYN (token, nonce), SYN/ACK (truncated HMAC, nonce), ACK (HMAC).
 * Not modelled: the MP_CAPABLE C flag's effect on the peer's path manager.
 */
#include <string.h>

#include "models/mptcp/mptcp_int.h"
#include "models/tcp/tcp_stack.h"
#include "sim/rng.h"

size_t mptcp_parse_opts(struct mptcp_stack *st, const struct tcp_hdr *h, uint8_t version,
                        bool has_payload, struct mptcp_opt *out, size_t max)
{
    struct mptcp_ctx ctx = {
        .tcp_flags = (uint8_t)(h->flags & 0xff),
        .version = version,
        .has_payload = has_payload,
    };
    size_t n = 0;
    for (size_t i = 0; i < h->nopts && n < max; i++) {
        if (h->opts[i].kind != MPTCP_OPT_KIND)
            continue;
        const uint8_t *p = tcp_opt_bytes(h, &h->opts[i]);
        if (mptcp_opt_parse(p, h->opts[i].len, &ctx, &out[n]) < 0) {
            st->stats.bad_opts++;
            continue;
        }
        n++;
    }
    return n;
}

bool mptcp_opt_put(struct tcp_hdr *h, const struct mptcp_opt *o)
{
    uint8_t buf[MPTCP_OPT_MAXLEN];
    size_t n;
    if (mptcp_opt_write(o, buf, sizeof buf, &n) < 0)
        return false;
    size_t pad = (4 - n % 4) % 4;
    if (tcp_opt_space_free(h) < n + pad)
        return false;
    tcp_opt_append_raw(h, buf, n);
    for (size_t i = 0; i < pad; i++)
        tcp_opt_append_nop(h);
    return true;
}

static const struct mptcp_opt *find_sub(const struct mptcp_opt *o, size_t n, uint8_t sub)
{
    for (size_t i = 0; i < n; i++)
        if (o[i].subtype == sub)
            return &o[i];
    return NULL;
}

static void set_remote_key(struct mptcp_conn *c, uint64_t key)
{
    c->remote_key = key;
    c->remote_key_known = true;
    mptcp_key_hash(c->version, key, &c->remote_token, &c->remote_idsn);
    c->rcv_nxt = c->read_seq = c->remote_idsn + 1;   /* Linux subflow.c: iasn++ */
}

static uint8_t mpc_flags(const struct mptcp_conn *c)
{
    return MPTCP_CAP_H_HMAC | (c->csum ? MPTCP_CAP_A_CSUM : 0);
}

/* Fallback (RFC 8684 section 3.7): from here the first subflow is plain TCP under the MPTCP
 * socket; "once MPTCP reverts to TCP, it MUST NOT revert back". Data still counts at the
 * data level so the socket's counters go on: the bytes read from the subflow continue the
 * data sequence where it stood (an infinite mapping). */
void mptcp_fallback(struct mptcp_conn *c, bool count_ack, uint8_t reason)
{
    if (c->fallback)
        return;
    c->fallback = true;
    if (!c->fb_reason)
        c->fb_reason = reason;
    if (count_ack)
        c->st->stats.mpc_fallback_ack++;
    struct mptcp_subflow *sf = mptcp_first_subflow(c);
    if (sf) {
        c->fb_rx_base = c->rcv_nxt - sf->rx_ssn;
        c->fb_tx_base = c->snd_nxt - sf->tx_ssn;
    }
    if (c->local_token)
        mptcp_token_remove(c->st->tokens, c->local_token);
    c->local_token = 0;
    mptcp_pm_stop(c);
    /* Plain TCP is one subflow: a join that was still being set up when an MP_FAIL made the
     * connection fall back is reset (Linux refuses to finish such a join, and a fallback
     * that finds another subflow resets instead). */
    for (size_t i = 0; i < c->nsf; i++)
        if (c->sf[i] != sf && !c->sf[i]->closed)
            mptcp_subflow_reset(c->sf[i], MPTCP_RST_EMPTCP);
}

static void deferred_abort(struct sched *s, void *ctx, void *arg)
{
    (void)s;
    (void)arg;
    struct mptcp_subflow *sf = ctx;
    sf->abort_ev = 0;
    if (sf->closed)
        return;
    struct tcp_sock *t = sf->tcp;
    mptcp_stats_add_subflow(&sf->conn->stats, t);
    if (sf->in_cc_group) {
        mptcp_cc_group_remove(&sf->conn->ccg, tcp_sock_cc(t));
        sf->in_cc_group = false;
    }
    tcp_abort(t);         /* the RST carries MP_TCPRST (mptcp_ctrl_write) */
    sf->tcp = NULL;
    mptcp_subflow_gone(sf);
}

void mptcp_subflow_reset(struct mptcp_subflow *sf, uint8_t reason)
{
    if (sf->reset_pending || sf->closed)
        return;
    sf->reset_pending = true;
    sf->rst_reason = reason;
    sf->conn->st->stats.tcprst_tx++;
    /* never inside TCP's own input processing of this subflow: abort from a fresh event */
    sf->abort_ev = sched_in(sf->conn->st->sched, 0, deferred_abort, sf, NULL);
}

/* ---- writing ----------------------------------------------------------------------- */

static bool write_rst(struct mptcp_subflow *sf, struct tcp_hdr *h)
{
    struct mptcp_conn *c = sf->conn;
    if (c->fallback && !c->fastclose_tx && !sf->join)
        return true;                            /* a join reset at the fallback keeps its MPTCP */
    if (c->fastclose_tx) {
        struct mptcp_opt fc = { .subtype = MPTCP_SUB_FASTCLOSE };
        fc.u.fastclose.rcv_key = c->remote_key;
        if (mptcp_opt_put(h, &fc))
            c->st->stats.fastclose_tx++;
    }
    mptcp_fail_write(sf, h);                    /* MP_FAIL before MP_TCPRST, as Linux */
    if (c->version == 1) {
        struct mptcp_opt r = { .subtype = MPTCP_SUB_TCPRST };
        r.u.tcprst.reason = sf->rst_reason;
        mptcp_opt_put(h, &r);
    }
    return true;
}

static void write_mpc(struct mptcp_subflow *sf, struct tcp_hdr *h, uint32_t len, bool syn,
                      bool ack)
{
    struct mptcp_conn *c = sf->conn;
    struct mptcp_opt o = { .subtype = MPTCP_SUB_CAPABLE };
    o.u.mpc.version = c->version;
    o.u.mpc.flags = mpc_flags(c);
    if (syn && !ack) {
        if (c->version == 0) {
            o.u.mpc.nkeys = 1;
            o.u.mpc.snd_key = c->local_key;
        }
    } else if (syn) {
        o.u.mpc.nkeys = 1;
        o.u.mpc.snd_key = c->local_key;
    } else {
        o.u.mpc.nkeys = 2;
        o.u.mpc.snd_key = c->local_key;
        o.u.mpc.rcv_key = c->remote_key;
        if (len && c->version == 1) {
            const struct mptcp_map *m = mptcp_tx_map_at(sf, h->seq - sf->iss);
            o.u.mpc.has_data_len = true;
            o.u.mpc.data_len = m ? (uint16_t)m->len : (uint16_t)len;
            if (c->csum) {
                o.u.mpc.has_csum = true;
                o.u.mpc.csum = mptcp_map_csum(c, m ? m->dsn : c->local_idsn + 1, 1,
                                              o.u.mpc.data_len);
            }
        }
    }
    mptcp_opt_put(h, &o);
}

static void write_join(struct mptcp_subflow *sf, struct tcp_hdr *h, bool syn, bool ack)
{
    struct mptcp_conn *c = sf->conn;
    struct mptcp_opt o = { .subtype = MPTCP_SUB_JOIN };
    uint8_t hm[MPTCP_JOIN_HMAC_LEN];
    if (syn && !ack) {
        o.u.join.form = MPTCP_JOIN_SYN;
        o.u.join.backup = sf->backup;
        o.u.join.addr_id = sf->local_id;
        o.u.join.token = c->remote_token;
        o.u.join.nonce = sf->nonce_local;
    } else if (syn) {
        o.u.join.form = MPTCP_JOIN_SYNACK;
        o.u.join.backup = sf->backup;
        o.u.join.addr_id = sf->local_id;
        mptcp_join_hmac(c->version, c->local_key, c->remote_key, sf->nonce_local,
                        sf->nonce_remote, hm);
        uint64_t t = 0;
        for (int i = 0; i < 8; i++)
            t = t << 8 | hm[i];
        o.u.join.thmac = t;
        o.u.join.nonce = sf->nonce_local;
    } else {
        o.u.join.form = MPTCP_JOIN_ACK;
        mptcp_join_hmac(c->version, c->local_key, c->remote_key, sf->nonce_local,
                        sf->nonce_remote, hm);
        memcpy(o.u.join.hmac, hm, sizeof hm);
    }
    mptcp_opt_put(h, &o);
}

bool mptcp_ctrl_write(struct mptcp_subflow *sf, struct tcp_hdr *h, uint32_t len)
{
    struct mptcp_conn *c = sf->conn;
    bool syn = h->flags & TCP_FLAG_SYN, ack = h->flags & TCP_FLAG_ACK;
    if (h->flags & TCP_FLAG_RST)
        return write_rst(sf, h);
    if (c->fallback || sf->reset_pending)
        return true;
    if (syn) {
        if (!ack) {
            sf->iss = h->seq;
            if (sf->mpc && sf->syn_sent++ > c->st->cfg.syn_retries_before_fallback &&
                c->st->cfg.syn_retries_before_fallback) {
                /* Linux ctrl.c mptcp_active_detect_blackhole: SYN + MP_CAPABLE dropped
                 * too often; this SYN goes out plain and the connection is TCP */
                c->mpc_dropped = true;
                mptcp_fallback(c, false, MPTCP_FB_SYN_BLACKHOLE);
                return true;
            }
        } else {
            sf->iss = h->seq;
        }
        if (sf->join)
            write_join(sf, h, true, ack);
        else
            write_mpc(sf, h, len, true, ack);
        return true;
    }
    if (sf->join && sf->join_ack_pending) {
        write_join(sf, h, false, true);
        return true;
    }
    /* client MPC subflow until the server has proven it has our key (section 3.1) */
    if (sf->mpc && !sf->server && !c->fully_established) {
        uint32_t rel = h->seq - sf->iss;
        if (len == 0 || (rel == 1 && c->version == 1)) {
            write_mpc(sf, h, len, false, true);
            return true;
        }
    }
    return false;
}

/* ---- receiving --------------------------------------------------------------------- */

static uint64_t thmac_of(const uint8_t hm[MPTCP_JOIN_HMAC_LEN])
{
    uint64_t t = 0;
    for (int i = 0; i < 8; i++)
        t = t << 8 | hm[i];
    return t;
}

static bool rcv_synack(struct mptcp_subflow *sf, const struct tcp_hdr *h,
                       const struct mptcp_opt *o, size_t n)
{
    struct mptcp_conn *c = sf->conn;
    struct mptcp_stack *st = c->st;
    sf->irs = h->seq;
    if (sf->join) {
        const struct mptcp_opt *j = find_sub(o, n, MPTCP_SUB_JOIN);
        st->stats.join_syn_ack_rx++;
        uint8_t hm[MPTCP_JOIN_HMAC_LEN];
        if (j)
            mptcp_join_hmac(c->version, c->remote_key, c->local_key, j->u.join.nonce,
                            sf->nonce_local, hm);
        if (!j || thmac_of(hm) != j->u.join.thmac) {
            /* RFC 8684 section 3.2: a join cannot fall back; reset it. TCP completes the
             * handshake (its bare ACK carries no MPTCP option) so that the reset is a
             * synchronized RST with MP_TCPRST, as Linux's subflow_finish_connect sends */
            st->stats.join_bad_hmac++;
            mptcp_subflow_reset(sf, MPTCP_RST_EMPTCP);
            return true;
        }
        sf->nonce_remote = j->u.join.nonce;
        sf->remote_id = j->u.join.addr_id;
        sf->peer_backup = j->u.join.backup;
        sf->join_ack_pending = true;
        return true;
    }
    if (c->fallback) {
        if (c->mpc_dropped && !find_sub(o, n, MPTCP_SUB_CAPABLE))
            mptcp_blackhole_detected(st);       /* the plain SYN got through */
        return true;
    }
    const struct mptcp_opt *m = find_sub(o, n, MPTCP_SUB_CAPABLE);
    if (!m || m->u.mpc.nkeys != 1 || m->u.mpc.version != c->version ||
        mptcp_mpc_flags_check(c->version, m->u.mpc.flags) < 0) {
        st->stats.mpc_fallback_synack++;   /* Linux MPCapableFallbackSYNACK */
        mptcp_fallback(c, false, MPTCP_FB_SYNACK);
        return true;
    }
    st->stats.mpc_synack_rx++;
    if (m->u.mpc.flags & MPTCP_CAP_A_CSUM)
        c->csum = true;
    set_remote_key(c, m->u.mpc.snd_key);
    return true;
}

/* Server side, first segments after the SYN/ACK on the MPC subflow (Linux
 * check_fully_established): MP_CAPABLE with both keys (and maybe the first mapping), or a
 * DSS once the keys are known; anything else is a fallback to TCP. */
static bool rcv_server_mpc(struct mptcp_subflow *sf, const struct tcp_hdr *h,
                           uint32_t seg_len, const struct mptcp_opt *o, size_t n)
{
    struct mptcp_conn *c = sf->conn;
    const struct mptcp_opt *m = find_sub(o, n, MPTCP_SUB_CAPABLE);
    if (m && m->u.mpc.nkeys == 2) {
        if (m->u.mpc.rcv_key != c->local_key ||
            (c->version == 0 && m->u.mpc.snd_key != c->remote_key)) {
            c->st->stats.bad_opts++;
            return true;                    /* ignored, as a malformed option */
        }
        if (!c->remote_key_known)
            set_remote_key(c, m->u.mpc.snd_key);
        c->st->stats.mpc_ack_rx++;
        c->fully_established = true;
        if (m->u.mpc.has_data_len && seg_len)
            mptcp_rx_map_add(sf, c->remote_idsn + 1, 1, m->u.mpc.data_len);
        mptcp_conn_fully_established(c);
        return true;
    }
    if (find_sub(o, n, MPTCP_SUB_DSS) && c->remote_key_known) {
        c->fully_established = true;
        mptcp_conn_fully_established(c);
        return true;
    }
    if (seg_len || !(h->flags & TCP_FLAG_FIN)) {
        mptcp_fallback(c, true, MPTCP_FB_ACK); /* Linux MPCapableFallbackACK */
        return true;
    }
    return true;
}

static bool rcv_join_ack(struct mptcp_subflow *sf, const struct mptcp_opt *o, size_t n)
{
    struct mptcp_conn *c = sf->conn;
    const struct mptcp_opt *j = find_sub(o, n, MPTCP_SUB_JOIN);
    c->st->stats.join_ack_rx++;
    uint8_t hm[MPTCP_JOIN_HMAC_LEN];
    mptcp_join_hmac(c->version, c->remote_key, c->local_key, sf->nonce_remote,
                    sf->nonce_local, hm);
    if (!j || j->u.join.form != MPTCP_JOIN_ACK || memcmp(hm, j->u.join.hmac, sizeof hm)) {
        c->st->stats.join_bad_hmac++;
        mptcp_subflow_reset(sf, MPTCP_RST_EMPTCP);
        return false;
    }
    sf->fully_established = true;           /* the 4th ACK follows at ESTABLISHED */
    mptcp_join_ok(sf);
    return true;
}

bool mptcp_ctrl_rcv(struct mptcp_subflow *sf, const struct tcp_hdr *h, uint32_t seg_len,
                    const struct mptcp_opt *o, size_t n)
{
    struct mptcp_conn *c = sf->conn;
    if (h->flags & TCP_FLAG_RST) {
        if (find_sub(o, n, MPTCP_SUB_TCPRST))
            c->st->stats.tcprst_rx++;
        const struct mptcp_opt *fc = find_sub(o, n, MPTCP_SUB_FASTCLOSE);
        if (fc && fc->u.fastclose.rcv_key == c->local_key && !c->fallback) {
            c->st->stats.fastclose_rx++;
            c->fastclose_rx = true;
        }
        return true;
    }
    if ((h->flags & TCP_FLAG_SYN) && (h->flags & TCP_FLAG_ACK))
        return rcv_synack(sf, h, o, n);
    if (h->flags & TCP_FLAG_SYN)
        return true;
    if (sf->join) {
        if (sf->server && !sf->fully_established)
            return rcv_join_ack(sf, o, n);
        if (!sf->server && sf->join_ack_pending && (h->flags & TCP_FLAG_ACK) &&
            h->ack == sf->iss + 1) {
            /* the 4th ACK: the server acknowledged our third ACK */
            sf->join_ack_pending = false;
            sf->fully_established = true;
            mptcp_join_ok(sf);
            mptcp_push(c);
        }
        return true;
    }
    if (c->fallback || !sf->mpc)
        return true;
    if (sf->server && !c->fully_established)
        return rcv_server_mpc(sf, h, seg_len, o, n);
    if (!sf->server && !c->fully_established) {
        if (find_sub(o, n, MPTCP_SUB_DSS)) {
            c->fully_established = true;    /* section 3.1: a DSS proves the key arrived */
            mptcp_conn_fully_established(c);
        } else if (seg_len) {
            mptcp_fallback(c, true, MPTCP_FB_DATA_NO_DSS); /* first data without DSS (3.7) */
        }
    }
    return true;
}

/* ---- the listener hook ------------------------------------------------------------- */

/* A server key for a SYN answered by a cookie: derived statelessly from the 4-tuple, the
 * client's ISN and the stack's secret (RFC 8684 section 3.1 "similar to [RFC4987]"); the
 * third ACK echoes it and cookie_ack rebuilds the connection from it. */
static uint64_t cookie_key(const struct mptcp_stack *st, const struct tcp_hdr *syn,
                           const struct sock_addr *src, const struct sock_addr *dst)
{
    uint8_t buf[40];
    memcpy(buf, src->bytes, 16);
    memcpy(buf + 16, dst->bytes, 16);
    buf[32] = (uint8_t)(syn->sport >> 8);
    buf[33] = (uint8_t)syn->sport;
    buf[34] = (uint8_t)(syn->dport >> 8);
    buf[35] = (uint8_t)syn->dport;
    for (int i = 0; i < 4; i++)
        buf[36 + i] = (uint8_t)(syn->seq >> (24 - 8 * i));
    uint8_t out[MPTCP_HMAC_MAX];
    mptcp_hmac(1, st->cookie_secret, st->cookie_secret ^ 0x6d70746370ULL, buf, sizeof buf, out);
    uint64_t k = 0;
    for (int i = 0; i < 8; i++)
        k = k << 8 | out[i];
    return k;
}

static enum tcp_syn_verdict listen_syn(struct tcp_listener *l, void *lctx,
                                       const struct tcp_hdr *h, const struct sock_addr *src,
                                       const struct sock_addr *dst, bool cookie,
                                       const struct tcp_ulp_ops **ops, void **ctx)
{
    (void)l;
    (void)src;
    struct mptcp_listener *ml = lctx;
    struct mptcp_stack *st = ml->st;
    struct mptcp_opt o[4];
    size_t n = mptcp_parse_opts(st, h, (uint8_t)st->cfg.version, false, o, 4);
    const struct mptcp_opt *mpc = find_sub(o, n, MPTCP_SUB_CAPABLE);
    const struct mptcp_opt *mpj = find_sub(o, n, MPTCP_SUB_JOIN);
    if (mpc) {
        st->stats.mpc_syn_rx++;
        if (mpc->u.mpc.version != st->cfg.version ||
            mptcp_mpc_flags_check(mpc->u.mpc.version, mpc->u.mpc.flags) < 0) {
            st->stats.mpc_syn_plain++;        /* Linux 6.18: option ignored, plain TCP */
            return TCP_SYN_PLAIN;
        }
        if (cookie) {
            if (!st->cfg.syncookies)
                return TCP_SYN_PLAIN;
            *ops = &mptcp_ulp_ops;
            *ctx = NULL;
            return TCP_SYN_ATTACH;
        }
        struct mptcp_conn *c = mptcp_conn_new(st, true);
        if (!c)
            return TCP_SYN_PLAIN;
        c->listener = ml;
        c->csum = st->cfg.checksum || (mpc->u.mpc.flags & MPTCP_CAP_A_CSUM);
        if (c->version == 0) {
            set_remote_key(c, mpc->u.mpc.snd_key);
        }
        if (mptcp_token_new(st, c) < 0) {
            mptcp_conn_destroy(c);
            return TCP_SYN_PLAIN;              /* Linux: token exhaustion falls back */
        }
        mptcp_conn_init_seq(c);
        struct mptcp_subflow *sf = mptcp_subflow_new(c, NULL);
        if (!sf) {
            mptcp_conn_destroy(c);
            return TCP_SYN_PLAIN;
        }
        sf->mpc = sf->server = true;
        sf->irs = h->seq;
        sf->local_addr = *dst;
        *ops = &mptcp_ulp_ops;
        *ctx = sf;
        return TCP_SYN_ATTACH;
    }
    if (mpj) {
        st->stats.join_syn_rx++;
        if (cookie)
            return TCP_SYN_DROP;               /* no join state without a request sock */
        struct mptcp_conn *c = mptcp_token_lookup(st->tokens, mpj->u.join.token);
        if (!c || c->fallback || !c->fully_established) {
            st->stats.join_no_token += !c;
            return TCP_SYN_RESET;
        }
        if (c->nsf >= c->st->cfg.subflows_max + 1 || c->nsf >= MPTCP_SUBFLOWS_MAX)
            return TCP_SYN_RESET;
        struct mptcp_subflow *sf = mptcp_subflow_new(c, NULL);
        if (!sf)
            return TCP_SYN_RESET;
        sf->join = sf->server = true;
        c->joins_tx++;
        sf->irs = h->seq;
        sf->nonce_remote = mpj->u.join.nonce;
        sf->remote_id = mpj->u.join.addr_id;
        sf->peer_backup = mpj->u.join.backup;
        sf->nonce_local = rng_u32(st->rng);
        sf->local_addr = *dst;
        sf->local_id = mptcp_pm_local_id(st, dst);
        *ops = &mptcp_ulp_ops;
        *ctx = sf;
        return TCP_SYN_ATTACH;
    }
    return TCP_SYN_PLAIN;
}

static void listen_synack_options(struct tcp_listener *l, void *lctx,
                                  const struct tcp_hdr *syn, const struct sock_addr *src,
                                  const struct sock_addr *dst, struct tcp_hdr *synack)
{
    (void)l;
    struct mptcp_listener *ml = lctx;
    struct mptcp_opt o = { .subtype = MPTCP_SUB_CAPABLE };
    o.u.mpc.version = (uint8_t)ml->st->cfg.version;
    o.u.mpc.flags = MPTCP_CAP_H_HMAC | (ml->st->cfg.checksum ? MPTCP_CAP_A_CSUM : 0);
    o.u.mpc.nkeys = 1;
    o.u.mpc.snd_key = cookie_key(ml->st, syn, src, dst);
    mptcp_opt_put(synack, &o);
}

/* Linux mptcp_subflow_init_cookie_req + subflow_syn_recv_sock: the third ACK brings both
 * keys back; the local key must be the one the cookie SYN/ACK carried. */
static bool listen_cookie_ack(struct tcp_listener *l, void *lctx, struct tcp_sock *child,
                              const struct tcp_hdr *ack)
{
    (void)l;
    struct mptcp_listener *ml = lctx;
    struct mptcp_stack *st = ml->st;
    struct mptcp_opt o[4];
    size_t n = mptcp_parse_opts(st, ack, (uint8_t)st->cfg.version, false, o, 4);
    const struct mptcp_opt *m = find_sub(o, n, MPTCP_SUB_CAPABLE);
    if (!m || m->u.mpc.nkeys != 2 || !st->cfg.syncookies)
        return true;                           /* plain TCP child */
    struct sock_info in;
    tcp_sock_get_info(child, &in);
    struct tcp_hdr syn = { .sport = ack->sport, .dport = ack->dport, .seq = ack->seq - 1 };
    if (m->u.mpc.rcv_key != cookie_key(st, &syn, &in.remote, &in.local))
        return true;
    struct mptcp_conn *c = mptcp_conn_new(st, true);
    if (!c)
        return true;
    c->listener = ml;
    c->csum = st->cfg.checksum || (m->u.mpc.flags & MPTCP_CAP_A_CSUM);
    c->local_key = m->u.mpc.rcv_key;
    mptcp_key_hash(c->version, c->local_key, &c->local_token, &c->local_idsn);
    if (mptcp_token_lookup(st->tokens, c->local_token) ||
        mptcp_token_insert(st, c) < 0) {
        mptcp_conn_destroy(c);
        return true;
    }
    mptcp_conn_init_seq(c);
    set_remote_key(c, m->u.mpc.snd_key);
    struct mptcp_subflow *sf = mptcp_subflow_new(c, child);
    if (!sf) {
        mptcp_conn_destroy(c);
        return true;
    }
    sf->mpc = sf->server = sf->established = true;
    sf->irs = ack->seq - 1;
    sf->iss = ack->ack - 1;
    sf->local_addr = in.local;
    c->fully_established = true;
    mptcp_count_peak(c);
    tcp_sock_set_ulp(child, &mptcp_ulp_ops, sf);
    if (m->u.mpc.has_data_len)
        mptcp_rx_map_add(sf, c->remote_idsn + 1, 1, m->u.mpc.data_len);
    return true;
}

static bool listen_claim(struct tcp_listener *l, void *lctx, struct tcp_sock *child)
{
    (void)l;
    (void)lctx;
    struct mptcp_subflow *sf = tcp_sock_ulp_ctx(child);
    if (!sf || !sf->join)
        return false;
    sf->tcp = child;
    tcp_sock_set_ctx(child, &mptcp_subflow_callbacks, sf);
    /* Linux creates every subflow with the MPTCP socket's congestion control (the
     * application's TCP_CONGESTION applies to all of them): a passive join too. */
    if (sf->conn->cc_name[0])
        tcp_sock_set_cc(child, sf->conn->cc_name);
    return true;
}

const struct tcp_listen_ulp_ops mptcp_listen_ulp_ops = {
    .syn = listen_syn,
    .synack_options = listen_synack_options,
    .cookie_ack = listen_cookie_ack,
    .claim = listen_claim,
};
