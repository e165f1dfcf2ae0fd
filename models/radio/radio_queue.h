/* radio_queue.h - the FIFO a radio model keeps per terminal and direction.
 *
 * A drop-tail FIFO (sim/pkt_fifo.h: linked through packet->next, nothing allocated per
 * packet), limited in packets and/or bytes (0 = no limit of that kind). An arrival that
 * would exceed a limit is freed and counted. Models the per-station transmit queue of a
 * WiFi MAC and the per-phone buffers of an LTE base station; queue disciplines other than
 * drop-tail belong to the network layer's qdiscs in front of the radio, not here.
 *
 * Why not models/net/droptail.h: the radios must remove one terminal's packets from a
 * shared queue when it goes down (the AP's downlink FIFO), and they count drops per
 * terminal rather than per queue; droptail has neither (it integrates occupancy over
 * time instead). If droptail gains a remove-if, the radios should use it.
 */
#ifndef MCPSIM_MODELS_RADIO_RADIO_QUEUE_H
#define MCPSIM_MODELS_RADIO_RADIO_QUEUE_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/packet.h"
#include "sim/pkt_fifo.h"

struct radio_queue {
    struct pkt_fifo fifo;
    uint64_t limit_packets; /* 0: none */
    bytes_t limit_bytes;    /* 0: none */
};

static inline void radio_queue_init(struct radio_queue *q, uint64_t limit_packets,
                                    bytes_t limit_bytes)
{
    *q = (struct radio_queue){ .limit_packets = limit_packets, .limit_bytes = limit_bytes };
}

static inline bool radio_queue_empty(const struct radio_queue *q)
{
    return q->fifo.head == NULL;
}

/* The packet at the head (NULL when empty), left in place. */
static inline struct packet *radio_queue_head(const struct radio_queue *q)
{
    return q->fifo.head;
}

/* Appends p and returns 0, or returns -1 without touching p when it does not fit. */
static inline int radio_queue_push(struct radio_queue *q, struct packet *p, sim_time_t now)
{
    if (!pkt_fifo_fits(&q->fifo, p, q->limit_packets, q->limit_bytes))
        return -1;
    p->enqueued_ps = now;
    pkt_fifo_push(&q->fifo, p);
    return 0;
}

static inline struct packet *radio_queue_pop(struct radio_queue *q)
{
    return pkt_fifo_pop(&q->fifo);
}

/* Frees every packet for which keep(p, arg) is false (every packet when keep is NULL) and
 * returns how many were freed. O(queue length): used on outages, not per packet. */
static inline uint64_t radio_queue_purge(struct radio_queue *q,
                                         bool (*keep)(const struct packet *p, void *arg),
                                         void *arg)
{
    if (!keep)
        return pkt_fifo_clear(&q->fifo);
    struct packet *p = q->fifo.head;
    uint64_t freed = 0;
    q->fifo = (struct pkt_fifo){ 0 };
    while (p) {
        struct packet *next = p->next;
        if (keep(p, arg)) {
            pkt_fifo_push(&q->fifo, p);
        } else {
            pkt_free(p);
            freed++;
        }
        p = next;
    }
    return freed;
}

#endif
