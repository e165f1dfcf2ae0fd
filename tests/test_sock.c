/* test_sock.c - the socket layer (models/sock) and the host stack (models/host): a transport
 * registered by name answers host_connect/host_listen and the sock_* calls, reaches the
 * node's TCP stack as MPTCP will, and gets the per-node settings the applications give; an
 * unknown transport is refused at the call (SOCK_ERR_NOTRANSPORT) and at `mcpsim check`;
 * `protocol: tcp` is what applications ran before the row existed.
 *
 * The fake transport lives only in the test runner (registered from this file); the mcpsim
 * binary knows tcp (and whatever else models/ registers), which the check tests rely on.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "models/host/host_tcp.h"
#include "models/sock/sock_transport.h"
#include "tests/harness.h"
#include "tests/ip_testutil.h"
#include "tests/tcp_app_testutil.h"

/* ---- the fake transport ------------------------------------------------------------------ */

/* Its settings: a table registered as a model of category "test" (no section takes it). */
struct fake_settings {
    uint64_t depth;
    int mode;
    struct param_list peers;
};

static const struct param_def fake_settings_params[] = {
    { "depth", PARAM_UINT, offsetof(struct fake_settings, depth), "1", "a number", NULL, 1, 8 },
    { "mode", PARAM_ENUM, offsetof(struct fake_settings, mode), "plain", "a choice",
      "plain|fancy", 0, 0 },
    { "peers", PARAM_LIST, offsetof(struct fake_settings, peers), "", "a list", NULL, 0, 0 },
};

static int fake_settings_create(struct model_ctx *ctx, const char *name, const void *config,
                                void **out, char *err, size_t errlen)
{
    (void)ctx, (void)name, (void)config, (void)out;
    snprintf(err, errlen, "settings only");
    return -1;
}

static const struct model_def fake_settings_model = {
    .kind = "test-fake", .category = "test", .help = "settings of the tests' fake transport",
    .params = fake_settings_params, .nparams = 3, .config_size = sizeof(struct fake_settings),
    .create = fake_settings_create,
};
MODEL_REGISTER(fake_settings_model)

struct fake_sock;

struct fake_tp {
    const struct host_env *env;
    struct fake_sock *socks;     /* live sockets, freed by destroy() if still there */
    struct sock_listener *listener;
};

struct fake_sock {
    struct sock base;
    struct fake_tp *tp;
    struct fake_sock *next;
    const struct sock_callbacks *cb;
    void *ctx;
    uint64_t sent;
    bool shut;
    event_id ev;
};

/* What the tests look at: instances built, the settings of the last one built on node c,
 * whether create() found the node's TCP stack and a random stream. */
static struct {
    unsigned created, destroyed;
    uint64_t depth_c;
    int mode_c;
    char peers_c[64];
    bool had_tcp, had_rng;
} fake;

static void fake_unlink(struct fake_sock *f)
{
    for (struct fake_sock **p = &f->tp->socks; *p; p = &(*p)->next)
        if (*p == f) {
            *p = f->next;
            break;
        }
}

static void fake_free(struct fake_sock *f)
{
    if (f->ev)
        sched_cancel(f->tp->env->sched, f->ev);
    fake_unlink(f);
    free(f);
}

static int64_t fs_send(struct sock *s, size_t bytes)
{
    struct fake_sock *f = (struct fake_sock *)s;
    if (f->shut)
        return SOCK_ERR_STATE;
    f->sent += bytes; /* everything is "acknowledged" at once */
    return (int64_t)bytes;
}
static size_t fs_read(struct sock *s, size_t bytes) { (void)s, (void)bytes; return 0; }
static size_t fs_readable(const struct sock *s) { (void)s; return 0; }
static bool fs_eof(const struct sock *s) { (void)s; return false; }
static size_t fs_writable(const struct sock *s) { (void)s; return 1u << 20; }

static void fs_closed_event(struct sched *sch, void *ctx, void *arg)
{
    struct fake_sock *f = ctx;
    (void)sch, (void)arg;
    f->ev = 0;
    if (f->cb && f->cb->closed)
        f->cb->closed(&f->base, f->ctx);
}

static int fs_shutdown(struct sock *s)
{
    struct fake_sock *f = (struct fake_sock *)s;
    f->shut = true;
    if (!f->ev) /* the peer "finishes" 1 ms later */
        f->ev = sched_in(f->tp->env->sched, time_from_ms(1), fs_closed_event, f, NULL);
    return 0;
}
static void fs_close(struct sock *s) { fake_free((struct fake_sock *)s); }
static void fs_set_callbacks(struct sock *s, const struct sock_callbacks *cb, void *ctx)
{
    struct fake_sock *f = (struct fake_sock *)s;
    f->cb = cb;
    f->ctx = ctx;
}
static void fs_set_trace(struct sock *s, const struct sock_trace *t, void *ctx)
{
    (void)s, (void)t, (void)ctx;
}
/* It calls itself MPTCP, fallen back, with two subflows (three at the most): the
 * applications' MPTCP scalars, whose `subflows` is the peak. */
static void fs_get_info(const struct sock *s, struct sock_info *out)
{
    memset(out, 0, sizeof *out);
    out->transport = "mptcp";
    out->state_name = ((const struct fake_sock *)s)->shut ? "FIN_WAIT" : "ESTABLISHED";
    out->srtt = time_from_ms(5);
    out->fallback = true;
    out->subflows = 2;
    out->subflows_peak = 3;
    out->fallback_reason = 4;
}
static void fs_get_stats(const struct sock *s, struct sock_stats *out)
{
    memset(out, 0, sizeof *out);
    out->bytes_acked = ((const struct fake_sock *)s)->sent;
}
static int fs_set_opt(struct sock *s, const char *name, const char *value)
{
    (void)s;
    return strcmp(name, "cc") == 0 && strcmp(value, "lia") == 0 ? 0 : SOCK_ERR_ARG;
}

static const struct sock_ops fake_sock_ops = {
    .send = fs_send, .read = fs_read, .readable = fs_readable, .eof = fs_eof,
    .writable = fs_writable, .shutdown = fs_shutdown, .close = fs_close, .abort = fs_close,
    .set_callbacks = fs_set_callbacks, .set_trace = fs_set_trace, .get_info = fs_get_info,
    .get_stats = fs_get_stats, .set_opt = fs_set_opt,
};

static void fs_connected_event(struct sched *sch, void *ctx, void *arg)
{
    struct fake_sock *f = ctx;
    (void)sch, (void)arg;
    f->ev = 0;
    if (f->cb && f->cb->connected)
        f->cb->connected(&f->base, f->ctx);
}

static int fake_connect(void *tp, const struct sock_connect_args *a,
                        const struct sock_callbacks *cb, void *ctx, struct sock **out)
{
    struct fake_tp *t = tp;
    if (a->dst.family != 4 && a->dst.family != 6)
        return SOCK_ERR_ARG;
    struct fake_sock *f = calloc(1, sizeof *f);
    if (!f)
        return SOCK_ERR_NOMEM;
    f->base.ops = &fake_sock_ops;
    f->tp = t;
    f->cb = cb;
    f->ctx = ctx;
    f->next = t->socks;
    t->socks = f;
    f->ev = sched_in(t->env->sched, time_from_ms(1), fs_connected_event, f, NULL);
    *out = &f->base;
    return 0;
}

static int fl_accept(struct sock_listener *l, const struct sock_callbacks *cb, void *ctx,
                     struct sock **out)
{
    (void)l, (void)cb, (void)ctx, (void)out;
    return SOCK_ERR_STATE; /* nobody ever connects to the fake */
}
static void fl_close(struct sock_listener *l)
{
    (void)l;
}
static void fl_get_stats(const struct sock_listener *l, struct sock_listener_stats *out)
{
    (void)l;
    memset(out, 0, sizeof *out);
    out->syns_received = 7;
}
static const struct sock_listener_ops fake_listener_ops = {
    .accept = fl_accept, .close = fl_close, .get_stats = fl_get_stats,
};
static struct sock_listener fake_listener = { .ops = &fake_listener_ops };

static int fake_listen(void *tp, const struct sock_listen_args *a,
                       const struct sock_listener_callbacks *cb, void *ctx,
                       struct sock_listener **out)
{
    (void)tp, (void)cb, (void)ctx;
    if (a->transparent)
        return SOCK_ERR_ARG;
    *out = &fake_listener;
    return 0;
}

static int fake_create(const struct host_env *env, void **tp, char *err, size_t errlen)
{
    struct fake_tp *t = calloc(1, sizeof *t);
    if (!t) {
        snprintf(err, errlen, "fake: out of memory");
        return -1;
    }
    t->env = env;
    const struct fake_settings *st = env->settings;
    if (strcmp(env->node_name, "c") == 0) {
        fake.depth_c = st->depth;
        fake.mode_c = st->mode;
        size_t used = 0;
        fake.peers_c[0] = '\0';
        for (size_t i = 0; i < st->peers.n && used < sizeof fake.peers_c; i++)
            used += (size_t)snprintf(fake.peers_c + used, sizeof fake.peers_c - used, "%s<%s>",
                                     i ? "," : "", st->peers.items[i]);
    }
    /* What MPTCP does: its subflows are the node's TCP connections. */
    fake.had_tcp = host_tcp_stack(env->host) != NULL;
    fake.had_rng = host_env_rng(env, "fake") != NULL;
    fake.created++;
    *tp = t;
    return 0;
}

static void fake_destroy(void *tp)
{
    struct fake_tp *t = tp;
    while (t->socks)
        fake_free(t->socks);
    fake.destroyed++;
    free(t);
}

static int fake_check_opt(const char *name, const char *value, char *err, size_t errlen)
{
    if (strcmp(name, "cc") == 0 && strcmp(value, "lia") != 0) {
        snprintf(err, errlen, "cc \"%s\": the fake knows only lia", value);
        return -1;
    }
    return 0;
}

static const struct sock_transport_def fake_transport = {
    .name = "fake",
    .help = "the tests' fake transport",
    .settings_model = "test-fake",
    .check_opt = fake_check_opt,
    .create = fake_create,
    .destroy = fake_destroy,
    .ops = { .connect = fake_connect, .listen = fake_listen },
};
SOCK_TRANSPORT_REGISTER(fake_transport)

/* ---- the interface, called directly --------------------------------------------------- */

static int connected_calls;
static void on_connected(struct sock *s, void *ctx)
{
    (void)s;
    (void)ctx;
    connected_calls++;
}
static const struct sock_callbacks test_cb = { .connected = on_connected };

static const char two_nodes[] =
    "nodes:\n  - {name: c}\n  - {name: s}\n"
    "links:\n  - {name: l, a: c, b: s, rate: 10Mbps, delay: 1ms}\n";

static void test_a_registered_transport_answers_host_connect_listen_and_the_sock_calls(void)
{
    memset(&fake, 0, sizeof fake);
    connected_calls = 0;
    CU_ASSERT_PTR_EQUAL(sock_transport_find("fake"), &fake_transport);
    CU_ASSERT_PTR_NOT_NULL(sock_transport_find("tcp"));
    struct world *w = ipt_world(two_nodes, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    struct model_ctx *ctx = world_ctx(w);
    struct host *h;
    char err[512];
    CU_ASSERT_EQUAL_FATAL(host_attach(ctx, ipt_node(w, "c"), "t", NULL, &h, err, sizeof err), 0);
    CU_ASSERT_PTR_EQUAL(host_node(h), ipt_node(w, "c"));
    struct sock_connect_args a = { .dst_port = 80 };
    CU_ASSERT_EQUAL(host_addr(ipt_node(w, "s"), 4, &a.dst), 0);
    struct sock *s1, *s2;
    CU_ASSERT_EQUAL_FATAL(host_connect(h, "fake", &a, &test_cb, NULL, &s1), 0);
    CU_ASSERT_EQUAL_FATAL(host_connect(h, "fake", &a, &test_cb, NULL, &s2), 0);
    CU_ASSERT_EQUAL(fake.created, 1); /* one instance per node, built at the first call */
    CU_ASSERT(fake.had_tcp && fake.had_rng);
    struct tcp_stack_stats ts;
    CU_ASSERT_EQUAL(host_tcp_sum_stats(ctx, &ts), 1); /* the fake's create() built it */
    CU_ASSERT_EQUAL(fake.depth_c, 1);                 /* the table's default */
    sched_run_until(ctx->sched, time_from_ms(2));
    CU_ASSERT_EQUAL(connected_calls, 2);
    CU_ASSERT_EQUAL(sock_send(s1, 1000), 1000);
    struct sock_stats st;
    sock_get_stats(s1, &st);
    CU_ASSERT_EQUAL(st.bytes_acked, 1000);
    struct sock_info info;
    sock_get_info(s1, &info);
    CU_ASSERT_STRING_EQUAL(info.transport, "mptcp");
    CU_ASSERT_EQUAL(sock_writable(s1), 1u << 20);
    CU_ASSERT_EQUAL(sock_set_opt(s1, "cc", "lia"), 0);
    CU_ASSERT_EQUAL(sock_set_opt(s1, "cc", "cubic"), SOCK_ERR_ARG);
    CU_ASSERT_EQUAL(sock_shutdown(s1), 0);
    CU_ASSERT_EQUAL(sock_send(s1, 1), SOCK_ERR_STATE);
    sock_close(s1);
    struct sock_listener *l;
    struct sock_listen_args la = { .port = 80 };
    CU_ASSERT_EQUAL_FATAL(host_listen(h, "fake", &la, NULL, NULL, &l), 0);
    struct sock_listener_stats ls;
    sock_listener_get_stats(l, &ls);
    CU_ASSERT_EQUAL(ls.syns_received, 7);
    CU_ASSERT_EQUAL(sock_accept(l, &test_cb, NULL, &s1), SOCK_ERR_STATE);
    sock_listener_close(l);
    world_free(w); /* s2 is still open: the fake's destroy() frees it */
    CU_ASSERT_EQUAL(fake.destroyed, 1);
}

static void test_an_unknown_transport_is_refused_with_notransport(void)
{
    struct world *w = ipt_world(two_nodes, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    struct host *h;
    char err[512];
    CU_ASSERT_EQUAL_FATAL(
        host_attach(world_ctx(w), ipt_node(w, "c"), "t", NULL, &h, err, sizeof err), 0);
    struct sock_connect_args a = { .dst_port = 80 };
    CU_ASSERT_EQUAL(host_addr(ipt_node(w, "s"), 4, &a.dst), 0);
    struct sock *s = NULL;
    struct sock_listener *l = NULL;
    struct sock_listen_args la = { .port = 80 };
    CU_ASSERT_EQUAL(host_connect(h, "nosuch", &a, &test_cb, NULL, &s), SOCK_ERR_NOTRANSPORT);
    CU_ASSERT_EQUAL(host_listen(h, "nosuch", &la, NULL, NULL, &l), SOCK_ERR_NOTRANSPORT);
    CU_ASSERT_PTR_NULL(s);
    CU_ASSERT_PTR_NULL(l);
    CU_ASSERT_PTR_NULL(host_transport(h, "nosuch"));
    CU_ASSERT_PTR_NOT_NULL(strstr(sock_strerror(SOCK_ERR_NOTRANSPORT), "transport"));
    /* The tcp transport maps a transparent listen to TCP's transparent listener; a second
     * one on the same port is refused. */
    la.transparent = true;
    CU_ASSERT_EQUAL(host_listen(h, "tcp", &la, NULL, NULL, &l), 0);
    CU_ASSERT_PTR_NOT_NULL(l);
    struct sock_listener *l2 = NULL;
    CU_ASSERT_EQUAL(host_listen(h, "tcp", &la, NULL, NULL, &l2), SOCK_ERR_ARG);
    world_free(w);
}

/* ---- through scenarios ------------------------------------------------------------------- */

static const char path_yaml[] =
    "name: sock\n"
    "duration: 2s\n"
    "nodes:\n  - {name: c}\n  - {name: s}\n"
    "links:\n  - {name: l, a: c, b: s, rate: 20Mbps, delay: 10ms}\n";

static struct results_db *run_apps(const char *name, const char *apps, const char *db_path,
                                   char *err, size_t errlen)
{
    char text[4096];
    snprintf(text, sizeof text, "%sapps:\n%s", path_yaml, apps);
    err[0] = '\0';
    return ta_run(ta_write(name, text), time_from_s(2), NULL, db_path, err, errlen);
}

/* bulk and tcp-sink on the fake: the settings reach the node's instance (a list setting
 * given in several items as one list, in order); the bulk's 100 kB
 * are all "acknowledged", its shutdown completes 1 ms later, and since the socket calls itself
 * MPTCP the connection records mptcp_fallback and subflows; the sink reports its listener. */
static void test_apps_choose_the_transport_with_protocol_and_carry_its_settings(void)
{
    memset(&fake, 0, sizeof fake);
    char err[1024];
    struct results_db *db = run_apps(
        "fake.yaml",
        "  - {name: up, kind: bulk, node: c, dst: s, size: 100kB, start: 1s, protocol: fake,"
        " cc: lia, transport_opts: [depth=3, peers=p1 x, mode = fancy, peers= p2]}\n"
        "  - {name: up2, kind: bulk, node: c, dst: s, size: 1kB, start: 1s, protocol: fake,"
        " transport_opts: \"depth=3; peers=p1 x;peers=p2\"}\n"
        "  - {name: k, kind: tcp-sink, node: s, protocol: fake}\n",
        NULL, err, sizeof err);
    if (!db)
        fprintf(stderr, "%s\n", err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(db);
    CU_ASSERT_EQUAL(fake.created, 2); /* c and s */
    CU_ASSERT_EQUAL(fake.destroyed, 2);
    CU_ASSERT_EQUAL(fake.depth_c, 3);
    CU_ASSERT_EQUAL(fake.mode_c, 1);
    /* A list setting in several items is one list; the same list from up2 is no conflict. */
    CU_ASSERT_STRING_EQUAL(fake.peers_c, "<p1 x>,<p2>");
    CU_ASSERT_EQUAL(ta_scalar(db, "up", "tx_bytes"), 100000);
    CU_ASSERT_DOUBLE_EQUAL(ta_scalar(db, "up", "connect_time"), 0.001, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(ta_scalar(db, "up", "completion_time"), 0.002, 1e-12);
    CU_ASSERT_EQUAL(ta_scalar(db, "up", "mptcp_fallback"), 1);
    CU_ASSERT_EQUAL(ta_scalar(db, "up", "subflows"), 3); /* the peak, not the active count */
    CU_ASSERT_EQUAL(ta_scalar(db, "up", "mptcp_fallback_reason"), 4);
    CU_ASSERT_EQUAL(ta_scalar(db, "up", "failed"), 0);
    CU_ASSERT_EQUAL(ta_scalar(db, "k", "syns_received"), 7);
    results_db_close(db);
}

static void expect_refused(const char *name, const char *apps, const char *const *parts)
{
    char err[1024];
    struct results_db *db = run_apps(name, apps, NULL, err, sizeof err);
    CU_ASSERT_PTR_NULL(db);
    if (db)
        results_db_close(db);
    for (; *parts; parts++) {
        CU_ASSERT_PTR_NOT_NULL(strstr(err, *parts));
        if (!strstr(err, *parts))
            fprintf(stderr, "expected \"%s\" in: %s\n", *parts, err);
    }
}

static void test_bad_or_conflicting_transport_settings_are_refused(void)
{
    expect_refused("conflict.yaml",
                   "  - {name: one, kind: bulk, node: c, dst: s, protocol: fake,"
                   " transport_opts: [depth=3]}\n"
                   "  - {name: two, kind: bulk, node: c, dst: s, protocol: fake,"
                   " transport_opts: [depth=4]}\n",
                   (const char *const[]){ "two: depth 4 conflicts with depth 3 given by one",
                                          "\"c\"", "one FAKE stack per node", NULL });
    expect_refused("unknown.yaml",
                   "  - {name: one, kind: bulk, node: c, dst: s, protocol: fake,"
                   " transport_opts: [dept=3]}\n",
                   (const char *const[]){ "no parameter dept", "did you mean \"depth\"", NULL });
    expect_refused("list.yaml",
                   "  - {name: one, kind: bulk, node: c, dst: s, protocol: fake,"
                   " transport_opts: [peers=a]}\n"
                   "  - {name: two, kind: bulk, node: c, dst: s, protocol: fake,"
                   " transport_opts: [peers=a, peers=b]}\n",
                   (const char *const[]){ "two: peers a; b conflicts with peers a given by one",
                                          NULL });
    expect_refused("noeq.yaml",
                   "  - {name: one, kind: bulk, node: c, dst: s, protocol: fake,"
                   " transport_opts: [depth]}\n",
                   (const char *const[]){ "\"depth\": expected NAME=VALUE", NULL });
    expect_refused("range.yaml",
                   "  - {name: one, kind: bulk, node: c, dst: s, protocol: fake,"
                   " transport_opts: [depth=9]}\n",
                   (const char *const[]){ "one: depth", "9", NULL });
    expect_refused("cc.yaml",
                   "  - {name: one, kind: bulk, node: c, dst: s, protocol: fake, cc: cubic}\n",
                   (const char *const[]){ "the fake knows only lia", NULL });
    /* The tcp rows and tcp's transport_opts are the same settings of the node's stack. */
    expect_refused("tcpboth.yaml",
                   "  - {name: one, kind: bulk, node: c, dst: s, mss: 1460B}\n"
                   "  - {name: two, kind: bulk, node: c, dst: s, transport_opts: [mss=1000B]}\n",
                   (const char *const[]){ "two: mss 1KB conflicts with mss 1.46KB given by "
                                          "one", "one TCP stack per node", NULL });
}

/* `mcpsim check` builds every model, so a protocol name no transport has is refused there,
 * with the entry's position, the transports there are and the closest one. */
static void test_an_unknown_protocol_fails_check_with_position_and_suggestion(void)
{
    char text[1024], cmd[1024], *out = NULL;
    snprintf(text, sizeof text, "%sapps:\n  - {name: up, kind: bulk, node: c, dst: s,"
             " protocol: tpc}\n", path_yaml);
    const char *path = harness_write_tmp("tpc.yaml", text);
    CU_ASSERT_PTR_NOT_NULL_FATAL(path);
    snprintf(cmd, sizeof cmd, "%s check %s", harness_mcpsim(), path);
    CU_ASSERT_EQUAL(harness_run(cmd, &out), 2);
    CU_ASSERT_PTR_NOT_NULL_FATAL(out);
    char where[600];
    snprintf(where, sizeof where, "%s:9:", path); /* the entry's line */
    CU_ASSERT_PTR_NOT_NULL(strstr(out, where));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "protocol \"tpc\" is not a registered transport"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "did you mean \"tcp\"?"));
    free(out);
    out = NULL;
    snprintf(text, sizeof text, "%sapps:\n  - {name: up, kind: bulk, node: c, dst: s,"
             " protocol: nosuch}\n", path_yaml);
    path = harness_write_tmp("nosuch.yaml", text);
    snprintf(cmd, sizeof cmd, "%s check %s", harness_mcpsim(), path);
    CU_ASSERT_EQUAL(harness_run(cmd, &out), 2);
    CU_ASSERT_PTR_NOT_NULL_FATAL(out);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "protocol \"nosuch\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "expected one of"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "tcp"));
    free(out);
}

/* Every scalar of run "t" as text, in a fixed order. */
static char *scalar_dump(const char *db_path)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    size_t cap = 1 << 16, used = 0;
    char *buf = calloc(1, cap);
    CU_ASSERT_EQUAL_FATAL(sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    CU_ASSERT_EQUAL_FATAL(sqlite3_prepare_v2(db, "SELECT module, name, value FROM scalars "
                                             "ORDER BY module, name, rowid", -1, &st, NULL),
                          SQLITE_OK);
    while (buf && sqlite3_step(st) == SQLITE_ROW && used + 512 < cap)
        used += (size_t)snprintf(buf + used, cap - used, "%s.%s=%.17g\n",
                                 (const char *)sqlite3_column_text(st, 0),
                                 (const char *)sqlite3_column_text(st, 1),
                                 sqlite3_column_double(st, 2));
    sqlite3_finalize(st);
    sqlite3_close(db);
    return buf;
}

static void test_protocol_tcp_gives_the_results_of_no_protocol_row(void)
{
    static const char *const apps[2] = {
        "  - {name: up, kind: bulk, node: c, dst: s, size: 200kB}\n"
        "  - {name: web, kind: reqresp, node: c, dst: s, port: 80, requests: 3}\n"
        "  - {name: k, kind: tcp-sink, node: s}\n",
        "  - {name: up, kind: bulk, node: c, dst: s, size: 200kB, protocol: tcp}\n"
        "  - {name: web, kind: reqresp, node: c, dst: s, port: 80, requests: 3, protocol: tcp,"
        " transport_opts: []}\n"
        "  - {name: k, kind: tcp-sink, node: s, protocol: tcp}\n",
    };
    char *dump[2], path[2][600], err[1024];
    for (int i = 0; i < 2; i++) {
        snprintf(path[i], sizeof path[i], "%s/tcp%d.db", harness_tmpdir(), i);
        struct results_db *db = run_apps(i ? "tcp1.yaml" : "tcp0.yaml", apps[i], path[i],
                                         err, sizeof err);
        CU_ASSERT_PTR_NOT_NULL_FATAL(db);
        CU_ASSERT_EQUAL(ta_scalar(db, "up", "tx_bytes"), 200000);
        CU_ASSERT_EQUAL(ta_scalar(db, "web", "transactions"), 3);
        results_db_close(db);
        dump[i] = scalar_dump(path[i]);
        CU_ASSERT_PTR_NOT_NULL_FATAL(dump[i]);
    }
    CU_ASSERT(strlen(dump[0]) > 200);
    CU_ASSERT_STRING_EQUAL(dump[0], dump[1]);
    CU_ASSERT_PTR_NULL(strstr(dump[0], "mptcp_fallback")); /* TCP records no MPTCP scalars */
    free(dump[0]);
    free(dump[1]);
}

SUITE(sock, NULL, NULL,
      TEST(test_a_registered_transport_answers_host_connect_listen_and_the_sock_calls),
      TEST(test_an_unknown_transport_is_refused_with_notransport),
      TEST(test_apps_choose_the_transport_with_protocol_and_carry_its_settings),
      TEST(test_bad_or_conflicting_transport_settings_are_refused),
      TEST(test_an_unknown_protocol_fails_check_with_position_and_suggestion),
      TEST(test_protocol_tcp_gives_the_results_of_no_protocol_row))
