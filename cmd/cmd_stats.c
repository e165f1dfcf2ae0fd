/* cmd_stats.c - `mcpsim stats`: a metric's mean, sd and confidence interval per point.
 *
 * The numbers come from results_stats (sim/results_stats.h); this file parses the command
 * line and prints the table aligned for a terminal (6 significant digits) or as CSV (17
 * significant digits, so that the values round-trip exactly into a spreadsheet or R).
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/command.h"
#include "cmd/results_cli.h"

static int stats_run(int argc, char **argv);

static const struct command stats_cmd = {
    .name = "stats",
    .summary = "mean, sd and confidence interval of a metric across repetitions",
    .usage =
        "usage: mcpsim stats DB --metric MODULE.NAME [--by PARAM]... [--where COND]...\n"
        "                    [--agg mean|sum|min|max] [--level 0.95] [--csv]\n"
        "       mcpsim stats DB\n"
        "\n"
        "Without --metric, describes DB: runs by status, parameters and their values, and\n"
        "the metrics, vectors and histograms recorded.\n"
        "\n"
        "Groups the completed runs of the results database DB by the values of the --by\n"
        "parameters (repeat --by, or separate names with commas) and prints, for each group,\n"
        "the number of runs n, the mean, the sample standard deviation and the half-width of\n"
        "the confidence interval of the mean (Student t, default level 0.95), min and max.\n"
        "\n"
        "  --metric M   a scalar, MODULE.NAME (e.g. sink.goodput); * ? [ ] select several\n"
        "               modules (\"phone*.goodput\"), reduced per run by --agg (default mean)\n"
        "  --where C    keep runs whose parameter matches: PARAM OP VALUE, OP one of\n"
        "               = != < <= > >=; values with units compare numerically (link.rate>=10Mbps);\n"
        "               several conditions: repeat --where or separate them with commas\n"
        "  --csv        comma-separated output with a header line, full precision\n"
        "\n"
        "An unknown metric or parameter lists the valid names (exit status 2).\n",
    .run = stats_run,
};
COMMAND_REGISTER(stats_cmd)

static const char *const value_cols[] = { "n", "mean", "sd", "ci", "min", "max" };
#define NVALUE_COLS (sizeof value_cols / sizeof value_cols[0])

/* The text of row r (0 = header), column col, into buf. */
static const char *cell(const struct stats_table *t, size_t r, size_t col, bool csv, char *buf,
                        size_t len)
{
    if (r == 0) {
        if (col < t->nby)
            return t->by[col];
        if (col - t->nby == 3)
            snprintf(buf, len, "ci%g", t->level * 100);
        else
            snprintf(buf, len, "%s", value_cols[col - t->nby]);
        return buf;
    }
    const struct stats_group *g = &t->groups[r - 1];
    if (col < t->nby)
        return g->values[col] ? g->values[col] : "-";
    const double v[] = { (double)g->n, g->mean, g->sd, g->ci, g->min, g->max };
    size_t i = col - t->nby;
    if (i == 0)
        snprintf(buf, len, "%zu", g->n);
    else if (isnan(v[i]))
        snprintf(buf, len, "%s", csv ? "" : "-");
    else
        snprintf(buf, len, csv ? "%.17g" : "%.6g", v[i]);
    return buf;
}

static void print_csv_field(const char *s)
{
    if (!strpbrk(s, ",\"\n")) {
        fputs(s, stdout);
        return;
    }
    putchar('"');
    for (; *s; s++) {
        if (*s == '"')
            putchar('"');
        putchar(*s);
    }
    putchar('"');
}

static void print_table(const struct stats_table *t, bool csv)
{
    size_t ncols = t->nby + NVALUE_COLS;
    size_t width[CLI_MAX_BY + NVALUE_COLS] = { 0 };
    char buf[64];
    for (size_t r = 0; r <= t->ngroups; r++)
        for (size_t c = 0; c < ncols; c++) {
            size_t w = strlen(cell(t, r, c, csv, buf, sizeof buf));
            if (w > width[c])
                width[c] = w;
        }
    if (!csv)
        printf("# %s [%s]: %g%% confidence interval half-width (Student t) over runs\n",
               t->metric, t->unit && t->unit[0] ? t->unit : "no unit", t->level * 100);
    for (size_t r = 0; r <= t->ngroups; r++) {
        for (size_t c = 0; c < ncols; c++) {
            const char *s = cell(t, r, c, csv, buf, sizeof buf);
            if (csv) {
                if (c)
                    putchar(',');
                print_csv_field(s);
            } else if (c < t->nby) { /* parameters left-aligned, numbers right-aligned */
                printf("%s%-*s", c ? "  " : "", (int)width[c], s);
            } else {
                printf("  %*s", (int)width[c], s);
            }
        }
        if (csv) {
            putchar(',');
            print_csv_field(r == 0 ? "unit" : t->unit ? t->unit : "");
        }
        putchar('\n');
    }
}

static int stats_run(int argc, char **argv)
{
    static const struct option opts[] = {
        { "metric", required_argument, NULL, 'm' }, { "by", required_argument, NULL, 'b' },
        { "where", required_argument, NULL, 'w' },  { "agg", required_argument, NULL, 'a' },
        { "level", required_argument, NULL, 'l' },  { "csv", no_argument, NULL, 'c' },
        { NULL, 0, NULL, 0 },
    };
    struct cli_query cq;
    cli_query_init(&cq);
    bool csv = false;
    int opt, rc;
    optind = 1;
    opterr = 0;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (opt) {
        case 'm': cq.q.metric = optarg; rc = 0; break;
        case 'b': rc = cli_query_add_by(&stats_cmd, &cq, optarg); break;
        case 'w': rc = cli_query_add_where(&stats_cmd, &cq, optarg); break;
        case 'a': rc = cli_query_set_agg(&stats_cmd, &cq, optarg); break;
        case 'l': rc = cli_query_set_level(&stats_cmd, &cq, optarg); break;
        case 'c': csv = true; rc = 0; break;
        default:
            return command_usage_error(&stats_cmd, "unknown option or missing value: \"%s\"",
                                       argv[optind - 1]);
        }
        if (rc)
            return rc;
    }
    if (optind + 1 != argc)
        return command_usage_error(&stats_cmd, "expected one results database");
    if (!cq.q.metric && (cq.q.nby || cq.q.nwhere || csv))
        return command_usage_error(&stats_cmd, "--by, --where and --csv need --metric");
    struct results_db *db;
    if ((rc = cli_open_results(&stats_cmd, argv[optind], &db)) != EXIT_OK)
        return rc;
    if (!cq.q.metric) {
        rc = results_describe(db, stdout);
        results_db_close(db);
        if (rc < 0)
            fprintf(stderr, "mcpsim stats: %s: cannot read the database\n", argv[optind]);
        return rc < 0 || fflush(stdout) != 0 ? EXIT_FAIL : EXIT_OK;
    }
    struct stats_table *t;
    char err[4096];
    rc = results_stats(db, &cq.q, &t, err, sizeof err);
    results_db_close(db);
    if (rc < 0)
        return cli_results_error(&stats_cmd, rc, err);
    cli_stats_notes(&stats_cmd, &cq.q, t);
    print_table(t, csv);
    results_stats_free(t);
    return fflush(stdout) == 0 ? EXIT_OK : EXIT_FAIL;
}
