/* host.h - a node's host stack: the transports of one node behind the socket interface.
 *
 * Each node that runs a socket application gets one host stack, built the first time an
 * application attaches to it. The host hands out sockets by transport name:
 * host_connect(h, "tcp", ...) and host_listen(h, "mptcp", ...) return a struct sock or a
 * struct sock_listener (models/sock/sock.h), and the application uses nothing else, as a
 * Linux program picks IPPROTO_TCP or IPPROTO_MPTCP in socket() and then uses the same calls.
 * Transports register by name (models/sock/sock_transport.h); the host builds one instance
 * of a transport per node when a socket of it is first asked for (at simulated time of the
 * first connect or listen, after every application's create(), so every application's
 * settings are known by then) and destroys the instances, last built first, with the world.
 *
 * The TCP transport (host_tcp.c) is the node's TCP stack (models/tcp) on the node's IP
 * layer: the receiver of protocol 6 (net_node_bind_proto), sending every segment with an IPv4
 * or IPv6 header through net_node_send(), so hooks, routing, MTU checks and capture apply.
 * Other transports reach the network through it (MPTCP subflows are TCP connections).
 *
 * Configuration (docs/sockets.md): every socket application carries HOST_PARAMS rows:
 *   protocol        the transport of the application's sockets (default tcp); checked
 *                   against the registered transports when the scenario is built;
 *   cc              congestion control of the application's own connections (per socket, as
 *                   Linux's TCP_CONGESTION);
 *   mss ... syncookies   values of the `tcp` table for the node's TCP stack;
 *   transport_opts  NAME=VALUE items of the settings table of the `protocol` transport
 *                   (`mcpsim help tcp`, `mcpsim help mptcp`) for the node's instance of it;
 *                   a list setting given in several items is one list, items in order.
 * Every value but cc configures the node (one node, one stack per transport, like one Linux
 * host's sysctls): two applications of one node that give one setting different values are
 * refused when the scenario is built, naming both.
 *
 * Not modelled: per-socket buffer or MSS options, IP options, ECN marks, the IPv6 flow
 * label (always 0).
 */
#ifndef MCPSIM_MODELS_HOST_HOST_H
#define MCPSIM_MODELS_HOST_HOST_H

#include <stddef.h>
#include <stdint.h>

#include "models/net/node.h"
#include "models/sock/sock.h"
#include "models/sock/sock_transport.h"
#include "sim/registry.h"
#include "sim/rng.h"
#include "sim/world.h"

/* ---- what applications carry ----------------------------------------------------------- */

/* The tcp-table parameters an application may set directly (after cc, in this order). */
#define HOST_NTCP 13
extern const char *const host_tcp_row_names[HOST_NTCP];

/* The application's values as given ("" = not given). */
struct host_opts {
    char protocol[PARAM_STRING_MAX];   /* "" = tcp */
    char cc[PARAM_STRING_MAX];         /* "" = the transport's default */
    char tcp[HOST_NTCP][PARAM_STRING_MAX];
    struct param_list transport_opts;  /* "NAME=VALUE" items for the protocol's settings */
};

/* Parameter-table rows for an application config struct with a member `field` of type
 * struct host_opts; list them last in the table. */
#define HOST_TCP_ROW(type, field, i, name)                                               \
    { name, PARAM_STRING, offsetof(type, field.tcp[i]), "",                             \
      "tcp " name " of this node's stack (empty = tcp default)", NULL, 0, 0 }
#define HOST_PARAMS(type, field)                                                         \
    { "protocol", PARAM_STRING, offsetof(type, field.protocol), "tcp",                   \
      "transport of this application's sockets: tcp, mptcp (the registered transports)", \
      NULL, 0, 0 },                                                                      \
    { "cc", PARAM_STRING, offsetof(type, field.cc), "",                                  \
      "congestion control of this application's connections: newreno, reno, cubic "     \
      "(empty = tcp default)", NULL, 0, 0 },                                              \
    { "mss", PARAM_STRING, offsetof(type, field.tcp[0]), "",                             \
      "tcp mss of this node's stack, e.g. 1460B (empty = tcp default)", NULL, 0, 0 },    \
    { "sndbuf", PARAM_STRING, offsetof(type, field.tcp[1]), "",                          \
      "tcp sndbuf of this node's stack, e.g. 1MiB (empty = tcp default)", NULL, 0, 0 },  \
    { "rcvbuf", PARAM_STRING, offsetof(type, field.tcp[2]), "",                          \
      "tcp rcvbuf of this node's stack, e.g. 1MiB (empty = tcp default)", NULL, 0, 0 },  \
    { "initial_cwnd", PARAM_STRING, offsetof(type, field.tcp[3]), "",                    \
      "tcp initial_cwnd (segments) of this node's stack (empty = tcp default)", NULL, 0, \
      0 },                                                                               \
    HOST_TCP_ROW(type, field, 4, "sack"),                                                \
    HOST_TCP_ROW(type, field, 5, "timestamps"),                                          \
    HOST_TCP_ROW(type, field, 6, "wscale"),                                              \
    HOST_TCP_ROW(type, field, 7, "nagle"),                                               \
    HOST_TCP_ROW(type, field, 8, "delack"),                                              \
    HOST_TCP_ROW(type, field, 9, "rto_min"),                                             \
    HOST_TCP_ROW(type, field, 10, "prr"),                                                \
    HOST_TCP_ROW(type, field, 11, "limited_transmit"),                                   \
    HOST_TCP_ROW(type, field, 12, "syncookies"),                                         \
    { "transport_opts", PARAM_LIST, offsetof(type, field.transport_opts), "",            \
      "NAME=VALUE settings of the protocol's transport for this node (`mcpsim help "      \
      "PROTOCOL` lists them), e.g. [version=1, checksum=on]", NULL, 0, 0 }

/* The application's transport ("tcp" when it gave none) and congestion control (NULL when
 * it gave none: the transport's default). host_attach has checked both. */
const char *host_opts_protocol(const struct host_opts *o);
const char *host_opts_cc(const struct host_opts *o);

/* ---- what applications call ------------------------------------------------------------ */

struct host;

/* Records application `app`'s values for node n's host (checking the protocol name against
 * the registered transports, cc with the transport, each setting against its transport's
 * table and against values other applications gave) and returns the node's host. Call from
 * create(); opts NULL attaches without values. 0, or -1 with a message naming the
 * application, parameter and what was expected. */
int host_attach(struct model_ctx *ctx, struct net_node *n, const char *app,
                const struct host_opts *opts, struct host **out, char *err, size_t errlen);

/* Opens a connection, or listens, with the node's instance of `transport` (built at the first
 * call). 0 with *out set, SOCK_ERR_NOTRANSPORT for a name no transport has, SOCK_ERR_NOMEM
 * when the instance cannot be built, or the transport's error. */
int host_connect(struct host *h, const char *transport, const struct sock_connect_args *a,
                 const struct sock_callbacks *cb, void *ctx, struct sock **out);
int host_listen(struct host *h, const char *transport, const struct sock_listen_args *a,
                const struct sock_listener_callbacks *cb, void *ctx,
                struct sock_listener **out);

struct net_node *host_node(const struct host *h);

/* The node's default source address of a family (4 or 6) as a socket address
 * (net_node_source: the primary, else the first interface address); -1 when it has none. */
int host_addr(const struct net_node *n, int family, struct sock_addr *out);

/* Sums the counters of every node's instance of `transport` in the world (statistics and
 * benchmarks) into sum, a struct of the transport's stats_size bytes (size must equal it);
 * returns the count of instances summed (0 for a transport without counters). */
size_t host_sum_stats(struct model_ctx *ctx, const char *transport, void *sum, size_t size);

/* ---- what transports get and call ------------------------------------------------------ */

/* What a transport's create() receives; valid until its destroy(). */
struct host_env {
    struct host *host;
    struct net_node *node;
    const char *node_name;
    const char *transport;      /* the transport's own name */
    struct sched *sched;
    struct pkt_pool *pool;
    uint64_t seed, run;         /* for rng_new(seed, run, "NODE/NAME") streams */
    struct model_ctx *ctx;
    /* The node's settings: a filled config struct of the transport's settings_model (the
     * table's defaults, then the applications' values); NULL without a settings model. */
    const void *settings;
};

/* The random stream "NODE/purpose" of (seed, run), owned by the world (model_ctx_rng): one
 * independent stream per node and purpose ("mptcp" for the MPTCP keys of the node). NULL
 * when memory is exhausted. */
struct rng *host_env_rng(const struct host_env *env, const char *purpose);

/* The node's instance of another transport, built now if it was not yet (MPTCP asks for
 * "tcp"); NULL for an unknown name or when it cannot be built. Typed accessors for
 * transport code: host_tcp.h. */
void *host_transport(struct host *h, const char *name);

#endif
