/* wire_err.c - descriptions of the wire error codes (wire_err.h). */
#include "models/wire/wire_err.h"

const char *wire_strerror(int code)
{
    static const char *const msg[WIRE_ERR_COUNT] = {
        "ok",
        "truncated: fewer bytes than the header announces",
        "bad IP version",
        "bad header length (IPv4 IHL or TCP data offset below 5 words)",
        "bad total/payload length",
        "option length 0/1 or past the end of the option area",
        "option does not fit in the option space",
        "bad source-route pointer",
        "option or extension header not present",
        "IPv6 extension header chain too long or too big",
        "malformed segment routing header",
        "source route exhausted",
        "this node is not the current hop of the source route",
        "output buffer too small",
        "not this protocol",
        "invalid argument",
        "non-first fragment: no transport header",
    };
    if (code > 0 || code <= -WIRE_ERR_COUNT)
        return "unknown wire error";
    return msg[-code];
}
