/* rng.c - stream derivation and GSL-backed distributions (see rng.h).
 *
 * Why the seed is not simply passed to gsl_rng_set(): GSL generators use at most 32 bits of
 * it (MT19937, RANLXD2, taus2 and MRG give the same sequence for s and s + 2^32). Among n
 * streams with 32-bit seeds, n^2 / 2^33 pairs are expected to share a seed: about one for
 * 10^5 streams, a scenario of thousands of phones. Instead the stream's 64-bit key is
 * expanded with SplitMix64 into all 624 words of the MT19937 state, which GSL lets callers
 * reach through gsl_rng_state() ("you can use this information to access the state
 * directly", GSL manual, "Auxiliary random number generator functions"). MT19937 is fast
 * (about 10 ns per uniform through GSL's call layers), equidistributed in 623 dimensions and
 * has a period of 2^19937 - 1, so streams started at 2^64 unrelated points never overlap.
 * RANLXD2 has stronger decorrelation proofs but is several times slower and has the same
 * 32-bit seed limit; what decides here is the per-stream seed space, which the fill gives.
 */
#include "sim/rng.h"

#include <gsl/gsl_histogram.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <nettle/sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/hash.h"

struct rng {
    gsl_rng *g;
    uint64_t key;
};

struct rng_discrete {
    gsl_ran_discrete_t *table;
};

struct rng_empirical {
    gsl_histogram_pdf *pdf;
};

/* GSL's private MT19937 state (mt.c: mt_state_t). Its layout has not changed since GSL 1.0;
 * mt_state_layout_ok() verifies it against gsl_rng_set() before anything is written. */
#define MT_N 624
struct mt_state {
    unsigned long mt[MT_N];
    int mti;
};

static void put_be64(uint8_t *b, uint64_t v)
{
    for (int i = 7; i >= 0; i--) {
        b[i] = (uint8_t)v;
        v >>= 8;
    }
}

uint64_t rng_derive(uint64_t seed, uint64_t run, const char *stream_name)
{
    struct sha256_ctx ctx;
    uint8_t fixed[16], digest[SHA256_DIGEST_SIZE];
    uint64_t key = 0;

    put_be64(fixed, seed);
    put_be64(fixed + 8, run);
    sha256_init(&ctx);
    sha256_update(&ctx, sizeof fixed, fixed);
    sha256_update(&ctx, strlen(stream_name), (const uint8_t *)stream_name);
    sha256_digest(&ctx, sizeof digest, digest);
    for (int i = 0; i < 8; i++)
        key = key << 8 | digest[i];
    return key;
}

/* SplitMix64 (Steele, Lea, Flood, "Fast splittable pseudorandom number generators",
 * OOPSLA 2014): a bijective 64-bit mix of a Weyl sequence, the usual way to expand one
 * 64-bit seed into a large generator state without the correlations of an LCG fill. */
static uint64_t splitmix64(uint64_t *x)
{
    return hash_mix64(*x += UINT64_C(0x9e3779b97f4a7c15));
}

static int mt_state_layout_ok(gsl_rng *g)
{
    const struct mt_state *st = gsl_rng_state(g);
    const unsigned long s = 12345;

    if (gsl_rng_size(g) != sizeof *st)
        return 0;
    gsl_rng_set(g, s);
    return st->mti == MT_N && st->mt[0] == s &&
           st->mt[1] == ((1812433253UL * (s ^ (s >> 30)) + 1) & 0xffffffffUL);
}

/* Word i of the state is the high half of the i-th SplitMix64 output. Only the top bit of
 * mt[0] enters the recurrence; it is set, as in the reference init_by_array(), so the state
 * can never be all zero. mti = MT_N makes the first draw regenerate the whole block. */
static void mt_fill(gsl_rng *g, uint64_t key)
{
    struct mt_state *st = gsl_rng_state(g);
    uint64_t x = key;

    for (int i = 0; i < MT_N; i++)
        st->mt[i] = (unsigned long)(splitmix64(&x) >> 32);
    st->mt[0] = 0x80000000UL;
    st->mti = MT_N;
}

struct rng *rng_new(uint64_t seed, uint64_t run, const char *stream_name)
{
    struct rng *r = malloc(sizeof *r);
    if (!r)
        return NULL;
    r->g = gsl_rng_alloc(gsl_rng_mt19937);
    if (!r->g)
        goto err;
    if (!mt_state_layout_ok(r->g))
        goto err;
    r->key = rng_derive(seed, run, stream_name);
    mt_fill(r->g, r->key);
    return r;
err:
    if (r->g)
        gsl_rng_free(r->g);
    free(r);
    return NULL;
}

void rng_free(struct rng *r)
{
    if (!r)
        return;
    gsl_rng_free(r->g);
    free(r);
}

uint64_t rng_key(const struct rng *r) { return r->key; }
gsl_rng *rng_gsl(struct rng *r) { return r->g; }
uint32_t rng_u32(struct rng *r) { return (uint32_t)gsl_rng_get(r->g); }
double rng_uniform(struct rng *r) { return gsl_rng_uniform_pos(r->g); }

uint32_t rng_uniform_int(struct rng *r, uint32_t n)
{
    return (uint32_t)gsl_rng_uniform_int(r->g, n);
}

double rng_exponential(struct rng *r, double mean) { return gsl_ran_exponential(r->g, mean); }

double rng_normal(struct rng *r, double mean, double sd)
{
    return mean + gsl_ran_gaussian_ziggurat(r->g, sd);
}

double rng_lognormal(struct rng *r, double mu, double sigma)
{
    return gsl_ran_lognormal(r->g, mu, sigma);
}

double rng_pareto(struct rng *r, double shape, double scale)
{
    return gsl_ran_pareto(r->g, shape, scale);
}

double rng_weibull(struct rng *r, double scale, double shape)
{
    return gsl_ran_weibull(r->g, scale, shape);
}

double rng_gamma(struct rng *r, double shape, double scale)
{
    return gsl_ran_gamma(r->g, shape, scale);
}

int rng_bernoulli(struct rng *r, double p) { return (int)gsl_ran_bernoulli(r->g, p); }
unsigned int rng_poisson(struct rng *r, double mean) { return gsl_ran_poisson(r->g, mean); }
unsigned int rng_geometric(struct rng *r, double p) { return gsl_ran_geometric(r->g, p); }

int rng_discrete_new(const double *weight, size_t n, struct rng_discrete **out, char *err,
                     size_t errlen)
{
    double sum = 0;

    if (n == 0) {
        snprintf(err, errlen, "discrete distribution: no weights given");
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(weight[i]) || weight[i] < 0) {
            snprintf(err, errlen, "discrete distribution: weight %zu is %g, expected a finite "
                     "number >= 0", i, weight[i]);
            return -1;
        }
        sum += weight[i];
    }
    if (sum <= 0) {
        snprintf(err, errlen, "discrete distribution: all %zu weights are zero", n);
        return -1;
    }
    struct rng_discrete *d = malloc(sizeof *d);
    if (!d)
        return -2;
    d->table = gsl_ran_discrete_preproc(n, weight);
    if (!d->table) {
        free(d);
        return -2;
    }
    *out = d;
    return 0;
}

void rng_discrete_free(struct rng_discrete *d)
{
    if (!d)
        return;
    gsl_ran_discrete_free(d->table);
    free(d);
}

size_t rng_discrete(struct rng *r, const struct rng_discrete *d)
{
    return gsl_ran_discrete(r->g, d->table);
}

static int empirical_check(const double *value, const double *cdf, size_t n, char *err,
                           size_t errlen)
{
    if (n < 2) {
        snprintf(err, errlen, "empirical distribution: %zu points given, expected at least 2", n);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(value[i]) || !isfinite(cdf[i]) || cdf[i] < 0 || cdf[i] > 1) {
            snprintf(err, errlen, "empirical distribution: point %zu (%g, %g): expected a "
                     "finite value and a probability in [0, 1]", i, value[i], cdf[i]);
            return -1;
        }
        if (i > 0 && (value[i] <= value[i - 1] || cdf[i] < cdf[i - 1])) {
            snprintf(err, errlen, "empirical distribution: point %zu (%g, %g): values must "
                     "increase strictly and probabilities must not decrease", i, value[i],
                     cdf[i]);
            return -1;
        }
    }
    if (cdf[0] != 0 || cdf[n - 1] != 1) {
        snprintf(err, errlen, "empirical distribution: the CDF must start at 0 and end at 1, "
                 "got %g and %g", cdf[0], cdf[n - 1]);
        return -1;
    }
    return 0;
}

/* Each segment [value[i], value[i+1]] becomes a histogram bin weighted by its probability;
 * gsl_histogram_pdf_sample() draws a bin then a uniform point inside it, which is exactly
 * the linear interpolation of the CDF. */
int rng_empirical_new(const double *value, const double *cdf, size_t n,
                      struct rng_empirical **out, char *err, size_t errlen)
{
    if (empirical_check(value, cdf, n, err, errlen) < 0)
        return -1;
    struct rng_empirical *e = calloc(1, sizeof *e);
    gsl_histogram *h = gsl_histogram_alloc(n - 1);
    if (!e || !h)
        goto nomem;
    if (gsl_histogram_set_ranges(h, value, n) != 0)
        goto nomem;
    for (size_t i = 0; i + 1 < n; i++)
        h->bin[i] = cdf[i + 1] - cdf[i];
    e->pdf = gsl_histogram_pdf_alloc(n - 1);
    if (!e->pdf || gsl_histogram_pdf_init(e->pdf, h) != 0)
        goto nomem;
    gsl_histogram_free(h);
    *out = e;
    return 0;
nomem:
    if (e && e->pdf)
        gsl_histogram_pdf_free(e->pdf);
    if (h)
        gsl_histogram_free(h);
    free(e);
    return -2;
}

void rng_empirical_free(struct rng_empirical *e)
{
    if (!e)
        return;
    gsl_histogram_pdf_free(e->pdf);
    free(e);
}

double rng_empirical(struct rng *r, const struct rng_empirical *e)
{
    return gsl_histogram_pdf_sample(e->pdf, gsl_rng_uniform(r->g));
}
