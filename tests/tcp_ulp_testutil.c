/* tcp_ulp_testutil.c - the test ULP and wire tap of tcp_ulp_testutil.h. */
#include "tests/tcp_ulp_testutil.h"

#include <stdlib.h>
#include <string.h>

#include "models/tcp/tcp_socket.h"
#include "models/wire/bytes.h"

const struct tcp_ulp_ops tulp_ops = { TULP_HOOKS };

struct tulp *tulp_new(struct tnet *tn)
{
    struct tulp *u = calloc(1, sizeof *u);
    if (!u || !(u->wrote = calloc(TULP_MAX_WRITES, sizeof *u->wrote)))
        abort();
    u->opt_len = 4;
    u->window = UINT32_MAX;
    u->synrcvd_accept_len = -1;
    u->sched = tn->s;
    return u;
}

void tulp_free(struct tulp *u)
{
    if (!u)
        return;
    free(u->wrote);
    free(u);
}

int tulp_count(const struct tulp *u, enum tcp_ulp_event ev)
{
    int n = 0;
    for (int i = 0; i < u->nev; i++)
        n += u->ev[i] == ev;
    return n;
}

int tulp_writes_of(const struct tulp *u, uint32_t seq, uint32_t len)
{
    int n = 0;
    for (size_t i = 0; i < u->nwrote; i++)
        n += u->wrote[i].seq == seq && u->wrote[i].len == len;
    return n;
}

static bool is_closed(struct tulp *u)
{
    if (u->nev && u->ev[u->nev - 1] == TCP_ULP_EV_CLOSED) {
        u->after_closed++;
        return true;
    }
    return false;
}

bool tulp_find_option(const struct tcp_hdr *h, uint16_t *tag)
{
    const uint8_t *d;
    size_t n;
    if (tcp_opt_get_raw(h, TULP_KIND, &d, &n) < 0 || n < 2)
        return false;
    *tag = rd16(d);
    return true;
}

void tulp_write_options(struct tcp_sock *s, void *ctx, struct tcp_hdr *h, uint32_t len)
{
    struct tulp *u = ctx;
    u->sock = s;
    if (is_closed(u))
        return;
    if (!u->iss_known && (h->flags & TCP_FLAG_SYN)) {
        u->iss_known = true;
        u->iss = h->seq;
    }
    if (u->nwrote < TULP_MAX_WRITES)
        u->wrote[u->nwrote++] = (struct tulp_write){ h->seq, len, h->flags };
    uint8_t data[38] = { 0 };
    wr16(data, (uint16_t)h->seq);
    tcp_opt_append(h, TULP_KIND, data, (size_t)u->opt_len - 2);
}

bool tulp_rcv_options(struct tcp_sock *s, void *ctx, const struct tcp_hdr *h, uint32_t seg_len)
{
    struct tulp *u = ctx;
    u->sock = s;
    if (is_closed(u))
        return true;
    u->seen++;
    uint16_t tag;
    if (!tulp_find_option(h, &tag) || tag != (uint16_t)h->seq)
        u->seen_bad++;
    bool synrcvd = tcp_sock_state(s) == TCP_SYN_RCVD;
    if ((synrcvd && u->reject_synrcvd > 0) || (seg_len > 0 && u->reject_data > 0)) {
        if (synrcvd && u->reject_synrcvd > 0)
            u->reject_synrcvd--;
        else
            u->reject_data--;
        u->rejected++;
        return false;
    }
    if (synrcvd && u->synrcvd_accept_len < 0)
        u->synrcvd_accept_len = seg_len;
    return true;
}

uint32_t tulp_seg_limit(struct tcp_sock *s, void *ctx, uint32_t seq)
{
    struct tulp *u = ctx;
    u->sock = s;
    is_closed(u);
    if (!u->boundary || !u->iss_known)
        return 0;
    uint32_t r = seq - (u->iss + 1);
    return u->boundary - r % u->boundary;
}

uint32_t tulp_rcv_window(struct tcp_sock *s, void *ctx)
{
    struct tulp *u = ctx;
    u->sock = s;
    is_closed(u);
    return u->window;
}

void tulp_event(struct tcp_sock *s, void *ctx, enum tcp_ulp_event ev)
{
    struct tulp *u = ctx;
    u->sock = s;
    if (is_closed(u))
        return;
    if (u->nev < TULP_MAX_EVENTS) {
        u->ev_at[u->nev] = sched_now(u->sched);
        u->ev[u->nev++] = ev;
    }
    if (ev == TCP_ULP_EV_ACKED && u->abort_on_acked) {
        u->abort_on_acked = false;
        tcp_abort(s);
    }
}

static enum tcp_syn_verdict lhook_syn(struct tcp_listener *l, void *lctx,
                                      const struct tcp_hdr *h, const struct sock_addr *src,
                                      const struct sock_addr *dst, bool cookie,
                                      const struct tcp_ulp_ops **ops, void **ctx)
{
    (void)l, (void)h, (void)src, (void)dst;
    struct lhook *lh = lctx;
    lh->nsyn++;
    lh->ncookie_syn += cookie;
    if (lh->verdict != TCP_SYN_ATTACH)
        return lh->verdict;
    if (!cookie && (lh->next == 8 || !lh->child[lh->next]))
        return TCP_SYN_PLAIN; /* no context left */
    *ops = lh->ops;
    *ctx = cookie ? NULL : lh->child[lh->next++];
    return TCP_SYN_ATTACH;
}

static void lhook_synack_options(struct tcp_listener *l, void *lctx, const struct tcp_hdr *syn,
                                 const struct sock_addr *src, const struct sock_addr *dst,
                                 struct tcp_hdr *synack)
{
    (void)l, (void)syn, (void)src, (void)dst;
    struct lhook *lh = lctx;
    lh->nsynack++;
    uint8_t tag[2];
    wr16(tag, (uint16_t)synack->seq);
    tcp_opt_append(synack, TULP_KIND, tag, 2);
}

static bool lhook_cookie_ack(struct tcp_listener *l, void *lctx, struct tcp_sock *child,
                             const struct tcp_hdr *ack)
{
    (void)l, (void)ack;
    struct lhook *lh = lctx;
    lh->ncookie_ack++;
    if (lh->cookie_attach && lh->next < 8 && lh->child[lh->next])
        tcp_sock_set_ulp(child, lh->ops, lh->child[lh->next++]);
    return !lh->cookie_refuse;
}

static bool lhook_claim(struct tcp_listener *l, void *lctx, struct tcp_sock *child)
{
    (void)l;
    struct lhook *lh = lctx;
    if (!lh->claim)
        return false;
    lh->nclaim++;
    struct tulp *u = tcp_sock_ulp_ctx(child);
    lh->child_events_at_claim = u ? u->nev : -1;
    tcp_sock_set_ctx(child, &tn_app_callbacks, lh->claim_app);
    lh->claim_app->sock = child;
    lh->claim_app->connected = true;
    return true;
}

const struct tcp_listen_ulp_ops lhook_ops = {
    .syn = lhook_syn,
    .synack_options = lhook_synack_options,
    .cookie_ack = lhook_cookie_ack,
    .claim = lhook_claim,
};

static void tap(void *ctx, const struct tn_seg *g, const struct tcp_hdr *h)
{
    (void)g;
    struct wtap *w = ctx;
    size_t i = w->tn->nlog; /* the entry the log is about to append */
    if (i >= TAP_MAX)
        return;
    uint16_t tag;
    w->opt[i] = tulp_find_option(h, &tag);
    w->tag_ok[i] = w->opt[i] && tag == (uint16_t)h->seq;
    w->raw_win[i] = h->window;
    struct tcp_sack_block b[TCP_SACK_MAX_BLOCKS];
    size_t n = TCP_SACK_MAX_BLOCKS;
    if (tcp_opt_get_sack(h, b, &n) == 0)
        w->sack_blocks[i] = (uint8_t)n;
    const struct tcp_opt *so = tcp_opt_find(h, TCPOPT_SACK);
    const struct tcp_opt *uo = tcp_opt_find(h, TULP_KIND);
    w->opt_after_sack[i] = so && uo && uo->off > so->off;
}

struct wtap *wtap_new(struct tnet *tn)
{
    struct wtap *w = calloc(1, sizeof *w);
    if (!w)
        abort();
    w->tn = tn;
    tn->tap = tap;
    tn->tap_ctx = w;
    return w;
}

void wtap_free(struct wtap *w) { free(w); }
