/* results_fixture.h - building small results databases for the results, stats, merge and
 * plot suites, through the recording API exactly as a run would. */
#ifndef MCPSIM_TESTS_RESULTS_FIXTURE_H
#define MCPSIM_TESTS_RESULTS_FIXTURE_H

#include "sim/results.h"

/* Path of a fresh (removed) file NAME in the test directory; static buffer per call slot. */
const char *fx_path(const char *name);

/* Opens path read-write; fails the test (fatally) if it cannot. */
struct results_db *fx_open(const char *path);

/* Records one complete run: params is "a=1,b=10ms" (or ""), then nscalars scalars given
 * as module, name, unit, value. Fails the test if any call fails. */
void fx_run(struct results_db *db, const char *run_id, const char *params, unsigned rep,
            size_t nscalars, const char *const *names, const double *values);

/* Runs a query returning one integer on the database file at path (opened separately). */
long long fx_query_int(const char *path, const char *sql);

#endif
