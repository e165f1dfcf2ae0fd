/* test_registry.c - model registry and typed parameters: defaults, every type, clear errors. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/registry.h"
#include "tests/harness.h"

struct toy_config {
    bool flag;
    int64_t count;
    double loss;
    sim_time_t delay;
    bps_t rate;
    bytes_t queue;
    int cc;
    char label[PARAM_STRING_MAX];
};

static const struct param_def toy_params[] = {
    { "flag", PARAM_BOOL, offsetof(struct toy_config, flag), "true", "a switch", NULL, 0, 0 },
    { "count", PARAM_INT, offsetof(struct toy_config, count), "3", "how many", NULL, 1, 100 },
    { "loss", PARAM_PROB, offsetof(struct toy_config, loss), "0", "drop probability", NULL, 0, 0 },
    { "delay", PARAM_TIME, offsetof(struct toy_config, delay), "5ms", "one-way delay", NULL, 0, 0 },
    { "rate", PARAM_RATE, offsetof(struct toy_config, rate), "10Mbps", "link rate", NULL, 0, 0 },
    { "queue", PARAM_SIZE, offsetof(struct toy_config, queue), "64KiB", "buffer", NULL, 0, 0 },
    { "cc", PARAM_ENUM, offsetof(struct toy_config, cc), "cubic", "congestion control",
      "reno|cubic|lia", 0, 0 },
    { "label", PARAM_STRING, offsetof(struct toy_config, label), NULL, "required name", NULL, 0, 0 },
};

static const struct model_def toy_model = {
    .kind = "test-toy", .category = "test", .help = "a model used only by the tests",
    .params = toy_params, .nparams = sizeof toy_params / sizeof toy_params[0],
    .config_size = sizeof(struct toy_config), .create = NULL,
};
MODEL_REGISTER(toy_model)

static void test_registered_model_is_found_by_kind(void)
{
    CU_ASSERT_PTR_EQUAL(registry_find("test-toy"), &toy_model);
    CU_ASSERT_PTR_NULL(registry_find("no-such-model"));
    CU_ASSERT_PTR_NOT_NULL(registry_param(&toy_model, "delay"));
    CU_ASSERT_PTR_NULL(registry_param(&toy_model, "dealy"));
}

static void test_defaults_fill_every_typed_field(void)
{
    struct toy_config c;
    char err[256];
    CU_ASSERT_EQUAL_FATAL(param_defaults(&toy_model, &c, err, sizeof err), 0);
    CU_ASSERT_TRUE(c.flag);
    CU_ASSERT_EQUAL(c.count, 3);
    CU_ASSERT_EQUAL(c.delay, 5000000000LL);
    CU_ASSERT_EQUAL(c.rate, 10000000ULL);
    CU_ASSERT_EQUAL(c.queue, 65536ULL);
    CU_ASSERT_EQUAL(c.cc, 1);
    CU_ASSERT_STRING_EQUAL(c.label, "");
}

static void test_bad_values_name_parameter_and_expectation(void)
{
    struct toy_config c;
    char err[256];
    param_defaults(&toy_model, &c, err, sizeof err);
    CU_ASSERT_EQUAL(param_set(registry_param(&toy_model, "cc"), &c, "vegas", err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "reno|cubic|lia"));
    CU_ASSERT_EQUAL(param_set(registry_param(&toy_model, "count"), &c, "500", err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "out of range"));
    CU_ASSERT_EQUAL(param_set(registry_param(&toy_model, "loss"), &c, "1.5", err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "probability"));
    CU_ASSERT_EQUAL(param_set(registry_param(&toy_model, "delay"), &c, "5", err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "delay"));
    CU_ASSERT_EQUAL(param_set(registry_param(&toy_model, "flag"), &c, "maybe", err, sizeof err), -1);
    CU_ASSERT_EQUAL(c.cc, 1);
}

static void test_format_gives_back_the_string_form(void)
{
    struct toy_config c;
    char err[256], buf[64];
    param_defaults(&toy_model, &c, err, sizeof err);
    param_format(registry_param(&toy_model, "cc"), &c, buf, sizeof buf);
    CU_ASSERT_STRING_EQUAL(buf, "cubic");
    param_format(registry_param(&toy_model, "delay"), &c, buf, sizeof buf);
    CU_ASSERT_STRING_EQUAL(buf, "5ms");
    param_format(registry_param(&toy_model, "rate"), &c, buf, sizeof buf);
    CU_ASSERT_STRING_EQUAL(buf, "10Mbps");
}

/* A model with list parameters, separate from the toy so that the toy's tests need no
 * param_free: a list with a non-empty default owns memory. */
struct lists_config {
    struct param_list hosts;
    struct param_list empty;
    char label[PARAM_STRING_MAX];
};

static const struct param_def lists_params[] = {
    { "hosts", PARAM_LIST, offsetof(struct lists_config, hosts), "a; b c ;; d ;", "hosts",
      NULL, 0, 0 },
    { "empty", PARAM_LIST, offsetof(struct lists_config, empty), "", "none by default", NULL,
      0, 0 },
    { "label", PARAM_STRING, offsetof(struct lists_config, label), "x", "a string", NULL, 0, 0 },
};

static const struct model_def lists_model = {
    .kind = "test-lists", .category = "test", .help = "list parameters, for the tests",
    .params = lists_params, .nparams = sizeof lists_params / sizeof lists_params[0],
    .config_size = sizeof(struct lists_config), .create = NULL,
};
MODEL_REGISTER(lists_model)

static void test_list_text_form_splits_on_semicolons_and_trims_items(void)
{
    struct lists_config c;
    char err[256];
    CU_ASSERT_EQUAL_FATAL(param_defaults(&lists_model, &c, err, sizeof err), 0);
    /* "a; b c ;; d ;": empty items dropped, inner spaces kept, outer spaces trimmed. */
    CU_ASSERT_EQUAL_FATAL(c.hosts.n, 3);
    CU_ASSERT_STRING_EQUAL(c.hosts.items[0], "a");
    CU_ASSERT_STRING_EQUAL(c.hosts.items[1], "b c");
    CU_ASSERT_STRING_EQUAL(c.hosts.items[2], "d");
    CU_ASSERT_EQUAL(c.empty.n, 0);
    CU_ASSERT_PTR_NULL(c.empty.items);
    CU_ASSERT_STRING_EQUAL(param_type_name(PARAM_LIST), "list of strings");
    /* Setting again replaces the value (ASan's leak check sees a lost old list). */
    CU_ASSERT_EQUAL(param_set(registry_param(&lists_model, "hosts"), &c, " ; ", err,
                              sizeof err), 0);
    CU_ASSERT_EQUAL(c.hosts.n, 0);
    CU_ASSERT_EQUAL(param_set(registry_param(&lists_model, "hosts"), &c, "only", err,
                              sizeof err), 0);
    CU_ASSERT_EQUAL_FATAL(c.hosts.n, 1);
    CU_ASSERT_STRING_EQUAL(c.hosts.items[0], "only");
    param_free(&lists_model, &c);
    CU_ASSERT_EQUAL(c.hosts.n, 0);
    CU_ASSERT_PTR_NULL(c.hosts.items);
    param_free(&lists_model, &c); /* idempotent */
}

/* Far beyond PARAM_STRING_MAX in total and per item: nothing is truncated. */
static void test_long_list_keeps_every_item_whole(void)
{
    enum { N = 300 };
    static char text[N * 64], big[4000];
    static char item[N][40];
    const char *items[N + 1];
    size_t used = 0;
    for (size_t i = 0; i < N; i++) {
        snprintf(item[i], sizeof item[i], "10.%zu.%zu.0/24 via router-%zu", i / 256, i % 256, i);
        items[i] = item[i];
        used += (size_t)snprintf(text + used, sizeof text - used, "%s%s", i ? "; " : "", item[i]);
    }
    memset(big, 'x', sizeof big - 1);
    items[N] = big;
    struct lists_config c;
    char err[256];
    CU_ASSERT_EQUAL_FATAL(param_defaults(&lists_model, &c, err, sizeof err), 0);
    const struct param_def *p = registry_param(&lists_model, "hosts");
    CU_ASSERT_EQUAL_FATAL(param_set(p, &c, text, err, sizeof err), 0);
    CU_ASSERT_EQUAL_FATAL(c.hosts.n, N);
    CU_ASSERT_STRING_EQUAL(c.hosts.items[N - 1], item[N - 1]);
    /* The text form comes back exactly (items joined by "; "). */
    static char back[sizeof text];
    CU_ASSERT_EQUAL(param_format(p, &c, back, sizeof back), (int)used);
    CU_ASSERT_STRING_EQUAL(back, text);
    /* From an array: items copied as they are, a 3999-character item included. */
    CU_ASSERT_EQUAL_FATAL(param_set_list(p, &c, items, N + 1, err, sizeof err), 0);
    CU_ASSERT_EQUAL_FATAL(c.hosts.n, N + 1);
    CU_ASSERT_EQUAL(strlen(c.hosts.items[N]), sizeof big - 1);
    CU_ASSERT_STRING_EQUAL(c.hosts.items[7], item[7]);
    param_free(&lists_model, &c);
}

static void test_list_format_truncates_but_reports_the_full_length(void)
{
    struct lists_config c;
    char err[256], buf[6];
    CU_ASSERT_EQUAL_FATAL(param_defaults(&lists_model, &c, err, sizeof err), 0);
    const struct param_def *p = registry_param(&lists_model, "hosts");
    /* "a; b c; d" is 9 characters; 5 fit with the NUL. */
    CU_ASSERT_EQUAL(param_format(p, &c, buf, sizeof buf), 9);
    CU_ASSERT_STRING_EQUAL(buf, "a; b ");
    CU_ASSERT_EQUAL(param_format(registry_param(&lists_model, "empty"), &c, buf, sizeof buf), 0);
    CU_ASSERT_STRING_EQUAL(buf, "");
    param_free(&lists_model, &c);
}

static void test_list_refuses_empty_items_and_non_list_parameters(void)
{
    struct lists_config c;
    char err[256];
    CU_ASSERT_EQUAL_FATAL(param_defaults(&lists_model, &c, err, sizeof err), 0);
    const char *items[] = { "a", "", "c" };
    CU_ASSERT_EQUAL(param_set_list(registry_param(&lists_model, "hosts"), &c, items, 3, err,
                                   sizeof err), -1);
    CU_ASSERT_STRING_EQUAL(err, "hosts: item 2 is empty: expected a non-empty string");
    CU_ASSERT_EQUAL(c.hosts.n, 3); /* unchanged on error */
    CU_ASSERT_EQUAL(param_set_list(registry_param(&lists_model, "label"), &c, items, 1, err,
                                   sizeof err), -1);
    CU_ASSERT_STRING_EQUAL(err, "label: expected a string, found a list");
    CU_ASSERT_STRING_EQUAL(c.label, "x");
    param_free(&lists_model, &c);
}

static void test_help_command_lists_parameters_and_rejects_unknown_model(void)
{
    char cmd[512], *out = NULL;
    snprintf(cmd, sizeof cmd, "%s help no-such-model", harness_mcpsim());
    CU_ASSERT_EQUAL(harness_run(cmd, &out), 2);
    CU_ASSERT(out && strstr(out, "unknown model"));
    free(out);
    snprintf(cmd, sizeof cmd, "%s frobnicate", harness_mcpsim());
    CU_ASSERT_EQUAL(harness_run(cmd, &out), 2);
    CU_ASSERT(out && strstr(out, "unknown command"));
    free(out);
    snprintf(cmd, sizeof cmd, "%s --bogus", harness_mcpsim());
    CU_ASSERT_EQUAL(harness_run(cmd, &out), 2);
    free(out);
    snprintf(cmd, sizeof cmd, "%s --version", harness_mcpsim());
    CU_ASSERT_EQUAL(harness_run(cmd, &out), 0);
    CU_ASSERT(out && strstr(out, "commit"));
    free(out);
}

/* Every numeric parameter of every registered model has a documented range that param_set
 * enforces: integers and plain numbers carry explicit bounds in their table (their type has
 * none worth the name), and every default lies inside the range. This is what keeps a
 * negative period, a zero count or an overflowing value out of the models (the crashes of
 * issue 15); a new parameter without a range fails here. Compared against: the tables
 * themselves, so no tolerance. */
static void test_every_numeric_parameter_has_a_range_holding_its_default(void)
{
    const struct model_def *defs[256];
    size_t n = registry_list(defs, 256), missing = 0;
    CU_ASSERT_FATAL(n <= 256);
    for (size_t i = 0; i < n; i++) {
        if (strcmp(defs[i]->category, "test") == 0)
            continue;
        for (size_t k = 0; k < defs[i]->nparams; k++) {
            const struct param_def *p = &defs[i]->params[k];
            if (!param_is_numeric(p->type))
                continue;
            bool explicit = p->min < p->max;
            bool needs = p->type == PARAM_INT || p->type == PARAM_UINT ||
                         p->type == PARAM_DOUBLE;
            if (needs && !explicit) {
                fprintf(stderr, "\n  %s.%s (%s): no range in its table", defs[i]->kind,
                        p->name, param_type_name(p->type));
                missing++;
            }
            if (!p->default_value)
                continue;
            char *config = calloc(1, defs[i]->config_size), err[256];
            CU_ASSERT_PTR_NOT_NULL_FATAL(config);
            if (param_set(p, config, p->default_value, err, sizeof err) < 0) {
                fprintf(stderr, "\n  %s: default refused: %s", defs[i]->kind, err);
                missing++;
            }
            free(config);
        }
    }
    CU_ASSERT_EQUAL(missing, 0);
}

/* The type's own range applies when a table gives none: a negative time, a time beyond
 * PARAM_TIME_MAX, and the bounds are said in the parameter's unit. */
static void test_times_are_never_negative_nor_near_the_largest_time(void)
{
    struct toy_config c;
    char err[256];
    const struct param_def *delay = registry_param(&toy_model, "delay");
    CU_ASSERT_EQUAL(param_set(delay, &c, "-5ms", err, sizeof err), -1);
    CU_ASSERT_STRING_EQUAL(err, "delay = \"-5ms\" is out of range: expected 0s to 30d");
    CU_ASSERT_EQUAL(param_set(delay, &c, "100d", err, sizeof err), -1);
    CU_ASSERT_EQUAL(param_set(delay, &c, "30d", err, sizeof err), 0);
    const struct param_def *count = registry_param(&toy_model, "count");
    CU_ASSERT_EQUAL(param_set(count, &c, "0", err, sizeof err), -1);
    CU_ASSERT_STRING_EQUAL(err, "count = \"0\" is out of range: expected 1 to 100");
    CU_ASSERT_EQUAL(param_set(count, &c, "99999999999999999999", err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "expected an integer"));
}

/* A value of a thousand characters is quoted shortened, so what was expected still shows. */
static void test_a_long_bad_value_is_quoted_short(void)
{
    struct toy_config c;
    char err[256], big[1001];
    memset(big, '9', 1000);
    big[1000] = '\0';
    CU_ASSERT_EQUAL(param_set(registry_param(&toy_model, "count"), &c, big, err, sizeof err),
                    -1);
    CU_ASSERT(strlen(err) < 120);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "...\": expected an integer"));
}

SUITE(registry, NULL, NULL,
      TEST(test_registered_model_is_found_by_kind),
      TEST(test_defaults_fill_every_typed_field),
      TEST(test_bad_values_name_parameter_and_expectation),
      TEST(test_format_gives_back_the_string_form),
      TEST(test_list_text_form_splits_on_semicolons_and_trims_items),
      TEST(test_long_list_keeps_every_item_whole),
      TEST(test_list_format_truncates_but_reports_the_full_length),
      TEST(test_list_refuses_empty_items_and_non_list_parameters),
      TEST(test_help_command_lists_parameters_and_rejects_unknown_model),
      TEST(test_every_numeric_parameter_has_a_range_holding_its_default),
      TEST(test_times_are_never_negative_nor_near_the_largest_time),
      TEST(test_a_long_bad_value_is_quoted_short))
