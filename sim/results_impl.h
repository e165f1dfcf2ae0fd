/* results_impl.h - internals shared by the results_*.c files; never included by models.
 *
 * results_db.c owns the connection, the schema and the runs rows; results_record.c owns the
 * recording buffers and the record rules; results_stats.c and results_merge.c query the
 * connection directly. The structs here are opaque to everything outside sim/results_*.c.
 */
#ifndef MCPSIM_SIM_RESULTS_IMPL_H
#define MCPSIM_SIM_RESULTS_IMPL_H

#include <gsl/gsl_histogram.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/results.h"

/* Samples buffered across all vectors of a run before a batch transaction: 64 Ki samples
 * of 16 bytes is 1 MiB of memory and amortizes the commit (an fsync-free WAL append with
 * synchronous=NORMAL) over enough rows that it costs nothing measurable. */
#define RESULTS_BATCH_SAMPLES 65536
/* Scalars kept in memory before they join a batch transaction. */
#define RESULTS_BATCH_SCALARS 4096
/* How long a writer waits for another process's transaction before failing. */
#define RESULTS_BUSY_TIMEOUT_MS 60000

struct results_db {
    sqlite3 *sql;
    char *path;
    bool readonly;
};

enum rule_kind { RULE_ANY, RULE_SCALAR, RULE_VECTOR, RULE_HISTOGRAM };

struct results_rule {
    enum rule_kind kind;
    char *glob;            /* over "module.name" */
    bool on;
    sim_time_t interval;   /* > 0: a sampling rule (implies on) */
};

struct results_vector {
    struct results_run *run;
    char *module, *name, *unit;
    int64_t vector_id;          /* 0 until its row is written */
    enum results_vector_mode mode;
    sim_time_t interval;        /* > 0: sample-and-hold on this grid */
    sim_time_t next_grid;       /* interval mode: next grid time to emit */
    double held;                /* interval mode: value in force */
    bool started;               /* a sample has been added */
    sim_time_t last_t;
    double last_stored;
    int64_t seq;                /* samples written so far (the next sample's number) */
    sim_time_t *buf_t;          /* buffered samples, flushed in batches */
    double *buf_v;
    size_t nbuf, capbuf;
};

struct results_hist {
    struct results_run *run;
    char *module, *name, *unit;
    gsl_histogram *h;
    uint64_t count;
    double sum_w, sum, sumsq, min, max, underflow, overflow;
};

struct results_scalar_rec {
    char *module, *name, *unit;
    double value;
};

struct results_run {
    struct results_db *db;
    char *run_id;
    double wall_start;          /* CLOCK_MONOTONIC seconds at begin */
    char error[512];            /* first recording error (sticky); "" when none */
    bool write_failed;          /* the database refused a batch (disk full, I/O error) */
    struct results_rule *rules;
    size_t nrules, caprules;
    struct results_vector **vectors;
    size_t nvectors, capvectors;
    struct results_hist **hists;
    size_t nhists, caphists;
    struct results_scalar_rec *scalars; /* not yet written */
    size_t nscalars, capscalars;
    size_t pending_samples;     /* buffered over all vectors */
};

/* results_db.c */
int results_exec(sqlite3 *sql, const char *stmt, char *err, size_t errlen);
int results_prepare(sqlite3 *sql, const char *stmt, sqlite3_stmt **out, char *err,
                    size_t errlen);
/* Sets err to "what: sqlite message" and returns RESULTS_EFAIL. */
int results_sql_error(sqlite3 *sql, const char *what, char *err, size_t errlen);
/* Deletes every row belonging to run_id (inside the caller's transaction). */
int results_delete_run(sqlite3 *sql, const char *run_id, char *err, size_t errlen);
enum run_status results_status_from_text(const char *s);

/* results_record.c */
/* Writes every buffered scalar, vector sample and (when final) histogram and vector tail,
 * inside the caller's transaction. */
int results_record_flush(struct results_run *run, bool final, sim_time_t sim_end, char *err,
                         size_t errlen);
void results_record_free(struct results_run *run);
/* Records the first error of the run (printf-style); later ones are dropped. */
void results_run_fail(struct results_run *run, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
