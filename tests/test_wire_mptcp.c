/* test_wire_mptcp.c - the MPTCP option codec against real Linux v1 captures and the RFC forms.
 *
 * Byte vectors are hand-copied from ../shared/testdata/pcaps (capture and frame named on each
 * line; `tshark -r X -T fields -e tcp.options` shows them); forms Linux never sends (v0, MP_FAIL,
 * ADD_ADDR with a port, 32-bit DSN) are built from the RFC figures. Field values expected from
 * mptcp_field_format() are what tshark 4.0 printed for the same bytes. Comparisons are exact:
 * a codec either reproduces the bytes or it does not.
 */
#include <stdio.h>
#include <string.h>

#include "models/wire/bytes.h"
#include "models/wire/mptcp.h"
#include "tests/wire_testutil.h"
#include "tests/wire_util.h"
#include "tests/harness.h"

enum { SYN = MPTCP_TCP_SYN, SYNACK = MPTCP_TCP_SYN | MPTCP_TCP_ACK, ACK = MPTCP_TCP_ACK,
       RST = MPTCP_TCP_RST, RSTACK = MPTCP_TCP_RST | MPTCP_TCP_ACK };

struct vec {
    const char *where;  /* capture and frame, or the RFC form */
    uint8_t tcp_flags;
    uint8_t version;
    bool payload;
    const char *hex;
    uint8_t subtype;
};

static const struct vec captured[] = {
    { "a frame 1 MP_CAPABLE SYN", SYN, 1, 0, "1e040101", 0 },
    { "a frame 2 MP_CAPABLE SYN/ACK", SYNACK, 1, 0, "1e0c0101a35b21091642970d", 0 },
    { "a frame 3 MP_CAPABLE ACK", ACK, 1, 0, "1e1401018aec9a5ed458a3fba35b21091642970d", 0 },
    { "a frame 26 MP_JOIN SYN", SYN, 1, 0, "1e0c1000de464bc7c0d61c64", 1 },
    { "a frame 27 MP_JOIN SYN id 1", SYN, 1, 0, "1e0c1001de464bc7845f69dc", 1 },
    { "a frame 32 MP_JOIN SYN/ACK", SYNACK, 1, 0, "1e10100170a107a70586a5f2a99fd227", 1 },
    { "a frame 33 MP_JOIN ACK", ACK, 1, 0,
      "1e181000be1ce321a0ef5983689706876e097c64666449af", 1 },
    { "a frame 66 DSS ack32", ACK, 1, 0, "1e0820016be73eb7", 2 },
    { "a frame 6 DSS ack64", ACK, 1, 0, "1e0c20032d604449173fb45f", 2 },
    { "a frame 5 DSS ack32 map64", ACK, 1, 1, "1e16200d6be73eb72d604449173faecf000000014000", 2 },
    { "a frame 2685 DSS DATA_FIN", ACK, 1, 0, "1e16201d6be73eb72d604449176d758f000000000001", 2 },
    { "a frame 4303 DSS all flags", ACK, 1, 0,
      "1e1a201f2d604449176d7590bd4d413a6be73eb7000000000001", 2 },
    { "a frame 4 ADD_ADDR v4 HMAC", ACK, 1, 0, "1e1030010a0202025e38d85b028d8baf", 3 },
    { "a frame 25 ADD_ADDR v4 echo", ACK, 1, 0, "1e0831010a020202", 3 },
    { "g6 frame 4 ADD_ADDR v6 HMAC", ACK, 1, 0,
      "1e1c3001fd00000200020000000000000000000222ad2b714680db77", 3 },
    { "g6 frame 5 ADD_ADDR v6 echo", ACK, 1, 0, "1e143101fd000002000200000000000000000002", 3 },
    { "e frame 1547 REMOVE_ADDR", ACK, 1, 0, "1e044001", 4 },
    { "e frame 480 MP_PRIO backup", ACK, 1, 0, "1e0351", 5 },
    { "e frame 4394 MP_FASTCLOSE", RSTACK, 1, 0, "1e0c7000d8710c9f9e5c27dc", 7 },
    { "e frame 1559 MP_TCPRST", RST, 1, 0, "1e048000", 8 },
};

static const struct vec rfc_forms[] = {
    { "v1 MP_CAPABLE 22 (first data)", ACK, 1, 1,
      "1e1601018aec9a5ed458a3fba35b21091642970d0064", 0 },
    { "v1 MP_CAPABLE 24 (data+csum)", ACK, 1, 1,
      "1e1801818aec9a5ed458a3fba35b21091642970d0064abcd", 0 },
    { "v0 MP_CAPABLE SYN 12", SYN, 0, 0, "1e0c00818aec9a5ed458a3fb", 0 },
    { "v0 MP_CAPABLE SYN/ACK 12", SYNACK, 0, 0, "1e0c0001a35b21091642970d", 0 },
    { "v0 MP_CAPABLE ACK 20", ACK, 0, 0, "1e1400018aec9a5ed458a3fba35b21091642970d", 0 },
    { "v1 MP_CAPABLE SYN version 2", SYN, 1, 0, "1e040201", 0 },
    { "MP_JOIN SYN backup", SYN, 1, 0, "1e0c1102de464bc7c0d61c64", 1 },
    { "DSS map32 only", ACK, 1, 1, "1e0e2004000012340000000105a0", 2 },
    { "DSS map32 csum", ACK, 1, 1, "1e102004000012340000000105a0beef", 2 },
    { "DSS ack64 map64 csum (max 28)", ACK, 1, 1,
      "1e1c200f29117eb0db13370b29117eb0db13370b0000000105a0beef", 2 },
    { "DSS infinite mapping", ACK, 1, 1, "1e1220050000000100000000000000000000", 2 },
    { "DSS reserved bits kept", ACK, 1, 0, "1e0823e16be73eb7", 2 },
    { "DSS bare (no ack, no map)", ACK, 1, 0, "1e042000", 2 },
    { "ADD_ADDR v1 v4 port HMAC", ACK, 1, 0, "1e1230010a02020204d25e38d85b028d8baf", 3 },
    { "ADD_ADDR v1 v4 port echo", ACK, 1, 0, "1e0a31010a02020204d2", 3 },
    { "ADD_ADDR v1 v6 port HMAC", ACK, 1, 0,
      "1e1e3001fd00000200020000000000000000000204d222ad2b714680db77", 3 },
    { "ADD_ADDR v1 v6 port echo", ACK, 1, 0, "1e163101fd00000200020000000000000000000204d2", 3 },
    { "ADD_ADDR v0 v4", ACK, 0, 0, "1e0834050a020202", 3 },
    { "ADD_ADDR v0 v4 port", ACK, 0, 0, "1e0a34050a02020204d2", 3 },
    { "ADD_ADDR v0 v6", ACK, 0, 0, "1e143605fd000002000200000000000000000002", 3 },
    { "ADD_ADDR v0 v6 port", ACK, 0, 0, "1e163605fd00000200020000000000000000000204d2", 3 },
    { "REMOVE_ADDR 3 ids", ACK, 1, 0, "1e06400102 03", 4 },
    { "MP_PRIO v0 with address id", ACK, 0, 0, "1e045107", 5 },
    { "MP_PRIO not backup", ACK, 1, 0, "1e0350", 5 },
    { "MP_FAIL", ACK, 1, 0, "1e0c60000000000000001234", 6 },
    { "MP_TCPRST transient, middlebox", RST, 1, 0, "1e048106", 8 },
    { "MP_EXPERIMENTAL", ACK, 1, 0, "1e06f0123456", 15 },
    { "unassigned subtype 9", ACK, 1, 0, "1e039a", 9 },
};

static void check_round_trip(const struct vec *v)
{
    uint8_t in[64], out[64];
    size_t n = wt_hex(v->hex, in, sizeof in), w = 0;
    struct mptcp_ctx ctx = { v->tcp_flags, v->version, v->payload };
    struct mptcp_opt o;
    int rc = mptcp_opt_parse(in, n, &ctx, &o);

    if (rc != 0)
        fprintf(stderr, "\n  %s: parse: %s\n", v->where, mptcp_strerror(rc));
    CU_ASSERT_EQUAL_FATAL(rc, 0);
    CU_ASSERT_EQUAL(o.subtype, v->subtype);
    CU_ASSERT_EQUAL(o.len, n);
    CU_ASSERT_EQUAL(mptcp_opt_wire_len(&o), (int)n);
    CU_ASSERT_EQUAL_FATAL(mptcp_opt_write(&o, out, sizeof out, &w), 0);
    CU_ASSERT_EQUAL(w, n);
    if (w != n || memcmp(in, out, n) != 0)
        fprintf(stderr, "\n  %s: rewrite differs\n", v->where);
    CU_ASSERT_EQUAL(memcmp(in, out, n), 0);
}

static void test_captured_options_parse_and_rewrite_byte_identical(void)
{
    for (size_t i = 0; i < sizeof captured / sizeof captured[0]; i++)
        check_round_trip(&captured[i]);
}

static void test_rfc_only_forms_parse_and_rewrite_byte_identical(void)
{
    for (size_t i = 0; i < sizeof rfc_forms / sizeof rfc_forms[0]; i++)
        check_round_trip(&rfc_forms[i]);
}

/* Field values decoded from capture a agree with the keys in the captures' README and with
 * what tshark shows for the same frames. */
static void test_captured_fields_decode_to_known_values(void)
{
    struct mptcp_opt o = wire_parse_hex("1e1401018aec9a5ed458a3fba35b21091642970d", ACK, 1, 0);
    CU_ASSERT_EQUAL(o.u.mpc.version, 1);
    CU_ASSERT_EQUAL(o.u.mpc.flags, MPTCP_CAP_H_HMAC);
    CU_ASSERT_EQUAL(o.u.mpc.snd_key, 0x8aec9a5ed458a3fbULL);
    CU_ASSERT_EQUAL(o.u.mpc.rcv_key, 0xa35b21091642970dULL);

    o = wire_parse_hex("1e16200d6be73eb72d604449173faecf000000014000", ACK, 1, 1);
    CU_ASSERT_EQUAL(o.u.dss.flags, MPTCP_DSS_A | MPTCP_DSS_M | MPTCP_DSS_M8);
    CU_ASSERT_EQUAL(o.u.dss.data_ack, 1810316983u);
    CU_ASSERT_EQUAL(o.u.dss.dsn, 3269688410184330959ULL);
    CU_ASSERT_EQUAL(o.u.dss.ssn, 1);
    CU_ASSERT_EQUAL(o.u.dss.data_len, 16384);
    CU_ASSERT_FALSE(o.u.dss.has_csum);

    o = wire_parse_hex("1e0c1001de464bc7845f69dc", SYN, 1, 0);
    CU_ASSERT_EQUAL(o.u.join.form, MPTCP_JOIN_SYN);
    CU_ASSERT_EQUAL(o.u.join.token, 0xde464bc7u);
    CU_ASSERT_EQUAL(o.u.join.addr_id, 1);
    CU_ASSERT_EQUAL(o.u.join.nonce, 2220845532u);

    o = wire_parse_hex("1e1c3001fd00000200020000000000000000000222ad2b714680db77", ACK, 1, 0);
    CU_ASSERT_EQUAL(o.u.add_addr.family, 6);
    CU_ASSERT_FALSE(o.u.add_addr.has_port);
    CU_ASSERT_TRUE(o.u.add_addr.has_hmac);
    CU_ASSERT_EQUAL(o.u.add_addr.hmac, 2498701133774642039ULL);

    o = wire_parse_hex("1e048106", RST, 1, 0);
    CU_ASSERT_EQUAL(o.u.tcprst.flags, MPTCP_RST_T);
    CU_ASSERT_EQUAL(o.u.tcprst.reason, 6);
}

/* Without connection state (mcpsim decode), each ADD_ADDR and MP_PRIO is read in the layout
 * its own bytes announce, as Wireshark does; with a known version, only that layout. */
static void test_version_any_reads_v0_and_v1_layouts_per_option(void)
{
    struct mptcp_opt o = wire_parse_hex("1e0a34050a02020204d2", ACK, MPTCP_VERSION_ANY, 0);
    CU_ASSERT_EQUAL(o.u.add_addr.version, 0);
    CU_ASSERT_EQUAL(o.u.add_addr.family, 4);
    CU_ASSERT_EQUAL(o.u.add_addr.port, 1234);
    o = wire_parse_hex("1e1030010a0202025e38d85b028d8baf", ACK, MPTCP_VERSION_ANY, 0);
    CU_ASSERT_EQUAL(o.u.add_addr.version, 1);
    CU_ASSERT_TRUE(o.u.add_addr.has_hmac);
    o = wire_parse_hex("1e045107", ACK, MPTCP_VERSION_ANY, 0);
    CU_ASSERT_TRUE(o.u.prio.has_addr_id);
    CU_ASSERT_EQUAL(o.u.prio.addr_id, 7);

    uint8_t b[16];
    size_t n = wt_hex("1e0a34050a02020204d2", b, sizeof b);
    struct mptcp_ctx v1 = { ACK, 1, false };
    CU_ASSERT_EQUAL(mptcp_opt_parse(b, n, &v1, &o), MPTCP_ERR_BAD_LENGTH);
}

/* Lengths that do not fit the subtype in this packet are refused, as Linux does. */
static void test_malformed_lengths_and_contexts_rejected(void)
{
    static const struct { const char *why; uint8_t flags, version; bool payload;
                          const char *hex; int want; } bad[] = {
        { "MPC 4 on a SYN/ACK", SYNACK, 1, 0, "1e040101", MPTCP_ERR_BAD_LENGTH },
        { "MPC 12 on a SYN with version 1", SYN, 1, 0, "1e0c01018aec9a5ed458a3fb",
          MPTCP_ERR_BAD_VERSION },
        { "MPC 4 with version 0", SYN, 0, 0, "1e040001", MPTCP_ERR_BAD_VERSION },
        { "MPC 20 with data (v1 wants 22)", ACK, 1, 1,
          "1e1401018aec9a5ed458a3fba35b21091642970d", MPTCP_ERR_BAD_LENGTH },
        { "MPC 22 without data", ACK, 1, 0,
          "1e1601018aec9a5ed458a3fba35b21091642970d0064", MPTCP_ERR_BAD_LENGTH },
        { "MPC 22 version 0", ACK, 0, 1,
          "1e1600018aec9a5ed458a3fba35b21091642970d0064", MPTCP_ERR_BAD_VERSION },
        { "MPC 16", ACK, 1, 0, "1e1001018aec9a5ed458a3fb00000000", MPTCP_ERR_BAD_LENGTH },
        { "MP_JOIN SYN form on an ACK", ACK, 1, 0, "1e0c1000de464bc7c0d61c64",
          MPTCP_ERR_BAD_LENGTH },
        { "MP_JOIN ACK form on a SYN/ACK", SYNACK, 1, 0,
          "1e181000be1ce321a0ef5983689706876e097c64666449af", MPTCP_ERR_BAD_LENGTH },
        { "DSS length one short", ACK, 1, 0, "1e0b20032d604449173fb4", MPTCP_ERR_BAD_LENGTH },
        { "DSS length 3 over", ACK, 1, 0, "1e0b2001 6be73eb7 000000", MPTCP_ERR_BAD_LENGTH },
        { "ADD_ADDR v1 length 12", ACK, 1, 0, "1e0c30010a0202025e38d85b", MPTCP_ERR_BAD_LENGTH },
        { "ADD_ADDR v1 echo with HMAC length", ACK, 1, 0,
          "1e1031010a0202025e38d85b028d8baf", MPTCP_ERR_BAD_LENGTH },
        { "ADD_ADDR v0 IPVer 5", ACK, 0, 0, "1e0835050a020202", MPTCP_ERR_BAD_LENGTH },
        { "ADD_ADDR v0 IPVer 6 with v4 length", ACK, 0, 0, "1e0836050a020202",
          MPTCP_ERR_BAD_LENGTH },
        { "REMOVE_ADDR without ids", ACK, 1, 0, "1e0340", MPTCP_ERR_BAD_LENGTH },
        { "MP_PRIO 4 in v1", ACK, 1, 0, "1e045107", MPTCP_ERR_BAD_LENGTH },
        { "MP_FAIL 8", ACK, 1, 0, "1e0860000000 1234", MPTCP_ERR_BAD_LENGTH },
        { "MP_FASTCLOSE 16", RST, 1, 0, "1e107000d8710c9f9e5c27dc00000000", MPTCP_ERR_BAD_LENGTH },
        { "MP_TCPRST without RST", ACK, 1, 0, "1e048000", MPTCP_ERR_CONTEXT },
        { "MP_TCPRST 5", RST, 1, 0, "1e05800000", MPTCP_ERR_BAD_LENGTH },
        { "length 2", ACK, 1, 0, "1e02", MPTCP_ERR_BAD_LENGTH },
        /* found by tests/fuzz/fuzz_mptcp.c: a 3-byte DSS must not read a 4th byte */
        { "DSS length 3", ACK, 1, 0, "1e032e", MPTCP_ERR_BAD_LENGTH },
        { "ADD_ADDR length 3", ACK, 1, 0, "1e0331", MPTCP_ERR_BAD_LENGTH },
        { "MP_JOIN length 3", SYN, 1, 0, "1e0310", MPTCP_ERR_BAD_LENGTH },
        { "MP_CAPABLE length 3", SYN, 1, 0, "1e0301", MPTCP_ERR_BAD_LENGTH },
        { "length beyond the buffer", ACK, 1, 0, "1e0c2003 2d60", MPTCP_ERR_TRUNCATED },
        { "only the kind byte", ACK, 1, 0, "1e", MPTCP_ERR_TRUNCATED },
        { "not kind 30", ACK, 1, 0, "020405b4", MPTCP_ERR_NOT_MPTCP },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        uint8_t b[64];
        size_t n = wt_hex(bad[i].hex, b, sizeof b);
        struct mptcp_ctx ctx = { bad[i].flags, bad[i].version, bad[i].payload };
        struct mptcp_opt o;
        int rc = mptcp_opt_parse(b, n, &ctx, &o);
        if (rc != bad[i].want)
            fprintf(stderr, "\n  %s: got %d want %d\n", bad[i].why, rc, bad[i].want);
        CU_ASSERT_EQUAL(rc, bad[i].want);
    }
}

/* Every prefix of a valid option is rejected without reading past it (ASan checks the
 * "without reading" half under `make sanitize`: the buffer is exactly the prefix). */
static void test_every_truncation_is_rejected(void)
{
    for (size_t i = 0; i < sizeof captured / sizeof captured[0]; i++) {
        uint8_t full[64];
        size_t n = wt_hex(captured[i].hex, full, sizeof full);
        struct mptcp_ctx ctx = { captured[i].tcp_flags, 1, captured[i].payload };
        for (size_t k = 0; k < n; k++) {
            uint8_t part[64];
            struct mptcp_opt o;
            memcpy(part, full, k);
            CU_ASSERT_EQUAL(mptcp_opt_parse(k ? part : NULL, k, &ctx, &o), MPTCP_ERR_TRUNCATED);
        }
    }
}

static void test_writer_refuses_inconsistent_fields_and_small_buffers(void)
{
    struct mptcp_opt o;
    uint8_t buf[40];
    size_t w;

    memset(&o, 0, sizeof o);
    o.subtype = MPTCP_SUB_CAPABLE;
    o.u.mpc.version = 0;
    o.u.mpc.nkeys = 2;
    o.u.mpc.has_data_len = true;
    CU_ASSERT_EQUAL(mptcp_opt_write(&o, buf, sizeof buf, &w), MPTCP_ERR_INVALID);

    memset(&o, 0, sizeof o);
    o.subtype = MPTCP_SUB_ADD_ADDR;
    o.u.add_addr.version = 1;
    o.u.add_addr.family = 4;
    o.u.add_addr.echo = true;
    o.u.add_addr.has_hmac = true;
    CU_ASSERT_EQUAL(mptcp_opt_write(&o, buf, sizeof buf, &w), MPTCP_ERR_INVALID);

    memset(&o, 0, sizeof o);
    o.subtype = MPTCP_SUB_DSS;
    o.u.dss.flags = MPTCP_DSS_A | MPTCP_DSS_A8 | MPTCP_DSS_M | MPTCP_DSS_M8;
    o.u.dss.has_csum = true;
    CU_ASSERT_EQUAL(mptcp_opt_wire_len(&o), 28);
    memset(buf, 0xaa, sizeof buf);
    CU_ASSERT_EQUAL(mptcp_opt_write(&o, buf, 27, &w), MPTCP_ERR_NOSPACE);
    CU_ASSERT_EQUAL(buf[0], 0xaa);  /* nothing written on failure */
    CU_ASSERT_EQUAL(mptcp_opt_write(&o, buf, 28, &w), 0);
    CU_ASSERT_EQUAL(w, 28);

    memset(&o, 0, sizeof o);
    o.subtype = MPTCP_SUB_REMOVE_ADDR;
    CU_ASSERT_EQUAL(mptcp_opt_write(&o, buf, sizeof buf, &w), MPTCP_ERR_INVALID);
}

/* A DSS built field by field gives the bytes Linux put on the wire (capture a frame 5). */
static void test_dss_built_from_fields_matches_linux_bytes(void)
{
    static const uint8_t want[] = { 0x1e, 0x16, 0x20, 0x0d, 0x6b, 0xe7, 0x3e, 0xb7, 0x2d, 0x60,
                                    0x44, 0x49, 0x17, 0x3f, 0xae, 0xcf, 0x00, 0x00, 0x00, 0x01,
                                    0x40, 0x00 };
    struct mptcp_opt o;
    uint8_t buf[40];
    size_t w;

    memset(&o, 0, sizeof o);
    o.subtype = MPTCP_SUB_DSS;
    o.u.dss.flags = MPTCP_DSS_A | MPTCP_DSS_M | MPTCP_DSS_M8;
    o.u.dss.data_ack = 1810316983u;
    o.u.dss.dsn = 3269688410184330959ULL;
    o.u.dss.ssn = 1;
    o.u.dss.data_len = 16384;
    CU_ASSERT_EQUAL_FATAL(mptcp_opt_write(&o, buf, sizeof buf, &w), 0);
    CU_ASSERT_EQUAL(w, sizeof want);
    CU_ASSERT_EQUAL(memcmp(buf, want, sizeof want), 0);
}

/* RFC 8684 §3.3.1: a checksum computed then verified over the same mapping is accepted; one
 * flipped payload bit or a different DSN is detected. The known value is computed by hand:
 * pseudo-header words 0000 0000 0000 0001 | 0000 0001 | 0004 | 0000 and payload 0102 0304
 * sum to 0x040c, complement 0xfbf3. */
static void test_dss_checksum_known_value_and_corruption_detected(void)
{
    uint8_t payload[4] = { 1, 2, 3, 4 };
    uint16_t c = mptcp_dss_csum(1, 1, 4, payload, sizeof payload);
    CU_ASSERT_EQUAL(c, 0xfbf3);
    CU_ASSERT_TRUE(mptcp_dss_csum_verify(1, 1, 4, c, payload, sizeof payload));
    CU_ASSERT_FALSE(mptcp_dss_csum_verify(2, 1, 4, c, payload, sizeof payload));
    payload[3] ^= 0x10;
    CU_ASSERT_FALSE(mptcp_dss_csum_verify(1, 1, 4, c, payload, sizeof payload));
    /* odd length: the last byte is the high half of a zero-padded word */
    uint8_t odd[1] = { 0xff };
    CU_ASSERT_EQUAL(mptcp_dss_csum(0, 0, 1, odd, 1), (uint16_t)~0xff01);
}

/* H2 (protocol.md §7): a D..G bit makes Linux v1 ignore MP_CAPABLE; v0 does not care. */
static void test_mpc_flag_acceptance_follows_linux(void)
{
    CU_ASSERT_EQUAL(mptcp_mpc_flags_check(1, 0x01), 0);
    CU_ASSERT_EQUAL(mptcp_mpc_flags_check(1, 0x81), 0);      /* A */
    CU_ASSERT_EQUAL(mptcp_mpc_flags_check(1, 0x21), 0);      /* C */
    CU_ASSERT_EQUAL(mptcp_mpc_flags_check(1, 0x41), MPTCP_ERR_BAD_FLAGS);   /* B */
    CU_ASSERT_EQUAL(mptcp_mpc_flags_check(1, 0x03), MPTCP_ERR_BAD_FLAGS);   /* G */
    CU_ASSERT_EQUAL(mptcp_mpc_flags_check(1, 0x11), MPTCP_ERR_BAD_FLAGS);   /* D */
    CU_ASSERT_EQUAL(mptcp_mpc_flags_check(1, 0x00), MPTCP_ERR_BAD_FLAGS);   /* no H */
    CU_ASSERT_EQUAL(mptcp_mpc_flags_check(0, 0x03), 0);
    CU_ASSERT_EQUAL(mptcp_mpc_flags_check(0, 0x3f), 0);
    CU_ASSERT_EQUAL(mptcp_mpc_flags_check(0, 0x02), MPTCP_ERR_BAD_FLAGS);
}

/* Every MPTCP option of every packet of captures a, d, e and g6 parses and is rewritten byte
 * for byte: a sweep over ~13,000 real options, not only the hand-picked ones above. */
static void round_trip_packet(void *arg, unsigned frame, uint8_t tcp_flags, size_t payload,
                              const uint8_t *opt, size_t optlen)
{
    size_t *count = arg;
    struct mptcp_ctx ctx = { tcp_flags, 1, payload > 0 };

    for (size_t i = 0; i < optlen && opt[i] != 0;) {
        if (opt[i] == 1) {
            i++;
            continue;
        }
        CU_ASSERT_FATAL(i + 1 < optlen && opt[i + 1] >= 2);
        if (opt[i] == MPTCP_OPT_KIND) {
            struct mptcp_opt o;
            uint8_t out[40];
            size_t w = 0;
            int rc = mptcp_opt_parse(opt + i, optlen - i, &ctx, &o);
            if (rc != 0)
                fprintf(stderr, "\n  frame %u: %s\n", frame, mptcp_strerror(rc));
            CU_ASSERT_EQUAL(rc, 0);
            CU_ASSERT_EQUAL(mptcp_opt_write(&o, out, sizeof out, &w), 0);
            CU_ASSERT_EQUAL(w, opt[i + 1]);
            CU_ASSERT_EQUAL(memcmp(out, opt + i, w), 0);
            (*count)++;
        }
        i += opt[i + 1];
    }
}

static void test_every_option_in_captures_round_trips(void)
{
    static const char *const caps[] = {
        "testdata/pcaps/a-mptcp-join-addaddr.pcap", "testdata/pcaps/d-synflood.pcap",
        "testdata/pcaps/e-mptcp-prio-rmaddr-fastclose.pcap",
        "testdata/pcaps/g6-mptcp-ipv6-join.pcap",
    };
    size_t n = 0;
    for (size_t i = 0; i < sizeof caps / sizeof caps[0]; i++)
        CU_ASSERT(capture_walk(harness_shared(caps[i]), round_trip_packet, &n) > 0);
    CU_ASSERT(n > 10000);
}

SUITE(wire_mptcp, NULL, NULL,
      TEST(test_captured_options_parse_and_rewrite_byte_identical),
      TEST(test_rfc_only_forms_parse_and_rewrite_byte_identical),
      TEST(test_captured_fields_decode_to_known_values),
      TEST(test_version_any_reads_v0_and_v1_layouts_per_option),
      TEST(test_malformed_lengths_and_contexts_rejected),
      TEST(test_every_truncation_is_rejected),
      TEST(test_writer_refuses_inconsistent_fields_and_small_buffers),
      TEST(test_dss_built_from_fields_matches_linux_bytes),
      TEST(test_dss_checksum_known_value_and_corruption_detected),
      TEST(test_mpc_flag_acceptance_follows_linux),
      TEST(test_every_option_in_captures_round_trips))
