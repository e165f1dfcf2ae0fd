/* mptcp_seq.c - per-subflow event sequences of captures (mptcp_seq.h has the format).
 *
 * Each packet is decoded once by models/wire and reduced at once to (time, direction,
 * ordinary?, payload?, signature); the signature string is interned, so a long transfer costs
 * about 24 bytes a packet. Subflows are found through an open-addressing table keyed by the
 * 4-tuple in a direction-free order. Ordering by time and the connection numbers are worked
 * out lazily, when a result is first asked for after packets were added.
 */
#include "cmd/mptcp_seq.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/wire/bytes.h"
#include "models/wire/mptcp.h"
#include "models/wire/mptcp_crypto.h"
#include "models/wire/packet.h"
#include "sim/hash.h"
#include "sim/pcap.h"

struct ev {
    int64_t ts_ns;
    uint32_t order;      /* insertion number in the subflow: ties keep capture order */
    uint32_t sig;        /* interned signature */
    uint8_t dir;         /* 0 initiator->responder, 1 reverse */
    uint8_t ordinary;
    uint8_t has_data;
};

struct sf {
    struct mseq_subflow pub;
    struct ev *ev;
    size_t n, cap;
    uint32_t syn_isn;    /* initial sequence number of the subflow's SYN */
    bool has_syn;
    uint8_t mpc_version;
    int ntokens;         /* MPC subflow: tokens of the keys seen (initiator's, responder's) */
    uint32_t tokens[2];
    bool has_join_token; /* JOIN subflow: the receiver's token of its SYN */
    uint32_t join_token;
    size_t created;      /* creation number: ties between first timestamps */
};

struct mseq {
    struct sf **sf;
    size_t nsf, capsf;
    size_t *slots;       /* tuple table: subflow index + 1, 0 = empty */
    size_t nslots;
    char **strs;         /* interned signatures */
    size_t nstrs, capstrs;
    uint32_t *strslots;  /* string table: index + 1 */
    size_t nstrslots;
    bool dirty;
    uint64_t bad_packets, bad_options;
    struct wire_pkt pkt; /* decode scratch (about 1.5 kB) */
};

/* --- a growing string ---------------------------------------------------------------------- */

struct buf {
    char *s;
    size_t len, cap;
    bool oom;
};

static void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void buf_printf(struct buf *b, const char *fmt, ...)
{
    if (b->oom)
        return;
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        size_t room = b->cap - b->len;
        int n = vsnprintf(b->s ? b->s + b->len : NULL, room, fmt, ap);
        va_end(ap);
        if (n < 0) {
            b->oom = true;
            return;
        }
        if ((size_t)n < room) {
            b->len += (size_t)n;
            return;
        }
        size_t cap = b->cap ? b->cap * 2 : 256;
        while (cap < b->len + (size_t)n + 1)
            cap *= 2;
        char *s = realloc(b->s, cap);
        if (!s) {
            b->oom = true;
            return;
        }
        b->s = s;
        b->cap = cap;
    }
}

static char *buf_finish(struct buf *b)
{
    if (b->oom || !b->s) {
        free(b->s);
        return b->oom ? NULL : calloc(1, 1);
    }
    return b->s;
}

/* --- interning ------------------------------------------------------------------------------ */

static uint64_t str_hash(const char *s)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (uint8_t)*s) * 1099511628211ull;
    return hash_mix64(h);
}

static int intern(struct mseq *m, const char *s, uint32_t *id)
{
    if (2 * (m->nstrs + 1) > m->nstrslots) {
        size_t n = m->nstrslots ? m->nstrslots * 2 : 256;
        uint32_t *slots = calloc(n, sizeof *slots);
        if (!slots)
            return -1;
        for (size_t i = 0; i < m->nstrs; i++) {
            size_t j = str_hash(m->strs[i]) & (n - 1);
            while (slots[j])
                j = (j + 1) & (n - 1);
            slots[j] = (uint32_t)i + 1;
        }
        free(m->strslots);
        m->strslots = slots;
        m->nstrslots = n;
    }
    size_t j = str_hash(s) & (m->nstrslots - 1);
    for (; m->strslots[j]; j = (j + 1) & (m->nstrslots - 1)) {
        if (!strcmp(m->strs[m->strslots[j] - 1], s)) {
            *id = m->strslots[j] - 1;
            return 0;
        }
    }
    if (m->nstrs == m->capstrs) {
        size_t cap = m->capstrs ? m->capstrs * 2 : 64;
        char **strs = realloc(m->strs, cap * sizeof *strs);
        if (!strs)
            return -1;
        m->strs = strs;
        m->capstrs = cap;
    }
    if (!(m->strs[m->nstrs] = strdup(s)))
        return -1;
    m->strslots[j] = (uint32_t)m->nstrs + 1;
    *id = (uint32_t)m->nstrs++;
    return 0;
}

/* --- the subflow table ---------------------------------------------------------------------- */

struct tuple {
    uint8_t family;
    uint8_t src[16], dst[16];
    uint16_t sport, dport;
};

static int addr_cmp(const uint8_t *a, uint16_t ap, const uint8_t *b, uint16_t bp)
{
    int c = memcmp(a, b, 16);
    return c ? c : (ap > bp) - (ap < bp);
}

static uint64_t tuple_hash(const struct tuple *t)
{
    /* direction-free: hash the two endpoints in sorted order */
    const uint8_t *lo = t->src, *hi = t->dst;
    uint16_t lop = t->sport, hip = t->dport;
    if (addr_cmp(lo, lop, hi, hip) > 0) {
        lo = t->dst, hi = t->src;
        lop = t->dport, hip = t->sport;
    }
    uint64_t h = t->family;
    for (int i = 0; i < 16; i += 8)
        h = hash_mix64(h ^ rd64(lo + i)) ^ rd64(hi + i);
    return hash_mix64(h ^ ((uint64_t)lop << 16 | hip));
}

/* 0 when t is not this subflow's tuple, 1 when t goes initiator->responder, 2 the reverse. */
static int tuple_dir(const struct sf *s, const struct tuple *t)
{
    const struct mseq_subflow *p = &s->pub;
    if (p->family != t->family)
        return 0;
    if (!memcmp(p->ini_addr, t->src, 16) && !memcmp(p->rsp_addr, t->dst, 16) &&
        p->ini_port == t->sport && p->rsp_port == t->dport)
        return 1;
    if (!memcmp(p->ini_addr, t->dst, 16) && !memcmp(p->rsp_addr, t->src, 16) &&
        p->ini_port == t->dport && p->rsp_port == t->sport)
        return 2;
    return 0;
}

/* The table slot holding the newest subflow of this tuple, or the empty slot for it. */
static size_t *tuple_slot(struct mseq *m, const struct tuple *t)
{
    size_t j = tuple_hash(t) & (m->nslots - 1);
    while (m->slots[j] && !tuple_dir(m->sf[m->slots[j] - 1], t))
        j = (j + 1) & (m->nslots - 1);
    return &m->slots[j];
}

static int grow_slots(struct mseq *m)
{
    size_t n = m->nslots ? m->nslots * 2 : 256;
    size_t *slots = calloc(n, sizeof *slots);
    if (!slots)
        return -1;
    size_t *old = m->slots, nold = m->nslots;
    m->slots = slots;
    m->nslots = n;
    for (size_t i = 0; i < nold; i++) {
        if (!old[i])
            continue;
        const struct mseq_subflow *p = &m->sf[old[i] - 1]->pub;
        struct tuple t = { .family = p->family, .sport = p->ini_port, .dport = p->rsp_port };
        memcpy(t.src, p->ini_addr, 16);
        memcpy(t.dst, p->rsp_addr, 16);
        *tuple_slot(m, &t) = old[i];
    }
    free(old);
    return 0;
}

static struct sf *sf_new(struct mseq *m, const struct tuple *t, size_t *slot)
{
    if (m->nsf == m->capsf) {
        size_t cap = m->capsf ? m->capsf * 2 : 16;
        struct sf **a = realloc(m->sf, cap * sizeof *a);
        if (!a)
            return NULL;
        m->sf = a;
        m->capsf = cap;
    }
    struct sf *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->pub.family = t->family;
    memcpy(s->pub.ini_addr, t->src, 16);
    memcpy(s->pub.rsp_addr, t->dst, 16);
    s->pub.ini_port = t->sport;
    s->pub.rsp_port = t->dport;
    s->created = m->nsf;
    m->sf[m->nsf++] = s;
    *slot = m->nsf; /* a newer subflow of the same tuple takes the slot over */
    return s;
}

/* --- one packet's signature ----------------------------------------------------------------- */

static void flags_text(struct buf *b, uint16_t f)
{
    size_t before = b->len;
    if (f & TCP_FLAG_SYN)
        buf_printf(b, "S");
    if (f & TCP_FLAG_FIN)
        buf_printf(b, "F");
    if (f & TCP_FLAG_RST)
        buf_printf(b, "R");
    if (f & TCP_FLAG_ACK)
        buf_printf(b, "A");
    if (b->len == before)
        buf_printf(b, "-");
}

/* Appends " TOKEN" for one parsed option; clears *ordinary for anything but a DSS without F. */
static void opt_text(struct buf *b, const struct mptcp_opt *o, bool *ordinary)
{
    if (o->subtype != MPTCP_SUB_DSS)
        *ordinary = false;
    switch (o->subtype) {
    case MPTCP_SUB_CAPABLE:
        buf_printf(b, " MPC(v%u,f%02x,k%u%s%s)", o->u.mpc.version, o->u.mpc.flags,
                   o->u.mpc.nkeys, o->u.mpc.has_data_len ? ",dl" : "",
                   o->u.mpc.has_csum ? ",cs" : "");
        break;
    case MPTCP_SUB_JOIN: {
        const struct mptcp_join *j = &o->u.join;
        if (j->form == MPTCP_JOIN_ACK)
            buf_printf(b, " JOIN(ack)");
        else
            buf_printf(b, " JOIN(%s,b%d,id%u)", j->form == MPTCP_JOIN_SYN ? "syn" : "synack",
                       j->backup, j->addr_id);
        break;
    }
    case MPTCP_SUB_DSS: {
        const struct mptcp_dss *d = &o->u.dss;
        static const char letters[] = "AaMmF";
        buf_printf(b, " DSS(");
        for (int i = 0; i < 5; i++)
            if (d->flags & (1u << i))
                buf_printf(b, "%c", letters[i]);
        buf_printf(b, "%s%s)", (d->flags & MPTCP_DSS_M) && d->data_len == 0 ? ",inf" : "",
                   d->has_csum ? ",cs" : "");
        if (d->flags & MPTCP_DSS_F)
            *ordinary = false;
        break;
    }
    case MPTCP_SUB_ADD_ADDR: {
        const struct mptcp_add_addr *a = &o->u.add_addr;
        buf_printf(b, " ADD_ADDR%s(v%u,id%u%s%s)", a->version == 0 ? "0" : "", a->family,
                   a->addr_id, a->version == 0 ? "" : a->echo ? ",echo" : ",hmac",
                   a->has_port ? ",port" : "");
        break;
    }
    case MPTCP_SUB_REMOVE_ADDR:
        buf_printf(b, " RM_ADDR(");
        for (unsigned i = 0; i < o->u.rm_addr.n; i++)
            buf_printf(b, "%s%u", i ? "," : "", o->u.rm_addr.ids[i]);
        buf_printf(b, ")");
        break;
    case MPTCP_SUB_PRIO:
        buf_printf(b, " PRIO(b%d)", o->u.prio.backup);
        break;
    case MPTCP_SUB_FAIL:
        buf_printf(b, " FAIL");
        break;
    case MPTCP_SUB_FASTCLOSE:
        buf_printf(b, " FASTCLOSE");
        break;
    case MPTCP_SUB_TCPRST: {
        uint8_t f = o->u.tcprst.flags;
        buf_printf(b, " TCPRST(r%u%s%s%s%s)", o->u.tcprst.reason, f & 0x8 ? ",U" : "",
                   f & 0x4 ? ",V" : "", f & 0x2 ? ",W" : "", f & MPTCP_RST_T ? ",T" : "");
        break;
    }
    case MPTCP_SUB_EXPERIMENTAL:
        buf_printf(b, " EXP");
        break;
    default:
        buf_printf(b, " SUB(0x%x)", o->subtype);
        break;
    }
}

/* What the subflow learns from its MPTCP options: the SYN's kind, the keys' tokens, the
 * join token (connection grouping, RFC 8684 §3.2: the token names the connection). */
static void learn(struct sf *s, const struct tcp_hdr *h, const struct mptcp_opt *o, int dir)
{
    bool syn = (h->flags & TCP_FLAG_SYN) && !(h->flags & TCP_FLAG_ACK);
    if (o->subtype == MPTCP_SUB_CAPABLE) {
        if (syn && dir == 0) {
            s->pub.kind = MSEQ_KIND_MPC;
            s->mpc_version = o->u.mpc.version;
        }
        uint32_t tok;
        uint64_t keys[2] = { o->u.mpc.snd_key, o->u.mpc.rcv_key };
        for (unsigned k = 0; k < o->u.mpc.nkeys && k < 2; k++) {
            if (mptcp_key_hash(o->u.mpc.version, keys[k], &tok, NULL) < 0)
                continue;
            /* the option sender's key is the initiator's when dir 0 */
            int who = (dir == 0) == (k == 0) ? 0 : 1;
            s->tokens[who] = tok;
            if (s->ntokens < who + 1)
                s->ntokens = who + 1;
        }
    } else if (o->subtype == MPTCP_SUB_JOIN && o->u.join.form == MPTCP_JOIN_SYN && syn) {
        s->pub.kind = MSEQ_KIND_JOIN;
        s->has_join_token = true;
        s->join_token = o->u.join.token;
    }
}

static int add_event(struct sf *s, const struct ev *e)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 64;
        struct ev *a = realloc(s->ev, cap * sizeof *a);
        if (!a)
            return -1;
        s->ev = a;
        s->cap = cap;
    }
    s->ev[s->n] = *e;
    s->ev[s->n].order = (uint32_t)s->n;
    s->n++;
    return 0;
}

int mseq_add_ip(struct mseq *m, int64_t ts_ns, const uint8_t *ip, size_t caplen)
{
    struct wire_pkt *p = &m->pkt;
    wire_pkt_decode(ip, caplen, p);
    if (!p->family) {
        m->bad_packets++;
        return -1;
    }
    if (p->proto != IPPROTO_NUM_TCP)
        return 1;
    if (!p->has_tcp) {
        m->bad_packets++;
        return -1;
    }
    const struct tcp_hdr *h = &p->tcp;
    struct tuple t = { .family = p->family, .sport = h->sport, .dport = h->dport };
    if (p->family == 4) {
        wr32(t.src, p->ip.v4.src);
        wr32(t.dst, ipv4_final_dst(&p->ip.v4));
    } else {
        memcpy(t.src, p->ip.v6.src, 16);
        ipv6_final_dst(&p->ip.v6, t.dst);
    }
    if (2 * (m->nsf + 1) > m->nslots && grow_slots(m) < 0)
        return -2;
    size_t *slot = tuple_slot(m, &t);
    bool syn = (h->flags & TCP_FLAG_SYN) && !(h->flags & TCP_FLAG_ACK);
    struct sf *s = *slot ? m->sf[*slot - 1] : NULL;
    if (s && syn && s->has_syn && s->syn_isn != h->seq)
        s = NULL; /* the 4-tuple reused by a new connection */
    if (!s && !(s = sf_new(m, &t, slot)))
        return -2;
    if (syn && !s->has_syn) {
        s->has_syn = true;
        s->syn_isn = h->seq;
        if (s->pub.kind == MSEQ_KIND_NOSYN)
            s->pub.kind = MSEQ_KIND_TCP;
    }
    int dir = tuple_dir(s, &t) == 1 ? 0 : 1;

    struct buf b = { 0 };
    buf_printf(&b, "%c ", dir == 0 ? '>' : '<');
    flags_text(&b, h->flags);
    bool ordinary = !(h->flags & (TCP_FLAG_SYN | TCP_FLAG_FIN | TCP_FLAG_RST));
    if (p->payload_len)
        buf_printf(&b, " data");
    struct mptcp_ctx ctx = { .tcp_flags = (uint8_t)(h->flags & 0xff),
                             .version = MPTCP_VERSION_ANY,
                             .has_payload = p->payload_len > 0 };
    for (unsigned i = 0; i < h->nopts; i++) {
        const struct tcp_opt *to = &h->opts[i];
        if (to->kind != TCPOPT_MPTCP)
            continue;
        struct mptcp_opt o;
        const uint8_t *bytes = tcp_opt_bytes(h, to);
        if (mptcp_opt_parse(bytes, (size_t)h->optlen - to->off, &ctx, &o) < 0) {
            m->bad_options++;
            ordinary = false;
            buf_printf(&b, " BAD(0x%x)", to->len > 2 ? bytes[2] >> 4 : 0);
            continue;
        }
        opt_text(&b, &o, &ordinary);
        learn(s, h, &o, dir);
    }
    char *sig = buf_finish(&b);
    struct ev e = { .ts_ns = ts_ns, .dir = (uint8_t)dir, .ordinary = ordinary,
                    .has_data = p->payload_len > 0 };
    int rc = sig ? intern(m, sig, &e.sig) : -1;
    free(sig);
    if (rc < 0 || add_event(s, &e) < 0)
        return -2;
    if (!s->pub.packets[0] && !s->pub.packets[1])
        s->pub.first_ns = ts_ns;
    if (ts_ns < s->pub.first_ns)
        s->pub.first_ns = ts_ns;
    if (ts_ns > s->pub.last_ns)
        s->pub.last_ns = ts_ns;
    s->pub.packets[dir]++;
    s->pub.payload[dir] += p->payload_len;
    m->dirty = true;
    return 0;
}

int mseq_add_pcap(struct mseq *m, const char *path, char *err, size_t errlen)
{
    struct pcapio_reader *r;
    if (pcapio_open_read(path, &r, err, errlen) < 0)
        return -1;
    struct pcapio_frame f;
    int rc;
    while ((rc = pcapio_read(r, &f, err, errlen)) == 1) {
        if (!f.l3_family)
            continue;
        if (mseq_add_ip(m, f.ts_ns, f.data + f.l3_off, f.caplen - f.l3_off) == -2) {
            snprintf(err, errlen, "%s: frame %llu: out of memory", path,
                     (unsigned long long)f.number);
            rc = -1;
            break;
        }
    }
    pcapio_close_read(r);
    return rc < 0 ? -1 : 0;
}

/* --- ordering and connections --------------------------------------------------------------- */

static int ev_cmp(const void *a, const void *b)
{
    const struct ev *x = a, *y = b;
    if (x->ts_ns != y->ts_ns)
        return x->ts_ns < y->ts_ns ? -1 : 1;
    return (x->order > y->order) - (x->order < y->order);
}

static int sf_cmp(const void *a, const void *b)
{
    const struct sf *x = *(struct sf *const *)a, *y = *(struct sf *const *)b;
    if (x->pub.first_ns != y->pub.first_ns)
        return x->pub.first_ns < y->pub.first_ns ? -1 : 1;
    return (x->created > y->created) - (x->created < y->created);
}

static void finalize(struct mseq *m)
{
    if (!m->dirty)
        return;
    for (size_t i = 0; i < m->nsf; i++)
        qsort(m->sf[i]->ev, m->sf[i]->n, sizeof(struct ev), ev_cmp);
    qsort(m->sf, m->nsf, sizeof *m->sf, sf_cmp);
    /* the table holds positions: rebuild it for the new order */
    memset(m->slots, 0, m->nslots * sizeof *m->slots);
    for (size_t i = 0; i < m->nsf; i++) {
        const struct mseq_subflow *p = &m->sf[i]->pub;
        struct tuple t = { .family = p->family, .sport = p->ini_port, .dport = p->rsp_port };
        memcpy(t.src, p->ini_addr, 16);
        memcpy(t.dst, p->rsp_addr, 16);
        *tuple_slot(m, &t) = i + 1; /* later (newer) subflows of a tuple win */
    }
    int conns = 0;
    for (size_t i = 0; i < m->nsf; i++) {
        struct sf *s = m->sf[i];
        s->pub.conn = s->pub.kind == MSEQ_KIND_MPC ? ++conns : 0;
    }
    for (size_t i = 0; i < m->nsf; i++) {
        struct sf *s = m->sf[i];
        if (!s->has_join_token)
            continue;
        for (size_t k = 0; k < m->nsf && !s->pub.conn; k++) {
            const struct sf *c = m->sf[k];
            for (int t = 0; t < c->ntokens && c->pub.conn; t++)
                if (c->tokens[t] == s->join_token)
                    s->pub.conn = c->pub.conn;
        }
    }
    m->dirty = false;
}

/* --- results -------------------------------------------------------------------------------- */

struct mseq *mseq_new(void)
{
    return calloc(1, sizeof(struct mseq));
}

void mseq_free(struct mseq *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->nsf; i++) {
        free(m->sf[i]->ev);
        free(m->sf[i]);
    }
    for (size_t i = 0; i < m->nstrs; i++)
        free(m->strs[i]);
    free(m->sf);
    free(m->slots);
    free(m->strs);
    free(m->strslots);
    free(m);
}

size_t mseq_count(struct mseq *m)
{
    return m->nsf;
}

const struct mseq_subflow *mseq_subflow(struct mseq *m, size_t i)
{
    finalize(m);
    return i < m->nsf ? &m->sf[i]->pub : NULL;
}

uint64_t mseq_bad_packets(const struct mseq *m)
{
    return m->bad_packets;
}

uint64_t mseq_bad_options(const struct mseq *m)
{
    return m->bad_options;
}

/* Flushes a pending run of ordinary packets as its one CONTROL-mode line. */
static void run_text(struct buf *b, const bool data[2], bool pending, enum mseq_mode mode)
{
    if (!pending || mode != MSEQ_CONTROL)
        return;
    if (data[0] || data[1])
        buf_printf(b, "[data %s%s]\n", data[0] ? ">" : "", data[1] ? "<" : "");
    else
        buf_printf(b, "[acks]\n");
}

static void events_text(struct mseq *m, const struct sf *s, enum mseq_mode mode, struct buf *b)
{
    if (mode == MSEQ_PACKETS) {
        for (size_t i = 0, j; i < s->n; i = j) {
            for (j = i + 1; j < s->n && s->ev[j].sig == s->ev[i].sig; j++)
                ;
            if (j - i > 1)
                buf_printf(b, "%s x%zu\n", m->strs[s->ev[i].sig], j - i);
            else
                buf_printf(b, "%s\n", m->strs[s->ev[i].sig]);
        }
        return;
    }
    /* A control event equal to the last one printed, with only ordinary packets since, is a
     * repeat (a DATA_FIN flag on every segment of the last mapping, RSTs answering each late
     * segment): it is dropped and the ordinary packets around it form one run. */
    uint32_t last = UINT32_MAX;
    bool data[2] = { false, false }, pending = false;
    for (size_t i = 0; i < s->n; i++) {
        const struct ev *e = &s->ev[i];
        if (e->ordinary) {
            pending = true;
            if (e->has_data)
                data[e->dir] = true;
        } else if (e->sig != last) {
            run_text(b, data, pending, mode);
            data[0] = data[1] = pending = false;
            buf_printf(b, "%s\n", m->strs[e->sig]);
            last = e->sig;
        }
    }
    run_text(b, data, pending, mode);
}

char *mseq_events(struct mseq *m, size_t i, enum mseq_mode mode)
{
    finalize(m);
    if (i >= m->nsf)
        return NULL;
    struct buf b = { 0 };
    events_text(m, m->sf[i], mode, &b);
    return buf_finish(&b);
}

static const char *const kind_names[] = { "nosyn", "tcp", "mpc", "join" };

char *mseq_document(struct mseq *m, enum mseq_mode mode)
{
    finalize(m);
    struct buf b = { 0 };
    for (size_t i = 0; i < m->nsf; i++) {
        const struct mseq_subflow *p = &m->sf[i]->pub;
        char ini[INET6_ADDRSTRLEN], rsp[INET6_ADDRSTRLEN];
        int af = p->family == 4 ? AF_INET : AF_INET6;
        inet_ntop(af, p->ini_addr, ini, sizeof ini);
        inet_ntop(af, p->rsp_addr, rsp, sizeof rsp);
        buf_printf(&b, "subflow %zu %s > %s %s conn %d\n", i + 1, ini, rsp,
                   kind_names[p->kind], p->conn);
        events_text(m, m->sf[i], mode, &b);
    }
    return buf_finish(&b);
}

char *mseq_document_of(const char *const *paths, size_t n, enum mseq_mode mode, char *err,
                       size_t errlen)
{
    struct mseq *m = mseq_new();
    if (!m) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    char *doc = NULL;
    for (size_t i = 0; i < n; i++)
        if (mseq_add_pcap(m, paths[i], err, errlen) < 0)
            goto out;
    if (!(doc = mseq_document(m, mode)))
        snprintf(err, errlen, "out of memory");
out:
    mseq_free(m);
    return doc;
}

int mseq_mode_parse(const char *s)
{
    static const char *const names[] = { "packets", "control", "skeleton" };
    for (int i = 0; i < 3; i++)
        if (!strcmp(s, names[i]))
            return i;
    return -1;
}
