/* tcpnet.c - one TCP stack per node, wired to the node's IP layer (see tcpnet.h).
 *
 * Down: the stack hands a segment that starts at the TCP header; we push a 20-byte IPv4
 * header (DF set, TTL 64, identification counting per node as Linux does for DF packets
 * without a socket id) or a 40-byte IPv6 header (hop limit 64), mark l3/l4 and give the
 * packet to net_node_send(). Up: the node delivers protocol 6 with the front at the IP
 * header and l4 marked; we take the addresses from the header, pull to the TCP header and
 * call tcp_input(). Nothing is allocated per packet.
 */
#include "models/tcpnet/tcpnet.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/tcp/tcp_cong.h"
#include "models/wire/bytes.h"
#include "models/wire/checksum.h"
#include "models/wire/ipv4.h"
#include "models/wire/ipv6.h"

const char *const tcpnet_opt_names[TCPNET_NOPTS] = {
    "cc",     "mss",   "sndbuf", "rcvbuf",  "initial_cwnd", "sack", "timestamps",
    "wscale", "nagle", "delack", "rto_min", "prr", "limited_transmit", "syncookies",
};

struct tcpnet {
    struct net_node *node;
    struct model_ctx *ctx;
    struct tcp_stack *stack;
    struct tcp_config cfg;
    uint16_t ip_id;
    char setby[TCPNET_NOPTS][PARAM_STRING_MAX]; /* application that gave the value, or "" */
};

struct tcpnet_reg {
    struct tcpnet **t;
    size_t n;
};

static void reg_fini(void *block)
{
    struct tcpnet_reg *r = block;
    for (size_t i = 0; i < r->n; i++) {
        tcp_stack_free(r->t[i]->stack);
        free(r->t[i]);
    }
    free(r->t);
}

static void ip_send(void *ip_ctx, struct packet *p, const struct sock_addr *src,
                    const struct sock_addr *dst)
{
    struct tcpnet *t = ip_ctx;
    size_t seglen = pkt_wire_len(p);
    pkt_mark_l4(p);
    if (src->family == 4) {
        uint8_t *h = pkt_push(p, IPV4_HDR_MIN_LEN);
        if (!h || seglen + IPV4_HDR_MIN_LEN > 65535) {
            pkt_free(p);
            return;
        }
        h[0] = 0x45;
        h[1] = 0;
        wr16(h + 2, (uint16_t)(seglen + IPV4_HDR_MIN_LEN));
        wr16(h + 4, t->ip_id++);
        wr16(h + 6, IPV4_FLAG_DF);
        h[8] = 64;
        h[9] = IPPROTO_NUM_TCP;
        wr16(h + 10, 0);
        memcpy(h + 12, src->bytes, 4);
        memcpy(h + 16, dst->bytes, 4);
        wr16(h + 10, csum_ipv4_header(h, IPV4_HDR_MIN_LEN));
    } else {
        uint8_t *h = pkt_push(p, IPV6_HDR_LEN);
        if (!h || seglen > 65535) {
            pkt_free(p);
            return;
        }
        wr32(h, 6u << 28);
        wr16(h + 4, (uint16_t)seglen);
        h[6] = IPPROTO_NUM_TCP;
        h[7] = 64;
        memcpy(h + 8, src->bytes, 16);
        memcpy(h + 24, dst->bytes, 16);
    }
    pkt_mark_l3(p);
    net_node_send(t->node, p);
}

static const struct tcp_ip_ops ip_ops = { .send = ip_send };

static void ip_receive(void *ctx, struct packet *p)
{
    struct tcpnet *t = ctx;
    const uint8_t *h = pkt_data(p);
    struct sock_addr src = { 0 }, dst = { 0 };
    if ((h[0] >> 4) == 4) {
        src.family = dst.family = 4;
        memcpy(src.bytes, h + 12, 4);
        memcpy(dst.bytes, h + 16, 4);
        /* Link-layer padding or a short total length: keep what the IP header covers. */
        size_t ip_len = rd16(h + 2);
        if (ip_len < pkt_wire_len(p) && pkt_trim(p, ip_len) < 0) {
            pkt_free(p);
            return;
        }
    } else {
        src.family = dst.family = 6;
        memcpy(src.bytes, h + 8, 16);
        memcpy(dst.bytes, h + 24, 16);
    }
    struct tcp_stack *st = tcpnet_stack(t);
    if (!st) {
        pkt_free(p);
        return;
    }
    pkt_pull(p, (size_t)(pkt_l4(p) - h));
    tcp_input(st, p, &src, &dst);
}

/* Sets one value into cfg; the error names the application and parameter. */
static int opt_apply(struct tcp_config *cfg, size_t i, const char *value, const char *app,
                     char *err, size_t errlen)
{
    const struct param_def *pd = registry_param(registry_find("tcp"), tcpnet_opt_names[i]);
    char why[256];
    if (!pd) {
        snprintf(err, errlen, "%s: the tcp model has no parameter %s", app,
                 tcpnet_opt_names[i]);
        return -1;
    }
    if (param_set(pd, cfg, value, why, sizeof why) < 0) {
        snprintf(err, errlen, "%s: %s: %s", app, tcpnet_opt_names[i], why);
        return -1;
    }
    return 0;
}

int tcpnet_attach(struct model_ctx *ctx, struct net_node *n, const char *app,
                  const struct tcpnet_opts *opts, struct tcpnet **out, char *err,
                  size_t errlen)
{
    struct tcpnet_reg *r = model_ctx_shared(ctx, "tcpnet", sizeof *r, reg_fini);
    if (!r) {
        snprintf(err, errlen, "%s: out of memory", app);
        return -1;
    }
    struct tcpnet *t = NULL;
    for (size_t i = 0; i < r->n && !t; i++)
        if (r->t[i]->node == n)
            t = r->t[i];
    if (!t) {
        struct tcpnet **grown = realloc(r->t, (r->n + 1) * sizeof *grown);
        if (grown)
            r->t = grown;
        if (!grown || !(t = calloc(1, sizeof *t))) {
            snprintf(err, errlen, "%s: out of memory", app);
            return -1;
        }
        t->node = n;
        t->ctx = ctx;
        tcp_config_default(&t->cfg);
        r->t[r->n++] = t;
    }
    const char *cc = tcpnet_opts_cc(opts);
    if (cc && !tcp_cong_find(cc)) {
        snprintf(err, errlen, "%s: cc \"%s\" is not a known congestion control; expected one "
                 "of %s", app, cc, tcp_cong_names());
        return -1;
    }
    for (size_t i = 1; i < TCPNET_NOPTS; i++) { /* 0, cc, is the application's own */
        if (!opts || !opts->v[i][0])
            continue;
        struct tcp_config c = t->cfg;
        if (opt_apply(&c, i, opts->v[i], app, err, errlen) < 0)
            return -1;
        if (t->setby[i][0]) {
            const struct param_def *pd = registry_param(registry_find("tcp"),
                                                        tcpnet_opt_names[i]);
            char a[PARAM_STRING_MAX], b[PARAM_STRING_MAX];
            param_format(pd, &c, a, sizeof a);
            param_format(pd, &t->cfg, b, sizeof b);
            if (strcmp(a, b) != 0) {
                snprintf(err, errlen,
                         "%s: %s %s conflicts with %s %s given by %s for the same node \"%s\" "
                         "(one TCP stack per node: give the same value or leave it empty)",
                         app, tcpnet_opt_names[i], a, tcpnet_opt_names[i], b, t->setby[i],
                         net_node_name(n));
                return -1;
            }
        }
        t->cfg = c;
        snprintf(t->setby[i], sizeof t->setby[i], "%s", app);
    }
    char why[256];
    if (tcp_config_check(&t->cfg, why, sizeof why) < 0) {
        snprintf(err, errlen, "%s: %s", app, why);
        return -1;
    }
    *out = t;
    return 0;
}

struct tcp_stack *tcpnet_stack(struct tcpnet *t)
{
    if (t->stack)
        return t->stack;
    char rng_name[PARAM_STRING_MAX + 8], err[256];
    snprintf(rng_name, sizeof rng_name, "%s/tcp", net_node_name(t->node));
    if (tcp_stack_new(t->ctx->sched, t->ctx->pool, &t->cfg, &ip_ops, t, t->ctx->seed,
                      t->ctx->run, rng_name, &t->stack, err, sizeof err) < 0) {
        t->stack = NULL;
        return NULL;
    }
    if (net_node_bind_proto(t->node, IPPROTO_NUM_TCP, ip_receive, t) < 0) {
        tcp_stack_free(t->stack);
        t->stack = NULL;
    }
    return t->stack;
}

int tcpnet_addr(const struct net_node *n, int family, struct sock_addr *out)
{
    const struct net_addr *a = net_node_primary(n, family);
    if (!a)
        return -1;
    memset(out, 0, sizeof *out);
    out->family = a->family;
    memcpy(out->bytes, a->b, 16);
    return 0;
}

size_t tcpnet_sum_stats(struct model_ctx *ctx, struct tcp_stack_stats *sum)
{
    memset(sum, 0, sizeof *sum);
    struct tcpnet_reg *r = model_ctx_shared(ctx, "tcpnet", sizeof *r, reg_fini);
    size_t n = 0;
    for (size_t i = 0; r && i < r->n; i++) {
        if (!r->t[i]->stack)
            continue;
        struct tcp_stack_stats st;
        tcp_stack_get_stats(r->t[i]->stack, &st);
        /* Every member is a uint64_t counter: add them as an array. */
        const uint64_t *a = (const uint64_t *)&st;
        uint64_t *b = (uint64_t *)sum;
        for (size_t k = 0; k < sizeof st / sizeof(uint64_t); k++)
            b[k] += a[k];
        n++;
    }
    return n;
}
