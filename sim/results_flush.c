/* results_flush.c - writes what a run has buffered into the database, and frees a run.
 *
 * Called inside a transaction the caller owns: a batch (results_record.c, while the run is
 * still 'running') or the final transaction of results_run_end, which also writes the
 * histograms and the tail of interval-sampled vectors up to the end of the simulation.
 * Statements are prepared once per flush: a batch holds thousands of rows, so preparing is
 * negligible, and nothing stays prepared between batches to hold the database open.
 */
#include <gsl/gsl_histogram.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/results.h"
#include "sim/results_impl.h"

struct writer {
    sqlite3 *sql;
    sqlite3_stmt *scalar, *vector, *sample, *hist, *bin;
};

static void writer_close(struct writer *w)
{
    sqlite3_finalize(w->scalar);
    sqlite3_finalize(w->vector);
    sqlite3_finalize(w->sample);
    sqlite3_finalize(w->hist);
    sqlite3_finalize(w->bin);
}

static int writer_open(struct writer *w, sqlite3 *sql, char *err, size_t errlen)
{
    memset(w, 0, sizeof *w);
    w->sql = sql;
    if (results_prepare(sql, "INSERT INTO scalars (run_id, module, name, unit, value)"
                        " VALUES (?, ?, ?, ?, ?)", &w->scalar, err, errlen) < 0 ||
        results_prepare(sql, "INSERT INTO vectors (run_id, module, name, unit, interval_ps)"
                        " VALUES (?, ?, ?, ?, ?)", &w->vector, err, errlen) < 0 ||
        results_prepare(sql, "INSERT INTO vector_samples (vector_id, seq, t_ps, value)"
                        " VALUES (?, ?, ?, ?)", &w->sample, err, errlen) < 0 ||
        results_prepare(sql, "INSERT INTO histograms (run_id, module, name, unit, count,"
                        " sum_weight, sum, sumsq, min, max, underflow, overflow)"
                        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", &w->hist, err,
                        errlen) < 0 ||
        results_prepare(sql, "INSERT INTO histogram_bins (hist_id, bin, lo, hi, weight)"
                        " VALUES (?, ?, ?, ?, ?)", &w->bin, err, errlen) < 0) {
        writer_close(w);
        return RESULTS_EFAIL;
    }
    return 0;
}

/* Steps a bound insert and resets it for the next row. */
static int step(struct writer *w, sqlite3_stmt *st, const char *what, char *err, size_t errlen)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        return results_sql_error(w->sql, what, err, errlen);
    return 0;
}

static void bind_names(sqlite3_stmt *st, const char *run_id, const char *module,
                       const char *name, const char *unit)
{
    sqlite3_bind_text(st, 1, run_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, module, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, unit, -1, SQLITE_STATIC);
}

static int write_scalars(struct results_run *run, struct writer *w, char *err, size_t errlen)
{
    for (size_t i = 0; i < run->nscalars; i++) {
        const struct results_scalar_rec *s = &run->scalars[i];
        bind_names(w->scalar, run->run_id, s->module, s->name, s->unit);
        /* NaN (an undefined statistic such as the mean of nothing) is stored as NULL. */
        sqlite3_bind_double(w->scalar, 5, s->value);
        if (step(w, w->scalar, "writing a scalar", err, errlen) < 0)
            return RESULTS_EFAIL;
    }
    for (size_t i = 0; i < run->nscalars; i++) {
        free(run->scalars[i].module);
        free(run->scalars[i].name);
        free(run->scalars[i].unit);
    }
    run->nscalars = 0;
    return 0;
}

static int write_sample(struct writer *w, struct results_vector *v, sim_time_t t, double value,
                        char *err, size_t errlen)
{
    sqlite3_bind_int64(w->sample, 1, v->vector_id);
    sqlite3_bind_int64(w->sample, 2, v->seq++);
    sqlite3_bind_int64(w->sample, 3, t);
    sqlite3_bind_double(w->sample, 4, value);
    return step(w, w->sample, "writing a vector sample", err, errlen);
}

static int write_vector(struct results_run *run, struct writer *w, struct results_vector *v,
                        bool final, sim_time_t sim_end, char *err, size_t errlen)
{
    if (v->vector_id == 0) {
        bind_names(w->vector, run->run_id, v->module, v->name, v->unit);
        if (v->interval > 0)
            sqlite3_bind_int64(w->vector, 5, v->interval);
        else
            sqlite3_bind_null(w->vector, 5);
        if (step(w, w->vector, "writing a vector", err, errlen) < 0)
            return RESULTS_EFAIL;
        v->vector_id = sqlite3_last_insert_rowid(w->sql);
    }
    for (size_t i = 0; i < v->nbuf; i++)
        if (write_sample(w, v, v->buf_t[i], v->buf_v[i], err, errlen) < 0)
            return RESULTS_EFAIL;
    v->nbuf = 0;
    /* The tail of an interval series goes straight to the statement: it may be long (a
     * signal that stopped changing early) and needs no buffer. */
    for (; final && v->interval > 0 && v->started && v->next_grid <= sim_end;
         v->next_grid += v->interval)
        if (write_sample(w, v, v->next_grid, v->held, err, errlen) < 0)
            return RESULTS_EFAIL;
    return 0;
}

static int write_hist(struct results_run *run, struct writer *w, const struct results_hist *h,
                      char *err, size_t errlen)
{
    bind_names(w->hist, run->run_id, h->module, h->name, h->unit);
    sqlite3_bind_int64(w->hist, 5, (sqlite3_int64)h->count);
    sqlite3_bind_double(w->hist, 6, h->sum_w);
    sqlite3_bind_double(w->hist, 7, h->sum);
    sqlite3_bind_double(w->hist, 8, h->sumsq);
    /* min and max of nothing are NULL, not infinities. */
    if (h->count) {
        sqlite3_bind_double(w->hist, 9, h->min);
        sqlite3_bind_double(w->hist, 10, h->max);
    } else {
        sqlite3_bind_null(w->hist, 9);
        sqlite3_bind_null(w->hist, 10);
    }
    sqlite3_bind_double(w->hist, 11, h->underflow);
    sqlite3_bind_double(w->hist, 12, h->overflow);
    if (step(w, w->hist, "writing a histogram", err, errlen) < 0)
        return RESULTS_EFAIL;
    sqlite3_int64 id = sqlite3_last_insert_rowid(w->sql);
    for (size_t i = 0; i < gsl_histogram_bins(h->h); i++) {
        double lo, hi;
        gsl_histogram_get_range(h->h, i, &lo, &hi);
        sqlite3_bind_int64(w->bin, 1, id);
        sqlite3_bind_int64(w->bin, 2, (sqlite3_int64)i);
        sqlite3_bind_double(w->bin, 3, lo);
        sqlite3_bind_double(w->bin, 4, hi);
        sqlite3_bind_double(w->bin, 5, gsl_histogram_get(h->h, i));
        if (step(w, w->bin, "writing a histogram bin", err, errlen) < 0)
            return RESULTS_EFAIL;
    }
    return 0;
}

int results_record_flush(struct results_run *run, bool final, sim_time_t sim_end, char *err,
                         size_t errlen)
{
    struct writer w;
    if (writer_open(&w, run->db->sql, err, errlen) < 0)
        return RESULTS_EFAIL;
    int rc = write_scalars(run, &w, err, errlen);
    for (size_t i = 0; rc == 0 && i < run->nvectors; i++)
        if (final || run->vectors[i]->nbuf)
            rc = write_vector(run, &w, run->vectors[i], final, sim_end, err, errlen);
    for (size_t i = 0; rc == 0 && final && i < run->nhists; i++)
        rc = write_hist(run, &w, run->hists[i], err, errlen);
    if (rc == 0)
        run->pending_samples = 0;
    writer_close(&w);
    return rc;
}

void results_record_free(struct results_run *run)
{
    for (size_t i = 0; i < run->nrules; i++)
        free(run->rules[i].glob);
    free(run->rules);
    for (size_t i = 0; i < run->nvectors; i++) {
        struct results_vector *v = run->vectors[i];
        free(v->module);
        free(v->name);
        free(v->unit);
        free(v->buf_t);
        free(v->buf_v);
        free(v);
    }
    free(run->vectors);
    for (size_t i = 0; i < run->nhists; i++) {
        struct results_hist *h = run->hists[i];
        gsl_histogram_free(h->h);
        free(h->module);
        free(h->name);
        free(h->unit);
        free(h);
    }
    free(run->hists);
    for (size_t i = 0; i < run->nscalars; i++) {
        free(run->scalars[i].module);
        free(run->scalars[i].name);
        free(run->scalars[i].unit);
    }
    free(run->scalars);
    free(run->run_id);
    free(run);
}
