/* droptail.c - tail-drop FIFO with exact time-average occupancy (see droptail.h). */
#include "models/net/droptail.h"

static void integrate(struct droptail *q, sim_time_t now)
{
    double dt = (double)(now - q->last);
    q->area_packets += (double)q->packets * dt;
    q->area_bytes += (double)q->bytes * dt;
    q->last = now;
}

void droptail_init(struct droptail *q, uint64_t limit_packets, bytes_t limit_bytes,
                   sim_time_t now)
{
    *q = (struct droptail){ .limit_packets = limit_packets, .limit_bytes = limit_bytes,
                            .since = now, .last = now };
}

int droptail_enqueue(struct droptail *q, struct packet *p, sim_time_t now)
{
    bytes_t len = pkt_wire_len(p);
    if ((q->limit_packets && q->packets + 1 > q->limit_packets) ||
        (q->limit_bytes && q->bytes + len > q->limit_bytes)) {
        q->dropped++;
        q->dropped_bytes += len;
        pkt_free(p);
        return -1;
    }
    integrate(q, now);
    p->next = NULL;
    p->enqueued_ps = now;
    if (q->tail)
        q->tail->next = p;
    else
        q->head = p;
    q->tail = p;
    q->packets++;
    q->bytes += len;
    q->enqueued++;
    if (q->packets > q->max_packets)
        q->max_packets = q->packets;
    if (q->bytes > q->max_bytes)
        q->max_bytes = q->bytes;
    results_vector_add(q->qlen, now, (double)q->packets);
    return 0;
}

struct packet *droptail_dequeue(struct droptail *q, sim_time_t now)
{
    struct packet *p = q->head;
    if (!p)
        return NULL;
    integrate(q, now);
    q->head = p->next;
    if (!q->head)
        q->tail = NULL;
    p->next = NULL;
    q->packets--;
    q->bytes -= pkt_wire_len(p);
    results_vector_add(q->qlen, now, (double)q->packets);
    return p;
}

double droptail_mean_packets(struct droptail *q, sim_time_t now)
{
    integrate(q, now);
    return now > q->since ? q->area_packets / (double)(now - q->since) : 0.0;
}

double droptail_mean_bytes(struct droptail *q, sim_time_t now)
{
    integrate(q, now);
    return now > q->since ? q->area_bytes / (double)(now - q->since) : 0.0;
}

void droptail_record(struct droptail *q, struct results_run *run, const char *module,
                     sim_time_t now)
{
    results_scalar(run, module, "queue_drops", "pkt", (double)q->dropped);
    results_scalar(run, module, "queue_drop_bytes", "B", (double)q->dropped_bytes);
    results_scalar(run, module, "queue_mean", "pkt", droptail_mean_packets(q, now));
    results_scalar(run, module, "queue_mean_bytes", "B", droptail_mean_bytes(q, now));
    results_scalar(run, module, "queue_max", "pkt", (double)q->max_packets);
}

void droptail_flush(struct droptail *q)
{
    while (q->head) {
        struct packet *p = q->head;
        q->head = p->next;
        pkt_free(p);
    }
    q->tail = NULL;
    q->packets = 0;
    q->bytes = 0;
}
