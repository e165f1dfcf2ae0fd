/* icmp.h - ICMP (RFC 792) and ICMPv6 (RFC 4443) error messages: destination unreachable,
 * time exceeded and (ICMPv6) packet too big and parameter problem, the ones a router, host or
 * proxy sends about a packet it cannot forward or deliver.
 *
 * Layout of all: type | code | checksum | 4 bytes (unused, or the next-hop MTU for
 * "fragmentation needed", RFC 1191, and for packet too big, RFC 4443 section 3.2; the pointer
 * of a parameter problem, RFC 4443 section 3.4) | as much
 * of the offending packet as fits. ICMPv4's checksum covers the message; ICMPv6's adds the
 * IPv6 pseudo-header (RFC 4443 section 2.3). Only these types are decoded; other types
 * return WIRE_E_PROTO (their bytes are still carried by the packet layer). Not modelled:
 * echo, redirects, neighbour discovery, ICMPv4 parameter problem.
 */
#ifndef MCPSIM_WIRE_ICMP_H
#define MCPSIM_WIRE_ICMP_H

#include <stddef.h>
#include <stdint.h>

#define ICMP_HDR_LEN 8
#define ICMP_DEST_UNREACH 3
#define ICMP_TIME_EXCEEDED 11
#define ICMP_CODE_NET_UNREACH 0
#define ICMP_CODE_PROTO_UNREACH 2
#define ICMP_CODE_PORT_UNREACH 3
#define ICMP_CODE_FRAG_NEEDED 4
#define ICMP_CODE_SRCRT_FAILED 5
#define ICMP_CODE_ADMIN_PROHIBITED 13
#define ICMPV6_DEST_UNREACH 1
#define ICMPV6_PKT_TOO_BIG 2
#define ICMPV6_TIME_EXCEEDED 3
#define ICMPV6_PARAM_PROBLEM 4
#define ICMPV6_CODE_NO_ROUTE 0
#define ICMPV6_CODE_PORT_UNREACH 4
#define ICMPV6_CODE_ADMIN_PROHIBITED 1
#define ICMPV6_CODE_ADDR_UNREACH 3
#define ICMPV6_CODE_UNKNOWN_NH 1 /* Parameter Problem: unrecognized Next Header */

/* RFC 1812 section 4.3.2.3 / RFC 4443 section 2.4 (c): the quoted packet keeps the whole
 * error within 576 (IPv4) or 1280 (IPv6) bytes. */
#define ICMP_QUOTE_MAX (576 - 20 - ICMP_HDR_LEN)
#define ICMPV6_QUOTE_MAX (1280 - 40 - ICMP_HDR_LEN)

struct icmp_msg {
    uint8_t type, code;
    uint16_t csum;
    uint32_t rest;          /* the 4 bytes after the checksum (MTU for "frag needed") */
    const uint8_t *quote;   /* the offending packet's bytes, inside the decoded buffer */
    size_t quote_len;
};

/* Decode an ICMPv4 / ICMPv6 error of len bytes. WIRE_E_TRUNCATED below 8 bytes,
 * WIRE_E_PROTO for another type. */
int icmp_decode(const uint8_t *p, size_t len, struct icmp_msg *m);
int icmp6_decode(const uint8_t *p, size_t len, struct icmp_msg *m);

/* Encode an error quoting min(quote_len, *_QUOTE_MAX) bytes of the offending packet, with the
 * checksum computed (ICMPv6: over the pseudo-header of src -> dst). WIRE_E_BUF if cap is too
 * small; WIRE_E_PROTO for a type other than those above. */
int icmp_encode(uint8_t type, uint8_t code, uint32_t rest, const uint8_t *quote,
                size_t quote_len, uint8_t *out, size_t cap, size_t *len);
int icmp6_encode(uint8_t type, uint8_t code, uint32_t rest, const uint8_t *quote,
                 size_t quote_len, const uint8_t src[16], const uint8_t dst[16], uint8_t *out,
                 size_t cap, size_t *len);

#endif
