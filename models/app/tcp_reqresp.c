/* tcp_reqresp.c - the "reqresp" model: request/response over TCP (web-like transactions).
 *
 * The client at `node` opens `connections` persistent connections to `dst`:`port` at
 * `start`; the same instance runs the server side, a listener on `dst`:`port`. On each
 * connection, one transaction at a time (HTTP/1.1 without pipelining): the client sends a
 * request of `request_size` bytes; when the server has read all of it, it sends an object of
 * `object_size` bytes; when the client has read the whole object the transaction completes,
 * and after a `think` time the next request goes out. Sizes and times are drawn per
 * transaction from app_dist.h strings ("exp(50kB)", "pareto(1.2,10kB)") with the instance's
 * streams NAME/sizes and NAME/think. After `requests` transactions (0 = no limit) or at
 * `stop`, the client closes the connection and the server closes its end at the FIN.
 * How the server knows the object's size: as an HTTP response's Content-Length would tell
 * it, the size travels with the transaction inside the simulator (payload is virtual).
 *
 * Scalars (module NAME): transactions (completed), completion_mean, completion_max (s, from
 * the request's first byte offered to the object's last byte read), request_bytes,
 * object_bytes (read by the client), failed (connections that ended with an error);
 * histogram "completion" (s, 1 ms bins up to 10 s); vector "completion" (every transaction's
 * completion time at its end); per connection (module NAME.cK, client side): tcp_app.h.
 * `protocol` (tcp, mptcp) picks the transport of both ends; the tcp parameters configure both
 * nodes' stacks (models/host/host.h).
 * Not modelled: pipelining, several objects per request, server processing time.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/app/app_dist.h"
#include "models/app/app_params.h"
#include "models/app/tcp_app.h"
#include "models/host/host.h"

struct rr_config {
    char node[PARAM_STRING_MAX];
    char dst[PARAM_STRING_MAX];
    int family;
    uint64_t port;
    uint64_t connections;
    uint64_t requests;
    char request_size[PARAM_STRING_MAX];
    char object_size[PARAM_STRING_MAX];
    char think[PARAM_STRING_MAX];
    sim_time_t start, stop;
    struct host_opts host;
};

struct rr;

struct rr_conn {
    struct rr *app;
    struct tcp_app_conn c;              /* client side */
    struct sock *server;            /* the accepted socket, NULL until paired */
    uint16_t client_port;
    uint64_t done;                      /* transactions completed */
    uint64_t req_left_server;           /* request bytes the server still has to read */
    uint64_t obj_size, obj_left_client; /* current object; bytes the client still expects */
    uint64_t client_unsent, server_unsent; /* bytes offered but not yet taken by the socket */
    sim_time_t t_request;
    bool busy, closing;
};

struct rr {
    char name[PARAM_STRING_MAX];
    struct sched *sched;
    struct results_run *results;
    struct host *client_host, *server_host;
    char protocol[PARAM_STRING_MAX]; /* the transport of both ends */
    struct sock_addr src, dst;
    struct app_route route;
    uint16_t port;
    char cc[PARAM_STRING_MAX]; /* congestion control of both ends' sockets, "" = stack's */
    uint64_t nconns, requests;
    sim_time_t stop;
    struct app_dist req_size, obj_size, think;
    struct rng *sizes, *thinks;
    struct rr_conn *conns;
    struct sock_listener *listener;
    uint64_t transactions, failed, request_bytes, object_bytes;
    double completion_sum, completion_max;
    struct results_hist *completion_hist;
    struct results_vector *completion_vec;
};

static void push(struct sock *s, uint64_t *unsent)
{
    if (!s || *unsent == 0)
        return;
    int64_t n = sock_send(s, (size_t)*unsent);
    if (n > 0)
        *unsent -= (uint64_t)n;
}

static void request(struct rr_conn *k)
{
    struct rr *a = k->app;
    sim_time_t now = sched_now(a->sched);
    if (!k->c.sock || k->closing)
        return;
    if ((a->requests && k->done >= a->requests) || now >= a->stop) {
        k->closing = true;
        k->c.completed = now;
        tcp_app_conn_let_go(&k->c);
        return;
    }
    uint64_t req = (uint64_t)app_dist_draw(&a->req_size, a->sizes);
    k->obj_size = (uint64_t)app_dist_draw(&a->obj_size, a->sizes);
    if (req == 0)
        req = 1; /* a request is at least one byte: the server must see something */
    k->req_left_server = req;
    k->obj_left_client = k->obj_size;
    k->client_unsent = req;
    k->t_request = now;
    k->busy = true;
    a->request_bytes += req;
    push(k->c.sock, &k->client_unsent);
}

static void request_event(struct sched *s, void *ctx, void *arg)
{
    (void)s;
    (void)arg;
    request(ctx);
}

static void transaction_done(struct rr_conn *k)
{
    struct rr *a = k->app;
    sim_time_t now = sched_now(a->sched);
    double ct = time_to_sec(now - k->t_request);
    k->busy = false;
    k->done++;
    a->transactions++;
    a->completion_sum += ct;
    if (ct > a->completion_max)
        a->completion_max = ct;
    results_hist_add(a->completion_hist, ct);
    results_vector_add(a->completion_vec, now, ct);
    sim_time_t think = app_dist_draw(&a->think, a->thinks);
    if (think > 0)
        sched_in(a->sched, think, request_event, k, NULL);
    else
        request(k);
}

/* ---- client side ---------------------------------------------------------------------- */

static void client_connected(struct sock *s, void *ctx)
{
    struct rr_conn *k = ctx;
    struct sock_info info;
    sock_get_info(s, &info);
    k->client_port = info.lport;
    k->c.connected = sched_now(k->app->sched);
    request(k);
}

static void client_readable(struct sock *s, void *ctx, size_t bytes)
{
    struct rr_conn *k = ctx;
    size_t n = sock_read(s, bytes);
    k->app->object_bytes += n;
    if (k->busy) {
        k->obj_left_client -= n < k->obj_left_client ? n : k->obj_left_client;
        if (k->obj_left_client == 0 && k->req_left_server == 0)
            transaction_done(k);
    }
}

static void client_writable(struct sock *s, void *ctx, size_t bytes)
{
    struct rr_conn *k = ctx;
    (void)s;
    (void)bytes;
    push(k->c.sock, &k->client_unsent);
}

static void client_error(struct sock *s, void *ctx, int err)
{
    struct rr_conn *k = ctx;
    (void)s;
    (void)err;
    k->c.failed = true;
    k->app->failed++;
    tcp_app_conn_let_go(&k->c);
}

static void client_closed(struct sock *s, void *ctx)
{
    struct rr_conn *k = ctx;
    (void)s;
    tcp_app_conn_let_go(&k->c);
}

static const struct sock_callbacks client_cb = {
    .connected = client_connected,
    .readable = client_readable,
    .writable = client_writable,
    .closed = client_closed,
    .error = client_error,
};

/* ---- server side ---------------------------------------------------------------------- */

static void server_readable(struct sock *s, void *ctx, size_t bytes)
{
    struct rr_conn *k = ctx;
    size_t n = sock_read(s, bytes);
    if (k->req_left_server) {
        k->req_left_server -= n < k->req_left_server ? n : k->req_left_server;
        if (k->req_left_server == 0) {
            k->server_unsent += k->obj_size;
            push(s, &k->server_unsent);
            if (k->obj_size == 0 && k->busy)
                transaction_done(k);
        }
    }
    if (sock_eof(s) && sock_readable(s) == 0) {
        k->server = NULL;
        sock_close(s);
    }
}

static void server_writable(struct sock *s, void *ctx, size_t bytes)
{
    struct rr_conn *k = ctx;
    (void)bytes;
    push(s, &k->server_unsent);
}

static void server_error(struct sock *s, void *ctx, int err)
{
    struct rr_conn *k = ctx;
    (void)err;
    k->server = NULL;
    sock_close(s);
}

static const struct sock_callbacks server_cb = {
    .readable = server_readable,
    .writable = server_writable,
    .error = server_error,
};

static void server_acceptable(struct sock_listener *l, void *ctx)
{
    struct rr *a = ctx;
    struct sock *s;
    while (sock_accept(l, NULL, NULL, &s) == 0) {
        struct sock_info info;
        sock_get_info(s, &info);
        struct rr_conn *k = NULL;
        for (uint64_t i = 0; i < a->nconns && !k; i++)
            if (a->conns[i].client_port == info.rport && !a->conns[i].server &&
                a->conns[i].c.sock)
                k = &a->conns[i];
        if (!k) {
            sock_abort(s); /* a connection that is not one of ours */
            continue;
        }
        k->server = s;
        if (a->cc[0])
            sock_set_opt(s, "cc", a->cc); /* the server sends the objects: its cc matters */
        sock_set_callbacks(s, &server_cb, k);
        if (sock_readable(s) || sock_eof(s))
            server_readable(s, k, sock_readable(s));
    }
}

static const struct sock_listener_callbacks server_lcb = { .acceptable = server_acceptable };

/* ---- life ----------------------------------------------------------------------------- */

static void rr_listen(struct sched *sch, void *ctx, void *arg)
{
    struct rr *a = ctx;
    (void)sch;
    (void)arg;
    struct sock_listen_args la = { .addr = a->dst, .port = a->port };
    if (host_listen(a->server_host, a->protocol, &la, &server_lcb, a, &a->listener) < 0)
        a->listener = NULL;
}

static void rr_start(struct sched *sch, void *ctx, void *arg)
{
    struct rr *a = ctx;
    (void)arg;
    for (uint64_t i = 0; i < a->nconns; i++) {
        struct rr_conn *k = &a->conns[i];
        char module[PARAM_STRING_MAX + 32];
        snprintf(module, sizeof module, "%s.c%llu", a->name, (unsigned long long)i);
        tcp_app_conn_init(&k->c, a->results, module, sch);
        k->app = a;
        if (tcp_app_conn_connect(&k->c, a->client_host, a->protocol, &a->src, &a->dst,
                                 a->port, a->cc[0] ? a->cc : NULL, &client_cb, k) < 0) {
            a->failed++;
            continue;
        }
        struct sock_info info;
        sock_get_info(k->c.sock, &info);
        k->client_port = info.lport;
    }
}

static void rr_finish(void *obj, struct model_ctx *ctx)
{
    struct rr *a = obj;
    struct results_run *r = ctx->results;
    results_scalar(r, a->name, "transactions", "", (double)a->transactions);
    results_scalar(r, a->name, "completion_mean", "s",
                   a->transactions ? a->completion_sum / (double)a->transactions : 0.0);
    results_scalar(r, a->name, "completion_max", "s", a->completion_max);
    results_scalar(r, a->name, "request_bytes", "B", (double)a->request_bytes);
    results_scalar(r, a->name, "object_bytes", "B", (double)a->object_bytes);
    results_scalar(r, a->name, "failed", "", (double)a->failed);
    for (uint64_t i = 0; a->conns && i < a->nconns; i++) {
        struct rr_conn *k = &a->conns[i];
        if (!k->app)
            continue; /* never started */
        tcp_app_conn_record(&k->c, r, sched_now(ctx->sched));
    }
}

static void rr_release(void *obj, struct model_ctx *ctx)
{
    struct rr *a = obj;
    (void)ctx;
    for (uint64_t i = 0; a->conns && i < a->nconns; i++)
        if (a->conns[i].app)
            tcp_app_conn_free(&a->conns[i].c);
    free(a->conns);
    free(a);
}

static int rr_create(struct model_ctx *ctx, const char *name, const void *config, void **out,
                     char *err, size_t errlen)
{
    const struct rr_config *c = config;
    struct net_node *node, *dst;
    if (app_find_nodes(ctx, c->node, c->dst, &node, &dst, err, errlen) < 0)
        return -1;
    struct rr *a = calloc(1, sizeof *a);
    if (!a || model_ctx_on_free(ctx, rr_release, a) < 0) {
        free(a);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    snprintf(a->name, sizeof a->name, "%s", name);
    a->sched = ctx->sched;
    a->results = ctx->results;
    a->port = (uint16_t)c->port;
    a->nconns = c->connections;
    a->requests = c->requests;
    a->stop = c->stop ? c->stop : SIM_TIME_MAX;
    char why[512];
    if (app_dist_parse(c->request_size, APP_DIST_SIZE, &a->req_size, why, sizeof why) < 0 ||
        app_dist_parse(c->object_size, APP_DIST_SIZE, &a->obj_size, why, sizeof why) < 0 ||
        app_dist_parse(c->think, APP_DIST_TIME, &a->think, why, sizeof why) < 0) {
        snprintf(err, errlen, "%s", why);
        return -1;
    }
    if (tcp_app_addrs(node, dst, c->family, &a->src, &a->dst, err, errlen) < 0 ||
        tcp_app_route_check(ctx, &a->route, node, dst, &a->src, &a->dst, err, errlen) < 0)
        return -1;
    if (node == dst) {
        snprintf(err, errlen, "node and dst are the same node \"%s\"", c->node);
        return -1;
    }
    if (host_attach(ctx, node, name, &c->host, &a->client_host, err, errlen) < 0 ||
        host_attach(ctx, dst, name, &c->host, &a->server_host, err, errlen) < 0)
        return -1;
    snprintf(a->protocol, sizeof a->protocol, "%s", host_opts_protocol(&c->host));
    const char *cc = host_opts_cc(&c->host);
    snprintf(a->cc, sizeof a->cc, "%s", cc ? cc : "");
    if (!(a->conns = calloc(a->nconns, sizeof *a->conns)) ||
        !(a->sizes = model_ctx_rng(ctx, name, "sizes")) ||
        !(a->thinks = model_ctx_rng(ctx, name, "think")) ||
        model_ctx_on_finish(ctx, rr_finish, a) < 0) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    a->completion_hist = results_histogram_uniform(ctx->results, name, "completion", "s", 0.0,
                                                   10.0, 10000);
    a->completion_vec = results_vector(ctx->results, name, "completion", "s");
    sched_at(ctx->sched, 0, rr_listen, a, NULL);
    if (c->start < ctx->duration)
        sched_at(ctx->sched, c->start, rr_start, a, NULL);
    *out = a;
    return 0;
}

static const struct param_def rr_params[] = {
    { "node", PARAM_NODE, offsetof(struct rr_config, node), NULL, "the client node", NULL, 0,
      0 },
    { "dst", PARAM_NODE, offsetof(struct rr_config, dst), NULL,
      "the server node (this instance listens there)", NULL, 0, 0 },
    { "family", PARAM_ENUM, offsetof(struct rr_config, family), "ipv4",
      "IP version of the connections", "ipv4|ipv6", 0, 0 },
    { "port", PARAM_UINT, offsetof(struct rr_config, port), "80", "server TCP port", NULL, 1,
      65535 },
    { "connections", PARAM_UINT, offsetof(struct rr_config, connections), "1",
      "persistent connections, each with one transaction at a time", NULL, 1, 100000 },
    { "requests", PARAM_UINT, offsetof(struct rr_config, requests), "0",
      "transactions per connection, then close (0 = until stop or the end)", NULL, 0, 1e12 },
    { "request_size", PARAM_STRING, offsetof(struct rr_config, request_size), "300B",
      "request bytes: a size or exp(M), uniform(A,B), pareto(SHAPE,MIN), lognormal(MED,S)",
      NULL, 0, 0 },
    { "object_size", PARAM_STRING, offsetof(struct rr_config, object_size), "exp(50kB)",
      "response bytes: a size or a distribution as request_size", NULL, 0, 0 },
    { "think", PARAM_STRING, offsetof(struct rr_config, think), "0s",
      "time between a completion and the next request: a time or a distribution", NULL, 0,
      0 },
    { "start", PARAM_TIME, offsetof(struct rr_config, start), "0s", "time of the connects",
      NULL, 0, 0 },
    { "stop", PARAM_TIME, offsetof(struct rr_config, stop), "0s",
      "no request at or after this time (0s = until the end of the run)", NULL, 0, 0 },
    HOST_PARAMS(struct rr_config, host),
};

static const struct model_def rr_model = {
    .kind = "reqresp",
    .category = "app",
    .help = "Request/response over TCP: persistent connections from node to dst, one "
            "transaction at a time with request and object sizes and think times from "
            "distributions; records completion times and per-connection statistics.",
    .params = rr_params,
    .nparams = sizeof rr_params / sizeof rr_params[0],
    .config_size = sizeof(struct rr_config),
    .create = rr_create,
};
MODEL_REGISTER(rr_model)
