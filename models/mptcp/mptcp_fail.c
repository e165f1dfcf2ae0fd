/* mptcp_fail.c - DSS checksums for real, MP_FAIL and the infinite mapping (RFC 8684 sections
 * 3.3.1 and 3.7; Linux subflow.c validate_data_csum / subflow_check_data_avail /
 * mptcp_subflow_fail, pm.c mptcp_pm_mp_fail_received, protocol.c mptcp_update_infinite_map,
 * options.c mptcp_established_options_mp_fail, as in torvalds/linux net/mptcp of the 6.x
 * series with MAPPING_BAD_CSUM and fail_tout, the kernel of tests/data/linux).
 *
 * Payload content: payload is virtual (zero bytes). A middlebox that corrupts a byte makes it
 * real (models/net/mangle.h); the receiving subflow records the non-zero real bytes of every
 * data segment it accepts (relative SSN, value) in a small per-subflow log
 * (MPTCP_RXBYTES, the first record of an SSN wins, as the first copy of a byte is the one
 * TCP keeps) and the checksum of a mapping is the pseudo-header's sum plus those bytes' 16-bit
 * words: the one's-complement sum over zeros is zero, so nothing else is summed. The sender's
 * payload is zeros, so its checksum is the pseudo-header's alone (mptcp_map_csum).
 *
 * With checksums negotiated the receiver takes a mapping only when all of it has arrived in
 * order (mptcp_dss_pull), as Linux validates before data is available, then:
 *   - good: delivered; the subflow has seen a valid checksum (valid_csum_seen);
 *   - bad, and the connection may still fall back (one subflow ever, nothing reinjected:
 *     Linux allow_infinite_fallback): MP_FAIL(DSN of the mapping) on an ACK now, the data is
 *     delivered (Linux marks it available), and the peer is expected to answer;
 *   - bad otherwise: the subflow is reset with MP_FAIL and MP_TCPRST reason 6 (middlebox
 *     interference) on the RST, the mapping's bytes are dropped and the sender reinjects them
 *     on the other subflows when the subflow goes.
 * The sender receiving MP_FAIL while it may fall back answers with MP_FAIL on an ACK, sends
 * its next data segment with an infinite mapping (data-level length 0, checksum 0) and falls
 * back to TCP; a receiver that sent MP_FAIL takes the answer as the response it expected,
 * and falls back on the infinite mapping (mptcp_dss_rcv). A sender that may no longer fall
 * back ignores MP_FAIL: the receiver resets the subflow itself.
 * Not modelled: Linux's shortcut for a failure before any checksum validated on the
 * MP_CAPABLE subflow (it falls back without MP_FAIL; here MP_FAIL is sent, as RFC 8684
 * section 3.7 says), and the fail timeout (TCP_RTO_MAX) after which Linux resets a subflow
 * whose MP_FAIL was never answered.
 */
#include "models/mptcp/mptcp_int.h"
#include "models/tcp/tcp_stack.h"
#include "models/wire/checksum.h"

void mptcp_csum_rx_bytes(struct mptcp_subflow *sf, uint32_t rel, const uint8_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!b[i])
            continue;                   /* zero: what the virtual payload already holds */
        uint32_t ssn = rel + (uint32_t)i;
        if ((int32_t)(ssn - sf->rx_ssn) < 0)
            continue;                   /* already read: a retransmitted copy */
        bool dup = false;
        for (size_t k = 0; k < sf->rxb_n; k++)
            dup |= sf->rxb[k].ssn == ssn;
        if (dup)
            continue;
        if (sf->rxb_n == MPTCP_RXBYTES) {
            sf->conn->st->stats.bad_opts++; /* more corrupted bytes in flight than kept */
            continue;
        }
        sf->rxb[sf->rxb_n++] = (struct mptcp_rxbyte){ ssn, b[i] };
    }
}

/* Forgets the logged bytes before the subflow's read position. */
void mptcp_csum_rx_trim(struct mptcp_subflow *sf)
{
    size_t k = 0;
    for (size_t i = 0; i < sf->rxb_n; i++)
        if ((int32_t)(sf->rxb[i].ssn - sf->rx_ssn) >= 0)
            sf->rxb[k++] = sf->rxb[i];
    sf->rxb_n = (uint8_t)k;
}

bool mptcp_csum_ok(const struct mptcp_subflow *sf, const struct mptcp_map *m)
{
    /* the pseudo-header's sum (DSN 64, SSN, data-level length with DATA_FIN, zero), as the
     * complement of its checksum over no payload */
    uint32_t sum = (uint16_t)~mptcp_dss_csum(m->dsn, m->ssn, m->dl, NULL, 0);
    for (size_t i = 0; i < sf->rxb_n; i++) {
        uint32_t off = sf->rxb[i].ssn - m->ssn;
        if (off < m->len)               /* a byte at an even offset is a word's high byte */
            sum += (off & 1) ? sf->rxb[i].v : (uint32_t)sf->rxb[i].v << 8;
    }
    sum += m->csum;
    return csum_fold(sum) == 0;
}

/* Linux allow_infinite_fallback: cleared once a second subflow joined or data was
 * reinjected. */
static bool may_fall_back(const struct mptcp_conn *c) { return !c->no_infinite_fallback; }

bool mptcp_csum_failed(struct mptcp_subflow *sf, const struct mptcp_map *m)
{
    struct mptcp_conn *c = sf->conn;
    c->st->stats.csum_fail++;
    sf->mp_fail_tx = true;
    sf->fail_dsn = m->dsn;
    if (!may_fall_back(c) || sf->join) {
        mptcp_subflow_reset(sf, MPTCP_RST_EMIDDLEBOX);
        return false;
    }
    sf->fail_expect = true;             /* Linux fail_tout: the peer must answer */
    mptcp_sf_send_ack(sf);
    return true;
}

void mptcp_fail_rcv(struct mptcp_subflow *sf, uint64_t dsn)
{
    struct mptcp_conn *c = sf->conn;
    c->st->stats.mp_fail_rx++;
    if (!may_fall_back(c) || c->fallback)
        return;
    c->no_more_subflows = true;         /* Linux allow_subflows = false */
    if (sf->fail_expect) {
        sf->fail_expect = false;        /* the response to our MP_FAIL */
        return;
    }
    sf->mp_fail_tx = true;              /* answer, then the infinite mapping */
    sf->fail_dsn = dsn;
    mptcp_sf_send_ack(sf);
    sf->infinite_tx = true;
    mptcp_fallback(c, false, MPTCP_FB_CHECKSUM);
}

bool mptcp_fail_write(struct mptcp_subflow *sf, struct tcp_hdr *h)
{
    if (!sf->mp_fail_tx)
        return false;
    struct mptcp_opt o = { .subtype = MPTCP_SUB_FAIL };
    o.u.fail.dsn = sf->fail_dsn;
    if (!mptcp_opt_put(h, &o))
        return false;
    sf->mp_fail_tx = false;
    sf->conn->st->stats.mp_fail_tx++;
    return true;
}

/* The infinite mapping on the first data segment after the fallback MP_FAIL caused: DSN of
 * the segment's first byte, its relative SSN, data-level length 0 and checksum 0. A
 * retransmission of it goes out plain; the receiver then falls back on data without a
 * mapping (mptcp_dss_pull). */
void mptcp_infinite_write(struct mptcp_subflow *sf, struct tcp_hdr *h, uint32_t len)
{
    struct mptcp_conn *c = sf->conn;
    if (!sf->infinite_tx || !len || (h->flags & (TCP_FLAG_SYN | TCP_FLAG_RST)))
        return;
    uint32_t rel = h->seq - sf->iss;
    const struct mptcp_map *m = mptcp_tx_map_at(sf, rel);
    struct mptcp_opt o = { .subtype = MPTCP_SUB_DSS };
    o.u.dss.flags = MPTCP_DSS_A | MPTCP_DSS_M | MPTCP_DSS_M8 | (c->peer_ack64 ? MPTCP_DSS_A8 : 0);
    o.u.dss.data_ack = c->rcv_nxt;
    o.u.dss.dsn = m ? m->dsn + (rel - m->ssn) : c->fb_tx_base + rel;
    o.u.dss.ssn = rel;
    o.u.dss.data_len = 0;
    o.u.dss.has_csum = c->csum;
    o.u.dss.csum = 0;
    if (mptcp_opt_put(h, &o)) {
        sf->infinite_tx = false;
        c->st->stats.infinite_map_tx++;
    }
}
