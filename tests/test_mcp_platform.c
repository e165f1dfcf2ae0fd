/* test_mcp_platform.c - the datapath's use of its platform interface: the sweep timer
 * expires idle state and releases per-client slots, the memory hook follows the state in
 * use, and the design figures (H1/H6 nominal bytes, routes for source-specific routing) are
 * what protocol.md sections 1.8 and 3.5 give. Exact comparisons. */
#include <string.h>

#include "models/mcp/mcp.h"
#include "tests/harness.h"
#include "tests/mcp_fixture.h"

struct clock_platform {
    mcp_ns_t now, timer_at;
    mcp_timer_fn fn;
    void *arg;
    int64_t mem_total;
    int mem_calls;
};

static mcp_ns_t p_now(void *ctx) { return ((struct clock_platform *)ctx)->now; }

static int p_arm(void *ctx, mcp_ns_t at, mcp_timer_fn fn, void *arg)
{
    struct clock_platform *c = ctx;
    c->timer_at = at, c->fn = fn, c->arg = arg;
    return 0;
}

static void p_cancel(void *ctx, mcp_timer_fn fn, void *arg)
{
    struct clock_platform *c = ctx;
    if (c->fn == fn && c->arg == arg)
        c->fn = NULL;
}

static void p_mem(void *ctx, int64_t delta, uint64_t total)
{
    struct clock_platform *c = ctx;
    (void)delta;
    c->mem_total = (int64_t)total;
    c->mem_calls++;
}

static struct mcp *make(struct clock_platform *c, uint32_t per_client)
{
    struct mcp_config cfg;
    mcp_config_defaults(&cfg);
    cfg.role = MCP_ROLE_UMCP;
    cfg.flow_capacity = 1024;
    cfg.halfopen_max = 1024;
    cfg.cache_entries = 64;
    cfg.pending_per_client = per_client;
    struct mcp_platform p = { .ctx = c, .now_ns = p_now, .timer_arm = p_arm,
                              .timer_cancel = p_cancel, .mem_changed = p_mem };
    struct mcp *m = NULL;
    char err[256];
    CU_ASSERT_EQUAL_FATAL(mcp_create(&cfg, &p, &m, err, sizeof err), 0);
    return m;
}

static void test_sweep_timer_expires_half_open_state_and_frees_client_slots(void)
{
    struct clock_platform c = { .now = 10 * MCP_NS_PER_S };
    struct mcp *m = make(&c, 2);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c.fn); /* armed at creation */
    static uint8_t in[2048], out[4096];
    static const uint8_t mpc[4] = { 30, 4, 0x01, 0x01 };
    struct mcp_verdict v;
    size_t ol;
    for (uint16_t p = 0; p < 3; p++) {
        size_t n = mcpt_syn4(in, 0x0a010102u, (uint16_t)(1000 + p), 0x0a020102u, 80, 0x002, 1,
                             0, mpc, 4, 1);
        mcp_process(m, in, n, MCP_SIDE_CUSTOMER, 0, out, sizeof out, &ol, &v);
        enum mcp_reason want = p < 2 ? MCP_R_SYN_SIGNAL_INSERTED : MCP_R_CLIENT_LIMIT;
        CU_ASSERT_EQUAL(v.reason, want);
    }
    CU_ASSERT_EQUAL(mcp_flows(m), 2);
    CU_ASSERT_EQUAL(c.mem_total, (int64_t)(2 * mcp_flow_entry_size(m)));
    /* 30 s later (timeout_syn) the timer fires and both half-open entries go. */
    int guard = 0;
    while (c.fn && c.timer_at <= 10 * MCP_NS_PER_S + 31 * MCP_NS_PER_S && guard++ < 100) {
        c.now = c.timer_at;
        mcp_timer_fn fn = c.fn;
        c.fn = NULL;
        fn(c.arg, c.now);
    }
    CU_ASSERT_EQUAL(mcp_flows(m), 0);
    CU_ASSERT_EQUAL(mcp_stats(m)->anomalies[MCP_A_EXPIRED], 2);
    /* The client may open connections again: its pending slots were released. */
    c.now += MCP_NS_PER_S;
    size_t n = mcpt_syn4(in, 0x0a010102u, 2000, 0x0a020102u, 80, 0x002, 1, 0, mpc, 4, 1);
    mcp_process(m, in, n, MCP_SIDE_CUSTOMER, 0, out, sizeof out, &ol, &v);
    CU_ASSERT_EQUAL(v.reason, MCP_R_SYN_SIGNAL_INSERTED);
    CU_ASSERT_EQUAL(c.mem_total, (int64_t)mcp_flow_entry_size(m));
    mcp_destroy(m);
    CU_ASSERT_PTR_NULL(c.fn); /* destroy cancels the sweep */
}

static void test_design_costs_match_the_protocol_budgets(void)
{
    static const struct {
        const char *sig, *steer;
        uint32_t syn_opt, per4, per6, syn4;
    } want[] = {
        { "flag", "ssr", 0, 0, 0, 0 },
        { "prefer-proxy", "srcroute", 4, 8, 40, 8 },
        { "intercepted", "tunnel", 4, 20, 40, 20 },
        { "hello", "rewrite", 4, 0, 0, 12 },
        { "none", "ssr", 0, 0, 0, 0 },
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        struct mcpt t;
        mcpt_create(&t, MCP_ROLE_UMCP, want[i].sig, want[i].steer, NULL);
        struct mcp_design_cost c4, c6;
        mcp_design_cost(t.dp, 4, &c4);
        mcp_design_cost(t.dp, 6, &c6);
        CU_ASSERT_EQUAL(c4.syn_option_bytes, want[i].syn_opt);
        CU_ASSERT_EQUAL(c4.per_packet_bytes, want[i].per4);
        CU_ASSERT_EQUAL(c6.per_packet_bytes, want[i].per6);
        CU_ASSERT_EQUAL(c4.syn_extra_bytes, want[i].syn4);
        char routes[512];
        int nr = mcp_routes_needed(t.dp, routes, sizeof routes);
        int want_routes = strcmp(want[i].steer, "ssr") == 0 ? 2 : 0;
        CU_ASSERT_EQUAL(nr, want_routes);
        if (nr)
            CU_ASSERT_PTR_NOT_NULL(strstr(routes, "via 192.0.2.2"));
        mcpt_destroy(&t);
    }
}

static void test_create_rejects_unknown_designs_and_bad_pools(void)
{
    struct mcp_config c;
    struct mcp *m;
    char err[256];
    struct clock_platform cp = { 0 };
    struct mcp_platform p = { .ctx = &cp, .now_ns = p_now };
    mcp_config_defaults(&c);
    snprintf(c.signal, sizeof c.signal, "smoke-signals");
    CU_ASSERT_EQUAL(mcp_create(&c, &p, &m, err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "smoke-signals"));
    mcp_config_defaults(&c);
    snprintf(c.steer, sizeof c.steer, "teleport");
    CU_ASSERT_EQUAL(mcp_create(&c, &p, &m, err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "teleport"));
    mcp_config_defaults(&c);
    c.pool_port_min = 2000, c.pool_port_max = 1000;
    CU_ASSERT_EQUAL(mcp_create(&c, &p, &m, err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "pool"));
    mcp_config_defaults(&c);
    struct mcp_platform noclock = { 0 };
    CU_ASSERT_EQUAL(mcp_create(&c, &noclock, &m, err, sizeof err), -1);
}

SUITE(mcp_platform, NULL, NULL,
      TEST(test_sweep_timer_expires_half_open_state_and_frees_client_slots),
      TEST(test_design_costs_match_the_protocol_budgets),
      TEST(test_create_rejects_unknown_designs_and_bad_pools))
