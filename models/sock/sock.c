/* sock.c - what the transport-neutral socket interface needs beyond its inline dispatchers:
 * the text of its error codes. */
#include "models/sock/sock.h"

const char *sock_strerror(int err)
{
    switch (err) {
    case 0: return "success";
    case SOCK_ERR_REFUSED: return "connection refused";
    case SOCK_ERR_RESET: return "connection reset";
    case SOCK_ERR_TIMEOUT: return "connection timed out";
    case SOCK_ERR_STATE: return "not valid in this connection state";
    case SOCK_ERR_ARG: return "invalid argument";
    case SOCK_ERR_NOMEM: return "out of memory";
    case SOCK_ERR_NOPORT: return "no free local port";
    case SOCK_ERR_NOTRANSPORT: return "no such transport on this node";
    default: return "unknown error";
    }
}
