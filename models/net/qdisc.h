/* qdisc.h - queue disciplines: the packets waiting for a transmitter, chosen by name.
 *
 * A discipline is an ops table (struct qdisc_ops) over a common base (struct qdisc): every
 * discipline here is a FIFO that differs only in which packets it refuses at the tail or
 * discards at the head, so the base owns the FIFO (sim/pkt_fifo.h: linked through
 * packet->next, nothing is allocated per packet), the hard limit in packets and/or bytes
 * (the physical buffer, 0 = no limit of that kind), and the statistics, and a discipline
 * adds its admission (enqueue) and head (dequeue) policy:
 *   droptail  - refuse an arrival that does not fit (droptail.c);
 *   red       - Random Early Detection, Floyd & Jacobson 1993 (red.c);
 *   codel     - Controlled Delay, RFC 8289 (codel.c).
 * The queue holds packets waiting for the transmitter, not the one being serialized (as
 * Linux qdiscs and ns-3 count them). Occupancy is integrated over time exactly
 * (packet-picoseconds and byte-picoseconds), so the time-average queue is the one queueing
 * theory predicts, not an average over arrivals; the maximum is the largest occupancy held
 * for a positive time (a packet that enters and leaves at the same instant, because the
 * transmitter was idle, does not count). Drops are counted per reason.
 *
 * Not modelled: ECN marking (RED and CoDel drop), priority bands, fair queueing (fq_codel),
 * byte queue limits below the qdisc.
 */
#ifndef MCPSIM_MODELS_NET_QDISC_H
#define MCPSIM_MODELS_NET_QDISC_H

#include <stdalign.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/packet.h"
#include "sim/pkt_fifo.h"
#include "sim/results.h"
#include "sim/rng.h"

/* Why a queue discarded a packet. */
enum qdisc_drop_reason {
    QDROP_LIMIT,  /* did not fit the hard limit (tail drop) */
    QDROP_EARLY,  /* RED: random early drop, min_th <= avg < max_th (or 2 max_th, gentle) */
    QDROP_FORCED, /* RED: avg above the last threshold */
    QDROP_CODEL,  /* CoDel: head drop in the dropping state */
    QDROP_NREASONS
};

/* The scenario's choice of discipline, an index in QDISC_KINDS. */
enum qdisc_kind { QDISC_DROPTAIL, QDISC_RED, QDISC_CODEL };
#define QDISC_KINDS "droptail|red|codel" /* in enum order: the scenario's choices */

/* Every discipline's parameters (only those of the chosen kind are read). */
struct qdisc_config {
    int kind;                /* enum qdisc_kind */
    uint64_t limit_packets;  /* 0: none */
    bytes_t limit_bytes;     /* 0: none */
    double red_w_q;          /* EWMA weight of the average queue */
    double red_min_th;       /* thresholds, in packets (bytes mode: in mean packets) */
    double red_max_th;
    double red_max_p;        /* drop probability at max_th */
    bool red_gentle;         /* probability rises to 1 at 2 max_th instead of jumping */
    bool red_bytes;          /* queue in bytes, drop probability scaled by packet size */
    bytes_t red_mean_packet; /* idle-time decay unit and bytes-mode scale */
    sim_time_t codel_target;
    sim_time_t codel_interval;
};

struct qdisc;

struct qdisc_ops {
    const char *name;
    unsigned drop_reasons;   /* bit (1u << reason) for each reason it can produce */
    bool uses_rng;           /* qdisc_new needs a random stream */
    bool bypass_idle;        /* an arrival to an empty queue and an idle transmitter may skip
                              * enqueue/dequeue (the discipline would only pass it through) */
    size_t priv_size;        /* bytes of discipline state after the base */
    /* Checks the configuration and sets the state; 0 or -1 with a message. */
    int (*init)(struct qdisc *q, const struct qdisc_config *c, bps_t rate, char *err,
                size_t errlen);
    /* Takes p: 0 queued, -1 dropped (counted and freed). */
    int (*enqueue)(struct qdisc *q, struct packet *p, sim_time_t now);
    /* The next packet to transmit, or NULL (may discard packets on the way). */
    struct packet *(*dequeue)(struct qdisc *q, sim_time_t now);
    /* Discipline-specific scalars; NULL when there are none. */
    void (*record)(struct qdisc *q, struct results_run *run, const char *module);
};

extern const struct qdisc_ops qdisc_droptail_ops;
extern const struct qdisc_ops qdisc_red_ops;
extern const struct qdisc_ops qdisc_codel_ops;

/* The base, public so that the per-packet calls inline; disciplines use the helpers below,
 * other callers only the functions. */
struct qdisc {
    const struct qdisc_ops *ops;
    struct rng *rng;          /* not owned; NULL unless ops->uses_rng */
    struct pkt_fifo fifo;     /* waiting now */
    uint64_t limit_packets;
    bytes_t limit_bytes;
    uint64_t max_packets;
    bytes_t max_bytes;
    uint64_t dequeued;        /* handed to the transmitter */
    uint64_t drops[QDROP_NREASONS];
    bytes_t drop_bytes;
    double sojourn_ps;        /* sum over transmitted packets of the time they waited */
    sim_time_t since;         /* start of the integration */
    sim_time_t last;          /* time of the last change */
    double area_packets;      /* integral of packets dt, packet-ps */
    double area_bytes;
    alignas(max_align_t) unsigned char priv[];
};

/* The ops table of a kind. */
const struct qdisc_ops *qdisc_ops_of(enum qdisc_kind kind);

/* A queue of the configured kind for a transmitter of `rate` (RED's idle-time unit), at
 * time now, drawing from rng when the discipline needs one (it is not owned). 0, or -1
 * with a message ("red_max_th must be above red_min_th"). */
int qdisc_new(const struct qdisc_config *c, bps_t rate, struct rng *rng, sim_time_t now,
              struct qdisc **out, char *err, size_t errlen);

/* Frees the queue and every waiting packet (uncounted: the run is over). */
void qdisc_free(struct qdisc *q);

static inline int qdisc_enqueue(struct qdisc *q, struct packet *p, sim_time_t now)
{
    return q->ops->enqueue(q, p, now);
}

/* The next packet to transmit, or NULL; its waiting time joins the sojourn statistics. */
static inline struct packet *qdisc_dequeue(struct qdisc *q, sim_time_t now)
{
    struct packet *p = q->ops->dequeue(q, now);
    if (p) {
        q->dequeued++;
        q->sojourn_ps += (double)(now - p->enqueued_ps);
    }
    return p;
}

/* True when p fits under both hard limits. */
static inline bool qdisc_fits(const struct qdisc *q, const struct packet *p)
{
    return pkt_fifo_fits(&q->fifo, p, q->limit_packets, q->limit_bytes);
}

/* For a transmitter that is idle: true when p may go straight to it, as if it had entered
 * and left the empty queue at once (counted as such); false when it must be enqueued. */
static inline bool qdisc_bypass(struct qdisc *q, struct packet *p, sim_time_t now)
{
    if (!q->ops->bypass_idle || q->fifo.packets || !qdisc_fits(q, p))
        return false;
    p->enqueued_ps = now;
    q->dequeued++;
    return true;
}

static inline uint64_t qdisc_packets(const struct qdisc *q) { return q->fifo.packets; }
static inline bytes_t qdisc_bytes(const struct qdisc *q) { return q->fifo.bytes; }

uint64_t qdisc_drops(const struct qdisc *q); /* all reasons */

/* RED's average queue (packets, or bytes in bytes mode) after the last arrival; 0 for other
 * disciplines. For tests and traces. */
double qdisc_red_avg(const struct qdisc *q);

/* Discards every waiting packet at now (a link going down) and returns how many; they are
 * not queue drops: the caller counts them under its own reason. */
uint64_t qdisc_flush(struct qdisc *q, sim_time_t now);

/* Time-average occupancy from creation to now. */
double qdisc_mean_packets(struct qdisc *q, sim_time_t now);
double qdisc_mean_bytes(struct qdisc *q, sim_time_t now);

/* Records the queue's scalars under `module`: queue_drops, queue_drop_bytes,
 * queue_drops_REASON for each reason the discipline has, queue_mean, queue_mean_bytes,
 * queue_max, queue_sojourn_mean (s), and the discipline's own. */
void qdisc_record(struct qdisc *q, struct results_run *run, const char *module,
                  sim_time_t now);

/* ---- for disciplines ------------------------------------------------------------- */

static inline void *qdisc_priv(struct qdisc *q) { return q->priv; }

/* Adds the occupancy held since the last change; the maximum counts only occupancy held for
 * a positive time, so a packet passing through an idle transmitter's queue is not "queued". */
static inline void qdisc_integrate(struct qdisc *q, sim_time_t now)
{
    if (now == q->last)
        return;
    double dt = (double)(now - q->last);
    q->area_packets += (double)q->fifo.packets * dt;
    q->area_bytes += (double)q->fifo.bytes * dt;
    if (q->fifo.packets > q->max_packets)
        q->max_packets = q->fifo.packets;
    if (q->fifo.bytes > q->max_bytes)
        q->max_bytes = q->fifo.bytes;
    q->last = now;
}

/* Appends p at now and stamps p->enqueued_ps (CoDel's sojourn times start there). Inline:
 * it is most of a drop-tail queue's per-packet work. */
static inline void qdisc_push(struct qdisc *q, struct packet *p, sim_time_t now)
{
    qdisc_integrate(q, now);
    p->enqueued_ps = now;
    pkt_fifo_push(&q->fifo, p);
}

/* Removes the head at now (NULL when empty). */
static inline struct packet *qdisc_pop(struct qdisc *q, sim_time_t now)
{
    if (!q->fifo.head)
        return NULL;
    qdisc_integrate(q, now);
    return pkt_fifo_pop(&q->fifo);
}

/* For a transmitter that fixes each waiting packet's start of service when it accepts it
 * (p2p.c's scheduled FIFO, drop-tail only): the occupancy changes by `bytes` without the
 * packet in the FIFO, with the same integration, maximum, dequeue count and sojourn as
 * qdisc_push at `now` and qdisc_dequeue at the start of service `now` of a packet enqueued
 * at `enq`. Both must be called in time order, like the real operations. */
static inline void qdisc_account_in(struct qdisc *q, bytes_t bytes, sim_time_t now)
{
    qdisc_integrate(q, now);
    q->fifo.packets++;
    q->fifo.bytes += bytes;
}

static inline void qdisc_account_out(struct qdisc *q, bytes_t bytes, sim_time_t enq,
                                     sim_time_t now)
{
    qdisc_integrate(q, now);
    q->fifo.packets--;
    q->fifo.bytes -= bytes;
    q->dequeued++;
    q->sojourn_ps += (double)(now - enq);
}

/* Counts p as dropped for `reason` and frees it; returns -1 (for enqueue's return). */
int qdisc_drop(struct qdisc *q, struct packet *p, enum qdisc_drop_reason reason);

#endif
