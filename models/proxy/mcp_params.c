/* mcp_params.c - parameter table of the MCP datapath and its conversion to mcp_config.
 * Defaults marked [U] in the help are protocol.md assumptions, not facts. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "models/proxy/mcp_params.h"

#define F(field) offsetof(struct mcp_params, field)

const struct param_def mcp_param_defs[] = {
    { "role", PARAM_ENUM, F(role), "umcp", "which MCP this datapath is", "umcp|dmcp", 0, 0 },
    { "signal", PARAM_ENUM, F(signal), "flag",
      "how the uMCP asks the dMCP to terminate (protocol.md 2)",
      "none|prefer-proxy|flag|intercepted|hello", 0, 0 },
    { "steer", PARAM_ENUM, F(steer), "ssr",
      "how steered packets reach the dMCP (protocol.md 3)", "ssr|srcroute|rewrite|tunnel", 0,
      0 },
    { "srh_reduced", PARAM_BOOL, F(srh_reduced), "false",
      "srcroute over IPv6: reduced SRH without the dMCP in the segment list (RFC 8754 4.1.1, "
      "24 bytes instead of 40)",
      NULL, 0, 0 },
    { "flag_bit", PARAM_ENUM, F(flag_bit), "D",
      "MP_CAPABLE spare bit used as proxy flag [U] (v0 allows C..G, v1 D..G)", "C|D|E|F|G", 0,
      0 },
    { "prefer_proxy_len", PARAM_UINT, F(prefer_proxy_len), "4",
      "MP_PREFER_PROXY length in bytes [U]", NULL, 3, 4 },
    { "subtype_base", PARAM_UINT, F(subtype_base), "9",
      "MPTCP subtype of MP_PREFER_PROXY; the other proposals take the next ones [U]", NULL, 9,
      11 },
    { "convert_ie_type", PARAM_UINT, F(convert_ie_type), "1", "MP_CONVERT IE type byte [U]",
      NULL, 0, 255 },
    { "no_space", PARAM_ENUM, F(no_space), "pass",
      "uMCP when the signal does not fit in the SYN: pass unsignalled, drop the timestamp "
      "option to make room, or drop the SYN",
      "pass|drop-ts|drop", 0, 0 },
    { "convert_plain", PARAM_BOOL, F(convert_plain), "false",
      "uMCP terminates plain-TCP SYNs (to convert them to MPTCP in its stack)", NULL, 0, 0 },
    { "dmcp4", PARAM_STRING, F(dmcp4), "192.0.2.2", "dMCP IPv4 address", NULL, 0, 0 },
    { "dmcp6", PARAM_STRING, F(dmcp6), "2001:db8::2", "dMCP IPv6 address", NULL, 0, 0 },
    { "umcp4", PARAM_STRING, F(umcp4), "192.0.2.1", "uMCP IPv4 address (tunnel source)", NULL,
      0, 0 },
    { "umcp6", PARAM_STRING, F(umcp6), "2001:db8::1", "uMCP IPv6 address (tunnel source)",
      NULL, 0, 0 },
    { "carry", PARAM_ENUM, F(carry), "mp-convert",
      "rewrite: how the original destination travels in the SYN payload: MP_CONVERT IE [U] "
      "or RFC 8803 Convert (header + Connect TLV, 24 bytes)",
      "mp-convert|convert", 0, 0 },
    { "addr_mode", PARAM_ENUM, F(addr_mode), "preserve",
      "rewrite: server leg from the client's address or from a pool (RFC 8803 4.4)",
      "preserve|share", 0, 0 },
    { "pool4", PARAM_STRING, F(pool4), "198.51.100.1", "address-sharing pool, IPv4", NULL, 0,
      0 },
    { "pool6", PARAM_STRING, F(pool6), "2001:db8:1::1", "address-sharing pool, IPv6", NULL, 0,
      0 },
    { "pool_port_min", PARAM_UINT, F(pool_port_min), "1024", "first pool port", NULL, 1,
      65535 },
    { "pool_port_max", PARAM_UINT, F(pool_port_max), "65535", "last pool port", NULL, 1,
      65535 },
    { "flow_capacity", PARAM_UINT, F(flow_capacity), "1048576",
      "hard maximum of flow-table entries", NULL, 1, 1073741824.0 },
    { "halfopen_max", PARAM_UINT, F(halfopen_max), "262144",
      "at most this many half-open (SYN) entries", NULL, 1, 1073741824.0 },
    { "timeout_syn", PARAM_TIME, F(timeout_syn), "30s", "idle timeout of a half-open entry",
      NULL, 0, 0 },
    { "timeout_est", PARAM_TIME, F(timeout_est), "2h", "idle timeout of an established entry",
      NULL, 0, 0 },
    { "timeout_closing", PARAM_TIME, F(timeout_closing), "60s",
      "idle timeout after FIN/RST", NULL, 0, 0 },
    { "cache", PARAM_ENUM, F(cache), "proxy",
      "where server MPTCP capability is remembered (H10)", "none|proxy|phone", 0, 0 },
    { "cache_entries", PARAM_UINT, F(cache_entries), "65536", "capability cache entries", NULL,
      1, 1e9 },
    { "cache_ways", PARAM_UINT, F(cache_ways), "8", "capability cache associativity", NULL, 1,
      64 },
    { "cache_ttl", PARAM_TIME, F(cache_ttl), "1h", "capability cache entry lifetime", NULL, 0,
      0 },
    { "cookies", PARAM_BOOL, F(cookies), "false",
      "dMCP answers signalled SYNs statelessly with SYN cookies", NULL, 0, 0 },
    { "cookie_period", PARAM_TIME, F(cookie_period), "64s", "SYN cookie time counter period",
      NULL, 1e9, PARAM_TIME_MAX },
    { "pending_per_client", PARAM_UINT, F(pending_per_client), "64",
      "half-open connections per client address (0 = no limit, RFC 8803 9)", NULL, 0, 65535 },
    { "error_rate", PARAM_UINT, F(error_rate), "100", "error replies per second", NULL, 0,
      1e9 },
    { "error_burst", PARAM_UINT, F(error_burst), "10", "error reply burst", NULL, 0, 1e9 },
    { "backoff_s", PARAM_UINT, F(backoff_s), "0",
      "Resource Exceeded retry delay announced (0 = at least 30 s)", NULL, 0, 65535 },
    { "network_side_requests", PARAM_BOOL, F(network_side_requests), "false",
      "accept proxy requests arriving from the network side (open proxy)", NULL, 0, 0 },
    { "convert_cookie", PARAM_BOOL, F(convert_cookie), "false",
      "carry=convert: dMCP requires an RFC 8803 Cookie TLV (Missing Cookie otherwise); uMCP "
      "keeps cookies per client and retries with them", NULL, 0, 0 },
    { "convert_cookie_ttl", PARAM_TIME, F(convert_cookie_ttl), "1h",
      "Convert cookie time counter period (a cookie is valid 1 to 2 periods)", NULL, 0, 0 },
    { "convert_allow", PARAM_STRING, F(convert_allow), "",
      "dMCP, carry=convert: client prefixes allowed to convert, e.g. \"10.0.0.0/8 "
      "2001:db8:c::/48\" (space, comma or semicolon separated, at most 8); empty = everyone; "
      "others get Not Authorized", NULL, 0, 0 },
    { "convert_refuse", PARAM_TIME, F(convert_refuse), "1h",
      "uMCP: how long a client refused with Not Authorized goes end-to-end", NULL, 0, 0 },
    { "mtu", PARAM_UINT, F(mtu), "1500", "packets grown past this are counted", NULL, 68,
      65535 },
    { "seed", PARAM_UINT, F(seed), "1", "secret seed of every hash key and cookie secret",
      NULL, 0, (double)UINT64_MAX },
};
const size_t mcp_param_count = sizeof mcp_param_defs / sizeof mcp_param_defs[0];

/* Registered for `mcpsim help mcp` and name checks; it has no create(): no scenario section
 * holds the category "proxy" (proxy nodes are not in the simulator yet), so it is never
 * instantiated. */
static const struct model_def params_model = {
    .kind = "mcp", .category = "proxy",
    .help = "the MCP datapath's parameters: `mcpsim replay FILE --role umcp|dmcp --set "
            "mcp.NAME=VALUE` (docs/mcp-datapath.md); no proxy node in scenarios yet",
    .params = mcp_param_defs, .nparams = sizeof mcp_param_defs / sizeof mcp_param_defs[0],
    .config_size = sizeof(struct mcp_params),
};
MODEL_REGISTER(params_model)

void mcp_params_defaults(struct mcp_params *p)
{
    char err[256];
    memset(p, 0, sizeof *p);
    param_defaults(&params_model, p, err, sizeof err);
}

int mcp_params_set(struct mcp_params *p, const char *assignment, char *err, size_t errlen)
{
    const char *eq = strchr(assignment, '=');
    if (!eq) {
        snprintf(err, errlen, "\"%s\": expected mcp.NAME=VALUE", assignment);
        return -1;
    }
    char name[64];
    size_t n = (size_t)(eq - assignment);
    if (n >= sizeof name)
        n = sizeof name - 1;
    memcpy(name, assignment, n);
    name[n] = 0;
    const char *bare = strncmp(name, "mcp.", 4) == 0 ? name + 4 : name;
    const struct param_def *d = registry_param(&params_model, bare);
    if (!d) {
        snprintf(err, errlen, "unknown parameter \"%s\" (see mcpsim replay --help)", name);
        return -1;
    }
    return param_set(d, p, eq + 1, err, errlen);
}

static int addr(const char *name, const char *s, int family, uint8_t *out, char *err,
                size_t errlen)
{
    if (inet_pton(family == 4 ? AF_INET : AF_INET6, s, out) != 1) {
        snprintf(err, errlen, "mcp.%s = \"%s\": expected an IPv%d address", name, s, family);
        return -1;
    }
    return 0;
}

/* "PREFIX/LEN" items separated by spaces, commas or semicolons; a bare address is a host
 * prefix. */
static int allow_list(const char *s, struct mcp_config *c, char *err, size_t errlen)
{
    const char *sep = " \t,;";
    c->convert_allow_n = 0;
    for (s += strspn(s, sep); *s; s += strspn(s, sep)) {
        size_t n = strcspn(s, sep);
        char item[64];
        if (n >= sizeof item || c->convert_allow_n == MCP_ALLOW_MAX) {
            snprintf(err, errlen, "mcp.convert_allow = \"%.*s\": %s", (int)n, s,
                     n >= sizeof item ? "item too long" : "at most 8 prefixes");
            return -1;
        }
        memcpy(item, s, n);
        item[n] = 0;
        s += n;
        struct mcp_prefix *pf = &c->convert_allow[c->convert_allow_n];
        memset(pf, 0, sizeof *pf);
        char *slash = strchr(item, '/');
        if (slash)
            *slash = 0;
        pf->family = strchr(item, ':') ? 6 : 4;
        unsigned max = pf->family == 4 ? 32 : 128;
        char *end = NULL;
        unsigned long len = slash ? strtoul(slash + 1, &end, 10) : max;
        if (inet_pton(pf->family == 4 ? AF_INET : AF_INET6, item, pf->addr) != 1 ||
            (slash && (end == slash + 1 || *end || len > max))) {
            snprintf(err, errlen,
                     "mcp.convert_allow: \"%s%s%s\": expected an IPv4 or IPv6 prefix "
                     "ADDRESS/LENGTH (length 0..32 or 0..128)",
                     item, slash ? "/" : "", slash ? slash + 1 : "");
            return -1;
        }
        pf->len = (uint8_t)len;
        c->convert_allow_n++;
    }
    return 0;
}

int mcp_params_to_config(const struct mcp_params *p, struct mcp_config *c, char *err,
                         size_t errlen)
{
    static const char *const signals[] = { "none", "prefer-proxy", "flag", "intercepted",
                                           "hello" };
    static const char *const steers[] = { "ssr", "srcroute", "rewrite", "tunnel" };
    mcp_config_defaults(c);
    c->role = p->role == 1 ? MCP_ROLE_DMCP : MCP_ROLE_UMCP;
    snprintf(c->signal, sizeof c->signal, "%s", signals[p->signal]);
    snprintf(c->steer, sizeof c->steer, "%s", steers[p->steer]);
    /* C (0x20) is spare only in v0; a v1 MP_CAPABLE then keeps the default D. */
    c->prop.flag_bit_v0 = (uint8_t)(0x20 >> p->flag_bit);
    if (p->flag_bit > 0)
        c->prop.flag_bit_v1 = c->prop.flag_bit_v0;
    c->prop.prefer_proxy_len = (uint8_t)p->prefer_proxy_len;
    for (int k = 0; k < PROPOSAL_KIND_COUNT; k++)
        c->prop.subtype[k] = (uint8_t)(p->subtype_base + (uint64_t)k);
    c->prop.convert_ie_type = (uint8_t)p->convert_ie_type;
    c->no_space = (enum mcp_no_space_policy)p->no_space;
    c->convert_plain = p->convert_plain;
    if (addr("dmcp4", p->dmcp4, 4, c->dmcp4, err, errlen) ||
        addr("dmcp6", p->dmcp6, 6, c->dmcp6, err, errlen) ||
        addr("umcp4", p->umcp4, 4, c->umcp4, err, errlen) ||
        addr("umcp6", p->umcp6, 6, c->umcp6, err, errlen) ||
        addr("pool4", p->pool4, 4, c->pool4, err, errlen) ||
        addr("pool6", p->pool6, 6, c->pool6, err, errlen))
        return -1;
    c->srh_reduced = p->srh_reduced;
    c->carry = p->carry == 1 ? MCP_CARRY_CONVERT : MCP_CARRY_MPCONVERT;
    c->addr_mode = p->addr_mode ? MCP_ADDR_SHARE : MCP_ADDR_PRESERVE;
    c->pool_port_min = (uint16_t)p->pool_port_min;
    c->pool_port_max = (uint16_t)p->pool_port_max;
    c->flow_capacity = (uint32_t)p->flow_capacity;
    c->halfopen_max = (uint32_t)p->halfopen_max;
    /* sim_time_t is picoseconds; the datapath counts nanoseconds. */
    c->timeout_syn_ns = p->timeout_syn / 1000;
    c->timeout_est_ns = p->timeout_est / 1000;
    c->timeout_closing_ns = p->timeout_closing / 1000;
    c->cache = (enum mcp_cache_place)p->cache;
    c->cache_entries = (uint32_t)p->cache_entries;
    c->cache_ways = (uint32_t)p->cache_ways;
    c->cache_ttl_ns = p->cache_ttl / 1000;
    c->cookies = p->cookies;
    c->cookie_period_ns = p->cookie_period / 1000;
    c->pending_per_client = (uint32_t)p->pending_per_client;
    c->error_rate_per_s = (uint32_t)p->error_rate;
    c->error_burst = (uint32_t)p->error_burst;
    c->backoff_s = (uint32_t)p->backoff_s;
    c->network_side_requests = p->network_side_requests;
    c->convert_cookie = p->convert_cookie;
    c->convert_cookie_ttl_ns = p->convert_cookie_ttl / 1000;
    c->convert_refuse_ns = p->convert_refuse / 1000;
    if (allow_list(p->convert_allow, c, err, errlen) != 0)
        return -1;
    c->mtu = (uint32_t)p->mtu;
    c->secret_seed = p->seed;
    return 0;
}

void mcp_params_print(FILE *f)
{
    for (size_t i = 0; i < mcp_param_count; i++) {
        const struct param_def *d = &mcp_param_defs[i];
        fprintf(f, "  mcp.%-22s %-8s default %-14s %s%s%s%s\n", d->name,
                param_type_name(d->type), d->default_value, d->help,
                d->choices ? " (" : "", d->choices ? d->choices : "", d->choices ? ")" : "");
    }
}
