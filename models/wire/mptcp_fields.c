/* mptcp_fields.c - values of Wireshark's `tcp.options.mptcp.*` fields, as tshark 4.0 prints
 * them with `-T fields`, for `mcpsim decode`.
 *
 * Checked against tshark 4.0.x on the captures of ../shared/testdata/pcaps and on synthetic
 * packets holding every option form (see docs/wire-mptcp.md): integers in decimal (keys, tokens,
 * nonces, truncated HMACs, sequence numbers), `flags` and `rst_reason` as 0x%02x, the MP_CAPABLE
 * checksum as 0x%04x, the full MP_JOIN HMAC as bare lowercase hex, addresses in their usual text
 * form. What `flags` means depends on the subtype, as in Wireshark: the 4th byte for MP_CAPABLE
 * and DSS, the whole 3rd byte (subtype nibble included) for MP_JOIN SYN and SYN/ACK, MP_PRIO
 * and MP_TCPRST, absent otherwise. Wireshark 4.0 never shows the DSS checksum of a well-formed
 * DSS (it wants two bytes more than the option has), so neither do we.
 * Not modelled: tshark's own analysis fields (`mptcp.*`), which need connection state.
 */
#include "models/wire/mptcp.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define PFX "tcp.options.mptcp."

enum field {
    F_SUBTYPE, F_VERSION, F_FLAGS, F_SENDKEY, F_RECVKEY, F_RECVTOK, F_SENDRAND,
    F_SENDTRUNCHMAC, F_SENDHMAC, F_ADDRID, F_RAWDATAACK, F_RAWDATASEQNO, F_SUBFLOWSEQNO,
    F_DATALVLLEN, F_CHECKSUM, F_IPV4, F_IPV6, F_PORT, F_ADDADDRTRUNCHMAC, F_ECHO, F_RST_REASON,
    F_COUNT
};

const char *const mptcp_field_names[] = {
    PFX "subtype", PFX "version", PFX "flags", PFX "sendkey", PFX "recvkey", PFX "recvtok",
    PFX "sendrand", PFX "sendtrunchmac", PFX "sendhmac", PFX "addrid", PFX "rawdataack",
    PFX "rawdataseqno", PFX "subflowseqno", PFX "datalvllen", PFX "checksum", PFX "ipv4",
    PFX "ipv6", PFX "port", PFX "addaddrtrunchmac", PFX "echo", PFX "rst_reason", NULL
};

static int field_index(const char *name)
{
    for (int i = 0; i < F_COUNT; i++)
        if (strcmp(name, mptcp_field_names[i]) == 0)
            return i;
    return -1;
}

/* snprintf into buf; -2 when the value did not fit. */
static int put(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int put(char *buf, size_t len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, len, fmt, ap);
    va_end(ap);
    return (n < 0 || (size_t)n >= len) ? -2 : 0;
}

static int put_u64(char *buf, size_t len, uint64_t v) { return put(buf, len, "%" PRIu64, v); }

/* The third option byte as Wireshark shows it: subtype nibble and the low nibble. */
static uint8_t byte2(const struct mptcp_opt *o, uint8_t low)
{
    return (uint8_t)(o->subtype << 4 | (o->rsv >> 8 & 0x0f) | low);
}

static int fmt_flags(const struct mptcp_opt *o, char *buf, size_t len)
{
    switch (o->subtype) {
    case MPTCP_SUB_CAPABLE: return put(buf, len, "0x%02x", o->u.mpc.flags);
    case MPTCP_SUB_DSS:
        return put(buf, len, "0x%02x", (unsigned)((o->rsv & 0xe0) | o->u.dss.flags));
    case MPTCP_SUB_JOIN:
        if (o->u.join.form == MPTCP_JOIN_ACK)
            return 1;
        return put(buf, len, "0x%02x", byte2(o, o->u.join.backup));
    case MPTCP_SUB_PRIO: return put(buf, len, "0x%02x", byte2(o, o->u.prio.backup));
    case MPTCP_SUB_TCPRST: return put(buf, len, "0x%02x", byte2(o, o->u.tcprst.flags));
    default: return 1;
    }
}

static int fmt_addrid(const struct mptcp_opt *o, char *buf, size_t len)
{
    size_t at = 0;

    switch (o->subtype) {
    case MPTCP_SUB_JOIN:
        return o->u.join.form == MPTCP_JOIN_ACK ? 1 : put_u64(buf, len, o->u.join.addr_id);
    case MPTCP_SUB_ADD_ADDR: return put_u64(buf, len, o->u.add_addr.addr_id);
    case MPTCP_SUB_PRIO:
        return o->u.prio.has_addr_id ? put_u64(buf, len, o->u.prio.addr_id) : 1;
    case MPTCP_SUB_REMOVE_ADDR:
        /* One occurrence per id; tshark joins occurrences with the aggregator (",") */
        for (int i = 0; i < o->u.rm_addr.n; i++) {
            if (at >= len || put(buf + at, len - at, i ? ",%u" : "%u", o->u.rm_addr.ids[i]))
                return -2;
            at += strlen(buf + at);
        }
        return 0;
    default: return 1;
    }
}

static int fmt_addr(const struct mptcp_opt *o, int family, char *buf, size_t len)
{
    char text[INET6_ADDRSTRLEN];

    if (o->subtype != MPTCP_SUB_ADD_ADDR || o->u.add_addr.family != family)
        return 1;
    if (!inet_ntop(family == 4 ? AF_INET : AF_INET6, o->u.add_addr.addr, text, sizeof text))
        return -2;
    return put(buf, len, "%s", text);
}

static int fmt(int f, const struct mptcp_opt *o, char *buf, size_t len)
{
    const struct mptcp_mpc *m = &o->u.mpc;
    const struct mptcp_join *j = &o->u.join;
    const struct mptcp_dss *d = &o->u.dss;
    const struct mptcp_add_addr *a = &o->u.add_addr;
    bool mpc = o->subtype == MPTCP_SUB_CAPABLE, join = o->subtype == MPTCP_SUB_JOIN;
    bool dss = o->subtype == MPTCP_SUB_DSS, add = o->subtype == MPTCP_SUB_ADD_ADDR;

    switch (f) {
    case F_SUBTYPE: return put_u64(buf, len, o->subtype);
    case F_VERSION: return mpc ? put_u64(buf, len, m->version) : 1;
    case F_FLAGS: return fmt_flags(o, buf, len);
    case F_SENDKEY: return mpc && m->nkeys >= 1 ? put_u64(buf, len, m->snd_key) : 1;
    case F_RECVKEY:
        if (o->subtype == MPTCP_SUB_FASTCLOSE)
            return put_u64(buf, len, o->u.fastclose.rcv_key);
        return mpc && m->nkeys == 2 ? put_u64(buf, len, m->rcv_key) : 1;
    case F_RECVTOK: return join && j->form == MPTCP_JOIN_SYN ? put_u64(buf, len, j->token) : 1;
    case F_SENDRAND: return join && j->form != MPTCP_JOIN_ACK ? put_u64(buf, len, j->nonce) : 1;
    case F_SENDTRUNCHMAC:
        return join && j->form == MPTCP_JOIN_SYNACK ? put_u64(buf, len, j->thmac) : 1;
    case F_SENDHMAC:
        if (!join || j->form != MPTCP_JOIN_ACK)
            return 1;
        if (len < 2 * sizeof j->hmac + 1)
            return -2;
        for (size_t i = 0; i < sizeof j->hmac; i++)
            snprintf(buf + 2 * i, 3, "%02x", j->hmac[i]);
        return 0;
    case F_ADDRID: return fmt_addrid(o, buf, len);
    case F_RAWDATAACK: return dss && (d->flags & MPTCP_DSS_A) ? put_u64(buf, len, d->data_ack) : 1;
    case F_RAWDATASEQNO:
        if (o->subtype == MPTCP_SUB_FAIL)
            return put_u64(buf, len, o->u.fail.dsn);
        return dss && (d->flags & MPTCP_DSS_M) ? put_u64(buf, len, d->dsn) : 1;
    case F_SUBFLOWSEQNO: return dss && (d->flags & MPTCP_DSS_M) ? put_u64(buf, len, d->ssn) : 1;
    case F_DATALVLLEN:
        if (mpc)
            return m->has_data_len ? put_u64(buf, len, m->data_len) : 1;
        return dss && (d->flags & MPTCP_DSS_M) ? put_u64(buf, len, d->data_len) : 1;
    case F_CHECKSUM: return mpc && m->has_csum ? put(buf, len, "0x%04x", m->csum) : 1;
    case F_IPV4: return fmt_addr(o, 4, buf, len);
    case F_IPV6: return fmt_addr(o, 6, buf, len);
    case F_PORT: return add && a->has_port ? put_u64(buf, len, a->port) : 1;
    case F_ADDADDRTRUNCHMAC: return add && a->has_hmac ? put_u64(buf, len, a->hmac) : 1;
    case F_ECHO: return add && a->version == 1 ? put_u64(buf, len, a->echo) : 1;
    case F_RST_REASON:
        return o->subtype == MPTCP_SUB_TCPRST ? put(buf, len, "0x%02x", o->u.tcprst.reason) : 1;
    default: return -1;
    }
}

int mptcp_field_format(const char *field, const struct mptcp_opt *o, char *buf, size_t len)
{
    int f = field_index(field);
    int rc;

    if (f < 0)
        return -1;
    if (len == 0)
        return -2;
    buf[0] = '\0';
    rc = fmt(f, o, buf, len);
    if (rc != 0 && len > 0)
        buf[0] = '\0';
    return rc;
}
