/* node.h - a network node: interfaces, IPv4 and IPv6 addresses, forwarding, local delivery,
 * netfilter-like hook points, an optional CPU model and pcap capture.
 *
 * A node is a host or a router (every node forwards). It has a primary IPv4 and IPv6 address
 * ("auto" by default: 10.0.0.N and fd00::N in creation order) and optional per-interface
 * addresses (a phone's WiFi and LTE addresses). Links attach interfaces (struct net_if,
 * embedded in the link's direction state) and hand received packets to net_if_receive().
 *
 * The IP path (node_ip.c) is the Linux one, as a proxy engineer knows it:
 *   receive: checks -> PREROUTING -> [source route at a listed hop] -> local? INPUT -> deliver
 *            else TTL/hop limit -> route -> MTU -> decrement -> FORWARD -> POSTROUTING -> out
 *   send:    OUTPUT -> route -> MTU -> POSTROUTING -> out
 * Routing (node_route.c) is longest-prefix match over static routes from the scenario,
 * source-specific routes included (fib.h), then the topology's shortest path by hop count.
 * Errors produce rate-limited ICMP/ICMPv6 messages (node_icmp.c). Details, parameters and
 * limits: docs/models-network.md.
 *
 * Not modelled: ARP/neighbour discovery, fragmentation and reassembly (too-big packets are
 * dropped with an ICMP error), IPv4 options other than source and record route, multicast.
 */
#ifndef MCPSIM_MODELS_NET_NODE_H
#define MCPSIM_MODELS_NET_NODE_H

#include <stdbool.h>
#include <stdint.h>

#include "models/net/addr.h"
#include "sim/packet.h"
#include "sim/world.h"

struct net_node;
struct net_if;
struct net_capture;

struct net_if_ops {
    /* Takes ownership of p (queues, sends or drops and frees it). */
    void (*transmit)(struct net_if *ifc, struct packet *p);
};

/* Told when the link under an interface goes down (up = false) or comes back up, at the
 * simulated time of the change; the link has already dropped what it lost. */
typedef void (*net_if_state_fn)(void *ctx, struct net_if *ifc, bool up);

/* An interface: a link end at `node` that delivers to `peer`. Embedded by link models, which
 * fill the first five fields; the node owns the rest. on_state (NULL: nobody listens) is set
 * by the layer above (the node, a routing or path manager) and called by links that model
 * outages. */
struct net_if {
    const struct net_if_ops *ops;
    struct net_node *node;
    struct net_node *peer;   /* NULL for a shared medium without one peer */
    const char *name;        /* the link instance's name (capture file, scenario keys), copied
                              * by net_node_attach; NULL: "ifN" */
    bytes_t mtu;             /* largest IP packet the link carries; 0 = no limit */
    /* Owned by the node. */
    uint32_t index;          /* position among the node's interfaces */
    struct net_capture *capture; /* NULL = not captured (one test per packet when off) */
    /* Set by the layer above. */
    net_if_state_fn on_state;
    void *on_state_ctx;
};

/* ---- finding nodes and addresses ---------------------------------------------------- */

/* The node instance named `name`, or NULL with a message naming what was found instead. */
struct net_node *net_node_find(struct model_ctx *ctx, const char *name, char *err,
                               size_t errlen);

const char *net_node_name(const struct net_node *n);
/* The primary address of a family (4 or 6), or NULL when the node has none. */
const struct net_addr *net_node_primary(const struct net_node *n, int family);
/* The address a local connection uses by default: the primary address of the family or,
 * for a node without one (`address: none` and per-interface addresses, a multihomed phone),
 * its first interface address of the family in the order of `interfaces`. NULL when the
 * node has no address of the family at all. Valid from node creation on. */
const struct net_addr *net_node_source(const struct net_node *n, int family);
/* Primary IPv4 address in host order, 0 when there is none. */
uint32_t net_node_addr(const struct net_node *n);
/* True when a is one of the node's addresses (primary or per interface). */
bool net_node_owns(const struct net_node *n, const struct net_addr *a);

/* ---- links ---------------------------------------------------------------------------- */

/* Attaches an interface (a link calls this for each of its ends). 0 or -1 (memory). */
int net_node_attach(struct net_node *n, struct net_if *ifc);

/* A packet arriving on ifc (front = IPv4 or IPv6 header). */
void net_if_receive(struct net_if *ifc, struct packet *p);

/* The same when the link cannot say which interface received it (ingress unknown). */
void net_node_receive(struct net_node *n, struct packet *p);

/* ---- local stacks and applications --------------------------------------------------- */

/* Receivers get the packet with l3 and l4 marked and the front at the IP header. */
typedef void (*net_udp_rx_fn)(void *ctx, struct packet *p);

/* Registers the receiver of UDP datagrams to `port`. 0, or -1 when the port is taken. */
int net_node_bind_udp(struct net_node *n, uint16_t port, net_udp_rx_fn fn, void *ctx);
/* Registers the receiver of an upper-layer protocol (6 TCP, 1 ICMP, 58 ICMPv6, ...) other
 * than UDP. 0, or -1 when it is taken or is UDP. */
int net_node_bind_proto(struct net_node *n, uint8_t proto, net_udp_rx_fn fn, void *ctx);

/* A packet built by a local stack (front = IP header): OUTPUT hook, routed, transmitted. */
void net_node_send(struct net_node *n, struct packet *p);

/* Delivers p to the local receivers whatever its destination address: what a hook that stole
 * a packet calls to hand it to the node's own stack (as Linux TPROXY does). */
void net_node_deliver(struct net_node *n, struct packet *p);

/* ---- hooks (node_hook.c) -------------------------------------------------------------- */

enum net_hook_point {
    NET_HOOK_PREROUTING,  /* every received packet, before the routing decision */
    NET_HOOK_INPUT,       /* received packets for this node, before delivery */
    NET_HOOK_FORWARD,     /* packets being forwarded, after the routing decision */
    NET_HOOK_OUTPUT,      /* locally sent packets, before the routing decision */
    NET_HOOK_POSTROUTING, /* every packet about to leave by an interface */
    NET_HOOK_COUNT
};

enum net_verdict {
    NET_ACCEPT, /* continue (the hook may have modified the packet in place) */
    NET_DROP,   /* the node frees the packet and counts it */
    NET_STOLEN, /* the hook took ownership (queued it, delivered it, freed it) */
};

struct net_hook_state {
    enum net_hook_point point;
    struct net_if *in;   /* ingress interface, NULL for local output or unknown */
    struct net_if *out;  /* egress interface (FORWARD, POSTROUTING), else NULL */
};

typedef enum net_verdict (*net_hook_fn)(void *ctx, struct net_node *n, struct packet *p,
                                        const struct net_hook_state *st);

/* Registers fn at a point. Hooks run in ascending priority (equal priorities in registration
 * order), as netfilter's; the first verdict other than NET_ACCEPT ends the walk. A hook that
 * rewrites an address keeps the IP header (and checksums) valid; a change of destination in
 * PREROUTING or OUTPUT is routed, one in FORWARD or POSTROUTING is not (as in Linux).
 * 0, or -1 when memory is exhausted or the point is invalid. */
int net_hook_register(struct net_node *n, enum net_hook_point point, int priority,
                      net_hook_fn fn, void *ctx);

/* ---- CPU model (node_cpu.c) ----------------------------------------------------------- */

/* Adds service time for the packet being processed (a hook's per-operation cost). No effect
 * when the node's CPU model is off. */
void net_node_cpu_charge(struct net_node *n, sim_time_t t);

/* Whether a packet n sends from src to dst reaches the node that owns dst, following each
 * hop's route (static, per-interface source, topology) as the IP path would; the network is
 * made ready first (call it once every link exists: from a model_ctx_on_check hook). A hop
 * onto a shared medium without one peer ends the walk as reachable. For `check`: an
 * application whose destination no route reaches is a scenario error. */
bool net_node_reaches(struct net_node *n, const struct net_addr *dst, const struct net_addr *src);

/* ---- statistics ------------------------------------------------------------------------ */

/* Routing entries: static (scenario, source-specific included) in both families. */
size_t net_node_route_count(const struct net_node *n);

#endif
