/* node.h - a network node: an IPv4 address, interfaces, static shortest-path forwarding and
 * UDP port demultiplexing.
 *
 * This is the minimal node the scenario, run and sweep work needs; the network work extends
 * it (routing tables, hook points, stacks) rather than replacing it. A node has one address
 * ("auto" = the next free one of 10.0.0.0/8 in creation order). Links attach interfaces
 * (struct net_if, embedded in the link's direction state). Forwarding uses hop-count shortest
 * paths, computed once per destination on first use by a breadth-first search from it (ties
 * broken by interface order, so deterministic); the network work will replace this with
 * longest-prefix tables. Applications bind a UDP port to receive.
 *
 * Not modelled: ARP, multiple addresses, IP options, fragmentation, ICMP errors.
 */
#ifndef MCPSIM_MODELS_NET_NODE_H
#define MCPSIM_MODELS_NET_NODE_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/packet.h"
#include "sim/world.h"

struct net_node;
struct net_if;

struct net_if_ops {
    /* Takes ownership of p (queues, sends or drops and frees it). */
    void (*transmit)(struct net_if *ifc, struct packet *p);
};

/* Told when the link under an interface goes down (up = false) or comes back up, at the
 * simulated time of the change; the link has already dropped what it lost. */
typedef void (*net_if_state_fn)(void *ctx, struct net_if *ifc, bool up);

/* An interface: a link end at `node` that delivers to `peer`. Embedded by link models.
 * on_state (NULL: nobody listens) is set by the layer above (the node, a routing or path
 * manager) and called by links that model outages. */
struct net_if {
    const struct net_if_ops *ops;
    struct net_node *node;
    struct net_node *peer;
    net_if_state_fn on_state;
    void *on_state_ctx;
};

typedef void (*net_udp_rx_fn)(void *ctx, struct packet *p);

/* The node instance named `name`, or NULL with a message naming what was found instead. */
struct net_node *net_node_find(struct model_ctx *ctx, const char *name, char *err,
                               size_t errlen);

const char *net_node_name(const struct net_node *n);
uint32_t net_node_addr(const struct net_node *n); /* host order */

/* Attaches an interface (a link calls this for each of its ends). 0 or -1 (memory). */
int net_node_attach(struct net_node *n, struct net_if *ifc);

/* Registers the receiver of UDP datagrams to `port`. 0, or -1 when the port is taken. */
int net_node_bind_udp(struct net_node *n, uint16_t port, net_udp_rx_fn fn, void *ctx);

/* A packet arriving from a link (front = IPv4 header): delivered locally or forwarded. */
void net_node_receive(struct net_node *n, struct packet *p);

/* A packet built by a local application (front = IPv4 header): routed and transmitted. */
void net_node_send(struct net_node *n, struct packet *p);

#endif
