/* test_tcp_listen.c - listeners: SYN cookies when the SYN queue is full (RFC 4987), plain
 * drops without them, the accept-queue limit, a SYN flood costing bounded memory, and the
 * per-connection memory report.
 */
#include <stdlib.h>

#include "models/tcp/tcp_stack.h"
#include "models/wire/tcp.h"
#include "tests/harness.h"
#include "tests/tcp_testnet.h"

#define RATE 100000000ull

/* Three clients sending 50 kB each to a farm listener (server config cb) at once. */
struct three {
    struct tn_farm f;
    struct tn_app cli[3];
    struct tnet *tn;
    struct tcp_listener *l;
    struct sock_listener_stats ls; /* at 5 s */
};

static void run_three_clients(const struct tcp_config *cb, bool accept, struct three *t)
{
    *t = (struct three){ .f.accept = accept };
    t->tn = tnet_new(RATE, time_from_ms(10), NULL, cb);
    tcp_listen(t->tn->b, NULL, 80, &tn_farm_callbacks, &t->f, &t->l);
    for (int i = 0; i < 3; i++)
        CU_ASSERT_EQUAL(tnet_connect_bulk(t->tn, &t->cli[i], 50000, NULL), 0);
    sched_run_until(t->tn->s, time_from_s(5));
    tcp_listener_get_stats(t->l, &t->ls);
}

/* Ends the n clients' and the farm's connections (with a RST when abort) and frees tn. */
static void close_all(struct tnet *tn, struct tn_app *cli, int n, struct tn_farm *f, bool abort)
{
    void (*end)(struct tcp_sock *) = abort ? tcp_abort : tcp_close;
    for (int i = 0; i < n; i++)
        end(cli[i].sock);
    for (int i = 0; i < f->n; i++)
        end(f->app[i].sock);
    tnet_free(tn);
}

static void test_syn_cookies_complete_handshakes_beyond_the_syn_queue(void)
{
    struct tcp_config cb;
    tcp_config_default(&cb);
    cb.syn_backlog = 1;
    struct three t;
    run_three_clients(&cb, true, &t);
    CU_ASSERT_EQUAL(t.ls.syns_received, 3);
    CU_ASSERT_EQUAL(t.ls.cookies_sent, 2);
    CU_ASSERT_EQUAL(t.ls.cookies_validated, 2);
    CU_ASSERT_EQUAL(t.ls.syns_dropped, 0);
    CU_ASSERT_EQUAL(t.ls.accepted, 3);
    CU_ASSERT_EQUAL(t.f.n, 3);
    uint64_t total = 0;
    for (int i = 0; i < t.f.n; i++)
        total += t.f.app[i].read;
    CU_ASSERT_EQUAL(total, 150000);
    for (int i = 0; i < 3; i++) {
        CU_ASSERT_TRUE(t.cli[i].connected);
        CU_ASSERT(t.cli[i].connected_at < time_from_ms(21)); /* no SYN retransmission */
    }
    /* Window scale and SACK came back through the timestamp (Linux's encoding): the cookie
     * connections negotiated everything the first one did; MSS 1460 from the cookie table,
     * minus 12 bytes of timestamps. */
    for (int i = 0; i < t.f.n; i++) {
        struct sock_info info;
        tcp_sock_get_info(t.f.app[i].sock, &info);
        CU_ASSERT_TRUE(info.ts_ok);
        CU_ASSERT_TRUE(info.sack_ok);
        CU_ASSERT_EQUAL(info.snd_wscale, 3);
        CU_ASSERT_EQUAL(info.rcv_wscale, 3);
        CU_ASSERT_EQUAL(info.mss, 1448);
    }
    close_all(t.tn, t.cli, 3, &t.f, false);
}

/* Without timestamps from the client, a cookie cannot carry the window scale or SACK: the
 * connection completes without them (RFC 4987 section 3.6's known cost). */
static void test_cookie_without_timestamps_loses_window_scaling(void)
{
    struct tcp_config ca, cb;
    tcp_config_default(&ca);
    ca.timestamps = false;
    tcp_config_default(&cb);
    cb.syn_backlog = 1;
    struct tnet *tn = tnet_new(RATE, time_from_ms(10), &ca, &cb);
    struct tn_farm f = { .accept = true };
    struct tcp_listener *l;
    tcp_listen(tn->b, NULL, 80, &tn_farm_callbacks, &f, &l);
    struct tn_app cli[2] = { 0 };
    for (int i = 0; i < 2; i++)
        tnet_connect_bulk(tn, &cli[i], 300000, NULL);
    sched_run_until(tn->s, time_from_s(5));
    CU_ASSERT_EQUAL(f.n, 2);
    struct sock_listener_stats ls;
    tcp_listener_get_stats(l, &ls);
    CU_ASSERT_EQUAL(ls.cookies_validated, 1);
    int scaled = 0;
    for (int i = 0; i < f.n; i++) {
        struct sock_info info;
        tcp_sock_get_info(f.app[i].sock, &info);
        CU_ASSERT_EQUAL(f.app[i].read, 300000);
        if (info.snd_wscale)
            scaled++;
    }
    CU_ASSERT_EQUAL(scaled, 1); /* the SYN-queue one */
    close_all(tn, cli, 2, &f, false);
}

static void test_full_syn_queue_without_cookies_drops_syns(void)
{
    struct tcp_config cb;
    tcp_config_default(&cb);
    cb.syn_backlog = 1;
    cb.syncookies = false;
    struct three t;
    run_three_clients(&cb, true, &t);
    CU_ASSERT_EQUAL(t.ls.cookies_sent, 0);
    /* Two SYNs find the queue full at 0 s; both clients retry at 1 s, when one of them finds
     * it full again (the other's handshake is under way) and retries at 3 s. */
    CU_ASSERT_EQUAL(t.ls.syns_dropped, 3);
    CU_ASSERT_EQUAL(t.ls.synq_overflows, 3);
    CU_ASSERT_EQUAL(t.ls.accepted, 3);
    int late = 0;
    for (int i = 0; i < 3; i++)
        if (t.cli[i].connected_at > time_from_s(1))
            late++;
    CU_ASSERT_EQUAL(late, 2);
    close_all(t.tn, t.cli, 3, &t.f, false);
}

static void test_full_accept_queue_holds_back_handshakes(void)
{
    struct tcp_config cb;
    tcp_config_default(&cb);
    cb.backlog = 1;
    struct three t;
    run_three_clients(&cb, false, &t); /* the application never accepts */
    CU_ASSERT_EQUAL(t.ls.acceptq_len, 1);
    CU_ASSERT(t.ls.acceptq_overflows >= 2); /* final ACKs dropped */
    CU_ASSERT_EQUAL(t.ls.accepted, 0);
    /* Accepting frees a place: a held-back connection completes with its next SYN-ACK. */
    t.f.accept = true;
    tn_farm_acceptable(tcp_listener_sock(t.l), &t.f);
    sched_run_until(t.tn->s, time_from_s(40));
    tcp_listener_get_stats(t.l, &t.ls);
    CU_ASSERT(t.ls.accepted >= 2);
    close_all(t.tn, t.cli, 3, &t.f, true);
}

static void inject_syn(struct tnet *tn, uint32_t src_ip, uint16_t sport, uint32_t seq)
{
    struct tcp_hdr h = { 0 };
    h.sport = sport;
    h.dport = 80;
    h.seq = seq;
    h.flags = TCP_FLAG_SYN;
    h.window = 65535;
    tcp_opt_append_mss(&h, 1460);
    tcp_opts_pad(&h);
    uint8_t buf[60];
    size_t n;
    tcp_encode(&h, buf, sizeof buf, &n);
    struct sock_addr src = { .family = 4,
                            .bytes = { 10, 9, (uint8_t)(src_ip >> 8), (uint8_t)src_ip } };
    tcp_input(tn->b, pkt_copy_from(tn->pool, buf, n, 0), &src, &tn->addr_b);
}

static void test_syn_flood_costs_bounded_memory(void)
{
    struct tcp_config cb;
    tcp_config_default(&cb);
    cb.syn_backlog = 64;
    struct tnet *tn = tnet_new(RATE, time_from_ms(10), NULL, &cb);
    tn->keep_log = false;
    struct tn_farm f = { .accept = true };
    struct tcp_listener *l;
    tcp_listen(tn->b, NULL, 80, &tn_farm_callbacks, &f, &l);
    for (uint32_t i = 0; i < 10000; i++)
        inject_syn(tn, i / 100, (uint16_t)(1024 + i), i * 7919u);
    struct sock_listener_stats ls;
    tcp_listener_get_stats(l, &ls);
    CU_ASSERT_EQUAL(ls.syns_received, 10000);
    CU_ASSERT_EQUAL(ls.synq_len, 64);
    CU_ASSERT_EQUAL(ls.cookies_sent, 10000 - 64);
    struct tcp_stack_stats ss;
    tcp_stack_get_stats(tn->b, &ss);
    CU_ASSERT_EQUAL(ss.conns_live, 64);
    /* Memory: 64 control blocks plus the connection table, nothing per cookie. */
    CU_ASSERT(ss.conn_bytes <= 64 * tcp_conn_idle_bytes() + 128 * sizeof(void *));
    /* The half-open connections give up after synack_retries (5): 1+2+4+8+16+32 = 63 s. */
    sched_run_until(tn->s, time_from_s(64));
    tcp_listener_get_stats(l, &ls);
    tcp_stack_get_stats(tn->b, &ss);
    CU_ASSERT_EQUAL(ls.synq_len, 0);
    CU_ASSERT_EQUAL(ss.conns_live, 0);
    CU_ASSERT_EQUAL(ls.synq_peak, 64);
    tnet_free(tn);
}

static void test_idle_connection_memory_is_reported_and_small(void)
{
    struct tnet *tn = tnet_new(RATE, time_from_ms(10), NULL, NULL);
    struct tn_app cli = { 0 }, srv = { 0 };
    tnet_listen_sink(tn, &srv);
    tnet_connect_bulk(tn, &cli, 100000, NULL);
    cli.close_when_done = false;
    sched_run_until(tn->s, time_from_s(2));
    struct sock_info info;
    tcp_sock_get_info(cli.sock, &info);
    /* An idle connection: the control block only (no out-of-order ranges), well under the
     * issue's 4 kB target. */
    CU_ASSERT(info.mem_bytes > 0 && info.mem_bytes <= 1024);
    struct tcp_stack_stats ss;
    tcp_stack_get_stats(tn->a, &ss);
    CU_ASSERT_EQUAL(ss.conns_live, 1);
    CU_ASSERT_EQUAL(ss.conn_bytes, info.mem_bytes + 64 * sizeof(void *));
    tcp_close(cli.sock);
    tcp_close(srv.sock);
    tnet_free(tn);
}

static void test_closing_a_listener_resets_its_queued_connections(void)
{
    struct tn_farm f = { .accept = false };
    struct tnet *tn = tnet_new(RATE, time_from_ms(10), NULL, NULL);
    struct tcp_listener *l;
    tcp_listen(tn->b, NULL, 80, &tn_farm_callbacks, &f, &l);
    struct tn_app cli[2] = { 0 };
    for (int i = 0; i < 2; i++) {
        tnet_connect_bulk(tn, &cli[i], 1000, NULL);
        cli[i].close_when_done = false;
    }
    sched_run_until(tn->s, time_from_ms(100));
    CU_ASSERT_TRUE(cli[0].connected && cli[1].connected); /* in B's accept queue */
    tcp_listener_close(l);
    sched_run_until(tn->s, time_from_ms(200));
    for (int i = 0; i < 2; i++) {
        CU_ASSERT_EQUAL(cli[i].error, SOCK_ERR_RESET);
        tcp_close(cli[i].sock);
    }
    struct tcp_stack_stats ss;
    tcp_stack_get_stats(tn->b, &ss);
    CU_ASSERT_EQUAL(ss.conns_live, 0);
    /* Nobody listens any more: a new connection is refused. */
    struct tn_app late = { 0 };
    tnet_connect_bulk(tn, &late, 10, NULL);
    sched_run_until(tn->s, time_from_ms(300));
    CU_ASSERT_EQUAL(late.error, SOCK_ERR_REFUSED);
    CU_ASSERT_STRING_EQUAL(sock_strerror(late.error), "connection refused");
    tcp_close(late.sock);
    tnet_free(tn);
}

SUITE(tcp_listen, NULL, NULL,
      TEST(test_syn_cookies_complete_handshakes_beyond_the_syn_queue),
      TEST(test_cookie_without_timestamps_loses_window_scaling),
      TEST(test_full_syn_queue_without_cookies_drops_syns),
      TEST(test_full_accept_queue_holds_back_handshakes),
      TEST(test_syn_flood_costs_bounded_memory),
      TEST(test_idle_connection_memory_is_reported_and_small),
      TEST(test_closing_a_listener_resets_its_queued_connections))
