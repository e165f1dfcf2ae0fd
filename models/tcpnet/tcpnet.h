/* tcpnet.h - a node's TCP stack, attached to the node's IP layer, for applications.
 *
 * Each node that runs a TCP application gets one TCP stack (models/tcp), built the first time
 * an application asks for it. The stack reaches the network only through the node: it is
 * registered as the node's receiver of protocol 6 (net_node_bind_proto), and every segment it
 * sends gets an IPv4 or IPv6 header and goes through net_node_send(), so the node's OUTPUT and
 * POSTROUTING hooks, routing, MTU checks and capture apply to it as to any local traffic.
 *
 * Configuration: the stack starts from the `tcp` model's defaults (`mcpsim help tcp`).
 * Applications carry a few of those parameters as their own (cc, mss, sndbuf, rcvbuf, ...;
 * TCPNET_PARAMS below). `cc` is per connection, as Linux's TCP_CONGESTION socket option and
 * ns-3's per-socket congestion ops are: the application's connections use it, whatever other
 * applications on the node use (tcpnet_opts_cc). Every other value configures the stack of
 * the application's node; two applications on one node that give such a parameter different
 * values are refused when the scenario is built (one node, one stack, like one Linux host's
 * sysctls), naming both. The stack is built when it is first used (at simulated time of the
 * first connect or listen), so every application's values are known by then.
 *
 * Not modelled: per-socket buffer or MSS options (the stack's values apply to every socket),
 * IP options, ECN marks, the IPv6 flow label (always 0).
 */
#ifndef MCPSIM_MODELS_TCPNET_TCPNET_H
#define MCPSIM_MODELS_TCPNET_TCPNET_H

#include <stddef.h>

#include "models/net/node.h"
#include "models/tcp/tcp_socket.h"
#include "models/tcp/tcp_stack.h"
#include "sim/registry.h"
#include "sim/world.h"

/* The tcp parameters an application may set (names of the tcp model's table). */
#define TCPNET_NOPTS 14
extern const char *const tcpnet_opt_names[TCPNET_NOPTS];

/* The application's values as given ("" = not given: the stack's default). */
struct tcpnet_opts {
    char v[TCPNET_NOPTS][PARAM_STRING_MAX];
};

/* Parameter-table rows for an application config struct with a member `field` of type
 * struct tcpnet_opts, in the order of tcpnet_opt_names; list them last in the table. */
#define TCPNET_PARAMS(type, field)                                                      \
    { "cc", PARAM_STRING, offsetof(type, field.v[0]), "",                              \
      "congestion control of this application's connections: newreno, reno, cubic "    \
      "(empty = tcp default)", NULL, 0, 0 },                                             \
    { "mss", PARAM_STRING, offsetof(type, field.v[1]), "",                             \
      "tcp mss of this node's stack, e.g. 1460B (empty = tcp default)", NULL, 0, 0 },   \
    { "sndbuf", PARAM_STRING, offsetof(type, field.v[2]), "",                          \
      "tcp sndbuf of this node's stack, e.g. 1MiB (empty = tcp default)", NULL, 0, 0 }, \
    { "rcvbuf", PARAM_STRING, offsetof(type, field.v[3]), "",                          \
      "tcp rcvbuf of this node's stack, e.g. 1MiB (empty = tcp default)", NULL, 0, 0 }, \
    { "initial_cwnd", PARAM_STRING, offsetof(type, field.v[4]), "",                    \
      "tcp initial_cwnd (segments) of this node's stack (empty = tcp default)", NULL, 0, 0 }, \
    { "sack", PARAM_STRING, offsetof(type, field.v[5]), "",                            \
      "tcp sack of this node's stack (empty = tcp default)", NULL, 0, 0 },              \
    { "timestamps", PARAM_STRING, offsetof(type, field.v[6]), "",                      \
      "tcp timestamps of this node's stack (empty = tcp default)", NULL, 0, 0 },        \
    { "wscale", PARAM_STRING, offsetof(type, field.v[7]), "",                          \
      "tcp wscale of this node's stack (empty = tcp default)", NULL, 0, 0 },            \
    { "nagle", PARAM_STRING, offsetof(type, field.v[8]), "",                           \
      "tcp nagle of this node's stack (empty = tcp default)", NULL, 0, 0 },             \
    { "delack", PARAM_STRING, offsetof(type, field.v[9]), "",                          \
      "tcp delack of this node's stack (empty = tcp default)", NULL, 0, 0 },            \
    { "rto_min", PARAM_STRING, offsetof(type, field.v[10]), "",                        \
      "tcp rto_min of this node's stack (empty = tcp default)", NULL, 0, 0 },           \
    { "prr", PARAM_STRING, offsetof(type, field.v[11]), "",                            \
      "tcp prr of this node's stack (empty = tcp default)", NULL, 0, 0 },               \
    { "limited_transmit", PARAM_STRING, offsetof(type, field.v[12]), "",               \
      "tcp limited_transmit of this node's stack (empty = tcp default)", NULL, 0, 0 },  \
    { "syncookies", PARAM_STRING, offsetof(type, field.v[13]), "",                     \
      "tcp syncookies of this node's stack (empty = tcp default)", NULL, 0, 0 }

struct tcpnet;

/* The application's congestion control for its own connections (the `cc` row), or NULL when
 * it gave none (the stack's default). tcpnet_attach has checked the name. */
static inline const char *tcpnet_opts_cc(const struct tcpnet_opts *o)
{
    return o && o->v[0][0] ? o->v[0] : NULL;
}

/* Records app `app`'s values for node n's stack (validating each against the tcp table and
 * against values other applications gave) and returns the node's handle. Call from create().
 * 0, or -1 with a message naming the application, parameter and what was expected. */
int tcpnet_attach(struct model_ctx *ctx, struct net_node *n, const char *app,
                  const struct tcpnet_opts *opts, struct tcpnet **out, char *err,
                  size_t errlen);

/* The node's stack, built at the first call (after every create()); NULL when memory is
 * exhausted. */
struct tcp_stack *tcpnet_stack(struct tcpnet *t);

/* Sums the counters of every node's stack of the world (statistics and benchmarks); the
 * count of stacks is returned. */
size_t tcpnet_sum_stats(struct model_ctx *ctx, struct tcp_stack_stats *sum);

/* The node's primary address of a family (4 or 6) as a TCP address; -1 when it has none. */
int tcpnet_addr(const struct net_node *n, int family, struct sock_addr *out);

#endif
