/* lte.c - LTE cell: per-phone buffers, RR/PF scheduling over delivery opportunities, RRC
 * promotion, base latency (see lte.h).
 *
 * Per direction the phones with data (and connected, and up) form a circular doubly linked
 * list by index, in the order they became backlogged: round robin serves the head and moves
 * on, so a phone that just got data joins at the back, as in a DRR scheduler. Proportional
 * fair scans the list (O(backlogged phones) per opportunity, a multiply and a divide
 * each); the averages of all phones decay together, so they are stored scaled to a common
 * epoch (pf_update) and phones without data cost nothing. A heap on quality / scaled
 * average would make PF O(log n), since only the served phone's key changes; not needed
 * for the tens of backlogged phones of a cell (bench: make bench BENCHES=radio). Delivered packets wait on a FIFO delay line (base_delay is the same for
 * all, so delivery times are in order) with one pending event per direction.
 */
#include "models/radio/lte.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "models/radio/lte_rate.h"
#include "models/radio/radio_queue.h"
#include "sim/pkt_fifo.h"
#include "sim/rng.h"

#define NONE UINT32_MAX
#define LONG_AGO (INT64_MIN / 2) /* last activity of a phone that never had any */

struct phone {
    struct radio_queue q[2];
    uint32_t head_left[2]; /* bytes of the head packet still to deliver; 0: not started */
    double quality[2];
    double pf_scaled[2];   /* PF average served bytes / keep^(seq - pf_epoch): see pick() */
    uint32_t prev[2], next[2];
    bool active[2];
    bool up, promoting;
    event_id promo_ev;
    sim_time_t last_activity;
    uint64_t promotions;
    radio_deliver_fn deliver[2];
    void *deliver_ctx[2];
    radio_link_state_fn link_fn;
    void *link_ctx;
    struct lte_stats st[2];
};

struct lte_dir {
    enum radio_dir d;
    struct lte_rate *rate;
    struct rng *rng;
    uint32_t head, nactive;
    event_id opp_ev;
    uint64_t seq;          /* opportunities used so far */
    uint64_t pf_epoch;     /* opportunity the phones' pf_scaled are relative to */
    struct pkt_fifo line;  /* on the base-delay line, in delivery order */
    event_id line_ev;
};

struct lte {
    struct lte_config cfg;
    struct sched *sched;
    uint32_t n;
    struct phone *ph;
    struct lte_dir dir[2];
    double pf_keep;        /* 1 - 1/pf_window */
};

int lte_config_check(const struct lte_config *c, char *err, size_t errlen)
{
    const char *bad = NULL;
    if (c->phones < 1 || c->phones >= NONE)
        bad = "phones must be at least 1";
    else if (c->opportunity_bytes < 1 || c->opportunity_bytes > UINT32_MAX)
        bad = "opportunity_bytes must be positive";
    else if (c->scheduler != LTE_SCHED_RR && c->scheduler != LTE_SCHED_PF)
        bad = "scheduler must be rr or pf";
    else if (c->pf_window < 2)
        bad = "pf_window must be at least 2 opportunities";
    else if (c->base_delay < 0 || c->promotion_delay < 0 || c->inactivity_timeout < 0)
        bad = "base_delay, promotion_delay and inactivity_timeout must not be negative";
    else if ((c->down_trace[0] && c->down_markov[0]) || (c->up_trace[0] && c->up_markov[0]))
        bad = "give a direction a trace or a markov spec, not both";
    else if ((!c->down_trace[0] && !c->down_markov[0] && !c->down_rate) ||
             (!c->up_trace[0] && !c->up_markov[0] && !c->up_rate))
        bad = "down_rate and up_rate must be positive when no trace or markov spec is given";
    if (bad) {
        snprintf(err, errlen, "lte: %s", bad);
        return -1;
    }
    return 0;
}

/* ---- active lists ------------------------------------------------------------------ */

static void opp_fire(struct sched *s, void *ctx, void *arg);

static void kick(struct lte *cell, struct lte_dir *dir)
{
    if (dir->nactive == 0 || (dir->opp_ev && sched_is_pending(cell->sched, dir->opp_ev)))
        return;
    sim_time_t at = lte_rate_next(dir->rate, sched_now(cell->sched));
    dir->opp_ev = sched_at(cell->sched, at, opp_fire, cell, dir);
}

static void activate(struct lte *cell, struct lte_dir *dir, uint32_t i)
{
    struct phone *p = &cell->ph[i];
    enum radio_dir d = dir->d;
    if (p->active[d])
        return;
    p->active[d] = true;
    if (dir->nactive++ == 0) {
        dir->head = i;
        p->prev[d] = p->next[d] = i;
    } else { /* at the back: just before the head */
        uint32_t tail = cell->ph[dir->head].prev[d];
        p->prev[d] = tail;
        p->next[d] = dir->head;
        cell->ph[tail].next[d] = i;
        cell->ph[dir->head].prev[d] = i;
    }
    kick(cell, dir);
}

static void deactivate(struct lte *cell, struct lte_dir *dir, uint32_t i)
{
    struct phone *p = &cell->ph[i];
    enum radio_dir d = dir->d;
    if (!p->active[d])
        return;
    p->active[d] = false;
    if (--dir->nactive == 0) {
        dir->head = NONE;
        return;
    }
    cell->ph[p->prev[d]].next[d] = p->next[d];
    cell->ph[p->next[d]].prev[d] = p->prev[d];
    if (dir->head == i)
        dir->head = p->next[d];
}

/* ---- delivery ---------------------------------------------------------------------- */

static void line_fire(struct sched *s, void *ctx, void *arg)
{
    struct lte *cell = ctx;
    struct lte_dir *dir = arg;
    sim_time_t now = sched_now(s);
    dir->line_ev = 0;
    while (dir->line.head && radio_cb_get(dir->line.head).at <= now) {
        struct packet *p = pkt_fifo_pop(&dir->line);
        struct phone *ph = &cell->ph[radio_cb_get(p).terminal];
        ph->st[dir->d].delivered_packets++;
        ph->st[dir->d].delivered_bytes += pkt_wire_len(p);
        if (ph->deliver[dir->d])
            ph->deliver[dir->d](ph->deliver_ctx[dir->d], p);
        else
            pkt_free(p);
    }
    if (dir->line.head)
        dir->line_ev = sched_at(s, radio_cb_get(dir->line.head).at, line_fire, cell, dir);
}

static void line_push(struct lte *cell, struct lte_dir *dir, struct packet *p, uint32_t i)
{
    sim_time_t at = sched_now(cell->sched) + cell->cfg.base_delay;
    radio_cb_set(p, at, i, dir->d);
    pkt_fifo_push(&dir->line, p);
    if (!dir->line_ev)
        dir->line_ev = sched_at(cell->sched, at, line_fire, cell, dir);
}

/* ---- scheduling --------------------------------------------------------------------- */

static uint32_t pick(const struct lte *cell, const struct lte_dir *dir)
{
    if (cell->cfg.scheduler == LTE_SCHED_RR)
        return dir->head;
    /* PF: the largest quality / average, the first in list order on a tie. The average is
     * floored at 1e-9 bytes so that a phone never served (average 0) ranks first, ordered
     * by quality among such phones. Every average decays by the same factor per
     * opportunity, so each is stored divided by keep^(opportunities since the epoch) and
     * one pow() per opportunity restores them all: a multiply per phone, not a pow(). */
    double decay = pow(cell->pf_keep, (double)(dir->seq - 1 - dir->pf_epoch));
    uint32_t best = dir->head, i = dir->head;
    double best_m = -1;
    do {
        const struct phone *p = &cell->ph[i];
        double avg = fmax(p->pf_scaled[dir->d] * decay, 1e-9);
        double m = p->quality[dir->d] / avg;
        if (m > best_m) {
            best_m = m;
            best = i;
        }
        i = p->next[dir->d];
    } while (i != dir->head);
    return best;
}

/* The EWMA step of opportunity dir->seq: avg <- keep avg + served / window, for the served
 * phone explicitly and for the others through the common decay. Scaled averages grow as
 * keep^-(seq - epoch); before that leaves the comfortable range of a double (e^32 at most)
 * they are all brought back to a new epoch, O(phones) once per 32 windows. */
static void pf_update(struct lte *cell, struct lte_dir *dir, struct phone *p, uint64_t served)
{
    enum radio_dir d = dir->d;
    double grow = pow(cell->pf_keep, -(double)(dir->seq - dir->pf_epoch));
    p->pf_scaled[d] += (double)served / (double)cell->cfg.pf_window * grow;
    if (dir->seq - dir->pf_epoch >= 32 * cell->cfg.pf_window) {
        double shrink = 1.0 / grow;
        for (uint32_t i = 0; i < cell->n; i++)
            cell->ph[i].pf_scaled[d] *= shrink;
        dir->pf_epoch = dir->seq;
    }
}

static void opp_fire(struct sched *s, void *ctx, void *arg)
{
    struct lte *cell = ctx;
    struct lte_dir *dir = arg;
    enum radio_dir d = dir->d;
    sim_time_t now = sched_now(s);
    dir->opp_ev = 0;
    lte_rate_take(dir->rate);
    if (dir->nactive == 0)
        return; /* the phones with data left (an outage): the opportunity is lost */
    dir->seq++;
    uint32_t i = pick(cell, dir);
    struct phone *p = &cell->ph[i];
    uint64_t credit = (uint64_t)((double)cell->cfg.opportunity_bytes * p->quality[d]);
    uint64_t served = 0;
    while (credit > 0 && !radio_queue_empty(&p->q[d])) {
        struct packet *head = radio_queue_head(&p->q[d]);
        uint64_t left = p->head_left[d] ? p->head_left[d] : pkt_wire_len(head);
        if (left <= credit) {
            credit -= left;
            served += left;
            p->head_left[d] = 0;
            line_push(cell, dir, radio_queue_pop(&p->q[d]), i);
        } else {
            p->head_left[d] = (uint32_t)(left - credit);
            served += credit;
            credit = 0;
        }
    }
    p->st[d].opportunities++;
    p->last_activity = now;
    if (cell->cfg.scheduler == LTE_SCHED_PF)
        pf_update(cell, dir, p, served);
    if (dir->head == i)
        dir->head = p->next[d]; /* round robin: the served phone goes to the back */
    if (radio_queue_empty(&p->q[d]))
        deactivate(cell, dir, i);
    kick(cell, dir);
}

/* ---- RRC -------------------------------------------------------------------------- */

static void promo_fire(struct sched *s, void *ctx, void *arg)
{
    struct lte *cell = ctx;
    struct phone *p = arg;
    uint32_t i = (uint32_t)(p - cell->ph);
    p->promo_ev = 0;
    p->promoting = false;
    p->last_activity = sched_now(s);
    for (int d = 0; d < 2; d++)
        if (!radio_queue_empty(&p->q[d]))
            activate(cell, &cell->dir[d], i);
}

int lte_enqueue(struct lte *cell, uint32_t phone, enum radio_dir dir, struct packet *pk)
{
    assert(phone < cell->n);
    struct phone *p = &cell->ph[phone];
    sim_time_t now = sched_now(cell->sched);
    if (!p->up) {
        p->st[dir].outage_drops++;
        pkt_free(pk);
        return -1;
    }
    bool idle = !p->promoting && radio_queue_empty(&p->q[0]) && radio_queue_empty(&p->q[1]) &&
                now - p->last_activity >= cell->cfg.inactivity_timeout;
    if (radio_queue_push(&p->q[dir], pk, now) < 0) {
        p->st[dir].queue_drops++;
        pkt_free(pk);
        return -1;
    }
    if (idle && cell->cfg.promotion_delay > 0) {
        p->promoting = true;
        p->promotions++;
        p->promo_ev = sched_in(cell->sched, cell->cfg.promotion_delay, promo_fire, cell, p);
        return 0;
    }
    if (idle)
        p->promotions++;
    if (!p->promoting) {
        p->last_activity = now;
        activate(cell, &cell->dir[dir], phone);
    }
    return 0;
}

void lte_link_set_up(void *lte, uint32_t phone, bool up)
{
    struct lte *cell = lte;
    assert(phone < cell->n);
    struct phone *p = &cell->ph[phone];
    if (p->up == up)
        return;
    p->up = up;
    if (!up) {
        for (int d = 0; d < 2; d++) {
            deactivate(cell, &cell->dir[d], phone);
            p->st[d].outage_drops += radio_queue_purge(&p->q[d], NULL, NULL);
            p->head_left[d] = 0;
        }
        if (p->promo_ev)
            sched_cancel(cell->sched, p->promo_ev);
        p->promo_ev = 0;
        p->promoting = false;
        p->last_activity = LONG_AGO; /* back in coverage, the radio starts idle */
    }
    if (p->link_fn)
        p->link_fn(p->link_ctx, up);
}

/* ---- the rest of the interface ---------------------------------------------------- */

bool lte_link_is_up(const struct lte *cell, uint32_t phone) { return cell->ph[phone].up; }

uint32_t lte_phones(const struct lte *cell) { return cell->n; }

void lte_set_deliver(struct lte *cell, uint32_t phone, enum radio_dir dir,
                     radio_deliver_fn fn, void *ctx)
{
    cell->ph[phone].deliver[dir] = fn;
    cell->ph[phone].deliver_ctx[dir] = ctx;
}

void lte_set_link_state_cb(struct lte *cell, uint32_t phone, radio_link_state_fn fn,
                           void *ctx)
{
    cell->ph[phone].link_fn = fn;
    cell->ph[phone].link_ctx = ctx;
}

void lte_set_quality(struct lte *cell, uint32_t phone, enum radio_dir dir, double quality)
{
    assert(phone < cell->n && quality > 0 && quality <= 1);
    cell->ph[phone].quality[dir] = quality;
}

void lte_get_stats(const struct lte *cell, uint32_t phone, enum radio_dir dir,
                   struct lte_stats *out)
{
    *out = cell->ph[phone].st[dir];
}

uint64_t lte_promotions(const struct lte *cell, uint32_t phone)
{
    return cell->ph[phone].promotions;
}

double lte_mean_rate_bps(const struct lte *cell, enum radio_dir dir)
{
    return lte_rate_mean_bps(cell->dir[dir].rate);
}

static int make_rate(struct lte_dir *dir, const char *trace, const char *markov, bps_t rate,
                     const struct lte_config *c, const char *name, uint64_t seed,
                     uint64_t run, char *err, size_t errlen)
{
    const char *which = dir->d == RADIO_DOWN ? "down" : "up";
    char why[400];
    int rc;
    if (trace[0]) {
        rc = lte_rate_new_trace(trace, c->opportunity_bytes, &dir->rate, why, sizeof why);
    } else if (markov[0]) {
        char stream[PARAM_STRING_MAX + 16];
        snprintf(stream, sizeof stream, "%s/%s-rate", name, which);
        if (!(dir->rng = rng_new(seed, run, stream))) {
            snprintf(err, errlen, "lte: out of memory");
            return -1;
        }
        rc = lte_rate_new_markov(markov, c->opportunity_bytes, dir->rng, &dir->rate, why,
                                 sizeof why);
    } else {
        rc = lte_rate_new_constant(rate, c->opportunity_bytes, &dir->rate, why, sizeof why);
    }
    if (rc < 0)
        snprintf(err, errlen, "lte: %s_%s: %s", which,
                 trace[0] ? "trace" : markov[0] ? "markov" : "rate", why);
    return rc;
}

int lte_new(struct sched *s, const struct lte_config *c, const char *name, uint64_t seed,
            uint64_t run, struct lte **out, char *err, size_t errlen)
{
    if (lte_config_check(c, err, errlen) < 0)
        return -1;
    struct lte *cell = calloc(1, sizeof *cell);
    if (!cell || !(cell->ph = calloc(c->phones, sizeof *cell->ph))) {
        free(cell);
        snprintf(err, errlen, "lte: out of memory");
        return -1;
    }
    cell->cfg = *c;
    cell->sched = s;
    cell->n = (uint32_t)c->phones;
    cell->pf_keep = 1.0 - 1.0 / (double)c->pf_window;
    for (int d = 0; d < 2; d++) {
        cell->dir[d].d = (enum radio_dir)d;
        cell->dir[d].head = NONE;
    }
    for (uint32_t i = 0; i < cell->n; i++) {
        struct phone *p = &cell->ph[i];
        radio_queue_init(&p->q[RADIO_DOWN], 0, c->bs_buffer);
        radio_queue_init(&p->q[RADIO_UP], 0, c->phone_buffer);
        p->quality[0] = p->quality[1] = 1.0;
        p->up = true;
        p->last_activity = LONG_AGO;
    }
    if (make_rate(&cell->dir[RADIO_DOWN], c->down_trace, c->down_markov, c->down_rate, c, name,
                  seed, run, err, errlen) < 0 ||
        make_rate(&cell->dir[RADIO_UP], c->up_trace, c->up_markov, c->up_rate, c, name, seed,
                  run, err, errlen) < 0) {
        lte_free(cell);
        return -1;
    }
    *out = cell;
    return 0;
}

void lte_free(struct lte *cell)
{
    if (!cell)
        return;
    for (int d = 0; d < 2; d++) {
        struct lte_dir *dir = &cell->dir[d];
        if (dir->opp_ev)
            sched_cancel(cell->sched, dir->opp_ev);
        if (dir->line_ev)
            sched_cancel(cell->sched, dir->line_ev);
        pkt_fifo_clear(&dir->line);
        lte_rate_free(dir->rate);
        rng_free(dir->rng);
    }
    for (uint32_t i = 0; i < cell->n; i++) {
        struct phone *p = &cell->ph[i];
        if (p->promo_ev)
            sched_cancel(cell->sched, p->promo_ev);
        radio_queue_purge(&p->q[0], NULL, NULL);
        radio_queue_purge(&p->q[1], NULL, NULL);
    }
    free(cell->ph);
    free(cell);
}
