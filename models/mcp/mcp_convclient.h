/* mcp_convclient.h - what a uMCP acting as RFC 8803 Convert client remembers per client
 * address about its Transport Converter (the dMCP): the Cookie the converter handed out in a
 * "Missing Cookie" error (RFC 8803 6.2.7: the client caches it and puts it in a Cookie TLV on
 * its next Convert SYNs), and a "Not Authorized" refusal (error 32, a client-side error: the
 * converter will not serve this client, so its new connections go end-to-end for a while).
 *
 * Keyed by the client's address only: the uMCP talks to one converter, and the converter
 * binds its cookie to the client address the converter sees (the phone's, since `rewrite`
 * keeps the source). A direct-mapped array of fixed size: constant memory whatever the number
 * of clients; a collision overwrites the older client (it then pays one more first contact).
 * Cookies longer than MCP_CONVCLIENT_COOKIE_MAX bytes are not kept.
 */
#ifndef MCPSIM_MCP_CONVCLIENT_H
#define MCPSIM_MCP_CONVCLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "models/mcp/mcp_platform.h"

#define MCP_CONVCLIENT_COOKIE_MAX 16 /* TFO cookies are 4..16 bytes (RFC 7413 4.1.1) */

struct mcp_convclient_config {
    uint32_t entries;      /* slots (>= 1) */
    mcp_ns_t refuse_ns;    /* how long a Not Authorized keeps a client end-to-end */
    uint64_t hash_secret;
};

struct mcp_convclient;

int mcp_convclient_create(const struct mcp_convclient_config *cfg, struct mcp_convclient **out,
                          char *err, size_t errlen);
void mcp_convclient_destroy(struct mcp_convclient *c);

/* Stores the cookie for a client (replacing any); -EINVAL when len is 0 or too long. */
int mcp_convclient_put_cookie(struct mcp_convclient *c, uint8_t family, const uint8_t addr[16],
                              const uint8_t *cookie, size_t len);
/* The client's cookie: its length (copied to out, MCP_CONVCLIENT_COOKIE_MAX bytes), 0 if none. */
size_t mcp_convclient_cookie(const struct mcp_convclient *c, uint8_t family,
                             const uint8_t addr[16], uint8_t out[MCP_CONVCLIENT_COOKIE_MAX]);
/* Not Authorized received for the client: refused until now + refuse_ns; the cookie is
 * forgotten (it was not good enough). */
void mcp_convclient_refuse(struct mcp_convclient *c, uint8_t family, const uint8_t addr[16],
                           mcp_ns_t now);
bool mcp_convclient_refused(const struct mcp_convclient *c, uint8_t family,
                            const uint8_t addr[16], mcp_ns_t now);

size_t mcp_convclient_bytes(const struct mcp_convclient *c);

#endif
