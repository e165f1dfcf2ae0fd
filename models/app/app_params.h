/* app_params.h - checks of the parameters the sending applications share: the sending node
 * `node`, the destination node `dst`, and the `start`/`stop` window.
 *
 * Used by the create() of cbr/poisson (udp_source.c), bulk, onoff and reqresp, so the same
 * mistake gets the same message whichever application it is made on. Not here: the
 * parameter tables themselves (each application words its own help) and addresses (UDP and
 * TCP resolve them differently: udp_source.c, tcp_app.h).
 */
#ifndef MCPSIM_MODELS_APP_APP_PARAMS_H
#define MCPSIM_MODELS_APP_APP_PARAMS_H

#include <stdbool.h>
#include <stddef.h>

#include "models/net/node.h"
#include "sim/units.h"
#include "sim/world.h"

/* Finds the nodes named node and dst; 0, or -1 with a message naming the one missing. */
int app_find_nodes(struct model_ctx *ctx, const char *node, const char *dst,
                   struct net_node **node_out, struct net_node **dst_out, char *err,
                   size_t errlen);

/* The path an application's packets take, checked once the world is built: from node's
 * source address to dst's address, and back (replies and ACKs). Embedded in the
 * application's state, which outlives the check. */
struct app_route {
    struct net_node *node, *dst;
    struct net_addr src_addr, dst_addr;
    bool replies; /* the way back is checked too (TCP; a UDP source may spoof its source) */
};

/* Registers the check of r (filled by the caller) with the world (model_ctx_on_check): an
 * application whose destination no route reaches, or whose replies cannot come back, fails
 * the build with a message naming both nodes and addresses. 0, or -1 (out of memory). */
int app_check_route(struct model_ctx *ctx, struct app_route *r, char *err, size_t errlen);

/* stop is 0 (until the end of the run) or later than start; 0, or -1 with a message. */
int app_check_stop(sim_time_t start, sim_time_t stop, char *err, size_t errlen);

#endif
