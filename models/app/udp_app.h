/* udp_app.h - the 12-byte application header the packet sources write and the sink reads.
 *
 * Like iperf's UDP datagram header, the first payload bytes are real: a 32-bit sequence
 * number and the 64-bit send time in picoseconds, both big-endian. The rest of the payload
 * is virtual. The sink computes one-way delay from the send time carried in the packet
 * itself, so the measurement does not depend on simulator-only metadata.
 */
#ifndef MCPSIM_MODELS_APP_UDP_APP_H
#define MCPSIM_MODELS_APP_UDP_APP_H

#define UDP_APP_HDR_BYTES 12

#endif
