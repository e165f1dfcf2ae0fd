/* bench_world.c - a scenario built into a world for a benchmark (see bench_world.h). */
#include "bench/bench_world.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int bench_world_file(struct bench_world *bw, const char *label, const char *path,
                     const char *const *sets, size_t nsets, sim_time_t duration)
{
    char err[1024];
    if (scenario_load(path, sets, nsets, &bw->sc, err, sizeof err) < 0) {
        fprintf(stderr, "bench %s: %s\n", label, err);
        return -1;
    }
    if (scenario_plan(bw->sc, 0, &bw->plan, err, sizeof err) < 0) {
        fprintf(stderr, "bench %s: %s\n", label, err);
        scenario_free(bw->sc);
        return -1;
    }
    struct world_config wc = { .seed = 1, .duration = duration };
    if (world_build(&bw->plan, &wc, &bw->w, err, sizeof err) < 0) {
        fprintf(stderr, "bench %s: %s\n", label, err);
        scenario_plan_free(&bw->plan);
        scenario_free(bw->sc);
        return -1;
    }
    return 0;
}

int bench_world_text(struct bench_world *bw, const char *label, const char *text,
                     sim_time_t duration)
{
    char path[512];
    const char *tmp = getenv("TMPDIR");
    snprintf(path, sizeof path, "%s/mcpsim-bench-XXXXXX.yaml", tmp && *tmp ? tmp : "/tmp");
    int fd = mkstemps(path, 5);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    bool ok = f && fputs(text, f) >= 0;
    if (f ? fclose(f) != 0 : fd >= 0 && close(fd) != 0)
        ok = false;
    if (!ok) {
        fprintf(stderr, "bench %s: cannot write a temporary scenario\n", label);
        if (fd >= 0)
            unlink(path);
        return -1;
    }
    int rc = bench_world_file(bw, label, path, NULL, 0, duration);
    unlink(path);
    return rc;
}

void bench_world_free(struct bench_world *bw)
{
    world_free(bw->w);
    scenario_plan_free(&bw->plan);
    scenario_free(bw->sc);
}
