/* test_mcp_state.c - the datapath's state: flow table, token index, capability cache, SYN
 * cookies, per-client limits. Everything is exact (counts, indexes, verdicts): no tolerance. */
#include <errno.h>
#include <string.h>

#include "models/mcp/mcp_capcache.h"
#include "models/mcp/mcp_cookie.h"
#include "models/mcp/mcp_flow.h"
#include "models/mcp/mcp_limits.h"
#include "tests/harness.h"

#define S (MCP_NS_PER_S)

static struct mcp_tuple tup4(uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport)
{
    struct mcp_tuple k;
    memset(&k, 0, sizeof k);
    k.family = 4;
    for (int i = 0; i < 4; i++) {
        k.src[i] = (uint8_t)(src >> (24 - 8 * i));
        k.dst[i] = (uint8_t)(dst >> (24 - 8 * i));
    }
    k.sport = sport;
    k.dport = dport;
    return k;
}

static struct mcp_tuple reversed(struct mcp_tuple k)
{
    struct mcp_tuple r = k;
    memcpy(r.src, k.dst, 16);
    memcpy(r.dst, k.src, 16);
    r.sport = k.dport;
    r.dport = k.sport;
    return r;
}

static struct mcp_flow_table *table(uint32_t cap, uint32_t halfopen)
{
    struct mcp_flow_config c = { .capacity = cap, .halfopen_max = halfopen,
                                 .timeout_ns = { 10 * S, 100 * S, 20 * S },
                                 .hash_secret = 0x1234 };
    struct mcp_flow_table *t = NULL;
    char err[128];
    CU_ASSERT_EQUAL_FATAL(mcp_flow_create(&c, &t, err, sizeof err), 0);
    return t;
}

static void test_flow_lookup_finds_both_directions_of_a_subflow(void)
{
    struct mcp_flow_table *t = table(64, 64);
    struct mcp_tuple k = tup4(0x0a010102, 40000, 0x0a020102, 80);
    uint32_t i, j;
    bool ev;
    CU_ASSERT_EQUAL(mcp_flow_insert(t, &k, MCP_FS_SYN, 0, &i, &ev), 0);
    CU_ASSERT_EQUAL(mcp_flow_lookup(t, &k, 1), i);
    struct mcp_tuple r = reversed(k);
    CU_ASSERT_EQUAL(mcp_flow_lookup(t, &r, 1), i);
    CU_ASSERT(mcp_flow_from_opener(mcp_flow_get(t, i), &k));
    CU_ASSERT(!mcp_flow_from_opener(mcp_flow_get(t, i), &r));
    CU_ASSERT_EQUAL(mcp_flow_insert(t, &r, MCP_FS_SYN, 0, &j, &ev), -EEXIST);
    CU_ASSERT_EQUAL(j, i);
    struct mcp_tuple other = tup4(0x0a010102, 40001, 0x0a020102, 80);
    CU_ASSERT_EQUAL(mcp_flow_lookup(t, &other, 1), MCP_FLOW_NONE);
    mcp_flow_destroy(t);
}

static void test_flow_entries_expire_per_state_timeout(void)
{
    struct mcp_flow_table *t = table(64, 64);
    struct mcp_tuple a = tup4(1, 1, 2, 2), b = tup4(3, 3, 4, 4);
    uint32_t ia, ib;
    bool ev;
    mcp_flow_insert(t, &a, MCP_FS_SYN, 0, &ia, &ev);
    mcp_flow_insert(t, &b, MCP_FS_SYN, 0, &ib, &ev);
    mcp_flow_set_state(t, ib, MCP_FS_ESTABLISHED, 5 * S);
    CU_ASSERT_EQUAL(mcp_flow_next_expiry(t), 10 * S);
    /* SYN timeout 10 s, established 100 s from its last refresh at 5 s. */
    CU_ASSERT_EQUAL(mcp_flow_expire(t, 10 * S, 100), 1);
    CU_ASSERT_EQUAL(mcp_flow_lookup(t, &a, 10 * S), MCP_FLOW_NONE);
    CU_ASSERT_EQUAL(mcp_flow_lookup(t, &b, 104 * S), ib);
    mcp_flow_touch(t, ib, 104 * S);
    CU_ASSERT_EQUAL(mcp_flow_lookup(t, &b, 200 * S), ib);
    CU_ASSERT_EQUAL(mcp_flow_lookup(t, &b, 204 * S), MCP_FLOW_NONE);
    CU_ASSERT_EQUAL(mcp_flow_count(t), 0);
    mcp_flow_destroy(t);
}

static void test_flow_full_table_recycles_oldest_halfopen_never_established(void)
{
    struct mcp_flow_table *t = table(4, 4);
    uint32_t idx[4];
    bool ev;
    for (uint32_t n = 0; n < 4; n++) {
        struct mcp_tuple k = tup4(10 + n, 1000, 99, 80);
        CU_ASSERT_EQUAL(mcp_flow_insert(t, &k, MCP_FS_SYN, n, &idx[n], &ev), 0);
    }
    mcp_flow_set_state(t, idx[0], MCP_FS_ESTABLISHED, 4);
    mcp_flow_set_state(t, idx[1], MCP_FS_ESTABLISHED, 4);
    /* Full: a new half-open entry recycles the oldest half-open (n = 2). */
    struct mcp_tuple k5 = tup4(50, 1000, 99, 80);
    uint32_t i5;
    CU_ASSERT_EQUAL(mcp_flow_insert(t, &k5, MCP_FS_SYN, 5, &i5, &ev), 0);
    CU_ASSERT(ev);
    struct mcp_tuple k2 = tup4(12, 1000, 99, 80), k3 = tup4(13, 1000, 99, 80);
    CU_ASSERT_EQUAL(mcp_flow_lookup(t, &k2, 5), MCP_FLOW_NONE);
    CU_ASSERT_NOT_EQUAL(mcp_flow_lookup(t, &k3, 5), MCP_FLOW_NONE);
    /* An established insert never evicts: refused. */
    struct mcp_tuple k6 = tup4(60, 1000, 99, 80);
    uint32_t i6;
    CU_ASSERT_EQUAL(mcp_flow_insert(t, &k6, MCP_FS_ESTABLISHED, 6, &i6, &ev), -ENOSPC);
    CU_ASSERT_EQUAL(mcp_flow_count(t), 4);
    CU_ASSERT_EQUAL(mcp_flow_count_state(t, MCP_FS_ESTABLISHED), 2);
    mcp_flow_destroy(t);
}

static void test_flow_halfopen_share_protects_room_for_established(void)
{
    struct mcp_flow_table *t = table(100, 10);
    bool ev;
    uint32_t i;
    for (uint32_t n = 0; n < 1000; n++) {
        struct mcp_tuple k = tup4(n, 1, 7, 80);
        CU_ASSERT_EQUAL(mcp_flow_insert(t, &k, MCP_FS_SYN, n, &i, &ev), 0);
    }
    CU_ASSERT_EQUAL(mcp_flow_count_state(t, MCP_FS_SYN), 10);
    struct mcp_tuple e = tup4(5000, 1, 7, 80);
    CU_ASSERT_EQUAL(mcp_flow_insert(t, &e, MCP_FS_ESTABLISHED, 1000, &i, &ev), 0);
    CU_ASSERT_FALSE(ev);
    mcp_flow_destroy(t);
}

static void test_flow_index_survives_heavy_churn(void)
{
    /* Many inserts/removes exercise backward-shift deletion: every live entry must stay
     * reachable and every removed one must be gone. */
    struct mcp_flow_table *t = table(512, 512);
    uint32_t idx[2000];
    bool ev;
    for (uint32_t n = 0; n < 2000; n++) {
        struct mcp_tuple k = tup4(n * 2654435761u, (uint16_t)n, 3, 443);
        if (n >= 400)
            mcp_flow_remove(t, idx[n - 400]);
        CU_ASSERT_EQUAL_FATAL(mcp_flow_insert(t, &k, MCP_FS_ESTABLISHED, 0, &idx[n], &ev), 0);
    }
    for (uint32_t n = 0; n < 2000; n++) {
        struct mcp_tuple k = tup4(n * 2654435761u, (uint16_t)n, 3, 443);
        uint32_t got = mcp_flow_lookup(t, &k, 1);
        uint32_t want = n >= 1600 ? idx[n] : MCP_FLOW_NONE;
        CU_ASSERT_EQUAL(got, want);
    }
    CU_ASSERT_EQUAL(mcp_flow_count(t), 400);
    CU_ASSERT_EQUAL(mcp_flow_bytes_in_use(t), 400 * mcp_flow_entry_bytes(t));
    mcp_flow_destroy(t);
}

static void test_token_index_finds_connection_and_rejects_collision(void)
{
    struct mcp_flow_table *t = table(16, 16);
    struct mcp_tuple a = tup4(1, 1, 2, 2), b = tup4(3, 3, 4, 4);
    uint32_t ia, ib;
    bool ev;
    mcp_flow_insert(t, &a, MCP_FS_ESTABLISHED, 0, &ia, &ev);
    mcp_flow_insert(t, &b, MCP_FS_ESTABLISHED, 0, &ib, &ev);
    CU_ASSERT_EQUAL(mcp_flow_bind_token(t, ia, 0xa9374ac9), 0);
    CU_ASSERT_EQUAL(mcp_flow_by_token(t, 0xa9374ac9, 1), ia);
    CU_ASSERT_EQUAL(mcp_flow_bind_token(t, ib, 0xa9374ac9), -EEXIST);
    CU_ASSERT_EQUAL(mcp_flow_by_token(t, 0xde464bc7, 1), MCP_FLOW_NONE);
    mcp_flow_remove(t, ia);
    CU_ASSERT_EQUAL(mcp_flow_by_token(t, 0xa9374ac9, 1), MCP_FLOW_NONE);
    CU_ASSERT_EQUAL(mcp_flow_bind_token(t, ib, 0xa9374ac9), 0);
    CU_ASSERT_EQUAL(mcp_flow_by_token(t, 0xa9374ac9, 1), ib);
    mcp_flow_destroy(t);
}

static void test_linked_entries_are_removed_together(void)
{
    /* The two legs of a rewritten flow: removing or expiring either removes both. */
    struct mcp_flow_table *t = table(16, 16);
    struct mcp_tuple a = tup4(1, 1, 2, 2), b = tup4(1, 1, 3, 2), c = tup4(5, 5, 6, 6),
                     d = tup4(5, 5, 7, 6);
    uint32_t ia, ib, ic, id;
    bool ev;
    mcp_flow_insert(t, &a, MCP_FS_ESTABLISHED, 0, &ia, &ev);
    mcp_flow_insert(t, &b, MCP_FS_ESTABLISHED, 0, &ib, &ev);
    mcp_flow_link(t, ia, ib);
    mcp_flow_remove(t, ia);
    CU_ASSERT_EQUAL(mcp_flow_count(t), 0);
    mcp_flow_insert(t, &c, MCP_FS_SYN, 0, &ic, &ev);
    mcp_flow_insert(t, &d, MCP_FS_ESTABLISHED, 0, &id, &ev);
    mcp_flow_link(t, ic, id);
    CU_ASSERT_EQUAL(mcp_flow_expire(t, 10 * S, 100), 2); /* the SYN entry's 10 s timeout */
    CU_ASSERT_EQUAL(mcp_flow_lookup(t, &d, 10 * S), MCP_FLOW_NONE);
    mcp_flow_destroy(t);
}

static void test_flow_create_rejects_bad_configuration(void)
{
    struct mcp_flow_config c = { .capacity = 0, .halfopen_max = 1, .timeout_ns = { 1, 1, 1 } };
    struct mcp_flow_table *t;
    char err[128] = "";
    CU_ASSERT_EQUAL(mcp_flow_create(&c, &t, err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "capacity"));
    c.capacity = 10, c.halfopen_max = 11;
    CU_ASSERT_EQUAL(mcp_flow_create(&c, &t, err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "half-open"));
}

/* ---- capability cache ---- */

static struct mcp_capcache *cache(uint32_t entries, uint32_t ways)
{
    struct mcp_capcache_config c = { entries, ways, 60 * S, 99 };
    struct mcp_capcache *cc = NULL;
    char err[128];
    CU_ASSERT_EQUAL_FATAL(mcp_capcache_create(&c, &cc, err, sizeof err), 0);
    return cc;
}

static void addr_of(uint32_t v, uint8_t a[16])
{
    memset(a, 0, 16);
    a[0] = (uint8_t)(v >> 24), a[1] = (uint8_t)(v >> 16), a[2] = (uint8_t)(v >> 8);
    a[3] = (uint8_t)v;
}

static void test_capcache_remembers_verdict_until_ttl(void)
{
    struct mcp_capcache *c = cache(64, 4);
    uint8_t a[16];
    addr_of(0x0a020202, a);
    CU_ASSERT_EQUAL(mcp_capcache_get(c, 0, 4, a, 80, 0), MCP_CAP_UNKNOWN);
    mcp_capcache_put(c, 0, 4, a, 80, MCP_CAP_MPTCP, 0);
    CU_ASSERT_EQUAL(mcp_capcache_get(c, 0, 4, a, 80, 59 * S), MCP_CAP_MPTCP);
    CU_ASSERT_EQUAL(mcp_capcache_get(c, 0, 4, a, 443, 1), MCP_CAP_UNKNOWN);
    mcp_capcache_put(c, 0, 4, a, 80, MCP_CAP_TCP_ONLY, 1);
    CU_ASSERT_EQUAL(mcp_capcache_get(c, 0, 4, a, 80, 2), MCP_CAP_TCP_ONLY);
    CU_ASSERT_EQUAL(mcp_capcache_get(c, 0, 4, a, 80, 61 * S + 1), MCP_CAP_UNKNOWN);
    CU_ASSERT_EQUAL(mcp_capcache_stats(c)->expirations, 1);
    mcp_capcache_destroy(c);
}

static void test_capcache_per_interface_keys_are_independent(void)
{
    /* Phone placement: the same server known capable on WiFi (iface 1) stays unknown on LTE
     * (iface 2) — cold start per interface, H10. */
    struct mcp_capcache *c = cache(64, 4);
    uint8_t a[16];
    addr_of(0x0a020202, a);
    mcp_capcache_put(c, 1, 4, a, 80, MCP_CAP_MPTCP, 0);
    CU_ASSERT_EQUAL(mcp_capcache_get(c, 1, 4, a, 80, 1), MCP_CAP_MPTCP);
    CU_ASSERT_EQUAL(mcp_capcache_get(c, 2, 4, a, 80, 1), MCP_CAP_UNKNOWN);
    mcp_capcache_destroy(c);
}

static void test_capcache_evicts_least_recently_used_and_stays_bounded(void)
{
    /* One set of 4 ways: the fifth insert evicts the least recently used one. */
    struct mcp_capcache *c = cache(4, 4);
    uint8_t a[16];
    for (uint32_t n = 0; n < 4; n++) {
        addr_of(n + 1, a);
        mcp_capcache_put(c, 0, 4, a, 80, MCP_CAP_MPTCP, n);
    }
    addr_of(1, a);
    CU_ASSERT_EQUAL(mcp_capcache_get(c, 0, 4, a, 80, 10), MCP_CAP_MPTCP); /* 1 now recent */
    addr_of(5, a);
    mcp_capcache_put(c, 0, 4, a, 80, MCP_CAP_TCP_ONLY, 11);
    addr_of(2, a);
    CU_ASSERT_EQUAL(mcp_capcache_get(c, 0, 4, a, 80, 12), MCP_CAP_UNKNOWN);
    addr_of(1, a);
    CU_ASSERT_EQUAL(mcp_capcache_get(c, 0, 4, a, 80, 12), MCP_CAP_MPTCP);
    /* A random-destination flood keeps the cache at its capacity. */
    struct mcp_capcache *big = cache(1024, 8);
    size_t bytes = mcp_capcache_bytes(big);
    for (uint32_t n = 0; n < 100000; n++) {
        addr_of(n * 2654435761u, a);
        mcp_capcache_put(big, 0, 4, a, 80, MCP_CAP_TCP_ONLY, 100);
    }
    CU_ASSERT_EQUAL(mcp_capcache_count(big, 101), 1024);
    CU_ASSERT_EQUAL(mcp_capcache_bytes(big), bytes);
    CU_ASSERT_EQUAL(mcp_capcache_stats(big)->evictions, 100000 - 1024);
    mcp_capcache_destroy(big);
    mcp_capcache_destroy(c);
}

/* ---- cookies ---- */

static struct mcp_cookie_jar *jar(void)
{
    struct mcp_cookie_config c = { .period_ns = 64 * S, .max_age = 2 };
    memcpy(c.secret, "0123456789abcdef0123456789abcdef", 32);
    struct mcp_cookie_jar *j = NULL;
    char err[128];
    CU_ASSERT_EQUAL_FATAL(mcp_cookie_create(&c, &j, err, sizeof err), 0);
    return j;
}

static void test_cookie_valid_ack_recovers_mss(void)
{
    struct mcp_cookie_jar *j = jar();
    struct mcp_tuple k = tup4(0x0a010102, 40000, 0x0a020102, 80);
    uint32_t isn = 0x11223344;
    uint32_t ck = mcp_cookie_make(j, &k, isn, 1448, 1000 * S);
    uint16_t mss = 0;
    CU_ASSERT_EQUAL(mcp_cookie_check(j, &k, isn + 1, ck + 1, 1000 * S + 5, &mss),
                    MCP_COOKIE_VALID);
    CU_ASSERT_EQUAL(mss, 1440); /* largest table value <= 1448 */
    /* Still valid in the next period (max age 2). */
    CU_ASSERT_EQUAL(mcp_cookie_check(j, &k, isn + 1, ck + 1, 1000 * S + 64 * S, &mss),
                    MCP_COOKIE_VALID);
    mcp_cookie_destroy(j);
}

static void test_cookie_expired_and_forged_are_told_apart(void)
{
    struct mcp_cookie_jar *j = jar();
    struct mcp_tuple k = tup4(0x0a010102, 40000, 0x0a020102, 80);
    uint32_t ck = mcp_cookie_make(j, &k, 7, 1460, 0);
    uint16_t mss;
    CU_ASSERT_EQUAL(mcp_cookie_check(j, &k, 8, ck + 1, 3 * 64 * S, &mss), MCP_COOKIE_EXPIRED);
    CU_ASSERT_EQUAL(mcp_cookie_check(j, &k, 8, (ck ^ 0x10) + 1, 0, &mss), MCP_COOKIE_FORGED);
    CU_ASSERT_EQUAL(mcp_cookie_check(j, &k, 9, ck + 1, 0, &mss), MCP_COOKIE_FORGED);
    struct mcp_tuple other = tup4(0x0a010103, 40000, 0x0a020102, 80);
    CU_ASSERT_EQUAL(mcp_cookie_check(j, &other, 8, ck + 1, 0, &mss), MCP_COOKIE_FORGED);
    /* Out of 2^24 random guesses about one in 2^24 passes: a fixed guess must fail. */
    CU_ASSERT_EQUAL(mcp_cookie_check(j, &k, 8, 0x12345678, 0, &mss), MCP_COOKIE_FORGED);
    CU_ASSERT_NOT_EQUAL(mcp_cookie_mptcp_key(j, &k), mcp_cookie_mptcp_key(j, &other));
    mcp_cookie_destroy(j);
}

/* ---- limits ---- */

static struct mcp_limits *limits(uint32_t per_client, uint32_t rate, uint32_t burst)
{
    struct mcp_limits_config c = { .pending_per_client = per_client, .counter_bits = 12,
                                   .error_rate_per_s = rate, .error_burst = burst,
                                   .backoff_s = 0, .hash_secret = 5 };
    struct mcp_limits *l = NULL;
    char err[128];
    CU_ASSERT_EQUAL_FATAL(mcp_limits_create(&c, &l, err, sizeof err), 0);
    return l;
}

static void test_limits_cap_pending_connections_per_client(void)
{
    struct mcp_limits *l = limits(3, 0, 0);
    uint8_t a[16], b[16];
    addr_of(0x0a010102, a);
    addr_of(0x0a010103, b);
    for (int n = 0; n < 3; n++)
        CU_ASSERT_EQUAL(mcp_limits_pending_take(l, 4, a), 0);
    CU_ASSERT_EQUAL(mcp_limits_pending_take(l, 4, a), -EBUSY);
    CU_ASSERT_EQUAL(mcp_limits_pending_take(l, 4, b), 0);
    mcp_limits_pending_release(l, 4, a);
    CU_ASSERT_EQUAL(mcp_limits_pending_take(l, 4, a), 0);
    CU_ASSERT(mcp_limits_side_allowed(l, MCP_SIDE_CUSTOMER));
    CU_ASSERT_FALSE(mcp_limits_side_allowed(l, MCP_SIDE_NETWORK));
    mcp_limits_destroy(l);
}

static void test_limits_rate_limit_errors_and_back_off(void)
{
    struct mcp_limits *l = limits(0, 10, 2); /* 10/s, burst 2 */
    mcp_ns_t t0 = 5 * S;
    CU_ASSERT(mcp_limits_error_allowed(l, t0));
    CU_ASSERT(mcp_limits_error_allowed(l, t0));
    CU_ASSERT_FALSE(mcp_limits_error_allowed(l, t0));
    CU_ASSERT_FALSE(mcp_limits_error_allowed(l, t0 + 99 * MCP_NS_PER_MS));
    CU_ASSERT(mcp_limits_error_allowed(l, t0 + 100 * MCP_NS_PER_MS));
    /* Over 10 s at most burst + 10/s x 10 s replies. */
    int sent = 0;
    for (int ms = 0; ms < 10000; ms++)
        sent += mcp_limits_error_allowed(l, 10 * S + ms * MCP_NS_PER_MS);
    CU_ASSERT(sent >= 100 && sent <= 102);
    CU_ASSERT_FALSE(mcp_limits_in_backoff(l, 0));
    mcp_limits_note_resource_exceeded(l, 0, 100 * S);
    CU_ASSERT(mcp_limits_in_backoff(l, 129 * S));
    CU_ASSERT_FALSE(mcp_limits_in_backoff(l, 130 * S));
    mcp_limits_destroy(l);
}

SUITE(mcp_state, NULL, NULL,
      TEST(test_flow_lookup_finds_both_directions_of_a_subflow),
      TEST(test_flow_entries_expire_per_state_timeout),
      TEST(test_flow_full_table_recycles_oldest_halfopen_never_established),
      TEST(test_flow_halfopen_share_protects_room_for_established),
      TEST(test_flow_index_survives_heavy_churn),
      TEST(test_token_index_finds_connection_and_rejects_collision),
      TEST(test_linked_entries_are_removed_together),
      TEST(test_flow_create_rejects_bad_configuration),
      TEST(test_capcache_remembers_verdict_until_ttl),
      TEST(test_capcache_per_interface_keys_are_independent),
      TEST(test_capcache_evicts_least_recently_used_and_stays_bounded),
      TEST(test_cookie_valid_ack_recovers_mss),
      TEST(test_cookie_expired_and_forged_are_told_apart),
      TEST(test_limits_cap_pending_connections_per_client),
      TEST(test_limits_rate_limit_errors_and_back_off))
