/* cmd_subflows.c - `mcpsim subflows FILE.pcap...`: the per-subflow event sequences of
 * captures (cmd/mptcp_seq.h), to compare a simulator run with a kernel capture of the same
 * scenario, or to read what an MPTCP connection did without a packet-by-packet listing.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/command.h"
#include "cmd/mptcp_seq.h"

#define MAX_FILES 16

static int subflows_run(int argc, char **argv);

static const struct command subflows_cmd = {
    .name = "subflows",
    .summary = "per-subflow MPTCP event sequences of captures (compare runs and stacks)",
    .usage = "usage: mcpsim subflows [--mode packets|control|skeleton] [--canonical] FILE.pcap...\n"
             "\n"
             "Groups the TCP packets of the captures (several files: one per interface,\n"
             "merged by time) into subflows by 4-tuple and prints each subflow's events,\n"
             "one line each: direction (> from the initiator, < towards it), TCP flags\n"
             "(S F R A), \"data\" when the segment carries payload, and the MPTCP options\n"
             "with their salient fields, e.g.\n"
             "  > S MPC(v1,f01,k0)   < SA MPC(v1,f01,k1)   > A MPC(v1,f01,k2)\n"
             "  < A ADD_ADDR(v4,id1,hmac)   > S JOIN(syn,b0,id2)   < A data DSS(AaMmF)\n"
             "--mode control (default) collapses each run of data segments and pure ACKs\n"
             "into one \"[data <]\"/\"[data >]\"/\"[data <>]\"/\"[acks]\" line and prints\n"
             "repeated control events once: two implementations of the same behaviour give\n"
             "the same text. packets: every packet (identical runs as \"... xN\").\n"
             "skeleton: control events only.\n"
             "Each subflow starts with a header: number, initiator > responder with ports,\n"
             "kind (mpc, join, tcp, nosyn), MPTCP connection, first/last time (s from the\n"
             "first packet), packets and payload bytes each way. --canonical prints the\n"
             "header without ports, times and counts (the form tests compare).\n"
             "Exit 1 when a file cannot be read, 2 on a bad command line.\n",
    .run = subflows_run,
};
COMMAND_REGISTER(subflows_cmd)

static void print_header(struct mseq *m, size_t i, int64_t t0)
{
    static const char *const kinds[] = { "nosyn", "tcp", "mpc", "join" };
    const struct mseq_subflow *p = mseq_subflow(m, i);
    char ini[INET6_ADDRSTRLEN], rsp[INET6_ADDRSTRLEN];
    int af = p->family == 4 ? AF_INET : AF_INET6;
    inet_ntop(af, p->ini_addr, ini, sizeof ini);
    inet_ntop(af, p->rsp_addr, rsp, sizeof rsp);
    printf("subflow %zu %s:%u > %s:%u %s conn %d time %.6f-%.6f packets %llu/%llu "
           "bytes %llu/%llu\n",
           i + 1, ini, p->ini_port, rsp, p->rsp_port, kinds[p->kind], p->conn,
           (double)(p->first_ns - t0) / 1e9, (double)(p->last_ns - t0) / 1e9,
           (unsigned long long)p->packets[0], (unsigned long long)p->packets[1],
           (unsigned long long)p->payload[0], (unsigned long long)p->payload[1]);
}

static int subflows_run(int argc, char **argv)
{
    const char *paths[MAX_FILES];
    size_t n = 0;
    int mode = MSEQ_CONTROL, canonical = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--mode") && i + 1 < argc)
            a = argv[++i];
        else if (!strncmp(a, "--mode=", 7))
            a += 7;
        else if (!strcmp(a, "--canonical")) {
            canonical = 1;
            continue;
        } else if (a[0] == '-' && a[1]) {
            return command_usage_error(&subflows_cmd, "unknown option \"%s\"", a);
        } else {
            if (n == MAX_FILES)
                return command_usage_error(&subflows_cmd, "more than %d files", MAX_FILES);
            paths[n++] = a;
            continue;
        }
        if ((mode = mseq_mode_parse(a)) < 0)
            return command_usage_error(&subflows_cmd,
                                       "unknown mode \"%s\" (packets, control, skeleton)", a);
    }
    if (!n)
        return command_usage_error(&subflows_cmd, "expected a pcap file");

    char err[512];
    struct mseq *m = mseq_new();
    if (!m) {
        fprintf(stderr, "mcpsim subflows: out of memory\n");
        return EXIT_FAIL;
    }
    int status = EXIT_OK;
    for (size_t i = 0; i < n && status == EXIT_OK; i++) {
        if (mseq_add_pcap(m, paths[i], err, sizeof err) < 0) {
            fprintf(stderr, "mcpsim subflows: %s\n", err);
            status = EXIT_FAIL;
        }
    }
    if (status == EXIT_OK && canonical) {
        char *doc = mseq_document(m, (enum mseq_mode)mode);
        if (doc)
            fputs(doc, stdout);
        else
            status = EXIT_FAIL;
        free(doc);
    } else if (status == EXIT_OK) {
        int64_t t0 = mseq_count(m) ? mseq_subflow(m, 0)->first_ns : 0;
        for (size_t i = 0; i < mseq_count(m); i++) {
            char *ev = mseq_events(m, i, (enum mseq_mode)mode);
            if (!ev) {
                status = EXIT_FAIL;
                break;
            }
            print_header(m, i, t0);
            fputs(ev, stdout);
            free(ev);
        }
        if (mseq_bad_packets(m) || mseq_bad_options(m))
            printf("undecodable: %llu packets, %llu MPTCP options\n",
                   (unsigned long long)mseq_bad_packets(m),
                   (unsigned long long)mseq_bad_options(m));
    }
    mseq_free(m);
    if (fflush(stdout) != 0) {
        fprintf(stderr, "mcpsim subflows: cannot write the output\n");
        status = EXIT_FAIL;
    }
    return status;
}
