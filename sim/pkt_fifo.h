/* pkt_fifo.h - a FIFO of packets linked through packet->next, with its length in packets
 * and in wire bytes.
 *
 * The storage under the network's queue disciplines (models/net/qdisc.h) and the radios'
 * per-terminal queues (models/radio/radio_queue.h): nothing is allocated per packet, push
 * and pop are a few stores, inline because they are most of a drop-tail queue's per-packet
 * work. A FIFO holds the packets it links (packet->next is the owner's, packet.h), so the
 * owner frees what is left with pkt_fifo_clear. Policy (limits, time stamps, drops,
 * statistics) is the owner's: pkt_fifo_fits is the test both owners apply.
 */
#ifndef MCPSIM_SIM_PKT_FIFO_H
#define MCPSIM_SIM_PKT_FIFO_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/packet.h"

struct pkt_fifo {
    struct packet *head, *tail;
    uint64_t packets;
    bytes_t bytes; /* pkt_wire_len of the packets held */
};

/* True when p fits under both limits (0 = no limit of that kind). */
static inline bool pkt_fifo_fits(const struct pkt_fifo *f, const struct packet *p,
                                 uint64_t limit_packets, bytes_t limit_bytes)
{
    return !((limit_packets && f->packets + 1 > limit_packets) ||
             (limit_bytes && f->bytes + pkt_wire_len(p) > limit_bytes));
}

/* Appends p (whatever its next was). */
static inline void pkt_fifo_push(struct pkt_fifo *f, struct packet *p)
{
    p->next = NULL;
    if (f->tail)
        f->tail->next = p;
    else
        f->head = p;
    f->tail = p;
    f->packets++;
    f->bytes += pkt_wire_len(p);
}

/* Removes the head (NULL when empty); its next is cleared. */
static inline struct packet *pkt_fifo_pop(struct pkt_fifo *f)
{
    struct packet *p = f->head;
    if (!p)
        return NULL;
    f->head = p->next;
    if (!f->head)
        f->tail = NULL;
    p->next = NULL;
    f->packets--;
    f->bytes -= pkt_wire_len(p);
    return p;
}

/* Frees every packet held, leaves the FIFO empty and returns how many were freed. */
static inline uint64_t pkt_fifo_clear(struct pkt_fifo *f)
{
    uint64_t n = f->packets;
    for (struct packet *p = f->head, *next; p; p = next) {
        next = p->next;
        pkt_free(p);
    }
    *f = (struct pkt_fifo){ 0 };
    return n;
}

#endif
