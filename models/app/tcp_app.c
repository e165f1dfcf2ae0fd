/* tcp_app.c - per-connection statistics and traces of the TCP applications (tcp_app.h). */
#include "models/app/tcp_app.h"

#include "models/tcp/tcp_stack.h"

#include <stdio.h>
#include <string.h>

static void trace_cwnd(struct tcp_sock *s, void *ctx, uint32_t cwnd, uint32_t ssthresh)
{
    struct tcp_app_conn *c = ctx;
    (void)ssthresh;
    results_vector_add(c->cwnd, sched_now(tcp_stack_sched(tcp_sock_stack(s))), (double)cwnd);
}

static void trace_rtt(struct tcp_sock *s, void *ctx, sim_time_t sample, sim_time_t srtt,
                      sim_time_t rto)
{
    struct tcp_app_conn *c = ctx;
    (void)srtt;
    (void)rto;
    results_vector_add(c->rtt, sched_now(tcp_stack_sched(tcp_sock_stack(s))), time_to_sec(sample));
}

static const struct tcp_sock_trace trace_both = { .cwnd = trace_cwnd, .rtt = trace_rtt };
static const struct tcp_sock_trace trace_cwnd_only = { .cwnd = trace_cwnd };
static const struct tcp_sock_trace trace_rtt_only = { .rtt = trace_rtt };

void tcp_app_conn_init(struct tcp_app_conn *c, struct results_run *run, const char *module,
                       sim_time_t now)
{
    memset(c, 0, sizeof *c);
    snprintf(c->module, sizeof c->module, "%s", module);
    c->started = now;
    c->connected = c->completed = -1;
    c->cwnd = results_vector(run, c->module, "cwnd", "B");
    if (c->cwnd)
        results_vector_set_mode(c->cwnd, RESULTS_ON_CHANGE);
    c->rtt = results_vector(run, c->module, "rtt", "s");
}

void tcp_app_conn_attach(struct tcp_app_conn *c, struct tcp_sock *s)
{
    c->sock = s;
    const struct tcp_sock_trace *t = c->cwnd && c->rtt ? &trace_both
                                     : c->cwnd          ? &trace_cwnd_only
                                     : c->rtt           ? &trace_rtt_only
                                                        : NULL;
    if (t)
        tcp_sock_set_trace(s, t, c);
}

void tcp_app_conn_snapshot(struct tcp_app_conn *c)
{
    if (!c->sock)
        return;
    tcp_sock_get_stats(c->sock, &c->stats);
    struct tcp_sock_info info;
    tcp_sock_get_info(c->sock, &info);
    c->srtt = info.srtt;
}

double tcp_app_goodput(uint64_t bytes, sim_time_t from, sim_time_t to)
{
    return to > from ? (double)bytes * 8.0 / time_to_sec(to - from) : 0.0;
}

void tcp_app_conn_record(struct tcp_app_conn *c, struct results_run *run, sim_time_t end)
{
    const char *m = c->module;
    const struct tcp_sock_stats *st = &c->stats;
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
}
