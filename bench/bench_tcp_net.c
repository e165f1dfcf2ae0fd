/* bench_tcp_net.c - the issue-6 dumbbells (scenarios/bench/dumbbell-{1,10,100}.yaml), run
 * in-process without a results database: CPU and wall time of the run (world built, 60 s
 * simulated, torn down), events, events per CPU second, bottleneck data packets per CPU
 * second, and memory per connection: the TCP control block of an idle connection
 * (tcp_conn_idle_bytes) and the stacks' accounted connection memory at the end of the run
 * (control blocks, queues and table, both ends) divided by the sockets (both ends). The ns-3 3.37
 * figures of the issue (14 s, 16 s, 44 s CPU) give the speed-up. Bottleneck packets are
 * counted by a hook on node "right" (IP packets that crossed the bottleneck towards the
 * receivers).
 */
#include <stdio.h>

#include "bench/bench_world.h"
#include "bench/harness.h"
#include "models/net/node.h"
#include "models/host/host_tcp.h"

struct crossing {
    uint64_t packets;
};

static enum net_verdict count_hook(void *ctx, struct net_node *n, struct packet *p,
                                   const struct net_hook_state *st)
{
    struct crossing *c = ctx;
    (void)n;
    (void)p;
    /* Packets arriving at "right" from "left" (the bottleneck's data direction). */
    if (st->in && st->in->peer && net_node_name(st->in->peer)[0] == 'l')
        c->packets++;
    return NET_ACCEPT;
}

static void dumbbell(unsigned n, double ns3_cpu_s)
{
    char path[128], name[32], label[96], err[1024];
    snprintf(path, sizeof path, "scenarios/bench/dumbbell-%u.yaml", n);
    snprintf(name, sizeof name, "dumbbell-%u", n);
    struct bench_world bw;
    double c0 = bench_cpu(), t0 = bench_wall();
    if (bench_world_file(&bw, name, path, NULL, 0, time_from_s(60)) < 0)
        return;
    struct world *w = bw.w;
    struct crossing cr = { 0 };
    struct net_node *right = net_node_find(world_ctx(w), "right", err, sizeof err);
    if (right)
        net_hook_register(right, NET_HOOK_PREROUTING, 0, count_hook, &cr);
    uint64_t events = world_run(w, NULL, NULL);
    struct sched_stats ss;
    sched_get_stats(world_ctx(w)->sched, &ss);
    struct tcp_stack_stats ts;
    host_tcp_sum_stats(world_ctx(w), &ts);
    bench_world_free(&bw);
    double cpu = bench_cpu() - c0, wall = bench_wall() - t0;
#define R(what, v, unit)                                                   \
    do {                                                                   \
        snprintf(label, sizeof label, "dumbbell-%u: " what, n);            \
        bench_report(label, v, unit);                                      \
    } while (0)
    R("CPU", cpu, "s");
    R("wall", wall, "s");
    R("events", (double)events, "events");
    R("events per CPU second", (double)events / cpu, "ev/s");
    R("events cancelled", (double)ss.cancelled, "events");
    R("pending events, peak", (double)ss.pending_peak, "events");
    R("bottleneck packets", (double)cr.packets, "pkt");
    R("bottleneck packets per CPU second", (double)cr.packets / cpu, "pkt/s");
    R("speed-up over ns-3 3.37 CPU", ns3_cpu_s / cpu, "x");
    R("bytes per idle connection", (double)tcp_conn_idle_bytes(), "B");
    R("bytes per socket at the end (queues included)",
      ts.conns_live ? (double)ts.conn_bytes / (double)ts.conns_live : 0.0, "B");
#undef R
}

BENCH(tcp_dumbbell)
{
    /* ns-3 CPU seconds from issue 6 (Debian release build of 3.37, same machine class). */
    dumbbell(1, 14.0);
    dumbbell(10, 16.0);
    dumbbell(100, 44.0);
}

/* Idle connections: one reqresp instance opens 16000 persistent connections, each does one
 * small transaction and then thinks for longer than the run, so at the end every connection
 * is established and idle at both ends (the listener's SYN queue overflows at once and SYN
 * cookies take the rest, as designed). Reported: the sockets established and the stacks'
 * accounted bytes per socket (control block, queues, table share); the application adds
 * its per-connection record (struct rr_conn, about 400 B per connection, client side). The
 * issue's target is 4 kB per idle connection. */
BENCH(tcp_idle_connections)
{
    enum { CONNS = 16000 }; /* under the 16384 ephemeral ports towards one address and port */
    char text[1024];
    snprintf(text, sizeof text,
             "name: idle\nduration: 10s\nnodes:\n  - {name: c}\n  - {name: s}\n"
             "links:\n  - {name: l, a: c, b: s, rate: 10Gbps, delay: 1ms,"
             " queue_packets: 100000}\n"
             "apps:\n  - {name: idle, kind: reqresp, node: c, dst: s, connections: %d,"
             " request_size: 100B, object_size: 100B, think: 1000s}\n",
             CONNS);
    struct bench_world bw;
    if (bench_world_text(&bw, "tcp_idle_connections", text, time_from_s(10)) < 0)
        return;
    struct world *w = bw.w;
    world_run(w, NULL, NULL);
    struct tcp_stack_stats ts;
    host_tcp_sum_stats(world_ctx(w), &ts);
    bench_world_free(&bw);
    bench_report("idle connections: sockets established", (double)ts.conns_live, "sockets");
    bench_report("idle connections: accounted bytes per socket",
                 ts.conns_live ? (double)ts.conn_bytes / (double)ts.conns_live : 0.0, "B");
}
