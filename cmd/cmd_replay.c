/* cmd_replay.c - `mcpsim replay IN.pcap -o OUT.pcap [--role NAME]`: run packets of a capture
 * through the wire model (and, with a role, a datapath) and write them out again.
 *
 * Every IP packet is decoded into the wire model (models/wire/packet.h), handed to the role's
 * hook, which may rewrite it or drop it, and encoded again behind the frame's original link
 * header. With the default role "none" the hook passes everything unchanged, so OUT holds the
 * same bytes and timestamps as IN (OUT is written with nanosecond timestamps): the test of
 * decode/encode identity on real traffic. MPTCP options go through their codec too
 * (models/wire/mptcp.h: parsed into structs and written back). A frame that is not IP, or whose IP header does not
 * decode, is copied as it is and counted per reason.
 * Roles are the extension point for the proxy datapath (uMCP/dMCP): a row in `roles` below.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/command.h"
#include "models/wire/mptcp.h"
#include "models/wire/packet.h"
#include "models/wire/wire_err.h"
#include "sim/pcap.h"

/* What a role decides for one packet. */
enum replay_verdict { REPLAY_PASS, REPLAY_DROP };

/* A datapath run over the capture. hook() sees each decoded packet (it may modify it: the
 * encoder writes what it leaves) with the frame it came from. */
struct replay_role {
    const char *name;
    const char *help;
    void *(*create)(void);                 /* NULL: no state */
    enum replay_verdict (*hook)(void *state, struct wire_pkt *pkt, const struct pcapio_frame *f);
    void (*destroy)(void *state);
};

static enum replay_verdict none_hook(void *state, struct wire_pkt *pkt,
                                     const struct pcapio_frame *f)
{
    (void)state, (void)pkt, (void)f;
    return REPLAY_PASS;
}

static const struct replay_role roles[] = {
    { "none", "decode and re-encode only: OUT is byte-identical to IN", NULL, none_hook, NULL },
};
#define NROLES (sizeof roles / sizeof roles[0])

static int replay_run(int argc, char **argv);

static const struct command replay_cmd = {
    .name = "replay",
    .summary = "decode and re-encode every packet of a pcap (optionally through a datapath)",
    .usage = "usage: mcpsim replay IN.pcap -o OUT.pcap [--role NAME]\n"
             "\n"
             "Decodes every IP packet of IN into mcpsim's wire model, passes it to the role's\n"
             "datapath and encodes it again into OUT (same link type, nanosecond timestamps).\n"
             "Frames that are not IP or whose IP header is malformed are copied unchanged and\n"
             "counted. Roles:\n"
             "  none   decode and re-encode only: OUT is byte-identical to IN (default)\n"
             "A damaged or unreadable file stops with one line naming file and frame (exit 1).\n",
    .run = replay_run,
};
COMMAND_REGISTER(replay_cmd)

struct replay_counts {
    unsigned long long frames, decoded, not_ip, dropped, mptcp_bad;
    unsigned long long err[WIRE_ERR_COUNT];
};

/* Runs every MPTCP option through its codec (parse, then write in place): the model holds the
 * options as structs, not bytes. An option that does not parse stays as received (a receiver
 * ignores it) and is counted; one whose rewrite differs in length is a codec bug. */
static int mptcp_roundtrip(struct wire_pkt *pkt, struct replay_counts *c)
{
    struct tcp_hdr *h = &pkt->tcp;
    struct mptcp_ctx mc = { .tcp_flags = (uint8_t)h->flags, .version = 1,
                            .has_payload = pkt->payload_len > 0 };
    for (size_t i = 0; i < h->nopts; i++) {
        const struct tcp_opt *o = &h->opts[i];
        struct mptcp_opt m;
        size_t n;
        if (o->kind != TCPOPT_MPTCP)
            continue;
        if (mptcp_opt_parse(h->opt + o->off, o->len, &mc, &m) != 0) {
            c->mptcp_bad++;
            continue;
        }
        if (mptcp_opt_write(&m, h->opt + o->off, o->len, &n) != 0 || n != o->len)
            return WIRE_E_OPT_LEN;
    }
    return 0;
}

/* Builds the output frame: link header bytes then the re-encoded datagram. */
static int encode_frame(const struct pcapio_frame *f, const struct wire_pkt *pkt, uint8_t *out,
                        size_t cap, size_t *len)
{
    if (f->l3_off > cap)
        return WIRE_E_BUF;
    memcpy(out, f->data, f->l3_off);
    size_t n;
    int err = wire_pkt_encode(pkt, out + f->l3_off, cap - f->l3_off, &n);
    if (err)
        return err;
    *len = f->l3_off + n;
    return 0;
}

static void print_counts(const struct replay_counts *c, const char *out)
{
    printf("replayed %llu frames into %s: %llu decoded as IP, %llu not IP, %llu dropped by the "
           "role, %llu malformed MPTCP options",
           c->frames, out, c->decoded, c->not_ip, c->dropped, c->mptcp_bad);
    for (int i = 1; i < WIRE_ERR_COUNT; i++)
        if (c->err[i])
            printf("; %llu %s", c->err[i], wire_strerror(-i));
    printf("\n");
}

static int replay_run(int argc, char **argv)
{
    const char *in = NULL, *out = NULL, *role_name = "none";
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-o") == 0 && i + 1 < argc)
            out = argv[++i];
        else if (strcmp(argv[i], "--role") == 0 && i + 1 < argc)
            role_name = argv[++i];
        else if (argv[i][0] == '-' && argv[i][1])
            return command_usage_error(&replay_cmd, "unknown option \"%s\"", argv[i]);
        else if (!in)
            in = argv[i];
        else
            return command_usage_error(&replay_cmd, "expected one input file, got \"%s\" too",
                                       argv[i]);
    }
    if (!in || !out)
        return command_usage_error(&replay_cmd, "expected IN.pcap and -o OUT.pcap");
    const struct replay_role *role = NULL;
    for (size_t i = 0; i < NROLES; i++)
        if (strcmp(roles[i].name, role_name) == 0)
            role = &roles[i];
    if (!role)
        return command_usage_error(&replay_cmd, "unknown role \"%s\"", role_name);

    char err[512];
    struct pcapio_reader *r;
    struct pcapio_writer *w;
    if (pcapio_open_read(in, &r, err, sizeof err) < 0) {
        fprintf(stderr, "mcpsim replay: %s\n", err);
        return EXIT_FAIL;
    }
    uint32_t snaplen = pcapio_snaplen(r);
    if (pcapio_open_write(out, pcapio_linktype(r), snaplen, &w, err, sizeof err) < 0) {
        fprintf(stderr, "mcpsim replay: %s\n", err);
        pcapio_close_read(r);
        return EXIT_FAIL;
    }
    /* Room for a whole frame plus headers a role may add (a 40-byte SRH, an 8-byte LSRR). */
    size_t cap = (size_t)snaplen + 1024;
    uint8_t *buf = malloc(cap);
    static struct wire_pkt pkt;
    void *state = role->create ? role->create() : NULL;
    struct replay_counts cnt = { 0 };
    struct pcapio_frame f;
    int rc, status = EXIT_OK;
    if (!buf || (role->create && !state)) {
        fprintf(stderr, "mcpsim replay: out of memory\n");
        status = EXIT_FAIL;
        goto done;
    }
    while ((rc = pcapio_read(r, &f, err, sizeof err)) == 1) {
        cnt.frames++;
        const uint8_t *data = f.data;
        size_t len = f.caplen;
        if (!f.l3_family) {
            cnt.not_ip++;
        } else {
            int derr = wire_pkt_decode(f.data + f.l3_off, f.caplen - f.l3_off, &pkt);
            if (derr)
                cnt.err[-derr < WIRE_ERR_COUNT ? -derr : 0]++;
            if (pkt.family) {
                cnt.decoded++;
                if (pkt.has_tcp && mptcp_roundtrip(&pkt, &cnt) != 0) {
                    fprintf(stderr, "mcpsim replay: %s: frame %llu: MPTCP option rewrite changed "
                            "its length\n", in, (unsigned long long)f.number);
                    status = EXIT_FAIL;
                    break;
                }
                if (role->hook(state, &pkt, &f) == REPLAY_DROP) {
                    cnt.dropped++;
                    continue;
                }
                int eerr = encode_frame(&f, &pkt, buf, cap, &len);
                if (eerr) {
                    fprintf(stderr, "mcpsim replay: %s: frame %llu: cannot encode: %s\n", in,
                            (unsigned long long)f.number, wire_strerror(eerr));
                    status = EXIT_FAIL;
                    break;
                }
                data = buf;
            }
        }
        /* A role that changed the headers changed the frame's length on the wire as much. */
        uint32_t wirelen = (uint32_t)((int64_t)f.wirelen + (int64_t)len - (int64_t)f.caplen);
        pcapio_write(w, f.ts_ns, data, (uint32_t)len, wirelen);
    }
    if (rc < 0) {
        fprintf(stderr, "mcpsim replay: %s\n", err);
        status = EXIT_FAIL;
    }
done:
    if (pcapio_close_write(w, err, sizeof err) < 0) {
        fprintf(stderr, "mcpsim replay: %s\n", err);
        status = EXIT_FAIL;
    }
    pcapio_close_read(r);
    if (role->destroy)
        role->destroy(state);
    free(buf);
    if (status == EXIT_OK)
        print_counts(&cnt, out);
    return status;
}
