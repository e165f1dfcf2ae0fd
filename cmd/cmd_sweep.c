/* cmd_sweep.c - `mcpsim sweep FILE`: every run of a scenario, in parallel worker processes,
 * resumable; or the list of per-run commands for GNU parallel and Slurm.
 *
 * Each run executes in a forked child that opens its own database handle (results.h: never
 * share one across fork), so a crash (a signal) kills one run only: the parent records it as
 * failed with the signal, and the others go on. Completed runs are found by id
 * (results_run_is_done) before anything starts and skipped, which is all resuming needs:
 * a run is complete in the database or absent/'running'/'failed', never half counted
 * (results.h "Crash safety"), and ids depend only on the resolved scenario and repetition,
 * so raising `repeat` runs only the new repetitions and editing a value reruns everything.
 * Failed runs are retried by the next sweep. SIGINT stops launching, forwards SIGINT to the
 * workers (their runs stay incomplete, to be redone) and exits 1; SIGKILL of the parent
 * leaves the workers to finish their runs.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cmd/command.h"
#include "cmd/progress.h"
#include "cmd/runner.h"
#include "sim/results.h"
#include "sim/scenario.h"

static int sweep_run(int argc, char **argv);

static const struct command sweep_cmd = {
    .name = "sweep",
    .summary = "run every point and repetition of a scenario (parallel, resumable)",
    .usage =
        "usage: mcpsim sweep FILE --out DB [--jobs N] [--set PATH=VALUE]... [--index K]\n"
        "       mcpsim sweep FILE --list [--parts DIR] [--program PATH] [--set ...]\n"
        "\n"
        "Runs every run of FILE (points x repetitions, see `mcpsim check`) in N parallel\n"
        "worker processes and records them in DB. Runs already complete in DB are skipped,\n"
        "so re-running the same command resumes an interrupted sweep, and raising `repeat`\n"
        "runs only the new repetitions. A run that fails or crashes is recorded as failed\n"
        "with its error and does not stop the others (the next sweep retries it).\n"
        "\n"
        "  --out DB          results database (created if absent)\n"
        "  --jobs N          worker processes (default: the number of online CPUs)\n"
        "  --set PATH=VALUE  override a value, as `mcpsim run` (part of the run ids)\n"
        "  --index K         run only run K\n"
        "  --list            print one `mcpsim run FILE --index K --out DIR/part-K.db`\n"
        "                    command per run, for GNU parallel or a Slurm array; then\n"
        "                    `mcpsim merge DB DIR/part-*.db` (docs/sweeps.md)\n"
        "  --parts DIR       directory of the part databases in --list (default .)\n"
        "  --program PATH    program name printed by --list (default mcpsim)\n"
        "  --quiet           no progress bar and no summary\n"
        "\n"
        "Run K is repetition K / points of point K %% points, so indices of existing runs do\n"
        "not change when `repeat` grows. Exit status: 0 all runs complete, 1 some failed or\n"
        "the sweep was interrupted, 2 invalid command line or scenario.\n",
    .run = sweep_run,
};
COMMAND_REGISTER(sweep_cmd)

static volatile sig_atomic_t interrupted;

static void on_sigint(int sig)
{
    (void)sig;
    interrupted = 1;
}

/* Prints s for a POSIX shell: as is when safe, else in single quotes. */
static void shell_word(const char *s)
{
    if (*s && strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                        "-_./=:,+@%") == strlen(s)) {
        fputs(s, stdout);
        return;
    }
    putchar('\'');
    for (; *s; s++) {
        if (*s == '\'')
            fputs("'\\''", stdout);
        else
            putchar(*s);
    }
    putchar('\'');
}

static int list_runs(const struct scenario *sc, const char *file, const char *const *sets,
                     size_t nsets, const char *parts, const char *program)
{
    size_t runs = scenario_run_count(sc);
    for (size_t k = 0; k < runs; k++) {
        char part[4096];
        shell_word(program);
        fputs(" run ", stdout);
        shell_word(file);
        for (size_t i = 0; i < nsets; i++) {
            fputs(" --set ", stdout);
            shell_word(sets[i]);
        }
        if (strcmp(parts, ".") == 0)
            snprintf(part, sizeof part, "part-%zu.db", k);
        else
            snprintf(part, sizeof part, "%s/part-%zu.db", parts, k);
        printf(" --index %zu --quiet --out ", k);
        shell_word(part);
        putchar('\n');
    }
    return ferror(stdout) ? EXIT_FAIL : EXIT_OK;
}

struct worker {
    pid_t pid;
    size_t run;
};

/* Erases the progress line before a message, on a terminal only: escape codes must not
 * reach a log file. */
static const char *clear_line = "";

/* Deterministic fault injection for the tests of crash handling (docs/sweeps.md): with
 * MCPSIM_FAULT_WORKER_DIES=K the worker of run K kills itself with SIGKILL before it runs
 * (a crash, as the OOM killer would do it); with K:group it kills its whole process group
 * (the sweep and every worker, as a SIGKILL of the session would). Read once per worker,
 * never on a per-packet path; unset, nothing changes. */
static void fault_injection(size_t run)
{
    const char *v = getenv("MCPSIM_FAULT_WORKER_DIES");
    char *end;
    if (!v || !*v)
        return;
    errno = 0;
    unsigned long long k = strtoull(v, &end, 10);
    if (errno || end == v || k != run)
        return;
    kill(strcmp(end, ":group") == 0 ? 0 : getpid(), SIGKILL);
}

/* The child: one run, its own database handle (written under the parent's claim), exit
 * status = runner status, or RUNNER_EXIT_DB_FAILED when the database refused a write. */
static void child(const struct scenario *sc, const struct scenario_run *info,
                  const struct runner_opts *o, const char *out)
{
    signal(SIGINT, SIG_DFL);
    fault_injection(info->index);
    struct results_db *db;
    char err[1024];
    int rc = EXIT_FAIL;
    struct runner_result res = { 0 };
    if (results_db_open(out, &db, err, sizeof err) == 0) {
        rc = runner_execute(sc, info, o, db, &res, err, sizeof err);
        results_db_close(db);
    } else {
        res.db_failed = true;
    }
    if (rc != EXIT_OK)
        fprintf(stderr, "%smcpsim sweep: run %zu (%s) failed: %s\n", clear_line, info->index,
                info->id, err);
    fflush(NULL);
    _exit(rc != EXIT_OK && res.db_failed ? RUNNER_EXIT_DB_FAILED : rc);
}

static void describe_status(int status, char *buf, size_t len)
{
    if (WIFSIGNALED(status))
        snprintf(buf, len, "worker killed by signal %d (%s)", WTERMSIG(status),
                 strsignal(WTERMSIG(status)));
    else
        snprintf(buf, len, "worker exited with status %d", WEXITSTATUS(status));
}

static int sweep_execute(const struct scenario *sc, const char *out, const size_t *pending_runs,
                         size_t npending, size_t total, size_t already, unsigned jobs,
                         const struct runner_opts *o, bool quiet)
{
    struct worker *w = calloc(jobs, sizeof *w);
    if (!w)
        return EXIT_FAIL;
    struct sigaction sa = { .sa_handler = on_sigint }, old;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old);
    struct progress pg;
    progress_init(&pg, !quiet);
    clear_line = pg.on ? "\r\033[K" : "";
    size_t next = 0, running = 0, done = already, failed = 0, unrecorded = 0;
    int rc = EXIT_OK;
    bool forwarded = false, db_broken = false;
    while ((next < npending && !interrupted && !db_broken) || running > 0) {
        while (next < npending && running < jobs && !interrupted && !db_broken) {
            struct scenario_run info;
            if (scenario_run_info(sc, pending_runs[next], &info) < 0) {
                rc = EXIT_FAIL;
                interrupted = 1;
                break;
            }
            fflush(NULL);
            pid_t pid = fork();
            if (pid < 0) {
                fprintf(stderr, "mcpsim sweep: fork: %s\n", strerror(errno));
                rc = EXIT_FAIL;
                interrupted = 1;
                break;
            }
            if (pid == 0)
                child(sc, &info, o, out);
            for (unsigned j = 0; j < jobs; j++)
                if (w[j].pid == 0) {
                    w[j] = (struct worker){ pid, pending_runs[next] };
                    break;
                }
            running++;
            next++;
        }
        progress_sweep(&pg, done, total, failed, running);
        if (interrupted && !forwarded) {
            for (unsigned j = 0; j < jobs; j++)
                if (w[j].pid > 0)
                    kill(w[j].pid, SIGINT);
            forwarded = true;
        }
        if (running == 0)
            break;
        /* With a progress bar, poll so that the bar and its ETA keep moving during long
         * runs (20 wake-ups a second, nothing next to the runs); otherwise block. */
        int status;
        pid_t pid = waitpid(-1, &status, pg.on ? WNOHANG : 0);
        if (pid == 0) {
            struct timespec nap = { 0, 50000000 };
            nanosleep(&nap, NULL);
            continue;
        }
        if (pid < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        for (unsigned j = 0; j < jobs; j++) {
            if (w[j].pid != pid)
                continue;
            running--;
            w[j].pid = 0;
            if (WIFEXITED(status) && WEXITSTATUS(status) == RUNNER_EXIT_DB_FAILED &&
                !db_broken) {
                /* Disk full or an I/O error: every later run would fail the same way, so
                 * none is started; the running ones finish (or fail) on their own. */
                db_broken = true;
                progress_clear(&pg);
                fprintf(stderr, "mcpsim sweep: %s refused a write; no further run is "
                        "started (free space, then run the same command again to resume)\n",
                        out);
            }
            if (WIFEXITED(status) && WEXITSTATUS(status) == EXIT_OK) {
                done++;
            } else if (interrupted && WIFSIGNALED(status) && WTERMSIG(status) == SIGINT) {
                /* Interrupted, not failed: the run stays incomplete and is redone later. */
            } else {
                /* A worker that crashed cannot record its failure, and one may also die after
                 * its run was committed (while closing); the database says which. */
                char why[256], err[512];
                enum run_status st = RUN_NONE;
                struct scenario_run info;
                struct results_db *db;
                describe_status(status, why, sizeof why);
                progress_clear(&pg);
                if (scenario_run_info(sc, w[j].run, &info) == 0 &&
                    results_db_open(out, &db, err, sizeof err) == 0) {
                    if (results_run_status(db, info.id, &st) < 0)
                        st = RUN_NONE;
                    if (st != RUN_OK && st != RUN_FAILED) {
                        if (runner_record_failure(sc, &info, o, db, why, err, sizeof err) == 0)
                            st = RUN_FAILED;
                        else if (!db_broken)
                            fprintf(stderr, "mcpsim sweep: cannot record run %zu: %s\n",
                                    w[j].run, err);
                    }
                    results_db_close(db);
                }
                if (st == RUN_OK) {
                    done++;
                } else {
                    /* A failure the database could not take (it refused the failed row
                     * too) is counted apart, so the summary says what the database holds. */
                    failed++;
                    unrecorded += st != RUN_FAILED;
                    if (WIFSIGNALED(status))
                        fprintf(stderr, "mcpsim sweep: run %zu: %s\n", w[j].run, why);
                }
            }
        }
    }
    progress_clear(&pg);
    sigaction(SIGINT, &old, NULL);
    free(w);
    size_t not_started = npending - next;
    if (!quiet) {
        printf("%s: %zu runs: %zu complete (%zu already), %zu failed", scenario_name(sc),
               total, done, already, failed);
        if (unrecorded)
            printf(" (%zu of them not recorded)", unrecorded);
        if (not_started)
            printf(", %zu not started", not_started);
        printf("%s\n", interrupted ? ", interrupted: run the same command again to resume"
                        : db_broken ? ": the database refused a write" : "");
    }
    if (failed || interrupted || not_started)
        rc = EXIT_FAIL;
    return rc;
}

static int sweep_run(int argc, char **argv)
{
    const char *file = NULL, *out = NULL, *parts = ".", *program = "mcpsim";
    const char **sets = calloc((size_t)argc + 1, sizeof *sets);
    size_t nsets = 0;
    unsigned long long index = 0;
    long jobs = sysconf(_SC_NPROCESSORS_ONLN);
    bool list = false, have_index = false, quiet = false;
    int rc = EXIT_USAGE;
    struct scenario *sc = NULL;
    size_t *pending_runs = NULL;
    int claim = -1;
    if (!sets)
        return EXIT_FAIL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        char *end;
        if (strcmp(a, "--set") == 0 && v) {
            sets[nsets++] = argv[++i];
        } else if ((strcmp(a, "--jobs") == 0 || strcmp(a, "-j") == 0) && v) {
            jobs = strtol(argv[++i], &end, 10);
            if (*end || jobs < 1 || jobs > 4096) {
                rc = command_usage_error(&sweep_cmd, "--jobs \"%s\": expected 1 to 4096",
                                         argv[i]);
                goto out;
            }
        } else if (strcmp(a, "--index") == 0 && v) {
            index = strtoull(argv[++i], &end, 10);
            if (*end || argv[i][0] == '-' || !argv[i][0]) {
                rc = command_usage_error(&sweep_cmd, "--index \"%s\": expected a run index",
                                         argv[i]);
                goto out;
            }
            have_index = true;
        } else if (strcmp(a, "--out") == 0 && v) {
            out = argv[++i];
        } else if (strcmp(a, "--parts") == 0 && v) {
            parts = argv[++i];
        } else if (strcmp(a, "--program") == 0 && v) {
            program = argv[++i];
        } else if (strcmp(a, "--list") == 0) {
            list = true;
        } else if (strcmp(a, "--quiet") == 0 || strcmp(a, "-q") == 0) {
            quiet = true;
        } else if (a[0] == '-' || file) {
            rc = command_usage_error(&sweep_cmd, "unexpected argument \"%s\"%s", a,
                                     a[0] == '-' && !v ? " (missing value?)" : "");
            goto out;
        } else {
            file = a;
        }
    }
    if (!file) {
        rc = command_usage_error(&sweep_cmd, "expected a scenario FILE");
        goto out;
    }
    if (!list && !out) {
        rc = command_usage_error(&sweep_cmd, "expected --out DB (or --list)");
        goto out;
    }
    char err[1024];
    if (scenario_load(file, sets, nsets, &sc, err, sizeof err) < 0) {
        fprintf(stderr, "%s\n", err);
        goto out;
    }
    size_t total = scenario_run_count(sc);
    if (have_index && index >= total) {
        fprintf(stderr, "mcpsim sweep: --index %llu: expected 0..%zu (%s has %zu runs)\n",
                index, total - 1, file, total);
        goto out;
    }
    if (list) {
        rc = list_runs(sc, file, sets, nsets, parts, program);
        goto out;
    }
    /* Which runs are still to do; the handle is closed before any fork. The claim stays
     * for the whole sweep: the workers write under it. */
    struct results_db *db;
    if (results_db_open(out, &db, err, sizeof err) < 0 ||
        (results_claim(out, &claim, err, sizeof err) < 0 && (results_db_close(db), 1))) {
        fprintf(stderr, "mcpsim sweep: %s\n", err);
        rc = EXIT_FAIL;
        goto out;
    }
    pending_runs = malloc((total ? total : 1) * sizeof *pending_runs);
    size_t npending = 0, first = have_index ? (size_t)index : 0;
    size_t last = have_index ? (size_t)index + 1 : total;
    for (size_t k = first; pending_runs && k < last; k++) {
        struct scenario_run info;
        int d = scenario_run_info(sc, k, &info) < 0 ? RESULTS_EFAIL
                                                     : results_run_is_done(db, info.id);
        if (d < 0) {
            fprintf(stderr, "mcpsim sweep: %s: cannot query run %zu\n", out, k);
            results_db_close(db);
            rc = EXIT_FAIL;
            goto out;
        }
        if (d == 0)
            pending_runs[npending++] = k;
    }
    results_db_close(db);
    if (!pending_runs) {
        rc = EXIT_FAIL;
        goto out;
    }
    struct runner_opts o = { .sets = sets, .nsets = nsets, .progress = false,
                             .replace = false };
    rc = sweep_execute(sc, out, pending_runs, npending, last - first, (last - first) - npending,
                       (unsigned)jobs, &o, quiet);
out:
    results_claim_release(claim);
    free(pending_runs);
    scenario_free(sc);
    free(sets);
    return rc;
}
