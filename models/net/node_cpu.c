/* node_cpu.c - the per-node CPU model: one processor with a finite FIFO of received packets.
 *
 * Off by default (cpu_per_packet 0s). When on, every received packet needs the CPU for
 * cpu_per_packet plus whatever the processing charges through net_node_cpu_charge() (a
 * hook's per-operation cost: a proxy's table lookup, a checksum over a payload). A packet
 * arriving while the CPU is busy waits; when cpu_queue packets are already waiting it is
 * dropped and counted (drop_cpu) - a box under load delays, then drops, like a real router
 * whose input queue overflows. The IP processing runs when the packet's service starts, so
 * that hooks can charge their cost, and what it decides (transmissions, local deliveries, ICMP
 * errors) is released when the service ends, so the packet leaves the box service time
 * later. This makes the CPU a single-server FIFO queue with capacity cpu_queue + 1, the
 * M/D/1/K or M/G/1/K queue of textbooks. Locally generated packets do not use the CPU.
 * Not modelled: several cores, interrupt coalescing, priority of control traffic.
 */
#include <stdlib.h>

#include "models/net/node_impl.h"

static void cpu_start(struct net_node *n, struct net_if *in, struct packet *p);

static void cpu_done(struct sched *s, void *ctx, void *arg)
{
    struct net_node *n = ctx;
    (void)s;
    (void)arg;
    size_t nact = n->cpu.nact;
    struct cpu_action act[NODE_CPU_MAX_ACTIONS];
    for (size_t i = 0; i < nact; i++)
        act[i] = n->cpu.act[i];
    n->cpu.nact = 0;
    n->cpu.busy = false;
    for (size_t i = 0; i < nact; i++) {
        if (act[i].out)
            node_transmit_now(n, act[i].out, act[i].p);
        else
            node_deliver_now(n, act[i].p);
    }
    if (!n->cpu.busy && n->cpu.n) {
        struct cpu_job j = n->cpu.ring[n->cpu.head];
        n->cpu.head = (n->cpu.head + 1) % n->cpu.cap;
        n->cpu.n--;
        cpu_start(n, j.in, j.p);
    }
}

static void cpu_start(struct net_node *n, struct net_if *in, struct packet *p)
{
    n->cpu.busy = true;
    n->cpu.in_service = true;
    n->cpu.charge = n->opt.cpu_per_packet;
    node_ip_input(n, in, p);
    n->cpu.in_service = false;
    n->cpu.busy_ps += n->cpu.charge;
    sched_in(n->sched, n->cpu.charge, cpu_done, n, NULL);
}

static int ring_push(struct node_cpu *c, struct net_if *in, struct packet *p)
{
    if (c->n == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 16;
        struct cpu_job *r = malloc(cap * sizeof *r);
        if (!r)
            return -1;
        for (size_t i = 0; i < c->n; i++)
            r[i] = c->ring[(c->head + i) % c->cap];
        free(c->ring);
        c->ring = r;
        c->cap = cap;
        c->head = 0;
    }
    c->ring[(c->head + c->n) % c->cap] = (struct cpu_job){ p, in };
    c->n++;
    return 0;
}

void node_cpu_arrive(struct net_node *n, struct net_if *in, struct packet *p)
{
    if (!n->cpu.busy) {
        cpu_start(n, in, p);
        return;
    }
    if (n->cpu.n >= n->opt.cpu_queue || ring_push(&n->cpu, in, p) < 0) {
        n->cpu.drops++;
        pkt_free(p);
    }
}

void net_node_cpu_charge(struct net_node *n, sim_time_t t)
{
    if (n->cpu.in_service && t > 0)
        n->cpu.charge += t;
}

void node_cpu_free(struct net_node *n)
{
    for (size_t i = 0; i < n->cpu.n; i++)
        pkt_free(n->cpu.ring[(n->cpu.head + i) % n->cpu.cap].p);
    for (size_t i = 0; i < n->cpu.nact; i++)
        pkt_free(n->cpu.act[i].p);
    free(n->cpu.ring);
}
