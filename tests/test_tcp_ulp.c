/* test_tcp_ulp.c - the upper-layer hook of a connection (tcp_ulp.h): options on every
 * segment TCP builds and on retransmissions, the MSS deduction, segment limits through loss
 * recovery, rcv_options (seeing and refusing segments), the ULP's receive window, SACK
 * blocks yielding option space, and the order of events. The listener hook and transparent
 * listeners are test_tcp_ulp_listen.c.
 */
#include <stdlib.h>

#include "models/tcp/tcp_stack.h"
#include "models/tcp/tcp_ulp.h"
#include "models/wire/tcp.h"
#include "tests/harness.h"
#include "tests/tcp_testnet.h"
#include "tests/tcp_ulp_testutil.h"

#define RATE 100000000ull
#define RS 3 /* rcv_wscale for the default 256 KiB receive buffer */

/* A ULP on both ends: A connects with ua, B's listener attaches ub to its child. */
struct pair {
    struct tnet *tn;
    struct wtap *w;
    struct tulp *ua, *ub;
    struct lhook lh;
    struct tn_app cli, srv;
    struct tcp_listener *l;
};

static void pair_new(struct pair *p, const struct tcp_config *ca, const struct tcp_config *cb)
{
    *p = (struct pair){ 0 };
    p->tn = tnet_new(RATE, time_from_ms(10), ca, cb);
    p->w = wtap_new(p->tn);
    p->ua = tulp_new(p->tn);
    p->ub = tulp_new(p->tn);
}

static void pair_connect(struct pair *p, const struct tcp_ulp_ops *ops, size_t bytes)
{
    p->lh = (struct lhook){ .verdict = TCP_SYN_ATTACH, .ops = ops, .child = { p->ub } };
    p->l = tnet_listen_sink(p->tn, &p->srv);
    tcp_listener_set_ulp(p->l, &lhook_ops, &p->lh);
    p->cli.to_send = bytes;
    p->cli.close_when_done = true;
    CU_ASSERT_EQUAL(tcp_connect_ulp(p->tn->a, &p->tn->addr_a, 0, &p->tn->addr_b, 80, NULL, ops,
                                    p->ua, &tn_app_callbacks, &p->cli, &p->cli.sock),
                    0);
}

static void pair_free(struct pair *p)
{
    tnet_free(p->tn);
    tulp_free(p->ua);
    tulp_free(p->ub);
    wtap_free(p->w);
}

static bool is_pure_ack(const struct tn_seg *g)
{
    return g->len == 0 && g->flags == TCP_FLAG_ACK;
}

static void test_ulp_options_ride_on_syn_synack_data_acks_and_fin(void)
{
    struct pair p;
    pair_new(&p, NULL, NULL);
    pair_connect(&p, &tulp_ops, 100000);
    sched_run_until(p.tn->s, time_from_s(5));
    CU_ASSERT_EQUAL(p.srv.read, 100000);
    int missing = 0, syn = 0, synack = 0, data = 0, acks = 0, fin[2] = { 0, 0 };
    for (size_t i = 0; i < p.tn->nlog; i++) {
        const struct tn_seg *g = &p.tn->log[i];
        missing += !p.w->tag_ok[i];
        syn += g->flags == TCP_FLAG_SYN;
        synack += g->flags == (TCP_FLAG_SYN | TCP_FLAG_ACK);
        data += g->len > 0;
        acks += is_pure_ack(g);
        fin[g->dir] += (g->flags & TCP_FLAG_FIN) != 0;
    }
    CU_ASSERT_EQUAL(missing, 0);
    CU_ASSERT_EQUAL(syn, 1);
    CU_ASSERT_EQUAL(synack, 1);
    CU_ASSERT(data > 60);
    CU_ASSERT(acks > 20);
    CU_ASSERT_EQUAL(fin[TN_AB], 1);
    CU_ASSERT_EQUAL(fin[TN_BA], 1);
    /* Every call saw the segment's own seq: the write log holds the SYN at the ISS. */
    CU_ASSERT_EQUAL(tulp_writes_of(p.ua, p.ua->iss, 0), 1);
    pair_free(&p);
}

static void test_rst_of_abort_carries_ulp_options_and_ends_both_ulps(void)
{
    struct pair p;
    pair_new(&p, NULL, NULL);
    pair_connect(&p, &tulp_ops, 20000000);
    sched_run_until(p.tn->s, time_from_ms(200));
    CU_ASSERT_EQUAL(tcp_sock_state(p.cli.sock), TCP_ESTABLISHED);
    size_t before = p.tn->nlog;
    tcp_abort(p.cli.sock);
    /* The application's own abort raised CLOSED, inside the call. */
    CU_ASSERT_EQUAL(tulp_count(p.ua, TCP_ULP_EV_CLOSED), 1);
    CU_ASSERT_EQUAL(p.ua->ev[p.ua->nev - 1], TCP_ULP_EV_CLOSED);
    CU_ASSERT_EQUAL_FATAL(p.tn->nlog, before + 1);
    CU_ASSERT_EQUAL(p.tn->log[before].flags, TCP_FLAG_RST);
    CU_ASSERT_TRUE(p.w->tag_ok[before]);
    uint64_t seen = p.ub->seen;
    sched_run_until(p.tn->s, time_from_s(1));
    CU_ASSERT_EQUAL(p.srv.error, SOCK_ERR_RESET);
    CU_ASSERT(p.ub->seen > seen); /* the reset's options were shown to B's ULP */
    CU_ASSERT_EQUAL(tulp_count(p.ub, TCP_ULP_EV_CLOSED), 1);
    CU_ASSERT_EQUAL(p.ub->ev[p.ub->nev - 1], TCP_ULP_EV_CLOSED);
    CU_ASSERT_EQUAL(p.ua->after_closed + p.ub->after_closed, 0);
    pair_free(&p);
}

static void test_retransmissions_carry_options_written_for_the_same_seq_and_len(void)
{
    struct pair p;
    pair_new(&p, NULL, NULL);
    tnet_drop_flags(p.tn, TN_BA, TCP_FLAG_SYN | TCP_FLAG_ACK, 1);
    tnet_drop_seq(p.tn, TN_AB, 5 * 1448, 1);
    pair_connect(&p, &tulp_ops, 100000);
    sched_run_until(p.tn->s, time_from_s(8));
    CU_ASSERT_EQUAL(p.srv.read, 100000);
    /* The SYN-ACK went out again and so did the dropped data segment, each written for the
     * same seq and length as the first time, and every copy on the wire has its tag. */
    CU_ASSERT(tulp_writes_of(p.ub, p.ub->iss, 0) >= 2);
    CU_ASSERT_EQUAL(tulp_writes_of(p.ua, p.ua->iss + 1 + 5 * 1448, 1448), 2);
    int synacks = 0, bad = 0;
    for (size_t i = 0; i < p.tn->nlog; i++) {
        synacks += p.tn->log[i].flags == (TCP_FLAG_SYN | TCP_FLAG_ACK);
        bad += !p.w->tag_ok[i];
    }
    CU_ASSERT(synacks >= 2);
    CU_ASSERT_EQUAL(bad, 0);
    pair_free(&p);
}

static uint32_t max_data_len(const struct tnet *tn, int dir)
{
    uint32_t m = 0;
    for (size_t i = 0; i < tn->nlog; i++)
        if (tn->log[i].dir == dir && tn->log[i].len > m)
            m = tn->log[i].len;
    return m;
}

/* Both ends send 200 kB full segments; returns the MSS both report (checked equal). */
static uint32_t mss_with(const struct tcp_ulp_ops *ops, uint32_t *wire_max)
{
    struct pair p;
    pair_new(&p, NULL, NULL);
    pair_connect(&p, ops, 200000);
    sched_run_until(p.tn->s, time_from_s(3));
    CU_ASSERT_EQUAL(p.srv.read, 200000);
    struct sock_info a, b;
    tcp_sock_get_info(p.cli.sock, &a);
    tcp_sock_get_info(p.srv.sock, &b);
    CU_ASSERT_EQUAL(a.mss, b.mss);
    *wire_max = max_data_len(p.tn, TN_AB);
    pair_free(&p);
    return a.mss;
}

static void test_data_opt_bytes_rounded_to_words_come_off_the_mss(void)
{
    static const struct tcp_ulp_ops ops22 = { TULP_HOOKS, .data_opt_bytes = 22 };
    static const struct tcp_ulp_ops ops26 = { TULP_HOOKS, .data_opt_bytes = 26 };
    uint32_t wire;
    CU_ASSERT_EQUAL(mss_with(&tulp_ops, &wire), 1448);
    CU_ASSERT_EQUAL(wire, 1448);
    /* Linux's DSS with a 32-bit data ACK and a 64-bit mapping: 22 B -> 24 B, 1424 B. */
    CU_ASSERT_EQUAL(mss_with(&ops22, &wire), 1424);
    CU_ASSERT_EQUAL(wire, 1424);
    CU_ASSERT_EQUAL(mss_with(&ops26, &wire), 1420);
    CU_ASSERT_EQUAL(wire, 1420);
}

static void test_attaching_or_detaching_a_ulp_moves_the_mss(void)
{
    static const struct tcp_ulp_ops ops22 = { TULP_HOOKS, .data_opt_bytes = 22 };
    struct tnet *tn = tnet_new(RATE, time_from_ms(10), NULL, NULL);
    struct tn_app cli = { 0 }, srv = { 0 };
    tnet_listen_sink(tn, &srv);
    tnet_connect_bulk(tn, &cli, 10000, NULL);
    sched_run_until(tn->s, time_from_s(1));
    struct tulp *u = tulp_new(tn);
    struct sock_info info;
    tcp_sock_set_ulp(cli.sock, &ops22, u);
    tcp_sock_get_info(cli.sock, &info);
    CU_ASSERT_EQUAL(info.mss, 1424);
    CU_ASSERT_PTR_EQUAL(tcp_sock_ulp_ctx(cli.sock), u);
    tcp_sock_set_ulp(cli.sock, NULL, NULL); /* fallback: no event, MSS back */
    tcp_sock_get_info(cli.sock, &info);
    CU_ASSERT_EQUAL(info.mss, 1448);
    CU_ASSERT_PTR_NULL(tcp_sock_ulp_ctx(cli.sock));
    CU_ASSERT_EQUAL(u->nev, 0);
    tnet_free(tn);
    tulp_free(u);
}

/* Data segments A sent that cross a multiple of `unit` bytes (relative seq). */
static int crossings(const struct tnet *tn, uint32_t unit)
{
    int n = 0;
    for (size_t i = 0; i < tn->nlog; i++) {
        const struct tn_seg *g = &tn->log[i];
        if (g->dir == TN_AB && g->len > 0 && g->rseq / unit != (g->rseq + g->len - 1) / unit)
            n++;
    }
    return n;
}

static void test_no_segment_crosses_a_ulp_boundary_in_recovery_or_after_rto(void)
{
    static const uint32_t units[2] = { 2000, 1000 };
    for (int sack = 0; sack < 2; sack++) {
        for (int k = 0; k < 2; k++) {
            uint32_t unit = units[k];
            struct tcp_config cfg;
            tcp_config_default(&cfg);
            cfg.sack = sack;
            struct pair p;
            pair_new(&p, &cfg, &cfg);
            p.ua->boundary = unit;
            /* A hole of three segments [1448, 4000) (unit 2000) or [3000, 6000) (unit 1000),
             * resent by pieces that must not follow the MSS; one segment lost three times
             * (an RTO); light random loss on top. */
            uint32_t first = unit == 2000 ? 1448 : 3000;
            tnet_drop_seq(p.tn, TN_AB, first, 1);
            tnet_drop_seq(p.tn, TN_AB, unit == 2000 ? 2000 : 4000, 1);
            tnet_drop_seq(p.tn, TN_AB, unit == 2000 ? 3448 : 5000, 1);
            tnet_drop_seq(p.tn, TN_AB, 40 * unit, 3);
            tnet_set_loss(p.tn, TN_AB, 0.01);
            pair_connect(&p, &tulp_ops, 300000);
            sched_run_until(p.tn->s, time_from_s(30));
            CU_ASSERT_EQUAL(p.srv.read, 300000);
            CU_ASSERT_EQUAL(crossings(p.tn, unit), 0);
            CU_ASSERT(max_data_len(p.tn, TN_AB) <= unit);
            struct sock_stats st;
            tcp_sock_get_stats(p.cli.sock, &st);
            CU_ASSERT(st.fast_retrans >= 1);
            CU_ASSERT(st.rto_count >= 1);
            CU_ASSERT(st.retrans_segs >= 5);
            pair_free(&p);
        }
    }
}

static int delivered(const struct tnet *tn, int dir)
{
    int n = 0;
    for (size_t i = 0; i < tn->nlog; i++)
        n += tn->log[i].dir == dir && !tn->log[i].dropped;
    return n;
}

static void test_rcv_options_sees_every_accepted_segment(void)
{
    struct pair p;
    pair_new(&p, NULL, NULL);
    pair_connect(&p, &tulp_ops, 100000);
    sched_run_until(p.tn->s, time_from_s(5));
    CU_ASSERT_EQUAL(p.srv.read, 100000);
    /* B's listener saw the SYN; its child every later A segment; A every B segment from the
     * SYN-ACK on. Every one carried the option for its own seq. */
    CU_ASSERT_EQUAL(p.lh.nsyn, 1);
    CU_ASSERT_EQUAL(p.ub->seen, (uint64_t)delivered(p.tn, TN_AB) - 1);
    CU_ASSERT_EQUAL(p.ua->seen, (uint64_t)delivered(p.tn, TN_BA));
    CU_ASSERT_EQUAL(p.ua->seen_bad + p.ub->seen_bad, 0);
    pair_free(&p);
}

static void test_refused_data_is_not_queued_nor_acknowledged_until_resent(void)
{
    struct pair p;
    pair_new(&p, NULL, NULL);
    p.ub->reject_data = 1;
    pair_connect(&p, &tulp_ops, 50000);
    sched_run_until(p.tn->s, time_from_s(5));
    CU_ASSERT_EQUAL(p.ub->rejected, 1);
    CU_ASSERT_EQUAL(p.srv.read, 50000);
    struct sock_stats st;
    tcp_sock_get_stats(p.cli.sock, &st);
    CU_ASSERT(st.retrans_segs >= 1);
    /* Between the first copy of byte 0 and its retransmission, B acknowledged nothing. */
    const struct tn_seg *first = tnet_find(p.tn, TN_AB, 0, true, 0);
    size_t i0 = (size_t)(first - p.tn->log), i1 = i0 + 1;
    while (i1 < p.tn->nlog && !(p.tn->log[i1].dir == TN_AB && p.tn->log[i1].len &&
                                p.tn->log[i1].rseq == 0))
        i1++;
    CU_ASSERT(i1 < p.tn->nlog);
    int acked = 0;
    for (size_t i = i0; i < i1; i++)
        acked += p.tn->log[i].dir == TN_BA && p.tn->log[i].rack > 0;
    CU_ASSERT_EQUAL(acked, 0);
    pair_free(&p);
}

static void test_refused_third_ack_leaves_the_child_in_syn_received(void)
{
    for (int reject = 0; reject < 2; reject++) {
        struct pair p;
        pair_new(&p, NULL, NULL);
        p.ub->reject_synrcvd = reject;
        pair_connect(&p, &tulp_ops, 20000);
        sched_run_until(p.tn->s, time_from_s(3));
        CU_ASSERT_EQUAL(p.srv.read, 20000);
        CU_ASSERT_EQUAL(p.ub->rejected, (uint64_t)reject);
        /* Refused, the bare third ACK did not complete the handshake: A's first data
         * segment (it carries the same ACK) did. */
        if (reject) {
            CU_ASSERT(p.ub->synrcvd_accept_len > 0);
        } else {
            CU_ASSERT_EQUAL(p.ub->synrcvd_accept_len, 0);
        }
        CU_ASSERT_EQUAL(tulp_count(p.ub, TCP_ULP_EV_ESTABLISHED), 1);
        pair_free(&p);
    }
}

static void test_ulp_receive_window_is_advertised_and_never_shrinks(void)
{
    struct pair p;
    pair_new(&p, NULL, NULL);
    p.ub->window = 20000;
    pair_connect(&p, &tulp_ops, 300000);
    sched_run_until(p.tn->s, time_from_ms(500));
    size_t switch_at = p.tn->nlog;
    p.ub->window = 3000; /* the shared window closes: the edge must hold */
    sched_run_until(p.tn->s, time_from_s(10));
    CU_ASSERT_EQUAL(p.srv.read, 300000);
    uint32_t edge = 0, beyond = 0, shrinks = 0, over = 0;
    bool synack = false;
    for (size_t i = 0; i < p.tn->nlog; i++) {
        const struct tn_seg *g = &p.tn->log[i];
        if (g->dir == TN_BA && (g->flags & TCP_FLAG_SYN)) {
            synack = true;
            CU_ASSERT_EQUAL(p.w->raw_win[i], 20000); /* a SYN's window is not scaled */
            edge = g->rack + p.w->raw_win[i];
            continue;
        }
        if (g->dir == TN_BA) {
            uint32_t wnd = p.w->raw_win[i] << RS;
            uint32_t e = g->rack + wnd;
            shrinks += e < edge;
            if (e > edge)
                edge = e;
            over += i < switch_at && wnd > 20000;
        } else if (g->len > 0 && g->rseq + g->len > edge) {
            beyond++; /* A sent past the right edge B advertised */
        }
    }
    CU_ASSERT_TRUE(synack);
    CU_ASSERT_EQUAL(over, 0);
    CU_ASSERT_EQUAL(shrinks, 0);
    CU_ASSERT_EQUAL(beyond, 0);
    pair_free(&p);
}

static void test_sack_blocks_get_only_the_space_the_ulp_leaves(void)
{
    for (int big = 0; big < 2; big++) {
        struct pair p;
        pair_new(&p, NULL, NULL);
        p.ub->opt_len = big ? 12 : 4; /* TS 12 + 12: one block fits; TS 12 + 4: two */
        tnet_drop_seq(p.tn, TN_AB, 2 * 1448, 1);
        tnet_drop_seq(p.tn, TN_AB, 6 * 1448, 1);
        pair_connect(&p, &tulp_ops, 100000);
        sched_run_until(p.tn->s, time_from_s(3));
        CU_ASSERT_EQUAL(p.srv.read, 100000);
        int most = 0, sacks = 0, before_sack = 0;
        for (size_t i = 0; i < p.tn->nlog; i++) {
            if (p.tn->log[i].dir != TN_BA || !p.w->sack_blocks[i])
                continue;
            sacks++;
            if (p.w->sack_blocks[i] > most)
                most = p.w->sack_blocks[i];
            before_sack += !p.w->opt_after_sack[i] || !p.w->tag_ok[i];
        }
        CU_ASSERT(sacks > 0);
        CU_ASSERT_EQUAL(most, big ? 1 : 2);
        CU_ASSERT_EQUAL(before_sack, 0); /* Linux's order: SACK, then the ULP's option */
        pair_free(&p);
    }
}

static int index_of(const struct tulp *u, enum tcp_ulp_event ev)
{
    for (int i = 0; i < u->nev; i++)
        if (u->ev[i] == ev)
            return i;
    return -1;
}

static void test_events_fire_in_order_and_once_where_they_must(void)
{
    struct pair p;
    pair_new(&p, NULL, NULL);
    tnet_drop_seq(p.tn, TN_AB, 20 * 1448, 1);  /* fast retransmit */
    tnet_drop_seq(p.tn, TN_AB, 100 * 1448, 3); /* and an RTO */
    pair_connect(&p, &tulp_ops, 300000);
    sched_run_until(p.tn->s, time_from_s(70)); /* A's TIME-WAIT ends too */
    CU_ASSERT_EQUAL(p.srv.read, 300000);
    struct sock_stats st;
    tcp_sock_get_stats(p.cli.sock, &st);
    CU_ASSERT(st.rto_count >= 1);
    CU_ASSERT(st.fast_retrans >= 1);
    CU_ASSERT_EQUAL((uint64_t)tulp_count(p.ua, TCP_ULP_EV_RTO), st.rto_count);
    CU_ASSERT_EQUAL((uint64_t)tulp_count(p.ua, TCP_ULP_EV_RECOVERY), st.fast_retrans);
    CU_ASSERT(tulp_count(p.ua, TCP_ULP_EV_ACKED) > 10);
    /* One DUPACK per duplicate ACK taken (the recoveries above make some), none on B,
     * which sends no data. */
    CU_ASSERT(st.dupacks_in >= 3);
    CU_ASSERT_EQUAL((uint64_t)tulp_count(p.ua, TCP_ULP_EV_DUPACK), st.dupacks_in);
    CU_ASSERT_EQUAL(tulp_count(p.ub, TCP_ULP_EV_DUPACK), 0);
    struct tulp *both[2] = { p.ua, p.ub };
    for (int k = 0; k < 2; k++) {
        struct tulp *u = both[k];
        CU_ASSERT_EQUAL_FATAL(u->nev >= 3, true);
        CU_ASSERT_EQUAL(u->ev[0], TCP_ULP_EV_ESTABLISHED);
        CU_ASSERT_EQUAL(u->ev[u->nev - 1], TCP_ULP_EV_CLOSED);
        CU_ASSERT_EQUAL(tulp_count(u, TCP_ULP_EV_ESTABLISHED), 1);
        CU_ASSERT_EQUAL(tulp_count(u, TCP_ULP_EV_FIN_RCVD), 1);
        CU_ASSERT_EQUAL(tulp_count(u, TCP_ULP_EV_CLOSED), 1);
        CU_ASSERT(index_of(u, TCP_ULP_EV_FIN_RCVD) < u->nev - 1);
        CU_ASSERT_EQUAL(u->after_closed, 0);
    }
    /* B, the receiver, has nothing of its own acknowledged but its FIN. */
    CU_ASSERT_EQUAL(tulp_count(p.ub, TCP_ULP_EV_ACKED), 0);
    /* B closed at the last ACK, A 60 s of TIME-WAIT later. */
    CU_ASSERT(p.ua->ev_at[p.ua->nev - 1] - p.ub->ev_at[p.ub->nev - 1] >= time_from_s(59));
    pair_free(&p);
}

static void test_ulp_may_abort_its_connection_from_an_event(void)
{
    struct pair p;
    pair_new(&p, NULL, NULL);
    p.ua->abort_on_acked = true; /* inside tcp_ack */
    pair_connect(&p, &tulp_ops, 100000);
    sched_run_until(p.tn->s, time_from_s(2));
    CU_ASSERT_EQUAL(tulp_count(p.ua, TCP_ULP_EV_ACKED), 1);
    CU_ASSERT_EQUAL(tulp_count(p.ua, TCP_ULP_EV_CLOSED), 1);
    CU_ASSERT_EQUAL(p.ua->ev[p.ua->nev - 1], TCP_ULP_EV_CLOSED);
    CU_ASSERT_EQUAL(p.ua->after_closed, 0);
    /* The abort's RST carries the option; the stack answers B's later ACKs with stateless
     * resets, which belong to no connection and carry none. */
    int rsts = 0, with_opt = 0;
    for (size_t i = 0; i < p.tn->nlog; i++) {
        if (p.tn->log[i].dir != TN_AB || !(p.tn->log[i].flags & TCP_FLAG_RST))
            continue;
        if (rsts++ == 0)
            CU_ASSERT_TRUE(p.w->tag_ok[i]);
        with_opt += p.w->opt[i];
    }
    CU_ASSERT(rsts > 1);
    CU_ASSERT_EQUAL(with_opt, 1);
    CU_ASSERT_EQUAL(p.srv.error, SOCK_ERR_RESET);
    struct tcp_stack_stats ss;
    tcp_stack_get_stats(p.tn->a, &ss);
    CU_ASSERT_EQUAL(ss.conns_live, 0);
    pair_free(&p);
}

static void test_closed_is_raised_on_close_into_time_wait_and_not_by_stack_free(void)
{
    struct pair p;
    pair_new(&p, NULL, NULL);
    pair_connect(&p, &tulp_ops, 20000);
    sched_run_until(p.tn->s, time_from_s(1));
    CU_ASSERT_EQUAL(tcp_sock_state(p.cli.sock), TCP_TIME_WAIT);
    CU_ASSERT_EQUAL(tulp_count(p.ua, TCP_ULP_EV_CLOSED), 0);
    tcp_close(p.cli.sock); /* the rest of TIME-WAIT as a compact record */
    CU_ASSERT_EQUAL(tulp_count(p.ua, TCP_ULP_EV_CLOSED), 1);
    /* B's child in LAST-ACK closed already; a fresh one is open when the stack goes. */
    p.lh.verdict = TCP_SYN_PLAIN;
    struct tulp *u = tulp_new(p.tn);
    struct tn_app c2 = { .to_send = 1000000 };
    tcp_connect_ulp(p.tn->a, &p.tn->addr_a, 0, &p.tn->addr_b, 80, NULL, &tulp_ops, u,
                    &tn_app_callbacks, &c2, &c2.sock);
    sched_run_until(p.tn->s, time_from_ms(1100));
    CU_ASSERT_EQUAL(tulp_count(u, TCP_ULP_EV_ESTABLISHED), 1);
    pair_free(&p);
    CU_ASSERT_EQUAL(tulp_count(u, TCP_ULP_EV_CLOSED), 0);
    tulp_free(u);
}

static void test_send_ack_sends_a_pure_ack_with_ulp_options(void)
{
    struct pair p;
    pair_new(&p, NULL, NULL);
    pair_connect(&p, &tulp_ops, 0);
    p.cli.close_when_done = false;
    CU_ASSERT_EQUAL(tcp_sock_send_ack(p.cli.sock), SOCK_ERR_STATE); /* SYN-SENT */
    sched_run_until(p.tn->s, time_from_ms(100));
    size_t before = p.tn->nlog;
    CU_ASSERT_EQUAL(tcp_sock_send_ack(p.cli.sock), 0);
    CU_ASSERT_EQUAL_FATAL(p.tn->nlog, before + 1);
    CU_ASSERT_TRUE(is_pure_ack(&p.tn->log[before]));
    CU_ASSERT_TRUE(p.w->tag_ok[before]);
    pair_free(&p);
}

SUITE(tcp_ulp, NULL, NULL,
      TEST(test_ulp_options_ride_on_syn_synack_data_acks_and_fin),
      TEST(test_rst_of_abort_carries_ulp_options_and_ends_both_ulps),
      TEST(test_retransmissions_carry_options_written_for_the_same_seq_and_len),
      TEST(test_data_opt_bytes_rounded_to_words_come_off_the_mss),
      TEST(test_attaching_or_detaching_a_ulp_moves_the_mss),
      TEST(test_no_segment_crosses_a_ulp_boundary_in_recovery_or_after_rto),
      TEST(test_rcv_options_sees_every_accepted_segment),
      TEST(test_refused_data_is_not_queued_nor_acknowledged_until_resent),
      TEST(test_refused_third_ack_leaves_the_child_in_syn_received),
      TEST(test_ulp_receive_window_is_advertised_and_never_shrinks),
      TEST(test_sack_blocks_get_only_the_space_the_ulp_leaves),
      TEST(test_events_fire_in_order_and_once_where_they_must),
      TEST(test_ulp_may_abort_its_connection_from_an_event),
      TEST(test_closed_is_raised_on_close_into_time_wait_and_not_by_stack_free),
      TEST(test_send_ack_sends_a_pure_ack_with_ulp_options))
