/* droptail.h - a FIFO queue that drops arrivals when full, with occupancy statistics.
 *
 * The limit is in packets, in bytes, or both (0 = no limit of that kind); a packet that
 * would exceed either is dropped and counted (packets and bytes), the tail-drop policy of
 * most router line cards and of ns-3's DropTailQueue. The queue holds packets waiting for
 * the transmitter, not the one being serialized (as Linux qdiscs and ns-3 count them).
 * Occupancy is integrated over time exactly (packet-picoseconds), so the time-average queue
 * length is the one queueing theory predicts, not an average over arrivals. Packets are
 * linked through packet->next: nothing is allocated per packet.
 *
 * Not modelled: AQM (RED, CoDel) - those are separate queue disciplines of the network work.
 */
#ifndef MCPSIM_MODELS_NET_DROPTAIL_H
#define MCPSIM_MODELS_NET_DROPTAIL_H

#include <stdint.h>

#include "sim/packet.h"
#include "sim/results.h"

struct droptail {
    struct packet *head, *tail;
    uint64_t limit_packets;  /* 0: none */
    bytes_t limit_bytes;     /* 0: none */
    uint64_t packets;        /* waiting now */
    bytes_t bytes;
    uint64_t max_packets;
    bytes_t max_bytes;
    uint64_t enqueued, dropped;
    bytes_t dropped_bytes;
    sim_time_t since;        /* start of the integration */
    sim_time_t last;         /* time of the last change */
    double area_packets;     /* integral of packets dt, packet-ps */
    double area_bytes;
    struct results_vector *qlen; /* NULL unless the scenario records it */
};

void droptail_init(struct droptail *q, uint64_t limit_packets, bytes_t limit_bytes,
                   sim_time_t now);

/* Appends p, or drops (frees) it when it does not fit; 0 queued, -1 dropped. */
int droptail_enqueue(struct droptail *q, struct packet *p, sim_time_t now);

/* The head packet, or NULL when empty. */
struct packet *droptail_dequeue(struct droptail *q, sim_time_t now);

/* Time-average occupancy from init to now. */
double droptail_mean_packets(struct droptail *q, sim_time_t now);
double droptail_mean_bytes(struct droptail *q, sim_time_t now);

/* Records the queue's scalars under `module` (drops, means, maxima). */
void droptail_record(struct droptail *q, struct results_run *run, const char *module,
                     sim_time_t now);

/* Frees every waiting packet. */
void droptail_flush(struct droptail *q);

#endif
