/* progress.c - terminal progress lines (see progress.h). */
#include "cmd/progress.h"

#include <stdio.h>
#include <time.h>
#include <unistd.h>

#define REFRESH_S 0.2

double progress_wall(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void progress_init(struct progress *pg, bool allowed)
{
    pg->on = allowed && isatty(STDERR_FILENO);
    pg->t0 = progress_wall();
    pg->last = 0;
    pg->drawn = false;
}

static void eta(char *buf, size_t len, double seconds)
{
    if (seconds < 0 || seconds > 1e7)
        snprintf(buf, len, "?");
    else if (seconds < 60)
        snprintf(buf, len, "%.0fs", seconds);
    else if (seconds < 3600)
        snprintf(buf, len, "%dm%02ds", (int)seconds / 60, (int)seconds % 60);
    else
        snprintf(buf, len, "%dh%02dm", (int)seconds / 3600, (int)seconds / 60 % 60);
}

static bool due(struct progress *pg, double *now)
{
    if (!pg->on)
        return false;
    *now = progress_wall();
    if (*now - pg->last < REFRESH_S)
        return false;
    pg->last = *now;
    return true;
}

void progress_run(struct progress *pg, sim_time_t now, sim_time_t end, uint64_t events)
{
    double w;
    if (!due(pg, &w))
        return;
    double frac = end > 0 ? (double)now / (double)end : 1.0, elapsed = w - pg->t0;
    char t[32], e[32], te[32];
    time_format(now, t, sizeof t);
    time_format(end, te, sizeof te);
    eta(e, sizeof e, frac > 0 ? elapsed * (1 - frac) / frac : -1);
    fprintf(stderr, "\r\033[K  sim %s / %s  %5.1f%%  %.3g Mev/s  ETA %s", t, te, 100 * frac,
            elapsed > 0 ? (double)events / elapsed / 1e6 : 0.0, e);
    fflush(stderr);
    pg->drawn = true;
}

void progress_sweep(struct progress *pg, size_t done, size_t total, size_t failed,
                    size_t running)
{
    double w;
    if (!due(pg, &w))
        return;
    const int width = 30;
    int fill = total ? (int)((double)width * (double)done / (double)total) : width;
    char bar[64], e[32];
    for (int i = 0; i < width; i++)
        bar[i] = i < fill ? '#' : '.';
    bar[width] = '\0';
    double elapsed = w - pg->t0;
    eta(e, sizeof e, done ? elapsed * (double)(total - done) / (double)done : -1);
    fprintf(stderr, "\r\033[K  [%s] %zu/%zu runs  %zu failed  %zu running  ETA %s", bar, done,
            total, failed, running, e);
    fflush(stderr);
    pg->drawn = true;
}

void progress_clear(struct progress *pg)
{
    if (pg->on && pg->drawn) {
        fprintf(stderr, "\r\033[K");
        fflush(stderr);
    }
    pg->drawn = false;
}
