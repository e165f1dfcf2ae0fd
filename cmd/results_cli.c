/* results_cli.c - shared option parsing and error reporting of `stats` and `plot`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/results_cli.h"

void cli_query_init(struct cli_query *cq)
{
    memset(cq, 0, sizeof *cq);
    cq->q.by = cq->by;
    cq->q.where = cq->where;
    cq->q.agg = STATS_AGG_MEAN;
    cq->q.level = 0.95;
}

int cli_query_add_by(const struct command *c, struct cli_query *cq, char *arg)
{
    for (char *save = NULL, *p = strtok_r(arg, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
        if (cq->q.nby == CLI_MAX_BY)
            return command_usage_error(c, "at most %d grouping parameters", CLI_MAX_BY);
        cq->by[cq->q.nby++] = p;
    }
    return 0;
}

int cli_query_add_where(const struct command *c, struct cli_query *cq, const char *arg)
{
    if (cq->q.nwhere == CLI_MAX_WHERE)
        return command_usage_error(c, "at most %d --where options", CLI_MAX_WHERE);
    cq->where[cq->q.nwhere++] = arg;
    return 0;
}

int cli_query_set_agg(const struct command *c, struct cli_query *cq, const char *arg)
{
    static const char *const names[] = { "mean", "sum", "min", "max" };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (strcmp(arg, names[i]) == 0) {
            cq->q.agg = (enum stats_agg)i;
            return 0;
        }
    }
    return command_usage_error(c, "--agg \"%s\": expected mean, sum, min or max", arg);
}

int cli_query_set_level(const struct command *c, struct cli_query *cq, const char *arg)
{
    char *end;
    double v = strtod(arg, &end);
    if (end == arg || *end || !(v > 0 && v < 1))
        return command_usage_error(c, "--level \"%s\": expected a confidence level between 0 "
                                   "and 1, such as 0.95", arg);
    cq->q.level = v;
    return 0;
}

int cli_open_results(const struct command *c, const char *path, struct results_db **db)
{
    char err[512];
    if (results_db_open_readonly(path, db, err, sizeof err) == 0)
        return EXIT_OK;
    fprintf(stderr, "mcpsim %s: %s\n", c->name, err);
    return EXIT_FAIL;
}

int cli_results_error(const struct command *c, int rc, const char *msg)
{
    fprintf(stderr, "mcpsim %s: %s\n", c->name, msg);
    return rc == RESULTS_EQUERY ? EXIT_USAGE : EXIT_FAIL;
}

void cli_stats_notes(const struct command *c, const struct stats_query *q,
                     const struct stats_table *t)
{
    static const char *const names[] = { "mean", "sum", "min", "max" };
    if (t->max_scalars_per_run > 1)
        fprintf(stderr, "mcpsim %s: note: \"%s\" matches up to %zu scalars in one run; each "
                "run's value is their %s (--agg chooses)\n", c->name, t->metric,
                t->max_scalars_per_run, names[q->agg]);
    if (t->unit && strcmp(t->unit, "?") == 0)
        fprintf(stderr, "mcpsim %s: note: the scalars matching \"%s\" have different units\n",
                c->name, t->metric);
}
