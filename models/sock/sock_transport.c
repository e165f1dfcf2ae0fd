/* sock_transport.c - the transport registry (sock_transport.h): a fixed table, filled by
 * constructors before main() and only read afterwards. */
#include "models/sock/sock_transport.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct sock_transport_def *transports[SOCK_TRANSPORT_MAX];
static size_t ntransports;

void sock_transport_register(const struct sock_transport_def *def)
{
    if (sock_transport_find(def->name) || ntransports == SOCK_TRANSPORT_MAX) {
        fprintf(stderr, "mcpsim: transport \"%s\" registered twice or more than %d "
                "transports (a bug)\n", def->name, SOCK_TRANSPORT_MAX);
        abort();
    }
    /* Kept in name order, so listings and messages do not depend on link order. */
    size_t i = ntransports++;
    while (i > 0 && strcmp(transports[i - 1]->name, def->name) > 0) {
        transports[i] = transports[i - 1];
        i--;
    }
    transports[i] = def;
}

const struct sock_transport_def *sock_transport_find(const char *name)
{
    for (size_t i = 0; i < ntransports; i++)
        if (strcmp(transports[i]->name, name) == 0)
            return transports[i];
    return NULL;
}

size_t sock_transport_list(const struct sock_transport_def **out, size_t max)
{
    for (size_t i = 0; i < ntransports && i < max; i++)
        out[i] = transports[i];
    return ntransports;
}
