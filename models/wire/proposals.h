/* proposals.h - wire formats of the proxy-signalling proposals under study.
 *
 * None of these is standardized (protocol.md §2.2-§2.5, all [U]): every unknown is a field of
 * `struct proposal_params`, whose defaults are the ones protocol.md gives, so a scenario can
 * change a subtype, a flag bit or a layout without a code change. Covered:
 *   - the MP_CAPABLE "proxy flag" (one spare bit: v0 C..G, v1 D..G), set/test/clear;
 *   - MPTCP-option signals: MP_PREFER_PROXY, "intercepted by an MCP", HI_I_AM_A_PROXY,
 *     PROXY_PLEASE_INSERT_YOURSELF, and the original destination carried in a TCP option (H3);
 *   - the MP_CONVERT information element carried in the SYN payload.
 * RFC 8803 Convert messages are in convert.h. Not modelled: who sends what when (models/mcp).
 */
#ifndef MCPSIM_WIRE_PROPOSALS_H
#define MCPSIM_WIRE_PROPOSALS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "models/wire/mptcp.h"

enum proposal_kind {
    PROPOSAL_PREFER_PROXY,      /* MP_PREFER_PROXY on the SYN (§2.3) */
    PROPOSAL_INTERCEPTED,       /* "this connection was intercepted by an MCP" */
    PROPOSAL_HI_PROXY,          /* HI_I_AM_A_PROXY on the SYN/ACK (§2.4) */
    PROPOSAL_PLEASE_INSERT,     /* PROXY_PLEASE_INSERT_YOURSELF on the retried SYN (§2.4) */
    PROPOSAL_DEST_OPTION,       /* original destination (port, address) in a TCP option (H3) */
    PROPOSAL_KIND_COUNT
};
const char *proposal_kind_name(int kind);

enum proposal_err {
    PROPOSAL_NOT_FOUND = 1,     /* well-formed, but not the proposal asked about */
    PROPOSAL_ERR_TRUNCATED = -1,
    PROPOSAL_ERR_BAD_LENGTH = -2,
    PROPOSAL_ERR_NOSPACE = -3,
    PROPOSAL_ERR_INVALID = -4,  /* fields or parameters inconsistent */
};

/* The assumptions, one per unknown. proposal_params_default() fills protocol.md's defaults. */
struct proposal_params {
    uint8_t subtype[PROPOSAL_KIND_COUNT]; /* MPTCP subtypes; default 9..13 (unassigned, IANA) */
    uint8_t prefer_proxy_len;   /* 3 or 4 bytes (§2.3 "Len=3 or 4"); default 4 */
    bool hi_proxy_addr;         /* HI_I_AM_A_PROXY carries the MCP address; default false */
    bool intercepted_addr;      /* "intercepted" carries the MCP address; default false */
    uint8_t flag_bit_v0;        /* MP_CAPABLE proxy flag mask, one of C..G; default D (0x10) */
    uint8_t flag_bit_v1;        /* one of D..G; default D (0x10) */
    uint8_t convert_ie_type;    /* MP_CONVERT IE Type byte (§2.5); default 1 */
};

void proposal_params_default(struct proposal_params *p);

/* Checks the parameters: distinct subtypes not used by RFC 8684 (0..8, 15 allowed only if
 * deliberately experimental), flag masks a single spare bit. 0 or PROPOSAL_ERR_INVALID, with
 * a message in err naming the parameter. */
int proposal_params_check(const struct proposal_params *p, char *err, size_t errlen);

/* ---- MP_CAPABLE proxy flag (§2.2): 0 extra bytes ---- */

/* The mask used for this MP_CAPABLE version. */
uint8_t proposal_flag_mask(const struct proposal_params *p, uint8_t version);
/* Set, clear, test the flag in a parsed MP_CAPABLE; -1 when o is not an MP_CAPABLE. */
int proposal_flag_set(const struct proposal_params *p, struct mptcp_opt *o);
int proposal_flag_clear(const struct proposal_params *p, struct mptcp_opt *o);
int proposal_flag_test(const struct proposal_params *p, const struct mptcp_opt *o);

/* ---- MPTCP-option signals ----
 * Wire: |30|len|subtype<<4 | flags(4)|value(8)|[port(16)]|[address(32|128)]|, len = 4 + 2*port
 * + 4|16; MP_PREFER_PROXY with prefer_proxy_len 3 has no value byte. */
struct proposal_opt {
    uint8_t kind;               /* enum proposal_kind */
    uint8_t flags;              /* 4 bits */
    uint8_t value;              /* byte 3 (reserved, 0, unless a study gives it a meaning) */
    bool has_port;
    uint16_t port;
    uint8_t family;             /* 0 (no address), 4 or 6 */
    uint8_t addr[16];
};

/* Length on the wire (unpadded), or PROPOSAL_ERR_INVALID. */
int proposal_opt_wire_len(const struct proposal_params *p, const struct proposal_opt *s);
int proposal_opt_write(const struct proposal_params *p, const struct proposal_opt *s,
                       uint8_t *buf, size_t cap, size_t *written);
/* Parses raw option bytes (kind byte first). PROPOSAL_NOT_FOUND when it is a well-formed
 * option of another kind or subtype. */
int proposal_opt_parse(const struct proposal_params *p, const uint8_t *opt, size_t avail,
                       struct proposal_opt *out);
/* Detects a proposal in an option already parsed by mptcp_opt_parse() (unknown subtypes come
 * out opaque): 0 and *out filled, PROPOSAL_NOT_FOUND, or a negative error. */
int proposal_detect(const struct proposal_params *p, const struct mptcp_opt *o,
                    struct proposal_opt *out);

/* ---- MP_CONVERT information element (§2.5), in the SYN payload ----
 * Default layout: Type(1) Length(1, bytes incl. padding) Flags/Reserved(2) Port(2) Address(4|16),
 * zero-padded to 4 bytes: 12 (IPv4) / 24 (IPv6). */
struct mp_convert_ie {
    uint16_t flags;
    uint16_t port;
    uint8_t family;             /* 4 or 6 */
    uint8_t addr[16];
};
#define MP_CONVERT_IE_LEN_V4 12
#define MP_CONVERT_IE_LEN_V6 24

int mp_convert_ie_write(const struct proposal_params *p, const struct mp_convert_ie *ie,
                        uint8_t *buf, size_t cap, size_t *written);
/* Parses the IE at the start of a payload; *consumed = its length. PROPOSAL_NOT_FOUND when the
 * first byte is not the configured type (the payload is application data). */
int mp_convert_ie_parse(const struct proposal_params *p, const uint8_t *buf, size_t len,
                        struct mp_convert_ie *out, size_t *consumed);

#endif
