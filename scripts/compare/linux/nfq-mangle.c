/* nfq-mangle.c - the router's middlebox for the kernel reference runs: a fixed one-way delay
 * per NFQUEUE queue (this kernel has no netem) and, optionally, rewrites of the client's
 * MP_CAPABLE SYN.
 *
 *   nfq-mangle QUEUE:DELAY_US[:REWRITE] [QUEUE:DELAY_US[:REWRITE] ...]
 *
 * REWRITE applies only to a SYN without ACK that carries MP_CAPABLE (TCP option 30, subtype 0):
 *   or=0xNN      OR NN into the MP_CAPABLE flag byte (e.g. or=0x10 sets the reserved bit D)
 *   append=HEX   append the option bytes HEX (e.g. append=1e04e000, MPTCP subtype 0xe) after
 *                the existing options; IP total length, data offset and both checksums are
 *                fixed.
 *
 * Every packet of a queue is held DELAY_US microseconds from its arrival and then accepted.
 * The delay is constant per queue, so release order is arrival order and a FIFO of packet ids
 * suffices (a verdict may be given out of order by id, NFQUEUE allows it). Only a rewritten
 * packet is copied (its new bytes must outlive the callback). The queue length is raised to
 * 8192 so that the delay line (rate x delay, a few dozen packets here) never overflows it.
 * IPv4 only: the reference topology is IPv4.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <arpa/inet.h>
#include <linux/netfilter.h>
#include <libnetfilter_queue/libnetfilter_queue.h>
#include <poll.h>
#include <sys/socket.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_QUEUES 4
#define FIFO_LEN 16384
#define MAX_PKT 65536

struct held {
    uint32_t id;
    int64_t release_ns;
    uint8_t *data; /* rewritten bytes, or NULL */
    uint32_t len;
};

struct queue {
    int num;
    int64_t delay_ns;
    int or_flags;          /* -1: no flag rewrite */
    uint8_t append[40];
    size_t append_len;
    struct nfq_q_handle *qh;
    struct held fifo[FIFO_LEN];
    size_t head, count;
    unsigned long held_total, rewritten;
};

static struct queue queues[MAX_QUEUES];
static int nqueues;
static volatile sig_atomic_t stop;

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static uint16_t csum_fold(uint32_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

static uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i + 1 < n; i += 2)
        sum += (uint32_t)p[i] << 8 | p[i + 1];
    if (n & 1)
        sum += (uint32_t)p[n - 1] << 8;
    return sum;
}

/* Recomputes the IPv4 header checksum and the TCP checksum of a whole packet. */
static void fix_csums(uint8_t *ip, size_t len)
{
    size_t ihl = (size_t)(ip[0] & 0xf) * 4;
    ip[10] = ip[11] = 0;
    uint16_t c = csum_fold(csum_add(0, ip, ihl));
    ip[10] = (uint8_t)(c >> 8);
    ip[11] = (uint8_t)c;
    uint8_t *tcp = ip + ihl;
    size_t tcplen = len - ihl;
    tcp[16] = tcp[17] = 0;
    uint32_t sum = csum_add(0, ip + 12, 8);
    sum += 6 + (uint32_t)tcplen;
    c = csum_fold(csum_add(sum, tcp, tcplen));
    tcp[16] = (uint8_t)(c >> 8);
    tcp[17] = (uint8_t)c;
}

/* Offset of the MP_CAPABLE option in the TCP header, or 0 if there is none. */
static size_t find_mpc(const uint8_t *tcp, size_t hdrlen)
{
    size_t i = 20;
    while (i < hdrlen) {
        uint8_t kind = tcp[i];
        if (kind == 0)
            break;
        if (kind == 1) {
            i++;
            continue;
        }
        if (i + 1 >= hdrlen || tcp[i + 1] < 2 || i + tcp[i + 1] > hdrlen)
            break;
        if (kind == 30 && tcp[i + 1] >= 4 && (tcp[i + 2] >> 4) == 0)
            return i;
        i += tcp[i + 1];
    }
    return 0;
}

/* Applies the queue's rewrite to a copy of the packet when it is an MP_CAPABLE SYN.
 * Returns the copy (malloc'd) or NULL when the packet is left alone. */
static uint8_t *rewrite(struct queue *q, const uint8_t *pkt, uint32_t len, uint32_t *newlen)
{
    if (q->or_flags < 0 && q->append_len == 0)
        return NULL;
    if (len < 40 || (pkt[0] >> 4) != 4 || pkt[9] != 6)
        return NULL;
    size_t ihl = (size_t)(pkt[0] & 0xf) * 4;
    if (len < ihl + 20)
        return NULL;
    const uint8_t *tcp = pkt + ihl;
    size_t hdrlen = (size_t)(tcp[12] >> 4) * 4;
    if ((tcp[13] & 0x12) != 0x02 || len < ihl + hdrlen)
        return NULL;
    size_t mpc = find_mpc(tcp, hdrlen);
    if (!mpc)
        return NULL;
    size_t grow = (q->append_len + 3) & ~(size_t)3;
    if (hdrlen + grow > 60)
        return NULL;
    uint8_t *out = malloc(len + grow);
    if (!out)
        return NULL;
    memcpy(out, pkt, ihl + hdrlen);
    uint8_t *otcp = out + ihl;
    if (q->or_flags >= 0)
        otcp[mpc + 3] |= (uint8_t)q->or_flags;
    if (grow) {
        memcpy(otcp + hdrlen, q->append, q->append_len);
        memset(otcp + hdrlen + q->append_len, 1, grow - q->append_len); /* NOP padding */
        otcp[12] = (uint8_t)((((hdrlen + grow) / 4) << 4) | (otcp[12] & 0x0f));
        uint16_t tot = (uint16_t)(len + grow);
        out[2] = (uint8_t)(tot >> 8);
        out[3] = (uint8_t)tot;
    }
    memcpy(otcp + hdrlen + grow, pkt + ihl + hdrlen, len - ihl - hdrlen);
    *newlen = len + (uint32_t)grow;
    fix_csums(out, *newlen);
    q->rewritten++;
    return out;
}

static int on_packet(struct nfq_q_handle *qh, struct nfgenmsg *msg, struct nfq_data *nfa,
                     void *ctx)
{
    (void)msg;
    struct queue *q = ctx;
    struct nfqnl_msg_packet_hdr *ph = nfq_get_msg_packet_hdr(nfa);
    if (!ph)
        return 0;
    uint32_t id = ntohl(ph->packet_id);
    unsigned char *pkt;
    int len = nfq_get_payload(nfa, &pkt);
    if (q->count == FIFO_LEN) /* delay line full: let the packet through now */
        return nfq_set_verdict(qh, id, NF_ACCEPT, 0, NULL);
    struct held *h = &q->fifo[(q->head + q->count) % FIFO_LEN];
    h->id = id;
    h->release_ns = now_ns() + q->delay_ns;
    h->data = len > 0 ? rewrite(q, pkt, (uint32_t)len, &h->len) : NULL;
    q->count++;
    q->held_total++;
    return 0;
}

/* Releases every packet whose time has come; returns the earliest pending release or -1. */
static int64_t release_due(void)
{
    int64_t next = -1, t = now_ns();
    for (int i = 0; i < nqueues; i++) {
        struct queue *q = &queues[i];
        while (q->count) {
            struct held *h = &q->fifo[q->head];
            if (h->release_ns > t) {
                if (next < 0 || h->release_ns < next)
                    next = h->release_ns;
                break;
            }
            nfq_set_verdict(q->qh, h->id, NF_ACCEPT, h->data ? h->len : 0, h->data);
            free(h->data);
            h->data = NULL;
            q->head = (q->head + 1) % FIFO_LEN;
            q->count--;
        }
    }
    return next;
}

static int parse_spec(const char *spec, struct queue *q)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", spec);
    char *save = NULL, *tok = strtok_r(buf, ":", &save);
    if (!tok)
        return -1;
    q->num = atoi(tok);
    if (!(tok = strtok_r(NULL, ":", &save)))
        return -1;
    q->delay_ns = atoll(tok) * 1000;
    q->or_flags = -1;
    while ((tok = strtok_r(NULL, ":", &save))) {
        if (!strncmp(tok, "or=", 3)) {
            q->or_flags = (int)strtol(tok + 3, NULL, 0) & 0xff;
        } else if (!strncmp(tok, "append=", 7)) {
            const char *hex = tok + 7;
            size_t n = strlen(hex) / 2;
            if (n == 0 || n > 12 || strlen(hex) % 2)
                return -1;
            for (size_t i = 0; i < n; i++) {
                unsigned v;
                if (sscanf(hex + 2 * i, "%2x", &v) != 1)
                    return -1;
                q->append[i] = (uint8_t)v;
            }
            q->append_len = n;
        } else {
            return -1;
        }
    }
    return 0;
}

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc - 1 > MAX_QUEUES) {
        fprintf(stderr, "usage: nfq-mangle QUEUE:DELAY_US[:or=0xNN][:append=HEX] ...\n");
        return 2;
    }
    struct nfq_handle *h = nfq_open();
    if (!h) {
        perror("nfq_open");
        return 1;
    }
    for (int i = 1; i < argc; i++) {
        struct queue *q = &queues[nqueues++];
        if (parse_spec(argv[i], q) < 0) {
            fprintf(stderr, "nfq-mangle: bad queue spec \"%s\"\n", argv[i]);
            return 2;
        }
        q->qh = nfq_create_queue(h, (uint16_t)q->num, on_packet, q);
        if (!q->qh || nfq_set_mode(q->qh, NFQNL_COPY_PACKET, MAX_PKT) < 0) {
            fprintf(stderr, "nfq-mangle: cannot bind queue %d\n", q->num);
            return 1;
        }
        nfq_set_queue_maxlen(q->qh, 8192);
    }
    nfnl_rcvbufsiz(nfq_nfnlh(h), 8 << 20);
    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);
    int fd = nfq_fd(h);
    static char buf[MAX_PKT + 4096];
    while (!stop) {
        int64_t next = release_due();
        struct pollfd pfd = { .fd = fd, .events = POLLIN };
        struct timespec to = { 1, 0 };
        if (next >= 0) {
            int64_t wait = next - now_ns();
            if (wait < 0)
                wait = 0;
            to.tv_sec = wait / 1000000000;
            to.tv_nsec = wait % 1000000000;
        }
        int r = ppoll(&pfd, 1, &to, NULL);
        if (r > 0) {
            ssize_t n;
            while ((n = recv(fd, buf, sizeof buf, MSG_DONTWAIT)) > 0)
                nfq_handle_packet(h, buf, (int)n);
            if (n < 0 && errno == ENOBUFS)
                fprintf(stderr, "nfq-mangle: netlink buffer overrun (packets lost)\n");
        }
    }
    for (int i = 0; i < nqueues; i++) {
        struct queue *q = &queues[i];
        while (q->count) { /* flush the delay line */
            struct held *hd = &q->fifo[q->head];
            nfq_set_verdict(q->qh, hd->id, NF_ACCEPT, hd->data ? hd->len : 0, hd->data);
            free(hd->data);
            q->head = (q->head + 1) % FIFO_LEN;
            q->count--;
        }
        fprintf(stderr, "nfq-mangle: queue %d: %lu packets delayed, %lu rewritten\n", q->num,
                q->held_total, q->rewritten);
        nfq_destroy_queue(q->qh);
    }
    nfq_close(h);
    return 0;
}
