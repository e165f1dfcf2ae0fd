/* bench_wire.c - packets per second of the wire model over capture a (4318 real packets,
 * MPTCP with DSS/SACK/timestamps), loaded in memory first so only decoding is timed.
 *   decode         IP header + options/extensions, TCP header, option list (wire_pkt_decode)
 *   decode+encode  the same, then wire_pkt_encode back to bytes (what replay does per packet)
 *   decode+mptcp   decode plus mptcp_opt_parse of every kind-30 option
 * One core; CPU time. The target for decode is >= 10 M packets/s.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/harness.h"
#include "models/wire/mptcp.h"
#include "models/wire/packet.h"
#include "sim/pcap.h"

struct frames {
    uint8_t *bytes;
    size_t *off, *len, n;
};

static int load(const char *path, struct frames *fs)
{
    char err[512];
    struct pcapio_reader *r;
    struct pcapio_frame f;
    size_t cap = 1 << 22, used = 0, ncap = 8192;
    if (pcapio_open_read(path, &r, err, sizeof err) < 0) {
        fprintf(stderr, "bench_wire: %s\n", err);
        return -1;
    }
    fs->bytes = malloc(cap);
    fs->off = malloc(ncap * sizeof *fs->off);
    fs->len = malloc(ncap * sizeof *fs->len);
    fs->n = 0;
    while (pcapio_read(r, &f, err, sizeof err) == 1 && fs->n < ncap) {
        size_t n = f.caplen - f.l3_off;
        if (!f.l3_family || used + n > cap)
            continue;
        memcpy(fs->bytes + used, f.data + f.l3_off, n);
        fs->off[fs->n] = used;
        fs->len[fs->n++] = n;
        used += n;
    }
    pcapio_close_read(r);
    return 0;
}

static volatile size_t bench_sink;

enum mode { DECODE, DECODE_ENCODE, DECODE_MPTCP };

static double run(const struct frames *fs, enum mode mode, size_t rounds, size_t *sink)
{
    static struct wire_pkt pkt;
    static uint8_t out[65536];
    double t0 = bench_cpu();
    for (size_t k = 0; k < rounds; k++) {
        for (size_t i = 0; i < fs->n; i++) {
            wire_pkt_decode(fs->bytes + fs->off[i], fs->len[i], &pkt);
            *sink += pkt.tcp.nopts;
            if (mode == DECODE_ENCODE) {
                size_t len;
                wire_pkt_encode(&pkt, out, sizeof out, &len);
                *sink += len;
            } else if (mode == DECODE_MPTCP) {
                struct mptcp_ctx ctx = { .tcp_flags = (uint8_t)pkt.tcp.flags, .version = 1,
                                         .has_payload = pkt.payload_len > 0 };
                for (size_t j = 0; j < pkt.tcp.nopts; j++) {
                    struct mptcp_opt m;
                    const struct tcp_opt *o = &pkt.tcp.opts[j];
                    if (o->kind == TCPOPT_MPTCP &&
                        mptcp_opt_parse(tcp_opt_bytes(&pkt.tcp, o), o->len, &ctx, &m) == 0)
                        *sink += m.subtype;
                }
            }
        }
    }
    return (double)(rounds * fs->n) / (bench_cpu() - t0);
}

BENCH(wire)
{
    struct frames fs;
    if (load("../shared/testdata/pcaps/a-mptcp-join-addaddr.pcap", &fs) < 0)
        return;
    size_t sink = 0, rounds = 500;
    bench_report("wire decode (IP+TCP+options), capture a", run(&fs, DECODE, rounds, &sink) / 1e6,
                 "Mpkt/s");
    bench_report("wire decode+encode, capture a", run(&fs, DECODE_ENCODE, rounds, &sink) / 1e6,
                 "Mpkt/s");
    bench_report("wire decode+MPTCP parse, capture a", run(&fs, DECODE_MPTCP, rounds, &sink) / 1e6,
                 "Mpkt/s");
    bench_sink = sink; /* keeps the decoded results observable: no loop is optimized away */
    free(fs.bytes);
    free(fs.off);
    free(fs.len);
}
