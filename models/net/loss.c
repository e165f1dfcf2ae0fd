/* loss.c - the loss models (see loss.h). */
#include "models/net/loss.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

static int check_prob(const char *name, double v, char *err, size_t errlen)
{
    if (v >= 0 && v <= 1)
        return 0;
    snprintf(err, errlen, "%s must be a probability in [0, 1], not %g", name, v);
    return -1;
}

static int bernoulli_init(struct loss *l, const struct loss_config *c, char *err,
                          size_t errlen)
{
    l->loss_bad = c->p;
    return check_prob("loss_p", c->p, err, errlen);
}

static bool bernoulli_lose(struct loss *l)
{
    return rng_uniform(l->rng) < l->loss_bad;
}

static int gilbert_init(struct loss *l, const struct loss_config *c, char *err, size_t errlen)
{
    if (check_prob("ge_p_gb", c->ge_p_gb, err, errlen) < 0 ||
        check_prob("ge_p_bg", c->ge_p_bg, err, errlen) < 0 ||
        check_prob("ge_loss_good", c->ge_loss_good, err, errlen) < 0 ||
        check_prob("ge_loss_bad", c->ge_loss_bad, err, errlen) < 0)
        return -1;
    if (c->ge_p_gb + c->ge_p_bg <= 0) {
        snprintf(err, errlen, "ge_p_gb and ge_p_bg cannot both be 0 (no stationary state)");
        return -1;
    }
    l->p_gb = c->ge_p_gb;
    l->p_bg = c->ge_p_bg;
    l->loss_good = c->ge_loss_good;
    l->loss_bad = c->ge_loss_bad;
    /* Start in the stationary distribution, so that the first packets are not biased
     * towards the good state. */
    l->bad = rng_uniform(l->rng) < c->ge_p_gb / (c->ge_p_gb + c->ge_p_bg);
    return 0;
}

static bool gilbert_lose(struct loss *l)
{
    double u = rng_uniform(l->rng);
    l->bad = l->bad ? u >= l->p_bg : u < l->p_gb;
    return rng_uniform(l->rng) < (l->bad ? l->loss_bad : l->loss_good);
}

/* Parses "3,7,10-12" into an increasing list followed by UINT64_MAX. */
static int script_init(struct loss *l, const struct loss_config *c, char *err, size_t errlen)
{
    size_t n = 0, cap = 8;
    uint64_t last = 0;
    uint64_t *v = malloc(cap * sizeof *v);
    if (!v)
        goto oom;
    for (const char *s = c->script; *s;) {
        while (isspace((unsigned char)*s))
            s++;
        char *end;
        errno = 0;
        if (!isdigit((unsigned char)*s))
            goto bad;
        uint64_t lo = strtoull(s, &end, 10), hi = lo;
        if (*end == '-') {
            if (!isdigit((unsigned char)end[1]))
                goto bad;
            hi = strtoull(end + 1, &end, 10);
        }
        if (errno || lo == 0 || hi < lo || lo <= last || hi - lo > 1000000)
            goto bad;
        for (uint64_t k = lo; k <= hi; k++) {
            if (n + 1 == cap) {
                uint64_t *w = realloc(v, 2 * cap * sizeof *v);
                if (!w)
                    goto oom;
                v = w;
                cap *= 2;
            }
            v[n++] = k;
        }
        last = hi;
        s = end;
        while (isspace((unsigned char)*s))
            s++;
        if (*s == ',')
            s++;
        else if (*s)
            goto bad;
    }
    v[n] = UINT64_MAX;
    l->script = v;
    return 0;
bad:
    free(v);
    snprintf(err, errlen, "loss_script \"%s\": expected increasing packet numbers >= 1 "
             "separated by commas, ranges as A-B (\"3,7,10-12\")", c->script);
    return -1;
oom:
    free(v);
    snprintf(err, errlen, "out of memory");
    return -1;
}

static bool script_lose(struct loss *l)
{
    if (l->seen != l->script[l->next])
        return false;
    l->next++;
    return true;
}

static const struct loss_ops loss_ops_by_kind[] = {
    [LOSS_NONE] = { "none", false, NULL, NULL },
    [LOSS_BERNOULLI] = { "bernoulli", true, bernoulli_init, bernoulli_lose },
    [LOSS_GILBERT] = { "gilbert", true, gilbert_init, gilbert_lose },
    [LOSS_SCRIPT] = { "script", false, script_init, script_lose },
};

bool loss_uses_rng(const struct loss_config *c)
{
    return loss_ops_by_kind[c->kind].uses_rng;
}

int loss_init(struct loss *l, const struct loss_config *c, struct rng *rng, char *err,
              size_t errlen)
{
    *l = (struct loss){ .ops = &loss_ops_by_kind[c->kind], .rng = rng };
    l->lose = l->ops->lose;
    if (l->ops->uses_rng && !rng) {
        snprintf(err, errlen, "loss %s: no random stream (out of memory)", l->ops->name);
        return -1;
    }
    return l->ops->init ? l->ops->init(l, c, err, errlen) : 0;
}

void loss_fini(struct loss *l)
{
    free(l->script);
    l->script = NULL;
}
