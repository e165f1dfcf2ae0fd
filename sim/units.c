/* units.c - exact parsing and printing of times, rates and sizes (see units.h).
 *
 * A value string is: optional sign (times only), decimal digits, optional '.' and fraction
 * digits, optional exponent (e3 / E-2), optional blanks, then a unit from the table of its
 * kind. The mantissa is kept as an integer with a decimal exponent and multiplied by the unit
 * in 128-bit arithmetic, so every accepted value is exact and overflow is detected.
 */
#include "sim/units.h"

#include "sim/textclip.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

__extension__ typedef unsigned __int128 u128;

struct unit {
    const char *name;
    uint64_t scale; /* base units per 1 of this unit */
};

static const struct unit time_units[] = {
    { "ps", 1 }, { "ns", 1000 }, { "us", 1000000 }, { "\xc2\xb5s", 1000000 },
    { "ms", 1000000000ULL }, { "s", 1000000000000ULL }, { "min", 60000000000000ULL },
    { "h", 3600000000000000ULL }, { "d", 86400000000000000ULL }, { NULL, 0 }
};

static const struct unit rate_units[] = {
    { "bps", 1 }, { "kbps", 1000 }, { "Kbps", 1000 }, { "Mbps", 1000000 },
    { "Gbps", 1000000000ULL }, { "Tbps", 1000000000000ULL }, { "Bps", 8 },
    { "KBps", 8000 }, { "MBps", 8000000 }, { "GBps", 8000000000ULL }, { NULL, 0 }
};

static const struct unit size_units[] = {
    { "B", 1 }, { "KB", 1000 }, { "kB", 1000 }, { "MB", 1000000 }, { "GB", 1000000000ULL },
    { "TB", 1000000000000ULL }, { "KiB", 1024 }, { "MiB", 1048576 },
    { "GiB", 1073741824ULL }, { "TiB", 1099511627776ULL }, { NULL, 0 }
};

static void set_err(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || errlen == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

static const char *unit_list(const struct unit *u, char *buf, size_t len)
{
    size_t off = 0;
    buf[0] = '\0';
    for (; u->name; u++) {
        if (strcmp(u->name, "\xc2\xb5s") == 0)
            continue;
        int n = snprintf(buf + off, len - off, "%s%s", off ? ", " : "", u->name);
        if (n < 0 || (size_t)n >= len - off)
            break;
        off += (size_t)n;
    }
    return buf;
}

/* Parses s against `units`; the result is |value| in base units, sign in *neg.
 * what = "time", "rate" or "size" for messages. */
static int parse_value(const char *s, const struct unit *units, int allow_sign,
                       const char *what, uint64_t *out, int *neg, char *err, size_t errlen)
{
    char ubuf[160], cbuf[TEXT_CLIP_BUF];
    const char *p = s;
    *neg = 0;
    if (!s || !*s) {
        set_err(err, errlen, "empty %s: expected a number with a unit (%s)", what,
                unit_list(units, ubuf, sizeof ubuf));
        return -1;
    }
    const char *shown = text_clip(s, cbuf);
    while (isspace((unsigned char)*p))
        p++;
    if (*p == '-' || *p == '+') {
        if (!allow_sign || *p == '-') {
            if (!allow_sign) {
                set_err(err, errlen, "bad %s \"%s\": must not be negative", what, shown);
                return -1;
            }
            *neg = 1;
        }
        p++;
    }
    u128 mant = 0;
    int exp10 = 0, ndigits = 0;
    for (; isdigit((unsigned char)*p); p++, ndigits++) {
        if (mant > (((u128)1) << 100)) {
            set_err(err, errlen, "bad %s \"%s\": too many digits", what, shown);
            return -1;
        }
        mant = mant * 10 + (unsigned)(*p - '0');
    }
    if (*p == '.') {
        p++;
        for (; isdigit((unsigned char)*p); p++, ndigits++) {
            if (mant > (((u128)1) << 100)) {
                set_err(err, errlen, "bad %s \"%s\": too many digits", what, shown);
                return -1;
            }
            mant = mant * 10 + (unsigned)(*p - '0');
            exp10--;
        }
    }
    if (ndigits == 0) {
        set_err(err, errlen, "bad %s \"%s\": expected a number followed by a unit (%s)", what,
                s, unit_list(units, ubuf, sizeof ubuf));
        return -1;
    }
    if ((*p == 'e' || *p == 'E') && (isdigit((unsigned char)p[1]) ||
        ((p[1] == '-' || p[1] == '+') && isdigit((unsigned char)p[2])))) {
        int esign = 1, e = 0;
        p++;
        if (*p == '-' || *p == '+')
            esign = (*p++ == '-') ? -1 : 1;
        for (; isdigit((unsigned char)*p); p++) {
            e = e * 10 + (*p - '0');
            if (e > 40) {
                set_err(err, errlen, "bad %s \"%s\": exponent out of range", what, shown);
                return -1;
            }
        }
        exp10 += esign * e;
    }
    while (isspace((unsigned char)*p))
        p++;
    const char *uname = p;
    size_t ulen = strlen(uname);
    while (ulen && isspace((unsigned char)uname[ulen - 1]))
        ulen--;
    const struct unit *u = NULL;
    for (const struct unit *c = units; c->name; c++)
        if (strlen(c->name) == ulen && strncmp(c->name, uname, ulen) == 0)
            u = c;
    if (!u) {
        if (ulen == 0)
            set_err(err, errlen, "bad %s \"%s\": missing unit; expected one of %s", what, shown,
                    unit_list(units, ubuf, sizeof ubuf));
        else
            set_err(err, errlen, "bad %s \"%s\": unknown unit \"%.*s\"; expected one of %s",
                    what, shown, (int)(ulen > 16 ? 16 : ulen), uname, unit_list(units, ubuf, sizeof ubuf));
        return -1;
    }
    u128 v = mant * (u128)u->scale;
    if (mant != 0 && v / u->scale != mant)
        goto overflow;
    for (; exp10 > 0; exp10--) {
        if (v > ((u128)1 << 120))
            goto overflow;
        v *= 10;
    }
    for (; exp10 < 0; exp10++) {
        if (v % 10) {
            set_err(err, errlen, "bad %s \"%s\": finer than the resolution of 1 %s", what, shown,
                    units[0].name);
            return -1;
        }
        v /= 10;
    }
    if (v > (u128)INT64_MAX)
        goto overflow;
    *out = (uint64_t)v;
    return 0;
overflow:
    set_err(err, errlen, "bad %s \"%s\": out of range", what, shown);
    return -1;
}

int time_parse(const char *s, sim_time_t *out, char *err, size_t errlen)
{
    uint64_t v;
    int neg;
    if (parse_value(s, time_units, 1, "time", &v, &neg, err, errlen) < 0)
        return -1;
    *out = neg ? -(sim_time_t)v : (sim_time_t)v;
    return 0;
}

int rate_parse(const char *s, bps_t *out, char *err, size_t errlen)
{
    uint64_t v;
    int neg;
    if (parse_value(s, rate_units, 0, "rate", &v, &neg, err, errlen) < 0)
        return -1;
    *out = v;
    return 0;
}

int size_parse(const char *s, bytes_t *out, char *err, size_t errlen)
{
    uint64_t v;
    int neg;
    if (parse_value(s, size_units, 0, "size", &v, &neg, err, errlen) < 0)
        return -1;
    *out = v;
    return 0;
}

sim_time_t time_to_send(bytes_t bytes, bps_t rate)
{
    /* A packet's worth fits 64 bits (below 2.3 MB): one hardware division, where the
     * 128-bit one is a library call. Both are exact, so they agree. */
    if (bytes <= UINT64_MAX / (8u * PS_PER_S) / 2 && rate <= UINT64_MAX / 2) {
        uint64_t n64 = (uint64_t)bytes * 8u * PS_PER_S;
        return (sim_time_t)((n64 + rate - 1) / rate);
    }
    u128 num = (u128)bytes * 8u * (u128)PS_PER_S;
    u128 t = (num + rate - 1) / rate;
    return t > (u128)INT64_MAX ? SIM_TIME_MAX : (sim_time_t)t;
}

/* Prints v (base units) in the largest unit not above it: as an integer when that unit
 * divides v, else with up to 12 significant digits (exact for every value below 10^12 of the
 * unit, i.e. every realistic one). */
static int format_value(uint64_t v, int neg, const struct unit *units, char *buf, size_t len)
{
    const struct unit *u = &units[0];
    for (const struct unit *c = units; c->name; c++)
        if (c->scale <= v)
            u = c;
    if (v % u->scale == 0)
        return snprintf(buf, len, "%s%llu%s", neg ? "-" : "",
                        (unsigned long long)(v / u->scale), u->name);
    return snprintf(buf, len, "%s%.12g%s", neg ? "-" : "", (double)v / (double)u->scale, u->name);
}

static const struct unit time_print_units[] = {
    { "ps", 1 }, { "ns", 1000 }, { "us", 1000000 }, { "ms", 1000000000ULL },
    { "s", 1000000000000ULL }, { NULL, 0 }
};
static const struct unit rate_print_units[] = {
    { "bps", 1 }, { "Kbps", 1000 }, { "Mbps", 1000000 }, { "Gbps", 1000000000ULL },
    { "Tbps", 1000000000000ULL }, { NULL, 0 }
};
static const struct unit size_print_units[] = {
    { "B", 1 }, { "KiB", 1024 }, { "MiB", 1048576 }, { "GiB", 1073741824ULL },
    { NULL, 0 }
};
static const struct unit size_print_si[] = {
    { "B", 1 }, { "KB", 1000 }, { "MB", 1000000 }, { "GB", 1000000000ULL }, { NULL, 0 }
};

int time_format(sim_time_t t, char *buf, size_t len)
{
    int neg = t < 0;
    uint64_t v = neg ? (uint64_t)0 - (uint64_t)t : (uint64_t)t;
    return format_value(v, neg, time_print_units, buf, len);
}

int rate_format(bps_t r, char *buf, size_t len)
{
    return format_value(r, 0, rate_print_units, buf, len);
}

int size_format(bytes_t b, char *buf, size_t len)
{
    /* binary units when they divide exactly (64KiB), decimal otherwise (10MB) */
    if (b >= 1024 && b % 1024 == 0)
        return format_value(b, 0, size_print_units, buf, len);
    return format_value(b, 0, size_print_si, buf, len);
}
