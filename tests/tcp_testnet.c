/* tcp_testnet.c - the two-host pipe of tcp_testnet.h. */
#include "tests/tcp_testnet.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/wire/bytes.h"
#include "models/wire/checksum.h"
#include "models/wire/ipv4.h"
#include "models/wire/tcp.h"

#define IPV4_HDR_BYTES 20


static void deliver(struct sched *s, void *ctx, void *arg)
{
    (void)s;
    struct tn_dir *d = ctx;
    struct tnet *tn = d->tn;
    struct packet *pkt = arg;
    tn->delivered[d->dir]++;
    if (tn->carry_addrs) {
        struct sock_addr src = { .family = 4 }, dst = { .family = 4 };
        memcpy(src.bytes, pkt->cb, 4);
        memcpy(dst.bytes, pkt->cb + 4, 4);
        tcp_input(d->dir == TN_AB ? tn->b : tn->a, pkt, &src, &dst);
        return;
    }
    if (d->dir == TN_AB)
        tcp_input(tn->b, pkt, &tn->addr_a, &tn->addr_b);
    else
        tcp_input(tn->a, pkt, &tn->addr_b, &tn->addr_a);
}

static bool should_drop(struct tnet *tn, struct tn_seg *g)
{
    for (int i = 0; i < tn->ndrops; i++) {
        struct tn_drop *r = &tn->drops[i];
        if (r->times <= 0 || r->dir != g->dir)
            continue;
        bool hit = r->rseq_any ? (g->flags & r->flags) == r->flags
                               : (g->len > 0 && g->rseq == r->rseq);
        if (hit) {
            r->times--;
            return true;
        }
    }
    if ((g->len > 0 || tn->loss_all) && tn->loss[g->dir] > 0)
        return rng_bernoulli(tn->loss_rng, tn->loss[g->dir]);
    return false;
}

static void pcap_segment(struct tnet *tn, int dir, const struct packet *pkt)
{
    static uint8_t frame[65536]; /* tot_len is 16 bits */
    struct ipv4_hdr ip = { 0 };
    size_t tcp_len = pkt_wire_len(pkt);
    ip.tot_len = (uint16_t)(IPV4_HDR_BYTES + tcp_len);
    ip.ttl = 64;
    ip.proto = IPPROTO_NUM_TCP;
    ip.frag = IPV4_FLAG_DF;
    const struct sock_addr *src = dir == TN_AB ? &tn->addr_a : &tn->addr_b;
    const struct sock_addr *dst = dir == TN_AB ? &tn->addr_b : &tn->addr_a;
    ip.src = (uint32_t)src->bytes[0] << 24 | (uint32_t)src->bytes[1] << 16 |
             (uint32_t)src->bytes[2] << 8 | src->bytes[3];
    ip.dst = (uint32_t)dst->bytes[0] << 24 | (uint32_t)dst->bytes[1] << 16 |
             (uint32_t)dst->bytes[2] << 8 | dst->bytes[3];
    ipv4_set_csum(&ip);
    size_t n;
    if (ipv4_encode(&ip, frame, sizeof frame, &n) < 0)
        abort();
    memcpy(frame + n, pkt_cdata(pkt), pkt_len(pkt));
    memset(frame + n + pkt_len(pkt), 0, pkt_virtual_len(pkt));
    pcapio_write(tn->pcap, sched_now(tn->s) / 1000, frame, ip.tot_len, ip.tot_len);
}

/* The checksum the stack wrote must verify over the pseudo-header of the addresses it gave
 * (virtual payload bytes are zeros and add nothing). */
static bool checksum_ok(const struct packet *pkt, const struct sock_addr *src,
                        const struct sock_addr *dst)
{
    uint32_t len = (uint32_t)pkt_wire_len(pkt);
    uint32_t pseudo = src->family == 6 ? csum_pseudo_v6(src->bytes, dst->bytes, 6, len)
                                       : csum_pseudo_v4(rd32(src->bytes), rd32(dst->bytes), 6, len);
    const uint8_t *p = pkt_cdata(pkt);
    return csum_transport(pseudo, p, pkt_len(pkt), 16) == rd16(p + 16);
}

static void pipe_send(struct tnet *tn, int dir, struct packet *pkt, const struct sock_addr *src,
                      const struct sock_addr *dst)
{
    struct tcp_hdr h;
    if (tcp_decode(pkt_cdata(pkt), pkt_len(pkt), &h) < 0 || !checksum_ok(pkt, src, dst))
        abort(); /* the stack wrote a bad header: a bug the tests must see */
    struct tn_seg g = { 0 };
    g.at = sched_now(tn->s);
    g.dir = dir;
    g.seq = h.seq;
    g.ack = h.ack;
    g.flags = h.flags;
    g.len = (uint32_t)(pkt_wire_len(pkt) - tcp_hdr_len(&h));
    g.win = h.window;
    g.has_sack = tcp_opt_find(&h, TCPOPT_SACK) != NULL;
    if ((h.flags & TCP_FLAG_SYN) && !tn->isn_known[dir]) {
        tn->isn_known[dir] = true;
        tn->isn[dir] = h.seq;
    }
    g.rseq = h.seq - tn->isn[dir] - 1;
    g.rack = h.ack - tn->isn[!dir] - 1;
    g.dropped = should_drop(tn, &g);
    if (tn->tap)
        tn->tap(tn->tap_ctx, &g, &h);
    if (tn->carry_addrs) {
        memcpy(pkt->cb, src->bytes, 4);
        memcpy(pkt->cb + 4, dst->bytes, 4);
    }
    if (tn->pcap)
        pcap_segment(tn, dir, pkt);
    if (tn->keep_log) {
        if (tn->nlog == tn->caplog) {
            tn->caplog = tn->caplog ? 2 * tn->caplog : 256;
            tn->log = realloc(tn->log, tn->caplog * sizeof *tn->log);
            if (!tn->log)
                abort();
        }
        tn->log[tn->nlog++] = g;
    }
    if (g.dropped) {
        tn->dropped[dir]++;
        pkt_free(pkt);
        return;
    }
    sim_time_t now = sched_now(tn->s);
    if (tn->queue_limit[dir]) {
        size_t cap = tn->queue_limit[dir];
        while (tn->q_len[dir] && tn->depart[dir][tn->q_head[dir]] <= now) {
            tn->q_head[dir] = (tn->q_head[dir] + 1) % cap;
            tn->q_len[dir]--;
        }
        if (tn->q_len[dir] == cap) {
            tn->queue_drops[dir]++;
            if (tn->keep_log)
                tn->log[tn->nlog - 1].dropped = true;
            pkt_free(pkt);
            return;
        }
    }
    sim_time_t start = tn->busy_until[dir] > now ? tn->busy_until[dir] : now;
    tn->busy_until[dir] = start + time_to_send(pkt_wire_len(pkt) + IPV4_HDR_BYTES, tn->rate);
    if (tn->queue_limit[dir]) {
        size_t cap = tn->queue_limit[dir];
        tn->depart[dir][(tn->q_head[dir] + tn->q_len[dir]) % cap] = tn->busy_until[dir];
        tn->q_len[dir]++;
    }
    sim_time_t extra = 0;
    if (tn->jitter > 0)
        extra = (sim_time_t)(rng_uniform(tn->loss_rng) * (double)tn->jitter);
    sched_at(tn->s, tn->busy_until[dir] + tn->delay + extra, deliver, &tn->dirs[dir], pkt);
}

static void send_a(void *ctx, struct packet *pkt, const struct sock_addr *src,
                   const struct sock_addr *dst)
{
    pipe_send(ctx, TN_AB, pkt, src, dst);
}

static void send_b(void *ctx, struct packet *pkt, const struct sock_addr *src,
                   const struct sock_addr *dst)
{
    pipe_send(ctx, TN_BA, pkt, src, dst);
}

static const struct tcp_ip_ops ops_a = { .send = send_a };
static const struct tcp_ip_ops ops_b = { .send = send_b };

struct tnet *tnet_new(bps_t rate, sim_time_t delay, const struct tcp_config *cfg_a,
                      const struct tcp_config *cfg_b)
{
    struct tnet *tn = calloc(1, sizeof *tn);
    char err[256];
    struct tcp_config def;
    tcp_config_default(&def);
    tn->s = sched_new();
    if (!tn->s || pkt_pool_new(NULL, &tn->pool, err, sizeof err) < 0)
        abort();
    tn->rate = rate;
    tn->delay = delay;
    tn->keep_log = true;
    tn->addr_a = (struct sock_addr){ .family = 4, .bytes = { 10, 0, 0, 1 } };
    tn->addr_b = (struct sock_addr){ .family = 4, .bytes = { 10, 0, 0, 2 } };
    if (tcp_stack_new(tn->s, tn->pool, cfg_a ? cfg_a : &def, &ops_a, tn, 1, 0, "tcp/a", &tn->a,
                      err, sizeof err) < 0 ||
        tcp_stack_new(tn->s, tn->pool, cfg_b ? cfg_b : &def, &ops_b, tn, 1, 0, "tcp/b", &tn->b,
                      err, sizeof err) < 0)
        abort();
    tn->loss_rng = rng_new(1, 0, "testnet/loss");
    tn->dirs[0] = (struct tn_dir){ tn, TN_AB };
    tn->dirs[1] = (struct tn_dir){ tn, TN_BA };
    return tn;
}

void tnet_free(struct tnet *tn)
{
    if (getenv("TNET_DUMP"))
        tnet_dump(tn, stderr);
    tcp_stack_free(tn->a);
    tcp_stack_free(tn->b);
    sched_free(tn->s); /* packets still in the pipe go back with the pool */
    pkt_pool_free(tn->pool);
    rng_free(tn->loss_rng);
    free(tn->log);
    free(tn->depart[0]);
    free(tn->depart[1]);
    free(tn);
}

void tnet_pcap(struct tnet *tn, const char *path)
{
    char err[256];
    if (pcapio_open_write(path, 228 /* LINKTYPE_IPV4 */, 65535, &tn->pcap, err, sizeof err) < 0)
        abort();
}

int tnet_pcap_close(struct tnet *tn)
{
    char err[256];
    int rc = pcapio_close_write(tn->pcap, err, sizeof err);
    tn->pcap = NULL;
    return rc;
}

void tnet_drop_seq(struct tnet *tn, int dir, uint32_t rseq, int times)
{
    tn->drops[tn->ndrops++] = (struct tn_drop){ .dir = dir, .rseq = rseq, .times = times };
}

void tnet_drop_flags(struct tnet *tn, int dir, uint16_t flags, int times)
{
    tn->drops[tn->ndrops++] =
        (struct tn_drop){ .dir = dir, .flags = flags, .rseq_any = true, .times = times };
}

void tnet_set_loss(struct tnet *tn, int dir, double p) { tn->loss[dir] = p; }

void tnet_set_queue(struct tnet *tn, int dir, size_t packets)
{
    free(tn->depart[dir]);
    tn->depart[dir] = calloc(packets, sizeof *tn->depart[dir]);
    if (!tn->depart[dir])
        abort();
    tn->queue_limit[dir] = packets;
    tn->q_head[dir] = tn->q_len[dir] = 0;
}

const struct tn_seg *tnet_find(const struct tnet *tn, int dir, uint16_t flags, bool data, int i)
{
    for (size_t k = 0; k < tn->nlog; k++) {
        const struct tn_seg *g = &tn->log[k];
        if (g->dir != dir || (g->flags & flags) != flags || (data && g->len == 0))
            continue;
        if (i-- == 0)
            return g;
    }
    return NULL;
}

int tnet_count(const struct tnet *tn, int dir, uint16_t flags, bool data)
{
    int n = 0;
    for (size_t k = 0; k < tn->nlog; k++) {
        const struct tn_seg *g = &tn->log[k];
        if (g->dir == dir && (g->flags & flags) == flags && (!data || g->len > 0))
            n++;
    }
    return n;
}

/* ---- the bulk/sink application ---------------------------------------------------- */

static void app_push(struct tn_app *app)
{
    while (app->to_send > 0) {
        int64_t n = tcp_send(app->sock, app->to_send);
        if (n <= 0)
            break;
        app->to_send -= (size_t)n;
    }
    if (app->to_send == 0 && app->close_when_done) {
        app->close_when_done = false;
        tcp_shutdown(app->sock);
    }
}

static void app_connected(struct sock *s_sk, void *ctx)
{
    struct tcp_sock *s = tcp_sock_from(s_sk);
    struct tn_app *app = ctx;
    app->sock = s;
    app->connected = true;
    app->connected_at = sched_now(tcp_stack_sched(tcp_sock_stack(s)));
    app_push(app);
}

static void app_readable(struct sock *s_sk, void *ctx, size_t bytes)
{
    struct tcp_sock *s = tcp_sock_from(s_sk);
    struct tn_app *app = ctx;
    app->read += tcp_read(s, bytes);
    if (tcp_sock_eof(s) && !app->eof) {
        app->eof = true;
        app->eof_at = sched_now(tcp_stack_sched(tcp_sock_stack(s)));
        tcp_shutdown(s);
    }
}

static void app_writable(struct sock *s_sk, void *ctx, size_t bytes)
{
    struct tcp_sock *s = tcp_sock_from(s_sk);
    (void)s;
    (void)bytes;
    app_push(ctx);
}

static void app_closed(struct sock *s_sk, void *ctx)
{
    struct tcp_sock *s = tcp_sock_from(s_sk);
    struct tn_app *app = ctx;
    app->closed = true;
    app->closed_at = sched_now(tcp_stack_sched(tcp_sock_stack(s)));
}

static void app_error(struct sock *s_sk, void *ctx, int err)
{
    struct tcp_sock *s = tcp_sock_from(s_sk);
    (void)s;
    struct tn_app *app = ctx;
    app->error = err;
}

const struct sock_callbacks tn_app_callbacks = {
    .connected = app_connected,
    .readable = app_readable,
    .writable = app_writable,
    .closed = app_closed,
    .error = app_error,
};

static void sink_acceptable(struct sock_listener *l_sl, void *ctx)
{
    struct tcp_listener *l = tcp_listener_from(l_sl);
    struct tn_app *sink = ctx;
    struct tcp_sock *s;
    while (tcp_accept(l, &tn_app_callbacks, sink, &s) == 0) {
        sink->sock = s;
        app_connected(tcp_sock_sock(s), sink);
        if (tcp_sock_readable(s) || tcp_sock_eof(s))
            app_readable(tcp_sock_sock(s), sink, tcp_sock_readable(s));
    }
}

static const struct sock_listener_callbacks sink_listener_cb = { .acceptable = sink_acceptable };

struct tcp_listener *tnet_listen_sink(struct tnet *tn, struct tn_app *sink)
{
    struct tcp_listener *l;
    if (tcp_listen(tn->b, NULL, 80, &sink_listener_cb, sink, &l) < 0)
        abort();
    return l;
}

void tn_farm_acceptable(struct sock_listener *l_sl, void *ctx)
{
    struct tcp_listener *l = tcp_listener_from(l_sl);
    struct tn_farm *f = ctx;
    f->calls++;
    if (!f->accept)
        return;
    struct tcp_sock *s;
    while (f->n < 8 && tcp_accept(l, &tn_app_callbacks, &f->app[f->n], &s) == 0) {
        struct tn_app *a = &f->app[f->n++];
        a->sock = s;
        a->connected = true;
        if (tcp_sock_readable(s))
            a->read += tcp_read(s, tcp_sock_readable(s));
    }
}

const struct sock_listener_callbacks tn_farm_callbacks = { .acceptable = tn_farm_acceptable };

int tnet_connect_bulk(struct tnet *tn, struct tn_app *app, size_t bytes, const char *cc)
{
    app->to_send = bytes;
    app->close_when_done = true;
    return tcp_connect(tn->a, &tn->addr_a, 0, &tn->addr_b, 80, cc, &tn_app_callbacks, app,
                       &app->sock);
}

void tnet_dump(const struct tnet *tn, FILE *out)
{
    for (size_t k = 0; k < tn->nlog; k++) {
        const struct tn_seg *g = &tn->log[k];
        fprintf(out, "%12.6f %s seq %u ack %u len %u win %u flags %03x%s%s\n", time_to_sec(g->at),
                g->dir == TN_AB ? "A>B" : "B>A", g->rseq, g->rack, g->len, g->win, g->flags,
                g->has_sack ? " SACK" : "", g->dropped ? " DROPPED" : "");
    }
}
