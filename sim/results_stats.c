/* results_stats.c - mean, standard deviation and confidence interval across repetitions.
 *
 * One SQL query reduces the matching scalars of each completed run to one value and returns
 * the run's grouping parameters, sorted so that a group is a run of consecutive rows; the
 * statistics of each group come from GSL (gsl_stats_*, gsl_cdf_tdist_Pinv). Names are checked
 * against the database first, so a typo gets the list of valid names instead of an empty
 * table. See results_stats.h for the definitions and docs/results-schema.md for the SQL.
 */
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/results_impl.h"
#include "sim/results_stats.h"

/* How many valid names an error message lists before "... and N more". */
#define LIST_MAX 40

/* "what "name"; NOUN in PATH: a, b, c" from a one-column query. */
static int list_error(struct results_db *db, const char *query, const char *prefix,
                      const char *noun, char *err, size_t errlen)
{
    sqlite3_stmt *st;
    if (results_prepare(db->sql, query, &st, err, errlen) < 0)
        return RESULTS_EFAIL;
    size_t used = (size_t)snprintf(err, errlen, "%s; %s in %s:", prefix, noun, db->path);
    size_t n = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (n++ < LIST_MAX && used < errlen)
            used += (size_t)snprintf(err + used, errlen - used, " %s",
                                     (const char *)sqlite3_column_text(st, 0));
    }
    sqlite3_finalize(st);
    if (used < errlen && n == 0)
        snprintf(err + used, errlen - used, " (none)");
    else if (used < errlen && n > LIST_MAX)
        snprintf(err + used, errlen - used, " ... and %zu more", n - LIST_MAX);
    return RESULTS_EQUERY;
}

static int params_error(struct results_db *db, const char *name, char *err, size_t errlen)
{
    char prefix[256];
    snprintf(prefix, sizeof prefix, "unknown parameter \"%s\"", name);
    return list_error(db, "SELECT DISTINCT name FROM parameters ORDER BY name", prefix,
                      "parameters", err, errlen);
}

static int metrics_error(struct results_db *db, const char *metric, char *err, size_t errlen)
{
    char prefix[256];
    snprintf(prefix, sizeof prefix, "unknown metric \"%s\" (expected MODULE.NAME of a scalar)",
             metric);
    return list_error(db, "SELECT DISTINCT metric FROM run_scalars ORDER BY metric", prefix,
                      "metrics of completed runs", err, errlen);
}

static int param_exists(struct results_db *db, const char *name)
{
    sqlite3_stmt *st;
    if (results_prepare(db->sql, "SELECT 1 FROM parameters WHERE name = ? LIMIT 1", &st, NULL,
                        0) < 0)
        return RESULTS_EFAIL;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : RESULTS_EFAIL;
}

struct cond {
    char name[128];
    const char *op;     /* SQL operator */
    char value[128];
    bool numeric;
    double num;
    const char *unit;
};

/* Parses "NAME OP VALUE" (text between commas) into c. */
static int cond_parse(const char *text, size_t len, struct cond *c, char *err, size_t errlen)
{
    static const struct { const char *tok, *sql; } ops[] = {
        { "<=", "<=" }, { ">=", ">=" }, { "!=", "<>" }, { "==", "=" },
        { "=", "=" }, { "<", "<" }, { ">", ">" },
    };
    char buf[300];
    if (len >= sizeof buf)
        len = sizeof buf - 1;
    memcpy(buf, text, len);
    buf[len] = '\0';
    size_t at = strcspn(buf, "<>=!");
    size_t i = 0;
    while (buf[at] && i < sizeof ops / sizeof ops[0] &&
           strncmp(buf + at, ops[i].tok, strlen(ops[i].tok)) != 0)
        i++;
    char *name = buf, *value = buf[at] && i < sizeof ops / sizeof ops[0]
                                   ? buf + at + strlen(ops[i].tok) : NULL;
    if (value) {
        buf[at] = '\0';
        while (*name == ' ')
            name++;
        for (char *e = name + strlen(name); e > name && e[-1] == ' ';)
            *--e = '\0';
        while (*value == ' ')
            value++;
        for (char *e = value + strlen(value); e > value && e[-1] == ' ';)
            *--e = '\0';
    }
    if (!value || !*name || !*value || strlen(name) >= sizeof c->name ||
        strlen(value) >= sizeof c->value) {
        snprintf(err, errlen, "condition \"%s\": expected PARAM OP VALUE with OP one of "
                 "= != < <= > >= (e.g. \"link.rate>=10Mbps\")", buf);
        return RESULTS_EQUERY;
    }
    memcpy(c->name, name, strlen(name) + 1); /* lengths checked above */
    memcpy(c->value, value, strlen(value) + 1);
    c->op = ops[i].sql;
    c->numeric = results_quantity_parse(value, &c->num, &c->unit) == 0;
    return 0;
}

static int parse_conditions(const struct stats_query *q, struct cond **out, size_t *n,
                            char *err, size_t errlen)
{
    size_t cap = 0;
    *out = NULL;
    *n = 0;
    for (size_t i = 0; i < q->nwhere; i++) {
        for (const char *p = q->where[i]; *p;) {
            size_t len = strcspn(p, ",");
            if (*n == cap) {
                cap = cap ? 2 * cap : 4;
                struct cond *c = realloc(*out, cap * sizeof *c);
                if (!c) {
                    snprintf(err, errlen, "out of memory");
                    return RESULTS_EFAIL;
                }
                *out = c;
            }
            int rc = cond_parse(p, len, &(*out)[*n], err, errlen);
            if (rc < 0)
                return rc;
            (*n)++;
            p += len + (p[len] == ',');
        }
    }
    return 0;
}

/* Builds the per-run query: one row per completed run that has the metric and meets every
 * condition, with its reduced value and its grouping parameters, in group order. */
static char *build_query(const struct stats_query *q, bool exact, const struct cond *conds,
                         size_t nconds)
{
    static const char *const agg_sql[] = { "avg", "sum", "min", "max" };
    sqlite3_str *s = sqlite3_str_new(NULL);
    sqlite3_str_appendf(s, "SELECT s.run_id, %s(s.value), count(*), min(s.unit), max(s.unit)",
                        agg_sql[q->agg]);
    for (size_t i = 0; i < q->nby; i++)
        sqlite3_str_appendf(s, ", p%d.value, p%d.num, p%d.unit", (int)i, (int)i, (int)i);
    sqlite3_str_appendall(s, " FROM scalars s JOIN runs r ON r.run_id = s.run_id"
                             " AND r.status = 'ok'");
    /* Parameters are bound as ?1..?nby, the metric after them, conditions last. */
    for (size_t i = 0; i < q->nby; i++)
        sqlite3_str_appendf(s, " LEFT JOIN parameters p%d ON p%d.run_id = s.run_id"
                            " AND p%d.name = ?%d", (int)i, (int)i, (int)i, (int)i + 1);
    int arg = (int)q->nby + 1;
    if (exact) {
        sqlite3_str_appendf(s, " WHERE s.module = ?%d AND s.name = ?%d", arg, arg + 1);
        arg += 2;
    } else {
        sqlite3_str_appendf(s, " WHERE s.module || '.' || s.name GLOB ?%d", arg++);
    }
    for (size_t i = 0; i < nconds; i++) {
        const struct cond *c = &conds[i];
        sqlite3_str_appendf(s, " AND EXISTS (SELECT 1 FROM parameters w WHERE"
                            " w.run_id = s.run_id AND w.name = ?%d AND ", arg);
        if (c->numeric)
            sqlite3_str_appendf(s, "w.unit = ?%d AND w.num %s ?%d)", arg + 1, c->op, arg + 2);
        else
            sqlite3_str_appendf(s, "w.value %s ?%d)", c->op, arg + 1);
        arg += 3;
    }
    sqlite3_str_appendall(s, " GROUP BY s.run_id ORDER BY ");
    for (size_t i = 0; i < q->nby; i++)
        sqlite3_str_appendf(s, "p%d.num IS NULL, p%d.num, p%d.value, ", (int)i, (int)i, (int)i);
    sqlite3_str_appendall(s, "s.run_id");
    return sqlite3_str_finish(s);
}

static void bind_query(sqlite3_stmt *st, const struct stats_query *q, bool exact,
                       const char *module, const char *name, const struct cond *conds,
                       size_t nconds)
{
    int arg = 1;
    for (size_t i = 0; i < q->nby; i++)
        sqlite3_bind_text(st, arg++, q->by[i], -1, SQLITE_STATIC);
    if (exact) {
        sqlite3_bind_text(st, arg++, module, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, arg++, name, -1, SQLITE_STATIC);
    } else {
        sqlite3_bind_text(st, arg++, q->metric, -1, SQLITE_STATIC);
    }
    for (size_t i = 0; i < nconds; i++, arg += 3) {
        sqlite3_bind_text(st, arg, conds[i].name, -1, SQLITE_STATIC);
        if (conds[i].numeric) {
            sqlite3_bind_text(st, arg + 1, conds[i].unit, -1, SQLITE_STATIC);
            sqlite3_bind_double(st, arg + 2, conds[i].num);
        } else {
            sqlite3_bind_text(st, arg + 1, conds[i].value, -1, SQLITE_STATIC);
        }
    }
}

/* Statistics of one group's per-run values. */
static void group_stats(struct stats_group *g, const double *x, size_t n, double level)
{
    g->n = n;
    g->mean = gsl_stats_mean(x, 1, n);
    gsl_stats_minmax(&g->min, &g->max, x, 1, n);
    g->sd = g->ci = (double)NAN;
    if (n >= 2) {
        g->sd = gsl_stats_sd_m(x, 1, n, g->mean);
        double t = gsl_cdf_tdist_Pinv(1 - (1 - level) / 2, (double)(n - 1));
        g->ci = t * g->sd / sqrt((double)n);
    }
}

static bool same_key(sqlite3_stmt *st, const struct stats_group *g, size_t nby)
{
    for (size_t i = 0; i < nby; i++) {
        const char *v = (const char *)sqlite3_column_text(st, 5 + 3 * (int)i);
        if ((v == NULL) != (g->values[i] == NULL) || (v && strcmp(v, g->values[i]) != 0))
            return false;
    }
    return true;
}

/* Starts a group keyed by the current row; false when memory is short. */
static bool group_start(struct stats_table *t, sqlite3_stmt *st)
{
    if ((t->ngroups & (t->ngroups - 1)) == 0) { /* grow at powers of two */
        size_t cap = t->ngroups ? 2 * t->ngroups : 1;
        struct stats_group *g = realloc(t->groups, cap * sizeof *g);
        if (!g)
            return false;
        t->groups = g;
    }
    struct stats_group *g = &t->groups[t->ngroups];
    memset(g, 0, sizeof *g);
    g->values = calloc(t->nby ? t->nby : 1, sizeof *g->values);
    g->nums = calloc(t->nby ? t->nby : 1, sizeof *g->nums);
    t->ngroups++;
    if (!g->values || !g->nums)
        return false;
    for (size_t i = 0; i < t->nby; i++) {
        const char *v = (const char *)sqlite3_column_text(st, 5 + 3 * (int)i);
        if (v && !(g->values[i] = strdup(v)))
            return false;
        g->nums[i] = sqlite3_column_type(st, 6 + 3 * (int)i) == SQLITE_NULL
                         ? (double)NAN : sqlite3_column_double(st, 6 + 3 * (int)i);
    }
    return true;
}

/* Tracks the unit shared by every row in *unit ("?" once two rows disagree). */
static bool unit_merge(char **unit, const char *u, bool *seen)
{
    if (!*seen) {
        *seen = true;
        return (*unit = strdup(u ? u : "")) != NULL;
    }
    if (*unit && strcmp(*unit, u ? u : "") != 0) {
        free(*unit);
        return (*unit = strdup("?")) != NULL;
    }
    return true;
}

static int read_groups(sqlite3_stmt *st, struct stats_table *t, char *err, size_t errlen)
{
    double *x = NULL;
    size_t nx = 0, capx = 0;
    bool unit_seen = false;
    bool *by_seen = calloc(2 * t->nby + 1, sizeof *by_seen), *categorical = by_seen + t->nby;
    int rc;
    if (!by_seen)
        goto nomem;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (sqlite3_column_type(st, 1) == SQLITE_NULL)
            continue; /* the metric is undefined (NaN) in this run */
        if (t->ngroups == 0 || !same_key(st, &t->groups[t->ngroups - 1], t->nby)) {
            if (t->ngroups)
                group_stats(&t->groups[t->ngroups - 1], x, nx, t->level);
            nx = 0;
            if (!group_start(t, st))
                goto nomem;
        }
        if (nx == capx) {
            capx = capx ? 2 * capx : 16;
            double *nxp = realloc(x, capx * sizeof *x);
            if (!nxp)
                goto nomem;
            x = nxp;
        }
        x[nx++] = sqlite3_column_double(st, 1);
        size_t per_run = (size_t)sqlite3_column_int64(st, 2);
        if (per_run > t->max_scalars_per_run)
            t->max_scalars_per_run = per_run;
        const char *u0 = (const char *)sqlite3_column_text(st, 3);
        const char *u1 = (const char *)sqlite3_column_text(st, 4);
        if (!unit_merge(&t->unit, u0, &unit_seen) || !unit_merge(&t->unit, u1, &unit_seen))
            goto nomem;
        for (size_t i = 0; i < t->nby; i++) {
            /* A parameter is numeric when every run that has it has a number in one unit;
             * a run without the parameter does not make it categorical. */
            const char *pv = (const char *)sqlite3_column_text(st, 5 + 3 * (int)i);
            const char *pu = (const char *)sqlite3_column_text(st, 7 + 3 * (int)i);
            if (pv && !pu)
                categorical[i] = true;
            else if (pv && !unit_merge(&t->by_unit[i], pu, &by_seen[i]))
                goto nomem;
        }
    }
    if (t->ngroups)
        group_stats(&t->groups[t->ngroups - 1], x, nx, t->level);
    for (size_t i = 0; i < t->nby; i++) {
        if (categorical[i] || (t->by_unit[i] && strcmp(t->by_unit[i], "?") == 0)) {
            free(t->by_unit[i]);
            t->by_unit[i] = NULL;
        }
    }
    free(x);
    free(by_seen);
    if (rc != SQLITE_DONE)
        return results_sql_error(sqlite3_db_handle(st), "reading scalars", err, errlen);
    return 0;
nomem:
    free(x);
    free(by_seen);
    snprintf(err, errlen, "out of memory");
    return RESULTS_EFAIL;
}

/* Zero rows: say whether the metric is unknown or the conditions excluded every run. */
static int explain_empty(struct results_db *db, const struct stats_query *q, bool exact,
                         const char *module, const char *name, char *err, size_t errlen)
{
    sqlite3_stmt *st;
    const char *sql = exact ? "SELECT 1 FROM run_scalars WHERE module = ?1 AND name = ?2"
                      " AND value IS NOT NULL LIMIT 1"
                            : "SELECT 1 FROM run_scalars WHERE metric GLOB ?1"
                      " AND value IS NOT NULL LIMIT 1";
    if (results_prepare(db->sql, sql, &st, err, errlen) < 0)
        return RESULTS_EFAIL;
    sqlite3_bind_text(st, 1, exact ? module : q->metric, -1, SQLITE_STATIC);
    if (exact)
        sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc == SQLITE_ROW) {
        snprintf(err, errlen, "metric \"%s\": no completed run in %s meets the conditions",
                 q->metric, db->path);
        return RESULTS_EQUERY;
    }
    return metrics_error(db, q->metric, err, errlen);
}

int results_stats(struct results_db *db, const struct stats_query *q, struct stats_table **out,
                  char *err, size_t errlen)
{
    *out = NULL;
    const char *dot = q->metric ? strrchr(q->metric, '.') : NULL;
    if (!dot || dot == q->metric || !dot[1])
        return metrics_error(db, q->metric ? q->metric : "", err, errlen);
    for (size_t i = 0; i < q->nby; i++) {
        int rc = param_exists(db, q->by[i]);
        if (rc <= 0)
            return rc < 0 ? results_sql_error(db->sql, "reading parameters", err, errlen)
                          : params_error(db, q->by[i], err, errlen);
    }
    struct cond *conds;
    size_t nconds;
    int rc = parse_conditions(q, &conds, &nconds, err, errlen);
    for (size_t i = 0; rc == 0 && i < nconds; i++) {
        rc = param_exists(db, conds[i].name);
        if (rc <= 0)
            rc = rc < 0 ? results_sql_error(db->sql, "reading parameters", err, errlen)
                        : params_error(db, conds[i].name, err, errlen);
        else
            rc = 0;
    }
    bool exact = !strpbrk(q->metric, "*?[");
    char module[256];
    snprintf(module, sizeof module, "%.*s", (int)(dot - q->metric), q->metric);
    struct stats_table *t = calloc(1, sizeof *t);
    char *sql = NULL;
    sqlite3_stmt *st = NULL;
    if (rc < 0)
        goto done;
    rc = RESULTS_EFAIL;
    if (!t || !(t->metric = strdup(q->metric)) ||
        !(t->by = calloc(q->nby + 1, sizeof *t->by)) ||
        !(t->by_unit = calloc(q->nby + 1, sizeof *t->by_unit)) ||
        !(sql = build_query(q, exact, conds, nconds))) {
        snprintf(err, errlen, "out of memory");
        goto done;
    }
    t->nby = q->nby;
    t->level = q->level > 0 && q->level < 1 ? q->level : 0.95;
    for (size_t i = 0; i < q->nby; i++) {
        if (!(t->by[i] = strdup(q->by[i]))) {
            snprintf(err, errlen, "out of memory");
            goto done;
        }
    }
    if (results_prepare(db->sql, sql, &st, err, errlen) < 0)
        goto done;
    bind_query(st, q, exact, module, dot + 1, conds, nconds);
    rc = read_groups(st, t, err, errlen);
    if (rc == 0 && t->ngroups == 0)
        rc = explain_empty(db, q, exact, module, dot + 1, err, errlen);
done:
    sqlite3_finalize(st);
    sqlite3_free(sql);
    free(conds);
    if (rc < 0) {
        results_stats_free(t);
        return rc;
    }
    *out = t;
    return 0;
}

void results_stats_free(struct stats_table *t)
{
    if (!t)
        return;
    for (size_t g = 0; g < t->ngroups; g++) {
        for (size_t i = 0; t->groups[g].values && i < t->nby; i++)
            free(t->groups[g].values[i]);
        free(t->groups[g].values);
        free(t->groups[g].nums);
    }
    free(t->groups);
    for (size_t i = 0; t->by && i < t->nby; i++)
        free(t->by[i]);
    for (size_t i = 0; t->by_unit && i < t->nby; i++)
        free(t->by_unit[i]);
    free(t->by);
    free(t->by_unit);
    free(t->metric);
    free(t->unit);
    free(t);
}
