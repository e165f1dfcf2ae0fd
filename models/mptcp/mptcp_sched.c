/* mptcp_sched.c - packet schedulers: which subflow carries the next mapping (Linux
 * net/mptcp/sched.c and protocol.c mptcp_subflow_get_send; the out-of-tree kernel's
 * roundrobin, redundant and minrtt schedulers).
 *
 * A scheduler only picks; mptcp_push (mptcp_dss.c) builds the mapping and queues it. Two
 * rules bound what a subflow takes, as in the two kernels:
 * - default (upstream Linux): data moves into a subflow's send queue while its send buffer
 *   has room (sk_stream_memory_free), the buffer being what tcp_sndbuf_expand makes of the
 *   largest cwnd: 2 x max(cwnd, 10) segments of truesize (about 3 cwnd of payload), at most
 *   the TCP sndbuf. The subflow chosen is the one whose queue drains first (queued bytes
 *   over a smoothed pacing rate); when that one is full nothing is sent (a slower subflow
 *   is not used to get ahead, the BLEST argument in the kernel's comment), and one choice
 *   carries at most one burst (MPTCP_SEND_BURST_SIZE) before the next.
 * - roundrobin, redundant, minrtt (out-of-tree kernel): a subflow takes data while its
 *   congestion window has room, one MSS ahead.
 * Backup subflows (RFC 8684 section 3.3.8) carry data only when no non-backup subflow is
 * established, as in Linux.
 */
#include <string.h>

#include "models/mptcp/mptcp_int.h"
#include "models/tcp/tcp_stack.h"

/* Linux constants: MPTCP_SEND_BURST_SIZE (64 KiB less the largest TCP/IPv6 headers),
 * MAX_TCP_HEADER and the skb overheads of x86-64 (tcp_sndbuf_expand's per_mss), the
 * pacing ratios sysctl_tcp_pacing_ss_ratio / ca_ratio (percent), TCP_INIT_CWND. */
#define LINUX_SEND_BURST 65428u
#define LINUX_MAX_TCP_HEADER 320u
#define LINUX_SHINFO 320u
#define LINUX_SKB 256u
#define LINUX_PACING_SS 200u
#define LINUX_PACING_CA 120u
#define LINUX_INIT_CWND 10u

bool mptcp_sf_usable(const struct mptcp_subflow *sf)
{
    if (!sf || sf->closed || !sf->established || sf->fin_sent || sf->reset_pending)
        return false;
    if (sf->join && !sf->fully_established)
        return false;   /* RFC 8684 section 3.2: no data before the 4th ACK */
    return true;
}

uint32_t mptcp_map_cap(const struct mptcp_subflow *sf)
{
    uint32_t max = (uint32_t)sf->conn->st->cfg.mapping_max;
    struct tcp_sock_view v;
    tcp_sock_get_view(sf->tcp, &v);
    if (v.mss && max >= 2 * v.mss)
        max -= max % v.mss;
    return max;
}

uint32_t mptcp_sf_room(const struct mptcp_subflow *sf)
{
    if (!mptcp_sf_usable(sf) || sf->tx_n >= MPTCP_MAPS)
        return 0;
    struct tcp_sock_view v;
    tcp_sock_get_view(sf->tcp, &v);
    uint64_t limit = (uint64_t)v.cwnd + v.mss;
    if (v.queued >= limit)
        return 0;
    uint64_t room = limit - v.queued;
    size_t free = tcp_sock_writable(sf->tcp);
    return (uint32_t)(room < free ? room : free);
}

/* Non-backup subflows if any is usable, else backups (Linux: "backup" only when no active). */
static bool want_backup(const struct mptcp_conn *c)
{
    for (size_t i = 0; i < c->nsf; i++)
        if (mptcp_sf_usable(c->sf[i]) && !c->sf[i]->backup && !c->sf[i]->peer_backup)
            return false;
    return true;
}

static bool eligible(const struct mptcp_subflow *sf, bool backup)
{
    return mptcp_sf_usable(sf) && (sf->backup || sf->peer_backup) == backup;
}

/* Linux tcp_sndbuf_expand: the send buffer for the largest cwnd seen, in bytes of truesize
 * (each segment's head rounded up to a power of two plus the sk_buff); payload in the
 * kernel's 64 KiB skbs costs about its own size, so this is also what the queue may hold. */
static uint64_t linux_sndbuf(struct mptcp_subflow *sf, const struct tcp_sock_view *in,
                             const struct tcp_config *cfg)
{
    uint32_t segs = in->mss ? in->cwnd / in->mss : 0;
    if (segs > sf->sndbuf_segs)
        sf->sndbuf_segs = segs;
    segs = sf->sndbuf_segs > LINUX_INIT_CWND ? sf->sndbuf_segs : LINUX_INIT_CWND;
    uint32_t head = (uint32_t)cfg->mss + LINUX_MAX_TCP_HEADER + LINUX_SHINFO, p2 = 1;
    while (p2 < head)
        p2 <<= 1;
    uint64_t buf = 2ull * segs * (p2 + LINUX_SKB);
    return buf < cfg->sndbuf ? buf : cfg->sndbuf;
}

/* Linux tcp_update_pacing_rate: mss x max(cwnd, packets out) / srtt, times 200 % in slow
 * start (cwnd below half ssthresh) and 120 % after. Bytes per second; 0 before an RTT. */
static double linux_pacing_rate(const struct tcp_sock_view *in)
{
    if (in->srtt <= 0)
        return 0;
    uint32_t w = in->cwnd > in->in_flight ? in->cwnd : in->in_flight;
    uint32_t ratio = in->cwnd < in->ssthresh / 2 ? LINUX_PACING_SS : LINUX_PACING_CA;
    return (double)w * ratio / 100.0 / time_to_sec(in->srtt);
}

/* Linux mptcp_subflow_get_send: the lowest linger time, queued bytes over the subflow's
 * smoothed pacing rate (avg_pacing_rate, first taken from the socket, then after each choice
 * the average of the old value weighted by the queue and the current rate weighted by the
 * burst). NULL when that subflow's buffer is full. */
static struct mptcp_subflow *pick_default(struct mptcp_conn *c, uint32_t *room)
{
    bool backup = want_backup(c);
    struct mptcp_subflow *best = NULL;
    double best_linger = 0, best_rate = 0;
    uint64_t best_free = 0, best_queued = 0;
    for (size_t i = 0; i < c->nsf; i++) {
        struct mptcp_subflow *sf = c->sf[i];
        if (!eligible(sf, backup))
            continue;
        struct tcp_sock_view in;
        tcp_sock_get_view(sf->tcp, &in);
        double rate = linux_pacing_rate(&in);
        if (sf->avg_pace <= 0)
            sf->avg_pace = rate;
        if (sf->avg_pace <= 0)
            continue;
        const struct tcp_config *cfg = tcp_stack_config(tcp_sock_stack(sf->tcp));
        uint64_t queued = in.queued;
        double linger = (double)queued / sf->avg_pace;
        if (!best || linger < best_linger) {
            uint64_t buf = linux_sndbuf(sf, &in, cfg);
            best = sf;
            best_linger = linger;
            best_rate = rate;
            best_queued = queued;
            best_free = buf > queued ? buf - queued : 0;
            if (sf->tx_n >= MPTCP_MAPS)
                best_free = 0;
        }
    }
    if (!best || !best_free)
        return NULL;
    uint64_t burst = best_free < LINUX_SEND_BURST ? best_free : LINUX_SEND_BURST;
    size_t w = tcp_sock_writable(best->tcp);
    if (burst > w)
        burst = w;
    if (!burst)
        return NULL;
    best->avg_pace = (best->avg_pace * (double)best_queued + best_rate * (double)burst) /
                     (double)(burst + best_queued);
    *room = (uint32_t)burst;
    return best;
}

static struct mptcp_subflow *pick_minrtt(struct mptcp_conn *c, uint32_t *room)
{
    bool backup = want_backup(c);
    struct mptcp_subflow *best = NULL;
    sim_time_t best_rtt = 0;
    for (size_t i = 0; i < c->nsf; i++) {
        struct mptcp_subflow *sf = c->sf[i];
        if (!eligible(sf, backup))
            continue;
        uint32_t r = mptcp_sf_room(sf);
        if (!r)
            continue;
        struct tcp_sock_view in;
        tcp_sock_get_view(sf->tcp, &in);
        if (!best || in.srtt < best_rtt) {
            best = sf;
            best_rtt = in.srtt;
            *room = r;
        }
    }
    return best;
}

/* Round robin over subflows with room, starting after the last one used (out-of-tree
 * mptcp_rr.c, without its "cwnd-limited burst" count). */
static struct mptcp_subflow *pick_rr(struct mptcp_conn *c, uint32_t *room)
{
    bool backup = want_backup(c);
    static const size_t none = (size_t)-1;
    size_t start = none;
    for (size_t i = 0; i < c->nsf; i++)
        if (c->sf[i]->index == c->next_index)
            start = i;
    if (start == none)
        start = 0;
    for (size_t k = 0; k < c->nsf; k++) {
        struct mptcp_subflow *sf = c->sf[(start + k) % c->nsf];
        if (!eligible(sf, backup))
            continue;
        uint32_t r = mptcp_sf_room(sf);
        if (r) {
            *room = r;
            c->next_index = c->sf[(start + k + 1) % c->nsf]->index;
            return sf;
        }
    }
    return NULL;
}

static const struct mptcp_sched_ops scheds[] = {
    { .name = "default", .pick = pick_default },
    { .name = "roundrobin", .pick = pick_rr },
    /* redundant: the mapping goes on the min-RTT subflow and on every other one that has
     * room at that moment (out-of-tree mptcp_redundant.c skips subflows that cannot send) */
    { .name = "redundant", .pick = pick_minrtt, .redundant = true },
    { .name = "minrtt", .pick = pick_minrtt },
};

const struct mptcp_sched_ops *mptcp_sched_find(const char *name)
{
    for (size_t i = 0; i < sizeof scheds / sizeof scheds[0]; i++)
        if (!strcmp(scheds[i].name, name))
            return &scheds[i];
    return NULL;
}

const char *mptcp_sched_names(void) { return "default, roundrobin, redundant, minrtt"; }
