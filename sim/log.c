/* log.c - module list, level configuration and the emitter behind log.h. */
#include "sim/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_RULES 64

struct rule {
    char module[32]; /* "" = default for every module */
    int level;
};

static struct log_module *modules;
static struct rule rules[MAX_RULES];
static int nrules;
static int64_t (*clock_fn)(void *);
static void *clock_ctx;

static const char *const level_names[] = { "off", "error", "warn", "info", "debug", "trace" };

static int level_for(const char *name)
{
    int lvl = LOG_WARN;
    for (int i = 0; i < nrules; i++) /* later rules win; a named rule beats the default */
        if (rules[i].module[0] == '\0')
            lvl = rules[i].level;
    for (int i = 0; i < nrules; i++)
        if (strcmp(rules[i].module, name) == 0)
            lvl = rules[i].level;
    return lvl;
}

void log_module_register(struct log_module *m)
{
    m->next = modules;
    modules = m;
    m->level = level_for(m->name);
}

static int parse_level(const char *s)
{
    for (int i = 0; i <= LOG_TRACE; i++)
        if (strcmp(s, level_names[i]) == 0)
            return i;
    return -1;
}

int log_configure(const char *spec, char *err, unsigned long errlen)
{
    char buf[512];
    if (!spec)
        return 0;
    snprintf(buf, sizeof buf, "%s", spec);
    char *save = NULL;
    for (char *item = strtok_r(buf, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(item, '=');
        const char *mod = "", *lvl = item;
        if (eq) {
            *eq = '\0';
            mod = item;
            lvl = eq + 1;
        }
        int l = parse_level(lvl);
        if (l < 0 || strlen(mod) >= sizeof rules[0].module || nrules == MAX_RULES) {
            if (err && errlen)
                snprintf(err, errlen,
                         "bad log setting \"%s\": expected LEVEL or MODULE=LEVEL with LEVEL one "
                         "of off, error, warn, info, debug, trace", lvl);
            return -1;
        }
        snprintf(rules[nrules].module, sizeof rules[nrules].module, "%s", mod);
        rules[nrules++].level = l;
    }
    for (struct log_module *m = modules; m; m = m->next)
        m->level = level_for(m->name);
    return 0;
}

void log_set_clock(int64_t (*now_ps)(void *ctx), void *ctx)
{
    clock_fn = now_ps;
    clock_ctx = ctx;
}

void log_emit(const struct log_module *m, enum log_level lvl, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (clock_fn)
        fprintf(stderr, "%.9fs [%s %s] %s\n", (double)clock_fn(clock_ctx) / 1e12,
                level_names[lvl], m->name, msg);
    else
        fprintf(stderr, "[%s %s] %s\n", level_names[lvl], m->name, msg);
}
