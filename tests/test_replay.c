/* test_replay.c - `mcpsim replay` with no role reproduces every capture exactly.
 *
 * Both files are read back with sim/pcap.h and compared frame by frame: count, timestamp in
 * nanoseconds, captured and wire lengths, bytes. No tolerance: the wire model must encode
 * what it decoded.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/pcap.h"
#include "tests/harness.h"
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
}

SUITE(replay, NULL, NULL,
      TEST(test_replay_is_byte_identical_on_every_capture),
      TEST(test_replay_command_line_errors))
