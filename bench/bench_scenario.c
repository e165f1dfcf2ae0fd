/* bench_scenario.c - cost of a whole run (scenario models, no recording) and of loading.
 *
 * "run demo-like": a Poisson source loading a 10 Mbit/s bottleneck to 95% over a two-hop
 * path for 200 s of simulated time (about 170000 packets, 3 events per packet per hop),
 * built from scenarios/demo.yaml with overrides and run without a results database, so the
 * figures are the engine and the network models alone: events per wall second and simulated
 * packets per wall second. "load+validate" is scenario_load of the demo (parse, schema,
 * hashing) per call.
 */
#include <stdio.h>

#include "bench/bench_world.h"
#include "bench/harness.h"
#include "sim/scenario.h"
#include "sim/world.h"

BENCH(scenario_run)
{
    const char *sets[] = { "duration=200s", "apps.voice.stop=1ms" };
    struct bench_world bw;
    if (bench_world_file(&bw, "scenario_run", "scenarios/demo.yaml", sets, 2,
                         time_from_s(200)) < 0)
        return;
    struct world *w = bw.w;
    double t0 = bench_wall();
    uint64_t events = world_run(w, NULL, NULL);
    double dt = bench_wall() - t0;
    struct pkt_pool_stats ps;
    pkt_pool_get_stats(world_ctx(w)->pool, &ps);
    bench_report("run demo-like 200 s: events/s", (double)events / dt, "ev/s");
    bench_report("run demo-like 200 s: packets/s", (double)ps.allocs / dt, "pkt/s");
    bench_report("run demo-like 200 s: ns/event", dt * 1e9 / (double)events, "ns");
    bench_report("run demo-like 200 s: pool mallocs", (double)ps.mallocs, "calls");
    bench_world_free(&bw);
}

BENCH(scenario_load)
{
    char err[1024];
    const int n = 200;
    double t0 = bench_wall();
    for (int i = 0; i < n; i++) {
        struct scenario *sc;
        if (scenario_load("scenarios/demo.yaml", NULL, 0, &sc, err, sizeof err) < 0) {
            fprintf(stderr, "bench scenario_load: %s\n", err);
            return;
        }
        scenario_free(sc);
    }
    bench_report("load+validate demo.yaml", (bench_wall() - t0) * 1e6 / n, "us");
}
