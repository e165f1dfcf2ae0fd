/* mptcp_cc.c - the coupling of MPTCP subflows' congestion windows: group membership, the
 * per-subflow state every coupled algorithm keeps in cc->priv, the snapshot of the group the
 * formulas read, and the common cong_avoid skeleton (slow start, Reno fallback, fractional
 * window changes). The algorithms themselves (mptcp_lia.c, mptcp_olia.c, mptcp_balia.c) are
 * a gain function and an ssthresh rule each.
 *
 * Cost: a group is a fixed array of at most 8 pointers embedded in the MPTCP connection (no
 * allocation); each ACK in congestion avoidance reads every member once (O(n), n <= 8) and
 * does a few double divisions. Not modelled: Linux's caching of alpha between window
 * changes (recomputing per ACK is exact and cheap here).
 */
#include "models/mptcp/mptcp_cc.h"

#include <assert.h>
#include <math.h>

/* Shared by the three algorithms, so that any member of a group can read any other. */
struct mptcp_cc_priv {
    struct mptcp_cc_group *group; /* NULL when uncoupled */
    double frac;                  /* bytes of window change not yet applied, |frac| < 1 */
    uint64_t loss_gap;            /* bytes acknowledged between the last two losses */
    uint64_t since_loss;          /* bytes acknowledged since the last loss */
    uint32_t acc;                 /* Reno's byte counter (tcp_cc_reno_avoid) */
    bool in_recovery;             /* between TCP_CA_EVENT_RECOVERY and its end */
};

_Static_assert(sizeof(struct mptcp_cc_priv) <= TCP_CC_PRIV_BYTES, "mptcp cc state too large");

static struct mptcp_cc_priv *priv_of(struct tcp_cc *cc) { return (struct mptcp_cc_priv *)cc->priv; }

static const struct mptcp_cc_priv *cpriv_of(const struct tcp_cc *cc)
{
    return (const struct mptcp_cc_priv *)cc->priv;
}

bool mptcp_cc_is_coupled(const struct tcp_cong_ops *ops)
{
    /* The three coupled ops tables, and only they, share this init: no list to maintain. */
    return ops && ops->init == mptcp_cc_init;
}

void mptcp_cc_init(struct tcp_cc *cc) { *priv_of(cc) = (struct mptcp_cc_priv){ 0 }; }

void mptcp_cc_group_init(struct mptcp_cc_group *g) { *g = (struct mptcp_cc_group){ 0 }; }

static void reset_accounting(struct mptcp_cc_group *g)
{
    for (size_t i = 0; i < g->n; i++) {
        priv_of(g->member[i])->frac = 0;
        priv_of(g->member[i])->acc = 0;
    }
}

int mptcp_cc_group_add(struct mptcp_cc_group *g, struct tcp_cc *cc)
{
    if (!mptcp_cc_is_coupled(cc->ops))
        return MPTCP_CC_ERR_NOT_COUPLED;
    if (priv_of(cc)->group)
        return MPTCP_CC_ERR_MEMBER;
    if (g->n > 0 && g->member[0]->ops != cc->ops)
        return MPTCP_CC_ERR_MIXED; /* the sums would mix incompatible window rules */
    if (g->n == MPTCP_CC_MAX_SUBFLOWS)
        return MPTCP_CC_ERR_FULL;
    g->member[g->n++] = cc;
    priv_of(cc)->group = g;
    reset_accounting(g);
    return 0;
}

void mptcp_cc_group_remove(struct mptcp_cc_group *g, struct tcp_cc *cc)
{
    size_t i = 0;
    while (i < g->n && g->member[i] != cc)
        i++;
    if (i == g->n)
        return;
    for (; i + 1 < g->n; i++)
        g->member[i] = g->member[i + 1];
    g->n--;
    /* A member whose algorithm was changed meanwhile has another priv layout: leave it.
     * Nothing else to reset: Reno's counter was zeroed when the group last grew and is not
     * touched while coupled, and the fractional change is only used while coupled. */
    if (mptcp_cc_is_coupled(cc->ops) && priv_of(cc)->group == g)
        priv_of(cc)->group = NULL;
}

/* A member still coupled to g (its algorithm may have been changed without a remove). */
static bool is_live_member(const struct tcp_cc *m, const struct mptcp_cc_group *g)
{
    return mptcp_cc_is_coupled(m->ops) && cpriv_of(m)->group == g;
}

size_t mptcp_cc_paths(const struct tcp_cc *cc, struct mptcp_cc_path out[MPTCP_CC_MAX_SUBFLOWS],
                      size_t *self)
{
    const struct mptcp_cc_group *g = cpriv_of(cc)->group;
    if (!g || cc->srtt <= 0)
        return 0;
    size_t n = 0;
    *self = MPTCP_CC_MAX_SUBFLOWS;
    for (size_t i = 0; i < g->n; i++) {
        const struct tcp_cc *m = g->member[i];
        if (!is_live_member(m, g) || m->srtt <= 0)
            continue;
        const struct mptcp_cc_priv *p = cpriv_of(m);
        uint32_t w = p->in_recovery && m->ssthresh < m->cwnd ? m->ssthresh : m->cwnd;
        if (m == cc)
            *self = n;
        out[n++] = (struct mptcp_cc_path){
            .w = w,
            .rtt = time_to_sec(m->srtt),
            .l = (double)(p->loss_gap > p->since_loss ? p->loss_gap : p->since_loss),
        };
    }
    assert(*self < n); /* cc is in its own group and has an RTT sample */
    return n;
}

uint32_t mptcp_cc_reno_ssthresh(const struct tcp_cc *cc)
{
    uint32_t half = cc->in_flight / 2;
    return half > 2 * cc->mss ? half : 2 * cc->mss;
}

/* Applies a window change of `bytes` (any sign) through the fractional accumulator. A
 * decrease (OLIA moving window off a path that is not among the best) stops at 2 MSS and
 * takes ssthresh down with cwnd: it is still congestion avoidance, and without this the next
 * ACK would slow-start the window straight back (in Linux's mptcp_olia.c that interplay caps
 * the decrease at about ssthresh). */
static void apply_change(struct tcp_cc *cc, double bytes)
{
    struct mptcp_cc_priv *p = priv_of(cc);
    p->frac += bytes;
    double whole = trunc(p->frac);
    if (whole == 0)
        return;
    p->frac -= whole;
    if (whole > 0) {
        double room = (double)(UINT32_MAX - cc->cwnd);
        cc->cwnd += (uint32_t)(whole < room ? whole : room);
        return;
    }
    uint32_t floor_w = 2 * cc->mss;
    double dec = -whole;
    if (cc->cwnd <= floor_w)
        return;
    cc->cwnd = dec < (double)(cc->cwnd - floor_w) ? cc->cwnd - (uint32_t)dec : floor_w;
    if (cc->ssthresh > cc->cwnd)
        cc->ssthresh = cc->cwnd;
}

void mptcp_cc_cong_avoid(struct tcp_cc *cc, uint32_t acked, mptcp_cc_gain_fn gain)
{
    struct mptcp_cc_priv *p = priv_of(cc);
    if (cc->cwnd < cc->ssthresh) {
        acked = tcp_cc_slow_start(cc, acked); /* slow start is not coupled (RFC 6356 sec. 3) */
        if (!acked)
            return;
    }
    struct mptcp_cc_path paths[MPTCP_CC_MAX_SUBFLOWS];
    size_t self;
    size_t n = mptcp_cc_paths(cc, paths, &self);
    if (n < 2) {
        tcp_cc_reno_avoid(cc, acked, &p->acc);
        return;
    }
    apply_change(cc, (double)acked * gain(paths, n, self, (double)cc->mss));
}

void mptcp_cc_pkts_acked(struct tcp_cc *cc, uint32_t acked, sim_time_t rtt)
{
    (void)rtt;
    priv_of(cc)->since_loss += acked;
}

void mptcp_cc_cwnd_event(struct tcp_cc *cc, enum tcp_ca_event ev)
{
    struct mptcp_cc_priv *p = priv_of(cc);
    switch (ev) {
    case TCP_CA_EVENT_RECOVERY:
    case TCP_CA_EVENT_LOSS:
        /* OLIA's inter-loss distance: a loss with nothing acknowledged since the previous
         * one (repeated timeouts of one segment) does not start a new interval, as in
         * Linux's mptcp_olia_set_state. */
        if (p->since_loss) {
            p->loss_gap = p->since_loss;
            p->since_loss = 0;
        }
        p->in_recovery = ev == TCP_CA_EVENT_RECOVERY;
        break;
    case TCP_CA_EVENT_RECOVERY_END:
        p->in_recovery = false;
        break;
    case TCP_CA_EVENT_TX_START:
        break;
    }
}
