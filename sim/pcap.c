/* pcap.c - capture files through libpcap (pcap.h). */
#include "sim/pcap.h"

#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef DLT_LINUX_SLL2
#define DLT_LINUX_SLL2 276
#endif
#ifndef DLT_IPV4
#define DLT_IPV4 228
#define DLT_IPV6 229
#endif

#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_IPV6 0x86dd
#define ETHERTYPE_VLAN 0x8100   /* IEEE 802.1Q */
#define ETHERTYPE_QINQ 0x88a8   /* IEEE 802.1ad */
#define ETH_HDR_LEN 14
#define VLAN_TAG_LEN 4
#define SLL_HDR_LEN 16          /* protocol type at offset 14 */
#define SLL2_HDR_LEN 20         /* protocol type at offset 0 */

struct pcapio_reader {
    pcap_t *p;
    char *path;
    int linktype;
    uint64_t frames;
};

struct pcapio_writer {
    pcap_t *p;
    pcap_dumper_t *d;
    char *path;
};

static uint16_t be16(const uint8_t *b) { return (uint16_t)(b[0] << 8 | b[1]); }

static int family_of_ethertype(uint16_t et)
{
    return et == ETHERTYPE_IPV4 ? 4 : et == ETHERTYPE_IPV6 ? 6 : 0;
}

/* Raw IP: the version nibble says which. */
static int family_of_version(const uint8_t *data, uint32_t caplen)
{
    if (caplen < 1)
        return 0;
    int v = data[0] >> 4;
    return v == 4 || v == 6 ? v : 0;
}

int pcapio_find_l3(int linktype, const uint8_t *data, uint32_t caplen, uint32_t *off)
{
    switch (linktype) {
    case DLT_EN10MB: {
        uint32_t o = 12;
        /* Up to two VLAN tags (802.1ad outer, 802.1Q inner) before the real EtherType. */
        for (int tags = 0; tags < 3; tags++) {
            if (caplen < o + 2)
                return 0;
            uint16_t et = be16(data + o);
            if (et != ETHERTYPE_VLAN && et != ETHERTYPE_QINQ) {
                *off = o + 2;
                return family_of_ethertype(et);
            }
            o += VLAN_TAG_LEN;
        }
        return 0;
    }
    case DLT_RAW:
    case DLT_IPV4:
    case DLT_IPV6:
        *off = 0;
        return family_of_version(data, caplen);
    case DLT_LINUX_SLL:
        if (caplen < SLL_HDR_LEN)
            return 0;
        *off = SLL_HDR_LEN;
        return family_of_ethertype(be16(data + 14));
    case DLT_LINUX_SLL2:
        if (caplen < SLL2_HDR_LEN)
            return 0;
        *off = SLL2_HDR_LEN;
        return family_of_ethertype(be16(data));
    default:
        return 0;
    }
}

static int known_linktype(int lt)
{
    return lt == DLT_EN10MB || lt == DLT_RAW || lt == DLT_IPV4 || lt == DLT_IPV6 ||
           lt == DLT_LINUX_SLL || lt == DLT_LINUX_SLL2;
}

/* libpcap messages often start with the path already; do not print it twice. */
static const char *strip_path(const char *msg, const char *path)
{
    size_t n = strlen(path);
    if (strncmp(msg, path, n) == 0 && msg[n] == ':' && msg[n + 1] == ' ')
        return msg + n + 2;
    return msg;
}

int pcapio_open_read(const char *path, struct pcapio_reader **rp, char *err, size_t errlen)
{
    char ebuf[PCAP_ERRBUF_SIZE] = "";
    pcap_t *p = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_NANO, ebuf);
    if (!p) {
        snprintf(err, errlen, "cannot open %s: %s", path, strip_path(ebuf, path));
        return -1;
    }
    int lt = pcap_datalink(p);
    if (!known_linktype(lt)) {
        snprintf(err, errlen,
                 "%s: link type %d (%s) is not supported; expected Ethernet, raw IP, "
                 "Linux cooked (SLL/SLL2)",
                 path, lt, pcap_datalink_val_to_name(lt) ? pcap_datalink_val_to_name(lt) : "?");
        pcap_close(p);
        return -1;
    }
    struct pcapio_reader *r = calloc(1, sizeof *r);
    if (!r || !(r->path = strdup(path))) {
        free(r);
        pcap_close(p);
        snprintf(err, errlen, "cannot open %s: out of memory", path);
        return -1;
    }
    r->p = p;
    r->linktype = lt;
    *rp = r;
    return 0;
}

int pcapio_read(struct pcapio_reader *r, struct pcapio_frame *f, char *err, size_t errlen)
{
    struct pcap_pkthdr *h;
    const u_char *data;
    int rc = pcap_next_ex(r->p, &h, &data);
    if (rc == PCAP_ERROR_BREAK)
        return 0;
    if (rc != 1) {
        snprintf(err, errlen, "%s: frame %llu: %s", r->path, (unsigned long long)r->frames + 1,
                 rc == PCAP_ERROR ? pcap_geterr(r->p) : "unreadable record");
        return -1;
    }
    /* libpcap hands the sub-second field over as it is (times 1000 for a microsecond file):
     * one of a second or more is a damaged record, and folding it into the seconds would
     * change the timestamp a copy of the file writes. Refused, as a damaged frame. */
    if (h->ts.tv_usec < 0 || h->ts.tv_usec >= 1000000000) {
        snprintf(err, errlen, "%s: frame %llu: damaged record: its timestamp's fraction of a "
                 "second (%lld ns) is not below one second", r->path,
                 (unsigned long long)r->frames + 1, (long long)h->ts.tv_usec);
        return -1;
    }
    f->number = ++r->frames;
    f->ts_ns = (int64_t)h->ts.tv_sec * 1000000000 + h->ts.tv_usec; /* tv_usec holds ns here */
    f->caplen = h->caplen;
    f->wirelen = h->len;
    f->data = data;
    f->l3_off = 0;
    f->l3_family = (uint8_t)pcapio_find_l3(r->linktype, data, h->caplen, &f->l3_off);
    return 1;
}

int pcapio_linktype(const struct pcapio_reader *r) { return r->linktype; }
uint32_t pcapio_snaplen(const struct pcapio_reader *r) { return (uint32_t)pcap_snapshot(r->p); }

void pcapio_close_read(struct pcapio_reader *r)
{
    if (!r)
        return;
    pcap_close(r->p);
    free(r->path);
    free(r);
}

int pcapio_open_write(const char *path, int linktype, uint32_t snaplen, struct pcapio_writer **wp,
                      char *err, size_t errlen)
{
    struct pcapio_writer *w = calloc(1, sizeof *w);
    if (!w || !(w->path = strdup(path))) {
        free(w);
        snprintf(err, errlen, "cannot write %s: out of memory", path);
        return -1;
    }
    w->p = pcap_open_dead_with_tstamp_precision(linktype, (int)snaplen, PCAP_TSTAMP_PRECISION_NANO);
    if (!w->p) {
        snprintf(err, errlen, "cannot write %s: link type %d refused by libpcap", path, linktype);
        goto err;
    }
    w->d = pcap_dump_open(w->p, path);
    if (!w->d) {
        snprintf(err, errlen, "cannot write %s: %s", path, strip_path(pcap_geterr(w->p), path));
        goto err;
    }
    *wp = w;
    return 0;
err:
    if (w->p)
        pcap_close(w->p);
    free(w->path);
    free(w);
    return -1;
}

int pcapio_write(struct pcapio_writer *w, int64_t ts_ns, const uint8_t *data, uint32_t caplen,
                 uint32_t wirelen)
{
    struct pcap_pkthdr h;
    int64_t sec = ts_ns / 1000000000, ns = ts_ns % 1000000000;
    if (ns < 0) { /* floor division: the nanosecond field is never negative */
        ns += 1000000000;
        sec--;
    }
    h.ts.tv_sec = (time_t)sec;
    h.ts.tv_usec = (suseconds_t)ns; /* a nanosecond-precision dumper stores ns here */
    h.caplen = caplen;
    h.len = wirelen;
    pcap_dump((u_char *)w->d, &h, data);
    return 0;
}

int pcapio_close_write(struct pcapio_writer *w, char *err, size_t errlen)
{
    int rc = 0;
    if (pcap_dump_flush(w->d) != 0 || ferror(pcap_dump_file(w->d))) {
        snprintf(err, errlen, "cannot write %s: %s", w->path, strerror(errno));
        rc = -1;
    }
    pcap_dump_close(w->d);
    pcap_close(w->p);
    free(w->path);
    free(w);
    return rc;
}
