/* test_pcap.c - capture files (sim/pcap.h): every supported link type, timestamp precision,
 * snaplen-cut frames, damaged files, and files we write passing the independent checker.
 * Link-layer frames are built here around real IP datagrams from the captures, written with
 * the writer and read back; positions and bytes are compared exactly.
 */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/wire/packet.h"
#include "sim/pcap.h"
#include "tests/harness.h"
#include "tests/wire_testutil.h"

#ifndef DLT_LINUX_SLL2
#define DLT_LINUX_SLL2 276
#endif

static const char *tmp_path(const char *name)
{
    static char buf[4][512];
    static int slot;
    char *b = buf[slot++ & 3];
    snprintf(b, 512, "%s/%s", harness_tmpdir(), name);
    return b;
}

struct lt_case {
    const char *name;
    int linktype;
    const char *link_hex; /* link header bytes before the IP datagram */
    int v6;
};

static void test_every_link_type_finds_the_ip_datagram(void)
{
    static const struct lt_case cases[] = {
        { "ethernet", DLT_EN10MB, "020000000001 020000000002 0800", 0 },
        { "ethernet-vlan", DLT_EN10MB, "020000000001 020000000002 8100 0064 86dd", 1 },
        { "ethernet-qinq", DLT_EN10MB, "020000000001 020000000002 88a8 0010 8100 0064 0800", 0 },
        { "raw-v4", DLT_RAW, "", 0 },
        { "raw-v6", DLT_RAW, "", 1 },
        { "linktype-ipv4", 228, "", 0 },
        { "linktype-ipv6", 229, "", 1 },
        { "sll", DLT_LINUX_SLL, "0000 0001 0006 020000000001 0000 0800", 0 },
        { "sll2", DLT_LINUX_SLL2, "86dd 0000 00000002 0001 00 06 020000000001 0000", 1 },
    };
    size_t n4, n6;
    uint8_t *ip4 = wt_frame_ip("a-mptcp-join-addaddr.pcap", 1, &n4);
    uint8_t *ip6 = wt_frame_ip("g6-mptcp-ipv6-join.pcap", 4, &n6);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ip4);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ip6);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct lt_case *c = &cases[i];
        uint8_t frame[256];
        size_t hl = wt_hex(c->link_hex, frame, sizeof frame);
        const uint8_t *ip = c->v6 ? ip6 : ip4;
        size_t n = c->v6 ? n6 : n4;
        memcpy(frame + hl, ip, n);
        char err[512];
        struct pcapio_writer *w;
        const char *path = tmp_path(c->name);
        CU_ASSERT_EQUAL_FATAL(pcapio_open_write(path, c->linktype, 262144, &w, err, sizeof err), 0);
        int64_t ts = INT64_C(1700000000123456789);
        pcapio_write(w, ts, frame, (uint32_t)(hl + n), (uint32_t)(hl + n));
        CU_ASSERT_EQUAL(pcapio_close_write(w, err, sizeof err), 0);
        struct pcapio_reader *r;
        struct pcapio_frame f;
        CU_ASSERT_EQUAL_FATAL(pcapio_open_read(path, &r, err, sizeof err), 0);
        CU_ASSERT_EQUAL(pcapio_read(r, &f, err, sizeof err), 1);
        CU_ASSERT_EQUAL(f.number, 1);
        CU_ASSERT_EQUAL(f.l3_family, c->v6 ? 6 : 4);
        CU_ASSERT_EQUAL(f.l3_off, hl);
        CU_ASSERT_EQUAL(f.ts_ns, ts); /* nanoseconds survive the round trip */
        CU_ASSERT_EQUAL(f.caplen, hl + n);
        CU_ASSERT(memcmp(f.data + f.l3_off, ip, n) == 0);
        CU_ASSERT_EQUAL(pcapio_read(r, &f, err, sizeof err), 0);
        pcapio_close_read(r);
    }
    /* A frame that is not IP (ARP) has no datagram; an unknown link type is refused. */
    uint8_t arp[42] = { 0 };
    arp[12] = 0x08, arp[13] = 0x06;
    uint32_t off;
    CU_ASSERT_EQUAL(pcapio_find_l3(DLT_EN10MB, arp, sizeof arp, &off), 0);
    CU_ASSERT_EQUAL(pcapio_find_l3(DLT_EN10MB, arp, 13, &off), 0);
    char err[512];
    struct pcapio_writer *w;
    struct pcapio_reader *r;
    const char *path = tmp_path("ppp");
    CU_ASSERT_EQUAL_FATAL(pcapio_open_write(path, DLT_PPP, 65535, &w, err, sizeof err), 0);
    pcapio_close_write(w, err, sizeof err);
    CU_ASSERT_EQUAL(pcapio_open_read(path, &r, err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "link type"));
    free(ip4);
    free(ip6);
}

static void test_microsecond_file_reads_as_nanoseconds(void)
{
    const char *path = wt_capture_path("a-mptcp-join-addaddr.pcap");
    FILE *fp = fopen(path, "rb");
    CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
    uint8_t hdr[40];
    CU_ASSERT_EQUAL(fread(hdr, 1, 40, fp), 40);
    fclose(fp);
    /* classic pcap, little-endian µs magic a1b2c3d4: record header at byte 24 */
    CU_ASSERT(hdr[0] == 0xd4 && hdr[3] == 0xa1);
    uint32_t sec = (uint32_t)hdr[24] | (uint32_t)hdr[25] << 8 | (uint32_t)hdr[26] << 16 |
                   (uint32_t)hdr[27] << 24;
    uint32_t usec = (uint32_t)hdr[28] | (uint32_t)hdr[29] << 8 | (uint32_t)hdr[30] << 16 |
                    (uint32_t)hdr[31] << 24;
    char err[512];
    struct pcapio_reader *r;
    struct pcapio_frame f;
    CU_ASSERT_EQUAL_FATAL(pcapio_open_read(path, &r, err, sizeof err), 0);
    CU_ASSERT_EQUAL(pcapio_read(r, &f, err, sizeof err), 1);
    CU_ASSERT_EQUAL(f.ts_ns, (int64_t)sec * 1000000000 + (int64_t)usec * 1000);
    CU_ASSERT_EQUAL(pcapio_linktype(r), DLT_EN10MB);
    pcapio_close_read(r);
}

static void test_snaplen_cut_frame_decodes_headers_with_virtual_payload(void)
{
    char err[512];
    struct pcapio_reader *r;
    struct pcapio_frame f;
    struct wire_pkt *p = malloc(sizeof *p);
    size_t cut = 0;
    CU_ASSERT_EQUAL_FATAL(pcapio_open_read(wt_capture_path("e-mptcp-prio-rmaddr-fastclose.pcap"),
                                           &r, err, sizeof err), 0);
    while (pcapio_read(r, &f, err, sizeof err) == 1) {
        if (f.caplen == f.wirelen)
            continue;
        cut++;
        CU_ASSERT_EQUAL(f.caplen, 128);
        CU_ASSERT_EQUAL(wire_pkt_decode(f.data + f.l3_off, f.caplen - f.l3_off, p), 0);
        CU_ASSERT(p->has_tcp);
        CU_ASSERT_EQUAL(p->ip_len, f.wirelen - f.l3_off);
        CU_ASSERT(p->payload_caplen < p->payload_len);
        CU_ASSERT_EQUAL(p->payload_len, p->ip_len - wire_pkt_hdr_len(p));
        CU_ASSERT_EQUAL(p->trailer_len, 0);
        uint16_t cs;
        CU_ASSERT_EQUAL(wire_pkt_tcp_csum(p, &cs), -1); /* WIRE_E_TRUNCATED: cannot verify */
    }
    CU_ASSERT(cut > 2000); /* every data segment of the 3 MB transfer */
    pcapio_close_read(r);
    free(p);
}

static void test_damaged_files_name_file_and_frame(void)
{
    const char *src = wt_capture_path("b-fallback-tcp-server.pcap");
    FILE *in = fopen(src, "rb");
    CU_ASSERT_PTR_NOT_NULL_FATAL(in);
    static uint8_t buf[4096];
    size_t n = fread(buf, 1, sizeof buf, in);
    fclose(in);
    /* Keep the file header, frame 1 and half of frame 2's record. */
    uint32_t cap1 = (uint32_t)buf[32] | (uint32_t)buf[33] << 8;
    size_t keep = 24 + 16 + cap1 + 16 + 10;
    CU_ASSERT_FATAL(keep < n);
    const char *path = tmp_path("damaged.pcap");
    FILE *out = fopen(path, "wb");
    fwrite(buf, 1, keep, out);
    fclose(out);
    char err[512];
    struct pcapio_reader *r;
    struct pcapio_frame f;
    CU_ASSERT_EQUAL_FATAL(pcapio_open_read(path, &r, err, sizeof err), 0);
    CU_ASSERT_EQUAL(pcapio_read(r, &f, err, sizeof err), 1);
    CU_ASSERT_EQUAL(pcapio_read(r, &f, err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, path));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "frame 2"));
    pcapio_close_read(r);
    const char *garbage = tmp_path("garbage.pcap");
    out = fopen(garbage, "wb");
    fputs("this is not a capture file at all", out);
    fclose(out);
    CU_ASSERT_EQUAL(pcapio_open_read(garbage, &r, err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, garbage));
    CU_ASSERT_EQUAL(pcapio_open_read(tmp_path("missing.pcap"), &r, err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "cannot open"));
}

static void test_written_capture_passes_check_pcap(void)
{
    if (!harness_have_tool("tshark")) {
        harness_skip("tshark not installed: written pcaps not checked by check-pcap.sh");
        return;
    }
    char err[512];
    struct pcapio_reader *r;
    struct pcapio_writer *w;
    struct pcapio_frame f;
    const char *path = tmp_path("written-i.pcap");
    CU_ASSERT_EQUAL_FATAL(pcapio_open_read(wt_capture_path("i-ipv4-lsrr.pcap"), &r, err, sizeof err), 0);
    CU_ASSERT_EQUAL_FATAL(pcapio_open_write(path, pcapio_linktype(r), pcapio_snaplen(r), &w, err,
                                            sizeof err), 0);
    while (pcapio_read(r, &f, err, sizeof err) == 1)
        pcapio_write(w, f.ts_ns + 7, f.data, f.caplen, f.wirelen); /* + 7 ns: needs ns precision */
    CU_ASSERT_EQUAL(pcapio_close_write(w, err, sizeof err), 0);
    pcapio_close_read(r);
    char cmd[1024], *out = NULL;
    snprintf(cmd, sizeof cmd, "%s -q '%s'", harness_shared("tools/check-pcap.sh"), path);
    int rc = harness_run(cmd, &out);
    CU_ASSERT_EQUAL(rc, 0);
    CU_ASSERT_PTR_NOT_NULL(out ? strstr(out, "RESULT: OK") : NULL);
    free(out);
    /* The nanosecond digits are in the file (tshark reads them back). */
    snprintf(cmd, sizeof cmd, "tshark -r '%s' -c 1 -T fields -e frame.time_epoch 2>/dev/null", path);
    rc = harness_run(cmd, &out);
    CU_ASSERT_EQUAL(rc, 0);
    CU_ASSERT_PTR_NOT_NULL(out ? strstr(out, "007\n") : NULL);
    free(out);
}

SUITE(pcap, NULL, NULL,
      TEST(test_every_link_type_finds_the_ip_datagram),
      TEST(test_microsecond_file_reads_as_nanoseconds),
      TEST(test_snaplen_cut_frame_decodes_headers_with_virtual_payload),
      TEST(test_damaged_files_name_file_and_frame),
      TEST(test_written_capture_passes_check_pcap))
