/* node_addr_index.c - the world's address index: every address of every node, found in
 * O(1) per packet (node_impl.h: net_addr_find, net_addr_lookup, net_addr_index_build).
 *
 * The entries (address, node, route target) are kept sorted by family and bytes, which makes
 * duplicates adjacent for the configuration check, and are indexed by an open-addressing
 * hash table of entry numbers. A lookup is one hash and, almost always, one constant-size
 * compare: every packet at every node asks "is this destination mine, and if not, whose?".
 * Not modelled: addresses added or removed while the simulation runs (the index is built once,
 * when the run starts).
 */
#include <stdlib.h>
#include <string.h>

#include "models/net/node_impl.h"
#include "sim/hash.h"

static int addr_cmp(const struct net_addr *x, const struct net_addr *y)
{
    if (x->family != y->family)
        return x->family < y->family ? -1 : 1;
    return memcmp(x->b, y->b, 16);
}

static int addr_entry_cmp(const void *a, const void *b)
{
    return addr_cmp(&((const struct addr_entry *)a)->a, &((const struct addr_entry *)b)->a);
}

/* A 32-bit mix of an address given as its family and network-order bytes (murmur3's
 * finalizer over the xor-folded words): the index is probed once per packet, so the hash
 * must be cheap, and prefixes allocated in sequence (10.0.0.1, 10.0.0.2, ...) must still
 * spread over the slots. An IPv4 address is read as its 4 bytes, nothing more: a wider load
 * of a struct just written would stall on store forwarding (measured: a third of the
 * lookup's time). */
static uint32_t addr_fold_v6(const uint8_t *b)
{
    uint32_t w[4];
    memcpy(w, b, sizeof w);
    return w[0] ^ (w[1] * 0x9e3779b1u) ^ (w[2] * 0x85ebca6bu) ^ (w[3] * 0xc2b2ae35u);
}

static inline uint32_t addr_hash(int family, const uint8_t *b)
{
    uint32_t h;
    if (family == 4)
        memcpy(&h, b, sizeof h);
    else
        h = addr_fold_v6(b);
    return hash_mix32(h);
}

const struct addr_entry *net_addr_find(const struct net_shared *s, int family,
                                       const uint8_t *bytes)
{
    if (!s->addr_slots)
        return NULL;
    size_t len = family == 4 ? 4 : 16;
    for (size_t i = addr_hash(family, bytes) & s->addr_mask;; i = (i + 1) & s->addr_mask) {
        uint32_t k = s->addr_slots[i];
        if (!k)
            return NULL;
        const struct addr_entry *e = &s->addrs[k - 1];
        if (e->a.family == family &&
            (len == 4 ? memcmp(e->a.b, bytes, 4) : memcmp(e->a.b, bytes, 16)) == 0)
            return e;
    }
}

const struct addr_entry *net_addr_lookup(const struct net_shared *s, const struct net_addr *a)
{
    return net_addr_find(s, a->family, a->b);
}

/* Sorted by family then bytes (duplicates adjacent), then hashed with linear probing in a
 * table at most half full: the expected probes per lookup stay below 1.5 (hit) and 2.5
 * (miss). The entries are inserted in sorted order, so the table is the same in every run. */
int net_addr_index_build(struct net_shared *s)
{
    qsort(s->addrs, s->naddrs, sizeof *s->addrs, addr_entry_cmp);
    size_t slots = 16;
    while (slots < 2 * s->naddrs)
        slots *= 2;
    s->addr_slots = calloc(slots, sizeof *s->addr_slots);
    if (!s->addr_slots)
        return -1;
    s->addr_mask = slots - 1;
    for (size_t k = 0; k < s->naddrs; k++) {
        size_t i = addr_hash(s->addrs[k].a.family, s->addrs[k].a.b) & s->addr_mask;
        while (s->addr_slots[i])
            i = (i + 1) & s->addr_mask;
        s->addr_slots[i] = (uint32_t)(k + 1);
    }
    return 0;
}
