/* mcp_limits.h - open-proxy protections of RFC 8803 section 9 (draft -15 section 9).
 *
 *  - access only from customer-facing interfaces: a proxy request (signal, Convert) arriving
 *    on the network side is refused (mcp_limits_side_allowed);
 *  - per-client pending-connection limits: a fixed array of counters indexed by a keyed hash
 *    of the client address (a counting filter, not a keyed table: memory is constant however
 *    many sources a spoofer uses; two clients sharing a counter are limited together, which
 *    errs on the safe side);
 *  - rate-limited error messages: a token bucket (rate per second, burst) on every error the
 *    proxy would send (Convert Error TLV, RST), so a flood cannot turn the proxy into a
 *    reflector;
 *  - Resource Exceeded with back-off: the delay the converter announces grows with how full
 *    it is, and a client side that received one stays away until the delay has passed
 *    (value 0 means "at least 30 s", RFC 8803 Error 64).
 */
#ifndef MCPSIM_MCP_LIMITS_H
#define MCPSIM_MCP_LIMITS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "models/mcp/mcp_platform.h"

struct mcp_limits_config {
    uint32_t pending_per_client;  /* max half-open connections per client address; 0 = off */
    uint32_t counter_bits;        /* 2^bits counters (8..24) */
    uint32_t error_rate_per_s;    /* error replies per second; 0 = never send errors */
    uint32_t error_burst;
    uint32_t backoff_s;           /* Resource Exceeded delay announced (s); 0 = "30 s or more" */
    bool network_side_requests;   /* accept proxy requests from the network side (default no) */
    uint64_t hash_secret;
};

struct mcp_limits;

int mcp_limits_create(const struct mcp_limits_config *cfg, struct mcp_limits **out, char *err,
                      size_t errlen);
void mcp_limits_destroy(struct mcp_limits *l);

bool mcp_limits_side_allowed(const struct mcp_limits *l, enum mcp_side from);

/* Takes one pending slot for a client; -EBUSY when at its limit. */
int mcp_limits_pending_take(struct mcp_limits *l, uint8_t family, const uint8_t addr[16]);
/* Gives it back (handshake completed, or the half-open entry expired/was evicted). */
void mcp_limits_pending_release(struct mcp_limits *l, uint8_t family, const uint8_t addr[16]);
uint32_t mcp_limits_pending(const struct mcp_limits *l, uint8_t family, const uint8_t addr[16]);

/* True if an error reply may be sent now (consumes a token). */
bool mcp_limits_error_allowed(struct mcp_limits *l, mcp_ns_t now);

/* Delay (s) to announce in a Resource Exceeded error. */
uint32_t mcp_limits_backoff_delay_s(const struct mcp_limits *l);
/* Client side: a Resource Exceeded with delay_s was received; 0 means 30 s. */
void mcp_limits_note_resource_exceeded(struct mcp_limits *l, uint32_t delay_s, mcp_ns_t now);
bool mcp_limits_in_backoff(const struct mcp_limits *l, mcp_ns_t now);

size_t mcp_limits_bytes(const struct mcp_limits *l);

#endif
