/* bench_mptcp_net.c - issue 11's MPTCP benchmark: scenarios/bench/mptcp-dumbbell.yaml (10
 * MPTCP connections x 2 subflows over two disjoint 100 Mbit/s bottlenecks, 60 s) beside its
 * reference scenarios/bench/tcp-dumbbell-2path.yaml (20 TCP flows on the same links), run
 * in-process without a results database as bench_tcp_net.c runs the TCP dumbbells; and the
 * memory of idle MPTCP connections, measured on the heap.
 *
 * Per scenario: CPU and wall time (world built, 60 s simulated, torn down), events, events
 * per CPU second, bottleneck packets (IP packets arriving at node "right" from left-a or
 * left-b: the data direction of both bottlenecks) and simulated packets per CPU second; then
 * the ratio of the two CPU times (issue 11's target: MPTCP <= 1.5 x the TCP reference), each
 * the least of three alternating repetitions.
 *
 * Idle memory: a reqresp instance opens N persistent connections (one 100 B transaction
 * each, then a think time longer than the run), so at the end every connection is
 * established and idle at both ends. The heap in use (glibc mallinfo2: every allocated
 * chunk, allocator overhead included) is taken at the end of the run with the world still
 * alive, for N and 2N connections; the difference divided by N is what one more idle
 * connection costs, both ends and everything that grows with connections (MPTCP
 * connections, subflow contexts, TCP control blocks, token and connection tables, the
 * application's per-connection records). Beside it: the models' own accounting (MPTCP
 * conn_bytes + TCP conn_bytes per connection and end, as mptcp_conn_idle_bytes documents),
 * and the same measurement for plain TCP, so the MPTCP share can be read off.
 */
#include <malloc.h>
#include <stdio.h>

#include "bench/bench_world.h"
#include "bench/harness.h"
#include "models/host/host.h"
#include "models/host/host_tcp.h"
#include "models/mptcp/mptcp.h"
#include "models/net/node.h"

struct crossing {
    uint64_t packets;
};

static enum net_verdict count_hook(void *ctx, struct net_node *n, struct packet *p,
                                   const struct net_hook_state *st)
{
    struct crossing *c = ctx;
    (void)n;
    (void)p;
    /* Packets arriving at "right" from left-a or left-b (the bottlenecks' data direction). */
    if (st->in && st->in->peer && net_node_name(st->in->peer)[0] == 'l')
        c->packets++;
    return NET_ACCEPT;
}

struct dumbbell_run {
    double cpu, wall;          /* the best (least CPU) of the repetitions */
    uint64_t events, cancelled, pending_peak, packets; /* the same in every repetition */
};

/* Runs one 60 s scenario once; keeps the least CPU time in *r. 0, or -1. */
static int run_dumbbell(const char *tag, const char *path, struct dumbbell_run *r)
{
    char err[1024];
    struct bench_world bw;
    double c0 = bench_cpu(), t0 = bench_wall();
    if (bench_world_file(&bw, tag, path, NULL, 0, time_from_s(60)) < 0)
        return -1;
    struct world *w = bw.w;
    struct crossing cr = { 0 };
    struct net_node *right = net_node_find(world_ctx(w), "right", err, sizeof err);
    if (right)
        net_hook_register(right, NET_HOOK_PREROUTING, 0, count_hook, &cr);
    uint64_t events = world_run(w, NULL, NULL);
    struct sched_stats ss;
    sched_get_stats(world_ctx(w)->sched, &ss);
    bench_world_free(&bw);
    double cpu = bench_cpu() - c0, wall = bench_wall() - t0;
    if (r->cpu == 0 || cpu < r->cpu) {
        r->cpu = cpu;
        r->wall = wall;
    }
    r->events = events;
    r->cancelled = ss.cancelled;
    r->pending_peak = ss.pending_peak;
    r->packets = cr.packets;
    return 0;
}

static void report_dumbbell(const char *tag, const struct dumbbell_run *r)
{
    char label[128];
#define R(what, v, unit)                                       \
    do {                                                       \
        snprintf(label, sizeof label, "%s: " what, tag);       \
        bench_report(label, v, unit);                          \
    } while (0)
    R("CPU (best of the repetitions)", r->cpu, "s");
    R("wall (of that repetition)", r->wall, "s");
    R("events", (double)r->events, "events");
    R("events per CPU second", (double)r->events / r->cpu, "ev/s");
    R("events cancelled", (double)r->cancelled, "events");
    R("pending events, peak", (double)r->pending_peak, "events");
    R("bottleneck packets", (double)r->packets, "pkt");
    R("bottleneck packets per CPU second", (double)r->packets / r->cpu, "pkt/s");
#undef R
}

/* The two scenarios alternate, REPS times each, and the least CPU time of each is compared:
 * on a shared machine the noise only adds time, so the minimum is the figure that repeats
 * (simulated results are identical in every repetition). */
BENCH(mptcp_dumbbell)
{
    enum { REPS = 3 };
    struct dumbbell_run tcp = { 0 }, mp = { 0 };
    for (int i = 0; i < REPS; i++)
        if (run_dumbbell("tcp 20 flows", "scenarios/bench/tcp-dumbbell-2path.yaml", &tcp) < 0 ||
            run_dumbbell("mptcp 10x2", "scenarios/bench/mptcp-dumbbell.yaml", &mp) < 0)
            return;
    report_dumbbell("tcp 20 flows", &tcp);
    report_dumbbell("mptcp 10x2", &mp);
    bench_report("mptcp CPU / tcp CPU (target <= 1.5)", mp.cpu / tcp.cpu, "x");
    bench_report("mptcp / tcp bottleneck packets", (double)mp.packets / (double)tcp.packets,
                 "x");
    bench_report("mptcp / tcp CPU per bottleneck packet",
                 (mp.cpu / (double)mp.packets) / (tcp.cpu / (double)tcp.packets), "x");
}

struct idle_run {
    double heap;             /* bytes in use at the end of the run */
    uint64_t tcp_conns;      /* TCP sockets live (subflows, both ends) */
    uint64_t tcp_bytes;      /* their accounted bytes */
    uint64_t mptcp_conns;    /* MPTCP connections live (both ends) */
    uint64_t mptcp_bytes;    /* their accounted bytes (connections + subflow contexts) */
};

static int idle_run(bool mptcp, unsigned conns, struct idle_run *out)
{
    char text[1536];
    /* The client has an address per interface (two links to s); the second is the MPTCP
     * "subflow" endpoint, so every connection gets a second subflow over the other link. */
    snprintf(text, sizeof text,
             "name: idle\nduration: 10s\nnodes:\n"
             "  - {name: c, address: none, address6: none,"
             " interfaces: \"l1=10.1.0.2; l2=10.2.0.2\"}\n"
             "  - {name: s}\n"
             "links:\n"
             "  - {name: l1, a: c, b: s, rate: 10Gbps, delay: 1ms, queue_packets: 100000}\n"
             "  - {name: l2, a: c, b: s, rate: 10Gbps, delay: 1ms, queue_packets: 100000}\n"
             "apps:\n  - {name: idle, kind: reqresp, node: c, dst: s, connections: %u,"
             " request_size: 100B, object_size: 100B, think: 1000s, protocol: %s%s}\n"
             "record:\n  \"vector:*\": off\n  \"histogram:*\": off\n",
             conns, mptcp ? "mptcp" : "tcp",
             mptcp ? ", transport_opts: [\"endpoints=10.2.0.2 subflow\"]" : "");
    struct bench_world bw;
    if (bench_world_text(&bw, "mptcp_idle_connections", text, time_from_s(10)) < 0)
        return -1;
    struct world *w = bw.w;
    world_run(w, NULL, NULL);
    struct mallinfo2 mi = mallinfo2();
    out->heap = (double)mi.uordblks;
    struct tcp_stack_stats ts;
    host_tcp_sum_stats(world_ctx(w), &ts);
    out->tcp_conns = ts.conns_live;
    out->tcp_bytes = ts.conn_bytes;
    struct mptcp_stack_stats ms = { 0 };
    if (mptcp)
        host_sum_stats(world_ctx(w), "mptcp", &ms, sizeof ms);
    out->mptcp_conns = ms.conns_live;
    out->mptcp_bytes = ms.conn_bytes;
    bench_world_free(&bw);
    return 0;
}

static void idle(bool mptcp)
{
    enum { N = 4000 };
    const char *tag = mptcp ? "idle mptcp (2 subflows)" : "idle tcp";
    char label[128];
    struct idle_run a, b;
    if (idle_run(mptcp, N, &a) < 0 || idle_run(mptcp, 2 * N, &b) < 0)
        return;
#define R(what, v, unit)                                       \
    do {                                                       \
        snprintf(label, sizeof label, "%s: " what, tag);       \
        bench_report(label, v, unit);                          \
    } while (0)
    double conns = mptcp ? (double)b.mptcp_conns / 2 : (double)b.tcp_conns / 2;
    R("connections established (of 2N)", conns, "conns");
    R("heap per connection, both ends + app", (b.heap - a.heap) / N, "B");
    if (mptcp && b.mptcp_conns) {
        R("accounted per connection end (meta+subflows)",
          (double)(b.mptcp_bytes + b.tcp_bytes) / (double)b.mptcp_conns, "B");
        R("model's idle figure (mptcp_*_idle_bytes)",
          (double)(mptcp_conn_idle_bytes() +
                   2 * (mptcp_subflow_idle_bytes() + tcp_conn_idle_bytes())),
          "B");
    } else if (b.tcp_conns) {
        R("accounted per connection end", (double)b.tcp_bytes / (double)b.tcp_conns, "B");
    }
#undef R
}

BENCH(mptcp_idle_connections)
{
    idle(false);
    idle(true);
}
