/* registry.h - the model registry: kind name, parameter table, constructor.
 *
 * Every model (a link, a queue discipline, an application, a proxy, ...) describes itself
 * once with a struct model_def and registers it with MODEL_REGISTER(def). The parameter table
 * is the single source of truth for the scenario loader, `--set`, `mcpsim help MODEL` and
 * the parameters recorded with every run: each entry names a field of the model's config
 * struct (by offset), its type with unit, a default and a help line. The loader fills a
 * zeroed config struct of config_size bytes with defaults, then with the scenario's values,
 * and hands it to create().
 *
 * Most fields are plain values copied into the struct. A PARAM_LIST field is the exception:
 * its items (any number, any length) live in one block allocated when the value is set and
 * owned by the config struct; param_free() releases it. create() therefore copies what it
 * keeps of a list, as it copies strings, because the loader frees the config after the build.
 *
 * sim/ knows no model: models include this header, never the reverse.
 */
#ifndef MCPSIM_SIM_REGISTRY_H
#define MCPSIM_SIM_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/units.h"

enum param_type {
    PARAM_BOOL,   /* bool:        true/false/yes/no/on/off/1/0 */
    PARAM_INT,    /* int64_t */
    PARAM_UINT,   /* uint64_t */
    PARAM_DOUBLE, /* double */
    PARAM_PROB,   /* double in [0, 1] */
    PARAM_TIME,   /* sim_time_t, string with a time unit */
    PARAM_RATE,   /* bps_t, string with a rate unit */
    PARAM_SIZE,   /* bytes_t, string with a size unit */
    PARAM_STRING, /* char[PARAM_STRING_MAX] */
    PARAM_ENUM,   /* int: index into choices "a|b|c" */
    PARAM_NODE,   /* char[PARAM_STRING_MAX]: the name of a node instance of the scenario; the
                   * loader checks that it exists (file:line:col error otherwise) */
    PARAM_LIST,   /* struct param_list: strings, unbounded in number and length */
};

#define PARAM_STRING_MAX 128

/* A PARAM_LIST field. In a scenario the value is a YAML sequence of scalars, or one string
 * in the list's text form: items separated by PARAM_LIST_SEP, each trimmed of surrounding
 * white space, empty items dropped ("a; b;" is the list a, b; "" the empty list). Items
 * are never empty. items is NULL when n is 0; otherwise items and the strings are one
 * allocation owned by the config struct. */
struct param_list {
    const char *const *items;
    size_t n;
};

#define PARAM_LIST_SEP ';'

struct param_def {
    const char *name;
    enum param_type type;
    size_t offset;             /* offsetof(config struct, field) */
    const char *default_value; /* string form; NULL = required */
    const char *help;
    const char *choices;       /* PARAM_ENUM: "reno|cubic" */
    double min, max;           /* numeric bounds when min < max (in the value's base unit) */
};

/* The ranges every value of a type must stay in, whatever its table says: a time, rate or
 * size is never negative, and a time stays far enough below SIM_TIME_MAX that a run's
 * duration plus any parameter cannot overflow (30 days; the run's duration has the same
 * limit). A table's own bounds narrow these. */
#define PARAM_TIME_MAX ((double)INT64_C(2592000000000000000)) /* 30 days in ps */
#define PARAM_RATE_MAX 1e13                                   /* 10 Tbps */
#define PARAM_SIZE_MAX 1125899906842624.0                      /* 1 PiB */

struct model_ctx; /* defined by whoever builds models (the scenario loader) */

struct model_def {
    const char *kind;     /* "p2p", "droptail", "bulk" ... */
    const char *category; /* "link", "qdisc", "app", "node", "proxy" ... */
    const char *help;     /* one paragraph */
    const struct param_def *params;
    size_t nparams;
    size_t config_size;
    /* Builds an instance from a filled config; 0 or -1 with a message in err. */
    int (*create)(struct model_ctx *ctx, const char *name, const void *config, void **out,
                  char *err, size_t errlen);
};

void registry_add(const struct model_def *def);
const struct model_def *registry_find(const char *kind);
/* Registered models in kind order; returns the count, fills at most max entries. */
size_t registry_list(const struct model_def **out, size_t max);
const struct param_def *registry_param(const struct model_def *def, const char *name);

/* Sets one field of config from its string form (a list: its text form, see struct
 * param_list); 0 or -1 with a message in err that quotes the value and says what was
 * expected. A list field must hold a list already (zeroed, or set before): it is replaced. */
int param_set(const struct param_def *p, void *config, const char *value, char *err,
              size_t errlen);
/* Sets a PARAM_LIST field from n items, copied as they are (no splitting); an empty item is
 * refused ("routes: item 3 is empty"). 0 or -1 with a message in err. */
int param_set_list(const struct param_def *p, void *config, const char *const *items, size_t n,
                   char *err, size_t errlen);
/* Zeroes config, then fills it with every default; -1 if a default is malformed (a bug in
 * the table). Whatever config held is overwritten: param_free a config holding lists first. */
int param_defaults(const struct model_def *def, void *config, char *err, size_t errlen);
/* Releases what the config's list fields own and zeroes them; the struct itself is the
 * caller's. Safe on a zeroed config and twice. */
void param_free(const struct model_def *def, void *config);
/* Prints the field back in its string form (for results and --help); a list's items are
 * joined by "; " (its text form, as long as no item holds the separator). snprintf's
 * return convention: the length the full text needs. */
int param_format(const struct param_def *p, const void *config, char *buf, size_t len);
/* Splits a list's text form into a list the caller owns (release with param_list_free). */
int param_list_parse(const char *text, struct param_list *out, char *err, size_t errlen);
void param_list_free(struct param_list *l);
const char *param_type_name(enum param_type t);
/* Whether the type is a number (bool, string, choice, node and list are not). */
bool param_is_numeric(enum param_type t);
/* The range param_set enforces for a numeric parameter, in its base unit: the table's bounds
 * (when min < max) within the type's own range (see PARAM_TIME_MAX). */
void param_range(const struct param_def *p, double *min, double *max);
/* The range in the parameter's units ("0s to 30d", "1 to 65535"); snprintf's convention. */
int param_range_format(const struct param_def *p, char *buf, size_t len);

#define MODEL_REGISTER(def)                                               \
    __attribute__((constructor)) static void model_register_##def(void)   \
    {                                                                     \
        registry_add(&def);                                               \
    }

#endif
