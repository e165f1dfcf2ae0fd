/* test_tcp_options.c - what the negotiated options and the segment sizing do, over the
 * two-host pipe (tests/tcp_testnet.h): the MSS (the smaller offer wins; IPv6 offers 20 B less
 * than IPv4 from the same setting), Nagle's algorithm (RFC 896) on small writes, and PAWS
 * (RFC 7323 section 5) dropping a segment with an old timestamp. Values are exact: the pipe
 * is deterministic and every expected count is derived in the test.
 */
#include <stdbool.h>
#include <stdint.h>

#include "models/tcp/tcp_stack.h"
#include "models/wire/tcp.h"
#include "tests/harness.h"
#include "tests/tcp_testnet.h"

#define RATE 100000000ull /* 100 Mbit/s */
#define DELAY_MS 10

/* The MSS is derived per address family (tcp_family_mss): the configured 1460 B is the IPv4
 * value, and an IPv6 connection offers 20 B less (1440 B, an IPv6 header being 20 B longer),
 * as Linux does from a 1500 B MTU. With timestamps a full IPv6 segment then carries 1428 B,
 * so the IP packet is 40 + 20 + 12 + 1428 = 1500 B; IPv4 connections keep 1448 B. */
/* What one transfer of `bytes` from A to B over tn shows: the payload of A's first data
 * segment, and the MSS and timestamp agreement of A's socket (tn is freed). */
struct mss_seen {
    uint32_t first_len, mss;
    bool ts_ok;
};

static struct mss_seen transfer_and_look(struct tnet *tn, uint64_t bytes)
{
    struct tn_app cli = { 0 }, srv = { 0 };
    tnet_listen_sink(tn, &srv);
    tnet_connect_bulk(tn, &cli, bytes, NULL);
    sched_run(tn->s);
    CU_ASSERT_EQUAL(srv.read, bytes);
    struct mss_seen m = { 0 };
    const struct tn_seg *d = tnet_find(tn, TN_AB, 0, true, 0);
    CU_ASSERT_PTR_NOT_NULL(d);
    m.first_len = d ? d->len : 0;
    struct sock_info info;
    tcp_sock_get_info(cli.sock, &info);
    m.mss = info.mss;
    m.ts_ok = info.ts_ok;
    tcp_close(cli.sock);
    tcp_close(srv.sock);
    tnet_free(tn);
    return m;
}

static void test_ipv6_connection_offers_an_mss_20_bytes_smaller(void)
{
    struct tnet *tn = tnet_new(RATE, time_from_ms(DELAY_MS), NULL, NULL);
    tn->addr_a = (struct sock_addr){ .family = 6, .bytes = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 } };
    tn->addr_b = (struct sock_addr){ .family = 6, .bytes = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 } };
    struct mss_seen m = transfer_and_look(tn, 100000);
    CU_ASSERT_EQUAL(m.first_len, 1428);
    CU_ASSERT_TRUE(m.ts_ok);
    CU_ASSERT_EQUAL(m.mss, 1428);
}

static void test_mss_is_the_smaller_of_both_offers(void)
{
    struct tcp_config cb;
    tcp_config_default(&cb);
    cb.mss = 536;
    cb.timestamps = false; /* no option overhead on B: B offers 536 */
    /* Timestamps need both SYNs to carry them (RFC 7323 section 3.2): off, so the full 536
     * bytes go in every segment. */
    struct mss_seen m = transfer_and_look(tnet_new(RATE, time_from_ms(DELAY_MS), NULL, &cb),
                                          10000);
    CU_ASSERT_EQUAL(m.first_len, 536);
    CU_ASSERT_FALSE(m.ts_ok);
    CU_ASSERT_EQUAL(m.mss, 536);
}

/* An application writing 100 bytes every millisecond. */
struct dribble {
    struct tcp_sock *sock;
    int left;
};

static void dribble_tick(struct sched *s, void *ctx, void *arg)
{
    (void)arg;
    struct dribble *d = ctx;
    if (d->left-- <= 0)
        return;
    tcp_send(d->sock, 100);
    sched_in(s, time_from_ms(1), dribble_tick, d, NULL);
}

static int small_segments_in_first_rtt(bool nagle)
{
    struct tnet *tn = tnet_new(RATE, time_from_ms(DELAY_MS), NULL, NULL);
    struct tn_app cli = { 0 }, srv = { 0 };
    tnet_listen_sink(tn, &srv);
    tnet_connect_bulk(tn, &cli, 0, NULL);
    cli.close_when_done = false;
    sched_run_until(tn->s, time_from_ms(30));
    tcp_sock_set_nagle(cli.sock, nagle);
    struct dribble d = { cli.sock, 50 };
    sim_time_t t0 = sched_now(tn->s);
    sched_in(tn->s, 0, dribble_tick, &d, NULL);
    sched_run_until(tn->s, time_from_ms(300));
    CU_ASSERT_EQUAL(srv.read, 5000);
    int n = 0;
    for (size_t k = 0; k < tn->nlog; k++)
        if (tn->log[k].dir == TN_AB && tn->log[k].len && tn->log[k].len < 1448 &&
            tn->log[k].at < t0 + time_from_ms(19))
            n++;
    tcp_abort(cli.sock);
    tnet_free(tn);
    return n;
}

static void test_nagle_holds_small_segments_while_data_is_unacknowledged(void)
{
    /* Without Nagle every 1 ms write leaves at once: 19 short segments in the first 19 ms.
     * With Nagle (RFC 896) only the first short one leaves before its ACK returns (the RTT is
     * 20 ms, and B delays that ACK); the rest wait until a full segment has accumulated. */
    CU_ASSERT_EQUAL(small_segments_in_first_rtt(false), 19);
    CU_ASSERT_EQUAL(small_segments_in_first_rtt(true), 1);
}

static void test_paws_drops_a_segment_with_an_old_timestamp(void)
{
    struct tnet *tn = tnet_new(RATE, time_from_ms(DELAY_MS), NULL, NULL);
    struct tn_app cli = { 0 }, srv = { 0 };
    tnet_listen_sink(tn, &srv);
    tnet_connect_bulk(tn, &cli, 0, NULL);
    cli.close_when_done = false;
    sched_run_until(tn->s, time_from_s(5));
    /* B's timestamps are in ms since 0: TS.Recent is about 10. A data segment at RCV.NXT with
     * TSval 0 (older) is an old duplicate (RFC 7323 section 5.3): dropped, answered with an
     * ACK, no data delivered. */
    struct tcp_hdr h = { 0 };
    h.sport = 80;
    h.dport = 49152;
    h.seq = tn->isn[TN_BA] + 1;
    h.ack = tn->isn[TN_AB] + 1;
    h.flags = TCP_FLAG_ACK;
    h.window = 1000;
    tcp_opt_append_nop(&h);
    tcp_opt_append_nop(&h);
    tcp_opt_append_timestamp(&h, 0, 0);
    tcp_opts_pad(&h);
    uint8_t buf[60];
    size_t n;
    tcp_encode(&h, buf, sizeof buf, &n);
    size_t before = tn->nlog;
    tcp_input(tn->a, pkt_copy_from(tn->pool, buf, n, 500), &tn->addr_b, &tn->addr_a);
    struct tcp_stack_stats ss;
    tcp_stack_get_stats(tn->a, &ss);
    CU_ASSERT_EQUAL(ss.paws_drops, 1);
    CU_ASSERT_EQUAL(tcp_sock_readable(cli.sock), 0);
    CU_ASSERT_EQUAL(tn->nlog, before + 1); /* the ACK */
    tcp_abort(cli.sock);
    tnet_free(tn);
}

SUITE(tcp_options, NULL, NULL,
      TEST(test_mss_is_the_smaller_of_both_offers),
      TEST(test_ipv6_connection_offers_an_mss_20_bytes_smaller),
      TEST(test_nagle_holds_small_segments_while_data_is_unacknowledged),
      TEST(test_paws_drops_a_segment_with_an_old_timestamp))
