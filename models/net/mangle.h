/* mangle.h - a middlebox's packet rewrites, the way iptables' mangle table and an NFQUEUE
 * program rewrite TCP segments on a router: strip TCP option kinds (TCPOPTSTRIP), set
 * MP_CAPABLE flag bits, append option bytes to a SYN, corrupt a payload byte. Each rule
 * applies with a probability, to one direction (the interface a packet comes in on or goes
 * out through) and inside a time window, and every rewrite keeps the IPv4 and TCP checksums
 * valid with the RFC 1624 incremental update, as a real middlebox does.
 *
 * Payload content: payload is virtual (zero bytes that are not stored). Corrupting the byte at
 * payload offset k makes the first k + 1 payload bytes real stored bytes (zeros, then the new
 * value) - packet.h's "real bytes when a model needs their content" - which needs k + 1 bytes
 * of tailroom; a small-class packet has about a dozen, so k is small (the rule counts
 * `no_room` when it does not fit). Receivers see those bytes (tcp_sock_rx_payload), the DSS
 * checksum covers them, pcaps show them.
 *
 * The rules are parsed once, when the node is created; applying one costs a TCP header
 * decode and a few byte edits, nothing is allocated. Node glue (the FORWARD hook, the random
 * stream, scalars): node_mangle.c. Not modelled: IPv6 extension headers before TCP (such
 * packets are left alone), TCP options other than by kind, UDP.
 */
#ifndef MCPSIM_MODELS_NET_MANGLE_H
#define MCPSIM_MODELS_NET_MANGLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/packet.h"
#include "sim/units.h"

enum mangle_action {
    MANGLE_STRIP,      /* "strip KIND": every option of that kind becomes NOPs */
    MANGLE_MPC_FLAGS,  /* "mpc-flags BITS": OR BITS into an MP_CAPABLE's flag byte */
    MANGLE_APPEND,     /* "append HEX": these option bytes after the options (at an EOL) */
    MANGLE_CORRUPT,    /* "corrupt [OFFSET]": payload byte OFFSET becomes `value` */
};

/* Which segments a rule looks at ("on=..."). */
enum mangle_on {
    MANGLE_ON_ALL,     /* every TCP segment */
    MANGLE_ON_SYN,     /* SYN without ACK */
    MANGLE_ON_SYNACK,  /* SYN with ACK */
    MANGLE_ON_NOSYN,   /* every segment without SYN (after the handshake's first two) */
    MANGLE_ON_DATA,    /* segments carrying payload */
    MANGLE_ON_MPC_SYN, /* SYN without ACK carrying MP_CAPABLE (what nfq-mangle rewrites) */
};

#define MANGLE_NAME_MAX 64
#define MANGLE_APPEND_MAX 40

struct mangle_rule {
    enum mangle_action action;
    enum mangle_on on;
    uint8_t kind;                     /* strip */
    uint8_t bits;                     /* mpc-flags */
    uint8_t value;                    /* corrupt: the new byte (default 0xff) */
    uint16_t offset;                  /* corrupt: payload offset */
    uint8_t bytes[MANGLE_APPEND_MAX]; /* append */
    uint8_t nbytes;
    double p;                         /* probability per matching segment (default 1) */
    char in[MANGLE_NAME_MAX];         /* link the packet comes in on ("" = any) */
    char out[MANGLE_NAME_MAX];        /* link it leaves through ("" = any) */
    sim_time_t from, until;           /* window [from, until); until 0 = no end */
    uint64_t skip;                    /* leave the first `skip` matching segments alone */
    uint64_t max;                     /* rewrite at most `max` segments (0 = no limit) */
    /* counters */
    uint64_t matched;                 /* segments that matched on, direction and window */
    uint64_t applied;                 /* segments rewritten */
    uint64_t no_room;                 /* a rewrite that did not fit (option space, tailroom) */
};

/* Parses one rule, "ACTION [ARG] [key=value]..." (docs/models-network.md, "Middlebox"):
 * strip KIND | mpc-flags BITS | append HEX | corrupt [OFFSET]; keys on=all|syn|synack|nosyn|
 * data|mpc-syn, p=PROB, in=LINK, out=LINK, from=TIME, until=TIME, skip=N, max=N, value=BYTE
 * (corrupt). Defaults: on=all for strip, mpc-syn for mpc-flags and append, data for
 * corrupt. Appended bytes are padded to whole words with NOPs (as nfq-mangle does).
 * 0, or -1 with what was expected in err. */
int mangle_rule_parse(const char *text, struct mangle_rule *r, char *err, size_t errlen);

/* Whether the rule's segment class matches the TCP segment at the packet's front (IPv4 or
 * IPv6 header first), and its addresses: 1 matches, 0 does not, -1 not a TCP segment the
 * rules can rewrite. */
int mangle_match(const struct mangle_rule *r, struct packet *p);

/* Rewrites the segment (front = IP header) as the rule says and fixes the checksums: 1
 * rewritten, 0 nothing to do (no such option, no MP_CAPABLE), -1 it did not fit (counted by
 * the caller as no_room). */
int mangle_apply(const struct mangle_rule *r, struct packet *p);

#endif
