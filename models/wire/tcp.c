/* tcp.c - TCP fixed header decode and encode (tcp.h); the options are in tcp_opt.c. */
#include "models/wire/tcp.h"

#include <string.h>

#include "models/wire/bytes.h"
#include "models/wire/wire_err.h"

int tcp_decode(const uint8_t *p, size_t len, struct tcp_hdr *h)
{
    if (len < TCP_HDR_MIN_LEN)
        return WIRE_E_TRUNCATED;
    size_t hlen = (size_t)(p[12] >> 4) * 4;
    if (hlen < TCP_HDR_MIN_LEN)
        return WIRE_E_HDR_LEN;
    if (hlen > len)
        return WIRE_E_TRUNCATED;
    h->sport = rd16(p);
    h->dport = rd16(p + 2);
    h->seq = rd32(p + 4);
    h->ack = rd32(p + 8);
    h->flags = rd16(p + 12) & 0x0fff;
    h->window = rd16(p + 14);
    h->csum = rd16(p + 16);
    h->urg = rd16(p + 18);
    h->optlen = (uint8_t)(hlen - TCP_HDR_MIN_LEN);
    copy_short(h->opt, p + TCP_HDR_MIN_LEN, h->optlen);
    return tcp_opts_parse(h);
}

size_t tcp_hdr_len(const struct tcp_hdr *h)
{
    return TCP_HDR_MIN_LEN + (((size_t)h->optlen + 3) & ~(size_t)3);
}

int tcp_encode(const struct tcp_hdr *h, uint8_t *p, size_t cap, size_t *len)
{
    size_t hlen = tcp_hdr_len(h);
    if (h->optlen > TCP_MAX_OPT_LEN)
        return WIRE_E_ARG;
    if (cap < hlen)
        return WIRE_E_BUF;
    wr16(p, h->sport);
    wr16(p + 2, h->dport);
    wr32(p + 4, h->seq);
    wr32(p + 8, h->ack);
    wr16(p + 12, (uint16_t)((hlen / 4) << 12 | (h->flags & 0x0fff)));
    wr16(p + 14, h->window);
    wr16(p + 16, h->csum);
    wr16(p + 18, h->urg);
    copy_short(p + TCP_HDR_MIN_LEN, h->opt, h->optlen);
    memset(p + TCP_HDR_MIN_LEN + h->optlen, 0, hlen - TCP_HDR_MIN_LEN - h->optlen);
    *len = hlen;
    return 0;
}
