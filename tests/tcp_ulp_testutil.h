/* tcp_ulp_testutil.h - a test ULP and a wire tap for the tcp_ulp suites.
 *
 * The test ULP (struct tulp) appends an experimental option (kind 253, RFC 4727) to every
 * segment, carrying the low 16 bits of the segment's sequence number, so that the wire shows
 * for which seq write_options was called; it records every hook call (segments written and
 * seen, events with their times) and can be told to cut segments at fixed boundaries,
 * advertise its own window, refuse segments or abort itself. The tap records, for every
 * segment of the test net's log, whether it carried the option (with the right seq) and its
 * SACK blocks.
 */
#ifndef MCPSIM_TESTS_TCP_ULP_TESTUTIL_H
#define MCPSIM_TESTS_TCP_ULP_TESTUTIL_H

#include <stdbool.h>
#include <stdint.h>

#include "models/tcp/tcp_ulp.h"
#include "tests/tcp_testnet.h"

#define TULP_KIND 253
#define TULP_MAX_WRITES 16384
#define TULP_MAX_EVENTS 512

struct tulp_write {
    uint32_t seq, len;
    uint16_t flags;
};

struct tulp {
    /* behaviour */
    uint8_t opt_len;           /* bytes of the kind-253 option, >= 4 */
    uint32_t boundary;         /* seg_limit: units of this many bytes from data byte 0 */
    uint32_t window;           /* what rcv_window returns (UINT32_MAX: TCP's own) */
    int reject_data;           /* rcv_options refuses this many data-carrying segments */
    int reject_synrcvd;        /* ... this many segments in SYN-RECEIVED */
    bool abort_on_acked;       /* tcp_abort() from the first ACKED event */
    /* what it saw */
    bool iss_known;
    uint32_t iss;              /* own ISS, from the SYN it wrote options for */
    struct tulp_write *wrote;
    size_t nwrote;
    uint64_t seen, seen_bad, rejected;
    int64_t synrcvd_accept_len; /* seg_len of the segment accepted in SYN-RECEIVED, or -1 */
    enum tcp_ulp_event ev[TULP_MAX_EVENTS];
    sim_time_t ev_at[TULP_MAX_EVENTS];
    int nev;
    int after_closed;          /* hook calls after CLOSED (must stay 0) */
    struct tcp_sock *sock;     /* the socket of the last hook call */
    struct sched *sched;       /* for event times; set by tulp_new */
};

struct tulp *tulp_new(struct tnet *tn);
void tulp_free(struct tulp *u);
int tulp_count(const struct tulp *u, enum tcp_ulp_event ev);
/* Entries of the write log with this seq and len. */
int tulp_writes_of(const struct tulp *u, uint32_t seq, uint32_t len);

void tulp_write_options(struct tcp_sock *s, void *ctx, struct tcp_hdr *h, uint32_t len);
bool tulp_rcv_options(struct tcp_sock *s, void *ctx, const struct tcp_hdr *h, uint32_t seg_len);
uint32_t tulp_seg_limit(struct tcp_sock *s, void *ctx, uint32_t seq);
uint32_t tulp_rcv_window(struct tcp_sock *s, void *ctx);
void tulp_event(struct tcp_sock *s, void *ctx, enum tcp_ulp_event ev);

#define TULP_HOOKS                                                                   \
    .name = "test", .write_options = tulp_write_options,                             \
    .rcv_options = tulp_rcv_options, .seg_limit = tulp_seg_limit,                    \
    .rcv_window = tulp_rcv_window, .event = tulp_event

extern const struct tcp_ulp_ops tulp_ops; /* TULP_HOOKS, data_opt_bytes 0 */

/* A listener hook that answers every SYN with `verdict` (ATTACH gives ops and the next
 * unused context of child[]; PLAIN when none is left), writes the test option on cookie SYN-ACKs (tag = their seq),
 * optionally attaches the next context in cookie_ack or refuses there, and optionally
 * claims children, giving them tn_app callbacks with claim_app. */
struct lhook {
    enum tcp_syn_verdict verdict;
    const struct tcp_ulp_ops *ops;
    struct tulp *child[8];
    int next;
    bool cookie_attach, cookie_refuse, claim;
    struct tn_app *claim_app;
    int nsyn, ncookie_syn, nsynack, ncookie_ack, nclaim;
    int child_events_at_claim;  /* events the claimed child's ULP had raised by then */
};
extern const struct tcp_listen_ulp_ops lhook_ops;

/* The kind-253 option of h: true when present, with *tag its 16-bit payload. */
bool tulp_find_option(const struct tcp_hdr *h, uint16_t *tag);

/* The wire tap: per entry of tn's log, whether the segment carried the option (and whether
 * its tag matched the segment's seq), its SACK block count, and whether the option came
 * after the SACK option. */
#define TAP_MAX 65536
struct wtap {
    struct tnet *tn;
    bool opt[TAP_MAX];
    bool tag_ok[TAP_MAX];
    uint8_t sack_blocks[TAP_MAX];
    bool opt_after_sack[TAP_MAX];
    uint32_t raw_win[TAP_MAX];
};
struct wtap *wtap_new(struct tnet *tn);
void wtap_free(struct wtap *w);

#endif
