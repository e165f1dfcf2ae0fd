/* bench_scenario.c - cost of a whole run (scenario models, no recording) and of loading.
 *
 * "run demo-like": a Poisson source loading a 10 Mbit/s bottleneck to 95% over a two-hop
 * path for 200 s of simulated time (about 170000 packets, 3 events per packet per hop),
 * built from scenarios/demo.yaml with overrides and run without a results database, so the
 * figures are the engine and the network models alone: events per wall second and simulated
 * packets per wall second. "load+validate" is scenario_load of the demo (parse, schema,
 * hashing) per call. "load+validate lists" loads 1000 counted nodes with a 16-route list
 * each ({i} in every item): the cost of list parameters at load time, per item.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

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

BENCH(scenario_load_lists)
{
    enum { NODES = 1000, ROUTES = 16, LOADS = 5 };
    char path[512], err[1024];
    const char *tmp = getenv("TMPDIR");
    snprintf(path, sizeof path, "%s/mcpsim-bench-lists-%d.yaml", tmp && *tmp ? tmp : "/tmp",
             (int)getpid());
    FILE *f = fopen(path, "w");
    if (!f) {
        perror(path);
        return;
    }
    fprintf(f, "name: lists\nduration: 1s\nnodes:\n  - name: r\n  - name: phone\n"
               "    count: %d\n    routes:\n", NODES);
    for (int k = 0; k < ROUTES; k++)
        fprintf(f, "      - 10.%d.{i%%256}.0/24 from 100.64.%d.0/24 via r\n", k, k);
    fclose(f);
    double t0 = bench_wall();
    for (int i = 0; i < LOADS; i++) {
        struct scenario *sc;
        if (scenario_load(path, NULL, 0, &sc, err, sizeof err) < 0) {
            fprintf(stderr, "bench scenario_load_lists: %s\n", err);
            break;
        }
        scenario_free(sc);
    }
    double dt = (bench_wall() - t0) / LOADS;
    remove(path);
    bench_report("load+validate lists (1000 nodes x 16 routes)", dt * 1e3, "ms");
    bench_report("load+validate lists: per route item", dt * 1e9 / (NODES * ROUTES), "ns");
}
