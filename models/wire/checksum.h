/* checksum.h - the Internet checksum (RFC 1071) and its incremental update (RFC 1624).
 *
 * Used for the IPv4 header checksum, TCP over IPv4 and IPv6 (with the pseudo-header of
 * RFC 793 section 3.1 and RFC 8200 section 8.1) and ICMP/ICMPv6. A partial sum is a 32-bit
 * accumulator of 16-bit big-endian words; csum_fold() turns it into the final one's-complement
 * checksum. The incremental helpers let a proxy that rewrites an address or a port fix the
 * checksum without summing the whole segment again (RFC 1624 equation 3: HC' = ~(~HC + ~m + m')).
 * Not modelled: checksum offload (the simulator always writes real checksums).
 */
#ifndef MCPSIM_WIRE_CHECKSUM_H
#define MCPSIM_WIRE_CHECKSUM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Adds len bytes to the running sum (an odd trailing byte is padded with zero). Sums of
 * consecutive chunks are only equal to the sum of the whole when every chunk but the last
 * has an even length. */
uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t len);

/* Folds the carries and complements: the value to store in a checksum field. */
uint16_t csum_fold(uint32_t sum);

/* IPv4 header checksum over hdr_len bytes; the stored checksum field is taken as zero. */
uint16_t csum_ipv4_header(const uint8_t *hdr, size_t hdr_len);

/* Verifies an IPv4 header as receivers do (RFC 1071 section 1, Linux ip_fast_csum): the
 * one's complement sum of all hdr_len bytes, checksum field included, is 0xffff. One pass
 * over the header, no field skipped: a router checks this on every packet. */
bool csum_ipv4_header_ok(const uint8_t *hdr, size_t hdr_len);

/* Pseudo-header sums: source, final destination, protocol, upper-layer length. */
uint32_t csum_pseudo_v4(uint32_t src, uint32_t dst, uint8_t proto, uint32_t len);
uint32_t csum_pseudo_v6(const uint8_t src[16], const uint8_t dst[16], uint8_t proto, uint32_t len);

/* Checksum of a transport segment (header with its checksum field, which must be zero or is
 * skipped at csum_off, plus payload) given its pseudo-header sum. Returns the field value. */
uint16_t csum_transport(uint32_t pseudo, const uint8_t *seg, size_t len, size_t csum_off);

/* RFC 1624 incremental updates: the checksum field value after a 16- or 32-bit word that it
 * covers changed from old to new. */
uint16_t csum_update16(uint16_t csum, uint16_t old_word, uint16_t new_word);
uint16_t csum_update32(uint16_t csum, uint32_t old_word, uint32_t new_word);
/* The same for a 16-byte (IPv6 address) or any even-length region that changed. */
uint16_t csum_update_bytes(uint16_t csum, const uint8_t *old_bytes, const uint8_t *new_bytes,
                           size_t len);

#endif
