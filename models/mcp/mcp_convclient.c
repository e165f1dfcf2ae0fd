/* mcp_convclient.c - per-client Convert cookie and refusal, direct-mapped by a keyed hash. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/mcp/mcp_convclient.h"

struct slot {
    uint8_t addr[16];
    uint8_t family;        /* 0: empty */
    uint8_t cookie_len;
    uint8_t cookie[MCP_CONVCLIENT_COOKIE_MAX];
    mcp_ns_t refused_until;
};

struct mcp_convclient {
    struct mcp_convclient_config cfg;
    struct slot *slots;
};

int mcp_convclient_create(const struct mcp_convclient_config *cfg, struct mcp_convclient **out,
                          char *err, size_t errlen)
{
    if (cfg->entries == 0) {
        snprintf(err, errlen, "Convert client cache: expected at least one entry");
        return -1;
    }
    struct mcp_convclient *c = calloc(1, sizeof *c);
    if (c)
        c->slots = calloc(cfg->entries, sizeof *c->slots);
    if (!c || !c->slots) {
        mcp_convclient_destroy(c);
        snprintf(err, errlen, "out of memory for the Convert client cache");
        return -1;
    }
    c->cfg = *cfg;
    *out = c;
    return 0;
}

void mcp_convclient_destroy(struct mcp_convclient *c)
{
    if (c) {
        free(c->slots);
        free(c);
    }
}

static struct slot *slot_of(const struct mcp_convclient *c, uint8_t family,
                            const uint8_t addr[16])
{
    uint64_t a, b;
    memcpy(&a, addr, 8);
    memcpy(&b, addr + 8, 8);
    uint64_t h = (a ^ c->cfg.hash_secret) * 0x9e3779b97f4a7c15ULL;
    h = (h ^ (h >> 29) ^ b ^ family) * 0xbf58476d1ce4e5b9ULL;
    return &c->slots[(h >> 32) % c->cfg.entries];
}

static bool is(const struct slot *s, uint8_t family, const uint8_t addr[16])
{
    return s->family == family && memcmp(s->addr, addr, 16) == 0;
}

/* The client's slot, taken over from whoever had it. */
static struct slot *claim(struct mcp_convclient *c, uint8_t family, const uint8_t addr[16])
{
    struct slot *s = slot_of(c, family, addr);
    if (!is(s, family, addr)) {
        memset(s, 0, sizeof *s);
        s->family = family;
        memcpy(s->addr, addr, 16);
    }
    return s;
}

int mcp_convclient_put_cookie(struct mcp_convclient *c, uint8_t family, const uint8_t addr[16],
                              const uint8_t *cookie, size_t len)
{
    if (len == 0 || len > MCP_CONVCLIENT_COOKIE_MAX)
        return -EINVAL;
    struct slot *s = claim(c, family, addr);
    memcpy(s->cookie, cookie, len);
    s->cookie_len = (uint8_t)len;
    return 0;
}

size_t mcp_convclient_cookie(const struct mcp_convclient *c, uint8_t family,
                             const uint8_t addr[16], uint8_t out[MCP_CONVCLIENT_COOKIE_MAX])
{
    const struct slot *s = slot_of(c, family, addr);
    if (!is(s, family, addr) || !s->cookie_len)
        return 0;
    memcpy(out, s->cookie, s->cookie_len);
    return s->cookie_len;
}

void mcp_convclient_refuse(struct mcp_convclient *c, uint8_t family, const uint8_t addr[16],
                           mcp_ns_t now)
{
    struct slot *s = claim(c, family, addr);
    s->cookie_len = 0;
    s->refused_until = now + c->cfg.refuse_ns;
}

bool mcp_convclient_refused(const struct mcp_convclient *c, uint8_t family,
                            const uint8_t addr[16], mcp_ns_t now)
{
    const struct slot *s = slot_of(c, family, addr);
    return is(s, family, addr) && now < s->refused_until;
}

size_t mcp_convclient_bytes(const struct mcp_convclient *c)
{
    return sizeof *c + (size_t)c->cfg.entries * sizeof *c->slots;
}
