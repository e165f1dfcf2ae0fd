/* addr.c - address and prefix parsing, matching and formatting (see addr.h). */
#include "models/net/addr.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>

struct net_addr net_addr_v6(const uint8_t b[16])
{
    struct net_addr a = { .family = 6 };
    memcpy(a.b, b, 16);
    return a;
}

int net_addr_parse(const char *s, struct net_addr *out, char *err, size_t errlen)
{
    struct net_addr a = { 0 };
    if (inet_pton(AF_INET, s, a.b) == 1) {
        a.family = 4;
    } else if (inet_pton(AF_INET6, s, a.b) == 1) {
        a.family = 6;
    } else {
        snprintf(err, errlen, "bad address \"%s\": expected a dotted IPv4 address "
                 "(192.0.2.1) or an IPv6 address (2001:db8::1)", s);
        return -1;
    }
    *out = a;
    return 0;
}

int net_prefix_parse(const char *s, struct net_prefix *out, char *err, size_t errlen)
{
    char buf[64];
    const char *slash = strchr(s, '/');
    size_t alen = slash ? (size_t)(slash - s) : strlen(s);
    if (alen >= sizeof buf) {
        snprintf(err, errlen, "bad prefix \"%s\": expected ADDRESS/LENGTH", s);
        return -1;
    }
    memcpy(buf, s, alen);
    buf[alen] = '\0';
    struct net_prefix p = { 0 };
    if (net_addr_parse(buf, &p.addr, err, errlen) < 0)
        return -1;
    unsigned bits = net_addr_bits(&p.addr);
    p.len = (uint8_t)bits;
    if (slash) {
        char *end;
        unsigned long l = strtoul(slash + 1, &end, 10);
        if (!slash[1] || *end || l > bits) {
            snprintf(err, errlen, "bad prefix \"%s\": expected a length from 0 to %u after "
                     "the /", s, bits);
            return -1;
        }
        p.len = (uint8_t)l;
    }
    for (unsigned i = p.len; i < bits; i++)
        if (net_addr_bit(&p.addr, i)) {
            snprintf(err, errlen, "bad prefix \"%s\": bits after the first %u are not zero "
                     "(did you mean the network address?)", s, p.len);
            return -1;
        }
    *out = p;
    return 0;
}

bool net_prefix_match(const struct net_prefix *p, const struct net_addr *a)
{
    if (p->addr.family != a->family)
        return false;
    unsigned full = p->len >> 3, rest = p->len & 7;
    if (memcmp(p->addr.b, a->b, full) != 0)
        return false;
    if (!rest)
        return true;
    uint8_t mask = (uint8_t)(0xff << (8 - rest));
    return (p->addr.b[full] & mask) == (a->b[full] & mask);
}

const char *net_addr_format(const struct net_addr *a, char *buf, size_t len)
{
    if (!a->family || !inet_ntop(a->family == 4 ? AF_INET : AF_INET6, a->b, buf,
                                 (socklen_t)len))
        snprintf(buf, len, "-");
    return buf;
}
