/* pcap.h - reading and writing capture files with libpcap, down to the IP datagram.
 *
 * The reader opens classic pcap (and, through libpcap, pcapng) files with microsecond or
 * nanosecond timestamps and always reports nanoseconds. It finds the IP datagram inside each
 * frame for the link types a proxy engineer meets: Ethernet (with up to two 802.1Q/802.1ad
 * VLAN tags), raw IP (DLT_RAW, LINKTYPE_IPV4, LINKTYPE_IPV6) and Linux cooked captures (SLL,
 * SLL2). A frame cut by the capture's snaplen is returned as it is: caplen < wirelen, and the
 * decoder treats the missing bytes as virtual payload. Errors name the file and the frame
 * ("a.pcap: frame 12: truncated dump file ..."), ready to print.
 * The writer always writes nanosecond timestamps (pcap_open_dead_with_tstamp_precision).
 * This file knows link layers, not IP: models/wire decodes what starts at l3_off.
 */
#ifndef MCPSIM_SIM_PCAP_H
#define MCPSIM_SIM_PCAP_H

#include <stddef.h>
#include <stdint.h>

struct pcapio_reader;
struct pcapio_writer;

struct pcapio_frame {
    uint64_t number;     /* 1-based, as Wireshark's frame.number */
    int64_t ts_ns;       /* nanoseconds since the Unix epoch */
    uint32_t caplen;     /* bytes present in data */
    uint32_t wirelen;    /* bytes the frame had on the wire */
    const uint8_t *data; /* valid until the next pcapio_read */
    uint32_t l3_off;     /* where the IP datagram starts (when l3_family != 0) */
    uint8_t l3_family;   /* 4, 6, or 0 when the frame carries no IP (ARP, LLDP, ...) */
};

/* Opens path for reading; on failure returns -1 with "cannot open PATH: reason" in err. */
int pcapio_open_read(const char *path, struct pcapio_reader **r, char *err, size_t errlen);

/* Reads the next frame: 1 with *f filled, 0 at the end of the file, -1 on a damaged or
 * unreadable frame with "PATH: frame N: reason" in err. A link type this reader does not
 * understand is reported at open time. */
int pcapio_read(struct pcapio_reader *r, struct pcapio_frame *f, char *err, size_t errlen);

/* The file's link type (a DLT_ value) and snapshot length, for writing a similar file. */
int pcapio_linktype(const struct pcapio_reader *r);
uint32_t pcapio_snaplen(const struct pcapio_reader *r);
void pcapio_close_read(struct pcapio_reader *r);

/* Opens path for writing with nanosecond timestamps. -1 and a message on failure. */
int pcapio_open_write(const char *path, int linktype, uint32_t snaplen, struct pcapio_writer **w,
                      char *err, size_t errlen);
/* Writes one frame of caplen bytes that had wirelen bytes on the wire. */
int pcapio_write(struct pcapio_writer *w, int64_t ts_ns, const uint8_t *data, uint32_t caplen,
                 uint32_t wirelen);
/* Flushes and closes; -1 with a message if the data could not be written. */
int pcapio_close_write(struct pcapio_writer *w, char *err, size_t errlen);

/* Finds the IP datagram in a frame of this link type: sets *off and returns 4, 6 or 0. */
int pcapio_find_l3(int linktype, const uint8_t *data, uint32_t caplen, uint32_t *off);

#endif
