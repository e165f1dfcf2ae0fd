/* node_impl.h - the node's private state, shared by node*.c and capture.c; not for other
 * models (they use node.h).
 *
 * node.c: the model (parameters, addresses, interfaces, binds, statistics);
 * node_route.c: address index, static and source-specific routes, topology shortest paths;
 * node_ip.c: the IP receive, forward, deliver and send paths, source routing;
 * node_icmp.c: ICMP/ICMPv6 errors with a token-bucket rate limit;
 * node_hook.c: hook registration and the walk; node_cpu.c: the CPU model.
 */
#ifndef MCPSIM_MODELS_NET_NODE_IMPL_H
#define MCPSIM_MODELS_NET_NODE_IMPL_H

#include <stdbool.h>

#include "models/net/fib.h"
#include "models/net/node.h"
#include "sim/registry.h"

#define NODE_CPU_MAX_ACTIONS 8

struct node_config {
    char address[PARAM_STRING_MAX];
    char address6[PARAM_STRING_MAX];
    struct param_list interfaces; /* one interface per item, "LINK=ADDR[,ADDR]" */
    struct param_list routes; /* one route per item (registry.h: freed with the config) */
    struct param_list mangle; /* middlebox rules, one per item (mangle.h) */
    char capture[PARAM_STRING_MAX];
    bool drop_source_routed;
    bool srh_psp;
    bool icmp_errors;
    uint64_t icmp_rate;
    uint64_t icmp_burst;
    sim_time_t cpu_per_packet;
    uint64_t cpu_queue;
};

/* What the node keeps of its configuration after create() (the address, route and interface
 * strings are parsed there and not kept: a node of a million-phone scenario stays small). */
struct node_opts {
    bool drop_source_routed;
    bool srh_psp;
    bool icmp_errors;
    uint64_t icmp_rate;
    uint64_t icmp_burst;
    sim_time_t cpu_per_packet;
    uint64_t cpu_queue;
    char *capture;       /* NULL: no capture asked by the scenario */
};

/* A route as written in the scenario, resolved to an interface when the run starts. */
enum route_via { ROUTE_VIA_NODE, ROUTE_VIA_ADDR, ROUTE_DEV };
struct route_spec {
    struct net_prefix dst, src; /* src.len 0: any source */
    enum route_via kind;
    char target[PARAM_STRING_MAX];
    struct net_addr via_addr;
};

/* An address bound to one interface, named by its link, assigned when the run starts. */
struct ifaddr_spec {
    char link[PARAM_STRING_MAX];
    struct net_addr addr;
};

/* One of the node's addresses; ifindex -1 = the node's own (primary) address. */
struct node_addr {
    struct net_addr a;
    int32_t ifindex;
};

/* node_mangle.c: the `mangle` rules on the FORWARD hook. init parses them (0, or -1 with
 * the item in err); resolve binds in=/out= link names when the run starts; record writes
 * the per-rule scalars. */
struct node_mangle;
int node_mangle_init(struct net_node *n, struct model_ctx *ctx, const struct param_list *rules,
                     char *err, size_t errlen);
void node_mangle_resolve(struct net_node *n);
void node_mangle_record(const struct net_node *n, struct results_run *r);
void node_mangle_free(struct net_node *n);

struct hook_entry {
    int priority;
    net_hook_fn fn;
    void *ctx;
};

struct hook_list {
    struct hook_entry *h;
    size_t n;
};

/* A packet waiting for the CPU, and what processing decided to do with it. */
struct cpu_job {
    struct packet *p;
    struct net_if *in;
};

struct cpu_action {
    struct packet *p;
    struct net_if *out; /* NULL: local delivery */
};

struct node_cpu {
    bool busy, in_service;    /* in_service: outputs are being collected */
    sim_time_t charge;        /* service time of the packet being processed */
    struct cpu_job *ring;
    size_t cap, head, n;
    struct cpu_action act[NODE_CPU_MAX_ACTIONS];
    size_t nact;
    sim_time_t busy_ps;
    uint64_t drops, overflow_actions;
};

struct node_stats {
    uint64_t forwarded, delivered, sent;
    uint64_t drop_no_route, drop_ttl, drop_no_port, drop_no_proto, drop_malformed, drop_mtu;
    uint64_t drop_source_routed, drop_hook, drop_srcroute_failed;
    uint64_t srcroute_processed, icmp_sent, icmp_ratelimited;
};

struct proto_bind {
    uint8_t proto;
    net_udp_rx_fn fn;
    void *ctx;
};

struct udp_bind {
    uint16_t port;
    net_udp_rx_fn fn;
    void *ctx;
};

struct net_node {
    char name[PARAM_STRING_MAX];
    uint32_t index;            /* position in the shared node list */
    struct net_shared *net;
    struct sched *sched;
    struct pkt_pool *pool;
    struct node_opts opt;
    struct net_addr addr4, addr6; /* primary addresses (family 0: none) */
    struct node_addr *addrs;   /* every address of the node */
    size_t naddrs;
    struct net_if **ifs;
    size_t nifs;
    /* What the node owns for each interface, freed without touching the net_if (the link
     * that embeds it is freed first). */
    struct node_ifown { char *name; struct net_capture *capture; } *ifown;
    struct fib fib4, fib6;
    struct route_spec *routes;     /* as parsed; freed once resolved (NULL for most nodes) */
    size_t nroutes;
    struct ifaddr_spec *ifaddrs;
    size_t nifaddrs;
    struct udp_bind *binds;
    size_t nbinds;
    struct proto_bind *pbinds;
    size_t npbinds;
    struct hook_list hooks[NET_HOOK_COUNT];
    double icmp_tokens;
    sim_time_t icmp_last;
    struct node_cpu cpu;
    uint64_t config_errors;
    struct node_stats st;
    struct node_mangle *mangle;    /* middlebox rules (node_mangle.c), NULL for most nodes */
};

/* One address of the world: which node owns it and, for a per-interface address, where the
 * topology routes to it (the target: a node, or one interface of it). */
struct addr_entry {
    struct net_addr a;
    uint32_t node;
    uint32_t target;
};

struct route_target {
    uint32_t node;
    int32_t ifindex;   /* -1: any interface of the node */
    int32_t *route;    /* per node: interface index toward the target, -1 none, -2 local;
                        * computed at first use */
};

/* State shared by all nodes of a world (model_ctx_shared "net"). */
struct net_shared {
    struct net_node **nodes;
    size_t n, cap;
    uint32_t next_auto;
    bool ready;
    bool started; /* captures opened (net_shared_start) */
    const char *pcap_dir;
    struct addr_entry *addrs;  /* sorted by family then bytes */
    size_t naddrs;
    uint32_t *addr_slots;      /* hash index over addrs: 1 + index, 0 = empty; half full */
    size_t addr_mask;          /* slots - 1 (a power of two minus one) */
    struct route_target *targets;
    size_t ntargets;
};

/* node.c */
int node_add_addr(struct net_node *n, const struct net_addr *a, int32_t ifindex);

/* node_route.c */
int node_routes_parse(struct net_node *n, const struct param_list *routes, char *err,
                      size_t errlen);
int node_ifaddrs_parse(struct net_node *n, const struct param_list *interfaces, char *err,
                       size_t errlen);
/* Resolves interface addresses, builds the address index and the static routes of every
 * node; problems are printed on stderr and counted (config_errors). Idempotent. */
void net_shared_ready(struct net_shared *s);
/* net_shared_ready, then the capture files: the first event of a run (and any packet sent
 * before it). */
void net_shared_start(struct net_shared *s);
/* Where captures go when the run was not given --pcap DIR. */
#define NET_CAPTURE_DEFAULT_DIR "results"
/* node_addr_index.c: sorts s->addrs and builds the hash index over them; -1 out of memory. */
int net_addr_index_build(struct net_shared *s);
/* The address-index entry of a; NULL when no node has it (or before net_shared_ready).
 * O(1): one hash and, almost always, one constant-size compare (a per-packet operation). */
const struct addr_entry *net_addr_lookup(const struct net_shared *s, const struct net_addr *a);
/* The same for an address given as its family and network-order bytes (4 or 16), e.g. read
 * in place from a packet's header. */
const struct addr_entry *net_addr_find(const struct net_shared *s, int family,
                                       const uint8_t *bytes);
/* Whether a is one of n's addresses, through the index (for the per-packet path, once ready;
 * net_node_owns scans the node's own list and also works while the scenario is loading). */
static inline bool node_owns_indexed(const struct net_node *n, const struct net_addr *a)
{
    const struct addr_entry *e = net_addr_lookup(n->net, a);
    return e && e->node == n->index;
}
/* Egress interface for (dst, src); NULL when there is no route. local_src: the packet is
 * sent by this node, so an interface-bound source address picks its interface. */
struct net_if *node_route(struct net_node *n, const struct net_addr *dst,
                          const struct net_addr *src, bool local_src);
/* The same with dst's address-index entry already looked up (e = net_addr_lookup(dst)), for
 * the per-packet path, which needs it anyway to tell local from forwarded traffic. */
struct net_if *node_route_entry(struct net_node *n, const struct net_addr *dst,
                                const struct addr_entry *e, const struct net_addr *src,
                                bool local_src);
/* The node's address to use as the source on interface ifc (or the primary one). */
const struct net_addr *node_src_addr(const struct net_node *n, const struct net_if *ifc,
                                     int family);
void net_shared_fini(void *block);

/* node_ip.c */
void node_ip_input(struct net_node *n, struct net_if *in, struct packet *p);
void node_ip_output(struct net_node *n, struct packet *p);
/* Hands p to the interface or the local demux, through the CPU model when it is on. */
void node_emit(struct net_node *n, struct net_if *out, struct packet *p);
void node_deliver_now(struct net_node *n, struct packet *p);
void node_transmit_now(struct net_node *n, struct net_if *out, struct packet *p);

/* node_icmp.c: an error about `bad` (not freed) sent back to its source. */
void node_icmp_error(struct net_node *n, struct net_if *in, const struct packet *bad,
                     uint8_t type, uint8_t code, uint32_t rest);

/* node_hook.c: runs the hooks of a point; the packet is freed on NET_DROP. */
enum net_verdict node_hooks_run(struct net_node *n, enum net_hook_point point, struct packet *p,
                                struct net_if *in, struct net_if *out);
void node_hooks_free(struct net_node *n);

/* node_cpu.c */
void node_cpu_arrive(struct net_node *n, struct net_if *in, struct packet *p);
void node_cpu_free(struct net_node *n);

/* capture.c */
int net_capture_open(struct net_if *ifc, const char *dir, const char *node_name, char *err,
                     size_t errlen);
void net_capture_packet(struct net_capture *c, sim_time_t now, const struct packet *p);
void net_capture_close(struct net_capture *c);

#endif
