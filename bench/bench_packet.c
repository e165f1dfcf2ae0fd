/* bench_packet.c - cost of the per-packet buffer path: alloc + push IPv4 and TCP headers +
 * free, with one packet in flight (cache-hot) and with 10^4 in flight freed in FIFO order
 * (a queue's worth of packets, as on a loaded link); clone + free of a header-only packet;
 * and, for scale, malloc + free of the same number of bytes in the same two patterns (which
 * would still leave the headers to write and the metadata to set). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/harness.h"
#include "sim/packet.h"

#define CYCLES 10000000
#define INFLIGHT 10000

static const uint8_t ipv4_hdr[20] = { 0x45, 0, 0x05, 0xdc, 0, 1, 0x40, 0, 64, 6 };
static const uint8_t tcp_hdr[20] = { 0x1f, 0x90, 0x00, 0x50, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x10 };

static struct pkt_pool *pool_or_die(void)
{
    struct pkt_pool *pool;
    char err[200];
    if (pkt_pool_new(NULL, &pool, err, sizeof err) != 0) {
        fprintf(stderr, "bench_packet: %s\n", err);
        exit(1);
    }
    return pool;
}

/* The work a TCP sender and an IP layer do for one data segment, failures checked as a
 * model must check them. */
static struct packet *make_segment(struct pkt_pool *pool)
{
    struct packet *p = pkt_alloc(pool, 0);
    uint8_t *tcp = p ? pkt_push(p, sizeof tcp_hdr) : NULL;
    if (!tcp)
        goto fail;
    memcpy(tcp, tcp_hdr, sizeof tcp_hdr);
    pkt_mark_l4(p);
    uint8_t *ip = pkt_push(p, sizeof ipv4_hdr);
    if (!ip)
        goto fail;
    memcpy(ip, ipv4_hdr, sizeof ipv4_hdr);
    pkt_mark_l3(p);
    pkt_set_virtual(p, 1460);
    return p;
fail:
    fprintf(stderr, "bench_packet: cannot build a segment\n");
    exit(1);
}

BENCH(packet_cycle)
{
    struct pkt_pool *pool = pool_or_die();
    uint64_t sink = 0;

    pkt_free(make_segment(pool));
    double t0 = bench_wall();
    for (int i = 0; i < CYCLES; i++) {
        struct packet *p = make_segment(pool);
        sink += pkt_wire_len(p);
        pkt_free(p);
    }
    double hot = (bench_wall() - t0) * 1e9 / CYCLES;
    bench_report("alloc+push IPv4+TCP+free, 1 in flight", hot, "ns/cycle");

    struct packet **ring = calloc(INFLIGHT, sizeof *ring);
    for (int i = 0; i < INFLIGHT; i++)
        ring[i] = make_segment(pool);
    t0 = bench_wall();
    for (int i = 0; i < CYCLES; i++) {
        int slot = i % INFLIGHT;
        pkt_free(ring[slot]);
        ring[slot] = make_segment(pool);
        sink += ring[slot]->uid;
    }
    double fifo = (bench_wall() - t0) * 1e9 / CYCLES;
    bench_report("alloc+push IPv4+TCP+free, 10^4 in flight FIFO", fifo, "ns/cycle");
    for (int i = 0; i < INFLIGHT; i++)
        pkt_free(ring[i]);
    free(ring);

    struct pkt_pool_stats st;
    pkt_pool_get_stats(pool, &st);
    bench_report("pool bytes after both runs", (double)st.bytes, "bytes");
    bench_report("pool bytes per packet created (small class)",
                 (double)st.bytes / (double)st.packets, "bytes");
    if (sink == 42)
        printf("\n");
    pkt_pool_free(pool);
}

BENCH(packet_clone)
{
    struct pkt_pool *pool = pool_or_die();
    struct packet *orig = make_segment(pool);
    uint64_t sink = 0;

    pkt_free(pkt_clone(orig));
    double t0 = bench_wall();
    for (int i = 0; i < CYCLES; i++) {
        struct packet *c = pkt_clone(orig);
        sink += c->uid;
        pkt_free(c);
    }
    bench_report("clone (40 header bytes) + free",
                 (bench_wall() - t0) * 1e9 / CYCLES, "ns/cycle");
    pkt_free(orig);
    if (sink == 42)
        printf("\n");
    pkt_pool_free(pool);
}

BENCH(packet_malloc_baseline)
{
    volatile uint8_t sink = 0;
    size_t bytes = sizeof(struct packet) + 256;
    double t0 = bench_wall();
    for (int i = 0; i < CYCLES; i++) {
        uint8_t *b = malloc(bytes);
        b[bytes - 1] = (uint8_t)i;
        sink = (uint8_t)(sink + b[bytes - 1]);
        free(b);
    }
    bench_report("for scale: malloc+free of the same bytes, 1 live",
                 (bench_wall() - t0) * 1e9 / CYCLES, "ns/cycle");

    uint8_t **ring = calloc(INFLIGHT, sizeof *ring);
    for (int i = 0; i < INFLIGHT; i++)
        ring[i] = malloc(bytes);
    t0 = bench_wall();
    for (int i = 0; i < CYCLES; i++) {
        int slot = i % INFLIGHT;
        free(ring[slot]);
        ring[slot] = malloc(bytes);
        ring[slot][0] = (uint8_t)i;
    }
    bench_report("for scale: malloc+free of the same bytes, 10^4 FIFO",
                 (bench_wall() - t0) * 1e9 / CYCLES, "ns/cycle");
    for (int i = 0; i < INFLIGHT; i++)
        free(ring[i]);
    free(ring);
}
