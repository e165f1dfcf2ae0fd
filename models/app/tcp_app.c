/* tcp_app.c - per-connection statistics and traces of the TCP applications, and their
 * client connection set-up (tcp_app.h). */
#include "models/app/tcp_app.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The series of MPTCP subflow k, created at its first report (NULL when k is past the table
 * or nothing per subflow is recorded). One allocation-free lookup per sample after that. */
static struct tcp_app_sf_vectors *sf_vectors(struct tcp_app_conn *c, unsigned k)
{
    if (!c->sf || k >= TCP_APP_SF_MAX)
        return NULL;
    struct tcp_app_sf_vectors *v = &c->sf[k];
    if (!v->made) {
        char m[sizeof c->module + 8];
        snprintf(m, sizeof m, "%s.sf%u", c->module, k);
        v->made = true;
        v->cwnd = results_vector(c->run, m, "cwnd", "B");
        results_vector_set_mode(v->cwnd, RESULTS_ON_CHANGE);
        v->rtt = results_vector(c->run, m, "rtt", "s");
        v->tx_bytes = results_vector(c->run, m, "tx_bytes", "B");
        results_vector_set_mode(v->tx_bytes, RESULTS_ON_CHANGE);
        v->acked_bytes = results_vector(c->run, m, "acked_bytes", "B");
        results_vector_set_mode(v->acked_bytes, RESULTS_ON_CHANGE);
    }
    return v;
}

static void trace_cwnd(struct sock *s, void *ctx, unsigned sf, uint32_t cwnd,
                       uint32_t ssthresh)
{
    struct tcp_app_conn *c = ctx;
    (void)s;
    (void)ssthresh;
    sim_time_t now = sched_now(c->sched);
    if (sf == 0)
        results_vector_add(c->cwnd, now, (double)cwnd);
    struct tcp_app_sf_vectors *v = sf_vectors(c, sf);
    if (v)
        results_vector_add(v->cwnd, now, (double)cwnd);
}

static void trace_rtt(struct sock *s, void *ctx, unsigned sf, sim_time_t sample,
                      sim_time_t srtt, sim_time_t rto)
{
    struct tcp_app_conn *c = ctx;
    (void)s;
    (void)srtt;
    (void)rto;
    sim_time_t now = sched_now(c->sched);
    if (sf == 0)
        results_vector_add(c->rtt, now, time_to_sec(sample));
    struct tcp_app_sf_vectors *v = sf_vectors(c, sf);
    if (v)
        results_vector_add(v->rtt, now, time_to_sec(sample));
}

static void trace_data(struct sock *s, void *ctx, uint64_t acked, uint64_t received)
{
    struct tcp_app_conn *c = ctx;
    (void)s;
    sim_time_t now = sched_now(c->sched);
    results_vector_add(c->data_acked, now, (double)acked);
    results_vector_add(c->data_received, now, (double)received);
}

static void trace_sf_bytes(struct sock *s, void *ctx, unsigned sf, uint64_t sent,
                           uint64_t acked)
{
    struct tcp_app_conn *c = ctx;
    (void)s;
    struct tcp_app_sf_vectors *v = sf_vectors(c, sf);
    if (!v)
        return;
    sim_time_t now = sched_now(c->sched);
    results_vector_add(v->tx_bytes, now, (double)sent);
    results_vector_add(v->acked_bytes, now, (double)acked);
}

/* TCP: only the members whose vectors are recorded, so the other sources cost one test. */
static const struct sock_trace trace_both = { .cwnd = trace_cwnd, .rtt = trace_rtt };
static const struct sock_trace trace_cwnd_only = { .cwnd = trace_cwnd };
static const struct sock_trace trace_rtt_only = { .rtt = trace_rtt };
/* MPTCP with anything recorded: every source (a member whose vectors are off tests NULLs). */
static const struct sock_trace trace_mptcp = { .cwnd = trace_cwnd, .rtt = trace_rtt,
                                               .data = trace_data,
                                               .sf_bytes = trace_sf_bytes };

void tcp_app_conn_init(struct tcp_app_conn *c, struct results_run *run, const char *module,
                       struct sched *sched)
{
    memset(c, 0, sizeof *c);
    snprintf(c->module, sizeof c->module, "%s", module);
    c->sched = sched;
    c->run = run;
    c->started = sched_now(sched);
    c->connected = c->completed = -1;
    c->cwnd = results_vector(run, c->module, "cwnd", "B");
    if (c->cwnd)
        results_vector_set_mode(c->cwnd, RESULTS_ON_CHANGE);
    c->rtt = results_vector(run, c->module, "rtt", "s");
}

void tcp_app_conn_free(struct tcp_app_conn *c)
{
    free(c->sf);
    c->sf = NULL;
}

/* Is any series of an MPTCP subflow recorded (by the rules for subflows 0..max-1)? */
static bool sf_wanted(const struct tcp_app_conn *c)
{
    static const char *const names[] = { "cwnd", "rtt", "tx_bytes", "acked_bytes" };
    char m[sizeof c->module + 8];
    for (unsigned k = 0; k < TCP_APP_SF_MAX; k++) {
        snprintf(m, sizeof m, "%s.sf%u", c->module, k);
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
            if (results_vector_enabled(c->run, m, names[i]))
                return true;
    }
    return false;
}

static void conn_attach(struct tcp_app_conn *c, struct sock *s)
{
    c->sock = s;
    struct sock_info info;
    sock_get_info(s, &info);
    if (info.transport && strcmp(info.transport, "mptcp") == 0) {
        c->data_acked = results_vector(c->run, c->module, "data_acked", "B");
        results_vector_set_mode(c->data_acked, RESULTS_ON_CHANGE);
        c->data_received = results_vector(c->run, c->module, "data_received", "B");
        results_vector_set_mode(c->data_received, RESULTS_ON_CHANGE);
        if (sf_wanted(c))
            c->sf = calloc(TCP_APP_SF_MAX, sizeof *c->sf); /* NULL: not traced per subflow */
        if (c->cwnd || c->rtt || c->data_acked || c->data_received || c->sf)
            sock_set_trace(s, &trace_mptcp, c);
        return;
    }
    const struct sock_trace *t = c->cwnd && c->rtt ? &trace_both
                                     : c->cwnd          ? &trace_cwnd_only
                                     : c->rtt           ? &trace_rtt_only
                                                        : NULL;
    if (t)
        sock_set_trace(s, t, c);
}

int tcp_app_conn_connect(struct tcp_app_conn *c, struct host *h, const char *protocol,
                         const struct sock_addr *src, const struct sock_addr *dst,
                         uint16_t port, const char *cc, const struct sock_callbacks *cb,
                         void *ctx)
{
    struct sock_connect_args a = { .src = *src, .dst = *dst, .dst_port = port, .cc = cc };
    struct sock *s;
    if (host_connect(h, protocol, &a, cb, ctx, &s) < 0) {
        c->failed = true;
        return -1;
    }
    conn_attach(c, s);
    return 0;
}

void tcp_app_conn_snapshot(struct tcp_app_conn *c)
{
    if (!c->sock)
        return;
    sock_get_stats(c->sock, &c->stats);
    struct sock_info info;
    sock_get_info(c->sock, &info);
    c->srtt = info.srtt;
    c->mptcp = info.transport && strcmp(info.transport, "mptcp") == 0;
    c->fallback = info.fallback;
    c->subflows_peak = info.subflows_peak;
    c->fallback_reason = info.fallback_reason;
    c->joins_attempted = info.joins_attempted;
    c->joins_ok = info.joins_ok;
    c->add_addr_tx = info.add_addr_tx;
    c->add_addr_rx = info.add_addr_rx;
    c->mem_bytes = info.mem_bytes;
}

void tcp_app_conn_let_go(struct tcp_app_conn *c)
{
    if (!c->sock)
        return;
    tcp_app_conn_snapshot(c);
    struct sock *s = c->sock;
    c->sock = NULL;
    sock_close(s);
}

double tcp_app_goodput(uint64_t bytes, sim_time_t from, sim_time_t to)
{
    return to > from ? (double)bytes * 8.0 / time_to_sec(to - from) : 0.0;
}

void tcp_app_conn_record(struct tcp_app_conn *c, struct results_run *run, sim_time_t end)
{
    tcp_app_conn_snapshot(c);
    const char *m = c->module;
    const struct sock_stats *st = &c->stats;
    results_scalar(run, m, "tx_bytes", "B", (double)st->bytes_acked);
    results_scalar(run, m, "rx_bytes", "B", (double)st->bytes_received);
    sim_time_t from = c->connected >= 0 ? c->connected : c->started;
    sim_time_t to = c->completed >= 0 ? c->completed : end;
    results_scalar(run, m, "goodput", "bps", tcp_app_goodput(st->bytes_acked, from, to));
    if (c->connected >= 0)
        results_scalar(run, m, "connect_time", "s", time_to_sec(c->connected - c->started));
    if (c->completed >= 0)
        results_scalar(run, m, "completion_time", "s", time_to_sec(c->completed - c->started));
    results_scalar(run, m, "retrans_segs", "pkt", (double)st->retrans_segs);
    results_scalar(run, m, "rto_count", "", (double)st->rto_count);
    results_scalar(run, m, "fast_retrans", "", (double)st->fast_retrans);
    results_scalar(run, m, "rtt_samples", "", (double)st->rtt_samples);
    results_scalar(run, m, "srtt", "s", time_to_sec(c->srtt));
    results_scalar(run, m, "failed", "", c->failed ? 1.0 : 0.0);
    if (c->mptcp) {
        results_scalar(run, m, "mptcp_fallback", "", c->fallback ? 1.0 : 0.0);
        results_scalar(run, m, "mptcp_fallback_reason", "", (double)c->fallback_reason);
        results_scalar(run, m, "subflows", "", (double)c->subflows_peak);
        results_scalar(run, m, "joins_attempted", "", (double)c->joins_attempted);
        results_scalar(run, m, "joins_ok", "", (double)c->joins_ok);
        results_scalar(run, m, "add_addr_tx", "", (double)c->add_addr_tx);
        results_scalar(run, m, "add_addr_rx", "", (double)c->add_addr_rx);
        results_scalar(run, m, "reinjected_bytes", "B", (double)st->reinjected_bytes);
        results_scalar(run, m, "mem_bytes", "B", (double)c->mem_bytes);
    }
}

int tcp_app_addrs(const struct net_node *node, const struct net_node *dst, int family,
                  struct sock_addr *src_addr, struct sock_addr *dst_addr, char *err,
                  size_t errlen)
{
    int v = family ? 6 : 4;
    if (host_addr(node, v, src_addr) < 0 || host_addr(dst, v, dst_addr) < 0) {
        snprintf(err, errlen, "node \"%s\" has no IPv%d address",
                 net_node_name(host_addr(node, v, src_addr) < 0 ? node : dst), v);
        return -1;
    }
    return 0;
}

int tcp_app_route_check(struct model_ctx *ctx, struct app_route *r, struct net_node *node,
                        struct net_node *dst, const struct sock_addr *src,
                        const struct sock_addr *dst_addr, char *err, size_t errlen)
{
    *r = (struct app_route){ .node = node, .dst = dst, .replies = true };
    r->src_addr.family = src->family;
    memcpy(r->src_addr.b, src->bytes, 16);
    r->dst_addr.family = dst_addr->family;
    memcpy(r->dst_addr.b, dst_addr->bytes, 16);
    return app_check_route(ctx, r, err, errlen);
}

/* ---- one client connection ------------------------------------------------------------ */

int tcp_app_client_init(struct tcp_app_client *a, struct model_ctx *ctx, const char *name,
                        struct net_node *node, struct net_node *dst, int family, uint16_t port,
                        const struct host_opts *opts, char *err, size_t errlen)
{
    snprintf(a->name, sizeof a->name, "%s", name);
    a->sched = ctx->sched;
    a->results = ctx->results;
    a->port = port;
    a->conn.started = -1;
    const char *cc = host_opts_cc(opts);
    snprintf(a->cc, sizeof a->cc, "%s", cc ? cc : "");
    snprintf(a->protocol, sizeof a->protocol, "%s", host_opts_protocol(opts));
    if (tcp_app_addrs(node, dst, family, &a->src, &a->dst, err, errlen) < 0 ||
        tcp_app_route_check(ctx, &a->route, node, dst, &a->src, &a->dst, err, errlen) < 0)
        return -1;
    return host_attach(ctx, node, name, opts, &a->host, err, errlen);
}

int tcp_app_client_connect(struct tcp_app_client *a, const struct sock_callbacks *cb)
{
    tcp_app_conn_init(&a->conn, a->results, a->name, a->sched);
    return tcp_app_conn_connect(&a->conn, a->host, a->protocol, &a->src, &a->dst, a->port,
                                a->cc[0] ? a->cc : NULL, cb, a);
}

void tcp_app_client_record(struct tcp_app_client *a, struct model_ctx *ctx)
{
    if (a->conn.started < 0)
        return; /* never started (start after the end of the run) */
    tcp_app_conn_record(&a->conn, ctx->results, sched_now(ctx->sched));
}

void tcp_app_client_discard(struct sock *s, void *ctx, size_t bytes)
{
    (void)ctx;
    sock_read(s, bytes); /* a sink that answers is read and ignored */
}

void tcp_app_client_closed(struct sock *s, void *ctx)
{
    struct tcp_app_client *a = ctx;
    (void)s;
    a->conn.completed = sched_now(a->sched);
    tcp_app_conn_let_go(&a->conn);
}

void tcp_app_client_error(struct sock *s, void *ctx, int err)
{
    struct tcp_app_client *a = ctx;
    (void)s;
    (void)err;
    a->conn.failed = true;
    tcp_app_conn_let_go(&a->conn);
}
