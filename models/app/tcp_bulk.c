/* tcp_bulk.c - the "bulk" model: one TCP connection that sends as fast as TCP allows.
 *
 * At `start` the application connects from `node` to node `dst`, port `port` (a tcp-sink, or
 * any listener) and keeps the send buffer full, like iperf or ns-3's BulkSendApplication:
 * every writable callback tops the buffer up. `size` 0 B sends until the end of the run;
 * otherwise the application sends `size` bytes, then closes (FIN), and the transfer completes
 * when TCP reports the connection closed in both directions (all data and the FIN
 * acknowledged, the receiver's FIN received): completion_time runs from `start` to then.
 * `protocol` (tcp, mptcp) picks the transport; the tcp parameters on the application (cc,
 * mss, sndbuf, ...) configure the node's stack (models/host/host.h). Scalars and vectors: tcp_app.h, module = the instance name.
 * `direction: down` turns it into a download client (iperf3 -R, the kernel comparison's
 * mptcp-xfer client): it connects and sends nothing, reads what the listener sends (a
 * tcp-sink with `reply`) until the listener's FIN, then closes; `size` must be 0B then.
 * Not modelled: application-limited pacing (see onoff), several connections (see reqresp).
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include "models/app/app_params.h"
#include "models/app/tcp_app.h"
#include "models/host/host.h"

struct bulk_config {
    char node[PARAM_STRING_MAX];
    char dst[PARAM_STRING_MAX];
    int family;
    uint64_t port;
    bytes_t size;
    sim_time_t start;
    int direction;                /* 0 up (send), 1 down (receive) */
    struct host_opts host;
};

struct bulk {
    struct tcp_app_client client; /* first: the socket callbacks' ctx is the bulk */
    uint64_t size, queued;        /* size 0 = unlimited */
    bool down;                    /* a download: read until the peer's FIN, then close */
};

/* Offers more than fits: a send() the buffer limits is what arms the writable callback. */
static void bulk_fill(struct bulk *b)
{
    struct sock *s = b->client.conn.sock;
    size_t want = b->size ? (size_t)(b->size - b->queued) : (size_t)1 << 30;
    int64_t n = want ? sock_send(s, want) : 0;
    if (n > 0)
        b->queued += (uint64_t)n;
    if (b->size && b->queued == b->size)
        sock_shutdown(s);
}

static void on_connected(struct sock *s, void *ctx)
{
    struct bulk *b = ctx;
    (void)s;
    b->client.conn.connected = sched_now(b->client.sched);
    if (!b->down)
        bulk_fill(b);
}

static void on_readable(struct sock *s, void *ctx, size_t bytes)
{
    struct bulk *b = ctx;
    sock_read(s, bytes);
    if (b->down && sock_eof(s) && sock_readable(s) == 0 && !b->queued) {
        b->queued = 1;                /* our FIN: once */
        sock_shutdown(s);
    }
}

static void on_writable(struct sock *s, void *ctx, size_t bytes)
{
    struct bulk *b = ctx;
    (void)s;
    (void)bytes;
    if (!b->size || b->queued < b->size)
        bulk_fill(b);
}

static const struct sock_callbacks bulk_cb = {
    .connected = on_connected,
    .readable = on_readable,
    .writable = on_writable,
    .closed = tcp_app_client_closed,
    .error = tcp_app_client_error,
};

static void bulk_start(struct sched *sch, void *ctx, void *arg)
{
    struct bulk *b = ctx;
    (void)sch;
    (void)arg;
    tcp_app_client_connect(&b->client, &bulk_cb);
}

static void bulk_finish(void *obj, struct model_ctx *ctx)
{
    struct bulk *b = obj;
    tcp_app_client_record(&b->client, ctx);
}

static void bulk_release(void *obj, struct model_ctx *ctx)
{
    struct bulk *b = obj;
    (void)ctx;
    tcp_app_conn_free(&b->client.conn);
    free(obj);
}

static int bulk_create(struct model_ctx *ctx, const char *name, const void *config, void **out,
                       char *err, size_t errlen)
{
    const struct bulk_config *c = config;
    struct net_node *node, *dst;
    if (app_find_nodes(ctx, c->node, c->dst, &node, &dst, err, errlen) < 0)
        return -1;
    struct bulk *b = calloc(1, sizeof *b);
    if (!b || model_ctx_on_free(ctx, bulk_release, b) < 0) {
        free(b);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    b->size = c->size;
    b->down = c->direction == 1;
    if (b->down && b->size) {
        snprintf(err, errlen, "direction: down receives what the listener sends: size must be "
                 "0B (the listener's reply sets it)");
        return -1;
    }
    if (tcp_app_client_init(&b->client, ctx, name, node, dst, c->family, (uint16_t)c->port,
                            &c->host, err, errlen) < 0)
        return -1;
    if (model_ctx_on_finish(ctx, bulk_finish, b) < 0) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (c->start < ctx->duration)
        sched_at(ctx->sched, c->start, bulk_start, b, NULL);
    *out = b;
    return 0;
}

static const struct param_def bulk_params[] = {
    { "node", PARAM_NODE, offsetof(struct bulk_config, node), NULL, "the sending node", NULL,
      0, 0 },
    { "dst", PARAM_NODE, offsetof(struct bulk_config, dst), NULL,
      "the receiving node (a tcp-sink listens there)", NULL, 0, 0 },
    { "family", PARAM_ENUM, offsetof(struct bulk_config, family), "ipv4",
      "IP version of the connection", "ipv4|ipv6", 0, 0 },
    { "port", PARAM_UINT, offsetof(struct bulk_config, port), "5000", "destination TCP port",
      NULL, 1, 65535 },
    { "size", PARAM_SIZE, offsetof(struct bulk_config, size), "0B",
      "bytes to send, then close; 0B = unlimited (until the end of the run)", NULL, 0, 0 },
    { "start", PARAM_TIME, offsetof(struct bulk_config, start), "0s",
      "time of the connect (SYN)", NULL, 0, 0 },
    { "direction", PARAM_ENUM, offsetof(struct bulk_config, direction), "up",
      "up: send to dst; down: send nothing, read what dst sends (a tcp-sink with reply) until "
      "its FIN, then close", "up|down", 0, 0 },
    HOST_PARAMS(struct bulk_config, host),
};

static const struct model_def bulk_model = {
    .kind = "bulk",
    .category = "app",
    .help = "TCP bulk transfer: one connection to dst:port keeping the send buffer full, "
            "unlimited or `size` bytes; records goodput, completion time, retransmissions, "
            "RTT (cwnd and rtt vectors on request).",
    .params = bulk_params,
    .nparams = sizeof bulk_params / sizeof bulk_params[0],
    .config_size = sizeof(struct bulk_config),
    .create = bulk_create,
};
MODEL_REGISTER(bulk_model)
