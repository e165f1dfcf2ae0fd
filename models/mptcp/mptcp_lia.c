/* mptcp_lia.c - LIA, the Linked Increases Algorithm (RFC 6356), registered as "lia".
 *
 * In congestion avoidance, an ACK of `acked` bytes on subflow i grows its window by
 *   min(alpha * acked * MSS_i / cwnd_total, acked * MSS_i / cwnd_i)  bytes      (section 4)
 *   alpha = cwnd_total * max_k(cwnd_k / rtt_k^2) / (sum_k cwnd_k / rtt_k)^2      (section 3)
 * with windows in bytes (alpha is dimensionless, so bytes or segments give the same value).
 * The first term couples the subflows so that together they take what one TCP would on the
 * best path (goals 1 and 2 of section 2); the second caps each subflow at what an uncoupled
 * Reno would add. Slow start, fast retransmit and the halving on loss are standard TCP
 * (section 3: "cwnd_i = cwnd_i / 2", here FlightSize / 2 as RFC 5681 eq. 4).
 * Not modelled: Linux's fixed-point alpha (2^32 / 2^10 scaling) and its caching between
 * window changes; both only round what is computed exactly here.
 */
#include "models/mptcp/mptcp_cc.h"

double mptcp_lia_alpha(const struct mptcp_cc_path *p, size_t n)
{
    double total = 0, best = 0, sum = 0;
    for (size_t k = 0; k < n; k++) {
        double v = p[k].w / (p[k].rtt * p[k].rtt);
        if (v > best)
            best = v;
        total += p[k].w;
        sum += p[k].w / p[k].rtt;
    }
    return sum > 0 ? total * best / (sum * sum) : 1.0;
}

static double lia_gain(const struct mptcp_cc_path *p, size_t n, size_t self, double mss)
{
    double total = 0;
    for (size_t k = 0; k < n; k++)
        total += p[k].w;
    double coupled = mptcp_lia_alpha(p, n) / total;
    double reno = 1.0 / p[self].w;
    return mss * (coupled < reno ? coupled : reno);
}

static void lia_cong_avoid(struct tcp_cc *cc, uint32_t acked)
{
    mptcp_cc_cong_avoid(cc, acked, lia_gain);
}

static uint32_t lia_ssthresh(struct tcp_cc *cc) { return mptcp_cc_reno_ssthresh(cc); }

static const struct tcp_cong_ops lia_ops = {
    .name = "lia",
    .init = mptcp_cc_init,
    .ssthresh = lia_ssthresh,
    .cong_avoid = lia_cong_avoid,
    .pkts_acked = mptcp_cc_pkts_acked,
    .cwnd_event = mptcp_cc_cwnd_event,
};
TCP_CONG_REGISTER(lia_ops)
