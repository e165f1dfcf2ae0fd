/* packet.c - packet pools: two size classes, slabs, free lists, accounting (see packet.h).
 *
 * Packets are carved out of slabs of slab_packets packets, each packet its metadata followed
 * by its buffer in one stride, so a packet is one cache-friendly block and a slab is one
 * malloc. Free lists are LIFO (the most recently freed, cache-warm packet is reused first).
 * Slabs are only returned to the system when the pool is freed: a simulation's packet
 * population peaks and falls back many times, and keeping the peak costs less than
 * re-allocating it. uids come from a per-pool counter, so they depend only on the order of
 * allocations, never on addresses: the same run gives the same uids.
 */
#include "sim/packet.h"

#include <assert.h>
#include <stdalign.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { CLASS_SMALL, CLASS_LARGE, CLASS_COUNT };

struct pkt_class {
    struct packet *free;
    size_t room;      /* bytes from the data start of a fresh packet to the buffer end */
    size_t size;      /* buffer bytes: headroom + room */
    size_t stride;    /* bytes per packet in a slab: metadata + buffer, aligned */
    uint64_t packets; /* created */
    uint64_t in_use;
};

struct slab {
    struct slab *next;
};

struct pkt_pool {
    struct pkt_class cls[CLASS_COUNT];
    struct slab *slabs;
    size_t headroom;
    size_t slab_packets;
    uint64_t next_uid;
    sim_time_t (*now)(void *ctx);
    void *now_ctx;
    uint64_t allocs, failures, in_use, peak_in_use, bytes, mallocs;
};

#define ALIGN_UP(n, a) (((n) + (a) - 1) / (a) * (a))
#define SLAB_HEADER ALIGN_UP(sizeof(struct slab), alignof(struct packet))

/* Offsets are uint16_t: a buffer must not be larger than this. */
#define PKT_MAX_BUFFER 65535u

static int config_check(const struct pkt_pool_config *c, char *err, size_t errlen)
{
    if (c->small_room_bytes > c->large_room_bytes) {
        snprintf(err, errlen, "packet pool: small class room %zu bytes exceeds the large "
                 "class room %zu bytes", c->small_room_bytes, c->large_room_bytes);
        return -1;
    }
    if (c->headroom_bytes > PKT_MAX_BUFFER ||
        c->large_room_bytes > PKT_MAX_BUFFER - c->headroom_bytes) {
        snprintf(err, errlen, "packet pool: headroom %zu + room %zu bytes exceeds the "
                 "largest buffer, %u bytes", c->headroom_bytes, c->large_room_bytes,
                 PKT_MAX_BUFFER);
        return -1;
    }
    if (c->slab_packets == 0 || c->slab_packets > 1u << 20) {
        snprintf(err, errlen, "packet pool: %zu packets per slab, expected 1 to %u",
                 c->slab_packets, 1u << 20);
        return -1;
    }
    return 0;
}

int pkt_pool_new(const struct pkt_pool_config *cfg, struct pkt_pool **out, char *err,
                 size_t errlen)
{
    static const struct pkt_pool_config defaults = PKT_POOL_CONFIG_DEFAULT;
    if (!cfg)
        cfg = &defaults;
    if (config_check(cfg, err, errlen) < 0)
        return -1;
    struct pkt_pool *pool = calloc(1, sizeof *pool);
    if (!pool)
        return -2;
    pool->headroom = cfg->headroom_bytes;
    pool->slab_packets = cfg->slab_packets;
    pool->cls[CLASS_SMALL].room = cfg->small_room_bytes;
    pool->cls[CLASS_LARGE].room = cfg->large_room_bytes;
    for (int c = 0; c < CLASS_COUNT; c++) {
        struct pkt_class *k = &pool->cls[c];
        k->size = cfg->headroom_bytes + k->room;
        k->stride = ALIGN_UP(sizeof(struct packet) + k->size, alignof(struct packet));
    }
    pool->bytes = sizeof *pool;
    *out = pool;
    return 0;
}

void pkt_pool_free(struct pkt_pool *pool)
{
    if (!pool)
        return;
    while (pool->slabs) {
        struct slab *s = pool->slabs;
        pool->slabs = s->next;
        free(s);
    }
    free(pool);
}

void pkt_pool_set_clock(struct pkt_pool *pool, sim_time_t (*now)(void *ctx), void *ctx)
{
    pool->now = now;
    pool->now_ctx = ctx;
}

void pkt_pool_get_stats(const struct pkt_pool *pool, struct pkt_pool_stats *out)
{
    memset(out, 0, sizeof *out);
    out->allocs = pool->allocs;
    out->failures = pool->failures;
    out->in_use = pool->in_use;
    out->peak_in_use = pool->peak_in_use;
    out->bytes = pool->bytes;
    out->mallocs = pool->mallocs;
    for (int c = 0; c < CLASS_COUNT; c++) {
        out->packets += pool->cls[c].packets;
        out->in_use_bytes += pool->cls[c].in_use * pool->cls[c].stride;
    }
}

/* One slab for class c, its packets pushed on the free list. Not on the per-packet path
 * once the population has reached its peak. */
static int grow(struct pkt_pool *pool, int c)
{
    struct pkt_class *k = &pool->cls[c];
    size_t bytes = SLAB_HEADER + pool->slab_packets * k->stride;
    struct slab *s = malloc(bytes);
    if (!s)
        return -1;
    s->next = pool->slabs;
    pool->slabs = s;
    for (size_t i = pool->slab_packets; i-- > 0;) {
        struct packet *p = (struct packet *)(void *)((char *)s + SLAB_HEADER + i * k->stride);
        p->pool = pool;
        p->size = (uint16_t)k->size;
        p->size_class = (uint8_t)c;
        p->is_free = 1;
        p->next = k->free;
        k->free = p;
    }
    k->packets += pool->slab_packets;
    pool->bytes += bytes;
    pool->mallocs++;
    return 0;
}

/* Pops a packet of class c and resets it to a fresh, empty packet. */
static struct packet *take(struct pkt_pool *pool, int c)
{
    struct pkt_class *k = &pool->cls[c];
    if (!k->free && grow(pool, c) < 0) {
        pool->failures++;
        return NULL;
    }
    struct packet *p = k->free;
    assert(p->is_free);
    k->free = p->next;
    p->next = NULL;
    p->is_free = 0;
    p->uid = ++pool->next_uid;
    p->flow_id = 0;
    p->created_ps = pool->now ? pool->now(pool->now_ctx) : 0;
    p->enqueued_ps = 0;
    p->virtual_len = 0;
    p->data = p->tail = (uint16_t)pool->headroom;
    p->l3 = p->l4 = PKT_OFF_NONE;
    memset(p->cb, 0, sizeof p->cb);
    k->in_use++;
    pool->allocs++;
    if (++pool->in_use > pool->peak_in_use)
        pool->peak_in_use = pool->in_use;
    return p;
}

static int class_for(const struct pkt_pool *pool, size_t real_bytes)
{
    if (real_bytes <= pool->cls[CLASS_SMALL].room)
        return CLASS_SMALL;
    if (real_bytes <= pool->cls[CLASS_LARGE].room)
        return CLASS_LARGE;
    return -1;
}

struct packet *pkt_alloc(struct pkt_pool *pool, size_t real_bytes)
{
    int c = class_for(pool, real_bytes);
    if (c < 0) {
        pool->failures++;
        return NULL;
    }
    return take(pool, c);
}

struct packet *pkt_copy_from(struct pkt_pool *pool, const void *bytes, size_t len,
                             uint32_t virtual_len)
{
    struct packet *p = pkt_alloc(pool, len);
    if (!p)
        return NULL;
    if (len > 0)
        memcpy(pkt_put(p, len), bytes, len);
    p->virtual_len = virtual_len;
    return p;
}

struct packet *pkt_clone(const struct packet *p)
{
    struct packet *q = take(p->pool, p->size_class);
    if (!q)
        return NULL;
    uint64_t uid = q->uid;
    memcpy(q, p, offsetof(struct packet, buf));
    q->uid = uid;
    q->next = NULL;
    memcpy(q->buf + p->data, p->buf + p->data, pkt_len(p));
    return q;
}

void pkt_free(struct packet *p)
{
    if (!p)
        return;
    struct pkt_pool *pool = p->pool;
    struct pkt_class *k = &pool->cls[p->size_class];
    assert(!p->is_free && "packet freed twice");
    p->is_free = 1;
    p->next = k->free;
    k->free = p;
    k->in_use--;
    pool->in_use--;
}

int pkt_trim(struct packet *p, size_t wire_len)
{
    size_t stored = pkt_len(p);
    if (wire_len > stored + p->virtual_len)
        return -1;
    if (wire_len >= stored) {
        p->virtual_len = (uint32_t)(wire_len - stored);
    } else {
        p->virtual_len = 0;
        p->tail = (uint16_t)(p->data + wire_len);
    }
    return 0;
}
