/* cmd_merge.c - `mcpsim merge OUT.db PART.db...`: join the databases of parts of a sweep.
 *
 * The work is results_merge (sim/results_merge.h): one transaction, each run once. This file
 * reports every run that was not simply added, and a one-line summary.
 */
#include <stdio.h>
#include <string.h>

#include "cmd/command.h"
#include "sim/results.h"
#include "sim/results_merge.h"

static int merge_run(int argc, char **argv);

static const struct command merge_cmd = {
    .name = "merge",
    .summary = "join result databases (parts of a sweep) into one",
    .usage =
        "usage: mcpsim merge OUT.db PART.db...\n"
        "\n"
        "Copies every run of the PART databases into OUT.db (created if it does not exist;\n"
        "runs it already holds are kept). Runs are identified by their run id, so a run\n"
        "present in several places is taken once: a completed copy wins over a failed one,\n"
        "and the first completed copy over later ones; each such case is reported on\n"
        "stderr. Runs that never finished (status 'running': a killed job) are not merged;\n"
        "re-run them and merge again. All parts are merged in one transaction: if any part\n"
        "cannot be read, OUT.db is left exactly as it was and the exit status is 1.\n",
    .run = merge_run,
};
COMMAND_REGISTER(merge_cmd)

static void note(void *ctx, const char *part, const char *run_id, const char *kind)
{
    static const struct { const char *kind, *text; } texts[] = {
        { "duplicate", "already present and complete; taken once" },
        { "replaced", "complete here; replaces an incomplete or failed copy" },
        { "incomplete", "never finished (status running); not merged" },
        { "kept", "failed here; a better copy is already present" },
    };
    (void)ctx;
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
        if (strcmp(kind, texts[i].kind) == 0)
            fprintf(stderr, "mcpsim merge: %s: run %s: %s\n", part, run_id, texts[i].text);
}

static int merge_run(int argc, char **argv)
{
    if (argc < 3)
        return command_usage_error(&merge_cmd, "expected an output and at least one part");
    for (int i = 1; i < argc; i++)
        if (argv[i][0] == '-' && argv[i][1])
            return command_usage_error(&merge_cmd, "unknown option \"%s\"", argv[i]);
    char err[1024];
    struct results_db *out;
    int claim = -1;
    if (results_db_open(argv[1], &out, err, sizeof err) < 0) {
        fprintf(stderr, "mcpsim merge: %s\n", err);
        return EXIT_FAIL;
    }
    if (results_claim(argv[1], &claim, err, sizeof err) < 0) {
        results_db_close(out);
        fprintf(stderr, "mcpsim merge: %s\n", err);
        return EXIT_FAIL;
    }
    struct merge_stats ms;
    int rc = results_merge(out, (const char *const *)(argv + 2), (size_t)(argc - 2), note,
                           NULL, &ms, err, sizeof err);
    results_db_close(out);
    results_claim_release(claim);
    if (rc < 0) {
        fprintf(stderr, "mcpsim merge: %s\nmcpsim merge: nothing merged; %s is unchanged\n",
                err, argv[1]);
        return EXIT_FAIL;
    }
    printf("merged %d part%s into %s: %zu runs added, %zu replaced, %zu duplicates taken "
           "once, %zu incomplete skipped\n",
           argc - 2, argc == 3 ? "" : "s", argv[1], ms.runs_added, ms.runs_replaced,
           ms.runs_duplicate, ms.runs_incomplete);
    return EXIT_OK;
}
