/* scenario_sweep.c - sweep axes, run numbering and run ids (see scenario.h).
 *
 * An axis is a list standing where one scalar value is expected: inline
 * (`rate: [10Mbps, 20Mbps]`), from `sweep.axes` (path: list, grafted into the entry), or from
 * `--set path=[a,b]`. Where the value is itself a list (a PARAM_LIST parameter), a sequence
 * of scalars is that one value and a sequence of sequences is the axis, each inner sequence
 * one point (`routes: [[a, b], [c]]`); in `sweep.axes` every item is a point, a sequence or
 * a string in the list's text form. Mixed shapes are refused at the item that differs.
 * `sweep.mode` is product (every combination; the first axis varies slowest) or zip (the
 * i-th values of all axes together; lengths must match). Axes named in `sweep.axes` come
 * first in the order listed, then inline lists in document order.
 *
 * Run ids hash the canonical text of the resolved scenario: maps with sorted keys, scalars
 * quoted, axis lists replaced by their chosen value, `sweep` left out; then the repetition.
 * A list value is a sequence like any other, so a point of a sweep of lists hashes as the
 * scenario with that list written in place; nothing else changed, so old ids stand.
 * This is what makes resume safe: an id exists in a database only if exactly that content
 * ran, whatever the file's layout, comments or order of keys.
 */
#include "sim/scenario_impl.h"

#include <nettle/sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/strdist.h"

const struct sdoc_node *scn_value(const struct sdoc_node *n, const size_t *choice)
{
    if (n->type == SDOC_SEQ && n->axis >= 0)
        return n->items[choice[n->axis]];
    return n;
}

/* A growing string for canonical text. */
struct canon {
    char *buf;
    size_t len, cap;
    int oom;
};

static void canon_put(struct canon *c, const char *s, size_t n)
{
    if (c->oom)
        return;
    if (c->len + n + 1 > c->cap) {
        size_t cap = c->cap ? c->cap : 1024;
        while (c->len + n + 1 > cap)
            cap *= 2;
        char *b = realloc(c->buf, cap);
        if (!b) {
            c->oom = 1;
            return;
        }
        c->buf = b;
        c->cap = cap;
    }
    memcpy(c->buf + c->len, s, n);
    c->len += n;
    c->buf[c->len] = '\0';
}

/* The display text of a point of a sweep of lists (scenario_axis_value, the results'
 * parameters): its scalar items joined by "; "; other items are refused by the plan. */
static int point_text(struct scenario *sc, struct sdoc_node *point)
{
    struct canon c = { 0 };
    canon_put(&c, "", 0);
    for (size_t i = 0, k = 0; i < point->n; i++) {
        const struct sdoc_node *it = point->items[i];
        if (it->type != SDOC_SCALAR)
            continue;
        if (k++)
            canon_put(&c, "; ", 2);
        canon_put(&c, it->scalar, strlen(it->scalar));
    }
    int rc = c.oom ? -1 : sdoc_set_text(sc->doc, point, c.buf);
    free(c.buf);
    return rc;
}

/* of_lists: the axis sweeps a list parameter, so its points are sequences (or strings in
 * the list's text form). */
static int add_axis(struct scenario *sc, struct sdoc_node *list, const char *name, bool of_lists,
                    char *err, size_t errlen)
{
    if (list->axis >= 0)
        return 0;
    if (list->n == 0)
        return sdoc_error(list, err, errlen, "%s: empty sweep list: expected at least one value",
                          name);
    for (size_t i = 0; i < list->n; i++) {
        struct sdoc_node *it = list->items[i];
        if (it->type == SDOC_SCALAR)
            continue;
        if (!of_lists)
            return sdoc_error(it, err, errlen, "%s: a sweep list holds scalar values, found %s",
                              name, sdoc_type_name(it->type));
        if (it->type == SDOC_MAP)
            return sdoc_error(it, err, errlen, "%s: a sweep of list values holds lists "
                              "([[a, b], [c]]), found a mapping", name);
        if (point_text(sc, it) < 0)
            return sdoc_error(it, err, errlen, "out of memory");
    }
    struct sdoc_node **axes = realloc(sc->axes, (sc->naxes + 1) * sizeof *axes);
    if (axes)
        sc->axes = axes;
    char **names = realloc(sc->axis_names, (sc->naxes + 1) * sizeof *names);
    if (names)
        sc->axis_names = names;
    char *copy = strdup(name);
    if (!axes || !names || !copy) {
        free(copy);
        return sdoc_error(list, err, errlen, "out of memory");
    }
    sc->axes[sc->naxes] = list;
    sc->axis_names[sc->naxes] = copy;
    list->axis = (int)sc->naxes++;
    return 0;
}

/* What a sequence standing for a list parameter is: 0 one value (scalars, or empty),
 * 1 a sweep (sequences), -1 an error at the first item of the wrong shape. */
static int list_shape(const struct sdoc_node *v, const char *path, char *err, size_t errlen)
{
    if (v->n == 0)
        return 0;
    enum sdoc_type first = v->items[0]->type;
    for (size_t i = 0; i < v->n; i++) {
        const struct sdoc_node *it = v->items[i];
        if (it->type == SDOC_MAP)
            return sdoc_error(it, err, errlen, "%s: item %zu: expected a string (or, for a "
                              "sweep, a list), found a mapping", path, i + 1);
        if (it->type == first)
            continue;
        if (first == SDOC_SCALAR)
            return sdoc_error(it, err, errlen, "%s: item %zu is a list but item 1 is a string: "
                              "a list value holds strings ([a, b]), a sweep of list values "
                              "holds only lists ([[a, b], [c]])", path, i + 1);
        return sdoc_error(it, err, errlen, "%s: item %zu is a string but item 1 is a list: a "
                          "sweep of list values holds only lists ([[a, b], [c]]; [x] for one "
                          "item)", path, i + 1);
    }
    return first == SDOC_SEQ;
}

/* Inline lists in document order. */
static int find_inline_axes(struct scenario *sc, char *err, size_t errlen)
{
    static const char *const sections[] = { "nodes", "links", "apps" };
    struct sdoc_node *root = sdoc_root(sc->doc);
    static const char *const top[] = { "duration", "seed" };
    for (size_t i = 0; i < 2; i++) {
        struct sdoc_node *v = sdoc_map_get(root, top[i]);
        if (v && v->type == SDOC_SEQ && add_axis(sc, v, top[i], false, err, errlen) < 0)
            return -1;
    }
    for (size_t s = 0; s < 3; s++) {
        const struct sdoc_node *sec = sdoc_map_get(root, sections[s]);
        for (size_t e = 0; sec && e < sec->n; e++) {
            struct sdoc_node *entry = sec->items[e];
            if (entry->type != SDOC_MAP)
                continue; /* reported by the plan builder with the expected shape */
            const struct sdoc_node *nm = sdoc_map_get(entry, "name");
            for (size_t k = 0; k < entry->n; k++) {
                struct sdoc_node *v = entry->items[k];
                if (v->type != SDOC_SEQ || v->axis >= 0)
                    continue;
                if (strcmp(entry->keys[k]->scalar, "name") == 0)
                    return sdoc_error(v, err, errlen, "name: expected one string; an entry's "
                                      "name cannot be a sweep list");
                char path[3 * PARAM_STRING_MAX];
                snprintf(path, sizeof path, "%s.%s.%s", sections[s],
                         nm && nm->type == SDOC_SCALAR ? nm->scalar : "?",
                         entry->keys[k]->scalar);
                bool list = scn_key_is_list(entry, s, entry->keys[k]->scalar);
                int sweep = list ? list_shape(v, path, err, errlen) : 1;
                if (sweep < 0 || (sweep && add_axis(sc, v, path, list, err, errlen) < 0))
                    return -1;
            }
        }
    }
    return 0;
}

static int sweep_axes(struct scenario *sc, const struct sdoc_node *axes, char *err, size_t errlen)
{
    struct sdoc_node *map;
    const char *key;
    int section;
    if (axes->type == SDOC_SEQ) {
        /* A list of paths: orders existing inline lists. */
        for (size_t i = 0; i < axes->n; i++) {
            const struct sdoc_node *p = axes->items[i];
            if (p->type != SDOC_SCALAR)
                return sdoc_error(p, err, errlen, "sweep.axes: expected a parameter path such "
                                  "as links.bottleneck.rate");
            if (scn_resolve_path(sc, p->scalar, p, &map, &key, &section, err, errlen) < 0)
                return -1;
            struct sdoc_node *v = sdoc_map_get(map, key);
            if (!v || v->type != SDOC_SEQ)
                return sdoc_error(p, err, errlen, "sweep.axes: \"%s\" is not a list of values; "
                                  "write the list there or use \"%s: [a, b]\" here",
                                  p->scalar, p->scalar);
            bool list = section >= 0 && scn_key_is_list(map, (size_t)section, key);
            int sweep = list ? list_shape(v, p->scalar, err, errlen) : 1;
            if (sweep < 0)
                return -1;
            if (!sweep)
                return sdoc_error(p, err, errlen, "sweep.axes: \"%s\" is a list parameter whose "
                                  "value at line %d is one list, not a sweep; write a list of "
                                  "lists there ([[a, b], [c]])", p->scalar, v->line);
            if (add_axis(sc, v, p->scalar, list, err, errlen) < 0)
                return -1;
        }
        return 0;
    }
    if (axes->type != SDOC_MAP)
        return sdoc_error(axes, err, errlen, "sweep.axes: expected a mapping of parameter paths "
                          "to lists (links.bottleneck.rate: [10Mbps, 20Mbps]) or a list of paths");
    for (size_t i = 0; i < axes->n; i++) {
        const struct sdoc_node *k = axes->keys[i];
        struct sdoc_node *list = axes->items[i];
        if (list->type != SDOC_SEQ)
            return sdoc_error(list, err, errlen, "sweep.axes.%s: expected a list of values "
                              "([a, b, c]), found %s", k->scalar, sdoc_type_name(list->type));
        if (scn_resolve_path(sc, k->scalar, k, &map, &key, &section, err, errlen) < 0)
            return -1;
        if (strcmp(key, "name") == 0)
            return sdoc_error(k, err, errlen, "an entry's name cannot be a sweep axis");
        bool of_lists = section >= 0 && scn_key_is_list(map, (size_t)section, key);
        const struct sdoc_node *old = sdoc_map_get(map, key);
        if (old && old->type == SDOC_SEQ &&
            (!of_lists || (old->n > 0 && old->items[0]->type == SDOC_SEQ)))
            return sdoc_error(k, err, errlen, "\"%s\" is swept twice: it is already a list at "
                              "line %d", k->scalar, old->line);
        if (add_axis(sc, list, k->scalar, of_lists, err, errlen) < 0)
            return -1;
        if (sdoc_map_set(sc->doc, map, key, list) < 0)
            return sdoc_error(k, err, errlen, "out of memory");
    }
    return 0;
}

int scn_sweep_analyse(struct scenario *sc, char *err, size_t errlen)
{
    static const char *const keys[] = { "mode", "repeat", "axes" };
    sc->repeat = 1;
    const struct sdoc_node *sw = sdoc_map_get(sdoc_root(sc->doc), "sweep");
    if (sw && sw->type != SDOC_MAP)
        return sdoc_error(sw, err, errlen, "sweep: expected a mapping with mode, repeat, axes");
    for (size_t i = 0; sw && i < sw->n; i++) {
        const char *k = sw->keys[i]->scalar;
        const struct sdoc_node *v = sw->items[i];
        if (strcmp(k, "mode") == 0) {
            if (v->type != SDOC_SCALAR || (strcmp(v->scalar, "product") &&
                                           strcmp(v->scalar, "zip")))
                return sdoc_error(v, err, errlen, "sweep.mode: expected product or zip");
            sc->zip = strcmp(v->scalar, "zip") == 0;
        } else if (strcmp(k, "repeat") == 0) {
            char *end;
            unsigned long r = v->type == SDOC_SCALAR ? strtoul(v->scalar, &end, 10) : 0;
            if (v->type != SDOC_SCALAR || v->scalar[0] == '-' || *end || r < 1 ||
                r > 1000000)
                return sdoc_error(v, err, errlen, "sweep.repeat: expected a whole number of "
                                  "repetitions from 1 to 1000000");
            sc->repeat = (unsigned)r;
        } else if (strcmp(k, "axes") == 0) {
            if (sweep_axes(sc, v, err, errlen) < 0)
                return -1;
        } else {
            sdoc_error(sw->keys[i], err, errlen, "sweep: unknown key \"%s\": expected mode, "
                       "repeat or axes", k);
            strdist_hint(err, errlen, k, keys, 3);
            return -1;
        }
    }
    if (find_inline_axes(sc, err, errlen) < 0)
        return -1;
    sc->npoints = 1;
    for (size_t a = 0; a < sc->naxes; a++) {
        size_t len = sc->axes[a]->n;
        if (sc->zip) {
            if (a > 0 && len != sc->axes[0]->n)
                return sdoc_error(sc->axes[a], err, errlen, "sweep.mode zip: %s has %zu values "
                                  "but %s has %zu; zipped axes must have the same length",
                                  sc->axis_names[a], len, sc->axis_names[0], sc->axes[0]->n);
            sc->npoints = len;
        } else {
            if (sc->npoints > SCN_MAX_RUNS / len)
                return sdoc_error(sc->axes[a], err, errlen, "the sweep has more than %u points",
                                  SCN_MAX_RUNS);
            sc->npoints *= len;
        }
    }
    if (sc->npoints > SCN_MAX_RUNS / sc->repeat) {
        const struct sdoc_node *at = sdoc_map_get(sw, "repeat");
        return sdoc_error(at ? at : sdoc_root(sc->doc), err, errlen,
                          "the sweep has more than %u runs", SCN_MAX_RUNS);
    }
    return 0;
}

void scn_point_choice(const struct scenario *sc, size_t point, size_t *choice)
{
    if (sc->zip) {
        for (size_t a = 0; a < sc->naxes; a++)
            choice[a] = point;
        return;
    }
    for (size_t a = sc->naxes; a-- > 0;) {
        size_t len = sc->axes[a]->n;
        choice[a] = point % len;
        point /= len;
    }
}

static void canon_str(struct canon *c, const char *s)
{
    canon_put(c, "\"", 1);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            canon_put(c, "\\", 1);
        canon_put(c, s, 1);
    }
    canon_put(c, "\"", 1);
}

static void canon_node(struct canon *c, const struct sdoc_node *n, const size_t *choice,
                       bool top)
{
    if (choice)
        n = scn_value(n, choice);
    switch (n->type) {
    case SDOC_SCALAR:
        canon_str(c, n->scalar);
        return;
    case SDOC_SEQ:
        canon_put(c, "[", 1);
        for (size_t i = 0; i < n->n; i++) {
            if (i)
                canon_put(c, ",", 1);
            canon_node(c, n->items[i], choice, false);
        }
        canon_put(c, "]", 1);
        return;
    case SDOC_MAP: {
        /* Keys in byte order; n is small (a map's keys), so selection is fine. */
        canon_put(c, "{", 1);
        const char *last = NULL;
        for (size_t done = 0; done < n->n; done++) {
            size_t best = n->n;
            for (size_t i = 0; i < n->n; i++) {
                const char *k = n->keys[i]->scalar;
                if ((last && strcmp(k, last) <= 0) ||
                    (best < n->n && strcmp(k, n->keys[best]->scalar) >= 0))
                    continue;
                best = i;
            }
            last = n->keys[best]->scalar;
            if (top && strcmp(last, "sweep") == 0)
                continue;
            canon_str(c, last);
            canon_put(c, ":", 1);
            canon_node(c, n->items[best], choice, false);
            canon_put(c, ",", 1);
        }
        canon_put(c, "}", 1);
        return;
    }
    }
}

static void sha256_hex(const char *data, size_t len, char *hex, size_t digits)
{
    struct sha256_ctx h;
    uint8_t d[SHA256_DIGEST_SIZE];
    sha256_init(&h);
    sha256_update(&h, len, (const uint8_t *)data);
    sha256_digest(&h, sizeof d, d);
    for (size_t i = 0; i < digits / 2; i++)
        snprintf(hex + 2 * i, 3, "%02x", d[i]);
    hex[digits] = '\0';
}

int scn_run_id(const struct scenario *sc, const size_t *choice, unsigned rep,
               char id[SCENARIO_ID_LEN + 1])
{
    struct canon c = { 0 };
    char tail[64];
    canon_put(&c, "mcpsim-run-v1\n", 14);
    canon_node(&c, sdoc_root(sc->doc), choice, true);
    int n = snprintf(tail, sizeof tail, "\nrepetition=%u\n", rep);
    canon_put(&c, tail, (size_t)n);
    if (c.oom) {
        free(c.buf);
        return -1;
    }
    sha256_hex(c.buf, c.len, id, SCENARIO_ID_LEN);
    free(c.buf);
    return 0;
}

int scn_scenario_hash(struct scenario *sc)
{
    struct canon c = { 0 };
    canon_put(&c, "mcpsim-scenario-v1\n", 19);
    canon_node(&c, sdoc_root(sc->doc), NULL, true);
    if (c.oom) {
        free(c.buf);
        return -1;
    }
    sha256_hex(c.buf, c.len, sc->hash, 64);
    free(c.buf);
    return 0;
}

int scenario_run_info(const struct scenario *sc, size_t index, struct scenario_run *out)
{
    if (index >= scenario_run_count(sc))
        return -1;
    return scenario_run_at(sc, index % sc->npoints, (unsigned)(index / sc->npoints), out);
}

int scenario_run_at(const struct scenario *sc, size_t point, unsigned rep,
                    struct scenario_run *out)
{
    if (point >= sc->npoints)
        return -1;
    size_t choice_stack[16];
    size_t *choice = sc->naxes <= 16 ? choice_stack : malloc(sc->naxes * sizeof *choice);
    if (!choice)
        return -1;
    out->index = (size_t)rep * sc->npoints + point;
    out->point = point;
    out->rep = rep;
    scn_point_choice(sc, out->point, choice);
    int rc = scn_run_id(sc, choice, out->rep, out->id);
    /* Both were validated at load time; these parses cannot fail here. */
    const struct sdoc_node *seed = scn_top(sc, "seed", choice);
    out->seed = seed ? strtoull(seed->scalar, NULL, 0) : 1;
    char e[8];
    if (time_parse(scn_top(sc, "duration", choice)->scalar, &out->duration, e, sizeof e) < 0)
        rc = -1;
    if (choice != choice_stack)
        free(choice);
    return rc;
}

const char *scenario_point_axis_value(const struct scenario *sc, size_t point, size_t axis)
{
    if (sc->zip)
        return sc->axes[axis]->items[point]->scalar;
    for (size_t a = sc->naxes; a-- > axis + 1;)
        point /= sc->axes[a]->n;
    return sc->axes[axis]->items[point % sc->axes[axis]->n]->scalar;
}
