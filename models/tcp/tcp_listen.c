/* tcp_listen.c - listeners: the SYN queue, the accept queue and SYN cookies.
 *
 * A SYN to a listener creates a child control block in SYN-RECEIVED on the SYN queue
 * (at most syn_backlog of them); the handshake's ACK moves it to the accept queue (at most
 * backlog), from which tcp_accept() takes it. When the SYN queue is full, a SYN is either
 * dropped or, with syncookies on, answered statelessly with a SYN cookie (RFC 4987 section
 * 3.6): the ISN encodes a time counter, the MSS index and a keyed hash of the 4-tuple, and the
 * ACK that returns it recreates the connection. A flood therefore costs at most
 * syn_backlog + backlog control blocks per listener. As in Linux: a SYN is dropped while
 * the accept queue is full, and a completing ACK is dropped (the SYN-ACK will be retransmitted)
 * while it is full. Window scale and SACK-permitted do not fit in the cookie: as Linux does,
 * they are hidden in the low bits of our timestamp when the client sent timestamps, and lost
 * otherwise (the connection then runs without them).
 * The keyed hash is a 64-bit mixing function seeded from the stack's random stream, not a
 * cryptographic MAC: no simulated attacker inverts hashes.
 */
#include <stdlib.h>

#include "models/tcp/tcp_int.h"
#include "sim/hash.h"

struct tcp_listener {
    struct sock_listener base;               /* first: a TCP listener is a sock_listener */
    struct tcp_stack *stack;
    struct tcp_listener *next;
    struct sock_addr addr;
    bool any;
    bool transparent;                        /* any destination; port 0 = any port */
    uint16_t port;
    const struct sock_listener_callbacks *cb;
    void *ctx;
    const struct tcp_listen_ulp_ops *ulp;    /* listener hook (tcp_ulp.h); NULL: none */
    void *ulp_ctx;
    struct tcp_sock *synq;                   /* unordered */
    struct tcp_sock *acceptq, *acceptq_tail; /* FIFO */
    struct sock_listener_stats stats;
};

/* MSS values a cookie can encode (2 bits), as Linux's msstab. */
static const uint16_t cookie_mss[4] = { 536, 1220, 1440, 1460 };
#define COOKIE_PERIOD_S 64 /* the counter ticks every 64 s; two ticks are accepted */

static uint32_t cookie_hash(const struct tcp_stack *st, const struct sock_addr *la,
                            uint16_t lp, const struct sock_addr *ra, uint16_t rp, uint32_t irs,
                            uint32_t count)
{
    uint64_t h = st->cookie_secret[0];
    for (int i = 0; i < 16; i += 8) {
        uint64_t a = 0, b = 0;
        for (int j = 0; j < 8; j++) {
            a = a << 8 | la->bytes[i + j];
            b = b << 8 | ra->bytes[i + j];
        }
        h = hash_mix64(h ^ a);
        h = hash_mix64(h ^ b);
    }
    h = hash_mix64(h ^ ((uint64_t)lp << 48 | (uint64_t)rp << 32 | irs));
    h = hash_mix64(h ^ count ^ st->cookie_secret[1]);
    return (uint32_t)h;
}

static uint32_t cookie_count(const struct tcp_stack *st)
{
    return (uint32_t)(sched_now(st->sched) / time_from_s(COOKIE_PERIOD_S));
}

/* Linux's trick for the options a cookie cannot hold: when the SYN carried timestamps, the
 * low 6 bits of our TSval hold the peer's window scale (4 bits, 15 = none) and SACK-permitted
 * (bit 4); the ACK echoes them in TSecr. */
#define COOKIE_TS_BITS 6
#define COOKIE_TS_NO_WSCALE 0xf
#define COOKIE_TS_SACK 0x10

static void send_cookie(struct tcp_listener *l, const struct tcp_hdr *syn,
                        const struct sock_addr *src, const struct sock_addr *dst, bool ulp)
{
    struct tcp_stack *st = l->stack;
    const struct tcp_config *cfg = &st->cfg;
    uint16_t peer_mss = 536;
    tcp_opt_get_mss(syn, &peer_mss);
    uint32_t own = tcp_family_mss(cfg, dst->family);
    uint32_t mss = peer_mss < own ? peer_mss : own;
    unsigned idx = 0;
    for (unsigned i = 0; i < 4; i++)
        if (cookie_mss[i] <= mss)
            idx = i;
    uint32_t count = cookie_count(st);
    uint32_t h = cookie_hash(st, dst, syn->dport, src, syn->sport, syn->seq, count);
    uint32_t isn = (count & 0xff) << 24 | ((h + idx) & 0xffffff);
    struct tcp_hdr out = { 0 };
    out.sport = syn->dport;
    out.dport = syn->sport;
    out.seq = isn;
    out.ack = syn->seq + 1;
    out.flags = TCP_FLAG_SYN | TCP_FLAG_ACK;
    out.window = (uint16_t)(cfg->rcvbuf > 65535 ? 65535 : cfg->rcvbuf);
    tcp_opt_append_mss(&out, cookie_mss[idx]);
    uint32_t tsval, tsecr;
    uint8_t shift;
    if (cfg->timestamps && tcp_opt_get_timestamp(syn, &tsval, &tsecr) == 0) {
        bool ws = cfg->wscale && tcp_opt_get_wscale(syn, &shift) == 0;
        bool sack = cfg->sack && tcp_opt_get_sack_perm(syn) == 0;
        uint32_t opts = (ws ? (shift > TCP_WSCALE_MAX ? TCP_WSCALE_MAX : shift)
                            : COOKIE_TS_NO_WSCALE) |
                        (sack ? COOKIE_TS_SACK : 0);
        uint32_t now = (uint32_t)(sched_now(st->sched) / PS_PER_MS);
        uint32_t ts = (now >> COOKIE_TS_BITS << COOKIE_TS_BITS) | opts;
        if (seq_gt(ts, now))
            ts -= 1u << COOKIE_TS_BITS; /* never ahead of the clock */
        if (sack)
            tcp_opt_append_sack_perm(&out);
        tcp_opt_append_timestamp(&out, ts, tsval);
        if (ws) {
            tcp_opt_append_nop(&out);
            tcp_opt_append_wscale(&out, tcp_choose_wscale(cfg->rcvbuf));
        }
    }
    if (ulp && l->ulp->synack_options)
        l->ulp->synack_options(l, l->ulp_ctx, syn, src, dst, &out);
    l->stats.cookies_sent++;
    tcp_emit(st, &out, dst, src, 0);
}

/* The MSS index encoded in the cookie acknowledged by h, or -1 when it is not ours. */
static int check_cookie(struct tcp_listener *l, const struct tcp_hdr *h,
                        const struct sock_addr *src, const struct sock_addr *dst)
{
    struct tcp_stack *st = l->stack;
    uint32_t isn = h->ack - 1, irs = h->seq - 1;
    uint32_t now = cookie_count(st);
    for (uint32_t age = 0; age < 2 && age <= now; age++) {
        uint32_t count = now - age;
        if ((isn >> 24) != (count & 0xff))
            continue;
        uint32_t hv = cookie_hash(st, dst, h->dport, src, h->sport, irs, count);
        uint32_t idx = (isn - hv) & 0xffffff;
        if (idx < 4)
            return (int)idx;
    }
    return -1;
}

struct tcp_listener *tcp_listener_find(struct tcp_stack *st, const struct sock_addr *dst,
                                       uint16_t port)
{
    struct tcp_listener *any = NULL;
    for (struct tcp_listener *l = st->listeners; l; l = l->next) {
        if (l->port != port)
            continue;
        if (!l->any && tcp_addr_eq(&l->addr, dst))
            return l;
        if (l->any)
            any = l;
    }
    return any;
}

struct tcp_listener *tcp_listener_find_transparent(struct tcp_stack *st, uint16_t port)
{
    struct tcp_listener *any = NULL;
    for (struct tcp_listener *l = st->transparent; l; l = l->next) {
        if (l->port == port)
            return l;
        if (l->port == 0)
            any = l;
    }
    return any;
}

bool tcp_listener_accept_full(const struct tcp_listener *l)
{
    return l->stats.acceptq_len >= l->stack->cfg.backlog;
}

void tcp_listener_count_overflow(struct tcp_listener *l) { l->stats.acceptq_overflows++; }

static void synq_remove(struct tcp_listener *l, struct tcp_sock *c)
{
    struct tcp_sock **pp = &l->synq;
    while (*pp && *pp != c)
        pp = &(*pp)->qnext;
    if (*pp) {
        *pp = c->qnext;
        l->stats.synq_len--;
    }
    c->qnext = NULL;
}

static void acceptq_remove(struct tcp_listener *l, struct tcp_sock *c)
{
    struct tcp_sock **pp = &l->acceptq, *prev = NULL;
    while (*pp && *pp != c) {
        prev = *pp;
        pp = &(*pp)->qnext;
    }
    if (*pp) {
        *pp = c->qnext;
        if (l->acceptq_tail == c)
            l->acceptq_tail = prev;
        l->stats.acceptq_len--;
    }
    c->qnext = NULL;
    c->flags &= ~TF_ACCEPTQ;
}

void tcp_listener_child_gone(struct tcp_sock *c)
{
    struct tcp_listener *l = c->parent;
    if (c->flags & TF_ACCEPTQ)
        acceptq_remove(l, c);
    else
        synq_remove(l, c);
    c->parent = NULL;
}

void tcp_listener_child_established(struct tcp_sock *c)
{
    struct tcp_listener *l = c->parent;
    if (!(c->flags & TF_COOKIE))
        synq_remove(l, c);
    if (l->ulp && l->ulp->claim) {
        /* A claimed child belongs to the ULP, not to the listener. */
        c->parent = NULL;
        if (l->ulp->claim(l, l->ulp_ctx, c) || (c->flags & TF_FREE_LATER))
            return;
        c->parent = l;
    }
    c->flags |= TF_ACCEPTQ;
    c->qnext = NULL;
    if (l->acceptq_tail)
        l->acceptq_tail->qnext = c;
    else
        l->acceptq = c;
    l->acceptq_tail = c;
    l->stats.acceptq_len++;
    if (l->cb && l->cb->acceptable)
        l->cb->acceptable(&l->base, l->ctx);
}

static struct tcp_sock *new_child(struct tcp_listener *l, const struct sock_addr *src,
                                  const struct sock_addr *dst, const struct tcp_hdr *h)
{
    struct tcp_stack *st = l->stack;
    struct tcp_sock *c = tcp_sock_alloc(st, st->cc_default);
    if (!c)
        return NULL;
    c->node.laddr = *dst;
    c->node.raddr = *src;
    c->node.lport = h->dport;
    c->node.rport = h->sport;
    c->parent = l;
    st->stats.passive_opens++;
    return c;
}

static void syn_input(struct tcp_listener *l, const struct tcp_hdr *h,
                      const struct sock_addr *src, const struct sock_addr *dst)
{
    struct tcp_stack *st = l->stack;
    l->stats.syns_received++;
    if (tcp_listener_accept_full(l)) {
        l->stats.syns_dropped++;
        return;
    }
    bool cookie = l->stats.synq_len >= st->cfg.syn_backlog;
    if (cookie) {
        l->stats.synq_overflows++;
        if (!st->cfg.syncookies) {
            l->stats.syns_dropped++;
            return;
        }
    }
    const struct tcp_ulp_ops *ulp = NULL;
    void *ulp_ctx = NULL;
    if (l->ulp && l->ulp->syn) {
        switch (l->ulp->syn(l, l->ulp_ctx, h, src, dst, cookie, &ulp, &ulp_ctx)) {
        case TCP_SYN_ATTACH:
            break;
        case TCP_SYN_RESET:
            tcp_send_rst_for(st, h, 0, src, dst);
            return;
        case TCP_SYN_DROP:
            return;
        default:
            ulp = NULL;
            break;
        }
    }
    if (cookie) {
        send_cookie(l, h, src, dst, ulp != NULL);
        return;
    }
    struct tcp_sock *c = new_child(l, src, dst, h);
    if (!c) {
        l->stats.syns_dropped++;
        return;
    }
    if (ulp)
        tcp_sock_set_ulp(c, ulp, ulp_ctx); /* before the options: the MSS deduction */
    tcp_sock_init_seq(c);
    c->irs = h->seq;
    c->rcv_nxt = c->rcv_read = c->rcv_adv = h->seq + 1;
    tcp_syn_options(c, h);
    c->snd_wnd = c->max_snd_wnd = h->window;
    c->snd_wl1 = h->seq;
    c->qnext = l->synq;
    l->synq = c;
    if (++l->stats.synq_len > l->stats.synq_peak)
        l->stats.synq_peak = l->stats.synq_len;
    tcp_set_state(c, TCP_SYN_RCVD);
    tcp_sock_hash(c);
    tcp_send_syn(c);
    tcp_rtx_arm(c);
}

static void cookie_ack_input(struct tcp_listener *l, const struct tcp_hdr *h, uint32_t seg_len,
                             const struct sock_addr *src, const struct sock_addr *dst)
{
    struct tcp_stack *st = l->stack;
    int idx = check_cookie(l, h, src, dst);
    if (idx < 0) {
        l->stats.cookies_failed++;
        tcp_send_rst_for(st, h, seg_len, src, dst);
        return;
    }
    if (tcp_listener_accept_full(l)) {
        l->stats.acceptq_overflows++;
        return;
    }
    struct tcp_sock *c = new_child(l, src, dst, h);
    if (!c)
        return;
    l->stats.cookies_validated++;
    c->flags |= TF_COOKIE;
    c->iss = h->ack - 1;
    c->snd_una = c->snd_nxt = c->snd_max = c->write_seq = h->ack;
    c->recover = c->iss;
    c->irs = h->seq - 1;
    c->rcv_nxt = c->rcv_read = c->rcv_adv = h->seq;
    if (l->ulp && l->ulp->cookie_ack && !l->ulp->cookie_ack(l, l->ulp_ctx, c, h)) {
        /* Refused: a reset from the child, so that a ULP it attached adds its options (an
         * MPTCP reset reason); the same segment tcp_send_rst_for would send. */
        tcp_send_segment(c, c->snd_nxt, 0, TCP_FLAG_RST);
        tcp_sock_destroy(c);
        return;
    }
    uint32_t own = tcp_family_mss(&st->cfg, c->node.laddr.family);
    uint32_t mss = cookie_mss[idx] < own ? cookie_mss[idx] : own;
    uint32_t tsval, tsecr;
    if (st->cfg.timestamps && tcp_opt_get_timestamp(h, &tsval, &tsecr) == 0) {
        /* The options we hid in our TSval come back in TSecr. */
        uint32_t opts = tsecr & ((1u << COOKIE_TS_BITS) - 1);
        c->flags |= TF_TS_OK;
        c->ts_recent = tsval;
        mss -= 12;
        if ((opts & COOKIE_TS_NO_WSCALE) != COOKIE_TS_NO_WSCALE) {
            c->flags |= TF_WS_OK;
            c->snd_wscale = (uint8_t)(opts & COOKIE_TS_NO_WSCALE);
            if (c->snd_wscale > TCP_WSCALE_MAX)
                c->snd_wscale = TCP_WSCALE_MAX;
            c->rcv_wscale = tcp_choose_wscale(st->cfg.rcvbuf);
        }
        if (opts & COOKIE_TS_SACK)
            c->flags |= TF_SACK_OK;
    }
    mss -= tcp_ulp_mss_cut(c);
    c->mss = c->rcv_mss = (uint16_t)mss;
    c->cc.mss = mss;
    c->cc.cwnd = (uint32_t)st->cfg.initial_cwnd * mss;
    c->snd_wnd = c->max_snd_wnd = (uint32_t)h->window << c->snd_wscale;
    c->snd_wl1 = h->seq;
    c->snd_wl2 = h->ack;
    tcp_sock_hash(c);
    tcp_cb_begin(c);
    tcp_established(c);
    if (!(c->flags & TF_FREE_LATER))
        tcp_conn_input(c, h, seg_len); /* data or FIN carried by the ACK */
    tcp_cb_end(c);
}

void tcp_listen_input(struct tcp_listener *l, const struct tcp_hdr *h, uint32_t seg_len,
                      const struct sock_addr *src, const struct sock_addr *dst)
{
    /* RFC 9293 section 3.10.7.2. */
    if (h->flags & TCP_FLAG_RST)
        return;
    if (h->flags & TCP_FLAG_ACK) {
        if (l->stack->cfg.syncookies && !(h->flags & TCP_FLAG_SYN))
            cookie_ack_input(l, h, seg_len, src, dst);
        else
            tcp_send_rst_for(l->stack, h, seg_len, src, dst);
        return;
    }
    if (h->flags & TCP_FLAG_SYN)
        syn_input(l, h, src, dst);
}

static const struct sock_listener_ops listener_ops;

static struct tcp_listener *listener_new(struct tcp_stack *st, const struct sock_addr *addr,
                                         uint16_t port, const struct sock_listener_callbacks *cb,
                                         void *ctx, struct tcp_listener **list)
{
    struct tcp_listener *l = calloc(1, sizeof *l);
    if (!l)
        return NULL;
    l->base.ops = &listener_ops;
    l->stack = st;
    l->any = addr == NULL;
    if (addr)
        l->addr = *addr;
    l->port = port;
    l->cb = cb;
    l->ctx = ctx;
    l->next = *list;
    *list = l;
    return l;
}

int tcp_listen(struct tcp_stack *st, const struct sock_addr *addr, uint16_t port,
               const struct sock_listener_callbacks *cb, void *ctx, struct tcp_listener **out)
{
    if (port == 0)
        return SOCK_ERR_ARG;
    for (struct tcp_listener *o = st->listeners; o; o = o->next)
        if (o->port == port && (o->any || !addr || tcp_addr_eq(&o->addr, addr)))
            return SOCK_ERR_ARG;
    struct tcp_listener *l = listener_new(st, addr, port, cb, ctx, &st->listeners);
    if (!l)
        return SOCK_ERR_NOMEM;
    *out = l;
    return 0;
}

int tcp_listen_transparent(struct tcp_stack *st, uint16_t port,
                           const struct sock_listener_callbacks *cb, void *ctx,
                           struct tcp_listener **out)
{
    for (struct tcp_listener *o = st->transparent; o; o = o->next)
        if (o->port == port)
            return SOCK_ERR_ARG;
    struct tcp_listener *l = listener_new(st, NULL, port, cb, ctx, &st->transparent);
    if (!l)
        return SOCK_ERR_NOMEM;
    l->transparent = true;
    *out = l;
    return 0;
}

void tcp_listener_set_ulp(struct tcp_listener *l, const struct tcp_listen_ulp_ops *ops,
                          void *ctx)
{
    l->ulp = ops;
    l->ulp_ctx = ops ? ctx : NULL;
}

int tcp_accept(struct tcp_listener *l, const struct sock_callbacks *cb, void *ctx,
               struct tcp_sock **out)
{
    struct tcp_sock *c = l->acceptq;
    if (!c)
        return SOCK_ERR_STATE;
    acceptq_remove(l, c);
    c->parent = NULL;
    c->cb = cb;
    c->ctx = ctx;
    l->stats.accepted++;
    *out = c;
    return 0;
}

void tcp_listener_get_stats(const struct tcp_listener *l, struct sock_listener_stats *out)
{
    *out = l->stats;
}

static void listener_free(struct tcp_listener *l, bool reset)
{
    struct tcp_stack *st = l->stack;
    while (l->synq || l->acceptq) {
        struct tcp_sock *c = l->synq ? l->synq : l->acceptq;
        if (reset)
            tcp_abort(c);
        else
            tcp_sock_destroy(c);
    }
    struct tcp_listener **pp = l->transparent ? &st->transparent : &st->listeners;
    while (*pp != l)
        pp = &(*pp)->next;
    *pp = l->next;
    free(l);
}

void tcp_listener_close(struct tcp_listener *l) { listener_free(l, true); }

void tcp_listeners_free_all(struct tcp_stack *st)
{
    while (st->listeners)
        listener_free(st->listeners, false);
    while (st->transparent)
        listener_free(st->transparent, false);
}

/* ---- the struct sock_listener face ---------------------------------------------------- */

static int ops_accept(struct sock_listener *sl, const struct sock_callbacks *cb, void *ctx,
                      struct sock **out)
{
    struct tcp_sock *c;
    int rc = tcp_accept((struct tcp_listener *)(void *)sl, cb, ctx, &c);
    if (rc == 0)
        *out = tcp_sock_sock(c);
    return rc;
}

static void ops_close(struct sock_listener *sl)
{
    tcp_listener_close((struct tcp_listener *)(void *)sl);
}

static void ops_get_stats(const struct sock_listener *sl, struct sock_listener_stats *out)
{
    tcp_listener_get_stats((const struct tcp_listener *)(const void *)sl, out);
}

static const struct sock_listener_ops listener_ops = {
    .accept = ops_accept,
    .close = ops_close,
    .get_stats = ops_get_stats,
};

struct sock_listener *tcp_listener_sock(struct tcp_listener *l) { return &l->base; }

struct tcp_listener *tcp_listener_from(struct sock_listener *l)
{
    return l && l->ops == &listener_ops ? (struct tcp_listener *)(void *)l : NULL;
}
