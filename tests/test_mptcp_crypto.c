/* test_mptcp_crypto.c - tokens, IDSNs and HMACs recomputed for capture a match what Linux put
 * on the wire.
 *
 * Keys from ../shared/testdata/pcaps/README.md (client A = 0x8aec9a5ed458a3fb, server B =
 * 0xa35b21091642970d); nonces, truncated HMACs and data sequence numbers hand-copied from
 * capture a (frame numbers on each line). Exact comparisons: a hash either matches or not.
 */
#include <string.h>

#include "models/wire/bytes.h"
#include "models/wire/mptcp_crypto.h"
#include "tests/harness.h"

static const uint64_t key_a = 0x8aec9a5ed458a3fbULL, key_b = 0xa35b21091642970dULL;

static void test_v1_tokens_match_capture_readme(void)
{
    uint32_t tok;
    CU_ASSERT_EQUAL(mptcp_key_hash(1, key_a, &tok, NULL), 0);
    CU_ASSERT_EQUAL(tok, 0xa9374ac9u);
    CU_ASSERT_EQUAL(mptcp_key_hash(1, key_b, &tok, NULL), 0);
    CU_ASSERT_EQUAL(tok, 0xde464bc7u);   /* also the recvtok of both MP_JOIN SYNs (26, 27) */
}

/* The server's first mapping (frame 5) starts at its IDSN + 1 (RFC 8684 §3.3.1); the
 * client's Data ACK in frame 66 acknowledges the client IDSN + 1 in its low 32 bits. */
static void test_v1_idsns_match_captured_sequence_numbers(void)
{
    uint64_t idsn;
    CU_ASSERT_EQUAL(mptcp_key_hash(1, key_b, NULL, &idsn), 0);
    CU_ASSERT_EQUAL(idsn + 1, 3269688410184330959ULL);
    CU_ASSERT_EQUAL(mptcp_key_hash(1, key_a, NULL, &idsn), 0);
    CU_ASSERT_EQUAL((uint32_t)(idsn + 1), 0x6be73eb7u);
}

/* Subflow 1 (frames 26, 32, 33): client nonce R-A, server nonce R-B. The SYN/ACK carries the
 * leftmost 64 bits of HMAC(B||A, R-B||R-A); the third ACK the leftmost 160 of
 * HMAC(A||B, R-A||R-B). Subflow 2 (frames 27, 307, 308) checks a second pair of nonces. */
static void test_join_hmacs_match_capture(void)
{
    static const struct { uint32_t ra, rb; uint64_t thmac_b; uint8_t hmac_a[20]; } sf[] = {
        { 3235257444u, 2845823527u, 8115776417431987698ULL,
          { 0xbe, 0x1c, 0xe3, 0x21, 0xa0, 0xef, 0x59, 0x83, 0x68, 0x97, 0x06, 0x87, 0x6e, 0x09,
            0x7c, 0x64, 0x66, 0x64, 0x49, 0xaf } },
        { 2220845532u, 3401071911u, 9121566788416161026ULL,
          { 0x5a, 0x1c, 0x4b, 0xd2, 0x8a, 0xff, 0xca, 0x33, 0x31, 0xd6, 0x84, 0xdc, 0xa5, 0x35,
            0x10, 0x85, 0xce, 0x83, 0x70, 0x29 } },
    };
    for (size_t i = 0; i < 2; i++) {
        uint8_t h[MPTCP_JOIN_HMAC_LEN];
        CU_ASSERT_EQUAL(mptcp_join_hmac(1, key_b, key_a, sf[i].rb, sf[i].ra, h), 0);
        CU_ASSERT_EQUAL(rd64(h), sf[i].thmac_b);
        CU_ASSERT_EQUAL(mptcp_join_hmac(1, key_a, key_b, sf[i].ra, sf[i].rb, h), 0);
        CU_ASSERT_EQUAL(memcmp(h, sf[i].hmac_a, sizeof h), 0);
    }
}

/* Frame 4: the server announces 10.2.2.2 id 1 without a port; Linux hashes a zero port. */
static void test_add_addr_hmac_matches_capture_with_zero_port(void)
{
    static const uint8_t addr[4] = { 10, 2, 2, 2 };
    uint64_t h;
    CU_ASSERT_EQUAL(mptcp_add_addr_hmac(key_b, key_a, 1, 4, addr, 0, &h), 0);
    CU_ASSERT_EQUAL(h, 6789414323657477039ULL);
    CU_ASSERT_EQUAL(mptcp_add_addr_hmac(key_b, key_a, 1, 4, addr, 5201, &h), 0);
    CU_ASSERT_NOT_EQUAL(h, 6789414323657477039ULL);
    CU_ASSERT_EQUAL(mptcp_add_addr_hmac(key_b, key_a, 1, 5, addr, 0, &h), -1);
}

/* v0 (RFC 6824 §3.1) truncates SHA-1 the same way. Expected values computed independently
 * with Python's hashlib/hmac over the same big-endian bytes (no v0 capture exists). */
static void test_v0_token_idsn_and_join_hmac_use_sha1(void)
{
    static const uint8_t want[20] = { 0xfa, 0x1d, 0xe7, 0xff, 0x0e, 0x57, 0x0e, 0xdd, 0x64, 0x69,
                                      0xbc, 0x6a, 0x28, 0xbf, 0x1c, 0x1e, 0x59, 0x6a, 0x2f, 0x4f };
    uint32_t tok;
    uint64_t idsn;
    uint8_t h[MPTCP_HMAC_MAX];

    CU_ASSERT_EQUAL(mptcp_key_hash(0, key_a, &tok, &idsn), 0);
    CU_ASSERT_EQUAL(tok, 0x500811fbu);
    CU_ASSERT_EQUAL(idsn, 11738705788694965751ULL);
    CU_ASSERT_EQUAL(mptcp_join_hmac(0, key_a, key_b, 3235257444u, 2845823527u, h), 0);
    CU_ASSERT_EQUAL(memcmp(h, want, 20), 0);
    CU_ASSERT_EQUAL(mptcp_hmac(0, key_a, key_b, (const uint8_t *)"x", 1, h), 20);
    CU_ASSERT_EQUAL(mptcp_hmac(1, key_a, key_b, (const uint8_t *)"x", 1, h), 32);
    CU_ASSERT_EQUAL(mptcp_hmac(2, key_a, key_b, (const uint8_t *)"x", 1, h), -1);
    CU_ASSERT_EQUAL(mptcp_key_hash(2, key_a, &tok, &idsn), -1);
}

SUITE(mptcp_crypto, NULL, NULL,
      TEST(test_v1_tokens_match_capture_readme),
      TEST(test_v1_idsns_match_captured_sequence_numbers),
      TEST(test_join_hmacs_match_capture),
      TEST(test_add_addr_hmac_matches_capture_with_zero_port),
      TEST(test_v0_token_idsn_and_join_hmac_use_sha1))
