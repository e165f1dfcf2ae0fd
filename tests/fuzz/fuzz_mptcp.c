/* fuzz_mptcp.c - libFuzzer target for the MPTCP option, proposal and Convert parsers.
 *
 * Input: byte 0 = TCP flags of the segment, byte 1 bit 0 = version, bit 1 = payload present;
 * the rest is fed to mptcp_opt_parse(), proposal_opt_parse() and convert_decode(). Beyond "no
 * crash, no out-of-bounds read" (ASan) it checks the codec's promise: an option that parses is
 * rewritten byte for byte, and a decoded Convert message re-encodes to the same length.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "models/wire/convert.h"
#include "models/wire/mptcp.h"
#include "models/wire/proposals.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct mptcp_ctx ctx;
    struct mptcp_opt o;
    struct proposal_params pp;
    struct proposal_opt po;
    struct convert_msg cm;
    uint8_t out[CONVERT_MAX_LEN];
    size_t w, used;

    if (size < 2)
        return 0;
    ctx = (struct mptcp_ctx){ data[0], data[1] & 1, (data[1] & 2) != 0 };
    data += 2;
    size -= 2;
    if (mptcp_opt_parse(data, size, &ctx, &o) == 0) {
        if (mptcp_opt_write(&o, out, sizeof out, &w) != 0 || w != data[1] ||
            memcmp(out, data, w) != 0)
            abort();
        char buf[128];
        for (size_t f = 0; mptcp_field_names[f]; f++)
            mptcp_field_format(mptcp_field_names[f], &o, buf, sizeof buf);
    }
    proposal_params_default(&pp);
    proposal_opt_parse(&pp, data, size, &po);
    if (convert_decode(data, size, &cm, &used) == 0) {
        int n = convert_encoded_len(&cm);
        if (n < 0 || (size_t)n > used)
            abort();
    }
    return 0;
}
