/* checksum.c - Internet checksum and RFC 1624 incremental update (checksum.h). */
#include "models/wire/checksum.h"

#include <string.h>

#include "models/wire/bytes.h"

static inline bool host_is_little(void)
{
    static const uint16_t probe = 1;
    return *(const uint8_t *)&probe == 1;
}

/* A 16-bit sum computed over host-order words, in network order (RFC 1071 section 2(B)). */
static inline uint32_t sum_to_network(uint32_t host16)
{
    return host_is_little() ? ((host16 >> 8 | host16 << 8) & 0xffffu) : host16;
}

uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t len)
{
    /* RFC 1071 section 2(B): the sum is byte-order independent, so the words are added as
     * the host loads them (no swap per word) and the folded 16-bit result is swapped once.
     * A 64-bit accumulator takes 32-bit words without carry handling inside the loop. */
    uint64_t s = 0;
    size_t i = 0;
    for (; i + 4 <= len; i += 4) {
        uint32_t w;
        memcpy(&w, p + i, 4);
        s += w;
    }
    if (i + 2 <= len) {
        uint16_t w;
        memcpy(&w, p + i, 2);
        s += w;
        i += 2;
    }
    if (i < len) /* an odd trailing byte is the high byte of a zero-padded word */
        s += host_is_little() ? p[i] : (uint32_t)p[i] << 8;
    while (s >> 16)
        s = (s & 0xffffu) + (s >> 16);
    uint64_t t = (uint64_t)sum + sum_to_network((uint32_t)s);
    return (uint32_t)((t & 0xffffffffu) + (t >> 32));
}

uint16_t csum_fold(uint32_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xffffu) + (sum >> 16);
    return (uint16_t)~sum;
}

/* The 16-bit one's complement sum of a 20-byte header in host byte order, unrolled: the
 * common IPv4 header is summed at every hop, and the generic loop costs four times more. */
static inline uint32_t sum20_host(const uint8_t *h)
{
    uint32_t w[5];
    memcpy(w, h, sizeof w);
    uint64_t s = (uint64_t)w[0] + w[1] + w[2] + w[3] + w[4];
    while (s >> 16)
        s = (s & 0xffffu) + (s >> 16);
    return (uint32_t)s;
}

uint16_t csum_ipv4_header(const uint8_t *hdr, size_t hdr_len)
{
    if (hdr_len == 20) {
        /* The sum of all 20 bytes less the stored checksum (bytes 10-11), in one's
         * complement: adding its complement removes it. No copy with the field zeroed: a
         * load over a just-stored zero would stall on store forwarding. */
        uint16_t field;
        memcpy(&field, hdr + 10, 2);
        uint32_t s = sum20_host(hdr) + (uint16_t)~field;
        return csum_fold(sum_to_network((s & 0xffffu) + (s >> 16)));
    }
    uint32_t s = csum_add(0, hdr, 10);
    return csum_fold(csum_add(s, hdr + 12, hdr_len - 12));
}

bool csum_ipv4_header_ok(const uint8_t *hdr, size_t hdr_len)
{
    /* All ones is the same in either byte order, so the host-order sum will do. */
    if (hdr_len == 20)
        return sum20_host(hdr) == 0xffffu;
    return csum_fold(csum_add(0, hdr, hdr_len)) == 0;
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
    return csum_fold(s);
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
