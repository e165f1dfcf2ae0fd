/* convert.h - RFC 8803 0-RTT TCP Convert messages (the explicit-mode proxy signalling).
 *
 * Models the bytes a Client and a Transport Converter put at the start of the bytestream (in
 * the SYN payload and the first data the converter returns): the 32-bit fixed header (version
 * 1, total length in 32-bit words, magic 0x2263) and the TLVs Info, Connect (base and
 * extended), Extended TCP Header, Supported TCP Extensions, Cookie and Error. Decoding is
 * zero-copy: variable parts point into the caller's buffer. Not modelled: the converter's
 * policy (which errors to send, cookies, rate limits): that is models/mcp.
 */
#ifndef MCPSIM_WIRE_CONVERT_H
#define MCPSIM_WIRE_CONVERT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CONVERT_VERSION 1
#define CONVERT_MAGIC 0x2263        /* 8803; the published RFC's value (libconvert) */
#define CONVERT_HDR_LEN 4
#define CONVERT_MAX_LEN 1020        /* 255 words */
#define CONVERT_CONNECT_BASE_LEN 20

/* TLV types (IANA "Convert TLVs"). */
enum convert_tlv_type {
    CONVERT_TLV_INFO = 1,
    CONVERT_TLV_CONNECT = 10,
    CONVERT_TLV_EXT_TCP_HDR = 20,
    CONVERT_TLV_SUPPORTED_EXT = 21,
    CONVERT_TLV_COOKIE = 22,
    CONVERT_TLV_ERROR = 30,
};

/* Error TLV codes (IANA "Convert Errors"). */
enum convert_error_code {
    CONVERT_E_UNSUPPORTED_VERSION = 0,
    CONVERT_E_MALFORMED_MESSAGE = 1,
    CONVERT_E_UNSUPPORTED_MESSAGE = 2,
    CONVERT_E_MISSING_COOKIE = 3,
    CONVERT_E_NOT_AUTHORIZED = 32,
    CONVERT_E_UNSUPPORTED_TCP_OPTION = 33,
    CONVERT_E_RESOURCE_EXCEEDED = 64,
    CONVERT_E_NETWORK_FAILURE = 65,
    CONVERT_E_CONNECTION_RESET = 96,
    CONVERT_E_DESTINATION_UNREACHABLE = 97,
};
const char *convert_error_code_name(uint8_t code);

/* Decoder and encoder return codes. Each maps to the Error TLV a converter answers with:
 * VERSION → Unsupported Version, everything else → Malformed Message. */
enum convert_err {
    CONVERT_ERR_TRUNCATED = -1,     /* fewer bytes than the header's Total Length announces */
    CONVERT_ERR_VERSION = -2,       /* version is not 1 */
    CONVERT_ERR_MAGIC = -3,         /* magic is not 0x2263: not a Convert message */
    CONVERT_ERR_LENGTH = -4,        /* Total Length 0, TLV length 0 or past the message,
                                       TLV shorter than its fixed part */
    CONVERT_ERR_DUPLICATE = -5,     /* a TLV type twice (RFC 8803 §6.2: at most once) */
    CONVERT_ERR_RESERVED = -6,      /* TLV type 0 */
    CONVERT_ERR_OPTIONS = -7,       /* Connect TCP options: NOP/EOL inside, bad option length */
    CONVERT_ERR_NOSPACE = -8,       /* encode: buffer too small or message > 1020 bytes */
    CONVERT_ERR_INVALID = -9,       /* encode: fields inconsistent */
};
const char *convert_strerror(int err);

/* Presence bits of struct convert_msg. */
#define CONVERT_HAS_INFO (1u << 0)
#define CONVERT_HAS_CONNECT (1u << 1)
#define CONVERT_HAS_EXT_TCP_HDR (1u << 2)
#define CONVERT_HAS_SUPPORTED_EXT (1u << 3)
#define CONVERT_HAS_COOKIE (1u << 4)
#define CONVERT_HAS_ERROR (1u << 5)

/* A decoded (or to-be-encoded) Convert message. Pointers refer to the decoded buffer (or to the
 * caller's data when encoding); lengths of padded fields include the zero padding on decode,
 * except the list of kinds (kind 0 never appears, so trailing zeros are padding). */
struct convert_msg {
    uint32_t present;               /* CONVERT_HAS_* */
    struct {
        uint16_t port;
        uint8_t addr[16];           /* IPv6, or IPv4-mapped (::ffff:a.b.c.d) */
        const uint8_t *opts;        /* extended Connect: TCP options (kind, len, value) */
        size_t opts_len;
    } connect;
    struct { const uint8_t *opts; size_t len; } ext_tcp_hdr;  /* server's SYN/ACK options */
    struct { const uint8_t *kinds; size_t n; } supported;     /* TCP option kinds */
    struct { const uint8_t *data; size_t len; } cookie;
    struct { uint8_t code; const uint8_t *value; size_t len; } error;
    uint8_t n_unknown;              /* unknown TLV types skipped (decode only) */
    uint8_t first_unknown;          /* the first of them, for an Unsupported Message reply */
};

/* Decodes the Convert messages at the start of buf (len bytes available). *consumed = Total
 * Length * 4; the bytes after it are application data. Unknown TLV types are skipped by their
 * length and counted (RFC 8803 §6.2: the peer answers Unsupported Message or resets). */
int convert_decode(const uint8_t *buf, size_t len, struct convert_msg *out, size_t *consumed);

/* Encodes m: header then TLVs in type order, each zero-padded to 32 bits. */
int convert_encode(const struct convert_msg *m, uint8_t *buf, size_t cap, size_t *written);

/* Bytes convert_encode() will write, or CONVERT_ERR_NOSPACE past 1020 bytes. */
int convert_encoded_len(const struct convert_msg *m);

/* ::ffff:a.b.c.d from an IPv4 address (RFC 4291 §2.5.5.2), and the test for it. */
void convert_addr_from_v4(const uint8_t v4[4], uint8_t out[16]);
bool convert_addr_is_v4mapped(const uint8_t addr[16]);

/* RFC 8803 §6.2.3: a Connect address must not be multicast, broadcast or loopback (RFC 6890);
 * unspecified is refused too. false → the converter answers Malformed Message. */
bool convert_connect_addr_ok(const uint8_t addr[16]);

#endif
