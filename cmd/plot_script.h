/* plot_script.h - turns a stats table into a gnuplot data file and script.
 *
 * The data file (STEM.dat) holds one block per series (gnuplot `index`), each row x, mean,
 * confidence half-width, n; the script (STEM.gp) draws them as error-bar lines with axis
 * labels that carry the units, scaled to a readable prefix (Mbps, ms). Both are written next
 * to the figure and refer to each other by name only, so a user can edit the script and run
 * `gnuplot STEM.gp` in that directory to redraw the figure.
 */
#ifndef MCPSIM_CMD_PLOT_SCRIPT_H
#define MCPSIM_CMD_PLOT_SCRIPT_H

#include <stdbool.h>
#include <stdio.h>

#include "sim/results_stats.h"

struct plot_spec {
    const char *terminal; /* gnuplot terminal line, e.g. "pngcairo size 800,500" */
    const char *output;   /* figure file name, relative to the script's directory */
    const char *data;     /* data file name, relative to the script's directory */
    const char *script;   /* the script's own name, for its comment */
    const char *title;    /* NULL: made from the metric and the parameter */
    const char *source;   /* the database, named in comments */
    bool by;              /* the table's first parameter names the series */
    bool logx, logy;
    bool text;            /* a character-cell terminal (dumb): key below the frame */
};

/* Writes the data and the script for table t, whose last grouping parameter is the x axis
 * (and whose first one names the series when spec->by). 0, or -1 with a message. */
int plot_write(const struct stats_table *t, const struct plot_spec *spec, FILE *data,
               FILE *script, char *err, size_t errlen);

#endif
