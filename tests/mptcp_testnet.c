/* mptcp_testnet.c - see mptcp_testnet.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/mptcp/mptcp.h"
#include "tests/harness.h"
#include "tests/mptcp_testnet.h"

static void app_push(struct mn_app *a)
{
    while (a->to_send) {
        int64_t n = sock_send(a->sock, a->to_send);
        if (n <= 0)
            return;
        a->to_send -= (size_t)n;
    }
    if (a->close_when_done) {
        a->close_when_done = false;
        sock_shutdown(a->sock);
    }
}

static void on_connected(struct sock *s, void *ctx)
{
    struct mn_app *a = ctx;
    a->sock = s;
    a->connected = true;
    app_push(a);
}

static void on_readable(struct sock *s, void *ctx, size_t n)
{
    (void)n;
    struct mn_app *a = ctx;
    a->read += sock_read(s, sock_readable(s));
    if (sock_eof(s) && !a->eof) {
        a->eof = true;
        a->eof_at = 1;
        sock_shutdown(s);
    }
}

static void on_writable(struct sock *s, void *ctx, size_t n)
{
    (void)s;
    (void)n;
    app_push(ctx);
}

static void on_closed(struct sock *s, void *ctx)
{
    (void)s;
    struct mn_app *a = ctx;
    a->closed = true;
}

static void on_error(struct sock *s, void *ctx, int err)
{
    (void)s;
    struct mn_app *a = ctx;
    a->error = err;
}

static const struct sock_callbacks app_cb = {
    .connected = on_connected,
    .readable = on_readable,
    .writable = on_writable,
    .closed = on_closed,
    .error = on_error,
};

static void on_acceptable(struct sock_listener *l, void *ctx)
{
    struct mnet *m = ctx;
    struct sock *s;
    while (sock_accept(l, &app_cb, &m->srv, &s) == 0) {
        m->srv.sock = s;
        m->srv.connected = true;
        if (sock_readable(s))
            on_readable(s, &m->srv, 0);
    }
}

static const struct sock_listener_callbacks listen_cb = { .acceptable = on_acceptable };

struct mnet *mnet_new(bps_t rate, sim_time_t delay, const struct mptcp_config *cfg_a,
                      const struct mptcp_config *cfg_b)
{
    struct mnet *m = calloc(1, sizeof *m);
    m->tn = tnet_new(rate, delay, NULL, NULL);
    struct mptcp_config def;
    mptcp_config_default(&def);
    char err[256];
    if (mptcp_stack_new(m->tn->a, cfg_a ? cfg_a : &def, 1, 0, "mptcp/a", &m->a, err,
                        sizeof err) < 0 ||
        mptcp_stack_new(m->tn->b, cfg_b ? cfg_b : &def, 1, 0, "mptcp/b", &m->b, err,
                        sizeof err) < 0) {
        fprintf(stderr, "mnet_new: %s\n", err);
        abort();
    }
    mptcp_config_free(&def);
    return m;
}

void mnet_free(struct mnet *m)
{
    if (!m)
        return;
    mptcp_stack_free(m->a);
    mptcp_stack_free(m->b);
    tnet_free(m->tn);
    free(m);
}

int mnet_listen(struct mnet *m)
{
    struct sock_listen_args la = { .addr = m->tn->addr_b, .port = 80 };
    return mptcp_listen(m->b, &la, &listen_cb, m, &m->l);
}

int mnet_start(struct mnet *m, size_t bytes)
{
    int rc = mnet_listen(m);
    if (rc < 0)
        return rc;
    return mnet_connect(m, bytes);
}

int mnet_connect(struct mnet *m, size_t bytes)
{
    struct sock_connect_args ca = { .src = m->tn->addr_a, .dst = m->tn->addr_b,
                                    .dst_port = 80 };
    m->cli.to_send = bytes;
    m->cli.close_when_done = true;
    return mptcp_connect(m->a, &ca, &app_cb, &m->cli, &m->cli.sock);
}

void mnet_run(struct mnet *m, sim_time_t t) { sched_run_until(m->tn->s, t); }

int mnet_check_pcap(const char *path)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "%s -q %s", harness_shared("tools/check-pcap.sh"), path);
    return system(cmd);
}

const char *mnet_pcap_path(const char *name)
{
    static char path[512];
    const char *dir = getenv("MNET_PCAP_DIR") ? getenv("MNET_PCAP_DIR") : harness_tmpdir();
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return path;
}

char *mnet_tshark(const char *path, const char *filter, const char *fields)
{
    char cmd[2048];
    int n = snprintf(cmd, sizeof cmd, "tshark -r %s -Y '%s' -T fields -E separator='|'", path,
                     filter);
    const char *f = fields;
    while (*f && n < (int)sizeof cmd - 64) {
        const char *e = strchr(f, ',');
        size_t len = e ? (size_t)(e - f) : strlen(f);
        n += snprintf(cmd + n, sizeof cmd - n, " -e %.*s", (int)len, f);
        f += len + (e ? 1 : 0);
    }
    snprintf(cmd + n, sizeof cmd - n, " 2>/dev/null");
    FILE *p = popen(cmd, "r");
    if (!p)
        return NULL;
    size_t cap = 4096, len = 0;
    char *out = malloc(cap);
    size_t r;
    while ((r = fread(out + len, 1, cap - len - 1, p)) > 0) {
        len += r;
        if (cap - len < 1024)
            out = realloc(out, cap *= 2);
    }
    out[len] = 0;
    pclose(p);
    return out;
}
