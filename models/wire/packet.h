/* packet.h - a whole IP packet in the wire model: IPv4 or IPv6 header, TCP header, payload.
 *
 * wire_pkt_decode() takes the bytes of one IP datagram as captured (possibly cut short by a
 * capture's snaplen, possibly followed by link-layer padding) and decodes every header once;
 * wire_pkt_encode() writes them back. With no change in between the output equals the input
 * byte for byte, which `mcpsim replay` relies on. The payload is not copied: the model points
 * into the decoded buffer, and a payload that was not captured is virtual (payload_len counts
 * it, payload_caplen says how much is present), as the simulator's packets are.
 * Non-TCP transports (ICMP, UDP, ...) and non-first fragments are carried as raw bytes.
 * Not modelled: tunnels (IP in IP is raw payload), IPv6 jumbograms.
 */
#ifndef MCPSIM_WIRE_PACKET_H
#define MCPSIM_WIRE_PACKET_H

#include <stddef.h>
#include <stdint.h>

#include "models/wire/ipv4.h"
#include "models/wire/ipv6.h"
#include "models/wire/tcp.h"

struct wire_pkt {
    uint8_t family;          /* 4 or 6 once the fixed IP header decoded, else 0 */
    uint8_t has_tcp;         /* the TCP header decoded (options may still be malformed) */
    uint8_t proto;           /* upper-layer protocol number */
    int ip_err, tcp_err;     /* 0 or the option error kept while decoding went on */
    uint32_t ip_len;         /* datagram length the IP header announces */
    union {
        struct ipv4_hdr v4;
        struct ipv6_hdr v6;
    } ip;
    struct tcp_hdr tcp;
    const uint8_t *l4;       /* bytes after the IP header(s), inside the decoded buffer */
    uint32_t l4_caplen;      /* of which captured */
    uint32_t payload_len;    /* TCP payload bytes the headers announce (tcp.len) */
    uint32_t payload_caplen; /* of which captured */
    const uint8_t *payload;
    const uint8_t *trailer;  /* captured bytes after the datagram (link padding) */
    uint32_t trailer_len;
};

/* Decodes len captured bytes of an IP datagram. Returns 0, or the first error: a fatal one
 * (family stays 0: truncated or bad fixed header) or one in IP/TCP options, in which case
 * everything else decoded and encode still reproduces the input. */
int wire_pkt_decode(const uint8_t *p, size_t len, struct wire_pkt *pkt);

/* Writes the datagram's captured bytes (headers, captured payload, trailer). */
int wire_pkt_encode(const struct wire_pkt *pkt, uint8_t *out, size_t cap, size_t *len);

/* Header bytes before the TCP payload (IP with options/extensions + TCP). */
size_t wire_pkt_hdr_len(const struct wire_pkt *pkt);

/* TCP checksum over the pseudo-header (final destination), header and payload; needs the
 * whole payload captured (WIRE_E_TRUNCATED otherwise) and a TCP packet (WIRE_E_PROTO). */
int wire_pkt_tcp_csum(const struct wire_pkt *pkt, uint16_t *csum);

#endif
