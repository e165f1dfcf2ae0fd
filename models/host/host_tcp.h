/* host_tcp.h - the node's TCP stack for transport code (MPTCP builds its subflows on it),
 * tests and benchmarks. Applications never include this: they reach TCP by name through
 * host.h (`protocol: tcp`).
 */
#ifndef MCPSIM_MODELS_HOST_HOST_TCP_H
#define MCPSIM_MODELS_HOST_HOST_TCP_H

#include <stddef.h>

#include "models/host/host.h"
#include "models/tcp/tcp_stack.h"

/* The node's TCP stack (the "tcp" transport's instance), built at the first call with the
 * node's tcp settings; NULL when it cannot be built. */
struct tcp_stack *host_tcp_stack(struct host *h);

/* Sums the counters of every node's TCP stack of the world; returns the count of stacks. */
size_t host_tcp_sum_stats(struct model_ctx *ctx, struct tcp_stack_stats *sum);

#endif
