/* plot_script.c - gnuplot data and script for `mcpsim plot`; see plot_script.h.
 *
 * A numeric x parameter ("10Mbps", "5ms") is placed at its value, scaled to the prefix that
 * suits the largest one; a textual one (a design name, "lsrr", "srh") becomes evenly spaced
 * categories in text order with their names as tick labels. Groups with one run have no
 * interval: their error bar is drawn with zero height rather than dropping the point.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/plot_script.h"

/* Writes s as a single-quoted gnuplot string (no escapes inside; a quote is doubled). */
static void gp_quote(FILE *f, const char *s)
{
    fputc('\'', f);
    for (; *s; s++) {
        if (*s == '\'')
            fputc('\'', f);
        fputc(*s, f);
    }
    fputc('\'', f);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Distinct x values of a categorical axis, sorted; returns the count. */
static size_t categories(const struct stats_table *t, size_t xi, const char **cats)
{
    size_t n = 0;
    for (size_t g = 0; g < t->ngroups; g++) {
        const char *v = t->groups[g].values[xi] ? t->groups[g].values[xi] : "-";
        size_t i = 0;
        while (i < n && strcmp(cats[i], v) != 0)
            i++;
        if (i == n)
            cats[n++] = v;
    }
    qsort(cats, n, sizeof *cats, cmp_str);
    return n;
}

static double x_position(const struct stats_table *t, size_t g, size_t xi, const char **cats,
                         size_t ncats, double xfactor)
{
    if (!cats)
        return t->groups[g].nums[xi] * xfactor;
    const char *v = t->groups[g].values[xi] ? t->groups[g].values[xi] : "-";
    for (size_t i = 0; i < ncats; i++)
        if (strcmp(cats[i], v) == 0)
            return (double)i;
    return 0;
}

static bool same_series(const struct stats_table *t, size_t a, size_t b)
{
    const char *va = t->groups[a].values[0], *vb = t->groups[b].values[0];
    return (va == NULL) == (vb == NULL) && (!va || strcmp(va, vb) == 0);
}

static void axis_label(char *buf, size_t len, const char *name, const char *unit)
{
    if (unit && unit[0] && strcmp(unit, "?") != 0)
        snprintf(buf, len, "%s (%s)", name, unit);
    else
        snprintf(buf, len, "%s", name);
}

int plot_write(const struct stats_table *t, const struct plot_spec *spec, FILE *data,
               FILE *script, char *err, size_t errlen)
{
    size_t xi = t->nby - 1;
    bool numeric = t->by_unit[xi] != NULL;
    const char **cats = NULL;
    size_t ncats = 0;
    double xmax = 0, ymax = 0, xf, yf;
    char xunit[32], yunit[32], label[300];
    if (!numeric) {
        if (!(cats = malloc(t->ngroups * sizeof *cats))) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
        ncats = categories(t, xi, cats);
    }
    for (size_t g = 0; g < t->ngroups; g++) {
        const struct stats_group *gr = &t->groups[g];
        if (numeric && fabs(gr->nums[xi]) > xmax)
            xmax = fabs(gr->nums[xi]);
        double y = fabs(gr->mean) + (isnan(gr->ci) ? 0 : gr->ci);
        if (y > ymax)
            ymax = y;
    }
    results_unit_scale(numeric ? t->by_unit[xi] : NULL, xmax, &xf, xunit, sizeof xunit);
    results_unit_scale(t->unit, ymax, &yf, yunit, sizeof yunit);

    fprintf(data, "# mcpsim plot data from %s\n# y = %s, mean over runs, with the %g%% "
            "confidence interval half-width (Student t)\n# columns: %s", spec->source,
            t->metric, t->level * 100, t->by[xi]);
    if (numeric)
        fprintf(data, " (%s)", xunit);
    else
        fputs(" (category index)", data);
    fprintf(data, ", mean (%s), ci half-width (%s), runs\n", yunit, yunit);
    size_t nseries = 0;
    for (size_t g = 0; g < t->ngroups; g++) {
        const struct stats_group *gr = &t->groups[g];
        if (g == 0 || (spec->by && !same_series(t, g, g - 1))) {
            if (g)
                fputs("\n\n", data); /* two blank lines: a new gnuplot index */
            fprintf(data, "# series %zu: %s=%s\n", nseries++, spec->by ? t->by[0] : "all",
                    spec->by && gr->values[0] ? gr->values[0] : "-");
        }
        fprintf(data, "%.10g %.10g %.10g %zu  # %s\n", x_position(t, g, xi, cats, ncats, xf),
                gr->mean * yf, isnan(gr->ci) ? 0 : gr->ci * yf, gr->n,
                gr->values[xi] ? gr->values[xi] : "-");
    }

    fprintf(script, "# gnuplot script written by mcpsim plot from %s.\n# Edit it and run "
            "`gnuplot %s` in this directory to redraw %s.\n",
            spec->source, spec->script, spec->output);
    fprintf(script, "set terminal %s\nset output ", spec->terminal);
    gp_quote(script, spec->output);
    /* The y label is in the title too: the dumb terminal does not draw a y label. */
    axis_label(label, sizeof label, t->metric, yunit);
    if (spec->title)
        snprintf(label, sizeof label, "%s", spec->title);
    else
        snprintf(label + strlen(label), sizeof label - strlen(label),
                 ": mean and %g%% confidence interval", t->level * 100);
    fputs("\nset title ", script);
    gp_quote(script, label);
    axis_label(label, sizeof label, t->by[xi], xunit);
    fputs("\nset xlabel ", script);
    gp_quote(script, label);
    axis_label(label, sizeof label, t->metric, yunit);
    fputs("\nset ylabel ", script);
    gp_quote(script, label);
    /* The key names the --by parameter once, in its title, and each line by its value. A
     * text plot has no room inside the frame (the key would hide points) nor below it (the
     * key would overwrite the x label): its key goes to the right, titled with the last
     * component of the name to keep the frame wide. */
    if (!spec->by)
        fputs("\nset grid\nset key off", script); /* one line: the title names it */
    else
        fprintf(script, "\nset grid\nset key %s",
                spec->text ? "outside right top" : "outside top center horizontal");
    if (spec->by) {
        const char *dot = strrchr(t->by[0], '.');
        fputs(" title ", script);
        gp_quote(script, spec->text && dot && dot[1] ? dot + 1 : t->by[0]);
    }
    fputs("\nset pointsize 1\n"
          "# room left and right of the outermost points so their error bars show\n"
          "set offsets graph 0.05, graph 0.05, 0, 0\n", script);
    if (spec->logx && numeric)
        fputs("set logscale x\n", script);
    if (spec->logy)
        fputs("set logscale y\n", script);
    if (!numeric) {
        fprintf(script, "set xrange [-0.5:%zu.5]\nset xtics (", ncats - 1);
        for (size_t i = 0; i < ncats; i++) {
            fputs(i ? ", " : "", script);
            gp_quote(script, cats[i]);
            fprintf(script, " %zu", i);
        }
        fputs(")\n", script);
    }
    fputs("plot ", script);
    size_t s = 0;
    for (size_t g = 0; g < t->ngroups; g++) {
        if (g > 0 && !(spec->by && !same_series(t, g, g - 1)))
            continue;
        if (s)
            fputs(", \\\n     ''", script);
        else
            gp_quote(script, spec->data);
        fprintf(script, " index %zu using 1:2:3 with yerrorlines pointtype 7 title ", s++);
        if (spec->by) {
            gp_quote(script, t->groups[g].values[0] ? t->groups[g].values[0] : "-");
        } else {
            gp_quote(script, t->metric);
        }
    }
    fputc('\n', script);
    free(cats);
    if (ferror(data) || ferror(script)) {
        snprintf(err, errlen, "writing the data or the script failed");
        return -1;
    }
    return 0;
}
