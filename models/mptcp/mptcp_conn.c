/* mptcp_conn.c - the MPTCP connection's life (Linux struct mptcp_sock in protocol.c): creation,
 * subflows coming and going, callbacks into the application, its subflows' callbacks and the
 * TCP upper-layer ops that route every subflow hook to the handshake (mptcp_ctrl.c), data (mptcp_dss.c) and path-manager
 * (mptcp_pm.c) code.
 *
 * A subflow's tcp_sock has the connection as its application: its callbacks (readable,
 * writable, closed, error) arrive here with the struct mptcp_subflow as context, and the
 * connection calls the application's callbacks in turn. The application's callbacks may
 * close or abort the socket: `in_cb` defers the free to the end of the callback.
 */
#include <stdlib.h>
#include <string.h>

#include "models/mptcp/mptcp_int.h"
#include "models/tcp/tcp_stack.h"

struct mptcp_subflow *mptcp_first_subflow(const struct mptcp_conn *c)
{
    for (size_t i = 0; i < c->nsf; i++)
        if (c->sf[i]->mpc)
            return c->sf[i];
    return c->nsf ? c->sf[0] : NULL;
}

void mptcp_sf_send_ack(struct mptcp_subflow *sf)
{
    if (!sf->closed && sf->tcp && sf->established)
        tcp_sock_send_ack(sf->tcp);
}

/* ---- life cycle -------------------------------------------------------------------- */

struct mptcp_conn *mptcp_conn_new(struct mptcp_stack *st, bool server)
{
    struct mptcp_conn *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->sock.ops = &mptcp_sock_ops;
    c->st = st;
    c->server = server;
    c->version = (uint8_t)st->cfg.version;
    c->csum = st->cfg.checksum;
    c->sched = mptcp_sched_find(st->cfg.scheduler);
    c->pm = mptcp_pm_find(st->cfg.path_manager);
    c->state = server ? MPTCP_S_SYN_RCVD : MPTCP_S_SYN_SENT;
    mptcp_cc_group_init(&c->ccg);
    c->next_live = st->live;
    st->live = c;
    st->stats.conns_live++;
    if (st->stats.conns_live > st->stats.conns_peak)
        st->stats.conns_peak = st->stats.conns_live;
    st->stats.conn_bytes += sizeof *c;
    if (st->stats.conn_bytes > st->stats.conn_bytes_peak)
        st->stats.conn_bytes_peak = st->stats.conn_bytes;
    return c;
}

void mptcp_conn_init_seq(struct mptcp_conn *c)
{
    c->snd_una = c->snd_nxt = c->write_seq = c->local_idsn + 1;
    c->reinj_from = c->reinj_to = c->snd_una;
    c->snd_wnd_edge = c->snd_una + 65535;   /* until the first window arrives */
}

struct mptcp_subflow *mptcp_subflow_new(struct mptcp_conn *c, struct tcp_sock *tcp)
{
    if (c->nsf == MPTCP_SUBFLOWS_MAX)
        return NULL;
    struct mptcp_subflow *sf = calloc(1, sizeof *sf);
    if (!sf)
        return NULL;
    sf->conn = c;
    sf->tcp = tcp;
    sf->index = c->nsf ? (uint8_t)(c->sf[c->nsf - 1]->index + 1) : 0;
    sf->tx_ssn = sf->rx_ssn = 1;
    c->sf[c->nsf++] = sf;
    c->st->stats.conn_bytes += sizeof *sf;
    return sf;
}

static void unlink_live(struct mptcp_conn *c)
{
    for (struct mptcp_conn **p = &c->st->live; *p; p = &(*p)->next_live)
        if (*p == c) {
            *p = c->next_live;
            return;
        }
}

static void subflow_free(struct mptcp_subflow *sf)
{
    struct mptcp_conn *c = sf->conn;
    if (sf->abort_ev)
        sched_cancel(c->st->sched, sf->abort_ev);
    c->st->stats.conn_bytes -= sizeof *sf;
    mptcp_maps_free(sf);
    free(sf);
}

void mptcp_conn_destroy(struct mptcp_conn *c)
{
    struct mptcp_stack *st = c->st;
    mptcp_pm_stop(c);
    for (size_t i = 0; i < c->nsf; i++) {
        struct mptcp_subflow *sf = c->sf[i];
        if (sf->in_cc_group && !sf->closed)
            mptcp_cc_group_remove(&c->ccg, tcp_sock_cc(sf->tcp));
        if (!sf->closed && sf->tcp) {
            tcp_sock_set_ulp(sf->tcp, NULL, NULL);
            tcp_sock_set_ctx(sf->tcp, NULL, NULL);
        }
        subflow_free(sf);
    }
    c->nsf = 0;
    if (c->local_token && mptcp_token_lookup(st->tokens, c->local_token) == c)
        mptcp_token_remove(st->tokens, c->local_token);
    st->stats.conn_bytes -= c->capooo * sizeof *c->ooo;
    mptcp_ooo_free(c);
    unlink_live(c);
    st->stats.conns_live--;
    st->stats.conn_bytes -= sizeof *c;
    free(c);
}

/* Frees a closed-by-the-application connection once no subflow is left. */
void mptcp_conn_maybe_free(struct mptcp_conn *c)
{
    if (c->in_cb) {
        c->free_pending = true;
        return;
    }
    if (!c->app_closed)
        return;
    for (size_t i = 0; i < c->nsf; i++)
        if (!c->sf[i]->closed)
            return;
    mptcp_conn_destroy(c);
}

void mptcp_subflow_gone(struct mptcp_subflow *sf)
{
    struct mptcp_conn *c = sf->conn;
    if (sf->closed)
        return;
    if (sf->in_cc_group) {
        mptcp_cc_group_remove(&c->ccg, tcp_sock_cc(sf->tcp));
        sf->in_cc_group = false;
    }
    if (sf->tcp) {
        mptcp_stats_add_subflow(&c->stats, sf->tcp);   /* keep a gone subflow's counts */
        tcp_sock_set_ulp(sf->tcp, NULL, NULL);         /* TCP finishes it alone */
        tcp_sock_set_trace(sf->tcp, NULL, NULL);
    }
    sf->closed = true;
    sf->tcp = NULL;
    if (c->state != MPTCP_S_CLOSED && !c->fallback)
        mptcp_reinject(sf);
    if (c->pm && c->pm->subflow_closed && c->state != MPTCP_S_CLOSED)
        c->pm->subflow_closed(c, sf);
    /* compact: drop it from the array */
    size_t i = 0;
    while (i < c->nsf && c->sf[i] != sf)
        i++;
    bool any = false;
    for (size_t k = 0; k < c->nsf; k++)
        if (!c->sf[k]->closed)
            any = true;
    if (i < c->nsf && (any || c->nsf > 1)) {
        memmove(&c->sf[i], &c->sf[i + 1], (c->nsf - i - 1) * sizeof c->sf[0]);
        c->nsf--;
        subflow_free(sf);
    }
    if (!any)
        mptcp_conn_all_closed(c);
    else
        mptcp_push(c);
}

/* ---- callbacks into the application ------------------------------------------------ */

static void cb_begin(struct mptcp_conn *c, bool *outer)
{
    *outer = c->in_cb;
    c->in_cb = true;
}

static void cb_end(struct mptcp_conn *c, bool outer)
{
    c->in_cb = outer;
    if (!outer && c->free_pending) {
        c->free_pending = false;
        mptcp_conn_maybe_free(c);
    }
}

void mptcp_notify_connected(struct mptcp_conn *c)
{
    if (c->state != MPTCP_S_SYN_SENT && c->state != MPTCP_S_SYN_RCVD)
        return;
    c->state = MPTCP_S_ESTABLISHED;
    if (!c->cb || !c->cb->connected || c->app_closed)
        return;
    bool o;
    cb_begin(c, &o);
    c->cb->connected(&c->sock, c->cb_ctx);
    cb_end(c, o);
}

void mptcp_notify_readable(struct mptcp_conn *c)
{
    size_t n = (size_t)(c->rcv_nxt - c->read_seq - (c->rcvd_data_fin ? 1 : 0));
    bool eof_now = c->rcvd_data_fin && !c->eof_signalled;
    if (eof_now)
        c->eof_signalled = true;
    if ((!n && !eof_now) || !c->cb || !c->cb->readable || c->app_closed)
        return;
    bool o;
    cb_begin(c, &o);
    c->cb->readable(&c->sock, c->cb_ctx, n);
    cb_end(c, o);
}

size_t mptcp_conn_writable(const struct mptcp_conn *c)
{
    const struct tcp_config *cfg = tcp_stack_config(c->st->tcp);
    uint64_t used = c->write_seq - c->snd_una;
    return used >= cfg->sndbuf ? 0 : (size_t)(cfg->sndbuf - used);
}

void mptcp_notify_writable(struct mptcp_conn *c)
{
    if (!c->want_writable || !c->cb || !c->cb->writable || c->app_closed)
        return;
    size_t n = mptcp_conn_writable(c);
    if (!n)
        return;
    c->want_writable = false;
    bool o;
    cb_begin(c, &o);
    c->cb->writable(&c->sock, c->cb_ctx, n);
    cb_end(c, o);
}

void mptcp_notify_error(struct mptcp_conn *c, int err)
{
    if (c->state == MPTCP_S_CLOSED)
        return;
    c->state = MPTCP_S_CLOSED;
    c->err = err;
    if (!c->cb || !c->cb->error || c->app_closed)
        return;
    bool o;
    cb_begin(c, &o);
    c->cb->error(&c->sock, c->cb_ctx, err);
    cb_end(c, o);
}

void mptcp_notify_closed(struct mptcp_conn *c)
{
    if (c->state == MPTCP_S_CLOSED)
        return;
    c->state = MPTCP_S_CLOSED;
    if (!c->cb || !c->cb->closed || c->app_closed)
        return;
    bool o;
    cb_begin(c, &o);
    c->cb->closed(&c->sock, c->cb_ctx);
    cb_end(c, o);
}

/* Every subflow is gone: the connection ends gracefully or by error. */
void mptcp_conn_all_closed(struct mptcp_conn *c)
{
    if (c->state != MPTCP_S_CLOSED) {
        bool graceful = c->fallback ? c->rcvd_data_fin && c->data_fin_sent
                                    : c->rcvd_data_fin && c->data_fin_acked;
        if (graceful)
            mptcp_notify_closed(c);
        else
            mptcp_notify_error(c, c->err ? c->err : SOCK_ERR_RESET);
    }
    mptcp_conn_maybe_free(c);
}

void mptcp_conn_fully_established(struct mptcp_conn *c)
{
    struct mptcp_subflow *sf = mptcp_first_subflow(c);
    if (c->server && sf && sf->established && c->listener)
        mptcp_listener_ready(c);
    if (!c->pm_started && c->pm && c->pm->established) {
        c->pm_started = true;
        c->pm->established(c);
    }
    mptcp_push(c);
}

/* ---- subflow callbacks (the subflow's application is the connection) --------------- */

static void sf_connected(struct sock *s, void *ctx)
{
    (void)s;
    struct mptcp_subflow *sf = ctx;
    (void)sf;
}

static void sf_readable(struct sock *s, void *ctx, size_t bytes)
{
    (void)s;
    (void)bytes;
    struct mptcp_subflow *sf = ctx;
    struct mptcp_conn *c = sf->conn;
    bool o;
    cb_begin(c, &o);
    mptcp_dss_pull(sf);
    if (c->fallback && sf->tcp && tcp_sock_eof(sf->tcp) && !c->rcvd_data_fin) {
        c->rcvd_data_fin = true;               /* the peer's FIN is the DATA_FIN */
        c->rcv_nxt++;
        c->state = c->state == MPTCP_S_ESTABLISHED ? MPTCP_S_CLOSE_WAIT : c->state;
        mptcp_notify_readable(c);
    }
    cb_end(c, o);
}

static void sf_writable(struct sock *s, void *ctx, size_t bytes)
{
    (void)s;
    (void)bytes;
    struct mptcp_subflow *sf = ctx;
    mptcp_push(sf->conn);
}

static void sf_closed(struct sock *s, void *ctx)
{
    (void)s;
    struct mptcp_subflow *sf = ctx;
    struct mptcp_conn *c = sf->conn;
    bool o;
    cb_begin(c, &o);
    struct tcp_sock *t = sf->tcp;
    mptcp_subflow_gone(sf);
    if (t)
        tcp_close(t);                           /* hand the finished socket back to TCP */
    cb_end(c, o);
}

static void sf_error(struct sock *s, void *ctx, int err)
{
    (void)s;
    struct mptcp_subflow *sf = ctx;
    struct mptcp_conn *c = sf->conn;
    bool o;
    cb_begin(c, &o);
    if (c->fastclose_rx)
        err = SOCK_ERR_RESET;
    if (sf->mpc && c->state == MPTCP_S_SYN_SENT)
        c->err = err;                           /* refused / timed out before any MPTCP */
    else if (c->fallback || c->fastclose_rx)
        c->err = err;
    if (c->fastclose_rx) {
        for (size_t i = 0; i < c->nsf; i++)
            if (c->sf[i] != sf && !c->sf[i]->closed && !c->sf[i]->reset_pending)
                mptcp_subflow_reset(c->sf[i], MPTCP_RST_EUNSPEC);
    }
    struct tcp_sock *t = sf->tcp;
    mptcp_subflow_gone(sf);
    if (t)
        tcp_close(t);
    cb_end(c, o);
}

const struct sock_callbacks mptcp_subflow_callbacks = {
    .connected = sf_connected,
    .readable = sf_readable,
    .writable = sf_writable,
    .closed = sf_closed,
    .error = sf_error,
};

/* ---- the TCP upper-layer ops ------------------------------------------------------- */

static void ulp_write_options(struct tcp_sock *s, void *ctx, struct tcp_hdr *h, uint32_t len)
{
    struct mptcp_subflow *sf = ctx;
    if (!sf)
        return;                                 /* a cookie SYN-ACK: synack_options wrote */
    if (!sf->tcp)
        sf->tcp = s;
    struct mptcp_conn *c = sf->conn;
    if (c->fallback && sf->infinite_tx && !(h->flags & TCP_FLAG_RST)) {
        mptcp_infinite_write(sf, h, len);       /* the last MPTCP option of the subflow */
        return;
    }
    if (mptcp_ctrl_write(sf, h, len) || c->fallback)
        return;
    if (len == 0 && !(h->flags & (TCP_FLAG_FIN | TCP_FLAG_SYN)) && !sf->mp_fail_tx &&
        mptcp_pm_write(sf, h, len))
        return;                                 /* ADD_ADDR alone on a pure ACK, as Linux */
    mptcp_dss_write(sf, h, len);
    if (c->trace && c->trace->sf_bytes && len) {
        /* first transmissions: bytes past the highest relative sequence sent so far */
        uint32_t end = h->seq + len - (sf->iss + 1);
        if ((int32_t)(end - sf->tr_sent_hi) > 0) {
            sf->tr_sent += end - sf->tr_sent_hi;
            sf->tr_sent_hi = end;
            mptcp_trace_sf_bytes(sf);
        }
    }
    mptcp_fail_write(sf, h);                    /* MP_FAIL goes with a DSS (Linux) */
}

/* RFC 8684 section 3.7: "if an ACK is received for data (not just for the SYN) without a
 * DSS option containing a Data ACK, the sender determines the path is not MPTCP capable": a
 * join is reset, the first subflow falls back to TCP (and opens no more subflows). Only
 * until a data ACK has come on the subflow, and only for a segment with no MPTCP option at
 * all (an ADD_ADDR or MP_CAPABLE ACK is MPTCP signalling that got through). */
static bool no_data_ack(struct mptcp_subflow *sf)
{
    struct mptcp_conn *c = sf->conn;
    c->st->stats.no_dack_fallback++;
    if (sf->join || c->nsf > 1) {
        mptcp_subflow_reset(sf, MPTCP_RST_EMIDDLEBOX);
        return false;
    }
    mptcp_fallback(c, false, MPTCP_FB_NO_DATA_ACK); /* TCP's ACKED event then gives the data ACK */
    return true;
}

static bool ulp_rcv_options(struct tcp_sock *s, void *ctx, const struct tcp_hdr *h,
                            uint32_t seg_len)
{
    struct mptcp_subflow *sf = ctx;
    if (!sf)
        return true;
    if (!sf->tcp)
        sf->tcp = s;
    struct mptcp_conn *c = sf->conn;
    struct mptcp_opt o[6];
    size_t n = mptcp_parse_opts(c->st, h, c->version, seg_len > 0, o, 6);
    if (!mptcp_ctrl_rcv(sf, h, seg_len, o, n))
        return false;
    if (c->fallback || (h->flags & (TCP_FLAG_SYN | TCP_FLAG_RST)))
        return true;
    if (sf->join && !sf->fully_established)
        return true;
    if (n == 0 && !sf->dack_seen && sf->established && (h->flags & TCP_FLAG_ACK) &&
        (int32_t)(h->ack - sf->iss) > 1 && (int32_t)(sf->tx_ssn - 1) > 0)
        return no_data_ack(sf);
    if (seg_len && c->csum) {
        size_t nb;
        const uint8_t *b = tcp_sock_rx_payload(s, &nb);
        if (nb)
            mptcp_csum_rx_bytes(sf, h->seq - sf->irs, b, nb);
    }
    for (size_t i = 0; i < n; i++) {
        if (o[i].subtype == MPTCP_SUB_DSS)
            mptcp_dss_rcv(sf, &o[i], h->seq - sf->irs, seg_len);
        else if (o[i].subtype == MPTCP_SUB_CAPABLE && o[i].u.mpc.has_data_len && seg_len &&
                 sf->mpc && sf->server)
            /* the client's first data: MP_CAPABLE = a mapping at IDSN + 1, SSN 1 (3.1) */
            mptcp_rx_map_add(sf, c->remote_idsn + 1, 1, o[i].u.mpc.data_len);
        else
            mptcp_pm_rcv(sf, &o[i]);
    }
    return true;
}

static uint32_t ulp_seg_limit(struct tcp_sock *s, void *ctx, uint32_t seq)
{
    (void)s;
    struct mptcp_subflow *sf = ctx;
    return sf ? mptcp_dss_seg_limit(sf, seq) : 0;
}

static uint32_t ulp_rcv_window(struct tcp_sock *s, void *ctx)
{
    (void)s;
    struct mptcp_subflow *sf = ctx;
    if (!sf || sf->conn->fallback)
        return UINT32_MAX;
    return mptcp_rcv_window(sf->conn);
}

void mptcp_join_ok(struct mptcp_subflow *sf)
{
    if (sf->join)
        sf->conn->joins_ok++;
}

/* The most subflows established at once (sock_info.subflows_peak). */
void mptcp_count_peak(struct mptcp_conn *c)
{
    uint8_t n = 0;
    for (size_t i = 0; i < c->nsf; i++)
        n += c->sf[i]->established && !c->sf[i]->closed;
    if (n > c->sf_peak)
        c->sf_peak = n;
}

static void sf_established(struct mptcp_subflow *sf)
{
    struct mptcp_conn *c = sf->conn;
    if (sf->reset_pending)
        return;
    sf->established = true;
    if (sf->join && (c->fallback || c->no_more_subflows)) {
        mptcp_subflow_reset(sf, MPTCP_RST_EMPTCP); /* Linux __mptcp_finish_join refuses */
        return;
    }
    if (sf->join)
        c->no_infinite_fallback = true;         /* Linux mptcp_subflow_joined */
    mptcp_count_peak(c);
    mptcp_subflow_trace(sf);
    if (sf->join && sf->server) {
        mptcp_sf_send_ack(sf);                  /* the 4th ACK (RFC 8684 section 3.2) */
        mptcp_push(c);
    }
    if (sf->tcp && mptcp_cc_is_coupled(tcp_sock_cc(sf->tcp)->ops) &&
        mptcp_cc_group_add(&c->ccg, tcp_sock_cc(sf->tcp)) == 0)
        sf->in_cc_group = true;
    if (sf->mpc && !sf->server) {
        /* client: the SYN/ACK told us MPTCP or plain TCP; either way the socket is up */
        mptcp_notify_connected(c);
        if (c->fallback)
            mptcp_push(c);
        else
            mptcp_push(c);
    }
    if (sf->mpc && sf->server && c->fallback && c->listener)
        mptcp_listener_ready(c);
}

static void ulp_event(struct tcp_sock *s, void *ctx, enum tcp_ulp_event ev)
{
    struct mptcp_subflow *sf = ctx;
    if (!sf)
        return;
    if (!sf->tcp)
        sf->tcp = s;
    struct mptcp_conn *c = sf->conn;
    switch (ev) {
    case TCP_ULP_EV_ESTABLISHED:
        sf_established(sf);
        break;
    case TCP_ULP_EV_ACKED:
        if (c->trace && c->trace->sf_bytes)
            mptcp_trace_sf_bytes(sf);
        mptcp_subflow_acked(sf);
        mptcp_push(c);
        break;
    case TCP_ULP_EV_DUPACK:
        /* In recovery a duplicate opens the subflow's window (NewReno inflation, RFC 6675
         * pipe) with nothing freed: without new data mapped now the subflow sends nothing
         * new until recovery ends, and leaves it with cwnd = FlightSize + MSS of about 2 MSS
         * (Linux's subflows hold up to a 64 KiB burst beyond cwnd and need no such kick). */
        mptcp_push(c);
        break;
    case TCP_ULP_EV_RTO:
        if (sf->mpc && !sf->established)
            break;
        if (!sf->rto_seen) {                    /* Linux mptcp_subflow_rto: reinject */
            sf->rto_seen = true;
            mptcp_reinject(sf);
        }
        break;
    case TCP_ULP_EV_RECOVERY:
    case TCP_ULP_EV_FIN_RCVD:
        break;
    case TCP_ULP_EV_CLOSED:
        if (sf->in_cc_group) {
            mptcp_cc_group_remove(&c->ccg, tcp_sock_cc(s));
            sf->in_cc_group = false;
        }
        break;
    }
}

const struct tcp_ulp_ops mptcp_ulp_ops = {
    .name = "mptcp",
    .write_options = ulp_write_options,
    .rcv_options = ulp_rcv_options,
    .seg_limit = ulp_seg_limit,
    .rcv_window = ulp_rcv_window,
    .event = ulp_event,
    .data_opt_bytes = 24,                       /* DSS ack32 + map64 padded: MSS 1448 -> 1424 */
};

/* A socket that fell back at the listener (a plain SYN) carries no MPTCP option and keeps
 * TCP's whole MSS, but the connection still follows its subflow's events: ACKED is where a
 * fallen-back sender learns its data ACKs (mptcp_subflow_acked). */
const struct tcp_ulp_ops mptcp_fallback_ulp_ops = {
    .name = "mptcp-fallback",
    .event = ulp_event,
};
