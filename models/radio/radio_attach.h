/* radio_attach.h - joining a radio model to the nodes of a scenario.
 *
 * A radio link in a scenario names a hub node (the WiFi access point, the LTE base station)
 * and its terminal nodes (stations, phones). For every terminal the hub gets one interface
 * whose peer is the terminal and the terminal one whose peer is the hub (struct net_if,
 * models/net/node.h), so the nodes' shortest-path forwarding sees a star (terminal -> hub ->
 * terminal between two terminals, as both radios carry it); transmitting on them hands the
 * packet to the radio (down from the hub's side, up from the terminal's), and the radio's
 * deliveries enter the receiving node through the receiving interface (net_if_receive:
 * capture and ingress hooks see them as on a p2p link). Optional outages (outage.h), from
 * the link's parameters, apply to every terminal: a schedule, or random on/off with streams
 * "LINK/TERMINAL/outage".
 *
 * Terminal lists are comma-separated node names; "phone-0..49" stands for phone-0 ...
 * phone-49 (what `count: 50` names a counted node entry).
 */
#ifndef MCPSIM_MODELS_RADIO_RADIO_ATTACH_H
#define MCPSIM_MODELS_RADIO_RADIO_ATTACH_H

#include <stddef.h>
#include <stdint.h>

#include "models/radio/radio.h"
#include "sim/registry.h"
#include "sim/world.h"

/* How radio_attach reaches a radio model (wifi.c and lte.c through small adapters). */
struct radio_ops {
    int (*enqueue)(void *radio, uint32_t terminal, enum radio_dir dir, struct packet *p);
    void (*set_deliver)(void *radio, uint32_t terminal, enum radio_dir dir,
                        radio_deliver_fn fn, void *ctx);
    radio_set_up_fn set_up;
};

/* The scenario parameters radio_attach reads, embedded in each radio model's config. */
struct radio_attach_config {
    char hub[PARAM_STRING_MAX];
    char terminals[PARAM_STRING_MAX];
    char outage_schedule[PARAM_STRING_MAX]; /* "" or START-END,... */
    sim_time_t outage_mean_up, outage_mean_down; /* both > 0: random on/off */
};

struct radio_attach;

/* The number of terminal names in the list, or -1 with a message quoting the bad item. */
int radio_attach_count(const char *terminals, char *err, size_t errlen);

/* Finds the nodes, attaches the interfaces, wires deliveries and outages. The attachment is
 * freed by the world (model_ctx_on_free); 0 or -1 with a message. */
int radio_attach_new(struct model_ctx *ctx, const char *name,
                     const struct radio_attach_config *c, const struct radio_ops *ops,
                     void *radio, struct radio_attach **out, char *err, size_t errlen);

/* The node name of terminal i and of the hub, for result module names. */
const char *radio_attach_terminal(const struct radio_attach *a, uint32_t i);
const char *radio_attach_hub(const struct radio_attach *a);

#endif
