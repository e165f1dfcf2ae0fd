/* ip_testutil.h - helpers for the network suites: a world from YAML text, UDP packets
 * between addresses, receivers that keep what they got, and a path tracer built on the hook
 * points (so "the exact path taken" is read from the nodes themselves). */
#ifndef MCPSIM_TESTS_IP_TESTUTIL_H
#define MCPSIM_TESTS_IP_TESTUTIL_H

#include <stddef.h>
#include <stdint.h>

#include "models/net/node.h"
#include "sim/world.h"

/* A world from the YAML lines after "name:" and "duration:" (duration 1s), capturing into
 * pcap_dir when it is not NULL; NULL (with the reason on stderr) on failure. */
struct world *ipt_world(const char *yaml, const char *pcap_dir);
struct net_node *ipt_node(struct world *w, const char *name);

/* A UDP datagram from src to dst (address strings), TTL/hop limit ttl, payload bytes
 * (virtual beyond 12), ports 1000 -> 9. */
struct packet *ipt_udp(struct world *w, const char *src, const char *dst, int ttl,
                      size_t payload);

struct ipt_rx {
    size_t n;
    struct sched *s;
    sim_time_t at[64];
    uint8_t last[2048];   /* the last packet's stored bytes (IP header first) */
    size_t last_len;
};

void ipt_listen_udp(struct world *w, const char *node, uint16_t port, struct ipt_rx *rx);
void ipt_listen_proto(struct world *w, const char *node, uint8_t proto, struct ipt_rx *rx);

/* Appends "NAME " to trace for every packet a node sends (OUTPUT) or receives (PREROUTING),
 * for every node listed. */
struct ipt_trace {
    char buf[512];
};
void ipt_trace_nodes(struct world *w, const char *const *names, size_t n, struct ipt_trace *t);

#endif
