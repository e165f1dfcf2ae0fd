/* bench_srh.c - cost of putting an SRH on a packet, full vs reduced (RFC 8754 section 4.1.1),
 * over the 1464 IPv6 packets of capture g6 loaded in memory first: decode, insert an SRH
 * with one intermediate segment (what the srcroute uMCP does per packet), encode. One core,
 * CPU time. Reports packets per second and the bytes each form adds (40 vs 24).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/harness.h"
#include "models/wire/packet.h"
#include "sim/pcap.h"

#define G6 "../shared/testdata/pcaps/g6-mptcp-ipv6-join.pcap"

enum { MAXF = 2048, MAXB = 2048 };

static void run(const char *label, uint8_t (*frames)[MAXB], const size_t *lens, size_t n,
                bool reduced)
{
    static struct wire_pkt w;
    static uint8_t out[MAXB + 64];
    static const uint8_t hop[1][16] = { { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 } };
    size_t rounds = 400, done = 0, added = 0, len;
    double t0 = bench_cpu();
    for (size_t r = 0; r < rounds; r++)
        for (size_t i = 0; i < n; i++) {
            if (wire_pkt_decode(frames[i], lens[i], &w) != 0)
                continue;
            int err = reduced ? ipv6_srh_insert_reduced(&w.ip.v6, hop, 1)
                              : ipv6_srh_insert(&w.ip.v6, hop, 1);
            if (err || wire_pkt_encode(&w, out, sizeof out, &len) != 0)
                continue;
            done++;
            added += len - lens[i];
        }
    double dt = bench_cpu() - t0;
    char l[128];
    snprintf(l, sizeof l, "%s: decode + insert + encode", label);
    bench_report(l, (double)done / dt / 1e6, "M packets/s");
    snprintf(l, sizeof l, "%s: bytes added per packet", label);
    bench_report(l, done ? (double)added / (double)done : 0.0, "bytes");
}

BENCH(srh_insert)
{
    static uint8_t frames[MAXF][MAXB];
    static size_t lens[MAXF];
    char err[512];
    struct pcapio_reader *r;
    struct pcapio_frame f;
    size_t n = 0;
    if (pcapio_open_read(G6, &r, err, sizeof err) < 0) {
        fprintf(stderr, "bench_srh: %s\n", err);
        return;
    }
    while (n < MAXF && pcapio_read(r, &f, err, sizeof err) == 1) {
        size_t len = f.caplen - f.l3_off;
        if (f.l3_family != 6 || len > MAXB)
            continue;
        memcpy(frames[n], f.data + f.l3_off, len);
        lens[n++] = len;
    }
    pcapio_close_read(r);
    run("full SRH", frames, lens, n, false);
    run("reduced SRH", frames, lens, n, true);
}
