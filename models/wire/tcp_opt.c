/* tcp_opt.c - the TCP option list: parse, typed readers, appenders with the 40-byte budget.
 *
 * Parsing follows RFC 9293 section 3.2: EOL and NOP are single bytes, every other kind is
 * kind-length-value with length >= 2 that must stay inside the option area. Parsing stops at
 * EOL (the bytes after it are kept raw) or at the first malformed option (WIRE_E_OPT_LEN),
 * like Linux tcp_parse_options(). Readers check the length each kind requires.
 */
#include <string.h>

#include "models/wire/bytes.h"
#include "models/wire/tcp.h"
#include "models/wire/wire_err.h"

int tcp_opts_parse(struct tcp_hdr *h)
{
    size_t i = 0, n = 0;
    while (i < h->optlen) {
        uint8_t kind = h->opt[i];
        if (kind == TCPOPT_EOL || kind == TCPOPT_NOP) {
            h->opts[n++] = (struct tcp_opt){ kind, 1, (uint8_t)i };
            i++;
            if (kind == TCPOPT_EOL)
                break;
            continue;
        }
        if (i + 1 >= h->optlen) {
            h->nopts = (uint8_t)n;
            return WIRE_E_OPT_LEN;
        }
        uint8_t olen = h->opt[i + 1];
        if (olen < 2 || i + olen > h->optlen) {
            h->nopts = (uint8_t)n;
            return WIRE_E_OPT_LEN;
        }
        h->opts[n++] = (struct tcp_opt){ kind, olen, (uint8_t)i };
        i += olen;
    }
    h->nopts = (uint8_t)n;
    return 0;
}

const struct tcp_opt *tcp_opt_find(const struct tcp_hdr *h, uint8_t kind)
{
    for (size_t i = 0; i < h->nopts; i++)
        if (h->opts[i].kind == kind)
            return &h->opts[i];
    return NULL;
}

/* The option of this kind with exactly want bytes (want 0: any length >= 2). */
static int find_len(const struct tcp_hdr *h, uint8_t kind, size_t want, const uint8_t **b)
{
    const struct tcp_opt *o = tcp_opt_find(h, kind);
    if (!o)
        return WIRE_E_NOT_FOUND;
    if (want && o->len != want)
        return WIRE_E_OPT_LEN;
    *b = tcp_opt_bytes(h, o);
    return o->len;
}

int tcp_opt_get_mss(const struct tcp_hdr *h, uint16_t *mss)
{
    const uint8_t *b;
    int r = find_len(h, TCPOPT_MSS, TCPOLEN_MSS, &b);
    if (r < 0)
        return r;
    *mss = rd16(b + 2);
    return 0;
}

int tcp_opt_get_wscale(const struct tcp_hdr *h, uint8_t *shift)
{
    const uint8_t *b;
    int r = find_len(h, TCPOPT_WSCALE, TCPOLEN_WSCALE, &b);
    if (r < 0)
        return r;
    *shift = b[2]; /* a shift > 14 is reported as sent; RFC 7323 says the receiver uses 14 */
    return 0;
}

int tcp_opt_get_sack_perm(const struct tcp_hdr *h)
{
    const uint8_t *b;
    int r = find_len(h, TCPOPT_SACK_PERM, TCPOLEN_SACK_PERM, &b);
    return r < 0 ? r : 0;
}

int tcp_opt_get_sack(const struct tcp_hdr *h, struct tcp_sack_block *blocks, size_t *nblocks)
{
    const uint8_t *b;
    int r = find_len(h, TCPOPT_SACK, 0, &b);
    if (r < 0)
        return r;
    size_t olen = (size_t)r;
    if (olen < 2 + TCPOLEN_SACK_BLOCK || (olen - 2) % TCPOLEN_SACK_BLOCK)
        return WIRE_E_OPT_LEN;
    size_t n = (olen - 2) / TCPOLEN_SACK_BLOCK;
    for (size_t i = 0; i < n; i++)
        blocks[i] = (struct tcp_sack_block){ rd32(b + 2 + 8 * i), rd32(b + 6 + 8 * i) };
    *nblocks = n;
    return 0;
}

int tcp_opt_get_timestamp(const struct tcp_hdr *h, uint32_t *tsval, uint32_t *tsecr)
{
    const uint8_t *b;
    int r = find_len(h, TCPOPT_TIMESTAMP, TCPOLEN_TIMESTAMP, &b);
    if (r < 0)
        return r;
    *tsval = rd32(b + 2);
    *tsecr = rd32(b + 6);
    return 0;
}

static int tfo_cookie_len_ok(size_t len)
{
    /* RFC 7413 section 4.1.1: empty (request) or 4..16 bytes, even length. */
    return len == 0 || (len >= TCP_TFO_COOKIE_MIN && len <= TCP_TFO_COOKIE_MAX && len % 2 == 0);
}

int tcp_opt_get_tfo(const struct tcp_hdr *h, const uint8_t **cookie, size_t *len)
{
    for (size_t i = 0; i < h->nopts; i++) {
        const struct tcp_opt *o = &h->opts[i];
        const uint8_t *b = tcp_opt_bytes(h, o);
        size_t hdr;
        if (o->kind == TCPOPT_FASTOPEN)
            hdr = 2;
        else if (o->kind == TCPOPT_EXP && o->len >= 4 && rd16(b + 2) == TCPOPT_EXP_TFO)
            hdr = 4;
        else
            continue;
        if (o->len < hdr || !tfo_cookie_len_ok(o->len - hdr))
            return WIRE_E_OPT_LEN;
        *cookie = b + hdr;
        *len = o->len - hdr;
        return 0;
    }
    return WIRE_E_NOT_FOUND;
}

int tcp_opt_get_raw(const struct tcp_hdr *h, uint8_t kind, const uint8_t **data, size_t *len)
{
    const uint8_t *b;
    int r = find_len(h, kind, 0, &b);
    if (r < 0)
        return r;
    if (kind == TCPOPT_EOL || kind == TCPOPT_NOP) {
        *data = b + 1;
        *len = 0;
        return 0;
    }
    *data = b + 2;
    *len = (size_t)r - 2;
    return 0;
}

/* --- building ------------------------------------------------------------------------------ */

int tcp_opt_append_raw(struct tcp_hdr *h, const uint8_t *opt, size_t len)
{
    if (len == 0)
        return WIRE_E_ARG;
    if (opt[0] == TCPOPT_EOL || opt[0] == TCPOPT_NOP) {
        if (len != 1)
            return WIRE_E_ARG;
    } else if (len < 2 || opt[1] != len) {
        return WIRE_E_ARG;
    }
    if (h->optlen + len > TCP_MAX_OPT_LEN)
        return WIRE_E_OPT_SPACE;
    /* An EOL already in the list ends it: options after it would be ignored by receivers. */
    if (h->nopts && h->opts[h->nopts - 1].kind == TCPOPT_EOL)
        return WIRE_E_ARG;
    memcpy(h->opt + h->optlen, opt, len);
    h->opts[h->nopts++] = (struct tcp_opt){ opt[0], (uint8_t)len, h->optlen };
    h->optlen = (uint8_t)(h->optlen + len);
    return 0;
}

int tcp_opt_append(struct tcp_hdr *h, uint8_t kind, const uint8_t *data, size_t data_len)
{
    uint8_t b[TCP_MAX_OPT_LEN];
    if (data_len > TCP_MAX_OPT_LEN - 2)
        return WIRE_E_OPT_SPACE;
    b[0] = kind;
    b[1] = (uint8_t)(data_len + 2);
    if (data_len)
        memcpy(b + 2, data, data_len);
    return tcp_opt_append_raw(h, b, data_len + 2);
}

int tcp_opt_append_nop(struct tcp_hdr *h)
{
    const uint8_t nop = TCPOPT_NOP;
    return tcp_opt_append_raw(h, &nop, 1);
}

int tcp_opt_append_mss(struct tcp_hdr *h, uint16_t mss)
{
    uint8_t v[2];
    wr16(v, mss);
    return tcp_opt_append(h, TCPOPT_MSS, v, 2);
}

int tcp_opt_append_wscale(struct tcp_hdr *h, uint8_t shift)
{
    return tcp_opt_append(h, TCPOPT_WSCALE, &shift, 1);
}

int tcp_opt_append_sack_perm(struct tcp_hdr *h)
{
    return tcp_opt_append(h, TCPOPT_SACK_PERM, NULL, 0);
}

int tcp_opt_append_sack(struct tcp_hdr *h, const struct tcp_sack_block *blocks, size_t n)
{
    uint8_t v[TCP_SACK_MAX_BLOCKS * TCPOLEN_SACK_BLOCK];
    if (n == 0)
        return WIRE_E_ARG;
    if (n > TCP_SACK_MAX_BLOCKS)
        return WIRE_E_OPT_SPACE;
    for (size_t i = 0; i < n; i++) {
        wr32(v + 8 * i, blocks[i].left);
        wr32(v + 8 * i + 4, blocks[i].right);
    }
    return tcp_opt_append(h, TCPOPT_SACK, v, n * TCPOLEN_SACK_BLOCK);
}

int tcp_opt_append_timestamp(struct tcp_hdr *h, uint32_t tsval, uint32_t tsecr)
{
    uint8_t v[8];
    wr32(v, tsval);
    wr32(v + 4, tsecr);
    return tcp_opt_append(h, TCPOPT_TIMESTAMP, v, 8);
}

int tcp_opt_append_tfo(struct tcp_hdr *h, const uint8_t *cookie, size_t len)
{
    if (!tfo_cookie_len_ok(len))
        return WIRE_E_ARG;
    return tcp_opt_append(h, TCPOPT_FASTOPEN, cookie, len);
}

int tcp_opt_append_md5(struct tcp_hdr *h, const uint8_t digest[16])
{
    return tcp_opt_append(h, TCPOPT_MD5, digest, 16);
}

int tcp_opt_append_ao(struct tcp_hdr *h, uint8_t keyid, uint8_t rnextkeyid, const uint8_t *mac,
                      size_t maclen)
{
    uint8_t v[TCP_MAX_OPT_LEN];
    if (maclen > TCP_MAX_OPT_LEN - TCPOLEN_AO_MIN)
        return WIRE_E_OPT_SPACE;
    v[0] = keyid; /* RFC 5925 section 2.2: KeyID, RNextKeyID, MAC */
    v[1] = rnextkeyid;
    if (maclen)
        memcpy(v + 2, mac, maclen);
    return tcp_opt_append(h, TCPOPT_AO, v, maclen + 2);
}

void tcp_opts_pad(struct tcp_hdr *h)
{
    if (h->optlen % 4)
        h->opts[h->nopts++] = (struct tcp_opt){ TCPOPT_EOL, 1, h->optlen };
    while (h->optlen % 4)
        h->opt[h->optlen++] = TCPOPT_EOL;
}

void tcp_opts_clear(struct tcp_hdr *h)
{
    h->optlen = 0;
    h->nopts = 0;
}

int tcp_opt_strip_nop(struct tcp_hdr *h, uint8_t kind)
{
    int n = 0;
    for (size_t i = 0; i < h->nopts; i++) {
        if (h->opts[i].kind != kind || kind == TCPOPT_NOP)
            continue;
        memset(h->opt + h->opts[i].off, TCPOPT_NOP, h->opts[i].len);
        n++;
    }
    if (n)
        tcp_opts_parse(h);
    return n;
}

int tcp_opt_remove(struct tcp_hdr *h, uint8_t kind)
{
    uint8_t keep[TCP_MAX_OPT_LEN];
    size_t k = 0;
    int n = 0;
    for (size_t i = 0; i < h->nopts; i++) {
        const struct tcp_opt *o = &h->opts[i];
        if (o->kind == TCPOPT_EOL)
            break;
        if (o->kind == kind) {
            n++;
            continue;
        }
        memcpy(keep + k, h->opt + o->off, o->len);
        k += o->len;
    }
    if (!n)
        return 0;
    memcpy(h->opt, keep, k);
    h->optlen = (uint8_t)k;
    tcp_opts_parse(h);
    tcp_opts_pad(h);
    return n;
}
