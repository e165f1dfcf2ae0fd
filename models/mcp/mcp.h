/* mcp.h - the MPTCP Conversion Point datapath: classify, decide, rewrite, account.
 *
 * One struct mcp is one proxy's packet processing in one role: the upstream MCP (uMCP, next
 * to the phone: it marks the MPTCP SYNs it wants terminated and steers their subflows to the
 * dMCP) or the downstream MCP (dMCP: it detects and strips the signal, removes the steering,
 * maps rewritten addresses back and terminates the connection in its own stack). Which
 * signalling and which steering design is used are parameters (ops tables, mcp_signal.c and
 * mcp_steer.c); see docs/mcp-datapath.md for every variant and default.
 *
 * mcp_process() is the single packet entry point. It reads the packet, never changes it in
 * place: when the decision rewrites, the new bytes are written to the caller's output buffer;
 * a packet that is passed is forwarded by the caller as it came (byte-identical). Terminated
 * packets are handed to the platform's deliver_local (signal and steering removed), replies
 * (a cookie SYN/ACK) go out through the platform's emit.
 *
 * Not modelled here: the TCP/MPTCP stacks and the relay that splices the two legs of a
 * terminated connection (the node's stack does that), fragment reassembly (fragments pass).
 */
#ifndef MCPSIM_MCP_MCP_H
#define MCPSIM_MCP_MCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "models/mcp/mcp_platform.h"
#include "models/mcp/mcp_stats.h"
#include "models/wire/proposals.h"

enum mcp_role { MCP_ROLE_UMCP = 0, MCP_ROLE_DMCP = 1 };

enum mcp_no_space_policy {
    MCP_NOSPACE_PASS = 0,  /* send the SYN unsignalled: not proxied, counted */
    MCP_NOSPACE_DROP_TS,   /* drop the timestamp option to make room (RFC 7323 is optional) */
    MCP_NOSPACE_DROP,      /* drop the SYN */
};

enum mcp_cache_place { MCP_CACHE_NONE = 0, MCP_CACHE_PROXY, MCP_CACHE_PHONE };
enum mcp_carry { MCP_CARRY_CONVERT = 0, MCP_CARRY_MPCONVERT };
enum mcp_addr_mode { MCP_ADDR_PRESERVE = 0, MCP_ADDR_SHARE };

#define MCP_NAME_MAX 24
#define MCP_ALLOW_MAX 8

/* An address prefix (convert_allow). */
struct mcp_prefix {
    uint8_t family;   /* 4 or 6 */
    uint8_t len;      /* prefix length in bits */
    uint8_t addr[16];
};

struct mcp_config {
    enum mcp_role role;
    char signal[MCP_NAME_MAX]; /* none | prefer-proxy | flag | intercepted | hello */
    char steer[MCP_NAME_MAX];  /* ssr | srcroute | rewrite | tunnel */
    /* signalling: formats of the proposals (subtypes, flag bit, IE type) are all [U] */
    struct proposal_params prop;
    enum mcp_no_space_policy no_space;
    bool convert_plain;        /* uMCP terminates plain-TCP SYNs to convert them to MPTCP */
    /* steering */
    uint8_t dmcp4[4], dmcp6[16];   /* the dMCP's addresses */
    uint8_t umcp4[4], umcp6[16];   /* the uMCP's addresses (tunnel source) */
    bool srh_reduced;          /* srcroute, IPv6: reduced SRH (RFC 8754 4.1.1), 24 B not 40 */
    enum mcp_carry carry;
    enum mcp_addr_mode addr_mode;
    uint8_t pool4[4], pool6[16];   /* address-sharing pool address */
    uint16_t pool_port_min, pool_port_max;
    /* state */
    uint32_t flow_capacity, halfopen_max;
    mcp_ns_t timeout_syn_ns, timeout_est_ns, timeout_closing_ns;
    enum mcp_cache_place cache;
    uint32_t cache_entries, cache_ways;
    mcp_ns_t cache_ttl_ns;
    bool cookies;
    mcp_ns_t cookie_period_ns;
    uint32_t pending_per_client;
    uint32_t error_rate_per_s, error_burst, backoff_s;
    bool network_side_requests;
    /* RFC 8803 explicit mode (carry=convert with rewrite): the dMCP requires a Cookie TLV
     * from a client it has no state for and answers Missing Cookie (with one) without it; the
     * uMCP keeps the cookies per client and honours Not Authorized. Off by default. */
    bool convert_cookie;
    mcp_ns_t convert_cookie_ttl_ns;  /* cookie time counter period (valid 1..2 periods) */
    /* dMCP: clients allowed to convert (others get Not Authorized); none = everyone */
    struct mcp_prefix convert_allow[MCP_ALLOW_MAX];
    uint32_t convert_allow_n;
    mcp_ns_t convert_refuse_ns;      /* uMCP: a refused client goes end-to-end this long */
    uint32_t mtu;              /* packets grown past this are counted (not fragmented) */
    uint64_t secret_seed;      /* derives every hash key and the cookie secret */
};

/* Fills the defaults (documented in docs/mcp-datapath.md). */
void mcp_config_defaults(struct mcp_config *c);

/* The outcome of one packet. */
struct mcp_verdict {
    enum mcp_decision decision;
    enum mcp_reason reason;
    struct mcp_cost cost;
    int32_t bytes_delta;       /* output length minus input length (REWRITE) */
};

struct mcp;

int mcp_create(const struct mcp_config *cfg, const struct mcp_platform *plat, struct mcp **out,
               char *err, size_t errlen);
void mcp_destroy(struct mcp *m);

/* Processes one IP packet that arrived from side `from` on interface ifindex. On
 * MCP_D_REWRITE the new packet is in out (*outlen bytes, outcap >= len + 128 always
 * suffices); on PASS the caller forwards `pkt` unchanged; DROP, TERMINATE and REPLY leave
 * nothing to forward. Returns 0, or <0 only for a caller error (outcap too small). */
int mcp_process(struct mcp *m, const uint8_t *pkt, size_t len, enum mcp_side from,
                uint32_t ifindex, uint8_t *out, size_t outcap, size_t *outlen,
                struct mcp_verdict *v);

/* Expires idle state; the platform timer calls it, callers may too. */
void mcp_expire(struct mcp *m, mcp_ns_t now);

const struct mcp_stats *mcp_stats(const struct mcp *m);
uint32_t mcp_flows(const struct mcp *m);
/* Bytes of per-flow state in use (flow entries) and allocated in total (tables, cache,
 * counters). */
size_t mcp_state_bytes(const struct mcp *m);
size_t mcp_alloc_bytes(const struct mcp *m);
size_t mcp_flow_entry_size(const struct mcp *m);

/* Design figures for the H1/H3/H6 table: option bytes the signal adds to a SYN, bytes the
 * steering adds to every packet (after the SYN) and to the SYN, for an address family. */
struct mcp_design_cost {
    uint32_t syn_option_bytes;
    uint32_t per_packet_bytes;
    uint32_t syn_extra_bytes;
};
void mcp_design_cost(const struct mcp *m, uint8_t family, struct mcp_design_cost *c);

/* Routes the network must hold for this design (source-specific routing): writes one line
 * per route into buf ("from PREFIX to any via DMCP"), returns the count. */
int mcp_routes_needed(const struct mcp *m, char *buf, size_t len);

/* Names of the variants, NULL-terminated (for --help and the demo table). */
extern const char *const mcp_signal_names[];
extern const char *const mcp_steer_names[];

#endif
