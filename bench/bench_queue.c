/* bench_queue.c - cost of one enqueue + dequeue through each queue discipline's ops table,
 * with 10 packets standing in the queue (no drops: RED's thresholds and CoDel's target are
 * far above it), packets recycled so the figure is the discipline's own work: the dispatch,
 * the FIFO, the exact occupancy integration, and RED's EWMA (below min_th: no random draw)
 * or CoDel's sojourn check. */
#include <stdio.h>
#include <stdlib.h>

#include "bench/harness.h"
#include "models/net/qdisc.h"

#define CYCLES 10000000

static void run(const char *label, enum qdisc_kind kind)
{
    struct pkt_pool *pool;
    struct qdisc *q;
    char err[256];
    struct qdisc_config c = { .kind = (int)kind, .limit_packets = 1000, .red_w_q = 0.002,
                              .red_min_th = 500, .red_max_th = 1000, .red_max_p = 0.1,
                              .red_mean_packet = 500, .codel_target = time_from_ms(5),
                              .codel_interval = time_from_ms(100) };
    struct rng *r = rng_new(1, 0, "bench/red");
    if (!r || pkt_pool_new(NULL, &pool, err, sizeof err) < 0 ||
        qdisc_new(&c, 10000000000ull, r, 0, &q, err, sizeof err) < 0) {
        fprintf(stderr, "bench_queue: %s\n", err);
        exit(1);
    }
    sim_time_t t = 0;
    for (int i = 0; i < 10; i++) {
        struct packet *p = pkt_alloc(pool, 0);
        pkt_set_virtual(p, 1000);
        qdisc_enqueue(q, p, t);
    }
    double t0 = bench_wall();
    for (int i = 0; i < CYCLES; i++) {
        t += 1000;
        struct packet *p = qdisc_dequeue(q, t);
        if (p)
            qdisc_enqueue(q, p, t);
    }
    double dt = bench_wall() - t0;
    bench_report(label, dt * 1e9 / CYCLES, "ns");
    qdisc_free(q);
    pkt_pool_free(pool);
    rng_free(r);
}

BENCH(queue)
{
    run("droptail enqueue+dequeue", QDISC_DROPTAIL);
    run("red enqueue+dequeue", QDISC_RED);
    run("codel enqueue+dequeue", QDISC_CODEL);
}
