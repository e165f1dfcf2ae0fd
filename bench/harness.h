/* harness.h - benchmarks behind `make bench`: figures to read, never pass/fail.
 *
 * Each bench/bench_MODULE.c registers its benchmarks with
 *     BENCH(sched_hold) { ... bench_report("sched hold 10^4", ns, "ns/op"); }
 * build/run-bench runs all in name order, or those whose name starts with an argument.
 */
#ifndef MCPSIM_BENCH_HARNESS_H
#define MCPSIM_BENCH_HARNESS_H

#include <stdint.h>

typedef void (*bench_fn)(void);
void bench_add(const char *name, bench_fn fn);

/* Monotonic wall clock and process CPU time in seconds. */
double bench_wall(void);
double bench_cpu(void);

/* Prints one aligned result line: "  label ........ value unit". */
void bench_report(const char *label, double value, const char *unit);

#define BENCH(name)                                                        \
    static void bench_##name(void);                                        \
    __attribute__((constructor)) static void bench_register_##name(void)   \
    {                                                                      \
        bench_add(#name, bench_##name);                                    \
    }                                                                      \
    static void bench_##name(void)

#endif
