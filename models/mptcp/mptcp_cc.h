/* mptcp_cc.h - coupled congestion control for MPTCP subflows: LIA (RFC 6356), OLIA
 * (Khalili et al.) and BALIA (Peng et al.), as TCP congestion-control ops ("lia", "olia",
 * "balia" in the tcp_cong.h registry).
 *
 * Each subflow is an ordinary TCP connection whose cc ops are one of the coupled algorithms.
 * The MPTCP connection owns a struct mptcp_cc_group and puts the `struct tcp_cc` of every
 * established subflow in it; the algorithm then reads its siblings' windows and RTTs
 * through the group (found from a pointer kept in cc->priv, so tcp_cong.h needs nothing
 * new). A cc outside any group, or alone in its group, behaves exactly as NewReno (the same
 * bytes, ACK by ACK): so the three names are also valid for plain TCP connections.
 *
 * How the MPTCP connection uses it:
 *   - mptcp_cc_group_init() when the connection is created (the group may be embedded);
 *   - mptcp_cc_group_add() when a subflow reaches ESTABLISHED, after its cc ops were chosen
 *     (tcp_sock_set_cc or the stack default) - only if mptcp_cc_is_coupled(ops);
 *   - mptcp_cc_group_remove() when a subflow closes or fails (at the latest on its
 *     TCP_ULP_EV_CLOSED event: the group holds a pointer into the subflow), and before its
 *     algorithm is changed; every member must be removed before the group is freed.
 * Nothing else: the coupled ops only use the hooks TCP already calls (cong_avoid,
 * pkts_acked, cwnd_event, ssthresh) and the fields TCP keeps in struct tcp_cc (cwnd,
 * ssthresh, mss, in_flight, srtt).
 *
 * Which members count: a member with no RTT sample yet (srtt == 0) is left out of every sum,
 * as Linux leaves out subflows that cannot send; with fewer than two members counted the
 * subflow runs Reno. While a member is in fast recovery its window counts as at most
 * ssthresh (cwnd is inflated by RFC 5681 section 3.2), as in Linux's mptcp_olia.c.
 * Arithmetic is double precision, see docs/models-mptcp-cc.md for why.
 */
#ifndef MCPSIM_MPTCP_CC_H
#define MCPSIM_MPTCP_CC_H

#include <stdbool.h>
#include <stddef.h>

#include "models/tcp/tcp_cong.h"

#define MPTCP_CC_MAX_SUBFLOWS 8 /* Linux's MPTCP_MAX_SUBFLOWS (v0 out-of-tree kernel) */

struct mptcp_cc_group {
    struct tcp_cc *member[MPTCP_CC_MAX_SUBFLOWS];
    size_t n;
};

enum mptcp_cc_err {
    MPTCP_CC_ERR_NOT_COUPLED = -1, /* cc->ops is not lia/olia/balia */
    MPTCP_CC_ERR_FULL = -2,        /* MPTCP_CC_MAX_SUBFLOWS members already */
    MPTCP_CC_ERR_MIXED = -3,       /* the group's members use another algorithm */
    MPTCP_CC_ERR_MEMBER = -4,      /* cc is already in a group */
};

void mptcp_cc_group_init(struct mptcp_cc_group *g);
/* Couples cc with the group's members. 0 or a negative enum mptcp_cc_err. Every member's
 * increase accounting restarts (at most one MSS of growth is forgotten per join), so a
 * member left alone later runs exactly as a Reno started in its state. */
int mptcp_cc_group_add(struct mptcp_cc_group *g, struct tcp_cc *cc);
/* Uncouples cc (no-op when it is not a member); a lone remaining member runs Reno. */
void mptcp_cc_group_remove(struct mptcp_cc_group *g, struct tcp_cc *cc);
/* True for the ops of lia, olia and balia: the MPTCP layer groups only those. */
bool mptcp_cc_is_coupled(const struct tcp_cong_ops *ops);

/* ---- what the algorithms share (mptcp_cc.c), exposed for them and for tests ---------- */

/* One counted member as the formulas see it. */
struct mptcp_cc_path {
    double w;    /* bytes: cwnd; min(cwnd, ssthresh) while in fast recovery */
    double rtt;  /* seconds: srtt */
    double l;    /* bytes acknowledged between the last two losses or since the last one,
                  * whichever is larger (OLIA's l_r) */
};

/* The counted members of cc's group; *self is cc's index. Returns their number: below 2
 * (no group, alone, or cc has no RTT sample) means "run Reno". */
size_t mptcp_cc_paths(const struct tcp_cc *cc, struct mptcp_cc_path out[MPTCP_CC_MAX_SUBFLOWS],
                      size_t *self);

/* Coupled ops plumbing. cong_avoid: slow start as Reno (tcp_cc_slow_start); in avoidance
 * with at least two counted members, cwnd changes by acked * gain(paths) bytes, where gain
 * is the algorithm's window change in bytes per acknowledged byte (MSS-scaled; negative for
 * OLIA's decreases), through a fractional accumulator so that nothing is lost; otherwise
 * Reno's byte counting (tcp_cc_reno_avoid). */
typedef double (*mptcp_cc_gain_fn)(const struct mptcp_cc_path *p, size_t n, size_t self,
                                   double mss);
void mptcp_cc_cong_avoid(struct tcp_cc *cc, uint32_t acked, mptcp_cc_gain_fn gain);
/* RFC 5681 eq. 4: max(FlightSize / 2, 2 MSS), the decrease LIA and OLIA keep. */
uint32_t mptcp_cc_reno_ssthresh(const struct tcp_cc *cc);
void mptcp_cc_init(struct tcp_cc *cc);
void mptcp_cc_pkts_acked(struct tcp_cc *cc, uint32_t acked, sim_time_t rtt);
void mptcp_cc_cwnd_event(struct tcp_cc *cc, enum tcp_ca_event ev);

/* The per-path parameters, pure functions of the paths (for the ops and for tests). */
/* RFC 6356 section 3: alpha = W * max_i(w_i / rtt_i^2) / (sum_i w_i / rtt_i)^2. */
double mptcp_lia_alpha(const struct mptcp_cc_path *p, size_t n);
/* OLIA's alpha_r for every path (alpha[n]): +1/(|P| |B\M|) on B\M, -1/(|P| |M|) on M when
 * B\M is not empty, else 0. */
void mptcp_olia_alpha(const struct mptcp_cc_path *p, size_t n, double *alpha);
/* BALIA's alpha_r = max_k x_k / x_r with x = w / rtt. */
double mptcp_balia_alpha(const struct mptcp_cc_path *p, size_t n, size_t r);

#endif
