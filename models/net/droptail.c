/* droptail.c - the "droptail" queue discipline: a FIFO that refuses an arrival which would
 * exceed the packet or the byte limit (both when both are set), the tail-drop policy of most
 * router line cards, Linux's pfifo/bfifo and ns-3's DropTailQueue. With neither limit the
 * queue is unbounded (for queueing-theory checks). Drops are QDROP_LIMIT. A packet for an
 * idle transmitter skips the (empty) FIFO: the result is the same, for less work. */
#include "models/net/qdisc.h"

static int droptail_enqueue(struct qdisc *q, struct packet *p, sim_time_t now)
{
    if (!qdisc_fits(q, p))
        return qdisc_drop(q, p, QDROP_LIMIT);
    qdisc_push(q, p, now);
    return 0;
}

static struct packet *droptail_dequeue(struct qdisc *q, sim_time_t now)
{
    return qdisc_pop(q, now);
}

const struct qdisc_ops qdisc_droptail_ops = {
    .name = "droptail",
    .drop_reasons = 1u << QDROP_LIMIT,
    .bypass_idle = true,
    .enqueue = droptail_enqueue,
    .dequeue = droptail_dequeue,
};
