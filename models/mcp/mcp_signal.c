/* mcp_signal.c - how a uMCP tells the dMCP "terminate this one" (protocol.md section 2).
 *
 * One ops table per design, chosen by the `signal` parameter:
 *   none          no signal: the dMCP terminates every MPTCP SYN from its customer side
 *                 (it cannot tell a uMCP's SYN from a phone's own, thread-2017-03.txt);
 *   prefer-proxy  MP_PREFER_PROXY option appended to the SYN (4 bytes by default [U]);
 *   flag          one spare MP_CAPABLE bit (D by default [U]); 0 bytes, but the dMCP must clear
 *                 it or a Linux v1 server ignores MP_CAPABLE (protocol.md 1.3, H2);
 *   intercepted   an "intercepted by an MCP" option (4 bytes [U]);
 *   hello         no mark on a first SYN; the dMCP announces HI_I_AM_A_PROXY on the SYN/ACK,
 *                 the uMCP remembers it (capability cache, PROXY_SEEN) and marks the next SYN
 *                 to that server with PROXY_PLEASE_INSERT_YOURSELF (protocol.md 2.4, H5).
 * Wire formats come from models/wire/proposals.h with the parameters in mcp_config.prop.
 */
#include <string.h>

#include "models/mcp/mcp_internal.h"
#include "models/wire/wire_err.h"

static int append_proposal(struct mcp *m, struct mcp_pkt *p, enum proposal_kind kind)
{
    struct proposal_opt o = { .kind = (uint8_t)kind };
    uint8_t buf[MPTCP_OPT_MAXLEN];
    size_t n;
    if (proposal_opt_write(&m->cfg.prop, &o, buf, sizeof buf, &n) != 0)
        return WIRE_E_ARG;
    return mcp_pkt_opt_append(m, p, buf, n);
}

/* Finds a proposal option of this kind; its offset in the option bytes, or -1. */
static int find_proposal(const struct mcp *m, const struct mcp_pkt *p, enum proposal_kind kind)
{
    const struct tcp_hdr *h = &p->w.tcp;
    for (unsigned i = 0; i < h->nopts; i++) {
        const struct tcp_opt *o = &h->opts[i];
        struct proposal_opt po;
        if (o->kind == TCPOPT_MPTCP &&
            proposal_opt_parse(&m->cfg.prop, h->opt + o->off, (size_t)h->optlen - o->off,
                               &po) == 0 &&
            po.kind == kind)
            return o->off;
    }
    return -1;
}

static int take_proposal(struct mcp *m, struct mcp_pkt *p, enum proposal_kind kind)
{
    int off = find_proposal(m, p, kind);
    if (off < 0)
        return 0;
    mcp_pkt_opt_delete(m, p, (uint8_t)off);
    return 1;
}

/* ---- none ---- */

static int none_mark(struct mcp *m, struct mcp_pkt *p)
{
    (void)m, (void)p;
    return 0;
}

static int none_take(struct mcp *m, struct mcp_pkt *p)
{
    (void)m;
    return p->mpc_off >= 0;
}

/* ---- MP_PREFER_PROXY / intercepted ---- */

static int prefer_mark(struct mcp *m, struct mcp_pkt *p)
{
    return append_proposal(m, p, PROPOSAL_PREFER_PROXY);
}

static int prefer_take(struct mcp *m, struct mcp_pkt *p)
{
    return take_proposal(m, p, PROPOSAL_PREFER_PROXY);
}

static int intercepted_mark(struct mcp *m, struct mcp_pkt *p)
{
    return append_proposal(m, p, PROPOSAL_INTERCEPTED);
}

static int intercepted_take(struct mcp *m, struct mcp_pkt *p)
{
    return take_proposal(m, p, PROPOSAL_INTERCEPTED);
}

/* ---- MP_CAPABLE proxy flag ---- */

static void write_mpc(struct mcp *m, struct mcp_pkt *p)
{
    uint8_t buf[MPTCP_OPT_MAXLEN];
    size_t n;
    if (mptcp_opt_write(&p->mpc, buf, sizeof buf, &n) == 0 && n == p->mpc.len)
        mcp_pkt_tcp_patch(m, p, (size_t)p->mpc_off, buf, n);
}

static int flag_mark(struct mcp *m, struct mcp_pkt *p)
{
    if (proposal_flag_set(&m->cfg.prop, &p->mpc) != 0)
        return WIRE_E_ARG;
    write_mpc(m, p);
    return 0;
}

static int flag_take(struct mcp *m, struct mcp_pkt *p)
{
    if (proposal_flag_test(&m->cfg.prop, &p->mpc) != 1)
        return 0;
    proposal_flag_clear(&m->cfg.prop, &p->mpc);
    write_mpc(m, p);
    return 1;
}

/* ---- HI_I_AM_A_PROXY + PROXY_PLEASE_INSERT_YOURSELF ---- */

static int hello_mark(struct mcp *m, struct mcp_pkt *p)
{
    /* Only a server behind which a proxy announced itself gets the retried-SYN mark; the
     * datapath consults the cache before calling (see mcp_dp.c). */
    return append_proposal(m, p, PROPOSAL_PLEASE_INSERT);
}

static int hello_take(struct mcp *m, struct mcp_pkt *p)
{
    return take_proposal(m, p, PROPOSAL_PLEASE_INSERT);
}

static int hello_announce(struct mcp *m, struct mcp_pkt *p)
{
    return append_proposal(m, p, PROPOSAL_HI_PROXY);
}

static int hello_take_synack(struct mcp *m, struct mcp_pkt *p)
{
    return take_proposal(m, p, PROPOSAL_HI_PROXY);
}

static const struct mcp_signal_ops signal_ops[] = {
    { "none", none_mark, none_take, NULL, NULL, -1, false },
    { "prefer-proxy", prefer_mark, prefer_take, NULL, NULL, PROPOSAL_PREFER_PROXY, true },
    { "flag", flag_mark, flag_take, NULL, NULL, -1, true },
    { "intercepted", intercepted_mark, intercepted_take, NULL, NULL, PROPOSAL_INTERCEPTED,
      true },
    { "hello", hello_mark, hello_take, hello_announce, hello_take_synack,
      PROPOSAL_PLEASE_INSERT, true },
};

const char *const mcp_signal_names[] = { "none", "prefer-proxy", "flag", "intercepted", "hello",
                                         NULL };

const struct mcp_signal_ops *mcp_signal_find(const char *name)
{
    for (size_t i = 0; i < sizeof signal_ops / sizeof signal_ops[0]; i++)
        if (strcmp(signal_ops[i].name, name) == 0)
            return &signal_ops[i];
    return NULL;
}
