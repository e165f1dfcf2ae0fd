/* lte_rate.c - opportunity sources of an LTE cell: Mahimahi trace, Markov-modulated rate,
 * constant rate (see lte_rate.h). One ops table per source; the struct holds the fields of
 * all three (a few words each), so no source needs a second allocation besides its trace.
 */
#include "models/radio/lte_rate.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct lte_rate_ops {
    sim_time_t (*next)(struct lte_rate *r, sim_time_t now);
    void (*take)(struct lte_rate *r);
    double (*mean_bps)(const struct lte_rate *r);
};

struct markov_state {
    double rate_bps;
    double sojourn_s; /* mean */
};

struct lte_rate {
    const struct lte_rate_ops *ops;
    double bits;             /* one opportunity, in bits */
    /* trace */
    uint32_t *ms;            /* opportunity times within one period, non-decreasing */
    size_t n;
    uint64_t period_ms;      /* the last timestamp */
    uint64_t rep;            /* cursor: repetition and index of the next opportunity */
    size_t idx;
    /* markov */
    struct markov_state *states;
    size_t nstates, k;       /* current state */
    struct rng *rng;
    sim_time_t state_end;
    sim_time_t acc_t;        /* bits accrued toward the next opportunity, as of acc_t */
    double acc;
    sim_time_t next_t;       /* cached answer of next(); SIM_TIME_MAX: not computed */
    /* constant */
    sim_time_t spacing;
    uint64_t seq;            /* the next opportunity is at seq * spacing */
};

/* ---- trace ------------------------------------------------------------------------ */

static sim_time_t trace_time(const struct lte_rate *r)
{
    return (sim_time_t)(r->rep * r->period_ms + r->ms[r->idx]) * PS_PER_MS;
}

static sim_time_t trace_next(struct lte_rate *r, sim_time_t now)
{
    sim_time_t t = trace_time(r);
    if (t >= now)
        return t;
    /* Skip the idle gap: the first opportunity at or after now, by arithmetic on the
     * period and a binary search within it. */
    uint64_t now_ms = (uint64_t)((now + PS_PER_MS - 1) / PS_PER_MS);
    uint64_t off = now_ms % r->period_ms;
    r->rep = now_ms / r->period_ms;
    size_t lo = 0, hi = r->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (r->ms[mid] < off)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == r->n) {
        r->rep++;
        lo = 0;
    }
    r->idx = lo;
    return trace_time(r);
}

static void trace_take(struct lte_rate *r)
{
    if (++r->idx == r->n) {
        r->idx = 0;
        r->rep++;
    }
}

static double trace_mean(const struct lte_rate *r)
{
    return (double)r->n * r->bits / ((double)r->period_ms / 1000.0);
}

static const struct lte_rate_ops trace_ops = { trace_next, trace_take, trace_mean };

/* Reads one timestamp line; 0, or -1 with what was expected in err. */
static int parse_ms(const char *line, uint32_t *out, char *err, size_t errlen)
{
    const char *p = line;
    uint64_t v = 0;
    while (*p == ' ' || *p == '\t')
        p++;
    if (*p < '0' || *p > '9') {
        snprintf(err, errlen, "expected a timestamp in whole milliseconds (a non-negative "
                 "integer), found \"%.40s\"", line);
        return -1;
    }
    while (*p >= '0' && *p <= '9') {
        v = v * 10 + (uint64_t)(*p++ - '0');
        if (v > UINT32_MAX) {
            snprintf(err, errlen, "timestamp \"%.40s\" is beyond 2^32-1 ms", line);
            return -1;
        }
    }
    while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
        p++;
    if (*p) {
        snprintf(err, errlen, "expected only a timestamp in whole milliseconds on the line, "
                 "found \"%.40s\"", line);
        return -1;
    }
    *out = (uint32_t)v;
    return 0;
}

int lte_rate_new_trace(const char *path, bytes_t opportunity_bytes, struct lte_rate **out,
                       char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "%s: cannot open the trace: %s", path, strerror(errno));
        return -1;
    }
    struct lte_rate *r = calloc(1, sizeof *r);
    char *line = NULL, why[160];
    size_t cap = 0, lineno = 0, alloc = 0;
    if (!r)
        goto nomem;
    while (getline(&line, &cap, f) >= 0) {
        uint32_t v;
        lineno++;
        if (parse_ms(line, &v, why, sizeof why) < 0)
            goto bad;
        if (r->n && v < r->ms[r->n - 1]) {
            snprintf(why, sizeof why, "timestamps must not decrease: %u ms after %u ms", v,
                     r->ms[r->n - 1]);
            goto bad;
        }
        if (r->n == alloc) {
            alloc = alloc ? 2 * alloc : 1024;
            uint32_t *ms = realloc(r->ms, alloc * sizeof *ms);
            if (!ms)
                goto nomem;
            r->ms = ms;
        }
        r->ms[r->n++] = v;
    }
    if (ferror(f)) {
        snprintf(err, errlen, "%s: read error: %s", path, strerror(errno));
        goto fail;
    }
    if (r->n == 0) {
        snprintf(err, errlen, "%s: empty trace: expected one millisecond timestamp per line "
                 "(Mahimahi format)", path);
        goto fail;
    }
    if (r->ms[r->n - 1] == 0) {
        snprintf(why, sizeof why, "the last timestamp is the trace's period and must be "
                 "positive");
        goto bad;
    }
    free(line);
    fclose(f);
    r->ops = &trace_ops;
    r->bits = 8.0 * (double)opportunity_bytes;
    r->period_ms = r->ms[r->n - 1];
    *out = r;
    return 0;
bad:
    snprintf(err, errlen, "%s:%zu: %s", path, lineno, why);
    goto fail;
nomem:
    snprintf(err, errlen, "%s: out of memory", path);
fail:
    free(line);
    fclose(f);
    lte_rate_free(r);
    return -1;
}

/* ---- markov ----------------------------------------------------------------------- */

static void markov_enter(struct lte_rate *r, size_t k, sim_time_t at)
{
    r->k = k;
    r->state_end = time_add_sat(at, time_from_sec_f(rng_exponential(r->rng,
                                                                  r->states[k].sojourn_s)));
    if (r->state_end <= at)
        r->state_end = at + 1; /* a sojourn rounded to 0 ps still ends after it starts */
}

/* Leaves the current state at its end: the next one is uniform among the others. */
static void markov_switch(struct lte_rate *r)
{
    size_t k = r->k;
    if (r->nstates > 1) {
        k = rng_uniform_int(r->rng, (uint32_t)r->nstates - 1);
        if (k >= r->k)
            k++;
    }
    markov_enter(r, k, r->state_end);
}

/* Moves the accrual to time t (>= acc_t), through any state changes before it. */
static void markov_advance(struct lte_rate *r, sim_time_t t)
{
    while (r->state_end <= t) {
        r->acc += r->states[r->k].rate_bps * time_to_sec(r->state_end - r->acc_t);
        r->acc_t = r->state_end;
        markov_switch(r);
    }
    r->acc += r->states[r->k].rate_bps * time_to_sec(t - r->acc_t);
    r->acc_t = t;
}

static sim_time_t markov_next(struct lte_rate *r, sim_time_t now)
{
    if (r->next_t != SIM_TIME_MAX && r->next_t >= now)
        return r->next_t;
    if (now > r->acc_t) {
        markov_advance(r, now);
        r->acc = fmod(r->acc, r->bits); /* whole opportunities in the gap were lost */
    }
    for (;;) {
        double rate = r->states[r->k].rate_bps;
        if (rate > 0) {
            sim_time_t t = r->acc_t + (sim_time_t)ceil((r->bits - r->acc) / rate * 1e12);
            if (t <= r->state_end) {
                r->next_t = t;
                return t;
            }
        }
        markov_advance(r, r->state_end);
    }
}

static void markov_take(struct lte_rate *r)
{
    r->acc_t = r->next_t;
    r->acc = 0;
    r->next_t = SIM_TIME_MAX;
}

static double markov_mean_den(const struct lte_rate *r)
{
    double den = 0;
    for (size_t i = 0; i < r->nstates; i++)
        den += r->states[i].sojourn_s;
    return den;
}

/* The stationary average: state k holds for a fraction sojourn_k / sum of sojourns of the
 * time (the jump chain, uniform over the other states, is doubly stochastic, so it visits
 * every state equally often). */
static double markov_mean(const struct lte_rate *r)
{
    double num = 0;
    for (size_t i = 0; i < r->nstates; i++)
        num += r->states[i].rate_bps * r->states[i].sojourn_s;
    return num / markov_mean_den(r);
}

static const struct lte_rate_ops markov_ops = { markov_next, markov_take, markov_mean };

int lte_rate_new_markov(const char *spec, bytes_t opportunity_bytes, struct rng *rng,
                        struct lte_rate **out, char *err, size_t errlen)
{
    struct lte_rate *r = calloc(1, sizeof *r);
    char *copy = strdup(spec);
    char why[200];
    size_t nstates = 1, any_rate = 0;
    if (!r || !copy) {
        free(copy);
        free(r);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    for (const char *c = spec; *c; c++)
        nstates += *c == ',';
    r->states = calloc(nstates, sizeof *r->states);
    if (!r->states) {
        snprintf(err, errlen, "out of memory");
        goto fail;
    }
    char *save = NULL;
    for (char *item = strtok_r(copy, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
        char *slash = strchr(item, '/');
        bps_t rate;
        sim_time_t sojourn;
        if (!slash) {
            snprintf(err, errlen, "markov state %zu \"%s\": expected RATE/MEAN_SOJOURN, for "
                     "example 10Mbps/2s", r->nstates + 1, item);
            goto fail;
        }
        *slash = '\0';
        if (rate_parse(item, &rate, why, sizeof why) < 0 ||
            time_parse(slash + 1, &sojourn, why, sizeof why) < 0) {
            snprintf(err, errlen, "markov state %zu: %s", r->nstates + 1, why);
            goto fail;
        }
        if (sojourn <= 0) {
            snprintf(err, errlen, "markov state %zu: the mean sojourn \"%s\" must be positive",
                     r->nstates + 1, slash + 1);
            goto fail;
        }
        r->states[r->nstates++] = (struct markov_state){ (double)rate, time_to_sec(sojourn) };
        any_rate += rate > 0;
    }
    if (r->nstates != nstates || !any_rate) {
        snprintf(err, errlen, "markov spec \"%s\": expected comma-separated RATE/MEAN_SOJOURN "
                 "states, at least one with a positive rate", spec);
        goto fail;
    }
    free(copy);
    r->ops = &markov_ops;
    r->bits = 8.0 * (double)opportunity_bytes;
    r->rng = rng;
    r->next_t = SIM_TIME_MAX;
    /* Start in the stationary regime: a state drawn with probability proportional to its
     * mean sojourn, and (memoryless) a full exponential sojourn left. */
    double u = rng_uniform(rng) * markov_mean_den(r);
    size_t k = 0;
    while (k + 1 < r->nstates && u > r->states[k].sojourn_s) {
        u -= r->states[k].sojourn_s;
        k++;
    }
    markov_enter(r, k, 0);
    *out = r;
    return 0;
fail:
    free(copy);
    lte_rate_free(r);
    return -1;
}

/* ---- constant --------------------------------------------------------------------- */

static sim_time_t constant_next(struct lte_rate *r, sim_time_t now)
{
    sim_time_t t = (sim_time_t)r->seq * r->spacing;
    if (t >= now)
        return t;
    r->seq = (uint64_t)((now + r->spacing - 1) / r->spacing);
    return (sim_time_t)r->seq * r->spacing;
}

static void constant_take(struct lte_rate *r) { r->seq++; }

static double constant_mean(const struct lte_rate *r)
{
    return r->bits / time_to_sec(r->spacing);
}

static const struct lte_rate_ops constant_ops = { constant_next, constant_take,
                                                  constant_mean };

int lte_rate_new_constant(bps_t rate, bytes_t opportunity_bytes, struct lte_rate **out,
                          char *err, size_t errlen)
{
    if (rate == 0 || opportunity_bytes == 0) {
        snprintf(err, errlen, "a constant rate and the opportunity size must be positive");
        return -1;
    }
    struct lte_rate *r = calloc(1, sizeof *r);
    if (!r) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    r->ops = &constant_ops;
    r->bits = 8.0 * (double)opportunity_bytes;
    r->spacing = time_to_send(opportunity_bytes, rate);
    r->seq = 1; /* the first MTU is delivered once it has been sent at the rate */
    *out = r;
    return 0;
}

/* ---- common ----------------------------------------------------------------------- */

sim_time_t lte_rate_next(struct lte_rate *r, sim_time_t now) { return r->ops->next(r, now); }

void lte_rate_take(struct lte_rate *r) { r->ops->take(r); }

double lte_rate_mean_bps(const struct lte_rate *r) { return r->ops->mean_bps(r); }

void lte_rate_free(struct lte_rate *r)
{
    if (!r)
        return;
    free(r->ms);
    free(r->states);
    free(r);
}
