/* test_wire_ip.c - IPv4 (options, LSRR/SSRR/RR), IPv6 (extension chain, SRH), ICMP errors and
 * the checksums (models/wire/ipv4.h, ipv6.h, icmp.h, checksum.h, packet.h).
 *
 * The source-route tests use captures i (LSRR) and h (SRH), where both sides of the router
 * were captured: processing frame N at the router with our helpers must give frame N+1's
 * header exactly (after the router's own TTL/hop-limit decrement). Checksums are compared
 * exactly against the values Linux computed (offload was off in every capture).
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "models/wire/checksum.h"
#include "models/wire/icmp.h"
#include "models/wire/packet.h"
#include "models/wire/wire_err.h"
#include "sim/pcap.h"
#include "tests/harness.h"
#include "tests/wire_testutil.h"

#define A4(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

static struct wire_pkt *frame_pkt(const char *cap, uint64_t n, uint8_t **raw, size_t *len)
{
    *raw = wt_frame_ip(cap, n, len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(*raw);
    struct wire_pkt *p = malloc(sizeof *p);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_EQUAL(wire_pkt_decode(*raw, *len, p), 0);
    return p;
}

static void assert_pkt_encodes_to(const struct wire_pkt *p, const uint8_t *want, size_t n)
{
    uint8_t out[2048];
    size_t len = 0;
    CU_ASSERT_EQUAL_FATAL(wire_pkt_encode(p, out, sizeof out, &len), 0);
    CU_ASSERT_EQUAL(len, n);
    CU_ASSERT(memcmp(out, want, n) == 0);
}

static void v6(const char *s, uint8_t out[16]) { CU_ASSERT_EQUAL(inet_pton(AF_INET6, s, out), 1); }

/* --- IPv4 source route --------------------------------------------------------------------- */

static void test_lsrr_of_capture_i_decodes_before_and_after_the_hop(void)
{
    uint8_t *r1, *r2;
    size_t n1, n2;
    struct wire_pkt *p1 = frame_pkt("i-ipv4-lsrr.pcap", 1, &r1, &n1);
    struct wire_pkt *p2 = frame_pkt("i-ipv4-lsrr.pcap", 2, &r2, &n2);
    struct ipv4_route rt;
    CU_ASSERT_EQUAL(ipv4_hdr_len(&p1->ip.v4), 28); /* IHL 7 */
    CU_ASSERT_EQUAL(ipv4_route_get(&p1->ip.v4, 0, &rt), 0);
    CU_ASSERT_EQUAL(rt.type, IPOPT_LSRR);
    CU_ASSERT_EQUAL(rt.len, 7);
    CU_ASSERT_EQUAL(rt.ptr, 4);
    CU_ASSERT_EQUAL(rt.naddr, 1);
    CU_ASSERT_EQUAL(rt.addr[0], A4(10, 2, 1, 2));
    CU_ASSERT(ipv4_route_pending(&rt));
    CU_ASSERT_EQUAL(p1->ip.v4.dst, A4(10, 1, 1, 1));
    CU_ASSERT_EQUAL(ipv4_final_dst(&p1->ip.v4), A4(10, 2, 1, 2));
    CU_ASSERT_EQUAL(ipv4_route_get(&p2->ip.v4, 0, &rt), 0);
    CU_ASSERT_EQUAL(rt.ptr, 8);
    CU_ASSERT_FALSE(ipv4_route_pending(&rt));
    CU_ASSERT_EQUAL(rt.addr[0], A4(10, 2, 1, 1)); /* recorded by the router */
    CU_ASSERT_EQUAL(ipv4_final_dst(&p2->ip.v4), A4(10, 2, 1, 2));
    assert_pkt_encodes_to(p1, r1, n1);
    assert_pkt_encodes_to(p2, r2, n2);
    free(p1), free(p2), free(r1), free(r2);
}

static void test_lsrr_processing_at_the_router_gives_the_next_frame(void)
{
    uint8_t *r1, *r2;
    size_t n1, n2;
    struct wire_pkt *p1 = frame_pkt("i-ipv4-lsrr.pcap", 1, &r1, &n1);
    struct wire_pkt *p2 = frame_pkt("i-ipv4-lsrr.pcap", 2, &r2, &n2);
    struct ipv4_hdr h = p1->ip.v4;
    CU_ASSERT_EQUAL(ipv4_route_process(&h, A4(10, 9, 9, 9), A4(10, 2, 1, 1)), WIRE_E_NOT_HOP);
    h.ttl--; /* the router's forwarding decrement, not part of route processing */
    CU_ASSERT_EQUAL(ipv4_route_process(&h, A4(10, 1, 1, 1), A4(10, 2, 1, 1)), 0);
    p1->ip.v4 = h;
    assert_pkt_encodes_to(p1, r2, n2);
    CU_ASSERT_EQUAL(ipv4_route_process(&h, A4(10, 2, 1, 2), A4(10, 3, 3, 3)), WIRE_E_ROUTE_DONE);
    free(p1), free(p2), free(r1), free(r2);
}

static void test_lsrr_remove_then_insert_restores_the_linux_layout(void)
{
    uint8_t *r1;
    size_t n1;
    struct wire_pkt *p = frame_pkt("i-ipv4-lsrr.pcap", 1, &r1, &n1);
    struct ipv4_hdr *h = &p->ip.v4;
    uint16_t tot = h->tot_len;
    CU_ASSERT_EQUAL(ipv4_route_remove(h), 0);
    CU_ASSERT_EQUAL(h->optlen, 0);
    CU_ASSERT_EQUAL(h->tot_len, tot - 8);
    CU_ASSERT_EQUAL(h->dst, A4(10, 2, 1, 2));
    CU_ASSERT(ipv4_csum_ok(h));
    uint16_t cs;
    CU_ASSERT_EQUAL(wire_pkt_tcp_csum(p, &cs), 0);
    CU_ASSERT_EQUAL(cs, p->tcp.csum); /* the pseudo-header always had the final destination */
    CU_ASSERT_EQUAL(ipv4_route_remove(h), WIRE_E_NOT_FOUND);
    uint32_t hop = A4(10, 1, 1, 1);
    CU_ASSERT_EQUAL(ipv4_route_insert(h, IPOPT_LSRR, &hop, 1), 0);
    CU_ASSERT_EQUAL(ipv4_route_insert(h, IPOPT_LSRR, &hop, 1), WIRE_E_ARG); /* one is enough */
    assert_pkt_encodes_to(p, r1, n1); /* NOP, LSRR 7 4 10.2.1.2, checksum 0xe041 */
    free(p), free(r1);
}

static void test_route_insert_respects_the_40_byte_option_space(void)
{
    struct ipv4_hdr h = { .tot_len = 20, .ttl = 64, .proto = 6, .src = 1, .dst = 2 };
    uint32_t hops[10] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
    CU_ASSERT_EQUAL(ipv4_route_insert(&h, IPOPT_SSRR, hops, 10), WIRE_E_OPT_SPACE);
    CU_ASSERT_EQUAL(ipv4_route_insert(&h, IPOPT_SSRR, hops, 9), 0); /* 1 + 3 + 36 = 40 */
    CU_ASSERT_EQUAL(h.optlen, 40);
    struct ipv4_route r;
    CU_ASSERT_EQUAL(ipv4_route_get(&h, 0, &r), 0);
    CU_ASSERT_EQUAL(r.type, IPOPT_SSRR);
    CU_ASSERT_EQUAL(r.naddr, 9);
    CU_ASSERT_EQUAL(r.addr[8], 2); /* the original destination comes last */
    CU_ASSERT_EQUAL(h.dst, 1);
    CU_ASSERT_EQUAL(h.tot_len, 60);
    /* A header with a 36-byte option left has no room for an 8-byte route. */
    struct ipv4_hdr g = { .tot_len = 56 };
    g.optlen = 36;
    g.opt[0] = 0x88; /* stream id style unknown option, 36 bytes */
    g.opt[1] = 36;
    CU_ASSERT_EQUAL(ipv4_opts_parse(&g), 0);
    struct ipv4_hdr before = g;
    CU_ASSERT_EQUAL(ipv4_route_insert(&g, IPOPT_LSRR, hops, 1), WIRE_E_OPT_SPACE);
    CU_ASSERT(memcmp(&g, &before, sizeof g) == 0);
    CU_ASSERT_EQUAL(ipv4_route_insert(&g, 7, hops, 1), WIRE_E_ARG); /* RR is not a source route */
}

static void test_record_route_fills_slots_then_reports_full(void)
{
    struct ipv4_hdr h = { .tot_len = 32 };
    uint8_t rr[] = { IPOPT_NOP, IPOPT_RR, 11, 4, 0, 0, 0, 0, 0, 0, 0, 0 };
    memcpy(h.opt, rr, sizeof rr);
    h.optlen = sizeof rr;
    CU_ASSERT_EQUAL(ipv4_opts_parse(&h), 0);
    CU_ASSERT_EQUAL(ipv4_rr_record(&h, A4(1, 2, 3, 4)), 0);
    CU_ASSERT_EQUAL(ipv4_rr_record(&h, A4(5, 6, 7, 8)), 0);
    CU_ASSERT_EQUAL(ipv4_rr_record(&h, A4(9, 9, 9, 9)), WIRE_E_ROUTE_DONE);
    struct ipv4_route r;
    CU_ASSERT_EQUAL(ipv4_route_get(&h, IPOPT_RR, &r), 0);
    CU_ASSERT_EQUAL(r.ptr, 12);
    CU_ASSERT_EQUAL(r.addr[1], A4(5, 6, 7, 8));
    CU_ASSERT(ipv4_csum_ok(&h));
    CU_ASSERT_EQUAL(ipv4_route_get(&h, 0, &r), WIRE_E_NOT_FOUND); /* RR is no source route */
}

/* --- IPv6 and the SRH ------------------------------------------------------------------- */

static void test_srh_of_capture_h_decodes_segments(void)
{
    uint8_t *r1, *r2, a[16];
    size_t n1, n2;
    struct wire_pkt *p1 = frame_pkt("h-srv6-srh.pcap", 1, &r1, &n1);
    struct wire_pkt *p2 = frame_pkt("h-srv6-srh.pcap", 2, &r2, &n2);
    struct ipv6_srh s;
    CU_ASSERT_EQUAL(p1->ip.v6.nexts, 1);
    CU_ASSERT_EQUAL(p1->ip.v6.proto, IPPROTO_NUM_TCP);
    CU_ASSERT_EQUAL(ipv6_srh_get(&p1->ip.v6, &s), 0);
    CU_ASSERT_EQUAL(s.hdr_ext_len, 4);
    CU_ASSERT_EQUAL(s.segleft, 1);
    CU_ASSERT_EQUAL(s.last_entry, 1);
    CU_ASSERT_EQUAL(s.nseg, 2);
    CU_ASSERT_EQUAL(s.tlv_len, 0);
    v6("fd00:2:1::2", a);
    CU_ASSERT(memcmp(s.segs, a, 16) == 0); /* Segment List[0] = final destination */
    uint8_t fin[16];
    ipv6_final_dst(&p1->ip.v6, fin);
    CU_ASSERT(memcmp(fin, a, 16) == 0);
    v6("fd00:1:1::1", a);
    CU_ASSERT(memcmp(s.segs + 16, a, 16) == 0);
    CU_ASSERT(memcmp(p1->ip.v6.dst, a, 16) == 0);
    CU_ASSERT_EQUAL(ipv6_srh_get(&p2->ip.v6, &s), 0);
    CU_ASSERT_EQUAL(s.segleft, 0);
    assert_pkt_encodes_to(p1, r1, n1);
    assert_pkt_encodes_to(p2, r2, n2);
    free(p1), free(p2), free(r1), free(r2);
}

static void test_srh_endpoint_processing_gives_the_next_frame(void)
{
    uint8_t *r1, *r2, self[16];
    size_t n1, n2;
    struct wire_pkt *p1 = frame_pkt("h-srv6-srh.pcap", 1, &r1, &n1);
    struct wire_pkt *p2 = frame_pkt("h-srv6-srh.pcap", 2, &r2, &n2);
    v6("fd00:9::9", self);
    CU_ASSERT_EQUAL(ipv6_srh_process(&p1->ip.v6, self), WIRE_E_NOT_HOP);
    v6("fd00:1:1::1", self);
    p1->ip.v6.hlim--;
    CU_ASSERT_EQUAL(ipv6_srh_process(&p1->ip.v6, self), 0);
    assert_pkt_encodes_to(p1, r2, n2);
    v6("fd00:2:1::2", self);
    CU_ASSERT_EQUAL(ipv6_srh_process(&p1->ip.v6, self), WIRE_E_ROUTE_DONE);
    free(p1), free(p2), free(r1), free(r2);
}

static void test_srh_remove_then_insert_restores_the_capture(void)
{
    uint8_t *r1, hop[1][16], fin[16];
    size_t n1;
    struct wire_pkt *p = frame_pkt("h-srv6-srh.pcap", 1, &r1, &n1);
    uint16_t plen = p->ip.v6.plen;
    CU_ASSERT_EQUAL(ipv6_srh_remove(&p->ip.v6), 0);
    CU_ASSERT_EQUAL(p->ip.v6.nexts, 0);
    CU_ASSERT_EQUAL(p->ip.v6.nh, IPPROTO_NUM_TCP);
    CU_ASSERT_EQUAL(p->ip.v6.plen, plen - 40);
    v6("fd00:2:1::2", fin);
    CU_ASSERT(memcmp(p->ip.v6.dst, fin, 16) == 0);
    uint16_t cs;
    CU_ASSERT_EQUAL(wire_pkt_tcp_csum(p, &cs), 0);
    CU_ASSERT_EQUAL(cs, p->tcp.csum); /* RFC 8200 8.1: the final destination all along */
    v6("fd00:1:1::1", hop[0]);
    CU_ASSERT_EQUAL(ipv6_srh_insert(&p->ip.v6, (const uint8_t(*)[16])hop, 1), 0);
    CU_ASSERT_EQUAL(ipv6_srh_insert(&p->ip.v6, (const uint8_t(*)[16])hop, 1), WIRE_E_ARG);
    assert_pkt_encodes_to(p, r1, n1);
    free(p), free(r1);
}

/* An IPv6 packet with the given extension chain bytes (next header 'first') and a 20-byte TCP
 * header; returns its length. */
static size_t build_v6(uint8_t *b, uint8_t first, const uint8_t *ext, size_t extlen)
{
    memset(b, 0, 40 + extlen + 20);
    b[0] = 0x60;
    b[4] = (uint8_t)((extlen + 20) >> 8);
    b[5] = (uint8_t)(extlen + 20);
    b[6] = first;
    b[7] = 64;
    b[23] = 1;
    b[39] = 2;
    memcpy(b + 40, ext, extlen);
    b[40 + extlen + 12] = 0x50;
    return 40 + extlen + 20;
}

static void test_ipv6_extension_chain_with_fragment_and_options(void)
{
    /* hop-by-hop (PadN) -> destination options (PadN) -> fragment (offset 0) -> TCP */
    static const uint8_t ext[] = { 60, 0, 1, 4, 0, 0, 0, 0, 44, 0, 1, 4, 0, 0, 0, 0,
                                   6, 0, 0x00, 0x01, 0xde, 0xad, 0xbe, 0xef };
    uint8_t b[256];
    size_t n = build_v6(b, 0, ext, sizeof ext);
    struct wire_pkt *p = malloc(sizeof *p);
    CU_ASSERT_EQUAL(wire_pkt_decode(b, n, p), 0);
    CU_ASSERT_EQUAL(p->ip.v6.nexts, 3);
    CU_ASSERT_EQUAL(p->ip.v6.exts[2].type, IPV6_EXT_FRAGMENT);
    CU_ASSERT_EQUAL(p->ip.v6.proto, IPPROTO_NUM_TCP);
    CU_ASSERT(p->has_tcp);
    assert_pkt_encodes_to(p, b, n);
    /* The SRH goes after the hop-by-hop header (RFC 8200 section 4.1). */
    uint8_t hop[1][16] = { { 0xfd } };
    CU_ASSERT_EQUAL(ipv6_srh_insert(&p->ip.v6, (const uint8_t(*)[16])hop, 1), 0);
    CU_ASSERT_EQUAL(p->ip.v6.exts[1].type, IPV6_EXT_ROUTING);
    CU_ASSERT_EQUAL(p->ip.v6.exts[0].nh, IPV6_EXT_ROUTING);
    CU_ASSERT_EQUAL(ipv6_srh_remove(&p->ip.v6), 0);
    assert_pkt_encodes_to(p, b, n);
    CU_ASSERT_EQUAL(ipv6_ext_remove(&p->ip.v6, 1), 0); /* drop the destination options */
    CU_ASSERT_EQUAL(p->ip.v6.nexts, 2);
    CU_ASSERT_EQUAL(p->ip.v6.exts[0].nh, IPV6_EXT_FRAGMENT);
    CU_ASSERT_EQUAL(p->ip.v6.plen, n - 40 - 8);
    /* A later fragment carries no TCP header. */
    uint8_t frag_ext[] = { 44, 0, 1, 4, 0, 0, 0, 0, 6, 0, 0x00, 0x08, 0, 0, 0, 1 };
    n = build_v6(b, 0, frag_ext, sizeof frag_ext);
    CU_ASSERT_EQUAL(wire_pkt_decode(b, n, p), WIRE_E_FRAGMENT);
    CU_ASSERT_EQUAL(p->family, 6);
    CU_ASSERT_FALSE(p->has_tcp);
    CU_ASSERT(p->ip.v6.later_fragment);
    assert_pkt_encodes_to(p, b, n);
    free(p);
}

static void test_malformed_ipv6_and_srh_return_codes(void)
{
    uint8_t b[600];
    struct ipv6_hdr *h = malloc(sizeof *h);
    struct ipv6_srh s;
    static const uint8_t srh[] = { 6, 2, 4, 2, 0, 0, 0, 0, /* segleft 2 > last_entry + 1 */
                                   0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
    size_t n = build_v6(b, 43, srh, sizeof srh);
    CU_ASSERT_EQUAL(ipv6_decode(b, n, h), 0);
    CU_ASSERT_EQUAL(ipv6_srh_get(h, &s), WIRE_E_SRH);
    b[40 + 3] = 1;
    b[40 + 4] = 3; /* last entry 3: four segments in a 24-byte header */
    CU_ASSERT_EQUAL(ipv6_decode(b, n, h), 0);
    CU_ASSERT_EQUAL(ipv6_srh_get(h, &s), WIRE_E_SRH);
    CU_ASSERT_EQUAL(ipv6_decode(b, 39, h), WIRE_E_TRUNCATED);
    CU_ASSERT_EQUAL(ipv6_decode(b, 50, h), WIRE_E_TRUNCATED); /* extension header cut */
    b[0] = 0x40;
    CU_ASSERT_EQUAL(ipv6_decode(b, n, h), WIRE_E_VERSION);
    b[0] = 0x60;
    b[5] = 8; /* payload length shorter than the 24-byte SRH */
    CU_ASSERT_EQUAL(ipv6_decode(b, n, h), WIRE_E_TOTAL_LEN);
    /* Nine destination-options headers: over the chain limit. */
    uint8_t chain[9 * 8];
    for (size_t i = 0; i < 9; i++) {
        memset(chain + 8 * i, 0, 8);
        chain[8 * i] = i < 8 ? 60 : 6;
    }
    n = build_v6(b, 60, chain, sizeof chain);
    CU_ASSERT_EQUAL(ipv6_decode(b, n, h), WIRE_E_EXT_CHAIN);
    free(h);
}

/* --- checksums ------------------------------------------------------------------------------ */

static void test_every_capture_checksum_verifies_with_final_destination(void)
{
    struct wire_pkt *p = malloc(sizeof *p);
    char err[512];
    for (size_t c = 0; wt_captures[c]; c++) {
        struct pcapio_reader *r;
        struct pcapio_frame f;
        size_t tcp_checked = 0, frames = 0, ip_bad = 0, tcp_bad = 0;
        const char *path = wt_capture_path(wt_captures[c]);
        CU_ASSERT_EQUAL_FATAL(pcapio_open_read(path, &r, err, sizeof err), 0);
        while (pcapio_read(r, &f, err, sizeof err) == 1) {
            frames++;
            CU_ASSERT_EQUAL(wire_pkt_decode(f.data + f.l3_off, f.caplen - f.l3_off, p), 0);
            if (p->family == 4 && !ipv4_csum_ok(&p->ip.v4))
                ip_bad++;
            uint16_t cs;
            if (wire_pkt_tcp_csum(p, &cs) == 0) {
                tcp_checked++;
                tcp_bad += cs != p->tcp.csum;
            }
        }
        pcapio_close_read(r);
        CU_ASSERT_EQUAL(ip_bad, 0);
        CU_ASSERT_EQUAL(tcp_bad, 0);
        /* Capture e was cut at 128 bytes: only segments without payload can be verified. */
        if (strncmp(wt_captures[c], "e-", 2) != 0)
            CU_ASSERT_EQUAL(tcp_checked, frames);
        CU_ASSERT(tcp_checked > 0);
    }
    free(p);
}

static void test_incremental_update_equals_full_recompute(void)
{
    uint8_t *raw;
    size_t n;
    struct wire_pkt *p = frame_pkt("a-mptcp-join-addaddr.pcap", 5, &raw, &n);
    uint32_t old = p->ip.v4.dst, new_dst = A4(192, 0, 2, 77);
    uint16_t ip_inc = csum_update32(p->ip.v4.csum, old, new_dst);
    uint16_t tcp_inc = csum_update32(p->tcp.csum, old, new_dst);
    tcp_inc = csum_update16(tcp_inc, p->tcp.sport, 40000);
    p->ip.v4.dst = new_dst;
    p->tcp.sport = 40000;
    CU_ASSERT_EQUAL(wire_pkt_set_csums(p), 0);
    CU_ASSERT_EQUAL(ip_inc, p->ip.v4.csum);
    CU_ASSERT_EQUAL(tcp_inc, p->tcp.csum);
    uint16_t full;
    free(p), free(raw);
    /* IPv6: a destination address rewrite (16 bytes) in the pseudo-header. */
    p = frame_pkt("g6-mptcp-ipv6-join.pcap", 4, &raw, &n);
    uint8_t nd[16];
    v6("2001:db8::42", nd);
    uint16_t inc = csum_update_bytes(p->tcp.csum, p->ip.v6.dst, nd, 16);
    memcpy(p->ip.v6.dst, nd, 16);
    CU_ASSERT_EQUAL(wire_pkt_tcp_csum(p, &full), 0);
    CU_ASSERT_EQUAL(inc, full);
    free(p), free(raw);
}

/* --- ICMP --------------------------------------------------------------------------------- */

static void test_icmp_errors_round_trip_with_valid_checksums(void)
{
    uint8_t *raw, out[1400], src[16], dst[16];
    size_t n, len;
    struct icmp_msg m;
    raw = wt_frame_ip("a-mptcp-join-addaddr.pcap", 1, &n);
    CU_ASSERT_EQUAL(icmp_encode(ICMP_DEST_UNREACH, ICMP_CODE_FRAG_NEEDED, 1400, raw, n, out,
                                sizeof out, &len), 0);
    CU_ASSERT_EQUAL(len, 8 + n);
    CU_ASSERT_EQUAL(csum_fold(csum_add(0, out, len)), 0); /* a valid checksum sums to -0 */
    CU_ASSERT_EQUAL(icmp_decode(out, len, &m), 0);
    CU_ASSERT_EQUAL(m.type, ICMP_DEST_UNREACH);
    CU_ASSERT_EQUAL(m.code, ICMP_CODE_FRAG_NEEDED);
    CU_ASSERT_EQUAL(m.rest, 1400);
    CU_ASSERT_EQUAL(m.quote_len, n);
    CU_ASSERT(memcmp(m.quote, raw, n) == 0);
    out[0] = ICMP_TIME_EXCEEDED; /* 11: an ICMPv4 error, no ICMPv6 error has that type */
    CU_ASSERT_EQUAL(icmp_decode(out, len, &m), 0);
    CU_ASSERT_EQUAL(icmp6_decode(out, len, &m), WIRE_E_PROTO);
    CU_ASSERT_EQUAL(icmp_decode(out, 7, &m), WIRE_E_TRUNCATED);
    CU_ASSERT_EQUAL(icmp_encode(ICMP_DEST_UNREACH, 0, 0, raw, n, out, 20, &len), WIRE_E_BUF);
    CU_ASSERT_EQUAL(icmp_encode(8, 0, 0, raw, n, out, sizeof out, &len), WIRE_E_PROTO);
    free(raw);
    /* ICMPv6 time exceeded: quoted to 1232 bytes at most, checksum over the pseudo-header. */
    static uint8_t big[1500];
    v6("fd00::1", src);
    v6("fd00::2", dst);
    CU_ASSERT_EQUAL(icmp6_encode(ICMPV6_TIME_EXCEEDED, 0, 0, big, sizeof big, src, dst, out,
                                 sizeof out, &len), 0);
    CU_ASSERT_EQUAL(len, 8 + ICMPV6_QUOTE_MAX);
    uint32_t ph = csum_pseudo_v6(src, dst, IPV6_NH_ICMPV6, (uint32_t)len);
    CU_ASSERT_EQUAL(csum_fold(csum_add(ph, out, len)), 0);
    CU_ASSERT_EQUAL(icmp6_decode(out, len, &m), 0);
    CU_ASSERT_EQUAL(m.type, ICMPV6_TIME_EXCEEDED);
}

/* --- malformed IPv4 ---------------------------------------------------------------------- */

static void test_malformed_ipv4_headers_return_codes(void)
{
    uint8_t *raw;
    size_t n;
    struct ipv4_hdr h;
    struct ipv4_route r;
    raw = wt_frame_ip("i-ipv4-lsrr.pcap", 1, &n);
    uint8_t b[128];
    memcpy(b, raw, 60);
    CU_ASSERT_EQUAL(ipv4_decode(b, 19, &h), WIRE_E_TRUNCATED);
    CU_ASSERT_EQUAL(ipv4_decode(b, 27, &h), WIRE_E_TRUNCATED); /* IHL 7 needs 28 */
    b[0] = 0x57;
    CU_ASSERT_EQUAL(ipv4_decode(b, 60, &h), WIRE_E_VERSION);
    b[0] = 0x44;
    CU_ASSERT_EQUAL(ipv4_decode(b, 60, &h), WIRE_E_HDR_LEN);
    b[0] = 0x47;
    b[2] = 0, b[3] = 20; /* total length below the header length */
    CU_ASSERT_EQUAL(ipv4_decode(b, 60, &h), WIRE_E_TOTAL_LEN);
    memcpy(b, raw, 60);
    b[23] = 3; /* LSRR pointer 3 */
    CU_ASSERT_EQUAL(ipv4_decode(b, 60, &h), 0);
    CU_ASSERT_EQUAL(ipv4_route_get(&h, 0, &r), WIRE_E_OPT_PTR);
    b[23] = 5; /* pointer inside an address */
    CU_ASSERT_EQUAL(ipv4_decode(b, 60, &h), 0);
    CU_ASSERT_EQUAL(ipv4_route_get(&h, 0, &r), WIRE_E_OPT_PTR);
    memcpy(b, raw, 60);
    b[22] = 8; /* option length past the 8-byte option area */
    CU_ASSERT_EQUAL(ipv4_decode(b, 60, &h), WIRE_E_OPT_LEN);
    CU_ASSERT_EQUAL(h.nopts, 1); /* the NOP before it */
    b[22] = 1;
    CU_ASSERT_EQUAL(ipv4_decode(b, 60, &h), WIRE_E_OPT_LEN);
    b[22] = 6; /* LSRR length 6: not 3 + 4n; its last address byte then reads as a kind */
    CU_ASSERT_EQUAL(ipv4_decode(b, 60, &h), WIRE_E_OPT_LEN);
    CU_ASSERT_EQUAL(ipv4_route_get(&h, 0, &r), WIRE_E_OPT_LEN);
    free(raw);
}

/* The checksum sums host-order words and swaps once (RFC 1071 2(B)); the 20-byte IPv4 header
 * has an unrolled path. Both are compared, exactly, with the textbook definition (big-endian
 * 16-bit words, odd byte padded, end-around carry) over random buffers of every length 0..67,
 * split into an even-length head and a tail as callers chain them. */
static uint16_t reference_sum(const uint8_t *p, size_t len)
{
    uint64_t s = 0;
    for (size_t i = 0; i < len; i += 2)
        s += (uint32_t)p[i] << 8 | (i + 1 < len ? p[i + 1] : 0);
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    return (uint16_t)s;
}

static void test_checksum_equals_the_rfc1071_definition_for_every_length_and_split(void)
{
    uint8_t buf[68];
    uint64_t x = 12345;
    int bad = 0;
    for (int round = 0; round < 200; round++) {
        for (size_t i = 0; i < sizeof buf; i++) {
            x = x * 6364136223846793005ULL + 1442695040888963407ULL;
            buf[i] = round % 3 == 0 ? 0xff : (uint8_t)(x >> 56); /* all-ones: carry heavy */
        }
        for (size_t len = 0; len <= sizeof buf; len++) {
            uint16_t want = (uint16_t)~reference_sum(buf, len);
            if (csum_fold(csum_add(0, buf, len)) != want)
                bad++;
            for (size_t head = 0; head <= len; head += 2)
                if (csum_fold(csum_add(csum_add(0, buf, head), buf + head, len - head)) != want)
                    bad++;
        }
        for (size_t hl = 20; hl <= 60; hl += 4) {
            uint8_t h[60];
            memcpy(h, buf, hl);
            h[10] = h[11] = 0;
            uint16_t c = (uint16_t)~reference_sum(h, hl);
            if (csum_ipv4_header(buf, hl) != c)
                bad++;
            h[10] = (uint8_t)(c >> 8);
            h[11] = (uint8_t)c;
            if (!csum_ipv4_header_ok(h, hl))
                bad++;
            h[hl - 1] ^= 0x10; /* one flipped bit must be caught */
            if (csum_ipv4_header_ok(h, hl))
                bad++;
        }
    }
    CU_ASSERT_EQUAL(bad, 0);
}

SUITE(wire_ip, NULL, NULL,
      TEST(test_checksum_equals_the_rfc1071_definition_for_every_length_and_split),
      TEST(test_lsrr_of_capture_i_decodes_before_and_after_the_hop),
      TEST(test_lsrr_processing_at_the_router_gives_the_next_frame),
      TEST(test_lsrr_remove_then_insert_restores_the_linux_layout),
      TEST(test_route_insert_respects_the_40_byte_option_space),
      TEST(test_record_route_fills_slots_then_reports_full),
      TEST(test_srh_of_capture_h_decodes_segments),
      TEST(test_srh_endpoint_processing_gives_the_next_frame),
      TEST(test_srh_remove_then_insert_restores_the_capture),
      TEST(test_ipv6_extension_chain_with_fragment_and_options),
      TEST(test_malformed_ipv6_and_srh_return_codes),
      TEST(test_every_capture_checksum_verifies_with_final_destination),
      TEST(test_incremental_update_equals_full_recompute),
      TEST(test_icmp_errors_round_trip_with_valid_checksums),
      TEST(test_malformed_ipv4_headers_return_codes))
