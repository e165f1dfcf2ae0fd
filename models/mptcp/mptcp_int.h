/* mptcp_int.h - what the files of models/mptcp share: the connection (the MPTCP socket, Linux
 * struct mptcp_sock), its subflows (struct mptcp_subflow_context), the stack, and the ops
 * tables of schedulers and path managers. Not for use outside models/mptcp.
 *
 * How data maps onto subflows (RFC 8684 section 3.3): the application's bytes get data
 * sequence numbers (DSN, 64 bits, from our IDSN + 1). The scheduler hands a run of DSNs to a
 * subflow as one mapping (DSN, relative subflow sequence number, length <= mapping_max) and
 * queues that many bytes on the subflow with tcp_send; every segment of the run carries the
 * whole mapping in its DSS (as Linux repeats an skb's mapping on each of its segments), and
 * seg_limit keeps a segment from crossing a mapping boundary. The receiver records mappings
 * per subflow as they arrive (in any subflow order) and, when the subflow has bytes in order,
 * reads them at once and translates them into DSN ranges: in order at the data level they
 * become readable, ahead of it they wait in a small sorted range list (payload is virtual:
 * only ranges are kept). Data ACK = the next DSN expected; it rides on every segment.
 *
 * Memory: mapping arrays per subflow, one each way, that start at MPTCP_MAPS entries and double
 * when full (up to MPTCP_MAPS_MAX: a subflow holds one mapping per segment it has in flight
 * when it is fed an MSS per ACK, so they follow the largest window, as the out-of-order range
 * array does); both grow during warm-up only, no allocation per packet.
 */
#ifndef MCPSIM_MPTCP_MPTCP_INT_H
#define MCPSIM_MPTCP_MPTCP_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "models/mptcp/mptcp.h"
#include "models/mptcp/mptcp_cc.h"
#include "models/tcp/tcp_socket.h"
#include "models/tcp/tcp_ulp.h"
#include "models/wire/mptcp.h"
#include "models/wire/mptcp_crypto.h"
#include "sim/sched.h"

#define MPTCP_SUBFLOWS_MAX 8       /* Linux MPTCP_PM_MAX_SUBFLOWS-ish bound, incl. the first */
#define MPTCP_ENDPOINTS_MAX 8      /* Linux MPTCP_PM_ADDR_MAX */
#define MPTCP_REMOTE_MAX 8         /* peer addresses learnt (ADD_ADDR) */
#define MPTCP_MAPS 8               /* mapping array entries per subflow and direction, at first */
#define MPTCP_MAPS_MAX 8192        /* ... and at most: 11 MiB of 1436-byte segments in flight */
#define MPTCP_TOKEN_RETRIES 4      /* Linux MPTCP_TOKEN_MAX_RETRIES */
#define MPTCP_ADD_ADDR_RETRANS 3   /* Linux ADD_ADDR_RETRANS_MAX */
#define MPTCP_RXBYTES 4            /* real (corrupted) payload bytes logged per subflow */

/* MP_TCPRST reasons (RFC 8684 section 3.6). */
enum {
    MPTCP_RST_EUNSPEC = 0,
    MPTCP_RST_EMPTCP = 1,
    MPTCP_RST_ERESOURCE = 2,
    MPTCP_RST_EPROHIBIT = 3,
    MPTCP_RST_EWQ2BIG = 4,
    MPTCP_RST_EBADPERF = 5,
    MPTCP_RST_EMIDDLEBOX = 6,
};

/* Endpoint flags (Linux MPTCP_PM_ADDR_FLAG_*). */
enum {
    MPTCP_EP_SIGNAL = 1,
    MPTCP_EP_SUBFLOW = 2,
    MPTCP_EP_BACKUP = 4,
    MPTCP_EP_FULLMESH = 8,
};

struct mptcp_endpoint {
    struct sock_addr addr;
    uint8_t id;
    uint8_t flags;
};

/* "ADDR[ flag]..." of the endpoints parameter. 0 or -1 with err. */
int mptcp_endpoint_parse(const char *s, struct mptcp_endpoint *out, char *err, size_t errlen);
int mptcp_config_copy(struct mptcp_config *dst, const struct mptcp_config *src);

/* One mapping: DSN run [dsn, dsn + len) on relative subflow sequence [ssn, ssn + len).
 * Received mappings keep the DSS checksum and the data-level length as sent (len + 1 with
 * DATA_FIN), which the checksum's pseudo-header covers. */
struct mptcp_map {
    uint64_t dsn;
    uint32_t ssn;
    uint32_t len;
    uint16_t csum, dl;
    bool checked;                /* receive side: checksum verified */
};

/* A non-zero real payload byte a subflow received (mptcp_fail.c). */
struct mptcp_rxbyte {
    uint32_t ssn;
    uint8_t v;
};

struct mptcp_conn;

struct mptcp_subflow {
    struct mptcp_conn *conn;
    struct tcp_sock *tcp;
    uint32_t iss, irs;           /* our and the peer's ISN: relative SSN = seq - iss (- irs) */
    uint32_t tx_ssn;             /* relative SSN of the next byte queued on the subflow */
    uint32_t rx_ssn;             /* relative SSN of the next byte read from the subflow */
    struct mptcp_map *tx, *rx;   /* tx: oldest first; rx: sorted by ssn (mptcp_maps_grow) */
    uint16_t tx_n, rx_n, tx_cap, rx_cap;
    uint32_t nonce_local, nonce_remote; /* MP_JOIN */
    uint64_t thmac_remote;       /* MP_JOIN SYN/ACK truncated HMAC received */
    uint8_t index;               /* sock_trace sf index */
    uint8_t local_id, remote_id;
    bool mpc;                    /* the MP_CAPABLE subflow */
    bool join;                   /* an MP_JOIN subflow */
    bool server;                 /* passive side of this subflow */
    bool backup, peer_backup;    /* our B flag (MP_PRIO) / the peer's */
    bool prio_pending;           /* send MP_PRIO on the next segment */
    bool established;            /* TCP ESTABLISHED */
    bool fully_established;      /* join: 4th ACK seen (client) / HMAC checked (server) */
    bool join_ack_pending;       /* client join: the third ACK carries the HMAC */
    bool reset_pending;          /* an RST we send carries MP_TCPRST `rst_reason` */
    uint8_t rst_reason;
    bool closed;                 /* CLOSED event seen: the tcp_sock is gone */
    bool fin_sent;               /* TCP FIN queued (connection closing) */
    bool data_fin_tx;            /* DATA_FIN on this subflow's next pure ACK */
    bool in_cc_group;
    bool rto_seen;               /* stalled: reinjection done for this episode */
    uint8_t syn_sent;            /* MPC SYNs written (blackhole detection) */
    bool valid_csum_seen;        /* a mapping's checksum verified (Linux valid_csum_seen) */
    bool dack_seen;              /* a DSS data ACK arrived on this subflow (RFC 8684 3.7) */
    bool mp_fail_tx;             /* MP_FAIL(fail_dsn) on the next segment (or the RST) */
    bool fail_expect;            /* we sent MP_FAIL: the peer's MP_FAIL is the answer */
    bool infinite_tx;            /* the next data segment carries the infinite mapping */
    uint64_t fail_dsn;
    struct mptcp_rxbyte rxb[MPTCP_RXBYTES];
    uint8_t rxb_n;
    event_id abort_ev;           /* deferred reset */
    struct sock_addr local_addr; /* for the path manager's local ids */
    /* sf_bytes trace (kept only while the connection has a trace table with sf_bytes):
     * payload bytes sent, and the relative end of the highest segment sent */
    uint64_t tr_sent;
    uint32_t tr_sent_hi;
};

/* Connection states (Linux msk states, TCP names). */
enum mptcp_state {
    MPTCP_S_SYN_SENT,
    MPTCP_S_SYN_RCVD,
    MPTCP_S_ESTABLISHED,
    MPTCP_S_FIN_WAIT,            /* our DATA_FIN sent, waiting for its data ACK / the peer's */
    MPTCP_S_CLOSE_WAIT,          /* the peer's DATA_FIN received */
    MPTCP_S_CLOSED,
};

struct mptcp_range {
    uint64_t l, r;
};

struct mptcp_remote_addr {
    struct sock_addr addr;
    uint16_t port;
    uint8_t id;
    bool used;
};

struct mptcp_pending_addr {     /* an ADD_ADDR we announce, until echoed */
    uint8_t ep;                 /* index in the stack's endpoints */
    uint8_t retrans;
    bool echoed;
    bool tx_pending;
    bool echo_tx;               /* or: an echo we owe the peer (remote index in ep) */
};

struct mptcp_conn {
    struct sock sock;            /* first: the struct sock face (mptcp_sock.c) */
    struct mptcp_stack *st;
    const struct sock_callbacks *cb;
    void *cb_ctx;
    const struct sock_trace *trace;
    void *trace_ctx;
    struct mptcp_conn *next_live; /* the stack's list (for free) */
    struct mptcp_listener *listener; /* until accepted */
    const struct mptcp_sched_ops *sched;
    const struct mptcp_pm_ops *pm;

    uint64_t local_key, remote_key;
    uint32_t local_token, remote_token;
    uint64_t local_idsn, remote_idsn;

    /* data level, absolute DSNs */
    uint64_t snd_una;            /* oldest DSN not data-ACKed */
    uint64_t snd_nxt;            /* next new DSN to map */
    uint64_t write_seq;          /* DSN after the last byte the application queued */
    uint64_t snd_wnd_edge;       /* peer's data-level right edge (data ACK + window) */
    uint64_t reinj_from, reinj_to; /* DSN run to send again on another subflow */
    uint64_t rcv_nxt;            /* next DSN expected (our data ACK) */
    uint64_t read_seq;           /* next DSN the application reads */
    uint64_t data_fin_seq;       /* peer's DATA_FIN DSN, valid with have_data_fin */
    uint64_t fb_rx_base;         /* after fallback: DSN = fb_rx_base + relative SSN */
    uint64_t fb_tx_base;         /* the same for bytes queued after the fallback */
    struct mptcp_range *ooo;
    uint16_t nooo, capooo;

    struct mptcp_subflow *sf[MPTCP_SUBFLOWS_MAX];
    uint8_t nsf, next_index;
    uint8_t version;
    uint8_t state;               /* enum mptcp_state */
    bool server;
    bool csum;                   /* checksums negotiated */
    bool fallback;               /* plain TCP on the first subflow (RFC 8684 section 3.7) */
    bool no_infinite_fallback;   /* a join or a reinjection happened (Linux
                                  * !allow_infinite_fallback): MP_FAIL resets the subflow */
    bool no_more_subflows;       /* an MP_FAIL was accepted (Linux !allow_subflows) */
    bool fully_established;      /* the peer proved it has our key (a DSS arrived) */
    bool remote_key_known;
    bool mpc_dropped;            /* the MPC SYN was given up (blackhole detection) */
    bool fastclose_tx;           /* our RSTs carry MP_FASTCLOSE */
    bool peer_ack64;             /* the peer sent a 64-bit DSN: our data ACKs are 64-bit */
    bool shutdown_req;           /* the application asked for a DATA_FIN */
    bool data_fin_sent, data_fin_acked, rcvd_data_fin, have_data_fin;
    bool app_closed;             /* sock_close(): free when done */
    bool eof_signalled;
    bool want_writable;
    bool fastclose_rx;
    bool in_cb;                  /* a callback into the application is running */
    bool free_pending;
    int err;
    /* path manager */
    struct mptcp_remote_addr remote[MPTCP_REMOTE_MAX];
    uint8_t nremote;
    struct mptcp_pending_addr adv[MPTCP_ENDPOINTS_MAX];
    uint8_t nadv;
    uint8_t add_addr_accepted;
    uint8_t rm_pending_id;       /* REMOVE_ADDR to send (0 = none) */
    bool pm_started;
    bool accept_queued;          /* server: in the listener's accept list */
    struct mptcp_conn *next_accept;
    event_id pm_ev;              /* ADD_ADDR retransmission */
    struct mptcp_cc_group ccg;
    struct sock_stats stats;     /* data level */
    /* per-connection counters (sock_info): peak established subflows, fallback reason
     * (enum mptcp_fallback_reason), joins opened / fully established, ADD_ADDRs */
    uint8_t sf_peak, fb_reason;
    uint16_t joins_tx, joins_ok, add_addr_tx, add_addr_rx;
    char cc_name[16];            /* set_opt "cc" for subflows to come ("" = default) */
};

struct mptcp_listener {
    struct sock_listener sl;     /* first */
    struct mptcp_stack *st;
    struct tcp_listener *tcp;
    const struct sock_listener_callbacks *cb;
    void *cb_ctx;
    struct mptcp_conn *acc_head, *acc_tail; /* ready, not yet accepted */
    struct sock_listener_stats stats;
    struct mptcp_listener *next; /* the stack's listeners (freed with the stack) */
};

struct mptcp_stack {
    struct mptcp_listener *listeners;
    struct tcp_stack *tcp;
    struct sched *sched;
    struct mptcp_config cfg;
    struct mptcp_endpoint ep[MPTCP_ENDPOINTS_MAX];
    uint8_t nep;
    struct rng *rng;
    struct mptcp_token_table *tokens;
    struct mptcp_conn *live;
    bool have_next_key;
    uint64_t next_key;
    uint64_t cookie_secret;
    sim_time_t mpc_disabled_until; /* blackhole: active MPTCP off until then */
    uint32_t blackhole_times;
    struct mptcp_stack_stats stats;
};

/* ---- tokens (mptcp_token.c) -------------------------------------------------------- */

struct mptcp_token_table;
struct mptcp_token_table *mptcp_token_table_new(void);
void mptcp_token_table_free(struct mptcp_token_table *t);
/* Draws a key whose token is not in use (Linux mptcp_token_new_request / _connect: up to
 * MPTCP_TOKEN_RETRIES draws), inserts conn under it. 0, or -1 when every draw collided (the
 * caller falls back to TCP, as Linux does). */
int mptcp_token_new(struct mptcp_stack *st, struct mptcp_conn *conn);
/* Inserts conn under its local_token (a cookie connection's derived key). 0 or -1. */
int mptcp_token_insert(struct mptcp_stack *st, struct mptcp_conn *conn);
struct mptcp_conn *mptcp_token_lookup(const struct mptcp_token_table *t, uint32_t token);
void mptcp_token_remove(struct mptcp_token_table *t, uint32_t token);
size_t mptcp_token_count(const struct mptcp_token_table *t);
/* The next key of the stack's random stream (or the test's fixed one). */
uint64_t mptcp_stack_draw_key(struct mptcp_stack *st);

/* ---- the connection (mptcp_sock.c) ------------------------------------------------- */

struct mptcp_conn *mptcp_conn_new(struct mptcp_stack *st, bool server);
/* Frees the connection once no callback runs (subflows must be gone or detached). */
void mptcp_conn_maybe_free(struct mptcp_conn *c);
struct mptcp_subflow *mptcp_subflow_new(struct mptcp_conn *c, struct tcp_sock *tcp);
void mptcp_subflow_detach(struct mptcp_subflow *sf);
void mptcp_conn_destroy(struct mptcp_conn *c);
/* Every subflow is gone: closed or error callback, free if the application closed. */
void mptcp_conn_all_closed(struct mptcp_conn *c);
/* A server connection can be accepted (MPTCP fully established or fallen back). */
void mptcp_listener_ready(struct mptcp_conn *c);
size_t mptcp_conn_writable(const struct mptcp_conn *c);
/* Reports the subflow's bytes sent and acked to the connection's sf_bytes trace (which the
 * caller has checked is set). */
void mptcp_trace_sf_bytes(struct mptcp_subflow *sf);
/* Routes the subflow's TCP traces to the connection's (with its index). */
void mptcp_subflow_trace(struct mptcp_subflow *sf);
extern const struct sock_ops mptcp_sock_ops;
/* Adds a subflow's segment counters (not its byte counts: those are data-level). */
void mptcp_stats_add_subflow(struct sock_stats *out, const struct tcp_sock *t);
/* Data-level sequence numbers start from the IDSNs (local known; remote when known). */
void mptcp_conn_init_seq(struct mptcp_conn *c);
/* Both keys are exchanged: start the path manager, push data. */
void mptcp_conn_fully_established(struct mptcp_conn *c);
/* The subflow's tcp_sock is gone (closed, reset): forget it, reinject its data. */
void mptcp_subflow_gone(struct mptcp_subflow *sf);
/* Makes the subflow send a pure ACK now (DATA_ACK, DATA_FIN, ADD_ADDR, the join 4th ACK). */
void mptcp_sf_send_ack(struct mptcp_subflow *sf);
void mptcp_blackhole_detected(struct mptcp_stack *st);
/* Application callbacks, deferred-free safe. */
void mptcp_notify_connected(struct mptcp_conn *c);
void mptcp_notify_readable(struct mptcp_conn *c);
void mptcp_notify_writable(struct mptcp_conn *c);
void mptcp_notify_error(struct mptcp_conn *c, int err);
void mptcp_notify_closed(struct mptcp_conn *c);
extern const struct sock_callbacks mptcp_subflow_callbacks;
extern const struct tcp_ulp_ops mptcp_ulp_ops;
extern const struct tcp_ulp_ops mptcp_fallback_ulp_ops;

/* ---- handshakes, fallback, resets (mptcp_ctrl.c) ----------------------------------- */

/* Options of a handshake segment or an RST; true when the segment is handled here. */
bool mptcp_ctrl_write(struct mptcp_subflow *sf, struct tcp_hdr *h, uint32_t len);
/* Handshake options of an accepted segment; false = drop it (the subflow is being reset). */
bool mptcp_ctrl_rcv(struct mptcp_subflow *sf, const struct tcp_hdr *h, uint32_t seg_len,
                    const struct mptcp_opt *opts, size_t nopts);
/* Falls back for `reason` (enum mptcp_fallback_reason; the first one is kept). */
void mptcp_fallback(struct mptcp_conn *c, bool count_ack, uint8_t reason);
/* A join subflow completed its handshake (counted in joins_ok once). */
void mptcp_join_ok(struct mptcp_subflow *sf);
/* After a subflow became established: updates the connection's peak subflow count. */
void mptcp_count_peak(struct mptcp_conn *c);
/* Resets one subflow with MP_TCPRST `reason`. */
void mptcp_subflow_reset(struct mptcp_subflow *sf, uint8_t reason);
extern const struct tcp_listen_ulp_ops mptcp_listen_ulp_ops;

/* ---- data level (mptcp_dss.c) ------------------------------------------------------ */

/* Appends DSS (data ACK, mapping, DATA_FIN) for a segment with len bytes at h->seq. */
void mptcp_dss_write(struct mptcp_subflow *sf, struct tcp_hdr *h, uint32_t len);
/* A DSS received; false when the subflow must be dropped (protocol error). */
void mptcp_dss_rcv(struct mptcp_subflow *sf, const struct mptcp_opt *o, uint32_t seq,
                   uint32_t seg_len);
/* Reads the subflow's in-order bytes into the data level. */
void mptcp_dss_pull(struct mptcp_subflow *sf);
/* Pushes queued data-level bytes to the subflows the scheduler picks. */
void mptcp_push(struct mptcp_conn *c);
uint32_t mptcp_dss_seg_limit(struct mptcp_subflow *sf, uint32_t seq);
uint32_t mptcp_rcv_window(const struct mptcp_conn *c);
/* A data ACK from the peer (64-bit, expanded). */
void mptcp_data_ack(struct mptcp_conn *c, uint64_t ack, uint32_t wnd);
/* The subflow acknowledged data: trim its mappings (fallback: data ACK from TCP). */
void mptcp_subflow_acked(struct mptcp_subflow *sf);
/* The DSN run the subflow carried and the peer has not data-ACKed goes to the others. */
void mptcp_reinject(struct mptcp_subflow *sf);
/* The next DATA_FIN / close steps once data is all sent and acked. */
void mptcp_check_close(struct mptcp_conn *c);
void mptcp_ooo_free(struct mptcp_conn *c);
const struct mptcp_map *mptcp_tx_map_at(const struct mptcp_subflow *sf, uint32_t rel_ssn);
/* Makes room for one more tx (rx = false) or rx mapping: doubles the array when it is full,
 * up to MPTCP_MAPS_MAX. False when it cannot (at the cap, or out of memory). */
bool mptcp_maps_grow(struct mptcp_subflow *sf, bool rx);
void mptcp_maps_free(struct mptcp_subflow *sf);
void mptcp_rx_map_add(struct mptcp_subflow *sf, uint64_t dsn, uint32_t ssn, uint32_t len);
/* The same with the DSS checksum to verify (csum NULL: none) over data-level length dl. */
void mptcp_rx_map_add_cs(struct mptcp_subflow *sf, uint64_t dsn, uint32_t ssn, uint32_t len,
                         const uint16_t *csum, uint16_t dl);
/* DSS checksum of a mapping over its payload (zero bytes unless corrupted, see
 * mptcp_dss.c). */
uint16_t mptcp_map_csum(const struct mptcp_conn *c, uint64_t dsn, uint32_t ssn, uint16_t len);
/* Expands a 32-bit sequence number near `ref` to 64 bits (Linux expand_seq). */
uint64_t mptcp_expand_seq(uint64_t ref, uint64_t v32);

/* ---- DSS checksum, MP_FAIL, infinite mapping (mptcp_fail.c) ---------------------- */

/* Logs the non-zero real payload bytes of an accepted segment at relative SSN rel. */
void mptcp_csum_rx_bytes(struct mptcp_subflow *sf, uint32_t rel, const uint8_t *b, size_t n);
void mptcp_csum_rx_trim(struct mptcp_subflow *sf);
/* Whether the received mapping's DSS checksum matches its payload. */
bool mptcp_csum_ok(const struct mptcp_subflow *sf, const struct mptcp_map *m);
/* A mapping failed its checksum: MP_FAIL and (one subflow) deliver it: true; or reset the
 * subflow and drop it: false. */
bool mptcp_csum_failed(struct mptcp_subflow *sf, const struct mptcp_map *m);
/* MP_FAIL received on sf. */
void mptcp_fail_rcv(struct mptcp_subflow *sf, uint64_t dsn);
/* Appends a pending MP_FAIL to h; true when written. */
bool mptcp_fail_write(struct mptcp_subflow *sf, struct tcp_hdr *h);
/* After a fallback MP_FAIL caused: the infinite mapping on the next data segment. */
void mptcp_infinite_write(struct mptcp_subflow *sf, struct tcp_hdr *h, uint32_t len);

/* ---- schedulers (mptcp_sched.c) ---------------------------------------------------- */

struct mptcp_sched_ops {
    const char *name;
    /* The subflow to carry the next mapping, NULL when none can send now. `room` gets the
     * bytes it may take. */
    struct mptcp_subflow *(*pick)(struct mptcp_conn *c, uint32_t *room);
    bool redundant;              /* every mapping goes on every subflow that can send */
};
const struct mptcp_sched_ops *mptcp_sched_find(const char *name);
const char *mptcp_sched_names(void);
/* Bytes a subflow can take now: cwnd plus one MSS minus what it has queued (Linux pushes
 * while sk_stream_memory_free and the cwnd is not full), 0 for one that may not send. */
uint32_t mptcp_sf_room(const struct mptcp_subflow *sf);
/* The largest mapping for sf: mapping_max rounded down to whole MSS (when it holds one). */
uint32_t mptcp_sf_map_max(const struct mptcp_subflow *sf, uint32_t mapping_max);
bool mptcp_sf_usable(const struct mptcp_subflow *sf);

/* ---- path managers (mptcp_pm.c) ---------------------------------------------------- */

struct mptcp_pm_ops {
    const char *name;
    /* The connection is fully established: create subflows / announce addresses. */
    void (*established)(struct mptcp_conn *c);
    /* The peer announced an address (already recorded at index i). */
    void (*add_addr)(struct mptcp_conn *c, size_t i);
    /* A subflow closed (may be recreated). */
    void (*subflow_closed)(struct mptcp_conn *c, struct mptcp_subflow *sf);
};
const struct mptcp_pm_ops *mptcp_pm_find(const char *name);
const char *mptcp_pm_names(void);
/* Options the path manager owes on a segment (ADD_ADDR, echo, REMOVE_ADDR, MP_PRIO). */
/* true when it wrote an option that goes alone on this pure ACK. */
bool mptcp_pm_write(struct mptcp_subflow *sf, struct tcp_hdr *h, uint32_t len);
void mptcp_pm_rcv(struct mptcp_subflow *sf, const struct mptcp_opt *o);
/* Opens an MP_JOIN subflow from local endpoint address src to dst:port. */
int mptcp_pm_join(struct mptcp_conn *c, const struct sock_addr *src, uint16_t src_port,
                  const struct sock_addr *dst, uint16_t dst_port, uint8_t local_id,
                  bool backup);
void mptcp_pm_stop(struct mptcp_conn *c);
/* Sends pending address options now (pure ACKs) and arms the ADD_ADDR retransmission. */
void mptcp_pm_kick(struct mptcp_conn *c);
/* The endpoint id of a local address (0 = the initial subflow's address). */
uint8_t mptcp_pm_local_id(const struct mptcp_stack *st, const struct sock_addr *a);

/* ---- option helpers (mptcp_ctrl.c) ------------------------------------------------- */

/* Parses every MPTCP option of h into out[] (at most max); malformed ones are counted in
 * bad_opts and skipped. Returns the count. */
size_t mptcp_parse_opts(struct mptcp_stack *st, const struct tcp_hdr *h, uint8_t version,
                        bool has_payload, struct mptcp_opt *out, size_t max);
/* Appends o to h if it fits (with a NOP pair in front when its length is not a multiple of
 * four, as Linux aligns); false when it does not fit. */
bool mptcp_opt_put(struct tcp_hdr *h, const struct mptcp_opt *o);
struct mptcp_subflow *mptcp_first_subflow(const struct mptcp_conn *c);

static inline struct mptcp_conn *mptcp_conn_of(struct sock *s)
{
    return (struct mptcp_conn *)s;
}

#endif
