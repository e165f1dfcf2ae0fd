/* ipv4_udp.c - minimal IPv4 + UDP headers (see ipv4_udp.h; temporary, replaced by the wire
 * layer's codec). */
#include "models/net/ipv4_udp.h"

#include "models/wire/bytes.h"

uint16_t inet_checksum(const uint8_t *data, size_t len)
{
    uint32_t sum = 0;
    for (size_t i = 0; i + 1 < len; i += 2)
        sum += (uint32_t)(data[i] << 8 | data[i + 1]);
    if (len & 1)
        sum += (uint32_t)data[len - 1] << 8;
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

int ipv4_udp_push(struct packet *p, const struct ipv4_udp_fields *f)
{
    size_t total = pkt_wire_len(p) + UDP_HDR_BYTES + IPV4_HDR_BYTES;
    if (total > 65535)
        return -1;
    uint8_t *u = pkt_push(p, UDP_HDR_BYTES);
    if (!u)
        return -1;
    pkt_mark_l4(p);
    wr16(u, f->sport);
    wr16(u + 2, f->dport);
    wr16(u + 4, (uint16_t)(total - IPV4_HDR_BYTES));
    wr16(u + 6, 0); /* RFC 768: zero means "no checksum" (payload bytes are virtual) */
    uint8_t *h = pkt_push(p, IPV4_HDR_BYTES);
    if (!h) {
        pkt_pull(p, UDP_HDR_BYTES);
        return -1;
    }
    pkt_mark_l3(p);
    h[0] = 0x45; /* version 4, IHL 5 words */
    h[1] = 0;    /* DSCP/ECN */
    wr16(h + 2, (uint16_t)total);
    wr16(h + 4, f->ip_id);
    wr16(h + 6, 0x4000); /* DF: these models never fragment */
    h[8] = f->ttl;
    h[9] = IPPROTO_UDP_NUM;
    wr16(h + 10, 0);
    wr32(h + 12, f->src);
    wr32(h + 16, f->dst);
    wr16(h + 10, inet_checksum(h, IPV4_HDR_BYTES));
    return 0;
}

int ipv4_parse(struct packet *p, struct ipv4_udp_fields *f)
{
    if (pkt_len(p) < IPV4_HDR_BYTES)
        return -1;
    uint8_t *h = pkt_data(p);
    if (h[0] != 0x45 || rd16(h + 2) != pkt_wire_len(p) || inet_checksum(h, IPV4_HDR_BYTES))
        return -1;
    pkt_mark_l3(p);
    f->ip_id = rd16(h + 4);
    f->ttl = h[8];
    f->src = rd32(h + 12);
    f->dst = rd32(h + 16);
    if (h[9] == IPPROTO_UDP_NUM) {
        if (pkt_len(p) < IPV4_HDR_BYTES + UDP_HDR_BYTES)
            return -1;
        p->l4 = (uint16_t)(p->data + IPV4_HDR_BYTES);
        f->sport = rd16(h + IPV4_HDR_BYTES);
        f->dport = rd16(h + IPV4_HDR_BYTES + 2);
    }
    return h[9];
}

void ipv4_dec_ttl(uint8_t *hdr)
{
    /* RFC 1624 eq. 3: HC' = ~(~HC + ~m + m'), m the 16-bit word holding TTL and protocol. */
    uint16_t m = (uint16_t)(hdr[8] << 8 | hdr[9]);
    hdr[8]--;
    uint16_t m2 = (uint16_t)(hdr[8] << 8 | hdr[9]);
    uint32_t sum = (uint16_t)~rd16(hdr + 10) + (uint32_t)(uint16_t)~m + m2;
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    wr16(hdr + 10, (uint16_t)~sum);
}
