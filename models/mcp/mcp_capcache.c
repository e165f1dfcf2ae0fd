/* mcp_capcache.c - set-associative LRU + TTL cache of server MPTCP capability. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/mcp/mcp_capcache.h"

struct cap_entry {
    uint8_t addr[16];
    uint32_t iface;
    uint16_t port;
    uint8_t family;   /* 0 = empty slot */
    uint8_t verdict;
    mcp_ns_t expires_ns;
    mcp_ns_t used_ns; /* LRU stamp */
};

struct mcp_capcache {
    struct mcp_capcache_config cfg;
    uint32_t sets;
    struct cap_entry *e;
    struct mcp_capcache_stats st;
};

static uint64_t mix(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    return x ^ (x >> 33);
}

static struct cap_entry *set_of(const struct mcp_capcache *c, uint32_t iface, uint8_t family,
                                const uint8_t addr[16], uint16_t port)
{
    uint64_t a, b;
    memcpy(&a, addr, 8);
    memcpy(&b, addr + 8, 8);
    uint64_t h = mix(c->cfg.hash_secret ^ a);
    h = mix(h ^ b);
    h = mix(h ^ ((uint64_t)iface << 24 | (uint64_t)port << 8 | family));
    return &c->e[(size_t)(h % c->sets) * c->cfg.ways];
}

static int same(const struct cap_entry *e, uint32_t iface, uint8_t family, const uint8_t *addr,
                uint16_t port)
{
    return e->family == family && e->iface == iface && e->port == port &&
           memcmp(e->addr, addr, 16) == 0;
}

int mcp_capcache_create(const struct mcp_capcache_config *cfg, struct mcp_capcache **out,
                        char *err, size_t errlen)
{
    if (cfg->ways == 0 || cfg->ways > 64 || cfg->entries < cfg->ways) {
        snprintf(err, errlen,
                 "capability cache of %u entries, %u ways: expected 1..64 ways and at least "
                 "one set",
                 cfg->entries, cfg->ways);
        return -1;
    }
    if (cfg->ttl_ns <= 0) {
        snprintf(err, errlen, "capability cache TTL must be positive");
        return -1;
    }
    struct mcp_capcache *c = calloc(1, sizeof *c);
    if (!c)
        goto nomem;
    c->cfg = *cfg;
    c->sets = cfg->entries / cfg->ways;
    c->e = calloc((size_t)c->sets * cfg->ways, sizeof *c->e);
    if (!c->e)
        goto nomem;
    *out = c;
    return 0;
nomem:
    mcp_capcache_destroy(c);
    snprintf(err, errlen, "out of memory for a capability cache of %u entries", cfg->entries);
    return -1;
}

void mcp_capcache_destroy(struct mcp_capcache *c)
{
    if (c) {
        free(c->e);
        free(c);
    }
}

enum mcp_cap mcp_capcache_get(struct mcp_capcache *c, uint32_t iface, uint8_t family,
                              const uint8_t addr[16], uint16_t port, mcp_ns_t now)
{
    struct cap_entry *s = set_of(c, iface, family, addr, port);
    for (uint32_t w = 0; w < c->cfg.ways; w++) {
        struct cap_entry *e = &s[w];
        if (!same(e, iface, family, addr, port))
            continue;
        if (e->expires_ns <= now) {
            e->family = 0;
            c->st.expirations++;
            break;
        }
        e->used_ns = now;
        c->st.hits++;
        return (enum mcp_cap)e->verdict;
    }
    c->st.misses++;
    return MCP_CAP_UNKNOWN;
}

void mcp_capcache_put(struct mcp_capcache *c, uint32_t iface, uint8_t family,
                      const uint8_t addr[16], uint16_t port, enum mcp_cap verdict, mcp_ns_t now)
{
    struct cap_entry *s = set_of(c, iface, family, addr, port);
    struct cap_entry *victim = NULL;
    for (uint32_t w = 0; w < c->cfg.ways; w++) {
        struct cap_entry *e = &s[w];
        if (e->family && same(e, iface, family, addr, port)) {
            victim = e;
            c->st.updates++;
            goto fill;
        }
    }
    /* An empty or expired way first, else the least recently used. */
    victim = &s[0];
    for (uint32_t w = 0; w < c->cfg.ways; w++) {
        struct cap_entry *e = &s[w];
        if (!e->family || e->expires_ns <= now) {
            if (e->family)
                c->st.expirations++;
            victim = e;
            break;
        }
        if (e->used_ns < victim->used_ns)
            victim = e;
    }
    if (victim->family && victim->expires_ns > now)
        c->st.evictions++;
    c->st.inserts++;
fill:
    memcpy(victim->addr, addr, 16);
    victim->iface = iface;
    victim->port = port;
    victim->family = family;
    victim->verdict = (uint8_t)verdict;
    victim->expires_ns = now + c->cfg.ttl_ns;
    victim->used_ns = now;
}

uint32_t mcp_capcache_count(const struct mcp_capcache *c, mcp_ns_t now)
{
    uint32_t n = 0;
    for (size_t i = 0; i < (size_t)c->sets * c->cfg.ways; i++)
        n += c->e[i].family && c->e[i].expires_ns > now;
    return n;
}

uint32_t mcp_capcache_capacity(const struct mcp_capcache *c) { return c->sets * c->cfg.ways; }

size_t mcp_capcache_entry_bytes(void) { return sizeof(struct cap_entry); }

size_t mcp_capcache_bytes(const struct mcp_capcache *c)
{
    return sizeof *c + (size_t)c->sets * c->cfg.ways * sizeof(struct cap_entry);
}

const struct mcp_capcache_stats *mcp_capcache_stats(const struct mcp_capcache *c)
{
    return &c->st;
}

const char *mcp_cap_name(enum mcp_cap v)
{
    switch (v) {
    case MCP_CAP_UNKNOWN: return "unknown";
    case MCP_CAP_MPTCP: return "mptcp";
    case MCP_CAP_TCP_ONLY: return "tcp-only";
    case MCP_CAP_PROXY_SEEN: return "proxy-seen";
    }
    return "?";
}
