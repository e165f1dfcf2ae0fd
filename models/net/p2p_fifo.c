/* p2p_fifo.c - the p2p link's scheduled FIFO (p2p_impl.h): how a drop-tail direction is
 * served without transmitter events.
 *
 * A drop-tail FIFO in front of a transmitter that nothing interrupts (no outages) is
 * deterministic from the moment a packet is accepted: it starts serializing when every
 * packet accepted before it has finished (the previous end, or now), and arrives `delay`
 * after it ends. So the packet goes into the pipe at once with its final arrival time, and
 * the transmitter needs no event at all (the event-driven path has one per queued packet: a
 * departure or a wake). What the queue's accounting needs is kept in a ring of slots (start,
 * end, enqueue time, bytes) of the packets accepted but not yet started; before anything
 * else happens on the direction at time t, the slots that started by t leave the queue at
 * their start times (p2p_fifo_catch_up), so the drop-tail test sees the occupancy at t and
 * the integrals, maximum and sojourn are those of the event-driven path, computed at the
 * same instants in the same order. The loss model still draws once per packet in service order
 * (at acceptance instead of at departure: the same draw for the same packet). One
 * difference: when a packet arrives at the very picosecond a queued packet starts, the
 * start comes first here (the queue has already made room), while the event-driven path
 * orders them by event insertion. Used when the discipline is drop-tail, the link has no
 * outage schedule or process and the "qlen" vector is not recorded (it samples every
 * dequeue); otherwise the event-driven path runs. Measured on the dumbbells: departure and
 * wake events disappear, about 30% of all events (docs/performance.md). */

#include <stdlib.h>

#include "models/net/p2p_impl.h"

/* The slots that started by now leave the queue, each at its start, and are counted as
 * serialized, as start_service does on the event-driven path. */
void p2p_fifo_catch_up(struct p2p_dir *d, sim_time_t now)
{
    while (d->sn) {
        const struct p2p_slot *s = &d->slots[d->shead];
        if (s->start > now)
            return;
        qdisc_account_out(d->q, s->bytes, s->enq, s->start);
        d->tx_packets++;
        d->tx_bytes += s->bytes;
        d->busy_ps += s->end - s->start;
        d->busy_until = s->end;
        d->lost_in_service = s->lost;
        d->shead = (d->shead + 1) & (d->scap - 1);
        d->sn--;
    }
}

static int slot_push(struct p2p_dir *d, struct p2p_slot s)
{
    if (d->sn == d->scap) {
        size_t cap = d->scap ? d->scap * 2 : 16;
        struct p2p_slot *r = malloc(cap * sizeof *r);
        if (!r)
            return -1;
        for (size_t i = 0; i < d->sn; i++)
            r[i] = d->slots[(d->shead + i) & (d->scap - 1)];
        free(d->slots);
        d->slots = r;
        d->scap = cap;
        d->shead = 0;
    }
    d->slots[(d->shead + d->sn) & (d->scap - 1)] = s;
    d->sn++;
    return 0;
}

void p2p_fifo_transmit(struct p2p_dir *d, struct packet *p, sim_time_t now)
{
    p2p_fifo_catch_up(d, now);
    if (!d->sn && now >= d->busy_until && qdisc_bypass(d->q, p, now)) {
        d->lost_in_service = false; /* drawn at its start on both paths: it counts */
        p2p_serialize_idle(d, p, now);
        return;
    }
    if (!qdisc_fits(d->q, p)) {
        qdisc_drop(d->q, p, QDROP_LIMIT);
        return;
    }
    bytes_t len = pkt_wire_len(p);
    sim_time_t start = d->sn ? d->slots[(d->shead + d->sn - 1) & (d->scap - 1)].end
                             : d->busy_until;
    sim_time_t end = start + p2p_tx_time(d, len);
    if (slot_push(d, (struct p2p_slot){ start, end, now, len, false }) < 0) {
        pkt_free(p); /* out of memory: the packet is lost, the run goes on */
        return;
    }
    qdisc_account_in(d->q, len, now);
    d->slots[(d->shead + d->sn - 1) & (d->scap - 1)].lost = p2p_launch(d, p, end);
}

/* Loss decisions counted so far: the event-driven path draws for a queued packet when it
 * has been serialized, this one when it is accepted, so the packets not yet serialized at
 * the end of the run (still waiting, or the one in service) must not count. */
uint64_t p2p_fifo_loss_drops(const struct p2p_dir *d, sim_time_t now)
{
    uint64_t n = d->loss.lost;
    if (!d->scheduled)
        return n;
    if (d->busy_until > now && d->lost_in_service)
        n--;
    for (size_t i = 0; i < d->sn; i++)
        n -= d->slots[(d->shead + i) & (d->scap - 1)].lost;
    return n;
}
