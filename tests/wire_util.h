/* wire_util.h - helpers of the MPTCP suites: an option parsed from hex, and the TCP options
 * of every IPv4/IPv6 TCP packet of a capture (wire_testutil.h has single frames and hex).
 *
 * The capture walker is deliberately small (Ethernet, IPv4 with options, IPv6 without
 * extension headers) so the MPTCP suites can sweep real captures without depending on the full
 * IP/TCP decoder of models/wire.
 */
#ifndef MCPSIM_TESTS_WIRE_UTIL_H
#define MCPSIM_TESTS_WIRE_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "models/wire/mptcp.h"

/* mptcp_opt_parse() of a hex option in the given packet context; the CUnit assertion fails
 * (and *o is zeroed) when it does not parse. */
struct mptcp_opt wire_parse_hex(const char *hex, uint8_t tcp_flags, uint8_t version,
                                bool payload);

/* Called once per TCP packet, in capture order; frame is 1-based like tshark's frame.number.
 * opts/optlen: the TCP option bytes; tcp_flags: the 14th TCP header byte; payload: TCP payload
 * length from the IP header (the capture may be shorter). */
typedef void (*capture_walk_fn)(void *arg, unsigned frame, uint8_t tcp_flags, size_t payload,
                                const uint8_t *opts, size_t optlen);

/* Walks the capture at path (e.g. harness_shared("testdata/pcaps/a-...pcap")); returns the
 * number of TCP packets seen, or -1 if it cannot be read. */
long capture_walk(const char *path, capture_walk_fn fn, void *arg);

#endif
