/* tcp_ack.c - processing the ACK field: send window, RTT, congestion window, loss recovery.
 *
 * Acceptable ACKs are SND.UNA - MAX.SND.WND <= SEG.ACK <= SND.MAX (RFC 5961 section 5.2; an
 * ACK beyond what was sent is answered and dropped, RFC 9293 3.10.7.4).
 * RFC 9293 section 3.10.7.4 (fifth check) for the window and the acceptable range; RFC 5681
 * section 3.2 for duplicate ACKs (same ACK, no data, no SYN/FIN, same window, data
 * outstanding) and fast retransmit on the third; RFC 6582 for NewReno: recovery remembers
 * `recover` = highest sequence sent, a partial ACK retransmits the next hole and deflates
 * cwnd by the bytes it acknowledged (plus one MSS back when at least one MSS was acked), the
 * first partial ACK restarts the RTO, a full ACK leaves recovery with
 * cwnd = min(ssthresh, max(FlightSize, SMSS) + SMSS) (section 3.2 step 3, option 1).
 * `recover` is kept one past the highest byte sent (snd_max), so the RFC's "ACK covers more
 * than recover" (section 3.2 step 2) reads SEG.ACK > recover and a full ACK is
 * SEG.ACK >= recover. With SACK negotiated, recovery follows RFC 6675 instead (tcp_sack.c):
 * entered on three duplicates or IsLost(snd_una), cwnd = ssthresh, transmissions paced by
 * pipe, partial ACKs only update the scoreboard; with `prr`, RFC 6937 sets cwnd on each ACK. cwnd grows only
 * while the sender uses it (a flow limited by the application or the peer's window does not
 * inflate cwnd, in the spirit of RFC 7661). Limited transmit (RFC 3042) sends one new
 * segment on each of the first two duplicates. Not modelled: RACK-TLP (RFC 8985), PRR
 * without SACK.
 */
#include "models/tcp/tcp_int.h"

uint32_t tcp_in_flight(const struct tcp_sock *c) { return c->snd_max - c->snd_una; }

void tcp_cc_sync(struct tcp_sock *c)
{
    c->cc.mss = c->mss;
    c->cc.in_flight = tcp_in_flight(c);
    c->cc.now = sched_now(c->stack->sched);
    c->cc.srtt = c->srtt;
    c->cc.snd_una = c->snd_una;
    c->cc.snd_nxt = c->snd_nxt;
}

void tcp_enter_loss(struct tcp_sock *c)
{
    tcp_cc_sync(c);
    /* RFC 5681 section 3.1: ssthresh is held constant when the segment was already
     * retransmitted by the timer. */
    if (c->backoff == 0)
        c->cc.ssthresh = c->cc.ops->ssthresh(&c->cc);
    c->cc.cwnd = c->mss; /* the loss window */
    tcp_sack_clear(c);
    c->high_rxt = c->snd_una;
    c->flags &= ~(TF_RECOVERY | TF_PARTIAL_ACK);
    c->recover = c->snd_max; /* RFC 6582 section 3.2 step 4 */
    c->dupacks = 0;
    if (c->cc.ops->cwnd_event)
        c->cc.ops->cwnd_event(&c->cc, TCP_CA_EVENT_LOSS);
}

static void enter_recovery(struct tcp_sock *c)
{
    tcp_cc_sync(c);
    c->recover = c->snd_max;
    c->cc.ssthresh = c->cc.ops->ssthresh(&c->cc);
    /* RFC 5681 section 3.2 step 3 inflates by the three segments the duplicates announce;
     * RFC 6675 counts them in pipe instead, so cwnd = ssthresh (section 5 step 4.2). */
    c->cc.cwnd = c->cc.ssthresh + ((c->flags & TF_SACK_OK) ? 0 : 3 * c->mss);
    c->flags |= TF_RECOVERY;
    c->flags &= ~TF_PARTIAL_ACK;
    c->stats.fast_retrans++;
    if (c->cc.ops->cwnd_event)
        c->cc.ops->cwnd_event(&c->cc, TCP_CA_EVENT_RECOVERY);
    /* RFC 6937: the recovery's accounting starts before the fast retransmission. */
    c->prr_delivered = 0;
    c->recover_fs = c->snd_max - c->snd_una;
    uint32_t head = tcp_retransmit_head(c);
    c->prr_out = head;
    c->high_rxt = seq_max(c->high_rxt, c->snd_una + head);
}

/* RFC 3042: on the first and second duplicate ACK, one previously unsent segment if the
 * peer's window allows, cwnd unchanged (FlightSize stays within cwnd + 2 SMSS). */
static void limited_transmit(struct tcp_sock *c)
{
    if (!c->stack->cfg.limited_transmit || c->snd_nxt != c->snd_max)
        return;
    uint32_t avail = seq_lt(c->snd_max, c->write_seq) ? c->write_seq - c->snd_max : 0;
    uint32_t limit = c->snd_una + c->snd_wnd;
    uint32_t usable = seq_gt(limit, c->snd_max) ? limit - c->snd_max : 0;
    uint32_t full = tcp_seg_max(c, c->snd_max);
    uint32_t len = avail < full ? avail : full;
    if (len > usable)
        len = usable;
    if (len < full && len < avail)
        return; /* only full segments, or the last bytes */
    if (len == 0)
        return;
    tcp_send_segment(c, c->snd_max, len, TCP_FLAG_ACK);
    c->snd_max += len;
    c->snd_nxt = c->snd_max;
}

static void on_dupack(struct tcp_sock *c, uint32_t ack)
{
    c->stats.dupacks_in++;
    if (c->dupacks < 255)
        c->dupacks++;
    bool sack = c->flags & TF_SACK_OK;
    if (c->flags & TF_RECOVERY) {
        if (!sack)
            c->cc.cwnd += c->mss; /* inflate: a segment has left the network */
        return;
    }
    /* RFC 6675 section 5: three duplicates, or IsLost(HighACK + 1) from the SACK blocks. */
    bool trigger = c->dupacks == 3 || (sack && c->dupacks < 3 && tcp_sack_head_lost(c));
    if (trigger && seq_gt(ack, c->recover))
        enter_recovery(c);
    else if (c->dupacks < 3)
        limited_transmit(c);
}

static void on_new_ack(struct tcp_sock *c, uint32_t ack)
{
    uint32_t acked = ack - c->snd_una;
    uint32_t data_acked = acked;
    if ((c->flags & TF_FIN_QUEUED) && seq_gt(ack, c->write_seq))
        data_acked--; /* the FIN's sequence number */
    bool cwnd_limited = tcp_in_flight(c) + c->mss >= c->cc.cwnd ||
                        (c->flags & TF_RECOVERY);
    sim_time_t rtt = -1;
    if ((c->flags & TF_RTT_TIMING) && seq_geq(ack, c->rtt_seq)) {
        rtt = sched_now(c->stack->sched) - c->rtt_start;
        c->flags &= ~TF_RTT_TIMING;
        tcp_rtt_sample(c, rtt);
    }
    c->snd_una = ack;
    if (seq_lt(c->snd_nxt, ack))
        c->snd_nxt = ack;
    if (seq_lt(c->high_rxt, ack))
        c->high_rxt = ack;
    tcp_sack_trim(c);
    c->stats.bytes_acked += data_acked;
    tcp_cc_sync(c);
    bool restart_rto = true;
    if (c->flags & TF_RECOVERY) {
        if (seq_geq(ack, c->recover)) {
            uint32_t flight = tcp_in_flight(c);
            uint32_t w = (flight > c->mss ? flight : c->mss) + c->mss;
            c->cc.cwnd = w < c->cc.ssthresh ? w : c->cc.ssthresh;
            if ((c->flags & TF_SACK_OK) && c->stack->cfg.prr)
                c->cc.cwnd = c->cc.ssthresh; /* RFC 6937 section 3: end of recovery */
            c->flags &= ~(TF_RECOVERY | TF_PARTIAL_ACK);
            c->dupacks = 0;
            if (c->cc.ops->cwnd_event)
                c->cc.ops->cwnd_event(&c->cc, TCP_CA_EVENT_RECOVERY_END);
        } else if (c->flags & TF_SACK_OK) {
            /* RFC 6675: a partial ACK only updates the scoreboard; the holes it reveals are
             * sent by tcp_sack_output() as pipe allows. */
        } else {
            /* Partial ACK: the next hole is lost too. */
            c->cc.cwnd = c->cc.cwnd > acked ? c->cc.cwnd - acked : c->mss;
            if (acked >= c->mss)
                c->cc.cwnd += c->mss;
            restart_rto = !(c->flags & TF_PARTIAL_ACK);
            c->flags |= TF_PARTIAL_ACK;
            tcp_retransmit_head(c);
        }
    } else {
        c->dupacks = 0;
        /* Keep `recover` within 2^31 of the ACKs it is compared with: moving it up to
         * SEG.ACK - 1 once SEG.ACK is past it changes no comparison with a later ACK. */
        if (seq_gt(ack, c->recover + 1))
            c->recover = ack - 1;
        if (cwnd_limited)
            c->cc.ops->cong_avoid(&c->cc, data_acked);
    }
    if (c->cc.ops->pkts_acked) {
        c->cc.snd_una = c->snd_una;
        c->cc.snd_nxt = c->snd_nxt;
        c->cc.ack_rtt = rtt;
        if (rtt < 0 && c->ack_tsecr_ok)
            c->cc.ack_rtt = (sim_time_t)(uint32_t)(tcp_ts_now(c) - c->ack_tsecr) * PS_PER_MS;
        c->cc.ops->pkts_acked(&c->cc, data_acked, rtt);
    }
    if (c->snd_una == c->snd_max) {
        tcp_rtx_stop(c); /* RFC 6298 (5.2) */
    } else if (restart_rto) {
        tcp_rtx_arm(c); /* (5.3) */
    }
}

void tcp_trace_cwnd(struct tcp_sock *c, uint32_t old_cwnd, uint32_t old_ssthresh)
{
    if (c->trace && c->trace->cwnd && (c->cc.cwnd != old_cwnd || c->cc.ssthresh != old_ssthresh))
        c->trace->cwnd(&c->base, c->trace_ctx, 0, c->cc.cwnd, c->cc.ssthresh);
}

bool tcp_ack(struct tcp_sock *c, const struct tcp_hdr *h, uint32_t seg_len)
{
    uint32_t ack = h->ack;
    uint32_t cwnd0 = c->cc.cwnd, ssthresh0 = c->cc.ssthresh;
    if (seq_gt(ack, c->snd_max)) {
        c->flags |= TF_ACK_NOW;
        return false;
    }
    /* RFC 5961 section 5.2: an ACK older than SND.UNA - MAX.SND.WND is not plausible (blind
     * injection): the segment is dropped and answered; an older ACK within that range is an
     * old duplicate whose ACK field is ignored. */
    if (seq_lt(ack, c->snd_una - c->max_snd_wnd)) {
        c->stats.challenge_acks++;
        c->flags |= TF_ACK_NOW;
        return false;
    }
    if (seq_lt(ack, c->snd_una))
        return true;
    uint32_t win = (uint32_t)h->window << c->snd_wscale;
    uint32_t una0 = c->snd_una, sacked0 = tcp_sack_bytes(c);
    bool sack_news = tcp_sack_update(c, h);
    /* RFC 5681 section 2 (same window); with SACK, RFC 6675 section 2 (new SACKed data). */
    bool dup = ack == c->snd_una && seg_len == 0 &&
               !(h->flags & (TCP_FLAG_SYN | TCP_FLAG_FIN)) && c->snd_max != c->snd_una &&
               ((c->flags & TF_SACK_OK) ? sack_news : win == c->snd_wnd);
    if (seq_lt(c->snd_wl1, h->seq) || (c->snd_wl1 == h->seq && seq_leq(c->snd_wl2, ack))) {
        c->snd_wnd = win;
        c->snd_wl1 = h->seq;
        c->snd_wl2 = ack;
        if (win > c->max_snd_wnd)
            c->max_snd_wnd = win;
    }
    bool was_recovering = c->flags & TF_RECOVERY;
    if (seq_gt(ack, c->snd_una))
        on_new_ack(c, ack);
    else if (dup)
        on_dupack(c, ack);
    if (was_recovering && (c->flags & TF_RECOVERY) && (c->flags & TF_SACK_OK) &&
        c->stack->cfg.prr) {
        /* DeliveredData (RFC 6937): the cumulative advance plus the change in SACKed bytes. */
        int64_t delivered = (int64_t)(c->snd_una - una0) +
                            (int64_t)tcp_sack_bytes(c) - (int64_t)sacked0;
        tcp_prr_ack(c, delivered > 0 ? (uint32_t)delivered : 0);
    }
    tcp_trace_cwnd(c, cwnd0, ssthresh0);
    if ((c->flags & TF_WANT_WRITE) && c->cb && c->cb->writable) {
        size_t room = tcp_sock_writable(c);
        if (room > 0) {
            c->flags &= ~TF_WANT_WRITE;
            c->cb->writable(&c->base, c->ctx, room);
        }
    }
    if (c->ulp) {
        /* Last, so that a ULP ending the connection from its event leaves nothing to do. */
        if (!was_recovering && (c->flags & TF_RECOVERY))
            tcp_ulp_event(c, TCP_ULP_EV_RECOVERY);
        if (c->ulp && seq_gt(c->snd_una, una0) && seq_lt(una0, c->write_seq))
            tcp_ulp_event(c, TCP_ULP_EV_ACKED);
        else if (c->ulp && dup && !seq_gt(ack, una0))
            tcp_ulp_event(c, TCP_ULP_EV_DUPACK);
    }
    return true;
}
