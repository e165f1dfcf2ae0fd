/* checksum.c - Internet checksum and RFC 1624 incremental update (checksum.h). */
#include "models/wire/checksum.h"

#include "models/wire/bytes.h"

uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t len)
{
    /* 64-bit accumulator: no carry handling inside the loop, folded once at the end. */
    uint64_t s = sum;
    size_t i = 0;
    for (; i + 4 <= len; i += 4)
        s += rd32(p + i);
    for (; i + 2 <= len; i += 2)
        s += rd16(p + i);
    if (i < len)
        s += (uint32_t)p[i] << 8;
    while (s >> 32)
        s = (s & 0xffffffffu) + (s >> 32);
    return (uint32_t)s;
}

uint16_t csum_fold(uint32_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xffffu) + (sum >> 16);
    return (uint16_t)~sum;
}

uint16_t csum_ipv4_header(const uint8_t *hdr, size_t hdr_len)
{
    uint32_t s = csum_add(0, hdr, 10);
    return csum_fold(csum_add(s, hdr + 12, hdr_len - 12));
}

uint32_t csum_pseudo_v4(uint32_t src, uint32_t dst, uint8_t proto, uint32_t len)
{
    uint64_t s = (uint64_t)(src >> 16) + (src & 0xffff) + (dst >> 16) + (dst & 0xffff) + proto +
                 (len >> 16) + (len & 0xffff);
    return (uint32_t)((s & 0xffffffffu) + (s >> 32));
}

uint32_t csum_pseudo_v6(const uint8_t src[16], const uint8_t dst[16], uint8_t proto, uint32_t len)
{
    uint32_t s = csum_add(0, src, 16);
    s = csum_add(s, dst, 16);
    uint64_t t = (uint64_t)s + (len >> 16) + (len & 0xffff) + proto;
    return (uint32_t)((t & 0xffffffffu) + (t >> 32));
}

uint16_t csum_transport(uint32_t pseudo, const uint8_t *seg, size_t len, size_t csum_off)
{
    /* csum_off is even for TCP (16), UDP (6) and ICMP (2): both chunks stay word aligned. */
    uint32_t s = csum_add(pseudo, seg, csum_off);
    s = csum_add(s, seg + csum_off + 2, len - csum_off - 2);
    uint16_t c = csum_fold(s);
    return c;
}

uint16_t csum_update16(uint16_t csum, uint16_t old_word, uint16_t new_word)
{
    /* RFC 1624 eq. 3; computing with ~m instead of -m avoids the -0 result of eq. 2. */
    uint32_t s = (uint16_t)~csum + (uint32_t)(uint16_t)~old_word + new_word;
    return csum_fold(s);
}

uint16_t csum_update32(uint16_t csum, uint32_t old_word, uint32_t new_word)
{
    uint32_t s = (uint16_t)~csum;
    s += (uint16_t)~(old_word >> 16);
    s += (uint16_t)~old_word;
    s += new_word >> 16;
    s += new_word & 0xffff;
    return csum_fold(s);
}

uint16_t csum_update_bytes(uint16_t csum, const uint8_t *old_bytes, const uint8_t *new_bytes,
                           size_t len)
{
    uint32_t s = (uint16_t)~csum;
    for (size_t i = 0; i + 1 < len; i += 2) {
        s += (uint16_t)~rd16(old_bytes + i);
        s += rd16(new_bytes + i);
        s = (s & 0xffff) + (s >> 16);
    }
    return csum_fold(s);
}
