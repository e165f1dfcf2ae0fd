/* decode_fields.c - the field table of `mcpsim decode` and its row buffer (decode_fields.h).
 *
 * Field indexes run over the frame fields (here), then the groups of decode_ipv4.c,
 * decode_ipv6.c and decode_tcp.c in that order, then the MPTCP fields, which are delegated
 * to mptcp_field_format() (models/wire/mptcp_fields.c), one call per kind-30 option parsed
 * by decode_ctx_init. The order is the one `mcpsim decode` lists the names in. Each formatter
 * appends its occurrences through occ_put(), which writes the ',' aggregator between them.
 */
#include "cmd/decode_fields.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/decode_group.h"

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

void occ_put(struct occ *o, const char *fmt, ...)
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

/* --- frame ------------------------------------------------------------------------------- */

static void f_frame_number(const struct decode_ctx *c, struct occ *o)
{
    occ_put(o, "%" PRIu64, c->frame->number);
}
static void f_frame_len(const struct decode_ctx *c, struct occ *o)
{
    occ_put(o, "%u", c->frame->wirelen);
}
static void f_frame_cap_len(const struct decode_ctx *c, struct occ *o)
{
    occ_put(o, "%u", c->frame->caplen);
}

static const struct decode_field frame_fields[] = {
    { "frame.number", f_frame_number },
    { "frame.len", f_frame_len },
    { "frame.cap_len", f_frame_cap_len },
};
static const struct decode_field_group frame_group = {
    frame_fields, sizeof frame_fields / sizeof frame_fields[0]
};

/* --- table ------------------------------------------------------------------------------- */

static const struct decode_field_group *const groups[] = {
    &frame_group, &decode_ipv4_group, &decode_ipv6_group, &decode_tcp_group,
};
#define NGROUPS (sizeof groups / sizeof groups[0])

/* The table field at index i, or NULL when i is past the table (an MPTCP field). */
static const struct decode_field *table_field(size_t i)
{
    for (size_t g = 0; g < NGROUPS; i -= groups[g]->n, g++)
        if (i < groups[g]->n)
            return &groups[g]->fields[i];
    return NULL;
}

static size_t n_table_fields(void)
{
    size_t n = 0;
    for (size_t g = 0; g < NGROUPS; g++)
        n += groups[g]->n;
    return n;
}

static size_t n_mptcp_fields(void)
{
    size_t n = 0;
    while (mptcp_field_names[n])
        n++;
    return n;
}

size_t decode_field_count(void) { return n_table_fields() + n_mptcp_fields(); }

int decode_field_find(const char *name)
{
    size_t n = 0;
    for (size_t g = 0; g < NGROUPS; n += groups[g]->n, g++)
        for (size_t i = 0; i < groups[g]->n; i++)
            if (strcmp(name, groups[g]->fields[i].name) == 0)
                return (int)(n + i);
    for (size_t i = 0; mptcp_field_names[i]; i++)
        if (strcmp(name, mptcp_field_names[i]) == 0)
            return (int)(n + i);
    return -1;
}

void decode_field_format(int field, const struct decode_ctx *ctx, struct dbuf *b)
{
    struct occ o = { b, 0 };
    const struct decode_field *tf = table_field((size_t)field);
    if (tf) {
        tf->fn(ctx, &o);
        return;
    }
    const char *name = mptcp_field_names[(size_t)field - n_table_fields()];
    for (size_t i = 0; i < ctx->nmptcp; i++) {
        char s[128];
        if (mptcp_field_format(name, &ctx->mptcp[i], s, sizeof s) == 0)
            occ_put(&o, "%s", s);
    }
}

void decode_fields_print(FILE *f)
{
    const char *sep = "";
    for (size_t g = 0; g < NGROUPS; g++)
        for (size_t i = 0; i < groups[g]->n; i++, sep = " ")
            fprintf(f, "%s%s", sep, groups[g]->fields[i].name);
    for (size_t i = 0; i < n_mptcp_fields(); i++)
        fprintf(f, " %s", mptcp_field_names[i]);
}

void decode_ctx_init(struct decode_ctx *ctx, const struct pcapio_frame *f,
                     const struct wire_pkt *pkt)
{
    ctx->frame = f;
    ctx->pkt = pkt && pkt->family ? pkt : NULL;
    ctx->nmptcp = 0;
    const struct tcp_hdr *h = decode_tcp(ctx);
    if (!h)
        return;
    struct mptcp_ctx mc = { .tcp_flags = (uint8_t)h->flags, .version = MPTCP_VERSION_ANY,
                            .has_payload = pkt->payload_len > 0 };
    for (size_t i = 0; i < h->nopts && ctx->nmptcp < DECODE_MAX_MPTCP; i++) {
        const struct tcp_opt *op = &h->opts[i];
        if (op->kind != TCPOPT_MPTCP)
            continue;
        if (mptcp_opt_parse(tcp_opt_bytes(h, op), op->len, &mc, &ctx->mptcp[ctx->nmptcp]) == 0)
            ctx->nmptcp++;
    }
}
