/* mptcp_seq.h - the per-subflow event sequences of a capture, in a canonical text form.
 *
 * Groups TCP packets into subflows (the 4-tuple, both directions; a SYN with a new initial
 * sequence number on a known 4-tuple starts a new subflow), links MP_JOIN subflows to their
 * MPTCP connection by token, and writes each subflow's events, one line per event:
 *
 *     DIR FLAGS [data] [OPTION ...]
 *
 *   DIR     ">" initiator to responder (the initiator sent the first SYN, or, without a SYN
 *           in the capture, the first packet), "<" the reverse
 *   FLAGS   S, F, R, A in that order ("SA", "FA", "RA", "A"; "-" for none). PSH, URG and the
 *           ECN bits are left out: they differ between stacks without changing the protocol.
 *   data    the segment carries payload
 *   OPTION  each MPTCP option in wire order, salient fields only (never keys, tokens, HMACs,
 *           sequence numbers):
 *             MPC(v1,f01,k0[,dl][,cs])  MP_CAPABLE: version, flag byte, key count, data-level
 *                                       length and checksum present
 *             JOIN(syn,b0,id1) JOIN(synack,b0,id0) JOIN(ack)
 *             DSS(AaMmF[,inf][,cs])     DSS flags present (A, a = 8-byte ack, M, m = 8-byte
 *                                       DSN, F = DATA_FIN), infinite mapping, checksum
 *             ADD_ADDR(v4,id1,hmac|echo[,port])   (ADD_ADDR0(...) in the v0 layout)
 *             RM_ADDR(1,2) PRIO(b1) FAIL FASTCLOSE TCPRST(r1[,T][,U][,V][,W])
 *             SUB(0xe) EXP              unassigned subtype, MP_EXPERIMENTAL
 *             BAD(0x2)                  malformed option of that subtype (counted)
 *
 * Modes (what the lines are):
 *   MSEQ_PACKETS   every packet; a run of identical consecutive lines is one line "... x12"
 *   MSEQ_CONTROL   the canonical form for comparing implementations. A packet is *ordinary*
 *                  when it has no SYN, FIN or RST and its only MPTCP options are DSS without F:
 *                  data segments and pure ACKs. Each maximal run of ordinary packets becomes
 *                  one line "[data >]", "[data <]", "[data <>]" (the directions that carried
 *                  payload) or "[acks]"; every other packet is a control event, printed
 *                  exactly, except that a control event equal to the previous control event
 *                  with only ordinary packets in between is a repeat: it is dropped and the
 *                  runs around it merge. (Segment counts, Linux's DATA_FIN flag on every
 *                  segment of the last mapping, RSTs answering each late segment and both
 *                  sides of a router in one capture differ between runs; the order of
 *                  distinct events does not.)
 *   MSEQ_SKELETON  as CONTROL without the ordinary runs: the control events alone
 *
 * Packets of several files (one per interface) may be added to one set; every subflow's
 * packets are ordered by timestamp (stable), and subflows by their first packet. Do not add
 * two captures of the same packets (both ends of a link): each would appear twice.
 * Not modelled: UDP and other transports (ignored), IP fragments after the first.
 */
#ifndef MCPSIM_CMD_MPTCP_SEQ_H
#define MCPSIM_CMD_MPTCP_SEQ_H

#include <stddef.h>
#include <stdint.h>

enum mseq_mode { MSEQ_PACKETS, MSEQ_CONTROL, MSEQ_SKELETON };

/* What a subflow began with: its first SYN's MPTCP option, or none seen. */
enum mseq_kind { MSEQ_KIND_NOSYN, MSEQ_KIND_TCP, MSEQ_KIND_MPC, MSEQ_KIND_JOIN };

struct mseq_subflow {
    uint8_t family;               /* 4 or 6 */
    uint8_t ini_addr[16], rsp_addr[16]; /* initiator / responder, network order (4 or 16 B) */
    uint16_t ini_port, rsp_port;
    enum mseq_kind kind;
    int conn;                     /* MPTCP connection number (1-based, order of first MPC
                                     subflow), 0 when not MPTCP or the token matched none */
    int64_t first_ns, last_ns;
    uint64_t packets[2];          /* [0] initiator->responder, [1] responder->initiator */
    uint64_t payload[2];          /* TCP payload bytes (tcp.len), same directions */
};

struct mseq;

struct mseq *mseq_new(void);
void mseq_free(struct mseq *m);

/* Adds one IP datagram (captured bytes; the payload may be cut by a snaplen). Returns 0 when
 * it was a TCP segment and is now in a subflow, 1 when it is not TCP (ignored), -1 when the
 * headers did not decode (counted in mseq_bad_packets), -2 when memory ran out. */
int mseq_add_ip(struct mseq *m, int64_t ts_ns, const uint8_t *ip, size_t caplen);

/* Adds every frame of a capture file. 0, or -1 with "PATH: ..." in err. */
int mseq_add_pcap(struct mseq *m, const char *path, char *err, size_t errlen);

size_t mseq_count(struct mseq *m);
/* Subflow i (0-based, ordered by first packet), or NULL. */
const struct mseq_subflow *mseq_subflow(struct mseq *m, size_t i);
/* Packets whose IP/TCP headers did not decode, and MPTCP options that did not parse. */
uint64_t mseq_bad_packets(const struct mseq *m);
uint64_t mseq_bad_options(const struct mseq *m);

/* The events of subflow i in this mode, one line each, '\n'-terminated; malloc'd (the caller
 * frees), NULL when i is out of range or memory ran out. */
char *mseq_events(struct mseq *m, size_t i, enum mseq_mode mode);

/* The whole capture as one canonical document: for each subflow a line
 * "subflow N INI_ADDR > RSP_ADDR KIND conn C" (kind mpc, join, tcp or nosyn; no ports, no
 * times: they differ between runs) followed by its events. malloc'd, NULL on no memory. */
char *mseq_document(struct mseq *m, enum mseq_mode mode);

/* Convenience for tests: the document of the capture files paths[0..n) (NULL on error,
 * with the message in err). */
char *mseq_document_of(const char *const *paths, size_t n, enum mseq_mode mode, char *err,
                       size_t errlen);

/* Parses "packets", "control" or "skeleton"; -1 if none. */
int mseq_mode_parse(const char *s);

#endif
