/* mptcp_opt.c - parse and write the MPTCP option (kind 30), every subtype of RFC 6824/8684.
 *
 * One switch on the subtype with the legal lengths per case, as Linux `mptcp_parse_option()`
 * does: a length that does not fit the subtype, version and packet is rejected (the caller
 * ignores the option and counts it), never trusted. Bits the RFCs reserve are kept in
 * `rsv` so the writer reproduces a received option byte for byte. Semantic checks that decide
 * whether a host *acts* on a well-formed option (MP_CAPABLE flags, checksum negotiated or not)
 * are left to the caller: a proxy must still see an option that a server would ignore.
 */
#include "models/wire/mptcp.h"

#include <string.h>

#include "models/wire/bytes.h"

/* Fixed lengths (RFC 8684 §3; Linux `TCPOLEN_MPTCP_*`). */
enum {
    LEN_MPC_SYN_V1 = 4, LEN_MPC_KEY = 12, LEN_MPC_KEYS = 20, LEN_MPC_DATA = 22,
    LEN_MPC_DATA_CSUM = 24,
    LEN_JOIN_SYN = 12, LEN_JOIN_SYNACK = 16, LEN_JOIN_ACK = 24,
    LEN_PRIO = 3, LEN_PRIO_V0_ID = 4, LEN_FAIL = 12, LEN_FASTCLOSE = 12, LEN_TCPRST = 4,
    LEN_RM_ADDR_BASE = 3, LEN_ADD_ADDR_BASE = 4,
};

const char *mptcp_strerror(int err)
{
    switch (err) {
    case 0: return "ok";
    case MPTCP_ERR_TRUNCATED: return "MPTCP option truncated";
    case MPTCP_ERR_NOT_MPTCP: return "not an MPTCP option (kind != 30)";
    case MPTCP_ERR_BAD_LENGTH: return "MPTCP option length invalid for its subtype";
    case MPTCP_ERR_BAD_VERSION: return "MP_CAPABLE version invalid for its length";
    case MPTCP_ERR_BAD_FLAGS: return "MP_CAPABLE flags refused by the receiver";
    case MPTCP_ERR_CONTEXT: return "MPTCP subtype not allowed on this segment";
    case MPTCP_ERR_NOSPACE: return "buffer too small for the MPTCP option";
    case MPTCP_ERR_INVALID: return "MPTCP option fields inconsistent";
    default: return "unknown MPTCP error";
    }
}

/* ---- parse ------------------------------------------------------------------------------ */

/* RFC 8684 §3.1 and Linux: 4 on a SYN (v1, or any later version, "gentle vs future
 * versions"), 12 on a v0 SYN or any SYN/ACK, 20 on the third ACK, 22/24 (v1) on the first
 * data segment. Linux expects 22/24 exactly when the segment has payload. */
static int parse_mpc(const uint8_t *p, uint8_t len, const struct mptcp_ctx *ctx,
                     struct mptcp_opt *o)
{
    uint8_t ver = p[2] & 0x0f;
    bool syn = ctx->tcp_flags & MPTCP_TCP_SYN, ack = ctx->tcp_flags & MPTCP_TCP_ACK;

    memset(&o->u.mpc, 0, sizeof o->u.mpc);
    if (syn && !ack) {
        if (len == LEN_MPC_SYN_V1) {
            if (ver < 1)
                return MPTCP_ERR_BAD_VERSION;
        } else if (len == LEN_MPC_KEY) {
            if (ver != 0)
                return MPTCP_ERR_BAD_VERSION;
        } else {
            return MPTCP_ERR_BAD_LENGTH;
        }
    } else if (syn) {
        if (len != LEN_MPC_KEY)
            return MPTCP_ERR_BAD_LENGTH;
        if (ver > 1)
            return MPTCP_ERR_BAD_VERSION;
    } else if (len == LEN_MPC_KEYS) {
        if (ver > 1)
            return MPTCP_ERR_BAD_VERSION;
        if (ver == 1 && ctx->has_payload)
            return MPTCP_ERR_BAD_LENGTH;
    } else if (len == LEN_MPC_DATA || len == LEN_MPC_DATA_CSUM) {
        if (ver != 1)
            return MPTCP_ERR_BAD_VERSION;
        if (!ctx->has_payload)
            return MPTCP_ERR_BAD_LENGTH;
    } else {
        return MPTCP_ERR_BAD_LENGTH;
    }
    o->u.mpc.version = ver;
    o->u.mpc.flags = p[3];
    o->u.mpc.nkeys = len >= LEN_MPC_KEYS ? 2 : len >= LEN_MPC_KEY ? 1 : 0;
    if (o->u.mpc.nkeys >= 1)
        o->u.mpc.snd_key = rd64(p + 4);
    if (o->u.mpc.nkeys == 2)
        o->u.mpc.rcv_key = rd64(p + 12);
    if (len >= LEN_MPC_DATA) {
        o->u.mpc.has_data_len = true;
        o->u.mpc.data_len = rd16(p + 20);
    }
    if (len == LEN_MPC_DATA_CSUM) {
        o->u.mpc.has_csum = true;
        o->u.mpc.csum = rd16(p + 22);
    }
    return 0;
}

/* RFC 8684 §3.2: the form follows from the segment (SYN, SYN/ACK, third ACK), and so does the
 * only legal length. Linux decides by length alone and checks the flags later; the result for
 * a well-formed packet is the same. */
static int parse_join(const uint8_t *p, uint8_t len, const struct mptcp_ctx *ctx,
                      struct mptcp_opt *o)
{
    bool syn = ctx->tcp_flags & MPTCP_TCP_SYN, ack = ctx->tcp_flags & MPTCP_TCP_ACK;
    uint8_t form = !syn ? MPTCP_JOIN_ACK : ack ? MPTCP_JOIN_SYNACK : MPTCP_JOIN_SYN;
    static const uint8_t want[] = { LEN_JOIN_SYN, LEN_JOIN_SYNACK, LEN_JOIN_ACK };

    if (len != want[form])
        return MPTCP_ERR_BAD_LENGTH;
    memset(&o->u.join, 0, sizeof o->u.join);
    o->u.join.form = form;
    if (form == MPTCP_JOIN_ACK) {
        o->rsv = (uint16_t)((p[2] & 0x0f) << 8 | p[3]);
        memcpy(o->u.join.hmac, p + 4, sizeof o->u.join.hmac);
        return 0;
    }
    o->rsv = (uint16_t)((p[2] & 0x0e) << 8);
    o->u.join.backup = p[2] & 0x01;
    o->u.join.addr_id = p[3];
    if (form == MPTCP_JOIN_SYN) {
        o->u.join.token = rd32(p + 4);
        o->u.join.nonce = rd32(p + 8);
    } else {
        o->u.join.thmac = rd64(p + 4);
        o->u.join.nonce = rd32(p + 12);
    }
    return 0;
}

/* Length of a DSS from its flags, checksum excluded (RFC 8684 §3.3). */
static int dss_base_len(uint8_t flags)
{
    int n = 4;
    if (flags & MPTCP_DSS_A)
        n += (flags & MPTCP_DSS_A8) ? 8 : 4;
    if (flags & MPTCP_DSS_M)
        n += ((flags & MPTCP_DSS_M8) ? 8 : 4) + 4 + 2;
    return n;
}

/* The length must equal what the flags announce, plus 2 when a checksum follows. Like Linux,
 * a checksum field is accepted in any combination (RFC 8684 §3.3.0 checks whether it was
 * negotiated, which is connection state: the caller's job); without a mapping its 2 bytes are
 * kept so the option is rewritten intact. */
static int parse_dss(const uint8_t *p, uint8_t len, struct mptcp_opt *o)
{
    uint8_t flags = p[3] & 0x1f;
    int base = dss_base_len(flags);
    const uint8_t *q = p + 4;

    if (len != base && len != base + 2)
        return MPTCP_ERR_BAD_LENGTH;
    memset(&o->u.dss, 0, sizeof o->u.dss);
    o->rsv = (uint16_t)((p[2] & 0x0f) << 8 | (p[3] & 0xe0));
    o->u.dss.flags = flags;
    if (flags & MPTCP_DSS_A) {
        bool a8 = flags & MPTCP_DSS_A8;
        o->u.dss.data_ack = a8 ? rd64(q) : rd32(q);
        q += a8 ? 8 : 4;
    }
    if (flags & MPTCP_DSS_M) {
        bool m8 = flags & MPTCP_DSS_M8;
        o->u.dss.dsn = m8 ? rd64(q) : rd32(q);
        q += m8 ? 8 : 4;
        o->u.dss.ssn = rd32(q);
        o->u.dss.data_len = rd16(q + 4);
        q += 6;
    }
    if (len == base + 2) {
        o->u.dss.has_csum = true;
        o->u.dss.csum = rd16(q);
    }
    return 0;
}

/* RFC 8684 §3.4.1 (v1): the family follows from the length; E=1 (echo) carries no HMAC.
 * RFC 6824 §3.4.1 (v0): the IPVer nibble says the family and must agree with the length. */
static int parse_add_addr(const uint8_t *p, uint8_t len, const struct mptcp_ctx *ctx,
                          struct mptcp_opt *o)
{
    uint8_t nib = p[2] & 0x0f;
    int alen, rest;

    memset(&o->u.add_addr, 0, sizeof o->u.add_addr);
    if (ctx->version == 0) {
        if (nib != 4 && nib != 6)
            return MPTCP_ERR_BAD_LENGTH;
        alen = nib == 4 ? 4 : 16;
        rest = len - LEN_ADD_ADDR_BASE - alen;
        if (rest != 0 && rest != 2)
            return MPTCP_ERR_BAD_LENGTH;
        o->u.add_addr.version = 0;
    } else {
        bool echo = nib & 0x01;
        int hmac = echo ? 0 : 8;
        o->rsv = (uint16_t)((nib & 0x0e) << 8);
        o->u.add_addr.version = 1;
        o->u.add_addr.echo = echo;
        o->u.add_addr.has_hmac = !echo;
        rest = len - LEN_ADD_ADDR_BASE - hmac - 4;
        if (rest == 0 || rest == 2) {
            alen = 4;
        } else {
            rest = len - LEN_ADD_ADDR_BASE - hmac - 16;
            if (rest != 0 && rest != 2)
                return MPTCP_ERR_BAD_LENGTH;
            alen = 16;
        }
    }
    o->u.add_addr.family = alen == 4 ? 4 : 6;
    o->u.add_addr.addr_id = p[3];
    memcpy(o->u.add_addr.addr, p + 4, (size_t)alen);
    if (rest == 2) {
        o->u.add_addr.has_port = true;
        o->u.add_addr.port = rd16(p + 4 + alen);
    }
    if (o->u.add_addr.has_hmac)
        o->u.add_addr.hmac = rd64(p + 4 + alen + rest);
    return 0;
}

int mptcp_opt_parse(const uint8_t *opt, size_t avail, const struct mptcp_ctx *ctx,
                    struct mptcp_opt *out)
{
    uint8_t len;

    if (avail < 2)
        return MPTCP_ERR_TRUNCATED;
    if (opt[0] != MPTCP_OPT_KIND)
        return MPTCP_ERR_NOT_MPTCP;
    len = opt[1];
    if (len > avail)
        return MPTCP_ERR_TRUNCATED;
    if (len < 3 || len > MPTCP_OPT_MAXLEN)
        return MPTCP_ERR_BAD_LENGTH;
    out->subtype = opt[2] >> 4;
    out->len = len;
    out->rsv = 0;
    switch (out->subtype) {
    case MPTCP_SUB_CAPABLE:
        return parse_mpc(opt, len, ctx, out);
    case MPTCP_SUB_JOIN:
        return parse_join(opt, len, ctx, out);
    case MPTCP_SUB_DSS:
        return parse_dss(opt, len, out);
    case MPTCP_SUB_ADD_ADDR:
        return parse_add_addr(opt, len, ctx, out);
    case MPTCP_SUB_REMOVE_ADDR:
        if (len < LEN_RM_ADDR_BASE + 1)
            return MPTCP_ERR_BAD_LENGTH;
        out->rsv = (uint16_t)((opt[2] & 0x0f) << 8);
        out->u.rm_addr.n = (uint8_t)(len - LEN_RM_ADDR_BASE);
        memcpy(out->u.rm_addr.ids, opt + LEN_RM_ADDR_BASE, out->u.rm_addr.n);
        return 0;
    case MPTCP_SUB_PRIO:
        /* RFC 6824 §3.3.8 allowed an optional address id; RFC 8684 §3.3.8 removed it. */
        if (len != LEN_PRIO && !(ctx->version == 0 && len == LEN_PRIO_V0_ID))
            return MPTCP_ERR_BAD_LENGTH;
        out->rsv = (uint16_t)((opt[2] & 0x0e) << 8);
        out->u.prio.backup = opt[2] & 0x01;
        out->u.prio.has_addr_id = len == LEN_PRIO_V0_ID;
        out->u.prio.addr_id = len == LEN_PRIO_V0_ID ? opt[3] : 0;
        return 0;
    case MPTCP_SUB_FAIL:
    case MPTCP_SUB_FASTCLOSE:
        if (len != LEN_FAIL)
            return MPTCP_ERR_BAD_LENGTH;
        out->rsv = (uint16_t)((opt[2] & 0x0f) << 8 | opt[3]);
        if (out->subtype == MPTCP_SUB_FAIL)
            out->u.fail.dsn = rd64(opt + 4);
        else
            out->u.fastclose.rcv_key = rd64(opt + 4);
        return 0;
    case MPTCP_SUB_TCPRST:
        /* RFC 8684 §3.6: only meaningful on a RST; Linux ignores it elsewhere. */
        if (len != LEN_TCPRST)
            return MPTCP_ERR_BAD_LENGTH;
        if (!(ctx->tcp_flags & MPTCP_TCP_RST))
            return MPTCP_ERR_CONTEXT;
        out->u.tcprst.flags = opt[2] & 0x0f;
        out->u.tcprst.reason = opt[3];
        return 0;
    default:
        /* MP_EXPERIMENTAL and unassigned subtypes: kept opaque, ignored by Linux. */
        out->u.opaque.n = (uint8_t)(len - 2);
        memcpy(out->u.opaque.data, opt + 2, out->u.opaque.n);
        return 0;
    }
}
