/* cmd_run.c - `mcpsim run FILE`: one run of a scenario, its headline scalars on stdout.
 *
 * Which run: a scenario without sweep axes has one point, and --run N picks the repetition
 * (the random-stream run number, default 0). With axes, --index K picks run K of the
 * expansion (as `mcpsim sweep --list` numbers them: K = repetition x points + point), and
 * --run N then overrides its repetition. --set pins or changes any value first, so
 * `--set links.bn.rate=20Mbps` on a swept rate leaves one point.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd/command.h"
#include "cmd/progress.h"
#include "cmd/runner.h"
#include "sim/results.h"
#include "sim/scenario.h"

static int run_run(int argc, char **argv);

static const struct command run_cmd = {
    .name = "run",
    .summary = "run one point of a scenario and print its headline results",
    .usage =
        "usage: mcpsim run FILE [--set PATH=VALUE]... [--seed N] [--run N] [--index K]\n"
        "                  [--out DB] [--pcap DIR] [--quiet]\n"
        "\n"
        "Runs one run of the scenario FILE and prints its scalars as a table on stdout.\n"
        "\n"
        "  --set PATH=VALUE  override a value: duration, seed, or SECTION.NAME.PARAM\n"
        "                    (links.bottleneck.rate=20Mbps, apps.src.rate=2Mbps); same\n"
        "                    validation and messages as the file; repeatable.\n"
        "                    VALUE [a, b] sweeps the values a and b. A list parameter\n"
        "                    (type \"list of strings\" in `mcpsim help KIND`) takes its\n"
        "                    items separated by ';', and in brackets one list per point,\n"
        "                    separated by ',':\n"
        "                    'nodes.r.routes=10.0.0.0/8 via a; 0.0.0.0/0 via b'\n"
        "                    'nodes.r.routes=[10.0.0.0/8 via a; 0.0.0.0/0 via b,\n"
        "                                     0.0.0.0/0 via c]' (two points)\n"
        "  --seed N          the scenario seed (same as --set seed=N)\n"
        "  --run N           repetition number = random-stream run (default 0)\n"
        "  --index K         run K of a sweep (see `mcpsim sweep FILE --list`); required\n"
        "                    when the scenario has several parameter points\n"
        "  --out DB          results database (created if absent; a run already in it is\n"
        "                    replaced); default: an in-memory database\n"
        "  --pcap DIR        capture every interface of every node: one file per\n"
        "                    interface, DIR/NODE-LINK.pcap, raw IP (created if absent)\n"
        "  --quiet           no table, no progress line\n"
        "\n"
        "On a terminal a progress line shows simulated time, percent, events/s and ETA.\n"
        "Exit status: 0 done, 1 the run failed (recorded in DB with its error), 2 invalid\n"
        "command line or scenario (FILE:LINE:COLUMN: message; nothing ran).\n",
    .run = run_run,
};
COMMAND_REGISTER(run_cmd)

struct table {
    int rows;   /* non-zero scalars seen */
    int zeros;  /* zero scalars, not shown: a headline is what happened */
    int limit;
};

static int print_scalar(void *ctx, const char *module, const char *name, const char *unit,
                        double value)
{
    struct table *t = ctx;
    if (value == 0) {
        t->zeros++;
        return 0;
    }
    if (t->rows++ < t->limit) {
        char full[256];
        snprintf(full, sizeof full, "%s.%s", module, name);
        printf("  %-40s %16.6g %s\n", full, value, unit);
    }
    return 0;
}

static int parse_count(const char *opt, const char *v, unsigned long long *out)
{
    char *end;
    if (!v || !*v || v[0] == '-' || (*out = strtoull(v, &end, 10), *end)) {
        fprintf(stderr, "mcpsim run: %s \"%s\": expected a non-negative integer\n", opt,
                v ? v : "");
        return -1;
    }
    return 0;
}

static int run_run(int argc, char **argv)
{
    const char *file = NULL, *out = NULL, *pcap = NULL;
    const char **sets = calloc((size_t)argc + 1, sizeof *sets);
    char seedset[64];
    size_t nsets = 0;
    unsigned long long run_no = 0, index = 0, seed;
    bool have_run = false, have_index = false, quiet = false;
    int rc = EXIT_USAGE;
    struct scenario *sc = NULL;
    struct results_db *db = NULL;
    int claim = -1;
    if (!sets)
        return EXIT_FAIL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--set") == 0 && v) {
            sets[nsets++] = argv[++i];
        } else if (strcmp(a, "--seed") == 0 && v) {
            if (parse_count(a, argv[++i], &seed) < 0)
                goto out;
            snprintf(seedset, sizeof seedset, "seed=%llu", seed);
            sets[nsets++] = seedset;
        } else if (strcmp(a, "--run") == 0 && v) {
            if (parse_count(a, argv[++i], &run_no) < 0 || run_no > 1000000000ULL)
                goto out;
            have_run = true;
        } else if (strcmp(a, "--index") == 0 && v) {
            if (parse_count(a, argv[++i], &index) < 0)
                goto out;
            have_index = true;
        } else if (strcmp(a, "--out") == 0 && v) {
            out = argv[++i];
        } else if (strcmp(a, "--pcap") == 0 && v) {
            pcap = argv[++i];
        } else if (strcmp(a, "--quiet") == 0 || strcmp(a, "-q") == 0) {
            quiet = true;
        } else if (a[0] == '-' || file) {
            rc = command_usage_error(&run_cmd, "unexpected argument \"%s\"%s", a,
                                     a[0] == '-' && !v ? " (missing value?)" : "");
            goto out;
        } else {
            file = a;
        }
    }
    if (!file) {
        rc = command_usage_error(&run_cmd, "expected a scenario FILE");
        goto out;
    }
    if (pcap && mkdir(pcap, 0777) < 0 && errno != EEXIST) {
        fprintf(stderr, "mcpsim run: --pcap %s: cannot create the directory: %s\n", pcap,
                strerror(errno));
        goto out;
    }
    struct stat st;
    if (pcap && (stat(pcap, &st) < 0 || !S_ISDIR(st.st_mode))) {
        fprintf(stderr, "mcpsim run: --pcap %s: not a directory\n", pcap);
        goto out;
    }
    char err[1024];
    if (scenario_load(file, sets, nsets, &sc, err, sizeof err) < 0) {
        fprintf(stderr, "%s\n", err);
        goto out;
    }
    size_t points = scenario_point_count(sc), runs = scenario_run_count(sc);
    if (!have_index && points > 1) {
        fprintf(stderr, "mcpsim run: %s has %zu parameter points (%zu runs); choose one with "
                "--index K (0..%zu, listed by `mcpsim sweep %s --list`) or pin the swept "
                "values with --set\n", file, points, runs, runs - 1, file);
        goto out;
    }
    if (have_index && index >= runs) {
        fprintf(stderr, "mcpsim run: --index %llu: expected 0..%zu (%s has %zu runs)\n", index,
                runs - 1, file, runs);
        goto out;
    }
    struct scenario_run info;
    size_t point = have_index ? (size_t)index % points : 0;
    unsigned rep = have_run ? (unsigned)run_no
                            : have_index ? (unsigned)((size_t)index / points) : 0;
    if (scenario_run_at(sc, point, rep, &info) < 0) {
        fprintf(stderr, "mcpsim run: out of memory\n");
        rc = EXIT_FAIL;
        goto out;
    }
    if (results_db_open(out ? out : ":memory:", &db, err, sizeof err) < 0 ||
        (out && results_claim(out, &claim, err, sizeof err) < 0)) {
        fprintf(stderr, "mcpsim run: %s\n", err);
        rc = EXIT_FAIL;
        goto out;
    }
    struct runner_opts o = { .sets = sets, .nsets = nsets, .progress = !quiet,
                             .replace = true, .pcap_dir = pcap };
    struct runner_result res;
    rc = runner_execute(sc, &info, &o, db, &res, err, sizeof err);
    if (rc != EXIT_OK) {
        fprintf(stderr, "mcpsim run: run %s failed: %s\n", info.id, err);
        goto out;
    }
    if (!quiet) {
        char t[32];
        time_format(res.sim_end, t, sizeof t);
        printf("%s: run %zu (point %zu, repetition %u, id %s): %s simulated, %llu events in "
               "%.3f s (%.3g events/s)%s%s\n", scenario_name(sc), info.index, info.point,
               info.rep, info.id, t, (unsigned long long)res.events, res.wall_s,
               res.wall_s > 0 ? (double)res.events / res.wall_s : 0.0,
               out ? ", results in " : "", out ? out : "");
        struct table tab = { 0, 0, 40 };
        results_db_foreach_scalar(db, info.id, print_scalar, &tab);
        if (tab.rows > tab.limit || tab.zeros)
            printf("  (%d more non-zero and %d zero scalars not shown%s%s)\n",
                   tab.rows > tab.limit ? tab.rows - tab.limit : 0, tab.zeros,
                   out ? "; all are in " : "; keep them with --out DB", out ? out : "");
    }
out:
    results_db_close(db);
    results_claim_release(claim);
    scenario_free(sc);
    free(sets);
    return rc;
}
