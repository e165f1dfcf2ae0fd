/* mptcp_sched.c - packet schedulers: which subflow carries the next mapping (Linux
 * net/mptcp/sched.c and protocol.c mptcp_subflow_get_send; the out-of-tree kernel's
 * roundrobin, redundant and minrtt schedulers).
 *
 * A scheduler only picks; mptcp_push (mptcp_dss.c) builds the mapping and queues it. A subflow
 * takes at most its room: congestion window plus one MSS minus the bytes it already holds
 * (sent or not), so data stays at the connection level until a subflow can send it soon and
 * a late decision can still move it elsewhere - the role Linux gives to sk_stream_memory_free
 * and the burst limit. Backup subflows (RFC 8684 section 3.3.8) carry data only when no
 * non-backup subflow is established, as in Linux.
 */
#include <string.h>

#include "models/mptcp/mptcp_int.h"
#include "models/tcp/tcp_stack.h"

bool mptcp_sf_usable(const struct mptcp_subflow *sf)
{
    if (!sf || sf->closed || !sf->established || sf->fin_sent || sf->reset_pending)
        return false;
    if (sf->join && !sf->fully_established)
        return false;   /* RFC 8684 section 3.2: no data before the 4th ACK */
    return true;
}

uint32_t mptcp_sf_room(const struct mptcp_subflow *sf)
{
    if (!mptcp_sf_usable(sf))
        return 0;
    struct tcp_sock_view in;
    tcp_sock_get_view(sf->tcp, &in);
    const struct tcp_config *cfg = tcp_stack_config(tcp_sock_stack(sf->tcp));
    uint64_t queued = cfg->sndbuf - tcp_sock_writable(sf->tcp);
    uint64_t limit = (uint64_t)in.cwnd + in.mss;
    if (queued >= limit)
        return 0;
    uint64_t room = limit - queued;
    size_t free = tcp_sock_writable(sf->tcp);
    if (room > free)
        room = free;
    /* Whole segments only: Linux maps one skb, which mptcp_sendmsg_frag fills up to the
     * size goal (a multiple of the MSS). A room of cwnd + 1 MSS - queued that is not a
     * multiple of the MSS (cwnd grows by fractions of an MSS) would otherwise end a mapping,
     * and with it a segment, mid-MSS: a runt on every ACK, each taking a packet's place in
     * a drop-tail queue for a fraction of its bytes. */
    if (in.mss)
        room -= room % in.mss;
    return (uint32_t)room;
}

uint32_t mptcp_sf_map_max(const struct mptcp_subflow *sf, uint32_t mapping_max)
{
    struct tcp_sock_view in;
    tcp_sock_get_view(sf->tcp, &in);
    if (!in.mss || mapping_max < in.mss)
        return mapping_max;
    return mapping_max - mapping_max % in.mss;
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

/* Linux default: the subflow whose queue drains soonest, queued bytes over its pacing rate
 * (~ cwnd / srtt): linger = queued * srtt / cwnd. */
static struct mptcp_subflow *pick_default(struct mptcp_conn *c, uint32_t *room)
{
    bool backup = want_backup(c);
    struct mptcp_subflow *best = NULL;
    double best_linger = 0;
    for (size_t i = 0; i < c->nsf; i++) {
        struct mptcp_subflow *sf = c->sf[i];
        if (!eligible(sf, backup))
            continue;
        uint32_t r = mptcp_sf_room(sf);
        if (!r)
            continue;
        struct tcp_sock_view in;
        tcp_sock_get_view(sf->tcp, &in);
        const struct tcp_config *cfg = tcp_stack_config(tcp_sock_stack(sf->tcp));
        double queued = (double)(cfg->sndbuf - tcp_sock_writable(sf->tcp));
        double srtt = in.srtt > 0 ? (double)in.srtt : 1.0;
        double linger = (queued + in.mss) * srtt / (in.cwnd ? in.cwnd : 1);
        if (!best || linger < best_linger) {
            best = sf;
            best_linger = linger;
            *room = r;
        }
    }
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
