/* tcp_int.h - the connection control block and the functions the tcp_*.c files share.
 * Private to models/tcp: applications use tcp_socket.h and tcp_stack.h.
 *
 * Layout of the files: tcp_stack.c (stack, connection table, demultiplexing, ISNs),
 * tcp_input.c (RFC 9293 section 3.10.7 "SEGMENT ARRIVES"), tcp_ack.c (ACK processing, RTT,
 * fast retransmit and NewReno recovery), tcp_output.c (segment building, sending policy,
 * ACKs), tcp_timer.c (retransmission, persist, TIME-WAIT and delayed-ACK timers),
 * tcp_socket.c (the application calls), tcp_listen.c (listeners, SYN/accept queues, cookies),
 * tcp_ooo.c (out-of-order ranges and SACK blocks), tcp_sack.c (the sender's scoreboard and
 * RFC 6675 recovery), tcp_timewait.c (compact TIME-WAIT records).
 */
#ifndef MCPSIM_TCP_INT_H
#define MCPSIM_TCP_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "models/tcp/tcp_cong.h"
#include "models/tcp/tcp_seq.h"
#include "models/tcp/tcp_stack.h"
#include "models/tcp/tcp_ulp.h"
#include "models/wire/tcp.h"
#include "models/wire/wire_err.h"
#include "sim/rng.h"
#include "sim/timer.h"

/* The smallest MSS accepted from a peer (Linux TCP_MIN_MSS): room for 40 bytes of options
 * and 48 of data. */
#define TCP_MIN_MSS 88

/* Sequence ranges [left, right) of out-of-order data held by the receiver; they are also
 * the SACK blocks it reports (RFC 2018 section 4). */
struct tcp_range {
    uint32_t left, right;
};

/* What the single retransmission timer currently means (they are mutually exclusive, so
 * one struct timer serves all, as BSD's t_timer slots do). */
enum tcp_tmode {
    TMR_NONE,
    TMR_RETRANS,   /* RTO: SYN, SYN-ACK, data or FIN retransmission */
    TMR_PERSIST,   /* zero-window probe */
    TMR_TIMEWAIT,  /* 2 MSL */
};

/* Flags in tcp_sock.flags. */
#define TF_ORPHAN      0x0001 /* closed by the application: the stack frees it at CLOSED */
#define TF_FIN_QUEUED  0x0002 /* the application shut down: FIN follows write_seq */
#define TF_TS_OK       0x0004 /* timestamps negotiated */
#define TF_SACK_OK     0x0008 /* SACK-permitted exchanged */
#define TF_WS_OK       0x0010 /* window scaling negotiated */
#define TF_NAGLE       0x0020
#define TF_RECOVERY    0x0040 /* in fast recovery (RFC 6582) */
#define TF_RTT_TIMING  0x0080 /* a segment is being timed (rtt_seq, rtt_start) */
#define TF_SYN_RETRANS 0x0100 /* the SYN or SYN-ACK was retransmitted */
#define TF_EOF         0x0200 /* the peer's FIN was received in order */
#define TF_FREE_LATER  0x0400 /* destroyed while in use: freed when cb_depth drops to 0 */
#define TF_ESTAB_SEEN  0x0800 /* reached ESTABLISHED once (closed callback is due) */
#define TF_ACK_NOW     0x1000 /* an ACK must go out at the end of input processing */
#define TF_WANT_WRITE  0x2000 /* a send() was limited: call writable when space frees */
#define TF_ACCEPTQ     0x4000 /* on the listener's accept queue */
#define TF_FIN_RCVD    0x8000 /* a FIN was seen (possibly out of order) at rcv_fin */
#define TF_PARTIAL_ACK 0x10000 /* a partial ACK was seen in this recovery (RFC 6582 3.2 step 5) */
#define TF_COOKIE      0x20000 /* created from a SYN cookie: no SYN-ACK retransmission state */

struct tcp_listener;

/* What the connection table chains: the 4-tuple, and whether the entry is a full connection
 * (embedded in struct tcp_sock) or a compact TIME-WAIT record (struct tcp_tw,
 * tcp_timewait.c). */
struct tcp_hnode {
    struct tcp_hnode *hnext;
    struct sock_addr laddr, raddr;
    uint16_t lport, rport;
    uint8_t is_tw;
};

struct tcp_sock {
    struct sock base;              /* first: a TCP socket is a struct sock (tcp_stream_ops) */
    struct tcp_stack *stack;
    struct tcp_hnode node;         /* 4-tuple and hash chain */
    struct tcp_sock *all_prev, *all_next; /* every socket of the stack, hashed or not */
    struct tcp_sock *qnext;        /* listener SYN or accept queue */
    struct tcp_listener *parent;   /* listener while queued, NULL otherwise */
    const struct sock_callbacks *cb;
    void *ctx;
    const struct sock_trace *trace;
    void *trace_ctx;
    const struct tcp_ulp_ops *ulp; /* upper-layer hook (tcp_ulp.h); NULL for plain TCP */
    void *ulp_ctx;
    uint8_t state;
    uint8_t tmode;                 /* enum tcp_tmode */
    uint8_t cb_depth;              /* nested input/timer/callback frames using the socket */
    uint32_t flags;
    uint8_t snd_wscale, rcv_wscale;
    uint8_t dupacks;
    uint8_t backoff;               /* RTO / probe doublings so far */
    uint16_t mss;                  /* payload bytes per full segment we send */
    uint16_t rcv_mss;              /* estimate of the peer's full segment size */
    uint16_t delack_segs;          /* full segments received and not yet acknowledged */
    uint16_t n_ooo, cap_ooo;
    uint16_t n_sacked, cap_sacked;

    /* Send sequence space (RFC 9293 section 3.3.1): snd_una <= snd_nxt <= snd_max. write_seq
     * is the end of the application's data; the FIN, when queued, has sequence write_seq. */
    uint32_t iss, snd_una, snd_nxt, snd_max, write_seq;
    uint32_t snd_wnd, max_snd_wnd, snd_wl1, snd_wl2;
    uint32_t recover;              /* RFC 6582: highest sequence sent when recovery began */
    uint32_t high_rxt;             /* RFC 6675 HighRxt: end of the last retransmission */
    uint32_t prr_delivered, prr_out, recover_fs; /* RFC 6937 */
    /* Receive sequence space; rcv_read is what the application consumed. */
    uint32_t irs, rcv_nxt, rcv_adv, rcv_read, rcv_fin, last_ack_sent;
    uint32_t ts_recent;            /* RFC 7323 TS.Recent */
    uint32_t ack_tsecr;            /* the segment being processed: its TSecr ... */
    bool ack_tsecr_ok;             /* ... when it has a timestamp echoing ours */
    uint32_t rtt_seq;              /* the timed segment ends at rtt_seq */
    sim_time_t rtt_start;
    sim_time_t srtt, rttvar, rto;
    sim_time_t last_data_sent;     /* -1 before the first (RFC 5681 4.1 idle restart) */

    struct tcp_cc cc;
    struct timer rtx;              /* RTO / persist / TIME-WAIT (tmode) */
    struct timer delack;
    struct tcp_range *ooo;         /* out-of-order ranges, most recent first (RFC 2018) */
    struct tcp_range *sacked;      /* sender scoreboard: SACKed ranges above snd_una, sorted */
    struct sock_stats stats;
};

/* Bytes of in-order data waiting for the application (the FIN's sequence number excluded). */
/* The MSS this end offers and accepts over an address family. cfg->mss is the IPv4 value
 * (Linux derives 1460 B from a 1500 B MTU); an IPv6 header is 20 B longer, so IPv6 offers
 * 20 B less (1440 B), as Linux does from the same MTU, but never below 64 B. */
static inline uint32_t tcp_family_mss(const struct tcp_config *cfg, int family)
{
    if (family != 6)
        return (uint32_t)cfg->mss;
    return cfg->mss > 84 ? (uint32_t)cfg->mss - 20 : 64;
}

static inline uint32_t tcp_rcv_queued(const struct tcp_sock *c)
{
    return c->rcv_nxt - c->rcv_read - ((c->flags & TF_EOF) ? 1u : 0u);
}

/* tcp_socket.c: the struct sock face of every TCP socket. */
extern const struct sock_ops tcp_stream_ops;

/* Memory the stack accounts to one connection. */
size_t tcp_sock_mem_bytes(const struct tcp_sock *c);

struct tcp_stack {
    struct sched *sched;
    struct pkt_pool *pool;
    struct tcp_config cfg;
    const struct tcp_cong_ops *cc_default;
    struct tcp_ip_ops ops;
    void *ip_ctx;
    struct rng *rng;
    uint64_t cookie_secret[2];
    struct tcp_hnode **table;      /* chained hash on the 4-tuple: connections and TIME-WAITs */
    struct tcp_sock *all;          /* every socket, so that freeing the stack frees all */
    size_t table_size, table_count;
    struct tcp_listener *listeners;
    struct tcp_listener *transparent; /* transparent listeners (tcp_listen_transparent) */
    uint16_t next_port;
    bool have_next_isn;
    uint32_t next_isn;
    struct tcp_tw *tw_head, *tw_tail; /* TIME-WAIT records in expiry order */
    /* The segment being processed: its first stored (real) payload bytes, for the ULP
     * (tcp_sock_rx_payload); payload is virtual unless a model made bytes real. */
    uint8_t rx_payload[TCP_RX_PAYLOAD_MAX];
    uint8_t rx_payload_len;
    struct timer tw_timer;
    struct tcp_stack_stats stats;
};

static inline struct tcp_sock *tcp_sock_of(struct tcp_hnode *n)
{
    return (struct tcp_sock *)(void *)((char *)n - offsetof(struct tcp_sock, node));
}

/* tcp_ulp.c: the upper-layer hook's call sites share these. Each costs one NULL test when
 * no ULP is attached. */
/* Option bytes the ULP's data segments take from the MSS: data_opt_bytes rounded up to the
 * 4-byte option alignment (TCP's own options are whole words), at most the option space. */
static inline uint32_t tcp_ulp_mss_cut(const struct tcp_sock *c)
{
    if (!c->ulp)
        return 0;
    uint32_t b = ((uint32_t)c->ulp->data_opt_bytes + 3u) & ~3u;
    return b < TCP_MAX_OPT_LEN ? b : TCP_MAX_OPT_LEN;
}
/* The largest payload of a segment starting at seq: the MSS, or less where the ULP says its
 * unit of data ends (tcp_ulp_ops.seg_limit). */
static inline uint32_t tcp_seg_max(struct tcp_sock *c, uint32_t seq)
{
    uint32_t max = c->mss;
    if (c->ulp && c->ulp->seg_limit) {
        uint32_t lim = c->ulp->seg_limit(c, c->ulp_ctx, seq);
        if (lim && lim < max)
            max = lim;
    }
    return max;
}
/* Raises ev (not CLOSED) when a ULP with an event hook is attached. The ULP may end the
 * connection from the event: callers inside an input or timer frame check TF_FREE_LATER. */
static inline void tcp_ulp_event(struct tcp_sock *c, enum tcp_ulp_event ev)
{
    if (c->ulp && c->ulp->event)
        c->ulp->event(c, c->ulp_ctx, ev);
}
/* The connection is over for the ULP: detaches it, then raises CLOSED (once: a detached
 * socket raises nothing). Returns false when the socket was destroyed meanwhile (by the ULP
 * from the event, or because it was being destroyed). */
bool tcp_ulp_closed(struct tcp_sock *c);
/* The ULP's options on a non-SYN segment, then the SACK blocks TCP owes in what is left. */
void tcp_ulp_write_options(struct tcp_sock *c, struct tcp_hdr *h, uint32_t len);

/* tcp_stack.c */
uint32_t tcp_stack_isn(struct tcp_stack *st);
struct tcp_sock *tcp_sock_alloc(struct tcp_stack *st, const struct tcp_cong_ops *cc);
void tcp_sock_hash(struct tcp_sock *c);
void tcp_sock_unhash(struct tcp_sock *c);
/* The table entry for a 4-tuple (connection or TIME-WAIT), or NULL. */
struct tcp_hnode *tcp_lookup(struct tcp_stack *st, const struct sock_addr *laddr, uint16_t lport,
                             const struct sock_addr *raddr, uint16_t rport);
void tcp_node_hash(struct tcp_stack *st, struct tcp_hnode *n);
void tcp_node_unhash(struct tcp_stack *st, struct tcp_hnode *n);
void tcp_sock_destroy(struct tcp_sock *c);
void tcp_mem_update(struct tcp_stack *st, int64_t delta);
bool tcp_addr_eq(const struct sock_addr *a, const struct sock_addr *b);
int tcp_stack_pick_port(struct tcp_stack *st, const struct sock_addr *laddr,
                        const struct sock_addr *raddr, uint16_t rport, uint16_t *out);

/* tcp_output.c */
/* Encodes h (options padded here), writes the checksum over the pseudo-header from laddr to
 * raddr with payload_len virtual bytes, and hands the packet to the IP layer. */
void tcp_emit(struct tcp_stack *st, struct tcp_hdr *h, const struct sock_addr *laddr,
              const struct sock_addr *raddr, uint32_t payload_len);
/* Builds and sends one segment: seq, ack (when flags has ACK), window, options, checksum. */
void tcp_send_segment(struct tcp_sock *c, uint32_t seq, uint32_t len, uint16_t flags);
void tcp_send_syn(struct tcp_sock *c);
void tcp_send_ack(struct tcp_sock *c);
void tcp_send_rst_for(struct tcp_stack *st, const struct tcp_hdr *h, uint32_t seg_len,
                      const struct sock_addr *src, const struct sock_addr *dst);
/* Sends what the windows, Nagle and the send buffer allow. */
void tcp_output(struct tcp_sock *c);
/* Retransmits one segment from snd_una; returns its payload bytes. */
uint32_t tcp_retransmit_head(struct tcp_sock *c);
/* NOP NOP SACK with as many of the receiver's out-of-order ranges as fit in `room` bytes. */
void tcp_add_sack_blocks(struct tcp_sock *c, struct tcp_hdr *h, size_t room);
uint32_t tcp_rcv_window(struct tcp_sock *c);
void tcp_set_state(struct tcp_sock *c, int state);
uint32_t tcp_ts_now(const struct tcp_sock *c);

/* tcp_timer.c */
void tcp_timers_init(struct tcp_sock *c);
void tcp_rtx_arm(struct tcp_sock *c);       /* (re)starts the RTO (RFC 6298 5.1, 5.3) */
void tcp_rtx_stop(struct tcp_sock *c);
void tcp_persist_arm(struct tcp_sock *c);
void tcp_timewait_start(struct tcp_sock *c);
void tcp_delack_schedule(struct tcp_sock *c);
void tcp_rtt_sample(struct tcp_sock *c, sim_time_t rtt);
sim_time_t tcp_rto_backed_off(const struct tcp_sock *c);

/* tcp_ack.c: ACK processing of a synchronized connection; false when the segment must be
 * dropped (an ACK for data not yet sent, or older than the RFC 5961 range: answered). */
bool tcp_ack(struct tcp_sock *c, const struct tcp_hdr *h, uint32_t seg_len);
/* Calls the cwnd trace when cwnd or ssthresh differ from the values given. */
void tcp_trace_cwnd(struct tcp_sock *c, uint32_t old_cwnd, uint32_t old_ssthresh);
void tcp_cc_sync(struct tcp_sock *c);
uint32_t tcp_in_flight(const struct tcp_sock *c);
void tcp_enter_loss(struct tcp_sock *c);

/* tcp_input.c */
void tcp_conn_input(struct tcp_sock *c, const struct tcp_hdr *h, uint32_t seg_len);
/* Applies the options of a SYN / SYN-ACK: MSS, window scale, timestamps, SACK permitted. */
void tcp_syn_options(struct tcp_sock *c, const struct tcp_hdr *h);
/* Connection reached ESTABLISHED: callbacks, accept queue. */
void tcp_established(struct tcp_sock *c);
/* Moves to CLOSED after an error and tells the application. */
void tcp_fail(struct tcp_sock *c, int err);
/* Notifications that respect deferred frees; return false when the socket was freed. */
void tcp_cb_begin(struct tcp_sock *c);
/* tcp_socket.c: ISS, sequence variables and window scale of a new connection. */
void tcp_sock_init_seq(struct tcp_sock *c);
/* The window scale we offer for a receive buffer (RFC 7323 section 2.3). */
uint8_t tcp_choose_wscale(bytes_t rcvbuf);
bool tcp_cb_end(struct tcp_sock *c);

/* tcp_ooo.c */
/* Records [left, right) as received out of order; -1 when memory is exhausted. */
int tcp_ooo_add(struct tcp_sock *c, uint32_t left, uint32_t right);
/* Advances rcv_nxt over ranges that now touch it; returns true when a hole was filled. */
bool tcp_ooo_pull(struct tcp_sock *c);
void tcp_ooo_free(struct tcp_sock *c);

/* tcp_sack.c: the sender's SACK scoreboard and RFC 6675 loss recovery. */
/* Records the SACK blocks of h; returns true when one of them SACKed new data. */
bool tcp_sack_update(struct tcp_sock *c, const struct tcp_hdr *h);
/* Drops scoreboard ranges below snd_una. */
void tcp_sack_trim(struct tcp_sock *c);
void tcp_sack_clear(struct tcp_sock *c);
/* RFC 6675 IsLost(snd_una): enough SACKed data above the first hole. */
bool tcp_sack_head_lost(const struct tcp_sock *c);
/* RFC 6675 section 5 steps (C): sends while cwnd - pipe >= SMSS. */
void tcp_sack_output(struct tcp_sock *c);
uint32_t tcp_sack_pipe(const struct tcp_sock *c);
/* Bytes in the scoreboard (for RFC 6937 DeliveredData). */
uint32_t tcp_sack_bytes(const struct tcp_sock *c);
/* RFC 6937: sets cwnd for this ACK of the recovery from the bytes it delivered. */
void tcp_prr_ack(struct tcp_sock *c, uint32_t delivered);

/* tcp_timewait.c: compact TIME-WAIT records for connections nobody holds any more. */
struct tcp_tw;
/* Replaces the (orphaned, TIME-WAIT) connection c by a record expiring at `expires`; c is
 * destroyed. */
void tcp_tw_enter(struct tcp_sock *c, sim_time_t expires);
/* A segment for a TIME-WAIT record (RFC 9293 3.10.7.4, TIME-WAIT); returns true when it is
 * a new SYN that may open a connection (the record is gone, RFC 6191). */
bool tcp_tw_input(struct tcp_stack *st, struct tcp_tw *tw, const struct tcp_hdr *h,
                  uint32_t seg_len);
void tcp_tw_init(struct tcp_stack *st);
void tcp_tw_free_all(struct tcp_stack *st);

/* tcp_listen.c */
void tcp_listen_input(struct tcp_listener *l, const struct tcp_hdr *h, uint32_t seg_len,
                      const struct sock_addr *src, const struct sock_addr *dst);
struct tcp_listener *tcp_listener_find(struct tcp_stack *st, const struct sock_addr *dst,
                                       uint16_t port);
/* The transparent listener for a port: the one on that port, else one on port 0; NULL when
 * there is none. Asked only after tcp_listener_find found no listener. */
struct tcp_listener *tcp_listener_find_transparent(struct tcp_stack *st, uint16_t port);
/* A queued child is leaving (established and accepted, failed, or freed). */
void tcp_listener_child_gone(struct tcp_sock *c);
void tcp_listener_child_established(struct tcp_sock *c);
/* Frees every listener and its queued children without sending anything. */
void tcp_listeners_free_all(struct tcp_stack *st);
bool tcp_listener_accept_full(const struct tcp_listener *l);
void tcp_listener_count_overflow(struct tcp_listener *l);

#endif
