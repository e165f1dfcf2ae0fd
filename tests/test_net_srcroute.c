/* test_net_srcroute.c - source routing through listed hops: IPv4 LSRR and SSRR (RFC 791
 * section 3.1), IPv6 SRH endpoints (RFC 8754 section 4.3.1) with and without penultimate
 * segment pop, in full and reduced form (section 4.1.1), the RFC 7126 filter (drop_source_routed), and capture files that tshark
 * decodes cleanly with the source-route and SRH fields as expected.
 *
 * Topology: the shortest path h0 - r1 - r2 - h4, and a detour r1 - x - r2 that only a source
 * route takes. Auto addresses: h0 .1, r1 .2, r2 .3, h4 .4, x .5 (10.0.0.N, fd00::N). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/wire/bytes.h"
#include "models/wire/icmp.h"
#include "models/wire/ipv4.h"
#include "models/wire/ipv6.h"
#include "models/wire/wire_err.h"
#include "tests/harness.h"
#include "tests/ip_testutil.h"

static const char *const names[] = { "h0", "r1", "r2", "h4", "x" };

static struct world *topo(const char *r1_extra, const char *x_extra, const char *pcap)
{
    char yaml[1024];
    snprintf(yaml, sizeof yaml,
             "nodes:\n  - name: h0\n  - name: r1\n%s  - name: r2\n  - name: h4\n"
             "  - name: x\n%s"
             "links:\n  - {name: l1, a: h0, b: r1}\n  - {name: l2, a: r1, b: r2}\n"
             "  - {name: l3, a: r2, b: h4}\n  - {name: lx1, a: r1, b: x}\n"
             "  - {name: lx2, a: x, b: r2}\n", r1_extra, x_extra);
    return ipt_world(yaml, pcap);
}

/* topo() with every node traced into tr and h4 taking UDP port 9 into rx. */
static struct world *traced_topo(const char *r1_extra, const char *x_extra,
                                 struct ipt_trace *tr, struct ipt_rx *rx)
{
    struct world *w = topo(r1_extra, x_extra, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    ipt_trace_nodes(w, names, 5, tr);
    ipt_listen_udp(w, "h4", 9, rx);
    return w;
}

/* h0 -> h4 over IPv4 with a source route of type `type` through hops. */
static struct packet *routed_v4(struct world *w, uint8_t type, const uint32_t *hops, size_t n)
{
    struct packet *p = ipt_udp(w, "10.0.0.1", "10.0.0.4", 64, 200);
    struct ipv4_hdr h;
    size_t len;
    if (!p || ipv4_decode(pkt_data(p), pkt_len(p), &h) < 0 ||
        ipv4_route_insert(&h, type, hops, n) < 0)
        return NULL;
    pkt_pull(p, IPV4_HDR_MIN_LEN);
    uint8_t *front = pkt_push(p, ipv4_hdr_len(&h));
    ipv4_encode(&h, front, ipv4_hdr_len(&h), &len);
    return p;
}

/* h0 -> h4 over IPv6 with an SRH through hops (last digit of fd00::N), full or reduced. */
static struct packet *routed_v6_as(struct world *w, const uint8_t *hop_ids, size_t n,
                                   bool reduced)
{
    struct packet *p = ipt_udp(w, "fd00::1", "fd00::4", 64, 200);
    static struct ipv6_hdr h;
    uint8_t hops[4][16];
    size_t len;
    for (size_t i = 0; i < n; i++) {
        memset(hops[i], 0, 16);
        hops[i][0] = 0xfd;
        hops[i][15] = hop_ids[i];
    }
    if (!p || ipv6_decode(pkt_data(p), pkt_len(p), &h) < 0)
        return NULL;
    const uint8_t(*list)[16] = (const uint8_t(*)[16])hops;
    int err = reduced ? ipv6_srh_insert_reduced(&h, list, n) : ipv6_srh_insert(&h, list, n);
    if (err < 0)
        return NULL;
    pkt_pull(p, IPV6_HDR_LEN);
    uint8_t *front = pkt_push(p, ipv6_hdr_len(&h));
    ipv6_encode(&h, front, ipv6_hdr_len(&h), &len);
    return p;
}

static struct packet *routed_v6(struct world *w, const uint8_t *hop_ids, size_t n)
{
    return routed_v6_as(w, hop_ids, n, false);
}

static void test_lsrr_packet_takes_the_listed_detour_and_records_it(void)
{
    struct ipt_trace tr;
    struct ipt_rx rx;
    struct world *w = traced_topo("", "", &tr, &rx);
    uint32_t via_x = 0x0a000005;
    net_node_send(ipt_node(w, "h0"), routed_v4(w, IPOPT_LSRR, &via_x, 1));
    world_run(w, NULL, NULL);
    CU_ASSERT_STRING_EQUAL(tr.buf, "h0 r1 x r2 h4 ");
    CU_ASSERT_EQUAL_FATAL(rx.n, 1);
    struct ipv4_hdr h;
    struct ipv4_route r;
    CU_ASSERT_EQUAL_FATAL(ipv4_decode(rx.last, rx.last_len, &h), 0);
    CU_ASSERT_TRUE(ipv4_csum_ok(&h));
    CU_ASSERT_EQUAL(h.dst, 0x0a000004);
    CU_ASSERT_EQUAL_FATAL(ipv4_route_get(&h, IPOPT_LSRR, &r), 0);
    CU_ASSERT_FALSE(ipv4_route_pending(&r));
    CU_ASSERT_EQUAL(r.addr[0], 0x0a000005); /* x recorded itself in place of h4 */
    world_free(w);
}

static void test_route_listing_a_node_twice_in_a_row_is_processed_in_one_visit(void)
{
    /* RFC 791 / RFC 8754: when the next listed address is the node's own, the node
     * processes the route again instead of sending the packet to itself. */
    struct ipt_trace tr;
    struct ipt_rx rx;
    struct world *w = traced_topo("", "", &tr, &rx);
    uint32_t twice[2] = { 0x0a000005, 0x0a000005 };
    const uint8_t twice6[2] = { 5, 5 };
    net_node_send(ipt_node(w, "h0"), routed_v4(w, IPOPT_LSRR, twice, 2));
    net_node_send(ipt_node(w, "h0"), routed_v6(w, twice6, 2));
    world_run(w, NULL, NULL);
    CU_ASSERT_STRING_EQUAL(tr.buf, "h0 h0 r1 r1 x x r2 r2 h4 h4 ");
    CU_ASSERT_EQUAL(rx.n, 2);
    world_free(w);
}

static void test_record_route_collects_each_router_on_the_way(void)
{
    /* RFC 791 record route with room for 3 addresses (NOP + type 7, length 15, pointer 4):
     * r1, r2 and x would all fit, but the path h0 r1 r2 h4 has two routers. */
    struct world *w = topo("", "", NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    struct ipt_rx rx;
    ipt_listen_udp(w, "h4", 9, &rx);
    struct packet *p = ipt_udp(w, "10.0.0.1", "10.0.0.4", 64, 200);
    struct ipv4_hdr h;
    size_t len;
    CU_ASSERT_EQUAL_FATAL(ipv4_decode(pkt_data(p), pkt_len(p), &h), 0);
    uint8_t rr[16] = { IPOPT_NOP, IPOPT_RR, 15, 4 };
    memcpy(h.opt, rr, sizeof rr);
    h.optlen = sizeof rr;
    h.tot_len = (uint16_t)(h.tot_len + sizeof rr);
    CU_ASSERT_EQUAL_FATAL(ipv4_opts_parse(&h), 0);
    ipv4_set_csum(&h);
    pkt_pull(p, IPV4_HDR_MIN_LEN);
    ipv4_encode(&h, pkt_push(p, ipv4_hdr_len(&h)), ipv4_hdr_len(&h), &len);
    net_node_send(ipt_node(w, "h0"), p);
    world_run(w, NULL, NULL);
    CU_ASSERT_EQUAL_FATAL(rx.n, 1);
    struct ipv4_route r;
    CU_ASSERT_EQUAL_FATAL(ipv4_decode(rx.last, rx.last_len, &h), 0);
    CU_ASSERT_TRUE(ipv4_csum_ok(&h));
    CU_ASSERT_EQUAL_FATAL(ipv4_route_get(&h, IPOPT_RR, &r), 0);
    CU_ASSERT_EQUAL(r.ptr, 12);
    CU_ASSERT_EQUAL(r.addr[0], 0x0a000002);
    CU_ASSERT_EQUAL(r.addr[1], 0x0a000003);
    CU_ASSERT_EQUAL(r.addr[2], 0);
    world_free(w);
}

static void test_ssrr_through_neighbours_arrives_and_through_a_stranger_fails(void)
{
    struct ipt_trace tr;
    struct ipt_rx rx, icmp;
    struct world *w = traced_topo("", "", &tr, &rx);
    uint32_t strict[2] = { 0x0a000002, 0x0a000003 }; /* r1, r2: each the next neighbour */
    net_node_send(ipt_node(w, "h0"), routed_v4(w, IPOPT_SSRR, strict, 2));
    world_run(w, NULL, NULL);
    CU_ASSERT_STRING_EQUAL(tr.buf, "h0 r1 r2 h4 ");
    CU_ASSERT_EQUAL(rx.n, 1);
    world_free(w);

    w = traced_topo("", "", &tr, &rx);
    ipt_listen_proto(w, "h0", 1, &icmp);
    uint32_t via_x = 0x0a000005; /* x is not h4's neighbour: x must refuse */
    net_node_send(ipt_node(w, "h0"), routed_v4(w, IPOPT_SSRR, &via_x, 1));
    world_run(w, NULL, NULL);
    CU_ASSERT_STRING_EQUAL(tr.buf, "h0 r1 x x r1 h0 ");
    CU_ASSERT_EQUAL(rx.n, 0);
    CU_ASSERT_EQUAL_FATAL(icmp.n, 1);
    CU_ASSERT_EQUAL(icmp.last[20], ICMP_DEST_UNREACH);
    CU_ASSERT_EQUAL(icmp.last[21], ICMP_CODE_SRCRT_FAILED);
    world_free(w);
}

static void test_drop_source_routed_filters_lsrr_and_srh_but_not_plain_packets(void)
{
    struct world *w = topo("    drop_source_routed: true\n", "", NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    struct ipt_rx rx;
    ipt_listen_udp(w, "h4", 9, &rx);
    uint32_t via_x = 0x0a000005;
    const uint8_t x6 = 5;
    net_node_send(ipt_node(w, "h0"), routed_v4(w, IPOPT_LSRR, &via_x, 1));
    net_node_send(ipt_node(w, "h0"), routed_v6(w, &x6, 1));
    net_node_send(ipt_node(w, "h0"), ipt_udp(w, "10.0.0.1", "10.0.0.4", 64, 200));
    net_node_send(ipt_node(w, "h0"), ipt_udp(w, "fd00::1", "fd00::4", 64, 200));
    world_run(w, NULL, NULL);
    CU_ASSERT_EQUAL(rx.n, 2); /* the two plain packets only */
    CU_ASSERT_EQUAL(rx.last[0] >> 4, 6);
    CU_ASSERT_EQUAL(rx.last[6], 17);
    world_free(w);
}

static void srh_case(bool psp, bool reduced)
{
    struct ipt_trace tr;
    struct ipt_rx rx;
    struct world *w = traced_topo("", psp ? "    srh_psp: true\n" : "", &tr, &rx);
    const uint8_t x6 = 5;
    net_node_send(ipt_node(w, "h0"), routed_v6_as(w, &x6, 1, reduced));
    world_run(w, NULL, NULL);
    CU_ASSERT_STRING_EQUAL(tr.buf, "h0 r1 x r2 h4 ");
    CU_ASSERT_EQUAL_FATAL(rx.n, 1);
    static struct ipv6_hdr h;
    CU_ASSERT_EQUAL_FATAL(ipv6_decode(rx.last, rx.last_len, &h), 0);
    CU_ASSERT_EQUAL(h.dst[15], 4);
    CU_ASSERT_EQUAL(h.proto, 17);
    struct ipv6_srh s;
    if (psp) {
        /* x consumed the last segment and popped the header: 40 (24) bytes shorter. */
        CU_ASSERT_EQUAL(ipv6_srh_get(&h, &s), WIRE_E_NOT_FOUND);
        CU_ASSERT_EQUAL(h.plen, 8 + 200);
    } else {
        /* Full: {h4, x}, 40 bytes; reduced: {h4} only, x was in the destination, 24. */
        CU_ASSERT_EQUAL_FATAL(ipv6_srh_get(&h, &s), 0);
        CU_ASSERT_EQUAL(s.segleft, 0);
        CU_ASSERT_EQUAL(s.nseg, reduced ? 1 : 2);
        CU_ASSERT_EQUAL(h.plen, (reduced ? 24 : 40) + 8 + 200);
    }
    world_free(w);
}

static void test_srh_endpoint_updates_the_destination_from_the_segment_list(void)
{
    srh_case(false, false);
}

static void test_srh_penultimate_segment_pop_removes_the_header(void)
{
    srh_case(true, false);
}

static void test_reduced_srh_reaches_the_final_destination_through_its_endpoint(void)
{
    srh_case(false, true);
    srh_case(true, true);
}

/* Reduced SRH through {x, r1}: the first segment x is only in the destination; at x the next
 * one must come from Segment List[Last Entry] (r1), which sends the packet back the way it
 * came before r1 forwards it to h4. The same list twice in a row ({x, x}) is processed in
 * one visit. */
static void test_reduced_srh_second_segment_comes_from_the_last_list_entry(void)
{
    struct world *w = topo("", "", NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    struct ipt_trace tr;
    struct ipt_rx rx;
    ipt_trace_nodes(w, names, 5, &tr);
    ipt_listen_udp(w, "h4", 9, &rx);
    const uint8_t back[2] = { 5, 2 };
    net_node_send(ipt_node(w, "h0"), routed_v6_as(w, back, 2, true));
    world_run(w, NULL, NULL);
    CU_ASSERT_STRING_EQUAL(tr.buf, "h0 r1 x r1 r2 h4 ");
    CU_ASSERT_EQUAL_FATAL(rx.n, 1);
    static struct ipv6_hdr h;
    struct ipv6_srh s;
    CU_ASSERT_EQUAL_FATAL(ipv6_decode(rx.last, rx.last_len, &h), 0);
    CU_ASSERT_EQUAL_FATAL(ipv6_srh_get(&h, &s), 0);
    CU_ASSERT_EQUAL(s.segleft, 0);
    CU_ASSERT_EQUAL(s.last_entry, 1);
    CU_ASSERT_EQUAL(s.segs[16 + 15], 2); /* Segment List[1] = r1, [0] = h4 */
    CU_ASSERT_EQUAL(h.dst[15], 4);
    world_free(w);
    w = topo("", "", NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    ipt_trace_nodes(w, names, 5, &tr);
    ipt_listen_udp(w, "h4", 9, &rx);
    const uint8_t twice[2] = { 5, 5 };
    net_node_send(ipt_node(w, "h0"), routed_v6_as(w, twice, 2, true));
    world_run(w, NULL, NULL);
    CU_ASSERT_STRING_EQUAL(tr.buf, "h0 r1 x r2 h4 ");
    CU_ASSERT_EQUAL(rx.n, 1);
    world_free(w);
}

static int tshark_fields(const char *file, const char *fields, char **out)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "tshark -r %s -n -T fields %s 2>/dev/null | grep -v '^Running as'",
             file, fields);
    return harness_run(cmd, out);
}

static void test_captured_source_routes_decode_cleanly_in_tshark(void)
{
    if (!harness_have_tool("tshark")) {
        harness_skip("tshark not installed");
        return;
    }
    char dir[512], cmd[1200], file[600], *out = NULL;
    snprintf(dir, sizeof dir, "%s/srcroute-pcap", harness_tmpdir());
    snprintf(cmd, sizeof cmd, "mkdir -p %s", dir);
    CU_ASSERT_EQUAL_FATAL(harness_run(cmd, NULL), 0);
    struct world *w = topo("", "", dir);
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    uint32_t via_x = 0x0a000005;
    const uint8_t x6 = 5;
    net_node_send(ipt_node(w, "h0"), routed_v4(w, IPOPT_LSRR, &via_x, 1));
    net_node_send(ipt_node(w, "h0"), routed_v6(w, &x6, 1));
    world_run(w, NULL, NULL);
    world_free(w); /* closes the files */
    const char *files[] = { "h0-l1", "r1-l1", "r1-lx1", "x-lx1", "x-lx2", "r2-lx2", "r2-l3",
                            "h4-l3" };
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(cmd, sizeof cmd, "%s -q %s/%s.pcap", harness_shared("tools/check-pcap.sh"),
                 dir, files[i]);
        CU_ASSERT_EQUAL(harness_run(cmd, NULL), 0);
    }
    /* Wireshark shows an LSRR packet's header destination as the current route (ip.cur_rt)
     * and the route's final address as ip.dst. Before x (ingress on lx1): current route x,
     * final h4, pointer 4; SRH with Segments Left 1 and destination x. After x (lx2): x's
     * address recorded (ip.rec_rt), pointer 8; Segments Left 0, destination h4. */
    const char *fields = "-e ip.cur_rt -e ip.rec_rt -e ip.opt.ptr -e ip.dst -e ipv6.dst "
                         "-e ipv6.routing.segleft -e ipv6.routing.srh.addr";
    snprintf(file, sizeof file, "%s/x-lx1.pcap", dir);
    CU_ASSERT_EQUAL(tshark_fields(file, fields, &out), 0);
    CU_ASSERT_STRING_EQUAL(out, "10.0.0.5\t\t4\t10.0.0.4\t\t\t\n"
                                "\t\t\t\tfd00::5\t1\tfd00::4,fd00::5\n");
    free(out);
    snprintf(file, sizeof file, "%s/x-lx2.pcap", dir);
    CU_ASSERT_EQUAL(tshark_fields(file, fields, &out), 0);
    CU_ASSERT_STRING_EQUAL(out, "\t10.0.0.5\t8\t10.0.0.4\t\t\t\n"
                                "\t\t\t\tfd00::4\t0\tfd00::4,fd00::5\n");
    free(out);
}

/* The {x, r1} detour of a reduced SRH, captured on every interface: every file passes
 * check-pcap.sh, and at x tshark sees the packet arrive with x only in the destination
 * (Segments Left 2 = Last Entry + 1, list {h4, r1}) and leave towards r1 (Segments Left 1). */
static void test_reduced_srh_captures_decode_cleanly_in_tshark(void)
{
    if (!harness_have_tool("tshark")) {
        harness_skip("tshark not installed");
        return;
    }
    char dir[512], cmd[1200], file[600], *out = NULL;
    snprintf(dir, sizeof dir, "%s/srh-reduced-pcap", harness_tmpdir());
    snprintf(cmd, sizeof cmd, "mkdir -p %s", dir);
    CU_ASSERT_EQUAL_FATAL(harness_run(cmd, NULL), 0);
    struct world *w = topo("", "", dir);
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    struct ipt_rx rx; /* a listener, so that h4 sends no port unreachable back */
    ipt_listen_udp(w, "h4", 9, &rx);
    const uint8_t back[2] = { 5, 2 };
    net_node_send(ipt_node(w, "h0"), routed_v6_as(w, back, 2, true));
    world_run(w, NULL, NULL);
    world_free(w);
    const char *files[] = { "h0-l1", "r1-lx1", "x-lx1", "r1-l2", "r2-l3", "h4-l3" };
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(cmd, sizeof cmd, "%s -q %s/%s.pcap", harness_shared("tools/check-pcap.sh"),
                 dir, files[i]);
        CU_ASSERT_EQUAL(harness_run(cmd, NULL), 0);
    }
    const char *fields = "-e ipv6.dst -e ipv6.routing.len -e ipv6.routing.segleft "
                         "-e ipv6.routing.srh.last_entry -e ipv6.routing.srh.addr";
    snprintf(file, sizeof file, "%s/x-lx1.pcap", dir);
    CU_ASSERT_EQUAL(tshark_fields(file, fields, &out), 0);
    CU_ASSERT_STRING_EQUAL(out, "fd00::5\t4\t2\t1\tfd00::4,fd00::2\n"
                                "fd00::2\t4\t1\t1\tfd00::4,fd00::2\n");
    free(out);
    snprintf(file, sizeof file, "%s/h4-l3.pcap", dir);
    CU_ASSERT_EQUAL(tshark_fields(file, fields, &out), 0);
    CU_ASSERT_STRING_EQUAL(out, "fd00::4\t4\t0\t1\tfd00::4,fd00::2\n");
    free(out);
}

SUITE(net_srcroute, NULL, NULL,
      TEST(test_lsrr_packet_takes_the_listed_detour_and_records_it),
      TEST(test_route_listing_a_node_twice_in_a_row_is_processed_in_one_visit),
      TEST(test_record_route_collects_each_router_on_the_way),
      TEST(test_ssrr_through_neighbours_arrives_and_through_a_stranger_fails),
      TEST(test_drop_source_routed_filters_lsrr_and_srh_but_not_plain_packets),
      TEST(test_srh_endpoint_updates_the_destination_from_the_segment_list),
      TEST(test_srh_penultimate_segment_pop_removes_the_header),
      TEST(test_reduced_srh_reaches_the_final_destination_through_its_endpoint),
      TEST(test_reduced_srh_second_segment_comes_from_the_last_list_entry),
      TEST(test_captured_source_routes_decode_cleanly_in_tshark),
      TEST(test_reduced_srh_captures_decode_cleanly_in_tshark))
