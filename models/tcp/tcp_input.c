/* tcp_input.c - a segment arrives on a connection (RFC 9293 section 3.10.7).
 *
 * SYN-SENT is handled per section 3.10.7.3 (including simultaneous open: a SYN without ACK
 * moves to SYN-RECEIVED and answers with SYN-ACK). The synchronized states follow the order
 * of section 3.10.7.4: PAWS (RFC 7323 section 5.3), sequence acceptability (the four cases of
 * the table), RST (RFC 5961 section 3.2: only an RST at exactly RCV.NXT resets, one elsewhere
 * in the window draws a challenge ACK), SYN (RFC 5961 section 4.2: challenge ACK), ACK
 * (tcp_ack.c), segment text, FIN. Out-of-order data is kept as sequence ranges (payload is
 * virtual, so nothing is copied) and acknowledged at once with SACK blocks; in-order data
 * is acknowledged at every second full segment or by the delayed-ACK timer, immediately when
 * it fills a hole (RFC 5681 section 4.2). A FIN is acknowledged at once.
 * A connection the application has let go of enters TIME-WAIT as a compact record
 * (tcp_timewait.c). Not modelled: urgent data, D-SACK (RFC 2883).
 */
#include "models/tcp/tcp_int.h"

static void notify_readable(struct tcp_sock *c)
{
    if (c->cb && c->cb->readable && !(c->flags & TF_ORPHAN))
        c->cb->readable(&c->base, c->ctx, tcp_rcv_queued(c));
    else if (c->flags & TF_ORPHAN)
        c->rcv_read = c->rcv_nxt; /* nobody will read: consume, keep the window open */
}

static void notify_closed(struct tcp_sock *c)
{
    if (c->cb && c->cb->closed && !(c->flags & TF_ORPHAN))
        c->cb->closed(&c->base, c->ctx);
}

/* The ULP reads an accepted segment's options (tcp_ulp.h rcv_options); false when TCP must
 * use nothing of the segment, or the ULP ended the connection meanwhile. */
static bool ulp_rcv(struct tcp_sock *c, const struct tcp_hdr *h, uint32_t seg_len)
{
    if (!c->ulp->rcv_options)
        return true;
    bool keep = c->ulp->rcv_options(c, c->ulp_ctx, h, seg_len);
    return keep && !(c->flags & TF_FREE_LATER);
}

void tcp_fail(struct tcp_sock *c, int err)
{
    if (err == SOCK_ERR_RESET || err == SOCK_ERR_REFUSED)
        c->stack->stats.conns_reset++;
    tcp_set_state(c, TCP_CLOSED);
    tcp_sock_unhash(c);
    tcp_rtx_stop(c);
    timer_cancel(&c->rtx);
    timer_cancel(&c->delack);
    if (c->ulp && !tcp_ulp_closed(c))
        return;
    if (c->parent || (c->flags & TF_ORPHAN)) {
        tcp_sock_destroy(c);
        return;
    }
    if (c->cb && c->cb->error)
        c->cb->error(&c->base, c->ctx, err);
}

void tcp_established(struct tcp_sock *c)
{
    struct tcp_stack *st = c->stack;
    tcp_set_state(c, TCP_ESTABLISHED);
    c->flags |= TF_ESTAB_SEEN;
    st->stats.conns_established++;
    tcp_rtx_stop(c);
    if (c->flags & TF_SYN_RETRANS) {
        /* RFC 5681 section 3.1: one segment after a lost SYN or SYN-ACK; RFC 6298 (5.7):
         * with no RTT sample yet, start data from a 3 s RTO. */
        c->cc.cwnd = c->mss;
        if (c->srtt == 0)
            c->rto = time_from_s(3) > st->cfg.rto_initial ? time_from_s(3) : st->cfg.rto_initial;
    }
    c->backoff = 0;
    if (c->ulp) {
        tcp_ulp_event(c, TCP_ULP_EV_ESTABLISHED);
        if (c->flags & TF_FREE_LATER)
            return;
    }
    if (c->parent) {
        tcp_listener_child_established(c);
        return;
    }
    if (c->cb && c->cb->connected)
        c->cb->connected(&c->base, c->ctx);
}

void tcp_syn_options(struct tcp_sock *c, const struct tcp_hdr *h)
{
    const struct tcp_config *cfg = &c->stack->cfg;
    uint16_t peer_mss;
    /* RFC 9293 section 3.7.1: without the option, assume 536 (IPv4) or 1220 (IPv6). */
    if (tcp_opt_get_mss(h, &peer_mss) < 0 || peer_mss == 0)
        peer_mss = c->node.raddr.family == 6 ? 1220 : 536;
    /* A tiny MSS would make every byte a segment (and leave no room for options): clamp as
     * Linux does (TCP_MIN_MSS, 88 bytes). */
    if (peer_mss < TCP_MIN_MSS)
        peer_mss = TCP_MIN_MSS;
    uint32_t own = tcp_family_mss(cfg, c->node.laddr.family);
    uint32_t mss = peer_mss < own ? peer_mss : own;
    uint8_t shift;
    if (cfg->wscale && tcp_opt_get_wscale(h, &shift) == 0) {
        c->flags |= TF_WS_OK;
        c->snd_wscale = shift > TCP_WSCALE_MAX ? TCP_WSCALE_MAX : shift; /* RFC 7323 2.3 */
    } else {
        c->flags &= ~TF_WS_OK;
        c->snd_wscale = 0;
        c->rcv_wscale = 0;
    }
    if (cfg->sack && tcp_opt_get_sack_perm(h) == 0)
        c->flags |= TF_SACK_OK;
    else
        c->flags &= ~TF_SACK_OK;
    uint32_t tsval, tsecr;
    if (cfg->timestamps && tcp_opt_get_timestamp(h, &tsval, &tsecr) == 0) {
        c->flags |= TF_TS_OK;
        c->ts_recent = tsval;
        mss -= 12; /* RFC 7323 section 3.2: 10 bytes + 2 NOPs in every segment */
    } else {
        c->flags &= ~TF_TS_OK;
    }
    mss -= tcp_ulp_mss_cut(c); /* the ULP's data-segment option (DSS), tcp_ulp.h */
    c->mss = (uint16_t)mss;
    c->rcv_mss = (uint16_t)mss;
    uint32_t iw = (uint32_t)cfg->initial_cwnd * mss;
    c->cc.mss = mss;
    c->cc.cwnd = iw;
}

static void syn_sent_input(struct tcp_sock *c, const struct tcp_hdr *h, uint32_t seg_len)
{
    bool ack_ok = false;
    if (h->flags & TCP_FLAG_ACK) {
        if (seq_leq(h->ack, c->iss) || seq_gt(h->ack, c->snd_max)) {
            if (!(h->flags & TCP_FLAG_RST))
                tcp_send_rst_for(c->stack, h, 0, &c->node.raddr, &c->node.laddr);
            return;
        }
        ack_ok = true;
    }
    if (h->flags & TCP_FLAG_RST) {
        if (ack_ok)
            tcp_fail(c, SOCK_ERR_REFUSED);
        return;
    }
    if (!(h->flags & TCP_FLAG_SYN))
        return;
    if (c->ulp && !ulp_rcv(c, h, seg_len))
        return;
    c->irs = h->seq;
    c->rcv_nxt = h->seq + 1;
    c->rcv_read = c->rcv_nxt;
    c->rcv_adv = c->rcv_nxt;
    tcp_syn_options(c, h);
    c->snd_wnd = h->window; /* never scaled in a SYN (RFC 7323 section 2.2) */
    c->max_snd_wnd = c->snd_wnd;
    c->snd_wl1 = h->seq;
    c->snd_wl2 = h->ack;
    if (ack_ok) {
        c->snd_una = h->ack;
        if ((c->flags & TF_RTT_TIMING) && !(c->flags & TF_SYN_RETRANS))
            tcp_rtt_sample(c, sched_now(c->stack->sched) - c->rtt_start);
        c->flags &= ~TF_RTT_TIMING;
        tcp_send_ack(c);
        tcp_established(c);
        if (!(c->flags & TF_FREE_LATER))
            tcp_output(c); /* data (and a FIN) queued while connecting */
        return;
    }
    /* Simultaneous open (section 3.10.7.3, fourth step). */
    tcp_set_state(c, TCP_SYN_RCVD);
    tcp_send_syn(c);
}

static bool seq_acceptable(const struct tcp_sock *c, uint32_t seq, uint32_t len)
{
    uint32_t wnd = seq_gt(c->rcv_adv, c->rcv_nxt) ? c->rcv_adv - c->rcv_nxt : 0;
    if (len == 0) {
        if (wnd == 0)
            return seq == c->rcv_nxt;
        return seq_in(seq, c->rcv_nxt, c->rcv_nxt + wnd);
    }
    if (wnd == 0)
        return false;
    return seq_in(seq, c->rcv_nxt, c->rcv_nxt + wnd) ||
           seq_in(seq + len - 1, c->rcv_nxt, c->rcv_nxt + wnd);
}

static void challenge_ack(struct tcp_sock *c)
{
    c->stats.challenge_acks++;
    tcp_send_ack(c);
}

static void rst_input(struct tcp_sock *c, const struct tcp_hdr *h)
{
    if (h->seq != c->rcv_nxt) {
        challenge_ack(c);
        return;
    }
    if (c->ulp) {
        /* The ULP reads the reset's options (an MPTCP reason); it cannot refuse it. */
        ulp_rcv(c, h, 0);
        if (c->flags & TF_FREE_LATER)
            return;
    }
    switch (c->state) {
    case TCP_SYN_RCVD:
        /* A passive child goes back to nothing (the listener still listens); an active
         * (simultaneous) open is refused. */
        tcp_fail(c, SOCK_ERR_REFUSED);
        return;
    case TCP_CLOSING:
    case TCP_LAST_ACK:
    case TCP_TIME_WAIT:
        tcp_set_state(c, TCP_CLOSED);
        tcp_sock_unhash(c);
        tcp_rtx_stop(c);
        timer_cancel(&c->rtx);
        if (c->ulp && !tcp_ulp_closed(c))
            return;
        if (c->flags & TF_ORPHAN)
            tcp_sock_destroy(c);
        else
            notify_closed(c);
        return;
    default:
        tcp_fail(c, SOCK_ERR_RESET);
        return;
    }
}

static void enter_time_wait(struct tcp_sock *c)
{
    tcp_set_state(c, TCP_TIME_WAIT);
    tcp_rtx_stop(c);
    if (c->flags & TF_ORPHAN)
        tcp_tw_enter(c, sched_now(c->stack->sched) + c->stack->cfg.time_wait);
    else
        tcp_timewait_start(c);
}

static void process_fin(struct tcp_sock *c)
{
    c->rcv_nxt++;
    c->flags |= TF_EOF | TF_ACK_NOW;
    c->flags &= ~TF_FIN_RCVD;
    if (c->ulp) {
        tcp_ulp_event(c, TCP_ULP_EV_FIN_RCVD);
        if (c->flags & TF_FREE_LATER)
            return;
    }
    switch (c->state) {
    case TCP_SYN_RCVD:
    case TCP_ESTABLISHED:
        tcp_set_state(c, TCP_CLOSE_WAIT);
        break;
    case TCP_FIN_WAIT_1:
        tcp_set_state(c, TCP_CLOSING); /* simultaneous close */
        break;
    case TCP_FIN_WAIT_2:
        tcp_send_ack(c);
        enter_time_wait(c);
        break;
    default:
        break;
    }
}

/* Segment text (section 3.10.7.4, seventh step); returns true when in-order data or the FIN
 * arrived (the application is to be told). */
static bool data_input(struct tcp_sock *c, uint32_t seq, uint32_t len, bool fin)
{
    const struct tcp_config *cfg = &c->stack->cfg;
    if (seq_lt(seq, c->rcv_nxt)) {
        uint32_t d = c->rcv_nxt - seq;
        if (d >= len) {
            /* Entirely old: the peer retransmitted; tell it at once where we are. */
            if (len)
                c->flags |= TF_ACK_NOW;
            len = 0;
        } else {
            len -= d;
        }
        seq = c->rcv_nxt;
    }
    uint32_t edge = seq_gt(c->rcv_adv, c->rcv_nxt) ? c->rcv_adv : c->rcv_nxt;
    if (seq_gt(seq + len, edge)) {
        len = seq_gt(edge, seq) ? edge - seq : 0;
        fin = false;
    }
    bool delivered = false;
    if (len) {
        if (len > c->rcv_mss) {
            uint32_t own = tcp_family_mss(cfg, c->node.laddr.family);
            c->rcv_mss = (uint16_t)(len < own ? len : own);
        }
        if (seq == c->rcv_nxt) {
            c->rcv_nxt += len;
            c->stats.bytes_received += len;
            delivered = true;
            if (c->n_ooo) {
                uint32_t before = c->rcv_nxt;
                tcp_ooo_pull(c);
                c->stats.bytes_received += c->rcv_nxt - before;
                c->flags |= TF_ACK_NOW;
            } else {
                if (len >= c->rcv_mss)
                    c->delack_segs++;
                tcp_delack_schedule(c);
            }
        } else if (tcp_ooo_add(c, seq, seq + len) == 0) {
            c->flags |= TF_ACK_NOW; /* duplicate ACK at once (RFC 5681 section 4.2) */
        }
    }
    if (fin) {
        c->flags |= TF_FIN_RCVD;
        c->rcv_fin = seq + len;
    }
    if ((c->flags & TF_FIN_RCVD) && c->rcv_fin == c->rcv_nxt) {
        process_fin(c);
        delivered = true;
    } else if (fin) {
        c->flags |= TF_ACK_NOW;
    }
    return delivered;
}

/* RFC 7323 section 5.3 R1 (PAWS): a timestamp older than TS.Recent marks an old
 * duplicate. Returns true to drop. *tsval is set when the segment has a timestamp. */
static bool paws_reject(struct tcp_sock *c, const struct tcp_hdr *h, bool *has_ts,
                        uint32_t *tsval)
{
    uint32_t tsecr = 0;
    *has_ts = (c->flags & TF_TS_OK) && tcp_opt_get_timestamp(h, tsval, &tsecr) == 0;
    c->ack_tsecr = tsecr;
    c->ack_tsecr_ok = *has_ts && tsecr != 0;
    return *has_ts && !(h->flags & TCP_FLAG_RST) && seq_lt(*tsval, c->ts_recent);
}

void tcp_conn_input(struct tcp_sock *c, const struct tcp_hdr *h, uint32_t seg_len)
{
    uint16_t fl = h->flags;
    if (c->state == TCP_CLOSED) {
        if (!(fl & TCP_FLAG_RST))
            tcp_send_rst_for(c->stack, h, seg_len, &c->node.raddr, &c->node.laddr);
        return;
    }
    if (c->state == TCP_SYN_SENT) {
        syn_sent_input(c, h, seg_len);
        return;
    }
    if (c->state == TCP_SYN_RCVD && (fl & TCP_FLAG_SYN) && !(fl & TCP_FLAG_ACK) &&
        h->seq == c->irs) {
        tcp_send_syn(c); /* the peer did not get our SYN-ACK: send it again */
        return;
    }
    bool has_ts;
    uint32_t tsval = 0;
    if (paws_reject(c, h, &has_ts, &tsval)) {
        c->stack->stats.paws_drops++;
        tcp_send_ack(c);
        return;
    }
    uint32_t len = seg_len + !!(fl & TCP_FLAG_SYN) + !!(fl & TCP_FLAG_FIN);
    if (!seq_acceptable(c, h->seq, len)) {
        if (fl & TCP_FLAG_RST)
            return;
        /* A zero window accepts no data, but its ACK is still processed (section
         * 3.10.7.4: "special allowance should be made to accept valid ACKs"). */
        if (h->seq == c->rcv_nxt && (fl & TCP_FLAG_ACK) && c->state != TCP_SYN_RCVD &&
            (!c->ulp || ulp_rcv(c, h, seg_len)))
            tcp_ack(c, h, seg_len);
        if (!(c->flags & TF_FREE_LATER)) {
            tcp_send_ack(c);
            tcp_output(c);
        }
        return;
    }
    if (fl & TCP_FLAG_RST) {
        rst_input(c, h);
        return;
    }
    if (fl & TCP_FLAG_SYN) {
        challenge_ack(c);
        return;
    }
    if (!(fl & TCP_FLAG_ACK))
        return;
    if (c->ulp && !ulp_rcv(c, h, seg_len))
        return; /* refused by the ULP: nothing below happens (tcp_ulp.h) */
    /* R3: TS.Recent moves only for an acceptable segment that covers the last ACK sent (RFC
     * 7323 section 4.3) and whose ACK is valid, as Linux requires, so that a forged segment
     * has to guess both sequence spaces to poison it. */
    if (has_ts && seq_leq(h->seq, c->last_ack_sent) && seq_geq(h->ack, c->snd_una) &&
        seq_leq(h->ack, c->snd_max))
        c->ts_recent = tsval;
    if (c->state == TCP_SYN_RCVD) {
        if (!(seq_lt(c->snd_una, h->ack) && seq_leq(h->ack, c->snd_max))) {
            tcp_send_rst_for(c->stack, h, seg_len, &c->node.raddr, &c->node.laddr);
            return;
        }
        if (c->parent && tcp_listener_accept_full(c->parent)) {
            /* Linux behaviour: with a full accept queue the final ACK is dropped and the
             * SYN-ACK retransmitted later, so the client's ACK is not lost for good. */
            tcp_listener_count_overflow(c->parent);
            return;
        }
        c->snd_una = h->ack;
        c->snd_wnd = (uint32_t)h->window << c->snd_wscale;
        c->max_snd_wnd = c->snd_wnd;
        c->snd_wl1 = h->seq;
        c->snd_wl2 = h->ack;
        if ((c->flags & TF_RTT_TIMING) && !(c->flags & TF_SYN_RETRANS))
            tcp_rtt_sample(c, sched_now(c->stack->sched) - c->rtt_start);
        c->flags &= ~TF_RTT_TIMING;
        tcp_established(c);
        if (c->flags & TF_FREE_LATER)
            return;
    } else if (c->state != TCP_TIME_WAIT) {
        if (!tcp_ack(c, h, seg_len)) {
            tcp_send_ack(c);
            return;
        }
        if (c->flags & TF_FREE_LATER)
            return;
        bool fin_acked = (c->flags & TF_FIN_QUEUED) && c->snd_una == c->write_seq + 1;
        if (fin_acked) {
            if (c->state == TCP_FIN_WAIT_1) {
                tcp_set_state(c, TCP_FIN_WAIT_2);
                /* An orphan waits for the peer's FIN at most time_wait (Linux's
                 * tcp_fin_timeout), so a silent peer cannot pin memory forever. */
                if (c->flags & TF_ORPHAN)
                    tcp_timewait_start(c);
            } else if (c->state == TCP_CLOSING) {
                enter_time_wait(c);
                notify_closed(c);
                if (c->flags & TF_FREE_LATER)
                    return;
            } else if (c->state == TCP_LAST_ACK) {
                tcp_set_state(c, TCP_CLOSED);
                tcp_sock_unhash(c);
                tcp_rtx_stop(c);
                if (c->ulp && !tcp_ulp_closed(c))
                    return;
                if (c->flags & TF_ORPHAN)
                    tcp_sock_destroy(c);
                else
                    notify_closed(c);
                return;
            }
        }
    }
    bool deliver = false;
    bool fin = fl & TCP_FLAG_FIN;
    switch (c->state) {
    case TCP_ESTABLISHED:
    case TCP_FIN_WAIT_1:
    case TCP_FIN_WAIT_2:
        deliver = data_input(c, h->seq, seg_len, fin);
        break;
    case TCP_TIME_WAIT:
        if (fin) {
            /* A retransmitted FIN: our ACK was lost. ACK again, restart 2 MSL. */
            tcp_send_ack(c);
            tcp_timewait_start(c);
        }
        return;
    default:
        if (fin)
            c->flags |= TF_ACK_NOW; /* retransmitted FIN in CLOSE-WAIT, CLOSING, LAST-ACK */
        break;
    }
    if (c->flags & TF_FREE_LATER)
        return;
    bool now_closed = c->state == TCP_TIME_WAIT; /* FIN-WAIT-2 got the FIN: all done */
    tcp_output(c);
    if (c->flags & TF_ACK_NOW)
        tcp_send_ack(c);
    if (deliver)
        notify_readable(c);
    if (now_closed && !(c->flags & TF_FREE_LATER))
        notify_closed(c); /* after the end-of-file, as a read() of 0 comes before close */
}
