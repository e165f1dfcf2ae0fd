/* test_proposals.c - the proxy-signalling proposals: round trips, detection among real MPTCP
 * options, the proxy flag against Linux's acceptance rule, and SYN option budgets.
 *
 * Formats are the parameterized assumptions of protocol.md §2 ([U]); what is checked is that
 * each encodes and decodes to itself, that a reader rejects malformed lengths, and the byte
 * arithmetic of protocol.md §1.8 and hypotheses H1-H3 with the real encodings: the baseline SYN
 * options are the 20 bytes Linux sent in capture a frame 1 (MSS, SACK-P, TS, NOP, WS).
 */
#include <string.h>

#include "models/wire/mptcp.h"
#include "models/wire/proposals.h"
#include "tests/harness.h"

static struct proposal_params params;

static int init(void)
{
    proposal_params_default(&params);
    return 0;
}

static void test_default_params_are_valid_and_match_protocol_md(void)
{
    char err[128];
    CU_ASSERT_EQUAL(proposal_params_check(&params, err, sizeof err), 0);
    CU_ASSERT_EQUAL(params.prefer_proxy_len, 4);
    CU_ASSERT_EQUAL(params.flag_bit_v1 & 0x1e, params.flag_bit_v1);
    for (int k = 0; k < PROPOSAL_KIND_COUNT; k++)
        CU_ASSERT(params.subtype[k] > MPTCP_SUB_TCPRST && params.subtype[k] < 0xf);
}

static void test_bad_params_are_refused_with_the_parameter_named(void)
{
    struct proposal_params p = params;
    char err[160] = "";
    p.subtype[PROPOSAL_HI_PROXY] = MPTCP_SUB_DSS;
    CU_ASSERT_EQUAL(proposal_params_check(&p, err, sizeof err), PROPOSAL_ERR_INVALID);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "HI_I_AM_A_PROXY"));
    p = params;
    p.subtype[PROPOSAL_PLEASE_INSERT] = p.subtype[PROPOSAL_PREFER_PROXY];
    CU_ASSERT_EQUAL(proposal_params_check(&p, err, sizeof err), PROPOSAL_ERR_INVALID);
    p = params;
    p.flag_bit_v1 = 0x20;   /* C is assigned in v1 (RFC 8684 §3.1) */
    CU_ASSERT_EQUAL(proposal_params_check(&p, err, sizeof err), PROPOSAL_ERR_INVALID);
    p = params;
    p.flag_bit_v0 = 0x30;   /* two bits */
    CU_ASSERT_EQUAL(proposal_params_check(&p, err, sizeof err), PROPOSAL_ERR_INVALID);
    p = params;
    p.prefer_proxy_len = 5;
    CU_ASSERT_EQUAL(proposal_params_check(&p, err, sizeof err), PROPOSAL_ERR_INVALID);
}

static int write_signal(const struct proposal_params *p, const struct proposal_opt *s,
                        uint8_t *buf)
{
    size_t w = 0;
    int rc = proposal_opt_write(p, s, buf, MPTCP_OPT_MAXLEN, &w);
    return rc < 0 ? rc : (int)w;
}

static void check_signal_round_trip(const struct proposal_params *p, const struct proposal_opt *s,
                                    int want_len)
{
    uint8_t buf[MPTCP_OPT_MAXLEN], again[MPTCP_OPT_MAXLEN];
    struct proposal_opt back, det;
    struct mptcp_opt mo;
    struct mptcp_ctx ctx = { MPTCP_TCP_SYN, 1, false };
    int n = write_signal(p, s, buf);

    CU_ASSERT_EQUAL_FATAL(n, want_len);
    CU_ASSERT_EQUAL_FATAL(proposal_opt_parse(p, buf, (size_t)n, &back), 0);
    CU_ASSERT_EQUAL(back.kind, s->kind);
    CU_ASSERT_EQUAL(back.flags, s->flags);
    CU_ASSERT_EQUAL(back.family, s->family);
    CU_ASSERT_EQUAL(back.has_port, s->has_port);
    CU_ASSERT_EQUAL(back.port, s->port);
    CU_ASSERT_EQUAL(memcmp(back.addr, s->addr, 16), 0);
    CU_ASSERT_EQUAL(write_signal(p, &back, again), n);
    CU_ASSERT_EQUAL(memcmp(buf, again, (size_t)n), 0);
    /* An MPTCP parser that does not know the subtype keeps it opaque; detection finds it. */
    CU_ASSERT_EQUAL_FATAL(mptcp_opt_parse(buf, (size_t)n, &ctx, &mo), 0);
    CU_ASSERT_EQUAL(proposal_detect(p, &mo, &det), 0);
    CU_ASSERT_EQUAL(det.kind, s->kind);
    CU_ASSERT_EQUAL(det.family, s->family);
}

static void test_every_signal_option_round_trips_and_is_detected(void)
{
    struct proposal_params p = params;
    struct proposal_opt s;
    static const uint8_t v4[4] = { 198, 51, 100, 7 };
    static const uint8_t v6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x42 };

    memset(&s, 0, sizeof s);
    s.kind = PROPOSAL_PREFER_PROXY;
    s.flags = 0x5;
    check_signal_round_trip(&p, &s, 4);
    p.prefer_proxy_len = 3;
    s.flags = 0;
    check_signal_round_trip(&p, &s, 3);
    p = params;

    s.kind = PROPOSAL_PLEASE_INSERT;
    check_signal_round_trip(&p, &s, 4);
    s.kind = PROPOSAL_INTERCEPTED;
    check_signal_round_trip(&p, &s, 4);
    s.kind = PROPOSAL_HI_PROXY;
    check_signal_round_trip(&p, &s, 4);

    p.hi_proxy_addr = p.intercepted_addr = true;
    s.family = 4;
    memcpy(s.addr, v4, 4);
    check_signal_round_trip(&p, &s, 8);
    s.kind = PROPOSAL_INTERCEPTED;
    s.family = 6;
    memcpy(s.addr, v6, 16);
    check_signal_round_trip(&p, &s, 20);

    s.kind = PROPOSAL_DEST_OPTION;
    s.has_port = true;
    s.port = 443;
    check_signal_round_trip(&p, &s, 22);
    memset(s.addr, 0, sizeof s.addr);
    memcpy(s.addr, v4, 4);
    s.family = 4;
    check_signal_round_trip(&p, &s, 10);
}

static void test_signal_layouts_against_params_are_enforced(void)
{
    struct proposal_opt s;
    uint8_t buf[MPTCP_OPT_MAXLEN];
    static const uint8_t hi_with_addr[] = { 30, 8, 0xb0, 0, 10, 0, 0, 1 };
    static const uint8_t mpp_len5[] = { 30, 5, 0x90, 0, 0 };
    static const uint8_t dest_len7[] = { 30, 7, 0xd0, 0, 1, 2, 3 };
    static const uint8_t dest_short[] = { 30, 10, 0xd0, 0, 1, 2 };
    static const uint8_t dss[] = { 30, 8, 0x20, 0x01, 1, 2, 3, 4 };

    memset(&s, 0, sizeof s);
    s.kind = PROPOSAL_DEST_OPTION;          /* destination without an address */
    CU_ASSERT_EQUAL(write_signal(&params, &s, buf), PROPOSAL_ERR_INVALID);
    s.kind = PROPOSAL_HI_PROXY;             /* address while the parameters say none */
    s.family = 4;
    CU_ASSERT_EQUAL(write_signal(&params, &s, buf), PROPOSAL_ERR_INVALID);
    s.family = 5;
    CU_ASSERT_EQUAL(write_signal(&params, &s, buf), PROPOSAL_ERR_INVALID);

    struct proposal_opt out;
    CU_ASSERT_EQUAL(proposal_opt_parse(&params, hi_with_addr, sizeof hi_with_addr, &out),
                    PROPOSAL_ERR_BAD_LENGTH);
    CU_ASSERT_EQUAL(proposal_opt_parse(&params, mpp_len5, sizeof mpp_len5, &out),
                    PROPOSAL_ERR_BAD_LENGTH);
    CU_ASSERT_EQUAL(proposal_opt_parse(&params, dest_len7, sizeof dest_len7, &out),
                    PROPOSAL_ERR_BAD_LENGTH);
    CU_ASSERT_EQUAL(proposal_opt_parse(&params, dest_short, sizeof dest_short, &out),
                    PROPOSAL_ERR_TRUNCATED);
    CU_ASSERT_EQUAL(proposal_opt_parse(&params, dss, sizeof dss, &out), PROPOSAL_NOT_FOUND);
}

/* H2: the flag costs no byte; set on the captured v1 SYN (capture a frame 1) it makes Linux v1
 * refuse MP_CAPABLE until a dMCP clears it; a v0 receiver accepts it either way. */
static void test_proxy_flag_costs_nothing_and_breaks_v1_unless_cleared(void)
{
    static const uint8_t syn_v1[] = { 0x1e, 0x04, 0x01, 0x01 };
    static const uint8_t syn_v0[] = { 0x1e, 0x0c, 0x00, 0x01, 0x8a, 0xec, 0x9a, 0x5e, 0xd4, 0x58,
                                      0xa3, 0xfb };
    struct mptcp_ctx syn1 = { MPTCP_TCP_SYN, 1, false }, syn0 = { MPTCP_TCP_SYN, 0, false };
    struct mptcp_opt o, back;
    uint8_t buf[40];
    size_t w;

    CU_ASSERT_EQUAL_FATAL(mptcp_opt_parse(syn_v1, sizeof syn_v1, &syn1, &o), 0);
    CU_ASSERT_EQUAL(proposal_flag_test(&params, &o), 0);
    CU_ASSERT_EQUAL(proposal_flag_set(&params, &o), 0);
    CU_ASSERT_EQUAL(proposal_flag_test(&params, &o), 1);
    CU_ASSERT_EQUAL(mptcp_opt_write(&o, buf, sizeof buf, &w), 0);
    CU_ASSERT_EQUAL(w, sizeof syn_v1);                    /* 0 extra bytes */
    CU_ASSERT_EQUAL(buf[3], 0x01 | params.flag_bit_v1);
    CU_ASSERT_EQUAL_FATAL(mptcp_opt_parse(buf, w, &syn1, &back), 0);  /* still well-formed */
    CU_ASSERT_EQUAL(proposal_flag_test(&params, &back), 1);
    CU_ASSERT_EQUAL(mptcp_mpc_flags_check(1, back.u.mpc.flags), MPTCP_ERR_BAD_FLAGS);
    CU_ASSERT_EQUAL(proposal_flag_clear(&params, &back), 0);
    CU_ASSERT_EQUAL(mptcp_mpc_flags_check(1, back.u.mpc.flags), 0);
    CU_ASSERT_EQUAL(mptcp_opt_write(&back, buf, sizeof buf, &w), 0);
    CU_ASSERT_EQUAL(memcmp(buf, syn_v1, sizeof syn_v1), 0);

    CU_ASSERT_EQUAL_FATAL(mptcp_opt_parse(syn_v0, sizeof syn_v0, &syn0, &o), 0);
    CU_ASSERT_EQUAL(proposal_flag_set(&params, &o), 0);
    CU_ASSERT_EQUAL(mptcp_mpc_flags_check(0, o.u.mpc.flags), 0);
    CU_ASSERT_EQUAL(o.u.mpc.flags, 0x01 | params.flag_bit_v0);

    memset(&o, 0, sizeof o);
    o.subtype = MPTCP_SUB_DSS;
    CU_ASSERT_EQUAL(proposal_flag_set(&params, &o), -1);
}

static void test_mp_convert_ie_round_trips_in_12_and_24_bytes(void)
{
    struct mp_convert_ie ie = { .flags = 0x8001, .port = 8080, .family = 4,
                                .addr = { 203, 0, 113, 9 } }, back;
    uint8_t buf[64], again[64];
    size_t w, used, w2;

    CU_ASSERT_EQUAL_FATAL(mp_convert_ie_write(&params, &ie, buf, sizeof buf, &w), 0);
    CU_ASSERT_EQUAL(w, 12);
    CU_ASSERT_EQUAL(buf[0], params.convert_ie_type);
    CU_ASSERT_EQUAL(mp_convert_ie_parse(&params, buf, w, &back, &used), 0);
    CU_ASSERT_EQUAL(used, 12);
    CU_ASSERT_EQUAL(back.port, 8080);
    CU_ASSERT_EQUAL(back.flags, 0x8001);
    CU_ASSERT_EQUAL(memcmp(back.addr, ie.addr, 4), 0);
    CU_ASSERT_EQUAL(mp_convert_ie_write(&params, &back, again, sizeof again, &w2), 0);
    CU_ASSERT_EQUAL(memcmp(buf, again, w), 0);

    ie.family = 6;
    memset(ie.addr, 0x11, 16);
    CU_ASSERT_EQUAL_FATAL(mp_convert_ie_write(&params, &ie, buf, sizeof buf, &w), 0);
    CU_ASSERT_EQUAL(w, 24);
    CU_ASSERT_EQUAL(mp_convert_ie_parse(&params, buf, w, &back, &used), 0);
    CU_ASSERT_EQUAL(back.family, 6);
    CU_ASSERT_EQUAL(memcmp(back.addr, ie.addr, 16), 0);

    CU_ASSERT_EQUAL(mp_convert_ie_parse(&params, buf, 23, &back, &used), PROPOSAL_ERR_TRUNCATED);
    CU_ASSERT_EQUAL(mp_convert_ie_write(&params, &ie, buf, 23, &w), PROPOSAL_ERR_NOSPACE);
    buf[1] = 16;
    CU_ASSERT_EQUAL(mp_convert_ie_parse(&params, buf, 24, &back, &used), PROPOSAL_ERR_BAD_LENGTH);
    buf[0] = 0x47;  /* 'G' of "GET": application data, not an IE */
    CU_ASSERT_EQUAL(mp_convert_ie_parse(&params, buf, 24, &back, &used), PROPOSAL_NOT_FOUND);
}

/* ---- SYN option budgets (protocol.md §1.8, §7 H1-H3) ---- */

enum { BASELINE = 20, TFO8 = 12, TCP_AO = 16, TCP_MD5 = 20, MPJ_SYN = 12 };

static size_t pad4(size_t n) { return (n + 3) & ~(size_t)3; }

static size_t mpc_syn_bytes(uint8_t version)
{
    struct mptcp_opt o;
    uint8_t buf[40];
    size_t w;
    memset(&o, 0, sizeof o);
    o.subtype = MPTCP_SUB_CAPABLE;
    o.u.mpc.version = version;
    o.u.mpc.flags = MPTCP_CAP_H_HMAC;
    o.u.mpc.nkeys = version == 0 ? 1 : 0;
    CU_ASSERT_EQUAL(mptcp_opt_write(&o, buf, sizeof buf, &w), 0);
    return pad4(w);
}

static size_t signal_bytes(int kind, uint8_t family)
{
    struct proposal_opt s;
    memset(&s, 0, sizeof s);
    s.kind = (uint8_t)kind;
    s.family = family;
    s.has_port = kind == PROPOSAL_DEST_OPTION;
    int n = proposal_opt_wire_len(&params, &s);
    CU_ASSERT(n > 0);
    return pad4((size_t)n);
}

static void test_syn_option_budgets_of_protocol_md(void)
{
    size_t v1 = BASELINE + mpc_syn_bytes(1), v0 = BASELINE + mpc_syn_bytes(0);
    size_t mpp = signal_bytes(PROPOSAL_PREFER_PROXY, 0);

    CU_ASSERT_EQUAL(v1, 24);
    CU_ASSERT_EQUAL(v0, 32);
    CU_ASSERT_EQUAL(v1 + TFO8, 36);                /* fits */
    CU_ASSERT(v0 + TFO8 > MPTCP_OPT_MAXLEN);       /* 44: v0 + TFO does not fit */
    CU_ASSERT_EQUAL(v1 + TCP_AO, MPTCP_OPT_MAXLEN); /* just */
    CU_ASSERT(v1 + TCP_MD5 > MPTCP_OPT_MAXLEN);
    CU_ASSERT_EQUAL(BASELINE + MPJ_SYN, 32);

    /* H1: flag 0 bytes, MP_PREFER_PROXY 4; v1 + TFO + MPP = 40 exactly, v0 + MPP + TFO = 48 */
    CU_ASSERT_EQUAL(mpp, 4);
    CU_ASSERT_EQUAL(v1 + mpp, 28);
    CU_ASSERT_EQUAL(v1 + TFO8 + mpp, MPTCP_OPT_MAXLEN);
    CU_ASSERT_EQUAL(v0 + mpp + TFO8, 48);
    CU_ASSERT(v0 + TCP_AO + mpp > MPTCP_OPT_MAXLEN);
    CU_ASSERT(v1 + TCP_AO + mpp > MPTCP_OPT_MAXLEN);

    /* H3: destination in a TCP option: IPv4 12 (fits with v1, not v0), IPv6 24 (never) */
    size_t d4 = signal_bytes(PROPOSAL_DEST_OPTION, 4), d6 = signal_bytes(PROPOSAL_DEST_OPTION, 6);
    CU_ASSERT_EQUAL(d4, 12);
    CU_ASSERT_EQUAL(d6, 24);
    CU_ASSERT(v1 + d4 <= MPTCP_OPT_MAXLEN);
    CU_ASSERT(v0 + d4 > MPTCP_OPT_MAXLEN);
    CU_ASSERT(v1 + d6 > MPTCP_OPT_MAXLEN);
    /* ... while the MP_CONVERT IE rides in the payload: the options stay at v1's 24 */
    CU_ASSERT_EQUAL(MP_CONVERT_IE_LEN_V6, 24);

    /* §2.4: the retried SYN carries PLEASE_INSERT (4): v1 + TFO still fits */
    CU_ASSERT_EQUAL(v1 + TFO8 + signal_bytes(PROPOSAL_PLEASE_INSERT, 0), MPTCP_OPT_MAXLEN);
}

SUITE(proposals, init, NULL,
      TEST(test_default_params_are_valid_and_match_protocol_md),
      TEST(test_bad_params_are_refused_with_the_parameter_named),
      TEST(test_every_signal_option_round_trips_and_is_detected),
      TEST(test_signal_layouts_against_params_are_enforced),
      TEST(test_proxy_flag_costs_nothing_and_breaks_v1_unless_cleared),
      TEST(test_mp_convert_ie_round_trips_in_12_and_24_bytes),
      TEST(test_syn_option_budgets_of_protocol_md))
