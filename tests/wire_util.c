/* wire_util.c - see wire_util.h. Lengths are checked before every read; a packet whose
 * headers are cut by the snaplen is skipped. */
#include "tests/wire_util.h"

#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>

#include "models/wire/bytes.h"
#include "tests/harness.h"
#include "tests/wire_testutil.h"

long capture_walk(const char *path, capture_walk_fn fn, void *arg)
{
    char err[PCAP_ERRBUF_SIZE];
    pcap_t *p = pcap_open_offline(path, err);
    struct pcap_pkthdr *h;
    const uint8_t *d;
    unsigned frame = 0;
    long n = 0;

    if (!p)
        return -1;
    while (pcap_next_ex(p, &h, &d) == 1) {
        size_t l3 = 14, l4, thl, ip_payload;
        frame++;
        if (h->caplen < l3 + 40)
            continue;
        if (rd16(d + 12) == 0x0800 && d[l3 + 9] == 6) {
            l4 = l3 + (size_t)(d[l3] & 0x0f) * 4;
            ip_payload = rd16(d + l3 + 2) - (l4 - l3);
        } else if (rd16(d + 12) == 0x86dd && d[l3 + 6] == 6) {
            l4 = l3 + 40;
            ip_payload = rd16(d + l3 + 4);
        } else {
            continue;
        }
        if (h->caplen < l4 + 20)
            continue;
        thl = (size_t)(d[l4 + 12] >> 4) * 4;
        if (thl < 20 || h->caplen < l4 + thl || ip_payload < thl)
            continue;
        fn(arg, frame, d[l4 + 13], ip_payload - thl, d + l4 + 20, thl - 20);
        n++;
    }
    pcap_close(p);
    return n;
}

struct mptcp_opt wire_parse_hex(const char *hex, uint8_t tcp_flags, uint8_t version, bool payload)
{
    uint8_t b[64];
    size_t n = wt_hex(hex, b, sizeof b);
    struct mptcp_ctx ctx = { tcp_flags, version, payload };
    struct mptcp_opt o;
    memset(&o, 0, sizeof o);
    if (mptcp_opt_parse(b, n, &ctx, &o) != 0) {
        CU_FAIL(hex);
        memset(&o, 0, sizeof o);
    }
    return o;
}
