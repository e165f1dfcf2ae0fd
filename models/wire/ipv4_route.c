/* ipv4_route.c - IPv4 source route (LSRR/SSRR) and record route options, RFC 791 section 3.1.
 *
 * Layout of all three: type | length | pointer | route data (4 bytes per address). The
 * pointer is the 1-based octet of the option where the next address to process begins; it
 * starts at 4 and is past the length when the route is complete. A sending host puts the
 * first hop in the destination field and the final destination last in the route data; each
 * listed hop replaces the destination with the next address and records its own outgoing
 * address in that slot, so the option keeps its length all along the path.
 */
#include <string.h>

#include "models/wire/bytes.h"
#include "models/wire/ipv4.h"
#include "models/wire/wire_err.h"

static int is_source_route(uint8_t type) { return type == IPOPT_LSRR || type == IPOPT_SSRR; }

int ipv4_route_get(const struct ipv4_hdr *h, uint8_t type, struct ipv4_route *r)
{
    for (size_t i = 0; i < h->nopts; i++) {
        const struct ipv4_opt *o = &h->opts[i];
        if (type ? o->type != type : !is_source_route(o->type))
            continue;
        const uint8_t *b = h->opt + o->off;
        if (o->len < 3 || (o->len - 3) % 4)
            return WIRE_E_OPT_LEN;
        uint8_t ptr = b[2];
        if (ptr < IPOPT_ROUTE_MIN_PTR || ptr % 4)
            return WIRE_E_OPT_PTR;
        r->type = o->type;
        r->len = o->len;
        r->ptr = ptr;
        r->naddr = (uint8_t)((o->len - 3) / 4);
        r->opt_off = o->off;
        for (size_t k = 0; k < r->naddr; k++)
            r->addr[k] = rd32(b + 3 + 4 * k);
        return 0;
    }
    return WIRE_E_NOT_FOUND;
}

uint32_t ipv4_final_dst(const struct ipv4_hdr *h)
{
    struct ipv4_route r;
    if (ipv4_route_get(h, 0, &r) == 0 && ipv4_route_pending(&r) && r.naddr > 0)
        return r.addr[r.naddr - 1];
    return h->dst;
}

/* Options without EOL padding at the end: the length to append after. */
static size_t used_len(const struct ipv4_hdr *h)
{
    size_t end = 0;
    for (size_t i = 0; i < h->nopts; i++)
        if (h->opts[i].type != IPOPT_EOL)
            end = (size_t)h->opts[i].off + h->opts[i].len;
    return end;
}

/* Installs new option bytes: pads with EOL to a word, fixes tot_len, re-lists, checksums. */
static void set_opts(struct ipv4_hdr *h, const uint8_t *opt, size_t len)
{
    size_t old_hlen = ipv4_hdr_len(h);
    memcpy(h->opt, opt, len);
    while (len % 4)
        h->opt[len++] = IPOPT_EOL;
    h->optlen = (uint8_t)len;
    h->tot_len = (uint16_t)(h->tot_len - old_hlen + ipv4_hdr_len(h));
    ipv4_opts_parse(h);
    ipv4_set_csum(h);
}

int ipv4_route_insert(struct ipv4_hdr *h, uint8_t type, const uint32_t *hops, size_t n)
{
    struct ipv4_route r;
    if (!is_source_route(type) || n == 0 || ipv4_route_get(h, 0, &r) != WIRE_E_NOT_FOUND)
        return WIRE_E_ARG;
    size_t base = used_len(h);
    /* NOPs in front so the 3 + 4n byte option ends on a word: one NOP after aligned options. */
    size_t pad = (4 - (base + 3 + 4 * n) % 4) % 4;
    size_t need = base + pad + 3 + 4 * n;
    if (n > IPV4_ROUTE_MAX_ADDRS || need > IPV4_MAX_OPT_LEN)
        return WIRE_E_OPT_SPACE;
    uint8_t b[IPV4_MAX_OPT_LEN];
    memcpy(b, h->opt, base);
    size_t k = base;
    for (size_t i = 0; i < pad; i++)
        b[k++] = IPOPT_NOP;
    b[k++] = type;
    b[k++] = (uint8_t)(3 + 4 * n);
    b[k++] = IPOPT_ROUTE_MIN_PTR;
    for (size_t i = 1; i < n; i++, k += 4)
        wr32(b + k, hops[i]);
    wr32(b + k, h->dst);
    k += 4;
    h->dst = hops[0];
    set_opts(h, b, k);
    return 0;
}

int ipv4_route_process(struct ipv4_hdr *h, uint32_t self, uint32_t out_addr)
{
    struct ipv4_route r;
    int err = ipv4_route_get(h, 0, &r);
    if (err)
        return err;
    if (!ipv4_route_pending(&r))
        return WIRE_E_ROUTE_DONE;
    if (h->dst != self)
        return WIRE_E_NOT_HOP;
    if (r.ptr + 3 > r.len)
        return WIRE_E_OPT_PTR; /* the pointer leaves no room for a whole address */
    uint8_t *slot = h->opt + r.opt_off + r.ptr - 1;
    h->dst = rd32(slot);
    wr32(slot, out_addr);
    h->opt[r.opt_off + 2] = (uint8_t)(r.ptr + 4);
    ipv4_set_csum(h);
    return 0;
}

int ipv4_route_remove(struct ipv4_hdr *h)
{
    struct ipv4_route r;
    int err = ipv4_route_get(h, 0, &r);
    if (err)
        return err;
    if (ipv4_route_pending(&r) && r.naddr > 0)
        h->dst = r.addr[r.naddr - 1];
    uint8_t b[IPV4_MAX_OPT_LEN];
    size_t k = 0;
    for (size_t i = 0; i < h->nopts; i++) {
        const struct ipv4_opt *o = &h->opts[i];
        /* NOPs only align the options; they are rebuilt by the EOL padding of set_opts. */
        if (o->off == r.opt_off || o->type == IPOPT_NOP || o->type == IPOPT_EOL)
            continue;
        memcpy(b + k, h->opt + o->off, o->len);
        k += o->len;
    }
    set_opts(h, b, k);
    return 0;
}

int ipv4_rr_record(struct ipv4_hdr *h, uint32_t addr)
{
    struct ipv4_route r;
    int err = ipv4_route_get(h, IPOPT_RR, &r);
    if (err)
        return err;
    if (r.ptr + 3 > r.len)
        return WIRE_E_ROUTE_DONE;
    wr32(h->opt + r.opt_off + r.ptr - 1, addr);
    h->opt[r.opt_off + 2] = (uint8_t)(r.ptr + 4);
    ipv4_set_csum(h);
    return 0;
}
