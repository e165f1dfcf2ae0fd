/* test_radio_route.c - automatic routing across the radio links (wifi, lte through
 * radio_attach) and capture of radio interfaces, with no static route anywhere.
 *
 * Topology (auto addresses 10.0.0.N in node order: phone .1, sta .2, ap .3, enb .4, r .5,
 * server .6; the phone also has 192.168.1.2 on wlan and 100.64.0.2 on cell):
 *
 *          wlan (wifi)  ap  --- w1 ---
 *   phone <    sta ----/                r --- core --- server
 *          cell (lte)   enb --- w2 ---
 *
 * Paths are read from the nodes themselves (a hook tracer, tests/ip_testutil.h): the
 * server echoes every UDP datagram back to its source, so one trace shows both directions.
 * Counts are exact: the radios lose nothing (no loss, no outage, one packet at a time).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "models/wire/bytes.h"
#include "tests/harness.h"
#include "tests/ip_testutil.h"
#include "tests/net_testutil.h"

static const char wlan_link[] = "  - {name: wlan, kind: wifi, ap: ap, stations: \"phone,sta\"}\n";
static const char cell_link[] =
    "  - {name: cell, kind: lte, bs: enb, phones: phone, promotion_delay: 1ms, base_delay: 5ms}\n";

/* The scenario body; cell_first declares the LTE link before the WiFi one (so the phone's
 * first interface is cell); ap_extra is appended to the ap's node entry. */
static void topo_yaml(char *buf, size_t len, int cell_first, const char *ap_extra)
{
    snprintf(buf, len,
             "nodes:\n  - name: phone\n    interfaces: \"wlan=192.168.1.2; cell=100.64.0.2\"\n"
             "  - name: sta\n  - name: ap\n%s  - name: enb\n  - name: r\n  - name: server\n"
             "links:\n%s%s"
             "  - {name: w1, a: ap, b: r, rate: 1Gbps, delay: 1ms}\n"
             "  - {name: w2, a: enb, b: r, rate: 1Gbps, delay: 1ms}\n"
             "  - {name: core, a: r, b: server, rate: 1Gbps, delay: 1ms}\n",
             ap_extra, cell_first ? cell_link : wlan_link, cell_first ? wlan_link : cell_link);
}

static struct world *topo(int cell_first, const char *ap_extra, const char *pcap_dir)
{
    char yaml[2048];
    topo_yaml(yaml, sizeof yaml, cell_first, ap_extra);
    return ipt_world(yaml, pcap_dir);
}

/* The server's UDP echo on port 9: the datagram goes back to its source address. */
struct echo {
    struct world *w;
    struct net_node *server;
    size_t n;
};

static void echo_rx(void *ctx, struct packet *p)
{
    struct echo *e = ctx;
    const uint8_t *h = pkt_data(p);
    struct net_addr src = net_addr_v4(rd32(h + 12)), dst = net_addr_v4(rd32(h + 16));
    char s[NET_ADDR_STRLEN], d[NET_ADDR_STRLEN];
    pkt_free(p);
    struct packet *reply = ipt_udp(e->w, net_addr_format(&dst, d, sizeof d),
                                   net_addr_format(&src, s, sizeof s), 64, 100);
    if (reply) {
        e->n++;
        net_node_send(e->server, reply);
    }
}

static void echo_on(struct world *w, struct echo *e)
{
    *e = (struct echo){ w, ipt_node(w, "server"), 0 };
    net_node_bind_udp(e->server, 9, echo_rx, e);
}

static const char *const traced[] = { "phone", "sta", "ap", "enb", "r", "server" };

/* One datagram from node `from` with source src to dst, echoed by the server when echo: the
 * trace into tr, the TTL of the last datagram node `to` got on port 9 into *ttl_at_arrival
 * (when not NULL), the number of datagrams `to` got as the result. */
static size_t exchange(int cell_first, bool echo, const char *from, const char *src,
                       const char *dst, const char *to, struct ipt_trace *tr,
                       uint8_t *ttl_at_arrival)
{
    struct world *w = topo(cell_first, "", NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    struct echo e;
    struct ipt_rx rx;
    if (echo)
        echo_on(w, &e);
    ipt_listen_udp(w, to, 9, &rx);
    ipt_trace_nodes(w, traced, sizeof traced / sizeof traced[0], tr);
    net_node_send(ipt_node(w, from), ipt_udp(w, src, dst, 64, 100));
    world_run(w, NULL, NULL);
    if (ttl_at_arrival)
        *ttl_at_arrival = rx.last_len > 8 ? rx.last[8] : 0;
    world_free(w);
    return rx.n;
}

/* The round trip of a datagram echoed by the server: the number of replies `from` got. */
static size_t round_trip(int cell_first, const char *from, const char *src, const char *dst,
                         struct ipt_trace *tr, uint8_t *ttl_at_arrival)
{
    return exchange(cell_first, true, from, src, dst, from, tr, ttl_at_arrival);
}

static void test_station_reaches_server_through_the_access_point_and_gets_the_reply(void)
{
    struct ipt_trace tr;
    uint8_t ttl = 0;
    CU_ASSERT_EQUAL(round_trip(0, "sta", "10.0.0.2", "10.0.0.6", &tr, &ttl), 1);
    CU_ASSERT_STRING_EQUAL(tr.buf, "sta ap r server server r ap sta ");
    CU_ASSERT_EQUAL(ttl, 62); /* r and ap forwarded the reply */
}

static void test_multihomed_phone_sends_each_source_address_on_its_own_radio(void)
{
    /* The per-interface source picks the interface (node_route's local_src step), and the
     * reply to that address is routed back over the same radio (paths to an
     * interface-bound address end through its link). */
    static const char via_wlan[] = "phone ap r server server r ap phone ",
                      via_cell[] = "phone enb r server server r enb phone ";
    static const struct { int cell_first; const char *src, *path; } cases[] = {
        { 0, "192.168.1.2", via_wlan }, { 0, "100.64.0.2", via_cell },
        /* The same whatever the order the links are declared in. */
        { 1, "192.168.1.2", via_wlan }, { 1, "100.64.0.2", via_cell },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct ipt_trace tr;
        CU_ASSERT_EQUAL(round_trip(cases[i].cell_first, "phone", cases[i].src, "10.0.0.6", &tr,
                                   NULL), 1);
        CU_ASSERT_STRING_EQUAL(tr.buf, cases[i].path);
    }
}

static void test_equal_length_paths_leave_by_each_nodes_first_attached_interface(void)
{
    /* From the phone's primary address both radios give 3 hops to the server: the phone
     * takes its first attached interface (wlan when declared first, cell otherwise). The
     * reply to the primary address is chosen at each node the same way: r's first
     * interface is w1, so it comes back over WiFi in both cases. */
    struct ipt_trace tr;
    CU_ASSERT_EQUAL(round_trip(0, "phone", "10.0.0.1", "10.0.0.6", &tr, NULL), 1);
    CU_ASSERT_STRING_EQUAL(tr.buf, "phone ap r server server r ap phone ");
    CU_ASSERT_EQUAL(round_trip(1, "phone", "10.0.0.1", "10.0.0.6", &tr, NULL), 1);
    CU_ASSERT_STRING_EQUAL(tr.buf, "phone enb r server server r ap phone ");
}

static void test_station_to_station_traffic_is_relayed_by_the_access_point(void)
{
    /* WiFi infrastructure mode: a frame between stations crosses the air twice, via the
     * AP (which forwards it as a router: the TTL drops by one). The phone's LTE address is
     * entered over LTE even from a WiFi neighbour. */
    struct ipt_trace tr;
    uint8_t ttl = 0;
    size_t n = exchange(0, false, "sta", "10.0.0.2", "192.168.1.2", "phone", &tr, &ttl);
    CU_ASSERT_STRING_EQUAL(tr.buf, "sta ap phone ");
    CU_ASSERT_EQUAL_FATAL(n, 1);
    CU_ASSERT_EQUAL(ttl, 63);
    n = exchange(0, false, "sta", "10.0.0.2", "100.64.0.2", "phone", &tr, NULL);
    CU_ASSERT_STRING_EQUAL(tr.buf, "sta ap r enb phone ");
    CU_ASSERT_EQUAL(n, 1);
}

static void test_hub_interface_address_is_reached_from_every_station(void)
{
    /* An address given to the AP's wlan is the AP's: both stations reach it over the air. */
    struct world *w = topo(0, "    interfaces: \"wlan=192.168.1.1\"\n", NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    struct ipt_rx rx;
    struct ipt_trace tr;
    ipt_listen_udp(w, "ap", 9, &rx);
    ipt_trace_nodes(w, traced, sizeof traced / sizeof traced[0], &tr);
    net_node_send(ipt_node(w, "phone"), ipt_udp(w, "192.168.1.2", "192.168.1.1", 64, 100));
    net_node_send(ipt_node(w, "sta"), ipt_udp(w, "10.0.0.2", "192.168.1.1", 64, 100));
    world_run(w, NULL, NULL);
    CU_ASSERT_EQUAL(rx.n, 2);
    CU_ASSERT_STRING_EQUAL(tr.buf, "phone sta ap ap ");
    world_free(w);
}

static void test_tcp_transfer_over_wifi_and_lte_completes_with_no_static_routes(void)
{
    /* A TCP application end to end: 200 kB from the WiFi-only station, 100 kB from the
     * phone's primary address (it leaves by wlan, its first interface), and a UDP stream
     * from the server to the phone; every byte and datagram arrives. */
    char yaml[4096], body[2048];
    topo_yaml(body, sizeof body, 0, "");
    snprintf(yaml, sizeof yaml,
             "name: radio-route\nduration: 3s\n%s"
             "apps:\n"
             "  - {name: up, kind: bulk, node: sta, dst: server, port: 5001, size: 200kB}\n"
             "  - {name: up-sink, kind: tcp-sink, node: server, port: 5001}\n"
             "  - {name: up2, kind: bulk, node: phone, dst: server, port: 5002, size: 100kB}\n"
             "  - {name: up2-sink, kind: tcp-sink, node: server, port: 5002}\n"
             "  - {name: down, kind: cbr, node: server, dst: phone, port: 6000, size: 500B,\n"
             "     rate: 400kbps, stop: 2s}\n"
             "  - {name: down-sink, kind: sink, node: phone, port: 6000}\n",
             body);
    struct nt_rec rec;
    CU_ASSERT_EQUAL_FATAL(nt_rec_begin(&rec, "radio-route"), 0);
    struct world *w = nt_world(yaml, 1, 0, time_from_s(3), rec.rr);
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    world_run(w, NULL, NULL);
    nt_rec_end(&rec, time_from_s(3));
    world_free(w);
    CU_ASSERT_DOUBLE_EQUAL(nt_scalar(&rec, "up-sink", "rx_bytes"), 200000, 0);
    CU_ASSERT_DOUBLE_EQUAL(nt_scalar(&rec, "up-sink", "completed"), 1, 0);
    CU_ASSERT_DOUBLE_EQUAL(nt_scalar(&rec, "up2-sink", "rx_bytes"), 100000, 0);
    CU_ASSERT_DOUBLE_EQUAL(nt_scalar(&rec, "up2-sink", "completed"), 1, 0);
    /* 2 s of 500 B at 400 kbit/s: 200 datagrams. */
    CU_ASSERT_DOUBLE_EQUAL(nt_scalar(&rec, "down-sink", "rx_packets"), 200, 0);
    /* The TCP segments and their ACKs crossed the WiFi both ways; nothing took LTE. */
    CU_ASSERT(nt_scalar(&rec, "wlan.sta", "up_delivered_packets") > 140);
    CU_ASSERT(nt_scalar(&rec, "wlan.sta", "down_delivered_packets") > 0);
    CU_ASSERT(nt_scalar(&rec, "wlan.phone", "up_delivered_packets") > 70);
    CU_ASSERT_DOUBLE_EQUAL(nt_scalar(&rec, "cell.phone", "up_delivered_packets"), 0, 0);
    const char *const nodes[] = { "phone", "sta", "ap", "enb", "r", "server" };
    for (size_t i = 0; i < sizeof nodes / sizeof nodes[0]; i++) {
        CU_ASSERT_DOUBLE_EQUAL(nt_scalar(&rec, nodes[i], "drop_no_route"), 0, 0);
        CU_ASSERT_DOUBLE_EQUAL(nt_scalar(&rec, nodes[i], "config_errors"), 0, 0);
        CU_ASSERT_DOUBLE_EQUAL(nt_scalar(&rec, nodes[i], "routing_entries"), 0, 0);
    }
    nt_rec_close(&rec);
}

static void test_dev_route_on_a_radio_hub_is_a_configuration_error(void)
{
    /* The AP has one interface per station on wlan: "dev wlan" names none of them. */
    char yaml[4096], body[2048];
    topo_yaml(body, sizeof body, 0, "    routes: \"10.9.0.0/16 dev wlan\"\n");
    snprintf(yaml, sizeof yaml, "name: radio-dev\nduration: 10ms\n%s", body);
    struct nt_rec rec;
    CU_ASSERT_EQUAL_FATAL(nt_rec_begin(&rec, "radio-dev"), 0);
    struct world *w = nt_world(yaml, 1, 0, time_from_ms(10), rec.rr);
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    world_run(w, NULL, NULL);
    nt_rec_end(&rec, time_from_ms(10));
    world_free(w);
    CU_ASSERT_DOUBLE_EQUAL(nt_scalar(&rec, "ap", "config_errors"), 1, 0);
    CU_ASSERT_DOUBLE_EQUAL(nt_scalar(&rec, "ap", "routing_entries"), 0, 0);
    nt_rec_close(&rec);
}

/* Frames of a capture matching a display filter, through tshark; -1 on failure. */
static long tshark_count(const char *file, const char *filter)
{
    char cmd[1024], *out = NULL;
    snprintf(cmd, sizeof cmd, "tshark -r '%s' -Y '%s' 2>/dev/null | wc -l", file, filter);
    long n = -1;
    if (harness_run(cmd, &out) == 0 && out)
        n = strtol(out, NULL, 10);
    free(out);
    return n;
}

static void test_radio_captures_hold_both_directions_and_pass_tshark(void)
{
    if (!harness_have_tool("tshark")) {
        harness_skip("tshark not installed");
        return;
    }
    char dir[512];
    snprintf(dir, sizeof dir, "%s/radio-pcap", harness_tmpdir());
    mkdir(dir, 0755);
    struct world *w = topo(0, "", dir);
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    struct echo e;
    struct ipt_rx rx_phone, rx_sta;
    echo_on(w, &e);
    ipt_listen_udp(w, "phone", 9, &rx_phone);
    ipt_listen_udp(w, "sta", 9, &rx_sta);
    for (int i = 0; i < 5; i++) {
        net_node_send(ipt_node(w, "phone"), ipt_udp(w, "192.168.1.2", "10.0.0.6", 64, 300));
        net_node_send(ipt_node(w, "phone"), ipt_udp(w, "100.64.0.2", "10.0.0.6", 64, 300));
        net_node_send(ipt_node(w, "sta"), ipt_udp(w, "10.0.0.2", "10.0.0.6", 64, 300));
    }
    world_run(w, NULL, NULL);
    world_free(w); /* closes the files */
    CU_ASSERT_EQUAL(e.n, 15);
    CU_ASSERT_EQUAL(rx_phone.n, 10);
    CU_ASSERT_EQUAL(rx_sta.n, 5);
    /* Each file: what the node sent on the interface and what it received there. */
    static const struct {
        const char *file, *filter;
        long frames;
    } want[] = {
        { "phone-wlan.pcap", "ip.src == 192.168.1.2", 5 },
        { "phone-wlan.pcap", "ip.dst == 192.168.1.2", 5 },
        { "phone-wlan.pcap", "ip.addr == 100.64.0.2", 0 },
        { "phone-cell.pcap", "ip.src == 100.64.0.2", 5 },
        { "phone-cell.pcap", "ip.dst == 100.64.0.2", 5 },
        { "phone-cell.pcap", "ip.addr == 192.168.1.2", 0 },
        { "sta-wlan.pcap", "ip.dst == 10.0.0.2", 5 },
        { "ap-wlan.pcap", "ip", 20 }, /* both stations, both directions, in one file */
        { "ap-wlan.pcap", "ip.dst == 10.0.0.2", 5 },
        { "enb-cell.pcap", "ip", 10 },
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        char path[700];
        snprintf(path, sizeof path, "%s/%s", dir, want[i].file);
        long n = tshark_count(path, want[i].filter);
        if (n != want[i].frames)
            fprintf(stderr, "%s [%s]: %ld frames, expected %ld\n", want[i].file,
                    want[i].filter, n, want[i].frames);
        CU_ASSERT_EQUAL(n, want[i].frames);
    }
    const char *const checked[] = { "phone-wlan.pcap", "phone-cell.pcap", "sta-wlan.pcap",
                                    "ap-wlan.pcap", "enb-cell.pcap" };
    for (size_t i = 0; i < sizeof checked / sizeof checked[0]; i++) {
        char cmd[1400], *out = NULL;
        snprintf(cmd, sizeof cmd, "%s -q '%s/%s'",
                 harness_shared("tools/check-pcap.sh"), dir, checked[i]);
        int rc = harness_run(cmd, &out);
        if (rc != 0)
            fprintf(stderr, "%s\n", out ? out : "");
        CU_ASSERT_EQUAL(rc, 0);
        free(out);
    }
}

SUITE(radio_route, NULL, NULL,
      TEST(test_station_reaches_server_through_the_access_point_and_gets_the_reply),
      TEST(test_multihomed_phone_sends_each_source_address_on_its_own_radio),
      TEST(test_equal_length_paths_leave_by_each_nodes_first_attached_interface),
      TEST(test_station_to_station_traffic_is_relayed_by_the_access_point),
      TEST(test_hub_interface_address_is_reached_from_every_station),
      TEST(test_tcp_transfer_over_wifi_and_lte_completes_with_no_static_routes),
      TEST(test_dev_route_on_a_radio_hub_is_a_configuration_error),
      TEST(test_radio_captures_hold_both_directions_and_pass_tshark))
