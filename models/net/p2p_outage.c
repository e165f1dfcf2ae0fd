/* p2p_outage.c - outages of a p2p link: the whole link (both directions) goes down and
 * comes back up, either at the times of a schedule ("2s-3s, 10s-10.5s") or as a random
 * alternating process with exponential up and down times (walking in and out of coverage),
 * drawn from the link's own stream "LINK/outage". The process starts up at time 0.
 *
 * While the link is down, packets handed to it are dropped and counted (down_drops): an
 * interface without carrier does not queue, as Linux drops at a device whose carrier is
 * off. Going down loses the queue's packets (down_flushed, as Linux resets the qdisc), the
 * packet being serialized and the packets propagating (down_lost). Each change is delivered
 * to both interfaces' on_state listeners at its exact time, after the losses. Statistics per
 * link, module "LINK": outages (down transitions), down_time (s). One pending event at a
 * time, whatever the schedule's length.
 *
 * Not modelled: handover between links (two links with complementary schedules express it),
 * link-layer detection delay (the change is seen at once).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/net/p2p_impl.h"

static void change(struct sched *s, void *ctx, void *arg);

static void schedule_next(struct p2p *l)
{
    struct p2p_outage *o = &l->outage;
    sim_time_t now = sched_now(l->sched);
    if (o->rng) {
        double mean = l->up ? o->up_mean_ps : o->down_mean_ps;
        sched_at(l->sched, time_add_sat(now, time_from_ps_f(rng_exponential(o->rng, mean))),
                 change, l, NULL);
    } else if (o->next < o->n) {
        sched_at(l->sched, o->at[o->next++], change, l, NULL);
    }
}

static void change(struct sched *s, void *ctx, void *arg)
{
    struct p2p *l = ctx;
    struct p2p_outage *o = &l->outage;
    (void)arg;
    if (l->up) {
        o->outages++;
        o->down_since = sched_now(s);
    } else {
        o->down_ps += sched_now(s) - o->down_since;
    }
    p2p_set_state(l, !l->up);
    schedule_next(l);
}

/* Parses "A-B, C-D" into o->at = {A, B, C, D}, strictly increasing. */
static int parse_schedule(struct p2p_outage *o, const char *text, char *err, size_t errlen)
{
    size_t cap = 0;
    const char *s = text;
    char why[160];
    while (*s) {
        sim_time_t t[2];
        for (int k = 0; k < 2; k++) {
            while (*s == ' ')
                s++;
            size_t len = strcspn(s, k ? ", " : "- ");
            char tok[64];
            if (len == 0 || len >= sizeof tok) {
                snprintf(why, sizeof why, "expected a time at \"%s\"", s);
                goto bad;
            }
            memcpy(tok, s, len);
            tok[len] = '\0';
            if (time_parse(tok, &t[k], why, sizeof why) < 0)
                goto bad;
            s += len;
            while (*s == ' ')
                s++;
            if (k == 0 && *s++ != '-') {
                snprintf(why, sizeof why, "expected START-END");
                goto bad;
            }
        }
        if (*s == ',')
            s++;
        if (t[0] < 0 || t[1] <= t[0] || (o->n && t[0] <= o->at[o->n - 1])) {
            snprintf(why, sizeof why, "intervals must be non-empty, in order, and disjoint");
            goto bad;
        }
        if (o->n + 2 > cap) {
            cap = cap ? 2 * cap : 8;
            sim_time_t *a = realloc(o->at, cap * sizeof *a);
            if (!a) {
                snprintf(why, sizeof why, "out of memory");
                goto bad;
            }
            o->at = a;
        }
        o->at[o->n++] = t[0];
        o->at[o->n++] = t[1];
    }
    return 0;
bad:
    snprintf(err, errlen, "outage \"%s\": %s", text, why);
    return -1;
}

int p2p_outage_init(struct p2p *l, struct model_ctx *ctx, char *err, size_t errlen)
{
    const struct p2p_config *c = &l->cfg;
    struct p2p_outage *o = &l->outage;
    bool random = c->outage_up_mean > 0 || c->outage_down_mean > 0;
    if (random && (c->outage_up_mean <= 0 || c->outage_down_mean <= 0)) {
        snprintf(err, errlen, "outage_up_mean and outage_down_mean must both be positive");
        return -1;
    }
    if (random && c->outage[0]) {
        snprintf(err, errlen, "outage (a schedule) and outage_up_mean/outage_down_mean (a "
                 "random process) cannot both be given");
        return -1;
    }
    if (random) {
        if (!(o->rng = model_ctx_rng(ctx, l->name, "outage"))) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
        o->up_mean_ps = (double)c->outage_up_mean;
        o->down_mean_ps = (double)c->outage_down_mean;
    } else if (parse_schedule(o, c->outage, err, errlen) < 0) {
        return -1;
    }
    schedule_next(l);
    return 0;
}

void p2p_outage_fini(struct p2p *l)
{
    free(l->outage.at);
}

void p2p_outage_record(struct p2p *l, struct results_run *run, sim_time_t now)
{
    const struct p2p_outage *o = &l->outage;
    for (int i = 0; i < 2; i++) {
        const struct p2p_dir *d = &l->dir[i];
        results_scalar(run, d->module, "down_drops", "pkt", (double)d->down_drops);
        results_scalar(run, d->module, "down_flushed", "pkt", (double)d->down_flushed);
        results_scalar(run, d->module, "down_lost", "pkt", (double)d->down_lost);
    }
    if (!o->rng && o->n == 0)
        return;
    sim_time_t down = o->down_ps + (l->up ? 0 : now - o->down_since);
    results_scalar(run, l->name, "outages", "", (double)o->outages);
    results_scalar(run, l->name, "down_time", "s", (double)down * 1e-12);
}
