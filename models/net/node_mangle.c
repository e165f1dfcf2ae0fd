/* node_mangle.c - a node's middlebox stage: the `mangle` parameter's rules (mangle.h) on the
 * node's FORWARD hook, as iptables' mangle table (priority -150, NF_IP_PRI_MANGLE) and an
 * NFQUEUE program rewrite what a Linux router forwards. Rules run in the order written, each
 * on the packet as the previous ones left it.
 *
 * Probabilities are drawn from the node's stream "NODE/mangle" (only for p < 1), so adding a
 * rule changes no other model's draws. Link names in in=/out= are resolved when the run
 * starts; an unknown one is a config error (stderr, config_errors) and the rule never
 * matches. Scalars, module "NODE.mangleK" (K = 1, 2, ... in the order of the rules): matched,
 * applied, no_room. Nothing is allocated per packet.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/net/mangle.h"
#include "models/net/node_impl.h"
#include "sim/rng.h"

struct node_mangle {
    struct mangle_rule *r;
    const struct net_if **in, **out; /* resolved in=/out= (NULL: any, or unresolved) */
    bool *broken;                    /* an in=/out= name that did not resolve */
    size_t n;
    struct rng *rng;
};

static enum net_verdict mangle_hook(void *ctx, struct net_node *n, struct packet *p,
                                    const struct net_hook_state *st)
{
    struct node_mangle *m = ctx;
    sim_time_t now = sched_now(n->sched);
    for (size_t i = 0; i < m->n; i++) {
        struct mangle_rule *r = &m->r[i];
        if (m->broken[i] || (m->in[i] && m->in[i] != st->in) ||
            (m->out[i] && m->out[i] != st->out) || now < r->from ||
            (r->until && now >= r->until) || mangle_match(r, p) != 1)
            continue;
        if (r->matched++ < r->skip || (r->max && r->applied >= r->max))
            continue;
        if (r->p < 1 && rng_uniform(m->rng) >= r->p)
            continue;
        int rc = mangle_apply(r, p);
        if (rc > 0)
            r->applied++;
        else if (rc < 0)
            r->no_room++;
    }
    return NET_ACCEPT;
}

int node_mangle_init(struct net_node *n, struct model_ctx *ctx, const struct param_list *rules,
                     char *err, size_t errlen)
{
    if (rules->n == 0)
        return 0;
    struct node_mangle *m = calloc(1, sizeof *m);
    if (!m)
        goto oom;
    n->mangle = m;
    m->r = calloc(rules->n, sizeof *m->r);
    m->in = calloc(rules->n, sizeof *m->in);
    m->out = calloc(rules->n, sizeof *m->out);
    m->broken = calloc(rules->n, sizeof *m->broken);
    if (!m->r || !m->in || !m->out || !m->broken)
        goto oom;
    for (size_t i = 0; i < rules->n; i++) {
        char why[256];
        if (mangle_rule_parse(rules->items[i], &m->r[i], why, sizeof why) < 0) {
            snprintf(err, errlen, "mangle: %s (item %zu: \"%s\")", why, i + 1, rules->items[i]);
            return -1;
        }
        m->n++;
        if (m->r[i].p < 1 && !m->rng && !(m->rng = model_ctx_rng(ctx, n->name, "mangle")))
            goto oom;
    }
    if (net_hook_register(n, NET_HOOK_FORWARD, -150, mangle_hook, m) < 0)
        goto oom;
    return 0;
oom:
    snprintf(err, errlen, "out of memory");
    return -1;
}

static const struct net_if *if_named(const struct net_node *n, const char *link)
{
    for (size_t i = 0; i < n->nifs; i++)
        if (n->ifs[i]->name && !strcmp(n->ifs[i]->name, link))
            return n->ifs[i];
    return NULL;
}

void node_mangle_resolve(struct net_node *n)
{
    struct node_mangle *m = n->mangle;
    for (size_t i = 0; m && i < m->n; i++) {
        const char *names[2] = { m->r[i].in, m->r[i].out };
        const struct net_if **dst[2] = { &m->in[i], &m->out[i] };
        for (int k = 0; k < 2; k++) {
            if (!names[k][0])
                continue;
            *dst[k] = if_named(n, names[k]);
            if (!*dst[k]) {
                fprintf(stderr, "node \"%s\": mangle rule %zu: %s=%s: no such link attached to "
                        "this node\n", n->name, i + 1, k ? "out" : "in", names[k]);
                n->config_errors++;
                m->broken[i] = true;
            }
        }
    }
}

void node_mangle_record(const struct net_node *n, struct results_run *r)
{
    const struct node_mangle *m = n->mangle;
    for (size_t i = 0; m && i < m->n; i++) {
        char module[PARAM_STRING_MAX + 32];
        snprintf(module, sizeof module, "%s.mangle%zu", n->name, i + 1);
        results_scalar(r, module, "matched", "pkt", (double)m->r[i].matched);
        results_scalar(r, module, "applied", "pkt", (double)m->r[i].applied);
        results_scalar(r, module, "no_room", "pkt", (double)m->r[i].no_room);
    }
}

void node_mangle_free(struct net_node *n)
{
    struct node_mangle *m = n->mangle;
    if (!m)
        return;
    free(m->r);
    free(m->in);
    free(m->out);
    free(m->broken);
    free(m);
    n->mangle = NULL;
}
