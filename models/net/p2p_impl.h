/* p2p_impl.h - the p2p link's state, shared by its files (p2p.c: datapath and life cycle;
 * p2p_params.c: parameter table; p2p_outage.c: down/up schedules). Not for other models:
 * they reach a link through struct net_if. */
#ifndef MCPSIM_MODELS_NET_P2P_IMPL_H
#define MCPSIM_MODELS_NET_P2P_IMPL_H

#include <stdbool.h>

#include "models/net/loss.h"
#include "models/net/node.h"
#include "models/net/qdisc.h"
#include "sim/registry.h"
#include "sim/world.h"

struct p2p_config {
    char a[PARAM_STRING_MAX];
    char b[PARAM_STRING_MAX];
    bps_t rate;
    bps_t rate_from[2];              /* a's, b's transmitter; 0 = `rate` */
    sim_time_t delay;
    bytes_t mtu;
    struct qdisc_config queue;       /* both directions, unless overridden */
    int queue_from[2];               /* 0: as `queue`, k: kind k - 1 (a's, b's transmitter) */
    struct loss_config loss;
    int loss_from[2];
    char outage[PARAM_STRING_MAX];   /* "1s-2s, 5s-6s": down intervals */
    sim_time_t outage_up_mean;       /* random on/off process when both are > 0 */
    sim_time_t outage_down_mean;
};

struct flight {
    struct packet *p;
    sim_time_t at;
};

/* A packet accepted by a scheduled FIFO (p2p.c) that has not started serializing at the
 * current time: its service interval and enqueue time, for the queue's accounting. */
struct p2p_slot {
    sim_time_t start, end, enq;
    bytes_t bytes;
    bool lost;               /* the loss model took it (decided at acceptance) */
};

struct p2p;

struct p2p_dir {
    struct net_if ifc; /* first: the node calls ifc.ops->transmit */
    struct p2p *link;
    bps_t rate;                /* this direction's transmission rate */
    sim_time_t ps_per_byte;    /* 8 s / rate when that is a whole number of ps, else 0 */
    bytes_t exact_len_max;     /* longest packet whose L * ps_per_byte fits sim_time_t */
    struct qdisc *q;
    struct loss loss;
    struct packet *in_service; /* NULL too while a directly sent packet is serialized */
    event_id departure_ev;     /* departure of in_service, or wake after a direct send */
    event_id arrival_ev;
    struct flight *ring;
    size_t cap, head, n;       /* ring of packets in flight; cap is 0 or a power of two */
    uint64_t tx_packets, mtu_drops;
    uint64_t down_drops;     /* offered while the link was down */
    uint64_t down_flushed;   /* waiting in the queue when it went down */
    uint64_t down_lost;      /* being serialized or propagating when it went down */
    bytes_t tx_bytes;
    sim_time_t busy_ps;      /* serialization time of every packet started */
    sim_time_t busy_until;   /* end of the current or last packet's serialization */
    struct results_vector *qlen;
    bool scheduled;          /* scheduled FIFO: drop-tail, no outages, no qlen vector */
    struct p2p_slot *slots;  /* its waiting packets, oldest first */
    size_t scap, shead, sn;  /* ring of slots; scap is 0 or a power of two */
    bool lost_in_service;    /* the last slot that started was taken by the loss model */
    char module[2 * PARAM_STRING_MAX + 2];
};

struct p2p_outage {
    sim_time_t *at;          /* schedule: alternating down, up times, increasing */
    size_t n, next;
    struct rng *rng;         /* random process, else NULL */
    double up_mean_ps, down_mean_ps;
    uint64_t outages;
    sim_time_t down_since, down_ps;
};

struct p2p {
    struct p2p_config cfg;
    struct sched *sched;
    bool up;
    struct p2p_outage outage;
    struct p2p_dir dir[2];
    char name[PARAM_STRING_MAX];
};

int p2p_create(struct model_ctx *ctx, const char *name, const void *config, void **out,
               char *err, size_t errlen);

/* Serialization time of `len` wire bytes, exactly time_to_send(len, rate): a multiply when
 * the rate divides 8 * 10^12 (100 Mbit/s: 80 000 ps per byte; every decimal rate down to
 * 1 bit/s in steps that divide it), the 64-bit division otherwise. */
static inline sim_time_t p2p_tx_time(const struct p2p_dir *d, bytes_t len)
{
    if (d->ps_per_byte && len <= d->exact_len_max)
        return (sim_time_t)len * d->ps_per_byte;
    return time_to_send(len, d->rate);
}

/* p2p.c: puts a packet whose serialization ends at `end` on the wire, unless the loss model
 * takes it (true); serializes a packet that found the direction idle, from now. */
bool p2p_launch(struct p2p_dir *d, struct packet *p, sim_time_t end);
void p2p_serialize_idle(struct p2p_dir *d, struct packet *p, sim_time_t now);

/* p2p_fifo.c: the scheduled FIFO (d->scheduled). transmit takes a packet offered at now;
 * catch_up moves the queue's accounting to now; loss_drops is the loss_drops scalar at now
 * (the loss model's count less the packets not serialized yet). */
void p2p_fifo_transmit(struct p2p_dir *d, struct packet *p, sim_time_t now);
void p2p_fifo_catch_up(struct p2p_dir *d, sim_time_t now);
uint64_t p2p_fifo_loss_drops(const struct p2p_dir *d, sim_time_t now);

/* Parses the schedule or sets up the random process and schedules the first change; 0 or
 * -1 with a message. */
int p2p_outage_init(struct p2p *l, struct model_ctx *ctx, char *err, size_t errlen);
void p2p_outage_fini(struct p2p *l);
void p2p_outage_record(struct p2p *l, struct results_run *run, sim_time_t now);

/* Takes the link down (losing what is queued, serialized and in flight) or up, and tells
 * both interfaces' listeners. */
void p2p_set_state(struct p2p *l, bool up);

#endif
