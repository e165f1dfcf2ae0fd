/* ipv6.c - IPv6 fixed header and extension chain decode/encode (ipv6.h). */
#include "models/wire/ipv6.h"

#include <string.h>

#include "models/wire/bytes.h"
#include "models/wire/wire_err.h"

static int is_ext(uint8_t nh)
{
    return nh == IPV6_EXT_HOPOPTS || nh == IPV6_EXT_ROUTING || nh == IPV6_EXT_FRAGMENT ||
           nh == IPV6_EXT_DSTOPTS;
}

/* Re-lists the chain in h->ext from h->nh; also sets proto and later_fragment. */
static int list_chain(struct ipv6_hdr *h)
{
    uint8_t nh = h->nh;
    size_t off = 0, n = 0;
    h->later_fragment = 0;
    while (is_ext(nh) && !h->later_fragment) {
        if (off == h->extlen)
            break;
        if (n == IPV6_EXT_MAX_HDRS || off + 2 > h->extlen)
            return WIRE_E_EXT_CHAIN;
        const uint8_t *e = h->ext + off;
        size_t len = nh == IPV6_EXT_FRAGMENT ? 8 : ((size_t)e[1] + 1) * 8;
        if (off + len > h->extlen)
            return WIRE_E_EXT_CHAIN;
        if (nh == IPV6_EXT_FRAGMENT && (rd16(e + 2) >> 3) != 0)
            h->later_fragment = 1;
        h->exts[n++] = (struct ipv6_ext){ nh, e[0], (uint16_t)off, (uint16_t)len };
        nh = e[0];
        off += len;
    }
    h->nexts = (uint8_t)n;
    h->proto = nh;
    return 0;
}

int ipv6_decode(const uint8_t *p, size_t len, struct ipv6_hdr *h)
{
    if (len < IPV6_HDR_LEN)
        return WIRE_E_TRUNCATED;
    if (p[0] >> 4 != 6)
        return WIRE_E_VERSION;
    h->vtcfl = rd32(p);
    h->plen = rd16(p + 4);
    h->nh = p[6];
    h->hlim = p[7];
    memcpy(h->src, p + 8, 16);
    memcpy(h->dst, p + 24, 16);
    /* Measure the chain on the wire first, then copy it once. */
    uint8_t nh = h->nh;
    size_t off = IPV6_HDR_LEN, n = 0;
    int later = 0;
    while (is_ext(nh) && !later) {
        if (n == IPV6_EXT_MAX_HDRS)
            return WIRE_E_EXT_CHAIN;
        if (off + 2 > len)
            return WIRE_E_TRUNCATED;
        size_t elen = nh == IPV6_EXT_FRAGMENT ? 8 : ((size_t)p[off + 1] + 1) * 8;
        if (off + elen - IPV6_HDR_LEN > h->plen)
            return WIRE_E_TOTAL_LEN;
        if (off + elen - IPV6_HDR_LEN > IPV6_EXT_MAX_BYTES)
            return WIRE_E_EXT_CHAIN;
        if (off + elen > len)
            return WIRE_E_TRUNCATED;
        if (nh == IPV6_EXT_FRAGMENT && (rd16(p + off + 2) >> 3) != 0)
            later = 1;
        nh = p[off];
        off += elen;
        n++;
    }
    h->extlen = (uint16_t)(off - IPV6_HDR_LEN);
    memcpy(h->ext, p + IPV6_HDR_LEN, h->extlen);
    return list_chain(h);
}

int ipv6_encode(const struct ipv6_hdr *h, uint8_t *p, size_t cap, size_t *len)
{
    if (h->extlen > IPV6_EXT_MAX_BYTES)
        return WIRE_E_ARG;
    if (cap < ipv6_hdr_len(h))
        return WIRE_E_BUF;
    wr32(p, h->vtcfl);
    wr16(p + 4, h->plen);
    p[6] = h->nh;
    p[7] = h->hlim;
    memcpy(p + 8, h->src, 16);
    memcpy(p + 24, h->dst, 16);
    memcpy(p + IPV6_HDR_LEN, h->ext, h->extlen);
    *len = ipv6_hdr_len(h);
    return 0;
}

const struct ipv6_ext *ipv6_ext_find(const struct ipv6_hdr *h, uint8_t type)
{
    for (size_t i = 0; i < h->nexts; i++)
        if (h->exts[i].type == type)
            return &h->exts[i];
    return NULL;
}

/* The Next Header field that announces chain position pos. */
static uint8_t *nh_field(struct ipv6_hdr *h, size_t pos)
{
    return pos == 0 ? &h->nh : &h->ext[h->exts[pos - 1].off];
}

int ipv6_ext_insert(struct ipv6_hdr *h, size_t pos, uint8_t type, const uint8_t *bytes,
                    size_t len)
{
    if (!is_ext(type) || pos > h->nexts || len < 8 || len % 8 ||
        (type == IPV6_EXT_FRAGMENT ? len != 8 : len != ((size_t)bytes[1] + 1) * 8))
        return WIRE_E_ARG;
    if (h->nexts == IPV6_EXT_MAX_HDRS || h->extlen + len > IPV6_EXT_MAX_BYTES ||
        h->plen + len > UINT16_MAX)
        return WIRE_E_EXT_CHAIN;
    size_t at = pos < h->nexts ? h->exts[pos].off : h->extlen;
    memmove(h->ext + at + len, h->ext + at, h->extlen - at);
    memcpy(h->ext + at, bytes, len);
    uint8_t *prev = nh_field(h, pos);
    h->ext[at] = *prev;
    *prev = type;
    h->extlen = (uint16_t)(h->extlen + len);
    h->plen = (uint16_t)(h->plen + len);
    return list_chain(h);
}

int ipv6_ext_remove(struct ipv6_hdr *h, size_t i)
{
    if (i >= h->nexts)
        return WIRE_E_ARG;
    struct ipv6_ext e = h->exts[i];
    *nh_field(h, i) = e.nh;
    memmove(h->ext + e.off, h->ext + e.off + e.len, h->extlen - e.off - e.len);
    h->extlen = (uint16_t)(h->extlen - e.len);
    h->plen = (uint16_t)(h->plen - e.len);
    return list_chain(h);
}

void ipv6_final_dst(const struct ipv6_hdr *h, uint8_t out[16])
{
    struct ipv6_srh s;
    if (ipv6_srh_get(h, &s) == 0 && s.segleft > 0)
        memcpy(out, s.segs, 16);
    else
        memcpy(out, h->dst, 16);
}
