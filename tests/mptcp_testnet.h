/* mptcp_testnet.h - MPTCP stacks on the two TCP stacks of tcp_testnet, and socket-level
 * applications (a bulk sender, a sink) written against struct sock, for the mptcp suites.
 * Host A (10.0.0.1) is the client, B (10.0.0.2) the server listening on port 80. Subflows
 * other than the first differ by port (both hosts have one address each). */
#ifndef MCPSIM_TESTS_MPTCP_TESTNET_H
#define MCPSIM_TESTS_MPTCP_TESTNET_H

#include "models/mptcp/mptcp.h"
#include "tests/tcp_testnet.h"

struct mn_app {
    struct sock *sock;
    size_t to_send;
    bool close_when_done;
    uint64_t read;
    bool connected, closed, eof;
    int error;
    sim_time_t eof_at, closed_at;
};

struct mnet {
    struct tnet *tn;
    struct mptcp_stack *a, *b;
    struct sock_listener *l;
    struct mn_app cli, srv;
};

/* A pipe of rate/delay; cfg_a/cfg_b NULL = MPTCP defaults (tcp defaults for TCP). */
struct mnet *mnet_new(bps_t rate, sim_time_t delay, const struct mptcp_config *cfg_a,
                      const struct mptcp_config *cfg_b);
void mnet_free(struct mnet *m);
/* Server B listens (MPTCP) and sinks; client A connects and sends `bytes` then closes. */
int mnet_start(struct mnet *m, size_t bytes);
/* The two halves of mnet_start. */
int mnet_listen(struct mnet *m);
int mnet_connect(struct mnet *m, size_t bytes);
/* Runs the simulation until `t` or until nothing is left. */
void mnet_run(struct mnet *m, sim_time_t t);
/* tshark -T fields over a pcap with a display filter: the output (lines, fields separated
 * by '|'), or NULL; free() it. */
char *mnet_tshark(const char *path, const char *filter, const char *fields);
/* A pcap path in the test's temporary directory (MNET_PCAP_DIR overrides, to keep them). */
const char *mnet_pcap_path(const char *name);
/* Runs check-pcap.sh on a pcap; 0 when tshark finds nothing wrong. */
int mnet_check_pcap(const char *path);

#endif
