/* mangle.c - parsing and applying middlebox rules (mangle.h). The rewrites work on the
 * packet's stored wire bytes and fix checksums incrementally (RFC 1624, checksum.h): a
 * changed 16-bit word, a changed option area, a header that grew (its length words in the IP
 * header and the TCP pseudo-header). An IPv4 header's checksum is updated only when its total
 * length changes. Costs: one TCP option walk per segment a rule matches.
 */
#include "models/net/mangle.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/wire/bytes.h"
#include "models/wire/checksum.h"
#include "models/wire/tcp.h"
#include "models/wire/wire_err.h"

/* ---- parsing ------------------------------------------------------------------------ */

static int parse_uint(const char *s, uint64_t max, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 0);
    if (!*s || *end || errno || v > max || *s == '-')
        return -1;
    *out = v;
    return 0;
}

static int parse_hex(const char *s, struct mangle_rule *r)
{
    size_t n = strlen(s);
    if (n == 0 || n % 2 || n / 2 > MANGLE_APPEND_MAX)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (!isxdigit((unsigned char)s[i]))
            return -1;
    for (size_t i = 0; i < n / 2; i++) {
        char b[3] = { s[2 * i], s[2 * i + 1], 0 };
        r->bytes[i] = (uint8_t)strtoul(b, NULL, 16);
    }
    r->nbytes = (uint8_t)(n / 2);
    return 0;
}

static const char *const on_names[] = { "all", "syn", "synack", "nosyn", "data", "mpc-syn" };

static int parse_key(struct mangle_rule *r, const char *key, const char *val, char *err,
                     size_t errlen)
{
    uint64_t v;
    char why[256];
    if (!strcmp(key, "on")) {
        for (size_t i = 0; i < sizeof on_names / sizeof on_names[0]; i++)
            if (!strcmp(val, on_names[i])) {
                r->on = (enum mangle_on)i;
                return 0;
            }
        snprintf(err, errlen, "on=%s: expected all, syn, synack, nosyn, data or mpc-syn", val);
        return -1;
    }
    if (!strcmp(key, "p")) {
        char *end;
        double p = strtod(val, &end);
        if (!*val || *end || !(p >= 0 && p <= 1)) {
            snprintf(err, errlen, "p=%s: expected a probability in [0, 1]", val);
            return -1;
        }
        r->p = p;
        return 0;
    }
    if (!strcmp(key, "in") || !strcmp(key, "out")) {
        char *dst = key[0] == 'i' ? r->in : r->out;
        if (!*val || strlen(val) >= MANGLE_NAME_MAX) {
            snprintf(err, errlen, "%s=%s: expected a link name", key, val);
            return -1;
        }
        snprintf(dst, MANGLE_NAME_MAX, "%s", val);
        return 0;
    }
    if (!strcmp(key, "from") || !strcmp(key, "until")) {
        sim_time_t t;
        if (time_parse(val, &t, why, sizeof why) < 0) {
            snprintf(err, errlen, "%s=%s: %s", key, val, why);
            return -1;
        }
        *(key[0] == 'f' ? &r->from : &r->until) = t;
        return 0;
    }
    if (!strcmp(key, "skip") || !strcmp(key, "max")) {
        if (parse_uint(val, UINT64_MAX, &v) < 0) {
            snprintf(err, errlen, "%s=%s: expected a count", key, val);
            return -1;
        }
        *(key[0] == 's' ? &r->skip : &r->max) = v;
        return 0;
    }
    if (!strcmp(key, "value") && r->action == MANGLE_CORRUPT) {
        if (parse_uint(val, 255, &v) < 0 || v == 0) {
            snprintf(err, errlen, "value=%s: expected a byte 1..255 (0x.. allowed; 0 is what "
                     "the payload already holds)", val);
            return -1;
        }
        r->value = (uint8_t)v;
        return 0;
    }
    snprintf(err, errlen, "unknown key \"%s\" (expected on, p, in, out, from, until, skip, "
             "max%s)", key, r->action == MANGLE_CORRUPT ? ", value" : "");
    return -1;
}

int mangle_rule_parse(const char *text, struct mangle_rule *r, char *err, size_t errlen)
{
    char buf[512];
    if (strlen(text) >= sizeof buf) {
        snprintf(err, errlen, "rule too long");
        return -1;
    }
    snprintf(buf, sizeof buf, "%s", text);
    *r = (struct mangle_rule){ .p = 1, .value = 0xff };
    char *save = NULL;
    char *tok = strtok_r(buf, " \t", &save);
    uint64_t v;
    bool have_offset = false;
    if (!tok) {
        snprintf(err, errlen, "empty rule: expected strip KIND, mpc-flags BITS, append HEX or "
                 "corrupt [OFFSET]");
        return -1;
    }
    char *arg = NULL;
    if (!strcmp(tok, "strip") || !strcmp(tok, "mpc-flags") || !strcmp(tok, "append")) {
        arg = strtok_r(NULL, " \t", &save);
        if (!arg || strchr(arg, '=')) {
            snprintf(err, errlen, "%s: expected its argument (%s)", tok,
                     tok[0] == 's' ? "an option kind, e.g. 30" :
                     tok[0] == 'm' ? "flag bits, e.g. 0x10" : "option bytes in hex, e.g. 1e04e000");
            return -1;
        }
    }
    if (!strcmp(tok, "strip")) {
        r->action = MANGLE_STRIP;
        r->on = MANGLE_ON_ALL;
        if (parse_uint(arg, 255, &v) < 0 || v < 2) {
            snprintf(err, errlen, "strip %s: expected an option kind 2..255", arg);
            return -1;
        }
        r->kind = (uint8_t)v;
    } else if (!strcmp(tok, "mpc-flags")) {
        r->action = MANGLE_MPC_FLAGS;
        r->on = MANGLE_ON_MPC_SYN;
        if (parse_uint(arg, 255, &v) < 0 || v == 0) {
            snprintf(err, errlen, "mpc-flags %s: expected flag bits 0x01..0xff", arg);
            return -1;
        }
        r->bits = (uint8_t)v;
    } else if (!strcmp(tok, "append")) {
        r->action = MANGLE_APPEND;
        r->on = MANGLE_ON_MPC_SYN;
        if (parse_hex(arg, r) < 0) {
            snprintf(err, errlen, "append %s: expected 1 to %d bytes in hex (e.g. 1e04e000)",
                     arg, MANGLE_APPEND_MAX);
            return -1;
        }
    } else if (!strcmp(tok, "corrupt")) {
        r->action = MANGLE_CORRUPT;
        r->on = MANGLE_ON_DATA;
    } else {
        snprintf(err, errlen, "unknown action \"%s\" (expected strip, mpc-flags, append or "
                 "corrupt)", tok);
        return -1;
    }
    while ((tok = strtok_r(NULL, " \t", &save))) {
        char *eq = strchr(tok, '=');
        if (!eq) {
            if (r->action == MANGLE_CORRUPT && !have_offset && parse_uint(tok, 1500, &v) == 0) {
                r->offset = (uint16_t)v;
                have_offset = true;
                continue;
            }
            snprintf(err, errlen, "\"%s\": expected key=value", tok);
            return -1;
        }
        *eq = 0;
        if (parse_key(r, tok, eq + 1, err, errlen) < 0)
            return -1;
    }
    if (r->action == MANGLE_CORRUPT && r->on != MANGLE_ON_DATA && r->on != MANGLE_ON_ALL) {
        snprintf(err, errlen, "corrupt: on= must be data (or all): only payload is corrupted");
        return -1;
    }
    if (r->until && r->until <= r->from) {
        snprintf(err, errlen, "until must be later than from");
        return -1;
    }
    return 0;
}

/* ---- the segment at the packet's front ---------------------------------------------- */

struct seg {
    uint8_t *ip, *tcp;
    size_t iphl, tcphl;
    size_t stored;      /* stored bytes from the IP header on */
    size_t payload;     /* TCP payload on the wire (stored + virtual) */
    int family;
};

static int seg_find(struct packet *p, struct seg *s)
{
    uint8_t *ip = pkt_data(p);
    size_t len = pkt_len(p);
    if (len < 20)
        return -1;
    s->ip = ip;
    s->stored = len;
    if ((ip[0] >> 4) == 4) {
        s->family = 4;
        s->iphl = (size_t)(ip[0] & 15) * 4;
        if (ip[9] != 6 || (rd16(ip + 6) & 0x1fff) || s->iphl < 20)
            return -1;                  /* not TCP, or a later fragment */
    } else if ((ip[0] >> 4) == 6) {
        s->family = 6;
        s->iphl = 40;
        if (len < 40 || ip[6] != 6)
            return -1;                  /* extension headers before TCP: left alone */
    } else {
        return -1;
    }
    if (len < s->iphl + TCP_HDR_MIN_LEN)
        return -1;
    s->tcp = ip + s->iphl;
    s->tcphl = (size_t)(s->tcp[12] >> 4) * 4;
    if (s->tcphl < TCP_HDR_MIN_LEN || len < s->iphl + s->tcphl)
        return -1;
    s->payload = pkt_wire_len(p) - s->iphl - s->tcphl;
    return 0;
}

/* Offset in the TCP header of an MP_CAPABLE option (kind 30, subtype 0), or 0. */
static size_t mpc_offset(const struct seg *s)
{
    size_t i = TCP_HDR_MIN_LEN;
    while (i < s->tcphl) {
        uint8_t kind = s->tcp[i];
        if (kind == TCPOPT_EOL)
            break;
        if (kind == TCPOPT_NOP) {
            i++;
            continue;
        }
        if (i + 1 >= s->tcphl || s->tcp[i + 1] < 2 || i + s->tcp[i + 1] > s->tcphl)
            break;
        if (kind == TCPOPT_MPTCP && s->tcp[i + 1] >= 4 && (s->tcp[i + 2] >> 4) == 0)
            return i;
        i += s->tcp[i + 1];
    }
    return 0;
}

static bool has_mpc(const struct seg *s) { return mpc_offset(s) != 0; }

int mangle_match(const struct mangle_rule *r, struct packet *p)
{
    struct seg s;
    if (seg_find(p, &s) < 0)
        return -1;
    uint8_t fl = s.tcp[13];
    bool syn = fl & 0x02, ack = fl & 0x10;
    switch (r->on) {
    case MANGLE_ON_ALL: return 1;
    case MANGLE_ON_SYN: return syn && !ack;
    case MANGLE_ON_SYNACK: return syn && ack;
    case MANGLE_ON_NOSYN: return !syn;
    case MANGLE_ON_DATA: return s.payload > 0;
    case MANGLE_ON_MPC_SYN: return syn && !ack && has_mpc(&s);
    }
    return 0;
}

static void set_csum(struct seg *s, uint16_t v) { wr16(s->tcp + 16, v); }
static uint16_t get_csum(const struct seg *s) { return rd16(s->tcp + 16); }

/* Options as tcp_decode lists them (kind, length, offset in the option area). */
static int decode_opts(const struct seg *s, struct tcp_hdr *h)
{
    int rc = tcp_decode(s->tcp, s->tcphl, h);
    return rc < 0 && rc != WIRE_E_OPT_LEN ? -1 : 0;
}

static int do_strip(const struct mangle_rule *r, struct seg *s)
{
    struct tcp_hdr h;
    if (decode_opts(s, &h) < 0)
        return 0;
    uint8_t *opt = s->tcp + TCP_HDR_MIN_LEN;
    size_t optlen = s->tcphl - TCP_HDR_MIN_LEN;
    uint8_t old[TCP_MAX_OPT_LEN];
    memcpy(old, opt, optlen);
    int n = 0;
    for (size_t i = 0; i < h.nopts; i++)
        if (h.opts[i].kind == r->kind) {
            memset(opt + h.opts[i].off, TCPOPT_NOP, h.opts[i].len);
            n++;
        }
    if (n)  /* the option area starts at an even offset and is whole words */
        set_csum(s, csum_update_bytes(get_csum(s), old, opt, optlen));
    return n > 0;
}

static int do_mpc_flags(const struct mangle_rule *r, struct seg *s)
{
    size_t off = mpc_offset(s);
    if (!off)
        return 0;
    size_t pos = off + 3;              /* the flag byte */
    size_t w = pos & ~(size_t)1;
    uint16_t before = rd16(s->tcp + w);
    s->tcp[pos] |= r->bits;
    set_csum(s, csum_update16(get_csum(s), before, rd16(s->tcp + w)));
    return 1;
}

/* The header grows by `delta` bytes (a multiple of 4): the IP and TCP headers move forward
 * into the headroom, the length fields and their checksums follow. Stored payload stays
 * where it is (it now follows the longer header). */
static int grow_header(struct packet *p, struct seg *s, size_t delta)
{
    size_t hl = s->iphl + s->tcphl;
    uint8_t *front = pkt_push(p, delta);
    if (!front)
        return -1;
    memmove(front, s->ip, hl);
    if (p->l3 != PKT_OFF_NONE)
        p->l3 = (uint16_t)(p->l3 - delta);
    if (p->l4 != PKT_OFF_NONE)
        p->l4 = (uint16_t)(p->l4 - delta);
    s->ip = front;
    s->tcp = front + s->iphl;
    uint16_t csum = get_csum(s);
    size_t tcp_len = pkt_wire_len(p) - s->iphl; /* after the push */
    /* the pseudo-header's upper-layer length (below 64 KiB: its high word stays 0) */
    csum = csum_update16(csum, (uint16_t)(tcp_len - delta), (uint16_t)tcp_len);
    uint16_t w12 = rd16(s->tcp + 12);
    uint16_t n12 = (uint16_t)((w12 & 0x0fff) | (uint16_t)(((s->tcphl + delta) / 4) << 12));
    wr16(s->tcp + 12, n12);
    csum = csum_update16(csum, w12, n12);
    set_csum(s, csum);
    if (s->family == 4) {
        uint16_t tot = rd16(s->ip + 2);
        wr16(s->ip + 2, (uint16_t)(tot + delta));
        wr16(s->ip + 10, csum_update16(rd16(s->ip + 10), tot, (uint16_t)(tot + delta)));
    } else {
        uint16_t pl = rd16(s->ip + 4);
        wr16(s->ip + 4, (uint16_t)(pl + delta));
    }
    return 0;
}

static int do_append(const struct mangle_rule *r, struct packet *p, struct seg *s)
{
    struct tcp_hdr h;
    if (decode_opts(s, &h) < 0)
        return 0;
    size_t optlen = s->tcphl - TCP_HDR_MIN_LEN;
    size_t end = optlen;               /* where options end: at an EOL, if there is one */
    for (size_t i = 0; i < h.nopts; i++)
        if (h.opts[i].kind == TCPOPT_EOL) {
            end = h.opts[i].off;
            break;
        }
    size_t newlen = (end + r->nbytes + 3) & ~(size_t)3;
    if (newlen > TCP_MAX_OPT_LEN)
        return -1;
    uint8_t old[TCP_MAX_OPT_LEN] = { 0 }, neu[TCP_MAX_OPT_LEN] = { 0 };
    memcpy(old, s->tcp + TCP_HDR_MIN_LEN, optlen);
    memcpy(neu, old, end);
    memcpy(neu + end, r->bytes, r->nbytes);
    memset(neu + end + r->nbytes, TCPOPT_NOP, newlen - end - r->nbytes);
    if (newlen > optlen && grow_header(p, s, newlen - optlen) < 0)
        return -1;
    memcpy(s->tcp + TCP_HDR_MIN_LEN, neu, newlen);
    /* the old area, zero-extended, against the new one: words that appeared were zero */
    set_csum(s, csum_update_bytes(get_csum(s), old, neu, newlen > optlen ? newlen : optlen));
    return 1;
}

static int do_corrupt(const struct mangle_rule *r, struct packet *p, struct seg *s)
{
    if (r->offset >= s->payload)
        return 0;
    size_t stored_pl = s->stored - s->iphl - s->tcphl;
    if (r->offset >= stored_pl) {
        /* make payload bytes [stored_pl, offset] real: zeros, as the virtual bytes were */
        size_t need = (size_t)r->offset + 1 - stored_pl;
        uint8_t *t = pkt_put(p, need);
        if (!t)
            return -1;
        memset(t, 0, need);
        pkt_set_virtual(p, (uint32_t)(pkt_virtual_len(p) - need));
        s->stored += need;
    }
    size_t pos = s->tcphl + r->offset;  /* from the TCP header; the header is whole words */
    size_t w = pos & ~(size_t)1;
    uint8_t pad[2] = { 0, 0 };
    const uint8_t *wp = s->tcp + w;
    if (w + 1 >= s->stored - s->iphl) { /* the word's second byte is virtual (zero) */
        pad[0] = s->tcp[w];
        wp = pad;
    }
    uint16_t before = rd16(wp);
    if (s->tcp[pos] == r->value)
        return 0;
    s->tcp[pos] = r->value;
    if (wp == pad)
        pad[0] = s->tcp[w];
    set_csum(s, csum_update16(get_csum(s), before, rd16(wp)));
    return 1;
}

int mangle_apply(const struct mangle_rule *r, struct packet *p)
{
    struct seg s;
    if (seg_find(p, &s) < 0)
        return 0;
    switch (r->action) {
    case MANGLE_STRIP: return do_strip(r, &s);
    case MANGLE_MPC_FLAGS: return do_mpc_flags(r, &s);
    case MANGLE_APPEND: return do_append(r, p, &s);
    case MANGLE_CORRUPT: return do_corrupt(r, p, &s);
    }
    return 0;
}
