/* test_sweep.c - sweep expansion, run ids, determinism, and the sweep command's promises:
 * a sweep killed with SIGKILL resumes with every run present exactly once, and the GNU
 * parallel path (--list, parallel, merge) gives the same runs as a local sweep. */
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/command.h"
#include "cmd/runner.h"
#include "sim/results.h"
#include "sim/scenario.h"
#include "tests/harness.h"

#define SWEEP "tests/data/scenarios/sweep.yaml"
#define BASE "tests/data/scenarios/base.yaml"

static struct scenario *load(const char *path, const char *const *sets, size_t n)
{
    struct scenario *sc = NULL;
    char err[1024];
    if (scenario_load(path, sets, n, &sc, err, sizeof err) < 0)
        fprintf(stderr, "\n  %s\n", err);
    return sc;
}

static const char *grid =
    "name: g\nduration: 1s\nnodes:\n  - name: a\n  - name: b\nlinks:\n  - name: l\n"
    "    a: a\n    b: b\n    rate: [1Mbps, 2Mbps, 3Mbps]\n    delay: [1ms, 2ms]\n"
    "sweep:\n  repeat: 2\n";

static void test_product_expands_every_combination_first_axis_slowest(void)
{
    struct scenario *sc = load(harness_write_tmp("sweep-grid.yaml", grid), NULL, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
    CU_ASSERT_EQUAL(scenario_axis_count(sc), 2);
    CU_ASSERT_STRING_EQUAL(scenario_axis_name(sc, 0), "links.l.rate");
    CU_ASSERT_STRING_EQUAL(scenario_axis_name(sc, 1), "links.l.delay");
    CU_ASSERT_EQUAL(scenario_point_count(sc), 6);
    CU_ASSERT_EQUAL(scenario_run_count(sc), 12);
    CU_ASSERT_STRING_EQUAL(scenario_point_axis_value(sc, 1, 0), "1Mbps");
    CU_ASSERT_STRING_EQUAL(scenario_point_axis_value(sc, 1, 1), "2ms");
    CU_ASSERT_STRING_EQUAL(scenario_point_axis_value(sc, 4, 0), "3Mbps");
    CU_ASSERT_STRING_EQUAL(scenario_point_axis_value(sc, 4, 1), "1ms");
    /* Run K = repetition * points + point. */
    struct scenario_run r;
    CU_ASSERT_EQUAL(scenario_run_info(sc, 7, &r), 0);
    CU_ASSERT_EQUAL(r.point, 1);
    CU_ASSERT_EQUAL(r.rep, 1);
    CU_ASSERT_EQUAL(scenario_run_info(sc, 12, &r), -1);
    /* Every run has its own id. */
    char ids[12][SCENARIO_ID_LEN + 1];
    for (size_t k = 0; k < 12; k++) {
        CU_ASSERT_EQUAL(scenario_run_info(sc, k, &r), 0);
        memcpy(ids[k], r.id, sizeof ids[k]);
        for (size_t j = 0; j < k; j++)
            CU_ASSERT_STRING_NOT_EQUAL(ids[j], ids[k]);
    }
    scenario_free(sc);
}

static void test_zip_pairs_values_and_sweep_axes_come_first(void)
{
    const char *zip =
        "name: z\nduration: 1s\nnodes:\n  - name: a\n  - name: b\nlinks:\n  - name: l\n"
        "    a: a\n    b: b\n    rate: [1Mbps, 2Mbps, 3Mbps]\nsweep:\n  mode: zip\n"
        "  axes:\n    links.l.delay: [1ms, 2ms, 3ms]\n";
    struct scenario *sc = load(harness_write_tmp("sweep-zip.yaml", zip), NULL, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
    CU_ASSERT_EQUAL(scenario_point_count(sc), 3);
    CU_ASSERT_STRING_EQUAL(scenario_axis_name(sc, 0), "links.l.delay");
    CU_ASSERT_STRING_EQUAL(scenario_point_axis_value(sc, 2, 0), "3ms");
    CU_ASSERT_STRING_EQUAL(scenario_point_axis_value(sc, 2, 1), "3Mbps");
    scenario_free(sc);
    /* A --set list is an axis too; a --set scalar pins a swept value. */
    const char *sets[] = { "links.l.delay=[5ms, 6ms]", "duration=[1s,2s]" };
    sc = load(harness_write_tmp("sweep-grid2.yaml", grid), sets, 2);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
    CU_ASSERT_EQUAL(scenario_point_count(sc), 12);
    scenario_free(sc);
    const char *pin[] = { "links.l.rate=2Mbps" };
    sc = load(harness_write_tmp("sweep-grid3.yaml", grid), pin, 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
    CU_ASSERT_EQUAL(scenario_point_count(sc), 2);
    scenario_free(sc);
}

static void id_of(const char *path, size_t k, char *id)
{
    struct scenario *sc = load(path, NULL, 0);
    struct scenario_run r;
    strcpy(id, "none");
    if (sc && scenario_run_info(sc, k, &r) == 0)
        strcpy(id, r.id);
    scenario_free(sc);
}

/* Runs 0..11 of scenario files x and y: each pair of ids equal (same) or different (!same). */
static void compare_ids(const char *x, const char *y, bool same)
{
    char a[32], b[32];
    for (size_t k = 0; k < 12; k++) {
        id_of(x, k, a);
        id_of(y, k, b);
        if (same) {
            CU_ASSERT_STRING_EQUAL(a, b);
        } else {
            CU_ASSERT_STRING_NOT_EQUAL(a, b);
        }
    }
}

static void test_run_ids_ignore_layout_and_change_with_content(void)
{
    const char *g = harness_write_tmp("sweep-g.yaml", grid);
    /* The same scenario with comments, flow style and another order of keys (the two swept
     * keys keep their order: inline axes are numbered in document order). */
    const char *relaid =
        "# comment\nduration: 1s   # one second\nname: g\nsweep: {repeat: 2}\n"
        "links:\n  - {b: b, rate: [1Mbps, 2Mbps, 3Mbps], a: a, name: l, delay: [1ms, 2ms]}\n"
        "nodes: [{name: a}, {name: b}]\n";
    compare_ids(g, harness_write_tmp("sweep-relaid.yaml", relaid), true);
    /* Any edited value changes every id: results of two versions never mix. */
    const char *edited =
        "name: g\nduration: 1s\nnodes:\n  - name: a\n  - name: b\nlinks:\n  - name: l\n"
        "    a: a\n    b: b\n    rate: [1Mbps, 2Mbps, 3Mbps]\n    delay: [1ms, 2ms]\n"
        "    mtu: 1400B\nsweep:\n  repeat: 2\n";
    compare_ids(g, harness_write_tmp("sweep-edited.yaml", edited), false);
}

static void test_more_values_or_repetitions_keep_existing_ids(void)
{
    char a[32], b[32];
    const char *g = harness_write_tmp("sweep-g.yaml", grid);
    /* repeat 2 -> 5: runs 0..11 keep index and id. */
    const char *more =
        "name: g\nduration: 1s\nnodes:\n  - name: a\n  - name: b\nlinks:\n  - name: l\n"
        "    a: a\n    b: b\n    rate: [1Mbps, 2Mbps, 3Mbps]\n    delay: [1ms, 2ms]\n"
        "sweep:\n  repeat: 5\n";
    compare_ids(g, harness_write_tmp("sweep-more.yaml", more), true);
    /* A fourth rate: the point (3Mbps, 2ms) is point 5 before and after; its id is kept. */
    const char *wider =
        "name: g\nduration: 1s\nnodes:\n  - name: a\n  - name: b\nlinks:\n  - name: l\n"
        "    a: a\n    b: b\n    rate: [1Mbps, 2Mbps, 3Mbps, 4Mbps]\n    delay: [1ms, 2ms]\n"
        "sweep:\n  repeat: 2\n";
    const char *w = harness_write_tmp("sweep-wider.yaml", wider);
    id_of(g, 5, a);
    id_of(w, 5, b);
    CU_ASSERT_STRING_EQUAL(a, b);
}

struct scalars {
    double v[256];
    size_t n;
};

static int collect(void *ctx, const char *module, const char *name, const char *unit, double v)
{
    struct scalars *s = ctx;
    (void)module, (void)name, (void)unit;
    if (s->n < 256)
        s->v[s->n++] = v;
    return 0;
}

/* Runs BASE (Poisson sources) at repetition rep in process; scalars in recording order. */
static void run_base(unsigned rep, struct scalars *out)
{
    struct scenario *sc = load(BASE, NULL, 0);
    struct results_db *db;
    struct scenario_run r;
    char err[1024];
    memset(out, 0, sizeof *out);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
    CU_ASSERT_EQUAL_FATAL(results_db_open(":memory:", &db, err, sizeof err), 0);
    CU_ASSERT_EQUAL_FATAL(scenario_run_at(sc, 0, rep, &r), 0);
    struct runner_opts o = { .replace = true };
    struct runner_result res;
    CU_ASSERT_EQUAL(runner_execute(sc, &r, &o, db, &res, err, sizeof err), EXIT_OK);
    CU_ASSERT_TRUE(res.events > 0);
    results_db_foreach_scalar(db, r.id, collect, out);
    results_db_close(db);
    scenario_free(sc);
}

static void test_same_seed_and_run_give_identical_scalars_another_run_differs(void)
{
    struct scalars a, b, c;
    run_base(0, &a);
    run_base(0, &b);
    run_base(1, &c);
    CU_ASSERT_TRUE(a.n > 50);
    CU_ASSERT_EQUAL_FATAL(a.n, b.n);
    CU_ASSERT_EQUAL(memcmp(a.v, b.v, a.n * sizeof a.v[0]), 0);
    CU_ASSERT_EQUAL_FATAL(a.n, c.n);
    CU_ASSERT_NOT_EQUAL(memcmp(a.v, c.v, a.n * sizeof a.v[0]), 0);
}

/* SELECT of one integer. Opened read-write: a WAL left by a killed process needs recovery,
 * which a read-only connection cannot always do. */
static long long query(const char *db, const char *sql)
{
    sqlite3 *h;
    sqlite3_stmt *st;
    long long v = -1;
    if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        sqlite3_close(h);
        return -1;
    }
    sqlite3_busy_timeout(h, 5000);
    if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW)
            v = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
    }
    if (v < 0)
        fprintf(stderr, "\n  query on %s failed: %s\n", db, sqlite3_errmsg(h));
    sqlite3_close(h);
    return v;
}

/* Every run of SWEEP is in db exactly once, complete, with one set of scalars. */
static void assert_complete(const char *db, long long runs)
{
    CU_ASSERT_EQUAL(query(db, "SELECT COUNT(*) FROM runs WHERE status = 'ok'"), runs);
    CU_ASSERT_EQUAL(query(db, "SELECT COUNT(DISTINCT run_index) FROM runs"), runs);
    CU_ASSERT_EQUAL(query(db, "SELECT COUNT(*) FROM scalars WHERE module = 'sink' AND "
                              "name = 'rx_packets'"), runs);
    CU_ASSERT_EQUAL(query(db, "SELECT COUNT(*) FROM (SELECT run_id FROM scalars WHERE "
                              "module = 'sink' AND name = 'rx_packets' GROUP BY run_id "
                              "HAVING COUNT(*) > 1)"), 0);
}

static void test_sweep_killed_with_sigkill_resumes_with_every_run_once(void)
{
    char db[512], cmd[2048], *out = NULL;
    snprintf(db, sizeof db, "%s/sweep-kill.db", harness_tmpdir());
    if (!harness_have_tool("setsid")) {
        harness_skip("setsid not installed");
        return;
    }
    /* The sweep and its workers in their own process group, all killed with SIGKILL by the
     * worker of run 6 (MCPSIM_FAULT_WORKER_DIES=6:group), so runs are in flight and at
     * least runs 6..11 are not complete, whatever the machine's speed. */
    snprintf(cmd, sizeof cmd, "MCPSIM_FAULT_WORKER_DIES=6:group setsid %s sweep " SWEEP
             " --jobs 2 --quiet --out %s; exit 0", harness_mcpsim(), db);
    CU_ASSERT_EQUAL(harness_run(cmd, &out), 0);
    free(out);
    long long done = query(db, "SELECT COUNT(*) FROM runs WHERE status = 'ok'");
    CU_ASSERT(done >= 0 && done <= 6);
    snprintf(cmd, sizeof cmd, "%s sweep " SWEEP " --jobs 3 --out %s", harness_mcpsim(), db);
    CU_ASSERT_EQUAL(harness_run(cmd, &out), 0);
    char expect[64];
    snprintf(expect, sizeof expect, "12 runs: 12 complete (%lld already)", done);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, expect));
    free(out);
    assert_complete(db, 12);
    /* Once more: nothing to do. */
    CU_ASSERT_EQUAL(harness_run(cmd, &out), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "12 runs: 12 complete (12 already), 0 failed"));
    free(out);
}

static void test_crashed_worker_is_recorded_as_failed_and_others_complete(void)
{
    char db[512], cmd[2048], *out = NULL;
    snprintf(db, sizeof db, "%s/sweep-crash.db", harness_tmpdir());
    /* The worker of run 4 dies of SIGKILL (MCPSIM_FAULT_WORKER_DIES=4): a crash, as the OOM
     * killer would make it (SIGSEGV would be caught by the sanitizers' handler in `make
     * sanitize`). Injected, not timed, so the assertions below always run. */
    snprintf(cmd, sizeof cmd, "MCPSIM_FAULT_WORKER_DIES=4 %s sweep " SWEEP " --jobs 1 --out %s 2>&1;"
             " echo status=$?", harness_mcpsim(), db);
    CU_ASSERT_EQUAL(harness_run(cmd, &out), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "status=1"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "11 complete (0 already), 1 failed"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "run 4: worker killed by signal 9"));
    free(out);
    CU_ASSERT_EQUAL(query(db, "SELECT run_index FROM runs WHERE status = 'failed'"), 4);
    CU_ASSERT_EQUAL(query(db, "SELECT COUNT(*) FROM runs WHERE status = 'failed' AND error "
                              "LIKE 'worker killed by signal 9%'"), 1);
    CU_ASSERT_EQUAL(query(db, "SELECT COUNT(*) FROM runs WHERE status = 'ok'"), 11);
    /* The next sweep retries the failed run only. */
    snprintf(cmd, sizeof cmd, "%s sweep " SWEEP " --jobs 2 --out %s", harness_mcpsim(), db);
    CU_ASSERT_EQUAL(harness_run(cmd, &out), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "12 complete (11 already), 0 failed"));
    free(out);
    assert_complete(db, 12);
}

static void test_raising_repeat_runs_only_the_new_repetitions(void)
{
    char db[512], cmd[2048], *out = NULL;
    snprintf(db, sizeof db, "%s/sweep-repeat.db", harness_tmpdir());
    snprintf(cmd, sizeof cmd, "%s sweep " BASE " --out %s --jobs 2", harness_mcpsim(), db);
    CU_ASSERT_EQUAL(harness_run(cmd, &out), 0);
    free(out);
    /* The same scenario with `sweep: repeat: 3` appended. */
    FILE *in = fopen(BASE, "r");
    CU_ASSERT_PTR_NOT_NULL_FATAL(in);
    char text[8192];
    size_t n = fread(text, 1, sizeof text - 64, in);
    fclose(in);
    text[n] = '\0';
    strcat(text, "sweep:\n  repeat: 3\n");
    const char *p = harness_write_tmp("sweep-base3.yaml", text);
    snprintf(cmd, sizeof cmd, "%s sweep %s --out %s --jobs 2", harness_mcpsim(), p, db);
    CU_ASSERT_EQUAL(harness_run(cmd, &out), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "3 runs: 3 complete (1 already)"));
    free(out);
    CU_ASSERT_EQUAL(query(db, "SELECT COUNT(*) FROM runs WHERE status = 'ok'"), 3);
}

static void test_gnu_parallel_path_lists_runs_and_merge_joins_them(void)
{
    if (!harness_have_tool("parallel")) {
        harness_skip("GNU parallel not installed");
        return;
    }
    char cmd[4096], *out = NULL, parts[512], merged[512], local[512], joblog[512];
    const char *t = harness_tmpdir();
    snprintf(parts, sizeof parts, "%s/sweep-parts", t);
    snprintf(merged, sizeof merged, "%s/sweep-merged.db", t);
    snprintf(local, sizeof local, "%s/sweep-local.db", t);
    snprintf(joblog, sizeof joblog, "%s/sweep-joblog", t);
    /* A shorter duration through --set, which --list carries into every command. */
    snprintf(cmd, sizeof cmd, "mkdir -p %s && %s sweep " SWEEP " --set duration=1s --list "
             "--parts %s --program %s > %s/sweep-cmds && wc -l < %s/sweep-cmds", parts,
             harness_mcpsim(), parts, harness_mcpsim(), t, t);
    CU_ASSERT_EQUAL(harness_run(cmd, &out), 0);
    CU_ASSERT_EQUAL(atoi(out), 12);
    free(out);
    snprintf(cmd, sizeof cmd, "parallel --will-cite --joblog %s --resume -j 4 < %s/sweep-cmds "
             "&& "
             "%s merge %s %s/part-*.db", joblog, t, harness_mcpsim(), merged, parts);
    CU_ASSERT_EQUAL(harness_run(cmd, &out), 0);
    free(out);
    assert_complete(merged, 12);
    /* --resume: a second pass runs nothing (the joblog does not grow). */
    snprintf(cmd, sizeof cmd, "parallel --will-cite --joblog %s --resume -j 4 < %s/sweep-cmds "
             "&& "
             "wc -l < %s", joblog, t, joblog);
    CU_ASSERT_EQUAL(harness_run(cmd, &out), 0);
    CU_ASSERT_EQUAL(atoi(out), 13); /* header + 12 jobs */
    free(out);
    /* The local sweep of the same scenario produces the same run ids. */
    snprintf(cmd, sizeof cmd, "%s sweep " SWEEP " --set duration=1s --out %s --quiet",
             harness_mcpsim(), local);
    CU_ASSERT_EQUAL(harness_run(cmd, &out), 0);
    free(out);
    char sql[1024];
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM runs r JOIN m.runs s USING (run_id)");
    sqlite3 *h;
    CU_ASSERT_EQUAL_FATAL(sqlite3_open(local, &h), SQLITE_OK);
    char attach[700];
    snprintf(attach, sizeof attach, "ATTACH '%s' AS m", merged);
    CU_ASSERT_EQUAL(sqlite3_exec(h, attach, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_stmt *st;
    CU_ASSERT_EQUAL_FATAL(sqlite3_prepare_v2(h, sql, -1, &st, NULL), SQLITE_OK);
    CU_ASSERT_EQUAL(sqlite3_step(st), SQLITE_ROW);
    CU_ASSERT_EQUAL(sqlite3_column_int(st, 0), 12);
    sqlite3_finalize(st);
    sqlite3_close(h);
}

static void test_list_and_index_select_one_run(void)
{
    char cmd[2048], *out = NULL, db[512];
    snprintf(cmd, sizeof cmd, "%s sweep " SWEEP " --list | sed -n 8p", harness_mcpsim());
    CU_ASSERT_EQUAL(harness_run(cmd, &out), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "mcpsim run " SWEEP " --index 7 --quiet --out "
                                       "part-7.db"));
    free(out);
    snprintf(db, sizeof db, "%s/sweep-one.db", harness_tmpdir());
    snprintf(cmd, sizeof cmd, "%s sweep " SWEEP " --set duration=100ms --index 7 --out %s",
             harness_mcpsim(), db);
    CU_ASSERT_EQUAL(harness_run(cmd, &out), 0);
    free(out);
    CU_ASSERT_EQUAL(query(db, "SELECT run_index FROM runs"), 7);
    CU_ASSERT_EQUAL(query(db, "SELECT repetition FROM runs"), 3);
    /* `run` without --index on a multi-point scenario says how to choose. */
    snprintf(cmd, sizeof cmd, "%s run " SWEEP, harness_mcpsim());
    CU_ASSERT_EQUAL(harness_run(cmd, &out), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "has 2 parameter points (12 runs); choose one with "
                                       "--index K"));
    free(out);
}

/* One writer per database: while this process holds the claim, `sweep` and `run --out` are
 * refused at once (exit 1, saying what to do) and write nothing; two sweeps started together
 * then store every run exactly once, whichever of them ran it (before, each ran every run
 * and 18 of 20 runs were stored twice). */
static void test_a_second_writer_is_refused_and_every_run_is_stored_once(void)
{
    char db[512], cmd[4096], err[512], *out = NULL;
    snprintf(db, sizeof db, "%s/sweep-writers.db", harness_tmpdir());
    struct results_db *h;
    int claim;
    CU_ASSERT_EQUAL_FATAL(results_db_open(db, &h, err, sizeof err), 0);
    results_db_close(h);
    CU_ASSERT_EQUAL_FATAL(results_claim(db, &claim, err, sizeof err), 0);
    snprintf(cmd, sizeof cmd, "%s sweep " SWEEP " --jobs 1 --out %s", harness_mcpsim(), db);
    CU_ASSERT_EQUAL(harness_run(cmd, &out), 1);
    CU_ASSERT(out && strstr(out, "another mcpsim is writing to this database") != NULL);
    free(out);
    snprintf(cmd, sizeof cmd, "%s run " SWEEP " --index 0 --quiet --out %s", harness_mcpsim(),
             db);
    CU_ASSERT_EQUAL(harness_run(cmd, &out), 1);
    CU_ASSERT(out && strstr(out, "another mcpsim is writing") != NULL);
    free(out);
    CU_ASSERT_EQUAL(query(db, "SELECT COUNT(*) FROM runs"), 0);
    results_claim_release(claim);
    snprintf(cmd, sizeof cmd, "%s sweep " SWEEP " --jobs 1 --quiet --out %s & "
             "%s sweep " SWEEP " --jobs 1 --quiet --out %s & wait; "
             "%s sweep " SWEEP " --jobs 2 --out %s", harness_mcpsim(), db, harness_mcpsim(), db,
             harness_mcpsim(), db);
    CU_ASSERT_EQUAL(harness_run(cmd, &out), 0);
    CU_ASSERT(out && strstr(out, "12 runs: 12 complete") != NULL);
    free(out);
    assert_complete(db, 12);
}

/* A full disk (here a file size limit: SQLite gets EFBIG as it would ENOSPC) fails a run's
 * write; the sweep starts no further run and its summary says what the database holds:
 * complete and failed as recorded, the rest "not started". Before, every remaining run was
 * launched and the summary said 20 failed where 7 were recorded. Free space, rerun: the
 * sweep resumes to completion. */
static void test_a_full_disk_stops_the_sweep_and_its_counts_match_the_database(void)
{
    char db[512], cmd[4096], *out = NULL;
    snprintf(db, sizeof db, "%s/sweep-full.db", harness_tmpdir());
    /* 6000 blocks (3 MB with dash's 512-byte blocks, 6 MB with 1 KiB ones): room for a few
     * of the 12 runs (15 MB in all), not for the sweep. SIGXFSZ ignored, so the write fails
     * instead of killing the worker. */
    snprintf(cmd, sizeof cmd, "sh -c 'ulimit -f 6000; trap \"\" XFSZ; exec %s sweep " SWEEP
             " --jobs 2 --out %s' 2>&1", harness_mcpsim(), db);
    CU_ASSERT_EQUAL(harness_run(cmd, &out), 1);
    CU_ASSERT(out && strstr(out, "refused a write; no further run is started") != NULL);
    long long ok = query(db, "SELECT COUNT(*) FROM runs WHERE status = 'ok'");
    long long failed = query(db, "SELECT COUNT(*) FROM runs WHERE status = 'failed'");
    long long rows = query(db, "SELECT COUNT(*) FROM runs");
    char expect[160];
    snprintf(expect, sizeof expect, "12 runs: %lld complete (0 already), %lld failed, %lld not "
             "started", ok, failed, 12 - rows);
    if (!out || !strstr(out, expect))
        fprintf(stderr, "\n  expected \"%s\" in \"%s\"\n", expect, out ? out : "");
    CU_ASSERT(out && strstr(out, expect) != NULL);
    CU_ASSERT(rows < 12);
    CU_ASSERT(out && strchr(out, '\033') == NULL); /* not a terminal: no escape codes */
    free(out);
    snprintf(cmd, sizeof cmd, "%s sweep " SWEEP " --jobs 2 --out %s", harness_mcpsim(), db);
    CU_ASSERT_EQUAL(harness_run(cmd, &out), 0);
    free(out);
    assert_complete(db, 12);
}

SUITE(sweep, NULL, NULL,
      TEST(test_product_expands_every_combination_first_axis_slowest),
      TEST(test_zip_pairs_values_and_sweep_axes_come_first),
      TEST(test_run_ids_ignore_layout_and_change_with_content),
      TEST(test_more_values_or_repetitions_keep_existing_ids),
      TEST(test_same_seed_and_run_give_identical_scalars_another_run_differs),
      TEST(test_sweep_killed_with_sigkill_resumes_with_every_run_once),
      TEST(test_crashed_worker_is_recorded_as_failed_and_others_complete),
      TEST(test_raising_repeat_runs_only_the_new_repetitions),
      TEST(test_gnu_parallel_path_lists_runs_and_merge_joins_them),
      TEST(test_list_and_index_select_one_run),
      TEST(test_a_second_writer_is_refused_and_every_run_is_stored_once),
      TEST(test_a_full_disk_stops_the_sweep_and_its_counts_match_the_database))
