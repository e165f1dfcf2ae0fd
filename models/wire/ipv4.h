/* ipv4.h - the IPv4 header with its options (RFC 791 section 3.1), decoded and encoded.
 *
 * A decoded header keeps every field and the raw option bytes, so ipv4_encode(ipv4_decode(x))
 * reproduces x exactly (padding and bytes after EOL included). Options are listed as
 * (type, length, offset) entries like TCP options (tcp.h). Source routing (LSRR type 131,
 * SSRR type 137) and record route (type 7) have helpers in ipv4_route.c: build and insert a
 * route, process it at the listed hop, remove it, and find the final destination that the
 * transport checksum covers.
 * Not modelled: fragmentation and reassembly (fragments decode, the transport header of a
 * non-first fragment is not looked for), the security and timestamp options' semantics (they
 * are carried opaquely).
 */
#ifndef MCPSIM_WIRE_IPV4_H
#define MCPSIM_WIRE_IPV4_H

#include <stddef.h>
#include <stdint.h>

#define IPV4_HDR_MIN_LEN 20
#define IPV4_MAX_OPT_LEN 40      /* IHL is 4 bits: header <= 60 bytes */

#define IPOPT_EOL 0
#define IPOPT_NOP 1
#define IPOPT_RR 7               /* record route */
#define IPOPT_TS 68              /* timestamp (opaque here) */
#define IPOPT_LSRR 131           /* loose source and record route */
#define IPOPT_SSRR 137           /* strict source and record route */
#define IPOPT_ROUTE_MIN_PTR 4    /* RFC 791: "the smallest legal value is 4" */
#define IPV4_ROUTE_MAX_ADDRS 9   /* (40 - 3) / 4 */

#define IPV4_FLAG_DF 0x4000
#define IPV4_FLAG_MF 0x2000
#define IPV4_FRAG_OFFSET_MASK 0x1fff

#define IPPROTO_NUM_ICMP 1
#define IPPROTO_NUM_TCP 6
#define IPPROTO_NUM_UDP 17

struct ipv4_opt {
    uint8_t type;
    uint8_t len;  /* total length; 1 for EOL and NOP */
    uint8_t off;  /* offset of the type byte in ipv4_hdr.opt */
};

struct ipv4_hdr {
    uint8_t tos;
    uint16_t tot_len;
    uint16_t id;
    uint16_t frag;      /* flags (3 bits) and fragment offset (13 bits, 8-byte units) */
    uint8_t ttl;
    uint8_t proto;
    uint16_t csum;      /* as on the wire; ipv4_set_csum() computes it */
    uint32_t src, dst;  /* host byte order */
    uint8_t optlen;     /* 4 * IHL - 20 */
    uint8_t nopts;
    uint8_t opt[IPV4_MAX_OPT_LEN];
    struct ipv4_opt opts[IPV4_MAX_OPT_LEN];
};

/* Decodes the header at p (len captured bytes). Errors: WIRE_E_TRUNCATED (len < 20 or < IHL),
 * WIRE_E_VERSION, WIRE_E_HDR_LEN (IHL < 5), WIRE_E_TOTAL_LEN (total length < header length).
 * On WIRE_E_OPT_LEN the header and the raw option bytes are valid (encode reproduces them);
 * opts lists the options before the malformed one. A total length larger than len is not an
 * error here: a capture cut by its snaplen holds fewer bytes than the packet had. */
int ipv4_decode(const uint8_t *p, size_t len, struct ipv4_hdr *h);

static inline size_t ipv4_hdr_len(const struct ipv4_hdr *h)
{
    return IPV4_HDR_MIN_LEN + (((size_t)h->optlen + 3) & ~(size_t)3);
}

/* Writes the header (ipv4_hdr_len bytes), the checksum field as stored in h. */
int ipv4_encode(const struct ipv4_hdr *h, uint8_t *p, size_t cap, size_t *len);

/* Recomputes h->csum from the fields (what ipv4_encode will write). */
void ipv4_set_csum(struct ipv4_hdr *h);

/* True when the stored checksum is right. */
int ipv4_csum_ok(const struct ipv4_hdr *h);

/* Re-parses h->opt into h->opts (same rules as ipv4_decode). */
int ipv4_opts_parse(struct ipv4_hdr *h);

const struct ipv4_opt *ipv4_opt_find(const struct ipv4_hdr *h, uint8_t type);

/* A non-first fragment (offset != 0): its payload is not a transport header. */
static inline int ipv4_is_later_fragment(const struct ipv4_hdr *h)
{
    return (h->frag & IPV4_FRAG_OFFSET_MASK) != 0;
}

/* --- source route and record route (ipv4_route.c) ---------------------------------------- */

/* A decoded LSRR/SSRR/RR option. Addresses in order; ptr as on the wire (1-based byte offset
 * inside the option, RFC 791): addr[(ptr - 4) / 4] is the next hop (or next free slot for RR);
 * ptr > len means the route is complete. */
struct ipv4_route {
    uint8_t type;
    uint8_t len;
    uint8_t ptr;
    uint8_t naddr;
    uint8_t opt_off;     /* offset of the option in ipv4_hdr.opt */
    uint32_t addr[IPV4_ROUTE_MAX_ADDRS];
};

/* Finds and validates the first LSRR or SSRR (type 0) or the given type. WIRE_E_NOT_FOUND,
 * WIRE_E_OPT_LEN (length not 3 + 4n), WIRE_E_OPT_PTR (pointer < 4 or not 4n). */
int ipv4_route_get(const struct ipv4_hdr *h, uint8_t type, struct ipv4_route *r);

/* True while hops remain (ptr <= len). */
static inline int ipv4_route_pending(const struct ipv4_route *r) { return r->ptr <= r->len; }

/* The destination the transport checksum covers (RFC 1122 section 4.1.3.3 via 3.3.5): the
 * last address of a pending source route, else the header destination. */
uint32_t ipv4_final_dst(const struct ipv4_hdr *h);

/* Source-routes the packet through hops[0..n) before its current destination, as a sending
 * host does (RFC 791): destination := hops[0], route data := hops[1..n) + old destination,
 * pointer 4. The option is appended after one NOP so that it ends on a word boundary, as Linux
 * lays it out (8 bytes for one hop). tot_len and the checksum are updated. Fails with
 * WIRE_E_OPT_SPACE (header unchanged) when the route does not fit, WIRE_E_ARG when a route is
 * already present or n is 0. */
int ipv4_route_insert(struct ipv4_hdr *h, uint8_t type, const uint32_t *hops, size_t n);

/* Processing at a listed hop (RFC 791 section 3.1, LSRR/SSRR): the header destination must
 * be this node (dst == self, else WIRE_E_NOT_HOP); the next address becomes the destination
 * and out_addr (the address of the interface the packet leaves by) is recorded in its place;
 * pointer += 4; checksum updated. WIRE_E_ROUTE_DONE when the route is complete. */
int ipv4_route_process(struct ipv4_hdr *h, uint32_t self, uint32_t out_addr);

/* Removes the source route option (a dMCP taking the packet off the source route). A pending
 * route's final destination becomes the header destination. The remaining options are
 * compacted and EOL-padded; tot_len and the checksum are updated. */
int ipv4_route_remove(struct ipv4_hdr *h);

/* Record route (type 7): stores addr in the next free slot. WIRE_E_ROUTE_DONE when full. */
int ipv4_rr_record(struct ipv4_hdr *h, uint32_t addr);

#endif
