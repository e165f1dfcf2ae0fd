/* bench_results.c - cost of recording: vector samples written through batched transactions,
 * a disabled statistic (NULL handle), scalars, and a stats query over a sweep-sized table.
 * The database is a file in /tmp (WAL, synchronous=NORMAL), as a run would write it. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "bench/harness.h"
#include "sim/results.h"
#include "sim/results_stats.h"

static struct results_db *open_fresh(char *path, size_t len)
{
    snprintf(path, len, "/tmp/mcpsim-bench-results-%d.db", (int)getpid());
    unlink(path);
    struct results_db *db;
    char err[256];
    if (results_db_open(path, &db, err, sizeof err) != 0) {
        fprintf(stderr, "bench: %s\n", err);
        exit(1);
    }
    return db;
}

static void remove_db(const char *path)
{
    char side[300];
    unlink(path);
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
}

BENCH(results_vector)
{
    char path[256], err[256];
    struct results_db *db = open_fresh(path, sizeof path);
    struct run_meta meta = { .run_id = "bench" };
    struct results_run *run;
    if (results_run_begin(db, &meta, &run, err, sizeof err) != 0)
        exit(1);
    char e2[64];
    results_enable(run, "vector:off.*", false, e2, sizeof e2);
    struct results_vector *on = results_vector(run, "on", "v", "");
    struct results_vector *off = results_vector(run, "off", "v", "");
    const int n = 2000000;
    double t0 = bench_wall();
    for (int i = 0; i < n; i++)
        results_vector_add(on, i, (double)i);
    struct run_end end = { .status = RUN_OK, .sim_end = n };
    results_run_end(run, &end, err, sizeof err);
    double t1 = bench_wall();
    bench_report("vector sample, recorded and committed", (t1 - t0) / n * 1e9, "ns/sample");
    (void)off;
    results_db_close(db);
    remove_db(path);
}

BENCH(results_disabled)
{
    /* The handle is NULL: what a model pays per sample for a statistic nobody records. */
    struct results_vector *volatile handle = NULL;
    const long n = 200000000;
    double t0 = bench_wall();
    for (long i = 0; i < n; i++)
        results_vector_add(handle, i, (double)i);
    bench_report("disabled vector sample", (bench_wall() - t0) / (double)n * 1e9, "ns/sample");
}

BENCH(results_stats)
{
    char path[256], err[256];
    struct results_db *db = open_fresh(path, sizeof path);
    const char *rates[] = { "1Mbps", "10Mbps", "100Mbps", "1Gbps" };
    char id[32];
    double t0 = bench_wall();
    int nruns = 0;
    for (int r = 0; r < 4; r++)
        for (int d = 0; d < 25; d++)
            for (int rep = 0; rep < 10; rep++, nruns++) {
                char delay[16];
                snprintf(delay, sizeof delay, "%dms", d + 1);
                struct results_param p[] = { { "rate", rates[r] }, { "delay", delay } };
                snprintf(id, sizeof id, "%d-%d-%d", r, d, rep);
                struct run_meta meta = { .run_id = id, .params = p, .nparams = 2 };
                struct results_run *run;
                if (results_run_begin(db, &meta, &run, err, sizeof err) != 0)
                    exit(1);
                for (int s = 0; s < 20; s++) {
                    char mod[16];
                    snprintf(mod, sizeof mod, "phone%d", s);
                    results_scalar(run, mod, "goodput", "bps", (double)(r * 1000 + d + rep + s));
                }
                struct run_end end = { .status = RUN_OK };
                results_run_end(run, &end, err, sizeof err);
            }
    double t1 = bench_wall();
    bench_report("run with 20 scalars, begin to commit", (t1 - t0) / nruns * 1e6, "us/run");
    const char *by[] = { "rate", "delay" };
    struct stats_query q = { .metric = "phone*.goodput", .by = by, .nby = 2,
                             .agg = STATS_AGG_SUM };
    struct stats_table *t;
    t0 = bench_wall();
    if (results_stats(db, &q, &t, err, sizeof err) != 0)
        exit(1);
    bench_report("stats over 1000 runs x 20 scalars", (bench_wall() - t0) * 1e3, "ms");
    results_stats_free(t);
    results_db_close(db);
    remove_db(path);
}
