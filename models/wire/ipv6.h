/* ipv6.h - the IPv6 header and its extension headers (RFC 8200), with the Segment Routing
 * Header (RFC 8754, routing type 4).
 *
 * Decoding walks the extension chain (hop-by-hop 0, routing 43, fragment 44, destination
 * options 60) up to the upper-layer header and copies the chain's bytes, so encode(decode(x))
 * reproduces x exactly. Extension headers are listed as (type, next header, offset, length)
 * entries over those bytes. Segment routing helpers (ipv6_srh.c) insert an SRH as a source
 * node does, process it at a segment endpoint (RFC 8754 section 4.3.1) and remove it, and
 * ipv6_final_dst() gives the address the transport checksum covers (RFC 8200 section 8.1).
 * A source may insert the SRH in full form or reduced (RFC 8754 section 4.1.1: the first
 * segment only in the destination, 16 bytes less); both process and decode to the same path.
 * Not modelled: fragmentation and reassembly, AH/ESP (the chain stops there and they are the
 * upper layer), the options inside hop-by-hop/destination headers (carried opaquely), SRH
 * TLVs (kept, not interpreted).
 */
#ifndef MCPSIM_WIRE_IPV6_H
#define MCPSIM_WIRE_IPV6_H

#include <stddef.h>
#include <stdint.h>

#define IPV6_HDR_LEN 40
#define IPV6_EXT_MAX_BYTES 512   /* chain bytes kept per packet; longer chains are refused */
#define IPV6_EXT_MAX_HDRS 8

#define IPV6_EXT_HOPOPTS 0
#define IPV6_EXT_ROUTING 43
#define IPV6_EXT_FRAGMENT 44
#define IPV6_EXT_DSTOPTS 60
#define IPV6_NH_ICMPV6 58
#define IPV6_NH_NONE 59

#define IPV6_RT_SRH 4            /* RFC 8754 routing type */
#define IPV6_SRH_FIXED_LEN 8
#define IPV6_SRH_MAX_SEGS 16

struct ipv6_ext {
    uint8_t type;   /* the protocol number that announced this header (0, 43, 44, 60) */
    uint8_t nh;     /* its own Next Header field */
    uint16_t off;   /* offset in ipv6_hdr.ext */
    uint16_t len;   /* bytes: (Hdr Ext Len + 1) * 8, or 8 for a fragment header */
};

struct ipv6_hdr {
    uint32_t vtcfl;      /* version, traffic class, flow label: the first 4 bytes */
    uint16_t plen;       /* payload length (extension headers included) */
    uint8_t nh;          /* Next Header of the fixed header */
    uint8_t hlim;
    uint8_t src[16], dst[16];
    uint8_t proto;       /* upper-layer protocol after the chain */
    uint8_t later_fragment; /* the chain has a fragment header with offset != 0 */
    uint8_t nexts;
    uint16_t extlen;     /* bytes of extension headers */
    struct ipv6_ext exts[IPV6_EXT_MAX_HDRS];
    uint8_t ext[IPV6_EXT_MAX_BYTES];
};

/* Decodes the fixed header and the extension chain (len captured bytes). Errors:
 * WIRE_E_TRUNCATED, WIRE_E_VERSION, WIRE_E_TOTAL_LEN (chain longer than the payload length),
 * WIRE_E_EXT_CHAIN (more than 8 headers or 512 bytes). */
int ipv6_decode(const uint8_t *p, size_t len, struct ipv6_hdr *h);

static inline size_t ipv6_hdr_len(const struct ipv6_hdr *h) { return IPV6_HDR_LEN + h->extlen; }

/* Writes the fixed header and the extension chain. */
int ipv6_encode(const struct ipv6_hdr *h, uint8_t *p, size_t cap, size_t *len);

/* First extension header of this type, or NULL. */
const struct ipv6_ext *ipv6_ext_find(const struct ipv6_hdr *h, uint8_t type);

/* Inserts a whole extension header (bytes[0] is overwritten with the chained next header)
 * at position pos of the chain (0 = right after the fixed header); payload length updated.
 * WIRE_E_EXT_CHAIN when it would exceed the limits, WIRE_E_ARG for a bad length. */
int ipv6_ext_insert(struct ipv6_hdr *h, size_t pos, uint8_t type, const uint8_t *bytes,
                    size_t len);

/* Removes the extension header at index i of exts, relinking the chain. */
int ipv6_ext_remove(struct ipv6_hdr *h, size_t i);

/* Address covered by the transport checksum: with a routing header whose Segments Left is
 * not 0, the last segment (SRH Segment List[0]); else the destination. */
void ipv6_final_dst(const struct ipv6_hdr *h, uint8_t out[16]);

/* --- Segment Routing Header (ipv6_srh.c) ------------------------------------------------- */

struct ipv6_srh {
    uint8_t nh, hdr_ext_len, segleft, last_entry, flags;
    uint16_t tag;
    uint8_t nseg;            /* last_entry + 1 */
    uint8_t first_in_dst;    /* Segments Left = Last Entry + 1: a reduced SRH before its first
                              * endpoint, the active segment is only in the destination */
    uint8_t ext_index;       /* index in ipv6_hdr.exts */
    const uint8_t *segs;     /* Segment List[0] first, 16 bytes each; points into ipv6_hdr.ext */
    uint16_t tlv_len;        /* bytes of TLVs after the segment list */
};

/* Finds and validates the SRH: WIRE_E_NOT_FOUND, WIRE_E_SRH (segment list longer than the
 * header, Segments Left > Last Entry + 1, RFC 8754 sections 2 and 4.3.1.1). */
int ipv6_srh_get(const struct ipv6_hdr *h, struct ipv6_srh *s);

/* Bytes of an SRH listing nseg segments, without TLVs (8 + 16 per segment). */
static inline size_t ipv6_srh_len(size_t nseg) { return IPV6_SRH_FIXED_LEN + 16 * nseg; }

/* Source node: route through hops[0..n) before the current destination (an SRH with
 * n + 1 segments, Segment List[0] = old destination, Segments Left = Last Entry = n,
 * destination := hops[0]), placed after a hop-by-hop header if there is one. WIRE_E_ARG if
 * an SRH is present, n is 0 or the path has more than IPV6_SRH_MAX_SEGS segments. */
int ipv6_srh_insert(struct ipv6_hdr *h, const uint8_t (*hops)[16], size_t n);

/* The same path as a reduced SRH (RFC 8754 section 4.1.1): hops[0] is only in the
 * destination, the list holds hops[1..n) and the old destination (n segments, 16 bytes less),
 * Segments Left = n, Last Entry = n - 1. One intermediate segment: 24 bytes instead of 40. */
int ipv6_srh_insert_reduced(struct ipv6_hdr *h, const uint8_t (*hops)[16], size_t n);

/* The segments still to visit, the active one (the destination) first, the final destination
 * last: Segments Left + 1 addresses into path[0..cap), count in *n. The same for the full and
 * the reduced form of one path; segments already visited are not returned (a reduced SRH
 * does not keep its first one). WIRE_E_BUF when cap is too small, else as ipv6_srh_get. */
int ipv6_srh_path(const struct ipv6_hdr *h, uint8_t (*path)[16], size_t cap, size_t *n);

/* Segment endpoint (RFC 8754 section 4.3.1): destination must be self (else WIRE_E_NOT_HOP);
 * Segments Left 0 gives WIRE_E_ROUTE_DONE; otherwise Segments Left -= 1 and the destination
 * becomes Segment List[Segments Left] (for a reduced SRH at its first endpoint, Segment
 * List[Last Entry], the second segment of the path). */
int ipv6_srh_process(struct ipv6_hdr *h, const uint8_t self[16]);

/* Removes the SRH; a pending route's final segment becomes the destination. */
int ipv6_srh_remove(struct ipv6_hdr *h);

#endif
