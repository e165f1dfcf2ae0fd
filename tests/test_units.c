/* test_units.c - time, rate and size strings: exact values, round trips, clear rejections.
 * Compared against hand-computed picosecond/bit/byte counts; no tolerance, parsing is exact. */
#include <string.h>

#include "sim/units.h"
#include "tests/harness.h"

static void test_time_parses_every_unit_exactly(void)
{
    sim_time_t t;
    struct { const char *s; sim_time_t want; } cases[] = {
        { "1.5ms", 1500000000LL }, { "250us", 250000000LL }, { "2s", 2000000000000LL },
        { "1h", 3600000000000000LL }, { "7ps", 7 }, { "3ns", 3000 }, { "0.1s", 100000000000LL },
        { "1e-3s", 1000000000LL }, { "2min", 120000000000000LL }, { "-5ms", -5000000000LL },
        { " 10 ms", 10000000000LL }, { "0s", 0 }, { "1.000000000001s", 1000000000001LL },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        CU_ASSERT_EQUAL_FATAL(time_parse(cases[i].s, &t, NULL, 0), 0);
        CU_ASSERT_EQUAL(t, cases[i].want);
    }
}

static void test_time_rejects_bad_strings_quoting_them(void)
{
    const char *bad[] = { "", "ms", "10", "10 parsecs", "1.5", "1.0000000000001s",
                          "999999999h", "abc", "1..5ms", "--1s" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        sim_time_t t = 42;
        char err[256] = "";
        CU_ASSERT_EQUAL(time_parse(bad[i], &t, err, sizeof err), -1);
        CU_ASSERT_EQUAL(t, 42);
        if (bad[i][0])
            CU_ASSERT_PTR_NOT_NULL(strstr(err, bad[i]));
        CU_ASSERT(strlen(err) > 10);
    }
}

static void test_rate_and_size_parse_si_and_binary_units(void)
{
    bps_t r;
    bytes_t b;
    static const struct { const char *s; bps_t want; } rates[] = {
        { "50Mbps", 50000000ULL }, { "1Gbps", 1000000000ULL }, { "2.5Kbps", 2500ULL },
    };
    static const struct { const char *s; bytes_t want; } sizes[] = {
        { "1500B", 1500ULL }, { "64KiB", 65536ULL }, { "10MB", 10000000ULL },
    };
    for (size_t i = 0; i < sizeof rates / sizeof rates[0]; i++) {
        CU_ASSERT_EQUAL(rate_parse(rates[i].s, &r, NULL, 0), 0);
        CU_ASSERT_EQUAL(r, rates[i].want);
    }
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        CU_ASSERT_EQUAL(size_parse(sizes[i].s, &b, NULL, 0), 0);
        CU_ASSERT_EQUAL(b, sizes[i].want);
    }
    char err[256];
    CU_ASSERT_EQUAL(rate_parse("-5Mbps", &r, err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "-5Mbps"));
    CU_ASSERT_EQUAL(rate_parse("50", &r, err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "missing unit"));
    CU_ASSERT_EQUAL(size_parse("1.5B", &b, err, sizeof err), -1);
    CU_ASSERT_EQUAL(size_parse("10Mbps", &b, err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "unknown unit"));
}

static void test_format_round_trips_through_parse(void)
{
    sim_time_t times[] = { 0, 1, 1500000000LL, 2000000000000LL, 1234567LL, 3600000000000000LL,
                           -250000000LL, 999LL };
    char buf[64];
    for (size_t i = 0; i < sizeof times / sizeof times[0]; i++) {
        sim_time_t back;
        time_format(times[i], buf, sizeof buf);
        CU_ASSERT_EQUAL_FATAL(time_parse(buf, &back, NULL, 0), 0);
        CU_ASSERT_EQUAL(back, times[i]);
    }
    time_format(1500000000LL, buf, sizeof buf);
    CU_ASSERT_STRING_EQUAL(buf, "1.5ms");
    rate_format(50000000ULL, buf, sizeof buf);
    CU_ASSERT_STRING_EQUAL(buf, "50Mbps");
    size_format(65536, buf, sizeof buf);
    CU_ASSERT_STRING_EQUAL(buf, "64KiB");
    size_format(10000000ULL, buf, sizeof buf);
    CU_ASSERT_STRING_EQUAL(buf, "10MB");
}

static void test_serialization_delay_is_exact_to_the_picosecond(void)
{
    /* 1500 B at 1 Gbit/s = 12 us exactly; at 3 bit/s a byte takes 8/3 s, rounded up. */
    CU_ASSERT_EQUAL(time_to_send(1500, 1000000000ULL), 12000000LL);
    CU_ASSERT_EQUAL(time_to_send(1500, 100000000ULL), 120000000LL);
    CU_ASSERT_EQUAL(time_to_send(1, 3), 2666666666667LL);
    CU_ASSERT_EQUAL(time_to_send(1448 + 52, 7000000ULL), 1714285715LL);
}

SUITE(units, NULL, NULL,
      TEST(test_time_parses_every_unit_exactly),
      TEST(test_time_rejects_bad_strings_quoting_them),
      TEST(test_rate_and_size_parse_si_and_binary_units),
      TEST(test_format_round_trips_through_parse),
      TEST(test_serialization_delay_is_exact_to_the_picosecond))
