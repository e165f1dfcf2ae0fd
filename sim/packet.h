/* packet.h - packet buffers with real header bytes, virtual payload, and pools.
 *
 * A packet's wire form is its stored bytes followed by virtual_len bytes that exist on the
 * wire (they count for serialization, queues and sequence space) but are not stored.
 * Headers are always stored as real bytes, so a datapath parses exactly what a real proxy
 * would and every trace opens in Wireshark; payload is virtual unless a model asks for real
 * bytes (a DSS checksum, Convert TLVs in a SYN). Stored bytes sit in one buffer with
 * headroom in front, so headers are built by pushing, innermost first (payload, TCP, IP,
 * tunnel), and removed by pulling - the Linux sk_buff discipline without its shared-data
 * machinery.
 *
 * Buffers come from a pool (struct pkt_pool) with two size classes: "small" for header-only
 * packets (default 192 bytes of headroom + 64 bytes after the data start = 256 bytes) and
 * "large" for real payload up to a full MTU (default 192 + 1536). Freed packets go back on
 * a free list, so after warm-up the per-packet path calls no allocator; the pool counts
 * packets, bytes and peaks for memory accounting. A pool belongs to one simulation, driven
 * by one thread; it takes no locks.
 *
 * Metadata the simulator needs but the wire does not carry (uid, flow id, timestamps,
 * parsed header offsets, a scratch area) lives in struct packet, outside the wire bytes.
 * Not modelled: fragmentation, scatter-gather, data shared between clones (a clone copies
 * the stored bytes; they are headers plus, rarely, a small real payload).
 */
#ifndef MCPSIM_SIM_PACKET_H
#define MCPSIM_SIM_PACKET_H

#include <stddef.h>
#include <stdint.h>

#include "sim/units.h"

#define PKT_OFF_NONE 0xffff /* an unset l3/l4 offset */
#define PKT_CB_BYTES 16     /* size of the scratch area */

struct pkt_pool;

/* The fields after the metadata are the buffer bookkeeping: read them through the inline
 * functions below, never write them. */
struct packet {
    /* Simulator-only metadata, free for models to read and (except uid) write. */
    uint64_t uid;           /* unique in its pool, 1, 2, ... in allocation order */
    uint64_t flow_id;       /* set by the creating model; 0 = none; copied by clones */
    sim_time_t created_ps;  /* stamped from the pool's clock when one is set */
    sim_time_t enqueued_ps; /* set by the queue the packet waits in */
    struct packet *next;    /* one intrusive link for whichever queue holds the packet */
    /* Bookkeeping. */
    struct pkt_pool *pool;
    uint32_t virtual_len;   /* wire bytes after the stored ones, not stored */
    uint16_t data;          /* offset in buf of the first stored (wire) byte */
    uint16_t tail;          /* offset in buf one past the last stored byte */
    uint16_t size;          /* bytes in buf */
    /* Offsets in buf of the network and transport headers, set once by whoever parses or
     * builds them so the next hop does not parse twice; they are buffer offsets, so they
     * stay valid while other headers are pushed or pulled in front. */
    uint16_t l3, l4;
    uint8_t size_class;
    uint8_t is_free;
    uint8_t cb[PKT_CB_BYTES]; /* models' scratch ("control block", as skb->cb); zeroed */
    uint8_t buf[];
};

/* ---- wire bytes ------------------------------------------------------------------- */

static inline uint8_t *pkt_data(struct packet *p) { return p->buf + p->data; }
static inline const uint8_t *pkt_cdata(const struct packet *p) { return p->buf + p->data; }
static inline size_t pkt_len(const struct packet *p) { return (size_t)(p->tail - p->data); }
static inline size_t pkt_virtual_len(const struct packet *p) { return p->virtual_len; }
static inline size_t pkt_headroom(const struct packet *p) { return p->data; }
static inline size_t pkt_tailroom(const struct packet *p) { return (size_t)(p->size - p->tail); }

/* Bytes on the wire: stored + virtual. */
static inline size_t pkt_wire_len(const struct packet *p)
{
    return pkt_len(p) + p->virtual_len;
}

/* n new bytes in front of the data (a header to fill in); NULL, packet unchanged, when the
 * headroom is smaller than n. */
static inline uint8_t *pkt_push(struct packet *p, size_t n)
{
    if (n > p->data)
        return NULL;
    p->data = (uint16_t)(p->data - n);
    return p->buf + p->data;
}

/* Removes n stored bytes from the front (a parsed header); returns the new front, or NULL,
 * packet unchanged, when fewer than n bytes are stored (virtual bytes cannot be pulled). */
static inline uint8_t *pkt_pull(struct packet *p, size_t n)
{
    if (n > pkt_len(p))
        return NULL;
    p->data = (uint16_t)(p->data + n);
    return p->buf + p->data;
}

/* n new real bytes after the stored bytes (and so before any virtual bytes); NULL, packet
 * unchanged, when the tailroom is smaller than n. */
static inline uint8_t *pkt_put(struct packet *p, size_t n)
{
    if (n > pkt_tailroom(p))
        return NULL;
    uint8_t *t = p->buf + p->tail;
    p->tail = (uint16_t)(p->tail + n);
    return t;
}

/* Virtual payload length (replaces the previous value). */
static inline void pkt_set_virtual(struct packet *p, uint32_t n) { p->virtual_len = n; }

/* Shortens the packet to wire_len bytes, dropping virtual bytes first, then stored bytes
 * from the tail (as an IP layer trims to the header's total length). 0, or -1, packet
 * unchanged, when wire_len is longer than the packet. */
int pkt_trim(struct packet *p, size_t wire_len);

/* Marks the current front as the L3 (network) or L4 (transport) header. */
static inline void pkt_mark_l3(struct packet *p) { p->l3 = p->data; }
static inline void pkt_mark_l4(struct packet *p) { p->l4 = p->data; }

/* The marked header, or NULL when not marked. */
static inline uint8_t *pkt_l3(struct packet *p)
{
    return p->l3 == PKT_OFF_NONE ? NULL : p->buf + p->l3;
}

static inline uint8_t *pkt_l4(struct packet *p)
{
    return p->l4 == PKT_OFF_NONE ? NULL : p->buf + p->l4;
}

/* ---- pools ------------------------------------------------------------------------ */

struct pkt_pool_config {
    size_t headroom_bytes;   /* room in front of a fresh packet's data, for pushed headers */
    size_t small_room_bytes; /* room from the data start to the end, small class */
    size_t large_room_bytes; /* the same for the large class: real payload up to an MTU */
    size_t slab_packets;     /* packets obtained per malloc when a free list is empty */
};

/* 192 bytes of headroom hold the deepest header stack of the designs compared (outer IPv6
 * 40 + IPv6 40 + SRH with two segments 40 + TCP with 40 bytes of options 60 = 180). */
#define PKT_POOL_CONFIG_DEFAULT { 192, 64, 1536, 64 }

struct pkt_pool_stats {
    uint64_t allocs;        /* packets handed out (alloc, copy_from, clone) */
    uint64_t failures;      /* requests refused: too large for the large class, or no memory */
    uint64_t packets;       /* packets created, free or in use */
    uint64_t in_use;        /* handed out and not yet freed */
    uint64_t peak_in_use;
    uint64_t bytes;         /* bytes obtained from malloc (slabs and the pool itself) */
    uint64_t in_use_bytes;  /* bytes of the packets in use, metadata included */
    uint64_t mallocs;       /* calls to malloc: constant after warm-up */
};

/* 0; -1 with a message in err when cfg is invalid (a class larger than 65535 bytes, a large
 * class smaller than the small one, no slab size); -2 when memory is exhausted.
 * cfg NULL means PKT_POOL_CONFIG_DEFAULT. */
int pkt_pool_new(const struct pkt_pool_config *cfg, struct pkt_pool **out, char *err,
                 size_t errlen);

/* Frees the pool and every packet it made, in use or not. */
void pkt_pool_free(struct pkt_pool *pool);

/* Sets the clock that stamps created_ps of new packets (NULL: created_ps = 0). */
void pkt_pool_set_clock(struct pkt_pool *pool, sim_time_t (*now)(void *ctx), void *ctx);

void pkt_pool_get_stats(const struct pkt_pool *pool, struct pkt_pool_stats *out);

/* A fresh packet: no stored and no virtual bytes, the configured headroom in front, and at
 * least real_bytes of tailroom (the small class when they fit, else the large one). NULL
 * when real_bytes exceed the large class or memory is exhausted. */
struct packet *pkt_alloc(struct pkt_pool *pool, size_t real_bytes);

/* A packet holding a copy of len wire bytes followed by virtual_len virtual bytes (a packet
 * read from a pcap whose capture was truncated: virtual_len = original - captured length).
 * The bytes start after the usual headroom. NULL as pkt_alloc(). */
struct packet *pkt_copy_from(struct pkt_pool *pool, const void *bytes, size_t len,
                             uint32_t virtual_len);

/* An independent copy from the same pool and size class: the stored bytes at the same
 * offsets (so l3/l4 stay valid), the virtual length and all metadata, with a new uid.
 * Cost: one free-list pop and a copy of the stored bytes - O(headers) for a virtual-payload
 * packet. NULL when memory is exhausted. */
struct packet *pkt_clone(const struct packet *p);

/* Returns the packet to its pool's free list; NULL is ignored. Freeing twice is a bug and
 * is caught by an assertion. */
void pkt_free(struct packet *p);

#endif
