/* tcp_sink.c - the "tcp-sink" model: a TCP listener that accepts, reads and discards.
 *
 * Like ns-3's PacketSink over TCP or `iperf -s`: listens on `port` of `node` (every address
 * of the node), accepts every connection, reads whatever arrives at once (so the receive
 * window stays open and only the network limits the senders) and closes a connection when
 * its peer has finished (FIN). Scalars (module NAME): rx_bytes (application bytes read, all
 * connections), goodput (rx_bytes in bit/s between the first and the last byte read),
 * accepted (connections), completed (connections whose peer finished), failed (reset or
 * timed out); and the listener's counters syns_received, syns_dropped, cookies_sent,
 * cookies_validated. `protocol` (tcp, mptcp) picks the listener's transport; the tcp
 * parameters on the application (rcvbuf, ...) configure the node's stack (models/host/host.h). Nothing is allocated per connection beyond TCP's own state.
 * With `reply` > 0 it is a download server (iperf3 -R, the kernel comparison's mptcp-xfer
 * server): each accepted connection is sent `reply` bytes at once, then the sink shuts its
 * sending side down (FIN) and keeps reading until the peer's FIN; 24 bytes per connection,
 * kept to the end of the run, hold what is left to send. tx_bytes (bytes handed to the sockets) is recorded then.
 * Not modelled: per-connection receive statistics (the sender's connection records them).
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include "models/app/tcp_app.h"
#include "models/host/host.h"

struct tsink_config {
    char node[PARAM_STRING_MAX];
    uint64_t port;
    bytes_t reply;
    struct host_opts host;
};

struct tsink {
    char name[PARAM_STRING_MAX];
    struct sched *sched;
    struct host *host;
    char protocol[PARAM_STRING_MAX];
    uint16_t port;
    char cc[PARAM_STRING_MAX]; /* congestion control of accepted sockets, "" = stack's */
    struct sock_listener *listener;
    uint64_t rx_bytes, accepted, completed, failed;
    uint64_t reply, tx_bytes;  /* bytes to send on each connection (0: a pure sink) */
    struct tsink_conn *conns;  /* download connections (reply > 0) */
    sim_time_t first, last;
};

/* A download connection: what is left of the reply (reply > 0 only). */
struct tsink_conn {
    struct tsink *k;
    uint64_t left;
    struct tsink_conn *next;       /* the sink's list, freed with the sink */
};

static void rx(struct tsink *k, struct sock *s, size_t bytes);

static void on_readable(struct sock *s, void *ctx, size_t bytes)
{
    rx(ctx, s, bytes);
}

static void on_error(struct sock *s, void *ctx, int err)
{
    struct tsink *k = ctx;
    (void)err;
    k->failed++;
    sock_close(s);
}

static const struct sock_callbacks tsink_cb = {
    .readable = on_readable,
    .error = on_error,
};

/* ---- the download server (reply > 0) ------------------------------------------------- */

static void reply_push(struct tsink_conn *dc, struct sock *s)
{
    if (!dc->left)
        return;
    int64_t n = sock_send(s, (size_t)dc->left);
    if (n > 0) {
        dc->left -= (uint64_t)n;
        dc->k->tx_bytes += (uint64_t)n;
    }
    if (!dc->left)
        sock_shutdown(s);
}

static void dl_readable(struct sock *s, void *ctx, size_t bytes)
{
    struct tsink_conn *dc = ctx;
    rx(dc->k, s, bytes);
}

static void dl_writable(struct sock *s, void *ctx, size_t bytes)
{
    (void)bytes;
    reply_push(ctx, s);
}

static void dl_error(struct sock *s, void *ctx, int err)
{
    struct tsink_conn *dc = ctx;
    on_error(s, dc->k, err);
}

static const struct sock_callbacks dl_cb = {
    .readable = dl_readable,
    .writable = dl_writable,
    .error = dl_error,
};

static void rx(struct tsink *k, struct sock *s, size_t bytes)
{
    size_t n = sock_read(s, bytes);
    if (n) {
        sim_time_t now = sched_now(k->sched);
        if (k->rx_bytes == 0)
            k->first = now;
        k->last = now;
        k->rx_bytes += n;
    }
    if (sock_eof(s) && sock_readable(s) == 0) {
        k->completed++;
        sock_close(s);
    }
}

static void on_acceptable(struct sock_listener *l, void *ctx)
{
    struct tsink *k = ctx;
    struct sock *s;
    for (;;) {
        struct tsink_conn *dc = NULL;
        if (k->reply && !(dc = calloc(1, sizeof *dc)))
            return;                 /* out of memory: the connection stays queued */
        if (sock_accept(l, dc ? &dl_cb : &tsink_cb, dc ? (void *)dc : k, &s) != 0) {
            free(dc);
            break;
        }
        k->accepted++;
        if (dc) {
            *dc = (struct tsink_conn){ k, k->reply, k->conns };
            k->conns = dc;
            reply_push(dc, s);
            if (sock_readable(s) || sock_eof(s))
                dl_readable(s, dc, sock_readable(s));
            continue;
        }
        if (k->cc[0])
            sock_set_opt(s, "cc", k->cc);
        /* Data that arrived with the handshake's last ACK is already waiting. */
        if (sock_readable(s) || sock_eof(s))
            on_readable(s, k, sock_readable(s));
    }
}

static const struct sock_listener_callbacks tsink_lcb = { .acceptable = on_acceptable };

static void tsink_start(struct sched *sch, void *ctx, void *arg)
{
    struct tsink *k = ctx;
    (void)sch;
    (void)arg;
    struct sock_listen_args la = { .port = k->port };
    if (host_listen(k->host, k->protocol, &la, &tsink_lcb, k, &k->listener) < 0)
        k->listener = NULL;
}

static void tsink_finish(void *obj, struct model_ctx *ctx)
{
    struct tsink *k = obj;
    struct results_run *r = ctx->results;
    results_scalar(r, k->name, "rx_bytes", "B", (double)k->rx_bytes);
    results_scalar(r, k->name, "goodput", "bps", tcp_app_goodput(k->rx_bytes, k->first, k->last));
    results_scalar(r, k->name, "accepted", "", (double)k->accepted);
    results_scalar(r, k->name, "completed", "", (double)k->completed);
    results_scalar(r, k->name, "failed", "", (double)k->failed);
    if (k->reply)
        results_scalar(r, k->name, "tx_bytes", "B", (double)k->tx_bytes);
    struct sock_listener_stats ls = { 0 };
    if (k->listener)
        sock_listener_get_stats(k->listener, &ls);
    results_scalar(r, k->name, "syns_received", "", (double)ls.syns_received);
    results_scalar(r, k->name, "syns_dropped", "", (double)ls.syns_dropped);
    results_scalar(r, k->name, "cookies_sent", "", (double)ls.cookies_sent);
    results_scalar(r, k->name, "cookies_validated", "", (double)ls.cookies_validated);
}

static void tsink_release(void *obj, struct model_ctx *ctx)
{
    struct tsink *k = obj;
    (void)ctx;
    while (k->conns) {
        struct tsink_conn *dc = k->conns;
        k->conns = dc->next;
        free(dc);
    }
    free(obj);
}

static int tsink_create(struct model_ctx *ctx, const char *name, const void *config,
                        void **out, char *err, size_t errlen)
{
    const struct tsink_config *c = config;
    struct net_node *node = net_node_find(ctx, c->node, err, errlen);
    if (!node)
        return -1;
    struct tsink *k = calloc(1, sizeof *k);
    if (!k || model_ctx_on_free(ctx, tsink_release, k) < 0) {
        free(k);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    snprintf(k->name, sizeof k->name, "%s", name);
    k->sched = ctx->sched;
    k->port = (uint16_t)c->port;
    k->reply = c->reply;
    if (host_attach(ctx, node, name, &c->host, &k->host, err, errlen) < 0)
        return -1;
    snprintf(k->protocol, sizeof k->protocol, "%s", host_opts_protocol(&c->host));
    const char *cc = host_opts_cc(&c->host);
    snprintf(k->cc, sizeof k->cc, "%s", cc ? cc : "");
    if (model_ctx_on_finish(ctx, tsink_finish, k) < 0) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    /* Listening at time 0 rather than now: every application's settings are known then. */
    sched_at(ctx->sched, 0, tsink_start, k, NULL);
    *out = k;
    return 0;
}

static const struct param_def tsink_params[] = {
    { "node", PARAM_NODE, offsetof(struct tsink_config, node), NULL, "the listening node",
      NULL, 0, 0 },
    { "port", PARAM_UINT, offsetof(struct tsink_config, port), "5000", "TCP port to listen on",
      NULL, 1, 65535 },
    { "reply", PARAM_SIZE, offsetof(struct tsink_config, reply), "0B",
      "bytes sent on each accepted connection, then FIN (a download server; 0B = a pure sink)",
      NULL, 0, 0 },
    HOST_PARAMS(struct tsink_config, host),
};

static const struct model_def tsink_model = {
    .kind = "tcp-sink",
    .category = "app",
    .help = "TCP sink: listens on a port, accepts every connection, reads and discards; "
            "records bytes received and goodput.",
    .params = tsink_params,
    .nparams = sizeof tsink_params / sizeof tsink_params[0],
    .config_size = sizeof(struct tsink_config),
    .create = tsink_create,
};
MODEL_REGISTER(tsink_model)
