/* results.h - the results database and the recording API that models use.
 *
 * One SQLite file holds the results of one run or of a whole sweep (docs/results-schema.md
 * describes every table). Several worker processes of one sweep may write the same file: it
 * is opened in WAL mode with a busy timeout, and each process opens its own handle (never
 * share a struct results_db across fork(): open it in the child).
 *
 * Life of a run, as the `run`/`sweep` commands drive it:
 *
 *     results_db_open(path, &db, err, sizeof err);          creates or checks the schema
 *     if (results_run_is_done(db, id) == 1) skip;            resume: completed runs are kept
 *     results_run_begin(db, &meta, &run, err, sizeof err);   row with status 'running'
 *     results_enable(run, "vector:*", false, ...);           the scenario's record: rules,
 *     results_sample_every(run, "vector:*.qlen", 10ms, ...); in file order, BEFORE models exist
 *     ... models are built and call results_vector()/results_histogram() once at creation,
 *         then results_vector_add()/results_hist_add() while running, results_scalar() at
 *         any time (usually when they finish) ...
 *     results_run_end(run, &end, err, sizeof err);           writes everything, marks 'ok'
 *     results_db_foreach_scalar(db, id, print, ctx);         the headline scalars
 *     results_db_close(db);
 *
 * Crash safety. Vector samples are flushed in batched transactions while the run goes on
 * (bounded memory for long time series); scalars, histograms, the last samples and the
 * status 'ok' or 'failed' are written in one final transaction by results_run_end. A process
 * killed at any moment (even SIGKILL) therefore leaves either a complete run or a run whose
 * status is still 'running'. Every query, view and command treats only 'ok' runs as results;
 * results_run_begin on an id whose row is not 'ok' deletes the leftovers of the interrupted
 * attempt in the same transaction that starts the new one, so resuming a sweep never counts
 * a half run and never duplicates rows.
 *
 * Recording rules ("what to record", the scenario's `record:` section). Every statistic has
 * a key "KIND:MODULE.NAME" where KIND is scalar, vector or histogram, MODULE is the
 * recording instance ("uMCP", "phone3.tcp", "link.c-umcp"; dots allowed) and NAME is the
 * statistic's name (no dots, e.g. "goodput", "cwnd", "syn_option_bytes"). A rule is a glob
 * pattern (fnmatch(3), no flags: '*' also matches dots) with an optional "KIND:" prefix (a
 * pattern without one applies to every kind) and an on/off decision; rules apply in the order
 * given and the last one that matches decides. With no matching rule a statistic is recorded.
 * Proposed scenario syntax (the loader maps each entry to one call, in file order):
 *
 *     record:
 *       "vector:*": off            # results_enable(run, "vector:*", false)
 *       "vector:phone*.cwnd": on   # results_enable(run, "vector:phone*.cwnd", true)
 *       "vector:*.qlen": 10ms      # results_sample_every(run, "vector:*.qlen", 10 ms)
 *       "histogram:*": off
 *
 * Rules are decided when a model creates its handle: results_vector() and results_histogram()
 * return NULL for a disabled statistic, and the inline adders below test that NULL and do
 * nothing else, so a disabled statistic costs one predictable branch per sample. A NULL run
 * (no results wanted at all) makes every recording call a no-op returning NULL.
 *
 * Units. Record in base units so that stats and plot can scale them: "s" (seconds, as a
 * double), "bps", "B", "pkt", or "" for pure numbers; any other unit is shown verbatim.
 * Parameter values of a run ("50Mbps", "10ms", "1500B") are parsed with sim/units.h and stored
 * with their numeric value in base units next to the original text.
 *
 * Errors. Functions that take err/errlen return 0 or a negative RESULTS_E* code with a
 * message. Recording calls return nothing: the first failure (out of memory, a disk error
 * during a batch flush, a sample earlier than the previous one, a bad histogram layout, a
 * name with a dot) is kept in the run, results_run_end then records the run as 'failed'
 * with that message and returns RESULTS_EFAIL, so nothing a model does can silently lose data.
 *
 * Not here: statistics across runs (results_stats.h), merging databases (results_merge.h).
 */
#ifndef MCPSIM_SIM_RESULTS_H
#define MCPSIM_SIM_RESULTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/units.h"

/* Stored as PRAGMA user_version; PRAGMA application_id is RESULTS_APPLICATION_ID ('MCPS').
 * A file with another application id or schema version is refused, never altered. */
#define RESULTS_SCHEMA_VERSION 1
#define RESULTS_APPLICATION_ID 0x4D435053

enum results_error {
    RESULTS_EFAIL = -1,     /* SQLite or I/O error, out of memory, bad argument */
    RESULTS_EEXIST = -2,    /* results_run_begin: the run is already complete ('ok') */
    RESULTS_EFOREIGN = -3,  /* results_db_open: not an mcpsim results database */
    RESULTS_EVERSION = -4,  /* results_db_open: an mcpsim database of another schema version */
    RESULTS_EPATTERN = -5,  /* results_enable/results_sample_every: malformed rule pattern */
    RESULTS_EQUERY = -6,    /* results_stats.h: unknown metric or parameter, bad condition */
    RESULTS_EBUSY = -7,     /* results_claim: another process is writing the database */
    RESULTS_EWRITE = -8,    /* results_run_begin/_end: the database refused a write (disk
                             * full, I/O error): later runs would fail the same way */
};

enum run_status { RUN_NONE = 0, RUN_RUNNING, RUN_OK, RUN_FAILED };

struct results_db;     /* one open database (one SQLite connection) */
struct results_run;    /* one run being recorded; owns the handles below */
struct results_vector; /* a time series */
struct results_hist;   /* a histogram */

/* ---- database ------------------------------------------------------------------------ */

/* Opens (creating it and its schema if the file is new or empty) the database at path;
 * ":memory:" gives a private in-memory database. Refuses a file that is not an mcpsim results
 * database (RESULTS_EFOREIGN) or has another schema version (RESULTS_EVERSION), naming the
 * path and what was found. */
int results_db_open(const char *path, struct results_db **out, char *err, size_t errlen);
void results_db_close(struct results_db *db);

/* Writers. One process at a time writes a database: `run --out`, `sweep` (for its forked
 * workers too), `merge` into it and `replay --out` claim it after opening it, and a second
 * writer is refused with RESULTS_EBUSY and a message saying what to do; so every run is
 * stored once however the commands are started. The claim lasts until results_claim_release
 * (or the process and the workers it forked exit); release it after closing the database.
 * fd_out receives the claim's descriptor (-1 on failure). */
int results_claim(const char *path, int *fd_out, char *err, size_t errlen);
void results_claim_release(int fd);

/* Same, read-only: never creates or alters anything (stats, plot, merge inputs). A database
 * on a read-only file system (no -wal/-shm files can be made) is read as immutable. */
int results_db_open_readonly(const char *path, struct results_db **out, char *err,
                             size_t errlen);

/* 1 if the run with this id is complete ('ok') in db, 0 if not (absent, running or failed),
 * or RESULTS_EFAIL. */
int results_run_is_done(struct results_db *db, const char *run_id);
/* The run's status (RUN_NONE when absent); 0 or RESULTS_EFAIL. */
int results_run_status(struct results_db *db, const char *run_id, enum run_status *out);

/* Calls fn for every scalar of the run, in recording order; stops and returns fn's value if
 * it is not 0. Returns 0 or RESULTS_EFAIL. `unit` is "" when none was given. */
typedef int (*results_scalar_fn)(void *ctx, const char *module, const char *name,
                                 const char *unit, double value);
int results_db_foreach_scalar(struct results_db *db, const char *run_id, results_scalar_fn fn,
                              void *ctx);

/* ---- runs ---------------------------------------------------------------------------- */

struct results_param {
    const char *name;  /* "link.rate", as the scenario names the swept value */
    const char *value; /* "50Mbps", its text as written (or as formatted by param_format) */
};

struct run_meta {
    const char *run_id;        /* stable hash of (scenario, point, repetition); 1..64 chars */
    const char *scenario_name; /* scenario file's name (no directory) or its `name:` */
    const char *scenario_hash; /* hash of the scenario content */
    const struct results_param *params; /* the point: one entry per swept (or --set) value */
    size_t nparams;
    uint64_t seed;
    uint32_t repetition;       /* 0-based repetition of this point */
    uint32_t run_index;        /* 0-based index of the run in the expanded sweep (--run N) */
    bool replace;              /* true: a complete run with this id is deleted and redone;
                                  false: results_run_begin returns RESULTS_EEXIST for it */
};

/* Starts recording a run: one committed transaction that removes any leftovers of an earlier
 * attempt with the same id and inserts the runs row (status 'running', start time now, mcpsim
 * version and commit) and its parameters rows. The strings of meta are copied. */
int results_run_begin(struct results_db *db, const struct run_meta *meta,
                      struct results_run **out, char *err, size_t errlen);

struct run_end {
    enum run_status status; /* RUN_OK or RUN_FAILED */
    const char *error;      /* RUN_FAILED: why (stored in runs.error); NULL otherwise */
    uint64_t events;        /* events executed */
    sim_time_t sim_end;     /* simulated time reached; interval-sampled vectors run up to it */
};

/* Flushes everything recorded and sets the final status, wall seconds (measured since
 * results_run_begin), events and simulated time, in one transaction; frees the run and every
 * handle it gave out. Returns 0, or RESULTS_EWRITE when the database refused a write (then
 * the run is recorded as 'failed' with the reason if the database still takes a one-row
 * update), or RESULTS_EFAIL for another recording error kept by the run, which turns a
 * RUN_OK end into 'failed' with that message. */
int results_run_end(struct results_run *run, const struct run_end *end, char *err,
                    size_t errlen);

/* The run's id as given to results_run_begin (valid until results_run_end). */
const char *results_run_id(const struct results_run *run);

/* ---- what to record (call before models create their handles) ------------------------ */

/* Adds a rule: statistics whose key matches pattern are recorded (on) or not. */
int results_enable(struct results_run *run, const char *pattern, bool on, char *err,
                   size_t errlen);
/* Adds a rule: vectors whose key matches pattern are recorded, sampled every interval
 * (> 0): the stored series has one point at each multiple of interval from the first sample
 * to the end of the run, holding the last value added at or before that time. */
int results_sample_every(struct results_run *run, const char *pattern, sim_time_t interval,
                         char *err, size_t errlen);
/* Validates a pattern without a run (for `mcpsim check`); 0 or RESULTS_EPATTERN. */
int results_pattern_check(const char *pattern, char *err, size_t errlen);

/* ---- recording (models) -------------------------------------------------------------- */

/* Records one scalar (several with the same module and name are all kept, in order). */
void results_scalar(struct results_run *run, const char *module, const char *name,
                    const char *unit, double value);

enum results_vector_mode {
    RESULTS_EVERY,     /* default: every sample added is stored (events: RTT samples) */
    RESULTS_ON_CHANGE, /* a sample equal to the previous stored value is dropped (signals) */
};

/* A time series, or NULL when the statistic is disabled (or run is NULL). The handle lives
 * until results_run_end. A scenario interval rule overrides the mode. */
struct results_vector *results_vector(struct results_run *run, const char *module,
                                      const char *name, const char *unit);
void results_vector_set_mode(struct results_vector *v, enum results_vector_mode mode);
/* Whether results_vector(run, module, name, ...) would give a handle under the rules as they
 * stand, without creating one (a created vector is stored even without samples): for a model
 * that creates a series only once it knows it has one (an MPTCP subflow's). false for a NULL
 * run or a name with a dot (no failure recorded). */
bool results_vector_enabled(struct results_run *run, const char *module, const char *name);

/* Out of line: buffers the sample (times must not decrease) and flushes a full batch. */
void results_vector_append(struct results_vector *v, sim_time_t t, double value);

static inline void results_vector_add(struct results_vector *v, sim_time_t t, double value)
{
    if (v)
        results_vector_append(v, t, value);
}

/* A histogram over nbins bins given by nbins+1 strictly increasing edges (bin i is
 * [edges[i], edges[i+1])); values outside are counted as underflow/overflow. Also kept:
 * count, sum, sum of squares, min and max of every value added. NULL when disabled. */
struct results_hist *results_histogram(struct results_run *run, const char *module,
                                       const char *name, const char *unit,
                                       const double *edges, size_t nbins);
/* nbins equal bins over [lo, hi). */
struct results_hist *results_histogram_uniform(struct results_run *run, const char *module,
                                               const char *name, const char *unit, double lo,
                                               double hi, size_t nbins);

void results_hist_accumulate(struct results_hist *h, double x, double weight);

static inline void results_hist_add(struct results_hist *h, double x)
{
    if (h)
        results_hist_accumulate(h, x, 1.0);
}

#endif
