/* tcp_timer.c - RTT estimation and the timers of a connection.
 *
 * RTO per RFC 6298: SRTT/RTTVAR with alpha = 1/8, beta = 1/4, K = 4, clock granularity G =
 * 1 ms; RTO = max(rto_min, SRTT + max(G, 4 RTTVAR)), at most rto_max; 1 s before the first
 * sample (2.1); doubled on every expiry (5.5) until a new sample recomputes it (5.7); samples
 * from one timed segment per RTT, never from a retransmitted one (Karn, section 3).
 * One struct timer serves the retransmission, persist and TIME-WAIT roles (they never
 * overlap); the delayed-ACK timer is the other (RFC 1122 4.2.3.2, RFC 5681 section 4.2).
 * On expiry the RTO collapses cwnd to one segment after setting ssthresh (RFC 5681 eq. 4,
 * only on the first expiry of an episode), leaves recovery with recover = highest sequence
 * sent (RFC 6582 section 3.2 step 4), and retransmits go-back-N from snd_una.
 * Zero-window probes are Linux-style: a bare ACK with sequence snd_una - 1 that the receiver
 * must answer with its current window (RFC 9293 3.8.6.1 allows any probe that elicits an
 * ACK), sent after the RTO and then at doubling intervals up to rto_max, never giving up
 * while the peer answers. Not modelled: keepalive, F-RTO, RACK/TLP.
 */
#include "models/tcp/tcp_int.h"

#define TCP_CLOCK_G_PS PS_PER_MS

sim_time_t tcp_rto_backed_off(const struct tcp_sock *c)
{
    sim_time_t max = c->stack->cfg.rto_max;
    sim_time_t r = c->rto;
    for (unsigned i = 0; i < c->backoff && r < max; i++)
        r *= 2;
    return r < max ? r : max;
}

void tcp_rtt_sample(struct tcp_sock *c, sim_time_t r)
{
    const struct tcp_config *cfg = &c->stack->cfg;
    if (c->srtt == 0) {
        c->srtt = r;                    /* (2.2) */
        c->rttvar = r / 2;
    } else {
        sim_time_t d = c->srtt > r ? c->srtt - r : r - c->srtt;
        c->rttvar = (3 * c->rttvar + d) / 4; /* (2.3), beta = 1/4 */
        c->srtt = (7 * c->srtt + r) / 8;     /* alpha = 1/8 */
    }
    if (c->cc.min_rtt == 0 || r < c->cc.min_rtt)
        c->cc.min_rtt = r;
    sim_time_t var = 4 * c->rttvar;
    sim_time_t rto = c->srtt + (var > TCP_CLOCK_G_PS ? var : TCP_CLOCK_G_PS);
    if (rto < cfg->rto_min)
        rto = cfg->rto_min;                 /* (2.4) */
    if (rto > cfg->rto_max)
        rto = cfg->rto_max;                 /* (2.5) */
    c->rto = rto;
    c->backoff = 0;
    c->stats.rtt_samples++;
    if (c->trace && c->trace->rtt)
        c->trace->rtt(&c->base, c->trace_ctx, 0, r, c->srtt, c->rto);
}

void tcp_rtx_arm(struct tcp_sock *c)
{
    c->tmode = TMR_RETRANS;
    timer_arm_in(&c->rtx, tcp_rto_backed_off(c));
}

void tcp_rtx_stop(struct tcp_sock *c)
{
    if (c->tmode == TMR_RETRANS || c->tmode == TMR_PERSIST) {
        c->tmode = TMR_NONE;
        timer_stop(&c->rtx); /* teardown paths cancel it for good */
    }
}

void tcp_persist_arm(struct tcp_sock *c)
{
    c->tmode = TMR_PERSIST;
    timer_arm_in(&c->rtx, tcp_rto_backed_off(c));
}

void tcp_timewait_start(struct tcp_sock *c)
{
    c->tmode = TMR_TIMEWAIT;
    timer_cancel(&c->delack);
    timer_arm_in(&c->rtx, c->stack->cfg.time_wait);
}

void tcp_delack_schedule(struct tcp_sock *c)
{
    const struct tcp_config *cfg = &c->stack->cfg;
    if (!cfg->delack || c->delack_segs >= 2) {
        c->flags |= TF_ACK_NOW;
        return;
    }
    /* Armed at the first unacknowledged segment and not pushed back by later ones, so an ACK
     * is never delayed more than delack_timeout (RFC 1122 4.2.3.2). */
    if (!timer_is_armed(&c->delack))
        timer_arm_in(&c->delack, cfg->delack_timeout);
}

static void syn_timeout(struct tcp_sock *c)
{
    const struct tcp_config *cfg = &c->stack->cfg;
    uint64_t limit = c->state == TCP_SYN_SENT ? cfg->syn_retries : cfg->synack_retries;
    if (c->backoff >= limit) {
        c->stack->stats.conns_timed_out++;
        tcp_fail(c, SOCK_ERR_TIMEOUT);
        return;
    }
    c->backoff++;
    c->stats.rto_count++;
    c->stats.retrans_segs++;
    c->flags |= TF_SYN_RETRANS;
    tcp_send_syn(c);
    tcp_rtx_arm(c);
    tcp_ulp_event(c, TCP_ULP_EV_RTO);
}

static void data_timeout(struct tcp_sock *c)
{
    if (c->backoff >= c->stack->cfg.data_retries) {
        c->stack->stats.conns_timed_out++;
        tcp_fail(c, SOCK_ERR_TIMEOUT);
        return;
    }
    c->stats.rto_count++;
    uint32_t cwnd0 = c->cc.cwnd, ssthresh0 = c->cc.ssthresh;
    tcp_enter_loss(c);
    tcp_trace_cwnd(c, cwnd0, ssthresh0);
    c->backoff++;                           /* (5.5) */
    c->snd_nxt = c->snd_una;                /* go-back-N */
    c->flags &= ~TF_RTT_TIMING;             /* Karn */
    tcp_output(c);                          /* (5.4), arms the timer (5.6) */
    if (c->tmode != TMR_RETRANS)
        tcp_rtx_arm(c);
    tcp_ulp_event(c, TCP_ULP_EV_RTO);
}

static void persist_timeout(struct tcp_sock *c)
{
    c->stats.zero_window_probes++;
    if (c->backoff < 30)
        c->backoff++;
    uint32_t avail = c->write_seq - c->snd_nxt;
    uint32_t usable = c->snd_una + c->snd_wnd - c->snd_nxt;
    if (avail && c->snd_wnd && seq_gt(c->snd_una + c->snd_wnd, c->snd_nxt)) {
        /* A window too small for sender SWS avoidance: the override timeout of RFC 9293
         * 3.8.6.2.1 sends what fits (Linux tcp_write_wakeup does the same). */
        uint32_t len = avail < usable ? avail : usable;
        uint32_t max = tcp_seg_max(c, c->snd_nxt);
        if (len > max)
            len = max;
        tcp_send_segment(c, c->snd_nxt, len, TCP_FLAG_ACK | TCP_FLAG_PSH);
        c->snd_nxt += len;
        c->snd_max = c->snd_nxt;
        tcp_rtx_arm(c);
        return;
    }
    tcp_send_segment(c, c->snd_una - 1, 0, TCP_FLAG_ACK);
    tcp_persist_arm(c);
}

static void timewait_timeout(struct tcp_sock *c)
{
    tcp_set_state(c, TCP_CLOSED);
    tcp_sock_unhash(c);
    if (c->ulp && !tcp_ulp_closed(c))
        return;
    if (c->flags & TF_ORPHAN)
        tcp_sock_destroy(c);
}

static void on_rtx(struct timer *t, void *ctx)
{
    (void)t;
    struct tcp_sock *c = ctx;
    enum tcp_tmode mode = c->tmode;
    c->tmode = TMR_NONE;
    tcp_cb_begin(c);
    switch (mode) {
    case TMR_RETRANS:
        if (c->state == TCP_SYN_SENT || c->state == TCP_SYN_RCVD)
            syn_timeout(c);
        else
            data_timeout(c);
        break;
    case TMR_PERSIST:
        persist_timeout(c);
        break;
    case TMR_TIMEWAIT:
        timewait_timeout(c);
        break;
    case TMR_NONE:
        break;
    }
    tcp_cb_end(c);
}

static void on_delack(struct timer *t, void *ctx)
{
    (void)t;
    struct tcp_sock *c = ctx;
    if (c->state >= TCP_ESTABLISHED && c->state != TCP_TIME_WAIT)
        tcp_send_ack(c);
}

void tcp_timers_init(struct tcp_sock *c)
{
    timer_init(&c->rtx, c->stack->sched, on_rtx, c);
    timer_init(&c->delack, c->stack->sched, on_delack, c);
}
