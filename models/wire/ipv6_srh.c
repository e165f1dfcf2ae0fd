/* ipv6_srh.c - Segment Routing Header (RFC 8754): find, insert, process, remove.
 *
 * Layout (section 2): Next Header | Hdr Ext Len | Routing Type = 4 | Segments Left |
 * Last Entry | Flags | Tag (16) | Segment List[0..n-1] (16 bytes each) | TLVs.
 * Segment List[0] is the last segment of the path (the final destination); the active
 * segment is Segment List[Segments Left], which is also the packet's destination address.
 */
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
        s->ext_index = (uint8_t)i;
        s->segs = b + IPV6_SRH_FIXED_LEN;
        s->tlv_len = (uint16_t)(e->len - IPV6_SRH_FIXED_LEN - 16 * nseg);
        return 0;
    }
    return WIRE_E_NOT_FOUND;
}

int ipv6_srh_insert(struct ipv6_hdr *h, const uint8_t (*hops)[16], size_t n)
{
    struct ipv6_srh s;
    if (n == 0 || n + 1 > IPV6_SRH_MAX_SEGS || ipv6_srh_get(h, &s) != WIRE_E_NOT_FOUND)
        return WIRE_E_ARG;
    uint8_t b[IPV6_SRH_FIXED_LEN + 16 * IPV6_SRH_MAX_SEGS];
    size_t len = IPV6_SRH_FIXED_LEN + 16 * (n + 1);
    b[0] = 0; /* set by ipv6_ext_insert */
    b[1] = (uint8_t)(2 * (n + 1));
    b[2] = IPV6_RT_SRH;
    b[3] = (uint8_t)n;
    b[4] = (uint8_t)n;
    b[5] = 0;
    wr16(b + 6, 0);
    memcpy(b + 8, h->dst, 16);
    for (size_t k = 1; k <= n; k++) /* Segment List[k] = hops[n - k]: the list is reversed */
        memcpy(b + 8 + 16 * k, hops[n - k], 16);
    /* RFC 8200 section 4.1 order: after a hop-by-hop header, before everything else. */
    size_t pos = h->nexts && h->exts[0].type == IPV6_EXT_HOPOPTS ? 1 : 0;
    int err = ipv6_ext_insert(h, pos, IPV6_EXT_ROUTING, b, len);
    if (err)
        return err;
    memcpy(h->dst, hops[0], 16);
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
