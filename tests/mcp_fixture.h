/* mcp_fixture.h - helpers shared by the datapath suites: an in-memory platform, captures
 * loaded into memory, SYNs built from wire structs. */
#ifndef MCPSIM_TESTS_MCP_FIXTURE_H
#define MCPSIM_TESTS_MCP_FIXTURE_H

#include <stddef.h>
#include <stdint.h>

#include "models/mcp/mcp.h"

/* A platform whose clock the test sets and which records what the datapath sends. */
struct mcpt {
    struct mcp *dp;
    mcp_ns_t now;
    uint8_t emitted[2048];
    size_t emitted_len;
    int nemit, ndeliver;
    uint64_t mem_total;
};

/* Creates t->dp with defaults, role, signal and steer, then cfg_tweak (may be NULL). */
void mcpt_create(struct mcpt *t, enum mcp_role role, const char *signal, const char *steer,
                 void (*cfg_tweak)(struct mcp_config *c));
void mcpt_destroy(struct mcpt *t);

/* Runs one packet; returns the verdict, output in out/outlen (input copied when passed). */
struct mcp_verdict mcpt_run(struct mcpt *t, const uint8_t *pkt, size_t len,
                            enum mcp_side from, uint8_t *out, size_t *outlen);

/* A capture in memory: IP datagrams (link header removed), timestamps and sides. */
struct mcpt_frame {
    uint8_t *ip;
    size_t len;
    int64_t ts_ns;
    enum mcp_side side;
};
struct mcpt_capture {
    struct mcpt_frame *f;
    size_t n;
};
int mcpt_load(const char *shared_rel, struct mcpt_capture *c);
int mcpt_load_path(const char *path, struct mcpt_capture *c);
void mcpt_free(struct mcpt_capture *c);

/* Builds an IPv4 SYN (src/dst host order) with Linux's baseline options (MSS, SACK-P+TS,
 * NOP+WS) and extras appended (raw option bytes), valid checksums. Returns its length. */
size_t mcpt_syn4(uint8_t *buf, uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport,
                 uint16_t flags, uint32_t seq, uint32_t ack, const uint8_t *extra,
                 size_t extra_len, int baseline);

/* True when the TCP and IPv4 checksums of an IPv4/TCP packet are right. */
int mcpt_csum_ok(const uint8_t *pkt, size_t len);

#endif
