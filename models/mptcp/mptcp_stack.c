/* mptcp_stack.c - a node's MPTCP: the stack over the node's TCP, opening connections
 * (mptcp_connect: Linux mptcp_stream_connect + subflow_connect), listeners (an IPPROTO_MPTCP
 * listener is a TCP listener with the listen hook; accepted sockets are MPTCP sockets,
 * fallen back when the SYN was plain), and the MP_CAPABLE blackhole switch (Linux ctrl.c
 * mptcp_active_disable / mptcp_active_should_disable).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/mptcp/mptcp_int.h"
#include "models/tcp/tcp_stack.h"
#include "sim/rng.h"

int mptcp_stack_new(struct tcp_stack *tcp, const struct mptcp_config *cfg, uint64_t seed,
                    uint64_t run, const char *rng_name, struct mptcp_stack **out, char *err,
                    size_t errlen)
{
    if (mptcp_config_check(cfg, err, errlen) < 0)
        return -1;
    struct mptcp_stack *st = calloc(1, sizeof *st);
    if (!st)
        goto nomem;
    st->tcp = tcp;
    st->sched = tcp_stack_sched(tcp);
    if (mptcp_config_copy(&st->cfg, cfg) < 0)
        goto nomem;
    for (size_t i = 0; i < cfg->endpoints.n; i++) {
        mptcp_endpoint_parse(cfg->endpoints.items[i], &st->ep[i], err, errlen);
        st->ep[i].id = (uint8_t)(i + 1);
    }
    st->nep = (uint8_t)cfg->endpoints.n;
    st->rng = rng_new(seed, run, rng_name);
    st->tokens = mptcp_token_table_new();
    if (!st->rng || !st->tokens)
        goto nomem;
    st->cookie_secret = (uint64_t)rng_u32(st->rng) << 32 | rng_u32(st->rng);
    *out = st;
    return 0;
nomem:
    if (st) {
        mptcp_config_free(&st->cfg);
        if (st->rng)
            rng_free(st->rng);
        mptcp_token_table_free(st->tokens);
        free(st);
    }
    snprintf(err, errlen, "mptcp: out of memory");
    return -1;
}

void mptcp_stack_free(struct mptcp_stack *st)
{
    if (!st)
        return;
    while (st->live) {
        struct mptcp_conn *c = st->live;
        for (size_t i = 0; i < c->nsf; i++)
            c->sf[i]->closed = true;            /* the TCP stack frees its own sockets */
        mptcp_conn_destroy(c);
    }
    /* Listener records only: their TCP listeners are the TCP stack's to free, silently. */
    while (st->listeners) {
        struct mptcp_listener *ml = st->listeners;
        st->listeners = ml->next;
        free(ml);
    }
    mptcp_token_table_free(st->tokens);
    rng_free(st->rng);
    mptcp_config_free(&st->cfg);
    free(st);
}

void mptcp_stack_get_stats(const struct mptcp_stack *st, struct mptcp_stack_stats *out)
{
    *out = st->stats;
}

void mptcp_stack_set_next_key(struct mptcp_stack *st, uint64_t key)
{
    st->have_next_key = true;
    st->next_key = key;
}

size_t mptcp_conn_idle_bytes(void) { return sizeof(struct mptcp_conn); }

const char *mptcp_fallback_reason_name(unsigned reason)
{
    static const char *const names[] = { "none", "disabled", "syn_blackhole", "synack",
                                         "plain_syn", "ack", "data_no_dss", "no_mapping",
                                         "infinite_map", "no_data_ack", "checksum" };
    return reason < sizeof names / sizeof names[0] ? names[reason] : "?";
}
size_t mptcp_subflow_idle_bytes(void) { return sizeof(struct mptcp_subflow); }

/* Linux ctrl.c: MPTCP off for blackhole_timeout << (times - 1) after an MPC SYN blackhole. */
void mptcp_blackhole_detected(struct mptcp_stack *st)
{
    if (!st->cfg.blackhole_timeout)
        return;
    st->stats.mpc_blackhole++;
    unsigned shift = st->blackhole_times < 6 ? st->blackhole_times : 6;
    st->blackhole_times++;
    st->mpc_disabled_until = sched_now(st->sched) + (st->cfg.blackhole_timeout << shift);
}

static bool active_disabled(struct mptcp_stack *st)
{
    return st->cfg.blackhole_timeout && st->blackhole_times &&
           sched_now(st->sched) < st->mpc_disabled_until;
}

int mptcp_connect(struct mptcp_stack *st, const struct sock_connect_args *a,
                  const struct sock_callbacks *cb, void *ctx, struct sock **out)
{
    struct mptcp_conn *c = mptcp_conn_new(st, false);
    if (!c)
        return SOCK_ERR_NOMEM;
    c->cb = cb;
    c->cb_ctx = ctx;
    bool plain = active_disabled(st) || mptcp_token_new(st, c) < 0;
    if (plain) {
        c->fallback = true;
        c->fb_reason = MPTCP_FB_DISABLED;
        c->local_idsn = 0;
    }
    mptcp_conn_init_seq(c);
    struct mptcp_subflow *sf = mptcp_subflow_new(c, NULL);
    if (!sf) {
        mptcp_conn_destroy(c);
        return SOCK_ERR_NOMEM;
    }
    sf->mpc = true;
    if (c->fallback)
        c->fb_rx_base = c->rcv_nxt - sf->rx_ssn;
    if (a->cc && strlen(a->cc) < sizeof c->cc_name)
        strcpy(c->cc_name, a->cc);
    struct tcp_sock *t;
    int rc = tcp_connect_ulp(st->tcp, &a->src, a->src_port, &a->dst, a->dst_port, a->cc,
                             &mptcp_ulp_ops, sf, &mptcp_subflow_callbacks, sf, &t);
    if (rc < 0) {
        sf->closed = true;
        mptcp_conn_destroy(c);
        return rc;
    }
    sf->tcp = t;
    struct sock_info in;
    tcp_sock_get_info(t, &in);
    sf->local_addr = in.local;
    c->remote[0] = (struct mptcp_remote_addr){ .addr = a->dst, .port = a->dst_port,
                                               .id = 0, .used = true };
    c->nremote = 1;
    c->sock.ops = &mptcp_sock_ops;
    st->stats.mpc_syn_tx += !c->fallback;
    *out = &c->sock;
    return 0;
}

/* ---- listeners --------------------------------------------------------------------- */

void mptcp_listener_ready(struct mptcp_conn *c)
{
    struct mptcp_listener *ml = c->listener;
    if (!ml || c->accept_queued)
        return;
    c->accept_queued = true;
    c->next_accept = NULL;
    if (ml->acc_tail)
        ml->acc_tail->next_accept = c;
    else
        ml->acc_head = c;
    ml->acc_tail = c;
    ml->stats.acceptq_len++;
    if (ml->cb && ml->cb->acceptable)
        ml->cb->acceptable(&ml->sl, ml->cb_ctx);
}

/* TCP finished a child's handshake: take it at once (its data must reach the connection
 * level). A child without our ULP came from a plain SYN: a fallen-back MPTCP socket. */
static void tcp_acceptable(struct sock_listener *l, void *ctx)
{
    (void)l;
    struct mptcp_listener *ml = ctx;
    struct tcp_sock *child;
    while (tcp_accept(ml->tcp, NULL, NULL, &child) == 0) {
        struct mptcp_subflow *sf = tcp_sock_ulp_ctx(child);
        struct mptcp_conn *c;
        if (!sf) {
            c = mptcp_conn_new(ml->st, true);
            if (!c || !(sf = mptcp_subflow_new(c, child))) {
                if (c)
                    mptcp_conn_destroy(c);
                tcp_abort(child);
                continue;
            }
            c->listener = ml;
            mptcp_conn_init_seq(c);
            sf->mpc = sf->server = sf->established = true;
            mptcp_fallback(c, false, MPTCP_FB_PLAIN_SYN);
            tcp_sock_set_ulp(child, &mptcp_fallback_ulp_ops, sf);
        } else {
            c = sf->conn;
            sf->tcp = child;
            sf->established = true;
        }
        mptcp_count_peak(c);
        tcp_sock_set_ctx(child, &mptcp_subflow_callbacks, sf);
        c->state = MPTCP_S_ESTABLISHED;
        mptcp_listener_ready(c);               /* Linux accepts at the third ACK too */
        mptcp_dss_pull(sf);
    }
}

static const struct sock_listener_callbacks tcp_listener_cb = { .acceptable = tcp_acceptable };

static int ml_accept(struct sock_listener *l, const struct sock_callbacks *cb, void *ctx,
                     struct sock **out)
{
    struct mptcp_listener *ml = (struct mptcp_listener *)l;
    struct mptcp_conn *c = ml->acc_head;
    if (!c)
        return SOCK_ERR_STATE;
    ml->acc_head = c->next_accept;
    if (!ml->acc_head)
        ml->acc_tail = NULL;
    ml->stats.acceptq_len--;
    ml->stats.accepted++;
    c->listener = NULL;
    c->cb = cb;
    c->cb_ctx = ctx;
    *out = &c->sock;
    if (c->rcv_nxt != c->read_seq)
        mptcp_notify_readable(c);
    return 0;
}

static void ml_close(struct sock_listener *l)
{
    struct mptcp_listener *ml = (struct mptcp_listener *)l;
    while (ml->acc_head) {
        struct mptcp_conn *c = ml->acc_head;
        ml->acc_head = c->next_accept;
        sock_abort(&c->sock);
    }
    for (struct mptcp_conn *c = ml->st->live; c; c = c->next_live)
        if (c->listener == ml)
            c->listener = NULL;
    tcp_listener_close(ml->tcp);
    struct mptcp_listener **pp = &ml->st->listeners;
    while (*pp && *pp != ml)
        pp = &(*pp)->next;
    if (*pp)
        *pp = ml->next;
    free(ml);
}

static void ml_get_stats(const struct sock_listener *l, struct sock_listener_stats *out)
{
    const struct mptcp_listener *ml = (const struct mptcp_listener *)l;
    tcp_listener_get_stats(ml->tcp, out);
    out->acceptq_len = ml->stats.acceptq_len;
    out->accepted = ml->stats.accepted;
}

static const struct sock_listener_ops mptcp_listener_ops = {
    .accept = ml_accept,
    .close = ml_close,
    .get_stats = ml_get_stats,
};

int mptcp_listen(struct mptcp_stack *st, const struct sock_listen_args *a,
                 const struct sock_listener_callbacks *cb, void *ctx,
                 struct sock_listener **out)
{
    struct mptcp_listener *ml = calloc(1, sizeof *ml);
    if (!ml)
        return SOCK_ERR_NOMEM;
    ml->sl.ops = &mptcp_listener_ops;
    ml->st = st;
    ml->cb = cb;
    ml->cb_ctx = ctx;
    int rc = a->transparent
                 ? tcp_listen_transparent(st->tcp, a->port, &tcp_listener_cb, ml, &ml->tcp)
                 : tcp_listen(st->tcp, a->addr.family ? &a->addr : NULL, a->port,
                              &tcp_listener_cb, ml, &ml->tcp);
    if (rc < 0) {
        free(ml);
        return rc;
    }
    ml->next = st->listeners;
    st->listeners = ml;
    tcp_listener_set_ulp(ml->tcp, &mptcp_listen_ulp_ops, ml);
    *out = &ml->sl;
    return 0;
}
