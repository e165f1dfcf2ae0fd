/* bench_mptcp.c - MPTCP option codec throughput over the real options of capture a.
 *
 * Loads every MPTCP option of ../shared/testdata/pcaps/a-mptcp-join-addaddr.pcap (with its
 * packet context) once, then times parse, parse+write and tshark field formatting over that
 * array repeated. Figures are per option and per core (single thread).
 */
#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>

#include "bench/harness.h"
#include "models/wire/bytes.h"
#include "models/wire/convert.h"
#include "models/wire/mptcp.h"

#define MAX_OPTS 16384

struct sample { struct mptcp_ctx ctx; uint8_t len; uint8_t b[40]; };
static struct sample samples[MAX_OPTS];
static size_t nsamples;

static void load(void)
{
    char err[PCAP_ERRBUF_SIZE];
    pcap_t *p = pcap_open_offline("../shared/testdata/pcaps/a-mptcp-join-addaddr.pcap", err);
    struct pcap_pkthdr *h;
    const uint8_t *d;

    if (!p) {
        fprintf(stderr, "bench_mptcp: %s\n", err);
        return;
    }
    while (nsamples < MAX_OPTS && pcap_next_ex(p, &h, &d) == 1) {
        if (h->caplen < 14 + 20 + 20 || rd16(d + 12) != 0x0800 || d[14 + 9] != 6)
            continue;
        size_t l4 = 14 + (size_t)(d[14] & 0x0f) * 4, optlen = (size_t)(d[l4 + 12] >> 4) * 4 - 20;
        size_t payload = rd16(d + 16) - (l4 - 14) - 20 - optlen;
        const uint8_t *o = d + l4 + 20;
        for (size_t i = 0; i + 1 < optlen && o[i] != 0;) {
            if (o[i] == 1) { i++; continue; }
            if (o[i + 1] < 2 || i + o[i + 1] > optlen)
                break;
            if (o[i] == MPTCP_OPT_KIND && nsamples < MAX_OPTS) {
                struct sample *s = &samples[nsamples++];
                s->ctx = (struct mptcp_ctx){ d[l4 + 13], 1, payload > 0 };
                s->len = o[i + 1];
                memcpy(s->b, o + i, s->len);
            }
            i += o[i + 1];
        }
    }
    pcap_close(p);
}

BENCH(mptcp_opt)
{
    enum { ROUNDS = 400 };
    struct mptcp_opt o;
    uint8_t out[40];
    size_t w, ok = 0;
    char buf[64];
    double t;

    load();
    if (!nsamples)
        return;
    t = bench_cpu();
    for (int r = 0; r < ROUNDS; r++)
        for (size_t i = 0; i < nsamples; i++)
            ok += mptcp_opt_parse(samples[i].b, samples[i].len, &samples[i].ctx, &o) == 0;
    t = bench_cpu() - t;
    bench_report("mptcp option parse (capture a)", ROUNDS * nsamples / t / 1e6, "M options/s");

    t = bench_cpu();
    for (int r = 0; r < ROUNDS; r++)
        for (size_t i = 0; i < nsamples; i++)
            if (mptcp_opt_parse(samples[i].b, samples[i].len, &samples[i].ctx, &o) == 0)
                ok += mptcp_opt_write(&o, out, sizeof out, &w) == 0;
    t = bench_cpu() - t;
    bench_report("mptcp option parse+write", ROUNDS * nsamples / t / 1e6, "M options/s");

    t = bench_cpu();
    for (size_t i = 0; i < nsamples; i++)
        if (mptcp_opt_parse(samples[i].b, samples[i].len, &samples[i].ctx, &o) == 0)
            for (size_t f = 0; mptcp_field_names[f]; f++)
                ok += mptcp_field_format(mptcp_field_names[f], &o, buf, sizeof buf) == 0;
    t = bench_cpu() - t;
    bench_report("mptcp tshark fields (21 per option)", nsamples / t / 1e6, "M options/s");
    if (ok == 0)
        fprintf(stderr, "bench_mptcp: nothing parsed\n");
}

BENCH(convert_decode)
{
    enum { N = 2000000 };
    static const uint8_t syn[] = { 0x01, 0x06, 0x22, 0x63, 0x0a, 0x05, 0x14, 0x51, 0, 0, 0, 0,
                                   0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 2, 1, 2 };
    struct convert_msg m;
    size_t used, ok = 0;
    double t = bench_cpu();
    for (int i = 0; i < N; i++)
        ok += convert_decode(syn, sizeof syn, &m, &used) == 0;
    t = bench_cpu() - t;
    bench_report("convert decode (hdr + Connect)", N / t / 1e6, "M messages/s");
    if (ok != N)
        fprintf(stderr, "bench_convert: decode failed\n");
}
