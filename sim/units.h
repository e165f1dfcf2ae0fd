/* units.h - simulated time, link rates and byte sizes, with their string forms.
 *
 * Time is an int64_t count of picoseconds (sim_time_t): exact serialization delay at any
 * integer bit rate up to 1 Tbit/s for whole bytes, and a range of about 106 days. Rates are
 * bits per second (bps_t), sizes are bytes (bytes_t). Strings always carry a unit ("1.5ms",
 * "50Mbps", "64KiB"): a bare number is rejected, because a unit is never guessed. Parsing is
 * exact decimal arithmetic (no floating point), so "0.1s" is exactly 100000000000 ps; a value
 * that is not a whole number of the base unit, or that overflows, is rejected.
 */
#ifndef MCPSIM_SIM_UNITS_H
#define MCPSIM_SIM_UNITS_H

#include <stddef.h>
#include <stdint.h>

typedef int64_t sim_time_t;  /* picoseconds */
typedef uint64_t bps_t;      /* bits per second */
typedef uint64_t bytes_t;    /* bytes */

#define SIM_TIME_MAX INT64_MAX
#define PS_PER_NS INT64_C(1000)
#define PS_PER_US INT64_C(1000000)
#define PS_PER_MS INT64_C(1000000000)
#define PS_PER_S INT64_C(1000000000000)

static inline sim_time_t time_from_ns(int64_t ns) { return ns * PS_PER_NS; }
static inline sim_time_t time_from_us(int64_t us) { return us * PS_PER_US; }
static inline sim_time_t time_from_ms(int64_t ms) { return ms * PS_PER_MS; }
static inline sim_time_t time_from_s(int64_t s) { return s * PS_PER_S; }
/* A time in picoseconds or seconds as a double, rounded to the picosecond; saturates at
 * +-SIM_TIME_MAX (a random draw far in the tail must not overflow into the past). */
static inline sim_time_t time_from_ps_f(double ps)
{
    if (!(ps < 9.2e18))
        return ps > 0 ? SIM_TIME_MAX : 0; /* +inf, huge, or NaN (0) */
    if (ps <= -9.2e18)
        return -SIM_TIME_MAX;
    return (sim_time_t)(ps + (ps >= 0 ? 0.5 : -0.5));
}
static inline sim_time_t time_from_sec_f(double s) { return time_from_ps_f(s * 1e12); }
/* t + d for d >= 0, saturating at SIM_TIME_MAX: the time of an event that a long random draw
 * puts past the end of every run (durations are limited to 30 days). */
static inline sim_time_t time_add_sat(sim_time_t t, sim_time_t d)
{
    return d > SIM_TIME_MAX - t ? SIM_TIME_MAX : t + d;
}
static inline double time_to_sec(sim_time_t t) { return (double)t / 1e12; }
static inline double time_to_ms(sim_time_t t) { return (double)t / 1e9; }
static inline double time_to_us(sim_time_t t) { return (double)t / 1e6; }

/* Time to serialize `bytes` at `rate`, rounded up to the next picosecond (a frame is not
 * done before its last bit is). rate must be > 0. */
sim_time_t time_to_send(bytes_t bytes, bps_t rate);

/* Parsers: 0 on success; -1 with a message quoting the string in err (if errlen > 0). */
int time_parse(const char *s, sim_time_t *out, char *err, size_t errlen);
int rate_parse(const char *s, bps_t *out, char *err, size_t errlen);
int size_parse(const char *s, bytes_t *out, char *err, size_t errlen);

/* Printers use the largest unit not above the value: an integer when it divides exactly,
 * else up to 12 significant digits ("1.5ms", "2s", "50Mbps", "64KiB"); parse(format(x)) == x
 * for every value below 10^12 of its unit.
 * They return the snprintf-style length. */
int time_format(sim_time_t t, char *buf, size_t len);
int rate_format(bps_t r, char *buf, size_t len);
int size_format(bytes_t b, char *buf, size_t len);

#endif
