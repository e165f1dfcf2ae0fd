/* mcp_limits.c - per-client pending counters, error token bucket, Resource Exceeded back-off. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/mcp/mcp_limits.h"

struct mcp_limits {
    struct mcp_limits_config cfg;
    uint16_t *pending;
    uint32_t mask;
    uint64_t tokens;   /* error-reply token bucket, in 1e-9 tokens */
    mcp_ns_t bucket_ns;
    mcp_ns_t backoff_until_ns;
};

int mcp_limits_create(const struct mcp_limits_config *cfg, struct mcp_limits **out, char *err,
                      size_t errlen)
{
    if (cfg->counter_bits < 8 || cfg->counter_bits > 24) {
        snprintf(err, errlen, "per-client counter bits %u: expected 8..24", cfg->counter_bits);
        return -1;
    }
    if (cfg->pending_per_client > UINT16_MAX) {
        snprintf(err, errlen, "pending-per-client %u: expected at most 65535",
                 cfg->pending_per_client);
        return -1;
    }
    struct mcp_limits *l = calloc(1, sizeof *l);
    if (l)
        l->pending = calloc((size_t)1 << cfg->counter_bits, sizeof *l->pending);
    if (!l || !l->pending) {
        mcp_limits_destroy(l);
        snprintf(err, errlen, "out of memory for per-client limits");
        return -1;
    }
    l->cfg = *cfg;
    l->mask = (1u << cfg->counter_bits) - 1;
    l->tokens = (uint64_t)cfg->error_burst * MCP_NS_PER_S;
    *out = l;
    return 0;
}

void mcp_limits_destroy(struct mcp_limits *l)
{
    if (l) {
        free(l->pending);
        free(l);
    }
}

bool mcp_limits_side_allowed(const struct mcp_limits *l, enum mcp_side from)
{
    return from == MCP_SIDE_CUSTOMER || l->cfg.network_side_requests;
}

static uint32_t slot(const struct mcp_limits *l, uint8_t family, const uint8_t addr[16])
{
    uint64_t a, b;
    memcpy(&a, addr, 8);
    memcpy(&b, addr + 8, 8);
    uint64_t h = (a ^ l->cfg.hash_secret) * 0x9e3779b97f4a7c15ULL;
    h = (h ^ (h >> 29) ^ b ^ family) * 0xbf58476d1ce4e5b9ULL;
    return (uint32_t)(h >> 32) & l->mask;
}

int mcp_limits_pending_take(struct mcp_limits *l, uint8_t family, const uint8_t addr[16])
{
    if (!l->cfg.pending_per_client)
        return 0;
    uint16_t *c = &l->pending[slot(l, family, addr)];
    if (*c >= l->cfg.pending_per_client)
        return -EBUSY;
    (*c)++;
    return 0;
}

void mcp_limits_pending_release(struct mcp_limits *l, uint8_t family, const uint8_t addr[16])
{
    if (!l->cfg.pending_per_client)
        return;
    uint16_t *c = &l->pending[slot(l, family, addr)];
    if (*c)
        (*c)--;
}

uint32_t mcp_limits_pending(const struct mcp_limits *l, uint8_t family, const uint8_t addr[16])
{
    return l->pending[slot(l, family, addr)];
}

bool mcp_limits_error_allowed(struct mcp_limits *l, mcp_ns_t now)
{
    if (!l->cfg.error_rate_per_s)
        return false;
    /* Tokens are counted in units of 1e-9 token, so one ns adds exactly `rate` units. */
    uint64_t cap = (uint64_t)l->cfg.error_burst * MCP_NS_PER_S;
    if (now > l->bucket_ns) {
        uint64_t elapsed = (uint64_t)(now - l->bucket_ns);
        uint64_t full = cap / l->cfg.error_rate_per_s + 1; /* ns to refill from empty */
        uint64_t add = (elapsed < full ? elapsed : full) * l->cfg.error_rate_per_s;
        l->tokens = l->tokens + add > cap ? cap : l->tokens + add;
        l->bucket_ns = now;
    }
    if (l->tokens < (uint64_t)MCP_NS_PER_S)
        return false;
    l->tokens -= (uint64_t)MCP_NS_PER_S;
    return true;
}

uint32_t mcp_limits_backoff_delay_s(const struct mcp_limits *l) { return l->cfg.backoff_s; }

void mcp_limits_note_resource_exceeded(struct mcp_limits *l, uint32_t delay_s, mcp_ns_t now)
{
    /* RFC 8803 Error 64: value 0 means the client must wait at least 30 s. */
    mcp_ns_t d = (mcp_ns_t)(delay_s ? delay_s : 30) * MCP_NS_PER_S;
    if (now + d > l->backoff_until_ns)
        l->backoff_until_ns = now + d;
}

bool mcp_limits_in_backoff(const struct mcp_limits *l, mcp_ns_t now)
{
    return now < l->backoff_until_ns;
}

size_t mcp_limits_bytes(const struct mcp_limits *l)
{
    return sizeof *l + ((size_t)l->mask + 1) * sizeof *l->pending;
}
