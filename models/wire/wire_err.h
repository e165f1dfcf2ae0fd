/* wire_err.h - why a wire decode or encode failed: one negative code per reason.
 *
 * Every function in models/wire returns 0 (or a non-negative count) on success and one of
 * these negative codes on failure, so a proxy can count malformed packets by reason (the
 * Linux MIB-counter habit) and a tool can print wire_strerror(code). The codes are stable:
 * tests and the fuzz target compare them. They say what was wrong with the bytes, not where;
 * the caller adds the where (file, frame, node).
 */
#ifndef MCPSIM_WIRE_ERR_H
#define MCPSIM_WIRE_ERR_H

enum wire_err {
    WIRE_OK = 0,
    WIRE_E_TRUNCATED = -1,     /* fewer bytes than the header says it has */
    WIRE_E_VERSION = -2,       /* IP version nibble is not 4 (or 6) */
    WIRE_E_HDR_LEN = -3,       /* IPv4 IHL < 5 or TCP data offset < 5 */
    WIRE_E_TOTAL_LEN = -4,     /* IPv4 total length / IPv6 payload length inconsistent */
    WIRE_E_OPT_LEN = -5,       /* option length 0/1, or running past the option area */
    WIRE_E_OPT_SPACE = -6,     /* the option does not fit in the 40 bytes of option space */
    WIRE_E_OPT_PTR = -7,       /* IPv4 route pointer < 4, not a multiple of 4, past end */
    WIRE_E_NOT_FOUND = -8,     /* the requested option / extension header is absent */
    WIRE_E_EXT_CHAIN = -9,     /* IPv6 extension chain too long, or extension too big */
    WIRE_E_SRH = -10,          /* malformed Segment Routing Header (RFC 8754 section 2) */
    WIRE_E_ROUTE_DONE = -11,   /* source route already exhausted (no hop left) */
    WIRE_E_NOT_HOP = -12,      /* this node is not the current hop of the source route */
    WIRE_E_BUF = -13,          /* output buffer too small for the encoding */
    WIRE_E_PROTO = -14,        /* not the protocol this function handles */
    WIRE_E_ARG = -15,          /* invalid argument from the caller (not from the wire) */
    WIRE_E_FRAGMENT = -16,     /* a non-first fragment: no transport header to decode */
};

#define WIRE_ERR_COUNT 17 /* number of codes including WIRE_OK, for per-reason counters */

/* A short constant description ("option length 0/1 or past end"). */
const char *wire_strerror(int code);

#endif
