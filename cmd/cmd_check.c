/* cmd_check.c - `mcpsim check FILE`: validate a scenario and show its expansion.
 *
 * Loading a scenario validates every parameter point against the parameter tables
 * (scenario.h). Then every point's models are built, as `run` would build them, and freed
 * without running: what a model checks when it is created (a route's syntax, a node a link
 * names, a discipline's thresholds) is caught here too, not only by `run`. Prints the run
 * count, the sweep axes with their values and the instances of the first point; exits 2 with
 * the file:line:col message when the scenario is invalid. Not caught: what a model can only
 * find once the simulation starts (a route via a node that is not a neighbour: reported on
 * stderr and counted in the node's config_errors scalar when the run starts).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/command.h"
#include "sim/scenario.h"
#include "sim/world.h"

static int check_run(int argc, char **argv);

static const struct command check_cmd = {
    .name = "check",
    .summary = "validate a scenario file and print its expanded run count",
    .usage = "usage: mcpsim check FILE [--set PATH=VALUE]... [--quiet]\n"
             "\n"
             "Parses FILE, applies --set overrides, validates every parameter point of the\n"
             "sweep against the models' parameter tables, builds every point's models (as\n"
             "`run` does, without running them) and prints the number of runs (points x\n"
             "repetitions), the sweep axes and the model instances. Errors are printed as\n"
             "FILE:LINE:COLUMN: message; the exit status is then 2.\n"
             "\n"
             "  --set PATH=VALUE  override a value as `mcpsim run` does\n"
             "  --quiet           print only the run count\n",
    .run = check_run,
};
COMMAND_REGISTER(check_cmd)

/* Builds and frees the models of every parameter point; 0, or -1 with the first error (the
 * point named when the scenario has several). */
static int build_every_point(const struct scenario *sc, char *err, size_t errlen)
{
    size_t points = scenario_point_count(sc);
    for (size_t i = 0; i < points; i++) {
        struct scenario_run info;
        struct scenario_plan plan;
        char why[768]; /* leaves room in err for the point */
        if (scenario_run_at(sc, i, 0, &info) < 0 ||
            scenario_plan(sc, i, &plan, why, sizeof why) < 0) {
            snprintf(err, errlen, "%s", why);
            return -1;
        }
        struct world_config wc = { .seed = info.seed, .run = 0, .duration = info.duration };
        struct world *w = NULL;
        int rc = world_build(&plan, &wc, &w, why, sizeof why);
        scenario_plan_free(&plan);
        world_free(w);
        if (rc < 0) {
            if (points > 1)
                snprintf(err, errlen, "%s (parameter point %zu of %zu, `mcpsim run --index %zu`)",
                         why, i, points, i);
            else
                snprintf(err, errlen, "%s", why);
            return -1;
        }
    }
    return 0;
}

static int check_run(int argc, char **argv)
{
    const char *file = NULL;
    const char **sets = calloc((size_t)argc, sizeof *sets);
    size_t nsets = 0;
    int quiet = 0;
    if (!sets)
        return EXIT_FAIL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--set") == 0 && i + 1 < argc) {
            sets[nsets++] = argv[++i];
        } else if (strcmp(argv[i], "--quiet") == 0 || strcmp(argv[i], "-q") == 0) {
            quiet = 1;
        } else if (argv[i][0] == '-' || file) {
            free(sets);
            return command_usage_error(&check_cmd, "unexpected argument \"%s\"", argv[i]);
        } else {
            file = argv[i];
        }
    }
    if (!file) {
        free(sets);
        return command_usage_error(&check_cmd, "expected a scenario FILE");
    }
    struct scenario *sc;
    char err[1024];
    int rc = scenario_load(file, sets, nsets, &sc, err, sizeof err);
    free(sets);
    if (rc < 0 || build_every_point(sc, err, sizeof err) < 0) {
        fprintf(stderr, "%s\n", err);
        if (rc == 0)
            scenario_free(sc);
        return EXIT_USAGE;
    }
    size_t runs = scenario_run_count(sc);
    if (quiet) {
        printf("%zu\n", runs);
        scenario_free(sc);
        return EXIT_OK;
    }
    printf("%s: scenario \"%s\" is valid\n", file, scenario_name(sc));
    printf("runs: %zu (%zu point%s x %u repetition%s, %s)\n", runs, scenario_point_count(sc),
           scenario_point_count(sc) == 1 ? "" : "s", scenario_repeat(sc),
           scenario_repeat(sc) == 1 ? "" : "s", scenario_is_zip(sc) ? "zip" : "product");
    for (size_t a = 0; a < scenario_axis_count(sc); a++) {
        printf("axis %s:", scenario_axis_name(sc, a));
        for (size_t i = 0; i < scenario_axis_len(sc, a); i++) {
            /* Quoted when blanks would blur where a value ends (a list point "a; b"). */
            const char *v = scenario_axis_value(sc, a, i);
            printf(!*v || strpbrk(v, " \t") ? " \"%s\"" : " %s", v);
        }
        printf("\n");
    }
    struct scenario_plan plan;
    if (scenario_plan(sc, 0, &plan, err, sizeof err) < 0) {
        fprintf(stderr, "%s\n", err);
        scenario_free(sc);
        return EXIT_FAIL;
    }
    printf("instances (run 0): %zu\n", plan.n);
    /* A count of thousands would flood the terminal: show three of each group of entries
     * of the same kind, then how many more. */
    for (size_t i = 0; i < plan.n;) {
        size_t j = i;
        while (j < plan.n && plan.inst[j].def == plan.inst[i].def)
            j++;
        for (size_t k = i; k < j && k < i + 3; k++)
            printf("  %-6s %-10s %s\n", plan.inst[k].section, plan.inst[k].def->kind,
                   plan.inst[k].name);
        if (j - i > 3)
            printf("  ... and %zu more (%s)\n", j - i - 3, plan.inst[i].def->kind);
        i = j;
    }
    scenario_plan_free(&plan);
    scenario_free(sc);
    return EXIT_OK;
}
