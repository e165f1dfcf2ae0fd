/* net_testutil.h - helpers shared by the link, queue, loss and outage suites: a world built
 * from scenario text, a results database in memory whose scalars can be read back, and
 * packets of a chosen wire length handed straight to a link's interface. */
#ifndef MCPSIM_TESTS_NET_TESTUTIL_H
#define MCPSIM_TESTS_NET_TESTUTIL_H

#include <stddef.h>
#include <stdint.h>

#include "models/net/node.h"
#include "sim/results.h"
#include "sim/world.h"

/* One run recorded into a database in memory. */
struct nt_rec {
    struct results_db *db;
    struct results_run *rr;
    char id[32];
};

/* Opens the database and begins run `id`, with every vector off (scalars only); 0 or -1
 * (message on stderr). */
int nt_rec_begin(struct nt_rec *r, const char *id);

/* Ends the run at sim_end (the scalars are written then). */
void nt_rec_end(struct nt_rec *r, sim_time_t sim_end);

/* The scalar module/name of the ended run, or NAN when it was not recorded. */
double nt_scalar(struct nt_rec *r, const char *module, const char *name);

void nt_rec_close(struct nt_rec *r);

/* A world from scenario text (written to a file in the test directory) for (seed, run),
 * running until `duration`, recording into rr when it is not NULL; NULL with the loader's
 * message on stderr. */
struct world *nt_world(const char *yaml, uint64_t seed, uint64_t run, sim_time_t duration,
                       struct results_run *rr);

/* The interface at end 0 (a) or 1 (b) of the p2p link `name` of w. */
struct net_if *nt_link_if(struct world *w, const char *name, int end);

/* Hands the link a packet of `wire` bytes, all virtual (no headers: the far node counts it
 * malformed and frees it), for tests that need exact sizes, not delivery. */
void nt_send_raw(struct world *w, struct net_if *ifc, uint32_t wire);

/* Sends one UDP packet of `wire` bytes (IPv4 + UDP headers, virtual payload) from node
 * `from` to node `to`, port 9; 0, or -1 when a node is missing or wire < 28. */
int nt_send_udp(struct world *w, const char *from, const char *to, size_t wire);

/* What arrived on UDP port 9 of a node: times and wire lengths of the first 64, and a count. */
struct nt_arrivals {
    sim_time_t at[64];
    size_t len[64];
    size_t n;
    struct sched *s;
};

/* Binds port 9 of `node` and returns its (static, reset) arrival record; NULL on error. */
struct nt_arrivals *nt_listen(struct world *w, const char *node);

#endif
