/* ipv4.c - IPv4 header and option list decode/encode (ipv4.h). */
#include "models/wire/ipv4.h"

#include <string.h>

#include "models/wire/bytes.h"
#include "models/wire/checksum.h"
#include "models/wire/wire_err.h"

int ipv4_opts_parse(struct ipv4_hdr *h)
{
    size_t i = 0, n = 0;
    int err = 0;
    while (i < h->optlen) {
        uint8_t type = h->opt[i];
        if (type == IPOPT_EOL || type == IPOPT_NOP) {
            h->opts[n++] = (struct ipv4_opt){ type, 1, (uint8_t)i };
            i++;
            if (type == IPOPT_EOL)
                break;
            continue;
        }
        if (i + 1 >= h->optlen || h->opt[i + 1] < 2 || i + h->opt[i + 1] > h->optlen) {
            err = WIRE_E_OPT_LEN;
            break;
        }
        h->opts[n++] = (struct ipv4_opt){ type, h->opt[i + 1], (uint8_t)i };
        i += h->opt[i + 1];
    }
    h->nopts = (uint8_t)n;
    return err;
}

int ipv4_decode(const uint8_t *p, size_t len, struct ipv4_hdr *h)
{
    if (len < IPV4_HDR_MIN_LEN)
        return WIRE_E_TRUNCATED;
    if (p[0] >> 4 != 4)
        return WIRE_E_VERSION;
    size_t hlen = (size_t)(p[0] & 0x0f) * 4;
    if (hlen < IPV4_HDR_MIN_LEN)
        return WIRE_E_HDR_LEN;
    if (hlen > len)
        return WIRE_E_TRUNCATED;
    h->tos = p[1];
    h->tot_len = rd16(p + 2);
    h->id = rd16(p + 4);
    h->frag = rd16(p + 6);
    h->ttl = p[8];
    h->proto = p[9];
    h->csum = rd16(p + 10);
    h->src = rd32(p + 12);
    h->dst = rd32(p + 16);
    h->optlen = (uint8_t)(hlen - IPV4_HDR_MIN_LEN);
    memcpy(h->opt, p + IPV4_HDR_MIN_LEN, h->optlen);
    if (h->tot_len < hlen) {
        h->nopts = 0;
        return WIRE_E_TOTAL_LEN;
    }
    return ipv4_opts_parse(h);
}

/* Writes the 20 fixed bytes and the options; the shared core of encode and checksum. */
static size_t write_hdr(const struct ipv4_hdr *h, uint8_t *p)
{
    size_t hlen = ipv4_hdr_len(h);
    p[0] = (uint8_t)(0x40 | hlen / 4);
    p[1] = h->tos;
    wr16(p + 2, h->tot_len);
    wr16(p + 4, h->id);
    wr16(p + 6, h->frag);
    p[8] = h->ttl;
    p[9] = h->proto;
    wr16(p + 10, h->csum);
    wr32(p + 12, h->src);
    wr32(p + 16, h->dst);
    memcpy(p + IPV4_HDR_MIN_LEN, h->opt, h->optlen);
    memset(p + IPV4_HDR_MIN_LEN + h->optlen, 0, hlen - IPV4_HDR_MIN_LEN - h->optlen);
    return hlen;
}

int ipv4_encode(const struct ipv4_hdr *h, uint8_t *p, size_t cap, size_t *len)
{
    if (h->optlen > IPV4_MAX_OPT_LEN)
        return WIRE_E_ARG;
    if (cap < ipv4_hdr_len(h))
        return WIRE_E_BUF;
    *len = write_hdr(h, p);
    return 0;
}

void ipv4_set_csum(struct ipv4_hdr *h)
{
    uint8_t b[IPV4_HDR_MIN_LEN + IPV4_MAX_OPT_LEN];
    size_t hlen = write_hdr(h, b);
    h->csum = csum_ipv4_header(b, hlen);
}

int ipv4_csum_ok(const struct ipv4_hdr *h)
{
    uint8_t b[IPV4_HDR_MIN_LEN + IPV4_MAX_OPT_LEN];
    size_t hlen = write_hdr(h, b);
    return csum_ipv4_header(b, hlen) == h->csum;
}

const struct ipv4_opt *ipv4_opt_find(const struct ipv4_hdr *h, uint8_t type)
{
    for (size_t i = 0; i < h->nopts; i++)
        if (h->opts[i].type == type)
            return &h->opts[i];
    return NULL;
}
