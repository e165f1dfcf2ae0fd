/* mcp_convauth.c - the cookie and authorization exchange of RFC 8803 explicit mode.
 *
 * Converter (dMCP, `convert_cookie`, `convert_allow`), on a Convert SYN from a client it has
 * no state for:
 *   - client outside the allowed prefixes: Error 32 Not Authorized (RFC 8803 6.2.8, 9);
 *   - no Cookie TLV: Error 3 Missing Cookie plus a Cookie TLV bound to the client address
 *     (6.2.7), computed statelessly (mcp_cookie_convert_make): nothing is kept, so a
 *     spoofed-source flood costs no state; the reply (20 payload bytes) is no larger than
 *     the Convert SYN that caused it (24 at least), so it cannot amplify, and it is rate
 *     limited like every error (section 9);
 *   - a cookie this converter made but older than two periods: Missing Cookie again with a
 *     fresh cookie (as a TFO server answers an outdated cookie with a new one, RFC 7413
 *     4.1.2), so a legitimate client recovers in one round trip;
 *   - any other cookie: Not Authorized (6.2.7: "Otherwise ... Not Authorized");
 *   - a valid cookie: the SYN proceeds as without cookies.
 * MP_JOIN SYNs are authenticated by their token (RFC 8684 3.2) and are not asked for a
 * cookie; the prefix policy applies to them too.
 *
 * Client (uMCP, `convert_cookie`): a Missing Cookie with a Cookie TLV stores the cookie for
 * the client address (mcp_convclient.h) and the SYN/ACK is dropped; the client's next
 * (retransmitted) SYN carries the Cookie TLV. Not Authorized sends the client's connections
 * end-to-end, unconverted, for `convert_refuse`.
 */
#include <string.h>

#include "models/mcp/mcp_internal.h"
#include "models/wire/convert.h"

static bool prefix_has(const struct mcp_prefix *pf, uint8_t family, const uint8_t addr[16])
{
    if (pf->family != family)
        return false;
    uint32_t full = pf->len / 8u, rest = pf->len % 8u;
    if (memcmp(pf->addr, addr, full) != 0)
        return false;
    uint8_t mask = (uint8_t)(0xff00u >> rest);
    return rest == 0 || ((pf->addr[full] ^ addr[full]) & mask) == 0;
}

static bool client_allowed(const struct mcp *m, uint8_t family, const uint8_t addr[16])
{
    if (m->cfg.convert_allow_n == 0)
        return true;
    for (uint32_t i = 0; i < m->cfg.convert_allow_n; i++)
        if (prefix_has(&m->cfg.convert_allow[i], family, addr))
            return true;
    return false;
}

static bool refuse(struct mcp *m, struct mcp_pkt *p, struct mcp_verdict *v, enum mcp_reason r,
                   uint8_t code, const uint8_t *cookie, size_t cookie_len)
{
    v->decision = MCP_D_DROP;
    v->reason = r;
    m->st.convert[MCP_C_ERROR_BYTES] += mcp_dp_convert_reply(m, p, v, code, cookie, cookie_len);
    return false;
}

bool mcp_dp_convert_admit(struct mcp *m, struct mcp_pkt *p, struct mcp_verdict *v)
{
    const uint8_t *client = p->k_in.src; /* the address the converter sees (rewrite keeps C) */
    if (!client_allowed(m, p->w.family, client)) {
        m->st.convert[MCP_C_POLICY_REFUSED]++;
        return refuse(m, p, v, MCP_R_NOT_AUTHORIZED, CONVERT_E_NOT_AUTHORIZED, NULL, 0);
    }
    if (!m->cfg.convert_cookie || p->join_off >= 0)
        return true;
    mcp_cost_add(m->cost, MCP_OP_CRYPTO);
    if (p->has_cookie) {
        enum mcp_cookie_result r =
            mcp_cookie_convert_check(m->cookies, p->w.family, client, p->cookie, p->cookie_len,
                                     m->cfg.convert_cookie_ttl_ns, m->now);
        if (r == MCP_COOKIE_VALID) {
            m->st.convert[MCP_C_COOKIE_VALID]++;
            return true;
        }
        if (r == MCP_COOKIE_FORGED) {
            m->st.convert[MCP_C_COOKIE_FORGED]++;
            return refuse(m, p, v, MCP_R_NOT_AUTHORIZED, CONVERT_E_NOT_AUTHORIZED, NULL, 0);
        }
        m->st.convert[MCP_C_COOKIE_EXPIRED]++;
        mcp_cost_add(m->cost, MCP_OP_CRYPTO);
    }
    uint8_t cookie[MCP_CONVERT_COOKIE_LEN];
    mcp_cookie_convert_make(m->cookies, p->w.family, client, m->cfg.convert_cookie_ttl_ns,
                            m->now, cookie);
    m->st.convert[MCP_C_COOKIE_MADE]++;
    return refuse(m, p, v, MCP_R_MISSING_COOKIE, CONVERT_E_MISSING_COOKIE, cookie,
                  sizeof cookie);
}

enum mcp_reason mcp_dp_convert_taken(struct mcp *m, struct mcp_pkt *p, uint8_t code,
                                     enum mcp_reason other)
{
    const uint8_t *client = p->k_in.dst; /* the SYN/ACK goes back to the client */
    if (!m->convclient)
        return other;
    if (code == CONVERT_E_MISSING_COOKIE && p->has_cookie &&
        mcp_convclient_put_cookie(m->convclient, p->w.family, client, p->cookie,
                                  p->cookie_len) == 0) {
        m->st.convert[MCP_C_COOKIE_STORED]++;
        return MCP_R_MISSING_COOKIE;
    }
    if (code == CONVERT_E_NOT_AUTHORIZED) {
        mcp_convclient_refuse(m->convclient, p->w.family, client, m->now);
        m->st.convert[MCP_C_CLIENT_REFUSED]++;
        return MCP_R_NOT_AUTHORIZED;
    }
    return other;
}
