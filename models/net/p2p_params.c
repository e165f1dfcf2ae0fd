/* p2p_params.c - the p2p model's parameter table: the link, its queue discipline, loss
 * model and outages, for both directions unless a _from_a / _from_b key overrides the
 * discipline or loss model of the direction that end transmits. The meaning, defaults and
 * limits of each are documented in docs/models-links.md. */
#include <stddef.h>

#include "models/net/p2p_impl.h"

#define CFG(field) offsetof(struct p2p_config, field)

static const struct param_def p2p_params[] = {
    { "a", PARAM_NODE, CFG(a), NULL, "one end (a node)", NULL, 0, 0 },
    { "b", PARAM_NODE, CFG(b), NULL, "the other end (a node)", NULL, 0, 0 },
    { "rate", PARAM_RATE, CFG(rate), "10Mbps", "transmission rate of each direction", NULL, 1,
      1e12 },
    { "rate_from_a", PARAM_RATE, CFG(rate_from[0]), "0bps",
      "transmission rate of a's direction (0bps = `rate`), for asymmetric access links",
      NULL, 0, 1e12 },
    { "rate_from_b", PARAM_RATE, CFG(rate_from[1]), "0bps",
      "transmission rate of b's direction (0bps = `rate`)", NULL, 0, 1e12 },
    { "delay", PARAM_TIME, CFG(delay), "1ms", "propagation delay", NULL, 0, 0 },
    { "mtu", PARAM_SIZE, CFG(mtu), "1500B", "largest IP packet carried; longer ones are dropped",
      NULL, 68, 65535 },
    { "queue", PARAM_ENUM, CFG(queue.kind), "droptail",
      "queue discipline of both directions", QDISC_KINDS, 0, 0 },
    { "queue_from_a", PARAM_ENUM, CFG(queue_from[0]), "same",
      "queue discipline in front of a's transmitter (same = `queue`)", "same|" QDISC_KINDS, 0,
      0 },
    { "queue_from_b", PARAM_ENUM, CFG(queue_from[1]), "same",
      "queue discipline in front of b's transmitter (same = `queue`)", "same|" QDISC_KINDS, 0,
      0 },
    { "queue_packets", PARAM_UINT, CFG(queue.limit_packets), "100",
      "hard limit in packets waiting per direction, every discipline (0 = no packet limit)",
      NULL, 0, 1e9 },
    { "queue_bytes", PARAM_SIZE, CFG(queue.limit_bytes), "0B",
      "hard limit in bytes waiting per direction, every discipline (0B = no byte limit)", NULL,
      0, 0 },
    { "red_w_q", PARAM_DOUBLE, CFG(queue.red_w_q), "0.002",
      "RED: weight of the average queue's EWMA, in (0, 1]", NULL, 0, 1 },
    { "red_min_th", PARAM_DOUBLE, CFG(queue.red_min_th), "5",
      "RED: average queue (packets; mean packets in bytes mode) where early drops start",
      NULL, 0, 1e9 },
    { "red_max_th", PARAM_DOUBLE, CFG(queue.red_max_th), "15",
      "RED: average queue where the early-drop probability reaches red_max_p", NULL, 0, 1e9 },
    { "red_max_p", PARAM_PROB, CFG(queue.red_max_p), "0.1",
      "RED: drop probability at red_max_th", NULL, 0, 0 },
    { "red_gentle", PARAM_BOOL, CFG(queue.red_gentle), "true",
      "RED: probability rises linearly to 1 at 2 red_max_th (else every arrival above "
      "red_max_th is dropped)", NULL, 0, 0 },
    { "red_bytes", PARAM_BOOL, CFG(queue.red_bytes), "false",
      "RED: average the queue in bytes and scale the drop probability by packet size",
      NULL, 0, 0 },
    { "red_mean_packet", PARAM_SIZE, CFG(queue.red_mean_packet), "500B",
      "RED: mean packet size (idle-time decay unit, bytes-mode scale)", NULL, 1, 65535 },
    { "codel_target", PARAM_TIME, CFG(queue.codel_target), "5ms",
      "CoDel: acceptable standing queue delay (RFC 8289 TARGET)", NULL, 1e3, PARAM_TIME_MAX },
    { "codel_interval", PARAM_TIME, CFG(queue.codel_interval), "100ms",
      "CoDel: how long the delay may stay above target (RFC 8289 INTERVAL)", NULL, 1e3, PARAM_TIME_MAX },
    { "loss", PARAM_ENUM, CFG(loss.kind), "none", "loss model of both directions", LOSS_KINDS,
      0, 0 },
    { "loss_from_a", PARAM_ENUM, CFG(loss_from[0]), "same",
      "loss model of the packets a transmits (same = `loss`)", "same|" LOSS_KINDS, 0, 0 },
    { "loss_from_b", PARAM_ENUM, CFG(loss_from[1]), "same",
      "loss model of the packets b transmits (same = `loss`)", "same|" LOSS_KINDS, 0, 0 },
    { "loss_p", PARAM_PROB, CFG(loss.p), "0", "bernoulli: loss probability per packet", NULL,
      0, 0 },
    { "ge_p_gb", PARAM_PROB, CFG(loss.ge_p_gb), "0.01",
      "gilbert: probability per packet of going from the good to the bad state", NULL, 0, 0 },
    { "ge_p_bg", PARAM_PROB, CFG(loss.ge_p_bg), "0.3",
      "gilbert: probability per packet of going from the bad to the good state", NULL, 0, 0 },
    { "ge_loss_good", PARAM_PROB, CFG(loss.ge_loss_good), "0",
      "gilbert: loss probability in the good state", NULL, 0, 0 },
    { "ge_loss_bad", PARAM_PROB, CFG(loss.ge_loss_bad), "1",
      "gilbert: loss probability in the bad state", NULL, 0, 0 },
    { "loss_script", PARAM_STRING, CFG(loss.script), "",
      "script: numbers of the packets to lose, counted per direction from 1 (\"3,7,10-12\")",
      NULL, 0, 0 },
    { "outage", PARAM_STRING, CFG(outage), "",
      "down intervals of the whole link, \"START-END, ...\" with units (\"2s-3s, 10s-10.5s\")",
      NULL, 0, 0 },
    { "outage_up_mean", PARAM_TIME, CFG(outage_up_mean), "0s",
      "random outages: mean up time (exponential; with outage_down_mean, 0s = none)", NULL, 0,
      0 },
    { "outage_down_mean", PARAM_TIME, CFG(outage_down_mean), "0s",
      "random outages: mean down time (exponential)", NULL, 0, 0 },
};

static const struct model_def p2p_model = {
    .kind = "p2p",
    .category = "link",
    .help = "Full-duplex point-to-point link: rate, propagation delay, MTU; per direction a "
            "queue discipline (droptail, red, codel) and a loss model (none, bernoulli, "
            "gilbert, script); outages from a schedule or a random on/off process. "
            "docs/models-links.md describes each.",
    .params = p2p_params,
    .nparams = sizeof p2p_params / sizeof p2p_params[0],
    .config_size = sizeof(struct p2p_config),
    .create = p2p_create,
};
MODEL_REGISTER(p2p_model)
