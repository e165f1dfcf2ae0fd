/* cmd_mcp_table.c - `mcpsim mcp-table [CAPTURE]`: protocol.md's H1, H3 and H6 answered from
 * real packets. Replays a capture (default: capture a of ../shared/testdata/pcaps) through a
 * uMCP and a dMCP of every signalling design and every steering design, in process, and
 * prints per design what was measured on the packets:
 *   signalling: option bytes of the first MP_CAPABLE SYN before and after the uMCP, bytes
 *               left of the 40, and whether the signal fitted (else: not proxied);
 *   steering:   bytes added to the SYN and to every later client->server packet, what that
 *               costs a full-size 1500-byte packet (H6), the dMCP's flow entries and bytes
 *               of state per connection, and whether the server stays visible on the path.
 *               srcroute is measured twice: with the full SRH and with the reduced one
 *               (mcp.srh_reduced); the two differ on IPv6 packets only (40 vs 24 bytes).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/command.h"
#include "cmd/replay_mcp.h"
#include "models/mcp/mcp.h"
#include "models/wire/packet.h"
#include "sim/pcap.h"

static int table_run(int argc, char **argv);

static const struct command table_cmd = {
    .name = "mcp-table",
    .summary = "SYN option bytes, per-packet bytes and state of every MCP design (H1/H3/H6)",
    .usage = "usage: mcpsim mcp-table [CAPTURE.pcap]\n"
             "\n"
             "Replays CAPTURE (default ../shared/testdata/pcaps/a-mptcp-join-addaddr.pcap)\n"
             "through a uMCP and a dMCP of every signalling and steering design and prints\n"
             "what each design costs on those packets (docs/mcp-datapath.md).\n",
    .run = table_run,
};
COMMAND_REGISTER(table_cmd)

struct frame {
    uint8_t *ip;
    size_t len;
    int64_t ts;
    enum mcp_side side;
};

static mcp_ns_t tnow;
static mcp_ns_t t_now(void *ctx) { (void)ctx; return tnow; }

/* One steering row of the table: a design and the variant of it measured. */
struct steer_row {
    const char *label, *steer;
    bool srh_reduced;
    bool convert_cookie; /* RFC 8803 explicit mode: carry=convert, cookies required */
};

/* The last reply a datapath sent by itself (a Convert error), for the H4/H16 note. */
static uint8_t reply_buf[2048];
static size_t reply_len;
static int t_emit(void *ctx, const uint8_t *pkt, size_t len, enum mcp_side out, uint32_t ifi)
{
    (void)ctx, (void)out, (void)ifi;
    if (len <= sizeof reply_buf) {
        memcpy(reply_buf, pkt, len);
        reply_len = len;
    }
    return 0;
}

static struct mcp *make(enum mcp_role role, const char *sig, const struct steer_row *row,
                        char *err, size_t errlen)
{
    struct mcp_config c;
    mcp_config_defaults(&c);
    c.role = role;
    snprintf(c.signal, sizeof c.signal, "%s", sig);
    snprintf(c.steer, sizeof c.steer, "%s", row->steer);
    c.srh_reduced = row->srh_reduced;
    c.flow_capacity = 1u << 16;
    c.halfopen_max = 1u << 14;
    c.cache_entries = 1024;
    if (row->convert_cookie) {
        c.carry = MCP_CARRY_CONVERT;
        c.convert_cookie = true;
    }
    struct mcp_platform p = { .now_ns = t_now, .emit = t_emit };
    struct mcp *m = NULL;
    if (mcp_create(&c, &p, &m, err, errlen) != 0)
        return NULL;
    return m;
}

struct measure {
    int syn_opt_before, syn_opt_after, syn_delta, signal_fitted;
    uint64_t c2s_pkts, c2s_added_after_syn;
    size_t dmcp_peak_state, dmcp_peak_flows;
    uint64_t connections;
};

static int tcp_optlen(const uint8_t *p, size_t len)
{
    static struct wire_pkt w;
    return wire_pkt_decode(p, len, &w) == 0 && w.has_tcp ? w.tcp.optlen : -1;
}

static int measure(const struct frame *f, size_t n, const char *sig, const struct steer_row *row,
                   struct measure *r, char *err, size_t errlen)
{
    struct mcp *u = make(MCP_ROLE_UMCP, sig, row, err, errlen);
    struct mcp *d = u ? make(MCP_ROLE_DMCP, sig, row, err, errlen) : NULL;
    if (!d) {
        mcp_destroy(u);
        return -1;
    }
    static uint8_t mid[70000], out[70000];
    memset(r, 0, sizeof *r);
    bool first_syn = true;
    for (size_t i = 0; i < n; i++) {
        struct mcp_verdict v;
        size_t ml, ol;
        tnow = f[i].ts;
        mcp_process(u, f[i].ip, f[i].len, f[i].side, 0, mid, sizeof mid, &ml, &v);
        const uint8_t *fwd = v.decision == MCP_D_PASS ? f[i].ip : mid;
        size_t fl = v.decision == MCP_D_PASS ? f[i].len : ml;
        bool syn = v.reason == MCP_R_SYN_SIGNAL_INSERTED || v.reason == MCP_R_SYN_STEERED ||
                   v.reason == MCP_R_SYN_SIGNAL_NO_SPACE || v.reason == MCP_R_SYN_MPC_NATIVE;
        if (syn && first_syn) {
            first_syn = false;
            r->syn_opt_before = tcp_optlen(f[i].ip, f[i].len);
            r->syn_opt_after = tcp_optlen(fwd, fl);
            r->syn_delta = (int)fl - (int)f[i].len;
            r->signal_fitted = v.reason != MCP_R_SYN_SIGNAL_NO_SPACE;
        } else if (f[i].side == MCP_SIDE_CUSTOMER && v.decision != MCP_D_DROP) {
            r->c2s_pkts++;
            if (!syn || v.reason == MCP_R_SYN_JOIN_KNOWN)
                r->c2s_added_after_syn += (uint64_t)((int64_t)fl - (int64_t)f[i].len);
        }
        if (v.decision == MCP_D_DROP || v.decision == MCP_D_REPLY)
            continue;
        mcp_process(d, fwd, fl, f[i].side, 0, out, sizeof out, &ol, &v);
        if (mcp_state_bytes(d) > r->dmcp_peak_state)
            r->dmcp_peak_state = mcp_state_bytes(d);
        if (mcp_flows(d) > r->dmcp_peak_flows)
            r->dmcp_peak_flows = mcp_flows(d);
    }
    r->connections = mcp_stats(d)->reasons[MCP_R_SYN_MPC_SIGNALLED] +
                     mcp_stats(d)->reasons[MCP_R_SYN_MPC_NATIVE];
    mcp_destroy(u);
    mcp_destroy(d);
    return 0;
}

/* H4/H16: the explicit-mode cookie exchange over the capture. The dMCP's Missing Cookie goes
 * back to the uMCP, and the refused SYN is sent again as the client's retransmission would
 * be: the first contact of each client costs that extra exchange. */
struct cookie_measure {
    int first_delta, retry_delta;
    uint64_t refused, accepted, error_bytes, cookie_bytes;
};

static int measure_cookie(const struct frame *f, size_t n, struct cookie_measure *r, char *err,
                          size_t errlen)
{
    const struct steer_row row = { "rewrite", "rewrite", false, true };
    struct mcp *u = make(MCP_ROLE_UMCP, "flag", &row, err, errlen);
    struct mcp *d = u ? make(MCP_ROLE_DMCP, "flag", &row, err, errlen) : NULL;
    if (!d) {
        mcp_destroy(u);
        return -1;
    }
    static uint8_t mid[70000], out[70000];
    memset(r, 0, sizeof *r);
    r->first_delta = r->retry_delta = -1;
    for (size_t i = 0; i < n; i++) {
        tnow = f[i].ts;
        for (int attempt = 0; attempt < 2; attempt++) {
            struct mcp_verdict v;
            size_t ml, ol;
            mcp_process(u, f[i].ip, f[i].len, f[i].side, 0, mid, sizeof mid, &ml, &v);
            bool conv = v.reason == MCP_R_SYN_SIGNAL_INSERTED;
            if (conv && r->first_delta < 0)
                r->first_delta = (int)ml - (int)f[i].len;
            else if (conv && attempt == 1 && r->retry_delta < 0)
                r->retry_delta = (int)ml - (int)f[i].len;
            if (v.decision == MCP_D_DROP || v.decision == MCP_D_REPLY)
                break;
            const uint8_t *fwd = v.decision == MCP_D_PASS ? f[i].ip : mid;
            size_t fl = v.decision == MCP_D_PASS ? f[i].len : ml;
            reply_len = 0;
            mcp_process(d, fwd, fl, f[i].side, 0, out, sizeof out, &ol, &v);
            if (v.reason != MCP_R_MISSING_COOKIE || !reply_len)
                break;
            mcp_process(u, reply_buf, reply_len, MCP_SIDE_NETWORK, 0, out, sizeof out, &ol, &v);
        }
    }
    r->refused = mcp_stats(d)->convert[MCP_C_COOKIE_MADE];
    r->accepted = mcp_stats(d)->convert[MCP_C_COOKIE_VALID];
    r->error_bytes = mcp_stats(d)->convert[MCP_C_ERROR_BYTES];
    r->cookie_bytes = mcp_stats(u)->convert[MCP_C_COOKIE_SYN_BYTES];
    mcp_destroy(u);
    mcp_destroy(d);
    return 0;
}

static int load(const char *path, struct frame **out, size_t *n, char *err, size_t errlen)
{
    struct pcapio_reader *r;
    if (pcapio_open_read(path, &r, err, errlen) < 0)
        return -1;
    static struct replay_sides sides;
    size_t cap = 0;
    struct pcapio_frame pf;
    int rc;
    *out = NULL;
    *n = 0;
    while ((rc = pcapio_read(r, &pf, err, errlen)) == 1) {
        if (!pf.l3_family)
            continue;
        if (*n == cap) {
            cap = cap ? 2 * cap : 4096;
            struct frame *g = realloc(*out, cap * sizeof **out);
            if (!g) {
                rc = -1;
                snprintf(err, errlen, "out of memory");
                break;
            }
            *out = g;
        }
        struct frame *f = &(*out)[(*n)++];
        f->len = pf.caplen - pf.l3_off;
        f->ip = malloc(f->len);
        if (!f->ip) {
            rc = -1;
            (*n)--;
            break;
        }
        memcpy(f->ip, pf.data + pf.l3_off, f->len);
        f->ts = pf.ts_ns;
        f->side = replay_side_of(&sides, f->ip, f->len);
    }
    pcapio_close_read(r);
    return rc < 0 ? -1 : 0;
}

static int table_run(int argc, char **argv)
{
    const char *path = "../shared/testdata/pcaps/a-mptcp-join-addaddr.pcap";
    if (argc > 2)
        return command_usage_error(&table_cmd, "expected at most one capture");
    if (argc == 2) {
        if (argv[1][0] == '-')
            return command_usage_error(&table_cmd, "unknown option \"%s\"", argv[1]);
        path = argv[1];
    }
    char err[512] = "";
    struct frame *f;
    size_t n;
    int status = EXIT_OK;
    if (load(path, &f, &n, err, sizeof err) != 0) {
        fprintf(stderr, "mcpsim mcp-table: %s\n", err);
        return EXIT_FAIL;
    }
    printf("MCP designs measured on %s (%zu packets)\n\n", path, n);
    printf("H1 - signalling (steering: ssr)      SYN options before -> after   left  "
           "signal fits\n");
    const struct steer_row ssr = { "ssr", "ssr", false, false };
    for (int s = 0; mcp_signal_names[s] && status == EXIT_OK; s++) {
        struct measure r;
        if (measure(f, n, mcp_signal_names[s], &ssr, &r, err, sizeof err) != 0) {
            status = EXIT_FAIL;
            break;
        }
        printf("  %-34s %6d B -> %3d B %9d B  %s\n", mcp_signal_names[s], r.syn_opt_before,
               r.syn_opt_after, 40 - r.syn_opt_after,
               strcmp(mcp_signal_names[s], "hello") == 0
                   ? "yes (0 B on a first SYN, +4 B on the retried one, +1 RTT)"
                   : r.signal_fitted ? "yes" : "no: not proxied");
    }
    printf("\nH3/H6 - steering (signal: flag)      SYN +B  per packet +B  of 1500 B  "
           "dMCP entries/conn  state/conn  server visible\n");
    struct steer_row rows[8];
    size_t nrows = 0;
    for (int t = 0; mcp_steer_names[t] && nrows + 2 <= sizeof rows / sizeof rows[0]; t++) {
        rows[nrows++] = (struct steer_row){ mcp_steer_names[t], mcp_steer_names[t], false, false };
        if (strcmp(mcp_steer_names[t], "srcroute") == 0)
            rows[nrows++] = (struct steer_row){ "srcroute, reduced SRH", "srcroute", true, false };
    }
    for (size_t t = 0; t < nrows && status == EXIT_OK; t++) {
        struct measure r;
        if (measure(f, n, "flag", &rows[t], &r, err, sizeof err) != 0) {
            status = EXIT_FAIL;
            break;
        }
        double per = r.c2s_pkts ? (double)r.c2s_added_after_syn / (double)r.c2s_pkts : 0.0;
        double conn = r.connections ? (double)r.connections : 1.0;
        printf("  %-34s %6d  %13.1f  %8.2f%%  %17.1f  %8.0f B  %s\n", rows[t].label,
               r.syn_delta, per, 100.0 * per / 1500.0,
               (double)r.dmcp_peak_flows / conn, (double)r.dmcp_peak_state / conn,
               strcmp(rows[t].steer, "rewrite") == 0 || strcmp(rows[t].steer, "tunnel") == 0
                   ? "no (dMCP only)"
                   : "yes");
    }
    struct cookie_measure ck;
    if (status == EXIT_OK && measure_cookie(f, n, &ck, err, sizeof err) != 0)
        status = EXIT_FAIL;
    if (status == EXIT_OK && ck.refused) {
        printf("\nH4/H16 - RFC 8803 cookie (rewrite, carry=convert, convert_cookie on both MCPs)\n"
               "  first Convert SYN +%d B payload -> Missing Cookie (%.0f B error payload); "
               "retried SYN +%d B\n"
               "  Cookie TLV %.0f B in the SYN payload, 0 TCP option bytes (as a TFO option: "
               "10 B for the same 8-byte cookie)\n"
               "  %llu first contact(s), each one extra round trip; %llu SYN(s) admitted with "
               "the cookie\n",
               ck.first_delta, (double)ck.error_bytes / (double)ck.refused, ck.retry_delta,
               ck.accepted ? (double)ck.cookie_bytes / (double)ck.accepted : 0.0,
               (unsigned long long)ck.refused, (unsigned long long)ck.accepted);
    }
    if (status != EXIT_OK)
        fprintf(stderr, "mcpsim mcp-table: %s\n", err);
    else
        printf("\nssr: 0 bytes per packet but one source-specific route per customer prefix in "
               "every router between uMCP and dMCP.\nsrcroute: IPv4 LSRR 8 B; IPv6 SRH 40 B, "
               "reduced SRH (mcp.srh_reduced, RFC 8754 4.1.1) 24 B.\n\"of 1500 B\": goodput "
               "penalty of a full-size packet (H6). State: peak bytes of flow entries at the dMCP "
               "per connection.\n");
    for (size_t i = 0; i < n; i++)
        free(f[i].ip);
    free(f);
    return status;
}
