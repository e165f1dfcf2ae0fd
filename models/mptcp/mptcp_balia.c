/* mptcp_balia.c - BALIA, the Balanced Linked Adaptation algorithm (Peng, Walid, Hwang, Low,
 * "Multipath TCP: Analysis, Design and Implementation", IEEE/ACM ToN 2016;
 * draft-walid-mptcp-congestion-control), registered as "balia".
 *
 * With x_r = w_r / rtt_r (rate) and alpha_r = max_k x_k / x_r (>= 1, 1 on the fastest path):
 *   per acknowledged segment on r:  w_r += (x_r / rtt_r) / (sum_k x_k)^2
 *                                          * (1 + alpha_r) / 2 * (4 + alpha_r) / 5
 *   per loss on r:                  w_r -= (w_r / 2) * min(alpha_r, 1.5)
 * In bytes an ACK of `acked` bytes adds acked * MSS_r * (the bracket above with windows in
 * bytes). The decrease is applied to FlightSize, as Reno's (RFC 5681 eq. 4): ssthresh =
 * max(FlightSize - (FlightSize / 2) min(alpha_r, 1.5), 2 MSS) (Linux applies it to cwnd;
 * the two agree when the subflow is window-limited). Slower paths thus back off more (down
 * to a quarter of the window), which is BALIA's balance between friendliness and
 * responsiveness. One counted member: alpha = 1, both rules are Reno's.
 */
#include "models/mptcp/mptcp_cc.h"

#include <math.h>

double mptcp_balia_alpha(const struct mptcp_cc_path *p, size_t n, size_t r)
{
    double x_max = 0;
    for (size_t k = 0; k < n; k++) {
        double x = p[k].w / p[k].rtt;
        if (x > x_max)
            x_max = x;
    }
    return x_max / (p[r].w / p[r].rtt);
}

static double balia_gain(const struct mptcp_cc_path *p, size_t n, size_t self, double mss)
{
    double sum = 0;
    for (size_t k = 0; k < n; k++)
        sum += p[k].w / p[k].rtt;
    const struct mptcp_cc_path *r = &p[self];
    double a = mptcp_balia_alpha(p, n, self);
    return mss * (r->w / r->rtt / r->rtt) / (sum * sum) * (1 + a) / 2 * (4 + a) / 5;
}

static void balia_cong_avoid(struct tcp_cc *cc, uint32_t acked)
{
    mptcp_cc_cong_avoid(cc, acked, balia_gain);
}

static uint32_t balia_ssthresh(struct tcp_cc *cc)
{
    struct mptcp_cc_path paths[MPTCP_CC_MAX_SUBFLOWS];
    size_t self;
    size_t n = mptcp_cc_paths(cc, paths, &self);
    if (n < 2)
        return mptcp_cc_reno_ssthresh(cc);
    double a = mptcp_balia_alpha(paths, n, self);
    double flight = cc->in_flight;
    double left = floor(flight - flight / 2 * (a < 1.5 ? a : 1.5));
    return left > 2.0 * cc->mss ? (uint32_t)left : 2 * cc->mss;
}

static const struct tcp_cong_ops balia_ops = {
    .name = "balia",
    .init = mptcp_cc_init,
    .ssthresh = balia_ssthresh,
    .cong_avoid = balia_cong_avoid,
    .pkts_acked = mptcp_cc_pkts_acked,
    .cwnd_event = mptcp_cc_cwnd_event,
};
TCP_CONG_REGISTER(balia_ops)
