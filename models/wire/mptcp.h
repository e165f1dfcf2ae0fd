/* mptcp.h - the MPTCP TCP option (kind 30), versions 0 (RFC 6824) and 1 (RFC 8684).
 *
 * Models every subtype and every legal length as bytes on the wire: parse into a plain struct,
 * write back the canonical bytes (parse then write reproduces a captured option byte for byte,
 * reserved bits included), the DSS checksum, and tshark-style field values for `mcpsim decode`.
 * It does not model connection state: which version was negotiated, whether checksums are in
 * use, which keys belong to whom are the caller's business, passed in `struct mptcp_ctx`.
 *
 * Hostile input is the normal case: the parser checks every length before reading and, as Linux
 * `mptcp_parse_option()` does, rejects an option whose length does not match its subtype in this
 * packet context; the caller ignores it and counts the error. Unknown subtypes (9..14) and
 * MP_EXPERIMENTAL (15) are not errors: their bytes are kept opaque, as Linux ignores them.
 */
#ifndef MCPSIM_WIRE_MPTCP_H
#define MCPSIM_WIRE_MPTCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MPTCP_OPT_KIND 30
#define MPTCP_OPT_MAXLEN 40     /* the whole TCP option space (RFC 793 §3.1) */

enum mptcp_subtype {
    MPTCP_SUB_CAPABLE = 0x0,
    MPTCP_SUB_JOIN = 0x1,
    MPTCP_SUB_DSS = 0x2,
    MPTCP_SUB_ADD_ADDR = 0x3,
    MPTCP_SUB_REMOVE_ADDR = 0x4,
    MPTCP_SUB_PRIO = 0x5,
    MPTCP_SUB_FAIL = 0x6,
    MPTCP_SUB_FASTCLOSE = 0x7,
    MPTCP_SUB_TCPRST = 0x8,
    MPTCP_SUB_EXPERIMENTAL = 0xf,
};

/* Return codes of the parser and writer (0 = success). */
enum mptcp_err {
    MPTCP_ERR_TRUNCATED = -1,   /* fewer bytes available than the option or its header needs */
    MPTCP_ERR_NOT_MPTCP = -2,   /* kind is not 30 */
    MPTCP_ERR_BAD_LENGTH = -3,  /* length not valid for this subtype, version and packet */
    MPTCP_ERR_BAD_VERSION = -4, /* MP_CAPABLE version unknown for this length */
    MPTCP_ERR_BAD_FLAGS = -5,   /* flags a receiver must refuse (see mptcp_mpc_flags_check) */
    MPTCP_ERR_CONTEXT = -6,     /* subtype not allowed on this segment (MP_TCPRST without RST) */
    MPTCP_ERR_NOSPACE = -7,     /* write: buffer smaller than the option */
    MPTCP_ERR_INVALID = -8,     /* write: struct fields inconsistent (e.g. v0 with data length) */
};
const char *mptcp_strerror(int err);

/* TCP header flag bits as in the 14th header byte; the packet context uses them. */
#define MPTCP_TCP_FIN 0x01
#define MPTCP_TCP_SYN 0x02
#define MPTCP_TCP_RST 0x04
#define MPTCP_TCP_ACK 0x10

/* What the parser needs to know about the segment carrying the option (explicit, no guessing):
 * MP_CAPABLE and MP_JOIN lengths depend on SYN/ACK, MP_CAPABLE 20 vs 22/24 on payload, ADD_ADDR
 * and MP_PRIO layouts on the negotiated version, MP_TCPRST is only valid on an RST. */
struct mptcp_ctx {
    uint8_t tcp_flags;   /* MPTCP_TCP_* bits of the segment */
    uint8_t version;     /* negotiated version of the connection: 0 or 1 (use 1 when unknown) */
    bool has_payload;    /* the segment carries data */
};

/* MP_CAPABLE flag bits (RFC 8684 §3.1; A = most significant bit). */
#define MPTCP_CAP_A_CSUM 0x80   /* checksum required */
#define MPTCP_CAP_B_EXT 0x40    /* extensibility, MUST be 0 */
#define MPTCP_CAP_C_NOJOIN 0x20 /* v1: no new subflows to the source address (v0: crypto) */
#define MPTCP_CAP_H_HMAC 0x01   /* HMAC-SHA1 (v0) / HMAC-SHA256 (v1) */

/* DSS flag bits (low bits of the 4th option byte, RFC 8684 §3.3). */
#define MPTCP_DSS_A 0x01        /* Data ACK present */
#define MPTCP_DSS_A8 0x02       /* Data ACK is 8 octets */
#define MPTCP_DSS_M 0x04        /* mapping present */
#define MPTCP_DSS_M8 0x08       /* DSN is 8 octets */
#define MPTCP_DSS_F 0x10        /* DATA_FIN */

/* MP_TCPRST flag bits (RFC 8684 §3.6), in the low nibble of the 3rd byte. */
#define MPTCP_RST_T 0x1         /* transient error */

enum mptcp_join_form { MPTCP_JOIN_SYN, MPTCP_JOIN_SYNACK, MPTCP_JOIN_ACK };

#define MPTCP_RM_ADDR_MAX 37    /* 40-byte option space minus kind, length, subtype byte */
#define MPTCP_OPAQUE_MAX 38     /* bytes after kind and length */

struct mptcp_opt {
    uint8_t subtype;            /* enum mptcp_subtype, or the raw value of an unknown one */
    uint8_t len;                /* length on the wire (kind and length bytes included) */
    /* Bits of the 12 after the subtype that are reserved for this subtype/form, kept in their
     * wire position (bit 11 = the high bit of the subtype byte's low nibble) so a rewritten
     * option is byte-identical. Zero when building an option. */
    uint16_t rsv;
    union {
        struct mptcp_mpc {      /* MP_CAPABLE: 4/12/20/22/24 (v1), 12/12/20 (v0) */
            uint8_t version;
            uint8_t flags;      /* MPTCP_CAP_* (A..H) */
            uint8_t nkeys;      /* 0 (v1 SYN), 1 (SYN/ACK, v0 SYN), 2 (third ACK / data) */
            bool has_data_len;  /* v1 22/24: Data-Level Length present */
            bool has_csum;      /* v1 24 */
            uint64_t snd_key;   /* option sender's key (nkeys >= 1) */
            uint64_t rcv_key;   /* option receiver's key (nkeys == 2) */
            uint16_t data_len;
            uint16_t csum;
        } mpc;
        struct mptcp_join {     /* MP_JOIN: 12 (SYN) / 16 (SYN/ACK) / 24 (ACK) */
            uint8_t form;       /* enum mptcp_join_form */
            bool backup;        /* B (SYN, SYN/ACK) */
            uint8_t addr_id;    /* SYN, SYN/ACK */
            uint32_t token;     /* SYN: receiver's token */
            uint32_t nonce;     /* SYN, SYN/ACK: sender's random number */
            uint64_t thmac;     /* SYN/ACK: sender's truncated HMAC (leftmost 64 bits) */
            uint8_t hmac[20];   /* ACK: sender's HMAC (leftmost 160 bits) */
        } join;
        struct mptcp_dss {      /* DSS: 4..28 */
            uint8_t flags;      /* MPTCP_DSS_* */
            bool has_csum;      /* checksum field present (mapping present and negotiated) */
            uint64_t data_ack;  /* A: 32 or 64 bits per A8 */
            uint64_t dsn;       /* M: 32 or 64 bits per M8 */
            uint32_t ssn;       /* M: relative subflow sequence number */
            uint16_t data_len;  /* M: 0 = infinite mapping */
            uint16_t csum;
        } dss;
        struct mptcp_add_addr { /* ADD_ADDR */
            uint8_t version;    /* layout: 0 (RFC 6824 IPVer nibble) or 1 (RFC 8684 E flag) */
            uint8_t family;     /* 4 or 6 */
            bool echo;          /* v1 E */
            bool has_port;
            bool has_hmac;      /* v1 without E */
            uint8_t addr_id;
            uint8_t addr[16];   /* 4 or 16 bytes used, network order */
            uint16_t port;
            uint64_t hmac;      /* rightmost 64 bits of the HMAC */
        } add_addr;
        struct {                /* REMOVE_ADDR: 3 + n */
            uint8_t n;
            uint8_t ids[MPTCP_RM_ADDR_MAX];
        } rm_addr;
        struct {                /* MP_PRIO: 3, or 4 in v0 with an address id */
            bool backup;
            bool has_addr_id;
            uint8_t addr_id;
        } prio;
        struct { uint64_t dsn; } fail;          /* MP_FAIL: 12 */
        struct { uint64_t rcv_key; } fastclose; /* MP_FASTCLOSE: 12 */
        struct {                /* MP_TCPRST: 4 */
            uint8_t flags;      /* U V W T nibble */
            uint8_t reason;
        } tcprst;
        struct {                /* MP_EXPERIMENTAL and unknown subtypes */
            uint8_t n;          /* bytes after kind and length, subtype byte included */
            uint8_t data[MPTCP_OPAQUE_MAX];
        } opaque;
    } u;
};

/* Parses the option starting at opt[0] (the kind byte) with `avail` bytes readable. On success
 * fills *out and returns 0; the option occupies out->len = opt[1] bytes. On error *out is
 * unspecified and nothing past opt[avail-1] was read. */
int mptcp_opt_parse(const uint8_t *opt, size_t avail, const struct mptcp_ctx *ctx,
                    struct mptcp_opt *out);

/* Length the option will have on the wire, derived from its fields (not from o->len), or a
 * negative MPTCP_ERR_INVALID when the fields are inconsistent. */
int mptcp_opt_wire_len(const struct mptcp_opt *o);

/* Writes the canonical bytes of *o (length derived from the fields, rsv bits OR'ed in) into
 * buf; *written = bytes written. No NOP padding: the TCP option writer aligns. */
int mptcp_opt_write(const struct mptcp_opt *o, uint8_t *buf, size_t cap, size_t *written);

/* Would a receiver of this MP_CAPABLE version accept these flags? v1 (upstream Linux
 * `mptcp_cap_flag_sha256`): exactly H among D..H and B clear, else the option is ignored and
 * the connection is plain TCP. v0 (out-of-tree Linux): H set, other C..G ignored.
 * Returns 0 or MPTCP_ERR_BAD_FLAGS. */
int mptcp_mpc_flags_check(uint8_t version, uint8_t flags);

/* RFC 8684 §3.3.1 DSS checksum: one's-complement sum over the pseudo-header {DSN (64 bits),
 * relative subflow sequence number (32), data-level length (16), zero (16)} and the payload.
 * Returns the value to put in the checksum field; a received mapping is valid when the same
 * function over the received fields and payload with csum included via mptcp_dss_csum_verify
 * gives 0. */
uint16_t mptcp_dss_csum(uint64_t dsn, uint32_t ssn, uint16_t data_len,
                        const uint8_t *payload, size_t payload_len);
/* True when `csum` is the right checksum for this mapping and payload. */
bool mptcp_dss_csum_verify(uint64_t dsn, uint32_t ssn, uint16_t data_len, uint16_t csum,
                           const uint8_t *payload, size_t payload_len);

/* tshark field formatting (`tshark -T fields` of Wireshark 4.0) for `mcpsim decode`.
 * Appends nothing; writes the value of the Wireshark field `field` (e.g.
 * "tcp.options.mptcp.sendkey") for this one option into buf (NUL-terminated).
 * Returns 0 if the option has that field, 1 if it has not (buf = ""), -1 if the field name is
 * not a supported one, -2 if buf is too small. Several MPTCP options in one packet: call once
 * per option and join the values with the aggregator, in option order, as tshark does. */
int mptcp_field_format(const char *field, const struct mptcp_opt *o, char *buf, size_t len);

/* NULL-terminated list of the field names mptcp_field_format() knows. */
extern const char *const mptcp_field_names[];

#endif
