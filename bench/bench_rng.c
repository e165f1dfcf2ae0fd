/* bench_rng.c - cost of a draw from a stream (uniform, exponential, normal, Poisson) and of
 * creating a stream (SHA-256 derivation + MT19937 state fill), which a scenario with
 * thousands of nodes pays once per model instance. */
#include <stdio.h>

#include "bench/harness.h"
#include "sim/rng.h"

#define DRAWS 20000000
#define STREAMS 100000

BENCH(rng_draws)
{
    struct rng *r = rng_new(1, 0, "bench/draws");
    double sink = 0, t0;

    t0 = bench_wall();
    for (int i = 0; i < DRAWS; i++)
        sink += rng_uniform(r);
    bench_report("rng_uniform", (bench_wall() - t0) * 1e9 / DRAWS, "ns/draw");
    t0 = bench_wall();
    for (int i = 0; i < DRAWS; i++)
        sink += rng_exponential(r, 1.0);
    bench_report("rng_exponential", (bench_wall() - t0) * 1e9 / DRAWS, "ns/draw");
    t0 = bench_wall();
    for (int i = 0; i < DRAWS; i++)
        sink += rng_normal(r, 0, 1);
    bench_report("rng_normal", (bench_wall() - t0) * 1e9 / DRAWS, "ns/draw");
    t0 = bench_wall();
    for (int i = 0; i < DRAWS; i++)
        sink += rng_poisson(r, 4);
    bench_report("rng_poisson (mean 4)", (bench_wall() - t0) * 1e9 / DRAWS, "ns/draw");
    if (sink < 0)
        printf("\n");
    rng_free(r);
}

BENCH(rng_streams)
{
    char name[64];
    double t0 = bench_wall();
    for (int i = 0; i < STREAMS; i++) {
        snprintf(name, sizeof name, "node/phone%d/arrivals", i);
        rng_free(rng_new(1, 0, name));
    }
    bench_report("rng_new + rng_free", (bench_wall() - t0) * 1e9 / STREAMS, "ns/stream");
}
