/* test_scenario.c - scenario files: every kind of error is reported as file:line:column with
 * what was expected; count stamping; the schema comes from the model registry; --set. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/net/node.h"
#include "sim/registry.h"
#include "sim/scenario.h"
#include "sim/world.h"
#include "tests/harness.h"

#define BAD "tests/data/scenarios/bad/"
#define BASE "tests/data/scenarios/base.yaml"

/* Each broken file with the position and a fragment of the message it must produce. The
 * position is checked exactly: a message pointing at the wrong line is a bug. */
static const struct {
    const char *file;
    const char *where; /* "line:col" */
    const char *says;
} bad_cases[] = {
    { "unknown_param.yaml", "10:5", "unknown parameter \"rat\" for kind p2p (`mcpsim help p2p` "
      "lists its parameters); did you mean \"rate\"?" },
    { "unknown_section.yaml", "2:1", "unknown section \"duraton\"" },
    { "unknown_section.yaml", "2:1", "did you mean \"duration\"?" },
    { "missing_unit.yaml", "10:11", "rate: bad rate \"10\": missing unit" },
    { "wrong_type.yaml", "10:12", "delay: expected a time, found a mapping" },
    { "missing_required.yaml", "6:5", "missing required parameter \"node\"" },
    { "missing_duration.yaml", "1:1", "missing required \"duration\"" },
    { "unknown_node.yaml", "9:8", "b \"servr\" is not a node of this scenario; did you mean "
      "\"server\"?" },
    { "duplicate_name.yaml", "6:11", "duplicate name \"phone-2\" (also defined at line 4, "
      "column 11)" },
    { "unknown_kind.yaml", "7:11", "unknown kind \"poison\": expected a model of category app" },
    { "unknown_kind.yaml", "7:11", "did you mean \"poisson\"?" },
    { "wrong_category.yaml", "7:11", "kind \"p2p\" is a link model" },
    { "yaml_syntax.yaml", "4:1", "YAML syntax error: did not find expected ',' or ']'" },
    { "yaml_tab.yaml", "4:1", "YAML syntax error: found character that cannot start any token" },
    { "duplicate_key.yaml", "6:5", "duplicate key \"address\" (first at line 5)" },
    { "sweep_zip_mismatch.yaml", "11:12", "links.l.delay has 2 values but links.l.rate has 3" },
    { "sweep_bad_mode.yaml", "4:9", "sweep.mode: expected product or zip" },
    { "sweep_empty_list.yaml", "10:11", "empty sweep list" },
    { "sweep_unknown_path.yaml", "12:5", "no entry named \"k\" in links" },
    { "sweep_bad_repeat.yaml", "4:11", "sweep.repeat: expected a whole number" },
    { "sweep_twice.yaml", "13:5", "\"links.l.rate\" is swept twice" },
    { "sweep_bad_value.yaml", "10:19", "bad rate \"fast\"" },
    { "bad_count.yaml", "5:12", "count: expected a whole number from 1 to 1000000" },
    { "name_list.yaml", "4:11", "name cannot be a sweep list" },
    { "out_of_range.yaml", "9:11", "port = \"70000\" is out of range: expected 1 to 65535" },
    { "bad_record.yaml", "4:15", "expected on, off or a positive sampling interval" },
    { "bad_record_pattern.yaml", "5:3", "record pattern \"vectr:*.qlen\": unknown kind \"vectr\"" },
    { "bad_index_expr.yaml", "10:11", "node \"a-{j}\" is not a node of this scenario" },
    { "not_a_mapping.yaml", "1:1", "expected a mapping with name, duration" },
    { "bad_seed.yaml", "3:7", "seed: expected a non-negative integer" },
    { "entry_not_map.yaml", "4:5", "expected an entry mapping" },
    { "alias_bomb.yaml", "8:12", "document expands to more than 250000 nodes" },
};

static void test_every_bad_file_names_file_line_column_and_what_was_expected(void)
{
    for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
        char path[256], prefix[300], err[1024] = "";
        struct scenario *sc = NULL;
        snprintf(path, sizeof path, BAD "%s", bad_cases[i].file);
        snprintf(prefix, sizeof prefix, "%s:%s: ", path, bad_cases[i].where);
        int rc = scenario_load(path, NULL, 0, &sc, err, sizeof err);
        CU_ASSERT_EQUAL(rc, -1);
        CU_ASSERT_PTR_NULL(sc);
        bool at = strncmp(err, prefix, strlen(prefix)) == 0;
        bool says = strstr(err, bad_cases[i].says) != NULL;
        if (!at || !says)
            fprintf(stderr, "\n  %s: expected \"%s...%s\", got \"%s\"\n", bad_cases[i].file,
                    prefix, bad_cases[i].says, err);
        CU_ASSERT_TRUE(at);
        CU_ASSERT_TRUE(says);
        scenario_free(sc);
    }
}

static void test_check_command_exits_2_and_prints_the_position(void)
{
    char cmd[512], *out = NULL;
    snprintf(cmd, sizeof cmd, "%s check " BAD "unknown_param.yaml", harness_mcpsim());
    int rc = harness_run(cmd, &out);
    CU_ASSERT_EQUAL(rc, 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, BAD "unknown_param.yaml:10:5: "));
    free(out);
    snprintf(cmd, sizeof cmd, "%s run " BAD "missing_unit.yaml", harness_mcpsim());
    rc = harness_run(cmd, &out);
    CU_ASSERT_EQUAL(rc, 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, BAD "missing_unit.yaml:10:11: "));
    free(out);
}

/* `check` builds every point's models without running them, so what a model refuses when it
 * is created (here a route's syntax, in the second point of a two-point sweep) fails check
 * with the position and the point, as it would fail run; before, check said "valid". */
static void test_check_builds_every_point_and_reports_model_errors(void)
{
    const char *path = harness_write_tmp(
        "check_build.yaml",
        "name: bad\nduration: 1s\nnodes:\n  - name: a\n"
        "    routes: [[\"10.0.0.0/8 via b\"], [\"10.0.0.0/8 thru b\"]]\n"
        "  - name: b\nlinks:\n  - {name: l, a: a, b: b}\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(path);
    char cmd[1024], *out = NULL;
    snprintf(cmd, sizeof cmd, "%s check %s", harness_mcpsim(), path);
    CU_ASSERT_EQUAL(harness_run(cmd, &out), 2);
    CU_ASSERT(out && strstr(out, "check_build.yaml:4:5: ") != NULL);
    CU_ASSERT(out && strstr(out, "thru b") != NULL);
    CU_ASSERT(out && strstr(out, "parameter point 1 of 2") != NULL);
    CU_ASSERT(out && strstr(out, "is valid") == NULL);
    free(out);
    path = harness_write_tmp("check_ok.yaml", "name: ok\nduration: 1s\nnodes:\n  - name: a\n"
                                              "  - name: b\nlinks:\n  - {name: l, a: a, b: b}\n");
    snprintf(cmd, sizeof cmd, "%s check %s", harness_mcpsim(), path);
    CU_ASSERT_EQUAL(harness_run(cmd, &out), 0);
    CU_ASSERT(out && strstr(out, "is valid") != NULL);
    free(out);
}

/* The MCP datapath's parameter table is registered (category "proxy"), so `mcpsim help mcp`
 * lists its parameters, while a scenario cannot place it in a section (there are no proxy
 * nodes yet): the loader names the category it expected. */
static void test_help_lists_the_mcp_parameters_and_scenarios_refuse_the_kind(void)
{
    char cmd[1024], *out = NULL;
    snprintf(cmd, sizeof cmd, "%s help mcp", harness_mcpsim());
    CU_ASSERT_EQUAL(harness_run(cmd, &out), 0);
    CU_ASSERT(out && strstr(out, "steer") != NULL);
    CU_ASSERT(out && strstr(out, "convert_cookie") != NULL);
    free(out);
    const char *path = harness_write_tmp("kind_mcp.yaml", "name: x\nduration: 1s\nnodes:\n"
                                                          "  - name: a\n    kind: mcp\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(path);
    snprintf(cmd, sizeof cmd, "%s check %s", harness_mcpsim(), path);
    CU_ASSERT_EQUAL(harness_run(cmd, &out), 2);
    CU_ASSERT(out && strstr(out, "kind_mcp.yaml:5:11: ") != NULL);
    CU_ASSERT(out && strstr(out, "category node") != NULL);
    free(out);
}

static void test_unreadable_file_is_reported_with_its_path(void)
{
    struct scenario *sc = NULL;
    char err[512];
    CU_ASSERT_EQUAL(scenario_load("tests/data/scenarios/no-such.yaml", NULL, 0, &sc, err,
                                  sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "tests/data/scenarios/no-such.yaml: cannot open"));
}

static const char *param_str(const struct plan_instance *pi, const char *name)
{
    const struct param_def *p = registry_param(pi->def, name);
    return p ? (const char *)pi->config + p->offset : "";
}

static uint64_t param_u64(const struct plan_instance *pi, const char *name)
{
    const struct param_def *p = registry_param(pi->def, name);
    return p ? *(const uint64_t *)((const char *)pi->config + p->offset) : 0;
}

static void test_count_stamps_distinct_names_indices_and_addresses(void)
{
    struct scenario *sc;
    struct scenario_plan plan;
    char err[1024];
    CU_ASSERT_EQUAL_FATAL(scenario_load(BASE, NULL, 0, &sc, err, sizeof err), 0);
    CU_ASSERT_EQUAL_FATAL(scenario_plan(sc, 0, &plan, err, sizeof err), 0);
    /* 3 phones + router + server, 3 radios + bottleneck, 3 sources + 3 sinks, in file
     * order. */
    CU_ASSERT_EQUAL_FATAL(plan.n, 15);
    CU_ASSERT_STRING_EQUAL(plan.inst[0].name, "phone-0");
    CU_ASSERT_STRING_EQUAL(plan.inst[2].name, "phone-2");
    CU_ASSERT_STRING_EQUAL(plan.inst[5].name, "radio-0");
    CU_ASSERT_STRING_EQUAL(param_str(&plan.inst[6], "a"), "phone-1");
    CU_ASSERT_STRING_EQUAL(plan.inst[12].name, "sink-0");
    CU_ASSERT_STRING_EQUAL(param_str(&plan.inst[11], "node"), "phone-2");
    CU_ASSERT_EQUAL(param_u64(&plan.inst[11], "port"), 6002);
    CU_ASSERT_EQUAL(param_u64(&plan.inst[14], "port"), 6002);

    struct world *w;
    struct world_config wc = { .seed = 1, .run = 0, .duration = time_from_ms(1) };
    CU_ASSERT_EQUAL_FATAL(world_build(&plan, &wc, &w, err, sizeof err), 0);
    uint32_t addr[3];
    for (int i = 0; i < 3; i++) {
        char name[32];
        snprintf(name, sizeof name, "phone-%d", i);
        struct net_node *n = net_node_find(world_ctx(w), name, err, sizeof err);
        CU_ASSERT_PTR_NOT_NULL_FATAL(n);
        addr[i] = net_node_addr(n);
    }
    CU_ASSERT_NOT_EQUAL(addr[0], addr[1]);
    CU_ASSERT_NOT_EQUAL(addr[1], addr[2]);
    CU_ASSERT_EQUAL(addr[0], 0x0a000001u); /* 10.0.0.1: first auto address */
    world_free(w);
    scenario_plan_free(&plan);
    scenario_free(sc);
}

/* A model known only to this test: the loader accepts and checks its parameters with no
 * change, because the parameter table is the schema. */
struct probe_config {
    char peer[PARAM_STRING_MAX];
    sim_time_t every;
    int flavour;
};

static const struct param_def probe_params[] = {
    { "peer", PARAM_NODE, offsetof(struct probe_config, peer), NULL, "node probed", NULL, 0, 0 },
    { "every", PARAM_TIME, offsetof(struct probe_config, every), "1s", "period", NULL, 0, 0 },
    { "flavour", PARAM_ENUM, offsetof(struct probe_config, flavour), "plain", "kind of probe",
      "plain|fancy", 0, 0 },
};

static int probe_create(struct model_ctx *ctx, const char *name, const void *config, void **out,
                        char *err, size_t errlen)
{
    (void)ctx, (void)name, (void)config, (void)err, (void)errlen;
    *out = NULL;
    return 0;
}

static const struct model_def probe_model = {
    .kind = "test-probe", .category = "app", .help = "test only", .params = probe_params,
    .nparams = 3, .config_size = sizeof(struct probe_config), .create = probe_create,
};
MODEL_REGISTER(probe_model)

static int write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fputs(text, f);
    return fclose(f);
}

static void test_schema_of_a_new_model_comes_from_its_parameter_table(void)
{
    char path[512], err[1024];
    struct scenario *sc = NULL;
    snprintf(path, sizeof path, "%s/scenario-probe.yaml", harness_tmpdir());
    const char *good = "name: p\nduration: 1s\nnodes:\n  - name: n\napps:\n"
                       "  - name: pr\n    kind: test-probe\n    peer: n\n    every: 5ms\n"
                       "    flavour: fancy\n";
    CU_ASSERT_EQUAL_FATAL(write_file(path, good), 0);
    CU_ASSERT_EQUAL(scenario_load(path, NULL, 0, &sc, err, sizeof err), 0);
    struct scenario_plan plan;
    if (sc && scenario_plan(sc, 0, &plan, err, sizeof err) == 0) {
        const struct probe_config *c = plan.inst[1].config;
        CU_ASSERT_EQUAL(c->every, time_from_ms(5));
        CU_ASSERT_EQUAL(c->flavour, 1);
        scenario_plan_free(&plan);
    }
    scenario_free(sc);
    sc = NULL;
    const char *bad = "name: p\nduration: 1s\nnodes:\n  - name: n\napps:\n"
                      "  - name: pr\n    kind: test-probe\n    peer: n\n    flavor: fancy\n";
    CU_ASSERT_EQUAL_FATAL(write_file(path, bad), 0);
    CU_ASSERT_EQUAL(scenario_load(path, NULL, 0, &sc, err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, ":9:5: app \"pr\": unknown parameter \"flavor\" for kind "
                                       "test-probe"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "did you mean \"flavour\"?"));
    const char *badref = "name: p\nduration: 1s\nnodes:\n  - name: n\napps:\n"
                         "  - name: pr\n    kind: test-probe\n    peer: m\n";
    CU_ASSERT_EQUAL_FATAL(write_file(path, badref), 0);
    CU_ASSERT_EQUAL(scenario_load(path, NULL, 0, &sc, err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, ":8:11: app \"pr\": peer \"m\" is not a node"));
}

static void test_set_overrides_a_parameter_with_the_same_validation(void)
{
    struct scenario *sc = NULL;
    struct scenario_plan plan;
    char err[1024];
    const char *ok[] = { "links.bottleneck.rate=20Mbps", "duration=2s" };
    CU_ASSERT_EQUAL_FATAL(scenario_load(BASE, ok, 2, &sc, err, sizeof err), 0);
    CU_ASSERT_EQUAL_FATAL(scenario_plan(sc, 0, &plan, err, sizeof err), 0);
    const struct param_def *rate = registry_param(plan.inst[8].def, "rate");
    CU_ASSERT_STRING_EQUAL(plan.inst[8].name, "bottleneck");
    CU_ASSERT_EQUAL(*(const bps_t *)((const char *)plan.inst[8].config + rate->offset),
                    20000000u);
    struct scenario_run r;
    CU_ASSERT_EQUAL(scenario_run_info(sc, 0, &r), 0);
    CU_ASSERT_EQUAL(r.duration, time_from_s(2));
    scenario_plan_free(&plan);
    scenario_free(sc);

    const char *typo[] = { "links.bottleneck.rat=20Mbps" };
    CU_ASSERT_EQUAL(scenario_load(BASE, typo, 1, &sc, err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "--set links.bottleneck.rat: link \"bottleneck\": unknown "
                                       "parameter \"rat\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "did you mean \"rate\"?"));
    const char *unit[] = { "apps.src.rate=3" };
    CU_ASSERT_EQUAL(scenario_load(BASE, unit, 1, &sc, err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "--set apps.src.rate: app \"src-0\": rate: bad rate "
                                       "\"3\": missing unit"));
    const char *entry[] = { "links.bottlenek.rate=1Mbps" };
    CU_ASSERT_EQUAL(scenario_load(BASE, entry, 1, &sc, err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "no entry named \"bottlenek\" in links; did you mean "
                                       "\"bottleneck\"?"));
    const char *shape[] = { "bottleneck.rate=1Mbps" };
    CU_ASSERT_EQUAL(scenario_load(BASE, shape, 1, &sc, err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "expected duration, seed or nodes|links|apps.NAME.PARAM"));
}

static void test_index_arithmetic_spreads_copies_over_entries(void)
{
    char path[512], err[1024];
    struct scenario *sc = NULL;
    struct scenario_plan plan;
    snprintf(path, sizeof path, "%s/scenario-spread.yaml", harness_tmpdir());
    CU_ASSERT_EQUAL_FATAL(write_file(path, "name: s\nduration: 1s\nnodes:\n  - name: r\n"
                                           "    count: 2\n  - name: h{i}x\n    count: 5\n"
                                           "    address: 10.9.{i*2}.{i+1}\n"
                                           "links:\n  - name: up\n    count: 5\n    a: h{i}x\n"
                                           "    b: r-{i%2}\n"), 0);
    CU_ASSERT_EQUAL_FATAL(scenario_load(path, NULL, 0, &sc, err, sizeof err), 0);
    CU_ASSERT_EQUAL_FATAL(scenario_plan(sc, 0, &plan, err, sizeof err), 0);
    CU_ASSERT_EQUAL_FATAL(plan.n, 12);
    CU_ASSERT_STRING_EQUAL(plan.inst[2].name, "h0x");
    CU_ASSERT_STRING_EQUAL(param_str(&plan.inst[4], "address"), "10.9.4.3");
    CU_ASSERT_STRING_EQUAL(plan.inst[7].name, "up-0");
    CU_ASSERT_STRING_EQUAL(param_str(&plan.inst[10], "b"), "r-1");
    CU_ASSERT_STRING_EQUAL(param_str(&plan.inst[11], "b"), "r-0");
    scenario_plan_free(&plan);
    scenario_free(sc);
}

static void test_model_refusal_at_build_time_names_the_entry(void)
{
    char path[512], err[1024];
    struct scenario *sc = NULL;
    struct scenario_plan plan;
    struct world *w = NULL;
    snprintf(path, sizeof path, "%s/scenario-loop.yaml", harness_tmpdir());
    CU_ASSERT_EQUAL_FATAL(write_file(path, "name: l\nduration: 1s\nnodes:\n  - name: n\n"
                                           "links:\n  - name: self\n    a: n\n    b: n\n"), 0);
    CU_ASSERT_EQUAL_FATAL(scenario_load(path, NULL, 0, &sc, err, sizeof err), 0);
    CU_ASSERT_EQUAL_FATAL(scenario_plan(sc, 0, &plan, err, sizeof err), 0);
    struct world_config wc = { .duration = time_from_s(1) };
    CU_ASSERT_EQUAL(world_build(&plan, &wc, &w, err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, ":6:5: links \"self\" (p2p): a and b are the same node"));
    scenario_plan_free(&plan);
    scenario_free(sc);
}

SUITE(scenario, NULL, NULL,
      TEST(test_every_bad_file_names_file_line_column_and_what_was_expected),
      TEST(test_check_command_exits_2_and_prints_the_position),
      TEST(test_check_builds_every_point_and_reports_model_errors),
      TEST(test_help_lists_the_mcp_parameters_and_scenarios_refuse_the_kind),
      TEST(test_unreadable_file_is_reported_with_its_path),
      TEST(test_count_stamps_distinct_names_indices_and_addresses),
      TEST(test_schema_of_a_new_model_comes_from_its_parameter_table),
      TEST(test_set_overrides_a_parameter_with_the_same_validation),
      TEST(test_index_arithmetic_spreads_copies_over_entries),
      TEST(test_model_refusal_at_build_time_names_the_entry))
