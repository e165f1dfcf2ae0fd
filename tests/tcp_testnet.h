/* tcp_testnet.h - two TCP stacks joined by a simulated pipe, for the TCP suites.
 *
 * Host A (10.0.0.1) and host B (10.0.0.2) each run a tcp_stack (tests may set IPv6
 * addresses in addr_a/addr_b before connecting); each direction of the pipe
 * serializes packets at `rate` (20 bytes of IPv4 header counted, not stored) in FIFO order and
 * delivers them `delay` later, standing in for the IP layer. Every segment is decoded once
 * by the harness, its checksum verified (a bad one aborts: a bug), and logged (time, direction, seq/ack relative to the sender's ISN, flags,
 * length, window, dropped or not), so tests assert on what was on the wire. Segments are
 * dropped by scripted rules (the n-th transmission of a given relative sequence number, all
 * segments with given flags) or by Bernoulli loss on data segments from a named random
 * stream; a direction may also have a drop-tail queue limit, making the pipe a bottleneck,
 * and a delivery jitter that reorders packets. The pipe can also write a pcap of every
 * segment. Nothing here is TCP logic: it only moves and records packets.
 */
#ifndef MCPSIM_TESTS_TCP_TESTNET_H
#define MCPSIM_TESTS_TCP_TESTNET_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "models/tcp/tcp_stack.h"
#include "models/wire/tcp.h"
#include "sim/pcap.h"
#include "sim/rng.h"

enum { TN_AB = 0, TN_BA = 1 }; /* directions */

struct tn_seg {
    sim_time_t at;      /* time the segment entered the pipe */
    int dir;
    uint32_t seq, ack;  /* absolute */
    uint32_t rseq;      /* seq relative to the sender's ISN + 1 (data byte 0 is 0) */
    uint32_t rack;      /* ack relative to the receiver's ISN + 1 */
    uint16_t flags;
    uint32_t len;       /* payload bytes */
    uint32_t win;       /* raw window field */
    bool has_sack;
    bool dropped;
};

struct tn_drop {
    int dir;
    uint32_t rseq;      /* relative sequence number of the segment to drop */
    uint16_t flags;     /* or: drop segments having all of these flags (when rseq_any) */
    bool rseq_any;
    int times;          /* how many transmissions to drop (1 = only the first) */
};

struct tnet;
struct tn_dir {
    struct tnet *tn;
    int dir;
};

struct tnet {
    struct tn_dir dirs[2];
    struct sched *s;
    struct pkt_pool *pool;
    struct tcp_stack *a, *b;
    struct sock_addr addr_a, addr_b;
    bps_t rate;
    sim_time_t delay;
    sim_time_t busy_until[2];
    bool isn_known[2];
    uint32_t isn[2];
    struct tn_drop drops[16];
    int ndrops;
    double loss[2];
    bool loss_all;      /* Bernoulli loss hits every segment, not only data */
    sim_time_t jitter;       /* extra delay uniform in [0, jitter): reorders packets */
    size_t queue_limit[2];   /* drop-tail limit in packets (in transmission included); 0 = none */
    sim_time_t *depart[2];   /* ring of departure times of the packets queued */
    size_t q_head[2], q_len[2];
    uint64_t queue_drops[2];
    struct pcapio_writer *pcap; /* every segment offered to the pipe, as IPv4 */
    struct rng *loss_rng;
    struct tn_seg *log;
    size_t nlog, caplog;
    bool keep_log;
    uint64_t delivered[2], dropped[2];
    /* Optional: called for every segment offered to the pipe (after the drop decision), with
     * its decoded header, so a test can look at options. */
    void (*tap)(void *ctx, const struct tn_seg *g, const struct tcp_hdr *h);
    void *tap_ctx;
    /* Deliver each IPv4 packet with the addresses its stack gave (kept in the packet's cb)
     * instead of addr_a/addr_b, so a stack can talk from and to any address (a transparent
     * listener's children). */
    bool carry_addrs;
};

/* A pipe of `rate` and one-way `delay`; cfg_a/cfg_b NULL = defaults. */
struct tnet *tnet_new(bps_t rate, sim_time_t delay, const struct tcp_config *cfg_a,
                      const struct tcp_config *cfg_b);
void tnet_free(struct tnet *tn);

/* Drops the first `times` transmissions of the segment starting at relative seq rseq. */
void tnet_drop_seq(struct tnet *tn, int dir, uint32_t rseq, int times);
/* Drops the first `times` segments carrying all the given flags (e.g. TCP_FLAG_SYN). */
void tnet_drop_flags(struct tnet *tn, int dir, uint16_t flags, int times);
/* A drop-tail queue of `packets` (the one being serialized included) in one direction. */
void tnet_set_queue(struct tnet *tn, int dir, size_t packets);
/* Bernoulli loss of data-carrying segments in one direction. */
void tnet_set_loss(struct tnet *tn, int dir, double p);

/* Log queries: the i-th logged segment in dir matching all `flags` (and carrying data when
 * data is true); NULL when there are fewer. */
const struct tn_seg *tnet_find(const struct tnet *tn, int dir, uint16_t flags, bool data, int i);
/* Number of logged segments in dir with the flags, data-only when data. */
int tnet_count(const struct tnet *tn, int dir, uint16_t flags, bool data);

/* A simple application: a bulk sender of `total` bytes (then close) and a sink that reads
 * everything and closes on EOF. */
struct tn_app {
    struct tcp_sock *sock;
    size_t to_send;       /* bytes still to hand to tcp_send */
    bool close_when_done; /* tcp_close after the last byte is queued */
    uint64_t read;
    sim_time_t connected_at, closed_at, eof_at;
    int error;
    bool connected, closed, eof;
};

extern const struct sock_callbacks tn_app_callbacks;
/* Listener on B:80 that accepts into sink (one connection). */
struct tcp_listener *tnet_listen_sink(struct tnet *tn, struct tn_app *sink);
/* A listener application: while `accept` is set, takes up to 8 connections off the accept
 * queue into app[] (reading what they already hold); counts its acceptable calls. */
struct tn_farm {
    struct tn_app app[8];
    int n, calls;
    bool accept;
};
extern const struct sock_listener_callbacks tn_farm_callbacks;
void tn_farm_acceptable(struct sock_listener *l, void *farm);
/* Connects A -> B:80 with `bytes` to send from app. */
int tnet_connect_bulk(struct tnet *tn, struct tn_app *app, size_t bytes, const char *cc);

/* Writes every segment offered to the pipe (dropped ones too) to a raw-IPv4 pcap at path,
 * with an IPv4 header in front and the virtual payload written out as zero bytes (what the
 * checksum assumes), so that tshark can verify every header and checksum. */
void tnet_pcap(struct tnet *tn, const char *path);
int tnet_pcap_close(struct tnet *tn);

/* Prints the segment log, one line per segment (for debugging a failing test). With the
 * environment variable TNET_DUMP set, tnet_free() prints every test's log, and the Mathis
 * tests print their measured ratios. */
void tnet_dump(const struct tnet *tn, FILE *out);

#endif
