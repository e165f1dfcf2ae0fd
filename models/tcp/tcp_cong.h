/* tcp_cong.h - congestion control as an ops table (Linux tcp_congestion_ops, ns-3
 * TcpCongestionOps), chosen by name per connection.
 *
 * The connection owns the loss-recovery machinery (RFC 5681 fast retransmit, RFC 6582
 * NewReno recovery, RTO); an algorithm only decides the window:
 *   init(cc)                    once, when the connection is created (cwnd/ssthresh preset);
 *   ssthresh(cc)                the new ssthresh in bytes after a loss (fast retransmit or
 *                               RTO); the connection then sets cwnd per RFC 5681/6582;
 *   cong_avoid(cc, acked)       grow cwnd for `acked` newly acknowledged bytes outside
 *                               recovery (slow start below ssthresh, then avoidance);
 *   pkts_acked(cc, acked, rtt)  optional: every ACK of new data, with an RTT sample or -1;
 *   cwnd_event(cc, ev)          optional: loss/recovery/idle notifications.
 * The algorithm's private state lives in cc->priv (TCP_CC_PRIV_BYTES, like Linux's
 * icsk_ca_priv), so no allocation happens per connection. MPTCP's coupled algorithms (LIA,
 * OLIA, BALIA) register here too; they reach their sibling subflows through a group
 * pointer in their priv area (models/mptcp/mptcp_cc.h).
 * Windows are in bytes; cc->mss is the sender's full segment size.
 */
#ifndef MCPSIM_TCP_CONG_H
#define MCPSIM_TCP_CONG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/units.h"

#define TCP_CC_PRIV_BYTES 104   /* Linux ICSK_CA_PRIV_SIZE */

enum tcp_ca_event {
    TCP_CA_EVENT_LOSS,          /* RTO expired: cwnd is back to the loss window */
    TCP_CA_EVENT_RECOVERY,      /* fast retransmit: recovery entered */
    TCP_CA_EVENT_RECOVERY_END,  /* full ACK: recovery left */
    TCP_CA_EVENT_TX_START,      /* first transmission after an idle period */
};

struct tcp_cc {
    const struct tcp_cong_ops *ops;
    void *owner;           /* the connection (struct tcp_sock *) */
    uint32_t cwnd;         /* bytes */
    uint32_t ssthresh;     /* bytes */
    uint32_t mss;          /* bytes */
    uint32_t in_flight;    /* bytes outstanding when the hook is called */
    sim_time_t now;        /* simulated time of the call */
    sim_time_t srtt;       /* smoothed RTT (0 before the first sample) */
    sim_time_t min_rtt;    /* smallest RTT sample seen (0 before the first sample) */
    sim_time_t ack_rtt;    /* pkts_acked: this ACK's RTT (the timed segment's, else from its
                            * timestamp echo at the 1 ms clock); -1 when neither */
    uint32_t snd_una, snd_nxt; /* the sender's sequence state at the call */
    bool hystart;          /* CUBIC: HyStart slow-start exit (tcp `hystart`) */
    _Alignas(8) uint8_t priv[TCP_CC_PRIV_BYTES];
};

struct tcp_cong_ops {
    const char *name;
    void (*init)(struct tcp_cc *cc);
    uint32_t (*ssthresh)(struct tcp_cc *cc);
    void (*cong_avoid)(struct tcp_cc *cc, uint32_t acked);
    void (*pkts_acked)(struct tcp_cc *cc, uint32_t acked, sim_time_t rtt);
    void (*cwnd_event)(struct tcp_cc *cc, enum tcp_ca_event ev);
};

/* The algorithm registered under name, or NULL. */
const struct tcp_cong_ops *tcp_cong_find(const char *name);
/* Adds an algorithm (at start-up, from a constructor); names must be unique. */
void tcp_cong_register(const struct tcp_cong_ops *ops);
/* Names of the registered algorithms separated by '|', for messages and help. */
const char *tcp_cong_names(void);

/* Helpers algorithms share (RFC 5681 section 3.1). */
/* Slow start with appropriate byte counting (RFC 3465, L = 2 MSS): returns the bytes of
 * `acked` left over once cwnd reached ssthresh. */
uint32_t tcp_cc_slow_start(struct tcp_cc *cc, uint32_t acked);
/* Congestion avoidance: about one MSS per cwnd of acknowledged bytes (RFC 5681 eq. 3 with
 * byte counting), the byte counter kept in *acc. */
void tcp_cc_reno_avoid(struct tcp_cc *cc, uint32_t acked, uint32_t *acc);

#define TCP_CONG_REGISTER(ops)                                            \
    __attribute__((constructor)) static void tcp_cong_register_##ops(void) \
    {                                                                     \
        tcp_cong_register(&ops);                                          \
    }

#endif
