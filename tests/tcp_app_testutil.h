/* tcp_app_testutil.h - running a TCP scenario to its end with an in-memory results database
 * and reading its scalars (the apps' finish hooks are what is being tested). */
#ifndef MCPSIM_TESTS_TCP_APP_TESTUTIL_H
#define MCPSIM_TESTS_TCP_APP_TESTUTIL_H

#include <stddef.h>
#include <stdint.h>

#include "sim/results.h"
#include "sim/units.h"

/* Writes text to harness_tmpdir()/name; returns the path (static buffer). */
const char *ta_write(const char *name, const char *text);

/* Loads, builds and runs the scenario file for `duration` with results recorded under run id
 * "t" in an in-memory database (db_path NULL) or the file db_path; vectors are recorded only
 * when they match `vectors` (a results_enable pattern; NULL = none). Returns the database
 * (close it with results_db_close), or NULL with the reason in err (a scenario the loader or
 * a model refused). */
struct results_db *ta_run(const char *path, sim_time_t duration, const char *vectors,
                          const char *db_path, char *err, size_t errlen);

/* ta_run with every interface captured into pcap_dir (an existing directory, as --pcap). */
struct results_db *ta_run_pcap(const char *path, sim_time_t duration, const char *pcap_dir,
                               char *err, size_t errlen);

/* ta_run with `--set PATH=VALUE` overrides (sets[0..nsets), as the command line's; they may
 * pin a sweep axis) and the world seed `seed` (ta_run: 1). */
struct results_db *ta_run_sets(const char *path, const char *const *sets, size_t nsets,
                               uint64_t seed, sim_time_t duration, const char *vectors,
                               const char *db_path, char *err, size_t errlen);

/* The scalar module.name of run "t"; asserts it was recorded exactly once. */
double ta_scalar(struct results_db *db, const char *module, const char *name);

#endif
