/* replay_mcp.h - the uMCP/dMCP roles of `mcpsim replay` (cmd/replay_mcp.c). */
#ifndef MCPSIM_CMD_REPLAY_MCP_H
#define MCPSIM_CMD_REPLAY_MCP_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "models/mcp/mcp_platform.h"
#include "models/wire/packet.h"

/* Which side a captured packet arrived from: the source endpoint of every SYN (without ACK)
 * is a client; packets from a client endpoint, or IP-in-IP packets (from the uMCP), come
 * from the customer side, all others from the network side. */
#define REPLAY_SIDE_CLIENTS 65536
struct replay_sides {
    struct {
        uint8_t addr[16];
        uint16_t port;
        uint8_t used;
    } clients[REPLAY_SIDE_CLIENTS];
};
enum mcp_side replay_side_of(struct replay_sides *s, const uint8_t *ip, size_t len);

/* Options of `mcpsim replay` that a role may use. */
struct replay_args {
    const char **sets;     /* "mcp.NAME=VALUE" strings */
    int nsets;
    const char *decisions; /* decisions CSV path, or NULL */
};

enum { REPLAY_MCP_PASS = 0, REPLAY_MCP_DROP = 1 };

/* role: 0 umcp, 1 dmcp. NULL with a message in err on a bad parameter. */
void *replay_mcp_create(const struct replay_args *a, int role, char *err, size_t errlen);
/* Runs one IP packet (ip, len: its captured bytes) through the datapath; on a rewrite the
 * model *pkt is replaced by the datapath's output. */
int replay_mcp_packet(void *state, struct wire_pkt *pkt, const uint8_t *ip, size_t len,
                      uint64_t frame, int64_t ts_ns);
void replay_mcp_finish(void *state, FILE *f);
void replay_mcp_destroy(void *state);

#endif
