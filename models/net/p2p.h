/* p2p.h - what other code may know of a p2p link instance (the model is registered as
 * "p2p"; its parameters are listed by `mcpsim help p2p` and docs/models-links.md). */
#ifndef MCPSIM_MODELS_NET_P2P_H
#define MCPSIM_MODELS_NET_P2P_H

#include "models/net/node.h"

/* The interface at end 0 (`a`) or 1 (`b`) of a p2p instance (the object model_ctx_lookup
 * returns for the link's name): transmitting on it sends towards the other end, and its
 * on_state listener hears the link's outages. */
struct net_if *p2p_if(void *link, int end);

#endif
