/* fib.c - binary trie with source-specific entries (see fib.h). */
#include "models/net/fib.h"

#include <stdlib.h>

void fib_init(struct fib *f, uint8_t family)
{
    *f = (struct fib){ .family = family };
}

void fib_free(struct fib *f)
{
    free(f->nodes);
    free(f->entries);
    fib_init(f, f->family);
}

static int64_t new_node(struct fib *f)
{
    if (f->nnodes == f->capnodes) {
        size_t cap = f->capnodes ? 2 * f->capnodes : 16;
        struct fib_node *a = realloc(f->nodes, cap * sizeof *a);
        if (!a)
            return -1;
        f->nodes = a;
        f->capnodes = cap;
    }
    f->nodes[f->nnodes] = (struct fib_node){ { 0, 0 }, -1 };
    return (int64_t)f->nnodes++;
}

int fib_add(struct fib *f, const struct net_prefix *dst, const struct net_prefix *src,
            uint32_t value)
{
    if (dst->addr.family != f->family || (src && src->len && src->addr.family != f->family))
        return -3;
    if (!f->nnodes && new_node(f) < 0)
        return -1;
    uint32_t at = 0;
    for (unsigned i = 0; i < dst->len; i++) {
        unsigned bit = net_addr_bit(&dst->addr, i);
        if (!f->nodes[at].child[bit]) {
            int64_t n = new_node(f);
            if (n < 0)
                return -1;
            f->nodes[at].child[bit] = (uint32_t)n;
        }
        at = f->nodes[at].child[bit];
    }
    struct net_prefix any = { .addr = { .family = f->family }, .len = 0 };
    const struct net_prefix *s = src && src->len ? src : &any;
    /* Same pair already there? And where does the new entry go (longest source first)? */
    int32_t *link = &f->nodes[at].entry;
    for (int32_t e = *link; e >= 0; e = f->entries[e].next) {
        const struct fib_entry *x = &f->entries[e];
        if (x->src.len == s->len && net_prefix_match(&x->src, &s->addr))
            return -2;
    }
    int32_t prev = -1; /* the entry after which the new one goes; -1: at the head */
    for (int32_t e = *link; e >= 0 && f->entries[e].src.len >= s->len; e = f->entries[e].next)
        prev = e;
    if (f->nentries == f->capentries) {
        size_t cap = f->capentries ? 2 * f->capentries : 16;
        struct fib_entry *a = realloc(f->entries, cap * sizeof *a);
        if (!a)
            return -1;
        f->entries = a;
        f->capentries = cap;
    }
    link = prev < 0 ? &f->nodes[at].entry : &f->entries[prev].next;
    int32_t idx = (int32_t)f->nentries++;
    f->entries[idx] = (struct fib_entry){ *s, value, *link };
    *link = idx;
    return 0;
}

int fib_lookup(const struct fib *f, const struct net_addr *dst, const struct net_addr *src,
               uint32_t *value)
{
    if (!f->nnodes || dst->family != f->family)
        return -1;
    uint32_t stack[129];
    unsigned depth = 0, bits = net_addr_bits(dst);
    uint32_t at = 0, word = 0;
    for (unsigned i = 0;; i++) {
        if (f->nodes[at].entry >= 0)
            stack[depth++] = at;
        if (i == bits)
            break;
        if ((i & 31) == 0) /* 32 bits at a time rather than a byte load per level */
            word = (uint32_t)dst->b[i >> 3] << 24 | (uint32_t)dst->b[(i >> 3) + 1] << 16 |
                   (uint32_t)dst->b[(i >> 3) + 2] << 8 | dst->b[(i >> 3) + 3];
        uint32_t next = f->nodes[at].child[(word >> (31 - (i & 31))) & 1];
        if (!next)
            break;
        at = next;
    }
    while (depth--) {
        for (int32_t e = f->nodes[stack[depth]].entry; e >= 0; e = f->entries[e].next) {
            const struct fib_entry *x = &f->entries[e];
            if (x->src.len == 0 || (src && net_prefix_match(&x->src, src))) {
                *value = x->value;
                return 0;
            }
        }
    }
    return -1;
}
