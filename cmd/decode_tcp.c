/* decode_tcp.c - the TCP header and option fields of `mcpsim decode` (tcp.*, except MPTCP).
 *
 * Header fields read the decoded header (models/wire/tcp.h); tcp.option_kind lists the option
 * kinds in header order, and the typed option fields (MSS, window scale, timestamps) show
 * only options of their kind with the length RFC 9293 section 3.2 and RFC 7323 require, as
 * tshark does. The tcp.options.mptcp.* fields are in decode_fields.c; tshark's analysis
 * fields (tcp.stream, relative sequence numbers, SACK blocks) are not modelled.
 */
#include <inttypes.h>

#include "cmd/decode_group.h"
#include "models/wire/bytes.h"

static void f_tcp_srcport(const struct decode_ctx *c, struct occ *o)
{
    if (decode_tcp(c))
        occ_put(o, "%u", decode_tcp(c)->sport);
}
static void f_tcp_dstport(const struct decode_ctx *c, struct occ *o)
{
    if (decode_tcp(c))
        occ_put(o, "%u", decode_tcp(c)->dport);
}
static void f_tcp_flags(const struct decode_ctx *c, struct occ *o)
{
    if (decode_tcp(c))
        occ_put(o, "0x%04x", decode_tcp(c)->flags);
}
static void f_tcp_seq_raw(const struct decode_ctx *c, struct occ *o)
{
    if (decode_tcp(c))
        occ_put(o, "%" PRIu32, decode_tcp(c)->seq);
}
static void f_tcp_ack_raw(const struct decode_ctx *c, struct occ *o)
{
    if (decode_tcp(c))
        occ_put(o, "%" PRIu32, decode_tcp(c)->ack);
}
static void f_tcp_len(const struct decode_ctx *c, struct occ *o)
{
    if (decode_tcp(c))
        occ_put(o, "%" PRIu32, c->pkt->payload_len);
}
static void f_tcp_hdr_len(const struct decode_ctx *c, struct occ *o)
{
    if (decode_tcp(c))
        occ_put(o, "%zu", tcp_hdr_len(decode_tcp(c)));
}
static void f_tcp_window(const struct decode_ctx *c, struct occ *o)
{
    if (decode_tcp(c))
        occ_put(o, "%u", decode_tcp(c)->window);
}
static void f_tcp_checksum(const struct decode_ctx *c, struct occ *o)
{
    if (decode_tcp(c))
        occ_put(o, "0x%04x", decode_tcp(c)->csum);
}
static void f_tcp_urg(const struct decode_ctx *c, struct occ *o)
{
    if (decode_tcp(c))
        occ_put(o, "%u", decode_tcp(c)->urg);
}
/* tshark lists the options up to the first EOL, then one more EOL per zero byte after it,
 * stopping at the first non-zero byte (which it flags as "non-zero bytes after EOL"). */
static void f_tcp_option_kind(const struct decode_ctx *c, struct occ *o)
{
    const struct tcp_hdr *h = decode_tcp(c);
    if (!h)
        return;
    for (size_t i = 0; i < h->nopts; i++)
        occ_put(o, "%u", h->opts[i].kind);
    if (h->nopts && h->opts[h->nopts - 1].kind == TCPOPT_EOL)
        for (size_t k = h->opts[h->nopts - 1].off + 1u; k < h->optlen && h->opt[k] == 0; k++)
            occ_put(o, "0");
}
/* Every option of a kind with its required length: tshark shows only those values. */
static void each_opt(const struct decode_ctx *c, struct occ *o, uint8_t kind, uint8_t len,
                     void (*fn)(struct occ *, const uint8_t *))
{
    const struct tcp_hdr *h = decode_tcp(c);
    for (size_t i = 0; h && i < h->nopts; i++)
        if (h->opts[i].kind == kind && h->opts[i].len == len)
            fn(o, tcp_opt_bytes(h, &h->opts[i]));
}
static void mss_val(struct occ *o, const uint8_t *b) { occ_put(o, "%u", rd16(b + 2)); }
static void ws_shift(struct occ *o, const uint8_t *b) { occ_put(o, "%u", b[2]); }
static void ts_val(struct occ *o, const uint8_t *b) { occ_put(o, "%" PRIu32, rd32(b + 2)); }
static void ts_ecr(struct occ *o, const uint8_t *b) { occ_put(o, "%" PRIu32, rd32(b + 6)); }
static void f_mss_val(const struct decode_ctx *c, struct occ *o)
{
    each_opt(c, o, TCPOPT_MSS, TCPOLEN_MSS, mss_val);
}
static void f_wscale_shift(const struct decode_ctx *c, struct occ *o)
{
    each_opt(c, o, TCPOPT_WSCALE, TCPOLEN_WSCALE, ws_shift);
}
static void f_tsval(const struct decode_ctx *c, struct occ *o)
{
    each_opt(c, o, TCPOPT_TIMESTAMP, TCPOLEN_TIMESTAMP, ts_val);
}
static void f_tsecr(const struct decode_ctx *c, struct occ *o)
{
    each_opt(c, o, TCPOPT_TIMESTAMP, TCPOLEN_TIMESTAMP, ts_ecr);
}

static const struct decode_field tcp_fields[] = {
    { "tcp.srcport", f_tcp_srcport },
    { "tcp.dstport", f_tcp_dstport },
    { "tcp.flags", f_tcp_flags },
    { "tcp.seq_raw", f_tcp_seq_raw },
    { "tcp.ack_raw", f_tcp_ack_raw },
    { "tcp.len", f_tcp_len },
    { "tcp.hdr_len", f_tcp_hdr_len },
    { "tcp.window_size_value", f_tcp_window },
    { "tcp.checksum", f_tcp_checksum },
    { "tcp.urgent_pointer", f_tcp_urg },
    { "tcp.option_kind", f_tcp_option_kind },
    { "tcp.options.mss_val", f_mss_val },
    { "tcp.options.wscale.shift", f_wscale_shift },
    { "tcp.options.timestamp.tsval", f_tsval },
    { "tcp.options.timestamp.tsecr", f_tsecr },
};

const struct decode_field_group decode_tcp_group = {
    tcp_fields, sizeof tcp_fields / sizeof tcp_fields[0]
};
