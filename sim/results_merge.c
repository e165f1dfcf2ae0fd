/* results_merge.c - copies the runs of part databases into one output, each run once.
 *
 * See results_merge.h for the rules. Rows are copied column by column with
 * sqlite3_bind_value, so every type (NULL, integer, real, text) survives exactly; vectors
 * and histograms get fresh ids in the output and their samples and bins follow them.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/results_impl.h"
#include "sim/results_merge.h"

/* Copies the rows `select` (with ?1 = key) returns into `insert`, whose parameters are the
 * selected columns in order, preceded by `prefix` (> 0: bound as ?1) when given. */
static int copy_rows(sqlite3 *src, sqlite3 *dst, const char *select, const char *insert,
                     const char *key, sqlite3_int64 key_id, sqlite3_int64 prefix, char *err,
                     size_t errlen)
{
    sqlite3_stmt *in = NULL, *out = NULL;
    int rc = RESULTS_EFAIL;
    if (results_prepare(src, select, &in, err, errlen) < 0 ||
        results_prepare(dst, insert, &out, err, errlen) < 0)
        goto done;
    if (key)
        sqlite3_bind_text(in, 1, key, -1, SQLITE_STATIC);
    else
        sqlite3_bind_int64(in, 1, key_id);
    int step, base = prefix > 0;
    while ((step = sqlite3_step(in)) == SQLITE_ROW) {
        if (prefix > 0)
            sqlite3_bind_int64(out, 1, prefix);
        for (int i = 0; i < sqlite3_column_count(in); i++)
            sqlite3_bind_value(out, base + i + 1, sqlite3_column_value(in, i));
        if (sqlite3_step(out) != SQLITE_DONE) {
            results_sql_error(dst, "writing the output", err, errlen);
            goto done;
        }
        sqlite3_reset(out);
    }
    if (step != SQLITE_DONE)
        results_sql_error(src, "reading the part", err, errlen);
    else
        rc = 0;
done:
    sqlite3_finalize(in);
    sqlite3_finalize(out);
    return rc;
}

/* Vectors or histograms: each owner row gets a new id in the output, its children follow. */
struct owned {
    const char *ids;          /* the run's owner ids (?1 = run id) */
    const char *row;          /* one owner row without its id (?1 = old id) */
    const char *insert_row;
    const char *children;     /* its samples or bins without the owner id (?1 = old id) */
    const char *insert_child; /* ?1 = new owner id, then the child columns */
};

static const struct owned vectors_copy = {
    "SELECT vector_id FROM vectors WHERE run_id = ?1 ORDER BY vector_id",
    "SELECT run_id, module, name, unit, interval_ps FROM vectors WHERE vector_id = ?1",
    "INSERT INTO vectors (run_id, module, name, unit, interval_ps) VALUES (?, ?, ?, ?, ?)",
    "SELECT seq, t_ps, value FROM vector_samples WHERE vector_id = ?1 ORDER BY seq",
    "INSERT INTO vector_samples (vector_id, seq, t_ps, value) VALUES (?, ?, ?, ?)",
};

static const struct owned hists_copy = {
    "SELECT hist_id FROM histograms WHERE run_id = ?1 ORDER BY hist_id",
    "SELECT run_id, module, name, unit, count, sum_weight, sum, sumsq, min, max, underflow,"
    " overflow FROM histograms WHERE hist_id = ?1",
    "INSERT INTO histograms (run_id, module, name, unit, count, sum_weight, sum, sumsq, min,"
    " max, underflow, overflow) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    "SELECT bin, lo, hi, weight FROM histogram_bins WHERE hist_id = ?1 ORDER BY bin",
    "INSERT INTO histogram_bins (hist_id, bin, lo, hi, weight) VALUES (?, ?, ?, ?, ?)",
};

static int copy_owned(sqlite3 *src, sqlite3 *dst, const char *run_id, const struct owned *o,
                      char *err, size_t errlen)
{
    sqlite3_stmt *st;
    if (results_prepare(src, o->ids, &st, err, errlen) < 0)
        return RESULTS_EFAIL;
    sqlite3_bind_text(st, 1, run_id, -1, SQLITE_STATIC);
    int step = SQLITE_DONE, rc = 0;
    while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW) {
        sqlite3_int64 old_id = sqlite3_column_int64(st, 0);
        rc = copy_rows(src, dst, o->row, o->insert_row, NULL, old_id, 0, err, errlen);
        if (rc == 0)
            rc = copy_rows(src, dst, o->children, o->insert_child, NULL, old_id,
                           sqlite3_last_insert_rowid(dst), err, errlen);
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = results_sql_error(src, "reading the part", err, errlen);
    sqlite3_finalize(st);
    return rc;
}

static int copy_run(sqlite3 *src, sqlite3 *dst, const char *run_id, char *err, size_t errlen)
{
    static const char *const plain[][2] = {
        { "SELECT run_id, scenario, scenario_hash, params, seed, repetition, run_index,"
          " version, commit_id, started, wall_s, events, sim_time_ps, status, error"
          " FROM runs WHERE run_id = ?1",
          "INSERT INTO runs (run_id, scenario, scenario_hash, params, seed, repetition,"
          " run_index, version, commit_id, started, wall_s, events, sim_time_ps, status,"
          " error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)" },
        { "SELECT run_id, name, value, num, unit FROM parameters WHERE run_id = ?1",
          "INSERT INTO parameters (run_id, name, value, num, unit) VALUES (?, ?, ?, ?, ?)" },
        { "SELECT run_id, module, name, unit, value FROM scalars WHERE run_id = ?1"
          " ORDER BY rowid",
          "INSERT INTO scalars (run_id, module, name, unit, value) VALUES (?, ?, ?, ?, ?)" },
    };
    for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++)
        if (copy_rows(src, dst, plain[i][0], plain[i][1], run_id, 0, 0, err, errlen) < 0)
            return RESULTS_EFAIL;
    if (copy_owned(src, dst, run_id, &vectors_copy, err, errlen) < 0)
        return RESULTS_EFAIL;
    return copy_owned(src, dst, run_id, &hists_copy, err, errlen);
}

/* 'ok' beats 'failed' beats 'running' beats absent. */
static int rank(enum run_status s)
{
    return s == RUN_OK ? 3 : s == RUN_FAILED ? 2 : s == RUN_RUNNING ? 1 : 0;
}

static int merge_part(struct results_db *out, struct results_db *part, const char *name,
                      merge_note_fn note, void *ctx, struct merge_stats *ms, char *err,
                      size_t errlen)
{
    sqlite3_stmt *st;
    if (results_prepare(part->sql, "SELECT run_id, status FROM runs ORDER BY run_id", &st, err,
                        errlen) < 0)
        return RESULTS_EFAIL;
    int step = SQLITE_DONE, rc = 0;
    while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW) {
        const char *id = (const char *)sqlite3_column_text(st, 0);
        enum run_status have, got = results_status_from_text(
                                  (const char *)sqlite3_column_text(st, 1));
        if (got == RUN_RUNNING) {
            ms->runs_incomplete++;
            if (note)
                note(ctx, name, id, "incomplete");
            continue;
        }
        if (results_run_status(out, id, &have) < 0) {
            rc = results_sql_error(out->sql, "reading the output", err, errlen);
            break;
        }
        if (rank(got) > rank(have)) {
            if (have != RUN_NONE) {
                rc = results_delete_run(out->sql, id, err, errlen);
                ms->runs_replaced++;
                if (note)
                    note(ctx, name, id, "replaced");
            } else {
                ms->runs_added++;
            }
            if (rc == 0)
                rc = copy_run(part->sql, out->sql, id, err, errlen);
        } else if (got == RUN_OK) {
            ms->runs_duplicate++;
            if (note)
                note(ctx, name, id, "duplicate");
        } else if (note) {
            note(ctx, name, id, "kept");
        }
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = results_sql_error(part->sql, "reading runs", err, errlen);
    sqlite3_finalize(st);
    return rc;
}

static bool same_file(const char *a, const char *b)
{
    char ra[PATH_MAX], rb[PATH_MAX];
    return realpath(a, ra) && realpath(b, rb) && strcmp(ra, rb) == 0;
}

int results_merge(struct results_db *out, const char *const *parts, size_t nparts,
                  merge_note_fn note, void *ctx, struct merge_stats *stats, char *err,
                  size_t errlen)
{
    struct merge_stats ms = { 0 };
    char msg[512];
    if (out->readonly) {
        snprintf(err, errlen, "%s: opened read-only", out->path);
        return RESULTS_EFAIL;
    }
    for (size_t i = 0; i < nparts; i++) {
        if (same_file(parts[i], out->path)) {
            snprintf(err, errlen, "%s: is the output database itself", parts[i]);
            return RESULTS_EFAIL;
        }
    }
    if (results_exec(out->sql, "BEGIN IMMEDIATE", err, errlen) < 0)
        return RESULTS_EFAIL;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < nparts; i++) {
        struct results_db *part;
        rc = results_db_open_readonly(parts[i], &part, err, errlen);
        if (rc < 0)
            break;
        rc = merge_part(out, part, parts[i], note, ctx, &ms, msg, sizeof msg);
        if (rc < 0)
            snprintf(err, errlen, "%s: %s", parts[i], msg);
        results_db_close(part);
    }
    if (rc == 0 && results_exec(out->sql, "COMMIT", msg, sizeof msg) < 0) {
        snprintf(err, errlen, "%s: %s", out->path, msg);
        rc = RESULTS_EFAIL;
    }
    if (rc < 0) {
        sqlite3_exec(out->sql, "ROLLBACK", NULL, NULL, NULL);
        return rc;
    }
    if (stats)
        *stats = ms;
    return 0;
}
