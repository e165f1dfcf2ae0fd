/* app_params.c - checks of the sending applications' shared parameters (app_params.h). */
#include "models/app/app_params.h"

#include <stdio.h>

int app_find_nodes(struct model_ctx *ctx, const char *node, const char *dst,
                   struct net_node **node_out, struct net_node **dst_out, char *err,
                   size_t errlen)
{
    if (!(*node_out = net_node_find(ctx, node, err, errlen)) ||
        !(*dst_out = net_node_find(ctx, dst, err, errlen)))
        return -1;
    return 0;
}

static int route_check(void *obj, struct model_ctx *ctx, char *err, size_t errlen)
{
    struct app_route *r = obj;
    (void)ctx;
    char a[NET_ADDR_STRLEN], b[NET_ADDR_STRLEN];
    net_addr_format(&r->src_addr, a, sizeof a);
    net_addr_format(&r->dst_addr, b, sizeof b);
    if (!net_node_reaches(r->node, &r->dst_addr, &r->src_addr)) {
        snprintf(err, errlen, "dst \"%s\" (%s) is unreachable: no route from node \"%s\" "
                 "(%s) gets there; expected a link path or a route to it", net_node_name(r->dst),
                 b, net_node_name(r->node), a);
        return -1;
    }
    if (r->replies && !net_node_reaches(r->dst, &r->src_addr, &r->dst_addr)) {
        snprintf(err, errlen, "no route back from dst \"%s\" (%s) to node \"%s\" (%s): "
                 "replies would be lost; expected a link path or a route back",
                 net_node_name(r->dst), b, net_node_name(r->node), a);
        return -1;
    }
    return 0;
}

int app_check_route(struct model_ctx *ctx, struct app_route *r, char *err, size_t errlen)
{
    if (model_ctx_on_check(ctx, route_check, r) < 0) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    return 0;
}

int app_check_stop(sim_time_t start, sim_time_t stop, char *err, size_t errlen)
{
    if (stop && stop <= start) {
        snprintf(err, errlen, "stop must be later than start (or 0s: until the end)");
        return -1;
    }
    return 0;
}
