/* app_dist.h - random sizes and times for applications, written as short strings.
 *
 * A parameter such as a request size or a think time is either a constant or a distribution
 * over values with a unit, so a scenario says what it means without a table of its own:
 *   "10kB"                   constant
 *   "exp(10kB)"              exponential with that mean
 *   "uniform(1kB,9kB)"       uniform between the two
 *   "pareto(1.2,5kB)"        Pareto with shape 1.2 and minimum (scale) 5kB (heavy-tailed web
 *                            objects; the mean is shape*min/(shape-1) when shape > 1)
 *   "lognormal(20kB,1.0)"    lognormal with that median and sigma of the underlying normal
 * The unit kind is the caller's (sizes with sim/units.h size_parse, times with time_parse);
 * values are held in base units (bytes, picoseconds) and draws are rounded to integers and
 * clamped at 0. Draws use the caller's stream (sim/rng.h), one draw per value.
 * Not modelled: empirical CDF files (rng_empirical is there when a study needs them).
 */
#ifndef MCPSIM_MODELS_APP_APP_DIST_H
#define MCPSIM_MODELS_APP_APP_DIST_H

#include <stddef.h>
#include <stdint.h>

#include "sim/rng.h"

enum app_dist_kind { APP_DIST_CONST, APP_DIST_EXP, APP_DIST_UNIFORM, APP_DIST_PARETO,
                     APP_DIST_LOGNORMAL };
enum app_dist_unit { APP_DIST_SIZE, APP_DIST_TIME };

struct app_dist {
    enum app_dist_kind kind;
    double a, b; /* const: a; exp: mean a; uniform: [a, b]; pareto: shape a, min b;
                  * lognormal: median a, sigma b */
};

/* Parses s; 0, or -1 with a message quoting s and listing the accepted forms. */
int app_dist_parse(const char *s, enum app_dist_unit unit, struct app_dist *out, char *err,
                   size_t errlen);
/* One draw (bytes or picoseconds), >= 0. r may be NULL for a constant. */
int64_t app_dist_draw(const struct app_dist *d, struct rng *r);
/* The mean (for documentation and tests); infinity for a Pareto with shape <= 1. */
double app_dist_mean(const struct app_dist *d);

#endif
