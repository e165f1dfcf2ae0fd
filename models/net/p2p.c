/* p2p.c - the "p2p" model: a full-duplex point-to-point link with rate, propagation delay,
 * MTU, and per direction a queue discipline (qdisc.h), a loss model (loss.h), and the
 * link's outages (p2p_outage.c).
 *
 * Each direction is a queue, a transmitter and a pipe, scheduled the htsim way: the
 * transmitter has at most one pending event (the end of the current packet's serialization,
 * or none when a packet found the direction idle and its queue empty: serialize_idle) and
 * the pipe at most one (the arrival of its oldest packet); packets in flight wait in a
 * ring of (packet, arrival time), so the event queue holds two entries per busy direction
 * however many packets are on the wire. Every packet passes through the queue discipline,
 * also when the transmitter is idle (it enters and leaves at the same instant), so RED sees
 * every arrival and CoDel every sojourn, as in Linux and ns-3; drop-tail lets such a packet
 * skip its empty FIFO (qdisc_bypass), with the same result. A packet of L wire bytes
 * entering an idle direction at t arrives at t + ceil(8 L / rate) + delay, exact to the
 * picosecond (time_to_send()). Packets longer than the MTU are dropped and counted (no
 * fragmentation). The loss model is consulted once per serialized packet, in the order the
 * packets are serialized: a lost packet used the link's capacity but never arrives. The
 * ring grows only when more packets are in flight than ever before (warm-up), never per
 * packet. A drop-tail direction without outages whose "qlen" vector is not recorded needs
 * no transmitter event at all: it is served as a scheduled FIFO (p2p_fifo.c), with the same
 * results to the last bit.
 *
 * Statistics per direction, module "LINK.NODE" (NODE = the transmitting end): tx_packets,
 * tx_bytes, mtu_drops, loss_drops, down_drops, down_flushed, down_lost (p2p_outage.c),
 * utilization, the queue's (qdisc_record), and the vector "qlen" when the scenario records
 * it; per link, module "LINK": outages, down_time when outages are configured. Not
 * modelled: capture (pcap), link-layer headers and retransmission.
 */
#include <assert.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/net/p2p.h"
#include "models/net/p2p_impl.h"

static void start_service(struct p2p_dir *d, struct packet *p);

static void arrival(struct sched *s, void *ctx, void *arg)
{
    struct p2p_dir *d = ctx;
    (void)arg;
    struct packet *p = d->ring[d->head].p;
    d->head = (d->head + 1) & (d->cap - 1);
    d->n--;
    d->arrival_ev = d->n ? sched_at(s, d->ring[d->head].at, arrival, d, NULL) : 0;
    net_if_receive(&d->link->dir[d == &d->link->dir[0]].ifc, p); /* the other end's */
}

static int ring_push(struct p2p_dir *d, struct packet *p, sim_time_t at)
{
    if (d->n == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 16;
        struct flight *r = malloc(cap * sizeof *r);
        if (!r)
            return -1;
        for (size_t i = 0; i < d->n; i++)
            r[i] = d->ring[(d->head + i) & (d->cap - 1)];
        free(d->ring);
        d->ring = r;
        d->cap = cap;
        d->head = 0;
    }
    d->ring[(d->head + d->n) & (d->cap - 1)] = (struct flight){ p, at };
    d->n++;
    return 0;
}

/* Starts the next packet the queue gives, if any, and samples the queue length. */
static void pull(struct p2p_dir *d, sim_time_t now)
{
    struct packet *next = qdisc_dequeue(d->q, now);
    if (next)
        start_service(d, next);
    results_vector_add(d->qlen, now, (double)qdisc_packets(d->q));
}

/* Puts a packet whose serialization ends at `end` on the wire, unless the loss model
 * takes it (true): it arrives at end + delay. */
bool p2p_launch(struct p2p_dir *d, struct packet *p, sim_time_t end)
{
    sim_time_t at = end + d->link->cfg.delay;
    if (loss_lose(&d->loss)) {
        pkt_free(p);
        return true;
    }
    if (ring_push(d, p, at) < 0) {
        pkt_free(p); /* out of memory: the packet is lost, the run goes on */
    } else if (d->n == 1) {
        d->arrival_ev = sched_at(d->link->sched, at, arrival, d, NULL);
    }
    return false;
}

static void departure(struct sched *s, void *ctx, void *arg)
{
    struct p2p_dir *d = ctx;
    (void)arg;
    struct packet *p = d->in_service;
    sim_time_t now = sched_now(s);
    d->in_service = NULL;
    d->departure_ev = 0;
    p2p_launch(d, p, now);
    pull(d, now);
}

/* The end of a directly serialized packet (serialize_idle) for which a packet has since
 * been queued: the transmitter takes the queue from here, as a departure would. */
static void wake(struct sched *s, void *ctx, void *arg)
{
    struct p2p_dir *d = ctx;
    (void)arg;
    d->departure_ev = 0;
    pull(d, sched_now(s));
}

/* Counts the serialization of p from now on: statistics, busy time, busy_until; returns
 * its duration. */
static sim_time_t serialize(struct p2p_dir *d, const struct packet *p, sim_time_t now)
{
    sim_time_t tx = p2p_tx_time(d, pkt_wire_len(p));
    d->tx_packets++;
    d->tx_bytes += pkt_wire_len(p);
    d->busy_ps += tx;
    d->busy_until = now + tx;
    return tx;
}

static void start_service(struct p2p_dir *d, struct packet *p)
{
    sim_time_t tx = serialize(d, p, sched_now(d->link->sched));
    d->in_service = p;
    d->departure_ev = sched_in(d->link->sched, tx, departure, d, NULL);
}

/* The fast path: a packet that finds its direction idle and its queue empty needs no
 * departure event. Nothing can happen to it between the start and the end of its
 * serialization except an outage, which loses the packets of the ring as it lost the one in
 * service, so it goes into the ring at once with its final arrival time and the loss model
 * decides now (the same draw, in the same per-packet order, as at its departure). What the
 * departure did besides, serving the next packet, is left to a "wake" event scheduled only
 * when a packet has to wait for busy_until (p2p_transmit). The queue-length vector sees
 * no change: it records changes, and the departure's sample was the 0 already recorded,
 * except before a direction's first queued packet (the vector no longer starts with a 0 at
 * the first departure). One difference: a directly sent packet that the loss model took
 * and that would still be in serialization when the link goes down counts as loss_drops,
 * not down_lost, and the loss stream is one draw further on after the outage. Only disciplines that let a packet skip an empty queue (drop-tail) take this path;
 * RED and CoDel still dequeue each packet at its start and schedule its departure.
 * Measured (docs/performance.md, `make bench BENCHES=tcp_dumbbell`): events -28%, -29% and
 * -33% for N = 1, 10, 100 (4.32 M -> 3.11 M, 4.59 M -> 3.26 M, 5.26 M -> 3.51 M) with the same
 * packets, drops and cancellations; CPU 0.342 -> 0.325 s, 0.456 -> 0.423 s, 0.690 -> 0.638
 * s. `make bench BENCHES=net_chain`: 76 -> 68 ns per packet-hop (topology). */
void p2p_serialize_idle(struct p2p_dir *d, struct packet *p, sim_time_t now)
{
    sim_time_t tx = serialize(d, p, now);
    p2p_launch(d, p, now + tx);
}

static void p2p_transmit(struct net_if *ifc, struct packet *p)
{
    struct p2p_dir *d = (struct p2p_dir *)ifc;
    if (pkt_wire_len(p) > d->link->cfg.mtu) {
        d->mtu_drops++;
        pkt_free(p);
        return;
    }
    if (!d->link->up) {
        d->down_drops++;
        pkt_free(p);
        return;
    }
    sim_time_t now = sched_now(d->link->sched);
    if (d->scheduled) {
        p2p_fifo_transmit(d, p, now);
        return;
    }
    /* Idle: nothing in service and no departure or wake pending; free: also done
     * serializing a directly sent packet. */
    bool idle = !d->in_service && !d->departure_ev;
    bool free_now = idle && now >= d->busy_until;
    if (free_now && qdisc_bypass(d->q, p, now)) {
        p2p_serialize_idle(d, p, now);
        return;
    }
    int rc = qdisc_enqueue(d->q, p, now);
    if (rc == 0 && free_now) {
        pull(d, now);
        return;
    }
    if (idle && !free_now && qdisc_packets(d->q))
        d->departure_ev = sched_at(d->link->sched, d->busy_until, wake, d, NULL);
    results_vector_add(d->qlen, now, (double)qdisc_packets(d->q));
}

static const struct net_if_ops p2p_if_ops = { .transmit = p2p_transmit };

/* Going down loses everything direction d holds: the queue (as Linux resets a qdisc on
 * carrier loss), the packet being serialized and the packets propagating. */
static void lose_everything(struct p2p_dir *d, sim_time_t now)
{
    assert(!d->scheduled && "a scheduled FIFO is only chosen for links without outages");
    struct sched *s = d->link->sched;
    d->down_flushed += qdisc_flush(d->q, now);
    if (d->departure_ev) { /* a departure, or a wake after a directly sent packet */
        sched_cancel(s, d->departure_ev);
        d->departure_ev = 0;
    }
    if (d->busy_until > now) { /* the packet being serialized, in service or in the ring */
        d->busy_ps -= d->busy_until - now;
        d->busy_until = now;
    }
    if (d->in_service) {
        pkt_free(d->in_service);
        d->in_service = NULL;
        d->down_lost++;
    }
    if (d->n) {
        sched_cancel(s, d->arrival_ev);
        d->down_lost += d->n;
        for (; d->n; d->n--, d->head = (d->head + 1) & (d->cap - 1))
            pkt_free(d->ring[d->head].p);
    }
    results_vector_add(d->qlen, now, 0.0);
}

void p2p_set_state(struct p2p *l, bool up)
{
    if (l->up == up)
        return;
    l->up = up;
    if (!up)
        for (int i = 0; i < 2; i++)
            lose_everything(&l->dir[i], sched_now(l->sched));
    for (int i = 0; i < 2; i++)
        if (l->dir[i].ifc.on_state)
            l->dir[i].ifc.on_state(l->dir[i].ifc.on_state_ctx, &l->dir[i].ifc, up);
}

static void p2p_finish(void *obj, struct model_ctx *ctx)
{
    struct p2p *l = obj;
    sim_time_t now = sched_now(ctx->sched);
    for (int i = 0; i < 2; i++) {
        struct p2p_dir *d = &l->dir[i];
        p2p_fifo_catch_up(d, now);
        /* Busy time counts whole packets started: remove what the one still being
         * serialized has left beyond the end of the run. */
        double busy = (double)(d->busy_ps - (d->busy_until > now ? d->busy_until - now : 0));
        results_scalar(ctx->results, d->module, "tx_packets", "pkt", (double)d->tx_packets);
        results_scalar(ctx->results, d->module, "tx_bytes", "B", (double)d->tx_bytes);
        results_scalar(ctx->results, d->module, "mtu_drops", "pkt", (double)d->mtu_drops);
        results_scalar(ctx->results, d->module, "loss_drops", "pkt",
                       (double)p2p_fifo_loss_drops(d, now));
        results_scalar(ctx->results, d->module, "utilization", "",
                       now > 0 ? busy / (double)now : 0.0);
        qdisc_record(d->q, ctx->results, d->module, now);
    }
    p2p_outage_record(l, ctx->results, now);
}

static void p2p_release(void *obj, struct model_ctx *ctx)
{
    struct p2p *l = obj;
    (void)ctx;
    for (int i = 0; i < 2; i++) {
        struct p2p_dir *d = &l->dir[i];
        qdisc_free(d->q);
        loss_fini(&d->loss);
        pkt_free(d->in_service);
        for (size_t k = 0; k < d->n; k++)
            pkt_free(d->ring[(d->head + k) & (d->cap - 1)].p);
        free(d->ring);
        free(d->slots);
    }
    p2p_outage_fini(l);
    free(l);
}

/* The queue and loss model of direction i (transmitted by end i), with their own streams
 * "LINK.NODE/red" and "LINK.NODE/loss". */
static int dir_init(struct p2p_dir *d, int i, struct model_ctx *ctx, char *err, size_t errlen)
{
    const struct p2p_config *c = &d->link->cfg;
    struct qdisc_config qc = c->queue;
    struct loss_config lc = c->loss;
    if (c->queue_from[i])
        qc.kind = c->queue_from[i] - 1;
    if (c->loss_from[i])
        lc.kind = c->loss_from[i] - 1;
    struct rng *qr = NULL, *lr = NULL;
    if (qdisc_ops_of((enum qdisc_kind)qc.kind)->uses_rng)
        qr = model_ctx_rng(ctx, d->module, "red");
    if (loss_uses_rng(&lc))
        lr = model_ctx_rng(ctx, d->module, "loss");
    char why[256];
    if (qdisc_new(&qc, d->rate, qr, sched_now(ctx->sched), &d->q, why, sizeof why) < 0 ||
        loss_init(&d->loss, &lc, lr, why, sizeof why) < 0) {
        snprintf(err, errlen, "direction from %s: %s", net_node_name(d->ifc.node), why);
        return -1;
    }
    d->qlen = results_vector(ctx->results, d->module, "qlen", "pkt");
    results_vector_set_mode(d->qlen, RESULTS_ON_CHANGE);
    return 0;
}

int p2p_create(struct model_ctx *ctx, const char *name, const void *config, void **out,
               char *err, size_t errlen)
{
    const struct p2p_config *c = config;
    struct net_node *ends[2];
    if (!(ends[0] = net_node_find(ctx, c->a, err, errlen)) ||
        !(ends[1] = net_node_find(ctx, c->b, err, errlen)))
        return -1;
    if (ends[0] == ends[1]) {
        snprintf(err, errlen, "a and b are the same node \"%s\"", c->a);
        return -1;
    }
    struct p2p *l = calloc(1, sizeof *l);
    if (!l) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    l->cfg = *c;
    l->sched = ctx->sched;
    l->up = true;
    snprintf(l->name, sizeof l->name, "%s", name);
    if (model_ctx_on_free(ctx, p2p_release, l) < 0) {
        free(l);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    for (int i = 0; i < 2; i++) {
        struct p2p_dir *d = &l->dir[i];
        d->ifc = (struct net_if){ .ops = &p2p_if_ops, .node = ends[i], .peer = ends[1 - i],
                                  .name = name, .mtu = c->mtu };
        d->link = l;
        d->rate = c->rate_from[i] ? c->rate_from[i] : c->rate;
        if ((uint64_t)(8 * PS_PER_S) % d->rate == 0) {
            d->ps_per_byte = (sim_time_t)((uint64_t)(8 * PS_PER_S) / d->rate);
            d->exact_len_max = (bytes_t)(INT64_MAX / d->ps_per_byte);
        }
        snprintf(d->module, sizeof d->module, "%s.%s", name, net_node_name(ends[i]));
        if (dir_init(d, i, ctx, err, errlen) < 0)
            return -1;
    }
    if (p2p_outage_init(l, ctx, err, errlen) < 0)
        return -1;
    bool outages = l->outage.n || l->outage.rng;
    for (int i = 0; i < 2; i++)
        l->dir[i].scheduled = l->dir[i].q->ops == &qdisc_droptail_ops && !outages &&
                              !l->dir[i].qlen;
    if (net_node_attach(ends[0], &l->dir[0].ifc) < 0 ||
        net_node_attach(ends[1], &l->dir[1].ifc) < 0 ||
        model_ctx_on_finish(ctx, p2p_finish, l) < 0) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    *out = l;
    return 0;
}

struct net_if *p2p_if(void *link, int end)
{
    struct p2p *l = link;
    return &l->dir[end ? 1 : 0].ifc;
}
