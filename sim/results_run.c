/* results_run.c - the life of one run in the results database: begin, end, failure.
 *
 * results_run_begin commits the runs row (status 'running') and the run's parameters before
 * anything is simulated, after deleting the leftovers of an interrupted attempt with the same
 * id; results_run_end commits the remaining records and the final status in one transaction.
 * Between the two, results_record.c may commit batches of samples: they stay invisible to
 * every query until the status becomes 'ok'. Wall time is measured here (monotonic clock)
 * rather than passed in, so every caller measures the same span.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim/results.h"
#include "sim/results_impl.h"
#include "sim/results_stats.h"

#ifndef MCPSIM_VERSION
#define MCPSIM_VERSION "unknown"
#endif
#ifndef MCPSIM_COMMIT
#define MCPSIM_COMMIT "unknown"
#endif

#define RUN_ID_MAX 64

static double monotonic_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void results_run_fail(struct results_run *run, const char *fmt, ...)
{
    if (run->error[0])
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(run->error, sizeof run->error, fmt, ap);
    va_end(ap);
}

const char *results_run_id(const struct results_run *run)
{
    return run->run_id;
}

/* "name=value, name=value": the point in one column for humans and LIKE queries. */
static char *params_text(const struct run_meta *m)
{
    size_t len = 1;
    for (size_t i = 0; i < m->nparams; i++)
        len += strlen(m->params[i].name) + strlen(m->params[i].value) + 3;
    char *s = malloc(len), *p = s;
    if (!s)
        return NULL;
    *p = '\0';
    for (size_t i = 0; i < m->nparams; i++)
        p += sprintf(p, "%s%s=%s", i ? ", " : "", m->params[i].name, m->params[i].value);
    return s;
}

static int insert_params(sqlite3 *sql, const struct run_meta *m, char *err, size_t errlen)
{
    sqlite3_stmt *st;
    if (results_prepare(sql,
                        "INSERT INTO parameters (run_id, name, value, num, unit)"
                        " VALUES (?, ?, ?, ?, ?)",
                        &st, err, errlen) < 0)
        return RESULTS_EFAIL;
    int ret = 0;
    for (size_t i = 0; i < m->nparams && ret == 0; i++) {
        const struct results_param *p = &m->params[i];
        double num;
        const char *unit;
        sqlite3_reset(st);
        sqlite3_bind_text(st, 1, m->run_id, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, p->name, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, p->value, -1, SQLITE_STATIC);
        if (results_quantity_parse(p->value, &num, &unit) == 0) {
            sqlite3_bind_double(st, 4, num);
            sqlite3_bind_text(st, 5, unit, -1, SQLITE_STATIC);
        } else {
            sqlite3_bind_null(st, 4);
            sqlite3_bind_null(st, 5);
        }
        int rc = sqlite3_step(st);
        if (rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
            snprintf(err, errlen, "run %s: parameter \"%s\" given twice", m->run_id, p->name);
            ret = RESULTS_EFAIL;
        } else if (rc != SQLITE_DONE) {
            ret = results_sql_error(sql, "recording the run's parameters", err, errlen);
        }
    }
    sqlite3_finalize(st);
    return ret;
}

static int insert_run(struct results_db *db, const struct run_meta *m, char *err,
                      size_t errlen)
{
    char started[32];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(started, sizeof started, "%Y-%m-%dT%H:%M:%SZ", &tm);
    char *ptext = params_text(m);
    sqlite3_stmt *st;
    if (!ptext) {
        snprintf(err, errlen, "out of memory");
        return RESULTS_EFAIL;
    }
    if (results_prepare(db->sql,
                        "INSERT INTO runs (run_id, scenario, scenario_hash, params, seed,"
                        " repetition, run_index, version, commit_id, started, status)"
                        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'running')",
                        &st, err, errlen) < 0) {
        free(ptext);
        return RESULTS_EFAIL;
    }
    sqlite3_bind_text(st, 1, m->run_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, m->scenario_name ? m->scenario_name : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, m->scenario_hash ? m->scenario_hash : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, ptext, -1, SQLITE_STATIC);
    /* SQLite integers are signed 64-bit: a seed above INT64_MAX is stored as its two's
     * complement bit pattern and reads back identically through sqlite3_column_int64. */
    sqlite3_bind_int64(st, 5, (sqlite3_int64)m->seed);
    sqlite3_bind_int64(st, 6, m->repetition);
    sqlite3_bind_int64(st, 7, m->run_index);
    sqlite3_bind_text(st, 8, MCPSIM_VERSION, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 9, MCPSIM_COMMIT, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 10, started, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    free(ptext);
    if (rc != SQLITE_DONE)
        return results_sql_error(db->sql, "recording the run", err, errlen);
    return insert_params(db->sql, m, err, errlen);
}

int results_run_begin(struct results_db *db, const struct run_meta *meta,
                      struct results_run **out, char *err, size_t errlen)
{
    *out = NULL;
    if (!meta->run_id || !meta->run_id[0] || strlen(meta->run_id) > RUN_ID_MAX) {
        snprintf(err, errlen, "run id \"%s\": expected 1 to %d characters",
                 meta->run_id ? meta->run_id : "", RUN_ID_MAX);
        return RESULTS_EFAIL;
    }
    if (db->readonly) {
        snprintf(err, errlen, "%s: opened read-only, cannot record a run", db->path);
        return RESULTS_EFAIL;
    }
    struct results_run *run = calloc(1, sizeof *run);
    if (!run || !(run->run_id = strdup(meta->run_id))) {
        free(run);
        snprintf(err, errlen, "out of memory");
        return RESULTS_EFAIL;
    }
    run->db = db;
    if (results_exec(db->sql, "BEGIN IMMEDIATE", err, errlen) < 0)
        goto fail;
    enum run_status prev;
    int rc = results_run_status(db, meta->run_id, &prev);
    if (rc == 0 && prev == RUN_OK && !meta->replace) {
        snprintf(err, errlen, "run %s is already complete in %s", meta->run_id, db->path);
        rc = RESULTS_EEXIST;
    } else if (rc < 0) {
        results_sql_error(db->sql, "reading the run's status", err, errlen);
    } else if ((prev == RUN_NONE || results_delete_run(db->sql, meta->run_id, err, errlen) == 0) &&
               insert_run(db, meta, err, errlen) == 0 &&
               results_exec(db->sql, "COMMIT", err, errlen) == 0) {
        run->wall_start = monotonic_s();
        *out = run;
        return 0;
    } else {
        rc = RESULTS_EFAIL;
    }
    sqlite3_exec(db->sql, "ROLLBACK", NULL, NULL, NULL);
    results_record_free(run);
    return rc;
fail:
    results_record_free(run);
    return RESULTS_EFAIL;
}

static int write_end(struct results_run *run, const char *status, const char *error,
                     const struct run_end *end, bool with_records, char *err, size_t errlen)
{
    sqlite3 *sql = run->db->sql;
    sqlite3_stmt *st = NULL;
    if (results_exec(sql, "BEGIN IMMEDIATE", err, errlen) < 0)
        return RESULTS_EFAIL;
    if (with_records && results_record_flush(run, true, end->sim_end, err, errlen) < 0)
        goto fail;
    if (results_prepare(sql,
                        "UPDATE runs SET status = ?, error = ?, wall_s = ?, events = ?,"
                        " sim_time_ps = ? WHERE run_id = ?",
                        &st, err, errlen) < 0)
        goto fail;
    sqlite3_bind_text(st, 1, status, -1, SQLITE_STATIC);
    if (error)
        sqlite3_bind_text(st, 2, error, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, 2);
    sqlite3_bind_double(st, 3, monotonic_s() - run->wall_start);
    sqlite3_bind_int64(st, 4, (sqlite3_int64)end->events);
    sqlite3_bind_int64(st, 5, end->sim_end);
    sqlite3_bind_text(st, 6, run->run_id, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE || sqlite3_changes(sql) != 1) {
        if (sqlite3_changes(sql) == 0 && errlen)
            snprintf(err, errlen, "run %s vanished from %s while it ran", run->run_id,
                     run->db->path);
        else
            results_sql_error(sql, "recording the run's status", err, errlen);
        goto fail;
    }
    sqlite3_finalize(st);
    return results_exec(sql, "COMMIT", err, errlen);
fail:
    sqlite3_finalize(st);
    sqlite3_exec(sql, "ROLLBACK", NULL, NULL, NULL);
    return RESULTS_EFAIL;
}

int results_run_end(struct results_run *run, const struct run_end *end, char *err,
                    size_t errlen)
{
    char msg[512] = "";
    const char *error = end->status == RUN_OK ? NULL : end->error ? end->error : "failed";
    if (!error && run->error[0])
        error = run->error;
    /* After a recording error the buffers may refer to rows a failed batch rolled back:
     * only the status and the reason are written then. */
    int rc = write_end(run, error ? "failed" : "ok", error, end, !run->error[0], msg,
                       sizeof msg);
    if (rc < 0) {
        /* The records could not be written (disk full, lock timeout, a bug): keep the run
         * as 'failed' with the reason if the database still takes a one-row update. */
        char why[600], ignored[64];
        snprintf(why, sizeof why, "results not recorded: %s", msg);
        write_end(run, "failed", why, end, false, ignored, sizeof ignored);
    }
    if (errlen && (rc < 0 || error == run->error))
        snprintf(err, errlen, "run %s: %s", run->run_id, rc < 0 ? msg : run->error);
    if (rc < 0 || run->write_failed)
        rc = RESULTS_EWRITE;
    else if (error && error == run->error)
        rc = RESULTS_EFAIL;
    results_record_free(run);
    return rc;
}
