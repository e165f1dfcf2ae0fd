/* decode_ipv4.c - the IPv4 header and option fields of `mcpsim decode` (ip.*).
 *
 * Header fields read the decoded header (models/wire/ipv4.h); the route fields (ip.src_rt,
 * ip.rec_rt, ip.cur_rt, ip.empty_rt and the final destination in ip.dst) follow the roles
 * Wireshark 4.0's source-route and record-route dissectors give each address slot, quirks
 * included, because tshark is the reference output. Not shown: the timestamp option's
 * entries, security options, and any field of a packet quoted inside an ICMP error.
 */
#include "cmd/decode_group.h"
#include "models/wire/bytes.h"

static void put_ip4(struct occ *o, uint32_t a)
{
    occ_put(o, "%u.%u.%u.%u", a >> 24, (a >> 16) & 0xff, (a >> 8) & 0xff, a & 0xff);
}

static const struct ipv4_hdr *v4(const struct decode_ctx *c)
{
    return c->pkt && c->pkt->family == 4 ? &c->pkt->ip.v4 : NULL;
}

/* Wireshark reads a source route in two steps (packet-ip.c):
 *  1. the header: if the first LSRR/SSRR has a usable pointer (>= 4, multiple of 4, <= its
 *     length), the header's destination is shown as ip.cur_rt instead of ip.dst;
 *  2. the option: walking its 4-byte slots, the last slot (at length - 4) is the final
 *     destination, shown as ip.dst while the route is pending; slots before the pointer are
 *     ip.rec_rt, the others ip.src_rt; once the pointer is past the end all are ip.rec_rt.
 * A route whose length is not 3 + 4n never reaches a slot at length - 4, so it shows no
 * ip.dst at all: reproduced, as tshark is the reference. */
static int usable_ptr(uint8_t ptr) { return ptr >= IPOPT_ROUTE_MIN_PTR && ptr % 4 == 0; }
static int is_source_route(uint8_t t) { return t == IPOPT_LSRR || t == IPOPT_SSRR; }

static int header_shows_cur_rt(const struct ipv4_hdr *h)
{
    for (size_t i = 0; i < h->nopts; i++) {
        const struct ipv4_opt *op = &h->opts[i];
        if (is_source_route(op->type))
            return op->len >= 3 && usable_ptr(h->opt[op->off + 2]) &&
                   h->opt[op->off + 2] <= op->len;
    }
    return 0;
}

/* Route addresses by role, as Wireshark's route-option dissectors assign them. */
enum rt_role { RT_DST, RT_SRC, RT_REC, RT_EMPTY };

static int is_route_type(uint8_t t) { return is_source_route(t) || t == IPOPT_RR; }

static void route_addrs(const struct decode_ctx *c, struct occ *o, enum rt_role want)
{
    const struct ipv4_hdr *h = v4(c);
    for (size_t i = 0; h && i < h->nopts; i++) {
        const struct ipv4_opt *op = &h->opts[i];
        if (!is_route_type(op->type) || op->len < 3)
            continue;
        const uint8_t *b = h->opt + op->off;
        uint8_t ptr = b[2], len = op->len;
        if (!usable_ptr(ptr))
            continue; /* Wireshark flags the pointer and shows no address */
        for (size_t off = 3; off + 4 <= len; off += 4) {
            enum rt_role role;
            if (op->type == IPOPT_RR)
                role = (ptr > len || off + 1 < ptr) ? RT_REC : RT_EMPTY;
            else if (ptr > len)
                role = RT_REC;
            else if (off == (size_t)len - 4)
                role = RT_DST;
            else
                role = off + 1 < ptr ? RT_REC : RT_SRC;
            if (role == want)
                put_ip4(o, rd32(b + off));
        }
    }
}

static void f_ip_src(const struct decode_ctx *c, struct occ *o)
{
    if (v4(c))
        put_ip4(o, v4(c)->src);
}
static void f_ip_dst(const struct decode_ctx *c, struct occ *o)
{
    const struct ipv4_hdr *h = v4(c);
    if (h && !header_shows_cur_rt(h))
        put_ip4(o, h->dst);
    route_addrs(c, o, RT_DST);
}
static void f_ip_cur_rt(const struct decode_ctx *c, struct occ *o)
{
    const struct ipv4_hdr *h = v4(c);
    if (h && header_shows_cur_rt(h))
        put_ip4(o, h->dst);
}
static void f_ip_len(const struct decode_ctx *c, struct occ *o)
{
    if (v4(c))
        occ_put(o, "%u", v4(c)->tot_len);
}
static void f_ip_hdr_len(const struct decode_ctx *c, struct occ *o)
{
    if (v4(c))
        occ_put(o, "%zu", ipv4_hdr_len(v4(c)));
}
static void f_ip_id(const struct decode_ctx *c, struct occ *o)
{
    if (v4(c))
        occ_put(o, "0x%04x", v4(c)->id);
}
static void f_ip_ttl(const struct decode_ctx *c, struct occ *o)
{
    if (v4(c))
        occ_put(o, "%u", v4(c)->ttl);
}
static void f_ip_proto(const struct decode_ctx *c, struct occ *o)
{
    if (v4(c))
        occ_put(o, "%u", v4(c)->proto);
}
static void f_ip_checksum(const struct decode_ctx *c, struct occ *o)
{
    if (v4(c))
        occ_put(o, "0x%04x", v4(c)->csum);
}

/* Option types Wireshark 4.0 has a dissector for: only those show ip.opt.type/ip.opt.len
 * (an unknown type is a bare "Unknown (0x..)" subtree). */
static int ws_known_ipopt(uint8_t t)
{
    static const uint8_t known[] = { 0, 1, 7, 11, 12, 25, 68, 82, 130, 131, 133, 134, 136, 137,
                                     148, 149 };
    for (size_t i = 0; i < sizeof known; i++)
        if (known[i] == t)
            return 1;
    return 0;
}

static void f_ip_opt_type(const struct decode_ctx *c, struct occ *o)
{
    const struct ipv4_hdr *h = v4(c);
    for (size_t i = 0; h && i < h->nopts; i++)
        if (ws_known_ipopt(h->opts[i].type))
            occ_put(o, "%u", h->opts[i].type);
}
static void f_ip_opt_len(const struct decode_ctx *c, struct occ *o)
{
    const struct ipv4_hdr *h = v4(c);
    for (size_t i = 0; h && i < h->nopts; i++)
        if (h->opts[i].len > 1 && ws_known_ipopt(h->opts[i].type))
            occ_put(o, "%u", h->opts[i].len);
}
static void f_ip_opt_ptr(const struct decode_ctx *c, struct occ *o)
{
    const struct ipv4_hdr *h = v4(c);
    for (size_t i = 0; h && i < h->nopts; i++)
        if ((is_route_type(h->opts[i].type) || h->opts[i].type == IPOPT_TS) && h->opts[i].len > 2)
            occ_put(o, "%u", h->opt[h->opts[i].off + 2]);
}

static void f_ip_src_rt(const struct decode_ctx *c, struct occ *o) { route_addrs(c, o, RT_SRC); }
static void f_ip_rec_rt(const struct decode_ctx *c, struct occ *o) { route_addrs(c, o, RT_REC); }
static void f_ip_empty_rt(const struct decode_ctx *c, struct occ *o)
{
    route_addrs(c, o, RT_EMPTY);
}

static const struct decode_field ipv4_fields[] = {
    { "ip.src", f_ip_src },
    { "ip.dst", f_ip_dst },
    { "ip.len", f_ip_len },
    { "ip.hdr_len", f_ip_hdr_len },
    { "ip.id", f_ip_id },
    { "ip.ttl", f_ip_ttl },
    { "ip.proto", f_ip_proto },
    { "ip.checksum", f_ip_checksum },
    { "ip.opt.type", f_ip_opt_type },
    { "ip.opt.len", f_ip_opt_len },
    { "ip.opt.ptr", f_ip_opt_ptr },
    { "ip.src_rt", f_ip_src_rt },
    { "ip.rec_rt", f_ip_rec_rt },
    { "ip.cur_rt", f_ip_cur_rt },
    { "ip.empty_rt", f_ip_empty_rt },
};

const struct decode_field_group decode_ipv4_group = {
    ipv4_fields, sizeof ipv4_fields / sizeof ipv4_fields[0]
};
