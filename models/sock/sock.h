/* sock.h - the transport-neutral socket interface: what applications (and the proxy relay)
 * use, whatever transport is behind the socket (TCP, MPTCP), as Linux applications use one
 * socket API for both (IPPROTO_TCP / IPPROTO_MPTCP).
 *
 * A socket is a struct sock whose ops implement the calls below, the way SQLite's VFS shares
 * sqlite3_file: a transport's socket struct starts with a struct sock. Callbacks are the
 * event-driven equivalent of a non-blocking socket driven by epoll:
 *   connected(s)      the handshake finished (active or passive side);
 *   readable(s, n)    n bytes are ready to read, or the peer finished sending (sock_eof()
 *                     true, n may be 0): like read() returning 0;
 *   writable(s, n)    n bytes of send-buffer space are free again after a send() was limited;
 *   closed(s)         both directions finished gracefully; the socket stays valid until the
 *                     application closes it;
 *   error(s, err)     the connection failed (SOCK_ERR_*); CLOSED afterwards.
 * Any callback may be NULL. A callback may call any function of this interface on its own
 * socket, including sock_close() (transports defer the free until the callback returns).
 * Payload is virtual: send() queues a byte count and read() consumes one.
 *
 * Ownership: a socket belongs to the application until sock_close()/sock_abort(); after
 * sock_close() the transport finishes the connection and frees it without calling back.
 *
 * Transports register by name (sock_transport_register, from a constructor) and are reached
 * through the node's host stack (models/host): an application names a transport
 * (`protocol: tcp|mptcp`) and never includes a stack header.
 * This header depends on sim/units.h only.
 */
#ifndef MCPSIM_SOCK_SOCK_H
#define MCPSIM_SOCK_SOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/units.h"

/* Address of one end: IPv4 (family 4, first 4 bytes) or IPv6 (family 6); family 0 = none. */
struct sock_addr {
    uint8_t family;
    uint8_t bytes[16];
};

/* Negative error codes given to the error callback and returned by the calls below. */
enum sock_err {
    SOCK_ERR_REFUSED = -1,  /* RST in answer to our SYN (RFC 9293 section 3.10.7.3) */
    SOCK_ERR_RESET = -2,    /* RST (or MP_FASTCLOSE) on an established connection */
    SOCK_ERR_TIMEOUT = -3,  /* SYN, SYN-ACK or data retransmissions exhausted */
    SOCK_ERR_STATE = -4,    /* the call is not valid in the socket's state */
    SOCK_ERR_ARG = -5,      /* bad argument (unknown congestion control, port in use, ...) */
    SOCK_ERR_NOMEM = -6,
    SOCK_ERR_NOPORT = -7,   /* no free ephemeral port for this destination */
    SOCK_ERR_NOTRANSPORT = -8, /* no transport of that name on this node */
};
const char *sock_strerror(int err);

struct sock;
struct sock_listener;

struct sock_callbacks {
    void (*connected)(struct sock *s, void *ctx);
    void (*readable)(struct sock *s, void *ctx, size_t bytes);
    void (*writable)(struct sock *s, void *ctx, size_t bytes);
    void (*closed)(struct sock *s, void *ctx);
    void (*error)(struct sock *s, void *ctx, int err);
};

struct sock_listener_callbacks {
    /* A connection finished its handshake and waits in the accept queue: call sock_accept(). */
    void (*acceptable)(struct sock_listener *l, void *ctx);
};

/* Per-connection counters. For MPTCP these are data-level (bytes the peer data-ACKed, bytes
 * delivered in data sequence order); segment counts sum the subflows. */
struct sock_stats {
    uint64_t segs_out, segs_in;
    uint64_t bytes_acked;         /* payload bytes the peer acknowledged */
    uint64_t bytes_received;      /* in-order payload bytes delivered to the receive buffer */
    uint64_t retrans_segs;        /* segments sent again (RTO, fast retransmit, recovery) */
    uint64_t rto_count;           /* retransmission-timer expiries */
    uint64_t fast_retrans;        /* fast-retransmit episodes (recovery entries) */
    uint64_t dupacks_in;
    uint64_t rtt_samples;
    uint64_t zero_window_probes;
    uint64_t challenge_acks;      /* RFC 5961 */
    uint64_t reinjected_bytes;    /* MPTCP: data sent again on another subflow */
};

/* Snapshot of a connection (for tests, traces, applications and the relay). For MPTCP the
 * window and RTT fields describe the first active subflow; `subflows` counts active ones. */
struct sock_info {
    const char *transport;        /* "tcp", "mptcp" */
    int state;                    /* the transport's state number */
    const char *state_name;       /* "ESTABLISHED", ... */
    struct sock_addr local, remote;
    uint16_t lport, rport;
    /* Where the peer addressed its SYN: for a connection accepted by a transparent listener
     * the original destination (Linux getsockname() on a TPROXY socket), otherwise the local
     * address and port. */
    struct sock_addr orig_dst;
    uint16_t orig_dport;
    uint32_t mss;                 /* payload bytes per full segment (options deducted) */
    uint32_t cwnd, ssthresh;      /* bytes */
    uint32_t snd_wnd, rcv_wnd;    /* bytes, scaled */
    uint32_t in_flight;           /* bytes sent and not acknowledged */
    uint8_t snd_wscale, rcv_wscale;
    bool ts_ok, sack_ok, in_recovery;
    sim_time_t srtt, rttvar, rto;
    const char *cc;
    size_t mem_bytes;             /* control blocks and queues (all subflows for MPTCP) */
    bool fallback;                /* MPTCP: the connection fell back to plain TCP */
    uint8_t subflows;             /* MPTCP: active subflows (TCP: 1) */
    /* MPTCP only (0 for TCP): the most subflows established at the same time; why it fell
     * back (the transport's reason number, 0 = it did not); MP_JOIN subflows opened (client:
     * SYNs sent, server: SYNs accepted) and fully established; ADD_ADDRs announced and
     * accepted (HMAC valid) on this connection. */
    uint8_t subflows_peak;
    uint8_t fallback_reason;
    uint16_t joins_attempted, joins_ok;
    uint16_t add_addr_tx, add_addr_rx;
};

/* Trace sources in the ns-3 manner: NULL members and a NULL table cost one test each.
 * `sf` is the subflow index (0 for TCP and for an MPTCP connection's first subflow).
 * cwnd: after any change of cwnd or ssthresh (bytes); rtt: each RTT sample with the new SRTT
 * and RTO; state: each state change; data: MPTCP data-level progress (bytes data-ACKed by the
 * peer, bytes delivered in order) on every change; sf_bytes: MPTCP, one subflow's payload
 * bytes sent (first transmissions: the highest subflow sequence sent) and acknowledged at the
 * subflow level (cumulative ACKs), whenever either grows. TCP calls neither data nor
 * sf_bytes. */
struct sock_trace {
    void (*cwnd)(struct sock *s, void *ctx, unsigned sf, uint32_t cwnd, uint32_t ssthresh);
    void (*rtt)(struct sock *s, void *ctx, unsigned sf, sim_time_t sample, sim_time_t srtt,
                sim_time_t rto);
    void (*state)(struct sock *s, void *ctx, unsigned sf, int from, int to);
    void (*data)(struct sock *s, void *ctx, uint64_t acked, uint64_t received);
    void (*sf_bytes)(struct sock *s, void *ctx, unsigned sf, uint64_t sent, uint64_t acked);
};

/* The operations behind the calls; a transport fills every member. */
struct sock_ops {
    int64_t (*send)(struct sock *s, size_t bytes);
    size_t (*read)(struct sock *s, size_t bytes);
    size_t (*readable)(const struct sock *s);
    bool (*eof)(const struct sock *s);
    size_t (*writable)(const struct sock *s);
    int (*shutdown)(struct sock *s);
    void (*close)(struct sock *s);
    void (*abort)(struct sock *s);
    void (*set_callbacks)(struct sock *s, const struct sock_callbacks *cb, void *ctx);
    void (*set_trace)(struct sock *s, const struct sock_trace *t, void *ctx);
    void (*get_info)(const struct sock *s, struct sock_info *out);
    void (*get_stats)(const struct sock *s, struct sock_stats *out);
    /* Per-socket options by name (Linux setsockopt): "cc" (congestion control name),
     * "nagle" ("on"/"off"); SOCK_ERR_ARG for an unknown option or value. */
    int (*set_opt)(struct sock *s, const char *name, const char *value);
};

struct sock {
    const struct sock_ops *ops;
};

/* ---- data and ending (dispatch to the transport) ----------------------------------- */

/* Queues up to `bytes` virtual bytes; returns the count accepted (limited by the free send
 * buffer; the writable callback says when more fits) or a negative error after shutdown. */
static inline int64_t sock_send(struct sock *s, size_t bytes) { return s->ops->send(s, bytes); }
/* Consumes up to `bytes` from the receive buffer (opening the receive window). */
static inline size_t sock_read(struct sock *s, size_t bytes) { return s->ops->read(s, bytes); }
static inline size_t sock_readable(const struct sock *s) { return s->ops->readable(s); }
static inline bool sock_eof(const struct sock *s) { return s->ops->eof(s); }
static inline size_t sock_writable(const struct sock *s) { return s->ops->writable(s); }
/* Half close: FIN (DATA_FIN) after the queued data; reading goes on. */
static inline int sock_shutdown(struct sock *s) { return s->ops->shutdown(s); }
/* Full close: shutdown, then the transport owns and eventually frees the socket. */
static inline void sock_close(struct sock *s) { s->ops->close(s); }
/* Sends RST (MPTCP: MP_FASTCLOSE) and frees the socket at once (RFC 9293 ABORT). */
static inline void sock_abort(struct sock *s) { s->ops->abort(s); }
static inline void sock_set_callbacks(struct sock *s, const struct sock_callbacks *cb, void *ctx)
{
    s->ops->set_callbacks(s, cb, ctx);
}
static inline void sock_set_trace(struct sock *s, const struct sock_trace *t, void *ctx)
{
    s->ops->set_trace(s, t, ctx);
}
static inline void sock_get_info(const struct sock *s, struct sock_info *out)
{
    s->ops->get_info(s, out);
}
static inline void sock_get_stats(const struct sock *s, struct sock_stats *out)
{
    s->ops->get_stats(s, out);
}
static inline int sock_set_opt(struct sock *s, const char *name, const char *value)
{
    return s->ops->set_opt(s, name, value);
}

/* ---- listeners ---------------------------------------------------------------------- */

/* Listener counters (RFC 4987 discussion of SYN floods; Linux ListenOverflows etc.). */
struct sock_listener_stats {
    uint64_t syns_received;
    uint64_t syns_dropped;        /* SYN queue full without cookies, or accept queue full */
    uint64_t synq_overflows;      /* SYNs that found the SYN queue full */
    uint64_t acceptq_overflows;   /* handshakes completed while the accept queue was full */
    uint64_t cookies_sent, cookies_validated, cookies_failed;
    uint64_t accepted;
    uint64_t synq_len, acceptq_len, synq_peak;
};

struct sock_listener_ops {
    /* Takes the oldest established connection off the accept queue and gives it its
     * callbacks; SOCK_ERR_STATE when the queue is empty. */
    int (*accept)(struct sock_listener *l, const struct sock_callbacks *cb, void *ctx,
                  struct sock **out);
    /* Stops listening: connections in the SYN and accept queues are reset and freed. */
    void (*close)(struct sock_listener *l);
    void (*get_stats)(const struct sock_listener *l, struct sock_listener_stats *out);
};

struct sock_listener {
    const struct sock_listener_ops *ops;
};

static inline int sock_accept(struct sock_listener *l, const struct sock_callbacks *cb,
                              void *ctx, struct sock **out)
{
    return l->ops->accept(l, cb, ctx, out);
}
static inline void sock_listener_close(struct sock_listener *l) { l->ops->close(l); }
static inline void sock_listener_get_stats(const struct sock_listener *l,
                                           struct sock_listener_stats *out)
{
    l->ops->get_stats(l, out);
}

/* ---- transports --------------------------------------------------------------------- */

struct sock_connect_args {
    struct sock_addr src;         /* family 0: the node's primary address of dst's family */
    uint16_t src_port;            /* 0: ephemeral */
    struct sock_addr dst;
    uint16_t dst_port;
    const char *cc;               /* NULL: the transport's default */
};

struct sock_listen_args {
    struct sock_addr addr;        /* family 0: any address of the node */
    uint16_t port;                /* with transparent: 0 = any port */
    /* Transparent (Linux IP_TRANSPARENT + TPROXY): the listener takes SYNs for any
     * destination address (and with port 0 any port) that the node's IP layer delivers to
     * it; accepted sockets use the original destination as their local address and report it
     * in sock_info.orig_dst. A proxy steers SYNs to the local stack with its hooks. */
    bool transparent;
};

/* A transport's per-node instance is created by the host stack the first time a socket of
 * that transport is asked for (struct host_env and the constructor live in models/host). */
struct sock_transport_ops {
    int (*connect)(void *tp, const struct sock_connect_args *a, const struct sock_callbacks *cb,
                   void *ctx, struct sock **out);
    int (*listen)(void *tp, const struct sock_listen_args *a,
                  const struct sock_listener_callbacks *cb, void *ctx,
                  struct sock_listener **out);
};

#endif
