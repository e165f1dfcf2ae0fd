/* decode_fields.c - tshark-formatted field values (decode_fields.h).
 *
 * Each field is a function that appends its occurrences through put(), which writes the ','
 * aggregator between occurrences. MPTCP fields are delegated to mptcp_field_format()
 * (models/wire/mptcp_fields.c), one call per kind-30 option.
 */
#include "cmd/decode_fields.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "models/wire/bytes.h"

void dbuf_putc(struct dbuf *b, char c)
{
    if (b->len + 1 >= b->cap) {
        size_t cap = b->cap ? 2 * b->cap : 1024;
        char *p = realloc(b->p, cap);
        if (!p) {
            fprintf(stderr, "mcpsim decode: out of memory\n");
            exit(1);
        }
        b->p = p;
        b->cap = cap;
    }
    b->p[b->len++] = c;
    b->p[b->len] = '\0';
}

void dbuf_free(struct dbuf *b)
{
    free(b->p);
    *b = (struct dbuf){ 0 };
}

static void dbuf_puts(struct dbuf *b, const char *s)
{
    while (*s)
        dbuf_putc(b, *s++);
}

/* One occurrence of a field: the aggregator first unless it is the first. */
struct occ {
    struct dbuf *b;
    int n;
};

static void put(struct occ *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct occ *o, const char *fmt, ...)
{
    char s[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s, sizeof s, fmt, ap);
    va_end(ap);
    if (o->n++)
        dbuf_putc(o->b, ',');
    dbuf_puts(o->b, s);
}

static void put_ip4(struct occ *o, uint32_t a)
{
    put(o, "%u.%u.%u.%u", a >> 24, (a >> 16) & 0xff, (a >> 8) & 0xff, a & 0xff);
}

static void put_ip6(struct occ *o, const uint8_t *a)
{
    char s[INET6_ADDRSTRLEN];
    inet_ntop(AF_INET6, a, s, sizeof s);
    put(o, "%s", s);
}

typedef void (*field_fn)(const struct decode_ctx *c, struct occ *o);

static const struct ipv4_hdr *v4(const struct decode_ctx *c)
{
    return c->pkt && c->pkt->family == 4 ? &c->pkt->ip.v4 : NULL;
}
static const struct ipv6_hdr *v6(const struct decode_ctx *c)
{
    return c->pkt && c->pkt->family == 6 ? &c->pkt->ip.v6 : NULL;
}
static const struct tcp_hdr *tcp(const struct decode_ctx *c)
{
    return c->pkt && c->pkt->has_tcp ? &c->pkt->tcp : NULL;
}

/* --- frame ------------------------------------------------------------------------------- */

static void f_frame_number(const struct decode_ctx *c, struct occ *o)
{
    put(o, "%" PRIu64, c->frame->number);
}
static void f_frame_len(const struct decode_ctx *c, struct occ *o) { put(o, "%u", c->frame->wirelen); }
static void f_frame_cap_len(const struct decode_ctx *c, struct occ *o)
{
    put(o, "%u", c->frame->caplen);
}

/* --- IPv4 -------------------------------------------------------------------------------- */

/* Wireshark's reading of a source route: the first LSRR/SSRR whose pointer is valid (>= 4,
 * multiple of 4, <= length) makes its last address the destination (ip.dst) and the header's
 * destination the current hop (ip.cur_rt). */
static int pending_route(const struct ipv4_hdr *h, struct ipv4_route *r)
{
    return ipv4_route_get(h, 0, r) == 0 && r->ptr <= r->len && r->naddr > 0;
}

static void f_ip_src(const struct decode_ctx *c, struct occ *o)
{
    if (v4(c))
        put_ip4(o, v4(c)->src);
}
static void f_ip_dst(const struct decode_ctx *c, struct occ *o)
{
    const struct ipv4_hdr *h = v4(c);
    struct ipv4_route r;
    if (h)
        put_ip4(o, pending_route(h, &r) ? r.addr[r.naddr - 1] : h->dst);
}
static void f_ip_cur_rt(const struct decode_ctx *c, struct occ *o)
{
    const struct ipv4_hdr *h = v4(c);
    struct ipv4_route r;
    if (h && pending_route(h, &r))
        put_ip4(o, h->dst);
}
static void f_ip_len(const struct decode_ctx *c, struct occ *o)
{
    if (v4(c))
        put(o, "%u", v4(c)->tot_len);
}
static void f_ip_hdr_len(const struct decode_ctx *c, struct occ *o)
{
    if (v4(c))
        put(o, "%zu", ipv4_hdr_len(v4(c)));
}
static void f_ip_id(const struct decode_ctx *c, struct occ *o)
{
    if (v4(c))
        put(o, "0x%04x", v4(c)->id);
}
static void f_ip_ttl(const struct decode_ctx *c, struct occ *o)
{
    if (v4(c))
        put(o, "%u", v4(c)->ttl);
}
static void f_ip_proto(const struct decode_ctx *c, struct occ *o)
{
    if (v4(c))
        put(o, "%u", v4(c)->proto);
}
static void f_ip_checksum(const struct decode_ctx *c, struct occ *o)
{
    if (v4(c))
        put(o, "0x%04x", v4(c)->csum);
}

static int is_route_type(uint8_t t) { return t == IPOPT_LSRR || t == IPOPT_SSRR || t == IPOPT_RR; }

static void f_ip_opt_type(const struct decode_ctx *c, struct occ *o)
{
    const struct ipv4_hdr *h = v4(c);
    for (size_t i = 0; h && i < h->nopts; i++)
        put(o, "%u", h->opts[i].type);
}
static void f_ip_opt_len(const struct decode_ctx *c, struct occ *o)
{
    const struct ipv4_hdr *h = v4(c);
    for (size_t i = 0; h && i < h->nopts; i++)
        if (h->opts[i].len > 1)
            put(o, "%u", h->opts[i].len);
}
static void f_ip_opt_ptr(const struct decode_ctx *c, struct occ *o)
{
    const struct ipv4_hdr *h = v4(c);
    for (size_t i = 0; h && i < h->nopts; i++)
        if ((is_route_type(h->opts[i].type) || h->opts[i].type == IPOPT_TS) && h->opts[i].len > 2)
            put(o, "%u", h->opt[h->opts[i].off + 2]);
}

/* Route addresses by role, as Wireshark's route-option dissector assigns them. */
enum rt_role { RT_SRC, RT_REC, RT_EMPTY };

static void route_addrs(const struct decode_ctx *c, struct occ *o, enum rt_role want)
{
    const struct ipv4_hdr *h = v4(c);
    for (size_t i = 0; h && i < h->nopts; i++) {
        const struct ipv4_opt *op = &h->opts[i];
        if (!is_route_type(op->type) || op->len < 3)
            continue;
        const uint8_t *b = h->opt + op->off;
        uint8_t ptr = b[2], len = op->len;
        if (ptr < 4 || ptr % 4)
            continue; /* Wireshark flags the pointer and shows no address */
        for (size_t off = 3; off + 4 <= len; off += 4) {
            enum rt_role role;
            if (op->type == IPOPT_RR)
                role = (ptr > len || off + 1 < ptr) ? RT_REC : RT_EMPTY;
            else if (ptr > len)
                role = RT_REC;
            else if (off == (size_t)len - 4)
                continue; /* the destination: shown as ip.dst */
            else
                role = off + 1 < ptr ? RT_REC : RT_SRC;
            if (role == want)
                put_ip4(o, rd32(b + off));
        }
    }
}
static void f_ip_src_rt(const struct decode_ctx *c, struct occ *o) { route_addrs(c, o, RT_SRC); }
static void f_ip_rec_rt(const struct decode_ctx *c, struct occ *o) { route_addrs(c, o, RT_REC); }
static void f_ip_empty_rt(const struct decode_ctx *c, struct occ *o) { route_addrs(c, o, RT_EMPTY); }

/* --- IPv6 -------------------------------------------------------------------------------- */

static void f_ipv6_src(const struct decode_ctx *c, struct occ *o)
{
    if (v6(c))
        put_ip6(o, v6(c)->src);
}
static void f_ipv6_dst(const struct decode_ctx *c, struct occ *o)
{
    if (v6(c))
        put_ip6(o, v6(c)->dst);
}
static void f_ipv6_plen(const struct decode_ctx *c, struct occ *o)
{
    if (v6(c))
        put(o, "%u", v6(c)->plen);
}
static void f_ipv6_nxt(const struct decode_ctx *c, struct occ *o)
{
    if (v6(c))
        put(o, "%u", v6(c)->nh);
}
static void f_ipv6_hlim(const struct decode_ctx *c, struct occ *o)
{
    if (v6(c))
        put(o, "%u", v6(c)->hlim);
}

/* Calls fn on every routing header (byte pointer, length). */
static void each_routing(const struct decode_ctx *c, struct occ *o,
                         void (*fn)(struct occ *, const uint8_t *, size_t))
{
    const struct ipv6_hdr *h = v6(c);
    for (size_t i = 0; h && i < h->nexts; i++)
        if (h->exts[i].type == IPV6_EXT_ROUTING)
            fn(o, h->ext + h->exts[i].off, h->exts[i].len);
}
static void rt_type(struct occ *o, const uint8_t *b, size_t n) { (void)n; put(o, "%u", b[2]); }
static void rt_segleft(struct occ *o, const uint8_t *b, size_t n) { (void)n; put(o, "%u", b[3]); }
static void rt_len(struct occ *o, const uint8_t *b, size_t n) { (void)n; put(o, "%u", b[1]); }
static void rt_nxt(struct occ *o, const uint8_t *b, size_t n) { (void)n; put(o, "%u", b[0]); }
static void srh_last(struct occ *o, const uint8_t *b, size_t n)
{
    (void)n;
    if (b[2] == IPV6_RT_SRH)
        put(o, "%u", b[4]);
}
static void srh_flags(struct occ *o, const uint8_t *b, size_t n)
{
    (void)n;
    if (b[2] == IPV6_RT_SRH)
        put(o, "0x%02x", b[5]);
}
static void srh_tag(struct occ *o, const uint8_t *b, size_t n)
{
    (void)n;
    if (b[2] == IPV6_RT_SRH)
        put(o, "%04x", rd16(b + 6));
}
static void srh_addr(struct occ *o, const uint8_t *b, size_t n)
{
    if (b[2] != IPV6_RT_SRH)
        return;
    for (size_t k = 0; k <= b[4] && IPV6_SRH_FIXED_LEN + 16 * (k + 1) <= n; k++)
        put_ip6(o, b + IPV6_SRH_FIXED_LEN + 16 * k);
}
static void f_rt_type(const struct decode_ctx *c, struct occ *o) { each_routing(c, o, rt_type); }
static void f_rt_segleft(const struct decode_ctx *c, struct occ *o) { each_routing(c, o, rt_segleft); }
static void f_rt_len(const struct decode_ctx *c, struct occ *o) { each_routing(c, o, rt_len); }
static void f_rt_nxt(const struct decode_ctx *c, struct occ *o) { each_routing(c, o, rt_nxt); }
static void f_srh_last(const struct decode_ctx *c, struct occ *o) { each_routing(c, o, srh_last); }
static void f_srh_flags(const struct decode_ctx *c, struct occ *o) { each_routing(c, o, srh_flags); }
static void f_srh_tag(const struct decode_ctx *c, struct occ *o) { each_routing(c, o, srh_tag); }
static void f_srh_addr(const struct decode_ctx *c, struct occ *o) { each_routing(c, o, srh_addr); }

/* --- TCP --------------------------------------------------------------------------------- */

static void f_tcp_srcport(const struct decode_ctx *c, struct occ *o)
{
    if (tcp(c))
        put(o, "%u", tcp(c)->sport);
}
static void f_tcp_dstport(const struct decode_ctx *c, struct occ *o)
{
    if (tcp(c))
        put(o, "%u", tcp(c)->dport);
}
static void f_tcp_flags(const struct decode_ctx *c, struct occ *o)
{
    if (tcp(c))
        put(o, "0x%04x", tcp(c)->flags);
}
static void f_tcp_seq_raw(const struct decode_ctx *c, struct occ *o)
{
    if (tcp(c))
        put(o, "%" PRIu32, tcp(c)->seq);
}
static void f_tcp_ack_raw(const struct decode_ctx *c, struct occ *o)
{
    if (tcp(c))
        put(o, "%" PRIu32, tcp(c)->ack);
}
static void f_tcp_len(const struct decode_ctx *c, struct occ *o)
{
    if (tcp(c))
        put(o, "%" PRIu32, c->pkt->payload_len);
}
static void f_tcp_hdr_len(const struct decode_ctx *c, struct occ *o)
{
    if (tcp(c))
        put(o, "%zu", tcp_hdr_len(tcp(c)));
}
static void f_tcp_window(const struct decode_ctx *c, struct occ *o)
{
    if (tcp(c))
        put(o, "%u", tcp(c)->window);
}
static void f_tcp_checksum(const struct decode_ctx *c, struct occ *o)
{
    if (tcp(c))
        put(o, "0x%04x", tcp(c)->csum);
}
static void f_tcp_urg(const struct decode_ctx *c, struct occ *o)
{
    if (tcp(c))
        put(o, "%u", tcp(c)->urg);
}
static void f_tcp_option_kind(const struct decode_ctx *c, struct occ *o)
{
    const struct tcp_hdr *h = tcp(c);
    for (size_t i = 0; h && i < h->nopts; i++)
        put(o, "%u", h->opts[i].kind);
}
/* Every option of a kind with its required length: tshark shows only those values. */
static void each_opt(const struct decode_ctx *c, struct occ *o, uint8_t kind, uint8_t len,
                     void (*fn)(struct occ *, const uint8_t *))
{
    const struct tcp_hdr *h = tcp(c);
    for (size_t i = 0; h && i < h->nopts; i++)
        if (h->opts[i].kind == kind && h->opts[i].len == len)
            fn(o, tcp_opt_bytes(h, &h->opts[i]));
}
static void mss_val(struct occ *o, const uint8_t *b) { put(o, "%u", rd16(b + 2)); }
static void ws_shift(struct occ *o, const uint8_t *b) { put(o, "%u", b[2]); }
static void ts_val(struct occ *o, const uint8_t *b) { put(o, "%" PRIu32, rd32(b + 2)); }
static void ts_ecr(struct occ *o, const uint8_t *b) { put(o, "%" PRIu32, rd32(b + 6)); }
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

/* --- table ------------------------------------------------------------------------------- */

static const struct field {
    const char *name;
    field_fn fn;
} fields[] = {
    { "frame.number", f_frame_number },
    { "frame.len", f_frame_len },
    { "frame.cap_len", f_frame_cap_len },
    { "ip.src", f_ip_src },
    { "ip.dst", f_ip_dst },
    { "ip.len", f_ip_len },
    { "ip.hdr_len", f_ip_hdr_len },
    { "ip.id", f_ip_id },
    { "ip.ttl", f_ip_ttl },
    { "ip.proto", f_ip_proto },
    { "ip.checksum", f_ip_checksum },
    { "ip.opt.type", f_ip_opt_type },
    { "ip.opt.len", f_ip_opt_len },
    { "ip.opt.ptr", f_ip_opt_ptr },
    { "ip.src_rt", f_ip_src_rt },
    { "ip.rec_rt", f_ip_rec_rt },
    { "ip.cur_rt", f_ip_cur_rt },
    { "ip.empty_rt", f_ip_empty_rt },
    { "ipv6.src", f_ipv6_src },
    { "ipv6.dst", f_ipv6_dst },
    { "ipv6.plen", f_ipv6_plen },
    { "ipv6.nxt", f_ipv6_nxt },
    { "ipv6.hlim", f_ipv6_hlim },
    { "ipv6.routing.nxt", f_rt_nxt },
    { "ipv6.routing.len", f_rt_len },
    { "ipv6.routing.type", f_rt_type },
    { "ipv6.routing.segleft", f_rt_segleft },
    { "ipv6.routing.srh.last_entry", f_srh_last },
    { "ipv6.routing.srh.flags", f_srh_flags },
    { "ipv6.routing.srh.tag", f_srh_tag },
    { "ipv6.routing.srh.addr", f_srh_addr },
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
#define NFIELDS (sizeof fields / sizeof fields[0])

static size_t n_mptcp_fields(void)
{
    size_t n = 0;
    while (mptcp_field_names[n])
        n++;
    return n;
}

int decode_field_find(const char *name)
{
    for (size_t i = 0; i < NFIELDS; i++)
        if (strcmp(name, fields[i].name) == 0)
            return (int)i;
    for (size_t i = 0; mptcp_field_names[i]; i++)
        if (strcmp(name, mptcp_field_names[i]) == 0)
            return (int)(NFIELDS + i);
    return -1;
}

void decode_field_format(int field, const struct decode_ctx *ctx, struct dbuf *b)
{
    struct occ o = { b, 0 };
    if ((size_t)field < NFIELDS) {
        fields[field].fn(ctx, &o);
        return;
    }
    const char *name = mptcp_field_names[(size_t)field - NFIELDS];
    for (size_t i = 0; i < ctx->nmptcp; i++) {
        char s[128];
        if (mptcp_field_format(name, &ctx->mptcp[i], s, sizeof s) == 0)
            put(&o, "%s", s);
    }
}

void decode_fields_print(FILE *f)
{
    for (size_t i = 0; i < NFIELDS; i++)
        fprintf(f, "%s%s", i ? " " : "", fields[i].name);
    for (size_t i = 0; i < n_mptcp_fields(); i++)
        fprintf(f, " %s", mptcp_field_names[i]);
}

void decode_ctx_init(struct decode_ctx *ctx, const struct pcapio_frame *f,
                     const struct wire_pkt *pkt)
{
    ctx->frame = f;
    ctx->pkt = pkt && pkt->family ? pkt : NULL;
    ctx->nmptcp = 0;
    const struct tcp_hdr *h = tcp(ctx);
    if (!h)
        return;
    struct mptcp_ctx mc = { .tcp_flags = (uint8_t)h->flags, .version = 1,
                            .has_payload = pkt->payload_len > 0 };
    for (size_t i = 0; i < h->nopts && ctx->nmptcp < DECODE_MAX_MPTCP; i++) {
        const struct tcp_opt *op = &h->opts[i];
        if (op->kind != TCPOPT_MPTCP)
            continue;
        if (mptcp_opt_parse(tcp_opt_bytes(h, op), op->len, &mc, &ctx->mptcp[ctx->nmptcp]) == 0)
            ctx->nmptcp++;
    }
}
