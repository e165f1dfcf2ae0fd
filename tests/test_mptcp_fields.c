/* test_mptcp_fields.c - `tcp.options.mptcp.*` values formatted exactly as tshark 4.0 prints
 * them with `-T fields`, for `mcpsim decode`.
 *
 * Two checks: hard-coded strings that tshark 4.0 printed for the same option bytes (so the
 * suite needs no tshark), and, where tshark is installed, a live comparison over every packet of
 * captures a, d, e and g6 for all 21 fields with `-E occurrence=a -E aggregator=,`. Exact string
 * comparison: the decode command must be byte-identical to tshark.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/wire/mptcp.h"
#include "tests/harness.h"
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
    struct mptcp_ctx ctx = { tcp_flags, 1, payload > 0 };
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

static void compare_with_tshark(const char *rel)
{
    char cmd[4096];
    size_t at;
    char *out = NULL;
    struct rows mine = { NULL, 0, 0 };

    at = (size_t)snprintf(cmd, sizeof cmd,
                          "(tshark -r '%s' -T fields -E occurrence=a -E aggregator=, "
                          "-Y tcp", harness_shared(rel));
    for (size_t f = 0; mptcp_field_names[f]; f++)
        at += (size_t)snprintf(cmd + at, sizeof cmd - at, " -e %s", mptcp_field_names[f]);
    snprintf(cmd + at, sizeof cmd - at, " 2>/dev/null)");   /* tshark warns as root */
    CU_ASSERT_EQUAL_FATAL(harness_run(cmd, &out), 0);
    CU_ASSERT_FATAL(capture_walk(rel, format_packet, &mine) > 0);
    CU_ASSERT(strlen(out) > 1000);          /* tshark really decoded the file */
    if (strcmp(out, mine.buf) != 0) {
        const char *a = out, *b = mine.buf;
        unsigned line = 1;
        for (; *a && *a == *b; a++, b++)
            line += *a == '\n';
        fprintf(stderr, "\n  %s: first difference at TCP packet %u\n", rel, line);
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
    compare_with_tshark("testdata/pcaps/a-mptcp-join-addaddr.pcap");
    compare_with_tshark("testdata/pcaps/d-synflood.pcap");
    compare_with_tshark("testdata/pcaps/e-mptcp-prio-rmaddr-fastclose.pcap");
    compare_with_tshark("testdata/pcaps/g6-mptcp-ipv6-join.pcap");
}

SUITE(mptcp_fields, NULL, NULL,
      TEST(test_field_values_match_tshark),
      TEST(test_field_format_rejects_unknown_names_and_small_buffers),
      TEST(test_fields_match_live_tshark_on_captures))
