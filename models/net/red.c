/* red.c - the "red" queue discipline: Random Early Detection (S. Floyd, V. Jacobson,
 * "Random Early Detection Gateways for Congestion Avoidance", IEEE/ACM ToN 1(4), 1993).
 *
 * At each arrival the average queue is updated by an exponentially weighted moving average,
 * avg <- (1 - w_q) avg + w_q q, with q the packets waiting (bytes in bytes mode). An arrival
 * that finds the queue empty instead decays the average for the idle time, as if m small
 * packets had arrived to an empty queue: avg <- (1 - w_q)^m avg with m = idle / s, s the
 * transmission time of a mean packet at the link rate (the paper's f(time - q_time); m is
 * not rounded, so the decay is continuous in the idle time). Then:
 *   avg < min_th                 accept, count = -1;
 *   min_th <= avg < max_th       count++, p_b = max_p (avg - min_th) / (max_th - min_th);
 *   gentle, max_th <= avg < 2 max_th
 *                                count++, p_b = max_p + (1 - max_p) (avg - max_th) / max_th
 *                                (Floyd's "gentle" variant, 2000, the ns-2 default);
 *   otherwise                    drop (QDROP_FORCED), count = 0.
 * In the probabilistic regions the arrival is dropped (QDROP_EARLY, count = 0) with
 * p_a = p_b / (1 - count p_b) (1 once count p_b >= 1): the paper's count-based probability,
 * which spaces drops uniformly instead of geometrically. In bytes mode p_b is first scaled
 * by the packet's size over the mean packet size (the paper's byte mode, with the mean
 * packet where it uses the maximum) and the thresholds are in mean packets. An arrival that
 * passes RED can still overflow the hard limit (QDROP_LIMIT, count = 0, as ns-2).
 *
 * Not modelled: ECN marking, adaptive RED (max_p tuning), the "wait" option of ns-2.
 */
#include <math.h>
#include <stdio.h>

#include "models/net/qdisc.h"

struct red {
    double w_q, min_th, max_th, max_p; /* thresholds in queue units (packets or bytes) */
    double mean_packet;                /* bytes */
    double s_ps;                       /* transmission time of a mean packet */
    bool gentle, bytes;
    double avg;
    int64_t count;
    sim_time_t q_time;                 /* when the queue last became empty */
};

static int red_init(struct qdisc *q, const struct qdisc_config *c, bps_t rate, char *err,
                    size_t errlen)
{
    struct red *r = qdisc_priv(q);
    if (!(c->red_w_q > 0 && c->red_w_q <= 1)) {
        snprintf(err, errlen, "red_w_q must be in (0, 1], not %g", c->red_w_q);
        return -1;
    }
    if (!(c->red_min_th >= 0 && c->red_max_th > c->red_min_th)) {
        snprintf(err, errlen, "red_max_th (%g) must be above red_min_th (%g) >= 0",
                 c->red_max_th, c->red_min_th);
        return -1;
    }
    if (!(c->red_max_p > 0 && c->red_max_p <= 1)) {
        snprintf(err, errlen, "red_max_p must be in (0, 1], not %g", c->red_max_p);
        return -1;
    }
    if (c->red_mean_packet == 0 || rate == 0) {
        snprintf(err, errlen, "red_mean_packet and the link rate must be positive");
        return -1;
    }
    double unit = c->red_bytes ? (double)c->red_mean_packet : 1.0;
    *r = (struct red){
        .w_q = c->red_w_q,
        .min_th = c->red_min_th * unit,
        .max_th = c->red_max_th * unit,
        .max_p = c->red_max_p,
        .mean_packet = (double)c->red_mean_packet,
        .s_ps = (double)time_to_send(c->red_mean_packet, rate),
        .gentle = c->red_gentle,
        .bytes = c->red_bytes,
        .count = -1,
        .q_time = q->since,
    };
    return 0;
}

/* Draws the count-based early drop for base probability p_b; true = drop. */
static bool red_early(struct qdisc *q, struct red *r, double p_b, const struct packet *p)
{
    r->count++;
    if (r->bytes)
        p_b = fmin(1.0, p_b * (double)pkt_wire_len(p) / r->mean_packet);
    double cp = (double)r->count * p_b;
    if (cp < 1.0 && rng_uniform(q->rng) >= p_b / (1.0 - cp))
        return false;
    r->count = 0;
    return true;
}

static int red_enqueue(struct qdisc *q, struct packet *p, sim_time_t now)
{
    struct red *r = qdisc_priv(q);
    if (q->fifo.packets == 0)
        r->avg *= pow(1.0 - r->w_q, (double)(now - r->q_time) / r->s_ps);
    else
        r->avg += r->w_q * ((r->bytes ? (double)q->fifo.bytes : (double)q->fifo.packets) - r->avg);
    if (r->avg < r->min_th) {
        r->count = -1;
    } else if (r->avg < r->max_th) {
        double p_b = r->max_p * (r->avg - r->min_th) / (r->max_th - r->min_th);
        if (red_early(q, r, p_b, p))
            return qdisc_drop(q, p, QDROP_EARLY);
    } else if (r->gentle && r->avg < 2 * r->max_th) {
        double p_b = r->max_p + (1 - r->max_p) * (r->avg - r->max_th) / r->max_th;
        if (red_early(q, r, p_b, p))
            return qdisc_drop(q, p, QDROP_EARLY);
    } else {
        r->count = 0;
        return qdisc_drop(q, p, QDROP_FORCED);
    }
    if (!qdisc_fits(q, p)) {
        r->count = 0;
        return qdisc_drop(q, p, QDROP_LIMIT);
    }
    qdisc_push(q, p, now);
    return 0;
}

static struct packet *red_dequeue(struct qdisc *q, sim_time_t now)
{
    struct red *r = qdisc_priv(q);
    struct packet *p = qdisc_pop(q, now);
    if (p && q->fifo.packets == 0)
        r->q_time = now;
    return p;
}

double qdisc_red_avg(const struct qdisc *q)
{
    const struct red *r = (const void *)q->priv;
    return q->ops == &qdisc_red_ops ? r->avg : 0.0;
}

const struct qdisc_ops qdisc_red_ops = {
    .name = "red",
    .drop_reasons = 1u << QDROP_LIMIT | 1u << QDROP_EARLY | 1u << QDROP_FORCED,
    .uses_rng = true,
    .priv_size = sizeof(struct red),
    .init = red_init,
    .enqueue = red_enqueue,
    .dequeue = red_dequeue,
};
