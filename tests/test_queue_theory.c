/* test_queue_theory.c - a p2p link with its drop-tail queue against queueing theory, as
 * confidence intervals over independent repetitions.
 *
 * The test drives one direction of a link directly: Poisson arrivals of packets whose wire
 * length is drawn by the test (exponential for M/M/1/K, constant for M/D/1), from its own
 * streams of (seed 7, run r). At 8 Gbit/s one byte takes exactly 1 ns, so a packet of L
 * bytes is served in exactly L ns; the "exponential" sizes are ceil(Exp(1000 B)), a
 * geometric length of mean 1/(1 - e^-1/1000) = 1000.50 B whose squared coefficient of
 * variation is e^-1/1000 = 0.999 instead of 1: it moves the mean queue by about 0.05%, far
 * inside the intervals below. The queue's exact time average (queue_mean) and its drops
 * are read from the recorded scalars.
 *
 * Repetitions: R = 10 runs of 200000 arrivals each. Ten gives a Student-t interval with a
 * usable quantile (t(0.975, 9) = 2.26) while the suite stays well under a second; 200000
 * arrivals make the start-empty bias (relaxation time about 1/(mu (1 - sqrt rho)^2), under
 * 100 service times here) a few parts in 10^4, a tenth of the interval's half width. The
 * seeds are fixed, so the outcome is deterministic: a correct model lands inside a 95%
 * interval for 95% of seed choices, and these seeds were not chosen after the fact. Each test
 * also asserts that the interval is narrow (half width under 3% of the value), so passing
 * is not a wide interval's doing.
 *
 * These runs record no vector, so the link serves its drop-tail queue as a scheduled FIFO
 * (p2p.c: no transmitter events). The last test runs the same arrivals through both paths
 * (recording the "qlen" vector selects the event-driven one) and requires every scalar of
 * the link to be the same double, packet and byte limits, a loss model and overload
 * included: the scheduled FIFO is an exact shortcut, not an approximation.
 */
#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdio.h>

#include "tests/harness.h"
#include "tests/net_testutil.h"

#define REPS 10
#define ARRIVALS 200000

struct driver {
    struct world *w;
    struct net_if *ifc;
    struct rng *gaps, *sizes;
    double mean_gap_ps;
    double mean_size;   /* bytes; 0 = constant size `size` */
    uint32_t size;
    uint64_t sent;
};

static void arrive(struct sched *s, void *ctx, void *arg)
{
    struct driver *d = ctx;
    (void)arg;
    uint32_t len = d->size;
    if (d->mean_size > 0) {
        len = (uint32_t)ceil(rng_exponential(d->sizes, d->mean_size));
        if (len == 0)
            len = 1;
    }
    nt_send_raw(d->w, d->ifc, len);
    d->sent++;
    sched_in(s, (sim_time_t)(rng_exponential(d->gaps, d->mean_gap_ps) + 0.5), arrive, d, NULL);
}

struct queue_obs {
    double lq, drop;
};

/* One repetition with link keys `extra` (YAML lines indented by 4); `events`: record the
 * qlen vector, which makes the link use its event-driven path. The recording is left in
 * *rec for the caller to read and close. */
static int run_link(uint64_t run, const char *queue_packets, const char *extra, bool events,
                    double mean_gap_ps, double mean_size, uint32_t size, struct nt_rec *rec,
                    uint64_t *sent)
{
    char yaml[1024], id[32], err[256];
    snprintf(yaml, sizeof yaml,
             "name: q\nduration: 1s\nnodes:\n  - name: a\n  - name: b\nlinks:\n"
             "  - name: l\n    a: a\n    b: b\n    rate: 8Gbps\n    delay: 0s\n"
             "    mtu: 65535B\n    queue_packets: %s\n%s", queue_packets, extra);
    snprintf(id, sizeof id, "q%llu", (unsigned long long)run);
    if (nt_rec_begin(rec, id) < 0)
        return -1;
    if (events && results_enable(rec->rr, "vector:*.qlen", true, err, sizeof err) < 0)
        return -1;
    /* The time of ARRIVALS arrivals on average; the queue is averaged over [0, end]. */
    sim_time_t end = (sim_time_t)(mean_gap_ps * ARRIVALS);
    struct driver d = { .mean_gap_ps = mean_gap_ps, .mean_size = mean_size, .size = size };
    d.w = nt_world(yaml, 7, run, end, rec->rr);
    if (!d.w || !(d.ifc = nt_link_if(d.w, "l", 0)) ||
        !(d.gaps = rng_new(7, run, "test/gaps")) || !(d.sizes = rng_new(7, run, "test/sizes")))
        return -1;
    sched_at(world_ctx(d.w)->sched, 0, arrive, &d, NULL);
    world_run(d.w, NULL, NULL);
    nt_rec_end(rec, end);
    world_free(d.w);
    rng_free(d.gaps);
    rng_free(d.sizes);
    *sent = d.sent;
    return 0;
}

/* One repetition: mean waiting packets and the fraction of arrivals dropped. Arrivals go on
 * until the run ends, so the queue is never averaged over an idle tail. */
static int run_once(uint64_t run, const char *queue_packets, double mean_gap_ps,
                    double mean_size, uint32_t size, struct queue_obs *o)
{
    struct nt_rec rec;
    uint64_t sent;
    if (run_link(run, queue_packets, "", false, mean_gap_ps, mean_size, size, &rec, &sent) < 0)
        return -1;
    o->lq = nt_scalar(&rec, "l.a", "queue_mean");
    o->drop = nt_scalar(&rec, "l.a", "queue_drops") / (double)sent;
    nt_rec_close(&rec);
    return 0;
}

struct ci {
    double mean, half;
};

static struct ci interval(const double *x, int n)
{
    double m = 0, v = 0;
    for (int i = 0; i < n; i++)
        m += x[i] / n;
    for (int i = 0; i < n; i++)
        v += (x[i] - m) * (x[i] - m) / (n - 1);
    return (struct ci){ m, gsl_cdf_tdist_Pinv(0.975, n - 1) * sqrt(v / n) };
}

static void test_mm1k_mean_queue_and_drop_probability_match_theory(void)
{
    /* M/M/1/K with K = 10 in the system (9 waiting + 1 in service), rho = 0.8:
     * P_n = (1 - rho) rho^n / (1 - rho^(K+1)), Lq = sum (n - 1) P_n over n >= 1, and by
     * PASTA an arrival is dropped with probability P_K. */
    const int K = 10;
    const double rho = 0.8, mean_size = 1000.0;
    double es = 1.0 / (1.0 - exp(-1.0 / mean_size)); /* E[L] in bytes = E[S] in ns */
    double p[11], norm = (1 - rho) / (1 - pow(rho, K + 1)), lq_th = 0;
    for (int n = 0; n <= K; n++) {
        p[n] = norm * pow(rho, n);
        if (n > 0)
            lq_th += (n - 1) * p[n];
    }
    double lq[REPS], drop[REPS];
    for (int r = 0; r < REPS; r++) {
        struct queue_obs o;
        CU_ASSERT_EQUAL_FATAL(run_once((uint64_t)r, "9", es * 1000.0 / rho, mean_size, 0, &o), 0);
        lq[r] = o.lq;
        drop[r] = o.drop;
    }
    struct ci cl = interval(lq, REPS), cd = interval(drop, REPS);
    printf("\n  M/M/1/10 rho 0.8: Lq %.4f +- %.4f (theory %.4f), P_drop %.5f +- %.5f "
           "(theory %.5f)\n", cl.mean, cl.half, lq_th, cd.mean, cd.half, p[K]);
    CU_ASSERT(fabs(cl.mean - lq_th) <= cl.half);
    CU_ASSERT(fabs(cd.mean - p[K]) <= cd.half);
    CU_ASSERT(cl.half < 0.03 * lq_th);
    CU_ASSERT(cd.half < 0.03 * p[K]);
}

static void test_md1_mean_queue_matches_pollaczek_khinchine(void)
{
    /* M/D/1, 1250-byte packets (1.25 us each), rho = 0.5, unbounded queue:
     * Lq = rho^2 / (2 (1 - rho)) = 0.25, and nothing is dropped. */
    const double rho = 0.5, lq_th = rho * rho / (2 * (1 - rho));
    double lq[REPS];
    for (int r = 0; r < REPS; r++) {
        struct queue_obs o;
        CU_ASSERT_EQUAL_FATAL(run_once((uint64_t)r, "0", 1250.0 * 1000.0 / rho, 0, 1250, &o), 0);
        lq[r] = o.lq;
        CU_ASSERT_EQUAL(o.drop, 0);
    }
    struct ci cl = interval(lq, REPS);
    printf("  M/D/1 rho 0.5: Lq %.4f +- %.4f (theory %.4f)\n", cl.mean, cl.half, lq_th);
    CU_ASSERT(fabs(cl.mean - lq_th) <= cl.half);
    CU_ASSERT(cl.half < 0.03 * lq_th);
}

/* The scheduled FIFO against the event-driven path (see the top): M/M/1/K at load 0.95 and
 * 1.3 (overload: many tail drops), with a packet limit, with a byte limit, and with
 * Bernoulli loss on the wire; every scalar of the direction must be the same double. The
 * arrival times are continuous (exponential gaps in picoseconds), so no arrival meets a
 * start of service at the same picosecond, the one case the two paths may order
 * differently. */
static void test_scheduled_fifo_gives_the_event_driven_results_exactly(void)
{
    static const char *const names[] = { "tx_packets", "tx_bytes", "loss_drops", "utilization",
                                         "queue_drops", "queue_drop_bytes", "queue_mean",
                                         "queue_mean_bytes", "queue_max",
                                         "queue_sojourn_mean" };
    struct {
        const char *packets, *extra;
        double load;
    } cases[] = {
        { "10", "", 0.95 },
        { "10", "", 1.3 },
        { "0", "    queue_bytes: 6000B\n", 1.1 },
        { "20", "    loss: bernoulli\n    loss_p: 0.05\n", 1.2 },
    };
    int bad = 0;
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        struct nt_rec fast, slow;
        uint64_t sent_fast, sent_slow;
        double gap = 1000.5e3 / cases[c].load; /* mean service 1000.5 ns */
        CU_ASSERT_EQUAL_FATAL(run_link(3, cases[c].packets, cases[c].extra, false, gap, 1000,
                                       0, &fast, &sent_fast), 0);
        CU_ASSERT_EQUAL_FATAL(run_link(3, cases[c].packets, cases[c].extra, true, gap, 1000,
                                       0, &slow, &sent_slow), 0);
        CU_ASSERT_EQUAL(sent_fast, sent_slow);
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
            double a = nt_scalar(&fast, "l.a", names[i]), b = nt_scalar(&slow, "l.a", names[i]);
            if (!(a == b)) {
                fprintf(stderr, "case %zu: %s: scheduled %.17g, event-driven %.17g\n", c,
                        names[i], a, b);
                bad++;
            }
        }
        CU_ASSERT(nt_scalar(&fast, "l.a", "queue_drops") > 0);
        nt_rec_close(&fast);
        nt_rec_close(&slow);
    }
    CU_ASSERT_EQUAL(bad, 0);
}

SUITE(queue_theory, NULL, NULL,
      TEST(test_mm1k_mean_queue_and_drop_probability_match_theory),
      TEST(test_md1_mean_queue_matches_pollaczek_khinchine),
      TEST(test_scheduled_fifo_gives_the_event_driven_results_exactly))
