/* cmd_decode.c - `mcpsim decode FILE.pcap [--fields LIST]`: one tab-separated row per packet.
 *
 * Columns are Wireshark display-field names and values are formatted as tshark 4.0 prints
 * them, so the output equals `tshark -r FILE -T fields -E header=y -E separator=/t
 * -E occurrence=a -E aggregator=, -e F1 -e F2 ...` (decode_ipv4.c, decode_ipv6.c and
 * decode_tcp.c have the rules). Every packet is decoded by models/wire once; a frame that
 * holds no IP or a malformed header prints the fields that did decode, as tshark does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/command.h"
#include "cmd/decode_fields.h"
#include "models/wire/packet.h"
#include "sim/pcap.h"

#define MAX_FIELDS 128

static int decode_run(int argc, char **argv);

static const struct command decode_cmd = {
    .name = "decode",
    .summary = "print packet fields of a pcap as tshark -T fields does",
    .usage = "usage: mcpsim decode FILE.pcap [--fields LIST]\n"
             "\n"
             "Decodes every packet with mcpsim's wire model and prints one tab-separated row\n"
             "per packet, after a header row of field names. LIST is a comma-separated list\n"
             "of Wireshark display-field names; values are formatted as by\n"
             "  tshark -r FILE -T fields -E header=y -E separator=/t -E occurrence=a \\\n"
             "         -E aggregator=, -e F1 -e F2 ...\n"
             "Default fields: frame.number ip.src ip.dst ipv6.src ipv6.dst tcp.srcport\n"
             "tcp.dstport tcp.flags tcp.seq_raw tcp.ack_raw tcp.len tcp.options.mss_val\n"
             "tcp.options.wscale.shift. An unknown field lists the supported ones (exit 2).\n"
             "A damaged or unreadable file stops with one line naming file and frame (exit 1).\n",
    .run = decode_run,
};
COMMAND_REGISTER(decode_cmd)

static const char default_fields[] =
    "frame.number,ip.src,ip.dst,ipv6.src,ipv6.dst,tcp.srcport,tcp.dstport,tcp.flags,"
    "tcp.seq_raw,tcp.ack_raw,tcp.len,tcp.options.mss_val,tcp.options.wscale.shift";

/* Splits LIST into field indexes; prints the error itself. */
static int parse_fields(const char *list, int *idx, const char **names, size_t *n)
{
    static char copy[4096];
    if (strlen(list) >= sizeof copy) {
        fprintf(stderr, "mcpsim decode: --fields list too long\n");
        return -1;
    }
    strcpy(copy, list);
    *n = 0;
    char *save = NULL;
    for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        int f = decode_field_find(tok);
        if (f < 0) {
            fprintf(stderr, "mcpsim decode: unknown field \"%s\"; supported fields: ", tok);
            decode_fields_print(stderr);
            fputc('\n', stderr);
            return -1;
        }
        if (*n == MAX_FIELDS) {
            fprintf(stderr, "mcpsim decode: more than %d fields\n", MAX_FIELDS);
            return -1;
        }
        names[*n] = tok;
        idx[(*n)++] = f;
    }
    if (*n == 0) {
        fprintf(stderr, "mcpsim decode: --fields needs at least one field name\n");
        return -1;
    }
    return 0;
}

static int decode_run(int argc, char **argv)
{
    const char *path = NULL, *list = default_fields;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--fields") == 0 && i + 1 < argc)
            list = argv[++i];
        else if (strncmp(argv[i], "--fields=", 9) == 0)
            list = argv[i] + 9;
        else if (argv[i][0] == '-' && argv[i][1])
            return command_usage_error(&decode_cmd, "unknown option \"%s\"", argv[i]);
        else if (!path)
            path = argv[i];
        else
            return command_usage_error(&decode_cmd, "expected one file, got \"%s\" too", argv[i]);
    }
    if (!path)
        return command_usage_error(&decode_cmd, "expected a pcap file");
    int idx[MAX_FIELDS];
    const char *names[MAX_FIELDS];
    size_t nf;
    if (parse_fields(list, idx, names, &nf) < 0)
        return EXIT_USAGE;

    char err[512];
    struct pcapio_reader *r;
    if (pcapio_open_read(path, &r, err, sizeof err) < 0) {
        fprintf(stderr, "mcpsim decode: %s\n", err);
        return EXIT_FAIL;
    }
    for (size_t i = 0; i < nf; i++)
        printf("%s%c", names[i], i + 1 < nf ? '\t' : '\n');

    static struct wire_pkt pkt; /* big (IPv6 chain buffer): one, reused for every frame */
    static struct decode_ctx ctx;
    struct dbuf row = { 0 };
    struct pcapio_frame f;
    int rc, status = EXIT_OK;
    while ((rc = pcapio_read(r, &f, err, sizeof err)) == 1) {
        int ok = f.l3_family &&
                 (wire_pkt_decode(f.data + f.l3_off, f.caplen - f.l3_off, &pkt), pkt.family);
        decode_ctx_init(&ctx, &f, ok ? &pkt : NULL);
        row.len = 0;
        for (size_t i = 0; i < nf; i++) {
            decode_field_format(idx[i], &ctx, &row);
            dbuf_putc(&row, i + 1 < nf ? '\t' : '\n');
        }
        fwrite(row.p, 1, row.len, stdout);
    }
    if (rc < 0) {
        fflush(stdout);
        fprintf(stderr, "mcpsim decode: %s\n", err);
        status = EXIT_FAIL;
    }
    dbuf_free(&row);
    pcapio_close_read(r);
    if (fflush(stdout) != 0) {
        fprintf(stderr, "mcpsim decode: cannot write the output\n");
        status = EXIT_FAIL;
    }
    return status;
}
