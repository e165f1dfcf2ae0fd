/* radio.h - what the radio access models (wifi.h, lte.h) share with whoever attaches them.
 *
 * A radio model carries packets between terminals (WiFi stations, LTE phones) and their
 * access point or base station. It does not know nodes or IP: the layer that attaches it
 * hands packets in with the model's enqueue function (terminal index + direction) and gets
 * them back through a delivery callback set per terminal and direction. Link state changes
 * (an outage, outage.h) are reported through a link-state callback per terminal.
 *
 * While a radio model holds a packet it uses the first bytes of packet->cb (struct radio_cb)
 * and packet->next; both are the current owner's scratch by the packet contract (packet.h).
 */
#ifndef MCPSIM_MODELS_RADIO_RADIO_H
#define MCPSIM_MODELS_RADIO_RADIO_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "sim/packet.h"
#include "sim/units.h"

/* UP: terminal -> access point / base station; DOWN: the reverse. */
enum radio_dir { RADIO_UP = 0, RADIO_DOWN = 1 };

/* A packet has crossed the radio: the callee owns it from now on. */
typedef void (*radio_deliver_fn)(void *ctx, struct packet *p);

/* The terminal's interface went down (up = false) or came back. */
typedef void (*radio_link_state_fn)(void *ctx, bool up);

/* Sets a terminal's link up or down; the signature outage.h drives (radio is the model). */
typedef void (*radio_set_up_fn)(void *radio, uint32_t terminal, bool up);

/* What a radio model keeps in packet->cb while it holds the packet. */
struct radio_cb {
    sim_time_t at;     /* delivery time on a delay line */
    uint32_t terminal; /* station / phone index */
    uint32_t dir;      /* enum radio_dir */
};

static inline void radio_cb_set(struct packet *p, sim_time_t at, uint32_t terminal,
                                enum radio_dir dir)
{
    struct radio_cb cb = { at, terminal, (uint32_t)dir };
    _Static_assert(sizeof cb <= PKT_CB_BYTES, "radio_cb must fit packet->cb");
    memcpy(p->cb, &cb, sizeof cb);
}

static inline struct radio_cb radio_cb_get(const struct packet *p)
{
    struct radio_cb cb;
    memcpy(&cb, p->cb, sizeof cb);
    return cb;
}

#endif
