/* udp.c - UDP over IPv4/IPv6 datagram building (see udp.h). */
#include "models/net/udp.h"

#include <string.h>

#include "models/wire/bytes.h"
#include "models/wire/checksum.h"
#include "models/wire/ipv4.h"
#include "models/wire/ipv6.h"

int net_udp_push(struct packet *p, const struct net_udp_spec *s)
{
    size_t ulen = pkt_wire_len(p) + UDP_HDR_BYTES;
    size_t iplen = s->src.family == 4 ? IPV4_HDR_MIN_LEN : IPV6_HDR_LEN;
    if (s->src.family != s->dst.family || !s->src.family || ulen + iplen > 65535 ||
        pkt_headroom(p) < UDP_HDR_BYTES + iplen)
        return -1;
    uint8_t *u = pkt_push(p, UDP_HDR_BYTES);
    pkt_mark_l4(p);
    wr16(u, s->sport);
    wr16(u + 2, s->dport);
    wr16(u + 4, (uint16_t)ulen);
    wr16(u + 6, 0);
    uint32_t ph = s->src.family == 4
                      ? csum_pseudo_v4(net_addr_v4_host(&s->src), net_addr_v4_host(&s->dst),
                                       IPPROTO_NUM_UDP, (uint32_t)ulen)
                      : csum_pseudo_v6(s->src.b, s->dst.b, IPPROTO_NUM_UDP, (uint32_t)ulen);
    uint16_t c = csum_transport(ph, u, pkt_len(p), 6);
    wr16(u + 6, c ? c : 0xffff); /* RFC 768: a computed zero is sent as all ones */
    uint8_t *h = pkt_push(p, iplen);
    size_t len;
    if (s->src.family == 4) {
        struct ipv4_hdr ip = { .tot_len = (uint16_t)(ulen + iplen), .id = s->ip_id,
                               .frag = IPV4_FLAG_DF, .ttl = s->ttl, .proto = IPPROTO_NUM_UDP,
                               .src = net_addr_v4_host(&s->src),
                               .dst = net_addr_v4_host(&s->dst) };
        ipv4_set_csum(&ip);
        ipv4_encode(&ip, h, iplen, &len);
    } else {
        struct ipv6_hdr ip = { .vtcfl = 6u << 28, .plen = (uint16_t)ulen,
                               .nh = IPPROTO_NUM_UDP, .hlim = s->ttl,
                               .proto = IPPROTO_NUM_UDP };
        memcpy(ip.src, s->src.b, 16);
        memcpy(ip.dst, s->dst.b, 16);
        ipv6_encode(&ip, h, iplen, &len);
    }
    pkt_mark_l3(p);
    return 0;
}
