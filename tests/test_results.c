/* test_results.c - the results database: schema, refusals, recording, rules, crash safety
 * and concurrent writers. Values written through the API are read back with plain SQL on a
 * separate connection and compared exactly: SQLite stores doubles and integers bit for bit,
 * so no tolerance is needed except where a generated column converts ps to seconds. */
#include <math.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sim/results.h"
#include "tests/harness.h"
#include "tests/results_fixture.h"

static struct results_run *begin(struct results_db *db, const char *id)
{
    static const struct results_param p[] = { { "link.rate", "50Mbps" }, { "qdisc", "red" } };
    struct run_meta meta = { .run_id = id, .scenario_name = "t.yaml", .scenario_hash = "h1",
                             .params = p, .nparams = 2, .seed = 42, .repetition = 3,
                             .run_index = 7 };
    struct results_run *run = NULL;
    char err[256] = "";
    int rc = results_run_begin(db, &meta, &run, err, sizeof err);
    if (rc)
        fprintf(stderr, "begin: %s\n", err);
    CU_ASSERT_EQUAL_FATAL(rc, 0);
    return run;
}

static int end_ok(struct results_run *run, sim_time_t sim_end)
{
    struct run_end e = { .status = RUN_OK, .events = 1234, .sim_end = sim_end };
    char err[256];
    return results_run_end(run, &e, err, sizeof err);
}

static void test_new_database_gets_schema_and_reopens(void)
{
    const char *path = fx_path("new.db");
    struct results_db *db = fx_open(path);
    results_db_close(db);
    CU_ASSERT_EQUAL(fx_query_int(path, "PRAGMA user_version"), RESULTS_SCHEMA_VERSION);
    CU_ASSERT_EQUAL(fx_query_int(path, "PRAGMA application_id"), RESULTS_APPLICATION_ID);
    CU_ASSERT_EQUAL(fx_query_int(path, "PRAGMA journal_mode = WAL") >= 0, 1);
    CU_ASSERT_EQUAL(fx_query_int(path, "SELECT count(*) FROM sqlite_schema WHERE name IN "
                                       "('runs','parameters','scalars','vectors',"
                                       "'vector_samples','histograms','histogram_bins',"
                                       "'scalar_params','run_scalars')"), 9);
    db = fx_open(path); /* a second open accepts its own schema and changes nothing */
    results_db_close(db);
    CU_ASSERT_EQUAL(fx_query_int(path, "SELECT count(*) FROM runs"), 0);
}

static void test_foreign_files_are_refused_and_left_untouched(void)
{
    char err[512];
    struct results_db *db = (struct results_db *)1;
    const char *text = fx_path("notes.txt");
    FILE *f = fopen(text, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs("these are my notes, not a database\n", f);
    fclose(f);
    CU_ASSERT_EQUAL(results_db_open(text, &db, err, sizeof err), RESULTS_EFOREIGN);
    CU_ASSERT_PTR_NULL(db);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "notes.txt"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "not an mcpsim results database"));

    const char *other = fx_path("other.db");
    sqlite3 *s;
    CU_ASSERT_EQUAL_FATAL(sqlite3_open(other, &s), SQLITE_OK);
    sqlite3_exec(s, "CREATE TABLE mine (x); INSERT INTO mine VALUES (1);", 0, 0, 0);
    sqlite3_close(s);
    CU_ASSERT_EQUAL(results_db_open(other, &db, err, sizeof err), RESULTS_EFOREIGN);
    CU_ASSERT_EQUAL(fx_query_int(other, "SELECT count(*) FROM sqlite_schema"), 1);

    const char *future = fx_path("future.db");
    results_db_close(fx_open(future));
    CU_ASSERT_EQUAL_FATAL(sqlite3_open(future, &s), SQLITE_OK);
    sqlite3_exec(s, "PRAGMA user_version = 99", 0, 0, 0);
    sqlite3_close(s);
    CU_ASSERT_EQUAL(results_db_open(future, &db, err, sizeof err), RESULTS_EVERSION);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "version 99"));
    CU_ASSERT_EQUAL(results_db_open_readonly(fx_path("absent.db"), &db, err, sizeof err),
                    RESULTS_EFAIL);
}

static void test_run_row_and_parameters_are_recorded(void)
{
    const char *path = fx_path("meta.db");
    struct results_db *db = fx_open(path);
    struct results_run *run = begin(db, "r1");
    CU_ASSERT_EQUAL(fx_query_int(path, "SELECT count(*) FROM runs WHERE status = 'running'"), 1);
    CU_ASSERT_EQUAL(results_run_is_done(db, "r1"), 0);
    CU_ASSERT_EQUAL(end_ok(run, time_from_ms(1500)), 0);
    CU_ASSERT_EQUAL(results_run_is_done(db, "r1"), 1);
    CU_ASSERT_EQUAL(results_run_is_done(db, "r2"), 0);
    results_db_close(db);
    CU_ASSERT_EQUAL(fx_query_int(path, "SELECT seed * 1000 + repetition * 10 + (run_index = 7)"
                                       " FROM runs WHERE run_id = 'r1' AND status = 'ok'"
                                       " AND events = 1234 AND sim_time_ps = 1500000000000"
                                       " AND params = 'link.rate=50Mbps, qdisc=red'"
                                       " AND wall_s >= 0 AND version <> ''"),
                    42031);
    /* "50Mbps" is stored as text and as 5e7 in base unit bps; "red" has no number. */
    CU_ASSERT_EQUAL(fx_query_int(path, "SELECT num FROM parameters WHERE name = 'link.rate'"
                                       " AND unit = 'bps' AND value = '50Mbps'"), 50000000);
    CU_ASSERT_EQUAL(fx_query_int(path, "SELECT num IS NULL AND unit IS NULL FROM parameters"
                                       " WHERE name = 'qdisc'"), 1);
}

static void test_scalars_vectors_histograms_read_back(void)
{
    const char *path = fx_path("rec.db");
    struct results_db *db = fx_open(path);
    struct results_run *run = begin(db, "rec");
    results_scalar(run, "sink", "goodput", "bps", 12.5e6);
    results_scalar(run, "phone1.tcp", "retransmits", "pkt", 3);
    results_scalar(run, "sink", "undefined", "", (double)NAN);
    struct results_vector *cwnd = results_vector(run, "phone1.tcp", "cwnd", "B");
    struct results_vector *q = results_vector(run, "r1.eth0", "qlen", "pkt");
    results_vector_set_mode(q, RESULTS_ON_CHANGE);
    CU_ASSERT_PTR_NOT_NULL_FATAL(cwnd);
    for (int i = 0; i < 1000; i++)
        results_vector_add(cwnd, time_from_us(i), 1460.0 * (i % 10));
    for (int i = 0; i < 10; i++)
        results_vector_add(q, time_from_ms(i), i < 5 ? 1 : 2); /* two changes stored */
    const double edges[] = { 0, 1e-3, 10e-3, 100e-3 };
    struct results_hist *h = results_histogram(run, "phone1.tcp", "rtt", "s", edges, 3);
    CU_ASSERT_PTR_NOT_NULL_FATAL(h);
    const double xs[] = { 0.5e-3, 2e-3, 3e-3, 50e-3, 0.2, -1 };
    for (size_t i = 0; i < 6; i++)
        results_hist_add(h, xs[i]);
    results_hist_accumulate(h, 5e-3, 2.5);
    CU_ASSERT_EQUAL(end_ok(run, time_from_s(1)), 0);
    results_db_close(db);

    CU_ASSERT_EQUAL(fx_query_int(path, "SELECT value FROM scalars WHERE module = 'sink'"
                                       " AND name = 'goodput' AND unit = 'bps'"), 12500000);
    CU_ASSERT_EQUAL(fx_query_int(path, "SELECT value IS NULL FROM scalars WHERE name ="
                                       " 'undefined'"), 1);
    CU_ASSERT_EQUAL(fx_query_int(path, "SELECT count(*) FROM run_vectors WHERE metric ="
                                       " 'phone1.tcp.cwnd'"), 1000);
    CU_ASSERT_EQUAL(fx_query_int(path, "SELECT t_ps FROM run_vectors WHERE metric ="
                                       " 'phone1.tcp.cwnd' AND seq = 999"), 999000000);
    /* t is t_ps * 1e-12: 999 us = 0.000999 s up to one rounding of the product. */
    CU_ASSERT_EQUAL(fx_query_int(path, "SELECT abs(t - 0.000999) < 1e-18 FROM run_vectors"
                                       " WHERE metric = 'phone1.tcp.cwnd' AND seq = 999"), 1);
    CU_ASSERT_EQUAL(fx_query_int(path, "SELECT sum(value) FROM run_vectors WHERE metric ="
                                       " 'phone1.tcp.cwnd'"), 1460 * 45 * 100);
    CU_ASSERT_EQUAL(fx_query_int(path, "SELECT group_concat(t_ps || ':' || value) = "
                                       "'0:1.0,5000000000:2.0' FROM run_vectors WHERE metric ="
                                       " 'r1.eth0.qlen'"), 1);
    CU_ASSERT_EQUAL(fx_query_int(path, "SELECT count = 7 AND sum_weight = 8.5 AND"
                                       " underflow = 1 AND overflow = 1 AND min = -1 AND"
                                       " max = 0.2 FROM histograms WHERE name = 'rtt'"), 1);
    CU_ASSERT_EQUAL(fx_query_int(path, "SELECT group_concat(weight) = '1.0,4.5,1.0' FROM"
                                       " (SELECT weight FROM histogram_bins ORDER BY bin)"), 1);
    CU_ASSERT_EQUAL(fx_query_int(path, "SELECT count(*) FROM histogram_bins WHERE"
                                       " (bin = 1 AND lo = 1e-3 AND hi = 10e-3)"), 1);
}

static void test_interval_sampling_holds_the_last_value_on_a_grid(void)
{
    const char *path = fx_path("grid.db");
    struct results_db *db = fx_open(path);
    struct results_run *run = begin(db, "grid");
    char err[256];
    CU_ASSERT_EQUAL(results_sample_every(run, "vector:*.qlen", time_from_ms(10), err,
                                         sizeof err), 0);
    struct results_vector *v = results_vector(run, "r1", "qlen", "pkt");
    CU_ASSERT_PTR_NOT_NULL_FATAL(v);
    results_vector_add(v, time_from_ms(5), 1);
    results_vector_add(v, time_from_ms(25), 2);
    results_vector_add(v, time_from_ms(27), 3);
    results_vector_add(v, time_from_ms(30), 4); /* exactly on the grid: in force at 30 ms */
    CU_ASSERT_EQUAL(end_ok(run, time_from_ms(50)), 0);
    results_db_close(db);
    /* Grid 10..50 ms: 1 at 10 and 20 (set at 5), 4 at 30..50 (set at 30). */
    CU_ASSERT_EQUAL(fx_query_int(path, "SELECT group_concat((t_ps / 1000000000) || ':' ||"
                                       " CAST(value AS INTEGER)) = '10:1,20:1,30:4,40:4,50:4'"
                                       " FROM run_vectors"), 1);
    CU_ASSERT_EQUAL(fx_query_int(path, "SELECT interval_ps FROM vectors"), 10000000000LL);
}

static void test_disabled_statistics_are_null_handles(void)
{
    const char *path = fx_path("rules.db");
    struct results_db *db = fx_open(path);
    struct results_run *run = begin(db, "rules");
    char err[256];
    CU_ASSERT_EQUAL(results_enable(run, "vector:*", false, err, sizeof err), 0);
    CU_ASSERT_EQUAL(results_enable(run, "vector:phone*.cwnd", true, err, sizeof err), 0);
    CU_ASSERT_EQUAL(results_enable(run, "histogram:*", false, err, sizeof err), 0);
    CU_ASSERT_EQUAL(results_enable(run, "attacker*.*", false, err, sizeof err), 0);
    CU_ASSERT_PTR_NULL(results_vector(run, "r1.eth0", "qlen", "pkt"));
    CU_ASSERT_PTR_NOT_NULL(results_vector(run, "phone12.tcp", "cwnd", "B"));
    CU_ASSERT_PTR_NULL(results_histogram_uniform(run, "sink", "delay", "s", 0, 1, 10));
    results_scalar(run, "attacker1", "syns", "pkt", 1e6); /* disabled by "attacker*.*" */
    results_scalar(run, "sink", "goodput", "bps", 1);
    /* The adders accept the NULL handle and do nothing. */
    results_vector_add(NULL, 0, 1);
    results_hist_add(NULL, 1);
    CU_ASSERT_PTR_NULL(results_vector(NULL, "a", "b", ""));
    CU_ASSERT_PTR_NULL(results_histogram_uniform(NULL, "a", "b", "", 0, 1, 1));
    results_scalar(NULL, "a", "b", "", 1);
    CU_ASSERT_EQUAL(end_ok(run, 0), 0);
    results_db_close(db);
    CU_ASSERT_EQUAL(fx_query_int(path, "SELECT count(*) FROM vectors"), 1);
    CU_ASSERT_EQUAL(fx_query_int(path, "SELECT count(*) FROM histograms"), 0);
    CU_ASSERT_EQUAL(fx_query_int(path, "SELECT count(*) FROM scalars WHERE module = 'sink'"), 1);
    CU_ASSERT_EQUAL(fx_query_int(path, "SELECT count(*) FROM scalars"), 1);
}

static void test_bad_rule_patterns_are_rejected_with_a_reason(void)
{
    char err[256];
    const char *bad[] = { "foo:*", "vector:", "", "vector:[abc", NULL };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = '\0';
        CU_ASSERT_EQUAL(results_pattern_check(bad[i], err, sizeof err), RESULTS_EPATTERN);
        CU_ASSERT(strlen(err) > 20);
    }
    CU_ASSERT_EQUAL(results_pattern_check("*:uMCP.*", err, sizeof err), 0);
    CU_ASSERT_EQUAL(results_pattern_check("scalar:*.goodput", err, sizeof err), 0);
    struct results_db *db = fx_open(fx_path("pat.db"));
    struct results_run *run = begin(db, "pat");
    CU_ASSERT_EQUAL(results_sample_every(run, "*.qlen", 0, err, sizeof err), RESULTS_EPATTERN);
    CU_ASSERT_EQUAL(results_enable(run, "histo:*", true, err, sizeof err), RESULTS_EPATTERN);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "histo"));
    CU_ASSERT_EQUAL(end_ok(run, 0), 0);
    results_db_close(db);
}

static void test_recording_mistakes_fail_the_run_with_the_reason(void)
{
    const char *path = fx_path("bad.db");
    struct results_db *db = fx_open(path);
    struct results_run *run = begin(db, "late");
    struct results_vector *v = results_vector(run, "m", "x", "");
    results_vector_add(v, time_from_ms(2), 1);
    results_vector_add(v, time_from_ms(1), 2); /* time went backwards: a model bug */
    char err[512] = "";
    struct run_end e = { .status = RUN_OK };
    CU_ASSERT_EQUAL(results_run_end(run, &e, err, sizeof err), RESULTS_EFAIL);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "earlier"));
    CU_ASSERT_EQUAL(results_run_is_done(db, "late"), 0);

    run = begin(db, "dotted");
    results_scalar(run, "m", "a.b", "", 1);
    const double edges[] = { 1, 1 };
    CU_ASSERT_PTR_NULL(results_histogram(run, "m", "h", "", edges, 1));
    CU_ASSERT_EQUAL(results_run_end(run, &e, err, sizeof err), RESULTS_EFAIL);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "without dots"));

    run = begin(db, "model-error");
    struct run_end failed = { .status = RUN_FAILED, .error = "node R9 does not exist" };
    CU_ASSERT_EQUAL(results_run_end(run, &failed, err, sizeof err), 0);
    enum run_status st;
    CU_ASSERT_EQUAL(results_run_status(db, "model-error", &st), 0);
    CU_ASSERT_EQUAL(st, RUN_FAILED);
    results_db_close(db);
    CU_ASSERT_EQUAL(fx_query_int(path, "SELECT count(*) FROM runs WHERE status = 'failed' AND"
                                       " (error LIKE '%earlier%' OR error LIKE '%dots%' OR"
                                       " error = 'node R9 does not exist')"), 3);
}

static void test_completed_run_is_kept_unless_replaced(void)
{
    const char *path = fx_path("again.db");
    struct results_db *db = fx_open(path);
    const char *names[] = { "sink", "goodput", "bps" };
    const double v1 = 1, v2 = 2;
    fx_run(db, "once", "a=1", 0, 1, names, &v1);
    struct run_meta meta = { .run_id = "once" };
    struct results_run *run = NULL;
    char err[256];
    CU_ASSERT_EQUAL(results_run_begin(db, &meta, &run, err, sizeof err), RESULTS_EEXIST);
    CU_ASSERT_PTR_NULL(run);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "already complete"));
    meta.replace = true;
    CU_ASSERT_EQUAL_FATAL(results_run_begin(db, &meta, &run, err, sizeof err), 0);
    results_scalar(run, "sink", "goodput", "bps", v2);
    CU_ASSERT_EQUAL(end_ok(run, 0), 0);
    results_db_close(db);
    CU_ASSERT_EQUAL(fx_query_int(path, "SELECT count(*) * 10 + max(value) FROM scalars"), 12);
    CU_ASSERT_EQUAL(fx_query_int(path, "SELECT count(*) FROM parameters"), 0);
}

static int collect(void *ctx, const char *module, const char *name, const char *unit,
                   double value)
{
    char *buf = ctx;
    snprintf(buf + strlen(buf), 256 - strlen(buf), "%s.%s=%g%s;", module, name, value, unit);
    return 0;
}

static void test_headline_scalars_come_back_in_recording_order(void)
{
    struct results_db *db = fx_open(":memory:");
    const char *names[] = { "z", "last", "s", "a", "first", "B", "m", "mid", "" };
    const double vals[] = { 1.5, 2, 3 };
    fx_run(db, "h", "", 0, 3, names, vals);
    char buf[256] = "";
    CU_ASSERT_EQUAL(results_db_foreach_scalar(db, "h", collect, buf), 0);
    CU_ASSERT_STRING_EQUAL(buf, "z.last=1.5s;a.first=2B;m.mid=3;");
    results_db_close(db);
}

static void test_large_runs_are_written_in_batches_without_loss(void)
{
    /* 10 000 scalars cross the scalar batch twice and 3 x 50 000 samples the sample batch
     * (65 536) twice: every record must arrive once, in order. */
    const char *path = fx_path("batches.db");
    struct results_db *db = fx_open(path);
    struct results_run *run = begin(db, "big");
    struct results_vector *v[3];
    for (int k = 0; k < 3; k++) {
        char mod[16];
        snprintf(mod, sizeof mod, "m%d", k);
        v[k] = results_vector(run, mod, "x", "");
    }
    for (int i = 0; i < 50000; i++)
        for (int k = 0; k < 3; k++)
            results_vector_add(v[k], i, (double)(i * 3 + k));
    for (int i = 0; i < 10000; i++) {
        char mod[16];
        snprintf(mod, sizeof mod, "flow%d", i);
        results_scalar(run, mod, "bytes", "B", i);
    }
    CU_ASSERT_EQUAL(end_ok(run, 0), 0);
    results_db_close(db);
    CU_ASSERT_EQUAL(fx_query_int(path, "SELECT count(*) FROM run_vectors"), 150000);
    CU_ASSERT_EQUAL(fx_query_int(path, "SELECT count(*) FROM run_vectors WHERE"
                                       " value <> seq * 3 + CAST(substr(metric, 2, 1) AS INT)"
                                       " OR t_ps <> seq"), 0);
    CU_ASSERT_EQUAL(fx_query_int(path, "SELECT count(*) FROM (SELECT value, lag(value) OVER"
                                       " (ORDER BY rowid) AS prev FROM scalars)"
                                       " WHERE value <> prev + 1"), 0);
    CU_ASSERT_EQUAL(fx_query_int(path, "SELECT count(*) FROM run_scalars"), 10000);
}

/* The child begins a run, commits a batch of samples (more than RESULTS_BATCH_SAMPLES),
 * tells the parent, and waits to be killed: the worst moment, with rows on disk. */
static void crash_child(const char *path, int fd)
{
    struct results_db *db;
    char err[256];
    if (results_db_open(path, &db, err, sizeof err) != 0)
        _exit(1);
    struct run_meta meta = { .run_id = "crash", .scenario_name = "c" };
    struct results_run *run;
    if (results_run_begin(db, &meta, &run, err, sizeof err) != 0)
        _exit(1);
    results_scalar(run, "m", "s", "", 1);
    struct results_vector *v = results_vector(run, "m", "v", "");
    for (int i = 0; i < 70000; i++)
        results_vector_add(v, i, i);
    if (write(fd, "x", 1) != 1)
        _exit(1);
    for (;;)
        pause();
}

static void test_killed_run_is_not_done_and_is_redone_cleanly(void)
{
    const char *path = fx_path("crash.db");
    results_db_close(fx_open(path));
    int fds[2];
    CU_ASSERT_EQUAL_FATAL(pipe(fds), 0);
    pid_t pid = fork();
    CU_ASSERT_FATAL(pid >= 0);
    if (pid == 0) {
        close(fds[0]);
        crash_child(path, fds[1]);
    }
    close(fds[1]);
    char c;
    CU_ASSERT_EQUAL(read(fds[0], &c, 1), 1);
    close(fds[0]);
    kill(pid, SIGKILL);
    int status;
    waitpid(pid, &status, 0);
    CU_ASSERT(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

    /* The batch reached the file, but the run is 'running': no query counts it. */
    CU_ASSERT_EQUAL(fx_query_int(path, "SELECT count(*) FROM vector_samples"), 65536);
    CU_ASSERT_EQUAL(fx_query_int(path, "SELECT count(*) FROM run_vectors"), 0);
    CU_ASSERT_EQUAL(fx_query_int(path, "SELECT count(*) FROM run_scalars"), 0);
    struct results_db *db = fx_open(path);
    CU_ASSERT_EQUAL(results_run_is_done(db, "crash"), 0);
    /* Resuming redoes the run from scratch: exactly one copy of everything. */
    struct run_meta meta = { .run_id = "crash", .scenario_name = "c" };
    struct results_run *run;
    char err[256];
    CU_ASSERT_EQUAL_FATAL(results_run_begin(db, &meta, &run, err, sizeof err), 0);
    struct results_vector *v = results_vector(run, "m", "v", "");
    for (int i = 0; i < 100; i++)
        results_vector_add(v, i, i);
    CU_ASSERT_EQUAL(end_ok(run, 0), 0);
    results_db_close(db);
    CU_ASSERT_EQUAL(fx_query_int(path, "SELECT count(*) FROM vector_samples"), 100);
    CU_ASSERT_EQUAL(fx_query_int(path, "SELECT count(*) FROM runs WHERE status = 'ok'"), 1);
}

static void writer_child(const char *path, int who)
{
    struct results_db *db;
    char err[256], id[32];
    if (results_db_open(path, &db, err, sizeof err) != 0) {
        fprintf(stderr, "writer %d: %s\n", who, err);
        _exit(1);
    }
    for (int r = 0; r < 20; r++) {
        snprintf(id, sizeof id, "w%d-r%d", who, r);
        struct run_meta meta = { .run_id = id, .scenario_name = "c", .repetition = (unsigned)r };
        struct results_run *run;
        if (results_run_begin(db, &meta, &run, err, sizeof err) != 0) {
            fprintf(stderr, "writer %d: %s\n", who, err);
            _exit(2);
        }
        struct results_vector *v = results_vector(run, "m", "v", "");
        for (int i = 0; i < 500; i++)
            results_vector_add(v, i, who);
        results_scalar(run, "m", "who", "", who);
        struct run_end e = { .status = RUN_OK };
        if (results_run_end(run, &e, err, sizeof err) != 0) {
            fprintf(stderr, "writer %d: %s\n", who, err);
            _exit(3);
        }
    }
    results_db_close(db);
    _exit(0);
}

static void test_two_processes_write_one_database(void)
{
    /* Both children create the schema of a file that does not exist yet: the race of two
     * sweep workers started at once. */
    const char *path = fx_path("shared.db");
    pid_t pids[2];
    for (int w = 0; w < 2; w++) {
        pids[w] = fork();
        CU_ASSERT_FATAL(pids[w] >= 0);
        if (pids[w] == 0)
            writer_child(path, w + 1);
    }
    for (int w = 0; w < 2; w++) {
        int status;
        waitpid(pids[w], &status, 0);
        CU_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    CU_ASSERT_EQUAL(fx_query_int(path, "SELECT count(*) FROM runs WHERE status = 'ok'"), 40);
    CU_ASSERT_EQUAL(fx_query_int(path, "SELECT count(*) FROM run_vectors"), 40 * 500);
    CU_ASSERT_EQUAL(fx_query_int(path, "SELECT sum(value) FROM run_scalars"), 20 * 1 + 20 * 2);
    /* Every sample belongs to a vector of its own writer. */
    CU_ASSERT_EQUAL(fx_query_int(path, "SELECT count(*) FROM run_vectors v JOIN run_scalars s"
                                       " USING (run_id) WHERE v.value <> s.value"), 0);
}

SUITE(results, NULL, NULL,
      TEST(test_new_database_gets_schema_and_reopens),
      TEST(test_foreign_files_are_refused_and_left_untouched),
      TEST(test_run_row_and_parameters_are_recorded),
      TEST(test_scalars_vectors_histograms_read_back),
      TEST(test_interval_sampling_holds_the_last_value_on_a_grid),
      TEST(test_disabled_statistics_are_null_handles),
      TEST(test_bad_rule_patterns_are_rejected_with_a_reason),
      TEST(test_recording_mistakes_fail_the_run_with_the_reason),
      TEST(test_completed_run_is_kept_unless_replaced),
      TEST(test_headline_scalars_come_back_in_recording_order),
      TEST(test_large_runs_are_written_in_batches_without_loss),
      TEST(test_killed_run_is_not_done_and_is_redone_cleanly),
      TEST(test_two_processes_write_one_database))
