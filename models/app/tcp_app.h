/* tcp_app.h - what the stream applications (bulk, onoff, reqresp, tcp-sink) share:
 * per-connection statistics and traces, the set-up of a client connection.
 *
 * They run over any transport of the node's host stack (models/host/host.h), chosen by name
 * with their `protocol` row (tcp, mptcp), and include no stack header: sockets are struct
 * sock (models/sock/sock.h).
 *
 * A struct tcp_app_conn follows one connection of an application: when it started, when its
 * handshake finished, when it completed, and the socket's counters taken just before the
 * application lets go of the socket. Time series go through sim/results.h vectors under the
 * module of the connection ("bulk-0", "web.c3"): "cwnd" (bytes, on every change) and "rtt"
 * (seconds, every RTT sample), of an MPTCP connection's first subflow (index 0). An MPTCP
 * connection also has "data_acked" (bytes the peer data-ACKed) and "data_received" (bytes
 * delivered in data sequence order) under the connection's module, and per subflow k the
 * module "MODULE.sfK" ("bulk-0.sf1") with "cwnd", "rtt", "tx_bytes" (payload bytes sent
 * once: the highest sequence sent) and "acked_bytes" (payload bytes the subflow's cumulative
 * ACKs cover), each created when subflow k first reports (k < TCP_APP_SF_MAX). All are off
 * unless the scenario's record: rules enable them ("vector:bulk-*.sf*.cwnd": on), and when
 * every one is off the socket gets no trace table, so an unrecorded series costs nothing per
 * segment.
 *
 * Scalars (tcp_app_conn_record, module = the connection's): tx_bytes (payload bytes the peer
 * acknowledged), rx_bytes, goodput (acknowledged payload bits per second from the end of the
 * handshake to completion or the end of the run), completion_time (s, only when completed),
 * connect_time (s, handshake), retrans_segs, rto_count, fast_retrans, rtt_samples, srtt (s),
 * failed (1 when the connection ended with an error); for an MPTCP connection also
 * mptcp_fallback (1 when it fell back to plain TCP), mptcp_fallback_reason (the reason's
 * number, enum mptcp_fallback_reason, 0 = none), subflows (the most subflows established at
 * the same time: the peak, not the count at the end), joins_attempted, joins_ok,
 * add_addr_tx, add_addr_rx, reinjected_bytes and mem_bytes (the connection's memory as the
 * model accounts it at the last snapshot: connection, subflow contexts, TCP control blocks
 * and queues); TCP connections record none of these, so TCP results are as before MPTCP
 * existed.
 * Not modelled: per-connection histograms (add them when a study needs them).
 *
 * A struct tcp_app_client is an application with one client connection (bulk, onoff): the
 * two addresses, the node's host and the transport's name, the port, and the connection's
 * tcp_app_conn, whose module is the application's name. It completes when the transport
 * reports it closed in both
 * directions and fails on a socket error; either way the application lets go of the socket.
 */
#ifndef MCPSIM_MODELS_APP_TCP_APP_H
#define MCPSIM_MODELS_APP_TCP_APP_H

#include <stdbool.h>

#include "models/app/app_params.h"
#include "models/host/host.h"
#include "models/sock/sock.h"
#include "sim/registry.h"
#include "sim/results.h"
#include "sim/sched.h"

#define TCP_APP_SF_MAX 8 /* MPTCP subflows traced per connection (indices 0..7) */

/* The series of one MPTCP subflow (created when it first reports). */
struct tcp_app_sf_vectors {
    bool made;
    struct results_vector *cwnd, *rtt, *tx_bytes, *acked_bytes;
};

struct tcp_app_conn {
    char module[PARAM_STRING_MAX + 32];
    struct sock *sock;               /* NULL once the application let go of it */
    struct sched *sched;
    struct results_run *run;
    sim_time_t started, connected, completed; /* -1 = not yet */
    struct sock_stats stats;     /* last snapshot */
    sim_time_t srtt;
    bool mptcp, fallback;            /* the socket is MPTCP; it fell back (last snapshot) */
    uint8_t subflows_peak, fallback_reason;
    uint16_t joins_attempted, joins_ok, add_addr_tx, add_addr_rx;
    size_t mem_bytes;
    bool failed;
    struct results_vector *cwnd, *rtt;
    struct results_vector *data_acked, *data_received; /* MPTCP */
    struct tcp_app_sf_vectors *sf; /* MPTCP, [TCP_APP_SF_MAX], NULL when none is recorded */
};

/* Names the connection, creates its vectors (NULL when not recorded) and marks it started
 * now (the traces take their time stamps from sched). */
void tcp_app_conn_init(struct tcp_app_conn *c, struct results_run *run, const char *module,
                       struct sched *sched);
/* Connects from src to dst:port with host h's transport `protocol`, callbacks cb (context
 * ctx), and adopts the socket (with the trace table when a vector is recorded); -1, with c
 * marked failed, when the connect fails at once. */
int tcp_app_conn_connect(struct tcp_app_conn *c, struct host *h, const char *protocol,
                         const struct sock_addr *src, const struct sock_addr *dst,
                         uint16_t port, const char *cc, const struct sock_callbacks *cb,
                         void *ctx);
/* Takes the socket's counters (call before sock_close/sock_abort and at the end of the run). */
void tcp_app_conn_snapshot(struct tcp_app_conn *c);
/* Frees what the connection's records own (the subflow series table); the vectors belong
 * to the run. Call once the connection is no longer traced (the socket let go). */
void tcp_app_conn_free(struct tcp_app_conn *c);
/* Takes the counters and closes the socket (the transport finishes the connection); nothing
 * when the application has already let go of it. */
void tcp_app_conn_let_go(struct tcp_app_conn *c);
/* Takes a last snapshot while the socket is held, then writes the scalars listed above;
 * `end` is the time goodput is measured to when the connection did not complete. */
void tcp_app_conn_record(struct tcp_app_conn *c, struct results_run *run, sim_time_t end);

/* The addresses of the family (the parameter enum ipv4|ipv6: 0 or 1) of the connection's two
 * nodes; 0, or -1 with a message naming the node without one. */
int tcp_app_addrs(const struct net_node *node, const struct net_node *dst, int family,
                  struct sock_addr *src_addr, struct sock_addr *dst_addr, char *err,
                  size_t errlen);

struct tcp_app_client {
    struct tcp_app_conn conn; /* first: the socket callbacks below find it at their ctx */
    char name[PARAM_STRING_MAX];
    struct sched *sched;
    struct results_run *results;
    struct host *host;
    char protocol[PARAM_STRING_MAX]; /* the transport's name */
    struct sock_addr src, dst;
    uint16_t port;
    char cc[PARAM_STRING_MAX]; /* the application's congestion control, "" = the stack's */
    struct app_route route;   /* checked once the world is built (app_params.h) */
};

/* Fills r with the path from node (address src) to dst (address dst_addr) and back, and
 * registers its check (app_check_route); 0, or -1 with a message. */
int tcp_app_route_check(struct model_ctx *ctx, struct app_route *r, struct net_node *node,
                        struct net_node *dst, const struct sock_addr *src,
                        const struct sock_addr *dst_addr, char *err, size_t errlen);
/* From create(): names the client, finds the addresses (tcp_app_addrs) and attaches the
 * application's host rows to node's host (host_attach); 0, or -1 with a message. */
int tcp_app_client_init(struct tcp_app_client *a, struct model_ctx *ctx, const char *name,
                        struct net_node *node, struct net_node *dst, int family, uint16_t port,
                        const struct host_opts *opts, char *err, size_t errlen);
/* At the start time: starts the connection's statistics and connects with callbacks cb, whose
 * ctx is a; 0, or -1 when the connection failed at once. */
int tcp_app_client_connect(struct tcp_app_client *a, const struct sock_callbacks *cb);
/* The connection's scalars at the end of the run; none when it never started. */
void tcp_app_client_record(struct tcp_app_client *a, struct model_ctx *ctx);

/* Socket callbacks of a client (ctx: the application, its struct tcp_app_client first):
 * reading and discarding what the peer sends; the connection completed; it failed. */
void tcp_app_client_discard(struct sock *s, void *ctx, size_t bytes);
void tcp_app_client_closed(struct sock *s, void *ctx);
void tcp_app_client_error(struct sock *s, void *ctx, int err);

/* Goodput in bit/s of `bytes` between two times (0 when the interval is empty). */
double tcp_app_goodput(uint64_t bytes, sim_time_t from, sim_time_t to);

#endif
