/* tcp_timewait.c - compact TIME-WAIT records (RFC 9293 section 3.10.7.4, TIME-WAIT state).
 *
 * A connection that reaches TIME-WAIT after the application closed it (or that the
 * application closes while in TIME-WAIT) needs only its 4-tuple, the two sequence numbers,
 * the window it advertised and TS.Recent for the 2 MSL that follow, as Linux's
 * tcp_timewait_sock. The full control block is freed and a record of under 100 bytes takes
 * its place in the connection table, so a proxy closing thousands of connections a second
 * holds 60 s of them cheaply. All records last the same time_wait, so they expire in FIFO
 * order: one list and one stack timer for the head serve them all, no timer per record.
 * In TIME-WAIT: an RST removes the record (RFC 9293; RFC 1337's protection is not modelled,
 * as in Linux's default); a retransmitted FIN is acknowledged again and restarts the 2 MSL;
 * a SYN above RCV.NXT may open a new connection at once (RFC 6191 with timestamps, RFC 1122
 * 4.2.2.13); any other segment is answered with an ACK unless it is a bare in-order ACK.
 * A connection the application still holds stays a full socket until it closes it.
 */
#include <stdlib.h>

#include "models/tcp/tcp_int.h"

struct tcp_tw {
    struct tcp_hnode node;         /* first: the table chains it */
    struct tcp_tw *prev, *next;    /* expiry order */
    uint32_t snd_nxt, rcv_nxt, ts_recent;
    uint16_t window;               /* the window field last advertised */
    uint8_t ts_ok;
    sim_time_t expires;
};

static void fifo_remove(struct tcp_stack *st, struct tcp_tw *tw)
{
    if (tw->prev)
        tw->prev->next = tw->next;
    else
        st->tw_head = tw->next;
    if (tw->next)
        tw->next->prev = tw->prev;
    else
        st->tw_tail = tw->prev;
    tw->prev = tw->next = NULL;
}

/* Inserted from the tail: nearly always the tail itself, since expiries are now + time_wait. */
static void fifo_insert(struct tcp_stack *st, struct tcp_tw *tw)
{
    struct tcp_tw *after = st->tw_tail;
    while (after && after->expires > tw->expires)
        after = after->prev;
    tw->prev = after;
    tw->next = after ? after->next : st->tw_head;
    if (tw->next)
        tw->next->prev = tw;
    else
        st->tw_tail = tw;
    if (after)
        after->next = tw;
    else
        st->tw_head = tw;
    if (st->tw_head == tw)
        timer_arm_at(&st->tw_timer, tw->expires);
}

static void tw_free(struct tcp_stack *st, struct tcp_tw *tw)
{
    tcp_node_unhash(st, &tw->node);
    fifo_remove(st, tw);
    st->stats.tw_live--;
    tcp_mem_update(st, -(int64_t)sizeof *tw);
    free(tw);
}

static void on_tw_timer(struct timer *t, void *ctx)
{
    (void)t;
    struct tcp_stack *st = ctx;
    sim_time_t now = sched_now(st->sched);
    while (st->tw_head && st->tw_head->expires <= now)
        tw_free(st, st->tw_head);
    if (st->tw_head)
        timer_arm_at(&st->tw_timer, st->tw_head->expires);
}

void tcp_tw_init(struct tcp_stack *st) { timer_init(&st->tw_timer, st->sched, on_tw_timer, st); }

void tcp_tw_free_all(struct tcp_stack *st)
{
    while (st->tw_head)
        tw_free(st, st->tw_head);
    timer_cancel(&st->tw_timer);
}

void tcp_tw_enter(struct tcp_sock *c, sim_time_t expires)
{
    struct tcp_stack *st = c->stack;
    struct tcp_tw *tw = calloc(1, sizeof *tw);
    if (tw) {
        tw->node = c->node;
        tw->node.hnext = NULL;
        tw->node.is_tw = 1;
        tw->snd_nxt = c->snd_nxt;
        tw->rcv_nxt = c->rcv_nxt;
        tw->ts_recent = c->ts_recent;
        tw->ts_ok = (c->flags & TF_TS_OK) != 0;
        uint32_t win = tcp_rcv_window(c) >> c->rcv_wscale;
        tw->window = (uint16_t)(win > 65535 ? 65535 : win);
        tw->expires = expires;
        tcp_sock_unhash(c);
        tcp_node_hash(st, &tw->node);
        fifo_insert(st, tw);
        st->stats.tw_live++;
        tcp_mem_update(st, (int64_t)sizeof *tw);
    }
    /* Out of memory: the connection simply ends without its TIME-WAIT. */
    tcp_sock_destroy(c);
}

static void tw_ack(struct tcp_stack *st, const struct tcp_tw *tw)
{
    struct tcp_hdr h = { 0 };
    h.sport = tw->node.lport;
    h.dport = tw->node.rport;
    h.seq = tw->snd_nxt;
    h.ack = tw->rcv_nxt;
    h.flags = TCP_FLAG_ACK;
    h.window = tw->window;
    if (tw->ts_ok) {
        tcp_opt_append_nop(&h);
        tcp_opt_append_nop(&h);
        uint32_t now_ms = (uint32_t)(sched_now(st->sched) / PS_PER_MS);
        tcp_opt_append_timestamp(&h, now_ms, tw->ts_recent);
    }
    tcp_emit(st, &h, &tw->node.laddr, &tw->node.raddr, 0);
}

bool tcp_tw_input(struct tcp_stack *st, struct tcp_tw *tw, const struct tcp_hdr *h,
                  uint32_t seg_len)
{
    uint16_t fl = h->flags;
    if (fl & TCP_FLAG_RST) {
        tw_free(st, tw);
        return false;
    }
    if ((fl & TCP_FLAG_SYN) && !(fl & TCP_FLAG_ACK) && seq_gt(h->seq, tw->rcv_nxt)) {
        tw_free(st, tw);
        return true;
    }
    if (fl & TCP_FLAG_FIN) {
        /* The peer did not get our last ACK: acknowledge again, 2 MSL from now. */
        tw_ack(st, tw);
        fifo_remove(st, tw);
        tw->expires = sched_now(st->sched) + st->cfg.time_wait;
        fifo_insert(st, tw); /* a stale earlier timer finds nothing due and re-arms */
        return false;
    }
    if (seg_len || h->seq != tw->rcv_nxt || (fl & TCP_FLAG_SYN))
        tw_ack(st, tw);
    return false;
}
