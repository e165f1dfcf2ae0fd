/* mcp_platform.h - the small interface the MCP datapath needs from whatever hosts it.
 *
 * The datapath (models/mcp/) is real proxy code: it never includes simulator headers
 * (DESIGN.md section 3). Everything it needs from its host goes through this struct of
 * function pointers plus an opaque context, in the style of SQLite's sqlite3_io_methods:
 * a clock, one-shot timers, a way to emit a packet on an interface, a way to hand a
 * connection to the node's own TCP/MPTCP stack (what TPROXY + an MPTCP socket do on Linux),
 * and a memory-accounting hook. The simulator implements it for proxy nodes; `mcpsim replay`
 * implements it over pcap files (cmd/replay_mcp.c).
 *
 * Time is int64 nanoseconds: the simulator's picoseconds are finer than any proxy timer
 * needs, and nanoseconds cover 292 years. The datapath only compares and adds times.
 *
 * Not modelled here: locking (one datapath instance per core, as with RSS on a real box) and
 * packet buffers (the datapath works in place on the caller's bytes, with headroom).
 */
#ifndef MCPSIM_MCP_PLATFORM_H
#define MCPSIM_MCP_PLATFORM_H

#include <stddef.h>
#include <stdint.h>

typedef int64_t mcp_ns_t; /* nanoseconds since an arbitrary origin */

#define MCP_NS_PER_S 1000000000LL
#define MCP_NS_PER_MS 1000000LL

/* Which side of the proxy a packet arrives from or leaves on. The customer side faces the
 * phones (RFC 8803 section 9: only it may open proxied connections); the network side faces
 * the Internet / the other MCP. */
enum mcp_side {
    MCP_SIDE_CUSTOMER = 0,
    MCP_SIDE_NETWORK = 1,
};

typedef void (*mcp_timer_fn)(void *arg, mcp_ns_t now_ns);

/* What the datapath hands to the local stack when it terminates a connection: the packet
 * (signal and steering already removed, so the stack sees what the client meant to send),
 * the side it came from and the original destination when steering hid it. */
struct mcp_handoff {
    const uint8_t *pkt;
    size_t len;
    enum mcp_side from;
    uint8_t family;         /* 4 or 6 */
    uint8_t orig_dst[16];   /* original destination address (first 4 bytes for IPv4) */
    uint16_t orig_dport;
};

struct mcp_platform {
    void *ctx;
    /* Current time. Must be monotonic. */
    mcp_ns_t (*now_ns)(void *ctx);
    /* One-shot timer: fn(arg) at at_ns. Re-arming the same (fn, arg) moves it. 0 or <0. */
    int (*timer_arm)(void *ctx, mcp_ns_t at_ns, mcp_timer_fn fn, void *arg);
    void (*timer_cancel)(void *ctx, mcp_timer_fn fn, void *arg);
    /* Sends packet bytes (starting at the IP header) out on a side. 0 or <0. */
    int (*emit)(void *ctx, const uint8_t *pkt, size_t len, enum mcp_side out, uint32_t ifindex);
    /* Hands a connection (its SYN) to the local stack for termination. 0 or <0. */
    int (*deliver_local)(void *ctx, const struct mcp_handoff *h);
    /* Called whenever the datapath's state memory changes; total_bytes is the new total.
     * May be NULL. */
    void (*mem_changed)(void *ctx, int64_t delta_bytes, uint64_t total_bytes);
};

#endif
