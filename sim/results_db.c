/* results_db.c - the results database file: schema, open/refuse, runs rows, resume queries.
 *
 * The schema (docs/results-schema.md) is created in one transaction when the file is new;
 * an existing file is accepted only if its application id and schema version are mcpsim's,
 * so a foreign SQLite file or a database of another version is never altered. Runs are
 * bracketed by results_run_begin (row 'running') and results_run_end (final rows and status
 * in one transaction); see results.h for why that makes a sweep crash-safe. Recording itself
 * (buffers, rules) is results_record.c.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim/results.h"
#include "sim/results_impl.h"

#ifndef MCPSIM_VERSION
#define MCPSIM_VERSION "unknown"
#endif
#ifndef MCPSIM_COMMIT
#define MCPSIM_COMMIT "unknown"
#endif

/* Keys of the tables are the run id (TEXT, the sweep's stable hash) and, for vectors and
 * histograms, an integer id so that samples and bins stay small. Samples and bins are
 * WITHOUT ROWID tables clustered by their owner, so reading one series is one range scan. */
static const char schema_sql[] =
    "CREATE TABLE runs ("
    " run_id TEXT PRIMARY KEY NOT NULL,"
    " scenario TEXT NOT NULL, scenario_hash TEXT NOT NULL, params TEXT NOT NULL,"
    " seed INTEGER NOT NULL, repetition INTEGER NOT NULL, run_index INTEGER NOT NULL,"
    " version TEXT NOT NULL, commit_id TEXT NOT NULL, started TEXT NOT NULL,"
    " wall_s REAL, events INTEGER, sim_time_ps INTEGER,"
    " status TEXT NOT NULL CHECK (status IN ('running', 'ok', 'failed')), error TEXT);"
    "CREATE TABLE parameters ("
    " run_id TEXT NOT NULL, name TEXT NOT NULL, value TEXT NOT NULL, num REAL, unit TEXT,"
    " PRIMARY KEY (run_id, name)) WITHOUT ROWID;"
    "CREATE TABLE scalars ("
    " run_id TEXT NOT NULL, module TEXT NOT NULL, name TEXT NOT NULL,"
    " unit TEXT NOT NULL DEFAULT '', value REAL);"
    "CREATE TABLE vectors ("
    " vector_id INTEGER PRIMARY KEY, run_id TEXT NOT NULL, module TEXT NOT NULL,"
    " name TEXT NOT NULL, unit TEXT NOT NULL DEFAULT '', interval_ps INTEGER);"
    "CREATE TABLE vector_samples ("
    " vector_id INTEGER NOT NULL, seq INTEGER NOT NULL, t_ps INTEGER NOT NULL,"
    " t REAL GENERATED ALWAYS AS (t_ps * 1e-12) VIRTUAL, value REAL,"
    " PRIMARY KEY (vector_id, seq)) WITHOUT ROWID;"
    "CREATE TABLE histograms ("
    " hist_id INTEGER PRIMARY KEY, run_id TEXT NOT NULL, module TEXT NOT NULL,"
    " name TEXT NOT NULL, unit TEXT NOT NULL DEFAULT '', count INTEGER NOT NULL,"
    " sum_weight REAL NOT NULL, sum REAL, sumsq REAL, min REAL, max REAL,"
    " underflow REAL NOT NULL, overflow REAL NOT NULL);"
    "CREATE TABLE histogram_bins ("
    " hist_id INTEGER NOT NULL, bin INTEGER NOT NULL, lo REAL NOT NULL, hi REAL NOT NULL,"
    " weight REAL NOT NULL, PRIMARY KEY (hist_id, bin)) WITHOUT ROWID;"
    "CREATE INDEX parameters_name ON parameters (name, num, value);"
    "CREATE INDEX scalars_run ON scalars (run_id);"
    "CREATE INDEX scalars_metric ON scalars (module, name);"
    "CREATE INDEX vectors_run ON vectors (run_id);"
    "CREATE INDEX vectors_metric ON vectors (module, name);"
    "CREATE INDEX histograms_run ON histograms (run_id);"
    "CREATE INDEX histograms_metric ON histograms (module, name);"
    "CREATE INDEX runs_status ON runs (status);"
    /* Scalars of completed runs with their metric name: what stats and plot read. */
    "CREATE VIEW run_scalars AS"
    " SELECT s.run_id, s.module || '.' || s.name AS metric, s.module, s.name, s.unit,"
    " s.value, r.scenario, r.repetition, r.params"
    " FROM scalars s JOIN runs r ON r.run_id = s.run_id WHERE r.status = 'ok';"
    /* One row per (scalar, parameter of its run): one-line queries such as
     * SELECT param_value, avg(value) FROM scalar_params
     *   WHERE metric = 'sink.goodput' AND param = 'link.rate' GROUP BY param_num; */
    "CREATE VIEW scalar_params AS"
    " SELECT s.run_id, s.metric, s.module, s.name, s.unit, s.value, s.repetition,"
    " p.name AS param, p.value AS param_value, p.num AS param_num, p.unit AS param_unit"
    " FROM run_scalars s JOIN parameters p ON p.run_id = s.run_id;"
    /* Time series of completed runs, one row per sample. */
    "CREATE VIEW run_vectors AS"
    " SELECT v.run_id, v.module || '.' || v.name AS metric, v.unit, x.seq, x.t_ps, x.t,"
    " x.value FROM vectors v JOIN runs r ON r.run_id = v.run_id AND r.status = 'ok'"
    " JOIN vector_samples x ON x.vector_id = v.vector_id;";

int results_sql_error(sqlite3 *sql, const char *what, char *err, size_t errlen)
{
    if (errlen)
        snprintf(err, errlen, "%s: %s", what, sql ? sqlite3_errmsg(sql) : "out of memory");
    return RESULTS_EFAIL;
}

int results_exec(sqlite3 *sql, const char *stmt, char *err, size_t errlen)
{
    char *msg = NULL;
    if (sqlite3_exec(sql, stmt, NULL, NULL, &msg) == SQLITE_OK)
        return 0;
    if (errlen)
        snprintf(err, errlen, "%s", msg ? msg : sqlite3_errmsg(sql));
    sqlite3_free(msg);
    return RESULTS_EFAIL;
}

int results_prepare(sqlite3 *sql, const char *stmt, sqlite3_stmt **out, char *err,
                    size_t errlen)
{
    if (sqlite3_prepare_v2(sql, stmt, -1, out, NULL) == SQLITE_OK)
        return 0;
    *out = NULL;
    return results_sql_error(sql, "preparing a query", err, errlen);
}

/* Reads the identity of the file: 0 and *fresh when it has no schema at all (a new file),
 * 0 when it is an mcpsim database of this version, else the refusal code and message. One
 * statement reads all three values from one snapshot: separate reads could see another
 * process's schema creation half before and half after its commit. */
static int check_identity(struct results_db *db, bool *fresh, char *err, size_t errlen)
{
    sqlite3_stmt *st;
    int64_t app = 0, version = 0, ntables = 0;
    int rc = sqlite3_prepare_v2(db->sql,
                                "SELECT (SELECT application_id FROM pragma_application_id),"
                                " (SELECT user_version FROM pragma_user_version),"
                                " (SELECT count(*) FROM sqlite_schema)",
                                -1, &st, NULL);
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(st);
        if (rc == SQLITE_ROW) {
            app = sqlite3_column_int64(st, 0);
            version = sqlite3_column_int64(st, 1);
            ntables = sqlite3_column_int64(st, 2);
        }
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW) {
        /* SQLITE_NOTADB, "file is not a database", is what a foreign file gets; anything
         * else is a failure to read, not a verdict on the file. */
        if ((rc & 0xff) == SQLITE_NOTADB) {
            snprintf(err, errlen, "%s: not an mcpsim results database (%s)", db->path,
                     sqlite3_errmsg(db->sql));
            return RESULTS_EFOREIGN;
        }
        snprintf(err, errlen, "%s: cannot read: %s", db->path, sqlite3_errmsg(db->sql));
        return RESULTS_EFAIL;
    }
    *fresh = app == 0 && version == 0 && ntables == 0;
    if (*fresh)
        return 0;
    if (app != RESULTS_APPLICATION_ID) {
        snprintf(err, errlen,
                 "%s: an SQLite database, but not an mcpsim results database (application id "
                 "0x%08llx, expected 0x%08x); refusing to modify it",
                 db->path, (unsigned long long)app, RESULTS_APPLICATION_ID);
        return RESULTS_EFOREIGN;
    }
    if (version != RESULTS_SCHEMA_VERSION) {
        snprintf(err, errlen,
                 "%s: mcpsim results database of schema version %lld; this mcpsim (%s) reads "
                 "version %d only",
                 db->path, (long long)version, MCPSIM_VERSION, RESULTS_SCHEMA_VERSION);
        return RESULTS_EVERSION;
    }
    return 0;
}

static int create_schema(struct results_db *db, char *err, size_t errlen)
{
    char sql[64];
    /* BEGIN IMMEDIATE serializes two workers that both found the file empty: the second
     * one re-checks inside the lock and finds the schema the first one created. */
    if (results_exec(db->sql, "BEGIN IMMEDIATE", err, errlen) < 0)
        return RESULTS_EFAIL;
    bool fresh;
    int rc = check_identity(db, &fresh, err, errlen);
    if (rc == 0 && fresh) {
        snprintf(sql, sizeof sql, "PRAGMA application_id = %d; PRAGMA user_version = %d;",
                 RESULTS_APPLICATION_ID, RESULTS_SCHEMA_VERSION);
        if (results_exec(db->sql, schema_sql, err, errlen) < 0 ||
            results_exec(db->sql, sql, err, errlen) < 0)
            rc = RESULTS_EFAIL;
    }
    if (rc == 0)
        return results_exec(db->sql, "COMMIT", err, errlen);
    sqlite3_exec(db->sql, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

/* Switches the file to WAL (persistent: a no-op once done) and this connection to
 * synchronous=NORMAL. Changing the journal mode needs an exclusive lock and SQLite returns
 * SQLITE_BUSY at once instead of calling the busy handler when two workers open a new file
 * together, so the change is retried here for as long as the busy timeout. */
static int set_wal(struct results_db *db, char *err, size_t errlen)
{
    const struct timespec pause = { 0, 10 * 1000 * 1000 };
    for (int waited_ms = 0;; waited_ms += 10) {
        sqlite3_stmt *st;
        if (results_prepare(db->sql, "PRAGMA journal_mode = WAL", &st, err, errlen) < 0)
            return RESULTS_EFAIL;
        int rc = sqlite3_step(st);
        sqlite3_finalize(st);
        if (rc == SQLITE_ROW)
            break; /* "wal", or "memory" for an in-memory database */
        if ((rc & 0xff) != SQLITE_BUSY || waited_ms >= RESULTS_BUSY_TIMEOUT_MS) {
            snprintf(err, errlen, "%s: cannot switch to WAL mode: %s", db->path,
                     sqlite3_errmsg(db->sql));
            return RESULTS_EFAIL;
        }
        nanosleep(&pause, NULL);
    }
    return results_exec(db->sql, "PRAGMA synchronous = NORMAL", err, errlen);
}

/* "file:PATH?immutable=1" with PATH escaped for SQLite's URI parser; NULL without memory.
 * Immutable tells SQLite that nobody changes the file, so it reads a WAL database without
 * the -shm file it cannot create on a read-only file system. */
static char *immutable_uri(const char *path)
{
    size_t len = strlen(path);
    char *u = malloc(3 * len + 32), *p = u;
    if (!u)
        return NULL;
    p += sprintf(p, "file:");
    for (const char *c = path; *c; c++)
        p += strchr("%?#", *c) ? sprintf(p, "%%%02X", (unsigned char)*c) : (*p = *c, 1);
    strcpy(p, "?immutable=1");
    return u;
}

/* Opens the read-only connection of db; on a read-only file system the plain open fails
 * (SQLite cannot make the WAL's -shm file), and the file is opened immutable instead. */
static int open_readonly(struct results_db *db, char *msg, size_t msglen)
{
    if (sqlite3_open_v2(db->path, &db->sql, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK) {
        sqlite3_stmt *st;
        int rc = sqlite3_prepare_v2(db->sql, "SELECT count(*) FROM sqlite_schema", -1, &st,
                                    NULL);
        if (rc == SQLITE_OK)
            rc = sqlite3_step(st);
        sqlite3_finalize(st);
        if (rc == SQLITE_ROW || (rc & 0xff) == SQLITE_NOTADB)
            return 0;
    }
    sqlite3_close(db->sql);
    db->sql = NULL;
    char *uri = immutable_uri(db->path);
    if (!uri || sqlite3_open_v2(uri, &db->sql, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL) !=
                    SQLITE_OK) {
        snprintf(msg, msglen, "%s: cannot open: %s", db->path,
                 db->sql ? sqlite3_errmsg(db->sql) : "out of memory");
        free(uri);
        return -1;
    }
    free(uri);
    return 0;
}

static int db_open(const char *path, bool readonly, struct results_db **out, char *err,
                   size_t errlen)
{
    char msg[512] = "";
    *out = NULL;
    struct results_db *db = calloc(1, sizeof *db);
    if (!db || !(db->path = strdup(path)))
        goto nomem;
    db->readonly = readonly;
    if (readonly) {
        if (open_readonly(db, msg, sizeof msg) < 0)
            goto fail;
    } else if (sqlite3_open_v2(path, &db->sql, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                               NULL) != SQLITE_OK) {
        snprintf(msg, sizeof msg, "%s: cannot open: %s", path,
                 db->sql ? sqlite3_errmsg(db->sql) : "out of memory");
        goto fail;
    }
    sqlite3_busy_timeout(db->sql, RESULTS_BUSY_TIMEOUT_MS);
    sqlite3_extended_result_codes(db->sql, 1);
    bool fresh;
    int rc = check_identity(db, &fresh, msg, sizeof msg);
    if (rc < 0)
        goto fail_rc;
    if (fresh && readonly) {
        snprintf(msg, sizeof msg, "%s: empty file, not an mcpsim results database", path);
        rc = RESULTS_EFOREIGN;
        goto fail_rc;
    }
    if (!readonly) {
        /* WAL lets readers and one writer work at once, and a commit is one append; with
         * synchronous=NORMAL a committed run survives any process crash (not a power cut
         * in the last moments, which costs at most the last runs, never consistency). */
        if (set_wal(db, msg, sizeof msg) < 0)
            goto fail;
        if (fresh && (rc = create_schema(db, msg, sizeof msg)) < 0)
            goto fail_rc;
    }
    *out = db;
    return 0;
nomem:
    snprintf(msg, sizeof msg, "%s: out of memory", path);
fail:
    rc = RESULTS_EFAIL;
fail_rc:
    if (errlen)
        snprintf(err, errlen, "%s", msg);
    results_db_close(db);
    return rc;
}

int results_db_open(const char *path, struct results_db **out, char *err, size_t errlen)
{
    return db_open(path, false, out, err, errlen);
}

int results_db_open_readonly(const char *path, struct results_db **out, char *err,
                             size_t errlen)
{
    return db_open(path, true, out, err, errlen);
}

void results_db_close(struct results_db *db)
{
    if (!db)
        return;
    sqlite3_close(db->sql);
    free(db->path);
    free(db);
}

enum run_status results_status_from_text(const char *s)
{
    if (!s)
        return RUN_NONE;
    if (strcmp(s, "ok") == 0)
        return RUN_OK;
    if (strcmp(s, "failed") == 0)
        return RUN_FAILED;
    return RUN_RUNNING;
}

int results_run_status(struct results_db *db, const char *run_id, enum run_status *out)
{
    sqlite3_stmt *st;
    if (results_prepare(db->sql, "SELECT status FROM runs WHERE run_id = ?", &st, NULL, 0) < 0)
        return RESULTS_EFAIL;
    sqlite3_bind_text(st, 1, run_id, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    *out = rc == SQLITE_ROW ? results_status_from_text((const char *)sqlite3_column_text(st, 0))
                            : RUN_NONE;
    sqlite3_finalize(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : RESULTS_EFAIL;
}

int results_run_is_done(struct results_db *db, const char *run_id)
{
    enum run_status s;
    if (results_run_status(db, run_id, &s) < 0)
        return RESULTS_EFAIL;
    return s == RUN_OK;
}

int results_db_foreach_scalar(struct results_db *db, const char *run_id, results_scalar_fn fn,
                              void *ctx)
{
    sqlite3_stmt *st;
    if (results_prepare(db->sql,
                        "SELECT module, name, unit, value FROM scalars WHERE run_id = ?"
                        " ORDER BY rowid",
                        &st, NULL, 0) < 0)
        return RESULTS_EFAIL;
    sqlite3_bind_text(st, 1, run_id, -1, SQLITE_STATIC);
    int rc, ret = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        double v = sqlite3_column_type(st, 3) == SQLITE_NULL ? (double)NAN
                                                               : sqlite3_column_double(st, 3);
        ret = fn(ctx, (const char *)sqlite3_column_text(st, 0),
                 (const char *)sqlite3_column_text(st, 1),
                 (const char *)sqlite3_column_text(st, 2), v);
        if (ret)
            break;
    }
    if (!ret && rc != SQLITE_DONE)
        ret = RESULTS_EFAIL;
    sqlite3_finalize(st);
    return ret;
}

int results_delete_run(sqlite3 *sql, const char *run_id, char *err, size_t errlen)
{
    static const char *const stmts[] = {
        "DELETE FROM vector_samples WHERE vector_id IN"
        " (SELECT vector_id FROM vectors WHERE run_id = ?1)",
        "DELETE FROM vectors WHERE run_id = ?1",
        "DELETE FROM histogram_bins WHERE hist_id IN"
        " (SELECT hist_id FROM histograms WHERE run_id = ?1)",
        "DELETE FROM histograms WHERE run_id = ?1",
        "DELETE FROM scalars WHERE run_id = ?1",
        "DELETE FROM parameters WHERE run_id = ?1",
        "DELETE FROM runs WHERE run_id = ?1",
    };
    for (size_t i = 0; i < sizeof stmts / sizeof stmts[0]; i++) {
        sqlite3_stmt *st;
        if (results_prepare(sql, stmts[i], &st, err, errlen) < 0)
            return RESULTS_EFAIL;
        sqlite3_bind_text(st, 1, run_id, -1, SQLITE_STATIC);
        int rc = sqlite3_step(st);
        sqlite3_finalize(st);
        if (rc != SQLITE_DONE)
            return results_sql_error(sql, "deleting an earlier attempt", err, errlen);
    }
    return 0;
}
