/* sock_transport.h - the registry of transports: what a transport tells the host stack so
 * that applications reach it by name (`protocol: tcp|mptcp`), as Linux applications pick
 * IPPROTO_TCP or IPPROTO_MPTCP in socket() and never see the stack behind it.
 *
 * A transport (models/host/host_tcp.c for TCP, models/mptcp for MPTCP) describes itself once
 * with a const struct sock_transport_def and registers it from a constructor with
 * SOCK_TRANSPORT_REGISTER(def), as models register with MODEL_REGISTER. The host stack of a
 * node (models/host/host.h) builds one instance of a transport per node, with create(), the
 * first time a socket of that transport is asked for, and destroys it when the world ends.
 * The registry is a fixed table filled before main() and only read afterwards: lookups are
 * a scan of a few entries (lookups happen when scenarios are built, never per packet).
 *
 * Per-node settings: a transport with settings names a registered model (sim/registry.h)
 * whose parameter table lists them (`settings_model`, "tcp" for TCP): the host fills one
 * config struct of that model per node from the table's defaults and the applications'
 * values (docs/sockets.md, "Per-node settings"), and create() finds it in env->settings.
 * `mcpsim help MODEL` documents them with no extra code.
 *
 * This header depends on models/sock/sock.h only; struct host_env is models/host's.
 */
#ifndef MCPSIM_SOCK_SOCK_TRANSPORT_H
#define MCPSIM_SOCK_SOCK_TRANSPORT_H

#include <stddef.h>

#include "models/sock/sock.h"

struct host_env;

struct sock_transport_def {
    const char *name;           /* "tcp", "mptcp": the value of an application's `protocol` */
    const char *help;           /* one line */
    /* Kind of the registered model whose parameter table (and config struct) holds the
     * transport's per-node settings; NULL = the transport takes none. */
    const char *settings_model;
    /* Optional: checks a node's settings as a whole once an application added its values
     * (cross-field rules the table cannot express); 0, or -1 with a message. */
    int (*check_settings)(const void *settings, char *err, size_t errlen);
    /* Optional: checks a per-socket option (sock_set_opt name and value, e.g. "cc") when the
     * scenario is built, so a bad value is refused before the run; 0, or -1 with a message. */
    int (*check_opt)(const char *name, const char *value, char *err, size_t errlen);
    /* Builds the node's instance (*tp) from env, which stays valid until destroy(); 0, or -1
     * with a message. */
    int (*create)(const struct host_env *env, void **tp, char *err, size_t errlen);
    /* Frees the instance and every socket and listener it still has, sending nothing. */
    void (*destroy)(void *tp);
    struct sock_transport_ops ops;
    /* Optional world-wide counters: add_stats adds the instance's counters to *sum, a
     * struct of stats_size bytes (host_sum_stats). */
    size_t stats_size;
    void (*add_stats)(void *tp, void *sum);
};

/* Adds a transport; called from a constructor. A second transport of the same name, or more
 * than SOCK_TRANSPORT_MAX of them, is a bug: the program stops with a message. */
#define SOCK_TRANSPORT_MAX 16
void sock_transport_register(const struct sock_transport_def *def);

/* The transport of that name; NULL when none is registered. */
const struct sock_transport_def *sock_transport_find(const char *name);

/* Registered transports in name order; returns the count, fills at most max entries. */
size_t sock_transport_list(const struct sock_transport_def **out, size_t max);

#define SOCK_TRANSPORT_REGISTER(def)                                          \
    __attribute__((constructor)) static void sock_transport_register_##def(void) \
    {                                                                         \
        sock_transport_register(&def);                                        \
    }

#endif
