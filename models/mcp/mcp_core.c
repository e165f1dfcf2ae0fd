/* mcp_core.c - datapath instance: defaults, construction, accessors, design figures.
 *
 * Every key (flow-table and cache hashes, per-client counters, SYN cookie secret) is derived
 * from one secret_seed parameter, so runs are deterministic and two proxies configured with
 * different seeds hash differently.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/mcp/mcp_internal.h"
#include "models/wire/bytes.h"

static uint64_t derive(uint64_t seed, uint64_t label)
{
    uint64_t x = seed ^ (label * 0x9e3779b97f4a7c15ULL);
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

void mcp_config_defaults(struct mcp_config *c)
{
    memset(c, 0, sizeof *c);
    c->role = MCP_ROLE_UMCP;
    snprintf(c->signal, sizeof c->signal, "flag");
    snprintf(c->steer, sizeof c->steer, "ssr");
    proposal_params_default(&c->prop);
    c->no_space = MCP_NOSPACE_PASS;
    c->convert_plain = false;
    /* Addresses from the documentation ranges (RFC 5737, RFC 3849). */
    const uint8_t dmcp4[4] = { 192, 0, 2, 2 }, umcp4[4] = { 192, 0, 2, 1 },
                  pool4[4] = { 198, 51, 100, 1 };
    memcpy(c->dmcp4, dmcp4, 4);
    memcpy(c->umcp4, umcp4, 4);
    memcpy(c->pool4, pool4, 4);
    const uint8_t pre6[4] = { 0x20, 0x01, 0x0d, 0xb8 };
    memcpy(c->dmcp6, pre6, 4);
    c->dmcp6[15] = 2;
    memcpy(c->umcp6, pre6, 4);
    c->umcp6[15] = 1;
    memcpy(c->pool6, pre6, 4);
    c->pool6[5] = 1;
    c->pool6[15] = 1;
    /* The full SRH, as a Linux seg6 source builds it (docs/mcp-datapath.md). */
    c->srh_reduced = false;
    c->carry = MCP_CARRY_MPCONVERT;
    c->addr_mode = MCP_ADDR_PRESERVE;
    c->pool_port_min = 1024;
    c->pool_port_max = 65535;
    c->flow_capacity = 1u << 20;
    c->halfopen_max = 1u << 18;
    c->timeout_syn_ns = 30 * MCP_NS_PER_S;
    c->timeout_est_ns = 7200 * MCP_NS_PER_S;
    c->timeout_closing_ns = 60 * MCP_NS_PER_S;
    c->cache = MCP_CACHE_PROXY;
    c->cache_entries = 65536;
    c->cache_ways = 8;
    c->cache_ttl_ns = 3600 * MCP_NS_PER_S;
    c->cookies = false;
    c->cookie_period_ns = 64 * MCP_NS_PER_S;
    c->pending_per_client = 64;
    c->error_rate_per_s = 100;
    c->error_burst = 10;
    c->backoff_s = 0;
    c->network_side_requests = false;
    c->convert_cookie = false;
    c->convert_cookie_ttl_ns = 3600 * MCP_NS_PER_S;
    c->convert_allow_n = 0;
    c->convert_refuse_ns = 3600 * MCP_NS_PER_S;
    c->mtu = 1500;
    c->secret_seed = 1;
}

void mcp_destroy(struct mcp *m)
{
    if (!m)
        return;
    mcp_dp_cancel_sweep(m);
    mcp_flow_destroy(m->flows);
    mcp_capcache_destroy(m->cache);
    mcp_cookie_destroy(m->cookies);
    mcp_convclient_destroy(m->convclient);
    mcp_limits_destroy(m->limits);
    free(m);
}

int mcp_create(const struct mcp_config *cfg, const struct mcp_platform *plat, struct mcp **out,
               char *err, size_t errlen)
{
    if (!plat || !plat->now_ns) {
        snprintf(err, errlen, "the platform must provide a clock (now_ns)");
        return -1;
    }
    const struct mcp_signal_ops *sig = mcp_signal_find(cfg->signal);
    const struct mcp_steer_ops *steer = mcp_steer_find(cfg->steer);
    if (!sig) {
        snprintf(err, errlen,
                 "mcp.signal \"%s\": expected none, prefer-proxy, flag, intercepted or hello",
                 cfg->signal);
        return -1;
    }
    if (!steer) {
        snprintf(err, errlen, "mcp.steer \"%s\": expected ssr, srcroute, rewrite or tunnel",
                 cfg->steer);
        return -1;
    }
    if (proposal_params_check(&cfg->prop, err, errlen) != 0)
        return -1;
    if (cfg->pool_port_min == 0 || cfg->pool_port_min > cfg->pool_port_max) {
        snprintf(err, errlen, "mcp pool ports %u..%u: expected 1 <= min <= max",
                 cfg->pool_port_min, cfg->pool_port_max);
        return -1;
    }
    struct mcp *m = calloc(1, sizeof *m);
    if (!m) {
        snprintf(err, errlen, "out of memory for the datapath");
        return -1;
    }
    m->cfg = *cfg;
    m->plat = *plat;
    m->sig = sig;
    m->steer = steer;
    struct mcp_flow_config fc = {
        .capacity = cfg->flow_capacity, .halfopen_max = cfg->halfopen_max,
        .timeout_ns = { cfg->timeout_syn_ns, cfg->timeout_est_ns, cfg->timeout_closing_ns },
        .hash_secret = derive(cfg->secret_seed, 1),
    };
    mcp_dp_flow_config(m, &fc);
    if (mcp_flow_create(&fc, &m->flows, err, errlen) != 0)
        goto fail;
    if (cfg->cache != MCP_CACHE_NONE) {
        struct mcp_capcache_config cc = { cfg->cache_entries, cfg->cache_ways, cfg->cache_ttl_ns,
                                          derive(cfg->secret_seed, 2) };
        if (mcp_capcache_create(&cc, &m->cache, err, errlen) != 0)
            goto fail;
    }
    if (cfg->convert_cookie && cfg->convert_cookie_ttl_ns <= 0) {
        snprintf(err, errlen, "mcp.convert_cookie_ttl: expected a positive time");
        goto fail;
    }
    if (cfg->convert_allow_n > MCP_ALLOW_MAX) {
        snprintf(err, errlen, "mcp.convert_allow: at most %d prefixes", MCP_ALLOW_MAX);
        goto fail;
    }
    /* The jar's secret also makes the Convert cookies (the dMCP's only use when cookies is
     * off); the SYN cookie paths test cfg.cookies, not the jar. */
    if (cfg->cookies || (cfg->convert_cookie && cfg->role == MCP_ROLE_DMCP)) {
        struct mcp_cookie_config kc = { .period_ns = cfg->cookie_period_ns, .max_age = 2 };
        for (int i = 0; i < 4; i++)
            wr64(kc.secret + 8 * i, derive(cfg->secret_seed, 10 + (uint64_t)i));
        if (mcp_cookie_create(&kc, &m->cookies, err, errlen) != 0)
            goto fail;
    }
    if (cfg->convert_cookie && cfg->role == MCP_ROLE_UMCP && cfg->carry == MCP_CARRY_CONVERT) {
        struct mcp_convclient_config cc = { .entries = cfg->cache_entries ? cfg->cache_entries : 1,
                                            .refuse_ns = cfg->convert_refuse_ns,
                                            .hash_secret = derive(cfg->secret_seed, 4) };
        if (mcp_convclient_create(&cc, &m->convclient, err, errlen) != 0)
            goto fail;
    }
    struct mcp_limits_config lc = {
        .pending_per_client = cfg->pending_per_client, .counter_bits = 16,
        .error_rate_per_s = cfg->error_rate_per_s, .error_burst = cfg->error_burst,
        .backoff_s = cfg->backoff_s, .network_side_requests = cfg->network_side_requests,
        .hash_secret = derive(cfg->secret_seed, 3),
    };
    if (mcp_limits_create(&lc, &m->limits, err, errlen) != 0)
        goto fail;
    mcp_dp_arm_sweep(m);
    *out = m;
    return 0;
fail:
    mcp_destroy(m);
    return -1;
}

const struct mcp_stats *mcp_stats(const struct mcp *m) { return &m->st; }

uint32_t mcp_flows(const struct mcp *m) { return mcp_flow_count(m->flows); }

size_t mcp_state_bytes(const struct mcp *m) { return mcp_flow_bytes_in_use(m->flows); }

size_t mcp_flow_entry_size(const struct mcp *m) { return mcp_flow_entry_bytes(m->flows); }

size_t mcp_alloc_bytes(const struct mcp *m)
{
    return sizeof *m + mcp_flow_table_bytes(m->flows) +
           (m->cache ? mcp_capcache_bytes(m->cache) : 0) + mcp_limits_bytes(m->limits) +
           (m->convclient ? mcp_convclient_bytes(m->convclient) : 0);
}

void mcp_design_cost(const struct mcp *m, uint8_t family, struct mcp_design_cost *c)
{
    c->syn_option_bytes = 0;
    if (m->sig->option >= 0) {
        struct proposal_opt o = { .kind = (uint8_t)m->sig->option };
        int n = proposal_opt_wire_len(&m->cfg.prop, &o);
        c->syn_option_bytes = n > 0 ? ((uint32_t)n + 3) / 4 * 4 : 0;
    }
    c->per_packet_bytes = m->steer->per_packet(m, family);
    c->syn_extra_bytes = m->steer->syn_extra(m, family) + c->per_packet_bytes;
}

int mcp_routes_needed(const struct mcp *m, char *buf, size_t len)
{
    if (!m->steer->needs_routes) {
        if (len)
            buf[0] = 0;
        return 0;
    }
    /* One destination/source route per customer prefix and family in every router between
     * the uMCP and the dMCP (protocol.md 3.1): state O(prefixes), not O(flows). */
    char a4[INET_ADDRSTRLEN], a6[INET6_ADDRSTRLEN];
    inet_ntop(AF_INET, m->cfg.dmcp4, a4, sizeof a4);
    inet_ntop(AF_INET6, m->cfg.dmcp6, a6, sizeof a6);
    snprintf(buf, len,
             "from <customer IPv4 prefix> to 0.0.0.0/0 via %s\n"
             "from <customer IPv6 prefix> to ::/0 via %s\n",
             a4, a6);
    return 2;
}
