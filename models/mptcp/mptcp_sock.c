/* mptcp_sock.c - the MPTCP socket's face: the sock_ops behind sock_send, sock_read, ... (Linux
 * protocol.c mptcp_sendmsg/mptcp_recvmsg/mptcp_shutdown/mptcp_close and mptcp_diag for the
 * info). Statistics and traces are data-level; segment counts sum the subflows. */
#include <stdlib.h>
#include <string.h>

#include "models/mptcp/mptcp_int.h"
#include "models/tcp/tcp_stack.h"

static int64_t ms_send(struct sock *s, size_t bytes)
{
    struct mptcp_conn *c = mptcp_conn_of(s);
    if (c->shutdown_req || c->state == MPTCP_S_CLOSED)
        return SOCK_ERR_STATE;
    size_t w = mptcp_conn_writable(c);
    size_t n = bytes < w ? bytes : w;
    if (n < bytes)
        c->want_writable = true;
    c->write_seq += n;
    mptcp_push(c);
    return (int64_t)n;
}

static size_t ms_readable(const struct sock *s)
{
    const struct mptcp_conn *c = (const struct mptcp_conn *)s;
    return (size_t)(c->rcv_nxt - c->read_seq - (c->rcvd_data_fin ? 1 : 0));
}

static size_t ms_read(struct sock *s, size_t bytes)
{
    struct mptcp_conn *c = mptcp_conn_of(s);
    size_t avail = ms_readable(s);
    size_t n = bytes < avail ? bytes : avail;
    uint32_t before = mptcp_rcv_window(c);
    c->read_seq += n;
    /* window update after the application drained a (nearly) closed window (Linux
     * mptcp_cleanup_rbuf: an ACK once the window grew by a useful amount) */
    const struct tcp_config *cfg = tcp_stack_config(c->st->tcp);
    if (n && before < cfg->rcvbuf / 2 && mptcp_rcv_window(c) >= cfg->rcvbuf / 2)
        for (size_t i = 0; i < c->nsf; i++)
            if (mptcp_sf_usable(c->sf[i])) {
                mptcp_sf_send_ack(c->sf[i]);
                break;
            }
    return n;
}

static bool ms_eof(const struct sock *s)
{
    const struct mptcp_conn *c = (const struct mptcp_conn *)s;
    return c->rcvd_data_fin;
}

static size_t ms_writable(const struct sock *s)
{
    return mptcp_conn_writable((const struct mptcp_conn *)s);
}

static int ms_shutdown(struct sock *s)
{
    struct mptcp_conn *c = mptcp_conn_of(s);
    if (c->state == MPTCP_S_CLOSED)
        return SOCK_ERR_STATE;
    c->shutdown_req = true;
    mptcp_push(c);
    return 0;
}

static void ms_close(struct sock *s)
{
    struct mptcp_conn *c = mptcp_conn_of(s);
    if (c->state != MPTCP_S_CLOSED && !c->shutdown_req)
        ms_shutdown(s);
    c->app_closed = true;
    c->cb = NULL;
    if (c->state == MPTCP_S_CLOSED || !c->nsf) {
        for (size_t i = 0; i < c->nsf; i++)
            if (!c->sf[i]->closed) {
                tcp_close(c->sf[i]->tcp);
                mptcp_subflow_gone(c->sf[i]);
            }
    }
    mptcp_conn_maybe_free(c);
}

/* RFC 8684 section 3.5: MP_FASTCLOSE; Linux 6.x puts it on the RST of every subflow, with
 * MP_TCPRST. */
static void ms_abort(struct sock *s)
{
    struct mptcp_conn *c = mptcp_conn_of(s);
    c->fastclose_tx = c->state != MPTCP_S_CLOSED && !c->fallback && c->remote_key_known;
    c->state = MPTCP_S_CLOSED;
    c->app_closed = true;
    c->cb = NULL;
    while (c->nsf) {
        struct mptcp_subflow *sf = c->sf[0];
        if (!sf->closed) {
            sf->reset_pending = true;
            sf->rst_reason = MPTCP_RST_EUNSPEC;
            struct tcp_sock *t = sf->tcp;
            sf->closed = true;
            if (sf->in_cc_group)
                mptcp_cc_group_remove(&c->ccg, tcp_sock_cc(t));
            sf->in_cc_group = false;
            tcp_abort(t);
        }
        sf->closed = true;
        memmove(&c->sf[0], &c->sf[1], (c->nsf - 1) * sizeof c->sf[0]);
        c->nsf--;
        c->st->stats.conn_bytes -= sizeof *sf;
        if (sf->abort_ev)
            sched_cancel(c->st->sched, sf->abort_ev);
        mptcp_maps_free(sf);
        free(sf);
    }
    mptcp_conn_maybe_free(c);
}

static void ms_set_callbacks(struct sock *s, const struct sock_callbacks *cb, void *ctx)
{
    struct mptcp_conn *c = mptcp_conn_of(s);
    c->cb = cb;
    c->cb_ctx = ctx;
}

/* The subflows' TCP traces reach the application with their subflow index. */
static void tr_cwnd(struct sock *s, void *ctx, unsigned sf, uint32_t cwnd, uint32_t ssthresh)
{
    (void)s;
    (void)sf;
    struct mptcp_subflow *f = ctx;
    struct mptcp_conn *c = f->conn;
    if (c->trace && c->trace->cwnd)
        c->trace->cwnd(&c->sock, c->trace_ctx, f->index, cwnd, ssthresh);
}

static void tr_rtt(struct sock *s, void *ctx, unsigned sf, sim_time_t sample, sim_time_t srtt,
                   sim_time_t rto)
{
    (void)s;
    (void)sf;
    struct mptcp_subflow *f = ctx;
    struct mptcp_conn *c = f->conn;
    if (c->trace && c->trace->rtt)
        c->trace->rtt(&c->sock, c->trace_ctx, f->index, sample, srtt, rto);
}

static void tr_state(struct sock *s, void *ctx, unsigned sf, int from, int to)
{
    (void)s;
    (void)sf;
    struct mptcp_subflow *f = ctx;
    struct mptcp_conn *c = f->conn;
    if (c->trace && c->trace->state)
        c->trace->state(&c->sock, c->trace_ctx, f->index, from, to);
}

static const struct sock_trace sf_trace = { .cwnd = tr_cwnd, .rtt = tr_rtt, .state = tr_state };

void mptcp_trace_sf_bytes(struct mptcp_subflow *sf)
{
    struct mptcp_conn *c = sf->conn;
    struct sock_stats st;
    tcp_sock_get_stats(sf->tcp, &st);
    c->trace->sf_bytes(&c->sock, c->trace_ctx, sf->index, sf->tr_sent, st.bytes_acked);
}

void mptcp_subflow_trace(struct mptcp_subflow *sf)
{
    if (sf->tcp && !sf->closed)
        tcp_sock_set_trace(sf->tcp, sf->conn->trace ? &sf_trace : NULL, sf);
}

static void ms_set_trace(struct sock *s, const struct sock_trace *t, void *ctx)
{
    struct mptcp_conn *c = mptcp_conn_of(s);
    c->trace = t;
    c->trace_ctx = ctx;
    for (size_t i = 0; i < c->nsf; i++)
        mptcp_subflow_trace(c->sf[i]);
}

static const char *state_name(int st)
{
    static const char *const names[] = { "SYN_SENT", "SYN_RCVD", "ESTABLISHED",
                                         "FIN_WAIT", "CLOSE_WAIT", "CLOSED" };
    return st >= 0 && st <= MPTCP_S_CLOSED ? names[st] : "?";
}

static void ms_get_info(const struct sock *s, struct sock_info *out)
{
    const struct mptcp_conn *c = (const struct mptcp_conn *)s;
    memset(out, 0, sizeof *out);
    struct mptcp_subflow *first = NULL;
    uint8_t active = 0;
    size_t mem = sizeof *c + c->capooo * sizeof *c->ooo;
    for (size_t i = 0; i < c->nsf; i++) {
        struct mptcp_subflow *sf = c->sf[i];
        mem += sizeof *sf;
        if (sf->closed)
            continue;
        active++;
        if (!first)
            first = sf;
    }
    if (first) {
        tcp_sock_get_info(first->tcp, out);
        out->subflows = active;
        for (size_t i = 0; i < c->nsf; i++)
            if (!c->sf[i]->closed && c->sf[i] != first) {
                struct sock_info o;
                tcp_sock_get_info(c->sf[i]->tcp, &o);
                mem += o.mem_bytes;
            }
    }
    out->transport = "mptcp";
    out->state = c->state;
    out->state_name = state_name(c->state);
    out->fallback = c->fallback;
    out->subflows = active;
    out->subflows_peak = c->sf_peak;
    out->fallback_reason = c->fb_reason;
    out->joins_attempted = c->joins_tx;
    out->joins_ok = c->joins_ok;
    out->add_addr_tx = c->add_addr_tx;
    out->add_addr_rx = c->add_addr_rx;
    out->mem_bytes = mem + out->mem_bytes;
    out->rcv_wnd = mptcp_rcv_window(c);
}

static void ms_get_stats(const struct sock *s, struct sock_stats *out)
{
    const struct mptcp_conn *c = (const struct mptcp_conn *)s;
    *out = c->stats;
    for (size_t i = 0; i < c->nsf; i++)
        if (!c->sf[i]->closed)
            mptcp_stats_add_subflow(out, c->sf[i]->tcp);
}

void mptcp_stats_add_subflow(struct sock_stats *out, const struct tcp_sock *t)
{
    struct sock_stats s;
    tcp_sock_get_stats(t, &s);
    out->segs_out += s.segs_out;
    out->segs_in += s.segs_in;
    out->retrans_segs += s.retrans_segs;
    out->rto_count += s.rto_count;
    out->fast_retrans += s.fast_retrans;
    out->dupacks_in += s.dupacks_in;
    out->rtt_samples += s.rtt_samples;
    out->zero_window_probes += s.zero_window_probes;
    out->challenge_acks += s.challenge_acks;
}

/* "cc" applies to every subflow, now and later; "nagle" too. */
static int ms_set_opt(struct sock *s, const char *name, const char *value)
{
    struct mptcp_conn *c = mptcp_conn_of(s);
    if (!strcmp(name, "cc")) {
        if (strlen(value) >= sizeof c->cc_name)
            return SOCK_ERR_ARG;
        for (size_t i = 0; i < c->nsf; i++)
            if (!c->sf[i]->closed && tcp_sock_set_cc(c->sf[i]->tcp, value) < 0)
                return SOCK_ERR_ARG;
        strcpy(c->cc_name, value);
        return 0;
    }
    if (!strcmp(name, "nagle")) {
        bool on = !strcmp(value, "on");
        if (!on && strcmp(value, "off"))
            return SOCK_ERR_ARG;
        for (size_t i = 0; i < c->nsf; i++)
            if (!c->sf[i]->closed)
                tcp_sock_set_nagle(c->sf[i]->tcp, on);
        return 0;
    }
    return SOCK_ERR_ARG;
}

const struct sock_ops mptcp_sock_ops = {
    .send = ms_send,
    .read = ms_read,
    .readable = ms_readable,
    .eof = ms_eof,
    .writable = ms_writable,
    .shutdown = ms_shutdown,
    .close = ms_close,
    .abort = ms_abort,
    .set_callbacks = ms_set_callbacks,
    .set_trace = ms_set_trace,
    .get_info = ms_get_info,
    .get_stats = ms_get_stats,
    .set_opt = ms_set_opt,
};
