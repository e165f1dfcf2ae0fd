/* mptcp_crypto.h - MPTCP keys, tokens, IDSNs and HMACs, exactly as Linux computes them.
 *
 * v0 (RFC 6824) hashes with SHA-1, v1 (RFC 8684) with SHA-256; the primitives are nettle's
 * (never hand-written). Keys are 64-bit numbers hashed as 8 bytes big-endian (Linux
 * `mptcp_crypto_key_sha`). Not modelled here: key generation and token uniqueness (a host's
 * random source and token table).
 */
#ifndef MCPSIM_WIRE_MPTCP_CRYPTO_H
#define MCPSIM_WIRE_MPTCP_CRYPTO_H

#include <stdint.h>
#include <stddef.h>

#define MPTCP_HMAC_MAX 32       /* SHA-256 digest; SHA-1 gives 20 */
#define MPTCP_JOIN_HMAC_LEN 20  /* bytes of the HMAC carried in the MP_JOIN third ACK */

/* Token (most significant 32 bits of the hash) and IDSN (least significant 64 bits) of a key
 * (RFC 8684 §3.1, RFC 6824 §3.1). Either output may be NULL. version: 0 or 1, else -1. */
int mptcp_key_hash(uint8_t version, uint64_t key, uint32_t *token, uint64_t *idsn);

/* HMAC-SHA1 (v0) or HMAC-SHA256 (v1) keyed with key1 || key2 (16 bytes big-endian) over msg.
 * Writes 20 or 32 bytes into out and returns that length, -1 for an unknown version. */
int mptcp_hmac(uint8_t version, uint64_t key1, uint64_t key2, const uint8_t *msg, size_t n,
               uint8_t out[MPTCP_HMAC_MAX]);

/* MP_JOIN HMAC of the option sender (RFC 8684 §3.2): key = sender key || receiver key,
 * message = sender nonce || receiver nonce. The SYN/ACK carries the leftmost 64 bits
 * (rd64(out)), the third ACK the leftmost 160 (out[0..19]). Returns 0 or -1. */
int mptcp_join_hmac(uint8_t version, uint64_t key_snd, uint64_t key_rcv, uint32_t nonce_snd,
                    uint32_t nonce_rcv, uint8_t out[MPTCP_JOIN_HMAC_LEN]);

/* ADD_ADDR truncated HMAC (RFC 8684 §3.4.1, v1 only): rightmost 64 bits of
 * HMAC-SHA256(sender key || receiver key, Address ID || Address || Port). Linux always hashes a
 * 2-byte port, zero when the option carries none: pass port = 0 then. family: 4 or 6.
 * Returns 0 or -1 (bad family). */
int mptcp_add_addr_hmac(uint64_t key_snd, uint64_t key_rcv, uint8_t addr_id, uint8_t family,
                        const uint8_t *addr, uint16_t port, uint64_t *hmac);

#endif
