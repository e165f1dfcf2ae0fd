/* node_hook.c - netfilter-like hook points on a node's IP path (see node.h).
 *
 * Each point holds an array sorted by priority (stable: equal priorities keep registration
 * order), so the walk is a loop over a few entries; a point with no hook costs the caller
 * one test of the count. A hook runs with the packet's front at the IP header. Registering
 * from inside a walk is not supported (the array may move).
 */
#include <stdlib.h>

#include "models/net/node_impl.h"

int net_hook_register(struct net_node *n, enum net_hook_point point, int priority,
                      net_hook_fn fn, void *ctx)
{
    if ((unsigned)point >= NET_HOOK_COUNT || !fn)
        return -1;
    struct hook_list *l = &n->hooks[point];
    struct hook_entry *a = realloc(l->h, (l->n + 1) * sizeof *a);
    if (!a)
        return -1;
    l->h = a;
    size_t at = l->n;
    while (at > 0 && l->h[at - 1].priority > priority) {
        l->h[at] = l->h[at - 1];
        at--;
    }
    l->h[at] = (struct hook_entry){ priority, fn, ctx };
    l->n++;
    return 0;
}

enum net_verdict node_hooks_run(struct net_node *n, enum net_hook_point point, struct packet *p,
                                struct net_if *in, struct net_if *out)
{
    const struct net_hook_state st = { point, in, out };
    const struct hook_list *l = &n->hooks[point];
    for (size_t i = 0; i < l->n; i++) {
        enum net_verdict v = l->h[i].fn(l->h[i].ctx, n, p, &st);
        if (v == NET_DROP) {
            n->st.drop_hook++;
            pkt_free(p);
            return v;
        }
        if (v != NET_ACCEPT)
            return v;
    }
    return NET_ACCEPT;
}

void node_hooks_free(struct net_node *n)
{
    for (int i = 0; i < NET_HOOK_COUNT; i++)
        free(n->hooks[i].h);
}
