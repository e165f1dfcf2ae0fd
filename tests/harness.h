/* harness.h - how a CUnit suite registers itself with the single test runner.
 *
 * Each tests/test_MODULE.c ends with
 *
 *     SUITE(units, NULL, NULL,
 *           TEST(test_time_parses_fractional_milliseconds),
 *           TEST(test_rate_rejects_missing_unit));
 *
 * and is linked into build/run-tests, which runs every suite in name order (or those named on
 * its command line). Registration uses a constructor so adding a suite needs no list edit.
 * Helpers shared by several suites (paths, temporary files, running the program) live here.
 */
#ifndef MCPSIM_TESTS_HARNESS_H
#define MCPSIM_TESTS_HARNESS_H

#include <CUnit/CUnit.h>
#include <stddef.h>

void harness_add_suite(const char *name, CU_InitializeFunc init, CU_CleanupFunc fini,
                       CU_TestInfo *tests);

#define TEST(fn) { #fn, fn }

#define SUITE(name, init, fini, ...)                                              \
    static CU_TestInfo suite_tests_##name[] = { __VA_ARGS__, CU_TEST_INFO_NULL }; \
    __attribute__((constructor)) static void suite_register_##name(void)          \
    {                                                                             \
        harness_add_suite(#name, init, fini, suite_tests_##name);                 \
    }

/* Path of ../shared/<rel> relative to the project root (the runner's working directory). */
const char *harness_shared(const char *rel);

/* The mcpsim binary under test (MCPSIM_BIN, default build/mcpsim). */
const char *harness_mcpsim(void);

/* A fresh temporary directory for this process, removed at exit. */
const char *harness_tmpdir(void);

/* Writes text to harness_tmpdir()/name and returns the path (NULL on error). The path lives
 * in one of 8 rotating buffers, so a few may be held at once. */
const char *harness_write_tmp(const char *name, const char *text);

/* Runs a shell command; returns its exit status (or -1), captures stdout+stderr in *out
 * (malloc'd, NUL-terminated) when out is not NULL. */
int harness_run(const char *cmd, char **out);

/* True when `command -v NAME` succeeds. */
int harness_have_tool(const char *name);

/* Marks the running test as skipped with a reason printed once; CUnit has no skip status, so
 * the test passes and the reason is listed at the end of the run. */
void harness_skip(const char *why);

#endif
