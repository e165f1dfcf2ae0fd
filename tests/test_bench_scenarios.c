/* test_bench_scenarios.c - scenarios/bench/dumbbell-{1,10,100}.yaml stay valid mcpsim
 * scenarios while the TCP apps they name (bulk, tcp-sink) do not exist yet.
 *
 * The files are the mcpsim half of the ns-3 comparison (scripts/compare/ns3/run.sh); ns-3
 * itself is never run here. Until the TCP integration registers the app kinds, `mcpsim check`
 * must refuse a file for that reason only, and the file without its apps section must be
 * valid with the instance count that `count: N` gives (2N + 2 nodes, 2N + 1 links). Once the
 * kinds exist the whole file must be valid with its N bulk apps and N sinks as well. Counts
 * are compared exactly: they are integers fixed by the topology.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/harness.h"

static const int dumbbell_sizes[] = { 1, 10, 100 };

/* Copies src to dst without the lines from "apps:" up to (not including) "record:". */
static int write_without_apps(const char *src, const char *dst)
{
    FILE *in = fopen(src, "r");
    if (!in)
        return -1;
    FILE *out = fopen(dst, "w");
    if (!out) {
        fclose(in);
        return -1;
    }
    char line[512];
    int in_apps = 0;
    while (fgets(line, sizeof line, in)) {
        if (strncmp(line, "apps:", 5) == 0)
            in_apps = 1;
        else if (strncmp(line, "record:", 7) == 0)
            in_apps = 0;
        if (!in_apps)
            fputs(line, out);
    }
    fclose(in);
    return fclose(out) == 0 ? 0 : -1;
}

static int check_instances(const char *file, char **out)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "%s check %s", harness_mcpsim(), file);
    return harness_run(cmd, out);
}

static void test_dumbbell_network_part_is_valid_and_sized_by_count(void)
{
    for (size_t k = 0; k < sizeof dumbbell_sizes / sizeof dumbbell_sizes[0]; k++) {
        int n = dumbbell_sizes[k];
        char src[256], dst[512], want[64];
        snprintf(src, sizeof src, "scenarios/bench/dumbbell-%d.yaml", n);
        snprintf(dst, sizeof dst, "%s/dumbbell-%d-net.yaml", harness_tmpdir(), n);
        CU_ASSERT_EQUAL_FATAL(write_without_apps(src, dst), 0);
        char *out = NULL;
        CU_ASSERT_EQUAL(check_instances(dst, &out), 0);
        snprintf(want, sizeof want, "instances (run 0): %d\n", 4 * n + 3);
        CU_ASSERT_PTR_NOT_NULL(strstr(out, want));
        free(out);
    }
}

static void test_dumbbell_is_refused_only_for_the_missing_tcp_apps(void)
{
    for (size_t k = 0; k < sizeof dumbbell_sizes / sizeof dumbbell_sizes[0]; k++) {
        int n = dumbbell_sizes[k];
        char src[256], want[64];
        snprintf(src, sizeof src, "scenarios/bench/dumbbell-%d.yaml", n);
        char *out = NULL;
        int status = check_instances(src, &out);
        if (status == 0) {
            /* The TCP integration has landed: all of it is valid, apps included. */
            snprintf(want, sizeof want, "instances (run 0): %d\n", 6 * n + 3);
            CU_ASSERT_PTR_NOT_NULL(strstr(out, want));
        } else {
            CU_ASSERT_EQUAL(status, 2);
            CU_ASSERT(strstr(out, "unknown kind \"bulk\"") != NULL ||
                      strstr(out, "unknown kind \"tcp-sink\"") != NULL);
        }
        free(out);
    }
}

SUITE(bench_scenarios, NULL, NULL,
      TEST(test_dumbbell_network_part_is_valid_and_sized_by_count),
      TEST(test_dumbbell_is_refused_only_for_the_missing_tcp_apps))
