/* cmd_plot.c - `mcpsim plot`: a metric against a parameter, drawn by gnuplot.
 *
 * Queries the statistics (results_stats), writes STEM.dat and STEM.gp next to the figure
 * (plot_script.c) and runs gnuplot on the script in that directory. The terminal is chosen
 * from what the installed gnuplot offers (GPVAL_TERMINALS): pngcairo, else the libgd png,
 * for png; svg; pdfcairo for pdf; dumb for txt, 79 columns wide so that it fits a mail.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd/command.h"
#include "cmd/plot_script.h"
#include "cmd/results_cli.h"

static int plot_run(int argc, char **argv);

static const struct command plot_cmd = {
    .name = "plot",
    .summary = "plot a metric against a parameter with confidence intervals (gnuplot)",
    .usage =
        "usage: mcpsim plot DB --x PARAM --y METRIC [--by PARAM] [--where COND]...\n"
        "                   [--format png|svg|pdf|txt] -o FILE [--agg A] [--level L]\n"
        "                   [--logx] [--logy] [--title TEXT]\n"
        "\n"
        "Draws the mean of METRIC (a scalar MODULE.NAME, as in `mcpsim stats`) over the\n"
        "completed runs of DB against the parameter PARAM, one line per value of the --by\n"
        "parameter, with error bars for the confidence interval of the mean (Student t,\n"
        "level 0.95 unless --level). Axis labels carry the units, scaled (Mbps, ms).\n"
        "\n"
        "Next to FILE it writes FILE's stem .dat (the numbers) and .gp (the gnuplot script):\n"
        "edit the script and run `gnuplot STEM.gp` in that directory to redraw. --format\n"
        "defaults to FILE's extension; txt is gnuplot's dumb terminal (79x24 characters),\n"
        "ready to paste into a mail. --where, --agg and --level are those of `mcpsim stats`.\n"
        "\n"
        "An unknown metric or parameter lists the valid names (exit status 2); a failure of\n"
        "gnuplot is exit status 1, with the script left in place.\n",
    .run = plot_run,
};
COMMAND_REGISTER(plot_cmd)

/* Terminal names offered by the installed gnuplot, space separated; NULL if it cannot run. */
static char *gnuplot_terminals(void)
{
    FILE *p = popen("gnuplot -e 'print GPVAL_TERMINALS' 2>&1", "r");
    if (!p)
        return NULL;
    char *line = NULL;
    size_t cap = 0;
    ssize_t n = getline(&line, &cap, p);
    int st = pclose(p);
    if (n <= 0 || st != 0) {
        free(line);
        return NULL;
    }
    return line;
}

static bool has_terminal(const char *list, const char *name)
{
    size_t len = strlen(name);
    for (const char *p = strstr(list, name); p; p = strstr(p + 1, name))
        if ((p == list || p[-1] == ' ') && (p[len] == ' ' || p[len] == '\n' || !p[len]))
            return true;
    return false;
}

/* The terminal line for a format; NULL with a message if gnuplot lacks it. */
static const char *pick_terminal(const char *format, const char *list)
{
    static const struct { const char *format, *name, *line; } terms[] = {
        { "png", "pngcairo", "pngcairo noenhanced size 800,500 font ',10'" },
        { "png", "png", "png noenhanced size 800,500" },
        { "svg", "svg", "svg noenhanced size 800,500 dynamic" },
        { "pdf", "pdfcairo", "pdfcairo noenhanced size 16cm,10cm font ',9'" },
        { "txt", "dumb", "dumb noenhanced size 79,24" },
    };
    bool known = false;
    for (size_t i = 0; i < sizeof terms / sizeof terms[0]; i++) {
        if (strcmp(terms[i].format, format) != 0)
            continue;
        known = true;
        if (has_terminal(list, terms[i].name))
            return terms[i].line;
    }
    if (known)
        fprintf(stderr, "mcpsim plot: this gnuplot has no terminal for %s (need %s); on "
                "Debian the package gnuplot-nox provides pngcairo, pdfcairo, svg and dumb\n",
                format, strcmp(format, "pdf") == 0 ? "pdfcairo" : "pngcairo or png");
    return NULL;
}

/* Runs `gnuplot SCRIPT` in dir; 0 or -1 (message printed). */
static int run_gnuplot(const char *dir, const char *script)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        fprintf(stderr, "mcpsim plot: fork: %s\n", strerror(errno));
        return -1;
    }
    if (pid == 0) {
        if (chdir(dir) != 0)
            _exit(126);
        execlp("gnuplot", "gnuplot", script, (char *)NULL);
        _exit(127);
    }
    int st;
    if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        fprintf(stderr, "mcpsim plot: gnuplot failed on %s/%s (status %d); the script and the "
                "data are left there\n", dir, script, WIFEXITED(st) ? WEXITSTATUS(st) : -1);
        return -1;
    }
    return 0;
}

/* Makes the dumb terminal's output mail-ready: gnuplot starts it with a form feed (even
 * with `nofeed`) and pads every line with spaces to the full width. 0 or -1. */
static int tidy_text(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    char *text = NULL;
    size_t cap = 0, len = 0;
    for (int c; (c = fgetc(f)) != EOF;) {
        if (len + 1 >= cap) {
            char *n = realloc(text, cap = cap ? 2 * cap : 4096);
            if (!n) {
                free(text);
                fclose(f);
                return -1;
            }
            text = n;
        }
        if (c == ' ' || c == '\n') {
            if (c == '\n') {
                while (len && text[len - 1] == ' ')
                    len--; /* trailing padding */
                if (len == 0)
                    continue; /* leading blank lines */
            }
            text[len++] = (char)c;
        } else if (c != '\f') {
            text[len++] = (char)c;
        }
    }
    fclose(f);
    while (len >= 2 && text[len - 1] == '\n' && text[len - 2] == '\n')
        len--; /* trailing blank lines */
    f = fopen(path, "w");
    int rc = f && fwrite(text, 1, len, f) == len ? 0 : -1;
    if (f && fclose(f) != 0)
        rc = -1;
    free(text);
    return rc;
}

struct plot_opts {
    struct cli_query cq;
    const char *x, *by, *format, *output, *title;
    bool logx, logy;
};

static int parse(int argc, char **argv, struct plot_opts *o)
{
    static const struct option opts[] = {
        { "x", required_argument, NULL, 'x' },      { "y", required_argument, NULL, 'y' },
        { "by", required_argument, NULL, 'b' },     { "where", required_argument, NULL, 'w' },
        { "format", required_argument, NULL, 'f' }, { "output", required_argument, NULL, 'o' },
        { "agg", required_argument, NULL, 'a' },    { "level", required_argument, NULL, 'l' },
        { "title", required_argument, NULL, 't' },  { "logx", no_argument, NULL, 'X' },
        { "logy", no_argument, NULL, 'Y' },         { NULL, 0, NULL, 0 },
    };
    int opt, rc = 0;
    optind = 1;
    opterr = 0;
    while (rc == 0 && (opt = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
        switch (opt) {
        case 'x': o->x = optarg; break;
        case 'y': o->cq.q.metric = optarg; break;
        case 'b': o->by = optarg; break;
        case 'w': rc = cli_query_add_where(&plot_cmd, &o->cq, optarg); break;
        case 'f': o->format = optarg; break;
        case 'o': o->output = optarg; break;
        case 'a': rc = cli_query_set_agg(&plot_cmd, &o->cq, optarg); break;
        case 'l': rc = cli_query_set_level(&plot_cmd, &o->cq, optarg); break;
        case 't': o->title = optarg; break;
        case 'X': o->logx = true; break;
        case 'Y': o->logy = true; break;
        default:
            return command_usage_error(&plot_cmd, "unknown option or missing value: \"%s\"",
                                       argv[optind - 1]);
        }
    }
    if (rc)
        return rc;
    if (optind + 1 != argc)
        return command_usage_error(&plot_cmd, "expected one results database");
    if (!o->x || !o->cq.q.metric || !o->output)
        return command_usage_error(&plot_cmd, "--x, --y and -o are required");
    const char *ext = strrchr(o->output, '.');
    if (!o->format && (!ext || strchr(ext, '/')))
        return command_usage_error(&plot_cmd, "no --format and no extension on \"%s\"",
                                   o->output);
    if (!o->format)
        o->format = ext + 1;
    if (strcmp(o->format, "png") && strcmp(o->format, "svg") && strcmp(o->format, "pdf") &&
        strcmp(o->format, "txt"))
        return command_usage_error(&plot_cmd, "format \"%s\": expected png, svg, pdf or txt",
                                   o->format);
    o->cq.by[0] = o->by ? o->by : o->x;
    o->cq.by[1] = o->x;
    o->cq.q.nby = o->by ? 2 : 1;
    return 0;
}

/* Splits FILE into its directory, its name, and the stem the .dat and .gp share (FILE
 * without a .png/.svg/.pdf/.txt extension). */
static void split_output(const char *output, char *dir, char *name, char *stem, size_t len)
{
    const char *slash = strrchr(output, '/');
    snprintf(dir, len, "%.*s", slash ? (int)(slash - output) + (slash == output) : 1,
             slash ? output : ".");
    snprintf(name, len, "%s", slash ? slash + 1 : output);
    snprintf(stem, len, "%s", name);
    char *dot = strrchr(stem, '.');
    if (dot && (!strcmp(dot, ".png") || !strcmp(dot, ".svg") || !strcmp(dot, ".pdf") ||
                !strcmp(dot, ".txt")))
        *dot = '\0';
}

static int plot_run(int argc, char **argv)
{
    struct plot_opts o = { 0 };
    cli_query_init(&o.cq);
    int rc = parse(argc, argv, &o);
    if (rc)
        return rc;
    struct results_db *db;
    if ((rc = cli_open_results(&plot_cmd, argv[optind], &db)) != EXIT_OK)
        return rc;
    struct stats_table *t;
    char err[4096];
    rc = results_stats(db, &o.cq.q, &t, err, sizeof err);
    results_db_close(db);
    if (rc < 0)
        return cli_results_error(&plot_cmd, rc, err);
    cli_stats_notes(&plot_cmd, &o.cq.q, t);

    char dir[1024], name[1024], stem[1024], path[2200], gp[1100], dat[1100];
    split_output(o.output, dir, name, stem, sizeof dir);
    snprintf(gp, sizeof gp, "%s.gp", stem);
    snprintf(dat, sizeof dat, "%s.dat", stem);
    char *terms = gnuplot_terminals();
    const char *term = terms ? pick_terminal(o.format, terms) : NULL;
    if (!terms)
        fprintf(stderr, "mcpsim plot: cannot run gnuplot (Debian package gnuplot-nox)\n");
    struct plot_spec spec = { .terminal = term ? term : "dumb", .output = name, .data = dat, .script = gp,
                              .title = o.title, .source = argv[optind], .by = o.by != NULL,
                              .logx = o.logx, .logy = o.logy,
                              .text = strcmp(o.format, "txt") == 0 };
    snprintf(path, sizeof path, "%s/%s", dir, dat);
    FILE *fd = fopen(path, "w");
    snprintf(path, sizeof path, "%s/%s", dir, gp);
    FILE *fs = fd ? fopen(path, "w") : NULL;
    if (!fs) {
        fprintf(stderr, "mcpsim plot: cannot write %s: %s\n", path, strerror(errno));
        rc = EXIT_FAIL;
    } else if (plot_write(t, &spec, fd, fs, err, sizeof err) < 0) {
        fprintf(stderr, "mcpsim plot: %s: %s\n", dir, err);
        rc = EXIT_FAIL;
    }
    if (fd && fclose(fd) != 0)
        rc = EXIT_FAIL;
    if (fs && fclose(fs) != 0)
        rc = EXIT_FAIL;
    if (rc == 0)
        rc = term && run_gnuplot(dir, gp) == 0 ? EXIT_OK : EXIT_FAIL;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (rc == 0 && strcmp(o.format, "txt") == 0 && tidy_text(path) < 0) {
        fprintf(stderr, "mcpsim plot: cannot rewrite %s: %s\n", path, strerror(errno));
        rc = EXIT_FAIL;
    }
    free(terms);
    results_stats_free(t);
    return rc;
}
