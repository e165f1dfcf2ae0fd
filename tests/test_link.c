/* test_link.c - the point-to-point link and its drop-tail queue: exact timing, drops, the
 * exact time average (queueing-theory checks are in test_queue_theory.c). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/net/node.h"
#include "models/net/qdisc.h"
#include "sim/scenario.h"
#include "sim/world.h"
#include "tests/harness.h"
#include "tests/net_testutil.h"

/* A world of two nodes a and b joined by link "l" with the given extra parameters,
 * recording into rr when it is not NULL. */
static struct world *two_nodes_rec(const char *link_params, sim_time_t duration,
                                   struct results_run *rr)
{
    char text[1024];
    snprintf(text, sizeof text, "name: l\nduration: 1s\nnodes:\n  - name: a\n  - name: b\n"
             "links:\n  - name: l\n    a: a\n    b: b\n%s", link_params);
    return nt_world(text, 1, 0, duration, rr);
}

static struct world *two_nodes(const char *link_params, sim_time_t duration)
{
    return two_nodes_rec(link_params, duration, NULL);
}

static void send_packet(struct world *w, size_t wire)
{
    CU_ASSERT_EQUAL(nt_send_udp(w, "a", "b", wire), 0);
}

static struct nt_arrivals *listen_b(struct world *w)
{
    struct nt_arrivals *a = nt_listen(w, "b");
    CU_ASSERT_PTR_NOT_NULL(a);
    return a;
}

static void test_single_packet_arrives_after_serialization_plus_delay_to_the_picosecond(void)
{
    /* 1000 B at 10 Mbit/s = 800 us exactly, + 5 ms propagation (10 Mbit/s divides 8 * 10^12:
     * the link multiplies by 800 000 ps per byte). */
    struct world *w = two_nodes("    rate: 10Mbps\n    delay: 5ms\n", time_from_s(1));
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    struct nt_arrivals *a = listen_b(w);
    send_packet(w, 1000);
    world_run(w, NULL, NULL);
    CU_ASSERT_EQUAL(a->n, 1);
    CU_ASSERT_EQUAL(a->at[0], INT64_C(5800000000));
    world_free(w);

    /* 125 B = 1000 bits at 3 Mbit/s = 333333.33... ns: the last bit is on the wire at the
     * next picosecond, 333333334 ps; + 1 us propagation (3 Mbit/s does not divide 8 * 10^12:
     * the link divides and rounds up). */
    w = two_nodes("    rate: 3Mbps\n    delay: 1us\n", time_from_s(1));
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    a = listen_b(w);
    send_packet(w, 125);
    world_run(w, NULL, NULL);
    CU_ASSERT_EQUAL(a->n, 1);
    CU_ASSERT_EQUAL(a->at[0], INT64_C(333333334) + INT64_C(1000000));
    world_free(w);
}

/* One 1000-byte packet from `from` to `to` over an asymmetric link; its arrival time. */
static sim_time_t asym_arrival(const char *from, const char *to)
{
    struct world *w = two_nodes("    rate: 40Mbps\n    rate_from_a: 20Mbps\n    delay: 5ms\n",
                                time_from_s(1));
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    struct nt_arrivals *a = nt_listen(w, to);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_EQUAL(nt_send_udp(w, from, to, 1000), 0);
    world_run(w, NULL, NULL);
    CU_ASSERT_EQUAL(a->n, 1);
    sim_time_t at = a->n == 1 ? a->at[0] : -1;
    world_free(w);
    return at;
}

static void test_each_direction_serializes_at_its_own_rate(void)
{
    /* An access link 40 Mbit/s from b (down) and 20 Mbit/s from a (up), as the kernel twin's
     * tbf shaping: 1000 B take 400 us from a (20 Mbit/s) and 200 us from b (the link's
     * `rate`, 40 Mbit/s), each + 5 ms propagation. */
    CU_ASSERT_EQUAL(asym_arrival("a", "b"), time_from_ms(5) + time_from_us(400));
    CU_ASSERT_EQUAL(asym_arrival("b", "a"), time_from_ms(5) + time_from_us(200));
}

static void test_back_to_back_packets_are_spaced_by_their_serialization_time(void)
{
    struct world *w = two_nodes("    rate: 8Mbps\n    delay: 2ms\n", time_from_s(1));
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    struct nt_arrivals *a = listen_b(w);
    for (int i = 0; i < 3; i++)
        send_packet(w, 1000); /* 1 ms each at 8 Mbit/s */
    world_run(w, NULL, NULL);
    CU_ASSERT_EQUAL_FATAL(a->n, 3);
    for (int i = 0; i < 3; i++)
        CU_ASSERT_EQUAL(a->at[i], time_from_ms(2) + (i + 1) * time_from_ms(1));
    world_free(w);
}

static void test_drop_tail_drops_arrivals_beyond_the_packet_limit(void)
{
    /* 10 packets at once: one is serialized at once, 3 wait, 6 are dropped; the drops and
     * the maximum occupancy are recorded for the transmitting end "l.a". */
    struct nt_rec rec;
    CU_ASSERT_EQUAL_FATAL(nt_rec_begin(&rec, "dt"), 0);
    struct world *w = two_nodes_rec("    queue_packets: 3\n", time_from_s(1), rec.rr);
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    struct nt_arrivals *a = listen_b(w);
    for (int i = 0; i < 10; i++)
        send_packet(w, 500);
    world_run(w, NULL, NULL);
    CU_ASSERT_EQUAL(a->n, 4);
    nt_rec_end(&rec, time_from_s(1));
    world_free(w);
    CU_ASSERT_DOUBLE_EQUAL(nt_scalar(&rec, "l.a", "queue_drops"), 6, 0);
    CU_ASSERT_DOUBLE_EQUAL(nt_scalar(&rec, "l.a", "queue_drops_limit"), 6, 0);
    CU_ASSERT_DOUBLE_EQUAL(nt_scalar(&rec, "l.a", "queue_max"), 3, 0);
    CU_ASSERT_DOUBLE_EQUAL(nt_scalar(&rec, "l.a", "tx_packets"), 4, 0);
    nt_rec_close(&rec);
}

static void test_drop_tail_byte_limit_and_mtu(void)
{
    /* 2500 B of queue holds two 1000-byte packets; a 1600-byte packet exceeds the MTU. */
    struct world *w = two_nodes("    queue_packets: 0\n    queue_bytes: 2500B\n", time_from_s(1));
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    struct nt_arrivals *a = listen_b(w);
    send_packet(w, 1600);
    for (int i = 0; i < 5; i++)
        send_packet(w, 1000);
    world_run(w, NULL, NULL);
    CU_ASSERT_EQUAL(a->n, 3);
    world_free(w);
}

static void test_droptail_time_average_is_exact(void)
{
    struct qdisc *q;
    struct pkt_pool *pool;
    char err[128];
    CU_ASSERT_EQUAL_FATAL(pkt_pool_new(NULL, &pool, err, sizeof err), 0);
    struct qdisc_config c = { .kind = QDISC_DROPTAIL, .limit_packets = 2 };
    CU_ASSERT_EQUAL_FATAL(qdisc_new(&c, 1000000, NULL, 0, &q, err, sizeof err), 0);
    struct packet *p[3];
    for (int i = 0; i < 3; i++) {
        p[i] = pkt_alloc(pool, 0);
        pkt_set_virtual(p[i], 100);
    }
    /* 1 packet during [0,10), 2 during [10,30), then 0 until 40: mean (10 + 40) / 40. */
    CU_ASSERT_EQUAL(qdisc_enqueue(q, p[0], 0), 0);
    CU_ASSERT_EQUAL(qdisc_enqueue(q, p[1], 10), 0);
    CU_ASSERT_EQUAL(qdisc_enqueue(q, p[2], 20), -1); /* full: dropped and freed */
    CU_ASSERT_EQUAL(qdisc_drops(q), 1);
    CU_ASSERT_EQUAL(q->drops[QDROP_LIMIT], 1);
    CU_ASSERT_EQUAL(q->drop_bytes, 100);
    CU_ASSERT_PTR_EQUAL(qdisc_dequeue(q, 30), p[0]);
    CU_ASSERT_PTR_EQUAL(qdisc_dequeue(q, 30), p[1]);
    CU_ASSERT_PTR_NULL(qdisc_dequeue(q, 30));
    CU_ASSERT_DOUBLE_EQUAL(qdisc_mean_packets(q, 40), 50.0 / 40.0, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(qdisc_mean_bytes(q, 40), 5000.0 / 40.0, 1e-12);
    CU_ASSERT_EQUAL(q->max_packets, 2);
    /* Waiting times: 30 and 20. */
    CU_ASSERT_DOUBLE_EQUAL(q->sojourn_ps, 50.0, 0);
    pkt_free(p[0]);
    pkt_free(p[1]);
    qdisc_free(q);
    pkt_pool_free(pool);
}

static void test_queue_and_loss_are_chosen_per_direction(void)
{
    /* codel for both directions but red from b; scripted loss of a's second packet, none
     * from b. Each direction records the drop reasons of its own discipline. */
    struct nt_rec rec;
    CU_ASSERT_EQUAL_FATAL(nt_rec_begin(&rec, "dir"), 0);
    struct world *w = two_nodes_rec("    queue: codel\n    queue_from_b: red\n"
                                    "    loss: script\n    loss_script: \"2\"\n"
                                    "    loss_from_b: none\n", time_from_s(1), rec.rr);
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    struct nt_arrivals *a = listen_b(w);
    for (int i = 0; i < 3; i++) {
        send_packet(w, 1000 + (size_t)i);
        CU_ASSERT_EQUAL(nt_send_udp(w, "b", "a", 1000), 0);
    }
    world_run(w, NULL, NULL);
    CU_ASSERT_EQUAL_FATAL(a->n, 2);
    CU_ASSERT_EQUAL(a->len[1] - a->len[0], 2); /* the first and the third */
    nt_rec_end(&rec, time_from_s(1));
    world_free(w);
    CU_ASSERT_DOUBLE_EQUAL(nt_scalar(&rec, "l.a", "loss_drops"), 1, 0);
    CU_ASSERT_DOUBLE_EQUAL(nt_scalar(&rec, "l.b", "loss_drops"), 0, 0);
    CU_ASSERT_DOUBLE_EQUAL(nt_scalar(&rec, "l.a", "queue_drops_codel"), 0, 0);
    CU_ASSERT(isnan(nt_scalar(&rec, "l.a", "queue_drops_early")));
    CU_ASSERT_DOUBLE_EQUAL(nt_scalar(&rec, "l.b", "queue_drops_early"), 0, 0);
    CU_ASSERT(isnan(nt_scalar(&rec, "l.b", "queue_drops_codel")));
    nt_rec_close(&rec);
}

/* loss_drops of l.a after 2 s of 1 Mbit/s CBR from a to b, with `extra` links before l. */
static double bernoulli_drops(const char *extra_nodes, const char *extra_links)
{
    char yaml[2048];
    snprintf(yaml, sizeof yaml,
             "name: s\nduration: 2s\nnodes:\n  - name: a\n  - name: b\n%s"
             "links:\n%s  - name: l\n    a: a\n    b: b\n    loss: bernoulli\n"
             "    loss_p: 0.3\napps:\n  - name: src\n    kind: cbr\n    node: a\n"
             "    dst: b\n  - name: sink\n    kind: sink\n    node: b\n",
             extra_nodes, extra_links);
    struct nt_rec rec;
    if (nt_rec_begin(&rec, "s") < 0)
        return (double)NAN;
    struct world *w = nt_world(yaml, 4, 0, time_from_s(2), rec.rr);
    if (!w)
        return (double)NAN;
    world_run(w, NULL, NULL);
    nt_rec_end(&rec, time_from_s(2));
    world_free(w);
    double v = nt_scalar(&rec, "l.a", "loss_drops");
    nt_rec_close(&rec);
    return v;
}

static void test_adding_a_lossy_link_does_not_change_another_links_draws(void)
{
    /* Streams are named "LINK.NODE/loss": a new link, even created first, draws from its
     * own stream and leaves l's losses exactly as they were. */
    double alone = bernoulli_drops("", "");
    double with = bernoulli_drops("  - name: c\n",
                                  "  - name: m\n    a: b\n    b: c\n    loss: bernoulli\n"
                                  "    loss_p: 0.5\n");
    CU_ASSERT(alone > 0);
    CU_ASSERT_DOUBLE_EQUAL(alone, with, 0);
}

static void test_help_lists_queue_loss_and_outage_parameters(void)
{
    char cmd[512], *out = NULL;
    snprintf(cmd, sizeof cmd, "%s help p2p", harness_mcpsim());
    CU_ASSERT_EQUAL_FATAL(harness_run(cmd, &out), 0);
    const char *want[] = { "queue_from_b", "droptail|red|codel", "red_w_q", "red_gentle",
                           "codel_interval", "none|bernoulli|gilbert|script", "ge_p_bg",
                           "loss_script", "outage_down_mean" };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        CU_ASSERT_PTR_NOT_NULL(strstr(out, want[i]));
    free(out);
}

static void test_bad_discipline_parameters_fail_the_build_with_the_direction(void)
{
    struct world *w = two_nodes("    queue_from_b: red\n    red_min_th: 20\n", time_from_s(1));
    CU_ASSERT_PTR_NULL(w);
    if (w)
        world_free(w);
    w = two_nodes("    queue: codel\n    codel_target: 0s\n", time_from_s(1));
    CU_ASSERT_PTR_NULL(w);
    if (w)
        world_free(w);
}

SUITE(link, NULL, NULL,
      TEST(test_each_direction_serializes_at_its_own_rate),
      TEST(test_single_packet_arrives_after_serialization_plus_delay_to_the_picosecond),
      TEST(test_back_to_back_packets_are_spaced_by_their_serialization_time),
      TEST(test_drop_tail_drops_arrivals_beyond_the_packet_limit),
      TEST(test_drop_tail_byte_limit_and_mtu),
      TEST(test_droptail_time_average_is_exact),
      TEST(test_queue_and_loss_are_chosen_per_direction),
      TEST(test_adding_a_lossy_link_does_not_change_another_links_draws),
      TEST(test_help_lists_queue_loss_and_outage_parameters),
      TEST(test_bad_discipline_parameters_fail_the_build_with_the_direction))
