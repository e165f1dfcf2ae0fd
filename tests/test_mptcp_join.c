/* test_mptcp_join.c - more than one subflow: MP_JOIN handshakes, a transfer shared by two
 * subflows, a join whose HMAC is wrong, ADD_ADDR with its HMAC and echo. The test net gives
 * each host one address, so extra subflows differ by port (ndiffports, or a join to the
 * announced address from another source port). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/mptcp/mptcp_int.h"
#include "models/wire/mptcp_crypto.h"
#include "sim/registry.h"
#include "tests/harness.h"
#include "tests/mptcp_testnet.h"

static void set(struct mptcp_config *cfg, const char *name, const char *value)
{
    char err[256];
    const struct model_def *d = registry_find("mptcp");
    CU_ASSERT_EQUAL_FATAL(param_set(registry_param(d, name), cfg, value, err, sizeof err), 0);
}

/* Lines of out holding `needle` */
static int count_lines(const char *out, const char *needle)
{
    int n = 0;
    for (const char *p = out; (p = strstr(p, needle)); p += strlen(needle))
        n++;
    return n;
}

static void test_two_subflows_share_a_transfer(void)
{
    struct mptcp_config ca;
    mptcp_config_default(&ca);
    set(&ca, "path_manager", "ndiffports");
    struct mnet *m = mnet_new(10000000, time_from_ms(10), &ca, NULL);
    tnet_pcap(m->tn, mnet_pcap_path("ndiff.pcap"));
    CU_ASSERT_EQUAL(mnet_start(m, 3000000), 0);
    mnet_run(m, time_from_s(60));
    CU_ASSERT_EQUAL(m->srv.read, 3000000);
    CU_ASSERT_TRUE(m->srv.eof);
    CU_ASSERT_TRUE(m->cli.closed);
    CU_ASSERT_EQUAL(tnet_pcap_close(m->tn), 0);
    CU_ASSERT_EQUAL(mnet_check_pcap(mnet_pcap_path("ndiff.pcap")), 0);
    /* MP_JOIN SYN 12, SYN/ACK 16, ACK 24; both subflows carry data */
    char *j = mnet_tshark(mnet_pcap_path("ndiff.pcap"), "tcp.options.mptcp.subtype == 1",
                          "tcp.flags.str,tcp.option_len");
    CU_ASSERT_PTR_NOT_NULL_FATAL(j);
    CU_ASSERT_EQUAL(count_lines(j, "··········S·|4,2,10,3,12"), 1);
    CU_ASSERT_EQUAL(count_lines(j, "·······A··S·|4,2,10,3,16"), 1);
    CU_ASSERT_EQUAL(count_lines(j, "·······A····|10,24"), 1);
    free(j);
    char *d = mnet_tshark(mnet_pcap_path("ndiff.pcap"), "tcp.len > 0 and tcp.stream == 1",
                          "tcp.len");
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    CU_ASSERT_TRUE(count_lines(d, "\n") > 100);
    free(d);
    mptcp_config_free(&ca);
    mnet_free(m);
}

/* A client whose view of the server key is wrong computes a different SYN/ACK HMAC: the
 * join is reset with MP_TCPRST reason 1 (RFC 8684 3.2, no fallback for a join); the
 * connection goes on over the first subflow. */
static void test_join_with_wrong_hmac_is_reset_with_mp_tcprst_1(void)
{
    struct mptcp_config ca;
    mptcp_config_default(&ca);
    set(&ca, "path_manager", "ndiffports");
    struct mnet *m = mnet_new(10000000, time_from_ms(10), &ca, NULL);
    tnet_pcap(m->tn, mnet_pcap_path("badhmac.pcap"));
    CU_ASSERT_EQUAL(mnet_start(m, 500000), 0);
    /* the SYN/ACK of the first subflow arrives at 20 ms; spoil the server key the client
     * holds before the join's SYN/ACK is checked, keeping the token the SYN carries */
    mnet_run(m, time_from_ms(25));
    struct mptcp_conn *c = mptcp_conn_of(m->cli.sock);
    c->remote_key ^= 1;
    mnet_run(m, time_from_s(60));
    struct mptcp_stack_stats st;
    mptcp_stack_get_stats(m->a, &st);
    CU_ASSERT_EQUAL(st.join_bad_hmac, 1);
    CU_ASSERT_EQUAL(tnet_pcap_close(m->tn), 0);
    char *r = mnet_tshark(mnet_pcap_path("badhmac.pcap"), "tcp.flags.reset == 1",
                          "tcp.stream,tcp.options.mptcp.subtype,tcp.options.mptcp.rst_reason");
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    CU_ASSERT_PTR_NOT_NULL(strstr(r, "1|8|0x01"));
    free(r);
    mptcp_config_free(&ca);
    mnet_free(m);
}

/* The server signals an address (10.0.0.2, id 1): ADD_ADDR with the truncated HMAC of
 * RFC 8684 3.4.1 (sender key B, receiver key A, zero port), which the client echoes and,
 * with add_addr_accepted 1, joins. */
static void test_add_addr_hmac_verifies_and_is_echoed(void)
{
    const uint64_t ka = 0x8aec9a5ed458a3fbULL, kb = 0xa35b21091642970dULL;
    struct mptcp_config ca, cb;
    mptcp_config_default(&ca);
    mptcp_config_default(&cb);
    set(&ca, "add_addr_accepted", "1");
    set(&cb, "endpoints", "10.0.0.2 signal");
    struct mnet *m = mnet_new(10000000, time_from_ms(10), &ca, &cb);
    mptcp_stack_set_next_key(m->a, ka);
    mptcp_stack_set_next_key(m->b, kb);
    tnet_pcap(m->tn, mnet_pcap_path("addaddr.pcap"));
    CU_ASSERT_EQUAL(mnet_start(m, 1000000), 0);
    mnet_run(m, time_from_s(60));
    CU_ASSERT_EQUAL(m->srv.read, 1000000);
    CU_ASSERT_EQUAL(tnet_pcap_close(m->tn), 0);
    CU_ASSERT_EQUAL(mnet_check_pcap(mnet_pcap_path("addaddr.pcap")), 0);
    char *a = mnet_tshark(mnet_pcap_path("addaddr.pcap"), "tcp.options.mptcp.subtype == 3",
                          "tcp.srcport,tcp.options.mptcp.echo,tcp.options.mptcp.addrid,"
                          "tcp.options.mptcp.ipv4,tcp.options.mptcp.addaddrtrunchmac");
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    uint8_t addr[4] = { 10, 0, 0, 2 };
    uint64_t h;
    CU_ASSERT_EQUAL(mptcp_add_addr_hmac(kb, ka, 1, 4, addr, 0, &h), 0);
    char want[128];
    snprintf(want, sizeof want, "80|0|1|10.0.0.2|%llu", (unsigned long long)h);
    CU_ASSERT_PTR_NOT_NULL(strstr(a, want));
    CU_ASSERT_PTR_NOT_NULL(strstr(a, "49152|1|1|10.0.0.2|"));
    if (!strstr(a, want))
        fprintf(stderr, "\n%s\nwant %s\n", a, want);
    free(a);
    struct mptcp_stack_stats sa, sb;
    mptcp_stack_get_stats(m->a, &sa);
    mptcp_stack_get_stats(m->b, &sb);
    CU_ASSERT_EQUAL(sa.add_addr_rx, 1);
    CU_ASSERT_EQUAL(sb.echo_add_addr_rx, 1);
    CU_ASSERT_EQUAL(sb.join_ack_rx, 1);
    mptcp_config_free(&ca);
    mptcp_config_free(&cb);
    mnet_free(m);
}

/* A coupled cc (lia) puts both established subflows in the connection's group. */
static void test_coupled_cc_groups_established_subflows(void)
{
    struct mptcp_config ca;
    mptcp_config_default(&ca);
    set(&ca, "path_manager", "ndiffports");
    struct mnet *m = mnet_new(10000000, time_from_ms(10), &ca, NULL);
    CU_ASSERT_EQUAL(mnet_listen(m), 0);
    CU_ASSERT_EQUAL(mnet_connect(m, 2000000), 0);
    CU_ASSERT_EQUAL(sock_set_opt(m->cli.sock, "cc", "lia"), 0);
    mnet_run(m, time_from_ms(500));
    struct mptcp_conn *c = mptcp_conn_of(m->cli.sock);
    CU_ASSERT_EQUAL(c->nsf, 2);
    CU_ASSERT_EQUAL(c->ccg.n, 2);
    mnet_run(m, time_from_s(60));
    CU_ASSERT_EQUAL(m->srv.read, 2000000);
    CU_ASSERT_EQUAL(c->ccg.n, 0);
    mptcp_config_free(&ca);
    mnet_free(m);
}

/* A subflow reset in the middle of the transfer: what it held and the peer had not
 * data-ACKed is reinjected on the other subflow; nothing is lost at the data level. */
static void test_reinjection_after_a_subflow_reset_keeps_data_intact(void)
{
    struct mptcp_config ca;
    mptcp_config_default(&ca);
    set(&ca, "path_manager", "ndiffports");
    struct mnet *m = mnet_new(10000000, time_from_ms(10), &ca, NULL);
    CU_ASSERT_EQUAL(mnet_start(m, 3000000), 0);
    mnet_run(m, time_from_ms(800));
    struct mptcp_conn *c = mptcp_conn_of(m->cli.sock);
    CU_ASSERT_EQUAL_FATAL(c->nsf, 2);
    mptcp_subflow_reset(c->sf[1], MPTCP_RST_EUNSPEC);
    mnet_run(m, time_from_s(60));
    CU_ASSERT_EQUAL(m->srv.read, 3000000);
    CU_ASSERT_TRUE(m->srv.eof);
    struct sock_stats st;
    sock_get_stats(m->cli.sock, &st);
    CU_ASSERT_TRUE(st.reinjected_bytes > 0);
    mptcp_config_free(&ca);
    mnet_free(m);
}

/* sock_abort: MP_FASTCLOSE (the peer's key) with MP_TCPRST on the RST; the peer's socket
 * gets SOCK_ERR_RESET. */
static void test_abort_sends_mp_fastclose(void)
{
    struct mnet *m = mnet_new(10000000, time_from_ms(10), NULL, NULL);
    tnet_pcap(m->tn, mnet_pcap_path("fastclose.pcap"));
    CU_ASSERT_EQUAL(mnet_start(m, 3000000), 0);
    mnet_run(m, time_from_ms(300));
    sock_abort(m->cli.sock);
    mnet_run(m, time_from_s(5));
    CU_ASSERT_EQUAL(m->srv.error, SOCK_ERR_RESET);
    CU_ASSERT_EQUAL(tnet_pcap_close(m->tn), 0);
    char *r = mnet_tshark(mnet_pcap_path("fastclose.pcap"), "tcp.flags.reset == 1",
                          "tcp.options.mptcp.subtype");
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    CU_ASSERT_PTR_NOT_NULL(strstr(r, "7,8"));
    free(r);
    struct mptcp_stack_stats sb;
    mptcp_stack_get_stats(m->b, &sb);
    CU_ASSERT_EQUAL(sb.fastclose_rx, 1);
    m->cli.sock = NULL;
    mnet_free(m);
}

SUITE(mptcp_join, NULL, NULL,
      TEST(test_reinjection_after_a_subflow_reset_keeps_data_intact),
      TEST(test_abort_sends_mp_fastclose),
      TEST(test_coupled_cc_groups_established_subflows),
      TEST(test_two_subflows_share_a_transfer),
      TEST(test_join_with_wrong_hmac_is_reset_with_mp_tcprst_1),
      TEST(test_add_addr_hmac_verifies_and_is_echoed))
