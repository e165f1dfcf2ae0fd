/* test_tcp_loss.c - TCP loss recovery over the scripted-loss pipe (tests/tcp_testnet.h):
 * fast retransmit on the third duplicate ACK, limited transmit, RTO backoff, NewReno partial
 * ACKs with two losses in one window (RFC 6582), and Reno's steady-state throughput under
 * Bernoulli loss against Mathis et al. (1997).
 */
#include <math.h>
#include <stdlib.h>

#include "models/tcp/tcp_stack.h"
#include "models/wire/tcp.h"
#include "tests/harness.h"
#include "tests/tcp_testnet.h"

#define RATE 100000000ull
#define DELAY_MS 10
#define MSS 1448

/* The sender's configuration without SACK: recovery is RFC 5681/6582 (NewReno). */
static const struct tcp_config *no_sack(void)
{
    static struct tcp_config cfg;
    tcp_config_default(&cfg);
    cfg.sack = false;
    return &cfg;
}

/* Arrival time at the far end of a segment logged as g, assuming the pipe was idle. */
static sim_time_t arrival(const struct tn_seg *g, uint32_t hdr)
{
    return g->at + time_to_send(g->len + hdr + 20, RATE) + time_from_ms(DELAY_MS);
}

/* A bulk transfer of `bytes` from a sender with cfg, the data segments at the sequence
 * offsets lost[0..nlost-1] dropped once each, run to the end: every byte must arrive. The
 * sender's statistics go to st; end it with end_transfer. */
static struct tnet *lossy_transfer(const struct tcp_config *cfg, size_t bytes,
                                   const uint32_t *lost, size_t nlost, struct tn_app *cli,
                                   struct tn_app *srv, struct sock_stats *st)
{
    struct tnet *tn = tnet_new(RATE, time_from_ms(DELAY_MS), cfg, NULL);
    *cli = *srv = (struct tn_app){ 0 };
    tnet_listen_sink(tn, srv);
    for (size_t i = 0; i < nlost; i++)
        tnet_drop_seq(tn, TN_AB, lost[i], 1);
    tnet_connect_bulk(tn, cli, bytes, NULL);
    sched_run(tn->s);
    CU_ASSERT_EQUAL(srv->read, bytes);
    tcp_sock_get_stats(cli->sock, st);
    return tn;
}

static void end_transfer(struct tnet *tn, struct tn_app *cli, struct tn_app *srv)
{
    tcp_close(cli->sock);
    tcp_close(srv->sock);
    tnet_free(tn);
}

/* The sender's transmissions of the data segment at sequence offset rseq: their number, and
 * the second one (the first retransmission) in *second, NULL when there is none. */
static int sends_of(const struct tnet *tn, uint32_t rseq, const struct tn_seg **second)
{
    int n = 0;
    *second = NULL;
    for (size_t k = 0; k < tn->nlog; k++)
        if (tn->log[k].dir == TN_AB && tn->log[k].len && tn->log[k].rseq == rseq && n++ == 1)
            *second = &tn->log[k];
    return n;
}

static void test_third_duplicate_ack_triggers_fast_retransmit(void)
{
    struct tn_app cli, srv;
    struct sock_stats st;
    static const uint32_t lost[] = { 5 * MSS };
    struct tnet *tn = lossy_transfer(no_sack(), 200000, lost, 1, &cli, &srv, &st);
    CU_ASSERT_EQUAL(st.fast_retrans, 1);
    CU_ASSERT_EQUAL(st.rto_count, 0);
    CU_ASSERT_EQUAL(st.retrans_segs, 1);
    /* The receiver answers each segment after the hole with an immediate duplicate ACK; the
     * sender retransmits the hole when the third arrives. An ACK
     * that also moves the window edge (the first one here: the application read 2 segments)
     * is a window update, not a duplicate (RFC 5681 section 2, condition (e)). */
    const struct tn_seg *dup3 = NULL, *prev = NULL;
    int dups = 0;
    for (size_t k = 0; k < tn->nlog && !dup3; k++) {
        const struct tn_seg *g = &tn->log[k];
        if (g->dir != TN_BA)
            continue;
        if (prev && g->len == 0 && g->rack == 5 * MSS && prev->rack == g->rack &&
            prev->win == g->win && ++dups == 3)
            dup3 = g;
        prev = g;
    }
    CU_ASSERT_PTR_NOT_NULL_FATAL(dup3);
    const struct tn_seg *re;
    CU_ASSERT_EQUAL(sends_of(tn, 5 * MSS, &re), 2);
    if (!re) {
        CU_FAIL_FATAL("the lost segment was not sent again");
        return;
    }
    /* The retransmission leaves the instant the third duplicate ACK (20 + 12 bytes) arrives. */
    CU_ASSERT_EQUAL(re->at, arrival(dup3, 20 + 12));
    end_transfer(tn, &cli, &srv);
}

static void test_two_duplicate_acks_do_not_retransmit(void)
{
    /* Data of exactly 8 segments; segment 5 lost leaves only 2 segments after it, so only
     * 2 duplicate ACKs: recovery must come from the RTO (RFC 5681 3.2 needs three). */
    struct tnet *tn = tnet_new(RATE, time_from_ms(DELAY_MS), NULL, NULL);
    struct tn_app cli = { 0 }, srv = { 0 };
    tnet_listen_sink(tn, &srv);
    tnet_drop_seq(tn, TN_AB, 5 * MSS, 1);
    tnet_connect_bulk(tn, &cli, 8 * MSS, NULL);
    cli.close_when_done = false;
    sched_run_until(tn->s, time_from_s(2));
    CU_ASSERT_EQUAL(srv.read, 8 * MSS);
    struct sock_stats st;
    tcp_sock_get_stats(cli.sock, &st);
    CU_ASSERT_EQUAL(st.fast_retrans, 0);
    CU_ASSERT_EQUAL(st.rto_count, 1);
    tcp_close(cli.sock);
    tnet_free(tn);
}

/* RFC 3042: with a window of 3 segments, losing the first leaves only 2 duplicate ACKs.
 * Limited transmit sends a new segment on each, whose ACKs make the third duplicate: fast
 * retransmit instead of a timeout. Without it, the RTO recovers. */
static void lost_first_of_three(bool lt, struct sock_stats *st)
{
    struct tcp_config cfg;
    tcp_config_default(&cfg);
    cfg.initial_cwnd = 3;
    cfg.limited_transmit = lt;
    cfg.sack = false;
    struct tn_app cli, srv;
    static const uint32_t lost[] = { 0 };
    end_transfer(lossy_transfer(&cfg, 10 * MSS, lost, 1, &cli, &srv, st), &cli, &srv);
}

static void test_limited_transmit_turns_a_timeout_into_fast_retransmit(void)
{
    struct sock_stats st;
    lost_first_of_three(true, &st);
    CU_ASSERT_EQUAL(st.fast_retrans, 1);
    CU_ASSERT_EQUAL(st.rto_count, 0);
    lost_first_of_three(false, &st);
    CU_ASSERT_EQUAL(st.fast_retrans, 0);
    CU_ASSERT_EQUAL(st.rto_count, 1);
}

static void test_rto_backs_off_exponentially(void)
{
    struct tcp_config cfg;
    tcp_config_default(&cfg);
    cfg.rto_min = time_from_s(1); /* RFC 6298 (2.4): the RTO is exactly 1 s after the handshake */
    struct tnet *tn = tnet_new(RATE, time_from_ms(DELAY_MS), &cfg, NULL);
    struct tn_app cli = { 0 }, srv = { 0 };
    tnet_listen_sink(tn, &srv);
    tnet_drop_seq(tn, TN_AB, 0, 4);
    tnet_connect_bulk(tn, &cli, 1000, NULL);
    cli.close_when_done = false;
    sched_run_until(tn->s, time_from_s(40));
    CU_ASSERT_EQUAL(srv.read, 1000);
    /* Transmissions of the only segment: t0, t0+1, t0+3, t0+7, t0+15 s. */
    sim_time_t at[5];
    int n = 0;
    for (size_t k = 0; k < tn->nlog; k++)
        if (tn->log[k].dir == TN_AB && tn->log[k].len && n < 5)
            at[n++] = tn->log[k].at;
    CU_ASSERT_EQUAL_FATAL(n, 5);
    for (int i = 1; i < 5; i++)
        CU_ASSERT_EQUAL(at[i] - at[i - 1], time_from_s(1) << (i - 1));
    struct sock_stats st;
    tcp_sock_get_stats(cli.sock, &st);
    CU_ASSERT_EQUAL(st.rto_count, 4);
    /* Karn: the ACK of a retransmitted segment gives no sample, so the RTO stays backed off
     * until the next timed segment (RFC 6298 5.7); the base RTO is unchanged. */
    struct sock_info info;
    tcp_sock_get_info(cli.sock, &info);
    CU_ASSERT_EQUAL(info.rto, time_from_s(1));
    CU_ASSERT_EQUAL(st.rtt_samples, 1); /* the handshake only */
    tcp_close(cli.sock);
    tnet_free(tn);
}

static void test_newreno_partial_ack_retransmits_the_second_hole(void)
{
    struct tn_app cli, srv;
    struct sock_stats st;
    static const uint32_t lost[] = { 5 * MSS, 8 * MSS };
    struct tnet *tn = lossy_transfer(no_sack(), 300000, lost, 2, &cli, &srv, &st);
    /* One recovery episode, no timeout, exactly the two lost segments sent again. */
    CU_ASSERT_EQUAL(st.fast_retrans, 1);
    CU_ASSERT_EQUAL(st.rto_count, 0);
    CU_ASSERT_EQUAL(st.retrans_segs, 2);
    /* The partial ACK (cumulative ACK = the second hole) triggers its retransmission the
     * instant it arrives (RFC 6582 3.2 step 5). */
    const struct tn_seg *partial = NULL;
    for (size_t k = 0; k < tn->nlog && !partial; k++)
        if (tn->log[k].dir == TN_BA && tn->log[k].rack == 8 * MSS)
            partial = &tn->log[k];
    if (!partial) {
        CU_FAIL_FATAL("expected segment not in the log");
        return;
    }
    const struct tn_seg *re;
    sends_of(tn, 8 * MSS, &re);
    if (!re) {
        CU_FAIL_FATAL("expected segment not in the log");
        return;
    }
    CU_ASSERT_EQUAL(re->at, arrival(partial, 20 + 12));
    end_transfer(tn, &cli, &srv);
}

/* Three holes in one window. With SACK (RFC 6675) the three retransmissions leave within
 * one RTT of the first; NewReno needs one RTT per hole (a partial ACK each). */
static sim_time_t three_holes_repair_span(const struct tcp_config *cfg, struct sock_stats *st)
{
    struct tn_app cli, srv;
    static const uint32_t lost[] = { 5 * MSS, 8 * MSS, 11 * MSS };
    struct tnet *tn = lossy_transfer(cfg, 300000, lost, 3, &cli, &srv, st);
    sim_time_t first = -1, last = -1;
    uint32_t max_end = 0;
    for (size_t k = 0; k < tn->nlog; k++) {
        const struct tn_seg *g = &tn->log[k];
        if (g->dir != TN_AB || !g->len)
            continue;
        if (g->rseq < max_end) {
            if (first < 0)
                first = g->at;
            last = g->at;
        }
        if (g->rseq + g->len > max_end)
            max_end = g->rseq + g->len;
    }
    end_transfer(tn, &cli, &srv);
    return last - first;
}

static void test_sack_recovery_repairs_three_holes_in_one_round_trip(void)
{
    struct sock_stats st;
    sim_time_t span = three_holes_repair_span(NULL, &st);
    CU_ASSERT_EQUAL(st.fast_retrans, 1);
    CU_ASSERT_EQUAL(st.rto_count, 0);
    CU_ASSERT_EQUAL(st.retrans_segs, 3);
    CU_ASSERT(span < time_from_ms(20));
    span = three_holes_repair_span(no_sack(), &st);
    CU_ASSERT_EQUAL(st.fast_retrans, 1);
    CU_ASSERT_EQUAL(st.rto_count, 0);
    CU_ASSERT_EQUAL(st.retrans_segs, 3);
    CU_ASSERT(span >= time_from_ms(40)); /* two partial ACKs, one RTT each */
}

/* A bulk transfer of `bytes` (stacks configured cfg_a, cfg_b) with Bernoulli loss p of every
 * segment, SYNs, ACKs and FINs included, in both directions, and up to `jitter` of extra
 * delay per packet, run to the end: every byte must arrive. No log is kept. */
static struct tnet *random_loss_transfer(const struct tcp_config *cfg_a,
                                         const struct tcp_config *cfg_b, double p,
                                         sim_time_t jitter, size_t bytes, struct tn_app *cli,
                                         struct tn_app *srv)
{
    struct tnet *tn = tnet_new(RATE, time_from_ms(DELAY_MS), cfg_a, cfg_b);
    tn->keep_log = false;
    tn->loss_all = true;
    tn->jitter = jitter;
    tnet_set_loss(tn, TN_AB, p);
    tnet_set_loss(tn, TN_BA, p);
    *cli = *srv = (struct tn_app){ 0 };
    tnet_listen_sink(tn, srv);
    tnet_connect_bulk(tn, cli, bytes, NULL);
    sched_run(tn->s);
    CU_ASSERT_EQUAL(srv->read, bytes);
    return tn;
}

/* Robustness: 5% loss of every segment (SYNs, data, ACKs, FINs) in both directions, with and
 * without SACK: every byte arrives, both sides close, and nothing is left allocated. */
static void transfer_under_heavy_loss(const struct tcp_config *cfg)
{
    struct tn_app cli, srv;
    struct tnet *tn = random_loss_transfer(cfg, cfg, 0.05, 0, 3000000, &cli, &srv);
    CU_ASSERT_TRUE(srv.eof);
    CU_ASSERT_TRUE(cli.closed);
    CU_ASSERT_EQUAL(cli.error, 0);
    tcp_close(cli.sock);
    tcp_close(srv.sock);
    struct tcp_stack_stats a, b;
    tcp_stack_get_stats(tn->a, &a);
    tcp_stack_get_stats(tn->b, &b);
    CU_ASSERT_EQUAL(a.conns_live, 0);
    CU_ASSERT_EQUAL(b.conns_live, 0);
    tnet_free(tn);
}

static void test_transfer_completes_under_heavy_loss_both_ways(void)
{
    transfer_under_heavy_loss(NULL);
    transfer_under_heavy_loss(no_sack());
}

/* Reordering: every packet gets 0-5 ms of extra delay (a 20 ms RTT path), so segments and
 * ACKs overtake each other; with 1% loss on top. Every byte must arrive exactly once in the
 * byte count, spurious retransmissions are allowed. */
static void test_transfer_completes_with_reordering_and_loss(void)
{
    for (int sack = 0; sack < 2; sack++) {
        struct tn_app cli, srv;
        struct tnet *tn = random_loss_transfer(sack ? NULL : no_sack(), NULL, 0.01,
                                               time_from_ms(5), 5000000, &cli, &srv);
        CU_ASSERT_TRUE(cli.closed);
        CU_ASSERT_TRUE(srv.closed);
        struct sock_stats st;
        tcp_sock_get_stats(srv.sock, &st);
        CU_ASSERT_EQUAL(st.bytes_received, 5000000);
        end_transfer(tn, &cli, &srv);
    }
}

/* Serial-number comparisons hold only within 2^31: state kept from the start of the
 * connection (the ISN, the NewReno `recover` point) must not be compared with sequence numbers
 * 2^31 bytes later. A 2.5 GB transfer in 64 KB segments (cheap: 40000 segments) with a loss
 * after the first 2^31 bytes must still recover by fast retransmit and finish. */
static void test_recovery_works_after_two_gigabytes(void)
{
    struct tcp_config cfg;
    tcp_config_default(&cfg);
    cfg.mss = 65000;
    cfg.rcvbuf = cfg.sndbuf = 16u << 20;
    struct tnet *tn = tnet_new(10000000000ull, time_from_ms(DELAY_MS), &cfg, &cfg);
    tn->keep_log = false;
    struct tn_app cli = { 0 }, srv = { 0 };
    tnet_listen_sink(tn, &srv);
    uint32_t seg = 65000 - 12;
    tnet_drop_seq(tn, TN_AB, (uint32_t)((2200000000u / seg) * seg), 1);
    tnet_connect_bulk(tn, &cli, 2500000000u, NULL);
    sched_run(tn->s);
    CU_ASSERT_EQUAL(srv.read, 2500000000u);
    CU_ASSERT_TRUE(cli.closed);
    struct sock_stats st;
    tcp_sock_get_stats(cli.sock, &st);
    CU_ASSERT_EQUAL(st.fast_retrans, 1);
    CU_ASSERT_EQUAL(st.rto_count, 0);
    tcp_close(cli.sock);
    tcp_close(srv.sock);
    tnet_free(tn);
}

struct traced {
    int cwnd_points, rtt_points, nstates;
    uint32_t last_cwnd, min_ssthresh;
    sim_time_t min_rtt, max_rtt;
    int states[16];
};

static void tr_cwnd(struct sock *s_sk, void *ctx, unsigned sf, uint32_t cwnd, uint32_t ssthresh)
{
    struct tcp_sock *s = tcp_sock_from(s_sk);
    (void)sf;
    (void)s;
    struct traced *t = ctx;
    t->cwnd_points++;
    t->last_cwnd = cwnd;
    if (ssthresh < t->min_ssthresh)
        t->min_ssthresh = ssthresh;
}

static void tr_rtt(struct sock *s_sk, void *ctx, unsigned sf, sim_time_t sample, sim_time_t srtt,
                   sim_time_t rto)
{
    struct tcp_sock *s = tcp_sock_from(s_sk);
    (void)sf;
    (void)s;
    (void)srtt;
    (void)rto;
    struct traced *t = ctx;
    t->rtt_points++;
    if (t->min_rtt == 0 || sample < t->min_rtt)
        t->min_rtt = sample;
    if (sample > t->max_rtt)
        t->max_rtt = sample;
}

static void tr_state(struct sock *s_sk, void *ctx, unsigned sf, int from, int to)
{
    struct tcp_sock *s = tcp_sock_from(s_sk);
    (void)sf;
    (void)s;
    (void)from;
    struct traced *t = ctx;
    if (t->nstates < 16)
        t->states[t->nstates++] = to;
}

static const struct sock_trace tracer = { .cwnd = tr_cwnd, .rtt = tr_rtt, .state = tr_state };

static void test_trace_sources_report_cwnd_rtt_and_states(void)
{
    struct tnet *tn = tnet_new(RATE, time_from_ms(DELAY_MS), NULL, NULL);
    struct tn_app cli = { 0 }, srv = { 0 };
    tnet_listen_sink(tn, &srv);
    tnet_drop_seq(tn, TN_AB, 30 * MSS, 1);
    tnet_connect_bulk(tn, &cli, 500000, NULL);
    struct traced t = { .min_ssthresh = UINT32_MAX };
    tcp_sock_set_trace(cli.sock, &tracer, &t);
    sched_run(tn->s);
    CU_ASSERT_EQUAL(srv.read, 500000);
    struct sock_info info;
    tcp_sock_get_info(cli.sock, &info);
    struct sock_stats st;
    tcp_sock_get_stats(cli.sock, &st);
    /* Every growth step and the reduction at the loss were reported; the last reported
     * window is the current one. */
    CU_ASSERT(t.cwnd_points > 20);
    CU_ASSERT_EQUAL(t.last_cwnd, info.cwnd);
    CU_ASSERT(t.min_ssthresh < 40 * MSS);
    /* One report per RTT sample: the handshake's 20 ms and data RTTs with queueing. */
    CU_ASSERT_EQUAL((uint64_t)t.rtt_points, st.rtt_samples);
    CU_ASSERT(t.min_rtt >= time_from_ms(20) && t.min_rtt < time_from_ms(21));
    CU_ASSERT(t.max_rtt < time_from_ms(100));
    /* The client closes first: ESTABLISHED, FIN-WAIT-1, FIN-WAIT-2, TIME-WAIT, CLOSED. */
    int want[] = { TCP_ESTABLISHED, TCP_FIN_WAIT_1, TCP_FIN_WAIT_2, TCP_TIME_WAIT, TCP_CLOSED };
    CU_ASSERT_EQUAL_FATAL(t.nstates, 5);
    for (int i = 0; i < 5; i++)
        CU_ASSERT_EQUAL(t.states[i], want[i]);
    tcp_close(cli.sock);
    tcp_close(srv.sock);
    tnet_free(tn);
}

/* A long transfer from a sender with cfg whose segment 30 is lost once, run for 200 ms: slow
 * start from 10 segments puts segment 30 in the third flight (10, 20, 40), so the loss is
 * detected with 40 segments out and recovered within that time. */
static struct tnet *loss_in_third_flight(const struct tcp_config *cfg, struct tn_app *cli,
                                         struct tn_app *srv)
{
    struct tnet *tn = tnet_new(RATE, time_from_ms(DELAY_MS), cfg, NULL);
    *cli = *srv = (struct tn_app){ 0 };
    tnet_listen_sink(tn, srv);
    tnet_drop_seq(tn, TN_AB, 30 * MSS, 1);
    tnet_connect_bulk(tn, cli, 100000000, NULL);
    cli->close_when_done = false;
    sched_run_until(tn->s, time_from_ms(200));
    return tn;
}

/* New segments sent in the 1.2 ms (ten ACK intervals at 100 Mbit/s) after the fast
 * retransmission of a loss in a 40-segment flight. */
static int sent_early_in_recovery(bool prr)
{
    struct tcp_config cfg;
    tcp_config_default(&cfg);
    cfg.prr = prr;
    struct tn_app cli, srv;
    struct tnet *tn = loss_in_third_flight(&cfg, &cli, &srv);
    sim_time_t t_r = -1;
    uint32_t max_end = 0;
    int n = 0;
    for (size_t k = 0; k < tn->nlog; k++) {
        const struct tn_seg *g = &tn->log[k];
        if (g->dir != TN_AB || !g->len)
            continue;
        if (g->rseq < max_end && t_r < 0)
            t_r = g->at;
        else if (t_r >= 0 && g->rseq >= max_end && g->at < t_r + time_from_us(1200))
            n++;
        if (g->rseq + g->len > max_end)
            max_end = g->rseq + g->len;
    }
    struct sock_stats st;
    tcp_sock_get_stats(cli.sock, &st);
    CU_ASSERT_EQUAL(st.fast_retrans, 1);
    CU_ASSERT_EQUAL(st.rto_count, 0);
    tcp_abort(cli.sock);
    tnet_free(tn);
    return n;
}

static void test_prr_spreads_transmissions_over_the_recovery(void)
{
    /* RFC 6937: about one new segment per two delivered from the start of recovery (ssthresh
     * / RecoverFS = 1/2), so some leave in the first ACK intervals; plain RFC 6675 with
     * cwnd = ssthresh sends nothing until pipe has fallen to ssthresh, half a window later. */
    int with_prr = sent_early_in_recovery(true);
    int without = sent_early_in_recovery(false);
    /* Ten ACKs deliver ten segments: PRR allows ceil(10 / 2) minus the retransmission = 4,
     * sent as whole segments when the allowance reaches one MSS (3 or 4 in the window). */
    CU_ASSERT(with_prr >= 3 && with_prr <= 4);
    CU_ASSERT_EQUAL(without, 0);
}

static void test_full_ack_ends_recovery_at_ssthresh(void)
{
    /* 40 segments are out when the loss is detected; ssthresh = FlightSize / 2. */
    struct tn_app cli, srv;
    struct tnet *tn = loss_in_third_flight(NULL, &cli, &srv);
    struct sock_info info;
    tcp_sock_get_info(cli.sock, &info);
    CU_ASSERT_FALSE(info.in_recovery);
    struct sock_stats st;
    tcp_sock_get_stats(cli.sock, &st);
    CU_ASSERT_EQUAL(st.fast_retrans, 1);
    CU_ASSERT(info.ssthresh >= 19 * MSS && info.ssthresh <= 25 * MSS);
    tcp_abort(cli.sock);
    tnet_free(tn);
}

/* Reno's throughput under Bernoulli loss against Mathis et al.: B = MSS/RTT * sqrt(3/(2p)).
 * The formula assumes one ACK per segment (b = 1), so delayed ACKs are off, and SACK is off
 * (Reno recovery). Why 15%: the formula's constant sqrt(3/2) = 1.22 is for periodic losses;
 * with random (Bernoulli) losses the window's sawtooth is irregular and the mean window of
 * AIMD is about 1.31/sqrt(p) (Ott, Kemperman and Mathis 1996; Misra and Ott 1999), 7% more,
 * while at 1% the occasional timeout and multi-loss windows pull throughput back down; the
 * issue's 15% covers that model error plus the sampling error of a few hundred loss
 * events (2-3%). Measured over 30 seeds of the loss stream: 1.00-1.06 at 1%, 1.06-1.10 at
 * 0.1%. The pipe is fast (1 Gbit/s) so that queueing adds nothing to the 10 ms RTT, and the
 * buffers are large so that only loss limits the window; 5 s of warm-up are not counted. */
static double reno_goodput_ratio(double p, sim_time_t duration)
{
    struct tcp_config cfg;
    tcp_config_default(&cfg);
    cfg.delack = false;
    cfg.sack = false; /* Reno as in the model: recovery without SACK */
    cfg.rcvbuf = cfg.sndbuf = 64u << 20;
    struct tnet *tn = tnet_new(1000000000ull, time_from_ms(5), &cfg, &cfg);
    tn->keep_log = false;
    tnet_set_loss(tn, TN_AB, p);
    struct tn_app cli = { 0 }, srv = { 0 };
    tnet_listen_sink(tn, &srv);
    tnet_connect_bulk(tn, &cli, (size_t)1 << 40, "reno");
    cli.close_when_done = false;
    sim_time_t warm = time_from_s(5);
    sched_run_until(tn->s, warm);
    uint64_t b0 = srv.read;
    sched_run_until(tn->s, warm + duration);
    double goodput = (double)(srv.read - b0) / time_to_sec(duration);
    double rtt = 0.010 + 2 * time_to_sec(time_to_send(MSS + 32 + 20, 1000000000ull));
    double mathis = MSS / rtt * sqrt(3.0 / (2.0 * p));
    tcp_abort(cli.sock);
    tnet_free(tn);
    return goodput / mathis;
}

static void test_reno_throughput_matches_mathis_at_one_percent_loss(void)
{
    double r = reno_goodput_ratio(0.01, time_from_s(120));
    CU_ASSERT(r > 0.85 && r < 1.15);
    if (getenv("TNET_DUMP"))
        fprintf(stderr, "mathis p=1%%: ratio %.3f\n", r);
}

static void test_reno_throughput_matches_mathis_at_one_permille_loss(void)
{
    double r = reno_goodput_ratio(0.001, time_from_s(400));
    CU_ASSERT(r > 0.85 && r < 1.15);
    if (getenv("TNET_DUMP"))
        fprintf(stderr, "mathis p=0.1%%: ratio %.3f\n", r);
}

SUITE(tcp_loss, NULL, NULL,
      TEST(test_third_duplicate_ack_triggers_fast_retransmit),
      TEST(test_two_duplicate_acks_do_not_retransmit),
      TEST(test_limited_transmit_turns_a_timeout_into_fast_retransmit),
      TEST(test_rto_backs_off_exponentially),
      TEST(test_newreno_partial_ack_retransmits_the_second_hole),
      TEST(test_sack_recovery_repairs_three_holes_in_one_round_trip),
      TEST(test_transfer_completes_under_heavy_loss_both_ways),
      TEST(test_transfer_completes_with_reordering_and_loss),
      TEST(test_recovery_works_after_two_gigabytes),
      TEST(test_trace_sources_report_cwnd_rtt_and_states),
      TEST(test_prr_spreads_transmissions_over_the_recovery),
      TEST(test_full_ack_ends_recovery_at_ssthresh),
      TEST(test_reno_throughput_matches_mathis_at_one_percent_loss),
      TEST(test_reno_throughput_matches_mathis_at_one_permille_loss))
