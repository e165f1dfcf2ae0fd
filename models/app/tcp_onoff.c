/* tcp_onoff.c - the "onoff" model: an on/off source over one TCP connection.
 *
 * As ns-3's OnOffApplication over TCP: the application connects at `start` and then
 * alternates ON periods (`on`, a time or a distribution from app_dist.h, drawn per period
 * from the stream NAME/periods) and OFF periods (`off`). During ON it produces data at
 * `rate` in `chunk`-byte writes (one write every 8*chunk/rate); during OFF it produces
 * nothing. Writes go to the socket at once; what the send buffer cannot take waits in the
 * application (the backlog) and goes as soon as TCP frees space, so TCP, not the
 * application, decides when bytes are sent. At `stop` (0 = the end of the run) production
 * ends; the connection closes once the backlog is sent.
 *
 * Scalars (module NAME): offered_bytes (produced), backlog_max (bytes), on_periods, plus the
 * connection's (tcp_app.h; completion_time when it closed). The far end is a tcp-sink.
 * `protocol` (tcp, mptcp) and the tcp parameters: models/host/host.h.
 * Not modelled: packet-size distributions within a period (chunks are constant).
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include "models/app/app_dist.h"
#include "models/app/app_params.h"
#include "models/app/tcp_app.h"
#include "models/host/host.h"

struct onoff_config {
    char node[PARAM_STRING_MAX];
    char dst[PARAM_STRING_MAX];
    int family;
    uint64_t port;
    bps_t rate;
    bytes_t chunk;
    char on[PARAM_STRING_MAX];
    char off[PARAM_STRING_MAX];
    sim_time_t start, stop;
    struct host_opts host;
};

struct onoff {
    struct tcp_app_client client; /* first: the socket callbacks' ctx is the onoff */
    bytes_t chunk;
    sim_time_t gap, stop, period_end;
    struct app_dist on, off;
    struct rng *periods;
    uint64_t offered, backlog, backlog_max, on_periods;
    bool producing_done, closing;
};

static void drain(struct onoff *o)
{
    struct sock *s = o->client.conn.sock;
    if (!s || o->client.conn.connected < 0)
        return;
    if (o->backlog) {
        int64_t n = sock_send(s, (size_t)o->backlog);
        if (n > 0)
            o->backlog -= (uint64_t)n;
    }
    if (o->producing_done && o->backlog == 0 && !o->closing) {
        o->closing = true;
        sock_shutdown(s);
    }
}

/* Past `stop`: production ends, and the connection closes once the backlog is sent. */
static bool stopped(struct onoff *o, sim_time_t now)
{
    if (now < o->stop)
        return false;
    o->producing_done = true;
    drain(o);
    return true;
}

static void produce(struct sched *s, void *ctx, void *arg);

static void period_start(struct sched *s, void *ctx, void *arg)
{
    struct onoff *o = ctx;
    (void)arg;
    sim_time_t now = sched_now(s);
    if (stopped(o, now))
        return;
    o->on_periods++;
    o->period_end = time_add_sat(now, app_dist_draw(&o->on, o->periods));
    produce(s, o, NULL);
}

static void produce(struct sched *s, void *ctx, void *arg)
{
    struct onoff *o = ctx;
    (void)arg;
    sim_time_t now = sched_now(s);
    if (stopped(o, now))
        return;
    if (now >= o->period_end) {
        sched_in(s, app_dist_draw(&o->off, o->periods), period_start, o, NULL);
        return;
    }
    o->offered += o->chunk;
    o->backlog += o->chunk;
    if (o->backlog > o->backlog_max)
        o->backlog_max = o->backlog;
    drain(o);
    sched_in(s, o->gap, produce, o, NULL);
}

static void on_connected(struct sock *s, void *ctx)
{
    struct onoff *o = ctx;
    (void)s;
    o->client.conn.connected = sched_now(o->client.sched);
    drain(o);
}

static void on_writable(struct sock *s, void *ctx, size_t bytes)
{
    (void)s;
    (void)bytes;
    drain(ctx);
}

static const struct sock_callbacks onoff_cb = {
    .connected = on_connected,
    .readable = tcp_app_client_discard,
    .writable = on_writable,
    .closed = tcp_app_client_closed,
    .error = tcp_app_client_error,
};

static void onoff_start(struct sched *sch, void *ctx, void *arg)
{
    struct onoff *o = ctx;
    (void)arg;
    if (tcp_app_client_connect(&o->client, &onoff_cb) < 0)
        return;
    period_start(sch, o, NULL);
}

static void onoff_finish(void *obj, struct model_ctx *ctx)
{
    struct onoff *o = obj;
    const char *m = o->client.name;
    results_scalar(ctx->results, m, "offered_bytes", "B", (double)o->offered);
    results_scalar(ctx->results, m, "backlog_max", "B", (double)o->backlog_max);
    results_scalar(ctx->results, m, "on_periods", "", (double)o->on_periods);
    tcp_app_client_record(&o->client, ctx);
}

static void onoff_release(void *obj, struct model_ctx *ctx)
{
    struct onoff *o = obj;
    (void)ctx;
    tcp_app_conn_free(&o->client.conn);
    free(obj);
}

static int onoff_create(struct model_ctx *ctx, const char *name, const void *config,
                        void **out, char *err, size_t errlen)
{
    const struct onoff_config *c = config;
    struct net_node *node, *dst;
    if (app_find_nodes(ctx, c->node, c->dst, &node, &dst, err, errlen) < 0)
        return -1;
    if (app_check_stop(c->start, c->stop, err, errlen) < 0)
        return -1;
    struct onoff *o = calloc(1, sizeof *o);
    if (!o || model_ctx_on_free(ctx, onoff_release, o) < 0) {
        free(o);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    o->chunk = c->chunk;
    o->gap = time_to_send(c->chunk, c->rate);
    o->stop = c->stop ? c->stop : SIM_TIME_MAX;
    char why[512];
    if (app_dist_parse(c->on, APP_DIST_TIME, &o->on, why, sizeof why) < 0) {
        snprintf(err, errlen, "on: %s", why);
        return -1;
    }
    if (app_dist_parse(c->off, APP_DIST_TIME, &o->off, why, sizeof why) < 0) {
        snprintf(err, errlen, "off: %s", why);
        return -1;
    }
    /* Periods that are both always 0 would switch ON and OFF forever at one instant. */
    if (app_dist_mean(&o->on) <= 0 && app_dist_mean(&o->off) <= 0) {
        snprintf(err, errlen, "on \"%s\" and off \"%s\" are both always 0s: expected a "
                 "positive time or distribution for at least one", c->on, c->off);
        return -1;
    }
    if (tcp_app_client_init(&o->client, ctx, name, node, dst, c->family, (uint16_t)c->port,
                            &c->host, err, errlen) < 0)
        return -1;
    if (!(o->periods = model_ctx_rng(ctx, name, "periods")) ||
        model_ctx_on_finish(ctx, onoff_finish, o) < 0) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (c->start < ctx->duration)
        sched_at(ctx->sched, c->start, onoff_start, o, NULL);
    *out = o;
    return 0;
}

static const struct param_def onoff_params[] = {
    { "node", PARAM_NODE, offsetof(struct onoff_config, node), NULL, "the sending node", NULL,
      0, 0 },
    { "dst", PARAM_NODE, offsetof(struct onoff_config, dst), NULL,
      "the receiving node (a tcp-sink listens there)", NULL, 0, 0 },
    { "family", PARAM_ENUM, offsetof(struct onoff_config, family), "ipv4",
      "IP version of the connection", "ipv4|ipv6", 0, 0 },
    { "port", PARAM_UINT, offsetof(struct onoff_config, port), "5000", "destination TCP port",
      NULL, 1, 65535 },
    { "rate", PARAM_RATE, offsetof(struct onoff_config, rate), "1Mbps",
      "data rate while ON", NULL, 1, 1e12 },
    { "chunk", PARAM_SIZE, offsetof(struct onoff_config, chunk), "1448B",
      "bytes per application write while ON", NULL, 1, 1e9 },
    { "on", PARAM_STRING, offsetof(struct onoff_config, on), "exp(1s)",
      "ON period: a time or exp(M), uniform(A,B), pareto(SHAPE,MIN), lognormal(MED,S)", NULL,
      0, 0 },
    { "off", PARAM_STRING, offsetof(struct onoff_config, off), "exp(1s)",
      "OFF period: a time or a distribution as on", NULL, 0, 0 },
    { "start", PARAM_TIME, offsetof(struct onoff_config, start), "0s",
      "time of the connect; the first ON period starts then", NULL, 0, 0 },
    { "stop", PARAM_TIME, offsetof(struct onoff_config, stop), "0s",
      "no data produced at or after this time (0s = until the end of the run)", NULL, 0, 0 },
    HOST_PARAMS(struct onoff_config, host),
};

static const struct model_def onoff_model = {
    .kind = "onoff",
    .category = "app",
    .help = "On/off source over TCP: data at `rate` during ON periods, nothing during OFF "
            "periods (times or distributions); TCP decides when bytes leave.",
    .params = onoff_params,
    .nparams = sizeof onoff_params / sizeof onoff_params[0],
    .config_size = sizeof(struct onoff_config),
    .create = onoff_create,
};
MODEL_REGISTER(onoff_model)
