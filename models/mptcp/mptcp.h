/* mptcp.h - a node's Multipath TCP (RFC 8684, and RFC 6824 v0 handshakes): the stack, its
 * configuration (the "mptcp" model's parameter table, `mcpsim help mptcp`) and the calls
 * that open MPTCP sockets. An MPTCP socket is a struct sock (models/sock/sock.h): the
 * application uses sock_send/sock_read/... as on TCP, and the connection spreads the data
 * over TCP subflows of the node's TCP stack, reached through TCP's upper-layer hook
 * (models/tcp/tcp_ulp.h) the way Linux's net/mptcp sits on tcp_ulp_ops.
 *
 * Not modelled: the userspace path manager (netlink), TCP Fast Open with MPTCP, the
 * MPTCP-level keepalive, MP_CAPABLE "C" flag handling beyond recording it.
 */
#ifndef MCPSIM_MPTCP_MPTCP_H
#define MCPSIM_MPTCP_MPTCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "models/sock/sock.h"
#include "sim/registry.h"
#include "sim/units.h"

struct tcp_stack;

/* The parameter table's struct (mptcp_model.c is the single source of the defaults). */
struct mptcp_config {
    uint64_t version;             /* 1 (RFC 8684) or 0 (RFC 6824) */
    bool checksum;                /* ask for DSS checksums (MP_CAPABLE A bit) */
    char scheduler[PARAM_STRING_MAX];    /* mptcp_sched.c: default|roundrobin|redundant|minrtt */
    char path_manager[PARAM_STRING_MAX]; /* mptcp_pm.c: kernel|fullmesh|ndiffports */
    uint64_t subflows_max;        /* Linux `ip mptcp limits` subflows (default 2) */
    uint64_t add_addr_accepted_max; /* Linux add_addr_accepted (default 0) */
    uint64_t ndiffports;          /* subflows the ndiffports manager opens in total */
    struct param_list endpoints;  /* "ADDR[ subflow][ signal][ backup][ fullmesh]" */
    uint64_t syn_retries_before_fallback; /* Linux syn_retrans_before_tcp_fallback; 0 = off */
    sim_time_t blackhole_timeout; /* Linux blackhole_timeout: MPTCP off after MPC SYN drops */
    sim_time_t add_addr_timeout;  /* ADD_ADDR retransmission (Linux add_addr_timeout) */
    bool syncookies;              /* MPTCP through SYN cookies (Linux since 5.9) */
    bytes_t mapping_max;          /* largest DSS mapping the sender builds */
};

void mptcp_config_default(struct mptcp_config *cfg);
/* 0, or -1 with a message naming the parameter and what was expected. */
int mptcp_config_check(const struct mptcp_config *cfg, char *err, size_t errlen);
/* Frees what the config's list fields own (endpoints). */
void mptcp_config_free(struct mptcp_config *cfg);

/* Stack-wide counters, named after Linux's MPTCP MIB (nstat MPTcpExt*). */
struct mptcp_stack_stats {
    uint64_t mpc_syn_tx, mpc_syn_rx, mpc_synack_rx, mpc_ack_rx;
    uint64_t mpc_fallback_synack;   /* MPCapableFallbackSYNACK: SYN/ACK without MPC */
    uint64_t mpc_fallback_ack;      /* MPCapableFallbackACK: third ACK / data without MPC */
    uint64_t mpc_syn_plain;         /* MPC SYNs ignored (bad flags, version) */
    uint64_t mpc_blackhole;         /* MPTCP disabled after MPC SYN timeouts */
    uint64_t token_fallback;        /* TokenFallbackInit: no unique token after retries */
    uint64_t join_syn_rx, join_syn_ack_rx, join_ack_rx;
    uint64_t join_no_token, join_bad_hmac;
    uint64_t add_addr_tx, add_addr_rx, echo_add_addr_rx, add_addr_bad_hmac, add_addr_drop;
    uint64_t rm_addr_rx, mp_prio_rx;
    uint64_t dss_no_mapping, infinite_map_rx, infinite_map_tx, mp_fail_rx, mp_fail_tx;
    uint64_t csum_fail;             /* DataCsumErr: mappings whose DSS checksum failed */
    uint64_t no_dack_fallback;      /* our data ACKed with no MPTCP option: fell back / reset */
    uint64_t fastclose_rx, fastclose_tx, tcprst_rx, tcprst_tx;
    uint64_t bad_opts;              /* malformed MPTCP options ignored */
    uint64_t dup_data;              /* data-level duplicates (reinjection or redundant) */
    uint64_t reinjected;            /* bytes reinjected */
    uint64_t conns_live, conns_peak, conn_bytes, conn_bytes_peak;
};

/* Why a connection fell back to plain TCP (sock_info.fallback_reason, the scalar
 * mptcp_fallback_reason; RFC 8684 section 3.7 and Linux's MIB counters of the same cases). */
enum mptcp_fallback_reason {
    MPTCP_FB_NONE = 0,
    MPTCP_FB_DISABLED = 1,       /* active MPTCP off after a blackhole, or no unique token */
    MPTCP_FB_SYN_BLACKHOLE = 2,  /* MPC SYNs lost: the next SYN went out plain */
    MPTCP_FB_SYNACK = 3,         /* SYN/ACK without (a valid) MP_CAPABLE */
    MPTCP_FB_PLAIN_SYN = 4,      /* server: a plain SYN to the MPTCP listener */
    MPTCP_FB_ACK = 5,            /* server: third ACK / first data without MP_CAPABLE or DSS */
    MPTCP_FB_DATA_NO_DSS = 6,    /* client: the server's first data without DSS */
    MPTCP_FB_NO_MAPPING = 7,     /* data without a mapping on the only subflow */
    MPTCP_FB_INFINITE_MAP = 8,   /* an infinite mapping received */
    MPTCP_FB_NO_DATA_ACK = 9,    /* data ACKed with no DSS data ACK (options stripped) */
    MPTCP_FB_CHECKSUM = 10,      /* a DSS checksum failed on the only subflow (MP_FAIL) */
};
/* "none", "disabled", "syn_blackhole", ... (the enum's names in lower case). */
const char *mptcp_fallback_reason_name(unsigned reason);

struct mptcp_stack;

/* The node's MPTCP over its TCP stack `tcp`: keys and nonces come from the random stream
 * `rng_name` of (seed, run). The config is copied (endpoints parsed). 0 or -1 with err. */
int mptcp_stack_new(struct tcp_stack *tcp, const struct mptcp_config *cfg, uint64_t seed,
                    uint64_t run, const char *rng_name, struct mptcp_stack **out, char *err,
                    size_t errlen);
/* Frees every connection and listener without sending anything. */
void mptcp_stack_free(struct mptcp_stack *st);
void mptcp_stack_get_stats(const struct mptcp_stack *st, struct mptcp_stack_stats *out);

/* Opens an MPTCP connection (its first subflow sends an MP_CAPABLE SYN). */
int mptcp_connect(struct mptcp_stack *st, const struct sock_connect_args *a,
                  const struct sock_callbacks *cb, void *ctx, struct sock **out);
/* Listens: MP_CAPABLE SYNs become MPTCP connections, plain SYNs fallen-back MPTCP sockets
 * (as a Linux IPPROTO_MPTCP listener does), MP_JOIN SYNs subflows of their connection. */
int mptcp_listen(struct mptcp_stack *st, const struct sock_listen_args *a,
                 const struct sock_listener_callbacks *cb, void *ctx,
                 struct sock_listener **out);

/* For tests: the next key the stack draws (a client's or a server's) is `key`. */
void mptcp_stack_set_next_key(struct mptcp_stack *st, uint64_t key);
/* Bytes of an idle MPTCP connection's own state without its subflows' TCP blocks, and of
 * one subflow's MPTCP context (add tcp_conn_idle_bytes() per subflow for the total). */
size_t mptcp_conn_idle_bytes(void);
size_t mptcp_subflow_idle_bytes(void);

#endif
