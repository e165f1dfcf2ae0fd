/* udp.h - building UDP datagrams over IPv4 or IPv6 for applications, with the wire codecs.
 *
 * net_udp_push() pushes a UDP header (RFC 768) and an IPv4 (RFC 791, DF set, no options) or
 * IPv6 (RFC 8200) header in front of a packet's payload and marks l3/l4. The UDP checksum is
 * real: it is computed over the stored bytes with the virtual payload taken as zeros (which
 * add nothing to a one's-complement sum), so the datagram is exactly valid for a payload of
 * zeros; IPv6 requires a checksum (RFC 8200 section 8.1), and IPv4 gets one too.
 */
#ifndef MCPSIM_MODELS_NET_UDP_H
#define MCPSIM_MODELS_NET_UDP_H

#include <stdint.h>

#include "models/net/addr.h"
#include "sim/packet.h"

#define UDP_HDR_BYTES 8

struct net_udp_spec {
    struct net_addr src, dst; /* same family */
    uint16_t sport, dport;
    uint16_t ip_id;           /* IPv4 identification (ignored for IPv6) */
    uint8_t ttl;              /* TTL or hop limit */
};

/* 0, or -1 when the headroom is too small, the families differ, or the datagram would exceed
 * 65535 bytes. */
int net_udp_push(struct packet *p, const struct net_udp_spec *s);

#endif
