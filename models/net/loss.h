/* loss.h - packet loss models for a link direction, chosen by name.
 *
 * A loss model decides, for each packet that finished serialization, whether the wire loses
 * it (the packet used the link's capacity, as a corrupted frame does, and never arrives):
 *   none       nothing is lost;
 *   bernoulli  each packet independently with probability loss_p;
 *   gilbert    Gilbert-Elliott: a two-state Markov chain (good, bad) stepped once per packet
 *              (good->bad with ge_p_gb, bad->good with ge_p_bg), then a loss with probability
 *              ge_loss_good or ge_loss_bad in the new state. The chain starts in its
 *              stationary distribution (bad with pi_b = p_gb / (p_gb + p_bg)), so the loss
 *              rate is pi_g loss_good + pi_b loss_bad from the first packet on;
 *   script     the packets whose numbers are listed (1 = the first packet this direction
 *              carries), for tests that need one loss at a chosen place ("3,7,10-12").
 * The random ones draw from their own stream (given by the caller, one per direction), so
 * adding a link or a loss model never changes another model's draws. Nothing is allocated
 * per packet (a script's list is parsed once).
 *
 * Not modelled: bit-error rates scaled by packet length, corruption that is delivered.
 */
#ifndef MCPSIM_MODELS_NET_LOSS_H
#define MCPSIM_MODELS_NET_LOSS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/registry.h"
#include "sim/rng.h"

enum loss_kind { LOSS_NONE, LOSS_BERNOULLI, LOSS_GILBERT, LOSS_SCRIPT };
#define LOSS_KINDS "none|bernoulli|gilbert|script" /* in enum order */

struct loss_config {
    int kind;                      /* enum loss_kind */
    double p;                      /* bernoulli */
    double ge_p_gb, ge_p_bg;       /* gilbert transitions per packet */
    double ge_loss_good, ge_loss_bad;
    char script[PARAM_STRING_MAX]; /* "3,7,10-12": packet numbers, increasing */
};

struct loss;

struct loss_ops {
    const char *name;
    bool uses_rng;
    int (*init)(struct loss *l, const struct loss_config *c, char *err, size_t errlen);
    bool (*lose)(struct loss *l); /* once per packet, in order; NULL: never loses */
};

/* Public so that the per-packet call inlines; callers use the functions. */
struct loss {
    const struct loss_ops *ops;
    bool (*lose)(struct loss *l); /* ops->lose, kept here to save a load per packet */
    struct rng *rng;       /* not owned */
    uint64_t seen, lost;
    double p_gb, p_bg, loss_good, loss_bad;
    bool bad;              /* gilbert: the chain's state */
    uint64_t *script;      /* script: packet numbers, increasing, then a sentinel */
    size_t next;           /* script: index of the next number to drop */
};

/* Sets up l for c, drawing from rng when the model needs one (not owned). 0, or -1 with a
 * message saying which parameter is wrong ("loss_script: \"3,2\": numbers must increase"). */
int loss_init(struct loss *l, const struct loss_config *c, struct rng *rng, char *err,
              size_t errlen);
void loss_fini(struct loss *l);

/* True when the wire loses the next packet. */
static inline bool loss_lose(struct loss *l)
{
    l->seen++;
    if (!l->lose || !l->lose(l))
        return false;
    l->lost++;
    return true;
}

/* True when the kind draws random numbers (the caller then provides a stream). */
bool loss_uses_rng(const struct loss_config *c);

#endif
