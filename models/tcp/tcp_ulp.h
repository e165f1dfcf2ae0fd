/* tcp_ulp.h - the upper-layer hook of a TCP connection: the role Linux's tcp_ulp_ops plays
 * for MPTCP subflows (with the option hooks Linux calls from tcp_output.c/tcp_input.c:
 * mptcp_syn_options, mptcp_established_options, mptcp_incoming_options), and the listener
 * hook that sees every SYN first (subflow_check_req / the MP_JOIN token match).
 *
 * models/tcp knows nothing about MPTCP: a ULP is an ops table plus an opaque context attached
 * to a connection. TCP calls it
 *   - when it builds any segment of the connection (SYN, SYN-ACK and their retransmissions,
 *     data, pure ACK, window probe, FIN, the RST of tcp_abort), after writing its own
 *     options: the ULP appends options to the header (tcp_opt_append_*) and must fit in
 *     tcp_opt_space_free(h); TCP pads afterwards. The ULP's options take precedence over
 *     SACK blocks, which get the space left and are moved before the ULP's bytes on the wire
 *     (Linux's tcp_established_options / tcp_options_write). Retransmissions call it again
 *     with the same seq/len, so a mapping is re-sent as it was. Stateless segments (a reset
 *     answering a segment of no connection, the RST answering a bad ACK in SYN-RECEIVED) are
 *     not the connection's and carry no ULP option; a cookie SYN-ACK has the listener's
 *     synack_options;
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
 * A hook may call any tcp_socket.h function on its own socket, tcp_abort and tcp_close
 * included (TCP defers the free and uses nothing of the socket afterwards). Hooks must not
 * assume how often write_options, seg_limit or rcv_window are asked: they describe state,
 * they do not change it.
 *
 * Costs: a connection without a ULP pays one NULL test per hook site; an attached ULP costs
 * two pointers in the control block.
 */
#ifndef MCPSIM_TCP_ULP_H
#define MCPSIM_TCP_ULP_H

#include <stdbool.h>
#include <stdint.h>

#include "models/sock/sock.h"
#include "models/wire/tcp.h"

struct tcp_sock;
struct tcp_listener;

/* Events, in the order a connection can raise them: ESTABLISHED once, then any number of
 * RTO, RECOVERY, ACKED and DUPACK, FIN_RCVD at most once, CLOSED exactly once and last. Each is
 * raised after TCP has acted on it (the retransmission sent, the state updated). */
enum tcp_ulp_event {
    /* Reached ESTABLISHED (both sides), before the application's connected callback and,
     * for a listener's child, before claim and the accept queue. */
    TCP_ULP_EV_ESTABLISHED,
    /* The retransmission timer expired and TCP retransmitted (SYN, SYN-ACK or data); not
     * raised when the expiry exhausts the retries (CLOSED follows instead), nor for window
     * probes. One per sock_stats.rto_count. */
    TCP_ULP_EV_RTO,
    /* Fast retransmit entered (3 duplicates, or RFC 6675 IsLost): one per
     * sock_stats.fast_retrans, after the fast retransmission. */
    TCP_ULP_EV_RECOVERY,
    /* An ACK advanced SND.UNA over data (send-buffer space freed; not for the SYN or the FIN
     * alone), after the application's writable callback. */
    TCP_ULP_EV_ACKED,
    /* A duplicate ACK (RFC 5681 section 2; with SACK, RFC 6675's) was taken, after TCP
     * acted on it: in recovery it may have opened the sending limit (NewReno's inflation of
     * cwnd by one MSS, or a SACKed segment leaving the pipe) without freeing any send-buffer
     * space. A ULP that keeps TCP's send buffer short (MPTCP hands a subflow about a cwnd)
     * queues more data here, or the connection sends nothing new during recovery and leaves
     * it with an empty pipe. One per sock_stats.dupacks_in. */
    TCP_ULP_EV_DUPACK,
    /* The peer's FIN was taken in order: RCV.NXT covers it and tcp_sock_eof() is true; the
     * state change it causes (CLOSE-WAIT, CLOSING, TIME-WAIT) follows the event. */
    TCP_ULP_EV_FIN_RCVD,
    /* The connection is over for the ULP: it reached CLOSED (reset, timeout, refused, the
     * last ACK of LAST-ACK, the end of TIME-WAIT), or its control block is being destroyed
     * (tcp_abort and tcp_close by the application, the ULP itself included: the event is
     * raised inside that call, after the RST was sent; an orphan entering the compact
     * TIME-WAIT record; a listener closing its queued children; a refused cookie child).
     * The ULP is detached before the event (tcp_sock_ulp_ctx() is NULL; ctx is passed), so
     * no hook is called again. For a connection the application still holds, CLOSED comes
     * before its error or closed callback. tcp_stack_free raises nothing. */
    TCP_ULP_EV_CLOSED,
};

struct tcp_ulp_ops {
    const char *name;
    /* Appends the ULP's options to h, a segment of this connection with `len` payload bytes
     * at h->seq (h->flags tells SYN/ACK/FIN/RST). Optional. */
    void (*write_options)(struct tcp_sock *s, void *ctx, struct tcp_hdr *h, uint32_t len);
    /* The segment h with seg_len payload bytes was accepted; options are the ULP's to read.
     * Called
     *   - in SYN-SENT for a SYN-ACK with an acceptable ACK (or a simultaneous-open SYN),
     *     before TCP applies its options; false: the segment is dropped, the state stays
     *     SYN-SENT, nothing is sent (the SYN timer keeps running);
     *   - in every synchronized state (SYN-RECEIVED to TIME-WAIT) for a segment that passed
     *     PAWS, the sequence check and the RST and SYN rules and carries ACK, before
     *     TS.Recent, ACK processing, the SYN-RECEIVED -> ESTABLISHED transition, data and FIN.
     *     false: nothing of the segment is used: TS.Recent, SND.UNA, the send window, RTT and
     *     congestion state, the state, the receive queue and RCV.NXT stay as they were, no
     *     event is raised and no ACK is sent in reply (the ULP answers, e.g. tcp_abort);
     *   - for a segment at RCV.NXT outside a zero receive window, whose ACK TCP processes
     *     (RFC 9293 3.10.7.4 allowance): false skips the ACK processing; TCP's reply to the
     *     unacceptable segment is still sent;
     *   - for an RST TCP acts on (SEG.SEQ = RCV.NXT), seg_len 0, before the reset: the return
     *     value is ignored (Linux: "mptcp can't tell us to ignore reset pkts").
     * Not called for the SYN of a passive open (the listener's syn hook sees it), nor for
     * segments TCP discards before those points. A cookie child's third ACK is seen by
     * cookie_ack, then by rcv_options after ESTABLISHED (Linux, too, shows it twice).
     * Optional (true). */
    bool (*rcv_options)(struct tcp_sock *s, void *ctx, const struct tcp_hdr *h,
                        uint32_t seg_len);
    /* The most payload a segment starting at seq may carry (0 = no ULP limit). Every data
     * segment TCP builds, first transmission or retransmission (RTO go-back-N, NewReno,
     * RFC 6675 holes, limited transmit, window probes), is cut to it, so no segment crosses
     * a boundary the ULP reports; a retransmitted hole is split where needed. A segment cut
     * short by the ULP counts as full for Nagle and sender SWS avoidance. Optional. */
    uint32_t (*seg_limit)(struct tcp_sock *s, void *ctx, uint32_t seq);
    /* The receive window to offer, in bytes (TCP scales it), or UINT32_MAX for TCP's own: it
     * replaces the free receive-buffer space in TCP's window computation, and the rest
     * applies to it unchanged: capped at what the scaled field can say (65535 << rcv_wscale,
     * 65535 in a SYN, RFC 7323 section 2.2), receiver SWS avoidance (RFC 9293 3.8.6.2.2),
     * rounding to the scale and never moving the right edge already advertised to the left
     * (RFC 7323 section 2.4, RFC 9293 3.8.6). Optional. */
    uint32_t (*rcv_window)(struct tcp_sock *s, void *ctx);
    /* Subflow events (enum tcp_ulp_event). Optional. */
    void (*event)(struct tcp_sock *s, void *ctx, enum tcp_ulp_event ev);
    /* Option bytes the ULP adds to a full data segment (DSS). TCP rounds them up to a
     * multiple of 4 and deducts them from the MSS it sends and expects (the peer is assumed
     * to run the same ULP), as Linux's tcp_current_mss does with mptcp_established_options:
     * sock_info.mss, cwnd units and full-segment tests all use the reduced MSS.
     * Linux 6.x sizes the DSS of a data segment as base 4 + data ACK (4, or 8 once 64-bit
     * ACKs are in use) + 64-bit mapping 14 (+ 2 with checksums): 22 -> 24 B, so 1448 B with
     * timestamps become 1424 B (the captures in shared/testdata); 26 -> 28 B gives 1420 B.
     * To change it on a live connection, attach another ops table (tcp_sock_set_ulp). */
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
 * fallback to plain TCP; no event is raised). The MSS moves by the change in
 * data_opt_bytes; cwnd, in bytes, does not. */
void tcp_sock_set_ulp(struct tcp_sock *s, const struct tcp_ulp_ops *ops, void *ctx);
void *tcp_sock_ulp_ctx(const struct tcp_sock *s);
/* The real payload bytes of the segment being processed, valid inside rcv_options: the
 * first *n stored bytes of its payload (at most TCP_RX_PAYLOAD_MAX; 0 for the usual virtual
 * payload, whose bytes are zeros). A middlebox that corrupts payload makes bytes real
 * (models/net/mangle.h), and an MPTCP DSS checksum must see them. */
#define TCP_RX_PAYLOAD_MAX 16
const uint8_t *tcp_sock_rx_payload(const struct tcp_sock *s, size_t *n);

/* Sends a pure ACK now (write_options called): a DATA_ACK, a window update, an ADD_ADDR.
 * SOCK_ERR_STATE before ESTABLISHED. */
int tcp_sock_send_ack(struct tcp_sock *s);

/* Listener hook: sees every SYN TCP would answer (after the queue checks: a SYN dropped for
 * a full accept queue, or a full SYN queue without cookies, is not shown) and every
 * cookie-validated third ACK, before TCP acts on them. */
enum tcp_syn_verdict {
    TCP_SYN_PLAIN,            /* handle as TCP would without a ULP */
    TCP_SYN_ATTACH,           /* create the child with *ulp / *ulp_ctx attached (its SYN-ACK
                               * gets the ULP's options); with cookie: synack_options is
                               * asked for the stateless SYN-ACK */
    TCP_SYN_RESET,            /* answer RST (RST+ACK acknowledging the SYN), create nothing */
    TCP_SYN_DROP,             /* drop silently */
};

struct tcp_listen_ulp_ops {
    /* A SYN for the listener; for TCP_SYN_ATTACH fill *ops and *ctx. `cookie` is true when
     * the SYN queue is full and TCP will answer with a SYN cookie without creating a child:
     * then the SYN-ACK's options come from synack_options and the child from cookie_ack.
     * Optional (PLAIN). */
    enum tcp_syn_verdict (*syn)(struct tcp_listener *l, void *lctx, const struct tcp_hdr *h,
                                const struct sock_addr *src, const struct sock_addr *dst,
                                bool cookie, const struct tcp_ulp_ops **ops, void **ctx);
    /* Options for a stateless (cookie) SYN-ACK answering syn, after TCP's (MSS, SACK-perm,
     * timestamps, window scale); called only after an ATTACH verdict. Optional. */
    void (*synack_options)(struct tcp_listener *l, void *lctx, const struct tcp_hdr *syn,
                           const struct sock_addr *src, const struct sock_addr *dst,
                           struct tcp_hdr *synack);
    /* A cookie was validated by the third ACK `ack` (whatever the SYN's verdict was: the
     * cookie keeps no state); the child exists (addresses, ports, sequence numbers; not yet
     * its options, not yet hashed): attach (or not) with tcp_sock_set_ulp and return true,
     * or return false to refuse: the child sends an RST (with the options of a ULP attached
     * here, which then gets CLOSED) and is freed. On true the child's MSS is computed with
     * the ULP's deduction, it becomes ESTABLISHED (event, claim) and then processes the ACK
     * (rcv_options). Optional (no ULP on cookie children). */
    bool (*cookie_ack)(struct tcp_listener *l, void *lctx, struct tcp_sock *child,
                       const struct tcp_hdr *ack);
    /* The child completed its handshake (after its ESTABLISHED event): return true when the
     * ULP takes it (an MP_JOIN subflow goes to its connection, not to the accept queue). A
     * claimed child leaves the listener: it is not on the accept queue, the acceptable
     * callback is not called, it does not count in sock_listener_stats.accepted, and closing
     * the listener does not touch it. It has no callbacks: set them here with
     * tcp_sock_set_ctx (data that came with the third ACK is then reported to them); TCP
     * calls no connected callback for it. A full accept queue still holds back the third
     * ACK before claim is asked, as in Linux. Optional (false). */
    bool (*claim)(struct tcp_listener *l, void *lctx, struct tcp_sock *child);
};

void tcp_listener_set_ulp(struct tcp_listener *l, const struct tcp_listen_ulp_ops *ops,
                          void *ctx);

#endif
