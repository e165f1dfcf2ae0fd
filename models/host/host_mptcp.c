/* host_mptcp.c - the "mptcp" transport: the node's MPTCP stack (models/mptcp) over the node's
 * TCP stack, registered by name so that applications choose it with `protocol: mptcp`.
 *
 * The instance is built the first time a node asks for an MPTCP socket; it builds (or reuses)
 * the node's TCP stack, and draws keys and nonces from its own random stream "NODE/mptcp",
 * so adding MPTCP to one node changes no other stream. Its settings are the `mptcp` model's
 * table (`mcpsim help mptcp`), given per node through the applications' transport_opts.
 * A source address of family 0 is the node's default source of the destination's family
 * (host_addr), as for tcp.
 */
#include <stdio.h>
#include <stdlib.h>

#include "models/host/host.h"
#include "models/host/host_tcp.h"
#include "models/mptcp/mptcp.h"
#include "models/sock/sock_transport.h"

struct host_mptcp {
    struct net_node *node;
    struct mptcp_stack *stack;
};

static int mptcp_tp_create(const struct host_env *env, void **tp, char *err, size_t errlen)
{
    struct tcp_stack *tcp = host_tcp_stack(env->host);
    if (!tcp) {
        snprintf(err, errlen, "mptcp: no TCP stack on node \"%s\"", env->node_name);
        return -1;
    }
    struct host_mptcp *m = calloc(1, sizeof *m);
    if (!m) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    struct mptcp_config def;
    const struct mptcp_config *cfg = env->settings;
    if (!cfg) {
        mptcp_config_default(&def);
        cfg = &def;
    }
    char rng[PARAM_STRING_MAX + 8];
    snprintf(rng, sizeof rng, "%s/mptcp", env->node_name);
    int rc = mptcp_stack_new(tcp, cfg, env->seed, env->run, rng, &m->stack, err, errlen);
    if (cfg == &def)
        mptcp_config_free(&def);
    if (rc < 0) {
        free(m);
        return -1;
    }
    m->node = env->node;
    *tp = m;
    return 0;
}

static void mptcp_tp_destroy(void *tp)
{
    struct host_mptcp *m = tp;
    mptcp_stack_free(m->stack);
    free(m);
}

static int mptcp_tp_connect(void *tp, const struct sock_connect_args *a,
                            const struct sock_callbacks *cb, void *ctx, struct sock **out)
{
    struct host_mptcp *m = tp;
    struct sock_connect_args args = *a;
    if (!args.src.family && host_addr(m->node, a->dst.family, &args.src) < 0)
        return SOCK_ERR_ARG;
    return mptcp_connect(m->stack, &args, cb, ctx, out);
}

static int mptcp_tp_listen(void *tp, const struct sock_listen_args *a,
                           const struct sock_listener_callbacks *cb, void *ctx,
                           struct sock_listener **out)
{
    struct host_mptcp *m = tp;
    return mptcp_listen(m->stack, a, cb, ctx, out);
}

static int mptcp_tp_check_settings(const void *settings, char *err, size_t errlen)
{
    return mptcp_config_check(settings, err, errlen);
}

static void mptcp_tp_add_stats(void *tp, void *sum)
{
    struct host_mptcp *m = tp;
    struct mptcp_stack_stats st;
    mptcp_stack_get_stats(m->stack, &st);
    /* Every member is a uint64_t counter: add them as an array. */
    const uint64_t *a = (const uint64_t *)&st;
    uint64_t *b = sum;
    for (size_t k = 0; k < sizeof st / sizeof(uint64_t); k++)
        b[k] += a[k];
}

static const struct sock_transport_def mptcp_transport = {
    .name = "mptcp",
    .help = "Multipath TCP (RFC 8684), the node's stack of models/mptcp over its TCP stack",
    .settings_model = "mptcp",
    .check_settings = mptcp_tp_check_settings,
    .create = mptcp_tp_create,
    .destroy = mptcp_tp_destroy,
    .ops = { .connect = mptcp_tp_connect, .listen = mptcp_tp_listen },
    .stats_size = sizeof(struct mptcp_stack_stats),
    .add_stats = mptcp_tp_add_stats,
};
SOCK_TRANSPORT_REGISTER(mptcp_transport)
