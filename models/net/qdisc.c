/* qdisc.c - the common base of the queue disciplines: FIFO, hard limits, exact occupancy
 * integration, drop accounting and recording (see qdisc.h). */
#include "models/net/qdisc.h"

#include <stdio.h>
#include <stdlib.h>

static const char *const reason_scalar[QDROP_NREASONS] = {
    [QDROP_LIMIT] = "queue_drops_limit",
    [QDROP_EARLY] = "queue_drops_early",
    [QDROP_FORCED] = "queue_drops_forced",
    [QDROP_CODEL] = "queue_drops_codel",
};

const struct qdisc_ops *qdisc_ops_of(enum qdisc_kind kind)
{
    switch (kind) {
    case QDISC_RED:
        return &qdisc_red_ops;
    case QDISC_CODEL:
        return &qdisc_codel_ops;
    case QDISC_DROPTAIL:
        break;
    }
    return &qdisc_droptail_ops;
}

int qdisc_new(const struct qdisc_config *c, bps_t rate, struct rng *rng, sim_time_t now,
              struct qdisc **out, char *err, size_t errlen)
{
    const struct qdisc_ops *ops = qdisc_ops_of((enum qdisc_kind)c->kind);
    if (ops->uses_rng && !rng) {
        snprintf(err, errlen, "queue %s: no random stream (out of memory)", ops->name);
        return -1;
    }
    struct qdisc *q = calloc(1, sizeof *q + ops->priv_size);
    if (!q) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    q->ops = ops;
    q->rng = rng;
    q->limit_packets = c->limit_packets;
    q->limit_bytes = c->limit_bytes;
    q->since = q->last = now;
    if (ops->init && ops->init(q, c, rate, err, errlen) < 0) {
        free(q);
        return -1;
    }
    *out = q;
    return 0;
}

void qdisc_free(struct qdisc *q)
{
    if (!q)
        return;
    pkt_fifo_clear(&q->fifo);
    free(q);
}

uint64_t qdisc_drops(const struct qdisc *q)
{
    uint64_t n = 0;
    for (int r = 0; r < QDROP_NREASONS; r++)
        n += q->drops[r];
    return n;
}

uint64_t qdisc_flush(struct qdisc *q, sim_time_t now)
{
    qdisc_integrate(q, now);
    return pkt_fifo_clear(&q->fifo);
}

int qdisc_drop(struct qdisc *q, struct packet *p, enum qdisc_drop_reason reason)
{
    q->drops[reason]++;
    q->drop_bytes += pkt_wire_len(p);
    pkt_free(p);
    return -1;
}

double qdisc_mean_packets(struct qdisc *q, sim_time_t now)
{
    qdisc_integrate(q, now);
    return now > q->since ? q->area_packets / (double)(now - q->since) : 0.0;
}

double qdisc_mean_bytes(struct qdisc *q, sim_time_t now)
{
    qdisc_integrate(q, now);
    return now > q->since ? q->area_bytes / (double)(now - q->since) : 0.0;
}

void qdisc_record(struct qdisc *q, struct results_run *run, const char *module,
                  sim_time_t now)
{
    results_scalar(run, module, "queue_drops", "pkt", (double)qdisc_drops(q));
    results_scalar(run, module, "queue_drop_bytes", "B", (double)q->drop_bytes);
    for (int r = 0; r < QDROP_NREASONS; r++)
        if (q->ops->drop_reasons & (1u << r))
            results_scalar(run, module, reason_scalar[r], "pkt", (double)q->drops[r]);
    results_scalar(run, module, "queue_mean", "pkt", qdisc_mean_packets(q, now));
    results_scalar(run, module, "queue_mean_bytes", "B", qdisc_mean_bytes(q, now));
    results_scalar(run, module, "queue_max", "pkt", (double)q->max_packets);
    results_scalar(run, module, "queue_sojourn_mean", "s",
                   q->dequeued ? q->sojourn_ps / (double)q->dequeued * 1e-12 : 0.0);
    if (q->ops->record)
        q->ops->record(q, run, module);
}
