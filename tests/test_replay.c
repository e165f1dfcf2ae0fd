/* test_replay.c - `mcpsim replay` with no role reproduces every capture exactly.
 *
 * Both files are read back with sim/pcap.h and compared frame by frame: count, timestamp in
 * nanoseconds, captured and wire lengths, bytes. No tolerance: the wire model must encode
 * what it decoded.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/wire/ipv4.h"
#include "models/wire/packet.h"
#include "sim/pcap.h"
#include "tests/harness.h"
#include "tests/mcp_fixture.h"
#include "tests/wire_testutil.h"

static void assert_same_frames(const char *a_path, const char *b_path)
{
    char err[512];
    struct pcapio_reader *a, *b;
    struct pcapio_frame fa, fb;
    CU_ASSERT_EQUAL_FATAL(pcapio_open_read(a_path, &a, err, sizeof err), 0);
    CU_ASSERT_EQUAL_FATAL(pcapio_open_read(b_path, &b, err, sizeof err), 0);
    CU_ASSERT_EQUAL(pcapio_linktype(a), pcapio_linktype(b));
    size_t frames = 0, diff = 0;
    int ra, rb;
    while ((ra = pcapio_read(a, &fa, err, sizeof err)) == 1 &&
           (rb = pcapio_read(b, &fb, err, sizeof err)) == 1) {
        frames++;
        if (fa.ts_ns != fb.ts_ns || fa.caplen != fb.caplen || fa.wirelen != fb.wirelen ||
            memcmp(fa.data, fb.data, fa.caplen) != 0) {
            if (!diff)
                fprintf(stderr, "\n%s: frame %zu differs after replay\n", a_path, frames);
            diff++;
        }
    }
    CU_ASSERT_EQUAL(ra, 0); /* input exhausted ... */
    CU_ASSERT_EQUAL(pcapio_read(b, &fb, err, sizeof err), 0); /* ... and output too */
    CU_ASSERT_EQUAL(diff, 0);
    CU_ASSERT(frames > 300);
    pcapio_close_read(a);
    pcapio_close_read(b);
}

static void test_replay_is_byte_identical_on_every_capture(void)
{
    for (size_t i = 0; wt_captures[i]; i++) {
        char out[512], cmd[2048], *log = NULL;
        snprintf(out, sizeof out, "%s/replay-%s", harness_tmpdir(), wt_captures[i]);
        snprintf(cmd, sizeof cmd, "%s replay '%s' -o '%s' 2>&1", harness_mcpsim(),
                 wt_capture_path(wt_captures[i]), out);
        CU_ASSERT_EQUAL(harness_run(cmd, &log), 0);
        CU_ASSERT_PTR_NOT_NULL(strstr(log, "0 not IP"));
        CU_ASSERT_PTR_NOT_NULL(strstr(log, "0 malformed MPTCP options"));
        free(log);
        assert_same_frames(wt_capture_path(wt_captures[i]), out);
        /* OUT is written with nanosecond timestamps: magic a1b23c4d (little-endian). */
        FILE *f = fopen(out, "rb");
        unsigned char magic[4] = { 0 };
        CU_ASSERT_EQUAL(fread(magic, 1, 4, f), 4);
        fclose(f);
        CU_ASSERT(magic[0] == 0x4d && magic[1] == 0x3c && magic[2] == 0xb2 && magic[3] == 0xa1);
    }
}

static void test_replay_command_line_errors(void)
{
    char cmd[2048], *out = NULL;
    const char *in = wt_capture_path("b-fallback-tcp-server.pcap");
    snprintf(cmd, sizeof cmd, "%s replay '%s' 2>&1", harness_mcpsim(), in);
    CU_ASSERT_EQUAL(harness_run(cmd, &out), 2); /* no -o */
    free(out);
    snprintf(cmd, sizeof cmd, "%s replay '%s' -o '%s/x.pcap' --role nonesuch 2>&1",
             harness_mcpsim(), in, harness_tmpdir());
    CU_ASSERT_EQUAL(harness_run(cmd, &out), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "nonesuch"));
    free(out);
    snprintf(cmd, sizeof cmd, "%s replay '%s/absent.pcap' -o '%s/x.pcap' 2>&1", harness_mcpsim(),
             harness_tmpdir(), harness_tmpdir());
    CU_ASSERT_EQUAL(harness_run(cmd, &out), 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "absent.pcap"));
    free(out);
    /* A damaged input stops the replay, names the frame and leaves no half-written output. */
    char cut[512], dst[512];
    snprintf(cut, sizeof cut, "%s/cut-b.pcap", harness_tmpdir());
    snprintf(dst, sizeof dst, "%s/cut-b-out.pcap", harness_tmpdir());
    snprintf(cmd, sizeof cmd, "head -c 2000 '%s' > '%s'", in, cut);
    CU_ASSERT_EQUAL_FATAL(harness_run(cmd, NULL), 0);
    snprintf(cmd, sizeof cmd, "%s replay '%s' -o '%s' 2>&1", harness_mcpsim(), cut, dst);
    CU_ASSERT_EQUAL(harness_run(cmd, &out), 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "cut-b.pcap: frame "));
    free(out);
    FILE *f = fopen(dst, "rb");
    CU_ASSERT_PTR_NULL(f);
    if (f)
        fclose(f);
}

static void le32(FILE *f, uint32_t v)
{
    unsigned char b[4] = { (unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
                           (unsigned char)(v >> 24) };
    fwrite(b, 1, 4, f);
}

/* A classic microsecond pcap of raw IPv4 frames (LINKTYPE_RAW, 101), written byte by byte so
 * that a record can hold what libpcap's writer never would (a sub-second field >= 10^6). */
static void write_usec_pcap(const char *path, size_t n, const uint32_t *usec,
                            const uint8_t *const *frames, const uint32_t *caplen,
                            const uint32_t *wirelen)
{
    FILE *f = fopen(path, "wb");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    le32(f, 0xa1b2c3d4);
    le32(f, 2 | 4u << 16); /* version 2.4 */
    le32(f, 0);
    le32(f, 0);
    le32(f, 65535);
    le32(f, 101);
    for (size_t i = 0; i < n; i++) {
        le32(f, 1700000000 + (uint32_t)i);
        le32(f, usec[i]);
        le32(f, caplen[i]);
        le32(f, wirelen[i]);
        fwrite(frames[i], 1, caplen[i], f);
    }
    fclose(f);
}

/* A record whose microseconds field is 10^6 or more is damaged: replay (no role) must keep
 * the timestamp bytes it was given or refuse the file; folding the excess into the seconds
 * changed the timestamp. Refused with the frame named, exit 1 (docs/exit-status.md: a damaged
 * input file), and decode refuses it the same way; a record just below is accepted. */
static void test_replay_refuses_a_timestamp_fraction_of_a_second_or_more(void)
{
    uint8_t syn[128];
    size_t n = mcpt_syn4(syn, 0x0a000001, 40000, 0x0a000002, 80, 0x002, 1, 0, NULL, 0, 1);
    const uint8_t *frames[2] = { syn, syn };
    uint32_t usec[2] = { 999999, 1500000 }, cap[2] = { (uint32_t)n, (uint32_t)n };
    char in[512], out[512], cmd[2048], *log = NULL;
    snprintf(in, sizeof in, "%s/usec-range.pcap", harness_tmpdir());
    snprintf(out, sizeof out, "%s/usec-range-out.pcap", harness_tmpdir());
    write_usec_pcap(in, 2, usec, frames, cap, cap);
    snprintf(cmd, sizeof cmd, "%s replay '%s' -o '%s'", harness_mcpsim(), in, out);
    CU_ASSERT_EQUAL(harness_run(cmd, &log), 1);
    CU_ASSERT(log && strstr(log, "usec-range.pcap: frame 2: damaged record") != NULL);
    free(log);
    snprintf(cmd, sizeof cmd, "%s decode '%s'", harness_mcpsim(), in);
    CU_ASSERT_EQUAL(harness_run(cmd, &log), 1);
    CU_ASSERT(log && strstr(log, "frame 2: damaged record") != NULL);
    free(log);
    write_usec_pcap(in, 1, usec, frames, cap, cap);
    snprintf(cmd, sizeof cmd, "%s replay '%s' -o '%s'", harness_mcpsim(), in, out);
    CU_ASSERT_EQUAL(harness_run(cmd, &log), 0);
    free(log);
    struct pcapio_reader *r;
    struct pcapio_frame fr;
    char err[256];
    CU_ASSERT_EQUAL_FATAL(pcapio_open_read(out, &r, err, sizeof err), 0);
    CU_ASSERT_EQUAL(pcapio_read(r, &fr, err, sizeof err), 1);
    CU_ASSERT_EQUAL(fr.ts_ns, 1700000000LL * 1000000000 + 999999000LL);
    pcapio_close_read(r);
}

/* An MP_CAPABLE SYN announcing the largest IPv4 total length (65535; captured short, the rest
 * virtual) cannot take an 8-byte LSRR: the uMCP passes it unsteered and counts it
 * (anomaly.too-big), and replay exits 0 with the frame unchanged; before, it exited 1 on
 * "cannot encode". */
static void test_umcp_passes_a_65535_byte_syn_unsteered_and_counts_it(void)
{
    static const uint8_t mpc[4] = { 30, 4, 0x01, 0x01 };
    uint8_t syn[128];
    size_t n = mcpt_syn4(syn, 0x0a000001, 40000, 0x0a000002, 80, 0x002, 1, 0, mpc, 4, 1);
    static struct wire_pkt w;
    wire_pkt_decode(syn, n, &w);
    w.ip.v4.tot_len = 65535;
    ipv4_set_csum(&w.ip.v4);
    size_t len;
    CU_ASSERT_EQUAL_FATAL(wire_pkt_encode(&w, syn, sizeof syn, &len), 0);
    const uint8_t *frames[1] = { syn };
    uint32_t usec[1] = { 0 }, cap[1] = { (uint32_t)len }, wire[1] = { 65535 };
    char in[512], out[512], cmd[2048], *log = NULL;
    snprintf(in, sizeof in, "%s/syn-65535.pcap", harness_tmpdir());
    snprintf(out, sizeof out, "%s/syn-65535-out.pcap", harness_tmpdir());
    write_usec_pcap(in, 1, usec, frames, cap, wire);
    snprintf(cmd, sizeof cmd, "%s replay '%s' -o '%s' --role umcp --set mcp.steer=srcroute",
             harness_mcpsim(), in, out);
    CU_ASSERT_EQUAL(harness_run(cmd, &log), 0);
    CU_ASSERT(log && strstr(log, "anomaly.too-big") != NULL);
    CU_ASSERT(log && strstr(log, "decision.rewrite") == NULL);
    free(log);
    struct pcapio_reader *r;
    struct pcapio_frame fr;
    char err[256];
    CU_ASSERT_EQUAL_FATAL(pcapio_open_read(out, &r, err, sizeof err), 0);
    CU_ASSERT_EQUAL(pcapio_read(r, &fr, err, sizeof err), 1);
    CU_ASSERT(fr.caplen == len && fr.wirelen == 65535 && memcmp(fr.data, syn, len) == 0);
    pcapio_close_read(r);
}

SUITE(replay, NULL, NULL,
      TEST(test_replay_is_byte_identical_on_every_capture),
      TEST(test_replay_command_line_errors),
      TEST(test_replay_refuses_a_timestamp_fraction_of_a_second_or_more),
      TEST(test_umcp_passes_a_65535_byte_syn_unsteered_and_counts_it))
