/* mptcp_olia.c - OLIA, the Opportunistic Linked Increases Algorithm (Khalili, Gast, Popovic,
 * Le Boudec, "MPTCP is not Pareto-optimal", IEEE/ACM ToN 2013; draft-khalili-mptcp-
 * congestion-control), registered as "olia".
 *
 * Per acknowledged segment on path r, with windows w in segments:
 *   w_r += (w_r / rtt_r^2) / (sum_p w_p / rtt_p)^2  +  alpha_r / w_r
 * where l_r = max(bytes acknowledged between the last two losses, since the last loss),
 * B = paths with the largest l_r / rtt_r^2 (presumed best), M = paths with the largest
 * window, and alpha_r = +1/(|P| |B\M|) on B\M, -1/(|P| |M|) on M when B\M is not empty,
 * 0 otherwise. The first term is LIA-like coupling with the optimal (Kelly-Voice) shape; the
 * second moves window from the largest paths to the best ones that are not yet largest, at
 * a rate that sums to zero over the paths. In bytes an ACK of `acked` bytes adds
 *   acked * MSS_r * [ (cwnd_r / rtt_r^2) / (sum_p cwnd_p / rtt_p)^2 + alpha_r / cwnd_r ]
 * which may be negative (see mptcp_cc.c for how a decrease is applied). |P| is the number of
 * counted members (established and with an RTT sample). A loss halves the window as Reno.
 * Ties in B and M are exact comparisons, as Linux's integer cross-multiplications.
 */
#include "models/mptcp/mptcp_cc.h"

void mptcp_olia_alpha(const struct mptcp_cc_path *p, size_t n, double *alpha)
{
    double w_max = 0, best = 0;
    for (size_t k = 0; k < n; k++) {
        double q = p[k].l / (p[k].rtt * p[k].rtt);
        if (p[k].w > w_max)
            w_max = p[k].w;
        if (q > best)
            best = q;
    }
    size_t in_m = 0, in_b_not_m = 0;
    for (size_t k = 0; k < n; k++) {
        if (p[k].w == w_max)
            in_m++;
        else if (p[k].l / (p[k].rtt * p[k].rtt) == best)
            in_b_not_m++;
    }
    for (size_t k = 0; k < n; k++) {
        alpha[k] = 0;
        if (in_b_not_m == 0)
            continue;
        if (p[k].w == w_max)
            alpha[k] = -1.0 / (double)(n * in_m);
        else if (p[k].l / (p[k].rtt * p[k].rtt) == best)
            alpha[k] = 1.0 / (double)(n * in_b_not_m);
    }
}

static double olia_gain(const struct mptcp_cc_path *p, size_t n, size_t self, double mss)
{
    double alpha[MPTCP_CC_MAX_SUBFLOWS];
    mptcp_olia_alpha(p, n, alpha);
    double sum = 0;
    for (size_t k = 0; k < n; k++)
        sum += p[k].w / p[k].rtt;
    const struct mptcp_cc_path *r = &p[self];
    double coupled = r->w / (r->rtt * r->rtt) / (sum * sum);
    return mss * (coupled + alpha[self] / r->w);
}

static void olia_cong_avoid(struct tcp_cc *cc, uint32_t acked)
{
    mptcp_cc_cong_avoid(cc, acked, olia_gain);
}

static uint32_t olia_ssthresh(struct tcp_cc *cc) { return mptcp_cc_reno_ssthresh(cc); }

static const struct tcp_cong_ops olia_ops = {
    .name = "olia",
    .init = mptcp_cc_init,
    .ssthresh = olia_ssthresh,
    .cong_avoid = olia_cong_avoid,
    .pkts_acked = mptcp_cc_pkts_acked,
    .cwnd_event = mptcp_cc_cwnd_event,
};
TCP_CONG_REGISTER(olia_ops)
