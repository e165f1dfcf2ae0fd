/* scenario.c - loading a scenario: top level, overrides, record section (see scenario.h).
 *
 * Order of work in scenario_load(): parse YAML; check the top-level keys; apply `--set`
 * overrides (they may add keys or make new sweep axes); analyse the sweep; parse `record`;
 * then validate every parameter point by building its plan and throwing it away, so that a
 * scenario that loads is a scenario whose every run builds. Validation is cheap next to a
 * run (a few microseconds per instance), so even large sweeps are checked in full.
 */
#include "sim/scenario_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/results.h"
#include "sim/strdist.h"

static const char *const top_keys[] = { "name", "duration", "seed", "nodes", "links",
                                        "apps", "record", "sweep" };
#define NTOP (sizeof top_keys / sizeof top_keys[0])
static const char *const sections[] = { "nodes", "links", "apps" };

const struct sdoc_node *scn_top(const struct scenario *sc, const char *key, const size_t *choice)
{
    const struct sdoc_node *n = sdoc_map_get(sdoc_root(sc->doc), key);
    return n ? scn_value(n, choice) : NULL;
}

static int check_top(struct scenario *sc, char *err, size_t errlen)
{
    struct sdoc_node *root = sdoc_root(sc->doc);
    if (root->type != SDOC_MAP)
        return sdoc_error(root, err, errlen,
                          "expected a mapping with name, duration, nodes, links, apps; found %s",
                          sdoc_type_name(root->type));
    for (size_t i = 0; i < root->n; i++) {
        const char *k = root->keys[i]->scalar;
        bool known = false;
        for (size_t j = 0; j < NTOP; j++)
            known |= strcmp(k, top_keys[j]) == 0;
        if (!known) {
            sdoc_error(root->keys[i], err, errlen,
                       "unknown section \"%s\": expected one of name, duration, seed, nodes, "
                       "links, apps, record, sweep", k);
            strdist_hint(err, errlen, k, top_keys, NTOP);
            return -1;
        }
    }
    const struct sdoc_node *name = sdoc_map_get(root, "name");
    if (!name)
        return sdoc_error(root, err, errlen, "missing required \"name\" (the scenario's name)");
    if (name->type != SDOC_SCALAR || strlen(name->scalar) == 0 ||
        strlen(name->scalar) >= sizeof sc->name)
        return sdoc_error(name, err, errlen, "name: expected a non-empty string of at most %d "
                          "characters", (int)sizeof sc->name - 1);
    snprintf(sc->name, sizeof sc->name, "%s", name->scalar);
    if (!sdoc_map_get(root, "duration"))
        return sdoc_error(root, err, errlen,
                          "missing required \"duration\" (simulated time with a unit, e.g. 10s)");
    for (size_t s = 0; s < 3; s++) {
        const struct sdoc_node *sec = sdoc_map_get(root, sections[s]);
        if (sec && sec->type != SDOC_SEQ)
            return sdoc_error(sec, err, errlen, "%s: expected a list of entries (\"- name: ...\"),"
                              " found %s", sections[s], sdoc_type_name(sec->type));
    }
    return 0;
}

int scn_resolve_path(struct scenario *sc, const char *path, const struct sdoc_node *at,
                     struct sdoc_node **map, const char **key, int *section, char *err,
                     size_t errlen)
{
    struct sdoc_node *root = sdoc_root(sc->doc);
    const char *d1 = strchr(path, '.');
    if (!d1) {
        if (strcmp(path, "duration") && strcmp(path, "seed"))
            return sdoc_error(at, err, errlen, "\"%s\": expected duration, seed or "
                              "nodes|links|apps.NAME.PARAM", path);
        *map = root;
        *key = path;
        *section = -1;
        return 0;
    }
    const char *d2 = strchr(d1 + 1, '.');
    size_t slen = (size_t)(d1 - path);
    int s = -1;
    for (int i = 0; i < 3; i++)
        if (strlen(sections[i]) == slen && strncmp(path, sections[i], slen) == 0)
            s = i;
    if (s < 0 || !d2 || strchr(d2 + 1, '.') || d2[1] == '\0') {
        sdoc_error(at, err, errlen, "\"%s\": expected duration, seed or "
                   "nodes|links|apps.NAME.PARAM", path);
        if (s < 0) {
            char sec[64];
            snprintf(sec, sizeof sec, "%.*s", (int)(slen < 63 ? slen : 63), path);
            strdist_hint(err, errlen, sec, sections, 3);
        }
        return -1;
    }
    char entry[PARAM_STRING_MAX];
    size_t elen = (size_t)(d2 - d1 - 1);
    if (elen >= sizeof entry)
        return sdoc_error(at, err, errlen, "\"%s\": entry name too long", path);
    memcpy(entry, d1 + 1, elen);
    entry[elen] = '\0';
    const struct sdoc_node *sec = sdoc_map_get(root, sections[s]);
    const char *names[256];
    size_t nn = 0;
    for (size_t i = 0; sec && i < sec->n; i++) {
        const struct sdoc_node *nm = sdoc_map_get(sec->items[i], "name");
        if (!nm || nm->type != SDOC_SCALAR)
            continue;
        if (strcmp(nm->scalar, entry) == 0) {
            *map = sec->items[i];
            *key = d2 + 1;
            *section = s;
            return 0;
        }
        if (nn < 256)
            names[nn++] = nm->scalar;
    }
    sdoc_error(at, err, errlen, "\"%s\": no entry named \"%s\" in %s", path, entry, sections[s]);
    strdist_hint(err, errlen, entry, names, nn);
    return -1;
}

/* One point of a --set sweep of list values: the list's text form as a sequence. */
static struct sdoc_node *override_list(struct scenario *sc, const char *file, const char *text)
{
    struct param_list l;
    char perr[64];
    struct sdoc_node *seq = sdoc_new_seq(sc->doc, file, 1);
    if (!seq || param_list_parse(text, &l, perr, sizeof perr) < 0)
        return NULL;
    for (size_t i = 0; i < l.n; i++) {
        struct sdoc_node *item = sdoc_new_scalar(sc->doc, file, 1, l.items[i]);
        if (!item || sdoc_seq_push(sc->doc, seq, item) < 0) {
            seq = NULL;
            break;
        }
    }
    param_list_free(&l);
    return seq;
}

/* "[a, b]" -> list node; anything else -> scalar node. For a list parameter, the scalar is
 * the list's text form and "[a; b, c]" a sweep whose points are the lists (a, b) and (c),
 * the same nodes as `[[a, b], [c]]` in the file, hence the same run ids. */
static struct sdoc_node *override_value(struct scenario *sc, const char *file, const char *v,
                                        bool list)
{
    size_t len = strlen(v);
    if (len < 2 || v[0] != '[' || v[len - 1] != ']')
        return sdoc_new_scalar(sc->doc, file, 1, v);
    struct sdoc_node *seq = sdoc_new_seq(sc->doc, file, 1);
    char *copy = strdup(v + 1);
    if (!seq || !copy) {
        free(copy);
        return NULL;
    }
    copy[len - 2] = '\0';
    char *save = NULL;
    for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        while (*tok == ' ')
            tok++;
        size_t tl = strlen(tok);
        while (tl > 0 && tok[tl - 1] == ' ')
            tok[--tl] = '\0';
        struct sdoc_node *item = list ? override_list(sc, file, tok)
                                      : sdoc_new_scalar(sc->doc, file, 1, tok);
        if (!item || sdoc_seq_push(sc->doc, seq, item) < 0) {
            free(copy);
            return NULL;
        }
    }
    free(copy);
    return seq;
}

static int apply_sets(struct scenario *sc, const char *const *sets, size_t nsets, char *err,
                      size_t errlen)
{
    for (size_t i = 0; i < nsets; i++) {
        const char *eq = strchr(sets[i], '=');
        char file[PARAM_STRING_MAX + 8], path[PARAM_STRING_MAX];
        size_t plen = eq ? (size_t)(eq - sets[i]) : strlen(sets[i]);
        if (plen >= sizeof path)
            plen = sizeof path - 1;
        memcpy(path, sets[i], plen);
        path[plen] = '\0';
        snprintf(file, sizeof file, "--set %s", path);
        struct sdoc_node at = { .file = file };
        if (!eq || eq == sets[i])
            return sdoc_error(&at, err, errlen, "expected PATH=VALUE, e.g. "
                              "links.bottleneck.rate=20Mbps");
        struct sdoc_node *map;
        const char *key;
        int section;
        if (scn_resolve_path(sc, path, &at, &map, &key, &section, err, errlen) < 0)
            return -1;
        if (strcmp(key, "name") == 0)
            return sdoc_error(&at, err, errlen, "an entry's name cannot be overridden");
        bool list = section >= 0 && scn_key_is_list(map, (size_t)section, key);
        struct sdoc_node *v = override_value(sc, file, eq + 1, list);
        if (!v || sdoc_map_set(sc->doc, map, key, v) < 0)
            return sdoc_error(&at, err, errlen, "out of memory");
    }
    return 0;
}

static int record_rule(const struct sdoc_node *k, const struct sdoc_node *v,
                       struct scenario_record_rule *r, char *err, size_t errlen)
{
    static const char *const on[] = { "on", "true", "yes" }, *const off[] = { "off", "false",
                                                                               "no" };
    char perr[256];
    r->pattern = k->scalar;
    if (results_pattern_check(k->scalar, perr, sizeof perr) < 0)
        return sdoc_error(k, err, errlen, "%s", perr);
    if (v->type != SDOC_SCALAR)
        return sdoc_error(v, err, errlen, "record \"%s\": expected on, off or a sampling "
                          "interval (e.g. 10ms), found %s", k->scalar, sdoc_type_name(v->type));
    for (size_t i = 0; i < 3; i++) {
        if (strcmp(v->scalar, on[i]) == 0) {
            r->on = true;
            return 0;
        }
        if (strcmp(v->scalar, off[i]) == 0) {
            r->on = false;
            return 0;
        }
    }
    char uerr[256];
    if (time_parse(v->scalar, &r->interval, uerr, sizeof uerr) < 0 || r->interval <= 0)
        return sdoc_error(v, err, errlen, "record \"%s\": expected on, off or a positive "
                          "sampling interval (e.g. 10ms), found \"%s\"", k->scalar, v->scalar);
    r->on = true;
    return 0;
}

static int parse_record(struct scenario *sc, char *err, size_t errlen)
{
    const struct sdoc_node *n = sdoc_map_get(sdoc_root(sc->doc), "record");
    if (!n)
        return 0;
    if (n->type == SDOC_SEQ) {
        /* A list of patterns: each switched on (shorthand after a "*": off rule). */
        for (size_t i = 0; i < n->n; i++)
            if (n->items[i]->type != SDOC_SCALAR)
                return sdoc_error(n->items[i], err, errlen, "record: expected a pattern such "
                                  "as \"vector:*.qlen\"");
    } else if (n->type != SDOC_MAP) {
        return sdoc_error(n, err, errlen, "record: expected a mapping of patterns to on, off or "
                          "an interval (\"vector:*\": off)");
    }
    struct scenario_record_rule *rules = calloc(n->n ? n->n : 1, sizeof *rules);
    if (!rules)
        return sdoc_error(n, err, errlen, "out of memory");
    sc->rules = rules;
    sc->rec.rules = rules;
    sc->rec.n = n->n;
    for (size_t i = 0; i < n->n; i++) {
        if (n->type == SDOC_SEQ) {
            char perr[256];
            rules[i] = (struct scenario_record_rule){ .pattern = n->items[i]->scalar, .on = true };
            if (results_pattern_check(rules[i].pattern, perr, sizeof perr) < 0)
                return sdoc_error(n->items[i], err, errlen, "%s", perr);
            continue;
        }
        if (record_rule(n->keys[i], n->items[i], &rules[i], err, errlen) < 0)
            return -1;
    }
    return 0;
}

int scenario_load(const char *path, const char *const *sets, size_t nsets, struct scenario **out,
                  char *err, size_t errlen)
{
    struct scenario *sc = calloc(1, sizeof *sc);
    if (!sc || !(sc->path = strdup(path))) {
        free(sc);
        snprintf(err, errlen, "%s: out of memory", path);
        return -1;
    }
    size_t *choice = NULL;
    if (sdoc_load_file(path, &sc->doc, err, errlen) < 0 || check_top(sc, err, errlen) < 0 ||
        apply_sets(sc, sets, nsets, err, errlen) < 0 || scn_sweep_analyse(sc, err, errlen) < 0 ||
        parse_record(sc, err, errlen) < 0)
        goto fail;
    choice = calloc(sc->naxes ? sc->naxes : 1, sizeof *choice);
    if (!choice)
        goto fail;
    for (size_t p = 0; p < sc->npoints; p++) {
        scn_point_choice(sc, p, choice);
        if (scn_build_plan(sc, choice, NULL, err, errlen) < 0)
            goto fail;
    }
    free(choice);
    if (scn_scenario_hash(sc) < 0) {
        snprintf(err, errlen, "%s: out of memory", path);
        goto fail;
    }
    *out = sc;
    return 0;
fail:
    free(choice);
    scenario_free(sc);
    return -1;
}

void scenario_free(struct scenario *sc)
{
    if (!sc)
        return;
    sdoc_free(sc->doc);
    for (size_t i = 0; i < sc->naxes; i++)
        free(sc->axis_names[i]);
    free(sc->axis_names);
    free(sc->axes);
    free(sc->rules);
    free(sc->path);
    free(sc);
}

const char *scenario_name(const struct scenario *sc) { return sc->name; }
const char *scenario_path(const struct scenario *sc) { return sc->path; }
const char *scenario_hash(const struct scenario *sc) { return sc->hash; }
size_t scenario_point_count(const struct scenario *sc) { return sc->npoints; }
unsigned scenario_repeat(const struct scenario *sc) { return sc->repeat; }
size_t scenario_run_count(const struct scenario *sc) { return sc->npoints * sc->repeat; }
bool scenario_is_zip(const struct scenario *sc) { return sc->zip; }
size_t scenario_axis_count(const struct scenario *sc) { return sc->naxes; }
const char *scenario_axis_name(const struct scenario *sc, size_t a) { return sc->axis_names[a]; }
size_t scenario_axis_len(const struct scenario *sc, size_t a) { return sc->axes[a]->n; }
const struct scenario_record *scenario_record(const struct scenario *sc) { return &sc->rec; }

const char *scenario_axis_value(const struct scenario *sc, size_t a, size_t i)
{
    return sc->axes[a]->items[i]->scalar;
}
