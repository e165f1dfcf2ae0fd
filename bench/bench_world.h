/* bench_world.h - a scenario built into a world for a benchmark, without a results database.
 *
 * What the whole-run benchmarks (bench_net.c, bench_tcp_net.c, bench_scenario.c) repeat:
 * load a scenario (a file, or text written to a temporary file), plan run 0, build it with
 * seed 1 for a given duration, and free all three afterwards. Errors are printed as
 * "bench LABEL: message" on stderr: a benchmark reports figures, it has no status to return.
 */
#ifndef MCPSIM_BENCH_BENCH_WORLD_H
#define MCPSIM_BENCH_BENCH_WORLD_H

#include <stddef.h>

#include "sim/scenario.h"
#include "sim/units.h"
#include "sim/world.h"

struct bench_world {
    struct scenario *sc;
    struct scenario_plan plan;
    struct world *w; /* what the benchmark runs */
};

/* Loads the scenario file path with nsets overrides (sets as `mcpsim run --set`) and builds
 * it; 0, or -1 (message printed, nothing to free). */
int bench_world_file(struct bench_world *bw, const char *label, const char *path,
                     const char *const *sets, size_t nsets, sim_time_t duration);
/* The same from scenario text (YAML), written to a file under $TMPDIR (or /tmp) that is
 * removed once loaded. */
int bench_world_text(struct bench_world *bw, const char *label, const char *text,
                     sim_time_t duration);
void bench_world_free(struct bench_world *bw);

#endif
