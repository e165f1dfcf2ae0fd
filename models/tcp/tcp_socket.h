/* tcp_socket.h - the callback socket interface applications use (TCP now, MPTCP later).
 *
 * Event-driven like a non-blocking BSD socket driven by epoll, but with callbacks instead of
 * readiness polling (DESIGN.md section 4 "Sockets"). Payload is virtual: send() queues a byte
 * count and read() consumes one; no payload bytes are copied anywhere.
 *
 *   connected(s)      the three-way handshake finished (active or passive side);
 *   readable(s, n)    n bytes are ready to read (tcp_sock_readable()), or the peer sent FIN
 *                     (tcp_sock_eof() true, n may be 0): like read() returning 0;
 *   writable(s, n)    n bytes of send-buffer space are free again after a send() was limited;
 *   closed(s)         both directions finished gracefully (FIN sent and acknowledged, FIN
 *                     received); the socket stays valid until the application closes it;
 *   error(s, err)     the connection failed: TCP_ERR_REFUSED (RST to our SYN), TCP_ERR_RESET,
 *                     TCP_ERR_TIMEOUT (retries exhausted). State is CLOSED afterwards.
 * Any callback may be NULL. A callback may call any function of this interface on its own
 * socket, including tcp_close() (the stack defers the free until the callback returns).
 *
 * Ownership: a socket belongs to the application until tcp_close()/tcp_abort(); after
 * tcp_close() the stack keeps the connection (FIN exchange, TIME-WAIT) and frees it when it
 * reaches CLOSED, without calling back. Listening sockets hand out accepted sockets through
 * the listener's `acceptable` callback and tcp_accept().
 * Not modelled: urgent data, out-of-band data, socket options beyond those below.
 */
#ifndef MCPSIM_TCP_SOCKET_H
#define MCPSIM_TCP_SOCKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/units.h"

struct tcp_stack;
struct tcp_sock;
struct tcp_listener;

/* Negative error codes given to the error callback and returned by the calls below. */
enum tcp_err {
    TCP_ERR_REFUSED = -1,  /* RST in answer to our SYN (RFC 9293 section 3.10.7.3) */
    TCP_ERR_RESET = -2,    /* RST on an established connection */
    TCP_ERR_TIMEOUT = -3,  /* SYN, SYN-ACK or data retransmissions exhausted */
    TCP_ERR_STATE = -4,    /* the call is not valid in the socket's state */
    TCP_ERR_ARG = -5,      /* bad argument (unknown congestion control, port in use, ...) */
    TCP_ERR_NOMEM = -6,
    TCP_ERR_NOPORT = -7,   /* no free ephemeral port for this destination */
};

const char *tcp_strerror(int err);

struct tcp_sock_callbacks {
    void (*connected)(struct tcp_sock *s, void *ctx);
    void (*readable)(struct tcp_sock *s, void *ctx, size_t bytes);
    void (*writable)(struct tcp_sock *s, void *ctx, size_t bytes);
    void (*closed)(struct tcp_sock *s, void *ctx);
    void (*error)(struct tcp_sock *s, void *ctx, int err);
};

struct tcp_listener_callbacks {
    /* A connection finished its handshake and waits in the accept queue: call tcp_accept(). */
    void (*acceptable)(struct tcp_listener *l, void *ctx);
};

/* Address of one end: IPv4 (family 4, first 4 bytes) or IPv6 (family 6). The node's IP layer
 * gives and takes these; TCP only compares them and sums them into the checksum. */
struct tcp_addr {
    uint8_t family;
    uint8_t bytes[16];
};

/* Per-connection counters (also what an application reports per connection). */
struct tcp_sock_stats {
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
};

/* Snapshot of the congestion and RTT state (for tests, traces and applications). */
struct tcp_sock_info {
    int state;                    /* enum tcp_state (tcp_state_name()) */
    uint16_t lport, rport;
    uint32_t mss;                 /* payload bytes per full segment (options deducted) */
    uint32_t cwnd, ssthresh;      /* bytes */
    uint32_t snd_wnd, rcv_wnd;    /* bytes, scaled */
    uint32_t in_flight;           /* bytes sent and not acknowledged */
    uint8_t snd_wscale, rcv_wscale;
    bool ts_ok, sack_ok, in_recovery;
    sim_time_t srtt, rttvar, rto;
    const char *cc;
    size_t mem_bytes;             /* control block and queues */
};

/* ---- active side ------------------------------------------------------------------- */

/* Opens a connection from the stack's address `src` (port chosen from the ephemeral range
 * unless src_port != 0) to dst:dst_port; sends the SYN now. cc NULL = the stack default. */
int tcp_connect(struct tcp_stack *st, const struct tcp_addr *src, uint16_t src_port,
                const struct tcp_addr *dst, uint16_t dst_port, const char *cc,
                const struct tcp_sock_callbacks *cb, void *ctx, struct tcp_sock **out);

/* ---- passive side ------------------------------------------------------------------ */

/* Listens on addr:port (addr NULL = any address of the node). */
int tcp_listen(struct tcp_stack *st, const struct tcp_addr *addr, uint16_t port,
               const struct tcp_listener_callbacks *cb, void *ctx, struct tcp_listener **out);
/* Takes the oldest established connection off the accept queue and gives it its callbacks;
 * TCP_ERR_STATE when the queue is empty. */
int tcp_accept(struct tcp_listener *l, const struct tcp_sock_callbacks *cb, void *ctx,
               struct tcp_sock **out);
/* Listener counters (RFC 4987 discussion of SYN floods; Linux ListenOverflows etc.). */
struct tcp_listener_stats {
    uint64_t syns_received;
    uint64_t syns_dropped;        /* SYN queue full without cookies, or accept queue full */
    uint64_t synq_overflows;      /* SYNs that found the SYN queue full */
    uint64_t acceptq_overflows;   /* handshakes completed while the accept queue was full */
    uint64_t cookies_sent, cookies_validated, cookies_failed;
    uint64_t accepted;
    uint64_t synq_len, acceptq_len, synq_peak;
};
void tcp_listener_get_stats(const struct tcp_listener *l, struct tcp_listener_stats *out);

/* Stops listening: connections in the SYN and accept queues are reset and freed. */
void tcp_listener_close(struct tcp_listener *l);

/* ---- data -------------------------------------------------------------------------- */

/* Queues up to `bytes` virtual bytes; returns the count accepted (limited by the free send
 * buffer; the writable callback says when more fits) or a negative error after shutdown. */
int64_t tcp_send(struct tcp_sock *s, size_t bytes);
/* Consumes up to `bytes` from the receive buffer (opening the receive window); returns the
 * count consumed. */
size_t tcp_read(struct tcp_sock *s, size_t bytes);
size_t tcp_sock_readable(const struct tcp_sock *s);
bool tcp_sock_eof(const struct tcp_sock *s);
/* Free send-buffer space in bytes. */
size_t tcp_sock_writable(const struct tcp_sock *s);

/* ---- ending ------------------------------------------------------------------------ */

/* Half close: FIN after the queued data (RFC 9293 CLOSE call); reading goes on. */
int tcp_shutdown(struct tcp_sock *s);
/* Full close: shutdown, then the stack owns and eventually frees the socket. */
void tcp_close(struct tcp_sock *s);
/* Sends RST (if synchronized) and frees the socket at once (RFC 9293 ABORT call). */
void tcp_abort(struct tcp_sock *s);

/* ---- sharing the interface (MPTCP) ------------------------------------------------- */

/* The operations behind the data and ending calls above. Another transport shares this
 * interface the way SQLite's VFS shares sqlite3_file: its socket struct starts with a
 * struct tcp_sock_base whose ops implement the calls, and it hands applications a
 * struct tcp_sock * pointing at it; the callbacks are the same struct tcp_sock_callbacks.
 * Applications never see the difference. The TCP implementation is tcp_stream_ops. */
struct tcp_sock_ops {
    int64_t (*send)(struct tcp_sock *s, size_t bytes);
    size_t (*read)(struct tcp_sock *s, size_t bytes);
    size_t (*readable)(const struct tcp_sock *s);
    bool (*eof)(const struct tcp_sock *s);
    size_t (*writable)(const struct tcp_sock *s);
    int (*shutdown)(struct tcp_sock *s);
    void (*close)(struct tcp_sock *s);
    void (*abort)(struct tcp_sock *s);
    void (*set_callbacks)(struct tcp_sock *s, const struct tcp_sock_callbacks *cb, void *ctx);
};

struct tcp_sock_base {
    const struct tcp_sock_ops *ops;
};

extern const struct tcp_sock_ops tcp_stream_ops;

/* ---- options and introspection (TCP sockets only) ---------------------------------- */

void tcp_sock_set_ctx(struct tcp_sock *s, const struct tcp_sock_callbacks *cb, void *ctx);
int tcp_sock_set_cc(struct tcp_sock *s, const char *name);
void tcp_sock_set_nagle(struct tcp_sock *s, bool on);
void tcp_sock_get_stats(const struct tcp_sock *s, struct tcp_sock_stats *out);

/* Trace sources in the ns-3 manner: NULL members and a NULL table cost one test each.
 * cwnd: after any change of cwnd or ssthresh (bytes); rtt: each RTT sample with the new SRTT
 * and RTO; state: each state change. For time series of applications and tests. */
struct tcp_sock_trace {
    void (*cwnd)(struct tcp_sock *s, void *ctx, uint32_t cwnd, uint32_t ssthresh);
    void (*rtt)(struct tcp_sock *s, void *ctx, sim_time_t sample, sim_time_t srtt,
                sim_time_t rto);
    void (*state)(struct tcp_sock *s, void *ctx, int from, int to);
};
void tcp_sock_set_trace(struct tcp_sock *s, const struct tcp_sock_trace *t, void *ctx);
void tcp_sock_get_info(const struct tcp_sock *s, struct tcp_sock_info *out);
int tcp_sock_state(const struct tcp_sock *s);
struct tcp_stack *tcp_sock_stack(const struct tcp_sock *s);

#endif
