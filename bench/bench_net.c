/* bench_net.c - forwarding speed: a constant-rate UDP flow at 90% of 100 Gbit/s along a
 * chain h0 - r1 - r2 - r3 - r4 - h5 (5 links, 4 routers forwarding, delivery at h5), 1028-byte
 * IPv4 packets, for 50 ms of simulated time (about 560000 packets).
 *
 * Reported: packet-hops per wall second (packets created x 5 links; the target is 5 million
 * on one core), events per wall second and per packet-hop. Variants: "topology" (routes
 * from shortest paths, the default), "static" (each router has a table of 5 routes of
 * 3 prefix lengths, looked up for every packet), "hooks" (a pass-through hook at PREROUTING and
 * FORWARD of every router: what an idle proxy datapath costs). No results database, no
 * capture.
 */
#include <stdio.h>

#include "bench/bench_world.h"
#include "bench/harness.h"
#include "models/net/node.h"
#include "sim/registry.h"

static const char *const chain =
    "name: bench-net\nduration: 50ms\n"
    "nodes:\n  - name: h0\n  - name: r1\n%s  - name: r2\n%s  - name: r3\n%s  - name: r4\n%s"
    "  - name: h5\n"
    "links:\n  - {name: l1, a: h0, b: r1, rate: 100Gbps, delay: 1us, queue_packets: 1000}\n"
    "  - {name: l2, a: r1, b: r2, rate: 100Gbps, delay: 1us, queue_packets: 1000}\n"
    "  - {name: l3, a: r2, b: r3, rate: 100Gbps, delay: 1us, queue_packets: 1000}\n"
    "  - {name: l4, a: r3, b: r4, rate: 100Gbps, delay: 1us, queue_packets: 1000}\n"
    "  - {name: l5, a: r4, b: h5, rate: 100Gbps, delay: 1us, queue_packets: 1000}\n"
    "apps:\n  - {name: src, kind: cbr, node: h0, dst: h5, size: 1000B, rate: 90Gbps}\n"
    "  - {name: sink, kind: sink, node: h5}\n";

static enum net_verdict pass(void *ctx, struct net_node *n, struct packet *p,
                             const struct net_hook_state *st)
{
    (void)ctx;
    (void)n;
    (void)p;
    (void)st;
    return NET_ACCEPT;
}

static void run(const char *label, const char *const routes[4], bool hooks)
{
    char text[4096], err[1024];
    snprintf(text, sizeof text, chain, routes[0], routes[1], routes[2], routes[3]);
    struct bench_world bw;
    if (bench_world_text(&bw, "net", text, time_from_ms(50)) < 0)
        return;
    struct world *w = bw.w;
    const char *routers[] = { "r1", "r2", "r3", "r4" };
    for (int i = 0; hooks && i < 4; i++) {
        struct net_node *n = net_node_find(world_ctx(w), routers[i], err, sizeof err);
        net_hook_register(n, NET_HOOK_PREROUTING, 0, pass, NULL);
        net_hook_register(n, NET_HOOK_FORWARD, 0, pass, NULL);
    }
    double t0 = bench_wall();
    uint64_t events = world_run(w, NULL, NULL);
    double dt = bench_wall() - t0;
    struct pkt_pool_stats ps;
    pkt_pool_get_stats(world_ctx(w)->pool, &ps);
    double hops = 5.0 * (double)ps.allocs;
    char l[128];
    snprintf(l, sizeof l, "5-hop chain %s: packet-hops/s", label);
    bench_report(l, hops / dt, "hop/s");
    snprintf(l, sizeof l, "5-hop chain %s: events/s", label);
    bench_report(l, (double)events / dt, "ev/s");
    snprintf(l, sizeof l, "5-hop chain %s: ns/packet-hop", label);
    bench_report(l, dt * 1e9 / hops, "ns");
    bench_world_free(&bw);
}

BENCH(net_chain)
{
    /* Router i's neighbours: h0 r1 r2 r3 r4 h5; h5 is 10.0.0.6. */
    const char *const nodes[] = { "h0", "r1", "r2", "r3", "r4", "h5" };
    char buf[4][PARAM_STRING_MAX];
    const char *stat[4], *none[4] = { "", "", "", "" };
    for (int i = 0; i < 4; i++) {
        snprintf(buf[i], sizeof buf[i], "    routes: \"10.0.0.6/32 via %s; 0.0.0.0/0 via %s; "
                 "10.0.0.1/32 via %s; 10.0.1.0/24 via %s; 10.0.2.0/24 via %s\"\n",
                 nodes[i + 2], nodes[i + 2], nodes[i], nodes[i], nodes[i + 2]);
        stat[i] = buf[i];
    }
    run("topology", none, false);
    run("static", stat, false);
    run("hooks", none, true);
}
