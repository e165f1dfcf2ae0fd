/* mptcp_token.c - the stack's token table: token -> connection, as Linux's token.c hash.
 *
 * RFC 8684 section 3.1: a token names a connection locally and must be unique among the
 * host's connections. Linux draws a fresh key until the token is free, at most
 * MPTCP_TOKEN_MAX_RETRIES (4) times, then gives up and the connection falls back to TCP
 * (MIB TokenFallbackInit). Open addressing with linear probing; the table doubles at half
 * load (an allocation when connections are created, never per packet). Deleting uses
 * backward-shift deletion, so lookups never meet tombstones.
 */
#include <stdlib.h>

#include "models/mptcp/mptcp_int.h"
#include "sim/rng.h"

struct mptcp_token_slot {
    uint32_t token;
    struct mptcp_conn *conn;   /* NULL = empty */
};

struct mptcp_token_table {
    struct mptcp_token_slot *slot;
    size_t cap;                /* power of two */
    size_t n;
};

struct mptcp_token_table *mptcp_token_table_new(void)
{
    struct mptcp_token_table *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->cap = 16;
    t->slot = calloc(t->cap, sizeof *t->slot);
    if (!t->slot) {
        free(t);
        return NULL;
    }
    return t;
}

void mptcp_token_table_free(struct mptcp_token_table *t)
{
    if (!t)
        return;
    free(t->slot);
    free(t);
}

/* Token bits are already uniform (a SHA hash): the low bits index the table. */
static size_t slot_of(const struct mptcp_token_table *t, uint32_t token)
{
    return (size_t)(token * 2654435761u) & (t->cap - 1);
}

struct mptcp_conn *mptcp_token_lookup(const struct mptcp_token_table *t, uint32_t token)
{
    for (size_t i = slot_of(t, token);; i = (i + 1) & (t->cap - 1)) {
        if (!t->slot[i].conn)
            return NULL;
        if (t->slot[i].token == token)
            return t->slot[i].conn;
    }
}

static void put(struct mptcp_token_table *t, uint32_t token, struct mptcp_conn *c)
{
    size_t i = slot_of(t, token);
    while (t->slot[i].conn)
        i = (i + 1) & (t->cap - 1);
    t->slot[i].token = token;
    t->slot[i].conn = c;
    t->n++;
}

static int grow(struct mptcp_token_table *t)
{
    struct mptcp_token_slot *old = t->slot;
    size_t oldcap = t->cap;
    struct mptcp_token_slot *s = calloc(oldcap * 2, sizeof *s);
    if (!s)
        return -1;
    t->slot = s;
    t->cap = oldcap * 2;
    t->n = 0;
    for (size_t i = 0; i < oldcap; i++)
        if (old[i].conn)
            put(t, old[i].token, old[i].conn);
    free(old);
    return 0;
}

void mptcp_token_remove(struct mptcp_token_table *t, uint32_t token)
{
    size_t i = slot_of(t, token);
    while (t->slot[i].conn && t->slot[i].token != token)
        i = (i + 1) & (t->cap - 1);
    if (!t->slot[i].conn)
        return;
    t->slot[i].conn = NULL;
    t->n--;
    /* backward shift: move later members of the probe run into the hole */
    for (size_t j = (i + 1) & (t->cap - 1); t->slot[j].conn; j = (j + 1) & (t->cap - 1)) {
        size_t home = slot_of(t, t->slot[j].token);
        bool movable = i <= j ? (home <= i || home > j) : (home <= i && home > j);
        if (movable) {
            t->slot[i] = t->slot[j];
            t->slot[j].conn = NULL;
            i = j;
        }
    }
}

size_t mptcp_token_count(const struct mptcp_token_table *t) { return t->n; }

uint64_t mptcp_stack_draw_key(struct mptcp_stack *st)
{
    if (st->have_next_key) {
        st->have_next_key = false;
        return st->next_key;
    }
    uint64_t hi = rng_u32(st->rng), lo = rng_u32(st->rng);
    return hi << 32 | lo;
}

int mptcp_token_insert(struct mptcp_stack *st, struct mptcp_conn *c)
{
    struct mptcp_token_table *t = st->tokens;
    if (2 * (t->n + 1) > t->cap && grow(t) < 0)
        return -1;
    put(t, c->local_token, c);
    return 0;
}

int mptcp_token_new(struct mptcp_stack *st, struct mptcp_conn *c)
{
    struct mptcp_token_table *t = st->tokens;
    if (2 * (t->n + 1) > t->cap && grow(t) < 0)
        return -1;
    for (int i = 0; i < MPTCP_TOKEN_RETRIES; i++) {
        uint64_t key = mptcp_stack_draw_key(st);
        uint32_t token;
        uint64_t idsn;
        mptcp_key_hash(c->version, key, &token, &idsn);
        if (mptcp_token_lookup(t, token))
            continue;
        c->local_key = key;
        c->local_token = token;
        c->local_idsn = idsn;
        put(t, token, c);
        return 0;
    }
    st->stats.token_fallback++;
    return -1;
}
