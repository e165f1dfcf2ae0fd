/* node.c - the "node" model: addressing, shortest-path forwarding, UDP demux (see node.h).
 *
 * Per packet: one header check (ipv4_parse), one binary search of the destination address
 * among the nodes, one array load for the next interface. Route arrays are built per
 * destination on first use, so memory is nodes x destinations actually used (thousands of
 * phones talking to a few servers cost a few arrays), and nothing is allocated after the
 * first packet to each destination.
 */
#include "models/net/node.h"

#include <arpa/inet.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/net/ipv4_udp.h"
#include "sim/registry.h"

struct node_config {
    char address[PARAM_STRING_MAX];
};

struct udp_bind {
    uint16_t port;
    net_udp_rx_fn fn;
    void *ctx;
};

struct net_node {
    char name[PARAM_STRING_MAX];
    uint32_t addr;
    uint32_t index;            /* position in the shared node list */
    struct net_if **ifs;
    size_t nifs;
    struct udp_bind *binds;
    size_t nbinds;
    struct net_shared *net;
    uint64_t forwarded, delivered, drop_no_route, drop_ttl, drop_no_port, drop_malformed;
};

struct addr_entry {
    uint32_t addr;
    uint32_t index;
};

/* State shared by all nodes of a world (model_ctx_shared "net"). */
struct net_shared {
    struct net_node **nodes;
    size_t n, cap;
    uint32_t next_auto;
    struct addr_entry *by_addr; /* sorted, built at the first lookup */
    int32_t **route;            /* route[dst][node] = interface index, -1 unreachable */
};

static const struct model_def node_model;

static void net_shared_fini(void *block)
{
    struct net_shared *s = block;
    for (size_t i = 0; s->route && i < s->n; i++)
        free(s->route[i]);
    free(s->route);
    free(s->by_addr);
    free(s->nodes);
}

static int addr_cmp(const void *a, const void *b)
{
    const struct addr_entry *x = a, *y = b;
    return (x->addr > y->addr) - (x->addr < y->addr);
}

static struct net_node *node_by_addr(struct net_shared *s, uint32_t addr)
{
    if (!s->by_addr) {
        s->by_addr = malloc((s->n ? s->n : 1) * sizeof *s->by_addr);
        s->route = calloc(s->n ? s->n : 1, sizeof *s->route);
        if (!s->by_addr || !s->route) {
            free(s->by_addr);
            free(s->route);
            s->by_addr = NULL;
            s->route = NULL;
            return NULL;
        }
        for (size_t i = 0; i < s->n; i++)
            s->by_addr[i] = (struct addr_entry){ s->nodes[i]->addr, (uint32_t)i };
        qsort(s->by_addr, s->n, sizeof *s->by_addr, addr_cmp);
    }
    size_t lo = 0, hi = s->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (s->by_addr[mid].addr == addr)
            return s->nodes[s->by_addr[mid].index];
        if (s->by_addr[mid].addr < addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* Breadth-first search from dst over the (symmetric) links: each node's route is the
 * interface to the neighbour one hop nearer to dst. */
static int32_t *routes_to(struct net_shared *s, const struct net_node *dst)
{
    if (s->route[dst->index])
        return s->route[dst->index];
    int32_t *r = malloc(s->n * sizeof *r);
    uint32_t *queue = malloc(s->n * sizeof *queue);
    if (!r || !queue) {
        free(r);
        free(queue);
        return NULL;
    }
    for (size_t i = 0; i < s->n; i++)
        r[i] = -1;
    size_t head = 0, tail = 0;
    queue[tail++] = dst->index;
    r[dst->index] = -2; /* reached, local */
    while (head < tail) {
        const struct net_node *v = s->nodes[queue[head++]];
        for (size_t k = 0; k < v->nifs; k++) {
            const struct net_node *u = v->ifs[k]->peer;
            if (r[u->index] != -1)
                continue;
            for (size_t j = 0; j < u->nifs; j++)
                if (u->ifs[j]->peer == v) {
                    r[u->index] = (int32_t)j;
                    break;
                }
            if (r[u->index] >= 0)
                queue[tail++] = u->index;
        }
    }
    free(queue);
    s->route[dst->index] = r;
    return r;
}

const char *net_node_name(const struct net_node *n) { return n->name; }
uint32_t net_node_addr(const struct net_node *n) { return n->addr; }

int net_node_attach(struct net_node *n, struct net_if *ifc)
{
    struct net_if **a = realloc(n->ifs, (n->nifs + 1) * sizeof *a);
    if (!a)
        return -1;
    n->ifs = a;
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

static void deliver(struct net_node *n, struct packet *p, const struct ipv4_udp_fields *f,
                    int proto)
{
    if (proto == IPPROTO_UDP_NUM)
        for (size_t i = 0; i < n->nbinds; i++)
            if (n->binds[i].port == f->dport) {
                n->delivered++;
                n->binds[i].fn(n->binds[i].ctx, p);
                return;
            }
    n->drop_no_port++;
    pkt_free(p);
}

static void route_out(struct net_node *n, struct packet *p, const struct ipv4_udp_fields *f,
                      int proto)
{
    struct net_node *dst = node_by_addr(n->net, f->dst);
    if (dst == n) {
        deliver(n, p, f, proto);
        return;
    }
    int32_t *r = dst ? routes_to(n->net, dst) : NULL;
    if (!r || r[n->index] < 0) {
        n->drop_no_route++;
        pkt_free(p);
        return;
    }
    struct net_if *ifc = n->ifs[r[n->index]];
    ifc->ops->transmit(ifc, p);
}

/* The IPv4 header is parsed once per hop; a malformed one is counted and the packet
 * dropped. Returns the protocol or -1 (packet freed). */
static int parse_or_drop(struct net_node *n, struct packet *p, struct ipv4_udp_fields *f)
{
    int proto = ipv4_parse(p, f);
    if (proto < 0) {
        n->drop_malformed++;
        pkt_free(p);
    }
    return proto;
}

void net_node_receive(struct net_node *n, struct packet *p)
{
    struct ipv4_udp_fields f;
    int proto = parse_or_drop(n, p, &f);
    if (proto < 0)
        return;
    if (f.dst == n->addr) {
        deliver(n, p, &f, proto);
        return;
    }
    if (f.ttl <= 1) {
        n->drop_ttl++;
        pkt_free(p);
        return;
    }
    ipv4_dec_ttl(pkt_data(p));
    n->forwarded++;
    route_out(n, p, &f, proto);
}

void net_node_send(struct net_node *n, struct packet *p)
{
    struct ipv4_udp_fields f;
    int proto = parse_or_drop(n, p, &f);
    if (proto >= 0)
        route_out(n, p, &f, proto);
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
    results_scalar(r, n->name, "forwarded", "pkt", (double)n->forwarded);
    results_scalar(r, n->name, "delivered", "pkt", (double)n->delivered);
    results_scalar(r, n->name, "drop_no_route", "pkt", (double)n->drop_no_route);
    results_scalar(r, n->name, "drop_ttl", "pkt", (double)n->drop_ttl);
    results_scalar(r, n->name, "drop_no_port", "pkt", (double)n->drop_no_port);
    results_scalar(r, n->name, "drop_malformed", "pkt", (double)n->drop_malformed);
}

static void node_release(void *obj, struct model_ctx *ctx)
{
    struct net_node *n = obj;
    (void)ctx;
    free(n->ifs);
    free(n->binds);
    free(n);
}

static int node_create(struct model_ctx *ctx, const char *name, const void *config, void **out,
                       char *err, size_t errlen)
{
    const struct node_config *c = config;
    struct net_shared *s = model_ctx_shared(ctx, "net", sizeof *s, net_shared_fini);
    struct net_node *n = calloc(1, sizeof *n);
    if (!s || !n) {
        free(n);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    snprintf(n->name, sizeof n->name, "%s", name);
    n->net = s;
    if (strcmp(c->address, "auto") == 0) {
        if (s->next_auto == 0)
            s->next_auto = 0x0a000001; /* 10.0.0.1 */
        n->addr = s->next_auto;
    } else {
        struct in_addr a;
        if (inet_pton(AF_INET, c->address, &a) != 1) {
            free(n);
            snprintf(err, errlen, "address \"%s\": expected auto or a dotted IPv4 address",
                     c->address);
            return -1;
        }
        n->addr = ntohl(a.s_addr);
    }
    for (size_t i = 0; i < s->n; i++)
        if (s->nodes[i]->addr == n->addr) {
            struct in_addr a = { htonl(n->addr) };
            char buf[INET_ADDRSTRLEN];
            snprintf(err, errlen, "address %s is already node \"%s\"'s", inet_ntop(AF_INET, &a,
                     buf, sizeof buf), s->nodes[i]->name);
            free(n);
            return -1;
        }
    if (n->addr >= s->next_auto && (n->addr >> 24) == 10)
        s->next_auto = n->addr + 1;
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 16;
        struct net_node **a = realloc(s->nodes, cap * sizeof *a);
        if (!a) {
            free(n);
            snprintf(err, errlen, "out of memory");
            return -1;
        }
        s->nodes = a;
        s->cap = cap;
    }
    n->index = (uint32_t)s->n;
    s->nodes[s->n++] = n;
    if (model_ctx_on_free(ctx, node_release, n) < 0 ||
        model_ctx_on_finish(ctx, node_finish, n) < 0) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    *out = n;
    return 0;
}

static const struct param_def node_params[] = {
    { "address", PARAM_STRING, offsetof(struct node_config, address), "auto",
      "IPv4 address; auto = next free address of 10.0.0.0/8 in creation order", NULL, 0, 0 },
};

static const struct model_def node_model = {
    .kind = "node",
    .category = "node",
    .help = "An IPv4 host or router: one address, shortest-path forwarding over its links, "
            "UDP delivery to bound applications.",
    .params = node_params,
    .nparams = sizeof node_params / sizeof node_params[0],
    .config_size = sizeof(struct node_config),
    .create = node_create,
};
MODEL_REGISTER(node_model)
