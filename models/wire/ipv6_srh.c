/* ipv6_srh.c - Segment Routing Header (RFC 8754): find, insert (full or reduced), read the
 * path, process at a segment endpoint, remove.
 *
 * Layout (section 2): Next Header | Hdr Ext Len | Routing Type = 4 | Segments Left |
 * Last Entry | Flags | Tag (16) | Segment List[0..n-1] (16 bytes each) | TLVs.
 * Segment List[0] is the last segment of the path (the final destination); the active
 * segment is the packet's destination address. In a full SRH it is also Segment
 * List[Segments Left]; a reduced SRH (section 4.1.1) leaves the first segment out of the
 * list, so before the first endpoint Segments Left = Last Entry + 1 and the active segment
 * exists only in the destination. Endpoint processing (section 4.3.1.1) never reads
 * Segment List[Segments Left] before decrementing, so it needs no case for either form.
 * Not modelled: TLVs are kept but never built (so the erratum 7081 restriction, no
 * reduced SRH with one segment and TLVs, cannot arise from ipv6_srh_insert_reduced).
 */
#include <stdbool.h>
#include <string.h>

#include "models/wire/bytes.h"
#include "models/wire/ipv6.h"
#include "models/wire/wire_err.h"

int ipv6_srh_get(const struct ipv6_hdr *h, struct ipv6_srh *s)
{
    for (size_t i = 0; i < h->nexts; i++) {
        const struct ipv6_ext *e = &h->exts[i];
        const uint8_t *b = h->ext + e->off;
        if (e->type != IPV6_EXT_ROUTING || b[2] != IPV6_RT_SRH)
            continue;
        size_t nseg = (size_t)b[4] + 1;
        if (IPV6_SRH_FIXED_LEN + 16 * nseg > e->len || b[3] > nseg)
            return WIRE_E_SRH;
        s->nh = b[0];
        s->hdr_ext_len = b[1];
        s->segleft = b[3];
        s->last_entry = b[4];
        s->flags = b[5];
        s->tag = rd16(b + 6);
        s->nseg = (uint8_t)nseg;
        s->first_in_dst = b[3] == nseg;
        s->ext_index = (uint8_t)i;
        s->segs = b + IPV6_SRH_FIXED_LEN;
        s->tlv_len = (uint16_t)(e->len - IPV6_SRH_FIXED_LEN - 16 * nseg);
        return 0;
    }
    return WIRE_E_NOT_FOUND;
}

/* Builds the SRH of the path hops[0..n), final destination (the current destination) and
 * inserts it. RFC 8754 section 4.1: Segments Left = number of segments - 1 (n), the list in
 * reverse order; the full form lists every segment (Last Entry n), the reduced form of
 * section 4.1.1 leaves out hops[0], which travels only in the destination (Last Entry n - 1). */
static int srh_insert(struct ipv6_hdr *h, const uint8_t (*hops)[16], size_t n, bool reduced)
{
    struct ipv6_srh s;
    if (n == 0 || n + 1 > IPV6_SRH_MAX_SEGS || ipv6_srh_get(h, &s) != WIRE_E_NOT_FOUND)
        return WIRE_E_ARG;
    uint8_t b[IPV6_SRH_FIXED_LEN + 16 * IPV6_SRH_MAX_SEGS];
    size_t nseg = reduced ? n : n + 1;
    size_t len = ipv6_srh_len(nseg);
    b[0] = 0; /* set by ipv6_ext_insert */
    b[1] = (uint8_t)(2 * nseg);
    b[2] = IPV6_RT_SRH;
    b[3] = (uint8_t)n;
    b[4] = (uint8_t)(nseg - 1);
    b[5] = 0;
    wr16(b + 6, 0);
    memcpy(b + 8, h->dst, 16);
    /* Segment List[k] = hops[n - k]: the list is reversed; k = n is hops[0], the first
     * segment, which only the full form carries. */
    for (size_t k = 1; k < nseg; k++)
        memcpy(b + 8 + 16 * k, hops[n - k], 16);
    /* RFC 8200 section 4.1 order: after a hop-by-hop header, before everything else. */
    size_t pos = h->nexts && h->exts[0].type == IPV6_EXT_HOPOPTS ? 1 : 0;
    int err = ipv6_ext_insert(h, pos, IPV6_EXT_ROUTING, b, len);
    if (err)
        return err;
    memcpy(h->dst, hops[0], 16);
    return 0;
}

int ipv6_srh_insert(struct ipv6_hdr *h, const uint8_t (*hops)[16], size_t n)
{
    return srh_insert(h, hops, n, false);
}

int ipv6_srh_insert_reduced(struct ipv6_hdr *h, const uint8_t (*hops)[16], size_t n)
{
    return srh_insert(h, hops, n, true);
}

int ipv6_srh_path(const struct ipv6_hdr *h, uint8_t (*path)[16], size_t cap, size_t *n)
{
    struct ipv6_srh s;
    int err = ipv6_srh_get(h, &s);
    if (err)
        return err;
    if ((size_t)s.segleft + 1 > cap)
        return WIRE_E_BUF;
    /* The active segment is the destination whatever the form; the rest are Segment
     * List[Segments Left - 1] down to [0] (RFC 8754 section 4.3.1.1, S16-S17 applied until
     * Segments Left is 0). */
    memcpy(path[0], h->dst, 16);
    for (size_t k = 1; k <= s.segleft; k++)
        memcpy(path[k], s.segs + 16 * (s.segleft - k), 16);
    *n = (size_t)s.segleft + 1;
    return 0;
}

int ipv6_srh_process(struct ipv6_hdr *h, const uint8_t self[16])
{
    struct ipv6_srh s;
    int err = ipv6_srh_get(h, &s);
    if (err)
        return err;
    if (memcmp(h->dst, self, 16) != 0)
        return WIRE_E_NOT_HOP;
    if (s.segleft == 0)
        return WIRE_E_ROUTE_DONE;
    /* Section 4.3.1.1 S09-S11 (Last Entry within the header, Segments Left <= Last Entry + 1)
     * were checked by ipv6_srh_get; Segments Left = Last Entry + 1 is the reduced SRH's first
     * hop and is valid. S16-S17: decrement, then copy Segment List[Segments Left]. */
    uint8_t *b = h->ext + h->exts[s.ext_index].off;
    b[3] = (uint8_t)(s.segleft - 1);
    memcpy(h->dst, s.segs + 16 * b[3], 16);
    return 0;
}

int ipv6_srh_remove(struct ipv6_hdr *h)
{
    struct ipv6_srh s;
    int err = ipv6_srh_get(h, &s);
    if (err)
        return err;
    if (s.segleft > 0)
        memcpy(h->dst, s.segs, 16);
    return ipv6_ext_remove(h, s.ext_index);
}
