/* test_tcp_input.c - hostile input: random segments aimed at a live connection and at a
 * listener (random flags, sequence and acknowledgment numbers near and far from the
 * windows, windows, payload lengths, and option bytes that are well-formed, truncated or
 * garbage). Nothing may crash or leak (the suite also runs under ASan/UBSan), the
 * connection's counters must stay consistent, and a connection that survives must still
 * deliver data.
 */
#include <stdlib.h>

#include "models/tcp/tcp_stack.h"
#include "models/wire/tcp.h"
#include "tests/harness.h"
#include "tests/tcp_testnet.h"

static uint32_t near(struct rng *r, uint32_t base)
{
    switch (rng_uniform_int(r, 4)) {
    case 0: return rng_u32(r);                                  /* anywhere */
    case 1: return base;                                        /* exact */
    case 2: return base + rng_uniform_int(r, 200000);           /* in or past the window */
    default: return base - rng_uniform_int(r, 200000);          /* old */
    }
}

static void random_options(struct rng *r, struct tcp_hdr *h)
{
    switch (rng_uniform_int(r, 4)) {
    case 0:
        break;
    case 1: /* well-formed, odd values */
        tcp_opt_append_mss(h, (uint16_t)rng_uniform_int(r, 3000));
        tcp_opt_append_wscale(h, (uint8_t)rng_uniform_int(r, 256));
        tcp_opt_append_sack_perm(h);
        tcp_opt_append_timestamp(h, rng_u32(r), rng_u32(r));
        break;
    case 2: { /* SACK blocks anywhere */
        struct tcp_sack_block b[3];
        for (int i = 0; i < 3; i++) {
            b[i].left = near(r, h->ack);
            b[i].right = b[i].left + rng_uniform_int(r, 10000) - 100;
        }
        tcp_opt_append_sack(h, b, 1 + rng_uniform_int(r, 3));
        break;
    }
    default: /* garbage bytes */
        h->optlen = (uint8_t)(4 * rng_uniform_int(r, 11));
        for (unsigned i = 0; i < h->optlen; i++)
            h->opt[i] = (uint8_t)rng_u32(r);
        break;
    }
}

static void inject_random(struct tnet *tn, struct rng *r, struct tcp_stack *to, uint16_t sport,
                          uint16_t dport, uint32_t seq_base, uint32_t ack_base, bool a_side)
{
    struct tcp_hdr h = { 0 };
    h.sport = sport;
    h.dport = dport;
    h.seq = near(r, seq_base);
    h.ack = near(r, ack_base);
    h.flags = (uint16_t)(rng_u32(r) & 0x3f);
    h.window = (uint16_t)rng_u32(r);
    random_options(r, &h);
    if (h.optlen % 4)
        tcp_opts_pad(&h);
    uint8_t buf[64];
    size_t n;
    if (tcp_encode(&h, buf, sizeof buf, &n) < 0)
        return;
    uint32_t payload = rng_uniform_int(r, 3) ? 0 : rng_uniform_int(r, 3000);
    struct packet *p = pkt_copy_from(tn->pool, buf, n, payload);
    if (a_side)
        tcp_input(to, p, &tn->addr_b, &tn->addr_a);
    else
        tcp_input(to, p, &tn->addr_a, &tn->addr_b);
}

static void test_random_segments_never_break_a_connection_or_listener(void)
{
    struct tnet *tn = tnet_new(100000000ull, time_from_ms(10), NULL, NULL);
    struct rng *r = rng_new(7, 0, "test/tcp_input");
    struct tn_app cli = { 0 }, srv = { 0 };
    tnet_listen_sink(tn, &srv);
    tnet_connect_bulk(tn, &cli, (size_t)1 << 40, NULL);
    cli.close_when_done = false;
    sched_run_until(tn->s, time_from_ms(100));
    int resets = 0;
    for (int round = 0; round < 200; round++) {
        /* Where the windows are now, from the last segments on the wire. */
        uint32_t a_next = 0, b_next = 0;
        for (size_t k = tn->nlog; k-- > 0;) {
            const struct tn_seg *g = &tn->log[k];
            if (g->dir == TN_BA && !b_next)
                b_next = g->seq + g->len;
            if (g->dir == TN_AB && !a_next)
                a_next = g->seq + g->len;
            if (a_next && b_next)
                break;
        }
        struct sock_info ci;
        tcp_sock_get_info(cli.sock, &ci);
        for (int i = 0; i < 100; i++) {
            /* At the client's connection (from B's address and port 80)... */
            inject_random(tn, r, tn->a, 80, ci.lport, b_next, a_next, true);
            /* ... and at the listener, from A's address and random ports. */
            inject_random(tn, r, tn->b, (uint16_t)(1024 + rng_uniform_int(r, 60000)), 80,
                          rng_u32(r), rng_u32(r), false);
            /* ... and raw bytes: short headers, data offsets past the end. */
            uint8_t raw[64];
            size_t len = rng_uniform_int(r, sizeof raw);
            for (size_t k = 0; k < len; k++)
                raw[k] = (uint8_t)rng_u32(r);
            tcp_input(tn->a, pkt_copy_from(tn->pool, raw, len, 0), &tn->addr_b, &tn->addr_a);
        }
        tn->nlog = 0;
        sched_run_until(tn->s, sched_now(tn->s) + time_from_ms(50));
        if (tcp_sock_state(cli.sock) == TCP_CLOSED) {
            /* Start a new connection. */
            resets++;
            /* An RST at exactly RCV.NXT resets (RFC 5961 3.2); a FIN there ends the data,
             * and the application closes gracefully. Both are legitimate outcomes. */
            CU_ASSERT(cli.error == SOCK_ERR_RESET || (cli.error == 0 && cli.eof && cli.closed));
            tcp_close(cli.sock);
            cli = (struct tn_app){ 0 };
            tnet_connect_bulk(tn, &cli, (size_t)1 << 40, NULL);
            cli.close_when_done = false;
            sched_run_until(tn->s, sched_now(tn->s) + time_from_ms(100));
        }
        struct sock_info info;
        tcp_sock_get_info(cli.sock, &info);
        CU_ASSERT(info.in_flight <= tcp_stack_config(tn->a)->sndbuf + 1);
        CU_ASSERT(info.cwnd >= info.mss || tcp_sock_state(cli.sock) != TCP_ESTABLISHED);
    }
    /* The noisy connection may be wedged for good: a forged ACK that acknowledged data the
     * peer never received, or a forged future timestamp in TS.Recent, breaks a real TCP the
     * same way (the blind in-window attacks of RFC 5961 and RFC 7323 section 5). What must
     * hold is that the stacks and the listener still work: a fresh connection moves data. */
    tcp_abort(cli.sock);
    cli = (struct tn_app){ 0 };
    tn->keep_log = false;
    tnet_connect_bulk(tn, &cli, (size_t)1 << 40, NULL);
    cli.close_when_done = false;
    sched_run_until(tn->s, sched_now(tn->s) + time_from_s(10));
    struct sock_stats after;
    tcp_sock_get_stats(cli.sock, &after);
    CU_ASSERT(after.bytes_acked > 10000000);
    CU_ASSERT(resets > 0 && resets < 200); /* the noise reached the connection */
    struct tcp_stack_stats sa;
    tcp_stack_get_stats(tn->a, &sa);
    CU_ASSERT(sa.bad_segs > 1000); /* undecodable headers are counted and dropped */
    tcp_abort(cli.sock);
    rng_free(r);
    tnet_free(tn);
}

SUITE(tcp_input, NULL, NULL,
      TEST(test_random_segments_never_break_a_connection_or_listener))
