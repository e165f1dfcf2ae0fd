/* test_merge.c - joining part databases: every run exactly once, the best copy, all or
 * nothing. Counts are compared exactly; the parts are built through the recording API. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sim/results_merge.h"
#include "tests/harness.h"
#include "tests/results_fixture.h"

static const char *const names[] = { "sink", "goodput", "bps" };

static void record(struct results_db *db, const char *id, double v, enum run_status status)
{
    struct run_meta meta = { .run_id = id, .scenario_name = "m" };
    static const struct results_param p = { "rate", "5Mbps" };
    meta.params = &p;
    meta.nparams = 1;
    struct results_run *run;
    char err[256];
    CU_ASSERT_EQUAL_FATAL(results_run_begin(db, &meta, &run, err, sizeof err), 0);
    results_scalar(run, names[0], names[1], names[2], v);
    struct results_vector *vec = results_vector(run, "q", "len", "pkt");
    for (int i = 0; i < 10; i++)
        results_vector_add(vec, i, v);
    results_hist_add(results_histogram_uniform(run, "q", "h", "", 0, 10, 5), v);
    struct run_end e = { .status = status, .error = status == RUN_FAILED ? "boom" : NULL };
    CU_ASSERT_EQUAL(results_run_end(run, &e, err, sizeof err), 0);
}

struct notes {
    int duplicate, replaced, incomplete, kept;
};

static void count_note(void *ctx, const char *part, const char *run_id, const char *kind)
{
    struct notes *n = ctx;
    (void)part;
    (void)run_id;
    n->duplicate += strcmp(kind, "duplicate") == 0;
    n->replaced += strcmp(kind, "replaced") == 0;
    n->incomplete += strcmp(kind, "incomplete") == 0;
    n->kept += strcmp(kind, "kept") == 0;
}

/* part1: A ok, B failed, C running; part2: A ok (duplicate), B ok (better), D ok. */
static void build_parts(const char **p1, const char **p2)
{
    *p1 = fx_path("part1.db");
    *p2 = fx_path("part2.db");
    struct results_db *d1 = fx_open(*p1), *d2 = fx_open(*p2);
    record(d1, "A", 1, RUN_OK);
    record(d1, "B", 2, RUN_FAILED);
    record(d2, "A", 1, RUN_OK);
    record(d2, "B", 3, RUN_OK);
    record(d2, "D", 4, RUN_OK);
    results_db_close(d2);
    results_db_close(d1);
    /* C: a job that began its run and died before results_run_end (a child that exits
     * without ending it, exactly what SIGKILL leaves behind). */
    pid_t pid = fork();
    CU_ASSERT_FATAL(pid >= 0);
    if (pid == 0) {
        struct results_db *db;
        struct results_run *run;
        struct run_meta meta = { .run_id = "C", .scenario_name = "m" };
        char err[256];
        if (results_db_open(*p1, &db, err, sizeof err) != 0 ||
            results_run_begin(db, &meta, &run, err, sizeof err) != 0)
            _exit(1);
        results_scalar(run, "sink", "goodput", "bps", 99);
        _exit(0);
    }
    int status;
    waitpid(pid, &status, 0);
    CU_ASSERT_FATAL(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void test_merge_takes_every_run_once_and_the_best_copy(void)
{
    const char *p1, *p2;
    build_parts(&p1, &p2);
    const char *outp = fx_path("merged.db");
    struct results_db *out = fx_open(outp);
    const char *parts[] = { p1, p2 };
    struct merge_stats ms;
    struct notes n = { 0 };
    char err[512];
    CU_ASSERT_EQUAL_FATAL(results_merge(out, parts, 2, count_note, &n, &ms, err, sizeof err), 0);
    results_db_close(out);
    CU_ASSERT_EQUAL(ms.runs_added, 3);     /* A, B (failed copy), D */
    CU_ASSERT_EQUAL(ms.runs_replaced, 1);  /* B: ok in part2 */
    CU_ASSERT_EQUAL(ms.runs_duplicate, 1); /* A again */
    CU_ASSERT_EQUAL(ms.runs_incomplete, 1);
    CU_ASSERT(n.duplicate == 1 && n.replaced == 1 && n.incomplete == 1 && n.kept == 0);
    CU_ASSERT_EQUAL(fx_query_int(outp, "SELECT count(*) FROM runs"), 3);
    CU_ASSERT_EQUAL(fx_query_int(outp, "SELECT count(*) FROM runs WHERE status = 'ok'"), 3);
    CU_ASSERT_EQUAL(fx_query_int(outp, "SELECT value FROM scalars WHERE run_id = 'B'"), 3);
    CU_ASSERT_EQUAL(fx_query_int(outp, "SELECT count(*) FROM scalars"), 3);
    CU_ASSERT_EQUAL(fx_query_int(outp, "SELECT count(*) FROM parameters"), 3);
    CU_ASSERT_EQUAL(fx_query_int(outp, "SELECT count(*) FROM vectors"), 3);
    CU_ASSERT_EQUAL(fx_query_int(outp, "SELECT count(*) FROM run_vectors"), 30);
    CU_ASSERT_EQUAL(fx_query_int(outp, "SELECT sum(weight) FROM histogram_bins"), 3);
    /* Samples follow their (renumbered) vector: B's series holds B's value. */
    CU_ASSERT_EQUAL(fx_query_int(outp, "SELECT min(value) FROM run_vectors WHERE run_id = 'B'"),
                    3);

    /* Merging the same parts again changes nothing: everything is a duplicate. */
    out = fx_open(outp);
    CU_ASSERT_EQUAL(results_merge(out, parts, 2, NULL, NULL, &ms, err, sizeof err), 0);
    results_db_close(out);
    CU_ASSERT_EQUAL(ms.runs_added + ms.runs_replaced, 0);
    CU_ASSERT_EQUAL(fx_query_int(outp, "SELECT count(*) FROM vector_samples"), 30);
}

static void test_failed_merge_leaves_the_output_unchanged(void)
{
    const char *p1, *p2;
    build_parts(&p1, &p2);
    const char *junk = fx_path("junk.db");
    FILE *f = fopen(junk, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs("not a database at all, but long enough to look like a header..........", f);
    fclose(f);
    const char *outp = fx_path("atomic.db");
    struct results_db *out = fx_open(outp);
    const char *parts[] = { p1, junk };
    char err[512];
    CU_ASSERT_EQUAL(results_merge(out, parts, 2, NULL, NULL, NULL, err, sizeof err),
                    RESULTS_EFOREIGN);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "junk.db"));
    const char *self[] = { outp };
    CU_ASSERT_EQUAL(results_merge(out, self, 1, NULL, NULL, NULL, err, sizeof err),
                    RESULTS_EFAIL);
    results_db_close(out);
    CU_ASSERT_EQUAL(fx_query_int(outp, "SELECT count(*) FROM runs"), 0);
}

static void test_merge_command_reports_and_exits(void)
{
    const char *p1, *p2;
    build_parts(&p1, &p2);
    char cmd[2048], *out = NULL;
    const char *outp = fx_path("cli.db");
    snprintf(cmd, sizeof cmd, "%s merge %s %s %s", harness_mcpsim(), outp, p1, p2);
    CU_ASSERT_EQUAL(harness_run(cmd, &out), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "run A: already present and complete; taken once"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "run C: never finished"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "3 runs added, 1 replaced, 1 duplicates"));
    free(out);
    snprintf(cmd, sizeof cmd, "%s merge %s %s/none.db", harness_mcpsim(), outp,
             harness_tmpdir());
    CU_ASSERT_EQUAL(harness_run(cmd, &out), 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "unchanged"));
    free(out);
    snprintf(cmd, sizeof cmd, "%s merge %s", harness_mcpsim(), outp);
    CU_ASSERT_EQUAL(harness_run(cmd, &out), 2);
    free(out);
}

SUITE(merge, NULL, NULL,
      TEST(test_merge_takes_every_run_once_and_the_best_copy),
      TEST(test_failed_merge_leaves_the_output_unchanged),
      TEST(test_merge_command_reports_and_exits))
