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
 * standard (section 4.10). Not modelled: HyStart++ (RFC 9406), the RFC 8312 variant that
 * uses the plateau without fast convergence, cwnd validation for application-limited flows.
 */
#include <math.h>

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
};

_Static_assert(sizeof(struct cubic_priv) <= TCP_CC_PRIV_BYTES, "cubic state too large");

static void cubic_init(struct tcp_cc *cc)
{
    struct cubic_priv *p = (struct cubic_priv *)cc->priv;
    *p = (struct cubic_priv){ .epoch = -1 };
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
}

static const struct tcp_cong_ops cubic_ops = {
    .name = "cubic",
    .init = cubic_init,
    .ssthresh = cubic_ssthresh,
    .cong_avoid = cubic_cong_avoid,
    .cwnd_event = cubic_cwnd_event,
};
TCP_CONG_REGISTER(cubic_ops)
