/* test_net_ip.c - the node's IP path on a chain h0 - r1 - r2 - r3 - h4: forwarding with TTL
 * and hop-limit decrement, ICMP/ICMPv6 errors (time exceeded, unreachable, too big), hooks
 * in priority order with each verdict, the CPU model against a deterministic queue, and the
 * routing-entry scalar. Every expected value is exact: the scenarios are deterministic. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/net/node.h"
#include "models/wire/bytes.h"
#include "models/wire/checksum.h"
#include "models/wire/icmp.h"
#include "tests/harness.h"
#include "tests/ip_testutil.h"

/* Auto addresses: h0 10.0.0.1 / fd00::1, r1 .2, r2 .3, r3 .4, h4 .5. */
#define CHAIN_NODES                                                                        \
    "nodes:\n  - name: h0\n  - name: r1\n  - name: r2\n  - name: r3\n  - name: h4\n"
#define CHAIN_LINKS(l3extra)                                                               \
    "links:\n  - {name: l1, a: h0, b: r1}\n  - {name: l2, a: r1, b: r2}\n"                 \
    "  - {name: l3, a: r2, b: r3" l3extra "}\n  - {name: l4, a: r3, b: h4}\n"

static const char *const chain_names[] = { "h0", "r1", "r2", "r3", "h4" };

/* The chain with extra keys for h0 and r1 (YAML lines indented by 4). */
static struct world *chain(const char *h0_extra, const char *r1_extra)
{
    char yaml[1024];
    snprintf(yaml, sizeof yaml, "nodes:\n  - name: h0\n%s  - name: r1\n%s  - name: r2\n"
             "  - name: r3\n  - name: h4\n" CHAIN_LINKS(""), h0_extra, r1_extra);
    return ipt_world(yaml, NULL);
}

/* The ICMP message of the last packet rx got (after its 20-byte IPv4 header); the ICMP
 * checksum over the whole message must verify (RFC 792). */
static void last_icmp(const struct ipt_rx *rx, struct icmp_msg *m)
{
    CU_ASSERT_EQUAL_FATAL(icmp_decode(rx->last + 20, rx->last_len - 20, m), 0);
    CU_ASSERT_EQUAL(csum_fold(csum_add(0, rx->last + 20, rx->last_len - 20)), 0);
}

/* The ICMPv6 message of the last packet rx got (after its 40-byte IPv6 header); the checksum
 * with the pseudo-header must verify (RFC 4443 2.3). */
static void last_icmp6(const struct ipt_rx *rx, struct icmp_msg *m)
{
    CU_ASSERT_EQUAL_FATAL(icmp6_decode(rx->last + 40, rx->last_len - 40, m), 0);
    uint32_t ph = csum_pseudo_v6(rx->last + 8, rx->last + 24, 58, (uint32_t)(rx->last_len - 40));
    CU_ASSERT_EQUAL(csum_fold(csum_add(ph, rx->last + 40, rx->last_len - 40)), 0);
}

static void test_forwarding_decrements_ttl_with_a_valid_checksum(void)
{
    struct world *w = chain("", "");
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    struct ipt_rx rx;
    ipt_listen_udp(w, "h4", 9, &rx);
    net_node_send(ipt_node(w, "h0"), ipt_udp(w, "10.0.0.1", "10.0.0.5", 64, 500));
    world_run(w, NULL, NULL);
    CU_ASSERT_EQUAL_FATAL(rx.n, 1);
    /* Three routers decremented it; the RFC 1624 update left a header that sums right. */
    CU_ASSERT_EQUAL(rx.last[8], 61);
    CU_ASSERT_EQUAL(csum_ipv4_header(rx.last, 20), rd16(rx.last + 10));
    world_free(w);
}

static void test_ttl_expiry_on_a_chain_sends_time_exceeded_to_the_source(void)
{
    struct world *w = chain("", "");
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    struct ipt_rx icmp, udp;
    struct ipt_trace tr;
    ipt_listen_proto(w, "h0", 1, &icmp);
    ipt_listen_udp(w, "h4", 9, &udp);
    ipt_trace_nodes(w, chain_names, 5, &tr);
    /* TTL 3: r1 and r2 forward (3 -> 2 -> 1), r3 receives TTL 1 and answers. */
    net_node_send(ipt_node(w, "h0"), ipt_udp(w, "10.0.0.1", "10.0.0.5", 3, 100));
    world_run(w, NULL, NULL);
    CU_ASSERT_EQUAL(udp.n, 0);
    CU_ASSERT_EQUAL_FATAL(icmp.n, 1);
    CU_ASSERT_STRING_EQUAL(tr.buf, "h0 r1 r2 r3 r3 r2 r1 h0 ");
    CU_ASSERT_EQUAL(rd32(icmp.last + 12), 0x0a000004); /* from r3 */
    CU_ASSERT_EQUAL(rd32(icmp.last + 16), 0x0a000001);
    struct icmp_msg m;
    last_icmp(&icmp, &m);
    CU_ASSERT_EQUAL(m.type, ICMP_TIME_EXCEEDED);
    CU_ASSERT_EQUAL(m.code, 0);
    /* The quote is the offending header as r3 received it: TTL 1, destination h4. */
    CU_ASSERT_EQUAL(m.quote[8], 1);
    CU_ASSERT_EQUAL(rd32(m.quote + 16), 0x0a000005);
    world_free(w);
}

static void test_hop_limit_expiry_sends_icmpv6_time_exceeded(void)
{
    struct world *w = chain("", "");
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    struct ipt_rx icmp;
    ipt_listen_proto(w, "h0", 58, &icmp);
    net_node_send(ipt_node(w, "h0"), ipt_udp(w, "fd00::1", "fd00::5", 2, 100));
    world_run(w, NULL, NULL);
    CU_ASSERT_EQUAL_FATAL(icmp.n, 1);
    CU_ASSERT_EQUAL(icmp.last[6], 58);
    CU_ASSERT_EQUAL(icmp.last[8 + 15], 3); /* source fd00::3: r2 got hop limit 1 */
    struct icmp_msg m;
    last_icmp6(&icmp, &m);
    CU_ASSERT_EQUAL(m.type, ICMPV6_TIME_EXCEEDED);
    world_free(w);
}

/* A protocol no one on the node takes (253, RFC 3692 experimentation): IPv4 answers Protocol
 * Unreachable (RFC 1122 3.2.2.1), IPv6 Parameter Problem code 1 with the pointer at the Next
 * Header field, offset 6 (RFC 8200 section 4, RFC 4443 3.4). */
static void test_unknown_protocol_is_answered_protocol_unreachable(void)
{
    struct world *w = chain("", "");
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    struct ipt_rx icmp, icmp6;
    ipt_listen_proto(w, "h0", 1, &icmp);
    ipt_listen_proto(w, "h0", 58, &icmp6);
    struct packet *p4 = ipt_udp(w, "10.0.0.1", "10.0.0.5", 64, 100);
    uint8_t *h = pkt_data(p4);
    h[9] = 253;
    wr16(h + 10, csum_ipv4_header(h, 20));
    net_node_send(ipt_node(w, "h0"), p4);
    struct packet *p6 = ipt_udp(w, "fd00::1", "fd00::5", 64, 100);
    pkt_data(p6)[6] = 253;
    net_node_send(ipt_node(w, "h0"), p6);
    world_run(w, NULL, NULL);
    CU_ASSERT_EQUAL_FATAL(icmp.n, 1);
    struct icmp_msg m;
    last_icmp(&icmp, &m);
    CU_ASSERT_EQUAL(m.type, ICMP_DEST_UNREACH);
    CU_ASSERT_EQUAL(m.code, ICMP_CODE_PROTO_UNREACH);
    CU_ASSERT_EQUAL(rd32(icmp.last + 12), 0x0a000005); /* from h4 */
    CU_ASSERT_EQUAL(m.quote[9], 253);
    CU_ASSERT_EQUAL_FATAL(icmp6.n, 1);
    last_icmp6(&icmp6, &m);
    CU_ASSERT_EQUAL(m.type, ICMPV6_PARAM_PROBLEM);
    CU_ASSERT_EQUAL(m.code, ICMPV6_CODE_UNKNOWN_NH);
    CU_ASSERT_EQUAL(m.rest, 6);
    world_free(w);
}

static void test_packet_larger_than_egress_mtu_is_dropped_with_icmp_too_big(void)
{
    char yaml[1024];
    snprintf(yaml, sizeof yaml, CHAIN_NODES "links:\n  - {name: l1, a: h0, b: r1}\n"
             "  - {name: l2, a: r1, b: r2}\n  - {name: l3, a: r2, b: r3, mtu: 600B}\n"
             "  - {name: l4, a: r3, b: h4}\n");
    struct world *w = ipt_world(yaml, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    struct ipt_rx icmp, icmp6, udp;
    ipt_listen_proto(w, "h0", 1, &icmp);
    ipt_listen_proto(w, "h0", 58, &icmp6);
    ipt_listen_udp(w, "h4", 9, &udp);
    net_node_send(ipt_node(w, "h0"), ipt_udp(w, "10.0.0.1", "10.0.0.5", 64, 1000));
    net_node_send(ipt_node(w, "h0"), ipt_udp(w, "fd00::1", "fd00::5", 64, 1000));
    net_node_send(ipt_node(w, "h0"), ipt_udp(w, "10.0.0.1", "10.0.0.5", 64, 500)); /* fits */
    world_run(w, NULL, NULL);
    CU_ASSERT_EQUAL(udp.n, 1);
    CU_ASSERT_EQUAL_FATAL(icmp.n, 1);
    CU_ASSERT_EQUAL_FATAL(icmp6.n, 1);
    struct icmp_msg m;
    last_icmp(&icmp, &m);
    CU_ASSERT_EQUAL(m.type, ICMP_DEST_UNREACH);
    CU_ASSERT_EQUAL(m.code, ICMP_CODE_FRAG_NEEDED);
    CU_ASSERT_EQUAL(m.rest, 600); /* RFC 1191: next-hop MTU in the low 16 bits */
    CU_ASSERT_EQUAL(rd32(icmp.last + 12), 0x0a000003);
    last_icmp6(&icmp6, &m);
    CU_ASSERT_EQUAL(m.type, ICMPV6_PKT_TOO_BIG);
    CU_ASSERT_EQUAL(m.rest, 600);
    world_free(w);
}

static void test_static_default_route_and_unreachable_from_the_router(void)
{
    struct world *w = chain("    routes: \"0.0.0.0/0 via r1\"\n", "");
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    struct ipt_rx icmp;
    ipt_listen_proto(w, "h0", 1, &icmp);
    /* Nobody owns 198.51.100.7: h0's default route sends it to r1, which has no route. */
    net_node_send(ipt_node(w, "h0"), ipt_udp(w, "10.0.0.1", "198.51.100.7", 64, 100));
    world_run(w, NULL, NULL);
    CU_ASSERT_EQUAL_FATAL(icmp.n, 1);
    CU_ASSERT_EQUAL(rd32(icmp.last + 12), 0x0a000002);
    CU_ASSERT_EQUAL(icmp.last[20], ICMP_DEST_UNREACH);
    CU_ASSERT_EQUAL(icmp.last[21], ICMP_CODE_NET_UNREACH);
    CU_ASSERT_EQUAL(net_node_route_count(ipt_node(w, "h0")), 1);
    world_free(w);
}

static void test_icmp_errors_are_rate_limited_by_the_token_bucket(void)
{
    struct world *w = chain("", "    icmp_rate: 1\n    icmp_burst: 5\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    struct ipt_rx icmp;
    ipt_listen_proto(w, "h0", 1, &icmp);
    /* 60 packets expiring at r1 within 6 ms: a bucket of depth 5 refilled at 1/s gains
     * 0.006 tokens meanwhile, so exactly 5 errors go out. */
    for (int i = 0; i < 60; i++)
        net_node_send(ipt_node(w, "h0"), ipt_udp(w, "10.0.0.1", "10.0.0.5", 1, 100));
    world_run(w, NULL, NULL);
    CU_ASSERT_EQUAL(icmp.n, 5);
    world_free(w);
}

static void test_icmp_errors_false_silences_the_router(void)
{
    struct world *w = chain("", "    icmp_errors: false\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    struct ipt_rx icmp;
    ipt_listen_proto(w, "h0", 1, &icmp);
    net_node_send(ipt_node(w, "h0"), ipt_udp(w, "10.0.0.1", "10.0.0.5", 1, 100)); /* r1 */
    net_node_send(ipt_node(w, "h0"), ipt_udp(w, "10.0.0.1", "10.0.0.5", 2, 100)); /* r2 */
    world_run(w, NULL, NULL);
    CU_ASSERT_EQUAL(icmp.n, 1); /* only r2's */
    CU_ASSERT_EQUAL(rd32(icmp.last + 12), 0x0a000003);
    world_free(w);
}

/* ---- hooks ----------------------------------------------------------------------------- */

struct order {
    char seen[16];
    char tag;
    enum net_verdict verdict;
};

static struct order hooks[4];

static enum net_verdict order_hook(void *ctx, struct net_node *n, struct packet *p,
                                   const struct net_hook_state *st)
{
    struct order *o = ctx;
    (void)n;
    (void)p;
    (void)st;
    size_t used = strlen(hooks[0].seen);
    if (used + 1 < sizeof hooks[0].seen) {
        hooks[0].seen[used] = o->tag;
        hooks[0].seen[used + 1] = '\0';
    }
    return o->verdict;
}

static void test_hooks_run_in_priority_order_and_drop_ends_the_walk(void)
{
    struct world *w = chain("", "");
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    struct net_node *r1 = ipt_node(w, "r1");
    memset(hooks, 0, sizeof hooks);
    hooks[0] = (struct order){ "", 'A', NET_ACCEPT };
    hooks[1] = (struct order){ "", 'B', NET_ACCEPT };
    hooks[2] = (struct order){ "", 'C', NET_DROP };
    hooks[3] = (struct order){ "", 'D', NET_ACCEPT };
    CU_ASSERT_EQUAL(net_hook_register(r1, NET_HOOK_FORWARD, 10, order_hook, &hooks[0]), 0);
    CU_ASSERT_EQUAL(net_hook_register(r1, NET_HOOK_FORWARD, -5, order_hook, &hooks[1]), 0);
    CU_ASSERT_EQUAL(net_hook_register(r1, NET_HOOK_FORWARD, 20, order_hook, &hooks[3]), 0);
    CU_ASSERT_EQUAL(net_hook_register(r1, NET_HOOK_FORWARD, 10, order_hook, &hooks[2]), 0);
    struct ipt_rx rx;
    ipt_listen_udp(w, "h4", 9, &rx);
    net_node_send(ipt_node(w, "h0"), ipt_udp(w, "10.0.0.1", "10.0.0.5", 64, 100));
    world_run(w, NULL, NULL);
    /* -5 first, then the two 10s in registration order; C drops, so D never runs. */
    CU_ASSERT_STRING_EQUAL(hooks[0].seen, "BAC");
    CU_ASSERT_EQUAL(rx.n, 0);
    world_free(w);
}

static enum net_verdict redirect_to_r3(void *ctx, struct net_node *n, struct packet *p,
                                       const struct net_hook_state *st)
{
    (void)ctx;
    (void)n;
    (void)st;
    uint8_t *h = pkt_data(p);
    uint32_t old = rd32(h + 16), new_dst = 0x0a000004;
    wr32(h + 16, new_dst);
    wr16(h + 10, csum_update32(rd16(h + 10), old, new_dst));
    uint8_t *u = h + 20; /* the UDP checksum covers the pseudo-header's destination */
    wr16(u + 6, csum_update32(rd16(u + 6), old, new_dst));
    return NET_ACCEPT;
}

static void test_prerouting_hook_rewriting_the_destination_is_routed_anew(void)
{
    struct world *w = chain("", "");
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    net_hook_register(ipt_node(w, "r1"), NET_HOOK_PREROUTING, 0, redirect_to_r3, NULL);
    struct ipt_rx at_r3, at_h4;
    ipt_listen_udp(w, "r3", 9, &at_r3);
    ipt_listen_udp(w, "h4", 9, &at_h4);
    net_node_send(ipt_node(w, "h0"), ipt_udp(w, "10.0.0.1", "10.0.0.5", 64, 100));
    world_run(w, NULL, NULL);
    CU_ASSERT_EQUAL(at_h4.n, 0);
    CU_ASSERT_EQUAL_FATAL(at_r3.n, 1);
    CU_ASSERT_EQUAL(csum_ipv4_header(at_r3.last, 20), rd16(at_r3.last + 10));
    world_free(w);
}

static enum net_verdict steal_to_local(void *ctx, struct net_node *n, struct packet *p,
                                       const struct net_hook_state *st)
{
    int *stolen = ctx;
    (void)st;
    (*stolen)++;
    net_node_deliver(n, p); /* TPROXY: the node's own stack takes a packet not for it */
    return NET_STOLEN;
}

static void test_stolen_packet_reaches_the_local_stack_not_the_destination(void)
{
    struct world *w = chain("", "");
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    int stolen = 0;
    net_hook_register(ipt_node(w, "r2"), NET_HOOK_PREROUTING, 0, steal_to_local, &stolen);
    struct ipt_rx at_r2, at_h4;
    ipt_listen_udp(w, "r2", 9, &at_r2);
    ipt_listen_udp(w, "h4", 9, &at_h4);
    net_node_send(ipt_node(w, "h0"), ipt_udp(w, "10.0.0.1", "10.0.0.5", 64, 100));
    world_run(w, NULL, NULL);
    CU_ASSERT_EQUAL(stolen, 1);
    CU_ASSERT_EQUAL(at_h4.n, 0);
    CU_ASSERT_EQUAL_FATAL(at_r2.n, 1);
    CU_ASSERT_EQUAL(rd32(at_r2.last + 16), 0x0a000005); /* still addressed to h4 */
    world_free(w);
}

/* ---- CPU model ------------------------------------------------------------------------- */

static enum net_verdict charge_50us(void *ctx, struct net_node *n, struct packet *p,
                                    const struct net_hook_state *st)
{
    (void)ctx;
    (void)p;
    (void)st;
    net_node_cpu_charge(n, time_from_us(50));
    return NET_ACCEPT;
}

/* Five packets reach r1's CPU at the same instant; service 100 us (+ 50 us charged by a hook
 * when `charge`), room for 2 waiting. A single FIFO server predicts: packets 1-3 leave at
 * S, 2S, 3S (S the service time), packets 4 and 5 are dropped. Links are 100 Gbit/s and
 * without delay, so after r1 the packets stay exactly S apart. */
static void cpu_case(bool charge)
{
    const char *yaml = "nodes:\n  - name: h0\n  - name: r1\n    cpu_per_packet: 100us\n"
                       "    cpu_queue: 2\n  - name: h4\n"
                       "links:\n  - {name: l1, a: h0, b: r1, rate: 100Gbps, delay: 0s}\n"
                       "  - {name: l2, a: r1, b: h4, rate: 100Gbps, delay: 0s}\n";
    struct world *w = ipt_world(yaml, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    struct net_node *r1 = ipt_node(w, "r1");
    if (charge)
        net_hook_register(r1, NET_HOOK_PREROUTING, 0, charge_50us, NULL);
    struct ipt_rx rx;
    ipt_listen_udp(w, "h4", 9, &rx);
    for (int i = 0; i < 5; i++)
        net_node_receive(r1, ipt_udp(w, "10.0.0.1", "10.0.0.3", 64, 1000));
    world_run(w, NULL, NULL);
    sim_time_t S = time_from_us(charge ? 150 : 100);
    CU_ASSERT_EQUAL_FATAL(rx.n, 3);
    CU_ASSERT_EQUAL(rx.at[1] - rx.at[0], S);
    CU_ASSERT_EQUAL(rx.at[2] - rx.at[1], S);
    /* The first leaves the CPU at S and then needs its serialization on l2 only (20 + 8 +
     * 1000 bytes). */
    CU_ASSERT_EQUAL(rx.at[0], S + time_to_send(1028, 100000000000ull));
    world_free(w);
}

static void test_cpu_model_serves_fifo_and_drops_beyond_its_queue(void)
{
    cpu_case(false);
}

static void test_cpu_charge_from_a_hook_lengthens_the_service(void)
{
    cpu_case(true);
}

/* M/G/1/K blocking probability from the departure-epoch chain: a_k = P(k Poisson arrivals
 * during one service of length D) = e^-rho rho^k / k!, rho = lambda D; from state i (left
 * behind) the next departure leaves min(max(i - 1, 0) + A, K - 1). Then P(block) =
 * 1 - 1 / (pi_0 + rho) (Gross and Harris, Fundamentals of Queueing Theory, M/G/1/K). */
static double md1k_block(double rho, int K)
{
    double P[16][16] = { { 0 } }, pi[16], next[16];
    for (int i = 0; i < K; i++) {
        int base = i ? i - 1 : 0;
        double left = 1.0, a = exp(-rho);
        for (int k = 0; base + k < K - 1; k++) {
            P[i][base + k] += a;
            left -= a;
            a *= rho / (k + 1);
        }
        P[i][K - 1] += left;
    }
    for (int j = 0; j < K; j++)
        pi[j] = 1.0 / K;
    for (int it = 0; it < 10000; it++) {
        for (int j = 0; j < K; j++) {
            next[j] = 0;
            for (int i = 0; i < K; i++)
                next[j] += pi[i] * P[i][j];
        }
        memcpy(pi, next, sizeof pi);
    }
    return 1.0 - 1.0 / (pi[0] + rho);
}

static void test_cpu_drop_probability_matches_md1k_theory(void)
{
    /* Poisson arrivals at 9000/s into a CPU of 100 us per packet (rho = 0.9) with room for
     * 4 waiting (K = 5): theory gives 6.44% blocked. 30 s is about 270000 arrivals; the
     * standard error of the measured fraction is about 0.1 percentage point even allowing
     * for correlation, so 8% relative tolerance (0.5 point) is wide enough never to fail by
     * chance and narrow enough to catch an off-by-one in the capacity (K = 4 or 6 gives
     * 9.4% or 4.6%). Links at 10 Gbit/s add no queueing. */
    double theory = md1k_block(0.9, 5);
    char path[512], cmd[1400], *out = NULL;
    snprintf(path, sizeof path, "%s/md1k.yaml", harness_tmpdir());
    FILE *f = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs("name: md1k\nduration: 30s\nseed: 3\nnodes:\n  - name: a\n  - name: r\n"
          "    cpu_per_packet: 100us\n    cpu_queue: 4\n  - name: b\nlinks:\n"
          "  - {name: x, a: a, b: r, rate: 10Gbps, delay: 0s}\n"
          "  - {name: y, a: r, b: b, rate: 10Gbps, delay: 0s}\n"
          "apps:\n  - {name: src, kind: poisson, node: a, dst: b, size: 125B, rate: 9Mbps}\n"
          "  - {name: sink, kind: sink, node: b}\n", f);
    fclose(f);
    snprintf(cmd, sizeof cmd, "%s run %s --quiet --out %s/md1k.db && sqlite3 %s/md1k.db "
             "\"select (select value from scalars where module = 'r' and name = 'drop_cpu') / "
             "(select value from scalars where module = 'src' and name = 'sent_packets')\"",
             harness_mcpsim(), path, harness_tmpdir(), harness_tmpdir());
    CU_ASSERT_EQUAL_FATAL(harness_run(cmd, &out), 0);
    double measured = atof(out);
    free(out);
    CU_ASSERT_DOUBLE_EQUAL(theory, 0.0644, 0.0005);
    CU_ASSERT_DOUBLE_EQUAL(measured, theory, 0.08 * theory);
}

/* ---- hostile input -------------------------------------------------------------------- */

static struct packet *raw(struct world *w, const uint8_t *b, size_t len, uint32_t virt)
{
    struct packet *p = pkt_alloc(world_ctx(w)->pool, len);
    uint8_t *d = p ? pkt_put(p, len) : NULL;
    if (d && len)
        memcpy(d, b, len);
    pkt_set_virtual(p, virt);
    return p;
}

static void test_malformed_packets_are_dropped_without_delivery_or_reply(void)
{
    struct world *w = chain("", "");
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    struct ipt_rx udp, icmp, icmp6;
    ipt_listen_udp(w, "h4", 9, &udp);
    ipt_listen_proto(w, "h0", 1, &icmp);
    ipt_listen_proto(w, "h0", 58, &icmp6);
    struct net_node *r1 = ipt_node(w, "r1"), *h4 = ipt_node(w, "h4");
    /* Random bytes of every length up to 80 (a fixed LCG: the run is reproducible). */
    uint32_t x = 12345;
    uint8_t b[128];
    for (size_t len = 0; len <= 80; len++) {
        for (size_t i = 0; i < len; i++) {
            x = x * 1103515245u + 12345u;
            b[i] = (uint8_t)(x >> 16);
        }
        if (len)
            b[0] = (uint8_t)((len & 1 ? 0x40 : 0x60) | (b[0] & 15));
        net_node_receive(r1, raw(w, b, len, 0));
        net_node_receive(h4, raw(w, b, len, 0));
    }
    /* A valid UDP packet to h4 cut in the middle of its IPv4 header, then one whose LSRR
     * option is malformed (length 2) with a correct header checksum. */
    struct packet *ok = ipt_udp(w, "10.0.0.1", "10.0.0.5", 64, 100);
    memcpy(b, pkt_data(ok), 28);
    pkt_free(ok);
    net_node_receive(h4, raw(w, b, 12, 0));
    uint8_t opt[48];
    memcpy(opt, b, 20);
    opt[0] = 0x46;
    wr16(opt + 2, 24 + 8 + 88);
    opt[20] = 131;
    opt[21] = 2;
    opt[22] = 4;
    opt[23] = 0;
    memcpy(opt + 24, b + 20, 8);
    wr16(opt + 10, 0);
    wr16(opt + 10, csum_ipv4_header(opt, 24));
    net_node_receive(h4, raw(w, opt, 32, 88));
    /* IPv6 announcing a routing header that was not stored (8 virtual bytes). */
    uint8_t v6[40] = { 0x60 };
    wr16(v6 + 4, 8);
    v6[6] = 43;
    v6[7] = 64;
    v6[24] = 0xfd;
    v6[39] = 5;
    net_node_receive(h4, raw(w, v6, 40, 8));
    world_run(w, NULL, NULL);
    CU_ASSERT_EQUAL(udp.n, 0);
    CU_ASSERT_EQUAL(icmp.n, 0);
    CU_ASSERT_EQUAL(icmp6.n, 0);
    world_free(w);
}

/* ---- recorded routing state ------------------------------------------------------------ */

static void test_routing_entry_count_is_recorded_as_a_scalar(void)
{
    char path[512], cmd[1200], *out = NULL;
    snprintf(path, sizeof path, "%s/routes.yaml", harness_tmpdir());
    FILE *f = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs("name: r\nduration: 10ms\nnodes:\n  - name: a\n  - name: r1\n"
          "    routes: \"10.9.0.0/16 via b; 10.9.0.0/16 from 10.1.0.0/16 via a; "
          "2001:db8::/32 via b\"\n  - name: b\nlinks:\n  - {name: x, a: a, b: r1}\n"
          "  - {name: y, a: r1, b: b}\n", f);
    fclose(f);
    snprintf(cmd, sizeof cmd, "%s run %s --quiet --out %s/routes.db && sqlite3 %s/routes.db "
             "\"select module, value from scalars where name = 'routing_entries' order by "
             "module\"", harness_mcpsim(), path, harness_tmpdir(), harness_tmpdir());
    CU_ASSERT_EQUAL(harness_run(cmd, &out), 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(out);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "r1|3"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "a|0"));
    free(out);
}

SUITE(net_ip, NULL, NULL,
      TEST(test_forwarding_decrements_ttl_with_a_valid_checksum),
      TEST(test_ttl_expiry_on_a_chain_sends_time_exceeded_to_the_source),
      TEST(test_hop_limit_expiry_sends_icmpv6_time_exceeded),
      TEST(test_packet_larger_than_egress_mtu_is_dropped_with_icmp_too_big),
      TEST(test_unknown_protocol_is_answered_protocol_unreachable),
      TEST(test_static_default_route_and_unreachable_from_the_router),
      TEST(test_icmp_errors_are_rate_limited_by_the_token_bucket),
      TEST(test_icmp_errors_false_silences_the_router),
      TEST(test_hooks_run_in_priority_order_and_drop_ends_the_walk),
      TEST(test_prerouting_hook_rewriting_the_destination_is_routed_anew),
      TEST(test_stolen_packet_reaches_the_local_stack_not_the_destination),
      TEST(test_cpu_model_serves_fifo_and_drops_beyond_its_queue),
      TEST(test_cpu_charge_from_a_hook_lengthens_the_service),
      TEST(test_cpu_drop_probability_matches_md1k_theory),
      TEST(test_malformed_packets_are_dropped_without_delivery_or_reply),
      TEST(test_routing_entry_count_is_recorded_as_a_scalar))
