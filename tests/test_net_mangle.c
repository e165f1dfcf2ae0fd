/* test_net_mangle.c - the middlebox rules (models/net/mangle.h) on real wire bytes: the
 * client's MP_CAPABLE SYN of the kernel capture a-mptcp-join-addaddr (frame 1), and a data
 * segment made from it. Every rewrite is checked against what the kernel captures show the
 * real middleboxes did (TCPOPTSTRIP: NOPs in place, j: flags 0x11, k: 1e 04 e0 00 after the
 * options), and every checksum against a full recomputation over the rewritten bytes (the
 * RFC 1071 sum, not the incremental update under test), so a wrong update cannot pass.
 * Rule syntax errors must say what was expected; the node glue is checked through a
 * scenario (direction, window, skip/max, probability, unknown link names).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/net/mangle.h"
#include "models/wire/bytes.h"
#include "models/wire/checksum.h"
#include "models/wire/tcp.h"
#include "sim/packet.h"
#include "tests/harness.h"
#include "tests/tcp_app_testutil.h"
#include "tests/wire_testutil.h"

static struct pkt_pool *pool;

static int setup(void) { return pkt_pool_new(NULL, &pool, NULL, 0) == 0 ? 0 : -1; }
static int teardown(void)
{
    pkt_pool_free(pool);
    return 0;
}

/* The kernel's MP_CAPABLE SYN (IPv4 20 B + TCP 44 B) as a packet; virtual payload v. A
 * small-class packet (64 bytes of room: none left), or with `room` a large-class one. */
static struct packet *kernel_pkt(uint32_t virt, bool room)
{
    size_t len;
    uint8_t *ip = wt_frame_ip("a-mptcp-join-addaddr.pcap", 1, &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ip);
    CU_ASSERT_EQUAL_FATAL(len, 64);
    struct packet *p = pkt_alloc(pool, room ? 256 : len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    memcpy(pkt_put(p, len), ip, len);
    pkt_set_virtual(p, virt);
    free(ip);
    return p;
}

static struct packet *kernel_syn(uint32_t virt) { return kernel_pkt(virt, false); }

/* The SYN turned into an ACK carrying `virt` bytes of (virtual, zero) payload, with the IP
 * total length and both checksums made right. */
static struct packet *data_segment(uint32_t virt, bool room)
{
    struct packet *p = kernel_pkt(virt, room);
    uint8_t *ip = pkt_data(p), *tcp = ip + 20;
    tcp[13] = 0x10;                                   /* ACK */
    wr16(ip + 2, (uint16_t)(pkt_wire_len(p)));
    wr16(ip + 10, 0);
    wr16(ip + 10, csum_ipv4_header(ip, 20));
    wr16(tcp + 16, 0);
    uint32_t ps = csum_pseudo_v4(rd32(ip + 12), rd32(ip + 16), 6,
                                 (uint32_t)(pkt_wire_len(p) - 20));
    wr16(tcp + 16, csum_transport(ps, tcp, pkt_len(p) - 20, 16));
    return p;
}

/* The IPv4 header checksum and the TCP checksum over the stored bytes (virtual payload is
 * zeros: it adds nothing) are both right. */
static void expect_checksums_valid(struct packet *p)
{
    uint8_t *ip = pkt_data(p);
    size_t ihl = (size_t)(ip[0] & 15) * 4;
    CU_ASSERT_TRUE(csum_ipv4_header_ok(ip, ihl));
    CU_ASSERT_EQUAL(rd16(ip + 2), pkt_wire_len(p));
    uint32_t ps = csum_pseudo_v4(rd32(ip + 12), rd32(ip + 16), 6,
                                 (uint32_t)(pkt_wire_len(p) - ihl));
    uint8_t *tcp = ip + ihl;
    CU_ASSERT_EQUAL(csum_transport(ps, tcp, pkt_len(p) - ihl, 16), rd16(tcp + 16));
}

static struct mangle_rule rule(const char *text)
{
    struct mangle_rule r;
    char err[256];
    int rc = mangle_rule_parse(text, &r, err, sizeof err);
    if (rc < 0)
        fprintf(stderr, "\n  %s: %s\n", text, err);
    CU_ASSERT_EQUAL_FATAL(rc, 0);
    return r;
}

/* iptables TCPOPTSTRIP (capture c): the option's bytes become NOPs, nothing moves. */
static void test_strip_turns_mptcp_into_nops_and_keeps_the_length(void)
{
    struct packet *p = kernel_syn(0);
    struct mangle_rule r = rule("strip 30");
    CU_ASSERT_EQUAL(mangle_match(&r, p), 1);
    uint8_t before[64];
    memcpy(before, pkt_data(p), 64);
    CU_ASSERT_EQUAL(mangle_apply(&r, p), 1);
    CU_ASSERT_EQUAL(pkt_len(p), 64);
    struct tcp_hdr h;
    CU_ASSERT_TRUE(tcp_decode(pkt_data(p) + 20, 44, &h) >= 0);
    CU_ASSERT_PTR_NULL(tcp_opt_find(&h, TCPOPT_MPTCP));
    uint16_t mss;
    CU_ASSERT_EQUAL(tcp_opt_get_mss(&h, &mss), 0);  /* the other options are untouched */
    CU_ASSERT_EQUAL(mss, 1460);
    CU_ASSERT_EQUAL(memcmp(pkt_data(p) + 60, "\x01\x01\x01\x01", 4), 0); /* MPC was last */
    CU_ASSERT_EQUAL(memcmp(pkt_data(p), before, 36), 0); /* up to the checksum: unchanged */
    expect_checksums_valid(p);
    CU_ASSERT_EQUAL(mangle_apply(&r, p), 0);        /* nothing left to strip */
    pkt_free(p);
}

/* nfq-mangle or=0x10 (captures j and tests/data/linux flagbit): flags 0x01 -> 0x11. */
static void test_mpc_flags_sets_bit_d_on_the_syn(void)
{
    struct packet *p = kernel_syn(0);
    struct mangle_rule r = rule("mpc-flags 0x10");
    CU_ASSERT_EQUAL(mangle_match(&r, p), 1);
    CU_ASSERT_EQUAL(pkt_data(p)[63], 0x01);
    CU_ASSERT_EQUAL(mangle_apply(&r, p), 1);
    CU_ASSERT_EQUAL(pkt_data(p)[63], 0x11);
    expect_checksums_valid(p);
    struct packet *d = data_segment(100, false);           /* not a SYN: the default on=mpc-syn */
    CU_ASSERT_EQUAL(mangle_match(&r, d), 0);
    pkt_free(d);
    pkt_free(p);
}

/* nfq-mangle append=1e04e000 (captures k, tests/data/linux unknown-subtype): the header grows
 * by 4 bytes, the IP total length and both checksums follow. */
static void test_append_grows_the_header_and_fixes_lengths(void)
{
    struct packet *p = kernel_syn(0);
    struct mangle_rule r = rule("append 1e04e000");
    CU_ASSERT_EQUAL(mangle_apply(&r, p), 1);
    CU_ASSERT_EQUAL(pkt_len(p), 68);
    uint8_t *tcp = pkt_data(p) + 20;
    CU_ASSERT_EQUAL(tcp[12] >> 4, 12);              /* 48-byte header */
    CU_ASSERT_EQUAL(memcmp(tcp + 44, "\x1e\x04\xe0\x00", 4), 0);
    expect_checksums_valid(p);
    struct tcp_hdr h;
    CU_ASSERT_TRUE(tcp_decode(tcp, 48, &h) >= 0);
    size_t mptcp_opts = 0;
    for (size_t i = 0; i < h.nopts; i++)
        mptcp_opts += h.opts[i].kind == TCPOPT_MPTCP;
    CU_ASSERT_EQUAL(mptcp_opts, 2);
    /* 48 bytes now; three more 4-byte options fit (60, the most), the next does not */
    for (int i = 0; i < 3; i++)
        CU_ASSERT_EQUAL(mangle_apply(&r, p), 1);
    CU_ASSERT_EQUAL(mangle_apply(&r, p), -1);
    expect_checksums_valid(p);
    pkt_free(p);
}

/* corrupt: a virtual payload byte becomes real (zeros before it), the wire length stays. */
static void test_corrupt_makes_a_payload_byte_real_and_keeps_the_checksum_valid(void)
{
    for (uint16_t off = 0; off < 4; off++) {         /* both byte positions of a word */
        struct packet *p = data_segment(1000, true);
        char text[64];
        snprintf(text, sizeof text, "corrupt %u value=0xa5", off);
        struct mangle_rule r = rule(text);
        CU_ASSERT_EQUAL(mangle_match(&r, p), 1);
        size_t wire = pkt_wire_len(p);
        CU_ASSERT_EQUAL(mangle_apply(&r, p), 1);
        CU_ASSERT_EQUAL(pkt_wire_len(p), wire);
        CU_ASSERT_EQUAL(pkt_len(p), 64 + off + 1u);
        CU_ASSERT_EQUAL(pkt_data(p)[64 + off], 0xa5);
        for (uint16_t k = 0; k < off; k++)
            CU_ASSERT_EQUAL(pkt_data(p)[64 + k], 0);
        expect_checksums_valid(p);
        pkt_free(p);
    }
    struct packet *syn = kernel_syn(0);
    struct mangle_rule r = rule("corrupt");
    CU_ASSERT_EQUAL(mangle_match(&r, syn), 0);      /* no payload: on=data does not match */
    pkt_free(syn);
    struct packet *p = data_segment(1000, false);
    r = rule("corrupt 0");                           /* a full small packet has no tailroom */
    CU_ASSERT_EQUAL(mangle_apply(&r, p), -1);
    CU_ASSERT_EQUAL(pkt_len(p), 64);
    CU_ASSERT_EQUAL(pkt_virtual_len(p), 1000);
    pkt_free(p);
}

static void expect_parse_error(const char *text, const char *needle)
{
    struct mangle_rule r;
    char err[256] = "";
    CU_ASSERT_EQUAL(mangle_rule_parse(text, &r, err, sizeof err), -1);
    if (!strstr(err, needle))
        fprintf(stderr, "\n  \"%s\": \"%s\" lacks \"%s\"\n", text, err, needle);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, needle));
}

static void test_bad_rules_say_what_was_expected(void)
{
    expect_parse_error("drop 30", "expected strip, mpc-flags, append or corrupt");
    expect_parse_error("strip", "expected its argument");
    expect_parse_error("strip 1", "option kind 2..255");
    expect_parse_error("append 1e0", "bytes in hex");
    expect_parse_error("strip 30 p=2", "probability");
    expect_parse_error("strip 30 on=acks", "expected all, syn, synack, nosyn, data or mpc-syn");
    expect_parse_error("strip 30 from=1x", "from=1x");
    expect_parse_error("strip 30 colour=red", "unknown key \"colour\"");
    expect_parse_error("corrupt value=0", "byte 1..255");
    expect_parse_error("strip 30 from=2s until=1s", "until must be later");
    struct mangle_rule r = rule("strip 30 on=nosyn p=0.25 in=wifi out=s1 from=1s until=2s "
                                "skip=3 max=7");
    CU_ASSERT_EQUAL(r.on, MANGLE_ON_NOSYN);
    CU_ASSERT_DOUBLE_EQUAL(r.p, 0.25, 0);
    CU_ASSERT_STRING_EQUAL(r.in, "wifi");
    CU_ASSERT_STRING_EQUAL(r.out, "s1");
    CU_ASSERT_EQUAL(r.from, time_from_s(1));
    CU_ASSERT_EQUAL(r.until, time_from_s(2));
    CU_ASSERT_EQUAL(r.skip, 3);
    CU_ASSERT_EQUAL(r.max, 7);
}

/* The node glue: a TCP transfer through a router whose rules pick packets by direction,
 * window, skip/max and probability. 300 kB client -> server: about 210 data segments one
 * way, ACKs the other; stripping timestamps from some data segments or the ACKs, SACK-
 * permitted from the SYN, or corrupting payload (TCP has no checksum check here) does not
 * stop the transfer. */
static const char *glue_yaml(const char *rules)
{
    static char text[2048];
    snprintf(text, sizeof text,
             "name: mangle\nduration: 5s\nseed: 1\n"
             "nodes:\n  - name: c\n  - name: r\n    mangle: [%s]\n  - name: s\n"
             "links:\n  - {name: up, a: c, b: r, rate: 100Mbps, delay: 1ms}\n"
             "  - {name: down, a: r, b: s, rate: 100Mbps, delay: 1ms}\n"
             "apps:\n  - {name: x, kind: bulk, node: c, dst: s, size: 300000B}\n"
             "  - {name: sink, kind: tcp-sink, node: s}\n",
             rules);
    return ta_write("mangle.yaml", text);
}

static void test_rules_pick_packets_by_direction_window_count_and_probability(void)
{
    char err[512];
    struct results_db *db = ta_run(
        glue_yaml("\"strip 8 in=up on=data skip=5 max=10\", \"strip 8 in=down on=nosyn\", "
                  "\"strip 4 in=up on=syn\", \"corrupt 0 in=up p=0.5\", "
                  "\"strip 8 out=up from=10s\""),
        time_from_s(5), NULL, NULL, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(db);
    double data = ta_scalar(db, "r.mangle1", "matched");
    CU_ASSERT_TRUE(data > 200);                      /* every data segment c sent */
    CU_ASSERT_EQUAL(ta_scalar(db, "r.mangle1", "applied"), 10);
    double acks = ta_scalar(db, "r.mangle2", "matched");
    CU_ASSERT_TRUE(acks > 50);                       /* the ACKs s sent, not its SYN/ACK */
    CU_ASSERT_EQUAL(ta_scalar(db, "r.mangle2", "applied"), acks);
    CU_ASSERT_EQUAL(ta_scalar(db, "r.mangle3", "matched"), 1); /* one SYN */
    CU_ASSERT_EQUAL(ta_scalar(db, "r.mangle3", "applied"), 1);
    /* rule 4 sees the same data segments as rule 1 and corrupts each with probability 1/2:
     * binomial(n, 1/2), within 5 standard deviations (a failure is a 1e-6 event) */
    double n = ta_scalar(db, "r.mangle4", "matched"), k = ta_scalar(db, "r.mangle4", "applied");
    CU_ASSERT_EQUAL(n, data);
    CU_ASSERT_TRUE(fabs(k - n / 2) < 5 * 0.5 * sqrt(n));
    CU_ASSERT_EQUAL(ta_scalar(db, "r.mangle4", "no_room"), 0);
    CU_ASSERT_EQUAL(ta_scalar(db, "r.mangle5", "matched"), 0); /* its window never opens */
    CU_ASSERT_EQUAL(ta_scalar(db, "x", "tx_bytes"), 300000);   /* TCP does not mind */
    CU_ASSERT_EQUAL(ta_scalar(db, "r", "config_errors"), 0);
    results_db_close(db);
}

static void test_unknown_link_is_a_config_error(void)
{
    char err[512];
    struct results_db *db = ta_run(glue_yaml("\"strip 30 in=wlan\""), time_from_s(1), NULL,
                                   NULL, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(db);
    CU_ASSERT_EQUAL(ta_scalar(db, "r", "config_errors"), 1);
    CU_ASSERT_EQUAL(ta_scalar(db, "r.mangle1", "matched"), 0);
    results_db_close(db);
    CU_ASSERT_PTR_NULL(ta_run(glue_yaml("\"strip 30 in\""), time_from_s(1), NULL, NULL, err,
                              sizeof err));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "\"in\": expected key=value (item 1"));
}

SUITE(net_mangle, setup, teardown,
      TEST(test_strip_turns_mptcp_into_nops_and_keeps_the_length),
      TEST(test_mpc_flags_sets_bit_d_on_the_syn),
      TEST(test_append_grows_the_header_and_fixes_lengths),
      TEST(test_corrupt_makes_a_payload_byte_real_and_keeps_the_checksum_valid),
      TEST(test_bad_rules_say_what_was_expected),
      TEST(test_rules_pick_packets_by_direction_window_count_and_probability),
      TEST(test_unknown_link_is_a_config_error))
