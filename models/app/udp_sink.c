/* udp_sink.c - the "sink" model: receives UDP packets on a port and measures them.
 *
 * Every packet to `port` of `node` is counted (packets, payload bytes) and its one-way delay
 * is taken from the send time the source wrote into the packet (udp_app.h). Scalars (module
 * NAME): rx_packets, rx_bytes, delay_mean, delay_max (seconds), goodput (payload bit/s
 * between the first and the last packet), bad_header (packets too short to carry the
 * header); histogram "delay" (seconds, 1 ms bins up to 1 s) when recorded.
 * Not modelled: per-flow loss or reordering (the sources' sent_packets give the loss).
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include "models/app/udp_app.h"
#include "models/net/node.h"
#include "models/net/udp.h"
#include "models/wire/bytes.h"
#include "sim/registry.h"

struct sink_config {
    char node[PARAM_STRING_MAX];
    uint64_t port;
};

struct sink {
    char name[PARAM_STRING_MAX];
    struct sched *sched;
    uint64_t packets, bad_header;
    bytes_t bytes;
    double delay_sum_s, delay_max_s;
    sim_time_t first, last;
    struct results_hist *delay;
};

static void sink_rx(void *ctx, struct packet *p)
{
    struct sink *k = ctx;
    sim_time_t now = sched_now(k->sched);
    uint8_t *udp = pkt_l4(p);
    size_t stored = udp ? pkt_len(p) - (size_t)(udp - pkt_data(p)) : 0;
    if (stored < UDP_HDR_BYTES + UDP_APP_HDR_BYTES) {
        k->bad_header++;
        pkt_free(p);
        return;
    }
    sim_time_t sent = (sim_time_t)rd64(udp + UDP_HDR_BYTES + 4);
    double d = time_to_sec(now - sent);
    if (k->packets == 0)
        k->first = now;
    k->last = now;
    k->packets++;
    k->bytes += rd16(udp + 4) - UDP_HDR_BYTES;
    k->delay_sum_s += d;
    if (d > k->delay_max_s)
        k->delay_max_s = d;
    results_hist_add(k->delay, d);
    pkt_free(p);
}

static void sink_finish(void *obj, struct model_ctx *ctx)
{
    struct sink *k = obj;
    struct results_run *r = ctx->results;
    results_scalar(r, k->name, "rx_packets", "pkt", (double)k->packets);
    results_scalar(r, k->name, "rx_bytes", "B", (double)k->bytes);
    results_scalar(r, k->name, "delay_mean", "s",
                   k->packets ? k->delay_sum_s / (double)k->packets : 0.0);
    results_scalar(r, k->name, "delay_max", "s", k->delay_max_s);
    results_scalar(r, k->name, "goodput", "bps",
                   k->last > k->first ? (double)k->bytes * 8.0 / time_to_sec(k->last - k->first)
                                      : 0.0);
    results_scalar(r, k->name, "bad_header", "pkt", (double)k->bad_header);
}

static void sink_release(void *obj, struct model_ctx *ctx)
{
    (void)ctx;
    free(obj);
}

static int sink_create(struct model_ctx *ctx, const char *name, const void *config, void **out,
                       char *err, size_t errlen)
{
    const struct sink_config *c = config;
    struct net_node *node = net_node_find(ctx, c->node, err, errlen);
    if (!node)
        return -1;
    struct sink *k = calloc(1, sizeof *k);
    if (!k || model_ctx_on_free(ctx, sink_release, k) < 0) {
        free(k);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    snprintf(k->name, sizeof k->name, "%s", name);
    k->sched = ctx->sched;
    k->delay = results_histogram_uniform(ctx->results, name, "delay", "s", 0.0, 1.0, 1000);
    if (model_ctx_on_finish(ctx, sink_finish, k) < 0) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (net_node_bind_udp(node, (uint16_t)c->port, sink_rx, k) < 0) {
        snprintf(err, errlen, "UDP port %llu of node \"%s\" is already bound",
                 (unsigned long long)c->port, c->node);
        return -1;
    }
    *out = k;
    return 0;
}

static const struct param_def sink_params[] = {
    { "node", PARAM_NODE, offsetof(struct sink_config, node), NULL, "the receiving node", NULL,
      0, 0 },
    { "port", PARAM_UINT, offsetof(struct sink_config, port), "5000", "UDP port to receive on",
      NULL, 1, 65535 },
};

static const struct model_def sink_model = {
    .kind = "sink",
    .category = "app",
    .help = "UDP sink: counts packets and bytes, measures one-way delay (mean, max, histogram) "
            "and goodput.",
    .params = sink_params,
    .nparams = sizeof sink_params / sizeof sink_params[0],
    .config_size = sizeof(struct sink_config),
    .create = sink_create,
};
MODEL_REGISTER(sink_model)
