/* test_loss.c - the loss models against their stationary loss rates, with fixed seeds.
 *
 * Counts are compared with 95% confidence intervals, as the issue asks: binomial for
 * Bernoulli; for Gilbert-Elliott the losses are correlated through the chain, so the
 * interval uses the asymptotic variance of a Markov-modulated Bernoulli sum,
 * n (E[e(1-e)] + Var(e_S) (1 + lambda) / (1 - lambda)), with e_S the loss probability of
 * state S and lambda = 1 - p_gb - p_bg the chain's second eigenvalue. The seeds were fixed
 * before the first run; the outcome is deterministic. Each test also checks that its
 * interval is narrow enough to tell a wrong rate (a swapped state, a missing transition)
 * from the right one.
 */
#include <math.h>
#include <string.h>

#include "models/net/loss.h"
#include "tests/harness.h"

static void test_bernoulli_loss_rate_is_within_the_binomial_interval(void)
{
    const double p = 0.1;
    const uint64_t n = 200000;
    struct loss_config c = { .kind = LOSS_BERNOULLI, .p = p };
    struct loss l;
    char err[256];
    struct rng *r = rng_new(5, 0, "test/bernoulli");
    CU_ASSERT_EQUAL_FATAL(loss_init(&l, &c, r, err, sizeof err), 0);
    for (uint64_t i = 0; i < n; i++)
        loss_lose(&l);
    double half = 1.96 * sqrt((double)n * p * (1 - p));
    CU_ASSERT_EQUAL(l.seen, n);
    CU_ASSERT(fabs((double)l.lost - (double)n * p) <= half);
    CU_ASSERT(half < 0.02 * (double)n * p); /* 1.3%: 9% or 11% would fall far outside */
    loss_fini(&l);
    rng_free(r);
}

static void test_gilbert_elliott_loss_rate_matches_the_stationary_rate(void)
{
    const double p_gb = 0.01, p_bg = 0.3, e_g = 0.01, e_b = 0.8;
    const uint64_t n = 1000000;
    struct loss_config c = { .kind = LOSS_GILBERT, .ge_p_gb = p_gb, .ge_p_bg = p_bg,
                             .ge_loss_good = e_g, .ge_loss_bad = e_b };
    struct loss l;
    char err[256];
    struct rng *r = rng_new(5, 0, "test/gilbert");
    CU_ASSERT_EQUAL_FATAL(loss_init(&l, &c, r, err, sizeof err), 0);
    for (uint64_t i = 0; i < n; i++)
        loss_lose(&l);
    double pi_b = p_gb / (p_gb + p_bg), pi_g = 1 - pi_b;
    double rate = pi_g * e_g + pi_b * e_b;
    double lambda = 1 - p_gb - p_bg;
    double var = pi_g * e_g * (1 - e_g) + pi_b * e_b * (1 - e_b) +
                 pi_g * pi_b * (e_b - e_g) * (e_b - e_g) * (1 + lambda) / (1 - lambda);
    double half = 1.96 * sqrt((double)n * var);
    printf("\n  GE: lost %llu, expected %.0f +- %.0f",
           (unsigned long long)l.lost, (double)n * rate, half);
    CU_ASSERT(fabs((double)l.lost - (double)n * rate) <= half);
    /* A chain stuck in the good state would lose 1%, one without the bad state's
     * stationary share 3.5%: the interval (about 1.5% of the mean) separates them. */
    CU_ASSERT(half < 0.03 * (double)n * rate);
    loss_fini(&l);
    rng_free(r);
}

static void test_gilbert_loss_bursts_last_one_over_p_bg_packets(void)
{
    /* loss_good 0, loss_bad 1: losses are exactly the bad periods, whose lengths are
     * geometric with mean 1 / p_bg = 4 and standard deviation sqrt(1 - p_bg) / p_bg. */
    const double p_gb = 0.02, p_bg = 0.25;
    struct loss_config c = { .kind = LOSS_GILBERT, .ge_p_gb = p_gb, .ge_p_bg = p_bg,
                             .ge_loss_good = 0, .ge_loss_bad = 1 };
    struct loss l;
    char err[256];
    struct rng *r = rng_new(5, 0, "test/gilbert-bursts");
    CU_ASSERT_EQUAL_FATAL(loss_init(&l, &c, r, err, sizeof err), 0);
    uint64_t bursts = 0, run = 0, total = 0;
    for (int i = 0; i < 500000; i++) {
        if (loss_lose(&l)) {
            run++;
        } else if (run) {
            bursts++;
            total += run;
            run = 0;
        }
    }
    double mean = (double)total / (double)bursts;
    double half = 1.96 * sqrt(1 - p_bg) / p_bg / sqrt((double)bursts);
    CU_ASSERT(fabs(mean - 1 / p_bg) <= half);
    CU_ASSERT(half < 0.05 / p_bg);
    loss_fini(&l);
    rng_free(r);
}

static void test_script_loses_exactly_the_listed_packets(void)
{
    struct loss_config c = { .kind = LOSS_SCRIPT };
    snprintf(c.script, sizeof c.script, "3, 7,10-12,20");
    struct loss l;
    char err[256];
    CU_ASSERT_EQUAL_FATAL(loss_init(&l, &c, NULL, err, sizeof err), 0);
    char got[64] = "";
    for (int i = 1; i <= 30; i++)
        if (loss_lose(&l))
            snprintf(got + strlen(got), sizeof got - strlen(got), "%d ", i);
    CU_ASSERT_STRING_EQUAL(got, "3 7 10 11 12 20 ");
    CU_ASSERT_EQUAL(l.lost, 6);
    loss_fini(&l);
}

static void test_bad_loss_parameters_are_refused_with_the_parameter_name(void)
{
    const char *bad[] = { "3,2", "0", "3,,4", "5-4", "x", "3-" };
    char err[256];
    struct loss l;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct loss_config c = { .kind = LOSS_SCRIPT };
        snprintf(c.script, sizeof c.script, "%s", bad[i]);
        err[0] = '\0';
        CU_ASSERT_EQUAL(loss_init(&l, &c, NULL, err, sizeof err), -1);
        CU_ASSERT_PTR_NOT_NULL(strstr(err, "loss_script"));
    }
    struct rng *r = rng_new(5, 0, "x");
    struct loss_config g = { .kind = LOSS_GILBERT, .ge_loss_bad = 1 };
    CU_ASSERT_EQUAL(loss_init(&l, &g, r, err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "ge_p_gb"));
    rng_free(r);
}

SUITE(loss, NULL, NULL,
      TEST(test_bernoulli_loss_rate_is_within_the_binomial_interval),
      TEST(test_gilbert_elliott_loss_rate_matches_the_stationary_rate),
      TEST(test_gilbert_loss_bursts_last_one_over_p_bg_packets),
      TEST(test_script_loses_exactly_the_listed_packets),
      TEST(test_bad_loss_parameters_are_refused_with_the_parameter_name))
