/* tcp_app.h - what the TCP applications share: per-connection statistics and traces.
 *
 * A struct tcp_app_conn follows one connection of an application: when it started, when its
 * handshake finished, when it completed, and the socket's counters taken just before the
 * application lets go of the socket. Time series go through sim/results.h vectors under the
 * module of the connection ("bulk-0", "web.c3"): "cwnd" (bytes, on every change) and "rtt"
 * (seconds, every RTT sample). Both are off unless the scenario's record: rules enable them
 * ("vector:bulk-*.cwnd": on), and when both are off the socket gets no trace table, so an
 * unrecorded series costs nothing per segment.
 *
 * Scalars (tcp_app_conn_record, module = the connection's): tx_bytes (payload bytes the peer
 * acknowledged), rx_bytes, goodput (acknowledged payload bits per second from the end of the
 * handshake to completion or the end of the run), completion_time (s, only when completed),
 * connect_time (s, handshake), retrans_segs, rto_count, fast_retrans, rtt_samples, srtt (s),
 * failed (1 when the connection ended with an error). Not modelled: per-connection
 * histograms (add them when a study needs them).
 */
#ifndef MCPSIM_MODELS_APP_TCP_APP_H
#define MCPSIM_MODELS_APP_TCP_APP_H

#include <stdbool.h>

#include "models/tcp/tcp_socket.h"
#include "sim/registry.h"
#include "sim/results.h"
#include "sim/sched.h"

struct tcp_app_conn {
    char module[PARAM_STRING_MAX + 32];
    struct tcp_sock *sock;           /* NULL once the application let go of it */
    sim_time_t started, connected, completed; /* -1 = not yet */
    struct tcp_sock_stats stats;     /* last snapshot */
    sim_time_t srtt;
    bool failed;
    struct results_vector *cwnd, *rtt;
};

/* Names the connection, creates its vectors (NULL when not recorded) and marks it started
 * now. */
void tcp_app_conn_init(struct tcp_app_conn *c, struct results_run *run, const char *module,
                       sim_time_t now);
/* Adopts a socket: installs the trace table when a vector is recorded. */
void tcp_app_conn_attach(struct tcp_app_conn *c, struct tcp_sock *s);
/* Takes the socket's counters (call before tcp_close/tcp_abort and at the end of the run). */
void tcp_app_conn_snapshot(struct tcp_app_conn *c);
/* Writes the scalars listed above; `end` is the time goodput is measured to when the
 * connection did not complete. */
void tcp_app_conn_record(struct tcp_app_conn *c, struct results_run *run, sim_time_t end);

/* Goodput in bit/s of `bytes` between two times (0 when the interval is empty). */
double tcp_app_goodput(uint64_t bytes, sim_time_t from, sim_time_t to);

#endif
