/* tcp_sack.c - the sender's SACK scoreboard and SACK-based loss recovery (RFC 6675).
 *
 * The scoreboard is a sorted array of disjoint SACKed ranges above snd_una, merged as blocks
 * arrive (RFC 2018 section 4 blocks are validated: inside (snd_una, snd_max], left < right;
 * others, including D-SACK blocks below snd_una, are ignored). Between the ranges lie the
 * holes. RFC 6675 works per octet; since no SACKed octet lies inside a hole, IsLost() has
 * the same value for every octet of a hole: lost when more than (DupThresh - 1) * SMSS
 * octets, or DupThresh discontiguous ranges, are SACKed above it (section 4, IsLost).
 * Pipe (section 4, SetPipe) = octets of holes not lost + octets retransmitted below HighRxt.
 * NextSeg() follows rules 1-3 of section 4: a lost hole above HighRxt, else new data, else a
 * hole below the highest SACKed octet; rule 4 (rescue retransmission) is not modelled.
 * How much may be sent is cwnd - pipe; with `prr` on (the default, as in Linux and ns-3),
 * cwnd itself is set on every ACK of the recovery by Proportional Rate Reduction (RFC 6937,
 * with the slow-start reduction bound): sndcnt = ceil(prr_delivered * ssthresh / RecoverFS)
 * - prr_out while pipe > ssthresh, else min(ssthresh - pipe, max(prr_delivered - prr_out,
 * DeliveredData) + MSS); cwnd = pipe + sndcnt. So the window shrinks to ssthresh smoothly,
 * one segment out for about every two delivered, instead of a pause then a burst.
 * On a timeout the scoreboard is cleared (section 5.1 allows it) and go-back-N retransmits.
 * Cost: O(ranges) per ACK, ranges <= holes in one window.
 */
#include <stdlib.h>
#include <string.h>

#include "models/tcp/tcp_int.h"

#define DUP_THRESH 3
#define SACK_INITIAL 4

void tcp_sack_clear(struct tcp_sock *c)
{
    if (c->cap_sacked)
        tcp_mem_update(c->stack, -(int64_t)(c->cap_sacked * sizeof *c->sacked));
    free(c->sacked);
    c->sacked = NULL;
    c->n_sacked = c->cap_sacked = 0;
}

static int insert_range(struct tcp_sock *c, uint32_t left, uint32_t right, bool *news)
{
    /* Merge every overlapping or adjacent range into [left, right). */
    unsigned i = 0;
    uint32_t covered = 0;
    while (i < c->n_sacked && seq_lt(c->sacked[i].right, left))
        i++;
    unsigned j = i;
    uint32_t l = left, r = right;
    while (j < c->n_sacked && seq_leq(c->sacked[j].left, right)) {
        uint32_t ol = seq_max(c->sacked[j].left, left), or = seq_min(c->sacked[j].right, right);
        if (seq_lt(ol, or))
            covered += or - ol;
        l = seq_min(l, c->sacked[j].left);
        r = seq_max(r, c->sacked[j].right);
        j++;
    }
    if (covered < right - left)
        *news = true;
    unsigned removed = j - i;
    if (removed == 0) {
        if (c->n_sacked == c->cap_sacked) {
            unsigned cap = c->cap_sacked ? 2u * c->cap_sacked : SACK_INITIAL;
            if (cap > UINT16_MAX)
                return -1;
            struct tcp_range *a = realloc(c->sacked, cap * sizeof *a);
            if (!a)
                return -1;
            tcp_mem_update(c->stack, (int64_t)((cap - c->cap_sacked) * sizeof *a));
            c->sacked = a;
            c->cap_sacked = (uint16_t)cap;
        }
        memmove(&c->sacked[i + 1], &c->sacked[i], (c->n_sacked - i) * sizeof *c->sacked);
        c->n_sacked++;
    } else if (removed > 1) {
        memmove(&c->sacked[i + 1], &c->sacked[j], (c->n_sacked - j) * sizeof *c->sacked);
        c->n_sacked = (uint16_t)(c->n_sacked - (removed - 1));
    }
    c->sacked[i].left = l;
    c->sacked[i].right = r;
    return 0;
}

bool tcp_sack_update(struct tcp_sock *c, const struct tcp_hdr *h)
{
    struct tcp_sack_block b[TCP_SACK_MAX_BLOCKS];
    size_t n = TCP_SACK_MAX_BLOCKS;
    if (!(c->flags & TF_SACK_OK) || tcp_opt_get_sack(h, b, &n) < 0)
        return false;
    bool news = false;
    for (size_t i = 0; i < n; i++) {
        uint32_t l = b[i].left, r = b[i].right;
        if (!seq_lt(l, r) || seq_leq(r, h->ack) || seq_gt(r, c->snd_max) ||
            seq_lt(l, c->snd_una))
            continue; /* invalid, D-SACK or stale (RFC 2883, RFC 2018 section 4) */
        if (insert_range(c, l, r, &news) < 0)
            break;
    }
    return news;
}

uint32_t tcp_sack_bytes(const struct tcp_sock *c)
{
    uint32_t n = 0;
    for (unsigned i = 0; i < c->n_sacked; i++)
        n += c->sacked[i].right - c->sacked[i].left;
    return n;
}

void tcp_sack_trim(struct tcp_sock *c)
{
    unsigned k = 0;
    while (k < c->n_sacked && seq_leq(c->sacked[k].right, c->snd_una))
        k++;
    if (k) {
        memmove(&c->sacked[0], &c->sacked[k], (c->n_sacked - k) * sizeof *c->sacked);
        c->n_sacked = (uint16_t)(c->n_sacked - k);
    }
    if (c->n_sacked && seq_lt(c->sacked[0].left, c->snd_una))
        c->sacked[0].left = c->snd_una;
    if (c->n_sacked == 0 && c->sacked)
        tcp_sack_clear(c);
}

/* Hole i lies below range i: [i == 0 ? snd_una : sacked[i-1].right, sacked[i].left). */
static bool hole_lost(const struct tcp_sock *c, unsigned i)
{
    uint32_t above = 0;
    for (unsigned k = i; k < c->n_sacked; k++)
        above += c->sacked[k].right - c->sacked[k].left;
    return c->n_sacked - i >= DUP_THRESH || above > (DUP_THRESH - 1) * (uint32_t)c->mss;
}

bool tcp_sack_head_lost(const struct tcp_sock *c)
{
    return c->n_sacked && seq_gt(c->sacked[0].left, c->snd_una) && hole_lost(c, 0);
}

uint32_t tcp_sack_pipe(const struct tcp_sock *c)
{
    uint32_t pipe = 0, start = c->snd_una;
    for (unsigned i = 0; i <= c->n_sacked; i++) {
        uint32_t end = i < c->n_sacked ? c->sacked[i].left : c->snd_max;
        if (seq_lt(start, end)) {
            bool lost = i < c->n_sacked && hole_lost(c, i);
            if (!lost)
                pipe += end - start;
            if (seq_gt(c->high_rxt, start))
                pipe += seq_min(c->high_rxt, end) - start;
        }
        if (i < c->n_sacked)
            start = c->sacked[i].right;
    }
    return pipe;
}

/* NextSeg() rules 1 and 3: the first hole octet at or above HighRxt, lost holes only for
 * rule 1. Returns false when there is none. */
static bool next_hole(struct tcp_sock *c, bool lost_only, uint32_t *seq, uint32_t *len)
{
    uint32_t start = c->snd_una;
    for (unsigned i = 0; i < c->n_sacked; i++) {
        uint32_t end = c->sacked[i].left;
        uint32_t s = seq_max(start, c->high_rxt);
        if (seq_lt(s, end) && (!lost_only || hole_lost(c, i))) {
            /* A hole of several segments is resent in pieces that respect the ULP's limit
             * even where the first transmissions were cut differently. */
            uint32_t max = tcp_seg_max(c, s);
            *seq = s;
            *len = end - s < max ? end - s : max;
            return true;
        }
        start = c->sacked[i].right;
    }
    return false;
}

static bool send_new(struct tcp_sock *c, uint32_t *sent)
{
    bool fin_queued = c->flags & TF_FIN_QUEUED;
    uint32_t avail = seq_lt(c->snd_max, c->write_seq) ? c->write_seq - c->snd_max : 0;
    uint32_t limit = c->snd_una + c->snd_wnd;
    uint32_t usable = seq_gt(limit, c->snd_max) ? limit - c->snd_max : 0;
    uint32_t max = tcp_seg_max(c, c->snd_max);
    uint32_t len = avail < max ? avail : max;
    if (len > usable)
        len = usable;
    bool fin = fin_queued && c->snd_max + len == c->write_seq;
    if (len == 0 && !fin)
        return false;
    uint16_t flags = TCP_FLAG_ACK | (fin ? TCP_FLAG_FIN : 0);
    tcp_send_segment(c, c->snd_max, len, flags);
    c->snd_max += len + (fin ? 1 : 0);
    c->snd_nxt = c->snd_max;
    *sent = len;
    return true;
}

static void resend(struct tcp_sock *c, uint32_t seq, uint32_t len)
{
    c->prr_out += len;
    if ((c->flags & TF_RTT_TIMING) && seq_lt(seq, c->rtt_seq))
        c->flags &= ~TF_RTT_TIMING; /* Karn */
    tcp_send_segment(c, seq, len, TCP_FLAG_ACK);
    c->high_rxt = seq + len;
    c->stats.retrans_segs++;
}

void tcp_sack_output(struct tcp_sock *c)
{
    /* Section 5, step (C): each pass adds at least one octet to pipe, so the loop ends. */
    while (c->cc.cwnd >= tcp_sack_pipe(c) + c->mss) {
        uint32_t seq, len;
        if (next_hole(c, true, &seq, &len))
            resend(c, seq, len);          /* rule 1 */
        else if (send_new(c, &len))
            c->prr_out += len;            /* rule 2 */
        else if (next_hole(c, false, &seq, &len))
            resend(c, seq, len);          /* rule 3 */
        else
            break;
        if (c->tmode != TMR_RETRANS)
            tcp_rtx_arm(c);
    }
}

void tcp_prr_ack(struct tcp_sock *c, uint32_t delivered)
{
    /* RFC 6937 section 3, on every ACK during recovery. */
    c->prr_delivered += delivered;
    uint32_t pipe = tcp_sack_pipe(c);
    uint32_t ss = c->cc.ssthresh;
    int64_t sndcnt;
    if (pipe > ss) {
        uint64_t num = (uint64_t)c->prr_delivered * ss;
        uint64_t fs = c->recover_fs ? c->recover_fs : 1;
        sndcnt = (int64_t)((num + fs - 1) / fs) - (int64_t)c->prr_out;
    } else {
        int64_t limit = (int64_t)c->prr_delivered - (int64_t)c->prr_out;
        if (limit < (int64_t)delivered)
            limit = delivered;
        limit += c->mss;
        sndcnt = (int64_t)(ss - pipe) < limit ? (int64_t)(ss - pipe) : limit;
    }
    if (sndcnt < 0)
        sndcnt = 0;
    c->cc.cwnd = pipe + (uint32_t)sndcnt;
}
