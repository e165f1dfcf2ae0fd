/* host_tcp.c - the "tcp" transport: a node's TCP stack (models/tcp) on the node's IP layer.
 *
 * Down: the stack hands a segment that starts at the TCP header; we push a 20-byte IPv4
 * header (DF set, TTL 64, identification counting per node as Linux does for DF packets
 * without a socket id) or a 40-byte IPv6 header (hop limit 64), mark l3/l4 and give the
 * packet to net_node_send(). Up: the node delivers protocol 6 with the front at the IP
 * header and l4 marked; we take the addresses from the header, pull to the TCP header and
 * call tcp_input(). Nothing is allocated per packet. The stack draws its ISNs and cookie
 * secret from the stream "NODE/tcp" of (seed, run).
 *
 * Transparent listeners (sock_listen_args.transparent) need the TCP listener's transparent
 * mode, which models/tcp does not have yet: such a listen returns SOCK_ERR_ARG until it does.
 */
#include "models/host/host_tcp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/tcp/tcp_cong.h"
#include "models/tcp/tcp_socket.h"
#include "models/wire/bytes.h"
#include "models/wire/checksum.h"
#include "models/wire/ipv4.h"
#include "models/wire/ipv6.h"

struct host_tcp {
    struct net_node *node;
    struct tcp_stack *stack;
    uint16_t ip_id;
};

static void ip_send(void *ip_ctx, struct packet *p, const struct sock_addr *src,
                    const struct sock_addr *dst)
{
    struct host_tcp *t = ip_ctx;
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
    struct host_tcp *t = ctx;
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
    pkt_pull(p, (size_t)(pkt_l4(p) - h));
    tcp_input(t->stack, p, &src, &dst);
}

static int tcp_tp_create(const struct host_env *env, void **tp, char *err, size_t errlen)
{
    struct host_tcp *t = calloc(1, sizeof *t);
    if (!t) {
        snprintf(err, errlen, "tcp: out of memory");
        return -1;
    }
    t->node = env->node;
    char rng_name[PARAM_STRING_MAX + 8];
    snprintf(rng_name, sizeof rng_name, "%s/tcp", env->node_name);
    if (tcp_stack_new(env->sched, env->pool, env->settings, &ip_ops, t, env->seed, env->run,
                      rng_name, &t->stack, err, errlen) < 0) {
        free(t);
        return -1;
    }
    if (net_node_bind_proto(t->node, IPPROTO_NUM_TCP, ip_receive, t) < 0) {
        snprintf(err, errlen, "tcp: node \"%s\" has a protocol 6 receiver already",
                 env->node_name);
        tcp_stack_free(t->stack);
        free(t);
        return -1;
    }
    *tp = t;
    return 0;
}

static void tcp_tp_destroy(void *tp)
{
    struct host_tcp *t = tp;
    tcp_stack_free(t->stack);
    free(t);
}

static int tcp_tp_connect(void *tp, const struct sock_connect_args *a,
                          const struct sock_callbacks *cb, void *ctx, struct sock **out)
{
    struct host_tcp *t = tp;
    struct sock_addr src = a->src;
    if (!src.family && host_addr(t->node, a->dst.family, &src) < 0)
        return SOCK_ERR_ARG;
    struct tcp_sock *s;
    int rc = tcp_connect(t->stack, &src, a->src_port, &a->dst, a->dst_port, a->cc, cb, ctx, &s);
    if (rc == 0)
        *out = tcp_sock_sock(s);
    return rc;
}

static int tcp_tp_listen(void *tp, const struct sock_listen_args *a,
                         const struct sock_listener_callbacks *cb, void *ctx,
                         struct sock_listener **out)
{
    struct host_tcp *t = tp;
    struct tcp_listener *l;
    int rc = a->transparent
                 ? tcp_listen_transparent(t->stack, a->port, cb, ctx, &l)
                 : tcp_listen(t->stack, a->addr.family ? &a->addr : NULL, a->port, cb, ctx, &l);
    if (rc == 0)
        *out = tcp_listener_sock(l);
    return rc;
}

static int tcp_tp_check_opt(const char *name, const char *value, char *err, size_t errlen)
{
    if (strcmp(name, "cc") == 0 && !tcp_cong_find(value)) {
        snprintf(err, errlen, "cc \"%s\" is not a known congestion control; expected one of %s",
                 value, tcp_cong_names());
        return -1;
    }
    return 0;
}

static int tcp_tp_check_settings(const void *settings, char *err, size_t errlen)
{
    return tcp_config_check(settings, err, errlen);
}

static void tcp_tp_add_stats(void *tp, void *sum)
{
    struct host_tcp *t = tp;
    struct tcp_stack_stats st;
    tcp_stack_get_stats(t->stack, &st);
    /* Every member is a uint64_t counter: add them as an array. */
    const uint64_t *a = (const uint64_t *)&st;
    uint64_t *b = sum;
    for (size_t k = 0; k < sizeof st / sizeof(uint64_t); k++)
        b[k] += a[k];
}

static const struct sock_transport_def tcp_transport = {
    .name = "tcp",
    .help = "TCP (RFC 9293), the node's stack of models/tcp on its IP layer",
    .settings_model = "tcp",
    .check_settings = tcp_tp_check_settings,
    .check_opt = tcp_tp_check_opt,
    .create = tcp_tp_create,
    .destroy = tcp_tp_destroy,
    .ops = { .connect = tcp_tp_connect, .listen = tcp_tp_listen },
    .stats_size = sizeof(struct tcp_stack_stats),
    .add_stats = tcp_tp_add_stats,
};
SOCK_TRANSPORT_REGISTER(tcp_transport)

struct tcp_stack *host_tcp_stack(struct host *h)
{
    struct host_tcp *t = host_transport(h, "tcp");
    return t ? t->stack : NULL;
}

size_t host_tcp_sum_stats(struct model_ctx *ctx, struct tcp_stack_stats *sum)
{
    return host_sum_stats(ctx, "tcp", sum, sizeof *sum);
}
