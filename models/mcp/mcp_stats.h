/* mcp_stats.h - what every datapath decision cost, and counters for every decision/anomaly.
 *
 * A decision records the elementary operations it performed (header parse, table lookup,
 * table insert, byte rewrite, incremental checksum fix, crypto) in a struct mcp_cost, so the
 * simulator's CPU model can turn a decision into a service time with its own per-operation
 * prices; the datapath itself never guesses nanoseconds. The counters are plain uint64
 * arrays indexed by enums, cheap on the hot path and printable by `mcpsim replay`.
 *
 * Decisions and reasons are X-macro lists so the enum and its printable names cannot drift.
 */
#ifndef MCPSIM_MCP_STATS_H
#define MCPSIM_MCP_STATS_H

#include <stdint.h>
#include <stdio.h>

#define MCP_OPS(X) X(PARSE, "parse") X(LOOKUP, "lookup") X(INSERT, "insert") \
    X(REWRITE, "rewrite") X(CSUM, "csum") X(CRYPTO, "crypto")

#define MCP_DECISIONS(X) X(PASS, "pass") X(TERMINATE, "terminate") X(REWRITE, "rewrite") \
    X(DROP, "drop") X(REPLY, "reply")

/* Reason codes: why a decision was taken. Names are stable: they appear in decision files. */
#define MCP_REASONS(X)                                                                   \
    X(NOT_TCP, "not-tcp")                     /* IP but not TCP: forwarded untouched */   \
    X(BAD_IP, "bad-ip")                       /* truncated/invalid IP header */           \
    X(BAD_TCP, "bad-tcp")                     /* truncated TCP header / bad offset */     \
    X(BAD_OPTIONS, "bad-options")             /* malformed TCP/MPTCP options on a SYN */  \
    X(NO_FLOW, "no-flow")                     /* non-SYN packet of an untracked flow */   \
    X(FLOW_UNSTEERED, "flow-unsteered")       /* tracked, nothing to change */            \
    X(FLOW_STEERED, "flow-steered")           /* steering added/removed/mapped */         \
    X(SYN_PLAIN, "syn-plain")                 /* plain TCP SYN, no MPTCP */               \
    X(SYN_MPC_NATIVE, "syn-mpc-native")       /* MP_CAPABLE without proxy signal */       \
    X(SYN_MPC_SIGNALLED, "syn-mpc-signalled") /* MP_CAPABLE with proxy signal */          \
    X(SYN_SIGNAL_INSERTED, "syn-signal-inserted")                                        \
    X(SYN_SIGNAL_NO_SPACE, "syn-signal-no-space") /* option space exhausted */            \
    X(SYN_STEERED, "syn-steered")             /* steered without a signal (none/hello) */ \
    X(SYN_CAPABLE_CACHED, "syn-capable-cached")   /* server known MPTCP: bypass */        \
    X(SYN_JOIN_KNOWN, "syn-join-known")       /* MP_JOIN, token found */                  \
    X(SYN_JOIN_UNKNOWN, "syn-join-unknown")   /* MP_JOIN, token not ours */               \
    X(SYN_CONVERT, "syn-convert")             /* Convert / MP_CONVERT carried in the SYN */ \
    X(SYN_BAD_CONVERT, "syn-bad-convert")     /* Convert header present but malformed */  \
    X(SYN_FAR_END, "syn-far-end")             /* SYN from the network side */             \
    X(SYN_WRONG_SIDE, "syn-wrong-side")       /* proxy request from the network side */   \
    X(SYN_RETRANSMIT, "syn-retransmit")       /* SYN of a flow already tracked */         \
    X(SYNACK_MPC, "synack-mpc")               /* SYN/ACK with MP_CAPABLE */               \
    X(SYNACK_PLAIN, "synack-plain")           /* SYN/ACK without MP_CAPABLE */            \
    X(SYNACK_HELLO_INSERTED, "synack-hello-inserted") /* HI_I_AM_A_PROXY added */          \
    X(SYNACK_HELLO_SEEN, "synack-hello-seen") /* HI_I_AM_A_PROXY learnt and stripped */   \
    X(TABLE_FULL, "table-full")               /* refused: hard capacity */                \
    X(CLIENT_LIMIT, "client-limit")           /* refused: per-client pending limit */     \
    X(COOKIE_SENT, "cookie-sent")             /* stateless SYN/ACK answered */            \
    X(COOKIE_OK, "cookie-ok")                 /* ACK validated a cookie */                \
    X(COOKIE_BAD, "cookie-bad")               /* ACK with a bad/expired cookie */         \
    X(ERROR_RATE_LIMITED, "error-rate-limited") /* an error reply was suppressed */         \
    X(RESOURCE_EXCEEDED, "resource-exceeded") /* uMCP: the converter is full: back off */ \
    X(CONVERTER_ERROR, "converter-error")     /* uMCP: another RFC 8803 error: refused */ \
    X(BACKOFF, "backoff")                     /* uMCP: not proxying during a back-off */ \
    X(MISSING_COOKIE, "missing-cookie")       /* RFC 8803 error 3 sent (dMCP) / taken (uMCP) */ \
    X(NOT_AUTHORIZED, "not-authorized")       /* error 32 sent / taken; uMCP: client refused */

#define MCP_ANOMALIES(X) X(MALFORMED, "malformed") X(TOKEN_COLLISION, "token-collision") \
    X(EVICTED_HALFOPEN, "evicted-halfopen") X(EXPIRED, "expired")                         \
    X(OPTION_OVERFLOW, "option-overflow") X(MTU_EXCEEDED, "mtu-exceeded")                \
    X(FLAG_LEAK, "flag-leak") X(UNEXPECTED_SIGNAL, "unexpected-signal")                  \
    X(TOO_BIG, "too-big") /* a packet near 65535 bytes left unsteered: no room to grow */

/* RFC 8803 cookie and authorization exchange (explicit mode, `convert_cookie`). */
#define MCP_CONVERT_COUNTERS(X)                                                          \
    X(COOKIE_MADE, "cookie-made")         /* dMCP: Missing Cookie with a new cookie sent */ \
    X(COOKIE_VALID, "cookie-valid")       /* dMCP: Convert SYN with a valid cookie */       \
    X(COOKIE_EXPIRED, "cookie-expired")   /* dMCP: ours but too old: a new one sent */      \
    X(COOKIE_FORGED, "cookie-forged")     /* dMCP: invalid cookie: Not Authorized */        \
    X(POLICY_REFUSED, "policy-refused")   /* dMCP: client outside convert_allow */          \
    X(COOKIE_STORED, "cookie-stored")     /* uMCP: cookie from a Missing Cookie kept */     \
    X(COOKIE_SYNS, "cookie-syns")         /* uMCP: Convert SYNs sent with a Cookie TLV */   \
    X(COOKIE_SYN_BYTES, "cookie-syn-bytes") /* uMCP: SYN payload bytes of those Cookie TLVs */ \
    X(ERROR_BYTES, "error-bytes")         /* dMCP: payload bytes of the error replies sent */ \
    X(CLIENT_REFUSED, "client-refused")   /* uMCP: Not Authorized taken: client end-to-end */

#define MCP_ENUM_OP(id, name) MCP_OP_##id,
#define MCP_ENUM_DECISION(id, name) MCP_D_##id,
#define MCP_ENUM_REASON(id, name) MCP_R_##id,
#define MCP_ENUM_ANOMALY(id, name) MCP_A_##id,
#define MCP_ENUM_CONVERT(id, name) MCP_C_##id,
enum mcp_op { MCP_OPS(MCP_ENUM_OP) MCP_OP_COUNT };
enum mcp_decision { MCP_DECISIONS(MCP_ENUM_DECISION) MCP_D_COUNT };
enum mcp_reason { MCP_REASONS(MCP_ENUM_REASON) MCP_R_COUNT };
enum mcp_anomaly { MCP_ANOMALIES(MCP_ENUM_ANOMALY) MCP_A_COUNT };
enum mcp_convert_counter { MCP_CONVERT_COUNTERS(MCP_ENUM_CONVERT) MCP_C_COUNT };
#undef MCP_ENUM_OP
#undef MCP_ENUM_DECISION
#undef MCP_ENUM_REASON
#undef MCP_ENUM_ANOMALY
#undef MCP_ENUM_CONVERT

/* Operations one decision performed; reset by the datapath at the start of every packet. */
struct mcp_cost {
    uint32_t ops[MCP_OP_COUNT];
};

static inline void mcp_cost_add(struct mcp_cost *c, enum mcp_op op) { c->ops[op]++; }

struct mcp_stats {
    uint64_t packets;
    uint64_t decisions[MCP_D_COUNT];
    uint64_t reasons[MCP_R_COUNT];
    uint64_t ops[MCP_OP_COUNT];
    uint64_t anomalies[MCP_A_COUNT];
    uint64_t convert[MCP_C_COUNT];
    uint64_t bytes_added;    /* steering/signal bytes put on packets */
    uint64_t bytes_removed;  /* steering/signal bytes taken off packets */
};

const char *mcp_op_name(enum mcp_op op);
const char *mcp_decision_name(enum mcp_decision d);
const char *mcp_reason_name(enum mcp_reason r);
const char *mcp_anomaly_name(enum mcp_anomaly a);
const char *mcp_convert_counter_name(enum mcp_convert_counter c);

/* Adds one decision and its cost to the counters. */
void mcp_stats_record(struct mcp_stats *s, enum mcp_decision d, enum mcp_reason r,
                      const struct mcp_cost *c);

/* Prints every non-zero counter as "  group.name  value" lines. */
void mcp_stats_print(const struct mcp_stats *s, FILE *f);

#endif
