/* addr.h - IPv4 and IPv6 addresses and prefixes for the network models.
 *
 * One type for both families, so routing tables, address indexes and scenario parsing have
 * one code path: 16 bytes in network order (an IPv4 address in the first 4, the rest zero)
 * and the family. Prefixes add a length in bits. Parsing uses inet_pton and reports what was
 * expected; formatting uses inet_ntop. Not modelled: scopes, zone ids, IPv4-mapped IPv6
 * addresses as a distinct kind (they are plain IPv6 addresses here).
 */
#ifndef MCPSIM_MODELS_NET_ADDR_H
#define MCPSIM_MODELS_NET_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define NET_ADDR_STRLEN 48

struct net_addr {
    uint8_t family; /* 4 or 6; 0 = no address */
    uint8_t b[16];  /* network order; IPv4 in b[0..3] */
};

struct net_prefix {
    struct net_addr addr; /* host bits are zero */
    uint8_t len;          /* bits */
};

static inline unsigned net_addr_bits(const struct net_addr *a) { return a->family == 4 ? 32 : 128; }

/* Constant-size compares, so the compiler inlines them (a per-packet operation). */
static inline bool net_addr_eq(const struct net_addr *a, const struct net_addr *b)
{
    if (a->family != b->family)
        return false;
    return a->family == 4 ? memcmp(a->b, b->b, 4) == 0 : memcmp(a->b, b->b, 16) == 0;
}

/* Bit i (0 = most significant of the first byte). */
static inline unsigned net_addr_bit(const struct net_addr *a, unsigned i)
{
    return (unsigned)(a->b[i >> 3] >> (7 - (i & 7))) & 1u;
}

static inline struct net_addr net_addr_v4(uint32_t host_order)
{
    struct net_addr a = { .family = 4 };
    a.b[0] = (uint8_t)(host_order >> 24);
    a.b[1] = (uint8_t)(host_order >> 16);
    a.b[2] = (uint8_t)(host_order >> 8);
    a.b[3] = (uint8_t)host_order;
    return a;
}

static inline uint32_t net_addr_v4_host(const struct net_addr *a)
{
    return (uint32_t)a->b[0] << 24 | (uint32_t)a->b[1] << 16 | (uint32_t)a->b[2] << 8 | a->b[3];
}

struct net_addr net_addr_v6(const uint8_t b[16]);

/* "192.0.2.1" or "2001:db8::1". 0, or -1 with what was expected in err. */
int net_addr_parse(const char *s, struct net_addr *out, char *err, size_t errlen);

/* "10.0.0.0/8", "2001:db8::/32", or an address alone (a host prefix). Host bits must be
 * zero (a typo such as 10.1.2.3/8 is refused rather than silently masked). */
int net_prefix_parse(const char *s, struct net_prefix *out, char *err, size_t errlen);

/* True when a lies in p (same family, first p->len bits equal). */
bool net_prefix_match(const struct net_prefix *p, const struct net_addr *a);

/* Text form into buf (NET_ADDR_STRLEN bytes suffice); returns buf. */
const char *net_addr_format(const struct net_addr *a, char *buf, size_t len);

#endif
