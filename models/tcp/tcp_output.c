/* tcp_output.c - building segments on real wire bytes and deciding what to send.
 *
 * Every segment is a struct tcp_hdr filled here and encoded by the wire codec into a packet
 * from the stack's pool: header and options are real bytes, the payload is virtual. Options
 * follow Linux's layout: SYN and SYN-ACK carry MSS, SACK-permitted, timestamps and window
 * scale (20 bytes); other segments NOP NOP TS (12 bytes) and, when the receiver holds
 * out-of-order data, NOP NOP SACK with as many blocks as fit (RFC 2018 section 3: 3 with
 * timestamps, 4 without).
 * Sending policy: window = min(cwnd, peer window); Nagle (RFC 1122 4.2.3.4) holds a short
 * segment while data is unacknowledged; sender SWS avoidance (RFC 9293 3.8.6.2.1) holds a
 * short window-limited segment until half the largest window seen is usable, the persist
 * timer covering the rest. Not modelled: TSO, pacing, PSH semantics (PSH is set as Linux does
 * on the last segment of a write, here on every segment that empties the queue).
 */
#include "models/tcp/tcp_int.h"
#include "models/wire/bytes.h"
#include "models/wire/checksum.h"
#include "sim/log.h"

LOG_MODULE(tcp)

static const char *const state_names[] = {
    "CLOSED", "LISTEN", "SYN_SENT", "SYN_RCVD", "ESTABLISHED", "FIN_WAIT_1",
    "FIN_WAIT_2", "CLOSE_WAIT", "CLOSING", "LAST_ACK", "TIME_WAIT",
};

const char *tcp_state_name(int state)
{
    if (state < 0 || state > TCP_TIME_WAIT)
        return "?";
    return state_names[state];
}

void tcp_set_state(struct tcp_sock *c, int state)
{
    log_debug(tcp, "%u -> %u: %s -> %s", c->node.lport, c->node.rport, tcp_state_name(c->state),
              tcp_state_name(state));
    int from = c->state;
    c->state = (uint8_t)state;
    if (c->trace && c->trace->state && from != state)
        c->trace->state(&c->base, c->trace_ctx, 0, from, state);
}

uint32_t tcp_ts_now(const struct tcp_sock *c)
{
    /* A 1 ms timestamp clock, as Linux (RFC 7323 section 5.4 allows 1 ms to 1 s). */
    return (uint32_t)(sched_now(c->stack->sched) / PS_PER_MS);
}

void tcp_emit(struct tcp_stack *st, struct tcp_hdr *h, const struct sock_addr *laddr,
              const struct sock_addr *raddr, uint32_t payload_len)
{
    tcp_opts_pad(h);
    size_t hlen = tcp_hdr_len(h);
    struct packet *pkt = pkt_alloc(st->pool, 0);
    if (!pkt)
        return; /* out of memory: the segment is lost, as a full device queue would lose it */
    uint8_t *p = pkt_push(pkt, hlen);
    size_t n;
    h->csum = 0;
    if (!p || tcp_encode(h, p, hlen, &n) < 0) {
        pkt_free(pkt);
        return;
    }
    pkt_mark_l4(pkt);
    pkt_set_virtual(pkt, payload_len);
    uint32_t len = (uint32_t)hlen + payload_len;
    uint32_t pseudo;
    if (laddr->family == 6)
        pseudo = csum_pseudo_v6(laddr->bytes, raddr->bytes, 6, len);
    else
        pseudo = csum_pseudo_v4(rd32(laddr->bytes), rd32(raddr->bytes), 6, len);
    /* The virtual payload is zeros: it adds nothing to the one's-complement sum. */
    wr16(p + 16, csum_transport(pseudo, p, hlen, 16));
    st->stats.segs_out++;
    st->ops.send(st->ip_ctx, pkt, laddr, raddr);
}

uint32_t tcp_rcv_window(struct tcp_sock *c)
{
    const struct tcp_config *cfg = &c->stack->cfg;
    uint32_t used = c->rcv_nxt - c->rcv_read;
    uint32_t space = cfg->rcvbuf > used ? (uint32_t)cfg->rcvbuf - used : 0;
    if (c->ulp && c->ulp->rcv_window) {
        /* The ULP's window replaces the free buffer space; the rules below (the scaled
         * field's reach, SWS avoidance, never shrinking) apply to it as to TCP's own. */
        uint32_t w = c->ulp->rcv_window(c, c->ulp_ctx);
        if (w != UINT32_MAX)
            space = w;
    }
    uint32_t cap = (uint32_t)65535 << c->rcv_wscale;
    if (space > cap)
        space = cap;
    uint32_t cur = seq_gt(c->rcv_adv, c->rcv_nxt) ? c->rcv_adv - c->rcv_nxt : 0;
    /* Receiver SWS avoidance (RFC 9293 3.8.6.2.2, RFC 1122 4.2.3.3): move the right edge only
     * by at least min(rcvbuf / 2, MSS); and never shrink the window (RFC 9293 3.8.6). */
    uint32_t step = (uint32_t)(cfg->rcvbuf / 2 < c->rcv_mss ? cfg->rcvbuf / 2 : c->rcv_mss);
    if (space < cur || space - cur < step)
        space = cur;
    /* What a scaled window field can say: round down, except that rounding must not shrink
     * the edge already advertised. */
    uint32_t win = space >> c->rcv_wscale << c->rcv_wscale;
    if (win < cur)
        win = ((cur + (1u << c->rcv_wscale) - 1) >> c->rcv_wscale) << c->rcv_wscale;
    return win;
}

void tcp_add_sack_blocks(struct tcp_sock *c, struct tcp_hdr *h, size_t room)
{
    if (room < 2 + 2 + TCPOLEN_SACK_BLOCK)
        return;
    size_t n = (room - 4) / TCPOLEN_SACK_BLOCK;
    if (n > c->n_ooo)
        n = c->n_ooo;
    struct tcp_sack_block b[TCP_SACK_MAX_BLOCKS];
    for (size_t i = 0; i < n; i++) {
        b[i].left = c->ooo[i].left;
        b[i].right = c->ooo[i].right;
    }
    tcp_opt_append_nop(h);
    tcp_opt_append_nop(h);
    tcp_opt_append_sack(h, b, n);
}

void tcp_send_segment(struct tcp_sock *c, uint32_t seq, uint32_t len, uint16_t flags)
{
    struct tcp_stack *st = c->stack;
    struct tcp_hdr h = { 0 };
    h.sport = c->node.lport;
    h.dport = c->node.rport;
    h.seq = seq;
    h.flags = flags;
    uint32_t win = tcp_rcv_window(c);
    if (flags & TCP_FLAG_SYN) {
        /* RFC 7323 section 2.2: the window of a SYN is never scaled. */
        h.window = (uint16_t)(win > 65535 ? 65535 : win);
        tcp_opt_append_mss(&h, (uint16_t)tcp_family_mss(&st->cfg, c->node.laddr.family));
        bool synack = flags & TCP_FLAG_ACK;
        if (st->cfg.sack && (!synack || (c->flags & TF_SACK_OK)))
            tcp_opt_append_sack_perm(&h);
        if (st->cfg.timestamps && (!synack || (c->flags & TF_TS_OK)))
            tcp_opt_append_timestamp(&h, tcp_ts_now(c), synack ? c->ts_recent : 0);
        if (st->cfg.wscale && (!synack || (c->flags & TF_WS_OK))) {
            tcp_opt_append_nop(&h);
            tcp_opt_append_wscale(&h, c->rcv_wscale);
        }
        if (c->ulp && c->ulp->write_options)
            c->ulp->write_options(c, c->ulp_ctx, &h, len);
    } else {
        h.window = (uint16_t)(win >> c->rcv_wscale);
        if (c->flags & TF_TS_OK) {
            tcp_opt_append_nop(&h);
            tcp_opt_append_nop(&h);
            tcp_opt_append_timestamp(&h, tcp_ts_now(c), c->ts_recent);
        }
        if (c->ulp)
            tcp_ulp_write_options(c, &h, len);
        else if ((c->flags & TF_SACK_OK) && c->n_ooo && (flags & TCP_FLAG_ACK))
            tcp_add_sack_blocks(c, &h, tcp_opt_space_free(&h));
    }
    if (flags & TCP_FLAG_ACK) {
        h.ack = c->rcv_nxt;
        c->last_ack_sent = c->rcv_nxt;
        if (seq_gt(c->rcv_nxt + win, c->rcv_adv) || !(flags & TCP_FLAG_SYN))
            c->rcv_adv = c->rcv_nxt + win;
        /* Any segment carrying an ACK acknowledges what the delayed ACK would have. */
        c->delack_segs = 0;
        c->flags &= ~TF_ACK_NOW;
        timer_stop(&c->delack); /* no queue work; tcp_sock_destroy cancels for good */
    }
    c->stats.segs_out++;
    tcp_emit(st, &h, &c->node.laddr, &c->node.raddr, len);
}

void tcp_send_syn(struct tcp_sock *c)
{
    uint16_t flags = TCP_FLAG_SYN;
    if (c->state == TCP_SYN_RCVD)
        flags |= TCP_FLAG_ACK;
    if (!(c->flags & TF_SYN_RETRANS)) {
        c->flags |= TF_RTT_TIMING; /* the handshake gives the first RTT sample */
        c->rtt_seq = c->iss + 1;
        c->rtt_start = sched_now(c->stack->sched);
    }
    tcp_send_segment(c, c->iss, 0, flags);
    c->snd_nxt = c->iss + 1;
    if (seq_gt(c->snd_nxt, c->snd_max))
        c->snd_max = c->snd_nxt;
}

void tcp_send_ack(struct tcp_sock *c)
{
    tcp_send_segment(c, c->snd_nxt, 0, TCP_FLAG_ACK);
}

void tcp_send_rst_for(struct tcp_stack *st, const struct tcp_hdr *in, uint32_t seg_len,
                      const struct sock_addr *src, const struct sock_addr *dst)
{
    /* RFC 9293 section 3.10.7.1: the reset takes its sequence number from the ACK field of
     * the offending segment, or acknowledges the segment if it had no ACK. */
    struct tcp_hdr h = { 0 };
    h.sport = in->dport;
    h.dport = in->sport;
    if (in->flags & TCP_FLAG_ACK) {
        h.seq = in->ack;
        h.flags = TCP_FLAG_RST;
    } else {
        uint32_t len = seg_len + !!(in->flags & TCP_FLAG_SYN) + !!(in->flags & TCP_FLAG_FIN);
        h.ack = in->seq + len;
        h.flags = TCP_FLAG_RST | TCP_FLAG_ACK;
    }
    tcp_emit(st, &h, dst, src, 0);
}

uint32_t tcp_retransmit_head(struct tcp_sock *c)
{
    uint32_t avail = c->write_seq - c->snd_una;
    uint32_t max = tcp_seg_max(c, c->snd_una);
    uint32_t len = avail < max ? avail : max;
    uint16_t flags = TCP_FLAG_ACK;
    if ((c->flags & TF_FIN_QUEUED) && c->snd_una + len == c->write_seq &&
        seq_gt(c->snd_max, c->write_seq))
        flags |= TCP_FLAG_FIN;
    /* Karn: an ACK covering a retransmitted segment gives no RTT sample. */
    if ((c->flags & TF_RTT_TIMING) && seq_lt(c->snd_una, c->rtt_seq))
        c->flags &= ~TF_RTT_TIMING;
    tcp_send_segment(c, c->snd_una, len, flags);
    c->stats.retrans_segs++;
    uint32_t end = c->snd_una + len + !!(flags & TCP_FLAG_FIN);
    if (seq_gt(end, c->snd_nxt))
        c->snd_nxt = end;
    if (c->tmode != TMR_RETRANS)
        tcp_rtx_arm(c);
    return len;
}

static bool can_send_data(const struct tcp_sock *c)
{
    switch (c->state) {
    case TCP_ESTABLISHED:
    case TCP_CLOSE_WAIT:
    case TCP_FIN_WAIT_1:
    case TCP_CLOSING:
    case TCP_LAST_ACK:
        return true;
    default:
        return false;
    }
}

void tcp_output(struct tcp_sock *c)
{
    if (!can_send_data(c))
        return;
    if ((c->flags & (TF_RECOVERY | TF_SACK_OK)) == (TF_RECOVERY | TF_SACK_OK)) {
        tcp_sack_output(c);
        return;
    }
    bool fin_queued = c->flags & TF_FIN_QUEUED;
    uint32_t end = c->write_seq + (fin_queued ? 1 : 0);
    sim_time_t now = sched_now(c->stack->sched);
    /* RFC 5681 section 4.1: when nothing was sent for longer than the RTO, restart from the
     * restart window min(IW, cwnd). */
    if (c->snd_una == c->snd_max && seq_lt(c->snd_nxt, end) && c->last_data_sent >= 0 &&
        now - c->last_data_sent > c->rto) {
        uint32_t iw = (uint32_t)c->stack->cfg.initial_cwnd * c->mss;
        if (c->cc.cwnd > iw) {
            uint32_t cwnd0 = c->cc.cwnd;
            c->cc.cwnd = iw;
            tcp_trace_cwnd(c, cwnd0, c->cc.ssthresh);
        }
        if (c->cc.ops->cwnd_event) {
            tcp_cc_sync(c);
            c->cc.ops->cwnd_event(&c->cc, TCP_CA_EVENT_TX_START);
        }
    }
    while (seq_lt(c->snd_nxt, end)) {
        uint32_t avail = c->write_seq - c->snd_nxt;
        if (seq_gt(c->snd_nxt, c->write_seq))
            avail = 0;
        uint32_t wnd = c->snd_wnd < c->cc.cwnd ? c->snd_wnd : c->cc.cwnd;
        uint32_t limit = c->snd_una + wnd;
        uint32_t usable = seq_gt(limit, c->snd_nxt) ? limit - c->snd_nxt : 0;
        /* A segment the ULP ends early (seg_limit) is a full one for Nagle and SWS. */
        uint32_t full = tcp_seg_max(c, c->snd_nxt);
        uint32_t len = avail < full ? avail : full;
        if (len > usable)
            len = usable;
        bool fin = fin_queued && c->snd_nxt + len == c->write_seq;
        /* A bare FIN still needs room in the congestion window. */
        if (fin && len == 0 && c->snd_nxt != c->snd_una && tcp_in_flight(c) >= c->cc.cwnd)
            fin = false;
        if (len == 0 && !fin)
            break;
        if (len < full && !fin) {
            if (len < avail) {
                if (len < c->max_snd_wnd / 2)
                    break; /* sender SWS avoidance */
            } else if ((c->flags & TF_NAGLE) && c->snd_nxt != c->snd_una) {
                break; /* Nagle */
            }
        }
        bool retrans = seq_lt(c->snd_nxt, c->snd_max);
        uint16_t flags = TCP_FLAG_ACK | (fin ? TCP_FLAG_FIN : 0);
        if (len && len == avail)
            flags |= TCP_FLAG_PSH;
        tcp_send_segment(c, c->snd_nxt, len, flags);
        c->last_data_sent = now;
        c->snd_nxt += len + (fin ? 1 : 0);
        if (retrans) {
            c->stats.retrans_segs++;
        } else {
            c->snd_max = c->snd_nxt;
            if (!(c->flags & TF_RTT_TIMING)) {
                c->flags |= TF_RTT_TIMING;
                c->rtt_seq = c->snd_nxt;
                c->rtt_start = now;
            }
        }
        if (c->tmode == TMR_PERSIST)
            c->backoff = 0; /* the window opened: probing is over */
        if (c->tmode != TMR_RETRANS)
            tcp_rtx_arm(c);
    }
    if (c->snd_una == c->snd_max && seq_lt(c->snd_nxt, end) && c->tmode == TMR_NONE)
        tcp_persist_arm(c);
}
