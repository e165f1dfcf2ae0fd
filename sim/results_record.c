/* results_record.c - the recording API models call: scalars, vectors, histograms, rules.
 *
 * Everything a model records is buffered in memory and written in batches: vector samples
 * when RESULTS_BATCH_SAMPLES are pending over the whole run (or RESULTS_BATCH_SCALARS
 * scalars), and the rest by results_run_end in its final transaction. A batch costs one
 * transaction, a prepared statement and one row per sample; the per-sample path is an append
 * to an array that stops growing after warm-up. Whether a statistic is recorded is decided
 * once, when its handle is created, by the run's rules (results.h); a disabled vector or
 * histogram is a NULL handle that the inline adders skip.
 *
 * Not here: writing the buffers (results_flush.c), the runs rows and the final status
 * (results_run.c), the schema (results_db.c).
 */
#include <fnmatch.h>
#include <gsl/gsl_histogram.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/results.h"
#include "sim/results_impl.h"

/* Room for one more element in an array of n elements of elem bytes with capacity *cap:
 * returns the (possibly moved) array, or NULL when memory is short (the old one is kept). */
static void *grow(void *arr, size_t n, size_t *cap, size_t elem)
{
    if (n < *cap)
        return arr;
    size_t c = *cap ? 2 * *cap : 16;
    void *a = realloc(arr, c * elem);
    if (a)
        *cap = c;
    return a;
}

/* ---- rules ----------------------------------------------------------------------------- */

static int parse_pattern(const char *pattern, enum rule_kind *kind, const char **glob,
                         char *err, size_t errlen)
{
    static const struct { const char *name; enum rule_kind kind; } kinds[] = {
        { "scalar", RULE_SCALAR }, { "vector", RULE_VECTOR },
        { "histogram", RULE_HISTOGRAM }, { "*", RULE_ANY },
    };
    const char *colon = pattern ? strchr(pattern, ':') : NULL;
    *kind = RULE_ANY;
    *glob = pattern;
    if (colon) {
        size_t n = (size_t)(colon - pattern);
        size_t i = 0;
        while (i < sizeof kinds / sizeof kinds[0] &&
               !(strlen(kinds[i].name) == n && strncmp(kinds[i].name, pattern, n) == 0))
            i++;
        if (i == sizeof kinds / sizeof kinds[0]) {
            snprintf(err, errlen,
                     "record pattern \"%s\": unknown kind \"%.*s\"; expected scalar:, "
                     "vector:, histogram: or *: before the MODULE.NAME glob",
                     pattern, (int)n, pattern);
            return RESULTS_EPATTERN;
        }
        *kind = kinds[i].kind;
        *glob = colon + 1;
    }
    if (!*glob || !**glob) {
        snprintf(err, errlen, "record pattern \"%s\": expected a MODULE.NAME glob such as "
                 "\"*.cwnd\" or \"vector:phone*.*\"", pattern ? pattern : "");
        return RESULTS_EPATTERN;
    }
    /* fnmatch takes an unclosed '[' literally; in a rule it is always a typo. */
    for (const char *p = *glob; *p; p++) {
        if (*p == '[' && !strchr(p + 1, ']')) {
            snprintf(err, errlen, "record pattern \"%s\": '[' at offset %d is never closed",
                     pattern, (int)(p - pattern));
            return RESULTS_EPATTERN;
        }
    }
    return 0;
}

int results_pattern_check(const char *pattern, char *err, size_t errlen)
{
    enum rule_kind kind;
    const char *glob;
    return parse_pattern(pattern, &kind, &glob, err, errlen);
}

static int add_rule(struct results_run *run, const char *pattern, bool on, sim_time_t interval,
                    char *err, size_t errlen)
{
    enum rule_kind kind;
    const char *glob;
    int rc = parse_pattern(pattern, &kind, &glob, err, errlen);
    if (rc < 0)
        return rc;
    struct results_rule *rules = grow(run->rules, run->nrules, &run->caprules, sizeof *rules);
    if (!rules)
        goto nomem;
    run->rules = rules;
    struct results_rule *r = &rules[run->nrules];
    if (!(r->glob = strdup(glob)))
        goto nomem;
    r->kind = kind;
    r->on = on;
    r->interval = interval;
    run->nrules++;
    return 0;
nomem:
    snprintf(err, errlen, "out of memory");
    return RESULTS_EFAIL;
}

int results_enable(struct results_run *run, const char *pattern, bool on, char *err,
                   size_t errlen)
{
    return add_rule(run, pattern, on, 0, err, errlen);
}

int results_sample_every(struct results_run *run, const char *pattern, sim_time_t interval,
                         char *err, size_t errlen)
{
    if (interval <= 0) {
        snprintf(err, errlen, "record pattern \"%s\": sampling interval must be > 0",
                 pattern ? pattern : "");
        return RESULTS_EPATTERN;
    }
    return add_rule(run, pattern, true, interval, err, errlen);
}

/* Checks the names and applies the rules (the last match decides); false: do not record. */
static bool decide(struct results_run *run, enum rule_kind kind, const char *module,
                   const char *name, sim_time_t *interval)
{
    static const char *const kind_names[] = { "", "scalar", "vector", "histogram" };
    *interval = 0;
    if (!module || !*module || !name || !*name || strchr(name, '.')) {
        results_run_fail(run, "%s \"%s.%s\": expected a non-empty module and a name without "
                         "dots", kind_names[kind], module ? module : "", name ? name : "");
        return false;
    }
    if (run->nrules == 0)
        return true;
    char stack[256], *key = stack;
    size_t lm = strlen(module), ln = strlen(name);
    if (lm + ln + 2 > sizeof stack && !(key = malloc(lm + ln + 2))) {
        results_run_fail(run, "out of memory");
        return false;
    }
    memcpy(key, module, lm);
    key[lm] = '.';
    memcpy(key + lm + 1, name, ln + 1);
    bool on = true;
    for (size_t i = run->nrules; i-- > 0;) {
        const struct results_rule *r = &run->rules[i];
        if ((r->kind == RULE_ANY || r->kind == kind) && fnmatch(r->glob, key, 0) == 0) {
            on = r->on;
            *interval = r->interval;
            break;
        }
    }
    if (key != stack)
        free(key);
    return on;
}

/* Copies the three names; false (and the run fails) when memory is short. */
static bool copy_names(struct results_run *run, char **m, char **n, char **u,
                       const char *module, const char *name, const char *unit)
{
    *m = strdup(module);
    *n = strdup(name);
    *u = strdup(unit ? unit : "");
    if (*m && *n && *u)
        return true;
    free(*m);
    free(*n);
    free(*u);
    *m = *n = *u = NULL;
    results_run_fail(run, "out of memory");
    return false;
}

/* ---- batches --------------------------------------------------------------------------- */

static void flush_batch(struct results_run *run)
{
    char msg[400];
    sqlite3 *sql = run->db->sql;
    if (results_exec(sql, "BEGIN IMMEDIATE", msg, sizeof msg) == 0) {
        if (results_record_flush(run, false, 0, msg, sizeof msg) == 0 &&
            results_exec(sql, "COMMIT", msg, sizeof msg) == 0)
            return;
        sqlite3_exec(sql, "ROLLBACK", NULL, NULL, NULL);
    }
    run->write_failed = true;
    results_run_fail(run, "writing a batch of results: %s", msg);
}

/* ---- scalars --------------------------------------------------------------------------- */

void results_scalar(struct results_run *run, const char *module, const char *name,
                    const char *unit, double value)
{
    sim_time_t unused;
    if (!run || run->error[0] || !decide(run, RULE_SCALAR, module, name, &unused))
        return;
    struct results_scalar_rec *a = grow(run->scalars, run->nscalars, &run->capscalars,
                                        sizeof *a);
    if (!a) {
        results_run_fail(run, "out of memory");
        return;
    }
    run->scalars = a;
    struct results_scalar_rec *s = &a[run->nscalars];
    if (!copy_names(run, &s->module, &s->name, &s->unit, module, name, unit))
        return;
    s->value = value;
    if (++run->nscalars >= RESULTS_BATCH_SCALARS)
        flush_batch(run);
}

/* ---- vectors --------------------------------------------------------------------------- */

struct results_vector *results_vector(struct results_run *run, const char *module,
                                      const char *name, const char *unit)
{
    sim_time_t interval;
    if (!run || !decide(run, RULE_VECTOR, module, name, &interval))
        return NULL;
    struct results_vector *v = calloc(1, sizeof *v);
    if (!v) {
        results_run_fail(run, "out of memory");
        return NULL;
    }
    struct results_vector **all = grow(run->vectors, run->nvectors, &run->capvectors,
                                       sizeof *all);
    if (all)
        run->vectors = all;
    if (!all || !copy_names(run, &v->module, &v->name, &v->unit, module, name, unit)) {
        free(v); /* copy_names freed what it copied */
        results_run_fail(run, "out of memory");
        return NULL;
    }
    v->run = run;
    v->interval = interval;
    run->vectors[run->nvectors++] = v;
    return v;
}

bool results_vector_enabled(struct results_run *run, const char *module, const char *name)
{
    sim_time_t interval;
    if (!run || !module || !*module || !name || !*name || strchr(name, '.'))
        return false;
    return decide(run, RULE_VECTOR, module, name, &interval);
}

void results_vector_set_mode(struct results_vector *v, enum results_vector_mode mode)
{
    if (v)
        v->mode = mode;
}

static void buffer_push(struct results_vector *v, sim_time_t t, double value)
{
    struct results_run *run = v->run;
    if (run->error[0])
        return; /* a failed run records nothing more; results_run_end reports why */
    if (v->nbuf == v->capbuf) {
        size_t c = v->capbuf ? 2 * v->capbuf : 256;
        sim_time_t *bt = realloc(v->buf_t, c * sizeof *bt);
        if (bt)
            v->buf_t = bt;
        double *bv = bt ? realloc(v->buf_v, c * sizeof *bv) : NULL;
        if (!bv) {
            results_run_fail(run, "out of memory");
            return;
        }
        v->buf_v = bv;
        v->capbuf = c;
    }
    v->buf_t[v->nbuf] = t;
    v->buf_v[v->nbuf++] = value;
    v->last_stored = value;
    if (++run->pending_samples >= RESULTS_BATCH_SAMPLES)
        flush_batch(run);
}

/* Interval mode: emits every grid point strictly before t with the value then in force. */
static void emit_grid_before(struct results_vector *v, sim_time_t t)
{
    while (v->next_grid < t && !v->run->error[0]) {
        buffer_push(v, v->next_grid, v->held);
        v->next_grid += v->interval;
    }
}

void results_vector_append(struct results_vector *v, sim_time_t t, double value)
{
    if (v->started && t < v->last_t) {
        results_run_fail(v->run, "vector %s.%s: sample at %lld ps is earlier than the "
                         "previous one at %lld ps", v->module, v->name, (long long)t,
                         (long long)v->last_t);
        return;
    }
    if (v->interval > 0) {
        if (!v->started) {
            /* The first grid point at or after the first sample: ceil(t / interval). */
            sim_time_t k = t / v->interval + (t % v->interval > 0);
            v->next_grid = k * v->interval;
        } else {
            emit_grid_before(v, t);
        }
        v->held = value;
    } else if (v->mode == RESULTS_EVERY || !v->started || value != v->last_stored) {
        buffer_push(v, t, value);
    }
    v->started = true;
    v->last_t = t;
}

/* ---- histograms ------------------------------------------------------------------------ */

struct results_hist *results_histogram(struct results_run *run, const char *module,
                                       const char *name, const char *unit,
                                       const double *edges, size_t nbins)
{
    sim_time_t unused;
    if (!run || !decide(run, RULE_HISTOGRAM, module, name, &unused))
        return NULL;
    /* GSL's default error handler aborts on a bad layout: check it first, and fail the run
     * with a message instead. */
    bool ok = nbins > 0 && edges && isfinite(edges[0]);
    for (size_t i = 0; ok && i < nbins; i++)
        ok = isfinite(edges[i + 1]) && edges[i + 1] > edges[i];
    if (!ok) {
        results_run_fail(run, "histogram %s.%s: expected at least one bin and finite, strictly "
                         "increasing edges", module, name);
        return NULL;
    }
    struct results_hist **all = grow(run->hists, run->nhists, &run->caphists, sizeof *all);
    if (all)
        run->hists = all;
    struct results_hist *h = all ? calloc(1, sizeof *h) : NULL;
    if (!h || !(h->h = gsl_histogram_alloc(nbins)) ||
        !copy_names(run, &h->module, &h->name, &h->unit, module, name, unit)) {
        if (h && h->h)
            gsl_histogram_free(h->h);
        free(h); /* copy_names freed what it copied */
        results_run_fail(run, "out of memory");
        return NULL;
    }
    gsl_histogram_set_ranges(h->h, edges, nbins + 1);
    run->hists[run->nhists++] = h;
    h->run = run;
    h->min = (double)INFINITY;
    h->max = -(double)INFINITY;
    return h;
}

struct results_hist *results_histogram_uniform(struct results_run *run, const char *module,
                                               const char *name, const char *unit, double lo,
                                               double hi, size_t nbins)
{
    if (!run)
        return NULL;
    if (nbins == 0 || !(lo < hi) || !isfinite(lo) || !isfinite(hi)) {
        results_run_fail(run, "histogram %s.%s: expected lo < hi and at least one bin",
                         module ? module : "", name ? name : "");
        return NULL;
    }
    double *edges = malloc((nbins + 1) * sizeof *edges);
    if (!edges) {
        results_run_fail(run, "out of memory");
        return NULL;
    }
    for (size_t i = 0; i <= nbins; i++)
        edges[i] = lo + (hi - lo) * (double)i / (double)nbins;
    edges[nbins] = hi; /* exact upper edge despite rounding */
    struct results_hist *h = results_histogram(run, module, name, unit, edges, nbins);
    free(edges);
    return h;
}

void results_hist_accumulate(struct results_hist *h, double x, double weight)
{
    if (isnan(x)) {
        results_run_fail(h->run, "histogram %s.%s: NaN value", h->module, h->name);
        return;
    }
    h->count++;
    h->sum_w += weight;
    h->sum += weight * x;
    h->sumsq += weight * x * x;
    if (x < h->min)
        h->min = x;
    if (x > h->max)
        h->max = x;
    if (x < gsl_histogram_min(h->h))
        h->underflow += weight;
    else if (x >= gsl_histogram_max(h->h))
        h->overflow += weight;
    else
        gsl_histogram_accumulate(h->h, x, weight);
}
