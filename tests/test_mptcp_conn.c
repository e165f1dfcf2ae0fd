/* test_mptcp_conn.c - the MPTCP connection over one subflow: the MP_CAPABLE handshake on the
 * wire, tokens and IDSNs, DSS mappings, data-level integrity under loss, DATA_FIN, memory
 * per idle connection, determinism. Wire assertions read the pcap back with tshark, an
 * independent decoder. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/mptcp/mptcp.h"
#include "models/tcp/tcp_stack.h"
#include "models/wire/mptcp_crypto.h"
#include "tests/harness.h"
#include "tests/mptcp_testnet.h"

#define KEY_A 0x8aec9a5ed458a3fbULL   /* the keys of testdata a-mptcp-join-addaddr.pcap */
#define KEY_B 0xa35b21091642970dULL

static struct mnet *run_bulk(const char *pcap, size_t bytes, double loss)
{
    struct mnet *m = mnet_new(10000000, time_from_ms(10), NULL, NULL);
    mptcp_stack_set_next_key(m->a, KEY_A);
    mptcp_stack_set_next_key(m->b, KEY_B);
    if (pcap)
        tnet_pcap(m->tn, mnet_pcap_path(pcap));
    if (loss > 0)
        tnet_set_loss(m->tn, TN_AB, loss);
    CU_ASSERT_EQUAL(mnet_start(m, bytes), 0);
    mnet_run(m, time_from_s(60));
    if (pcap) {
        CU_ASSERT_EQUAL(tnet_pcap_close(m->tn), 0);
        CU_ASSERT_EQUAL(mnet_check_pcap(mnet_pcap_path(pcap)), 0);
    }
    return m;
}

static void test_mpc_handshake_option_sequence_is_rfc8684_v1(void)
{
    struct mnet *m = run_bulk("mpc_seq.pcap", 100000, 0);
    char *out = mnet_tshark(mnet_pcap_path("mpc_seq.pcap"), "frame.number <= 4",
                            "tcp.flags.str,tcp.options.mptcp.subtype,tcp.option_len,"
                            "tcp.options.mptcp.version,tcp.options.mptcp.flags,"
                            "tcp.options.mptcp.sendkey,tcp.options.mptcp.recvkey,"
                            "tcp.options.mptcp.datalvllen");
    CU_ASSERT_PTR_NOT_NULL_FATAL(out);
    char want[1024];
    snprintf(want, sizeof want,
             "··········S·|0|4,2,10,3,4|1|0x01|||\n"
             "·······A··S·|0|4,2,10,3,12|1|0x01|%llu||\n"
             "·······A····|0|10,20|1|0x01|%llu|%llu|\n",
             (unsigned long long)KEY_B, (unsigned long long)KEY_A, (unsigned long long)KEY_B);
    CU_ASSERT_EQUAL(strncmp(out, want, strlen(want)), 0);
    if (strncmp(out, want, strlen(want)))
        fprintf(stderr, "\ngot:\n%s\nwant:\n%s", out, want);
    /* the first data segment: MP_CAPABLE 22 with both keys and the data-level length */
    const char *l4 = out + strlen(want);
    char w4[256];
    snprintf(w4, sizeof w4, "·······A····|0|10,22|1|0x01|%llu|%llu|", (unsigned long long)KEY_A,
             (unsigned long long)KEY_B);
    CU_ASSERT_EQUAL(strncmp(l4, w4, strlen(w4)), 0);
    free(out);
    CU_ASSERT_EQUAL(m->srv.read, 100000);
    mnet_free(m);
}

/* The first mapping starts at IDSN(A) + 1: MP_CAPABLE 22 carries its length on the first
 * segment, the next segments repeat it as a DSS; the data ACKs count from IDSN + 1 (token and IDSN = SHA-256 truncations, RFC 8684 3.1). */
static void test_dsn_starts_at_idsn_from_the_key(void)
{
    struct mnet *m = run_bulk("idsn.pcap", 100000, 0);
    uint64_t idsn_a, idsn_b;
    uint32_t tok_a, tok_b;
    mptcp_key_hash(1, KEY_A, &tok_a, &idsn_a);
    mptcp_key_hash(1, KEY_B, &tok_b, &idsn_b);
    CU_ASSERT_EQUAL(tok_a, 0xa9374ac9u);   /* the capture README's tokens */
    CU_ASSERT_EQUAL(tok_b, 0xde464bc7u);
    char *first = mnet_tshark(mnet_pcap_path("idsn.pcap"),
                              "tcp.options.mptcp.subtype == 0 and tcp.len > 0",
                              "tcp.options.mptcp.datalvllen");
    char *dss = mnet_tshark(mnet_pcap_path("idsn.pcap"),
                            "tcp.options.mptcp.subtype == 2 and tcp.len > 0",
                            "tcp.options.mptcp.rawdataseqno");
    char *ack = mnet_tshark(mnet_pcap_path("idsn.pcap"), "tcp.srcport == 80 and tcp.len == 0",
                            "tcp.options.mptcp.rawdataack");
    CU_ASSERT_PTR_NOT_NULL_FATAL(first);
    CU_ASSERT_PTR_NOT_NULL_FATAL(dss);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ack);
    unsigned long long len0 = strtoull(first, NULL, 10), dsn1 = strtoull(dss, NULL, 10);
    CU_ASSERT_TRUE(len0 > 0);
    CU_ASSERT_EQUAL(dsn1, idsn_a + 1);       /* the same mapping, now in DSS form */
    /* the last data ACK of the server covers all data and the DATA_FIN */
    const char *last = ack;
    for (const char *p = ack; *p; p++)
        if (*p == '\n' && p[1])
            last = p + 1;
    CU_ASSERT_EQUAL(strtoull(last, NULL, 10), idsn_a + 1 + 100000 + 1);
    free(first);
    free(dss);
    free(ack);
    mnet_free(m);
}

static void test_data_integrity_at_the_data_level_across_loss(void)
{
    struct mnet *m = run_bulk("loss.pcap", 2000000, 0.02);
    CU_ASSERT_EQUAL(m->srv.read, 2000000);
    CU_ASSERT_TRUE(m->srv.eof);
    struct sock_stats st;
    sock_get_stats(m->cli.sock, &st);
    CU_ASSERT_TRUE(st.retrans_segs > 0);
    CU_ASSERT_EQUAL(st.bytes_acked, 2000000);
    mnet_free(m);
}

static void test_data_fin_closes_both_directions(void)
{
    struct mnet *m = run_bulk("fin.pcap", 50000, 0);
    CU_ASSERT_TRUE(m->srv.eof);
    CU_ASSERT_TRUE(m->cli.eof);
    CU_ASSERT_TRUE(m->srv.closed);
    CU_ASSERT_TRUE(m->cli.closed);
    CU_ASSERT_EQUAL(m->cli.error, 0);
    /* a DATA_FIN is a mapping of length 1 at SSN 0 on a pure ACK (RFC 8684 3.3.3) */
    char *out = mnet_tshark(mnet_pcap_path("fin.pcap"),
                            "tcp.options.mptcp.datafin.flag == 1",
                            "tcp.srcport,tcp.len,tcp.options.mptcp.subflowseqno,"
                            "tcp.options.mptcp.datalvllen,tcp.options.mptcp.datafin.flag");
    CU_ASSERT_PTR_NOT_NULL_FATAL(out);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "49152|0|0|1|1"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "80|0|0|1|1"));
    free(out);
    struct sock_info in;
    sock_get_info(m->cli.sock, &in);
    CU_ASSERT_EQUAL(in.subflows, 0);
    mnet_free(m);
}

static void test_same_seed_gives_identical_pcap_bytes(void)
{
    struct mnet *m1 = mnet_new(10000000, time_from_ms(5), NULL, NULL);
    tnet_pcap(m1->tn, mnet_pcap_path("det1.pcap"));
    mnet_start(m1, 300000);
    mnet_run(m1, time_from_s(30));
    tnet_pcap_close(m1->tn);
    struct mnet *m2 = mnet_new(10000000, time_from_ms(5), NULL, NULL);
    tnet_pcap(m2->tn, mnet_pcap_path("det2.pcap"));
    mnet_start(m2, 300000);
    mnet_run(m2, time_from_s(30));
    tnet_pcap_close(m2->tn);
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "cmp -s %s ", mnet_pcap_path("det1.pcap"));
    strcat(cmd, mnet_pcap_path("det2.pcap"));
    CU_ASSERT_EQUAL(system(cmd), 0);
    CU_ASSERT_EQUAL(m1->srv.read, 300000);
    mnet_free(m1);
    mnet_free(m2);
}

/* RFC 8684 3.1 / Linux: an idle connection with two subflows, control blocks only. */
static void test_idle_two_subflow_connection_fits_in_4kB(void)
{
    size_t total = mptcp_conn_idle_bytes() + 2 * (mptcp_subflow_idle_bytes() + tcp_conn_idle_bytes());
    fprintf(stderr, "\n  idle MPTCP connection: meta %zu B, subflow ctx %zu B, TCP block %zu B; "
            "2 subflows %zu B\n", mptcp_conn_idle_bytes(), mptcp_subflow_idle_bytes(),
            tcp_conn_idle_bytes(), total);
    CU_ASSERT_TRUE(total <= 4096);
}

SUITE(mptcp, NULL, NULL,
      TEST(test_mpc_handshake_option_sequence_is_rfc8684_v1),
      TEST(test_dsn_starts_at_idsn_from_the_key),
      TEST(test_data_integrity_at_the_data_level_across_loss),
      TEST(test_data_fin_closes_both_directions),
      TEST(test_same_seed_gives_identical_pcap_bytes),
      TEST(test_idle_two_subflow_connection_fits_in_4kB))
