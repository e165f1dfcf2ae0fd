/* decode_group.h - the pieces the `mcpsim decode` field files share (private to cmd/decode_*).
 *
 * The supported fields come in groups, one file per protocol layer: decode_ipv4.c,
 * decode_ipv6.c and decode_tcp.c each export a table of (name, formatter); decode_fields.c
 * holds the frame fields, chains the groups in output order behind the public interface
 * (decode_fields.h) and adds the MPTCP fields of models/wire/mptcp_fields.c. Nothing here is
 * for callers outside those files.
 */
#ifndef MCPSIM_CMD_DECODE_GROUP_H
#define MCPSIM_CMD_DECODE_GROUP_H

#include <stddef.h>

#include "cmd/decode_fields.h"

/* The occurrences of one field in one row: occ_put writes the ',' aggregator before every
 * occurrence but the first. */
struct occ {
    struct dbuf *b;
    int n;
};
void occ_put(struct occ *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Appends every occurrence of one field in the packet of c. */
typedef void (*decode_field_fn)(const struct decode_ctx *c, struct occ *o);

struct decode_field {
    const char *name;
    decode_field_fn fn;
};

/* A protocol's fields, in the order `mcpsim decode` lists them. */
struct decode_field_group {
    const struct decode_field *fields;
    size_t n;
};

extern const struct decode_field_group decode_ipv4_group; /* decode_ipv4.c */
extern const struct decode_field_group decode_ipv6_group; /* decode_ipv6.c */
extern const struct decode_field_group decode_tcp_group;  /* decode_tcp.c */

/* The TCP header of the packet, or NULL when it has none (decode_tcp.c, decode_ctx_init). */
static inline const struct tcp_hdr *decode_tcp(const struct decode_ctx *c)
{
    return c->pkt && c->pkt->has_tcp ? &c->pkt->tcp : NULL;
}

#endif
