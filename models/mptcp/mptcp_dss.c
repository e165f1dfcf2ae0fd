/* mptcp_dss.c - the data level: DSS mappings, data ACKs, DATA_FIN, data-level reassembly,
 * the shared receive window and reinjection (RFC 8684 sections 3.3, 3.3.2-3.3.5; Linux
 * options.c mptcp_write_options/mptcp_incoming_options, subflow.c get_mapping, protocol.c
 * __mptcp_push_pending, mptcp_data_ready, __mptcp_retrans).
 *
 * Wire choices as the captures show Linux making them: the DSN is always 64 bits; the data
 * ACK is 64 bits once the peer has sent a 64-bit DSN and 32 before (so a Linux server that
 * only sends carries DSS 22 = ack32 + map64, padded to 24, and the receiving client's pure ACKs
 * DSS 12 = ack64); a DATA_FIN without data is a mapping of length 1 at relative SSN 0 on a
 * pure ACK, sent on every subflow. The receive window advertised on every subflow is the
 * connection's (rcvbuf minus unread in-order bytes), counted from the data ACK; the sender
 * keeps its data-level sends inside data ACK + that window.
 *
 * Payload content: packets carry virtual payload, which the pcap writer shows as zero bytes.
 * A DSS checksum is therefore the checksum of the pseudo-header over zero bytes
 * (mptcp_map_csum) at the sender; the receiver verifies whole mappings over what a middlebox
 * made real (mptcp_fail.c).
 */
#include <stdlib.h>
#include <string.h>

#include "models/mptcp/mptcp_int.h"
#include "models/tcp/tcp_stack.h"

uint64_t mptcp_expand_seq(uint64_t ref, uint64_t v32)
{
    uint64_t cand = (ref & ~0xffffffffULL) | (v32 & 0xffffffffULL);
    if (cand + 0x80000000ULL < ref)
        cand += 0x100000000ULL;
    else if (cand > ref + 0x80000000ULL && cand >= 0x100000000ULL)
        cand -= 0x100000000ULL;
    return cand;
}

uint16_t mptcp_map_csum(const struct mptcp_conn *c, uint64_t dsn, uint32_t ssn, uint16_t len)
{
    (void)c;
    return mptcp_dss_csum(dsn, ssn, len, NULL, 0);
}

/* ---- mapping rings ----------------------------------------------------------------- */

/* Newest first: a segment at the send edge (every call but a retransmission's) is in the
 * last mapping queued, and mappings cover disjoint SSN runs, so the first match is the only
 * one whichever end the search starts from. */
const struct mptcp_map *mptcp_tx_map_at(const struct mptcp_subflow *sf, uint32_t rel)
{
    for (size_t i = sf->tx_n; i-- > 0;)
        if ((uint32_t)(rel - sf->tx[i].ssn) < sf->tx[i].len)
            return &sf->tx[i];
    return NULL;
}

bool mptcp_maps_grow(struct mptcp_subflow *sf, bool rx)
{
    struct mptcp_map **a = rx ? &sf->rx : &sf->tx;
    uint16_t n = rx ? sf->rx_n : sf->tx_n, *cap = rx ? &sf->rx_cap : &sf->tx_cap;
    if (n < *cap)
        return true;
    if (*cap >= MPTCP_MAPS_MAX)
        return false;
    uint16_t ncap = *cap ? (uint16_t)(2 * *cap) : MPTCP_MAPS;
    struct mptcp_map *b = realloc(*a, ncap * sizeof **a);
    if (!b)
        return false;
    sf->conn->st->stats.conn_bytes += (ncap - *cap) * sizeof **a;
    *a = b;
    *cap = ncap;
    return true;
}

void mptcp_maps_free(struct mptcp_subflow *sf)
{
    sf->conn->st->stats.conn_bytes -= (sf->tx_cap + sf->rx_cap) * sizeof *sf->tx;
    free(sf->tx);
    free(sf->rx);
    sf->tx = sf->rx = NULL;
    sf->tx_cap = sf->rx_cap = sf->tx_n = sf->rx_n = 0;
}

void mptcp_rx_map_add(struct mptcp_subflow *sf, uint64_t dsn, uint32_t ssn, uint32_t len)
{
    mptcp_rx_map_add_cs(sf, dsn, ssn, len, NULL, 0);
}

void mptcp_rx_map_add_cs(struct mptcp_subflow *sf, uint64_t dsn, uint32_t ssn, uint32_t len,
                         const uint16_t *csum, uint16_t dl)
{
    if (len == 0 || (int32_t)(ssn + len - sf->rx_ssn) <= 0)
        return;                                 /* already read */
    /* From the end: mappings mostly arrive in subflow order. */
    size_t i = sf->rx_n;
    for (; i > 0; i--) {
        if (sf->rx[i - 1].ssn == ssn)
            return;                             /* the same mapping on another segment */
        if ((int32_t)(ssn - sf->rx[i - 1].ssn) > 0)
            break;
    }
    if (!mptcp_maps_grow(sf, true)) {
        sf->conn->st->stats.bad_opts++;        /* more mappings in flight than kept */
        return;
    }
    memmove(&sf->rx[i + 1], &sf->rx[i], (sf->rx_n - i) * sizeof sf->rx[0]);
    sf->rx[i] = (struct mptcp_map){ .dsn = dsn, .ssn = ssn, .len = len,
                                    .csum = csum ? *csum : 0, .dl = dl, .checked = !csum };
    sf->rx_n++;
}

/* The subflow acknowledged everything before relative SSN `acked`: forget those mappings. */
static void tx_maps_trim(struct mptcp_subflow *sf)
{
    const struct tcp_config *cfg = tcp_stack_config(tcp_sock_stack(sf->tcp));
    uint32_t queued = (uint32_t)(cfg->sndbuf - tcp_sock_writable(sf->tcp));
    uint32_t acked = sf->tx_ssn - queued;
    size_t k = 0;
    while (k < sf->tx_n && (int32_t)(sf->tx[k].ssn + sf->tx[k].len - acked) <= 0)
        k++;
    if (k) {
        memmove(sf->tx, sf->tx + k, (sf->tx_n - k) * sizeof sf->tx[0]);
        sf->tx_n -= (uint16_t)k;
    }
}

/* ---- writing ----------------------------------------------------------------------- */

void mptcp_dss_write(struct mptcp_subflow *sf, struct tcp_hdr *h, uint32_t len)
{
    struct mptcp_conn *c = sf->conn;
    struct mptcp_opt o = { .subtype = MPTCP_SUB_DSS };
    o.u.dss.flags = MPTCP_DSS_A;
    o.u.dss.data_ack = c->rcv_nxt;
    if (c->peer_ack64)
        o.u.dss.flags |= MPTCP_DSS_A8;
    const struct mptcp_map *m = len ? mptcp_tx_map_at(sf, h->seq - sf->iss) : NULL;
    if (m) {
        o.u.dss.flags |= MPTCP_DSS_M | MPTCP_DSS_M8;
        o.u.dss.dsn = m->dsn;
        o.u.dss.ssn = m->ssn;
        o.u.dss.data_len = (uint16_t)m->len;
    } else if (c->data_fin_sent && !c->data_fin_acked && len == 0 &&
               !(h->flags & TCP_FLAG_FIN)) {
        /* DATA_FIN alone: mapping of length 1 at SSN 0 (RFC 8684 section 3.3.3) */
        o.u.dss.flags |= MPTCP_DSS_M | MPTCP_DSS_M8 | MPTCP_DSS_F;
        o.u.dss.dsn = c->write_seq - 1;
        o.u.dss.ssn = 0;
        o.u.dss.data_len = 1;
    }
    if ((o.u.dss.flags & MPTCP_DSS_M) && c->csum) {
        o.u.dss.has_csum = true;
        o.u.dss.csum = mptcp_map_csum(c, o.u.dss.dsn, o.u.dss.ssn, o.u.dss.data_len);
    }
    if (!mptcp_opt_put(h, &o) && (o.u.dss.flags & MPTCP_DSS_M))
        c->st->stats.bad_opts++;                /* no room: the mapping is not sent */
}

uint32_t mptcp_dss_seg_limit(struct mptcp_subflow *sf, uint32_t seq)
{
    if (sf->conn->fallback)
        return 0;
    uint32_t rel = seq - sf->iss;
    const struct mptcp_map *m = mptcp_tx_map_at(sf, rel);
    return m ? m->ssn + m->len - rel : 0;
}

/* ---- the data-level receive side --------------------------------------------------- */

static int ooo_insert(struct mptcp_conn *c, uint64_t l, uint64_t r)
{
    size_t i = 0;
    while (i < c->nooo && c->ooo[i].r < l)
        i++;
    if (i < c->nooo && c->ooo[i].l <= r) {      /* overlaps or touches: merge */
        if (l < c->ooo[i].l)
            c->ooo[i].l = l;
        if (r > c->ooo[i].r)
            c->ooo[i].r = r;
        while (i + 1 < c->nooo && c->ooo[i + 1].l <= c->ooo[i].r) {
            if (c->ooo[i + 1].r > c->ooo[i].r)
                c->ooo[i].r = c->ooo[i + 1].r;
            memmove(&c->ooo[i + 1], &c->ooo[i + 2], (c->nooo - i - 2) * sizeof c->ooo[0]);
            c->nooo--;
        }
        return 0;
    }
    if (c->nooo == c->capooo) {                 /* grows during warm-up only */
        uint16_t cap = c->capooo ? (uint16_t)(c->capooo * 2) : 4;
        struct mptcp_range *n = realloc(c->ooo, cap * sizeof *n);
        if (!n)
            return -1;
        c->st->stats.conn_bytes += (cap - c->capooo) * sizeof *n;
        c->ooo = n;
        c->capooo = cap;
    }
    memmove(&c->ooo[i + 1], &c->ooo[i], (c->nooo - i) * sizeof c->ooo[0]);
    c->ooo[i] = (struct mptcp_range){ l, r };
    c->nooo++;
    return 0;
}

void mptcp_ooo_free(struct mptcp_conn *c)
{
    free(c->ooo);
    c->ooo = NULL;
    c->nooo = c->capooo = 0;
}

static void check_data_fin(struct mptcp_conn *c)
{
    if (c->have_data_fin && !c->rcvd_data_fin && c->rcv_nxt == c->data_fin_seq) {
        c->rcv_nxt++;                           /* DATA_FIN consumes one DSN */
        c->rcvd_data_fin = true;
        if (c->state == MPTCP_S_ESTABLISHED)
            c->state = MPTCP_S_CLOSE_WAIT;
        for (size_t i = 0; i < c->nsf; i++)
            if (mptcp_sf_usable(c->sf[i]) || c->sf[i]->fin_sent) {
                mptcp_sf_send_ack(c->sf[i]);    /* data-ACK the DATA_FIN */
                break;
            }
        mptcp_notify_readable(c);               /* end of file */
        mptcp_check_close(c);
    }
}

/* Bytes [l, r) arrived at the data level. */
static void data_rcv(struct mptcp_conn *c, uint64_t l, uint64_t r)
{
    if (r <= c->rcv_nxt) {
        c->st->stats.dup_data += r - l;
        return;
    }
    if (l > c->rcv_nxt) {
        ooo_insert(c, l, r);
        return;
    }
    c->st->stats.dup_data += c->rcv_nxt - l;
    c->rcv_nxt = r;
    while (c->nooo && c->ooo[0].l <= c->rcv_nxt) {
        if (c->ooo[0].r > c->rcv_nxt) {
            c->st->stats.dup_data += c->rcv_nxt - c->ooo[0].l;
            c->rcv_nxt = c->ooo[0].r;
        } else {
            c->st->stats.dup_data += c->ooo[0].r - c->ooo[0].l;
        }
        memmove(&c->ooo[0], &c->ooo[1], (c->nooo - 1) * sizeof c->ooo[0]);
        c->nooo--;
    }
}

void mptcp_dss_rcv(struct mptcp_subflow *sf, const struct mptcp_opt *o, uint32_t seq,
                   uint32_t seg_len)
{
    struct mptcp_conn *c = sf->conn;
    const struct mptcp_dss *d = &o->u.dss;
    if (d->flags & MPTCP_DSS_A) {
        sf->dack_seen = true;
        uint64_t ack = d->data_ack;
        if (!(d->flags & MPTCP_DSS_A8))
            ack = mptcp_expand_seq(c->snd_una, ack);
        struct tcp_sock_view v;
        tcp_sock_get_view(sf->tcp, &v);
        mptcp_data_ack(c, ack, v.snd_wnd);
    }
    if (!(d->flags & MPTCP_DSS_M))
        return;
    uint64_t dsn = d->dsn;
    if (d->flags & MPTCP_DSS_M8)
        c->peer_ack64 = true;
    else
        dsn = mptcp_expand_seq(c->rcv_nxt, dsn);
    if (d->data_len == 0) {
        /* infinite mapping (section 3.3.1): the peer fell back */
        c->st->stats.infinite_map_rx++;
        mptcp_fallback(c, false, MPTCP_FB_INFINITE_MAP);
        return;
    }
    if ((d->flags & MPTCP_DSS_F) && !c->have_data_fin) {
        c->have_data_fin = true;
        c->data_fin_seq = dsn + d->data_len - 1;
    }
    if (d->ssn == 0 && (d->flags & MPTCP_DSS_F)) {
        check_data_fin(c);
        return;                                 /* DATA_FIN-only mapping: no subflow bytes */
    }
    uint32_t len = d->data_len - ((d->flags & MPTCP_DSS_F) ? 1 : 0);
    (void)seq;
    (void)seg_len;
    mptcp_rx_map_add_cs(sf, dsn, d->ssn, len, c->csum && d->has_csum ? &d->csum : NULL,
                        d->data_len);
}

/* With checksums, the in-order bytes the receiver may read of the n available: whole
 * mappings only, each verified once (Linux validate_data_csum: data is available when the
 * receive queue holds the full mapping). Bytes without a mapping are left to the rules of
 * mptcp_dss_pull. A bad checksum is mptcp_csum_failed's: delivered after MP_FAIL, or the
 * subflow is reset and the bytes are not read. */
static size_t csum_ready(struct mptcp_subflow *sf, size_t n)
{
    uint32_t pos = sf->rx_ssn, end = sf->rx_ssn + (uint32_t)n;
    while ((int32_t)(end - pos) > 0) {
        struct mptcp_map *m = NULL;
        for (size_t i = 0; i < sf->rx_n; i++)
            if ((uint32_t)(pos - sf->rx[i].ssn) < sf->rx[i].len)
                m = &sf->rx[i];
        if (!m)
            return pos == sf->rx_ssn ? n : pos - sf->rx_ssn;
        if ((int32_t)(m->ssn + m->len - end) > 0)
            break;                              /* the mapping is not all here yet */
        if (!m->checked) {
            m->checked = true;
            if (mptcp_csum_ok(sf, m))
                sf->valid_csum_seen = true;
            else if (!mptcp_csum_failed(sf, m))
                break;                          /* the subflow is being reset */
        }
        pos = m->ssn + m->len;
    }
    return pos - sf->rx_ssn;
}

void mptcp_dss_pull(struct mptcp_subflow *sf)
{
    struct mptcp_conn *c = sf->conn;
    if (sf->closed || !sf->tcp)
        return;
    size_t n = tcp_sock_readable(sf->tcp);
    if (n && c->csum && !c->fallback)
        n = csum_ready(sf, n);
    if (!n)
        return;
    uint64_t before = c->rcv_nxt;
    n = tcp_read(sf->tcp, n);
    uint32_t pos = sf->rx_ssn, end = sf->rx_ssn + (uint32_t)n;
    while ((int32_t)(end - pos) > 0) {
        if (c->fallback) {
            data_rcv(c, c->fb_rx_base + pos, c->fb_rx_base + end);
            pos = end;
            break;
        }
        struct mptcp_map *m = NULL;
        for (size_t i = sf->rx_n; i-- > 0 && !m;)
            if ((uint32_t)(pos - sf->rx[i].ssn) < sf->rx[i].len)
                m = &sf->rx[i];
        if (!m) {
            c->st->stats.dss_no_mapping++;
            if (c->nsf == 1 && sf->mpc) {
                /* RFC 8684 section 3.7: DSS stripped on the only subflow, data in order:
                 * an implicit infinite mapping, fall back */
                mptcp_fallback(c, false, MPTCP_FB_NO_MAPPING);
                continue;
            }
            mptcp_subflow_reset(sf, MPTCP_RST_EMIDDLEBOX);
            pos = end;
            break;
        }
        uint32_t off = pos - m->ssn;
        uint32_t take = m->len - off;
        if (take > end - pos)
            take = end - pos;
        data_rcv(c, m->dsn + off, m->dsn + off + take);
        pos += take;
    }
    sf->rx_ssn = pos;
    size_t k = 0;
    while (k < sf->rx_n && (int32_t)(sf->rx[k].ssn + sf->rx[k].len - sf->rx_ssn) <= 0)
        k++;
    if (k) {
        memmove(sf->rx, sf->rx + k, (sf->rx_n - k) * sizeof sf->rx[0]);
        sf->rx_n -= (uint16_t)k;
    }
    if (sf->rxb_n)
        mptcp_csum_rx_trim(sf);
    if (c->rcv_nxt != before) {
        c->stats.bytes_received += c->rcv_nxt - before;
        check_data_fin(c);
        if (c->trace && c->trace->data)
            c->trace->data(&c->sock, c->trace_ctx, c->stats.bytes_acked,
                           c->stats.bytes_received);
        mptcp_notify_readable(c);
    } else {
        check_data_fin(c);
    }
}

uint32_t mptcp_rcv_window(const struct mptcp_conn *c)
{
    const struct tcp_config *cfg = tcp_stack_config(c->st->tcp);
    uint64_t unread = c->rcv_nxt - c->read_seq - (c->rcvd_data_fin ? 1 : 0);
    return unread >= cfg->rcvbuf ? 0 : (uint32_t)(cfg->rcvbuf - unread);
}

/* ---- the data-level send side ------------------------------------------------------ */

void mptcp_data_ack(struct mptcp_conn *c, uint64_t ack, uint32_t wnd)
{
    if (ack > c->snd_nxt + (c->data_fin_sent ? 1 : 0) || ack + 0x80000000ULL < c->snd_una)
        return;                                 /* not a sane data ACK: ignore */
    bool opened = ack + wnd > c->snd_wnd_edge;
    if (opened)
        c->snd_wnd_edge = ack + wnd;
    if (ack <= c->snd_una) {
        if (opened)
            mptcp_push(c);
        return;
    }
    uint64_t data_end = c->write_seq - (c->data_fin_sent ? 1 : 0);
    uint64_t newly = (ack < data_end ? ack : data_end) - c->snd_una;
    if (ack > data_end)
        newly = data_end > c->snd_una ? data_end - c->snd_una : 0;
    c->snd_una = ack;
    c->stats.bytes_acked += newly;
    if (c->reinj_from < ack)
        c->reinj_from = ack;
    if (c->data_fin_sent && ack >= c->write_seq)
        c->data_fin_acked = true;
    if (c->trace && c->trace->data)
        c->trace->data(&c->sock, c->trace_ctx, c->stats.bytes_acked, c->stats.bytes_received);
    if (newly)
        mptcp_notify_writable(c);
    mptcp_push(c);
}

static void queue_map(struct mptcp_subflow *sf, uint64_t dsn, uint32_t n)
{
    sf->tx[sf->tx_n++] = (struct mptcp_map){ .dsn = dsn, .ssn = sf->tx_ssn, .len = n };
    sf->tx_ssn += n;
    tcp_send(sf->tcp, n);
}

static bool can_map(struct mptcp_subflow *sf) { return mptcp_maps_grow(sf, false); }

/* Data-level bytes the subflow can take now, within the mapping ring. */
static uint32_t room_of(struct mptcp_subflow *sf)
{
    if (!can_map(sf))
        return 0;
    return mptcp_sf_room(sf);
}

static void push_fallback(struct mptcp_conn *c)
{
    struct mptcp_subflow *sf = mptcp_first_subflow(c);
    if (!sf || sf->closed || !sf->established)
        return;
    uint64_t end = c->write_seq - (c->data_fin_sent ? 1 : 0);
    while (c->snd_nxt < end) {
        size_t w = tcp_sock_writable(sf->tcp);
        uint64_t n = end - c->snd_nxt;
        if (n > w)
            n = w;
        if (!n)
            break;
        tcp_send(sf->tcp, (size_t)n);
        sf->tx_ssn += (uint32_t)n;
        c->snd_nxt += n;
    }
}

void mptcp_push(struct mptcp_conn *c)
{
    if (c->state == MPTCP_S_CLOSED)
        return;
    if (c->fallback) {
        push_fallback(c);
        mptcp_check_close(c);
        return;
    }
    if (!c->remote_key_known && !c->server)
        return;
    uint32_t max = (uint32_t)c->st->cfg.mapping_max;
    for (;;) {
        uint32_t room = 0;
        /* reinjection first (Linux __mptcp_retrans): the run a failed subflow held */
        if (c->reinj_from < c->reinj_to) {
            struct mptcp_subflow *sf = c->sched->pick(c, &room);
            if (!sf || !can_map(sf))
                break;
            uint64_t n = c->reinj_to - c->reinj_from;
            uint32_t sf_max = mptcp_sf_map_max(sf, max);
            if (n > room)
                n = room;
            if (n > sf_max)
                n = sf_max;
            queue_map(sf, c->reinj_from, (uint32_t)n);
            c->reinj_from += n;
            c->stats.reinjected_bytes += n;
            c->st->stats.reinjected += n;
            continue;
        }
        uint64_t end = c->write_seq - (c->data_fin_sent ? 1 : 0);
        if (end > c->snd_wnd_edge)
            end = c->snd_wnd_edge;
        if (c->snd_nxt >= end)
            break;
        struct mptcp_subflow *sf = c->sched->pick(c, &room);
        if (!sf || !can_map(sf))
            break;
        uint64_t n = end - c->snd_nxt;
        uint32_t sf_max = mptcp_sf_map_max(sf, max);
        if (n > room)
            n = room;
        if (n > sf_max)
            n = sf_max;
        queue_map(sf, c->snd_nxt, (uint32_t)n);
        if (c->sched->redundant)
            for (size_t i = 0; i < c->nsf; i++) {
                struct mptcp_subflow *o = c->sf[i];
                if (o != sf && room_of(o) >= n)
                    queue_map(o, c->snd_nxt, (uint32_t)n);
            }
        c->snd_nxt += n;
    }
    mptcp_check_close(c);
}

void mptcp_subflow_acked(struct mptcp_subflow *sf)
{
    tx_maps_trim(sf);
    if (sf->conn->fallback) {
        const struct tcp_config *cfg = tcp_stack_config(tcp_sock_stack(sf->tcp));
        uint64_t queued = cfg->sndbuf - tcp_sock_writable(sf->tcp);
        struct mptcp_conn *c = sf->conn;
        mptcp_data_ack(c, c->snd_nxt - queued, UINT32_MAX / 2);
    }
    sf->rto_seen = false;
}

/* Linux reinjects what a failed or stalled subflow holds and the peer has not data-ACKed
 * onto the other subflows (protocol.c __mptcp_retrans, mptcp_subflow_rto). One pending run
 * [reinj_from, reinj_to) covers it: the lowest un-ACKed DSN up to the end of the subflow's
 * mappings. */
void mptcp_reinject(struct mptcp_subflow *sf)
{
    struct mptcp_conn *c = sf->conn;
    if (c->fallback || !sf->tx_n)
        return;
    uint64_t hi = 0;
    for (size_t i = 0; i < sf->tx_n; i++)
        if (sf->tx[i].dsn + sf->tx[i].len > hi)
            hi = sf->tx[i].dsn + sf->tx[i].len;
    uint64_t lo = c->snd_una;
    if (hi <= lo)
        return;
    bool other = false;
    for (size_t i = 0; i < c->nsf; i++)
        if (c->sf[i] != sf && mptcp_sf_usable(c->sf[i]))
            other = true;
    if (!other)
        return;
    c->no_infinite_fallback = true;             /* Linux __mptcp_retrans */
    if (c->reinj_from >= c->reinj_to || lo < c->reinj_from)
        c->reinj_from = lo;
    if (hi > c->reinj_to)
        c->reinj_to = hi;
    mptcp_push(c);
}

/* Close sequence (Linux mptcp_close / __mptcp_check_send_data_fin): after the application's
 * shutdown and all data mapped, DATA_FIN on every subflow; once both DATA_FINs are data-ACKed,
 * FIN on every subflow. */
void mptcp_check_close(struct mptcp_conn *c)
{
    if (c->shutdown_req && !c->data_fin_sent && c->snd_nxt == c->write_seq) {
        c->data_fin_sent = true;
        c->write_seq++;
        if (c->state == MPTCP_S_ESTABLISHED || c->state == MPTCP_S_CLOSE_WAIT)
            c->state = MPTCP_S_FIN_WAIT;
        if (c->fallback) {
            struct mptcp_subflow *sf = mptcp_first_subflow(c);
            if (sf && !sf->closed && !sf->fin_sent) {
                sf->fin_sent = true;
                tcp_shutdown(sf->tcp);
            }
            return;
        }
        for (size_t i = 0; i < c->nsf; i++)
            if (mptcp_sf_usable(c->sf[i]))
                mptcp_sf_send_ack(c->sf[i]);
    }
    if (!c->fallback && c->data_fin_acked && c->rcvd_data_fin)
        for (size_t i = 0; i < c->nsf; i++) {
            struct mptcp_subflow *sf = c->sf[i];
            if (!sf->closed && !sf->fin_sent && sf->established) {
                sf->fin_sent = true;
                tcp_shutdown(sf->tcp);
            }
        }
}
