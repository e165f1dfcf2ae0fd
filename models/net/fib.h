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
 * Structure: a binary trie over the destination bits, nodes in one array (indices, not
 * pointers, so it grows by realloc), each node with a list of entries sorted by source
 * length, longest first. Lookup walks at most 32/128 trie levels, remembers the nodes that
 * carry entries on a stack array, then scans them from the deepest: O(prefix bits) plus the
 * source entries of the matching prefixes, and no allocation. Insertion allocates (set-up
 * time only). Not modelled: path compression (tables here hold tens of entries, not a full
 * BGP table), multipath (ECMP) entries, metrics between equal prefixes (a duplicate
 * (destination, source) pair is refused).
 */
#ifndef MCPSIM_MODELS_NET_FIB_H
#define MCPSIM_MODELS_NET_FIB_H

#include <stddef.h>
#include <stdint.h>

#include "models/net/addr.h"

struct fib_node {
    uint32_t child[2]; /* 0 = none (node 0 is the root, never a child) */
    int32_t entry;     /* first entry of this destination prefix, -1 = none */
};

struct fib_entry {
    struct net_prefix src;
    uint32_t value;
    int32_t next;      /* next entry of the same destination prefix (shorter source) */
};

struct fib {
    uint8_t family;
    struct fib_node *nodes;
    size_t nnodes, capnodes;
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
