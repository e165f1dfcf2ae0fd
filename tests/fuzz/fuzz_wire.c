/* fuzz_wire.c - libFuzzer target over the IP, TCP and MPTCP parsers (models/wire).
 *
 * Input: the bytes of one IP datagram, as a proxy receives it from the wire. Properties
 * checked beyond "no crash, no out-of-bounds read" (ASan/UBSan do that):
 *   - whenever the fixed IP header decodes, encoding gives back exactly the input bytes
 *     (replay identity, even with malformed options);
 *   - every MPTCP option that parses is written back to the same bytes;
 *   - the helpers that read decoded state (routes, SRH, typed TCP options, checksums, ICMP)
 *     and every `mcpsim decode` field formatter never fail in any way other than an error
 *     code or an empty value;
 *   - a valid SRH's remaining path (full or reduced form) runs from the destination to the
 *     final destination, and endpoint processing only drops its first segment.
 * Built and run by `make fuzz` (clang -fsanitize=fuzzer) with seeds from tests/fuzz/seeds-wire.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/decode_fields.h"
#include "models/wire/icmp.h"
#include "models/wire/mptcp.h"
#include "models/wire/packet.h"

/* The remaining path of a valid SRH, full or reduced, starts at the destination and ends at
 * the final destination; an endpoint shortens it by its first segment and nothing else. */
static void exercise_srh(const struct ipv6_hdr *h)
{
    static struct ipv6_hdr c;
    static uint8_t path[256][16], after[256][16];
    struct ipv6_srh s;
    uint8_t dst[16];
    size_t n, m;
    ipv6_final_dst(h, dst);
    if (ipv6_srh_get(h, &s) != 0)
        return;
    if (ipv6_srh_path(h, path, 256, &n) != 0 || n != (size_t)s.segleft + 1 ||
        memcmp(path[0], h->dst, 16) != 0 || memcmp(path[n - 1], dst, 16) != 0)
        abort();
    c = *h;
    if (ipv6_srh_process(&c, c.dst) != 0)
        return;
    if (ipv6_srh_path(&c, after, 256, &m) != 0 || m != n - 1 ||
        memcmp(after, path[1], 16 * m) != 0)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void exercise_tcp(const struct wire_pkt *pkt)
{
    const struct tcp_hdr *h = &pkt->tcp;
    uint16_t mss, cs;
    uint8_t ws;
    uint32_t a, b;
    struct tcp_sack_block blk[TCP_SACK_MAX_BLOCKS];
    size_t n;
    const uint8_t *p;
    (void)tcp_opt_get_mss(h, &mss);
    (void)tcp_opt_get_wscale(h, &ws);
    (void)tcp_opt_get_sack_perm(h);
    (void)tcp_opt_get_sack(h, blk, &n);
    (void)tcp_opt_get_timestamp(h, &a, &b);
    (void)tcp_opt_get_tfo(h, &p, &n);
    (void)tcp_opt_get_raw(h, TCPOPT_AO, &p, &n);
    (void)wire_pkt_tcp_csum(pkt, &cs);
    struct mptcp_ctx ctx = { .tcp_flags = (uint8_t)h->flags, .version = MPTCP_VERSION_ANY,
                             .has_payload = pkt->payload_len > 0 };
    for (size_t i = 0; i < h->nopts; i++) {
        const struct tcp_opt *o = &h->opts[i];
        struct mptcp_opt m;
        uint8_t out[TCP_MAX_OPT_LEN];
        if (o->kind != TCPOPT_MPTCP || mptcp_opt_parse(tcp_opt_bytes(h, o), o->len, &ctx, &m))
            continue;
        if (mptcp_opt_write(&m, out, sizeof out, &n) != 0 || n != o->len ||
            memcmp(out, tcp_opt_bytes(h, o), n) != 0)
            abort(); /* a parsed MPTCP option must be rewritten byte for byte */
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct wire_pkt pkt;
    static uint8_t out[65536 + 1024];
    size_t len;
    (void)wire_pkt_decode(data, size, &pkt);
    if (!pkt.family)
        return 0;
    if (size > sizeof out || wire_pkt_encode(&pkt, out, sizeof out, &len) != 0 || len != size ||
        memcmp(out, data, size) != 0)
        abort(); /* decode -> encode must reproduce the input */
    if (pkt.family == 4) {
        struct ipv4_route r;
        (void)ipv4_route_get(&pkt.ip.v4, 0, &r);
        (void)ipv4_route_get(&pkt.ip.v4, IPOPT_RR, &r);
        (void)ipv4_final_dst(&pkt.ip.v4);
        (void)ipv4_csum_ok(&pkt.ip.v4);
    } else {
        exercise_srh(&pkt.ip.v6);
    }
    if (pkt.has_tcp)
        exercise_tcp(&pkt);
    static struct decode_ctx ctx;
    static struct dbuf row;
    struct pcapio_frame f = { .number = 1, .caplen = (uint32_t)size, .wirelen = (uint32_t)size,
                              .data = data, .l3_family = pkt.family };
    decode_ctx_init(&ctx, &f, &pkt);
    row.len = 0;
    for (size_t i = 0; i < decode_field_count(); i++)
        decode_field_format((int)i, &ctx, &row);
    struct icmp_msg m;
    if (pkt.proto == IPPROTO_NUM_ICMP)
        (void)icmp_decode(pkt.l4, pkt.l4_caplen, &m);
    else if (pkt.proto == IPV6_NH_ICMPV6)
        (void)icmp6_decode(pkt.l4, pkt.l4_caplen, &m);
    return 0;
}
