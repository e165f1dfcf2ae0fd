/* node_route.c - addresses and routes: interface addresses and static and source-specific
 * routes from the scenario, the world's address index filled (node_addr_index.c keeps it),
 * and shortest paths over the topology.
 *
 * Route selection at a node, for destination D and source S:
 *   1. the node's static table (fib.h: longest destination, then longest source prefix);
 *   2. for a packet this node sends from an address bound to one of its interfaces, that
 *      interface (a multihomed phone's per-interface source routing, as Linux MPTCP hosts
 *      are configured);
 *   3. the topology: the node owning D is found in the address index (a hash table, one
 *      probe), and the next hop is the first step of a shortest path by hop count.
 * Shortest paths are computed per target by one breadth-first search from it over the
 * (symmetric) links, on first use, and cached: memory is nodes x destinations actually used,
 * and nothing is allocated per packet afterwards. The links are p2p ends and the star a radio
 * link attaches (hub <-> each terminal, so station -> AP -> station, as the radio carries
 * it). Among equal-length paths each node takes its own lowest-index interface (attachment
 * order) toward a neighbour one hop nearer, so runs are deterministic and a multihomed
 * node's choice depends on its own interface order only. An address bound to an interface is
 * a target of its own: paths to it end through that interface's link, as a subnet route
 * would (a phone's LTE address is reached over LTE). A radio hub has one interface per
 * terminal on the link, all with the link's name: its captures share one file, an address
 * on that link is the node's, and "dev LINK" there is refused.
 *
 * Scenario syntax (docs/scenario-format.md): routes, a list parameter, one route per item:
 * "PREFIX [from PREFIX] via NODE|ADDR" or "PREFIX [from PREFIX] dev LINK" (the one-string form
 * separates them by ';'); interfaces, a list parameter too, one interface per item:
 * "LINK=ADDR[,ADDR]".
 * Syntax is checked when the node is created (file:line:col errors); names are resolved when
 * the run starts, when every link exists, and a name that resolves to nothing is reported
 * on stderr and counted in the node's config_errors scalar. Not modelled: link metrics
 * (hop count only), routing protocols and their convergence, ECMP.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "models/net/node_impl.h"

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    char *e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1]))
        *--e = '\0';
    return s;
}

/* One interface: "LINK=ADDR[,ADDR]" (item is cut in place); its addresses are appended to
 * n->ifaddrs. An item without an address is refused: it would bind nothing. */
static int ifaddr_parse(struct net_node *n, char *item, char *err, size_t errlen)
{
    char *eq = strchr(item, '=');
    if (eq)
        *eq = '\0';
    char *link = trim(item), *save = NULL;
    char *a = eq ? strtok_r(eq + 1, ",", &save) : NULL;
    if (!*link || !a) {
        struct net_addr lone;
        char aerr[256];
        /* "[wifi=A, B]" in YAML flow style splits at the comma: B arrives as an item. */
        int bare = !eq && net_addr_parse(link, &lone, aerr, sizeof aerr) == 0;
        snprintf(err, errlen, "interfaces: expected LINK=ADDRESS[,ADDRESS]%s",
                 bare ? ", found an address alone (in a [a, b] list, quote an item that holds "
                        "',': \"LINK=ADDRESS,ADDRESS\")" : "");
        return -1;
    }
    for (; a; a = strtok_r(NULL, ",", &save)) {
        struct ifaddr_spec *x = realloc(n->ifaddrs, (n->nifaddrs + 1) * sizeof *x);
        if (!x) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
        n->ifaddrs = x;
        x += n->nifaddrs;
        char aerr[256];
        if (net_addr_parse(trim(a), &x->addr, aerr, sizeof aerr) < 0) {
            snprintf(err, errlen, "interfaces: %s", aerr);
            return -1;
        }
        snprintf(x->link, sizeof x->link, "%s", link);
        n->nifaddrs++;
    }
    return 0;
}

/* One interface per item (the registry split a one-string value on ';' and trimmed it); a
 * bad item is named by its number and text, as a bad route is. */
int node_ifaddrs_parse(struct net_node *n, const struct param_list *interfaces, char *err,
                       size_t errlen)
{
    for (size_t i = 0; i < interfaces->n; i++) {
        char perr[512] = "out of memory";
        char *item = strdup(interfaces->items[i]); /* ifaddr_parse cuts it in place */
        int rc = item ? ifaddr_parse(n, item, perr, sizeof perr) : -1;
        free(item);
        if (rc < 0) {
            snprintf(err, errlen, "%s (item %zu: \"%s\")", perr, i + 1, interfaces->items[i]);
            return -1;
        }
    }
    return 0;
}

static int route_parse(struct route_spec *r, char *item, char *err, size_t errlen)
{
    char *tok[8], *save = NULL;
    size_t nt = 0;
    for (char *t = strtok_r(item, " \t", &save); t; t = strtok_r(NULL, " \t", &save)) {
        if (nt == 8)
            goto syntax;
        tok[nt++] = t;
    }
    char perr[256];
    size_t i = 1;
    if (nt < 3 || net_prefix_parse(tok[0], &r->dst, perr, sizeof perr) < 0) {
        if (nt >= 3) {
            snprintf(err, errlen, "routes: %s", perr);
            return -1;
        }
        goto syntax;
    }
    r->src = (struct net_prefix){ .addr = { .family = r->dst.addr.family } };
    if (strcmp(tok[i], "from") == 0) {
        if (nt != 5)
            goto syntax;
        if (net_prefix_parse(tok[i + 1], &r->src, perr, sizeof perr) < 0) {
            snprintf(err, errlen, "routes: %s", perr);
            return -1;
        }
        if (r->src.addr.family != r->dst.addr.family) {
            snprintf(err, errlen, "routes: \"%s from %s\": source and destination prefixes "
                     "of different families", tok[0], tok[i + 1]);
            return -1;
        }
        i += 2;
    } else if (nt != 3) {
        goto syntax;
    }
    snprintf(r->target, sizeof r->target, "%s", tok[i + 1]);
    if (strcmp(tok[i], "dev") == 0) {
        r->kind = ROUTE_DEV;
    } else if (strcmp(tok[i], "via") == 0) {
        r->kind = ROUTE_VIA_NODE;
        if (net_addr_parse(tok[i + 1], &r->via_addr, perr, sizeof perr) == 0) {
            if (r->via_addr.family != r->dst.addr.family) {
                snprintf(err, errlen, "routes: via %s: not of the prefix's family", tok[i + 1]);
                return -1;
            }
            r->kind = ROUTE_VIA_ADDR;
        }
    } else {
        goto syntax;
    }
    return 0;
syntax:
    snprintf(err, errlen, "routes: expected \"PREFIX [from PREFIX] via NODE|ADDRESS\" or "
             "\"PREFIX [from PREFIX] dev LINK\", separated by ';'");
    return -1;
}

/* One route per item (the registry split a one-string value on ';' and trimmed it). */
int node_routes_parse(struct net_node *n, const struct param_list *routes, char *err,
                      size_t errlen)
{
    if (routes->n == 0)
        return 0;
    struct route_spec *r = realloc(n->routes, (n->nroutes + routes->n) * sizeof *r);
    if (!r) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    n->routes = r;
    for (size_t i = 0; i < routes->n; i++) {
        char perr[512] = "out of memory";
        char *item = strdup(routes->items[i]); /* route_parse cuts it in place */
        int rc = item ? route_parse(&n->routes[n->nroutes], item, perr, sizeof perr) : -1;
        free(item);
        if (rc < 0) {
            snprintf(err, errlen, "%s (item %zu: \"%s\")", perr, i + 1, routes->items[i]);
            return -1;
        }
        n->nroutes++;
    }
    return 0;
}

static void config_error(struct net_node *n, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void config_error(struct net_node *n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "node \"%s\": ", n->name);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    n->config_errors++;
}

static struct net_if *if_by_link(const struct net_node *n, const char *link)
{
    for (size_t i = 0; i < n->nifs; i++)
        if (n->ifs[i]->name && strcmp(n->ifs[i]->name, link) == 0)
            return n->ifs[i];
    return NULL;
}

/* How many of n's interfaces are on the link: 1 for a p2p end or a radio terminal, one per
 * terminal for a radio hub. */
static size_t ifs_on_link(const struct net_node *n, const char *link)
{
    size_t c = 0;
    for (size_t i = 0; i < n->nifs; i++)
        c += n->ifs[i]->name && strcmp(n->ifs[i]->name, link) == 0;
    return c;
}

static struct net_if *if_to_peer(const struct net_node *n, const struct net_node *peer)
{
    for (size_t i = 0; i < n->nifs; i++)
        if (n->ifs[i]->peer == peer)
            return n->ifs[i];
    return NULL;
}

static bool is_word(const char *s, const char *const *words)
{
    for (; *words; words++)
        if (strcmp(s, *words) == 0)
            return true;
    return false;
}

static const char *const capture_all[] = { "true", "all", "yes", "on", "1", NULL };
static const char *const capture_none[] = { "", "false", "none", "no", "off", "0", NULL };

static bool capture_wanted(const struct net_node *n, const struct net_if *ifc)
{
    const char *c = n->opt.capture ? n->opt.capture : "";
    if (is_word(c, capture_all))
        return true;
    if (is_word(c, capture_none) || !ifc->name)
        return false;
    size_t len = strlen(ifc->name);
    for (const char *p = c; (p = strstr(p, ifc->name)); p += len)
        if ((p == c || p[-1] == ',' || p[-1] == ' ') && (!p[len] || p[len] == ',' ||
                                                          p[len] == ' '))
            return true;
    return false;
}

/* Interface addresses, once the links exist. */
static void node_setup_ifs(struct net_shared *s, struct net_node *n)
{
    (void)s;
    for (size_t i = 0; i < n->nifaddrs; i++) {
        struct net_if *ifc = if_by_link(n, n->ifaddrs[i].link);
        /* On a radio hub the address is the node's: bound to one of its per-terminal
         * interfaces it would send everything from it to that one terminal. */
        int32_t ifindex = ifc && ifs_on_link(n, ifc->name) == 1 ? (int32_t)ifc->index : -1;
        if (!ifc)
            config_error(n, "interfaces: no link \"%s\" is attached to this node",
                         n->ifaddrs[i].link);
        else if (node_add_addr(n, &n->ifaddrs[i].addr, ifindex) < 0)
            config_error(n, "interfaces: %s", "out of memory");
    }
    const char *c = n->opt.capture ? n->opt.capture : "";
    if (!is_word(c, capture_all) && !is_word(c, capture_none)) {
        char buf[PARAM_STRING_MAX], *save = NULL;
        snprintf(buf, sizeof buf, "%s", c);
        for (char *l = strtok_r(buf, ", ", &save); l; l = strtok_r(NULL, ", ", &save))
            if (!if_by_link(n, l))
                config_error(n, "capture: no link \"%s\" is attached to this node", l);
    }
}

/* The capture files, when the run starts (never for `check`, which builds the world and
 * checks its routes without running it). Without --pcap they go to results/, created if
 * needed, so a run never drops captures in the working directory's top level. */
static void node_open_captures(struct net_shared *s, struct net_node *n)
{
    const char *dir = s->pcap_dir ? s->pcap_dir : NET_CAPTURE_DEFAULT_DIR;
    for (size_t i = 0; i < n->nifs; i++) {
        char err[512];
        if (!s->pcap_dir && !capture_wanted(n, n->ifs[i]))
            continue;
        /* A radio hub has one interface per terminal, all named after the link: they
         * share the first one's file, as tcpdump on an access point's wlan0 sees every
         * station's frames. */
        const struct net_if *first = n->ifs[i]->name ? if_by_link(n, n->ifs[i]->name) : NULL;
        if (first && first != n->ifs[i]) {
            n->ifs[i]->capture = first->capture;
            continue;
        }
        if (!s->pcap_dir && mkdir(dir, 0777) < 0 && errno != EEXIST)
            config_error(n, "capture: cannot create %s/: %s", dir, strerror(errno));
        else if (net_capture_open(n->ifs[i], dir, n->name, err, sizeof err) < 0)
            config_error(n, "capture: %s", err);
    }
}

static int build_index(struct net_shared *s)
{
    size_t total = 0;
    for (size_t i = 0; i < s->n; i++)
        total += s->nodes[i]->naddrs;
    s->addrs = calloc(total ? total : 1, sizeof *s->addrs);
    s->targets = calloc(s->n + total, sizeof *s->targets);
    if (!s->addrs || !s->targets)
        return -1;
    for (size_t i = 0; i < s->n; i++)
        s->targets[s->ntargets++] = (struct route_target){ (uint32_t)i, -1, NULL };
    for (size_t i = 0; i < s->n; i++) {
        const struct net_node *n = s->nodes[i];
        for (size_t k = 0; k < n->naddrs; k++) {
            uint32_t t = (uint32_t)i;
            if (n->addrs[k].ifindex >= 0) {
                t = (uint32_t)s->ntargets;
                s->targets[s->ntargets++] =
                    (struct route_target){ (uint32_t)i, n->addrs[k].ifindex, NULL };
            }
            s->addrs[s->naddrs++] = (struct addr_entry){ n->addrs[k].a, (uint32_t)i, t };
        }
    }
    if (net_addr_index_build(s) < 0)
        return -1;
    for (size_t i = 1; i < s->naddrs; i++) /* sorted: a duplicate follows its twin */
        if (net_addr_eq(&s->addrs[i].a, &s->addrs[i - 1].a)) {
            char buf[NET_ADDR_STRLEN];
            net_addr_format(&s->addrs[i].a, buf, sizeof buf);
            config_error(s->nodes[s->addrs[i].node], "address %s is used twice", buf);
        }
    return 0;
}

static void resolve_routes(struct net_shared *s, struct net_node *n)
{
    for (size_t i = 0; i < n->nroutes; i++) {
        const struct route_spec *r = &n->routes[i];
        struct net_if *ifc = NULL;
        if (r->kind == ROUTE_DEV) {
            if (!(ifc = if_by_link(n, r->target))) {
                config_error(n, "routes: dev %s: no such link attached to this node",
                             r->target);
                continue;
            }
            if (ifs_on_link(n, r->target) > 1) {
                config_error(n, "routes: dev %s: this node is the hub of radio link %s, with "
                             "one interface per terminal; write via TERMINAL", r->target,
                             r->target);
                continue;
            }
        } else {
            const struct net_node *gw = NULL;
            if (r->kind == ROUTE_VIA_ADDR) {
                const struct addr_entry *e = net_addr_lookup(s, &r->via_addr);
                gw = e ? s->nodes[e->node] : NULL;
            } else {
                for (size_t k = 0; k < s->n && !gw; k++)
                    if (strcmp(s->nodes[k]->name, r->target) == 0)
                        gw = s->nodes[k];
            }
            if (!gw || !(ifc = if_to_peer(n, gw))) {
                config_error(n, "routes: via %s: not a neighbour of this node", r->target);
                continue;
            }
        }
        struct fib *f = r->dst.addr.family == 4 ? &n->fib4 : &n->fib6;
        int rc = fib_add(f, &r->dst, &r->src, ifc->index);
        if (rc == -2)
            config_error(n, "routes: a route for the same destination and source prefixes "
                         "appears twice (%s)", r->target);
        else if (rc < 0)
            config_error(n, "routes: %s", "out of memory");
    }
}

void net_shared_ready(struct net_shared *s)
{
    if (s->ready)
        return;
    s->ready = true;
    for (size_t i = 0; i < s->n; i++)
        node_setup_ifs(s, s->nodes[i]);
    if (build_index(s) < 0) {
        fprintf(stderr, "network: out of memory building the address index\n");
        return;
    }
    for (size_t i = 0; i < s->n; i++) {
        struct net_node *n = s->nodes[i];
        resolve_routes(s, n);
        node_mangle_resolve(n);
        free(n->routes); /* the tables hold what is needed from now on */
        free(n->ifaddrs);
        n->routes = NULL;
        n->ifaddrs = NULL;
        n->nroutes = n->nifaddrs = 0;
    }
}

void net_shared_start(struct net_shared *s)
{
    net_shared_ready(s);
    if (s->started)
        return;
    s->started = true;
    for (size_t i = 0; i < s->n; i++)
        node_open_captures(s, s->nodes[i]);
}

void net_shared_fini(void *block)
{
    struct net_shared *s = block;
    for (size_t i = 0; i < s->ntargets; i++)
        free(s->targets[i].route);
    free(s->targets);
    free(s->addrs);
    free(s->addr_slots);
    free(s->nodes);
}

/* The interface of u on the link to v: toward v, preferring the link named `name`. */
static int32_t if_toward(const struct net_node *u, const struct net_node *v, const char *name)
{
    int32_t any = -1;
    for (size_t j = 0; j < u->nifs; j++) {
        if (u->ifs[j]->peer != v)
            continue;
        if (!name || (u->ifs[j]->name && strcmp(u->ifs[j]->name, name) == 0))
            return (int32_t)j;
        if (any < 0)
            any = (int32_t)j;
    }
    return any;
}

/* True when interface y is on the same link as x: x itself, or one with x's link name (a
 * radio hub has one interface per terminal, all named after the radio link). */
static bool same_link(const struct net_if *x, const struct net_if *y)
{
    return x == y || (x->name && y->name && strcmp(x->name, y->name) == 0);
}

#define DIST_NONE UINT32_MAX

/* Hop counts to the target, breadth-first from it. A neighbour of v is the peer of one of
 * v's interfaces that has an interface back to v (links are symmetric: p2p ends and the
 * star a radio link attaches, where each terminal's neighbour is the hub and the hub's are
 * its terminals, so station -> AP -> station is two hops, as the radio carries it). An
 * interface-bound target is entered through its link only. Returns 0 or -1 (memory). */
static int hop_counts(const struct net_shared *s, const struct route_target *t, uint32_t *dist)
{
    uint32_t *queue = malloc(s->n * sizeof *queue);
    if (!queue)
        return -1;
    for (size_t i = 0; i < s->n; i++)
        dist[i] = DIST_NONE;
    const struct net_node *dst = s->nodes[t->node];
    const struct net_if *bound = t->ifindex < 0 ? NULL : dst->ifs[t->ifindex];
    size_t head = 0, tail = 0;
    dist[t->node] = 0;
    queue[tail++] = t->node;
    while (head < tail) {
        const struct net_node *v = s->nodes[queue[head++]];
        for (size_t k = 0; k < v->nifs; k++) {
            const struct net_node *u = v->ifs[k]->peer;
            if (!u || dist[u->index] != DIST_NONE ||
                (v == dst && bound && !same_link(bound, v->ifs[k])) || if_toward(u, v, NULL) < 0)
                continue;
            dist[u->index] = dist[v->index] + 1;
            queue[tail++] = u->index;
        }
    }
    free(queue);
    return 0;
}

/* The route of u (dist[u] finite, u not the target): its lowest-index interface whose peer
 * is one hop nearer; into an interface-bound target, one on the target's link if u has one
 * (so a phone's LTE address is entered over LTE), else any toward it. */
static int32_t next_hop(const struct net_shared *s, const struct route_target *t,
                        const uint32_t *dist, const struct net_node *u)
{
    const struct net_node *dst = s->nodes[t->node];
    const struct net_if *bound = t->ifindex < 0 ? NULL : dst->ifs[t->ifindex];
    int32_t fallback = -1;
    for (size_t j = 0; j < u->nifs; j++) {
        const struct net_node *p = u->ifs[j]->peer;
        if (!p || dist[p->index] == DIST_NONE || dist[p->index] + 1 != dist[u->index])
            continue;
        if (p != dst || !bound || same_link(bound, u->ifs[j]))
            return (int32_t)j;
        if (fallback < 0)
            fallback = (int32_t)j;
    }
    return fallback;
}

/* Routes toward a target, computed on first use: each node's interface toward a neighbour
 * one hop nearer, -2 at the target, -1 where it is unreachable. Among equal-length paths a
 * node takes its lowest-index (first attached) interface that starts one, so the choice of
 * a multihomed node depends only on its own interface order and is the same in every run. */
static int32_t *routes_to(struct net_shared *s, struct route_target *t)
{
    if (t->route)
        return t->route;
    int32_t *r = malloc(s->n * sizeof *r);
    uint32_t *dist = malloc(s->n * sizeof *dist);
    if (!r || !dist || hop_counts(s, t, dist) < 0) {
        free(r);
        free(dist);
        return NULL;
    }
    for (size_t i = 0; i < s->n; i++)
        r[i] = i == t->node ? -2
               : dist[i] == DIST_NONE ? -1
                                      : next_hop(s, t, dist, s->nodes[i]);
    free(dist);
    t->route = r;
    return r;
}

struct net_if *node_route(struct net_node *n, const struct net_addr *dst,
                          const struct net_addr *src, bool local_src)
{
    return node_route_entry(n, dst, net_addr_lookup(n->net, dst), src, local_src);
}

struct net_if *node_route_entry(struct net_node *n, const struct net_addr *dst,
                                const struct addr_entry *e, const struct net_addr *src,
                                bool local_src)
{
    const struct fib *f = dst->family == 4 ? &n->fib4 : &n->fib6;
    uint32_t ifindex;
    if (f->nentries && fib_lookup(f, dst, src, &ifindex) == 0)
        return n->ifs[ifindex];
    if (local_src)
        for (size_t i = 0; i < n->naddrs; i++)
            if (n->addrs[i].ifindex >= 0 && net_addr_eq(&n->addrs[i].a, src))
                return n->ifs[n->addrs[i].ifindex];
    struct net_shared *s = n->net;
    if (!e)
        return NULL;
    int32_t *r = routes_to(s, &s->targets[e->target]);
    return r && r[n->index] >= 0 ? n->ifs[r[n->index]] : NULL;
}

const struct net_addr *node_src_addr(const struct net_node *n, const struct net_if *ifc,
                                     int family)
{
    if (ifc)
        for (size_t i = 0; i < n->naddrs; i++)
            if (n->addrs[i].ifindex == (int32_t)ifc->index && n->addrs[i].a.family == family)
                return &n->addrs[i].a;
    const struct net_addr *p = net_node_primary(n, family);
    if (p)
        return p;
    for (size_t i = 0; i < n->naddrs; i++)
        if (n->addrs[i].a.family == family)
            return &n->addrs[i].a;
    return NULL;
}

bool net_node_reaches(struct net_node *n, const struct net_addr *dst, const struct net_addr *src)
{
    struct net_shared *s = n->net;
    if (!s->ready)
        net_shared_ready(s);
    /* A path visits each node at most once; more hops than nodes is a routing loop. */
    struct net_node *cur = n;
    for (size_t hop = 0; hop <= s->n; hop++) {
        if (net_node_owns(cur, dst))
            return true;
        struct net_if *ifc = node_route(cur, dst, src, cur == n);
        if (!ifc)
            return false;
        if (!ifc->peer)
            return true;
        cur = ifc->peer;
    }
    return false;
}
