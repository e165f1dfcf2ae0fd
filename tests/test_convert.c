/* test_convert.c - RFC 8803 Convert messages: every TLV round-trips, malformed input is refused.
 *
 * Expected bytes are written out by hand from the RFC 8803 §6 figures (fixed header
 * 01 LL 22 63; TLV type, length in 32-bit words, value, zero padding); the Extended TCP Header
 * carries the real SYN/ACK options of capture b frame 2. Comparisons are exact.
 */
#include <string.h>

#include "models/wire/convert.h"
#include "tests/harness.h"

static const uint8_t v4_server[4] = { 10, 2, 1, 2 };

/* Client SYN payload: header + base Connect to 10.2.1.2:5201, then 3 bytes of application data. */
static const uint8_t client_syn[] = {
    0x01, 0x06, 0x22, 0x63,
    0x0a, 0x05, 0x14, 0x51,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 2, 1, 2,
    'G', 'E', 'T',
};

static void test_base_connect_matches_rfc_layout_and_leaves_data(void)
{
    struct convert_msg m;
    size_t used, w;
    uint8_t buf[64];
    uint8_t mapped[16];

    CU_ASSERT_EQUAL_FATAL(convert_decode(client_syn, sizeof client_syn, &m, &used), 0);
    CU_ASSERT_EQUAL(used, 24);                  /* the 'GET' after it is application data */
    CU_ASSERT_EQUAL(m.present, CONVERT_HAS_CONNECT);
    CU_ASSERT_EQUAL(m.connect.port, 5201);
    CU_ASSERT_TRUE(convert_addr_is_v4mapped(m.connect.addr));
    CU_ASSERT_EQUAL(memcmp(m.connect.addr + 12, v4_server, 4), 0);
    CU_ASSERT_EQUAL(m.connect.opts_len, 0);
    CU_ASSERT_EQUAL(m.n_unknown, 0);

    memset(&m, 0, sizeof m);
    m.present = CONVERT_HAS_CONNECT;
    m.connect.port = 5201;
    convert_addr_from_v4(v4_server, mapped);
    memcpy(m.connect.addr, mapped, 16);
    CU_ASSERT_EQUAL(convert_encoded_len(&m), 24);
    CU_ASSERT_EQUAL_FATAL(convert_encode(&m, buf, sizeof buf, &w), 0);
    CU_ASSERT_EQUAL(w, 24);
    CU_ASSERT_EQUAL(memcmp(buf, client_syn, 24), 0);
}

static void round_trip(const struct convert_msg *m, size_t want_len, struct convert_msg *back)
{
    uint8_t buf[CONVERT_MAX_LEN], again[CONVERT_MAX_LEN];
    size_t w, used, w2;

    CU_ASSERT_EQUAL_FATAL(convert_encode(m, buf, sizeof buf, &w), 0);
    CU_ASSERT_EQUAL(w, want_len);
    CU_ASSERT_EQUAL(w % 4, 0);
    CU_ASSERT_EQUAL(buf[1] * 4, (int)w);
    CU_ASSERT_EQUAL_FATAL(convert_decode(buf, w, back, &used), 0);
    CU_ASSERT_EQUAL(used, w);
    CU_ASSERT_EQUAL(back->present, m->present);
    CU_ASSERT_EQUAL_FATAL(convert_encode(back, again, sizeof again, &w2), 0);
    CU_ASSERT_EQUAL(w2, w);
    CU_ASSERT_EQUAL(memcmp(buf, again, w), 0);
}

static void test_every_tlv_round_trips(void)
{
    static const uint8_t req_opts[] = { 30, 2, 8, 2, 34, 2 };       /* MPTCP, TS, TFO request */
    static const uint8_t synack_opts[] = { 0x02, 0x04, 0x05, 0xb4, 0x04, 0x02, 0x08, 0x0a, 0x91,
                                           0x84, 0x83, 0x17, 0xdd, 0xbf, 0x65, 0x75, 0x01, 0x03,
                                           0x03, 0x0a };          /* capture b frame 2 */
    static const uint8_t kinds[] = { 4, 8, 30, 34 };
    static const uint8_t cookie[] = { 0xc0, 0x0c, 0x1e, 0x5a, 0x11, 0x22, 0x33, 0x44 };
    static const uint8_t kinds_refused[] = { 29 };
    struct convert_msg m, back;

    memset(&m, 0, sizeof m);
    m.present = CONVERT_HAS_INFO;
    round_trip(&m, 8, &back);

    m.present = CONVERT_HAS_CONNECT;
    m.connect.port = 443;
    memset(m.connect.addr, 0x20, 16);
    m.connect.opts = req_opts;
    m.connect.opts_len = sizeof req_opts;
    round_trip(&m, 4 + 28, &back);   /* 20 + 6 options + 2 padding */
    CU_ASSERT_EQUAL(back.connect.opts_len, 8);
    CU_ASSERT_EQUAL(memcmp(back.connect.opts, req_opts, sizeof req_opts), 0);

    memset(&m, 0, sizeof m);
    m.present = CONVERT_HAS_EXT_TCP_HDR;
    m.ext_tcp_hdr.opts = synack_opts;
    m.ext_tcp_hdr.len = sizeof synack_opts;
    round_trip(&m, 4 + 24, &back);
    CU_ASSERT_EQUAL(memcmp(back.ext_tcp_hdr.opts, synack_opts, sizeof synack_opts), 0);

    memset(&m, 0, sizeof m);
    m.present = CONVERT_HAS_SUPPORTED_EXT;
    m.supported.kinds = kinds;
    m.supported.n = 3;              /* 4 + 3 → padded 8; the pad is not a kind */
    round_trip(&m, 4 + 8, &back);
    CU_ASSERT_EQUAL(back.supported.n, 3);
    CU_ASSERT_EQUAL(back.supported.kinds[2], 30);

    memset(&m, 0, sizeof m);
    m.present = CONVERT_HAS_COOKIE;
    m.cookie.data = cookie;
    m.cookie.len = sizeof cookie;
    round_trip(&m, 4 + 12, &back);
    CU_ASSERT_EQUAL(memcmp(back.cookie.data, cookie, sizeof cookie), 0);

    static const uint8_t codes[] = { 0, 1, 2, 3, 32, 33, 64, 65, 96, 97 };
    for (size_t i = 0; i < sizeof codes; i++) {
        memset(&m, 0, sizeof m);
        m.present = CONVERT_HAS_ERROR;
        m.error.code = codes[i];
        m.error.value = kinds_refused;
        m.error.len = codes[i] == CONVERT_E_UNSUPPORTED_TCP_OPTION ? 1 : 0;
        round_trip(&m, 4 + 4, &back);
        CU_ASSERT_EQUAL(back.error.code, codes[i]);
        CU_ASSERT_NOT_EQUAL(strcmp(convert_error_code_name(codes[i]), "Unassigned"), 0);
    }

    /* all six in one message (a converter never sends this, but the codec must hold) */
    memset(&m, 0, sizeof m);
    m.present = CONVERT_HAS_INFO | CONVERT_HAS_CONNECT | CONVERT_HAS_EXT_TCP_HDR |
                CONVERT_HAS_SUPPORTED_EXT | CONVERT_HAS_COOKIE | CONVERT_HAS_ERROR;
    m.connect.port = 80;
    convert_addr_from_v4(v4_server, m.connect.addr);
    m.ext_tcp_hdr.opts = synack_opts;
    m.ext_tcp_hdr.len = sizeof synack_opts;
    m.supported.kinds = kinds;
    m.supported.n = sizeof kinds;
    m.cookie.data = cookie;
    m.cookie.len = sizeof cookie;
    m.error.code = CONVERT_E_RESOURCE_EXCEEDED;
    round_trip(&m, 4 + 4 + 20 + 24 + 8 + 12 + 4, &back);
    CU_ASSERT_EQUAL(back.connect.port, 80);
    CU_ASSERT_EQUAL(back.supported.n, 4);
}

/* Unknown TLVs are stepped over by their length; the TLVs after them still decode. */
static void test_unknown_tlvs_are_skipped_and_counted(void)
{
    static const uint8_t msg[] = {
        0x01, 0x05, 0x22, 0x63,
        0x28, 0x02, 0xde, 0xad, 0xbe, 0xef, 0x00, 0x00,     /* type 40, 8 bytes */
        0xc0, 0x01, 0x00, 0x00,                             /* type 192 (private use) */
        0x01, 0x01, 0x00, 0x00,                             /* Info */
    };
    struct convert_msg m;
    size_t used;
    CU_ASSERT_EQUAL_FATAL(convert_decode(msg, sizeof msg, &m, &used), 0);
    CU_ASSERT_EQUAL(used, sizeof msg);
    CU_ASSERT_EQUAL(m.n_unknown, 2);
    CU_ASSERT_EQUAL(m.first_unknown, 40);
    CU_ASSERT_EQUAL(m.present, CONVERT_HAS_INFO);
}

static void test_malformed_messages_are_refused(void)
{
    static const struct { const char *why; uint8_t b[32]; size_t n; int want; } bad[] = {
        { "short header", { 0x01, 0x01, 0x22 }, 3, CONVERT_ERR_TRUNCATED },
        { "bad magic", { 0x01, 0x01, 0x22, 0x64 }, 4, CONVERT_ERR_MAGIC },
        { "version 2", { 0x02, 0x01, 0x22, 0x63 }, 4, CONVERT_ERR_VERSION },
        { "total length 0", { 0x01, 0x00, 0x22, 0x63 }, 4, CONVERT_ERR_LENGTH },
        { "total beyond data", { 0x01, 0x03, 0x22, 0x63, 0x01, 0x01, 0, 0 }, 8,
          CONVERT_ERR_TRUNCATED },
        { "TLV length 0", { 0x01, 0x02, 0x22, 0x63, 0x01, 0x00, 0, 0 }, 8, CONVERT_ERR_LENGTH },
        { "TLV past message", { 0x01, 0x02, 0x22, 0x63, 0x16, 0x02, 0, 0 }, 8,
          CONVERT_ERR_LENGTH },
        { "type 0", { 0x01, 0x02, 0x22, 0x63, 0x00, 0x01, 0, 0 }, 8, CONVERT_ERR_RESERVED },
        { "Info twice", { 0x01, 0x03, 0x22, 0x63, 0x01, 0x01, 0, 0, 0x01, 0x01, 0, 0 }, 12,
          CONVERT_ERR_DUPLICATE },
        { "Info of 8 bytes", { 0x01, 0x03, 0x22, 0x63, 0x01, 0x02, 0, 0, 0, 0, 0, 0 }, 12,
          CONVERT_ERR_LENGTH },
        { "Connect of 8 bytes", { 0x01, 0x03, 0x22, 0x63, 0x0a, 0x02, 0, 80, 0, 0, 0, 0 }, 12,
          CONVERT_ERR_LENGTH },
        { "Connect option NOP", { 0x01, 0x07, 0x22, 0x63, 0x0a, 0x06, 0, 80,
                                  0x20, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
                                  0x01, 0x1e, 0x02, 0x00 }, 28, CONVERT_ERR_OPTIONS },
        { "Connect option len 1", { 0x01, 0x07, 0x22, 0x63, 0x0a, 0x06, 0, 80,
                                    0x20, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
                                    0x1e, 0x01, 0x00, 0x00 }, 28, CONVERT_ERR_OPTIONS },
        { "Connect option overrun", { 0x01, 0x07, 0x22, 0x63, 0x0a, 0x06, 0, 80,
                                      0x20, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
                                      0x22, 0x0a, 0x00, 0x00 }, 28, CONVERT_ERR_OPTIONS },
        { "garbage after padding", { 0x01, 0x07, 0x22, 0x63, 0x0a, 0x06, 0, 80,
                                     0x20, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
                                     0x1e, 0x02, 0x00, 0x05 }, 28, CONVERT_ERR_OPTIONS },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct convert_msg m;
        size_t used = 12345;
        int rc = convert_decode(bad[i].b, bad[i].n, &m, &used);
        if (rc != bad[i].want)
            CU_FAIL(bad[i].why);
        CU_ASSERT_EQUAL(used, 12345);           /* nothing reported consumed on error */
    }
}

/* Every strict prefix of a valid message is refused (ASan under `make sanitize` checks that
 * nothing beyond the prefix is read). */
static void test_every_truncation_is_refused(void)
{
    for (size_t k = 0; k < 24; k++) {
        uint8_t part[24];
        struct convert_msg m;
        size_t used;
        memcpy(part, client_syn, k);
        CU_ASSERT_NOT_EQUAL(convert_decode(part, k, &m, &used), 0);
    }
}

static void test_encoder_refuses_oversize_and_bad_fields(void)
{
    static uint8_t big[CONVERT_MAX_LEN];
    static const uint8_t nop_opts[] = { 1, 1, 30, 2 };
    struct convert_msg m;
    uint8_t buf[CONVERT_MAX_LEN + 8];
    size_t w;

    memset(&m, 0, sizeof m);
    m.present = CONVERT_HAS_COOKIE;
    m.cookie.data = big;
    m.cookie.len = CONVERT_MAX_LEN - 8;         /* 4 header + 4 TLV head + 1012 = 1020: fits */
    CU_ASSERT_EQUAL(convert_encoded_len(&m), CONVERT_MAX_LEN);
    m.cookie.len++;
    CU_ASSERT_EQUAL(convert_encoded_len(&m), CONVERT_ERR_NOSPACE);
    CU_ASSERT_EQUAL(convert_encode(&m, buf, sizeof buf, &w), CONVERT_ERR_NOSPACE);

    m.cookie.len = 4;
    CU_ASSERT_EQUAL(convert_encode(&m, buf, 11, &w), CONVERT_ERR_NOSPACE);
    m.present = 1u << 9;
    CU_ASSERT_EQUAL(convert_encode(&m, buf, sizeof buf, &w), CONVERT_ERR_INVALID);

    memset(&m, 0, sizeof m);
    m.present = CONVERT_HAS_CONNECT;
    m.connect.opts = nop_opts;
    m.connect.opts_len = sizeof nop_opts;
    CU_ASSERT_EQUAL(convert_encode(&m, buf, sizeof buf, &w), CONVERT_ERR_OPTIONS);
}

static void test_connect_address_policy_follows_rfc_8803(void)
{
    static const uint8_t ok4[4] = { 10, 2, 1, 2 }, lo4[4] = { 127, 0, 0, 1 },
                         mc4[4] = { 224, 0, 0, 251 }, bc4[4] = { 255, 255, 255, 255 };
    static const uint8_t ok6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 },
                         mc6[16] = { 0xff, 0x02, [15] = 1 }, lo6[16] = { [15] = 1 };
    uint8_t a[16];

    convert_addr_from_v4(ok4, a);
    CU_ASSERT_TRUE(convert_connect_addr_ok(a));
    convert_addr_from_v4(lo4, a);
    CU_ASSERT_FALSE(convert_connect_addr_ok(a));
    convert_addr_from_v4(mc4, a);
    CU_ASSERT_FALSE(convert_connect_addr_ok(a));
    convert_addr_from_v4(bc4, a);
    CU_ASSERT_FALSE(convert_connect_addr_ok(a));
    CU_ASSERT_TRUE(convert_connect_addr_ok(ok6));
    CU_ASSERT_FALSE(convert_connect_addr_ok(mc6));
    CU_ASSERT_FALSE(convert_connect_addr_ok(lo6));
    CU_ASSERT_FALSE(convert_addr_is_v4mapped(ok6));
}

SUITE(convert, NULL, NULL,
      TEST(test_base_connect_matches_rfc_layout_and_leaves_data),
      TEST(test_every_tlv_round_trips),
      TEST(test_unknown_tlvs_are_skipped_and_counted),
      TEST(test_malformed_messages_are_refused),
      TEST(test_every_truncation_is_refused),
      TEST(test_encoder_refuses_oversize_and_bad_fields),
      TEST(test_connect_address_policy_follows_rfc_8803))
