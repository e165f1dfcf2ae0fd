/* packet.c - whole-packet decode/encode over the IP and TCP codecs (packet.h). */
#include "models/wire/packet.h"

#include <string.h>

#include "models/wire/checksum.h"
#include "models/wire/wire_err.h"

static size_t ip_hdr_len(const struct wire_pkt *pkt)
{
    return pkt->family == 4 ? ipv4_hdr_len(&pkt->ip.v4) : ipv6_hdr_len(&pkt->ip.v6);
}

/* After the IP header: TCP when possible, raw bytes otherwise; splits off the trailer. */
static int decode_l4(const uint8_t *p, size_t len, struct wire_pkt *pkt, int later_fragment)
{
    size_t hlen = ip_hdr_len(pkt);
    size_t dgram_cap = len < pkt->ip_len ? len : pkt->ip_len;
    pkt->l4 = p + hlen;
    pkt->l4_caplen = (uint32_t)(dgram_cap - hlen);
    pkt->trailer = p + dgram_cap;
    pkt->trailer_len = (uint32_t)(len - dgram_cap);
    if (pkt->proto != IPPROTO_NUM_TCP || later_fragment)
        return later_fragment ? WIRE_E_FRAGMENT : 0;
    int err = tcp_decode(pkt->l4, pkt->l4_caplen, &pkt->tcp);
    if (err && err != WIRE_E_OPT_LEN)
        return err;
    size_t seg_len = pkt->ip_len - hlen, thlen = tcp_hdr_len(&pkt->tcp);
    if (thlen > seg_len)
        return WIRE_E_TOTAL_LEN;
    pkt->has_tcp = 1;
    pkt->tcp_err = err;
    pkt->payload = pkt->l4 + thlen;
    pkt->payload_len = (uint32_t)(seg_len - thlen);
    pkt->payload_caplen = (uint32_t)(pkt->l4_caplen - thlen);
    return err;
}

int wire_pkt_decode(const uint8_t *p, size_t len, struct wire_pkt *pkt)
{
    pkt->family = 0;
    pkt->has_tcp = 0;
    pkt->ip_err = pkt->tcp_err = 0;
    if (len < 1)
        return WIRE_E_TRUNCATED;
    int err, later = 0;
    if (p[0] >> 4 == 4) {
        err = ipv4_decode(p, len, &pkt->ip.v4);
        if (err && err != WIRE_E_OPT_LEN)
            return err;
        pkt->ip_len = pkt->ip.v4.tot_len;
        pkt->proto = pkt->ip.v4.proto;
        later = ipv4_is_later_fragment(&pkt->ip.v4);
        pkt->family = 4;
    } else if (p[0] >> 4 == 6) {
        err = ipv6_decode(p, len, &pkt->ip.v6);
        if (err)
            return err;
        pkt->ip_len = IPV6_HDR_LEN + (uint32_t)pkt->ip.v6.plen;
        pkt->proto = pkt->ip.v6.proto;
        later = pkt->ip.v6.later_fragment;
        pkt->family = 6;
    } else {
        return WIRE_E_VERSION;
    }
    pkt->ip_err = err;
    int l4err = decode_l4(p, len, pkt, later);
    return err ? err : l4err;
}

size_t wire_pkt_hdr_len(const struct wire_pkt *pkt)
{
    return ip_hdr_len(pkt) + (pkt->has_tcp ? tcp_hdr_len(&pkt->tcp) : 0);
}

int wire_pkt_encode(const struct wire_pkt *pkt, uint8_t *out, size_t cap, size_t *len)
{
    size_t n, k;
    int err;
    if (pkt->family == 4)
        err = ipv4_encode(&pkt->ip.v4, out, cap, &n);
    else if (pkt->family == 6)
        err = ipv6_encode(&pkt->ip.v6, out, cap, &n);
    else
        return WIRE_E_ARG;
    if (err)
        return err;
    const uint8_t *rest;
    size_t rest_len;
    if (pkt->has_tcp) {
        err = tcp_encode(&pkt->tcp, out + n, cap - n, &k);
        if (err)
            return err;
        n += k;
        rest = pkt->payload;
        rest_len = pkt->payload_caplen;
    } else {
        rest = pkt->l4;
        rest_len = pkt->l4_caplen;
    }
    if (cap - n < rest_len + pkt->trailer_len)
        return WIRE_E_BUF;
    if (rest_len)
        memcpy(out + n, rest, rest_len);
    n += rest_len;
    if (pkt->trailer_len)
        memcpy(out + n, pkt->trailer, pkt->trailer_len);
    *len = n + pkt->trailer_len;
    return 0;
}

int wire_pkt_tcp_csum(const struct wire_pkt *pkt, uint16_t *csum)
{
    if (!pkt->has_tcp)
        return WIRE_E_PROTO;
    if (pkt->payload_caplen < pkt->payload_len)
        return WIRE_E_TRUNCATED;
    uint8_t hdr[TCP_HDR_MIN_LEN + TCP_MAX_OPT_LEN];
    size_t hlen;
    int err = tcp_encode(&pkt->tcp, hdr, sizeof hdr, &hlen);
    if (err)
        return err;
    uint32_t seg_len = (uint32_t)hlen + pkt->payload_len, ph;
    if (pkt->family == 4) {
        ph = csum_pseudo_v4(pkt->ip.v4.src, ipv4_final_dst(&pkt->ip.v4), IPPROTO_NUM_TCP, seg_len);
    } else {
        uint8_t dst[16];
        ipv6_final_dst(&pkt->ip.v6, dst);
        ph = csum_pseudo_v6(pkt->ip.v6.src, dst, IPPROTO_NUM_TCP, seg_len);
    }
    /* The header has an even length: summing header then payload equals summing the whole. */
    uint32_t s = csum_add(ph, hdr, 16);
    s = csum_add(s, hdr + 18, hlen - 18);
    *csum = csum_fold(csum_add(s, pkt->payload, pkt->payload_len));
    return 0;
}
