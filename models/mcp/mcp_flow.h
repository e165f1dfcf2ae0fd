/* mcp_flow.h - the proxy's flow table: 5-tuple index, MPTCP token index, timeouts, capacity.
 *
 * Entries live in one array allocated at creation (hard capacity, no allocation per packet).
 * Two open-addressing hash indexes (linear probing, backward-shift deletion so no tombstones
 * accumulate) map a canonical 5-tuple and an MPTCP token to an entry. The 5-tuple is stored
 * canonically (lower endpoint first) so both directions of a subflow hit the same entry in
 * one probe; the entry remembers which endpoint opened it. The hashes are keyed with a
 * per-table secret so an attacker choosing addresses cannot aim at one probe chain.
 *
 * Timeouts (cf. Linux conntrack): each state has one timeout, and entries of a state sit in a
 * list ordered by expiry (refreshing moves an entry to the tail), so expiry is O(1) per
 * expired entry and needs no timer per flow.
 *
 * Capacity policy (RFC 4987 section 3.4, "recycling the oldest half-open TCB"): when the
 * table is full, expired entries are reclaimed first; then, if half-open (SYN-seen) entries
 * exceed their reserved share, the oldest is evicted for a new half-open entry; established
 * and closing entries are never evicted by new ones — the insert is refused instead, and the
 * caller decides (pass untouched, or a Resource Exceeded error). Half-open entries may use
 * at most halfopen_max entries, so a SYN flood cannot push out established connections.
 *
 * Not modelled: per-CPU tables and RCU; one table per datapath instance.
 */
#ifndef MCPSIM_MCP_FLOW_H
#define MCPSIM_MCP_FLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "models/mcp/mcp_platform.h"

#define MCP_FLOW_NONE UINT32_MAX

enum mcp_flow_state {
    MCP_FS_SYN = 0,      /* SYN seen, handshake not complete */
    MCP_FS_ESTABLISHED,  /* handshake complete (or data seen) */
    MCP_FS_CLOSING,      /* FIN or RST seen */
    MCP_FS_COUNT,
};

/* A 5-tuple as seen on a packet (protocol is always TCP). Addresses are 16 bytes; IPv4 uses
 * the first 4 and zeroes the rest. */
struct mcp_tuple {
    uint8_t src[16];
    uint8_t dst[16];
    uint16_t sport;
    uint16_t dport;
    uint8_t family; /* 4 or 6 */
};

/* One tracked subflow. Fields are grouped for a compact layout (see mcp_flow_entry_bytes). */
struct mcp_flow {
    uint8_t a[16], b[16];        /* canonical endpoints: a <= b */
    uint16_t aport, bport;
    uint8_t family;
    uint8_t state;               /* enum mcp_flow_state */
    uint8_t a_opened;            /* 1 if endpoint a sent the first SYN */
    uint8_t in_use;
    uint32_t token;              /* MPTCP token this subflow belongs to (0: none) */
    uint32_t conn;               /* entry of the connection's first subflow (self for it) */
    uint32_t peer;               /* linked entry (dst-rewrite: the other leg), or NONE;
                                    removing one of two linked entries removes both */
    uint32_t prev, next;         /* state list, ordered by expiry */
    mcp_ns_t expires_ns;
    /* Datapath annotations, opaque to the table. */
    uint8_t kind;                /* what the datapath decided for this flow */
    uint8_t flags;
    uint8_t seq_delta;           /* bytes the uMCP put in the SYN payload (Convert) */
    uint8_t iface;               /* interface the opening SYN arrived on (per-interface cache) */
    uint16_t map_port;           /* dst-rewrite: original destination port / pool port */
    uint16_t map_port2;          /* address sharing: the pool port */
    uint8_t map_addr[16];        /* dst-rewrite: original destination address */
};

struct mcp_flow_config {
    uint32_t capacity;           /* hard maximum of entries */
    uint32_t halfopen_max;       /* at most this many SYN-state entries (<= capacity) */
    mcp_ns_t timeout_ns[MCP_FS_COUNT];
    uint64_t hash_secret;        /* keys the index hashes */
    /* Called for every entry leaving the table (expiry, eviction, removal), before it is
     * cleared; may be NULL. Lets the owner release what the entry held (a pending slot). */
    void (*on_remove)(void *arg, const struct mcp_flow *f);
    void *on_remove_arg;
};

struct mcp_flow_table;

/* Allocates everything up front. 0, or -1 when the configuration is invalid (err says why)
 * or memory is short. */
int mcp_flow_create(const struct mcp_flow_config *cfg, struct mcp_flow_table **out, char *err,
                    size_t errlen);
void mcp_flow_destroy(struct mcp_flow_table *t);

/* Entry index of the subflow t belongs to (either direction), or MCP_FLOW_NONE. Expired
 * entries are not returned (they are reclaimed on the spot). */
uint32_t mcp_flow_lookup(struct mcp_flow_table *t, const struct mcp_tuple *k, mcp_ns_t now);

/* Inserts a new entry in state st for tuple k (k's source is the opener). Returns 0 and the
 * index, -EEXIST if present (index of the existing one), -ENOSPC when the capacity policy
 * refuses. *evicted is set when a half-open entry was recycled to make room. */
int mcp_flow_insert(struct mcp_flow_table *t, const struct mcp_tuple *k, enum mcp_flow_state st,
                    mcp_ns_t now, uint32_t *idx, bool *evicted);

/* Links two entries (each one's peer is the other): they are removed together. */
void mcp_flow_link(struct mcp_flow_table *t, uint32_t a, uint32_t b);
/* Moves an entry to a state and restarts its timeout. */
void mcp_flow_set_state(struct mcp_flow_table *t, uint32_t idx, enum mcp_flow_state st,
                        mcp_ns_t now);
/* Restarts the timeout of an entry (packet seen). */
void mcp_flow_touch(struct mcp_flow_table *t, uint32_t idx, mcp_ns_t now);
void mcp_flow_remove(struct mcp_flow_table *t, uint32_t idx);

/* Token index: binds a token to an entry. -EEXIST when another live entry holds it. */
int mcp_flow_bind_token(struct mcp_flow_table *t, uint32_t idx, uint32_t token);
uint32_t mcp_flow_by_token(struct mcp_flow_table *t, uint32_t token, mcp_ns_t now);

struct mcp_flow *mcp_flow_get(struct mcp_flow_table *t, uint32_t idx);

/* Reclaims up to max expired entries (and their linked partners); returns how many entries
 * left the table. */
uint32_t mcp_flow_expire(struct mcp_flow_table *t, mcp_ns_t now, uint32_t max);
/* Earliest expiry among live entries (INT64_MAX when empty): when to arm a sweep timer. */
mcp_ns_t mcp_flow_next_expiry(const struct mcp_flow_table *t);

uint32_t mcp_flow_count(const struct mcp_flow_table *t);
uint32_t mcp_flow_count_state(const struct mcp_flow_table *t, enum mcp_flow_state st);
/* Memory cost of one entry including its share of both indexes, and of the whole table
 * (allocated up front, so constant). */
size_t mcp_flow_entry_bytes(const struct mcp_flow_table *t);
size_t mcp_flow_table_bytes(const struct mcp_flow_table *t);
/* Bytes of state held by live entries (count x entry bytes): what the tests watch. */
size_t mcp_flow_bytes_in_use(const struct mcp_flow_table *t);

/* True when k's source is the endpoint that opened entry f. */
bool mcp_flow_from_opener(const struct mcp_flow *f, const struct mcp_tuple *k);

#endif
