/* icmp.c - ICMP/ICMPv6 destination unreachable, time exceeded, packet too big, and ICMPv6
 * parameter problem (icmp.h). */
#include "models/wire/icmp.h"

#include <string.h>

#include "models/wire/bytes.h"
#include "models/wire/checksum.h"
#include "models/wire/ipv6.h"
#include "models/wire/wire_err.h"

static bool is_v4_error(uint8_t t) { return t == ICMP_DEST_UNREACH || t == ICMP_TIME_EXCEEDED; }

static bool is_v6_error(uint8_t t)
{
    return t == ICMPV6_DEST_UNREACH || t == ICMPV6_TIME_EXCEEDED || t == ICMPV6_PKT_TOO_BIG ||
           t == ICMPV6_PARAM_PROBLEM;
}

static int decode(const uint8_t *p, size_t len, struct icmp_msg *m, bool (*known)(uint8_t))
{
    if (len < ICMP_HDR_LEN)
        return WIRE_E_TRUNCATED;
    if (!known(p[0]))
        return WIRE_E_PROTO;
    m->type = p[0];
    m->code = p[1];
    m->csum = rd16(p + 2);
    m->rest = rd32(p + 4);
    m->quote = p + ICMP_HDR_LEN;
    m->quote_len = len - ICMP_HDR_LEN;
    return 0;
}

int icmp_decode(const uint8_t *p, size_t len, struct icmp_msg *m)
{
    return decode(p, len, m, is_v4_error);
}

int icmp6_decode(const uint8_t *p, size_t len, struct icmp_msg *m)
{
    return decode(p, len, m, is_v6_error);
}

/* Writes the message with a zero checksum; returns its length or a negative code. */
static int write_msg(uint8_t type, uint8_t code, uint32_t rest, const uint8_t *quote,
                     size_t quote_len, size_t quote_max, uint8_t *out, size_t cap)
{
    if (quote_len > quote_max)
        quote_len = quote_max;
    if (cap < ICMP_HDR_LEN + quote_len)
        return WIRE_E_BUF;
    out[0] = type;
    out[1] = code;
    wr16(out + 2, 0);
    wr32(out + 4, rest);
    if (quote_len)
        memcpy(out + ICMP_HDR_LEN, quote, quote_len);
    return (int)(ICMP_HDR_LEN + quote_len);
}

int icmp_encode(uint8_t type, uint8_t code, uint32_t rest, const uint8_t *quote,
                size_t quote_len, uint8_t *out, size_t cap, size_t *len)
{
    if (!is_v4_error(type))
        return WIRE_E_PROTO;
    int n = write_msg(type, code, rest, quote, quote_len, ICMP_QUOTE_MAX, out, cap);
    if (n < 0)
        return n;
    wr16(out + 2, csum_fold(csum_add(0, out, (size_t)n)));
    *len = (size_t)n;
    return 0;
}

int icmp6_encode(uint8_t type, uint8_t code, uint32_t rest, const uint8_t *quote,
                 size_t quote_len, const uint8_t src[16], const uint8_t dst[16], uint8_t *out,
                 size_t cap, size_t *len)
{
    if (!is_v6_error(type))
        return WIRE_E_PROTO;
    int n = write_msg(type, code, rest, quote, quote_len, ICMPV6_QUOTE_MAX, out, cap);
    if (n < 0)
        return n;
    uint32_t ph = csum_pseudo_v6(src, dst, IPV6_NH_ICMPV6, (uint32_t)n);
    wr16(out + 2, csum_transport(ph, out, (size_t)n, 2));
    *len = (size_t)n;
    return 0;
}
