/* fib.c - prefix arrays by length with source-specific entries (see fib.h). */
#include "models/net/fib.h"

#include <stdlib.h>

void fib_init(struct fib *f, uint8_t family)
{
    *f = (struct fib){ .family = family };
}

void fib_free(struct fib *f)
{
    for (size_t i = 0; i < f->ngroups; i++)
        free(f->groups[i].p);
    free(f->groups);
    free(f->entries);
    fib_init(f, f->family);
}

static struct fib_key key_of(const struct net_addr *a)
{
    struct fib_key k = { 0, 0 };
    for (int i = 0; i < 8; i++) {
        k.hi = k.hi << 8 | a->b[i];
        k.lo = k.lo << 8 | a->b[8 + i];
    }
    return k;
}

static inline struct fib_key key_mask(struct fib_key k, unsigned len)
{
    if (len == 0)
        return (struct fib_key){ 0, 0 };
    if (len <= 64)
        return (struct fib_key){ k.hi & (~0ull << (64 - len)), 0 };
    return (struct fib_key){ k.hi, len == 128 ? k.lo : k.lo & (~0ull << (128 - len)) };
}

static inline int key_cmp(const struct fib_key *x, const struct fib_key *y)
{
    if (x->hi != y->hi)
        return x->hi < y->hi ? -1 : 1;
    if (x->lo != y->lo)
        return x->lo < y->lo ? -1 : 1;
    return 0;
}

/* Index of key in the group, or -(insertion point) - 1. */
static ptrdiff_t find(const struct fib_group *g, const struct fib_key *k)
{
    size_t lo = 0, hi = g->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = key_cmp(&g->p[mid].key, k);
        if (c == 0)
            return (ptrdiff_t)mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -(ptrdiff_t)lo - 1;
}

static struct fib_group *group(struct fib *f, uint8_t len)
{
    size_t at = 0;
    while (at < f->ngroups && f->groups[at].len > len)
        at++;
    if (at < f->ngroups && f->groups[at].len == len)
        return &f->groups[at];
    struct fib_group *g = realloc(f->groups, (f->ngroups + 1) * sizeof *g);
    if (!g)
        return NULL;
    f->groups = g;
    for (size_t i = f->ngroups; i > at; i--)
        g[i] = g[i - 1];
    g[at] = (struct fib_group){ .len = len };
    f->ngroups++;
    return &g[at];
}

int fib_add(struct fib *f, const struct net_prefix *dst, const struct net_prefix *src,
            uint32_t value)
{
    if (dst->addr.family != f->family || (src && src->len && src->addr.family != f->family))
        return -3;
    struct net_prefix any = { .addr = { .family = f->family }, .len = 0 };
    const struct net_prefix *s = src && src->len ? src : &any;
    struct fib_group *g = group(f, dst->len);
    if (!g)
        return -1;
    struct fib_key k = key_mask(key_of(&dst->addr), dst->len);
    ptrdiff_t at = find(g, &k);
    if (at < 0) {
        if (g->n == g->cap) {
            size_t cap = g->cap ? 2 * g->cap : 8;
            struct fib_pfx *a = realloc(g->p, cap * sizeof *a);
            if (!a)
                return -1;
            g->p = a;
            g->cap = cap;
        }
        at = -at - 1;
        for (size_t i = g->n; i > (size_t)at; i--)
            g->p[i] = g->p[i - 1];
        g->p[at] = (struct fib_pfx){ k, -1 };
        g->n++;
    }
    for (int32_t e = g->p[at].entry; e >= 0; e = f->entries[e].next) {
        const struct fib_entry *x = &f->entries[e];
        if (x->src.len == s->len && net_prefix_match(&x->src, &s->addr))
            return -2;
    }
    if (f->nentries == f->capentries) {
        size_t cap = f->capentries ? 2 * f->capentries : 16;
        struct fib_entry *a = realloc(f->entries, cap * sizeof *a);
        if (!a)
            return -1;
        f->entries = a;
        f->capentries = cap;
    }
    int32_t prev = -1; /* the entry after which the new one goes; -1: at the head */
    for (int32_t e = g->p[at].entry; e >= 0 && f->entries[e].src.len >= s->len;
         e = f->entries[e].next)
        prev = e;
    int32_t *link = prev < 0 ? &g->p[at].entry : &f->entries[prev].next;
    int32_t idx = (int32_t)f->nentries++;
    f->entries[idx] = (struct fib_entry){ *s, value, *link };
    *link = idx;
    return 0;
}

int fib_lookup(const struct fib *f, const struct net_addr *dst, const struct net_addr *src,
               uint32_t *value)
{
    if (dst->family != f->family)
        return -1;
    struct fib_key k = key_of(dst);
    for (size_t i = 0; i < f->ngroups; i++) {
        const struct fib_group *g = &f->groups[i];
        struct fib_key m = key_mask(k, g->len);
        ptrdiff_t at = find(g, &m);
        if (at < 0)
            continue;
        for (int32_t e = g->p[at].entry; e >= 0; e = f->entries[e].next) {
            const struct fib_entry *x = &f->entries[e];
            if (x->src.len == 0 || (src && net_prefix_match(&x->src, src))) {
                *value = x->value;
                return 0;
            }
        }
    }
    return -1;
}
