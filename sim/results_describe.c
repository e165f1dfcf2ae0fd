/* results_describe.c - what a results database holds, for a human deciding what to plot.
 *
 * Lists the runs by status (with the errors of a few failed ones), every parameter with its
 * distinct values, and the recorded statistics by kind. Statistics of numbered instances
 * (phone1.goodput ... phone1000.goodput) are folded into one pattern line
 * ("phone*.goodput  [bps]  1000 modules") that can be passed as --metric as it stands;
 * a pattern that matches one module is shown by its own name.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/results_impl.h"
#include "sim/results_stats.h"

/* Failed runs whose errors are shown; the rest is one SQL query away. */
#define DESCRIBE_FAILED_MAX 5
/* Distinct values shown per parameter. */
#define DESCRIBE_VALUES_MAX 12

struct folded {
    char *metric, *pattern, *unit;
};

static int cmp_folded(const void *a, const void *b)
{
    const struct folded *x = a, *y = b;
    int c = strcmp(x->pattern, y->pattern);
    return c ? c : strcmp(x->unit, y->unit);
}

/* "phone12.tcp3.cwnd" -> "phone*.tcp*.cwnd": every digit run of the module becomes '*'. */
static char *fold(const char *metric)
{
    char *out = malloc(strlen(metric) + 1), *o = out;
    const char *last_dot = strrchr(metric, '.');
    if (!out)
        return NULL;
    for (const char *p = metric; *p; p++) {
        if (isdigit((unsigned char)*p) && (!last_dot || p < last_dot)) {
            *o++ = '*';
            while (isdigit((unsigned char)p[1]))
                p++;
        } else {
            *o++ = *p;
        }
    }
    *o = '\0';
    return out;
}

static int list_stats(struct results_db *db, FILE *out, const char *title, const char *sql)
{
    sqlite3_stmt *st;
    if (results_prepare(db->sql, sql, &st, NULL, 0) < 0)
        return RESULTS_EFAIL;
    struct folded *f = NULL;
    size_t n = 0, cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (n == cap) {
            struct folded *nf = realloc(f, (cap = cap ? 2 * cap : 32) * sizeof *nf);
            if (!nf)
                break;
            f = nf;
        }
        f[n].metric = strdup((const char *)sqlite3_column_text(st, 0));
        f[n].pattern = fold((const char *)sqlite3_column_text(st, 0));
        f[n].unit = strdup((const char *)sqlite3_column_text(st, 1));
        if (!f[n].metric || !f[n].pattern || !f[n].unit) {
            free(f[n].metric);
            free(f[n].pattern);
            free(f[n].unit);
            break;
        }
        n++;
    }
    sqlite3_finalize(st);
    if (n)
        qsort(f, n, sizeof *f, cmp_folded);
    fprintf(out, "%s:%s\n", title, n ? "" : " none");
    for (size_t i = 0, j; i < n; i = j) {
        for (j = i + 1; j < n && cmp_folded(&f[i], &f[j]) == 0; j++)
            ;
        if (j - i > 1)
            fprintf(out, "  %-40s [%s]  %zu modules\n", f[i].pattern, f[i].unit, j - i);
        else
            fprintf(out, "  %-40s [%s]\n", f[i].metric, f[i].unit);
    }
    for (size_t i = 0; i < n; i++) {
        free(f[i].metric);
        free(f[i].pattern);
        free(f[i].unit);
    }
    free(f);
    return rc == SQLITE_DONE ? 0 : RESULTS_EFAIL;
}

static int list_params(struct results_db *db, FILE *out)
{
    sqlite3_stmt *st;
    int width = 0;
    if (results_prepare(db->sql, "SELECT max(length(name)) FROM parameters", &st, NULL, 0) < 0)
        return RESULTS_EFAIL;
    if (sqlite3_step(st) == SQLITE_ROW)
        width = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    if (results_prepare(db->sql,
                        "SELECT p.name, p.value, count(*) OVER (PARTITION BY p.name)"
                        " FROM (SELECT DISTINCT name, value, num FROM parameters) p"
                        " ORDER BY p.name, p.num IS NULL, p.num, p.value",
                        &st, NULL, 0) < 0)
        return RESULTS_EFAIL;
    char name[256] = "";
    size_t shown = 0;
    int rc, any = 0;
    fputs("parameters:", out);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *n = (const char *)sqlite3_column_text(st, 0);
        long long distinct = sqlite3_column_int64(st, 2);
        if (strcmp(n, name) != 0) {
            snprintf(name, sizeof name, "%s", n);
            fprintf(out, "\n  %-*s ", width, n);
            shown = 0;
            any = 1;
        }
        if (shown < DESCRIBE_VALUES_MAX)
            fprintf(out, " %s", (const char *)sqlite3_column_text(st, 1));
        else if (shown == DESCRIBE_VALUES_MAX)
            fprintf(out, " ... (%lld values)", distinct);
        shown++;
    }
    fputs(any ? "\n" : " none\n", out);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : RESULTS_EFAIL;
}

static int list_runs(struct results_db *db, FILE *out)
{
    sqlite3_stmt *st;
    if (results_prepare(db->sql,
                        "SELECT count(*), sum(status = 'ok'), sum(status = 'failed'),"
                        " sum(status = 'running'), count(DISTINCT scenario_hash),"
                        " group_concat(DISTINCT scenario) FROM runs",
                        &st, NULL, 0) < 0)
        return RESULTS_EFAIL;
    if (sqlite3_step(st) == SQLITE_ROW) {
        const char *names = (const char *)sqlite3_column_text(st, 5);
        fprintf(out, "%s: %lld runs: %lld ok, %lld failed, %lld unfinished; scenario %s",
                db->path, sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1),
                sqlite3_column_int64(st, 2), sqlite3_column_int64(st, 3),
                names ? names : "-");
        if (sqlite3_column_int64(st, 4) > 1)
            fprintf(out, " (%lld versions of its content)", sqlite3_column_int64(st, 4));
        fputc('\n', out);
    }
    sqlite3_finalize(st);
    if (results_prepare(db->sql,
                        "SELECT run_id, params, error FROM runs WHERE status = 'failed'"
                        " ORDER BY run_index LIMIT ?",
                        &st, NULL, 0) < 0)
        return RESULTS_EFAIL;
    sqlite3_bind_int(st, 1, DESCRIBE_FAILED_MAX);
    while (sqlite3_step(st) == SQLITE_ROW)
        fprintf(out, "  failed %s (%s): %s\n", (const char *)sqlite3_column_text(st, 0),
                (const char *)sqlite3_column_text(st, 1),
                (const char *)sqlite3_column_text(st, 2));
    sqlite3_finalize(st);
    return 0;
}

int results_describe(struct results_db *db, FILE *out)
{
    if (list_runs(db, out) < 0 || list_params(db, out) < 0 ||
        list_stats(db, out, "metrics (scalars of completed runs, for --metric/--y)",
                   "SELECT DISTINCT metric, unit FROM run_scalars") < 0 ||
        list_stats(db, out, "vectors",
                   "SELECT DISTINCT v.module || '.' || v.name, v.unit FROM vectors v"
                   " JOIN runs r ON r.run_id = v.run_id AND r.status = 'ok'") < 0 ||
        list_stats(db, out, "histograms",
                   "SELECT DISTINCT h.module || '.' || h.name, h.unit FROM histograms h"
                   " JOIN runs r ON r.run_id = h.run_id AND r.status = 'ok'") < 0)
        return RESULTS_EFAIL;
    return 0;
}
