/* test_net_route.c - routing: the longest-prefix table (IPv4 and IPv6, overlapping prefixes,
 * default routes, source-specific entries with the backtracking rule of
 * draft-ietf-rtgwg-dst-src-routing section 3), and on a topology the exact path that
 * source-specific routes, topology shortest paths and per-interface addresses give; the
 * routes and interfaces list parameters in each of their forms, and their errors. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/net/fib.h"
#include "tests/harness.h"
#include "tests/ip_testutil.h"

static struct net_prefix P(const char *s)
{
    struct net_prefix p;
    char err[256];
    if (net_prefix_parse(s, &p, err, sizeof err) < 0)
        fprintf(stderr, "%s\n", err);
    return p;
}

static struct net_addr A(const char *s)
{
    struct net_addr a;
    char err[256];
    net_addr_parse(s, &a, err, sizeof err);
    return a;
}

static int add(struct fib *f, const char *prefix, uint32_t value)
{
    struct net_prefix p = P(prefix);
    return fib_add(f, &p, NULL, value);
}

static int look(const struct fib *f, const char *dst, const char *src)
{
    struct net_addr d = A(dst), s = A(src);
    uint32_t v;
    return fib_lookup(f, &d, &s, &v) == 0 ? (int)v : -1;
}

static void test_longest_prefix_wins_among_overlapping_ipv4_prefixes(void)
{
    struct fib f;
    fib_init(&f, 4);
    CU_ASSERT_EQUAL(add(&f, "10.0.0.0/8", 1), 0);
    CU_ASSERT_EQUAL(add(&f, "10.1.0.0/16", 2), 0);
    CU_ASSERT_EQUAL(add(&f, "10.1.2.0/24", 3), 0);
    CU_ASSERT_EQUAL(add(&f, "10.1.2.3/32", 4), 0);
    CU_ASSERT_EQUAL(look(&f, "10.200.0.1", "1.1.1.1"), 1);
    CU_ASSERT_EQUAL(look(&f, "10.1.9.9", "1.1.1.1"), 2);
    CU_ASSERT_EQUAL(look(&f, "10.1.2.4", "1.1.1.1"), 3);
    CU_ASSERT_EQUAL(look(&f, "10.1.2.3", "1.1.1.1"), 4);
    CU_ASSERT_EQUAL(look(&f, "11.0.0.1", "1.1.1.1"), -1); /* no default yet */
    CU_ASSERT_EQUAL(add(&f, "0.0.0.0/0", 9), 0);
    CU_ASSERT_EQUAL(look(&f, "11.0.0.1", "1.1.1.1"), 9);
    CU_ASSERT_EQUAL(look(&f, "10.1.2.3", "1.1.1.1"), 4);
    /* The same prefix twice is refused; another family too. */
    CU_ASSERT_EQUAL(add(&f, "10.1.0.0/16", 7), -2);
    CU_ASSERT_EQUAL(add(&f, "2001:db8::/32", 7), -3);
    CU_ASSERT_EQUAL(fib_count(&f), 5);
    fib_free(&f);
}

static void test_longest_prefix_wins_among_overlapping_ipv6_prefixes(void)
{
    struct fib f;
    fib_init(&f, 6);
    CU_ASSERT_EQUAL(add(&f, "::/0", 1), 0);
    CU_ASSERT_EQUAL(add(&f, "2001:db8::/32", 2), 0);
    CU_ASSERT_EQUAL(add(&f, "2001:db8:0:1::/64", 3), 0);
    CU_ASSERT_EQUAL(add(&f, "2001:db8:0:1::1/128", 4), 0);
    CU_ASSERT_EQUAL(add(&f, "2001:db8:8000::/33", 5), 0);
    CU_ASSERT_EQUAL(look(&f, "2001:db9::1", "::1"), 1);
    CU_ASSERT_EQUAL(look(&f, "2001:db8:7fff::1", "::1"), 2);
    CU_ASSERT_EQUAL(look(&f, "2001:db8:8000::1", "::1"), 5);
    CU_ASSERT_EQUAL(look(&f, "2001:db8:0:1::2", "::1"), 3);
    CU_ASSERT_EQUAL(look(&f, "2001:db8:0:1::1", "::1"), 4);
    CU_ASSERT_EQUAL(look(&f, "10.0.0.1", "10.0.0.2"), -1); /* wrong family */
    fib_free(&f);
}

static void test_source_specific_lookup_takes_longest_source_then_backtracks(void)
{
    struct fib f;
    fib_init(&f, 6);
    struct net_prefix any = P("::/0"), d32 = P("2001:db8::/32"), d48 = P("2001:db8:5::/48");
    struct net_prefix s1 = P("2001:db8:a::/48"), s2 = P("2001:db8:a:1::/64");
    CU_ASSERT_EQUAL(fib_add(&f, &any, NULL, 1), 0);
    CU_ASSERT_EQUAL(fib_add(&f, &d32, NULL, 2), 0);
    CU_ASSERT_EQUAL(fib_add(&f, &d32, &s1, 3), 0);
    CU_ASSERT_EQUAL(fib_add(&f, &d32, &s2, 4), 0);
    CU_ASSERT_EQUAL(fib_add(&f, &d48, &s1, 5), 0);
    CU_ASSERT_EQUAL(fib_add(&f, &d32, &s1, 6), -2);
    /* Longest destination first, then longest matching source among its entries. */
    CU_ASSERT_EQUAL(look(&f, "2001:db8:1::1", "2001:db8:a:1::9"), 4);
    CU_ASSERT_EQUAL(look(&f, "2001:db8:1::1", "2001:db8:a:2::9"), 3);
    CU_ASSERT_EQUAL(look(&f, "2001:db8:1::1", "2001:db8:b::9"), 2);
    CU_ASSERT_EQUAL(look(&f, "2001:db8:5::1", "2001:db8:a:1::9"), 5);
    /* The /48 destination has only a source-specific entry: another source backtracks to
     * the /32 instead of finding no route. */
    CU_ASSERT_EQUAL(look(&f, "2001:db8:5::1", "2001:db8:b::9"), 2);
    CU_ASSERT_EQUAL(look(&f, "3000::1", "2001:db8:a:1::9"), 1);
    fib_free(&f);
}

static void test_prefix_parser_refuses_host_bits_and_bad_lengths(void)
{
    struct net_prefix p;
    char err[256];
    CU_ASSERT_EQUAL(net_prefix_parse("10.1.2.3/8", &p, err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "not zero"));
    CU_ASSERT_EQUAL(net_prefix_parse("10.0.0.0/33", &p, err, sizeof err), -1);
    CU_ASSERT_EQUAL(net_prefix_parse("2001:db8::/129", &p, err, sizeof err), -1);
    CU_ASSERT_EQUAL(net_prefix_parse("10.0.0/8", &p, err, sizeof err), -1);
    CU_ASSERT_EQUAL(net_prefix_parse("2001:db8::/32", &p, err, sizeof err), 0);
    CU_ASSERT_EQUAL(p.len, 32);
}

/* Diamond: c1 and c2 behind r1; r1 reaches s over r2a or r2b (equal hop counts).
 *
 *   c1 (10.1.0.1) \          / r2a \
 *                  r1 ------+        s (10.9.0.1)
 *   c2 (10.2.0.1) /          \ r2b /
 */
/* r1's routes value as YAML (a quoted string, a flow or block list). */
static const char *diamond_yaml(const char *r1_routes_yaml)
{
    static char yaml[4096];
    snprintf(yaml, sizeof yaml,
             "nodes:\n  - {name: c1, address: 10.1.0.1, address6: \"2001:db8:1::1\"}\n"
             "  - {name: c2, address: 10.2.0.1, address6: \"2001:db8:2::1\"}\n"
             "  - name: r1\n    routes: %s\n  - name: r2a\n  - name: r2b\n"
             "  - {name: s, address: 10.9.0.1, address6: \"2001:db8:9::1\"}\n"
             "links:\n  - {name: a1, a: c1, b: r1}\n  - {name: a2, a: c2, b: r1}\n"
             "  - {name: up-a, a: r1, b: r2a}\n  - {name: up-b, a: r1, b: r2b}\n"
             "  - {name: da, a: r2a, b: s}\n  - {name: db, a: r2b, b: s}\n", r1_routes_yaml);
    return yaml;
}

static const char *diamond(const char *r1_routes)
{
    char quoted[2048];
    snprintf(quoted, sizeof quoted, "\"%s\"", r1_routes);
    return diamond_yaml(quoted);
}

static const char *const diamond_names[] = { "c1", "c2", "r1", "r2a", "r2b", "s" };

static void test_source_specific_route_picks_the_next_hop_by_source_prefix(void)
{
    /* IPv4 and IPv6: traffic from c1's prefix goes by r2b; everything else follows the
     * topology, whose tie goes to r1's first-attached uplink, r2a. */
    struct world *w = ipt_world(diamond("10.9.0.0/16 from 10.1.0.0/16 via r2b; "
                                       "2001:db8:9::/48 from 2001:db8:1::/48 via r2b"), NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    struct ipt_trace tr;
    struct ipt_rx rx;
    ipt_listen_udp(w, "s", 9, &rx);
    ipt_trace_nodes(w, diamond_names, 6, &tr);
    net_node_send(ipt_node(w, "c1"), ipt_udp(w, "10.1.0.1", "10.9.0.1", 64, 100));
    world_run(w, NULL, NULL);
    CU_ASSERT_STRING_EQUAL(tr.buf, "c1 r1 r2b s ");
    world_free(w);

    const char *cases[][3] = {
        { "c2", "10.2.0.1", "10.9.0.1" },
        { "c1", "2001:db8:1::1", "2001:db8:9::1" },
        { "c2", "2001:db8:2::1", "2001:db8:9::1" },
    };
    const char *expect[] = { "c2 r1 r2a s ", "c1 r1 r2b s ", "c2 r1 r2a s " };
    for (int i = 0; i < 3; i++) {
        w = ipt_world(diamond("10.9.0.0/16 from 10.1.0.0/16 via r2b; "
                             "2001:db8:9::/48 from 2001:db8:1::/48 via r2b"), NULL);
        CU_ASSERT_PTR_NOT_NULL_FATAL(w);
        ipt_listen_udp(w, "s", 9, &rx);
        ipt_trace_nodes(w, diamond_names, 6, &tr);
        net_node_send(ipt_node(w, cases[i][0]), ipt_udp(w, cases[i][1], cases[i][2], 64, 100));
        world_run(w, NULL, NULL);
        CU_ASSERT_STRING_EQUAL(tr.buf, expect[i]);
        CU_ASSERT_EQUAL(rx.n, 1);
        world_free(w);
    }
}

/* c1's packets to s, IPv4 then IPv6, with r1's routes written as given: the path taken. */
static void diamond_paths(const char *routes_yaml, char paths[2][64])
{
    const char *from[] = { "10.1.0.1", "2001:db8:1::1" }, *to[] = { "10.9.0.1", "2001:db8:9::1" };
    for (int f = 0; f < 2; f++) {
        strcpy(paths[f], "no world");
        struct world *w = ipt_world(diamond_yaml(routes_yaml), NULL);
        if (!w)
            continue;
        struct ipt_trace tr;
        struct ipt_rx rx;
        ipt_listen_udp(w, "s", 9, &rx);
        ipt_trace_nodes(w, diamond_names, 6, &tr);
        net_node_send(ipt_node(w, "c1"), ipt_udp(w, from[f], to[f], 64, 100));
        world_run(w, NULL, NULL);
        snprintf(paths[f], 64, "%.63s", tr.buf);
        world_free(w);
    }
}

/* routes is a list parameter: a YAML list routes as the one-string form does, and neither
 * is limited to 127 characters any more. The decoys (other destinations, via r2a) come
 * first so that the route that matters sits beyond the old limit. */
static void test_routes_as_a_list_route_like_the_one_string_form(void)
{
    char paths[2][64];
    diamond_paths("[\"10.9.0.0/16 from 10.1.0.0/16 via r2b\", "
                  "\"2001:db8:9::/48 from 2001:db8:1::/48 via r2b\"]", paths);
    CU_ASSERT_STRING_EQUAL(paths[0], "c1 r1 r2b s ");
    CU_ASSERT_STRING_EQUAL(paths[1], "c1 r1 r2b s ");
    char block[2048] = "\n", text[2048] = "\"";
    for (int i = 0; i < 8; i++) {
        char decoy[64];
        snprintf(decoy, sizeof decoy, "10.%d.0.0/16 from 10.1.0.0/16 via r2a", 20 + i);
        snprintf(block + strlen(block), sizeof block - strlen(block), "      - %s\n", decoy);
        snprintf(text + strlen(text), sizeof text - strlen(text), "%s; ", decoy);
    }
    strcat(block, "      - 10.9.0.0/16 from 10.1.0.0/16 via r2b\n"
                  "      - 2001:db8:9::/48 from 2001:db8:1::/48 via r2b");
    strcat(text, "10.9.0.0/16 from 10.1.0.0/16 via r2b; 2001:db8:9::/48 from 2001:db8:1::/48 "
                 "via r2b\"");
    CU_ASSERT_TRUE(strlen(text) > 2 * PARAM_STRING_MAX);
    const char *forms[] = { block, text };
    for (int f = 0; f < 2; f++) {
        diamond_paths(forms[f], paths);
        CU_ASSERT_STRING_EQUAL(paths[0], "c1 r1 r2b s ");
        CU_ASSERT_STRING_EQUAL(paths[1], "c1 r1 r2b s ");
    }
}

/* A bad item is named by its number and text (a long list is otherwise hard to search). */
static void test_bad_route_item_is_named_in_the_error(void)
{
    char cmd[2 * PATH_MAX], *out = NULL;
    const char *path = harness_write_tmp(
        "route-item.yaml", "name: r\nduration: 1s\nnodes:\n  - name: a\n    routes:\n"
                           "      - 10.9.0.0/16 via b\n      - 10.8.0.0/16 thru b\n"
                           "  - name: b\nlinks:\n  - {name: l, a: a, b: b}\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(path);
    snprintf(cmd, sizeof cmd, "%s run %s --quiet", harness_mcpsim(), path);
    CU_ASSERT_EQUAL(harness_run(cmd, &out), 2);
    CU_ASSERT_PTR_NOT_NULL_FATAL(out);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "route-item.yaml:4:5: nodes \"a\" (node): routes: expected "
                                       "\"PREFIX [from PREFIX] via NODE|ADDRESS\" or"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "(item 2: \"10.8.0.0/16 thru b\")"));
    free(out);
}

/* A phone with a WiFi and an LTE address (different access routers), its interfaces value
 * written as given (YAML): the server's replies to each address come back over that
 * interface's link; the phone sends from each address over the matching interface. */
static void check_phone_paths(const char *interfaces_yaml)
{
    static char yaml[4096];
    snprintf(yaml, sizeof yaml,
             "nodes:\n  - name: phone\n    address: none\n    address6: none\n"
             "    interfaces: %s\n"
             "  - name: ap\n  - name: enb\n  - name: s\n"
             "links:\n  - {name: wifi, a: phone, b: ap}\n  - {name: lte, a: phone, b: enb}\n"
             "  - {name: x, a: ap, b: s}\n  - {name: y, a: enb, b: s}\n", interfaces_yaml);
    const char *const names[] = { "phone", "ap", "enb", "s" };
    const char *cases[][3] = {
        { "s", "10.0.0.3", "100.64.0.2" },    { "s", "10.0.0.3", "192.168.1.2" },
        { "phone", "100.64.0.2", "10.0.0.3" }, { "phone", "192.168.1.2", "10.0.0.3" },
        { "s", "fd00::3", "2001:db8:64::2" },
    };
    const char *expect[] = { "s enb phone ", "s ap phone ", "phone enb s ", "phone ap s ",
                             "s enb phone " };
    for (int i = 0; i < 5; i++) {
        struct world *w = ipt_world(yaml, NULL);
        CU_ASSERT_PTR_NOT_NULL_FATAL(w);
        struct ipt_trace tr;
        struct ipt_rx rx;
        ipt_listen_udp(w, i == 2 || i == 3 ? "s" : "phone", 9, &rx);
        ipt_trace_nodes(w, names, 4, &tr);
        net_node_send(ipt_node(w, cases[i][0]), ipt_udp(w, cases[i][1], cases[i][2], 64, 100));
        world_run(w, NULL, NULL);
        CU_ASSERT_STRING_EQUAL(tr.buf, expect[i]);
        CU_ASSERT_EQUAL(rx.n, 1);
        world_free(w);
    }
}

static void test_per_interface_address_is_reached_over_its_own_link(void)
{
    check_phone_paths("\"wifi=192.168.1.2; lte=100.64.0.2,2001:db8:64::2\"");
}

/* interfaces is a list parameter: a YAML list (flow or block style; an item with two
 * addresses quoted in flow style, where ',' separates items) binds as the one-string form
 * does, and neither is limited to 127 characters any more. The decoys (more WiFi
 * addresses) come first so that the addresses that matter sit beyond the old limit. */
static void test_interfaces_as_a_list_bind_like_the_one_string_form(void)
{
    check_phone_paths("[wifi=192.168.1.2, \"lte=100.64.0.2,2001:db8:64::2\"]");
    check_phone_paths("\n      - wifi=192.168.1.2\n      - lte=100.64.0.2\n"
                      "      - lte=2001:db8:64::2");
    char block[2048] = "\n", text[2048] = "\"";
    for (int i = 0; i < 8; i++) {
        char decoy[64];
        snprintf(decoy, sizeof decoy, "wifi=192.168.%d.2,2001:db8:%d::2", 20 + i, 20 + i);
        snprintf(block + strlen(block), sizeof block - strlen(block), "      - %s\n", decoy);
        snprintf(text + strlen(text), sizeof text - strlen(text), "%s; ", decoy);
    }
    strcat(block, "      - wifi=192.168.1.2\n      - lte=100.64.0.2,2001:db8:64::2");
    strcat(text, "wifi=192.168.1.2; lte=100.64.0.2,2001:db8:64::2\"");
    CU_ASSERT_TRUE(strlen(text) > 2 * PARAM_STRING_MAX);
    check_phone_paths(block);
    check_phone_paths(text);
}

/* A bad interface is named by its number and text, in either form, with what was expected;
 * an address split off its item by a flow list's ',' gets a hint to quote the item. */
static void test_bad_interface_item_is_named_in_the_error(void)
{
    static const struct {
        const char *value, *msg[2];
    } cases[] = {
        { "\n      - wifi=192.168.1.2\n      - lte=100.64.0.300",
          { "interfaces: bad address \"100.64.0.300\": expected a dotted IPv4 address",
            "(item 2: \"lte=100.64.0.300\")" } },
        { "\"wifi=192.168.1.2; lte; x=10.1.1.1\"",
          { "interfaces: expected LINK=ADDRESS[,ADDRESS] (item 2: \"lte\")", "" } },
        { "[wifi=192.168.1.2, wifi=]",
          { "interfaces: expected LINK=ADDRESS[,ADDRESS] (item 2: \"wifi=\")", "" } },
        { "[\"=192.168.1.2\"]",
          { "interfaces: expected LINK=ADDRESS[,ADDRESS] (item 1: \"=192.168.1.2\")", "" } },
        { "[wifi=192.168.1.2, lte=100.64.0.2,2001:db8:64::2]",
          { "found an address alone (in a [a, b] list, quote an item that holds ','",
            "(item 3: \"2001:db8:64::2\")" } },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char yaml[1024], cmd[PATH_MAX + 256], *out = NULL;
        snprintf(yaml, sizeof yaml, "name: i\nduration: 1s\nnodes:\n  - name: a\n"
                 "    interfaces: %s\n  - name: b\nlinks:\n  - {name: wifi, a: a, b: b}\n",
                 cases[i].value);
        const char *path = harness_write_tmp("iface-item.yaml", yaml);
        CU_ASSERT_PTR_NOT_NULL_FATAL(path);
        snprintf(cmd, sizeof cmd, "%s run %s --quiet", harness_mcpsim(), path);
        CU_ASSERT_EQUAL(harness_run(cmd, &out), 2);
        CU_ASSERT_PTR_NOT_NULL_FATAL(out);
        CU_ASSERT_PTR_NOT_NULL(strstr(out, "iface-item.yaml:4:5: nodes \"a\" (node): "));
        for (int k = 0; k < 2; k++)
            if (!strstr(out, cases[i].msg[k])) {
                fprintf(stderr, "\n  case %zu: \"%s\" not in: %s", i, cases[i].msg[k], out);
                CU_FAIL("interfaces error without the expected text");
            }
        free(out);
    }
}

static void test_bad_route_syntax_is_refused_with_what_was_expected(void)
{
    const char *bad[] = { "10.0.0.0/8 via", "10.0.0.0/8 thru r1", "10.1.2.3/8 via r1",
                          "10.0.0.0/8 from 2001:db8::/32 via r1", "10.0.0.0/8 via ::1" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char yaml[512];
        snprintf(yaml, sizeof yaml, "nodes:\n  - name: a\n    routes: \"%s\"\n", bad[i]);
        struct world *w = ipt_world(yaml, NULL);
        CU_ASSERT_PTR_NULL(w);
        world_free(w);
    }
}

/* scenarios/routing-example.yaml: r1's source-specific routes send the phone's LTE-sourced
 * traffic (IPv4 and IPv6) through the dMCP and nothing else. The sources stop at 1 s of the
 * 2 s run, so no packet is in flight at the end and the counts must be equal exactly. */
static void test_example_scenario_sends_only_lte_sourced_traffic_by_the_dmcp(void)
{
    char cmd[2 * PATH_MAX + 1400], bin[PATH_MAX], scn[PATH_MAX], *out = NULL;
    CU_ASSERT_PTR_NOT_NULL_FATAL(realpath(harness_mcpsim(), bin));
    CU_ASSERT_PTR_NOT_NULL_FATAL(realpath("scenarios/routing-example.yaml", scn));
    snprintf(cmd, sizeof cmd, "cd %s && %s run %s --quiet --out ex.db "
             "--set apps.over-wifi.stop=1s --set apps.over-lte.stop=1s "
             "--set apps.over-lte6.stop=1s && sqlite3 ex.db \"select "
             "(select value from scalars where module = 'dmcp' and name = 'forwarded'), "
             "(select sum(value) from scalars where module in ('over-lte', 'over-lte6') and "
             "name = 'sent_packets'), (select value from scalars where module = 'sink-wifi' "
             "and name = 'rx_packets')\"", harness_tmpdir(), bin, scn);
    CU_ASSERT_EQUAL(harness_run(cmd, &out), 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(out);
    double via_dmcp = -1, lte_sent = -2, wifi_rx = 0;
    CU_ASSERT_EQUAL(sscanf(out, "%lf|%lf|%lf", &via_dmcp, &lte_sent, &wifi_rx), 3);
    CU_ASSERT_EQUAL(via_dmcp, lte_sent);
    CU_ASSERT_TRUE(lte_sent > 500);
    CU_ASSERT_TRUE(wifi_rx > 500);
    free(out);
}

SUITE(net_route, NULL, NULL,
      TEST(test_longest_prefix_wins_among_overlapping_ipv4_prefixes),
      TEST(test_longest_prefix_wins_among_overlapping_ipv6_prefixes),
      TEST(test_source_specific_lookup_takes_longest_source_then_backtracks),
      TEST(test_prefix_parser_refuses_host_bits_and_bad_lengths),
      TEST(test_source_specific_route_picks_the_next_hop_by_source_prefix),
      TEST(test_routes_as_a_list_route_like_the_one_string_form),
      TEST(test_bad_route_item_is_named_in_the_error),
      TEST(test_per_interface_address_is_reached_over_its_own_link),
      TEST(test_interfaces_as_a_list_bind_like_the_one_string_form),
      TEST(test_bad_interface_item_is_named_in_the_error),
      TEST(test_bad_route_syntax_is_refused_with_what_was_expected),
      TEST(test_example_scenario_sends_only_lte_sourced_traffic_by_the_dmcp))
