/* mptcp_write.c - canonical bytes of an MPTCP option from its fields.
 *
 * The length is derived from the fields (presence flags, DSS flags, version), never taken from
 * `len`, so a caller who edits a field gets a consistent option; fields that contradict each
 * other give MPTCP_ERR_INVALID. Reserved bits in `rsv` are OR'ed back so that parse then write
 * reproduces a received option byte for byte. No NOP padding here: the TCP option writer
 * aligns (Linux pads a 22-byte MP_CAPABLE with NOP NOP, RFC 8684 §3.1).
 */
#include "models/wire/mptcp.h"

#include <string.h>

#include "models/wire/bytes.h"

static int mpc_len(const struct mptcp_opt *o)
{
    const struct mptcp_mpc *m = &o->u.mpc;

    if (m->version > 15 || m->nkeys > 2 || (m->has_csum && !m->has_data_len))
        return MPTCP_ERR_INVALID;
    if (m->has_data_len && (m->nkeys != 2 || m->version != 1))
        return MPTCP_ERR_INVALID;
    if (m->nkeys == 0)
        return m->version >= 1 ? 4 : MPTCP_ERR_INVALID;
    if (m->version > 1)
        return MPTCP_ERR_INVALID;
    return m->nkeys == 1 ? 12 : 20 + (m->has_data_len ? 2 : 0) + (m->has_csum ? 2 : 0);
}

static int dss_len(const struct mptcp_opt *o)
{
    int n = 4;
    uint8_t f = o->u.dss.flags;

    if (f & ~0x1f)
        return MPTCP_ERR_INVALID;
    if (f & MPTCP_DSS_A)
        n += (f & MPTCP_DSS_A8) ? 8 : 4;
    if (f & MPTCP_DSS_M)
        n += ((f & MPTCP_DSS_M8) ? 8 : 4) + 6;
    return n + (o->u.dss.has_csum ? 2 : 0);
}

static int add_addr_len(const struct mptcp_opt *o)
{
    const struct mptcp_add_addr *a = &o->u.add_addr;
    int n = 4 + (a->family == 4 ? 4 : 16) + (a->has_port ? 2 : 0);

    if (a->family != 4 && a->family != 6)
        return MPTCP_ERR_INVALID;
    if (a->version == 0)
        return (a->echo || a->has_hmac) ? MPTCP_ERR_INVALID : n;
    if (a->version != 1 || a->has_hmac == a->echo)
        return MPTCP_ERR_INVALID;   /* RFC 8684 §3.4.1: HMAC exactly when E = 0 */
    return n + (a->has_hmac ? 8 : 0);
}

int mptcp_opt_wire_len(const struct mptcp_opt *o)
{
    if (o->rsv & ~0x0fff)
        return MPTCP_ERR_INVALID;
    switch (o->subtype) {
    case MPTCP_SUB_CAPABLE: return mpc_len(o);
    case MPTCP_SUB_JOIN:
        switch (o->u.join.form) {
        case MPTCP_JOIN_SYN: return 12;
        case MPTCP_JOIN_SYNACK: return 16;
        case MPTCP_JOIN_ACK: return 24;
        default: return MPTCP_ERR_INVALID;
        }
    case MPTCP_SUB_DSS: return dss_len(o);
    case MPTCP_SUB_ADD_ADDR: return add_addr_len(o);
    case MPTCP_SUB_REMOVE_ADDR:
        if (o->u.rm_addr.n < 1 || o->u.rm_addr.n > MPTCP_RM_ADDR_MAX)
            return MPTCP_ERR_INVALID;
        return 3 + o->u.rm_addr.n;
    case MPTCP_SUB_PRIO: return o->u.prio.has_addr_id ? 4 : 3;
    case MPTCP_SUB_FAIL:
    case MPTCP_SUB_FASTCLOSE: return 12;
    case MPTCP_SUB_TCPRST: return o->u.tcprst.flags > 0x0f ? MPTCP_ERR_INVALID : 4;
    default:
        if (o->subtype > 0x0f || o->u.opaque.n < 1 || o->u.opaque.n > MPTCP_OPAQUE_MAX ||
            o->u.opaque.data[0] >> 4 != o->subtype)
            return MPTCP_ERR_INVALID;
        return 2 + o->u.opaque.n;
    }
}

static void write_mpc(const struct mptcp_opt *o, uint8_t *b)
{
    b[2] |= o->u.mpc.version;
    b[3] = o->u.mpc.flags;
    if (o->u.mpc.nkeys >= 1)
        wr64(b + 4, o->u.mpc.snd_key);
    if (o->u.mpc.nkeys == 2)
        wr64(b + 12, o->u.mpc.rcv_key);
    if (o->u.mpc.has_data_len)
        wr16(b + 20, o->u.mpc.data_len);
    if (o->u.mpc.has_csum)
        wr16(b + 22, o->u.mpc.csum);
}

static void write_join(const struct mptcp_opt *o, uint8_t *b)
{
    if (o->u.join.form == MPTCP_JOIN_ACK) {
        memcpy(b + 4, o->u.join.hmac, sizeof o->u.join.hmac);
        return;
    }
    b[2] |= o->u.join.backup ? 1 : 0;
    b[3] = o->u.join.addr_id;
    if (o->u.join.form == MPTCP_JOIN_SYN) {
        wr32(b + 4, o->u.join.token);
        wr32(b + 8, o->u.join.nonce);
    } else {
        wr64(b + 4, o->u.join.thmac);
        wr32(b + 12, o->u.join.nonce);
    }
}

static void write_dss(const struct mptcp_opt *o, uint8_t *b)
{
    uint8_t f = o->u.dss.flags;
    uint8_t *q = b + 4;

    b[3] |= f;
    if (f & MPTCP_DSS_A) {
        if (f & MPTCP_DSS_A8)
            wr64(q, o->u.dss.data_ack);
        else
            wr32(q, (uint32_t)o->u.dss.data_ack);
        q += (f & MPTCP_DSS_A8) ? 8 : 4;
    }
    if (f & MPTCP_DSS_M) {
        if (f & MPTCP_DSS_M8)
            wr64(q, o->u.dss.dsn);
        else
            wr32(q, (uint32_t)o->u.dss.dsn);
        q += (f & MPTCP_DSS_M8) ? 8 : 4;
        wr32(q, o->u.dss.ssn);
        wr16(q + 4, o->u.dss.data_len);
        q += 6;
    }
    if (o->u.dss.has_csum)
        wr16(q, o->u.dss.csum);
}

static void write_add_addr(const struct mptcp_opt *o, uint8_t *b)
{
    const struct mptcp_add_addr *a = &o->u.add_addr;
    size_t alen = a->family == 4 ? 4 : 16;

    if (a->version == 0)
        b[2] |= a->family;
    else
        b[2] |= a->echo ? 1 : 0;
    b[3] = a->addr_id;
    memcpy(b + 4, a->addr, alen);
    if (a->has_port)
        wr16(b + 4 + alen, a->port);
    if (a->has_hmac)
        wr64(b + 4 + alen + (a->has_port ? 2 : 0), a->hmac);
}

int mptcp_opt_write(const struct mptcp_opt *o, uint8_t *buf, size_t cap, size_t *written)
{
    int len = mptcp_opt_wire_len(o);

    if (len < 0)
        return len;
    if ((size_t)len > cap)
        return MPTCP_ERR_NOSPACE;
    memset(buf, 0, (size_t)len);
    buf[0] = MPTCP_OPT_KIND;
    buf[1] = (uint8_t)len;
    buf[2] = (uint8_t)(o->subtype << 4 | (o->rsv >> 8 & 0x0f));
    if (len > 3)
        buf[3] = (uint8_t)o->rsv;
    switch (o->subtype) {
    case MPTCP_SUB_CAPABLE: write_mpc(o, buf); break;
    case MPTCP_SUB_JOIN: write_join(o, buf); break;
    case MPTCP_SUB_DSS: write_dss(o, buf); break;
    case MPTCP_SUB_ADD_ADDR: write_add_addr(o, buf); break;
    case MPTCP_SUB_REMOVE_ADDR:
        memcpy(buf + 3, o->u.rm_addr.ids, o->u.rm_addr.n);
        break;
    case MPTCP_SUB_PRIO:
        buf[2] |= o->u.prio.backup ? 1 : 0;
        if (o->u.prio.has_addr_id)
            buf[3] = o->u.prio.addr_id;
        break;
    case MPTCP_SUB_FAIL: wr64(buf + 4, o->u.fail.dsn); break;
    case MPTCP_SUB_FASTCLOSE: wr64(buf + 4, o->u.fastclose.rcv_key); break;
    case MPTCP_SUB_TCPRST:
        buf[2] |= o->u.tcprst.flags;
        buf[3] = o->u.tcprst.reason;
        break;
    default:
        memcpy(buf + 2, o->u.opaque.data, o->u.opaque.n);
        break;
    }
    *written = (size_t)len;
    return 0;
}
