/* host.c - one host stack per node: transport instances and their per-node settings (see
 * host.h).
 *
 * The world's hosts live in one model_ctx_shared block ("host"), in attach order. A host has
 * a slot per transport it has heard of: the settings config (allocated when the first value
 * or the instance needs it), which application gave each setting (for the conflict message),
 * and the instance once built. Instances are destroyed in the reverse order of their
 * construction, so a transport built on another (MPTCP on TCP) goes first. Nothing here runs
 * per packet: sockets go straight to the transport's ops.
 */
#include "models/host/host.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/strdist.h"

const char *const host_tcp_row_names[HOST_NTCP] = {
    "mss",     "sndbuf", "rcvbuf", "initial_cwnd", "sack", "timestamps",       "wscale",
    "nagle",   "delack", "rto_min", "prr",         "limited_transmit", "syncookies",
};

struct host_slot {
    const struct sock_transport_def *def;
    const struct model_def *settings_def; /* NULL: no settings */
    void *settings;                       /* settings_def->config_size bytes, or NULL */
    char (*setby)[PARAM_STRING_MAX];      /* per settings parameter: the application, or "" */
    void *tp;                             /* the instance, NULL until built */
    unsigned built;                       /* order of construction (1, 2, ...), 0 = not */
    bool building;                        /* in create(): a transport asking for itself */
    struct host_env env;
};

struct host {
    struct net_node *node;
    struct model_ctx *ctx;
    struct host_slot slots[SOCK_TRANSPORT_MAX];
    size_t nslots;
    unsigned nbuilt;
};

struct host_reg {
    struct host **h;
    size_t n;
};

static void slot_free(struct host_slot *s)
{
    if (s->settings)
        param_free(s->settings_def, s->settings);
    free(s->settings);
    free(s->setby);
}

static void host_free(struct host *h)
{
    for (unsigned k = h->nbuilt; k > 0; k--)
        for (size_t i = 0; i < h->nslots; i++)
            if (h->slots[i].built == k)
                h->slots[i].def->destroy(h->slots[i].tp);
    for (size_t i = 0; i < h->nslots; i++)
        slot_free(&h->slots[i]);
    free(h);
}

static void reg_fini(void *block)
{
    struct host_reg *r = block;
    for (size_t i = 0; i < r->n; i++)
        host_free(r->h[i]);
    free(r->h);
}

const char *host_opts_protocol(const struct host_opts *o)
{
    return o && o->protocol[0] ? o->protocol : "tcp";
}

const char *host_opts_cc(const struct host_opts *o)
{
    return o && o->cc[0] ? o->cc : NULL;
}

struct net_node *host_node(const struct host *h) { return h->node; }

/* "tcp, mptcp" for messages, and the names for suggestions. */
static size_t transport_names(const char **names, size_t max, char *buf, size_t len)
{
    const struct sock_transport_def *all[SOCK_TRANSPORT_MAX];
    size_t n = sock_transport_list(all, SOCK_TRANSPORT_MAX), used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n && i < max; i++) {
        names[i] = all[i]->name;
        used += (size_t)snprintf(buf + used, used < len ? len - used : 0, "%s%s",
                                 i ? ", " : "", all[i]->name);
        if (used >= len)
            used = len - 1;
    }
    return n < max ? n : max;
}

/* The host's slot of a transport, added on first use; NULL when the table is full (cannot
 * happen: one slot per registered transport) or memory is exhausted. */
static struct host_slot *slot_of(struct host *h, const struct sock_transport_def *def)
{
    for (size_t i = 0; i < h->nslots; i++)
        if (h->slots[i].def == def)
            return &h->slots[i];
    if (h->nslots == SOCK_TRANSPORT_MAX)
        return NULL;
    struct host_slot *s = &h->slots[h->nslots];
    memset(s, 0, sizeof *s);
    s->def = def;
    if (def->settings_model) {
        char why[256];
        s->settings_def = registry_find(def->settings_model);
        if (!s->settings_def || !(s->settings = calloc(1, s->settings_def->config_size)) ||
            !(s->setby = calloc(s->settings_def->nparams, sizeof *s->setby)) ||
            param_defaults(s->settings_def, s->settings, why, sizeof why) < 0) {
            slot_free(s);
            return NULL;
        }
    }
    h->nslots++;
    return s;
}

/* Sets one of app's values into the slot's settings; the error names the application,
 * parameter and what was expected (or the application that gave another value). */
static int slot_set(struct host *h, struct host_slot *s, const char *name, const char *value,
                    const char *app, char *err, size_t errlen)
{
    const struct model_def *m = s->settings_def;
    const struct param_def *pd = m ? registry_param(m, name) : NULL;
    if (!m) {
        snprintf(err, errlen, "%s: transport %s takes no settings (%s=%s)", app, s->def->name,
                 name, value);
        return -1;
    }
    if (!pd) {
        const char *cands[128];
        size_t nc = 0;
        for (size_t i = 0; i < m->nparams && nc < 128; i++)
            cands[nc++] = m->params[i].name;
        snprintf(err, errlen, "%s: the %s model has no parameter %s (`mcpsim help %s` lists "
                 "them)", app, m->kind, name, m->kind);
        strdist_hint(err, errlen, name, cands, nc);
        return -1;
    }
    if (s->tp) {
        snprintf(err, errlen, "%s: %s: the %s stack of node \"%s\" is already built", app,
                 name, s->def->name, net_node_name(h->node));
        return -1;
    }
    /* Parse into a scratch config first: a bad value or a conflict leaves the node's
     * settings as they were. */
    char why[256], a[PARAM_STRING_MAX], b[PARAM_STRING_MAX];
    void *scratch = calloc(1, m->config_size);
    int rc = -1;
    if (!scratch) {
        snprintf(err, errlen, "%s: out of memory", app);
        return -1;
    }
    if (param_set(pd, scratch, value, why, sizeof why) < 0) {
        snprintf(err, errlen, "%s: %s: %s", app, name, why);
        goto out;
    }
    size_t k = (size_t)(pd - m->params);
    param_format(pd, scratch, a, sizeof a);
    param_format(pd, s->settings, b, sizeof b);
    if (s->setby[k][0] && strcmp(a, b) != 0) {
        char upper[32];
        size_t i = 0;
        for (; s->def->name[i] && i + 1 < sizeof upper; i++)
            upper[i] = (char)toupper((unsigned char)s->def->name[i]);
        upper[i] = '\0';
        snprintf(err, errlen,
                 "%s: %s %s conflicts with %s %s given by %s for the same node \"%s\" (one %s "
                 "stack per node: give the same value or leave it empty)",
                 app, name, a, name, b, s->setby[k], net_node_name(h->node), upper);
        goto out;
    }
    if (param_set(pd, s->settings, value, why, sizeof why) < 0) {
        snprintf(err, errlen, "%s: %s: %s", app, name, why);
        goto out;
    }
    snprintf(s->setby[k], sizeof s->setby[k], "%s", app);
    rc = 0;
out:
    param_free(m, scratch);
    free(scratch);
    return rc;
}

static int slot_check(struct host_slot *s, const char *app, char *err, size_t errlen)
{
    char why[256];
    if (s->settings && s->def->check_settings &&
        s->def->check_settings(s->settings, why, sizeof why) < 0) {
        snprintf(err, errlen, "%s: %s", app, why);
        return -1;
    }
    return 0;
}

/* The host of node n, added to the world's hosts on first use. */
static struct host *host_find(struct model_ctx *ctx, struct net_node *n)
{
    struct host_reg *r = model_ctx_shared(ctx, "host", sizeof *r, reg_fini);
    if (!r)
        return NULL;
    for (size_t i = 0; i < r->n; i++)
        if (r->h[i]->node == n)
            return r->h[i];
    struct host **grown = realloc(r->h, (r->n + 1) * sizeof *grown);
    if (!grown)
        return NULL;
    r->h = grown;
    struct host *h = calloc(1, sizeof *h);
    if (!h)
        return NULL;
    h->node = n;
    h->ctx = ctx;
    r->h[r->n++] = h;
    return h;
}

/* "NAME = VALUE" into name (trimmed, PARAM_STRING_MAX bytes) and the value after the blanks
 * that follow '='; -1 when the item has no '=' or no name. */
static int split_item(const char *item, char *name, const char **value)
{
    const char *eq = strchr(item, '=');
    if (!eq || eq == item || (size_t)(eq - item) >= PARAM_STRING_MAX)
        return -1;
    memcpy(name, item, (size_t)(eq - item));
    name[eq - item] = '\0';
    size_t end = strlen(name);
    while (end > 0 && isspace((unsigned char)name[end - 1]))
        name[--end] = '\0';
    if (!end)
        return -1;
    *value = eq + 1;
    while (isspace((unsigned char)**value))
        (*value)++;
    return 0;
}

static bool same_name(const char *item, const char *name)
{
    char n[PARAM_STRING_MAX];
    const char *v;
    return split_item(item, n, &v) == 0 && strcmp(n, name) == 0;
}

static int attach_protocol(struct host *h, const char *proto, const struct host_opts *o,
                           const char *app, char *err, size_t errlen)
{
    const struct sock_transport_def *def = sock_transport_find(proto);
    if (!def) {
        const char *names[SOCK_TRANSPORT_MAX];
        char list[256];
        size_t n = transport_names(names, SOCK_TRANSPORT_MAX, list, sizeof list);
        snprintf(err, errlen, "%s: protocol \"%s\" is not a registered transport; expected "
                 "one of %s", app, proto, list);
        strdist_hint(err, errlen, proto, names, n);
        return -1;
    }
    const char *cc = host_opts_cc(o);
    char why[512];
    if (cc && def->check_opt && def->check_opt("cc", cc, why, sizeof why) < 0) {
        snprintf(err, errlen, "%s: %s", app, why);
        return -1;
    }
    if (!o || o->transport_opts.n == 0)
        return 0;
    struct host_slot *s = slot_of(h, def);
    if (!s) {
        snprintf(err, errlen, "%s: out of memory", app);
        return -1;
    }
    const struct param_list *l = &o->transport_opts;
    for (size_t i = 0; i < l->n; i++) {
        char name[PARAM_STRING_MAX];
        const char *value;
        if (split_item(l->items[i], name, &value) < 0) {
            snprintf(err, errlen, "%s: transport_opts item \"%s\": expected NAME=VALUE (a "
                     "setting of protocol %s)", app, l->items[i], proto);
            return -1;
        }
        const struct param_def *pd = s->settings_def ? registry_param(s->settings_def, name)
                                                     : NULL;
        if (!pd || pd->type != PARAM_LIST) {
            if (slot_set(h, s, name, value, app, err, errlen) < 0)
                return -1;
            continue;
        }
        /* A list setting given in several items is one list, items in order
         * ([endpoints=A, endpoints=B] is endpoints "A; B"): set at its first item. */
        bool first = true;
        for (size_t j = 0; j < i && first; j++)
            first = !same_name(l->items[j], name);
        if (!first)
            continue;
        size_t len = 1;
        for (size_t j = i; j < l->n; j++)
            len += strlen(l->items[j]) + 2;
        char *joined = malloc(len);
        if (!joined) {
            snprintf(err, errlen, "%s: out of memory", app);
            return -1;
        }
        joined[0] = '\0';
        for (size_t j = i; j < l->n; j++) {
            char nj[PARAM_STRING_MAX];
            const char *vj;
            if (split_item(l->items[j], nj, &vj) == 0 && strcmp(nj, name) == 0)
                snprintf(joined + strlen(joined), len - strlen(joined), "%s%s",
                         joined[0] ? "; " : "", vj);
        }
        int rc = slot_set(h, s, name, joined, app, err, errlen);
        free(joined);
        if (rc < 0)
            return -1;
    }
    return slot_check(s, app, err, errlen);
}

int host_attach(struct model_ctx *ctx, struct net_node *n, const char *app,
                const struct host_opts *opts, struct host **out, char *err, size_t errlen)
{
    struct host *h = host_find(ctx, n);
    if (!h) {
        snprintf(err, errlen, "%s: out of memory", app);
        return -1;
    }
    if (attach_protocol(h, host_opts_protocol(opts), opts, app, err, errlen) < 0)
        return -1;
    bool any = false;
    for (size_t i = 0; opts && i < HOST_NTCP; i++)
        any = any || opts->tcp[i][0];
    if (any) {
        /* The tcp rows are settings of the node's TCP stack, whatever the protocol (MPTCP
         * subflows are that stack's connections). */
        const struct sock_transport_def *tcp = sock_transport_find("tcp");
        struct host_slot *s = tcp ? slot_of(h, tcp) : NULL;
        if (!s) {
            snprintf(err, errlen, "%s: %s", app, tcp ? "out of memory" : "no tcp transport");
            return -1;
        }
        for (size_t i = 0; i < HOST_NTCP; i++)
            if (opts->tcp[i][0] &&
                slot_set(h, s, host_tcp_row_names[i], opts->tcp[i], app, err, errlen) < 0)
                return -1;
        if (slot_check(s, app, err, errlen) < 0)
            return -1;
    }
    *out = h;
    return 0;
}

void *host_transport(struct host *h, const char *name)
{
    const struct sock_transport_def *def = sock_transport_find(name);
    struct host_slot *s = def ? slot_of(h, def) : NULL;
    if (!s)
        return NULL;
    if (s->tp || s->building)
        return s->tp;
    s->env = (struct host_env){
        .host = h,
        .node = h->node,
        .node_name = net_node_name(h->node),
        .transport = def->name,
        .sched = h->ctx->sched,
        .pool = h->ctx->pool,
        .seed = h->ctx->seed,
        .run = h->ctx->run,
        .ctx = h->ctx,
        .settings = s->settings,
    };
    char err[256];
    void *tp = NULL;
    s->building = true;
    int rc = def->create(&s->env, &tp, err, sizeof err);
    s->building = false;
    if (rc < 0 || !tp)
        return NULL;
    s->tp = tp;
    s->built = ++h->nbuilt;
    return tp;
}

int host_connect(struct host *h, const char *transport, const struct sock_connect_args *a,
                 const struct sock_callbacks *cb, void *ctx, struct sock **out)
{
    const struct sock_transport_def *def = sock_transport_find(transport);
    if (!def)
        return SOCK_ERR_NOTRANSPORT;
    void *tp = host_transport(h, transport);
    return tp ? def->ops.connect(tp, a, cb, ctx, out) : SOCK_ERR_NOMEM;
}

int host_listen(struct host *h, const char *transport, const struct sock_listen_args *a,
                const struct sock_listener_callbacks *cb, void *ctx,
                struct sock_listener **out)
{
    const struct sock_transport_def *def = sock_transport_find(transport);
    if (!def)
        return SOCK_ERR_NOTRANSPORT;
    void *tp = host_transport(h, transport);
    return tp ? def->ops.listen(tp, a, cb, ctx, out) : SOCK_ERR_NOMEM;
}

struct rng *host_env_rng(const struct host_env *env, const char *purpose)
{
    return model_ctx_rng(env->ctx, env->node_name, purpose);
}

int host_addr(const struct net_node *n, int family, struct sock_addr *out)
{
    const struct net_addr *a = net_node_source(n, family);
    if (!a)
        return -1;
    memset(out, 0, sizeof *out);
    out->family = a->family;
    memcpy(out->bytes, a->b, 16);
    return 0;
}

size_t host_sum_stats(struct model_ctx *ctx, const char *transport, void *sum, size_t size)
{
    memset(sum, 0, size);
    const struct sock_transport_def *def = sock_transport_find(transport);
    if (!def || !def->add_stats || def->stats_size != size)
        return 0;
    struct host_reg *r = model_ctx_shared(ctx, "host", sizeof *r, reg_fini);
    size_t n = 0;
    for (size_t i = 0; r && i < r->n; i++)
        for (size_t k = 0; k < r->h[i]->nslots; k++) {
            struct host_slot *s = &r->h[i]->slots[k];
            if (s->def == def && s->tp) {
                def->add_stats(s->tp, sum);
                n++;
            }
        }
    return n;
}
