/* test_tcp_ulp_listen.c - the listener side of tcp_ulp.h (SYN verdicts, the cookie path with
 * synack_options and cookie_ack, claim) and transparent listeners (any destination, the
 * original destination reported, specific listeners first, ephemeral ports left free).
 */
#include <stdlib.h>
#include <string.h>

#include "models/tcp/tcp_stack.h"
#include "models/tcp/tcp_ulp.h"
#include "models/wire/tcp.h"
#include "tests/harness.h"
#include "tests/tcp_testnet.h"
#include "tests/tcp_ulp_testutil.h"

#define RATE 100000000ull

static uint64_t farm_read(const struct tn_farm *f)
{
    uint64_t n = 0;
    for (int i = 0; i < f->n; i++)
        n += f->app[i].read;
    return n;
}

/* A test net with a farm listener on B:80 running the hook lh; plain clients. */
struct lnet {
    struct tnet *tn;
    struct wtap *w;
    struct tn_farm f;
    struct tcp_listener *l;
    struct lhook lh;
    struct tulp *u[4];
    struct tn_app cli[4];
};

static void lnet_new(struct lnet *n, const struct tcp_config *cb, enum tcp_syn_verdict v,
                     const struct tcp_ulp_ops *ops)
{
    *n = (struct lnet){ .f.accept = true };
    n->tn = tnet_new(RATE, time_from_ms(10), NULL, cb);
    n->w = wtap_new(n->tn);
    CU_ASSERT_EQUAL(tcp_listen(n->tn->b, NULL, 80, &tn_farm_callbacks, &n->f, &n->l), 0);
    n->lh = (struct lhook){ .verdict = v, .ops = ops };
    for (int i = 0; i < 4; i++)
        n->lh.child[i] = n->u[i] = tulp_new(n->tn);
    tcp_listener_set_ulp(n->l, &lhook_ops, &n->lh);
}

static void lnet_free(struct lnet *n)
{
    tnet_free(n->tn);
    for (int i = 0; i < 4; i++)
        tulp_free(n->u[i]);
    wtap_free(n->w);
}

static void test_reset_verdict_answers_the_syn_with_rst_and_creates_nothing(void)
{
    struct lnet n;
    lnet_new(&n, NULL, TCP_SYN_RESET, &tulp_ops);
    tnet_connect_bulk(n.tn, &n.cli[0], 1000, NULL);
    sched_run_until(n.tn->s, time_from_s(1));
    CU_ASSERT_EQUAL(n.lh.nsyn, 1);
    CU_ASSERT_EQUAL(tnet_count(n.tn, TN_BA, 0, false), 1);
    const struct tn_seg *rst = tnet_find(n.tn, TN_BA, TCP_FLAG_RST | TCP_FLAG_ACK, false, 0);
    CU_ASSERT_PTR_NOT_NULL(rst);
    CU_ASSERT_EQUAL(n.cli[0].error, SOCK_ERR_REFUSED);
    struct tcp_stack_stats ss;
    tcp_stack_get_stats(n.tn->b, &ss);
    CU_ASSERT_EQUAL(ss.passive_opens, 0);
    CU_ASSERT_EQUAL(ss.conns_live, 0);
    lnet_free(&n);
}

static void test_drop_verdict_sends_nothing_and_the_client_retries(void)
{
    struct lnet n;
    lnet_new(&n, NULL, TCP_SYN_DROP, &tulp_ops);
    tnet_connect_bulk(n.tn, &n.cli[0], 1000, NULL);
    sched_run_until(n.tn->s, time_from_s(4));
    int syns = tnet_count(n.tn, TN_AB, TCP_FLAG_SYN, false);
    CU_ASSERT(syns >= 3); /* 0 s, 1 s, 3 s */
    CU_ASSERT_EQUAL(n.lh.nsyn, syns);
    CU_ASSERT_EQUAL(tnet_count(n.tn, TN_BA, 0, false), 0);
    CU_ASSERT_FALSE(n.cli[0].connected);
    lnet_free(&n);
}

static void test_attach_verdict_gives_the_child_synack_the_ulp_options(void)
{
    for (int attach = 0; attach < 2; attach++) {
        struct lnet n;
        lnet_new(&n, NULL, attach ? TCP_SYN_ATTACH : TCP_SYN_PLAIN, &tulp_ops);
        tnet_connect_bulk(n.tn, &n.cli[0], 30000, NULL);
        sched_run_until(n.tn->s, time_from_s(2));
        CU_ASSERT_EQUAL(farm_read(&n.f), 30000);
        int with = 0, ba = 0;
        for (size_t i = 0; i < n.tn->nlog; i++) {
            if (n.tn->log[i].dir != TN_BA)
                continue;
            ba++;
            with += n.w->tag_ok[i];
        }
        const struct tn_seg *synack = tnet_find(n.tn, TN_BA, TCP_FLAG_SYN, false, 0);
        CU_ASSERT_PTR_NOT_NULL_FATAL(synack);
        CU_ASSERT_EQUAL(n.w->tag_ok[synack - n.tn->log], attach);
        CU_ASSERT_EQUAL(with, attach ? ba : 0);
        CU_ASSERT_EQUAL(tulp_count(n.u[0], TCP_ULP_EV_ESTABLISHED), attach);
        CU_ASSERT_EQUAL(n.lh.next, attach);
        lnet_free(&n);
    }
}

static void test_cookie_path_asks_synack_options_and_attaches_in_cookie_ack(void)
{
    static const struct tcp_ulp_ops ops22 = { TULP_HOOKS, .data_opt_bytes = 22 };
    struct tcp_config cb;
    tcp_config_default(&cb);
    cb.syn_backlog = 1;
    struct lnet n;
    lnet_new(&n, &cb, TCP_SYN_ATTACH, &ops22);
    n.lh.cookie_attach = true;
    for (int i = 0; i < 3; i++)
        tnet_connect_bulk(n.tn, &n.cli[i], 50000, NULL);
    sched_run_until(n.tn->s, time_from_s(3));
    struct sock_listener_stats ls;
    tcp_listener_get_stats(n.l, &ls);
    CU_ASSERT_EQUAL(ls.cookies_sent, 2);
    CU_ASSERT_EQUAL(ls.cookies_validated, 2);
    CU_ASSERT_EQUAL(n.lh.nsyn, 3);
    CU_ASSERT_EQUAL(n.lh.ncookie_syn, 2);
    CU_ASSERT_EQUAL(n.lh.nsynack, 2);
    CU_ASSERT_EQUAL(n.lh.ncookie_ack, 2);
    /* All three SYN-ACKs (one from a child, two stateless) carry the option. */
    int synacks = 0;
    for (size_t i = 0; i < n.tn->nlog; i++)
        if (n.tn->log[i].dir == TN_BA && (n.tn->log[i].flags & TCP_FLAG_SYN)) {
            synacks++;
            CU_ASSERT_TRUE(n.w->tag_ok[i]);
        }
    CU_ASSERT_EQUAL(synacks, 3);
    CU_ASSERT_EQUAL(n.f.n, 3);
    CU_ASSERT_EQUAL(farm_read(&n.f), 150000);
    /* Each child has its ULP: ESTABLISHED raised, options written, the MSS deduction applied
     * on the cookie path too (1460 from the cookie table - 12 - 24). */
    for (int i = 0; i < 3; i++) {
        CU_ASSERT_EQUAL(tulp_count(n.u[i], TCP_ULP_EV_ESTABLISHED), 1);
        CU_ASSERT(n.u[i]->nwrote > 0);
        struct sock_info info;
        tcp_sock_get_info(n.f.app[i].sock, &info);
        CU_ASSERT_EQUAL(info.mss, 1424);
    }
    lnet_free(&n);
}

static void test_cookie_ack_refusal_resets_the_client_from_the_child(void)
{
    struct tcp_config cb;
    tcp_config_default(&cb);
    cb.syn_backlog = 1;
    struct lnet n;
    lnet_new(&n, &cb, TCP_SYN_ATTACH, &tulp_ops);
    n.lh.cookie_attach = true;
    n.lh.cookie_refuse = true;
    for (int i = 0; i < 2; i++)
        tnet_connect_bulk(n.tn, &n.cli[i], 30000, NULL);
    sched_run_until(n.tn->s, time_from_s(3));
    /* The refused ACK and the data segments behind it each validate the cookie again and
     * are each refused (the child never exists for long). */
    CU_ASSERT(n.lh.ncookie_ack >= 1);
    CU_ASSERT_EQUAL(n.cli[1].error, SOCK_ERR_RESET);
    CU_ASSERT_EQUAL(n.f.n, 1);
    CU_ASSERT_EQUAL(farm_read(&n.f), 30000);
    /* The refused child's ULP wrote its option on the reset and got CLOSED, nothing else. */
    const struct tn_seg *rst = tnet_find(n.tn, TN_BA, TCP_FLAG_RST, false, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(rst);
    CU_ASSERT_TRUE(n.w->tag_ok[rst - n.tn->log]);
    CU_ASSERT_EQUAL(n.u[1]->nev, 1);
    CU_ASSERT_EQUAL(n.u[1]->ev[0], TCP_ULP_EV_CLOSED);
    struct tcp_stack_stats ss;
    tcp_stack_get_stats(n.tn->b, &ss);
    CU_ASSERT_EQUAL(ss.conns_live, 1);
    lnet_free(&n);
}

static void test_claimed_child_skips_the_accept_queue_and_uses_its_claimers_callbacks(void)
{
    struct lnet n;
    lnet_new(&n, NULL, TCP_SYN_ATTACH, &tulp_ops);
    struct tn_app claimed = { 0 };
    n.lh.claim = true;
    n.lh.claim_app = &claimed;
    tnet_connect_bulk(n.tn, &n.cli[0], 400000, NULL);
    sched_run_until(n.tn->s, time_from_ms(40)); /* the third ACK arrived at 30 ms */
    CU_ASSERT_EQUAL(n.lh.nclaim, 1);
    struct sock_listener_stats ls;
    tcp_listener_get_stats(n.l, &ls);
    CU_ASSERT_EQUAL(ls.accepted, 0);
    CU_ASSERT_EQUAL(ls.acceptq_len, 0);
    CU_ASSERT_EQUAL(ls.synq_len, 0);
    CU_ASSERT(claimed.read > 0); /* data reached the callbacks set in claim */
    /* Closing the listener leaves the claimed connection alone. */
    tcp_listener_close(n.l);
    CU_ASSERT_EQUAL(tulp_count(n.u[0], TCP_ULP_EV_CLOSED), 0);
    sched_run_until(n.tn->s, time_from_s(2));
    CU_ASSERT_EQUAL(n.lh.child_events_at_claim, 1); /* ESTABLISHED came first */
    CU_ASSERT_EQUAL(n.f.calls, 0);
    CU_ASSERT_EQUAL(claimed.read, 400000);
    CU_ASSERT_TRUE(claimed.eof);
    CU_ASSERT_TRUE(claimed.closed);
    CU_ASSERT_EQUAL(tulp_count(n.u[0], TCP_ULP_EV_CLOSED), 1);
    lnet_free(&n);
}

/* ---- transparent listeners ---------------------------------------------------------- */

static const struct sock_addr far1 = { .family = 4, .bytes = { 192, 0, 2, 7 } };
static const struct sock_addr far2 = { .family = 4, .bytes = { 198, 51, 100, 9 } };

static bool same_addr(const struct sock_addr *a, const struct sock_addr *b)
{
    return a->family == b->family && memcmp(a->bytes, b->bytes, a->family == 6 ? 16 : 4) == 0;
}

static void connect_to(struct tnet *tn, struct tn_app *app, const struct sock_addr *dst,
                       uint16_t port, size_t bytes)
{
    app->to_send = bytes;
    app->close_when_done = true;
    CU_ASSERT_EQUAL(tcp_connect(tn->a, &tn->addr_a, 0, dst, port, NULL, &tn_app_callbacks, app,
                                &app->sock),
                    0);
}

static void test_transparent_listener_takes_any_destination_and_reports_it(void)
{
    struct tnet *tn = tnet_new(RATE, time_from_ms(10), NULL, NULL);
    tn->carry_addrs = true;
    struct tn_farm f = { .accept = true };
    struct tcp_listener *l;
    CU_ASSERT_EQUAL(tcp_listen_transparent(tn->b, 0, &tn_farm_callbacks, &f, &l), 0);
    struct tn_app cli[2] = { 0 };
    connect_to(tn, &cli[0], &far1, 443, 30000);
    connect_to(tn, &cli[1], &far2, 8080, 20000);
    sched_run_until(tn->s, time_from_s(2));
    CU_ASSERT_EQUAL_FATAL(f.n, 2);
    const struct sock_addr *dst[2] = { &far1, &far2 };
    const uint16_t port[2] = { 443, 8080 };
    const uint64_t bytes[2] = { 30000, 20000 };
    for (int i = 0; i < 2; i++) {
        CU_ASSERT_TRUE(cli[i].connected);
        struct sock_info info;
        tcp_sock_get_info(f.app[i].sock, &info);
        CU_ASSERT_TRUE(same_addr(&info.local, dst[i]));
        CU_ASSERT_TRUE(same_addr(&info.orig_dst, dst[i]));
        CU_ASSERT_EQUAL(info.orig_dport, port[i]);
        CU_ASSERT_EQUAL(info.lport, port[i]);
        CU_ASSERT_TRUE(same_addr(&info.remote, &tn->addr_a));
        CU_ASSERT_EQUAL(f.app[i].read, bytes[i]);
    }
    /* The generic socket reports the same through sock_get_info. */
    struct sock_info gi;
    sock_get_info(tcp_sock_sock(f.app[0].sock), &gi);
    CU_ASSERT_EQUAL(gi.orig_dport, 443);
    tnet_free(tn);
}

static void test_specific_listeners_win_over_transparent_ones(void)
{
    struct tnet *tn = tnet_new(RATE, time_from_ms(10), NULL, NULL);
    tn->carry_addrs = true;
    struct tn_farm exact = { .accept = true }, any22 = exact, t80 = exact, t0 = exact;
    struct tcp_listener *l;
    CU_ASSERT_EQUAL(tcp_listen(tn->b, &tn->addr_b, 80, &tn_farm_callbacks, &exact, &l), 0);
    CU_ASSERT_EQUAL(tcp_listen(tn->b, NULL, 22, &tn_farm_callbacks, &any22, &l), 0);
    CU_ASSERT_EQUAL(tcp_listen_transparent(tn->b, 80, &tn_farm_callbacks, &t80, &l), 0);
    CU_ASSERT_EQUAL(tcp_listen_transparent(tn->b, 0, &tn_farm_callbacks, &t0, &l), 0);
    CU_ASSERT_EQUAL(tcp_listen_transparent(tn->b, 80, &tn_farm_callbacks, &t80, &l), SOCK_ERR_ARG);
    struct tn_app cli[4] = { 0 };
    connect_to(tn, &cli[0], &tn->addr_b, 80, 1000); /* exact address listener */
    connect_to(tn, &cli[1], &far1, 80, 1000);       /* transparent on 80 */
    connect_to(tn, &cli[2], &far1, 81, 1000);       /* transparent on any port */
    connect_to(tn, &cli[3], &far1, 22, 1000);       /* any-address listener (documented) */
    sched_run_until(tn->s, time_from_s(2));
    CU_ASSERT_EQUAL(exact.n, 1);
    CU_ASSERT_EQUAL(t80.n, 1);
    CU_ASSERT_EQUAL(t0.n, 1);
    CU_ASSERT_EQUAL(any22.n, 1);
    CU_ASSERT_EQUAL(exact.app[0].read + t80.app[0].read + t0.app[0].read + any22.app[0].read,
                    4000);
    tnet_free(tn);
}

static void test_transparent_listener_leaves_ephemeral_ports_free(void)
{
    struct tnet *tn = tnet_new(RATE, time_from_ms(10), NULL, NULL);
    struct tn_farm fb = { .accept = true }, fa = fb;
    struct tcp_listener *l;
    CU_ASSERT_EQUAL(tcp_listen_transparent(tn->b, 0, &tn_farm_callbacks, &fb, &l), 0);
    CU_ASSERT_EQUAL(tcp_listen(tn->a, NULL, 80, &tn_farm_callbacks, &fa, &l), 0);
    struct tn_app out = { .to_send = 5000, .close_when_done = true };
    CU_ASSERT_EQUAL(tcp_connect(tn->b, &tn->addr_b, 0, &tn->addr_a, 80, NULL,
                                &tn_app_callbacks, &out, &out.sock),
                    0);
    sched_run_until(tn->s, time_from_s(1));
    CU_ASSERT_EQUAL(fa.n, 1);
    CU_ASSERT_EQUAL(farm_read(&fa), 5000);
    CU_ASSERT_EQUAL(fb.n, 0);
    tnet_free(tn);
}

SUITE(tcp_ulp_listen, NULL, NULL,
      TEST(test_reset_verdict_answers_the_syn_with_rst_and_creates_nothing),
      TEST(test_drop_verdict_sends_nothing_and_the_client_retries),
      TEST(test_attach_verdict_gives_the_child_synack_the_ulp_options),
      TEST(test_cookie_path_asks_synack_options_and_attaches_in_cookie_ack),
      TEST(test_cookie_ack_refusal_resets_the_client_from_the_child),
      TEST(test_claimed_child_skips_the_accept_queue_and_uses_its_claimers_callbacks),
      TEST(test_transparent_listener_takes_any_destination_and_reports_it),
      TEST(test_specific_listeners_win_over_transparent_ones),
      TEST(test_transparent_listener_leaves_ephemeral_ports_free))
