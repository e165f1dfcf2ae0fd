/* radio_attach.c - radio models joined to scenario nodes (see radio_attach.h). */
#include "models/radio/radio_attach.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/net/node.h"
#include "models/radio/outage.h"

struct port {
    struct net_if ifc; /* first: the node calls ifc.ops->transmit on it */
    struct radio_attach *a;
    uint32_t terminal;
    enum radio_dir dir; /* the direction a packet transmitted here travels */
};

struct radio_attach {
    const struct radio_ops *ops;
    void *radio;
    struct net_node *hub;
    uint32_t n;
    struct net_node **node;   /* terminal nodes */
    char (*names)[PARAM_STRING_MAX];
    struct port *ports;       /* 2n: hub side (down) then terminal side (up) */
    struct outage **outages;  /* n, or NULL */
};

/* Calls fn(name, arg) for each name of the list; 0, or -1 with a message. */
static int each_name(const char *list, int (*fn)(const char *name, void *arg), void *arg,
                     char *err, size_t errlen)
{
    char item[PARAM_STRING_MAX];
    const char *p = list;
    for (;;) {
        while (*p == ' ' || *p == ',')
            p++;
        if (!*p)
            return 0;
        size_t len = strcspn(p, ", ");
        snprintf(item, sizeof item, "%.*s", (int)len, p);
        p += len;
        char *dots = strstr(item, "..");
        if (!dots) {
            if (fn(item, arg) < 0)
                return -1;
            continue;
        }
        /* PREFIX<a>..<b>: the digits before ".." and the number after it. */
        char *first = dots;
        while (first > item && first[-1] >= '0' && first[-1] <= '9')
            first--;
        char *end;
        unsigned long lo = strtoul(first, NULL, 10), hi = strtoul(dots + 2, &end, 10);
        if (first == dots || end == dots + 2 || *end || hi < lo || hi - lo >= 1000000) {
            snprintf(err, errlen, "terminal range \"%s\": expected NAME<first>..<last>, for "
                     "example phone-0..9", item);
            return -1;
        }
        char node[PARAM_STRING_MAX + 24];
        for (unsigned long i = lo; i <= hi; i++) {
            snprintf(node, sizeof node, "%.*s%lu", (int)(first - item), item, i);
            if (fn(node, arg) < 0)
                return -1;
        }
    }
}

static int count_one(const char *name, void *arg)
{
    (void)name;
    (*(uint32_t *)arg)++;
    return 0;
}

int radio_attach_count(const char *terminals, char *err, size_t errlen)
{
    uint32_t n = 0;
    if (each_name(terminals, count_one, &n, err, errlen) < 0)
        return -1;
    if (n == 0) {
        snprintf(err, errlen, "terminals: expected at least one node name");
        return -1;
    }
    return (int)n;
}

struct finder {
    struct model_ctx *ctx;
    struct radio_attach *a;
    uint32_t i;
    char *err;
    size_t errlen;
};

static int find_one(const char *name, void *arg)
{
    struct finder *f = arg;
    struct net_node *n = net_node_find(f->ctx, name, f->err, f->errlen);
    if (!n)
        return -1;
    f->a->node[f->i] = n;
    snprintf(f->a->names[f->i], PARAM_STRING_MAX, "%s", name);
    f->i++;
    return 0;
}

static void port_transmit(struct net_if *ifc, struct packet *p)
{
    struct port *pt = (struct port *)ifc;
    pt->a->ops->enqueue(pt->a->radio, pt->terminal, pt->dir, p);
}

static const struct net_if_ops port_ops = { .transmit = port_transmit };

/* The radio delivered p to the node behind port ctx: it enters as p2p packets do, through
 * the receiving interface, so capture sees it and ICMP errors know the ingress. */
static void deliver_to_port(void *ctx, struct packet *p)
{
    net_if_receive(ctx, p);
}

static void attach_release(void *obj, struct model_ctx *ctx)
{
    struct radio_attach *a = obj;
    (void)ctx;
    if (a->outages)
        for (uint32_t i = 0; i < a->n; i++)
            outage_free(a->outages[i]);
    free(a->outages);
    free(a->node);
    free(a->names);
    free(a->ports);
    free(a);
}

static int add_outages(struct model_ctx *ctx, const char *name,
                       const struct radio_attach_config *c, struct radio_attach *a, char *err,
                       size_t errlen)
{
    bool random = c->outage_mean_up > 0 || c->outage_mean_down > 0;
    if (!random && !c->outage_schedule[0])
        return 0;
    if (random && c->outage_schedule[0]) {
        snprintf(err, errlen, "give outage_schedule or outage_mean_up/down, not both");
        return -1;
    }
    if (!(a->outages = calloc(a->n, sizeof *a->outages))) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    for (uint32_t i = 0; i < a->n; i++) {
        struct outage_target t = { a->ops->set_up, a->radio, i };
        char stream[2 * PARAM_STRING_MAX + 2];
        snprintf(stream, sizeof stream, "%s/%s", name, a->names[i]);
        int rc = random ? outage_new_random(ctx->sched, &t, c->outage_mean_up,
                                            c->outage_mean_down, stream, ctx->seed, ctx->run,
                                            &a->outages[i], err, errlen)
                        : outage_new_schedule(ctx->sched, &t, c->outage_schedule,
                                              &a->outages[i], err, errlen);
        if (rc < 0)
            return -1;
    }
    return 0;
}

int radio_attach_new(struct model_ctx *ctx, const char *name,
                     const struct radio_attach_config *c, const struct radio_ops *ops,
                     void *radio, struct radio_attach **out, char *err, size_t errlen)
{
    int n = radio_attach_count(c->terminals, err, errlen);
    if (n < 0)
        return -1;
    struct radio_attach *a = calloc(1, sizeof *a);
    if (!a || model_ctx_on_free(ctx, attach_release, a) < 0) {
        free(a);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    a->ops = ops;
    a->radio = radio;
    a->n = (uint32_t)n;
    a->node = calloc(a->n, sizeof *a->node);
    a->names = calloc(a->n, sizeof *a->names);
    a->ports = calloc(2 * (size_t)a->n, sizeof *a->ports);
    if (!a->node || !a->names || !a->ports) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (!(a->hub = net_node_find(ctx, c->hub, err, errlen)))
        return -1;
    struct finder f = { ctx, a, 0, err, errlen };
    if (each_name(c->terminals, find_one, &f, err, errlen) < 0)
        return -1;
    for (uint32_t i = 0; i < a->n; i++) {
        if (a->node[i] == a->hub) {
            snprintf(err, errlen, "terminal \"%s\" is the hub itself", a->names[i]);
            return -1;
        }
        struct port *down = &a->ports[i], *up = &a->ports[a->n + i];
        *down = (struct port){ { .ops = &port_ops, .node = a->hub, .peer = a->node[i], .name = name },
                               a, i, RADIO_DOWN };
        *up = (struct port){ { .ops = &port_ops, .node = a->node[i], .peer = a->hub, .name = name },
                             a, i, RADIO_UP };
        if (net_node_attach(a->hub, &down->ifc) < 0 || net_node_attach(a->node[i], &up->ifc) < 0) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
        ops->set_deliver(radio, i, RADIO_UP, deliver_to_port, &down->ifc);
        ops->set_deliver(radio, i, RADIO_DOWN, deliver_to_port, &up->ifc);
    }
    if (add_outages(ctx, name, c, a, err, errlen) < 0)
        return -1;
    *out = a;
    return 0;
}

const char *radio_attach_terminal(const struct radio_attach *a, uint32_t i)
{
    return a->names[i];
}

const char *radio_attach_hub(const struct radio_attach *a) { return net_node_name(a->hub); }
