/* udp_source.c - the "cbr" and "poisson" models: UDP packet sources.
 *
 * Both send packets of `size` bytes of UDP payload from `node` to node `dst`, port `port`,
 * between `start` and `stop`, at a mean payload rate of `rate`. They differ only in the gap
 * between packets, chosen through an ops table: cbr sends every ceil(8 size / rate) exactly
 * (a codec, a phone's periodic traffic), poisson draws exponential gaps of that mean from the
 * instance's own random stream "NAME/gaps" (independent arrivals; with a constant-rate link
 * this makes an M/D/1 queue). Each packet is a real UDP datagram over IPv4 or IPv6 (`family`)
 * with the 12-byte header of udp_app.h; the rest of the payload is virtual. The destination
 * address is the destination node's primary address of the family; the source is the
 * sending node's (or `src`, any address: a phone's per-interface address picks that
 * interface, an address the node does not own is a spoofed source). One scheduler event is pending per
 * source at any time; packets come from the world's pool.
 *
 * Scalars (module NAME): sent_packets, sent_bytes (payload), alloc_failures.
 * Not modelled: on/off periods, packet-size distributions, congestion reaction (see tcp).
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/app/app_params.h"
#include "models/app/udp_app.h"
#include "models/net/node.h"
#include "models/net/udp.h"
#include "models/wire/bytes.h"
#include "sim/registry.h"

struct source_config {
    char node[PARAM_STRING_MAX];
    char dst[PARAM_STRING_MAX];
    int family;
    char src[PARAM_STRING_MAX];
    uint64_t port;
    uint64_t sport;
    bytes_t size;
    bps_t rate;
    sim_time_t start;
    sim_time_t stop;
};

struct source;

struct source_ops {
    sim_time_t (*gap)(struct source *s);
};

struct source {
    char name[PARAM_STRING_MAX];
    const struct source_ops *ops;
    struct source_config cfg;
    struct net_node *node;
    struct pkt_pool *pool;
    struct rng *rng;
    struct net_addr src_addr, dst_addr;
    struct app_route route;
    sim_time_t mean_gap;
    sim_time_t stop;
    uint32_t seq;
    uint64_t sent, alloc_failures;
    bytes_t sent_bytes;
};

static sim_time_t cbr_gap(struct source *s)
{
    return s->mean_gap;
}

static sim_time_t poisson_gap(struct source *s)
{
    /* Rounded to the picosecond; a zero gap would still be a valid (simultaneous) arrival. */
    return time_from_ps_f(rng_exponential(s->rng, (double)s->mean_gap));
}

static const struct source_ops cbr_ops = { .gap = cbr_gap };
static const struct source_ops poisson_ops = { .gap = poisson_gap };

static void send_one(struct sched *sch, void *ctx, void *arg)
{
    struct source *s = ctx;
    (void)arg;
    sim_time_t now = sched_now(sch);
    if (now >= s->stop)
        return;
    struct packet *p = pkt_alloc(s->pool, UDP_APP_HDR_BYTES);
    uint8_t *h = p ? pkt_put(p, UDP_APP_HDR_BYTES) : NULL;
    if (!h) {
        s->alloc_failures++;
        pkt_free(p);
    } else {
        wr32(h, s->seq);
        wr64(h + 4, (uint64_t)now);
        pkt_set_virtual(p, (uint32_t)(s->cfg.size - UDP_APP_HDR_BYTES));
        struct net_udp_spec f = {
            .src = s->src_addr, .dst = s->dst_addr, .sport = (uint16_t)s->cfg.sport,
            .dport = (uint16_t)s->cfg.port, .ip_id = (uint16_t)s->seq, .ttl = 64,
        };
        if (net_udp_push(p, &f) < 0) {
            s->alloc_failures++;
            pkt_free(p);
        } else {
            s->seq++;
            s->sent++;
            s->sent_bytes += s->cfg.size;
            net_node_send(s->node, p);
        }
    }
    sched_in(sch, s->ops->gap(s), send_one, s, NULL);
}

static void source_finish(void *obj, struct model_ctx *ctx)
{
    struct source *s = obj;
    results_scalar(ctx->results, s->name, "sent_packets", "pkt", (double)s->sent);
    results_scalar(ctx->results, s->name, "sent_bytes", "B", (double)s->sent_bytes);
    results_scalar(ctx->results, s->name, "alloc_failures", "pkt", (double)s->alloc_failures);
}

static void source_release(void *obj, struct model_ctx *ctx)
{
    (void)ctx;
    free(obj);
}

static int source_create(struct model_ctx *ctx, const char *name, const void *config,
                         void **out, char *err, size_t errlen, const struct source_ops *ops)
{
    const struct source_config *c = config;
    struct net_node *node, *dst;
    if (app_find_nodes(ctx, c->node, c->dst, &node, &dst, err, errlen) < 0)
        return -1;
    if (app_check_stop(c->start, c->stop, err, errlen) < 0)
        return -1;
    struct source *s = calloc(1, sizeof *s);
    if (!s || model_ctx_on_free(ctx, source_release, s) < 0 ||
        model_ctx_on_finish(ctx, source_finish, s) < 0) {
        free(s);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    snprintf(s->name, sizeof s->name, "%s", name);
    s->ops = ops;
    s->cfg = *c;
    s->node = node;
    s->pool = ctx->pool;
    int family = c->family ? 6 : 4;
    const struct net_addr *da = net_node_primary(dst, family), *sa = net_node_primary(node, family);
    if (!da || (!sa && strcmp(c->src, "auto") == 0)) {
        snprintf(err, errlen, "node \"%s\" has no IPv%d address (address%s: none)",
                 da ? c->node : c->dst, family, family == 6 ? "6" : "");
        return -1;
    }
    s->dst_addr = *da;
    if (strcmp(c->src, "auto") == 0) {
        s->src_addr = *sa;
    } else if (net_addr_parse(c->src, &s->src_addr, err, errlen) < 0) {
        return -1;
    } else if (s->src_addr.family != family) {
        snprintf(err, errlen, "src %s is not an IPv%d address", c->src, family);
        return -1;
    }
    s->route = (struct app_route){ .node = node, .dst = dst, .src_addr = s->src_addr,
                                   .dst_addr = s->dst_addr };
    if (app_check_route(ctx, &s->route, err, errlen) < 0)
        return -1;
    s->mean_gap = time_to_send(c->size, c->rate);
    s->stop = c->stop ? c->stop : SIM_TIME_MAX;
    if (ops == &poisson_ops && !(s->rng = model_ctx_rng(ctx, name, "gaps"))) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    /* A Poisson process starts with a random gap too, so sources started together do not
     * send their first packets in lockstep. */
    sim_time_t first = time_add_sat(c->start, ops == &poisson_ops ? ops->gap(s) : 0);
    sched_at(ctx->sched, first, send_one, s, NULL);
    *out = s;
    return 0;
}

static int cbr_create(struct model_ctx *ctx, const char *name, const void *config, void **out,
                      char *err, size_t errlen)
{
    return source_create(ctx, name, config, out, err, errlen, &cbr_ops);
}

static int poisson_create(struct model_ctx *ctx, const char *name, const void *config,
                          void **out, char *err, size_t errlen)
{
    return source_create(ctx, name, config, out, err, errlen, &poisson_ops);
}

static const struct param_def source_params[] = {
    { "node", PARAM_NODE, offsetof(struct source_config, node), NULL, "the sending node", NULL,
      0, 0 },
    { "dst", PARAM_NODE, offsetof(struct source_config, dst), NULL, "the destination node",
      NULL, 0, 0 },
    { "family", PARAM_ENUM, offsetof(struct source_config, family), "ipv4",
      "IP version of the datagrams", "ipv4|ipv6", 0, 0 },
    { "src", PARAM_STRING, offsetof(struct source_config, src), "auto",
      "source address; auto = the node's primary address of the family", NULL, 0, 0 },
    { "port", PARAM_UINT, offsetof(struct source_config, port), "5000",
      "destination UDP port (a sink listens there)", NULL, 1, 65535 },
    { "sport", PARAM_UINT, offsetof(struct source_config, sport), "10000", "source UDP port",
      NULL, 1, 65535 },
    { "size", PARAM_SIZE, offsetof(struct source_config, size), "1200B",
      "UDP payload per packet (the IP packet is 28 bytes longer, 48 over IPv6)", NULL, UDP_APP_HDR_BYTES,
      65507 },
    { "rate", PARAM_RATE, offsetof(struct source_config, rate), "1Mbps",
      "mean payload bit rate", NULL, 1, 1e12 },
    { "start", PARAM_TIME, offsetof(struct source_config, start), "0s", "first packet time",
      NULL, 0, 0 },
    { "stop", PARAM_TIME, offsetof(struct source_config, stop), "0s",
      "no packet at or after this time (0s = until the end of the run)", NULL, 0, 0 },
};

static const struct model_def cbr_model = {
    .kind = "cbr",
    .category = "app",
    .help = "Constant-rate UDP source: one packet of `size` every 8*size/rate seconds.",
    .params = source_params,
    .nparams = sizeof source_params / sizeof source_params[0],
    .config_size = sizeof(struct source_config),
    .create = cbr_create,
};
MODEL_REGISTER(cbr_model)

static const struct model_def poisson_model = {
    .kind = "poisson",
    .category = "app",
    .help = "Poisson UDP source: exponential gaps with mean 8*size/rate seconds.",
    .params = source_params,
    .nparams = sizeof source_params / sizeof source_params[0],
    .config_size = sizeof(struct source_config),
    .create = poisson_create,
};
MODEL_REGISTER(poisson_model)
