/* node_icmp.c - ICMP and ICMPv6 errors sent by a node about a packet it cannot forward or
 * deliver: time exceeded, destination unreachable (no route, port, source route failed),
 * fragmentation needed / packet too big, protocol unreachable / parameter problem (unknown
 * next header).
 *
 * Rules (RFC 1812 section 4.3.2.7, RFC 4443 section 2.4): no error about an ICMP error
 * message, and errors are rate-limited - here by a token bucket per node of `icmp_rate`
 * tokens per second and depth `icmp_burst` (Linux limits similarly, per destination; one
 * bucket per node is the simpler and more conservative model). The source address is the
 * address of the interface the offending packet arrived on, else the node's primary address
 * of the family (RFC 1812 section 4.3.2.4 allows either). The message quotes the stored
 * bytes of the offending packet, at most 548 (IPv4) or 1232 (IPv6) bytes, so the whole error
 * stays within 576 / 1280 bytes; virtual payload is not quoted. Not modelled: redirects,
 * parameter problems other than an unknown next header, echo.
 */
#include <string.h>

#include "models/net/node_impl.h"
#include "models/wire/bytes.h"
#include "models/wire/icmp.h"
#include "models/wire/ipv4.h"
#include "models/wire/ipv6.h"

/* True when the packet is itself an ICMP error (never answered with another one). */
static bool is_icmp_error(const struct packet *p)
{
    const uint8_t *h = pkt_cdata(p);
    size_t len = pkt_len(p);
    if ((h[0] >> 4) == 4) {
        size_t ihl = (size_t)(h[0] & 15) * 4;
        if (h[9] != IPPROTO_NUM_ICMP)
            return false;
        if (len <= ihl)
            return true; /* cannot tell: stay silent */
        uint8_t t = h[ihl];
        return t != 0 && t != 8 && t != 13 && t != 14 && t != 15 && t != 16;
    }
    /* ICMPv6 error types are 0..127 (RFC 4443 section 2.1). */
    return h[6] == IPV6_NH_ICMPV6 && (len <= IPV6_HDR_LEN || h[IPV6_HDR_LEN] < 128);
}

static bool bucket_take(struct net_node *n)
{
    if (n->opt.icmp_rate == 0)
        return true;
    sim_time_t now = sched_now(n->sched);
    n->icmp_tokens += time_to_sec(now - n->icmp_last) * (double)n->opt.icmp_rate;
    if (n->icmp_tokens > (double)n->opt.icmp_burst)
        n->icmp_tokens = (double)n->opt.icmp_burst;
    n->icmp_last = now;
    if (n->icmp_tokens < 1.0)
        return false;
    n->icmp_tokens -= 1.0;
    return true;
}

void node_icmp_error(struct net_node *n, struct net_if *in, const struct packet *bad,
                     uint8_t type, uint8_t code, uint32_t rest)
{
    if (!n->opt.icmp_errors || is_icmp_error(bad))
        return;
    const uint8_t *h = pkt_cdata(bad);
    int family = h[0] >> 4;
    const struct net_addr *src = node_src_addr(n, in, family);
    if (!src)
        return;
    if (!bucket_take(n)) {
        n->st.icmp_ratelimited++;
        return;
    }
    size_t quote = pkt_len(bad), max = family == 4 ? ICMP_QUOTE_MAX : ICMPV6_QUOTE_MAX;
    if (quote > max)
        quote = max;
    struct packet *p = pkt_alloc(n->pool, ICMP_HDR_LEN + quote);
    uint8_t *msg = p ? pkt_put(p, ICMP_HDR_LEN + quote) : NULL;
    size_t len;
    int rc = -1;
    if (msg && family == 4) {
        if (icmp_encode(type, code, rest, h, quote, msg, ICMP_HDR_LEN + quote, &len) == 0) {
            struct ipv4_hdr ip = { .tot_len = (uint16_t)(IPV4_HDR_MIN_LEN + len), .ttl = 64,
                                   .proto = IPPROTO_NUM_ICMP, .src = net_addr_v4_host(src),
                                   .dst = rd32(h + 12) };
            ipv4_set_csum(&ip);
            uint8_t *iph = pkt_push(p, IPV4_HDR_MIN_LEN);
            rc = iph ? ipv4_encode(&ip, iph, IPV4_HDR_MIN_LEN, &len) : -1;
        }
    } else if (msg) {
        if (icmp6_encode(type, code, rest, h, quote, src->b, h + 8, msg, ICMP_HDR_LEN + quote,
                         &len) == 0) {
            struct ipv6_hdr ip = { .vtcfl = 6u << 28, .plen = (uint16_t)len,
                                   .nh = IPV6_NH_ICMPV6, .hlim = 64,
                                   .proto = IPV6_NH_ICMPV6 };
            memcpy(ip.src, src->b, 16);
            memcpy(ip.dst, h + 8, 16);
            uint8_t *iph = pkt_push(p, IPV6_HDR_LEN);
            rc = iph ? ipv6_encode(&ip, iph, IPV6_HDR_LEN, &len) : -1;
        }
    }
    if (rc != 0) {
        pkt_free(p);
        return;
    }
    n->st.icmp_sent++;
    node_ip_output(n, p);
}
