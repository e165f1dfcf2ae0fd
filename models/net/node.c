/* node.c - the "node" model: parameters, addresses, interfaces, receivers, statistics (see
 * node.h; the IP path is node_ip.c, routing node_route.c).
 *
 * Scalars (module NODE): forwarded, delivered, sent, drop_* (no_route, ttl, no_port,
 * no_proto, malformed, mtu, source_routed, srcroute_failed, hook, cpu), srcroute_processed,
 * icmp_sent, icmp_ratelimited, routing_entries (static routes of both families, the routing
 * state compared between designs), routing_computed (destinations in use that the topology
 * gives this node a next hop to: what a link-state protocol would install), config_errors, and with the CPU model cpu_utilization.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/net/node_impl.h"
#include "sim/registry.h"

static const struct model_def node_model;

const char *net_node_name(const struct net_node *n) { return n->name; }

const struct net_addr *net_node_primary(const struct net_node *n, int family)
{
    const struct net_addr *a = family == 4 ? &n->addr4 : &n->addr6;
    return a->family ? a : NULL;
}

const struct net_addr *net_node_source(const struct net_node *n, int family)
{
    const struct net_addr *a = net_node_primary(n, family);
    if (a)
        return a;
    for (size_t i = 0; i < n->nifaddrs; i++)
        if (n->ifaddrs[i].addr.family == family)
            return &n->ifaddrs[i].addr;
    return NULL;
}

uint32_t net_node_addr(const struct net_node *n)
{
    return n->addr4.family ? net_addr_v4_host(&n->addr4) : 0;
}

bool net_node_owns(const struct net_node *n, const struct net_addr *a)
{
    for (size_t i = 0; i < n->naddrs; i++)
        if (net_addr_eq(&n->addrs[i].a, a))
            return true;
    return false;
}

size_t net_node_route_count(const struct net_node *n)
{
    return fib_count(&n->fib4) + fib_count(&n->fib6);
}

int net_node_attach(struct net_node *n, struct net_if *ifc)
{
    struct net_if **a = realloc(n->ifs, (n->nifs + 1) * sizeof *a);
    if (!a)
        return -1;
    n->ifs = a;
    struct node_ifown *o = realloc(n->ifown, (n->nifs + 1) * sizeof *o);
    if (!o)
        return -1;
    n->ifown = o;
    char *name = ifc->name ? strdup(ifc->name) : NULL;
    if (ifc->name && !name)
        return -1;
    n->ifown[n->nifs] = (struct node_ifown){ name, NULL };
    ifc->name = name;
    ifc->index = (uint32_t)n->nifs;
    ifc->capture = NULL;
    n->ifs[n->nifs++] = ifc;
    return 0;
}

int net_node_bind_udp(struct net_node *n, uint16_t port, net_udp_rx_fn fn, void *ctx)
{
    for (size_t i = 0; i < n->nbinds; i++)
        if (n->binds[i].port == port)
            return -1;
    struct udp_bind *b = realloc(n->binds, (n->nbinds + 1) * sizeof *b);
    if (!b)
        return -1;
    n->binds = b;
    n->binds[n->nbinds++] = (struct udp_bind){ port, fn, ctx };
    return 0;
}

int net_node_bind_proto(struct net_node *n, uint8_t proto, net_udp_rx_fn fn, void *ctx)
{
    if (proto == 17) /* UDP: bind a port instead */
        return -1;
    for (size_t i = 0; i < n->npbinds; i++)
        if (n->pbinds[i].proto == proto)
            return -1;
    struct proto_bind *b = realloc(n->pbinds, (n->npbinds + 1) * sizeof *b);
    if (!b)
        return -1;
    n->pbinds = b;
    n->pbinds[n->npbinds++] = (struct proto_bind){ proto, fn, ctx };
    return 0;
}

int node_add_addr(struct net_node *n, const struct net_addr *a, int32_t ifindex)
{
    struct node_addr *x = realloc(n->addrs, (n->naddrs + 1) * sizeof *x);
    if (!x)
        return -1;
    n->addrs = x;
    n->addrs[n->naddrs++] = (struct node_addr){ *a, ifindex };
    return 0;
}

struct net_node *net_node_find(struct model_ctx *ctx, const char *name, char *err,
                               size_t errlen)
{
    const struct model_def *def;
    void *obj = model_ctx_lookup(ctx, name, &def);
    if (!obj) {
        snprintf(err, errlen, "no node named \"%s\"", name);
        return NULL;
    }
    if (def != &node_model) {
        snprintf(err, errlen, "\"%s\" is a %s (%s), not a node", name, def->category,
                 def->kind);
        return NULL;
    }
    return obj;
}

static void node_finish(void *obj, struct model_ctx *ctx)
{
    struct net_node *n = obj;
    struct results_run *r = ctx->results;
    const struct node_stats *st = &n->st;
    const struct { const char *name; uint64_t v; } pkt[] = {
        { "forwarded", st->forwarded }, { "delivered", st->delivered }, { "sent", st->sent },
        { "drop_no_route", st->drop_no_route }, { "drop_ttl", st->drop_ttl },
        { "drop_no_port", st->drop_no_port }, { "drop_no_proto", st->drop_no_proto },
        { "drop_malformed", st->drop_malformed }, { "drop_mtu", st->drop_mtu },
        { "drop_source_routed", st->drop_source_routed },
        { "drop_srcroute_failed", st->drop_srcroute_failed }, { "drop_hook", st->drop_hook },
        { "drop_cpu", n->cpu.drops }, { "srcroute_processed", st->srcroute_processed },
        { "icmp_sent", st->icmp_sent }, { "icmp_ratelimited", st->icmp_ratelimited },
    };
    for (size_t i = 0; i < sizeof pkt / sizeof pkt[0]; i++)
        results_scalar(r, n->name, pkt[i].name, "pkt", (double)pkt[i].v);
    size_t computed = 0;
    for (size_t t = 0; t < n->net->ntargets; t++)
        computed += n->net->targets[t].route && n->net->targets[t].route[n->index] >= 0;
    results_scalar(r, n->name, "routing_entries", "", (double)net_node_route_count(n));
    results_scalar(r, n->name, "routing_computed", "", (double)computed);
    results_scalar(r, n->name, "config_errors", "", (double)n->config_errors);
    node_mangle_record(n, r);
    if (n->opt.cpu_per_packet > 0) {
        sim_time_t now = sched_now(ctx->sched);
        results_scalar(r, n->name, "cpu_utilization", "",
                       now > 0 ? (double)n->cpu.busy_ps / (double)now : 0.0);
    }
}

static void node_release(void *obj, struct model_ctx *ctx)
{
    struct net_node *n = obj;
    (void)ctx;
    for (size_t i = 0; i < n->nifs; i++) {
        net_capture_close(n->ifown[i].capture);
        free(n->ifown[i].name);
    }
    free(n->ifown);
    node_cpu_free(n);
    node_hooks_free(n);
    node_mangle_free(n);
    fib_free(&n->fib4);
    fib_free(&n->fib6);
    free(n->ifs);
    free(n->binds);
    free(n->pbinds);
    free(n->addrs);
    free(n->routes);
    free(n->ifaddrs);
    free(n->opt.capture);
    free(n);
}

static void net_start(struct sched *s, void *ctx, void *arg)
{
    (void)s;
    (void)arg;
    net_shared_start(ctx);
}

/* Primary addresses: "auto" takes the next free 10.0.0.0/8 address and fd00::N with the
 * same low 24 bits, so a node's two auto addresses are easy to tell apart and to match. */
static int primary_addresses(struct net_shared *s, struct net_node *n,
                             const struct node_config *c, char *err, size_t errlen)
{
    if (s->next_auto == 0)
        s->next_auto = 0x0a000001; /* 10.0.0.1 */
    uint32_t auto4 = s->next_auto;
    if (strcmp(c->address, "auto") == 0) {
        n->addr4 = net_addr_v4(auto4);
    } else if (strcmp(c->address, "none") != 0) {
        if (net_addr_parse(c->address, &n->addr4, err, errlen) < 0 || n->addr4.family != 4) {
            snprintf(err, errlen, "address \"%s\": expected auto, none or a dotted IPv4 "
                     "address", c->address);
            return -1;
        }
    }
    if (strcmp(c->address6, "auto") == 0) {
        uint8_t b[16] = { 0xfd };
        b[13] = (uint8_t)(auto4 >> 16);
        b[14] = (uint8_t)(auto4 >> 8);
        b[15] = (uint8_t)auto4;
        n->addr6 = net_addr_v6(b);
    } else if (strcmp(c->address6, "none") != 0) {
        if (net_addr_parse(c->address6, &n->addr6, err, errlen) < 0 || n->addr6.family != 6) {
            snprintf(err, errlen, "address6 \"%s\": expected auto, none or an IPv6 address",
                     c->address6);
            return -1;
        }
    }
    for (size_t i = 0; i < s->n; i++)
        for (int f = 0; f < 2; f++) {
            const struct net_addr *a = f ? &n->addr6 : &n->addr4;
            if (a->family && net_node_owns(s->nodes[i], a)) {
                char buf[NET_ADDR_STRLEN];
                snprintf(err, errlen, "address %s is already node \"%s\"'s",
                         net_addr_format(a, buf, sizeof buf), s->nodes[i]->name);
                return -1;
            }
        }
    if (n->addr4.family) {
        uint32_t v = net_addr_v4_host(&n->addr4);
        if (v >= s->next_auto && (v >> 24) == 10)
            s->next_auto = v + 1;
    }
    if ((n->addr4.family && node_add_addr(n, &n->addr4, -1) < 0) ||
        (n->addr6.family && node_add_addr(n, &n->addr6, -1) < 0)) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    return 0;
}

static int node_create(struct model_ctx *ctx, const char *name, const void *config, void **out,
                       char *err, size_t errlen)
{
    struct net_shared *s = model_ctx_shared(ctx, "net", sizeof *s, net_shared_fini);
    struct net_node *n = calloc(1, sizeof *n);
    if (!s || !n || model_ctx_on_free(ctx, node_release, n) < 0) {
        free(n);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    snprintf(n->name, sizeof n->name, "%s", name);
    const struct node_config *c = config;
    n->opt = (struct node_opts){ c->drop_source_routed, c->srh_psp, c->icmp_errors, c->icmp_rate,
                                 c->icmp_burst, c->cpu_per_packet, c->cpu_queue, NULL };
    if (c->capture[0] && !(n->opt.capture = strdup(c->capture))) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    n->net = s;
    n->sched = ctx->sched;
    n->pool = ctx->pool;
    n->icmp_tokens = (double)n->opt.icmp_burst;
    fib_init(&n->fib4, 4);
    fib_init(&n->fib6, 6);
    if (primary_addresses(s, n, c, err, errlen) < 0 ||
        node_ifaddrs_parse(n, &c->interfaces, err, errlen) < 0 ||
        node_routes_parse(n, &c->routes, err, errlen) < 0 ||
        node_mangle_init(n, ctx, &c->mangle, err, errlen) < 0)
        return -1;
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 16;
        struct net_node **a = realloc(s->nodes, cap * sizeof *a);
        if (!a) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
        s->nodes = a;
        s->cap = cap;
    }
    if (s->n == 0) {
        /* The first event of the run: every node, link and app exists by then. */
        s->pcap_dir = ctx->pcap_dir;
        sched_at(ctx->sched, 0, net_start, s, NULL);
    }
    n->index = (uint32_t)s->n;
    s->nodes[s->n++] = n;
    if (model_ctx_on_finish(ctx, node_finish, n) < 0) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    *out = n;
    return 0;
}

static const struct param_def node_params[] = {
    { "address", PARAM_STRING, offsetof(struct node_config, address), "auto",
      "primary IPv4 address; auto = next free address of 10.0.0.0/8 in creation order; none",
      NULL, 0, 0 },
    { "address6", PARAM_STRING, offsetof(struct node_config, address6), "auto",
      "primary IPv6 address; auto = fd00:: plus the low 24 bits of the auto IPv4 address; "
      "none", NULL, 0, 0 },
    { "interfaces", PARAM_LIST, offsetof(struct node_config, interfaces), "",
      "per-interface addresses, one interface per item: \"LINK=ADDR[,ADDR]\" (LINK: a link "
      "attached to this node) ([a, b], or one string \"a; b\")", NULL, 0, 0 },
    { "routes", PARAM_LIST, offsetof(struct node_config, routes), "",
      "static routes, one per item: \"PREFIX [from PREFIX] via NODE|ADDR\" or \"PREFIX "
      "[from PREFIX] dev LINK\" ([a, b], or one string \"a; b\")", NULL, 0, 0 },
    { "mangle", PARAM_LIST, offsetof(struct node_config, mangle), "",
      "middlebox rules on forwarded TCP, one per item: \"strip KIND\", \"mpc-flags BITS\", "
      "\"append HEX\" or \"corrupt [OFFSET]\", then [on=all|syn|synack|nosyn|data] [p=P] "
      "[in=LINK] [out=LINK] [from=T] [until=T] [skip=N] [max=N] [value=B] "
      "(docs/models-network.md, Middlebox)", NULL, 0, 0 },
    { "capture", PARAM_STRING, offsetof(struct node_config, capture), "false",
      "pcap capture: false, true (every interface) or LINK[,LINK] (files NODE-LINK.pcap)",
      NULL, 0, 0 },
    { "drop_source_routed", PARAM_BOOL, offsetof(struct node_config, drop_source_routed),
      "false", "drop packets with an IPv4 LSRR/SSRR option or a pending IPv6 routing header "
      "(RFC 7126)", NULL, 0, 0 },
    { "srh_psp", PARAM_BOOL, offsetof(struct node_config, srh_psp), "false",
      "remove the SRH when this endpoint consumes the last segment (penultimate segment pop)",
      NULL, 0, 0 },
    { "icmp_errors", PARAM_BOOL, offsetof(struct node_config, icmp_errors), "true",
      "send ICMP/ICMPv6 errors (time exceeded, unreachable, too big)", NULL, 0, 0 },
    { "icmp_rate", PARAM_UINT, offsetof(struct node_config, icmp_rate), "1000",
      "ICMP errors per second (token bucket; 0 = no limit)", NULL, 0, 1e9 },
    { "icmp_burst", PARAM_UINT, offsetof(struct node_config, icmp_burst), "50",
      "ICMP token bucket depth (errors)", NULL, 1, 1e9 },
    { "cpu_per_packet", PARAM_TIME, offsetof(struct node_config, cpu_per_packet), "0s",
      "CPU service time per received packet; 0s = CPU model off", NULL, 0, 0 },
    { "cpu_queue", PARAM_UINT, offsetof(struct node_config, cpu_queue), "1000",
      "packets waiting for the CPU before drops", NULL, 0, 1e9 },
};

static const struct model_def node_model = {
    .kind = "node",
    .category = "node",
    .help = "An IPv4/IPv6 host or router: addresses (per node and per interface), forwarding "
            "with TTL/hop limit and MTU, ICMP errors, static and source-specific routes over "
            "topology shortest paths, LSRR/SSRR and SRH processing, hook points, an optional "
            "CPU model and pcap capture.",
    .params = node_params,
    .nparams = sizeof node_params / sizeof node_params[0],
    .config_size = sizeof(struct node_config),
    .create = node_create,
};
MODEL_REGISTER(node_model)
