/* mptcp_csum.c - the DSS checksum (RFC 8684 §3.3.1) and MP_CAPABLE flag acceptance.
 *
 * The DSS checksum is the Internet one's-complement sum (RFC 1071) over a 16-byte
 * pseudo-header {DSN as 64 bits even when the option carries 32, relative subflow sequence
 * number, data-level length, checksum field} followed by the payload covered by the mapping,
 * as Linux `__mptcp_make_csum()` computes it. Not modelled: the TCP checksum (elsewhere in
 * models/wire) and when a host must check (connection state).
 */
#include "models/wire/mptcp.h"

#include "models/wire/bytes.h"

/* 32-bit accumulator of big-endian 16-bit words; an odd trailing byte is padded with zero
 * (RFC 1071 §4.1). 2^16 words of 0xffff fit before the carry folding below. */
static uint64_t sum16(uint64_t acc, const uint8_t *p, size_t n)
{
    size_t i;
    for (i = 0; i + 1 < n; i += 2)
        acc += rd16(p + i);
    if (i < n)
        acc += (uint64_t)p[i] << 8;
    return acc;
}

static uint16_t fold(uint64_t acc)
{
    while (acc >> 16)
        acc = (acc & 0xffff) + (acc >> 16);
    return (uint16_t)acc;
}

static uint64_t pseudo_sum(uint64_t dsn, uint32_t ssn, uint16_t data_len, uint16_t csum)
{
    uint8_t ph[16];
    wr64(ph, dsn);
    wr32(ph + 8, ssn);
    wr16(ph + 12, data_len);
    wr16(ph + 14, csum);
    return sum16(0, ph, sizeof ph);
}

uint16_t mptcp_dss_csum(uint64_t dsn, uint32_t ssn, uint16_t data_len,
                        const uint8_t *payload, size_t payload_len)
{
    uint64_t acc = sum16(pseudo_sum(dsn, ssn, data_len, 0), payload, payload_len);
    return (uint16_t)~fold(acc);
}

bool mptcp_dss_csum_verify(uint64_t dsn, uint32_t ssn, uint16_t data_len, uint16_t csum,
                           const uint8_t *payload, size_t payload_len)
{
    uint64_t acc = sum16(pseudo_sum(dsn, ssn, data_len, csum), payload, payload_len);
    return fold(acc) == 0xffff;
}

/* v1: upstream Linux `mptcp_cap_flag_sha256()` wants exactly H among D..H (mask 0x1f) and B
 * clear (RFC 8684 §3.1: an unknown B=1 MUST be ignored). A and C are free. v0: the out-of-tree
 * kernel checks only H; C..G are ignored, which is why a v0 proxy flag is harmless (H2). */
int mptcp_mpc_flags_check(uint8_t version, uint8_t flags)
{
    if (version == 0)
        return (flags & MPTCP_CAP_H_HMAC) ? 0 : MPTCP_ERR_BAD_FLAGS;
    if ((flags & 0x1f) != MPTCP_CAP_H_HMAC || (flags & MPTCP_CAP_B_EXT))
        return MPTCP_ERR_BAD_FLAGS;
    return 0;
}
