/* mcp_cookie.h - SYN cookies for the proxy's own half-open connections (RFC 4987 3.6).
 *
 * When the proxy terminates a connection it would otherwise keep a half-open entry per SYN.
 * With cookies it keeps nothing: the initial sequence number of its SYN/ACK encodes
 *
 *   bits 31..27  time counter t mod 32 (period configurable, 64 s by default)
 *   bits 26..24  index of the client's MSS in a table of 8 values (rounded down)
 *   bits 23..0   keyed hash of (4-tuple, t, client ISN), truncated to 24 bits
 *
 * and the ACK completing the handshake (ack - 1) is validated by recomputing the hash for the
 * last max_age counters. The keyed hash is HMAC-SHA256 (nettle) with a secret set at
 * creation; protocol.md section 6 marks this layout [U] — it is the classic one.
 *
 * MPTCP v1 (RFC 8684 section 3.1) lets a stateless server derive its key from a hash of the
 * 4-tuple and a secret, because both keys are echoed in the third ACK: mcp_cookie_mptcp_key()
 * provides that key so the datapath can rebuild the connection from the ACK alone.
 *
 * The same keyed hash makes the RFC 8803 Cookie TLV values of explicit (Convert) mode:
 * mcp_cookie_convert_make/check below.
 *
 * Not modelled: the TCP timestamp option trick that recovers window scale and SACK-permitted
 * (Linux); connections created from a cookie lose those, as they do in classic cookies.
 */
#ifndef MCPSIM_MCP_COOKIE_H
#define MCPSIM_MCP_COOKIE_H

#include <stddef.h>
#include <stdint.h>

#include "models/mcp/mcp_flow.h"
#include "models/mcp/mcp_platform.h"

struct mcp_cookie_jar;

struct mcp_cookie_config {
    uint8_t secret[32];
    mcp_ns_t period_ns;   /* time counter period */
    uint32_t max_age;     /* a cookie is valid for counters t-max_age+1 .. t (1..31) */
};

enum mcp_cookie_result {
    MCP_COOKIE_VALID = 0,
    MCP_COOKIE_EXPIRED = -1, /* hash matches an older counter, or counter out of window */
    MCP_COOKIE_FORGED = -2,  /* no counter in the window matches */
};

int mcp_cookie_create(const struct mcp_cookie_config *cfg, struct mcp_cookie_jar **out,
                      char *err, size_t errlen);
void mcp_cookie_destroy(struct mcp_cookie_jar *j);

/* Cookie ISN for a SYN of tuple k (client -> proxy) with client ISN isn and client MSS. */
uint32_t mcp_cookie_make(const struct mcp_cookie_jar *j, const struct mcp_tuple *k,
                         uint32_t client_isn, uint16_t client_mss, mcp_ns_t now);

/* Validates the ACK of tuple k (same orientation as the SYN): its sequence number minus one
 * is the client ISN, its acknowledgment number minus one the cookie. On success *mss is the
 * MSS recovered from the index. */
enum mcp_cookie_result mcp_cookie_check(const struct mcp_cookie_jar *j, const struct mcp_tuple *k,
                                        uint32_t ack_seq, uint32_t ack_ack, mcp_ns_t now,
                                        uint16_t *mss);

/* The MSS actually encoded for a client MSS (largest table value <= mss). */
uint16_t mcp_cookie_mss_round(uint16_t mss);

/* Stateless MPTCP key for a connection of tuple k (RFC 8684 3.1). Never 0. */
uint64_t mcp_cookie_mptcp_key(const struct mcp_cookie_jar *j, const struct mcp_tuple *k);

/* RFC 8803 6.2.7 Cookie TLV value, bound to the client's address (a TFO-like cookie, RFC 7413
 * 4.1.2): bytes 0-1 = time counter (now / period_ns) mod 65536 (7 years of 1 h periods
 * before it wraps), bytes 2..7 = the first 6 bytes (48 bits) of the HMAC of (family, client
 * address, counter). Nothing is stored: the converter recomputes
 * it. A cookie is valid for the counter it names and the one before it (between one and two
 * periods); the layout is ours [U] (the RFC leaves the cookie opaque). */
#define MCP_CONVERT_COOKIE_LEN 8
void mcp_cookie_convert_make(const struct mcp_cookie_jar *j, uint8_t family,
                             const uint8_t addr[16], mcp_ns_t period_ns, mcp_ns_t now,
                             uint8_t out[MCP_CONVERT_COOKIE_LEN]);
/* VALID, EXPIRED (ours, but older than two periods) or FORGED (wrong length, wrong address,
 * never made by this secret). */
enum mcp_cookie_result mcp_cookie_convert_check(const struct mcp_cookie_jar *j, uint8_t family,
                                                const uint8_t addr[16], const uint8_t *cookie,
                                                size_t len, mcp_ns_t period_ns, mcp_ns_t now);

#endif
