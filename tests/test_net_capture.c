/* test_net_capture.c - pcap capture from the command line (`mcpsim run --pcap DIR`: every
 * interface) and from the scenario (a node's `capture` key: the interfaces listed), each file
 * named NODE-LINK.pcap and accepted by ../shared/tools/check-pcap.sh. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/harness.h"

static const char *scenario(const char *name, const char *phone_extra)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s.yaml", harness_tmpdir(), name);
    FILE *f = fopen(path, "w");
    if (!f)
        return NULL;
    fprintf(f, "name: cap\nduration: 200ms\nnodes:\n  - name: phone\n%s  - name: router\n"
            "  - name: server\nlinks:\n  - {name: access, a: phone, b: router}\n"
            "  - {name: wan, a: router, b: server, mtu: 1000B}\n"
            "apps:\n  - {name: v4, kind: cbr, node: phone, dst: server, size: 500B, "
            "rate: 400kbps}\n  - {name: v6, kind: cbr, node: phone, dst: server, size: 1200B, "
            "rate: 400kbps, family: ipv6, port: 6000}\n"
            "  - {name: sink, kind: sink, node: server}\n", phone_extra);
    fclose(f);
    return path;
}

static int check(const char *file)
{
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "%s -q %s", harness_shared("tools/check-pcap.sh"), file);
    return harness_run(cmd, NULL);
}

static void test_run_pcap_writes_one_valid_file_per_interface(void)
{
    if (!harness_have_tool("tshark")) {
        harness_skip("tshark not installed");
        return;
    }
    char dir[512], cmd[1400], file[600], *out = NULL;
    snprintf(dir, sizeof dir, "%s/pcap-all", harness_tmpdir());
    snprintf(cmd, sizeof cmd, "%s run %s --quiet --pcap %s", harness_mcpsim(),
             scenario("all", ""), dir);
    CU_ASSERT_EQUAL_FATAL(harness_run(cmd, NULL), 0);
    snprintf(cmd, sizeof cmd, "ls %s", dir);
    CU_ASSERT_EQUAL(harness_run(cmd, &out), 0);
    CU_ASSERT_STRING_EQUAL(out, "phone-access.pcap\nrouter-access.pcap\nrouter-wan.pcap\n"
                                "server-wan.pcap\n");
    free(out);
    const char *files[] = { "phone-access", "router-access", "router-wan", "server-wan" };
    for (int i = 0; i < 4; i++) {
        snprintf(file, sizeof file, "%s/%s.pcap", dir, files[i]);
        CU_ASSERT_EQUAL(check(file), 0);
    }
    /* On the router's WAN side: IPv4 UDP to the server, and the ICMP "packet too big" that
     * every 1248-byte IPv6 packet earns at the 1000-byte link, going back on access. */
    snprintf(cmd, sizeof cmd, "tshark -r %s/router-access.pcap -n -T fields -e icmpv6.type "
             "-e icmpv6.mtu -Y icmpv6 2>/dev/null | grep -v '^Running' | sort -u", dir);
    CU_ASSERT_EQUAL(harness_run(cmd, &out), 0);
    CU_ASSERT_STRING_EQUAL(out, "2\t1000\n");
    free(out);
}

static void test_scenario_capture_key_writes_only_the_listed_interfaces(void)
{
    char dir[512], cmd[PATH_MAX + 1400], *out = NULL, bin[PATH_MAX];
    snprintf(dir, sizeof dir, "%s/pcap-some", harness_tmpdir());
    CU_ASSERT_PTR_NOT_NULL_FATAL(realpath(harness_mcpsim(), bin));
    snprintf(cmd, sizeof cmd, "mkdir -p %s && cd %s && %s run %s --quiet && ls results", dir,
             dir, bin, scenario("some", "    capture: access\n"));
    CU_ASSERT_EQUAL(harness_run(cmd, &out), 0);
    CU_ASSERT_STRING_EQUAL(out, "phone-access.pcap\n"); /* results/: no --pcap given */
    free(out);
}

static void test_capture_of_an_unknown_link_is_reported(void)
{
    char cmd[PATH_MAX + 1400], *out = NULL, bin[PATH_MAX];
    CU_ASSERT_PTR_NOT_NULL_FATAL(realpath(harness_mcpsim(), bin));
    snprintf(cmd, sizeof cmd, "cd %s && %s run %s --quiet 2>&1", harness_tmpdir(), bin,
             scenario("bad", "    capture: wifi\n"));
    harness_run(cmd, &out);
    CU_ASSERT_PTR_NOT_NULL_FATAL(out);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "node \"phone\": capture: no link \"wifi\""));
    free(out);
}

/* A scenario with `capture:` and no --pcap: `check` writes no file at all (it builds the
 * world without running it), and `run` writes into results/ (made if missing), never into the
 * working directory itself, where stray captures used to end up in commits. */
static void test_captures_without_pcap_go_to_results_and_check_writes_none(void)
{
    char dir[512], cmd[2048], *out = NULL;
    snprintf(dir, sizeof dir, "%s/capdefault", harness_tmpdir());
    snprintf(cmd, sizeof cmd, "mkdir -p %s && cd %s && printf 'name: c\nduration: 100ms\n"
             "nodes:\n  - {name: a, capture: true}\n  - name: b\nlinks:\n  - {name: l, a: a, "
             "b: b}\n' > s.yaml && %s/%s check -q s.yaml && ls", dir, dir,
             harness_mcpsim()[0] == '/' ? "" : getenv("PWD"), harness_mcpsim());
    CU_ASSERT_EQUAL(harness_run(cmd, &out), 0);
    CU_ASSERT(out && strstr(out, ".pcap") == NULL && strstr(out, "results") == NULL);
    free(out);
    snprintf(cmd, sizeof cmd, "cd %s && %s/%s run -q s.yaml && ls . results", dir,
             harness_mcpsim()[0] == '/' ? "" : getenv("PWD"), harness_mcpsim());
    CU_ASSERT_EQUAL(harness_run(cmd, &out), 0);
    CU_ASSERT(out && strstr(out, "results:\na-l.pcap") != NULL);
    free(out);
}

SUITE(net_capture, NULL, NULL,
      TEST(test_run_pcap_writes_one_valid_file_per_interface),
      TEST(test_scenario_capture_key_writes_only_the_listed_interfaces),
      TEST(test_capture_of_an_unknown_link_is_reported),
      TEST(test_captures_without_pcap_go_to_results_and_check_writes_none))
