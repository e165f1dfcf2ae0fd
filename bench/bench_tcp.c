/* bench_tcp.c - the cost of the TCP model: segments per CPU second and bytes per connection.
 *
 * tcp_bulk: one bulk flow between two stacks over a 1 Gbit/s, 5 ms link (a FIFO serializer
 * and a delay, each packet one scheduler event) for 30 s of simulated time, with delayed
 * ACKs and SACK as configured by default, rcvbuf/sndbuf 4 MiB so the flow fills the link.
 * Reported: CPU time, segments (data + ACK) per CPU second through both stacks, scheduler
 * events per CPU second and the CPU cost per data segment (sender, link and receiver work).
 * tcp_idle: 10^4 established idle connections on one client stack: control-block bytes per
 * connection as accounted by the stack (table share included) against the 4 kB;
 * then the client closes them all and each leaves a compact TIME-WAIT record: its bytes.
 */
#include <stdio.h>
#include <stdlib.h>

#include "bench/harness.h"
#include "models/tcp/tcp_stack.h"

struct link {
    struct sched *s;
    struct tcp_stack *to;
    const struct sock_addr *src, *dst;
    bps_t rate;
    sim_time_t delay, busy_until;
};

struct bench_net {
    struct sched *s;
    struct pkt_pool *pool;
    struct tcp_stack *a, *b;
    struct sock_addr addr_a, addr_b;
    struct link ab, ba;
};

static void link_arrive(struct sched *s, void *ctx, void *arg)
{
    (void)s;
    struct link *l = ctx;
    tcp_input(l->to, arg, l->src, l->dst);
}

static void link_send(void *ctx, struct packet *pkt, const struct sock_addr *src,
                      const struct sock_addr *dst)
{
    (void)src;
    (void)dst;
    struct link *l = ctx;
    sim_time_t now = sched_now(l->s);
    sim_time_t start = l->busy_until > now ? l->busy_until : now;
    l->busy_until = start + time_to_send(pkt_wire_len(pkt) + 20, l->rate);
    sched_at(l->s, l->busy_until + l->delay, link_arrive, l, pkt);
}

static const struct tcp_ip_ops link_ops = { .send = link_send };

static struct bench_net *net_new(const struct tcp_config *cfg)
{
    struct bench_net *n = calloc(1, sizeof *n);
    char err[256];
    n->s = sched_new();
    if (!n || !n->s || pkt_pool_new(NULL, &n->pool, err, sizeof err) < 0)
        abort();
    n->addr_a = (struct sock_addr){ .family = 4, .bytes = { 10, 0, 0, 1 } };
    n->addr_b = (struct sock_addr){ .family = 4, .bytes = { 10, 0, 0, 2 } };
    if (tcp_stack_new(n->s, n->pool, cfg, &link_ops, &n->ab, 1, 0, "bench/a", &n->a, err,
                      sizeof err) < 0 ||
        tcp_stack_new(n->s, n->pool, cfg, &link_ops, &n->ba, 1, 0, "bench/b", &n->b, err,
                      sizeof err) < 0)
        abort();
    n->ab = (struct link){ n->s, n->b, &n->addr_a, &n->addr_b, 1000000000ull, time_from_ms(5), 0 };
    n->ba = (struct link){ n->s, n->a, &n->addr_b, &n->addr_a, 1000000000ull, time_from_ms(5), 0 };
    return n;
}

static void net_free(struct bench_net *n)
{
    tcp_stack_free(n->a);
    tcp_stack_free(n->b);
    sched_free(n->s);
    pkt_pool_free(n->pool);
    free(n);
}

static void sink_readable(struct sock *s_sk, void *ctx, size_t bytes)
{
    struct tcp_sock *s = tcp_sock_from(s_sk);
    (void)ctx;
    tcp_read(s, bytes);
    if (tcp_sock_eof(s))
        tcp_close(s);
}

static const struct sock_callbacks sink_cb = { .readable = sink_readable };

static void sink_accept(struct sock_listener *l_sl, void *ctx)
{
    struct tcp_listener *l = tcp_listener_from(l_sl);
    (void)ctx;
    struct tcp_sock *s;
    while (tcp_accept(l, &sink_cb, NULL, &s) == 0)
        ;
}

static const struct sock_listener_callbacks sink_lcb = { .acceptable = sink_accept };

static void src_push(struct sock *s_sk, void *ctx, size_t bytes)
{
    struct tcp_sock *s = tcp_sock_from(s_sk);
    (void)ctx;
    (void)bytes;
    while (tcp_send(s, (size_t)1 << 30) > 0)
        ;
}

static void src_connected(struct sock *s, void *ctx) { src_push(s, ctx, 0); }

static const struct sock_callbacks src_cb = { .connected = src_connected,
                                                  .writable = src_push };

BENCH(tcp_bulk)
{
    struct tcp_config cfg;
    tcp_config_default(&cfg);
    cfg.rcvbuf = cfg.sndbuf = 4u << 20;
    struct bench_net *n = net_new(&cfg);
    struct tcp_listener *l;
    struct tcp_sock *c;
    tcp_listen(n->b, NULL, 80, &sink_lcb, NULL, &l);
    tcp_connect(n->a, &n->addr_a, 0, &n->addr_b, 80, NULL, &src_cb, NULL, &c);
    double cpu0 = bench_cpu(), wall0 = bench_wall();
    sched_run_until(n->s, time_from_s(30));
    double cpu = bench_cpu() - cpu0, wall = bench_wall() - wall0;
    struct tcp_stack_stats sa, sb;
    tcp_stack_get_stats(n->a, &sa);
    tcp_stack_get_stats(n->b, &sb);
    struct sched_stats ss;
    sched_get_stats(n->s, &ss);
    struct sock_stats cs;
    tcp_sock_get_stats(c, &cs);
    double segs = (double)(sa.segs_out + sb.segs_out);
    bench_report("tcp bulk 1 Gbit/s 30 s: CPU time", cpu, "s");
    bench_report("tcp bulk: wall time", wall, "s");
    bench_report("tcp bulk: goodput", (double)cs.bytes_acked * 8 / 30 / 1e6, "Mbit/s");
    bench_report("tcp bulk: segments (data+ACK) per CPU second", segs / cpu, "seg/s");
    bench_report("tcp bulk: events per CPU second", (double)ss.executed / cpu, "ev/s");
    bench_report("tcp bulk: CPU per data segment", cpu * 1e9 / (double)sa.segs_out, "ns");
    net_free(n);
}

BENCH(tcp_idle)
{
    struct tcp_config cfg;
    tcp_config_default(&cfg);
    cfg.backlog = cfg.syn_backlog = 1u << 20;
    struct bench_net *n = net_new(&cfg);
    struct tcp_listener *l;
    tcp_listen(n->b, NULL, 80, &sink_lcb, NULL, &l);
    enum { N = 10000 };
    static struct tcp_sock *socks[N];
    for (int i = 0; i < N; i++)
        if (tcp_connect(n->a, &n->addr_a, 0, &n->addr_b, 80, NULL, &sink_cb, NULL, &socks[i]) < 0)
            abort();
    sched_run_until(n->s, time_from_s(2));
    struct tcp_stack_stats sa;
    tcp_stack_get_stats(n->a, &sa);
    bench_report("tcp idle: established connections", (double)sa.conns_established, "");
    bench_report("tcp idle: bytes per connection (stack accounting)",
                 (double)sa.conn_bytes / (double)sa.conns_live, "B");
    bench_report("tcp idle: control block", (double)tcp_conn_idle_bytes(), "B");
    /* The client closes them all first: each leaves a compact TIME-WAIT record. */
    uint64_t table = sa.conn_bytes - (uint64_t)sa.conns_live * tcp_conn_idle_bytes();
    for (int i = 0; i < N; i++)
        tcp_close(socks[i]);
    sched_run_until(n->s, time_from_s(4));
    tcp_stack_get_stats(n->a, &sa);
    bench_report("tcp idle: TIME-WAIT records", (double)sa.tw_live, "");
    bench_report("tcp idle: bytes per TIME-WAIT record",
                 (double)(sa.conn_bytes - table) / (double)sa.tw_live, "B");
    net_free(n);
}
