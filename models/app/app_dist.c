/* app_dist.c - constant and random sizes and times from short strings (app_dist.h). */
#include "models/app/app_dist.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/units.h"

#define FORMS "a value (10kB), exp(MEAN), uniform(LO,HI), pareto(SHAPE,MIN) or " \
              "lognormal(MEDIAN,SIGMA)"

/* A size or a time; a time is never negative (a negative period would run the clock
 * backwards). */
static int value_parse(const char *s, enum app_dist_unit unit, double *out, char *err,
                       size_t errlen)
{
    if (unit == APP_DIST_SIZE) {
        bytes_t b;
        if (size_parse(s, &b, err, errlen) < 0)
            return -1;
        *out = (double)b;
    } else {
        sim_time_t t;
        if (time_parse(s, &t, err, errlen) < 0)
            return -1;
        if (t < 0) {
            snprintf(err, errlen, "a time must not be negative");
            return -1;
        }
        *out = (double)t;
    }
    return 0;
}

static int number_parse(const char *s, double *out)
{
    char *end;
    *out = strtod(s, &end);
    return end != s && *end == '\0' && isfinite(*out) ? 0 : -1;
}

int app_dist_parse(const char *s, enum app_dist_unit unit, struct app_dist *out, char *err,
                   size_t errlen)
{
    static const struct {
        const char *name;
        enum app_dist_kind kind;
        int nargs;
        int first_is_number, second_is_number;
    } forms[] = {
        { "exp", APP_DIST_EXP, 1, 0, 0 },
        { "uniform", APP_DIST_UNIFORM, 2, 0, 0 },
        { "pareto", APP_DIST_PARETO, 2, 1, 0 },
        { "lognormal", APP_DIST_LOGNORMAL, 2, 0, 1 },
    };
    char why[256];
    const char *open = strchr(s, '(');
    memset(out, 0, sizeof *out);
    if (!open) {
        if (value_parse(s, unit, &out->a, why, sizeof why) < 0) {
            snprintf(err, errlen, "\"%s\": %s; expected %s", s, why, FORMS);
            return -1;
        }
        out->kind = APP_DIST_CONST;
        return 0;
    }
    size_t len = strlen(s), nlen = (size_t)(open - s);
    char args[128];
    if (s[len - 1] != ')' || len - nlen - 2 >= sizeof args) {
        snprintf(err, errlen, "\"%s\": expected %s", s, FORMS);
        return -1;
    }
    memcpy(args, open + 1, len - nlen - 2);
    args[len - nlen - 2] = '\0';
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
        if (strlen(forms[i].name) != nlen || strncmp(s, forms[i].name, nlen) != 0)
            continue;
        char *comma = strchr(args, ',');
        if ((forms[i].nargs == 2) != (comma != NULL)) {
            snprintf(err, errlen, "\"%s\": %s takes %d argument%s; expected %s", s,
                     forms[i].name, forms[i].nargs, forms[i].nargs == 2 ? "s" : "", FORMS);
            return -1;
        }
        if (comma)
            *comma = '\0';
        const char *a1 = args, *a2 = comma ? comma + 1 : NULL;
        why[0] = '\0';
        int bad = forms[i].first_is_number ? number_parse(a1, &out->a)
                                           : value_parse(a1, unit, &out->a, why, sizeof why);
        if (!bad && a2)
            bad = forms[i].second_is_number ? number_parse(a2, &out->b)
                                            : value_parse(a2, unit, &out->b, why, sizeof why);
        if (bad) {
            snprintf(err, errlen, "\"%s\": bad argument of %s (%s); expected %s", s,
                     forms[i].name, why[0] ? why : "not a number", FORMS);
            return -1;
        }
        out->kind = forms[i].kind;
        if ((out->kind == APP_DIST_UNIFORM && out->b < out->a) ||
            (out->kind == APP_DIST_PARETO && (out->a <= 0 || out->b <= 0)) ||
            (out->kind == APP_DIST_LOGNORMAL && (out->a <= 0 || out->b < 0)) ||
            (out->kind == APP_DIST_EXP && out->a <= 0)) {
            snprintf(err, errlen,
                     "\"%s\": expected exp mean > 0, uniform LO <= HI, pareto shape and min "
                     "> 0, lognormal median > 0 and sigma >= 0", s);
            return -1;
        }
        return 0;
    }
    snprintf(err, errlen, "\"%s\": unknown distribution; expected %s", s, FORMS);
    return -1;
}

int64_t app_dist_draw(const struct app_dist *d, struct rng *r)
{
    double x;
    switch (d->kind) {
    case APP_DIST_EXP:
        x = rng_exponential(r, d->a);
        break;
    case APP_DIST_UNIFORM:
        x = d->a + (d->b - d->a) * rng_uniform(r);
        break;
    case APP_DIST_PARETO:
        x = rng_pareto(r, d->a, d->b);
        break;
    case APP_DIST_LOGNORMAL:
        x = rng_lognormal(r, log(d->a), d->b);
        break;
    default:
        x = d->a;
        break;
    }
    if (!(x > 0))
        return 0;
    return x >= 9.2e18 ? INT64_MAX : (int64_t)(x + 0.5);
}

double app_dist_mean(const struct app_dist *d)
{
    switch (d->kind) {
    case APP_DIST_EXP:
        return d->a;
    case APP_DIST_UNIFORM:
        return (d->a + d->b) / 2;
    case APP_DIST_PARETO:
        return d->a > 1 ? d->a * d->b / (d->a - 1) : (double)INFINITY;
    case APP_DIST_LOGNORMAL:
        return d->a * exp(d->b * d->b / 2);
    default:
        return d->a;
    }
}
