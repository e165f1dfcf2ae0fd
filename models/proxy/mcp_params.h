/* mcp_params.h - the datapath's parameters in mcpsim's typed parameter system.
 *
 * models/mcp/ cannot include sim/registry.h (DESIGN.md section 3), so its configuration
 * (struct mcp_config, nanoseconds and raw addresses) is filled from this table, whose fields
 * have the registry's types (sim_time_t, strings with addresses, choices). One table serves
 * `mcpsim replay --set mcp.NAME=VALUE`, scenario files and `mcpsim help`.
 */
#ifndef MCPSIM_PROXY_MCP_PARAMS_H
#define MCPSIM_PROXY_MCP_PARAMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "models/mcp/mcp.h"
#include "sim/registry.h"
#include "sim/units.h"

struct mcp_params {
    int role, signal, steer, flag_bit, no_space, carry, addr_mode, cache;
    bool convert_plain, cookies, network_side_requests, srh_reduced, convert_cookie;
    uint64_t prefer_proxy_len, subtype_base, convert_ie_type;
    char dmcp4[PARAM_STRING_MAX], dmcp6[PARAM_STRING_MAX];
    char umcp4[PARAM_STRING_MAX], umcp6[PARAM_STRING_MAX];
    char pool4[PARAM_STRING_MAX], pool6[PARAM_STRING_MAX];
    uint64_t pool_port_min, pool_port_max;
    uint64_t flow_capacity, halfopen_max;
    sim_time_t timeout_syn, timeout_est, timeout_closing;
    uint64_t cache_entries, cache_ways;
    sim_time_t cache_ttl, cookie_period, convert_cookie_ttl, convert_refuse;
    char convert_allow[PARAM_STRING_MAX];
    uint64_t pending_per_client, error_rate, error_burst, backoff_s, mtu, seed;
};

extern const struct param_def mcp_param_defs[];
extern const size_t mcp_param_count;

/* Fills every default. */
void mcp_params_defaults(struct mcp_params *p);
/* Applies "NAME=VALUE" (NAME with or without the "mcp." prefix); -1 with a message naming
 * the parameter and what was expected. */
int mcp_params_set(struct mcp_params *p, const char *assignment, char *err, size_t errlen);
/* Converts to the datapath's configuration; -1 when an address does not parse. */
int mcp_params_to_config(const struct mcp_params *p, struct mcp_config *c, char *err,
                         size_t errlen);
/* Prints the table (name, type, default, help) for --help. */
void mcp_params_print(FILE *f);

#endif
