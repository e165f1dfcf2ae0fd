/* command.h - subcommands of the mcpsim program, registered from their own files.
 *
 * A subcommand file defines a struct command and registers it with COMMAND_REGISTER(var);
 * main.c dispatches on the first argument. Exit statuses (docs/exit-status.md):
 *   EXIT_OK (0)     success
 *   EXIT_FAIL (1)   the work failed: unreadable or damaged input file, a run that failed
 *   EXIT_USAGE (2)  bad command line or invalid input (scenario errors): nothing ran
 */
#ifndef MCPSIM_CMD_COMMAND_H
#define MCPSIM_CMD_COMMAND_H

#include <stdio.h>

enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

struct command {
    const char *name;
    const char *summary; /* one line for `mcpsim --help` */
    const char *usage;   /* full help text, printed by `mcpsim CMD --help` */
    int (*run)(int argc, char **argv); /* argv[0] is the command name */
};

void command_register(const struct command *c);
const struct command *command_find(const char *name);
void command_print_list(FILE *f);

/* Prints "mcpsim CMD: message" and the command's usage to stderr; returns EXIT_USAGE. */
int command_usage_error(const struct command *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#define COMMAND_REGISTER(var)                                               \
    __attribute__((constructor)) static void command_register_##var(void)   \
    {                                                                       \
        command_register(&var);                                             \
    }

#endif
