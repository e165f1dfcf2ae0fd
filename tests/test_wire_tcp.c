/* test_wire_tcp.c - the TCP header and option codec (models/wire/tcp.h).
 *
 * Byte vectors come from the real Linux captures (hex of the TCP header as `tshark -x` shows
 * it, and frames read from the pcaps), or from the RFC layouts for options Linux did not send.
 * Everything is compared exactly: decode must give the field values on the wire and encode
 * must give the same bytes back; option budgets are the sums of protocol.md section 1.8.
 */
#include <stdlib.h>
#include <string.h>

#include "models/wire/packet.h"
#include "models/wire/tcp.h"
#include "models/wire/wire_err.h"
#include "tests/harness.h"
#include "tests/wire_testutil.h"

/* SYN of capture a, frame 1 (TCP header, 44 bytes: MSS, SACK-P, TS, NOP, WS, MP_CAPABLE v1). */
static const char syn_a1[] = "a3 fa 14 51 9f 3d 41 c7 00 00 00 00 b0 02 fa f0 25 8e 00 00"
                             "02 04 05 b4 04 02 08 0a b6 a2 92 7b 00 00 00 00 01 03 03 0a"
                             "1e 04 01 01";
/* Capture a, frame 3416: NOP NOP TS NOP NOP SACK(1 block) DSS (56 bytes). */
static const char sack_a3416[] = "eb 23 14 51 1a 1d 5e 75 2e 7a 55 23 e0 10 0b 89 3f 0f 00 00"
                                 "01 01 08 0a 44 b5 08 6e b4 fa e3 75 01 01 05 0a 2e 7a 60 43"
                                 "2e 7a 65 d3 1e 0c 20 03 2d 60 44 49 17 5f e3 9f";
/* Capture g6, frame 4: TS + ADD_ADDR IPv6 with HMAC: all 40 option bytes used. */
static const char full_g6_4[] = "14 51 a1 5e 3a 80 3c a7 14 fc 0e f6 f0 10 00 3f 0f d0 00 00"
                                "01 01 08 0a b8 f4 8e 7b 09 db 9f 38 1e 1c 30 01 fd 00 00 02"
                                "00 02 00 00 00 00 00 00 00 00 00 02 22 ad 2b 71 46 80 db 77";

static size_t decode_hex(const char *hex, uint8_t *b, struct tcp_hdr *h, int want)
{
    size_t n = wt_hex(hex, b, 64);
    CU_ASSERT_EQUAL(tcp_decode(b, n, h), want);
    return n;
}

static void assert_encodes_to(const struct tcp_hdr *h, const uint8_t *want, size_t n)
{
    uint8_t out[64];
    size_t len = 0;
    CU_ASSERT_EQUAL_FATAL(tcp_encode(h, out, sizeof out, &len), 0);
    CU_ASSERT_EQUAL(len, n);
    CU_ASSERT(memcmp(out, want, n) == 0);
}

static void test_linux_syn_options_decode_and_reencode(void)
{
    uint8_t b[64];
    struct tcp_hdr h;
    size_t n = decode_hex(syn_a1, b, &h, 0);
    CU_ASSERT_EQUAL(h.sport, 41978);
    CU_ASSERT_EQUAL(h.dport, 5201);
    CU_ASSERT_EQUAL(h.seq, 2671591879u);
    CU_ASSERT_EQUAL(h.flags, TCP_FLAG_SYN);
    CU_ASSERT_EQUAL(h.window, 64240);
    CU_ASSERT_EQUAL(h.csum, 0x258e);
    CU_ASSERT_EQUAL(tcp_hdr_len(&h), 44);
    static const uint8_t kinds[] = { 2, 4, 8, 1, 3, 30 }, lens[] = { 4, 2, 10, 1, 3, 4 };
    CU_ASSERT_EQUAL_FATAL(h.nopts, 6);
    for (size_t i = 0; i < 6; i++) {
        CU_ASSERT_EQUAL(h.opts[i].kind, kinds[i]);
        CU_ASSERT_EQUAL(h.opts[i].len, lens[i]);
    }
    uint16_t mss;
    uint8_t ws;
    uint32_t tsval, tsecr;
    CU_ASSERT_EQUAL(tcp_opt_get_mss(&h, &mss), 0);
    CU_ASSERT_EQUAL(mss, 1460);
    CU_ASSERT_EQUAL(tcp_opt_get_wscale(&h, &ws), 0);
    CU_ASSERT_EQUAL(ws, 10);
    CU_ASSERT_EQUAL(tcp_opt_get_sack_perm(&h), 0);
    CU_ASSERT_EQUAL(tcp_opt_get_timestamp(&h, &tsval, &tsecr), 0);
    CU_ASSERT_EQUAL(tsval, 0xb6a2927bu);
    CU_ASSERT_EQUAL(tsecr, 0);
    const struct tcp_opt *m = tcp_opt_find(&h, TCPOPT_MPTCP);
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    static const uint8_t mpc[] = { 0x1e, 0x04, 0x01, 0x01 };
    CU_ASSERT(memcmp(tcp_opt_bytes(&h, m), mpc, 4) == 0);
    CU_ASSERT_EQUAL(tcp_opt_get_tfo(&h, &(const uint8_t *){ NULL }, &(size_t){ 0 }),
                    WIRE_E_NOT_FOUND);
    assert_encodes_to(&h, b, n);
}

static void test_sack_block_and_dss_segment_from_capture(void)
{
    uint8_t b[64];
    struct tcp_hdr h;
    size_t n = decode_hex(sack_a3416, b, &h, 0);
    static const uint8_t kinds[] = { 1, 1, 8, 1, 1, 5, 30 }; /* tshark tcp.option_kind */
    CU_ASSERT_EQUAL_FATAL(h.nopts, 7);
    for (size_t i = 0; i < 7; i++)
        CU_ASSERT_EQUAL(h.opts[i].kind, kinds[i]);
    struct tcp_sack_block blk[TCP_SACK_MAX_BLOCKS];
    size_t nb = 0;
    CU_ASSERT_EQUAL(tcp_opt_get_sack(&h, blk, &nb), 0);
    CU_ASSERT_EQUAL(nb, 1);
    CU_ASSERT_EQUAL(blk[0].left, 0x2e7a6043u);
    CU_ASSERT_EQUAL(blk[0].right, 0x2e7a65d3u);
    CU_ASSERT_EQUAL(tcp_opt_space_used(&h), 36);
    assert_encodes_to(&h, b, n);
}

static void test_full_option_space_refuses_one_more_byte(void)
{
    uint8_t b[64];
    struct tcp_hdr h, before;
    size_t n = decode_hex(full_g6_4, b, &h, 0);
    CU_ASSERT_EQUAL(tcp_opt_space_used(&h), 40);
    CU_ASSERT_EQUAL(tcp_opt_space_free(&h), 0);
    CU_ASSERT_EQUAL(tcp_opt_find(&h, TCPOPT_MPTCP)->len, 28);
    before = h;
    CU_ASSERT_EQUAL(tcp_opt_append_nop(&h), WIRE_E_OPT_SPACE);
    CU_ASSERT(memcmp(&h, &before, sizeof h) == 0);
    assert_encodes_to(&h, b, n);
}

/* Builds one option with an appender on an empty header and compares with the RFC layout. */
static void assert_option_bytes(struct tcp_hdr *h, const char *hex)
{
    uint8_t want[40];
    size_t n = wt_hex(hex, want, sizeof want);
    CU_ASSERT_EQUAL(h->optlen, n);
    CU_ASSERT(memcmp(h->opt, want, n) == 0);
    CU_ASSERT_EQUAL(h->nopts, 1);
    CU_ASSERT_EQUAL(h->opts[0].len, n > 1 ? n : 1);
    tcp_opts_clear(h);
}

static void test_every_option_form_encodes_to_its_rfc_layout(void)
{
    struct tcp_hdr h = { 0 };
    uint8_t cookie[8] = { 1, 2, 3, 4, 5, 6, 7, 8 }, md5[16], mac[12];
    memset(md5, 0xaa, sizeof md5);
    memset(mac, 0x55, sizeof mac);
    struct tcp_sack_block blk[2] = { { 1, 2 }, { 0x10000000, 0x20000000 } };
    CU_ASSERT_EQUAL(tcp_opt_append_mss(&h, 1460), 0);
    assert_option_bytes(&h, "02 04 05 b4");
    CU_ASSERT_EQUAL(tcp_opt_append_wscale(&h, 7), 0);
    assert_option_bytes(&h, "03 03 07");
    CU_ASSERT_EQUAL(tcp_opt_append_sack_perm(&h), 0);
    assert_option_bytes(&h, "04 02");
    CU_ASSERT_EQUAL(tcp_opt_append_sack(&h, blk, 2), 0);
    assert_option_bytes(&h, "05 12 00000001 00000002 10000000 20000000");
    CU_ASSERT_EQUAL(tcp_opt_append_timestamp(&h, 0x01020304, 0xa0b0c0d0), 0);
    assert_option_bytes(&h, "08 0a 01020304 a0b0c0d0");
    CU_ASSERT_EQUAL(tcp_opt_append_tfo(&h, cookie, 8), 0);
    assert_option_bytes(&h, "22 0a 0102030405060708");
    CU_ASSERT_EQUAL(tcp_opt_append_tfo(&h, NULL, 0), 0); /* cookie request, RFC 7413 4.1.1 */
    assert_option_bytes(&h, "22 02");
    CU_ASSERT_EQUAL(tcp_opt_append_tfo(&h, cookie, 3), WIRE_E_ARG);
    CU_ASSERT_EQUAL(tcp_opt_append_md5(&h, md5), 0);
    assert_option_bytes(&h, "13 12 aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
    CU_ASSERT_EQUAL(tcp_opt_append_ao(&h, 3, 4, mac, 12), 0);
    assert_option_bytes(&h, "1d 10 03 04 555555555555555555555555");
    CU_ASSERT_EQUAL(tcp_opt_append_nop(&h), 0);
    assert_option_bytes(&h, "01");
    static const uint8_t unknown[] = { 0xfd, 0x05, 0xde, 0xad, 0x01 };
    CU_ASSERT_EQUAL(tcp_opt_append_raw(&h, unknown, 5), 0);
    assert_option_bytes(&h, "fd 05 de ad 01");
    CU_ASSERT_EQUAL(tcp_opt_append_raw(&h, unknown, 4), WIRE_E_ARG); /* length byte says 5 */
}

static void test_typed_readers_return_what_appenders_wrote(void)
{
    struct tcp_hdr h = { 0 };
    uint8_t cookie[6] = { 9, 8, 7, 6, 5, 4 }, md5[16] = { 1 };
    struct tcp_sack_block blk[3] = { { 5, 6 }, { 7, 8 }, { 9, 10 } }, got[4];
    CU_ASSERT_EQUAL(tcp_opt_append_sack(&h, blk, 1), 0); /* 10 + 8 + 18 = 36 bytes */
    CU_ASSERT_EQUAL(tcp_opt_append_tfo(&h, cookie, 6), 0);
    CU_ASSERT_EQUAL(tcp_opt_append_md5(&h, md5), 0);
    size_t n = 0;
    CU_ASSERT_EQUAL(tcp_opt_get_sack(&h, got, &n), 0);
    CU_ASSERT_EQUAL(n, 1);
    CU_ASSERT(got[0].left == 5 && got[0].right == 6);
    CU_ASSERT_EQUAL(tcp_opt_append_sack(&h, blk, 3), WIRE_E_OPT_SPACE);
    const uint8_t *c;
    size_t clen;
    CU_ASSERT_EQUAL(tcp_opt_get_tfo(&h, &c, &clen), 0);
    CU_ASSERT_EQUAL(clen, 6);
    CU_ASSERT(memcmp(c, cookie, 6) == 0);
    CU_ASSERT_EQUAL(tcp_opt_get_raw(&h, TCPOPT_MD5, &c, &clen), 0);
    CU_ASSERT_EQUAL(clen, 16);
    CU_ASSERT_EQUAL(c[0], 1);
    /* The experimental TFO option (kind 254, ExID 0xF989, RFC 6994) is read the same way. */
    struct tcp_hdr x = { 0 };
    static const uint8_t exp[] = { 0xfe, 0x08, 0xf9, 0x89, 0xca, 0xfe, 0xba, 0xbe };
    CU_ASSERT_EQUAL(tcp_opt_append_raw(&x, exp, sizeof exp), 0);
    CU_ASSERT_EQUAL(tcp_opt_get_tfo(&x, &c, &clen), 0);
    CU_ASSERT_EQUAL(clen, 4);
    CU_ASSERT_EQUAL(c[0], 0xca);
}

static void test_linux_syn_is_rebuilt_byte_for_byte(void)
{
    uint8_t b[64];
    struct tcp_hdr cap, h;
    decode_hex(syn_a1, b, &cap, 0);
    h = cap;
    tcp_opts_clear(&h);
    static const uint8_t mpc[] = { 0x1e, 0x04, 0x01, 0x01 };
    CU_ASSERT_EQUAL(tcp_opt_append_mss(&h, 1460), 0);
    CU_ASSERT_EQUAL(tcp_opt_append_sack_perm(&h), 0);
    CU_ASSERT_EQUAL(tcp_opt_append_timestamp(&h, 0xb6a2927b, 0), 0);
    CU_ASSERT_EQUAL(tcp_opt_append_nop(&h), 0);
    CU_ASSERT_EQUAL(tcp_opt_append_wscale(&h, 10), 0);
    CU_ASSERT_EQUAL(tcp_opt_append_raw(&h, mpc, 4), 0);
    tcp_opts_pad(&h);
    assert_encodes_to(&h, b, 44);
}

/* Linux baseline SYN of protocol.md 1.8: MSS 4 + SACK-P/TS 12 + NOP/WS 4 = 20 bytes. */
static void baseline_syn(struct tcp_hdr *h)
{
    *h = (struct tcp_hdr){ .flags = TCP_FLAG_SYN };
    tcp_opt_append_mss(h, 1460);
    tcp_opt_append_sack_perm(h);
    tcp_opt_append_timestamp(h, 1, 0);
    tcp_opt_append_nop(h);
    tcp_opt_append_wscale(h, 7);
}

static int append_hex(struct tcp_hdr *h, const char *hex)
{
    uint8_t b[40];
    size_t n = wt_hex(hex, b, sizeof b);
    return tcp_opt_append_raw(h, b, n);
}

static const char mpc_v1_syn[] = "1e 04 01 01";
static const char mpc_v0_syn[] = "1e 0c 00 01 0102030405060708";

static int append_tfo12(struct tcp_hdr *h) /* NOP NOP + 10-byte TFO = 12 as Linux pads it */
{
    uint8_t cookie[8] = { 0 };
    struct tcp_hdr before = *h;
    int r = tcp_opt_append_nop(h);
    if (!r)
        r = tcp_opt_append_nop(h);
    if (!r)
        r = tcp_opt_append_tfo(h, cookie, 8);
    if (r)
        *h = before;
    return r;
}

static void test_option_budgets_of_protocol_md_section_1_8(void)
{
    struct tcp_hdr h, before;
    uint8_t md5[16] = { 0 }, mac[12] = { 0 };
    baseline_syn(&h);
    CU_ASSERT_EQUAL(tcp_opt_space_used(&h), 20);
    CU_ASSERT_EQUAL(tcp_opt_space_free(&h), 20);

    CU_ASSERT_EQUAL(append_hex(&h, mpc_v1_syn), 0); /* v1: 24 used, 16 free */
    CU_ASSERT_EQUAL(tcp_opt_space_used(&h), 24);
    CU_ASSERT_EQUAL(tcp_opt_space_free(&h), 16);
    CU_ASSERT_EQUAL(append_tfo12(&h), 0); /* v1 + TFO: 36, 4 free */
    CU_ASSERT_EQUAL(tcp_opt_space_free(&h), 4);

    baseline_syn(&h);
    CU_ASSERT_EQUAL(append_hex(&h, mpc_v0_syn), 0); /* v0: 32, 8 free */
    CU_ASSERT_EQUAL(tcp_opt_space_used(&h), 32);
    before = h;
    CU_ASSERT_EQUAL(append_tfo12(&h), WIRE_E_OPT_SPACE); /* v0 + TFO: 44, no */
    CU_ASSERT(memcmp(&h, &before, sizeof h) == 0);
    CU_ASSERT_EQUAL(append_hex(&h, "1e 04 0f 00"), 0); /* v0 + MP_PREFER_PROXY (4, [U]): 36 */
    CU_ASSERT_EQUAL(append_tfo12(&h), WIRE_E_OPT_SPACE); /* + TFO: 48, no */

    baseline_syn(&h);
    append_hex(&h, mpc_v1_syn);
    CU_ASSERT_EQUAL(tcp_opt_append_ao(&h, 1, 1, mac, 12), 0); /* v1 + AO 16: exactly 40 */
    CU_ASSERT_EQUAL(tcp_opt_space_free(&h), 0);

    baseline_syn(&h);
    append_hex(&h, mpc_v1_syn);
    tcp_opt_append_nop(&h);
    tcp_opt_append_nop(&h);
    before = h;
    CU_ASSERT_EQUAL(tcp_opt_append_md5(&h, md5), WIRE_E_OPT_SPACE); /* v1 + MD5 20: 44 */
    CU_ASSERT(memcmp(&h, &before, sizeof h) == 0);

    baseline_syn(&h); /* MP_JOIN SYN (12): 32, 8 free */
    CU_ASSERT_EQUAL(append_hex(&h, "1e 0c 10 00 01020304 05060708"), 0);
    CU_ASSERT_EQUAL(tcp_opt_space_free(&h), 8);

    /* Data segment: TS 12 + full DSS 28 = 40: no room left for a SACK block. */
    h = (struct tcp_hdr){ .flags = TCP_FLAG_ACK };
    tcp_opt_append_nop(&h);
    tcp_opt_append_nop(&h);
    tcp_opt_append_timestamp(&h, 1, 2);
    CU_ASSERT_EQUAL(append_hex(&h, "1e 1c 20 0f 0000000000000001 0000000000000002 00000001"
                                   "0580 1234"), 0);
    CU_ASSERT_EQUAL(tcp_opt_space_used(&h), 40);
    struct tcp_sack_block blk = { 1, 2 };
    CU_ASSERT_EQUAL(tcp_opt_append_sack(&h, &blk, 1), WIRE_E_OPT_SPACE);
    uint8_t out[60];
    size_t len;
    CU_ASSERT_EQUAL(tcp_encode(&h, out, sizeof out, &len), 0);
    CU_ASSERT_EQUAL(len, 60);
    CU_ASSERT_EQUAL(out[12] >> 4, 15);
}

static void test_malformed_option_lengths_give_opt_len_and_keep_bytes(void)
{
    static const char *const bad[] = {
        "02 00 05 b4",          /* length 0 */
        "01 01 08 01",          /* length 1 */
        "01 01 08 0a 00 00 00 00", /* timestamp running past the option area */
        "01 01 01 02",          /* kind in the last byte, no length byte */
    };
    static const size_t good_before[] = { 0, 2, 2, 3 };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        uint8_t b[64] = { 0 };
        struct tcp_hdr h;
        size_t optlen = wt_hex(bad[i], b + 20, 40);
        b[12] = (uint8_t)((20 + optlen) / 4 << 4);
        CU_ASSERT_EQUAL(tcp_decode(b, 20 + optlen, &h), WIRE_E_OPT_LEN);
        CU_ASSERT_EQUAL(h.nopts, good_before[i]);
        assert_encodes_to(&h, b, 20 + optlen); /* replay keeps even a bad option as it was */
    }
}

static void test_bad_data_offset_and_short_buffers(void)
{
    uint8_t b[64];
    struct tcp_hdr h;
    size_t n = wt_hex(syn_a1, b, sizeof b);
    CU_ASSERT_EQUAL(tcp_decode(b, 19, &h), WIRE_E_TRUNCATED);
    CU_ASSERT_EQUAL(tcp_decode(b, n - 1, &h), WIRE_E_TRUNCATED); /* options cut */
    b[12] = 0x40; /* data offset 4 words */
    CU_ASSERT_EQUAL(tcp_decode(b, n, &h), WIRE_E_HDR_LEN);
    b[12] = 0xf0; /* 60 bytes announced, 44 present */
    CU_ASSERT_EQUAL(tcp_decode(b, n, &h), WIRE_E_TRUNCATED);
    uint8_t small[30];
    size_t len;
    wt_hex(syn_a1, b, sizeof b);
    CU_ASSERT_EQUAL(tcp_decode(b, n, &h), 0);
    CU_ASSERT_EQUAL(tcp_encode(&h, small, sizeof small, &len), WIRE_E_BUF);
}

static void test_wrong_length_for_kind_is_reported_by_readers(void)
{
    struct tcp_hdr h = { 0 };
    static const uint8_t mss3[] = { 2, 3, 5 }, ws4[] = { 3, 4, 1, 2 }, sack7[] = { 5, 7, 0, 0, 0, 0, 0 };
    tcp_opt_append_raw(&h, mss3, 3);
    tcp_opt_append_raw(&h, ws4, 4);
    tcp_opt_append_raw(&h, sack7, 7);
    uint16_t mss;
    uint8_t ws;
    struct tcp_sack_block blk[4];
    size_t n;
    CU_ASSERT_EQUAL(tcp_opt_get_mss(&h, &mss), WIRE_E_OPT_LEN);
    CU_ASSERT_EQUAL(tcp_opt_get_wscale(&h, &ws), WIRE_E_OPT_LEN);
    CU_ASSERT_EQUAL(tcp_opt_get_sack(&h, blk, &n), WIRE_E_OPT_LEN);
    CU_ASSERT_EQUAL(tcp_opt_get_timestamp(&h, &(uint32_t){ 0 }, &(uint32_t){ 0 }), WIRE_E_NOT_FOUND);
}

static void test_eol_tail_bytes_survive_reencoding(void)
{
    uint8_t b[64] = { 0 };
    struct tcp_hdr h;
    size_t optlen = wt_hex("02 04 05 b4 00 01 02 03", b + 20, 40);
    b[12] = 0x70;
    CU_ASSERT_EQUAL(tcp_decode(b, 20 + optlen, &h), 0);
    CU_ASSERT_EQUAL(h.nopts, 2);
    CU_ASSERT_EQUAL(h.opts[1].kind, TCPOPT_EOL);
    assert_encodes_to(&h, b, 28);
    CU_ASSERT_EQUAL(tcp_opt_append_nop(&h), WIRE_E_ARG); /* nothing may follow an EOL */
}

/* The router of capture c (iptables TCPOPTSTRIP) turned MP_CAPABLE into four NOPs: strip_nop
 * on the client-side SYN must give the server-side SYN's option bytes. */
static void test_strip_turns_option_into_nops_as_iptables_does(void)
{
    size_t n1, n2;
    uint8_t *cli = wt_frame_ip("c-strip-iptables-client-side.pcap", 1, &n1);
    uint8_t *srv = wt_frame_ip("c-strip-iptables-server-side.pcap", 1, &n2);
    CU_ASSERT_PTR_NOT_NULL_FATAL(cli);
    CU_ASSERT_PTR_NOT_NULL_FATAL(srv);
    struct wire_pkt *a = malloc(sizeof *a), *b = malloc(sizeof *b);
    CU_ASSERT_EQUAL(wire_pkt_decode(cli, n1, a), 0);
    CU_ASSERT_EQUAL(wire_pkt_decode(srv, n2, b), 0);
    CU_ASSERT_PTR_NOT_NULL(tcp_opt_find(&a->tcp, TCPOPT_MPTCP));
    CU_ASSERT_EQUAL(tcp_opt_strip_nop(&a->tcp, TCPOPT_MPTCP), 1);
    CU_ASSERT_EQUAL(a->tcp.optlen, b->tcp.optlen);
    CU_ASSERT(memcmp(a->tcp.opt, b->tcp.opt, a->tcp.optlen) == 0);
    CU_ASSERT_PTR_NULL(tcp_opt_find(&a->tcp, TCPOPT_MPTCP));
    /* Removing instead closes the gap: 20 - 4 = 16 option bytes. */
    struct tcp_hdr h;
    uint8_t raw[64];
    decode_hex(syn_a1, raw, &h, 0);
    CU_ASSERT_EQUAL(tcp_opt_remove(&h, TCPOPT_MPTCP), 1);
    CU_ASSERT_EQUAL(h.optlen, 20);
    CU_ASSERT_EQUAL(tcp_opt_remove(&h, TCPOPT_TIMESTAMP), 1);
    uint8_t want[12];
    wt_hex("02 04 05 b4 04 02 01 03 03 0a 00 00", want, sizeof want);
    CU_ASSERT_EQUAL(h.optlen, 12);
    CU_ASSERT(memcmp(h.opt, want, 12) == 0);
    free(a);
    free(b);
    free(cli);
    free(srv);
}

SUITE(wire_tcp, NULL, NULL,
      TEST(test_linux_syn_options_decode_and_reencode),
      TEST(test_sack_block_and_dss_segment_from_capture),
      TEST(test_full_option_space_refuses_one_more_byte),
      TEST(test_every_option_form_encodes_to_its_rfc_layout),
      TEST(test_typed_readers_return_what_appenders_wrote),
      TEST(test_linux_syn_is_rebuilt_byte_for_byte),
      TEST(test_option_budgets_of_protocol_md_section_1_8),
      TEST(test_malformed_option_lengths_give_opt_len_and_keep_bytes),
      TEST(test_bad_data_offset_and_short_buffers),
      TEST(test_wrong_length_for_kind_is_reported_by_readers),
      TEST(test_eol_tail_bytes_survive_reencoding),
      TEST(test_strip_turns_option_into_nops_as_iptables_does))
