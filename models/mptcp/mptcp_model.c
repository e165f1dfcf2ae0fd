/* mptcp_model.c - the "mptcp" model: the parameter table of a node's MPTCP.
 *
 * Defaults follow a current Linux kernel (net/mptcp/ctrl.c sysctls, pm_kernel.c limits):
 * version 1, checksums off (checksum_enabled 0), the "default" scheduler and the in-kernel
 * path manager, `ip mptcp limits` subflows 2 and add_addr_accepted 0, no endpoints,
 * syn_retrans_before_tcp_fallback 2 and blackhole_timeout 3600 s, add_addr_timeout 120 s.
 * With add_addr_accepted 0 a Linux client ignores every ADD_ADDR: the kernel twin
 * (testdata l-twin) raises both limits, and so must a scenario that wants the same paths.
 * Like the tcp model, create() only validates and copies: the node that owns the TCP stack
 * builds the MPTCP stack from the copy (mptcp_stack_new).
 */
#include <assert.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/mptcp/mptcp_int.h"

#define F(field) offsetof(struct mptcp_config, field)

static const struct param_def mptcp_params[] = {
    { "version", PARAM_UINT, F(version), "1",
      "MP_CAPABLE version: 1 (RFC 8684, 4-byte SYN, SHA-256) or 0 (RFC 6824, key in the SYN, "
      "SHA-1)", NULL, 0, 1 },
    { "checksum", PARAM_BOOL, F(checksum), "false",
      "ask for DSS checksums (MP_CAPABLE A bit; Linux checksum_enabled 0)", NULL, 0, 0 },
    { "scheduler", PARAM_STRING, F(scheduler), "default",
      "packet scheduler: default (Linux: least queued relative to cwnd/srtt, backups last), "
      "roundrobin, redundant, minrtt", NULL, 0, 0 },
    { "path_manager", PARAM_STRING, F(path_manager), "kernel",
      "path manager: kernel (Linux in-kernel, endpoints and limits), fullmesh (every local "
      "endpoint to every known peer address), ndiffports (n subflows over the first path)",
      NULL, 0, 0 },
    { "subflows", PARAM_UINT, F(subflows_max), "2",
      "extra subflows per connection (Linux `ip mptcp limits subflows`, default 2, max 8)",
      NULL, 0, 8 },
    { "add_addr_accepted", PARAM_UINT, F(add_addr_accepted_max), "0",
      "ADD_ADDRs a client acts upon (Linux `ip mptcp limits add_addr_accepted`, default 0)",
      NULL, 0, 8 },
    { "ndiffports", PARAM_UINT, F(ndiffports), "2",
      "ndiffports path manager: subflows in total over the first path", NULL, 1, 8 },
    { "endpoints", PARAM_LIST, F(endpoints), "",
      "local endpoints, \"ADDR[ subflow][ signal][ backup][ fullmesh]\" (Linux `ip mptcp "
      "endpoint add`); ids 1.. in list order", NULL, 0, 0 },
    { "syn_retries_before_fallback", PARAM_UINT, F(syn_retries_before_fallback), "2",
      "MP_CAPABLE SYN retransmissions after which the SYN goes out without MPTCP and MPTCP "
      "is disabled for blackhole_timeout (Linux ctrl.c); 0 = never", NULL, 0, 30 },
    { "blackhole_timeout", PARAM_TIME, F(blackhole_timeout), "3600s",
      "how long active MPTCP stays off after a blackhole (Linux; 0 = no blackhole detection)",
      NULL, 0, 0 },
    { "add_addr_timeout", PARAM_TIME, F(add_addr_timeout), "120s",
      "ADD_ADDR retransmission period until echoed (Linux add_addr_timeout)", NULL, 1e9, PARAM_TIME_MAX },
    { "syncookies", PARAM_BOOL, F(syncookies), "true",
      "MPTCP through SYN cookies: the server key is derived statelessly and the third ACK "
      "brings both keys back (Linux mptcp_subflow_init_cookie_req); false = plain TCP",
      NULL, 0, 0 },
    { "mapping_max", PARAM_SIZE, F(mapping_max), "16KiB",
      "largest DSS mapping (Linux maps one skb: 16 KiB and more in the captures)", NULL, 64,
      65535 },
};

#define NPARAMS (sizeof mptcp_params / sizeof mptcp_params[0])

int mptcp_config_check(const struct mptcp_config *cfg, char *err, size_t errlen)
{
    if (cfg->version > 1) {
        snprintf(err, errlen, "mptcp: version %llu; expected 0 or 1",
                 (unsigned long long)cfg->version);
        return -1;
    }
    if (!mptcp_sched_find(cfg->scheduler)) {
        snprintf(err, errlen, "mptcp: scheduler \"%s\"; expected one of %s", cfg->scheduler,
                 mptcp_sched_names());
        return -1;
    }
    if (!mptcp_pm_find(cfg->path_manager)) {
        snprintf(err, errlen, "mptcp: path_manager \"%s\"; expected one of %s",
                 cfg->path_manager, mptcp_pm_names());
        return -1;
    }
    if (cfg->subflows_max > MPTCP_SUBFLOWS_MAX - 1 || cfg->add_addr_accepted_max > 8) {
        snprintf(err, errlen, "mptcp: subflows and add_addr_accepted must be <= 8");
        return -1;
    }
    if (cfg->mapping_max < 64 || cfg->mapping_max > 65535) {
        snprintf(err, errlen, "mptcp: mapping_max must be 64..65535 B (16-bit data length)");
        return -1;
    }
    if (cfg->endpoints.n > MPTCP_ENDPOINTS_MAX) {
        snprintf(err, errlen, "mptcp: at most %d endpoints (Linux MPTCP_PM_ADDR_MAX)",
                 MPTCP_ENDPOINTS_MAX);
        return -1;
    }
    struct mptcp_endpoint ep;
    for (size_t i = 0; i < cfg->endpoints.n; i++)
        if (mptcp_endpoint_parse(cfg->endpoints.items[i], &ep, err, errlen) < 0)
            return -1;
    return 0;
}

static const struct model_def mptcp_model;

static int mptcp_create(struct model_ctx *ctx, const char *name, const void *config,
                        void **out, char *err, size_t errlen)
{
    (void)ctx;
    (void)name;
    if (mptcp_config_check(config, err, errlen) < 0)
        return -1;
    struct mptcp_config *copy = calloc(1, sizeof *copy);
    if (!copy || mptcp_config_copy(copy, config) < 0) {
        free(copy);
        snprintf(err, errlen, "mptcp: out of memory");
        return -1;
    }
    *out = copy;
    return 0;
}

static const struct model_def mptcp_model = {
    .kind = "mptcp",
    .category = "transport",
    .help = "a node's Multipath TCP (RFC 8684; RFC 6824 handshakes): MP_CAPABLE and MP_JOIN "
            "handshakes, DSS mappings and data-level reassembly, the shared receive window, "
            "DATA_FIN, MP_FASTCLOSE, fallback to TCP, path managers (kernel, fullmesh, "
            "ndiffports) and schedulers (default, roundrobin, redundant, minrtt) as Linux "
            "net/mptcp does; see docs/models-mptcp.md",
    .params = mptcp_params,
    .nparams = NPARAMS,
    .config_size = sizeof(struct mptcp_config),
    .create = mptcp_create,
};
MODEL_REGISTER(mptcp_model)

void mptcp_config_default(struct mptcp_config *cfg)
{
    char err[256];
    int rc = param_defaults(&mptcp_model, cfg, err, sizeof err);
    assert(rc == 0 && "the mptcp parameter table has a malformed default");
    (void)rc;
}

void mptcp_config_free(struct mptcp_config *cfg) { param_free(&mptcp_model, cfg); }

int mptcp_config_copy(struct mptcp_config *dst, const struct mptcp_config *src)
{
    char err[128];
    *dst = *src;
    memset(&dst->endpoints, 0, sizeof dst->endpoints);
    return param_set_list(registry_param(&mptcp_model, "endpoints"), dst, src->endpoints.items,
                          src->endpoints.n, err, sizeof err);
}
