/* tcp_app_testutil.c - see tcp_app_testutil.h. */
#include "tests/tcp_app_testutil.h"

#include <stdio.h>
#include <string.h>

#include "sim/scenario.h"
#include "sim/world.h"
#include "tests/harness.h"

const char *ta_write(const char *name, const char *text)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", harness_tmpdir(), name);
    FILE *f = fopen(path, "w");
    if (!f)
        return NULL;
    fputs(text, f);
    fclose(f);
    return path;
}

static struct results_db *run(const char *path, const char *const *sets, size_t nsets,
                               uint64_t seed, sim_time_t duration, const char *vectors,
                               const char *db_path, const char *pcap_dir, char *err,
                               size_t errlen)
{
    struct scenario *sc;
    struct scenario_plan plan;
    struct world *w = NULL;
    struct results_db *db;
    struct results_run *rr;
    if (scenario_load(path, sets, nsets, &sc, err, errlen) < 0)
        return NULL;
    if (results_db_open(db_path ? db_path : ":memory:", &db, err, errlen) < 0) {
        scenario_free(sc);
        return NULL;
    }
    struct run_meta meta = { .run_id = "t", .scenario_name = "t", .scenario_hash = "x" };
    if (results_run_begin(db, &meta, &rr, err, errlen) < 0) {
        scenario_free(sc);
        results_db_close(db);
        return NULL;
    }
    struct world_config wc = { .seed = seed, .duration = duration, .results = rr,
                               .pcap_dir = pcap_dir };
    int rc = results_enable(rr, "vector:*", false, err, errlen);
    if (rc == 0 && vectors)
        rc = results_enable(rr, vectors, true, err, errlen);
    if (rc == 0)
        rc = scenario_plan(sc, 0, &plan, err, errlen);
    if (rc == 0) {
        rc = world_build(&plan, &wc, &w, err, errlen);
        scenario_plan_free(&plan);
    }
    scenario_free(sc);
    if (rc == 0)
        world_run(w, NULL, NULL);
    struct run_end end = { .status = rc == 0 ? RUN_OK : RUN_FAILED, .sim_end = duration,
                           .error = rc == 0 ? NULL : "the scenario was refused" };
    char e2[256];
    results_run_end(rr, &end, e2, sizeof e2);
    world_free(w);
    if (rc != 0) {
        results_db_close(db);
        return NULL;
    }
    return db;
}

struct results_db *ta_run(const char *path, sim_time_t duration, const char *vectors,
                          const char *db_path, char *err, size_t errlen)
{
    return run(path, NULL, 0, 1, duration, vectors, db_path, NULL, err, errlen);
}

struct results_db *ta_run_pcap(const char *path, sim_time_t duration, const char *pcap_dir,
                               char *err, size_t errlen)
{
    return run(path, NULL, 0, 1, duration, NULL, NULL, pcap_dir, err, errlen);
}

struct results_db *ta_run_sets(const char *path, const char *const *sets, size_t nsets,
                               uint64_t seed, sim_time_t duration, const char *vectors,
                               const char *db_path, char *err, size_t errlen)
{
    return run(path, sets, nsets, seed, duration, vectors, db_path, NULL, err, errlen);
}

struct pick {
    const char *module, *name;
    double value;
    int found;
};

static int pick_scalar(void *ctx, const char *module, const char *name, const char *unit,
                       double value)
{
    struct pick *p = ctx;
    (void)unit;
    if (strcmp(module, p->module) == 0 && strcmp(name, p->name) == 0) {
        p->value = value;
        p->found++;
    }
    return 0;
}

double ta_scalar(struct results_db *db, const char *module, const char *name)
{
    struct pick p = { module, name, 0, 0 };
    results_db_foreach_scalar(db, "t", pick_scalar, &p);
    CU_ASSERT_EQUAL(p.found, 1);
    if (p.found != 1)
        fprintf(stderr, "scalar %s.%s recorded %d times\n", module, name, p.found);
    return p.value;
}
