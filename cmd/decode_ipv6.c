/* decode_ipv6.c - the IPv6 header and routing header fields of `mcpsim decode` (ipv6.*).
 *
 * Fixed-header fields read the decoded header (models/wire/ipv6.h); the routing fields
 * repeat once per routing header in the chain, and the ipv6.routing.srh.* fields appear only
 * for a Segment Routing Header (type 4, RFC 8754 section 2), whose segment list is printed
 * from Segments[0] to Segments[Last Entry] as Wireshark does. Not shown: other extension
 * headers' fields, SRH TLVs, and fields of a packet quoted inside an ICMPv6 error.
 */
#include <arpa/inet.h>

#include "cmd/decode_group.h"
#include "models/wire/bytes.h"

static void put_ip6(struct occ *o, const uint8_t *a)
{
    char s[INET6_ADDRSTRLEN];
    inet_ntop(AF_INET6, a, s, sizeof s);
    occ_put(o, "%s", s);
}

static const struct ipv6_hdr *v6(const struct decode_ctx *c)
{
    return c->pkt && c->pkt->family == 6 ? &c->pkt->ip.v6 : NULL;
}

static void f_ipv6_src(const struct decode_ctx *c, struct occ *o)
{
    if (v6(c))
        put_ip6(o, v6(c)->src);
}
static void f_ipv6_dst(const struct decode_ctx *c, struct occ *o)
{
    if (v6(c))
        put_ip6(o, v6(c)->dst);
}
static void f_ipv6_plen(const struct decode_ctx *c, struct occ *o)
{
    if (v6(c))
        occ_put(o, "%u", v6(c)->plen);
}
static void f_ipv6_nxt(const struct decode_ctx *c, struct occ *o)
{
    if (v6(c))
        occ_put(o, "%u", v6(c)->nh);
}
static void f_ipv6_hlim(const struct decode_ctx *c, struct occ *o)
{
    if (v6(c))
        occ_put(o, "%u", v6(c)->hlim);
}

/* Calls fn on every routing header (byte pointer, length). */
static void each_routing(const struct decode_ctx *c, struct occ *o,
                         void (*fn)(struct occ *, const uint8_t *, size_t))
{
    const struct ipv6_hdr *h = v6(c);
    for (size_t i = 0; h && i < h->nexts; i++)
        if (h->exts[i].type == IPV6_EXT_ROUTING)
            fn(o, h->ext + h->exts[i].off, h->exts[i].len);
}
static void rt_type(struct occ *o, const uint8_t *b, size_t n) { (void)n; occ_put(o, "%u", b[2]); }
static void rt_segleft(struct occ *o, const uint8_t *b, size_t n)
{
    (void)n;
    occ_put(o, "%u", b[3]);
}
static void rt_len(struct occ *o, const uint8_t *b, size_t n) { (void)n; occ_put(o, "%u", b[1]); }
static void rt_nxt(struct occ *o, const uint8_t *b, size_t n) { (void)n; occ_put(o, "%u", b[0]); }
static void srh_last(struct occ *o, const uint8_t *b, size_t n)
{
    (void)n;
    if (b[2] == IPV6_RT_SRH)
        occ_put(o, "%u", b[4]);
}
static void srh_flags(struct occ *o, const uint8_t *b, size_t n)
{
    (void)n;
    if (b[2] == IPV6_RT_SRH)
        occ_put(o, "0x%02x", b[5]);
}
static void srh_tag(struct occ *o, const uint8_t *b, size_t n)
{
    (void)n;
    if (b[2] == IPV6_RT_SRH)
        occ_put(o, "%04x", rd16(b + 6));
}
static void srh_addr(struct occ *o, const uint8_t *b, size_t n)
{
    if (b[2] != IPV6_RT_SRH)
        return;
    for (size_t k = 0; k <= b[4] && IPV6_SRH_FIXED_LEN + 16 * (k + 1) <= n; k++)
        put_ip6(o, b + IPV6_SRH_FIXED_LEN + 16 * k);
}
static void f_rt_type(const struct decode_ctx *c, struct occ *o) { each_routing(c, o, rt_type); }
static void f_rt_segleft(const struct decode_ctx *c, struct occ *o)
{
    each_routing(c, o, rt_segleft);
}
static void f_rt_len(const struct decode_ctx *c, struct occ *o) { each_routing(c, o, rt_len); }
static void f_rt_nxt(const struct decode_ctx *c, struct occ *o) { each_routing(c, o, rt_nxt); }
static void f_srh_last(const struct decode_ctx *c, struct occ *o) { each_routing(c, o, srh_last); }
static void f_srh_flags(const struct decode_ctx *c, struct occ *o)
{
    each_routing(c, o, srh_flags);
}
static void f_srh_tag(const struct decode_ctx *c, struct occ *o) { each_routing(c, o, srh_tag); }
static void f_srh_addr(const struct decode_ctx *c, struct occ *o) { each_routing(c, o, srh_addr); }

static const struct decode_field ipv6_fields[] = {
    { "ipv6.src", f_ipv6_src },
    { "ipv6.dst", f_ipv6_dst },
    { "ipv6.plen", f_ipv6_plen },
    { "ipv6.nxt", f_ipv6_nxt },
    { "ipv6.hlim", f_ipv6_hlim },
    { "ipv6.routing.nxt", f_rt_nxt },
    { "ipv6.routing.len", f_rt_len },
    { "ipv6.routing.type", f_rt_type },
    { "ipv6.routing.segleft", f_rt_segleft },
    { "ipv6.routing.srh.last_entry", f_srh_last },
    { "ipv6.routing.srh.flags", f_srh_flags },
    { "ipv6.routing.srh.tag", f_srh_tag },
    { "ipv6.routing.srh.addr", f_srh_addr },
};

const struct decode_field_group decode_ipv6_group = {
    ipv6_fields, sizeof ipv6_fields / sizeof ipv6_fields[0]
};
