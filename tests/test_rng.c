/* test_rng.c - random streams: derivation, reproducibility, independence, distributions.
 *
 * Golden values (keys and first draws) were computed outside mcpsim with Python's hashlib and
 * its own MT19937 (random.setstate with the state rng.c documents), so they check the
 * documented derivation, not just that the code agrees with itself. Statistical checks use a
 * fixed seed, so they are deterministic; each compares a sample moment of N = 100000 draws
 * with its theoretical value and allows 5 standard errors (computed from the theoretical
 * variance or fourth central moment): a correct generator fails such a check with
 * probability below 1e-6 per seed, so passing is not an artefact of a chosen seed, while a
 * wrong parameterisation (rate for mean, variance for sd) misses by hundreds of errors.
 */
#include <gsl/gsl_sf_gamma.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/rng.h"
#include "tests/harness.h"

#define N 100000
#define SIGMAS 5.0

static void test_derive_is_sha256_of_seed_run_and_name(void)
{
    CU_ASSERT_EQUAL(rng_derive(1, 0, "test"), UINT64_C(0xa6afacc42d4ce8b2));
    CU_ASSERT_EQUAL(rng_derive(42, 7, "node/phone17/wifi-loss"), UINT64_C(0xdb1abb8380ad1596));
    CU_ASSERT_EQUAL(rng_derive(0, 0, ""), UINT64_C(0x374708fff7719dd5));
}

static void test_first_draws_match_reference_mt19937(void)
{
    struct { uint64_t seed, run; const char *name; uint32_t want[3]; } cases[] = {
        { 1, 0, "test", { 3181897360u, 871111409u, 2797487835u } },
        { 42, 7, "node/phone17/wifi-loss", { 3261066594u, 411010511u, 333154355u } },
        { 0, 0, "", { 1772510213u, 3021499422u, 837510211u } },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct rng *r = rng_new(cases[i].seed, cases[i].run, cases[i].name);
        CU_ASSERT_PTR_NOT_NULL_FATAL(r);
        CU_ASSERT_EQUAL(rng_key(r), rng_derive(cases[i].seed, cases[i].run, cases[i].name));
        for (int k = 0; k < 3; k++)
            CU_ASSERT_EQUAL(rng_u32(r), cases[i].want[k]);
        rng_free(r);
    }
}

static void test_same_triple_gives_identical_sequence(void)
{
    struct rng *a = rng_new(2026, 3, "link/R1-dMCP/loss");
    struct rng *b = rng_new(2026, 3, "link/R1-dMCP/loss");
    int same = 1;
    for (int i = 0; i < N && same; i++) {
        same &= rng_u32(a) == rng_u32(b);
        same &= rng_normal(a, 1, 2) == rng_normal(b, 1, 2);
        same &= rng_poisson(a, 3) == rng_poisson(b, 3);
    }
    CU_ASSERT(same);
    rng_free(a);
    rng_free(b);
}

/* Number of positions where two streams' first n outputs agree: for independent 32-bit
 * outputs the expected count is n / 2^32, so more than one agreement means a shared start. */
static int agreements(struct rng *a, struct rng *b, int n)
{
    int eq = 0;
    for (int i = 0; i < n; i++)
        eq += rng_u32(a) == rng_u32(b);
    return eq;
}

static void test_changing_seed_run_or_name_changes_the_sequence(void)
{
    struct { uint64_t seed, run; const char *name; } other[] = {
        { 7, 0, "app/phone1" }, { 8, 1, "app/phone1" }, { 8, 0, "app/phone2" },
        { 8, 0, "app/phone1 " }, { 8, 0, "app/phone" }, { 0, 8, "app/phone1" },
    };
    for (size_t i = 0; i < sizeof other / sizeof other[0]; i++) {
        struct rng *a = rng_new(8, 0, "app/phone1");
        struct rng *b = rng_new(other[i].seed, other[i].run, other[i].name);
        CU_ASSERT(agreements(a, b, 1000) <= 1);
        rng_free(a);
        rng_free(b);
    }
}

static void test_adding_streams_leaves_existing_draws_unchanged(void)
{
    uint32_t alone[2000];
    struct rng *a = rng_new(5, 2, "node/uMCP/syn-jitter");
    for (int i = 0; i < 2000; i++)
        alone[i] = rng_u32(a);
    rng_free(a);

    /* The same stream again, now among streams created before and after it and drawn
     * from in between: its draws must not move. */
    struct rng *before = rng_new(5, 2, "node/phone1/arrivals");
    a = rng_new(5, 2, "node/uMCP/syn-jitter");
    struct rng *after = NULL;
    int same = 1;
    for (int i = 0; i < 2000; i++) {
        if (i == 1000)
            after = rng_new(5, 2, "node/phone2/arrivals");
        rng_exponential(before, 1.0);
        if (after)
            rng_uniform(after);
        same &= rng_u32(a) == alone[i];
    }
    CU_ASSERT(same);
    rng_free(before);
    rng_free(after);
    rng_free(a);
}

/* Pearson correlation of N uniforms from two streams; for independent streams it is
 * approximately normal with standard error 1/sqrt(N). */
static double correlation(struct rng *a, struct rng *b)
{
    double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
    for (int i = 0; i < N; i++) {
        double x = rng_uniform(a), y = rng_uniform(b);
        sx += x, sy += y, sxx += x * x, syy += y * y, sxy += x * y;
    }
    double cov = sxy / N - sx / N * sy / N;
    return cov / sqrt((sxx / N - sx / N * sx / N) * (syy / N - sy / N * sy / N));
}

static void test_neighbouring_streams_are_uncorrelated(void)
{
    struct { uint64_t run; const char *name; } pairs[][2] = {
        { { 0, "node/phone1" }, { 0, "node/phone2" } },   /* sibling names */
        { { 0, "node/phone1" }, { 1, "node/phone1" } },   /* consecutive runs */
    };
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        struct rng *a = rng_new(1, pairs[i][0].run, pairs[i][0].name);
        struct rng *b = rng_new(1, pairs[i][1].run, pairs[i][1].name);
        CU_ASSERT(fabs(correlation(a, b)) < SIGMAS / sqrt(N));
        rng_free(a);
        rng_free(b);
    }
}

/* Moments of N draws. mu4 is the fourth central moment, used for the standard error of the
 * sample variance, sqrt((mu4 - var^2) / N); pass 0 to skip the variance check. */
struct moments { double mean, var; };

static struct moments sample(struct rng *r, double (*draw)(struct rng *, const void *),
                             const void *par)
{
    double sum = 0, sum2 = 0;
    for (int i = 0; i < N; i++) {
        double x = draw(r, par);
        sum += x;
        sum2 += x * x;
    }
    struct moments m = { sum / N, 0 };
    m.var = (sum2 - sum * m.mean) / (N - 1);
    return m;
}

static void check(const char *what, struct moments m, double mean, double var, double mu4)
{
    double se_mean = sqrt(var / N);
    if (fabs(m.mean - mean) >= SIGMAS * se_mean)
        fprintf(stderr, "%s: mean %g, expected %g +- %g\n", what, m.mean, mean, SIGMAS * se_mean);
    CU_ASSERT(fabs(m.mean - mean) < SIGMAS * se_mean);
    if (mu4 > 0) {
        double se_var = sqrt((mu4 - var * var) / N);
        if (fabs(m.var - var) >= SIGMAS * se_var)
            fprintf(stderr, "%s: variance %g, expected %g +- %g\n", what, m.var, var,
                    SIGMAS * se_var);
        CU_ASSERT(fabs(m.var - var) < SIGMAS * se_var);
    }
}

static double d_exp(struct rng *r, const void *par)
{
    const double *p = par;
    return rng_exponential(r, p[0]);
}

static double d_norm(struct rng *r, const void *par)
{
    const double *p = par;
    return rng_normal(r, p[0], p[1]);
}

static double d_bern(struct rng *r, const void *par)
{
    const double *p = par;
    return rng_bernoulli(r, p[0]);
}

static double d_pois(struct rng *r, const void *par)
{
    const double *p = par;
    return rng_poisson(r, p[0]);
}

static double d_logn(struct rng *r, const void *par)
{
    const double *p = par;
    return rng_lognormal(r, p[0], p[1]);
}

static double d_pareto(struct rng *r, const void *par)
{
    const double *p = par;
    return rng_pareto(r, p[0], p[1]);
}

static double d_weib(struct rng *r, const void *par)
{
    const double *p = par;
    return rng_weibull(r, p[0], p[1]);
}

static double d_gamma(struct rng *r, const void *par)
{
    const double *p = par;
    return rng_gamma(r, p[0], p[1]);
}

static double d_geom(struct rng *r, const void *par)
{
    const double *p = par;
    return rng_geometric(r, p[0]);
}

static double d_unif(struct rng *r, const void *par)
{
    (void)par;
    return rng_uniform(r);
}

static void test_exponential_normal_bernoulli_poisson_match_theory(void)
{
    struct rng *r = rng_new(99, 0, "tests/moments");
    double mu = 2.5, m = 1.5, sd = 0.7, p = 0.1, lambda = 4.0;
    check("exponential", sample(r, d_exp, (double[]){ mu }), mu, mu * mu, 9 * pow(mu, 4));
    check("normal", sample(r, d_norm, (double[]){ m, sd }), m, sd * sd, 3 * pow(sd, 4));
    check("bernoulli", sample(r, d_bern, (double[]){ p }), p, p * (1 - p),
          p * (1 - p) * (1 - 3 * p + 3 * p * p));
    check("poisson", sample(r, d_pois, (double[]){ lambda }), lambda, lambda,
          lambda + 3 * lambda * lambda);
    check("uniform", sample(r, d_unif, NULL), 0.5, 1.0 / 12, 1.0 / 80);
    rng_free(r);
}

static void test_heavy_and_shape_distributions_have_documented_means(void)
{
    struct rng *r = rng_new(99, 0, "tests/means");
    double mu = 0.2, s = 0.5;          /* lognormal of N(mu, s) */
    double a = 3, xm = 2;              /* pareto: mean a xm/(a-1), var xm^2 a/((a-1)^2 (a-2)) */
    double lam = 2, k = 1.5;           /* weibull scale, shape */
    double gk = 2, th = 3;             /* gamma shape, scale */
    double gp = 0.25;                  /* geometric */
    double g1 = gsl_sf_gamma(1 + 1 / k), g2 = gsl_sf_gamma(1 + 2 / k);

    check("lognormal", sample(r, d_logn, (double[]){ mu, s }), exp(mu + s * s / 2),
          (exp(s * s) - 1) * exp(2 * mu + s * s), 0);
    check("pareto", sample(r, d_pareto, (double[]){ a, xm }), a * xm / (a - 1),
          xm * xm * a / ((a - 1) * (a - 1) * (a - 2)), 0);
    check("weibull", sample(r, d_weib, (double[]){ lam, k }), lam * g1,
          lam * lam * (g2 - g1 * g1), 0);
    check("gamma", sample(r, d_gamma, (double[]){ gk, th }), gk * th, gk * th * th, 0);
    check("geometric", sample(r, d_geom, (double[]){ gp }), 1 / gp, (1 - gp) / (gp * gp), 0);
    rng_free(r);
}

static void test_uniform_is_open_and_uniform_int_unbiased(void)
{
    struct rng *r = rng_new(3, 0, "tests/uniform");
    int inside = 1;
    for (int i = 0; i < N; i++) {
        double u = rng_uniform(r);
        inside &= u > 0 && u < 1;
    }
    CU_ASSERT(inside);

    /* 7 buckets (not a power of two, where modulo bias would show): each count is
     * binomial(N, 1/7). */
    int count[7] = { 0 };
    for (int i = 0; i < N; i++) {
        uint32_t v = rng_uniform_int(r, 7);
        CU_ASSERT_FATAL(v < 7);
        count[v]++;
    }
    double e = N / 7.0, se = sqrt(N * (1 / 7.0) * (6 / 7.0));
    for (int i = 0; i < 7; i++)
        CU_ASSERT(fabs(count[i] - e) < SIGMAS * se);
    rng_free(r);
}

static void test_discrete_frequencies_follow_weights(void)
{
    double w[] = { 1, 0, 3, 6 };
    struct rng_discrete *d;
    char err[200];
    CU_ASSERT_EQUAL_FATAL(rng_discrete_new(w, 4, &d, err, sizeof err), 0);
    struct rng *r = rng_new(3, 0, "tests/discrete");
    int count[4] = { 0 };
    for (int i = 0; i < N; i++) {
        size_t v = rng_discrete(r, d);
        CU_ASSERT_FATAL(v < 4);
        count[v]++;
    }
    CU_ASSERT_EQUAL(count[1], 0);
    for (int i = 0; i < 4; i++) {
        double p = w[i] / 10;
        CU_ASSERT(fabs(count[i] - N * p) <= SIGMAS * sqrt(N * p * (1 - p)));
    }
    rng_free(r);
    rng_discrete_free(d);

    double neg[] = { 1, -1 }, zero[] = { 0, 0 };
    CU_ASSERT_EQUAL(rng_discrete_new(neg, 2, &d, err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "weight 1 is -1"));
    CU_ASSERT_EQUAL(rng_discrete_new(zero, 2, &d, err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "all 2 weights are zero"));
    CU_ASSERT_EQUAL(rng_discrete_new(neg, 0, &d, err, sizeof err), -1);
}

static double d_emp(struct rng *r, const void *par) { return rng_empirical(r, par); }

static void test_empirical_interpolates_the_cdf_linearly(void)
{
    /* A flow-size style CDF with a zero-probability segment [10, 20]: linear interpolation
     * makes each segment uniform, so the mean is sum of P(segment) * midpoint and the
     * variance follows from E[X^2] = sum P * (a^2 + ab + b^2) / 3. */
    double x[] = { 0, 10, 20, 100 }, c[] = { 0, 0.5, 0.5, 1 };
    double mean = 0.5 * 5 + 0.5 * 60;
    double ex2 = 0.5 * 100.0 / 3 + 0.5 * (400 + 2000 + 10000) / 3.0;
    struct rng_empirical *e;
    char err[200];
    CU_ASSERT_EQUAL_FATAL(rng_empirical_new(x, c, 4, &e, err, sizeof err), 0);
    struct rng *r = rng_new(3, 0, "tests/empirical");
    check("empirical", sample(r, d_emp, e), mean,
          ex2 - mean * mean, 0);
    int in_gap = 0;
    for (int i = 0; i < N; i++) {
        double v = rng_empirical(r, e);
        in_gap += v > 10 && v < 20;
    }
    CU_ASSERT_EQUAL(in_gap, 0);
    rng_free(r);
    rng_empirical_free(e);

    double up[] = { 0, 5, 5 }, cu[] = { 0, 0.5, 1 }, cbad[] = { 0, 0.7, 0.9 };
    CU_ASSERT_EQUAL(rng_empirical_new(up, cu, 3, &e, err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "point 2"));
    CU_ASSERT_EQUAL(rng_empirical_new(x, cbad, 3, &e, err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "end at 1"));
    CU_ASSERT_EQUAL(rng_empirical_new(x, c, 1, &e, err, sizeof err), -1);
}

SUITE(rng, NULL, NULL,
      TEST(test_derive_is_sha256_of_seed_run_and_name),
      TEST(test_first_draws_match_reference_mt19937),
      TEST(test_same_triple_gives_identical_sequence),
      TEST(test_changing_seed_run_or_name_changes_the_sequence),
      TEST(test_adding_streams_leaves_existing_draws_unchanged),
      TEST(test_neighbouring_streams_are_uncorrelated),
      TEST(test_exponential_normal_bernoulli_poisson_match_theory),
      TEST(test_heavy_and_shape_distributions_have_documented_means),
      TEST(test_uniform_is_open_and_uniform_int_unbiased),
      TEST(test_discrete_frequencies_follow_weights),
      TEST(test_empirical_interpolates_the_cdf_linearly))
