/* runner.h - executing one run of a loaded scenario into a results database.
 *
 * Shared by `mcpsim run` (in process) and `mcpsim sweep` (in a forked worker per run): build
 * the plan of the run's point, begin the run row (status 'running'), apply the scenario's
 * record rules, build the world, run it to the duration, end the row ('ok' or 'failed' with
 * the reason). A model that refuses its configuration at build time is recorded as a failed
 * run and reported as invalid input (EXIT_USAGE).
 */
#ifndef MCPSIM_CMD_RUNNER_H
#define MCPSIM_CMD_RUNNER_H

#include <stdbool.h>
#include <stddef.h>

#include "sim/results.h"
#include "sim/scenario.h"

struct runner_opts {
    const char *const *sets; /* the --set strings, recorded as parameters (scalar ones) */
    size_t nsets;
    bool progress;           /* progress line on a terminal */
    bool replace;            /* redo a run already complete in the database */
    const char *pcap_dir;
};

struct runner_result {
    uint64_t events;
    double wall_s;
    sim_time_t sim_end;
    bool skipped;
    bool db_failed; /* the database refused a write (disk full, I/O error): later runs would
                     * fail the same way */
};

/* The exit status of a sweep worker whose database refused a write (res.db_failed): its
 * parent stops launching runs. Never the status of the mcpsim program itself. */
#define RUNNER_EXIT_DB_FAILED 3

/* EXIT_OK; EXIT_FAIL when the run failed or could not be recorded; EXIT_USAGE when the
 * world could not be built (a model refused its configuration). err holds the reason.
 * Without o->replace, a run already complete in db is left alone: EXIT_OK, res->skipped. */
int runner_execute(const struct scenario *sc, const struct scenario_run *run,
                   const struct runner_opts *o, struct results_db *db,
                   struct runner_result *res, char *err, size_t errlen);

/* Records run as failed with `why` (a worker that crashed cannot record itself): removes
 * the leftovers of the attempt and writes the failed row. 0 or -1 with err. */
int runner_record_failure(const struct scenario *sc, const struct scenario_run *run,
                          const struct runner_opts *o, struct results_db *db, const char *why,
                          char *err, size_t errlen);

#endif
