/* harness.c - the single CUnit runner behind `make test`.
 *
 * Suites register themselves (see harness.h); main() registers them with CUnit in name order,
 * runs them in basic mode (one line per failure), prints CUnit's run summary and then a plain
 * "N passed, N failed" line, and exits non-zero on any failure. Arguments select suites by name.
 */
#include "tests/harness.h"

#include <CUnit/Basic.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#define MAX_SUITES 128
#define MAX_SKIPS 64

struct suite_entry {
    const char *name;
    CU_InitializeFunc init;
    CU_CleanupFunc fini;
    CU_TestInfo *tests;
};

static struct suite_entry suites[MAX_SUITES];
static int nsuites;
static char *skips[MAX_SKIPS];
static int nskips;
static char tmpdir[PATH_MAX];

void harness_add_suite(const char *name, CU_InitializeFunc init, CU_CleanupFunc fini,
                       CU_TestInfo *tests)
{
    if (nsuites == MAX_SUITES) {
        fprintf(stderr, "harness: more than %d suites; raise MAX_SUITES\n", MAX_SUITES);
        exit(2);
    }
    suites[nsuites++] = (struct suite_entry){ name, init, fini, tests };
}

const char *harness_shared(const char *rel)
{
    static char buf[4][PATH_MAX];
    static int slot;
    char *b = buf[slot++ & 3];
    snprintf(b, PATH_MAX, "../shared/%s", rel);
    return b;
}

const char *harness_mcpsim(void)
{
    const char *p = getenv("MCPSIM_BIN");
    return p && *p ? p : "build/mcpsim";
}

static void remove_tmpdir(void)
{
    char cmd[PATH_MAX + 16];
    if (!tmpdir[0])
        return;
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "harness: could not remove %s\n", tmpdir);
}

const char *harness_tmpdir(void)
{
    if (!tmpdir[0]) {
        const char *base = getenv("TMPDIR");
        snprintf(tmpdir, sizeof tmpdir, "%s/mcpsim-test-XXXXXX", base && *base ? base : "/tmp");
        if (!mkdtemp(tmpdir)) {
            perror("harness: mkdtemp");
            exit(2);
        }
        atexit(remove_tmpdir);
    }
    return tmpdir;
}

const char *harness_write_tmp(const char *name, const char *text)
{
    static char path[8][512];
    static unsigned slot;
    char *p = path[slot++ % 8];
    int n = snprintf(p, sizeof path[0], "%s/%s", harness_tmpdir(), name);
    if (n < 0 || (size_t)n >= sizeof path[0])
        return NULL;
    FILE *f = fopen(p, "w");
    if (!f)
        return NULL;
    fputs(text, f);
    return fclose(f) == 0 ? p : NULL;
}

int harness_run(const char *cmd, char **out)
{
    size_t cap = 4096, len = 0;
    char *buf = NULL;
    char full[8192];
    snprintf(full, sizeof full, "%s 2>&1", cmd);
    FILE *p = popen(full, "r");
    if (!p)
        return -1;
    if (out) {
        buf = malloc(cap);
        if (!buf) {
            pclose(p);
            return -1;
        }
    }
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, p)) > 0) {
        if (!out)
            continue;
        while (len + n + 1 > cap) {
            cap *= 2;
            char *nb = realloc(buf, cap);
            if (!nb) {
                free(buf);
                pclose(p);
                return -1;
            }
            buf = nb;
        }
        memcpy(buf + len, chunk, n);
        len += n;
    }
    int st = pclose(p);
    if (out) {
        buf[len] = '\0';
        *out = buf;
    }
    if (st == -1)
        return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int harness_have_tool(const char *name)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "command -v '%s' >/dev/null 2>&1", name);
    return system(cmd) == 0;
}

void harness_skip(const char *why)
{
    if (nskips < MAX_SKIPS) {
        CU_pTest t = CU_get_current_test();
        char line[512];
        snprintf(line, sizeof line, "%s: %s", t ? t->pName : "?", why);
        skips[nskips++] = strdup(line);
    }
}

static int cmp_suite(const void *a, const void *b)
{
    return strcmp(((const struct suite_entry *)a)->name, ((const struct suite_entry *)b)->name);
}

static int selected(const char *name, int argc, char **argv)
{
    if (argc < 2)
        return 1;
    for (int i = 1; i < argc; i++) {
        char list[1024];
        snprintf(list, sizeof list, "%s", argv[i]);
        for (char *tok = strtok(list, ","); tok; tok = strtok(NULL, ","))
            if (strcmp(tok, name) == 0)
                return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    qsort(suites, (size_t)nsuites, sizeof suites[0], cmp_suite);
    int nsel = 0;
    for (int i = 0; i < nsuites; i++) {
        if (!selected(suites[i].name, argc, argv))
            continue;
        CU_pSuite s = CU_add_suite(suites[i].name, suites[i].init, suites[i].fini);
        if (!s)
            return 2;
        for (CU_TestInfo *t = suites[i].tests; t->pName; t++)
            if (!CU_add_test(s, t->pName, t->pTestFunc))
                return 2;
        nsel++;
    }
    if (nsel == 0) {
        fprintf(stderr, "run-tests: no suite matches the arguments\n");
        return 2;
    }
    CU_basic_set_mode(CU_BRM_NORMAL);
    CU_basic_run_tests();
    unsigned run = CU_get_number_of_tests_run();
    unsigned failed = CU_get_number_of_tests_failed();
    unsigned suites_failed = CU_get_number_of_suites_failed();
    for (int i = 0; i < nskips; i++)
        printf("skipped part: %s\n", skips[i]);
    printf("\ntests: %u passed, %u failed\n", run - failed, failed);
    int rc = (failed || suites_failed) ? 1 : 0;
    CU_cleanup_registry();
    for (int i = 0; i < nskips; i++)
        free(skips[i]);
    return rc;
}
