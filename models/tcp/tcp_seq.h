/* tcp_seq.h - sequence-number arithmetic modulo 2^32 (RFC 9293 section 3.4).
 *
 * Sequence numbers wrap, so "a before b" is decided by the sign of the 32-bit difference
 * (RFC 1982 serial-number arithmetic): a < b iff (int32_t)(a - b) < 0. This is correct as long
 * as the two numbers are less than 2^31 apart, which the window limits (at most 2^30 with
 * window scaling, RFC 7323 section 2.3) guarantee. Never compare sequence numbers with the
 * plain operators.
 */
#ifndef MCPSIM_TCP_SEQ_H
#define MCPSIM_TCP_SEQ_H

#include <stdbool.h>
#include <stdint.h>

static inline bool seq_lt(uint32_t a, uint32_t b) { return (int32_t)(a - b) < 0; }
static inline bool seq_leq(uint32_t a, uint32_t b) { return (int32_t)(a - b) <= 0; }
static inline bool seq_gt(uint32_t a, uint32_t b) { return (int32_t)(a - b) > 0; }
static inline bool seq_geq(uint32_t a, uint32_t b) { return (int32_t)(a - b) >= 0; }
static inline uint32_t seq_max(uint32_t a, uint32_t b) { return seq_gt(a, b) ? a : b; }
static inline uint32_t seq_min(uint32_t a, uint32_t b) { return seq_lt(a, b) ? a : b; }

/* a <= x < b, all modulo 2^32 (an empty range when a == b). */
static inline bool seq_in(uint32_t x, uint32_t a, uint32_t b)
{
    return seq_leq(a, x) && seq_lt(x, b);
}

#endif
