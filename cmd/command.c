/* command.c - the subcommand table behind command.h. */
#include "cmd/command.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define MAX_COMMANDS 32

static const struct command *commands[MAX_COMMANDS];
static int ncommands;

void command_register(const struct command *c)
{
    if (ncommands == MAX_COMMANDS || command_find(c->name)) {
        fprintf(stderr, "mcpsim: cannot register command \"%s\"\n", c->name);
        abort();
    }
    int i = ncommands++;
    while (i > 0 && strcmp(commands[i - 1]->name, c->name) > 0) {
        commands[i] = commands[i - 1];
        i--;
    }
    commands[i] = c;
}

const struct command *command_find(const char *name)
{
    for (int i = 0; i < ncommands; i++)
        if (strcmp(commands[i]->name, name) == 0)
            return commands[i];
    return NULL;
}

void command_print_list(FILE *f)
{
    for (int i = 0; i < ncommands; i++)
        fprintf(f, "  %-10s %s\n", commands[i]->name, commands[i]->summary);
}

int command_usage_error(const struct command *c, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "mcpsim %s: ", c->name);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n\n%s", c->usage);
    return EXIT_USAGE;
}
