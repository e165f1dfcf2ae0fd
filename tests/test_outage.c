/* test_outage.c - outages on a WiFi station and an LTE phone: scheduled down/up times,
 * what happens to packets offered or waiting while down (dropped and counted), link-state
 * callbacks, the promotion after coming back, schedule errors, and the random on/off
 * process's down fraction against mean_down / (mean_up + mean_down).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "models/radio/lte.h"
#include "models/radio/outage.h"
#include "models/radio/wifi.h"
#include "sim/packet.h"
#include "sim/sched.h"
#include "tests/harness.h"

struct states {
    struct sched *s;
    sim_time_t at[8];
    bool up[8];
    uint64_t n;
};

static void on_link(void *ctx, bool up)
{
    struct states *k = ctx;
    if (k->n < 8) {
        k->at[k->n] = sched_now(k->s);
        k->up[k->n] = up;
    }
    k->n++;
}

struct ticker {
    struct sched *s;
    struct pkt_pool *pool;
    struct wifi *w;
    int left;
    int refused;
};

/* One packet up from station 0 every millisecond, at 0, 1, ..., left - 1 ms. */
static void tick(struct sched *s, void *ctx, void *arg)
{
    struct ticker *t = ctx;
    (void)arg;
    struct packet *p = pkt_alloc(t->pool, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    pkt_set_virtual(p, 500);
    t->refused += wifi_enqueue(t->w, 0, RADIO_UP, p) < 0;
    if (--t->left > 0)
        sched_in(s, time_from_ms(1), tick, t, NULL);
}

static void test_wifi_station_drops_packets_offered_during_scheduled_outage(void)
{
    struct sched *s = sched_new();
    struct pkt_pool *pool = NULL;
    char err[300];
    CU_ASSERT_EQUAL_FATAL(pkt_pool_new(NULL, &pool, err, sizeof err), 0);
    struct wifi_config c;
    wifi_config_default(&c);
    struct wifi *w = NULL;
    CU_ASSERT_EQUAL_FATAL(wifi_new(s, &c, "w", 1, 0, &w, err, sizeof err), 0);
    struct states k = { .s = s };
    wifi_set_link_state_cb(w, 0, on_link, &k);
    struct outage *o = NULL;
    struct outage_target t = { wifi_link_set_up, w, 0 };
    /* Down over [10.5 ms, 20.5 ms): the offers at 11, 12, ..., 20 ms are refused. */
    CU_ASSERT_EQUAL_FATAL(outage_new_schedule(s, &t, "10.5ms-20.5ms", &o, err, sizeof err), 0);
    struct ticker tk = { s, pool, w, 30, 0 };
    sched_at(s, 0, tick, &tk, NULL);
    sched_run(s);
    struct wifi_stats st;
    wifi_get_stats(w, 0, RADIO_UP, &st);
    CU_ASSERT_EQUAL(k.n, 2);
    CU_ASSERT_EQUAL(k.at[0], time_from_us(10500));
    CU_ASSERT(!k.up[0]);
    CU_ASSERT_EQUAL(k.at[1], time_from_us(20500));
    CU_ASSERT(k.up[1]);
    CU_ASSERT_EQUAL(tk.refused, 10);
    CU_ASSERT_EQUAL(st.outage_drops, 10);
    CU_ASSERT_EQUAL(st.delivered_packets, 20);
    CU_ASSERT(wifi_link_is_up(w, 0));
    struct outage_stats os;
    outage_get_stats(o, &os);
    CU_ASSERT_EQUAL(os.downs, 1);
    CU_ASSERT_EQUAL(os.down_ps, time_from_ms(10));
    outage_free(o);
    wifi_free(w);
    pkt_pool_free(pool);
    sched_free(s);
}

static void test_lte_phone_loses_buffered_packets_and_comes_back_idle(void)
{
    struct sched *s = sched_new();
    struct pkt_pool *pool = NULL;
    char err[300];
    CU_ASSERT_EQUAL_FATAL(pkt_pool_new(NULL, &pool, err, sizeof err), 0);
    struct lte_config c;
    lte_config_default(&c);
    c.down_rate = 1200000; /* one 1500-byte opportunity every 10 ms */
    c.base_delay = 0;
    c.promotion_delay = time_from_ms(50);
    struct lte *cell = NULL;
    CU_ASSERT_EQUAL_FATAL(lte_new(s, &c, "cell", 1, 0, &cell, err, sizeof err), 0);
    struct states k = { .s = s };
    lte_set_link_state_cb(cell, 0, on_link, &k);
    struct outage *o = NULL;
    struct outage_target t = { lte_link_set_up, cell, 0 };
    CU_ASSERT_EQUAL_FATAL(outage_new_schedule(s, &t, "75ms-1s", &o, err, sizeof err), 0);
    for (int i = 0; i < 10; i++) {
        struct packet *p = pkt_alloc(pool, 0);
        pkt_set_virtual(p, 1500);
        CU_ASSERT_EQUAL(lte_enqueue(cell, 0, RADIO_DOWN, p), 0);
    }
    /* Promoted at 50 ms, served at 50, 60, 70 ms; seven still buffered at 75 ms. */
    sched_run_until(s, time_from_ms(500));
    struct lte_stats st;
    lte_get_stats(cell, 0, RADIO_DOWN, &st);
    CU_ASSERT_EQUAL(st.delivered_packets, 3);
    CU_ASSERT_EQUAL(st.outage_drops, 7);
    CU_ASSERT(!lte_link_is_up(cell, 0));
    struct packet *p = pkt_alloc(pool, 0);
    pkt_set_virtual(p, 1500);
    CU_ASSERT_EQUAL(lte_enqueue(cell, 0, RADIO_DOWN, p), -1);
    lte_get_stats(cell, 0, RADIO_DOWN, &st);
    CU_ASSERT_EQUAL(st.outage_drops, 8);
    sched_run_until(s, time_from_s(1));
    CU_ASSERT(lte_link_is_up(cell, 0));
    /* Back up at 1 s: the radio is idle again, the next packet waits a promotion. */
    p = pkt_alloc(pool, 0);
    pkt_set_virtual(p, 1500);
    CU_ASSERT_EQUAL(lte_enqueue(cell, 0, RADIO_DOWN, p), 0);
    sched_run(s);
    lte_get_stats(cell, 0, RADIO_DOWN, &st);
    CU_ASSERT_EQUAL(st.delivered_packets, 4);
    CU_ASSERT_EQUAL(lte_promotions(cell, 0), 2);
    CU_ASSERT_EQUAL(k.n, 2);
    outage_free(o);
    lte_free(cell);
    pkt_pool_free(pool);
    sched_free(s);
}

static void expect_schedule_error(const char *spec, const char *what)
{
    struct sched *s = sched_new();
    struct outage *o = NULL;
    struct outage_target t = { wifi_link_set_up, NULL, 0 };
    char err[300] = "";
    CU_ASSERT_EQUAL(outage_new_schedule(s, &t, spec, &o, err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, what));
    sched_free(s);
}

static void test_bad_outage_schedule_is_refused_naming_the_interval(void)
{
    expect_schedule_error("10s", "interval 1 \"10s\": expected START-END");
    expect_schedule_error("1s-2s,12s-10s", "interval 2 \"12s-10s\": the end must be after");
    expect_schedule_error("5s-8s,7s-9s", "interval 2 \"7s-9s\": intervals must be in increasing");
    expect_schedule_error("1s-2x", "interval 1:");
    expect_schedule_error("", "expected START-END intervals");
}

/* Random on/off with mean up 1 s and mean down 0.25 s: the long-run down fraction is
 * 0.25 / 1.25 = 0.2. Over 8000 s (about 6400 cycles) the renewal-reward estimate has a
 * standard deviation of sqrt(Var(0.8 D - 0.2 U) / (n E[C]^2)) = sqrt(0.08 / (6400 x
 * 1.5625)) = 0.0028; the tolerance 0.01 is over 3.5 of them. The link-state callback must
 * have heard every change. */
static void test_random_outage_down_fraction_matches_its_means(void)
{
    struct sched *s = sched_new();
    struct lte_config c;
    lte_config_default(&c);
    struct lte *cell = NULL;
    char err[300];
    CU_ASSERT_EQUAL_FATAL(lte_new(s, &c, "cell", 1, 0, &cell, err, sizeof err), 0);
    struct states k = { .s = s };
    lte_set_link_state_cb(cell, 0, on_link, &k);
    struct outage *o = NULL;
    struct outage_target t = { lte_link_set_up, cell, 0 };
    CU_ASSERT_EQUAL_FATAL(outage_new_random(s, &t, time_from_s(1), time_from_ms(250), "ph0",
                                            3, 0, &o, err, sizeof err), 0);
    sched_run_until(s, time_from_s(8000));
    struct outage_stats os;
    outage_get_stats(o, &os);
    double frac = time_to_sec(os.down_ps) / 8000.0;
    CU_ASSERT(fabs(frac - 0.2) < 0.01);
    CU_ASSERT(os.downs > 6000 && os.downs < 6800);
    CU_ASSERT(k.n == 2 * os.downs || k.n == 2 * os.downs - 1);
    outage_free(o);
    lte_free(cell);
    sched_free(s);
}

SUITE(outage, NULL, NULL,
      TEST(test_wifi_station_drops_packets_offered_during_scheduled_outage),
      TEST(test_lte_phone_loses_buffered_packets_and_comes_back_idle),
      TEST(test_bad_outage_schedule_is_refused_naming_the_interval),
      TEST(test_random_outage_down_fraction_matches_its_means))
