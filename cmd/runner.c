/* runner.c - one run: plan, results row, world, end (see runner.h). */
#include "cmd/runner.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/command.h"
#include "cmd/progress.h"
#include "sim/world.h"

static void on_progress(void *ctx, sim_time_t now, sim_time_t end, uint64_t events)
{
    progress_run(ctx, now, end, events);
}

/* The point's sweep values, then the scalar --set values not already an axis. */
static struct results_param *run_params(const struct scenario *sc, const struct scenario_run *r,
                                        const struct runner_opts *o, char **store, size_t *n)
{
    size_t na = scenario_axis_count(sc);
    struct results_param *p = calloc(na + o->nsets + 1, sizeof *p);
    *store = calloc(o->nsets + 1, PARAM_STRING_MAX);
    if (!p || !*store) {
        free(p);
        free(*store);
        return NULL;
    }
    *n = 0;
    for (size_t a = 0; a < na; a++)
        p[(*n)++] = (struct results_param){ scenario_axis_name(sc, a),
                                            scenario_point_axis_value(sc, r->point, a) };
    for (size_t i = 0; i < o->nsets; i++) {
        const char *eq = strchr(o->sets[i], '=');
        char *name = *store + i * PARAM_STRING_MAX;
        if (!eq || eq[1] == '[')
            continue;
        snprintf(name, PARAM_STRING_MAX, "%.*s", (int)(eq - o->sets[i]), o->sets[i]);
        bool dup = false;
        for (size_t k = 0; k < *n; k++)
            dup |= strcmp(p[k].name, name) == 0;
        if (!dup)
            p[(*n)++] = (struct results_param){ name, eq + 1 };
    }
    return p;
}

static int apply_record(const struct scenario *sc, struct results_run *rr, char *err,
                        size_t errlen)
{
    const struct scenario_record *rec = scenario_record(sc);
    for (size_t i = 0; i < rec->n; i++) {
        const struct scenario_record_rule *rule = &rec->rules[i];
        int rc = rule->interval > 0
                     ? results_sample_every(rr, rule->pattern, rule->interval, err, errlen)
                     : results_enable(rr, rule->pattern, rule->on, err, errlen);
        if (rc < 0)
            return -1;
    }
    return 0;
}

static int begin(const struct scenario *sc, const struct scenario_run *run,
                 const struct runner_opts *o, bool replace, struct results_db *db,
                 struct results_run **rr, char *err, size_t errlen)
{
    char *store = NULL;
    size_t np = 0;
    struct results_param *params = run_params(sc, run, o, &store, &np);
    if (!params) {
        snprintf(err, errlen, "out of memory");
        return RESULTS_EFAIL;
    }
    struct run_meta meta = {
        .run_id = run->id, .scenario_name = scenario_name(sc),
        .scenario_hash = scenario_hash(sc), .params = params, .nparams = np,
        .seed = run->seed, .repetition = run->rep, .run_index = (uint32_t)run->index,
        .replace = replace,
    };
    int rc = results_run_begin(db, &meta, rr, err, errlen);
    free(params);
    free(store);
    return rc;
}

int runner_record_failure(const struct scenario *sc, const struct scenario_run *run,
                          const struct runner_opts *o, struct results_db *db, const char *why,
                          char *err, size_t errlen)
{
    struct results_run *rr;
    if (begin(sc, run, o, false, db, &rr, err, errlen) < 0)
        return -1;
    struct run_end end = { .status = RUN_FAILED, .error = why };
    return results_run_end(rr, &end, err, errlen) < 0 ? -1 : 0;
}

int runner_execute(const struct scenario *sc, const struct scenario_run *run,
                   const struct runner_opts *o, struct results_db *db,
                   struct runner_result *res, char *err, size_t errlen)
{
    memset(res, 0, sizeof *res);
    struct results_run *rr = NULL;
    int rc = begin(sc, run, o, o->replace, db, &rr, err, errlen);
    if (rc == RESULTS_EEXIST) {
        res->skipped = true;
        return EXIT_OK;
    }
    if (rc < 0) {
        res->db_failed = true;
        return EXIT_FAIL;
    }

    struct scenario_plan plan = { 0 };
    struct world *w = NULL;
    int status = EXIT_OK;
    if (apply_record(sc, rr, err, errlen) < 0) {
        status = EXIT_USAGE;
    } else if (scenario_plan(sc, run->index % scenario_point_count(sc), &plan, err,
                             errlen) < 0) {
        status = EXIT_FAIL;
    } else {
        struct world_config wc = { .seed = run->seed, .run = run->rep,
                                   .duration = run->duration, .results = rr,
                                   .pcap_dir = o->pcap_dir };
        if (world_build(&plan, &wc, &w, err, errlen) < 0)
            status = EXIT_USAGE;
    }
    scenario_plan_free(&plan);
    struct run_end end = { .status = RUN_OK };
    if (status == EXIT_OK) {
        struct progress pg;
        progress_init(&pg, o->progress);
        double t0 = progress_wall();
        end.events = world_run(w, on_progress, &pg);
        res->wall_s = progress_wall() - t0;
        progress_clear(&pg);
        end.sim_end = sched_now(world_ctx(w)->sched);
        res->events = end.events;
        res->sim_end = end.sim_end;
    } else {
        end.status = RUN_FAILED;
        end.error = err;
    }
    /* The world (and so every model's recording handle) lives until the run is ended. */
    char eerr[512];
    int erc = results_run_end(rr, &end, eerr, sizeof eerr);
    world_free(w);
    res->db_failed = erc == RESULTS_EWRITE;
    if (erc < 0 && status == EXIT_OK) {
        snprintf(err, errlen, "%s", eerr);
        status = EXIT_FAIL;
    }
    return status;
}
