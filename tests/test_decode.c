/* test_decode.c - `mcpsim decode` against tshark 4.0 on every real capture.
 *
 * The comparison is exact, byte for byte, over every field mcpsim supports (IPv4 source
 * route, IPv6 SRH, TCP, every tcp.options.mptcp.* field): tshark is the reference decoder.
 * The test skips, saying so, only when tshark is not installed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/harness.h"
#include "tests/wire_testutil.h"

static const char all_fields[] =
    "frame.number,frame.len,frame.cap_len,ip.src,ip.dst,ip.len,ip.hdr_len,ip.id,ip.ttl,ip.proto,"
    "ip.checksum,ip.opt.type,ip.opt.len,ip.opt.ptr,ip.src_rt,ip.rec_rt,ip.cur_rt,ip.empty_rt,"
    "ipv6.src,ipv6.dst,ipv6.plen,ipv6.nxt,ipv6.hlim,ipv6.routing.nxt,ipv6.routing.len,"
    "ipv6.routing.type,ipv6.routing.segleft,ipv6.routing.srh.last_entry,ipv6.routing.srh.flags,"
    "ipv6.routing.srh.tag,ipv6.routing.srh.addr,tcp.srcport,tcp.dstport,tcp.flags,tcp.seq_raw,"
    "tcp.ack_raw,tcp.len,tcp.hdr_len,tcp.window_size_value,tcp.checksum,tcp.urgent_pointer,"
    "tcp.option_kind,tcp.options.mss_val,tcp.options.wscale.shift,"
    "tcp.options.timestamp.tsval,tcp.options.timestamp.tsecr,"
    "tcp.options.mptcp.subtype,tcp.options.mptcp.version,tcp.options.mptcp.flags,"
    "tcp.options.mptcp.sendkey,tcp.options.mptcp.recvkey,tcp.options.mptcp.recvtok,"
    "tcp.options.mptcp.sendrand,tcp.options.mptcp.sendtrunchmac,tcp.options.mptcp.sendhmac,"
    "tcp.options.mptcp.addrid,tcp.options.mptcp.rawdataack,tcp.options.mptcp.rawdataseqno,"
    "tcp.options.mptcp.subflowseqno,tcp.options.mptcp.datalvllen,tcp.options.mptcp.checksum,"
    "tcp.options.mptcp.ipv4,tcp.options.mptcp.ipv6,tcp.options.mptcp.port,"
    "tcp.options.mptcp.addaddrtrunchmac,tcp.options.mptcp.echo,tcp.options.mptcp.rst_reason";

static const char default_fields[] =
    "frame.number,ip.src,ip.dst,ipv6.src,ipv6.dst,tcp.srcport,tcp.dstport,tcp.flags,"
    "tcp.seq_raw,tcp.ack_raw,tcp.len,tcp.options.mss_val,tcp.options.wscale.shift";

/* Runs both decoders on one capture and compares; reports the first differing line. */
static void compare_with_tshark(const char *capture, const char *fields, int pass_fields)
{
    const char *path = wt_capture_path(capture);
    size_t cap = 64 * 1024;
    char *cmd = malloc(cap), *mine = NULL, *ref = NULL;
    /* harness_run appends 2>&1: the subshell keeps tshark's root warning out of the output */
    int n = snprintf(cmd, cap, "(tshark -r '%s' -T fields -E header=y -E separator=/t "
                     "-E occurrence=a -E aggregator=, ", path);
    const char *p = fields;
    while (*p) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        n += snprintf(cmd + n, cap - (size_t)n, " -e %.*s", (int)len, p);
        p += len + (comma ? 1 : 0);
    }
    snprintf(cmd + n, cap - (size_t)n, " 2>/dev/null)");
    CU_ASSERT_EQUAL_FATAL(harness_run(cmd, &ref), 0);
    if (pass_fields)
        snprintf(cmd, cap, "%s decode '%s' --fields '%s'", harness_mcpsim(), path, fields);
    else
        snprintf(cmd, cap, "%s decode '%s'", harness_mcpsim(), path);
    CU_ASSERT_EQUAL(harness_run(cmd, &mine), 0);
    if (strcmp(mine, ref) != 0) {
        const char *a = mine, *b = ref;
        int line = 1;
        while (*a && *a == *b) {
            line += *a == '\n';
            a++, b++;
        }
        fprintf(stderr, "\n%s: mcpsim decode differs from tshark at line %d:\n  mcpsim: %.200s\n"
                "  tshark: %.200s\n", capture, line, a, b);
        CU_FAIL("decode output differs from tshark");
    }
    free(cmd);
    free(mine);
    free(ref);
}

static void test_every_field_matches_tshark_on_every_capture(void)
{
    if (!harness_have_tool("tshark")) {
        harness_skip("tshark not installed: mcpsim decode not compared with tshark");
        return;
    }
    for (size_t i = 0; wt_captures[i]; i++)
        compare_with_tshark(wt_captures[i], all_fields, 1);
}

static void test_default_fields_match_tshark(void)
{
    if (!harness_have_tool("tshark")) {
        harness_skip("tshark not installed: default decode fields not compared with tshark");
        return;
    }
    compare_with_tshark("i-ipv4-lsrr.pcap", default_fields, 0);
    compare_with_tshark("h-srv6-srh.pcap", default_fields, 0);
}

static void test_unknown_field_lists_the_supported_ones(void)
{
    char cmd[1024], *out = NULL;
    snprintf(cmd, sizeof cmd, "%s decode '%s' --fields frame.number,tcp.bogus 2>&1",
             harness_mcpsim(), wt_capture_path("a-mptcp-join-addaddr.pcap"));
    CU_ASSERT_EQUAL(harness_run(cmd, &out), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "unknown field \"tcp.bogus\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "ip.cur_rt"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "tcp.options.mptcp.sendkey"));
    CU_ASSERT_PTR_NULL(strstr(out, "frame.number\t")); /* nothing printed before the check */
    free(out);
}

static void test_damaged_file_gives_one_line_naming_file_and_frame(void)
{
    const char *src = wt_capture_path("i-ipv4-lsrr.pcap");
    char dst[512], cmd[2048], *out = NULL;
    snprintf(dst, sizeof dst, "%s/cut-i.pcap", harness_tmpdir());
    /* 24-byte file header + 3 whole records of 90 bytes (16 + 74) + part of the 4th */
    snprintf(cmd, sizeof cmd, "head -c %d '%s' > '%s'", 24 + 3 * (16 + 74) + 30, src, dst);
    CU_ASSERT_EQUAL_FATAL(harness_run(cmd, NULL), 0);
    snprintf(cmd, sizeof cmd, "(%s decode '%s' 2>&1 >/dev/null)", harness_mcpsim(), dst);
    CU_ASSERT_EQUAL(harness_run(cmd, &out), 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, dst));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "frame 4"));
    CU_ASSERT_PTR_NOT_NULL_FATAL(strchr(out, '\n'));
    CU_ASSERT_EQUAL(strchr(out, '\n')[1], '\0'); /* exactly one line */
    free(out);
    snprintf(cmd, sizeof cmd, "%s decode '%s/none.pcap' 2>&1", harness_mcpsim(), harness_tmpdir());
    CU_ASSERT_EQUAL(harness_run(cmd, &out), 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "none.pcap"));
    free(out);
}

SUITE(decode, NULL, NULL,
      TEST(test_every_field_matches_tshark_on_every_capture),
      TEST(test_default_fields_match_tshark),
      TEST(test_unknown_field_lists_the_supported_ones),
      TEST(test_damaged_file_gives_one_line_naming_file_and_frame))
