/* tcp_stack.h - one node's TCP: configuration, the interface to the IP layer below, input.
 *
 * A stack owns the node's connections and listeners. It sits under a deliberately tiny "IP
 * below" interface so that it plugs into any node's IP layer:
 *   - down: ops->send(ip_ctx, pkt, src, dst): pkt starts with the TCP header (options and
 *     checksum written; payload virtual), the IP layer pushes its header and routes it, and
 *     owns the packet from then on;
 *   - up:   tcp_input(stack, pkt, src, dst): the IP layer has pulled its header, so pkt starts
 *     at the TCP header; TCP owns (and frees) the packet.
 * The TCP header is decoded once per segment with the wire codec (models/wire/tcp.h).
 * Checksums are written over the pseudo-header with virtual payload bytes taken as zero, and
 * not verified on input (corruption is the link model's business, and it drops the packet).
 *
 * The configuration (struct tcp_config) is the parameter table of the "tcp" model
 * (tcp_model.c, `mcpsim help tcp`): every connection of the stack starts from it.
 * Not modelled: IP fragmentation and PMTU discovery, ICMP errors, keepalive, urgent data,
 * TCP Fast Open, ECN.
 */
#ifndef MCPSIM_TCP_STACK_H
#define MCPSIM_TCP_STACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "models/tcp/tcp_socket.h"
#include "sim/packet.h"
#include "sim/registry.h"
#include "sim/sched.h"
#include "sim/units.h"

enum tcp_state {
    TCP_CLOSED,
    TCP_LISTEN,
    TCP_SYN_SENT,
    TCP_SYN_RCVD,
    TCP_ESTABLISHED,
    TCP_FIN_WAIT_1,
    TCP_FIN_WAIT_2,
    TCP_CLOSE_WAIT,
    TCP_CLOSING,
    TCP_LAST_ACK,
    TCP_TIME_WAIT,
};

const char *tcp_state_name(int state);

struct tcp_config {
    bytes_t mss;              /* MSS advertised over IPv4 (payload bytes, options not
                               * deducted); IPv6 offers 20 B less (tcp_family_mss) */
    char cc[PARAM_STRING_MAX];/* congestion control name (tcp_cong.h) */
    sim_time_t rto_initial;   /* RFC 6298 (2.1): 1 s */
    sim_time_t rto_min;       /* RFC 6298 (2.4) says 1 s; Linux uses 200 ms */
    sim_time_t rto_max;       /* upper bound of the backed-off RTO (RFC 6298 (2.5): >= 60 s) */
    uint64_t syn_retries;     /* SYN retransmissions before giving up (Linux tcp_syn_retries) */
    uint64_t synack_retries;  /* SYN-ACK retransmissions (Linux tcp_synack_retries) */
    uint64_t data_retries;    /* data retransmissions before giving up (Linux tcp_retries2) */
    sim_time_t delack_timeout;/* delayed-ACK timer (RFC 1122 4.2.3.2: < 0.5 s) */
    bool delack;              /* delay ACKs at all */
    bool nagle;               /* RFC 896 / RFC 1122 4.2.3.4 */
    bool limited_transmit;    /* RFC 3042: a new segment on each of the first two dup ACKs */
    bool prr;                 /* RFC 6937 proportional rate reduction in SACK recovery */
    bool hystart;             /* CUBIC leaves slow start by HyStart (Linux tcp_cubic hystart=1) */
    bool sack;                /* offer and accept SACK (RFC 2018) */
    bool timestamps;          /* RFC 7323 timestamps */
    bool wscale;              /* RFC 7323 window scaling */
    bytes_t rcvbuf, sndbuf;   /* receive and send buffers (the receive window comes from rcvbuf) */
    uint64_t initial_cwnd;    /* segments (RFC 6928: 10) */
    sim_time_t time_wait;     /* TIME-WAIT duration, 2*MSL (RFC 9293: MSL 2 min; Linux 60 s) */
    bool syncookies;          /* RFC 4987 SYN cookies when the SYN queue is full */
    uint64_t backlog;         /* accept-queue limit per listener */
    uint64_t syn_backlog;     /* SYN-queue limit per listener (half-open connections) */
};

/* The defaults of the parameter table (what `mcpsim help tcp` lists). */
void tcp_config_default(struct tcp_config *cfg);
/* 0, or -1 with a message naming the parameter and what was expected. */
int tcp_config_check(const struct tcp_config *cfg, char *err, size_t errlen);

struct tcp_ip_ops {
    void (*send)(void *ip_ctx, struct packet *pkt, const struct sock_addr *src,
                 const struct sock_addr *dst);
};

/* Stack-wide counters (Linux's TCP MIB and listener counters). */
struct tcp_stack_stats {
    uint64_t segs_in, segs_out;
    uint64_t bad_segs;            /* undecodable headers, dropped */
    uint64_t no_conn_rsts;        /* RSTs sent for segments with no connection */
    uint64_t active_opens, passive_opens;
    uint64_t conns_established;
    uint64_t conns_reset;
    uint64_t conns_timed_out;
    uint64_t paws_drops;
    uint64_t conns_live, conns_peak;
    uint64_t tw_live;             /* compact TIME-WAIT records (tcp_timewait.c) */
    uint64_t conn_bytes, conn_bytes_peak; /* control blocks, their queues, TIME-WAIT records
                                           * and the connection table */
};

struct tcp_stack;

/* A stack drawing its ISNs and SYN-cookie secret from the random stream `rng_name` of (seed,
 * run). Packets come from `pool`. 0, or -1 with a message for a bad configuration. */
int tcp_stack_new(struct sched *s, struct pkt_pool *pool, const struct tcp_config *cfg,
                  const struct tcp_ip_ops *ops, void *ip_ctx, uint64_t seed, uint64_t run,
                  const char *rng_name, struct tcp_stack **out, char *err, size_t errlen);
/* Frees every connection and listener without sending anything, including sockets the
 * application still holds (they become invalid). */
void tcp_stack_free(struct tcp_stack *st);

/* Receives a segment; the stack takes ownership of pkt. */
void tcp_input(struct tcp_stack *st, struct packet *pkt, const struct sock_addr *src,
               const struct sock_addr *dst);

void tcp_stack_get_stats(const struct tcp_stack *st, struct tcp_stack_stats *out);
const struct tcp_config *tcp_stack_config(const struct tcp_stack *st);
struct sched *tcp_stack_sched(const struct tcp_stack *st);

/* Bytes of one connection's control block without queues (what an idle connection costs,
 * the 4-tuple hash chain included). */
size_t tcp_conn_idle_bytes(void);

/* For tests: the next connection opened (active or passive) uses this ISN instead of a
 * random one (RFC 9293 section 3.4.1 leaves the generator to the implementation). */
void tcp_stack_set_next_isn(struct tcp_stack *st, uint32_t isn);

#endif
