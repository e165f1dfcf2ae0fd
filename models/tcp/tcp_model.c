/* tcp_model.c - the "tcp" model: the parameter table of a node's TCP stack.
 *
 * The table is the single source of the stack's defaults (tcp_config_default() fills a
 * config from it) and of `mcpsim help tcp`. create() validates a filled configuration and
 * returns a copy of it: the node that owns the IP layer builds the stack with
 * tcp_stack_new() from that copy, since a stack needs the node's scheduler, packet pool and
 * IP interface, which the registry does not know about.
 */
#include <assert.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/tcp/tcp_cong.h"
#include "models/tcp/tcp_stack.h"

#define F(field) offsetof(struct tcp_config, field)

static const struct param_def tcp_params[] = {
    { "mss", PARAM_SIZE, F(mss), "1460B",
      "MSS advertised over IPv4 (IPv6: 20 B less); a full segment carries 12 B less with "
      "timestamps", NULL, 64, 65495 },
    { "cc", PARAM_STRING, F(cc), "newreno",
      "congestion control: newreno, reno, cubic (tcp_cong.h registry)", NULL, 0, 0 },
    { "rto_initial", PARAM_TIME, F(rto_initial), "1s",
      "RTO before the first RTT sample (RFC 6298 2.1)", NULL, 1e6, PARAM_TIME_MAX },
    { "rto_min", PARAM_TIME, F(rto_min), "200ms",
      "lower bound of the RTO (Linux 200ms; RFC 6298 2.4 says 1s)", NULL, 1e6, PARAM_TIME_MAX },
    { "rto_max", PARAM_TIME, F(rto_max), "120s",
      "upper bound of the backed-off RTO (Linux 120s)", NULL, 1e6, PARAM_TIME_MAX },
    { "syn_retries", PARAM_UINT, F(syn_retries), "6",
      "SYN retransmissions before failing (Linux)", NULL, 0, 30 },
    { "synack_retries", PARAM_UINT, F(synack_retries), "5",
      "SYN-ACK retransmissions before dropping a half-open connection (Linux)", NULL, 0, 30 },
    { "data_retries", PARAM_UINT, F(data_retries), "15",
      "RTO expiries without progress before failing (Linux tcp_retries2)", NULL, 1, 30 },
    { "delack", PARAM_BOOL, F(delack), "true",
      "delay ACKs (RFC 1122 4.2.3.2, RFC 5681 4.2)", NULL, 0, 0 },
    { "delack_timeout", PARAM_TIME, F(delack_timeout), "40ms",
      "delayed-ACK timer (Linux minimum 40ms; BSD 200ms; RFC limit 500ms)", NULL, 0, 0 },
    { "nagle", PARAM_BOOL, F(nagle), "true", "Nagle's algorithm (RFC 896)", NULL, 0, 0 },
    { "limited_transmit", PARAM_BOOL, F(limited_transmit), "true",
      "a new segment on each of the first two duplicate ACKs (RFC 3042)", NULL, 0, 0 },
    { "sack", PARAM_BOOL, F(sack), "true",
      "SACK blocks (RFC 2018) and SACK-based recovery (RFC 6675)", NULL, 0, 0 },
    { "prr", PARAM_BOOL, F(prr), "true",
      "proportional rate reduction during SACK recovery (RFC 6937; Linux, ns-3)", NULL, 0, 0 },
    { "hystart", PARAM_BOOL, F(hystart), "true",
      "CUBIC leaves slow start early on an ACK train or a rising RTT (HyStart, Linux "
      "tcp_cubic hystart=1 hystart_detect=3; ns-3 TcpCubic)", NULL, 0, 0 },
    { "timestamps", PARAM_BOOL, F(timestamps), "true",
      "timestamps and PAWS (RFC 7323)", NULL, 0, 0 },
    { "wscale", PARAM_BOOL, F(wscale), "true", "window scaling (RFC 7323)", NULL, 0, 0 },
    { "rcvbuf", PARAM_SIZE, F(rcvbuf), "256KiB",
      "receive buffer = largest receive window", NULL, 1, 1073741824.0 },
    { "sndbuf", PARAM_SIZE, F(sndbuf), "256KiB",
      "send buffer (unacknowledged + unsent bytes)", NULL, 1, 1073741824.0 },
    { "initial_cwnd", PARAM_UINT, F(initial_cwnd), "10",
      "initial window in segments (RFC 6928)", NULL, 1, 1000 },
    { "time_wait", PARAM_TIME, F(time_wait), "60s",
      "TIME-WAIT duration 2*MSL (Linux 60s; RFC 9293 MSL 2min gives 4min)", NULL, 0, 0 },
    { "syncookies", PARAM_BOOL, F(syncookies), "true",
      "SYN cookies when the SYN queue is full (RFC 4987)", NULL, 0, 0 },
    { "backlog", PARAM_UINT, F(backlog), "128",
      "accept-queue limit per listener (Linux somaxconn 4096)", NULL, 1, 1e9 },
    { "syn_backlog", PARAM_UINT, F(syn_backlog), "256",
      "SYN-queue limit per listener (Linux tcp_max_syn_backlog)", NULL, 1, 1e9 },
};

#define NPARAMS (sizeof tcp_params / sizeof tcp_params[0])

int tcp_config_check(const struct tcp_config *cfg, char *err, size_t errlen)
{
    if (!tcp_cong_find(cfg->cc)) {
        snprintf(err, errlen,
                 "tcp: cc \"%s\" is not a known congestion control; expected one of %s",
                 cfg->cc, tcp_cong_names());
        return -1;
    }
    if (cfg->mss < 64 || cfg->mss > 65495) {
        snprintf(err, errlen, "tcp: mss %llu B is outside 64..65495 B",
                 (unsigned long long)cfg->mss);
        return -1;
    }
    if (cfg->rto_min <= 0 || cfg->rto_initial < cfg->rto_min || cfg->rto_max < cfg->rto_initial) {
        snprintf(err, errlen, "tcp: expected 0 < rto_min <= rto_initial <= rto_max");
        return -1;
    }
    if (cfg->delack_timeout <= 0 || cfg->time_wait < 0) {
        snprintf(err, errlen, "tcp: delack_timeout must be > 0 and time_wait >= 0");
        return -1;
    }
    if (cfg->rcvbuf < 1 || cfg->rcvbuf > (bytes_t)1 << 30 ||
        cfg->sndbuf < 1 || cfg->sndbuf > (bytes_t)1 << 30) {
        snprintf(err, errlen, "tcp: rcvbuf and sndbuf must be between 1 B and 1 GiB");
        return -1;
    }
    if (cfg->initial_cwnd < 1 || cfg->backlog < 1 || cfg->syn_backlog < 1 ||
        cfg->data_retries < 1) {
        snprintf(err, errlen,
                 "tcp: initial_cwnd, backlog, syn_backlog and data_retries must be >= 1");
        return -1;
    }
    return 0;
}

static int tcp_create(struct model_ctx *ctx, const char *name, const void *config, void **out,
                      char *err, size_t errlen)
{
    (void)ctx;
    (void)name;
    if (tcp_config_check(config, err, errlen) < 0)
        return -1;
    struct tcp_config *copy = malloc(sizeof *copy);
    if (!copy) {
        snprintf(err, errlen, "tcp: out of memory");
        return -1;
    }
    memcpy(copy, config, sizeof *copy);
    *out = copy;
    return 0;
}

static const struct model_def tcp_model = {
    .kind = "tcp",
    .category = "transport",
    .help = "a node's TCP stack (RFC 9293): handshake, NewReno/CUBIC congestion control, "
            "RFC 6298 RTO, delayed ACKs, Nagle, window scaling, timestamps, SACK recovery, "
            "listeners with SYN and accept queues and SYN cookies; see docs/models-tcp.md",
    .params = tcp_params,
    .nparams = NPARAMS,
    .config_size = sizeof(struct tcp_config),
    .create = tcp_create,
};
MODEL_REGISTER(tcp_model)

void tcp_config_default(struct tcp_config *cfg)
{
    char err[256];
    memset(cfg, 0, sizeof *cfg);
    int rc = param_defaults(&tcp_model, cfg, err, sizeof err);
    assert(rc == 0 && "the tcp parameter table has a malformed default");
    (void)rc;
}
