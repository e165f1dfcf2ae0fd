/* scenario_plan.c - one parameter point's entries to model instances (see scenario.h).
 *
 * This is where the registry becomes the schema: an entry's keys other than name, kind and
 * count must be parameters of its kind's table, each value goes through param_set (type,
 * unit, bounds), and parameters without a default must be given. Nothing here knows any
 * model: a new model's parameters are accepted as soon as it registers.
 *
 * `count: N` stamps out N instances. In their string values (names included) `{i}` is the
 * copy's index, with optional arithmetic `{i+K}`, `{i-K}`, `{i*K}`, `{i%K}` (phone-{i} sends
 * to server-{i%4}). A counted entry whose name has no `{i}` gets "-{i}" appended
 * (phone-0 .. phone-N-1). Names are checked unique across the whole scenario after
 * stamping, and every PARAM_NODE value must name a node instance.
 *
 * A PARAM_LIST value is a sequence of scalars (one item each) or one string in the list's
 * text form ("a; b", split by the registry); {i} applies to every item. Items have no length
 * limit, so their substitution buffers are sized from the item. The configs' lists are
 * released with the plan (param_free).
 */
#include "sim/scenario_impl.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/strdist.h"

#define MAX_COUNT 1000000u

static const char *const sections[] = { "nodes", "links", "apps" };
static const char *const categories[] = { "node", "link", "app" };
static const char *const default_kind[] = { "node", "p2p", NULL };

/* Where an instance's entry is, to locate reference errors after stamping. */
struct inst_src {
    const struct sdoc_node *entry;
    const struct sdoc_node *name_node;
};

struct builder {
    const struct scenario *sc;
    const size_t *choice;
    struct scenario_plan plan;
    struct inst_src *src;
    size_t cap;
    char *err;
    size_t errlen;
};

/* Replaces {i}, {i+K}, {i-K}, {i*K}, {i%K} by their value for copy `i`. */
static int subst(const char *in, size_t i, char *out, size_t outlen, const char **bad)
{
    size_t o = 0;
    for (const char *p = in; *p;) {
        if (p[0] == '{' && p[1] == 'i') {
            const char *q = p + 2;
            long long v = (long long)i;
            if (*q == '+' || *q == '-' || *q == '*' || *q == '%') {
                char op = *q++;
                char *end;
                if (!isdigit((unsigned char)*q))
                    goto fail;
                errno = 0;
                long long k = strtoll(q, &end, 10);
                q = end;
                /* An overflowing constant or result is refused, never wrapped. */
                bool over = errno == ERANGE;
                if (op == '+') over |= __builtin_add_overflow(v, k, &v);
                else if (op == '-') over |= __builtin_sub_overflow(v, k, &v);
                else if (op == '*') over |= __builtin_mul_overflow(v, k, &v);
                else if (k == 0) goto fail;
                else v %= k;
                if (over)
                    goto fail;
            }
            if (*q != '}')
                goto fail;
            int n = snprintf(out + o, outlen - o, "%lld", v);
            if (n < 0 || (size_t)n >= outlen - o)
                goto fail;
            o += (size_t)n;
            p = q + 1;
            continue;
        }
        if (o + 1 >= outlen)
            goto fail;
        out[o++] = *p++;
    }
    out[o] = '\0';
    return 0;
fail:
    *bad = in;
    return -1;
}

/* subst into a buffer sized for `in`: each {i...} (3 characters or more) becomes at most 20. */
static char *subst_alloc(const char *in, size_t i, const char **bad)
{
    size_t len = strlen(in) + 1;
    for (const char *p = in; (p = strchr(p, '{')); p++)
        len += 20;
    char *out = malloc(len);
    if (out && subst(in, i, out, len, bad) < 0) {
        free(out);
        return NULL;
    }
    if (!out)
        *bad = NULL;
    return out;
}

bool scn_key_is_list(const struct sdoc_node *entry, size_t s, const char *key)
{
    const struct sdoc_node *kn = sdoc_map_get(entry, "kind");
    if (!kn) {
        const struct model_def *def = default_kind[s] ? registry_find(default_kind[s]) : NULL;
        const struct param_def *p = def ? registry_param(def, key) : NULL;
        return p && p->type == PARAM_LIST;
    }
    const struct sdoc_node *one[1] = { kn };
    const struct sdoc_node *const *kinds =
        kn->type == SDOC_SEQ ? (const struct sdoc_node *const *)kn->items : one;
    size_t nk = kn->type == SDOC_SEQ ? kn->n : 1;
    for (size_t i = 0; i < nk; i++) {
        const struct model_def *def =
            kinds[i]->type == SDOC_SCALAR ? registry_find(kinds[i]->scalar) : NULL;
        const struct param_def *p = def ? registry_param(def, key) : NULL;
        if (p && p->type == PARAM_LIST)
            return true;
    }
    return false;
}

static int push(struct builder *b, const struct model_def *def, const char *name,
                const char *section, const struct sdoc_node *entry, const struct sdoc_node *nm)
{
    if (b->plan.n == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 16;
        struct plan_instance *a = realloc(b->plan.inst, cap * sizeof *a);
        if (a)
            b->plan.inst = a;
        struct inst_src *s = realloc(b->src, cap * sizeof *s);
        if (s)
            b->src = s;
        if (!a || !s)
            return sdoc_error(entry, b->err, b->errlen, "out of memory");
        b->cap = cap;
    }
    struct plan_instance *pi = &b->plan.inst[b->plan.n];
    memset(pi, 0, sizeof *pi);
    pi->config = calloc(1, def->config_size ? def->config_size : 1);
    if (!pi->config)
        return sdoc_error(entry, b->err, b->errlen, "out of memory");
    b->plan.n++;
    pi->def = def;
    snprintf(pi->name, sizeof pi->name, "%s", name);
    pi->section = section;
    pi->file = entry->file;
    pi->line = entry->line;
    pi->col = entry->col;
    b->src[b->plan.n - 1] = (struct inst_src){ entry, nm };
    return 0;
}

static int kind_error(struct builder *b, const struct sdoc_node *at, const char *kind, size_t s,
                      const struct model_def *found)
{
    const struct model_def *all[256];
    const char *names[256];
    size_t n = registry_list(all, 256), k = 0;
    char list[1024] = "";
    for (size_t i = 0; i < n && i < 256; i++) {
        if (strcmp(all[i]->category, categories[s]))
            continue;
        names[k++] = all[i]->kind;
        size_t used = strlen(list);
        snprintf(list + used, sizeof list - used, "%s%s", used ? ", " : "", all[i]->kind);
    }
    if (found)
        sdoc_error(at, b->err, b->errlen, "kind \"%s\" is a %s model; %s takes models of "
                   "category %s: %s", kind, found->category, sections[s], categories[s], list);
    else {
        sdoc_error(at, b->err, b->errlen, "unknown kind \"%s\": expected a model of category "
                   "%s: %s", kind, categories[s], list);
        strdist_hint(b->err, b->errlen, kind, names, k);
    }
    return -1;
}

static int scalar_of(struct builder *b, const struct sdoc_node *v, const char *key,
                     const char *expected, const struct sdoc_node **out)
{
    v = scn_value(v, b->choice);
    if (v->type != SDOC_SCALAR)
        return sdoc_error(v, b->err, b->errlen, "%s: expected %s, found %s", key, expected,
                          sdoc_type_name(v->type));
    *out = v;
    return 0;
}

/* A list parameter's value at this point, with {i} = copy in every item. */
static int set_list(struct builder *b, const struct param_def *p, const struct sdoc_node *v,
                    size_t copy, void *config, const char *what)
{
    char perr[512];
    const char *bad;
    v = scn_value(v, b->choice);
    if (v->type == SDOC_MAP)
        return sdoc_error(v, b->err, b->errlen, "%s: %s: expected a list of strings ([a, b], "
                          "or one string \"a; b\"), found a mapping", what, p->name);
    size_t n = v->type == SDOC_SEQ ? v->n : 1;
    const struct sdoc_node *const *src = v->type == SDOC_SEQ
                                             ? (const struct sdoc_node *const *)v->items : &v;
    char **items = calloc(n ? n : 1, sizeof *items);
    int rc = -1;
    if (!items)
        return sdoc_error(v, b->err, b->errlen, "out of memory");
    size_t i = 0;
    for (; i < n; i++) {
        if (src[i]->type != SDOC_SCALAR) {
            sdoc_error(src[i], b->err, b->errlen, "%s: %s: item %zu: expected a string, found "
                       "%s", what, p->name, i + 1, sdoc_type_name(src[i]->type));
            goto done;
        }
        if (!(items[i] = subst_alloc(src[i]->scalar, copy, &bad))) {
            if (bad)
                sdoc_error(src[i], b->err, b->errlen, "%s: bad {i} expression in \"%s\": "
                           "expected {i}, {i+K}, {i-K}, {i*K} or {i%%K}", p->name, bad);
            else
                sdoc_error(src[i], b->err, b->errlen, "out of memory");
            goto done;
        }
    }
    rc = v->type == SDOC_SEQ
             ? param_set_list(p, config, (const char *const *)items, n, perr, sizeof perr)
             : param_set(p, config, items[0], perr, sizeof perr);
    if (rc < 0)
        sdoc_error(v, b->err, b->errlen, "%s: %s", what, perr);
done:
    while (i-- > 0)
        free(items[i]);
    free(items);
    return rc;
}

static bool valid_name(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-')
            return false;
    return true;
}

static int build_entry(struct builder *b, size_t s, const struct sdoc_node *entry)
{
    static const char *const structural[] = { "name", "kind", "count" };
    if (entry->type != SDOC_MAP)
        return sdoc_error(entry, b->err, b->errlen, "%s: expected an entry mapping "
                          "(- name: NAME, kind: KIND, parameters...), found %s", sections[s],
                          sdoc_type_name(entry->type));
    const struct sdoc_node *nm = sdoc_map_get(entry, "name"), *kn = sdoc_map_get(entry, "kind"),
                           *cn = sdoc_map_get(entry, "count");
    if (!nm)
        return sdoc_error(entry, b->err, b->errlen, "%s entry without \"name\": every node, "
                          "link and app needs a unique name", sections[s]);
    if (scalar_of(b, nm, "name", "a string", &nm) < 0)
        return -1;
    const char *kind = default_kind[s];
    if (kn) {
        if (scalar_of(b, kn, "kind", "a model name", &kn) < 0)
            return -1;
        kind = kn->scalar;
    } else if (!kind) {
        return sdoc_error(entry, b->err, b->errlen, "%s \"%s\": missing \"kind\" (which %s "
                          "model; `mcpsim help` lists them)", sections[s], nm->scalar,
                          categories[s]);
    }
    const struct model_def *def = registry_find(kind);
    if (!def || strcmp(def->category, categories[s]))
        return kind_error(b, kn ? kn : entry, kind, s, def);
    size_t count = 1;
    bool counted = cn != NULL;
    if (cn) {
        char *end;
        if (scalar_of(b, cn, "count", "a whole number", &cn) < 0)
            return -1;
        unsigned long long c = strtoull(cn->scalar, &end, 10);
        if (cn->scalar[0] == '-' || !isdigit((unsigned char)cn->scalar[0]) || *end || c < 1 ||
            c > MAX_COUNT)
            return sdoc_error(cn, b->err, b->errlen, "count: expected a whole number from 1 to "
                              "%u, found \"%s\"", MAX_COUNT, cn->scalar);
        count = (size_t)c;
    }
    /* Keys: structural or parameters of this kind. */
    for (size_t k = 0; k < entry->n; k++) {
        const char *key = entry->keys[k]->scalar;
        if (!strcmp(key, "name") || !strcmp(key, "kind") || !strcmp(key, "count"))
            continue;
        if (registry_param(def, key))
            continue;
        const char *cands[128];
        size_t nc = 0;
        for (size_t i = 0; i < 3; i++)
            cands[nc++] = structural[i];
        for (size_t i = 0; i < def->nparams && nc < 128; i++)
            cands[nc++] = def->params[i].name;
        sdoc_error(entry->keys[k], b->err, b->errlen, "%s \"%s\": unknown parameter \"%s\" "
                   "for kind %s (`mcpsim help %s` lists its parameters)", categories[s],
                   nm->scalar, key, kind, kind);
        strdist_hint(b->err, b->errlen, key, cands, nc);
        return -1;
    }
    for (size_t i = 0; i < def->nparams; i++) {
        const struct param_def *p = &def->params[i];
        if (!p->default_value && !sdoc_map_get(entry, p->name))
            return sdoc_error(entry, b->err, b->errlen, "%s \"%s\" (%s): missing required "
                              "parameter \"%s\" (%s: %s)", categories[s], nm->scalar, kind,
                              p->name, param_type_name(p->type), p->help);
    }
    char pattern[PARAM_STRING_MAX + 8];
    snprintf(pattern, sizeof pattern, "%s%s", nm->scalar,
             counted && !strstr(nm->scalar, "{i") ? "-{i}" : "");
    if (!counted && strstr(nm->scalar, "{i"))
        return sdoc_error(nm, b->err, b->errlen, "name \"%s\" uses {i} but the entry has no "
                          "count", nm->scalar);
    for (size_t copy = 0; copy < count; copy++) {
        char name[PARAM_STRING_MAX], perr[512];
        int rc;
        const char *bad;
        if (subst(pattern, copy, name, sizeof name, &bad) < 0 || !valid_name(name))
            return sdoc_error(nm, b->err, b->errlen, "name \"%s\": expected letters, digits, "
                              "'-' and '_' (and {i} with count), at most %d characters",
                              nm->scalar, PARAM_STRING_MAX - 1);
        if (push(b, def, name, sections[s], entry, nm) < 0)
            return -1;
        void *config = b->plan.inst[b->plan.n - 1].config;
        if (param_defaults(def, config, perr, sizeof perr) < 0)
            return sdoc_error(entry, b->err, b->errlen, "kind %s: bad default in its parameter "
                              "table (a bug): %s", kind, perr);
        for (size_t k = 0; k < entry->n; k++) {
            const struct param_def *p = registry_param(def, entry->keys[k]->scalar);
            if (!p)
                continue;
            const struct sdoc_node *v = entry->items[k];
            char what[160];
            if (p->type == PARAM_LIST) {
                snprintf(what, sizeof what, "%s \"%s\"", categories[s], name);
                if (set_list(b, p, v, copy, config, what) < 0)
                    return -1;
                continue;
            }
            snprintf(what, sizeof what, "a %s", param_type_name(p->type));
            if (scalar_of(b, entry->items[k], p->name, what, &v) < 0)
                return -1;
            char *val = subst_alloc(v->scalar, copy, &bad);
            if (!val && !bad)
                return sdoc_error(v, b->err, b->errlen, "out of memory");
            if (!val)
                return sdoc_error(v, b->err, b->errlen, "%s: bad {i} expression in \"%s\": "
                                  "expected {i}, {i+K}, {i-K}, {i*K} or {i%%K}", p->name,
                                  v->scalar);
            rc = param_set(p, config, val, perr, sizeof perr);
            free(val);
            if (rc < 0)
                return sdoc_error(v, b->err, b->errlen, "%s \"%s\": %s", categories[s], name,
                                  perr);
        }
    }
    return 0;
}

struct name_ref {
    const char *name;
    size_t idx;
};

static int name_cmp(const void *a, const void *b)
{
    const struct name_ref *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c ? c : (x->idx > y->idx) - (x->idx < y->idx);
}

static int check_names(struct builder *b)
{
    size_t n = b->plan.n, nnodes = 0;
    struct name_ref *all = malloc((n ? n : 1) * sizeof *all);
    struct name_ref *nodes = malloc((n ? n : 1) * sizeof *nodes);
    int rc = -1;
    if (!all || !nodes) {
        snprintf(b->err, b->errlen, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        all[i] = (struct name_ref){ b->plan.inst[i].name, i };
        if (strcmp(b->plan.inst[i].section, "nodes") == 0)
            nodes[nnodes++] = all[i];
    }
    qsort(all, n, sizeof *all, name_cmp);
    qsort(nodes, nnodes, sizeof *nodes, name_cmp);
    for (size_t i = 1; i < n; i++)
        if (strcmp(all[i].name, all[i - 1].name) == 0) {
            const struct sdoc_node *first = b->src[all[i - 1].idx].name_node;
            sdoc_error(b->src[all[i].idx].name_node, b->err, b->errlen,
                       "duplicate name \"%s\" (also defined at line %d, column %d): names must "
                       "be unique across nodes, links and apps", all[i].name, first->line,
                       first->col);
            goto out;
        }
    for (size_t i = 0; i < n; i++) {
        const struct plan_instance *pi = &b->plan.inst[i];
        for (size_t k = 0; k < pi->def->nparams; k++) {
            const struct param_def *p = &pi->def->params[k];
            if (p->type != PARAM_NODE)
                continue;
            const char *ref = (const char *)pi->config + p->offset;
            if (!*ref)
                continue;
            bool found = false;
            size_t lo = 0, hi = nnodes;
            while (lo < hi && !found) {
                size_t mid = (lo + hi) / 2;
                int c = strcmp(ref, nodes[mid].name);
                if (c == 0)
                    found = true;
                else if (c < 0)
                    hi = mid;
                else
                    lo = mid + 1;
            }
            if (found)
                continue;
            const struct sdoc_node *v = sdoc_map_get(b->src[i].entry, p->name);
            const struct sdoc_node *at = v ? scn_value(v, b->choice) : b->src[i].entry;
            sdoc_error(at, b->err, b->errlen, "%s \"%s\": %s \"%s\" is not a node of this "
                       "scenario", pi->def->category, pi->name, p->name, ref);
            const char *cands[512];
            size_t nc = 0;
            for (size_t j = 0; j < nnodes && nc < 512; j++)
                cands[nc++] = nodes[j].name;
            strdist_hint(b->err, b->errlen, ref, cands, nc);
            goto out;
        }
    }
    rc = 0;
out:
    free(all);
    free(nodes);
    return rc;
}

static int check_top_values(struct builder *b)
{
    const struct sdoc_node *d = scn_top(b->sc, "duration", b->choice);
    const struct sdoc_node *s = scn_top(b->sc, "seed", b->choice);
    char uerr[256];
    sim_time_t t;
    if (d->type != SDOC_SCALAR)
        return sdoc_error(d, b->err, b->errlen, "duration: expected a time such as 10s, found "
                          "%s", sdoc_type_name(d->type));
    if (time_parse(d->scalar, &t, uerr, sizeof uerr) < 0)
        return sdoc_error(d, b->err, b->errlen, "duration: %s", uerr);
    if (t <= 0 || (double)t > PARAM_TIME_MAX)
        return sdoc_error(d, b->err, b->errlen, "duration: expected a positive time of at most "
                          "30d");
    if (s) {
        char *end;
        errno = 0;
        if (s->type != SDOC_SCALAR || !isdigit((unsigned char)s->scalar[0]) ||
            (strtoull(s->scalar, &end, 10), *end) || errno == ERANGE)
            return sdoc_error(s, b->err, b->errlen, "seed: expected a non-negative integer "
                              "below 2^64");
    }
    return 0;
}

int scn_build_plan(const struct scenario *sc, const size_t *choice, struct scenario_plan *out,
                   char *err, size_t errlen)
{
    struct builder b = { .sc = sc, .choice = choice, .err = err, .errlen = errlen };
    int rc = check_top_values(&b);
    const struct sdoc_node *root = sdoc_root(sc->doc);
    for (size_t s = 0; s < 3 && rc == 0; s++) {
        const struct sdoc_node *sec = sdoc_map_get(root, sections[s]);
        for (size_t e = 0; sec && e < sec->n && rc == 0; e++)
            rc = build_entry(&b, s, sec->items[e]);
    }
    if (rc == 0)
        rc = check_names(&b);
    free(b.src);
    if (rc == 0 && out) {
        *out = b.plan;
        return 0;
    }
    scenario_plan_free(&b.plan);
    return rc;
}

int scenario_plan(const struct scenario *sc, size_t index, struct scenario_plan *out, char *err,
                  size_t errlen)
{
    if (index >= scenario_run_count(sc)) {
        snprintf(err, errlen, "run index %zu out of range (the scenario has %zu runs)", index,
                 scenario_run_count(sc));
        return -1;
    }
    size_t *choice = calloc(sc->naxes ? sc->naxes : 1, sizeof *choice);
    if (!choice) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    scn_point_choice(sc, index % sc->npoints, choice);
    int rc = scn_build_plan(sc, choice, out, err, errlen);
    free(choice);
    return rc;
}

void scenario_plan_free(struct scenario_plan *p)
{
    for (size_t i = 0; i < p->n; i++) {
        param_free(p->inst[i].def, p->inst[i].config);
        free(p->inst[i].config);
    }
    free(p->inst);
    p->inst = NULL;
    p->n = 0;
}
