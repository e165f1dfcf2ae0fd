/* wire_testutil.h - helpers shared by the wire, pcap, decode and replay suites: frames of the
 * real captures in ../shared/testdata/pcaps, read with sim/pcap.h. */
#ifndef MCPSIM_TESTS_WIRE_TESTUTIL_H
#define MCPSIM_TESTS_WIRE_TESTUTIL_H

#include <stddef.h>
#include <stdint.h>

/* Names of every capture (NULL-terminated), relative to ../shared/testdata/pcaps. */
extern const char *const wt_captures[];

/* Path of a capture under ../shared/testdata/pcaps. */
const char *wt_capture_path(const char *name);

/* Copy of the IP datagram (captured bytes) of frame `number` of capture `name`; *len gets its
 * length. NULL if the frame does not exist. The caller frees. */
uint8_t *wt_frame_ip(const char *name, uint64_t number, size_t *len);

/* Parses "0a 01 ff" style hex into out; returns the byte count. */
size_t wt_hex(const char *hex, uint8_t *out, size_t cap);

#endif
