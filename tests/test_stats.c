/* test_stats.c - statistics across repetitions against hand-computed values.
 *
 * The samples are small integers whose mean and sample standard deviation are exact
 * (worked out below); the Student t quantiles come from closed forms, so the expected
 * half-widths are exact to a few ulps and the comparison uses 1e-9 relative: both sides are
 * exact computations, and any real mistake (n instead of n - 1, a one-sided quantile, a
 * wrong level) is off by percents. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/results_stats.h"
#include "tests/harness.h"
#include "tests/results_fixture.h"

/* Student t quantiles in closed form, independent of GSL's numerical inversion (the t
 * distribution with 2 and 4 degrees of freedom has an invertible CDF; Hill 1970, and any
 * table: t(0.975, 2) = 4.303, t(0.975, 4) = 2.776, t(0.995, 4) = 4.604). */
static double t_df2(double p)
{
    return (2 * p - 1) / sqrt(2 * p * (1 - p));
}

static double t_df4(double p)
{
    double a = 4 * p * (1 - p), q = cos(acos(sqrt(a)) / 3) / sqrt(a);
    return 2 * sqrt(q - 1);
}

#define T975_DF2 t_df2(0.975)
#define T975_DF4 t_df4(0.975)
#define T995_DF4 t_df4(0.995)

static char db_path[512];

#define REL_EQ(a, b) CU_ASSERT(fabs((a) - (b)) <= 1e-9 * fabs(b))

/* link.rate 10Mbps: 1 2 3 4 5 (red, red, red, droptail, droptail); 100Mbps: 10 12 17;
 * 2Gbps: 7. A failed run with an absurd value must never count. Each run also has two
 * phones whose goodputs sum to 100. Built by the first test that needs it (CUnit asserts
 * are only valid inside a test). */
static void build_db(void)
{
    static const struct { const char *id, *params; double v; } runs[] = {
        { "a1", "link.rate=10Mbps,qdisc=red", 1 },      { "a2", "link.rate=10Mbps,qdisc=red", 2 },
        { "a3", "link.rate=10Mbps,qdisc=red", 3 },      { "a4", "link.rate=10Mbps,qdisc=droptail", 4 },
        { "a5", "link.rate=10Mbps,qdisc=droptail", 5 }, { "b1", "link.rate=100Mbps,qdisc=red", 10 },
        { "b2", "link.rate=100Mbps,qdisc=red", 12 },    { "b3", "link.rate=100Mbps,qdisc=red", 17 },
        { "c1", "link.rate=2Gbps,qdisc=red", 7 },
    };
    if (db_path[0])
        return;
    snprintf(db_path, sizeof db_path, "%s", fx_path("stats.db"));
    struct results_db *db = fx_open(db_path);
    const char *names[] = { "sink", "goodput", "bps", "phone1", "goodput", "bps",
                            "phone2", "goodput", "bps" };
    for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++) {
        double v[3] = { runs[i].v, 30 + runs[i].v, 70 - runs[i].v };
        fx_run(db, runs[i].id, runs[i].params, (unsigned)i, 3, names, v);
    }
    struct run_meta meta = { .run_id = "bad", .scenario_name = "s" };
    static const struct results_param p = { "link.rate", "10Mbps" };
    meta.params = &p;
    meta.nparams = 1;
    struct results_run *run;
    char err[256];
    CU_ASSERT_EQUAL_FATAL(results_run_begin(db, &meta, &run, err, sizeof err), 0);
    results_scalar(run, "sink", "goodput", "bps", 1e12);
    struct run_end e = { .status = RUN_FAILED, .error = "crashed" };
    CU_ASSERT_EQUAL(results_run_end(run, &e, err, sizeof err), 0);
    results_db_close(db);
}

static struct stats_table *query(const char *metric, const char **by, size_t nby,
                                 const char **where, size_t nwhere, double level, int want_rc,
                                 char *err, size_t errlen)
{
    struct results_db *db;
    build_db();
    CU_ASSERT_EQUAL_FATAL(results_db_open_readonly(db_path, &db, err, errlen), 0);
    struct stats_query q = { .metric = metric, .by = by, .nby = nby, .where = where,
                             .nwhere = nwhere, .level = level };
    struct stats_table *t = NULL;
    int rc = results_stats(db, &q, &t, err, errlen);
    if (rc != want_rc)
        fprintf(stderr, "results_stats: %s\n", err);
    CU_ASSERT_EQUAL(rc, want_rc);
    results_db_close(db);
    return t;
}

static void test_mean_sd_and_t_interval_match_hand_computation(void)
{
    const char *by[] = { "link.rate" };
    char err[512];
    struct stats_table *t = query("sink.goodput", by, 1, NULL, 0, 0.95, 0, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    CU_ASSERT_EQUAL_FATAL(t->ngroups, 3);
    CU_ASSERT_STRING_EQUAL(t->unit, "bps");
    CU_ASSERT_STRING_EQUAL(t->by_unit[0], "bps");
    /* Sorted numerically (10M < 100M < 2G), not as text ("100Mbps" < "10Mbps"). */
    CU_ASSERT_STRING_EQUAL(t->groups[0].values[0], "10Mbps");
    CU_ASSERT_STRING_EQUAL(t->groups[1].values[0], "100Mbps");
    CU_ASSERT_STRING_EQUAL(t->groups[2].values[0], "2Gbps");
    CU_ASSERT_EQUAL(t->groups[0].nums[0], 1e7);
    /* 1..5: mean 3, squared deviations 4+1+0+1+4 = 10, sd = sqrt(10/4). The failed run with
     * 1e12 is not among them. */
    const struct stats_group *g = &t->groups[0];
    CU_ASSERT_EQUAL(g->n, 5);
    REL_EQ(g->mean, 3.0);
    REL_EQ(g->sd, sqrt(2.5));
    REL_EQ(g->ci, T975_DF4 * sqrt(2.5) / sqrt(5.0));
    CU_ASSERT_EQUAL(g->min, 1);
    CU_ASSERT_EQUAL(g->max, 5);
    /* 10 12 17: mean 13, squared deviations 9+1+16 = 26, sd = sqrt(13). */
    g = &t->groups[1];
    CU_ASSERT_EQUAL(g->n, 3);
    REL_EQ(g->mean, 13.0);
    REL_EQ(g->sd, sqrt(13.0));
    REL_EQ(g->ci, T975_DF2 * sqrt(13.0) / sqrt(3.0));
    /* One run: no spread, no interval. */
    CU_ASSERT_EQUAL(t->groups[2].n, 1);
    CU_ASSERT(isnan(t->groups[2].sd) && isnan(t->groups[2].ci));
    results_stats_free(t);

    t = query("sink.goodput", by, 1, NULL, 0, 0.99, 0, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    REL_EQ(t->groups[0].ci, T995_DF4 * sqrt(2.5) / sqrt(5.0));
    results_stats_free(t);
}

static void test_groups_by_two_parameters_and_filters_with_units(void)
{
    const char *by[] = { "link.rate", "qdisc" };
    const char *where[] = { "link.rate < 1Gbps", "qdisc!=droptail" };
    char err[512];
    struct stats_table *t = query("sink.goodput", by, 2, NULL, 0, 0.95, 0, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    CU_ASSERT_EQUAL(t->ngroups, 4); /* 10M droptail, 10M red, 100M red, 2G red */
    CU_ASSERT_PTR_NULL(t->by_unit[1]); /* qdisc is not a number */
    CU_ASSERT_STRING_EQUAL(t->groups[0].values[1], "droptail");
    REL_EQ(t->groups[0].mean, 4.5);
    REL_EQ(t->groups[1].mean, 2.0);
    results_stats_free(t);

    t = query("sink.goodput", by, 1, where, 2, 0.95, 0, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    CU_ASSERT_EQUAL(t->ngroups, 2); /* 2Gbps and droptail runs filtered out */
    CU_ASSERT_EQUAL(t->groups[0].n, 3);
    REL_EQ(t->groups[0].mean, 2.0);
    results_stats_free(t);

    const char *none[] = { "link.rate>5Gbps" };
    CU_ASSERT_PTR_NULL(query("sink.goodput", by, 1, none, 1, 0.95, RESULTS_EQUERY, err,
                             sizeof err));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "no completed run"));
    const char *bad[] = { "link.rate" };
    CU_ASSERT_PTR_NULL(query("sink.goodput", by, 1, bad, 1, 0.95, RESULTS_EQUERY, err,
                             sizeof err));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "PARAM OP VALUE"));
}

static void test_glob_metric_is_reduced_per_run(void)
{
    char err[512];
    struct results_db *db;
    build_db();
    CU_ASSERT_EQUAL_FATAL(results_db_open_readonly(db_path, &db, err, sizeof err), 0);
    struct stats_query q = { .metric = "phone*.goodput", .agg = STATS_AGG_SUM };
    struct stats_table *t;
    CU_ASSERT_EQUAL_FATAL(results_stats(db, &q, &t, err, sizeof err), 0);
    /* No --by: one group of all 9 completed runs, each phone1 + phone2 = 100. */
    CU_ASSERT_EQUAL(t->ngroups, 1);
    CU_ASSERT_EQUAL(t->groups[0].n, 9);
    CU_ASSERT_EQUAL(t->max_scalars_per_run, 2);
    REL_EQ(t->groups[0].mean, 100.0);
    CU_ASSERT_EQUAL(t->groups[0].sd, 0);
    results_stats_free(t);
    results_db_close(db);
}

static void test_unknown_names_list_the_valid_ones(void)
{
    const char *by[] = { "link.rat" };
    char err[2048];
    CU_ASSERT_PTR_NULL(query("sink.goodpt", NULL, 0, NULL, 0, 0.95, RESULTS_EQUERY, err,
                             sizeof err));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "unknown metric \"sink.goodpt\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "phone1.goodput phone2.goodput sink.goodput"));
    CU_ASSERT_PTR_NULL(query("goodput", NULL, 0, NULL, 0, 0.95, RESULTS_EQUERY, err,
                             sizeof err));
    CU_ASSERT_PTR_NULL(query("sink.goodput", by, 1, NULL, 0, 0.95, RESULTS_EQUERY, err,
                             sizeof err));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "unknown parameter \"link.rat\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "link.rate qdisc"));
}

static void test_quantities_parse_to_base_units_and_scale_for_axes(void)
{
    double v, f;
    const char *u;
    char label[16];
    CU_ASSERT_EQUAL(results_quantity_parse("50Mbps", &v, &u), 0);
    CU_ASSERT(v == 5e7 && strcmp(u, "bps") == 0);
    CU_ASSERT_EQUAL(results_quantity_parse("10ms", &v, &u), 0);
    CU_ASSERT(v == 1e10 * 1e-12 && strcmp(u, "s") == 0);
    CU_ASSERT_EQUAL(results_quantity_parse("64KiB", &v, &u), 0);
    CU_ASSERT(v == 65536 && strcmp(u, "B") == 0);
    CU_ASSERT_EQUAL(results_quantity_parse("0.25", &v, &u), 0);
    CU_ASSERT(v == 0.25 && strcmp(u, "") == 0);
    CU_ASSERT_EQUAL(results_quantity_parse("lia", &v, &u), -1);
    CU_ASSERT_EQUAL(results_quantity_parse("5 parsecs", &v, &u), -1);
    results_unit_scale("bps", 5e7, &f, label, sizeof label);
    CU_ASSERT(f == 1e-6 && strcmp(label, "Mbps") == 0);
    results_unit_scale("s", 0.02, &f, label, sizeof label);
    CU_ASSERT(f == 1e3 && strcmp(label, "ms") == 0);
    results_unit_scale("B", 999, &f, label, sizeof label);
    CU_ASSERT(f == 1 && strcmp(label, "B") == 0);
    results_unit_scale("pkt", 1e6, &f, label, sizeof label);
    CU_ASSERT(f == 1 && strcmp(label, "pkt") == 0);
}

static void test_stats_command_prints_table_and_csv(void)
{
    char cmd[1024], *out = NULL;
    build_db();
    snprintf(cmd, sizeof cmd, "%s stats %s --metric sink.goodput --by link.rate --csv",
             harness_mcpsim(), db_path);
    CU_ASSERT_EQUAL(harness_run(cmd, &out), 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(out);
    /* CSV: full precision, empty sd/ci for a single run. */
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "link.rate,n,mean,sd,ci95,min,max,unit\n"
                                       "10Mbps,5,3,1.5811388300841898,"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "\n2Gbps,1,7,,,7,7,bps\n"));
    free(out);
    snprintf(cmd, sizeof cmd, "%s stats %s --metric sink.goodput --by link.rate,qdisc "
             "--where 'qdisc=red'", harness_mcpsim(), db_path);
    CU_ASSERT_EQUAL(harness_run(cmd, &out), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "link.rate  qdisc  n  mean"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "100Mbps    red    3    13"));
    free(out);
    snprintf(cmd, sizeof cmd, "%s stats %s --metric sink.goodputt", harness_mcpsim(), db_path);
    CU_ASSERT_EQUAL(harness_run(cmd, &out), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "sink.goodput"));
    free(out);
    snprintf(cmd, sizeof cmd, "%s stats %s/nothing.db --metric a.b", harness_mcpsim(),
             harness_tmpdir());
    CU_ASSERT_EQUAL(harness_run(cmd, &out), 1);
    free(out);
    snprintf(cmd, sizeof cmd, "%s stats %s --csv", harness_mcpsim(), db_path);
    CU_ASSERT_EQUAL(harness_run(cmd, &out), 2);
    free(out);
}

static void test_stats_without_metric_describes_the_database(void)
{
    char cmd[1024], *out = NULL;
    build_db();
    snprintf(cmd, sizeof cmd, "%s stats %s", harness_mcpsim(), db_path);
    CU_ASSERT_EQUAL(harness_run(cmd, &out), 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(out);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "10 runs: 9 ok, 1 failed, 0 unfinished"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "failed bad (link.rate=10Mbps): crashed"));
    /* Values in numeric order; the numbered phones folded into one usable pattern. */
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "link.rate  10Mbps 100Mbps 2Gbps\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "qdisc      droptail red\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "phone*.goodput"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "2 modules"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "sink.goodput"));
    free(out);
}

SUITE(stats, NULL, NULL,
      TEST(test_mean_sd_and_t_interval_match_hand_computation),
      TEST(test_groups_by_two_parameters_and_filters_with_units),
      TEST(test_glob_metric_is_reduced_per_run),
      TEST(test_unknown_names_list_the_valid_ones),
      TEST(test_quantities_parse_to_base_units_and_scale_for_axes),
      TEST(test_stats_command_prints_table_and_csv),
      TEST(test_stats_without_metric_describes_the_database))
