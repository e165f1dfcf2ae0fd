/* mcp_internal.h - what the datapath's own files share: the instance, the decoded packet,
 * the signalling and steering ops tables. Not for callers outside models/mcp/.
 */
#ifndef MCPSIM_MCP_INTERNAL_H
#define MCPSIM_MCP_INTERNAL_H

#include "models/mcp/mcp.h"
#include "models/mcp/mcp_capcache.h"
#include "models/mcp/mcp_convclient.h"
#include "models/mcp/mcp_cookie.h"
#include "models/mcp/mcp_flow.h"
#include "models/mcp/mcp_limits.h"
#include "models/wire/mptcp.h"
#include "models/wire/packet.h"

/* What the datapath decided for a flow (struct mcp_flow.kind). */
enum mcp_flow_kind {
    MCP_FK_TRACKED = 0,  /* watched (learning, hello), nothing changed */
    MCP_FK_STEERED,      /* uMCP: signal inserted, steering applied to client->server */
    MCP_FK_TERMINATED,   /* dMCP: handed to the local stack */
    MCP_FK_ALIAS,        /* the other leg of a rewritten flow; peer = the main entry */
};

/* struct mcp_flow.flags */
#define MCP_FF_PENDING 0x01   /* holds a per-client pending slot */
#define MCP_FF_HELLO 0x02     /* dMCP: announce HI_I_AM_A_PROXY on the SYN/ACK */
#define MCP_FF_MPTCP 0x04     /* MP_CAPABLE seen on the SYN */

/* One packet being processed: decoded once, edited in the wire structs, encoded once. */
struct mcp_pkt {
    struct wire_pkt w;
    const uint8_t *in;
    size_t inlen;
    struct mcp_tuple k;       /* 5-tuple with the final destination, as edited */
    struct mcp_tuple k_in;    /* the same as the packet arrived */
    uint16_t tflags;
    enum mcp_side from;
    uint32_t ifindex;
    /* IP-in-IP: outer header taken off (dMCP) or to put on at encode (uMCP) */
    uint8_t outer_len;        /* bytes of the outer header removed */
    uint8_t tunnel_family;    /* 4 or 6: encapsulate on encode; 0 = no */
    /* dst rewrite: what the carrier said (dMCP) or carried (uMCP) */
    uint8_t orig_addr[16];
    uint16_t orig_port;
    uint8_t carrier_len;
    uint16_t pool_port;
    /* Cookie TLV of the Convert message (dMCP: read from the SYN; uMCP: from an error) */
    bool has_cookie;
    uint8_t cookie_len;
    uint8_t cookie[MCP_CONVCLIENT_COOKIE_MAX];
    /* MPTCP options of the segment (first of each interesting subtype) */
    int mpc_off, join_off;    /* offset in w.tcp.opt, or -1 */
    struct mptcp_opt mpc, join;
    /* edits */
    bool changed;
    int32_t delta;            /* bytes added (negative: removed) */
    uint8_t payload[1024];    /* rebuilt SYN payload when a carrier is added/removed */
};

struct mcp;

struct mcp_signal_ops {
    const char *name;
    /* uMCP: mark an MP_CAPABLE SYN for termination. 0, or WIRE_E_OPT_SPACE when the signal
     * does not fit (the packet is then unchanged). */
    int (*mark_syn)(struct mcp *m, struct mcp_pkt *p);
    /* dMCP: 1 if the SYN carries the signal (and strip it), 0 if not. */
    int (*take_syn)(struct mcp *m, struct mcp_pkt *p);
    /* HI_I_AM_A_PROXY (hello) only, else NULL: the dMCP announces itself on the SYN/ACK of
     * an unsignalled MPTCP connection (0 or WIRE_E_OPT_SPACE); the uMCP takes the
     * announcement off (1 if it was there). */
    int (*announce_synack)(struct mcp *m, struct mcp_pkt *p);
    int (*take_synack)(struct mcp *m, struct mcp_pkt *p);
    /* The MPTCP option the signal adds to a SYN (enum proposal_kind), or -1 for none. */
    int option;
    /* Whether the uMCP puts anything on the SYN at all (false only for "none"). */
    bool marks;
};

/* apply() of a method that adds bytes, on a packet too long to grow (room_for in
 * mcp_steer.c): the packet passes unsteered and is counted as the `too-big` anomaly. */
#define MCP_E_TOO_BIG (-1000)

struct mcp_steer_ops {
    const char *name;
    /* uMCP, client->server packets of a steered flow. The SYN is the first call. Returns
     * 1 when applied, 0 when nothing was needed, or a negative error: a WIRE_E_* code, or
     * MCP_E_TOO_BIG. */
    int (*apply)(struct mcp *m, struct mcp_pkt *p, struct mcp_flow *f);
    /* dMCP, client->server: take the steering off; fills the original destination. For a
     * SYN, f is NULL (not yet created) and the steering must be recognised from the packet. */
    int (*remove)(struct mcp *m, struct mcp_pkt *p, struct mcp_flow *f);
    /* Server->client packets: at the dMCP put the return leg in its middle form, at the
     * uMCP take it back; NULL when the return path needs nothing. */
    int (*ret_apply)(struct mcp *m, struct mcp_pkt *p, struct mcp_flow *f);
    int (*ret_remove)(struct mcp *m, struct mcp_pkt *p, struct mcp_flow *f);
    /* dMCP: if the packet is this design's encapsulation addressed to us, the offset of the
     * inner packet, else 0. NULL for designs without an outer header. */
    size_t (*outer)(const struct mcp *m, const uint8_t *pkt, size_t len);
    /* Per-packet and SYN-only bytes for a family. */
    uint32_t (*per_packet)(const struct mcp *m, uint8_t family);
    uint32_t (*syn_extra)(const struct mcp *m, uint8_t family);
    bool rewrites_dst;  /* the server leg may use the address-sharing pool */
    bool needs_routes;  /* source-specific routes in the network instead of bytes */
};

/* Counts a failed apply(): the `too-big` anomaly for MCP_E_TOO_BIG, `option-overflow` for
 * the rest (no room in the option space or for the carrier). */
void mcp_steer_failed(struct mcp *m, int err);

struct mcp {
    struct mcp_config cfg;
    struct mcp_platform plat;
    const struct mcp_signal_ops *sig;
    const struct mcp_steer_ops *steer;
    struct mcp_flow_table *flows;
    struct mcp_capcache *cache;
    struct mcp_cookie_jar *cookies;
    struct mcp_convclient *convclient; /* uMCP with convert_cookie: per-client cookies */
    struct mcp_limits *limits;
    struct mcp_stats st;
    struct mcp_cost *cost;    /* of the packet being processed */
    mcp_ns_t now;             /* time of the packet being processed */
    uint16_t pool_next;       /* next pool port to try */
    size_t last_state_bytes;
    struct mcp_pkt pkt;       /* scratch, reused: no allocation per packet */
    struct wire_pkt reply;    /* cookie SYN/ACK being built */
    struct wire_pkt saved;    /* a SYN before its edits, to undo them when one fails */
    uint8_t reply_buf[256];
};

const struct mcp_signal_ops *mcp_signal_find(const char *name);
const struct mcp_steer_ops *mcp_steer_find(const char *name);

/* ---- the decision logic (mcp_classify.c) and its flow helpers (mcp_dp.c) ---- */

void mcp_dp_syn(struct mcp *m, struct mcp_pkt *p, struct mcp_verdict *v);
void mcp_dp_synack(struct mcp *m, struct mcp_pkt *p, struct mcp_verdict *v);
void mcp_dp_segment(struct mcp *m, struct mcp_pkt *p, struct mcp_verdict *v);

struct mcp_flow *mcp_dp_flow_of(struct mcp *m, const struct mcp_tuple *k, mcp_ns_t now,
                                bool *alias, uint32_t *idx);
void mcp_dp_flow_seen(struct mcp *m, uint32_t idx, const struct mcp_pkt *p, mcp_ns_t now);
void mcp_dp_release_pending(struct mcp *m, struct mcp_flow *f);
struct mcp_flow *mcp_dp_flow_new(struct mcp *m, const struct mcp_tuple *k, bool pending,
                                 uint32_t *idx, enum mcp_reason *why);
void mcp_dp_learn_token(struct mcp *m, const struct mcp_pkt *p, uint32_t conn);
void mcp_dp_flow_config(struct mcp *m, struct mcp_flow_config *fc);
void mcp_dp_arm_sweep(struct mcp *m);
/* SYN cookies (mcp_synproxy.c): answer a signalled SYN statelessly; validate the ACK. */
void mcp_dp_cookie_reply(struct mcp *m, struct mcp_pkt *p, struct mcp_verdict *v);
bool mcp_dp_cookie_ack(struct mcp *m, struct mcp_pkt *p, struct mcp_verdict *v);
/* RFC 8803 error answer to a Convert SYN the dMCP refuses (REPLY, or DROP when the error
 * rate limit says no); and the error a SYN/ACK's payload carries (1 with code and value). */
void mcp_dp_convert_error(struct mcp *m, struct mcp_pkt *p, struct mcp_verdict *v,
                          uint8_t code);
/* The same with a Cookie TLV next to the Error TLV (cookie_len 0: none); returns the Convert
 * payload bytes sent, 0 when the rate limit suppressed the reply. */
size_t mcp_dp_convert_reply(struct mcp *m, struct mcp_pkt *p, struct mcp_verdict *v,
                            uint8_t code, const uint8_t *cookie, size_t cookie_len);
/* Fills p->has_cookie/cookie too when the reply carries a Cookie TLV. */
int mcp_dp_convert_error_of(struct mcp_pkt *p, uint8_t *code, uint32_t *value);
/* RFC 8803 cookie and authorization exchange (mcp_convauth.c). dMCP: false when the Convert
 * SYN p is refused (Not Authorized, Missing Cookie: verdict set, nothing kept). uMCP: the
 * reason for a Convert error taken on a SYN/ACK (cookie stored, client refused), `other`
 * when the error is neither. */
bool mcp_dp_convert_admit(struct mcp *m, struct mcp_pkt *p, struct mcp_verdict *v);
enum mcp_reason mcp_dp_convert_taken(struct mcp *m, struct mcp_pkt *p, uint8_t code,
                                     enum mcp_reason other);
void mcp_dp_cancel_sweep(struct mcp *m);

/* Address sharing: a free pool port for the server leg of p (original destination known);
 * 0 or -ENOSPC when the pool is exhausted (mcp_dp.c). */
int mcp_pool_port(struct mcp *m, const struct mcp_pkt *p, uint16_t *port);

/* ---- packet editing helpers (mcp_pkt.c) ---- */

/* Decodes and extracts tuple, flags and the MPTCP options of interest. 0, or -1 with the
 * reason in *why (BAD_IP, NOT_TCP, BAD_TCP, BAD_OPTIONS). */
int mcp_pkt_decode(struct mcp *m, struct mcp_pkt *p, const uint8_t *in, size_t len,
                   enum mcp_reason *why);
/* Appends option bytes to the TCP header, fixing lengths and the TCP checksum
 * incrementally. WIRE_E_OPT_SPACE if it does not fit (unchanged). */
int mcp_pkt_opt_append(struct mcp *m, struct mcp_pkt *p, const uint8_t *opt, size_t len);
/* The same, inserted in front of the option at offset at (-1: at the end). */
int mcp_pkt_opt_insert(struct mcp *m, struct mcp_pkt *p, int at, const uint8_t *opt,
                       size_t len);
/* Deletes the option at offset off of w.tcp.opt (its whole length), same fixes. */
int mcp_pkt_opt_delete(struct mcp *m, struct mcp_pkt *p, uint8_t off);
/* Overwrites len bytes of the TCP header at offset hoff (from the start of the TCP header,
 * even, within the header) with new bytes, fixing the checksum incrementally. */
void mcp_pkt_tcp_patch(struct mcp *m, struct mcp_pkt *p, size_t opt_off, const uint8_t *bytes,
                       size_t len);
/* Rewrites the source or destination address (and port when port != 0), fixing IP and TCP
 * checksums incrementally (the pseudo-header covers addresses). */
void mcp_pkt_set_addr(struct mcp *m, struct mcp_pkt *p, bool dst, const uint8_t *addr,
                      uint16_t port);
/* Adds delta to the sequence number (client->server) or the ack number and SACK edges
 * (server->client), checksum fixed incrementally. */
void mcp_pkt_shift_seq(struct mcp *m, struct mcp_pkt *p, int32_t delta);
void mcp_pkt_shift_ack(struct mcp *m, struct mcp_pkt *p, int32_t delta);
/* Replaces the captured TCP payload (SYN carrier insert/removal): length fields and
 * checksum fixed. */
int mcp_pkt_set_payload(struct mcp *m, struct mcp_pkt *p, const uint8_t *data, size_t len);
/* IP header length change (options/extension headers): total/payload length fields. */
void mcp_pkt_ip_grew(struct mcp *m, struct mcp_pkt *p, int32_t delta);
/* Encodes the edited packet into out. */
int mcp_pkt_encode(struct mcp *m, struct mcp_pkt *p, uint8_t *out, size_t cap, size_t *len);

#endif
