/* test_registry.c - model registry and typed parameters: defaults, every type, clear errors. */
#include <stddef.h>
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

SUITE(registry, NULL, NULL,
      TEST(test_registered_model_is_found_by_kind),
      TEST(test_defaults_fill_every_typed_field),
      TEST(test_bad_values_name_parameter_and_expectation),
      TEST(test_format_gives_back_the_string_form),
      TEST(test_help_command_lists_parameters_and_rejects_unknown_model))
