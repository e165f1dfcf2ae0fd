/* test_mptcp_fields.c - `tcp.options.mptcp.*` values formatted exactly as tshark 4.0 prints
 * them with `-T fields`, for `mcpsim decode`.
 *
 * Two checks: hard-coded strings that tshark 4.0 printed for the same option bytes (so the
 * suite needs no tshark), and, where tshark is installed, a live comparison over every packet of
 * captures a, d, e and g6 for all 21 fields with `-E occurrence=a -E aggregator=,`. Exact string
 * comparison: the decode command must be byte-identical to tshark.
 */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/wire/mptcp.h"
#include "tests/harness.h"
#include "tests/wire_testutil.h"
#include "tests/wire_util.h"

enum { SYN = MPTCP_TCP_SYN, SYNACK = MPTCP_TCP_SYN | MPTCP_TCP_ACK, ACK = MPTCP_TCP_ACK,
       RST = MPTCP_TCP_RST, RSTACK = MPTCP_TCP_RST | MPTCP_TCP_ACK };

struct fieldcase { const char *hex; uint8_t flags, version; bool payload; const char *field;
                   int rc; const char *want; };

/* Expected strings are tshark 4.0's `-T fields` output for the same bytes. */
static void test_field_values_match_tshark(void)
{
    static const struct fieldcase cases[] = {
        { "1e040101", SYN, 1, 0, "subtype", 0, "0" },
        { "1e040101", SYN, 1, 0, "version", 0, "1" },
        { "1e040181", SYN, 1, 0, "flags", 0, "0x81" },
        { "1e040101", SYN, 1, 0, "sendkey", 1, "" },
        { "1e0c0101a35b21091642970d", SYNACK, 1, 0, "sendkey", 0, "11771038373974808333" },
        { "1e1401018aec9a5ed458a3fba35b21091642970d", ACK, 1, 0, "recvkey", 0,
          "11771038373974808333" },
        { "1e1801818aec9a5ed458a3fba35b21091642970d0064abcd", ACK, 1, 1, "checksum", 0,
          "0xabcd" },
        { "1e1801818aec9a5ed458a3fba35b21091642970d0064abcd", ACK, 1, 1, "datalvllen", 0,
          "100" },
        { "1e0c1102de464bc7c0d61c64", SYN, 1, 0, "flags", 0, "0x11" },
        { "1e0c1000de464bc7c0d61c64", SYN, 1, 0, "recvtok", 0, "3729148871" },
        { "1e0c1000de464bc7c0d61c64", SYN, 1, 0, "sendrand", 0, "3235257444" },
        { "1e0c1000de464bc7c0d61c64", SYN, 1, 0, "addrid", 0, "0" },
        { "1e10100170a107a70586a5f2a99fd227", SYNACK, 1, 0, "sendtrunchmac", 0,
          "8115776417431987698" },
        { "1e10100170a107a70586a5f2a99fd227", SYNACK, 1, 0, "sendrand", 0, "2845823527" },
        { "1e181000be1ce321a0ef5983689706876e097c64666449af", ACK, 1, 0, "sendhmac", 0,
          "be1ce321a0ef5983689706876e097c64666449af" },
        { "1e181000be1ce321a0ef5983689706876e097c64666449af", ACK, 1, 0, "flags", 1, "" },
        { "1e0823e16be73eb7", ACK, 1, 0, "flags", 0, "0xe1" },
        { "1e16200d6be73eb72d604449173faecf000000014000", ACK, 1, 1, "rawdataack", 0,
          "1810316983" },
        { "1e16200d6be73eb72d604449173faecf000000014000", ACK, 1, 1, "rawdataseqno", 0,
          "3269688410184330959" },
        { "1e16200d6be73eb72d604449173faecf000000014000", ACK, 1, 1, "subflowseqno", 0, "1" },
        { "1e16200d6be73eb72d604449173faecf000000014000", ACK, 1, 1, "datalvllen", 0, "16384" },
        { "1e102004000012340000000105a0beef", ACK, 1, 1, "checksum", 1, "" },
        { "1e1030010a0202025e38d85b028d8baf", ACK, 1, 0, "ipv4", 0, "10.2.2.2" },
        { "1e1030010a0202025e38d85b028d8baf", ACK, 1, 0, "addaddrtrunchmac", 0,
          "6789414323657477039" },
        { "1e1030010a0202025e38d85b028d8baf", ACK, 1, 0, "echo", 0, "0" },
        { "1e0a31010a02020204d2", ACK, 1, 0, "port", 0, "1234" },
        { "1e0a31010a02020204d2", ACK, 1, 0, "echo", 0, "1" },
        { "1e1c3001fd00000200020000000000000000000222ad2b714680db77", ACK, 1, 0, "ipv6", 0,
          "fd00:2:2::2" },
        { "1e0834050a020202", ACK, 0, 0, "echo", 1, "" },
        { "1e06400102 03", ACK, 1, 0, "addrid", 0, "1,2,3" },
        { "1e0351", ACK, 1, 0, "flags", 0, "0x51" },
        { "1e045107", ACK, 0, 0, "addrid", 0, "7" },
        { "1e0c60000000000000001234", ACK, 1, 0, "rawdataseqno", 0, "4660" },
        { "1e0c7000d8710c9f9e5c27dc", RSTACK, 1, 0, "recvkey", 0, "15596260864256911324" },
        { "1e048f06", RST, 1, 0, "flags", 0, "0x8f" },
        { "1e048000", RST, 1, 0, "rst_reason", 0, "0x00" },
        { "1e06f0123456", ACK, 1, 0, "subtype", 0, "15" },
        { "1e06f0123456", ACK, 1, 0, "flags", 1, "" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct mptcp_opt o = wire_parse_hex(cases[i].hex, cases[i].flags, cases[i].version,
                                      cases[i].payload);
        char name[64], buf[128];
        snprintf(name, sizeof name, "tcp.options.mptcp.%s", cases[i].field);
        int rc = mptcp_field_format(name, &o, buf, sizeof buf);
        if (rc != cases[i].rc || strcmp(buf, cases[i].want) != 0)
            fprintf(stderr, "\n  %s %s: got %d '%s' want %d '%s'\n", cases[i].hex, name, rc,
                    buf, cases[i].rc, cases[i].want);
        CU_ASSERT_EQUAL(rc, cases[i].rc);
        CU_ASSERT_STRING_EQUAL(buf, cases[i].want);
    }
}

static void test_field_format_rejects_unknown_names_and_small_buffers(void)
{
    struct mptcp_opt o = wire_parse_hex("1e0c0101a35b21091642970d", SYNACK, 1, 0);
    char buf[8];
    size_t n = 0;

    CU_ASSERT_EQUAL(mptcp_field_format("tcp.options.mptcp.nosuch", &o, buf, sizeof buf), -1);
    CU_ASSERT_EQUAL(mptcp_field_format("tcp.options.mptcp.sendkey", &o, buf, sizeof buf), -2);
    for (; mptcp_field_names[n]; n++)
        CU_ASSERT_NOT_EQUAL(mptcp_field_format(mptcp_field_names[n], &o, buf, sizeof buf), -1);
    CU_ASSERT_EQUAL(n, 21);
}

/* One output row per TCP packet, built like tshark builds it: per field, the values of every
 * MPTCP option of the packet that has the field, joined with ",". */
struct rows { char *buf; size_t len, cap; };

static void append(struct rows *r, const char *s)
{
    size_t n = strlen(s);
    if (r->len + n + 1 > r->cap) {
        r->cap = (r->len + n + 1) * 2;
        r->buf = realloc(r->buf, r->cap);
        CU_ASSERT_PTR_NOT_NULL_FATAL(r->buf);
    }
    memcpy(r->buf + r->len, s, n + 1);
    r->len += n;
}

static void format_packet(void *arg, unsigned frame, uint8_t tcp_flags, size_t payload,
                          const uint8_t *opt, size_t optlen)
{
    struct rows *r = arg;
    struct mptcp_opt o[8];
    struct mptcp_ctx ctx = { tcp_flags, MPTCP_VERSION_ANY, payload > 0 };
    int n = 0;

    (void)frame;
    for (size_t i = 0; i < optlen && opt[i] != 0 && n < 8;) {
        if (opt[i] == 1) {
            i++;
            continue;
        }
        if (i + 1 >= optlen || opt[i + 1] < 2)
            break;
        if (opt[i] == MPTCP_OPT_KIND && mptcp_opt_parse(opt + i, optlen - i, &ctx, &o[n]) == 0)
            n++;
        i += opt[i + 1];
    }
    for (size_t f = 0; mptcp_field_names[f]; f++) {
        bool first = true;
        if (f)
            append(r, "\t");
        for (int k = 0; k < n; k++) {
            char v[128];
            if (mptcp_field_format(mptcp_field_names[f], &o[k], v, sizeof v) != 0)
                continue;
            if (!first)
                append(r, ",");
            append(r, v);
            first = false;
        }
    }
    append(r, "\n");
}

/* Runs tshark on path and compares its rows with ours for every TCP packet. */
static void compare_with_tshark(const char *path)
{
    char cmd[4096];
    size_t at;
    char *out = NULL;
    struct rows mine = { NULL, 0, 0 };

    at = (size_t)snprintf(cmd, sizeof cmd,
                          "(tshark -r '%s' -T fields -E occurrence=a -E aggregator=, -Y tcp", path);
    for (size_t f = 0; mptcp_field_names[f]; f++)
        at += (size_t)snprintf(cmd + at, sizeof cmd - at, " -e %s", mptcp_field_names[f]);
    snprintf(cmd + at, sizeof cmd - at, " 2>/dev/null)");   /* tshark warns as root */
    CU_ASSERT_EQUAL_FATAL(harness_run(cmd, &out), 0);
    CU_ASSERT_FATAL(capture_walk(path, format_packet, &mine) > 0);
    CU_ASSERT(strlen(out) > 100);           /* tshark really decoded the file */
    if (strcmp(out, mine.buf) != 0) {
        const char *a = out, *b = mine.buf;
        unsigned line = 1;
        for (; *a && *a == *b; a++, b++)
            line += *a == '\n';
        fprintf(stderr, "\n  %s: first difference at TCP packet %u\n", path, line);
    }
    CU_ASSERT_STRING_EQUAL(out, mine.buf);
    free(out);
    free(mine.buf);
}

static void test_fields_match_live_tshark_on_captures(void)
{
    if (!harness_have_tool("tshark")) {
        harness_skip("tshark not installed: live field comparison skipped");
        return;
    }
    compare_with_tshark(harness_shared("testdata/pcaps/a-mptcp-join-addaddr.pcap"));
    compare_with_tshark(harness_shared("testdata/pcaps/d-synflood.pcap"));
    compare_with_tshark(harness_shared("testdata/pcaps/e-mptcp-prio-rmaddr-fastclose.pcap"));
    compare_with_tshark(harness_shared("testdata/pcaps/g6-mptcp-ipv6-join.pcap"));
}

/* Forms Linux never sent in the captures (v0, ports, MP_FAIL, several ids, 32-bit DSN, ...):
 * written into a synthetic Ethernet/IPv4 capture and compared with live tshark the same way. */
static const struct { uint8_t flags; bool payload; const char *hex; } synthetic[] = {
    { SYN, 0, "1e040181" },
    { ACK | 0x08, 1, "1e1601018aec9a5ed458a3fba35b21091642970d0064" },
    { ACK | 0x08, 1, "1e1801818aec9a5ed458a3fba35b21091642970d0064abcd" },
    { SYN, 0, "1e0c00018aec9a5ed458a3fb" },
    { SYNACK, 0, "1e0c0001a35b21091642970d" },
    { ACK, 0, "1e1400018aec9a5ed458a3fba35b21091642970d" },
    { SYN, 0, "1e0c1102de464bc7c0d61c64" },
    { SYNACK, 0, "1e10110301020304050607080a0b0c0d" },
    { ACK, 1, "1e0e2004000012340000000105a0" },
    { ACK, 1, "1e102004000012340000000105a0beef" },
    { ACK, 1, "1e1c201f29117eb0db13370b29117eb0db13370b0000000105a0beef" },
    { ACK, 0, "1e0823e16be73eb7" },
    { ACK, 0, "1e1230010a02020204d25e38d85b028d8baf" },
    { ACK, 0, "1e0a31010a02020204d2" },
    { ACK, 0, "1e1e3001fd00000200020000000000000000000204d222ad2b714680db77" },
    { ACK, 0, "1e0a34050a02020204d2" },
    { ACK, 0, "1e163605fd00000200020000000000000000000204d2" },
    { ACK, 0, "1e0640010203" },
    { ACK, 0, "1e045107" },
    { ACK, 0, "1e0350" },
    { ACK, 0, "1e0c60000000000000001234" },
    { RST, 0, "1e048f06" },
    { ACK, 0, "1e06f0123456" },
    { ACK, 0, "1e039a" },
    { ACK, 0, "1e0820016be73eb7 1e0351" },                  /* two MPTCP options */
};

static void write_synthetic(const char *path)
{
    pcap_t *dead = pcap_open_dead(DLT_EN10MB, 65535);
    pcap_dumper_t *d = pcap_dump_open(dead, path);

    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    for (size_t i = 0; i < sizeof synthetic / sizeof synthetic[0]; i++) {
        uint8_t f[14 + 20 + 60 + 100] = { [12] = 0x08, [13] = 0x00 };
        uint8_t *ip = f + 14, *tcp = ip + 20;
        size_t olen = wt_hex(synthetic[i].hex, tcp + 20, 40);
        size_t pay = synthetic[i].payload ? 100 : 0;
        while (olen % 4)
            tcp[20 + olen++] = 1;                         /* NOP padding */
        size_t tot = 20 + 20 + olen + pay;
        ip[0] = 0x45;
        ip[2] = (uint8_t)(tot >> 8);
        ip[3] = (uint8_t)tot;
        ip[8] = 64;
        ip[9] = 6;
        memcpy(ip + 12, (const uint8_t[8]){ 10, 0, 0, 1, 10, 0, 0, 2 }, 8);
        memcpy(tcp, (const uint8_t[4]){ 0x04, 0xd2, 0, 80 }, 4);     /* ports 1234 → 80 */
        tcp[12] = (uint8_t)((20 + olen) / 4 << 4);
        tcp[13] = synthetic[i].flags;
        tcp[14] = 0xff;
        struct pcap_pkthdr h = { .ts = { (time_t)i, 0 }, .caplen = (bpf_u_int32)(14 + tot),
                                 .len = (bpf_u_int32)(14 + tot) };
        pcap_dump((u_char *)d, &h, f);
    }
    pcap_dump_close(d);
    pcap_close(dead);
}

static void test_fields_match_live_tshark_on_rare_forms(void)
{
    char path[4096];
    if (!harness_have_tool("tshark")) {
        harness_skip("tshark not installed: live field comparison skipped");
        return;
    }
    snprintf(path, sizeof path, "%s/mptcp-forms.pcap", harness_tmpdir());
    write_synthetic(path);
    compare_with_tshark(path);
}

SUITE(mptcp_fields, NULL, NULL,
      TEST(test_field_values_match_tshark),
      TEST(test_field_format_rejects_unknown_names_and_small_buffers),
      TEST(test_fields_match_live_tshark_on_captures),
      TEST(test_fields_match_live_tshark_on_rare_forms))
