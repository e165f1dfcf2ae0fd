/* capture.c - pcap capture of an interface's packets, both directions in one file.
 *
 * One file per interface, DIR/NODE-LINK.pcap (LINK: the link's name, or ifN), link type raw
 * IP (LINKTYPE_RAW: each frame starts with the IPv4 or IPv6 header, no synthetic Ethernet),
 * nanosecond timestamps from the simulated clock (t = 0 is the Unix epoch; picoseconds are
 * truncated). A frame holds the packet's stored bytes (every header and any real payload);
 * its virtual payload counts in the original length only, as in a capture cut by a snaplen,
 * so Wireshark shows the true lengths and marks nothing as malformed. Packets are written
 * when the node hands them to the link (before the link's queue, so packets the queue drops
 * appear) and when the link delivers them. Off, an interface costs one NULL test per packet.
 */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>

#include "models/net/node_impl.h"
#include "sim/pcap.h"

struct net_capture {
    struct pcapio_writer *w;
    char path[1024];
};

int net_capture_open(struct net_if *ifc, const char *dir, const char *node_name, char *err,
                     size_t errlen)
{
    struct net_capture *c = calloc(1, sizeof *c);
    if (!c) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (ifc->name)
        snprintf(c->path, sizeof c->path, "%s/%s-%s.pcap", dir, node_name, ifc->name);
    else
        snprintf(c->path, sizeof c->path, "%s/%s-if%u.pcap", dir, node_name, ifc->index);
    if (pcapio_open_write(c->path, DLT_RAW, 65535, &c->w, err, errlen) < 0) {
        free(c);
        return -1;
    }
    ifc->capture = c;
    ifc->node->ifown[ifc->index].capture = c;
    return 0;
}

void net_capture_packet(struct net_capture *c, sim_time_t now, const struct packet *p)
{
    pcapio_write(c->w, now / 1000, pkt_cdata(p), (uint32_t)pkt_len(p),
                 (uint32_t)pkt_wire_len(p));
}

void net_capture_close(struct net_capture *c)
{
    if (!c)
        return;
    char err[512];
    if (pcapio_close_write(c->w, err, sizeof err) < 0)
        fprintf(stderr, "capture %s: %s\n", c->path, err);
    free(c);
}
