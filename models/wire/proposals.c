/* proposals.c - encode, decode and detect the proxy-signalling proposals (protocol.md §2).
 *
 * Every format here is an assumption ([U] in protocol.md) driven by struct proposal_params;
 * the code only fixes what every variant shares: the MPTCP option header (kind 30, length,
 * subtype nibble) so that an MPTCP host that does not know the subtype ignores the option, as
 * Linux does for unknown subtypes (`default: break;` in mptcp_parse_option), and strict length
 * checks so a forged option cannot make a reader run past the option.
 */
#include "models/wire/proposals.h"

#include <stdio.h>
#include <string.h>

#include "models/wire/bytes.h"

static const char *const kind_names[PROPOSAL_KIND_COUNT] = {
    "MP_PREFER_PROXY", "INTERCEPTED_BY_MCP", "HI_I_AM_A_PROXY", "PROXY_PLEASE_INSERT_YOURSELF",
    "DEST_OPTION",
};

const char *proposal_kind_name(int kind)
{
    return kind >= 0 && kind < PROPOSAL_KIND_COUNT ? kind_names[kind] : "unknown";
}

void proposal_params_default(struct proposal_params *p)
{
    memset(p, 0, sizeof *p);
    for (int k = 0; k < PROPOSAL_KIND_COUNT; k++)
        p->subtype[k] = (uint8_t)(0x9 + k);     /* 9..13: unassigned in the IANA registry */
    p->prefer_proxy_len = 4;
    p->flag_bit_v0 = 0x10;                      /* D: spare in v0 (C..G) and v1 (D..G) */
    p->flag_bit_v1 = 0x10;
    p->convert_ie_type = 1;
}

static bool one_bit_in(uint8_t mask, uint8_t allowed)
{
    return mask && !(mask & (mask - 1)) && (mask & ~allowed) == 0;
}

int proposal_params_check(const struct proposal_params *p, char *err, size_t errlen)
{
    for (int k = 0; k < PROPOSAL_KIND_COUNT; k++) {
        if (p->subtype[k] <= MPTCP_SUB_TCPRST || p->subtype[k] > 0xf) {
            snprintf(err, errlen, "%s subtype %u: expected an unassigned MPTCP subtype 9..15",
                     kind_names[k], p->subtype[k]);
            return PROPOSAL_ERR_INVALID;
        }
        for (int j = 0; j < k; j++)
            if (p->subtype[j] == p->subtype[k]) {
                snprintf(err, errlen, "%s and %s share subtype %u", kind_names[j],
                         kind_names[k], p->subtype[k]);
                return PROPOSAL_ERR_INVALID;
            }
    }
    if (p->prefer_proxy_len != 3 && p->prefer_proxy_len != 4) {
        snprintf(err, errlen, "MP_PREFER_PROXY length %u: expected 3 or 4", p->prefer_proxy_len);
        return PROPOSAL_ERR_INVALID;
    }
    if (!one_bit_in(p->flag_bit_v0, 0x3e) || !one_bit_in(p->flag_bit_v1, 0x1e)) {
        snprintf(err, errlen, "proxy flag bit 0x%02x/0x%02x: expected one of C..G (v0, 0x3e) "
                 "and one of D..G (v1, 0x1e)", p->flag_bit_v0, p->flag_bit_v1);
        return PROPOSAL_ERR_INVALID;
    }
    return 0;
}

/* ---- proxy flag ---- */

uint8_t proposal_flag_mask(const struct proposal_params *p, uint8_t version)
{
    return version == 0 ? p->flag_bit_v0 : p->flag_bit_v1;
}

int proposal_flag_set(const struct proposal_params *p, struct mptcp_opt *o)
{
    if (o->subtype != MPTCP_SUB_CAPABLE)
        return -1;
    o->u.mpc.flags |= proposal_flag_mask(p, o->u.mpc.version);
    return 0;
}

int proposal_flag_clear(const struct proposal_params *p, struct mptcp_opt *o)
{
    if (o->subtype != MPTCP_SUB_CAPABLE)
        return -1;
    o->u.mpc.flags &= (uint8_t)~proposal_flag_mask(p, o->u.mpc.version);
    return 0;
}

int proposal_flag_test(const struct proposal_params *p, const struct mptcp_opt *o)
{
    if (o->subtype != MPTCP_SUB_CAPABLE)
        return -1;
    return (o->u.mpc.flags & proposal_flag_mask(p, o->u.mpc.version)) != 0;
}

/* ---- option signals ---- */

static int addr_len(uint8_t family)
{
    return family == 0 ? 0 : family == 4 ? 4 : family == 6 ? 16 : -1;
}

/* Which optional parts a kind must or may carry under these parameters. */
static bool layout_ok(const struct proposal_params *p, const struct proposal_opt *s)
{
    switch (s->kind) {
    case PROPOSAL_PREFER_PROXY:
    case PROPOSAL_PLEASE_INSERT:
        return s->family == 0 && !s->has_port;
    case PROPOSAL_INTERCEPTED:
        return !s->has_port && (s->family != 0) == p->intercepted_addr;
    case PROPOSAL_HI_PROXY:
        return !s->has_port && (s->family != 0) == p->hi_proxy_addr;
    case PROPOSAL_DEST_OPTION:
        return s->family != 0;
    default:
        return false;
    }
}

int proposal_opt_wire_len(const struct proposal_params *p, const struct proposal_opt *s)
{
    int alen = addr_len(s->family);

    if (alen < 0 || s->flags > 0x0f || !layout_ok(p, s))
        return PROPOSAL_ERR_INVALID;
    if (s->kind == PROPOSAL_PREFER_PROXY)
        return p->prefer_proxy_len;
    return 4 + (s->has_port ? 2 : 0) + alen;
}

int proposal_opt_write(const struct proposal_params *p, const struct proposal_opt *s,
                       uint8_t *buf, size_t cap, size_t *written)
{
    int len = proposal_opt_wire_len(p, s);
    size_t at = 4;

    if (len < 0)
        return len;
    if ((size_t)len > cap)
        return PROPOSAL_ERR_NOSPACE;
    buf[0] = MPTCP_OPT_KIND;
    buf[1] = (uint8_t)len;
    buf[2] = (uint8_t)(p->subtype[s->kind] << 4 | s->flags);
    if (len > 3)
        buf[3] = s->value;
    if (s->has_port) {
        wr16(buf + at, s->port);
        at += 2;
    }
    memcpy(buf + at, s->addr, (size_t)addr_len(s->family));
    *written = (size_t)len;
    return 0;
}

static int kind_of_subtype(const struct proposal_params *p, uint8_t subtype)
{
    for (int k = 0; k < PROPOSAL_KIND_COUNT; k++)
        if (p->subtype[k] == subtype)
            return k;
    return -1;
}

/* Length → (port, address) is unambiguous: 4, 6, 8, 10, 20, 22. */
static int decode_body(const struct proposal_params *p, const uint8_t *opt, uint8_t len,
                       int kind, struct proposal_opt *out)
{
    int rest = len - 4;

    memset(out, 0, sizeof *out);
    out->kind = (uint8_t)kind;
    out->flags = opt[2] & 0x0f;
    if (kind == PROPOSAL_PREFER_PROXY) {
        if (len != p->prefer_proxy_len)
            return PROPOSAL_ERR_BAD_LENGTH;
        if (len > 3)
            out->value = opt[3];
        return 0;
    }
    if (len < 4)
        return PROPOSAL_ERR_BAD_LENGTH;
    out->value = opt[3];
    if (rest == 2 || rest == 6 || rest == 18) {
        out->has_port = true;
        out->port = rd16(opt + 4);
        rest -= 2;
    }
    if (rest == 4 || rest == 16) {
        out->family = rest == 4 ? 4 : 6;
        memcpy(out->addr, opt + len - rest, (size_t)rest);
    } else if (rest != 0) {
        return PROPOSAL_ERR_BAD_LENGTH;
    }
    return layout_ok(p, out) ? 0 : PROPOSAL_ERR_BAD_LENGTH;
}

int proposal_opt_parse(const struct proposal_params *p, const uint8_t *opt, size_t avail,
                       struct proposal_opt *out)
{
    int kind;

    if (avail < 3 || opt[1] > avail)
        return PROPOSAL_ERR_TRUNCATED;
    if (opt[0] != MPTCP_OPT_KIND)
        return PROPOSAL_NOT_FOUND;
    if (opt[1] < 3)
        return PROPOSAL_ERR_BAD_LENGTH;
    kind = kind_of_subtype(p, opt[2] >> 4);
    if (kind < 0)
        return PROPOSAL_NOT_FOUND;
    return decode_body(p, opt, opt[1], kind, out);
}

int proposal_detect(const struct proposal_params *p, const struct mptcp_opt *o,
                    struct proposal_opt *out)
{
    uint8_t raw[MPTCP_OPT_MAXLEN];
    int kind = kind_of_subtype(p, o->subtype);

    /* Known subtypes (0..8) are never opaque; a parameter set that reuses one is refused by
     * proposal_params_check(). */
    if (kind < 0 || o->subtype <= MPTCP_SUB_TCPRST)
        return PROPOSAL_NOT_FOUND;
    raw[0] = MPTCP_OPT_KIND;
    raw[1] = (uint8_t)(o->u.opaque.n + 2);
    memcpy(raw + 2, o->u.opaque.data, o->u.opaque.n);
    return decode_body(p, raw, raw[1], kind, out);
}

/* ---- MP_CONVERT IE ---- */

int mp_convert_ie_write(const struct proposal_params *p, const struct mp_convert_ie *ie,
                        uint8_t *buf, size_t cap, size_t *written)
{
    size_t len = ie->family == 4 ? MP_CONVERT_IE_LEN_V4
               : ie->family == 6 ? MP_CONVERT_IE_LEN_V6 : 0;
    if (len == 0)
        return PROPOSAL_ERR_INVALID;
    if (len > cap)
        return PROPOSAL_ERR_NOSPACE;
    memset(buf, 0, len);
    buf[0] = p->convert_ie_type;
    buf[1] = (uint8_t)len;
    wr16(buf + 2, ie->flags);
    wr16(buf + 4, ie->port);
    memcpy(buf + 6, ie->addr, ie->family == 4 ? 4 : 16);
    *written = len;
    return 0;
}

int mp_convert_ie_parse(const struct proposal_params *p, const uint8_t *buf, size_t len,
                        struct mp_convert_ie *out, size_t *consumed)
{
    if (len < 2)
        return len && buf[0] != p->convert_ie_type ? PROPOSAL_NOT_FOUND : PROPOSAL_ERR_TRUNCATED;
    if (buf[0] != p->convert_ie_type)
        return PROPOSAL_NOT_FOUND;
    if (buf[1] != MP_CONVERT_IE_LEN_V4 && buf[1] != MP_CONVERT_IE_LEN_V6)
        return PROPOSAL_ERR_BAD_LENGTH;
    if (buf[1] > len)
        return PROPOSAL_ERR_TRUNCATED;
    memset(out, 0, sizeof *out);
    out->flags = rd16(buf + 2);
    out->port = rd16(buf + 4);
    out->family = buf[1] == MP_CONVERT_IE_LEN_V4 ? 4 : 6;
    memcpy(out->addr, buf + 6, out->family == 4 ? 4 : 16);
    *consumed = buf[1];
    return 0;
}
