/* ipv4_udp.h - a minimal IPv4 + UDP header writer and reader for the network models.
 *
 * TEMPORARY: the wire layer's IPv4 codec (models/wire, branch wireip) replaces this file;
 * until then the node and application models need real header bytes, and this is the least
 * that gives them: a 20-byte IPv4 header without options (RFC 791 section 3.1) with a real
 * header checksum (RFC 1071), and an 8-byte UDP header (RFC 768) whose checksum is 0
 * ("no checksum", allowed over IPv4) because payload bytes are virtual. Not handled:
 * options, fragmentation, IPv6.
 */
#ifndef MCPSIM_MODELS_NET_IPV4_UDP_H
#define MCPSIM_MODELS_NET_IPV4_UDP_H

#include <stdint.h>

#include "sim/packet.h"

#define IPV4_HDR_BYTES 20
#define UDP_HDR_BYTES 8
#define IPPROTO_UDP_NUM 17

struct ipv4_udp_fields {
    uint32_t src, dst;     /* host order */
    uint16_t sport, dport;
    uint16_t ip_id;
    uint8_t ttl;
};

/* Pushes a UDP then an IPv4 header in front of the packet's current contents, lengths
 * covering the whole wire length, and marks l3/l4. 0, or -1 when the headroom is too small
 * or the packet would exceed 65535 bytes. */
int ipv4_udp_push(struct packet *p, const struct ipv4_udp_fields *f);

/* Checks the IPv4 header at the packet's front (version 4, IHL 5, total length equal to the
 * wire length, checksum) and reads it; marks l3 (and l4 for UDP). Returns the IP protocol
 * number, or -1 for a malformed header. For UDP, f->sport/dport are filled. */
int ipv4_parse(struct packet *p, struct ipv4_udp_fields *f);

/* Decrements the TTL of the IPv4 header at hdr and patches its checksum incrementally
 * (RFC 1624, equation 3). */
void ipv4_dec_ttl(uint8_t *hdr);

/* The Internet checksum (RFC 1071) of len bytes. */
uint16_t inet_checksum(const uint8_t *data, size_t len);

#endif
