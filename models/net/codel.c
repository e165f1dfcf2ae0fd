/* codel.c - the "codel" queue discipline: Controlled Delay (RFC 8289).
 *
 * Packets are stamped when they enter (packet->enqueued_ps) and CoDel acts when they leave:
 * the sojourn time of the head is compared with `target` (5 ms); once it has stayed at or
 * above target for `interval` (100 ms) the queue enters the dropping state, drops the head,
 * and keeps dropping one head packet at times spaced by the control law
 * interval / sqrt(count) (RFC 8289 §3.3) until a sojourn falls below target. Re-entering
 * the dropping state soon (within 16 intervals) after leaving it resumes from the previous
 * drop rate (count = count - lastcount, §5.6). The queue never drops while fewer than a
 * maximum-size packet's bytes remain (§5.5; the maximum is the largest packet seen). This
 * follows the RFC's pseudocode (§5) line by line, with time 0 as "unset" for
 * first_above_time (a real value is always now + interval > 0). Head drops are
 * QDROP_CODEL; arrivals beyond the hard limit are tail-dropped (QDROP_LIMIT).
 *
 * Not modelled: ECN marking, fq_codel's per-flow queues, Linux's byte-based "maxpacket"
 * learning window.
 */
#include <math.h>
#include <stdio.h>

#include "models/net/qdisc.h"

struct codel {
    sim_time_t target, interval;
    sim_time_t first_above_time; /* 0: the sojourn is below target */
    sim_time_t drop_next;
    uint32_t count, lastcount;
    bool dropping;
    bytes_t maxpacket;
};

static int codel_init(struct qdisc *q, const struct qdisc_config *c, bps_t rate, char *err,
                      size_t errlen)
{
    struct codel *k = qdisc_priv(q);
    (void)rate;
    if (c->codel_target <= 0 || c->codel_interval <= 0) {
        snprintf(err, errlen, "codel_target and codel_interval must be positive");
        return -1;
    }
    *k = (struct codel){ .target = c->codel_target, .interval = c->codel_interval };
    return 0;
}

static int codel_enqueue(struct qdisc *q, struct packet *p, sim_time_t now)
{
    struct codel *k = qdisc_priv(q);
    if (!qdisc_fits(q, p))
        return qdisc_drop(q, p, QDROP_LIMIT);
    if (pkt_wire_len(p) > k->maxpacket)
        k->maxpacket = pkt_wire_len(p);
    qdisc_push(q, p, now);
    return 0;
}

/* RFC 8289 §5.4: the time of the next drop, interval / sqrt(count) after t. */
static sim_time_t control_law(const struct codel *k, sim_time_t t)
{
    return t + (sim_time_t)((double)k->interval / sqrt((double)k->count));
}

/* RFC 8289 §5.4 dodequeue(): the head and whether the sojourn has been above target for
 * at least an interval. */
static struct packet *dodequeue(struct qdisc *q, struct codel *k, sim_time_t now, bool *ok)
{
    struct packet *p = qdisc_pop(q, now);
    *ok = false;
    if (!p) {
        k->first_above_time = 0;
        return NULL;
    }
    if (now - p->enqueued_ps < k->target || q->fifo.bytes <= k->maxpacket) {
        k->first_above_time = 0;
    } else if (k->first_above_time == 0) {
        k->first_above_time = now + k->interval;
    } else if (now >= k->first_above_time) {
        *ok = true;
    }
    return p;
}

/* RFC 8289 §5.5 dequeue(). */
static struct packet *codel_dequeue(struct qdisc *q, sim_time_t now)
{
    struct codel *k = qdisc_priv(q);
    bool ok;
    struct packet *p = dodequeue(q, k, now, &ok);
    if (!p) {
        k->dropping = false;
        return NULL;
    }
    if (k->dropping) {
        if (!ok)
            k->dropping = false;
        while (k->dropping && now >= k->drop_next) {
            qdisc_drop(q, p, QDROP_CODEL);
            k->count++;
            p = dodequeue(q, k, now, &ok);
            if (!ok)
                k->dropping = false;
            else
                k->drop_next = control_law(k, k->drop_next);
        }
    } else if (ok) {
        qdisc_drop(q, p, QDROP_CODEL);
        p = dodequeue(q, k, now, &ok);
        k->dropping = true;
        uint32_t delta = k->count - k->lastcount;
        k->count = 1;
        if (delta > 1 && now - k->drop_next < 16 * k->interval)
            k->count = delta;
        k->drop_next = control_law(k, now);
        k->lastcount = k->count;
    }
    return p;
}

const struct qdisc_ops qdisc_codel_ops = {
    .name = "codel",
    .drop_reasons = 1u << QDROP_LIMIT | 1u << QDROP_CODEL,
    .priv_size = sizeof(struct codel),
    .init = codel_init,
    .enqueue = codel_enqueue,
    .dequeue = codel_dequeue,
};
