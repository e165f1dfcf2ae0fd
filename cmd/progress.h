/* progress.h - progress lines on a terminal for `run` and `sweep`.
 *
 * A line on stderr, rewritten in place ("\r" + erase) at most five times a second, only when
 * stderr is a terminal (isatty): piped or logged output stays clean. It shows what the user
 * of a long job wants (ns-3's silence in long runs is a recurring complaint): simulated time,
 * percent, events per wall second and an ETA for a run; done/total, failures and ETA for a
 * sweep.
 */
#ifndef MCPSIM_CMD_PROGRESS_H
#define MCPSIM_CMD_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/units.h"

struct progress {
    bool on;          /* false: every call is a no-op */
    double t0;        /* wall clock at start, seconds */
    double last;      /* wall clock of the last refresh */
    bool drawn;       /* a line is on screen */
};

double progress_wall(void); /* monotonic wall clock, seconds */

/* on = isatty(stderr) unless forced off. */
void progress_init(struct progress *pg, bool allowed);

void progress_run(struct progress *pg, sim_time_t now, sim_time_t end, uint64_t events);
void progress_sweep(struct progress *pg, size_t done, size_t total, size_t failed,
                    size_t running);
/* Erases the line (before printing results). */
void progress_clear(struct progress *pg);

#endif
