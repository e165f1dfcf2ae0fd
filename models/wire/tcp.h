/* tcp.h - the TCP header (RFC 9293 section 3.1) and its options, decoded and encoded.
 *
 * A decoded header keeps every field as it was on the wire, including the reserved bits and
 * the raw option bytes, so tcp_encode(tcp_decode(x)) reproduces x byte for byte (replay
 * identity): padding, bytes after EOL and unknown option kinds are kept as they were.
 * Options are exposed two ways:
 *   - a list of (kind, length, offset) entries over the raw option bytes, so a codec that
 *     lives elsewhere (MPTCP, kind 30: models/wire/mptcp.h) parses its own options from
 *     tcp_opt_bytes();
 *   - typed accessors and appenders for the common kinds (tcp_opt.c).
 * Adding an option that does not fit in the 40 bytes of option space fails with
 * WIRE_E_OPT_SPACE and leaves the header unchanged; tcp_opt_space_used/free report the budget
 * (protocol.md section 1.1 and 1.8).
 * Not modelled here: sequence-number semantics, the checksum (checksum.h computes it over the
 * encoded bytes), TCP-MD5/AO digests (carried opaquely, never verified).
 */
#ifndef MCPSIM_WIRE_TCP_H
#define MCPSIM_WIRE_TCP_H

#include <stddef.h>
#include <stdint.h>

/* Option kinds (IANA "TCP Option Kind Numbers"). */
#define TCPOPT_EOL 0
#define TCPOPT_NOP 1
#define TCPOPT_MSS 2          /* RFC 9293: length 4 */
#define TCPOPT_WSCALE 3       /* RFC 7323: length 3 */
#define TCPOPT_SACK_PERM 4    /* RFC 2018: length 2 */
#define TCPOPT_SACK 5         /* RFC 2018: length 2 + 8n */
#define TCPOPT_TIMESTAMP 8    /* RFC 7323: length 10 */
#define TCPOPT_MD5 19         /* RFC 2385: length 18 */
#define TCPOPT_AO 29          /* RFC 5925: length 4 + MAC */
#define TCPOPT_MPTCP 30       /* RFC 8684 */
#define TCPOPT_FASTOPEN 34    /* RFC 7413: length 2 + cookie (0 or 4..16) */
#define TCPOPT_EXP 254        /* RFC 6994 experimental; TFO before kind 34 used ExID 0xF989 */
#define TCPOPT_EXP_TFO 0xF989

#define TCPOLEN_MSS 4
#define TCPOLEN_WSCALE 3
#define TCPOLEN_SACK_PERM 2
#define TCPOLEN_TIMESTAMP 10
#define TCPOLEN_MD5 18
#define TCPOLEN_SACK_BLOCK 8
#define TCPOLEN_AO_MIN 4
#define TCP_TFO_COOKIE_MIN 4
#define TCP_TFO_COOKIE_MAX 16
#define TCP_SACK_MAX_BLOCKS 4 /* (40 - 2) / 8 */

#define TCP_HDR_MIN_LEN 20
#define TCP_MAX_OPT_LEN 40    /* data offset is 4 bits: header <= 60 bytes */
#define TCP_WSCALE_MAX 14     /* RFC 7323 section 2.3 */

/* Flag bits of tcp_hdr.flags (the 12 bits after the data offset, RFC 9293 + RFC 3168). */
#define TCP_FLAG_FIN 0x001
#define TCP_FLAG_SYN 0x002
#define TCP_FLAG_RST 0x004
#define TCP_FLAG_PSH 0x008
#define TCP_FLAG_ACK 0x010
#define TCP_FLAG_URG 0x020
#define TCP_FLAG_ECE 0x040
#define TCP_FLAG_CWR 0x080
#define TCP_FLAG_AE 0x100     /* formerly NS (RFC 3540), now AccECN */

/* One option of the decoded list. EOL and NOP have len 1. */
struct tcp_opt {
    uint8_t kind;
    uint8_t len;  /* total length, kind and length bytes included */
    uint8_t off;  /* offset of the kind byte in tcp_hdr.opt */
};

struct tcp_hdr {
    uint16_t sport, dport;
    uint32_t seq, ack;
    uint16_t flags;     /* low 12 bits of bytes 12-13: reserved bits, AE, CWR ... FIN */
    uint16_t window;
    uint16_t csum;      /* as on the wire; tcp_csum_* compute the right value */
    uint16_t urg;
    uint8_t optlen;     /* option bytes = 4 * data offset - 20 (after encode: padded) */
    uint8_t nopts;      /* entries in opts (EOL, if present, is the last) */
    uint8_t opt[TCP_MAX_OPT_LEN];
    struct tcp_opt opts[TCP_MAX_OPT_LEN];
};

/* Decodes the header at p (len bytes available). On WIRE_E_OPT_LEN the fixed header and the
 * raw option bytes are valid (encoding reproduces them) and opts lists the well-formed options
 * before the bad one, as Linux stops at a bad option and keeps the segment. Other errors:
 * WIRE_E_TRUNCATED, WIRE_E_HDR_LEN. */
int tcp_decode(const uint8_t *p, size_t len, struct tcp_hdr *h);

/* Header length in bytes (20 + optlen rounded up to a multiple of 4). */
size_t tcp_hdr_len(const struct tcp_hdr *h);

/* Writes the header (tcp_hdr_len bytes); WIRE_E_BUF if cap is too small. Option bytes past
 * optlen up to the 4-byte boundary are written as zero (EOL), the usual padding. */
int tcp_encode(const struct tcp_hdr *h, uint8_t *p, size_t cap, size_t *len);

/* --- the option list (tcp_opt.c) ---------------------------------------------------------- */

/* Bytes of the option entry o (kind byte first), valid while h is. */
static inline const uint8_t *tcp_opt_bytes(const struct tcp_hdr *h, const struct tcp_opt *o)
{
    return h->opt + o->off;
}

/* Re-parses h->opt[0..optlen) into h->opts; the same rules and result as in tcp_decode. */
int tcp_opts_parse(struct tcp_hdr *h);

/* First option of this kind, or NULL. */
const struct tcp_opt *tcp_opt_find(const struct tcp_hdr *h, uint8_t kind);

/* Option budget: bytes written so far and bytes still free out of TCP_MAX_OPT_LEN. */
static inline size_t tcp_opt_space_used(const struct tcp_hdr *h) { return h->optlen; }
static inline size_t tcp_opt_space_free(const struct tcp_hdr *h)
{
    return TCP_MAX_OPT_LEN - h->optlen;
}

/* Typed readers: 0, WIRE_E_NOT_FOUND, or WIRE_E_OPT_LEN when the option has the wrong length
 * for its kind (e.g. an MSS of length 3). */
int tcp_opt_get_mss(const struct tcp_hdr *h, uint16_t *mss);
int tcp_opt_get_wscale(const struct tcp_hdr *h, uint8_t *shift);
int tcp_opt_get_sack_perm(const struct tcp_hdr *h);
struct tcp_sack_block { uint32_t left, right; };
int tcp_opt_get_sack(const struct tcp_hdr *h, struct tcp_sack_block *blocks, size_t *nblocks);
int tcp_opt_get_timestamp(const struct tcp_hdr *h, uint32_t *tsval, uint32_t *tsecr);
/* TFO cookie from kind 34 or the experimental kind 254/0xF989; *len 0 is a cookie request. */
int tcp_opt_get_tfo(const struct tcp_hdr *h, const uint8_t **cookie, size_t *len);
/* Opaque options (MD5, AO, or any kind): the bytes after kind and length. */
int tcp_opt_get_raw(const struct tcp_hdr *h, uint8_t kind, const uint8_t **data, size_t *len);

/* Appenders: each writes one option at the end of the option bytes, or fails with
 * WIRE_E_OPT_SPACE (header unchanged) when optlen + option length > 40. They append
 * exactly the option's bytes: alignment NOPs are the caller's choice (tcp_opt_append_nop),
 * and tcp_opts_pad() pads to the 4-byte boundary with EOL bytes at the end. */
int tcp_opt_append_raw(struct tcp_hdr *h, const uint8_t *opt, size_t len);
int tcp_opt_append(struct tcp_hdr *h, uint8_t kind, const uint8_t *data, size_t data_len);
int tcp_opt_append_nop(struct tcp_hdr *h);
int tcp_opt_append_mss(struct tcp_hdr *h, uint16_t mss);
int tcp_opt_append_wscale(struct tcp_hdr *h, uint8_t shift);
int tcp_opt_append_sack_perm(struct tcp_hdr *h);
int tcp_opt_append_sack(struct tcp_hdr *h, const struct tcp_sack_block *blocks, size_t n);
int tcp_opt_append_timestamp(struct tcp_hdr *h, uint32_t tsval, uint32_t tsecr);
int tcp_opt_append_tfo(struct tcp_hdr *h, const uint8_t *cookie, size_t len);
int tcp_opt_append_md5(struct tcp_hdr *h, const uint8_t digest[16]);
int tcp_opt_append_ao(struct tcp_hdr *h, uint8_t keyid, uint8_t rnextkeyid, const uint8_t *mac,
                      size_t maclen);
/* Pads optlen to a multiple of 4 with EOL (zero) bytes and lists the EOL; the last step of
 * building (appending after it fails with WIRE_E_ARG). Never fails: 40 is a multiple of 4. */
void tcp_opts_pad(struct tcp_hdr *h);

/* Removes every option of this kind. NOP-fill keeps the header length and every other
 * option's offset (what a middlebox such as iptables TCPOPTSTRIP does); compact closes the
 * gap and re-pads. Returns the number of options removed. */
int tcp_opt_strip_nop(struct tcp_hdr *h, uint8_t kind);
int tcp_opt_remove(struct tcp_hdr *h, uint8_t kind);

/* Empties the option area (optlen 0): the start of building a segment's options. */
void tcp_opts_clear(struct tcp_hdr *h);

#endif
