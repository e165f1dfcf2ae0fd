/* test_hostile.c - hostile input never crashes or hangs mcpsim: a broken scenario gets exit 2
 * and one short "file:line:col: what was expected" line, a damaged capture exit 1 naming the
 * file, a capture of malformed packets exit 0.
 *
 * Two halves. The corpus in data/hostile/ (README there) holds the classes found when the
 * program was tried as a new user would: every file runs through `check` and `run`
 * (scenarios) or `decode` and `replay` with each role (captures) under `timeout`, so a hang
 * fails the test instead of stopping it; the expected status is the file name's prefix
 * (e2-, e1-, e0-). Then the registry half finds the class rather than the files: every
 * numeric parameter of every node, link and application model is given a negative value, a
 * value past its range and one that overflows its type, and each must be refused with the
 * position of the value. Compared against the documented statuses (docs/exit-status.md);
 * nothing is approximate.
 */
#include <dirent.h>
#include <float.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/registry.h"
#include "sim/scenario.h"
#include "tests/harness.h"

#define HOSTILE "tests/data/hostile/"
#define TIMEOUT "timeout 20 "
#define MESSAGE_MAX 300 /* a message longer than this buries what was expected */

/* The files of dir with the given prefix, sorted; NULL-terminated, the caller frees. */
static char **list(const char *dir, const char *prefix)
{
    DIR *d = opendir(dir);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    size_t n = 0, cap = 16;
    char **v = malloc(cap * sizeof *v);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strncmp(e->d_name, prefix, strlen(prefix)) != 0)
            continue;
        if (n + 1 >= cap)
            v = realloc(v, (cap *= 2) * sizeof *v);
        v[n++] = strdup(e->d_name);
    }
    closedir(d);
    v[n] = NULL;
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && strcmp(v[j - 1], v[j]) > 0; j--) {
            char *t = v[j];
            v[j] = v[j - 1];
            v[j - 1] = t;
        }
    return v;
}

static void free_list(char **v)
{
    for (size_t i = 0; v[i]; i++)
        free(v[i]);
    free(v);
}

/* True when line starts with "path:LINE:COL: " followed by a message. */
static bool positioned(const char *line, const char *path)
{
    size_t n = strlen(path);
    if (strncmp(line, path, n) != 0 || line[n] != ':')
        return false;
    const char *p = line + n + 1;
    for (int field = 0; field < 2; field++) {
        if (*p < '0' || *p > '9')
            return false;
        while (*p >= '0' && *p <= '9')
            p++;
        if (*p++ != ':')
            return false;
    }
    return *p == ' ' && p[1];
}

static size_t first_line_len(const char *s)
{
    const char *nl = strchr(s, '\n');
    return nl ? (size_t)(nl - s) : strlen(s);
}

static void test_every_broken_scenario_exits_2_with_a_short_positioned_message(void)
{
    char **files = list(HOSTILE "scenarios", "e2-");
    size_t n = 0;
    for (size_t i = 0; files[i]; i++, n++) {
        char path[512], cmd[1024], *out = NULL;
        snprintf(path, sizeof path, HOSTILE "scenarios/%s", files[i]);
        static const char *const verbs[] = { "check", "run --quiet" };
        for (int k = 0; k < 2; k++) {
            snprintf(cmd, sizeof cmd, TIMEOUT "%s %s %s </dev/null", harness_mcpsim(),
                     verbs[k], path);
            int rc = harness_run(cmd, &out);
            /* `run` prefixes "mcpsim run: run ID failed: " to what the model refused. */
            const char *msg = out ? out : "";
            const char *inner = strstr(msg, path);
            bool ok = rc == 2 && inner && positioned(inner, path) &&
                      first_line_len(inner) < MESSAGE_MAX;
            if (!ok)
                fprintf(stderr, "\n  %s %s: exit %d: %.300s\n", verbs[k], files[i], rc, msg);
            CU_ASSERT(ok);
            free(out);
        }
    }
    free_list(files);
    CU_ASSERT(n >= 60);
}

/* A device that never ends is refused by its size, not read forever. */
static void test_check_of_an_endless_input_stops_at_the_size_limit(void)
{
    char cmd[512], *out = NULL;
    snprintf(cmd, sizeof cmd, TIMEOUT "%s check /dev/zero", harness_mcpsim());
    CU_ASSERT_EQUAL(harness_run(cmd, &out), 2);
    CU_ASSERT(out && strstr(out, "/dev/zero: larger than 16 MiB") != NULL);
    free(out);
}

static void test_every_damaged_capture_exits_1_and_malformed_packets_exit_0(void)
{
    /* decode, then replay with each role ("" for decode: no output file). */
    static const char *const roles[] = {
        NULL, "", "--role umcp --set mcp.steer=srcroute",
        "--role umcp --set mcp.steer=tunnel", "--role dmcp",
    };
    static const char *const prefixes[] = { "e1-", "e0-" };
    size_t n = 0;
    for (int want = 1; want >= 0; want--) {
        char **files = list(HOSTILE "pcaps", prefixes[1 - want]);
        for (size_t i = 0; files[i]; i++, n++) {
            char path[512], cmd[2048], verb[1536], *out = NULL;
            snprintf(path, sizeof path, HOSTILE "pcaps/%s", files[i]);
            for (size_t k = 0; k < sizeof roles / sizeof roles[0]; k++) {
                if (roles[k])
                    snprintf(verb, sizeof verb, "replay %s -o %s/hostile-out.pcap %s", path,
                             harness_tmpdir(), roles[k]);
                else
                    snprintf(verb, sizeof verb, "decode %s", path);
                snprintf(cmd, sizeof cmd, TIMEOUT "%s %s", harness_mcpsim(), verb);
                int rc = harness_run(cmd, &out);
                const char *msg = out ? strstr(out, path) : NULL;
                bool ok = rc == want && (want == 0 || (msg && first_line_len(msg) < MESSAGE_MAX));
                if (!ok)
                    fprintf(stderr, "\n  %s: exit %d (expected %d, %zu bytes): %.300s\n", verb,
                            rc, want, out ? strlen(out) : 0, out ? out : "");
                CU_ASSERT(ok);
                free(out);
            }
        }
        free_list(files);
    }
    CU_ASSERT(n >= 18);
}

/* ---- the registry half ---------------------------------------------------------------- */

/* A scenario placing a model of kind def with one parameter set to value, on line 7 (a node
 * or a link) or 8 (an application), at column 5 + strlen(param) + 2. */
static int scenario_text(const struct model_def *def, const char *param, const char *value,
                         char *buf, size_t len)
{
    char ends[128] = "";
    if (registry_param(def, "bs"))
        snprintf(ends, sizeof ends, "    bs: x\n    phones: y\n");
    else if (registry_param(def, "ap"))
        snprintf(ends, sizeof ends, "    ap: x\n    stations: y\n");
    else if (registry_param(def, "a"))
        snprintf(ends, sizeof ends, "    a: x\n    b: y\n");
    else if (registry_param(def, "dst"))
        snprintf(ends, sizeof ends, "    node: x\n    dst: y\n");
    else if (registry_param(def, "node"))
        snprintf(ends, sizeof ends, "    node: x\n");
    char e[512];
    snprintf(e, sizeof e, "  - name: m\n    kind: %s\n    %s: \"%s\"\n%s", def->kind, param,
             value, ends);
    if (strcmp(def->category, "node") == 0) {
        snprintf(buf, len, "name: h\nduration: 1s\nlinks: [{name: l, a: x, b: y}]\nnodes:\n%s"
                 "  - {name: x}\n  - {name: y}\n", e);
        return 7;
    }
    if (strcmp(def->category, "link") == 0) {
        snprintf(buf, len, "name: h\nduration: 1s\nnodes: [{name: x}, {name: y}]\nlinks:\n%s",
                 e);
        return 7;
    }
    snprintf(buf, len, "name: h\nduration: 1s\nnodes: [{name: x}, {name: y}]\n"
             "links: [{name: l, a: x, b: y}]\napps:\n%s", e);
    return 8;
}

/* Values outside the range of p, as text: negative, past its bounds, beyond its type. */
static size_t bad_values(const struct param_def *p, char out[4][64])
{
    static const char *const unit[] = { [PARAM_TIME] = "s", [PARAM_RATE] = "bps",
                                        [PARAM_SIZE] = "B" };
    double lo, hi;
    param_range(p, &lo, &hi);
    const char *u = p->type < sizeof unit / sizeof unit[0] && unit[p->type] ? unit[p->type] : "";
    size_t n = 0;
    if (lo >= 0)
        snprintf(out[n++], 64, "-1%s", u);
    if (lo > 0 && p->type != PARAM_TIME && p->type != PARAM_DOUBLE && p->type != PARAM_PROB)
        snprintf(out[n++], 64, "%.0f%s", lo - 1, u);
    if (hi < 1e300) {
        double over = p->type == PARAM_TIME ? hi / 1e12 * 2 + 1 : hi * 2 + 1;
        snprintf(out[n++], 64, "%.0f%s", over, u);
    }
    if (p->type == PARAM_PROB)
        snprintf(out[n++], 64, "1.5");
    else
        snprintf(out[n++], 64, "99999999999999999999999999999%s", u);
    return n;
}

static void test_every_numeric_parameter_refuses_negative_out_of_range_and_overflow(void)
{
    const struct model_def *defs[256];
    size_t n = registry_list(defs, 256), tried = 0;
    for (size_t i = 0; i < n && i < 256; i++) {
        const struct model_def *def = defs[i];
        if ((strcmp(def->category, "node") && strcmp(def->category, "link") &&
             strcmp(def->category, "app")) || strncmp(def->kind, "test-", 5) == 0)
            continue;
        for (size_t k = 0; k < def->nparams; k++) {
            const struct param_def *p = &def->params[k];
            if (!param_is_numeric(p->type))
                continue;
            char values[4][64], text[2048], err[1024], at[64];
            size_t nv = bad_values(p, values);
            for (size_t v = 0; v < nv; v++) {
                int line = scenario_text(def, p->name, values[v], text, sizeof text);
                const char *file = harness_write_tmp("hostile-param.yaml", text);
                struct scenario *sc = NULL;
                int rc = scenario_load(file, NULL, 0, &sc, err, sizeof err);
                snprintf(at, sizeof at, ":%d:%zu: ", line, 6 + strlen(p->name) + 1);
                bool ok = rc < 0 && strstr(err, at) != NULL;
                if (!ok)
                    fprintf(stderr, "\n  %s.%s = %s: %s\n", def->kind, p->name, values[v],
                            rc < 0 ? err : "accepted");
                CU_ASSERT(ok);
                scenario_free(sc);
                tried++;
            }
        }
    }
    CU_ASSERT(tried > 150);
}

SUITE(hostile, NULL, NULL,
      TEST(test_every_broken_scenario_exits_2_with_a_short_positioned_message),
      TEST(test_check_of_an_endless_input_stops_at_the_size_limit),
      TEST(test_every_damaged_capture_exits_1_and_malformed_packets_exit_0),
      TEST(test_every_numeric_parameter_refuses_negative_out_of_range_and_overflow))
