/* cmd_help.c - `mcpsim help [MODEL]`: list the registered models or one model's parameters. */
#include <stdio.h>
#include <string.h>

#include "cmd/command.h"
#include "sim/registry.h"

static int help_run(int argc, char **argv);

static const struct command help_cmd = {
    .name = "help",
    .summary = "list models, or the parameters of one model",
    .usage = "usage: mcpsim help [MODEL]\n"
             "\n"
             "Without MODEL, lists every registered model by category. With MODEL, prints its\n"
             "description and parameter table: name, type with unit, default and help.\n",
    .run = help_run,
};
COMMAND_REGISTER(help_cmd)

static int help_run(int argc, char **argv)
{
    const struct model_def *all[256];
    size_t n = registry_list(all, 256);
    if (n > 256)
        n = 256;
    if (argc == 1) {
        printf("models (mcpsim help MODEL for parameters):\n");
        for (size_t i = 0; i < n; i++)
            printf("  %-16s %-8s %.60s%s\n", all[i]->kind, all[i]->category, all[i]->help,
                   strlen(all[i]->help) > 60 ? "..." : "");
        return EXIT_OK;
    }
    if (argc != 2)
        return command_usage_error(&help_cmd, "expected one model name");
    const struct model_def *m = registry_find(argv[1]);
    if (!m) {
        fprintf(stderr, "mcpsim help: unknown model \"%s\"; known models:", argv[1]);
        for (size_t i = 0; i < n; i++)
            fprintf(stderr, " %s", all[i]->kind);
        fprintf(stderr, "\n");
        return EXIT_USAGE;
    }
    printf("%s (%s)\n  %s\n\nparameters:\n", m->kind, m->category, m->help);
    printf("  %-20s %-18s %-14s %s\n", "name", "type", "default", "help");
    for (size_t i = 0; i < m->nparams; i++) {
        const struct param_def *p = &m->params[i];
        char type[64];
        if (p->type == PARAM_ENUM)
            snprintf(type, sizeof type, "%s", p->choices);
        else
            snprintf(type, sizeof type, "%s", param_type_name(p->type));
        printf("  %-20s %-18s %-14s %s\n", p->name, type,
               p->default_value ? p->default_value : "(required)", p->help);
    }
    return EXIT_OK;
}
