/* net_testutil.c - helpers of the network suites (see net_testutil.h). */
#include "tests/net_testutil.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "models/net/udp.h"
#include "models/net/p2p.h"
#include "sim/scenario.h"
#include "tests/harness.h"

int nt_rec_begin(struct nt_rec *r, const char *id)
{
    char err[512];
    memset(r, 0, sizeof *r);
    snprintf(r->id, sizeof r->id, "%s", id);
    if (results_db_open(":memory:", &r->db, err, sizeof err) < 0) {
        fprintf(stderr, "%s\n", err);
        return -1;
    }
    struct run_meta meta = { .run_id = r->id, .scenario_name = r->id, .scenario_hash = "x" };
    if (results_run_begin(r->db, &meta, &r->rr, err, sizeof err) < 0 ||
        results_enable(r->rr, "vector:*", false, err, sizeof err) < 0) {
        fprintf(stderr, "%s\n", err);
        results_db_close(r->db);
        r->db = NULL;
        return -1;
    }
    return 0;
}

void nt_rec_end(struct nt_rec *r, sim_time_t sim_end)
{
    char err[512];
    struct run_end end = { .status = RUN_OK, .sim_end = sim_end };
    if (results_run_end(r->rr, &end, err, sizeof err) < 0)
        fprintf(stderr, "%s\n", err);
    r->rr = NULL;
}

struct pick {
    const char *module, *name;
    double value;
};

static int pick(void *ctx, const char *module, const char *name, const char *unit, double v)
{
    struct pick *s = ctx;
    (void)unit;
    if (strcmp(module, s->module) == 0 && strcmp(name, s->name) == 0)
        s->value = v;
    return 0;
}

double nt_scalar(struct nt_rec *r, const char *module, const char *name)
{
    struct pick s = { module, name, (double)NAN };
    results_db_foreach_scalar(r->db, r->id, pick, &s);
    return s.value;
}

void nt_rec_close(struct nt_rec *r)
{
    results_db_close(r->db);
    r->db = NULL;
}

struct world *nt_world(const char *yaml, uint64_t seed, uint64_t run, sim_time_t duration,
                       struct results_run *rr)
{
    char path[512], err[1024];
    snprintf(path, sizeof path, "%s/net-test.yaml", harness_tmpdir());
    FILE *f = fopen(path, "w");
    if (!f)
        return NULL;
    fputs(yaml, f);
    fclose(f);
    struct scenario *sc;
    struct scenario_plan plan;
    struct world *w = NULL;
    if (scenario_load(path, NULL, 0, &sc, err, sizeof err) < 0) {
        fprintf(stderr, "%s\n", err);
        return NULL;
    }
    struct world_config wc = { .seed = seed, .run = run, .duration = duration, .results = rr };
    if (scenario_plan(sc, 0, &plan, err, sizeof err) == 0) {
        if (world_build(&plan, &wc, &w, err, sizeof err) < 0)
            fprintf(stderr, "%s\n", err);
        scenario_plan_free(&plan);
    } else {
        fprintf(stderr, "%s\n", err);
    }
    scenario_free(sc);
    return w;
}

struct net_if *nt_link_if(struct world *w, const char *name, int end)
{
    const struct model_def *def;
    void *link = model_ctx_lookup(world_ctx(w), name, &def);
    if (!link || strcmp(def->kind, "p2p") != 0)
        return NULL;
    return p2p_if(link, end);
}

void nt_send_raw(struct world *w, struct net_if *ifc, uint32_t wire)
{
    struct packet *p = pkt_alloc(world_ctx(w)->pool, 0);
    if (!p)
        return;
    pkt_set_virtual(p, wire);
    ifc->ops->transmit(ifc, p);
}

int nt_send_udp(struct world *w, const char *from, const char *to, size_t wire)
{
    char err[256];
    struct model_ctx *ctx = world_ctx(w);
    struct net_node *a = net_node_find(ctx, from, err, sizeof err);
    struct net_node *b = net_node_find(ctx, to, err, sizeof err);
    if (!a || !b || wire < 20 + UDP_HDR_BYTES)
        return -1;
    struct packet *p = pkt_alloc(ctx->pool, 0);
    if (!p)
        return -1;
    pkt_set_virtual(p, (uint32_t)(wire - 20 - UDP_HDR_BYTES));
    struct net_udp_spec f = { .src = *net_node_primary(a, 4), .dst = *net_node_primary(b, 4),
                              .sport = 1, .dport = 9, .ttl = 64 };
    if (net_udp_push(p, &f) < 0 || pkt_wire_len(p) != wire) {
        pkt_free(p);
        return -1;
    }
    net_node_send(a, p);
    return 0;
}

static void on_rx(void *ctx, struct packet *p)
{
    struct nt_arrivals *a = ctx;
    if (a->n < 64) {
        a->at[a->n] = sched_now(a->s);
        a->len[a->n] = pkt_wire_len(p);
    }
    a->n++;
    pkt_free(p);
}

struct nt_arrivals *nt_listen(struct world *w, const char *node)
{
    char err[256];
    static struct nt_arrivals a;
    memset(&a, 0, sizeof a);
    a.s = world_ctx(w)->sched;
    struct net_node *n = net_node_find(world_ctx(w), node, err, sizeof err);
    if (!n || net_node_bind_udp(n, 9, on_rx, &a) < 0)
        return NULL;
    return &a;
}
