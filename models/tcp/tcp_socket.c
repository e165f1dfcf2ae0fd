/* tcp_socket.c - the application calls of tcp_socket.h (RFC 9293 section 3.10.1-3.10.6:
 * OPEN, SEND, RECEIVE, CLOSE, ABORT, STATUS) over virtual payload.
 *
 * A TCP socket is a struct sock whose ops (tcp_stream_ops) are the functions below; the
 * native tcp_* calls reach the same functions directly. close() with unread received data aborts with an RST, as
 * Linux does (RFC 2525 section 2.17 "Failure to RST on close with data pending"), so a proxy
 * that gives up on a connection tells its peer. Not modelled: SO_LINGER, blocking semantics.
 */
#include <string.h>

#include "models/tcp/tcp_int.h"

/* RFC 7323 section 2.3: the smallest shift that lets the window cover the receive buffer. */
uint8_t tcp_choose_wscale(bytes_t rcvbuf)
{
    uint8_t s = 0;
    while (s < TCP_WSCALE_MAX && ((bytes_t)65535 << s) < rcvbuf)
        s++;
    return s;
}

void tcp_sock_init_seq(struct tcp_sock *c)
{
    const struct tcp_config *cfg = &c->stack->cfg;
    c->iss = tcp_stack_isn(c->stack);
    c->snd_una = c->snd_nxt = c->snd_max = c->iss;
    c->write_seq = c->iss + 1;
    c->recover = c->iss;
    c->rcv_wscale = cfg->wscale ? tcp_choose_wscale(cfg->rcvbuf) : 0;
}

int tcp_connect(struct tcp_stack *st, const struct sock_addr *src, uint16_t src_port,
                const struct sock_addr *dst, uint16_t dst_port, const char *cc,
                const struct sock_callbacks *cb, void *ctx, struct tcp_sock **out)
{
    return tcp_connect_ulp(st, src, src_port, dst, dst_port, cc, NULL, NULL, cb, ctx, out);
}

int tcp_connect_ulp(struct tcp_stack *st, const struct sock_addr *src, uint16_t src_port,
                    const struct sock_addr *dst, uint16_t dst_port, const char *cc,
                    const struct tcp_ulp_ops *ulp, void *ulp_ctx,
                    const struct sock_callbacks *cb, void *ctx, struct tcp_sock **out)
{
    const struct tcp_cong_ops *ops = cc ? tcp_cong_find(cc) : st->cc_default;
    if (!ops || src->family != dst->family || dst_port == 0)
        return SOCK_ERR_ARG;
    if (src_port == 0) {
        int rc = tcp_stack_pick_port(st, src, dst, dst_port, &src_port);
        if (rc < 0)
            return rc;
    } else if (tcp_lookup(st, src, src_port, dst, dst_port)) {
        return SOCK_ERR_ARG;
    }
    struct tcp_sock *c = tcp_sock_alloc(st, ops);
    if (!c)
        return SOCK_ERR_NOMEM;
    c->node.laddr = *src;
    c->node.raddr = *dst;
    c->node.lport = src_port;
    c->node.rport = dst_port;
    c->cb = cb;
    c->ctx = ctx;
    if (ulp)
        tcp_sock_set_ulp(c, ulp, ulp_ctx); /* before the SYN: it carries the ULP's options */
    tcp_sock_init_seq(c);
    tcp_set_state(c, TCP_SYN_SENT);
    tcp_sock_hash(c);
    st->stats.active_opens++;
    tcp_send_syn(c);
    tcp_rtx_arm(c);
    *out = c;
    return 0;
}

static uint32_t snd_queued(const struct tcp_sock *c)
{
    /* Until the SYN is acknowledged snd_una = iss, which is not application data. Compare
     * for equality only: serial comparisons with iss fail after 2^31 bytes. */
    uint32_t start = c->snd_una == c->iss ? c->iss + 1 : c->snd_una;
    return c->write_seq - start;
}

size_t tcp_sock_writable(const struct tcp_sock *c)
{
    uint32_t q = snd_queued(c);
    return c->stack->cfg.sndbuf > q ? (size_t)(c->stack->cfg.sndbuf - q) : 0;
}

int64_t tcp_send(struct tcp_sock *s, size_t bytes)
{
    switch (s->state) {
    case TCP_SYN_SENT:
    case TCP_SYN_RCVD:
    case TCP_ESTABLISHED:
    case TCP_CLOSE_WAIT:
        break;
    default:
        return SOCK_ERR_STATE;
    }
    if (s->flags & TF_FIN_QUEUED)
        return SOCK_ERR_STATE;
    size_t room = tcp_sock_writable(s);
    size_t n = bytes < room ? bytes : room;
    if (n < bytes)
        s->flags |= TF_WANT_WRITE;
    s->write_seq += (uint32_t)n;
    tcp_output(s);
    return (int64_t)n;
}

size_t tcp_sock_readable(const struct tcp_sock *s)
{
    if (s->state == TCP_SYN_SENT || (s->state == TCP_CLOSED && !(s->flags & TF_ESTAB_SEEN)))
        return 0;
    return tcp_rcv_queued(s);
}

bool tcp_sock_eof(const struct tcp_sock *s) { return s->flags & TF_EOF; }

size_t tcp_read(struct tcp_sock *s, size_t bytes)
{
    size_t avail = tcp_sock_readable(s);
    size_t n = bytes < avail ? bytes : avail;
    if (n == 0)
        return 0;
    s->rcv_read += (uint32_t)n;
    if (s->state == TCP_ESTABLISHED || s->state == TCP_FIN_WAIT_1 ||
        s->state == TCP_FIN_WAIT_2) {
        /* Window update when the window at least doubles (Linux tcp_cleanup_rbuf), which
         * includes any opening of a zero window by one SWS step. */
        uint32_t cur = seq_gt(s->rcv_adv, s->rcv_nxt) ? s->rcv_adv - s->rcv_nxt : 0;
        uint32_t win = tcp_rcv_window(s);
        if (win > cur && win >= 2 * cur)
            tcp_send_ack(s);
    }
    return n;
}

int tcp_shutdown(struct tcp_sock *s)
{
    if (s->flags & TF_FIN_QUEUED)
        return 0;
    switch (s->state) {
    case TCP_SYN_SENT:
    case TCP_SYN_RCVD:
        s->flags |= TF_FIN_QUEUED; /* sent once established (RFC 9293 3.10.4) */
        return 0;
    case TCP_ESTABLISHED:
        s->flags |= TF_FIN_QUEUED;
        tcp_set_state(s, TCP_FIN_WAIT_1);
        break;
    case TCP_CLOSE_WAIT:
        s->flags |= TF_FIN_QUEUED;
        tcp_set_state(s, TCP_LAST_ACK);
        break;
    default:
        return SOCK_ERR_STATE;
    }
    tcp_output(s);
    return 0;
}

void tcp_abort(struct tcp_sock *s)
{
    switch (s->state) {
    case TCP_SYN_RCVD:
    case TCP_ESTABLISHED:
    case TCP_FIN_WAIT_1:
    case TCP_FIN_WAIT_2:
    case TCP_CLOSE_WAIT:
        tcp_send_segment(s, s->snd_nxt, 0, TCP_FLAG_RST); /* RFC 9293 3.10.5 */
        break;
    default:
        break;
    }
    tcp_sock_destroy(s);
}

void tcp_close(struct tcp_sock *s)
{
    switch (s->state) {
    case TCP_CLOSED:
    case TCP_SYN_SENT:
        tcp_sock_destroy(s);
        return;
    case TCP_TIME_WAIT: {
        /* The rest of the 2 MSL, compactly. */
        sim_time_t end = timer_is_armed(&s->rtx)
                             ? timer_deadline(&s->rtx)
                             : sched_now(s->stack->sched) + s->stack->cfg.time_wait;
        tcp_tw_enter(s, end);
        return;
    }
    default:
        break;
    }
    if (tcp_rcv_queued(s) > 0) {
        tcp_abort(s);
        return;
    }
    s->flags |= TF_ORPHAN;
    s->cb = NULL;
    s->ctx = NULL;
    if (s->state == TCP_FIN_WAIT_2 && s->tmode == TMR_NONE)
        tcp_timewait_start(s);
    tcp_shutdown(s);
}

int tcp_sock_set_cc(struct tcp_sock *s, const char *name)
{
    const struct tcp_cong_ops *ops = tcp_cong_find(name);
    if (!ops)
        return SOCK_ERR_ARG;
    s->cc.ops = ops;
    memset(s->cc.priv, 0, sizeof s->cc.priv);
    ops->init(&s->cc);
    return 0;
}

void tcp_sock_set_nagle(struct tcp_sock *s, bool on)
{
    if (on)
        s->flags |= TF_NAGLE;
    else
        s->flags &= ~TF_NAGLE;
    tcp_output(s);
}

void tcp_sock_set_ctx(struct tcp_sock *s, const struct sock_callbacks *cb, void *ctx)
{
    s->cb = cb;
    s->ctx = ctx;
}

int tcp_sock_state(const struct tcp_sock *s) { return s->state; }

void tcp_sock_set_trace(struct tcp_sock *s, const struct sock_trace *t, void *ctx)
{
    s->trace = t;
    s->trace_ctx = ctx;
}

struct tcp_stack *tcp_sock_stack(const struct tcp_sock *s) { return s->stack; }

struct tcp_cc *tcp_sock_cc(struct tcp_sock *s) { return &s->cc; }

void tcp_sock_get_stats(const struct tcp_sock *s, struct sock_stats *out)
{
    *out = s->stats;
}

void tcp_sock_send_state(const struct tcp_sock *s, struct tcp_send_state *out)
{
    out->mss = s->mss;
    out->cwnd = s->cc.cwnd;
    out->snd_wnd = s->snd_wnd;
    out->srtt = s->srtt;
}

void tcp_sock_get_info(const struct tcp_sock *s, struct sock_info *out)
{
    memset(out, 0, sizeof *out);
    out->transport = "tcp";
    out->state_name = tcp_state_name(s->state);
    out->local = s->node.laddr;
    out->remote = s->node.raddr;
    /* A child of a transparent listener took the SYN's destination as its local address,
     * so the local address is the original destination for every TCP socket. */
    out->orig_dst = s->node.laddr;
    out->orig_dport = s->node.lport;
    out->subflows = 1;
    out->state = s->state;
    out->lport = s->node.lport;
    out->rport = s->node.rport;
    out->mss = s->mss;
    out->cwnd = s->cc.cwnd;
    out->ssthresh = s->cc.ssthresh;
    out->snd_wnd = s->snd_wnd;
    out->rcv_wnd = seq_gt(s->rcv_adv, s->rcv_nxt) ? s->rcv_adv - s->rcv_nxt : 0;
    out->in_flight = tcp_in_flight(s);
    out->snd_wscale = s->snd_wscale;
    out->rcv_wscale = s->rcv_wscale;
    out->ts_ok = s->flags & TF_TS_OK;
    out->sack_ok = s->flags & TF_SACK_OK;
    out->in_recovery = s->flags & TF_RECOVERY;
    out->srtt = s->srtt;
    out->rttvar = s->rttvar;
    out->rto = s->rto;
    out->cc = s->cc.ops->name;
    out->mem_bytes = tcp_sock_mem_bytes(s);
}

/* ---- the struct sock face ------------------------------------------------------------ */

static struct tcp_sock *tcp_of(struct sock *s) { return (struct tcp_sock *)(void *)s; }
static const struct tcp_sock *ctcp_of(const struct sock *s)
{
    return (const struct tcp_sock *)(const void *)s;
}

static int64_t ops_send(struct sock *s, size_t n) { return tcp_send(tcp_of(s), n); }
static size_t ops_read(struct sock *s, size_t n) { return tcp_read(tcp_of(s), n); }
static size_t ops_readable(const struct sock *s) { return tcp_sock_readable(ctcp_of(s)); }
static bool ops_eof(const struct sock *s) { return tcp_sock_eof(ctcp_of(s)); }
static size_t ops_writable(const struct sock *s) { return tcp_sock_writable(ctcp_of(s)); }
static int ops_shutdown(struct sock *s) { return tcp_shutdown(tcp_of(s)); }
static void ops_close(struct sock *s) { tcp_close(tcp_of(s)); }
static void ops_abort(struct sock *s) { tcp_abort(tcp_of(s)); }
static void ops_set_callbacks(struct sock *s, const struct sock_callbacks *cb, void *ctx)
{
    tcp_sock_set_ctx(tcp_of(s), cb, ctx);
}
static void ops_set_trace(struct sock *s, const struct sock_trace *t, void *ctx)
{
    tcp_sock_set_trace(tcp_of(s), t, ctx);
}
static void ops_get_info(const struct sock *s, struct sock_info *out)
{
    tcp_sock_get_info(ctcp_of(s), out);
}
static void ops_get_stats(const struct sock *s, struct sock_stats *out)
{
    tcp_sock_get_stats(ctcp_of(s), out);
}
static int ops_set_opt(struct sock *s, const char *name, const char *value)
{
    if (strcmp(name, "cc") == 0)
        return tcp_sock_set_cc(tcp_of(s), value);
    if (strcmp(name, "nagle") == 0) {
        bool on = strcmp(value, "on") == 0 || strcmp(value, "true") == 0;
        if (!on && strcmp(value, "off") != 0 && strcmp(value, "false") != 0)
            return SOCK_ERR_ARG;
        tcp_sock_set_nagle(tcp_of(s), on);
        return 0;
    }
    return SOCK_ERR_ARG;
}

const struct sock_ops tcp_stream_ops = {
    .send = ops_send,
    .read = ops_read,
    .readable = ops_readable,
    .eof = ops_eof,
    .writable = ops_writable,
    .shutdown = ops_shutdown,
    .close = ops_close,
    .abort = ops_abort,
    .set_callbacks = ops_set_callbacks,
    .set_trace = ops_set_trace,
    .get_info = ops_get_info,
    .get_stats = ops_get_stats,
    .set_opt = ops_set_opt,
};

struct sock *tcp_sock_sock(struct tcp_sock *s) { return &s->base; }

struct tcp_sock *tcp_sock_from(struct sock *s)
{
    return s && s->ops == &tcp_stream_ops ? tcp_of(s) : NULL;
}
