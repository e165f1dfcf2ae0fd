/* mptcp_endpoint.c - the endpoints parameter: "ADDR[ flag]..." as `ip mptcp endpoint add ADDR
 * [signal] [subflow] [backup] [fullmesh]` (Linux pm_netlink.c flags). */
#include <stdio.h>
#include <string.h>

#include "models/mptcp/mptcp_int.h"
#include "models/net/addr.h"

int mptcp_endpoint_parse(const char *s, struct mptcp_endpoint *out, char *err, size_t errlen)
{
    char buf[PARAM_STRING_MAX];
    if (strlen(s) >= sizeof buf) {
        snprintf(err, errlen, "mptcp: endpoint \"%.40s...\" is too long", s);
        return -1;
    }
    strcpy(buf, s);
    memset(out, 0, sizeof *out);
    char *save = NULL;
    char *tok = strtok_r(buf, " \t", &save);
    struct net_addr a;
    char aerr[128];
    if (!tok || net_addr_parse(tok, &a, aerr, sizeof aerr) < 0) {
        snprintf(err, errlen, "mptcp: endpoint \"%s\": expected an IPv4 or IPv6 address first",
                 s);
        return -1;
    }
    out->addr.family = a.family;
    memcpy(out->addr.bytes, a.b, 16);
    while ((tok = strtok_r(NULL, " \t", &save))) {
        if (!strcmp(tok, "signal"))
            out->flags |= MPTCP_EP_SIGNAL;
        else if (!strcmp(tok, "subflow"))
            out->flags |= MPTCP_EP_SUBFLOW;
        else if (!strcmp(tok, "backup"))
            out->flags |= MPTCP_EP_BACKUP;
        else if (!strcmp(tok, "fullmesh"))
            out->flags |= MPTCP_EP_FULLMESH;
        else {
            snprintf(err, errlen,
                     "mptcp: endpoint \"%s\": unknown flag \"%s\"; expected signal, subflow, "
                     "backup or fullmesh", s, tok);
            return -1;
        }
    }
    return 0;
}
