/* test_scenario_list.c - list-valued parameters in scenario files: a YAML sequence of
 * scalars is one value, a sequence of sequences (or sweep.axes, or --set '[a; b, c]') is a
 * sweep of lists, the old one-string form "a; b" still works, wrong shapes are refused at
 * the item with file:line:column, and run ids of scenarios without lists do not move. */
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/registry.h"
#include "sim/scenario.h"
#include "tests/harness.h"

/* An app model known only to this suite: one list, one node reference. */
struct lister_config {
    struct param_list items;
    char node[PARAM_STRING_MAX];
};

static const struct param_def lister_params[] = {
    { "items", PARAM_LIST, offsetof(struct lister_config, items), "", "strings", NULL, 0, 0 },
    { "node", PARAM_NODE, offsetof(struct lister_config, node), NULL, "a node", NULL, 0, 0 },
};

static int lister_create(struct model_ctx *ctx, const char *name, const void *config,
                         void **out, char *err, size_t errlen)
{
    (void)ctx, (void)name, (void)config, (void)err, (void)errlen;
    *out = NULL;
    return 0;
}

static const struct model_def lister_model = {
    .kind = "test-lister", .category = "app", .help = "test only", .params = lister_params,
    .nparams = 2, .config_size = sizeof(struct lister_config), .create = lister_create,
};
MODEL_REGISTER(lister_model)

#define HEAD "name: l\nduration: 1s\nnodes:\n  - name: n\napps:\n  - name: t\n" \
             "    kind: test-lister\n    node: n\n"

static struct scenario *load(const char *text, const char *const *sets, size_t nsets)
{
    struct scenario *sc = NULL;
    char err[1024];
    const char *path = harness_write_tmp("list.yaml", text);
    if (!path || scenario_load(path, sets, nsets, &sc, err, sizeof err) < 0)
        fprintf(stderr, "\n  %s\n", err);
    return sc;
}

/* The list the lister instance ("t", after node "n") gets at point `point`. */
static struct plan_instance *lister_at(const struct scenario *sc, size_t point,
                                       struct scenario_plan *plan)
{
    char err[1024];
    if (scenario_plan(sc, point, plan, err, sizeof err) < 0) {
        fprintf(stderr, "\n  %s\n", err);
        return NULL;
    }
    for (size_t i = 0; i < plan->n; i++)
        if (plan->inst[i].def == &lister_model)
            return &plan->inst[i];
    return NULL;
}

static const struct param_list *items_of(const struct plan_instance *pi)
{
    return &((const struct lister_config *)pi->config)->items;
}

static void test_sequence_of_scalars_is_one_list_value(void)
{
    const char *forms[] = { HEAD "    items: [a, \"b c\", d]\n",
                            HEAD "    items:\n      - a\n      - b c\n      - d\n" };
    for (size_t f = 0; f < 2; f++) {
        struct scenario *sc = load(forms[f], NULL, 0);
        CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
        CU_ASSERT_EQUAL(scenario_axis_count(sc), 0);
        CU_ASSERT_EQUAL(scenario_point_count(sc), 1);
        struct scenario_plan plan;
        struct plan_instance *pi = lister_at(sc, 0, &plan);
        CU_ASSERT_PTR_NOT_NULL_FATAL(pi);
        const struct param_list *l = items_of(pi);
        CU_ASSERT_EQUAL(l->n, 3);
        if (l->n == 3) {
            CU_ASSERT_STRING_EQUAL(l->items[0], "a");
            CU_ASSERT_STRING_EQUAL(l->items[1], "b c");
            CU_ASSERT_STRING_EQUAL(l->items[2], "d");
        }
        scenario_plan_free(&plan);
        scenario_free(sc);
    }
}

/* The form every list parameter had as a PARAM_STRING stays valid, and an empty sequence is
 * the empty list. */
static void test_one_string_form_splits_on_semicolons(void)
{
    const char *texts[] = { HEAD "    items: \"a; b c ;d;\"\n", HEAD "    items: []\n" };
    const size_t want[] = { 3, 0 };
    for (size_t t = 0; t < 2; t++) {
        struct scenario *sc = load(texts[t], NULL, 0);
        CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
        CU_ASSERT_EQUAL(scenario_point_count(sc), 1);
        struct scenario_plan plan;
        struct plan_instance *pi = lister_at(sc, 0, &plan);
        CU_ASSERT_PTR_NOT_NULL_FATAL(pi);
        CU_ASSERT_EQUAL(items_of(pi)->n, want[t]);
        if (want[t] == 3 && items_of(pi)->n == 3)
            CU_ASSERT_STRING_EQUAL(items_of(pi)->items[1], "b c");
        scenario_plan_free(&plan);
        scenario_free(sc);
    }
}

/* 200 items of about 40 characters (8 kB, 64 times PARAM_STRING_MAX) in a counted entry:
 * every item arrives whole, with {i} substituted per copy. */
static void test_long_list_beyond_the_string_limit_arrives_whole(void)
{
    static char text[16384];
    int n = snprintf(text, sizeof text, "name: l\nduration: 1s\nnodes:\n  - name: n\napps:\n"
                     "  - name: t\n    count: 2\n    kind: test-lister\n    node: n\n"
                     "    items:\n");
    for (int i = 0; i < 200; i++)
        n += snprintf(text + n, sizeof text - (size_t)n,
                      "      - \"10.%d.{i}.0/24 from 100.64.%d.0/24 via router-{i}\"\n", i, i);
    struct scenario *sc = load(text, NULL, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
    struct scenario_plan plan;
    char err[1024];
    CU_ASSERT_EQUAL_FATAL(scenario_plan(sc, 0, &plan, err, sizeof err), 0);
    CU_ASSERT_EQUAL_FATAL(plan.n, 3);
    CU_ASSERT_STRING_EQUAL(plan.inst[2].name, "t-1");
    const struct param_list *l = items_of(&plan.inst[2]);
    CU_ASSERT_EQUAL_FATAL(l->n, 200);
    CU_ASSERT_STRING_EQUAL(l->items[0], "10.0.1.0/24 from 100.64.0.0/24 via router-1");
    CU_ASSERT_STRING_EQUAL(l->items[199], "10.199.1.0/24 from 100.64.199.0/24 via router-1");
    scenario_plan_free(&plan);
    scenario_free(sc);
    /* The one-string form has no length limit either. */
    n = snprintf(text, sizeof text, HEAD "    items: \"");
    for (int i = 0; i < 100; i++)
        n += snprintf(text + n, sizeof text - (size_t)n, "%s10.%d.0.0/16 via router-%d",
                      i ? "; " : "", i, i);
    snprintf(text + n, sizeof text - (size_t)n, "\"\n");
    sc = load(text, NULL, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
    struct plan_instance *pi = lister_at(sc, 0, &plan);
    CU_ASSERT_PTR_NOT_NULL_FATAL(pi);
    CU_ASSERT_EQUAL(items_of(pi)->n, 100);
    if (items_of(pi)->n == 100)
        CU_ASSERT_STRING_EQUAL(items_of(pi)->items[99], "10.99.0.0/16 via router-99");
    scenario_plan_free(&plan);
    scenario_free(sc);
}

static void id_at(const struct scenario *sc, size_t k, char *id)
{
    struct scenario_run r;
    strcpy(id, "none");
    if (scenario_run_info(sc, k, &r) == 0)
        strcpy(id, r.id);
}

/* A sequence of sequences sweeps the list: one point per inner sequence, in order, with its
 * items joined by "; " as the axis value (what the results' parameters table records). A
 * point's run id is the id of the scenario with that list written in place. */
static void test_sequence_of_sequences_is_a_sweep_of_lists(void)
{
    struct scenario *sc = load(HEAD "    items: [[a, b], [c], []]\n", NULL, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
    CU_ASSERT_EQUAL_FATAL(scenario_axis_count(sc), 1);
    CU_ASSERT_STRING_EQUAL(scenario_axis_name(sc, 0), "apps.t.items");
    CU_ASSERT_EQUAL_FATAL(scenario_point_count(sc), 3);
    CU_ASSERT_STRING_EQUAL(scenario_point_axis_value(sc, 0, 0), "a; b");
    CU_ASSERT_STRING_EQUAL(scenario_point_axis_value(sc, 1, 0), "c");
    CU_ASSERT_STRING_EQUAL(scenario_point_axis_value(sc, 2, 0), "");
    CU_ASSERT_STRING_EQUAL(scenario_axis_value(sc, 0, 0), "a; b");
    const size_t want_n[] = { 2, 1, 0 };
    char ids[3][32];
    for (size_t p = 0; p < 3; p++) {
        struct scenario_plan plan;
        struct plan_instance *pi = lister_at(sc, p, &plan);
        CU_ASSERT_PTR_NOT_NULL_FATAL(pi);
        CU_ASSERT_EQUAL(items_of(pi)->n, want_n[p]);
        scenario_plan_free(&plan);
        id_at(sc, p, ids[p]);
    }
    CU_ASSERT_STRING_NOT_EQUAL(ids[0], ids[1]);
    CU_ASSERT_STRING_NOT_EQUAL(ids[1], ids[2]);
    scenario_free(sc);
    const char *single[] = { HEAD "    items: [a, b]\n", HEAD "    items: [c]\n",
                             HEAD "    items: []\n" };
    for (size_t p = 0; p < 3; p++) {
        char id[32];
        sc = load(single[p], NULL, 0);
        CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
        id_at(sc, 0, id);
        CU_ASSERT_STRING_EQUAL(id, ids[p]);
        scenario_free(sc);
    }
    /* A string and the sequence of its items are different texts, hence different ids. */
    char id[32];
    sc = load(HEAD "    items: \"a; b\"\n", NULL, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
    id_at(sc, 0, id);
    CU_ASSERT_STRING_NOT_EQUAL(id, ids[0]);
    scenario_free(sc);
}

/* sweep.axes: every item is a point, a sequence or a string in the text form; the list of
 * paths form orders an inline sweep of lists. Both give the inline sweep's run ids. */
static void test_sweep_axes_sweep_lists_with_the_same_ids(void)
{
    char inline_ids[2][32], id[32];
    struct scenario *sc = load(HEAD "    items: [[a, b], [c]]\n", NULL, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
    id_at(sc, 0, inline_ids[0]);
    id_at(sc, 1, inline_ids[1]);
    scenario_free(sc);
    sc = load(HEAD "    items: [x]\nsweep:\n  axes:\n    apps.t.items: [[a, b], \"c\"]\n",
              NULL, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
    CU_ASSERT_EQUAL(scenario_point_count(sc), 2);
    CU_ASSERT_STRING_EQUAL(scenario_point_axis_value(sc, 0, 0), "a; b");
    CU_ASSERT_STRING_EQUAL(scenario_point_axis_value(sc, 1, 0), "c");
    id_at(sc, 0, id);
    CU_ASSERT_STRING_EQUAL(id, inline_ids[0]);
    struct scenario_plan plan;
    struct plan_instance *pi = lister_at(sc, 1, &plan);
    CU_ASSERT_PTR_NOT_NULL_FATAL(pi);
    CU_ASSERT_EQUAL(items_of(pi)->n, 1);
    scenario_plan_free(&plan);
    scenario_free(sc);
    sc = load(HEAD "    items: [[a, b], [c]]\n  - name: u\n    kind: test-lister\n    node: n\n"
              "    items: [[x], [y]]\nsweep:\n  axes: [apps.u.items, apps.t.items]\n", NULL, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
    CU_ASSERT_EQUAL(scenario_point_count(sc), 4);
    CU_ASSERT_STRING_EQUAL(scenario_axis_name(sc, 0), "apps.u.items");
    CU_ASSERT_STRING_EQUAL(scenario_point_axis_value(sc, 1, 1), "c");
    scenario_free(sc);
}

/* --set: a plain value is the text form; brackets sweep, ',' between points and ';' between
 * items, giving the same nodes (and run ids) as [[a, b], [c]] written in the file. */
static void test_set_takes_the_text_form_and_brackets_sweep_lists(void)
{
    const char *one[] = { "apps.t.items=x; y ;z" };
    struct scenario *sc = load(HEAD "    items: [a]\n", one, 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
    struct scenario_plan plan;
    struct plan_instance *pi = lister_at(sc, 0, &plan);
    CU_ASSERT_PTR_NOT_NULL_FATAL(pi);
    CU_ASSERT_EQUAL(items_of(pi)->n, 3);
    if (items_of(pi)->n == 3)
        CU_ASSERT_STRING_EQUAL(items_of(pi)->items[2], "z");
    scenario_plan_free(&plan);
    scenario_free(sc);
    char file_ids[2][32], id[32];
    sc = load(HEAD "    items: [[a, b], [c]]\n", NULL, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
    id_at(sc, 0, file_ids[0]);
    id_at(sc, 1, file_ids[1]);
    scenario_free(sc);
    const char *sweep[] = { "apps.t.items=[a; b, c]" };
    sc = load(HEAD, sweep, 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
    CU_ASSERT_EQUAL(scenario_point_count(sc), 2);
    CU_ASSERT_STRING_EQUAL(scenario_point_axis_value(sc, 0, 0), "a; b");
    id_at(sc, 0, id);
    CU_ASSERT_STRING_EQUAL(id, file_ids[0]);
    id_at(sc, 1, id);
    CU_ASSERT_STRING_EQUAL(id, file_ids[1]);
    scenario_free(sc);
}

/* Each wrong shape with its exact message; positions are those of the offending node. */
static void test_wrong_list_shapes_are_refused_at_the_item(void)
{
    static const struct {
        const char *yaml, *msg;
    } bad[] = {
        { HEAD "    items: {a: b}\n",
          "list.yaml:9:12: app \"t\": items: expected a list of strings ([a, b], or one string "
          "\"a; b\"), found a mapping" },
        { HEAD "    items: [a, {b: c}]\n",
          "list.yaml:9:16: apps.t.items: item 2: expected a string (or, for a sweep, a list), "
          "found a mapping" },
        { HEAD "    items: [a, [b]]\n",
          "list.yaml:9:16: apps.t.items: item 2 is a list but item 1 is a string: a list value "
          "holds strings ([a, b]), a sweep of list values holds only lists ([[a, b], [c]])" },
        { HEAD "    items:\n      - [a]\n      - b\n",
          "list.yaml:11:9: apps.t.items: item 2 is a string but item 1 is a list: a sweep of "
          "list values holds only lists ([[a, b], [c]]; [x] for one item)" },
        { HEAD "    items: [[a], [b, [c]]]\n",
          "list.yaml:9:22: app \"t\": items: item 2: expected a string, found a list" },
        { HEAD "    items: [a, \"\"]\n",
          "list.yaml:9:12: app \"t\": items: item 2 is empty: expected a non-empty string" },
        { HEAD "    items: [a]\nsweep:\n  axes: [apps.t.items]\n",
          "list.yaml:11:10: sweep.axes: \"apps.t.items\" is a list parameter whose value at "
          "line 9 is one list, not a sweep; write a list of lists there ([[a, b], [c]])" },
        { HEAD "sweep:\n  axes:\n    apps.t.items: [[a], {b: c}]\n",
          "list.yaml:11:25: apps.t.items: a sweep of list values holds lists ([[a, b], [c]]), "
          "found a mapping" },
        { HEAD "    items: [[a], [b]]\nsweep:\n  axes:\n    apps.t.items: [[c]]\n",
          "list.yaml:12:5: \"apps.t.items\" is swept twice: it is already a list at line 9" },
        { "name: l\nduration: 1s\nnodes:\n  - name: n\n  - name: m\nlinks:\n  - name: k\n"
          "    a: n\n    b: m\n    rate: [[1Mbps]]\n",
          "list.yaml:10:12: links.k.rate: a sweep list holds scalar values, found a list" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct scenario *sc = NULL;
        char err[1024] = "";
        const char *path = harness_write_tmp("list.yaml", bad[i].yaml);
        CU_ASSERT_PTR_NOT_NULL_FATAL(path);
        CU_ASSERT_EQUAL(scenario_load(path, NULL, 0, &sc, err, sizeof err), -1);
        const char *rel = strstr(err, "list.yaml:");
        if (!rel || strcmp(rel, bad[i].msg) != 0)
            fprintf(stderr, "\n  case %zu: expected \"%s\", got \"%s\"\n", i, bad[i].msg, err);
        CU_ASSERT_PTR_NOT_NULL(rel);
        CU_ASSERT(rel && strcmp(rel, bad[i].msg) == 0);
        scenario_free(sc);
    }
}

/* The scenario's hash and the ids of its four runs (two points x two repetitions) equal the
 * golden ones, computed by an earlier version of the loader. */
static void check_golden_ids(const char *yaml, const char *hash, const char *const want[4])
{
    struct scenario *sc = load(yaml, NULL, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
    CU_ASSERT_STRING_EQUAL(scenario_hash(sc), hash);
    for (size_t k = 0; k < 4; k++) {
        char id[32];
        id_at(sc, k, id);
        CU_ASSERT_STRING_EQUAL(id, want[k]);
    }
    scenario_free(sc);
}

/* Ids computed by the loader before list parameters existed (commit abea724): a scenario
 * without a list parameter keeps its run ids, so existing result databases resume. The
 * routes value is a string, as every scenario wrote it then. */
static void test_run_ids_of_scenarios_without_lists_are_unchanged(void)
{
    static const char *const want[] = { "b38331f4e24d146c", "294e86c173636801",
                                        "ebc2abaa71141041", "77cc751292fad24d" };
    check_golden_ids("name: golden\nduration: 1s\nnodes:\n  - name: a\n"
                     "    routes: \"10.9.0.0/16 via b; 10.9.0.0/16 from 10.1.0.0/16 via b\"\n"
                     "  - name: b\nlinks:\n  - name: l\n    a: a\n    b: b\n"
                     "    rate: [1Mbps, 2Mbps]\n    delay: 2ms\nsweep:\n  repeat: 2\n",
                     "4c851e14eca3bcac854e43f45d455e06ad77f394fa8dd3b7fbe211505c073990", want);
}

/* Ids computed before interfaces became a list parameter (commit 3dfc04c): a scenario that
 * writes interfaces as one string, as every scenario did then, keeps its hash and run ids. */
static void test_run_ids_of_one_string_interfaces_are_unchanged(void)
{
    static const char *const want[] = { "7b049b93e5b09688", "515a08a1fddd6d90",
                                        "0fc32a7338720f9a", "75fcfc59f31e1e65" };
    check_golden_ids("name: golden-if\nduration: 1ms\nnodes:\n  - name: a\n"
                     "    interfaces: \"l=10.1.0.1; l=2001:db8:1::1,10.1.0.2\"\n"
                     "  - name: b\nlinks:\n  - name: l\n    a: a\n    b: b\n"
                     "    rate: [1Mbps, 2Mbps]\nsweep:\n  repeat: 2\n",
                     "98e3405acc3bd49a622385b12245402f25d5859e1a84e2bf8efcf65bc7c1fa0d", want);
}

/* The results' parameters table records a swept list as its items joined by "; ", and a
 * --set list as written; `mcpsim help node` shows the type of routes and interfaces. */
static void test_results_record_list_values_and_help_shows_the_type(void)
{
    const char *path = harness_write_tmp("list-run.yaml",
                                 "name: lr\nduration: 1ms\nnodes:\n  - name: a\n    routes:\n"
                                 "      - [10.9.0.0/16 via b, 10.8.0.0/16 from 10.1.0.0/16 via b]\n"
                                 "      - [10.7.0.0/16 dev l]\n  - name: b\nlinks:\n"
                                 "  - {name: l, a: a, b: b}\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(path);
    char cmd[2 * PATH_MAX + 1024], bin[PATH_MAX], *out = NULL;
    CU_ASSERT_PTR_NOT_NULL_FATAL(realpath(harness_mcpsim(), bin));
    snprintf(cmd, sizeof cmd, "cd %s && %s run %s --index 0 --quiet --out lr.db && "
             "%s run %s --quiet --out lr.db --set 'nodes.a.routes=10.6.0.0/16 via b; "
             "10.5.0.0/16 via b' && sqlite3 lr.db \"select value from parameters where "
             "name = 'nodes.a.routes' order by value\"", harness_tmpdir(), bin, path, bin,
             path);
    CU_ASSERT_EQUAL(harness_run(cmd, &out), 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(out);
    CU_ASSERT_STRING_EQUAL(out, "10.6.0.0/16 via b; 10.5.0.0/16 via b\n"
                                "10.9.0.0/16 via b; 10.8.0.0/16 from 10.1.0.0/16 via b\n");
    free(out);
    snprintf(cmd, sizeof cmd, "%s help node", harness_mcpsim());
    CU_ASSERT_EQUAL(harness_run(cmd, &out), 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(out);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "  routes               list of strings"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "  interfaces           list of strings"));
    free(out);
    snprintf(cmd, sizeof cmd, "%s run --help", harness_mcpsim());
    CU_ASSERT_EQUAL(harness_run(cmd, &out), 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(out);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "nodes.r.routes=[10.0.0.0/8 via a; 0.0.0.0/0 via b,"));
    free(out);
}

SUITE(scenario_list, NULL, NULL,
      TEST(test_sequence_of_scalars_is_one_list_value),
      TEST(test_one_string_form_splits_on_semicolons),
      TEST(test_long_list_beyond_the_string_limit_arrives_whole),
      TEST(test_sequence_of_sequences_is_a_sweep_of_lists),
      TEST(test_sweep_axes_sweep_lists_with_the_same_ids),
      TEST(test_set_takes_the_text_form_and_brackets_sweep_lists),
      TEST(test_wrong_list_shapes_are_refused_at_the_item),
      TEST(test_run_ids_of_scenarios_without_lists_are_unchanged),
      TEST(test_run_ids_of_one_string_interfaces_are_unchanged),
      TEST(test_results_record_list_values_and_help_shows_the_type))
