/* fib.h - a forwarding table: longest-prefix match on the destination, then on the source.
 *
 * One table per address family and node. Entries are (destination prefix, source prefix,
 * value); a source prefix of length 0 is an ordinary destination-only route. Lookup follows
 * draft-ietf-rtgwg-dst-src-routing section 3: among the entries whose destination prefix
 * matches, the longest destination prefix wins; among its entries the longest matching
 * source prefix wins; when none of them matches the source, the next shorter matching
 * destination prefix is tried ("backtracking"), so a source-specific route never hides a
 * less specific route for other sources.
 *
 * Structure: one sorted array of destination prefixes per distinct prefix length, the arrays
 * ordered from the longest length down; each prefix heads a list of entries sorted by source
 * length, longest first. Lookup masks the destination to each length in turn and binary
 * searches that array (keys are two 64-bit words, so a compare is two integer compares):
 * O(L log n) for L distinct lengths - a handful in practice, at most 33 / 129 - and the first
 * length whose prefix has an entry matching the source wins, which is exactly the
 * backtracking rule. No allocation per lookup; insertion allocates (set-up time only). A
 * binary trie was measured about twice as slow end to end in bench_net (4-6 against 10-11
 * million packet-hops/s): its 32 dependent loads per IPv4 lookup cost more than three binary
 * searches of a few entries. Not modelled: multipath (ECMP) entries, metrics between equal
 * prefixes (a duplicate (destination, source) pair is refused).
 */
#ifndef MCPSIM_MODELS_NET_FIB_H
#define MCPSIM_MODELS_NET_FIB_H

#include <stddef.h>
#include <stdint.h>

#include "models/net/addr.h"

struct fib_key {
    uint64_t hi, lo; /* the address's 128 bits (an IPv4 address in the top 32 of hi) */
};

struct fib_entry {
    struct net_prefix src;
    uint32_t value;
    int32_t next;      /* next entry of the same destination prefix (shorter source) */
};

struct fib_pfx {
    struct fib_key key; /* masked to the group's length */
    int32_t entry;      /* first entry (longest source) */
};

struct fib_group {
    uint8_t len;
    struct fib_pfx *p;  /* sorted by key */
    size_t n, cap;
};

struct fib {
    uint8_t family;
    struct fib_group *groups; /* longest length first */
    size_t ngroups;
    struct fib_entry *entries;
    size_t nentries, capentries;
};

void fib_init(struct fib *f, uint8_t family);
void fib_free(struct fib *f);

/* Adds a route. src NULL or of length 0: for every source. 0; -1 when memory is exhausted;
 * -2 when the same (destination, source) pair is already present; -3 on a family mismatch. */
int fib_add(struct fib *f, const struct net_prefix *dst, const struct net_prefix *src,
            uint32_t value);

/* The value of the best entry for (dst, src) into *value: 0, or -1 when nothing matches. */
int fib_lookup(const struct fib *f, const struct net_addr *dst, const struct net_addr *src,
               uint32_t *value);

static inline size_t fib_count(const struct fib *f) { return f->nentries; }

#endif
