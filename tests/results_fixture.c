/* results_fixture.c - see results_fixture.h. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/harness.h"
#include "tests/results_fixture.h"

const char *fx_path(const char *name)
{
    static char paths[8][512];
    static unsigned slot;
    char *p = paths[slot++ % 8];
    snprintf(p, 512, "%s/%s", harness_tmpdir(), name);
    char side[600];
    unlink(p);
    snprintf(side, sizeof side, "%s-wal", p);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", p);
    unlink(side);
    return p;
}

struct results_db *fx_open(const char *path)
{
    struct results_db *db = NULL;
    char err[512] = "";
    int rc = results_db_open(path, &db, err, sizeof err);
    if (rc != 0)
        fprintf(stderr, "fx_open: %s\n", err);
    CU_ASSERT_EQUAL_FATAL(rc, 0);
    return db;
}

void fx_run(struct results_db *db, const char *run_id, const char *params, unsigned rep,
            size_t nscalars, const char *const *names, const double *values)
{
    struct results_param ps[16];
    char buf[512], *save = NULL;
    size_t np = 0;
    snprintf(buf, sizeof buf, "%s", params);
    for (char *item = strtok_r(buf, ",", &save); item && np < 16;
         item = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(item, '=');
        CU_ASSERT_PTR_NOT_NULL_FATAL(eq);
        *eq = '\0';
        ps[np].name = item;
        ps[np++].value = eq + 1;
    }
    struct run_meta meta = { .run_id = run_id, .scenario_name = "fixture.yaml",
                             .scenario_hash = "feedface", .params = ps, .nparams = np,
                             .seed = 1, .repetition = rep };
    struct results_run *run;
    char err[512] = "";
    int rc = results_run_begin(db, &meta, &run, err, sizeof err);
    if (rc)
        fprintf(stderr, "fx_run: %s\n", err);
    CU_ASSERT_EQUAL_FATAL(rc, 0);
    for (size_t i = 0; i < nscalars; i++)
        results_scalar(run, names[3 * i], names[3 * i + 1], names[3 * i + 2], values[i]);
    struct run_end end = { .status = RUN_OK, .events = 10, .sim_end = time_from_s(1) };
    rc = results_run_end(run, &end, err, sizeof err);
    if (rc)
        fprintf(stderr, "fx_run: %s\n", err);
    CU_ASSERT_EQUAL_FATAL(rc, 0);
}

long long fx_query_int(const char *path, const char *sql)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    long long v = -1;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW)
            v = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
    } else {
        fprintf(stderr, "fx_query_int: %s: %s\n", sql, sqlite3_errmsg(db));
    }
    sqlite3_close(db);
    return v;
}
