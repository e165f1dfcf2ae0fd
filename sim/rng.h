/* rng.h - independent random streams and the distributions models draw from.
 *
 * Every model instance draws from its own stream, named by the model (for example
 * "node/phone17/wifi-loss"). A stream is identified by the triple (scenario seed, run number,
 * stream name) and nothing else: there is no global generator, so adding a node (a new
 * stream name) never changes another stream's draws, and run numbers give independent
 * repetitions of a sweep point. The triple is hashed by rng_derive() (SHA-256, documented in
 * docs/engine.md "Random streams") into a 64-bit key; the key is expanded by SplitMix64 into
 * the whole 19968-bit state of a GSL MT19937 generator, so two streams start at unrelated
 * points of a period of 2^19937 - 1 and can never overlap in practice.
 *
 * The distributions are GSL's (gsl_ran_*), wrapped so that every parameter is named and its
 * meaning documented here; rng_gsl() exposes the generator for any other GSL function.
 * Parameters are not checked on the draw path (it is hot): models validate them when they
 * read their configuration. Not modelled: quasi-random sequences, antithetic variates.
 */
#ifndef MCPSIM_SIM_RNG_H
#define MCPSIM_SIM_RNG_H

#include <gsl/gsl_rng.h>
#include <stddef.h>
#include <stdint.h>

struct rng;

/* The 64-bit key of stream (seed, run, stream_name): the first 8 bytes, read big-endian, of
 * SHA-256(seed as 8 bytes big-endian || run as 8 bytes big-endian || the name's bytes without
 * its terminating NUL). Fixed-width fields make the encoding injective. */
uint64_t rng_derive(uint64_t seed, uint64_t run, const char *stream_name);

/* A new stream; NULL when memory is exhausted (or GSL's MT19937 state does not have the
 * layout rng.c fills, which a test checks). Cost: one SHA-256 and 624 SplitMix64 steps;
 * memory: about 5 KB (the MT19937 state), so create streams per model instance, not per flow. */
struct rng *rng_new(uint64_t seed, uint64_t run, const char *stream_name);
void rng_free(struct rng *r);

/* The key rng_derive() gave this stream (for logs and the results database). */
uint64_t rng_key(const struct rng *r);

/* The GSL generator, for any gsl_ran_* function not wrapped here. */
gsl_rng *rng_gsl(struct rng *r);

/* Raw 32-bit output of the generator, uniform over [0, 2^32 - 1]. */
uint32_t rng_u32(struct rng *r);

/* Uniform on the open interval (0, 1): never 0, so log() of it is finite. */
double rng_uniform(struct rng *r);

/* Uniform integer in [0, n - 1], without modulo bias; 1 <= n <= 2^32 - 1. */
uint32_t rng_uniform_int(struct rng *r, uint32_t n);

/* Exponential with the given mean (= 1/rate): p(x) = exp(-x/mean)/mean, x >= 0. */
double rng_exponential(struct rng *r, double mean);

/* Normal (Gaussian) with mean and standard deviation sd > 0 (ziggurat method). */
double rng_normal(struct rng *r, double mean, double sd);

/* Lognormal: exp(N(mu, sigma)); mu and sigma are the mean and standard deviation of the
 * underlying normal (the logarithm), not of the result. The result's mean is
 * exp(mu + sigma^2/2). */
double rng_lognormal(struct rng *r, double mu, double sigma);

/* Pareto (type I) with shape a > 0 and scale (minimum) xm > 0: P(X > x) = (xm/x)^a for
 * x >= xm. Mean a*xm/(a-1) for a > 1; infinite variance for a <= 2. */
double rng_pareto(struct rng *r, double shape, double scale);

/* Weibull with scale lambda > 0 and shape k > 0: P(X > x) = exp(-(x/lambda)^k), x >= 0. */
double rng_weibull(struct rng *r, double scale, double shape);

/* Gamma with shape k > 0 and scale theta > 0: mean k*theta, variance k*theta^2. */
double rng_gamma(struct rng *r, double shape, double scale);

/* 1 with probability p (0 <= p <= 1), else 0. */
int rng_bernoulli(struct rng *r, double p);

/* Poisson with the given mean (> 0): P(k) = mean^k exp(-mean) / k!. */
unsigned int rng_poisson(struct rng *r, double mean);

/* Geometric: the number of Bernoulli(p) trials up to and including the first success,
 * k >= 1, P(k) = p (1-p)^(k-1), mean 1/p; 0 < p <= 1. */
unsigned int rng_geometric(struct rng *r, double p);

/* A discrete distribution over indices 0..n-1 with P(i) proportional to weight[i]
 * (Walker's alias method, gsl_ran_discrete: O(n) set-up, O(1) per draw). */
struct rng_discrete;

/* 0, or -1 with a message in err when n is 0, a weight is negative or not finite, or all are
 * zero; -2 when memory is exhausted. */
int rng_discrete_new(const double *weight, size_t n, struct rng_discrete **out, char *err,
                     size_t errlen);
void rng_discrete_free(struct rng_discrete *d);
size_t rng_discrete(struct rng *r, const struct rng_discrete *d);

/* An empirical continuous distribution given by its CDF at n >= 2 points:
 * P(X <= value[i]) = cdf[i], with values strictly increasing, cdf non-decreasing, cdf[0] = 0
 * and cdf[n-1] = 1; between points the CDF is linear (as ns-3's EmpiricalRandomVariable with
 * interpolation). Typical use: flow sizes of a measured workload. Built on gsl_histogram_pdf. */
struct rng_empirical;

/* 0, or -1 with a message naming the offending point in err; -2 when memory is exhausted. */
int rng_empirical_new(const double *value, const double *cdf, size_t n,
                      struct rng_empirical **out, char *err, size_t errlen);
void rng_empirical_free(struct rng_empirical *e);
double rng_empirical(struct rng *r, const struct rng_empirical *e);

#endif
