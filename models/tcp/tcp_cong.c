/* tcp_cong.c - the registry of congestion-control algorithms and the RFC 5681 helpers they
 * share. The registry is a small fixed array filled by constructors at start-up (a handful of
 * algorithms exist); lookups happen once per connection, never per packet.
 */
#include "models/tcp/tcp_cong.h"

#include <assert.h>
#include <string.h>

#define TCP_CONG_MAX 16

static const struct tcp_cong_ops *cong_table[TCP_CONG_MAX];
static size_t cong_count;
static char cong_names[TCP_CONG_MAX * 16];

void tcp_cong_register(const struct tcp_cong_ops *ops)
{
    assert(cong_count < TCP_CONG_MAX && !tcp_cong_find(ops->name));
    /* Kept sorted by name so that listings do not depend on link order. */
    size_t i = cong_count;
    while (i > 0 && strcmp(cong_table[i - 1]->name, ops->name) > 0) {
        cong_table[i] = cong_table[i - 1];
        i--;
    }
    cong_table[i] = ops;
    cong_count++;
    cong_names[0] = '\0';
    for (size_t j = 0; j < cong_count; j++) {
        if (j)
            strncat(cong_names, "|", sizeof cong_names - strlen(cong_names) - 1);
        strncat(cong_names, cong_table[j]->name, sizeof cong_names - strlen(cong_names) - 1);
    }
}

const struct tcp_cong_ops *tcp_cong_find(const char *name)
{
    for (size_t i = 0; i < cong_count; i++)
        if (strcmp(cong_table[i]->name, name) == 0)
            return cong_table[i];
    return NULL;
}

const char *tcp_cong_names(void) { return cong_names; }

uint32_t tcp_cc_slow_start(struct tcp_cc *cc, uint32_t acked)
{
    /* RFC 3465 section 2.2: grow by the bytes acknowledged, at most L = 2 SMSS per ACK, and
     * not beyond ssthresh; what is left over goes to congestion avoidance (Linux does the
     * same split in tcp_slow_start). */
    uint32_t inc = acked < 2 * cc->mss ? acked : 2 * cc->mss;
    uint32_t room = cc->ssthresh > cc->cwnd ? cc->ssthresh - cc->cwnd : 0;
    if (inc > room)
        inc = room;
    cc->cwnd += inc;
    return acked > inc ? acked - inc : 0;
}

void tcp_cc_reno_avoid(struct tcp_cc *cc, uint32_t acked, uint32_t *acc)
{
    /* RFC 5681 section 3.1, byte-counting form (RFC 3465 section 2.1): one SMSS per cwnd
     * bytes acknowledged, which is eq. (3) without its per-ACK rounding error. */
    *acc += acked;
    while (*acc >= cc->cwnd) {
        *acc -= cc->cwnd;
        cc->cwnd += cc->mss;
    }
}
