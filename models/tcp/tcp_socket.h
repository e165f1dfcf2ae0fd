/* tcp_socket.h - TCP's native socket calls, and how a TCP socket is a struct sock.
 *
 * Applications use the transport-neutral calls of models/sock/sock.h (sock_send, sock_read,
 * callbacks with a struct sock); a TCP socket answers them through tcp_stream_ops. The
 * native calls below take struct tcp_sock and serve the layers built on TCP (MPTCP subflows,
 * the TCP tests) and the host stack that opens sockets. Semantics of the callbacks,
 * ownership and payload are those of sock.h: after tcp_close() the stack keeps the
 * connection (FIN exchange, TIME-WAIT) and frees it when it reaches CLOSED.
 * Not modelled: urgent data, out-of-band data, socket options beyond those below.
 */
#ifndef MCPSIM_TCP_SOCKET_H
#define MCPSIM_TCP_SOCKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "models/sock/sock.h"
#include "sim/units.h"

struct tcp_stack;
struct tcp_sock;
struct tcp_listener;

/* A TCP socket is a struct sock (sock.h) and a TCP listener a struct sock_listener: the
 * generic calls (sock_send, sock_accept, ...) work on them, and callbacks receive the
 * struct sock. The native calls below take the TCP types, for the layers built on TCP
 * (MPTCP subflows, tests); these convert. tcp_sock_from() is NULL for a non-TCP socket. */
struct sock *tcp_sock_sock(struct tcp_sock *s);
struct tcp_sock *tcp_sock_from(struct sock *s);
struct sock_listener *tcp_listener_sock(struct tcp_listener *l);
struct tcp_listener *tcp_listener_from(struct sock_listener *l);

/* ---- active side ------------------------------------------------------------------- */

/* Opens a connection from the stack's address `src` (port chosen from the ephemeral range
 * unless src_port != 0) to dst:dst_port; sends the SYN now. cc NULL = the stack default. */
int tcp_connect(struct tcp_stack *st, const struct sock_addr *src, uint16_t src_port,
                const struct sock_addr *dst, uint16_t dst_port, const char *cc,
                const struct sock_callbacks *cb, void *ctx, struct tcp_sock **out);

/* ---- passive side ------------------------------------------------------------------ */

/* Listens on addr:port (addr NULL = any address of the node). */
int tcp_listen(struct tcp_stack *st, const struct sock_addr *addr, uint16_t port,
               const struct sock_listener_callbacks *cb, void *ctx, struct tcp_listener **out);
/* A transparent listener (Linux IP_TRANSPARENT + TPROXY; sock_listen_args.transparent):
 * takes SYNs for any destination address the node's IP layer delivers to the stack, on
 * `port`, or on any port when port is 0. Lookup order for a segment of no connection: a
 * listener on (destination, port), a listener on (any address, port), the transparent one
 * on port, the transparent one on port 0 (specific first, as Linux's exact match). The stack
 * does not know which addresses are the node's, so on a proxy node an any-address listener
 * also takes diverted SYNs for its port: bind local services to the node's address there.
 * Children use the SYN's destination as their local address (sock_info.orig_dst/orig_dport
 * report it). SOCK_ERR_ARG when a transparent listener already has that port. */
int tcp_listen_transparent(struct tcp_stack *st, uint16_t port,
                           const struct sock_listener_callbacks *cb, void *ctx,
                           struct tcp_listener **out);
/* Takes the oldest established connection off the accept queue and gives it its callbacks;
 * SOCK_ERR_STATE when the queue is empty. */
int tcp_accept(struct tcp_listener *l, const struct sock_callbacks *cb, void *ctx,
               struct tcp_sock **out);
void tcp_listener_get_stats(const struct tcp_listener *l, struct sock_listener_stats *out);

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

/* ---- options and introspection (TCP sockets only) ---------------------------------- */

void tcp_sock_set_ctx(struct tcp_sock *s, const struct sock_callbacks *cb, void *ctx);
int tcp_sock_set_cc(struct tcp_sock *s, const char *name);
void tcp_sock_set_nagle(struct tcp_sock *s, bool on);
void tcp_sock_get_stats(const struct tcp_sock *s, struct sock_stats *out);

/* Trace sources (sock.h struct sock_trace): TCP calls them with subflow index 0 and the
 * struct sock of the connection; the data member is not used by TCP. */
void tcp_sock_set_trace(struct tcp_sock *s, const struct sock_trace *t, void *ctx);
void tcp_sock_get_info(const struct tcp_sock *s, struct sock_info *out);
/* The sending state tcp_sock_get_info reports, one field each, for per-segment callers (the
 * MPTCP scheduler asks on every mapping; filling a whole sock_info cost 13 % of a run):
 * the send MSS, cwnd and ssthresh in bytes, the peer's window, the smoothed RTT. */
struct tcp_send_state {
    uint32_t mss, cwnd, snd_wnd;
    sim_time_t srtt;
};
void tcp_sock_send_state(const struct tcp_sock *s, struct tcp_send_state *out);
int tcp_sock_state(const struct tcp_sock *s);
struct tcp_stack *tcp_sock_stack(const struct tcp_sock *s);
/* The connection's congestion-control state, for coupled algorithms (MPTCP groups its
 * subflows' states: models/mptcp/mptcp_cc.h). */
struct tcp_cc *tcp_sock_cc(struct tcp_sock *s);

#endif
