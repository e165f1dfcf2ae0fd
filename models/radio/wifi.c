/* wifi.c - 802.11 DCF basic access on one shared channel (see wifi.h).
 *
 * How time is handled. The medium alternates between busy periods (frames, SIFS, ACKs) and
 * idle periods. Every backoff counter is kept relative to one reference, count_start: the
 * end of the last busy period plus DIFS (or EIFS), the instant idle slots start to count.
 * A contender with counter k transmits at count_start + k * slot unless the medium becomes
 * busy first. So one scheduler event suffices per contention round: at the earliest backoff
 * end, every counter is reduced by the idle slots that elapsed (frozen from then on while
 * the medium is busy), the contenders at zero transmit, and the outcome fixes the next
 * count_start. Idle slots are never scheduled one by one: a round costs one event plus a
 * scan of the N+1 contenders (O(N), fine for a cell's tens of stations), and a delivered
 * frame one more event at its reception time. An arrival at an empty queue costs O(1)
 * unless it makes the next round earlier.
 *
 * Rules (IEEE 802.11-2016 10.3.3, 10.3.4): a frame arriving at a contender with no backoff
 * pending, while the medium has been idle for DIFS, is sent at the next slot boundary (the
 * slotted form of immediate access; it collides with anyone whose counter ends there);
 * arriving while the medium is busy or within DIFS, it draws a backoff. After every
 * transmission, success or drop, a new backoff is drawn (post-backoff), counted down even
 * with an empty queue. A failure doubles CW (CW <- 2 CW + 1, up to CWmax); a success or a
 * drop resets it to CWmin. After a failed exchange every contender defers EIFS (the
 * transmitters' ACKTimeout + DIFS is within a slot of it) or, for Bianchi's model, DIFS.
 */
#include "models/radio/wifi.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>

#include "models/radio/radio_queue.h"
#include "sim/rng.h"

#define BO_NONE INT64_C(-1)

struct contender {
    struct radio_queue q;
    int64_t bo;        /* idle slots left, counted from w->count_start; BO_NONE: none */
    uint64_t cw;
    uint64_t failures; /* failed attempts of the head frame */
};

struct station {
    radio_deliver_fn deliver[2];
    void *deliver_ctx[2];
    radio_link_state_fn link_fn;
    void *link_ctx;
    struct wifi_stats st[2];
    bool up;
};

struct wifi {
    struct wifi_config cfg;
    struct sched *sched;
    struct rng *backoff_rng, *loss_rng;
    uint32_t n;              /* stations; contender n is the AP */
    struct contender *con;
    struct station *sta;
    struct contender **tx;   /* scratch: a round's transmitters */
    sim_time_t count_start;  /* idle slots count from here */
    event_id round_ev;
    sim_time_t round_at;
    struct packet *in_air;   /* an acknowledged frame until its reception time (one at most:
                              * it is received before the exchange ends) */
    event_id air_ev;
    sim_time_t ack_time;
    struct wifi_channel_stats ch;
};

sim_time_t wifi_data_time(const struct wifi_config *c, bytes_t bytes)
{
    return c->plcp_time + time_to_send(c->mac_overhead + bytes, c->data_rate);
}

sim_time_t wifi_ack_time(const struct wifi_config *c)
{
    return c->plcp_time + time_to_send(c->ack_bytes, c->basic_rate);
}

int wifi_config_check(const struct wifi_config *c, char *err, size_t errlen)
{
    const char *bad = NULL;
    if (c->stations < 1 || c->stations > UINT32_MAX - 1)
        bad = "stations must be at least 1";
    else if (c->slot <= 0)
        bad = "slot must be positive";
    else if (c->sifs < 0 || c->difs < 0 || c->plcp_time < 0 || c->prop_delay < 0)
        bad = "sifs, difs, plcp_time and prop_delay must not be negative";
    else if (c->cw_min < 1 || c->cw_max < c->cw_min || c->cw_max > UINT32_MAX - 1)
        bad = "cw_min must be at least 1 and cw_max at least cw_min";
    else if (c->data_rate == 0 || c->basic_rate == 0)
        bad = "data_rate and basic_rate must be positive";
    else if (!(c->loss >= 0 && c->loss <= 1))
        bad = "loss must be in [0, 1]";
    else if (c->after_failure != WIFI_AFTER_FAILURE_EIFS &&
             c->after_failure != WIFI_AFTER_FAILURE_DIFS)
        bad = "after_failure must be eifs or difs";
    if (bad) {
        snprintf(err, errlen, "wifi: %s", bad);
        return -1;
    }
    return 0;
}

static void draw_backoff(struct wifi *w, struct contender *c)
{
    c->bo = rng_uniform_int(w->backoff_rng, (uint32_t)c->cw + 1);
}

static struct wifi_stats *head_stats(struct wifi *w, struct contender *c)
{
    if (c == &w->con[w->n])
        return &w->sta[radio_cb_get(radio_queue_head(&c->q)).terminal].st[RADIO_DOWN];
    return &w->sta[c - w->con].st[RADIO_UP];
}

static void round_fire(struct sched *s, void *ctx, void *arg);

static void schedule_round(struct wifi *w, sim_time_t at)
{
    if (w->round_ev && sched_is_pending(w->sched, w->round_ev)) {
        if (at != w->round_at)
            sched_reschedule(w->sched, w->round_ev, at);
    } else {
        w->round_ev = sched_at(w->sched, at, round_fire, w, NULL);
    }
    w->round_at = at;
}

/* Schedules the round at the earliest backoff end of a backlogged contender, if any. */
static void next_round(struct wifi *w)
{
    int64_t min = INT64_MAX;
    for (uint32_t i = 0; i <= w->n; i++) {
        const struct contender *c = &w->con[i];
        if (!radio_queue_empty(&c->q) && c->bo >= 0 && c->bo < min)
            min = c->bo;
    }
    if (min == INT64_MAX) {
        if (w->round_ev)
            sched_cancel(w->sched, w->round_ev);
        w->round_ev = 0;
        return;
    }
    schedule_round(w, w->count_start + min * w->cfg.slot);
}

static void deliver_fire(struct sched *s, void *ctx, void *arg)
{
    struct wifi *w = ctx;
    struct packet *p = w->in_air;
    (void)s;
    (void)arg;
    w->in_air = NULL;
    w->air_ev = 0;
    struct radio_cb cb = radio_cb_get(p);
    struct station *st = &w->sta[cb.terminal];
    st->st[cb.dir].delivered_packets++;
    st->st[cb.dir].delivered_bytes += pkt_wire_len(p);
    if (st->deliver[cb.dir])
        st->deliver[cb.dir](st->deliver_ctx[cb.dir], p);
    else
        pkt_free(p);
}

static void succeed(struct wifi *w, struct contender *c, sim_time_t now, sim_time_t data)
{
    struct wifi_stats *st = head_stats(w, c);
    struct packet *p = radio_queue_pop(&c->q);
    assert(!w->in_air); /* the previous frame was received before its exchange ended */
    struct radio_cb cb = radio_cb_get(p);
    sim_time_t rx_at = now + data + w->cfg.prop_delay;
    sim_time_t busy_end = rx_at + w->cfg.sifs + w->ack_time + w->cfg.prop_delay;
    st->successes++;
    radio_cb_set(p, rx_at, cb.terminal, (enum radio_dir)cb.dir);
    w->in_air = p;
    w->air_ev = sched_at(w->sched, rx_at, deliver_fire, w, NULL);
    c->failures = 0;
    c->cw = w->cfg.cw_min;
    draw_backoff(w, c);
    w->count_start = busy_end + w->cfg.difs;
    w->ch.successes++;
    w->ch.busy_ps += busy_end - now;
}

static void fail(struct wifi *w, struct contender *c)
{
    struct wifi_stats *st = head_stats(w, c);
    st->failures++;
    c->failures++;
    if (w->cfg.retry_limit && c->failures >= w->cfg.retry_limit) {
        pkt_free(radio_queue_pop(&c->q));
        st->retry_drops++;
        c->failures = 0;
        c->cw = w->cfg.cw_min;
    } else {
        c->cw = c->cw * 2 + 1 < w->cfg.cw_max ? c->cw * 2 + 1 : w->cfg.cw_max;
    }
    draw_backoff(w, c);
}

/* The earliest backoff has ended: count the idle slots, find who transmits, settle it. */
static void round_fire(struct sched *s, void *ctx, void *arg)
{
    struct wifi *w = ctx;
    (void)arg;
    sim_time_t now = sched_now(s);
    int64_t k = (now - w->count_start) / w->cfg.slot;
    size_t ntx = 0;
    w->round_ev = 0;
    for (uint32_t i = 0; i <= w->n; i++) {
        struct contender *c = &w->con[i];
        if (c->bo < 0)
            continue;
        c->bo -= k;
        if (radio_queue_empty(&c->q)) {
            if (c->bo <= 0)
                c->bo = BO_NONE; /* post-backoff over */
        } else if (c->bo == 0) {
            w->tx[ntx++] = c;
        }
    }
    w->count_start = now;
    if (ntx == 0) { /* the contender this round was for left (an outage) */
        next_round(w);
        return;
    }
    sim_time_t longest = 0;
    for (size_t i = 0; i < ntx; i++) {
        sim_time_t d = wifi_data_time(&w->cfg, pkt_wire_len(radio_queue_head(&w->tx[i]->q)));
        longest = d > longest ? d : longest;
        head_stats(w, w->tx[i])->attempts++;
    }
    w->ch.rounds++;
    bool ok = ntx == 1;
    if (ok && w->tx[0] == &w->con[w->n])
        ok = w->sta[radio_cb_get(radio_queue_head(&w->tx[0]->q)).terminal].up;
    if (ok && w->cfg.loss > 0)
        ok = !rng_bernoulli(w->loss_rng, w->cfg.loss);
    if (ok) {
        succeed(w, w->tx[0], now, longest);
    } else {
        sim_time_t busy_end = now + longest + w->cfg.prop_delay;
        w->count_start = busy_end + w->cfg.difs;
        if (w->cfg.after_failure == WIFI_AFTER_FAILURE_EIFS)
            w->count_start += w->cfg.sifs + w->ack_time;
        w->ch.busy_ps += busy_end - now;
        if (ntx > 1)
            w->ch.collisions++;
        for (size_t i = 0; i < ntx; i++)
            fail(w, w->tx[i]);
    }
    next_round(w);
}

int wifi_enqueue(struct wifi *w, uint32_t sta, enum radio_dir dir, struct packet *p)
{
    assert(sta < w->n);
    struct station *st = &w->sta[sta];
    struct contender *c = dir == RADIO_UP ? &w->con[sta] : &w->con[w->n];
    sim_time_t now = sched_now(w->sched);
    if (!st->up) {
        st->st[dir].outage_drops++;
        pkt_free(p);
        return -1;
    }
    bool was_empty = radio_queue_empty(&c->q);
    radio_cb_set(p, 0, sta, dir);
    if (radio_queue_push(&c->q, p, now) < 0) {
        st->st[dir].queue_drops++;
        pkt_free(p);
        return -1;
    }
    if (!was_empty)
        return 0;
    bool idle = now >= w->count_start;
    /* A post-backoff that ended during this idle period is no backoff at all. */
    if (c->bo >= 0 && idle && w->count_start + c->bo * w->cfg.slot < now)
        c->bo = BO_NONE;
    if (c->bo == BO_NONE) {
        if (idle)
            c->bo = (now - w->count_start + w->cfg.slot - 1) / w->cfg.slot;
        else
            draw_backoff(w, c);
    }
    sim_time_t at = w->count_start + c->bo * w->cfg.slot;
    if (!w->round_ev || !sched_is_pending(w->sched, w->round_ev) || at < w->round_at)
        schedule_round(w, at);
    return 0;
}

static bool not_for_station(const struct packet *p, void *arg)
{
    return radio_cb_get(p).terminal != *(const uint32_t *)arg;
}

void wifi_link_set_up(void *wifi, uint32_t sta, bool up)
{
    struct wifi *w = wifi;
    assert(sta < w->n);
    struct station *st = &w->sta[sta];
    if (st->up == up)
        return;
    st->up = up;
    if (!up) {
        struct contender *c = &w->con[sta];
        st->st[RADIO_UP].outage_drops += radio_queue_purge(&c->q, NULL, NULL);
        c->bo = BO_NONE;
        c->failures = 0;
        c->cw = w->cfg.cw_min;
        struct contender *ap = &w->con[w->n];
        const struct packet *head = radio_queue_head(&ap->q);
        st->st[RADIO_DOWN].outage_drops += radio_queue_purge(&ap->q, not_for_station, &sta);
        /* the AP's head frame went: its retry state goes too */
        if (radio_queue_head(&ap->q) != head) {
            ap->failures = 0;
            ap->cw = w->cfg.cw_min;
        }
        next_round(w);
    }
    if (st->link_fn)
        st->link_fn(st->link_ctx, up);
}

bool wifi_link_is_up(const struct wifi *w, uint32_t sta) { return w->sta[sta].up; }

uint32_t wifi_stations(const struct wifi *w) { return w->n; }

void wifi_set_deliver(struct wifi *w, uint32_t sta, enum radio_dir dir, radio_deliver_fn fn,
                      void *ctx)
{
    w->sta[sta].deliver[dir] = fn;
    w->sta[sta].deliver_ctx[dir] = ctx;
}

void wifi_set_link_state_cb(struct wifi *w, uint32_t sta, radio_link_state_fn fn, void *ctx)
{
    w->sta[sta].link_fn = fn;
    w->sta[sta].link_ctx = ctx;
}

void wifi_get_stats(const struct wifi *w, uint32_t sta, enum radio_dir dir,
                    struct wifi_stats *out)
{
    *out = w->sta[sta].st[dir];
}

void wifi_get_channel_stats(const struct wifi *w, struct wifi_channel_stats *out)
{
    *out = w->ch;
}

int wifi_new(struct sched *s, const struct wifi_config *c, const char *name, uint64_t seed,
             uint64_t run, struct wifi **out, char *err, size_t errlen)
{
    if (wifi_config_check(c, err, errlen) < 0)
        return -1;
    char stream[256];
    struct wifi *w = calloc(1, sizeof *w);
    if (!w)
        goto nomem;
    w->cfg = *c;
    w->sched = s;
    w->n = (uint32_t)c->stations;
    w->con = calloc(w->n + 1, sizeof *w->con);
    w->sta = calloc(w->n, sizeof *w->sta);
    w->tx = calloc(w->n + 1, sizeof *w->tx);
    snprintf(stream, sizeof stream, "%s/backoff", name);
    w->backoff_rng = rng_new(seed, run, stream);
    snprintf(stream, sizeof stream, "%s/loss", name);
    w->loss_rng = rng_new(seed, run, stream);
    if (!w->con || !w->sta || !w->tx || !w->backoff_rng || !w->loss_rng)
        goto nomem;
    for (uint32_t i = 0; i <= w->n; i++) {
        radio_queue_init(&w->con[i].q, c->queue_packets, c->queue_bytes);
        w->con[i].bo = BO_NONE;
        w->con[i].cw = c->cw_min;
    }
    for (uint32_t i = 0; i < w->n; i++)
        w->sta[i].up = true;
    w->ack_time = wifi_ack_time(c);
    w->count_start = sched_now(s); /* the medium has been idle for DIFS at the start */
    *out = w;
    return 0;
nomem:
    wifi_free(w);
    snprintf(err, errlen, "wifi: out of memory");
    return -1;
}

void wifi_free(struct wifi *w)
{
    if (!w)
        return;
    if (w->con)
        for (uint32_t i = 0; i <= w->n; i++)
            radio_queue_purge(&w->con[i].q, NULL, NULL);
    if (w->round_ev)
        sched_cancel(w->sched, w->round_ev);
    if (w->air_ev)
        sched_cancel(w->sched, w->air_ev);
    pkt_free(w->in_air);
    rng_free(w->backoff_rng);
    rng_free(w->loss_rng);
    free(w->con);
    free(w->sta);
    free(w->tx);
    free(w);
}
