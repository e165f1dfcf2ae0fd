/* harness.c - the benchmark runner (see harness.h). */
#include "bench/harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_BENCH 64

static struct { const char *name; bench_fn fn; } benches[MAX_BENCH];
static int nbench;

void bench_add(const char *name, bench_fn fn)
{
    if (nbench == MAX_BENCH) {
        fprintf(stderr, "bench: too many benchmarks\n");
        exit(2);
    }
    benches[nbench].name = name;
    benches[nbench++].fn = fn;
}

double bench_wall(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

double bench_cpu(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void bench_report(const char *label, double value, const char *unit)
{
    printf("  %-52s %14.3f %s\n", label, value, unit);
    fflush(stdout);
}

static int cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int main(int argc, char **argv)
{
    qsort(benches, (size_t)nbench, sizeof benches[0], cmp);
    for (int i = 0; i < nbench; i++) {
        int run = argc < 2;
        for (int j = 1; j < argc; j++)
            if (strncmp(benches[i].name, argv[j], strlen(argv[j])) == 0)
                run = 1;
        if (!run)
            continue;
        printf("%s\n", benches[i].name);
        fflush(stdout);
        benches[i].fn();
    }
    return 0;
}
