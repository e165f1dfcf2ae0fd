/* tcp_cubic.c - CUBIC (RFC 9438).
 *
 * Window in segments, time in seconds, as in the RFC:
 *   W_cubic(t) = C (t - K)^3 + W_max,  K = cbrt((W_max - cwnd_epoch) / C)     (eq. 1, 2)
 * with C = 0.4 and beta_cubic = 0.7 (section 4.6). In congestion avoidance every ACK moves
 * cwnd towards target = W_cubic(t + RTT), clamped to [cwnd, 1.5 cwnd] (section 4.2), by
 * (target - cwnd) / cwnd segments per acknowledged segment; the Reno-friendly estimate
 * W_est grows by alpha_cubic = 3 (1 - beta) / (1 + beta) segments per cwnd acknowledged, and 1
 * once W_est reaches cwnd_prior (section 4.3); cwnd follows W_est when it is larger.
 * On loss: fast convergence (section 4.7) lowers W_max when losses come before the previous
 * W_max was reached; ssthresh = cwnd * beta (section 4.6). Slow start below ssthresh is
 * standard (section 4.10), left early by HyStart as in Linux tcp_cubic.c (hystart=1,
 * hystart_detect=3; Ha and Rhee, "Taming the elephants", 2011), below.
 * Not modelled: HyStart++ (RFC 9406), the RFC 8312 variant that uses the plateau without
 * fast convergence, cwnd validation for application-limited flows.
 *
 * HyStart (from 16 segments on, in slow start, until it has fired once; reset after an RTO):
 * - ACK train: ACKs that arrive at most 2 ms apart form a train from the start of the round
 *   (the round ends when the segment that was next when it began is ACKed); a train longer
 *   than (min RTT + ack delay) / 2 means the pipe is full: ssthresh = cwnd. The ack delay is
 *   Linux's allowance for TSO bursts, min(1 ms, 4 x 64 KiB / pacing rate).
 * - Delay: the smallest of the round's RTT samples, after 8, above min RTT + clamp(min RTT /
 *   8, 4 ms, 16 ms) means a queue is building: ssthresh = cwnd.
 * Linux takes a microsecond RTT from every ACK; here a sample is the timed segment's RTT or,
 * between those, the timestamp echo's at 1 ms resolution (tcp_cc.ack_rtt). Samples within a
 * second of the start of an avoidance epoch are ignored, as Linux does after recovery.
 */
#include <math.h>
#include <stdint.h>

#include "models/tcp/tcp_cong.h"

#define CUBIC_C 0.4
#define CUBIC_BETA 0.7

struct cubic_priv {
    double w_max;        /* segments, window before the last reduction */
    double k;            /* seconds */
    double origin;       /* W_max, or cwnd_epoch when the window starts above W_max */
    double w_est;        /* segments, Reno-friendly estimate */
    double cwnd_prior;   /* segments, cwnd when ssthresh was last set */
    double frac;         /* fractional bytes of cwnd increase not yet applied */
    sim_time_t epoch;    /* start of the current avoidance epoch, -1 when none */
    /* HyStart */
    sim_time_t round_start, last_ack, delay_min, curr_rtt;
    uint32_t end_seq;    /* the round ends when snd_una passes it */
    uint8_t samples;
    bool found;
    bool round_open;     /* end_seq is valid (the first ACK opens the first round) */
};

_Static_assert(sizeof(struct cubic_priv) <= TCP_CC_PRIV_BYTES, "cubic state too large");

#define HYSTART_LOW_WINDOW 16
#define HYSTART_ACK_DELTA (2 * PS_PER_MS)
#define HYSTART_MIN_SAMPLES 8
#define HYSTART_DELAY_MIN (4 * PS_PER_MS)
#define HYSTART_DELAY_MAX (16 * PS_PER_MS)

static void hystart_reset(struct tcp_cc *cc, struct cubic_priv *p)
{
    p->round_start = p->last_ack = cc->now;
    p->end_seq = cc->snd_nxt;
    p->curr_rtt = INT64_MAX;
    p->samples = 0;
    p->round_open = true;
}

static void cubic_init(struct tcp_cc *cc)
{
    struct cubic_priv *p = (struct cubic_priv *)cc->priv;
    *p = (struct cubic_priv){ .epoch = -1 };
}

/* Linux hystart_ack_delay: what TSO bursts may add to an ACK train. */
static sim_time_t hystart_ack_delay(const struct tcp_cc *cc)
{
    if (cc->srtt <= 0 || !cc->cwnd)
        return 0;
    double rate = 2.0 * cc->cwnd / time_to_sec(cc->srtt);   /* slow-start pacing, B/s */
    double d = 4.0 * 65536.0 / rate;
    return d >= 1e-3 ? PS_PER_MS : (sim_time_t)(d * 1e12);
}

static void hystart_update(struct tcp_cc *cc, struct cubic_priv *p, sim_time_t delay)
{
    if (!p->round_open || (int32_t)(cc->snd_una - p->end_seq) > 0)
        hystart_reset(cc, p);
    if (cc->cwnd / cc->mss < HYSTART_LOW_WINDOW)
        return;
    if (cc->now - p->last_ack <= HYSTART_ACK_DELTA) {
        p->last_ack = cc->now;
        sim_time_t threshold = (p->delay_min + hystart_ack_delay(cc)) / 2;
        if (cc->now - p->round_start > threshold) {
            p->found = true;
            cc->ssthresh = cc->cwnd;
        }
    }
    if (delay < 0)
        return;
    if (p->curr_rtt > delay)
        p->curr_rtt = delay;
    if (p->samples < HYSTART_MIN_SAMPLES) {
        p->samples++;
        return;
    }
    sim_time_t thresh = p->delay_min / 8;
    thresh = thresh < HYSTART_DELAY_MIN ? HYSTART_DELAY_MIN
             : thresh > HYSTART_DELAY_MAX ? HYSTART_DELAY_MAX : thresh;
    if (p->curr_rtt > p->delay_min + thresh) {
        p->found = true;
        cc->ssthresh = cc->cwnd;
    }
}

/* Linux cubictcp_acked: the minimum delay, and HyStart while in slow start. */
static void cubic_pkts_acked(struct tcp_cc *cc, uint32_t acked, sim_time_t rtt)
{
    (void)acked;
    (void)rtt;
    struct cubic_priv *p = (struct cubic_priv *)cc->priv;
    if (p->epoch >= 0 && cc->now - p->epoch < PS_PER_S)
        return;
    sim_time_t delay = cc->ack_rtt;
    if (delay == 0)
        delay = 1;
    if (delay > 0 && (p->delay_min == 0 || p->delay_min > delay))
        p->delay_min = delay;
    if (cc->hystart && !p->found && cc->cwnd < cc->ssthresh && p->delay_min > 0)
        hystart_update(cc, p, delay);
}

static uint32_t cubic_ssthresh(struct tcp_cc *cc)
{
    struct cubic_priv *p = (struct cubic_priv *)cc->priv;
    double cwnd = (double)cc->cwnd / cc->mss;
    /* Section 4.7: fast convergence releases bandwidth to new flows. */
    if (cwnd < p->w_max)
        p->w_max = cwnd * (1.0 + CUBIC_BETA) / 2.0;
    else
        p->w_max = cwnd;
    p->cwnd_prior = cwnd;
    p->epoch = -1;
    double ss = (double)cc->cwnd * CUBIC_BETA;
    return ss > 2.0 * cc->mss ? (uint32_t)ss : 2 * cc->mss;
}

static void cubic_start_epoch(struct tcp_cc *cc, struct cubic_priv *p)
{
    double cwnd = (double)cc->cwnd / cc->mss;
    p->epoch = cc->now;
    p->frac = 0;
    p->w_est = cwnd;
    if (p->w_max <= cwnd) {
        /* No previous maximum above us (first avoidance phase, or the window grew past
         * W_max in slow start): the curve starts at its plateau, as Linux does. */
        p->k = 0;
        p->origin = cwnd;
    } else {
        p->k = cbrt((p->w_max - cwnd) / CUBIC_C);
        p->origin = p->w_max;
    }
}

static void cubic_cong_avoid(struct tcp_cc *cc, uint32_t acked)
{
    struct cubic_priv *p = (struct cubic_priv *)cc->priv;
    if (cc->cwnd < cc->ssthresh) {
        acked = tcp_cc_slow_start(cc, acked);
        if (!acked)
            return;
    }
    if (p->epoch < 0)
        cubic_start_epoch(cc, p);
    double mss = cc->mss;
    double cwnd = (double)cc->cwnd / mss;
    double segs = (double)acked / mss;
    double t = time_to_sec(cc->now - p->epoch);
    double rtt = time_to_sec(cc->srtt > 0 ? cc->srtt : cc->min_rtt);
    double d = t + rtt - p->k;
    double target = CUBIC_C * d * d * d + p->origin;
    if (target < cwnd)
        target = cwnd;
    if (target > 1.5 * cwnd)
        target = 1.5 * cwnd;
    /* Section 4.3: the Reno-friendly region. */
    double alpha = p->w_est >= p->cwnd_prior ? 1.0
                                             : 3.0 * (1.0 - CUBIC_BETA) / (1.0 + CUBIC_BETA);
    p->w_est += alpha * segs / cwnd;
    double dc = t - p->k;
    double w_cubic_now = CUBIC_C * dc * dc * dc + p->origin;
    double next;
    if (w_cubic_now < p->w_est)
        next = p->w_est > cwnd ? p->w_est : cwnd;
    else
        next = cwnd + (target - cwnd) / cwnd * segs;
    p->frac += (next - cwnd) * mss;
    if (p->frac >= 1.0) {
        double whole = floor(p->frac);
        cc->cwnd += (uint32_t)whole;
        p->frac -= whole;
    }
}

static void cubic_cwnd_event(struct tcp_cc *cc, enum tcp_ca_event ev)
{
    struct cubic_priv *p = (struct cubic_priv *)cc->priv;
    /* Section 4.8: after a timeout the next avoidance phase starts a new epoch; after an
     * idle period Linux also restarts the epoch so the curve does not jump. */
    if (ev == TCP_CA_EVENT_LOSS || ev == TCP_CA_EVENT_TX_START || ev == TCP_CA_EVENT_RECOVERY_END)
        p->epoch = -1;
    if (ev == TCP_CA_EVENT_LOSS) {       /* Linux cubictcp_state(TCP_CA_Loss): bictcp_reset */
        p->found = false;
        p->delay_min = 0;
        hystart_reset(cc, p);
    }
}

static const struct tcp_cong_ops cubic_ops = {
    .name = "cubic",
    .init = cubic_init,
    .ssthresh = cubic_ssthresh,
    .cong_avoid = cubic_cong_avoid,
    .pkts_acked = cubic_pkts_acked,
    .cwnd_event = cubic_cwnd_event,
};
TCP_CONG_REGISTER(cubic_ops)
