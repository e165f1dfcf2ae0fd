/* main.c - the mcpsim program: global options, then dispatch to a subcommand. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/command.h"
#include "sim/log.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: mcpsim [--log SPEC] COMMAND [ARGS...]\n"
            "       mcpsim --help | --version\n"
            "\n"
            "A discrete-event simulator for MPTCP conversion proxies (uMCP/dMCP).\n"
            "\n"
            "commands:\n");
    command_print_list(f);
    fprintf(f,
            "\n"
            "global options:\n"
            "  --log SPEC   log levels, e.g. \"info\" or \"warn,sched=debug\" (also MCPSIM_LOG)\n"
            "  --help       this text; `mcpsim COMMAND --help` describes a command\n"
            "  --version    version and git commit\n"
            "\n"
            "exit status: 0 success, 1 the work failed, 2 bad command line or input\n");
}

int main(int argc, char **argv)
{
    char err[256];
    if (log_configure(getenv("MCPSIM_LOG"), err, sizeof err) < 0) {
        fprintf(stderr, "mcpsim: MCPSIM_LOG: %s\n", err);
        return EXIT_USAGE;
    }
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return EXIT_OK;
        } else if (strcmp(argv[i], "--version") == 0) {
            printf("mcpsim %s (commit %s)\n", MCPSIM_VERSION, MCPSIM_COMMIT);
            return EXIT_OK;
        } else if (strcmp(argv[i], "--log") == 0 && i + 1 < argc) {
            if (log_configure(argv[++i], err, sizeof err) < 0) {
                fprintf(stderr, "mcpsim: --log: %s\n", err);
                return EXIT_USAGE;
            }
        } else {
            fprintf(stderr, "mcpsim: unknown option \"%s\"\n\n", argv[i]);
            usage(stderr);
            return EXIT_USAGE;
        }
    }
    if (i == argc) {
        usage(stderr);
        return EXIT_USAGE;
    }
    const struct command *c = command_find(argv[i]);
    if (!c) {
        fprintf(stderr, "mcpsim: unknown command \"%s\"\n\n", argv[i]);
        usage(stderr);
        return EXIT_USAGE;
    }
    for (int j = i + 1; j < argc; j++) {
        if (strcmp(argv[j], "--") == 0)
            break;
        if (strcmp(argv[j], "--help") == 0 || strcmp(argv[j], "-h") == 0) {
            fputs(c->usage, stdout);
            return EXIT_OK;
        }
    }
    return c->run(argc - i, argv + i);
}
