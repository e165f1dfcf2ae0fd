/* mptcp_crypto.c - MPTCP token, IDSN and HMACs over nettle's SHA-1/SHA-256/HMAC.
 *
 * Follows Linux `net/mptcp/crypto.c` and `subflow.c` byte for byte (protocol.md §1.4): the key
 * is hashed as 8 bytes big-endian; the HMAC key is the two 64-bit keys concatenated big-endian.
 * Costs one hash per call; callers cache tokens and IDSNs per connection.
 */
#include "models/wire/mptcp_crypto.h"

#include <nettle/hmac.h>
#include <nettle/sha1.h>
#include <nettle/sha2.h>
#include <string.h>

#include "models/wire/bytes.h"

int mptcp_key_hash(uint8_t version, uint64_t key, uint32_t *token, uint64_t *idsn)
{
    uint8_t k[8], d[SHA256_DIGEST_SIZE];
    size_t dlen;

    wr64(k, key);
    if (version == 0) {
        struct sha1_ctx c;
        sha1_init(&c);
        sha1_update(&c, sizeof k, k);
        sha1_digest(&c, SHA1_DIGEST_SIZE, d);
        dlen = SHA1_DIGEST_SIZE;
    } else if (version == 1) {
        struct sha256_ctx c;
        sha256_init(&c);
        sha256_update(&c, sizeof k, k);
        sha256_digest(&c, SHA256_DIGEST_SIZE, d);
        dlen = SHA256_DIGEST_SIZE;
    } else {
        return -1;
    }
    if (token)
        *token = rd32(d);
    if (idsn)
        *idsn = rd64(d + dlen - 8);
    return 0;
}

int mptcp_hmac(uint8_t version, uint64_t key1, uint64_t key2, const uint8_t *msg, size_t n,
               uint8_t out[MPTCP_HMAC_MAX])
{
    uint8_t k[16];

    wr64(k, key1);
    wr64(k + 8, key2);
    if (version == 0) {
        struct hmac_sha1_ctx c;
        hmac_sha1_set_key(&c, sizeof k, k);
        hmac_sha1_update(&c, n, msg);
        hmac_sha1_digest(&c, SHA1_DIGEST_SIZE, out);
        return SHA1_DIGEST_SIZE;
    }
    if (version == 1) {
        struct hmac_sha256_ctx c;
        hmac_sha256_set_key(&c, sizeof k, k);
        hmac_sha256_update(&c, n, msg);
        hmac_sha256_digest(&c, SHA256_DIGEST_SIZE, out);
        return SHA256_DIGEST_SIZE;
    }
    return -1;
}

int mptcp_join_hmac(uint8_t version, uint64_t key_snd, uint64_t key_rcv, uint32_t nonce_snd,
                    uint32_t nonce_rcv, uint8_t out[MPTCP_JOIN_HMAC_LEN])
{
    uint8_t msg[8], d[MPTCP_HMAC_MAX];

    wr32(msg, nonce_snd);
    wr32(msg + 4, nonce_rcv);
    if (mptcp_hmac(version, key_snd, key_rcv, msg, sizeof msg, d) < 0)
        return -1;
    memcpy(out, d, MPTCP_JOIN_HMAC_LEN);
    return 0;
}

int mptcp_add_addr_hmac(uint64_t key_snd, uint64_t key_rcv, uint8_t addr_id, uint8_t family,
                        const uint8_t *addr, uint16_t port, uint64_t *hmac)
{
    uint8_t msg[1 + 16 + 2], d[MPTCP_HMAC_MAX];
    size_t alen;

    if (family != 4 && family != 6)
        return -1;
    alen = family == 4 ? 4 : 16;
    msg[0] = addr_id;
    memcpy(msg + 1, addr, alen);
    wr16(msg + 1 + alen, port);
    mptcp_hmac(1, key_snd, key_rcv, msg, 1 + alen + 2, d);
    *hmac = rd64(d + SHA256_DIGEST_SIZE - 8);
    return 0;
}
