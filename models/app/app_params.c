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

int app_check_stop(sim_time_t start, sim_time_t stop, char *err, size_t errlen)
{
    if (stop && stop <= start) {
        snprintf(err, errlen, "stop must be later than start (or 0s: until the end)");
        return -1;
    }
    return 0;
}
