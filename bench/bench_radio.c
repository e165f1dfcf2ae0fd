/* bench_radio.c - cost of the radio models per frame / per opportunity.
 *
 *   - wifi: N saturated stations (802.11a defaults, 1500-byte packets, each delivered
 *     packet re-queued at its station), 20 s simulated: ns of wall time per delivered frame,
 *     scheduler events per frame (the per-round design: about 2), simulated seconds per
 *     wall second; N = 10 and 50 (a round scans all N + 1 contenders).
 *   - lte: N saturated phones on a 100 Mbit/s downlink, 20 s simulated, round robin and
 *     proportional fair: ns per opportunity (PF scans the N backlogged phones).
 * Nothing is allocated per packet: the packets circulate.
 */
#include <stdio.h>
#include <stdlib.h>

#include "bench/harness.h"
#include "models/radio/lte.h"
#include "models/radio/wifi.h"
#include "sim/packet.h"
#include "sim/sched.h"

struct loop {
    void *radio;
    uint32_t index;
};

static void wifi_requeue(void *ctx, struct packet *p)
{
    struct loop *l = ctx;
    wifi_enqueue(l->radio, l->index, RADIO_UP, p);
}

static void lte_requeue(void *ctx, struct packet *p)
{
    struct loop *l = ctx;
    lte_enqueue(l->radio, l->index, RADIO_DOWN, p);
}

static struct packet *packet(struct pkt_pool *pool)
{
    struct packet *p = pkt_alloc(pool, 0);
    if (!p)
        abort();
    pkt_set_virtual(p, 1500);
    return p;
}

static void wifi_run(uint32_t n)
{
    char err[200], label[80];
    struct sched *s = sched_new();
    struct pkt_pool *pool = NULL;
    struct wifi *w = NULL;
    struct wifi_config c;
    wifi_config_default(&c);
    c.stations = n;
    struct loop *l = calloc(n, sizeof *l);
    if (!s || !l || pkt_pool_new(NULL, &pool, err, sizeof err) < 0 ||
        wifi_new(s, &c, "bench", 1, 0, &w, err, sizeof err) < 0)
        abort();
    for (uint32_t i = 0; i < n; i++) {
        l[i] = (struct loop){ w, i };
        wifi_set_deliver(w, i, RADIO_UP, wifi_requeue, &l[i]);
        wifi_enqueue(w, i, RADIO_UP, packet(pool));
        wifi_enqueue(w, i, RADIO_UP, packet(pool));
    }
    double t0 = bench_wall();
    sched_run_until(s, time_from_s(20));
    double wall = bench_wall() - t0;
    struct wifi_channel_stats ch;
    struct sched_stats ss;
    wifi_get_channel_stats(w, &ch);
    sched_get_stats(s, &ss);
    snprintf(label, sizeof label, "wifi %u stations: wall per frame", n);
    bench_report(label, wall * 1e9 / (double)ch.successes, "ns");
    snprintf(label, sizeof label, "wifi %u stations: events per frame", n);
    bench_report(label, (double)ss.executed / (double)ch.successes, "events");
    snprintf(label, sizeof label, "wifi %u stations: simulated/wall", n);
    bench_report(label, 20.0 / wall, "s/s");
    wifi_free(w);
    free(l);
    pkt_pool_free(pool);
    sched_free(s);
}

static void lte_run(uint32_t n, int scheduler)
{
    char err[400], label[80];
    struct sched *s = sched_new();
    struct pkt_pool *pool = NULL;
    struct lte *cell = NULL;
    struct lte_config c;
    lte_config_default(&c);
    c.phones = n;
    c.scheduler = scheduler;
    c.down_rate = 100000000;
    struct loop *l = calloc(n, sizeof *l);
    if (!s || !l || pkt_pool_new(NULL, &pool, err, sizeof err) < 0 ||
        lte_new(s, &c, "bench", 1, 0, &cell, err, sizeof err) < 0)
        abort();
    for (uint32_t i = 0; i < n; i++) {
        l[i] = (struct loop){ cell, i };
        lte_set_deliver(cell, i, RADIO_DOWN, lte_requeue, &l[i]);
        for (int k = 0; k < 4; k++)
            lte_enqueue(cell, i, RADIO_DOWN, packet(pool));
    }
    double t0 = bench_wall();
    sched_run_until(s, time_from_s(20));
    double wall = bench_wall() - t0;
    uint64_t opp = 0;
    for (uint32_t i = 0; i < n; i++) {
        struct lte_stats st;
        lte_get_stats(cell, i, RADIO_DOWN, &st);
        opp += st.opportunities;
    }
    snprintf(label, sizeof label, "lte %u phones %s: wall per opportunity", n,
             scheduler == LTE_SCHED_PF ? "pf" : "rr");
    bench_report(label, wall * 1e9 / (double)opp, "ns");
    lte_free(cell);
    free(l);
    pkt_pool_free(pool);
    sched_free(s);
}

BENCH(radio_wifi)
{
    wifi_run(10);
    wifi_run(50);
}

BENCH(radio_lte)
{
    lte_run(10, LTE_SCHED_RR);
    lte_run(10, LTE_SCHED_PF);
    lte_run(1000, LTE_SCHED_RR);
    lte_run(1000, LTE_SCHED_PF);
}
