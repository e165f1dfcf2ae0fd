/* test_radio_attach.c - the wifi and lte models inside a scenario: nodes joined through
 * them (tests/data/radio/access.yaml), their scalars in the results database, an outage
 * from the scenario's parameters, and the errors for bad terminal lists.
 *
 * The scenario is deterministic (seed 1); counts are compared with what the traffic implies
 * (250 packets/s of 1000 B per phone) with a margin of a few packets for the ones still in
 * flight when the run ends.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/radio/radio_attach.h"
#include "tests/harness.h"

#define SCENARIO "tests/data/radio/access.yaml"

/* One scalar of the run in db, through the sqlite3 program; -1 when absent. */
static double scalar(const char *db, const char *module, const char *name)
{
    char cmd[1024], *out = NULL;
    snprintf(cmd, sizeof cmd, "sqlite3 '%s' \"SELECT value FROM scalars WHERE module = '%s' "
             "AND name = '%s'\"", db, module, name);
    double v = -1;
    if (harness_run(cmd, &out) == 0 && out && out[0])
        v = strtod(out, NULL);
    free(out);
    return v;
}

static void test_scenario_carries_traffic_over_wifi_and_lte_with_an_outage(void)
{
    if (!harness_have_tool("sqlite3")) {
        harness_skip("sqlite3 program not installed");
        return;
    }
    char db[512], cmd[1200], *out = NULL;
    snprintf(db, sizeof db, "%s/radio-access.db", harness_tmpdir());
    snprintf(cmd, sizeof cmd, "%s run %s --out %s", harness_mcpsim(), SCENARIO, db);
    int rc = harness_run(cmd, &out);
    if (rc != 0 && out)
        fprintf(stderr, "%s\n", out);
    free(out);
    CU_ASSERT_EQUAL_FATAL(rc, 0);
    /* WiFi: 4 s x 250 packets/s from each station, all delivered to the AP and the server. */
    for (int i = 0; i < 2; i++) {
        char module[64], sink[64];
        snprintf(module, sizeof module, "wlan.phone-%d", i);
        snprintf(sink, sizeof sink, "sink-%d", i);
        double up = scalar(db, module, "up_delivered_packets");
        CU_ASSERT(up >= 995 && up <= 1000);
        double rx = scalar(db, sink, "rx_packets");
        CU_ASSERT(rx >= 990 && rx <= up);
        CU_ASSERT_EQUAL(scalar(db, module, "up_outage_drops"), 0);
    }
    CU_ASSERT(scalar(db, "wlan", "successes") >= 1990);
    /* LTE: down over [2 s, 3 s): the 250 packets offered then are dropped (plus at most a
     * couple waiting at 2 s); a promotion at the start and one after coming back. */
    double drops = scalar(db, "cell.phone-2", "up_outage_drops");
    CU_ASSERT(drops >= 250 && drops <= 253);
    CU_ASSERT_EQUAL(scalar(db, "cell.phone-2", "promotions"), 2);
    double lte_up = scalar(db, "cell.phone-2", "up_delivered_packets");
    CU_ASSERT(lte_up >= 700 && lte_up + drops <= 1000);
    CU_ASSERT(scalar(db, "sink-2", "rx_packets") >= lte_up - 5);
}

static void test_unknown_terminal_node_fails_the_run_naming_it(void)
{
    char path[512], cmd[1200], *out = NULL;
    snprintf(path, sizeof path, "%s/ghost.yaml", harness_tmpdir());
    FILE *f = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs("name: ghost\nduration: 1s\nnodes:\n  - name: ap\n  - name: phone\n"
          "links:\n  - name: wlan\n    kind: wifi\n    ap: ap\n    stations: phone,ghost\n",
          f);
    fclose(f);
    snprintf(cmd, sizeof cmd, "%s run %s --out %s/ghost.db", harness_mcpsim(), path,
             harness_tmpdir());
    int rc = harness_run(cmd, &out);
    CU_ASSERT_NOT_EQUAL(rc, 0);
    CU_ASSERT(out != NULL && strstr(out, "no node named \"ghost\"") != NULL);
    free(out);
}

static void test_terminal_lists_expand_ranges_and_refuse_bad_ones(void)
{
    char err[300] = "";
    CU_ASSERT_EQUAL(radio_attach_count("phone-0..9, laptop", err, sizeof err), 11);
    CU_ASSERT_EQUAL(radio_attach_count("a,b,,c", err, sizeof err), 3);
    CU_ASSERT_EQUAL(radio_attach_count("phone-5..2", err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "\"phone-5..2\": expected NAME<first>..<last>"));
    CU_ASSERT_EQUAL(radio_attach_count("phone-..3", err, sizeof err), -1);
    CU_ASSERT_EQUAL(radio_attach_count(" , ", err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "at least one node name"));
}

SUITE(radio_attach, NULL, NULL,
      TEST(test_scenario_carries_traffic_over_wifi_and_lte_with_an_outage),
      TEST(test_unknown_terminal_node_fails_the_run_naming_it),
      TEST(test_terminal_lists_expand_ranges_and_refuse_bad_ones))
