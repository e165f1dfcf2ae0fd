/* tcp_reno.c - Reno/NewReno window policy (RFC 5681 section 3.1).
 *
 * Slow start below ssthresh, additive increase of one SMSS per RTT above it, halving on
 * loss: ssthresh = max(FlightSize / 2, 2 SMSS) (RFC 5681 eq. 4). The recovery procedure
 * itself (fast retransmit, NewReno partial ACKs of RFC 6582) belongs to the connection, so
 * "reno" and "newreno" name the same window policy, as in Linux where "reno" recovers with
 * NewReno. Not modelled: RFC 3465 ABC with L > 2.
 */
#include "models/tcp/tcp_cong.h"

struct reno_priv {
    uint32_t acc; /* bytes acknowledged since the last one-MSS increase */
};

_Static_assert(sizeof(struct reno_priv) <= TCP_CC_PRIV_BYTES, "reno state too large");

static void reno_init(struct tcp_cc *cc)
{
    struct reno_priv *p = (struct reno_priv *)cc->priv;
    p->acc = 0;
}

static uint32_t reno_ssthresh(struct tcp_cc *cc)
{
    uint32_t half = cc->in_flight / 2;
    return half > 2 * cc->mss ? half : 2 * cc->mss;
}

static void reno_cong_avoid(struct tcp_cc *cc, uint32_t acked)
{
    struct reno_priv *p = (struct reno_priv *)cc->priv;
    if (cc->cwnd < cc->ssthresh) {
        acked = tcp_cc_slow_start(cc, acked);
        if (!acked)
            return;
    }
    tcp_cc_reno_avoid(cc, acked, &p->acc);
}

static const struct tcp_cong_ops newreno_ops = {
    .name = "newreno",
    .init = reno_init,
    .ssthresh = reno_ssthresh,
    .cong_avoid = reno_cong_avoid,
};
TCP_CONG_REGISTER(newreno_ops)

static const struct tcp_cong_ops reno_ops = {
    .name = "reno",
    .init = reno_init,
    .ssthresh = reno_ssthresh,
    .cong_avoid = reno_cong_avoid,
};
TCP_CONG_REGISTER(reno_ops)
