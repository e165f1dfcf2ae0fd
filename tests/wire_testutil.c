/* wire_testutil.c - capture access for the wire-related suites (wire_testutil.h). */
#include "tests/wire_testutil.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/pcap.h"
#include "tests/harness.h"

const char *const wt_captures[] = {
    "a-mptcp-join-addaddr.pcap", "b-fallback-tcp-server.pcap",
    "c-strip-iptables-client-side.pcap", "c-strip-iptables-server-side.pcap",
    "d-synflood.pcap", "e-mptcp-prio-rmaddr-fastclose.pcap", "g6-mptcp-ipv6-join.pcap",
    "h-srv6-srh.pcap", "i-ipv4-lsrr.pcap", NULL,
};

const char *wt_capture_path(const char *name)
{
    static char buf[4][512];
    static int slot;
    char *b = buf[slot++ & 3];
    snprintf(b, 512, "%s", harness_shared("testdata/pcaps/"));
    strncat(b, name, 511 - strlen(b));
    return b;
}

uint8_t *wt_frame_ip(const char *name, uint64_t number, size_t *len)
{
    char err[512];
    struct pcapio_reader *r;
    struct pcapio_frame f;
    uint8_t *copy = NULL;
    if (pcapio_open_read(wt_capture_path(name), &r, err, sizeof err) < 0)
        return NULL;
    while (pcapio_read(r, &f, err, sizeof err) == 1) {
        if (f.number != number)
            continue;
        if (f.l3_family && (copy = malloc(f.caplen - f.l3_off + 1)) != NULL) {
            *len = f.caplen - f.l3_off;
            memcpy(copy, f.data + f.l3_off, *len);
        }
        break;
    }
    pcapio_close_read(r);
    return copy;
}

size_t wt_hex(const char *hex, uint8_t *out, size_t cap)
{
    size_t n = 0;
    while (*hex && n < cap) {
        if (isspace((unsigned char)*hex)) {
            hex++;
            continue;
        }
        unsigned v;
        if (sscanf(hex, "%2x", &v) != 1)
            break;
        out[n++] = (uint8_t)v;
        hex += 2;
    }
    return n;
}
