/* test_tcp_net.c - TCP over real nodes and links (models/host, the bulk and tcp-sink apps):
 * a single flow fills a bottleneck, ten flows with the same RTT share it fairly, Reno's
 * throughput under Bernoulli loss matches Mathis et al. (1997), and every pcap a TCP scenario
 * writes passes ../shared/tools/check-pcap.sh.
 *
 * The worlds come from scenario text (tests/ip_testutil.h) and run under the test's own
 * control (sched_run_until), so measurements are taken over a steady-state window after the
 * warm-up. They are read from the packets themselves with hooks on the receiving nodes: a
 * meter counts new TCP payload (the advance of the highest sequence number received) and
 * the IP bytes that crossed a link. Under `make sanitize` (MCPSIM_SANITIZE set) the windows
 * are shorter; the tolerances stay those of the issue.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/host/host_tcp.h"
#include "models/wire/bytes.h"
#include "models/wire/checksum.h"
#include "sim/rng.h"
#include "tests/harness.h"
#include "tests/ip_testutil.h"
#include "tests/tcp_app_testutil.h"

static bool sanitize(void)
{
    return getenv("MCPSIM_SANITIZE") != NULL;
}

/* What crossed into a node: TCP segments carrying payload (data, not ACKs). */
struct meter {
    bool started;
    uint32_t hi;        /* highest sequence number + length seen */
    uint64_t new_bytes; /* advance of hi: new payload, retransmissions not counted */
    uint64_t ip_bytes;  /* IP bytes of the data segments, retransmissions included */
    double loss;        /* drop data segments with this probability (before metering) */
    struct rng *rng;
    uint64_t dropped;
};

/* The TCP payload length and sequence number of an IPv4 packet (front = IP header). */
static bool tcp_data(struct packet *p, uint32_t *seq, uint32_t *len)
{
    const uint8_t *h = pkt_data(p);
    if (pkt_len(p) < 40 || (h[0] >> 4) != 4 || h[9] != 6)
        return false;
    size_t ihl = (size_t)(h[0] & 15) * 4;
    const uint8_t *t = h + ihl;
    size_t doff = (size_t)(t[12] >> 4) * 4;
    size_t tot = rd16(h + 2);
    if (tot <= ihl + doff)
        return false;
    *len = (uint32_t)(tot - ihl - doff);
    *seq = rd32(t + 4);
    return true;
}

static enum net_verdict meter_hook(void *ctx, struct net_node *n, struct packet *p,
                                   const struct net_hook_state *st)
{
    struct meter *m = ctx;
    uint32_t seq, len;
    (void)n;
    (void)st;
    if (!tcp_data(p, &seq, &len))
        return NET_ACCEPT;
    if (m->loss > 0 && rng_uniform(m->rng) < m->loss) {
        m->dropped++;
        return NET_DROP;
    }
    m->ip_bytes += pkt_wire_len(p);
    uint32_t end = seq + len;
    if (!m->started) {
        m->started = true;
        m->hi = end;
        m->new_bytes = len;
    } else if ((int32_t)(end - m->hi) > 0) {
        m->new_bytes += (uint32_t)(end - m->hi);
        m->hi = end;
    }
    return NET_ACCEPT;
}

static void meter_on(struct world *w, const char *node, struct meter *m)
{
    struct net_node *n = ipt_node(w, node);
    CU_ASSERT_FATAL(n != NULL);
    CU_ASSERT_FATAL(net_hook_register(n, NET_HOOK_PREROUTING, 0, meter_hook, m) == 0);
}

/* The dumbbell with N flows: 100 Mbit/s, 10 ms, 100-packet drop-tail bottleneck;
 * 1 Gbit/s, 1 ms access links; NewReno bulk senders with 1448-byte segments (MSS 1460 B
 * with timestamps) starting 10 ms apart, 1 MiB buffers. */
static struct world *dumbbell(unsigned n)
{
    char yaml[4096];
    snprintf(yaml, sizeof yaml,
             "seed: 1\n"
             "nodes:\n"
             "  - {name: sender, count: %u}\n"
             "  - {name: left}\n"
             "  - {name: right}\n"
             "  - {name: receiver, count: %u}\n"
             "links:\n"
             "  - {name: bottleneck, a: left, b: right, rate: 100Mbps, delay: 10ms,"
             " queue_packets: 100}\n"
             "  - {name: access-s, count: %u, a: 'sender-{i}', b: left, rate: 1Gbps,"
             " delay: 1ms, queue_packets: 1000}\n"
             "  - {name: access-r, count: %u, a: right, b: 'receiver-{i}', rate: 1Gbps,"
             " delay: 1ms, queue_packets: 1000}\n"
             "apps:\n"
             "  - {name: bulk, count: %u, kind: bulk, node: 'sender-{i}', dst: 'receiver-{i}',"
             " port: 5000, cc: newreno, mss: 1460B, sndbuf: 1MiB, start: '{i*10}ms'}\n"
             "  - {name: sink, count: %u, kind: tcp-sink, node: 'receiver-{i}', port: 5000,"
             " rcvbuf: 1MiB}\n",
             n, n, n, n, n, n);
    return ipt_world(yaml, NULL);
}

/* One NewReno flow keeps the 100 Mbit/s bottleneck busy: the IP bytes that crossed it in a
 * steady-state window, over what the link can carry in that window, exceed 95% (issue 6).
 * With a queue of half the bandwidth-delay product (100 of 200 packets) Reno's sawtooth
 * leaves the link idle briefly after each halving: about 96.5% in theory (docs/performance.md),
 * so 95% is the threshold with that margin. The window starts after slow start and
 * its first losses (5 s) and spans many sawtooth periods (each about 2.6 s). */
static void test_one_flow_fills_the_bottleneck(void)
{
    struct world *w = dumbbell(1);
    CU_ASSERT_FATAL(w != NULL);
    struct meter m = { 0 };
    meter_on(w, "right", &m);
    struct sched *s = world_ctx(w)->sched;
    sim_time_t warm = time_from_s(5), span = time_from_s(sanitize() ? 10 : 30);
    sched_run_until(s, warm);
    uint64_t b0 = m.ip_bytes;
    sched_run_until(s, warm + span);
    double util = (double)(m.ip_bytes - b0) * 8.0 / (100e6 * time_to_sec(span));
    if (getenv("TNET_DUMP"))
        fprintf(stderr, "one flow: utilisation %.4f\n", util);
    CU_ASSERT(util > 0.95);
    CU_ASSERT(util <= 1.0);
    world_free(w);
}

/* Ten NewReno flows with the same RTT over one bottleneck get equal shares: Jain's index
 * (sum x)^2 / (n sum x^2) over the new bytes each receiver got in a 30 s window exceeds 0.95
 * (issue 6). Drop-tail synchronises losses, so shares differ over a few sawteeth but even
 * out over many; the flows together still fill the link (above 95%). */
static void test_ten_flows_share_the_bottleneck_fairly(void)
{
    enum { N = 10 };
    struct world *w = dumbbell(N);
    CU_ASSERT_FATAL(w != NULL);
    struct meter m[N];
    memset(m, 0, sizeof m);
    for (unsigned i = 0; i < N; i++) {
        char name[32];
        snprintf(name, sizeof name, "receiver-%u", i);
        meter_on(w, name, &m[i]);
    }
    struct sched *s = world_ctx(w)->sched;
    sim_time_t warm = time_from_s(5), span = time_from_s(sanitize() ? 15 : 30);
    sched_run_until(s, warm);
    uint64_t b0[N];
    for (unsigned i = 0; i < N; i++)
        b0[i] = m[i].new_bytes;
    sched_run_until(s, warm + span);
    double sum = 0, sum2 = 0;
    for (unsigned i = 0; i < N; i++) {
        double x = (double)(m[i].new_bytes - b0[i]);
        sum += x;
        sum2 += x * x;
    }
    double jain = sum * sum / (N * sum2);
    double goodput = sum * 8.0 / time_to_sec(span);
    if (getenv("TNET_DUMP"))
        fprintf(stderr, "ten flows: Jain %.4f, goodput %.2f Mbit/s\n", jain, goodput / 1e6);
    CU_ASSERT(jain > 0.95);
    /* 95% of the link in payload: 100 Mbit/s x 1448/1500 x 0.95 */
    CU_ASSERT(goodput > 100e6 * 1448.0 / 1500.0 * 0.95);
    world_free(w);
}

/* Reno (no SACK, no delayed ACKs: the formula's b = 1) over a 1 Gbit/s, 5 ms p2p link whose
 * receiving node drops data segments with probability p; goodput (new bytes at the receiver)
 * after 5 s of warm-up against MSS/RTT sqrt(3/(2p)) (Mathis et al. 1997), within 15% (issue
 * 6). The link is fast enough that queueing adds nothing to the 10 ms RTT and the buffers
 * are large, so only loss limits the window. Why 15% and not less: Bernoulli losses make
 * the sawtooth irregular (the mean window of AIMD is about 1.31/sqrt(p) rather than
 * 1.22/sqrt(p); Ott, Kemperman and Mathis 1996), plus the sampling error of a few hundred
 * loss events; the pipe harness of tests/test_tcp_loss.c measures 1.00-1.10 over 30 seeds. */
static double reno_mathis_ratio(double p, sim_time_t span)
{
    struct world *w = ipt_world("seed: 1\n"
                               "nodes:\n  - {name: a}\n  - {name: b}\n"
                               "links:\n  - {name: l, a: a, b: b, rate: 1Gbps, delay: 5ms,"
                               " queue_packets: 10000}\n"
                               "apps:\n"
                               "  - {name: tx, kind: bulk, node: a, dst: b, port: 80, cc: reno,"
                               " sack: false, delack: false, mss: 1460B, sndbuf: 64MiB}\n"
                               "  - {name: rx, kind: tcp-sink, node: b, port: 80, sack: false,"
                               " delack: false, rcvbuf: 64MiB}\n",
                               NULL);
    CU_ASSERT_FATAL(w != NULL);
    struct meter m = { .loss = p };
    m.rng = model_ctx_rng(world_ctx(w), "test", "loss");
    CU_ASSERT_FATAL(m.rng != NULL);
    meter_on(w, "b", &m);
    struct sched *s = world_ctx(w)->sched;
    sim_time_t warm = time_from_s(5);
    sched_run_until(s, warm);
    uint64_t b0 = m.new_bytes;
    sched_run_until(s, warm + span);
    double goodput = (double)(m.new_bytes - b0) / time_to_sec(span);
    /* RTT: propagation both ways plus serialising a full data packet (1448 + 32 + 20 B)
     * and its ACK (52 B) at 1 Gbit/s. */
    double rtt = 0.010 + time_to_sec(time_to_send(1500, 1000000000ull)) +
                 time_to_sec(time_to_send(52, 1000000000ull));
    double mathis = 1448.0 / rtt * sqrt(3.0 / (2.0 * p));
    if (getenv("TNET_DUMP"))
        fprintf(stderr, "mathis p=%g: ratio %.3f (%llu drops)\n", p, goodput / mathis,
                (unsigned long long)m.dropped);
    world_free(w);
    return goodput / mathis;
}

static void test_reno_over_a_lossy_link_matches_mathis_at_one_percent(void)
{
    double r = reno_mathis_ratio(0.01, time_from_s(sanitize() ? 30 : 100));
    CU_ASSERT(r > 0.85 && r < 1.15);
}

static void test_reno_over_a_lossy_link_matches_mathis_at_one_permille(void)
{
    double r = reno_mathis_ratio(0.001, time_from_s(sanitize() ? 100 : 300));
    CU_ASSERT(r > 0.85 && r < 1.15);
}

/* A small two-hop scenario with both families: an unlimited IPv4 flow and a fixed-size IPv6
 * transfer (handshake, data, FIN exchange) over a 10 Mbit/s bottleneck with a short queue,
 * so the captures hold losses and retransmissions too. */
static const char two_hop[] =
    "name: tcp-two-hop\n"
    "duration: 3s\n"
    "nodes:\n  - {name: a}\n  - {name: r}\n  - {name: b}\n"
    "links:\n"
    "  - {name: l1, a: a, b: r, rate: 100Mbps, delay: 2ms}\n"
    "  - {name: l2, a: r, b: b, rate: 10Mbps, delay: 10ms, queue_packets: 20}\n"
    "apps:\n"
    "  - {name: up4, kind: bulk, node: a, dst: b, port: 80}\n"
    "  - {name: up6, kind: bulk, node: a, dst: b, port: 81, family: ipv6, size: 300kB,"
    " start: 100ms}\n"
    "  - {name: s80, kind: tcp-sink, node: b, port: 80}\n"
    "  - {name: s81, kind: tcp-sink, node: b, port: 81}\n";

/* Runs `mcpsim run FILE --pcap DIR/pcap/TAG` (with overrides `sets`); returns the number of
 * capture files written. */
static int capture(const char *scenario, const char *sets, const char *tag)
{
    char cmd[4096];
    char *out = NULL;
    snprintf(cmd, sizeof cmd,
             "d=%s/pcap/%s; mkdir -p $d && %s run %s %s --pcap $d --out %s/%s.db >/dev/null && "
             "ls $d/*.pcap | wc -l",
             harness_tmpdir(), tag, harness_mcpsim(), scenario, sets, harness_tmpdir(), tag);
    CU_ASSERT_EQUAL(harness_run(cmd, &out), 0);
    int n = out ? atoi(out) : 0;
    free(out);
    return n;
}

/* `mcpsim run --pcap DIR` on TCP scenarios: one file per interface of every node, and every
 * packet of every file passes the independent check (tshark: no malformed packet, no bad IP
 * or TCP checksum, no bad option encoding). The two-hop scenario has IPv6 SYNs, whose MSS
 * the stack derives from the address family (tcp_family_mss); the shipped
 * dumbbell (cut to 150 ms: handshake, slow start) and tcp-apps example (1 s: all four
 * applications, connections closing) are checked as they are. The files are merged
 * (mergecap) and checked in one tshark run, since each run costs about 2 s of start-up:
 * a file mergecap cannot read fails the test as well. */
static void test_every_pcap_of_a_tcp_scenario_passes_check_pcap(void)
{
    if (!harness_have_tool("tshark") || !harness_have_tool("mergecap")) {
        harness_skip("tshark/mergecap not installed: TCP captures not checked");
        return;
    }
    CU_ASSERT_EQUAL(capture(ta_write("two-hop.yaml", two_hop), "", "two-hop"), 4);
    CU_ASSERT_EQUAL(capture("scenarios/bench/dumbbell-1.yaml", "--set duration=150ms",
                            "dumbbell"), 6);
    CU_ASSERT_EQUAL(capture("scenarios/tcp-apps.yaml", "--set duration=1s", "apps"), 4);
    char cmd[4096];
    char *out = NULL;
    snprintf(cmd, sizeof cmd, "mergecap -w %s/all.pcap %s/pcap/*/*.pcap && %s -q %s/all.pcap",
             harness_tmpdir(), harness_tmpdir(), harness_shared("tools/check-pcap.sh"),
             harness_tmpdir());
    int rc = harness_run(cmd, &out);
    CU_ASSERT_EQUAL(rc, 0);
    if (rc != 0)
        fprintf(stderr, "%s", out ? out : "");
    free(out);
    /* The IPv6 SYNs (tshark's ip.version is 6 for them) advertise 1440 B, the IPv4 ones
     * 1460 B. */
    snprintf(cmd, sizeof cmd,
             "tshark -r %s/pcap/two-hop/a-l1.pcap -Y 'tcp.flags.syn == 1' -T fields "
             "-e ip.version -e tcp.options.mss_val | sort | uniq",
             harness_tmpdir());
    out = NULL;
    CU_ASSERT_EQUAL(harness_run(cmd, &out), 0);
    CU_ASSERT_STRING_EQUAL(out ? out : "", "4\t1460\n6\t1440\n");
    free(out);
}

/* The applications' records after a whole run (world_run calls their finish hooks): the
 * fixed-size IPv6 transfer completed, its sink read exactly its 300 kB, and the
 * per-connection statistics are those of a real transfer (RTT samples near the path's
 * 24 ms base RTT plus queueing, retransmissions after the losses at the short queue). */
static void test_bulk_and_sink_record_completion_and_connection_statistics(void)
{
    char err[1024];
    struct results_db *db = ta_run(ta_write("two-hop-rec.yaml", two_hop), time_from_s(3), NULL,
                                   NULL, err, sizeof err);
    if (!db)
        fprintf(stderr, "%s\n", err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(db);
    CU_ASSERT_DOUBLE_EQUAL(ta_scalar(db, "s81", "rx_bytes"), 300000, 0);
    CU_ASSERT_DOUBLE_EQUAL(ta_scalar(db, "s81", "completed"), 1, 0);
    CU_ASSERT_DOUBLE_EQUAL(ta_scalar(db, "up6", "tx_bytes"), 300000, 0);
    double done = ta_scalar(db, "up6", "completion_time");
    CU_ASSERT(done > 0.3 && done < 2.9);
    double srtt = ta_scalar(db, "up6", "srtt");
    CU_ASSERT(srtt >= 0.024 && srtt < 0.1);
    CU_ASSERT(ta_scalar(db, "up6", "rtt_samples") > 10);
    CU_ASSERT(ta_scalar(db, "up4", "retrans_segs") > 0);
    CU_ASSERT_DOUBLE_EQUAL(ta_scalar(db, "up4", "failed"), 0, 0);
    /* The unlimited flow and the transfer shared 10 Mbit/s: together at most that much. */
    double both = ta_scalar(db, "s80", "rx_bytes") + ta_scalar(db, "s81", "rx_bytes");
    CU_ASSERT(both * 8 / 3.0 < 10e6);
    CU_ASSERT(both * 8 / 3.0 > 5e6);
    results_db_close(db);
}

/* Hostile input through the node: IPv4 packets to a node's TCP stack whose TCP part is
 * random bytes of random length (0 to 60 bytes, so truncated headers, bad data offsets and
 * malformed options all occur), with a correct IP header so the node delivers them. The stack
 * must count or answer them without crashing (ASan under `make sanitize`), and a transfer
 * that starts afterwards still completes. */
static void test_random_tcp_bytes_to_a_node_do_not_break_its_stack(void)
{
    struct world *w = ipt_world("seed: 1\n"
                               "nodes:\n  - {name: a}\n  - {name: b}\n"
                               "links:\n  - {name: l, a: a, b: b, rate: 100Mbps, delay: 1ms}\n"
                               "apps:\n"
                               "  - {name: k, kind: tcp-sink, node: b, port: 80}\n"
                               "  - {name: up, kind: bulk, node: a, dst: b, port: 80,"
                               " size: 100kB, start: 500ms}\n",
                               NULL);
    CU_ASSERT_FATAL(w != NULL);
    struct model_ctx *ctx = world_ctx(w);
    struct sched *s = ctx->sched;
    sched_run_until(s, time_from_ms(1)); /* the sink listens: b's stack exists */
    struct net_node *b = ipt_node(w, "b");
    struct rng *r = model_ctx_rng(ctx, "test", "garbage");
    CU_ASSERT_FATAL(b != NULL && r != NULL);
    for (int i = 0; i < 2000; i++) {
        size_t len = rng_uniform_int(r, 61);
        struct packet *p = pkt_alloc(ctx->pool, 20 + len);
        uint8_t *h = p ? pkt_put(p, 20 + len) : NULL;
        if (!h) {
            CU_FAIL("no packet");
            pkt_free(p);
            break;
        }
        memset(h, 0, 20);
        h[0] = 0x45;
        wr16(h + 2, (uint16_t)(20 + len));
        h[8] = 64;
        h[9] = 6;
        wr32(h + 12, 0x0a000001); /* a's address */
        wr32(h + 16, net_node_addr(b));
        wr16(h + 10, csum_ipv4_header(h, 20));
        for (size_t k = 0; k < len; k++)
            h[20 + k] = (uint8_t)rng_u32(r);
        if (len >= 4 && i % 2)
            wr16(h + 22, 80); /* half of them to the listening port */
        net_node_receive(b, p);
        sched_run_until(s, sched_now(s) + time_from_us(10));
    }
    struct tcp_stack_stats ts;
    CU_ASSERT(host_tcp_sum_stats(ctx, &ts) >= 1);
    CU_ASSERT(ts.bad_segs > 0);
    sched_run_until(s, time_from_s(3));
    host_tcp_sum_stats(ctx, &ts);
    /* The transfer's 100 kB arrived: its sink connection was established and completed. */
    CU_ASSERT(ts.conns_established >= 2);
    world_free(w);
}

SUITE(tcp_net, NULL, NULL,
      TEST(test_one_flow_fills_the_bottleneck),
      TEST(test_ten_flows_share_the_bottleneck_fairly),
      TEST(test_reno_over_a_lossy_link_matches_mathis_at_one_percent),
      TEST(test_reno_over_a_lossy_link_matches_mathis_at_one_permille),
      TEST(test_every_pcap_of_a_tcp_scenario_passes_check_pcap),
      TEST(test_bulk_and_sink_record_completion_and_connection_statistics),
      TEST(test_random_tcp_bytes_to_a_node_do_not_break_its_stack))
