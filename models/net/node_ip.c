/* node_ip.c - the IP path of a node: receive, source routing at listed hops, forward,
 * deliver, send (see node.h for the order of the steps).
 *
 * Per forwarded IPv4 packet without options: the fixed-header checks a router makes (RFC 1812
 * section 5.2.2: length, version, header length, total length, checksum), one test per hook
 * point, the local-address test, one route lookup, the MTU test, and the TTL decrement with
 * the RFC 1624 incremental checksum update. Headers are read in place with the big-endian
 * helpers; the wire codecs (models/wire) decode the whole header only where it is needed:
 * IPv4 options (LSRR/SSRR at a listed hop and record route, RFC 791 section 3.1) and IPv6
 * extension headers (SRH at a segment endpoint, RFC 8754 section 4.3.1). Nothing is
 * allocated per packet except ICMP errors, which come from the pool.
 *
 * Choices (docs/models-network.md): a packet larger than the egress MTU is dropped with
 * ICMP "fragmentation needed" (IPv4, whatever its DF bit: no fragmentation is modelled) or
 * "packet too big" (IPv6); a locally sent packet that is too big is dropped and counted
 * (Linux returns EMSGSIZE). SSRR is enforced at the listed hops: the next listed address
 * must belong to the neighbour the route leaves by, else ICMP "source route failed".
 */
#include <string.h>

#include "models/net/node_impl.h"
#include "models/wire/bytes.h"
#include "models/wire/checksum.h"
#include "models/wire/icmp.h"
#include "models/wire/ipv4.h"
#include "models/wire/ipv6.h"
#include "models/wire/wire_err.h"

static void drop(struct packet *p, uint64_t *counter)
{
    (*counter)++;
    pkt_free(p);
}

static bool is_ext_header(uint8_t nh)
{
    return nh == IPV6_EXT_HOPOPTS || nh == IPV6_EXT_ROUTING || nh == IPV6_EXT_FRAGMENT ||
           nh == IPV6_EXT_DSTOPTS;
}

/* Where the header's addresses are (network order, the net_addr layout). */
static inline const uint8_t *dst_bytes(const uint8_t *h, int family)
{
    return family == 4 ? h + 16 : h + 24;
}

static inline const uint8_t *src_bytes(const uint8_t *h, int family)
{
    return family == 4 ? h + 12 : h + 8;
}

/* An address copied into the caller's struct: returning one by value would copy it with a
 * wide load right after the narrow stores that built it, a store-forwarding stall on every
 * packet (measured: 40% of node_ip_input). */
static inline void addr_read(struct net_addr *a, const uint8_t *bytes, int family)
{
    *a = (struct net_addr){ .family = (uint8_t)family };
    memcpy(a->b, bytes, family == 4 ? 4 : 16);
}

void node_transmit_now(struct net_node *n, struct net_if *out, struct packet *p)
{
    if (out->capture)
        net_capture_packet(out->capture, sched_now(n->sched), p);
    out->ops->transmit(out, p);
}

void node_emit(struct net_node *n, struct net_if *out, struct packet *p)
{
    if (n->cpu.in_service && n->cpu.nact < NODE_CPU_MAX_ACTIONS) {
        n->cpu.act[n->cpu.nact++] = (struct cpu_action){ p, out };
        return;
    }
    if (n->cpu.in_service)
        n->cpu.overflow_actions++;
    if (out)
        node_transmit_now(n, out, p);
    else
        node_deliver_now(n, p);
}

/* The upper-layer protocol, its header's offset (*off) and the offset of the field that
 * named it (*nh_off: IPv4 protocol, or the last IPv6 Next Header); -1 when malformed. */
static int upper_layer(const struct packet *p, size_t *off, size_t *nh_off)
{
    const uint8_t *h = pkt_cdata(p);
    if ((h[0] >> 4) == 4) {
        *off = (size_t)(h[0] & 15) * 4;
        *nh_off = 9;
        return h[9];
    }
    if (!is_ext_header(h[6])) {
        *off = IPV6_HDR_LEN;
        *nh_off = 6;
        return h[6];
    }
    struct ipv6_hdr hd;
    if (ipv6_decode(h, pkt_len(p), &hd) < 0 || hd.later_fragment)
        return -1;
    *off = ipv6_hdr_len(&hd);
    *nh_off = hd.nexts ? IPV6_HDR_LEN + hd.exts[hd.nexts - 1].off : 6;
    return hd.proto;
}

/* No transport takes the protocol: RFC 1122 3.2.2.1 (Protocol Unreachable, SHOULD) and
 * RFC 8200 section 4 (Parameter Problem code 1 pointing at the Next Header field, MUST). */
static void no_protocol(struct net_node *n, struct packet *p, size_t nh_off)
{
    if ((pkt_data(p)[0] >> 4) == 4)
        node_icmp_error(n, NULL, p, ICMP_DEST_UNREACH, ICMP_CODE_PROTO_UNREACH, 0);
    else
        node_icmp_error(n, NULL, p, ICMPV6_PARAM_PROBLEM, ICMPV6_CODE_UNKNOWN_NH,
                        (uint32_t)nh_off);
    drop(p, &n->st.drop_no_proto);
}

void node_deliver_now(struct net_node *n, struct packet *p)
{
    size_t off, nh_off;
    int proto = upper_layer(p, &off, &nh_off);
    if (proto < 0) {
        drop(p, &n->st.drop_malformed);
        return;
    }
    p->l4 = (uint16_t)(p->data + off);
    if (proto == IPPROTO_NUM_UDP) {
        if (pkt_len(p) < off + 8) {
            drop(p, &n->st.drop_malformed);
            return;
        }
        uint16_t port = rd16(pkt_data(p) + off + 2);
        for (size_t i = 0; i < n->nbinds; i++)
            if (n->binds[i].port == port) {
                n->st.delivered++;
                n->binds[i].fn(n->binds[i].ctx, p);
                return;
            }
        int v4 = (pkt_data(p)[0] >> 4) == 4;
        node_icmp_error(n, NULL, p, v4 ? ICMP_DEST_UNREACH : ICMPV6_DEST_UNREACH,
                        v4 ? ICMP_CODE_PORT_UNREACH : ICMPV6_CODE_PORT_UNREACH, 0);
        drop(p, &n->st.drop_no_port);
        return;
    }
    for (size_t i = 0; i < n->npbinds; i++)
        if (n->pbinds[i].proto == proto) {
            n->st.delivered++;
            n->pbinds[i].fn(n->pbinds[i].ctx, p);
            return;
        }
    if (proto == IPPROTO_NUM_ICMP || proto == IPV6_NH_ICMPV6) {
        n->st.delivered++; /* consumed by the node's own ICMP layer */
        pkt_free(p);
        return;
    }
    no_protocol(n, p, nh_off);
}

void net_node_deliver(struct net_node *n, struct packet *p)
{
    pkt_mark_l3(p);
    node_deliver_now(n, p);
}

static void local_in(struct net_node *n, struct net_if *in, struct packet *p)
{
    if (n->hooks[NET_HOOK_INPUT].n &&
        node_hooks_run(n, NET_HOOK_INPUT, p, in, NULL) != NET_ACCEPT)
        return;
    node_emit(n, NULL, p);
}

static void too_big(struct net_node *n, struct net_if *in, struct packet *p, int family,
                    bytes_t mtu)
{
    node_icmp_error(n, in, p, family == 4 ? ICMP_DEST_UNREACH : ICMPV6_PKT_TOO_BIG,
                    family == 4 ? ICMP_CODE_FRAG_NEEDED : 0, (uint32_t)mtu);
    drop(p, &n->st.drop_mtu);
}

/* RFC 791 section 3.1, record route: a router forwarding the packet writes the address of
 * the interface it leaves by into the next free slot (a full option is left alone). Only
 * packets with options get here, so the decode costs nothing on the fast path. */
static void record_route(struct net_node *n, struct packet *p, struct net_if *out)
{
    struct ipv4_hdr hd;
    uint8_t *h = pkt_data(p);
    const struct net_addr *self = node_src_addr(n, out, 4);
    size_t len;
    if (self && ipv4_decode(h, pkt_len(p), &hd) == 0 &&
        ipv4_rr_record(&hd, net_addr_v4_host(self)) == 0)
        ipv4_encode(&hd, h, ipv4_hdr_len(&hd), &len);
}

/* Forwards p out of `out`, or (out NULL) the way the routes give for its destination, whose
 * address-index entry (net_addr_lookup, NULL for none) the caller passes as dst_e. */
static void forward(struct net_node *n, struct net_if *in, struct packet *p, int family,
                    struct net_if *out, const struct addr_entry *dst_e)
{
    uint8_t *h = pkt_data(p);
    uint8_t ttl = family == 4 ? h[8] : h[7];
    if (ttl <= 1) {
        node_icmp_error(n, in, p, family == 4 ? ICMP_TIME_EXCEEDED : ICMPV6_TIME_EXCEEDED, 0,
                        0);
        drop(p, &n->st.drop_ttl);
        return;
    }
    if (!out) {
        /* The source matters only to source-specific entries of the static table. */
        struct net_addr dst, src = { 0 };
        addr_read(&dst, dst_bytes(h, family), family);
        if ((family == 4 ? n->fib4.nentries : n->fib6.nentries) != 0)
            addr_read(&src, src_bytes(h, family), family);
        out = node_route_entry(n, &dst, dst_e, &src, false);
    }
    if (!out) {
        node_icmp_error(n, in, p, family == 4 ? ICMP_DEST_UNREACH : ICMPV6_DEST_UNREACH,
                        family == 4 ? ICMP_CODE_NET_UNREACH : ICMPV6_CODE_NO_ROUTE, 0);
        drop(p, &n->st.drop_no_route);
        return;
    }
    if (out->mtu && pkt_wire_len(p) > out->mtu) {
        too_big(n, in, p, family, out->mtu);
        return;
    }
    if (family == 4) {
        /* RFC 1624 eq. 3 on the 16-bit word holding TTL and protocol. */
        uint16_t old = rd16(h + 8);
        h[8]--;
        wr16(h + 10, csum_update16(rd16(h + 10), old, rd16(h + 8)));
        if ((h[0] & 15) > 5)
            record_route(n, p, out);
    } else {
        h[7]--;
    }
    n->st.forwarded++;
    if (n->hooks[NET_HOOK_FORWARD].n &&
        node_hooks_run(n, NET_HOOK_FORWARD, p, in, out) != NET_ACCEPT)
        return;
    if (n->hooks[NET_HOOK_POSTROUTING].n &&
        node_hooks_run(n, NET_HOOK_POSTROUTING, p, in, out) != NET_ACCEPT)
        return;
    node_emit(n, out, p);
}

/* IPv4 options at this node: the RFC 7126 filter, then LSRR/SSRR when this node is the
 * current hop. Returns 1 when the packet was consumed (forwarded or dropped), 0 to go on. */
static int ipv4_options(struct net_node *n, struct net_if *in, struct packet *p, bool local)
{
    struct ipv4_hdr hd;
    uint8_t *h = pkt_data(p);
    size_t ihl = (size_t)(h[0] & 15) * 4;
    if (ipv4_decode(h, pkt_len(p), &hd) < 0) {
        drop(p, &n->st.drop_malformed);
        return 1;
    }
    struct ipv4_route r;
    int rc = ipv4_route_get(&hd, 0, &r);
    if (rc == WIRE_E_NOT_FOUND)
        return 0;
    if (n->opt.drop_source_routed) {
        drop(p, &n->st.drop_source_routed);
        return 1;
    }
    if (rc < 0) {
        drop(p, &n->st.drop_malformed);
        return 1;
    }
    if (!local || !ipv4_route_pending(&r))
        return 0;
    struct net_addr next = net_addr_v4(r.addr[(r.ptr - IPOPT_ROUTE_MIN_PTR) / 4]);
    struct net_addr src = net_addr_v4(hd.src);
    /* The next listed address may be this node's too: it records itself and goes on. */
    bool next_local = node_owns_indexed(n, &next);
    struct net_if *out = next_local ? NULL : node_route(n, &next, &src, false);
    bool strict_ok = next_local || r.type != IPOPT_SSRR ||
                     (out && out->peer && node_owns_indexed(out->peer, &next));
    const struct net_addr *self_out = next_local ? &next
                                      : out      ? node_src_addr(n, out, 4)
                                                 : NULL;
    if (!strict_ok || !self_out ||
        ipv4_route_process(&hd, hd.dst, net_addr_v4_host(self_out)) < 0) {
        node_icmp_error(n, in, p, ICMP_DEST_UNREACH, ICMP_CODE_SRCRT_FAILED, 0);
        drop(p, &n->st.drop_srcroute_failed);
        return 1;
    }
    size_t len;
    ipv4_encode(&hd, h, ihl, &len);
    n->st.srcroute_processed++;
    if (next_local) {
        if (!ipv4_options(n, in, p, true))
            local_in(n, in, p);
        return 1;
    }
    forward(n, in, p, 4, out, NULL);
    return 1;
}

/* IPv6 extension headers at this node: the routing-header filter, then SRH endpoint
 * processing when this node is the destination. Returns 1 when consumed, 0 to go on. */
static int ipv6_routing(struct net_node *n, struct net_if *in, struct packet *p, bool local)
{
    struct ipv6_hdr hd;
    if (ipv6_decode(pkt_data(p), pkt_len(p), &hd) < 0) {
        drop(p, &n->st.drop_malformed);
        return 1;
    }
    const struct ipv6_ext *rh = ipv6_ext_find(&hd, IPV6_EXT_ROUTING);
    if (!rh || hd.ext[rh->off + 3] == 0)
        return 0; /* no routing header, or Segments Left 0: the packet is at its end */
    if (n->opt.drop_source_routed) {
        drop(p, &n->st.drop_source_routed);
        return 1;
    }
    if (!local)
        return 0;
    size_t old_len = ipv6_hdr_len(&hd), len;
    if (ipv6_srh_process(&hd, hd.dst) < 0) {
        /* RFC 8200 section 4.4: an unknown routing type with Segments Left > 0 is an error
         * (Parameter Problem, not modelled: dropped and counted). */
        drop(p, &n->st.drop_malformed);
        return 1;
    }
    struct ipv6_srh s;
    if (n->opt.srh_psp && ipv6_srh_get(&hd, &s) == 0 && s.segleft == 0)
        ipv6_srh_remove(&hd);
    size_t new_len = ipv6_hdr_len(&hd);
    if (new_len != old_len) {
        pkt_pull(p, old_len);
        if (!pkt_push(p, new_len)) {
            drop(p, &n->st.drop_malformed);
            return 1;
        }
        pkt_mark_l3(p);
    }
    ipv6_encode(&hd, pkt_data(p), new_len, &len);
    n->st.srcroute_processed++;
    struct net_addr next = net_addr_v6(hd.dst);
    const struct addr_entry *e = net_addr_lookup(n->net, &next);
    if (e && e->node == n->index) { /* the next segment is this node's too */
        if (!ipv6_routing(n, in, p, true))
            local_in(n, in, p);
        return 1;
    }
    forward(n, in, p, 6, NULL, e);
    return 1;
}

static bool ipv4_ok(const struct packet *p)
{
    const uint8_t *h = pkt_cdata(p);
    size_t len = pkt_len(p), ihl = (size_t)(h[0] & 15) * 4;
    return len >= IPV4_HDR_MIN_LEN && ihl >= IPV4_HDR_MIN_LEN && len >= ihl &&
           rd16(h + 2) == pkt_wire_len(p) && csum_ipv4_header_ok(h, ihl);
}

static bool ipv6_ok(const struct packet *p)
{
    return pkt_len(p) >= IPV6_HDR_LEN &&
           (size_t)rd16(pkt_cdata(p) + 4) + IPV6_HDR_LEN == pkt_wire_len(p);
}

void node_ip_input(struct net_node *n, struct net_if *in, struct packet *p)
{
    int family = pkt_len(p) ? pkt_data(p)[0] >> 4 : 0;
    if ((family != 4 || !ipv4_ok(p)) && (family != 6 || !ipv6_ok(p))) {
        drop(p, &n->st.drop_malformed);
        return;
    }
    pkt_mark_l3(p);
    if (n->hooks[NET_HOOK_PREROUTING].n &&
        node_hooks_run(n, NET_HOOK_PREROUTING, p, in, NULL) != NET_ACCEPT)
        return;
    const uint8_t *h = pkt_data(p);
    const struct addr_entry *e = net_addr_find(n->net, family, dst_bytes(h, family));
    bool local = e && e->node == n->index;
    if (family == 4 && (h[0] & 15) > 5 && ipv4_options(n, in, p, local))
        return;
    if (family == 6 && is_ext_header(h[6]) && ipv6_routing(n, in, p, local))
        return;
    if (local)
        local_in(n, in, p);
    else
        forward(n, in, p, family, NULL, e);
}

void node_ip_output(struct net_node *n, struct packet *p)
{
    int family = pkt_len(p) ? pkt_data(p)[0] >> 4 : 0;
    if ((family != 4 || !ipv4_ok(p)) && (family != 6 || !ipv6_ok(p))) {
        drop(p, &n->st.drop_malformed);
        return;
    }
    pkt_mark_l3(p);
    if (n->hooks[NET_HOOK_OUTPUT].n &&
        node_hooks_run(n, NET_HOOK_OUTPUT, p, NULL, NULL) != NET_ACCEPT)
        return;
    const uint8_t *h = pkt_data(p);
    n->st.sent++;
    const struct addr_entry *e = net_addr_find(n->net, family, dst_bytes(h, family));
    if (e && e->node == n->index) {
        node_emit(n, NULL, p); /* loopback */
        return;
    }
    struct net_addr dst, src;
    addr_read(&dst, dst_bytes(h, family), family);
    addr_read(&src, src_bytes(h, family), family);
    struct net_if *out = node_route_entry(n, &dst, e, &src, true);
    if (!out) {
        drop(p, &n->st.drop_no_route);
        return;
    }
    if (out->mtu && pkt_wire_len(p) > out->mtu) {
        drop(p, &n->st.drop_mtu);
        return;
    }
    if (n->hooks[NET_HOOK_POSTROUTING].n &&
        node_hooks_run(n, NET_HOOK_POSTROUTING, p, NULL, out) != NET_ACCEPT)
        return;
    node_emit(n, out, p);
}

void net_node_send(struct net_node *n, struct packet *p)
{
    if (!n->net->started)
        net_shared_start(n->net);
    node_ip_output(n, p);
}

static void receive(struct net_node *n, struct net_if *in, struct packet *p)
{
    if (n->opt.cpu_per_packet > 0)
        node_cpu_arrive(n, in, p);
    else
        node_ip_input(n, in, p);
}

void net_if_receive(struct net_if *ifc, struct packet *p)
{
    if (ifc->capture)
        net_capture_packet(ifc->capture, sched_now(ifc->node->sched), p);
    receive(ifc->node, ifc, p);
}

void net_node_receive(struct net_node *n, struct packet *p)
{
    if (!n->net->started)
        net_shared_start(n->net);
    receive(n, NULL, p);
}
