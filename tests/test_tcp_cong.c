/* test_tcp_cong.c - congestion-control ops: the registry, Reno's slow start and additive
 * increase, CUBIC's window against the RFC 9438 curve, and an algorithm selected by name on
 * a live connection. The ops are driven with a synthetic ACK clock (one ACK per segment,
 * spread evenly over each RTT) so that the comparison with the closed-form curve is not
 * blurred by queueing.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/tcp/tcp_cong.h"
#include "models/tcp/tcp_stack.h"
#include "sim/registry.h"
#include "tests/harness.h"
#include "tests/tcp_testnet.h"

#define MSS 1448u

static void test_registry_finds_algorithms_by_name(void)
{
    CU_ASSERT_PTR_NOT_NULL(tcp_cong_find("reno"));
    CU_ASSERT_PTR_NOT_NULL(tcp_cong_find("newreno"));
    CU_ASSERT_PTR_NOT_NULL(tcp_cong_find("cubic"));
    CU_ASSERT_PTR_NULL(tcp_cong_find("vegas"));
    CU_ASSERT_STRING_EQUAL(tcp_cong_names(), "balia|cubic|lia|newreno|olia|reno");
    struct tcp_config cfg;
    tcp_config_default(&cfg);
    strcpy(cfg.cc, "vegas");
    char err[256];
    CU_ASSERT_EQUAL(tcp_config_check(&cfg, err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "vegas"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "balia|cubic|lia|newreno|olia|reno"));
}

/* The "tcp" model: its parameter table drives `mcpsim help tcp`, and create() refuses a bad
 * configuration with a message naming the parameter. */
static void test_tcp_model_lists_parameters_and_checks_them(void)
{
    const struct model_def *m = registry_find("tcp");
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    const char *names[] = { "mss", "cc", "rto_min", "rto_initial", "syn_retries",
                            "delack_timeout", "nagle", "sack", "timestamps", "wscale",
                            "rcvbuf", "sndbuf", "syncookies", "backlog", "syn_backlog" };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        CU_ASSERT_PTR_NOT_NULL(registry_param(m, names[i]));
    struct tcp_config cfg;
    char err[256];
    CU_ASSERT_EQUAL(param_defaults(m, &cfg, err, sizeof err), 0);
    CU_ASSERT_EQUAL(cfg.rto_initial, time_from_s(1));
    CU_ASSERT_EQUAL(cfg.mss, 1460);
    void *made = NULL;
    CU_ASSERT_EQUAL(m->create(NULL, "n1", &cfg, &made, err, sizeof err), 0);
    free(made);
    CU_ASSERT_EQUAL(param_set(registry_param(m, "cc"), &cfg, "cubic", err, sizeof err), 0);
    CU_ASSERT_EQUAL(param_set(registry_param(m, "rto_min"), &cfg, "2s", err, sizeof err), 0);
    CU_ASSERT_EQUAL(m->create(NULL, "n1", &cfg, &made, err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "rto_min"));
    char *out = NULL;
    char cmd[512];
    snprintf(cmd, sizeof cmd, "%s help tcp", harness_mcpsim());
    CU_ASSERT_EQUAL(harness_run(cmd, &out), 0);
    CU_ASSERT(out && strstr(out, "syncookies") != NULL);
    CU_ASSERT(out && strstr(out, "delack_timeout") != NULL);
    free(out);
}

/* One RTT of ACKs, one per segment of the current window. */
static void ack_one_rtt(struct tcp_cc *cc, sim_time_t *t, sim_time_t rtt)
{
    uint32_t segs = cc->cwnd / cc->mss;
    for (uint32_t i = 0; i < segs; i++) {
        cc->now = *t + rtt * i / segs;
        cc->in_flight = cc->cwnd;
        cc->ops->cong_avoid(cc, cc->mss);
    }
    *t += rtt;
}

static void test_reno_doubles_in_slow_start_and_adds_one_segment_per_rtt(void)
{
    struct tcp_cc cc = { .ops = tcp_cong_find("reno"), .mss = MSS, .cwnd = 10 * MSS,
                         .ssthresh = 40 * MSS, .srtt = time_from_ms(100) };
    cc.ops->init(&cc);
    sim_time_t t = 0;
    ack_one_rtt(&cc, &t, time_from_ms(100));
    CU_ASSERT_EQUAL(cc.cwnd, 20 * MSS);
    ack_one_rtt(&cc, &t, time_from_ms(100));
    CU_ASSERT_EQUAL(cc.cwnd, 40 * MSS);
    ack_one_rtt(&cc, &t, time_from_ms(100));
    CU_ASSERT_EQUAL(cc.cwnd, 41 * MSS);
    ack_one_rtt(&cc, &t, time_from_ms(100));
    CU_ASSERT_EQUAL(cc.cwnd, 42 * MSS);
    cc.in_flight = 42 * MSS;
    CU_ASSERT_EQUAL(cc.ops->ssthresh(&cc), 21 * MSS); /* RFC 5681 eq. 4 */
    cc.in_flight = 3 * MSS;
    CU_ASSERT_EQUAL(cc.ops->ssthresh(&cc), 2 * MSS);
}

/* After a loss at W_max = 100 segments, CUBIC's window follows
 * W(t) = C (t - K)^3 + W_max with C = 0.4, K = cbrt(W_max (1 - beta) / C) = cbrt(75) s,
 * starting from beta * W_max = 70 segments (RFC 9438 eq. 1, 2). The implementation aims
 * each RTT at W(t + RTT) and reaches it by the end of that RTT, so cwnd sampled at the start
 * of an RTT should equal W(t) up to the per-ACK discretisation: we allow 2 segments or 2%,
 * whichever is larger (the largest one-RTT change of W near t = 0 is 3 C K^2 RTT = 2.1
 * segments, and the window is an integer number of bytes that grows ACK by ACK). Where the
 * Reno-friendly estimate W_est (section 4.3: from 70 segments, alpha = 3(1-beta)/(1+beta) =
 * 0.53 segment per RTT, 1 once it passes cwnd_prior = 100) is above W(t), cwnd follows
 * W_est instead: the expected value is max(W(t), W_est(t)), W_est advanced per RTT here. */
static void test_cubic_window_follows_the_rfc9438_curve(void)
{
    struct tcp_cc cc = { .ops = tcp_cong_find("cubic"), .mss = MSS, .cwnd = 100 * MSS,
                         .ssthresh = 1000 * MSS };
    sim_time_t rtt = time_from_ms(100);
    cc.srtt = cc.min_rtt = rtt;
    cc.ops->init(&cc);
    cc.in_flight = cc.cwnd;
    uint32_t ss = cc.ops->ssthresh(&cc);
    CU_ASSERT_EQUAL(ss, 70 * MSS); /* beta_cubic = 0.7 (section 4.6) */
    cc.ssthresh = ss;
    cc.cwnd = ss;
    const double C = 0.4, wmax = 100.0, K = cbrt(wmax * 0.3 / C);
    sim_time_t t0 = time_from_s(10), t = t0;
    int checked = 0;
    double worst = 0, w_est = 70.0;
    while (t - t0 < time_from_sec_f(2 * K)) {
        double el = time_to_sec(t - t0);
        double w = fmax(C * pow(el - K, 3) + wmax, w_est);
        double cwnd = (double)cc.cwnd / MSS;
        double tol = fmax(2.0, 0.02 * w);
        if (el > 0) {
            CU_ASSERT(fabs(cwnd - w) <= tol);
            if (fabs(cwnd - w) > worst)
                worst = fabs(cwnd - w);
            checked++;
        }
        ack_one_rtt(&cc, &t, rtt);
        w_est += w_est >= wmax ? 1.0 : 3.0 * 0.3 / 1.7;
    }
    CU_ASSERT(checked >= 80);
    CU_ASSERT(worst < 2.0);
}

static void test_cubic_fast_convergence_lowers_wmax(void)
{
    struct tcp_cc cc = { .ops = tcp_cong_find("cubic"), .mss = MSS, .cwnd = 100 * MSS,
                         .ssthresh = 1000 * MSS, .srtt = time_from_ms(100) };
    cc.ops->init(&cc);
    cc.ops->ssthresh(&cc);      /* W_max = 100 */
    cc.cwnd = 80 * MSS;         /* a second loss before reaching W_max */
    uint32_t ss = cc.ops->ssthresh(&cc);
    CU_ASSERT_EQUAL(ss, 56 * MSS);
    /* Section 4.7: W_max = cwnd (1 + beta) / 2 = 68 segments, so K = cbrt(12 / 0.4) and one
     * second into the epoch W(1) = 64.3 segments; without fast convergence (W_max = 80) it
     * would be 70.1. W_est is 61.3 then, below both. */
    cc.ssthresh = ss;
    cc.cwnd = ss;
    double K = cbrt((68.0 - 56.0) / 0.4);
    sim_time_t t = time_from_s(1);
    sim_time_t end = t + time_from_s(1);
    while (t < end)
        ack_one_rtt(&cc, &t, time_from_ms(100));
    double cwnd = (double)cc.cwnd / MSS;
    CU_ASSERT(fabs(cwnd - (0.4 * pow(1.0 - K, 3) + 68.0)) < 1.0);
}

static void test_cubic_selected_by_name_reduces_by_beta_on_loss(void)
{
    struct tnet *tn = tnet_new(100000000ull, time_from_ms(10), NULL, NULL);
    struct tn_app cli = { 0 }, srv = { 0 };
    tnet_listen_sink(tn, &srv);
    tnet_drop_seq(tn, TN_AB, 30 * MSS, 1);
    CU_ASSERT_EQUAL_FATAL(tnet_connect_bulk(tn, &cli, 100000000, "cubic"), 0);
    cli.close_when_done = false;
    sched_run_until(tn->s, time_from_ms(200));
    struct sock_info info;
    tcp_sock_get_info(cli.sock, &info);
    CU_ASSERT_STRING_EQUAL(info.cc, "cubic");
    struct sock_stats st;
    tcp_sock_get_stats(cli.sock, &st);
    CU_ASSERT_EQUAL(st.fast_retrans, 1);
    /* The loss is detected with cwnd = 40 + 3 segments grown in slow start (ACKs of the
     * segments before the hole); ssthresh = 0.7 cwnd, versus about half for Reno. */
    CU_ASSERT(info.ssthresh >= 28 * MSS && info.ssthresh <= 32 * MSS);
    CU_ASSERT_EQUAL(tcp_sock_set_cc(cli.sock, "reno"), 0);
    CU_ASSERT_EQUAL(tcp_sock_set_cc(cli.sock, "vegas"), SOCK_ERR_ARG);
    tcp_abort(cli.sock);
    tnet_free(tn);
}

static void send_more(struct sched *s, void *ctx, void *arg)
{
    (void)s;
    (void)arg;
    tcp_send(ctx, 200000);
}

static void test_window_restarts_after_an_idle_period(void)
{
    /* 300 kB grow cwnd well past the initial 10 segments; after 5 s of silence (more than
     * the RTO) the next burst starts from the restart window min(IW, cwnd) = 10 segments
     * (RFC 5681 section 4.1): exactly 10 segments leave before the first ACK returns. */
    struct tnet *tn = tnet_new(100000000ull, time_from_ms(10), NULL, NULL);
    struct tn_app cli = { 0 }, srv = { 0 };
    tnet_listen_sink(tn, &srv);
    tnet_connect_bulk(tn, &cli, 300000, NULL);
    cli.close_when_done = false;
    sched_run_until(tn->s, time_from_s(2));
    struct sock_info info;
    tcp_sock_get_info(cli.sock, &info);
    CU_ASSERT(info.cwnd > 20 * MSS);
    sim_time_t t = time_from_s(7);
    sched_at(tn->s, t, send_more, cli.sock, NULL);
    sched_run_until(tn->s, time_from_s(9));
    int burst = 0;
    for (size_t k = 0; k < tn->nlog; k++)
        if (tn->log[k].dir == TN_AB && tn->log[k].len && tn->log[k].at >= t &&
            tn->log[k].at < t + time_from_ms(20))
            burst++;
    CU_ASSERT_EQUAL(burst, 10);
    CU_ASSERT_EQUAL(srv.read, 500000);
    tcp_abort(cli.sock);
    tnet_free(tn);
}

SUITE(tcp_cong, NULL, NULL,
      TEST(test_registry_finds_algorithms_by_name),
      TEST(test_tcp_model_lists_parameters_and_checks_them),
      TEST(test_reno_doubles_in_slow_start_and_adds_one_segment_per_rtt),
      TEST(test_cubic_window_follows_the_rfc9438_curve),
      TEST(test_cubic_fast_convergence_lowers_wmax),
      TEST(test_cubic_selected_by_name_reduces_by_beta_on_loss),
      TEST(test_window_restarts_after_an_idle_period))
