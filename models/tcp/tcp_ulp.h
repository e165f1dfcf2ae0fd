/* tcp_ulp.h - the upper-layer hook of a TCP connection: the role Linux's tcp_ulp_ops plays
 * for MPTCP subflows (with the option hooks Linux calls from tcp_output.c/tcp_input.c:
 * mptcp_syn_options, mptcp_established_options, mptcp_incoming_options), and the listener
 * hook that sees every SYN first (subflow_check_req / the MP_JOIN token match).
 *
 * models/tcp knows nothing about MPTCP: a ULP is an ops table plus an opaque context attached
 * to a connection. TCP calls it
 *   - when it builds any segment it sends (SYN, SYN-ACK, data, pure ACK, FIN, RST), after
 *     writing its own options: the ULP appends options to the header (tcp_opt_append_*) and
 *     must fit in tcp_opt_space_free(h); TCP pads afterwards. Retransmissions call it again
 *     with the same seq/len, so a mapping is re-sent as it was;
 *   - when a segment is accepted on the connection (after RFC 9293 acceptance checks, before
 *     its data is queued), with the decoded header: the ULP reads its options;
 *   - to bound a segment's payload (a DSS mapping must not be split across segments
 *     carelessly: Linux never lets a segment cross an skb's mapping) and to replace the
 *     receive window TCP advertises (MPTCP's window is shared by the connection, RFC 8684
 *     section 3.3.5);
 *   - on subflow events (below), so that the connection level reacts without polling.
 * Data itself flows through the ordinary calls: the ULP is the socket's application
 * (tcp_send/tcp_read on the subflow, its callbacks).
 *
 * Costs: a connection without a ULP pays one NULL test per hook site.
 */
#ifndef MCPSIM_TCP_ULP_H
#define MCPSIM_TCP_ULP_H

#include <stdbool.h>
#include <stdint.h>

#include "models/sock/sock.h"
#include "models/wire/tcp.h"

struct tcp_sock;
struct tcp_listener;

enum tcp_ulp_event {
    TCP_ULP_EV_ESTABLISHED,   /* reached ESTABLISHED (both sides) */
    TCP_ULP_EV_RTO,           /* the retransmission timer expired (stall detection) */
    TCP_ULP_EV_RECOVERY,      /* fast retransmit entered */
    TCP_ULP_EV_ACKED,         /* new data acknowledged (send buffer space freed) */
    TCP_ULP_EV_FIN_RCVD,      /* the peer's FIN arrived in order */
    TCP_ULP_EV_CLOSED,        /* reached CLOSED gracefully or by error (last event) */
};

struct tcp_ulp_ops {
    const char *name;
    /* Appends the ULP's options to h, a segment of this connection with `len` payload bytes
     * at h->seq (h->flags tells SYN/ACK/FIN/RST). Optional. */
    void (*write_options)(struct tcp_sock *s, void *ctx, struct tcp_hdr *h, uint32_t len);
    /* The segment h with seg_len payload bytes was accepted; options are the ULP's to read.
     * Returns false when the ULP wants the segment dropped (its data not queued, no ACK
     * advanced), e.g. an MP_JOIN ACK with a bad HMAC the ULP answers with a reset. Optional. */
    bool (*rcv_options)(struct tcp_sock *s, void *ctx, const struct tcp_hdr *h,
                        uint32_t seg_len);
    /* The most payload a segment starting at seq may carry (0 = no ULP limit). Optional. */
    uint32_t (*seg_limit)(struct tcp_sock *s, void *ctx, uint32_t seq);
    /* The receive window to advertise, in bytes before scaling, or UINT32_MAX for TCP's own.
     * Optional. */
    uint32_t (*rcv_window)(struct tcp_sock *s, void *ctx);
    /* Subflow events. Optional. */
    void (*event)(struct tcp_sock *s, void *ctx, enum tcp_ulp_event ev);
    /* Option bytes the ULP adds to a full data segment (DSS): TCP deducts them from the MSS,
     * as Linux's tcp_current_mss does (1448 B become 1424 B with a 24-byte DSS... padded). */
    uint8_t data_opt_bytes;
};

struct tcp_stack;

/* tcp_connect with a ULP attached before the SYN is built (its options go on the SYN). */
int tcp_connect_ulp(struct tcp_stack *st, const struct sock_addr *src, uint16_t src_port,
                    const struct sock_addr *dst, uint16_t dst_port, const char *cc,
                    const struct tcp_ulp_ops *ulp, void *ulp_ctx,
                    const struct sock_callbacks *cb, void *ctx, struct tcp_sock **out);

/* Attaches a ULP to a connection before it sends anything (an active open passes it to
 * tcp_connect_ulp so the SYN carries its options) or any time later; NULL detaches (a
 * fallback to plain TCP). */
void tcp_sock_set_ulp(struct tcp_sock *s, const struct tcp_ulp_ops *ops, void *ctx);
void *tcp_sock_ulp_ctx(const struct tcp_sock *s);

/* Listener hook: sees every SYN (and every cookie-validated third ACK) before TCP acts. */
enum tcp_syn_verdict {
    TCP_SYN_PLAIN,            /* handle as TCP would without a ULP */
    TCP_SYN_ATTACH,           /* create the child with *ulp / *ulp_ctx attached (its SYN-ACK
                               * gets the ULP's options) */
    TCP_SYN_RESET,            /* answer RST, create nothing */
    TCP_SYN_DROP,             /* drop silently */
};

struct tcp_listen_ulp_ops {
    /* A SYN for the listener; for TCP_SYN_ATTACH fill *ops and *ctx. `cookie` is true when
     * the SYN queue is full and TCP will answer with a SYN cookie without creating a child:
     * then the SYN-ACK's options come from synack_options and the child from cookie_ack. */
    enum tcp_syn_verdict (*syn)(struct tcp_listener *l, void *lctx, const struct tcp_hdr *h,
                                const struct sock_addr *src, const struct sock_addr *dst,
                                bool cookie, const struct tcp_ulp_ops **ops, void **ctx);
    /* Options for a stateless (cookie) SYN-ACK answering syn. Optional. */
    void (*synack_options)(struct tcp_listener *l, void *lctx, const struct tcp_hdr *syn,
                           const struct sock_addr *src, const struct sock_addr *dst,
                           struct tcp_hdr *synack);
    /* A cookie was validated by the third ACK `ack`; the child exists: attach (or not) with
     * tcp_sock_set_ulp, or return false to reset it. Optional (no ULP on cookie children). */
    bool (*cookie_ack)(struct tcp_listener *l, void *lctx, struct tcp_sock *child,
                       const struct tcp_hdr *ack);
    /* The child completed its handshake: return true when the ULP takes it (an MP_JOIN
     * subflow goes to its connection, not to the accept queue). Optional (false). */
    bool (*claim)(struct tcp_listener *l, void *lctx, struct tcp_sock *child);
};

void tcp_listener_set_ulp(struct tcp_listener *l, const struct tcp_listen_ulp_ops *ops,
                          void *ctx);

#endif
