/* test_wire_srh.c - the reduced Segment Routing Header (RFC 8754 section 4.1.1) against the
 * full one (models/wire/ipv6.h, ipv6_srh.c).
 *
 * Packets start from capture h (frame 1: a Linux SRH {fd00:2:1::2, fd00:1:1::1} in full
 * form, frame 2: the same after the endpoint fd00:1:1::1). The reduced form of the same path
 * is compared byte for byte with bytes written by hand from the RFC's layout, it is processed
 * hop by hop next to the full form (same destination and same remaining path at every hop),
 * and a pcap of both forms is decoded by tshark (an independent dissector) and passes
 * ../shared/tools/check-pcap.sh, which validates the TCP checksum over the final destination.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/wire/packet.h"
#include "models/wire/wire_err.h"
#include "sim/pcap.h"
#include "tests/harness.h"
#include "tests/wire_testutil.h"

#define CAP_H "h-srv6-srh.pcap"

static void v6(const char *s, uint8_t out[16]) { CU_ASSERT_EQUAL(inet_pton(AF_INET6, s, out), 1); }

/* Frame n of capture h decoded into *p; the raw datagram is returned (caller frees). */
static uint8_t *frame(uint64_t n, struct wire_pkt *p, size_t *len)
{
    uint8_t *raw = wt_frame_ip(CAP_H, n, len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(raw);
    CU_ASSERT_EQUAL_FATAL(wire_pkt_decode(raw, *len, p), 0);
    return raw;
}

/* Frame n of capture h with its 40-byte full SRH replaced by the 24-byte SRH srh (hand
 * written), the payload length lowered by 16 and the destination set to dst. */
static size_t hand_reduced(const uint8_t *raw, size_t len, const uint8_t srh[24],
                           const uint8_t dst[16], uint8_t *out)
{
    memcpy(out, raw, 40);
    uint16_t plen = (uint16_t)(raw[4] << 8 | raw[5]);
    plen = (uint16_t)(plen - 16);
    out[4] = (uint8_t)(plen >> 8);
    out[5] = (uint8_t)plen;
    memcpy(out + 24, dst, 16);
    memcpy(out + 40, srh, 24);
    memcpy(out + 64, raw + 80, len - 80);
    return len - 16;
}

static size_t encode(const struct wire_pkt *p, uint8_t *out, size_t cap)
{
    size_t n = 0;
    CU_ASSERT_EQUAL_FATAL(wire_pkt_encode(p, out, cap, &n), 0);
    return n;
}

static void test_reduced_srh_bytes_match_the_rfc_layout_written_by_hand(void)
{
    struct wire_pkt *p = malloc(sizeof *p);
    size_t n1, n2;
    uint8_t *r1 = frame(1, p, &n1), *r2 = wt_frame_ip(CAP_H, 2, &n2);
    uint8_t hop[1][16], fin[16], want[2048], got[2048];
    v6("fd00:1:1::1", hop[0]);
    v6("fd00:2:1::2", fin);
    CU_ASSERT_EQUAL_FATAL(ipv6_srh_remove(&p->ip.v6), 0);
    CU_ASSERT_EQUAL_FATAL(ipv6_srh_insert_reduced(&p->ip.v6, (const uint8_t(*)[16])hop, 1), 0);
    /* Next Header TCP, Hdr Ext Len 2 (24 bytes), type 4, Segments Left 1, Last Entry 0
     * (n - 2 for a 2-segment path), flags 0, tag 0, Segment List[0] = fd00:2:1::2. The
     * destination is the first segment, fd00:1:1::1, which is in no list entry. */
    static const uint8_t srh_before[24] = { 6, 2, 4, 1, 0, 0, 0, 0,
                                            0xfd, 0, 0, 2, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2 };
    size_t wn = hand_reduced(r1, n1, srh_before, hop[0], want);
    CU_ASSERT_EQUAL(ipv6_hdr_len(&p->ip.v6), 40 + 24);
    CU_ASSERT_EQUAL(encode(p, got, sizeof got), wn);
    CU_ASSERT(memcmp(got, want, wn) == 0);
    /* The TCP checksum is the captured one: it covers the final destination (RFC 8200 8.1). */
    uint16_t cs;
    CU_ASSERT_EQUAL(wire_pkt_tcp_csum(p, &cs), 0);
    CU_ASSERT_EQUAL(cs, p->tcp.csum);
    /* At the endpoint: Segments Left 0, destination Segment List[0]; otherwise frame 2 (the
     * router also decremented the hop limit). */
    p->ip.v6.hlim--;
    CU_ASSERT_EQUAL(ipv6_srh_process(&p->ip.v6, hop[0]), 0);
    static const uint8_t srh_after[24] = { 6, 2, 4, 0, 0, 0, 0, 0,
                                           0xfd, 0, 0, 2, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2 };
    wn = hand_reduced(r2, n2, srh_after, fin, want);
    CU_ASSERT_EQUAL(encode(p, got, sizeof got), wn);
    CU_ASSERT(memcmp(got, want, wn) == 0);
    CU_ASSERT_EQUAL(ipv6_srh_process(&p->ip.v6, fin), WIRE_E_ROUTE_DONE);
    free(p), free(r1), free(r2);
}

static void test_reduced_srh_is_recognised_only_before_its_first_endpoint(void)
{
    struct wire_pkt *p = malloc(sizeof *p);
    size_t n;
    uint8_t *raw = frame(1, p, &n), hop[1][16];
    struct ipv6_srh s;
    CU_ASSERT_EQUAL(ipv6_srh_get(&p->ip.v6, &s), 0);
    CU_ASSERT_FALSE(s.first_in_dst); /* Linux builds the full form */
    v6("fd00:1:1::1", hop[0]);
    ipv6_srh_remove(&p->ip.v6);
    ipv6_srh_insert_reduced(&p->ip.v6, (const uint8_t(*)[16])hop, 1);
    CU_ASSERT_EQUAL(ipv6_srh_get(&p->ip.v6, &s), 0);
    CU_ASSERT(s.first_in_dst);
    CU_ASSERT_EQUAL(s.nseg, 1);
    CU_ASSERT_EQUAL(s.segleft, 1);
    CU_ASSERT_EQUAL(s.last_entry, 0);
    CU_ASSERT_EQUAL(ipv6_srh_process(&p->ip.v6, hop[0]), 0);
    CU_ASSERT_EQUAL(ipv6_srh_get(&p->ip.v6, &s), 0);
    CU_ASSERT_FALSE(s.first_in_dst); /* Segments Left 0 < Last Entry + 1 */
    /* Segments Left = Last Entry + 2 stays malformed (RFC 8754 4.3.1.1 S11). */
    p->ip.v6.ext[p->ip.v6.exts[s.ext_index].off + 3] = 2;
    CU_ASSERT_EQUAL(ipv6_srh_get(&p->ip.v6, &s), WIRE_E_SRH);
    free(p), free(raw);
}

/* Path a -> b -> c -> final, both forms, processed at each hop in turn: the destination
 * and the remaining path agree at every step, and the reduced form is always 16 bytes
 * shorter. */
static void test_full_and_reduced_forms_follow_the_same_path_hop_by_hop(void)
{
    struct wire_pkt *full = malloc(sizeof *full), *red = malloc(sizeof *red);
    size_t n;
    uint8_t *raw = frame(1, full, &n);
    CU_ASSERT_EQUAL_FATAL(wire_pkt_decode(raw, n, red), 0);
    ipv6_srh_remove(&full->ip.v6);
    ipv6_srh_remove(&red->ip.v6);
    uint8_t hops[3][16], fin[16];
    v6("2001:db8:a::1", hops[0]);
    v6("2001:db8:b::1", hops[1]);
    v6("2001:db8:c::1", hops[2]);
    v6("fd00:2:1::2", fin);
    CU_ASSERT_EQUAL(ipv6_srh_insert(&full->ip.v6, (const uint8_t(*)[16])hops, 3), 0);
    CU_ASSERT_EQUAL(ipv6_srh_insert_reduced(&red->ip.v6, (const uint8_t(*)[16])hops, 3), 0);
    struct ipv6_srh sf, sr;
    ipv6_srh_get(&full->ip.v6, &sf);
    ipv6_srh_get(&red->ip.v6, &sr);
    CU_ASSERT_EQUAL(sf.last_entry, 3);
    CU_ASSERT_EQUAL(sr.last_entry, 2);
    CU_ASSERT_EQUAL(sr.hdr_ext_len, 6);
    /* A reduced list is the full list without its last entry (the first segment). */
    CU_ASSERT(memcmp(sf.segs, sr.segs, 3 * 16) == 0);
    CU_ASSERT(memcmp(sf.segs + 3 * 16, hops[0], 16) == 0);
    for (size_t hop = 0; hop <= 3; hop++) {
        uint8_t pf[8][16], pr[8][16];
        size_t nf = 0, nr = 0;
        CU_ASSERT_EQUAL(ipv6_srh_path(&full->ip.v6, pf, 8, &nf), 0);
        CU_ASSERT_EQUAL(ipv6_srh_path(&red->ip.v6, pr, 8, &nr), 0);
        CU_ASSERT_EQUAL(nf, 4 - hop);
        CU_ASSERT_EQUAL(nr, nf);
        CU_ASSERT(memcmp(pf, pr, 16 * nf) == 0);
        CU_ASSERT(memcmp(pr[nr - 1], fin, 16) == 0);
        CU_ASSERT(memcmp(pr[0], hop < 3 ? hops[hop] : fin, 16) == 0);
        CU_ASSERT(memcmp(full->ip.v6.dst, red->ip.v6.dst, 16) == 0);
        CU_ASSERT_EQUAL(ipv6_hdr_len(&full->ip.v6), ipv6_hdr_len(&red->ip.v6) + 16);
        uint8_t fdst[16], rdst[16];
        ipv6_final_dst(&full->ip.v6, fdst);
        ipv6_final_dst(&red->ip.v6, rdst);
        CU_ASSERT(memcmp(fdst, fin, 16) == 0 && memcmp(rdst, fin, 16) == 0);
        uint8_t self[16];
        memcpy(self, red->ip.v6.dst, 16);
        int want = hop < 3 ? 0 : WIRE_E_ROUTE_DONE;
        CU_ASSERT_EQUAL(ipv6_srh_process(&full->ip.v6, self), want);
        CU_ASSERT_EQUAL(ipv6_srh_process(&red->ip.v6, self), want);
    }
    uint8_t small[2][16];
    size_t k;
    ipv6_srh_remove(&red->ip.v6);
    ipv6_srh_insert_reduced(&red->ip.v6, (const uint8_t(*)[16])hops, 3);
    CU_ASSERT_EQUAL(ipv6_srh_path(&red->ip.v6, small, 2, &k), WIRE_E_BUF);
    free(full), free(red), free(raw);
}

static void test_reduced_insert_refuses_what_the_full_one_refuses(void)
{
    struct wire_pkt *p = malloc(sizeof *p);
    size_t n;
    uint8_t *raw = frame(1, p, &n);
    static uint8_t hops[IPV6_SRH_MAX_SEGS][16];
    /* An SRH is already there (the captured one). */
    CU_ASSERT_EQUAL(ipv6_srh_insert_reduced(&p->ip.v6, (const uint8_t(*)[16])hops, 1),
                    WIRE_E_ARG);
    ipv6_srh_remove(&p->ip.v6);
    CU_ASSERT_EQUAL(ipv6_srh_insert_reduced(&p->ip.v6, (const uint8_t(*)[16])hops, 0),
                    WIRE_E_ARG);
    /* 16 hops + the final destination: 17 path segments, over IPV6_SRH_MAX_SEGS. */
    CU_ASSERT_EQUAL(ipv6_srh_insert_reduced(&p->ip.v6, (const uint8_t(*)[16])hops,
                                            IPV6_SRH_MAX_SEGS),
                    WIRE_E_ARG);
    CU_ASSERT_EQUAL(ipv6_srh_insert_reduced(&p->ip.v6, (const uint8_t(*)[16])hops,
                                            IPV6_SRH_MAX_SEGS - 1),
                    0);
    CU_ASSERT_EQUAL(ipv6_hdr_len(&p->ip.v6), 40 + ipv6_srh_len(IPV6_SRH_MAX_SEGS - 1));
    CU_ASSERT_EQUAL(ipv6_srh_path(&p->ip.v6, NULL, 0, &n), WIRE_E_BUF);
    free(p), free(raw);
}

static int tshark_fields(const char *file, const char *fields, char **out)
{
    char cmd[1400];
    snprintf(cmd, sizeof cmd,
             "tshark -o tcp.check_checksum:TRUE -r %s -n -T fields %s 2>/dev/null"
             " | grep -v '^Running as'",
             file, fields);
    return harness_run(cmd, out);
}

/* Frames 1-2: capture h's frames as captured (full form, before and after the endpoint);
 * frames 3-4: the same packets with the reduced SRH; frame 5: a reduced three-hop SRH. */
static void test_reduced_srh_pcap_decodes_in_tshark_and_passes_check_pcap(void)
{
    if (!harness_have_tool("tshark")) {
        harness_skip("tshark not installed");
        return;
    }
    char file[600], err[256];
    snprintf(file, sizeof file, "%s/srh-reduced.pcap", harness_tmpdir());
    struct pcapio_writer *w;
    CU_ASSERT_EQUAL_FATAL(pcapio_open_write(file, 229 /* LINKTYPE_IPV6 */, 65535, &w, err,
                                            sizeof err), 0);
    struct wire_pkt *p = malloc(sizeof *p);
    uint8_t buf[2048], hop[3][16];
    size_t n1, n2, len;
    uint8_t *r1 = frame(1, p, &n1), *r2 = wt_frame_ip(CAP_H, 2, &n2);
    pcapio_write(w, 1000, r1, (uint32_t)n1, (uint32_t)n1);
    pcapio_write(w, 2000, r2, (uint32_t)n2, (uint32_t)n2);
    v6("fd00:1:1::1", hop[0]);
    ipv6_srh_remove(&p->ip.v6);
    ipv6_srh_insert_reduced(&p->ip.v6, (const uint8_t(*)[16])hop, 1);
    len = encode(p, buf, sizeof buf);
    pcapio_write(w, 3000, buf, (uint32_t)len, (uint32_t)len);
    p->ip.v6.hlim--;
    CU_ASSERT_EQUAL(ipv6_srh_process(&p->ip.v6, hop[0]), 0);
    len = encode(p, buf, sizeof buf);
    pcapio_write(w, 4000, buf, (uint32_t)len, (uint32_t)len);
    ipv6_srh_remove(&p->ip.v6);
    v6("2001:db8:a::1", hop[0]);
    v6("2001:db8:b::1", hop[1]);
    v6("2001:db8:c::1", hop[2]);
    ipv6_srh_insert_reduced(&p->ip.v6, (const uint8_t(*)[16])hop, 3);
    len = encode(p, buf, sizeof buf);
    pcapio_write(w, 5000, buf, (uint32_t)len, (uint32_t)len);
    CU_ASSERT_EQUAL_FATAL(pcapio_close_write(w, err, sizeof err), 0);
    free(p), free(r1), free(r2);
    char cmd[1200], *out = NULL;
    snprintf(cmd, sizeof cmd, "%s -q %s", harness_shared("tools/check-pcap.sh"), file);
    CU_ASSERT_EQUAL(harness_run(cmd, &out), 0);
    free(out);
    /* Wireshark lists Segment List[0..Last Entry] as ipv6.routing.srh.addr; the reduced
     * form has one address less, the destination holds the missing first segment, and
     * Segments Left = Last Entry + 1 raises no expert item (ipv6.routing.invalid_segleft
     * fires only above that). Hdr Ext Len 4 vs 2: 40 vs 24 bytes. tcp.checksum.status 1 is
     * "good": Wireshark checks it over Segment List[0] while Segments Left > 0. */
    const char *fields = "-e ipv6.dst -e ipv6.routing.len -e ipv6.routing.segleft "
                         "-e ipv6.routing.srh.last_entry -e ipv6.routing.srh.addr "
                         "-e tcp.checksum.status";
    CU_ASSERT_EQUAL_FATAL(tshark_fields(file, fields, &out), 0);
    CU_ASSERT_STRING_EQUAL(out,
                           "fd00:1:1::1\t4\t1\t1\tfd00:2:1::2,fd00:1:1::1\t1\n"
                           "fd00:2:1::2\t4\t0\t1\tfd00:2:1::2,fd00:1:1::1\t1\n"
                           "fd00:1:1::1\t2\t1\t0\tfd00:2:1::2\t1\n"
                           "fd00:2:1::2\t2\t0\t0\tfd00:2:1::2\t1\n"
                           "2001:db8:a::1\t6\t3\t2\tfd00:2:1::2,2001:db8:c::1,2001:db8:b::1\t1\n");
    free(out);
}

SUITE(wire_srh, NULL, NULL,
      TEST(test_reduced_srh_bytes_match_the_rfc_layout_written_by_hand),
      TEST(test_reduced_srh_is_recognised_only_before_its_first_endpoint),
      TEST(test_full_and_reduced_forms_follow_the_same_path_hop_by_hop),
      TEST(test_reduced_insert_refuses_what_the_full_one_refuses),
      TEST(test_reduced_srh_pcap_decodes_in_tshark_and_passes_check_pcap))
