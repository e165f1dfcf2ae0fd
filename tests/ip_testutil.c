/* ip_testutil.c - see ip_testutil.h. */
#include "tests/ip_testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/net/udp.h"
#include "sim/scenario.h"
#include "tests/harness.h"

struct world *ipt_world(const char *yaml, const char *pcap_dir)
{
    static unsigned serial;
    char path[512], err[1024];
    snprintf(path, sizeof path, "%s/net-%u.yaml", harness_tmpdir(), serial++);
    FILE *f = fopen(path, "w");
    if (!f)
        return NULL;
    fprintf(f, "name: net\nduration: 1s\n%s", yaml);
    fclose(f);
    struct scenario *sc;
    struct scenario_plan plan;
    struct world *w = NULL;
    if (scenario_load(path, NULL, 0, &sc, err, sizeof err) < 0) {
        fprintf(stderr, "%s\n", err);
        return NULL;
    }
    struct world_config wc = { .seed = 1, .duration = time_from_ms(1000), .pcap_dir = pcap_dir };
    if (scenario_plan(sc, 0, &plan, err, sizeof err) == 0) {
        if (world_build(&plan, &wc, &w, err, sizeof err) < 0)
            fprintf(stderr, "%s\n", err);
        scenario_plan_free(&plan);
    }
    scenario_free(sc);
    return w;
}

struct net_node *ipt_node(struct world *w, const char *name)
{
    char err[256];
    struct net_node *n = net_node_find(world_ctx(w), name, err, sizeof err);
    if (!n)
        fprintf(stderr, "%s\n", err);
    return n;
}

struct packet *ipt_udp(struct world *w, const char *src, const char *dst, int ttl,
                      size_t payload)
{
    char err[256];
    struct net_udp_spec s = { .sport = 1000, .dport = 9, .ttl = (uint8_t)ttl, .ip_id = 7 };
    if (net_addr_parse(src, &s.src, err, sizeof err) < 0 ||
        net_addr_parse(dst, &s.dst, err, sizeof err) < 0)
        return NULL;
    struct packet *p = pkt_alloc(world_ctx(w)->pool, 12);
    uint8_t *b = p ? pkt_put(p, 12) : NULL;
    if (!b)
        return NULL;
    memset(b, 0, 12);
    pkt_set_virtual(p, (uint32_t)(payload > 12 ? payload - 12 : 0));
    if (net_udp_push(p, &s) < 0) {
        pkt_free(p);
        return NULL;
    }
    return p;
}

static void on_rx(void *ctx, struct packet *p)
{
    struct ipt_rx *rx = ctx;
    if (rx->n < 64)
        rx->at[rx->n] = sched_now(rx->s);
    rx->n++;
    rx->last_len = pkt_len(p) < sizeof rx->last ? pkt_len(p) : sizeof rx->last;
    memcpy(rx->last, pkt_data(p), rx->last_len);
    pkt_free(p);
}

void ipt_listen_udp(struct world *w, const char *node, uint16_t port, struct ipt_rx *rx)
{
    memset(rx, 0, sizeof *rx);
    rx->s = world_ctx(w)->sched;
    net_node_bind_udp(ipt_node(w, node), port, on_rx, rx);
}

void ipt_listen_proto(struct world *w, const char *node, uint8_t proto, struct ipt_rx *rx)
{
    memset(rx, 0, sizeof *rx);
    rx->s = world_ctx(w)->sched;
    net_node_bind_proto(ipt_node(w, node), proto, on_rx, rx);
}

static enum net_verdict trace_hook(void *ctx, struct net_node *n, struct packet *p,
                                   const struct net_hook_state *st)
{
    struct ipt_trace *t = ctx;
    (void)p;
    (void)st;
    size_t used = strlen(t->buf);
    snprintf(t->buf + used, sizeof t->buf - used, "%s ", net_node_name(n));
    return NET_ACCEPT;
}

void ipt_trace_nodes(struct world *w, const char *const *names, size_t n, struct ipt_trace *t)
{
    t->buf[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        struct net_node *node = ipt_node(w, names[i]);
        net_hook_register(node, NET_HOOK_OUTPUT, 0, trace_hook, t);
        net_hook_register(node, NET_HOOK_PREROUTING, 0, trace_hook, t);
    }
}
