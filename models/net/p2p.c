/* p2p.c - the "p2p" model: a full-duplex point-to-point link with rate, propagation delay,
 * MTU and a drop-tail transmit queue per direction.
 *
 * Each direction is a transmitter and a pipe, scheduled the htsim way: the transmitter has
 * at most one pending event (the end of the current packet's serialization) and the pipe at
 * most one (the arrival of its oldest packet); packets in flight wait in a ring of
 * (packet, arrival time), so the event queue holds two entries per busy direction however
 * many packets are on the wire. A packet of L wire bytes entering an idle direction at t
 * arrives at t + ceil(8 L / rate) + delay, exact to the picosecond (time_to_send()).
 * Packets longer than the MTU are dropped and counted (no fragmentation). The ring grows
 * only when more packets are in flight than ever before (warm-up), never per packet.
 *
 * Statistics per direction, module "LINK.NODE" (NODE = the transmitting end): tx_packets,
 * tx_bytes, mtu_drops, utilization, the queue's (droptail.h), and the vector "qlen" when the
 * scenario records it. Not modelled: bit errors and loss models, outages, capture (pcap) -
 * the network work adds them.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/net/droptail.h"
#include "models/net/node.h"
#include "sim/registry.h"

struct p2p_config {
    char a[PARAM_STRING_MAX];
    char b[PARAM_STRING_MAX];
    bps_t rate;
    sim_time_t delay;
    bytes_t mtu;
    uint64_t queue_packets;
    bytes_t queue_bytes;
};

struct flight {
    struct packet *p;
    sim_time_t at;
};

struct p2p_dir {
    struct net_if ifc; /* first: the node calls ifc.ops->transmit */
    struct p2p *link;
    struct droptail q;
    struct packet *in_service;
    struct flight *ring;
    size_t cap, head, n;
    uint64_t tx_packets, mtu_drops;
    bytes_t tx_bytes;
    sim_time_t busy_ps;      /* serialization time of every packet started */
    sim_time_t busy_until;   /* end of the current packet's serialization */
    char module[2 * PARAM_STRING_MAX + 2];
};

struct p2p {
    struct p2p_config cfg;
    struct sched *sched;
    struct p2p_dir dir[2];
};

static void start_service(struct p2p_dir *d, struct packet *p);

static void arrival(struct sched *s, void *ctx, void *arg)
{
    struct p2p_dir *d = ctx;
    (void)arg;
    struct packet *p = d->ring[d->head].p;
    d->head = (d->head + 1) % d->cap;
    d->n--;
    if (d->n)
        sched_at(s, d->ring[d->head].at, arrival, d, NULL);
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
            r[i] = d->ring[(d->head + i) % d->cap];
        free(d->ring);
        d->ring = r;
        d->cap = cap;
        d->head = 0;
    }
    d->ring[(d->head + d->n) % d->cap] = (struct flight){ p, at };
    d->n++;
    return 0;
}

static void departure(struct sched *s, void *ctx, void *arg)
{
    struct p2p_dir *d = ctx;
    (void)arg;
    struct packet *p = d->in_service;
    sim_time_t at = sched_now(s) + d->link->cfg.delay;
    d->in_service = NULL;
    if (ring_push(d, p, at) < 0) {
        pkt_free(p); /* out of memory: the packet is lost, the run goes on */
    } else if (d->n == 1) {
        sched_at(s, at, arrival, d, NULL);
    }
    struct packet *next = droptail_dequeue(&d->q, sched_now(s));
    if (next)
        start_service(d, next);
}

static void start_service(struct p2p_dir *d, struct packet *p)
{
    sim_time_t tx = time_to_send(pkt_wire_len(p), d->link->cfg.rate);
    d->in_service = p;
    d->tx_packets++;
    d->tx_bytes += pkt_wire_len(p);
    d->busy_ps += tx;
    d->busy_until = sched_now(d->link->sched) + tx;
    sched_in(d->link->sched, tx, departure, d, NULL);
}

static void p2p_transmit(struct net_if *ifc, struct packet *p)
{
    struct p2p_dir *d = (struct p2p_dir *)ifc;
    if (pkt_wire_len(p) > d->link->cfg.mtu) {
        d->mtu_drops++;
        pkt_free(p);
        return;
    }
    if (!d->in_service)
        start_service(d, p);
    else
        droptail_enqueue(&d->q, p, sched_now(d->link->sched));
}

static const struct net_if_ops p2p_if_ops = { .transmit = p2p_transmit };

static void p2p_finish(void *obj, struct model_ctx *ctx)
{
    struct p2p *l = obj;
    sim_time_t now = sched_now(ctx->sched);
    for (int i = 0; i < 2; i++) {
        struct p2p_dir *d = &l->dir[i];
        /* Busy time counts whole packets started: remove what the one still being
         * serialized has left beyond the end of the run. */
        double busy = (double)(d->busy_ps - (d->busy_until > now ? d->busy_until - now : 0));
        results_scalar(ctx->results, d->module, "tx_packets", "pkt", (double)d->tx_packets);
        results_scalar(ctx->results, d->module, "tx_bytes", "B", (double)d->tx_bytes);
        results_scalar(ctx->results, d->module, "mtu_drops", "pkt", (double)d->mtu_drops);
        results_scalar(ctx->results, d->module, "utilization", "",
                       now > 0 ? busy / (double)now : 0.0);
        droptail_record(&d->q, ctx->results, d->module, now);
    }
}

static void p2p_release(void *obj, struct model_ctx *ctx)
{
    struct p2p *l = obj;
    (void)ctx;
    for (int i = 0; i < 2; i++) {
        struct p2p_dir *d = &l->dir[i];
        droptail_flush(&d->q);
        pkt_free(d->in_service);
        for (size_t k = 0; k < d->n; k++)
            pkt_free(d->ring[(d->head + k) % d->cap].p);
        free(d->ring);
    }
    free(l);
}

static int p2p_create(struct model_ctx *ctx, const char *name, const void *config, void **out,
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
    for (int i = 0; i < 2; i++) {
        struct p2p_dir *d = &l->dir[i];
        d->ifc = (struct net_if){ &p2p_if_ops, ends[i], ends[1 - i], name, c->mtu, 0, NULL };
        d->link = l;
        droptail_init(&d->q, c->queue_packets, c->queue_bytes, sched_now(ctx->sched));
        snprintf(d->module, sizeof d->module, "%s.%s", name, net_node_name(ends[i]));
        d->q.qlen = results_vector(ctx->results, d->module, "qlen", "pkt");
        results_vector_set_mode(d->q.qlen, RESULTS_ON_CHANGE);
    }
    if (model_ctx_on_free(ctx, p2p_release, l) < 0) {
        free(l);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (net_node_attach(ends[0], &l->dir[0].ifc) < 0 ||
        net_node_attach(ends[1], &l->dir[1].ifc) < 0 ||
        model_ctx_on_finish(ctx, p2p_finish, l) < 0) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    *out = l;
    return 0;
}

static const struct param_def p2p_params[] = {
    { "a", PARAM_NODE, offsetof(struct p2p_config, a), NULL, "one end (a node)", NULL, 0, 0 },
    { "b", PARAM_NODE, offsetof(struct p2p_config, b), NULL, "the other end (a node)", NULL, 0,
      0 },
    { "rate", PARAM_RATE, offsetof(struct p2p_config, rate), "10Mbps",
      "transmission rate of each direction", NULL, 1, 1e12 },
    { "delay", PARAM_TIME, offsetof(struct p2p_config, delay), "1ms", "propagation delay",
      NULL, 0, 0 },
    { "mtu", PARAM_SIZE, offsetof(struct p2p_config, mtu), "1500B",
      "largest IP packet carried; longer ones are dropped", NULL, 68, 65535 },
    { "queue_packets", PARAM_UINT, offsetof(struct p2p_config, queue_packets), "100",
      "drop-tail limit in packets waiting per direction (0 = no packet limit)", NULL, 0, 0 },
    { "queue_bytes", PARAM_SIZE, offsetof(struct p2p_config, queue_bytes), "0B",
      "drop-tail limit in bytes waiting per direction (0B = no byte limit)", NULL, 0, 0 },
};

static const struct model_def p2p_model = {
    .kind = "p2p",
    .category = "link",
    .help = "Full-duplex point-to-point link: rate, propagation delay, MTU and a drop-tail "
            "queue (packets and/or bytes) per direction.",
    .params = p2p_params,
    .nparams = sizeof p2p_params / sizeof p2p_params[0],
    .config_size = sizeof(struct p2p_config),
    .create = p2p_create,
};
MODEL_REGISTER(p2p_model)
