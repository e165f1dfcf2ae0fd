/* results_cli.h - what the stats and plot commands share: their query options, opening a
 * results database, and the exit status of a results error.
 *
 * Both commands accept --metric/--y, --by, --where, --agg and --level with one meaning
 * (sim/results_stats.h), so they are parsed once here.
 */
#ifndef MCPSIM_CMD_RESULTS_CLI_H
#define MCPSIM_CMD_RESULTS_CLI_H

#include "cmd/command.h"
#include "sim/results.h"
#include "sim/results_stats.h"

#define CLI_MAX_BY 8
#define CLI_MAX_WHERE 16

/* A stats query being filled from the command line (strings point into argv). */
struct cli_query {
    struct stats_query q;
    const char *by[CLI_MAX_BY];
    const char *where[CLI_MAX_WHERE];
};

void cli_query_init(struct cli_query *cq);
/* Adds "--by A" or "--by A,B" (split in place); 0 or the usage error status. */
int cli_query_add_by(const struct command *c, struct cli_query *cq, char *arg);
int cli_query_add_where(const struct command *c, struct cli_query *cq, const char *arg);
int cli_query_set_agg(const struct command *c, struct cli_query *cq, const char *arg);
int cli_query_set_level(const struct command *c, struct cli_query *cq, const char *arg);

/* Opens path read-only; on failure prints "mcpsim CMD: message" and returns EXIT_FAIL. */
int cli_open_results(const struct command *c, const char *path, struct results_db **db);

/* Prints the message of a failed results call and maps its code to an exit status:
 * RESULTS_EQUERY (a name or condition the user typed) is EXIT_USAGE, the rest EXIT_FAIL. */
int cli_results_error(const struct command *c, int rc, const char *msg);

/* Notes on stderr what a reader of the numbers must know (a per-run reduction). */
void cli_stats_notes(const struct command *c, const struct stats_query *q,
                     const struct stats_table *t);

#endif
