/* mcp_capcache.h - bounded cache of what is known about servers: MPTCP-capable or not.
 *
 * The thread (thread-2017-03.txt) weighs two placements: one cache in the proxy, shared by
 * every client ("scaling and DoS problems": one poisoner affects everybody, a
 * random-destination flood churns it), or one in the phone per interface (per-user blast
 * radius, cold start per interface). Both are this code: a shared cache is one instance
 * keyed with iface 0; the phone placement is one instance per interface (or one instance
 * keyed by interface id). protocol.md section 6, H10.
 *
 * Structure: set-associative (ways entries per set, set chosen by a keyed hash), LRU within
 * a set, a TTL per entry. Bounded memory by construction, O(ways) per operation, nothing
 * allocated after creation. LRU is exact within a set and approximate globally, as in the
 * hardware caches and flow caches this mimics; a random-destination flood can only evict
 * within the sets it hashes to, and cannot predict them (keyed hash).
 */
#ifndef MCPSIM_MCP_CAPCACHE_H
#define MCPSIM_MCP_CAPCACHE_H

#include <stddef.h>
#include <stdint.h>

#include "models/mcp/mcp_platform.h"

enum mcp_cap {
    MCP_CAP_UNKNOWN = 0,
    MCP_CAP_MPTCP,       /* the server answered MP_CAPABLE */
    MCP_CAP_TCP_ONLY,    /* the server answered without MP_CAPABLE */
    MCP_CAP_PROXY_SEEN,  /* a proxy announced itself (HI_I_AM_A_PROXY) on this path */
};

struct mcp_capcache_config {
    uint32_t entries;     /* total entries (rounded down to a multiple of ways) */
    uint32_t ways;        /* associativity, 1..64 */
    mcp_ns_t ttl_ns;      /* an entry older than this is unknown again */
    uint64_t hash_secret;
};

struct mcp_capcache_stats {
    uint64_t hits, misses, inserts, updates, evictions, expirations;
};

struct mcp_capcache;

int mcp_capcache_create(const struct mcp_capcache_config *cfg, struct mcp_capcache **out,
                        char *err, size_t errlen);
void mcp_capcache_destroy(struct mcp_capcache *c);

/* What is known about (iface, server address, port); refreshes the entry's LRU position. */
enum mcp_cap mcp_capcache_get(struct mcp_capcache *c, uint32_t iface, uint8_t family,
                              const uint8_t addr[16], uint16_t port, mcp_ns_t now);
/* Records a verdict (restarting its TTL); evicts the least recently used entry of the set
 * when it is full. */
void mcp_capcache_put(struct mcp_capcache *c, uint32_t iface, uint8_t family,
                      const uint8_t addr[16], uint16_t port, enum mcp_cap verdict, mcp_ns_t now);

uint32_t mcp_capcache_count(const struct mcp_capcache *c, mcp_ns_t now);
uint32_t mcp_capcache_capacity(const struct mcp_capcache *c);
size_t mcp_capcache_entry_bytes(void);
size_t mcp_capcache_bytes(const struct mcp_capcache *c);
const struct mcp_capcache_stats *mcp_capcache_stats(const struct mcp_capcache *c);
const char *mcp_cap_name(enum mcp_cap v);

#endif
