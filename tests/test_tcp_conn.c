/* test_tcp_conn.c - TCP connection life cycle over the two-host pipe (tests/tcp_testnet.h):
 * handshake and byte counts, SYN retransmission timing and give-up,
 * simultaneous open, simultaneous close and the TIME-WAIT duration, resets (refused, reset,
 * RFC 5961 challenge ACK), sequence wrap-around, zero-window probing (options and segment
 * sizes: test_tcp_options.c). Times are compared
 * exactly where the model fixes them (timers armed at a known instant) and otherwise within
 * one serialization time, which the test states.
 */
#include <stdio.h>
#include <stdlib.h>

#include "models/tcp/tcp_stack.h"
#include "models/wire/tcp.h"
#include "tests/harness.h"
#include "tests/tcp_testnet.h"

#define RATE 100000000ull /* 100 Mbit/s */
#define DELAY_MS 10

static void test_handshake_and_transfer_deliver_every_byte(void)
{
    struct tnet *tn = tnet_new(RATE, time_from_ms(DELAY_MS), NULL, NULL);
    struct tn_app cli = { 0 }, srv = { 0 };
    tnet_listen_sink(tn, &srv);
    CU_ASSERT_EQUAL_FATAL(tnet_connect_bulk(tn, &cli, 1000000, NULL), 0);
    sched_run(tn->s);
    CU_ASSERT_TRUE(cli.connected);
    CU_ASSERT_TRUE(srv.connected);
    /* SYN, SYN-ACK, ACK: one RTT (20 ms) plus two 80-byte serializations of 6.4 us. */
    CU_ASSERT(cli.connected_at >= time_from_ms(20) && cli.connected_at < time_from_ms(21));
    CU_ASSERT_EQUAL(srv.read, 1000000);
    CU_ASSERT_TRUE(srv.eof);
    CU_ASSERT_TRUE(cli.eof);
    CU_ASSERT_TRUE(cli.closed);
    CU_ASSERT_TRUE(srv.closed);
    const struct tn_seg *syn = tnet_find(tn, TN_AB, TCP_FLAG_SYN, false, 0);
    const struct tn_seg *synack = tnet_find(tn, TN_BA, TCP_FLAG_SYN | TCP_FLAG_ACK, false, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(syn);
    CU_ASSERT_PTR_NOT_NULL_FATAL(synack);
    CU_ASSERT_EQUAL(synack->ack, syn->seq + 1);
    /* Every full data segment carries 1460 - 12 (timestamps) = 1448 bytes. */
    const struct tn_seg *d0 = tnet_find(tn, TN_AB, 0, true, 0);
    CU_ASSERT_EQUAL(d0->len, 1448);
    CU_ASSERT_EQUAL(tnet_count(tn, TN_AB, 0, true), (1000000 + 1447) / 1448);
    struct sock_stats st;
    tcp_sock_get_stats(cli.sock, &st);
    CU_ASSERT_EQUAL(st.bytes_acked, 1000000);
    CU_ASSERT_EQUAL(st.retrans_segs, 0);
    struct sock_info info;
    tcp_sock_get_info(cli.sock, &info);
    CU_ASSERT_TRUE(info.ts_ok);
    CU_ASSERT_TRUE(info.sack_ok);
    CU_ASSERT_EQUAL(info.rcv_wscale, 3); /* 256 KiB = 262144 > 65535 << 2: shift 3 */
    CU_ASSERT_EQUAL(info.snd_wscale, 3);
    /* The client closed first, so it went through TIME-WAIT (60 s) to CLOSED. */
    CU_ASSERT_EQUAL(tcp_sock_state(cli.sock), TCP_CLOSED);
    CU_ASSERT(sched_now(tn->s) >= time_from_s(60));
    tcp_close(cli.sock);
    tcp_close(srv.sock);
    struct tcp_stack_stats ss;
    tcp_stack_get_stats(tn->a, &ss);
    CU_ASSERT_EQUAL(ss.conns_live, 0);
    tnet_free(tn);
}

static void test_delayed_ack_acknowledges_every_second_segment(void)
{
    struct tnet *tn = tnet_new(RATE, time_from_ms(DELAY_MS), NULL, NULL);
    struct tn_app cli = { 0 }, srv = { 0 };
    tnet_listen_sink(tn, &srv);
    tnet_connect_bulk(tn, &cli, 20 * 1448, NULL);
    sched_run(tn->s);
    CU_ASSERT_EQUAL(srv.read, 20 * 1448);
    /* 20 full segments in order: 10 ACKs of data (each for two segments), no more, no
     * fewer; the last also covers the sender's FIN, B's own FIN is not a bare ACK. */
    int acks = 0;
    for (size_t k = 0; k < tn->nlog; k++) {
        const struct tn_seg *g = &tn->log[k];
        if (g->dir == TN_BA && g->len == 0 && g->flags == TCP_FLAG_ACK && g->rack > 0 &&
            g->rack <= 20 * 1448 + 1)
            acks++;
    }
    CU_ASSERT_EQUAL(acks, 10);
    tcp_close(cli.sock);
    tcp_close(srv.sock);
    tnet_free(tn);
}

static void test_delayed_ack_timer_fires_for_a_lone_segment(void)
{
    struct tnet *tn = tnet_new(RATE, time_from_ms(DELAY_MS), NULL, NULL);
    struct tn_app cli = { 0 }, srv = { 0 };
    tnet_listen_sink(tn, &srv);
    tnet_connect_bulk(tn, &cli, 100, NULL);
    cli.close_when_done = false;
    sched_run_until(tn->s, time_from_s(1));
    const struct tn_seg *d = tnet_find(tn, TN_AB, 0, true, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    /* The ACK of the single 100-byte segment leaves B 40 ms (delack_timeout) after it
     * arrived; arrival = send + serialization (152 B at 100 Mbit/s = 12.16 us) + 10 ms. */
    const struct tn_seg *a = NULL;
    for (size_t k = 0; k < tn->nlog; k++)
        if (tn->log[k].dir == TN_BA && tn->log[k].rack == 100)
            a = &tn->log[k];
    if (!a) {
        CU_FAIL_FATAL("expected segment not in the log");
        return;
    }
    /* It leaves behind the handshake's ACK (32 + 20 bytes) sent at the same instant. */
    sim_time_t arrival = d->at + time_to_send(32 + 20, RATE) +
                         time_to_send(d->len + 32 + 20, RATE) + time_from_ms(DELAY_MS);
    CU_ASSERT_EQUAL(a->at, arrival + time_from_ms(40));
    tcp_close(cli.sock);
    tnet_free(tn);
}

static void test_syn_retransmission_doubles_from_one_second(void)
{
    struct tnet *tn = tnet_new(RATE, time_from_ms(DELAY_MS), NULL, NULL);
    struct tn_app cli = { 0 }, srv = { 0 };
    tnet_listen_sink(tn, &srv);
    tnet_drop_flags(tn, TN_AB, TCP_FLAG_SYN, 3);
    tnet_connect_bulk(tn, &cli, 1000, NULL);
    /* The first data segment leaves at 7.02 s with the handshake; its ACK is back 20 ms
     * later, after which the RTO comes from a real sample. Look just before. */
    sched_run_until(tn->s, time_from_ms(7030));
    struct sock_info info;
    tcp_sock_get_info(cli.sock, &info);
    CU_ASSERT_EQUAL(info.rto, time_from_s(3)); /* RFC 6298 (5.7): no sample after a lost SYN */
    CU_ASSERT_EQUAL(info.cwnd, info.mss);      /* RFC 5681 3.1: one segment after a lost SYN */
    sched_run(tn->s);
    /* SYNs at 0, 1, 3 and 7 s (RFC 6298 2.1 initial RTO 1 s, doubled per (5.5)). */
    sim_time_t expect[4] = { 0, time_from_s(1), time_from_s(3), time_from_s(7) };
    for (int i = 0; i < 4; i++) {
        const struct tn_seg *g = tnet_find(tn, TN_AB, TCP_FLAG_SYN, false, i);
        CU_ASSERT_PTR_NOT_NULL_FATAL(g);
        CU_ASSERT_EQUAL(g->at, expect[i]);
    }
    CU_ASSERT_TRUE(cli.connected);
    CU_ASSERT(cli.connected_at > time_from_s(7) && cli.connected_at < time_from_ms(7021));
    CU_ASSERT_EQUAL(srv.read, 1000);
    tcp_close(cli.sock);
    tcp_close(srv.sock);
    tnet_free(tn);
}

static void test_connect_times_out_after_syn_retries(void)
{
    struct tcp_config cfg;
    tcp_config_default(&cfg);
    cfg.syn_retries = 2;
    struct tnet *tn = tnet_new(RATE, time_from_ms(DELAY_MS), &cfg, NULL);
    struct tn_app cli = { 0 }, srv = { 0 };
    tnet_listen_sink(tn, &srv);
    tnet_drop_flags(tn, TN_AB, TCP_FLAG_SYN, 100);
    tnet_connect_bulk(tn, &cli, 1000, NULL);
    sched_run(tn->s);
    CU_ASSERT_EQUAL(cli.error, SOCK_ERR_TIMEOUT);
    CU_ASSERT_EQUAL(tnet_count(tn, TN_AB, TCP_FLAG_SYN, false), 3);
    CU_ASSERT_EQUAL(sched_now(tn->s), time_from_s(7)); /* 1 + 2 + 4 s */
    tcp_close(cli.sock);
    tnet_free(tn);
}

static void test_connect_to_closed_port_is_refused(void)
{
    struct tnet *tn = tnet_new(RATE, time_from_ms(DELAY_MS), NULL, NULL);
    struct tn_app cli = { 0 };
    tnet_connect_bulk(tn, &cli, 1000, NULL);
    sched_run(tn->s);
    CU_ASSERT_EQUAL(cli.error, SOCK_ERR_REFUSED);
    CU_ASSERT_FALSE(cli.connected);
    const struct tn_seg *rst = tnet_find(tn, TN_BA, TCP_FLAG_RST | TCP_FLAG_ACK, false, 0);
    CU_ASSERT_PTR_NOT_NULL(rst);
    CU_ASSERT(sched_now(tn->s) < time_from_ms(21));
    tcp_close(cli.sock);
    tnet_free(tn);
}

static void abort_srv(struct sched *s, void *ctx, void *arg)
{
    (void)s;
    (void)arg;
    struct tn_app *srv = ctx;
    tcp_abort(srv->sock);
    srv->sock = NULL;
}

static void test_abort_resets_the_peer(void)
{
    struct tnet *tn = tnet_new(RATE, time_from_ms(DELAY_MS), NULL, NULL);
    struct tn_app cli = { 0 }, srv = { 0 };
    tnet_listen_sink(tn, &srv);
    tnet_connect_bulk(tn, &cli, 100000000, NULL);
    sched_at(tn->s, time_from_ms(100), abort_srv, &srv, NULL);
    sched_run(tn->s);
    CU_ASSERT_EQUAL(cli.error, SOCK_ERR_RESET);
    CU_ASSERT_EQUAL(tcp_sock_state(cli.sock), TCP_CLOSED);
    CU_ASSERT(sched_now(tn->s) < time_from_ms(200));
    tcp_close(cli.sock);
    tnet_free(tn);
}

/* Builds a bare segment from B's side of the connection and hands it to A. */
static void inject(struct tnet *tn, uint32_t seq, uint32_t ack, uint16_t flags)
{
    struct tcp_hdr h = { 0 };
    h.sport = 80;
    h.dport = 49152;
    h.seq = seq;
    h.ack = ack;
    h.flags = flags;
    h.window = 1000;
    uint8_t buf[20];
    size_t n;
    tcp_encode(&h, buf, sizeof buf, &n);
    struct packet *p = pkt_copy_from(tn->pool, buf, n, 0);
    tcp_input(tn->a, p, &tn->addr_b, &tn->addr_a);
}

static void test_reset_in_window_but_not_exact_draws_challenge_ack(void)
{
    struct tnet *tn = tnet_new(RATE, time_from_ms(DELAY_MS), NULL, NULL);
    struct tn_app cli = { 0 }, srv = { 0 };
    tnet_listen_sink(tn, &srv);
    tnet_connect_bulk(tn, &cli, 10000, NULL);
    cli.close_when_done = false;
    sched_run_until(tn->s, time_from_ms(500));
    CU_ASSERT_EQUAL_FATAL(tcp_sock_state(cli.sock), TCP_ESTABLISHED);
    uint32_t rcv_nxt = tn->isn[TN_BA] + 1;
    size_t before = tn->nlog;
    /* RFC 5961 3.2: in the window but not RCV.NXT -> challenge ACK, connection kept. */
    inject(tn, rcv_nxt + 100, 0, TCP_FLAG_RST);
    CU_ASSERT_EQUAL(tcp_sock_state(cli.sock), TCP_ESTABLISHED);
    CU_ASSERT_EQUAL(tn->nlog, before + 1);
    CU_ASSERT_EQUAL(tn->log[before].flags, TCP_FLAG_ACK);
    CU_ASSERT_EQUAL(tn->log[before].ack, rcv_nxt);
    /* Out of the window entirely: silently ignored. */
    inject(tn, rcv_nxt + 0x40000000u, 0, TCP_FLAG_RST);
    CU_ASSERT_EQUAL(tn->nlog, before + 1);
    /* A SYN on a synchronized connection (RFC 5961 4.2): challenge ACK too. */
    inject(tn, rcv_nxt, 0, TCP_FLAG_SYN);
    CU_ASSERT_EQUAL(tcp_sock_state(cli.sock), TCP_ESTABLISHED);
    CU_ASSERT_EQUAL(tn->nlog, before + 2);
    /* Exactly RCV.NXT: the connection is reset. */
    inject(tn, rcv_nxt, 0, TCP_FLAG_RST);
    CU_ASSERT_EQUAL(tcp_sock_state(cli.sock), TCP_CLOSED);
    CU_ASSERT_EQUAL(cli.error, SOCK_ERR_RESET);
    struct sock_stats st;
    tcp_sock_get_stats(cli.sock, &st);
    CU_ASSERT_EQUAL(st.challenge_acks, 2);
    tcp_close(cli.sock);
    tnet_free(tn);
}

static void both_shutdown(struct sched *s, void *ctx, void *arg)
{
    (void)s;
    struct tn_app *a = ctx, *b = arg;
    tcp_shutdown(a->sock);
    tcp_shutdown(b->sock);
}

static void test_simultaneous_close_goes_through_closing_to_time_wait(void)
{
    struct tnet *tn = tnet_new(RATE, time_from_ms(DELAY_MS), NULL, NULL);
    struct tn_app cli = { 0 }, srv = { 0 };
    tnet_listen_sink(tn, &srv);
    tnet_connect_bulk(tn, &cli, 5000, NULL);
    cli.close_when_done = false;
    sim_time_t t = time_from_ms(500);
    sched_at(tn->s, t, both_shutdown, &cli, &srv);
    sched_run_until(tn->s, t);
    CU_ASSERT_EQUAL(tcp_sock_state(cli.sock), TCP_FIN_WAIT_1);
    CU_ASSERT_EQUAL(tcp_sock_state(srv.sock), TCP_FIN_WAIT_1);
    /* Each FIN arrives after 10 ms + 6.4 us: both in CLOSING; each ACK of a FIN arrives
     * one more one-way delay later: both in TIME-WAIT. */
    sched_run_until(tn->s, t + time_from_ms(15));
    CU_ASSERT_EQUAL(tcp_sock_state(cli.sock), TCP_CLOSING);
    CU_ASSERT_EQUAL(tcp_sock_state(srv.sock), TCP_CLOSING);
    sched_run_until(tn->s, t + time_from_ms(25));
    CU_ASSERT_EQUAL(tcp_sock_state(cli.sock), TCP_TIME_WAIT);
    CU_ASSERT_EQUAL(tcp_sock_state(srv.sock), TCP_TIME_WAIT);
    CU_ASSERT_TRUE(cli.closed);
    CU_ASSERT_TRUE(srv.closed);
    /* TIME-WAIT lasts time_wait = 60 s from entering it (about t + 20 ms). */
    sched_run_until(tn->s, t + time_from_s(60) + time_from_ms(19));
    CU_ASSERT_EQUAL(tcp_sock_state(cli.sock), TCP_TIME_WAIT);
    sched_run_until(tn->s, t + time_from_s(60) + time_from_ms(21));
    CU_ASSERT_EQUAL(tcp_sock_state(cli.sock), TCP_CLOSED);
    CU_ASSERT_EQUAL(tcp_sock_state(srv.sock), TCP_CLOSED);
    tcp_close(cli.sock);
    tcp_close(srv.sock);
    tnet_free(tn);
}

static void test_simultaneous_open_establishes_one_connection(void)
{
    struct tnet *tn = tnet_new(RATE, time_from_ms(DELAY_MS), NULL, NULL);
    struct tn_app a = { 0 }, b = { 0 };
    a.to_send = 3000;
    b.to_send = 2000;
    a.close_when_done = b.close_when_done = true;
    CU_ASSERT_EQUAL_FATAL(tcp_connect(tn->a, &tn->addr_a, 5000, &tn->addr_b, 6000, NULL,
                                      &tn_app_callbacks, &a, &a.sock), 0);
    CU_ASSERT_EQUAL_FATAL(tcp_connect(tn->b, &tn->addr_b, 6000, &tn->addr_a, 5000, NULL,
                                      &tn_app_callbacks, &b, &b.sock), 0);
    sched_run(tn->s);
    CU_ASSERT_TRUE(a.connected);
    CU_ASSERT_TRUE(b.connected);
    CU_ASSERT_EQUAL(a.read, 2000);
    CU_ASSERT_EQUAL(b.read, 3000);
    /* Each side sent its SYN and then a SYN-ACK (RFC 9293 figure 8). */
    CU_ASSERT_EQUAL(tnet_count(tn, TN_AB, TCP_FLAG_SYN, false), 2);
    CU_ASSERT_EQUAL(tnet_count(tn, TN_AB, TCP_FLAG_SYN | TCP_FLAG_ACK, false), 1);
    CU_ASSERT_EQUAL(tnet_count(tn, TN_BA, TCP_FLAG_SYN | TCP_FLAG_ACK, false), 1);
    tcp_close(a.sock);
    tcp_close(b.sock);
    tnet_free(tn);
}

static void test_sequence_numbers_wrap_around_with_a_loss(void)
{
    struct tnet *tn = tnet_new(RATE, time_from_ms(DELAY_MS), NULL, NULL);
    struct tn_app cli = { 0 }, srv = { 0 };
    tnet_listen_sink(tn, &srv);
    /* Data byte 0 at 2^32 - 5000: the segment at relative 4344 straddles the wrap. */
    tcp_stack_set_next_isn(tn->a, 0xffffffffu - 5000);
    tcp_stack_set_next_isn(tn->b, 0xfffffff0u);
    tnet_drop_seq(tn, TN_AB, 3 * 1448, 1);
    tnet_connect_bulk(tn, &cli, 2000000, NULL);
    sched_run(tn->s);
    CU_ASSERT_EQUAL(srv.read, 2000000);
    CU_ASSERT_TRUE(srv.eof);
    CU_ASSERT_TRUE(cli.closed);
    struct sock_stats st;
    tcp_sock_get_stats(cli.sock, &st);
    CU_ASSERT_EQUAL(st.bytes_acked, 2000000);
    CU_ASSERT_EQUAL(st.fast_retrans, 1);
    CU_ASSERT_EQUAL(st.rto_count, 0);
    tcp_close(cli.sock);
    tcp_close(srv.sock);
    tnet_free(tn);
}

/* A sink that does not read until told to. */
struct lazy {
    struct tcp_sock *sock;
    bool reading;
    uint64_t read;
};

static void lazy_readable(struct sock *s_sk, void *ctx, size_t n)
{
    struct tcp_sock *s = tcp_sock_from(s_sk);
    struct lazy *z = ctx;
    if (z->reading)
        z->read += tcp_read(s, n);
}

static const struct sock_callbacks lazy_cb = { .readable = lazy_readable };

static void lazy_accept(struct sock_listener *l_sl, void *ctx)
{
    struct tcp_listener *l = tcp_listener_from(l_sl);
    struct lazy *z = ctx;
    tcp_accept(l, &lazy_cb, z, &z->sock);
}

static const struct sock_listener_callbacks lazy_lcb = { .acceptable = lazy_accept };

static void lazy_start(struct sched *s, void *ctx, void *arg)
{
    (void)s;
    (void)arg;
    struct lazy *z = ctx;
    z->reading = true;
    z->read += tcp_read(z->sock, tcp_sock_readable(z->sock));
}

static void test_zero_window_is_probed_with_backoff_until_it_opens(void)
{
    struct tcp_config cb;
    tcp_config_default(&cb);
    cb.rcvbuf = 16384;
    struct tnet *tn = tnet_new(RATE, time_from_ms(DELAY_MS), NULL, &cb);
    struct lazy z = { 0 };
    struct tcp_listener *l;
    tcp_listen(tn->b, NULL, 80, &lazy_lcb, &z, &l);
    struct tn_app cli = { 0 };
    tnet_connect_bulk(tn, &cli, 100000, NULL);
    sim_time_t open_at = time_from_s(5);
    sched_at(tn->s, open_at, lazy_start, &z, NULL);
    sched_run_until(tn->s, time_from_s(30));
    CU_ASSERT_EQUAL(z.read, 100000);
    /* Probes: A->B, no data, sequence one below the highest data sent. */
    sim_time_t probe_at[16];
    int probes = 0;
    uint32_t max_end = 0;
    for (size_t k = 0; k < tn->nlog; k++) {
        const struct tn_seg *g = &tn->log[k];
        if (g->dir != TN_AB || (g->flags & TCP_FLAG_SYN))
            continue;
        if (g->len == 0 && g->flags == TCP_FLAG_ACK && g->rseq + 1 == max_end && probes < 16)
            probe_at[probes++] = g->at;
        if (g->len && g->rseq + g->len > max_end)
            max_end = g->rseq + g->len;
    }
    /* At 90 ms B offers the 456 bytes left of its 16 KiB; sender SWS avoidance holds them
     * until the persist timer (RTO = 200 ms: rto_min, the handshake RTT being 20 ms) sends
     * them (RFC 9293 3.8.6.2.1 override). The window is then zero and bare probes go out at
     * doubling intervals (0.4, 0.8, 1.6 s) until B reads at 5 s. */
    CU_ASSERT(probes >= 3);
    for (int i = 2; i < probes && i < 5; i++)
        CU_ASSERT_EQUAL(probe_at[i] - probe_at[i - 1], 2 * (probe_at[i - 1] - probe_at[i - 2]));
    CU_ASSERT(probe_at[probes - 1] < open_at);
    struct sock_stats st;
    tcp_sock_get_stats(cli.sock, &st);
    CU_ASSERT_EQUAL(st.zero_window_probes, (uint64_t)probes + 1); /* + the 456-byte one */
    CU_ASSERT_EQUAL(st.rto_count, 0);
    tcp_close(cli.sock);
    tnet_free(tn);
}

static void test_synack_is_retransmitted_by_the_listener(void)
{
    struct tnet *tn = tnet_new(RATE, time_from_ms(DELAY_MS), NULL, NULL);
    struct tn_app cli = { 0 }, srv = { 0 };
    tnet_listen_sink(tn, &srv);
    tnet_drop_flags(tn, TN_BA, TCP_FLAG_SYN | TCP_FLAG_ACK, 2);
    tnet_connect_bulk(tn, &cli, 1000, NULL);
    sched_run(tn->s);
    /* The SYN reaches B at 10 ms; SYN-ACKs leave at 10 ms, 1.01 s and 3.01 s. Meanwhile the
     * client's own SYN timer (1 s) resends the SYN, which B answers with one more SYN-ACK. */
    const struct tn_seg *g1 = tnet_find(tn, TN_BA, TCP_FLAG_SYN | TCP_FLAG_ACK, false, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(g1);
    CU_ASSERT_TRUE(cli.connected);
    CU_ASSERT_EQUAL(srv.read, 1000);
    CU_ASSERT(cli.connected_at > time_from_s(1) && cli.connected_at < time_from_ms(1100));
    struct sock_stats st;
    tcp_sock_get_stats(srv.sock, &st);
    CU_ASSERT(st.retrans_segs >= 1);
    tcp_close(cli.sock);
    tcp_close(srv.sock);
    tnet_free(tn);
}

/* The bytes on the wire, checked by an independent decoder: a capture of a connection with
 * every option (MSS, SACK-permitted, timestamps, window scale), a loss that makes the
 * receiver send SACK blocks, a fast retransmission and a graceful close passes
 * ../shared/tools/check-pcap.sh (tshark: no malformed packet, no bad checksum, no option
 * encoding error). */
static void test_capture_of_a_connection_passes_check_pcap(void)
{
    if (!harness_have_tool("tshark")) {
        harness_skip("tshark not installed");
        return;
    }
    char path[512], cmd[1200];
    snprintf(path, sizeof path, "%s/tcp_conn.pcap", harness_tmpdir());
    struct tnet *tn = tnet_new(RATE, time_from_ms(DELAY_MS), NULL, NULL);
    tnet_pcap(tn, path);
    struct tn_app cli = { 0 }, srv = { 0 };
    tnet_listen_sink(tn, &srv);
    tnet_drop_seq(tn, TN_AB, 5 * 1448, 1);
    tnet_connect_bulk(tn, &cli, 60000, NULL);
    sched_run(tn->s);
    CU_ASSERT_EQUAL(srv.read, 60000);
    CU_ASSERT_EQUAL(tnet_pcap_close(tn), 0);
    snprintf(cmd, sizeof cmd, "%s -q %s", harness_shared("tools/check-pcap.sh"), path);
    char *out = NULL;
    int rc = harness_run(cmd, &out);
    CU_ASSERT_EQUAL(rc, 0);
    if (rc != 0)
        fprintf(stderr, "%s\n", out ? out : "");
    /* And tshark reads the options we meant to send: two SYNs with window scale 3, and
     * SACK blocks in the receiver's duplicate ACKs. */
    snprintf(cmd, sizeof cmd,
             "tshark -r %s -Y 'tcp.options.wscale.shift == 3 && tcp.options.sack_perm' | wc -l; "
             "tshark -r %s -Y 'tcp.options.sack_le' | wc -l",
             path, path);
    free(out);
    out = NULL;
    rc = harness_run(cmd, &out);
    CU_ASSERT_EQUAL(rc, 0);
    int syns = -1, sacks = -1;
    CU_ASSERT(out && sscanf(out, "%d %d", &syns, &sacks) == 2);
    CU_ASSERT_EQUAL(syns, 2);
    CU_ASSERT(sacks >= 3);
    free(out);
    tcp_close(cli.sock);
    tcp_close(srv.sock);
    tnet_free(tn);
}

static void close_sock(struct sched *s, void *ctx, void *arg)
{
    (void)s;
    (void)arg;
    tcp_close(ctx);
}

/* The side that closes first and has let go of its socket keeps a compact TIME-WAIT record
 * (tcp_timewait.c), not its control block, for exactly time_wait; the record re-acknowledges
 * a retransmitted FIN. */
static void test_orphaned_time_wait_is_a_compact_record(void)
{
    struct tnet *tn = tnet_new(RATE, time_from_ms(DELAY_MS), NULL, NULL);
    struct tn_app cli = { 0 }, srv = { 0 };
    tnet_listen_sink(tn, &srv);
    tnet_connect_bulk(tn, &cli, 100000, NULL);
    cli.close_when_done = false;
    sim_time_t t = time_from_s(1);
    sched_at(tn->s, t, close_sock, cli.sock, NULL);
    sched_run_until(tn->s, t + time_from_ms(100));
    struct tcp_stack_stats ss;
    tcp_stack_get_stats(tn->a, &ss);
    CU_ASSERT_EQUAL(ss.conns_live, 0);
    CU_ASSERT_EQUAL(ss.tw_live, 1);
    /* What the client stack holds now: the record and the table, nothing else. */
    CU_ASSERT(ss.conn_bytes <= 128 + 64 * sizeof(void *));
    CU_ASSERT_TRUE(srv.closed);
    /* A retransmitted FIN from B (its FIN is the last byte of its sequence space). */
    const struct tn_seg *fin = tnet_find(tn, TN_BA, TCP_FLAG_FIN, false, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(fin);
    struct tcp_hdr h = { 0 };
    h.sport = 80;
    h.dport = 49152;
    h.seq = fin->seq;
    h.ack = fin->ack;
    h.flags = TCP_FLAG_FIN | TCP_FLAG_ACK;
    h.window = 1000;
    uint8_t buf[20];
    size_t n;
    tcp_encode(&h, buf, sizeof buf, &n);
    size_t before = tn->nlog;
    sim_time_t t2 = sched_now(tn->s);
    /* B has forgotten the connection and would answer our ACK with an RST, which ends a
     * TIME-WAIT (RFC 9293): keep that ACK from reaching B. */
    tnet_drop_flags(tn, TN_AB, TCP_FLAG_ACK, 1);
    tcp_input(tn->a, pkt_copy_from(tn->pool, buf, n, 0), &tn->addr_b, &tn->addr_a);
    CU_ASSERT_EQUAL_FATAL(tn->nlog, before + 1);
    CU_ASSERT_EQUAL(tn->log[before].flags, TCP_FLAG_ACK);
    CU_ASSERT_EQUAL(tn->log[before].ack, fin->seq + 1);
    /* 2 MSL restarted from t2. */
    sched_run_until(tn->s, t2 + time_from_s(60) - 1);
    tcp_stack_get_stats(tn->a, &ss);
    CU_ASSERT_EQUAL(ss.tw_live, 1);
    sched_run_until(tn->s, t2 + time_from_s(60));
    tcp_stack_get_stats(tn->a, &ss);
    CU_ASSERT_EQUAL(ss.tw_live, 0);
    tcp_close(srv.sock);
    tnet_free(tn);
}

/* A SYN above the sequence space of a TIME-WAIT record opens a new connection at once
 * (RFC 6191, RFC 1122 4.2.2.13): the server closed first, the client reuses its port. */
static void test_new_syn_reopens_a_time_wait_tuple(void)
{
    struct tnet *tn = tnet_new(RATE, time_from_ms(DELAY_MS), NULL, NULL);
    struct tn_app cli = { 0 }, srv = { 0 };
    tnet_listen_sink(tn, &srv);
    tcp_connect(tn->a, &tn->addr_a, 5555, &tn->addr_b, 80, NULL, &tn_app_callbacks, &cli,
                &cli.sock);
    sched_run_until(tn->s, time_from_s(1));
    CU_ASSERT_TRUE_FATAL(srv.connected);
    tcp_close(srv.sock); /* the server closes first; the client app answers the EOF */
    sched_run_until(tn->s, time_from_s(2));
    struct tcp_stack_stats sb;
    tcp_stack_get_stats(tn->b, &sb);
    CU_ASSERT_EQUAL(sb.tw_live, 1);
    CU_ASSERT_TRUE(cli.closed);
    tcp_close(cli.sock);
    struct tn_app cli2 = { 0 };
    srv = (struct tn_app){ 0 };
    tcp_stack_set_next_isn(tn->a, tn->isn[TN_AB] + 100000);
    cli2.to_send = 1000;
    cli2.close_when_done = true;
    CU_ASSERT_EQUAL(tcp_connect(tn->a, &tn->addr_a, 5555, &tn->addr_b, 80, NULL,
                                &tn_app_callbacks, &cli2, &cli2.sock), 0);
    sched_run_until(tn->s, time_from_s(3));
    CU_ASSERT_TRUE(cli2.connected);
    CU_ASSERT(cli2.connected_at < time_from_ms(2021));
    CU_ASSERT_EQUAL(srv.read, 1000);
    tcp_stack_get_stats(tn->b, &sb);
    CU_ASSERT_EQUAL(sb.tw_live, 0);
    tcp_close(cli2.sock);
    tcp_close(srv.sock);
    tnet_free(tn);
}

static void test_ipv6_connection_transfers_with_valid_checksums(void)
{
    struct tnet *tn = tnet_new(RATE, time_from_ms(DELAY_MS), NULL, NULL);
    tn->addr_a = (struct sock_addr){ .family = 6, .bytes = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 } };
    tn->addr_b = (struct sock_addr){ .family = 6, .bytes = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 } };
    struct tn_app cli = { 0 }, srv = { 0 };
    tnet_listen_sink(tn, &srv);
    /* The pipe verifies every checksum over the IPv6 pseudo-header (RFC 8200 section 8.1). */
    CU_ASSERT_EQUAL_FATAL(tnet_connect_bulk(tn, &cli, 200000, NULL), 0);
    sched_run(tn->s);
    CU_ASSERT_EQUAL(srv.read, 200000);
    CU_ASSERT_TRUE(cli.closed);
    tcp_close(cli.sock);
    tcp_close(srv.sock);
    tnet_free(tn);
}

SUITE(tcp_conn, NULL, NULL,
      TEST(test_handshake_and_transfer_deliver_every_byte),
      TEST(test_delayed_ack_acknowledges_every_second_segment),
      TEST(test_delayed_ack_timer_fires_for_a_lone_segment),
      TEST(test_syn_retransmission_doubles_from_one_second),
      TEST(test_connect_times_out_after_syn_retries),
      TEST(test_connect_to_closed_port_is_refused),
      TEST(test_abort_resets_the_peer),
      TEST(test_reset_in_window_but_not_exact_draws_challenge_ack),
      TEST(test_simultaneous_close_goes_through_closing_to_time_wait),
      TEST(test_simultaneous_open_establishes_one_connection),
      TEST(test_sequence_numbers_wrap_around_with_a_loss),
      TEST(test_zero_window_is_probed_with_backoff_until_it_opens),
      TEST(test_synack_is_retransmitted_by_the_listener),
      TEST(test_capture_of_a_connection_passes_check_pcap),
      TEST(test_orphaned_time_wait_is_a_compact_record),
      TEST(test_new_syn_reopens_a_time_wait_tuple),
      TEST(test_ipv6_connection_transfers_with_valid_checksums))
