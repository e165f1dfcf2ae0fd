/* decode_fields.h - Wireshark display fields of one decoded packet, formatted as tshark 4.0
 * prints them with `-T fields -E occurrence=a -E aggregator=,` (for `mcpsim decode`).
 *
 * A field that occurs several times in a packet (one per option, one per address) prints every
 * value in packet order joined by ','; a field that does not occur prints nothing. The rules
 * per field (decimal, 0x-hex with tshark's width, addresses, the LSRR destination rule) are
 * in docs/wire.md. Not modelled: tshark's analysis fields (tcp.stream, mptcp.*), and fields of
 * a packet quoted inside an ICMP error (tshark shows them as a second occurrence).
 */
#ifndef MCPSIM_CMD_DECODE_FIELDS_H
#define MCPSIM_CMD_DECODE_FIELDS_H

#include <stddef.h>
#include <stdio.h>

#include "models/wire/mptcp.h"
#include "models/wire/packet.h"
#include "sim/pcap.h"

#define DECODE_MAX_MPTCP (TCP_MAX_OPT_LEN / 4)

/* Everything a field reads: the frame, its decoded packet and its parsed MPTCP options. */
struct decode_ctx {
    const struct pcapio_frame *frame;
    const struct wire_pkt *pkt;   /* NULL when the frame holds no decodable IP header */
    size_t nmptcp;
    struct mptcp_opt mptcp[DECODE_MAX_MPTCP];
};

/* A growing text buffer for one output row. */
struct dbuf {
    char *p;
    size_t len, cap;
};
void dbuf_putc(struct dbuf *b, char c);
void dbuf_free(struct dbuf *b);

/* Parses the packet's kind-30 options into ctx (those that do not parse are skipped, as a
 * receiver ignores them). */
void decode_ctx_init(struct decode_ctx *ctx, const struct pcapio_frame *f,
                     const struct wire_pkt *pkt);

/* Index of a field name, or -1 when unsupported. */
int decode_field_find(const char *name);

/* Appends the field's value(s) to b. */
void decode_field_format(int field, const struct decode_ctx *ctx, struct dbuf *b);

/* The supported names, space separated, for error messages and --help. */
void decode_fields_print(FILE *f);

#endif
