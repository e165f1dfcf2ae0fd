/* registry.c - model list and typed parameter conversion (see registry.h).
 *
 * The list is a small array sorted on insert; lookups happen at scenario load time only.
 * A PARAM_LIST value is one malloc: the item pointers, then the NUL-terminated items, so a
 * list of any size costs one allocation at load and one free with its config.
 */
#include "sim/registry.h"

#include "sim/textclip.h"

#include <ctype.h>
#include <float.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_MODELS 256

static const struct model_def *models[MAX_MODELS];
static size_t nmodels;

void registry_add(const struct model_def *def)
{
    if (nmodels == MAX_MODELS || registry_find(def->kind)) {
        fprintf(stderr, "registry: cannot add model \"%s\" (duplicate or table full)\n",
                def->kind);
        abort();
    }
    size_t i = nmodels++;
    while (i > 0 && strcmp(models[i - 1]->kind, def->kind) > 0) {
        models[i] = models[i - 1];
        i--;
    }
    models[i] = def;
}

const struct model_def *registry_find(const char *kind)
{
    for (size_t i = 0; i < nmodels; i++)
        if (strcmp(models[i]->kind, kind) == 0)
            return models[i];
    return NULL;
}

size_t registry_list(const struct model_def **out, size_t max)
{
    for (size_t i = 0; i < nmodels && i < max; i++)
        out[i] = models[i];
    return nmodels;
}

const struct param_def *registry_param(const struct model_def *def, const char *name)
{
    for (size_t i = 0; i < def->nparams; i++)
        if (strcmp(def->params[i].name, name) == 0)
            return &def->params[i];
    return NULL;
}

const char *param_type_name(enum param_type t)
{
    switch (t) {
    case PARAM_BOOL: return "bool";
    case PARAM_INT: return "integer";
    case PARAM_UINT: return "unsigned integer";
    case PARAM_DOUBLE: return "number";
    case PARAM_PROB: return "probability";
    case PARAM_TIME: return "time";
    case PARAM_RATE: return "rate";
    case PARAM_SIZE: return "size";
    case PARAM_STRING: return "string";
    case PARAM_ENUM: return "choice";
    case PARAM_NODE: return "node name";
    case PARAM_LIST: return "list of strings";
    }
    return "?";
}

/* Copies n items of the given lengths into one block: pointers first, then the text. */
static int list_build(const char *const *items, const size_t *lens, size_t n,
                      struct param_list *out)
{
    *out = (struct param_list){ NULL, 0 };
    if (n == 0)
        return 0;
    size_t bytes = n * sizeof(char *);
    for (size_t i = 0; i < n; i++)
        bytes += lens[i] + 1;
    char **ptrs = malloc(bytes);
    if (!ptrs)
        return -1;
    char *text = (char *)(ptrs + n);
    for (size_t i = 0; i < n; i++) {
        memcpy(text, items[i], lens[i]);
        text[lens[i]] = '\0';
        ptrs[i] = text;
        text += lens[i] + 1;
    }
    out->items = (const char *const *)ptrs;
    out->n = n;
    return 0;
}

void param_list_free(struct param_list *l)
{
    /* The block was malloc'd here; it is const only to the models reading it. */
    free((void *)(uintptr_t)l->items);
    *l = (struct param_list){ NULL, 0 };
}

int param_list_parse(const char *text, struct param_list *out, char *err, size_t errlen)
{
    size_t max = 1;
    for (const char *c = text; *c; c++)
        max += *c == PARAM_LIST_SEP;
    const char **items = malloc(max * sizeof *items);
    size_t *lens = malloc(max * sizeof *lens);
    size_t n = 0;
    int rc = -1;
    if (!items || !lens)
        goto done;
    for (const char *c = text;;) {
        const char *sep = strchr(c, PARAM_LIST_SEP);
        const char *end = sep ? sep : c + strlen(c);
        while (c < end && isspace((unsigned char)*c))
            c++;
        while (end > c && isspace((unsigned char)end[-1]))
            end--;
        if (end > c) {
            items[n] = c;
            lens[n++] = (size_t)(end - c);
        }
        if (!sep)
            break;
        c = sep + 1;
    }
    rc = list_build(items, lens, n, out);
done:
    if (rc < 0)
        snprintf(err, errlen, "out of memory");
    free(items);
    free(lens);
    return rc;
}

/* Replaces the list in config's field by l (taking it over). */
static void list_replace(const struct param_def *p, void *config, struct param_list *l)
{
    struct param_list *field = (struct param_list *)((char *)config + p->offset);
    param_list_free(field);
    *field = *l;
}

int param_set_list(const struct param_def *p, void *config, const char *const *items, size_t n,
                   char *err, size_t errlen)
{
    if (p->type != PARAM_LIST) {
        snprintf(err, errlen, "%s: expected a %s, found a list", p->name,
                 param_type_name(p->type));
        return -1;
    }
    size_t *lens = malloc((n ? n : 1) * sizeof *lens);
    if (!lens) {
        snprintf(err, errlen, "%s: out of memory", p->name);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        lens[i] = strlen(items[i]);
        if (lens[i] == 0) {
            snprintf(err, errlen, "%s: item %zu is empty: expected a non-empty string", p->name,
                     i + 1);
            free(lens);
            return -1;
        }
    }
    struct param_list l;
    int rc = list_build(items, lens, n, &l);
    free(lens);
    if (rc < 0) {
        snprintf(err, errlen, "%s: out of memory", p->name);
        return -1;
    }
    list_replace(p, config, &l);
    return 0;
}

static int choice_index(const char *choices, const char *value)
{
    int idx = 0;
    size_t vlen = strlen(value);
    for (const char *c = choices; *c; idx++) {
        const char *bar = strchr(c, '|');
        size_t n = bar ? (size_t)(bar - c) : strlen(c);
        if (n == vlen && strncmp(c, value, n) == 0)
            return idx;
        if (!bar)
            break;
        c = bar + 1;
    }
    return -1;
}

bool param_is_numeric(enum param_type t)
{
    switch (t) {
    case PARAM_INT:
    case PARAM_UINT:
    case PARAM_DOUBLE:
    case PARAM_PROB:
    case PARAM_TIME:
    case PARAM_RATE:
    case PARAM_SIZE:
        return true;
    default:
        return false;
    }
}

void param_range(const struct param_def *p, double *min, double *max)
{
    double lo = -DBL_MAX, hi = DBL_MAX;
    switch (p->type) {
    case PARAM_INT: lo = (double)INT64_MIN; hi = (double)INT64_MAX; break;
    case PARAM_UINT: lo = 0; hi = (double)UINT64_MAX; break;
    case PARAM_PROB: lo = 0; hi = 1; break;
    case PARAM_TIME: lo = 0; hi = PARAM_TIME_MAX; break;
    case PARAM_RATE: lo = 0; hi = PARAM_RATE_MAX; break;
    case PARAM_SIZE: lo = 0; hi = PARAM_SIZE_MAX; break;
    default: break;
    }
    if (p->min < p->max) {
        lo = p->min > lo ? p->min : lo;
        hi = p->max < hi ? p->max : hi;
    }
    *min = lo;
    *max = hi;
}

/* One bound in the parameter's unit. */
static int bound_format(const struct param_def *p, double v, char *buf, size_t len)
{
    switch (p->type) {
    case PARAM_TIME:
        /* Whole days read better than the seconds time_format gives for them. */
        if (v >= 86400e12 && fmod(v, 86400e12) == 0)
            return snprintf(buf, len, "%.0fd", v / 86400e12);
        return v == 0 ? snprintf(buf, len, "0s") : time_format((sim_time_t)v, buf, len);
    case PARAM_RATE: return rate_format((bps_t)v, buf, len);
    case PARAM_SIZE: return size_format((bytes_t)v, buf, len);
    case PARAM_INT:
    case PARAM_UINT:
        if (v >= 1e15 || v <= -1e15)
            return snprintf(buf, len, "%.3g", v);
        return snprintf(buf, len, "%.0f", v);
    default: return snprintf(buf, len, "%g", v);
    }
}

int param_range_format(const struct param_def *p, char *buf, size_t len)
{
    double lo, hi;
    char a[48], b[48];
    param_range(p, &lo, &hi);
    bound_format(p, lo, a, sizeof a);
    if (hi >= DBL_MAX)
        return snprintf(buf, len, "%s or more", a);
    bound_format(p, hi, b, sizeof b);
    if (lo <= -DBL_MAX)
        return snprintf(buf, len, "up to %s", b);
    return snprintf(buf, len, "%s to %s", a, b);
}

/* v is the parsed value in the base unit; value its text (quoted in the message). */
static int check_bounds(const struct param_def *p, double v, const char *value, char *err,
                        size_t errlen)
{
    char cbuf[TEXT_CLIP_BUF], range[112];
    double lo, hi;
    param_range(p, &lo, &hi);
    if (v < lo || v > hi) {
        param_range_format(p, range, sizeof range);
        snprintf(err, errlen, "%s = \"%s\" is out of range: expected %s", p->name,
                 text_clip(value, cbuf), range);
        return -1;
    }
    return 0;
}

int param_set(const struct param_def *p, void *config, const char *value, char *err,
              size_t errlen)
{
    char *field = (char *)config + p->offset;
    char *end;
    char uerr[256], cbuf[TEXT_CLIP_BUF];
    errno = 0;
    switch (p->type) {
    case PARAM_BOOL: {
        static const char *yes[] = { "true", "yes", "on", "1" }, *no[] = { "false", "no", "off", "0" };
        for (int i = 0; i < 4; i++) {
            if (strcasecmp(value, yes[i]) == 0) { *(bool *)field = true; return 0; }
            if (strcasecmp(value, no[i]) == 0) { *(bool *)field = false; return 0; }
        }
        snprintf(err, errlen, "%s = \"%s\": expected true or false", p->name,
                 text_clip(value, cbuf));
        return -1;
    }
    case PARAM_INT: {
        long long v = strtoll(value, &end, 0);
        if (errno || end == value || *end) {
            snprintf(err, errlen, "%s = \"%s\": expected an integer", p->name,
                     text_clip(value, cbuf));
            return -1;
        }
        if (check_bounds(p, (double)v, value, err, errlen) < 0)
            return -1;
        *(int64_t *)field = v;
        return 0;
    }
    case PARAM_UINT: {
        if (value[0] == '-') {
            snprintf(err, errlen, "%s = \"%s\": expected a non-negative integer", p->name,
                     text_clip(value, cbuf));
            return -1;
        }
        unsigned long long v = strtoull(value, &end, 0);
        if (errno || end == value || *end) {
            snprintf(err, errlen, "%s = \"%s\": expected a non-negative integer", p->name,
                     text_clip(value, cbuf));
            return -1;
        }
        if (check_bounds(p, (double)v, value, err, errlen) < 0)
            return -1;
        *(uint64_t *)field = v;
        return 0;
    }
    case PARAM_DOUBLE:
    case PARAM_PROB: {
        double v = strtod(value, &end);
        if (errno || end == value || *end || !isfinite(v)) {
            snprintf(err, errlen, "%s = \"%s\": expected a number", p->name,
                     text_clip(value, cbuf));
            return -1;
        }
        if (p->type == PARAM_PROB && (v < 0 || v > 1)) {
            snprintf(err, errlen, "%s = \"%s\": expected a probability between 0 and 1",
                     p->name, text_clip(value, cbuf));
            return -1;
        }
        if (check_bounds(p, v, value, err, errlen) < 0)
            return -1;
        *(double *)field = v;
        return 0;
    }
    case PARAM_TIME:
        if (time_parse(value, (sim_time_t *)field, uerr, sizeof uerr) < 0) {
            snprintf(err, errlen, "%s: %s", p->name, uerr);
            return -1;
        }
        return check_bounds(p, (double)*(sim_time_t *)field, value, err, errlen);
    case PARAM_RATE:
        if (rate_parse(value, (bps_t *)field, uerr, sizeof uerr) < 0) {
            snprintf(err, errlen, "%s: %s", p->name, uerr);
            return -1;
        }
        return check_bounds(p, (double)*(bps_t *)field, value, err, errlen);
    case PARAM_SIZE:
        if (size_parse(value, (bytes_t *)field, uerr, sizeof uerr) < 0) {
            snprintf(err, errlen, "%s: %s", p->name, uerr);
            return -1;
        }
        return check_bounds(p, (double)*(bytes_t *)field, value, err, errlen);
    case PARAM_STRING:
    case PARAM_NODE:
        if (strlen(value) >= PARAM_STRING_MAX) {
            snprintf(err, errlen, "%s: value longer than %d characters", p->name,
                     PARAM_STRING_MAX - 1);
            return -1;
        }
        memcpy(field, value, strlen(value) + 1);
        return 0;
    case PARAM_LIST: {
        struct param_list l;
        if (param_list_parse(value, &l, uerr, sizeof uerr) < 0) {
            snprintf(err, errlen, "%s: %s", p->name, uerr);
            return -1;
        }
        list_replace(p, config, &l);
        return 0;
    }
    case PARAM_ENUM: {
        int idx = choice_index(p->choices, value);
        if (idx < 0) {
            snprintf(err, errlen, "%s = \"%s\": expected one of %s", p->name,
                     text_clip(value, cbuf), p->choices);
            return -1;
        }
        *(int *)field = idx;
        return 0;
    }
    }
    snprintf(err, errlen, "%s: unknown parameter type", p->name);
    return -1;
}

int param_defaults(const struct model_def *def, void *config, char *err, size_t errlen)
{
    memset(config, 0, def->config_size);
    for (size_t i = 0; i < def->nparams; i++) {
        const struct param_def *p = &def->params[i];
        if (p->default_value && param_set(p, config, p->default_value, err, errlen) < 0)
            return -1;
    }
    return 0;
}

void param_free(const struct model_def *def, void *config)
{
    for (size_t i = 0; i < def->nparams; i++)
        if (def->params[i].type == PARAM_LIST)
            param_list_free((struct param_list *)((char *)config + def->params[i].offset));
}

/* Items joined by "; "; returns the full length as snprintf does. */
static int list_format(const struct param_list *l, char *buf, size_t len)
{
    size_t need = 0;
    for (size_t i = 0; i < l->n; i++) {
        const char *sep = i ? "; " : "";
        if (need < len)
            snprintf(buf + need, len - need, "%s%s", sep, l->items[i]);
        need += strlen(sep) + strlen(l->items[i]);
    }
    if (l->n == 0 && len)
        buf[0] = '\0';
    return need > INT_MAX ? INT_MAX : (int)need;
}

int param_format(const struct param_def *p, const void *config, char *buf, size_t len)
{
    const char *field = (const char *)config + p->offset;
    switch (p->type) {
    case PARAM_BOOL: return snprintf(buf, len, "%s", *(const bool *)field ? "true" : "false");
    case PARAM_INT: return snprintf(buf, len, "%lld", (long long)*(const int64_t *)field);
    case PARAM_UINT: return snprintf(buf, len, "%llu", (unsigned long long)*(const uint64_t *)field);
    case PARAM_DOUBLE:
    case PARAM_PROB: return snprintf(buf, len, "%.17g", *(const double *)field);
    case PARAM_TIME: return time_format(*(const sim_time_t *)field, buf, len);
    case PARAM_RATE: return rate_format(*(const bps_t *)field, buf, len);
    case PARAM_SIZE: return size_format(*(const bytes_t *)field, buf, len);
    case PARAM_STRING:
    case PARAM_NODE: return snprintf(buf, len, "%s", field);
    case PARAM_LIST: return list_format((const struct param_list *)(const void *)field, buf, len);
    case PARAM_ENUM: {
        int idx = *(const int *)field, i = 0;
        const char *c = p->choices;
        while (i < idx && c && (c = strchr(c, '|')) != NULL) {
            c++;
            i++;
        }
        if (!c)
            return snprintf(buf, len, "?");
        const char *bar = strchr(c, '|');
        return snprintf(buf, len, "%.*s", (int)(bar ? (size_t)(bar - c) : strlen(c)), c);
    }
    }
    return snprintf(buf, len, "?");
}
