/* test_decode.c - `mcpsim decode` against tshark 4.0 on every real capture.
 *
 * The comparison is exact, byte for byte, over every field mcpsim supports (IPv4 source
 * route, IPv6 SRH, TCP, every tcp.options.mptcp.* field): tshark is the reference decoder.
 * The test skips, saying so, only when tshark is not installed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/wire/packet.h"
#include "sim/pcap.h"
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

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    if (b) {
        b[fread(b, 1, (size_t)n, f)] = '\0';
    }
    fclose(f);
    return b;
}

/* Reports the first line where the two outputs differ. */
static void assert_same_output(const char *path, const char *mine, const char *ref)
{
    if (strcmp(mine, ref) == 0)
        return;
    const char *a = mine, *b = ref;
    int line = 1;
    while (*a && *a == *b) {
        line += *a == '\n';
        a++, b++;
    }
    fprintf(stderr, "\n%s: mcpsim decode differs from tshark at line %d:\n  mcpsim: %.200s\n"
            "  tshark: %.200s\n", path, line, a, b);
    CU_FAIL("decode output differs from tshark");
}

/* Runs tshark and mcpsim decode on every file at once (a shell script with background jobs:
 * tshark's start-up dominates the suite's time), then compares each pair of outputs. */
static void compare_files_with_tshark(const char *const *paths, size_t n, const char *fields,
                                      int pass_fields)
{
    const char *tmp = harness_tmpdir();
    char script[512], cmd[1024], out[512];
    snprintf(script, sizeof script, "%s/compare.sh", tmp);
    FILE *f = fopen(script, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    for (size_t i = 0; i < n; i++) {
        fprintf(f, "tshark -r '%s' -T fields -E header=y -E separator=/t -E occurrence=a "
                "-E aggregator=,", paths[i]);
        for (const char *p = fields; *p;) {
            size_t len = strcspn(p, ",");
            fprintf(f, " -e %.*s", (int)len, p);
            p += len + (p[len] == ',');
        }
        fprintf(f, " > '%s/%zu.ref' 2>/dev/null &\n", tmp, i);
        fprintf(f, "'%s' decode '%s'", harness_mcpsim(), paths[i]);
        if (pass_fields)
            fprintf(f, " --fields '%s'", fields);
        fprintf(f, " > '%s/%zu.out' 2>&1; echo $? > '%s/%zu.rc' &\n", tmp, i, tmp, i);
    }
    fprintf(f, "wait\n");
    fclose(f);
    snprintf(cmd, sizeof cmd, "sh '%s'", script);
    CU_ASSERT_EQUAL_FATAL(harness_run(cmd, NULL), 0);
    for (size_t i = 0; i < n; i++) {
        snprintf(out, sizeof out, "%s/%zu.rc", tmp, i);
        char *rc = slurp(out);
        snprintf(out, sizeof out, "%s/%zu.out", tmp, i);
        char *mine = slurp(out);
        snprintf(out, sizeof out, "%s/%zu.ref", tmp, i);
        char *ref = slurp(out);
        CU_ASSERT_FATAL(rc && mine && ref);
        CU_ASSERT_STRING_EQUAL(rc, "0\n");
        CU_ASSERT(strlen(ref) > 100); /* tshark did decode the file */
        assert_same_output(paths[i], mine, ref);
        free(rc);
        free(mine);
        free(ref);
    }
}

static void compare_file_with_tshark(const char *path, const char *fields, int pass_fields)
{
    compare_files_with_tshark(&path, 1, fields, pass_fields);
}

static void compare_with_tshark(const char *capture, const char *fields, int pass_fields)
{
    compare_file_with_tshark(wt_capture_path(capture), fields, pass_fields);
}

static void test_every_field_matches_tshark_on_every_capture(void)
{
    if (!harness_have_tool("tshark")) {
        harness_skip("tshark not installed: mcpsim decode not compared with tshark");
        return;
    }
    static char buf[16][512]; /* wt_capture_path's buffer is reused: keep copies */
    const char *paths[16];
    size_t n = 0;
    for (; wt_captures[n] && n < 16; n++) {
        snprintf(buf[n], sizeof buf[n], "%s", wt_capture_path(wt_captures[n]));
        paths[n] = buf[n];
    }
    compare_files_with_tshark(paths, n, all_fields, 1);
}

static void test_default_fields_match_tshark(void)
{
    if (!harness_have_tool("tshark")) {
        harness_skip("tshark not installed: default decode fields not compared with tshark");
        return;
    }
    compare_with_tshark("h-srv6-srh.pcap", default_fields, 0);
}

/* Writes the packet behind an Ethernet header as the next frame of w. */
static void write_pkt(struct pcapio_writer *w, const struct wire_pkt *p, int64_t *ts)
{
    static uint8_t frame[2048];
    static const uint8_t eth[12] = { 2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2 };
    size_t len;
    memcpy(frame, eth, 12);
    frame[12] = p->family == 4 ? 0x08 : 0x86;
    frame[13] = p->family == 4 ? 0x00 : 0xdd;
    CU_ASSERT_EQUAL_FATAL(wire_pkt_encode(p, frame + 14, sizeof frame - 14, &len), 0);
    pcapio_write(w, *ts, frame, (uint32_t)(len + 14), (uint32_t)(len + 14));
    *ts += 1000;
}

/* Sets raw IPv4 option bytes (route pointer states the captures do not have). */
static void set_ip_opts(struct wire_pkt *p, const char *hex)
{
    struct ipv4_hdr *h = &p->ip.v4;
    size_t old = ipv4_hdr_len(h);
    h->optlen = (uint8_t)wt_hex(hex, h->opt, sizeof h->opt);
    ipv4_opts_parse(h);
    h->tot_len = (uint16_t)(h->tot_len - old + ipv4_hdr_len(h));
    ipv4_set_csum(h);
}

static void set_tcp_opts(struct wire_pkt *p, const char *hex)
{
    size_t old = tcp_hdr_len(&p->tcp);
    p->tcp.optlen = (uint8_t)wt_hex(hex, p->tcp.opt, sizeof p->tcp.opt);
    tcp_opts_parse(&p->tcp);
    p->ip.v4.tot_len = (uint16_t)(p->ip.v4.tot_len - old + tcp_hdr_len(&p->tcp));
    ipv4_set_csum(&p->ip.v4);
}

/* Packets built with the wire helpers (multi-hop LSRR at each hop, SSRR, record route,
 * timestamp option, bad pointers, SRH of three segments after a hop-by-hop header, TCP option
 * forms and EOL padding) must decode as tshark decodes them. */
static void test_crafted_routes_and_options_match_tshark(void)
{
    if (!harness_have_tool("tshark")) {
        harness_skip("tshark not installed: crafted packets not compared with tshark");
        return;
    }
    char err[512], path[512];
    snprintf(path, sizeof path, "%s/crafted.pcap", harness_tmpdir());
    struct pcapio_writer *w;
    CU_ASSERT_EQUAL_FATAL(pcapio_open_write(path, 1, 65535, &w, err, sizeof err), 0);
    int64_t ts = INT64_C(1700000000000000000);
    size_t n4, n6;
    uint8_t *raw4 = wt_frame_ip("a-mptcp-join-addaddr.pcap", 1, &n4);
    uint8_t *raw6 = wt_frame_ip("g6-mptcp-ipv6-join.pcap", 4, &n6);
    struct wire_pkt *p = malloc(sizeof *p);
    uint32_t hops[2] = { 0x01010101, 0x02020202 };
    CU_ASSERT_EQUAL(wire_pkt_decode(raw4, n4, p), 0);
    CU_ASSERT_EQUAL(ipv4_route_insert(&p->ip.v4, IPOPT_LSRR, hops, 2), 0);
    write_pkt(w, p, &ts);
    CU_ASSERT_EQUAL(ipv4_route_process(&p->ip.v4, hops[0], 0x09090901), 0);
    write_pkt(w, p, &ts);
    CU_ASSERT_EQUAL(ipv4_route_process(&p->ip.v4, hops[1], 0x09090902), 0);
    write_pkt(w, p, &ts);
    CU_ASSERT_EQUAL(ipv4_route_remove(&p->ip.v4), 0);
    CU_ASSERT_EQUAL(ipv4_route_insert(&p->ip.v4, IPOPT_SSRR, hops, 1), 0);
    write_pkt(w, p, &ts);
    static const char *const ip_opts[] = {
        "07 0f 08 07070707 00000000 00000000 01", /* record route, one slot used */
        "44 0c 05 00 00000000 00000000",          /* timestamp */
        "01 83 07 03 09090909",                   /* LSRR pointer before the address */
        "01 83 07 05 09090909",                   /* LSRR pointer inside the address */
        "07 07 04 00000000 01 00",                /* RR, then NOP and EOL */
        "94 04 00 00 9e 04 01 02",                /* router alert, then an unknown type */
        "01 83 09 04 01010101 0102",              /* LSRR length 9: not 3 + 4n */
        "01 83 06 04 0101",                       /* LSRR too short for one address */
    };
    for (size_t i = 0; i < sizeof ip_opts / sizeof ip_opts[0]; i++) {
        CU_ASSERT_EQUAL(wire_pkt_decode(raw4, n4, p), 0);
        set_ip_opts(p, ip_opts[i]);
        write_pkt(w, p, &ts);
    }
    static const char sack_tfo_unknown[] = "01 01 05 12 00000064 000000c8 0000012c 00000190"
                                           " 22 0a 0000000000000000 fd 04 aa bb 02 04 01 00";
    static const char *const tcp_opts[] = {
        sack_tfo_unknown,
        "13 12 00000000000000000000000000000000 1d 10 000000000000000000000000",
        "02 04 05 b4 00 01 02 03", "00 00 00 00", "02 04 05 b4 00 00 00 00 03 03 0a 00",
    };
    for (size_t i = 0; i < sizeof tcp_opts / sizeof tcp_opts[0]; i++) {
        CU_ASSERT_EQUAL(wire_pkt_decode(raw4, n4, p), 0);
        set_tcp_opts(p, tcp_opts[i]);
        write_pkt(w, p, &ts);
    }
    uint8_t seg[2][16] = { { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x0a },
                           { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x0b } };
    static const uint8_t hbh[8] = { 0, 0, 1, 4, 0, 0, 0, 0 };
    CU_ASSERT_EQUAL(wire_pkt_decode(raw6, n6, p), 0);
    CU_ASSERT_EQUAL(ipv6_ext_insert(&p->ip.v6, 0, IPV6_EXT_HOPOPTS, hbh, 8), 0);
    CU_ASSERT_EQUAL(ipv6_srh_insert(&p->ip.v6, (const uint8_t(*)[16])seg, 2), 0);
    struct ipv6_srh srh;
    CU_ASSERT_EQUAL_FATAL(ipv6_srh_get(&p->ip.v6, &srh), 0);
    uint8_t *sb = p->ip.v6.ext + p->ip.v6.exts[srh.ext_index].off;
    sb[5] = 0x80, sb[6] = 0xab, sb[7] = 0xcd; /* flags and tag: pins their hex formats */
    write_pkt(w, p, &ts);
    CU_ASSERT_EQUAL(ipv6_srh_process(&p->ip.v6, seg[0]), 0);
    write_pkt(w, p, &ts);
    CU_ASSERT_EQUAL(pcapio_close_write(w, err, sizeof err), 0);
    compare_file_with_tshark(path, all_fields, 1);
    free(p);
    free(raw4);
    free(raw6);
}

/* The captures' README suggests `editcap -C 14 -T rawip4` for frames without Ethernet: the
 * raw-IP link types (LINKTYPE_IPV4 and DLT_RAW; LINKTYPE_IPV6 is covered by test_pcap.c) decode as tshark decodes them. */
static void test_raw_ip_link_types_from_editcap_match_tshark(void)
{
    if (!harness_have_tool("tshark") || !harness_have_tool("editcap")) {
        harness_skip("tshark/editcap not installed: raw-IP captures not compared with tshark");
        return;
    }
    static const struct { const char *capture, *encap; } cases[] = {
        { "i-ipv4-lsrr.pcap", "rawip4" },
        { "h-srv6-srh.pcap", "rawip" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char out[512], cmd[2048];
        snprintf(out, sizeof out, "%s/%s-%s", harness_tmpdir(), cases[i].encap, cases[i].capture);
        snprintf(cmd, sizeof cmd, "editcap -C 14 -T %s '%s' '%s'", cases[i].encap,
                 wt_capture_path(cases[i].capture), out);
        CU_ASSERT_EQUAL_FATAL(harness_run(cmd, NULL), 0);
        compare_file_with_tshark(out, all_fields, 1);
    }
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
      TEST(test_crafted_routes_and_options_match_tshark),
      TEST(test_raw_ip_link_types_from_editcap_match_tshark),
      TEST(test_unknown_field_lists_the_supported_ones),
      TEST(test_damaged_file_gives_one_line_naming_file_and_frame))
