/* outage.c - scheduled and random on/off outages of a radio terminal (see outage.h). */
#include "models/radio/outage.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/rng.h"

struct interval {
    sim_time_t down, up;
};

struct outage {
    struct sched *sched;
    struct outage_target t;
    struct interval *iv;   /* schedule */
    size_t n, next;
    struct rng *rng;       /* random: NULL for a schedule */
    double mean_up_s, mean_down_s;
    bool down;
    sim_time_t down_since;
    event_id ev;
    struct outage_stats st;
};

static void change(struct outage *o, bool up)
{
    sim_time_t now = sched_now(o->sched);
    if (up) {
        o->st.down_ps += now - o->down_since;
    } else {
        o->st.downs++;
        o->down_since = now;
    }
    o->down = !up;
    o->t.set_up(o->t.radio, o->t.terminal, up);
}

static void schedule_fire(struct sched *s, void *ctx, void *arg)
{
    struct outage *o = ctx;
    (void)arg;
    o->ev = 0;
    if (!o->down) {
        change(o, false);
        o->ev = sched_at(s, o->iv[o->next].up, schedule_fire, o, NULL);
    } else {
        change(o, true);
        if (++o->next < o->n)
            o->ev = sched_at(s, o->iv[o->next].down, schedule_fire, o, NULL);
    }
}

static void random_fire(struct sched *s, void *ctx, void *arg)
{
    struct outage *o = ctx;
    (void)arg;
    change(o, o->down);
    double mean = o->down ? o->mean_down_s : o->mean_up_s;
    sim_time_t hold = time_from_sec_f(rng_exponential(o->rng, mean));
    o->ev = sched_in(s, hold > 0 ? hold : 1, random_fire, o, NULL);
}

/* Parses "START-END,..." into o->iv; 0 or -1 with a message. */
static int parse_schedule(struct outage *o, const char *spec, sim_time_t now, char *err,
                          size_t errlen)
{
    size_t cap = 1;
    for (const char *c = spec; *c; c++)
        cap += *c == ',';
    char *copy = strdup(spec);
    o->iv = calloc(cap, sizeof *o->iv);
    if (!copy || !o->iv) {
        free(copy);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    char *save = NULL, why[200];
    int rc = 0;
    sim_time_t prev_up = now;
    for (char *item = strtok_r(copy, ",", &save); item && rc == 0;
         item = strtok_r(NULL, ",", &save)) {
        size_t k = o->n + 1;
        /* The separator is the '-' after the first time's unit, so "-5ms" is never split. */
        char *dash = item;
        while (*dash == ' ')
            dash++;
        dash = strchr(dash + 1, '-');
        struct interval v;
        if (!dash) {
            snprintf(err, errlen, "outage interval %zu \"%s\": expected START-END, for "
                     "example 10s-12.5s", k, item);
            rc = -1;
            break;
        }
        *dash = '\0';
        if (time_parse(item, &v.down, why, sizeof why) < 0 ||
            time_parse(dash + 1, &v.up, why, sizeof why) < 0) {
            snprintf(err, errlen, "outage interval %zu: %s", k, why);
            rc = -1;
        } else if (v.up <= v.down) {
            snprintf(err, errlen, "outage interval %zu \"%s-%s\": the end must be after the "
                     "start", k, item, dash + 1);
            rc = -1;
        } else if (v.down < prev_up || (o->n > 0 && v.down == prev_up)) {
            snprintf(err, errlen, "outage interval %zu \"%s-%s\": intervals must be in "
                     "increasing order, disjoint, and not before the start of the run", k,
                     item, dash + 1);
            rc = -1;
        } else {
            o->iv[o->n++] = v;
            prev_up = v.up;
        }
    }
    if (rc == 0 && o->n == 0) {
        snprintf(err, errlen, "outage schedule \"%s\": expected START-END intervals", spec);
        rc = -1;
    }
    free(copy);
    return rc;
}

int outage_new_schedule(struct sched *s, const struct outage_target *t, const char *spec,
                        struct outage **out, char *err, size_t errlen)
{
    struct outage *o = calloc(1, sizeof *o);
    if (!o) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    o->sched = s;
    o->t = *t;
    if (parse_schedule(o, spec, sched_now(s), err, errlen) < 0) {
        outage_free(o);
        return -1;
    }
    o->ev = sched_at(s, o->iv[0].down, schedule_fire, o, NULL);
    *out = o;
    return 0;
}

int outage_new_random(struct sched *s, const struct outage_target *t, sim_time_t mean_up,
                      sim_time_t mean_down, const char *name, uint64_t seed, uint64_t run,
                      struct outage **out, char *err, size_t errlen)
{
    if (mean_up <= 0 || mean_down <= 0) {
        snprintf(err, errlen, "outage: the mean up and down durations must be positive");
        return -1;
    }
    char stream[256];
    snprintf(stream, sizeof stream, "%s/outage", name);
    struct outage *o = calloc(1, sizeof *o);
    if (!o || !(o->rng = rng_new(seed, run, stream))) {
        free(o);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    o->sched = s;
    o->t = *t;
    o->mean_up_s = time_to_sec(mean_up);
    o->mean_down_s = time_to_sec(mean_down);
    sim_time_t hold = time_from_sec_f(rng_exponential(o->rng, o->mean_up_s));
    o->ev = sched_in(s, hold > 0 ? hold : 1, random_fire, o, NULL);
    *out = o;
    return 0;
}

void outage_free(struct outage *o)
{
    if (!o)
        return;
    if (o->ev)
        sched_cancel(o->sched, o->ev);
    rng_free(o->rng);
    free(o->iv);
    free(o);
}

void outage_get_stats(const struct outage *o, struct outage_stats *out)
{
    *out = o->st;
    if (o->down)
        out->down_ps += sched_now(o->sched) - o->down_since;
}
