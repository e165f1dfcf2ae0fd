/* test_tcp_share.c - TCP against a bottleneck: one flow fills it, ten flows with the same RTT
 * share it fairly. The pipe from A to B is the bottleneck, with a drop-tail queue; the
 * reverse direction (ACKs) is uncongested. Goodput is measured after a warm-up, so slow
 * start does not weigh on the averages.
 */
#include <math.h>

#include "models/tcp/tcp_stack.h"
#include "tests/harness.h"
#include "tests/tcp_testnet.h"

#define MSS 1448
/* Payload share of a full segment on this wire: 1448 of 1448 + 32 (TCP) + 20 (IP). */
#define PAYLOAD_SHARE (1448.0 / 1500.0)

struct farm {
    struct tn_app app[10];
    int n;
};

static void farm_acceptable(struct sock_listener *l_sl, void *ctx)
{
    struct tcp_listener *l = tcp_listener_from(l_sl);
    struct farm *f = ctx;
    struct tcp_sock *s;
    while (f->n < 10 && tcp_accept(l, &tn_app_callbacks, &f->app[f->n], &s) == 0) {
        f->app[f->n].sock = s;
        f->n++;
    }
}

static const struct sock_listener_callbacks farm_cb = { .acceptable = farm_acceptable };

/* Starts n bulk flows (staggered by 100 ms), runs warm + duration, returns per-flow goodput
 * in bytes per second over the measured part, and the packets the queue dropped. */
static uint64_t run_flows(int n, bps_t rate, size_t queue, sim_time_t warm, sim_time_t duration,
                          double *goodput)
{
    struct tcp_config cfg;
    tcp_config_default(&cfg);
    cfg.rcvbuf = cfg.sndbuf = 4u << 20; /* the network, not the buffers, limits the flows */
    struct tnet *tn = tnet_new(rate, time_from_ms(10), &cfg, &cfg);
    tn->keep_log = false;
    tnet_set_queue(tn, TN_AB, queue);
    struct farm f = { 0 };
    struct tcp_listener *l;
    tcp_listen(tn->b, NULL, 80, &farm_cb, &f, &l);
    struct tn_app cli[10] = { 0 };
    for (int i = 0; i < n; i++) {
        sched_run_until(tn->s, time_from_ms(100 * i));
        tnet_connect_bulk(tn, &cli[i], (size_t)1 << 40, NULL);
        cli[i].close_when_done = false;
    }
    sched_run_until(tn->s, warm);
    uint64_t before[10];
    for (int i = 0; i < f.n; i++)
        before[i] = f.app[i].read;
    sched_run_until(tn->s, warm + duration);
    CU_ASSERT_EQUAL(f.n, n);
    for (int i = 0; i < f.n; i++)
        goodput[i] = (double)(f.app[i].read - before[i]) / time_to_sec(duration);
    for (int i = 0; i < n; i++)
        tcp_abort(cli[i].sock);
    uint64_t drops = tn->queue_drops[TN_AB];
    tnet_free(tn);
    return drops;
}

static void test_one_flow_fills_the_bottleneck(void)
{
    /* 10 Mbit/s, 20 ms RTT: BDP = 25 kB = 17 packets; a queue of one BDP lets Reno's
     * halved window still cover the pipe, so utilisation should approach 100%; the issue
     * asks for more than 95%. */
    double g[1];
    CU_ASSERT(run_flows(1, 10000000ull, 17, time_from_s(5), time_from_s(30), g) > 10);
    double util = g[0] * 8 / (10e6 * PAYLOAD_SHARE);
    CU_ASSERT(util > 0.95);
    CU_ASSERT(util <= 1.0);
}

static void test_ten_flows_with_the_same_rtt_share_fairly(void)
{
    /* 100 Mbit/s, 20 ms RTT, 100-packet drop-tail queue, 10 NewReno flows: Jain's index
     * (sum x)^2 / (n sum x^2) over 50 s after a 10 s warm-up must exceed 0.95 (the issue's
     * bound), and together they must still use more than 95% of the link. */
    double g[10];
    CU_ASSERT(run_flows(10, 100000000ull, 100, time_from_s(10), time_from_s(50), g) > 100);
    double sum = 0, sq = 0;
    for (int i = 0; i < 10; i++) {
        sum += g[i];
        sq += g[i] * g[i];
    }
    double jain = sum * sum / (10 * sq);
    CU_ASSERT(jain > 0.95);
    CU_ASSERT(sum * 8 / (100e6 * PAYLOAD_SHARE) > 0.95);
}

SUITE(tcp_share, NULL, NULL,
      TEST(test_one_flow_fills_the_bottleneck),
      TEST(test_ten_flows_with_the_same_rtt_share_fairly))
