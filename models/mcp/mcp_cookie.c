/* mcp_cookie.c - SYN cookie encoding and validation with HMAC-SHA256 (nettle). */
#include <nettle/hmac.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/mcp/mcp_cookie.h"
#include "models/wire/bytes.h"

/* Linux's IPv4 table stops at 1460; 8960 covers jumbo frames, small values old stacks.
 * Sorted ascending; index 0 is the floor every client gets. */
static const uint16_t mss_table[8] = { 536, 1024, 1220, 1300, 1400, 1440, 1460, 8960 };

struct mcp_cookie_jar {
    struct mcp_cookie_config cfg;
    struct hmac_sha256_ctx keyed; /* HMAC state after the key: copied per use */
};

int mcp_cookie_create(const struct mcp_cookie_config *cfg, struct mcp_cookie_jar **out,
                      char *err, size_t errlen)
{
    if (cfg->period_ns <= 0 || cfg->max_age == 0 || cfg->max_age > 31) {
        snprintf(err, errlen, "SYN cookie period must be positive and max age 1..31 periods");
        return -1;
    }
    struct mcp_cookie_jar *j = calloc(1, sizeof *j);
    if (!j) {
        snprintf(err, errlen, "out of memory for SYN cookies");
        return -1;
    }
    j->cfg = *cfg;
    hmac_sha256_set_key(&j->keyed, sizeof cfg->secret, cfg->secret);
    *out = j;
    return 0;
}

void mcp_cookie_destroy(struct mcp_cookie_jar *j) { free(j); }

/* HMAC over (tuple, label, extra); the first 8 digest bytes as an integer. */
static uint64_t keyed_hash(const struct mcp_cookie_jar *j, const struct mcp_tuple *k,
                           uint8_t label, uint32_t a, uint32_t b)
{
    uint8_t msg[16 + 16 + 2 + 2 + 1 + 1 + 4 + 4];
    uint8_t *p = msg;
    memcpy(p, k->src, 16), p += 16;
    memcpy(p, k->dst, 16), p += 16;
    wr16(p, k->sport), p += 2;
    wr16(p, k->dport), p += 2;
    *p++ = k->family;
    *p++ = label;
    wr32(p, a), p += 4;
    wr32(p, b);
    struct hmac_sha256_ctx c = j->keyed;
    hmac_sha256_update(&c, sizeof msg, msg);
    uint8_t d[SHA256_DIGEST_SIZE];
    hmac_sha256_digest(&c, sizeof d, d);
    return rd64(d);
}

static uint32_t counter(const struct mcp_cookie_jar *j, mcp_ns_t now)
{
    return (uint32_t)(now / j->cfg.period_ns);
}

static uint32_t mss_index(uint16_t mss)
{
    uint32_t i = 0;
    while (i + 1 < 8 && mss_table[i + 1] <= mss)
        i++;
    return i;
}

uint16_t mcp_cookie_mss_round(uint16_t mss) { return mss_table[mss_index(mss)]; }

uint32_t mcp_cookie_make(const struct mcp_cookie_jar *j, const struct mcp_tuple *k,
                         uint32_t client_isn, uint16_t client_mss, mcp_ns_t now)
{
    uint32_t t = counter(j, now);
    uint32_t h = (uint32_t)keyed_hash(j, k, 'C', t, client_isn) & 0xffffffu;
    return (t & 31u) << 27 | mss_index(client_mss) << 24 | h;
}

enum mcp_cookie_result mcp_cookie_check(const struct mcp_cookie_jar *j, const struct mcp_tuple *k,
                                        uint32_t ack_seq, uint32_t ack_ack, mcp_ns_t now,
                                        uint16_t *mss)
{
    uint32_t cookie = ack_ack - 1, client_isn = ack_seq - 1;
    uint32_t now_t = counter(j, now);
    uint32_t age = (now_t - (cookie >> 27)) & 31u;
    /* Recompute for the one counter the cookie names: one HMAC per ACK, not max_age. */
    uint32_t t = now_t - age;
    uint32_t h = (uint32_t)keyed_hash(j, k, 'C', t, client_isn) & 0xffffffu;
    if (h != (cookie & 0xffffffu))
        return MCP_COOKIE_FORGED;
    if (age >= j->cfg.max_age)
        return MCP_COOKIE_EXPIRED;
    *mss = mss_table[(cookie >> 24) & 7u];
    return MCP_COOKIE_VALID;
}

uint64_t mcp_cookie_mptcp_key(const struct mcp_cookie_jar *j, const struct mcp_tuple *k)
{
    uint64_t key = keyed_hash(j, k, 'K', 0, 0);
    return key ? key : 1;
}

/* The client's address as a tuple with nothing else set: the cookie binds the address only
 * (RFC 8803 6.2.7), so it serves every connection the client opens through the converter. */
static uint64_t convert_hash(const struct mcp_cookie_jar *j, uint8_t family,
                             const uint8_t addr[16], uint32_t t)
{
    struct mcp_tuple k;
    memset(&k, 0, sizeof k);
    k.family = family;
    memcpy(k.src, addr, 16);
    return keyed_hash(j, &k, 'V', t, 0);
}

static void convert_cookie_of(const struct mcp_cookie_jar *j, uint8_t family,
                              const uint8_t addr[16], uint32_t t,
                              uint8_t out[MCP_CONVERT_COOKIE_LEN])
{
    uint64_t h = convert_hash(j, family, addr, t);
    wr16(out, (uint16_t)t);
    for (int i = 2; i < MCP_CONVERT_COOKIE_LEN; i++)
        out[i] = (uint8_t)(h >> (64 - 8 * (i - 1)));
}

void mcp_cookie_convert_make(const struct mcp_cookie_jar *j, uint8_t family,
                             const uint8_t addr[16], mcp_ns_t period_ns, mcp_ns_t now,
                             uint8_t out[MCP_CONVERT_COOKIE_LEN])
{
    convert_cookie_of(j, family, addr, (uint32_t)(now / period_ns), out);
}

enum mcp_cookie_result mcp_cookie_convert_check(const struct mcp_cookie_jar *j, uint8_t family,
                                                const uint8_t addr[16], const uint8_t *cookie,
                                                size_t len, mcp_ns_t period_ns, mcp_ns_t now)
{
    if (len != MCP_CONVERT_COOKIE_LEN)
        return MCP_COOKIE_FORGED;
    uint32_t now_t = (uint32_t)(now / period_ns);
    uint32_t age = (uint16_t)(now_t - rd16(cookie));
    /* One HMAC for the counter the cookie names (as mcp_cookie_check). */
    uint8_t want[MCP_CONVERT_COOKIE_LEN];
    convert_cookie_of(j, family, addr, now_t - age, want);
    uint8_t diff = 0;
    for (int i = 2; i < MCP_CONVERT_COOKIE_LEN; i++)
        diff |= (uint8_t)(want[i] ^ cookie[i]);
    if (diff)
        return MCP_COOKIE_FORGED;
    return age < 2 ? MCP_COOKIE_VALID : MCP_COOKIE_EXPIRED;
}
