/* mcp_flow.c - flow table: entry array, two keyed open-addressing indexes, expiry lists.
 *
 * Index slots hold entry index + 1 (0 = empty). Load factor is at most 1/2 (slots = next
 * power of two >= 2 x capacity), so a probe sequence is short even under adversarial keys
 * (the hash is keyed). Deletion shifts later members of the probe chain back instead of
 * leaving tombstones, so a flood that inserts and expires millions of entries does not
 * degrade lookups.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/mcp/mcp_flow.h"

struct mcp_flow_table {
    struct mcp_flow_config cfg;
    struct mcp_flow *e;
    uint32_t *tslot;   /* 5-tuple index */
    uint32_t *kslot;   /* token index */
    uint32_t mask;     /* slots - 1 */
    uint32_t free_head;  /* recycled entries */
    uint32_t fresh;      /* entries [fresh, capacity) were never used: pages untouched */
    uint32_t count;
    uint32_t head[MCP_FS_COUNT], tail[MCP_FS_COUNT], n[MCP_FS_COUNT];
};

/* 64-bit mixer (the finaliser of SplitMix64): cheap, good avalanche. */
static inline uint64_t mix64(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

static inline uint64_t load64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

static uint32_t hash_canon(const struct mcp_flow_table *t, const uint8_t *a, const uint8_t *b,
                           uint16_t ap, uint16_t bp, uint8_t fam)
{
    uint64_t h = t->cfg.hash_secret ^ ((uint64_t)ap << 32 | (uint64_t)bp << 16 | fam);
    h = mix64(h ^ load64(a));
    h = mix64(h ^ load64(a + 8));
    h = mix64(h ^ load64(b));
    h = mix64(h ^ load64(b + 8));
    return (uint32_t)h;
}

static uint32_t hash_token(const struct mcp_flow_table *t, uint32_t token)
{
    return (uint32_t)mix64(t->cfg.hash_secret ^ 0x746f6b656eULL ^ token);
}

/* Puts k in canonical order: the numerically lower (address, port) first. Returns true when
 * k's source became endpoint a. */
static bool canon(const struct mcp_tuple *k, const uint8_t **a, const uint8_t **b,
                  uint16_t *ap, uint16_t *bp)
{
    int c = memcmp(k->src, k->dst, 16);
    if (c < 0 || (c == 0 && k->sport <= k->dport)) {
        *a = k->src, *b = k->dst, *ap = k->sport, *bp = k->dport;
        return true;
    }
    *a = k->dst, *b = k->src, *ap = k->dport, *bp = k->sport;
    return false;
}

static uint32_t entry_hash(const struct mcp_flow_table *t, const struct mcp_flow *f)
{
    return hash_canon(t, f->a, f->b, f->aport, f->bport, f->family);
}

/* ---- state lists ---- */

static void list_unlink(struct mcp_flow_table *t, uint32_t i)
{
    struct mcp_flow *f = &t->e[i];
    if (f->prev != MCP_FLOW_NONE)
        t->e[f->prev].next = f->next;
    else
        t->head[f->state] = f->next;
    if (f->next != MCP_FLOW_NONE)
        t->e[f->next].prev = f->prev;
    else
        t->tail[f->state] = f->prev;
    t->n[f->state]--;
}

static void list_append(struct mcp_flow_table *t, uint32_t i, mcp_ns_t now)
{
    struct mcp_flow *f = &t->e[i];
    f->expires_ns = now + t->cfg.timeout_ns[f->state];
    f->next = MCP_FLOW_NONE;
    f->prev = t->tail[f->state];
    if (f->prev != MCP_FLOW_NONE)
        t->e[f->prev].next = i;
    else
        t->head[f->state] = i;
    t->tail[f->state] = i;
    t->n[f->state]++;
}

/* ---- index maintenance ---- */

/* Removes the slot at pos and shifts back later chain members whose home is at or before
 * the hole (Knuth's algorithm R for linear probing). */
static void slot_delete(uint32_t *slots, uint32_t mask, uint32_t pos,
                        uint32_t (*home)(const struct mcp_flow_table *, uint32_t),
                        const struct mcp_flow_table *t)
{
    uint32_t hole = pos;
    for (uint32_t j = (pos + 1) & mask; slots[j]; j = (j + 1) & mask) {
        uint32_t h = home(t, slots[j] - 1) & mask;
        /* The member at j may move to the hole if its home is not in (hole, j]. */
        bool stays = hole <= j ? (hole < h && h <= j) : (hole < h || h <= j);
        if (!stays) {
            slots[hole] = slots[j];
            hole = j;
        }
    }
    slots[hole] = 0;
}

static uint32_t tuple_home(const struct mcp_flow_table *t, uint32_t i)
{
    return entry_hash(t, &t->e[i]);
}

static uint32_t token_home(const struct mcp_flow_table *t, uint32_t i)
{
    return hash_token(t, t->e[i].token);
}

static uint32_t find_slot(const uint32_t *slots, uint32_t mask, uint32_t h, uint32_t idx)
{
    for (uint32_t j = h & mask;; j = (j + 1) & mask)
        if (slots[j] == idx + 1)
            return j;
}

/* ---- public API ---- */

int mcp_flow_create(const struct mcp_flow_config *cfg, struct mcp_flow_table **out, char *err,
                    size_t errlen)
{
    if (cfg->capacity == 0 || cfg->capacity > (1u << 30)) {
        snprintf(err, errlen, "flow table capacity %u: expected 1 .. 2^30 entries",
                 cfg->capacity);
        return -1;
    }
    if (cfg->halfopen_max == 0 || cfg->halfopen_max > cfg->capacity) {
        snprintf(err, errlen, "half-open limit %u: expected 1 .. capacity (%u)",
                 cfg->halfopen_max, cfg->capacity);
        return -1;
    }
    for (int s = 0; s < MCP_FS_COUNT; s++)
        if (cfg->timeout_ns[s] <= 0) {
            snprintf(err, errlen, "flow timeout of state %d must be positive", s);
            return -1;
        }
    uint32_t slots = 1;
    while (slots < 2 * cfg->capacity)
        slots <<= 1;
    struct mcp_flow_table *t = calloc(1, sizeof *t);
    if (!t)
        goto nomem;
    t->cfg = *cfg;
    t->mask = slots - 1;
    t->e = calloc(cfg->capacity, sizeof *t->e);
    t->tslot = calloc(slots, sizeof *t->tslot);
    t->kslot = calloc(slots, sizeof *t->kslot);
    if (!t->e || !t->tslot || !t->kslot)
        goto nomem;
    /* Never-used entries are handed out in order, so a big table costs memory only as it
     * fills; removed entries go to a free list threaded through next. */
    t->free_head = MCP_FLOW_NONE;
    t->fresh = 0;
    for (int s = 0; s < MCP_FS_COUNT; s++)
        t->head[s] = t->tail[s] = MCP_FLOW_NONE;
    *out = t;
    return 0;
nomem:
    mcp_flow_destroy(t);
    snprintf(err, errlen, "out of memory for a flow table of %u entries", cfg->capacity);
    return -1;
}

void mcp_flow_destroy(struct mcp_flow_table *t)
{
    if (!t)
        return;
    free(t->e);
    free(t->tslot);
    free(t->kslot);
    free(t);
}

struct mcp_flow *mcp_flow_get(struct mcp_flow_table *t, uint32_t idx)
{
    return idx < t->cfg.capacity && t->e[idx].in_use ? &t->e[idx] : NULL;
}

void mcp_flow_remove(struct mcp_flow_table *t, uint32_t idx)
{
    struct mcp_flow *f = &t->e[idx];
    if (!f->in_use)
        return;
    slot_delete(t->tslot, t->mask, find_slot(t->tslot, t->mask, entry_hash(t, f), idx),
                tuple_home, t);
    if (f->token)
        slot_delete(t->kslot, t->mask, find_slot(t->kslot, t->mask, hash_token(t, f->token), idx),
                    token_home, t);
    /* Linked entries (the two legs of a rewritten flow) go together: the partner is
     * unlinked first and removed once this entry is gone, so the cascade stops there. */
    uint32_t partner = MCP_FLOW_NONE;
    if (f->peer != MCP_FLOW_NONE && t->e[f->peer].in_use && t->e[f->peer].peer == idx) {
        partner = f->peer;
        t->e[partner].peer = MCP_FLOW_NONE;
    }
    list_unlink(t, idx);
    if (t->cfg.on_remove)
        t->cfg.on_remove(t->cfg.on_remove_arg, f);
    memset(f, 0, sizeof *f);
    f->next = t->free_head;
    t->free_head = idx;
    t->count--;
    if (partner != MCP_FLOW_NONE)
        mcp_flow_remove(t, partner);
}

uint32_t mcp_flow_expire(struct mcp_flow_table *t, mcp_ns_t now, uint32_t max)
{
    uint32_t done = 0, before = t->count;
    for (int s = 0; s < MCP_FS_COUNT; s++)
        while (done < max && t->head[s] != MCP_FLOW_NONE && t->e[t->head[s]].expires_ns <= now) {
            mcp_flow_remove(t, t->head[s]);
            done++;
        }
    return before - t->count; /* linked partners included */
}

mcp_ns_t mcp_flow_next_expiry(const struct mcp_flow_table *t)
{
    mcp_ns_t best = INT64_MAX;
    for (int s = 0; s < MCP_FS_COUNT; s++)
        if (t->head[s] != MCP_FLOW_NONE && t->e[t->head[s]].expires_ns < best)
            best = t->e[t->head[s]].expires_ns;
    return best;
}

uint32_t mcp_flow_lookup(struct mcp_flow_table *t, const struct mcp_tuple *k, mcp_ns_t now)
{
    const uint8_t *a, *b;
    uint16_t ap, bp;
    canon(k, &a, &b, &ap, &bp);
    uint32_t h = hash_canon(t, a, b, ap, bp, k->family);
    for (uint32_t j = h & t->mask; t->tslot[j]; j = (j + 1) & t->mask) {
        uint32_t i = t->tslot[j] - 1;
        struct mcp_flow *f = &t->e[i];
        if (f->aport == ap && f->bport == bp && f->family == k->family &&
            memcmp(f->a, a, 16) == 0 && memcmp(f->b, b, 16) == 0) {
            if (f->expires_ns <= now) {
                mcp_flow_remove(t, i);
                return MCP_FLOW_NONE;
            }
            return i;
        }
    }
    return MCP_FLOW_NONE;
}

int mcp_flow_insert(struct mcp_flow_table *t, const struct mcp_tuple *k, enum mcp_flow_state st,
                    mcp_ns_t now, uint32_t *idx, bool *evicted)
{
    *evicted = false;
    uint32_t old = mcp_flow_lookup(t, k, now);
    if (old != MCP_FLOW_NONE) {
        *idx = old;
        return -EEXIST;
    }
    /* Amortised expiry: a few entries per insert keep memory honest without a sweep;
     * a full table reclaims harder before refusing. */
    mcp_flow_expire(t, now, t->count == t->cfg.capacity ? 64 : 2);
    bool halfopen_full = st == MCP_FS_SYN && t->n[MCP_FS_SYN] >= t->cfg.halfopen_max;
    if (t->count == t->cfg.capacity || halfopen_full) {
        /* Only a half-open entry may recycle the oldest half-open one (RFC 4987 3.4). */
        if (st != MCP_FS_SYN || t->head[MCP_FS_SYN] == MCP_FLOW_NONE)
            return -ENOSPC;
        mcp_flow_remove(t, t->head[MCP_FS_SYN]);
        *evicted = true;
    }
    uint32_t i;
    if (t->free_head != MCP_FLOW_NONE) {
        i = t->free_head;
        t->free_head = t->e[i].next;
    } else {
        i = t->fresh++;
    }
    struct mcp_flow *f = &t->e[i];
    const uint8_t *a, *b;
    bool opener_is_a = canon(k, &a, &b, &f->aport, &f->bport);
    memcpy(f->a, a, 16);
    memcpy(f->b, b, 16);
    f->family = k->family;
    f->a_opened = opener_is_a;
    f->in_use = 1;
    f->state = (uint8_t)st;
    f->token = 0;
    f->conn = i;
    f->peer = MCP_FLOW_NONE;
    uint32_t j = entry_hash(t, f) & t->mask;
    while (t->tslot[j])
        j = (j + 1) & t->mask;
    t->tslot[j] = i + 1;
    list_append(t, i, now);
    t->count++;
    *idx = i;
    return 0;
}

void mcp_flow_link(struct mcp_flow_table *t, uint32_t a, uint32_t b)
{
    t->e[a].peer = b;
    t->e[b].peer = a;
}

void mcp_flow_set_state(struct mcp_flow_table *t, uint32_t idx, enum mcp_flow_state st,
                        mcp_ns_t now)
{
    list_unlink(t, idx);
    t->e[idx].state = (uint8_t)st;
    list_append(t, idx, now);
}

void mcp_flow_touch(struct mcp_flow_table *t, uint32_t idx, mcp_ns_t now)
{
    /* Already at the tail: only the expiry moves (the common case for a busy flow). */
    if (t->tail[t->e[idx].state] == idx) {
        t->e[idx].expires_ns = now + t->cfg.timeout_ns[t->e[idx].state];
        return;
    }
    mcp_flow_set_state(t, idx, (enum mcp_flow_state)t->e[idx].state, now);
}

int mcp_flow_bind_token(struct mcp_flow_table *t, uint32_t idx, uint32_t token)
{
    struct mcp_flow *f = &t->e[idx];
    if (token == 0 || f->token == token)
        return 0;
    uint32_t h = hash_token(t, token);
    for (uint32_t j = h & t->mask; t->kslot[j]; j = (j + 1) & t->mask)
        if (t->e[t->kslot[j] - 1].token == token)
            return -EEXIST;
    if (f->token)
        slot_delete(t->kslot, t->mask, find_slot(t->kslot, t->mask, hash_token(t, f->token), idx),
                    token_home, t);
    f->token = token;
    uint32_t j = h & t->mask;
    while (t->kslot[j])
        j = (j + 1) & t->mask;
    t->kslot[j] = idx + 1;
    return 0;
}

uint32_t mcp_flow_by_token(struct mcp_flow_table *t, uint32_t token, mcp_ns_t now)
{
    if (token == 0)
        return MCP_FLOW_NONE;
    uint32_t h = hash_token(t, token);
    for (uint32_t j = h & t->mask; t->kslot[j]; j = (j + 1) & t->mask) {
        uint32_t i = t->kslot[j] - 1;
        if (t->e[i].token == token) {
            if (t->e[i].expires_ns <= now) {
                mcp_flow_remove(t, i);
                return MCP_FLOW_NONE;
            }
            return i;
        }
    }
    return MCP_FLOW_NONE;
}

uint32_t mcp_flow_count(const struct mcp_flow_table *t) { return t->count; }

uint32_t mcp_flow_count_state(const struct mcp_flow_table *t, enum mcp_flow_state st)
{
    return t->n[st];
}

size_t mcp_flow_entry_bytes(const struct mcp_flow_table *t)
{
    size_t slots = (size_t)t->mask + 1;
    /* Round the per-entry share of both indexes up. */
    return sizeof(struct mcp_flow) +
           (2 * slots * sizeof(uint32_t) + t->cfg.capacity - 1) / t->cfg.capacity;
}

size_t mcp_flow_table_bytes(const struct mcp_flow_table *t)
{
    size_t slots = (size_t)t->mask + 1;
    return sizeof *t + (size_t)t->cfg.capacity * sizeof(struct mcp_flow) +
           2 * slots * sizeof(uint32_t);
}

size_t mcp_flow_bytes_in_use(const struct mcp_flow_table *t)
{
    return (size_t)t->count * mcp_flow_entry_bytes(t);
}

bool mcp_flow_from_opener(const struct mcp_flow *f, const struct mcp_tuple *k)
{
    bool src_is_a = k->sport == f->aport && memcmp(k->src, f->a, 16) == 0;
    /* A flow between one address and itself on two ports is told apart by the port. */
    return src_is_a == (f->a_opened != 0);
}
