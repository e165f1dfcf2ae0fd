/* convert.c - encode and decode RFC 8803 Convert messages.
 *
 * Every TLV is Type(8) Length(8, in 32-bit words, covering type and length) Value, zero-padded
 * to 32 bits (RFC 8803 §6.2). The decoder walks them inside the header's Total Length, refuses
 * a zero length (it would never advance) and any TLV running past the message, and checks the
 * fixed part of each known TLV. Cost: one pass, no copy, no allocation.
 */
#include "models/wire/convert.h"

#include <string.h>

#include "models/wire/bytes.h"

const char *convert_error_code_name(uint8_t code)
{
    switch (code) {
    case CONVERT_E_UNSUPPORTED_VERSION: return "Unsupported Version";
    case CONVERT_E_MALFORMED_MESSAGE: return "Malformed Message";
    case CONVERT_E_UNSUPPORTED_MESSAGE: return "Unsupported Message";
    case CONVERT_E_MISSING_COOKIE: return "Missing Cookie";
    case CONVERT_E_NOT_AUTHORIZED: return "Not Authorized";
    case CONVERT_E_UNSUPPORTED_TCP_OPTION: return "Unsupported TCP Option";
    case CONVERT_E_RESOURCE_EXCEEDED: return "Resource Exceeded";
    case CONVERT_E_NETWORK_FAILURE: return "Network Failure";
    case CONVERT_E_CONNECTION_RESET: return "Connection Reset";
    case CONVERT_E_DESTINATION_UNREACHABLE: return "Destination Unreachable";
    default: return "Unassigned";
    }
}

const char *convert_strerror(int err)
{
    switch (err) {
    case 0: return "ok";
    case CONVERT_ERR_TRUNCATED: return "Convert message truncated";
    case CONVERT_ERR_VERSION: return "unsupported Convert version";
    case CONVERT_ERR_MAGIC: return "bad Convert magic number (expected 0x2263)";
    case CONVERT_ERR_LENGTH: return "bad Convert length";
    case CONVERT_ERR_DUPLICATE: return "Convert TLV present twice";
    case CONVERT_ERR_RESERVED: return "Convert TLV type 0 is reserved";
    case CONVERT_ERR_OPTIONS: return "malformed TCP options in Connect TLV";
    case CONVERT_ERR_NOSPACE: return "Convert message does not fit";
    case CONVERT_ERR_INVALID: return "Convert message fields inconsistent";
    default: return "unknown Convert error";
    }
}

void convert_addr_from_v4(const uint8_t v4[4], uint8_t out[16])
{
    memset(out, 0, 10);
    out[10] = out[11] = 0xff;
    memcpy(out + 12, v4, 4);
}

bool convert_addr_is_v4mapped(const uint8_t addr[16])
{
    static const uint8_t pfx[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
    return memcmp(addr, pfx, sizeof pfx) == 0;
}

bool convert_connect_addr_ok(const uint8_t addr[16])
{
    static const uint8_t zero[16];
    if (convert_addr_is_v4mapped(addr)) {
        const uint8_t *a = addr + 12;
        bool bcast = a[0] == 255 && a[1] == 255 && a[2] == 255 && a[3] == 255;
        return a[0] != 127 && (a[0] & 0xf0) != 0xe0 && !bcast && a[0] != 0;
    }
    if (addr[0] == 0xff)                                    /* ff00::/8 multicast */
        return false;
    if (memcmp(addr, zero, 15) == 0 && (addr[15] == 1 || addr[15] == 0))  /* ::1, :: */
        return false;
    return true;
}

/* Connect TCP options: (kind, len>=2, value) blocks, no EOL/NOP inside, zero padding at the
 * end only (RFC 8803 §6.2.3). */
static int check_connect_opts(const uint8_t *p, size_t n)
{
    size_t i = 0;
    while (i < n) {
        if (p[i] == 0) {
            for (; i < n; i++)
                if (p[i] != 0)
                    return CONVERT_ERR_OPTIONS;
            return 0;
        }
        if (p[i] == 1 || i + 1 >= n || p[i + 1] < 2 || p[i + 1] > n - i)
            return CONVERT_ERR_OPTIONS;
        i += p[i + 1];
    }
    return 0;
}

static int tlv_bit(uint8_t type)
{
    switch (type) {
    case CONVERT_TLV_INFO: return CONVERT_HAS_INFO;
    case CONVERT_TLV_CONNECT: return CONVERT_HAS_CONNECT;
    case CONVERT_TLV_EXT_TCP_HDR: return CONVERT_HAS_EXT_TCP_HDR;
    case CONVERT_TLV_SUPPORTED_EXT: return CONVERT_HAS_SUPPORTED_EXT;
    case CONVERT_TLV_COOKIE: return CONVERT_HAS_COOKIE;
    case CONVERT_TLV_ERROR: return CONVERT_HAS_ERROR;
    default: return 0;
    }
}

/* One known TLV of `len` bytes (padding included) at p. */
static int decode_tlv(const uint8_t *p, size_t len, struct convert_msg *m)
{
    switch (p[0]) {
    case CONVERT_TLV_INFO:
        return len == 4 ? 0 : CONVERT_ERR_LENGTH;
    case CONVERT_TLV_CONNECT:
        if (len < CONVERT_CONNECT_BASE_LEN)
            return CONVERT_ERR_LENGTH;
        m->connect.port = rd16(p + 2);
        memcpy(m->connect.addr, p + 4, 16);
        m->connect.opts = len > CONVERT_CONNECT_BASE_LEN ? p + CONVERT_CONNECT_BASE_LEN : NULL;
        m->connect.opts_len = len - CONVERT_CONNECT_BASE_LEN;
        return check_connect_opts(p + CONVERT_CONNECT_BASE_LEN, m->connect.opts_len);
    case CONVERT_TLV_EXT_TCP_HDR:
        m->ext_tcp_hdr.opts = p + 4;
        m->ext_tcp_hdr.len = len - 4;
        return 0;
    case CONVERT_TLV_SUPPORTED_EXT:
        m->supported.kinds = p + 4;
        m->supported.n = len - 4;
        while (m->supported.n && p[4 + m->supported.n - 1] == 0)
            m->supported.n--;
        return 0;
    case CONVERT_TLV_COOKIE:
        m->cookie.data = p + 4;
        m->cookie.len = len - 4;
        return 0;
    default: /* CONVERT_TLV_ERROR */
        m->error.code = p[2];
        m->error.value = p + 3;
        m->error.len = len - 3;
        return 0;
    }
}

int convert_decode(const uint8_t *buf, size_t len, struct convert_msg *out, size_t *consumed)
{
    size_t total, at = CONVERT_HDR_LEN;

    memset(out, 0, sizeof *out);
    if (len < CONVERT_HDR_LEN)
        return CONVERT_ERR_TRUNCATED;
    if (rd16(buf + 2) != CONVERT_MAGIC)
        return CONVERT_ERR_MAGIC;
    if (buf[0] != CONVERT_VERSION)
        return CONVERT_ERR_VERSION;
    total = (size_t)buf[1] * 4;
    if (total == 0)
        return CONVERT_ERR_LENGTH;
    if (total > len)
        return CONVERT_ERR_TRUNCATED;
    while (at < total) {
        const uint8_t *p = buf + at;
        size_t tlen;
        int bit, rc;
        if (total - at < 2)
            return CONVERT_ERR_LENGTH;
        tlen = (size_t)p[1] * 4;
        if (tlen == 0 || tlen > total - at)
            return CONVERT_ERR_LENGTH;
        if (p[0] == 0)
            return CONVERT_ERR_RESERVED;
        bit = tlv_bit(p[0]);
        if (bit == 0) {
            if (out->n_unknown++ == 0)
                out->first_unknown = p[0];
        } else {
            if (out->present & (unsigned)bit)
                return CONVERT_ERR_DUPLICATE;
            out->present |= (unsigned)bit;
            if ((rc = decode_tlv(p, tlen, out)) != 0)
                return rc;
        }
        at += tlen;
    }
    *consumed = total;
    return 0;
}

static size_t pad4(size_t n) { return (n + 3) & ~(size_t)3; }

/* Padded length of each present TLV, in type order; 0 when absent. */
static size_t tlv_len(const struct convert_msg *m, unsigned bit)
{
    if (!(m->present & bit))
        return 0;
    switch (bit) {
    case CONVERT_HAS_INFO: return 4;
    case CONVERT_HAS_CONNECT: return pad4(CONVERT_CONNECT_BASE_LEN + m->connect.opts_len);
    case CONVERT_HAS_EXT_TCP_HDR: return pad4(4 + m->ext_tcp_hdr.len);
    case CONVERT_HAS_SUPPORTED_EXT: return pad4(4 + m->supported.n);
    case CONVERT_HAS_COOKIE: return pad4(4 + m->cookie.len);
    default: return pad4(3 + m->error.len);
    }
}

int convert_encoded_len(const struct convert_msg *m)
{
    size_t n = CONVERT_HDR_LEN;
    for (unsigned bit = 1; bit <= CONVERT_HAS_ERROR; bit <<= 1)
        n += tlv_len(m, bit);
    return n > CONVERT_MAX_LEN ? CONVERT_ERR_NOSPACE : (int)n;
}

static void put_tlv(uint8_t *p, uint8_t type, size_t len, size_t fixed, const uint8_t *v,
                    size_t vlen)
{
    memset(p, 0, len);
    p[0] = type;
    p[1] = (uint8_t)(len / 4);
    if (vlen)
        memcpy(p + fixed, v, vlen);
}

int convert_encode(const struct convert_msg *m, uint8_t *buf, size_t cap, size_t *written)
{
    int total = convert_encoded_len(m);
    size_t at = CONVERT_HDR_LEN;

    if (total < 0)
        return total;
    if ((size_t)total > cap)
        return CONVERT_ERR_NOSPACE;
    if (m->present & ~(unsigned)(2 * CONVERT_HAS_ERROR - 1))
        return CONVERT_ERR_INVALID;
    if ((m->present & CONVERT_HAS_CONNECT) && m->connect.opts_len &&
        check_connect_opts(m->connect.opts, m->connect.opts_len) != 0)
        return CONVERT_ERR_OPTIONS;
    buf[0] = CONVERT_VERSION;
    buf[1] = (uint8_t)(total / 4);
    wr16(buf + 2, CONVERT_MAGIC);
    for (unsigned bit = 1; bit <= CONVERT_HAS_ERROR; bit <<= 1) {
        size_t len = tlv_len(m, bit);
        uint8_t *p = buf + at;
        if (!len)
            continue;
        switch (bit) {
        case CONVERT_HAS_INFO: put_tlv(p, CONVERT_TLV_INFO, len, 4, NULL, 0); break;
        case CONVERT_HAS_CONNECT:
            put_tlv(p, CONVERT_TLV_CONNECT, len, CONVERT_CONNECT_BASE_LEN, m->connect.opts,
                    m->connect.opts_len);
            wr16(p + 2, m->connect.port);
            memcpy(p + 4, m->connect.addr, 16);
            break;
        case CONVERT_HAS_EXT_TCP_HDR:
            put_tlv(p, CONVERT_TLV_EXT_TCP_HDR, len, 4, m->ext_tcp_hdr.opts, m->ext_tcp_hdr.len);
            break;
        case CONVERT_HAS_SUPPORTED_EXT:
            put_tlv(p, CONVERT_TLV_SUPPORTED_EXT, len, 4, m->supported.kinds, m->supported.n);
            break;
        case CONVERT_HAS_COOKIE:
            put_tlv(p, CONVERT_TLV_COOKIE, len, 4, m->cookie.data, m->cookie.len);
            break;
        default:
            put_tlv(p, CONVERT_TLV_ERROR, len, 3, m->error.value, m->error.len);
            p[2] = m->error.code;
            break;
        }
        at += len;
    }
    *written = (size_t)total;
    return 0;
}
