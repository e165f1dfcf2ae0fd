/* mptcp_csum.c - the DSS checksum (RFC 8684 §3.3.1) and MP_CAPABLE flag acceptance.
 *
 * The DSS checksum is the Internet one's-complement sum (RFC 1071) over a 16-byte
 * pseudo-header {DSN as 64 bits even when the option carries 32, relative subflow sequence
 * number, data-level length, checksum field} followed by the payload covered by the mapping,
 * as Linux `__mptcp_make_csum()` computes it, with the summing helpers of checksum.h. Not
 * modelled: when a host must check (connection state).
 */
#include "models/wire/mptcp.h"

#include "models/wire/bytes.h"
#include "models/wire/checksum.h"

static uint32_t pseudo_sum(uint64_t dsn, uint32_t ssn, uint16_t data_len, uint16_t csum)
{
    uint8_t ph[16];
    wr64(ph, dsn);
    wr32(ph + 8, ssn);
    wr16(ph + 12, data_len);
    wr16(ph + 14, csum);
    return csum_add(0, ph, sizeof ph);
}

uint16_t mptcp_dss_csum(uint64_t dsn, uint32_t ssn, uint16_t data_len,
                        const uint8_t *payload, size_t payload_len)
{
    return csum_fold(csum_add(pseudo_sum(dsn, ssn, data_len, 0), payload, payload_len));
}

/* Summing the received checksum with the rest gives 0xffff, whose complement is 0. */
bool mptcp_dss_csum_verify(uint64_t dsn, uint32_t ssn, uint16_t data_len, uint16_t csum,
                           const uint8_t *payload, size_t payload_len)
{
    return csum_fold(csum_add(pseudo_sum(dsn, ssn, data_len, csum), payload, payload_len)) == 0;
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
