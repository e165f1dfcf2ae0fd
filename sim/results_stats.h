/* results_stats.h - statistics across repetitions, read from a results database.
 *
 * A metric is a scalar named "MODULE.NAME" (the module may contain dots, the name does not);
 * glob characters (* ? [) select several modules, e.g. "phone*.goodput". For every completed
 * run the matching scalars are reduced to one value per run (mean by default, or sum, min,
 * max), then runs are grouped by the values of the chosen parameters and each group gets its
 * count, mean, sample standard deviation (n - 1) and the half-width of the two-sided
 * confidence interval of the mean, t(1 - (1 - level) / 2, n - 1) * sd / sqrt(n), with the
 * Student t quantile from GSL (gsl_cdf_tdist_Pinv). This is the classic independent-
 * replications estimate: each repetition has its own random streams, so runs are independent.
 *
 * Conditions ("--where") are "PARAM OP VALUE" with OP one of = != < <= > >=. A VALUE with a
 * unit ("20Mbps", "10ms") or a plain number compares numerically against parameters of the
 * same base unit; anything else compares as text.
 *
 * `mcpsim stats` prints the table; `mcpsim plot` draws it.
 */
#ifndef MCPSIM_SIM_RESULTS_STATS_H
#define MCPSIM_SIM_RESULTS_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "sim/results.h"

enum stats_agg { STATS_AGG_MEAN, STATS_AGG_SUM, STATS_AGG_MIN, STATS_AGG_MAX };

struct stats_query {
    const char *metric;
    const char *const *by;    /* group by these parameters, in this order */
    size_t nby;
    const char *const *where; /* conditions, all must hold; each may list several with ',' */
    size_t nwhere;
    enum stats_agg agg;       /* per-run reduction when several scalars match in one run */
    double level;             /* confidence level in (0, 1); 0 means 0.95 */
};

struct stats_group {
    char **values;  /* nby parameter values as text; NULL where a run lacks the parameter */
    double *nums;   /* the same in base units; NAN when not numeric */
    size_t n;       /* runs in the group */
    double mean, sd, ci, min, max; /* sd and ci are NAN when n < 2 */
};

struct stats_table {
    char *metric;
    char *unit;              /* the metric's unit ("" none, "?" when matching scalars differ) */
    size_t nby;
    char **by;
    char **by_unit;          /* base unit of each parameter; NULL when not numeric */
    double level;
    size_t ngroups;
    struct stats_group *groups;     /* sorted by parameter values, numerically when numeric */
    size_t max_scalars_per_run;     /* > 1: the per-run reduction was used */
};

/* Computes the table. RESULTS_EQUERY with a message that lists the valid names for an
 * unknown metric or parameter, or explains a malformed condition; RESULTS_EFAIL on a
 * database error. A query that matches no completed run is an RESULTS_EQUERY too. */
int results_stats(struct results_db *db, const struct stats_query *q, struct stats_table **out,
                  char *err, size_t errlen);
void results_stats_free(struct stats_table *t);

/* Prints what db holds: runs by status (and why a few failed), parameters with their values,
 * and the metrics, vectors and histograms of completed runs, numbered modules folded into
 * one pattern ("phone*.goodput  1000 modules"). 0 or RESULTS_EFAIL. */
int results_describe(struct results_db *db, FILE *out);

/* Parses a value with a sim/units.h unit ("50Mbps" -> 5e7 "bps", "10ms" -> 0.01 "s",
 * "1500B" -> 1500 "B") or a plain number (unit ""); -1 when it is neither. */
int results_quantity_parse(const char *text, double *num, const char **unit);

/* Picks a decimal prefix for showing values up to maxabs in a base unit: ("bps", 5e7) gives
 * factor 1e-6 and "Mbps", ("s", 0.02) gives 1e3 and "ms"; other units keep factor 1. */
void results_unit_scale(const char *unit, double maxabs, double *factor, char *label,
                        size_t len);

#endif
