/* mptcp_pm.c - path managers as ops by name, and the address options they exchange:
 * ADD_ADDR with its HMAC and echo (RFC 8684 section 3.4.1), REMOVE_ADDR (3.4.2), MP_PRIO
 * (3.3.8), and MP_JOIN subflow creation (3.2).
 *
 *   kernel     Linux's in-kernel manager (pm_kernel.c / pm_netlink.c): once the connection
 *              is fully established, the client opens one subflow from each `subflow`
 *              endpoint to the server's initial address and the server announces each
 *              `signal` endpoint; a client accepts at most add_addr_accepted announcements
 *              and joins each accepted address from its initial subflow's address; at most
 *              `subflows` extra subflows per connection;
 *   fullmesh   every local endpoint (and the initial address) to every known peer address;
 *   ndiffports the out-of-tree manager: ndiffports subflows in total between the initial
 *              pair of addresses, different source ports.
 * ADD_ADDR is sent alone on a pure ACK (as Linux does, frame 4 of testdata a-) and sent again
 * every add_addr_timeout until echoed, at most MPTCP_ADD_ADDR_RETRANS times.
 * Not modelled: the userspace (netlink) manager, endpoint changes during a connection.
 */
#include <string.h>

#include "models/mptcp/mptcp_int.h"
#include "models/tcp/tcp_stack.h"
#include "sim/rng.h"

uint8_t mptcp_pm_local_id(const struct mptcp_stack *st, const struct sock_addr *a)
{
    for (size_t i = 0; i < st->nep; i++)
        if (st->ep[i].addr.family == a->family &&
            !memcmp(st->ep[i].addr.bytes, a->bytes, a->family == 4 ? 4 : 16))
            return st->ep[i].id;
    return 0;
}

static bool addr_eq(const struct sock_addr *a, const struct sock_addr *b)
{
    return a->family == b->family && !memcmp(a->bytes, b->bytes, a->family == 4 ? 4 : 16);
}

static size_t extra_subflows(const struct mptcp_conn *c)
{
    size_t n = 0;
    for (size_t i = 0; i < c->nsf; i++)
        if (c->sf[i]->join && !c->sf[i]->closed)
            n++;
    return n;
}

int mptcp_pm_join(struct mptcp_conn *c, const struct sock_addr *src, uint16_t src_port,
                  const struct sock_addr *dst, uint16_t dst_port, uint8_t local_id,
                  bool backup)
{
    struct mptcp_stack *st = c->st;
    if (c->fallback || c->no_more_subflows || extra_subflows(c) >= st->cfg.subflows_max)
        return SOCK_ERR_STATE;
    struct mptcp_subflow *sf = mptcp_subflow_new(c, NULL);
    if (!sf)
        return SOCK_ERR_NOMEM;
    sf->join = true;
    sf->local_id = local_id;
    sf->backup = backup;
    sf->nonce_local = rng_u32(st->rng);
    struct tcp_sock *t;
    int rc = tcp_connect_ulp(st->tcp, src, src_port, dst, dst_port,
                             c->cc_name[0] ? c->cc_name : NULL, &mptcp_ulp_ops, sf,
                             &mptcp_subflow_callbacks, sf, &t);
    if (rc < 0) {
        mptcp_subflow_gone(sf);
        return rc;
    }
    sf->tcp = t;
    c->joins_tx++;
    if (src)
        sf->local_addr = *src;
    mptcp_subflow_trace(sf);
    return 0;
}

static const struct mptcp_remote_addr *initial_remote(const struct mptcp_conn *c)
{
    return c->nremote ? &c->remote[0] : NULL;
}

static void announce_signal_endpoints(struct mptcp_conn *c)
{
    struct mptcp_stack *st = c->st;
    for (size_t i = 0; i < st->nep && c->nadv < MPTCP_ENDPOINTS_MAX; i++)
        if (st->ep[i].flags & MPTCP_EP_SIGNAL) {
            c->adv[c->nadv++] = (struct mptcp_pending_addr){ .ep = (uint8_t)i,
                                                             .tx_pending = true };
            st->stats.add_addr_tx++;
            c->add_addr_tx++;
        }
    if (c->nadv)
        mptcp_pm_kick(c);
}

/* ---- kernel ------------------------------------------------------------------------ */

static void kernel_established(struct mptcp_conn *c)
{
    struct mptcp_stack *st = c->st;
    if (c->server) {
        announce_signal_endpoints(c);
        return;
    }
    const struct mptcp_remote_addr *r = initial_remote(c);
    struct mptcp_subflow *first = mptcp_first_subflow(c);
    for (size_t i = 0; r && i < st->nep; i++) {
        const struct mptcp_endpoint *ep = &st->ep[i];
        if (!(ep->flags & MPTCP_EP_SUBFLOW) || (first && addr_eq(&ep->addr, &first->local_addr)))
            continue;
        if (ep->addr.family != r->addr.family)
            continue;
        mptcp_pm_join(c, &ep->addr, 0, &r->addr, r->port, ep->id,
                      ep->flags & MPTCP_EP_BACKUP);
    }
}

static void kernel_add_addr(struct mptcp_conn *c, size_t i)
{
    if (c->server || c->add_addr_accepted >= c->st->cfg.add_addr_accepted_max)
        return;
    c->add_addr_accepted++;
    const struct mptcp_remote_addr *r = &c->remote[i];
    uint16_t port = r->port ? r->port : c->remote[0].port;
    struct mptcp_subflow *first = mptcp_first_subflow(c);
    mptcp_pm_join(c, first ? &first->local_addr : NULL, 0, &r->addr, port, 0, false);
}

/* ---- fullmesh ---------------------------------------------------------------------- */

static void mesh_to(struct mptcp_conn *c, const struct mptcp_remote_addr *r)
{
    struct mptcp_stack *st = c->st;
    struct mptcp_subflow *first = mptcp_first_subflow(c);
    uint16_t port = r->port ? r->port : c->remote[0].port;
    if (r != &c->remote[0] && first)
        mptcp_pm_join(c, &first->local_addr, 0, &r->addr, port, 0, false);
    for (size_t i = 0; i < st->nep; i++) {
        const struct mptcp_endpoint *ep = &st->ep[i];
        if (ep->addr.family != r->addr.family || (first && addr_eq(&ep->addr, &first->local_addr)))
            continue;
        mptcp_pm_join(c, &ep->addr, 0, &r->addr, port, ep->id, ep->flags & MPTCP_EP_BACKUP);
    }
}

static void fullmesh_established(struct mptcp_conn *c)
{
    if (c->server) {
        announce_signal_endpoints(c);
        return;
    }
    if (c->nremote)
        mesh_to(c, &c->remote[0]);
}

static void fullmesh_add_addr(struct mptcp_conn *c, size_t i)
{
    if (c->server || c->add_addr_accepted >= c->st->cfg.add_addr_accepted_max)
        return;
    c->add_addr_accepted++;
    mesh_to(c, &c->remote[i]);
}

/* ---- ndiffports -------------------------------------------------------------------- */

static void ndiff_established(struct mptcp_conn *c)
{
    if (c->server || !c->nremote)
        return;
    struct mptcp_subflow *first = mptcp_first_subflow(c);
    for (uint64_t k = 1; k < c->st->cfg.ndiffports; k++)
        mptcp_pm_join(c, first ? &first->local_addr : NULL, 0, &c->remote[0].addr,
                      c->remote[0].port, 0, false);
}

static const struct mptcp_pm_ops pms[] = {
    { .name = "kernel", .established = kernel_established, .add_addr = kernel_add_addr },
    { .name = "fullmesh", .established = fullmesh_established, .add_addr = fullmesh_add_addr },
    { .name = "ndiffports", .established = ndiff_established },
};

const struct mptcp_pm_ops *mptcp_pm_find(const char *name)
{
    for (size_t i = 0; i < sizeof pms / sizeof pms[0]; i++)
        if (!strcmp(pms[i].name, name))
            return &pms[i];
    return NULL;
}

const char *mptcp_pm_names(void) { return "kernel, fullmesh, ndiffports"; }

/* ---- the options ------------------------------------------------------------------- */

static struct mptcp_subflow *ack_carrier(struct mptcp_conn *c)
{
    for (size_t i = 0; i < c->nsf; i++)
        if (mptcp_sf_usable(c->sf[i]))
            return c->sf[i];
    return NULL;
}

static void add_addr_timer(struct sched *s, void *ctx, void *arg)
{
    (void)s;
    (void)arg;
    struct mptcp_conn *c = ctx;
    c->pm_ev = 0;
    bool again = false;
    for (size_t i = 0; i < c->nadv; i++) {
        struct mptcp_pending_addr *p = &c->adv[i];
        if (p->echo_tx || p->echoed || p->retrans >= MPTCP_ADD_ADDR_RETRANS)
            continue;
        p->retrans++;
        p->tx_pending = true;
        again = true;
    }
    if (again)
        mptcp_pm_kick(c);
}

/* Sends what is pending on a pure ACK now and arms the retransmission timer. */
void mptcp_pm_kick(struct mptcp_conn *c)
{
    struct mptcp_subflow *sf = ack_carrier(c);
    for (int guard = 0; sf && guard < MPTCP_ENDPOINTS_MAX + 2; guard++) {
        bool pending = c->rm_pending_id != 0;
        for (size_t i = 0; i < c->nadv; i++)
            pending |= c->adv[i].tx_pending;
        if (!pending)
            break;
        mptcp_sf_send_ack(sf);
    }
    bool unechoed = false;
    for (size_t i = 0; i < c->nadv; i++)
        if (!c->adv[i].echo_tx && !c->adv[i].echoed &&
            c->adv[i].retrans < MPTCP_ADD_ADDR_RETRANS)
            unechoed = true;
    if (unechoed && !c->pm_ev && c->st->cfg.add_addr_timeout)
        c->pm_ev = sched_in(c->st->sched, c->st->cfg.add_addr_timeout, add_addr_timer, c, NULL);
}

void mptcp_pm_stop(struct mptcp_conn *c)
{
    if (c->pm_ev)
        sched_cancel(c->st->sched, c->pm_ev);
    c->pm_ev = 0;
}

bool mptcp_pm_write(struct mptcp_subflow *sf, struct tcp_hdr *h, uint32_t len)
{
    (void)len;
    struct mptcp_conn *c = sf->conn;
    for (size_t i = 0; i < c->nadv; i++) {
        struct mptcp_pending_addr *p = &c->adv[i];
        if (!p->tx_pending)
            continue;
        struct mptcp_opt o = { .subtype = MPTCP_SUB_ADD_ADDR };
        struct mptcp_add_addr *a = &o.u.add_addr;
        a->version = c->version;
        if (p->echo_tx) {
            const struct mptcp_remote_addr *r = &c->remote[p->ep];
            a->family = r->addr.family;
            a->addr_id = r->id;
            memcpy(a->addr, r->addr.bytes, 16);
            a->echo = c->version == 1;
            a->has_port = r->port != 0;
            a->port = r->port;
        } else {
            const struct mptcp_endpoint *ep = &c->st->ep[p->ep];
            a->family = ep->addr.family;
            a->addr_id = ep->id;
            memcpy(a->addr, ep->addr.bytes, 16);
            if (c->version == 1) {
                a->has_hmac = true;
                mptcp_add_addr_hmac(c->local_key, c->remote_key, ep->id, ep->addr.family,
                                    ep->addr.bytes, 0, &a->hmac);
            }
        }
        if (!mptcp_opt_put(h, &o))
            return false;
        p->tx_pending = false;
        return true;
    }
    if (c->rm_pending_id) {
        struct mptcp_opt o = { .subtype = MPTCP_SUB_REMOVE_ADDR };
        o.u.rm_addr.n = 1;
        o.u.rm_addr.ids[0] = c->rm_pending_id;
        if (!mptcp_opt_put(h, &o))
            return false;
        c->rm_pending_id = 0;
        return true;
    }
    if (sf->prio_pending) {
        struct mptcp_opt o = { .subtype = MPTCP_SUB_PRIO };
        o.u.prio.backup = sf->backup;
        if (mptcp_opt_put(h, &o)) {
            sf->prio_pending = false;
            return true;
        }
    }
    return false;
}

static void rcv_add_addr(struct mptcp_conn *c, const struct mptcp_add_addr *a)
{
    struct mptcp_stack *st = c->st;
    if (a->echo) {
        st->stats.echo_add_addr_rx++;
        for (size_t i = 0; i < c->nadv; i++)
            if (!c->adv[i].echo_tx && st->ep[c->adv[i].ep].id == a->addr_id)
                c->adv[i].echoed = true;
        return;
    }
    if (c->version == 1) {
        uint64_t want;
        if (!a->has_hmac ||
            mptcp_add_addr_hmac(c->remote_key, c->local_key, a->addr_id, a->family, a->addr,
                                a->has_port ? a->port : 0, &want) < 0 ||
            want != a->hmac) {
            st->stats.add_addr_bad_hmac++;     /* Linux MPTCP_MIB_ADDADDRDROP */
            return;
        }
    }
    st->stats.add_addr_rx++;
    c->add_addr_rx++;
    size_t i = 0;
    for (; i < c->nremote; i++)
        if (c->remote[i].id == a->addr_id && i > 0)
            break;
    bool fresh = i == c->nremote;
    if (fresh) {
        if (c->nremote == MPTCP_REMOTE_MAX) {
            st->stats.add_addr_drop++;
            return;
        }
        c->nremote++;
    }
    struct mptcp_remote_addr *r = &c->remote[i];
    r->addr.family = a->family;
    memcpy(r->addr.bytes, a->addr, 16);
    r->port = a->has_port ? a->port : 0;
    r->id = a->addr_id;
    r->used = true;
    /* the echo (RFC 8684 section 3.4.1: E=1, no HMAC) */
    if (c->version == 1 && c->nadv < MPTCP_ENDPOINTS_MAX) {
        c->adv[c->nadv++] = (struct mptcp_pending_addr){ .ep = (uint8_t)i, .echo_tx = true,
                                                         .tx_pending = true };
        mptcp_pm_kick(c);
    }
    if (fresh && c->pm && c->pm->add_addr)
        c->pm->add_addr(c, i);
}

void mptcp_pm_rcv(struct mptcp_subflow *sf, const struct mptcp_opt *o)
{
    struct mptcp_conn *c = sf->conn;
    switch (o->subtype) {
    case MPTCP_SUB_ADD_ADDR:
        rcv_add_addr(c, &o->u.add_addr);
        break;
    case MPTCP_SUB_REMOVE_ADDR:
        c->st->stats.rm_addr_rx++;
        for (size_t k = 0; k < o->u.rm_addr.n; k++)
            for (size_t i = 0; i < c->nsf; i++)
                if (c->sf[i]->join && c->sf[i]->remote_id == o->u.rm_addr.ids[k])
                    mptcp_subflow_reset(c->sf[i], MPTCP_RST_EUNSPEC);
        break;
    case MPTCP_SUB_PRIO:
        c->st->stats.mp_prio_rx++;
        sf->peer_backup = o->u.prio.backup;
        break;
    case MPTCP_SUB_FAIL:
        mptcp_fail_rcv(sf, o->u.fail.dsn);
        break;
    default:
        break;                                  /* unknown subtypes are ignored (Linux) */
    }
}
