/* tcp_stack.c - a node's TCP stack: connection table, demultiplexing, ISNs, memory.
 *
 * Connections (and compact TIME-WAIT records, tcp_timewait.c) are found by their 4-tuple in
 * a chained hash table that doubles when it holds more entries than buckets, so a lookup
 * costs O(1) on average with a million connections. Listeners are a short list (a node has
 * a few). ISNs are random draws from the stack's own stream (RFC 9293 section 3.4.1 asks for
 * unpredictable ISNs; RFC 6528's hash of the 4-tuple and a clock serves the same purpose on a
 * real host). Every socket is also on a list, so that freeing the stack frees the ones an
 * application still holds. Not modelled: SO_REUSEADDR semantics.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/tcp/tcp_int.h"
#include "sim/hash.h"

#define TCP_EPHEMERAL_FIRST 49152
#define TCP_TABLE_INITIAL 64

bool tcp_addr_eq(const struct sock_addr *a, const struct sock_addr *b)
{
    /* Constant sizes, so that the compares inline (a per-segment operation). */
    if (a->family != b->family)
        return false;
    return a->family == 6 ? memcmp(a->bytes, b->bytes, 16) == 0
                          : memcmp(a->bytes, b->bytes, 4) == 0;
}

/* An address as one word: IPv4 as its 4 bytes (only those are read: a wider load of a
 * tuple just written would stall on store forwarding), IPv6 folded. */
static inline uint64_t addr_word(const struct sock_addr *a)
{
    uint32_t w[4];
    if (a->family != 6) {
        memcpy(w, a->bytes, 4);
        return w[0];
    }
    memcpy(w, a->bytes, 16);
    return (uint64_t)(w[0] ^ w[2]) << 32 | (w[1] ^ w[3]);
}

static uint64_t tuple_hash(const struct sock_addr *la, uint16_t lp, const struct sock_addr *ra,
                           uint16_t rp)
{
    /* The words of the tuple combined, then finalized, so that the low bits (the table
     * index) depend on every bit of the tuple. */
    uint64_t h = addr_word(la) * 0x9e3779b97f4a7c15ull;
    return hash_mix64(h ^ (addr_word(ra) + ((uint64_t)lp << 48 | (uint64_t)rp << 32)));
}

static size_t bucket_of(const struct tcp_stack *st, const struct tcp_hnode *n)
{
    return tuple_hash(&n->laddr, n->lport, &n->raddr, n->rport) & (st->table_size - 1);
}

static void table_grow(struct tcp_stack *st)
{
    size_t n = st->table_size * 2;
    struct tcp_hnode **t = calloc(n, sizeof *t);
    if (!t)
        return; /* keep the longer chains: slower, still correct */
    struct tcp_hnode **old = st->table;
    size_t old_n = st->table_size;
    st->table = t;
    st->table_size = n;
    for (size_t i = 0; i < old_n; i++) {
        struct tcp_hnode *e = old[i];
        while (e) {
            struct tcp_hnode *next = e->hnext;
            size_t b = bucket_of(st, e);
            e->hnext = t[b];
            t[b] = e;
            e = next;
        }
    }
    tcp_mem_update(st, (int64_t)((n - old_n) * sizeof *t));
    free(old);
}

void tcp_node_hash(struct tcp_stack *st, struct tcp_hnode *n)
{
    if (st->table_count >= st->table_size)
        table_grow(st);
    size_t b = bucket_of(st, n);
    n->hnext = st->table[b];
    st->table[b] = n;
    st->table_count++;
}

void tcp_node_unhash(struct tcp_stack *st, struct tcp_hnode *n)
{
    struct tcp_hnode **pp = &st->table[bucket_of(st, n)];
    while (*pp && *pp != n)
        pp = &(*pp)->hnext;
    if (*pp) {
        *pp = n->hnext;
        n->hnext = NULL;
        st->table_count--;
    }
}

void tcp_sock_hash(struct tcp_sock *c) { tcp_node_hash(c->stack, &c->node); }

void tcp_sock_unhash(struct tcp_sock *c) { tcp_node_unhash(c->stack, &c->node); }

struct tcp_hnode *tcp_lookup(struct tcp_stack *st, const struct sock_addr *laddr, uint16_t lport,
                             const struct sock_addr *raddr, uint16_t rport)
{
    struct tcp_hnode *n = st->table[tuple_hash(laddr, lport, raddr, rport) & (st->table_size - 1)];
    for (; n; n = n->hnext)
        if (n->lport == lport && n->rport == rport && tcp_addr_eq(&n->laddr, laddr) &&
            tcp_addr_eq(&n->raddr, raddr))
            return n;
    return NULL;
}

void tcp_mem_update(struct tcp_stack *st, int64_t delta)
{
    st->stats.conn_bytes = (uint64_t)((int64_t)st->stats.conn_bytes + delta);
    if (st->stats.conn_bytes > st->stats.conn_bytes_peak)
        st->stats.conn_bytes_peak = st->stats.conn_bytes;
}

size_t tcp_sock_mem_bytes(const struct tcp_sock *c)
{
    return sizeof *c + ((size_t)c->cap_ooo + c->cap_sacked) * sizeof(struct tcp_range);
}

size_t tcp_conn_idle_bytes(void) { return sizeof(struct tcp_sock); }

uint32_t tcp_stack_isn(struct tcp_stack *st)
{
    if (st->have_next_isn) {
        st->have_next_isn = false;
        return st->next_isn;
    }
    return rng_u32(st->rng);
}

void tcp_stack_set_next_isn(struct tcp_stack *st, uint32_t isn)
{
    st->have_next_isn = true;
    st->next_isn = isn;
}

struct tcp_sock *tcp_sock_alloc(struct tcp_stack *st, const struct tcp_cong_ops *cc)
{
    struct tcp_sock *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    const struct tcp_config *cfg = &st->cfg;
    c->base.ops = &tcp_stream_ops;
    c->stack = st;
    c->all_next = st->all;
    if (st->all)
        st->all->all_prev = c;
    st->all = c;
    c->state = TCP_CLOSED;
    if (cfg->nagle)
        c->flags |= TF_NAGLE;
    c->mss = (uint16_t)cfg->mss;
    c->rcv_mss = (uint16_t)cfg->mss;
    c->rto = cfg->rto_initial;
    c->last_data_sent = -1;
    c->cc.ops = cc;
    c->cc.owner = c;
    c->cc.mss = c->mss;
    c->cc.cwnd = (uint32_t)cfg->initial_cwnd * c->mss;
    c->cc.ssthresh = UINT32_MAX;
    c->cc.hystart = cfg->hystart;
    c->cc.ack_rtt = -1;
    c->cc.ops->init(&c->cc);
    tcp_timers_init(c);
    st->stats.conns_live++;
    if (st->stats.conns_live > st->stats.conns_peak)
        st->stats.conns_peak = st->stats.conns_live;
    tcp_mem_update(st, (int64_t)sizeof *c);
    return c;
}

void tcp_sock_destroy(struct tcp_sock *c)
{
    if (c->flags & TF_FREE_LATER)
        return;
    if (c->ulp) {
        /* CLOSED reaches the ULP while the socket is still whole; the ULP may abort or
         * close it from the event, which destroys it in there. */
        c->state = TCP_CLOSED; /* a tcp_abort() from the event sends no second RST */
        tcp_cb_begin(c);
        tcp_ulp_closed(c);
        if (!tcp_cb_end(c))
            return;
    }
    struct tcp_stack *st = c->stack;
    tcp_sock_unhash(c);
    if (c->parent)
        tcp_listener_child_gone(c);
    timer_cancel(&c->rtx);
    timer_cancel(&c->delack);
    tcp_ooo_free(c); /* accounts its own bytes */
    tcp_sack_clear(c);
    if (c->all_prev)
        c->all_prev->all_next = c->all_next;
    else
        st->all = c->all_next;
    if (c->all_next)
        c->all_next->all_prev = c->all_prev;
    tcp_mem_update(st, -(int64_t)sizeof *c);
    st->stats.conns_live--;
    c->state = TCP_CLOSED;
    if (c->cb_depth) {
        c->flags |= TF_FREE_LATER;
        return;
    }
    free(c);
}

void tcp_cb_begin(struct tcp_sock *c) { c->cb_depth++; }

bool tcp_cb_end(struct tcp_sock *c)
{
    if (--c->cb_depth == 0 && (c->flags & TF_FREE_LATER)) {
        free(c);
        return false;
    }
    return !(c->flags & TF_FREE_LATER);
}

int tcp_stack_new(struct sched *s, struct pkt_pool *pool, const struct tcp_config *cfg,
                  const struct tcp_ip_ops *ops, void *ip_ctx, uint64_t seed, uint64_t run,
                  const char *rng_name, struct tcp_stack **out, char *err, size_t errlen)
{
    if (tcp_config_check(cfg, err, errlen) < 0)
        return -1;
    struct tcp_stack *st = calloc(1, sizeof *st);
    if (!st)
        goto nomem;
    st->sched = s;
    st->pool = pool;
    st->cfg = *cfg;
    st->cc_default = tcp_cong_find(cfg->cc);
    st->ops = *ops;
    st->ip_ctx = ip_ctx;
    st->next_port = TCP_EPHEMERAL_FIRST;
    st->rng = rng_new(seed, run, rng_name);
    st->table_size = TCP_TABLE_INITIAL;
    st->table = calloc(st->table_size, sizeof *st->table);
    if (!st->rng || !st->table)
        goto nomem;
    st->cookie_secret[0] = (uint64_t)rng_u32(st->rng) << 32 | rng_u32(st->rng);
    st->cookie_secret[1] = (uint64_t)rng_u32(st->rng) << 32 | rng_u32(st->rng);
    tcp_mem_update(st, (int64_t)(st->table_size * sizeof *st->table));
    tcp_tw_init(st);
    *out = st;
    return 0;
nomem:
    if (st) {
        rng_free(st->rng);
        free(st->table);
        free(st);
    }
    snprintf(err, errlen, "tcp: out of memory creating the stack");
    return -1;
}

void tcp_stack_free(struct tcp_stack *st)
{
    if (!st)
        return;
    /* Nothing is sent and no ULP is told: the layers above are being freed too. */
    for (struct tcp_sock *c = st->all; c; c = c->all_next)
        c->ulp = NULL;
    tcp_listeners_free_all(st);
    tcp_tw_free_all(st);
    /* Also the sockets an application still holds after they closed (unhashed). */
    while (st->all)
        tcp_sock_destroy(st->all);
    rng_free(st->rng);
    free(st->table);
    free(st);
}

/* An ephemeral port for (laddr -> raddr:rport), scanning the range once from where the last
 * search stopped (Linux picks a random offset; sequential keeps runs easy to read). */
int tcp_stack_pick_port(struct tcp_stack *st, const struct sock_addr *laddr,
                        const struct sock_addr *raddr, uint16_t rport, uint16_t *out)
{
    unsigned span = 65536 - TCP_EPHEMERAL_FIRST;
    for (unsigned i = 0; i < span; i++) {
        uint16_t p = st->next_port;
        st->next_port = p == 65535 ? TCP_EPHEMERAL_FIRST : (uint16_t)(p + 1);
        if (!tcp_lookup(st, laddr, p, raddr, rport) && !tcp_listener_find(st, laddr, p)) {
            *out = p;
            return 0;
        }
    }
    return SOCK_ERR_NOPORT;
}

static void seg_input(struct tcp_stack *st, const struct tcp_hdr *h, uint32_t seg_len,
                      const struct sock_addr *src, const struct sock_addr *dst);

void tcp_input(struct tcp_stack *st, struct packet *pkt, const struct sock_addr *src,
               const struct sock_addr *dst)
{
    struct tcp_hdr h;
    st->stats.segs_in++;
    int rc = tcp_decode(pkt_cdata(pkt), pkt_len(pkt), &h);
    /* A malformed option ends option parsing but keeps the segment (as Linux does); a bad
     * fixed header drops it. */
    if (rc < 0 && rc != WIRE_E_OPT_LEN) {
        st->stats.bad_segs++;
        pkt_free(pkt);
        return;
    }
    size_t hlen = tcp_hdr_len(&h);
    uint32_t seg_len = (uint32_t)(pkt_wire_len(pkt) - hlen); /* decode checked hlen <= stored */
    size_t real = pkt_len(pkt) - hlen;
    if (real > TCP_RX_PAYLOAD_MAX)
        real = TCP_RX_PAYLOAD_MAX;
    if (real)
        memcpy(st->rx_payload, pkt_cdata(pkt) + hlen, real);
    st->rx_payload_len = (uint8_t)real;
    pkt_free(pkt);
    seg_input(st, &h, seg_len, src, dst);
    st->rx_payload_len = 0;
}

const uint8_t *tcp_sock_rx_payload(const struct tcp_sock *s, size_t *n)
{
    *n = s->stack->rx_payload_len;
    return s->stack->rx_payload;
}

static void seg_input(struct tcp_stack *st, const struct tcp_hdr *h, uint32_t seg_len,
                      const struct sock_addr *src, const struct sock_addr *dst)
{
    struct tcp_hnode *n = tcp_lookup(st, dst, h->dport, src, h->sport);
    if (n && n->is_tw && !tcp_tw_input(st, (struct tcp_tw *)(void *)n, h, seg_len))
        return;
    if (n && !n->is_tw) {
        struct tcp_sock *c = tcp_sock_of(n);
        c->stats.segs_in++;
        tcp_cb_begin(c);
        tcp_conn_input(c, h, seg_len);
        tcp_cb_end(c);
        return;
    }
    struct tcp_listener *l = tcp_listener_find(st, dst, h->dport);
    if (!l && st->transparent)
        l = tcp_listener_find_transparent(st, h->dport);
    if (l) {
        tcp_listen_input(l, h, seg_len, src, dst);
        return;
    }
    /* RFC 9293 section 3.10.7.1: CLOSED state. An RST is ignored; anything else is answered
     * with an RST. */
    if (!(h->flags & TCP_FLAG_RST)) {
        st->stats.no_conn_rsts++;
        tcp_send_rst_for(st, h, seg_len, src, dst);
    }
}

void tcp_stack_get_stats(const struct tcp_stack *st, struct tcp_stack_stats *out)
{
    *out = st->stats;
}

const struct tcp_config *tcp_stack_config(const struct tcp_stack *st) { return &st->cfg; }

struct sched *tcp_stack_sched(const struct tcp_stack *st) { return st->sched; }
