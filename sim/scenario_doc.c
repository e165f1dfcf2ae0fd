/* scenario_doc.c - YAML to a positioned tree (see scenario_doc.h).
 *
 * libyaml's document API does the parsing; this file copies its nodes into sdoc_node trees so
 * that the rest of the loader works on one plain structure with positions. Everything the
 * doc allocates is recorded in one list and released together, so overrides can graft nodes
 * anywhere without ownership rules. Aliases are expanded by copying; the copy is bounded
 * (depth and total nodes) because "billion laughs" alias bombs are legal YAML.
 */
#include "sim/scenario_doc.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "sim/textclip.h"

#define SDOC_MAX_DEPTH 64
#define SDOC_MAX_NODES 250000 /* far above any hand-written file; bounds alias bombs */
#define SDOC_MAX_BYTES (16 << 20) /* a scenario is hand-written text; bounds `check /dev/urandom` */

struct sdoc {
    struct sdoc_node *root;
    void **allocs;
    size_t nallocs, cap;
    size_t nnodes;
    char *file; /* the document's file name */
};

static void *doc_alloc(struct sdoc *d, size_t size)
{
    if (d->nallocs == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 64;
        void **a = realloc(d->allocs, cap * sizeof *a);
        if (!a)
            return NULL;
        d->allocs = a;
        d->cap = cap;
    }
    void *p = calloc(1, size);
    if (p)
        d->allocs[d->nallocs++] = p;
    return p;
}

static char *doc_strdup(struct sdoc *d, const char *s, size_t len)
{
    char *p = doc_alloc(d, len + 1);
    if (p)
        memcpy(p, s, len);
    return p;
}

static struct sdoc_node *doc_node(struct sdoc *d, enum sdoc_type t, const char *file, int line,
                                  int col)
{
    struct sdoc_node *n = doc_alloc(d, sizeof *n);
    if (!n)
        return NULL;
    n->type = t;
    n->file = file;
    n->line = line;
    n->col = col;
    n->axis = -1;
    d->nnodes++;
    return n;
}

int sdoc_error(const struct sdoc_node *at, char *err, size_t errlen, const char *fmt, ...)
{
    int off = 0;
    if (at && at->line > 0)
        off = snprintf(err, errlen, "%s:%d:%d: ", at->file, at->line, at->col);
    else if (at)
        off = snprintf(err, errlen, "%s: ", at->file);
    if (off < 0 || (size_t)off >= errlen)
        return -1;
    /* Formatted in full first, so that clipping a long quoted value keeps the end of the
     * message (what was expected) inside err. */
    va_list ap, again;
    va_start(ap, fmt);
    va_copy(again, ap);
    int need = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *full = need >= 0 ? malloc((size_t)need + 1) : NULL;
    if (full) {
        vsnprintf(full, (size_t)need + 1, fmt, again);
        text_clip_quotes(full);
        snprintf(err + off, errlen - (size_t)off, "%s", full);
        free(full);
    } else {
        vsnprintf(err + off, errlen - (size_t)off, fmt, again);
        text_clip_quotes(err);
    }
    va_end(again);
    return -1;
}

const char *sdoc_type_name(enum sdoc_type t)
{
    switch (t) {
    case SDOC_SCALAR: return "a scalar";
    case SDOC_SEQ: return "a list";
    case SDOC_MAP: return "a mapping";
    }
    return "?";
}

/* The anchors seen so far, in document order; an alias names the latest one of its name. */
struct anchor {
    char *name;
    struct sdoc_node *node;
};

struct composer {
    struct sdoc *d;
    yaml_parser_t *p;
    struct anchor *anchors;
    size_t nanchors, cap;
    char *err;
    size_t errlen;
};

static int compose_error(struct composer *c, const yaml_mark_t *m, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int compose_error(struct composer *c, const yaml_mark_t *m, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    struct sdoc_node at = { .file = c->d->file, .line = (int)m->line + 1,
                            .col = (int)m->column + 1 };
    return sdoc_error(&at, c->err, c->errlen, "%s", msg);
}

static void parser_error(struct composer *c)
{
    const yaml_parser_t *p = c->p;
    const yaml_mark_t *m = p->problem ? &p->problem_mark : &p->context_mark;
    if (p->error == YAML_MEMORY_ERROR) {
        snprintf(c->err, c->errlen, "%s: out of memory while parsing", c->d->file);
        return;
    }
    if (p->context)
        compose_error(c, m, "YAML syntax error: %s %s that started at line %d",
                      p->problem ? p->problem : "error", p->context,
                      (int)p->context_mark.line + 1);
    else
        compose_error(c, m, "YAML syntax error: %s", p->problem ? p->problem : "error");
}

static int next_event(struct composer *c, yaml_event_t *ev)
{
    if (yaml_parser_parse(c->p, ev))
        return 0;
    parser_error(c);
    return -1;
}

static int oom(struct composer *c)
{
    snprintf(c->err, c->errlen, "%s: out of memory", c->d->file);
    return -1;
}

/* A node of the document; refuses it when the node budget is spent (alias bombs). */
static struct sdoc_node *budget_node(struct composer *c, enum sdoc_type t, const yaml_mark_t *m)
{
    if (c->d->nnodes >= SDOC_MAX_NODES) {
        compose_error(c, m, "document expands to more than %d nodes (alias bomb?)",
                      SDOC_MAX_NODES);
        return NULL;
    }
    struct sdoc_node *n = doc_node(c->d, t, c->d->file, (int)m->line + 1, (int)m->column + 1);
    if (!n)
        oom(c);
    return n;
}

/* Copies an anchored subtree for the alias at `use`. The copy's root takes the alias's
 * position (an error about the value then points where it is used); the nodes inside keep
 * theirs. An exhausted budget is reported at the alias. Strings are shared: nothing modifies
 * a scalar in place. */
static struct sdoc_node *copy_tree(struct composer *c, const struct sdoc_node *src,
                                   const yaml_mark_t *use, bool root)
{
    struct sdoc_node *n = budget_node(c, src->type, use);
    if (!n)
        return NULL;
    if (!root) {
        n->line = src->line;
        n->col = src->col;
    }
    n->scalar = src->scalar;
    if (src->type == SDOC_SCALAR)
        return n;
    size_t cnt = src->n;
    n->items = doc_alloc(c->d, (cnt ? cnt : 1) * sizeof *n->items);
    n->keys = src->keys ? doc_alloc(c->d, (cnt ? cnt : 1) * sizeof *n->keys) : NULL;
    if (!n->items || (src->keys && !n->keys))
        return oom(c), NULL;
    for (size_t i = 0; i < cnt; i++) {
        if (src->keys && !(n->keys[i] = copy_tree(c, src->keys[i], use, false)))
            return NULL;
        if (!(n->items[i] = copy_tree(c, src->items[i], use, false)))
            return NULL;
    }
    n->n = cnt;
    return n;
}

static int add_anchor(struct composer *c, const yaml_char_t *name, struct sdoc_node *n)
{
    if (!name)
        return 0;
    if (c->nanchors == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 16;
        struct anchor *a = realloc(c->anchors, cap * sizeof *a);
        if (!a)
            return oom(c);
        c->anchors = a;
        c->cap = cap;
    }
    const char *s = (const char *)name;
    char *copy = doc_strdup(c->d, s, strlen(s));
    if (!copy)
        return oom(c);
    c->anchors[c->nanchors++] = (struct anchor){ copy, n };
    return 0;
}

static struct sdoc_node *compose_node(struct composer *c, yaml_event_t *ev, int depth);

/* The items of a sequence or the pairs of a mapping, up to its end event. */
static int compose_children(struct composer *c, struct sdoc_node *n, int depth)
{
    size_t cap = 0;
    bool map = n->type == SDOC_MAP;
    for (;;) {
        yaml_event_t ev;
        if (next_event(c, &ev) < 0)
            return -1;
        if (ev.type == YAML_SEQUENCE_END_EVENT || ev.type == YAML_MAPPING_END_EVENT) {
            yaml_event_delete(&ev);
            return 0;
        }
        struct sdoc_node *k = compose_node(c, &ev, depth + 1), *v = NULL;
        yaml_event_delete(&ev);
        if (!k)
            return -1;
        if (map) {
            if (k->type != SDOC_SCALAR)
                return sdoc_error(k, c->err, c->errlen, "expected a plain key, found %s",
                                  sdoc_type_name(k->type));
            for (size_t j = 0; j < n->n; j++)
                if (strcmp(n->keys[j]->scalar, k->scalar) == 0)
                    return sdoc_error(k, c->err, c->errlen, "duplicate key \"%s\" (first at "
                                      "line %d)", k->scalar, n->keys[j]->line);
            if (next_event(c, &ev) < 0)
                return -1;
            v = compose_node(c, &ev, depth + 1);
            yaml_event_delete(&ev);
            if (!v)
                return -1;
        }
        if (n->n == cap) {
            /* Arrays live in the doc's allocation list: grow by doubling, old ones stay
             * until the doc is freed (bounded by twice the final size). */
            size_t ncap = cap ? cap * 2 : 4;
            struct sdoc_node **items = doc_alloc(c->d, ncap * sizeof *items);
            struct sdoc_node **keys = map ? doc_alloc(c->d, ncap * sizeof *keys) : NULL;
            if (!items || (map && !keys))
                return oom(c);
            if (n->n) {
                memcpy(items, n->items, n->n * sizeof *items);
                if (map)
                    memcpy(keys, n->keys, n->n * sizeof *keys);
            }
            n->items = items;
            n->keys = keys;
            cap = ncap;
        }
        if (map) {
            n->keys[n->n] = k;
            n->items[n->n++] = v;
        } else {
            n->items[n->n++] = k;
        }
    }
}

/* Builds the node that starts with event ev (which the caller deletes). The depth is checked
 * before libyaml reads further: its scanner keeps one "simple key" per open flow level and
 * revisits all of them at every token, so `[[[[...` nested 100000 deep costs it quadratic
 * time; stopping at SDOC_MAX_DEPTH keeps every file linear. */
static struct sdoc_node *compose_node(struct composer *c, yaml_event_t *ev, int depth)
{
    const yaml_mark_t *m = &ev->start_mark;
    switch (ev->type) {
    case YAML_SCALAR_EVENT: {
        struct sdoc_node *n = budget_node(c, SDOC_SCALAR, m);
        if (!n)
            return NULL;
        const char *v = (const char *)ev->data.scalar.value;
        size_t len = ev->data.scalar.length;
        if (!(n->scalar = doc_strdup(c->d, v, len)))
            return oom(c), NULL;
        if (strlen(n->scalar) != len) {
            sdoc_error(n, c->err, c->errlen, "scalar contains a NUL character");
            return NULL;
        }
        return add_anchor(c, ev->data.scalar.anchor, n) < 0 ? NULL : n;
    }
    case YAML_SEQUENCE_START_EVENT:
    case YAML_MAPPING_START_EVENT: {
        if (depth >= SDOC_MAX_DEPTH) {
            compose_error(c, m, "nesting deeper than %d levels", SDOC_MAX_DEPTH);
            return NULL;
        }
        bool map = ev->type == YAML_MAPPING_START_EVENT;
        struct sdoc_node *n = budget_node(c, map ? SDOC_MAP : SDOC_SEQ, m);
        const yaml_char_t *anchor = map ? ev->data.mapping_start.anchor
                                        : ev->data.sequence_start.anchor;
        if (!n || compose_children(c, n, depth) < 0)
            return NULL;
        /* Registered once complete, so an alias inside its own anchor is undefined (no
         * cycles). */
        return add_anchor(c, anchor, n) < 0 ? NULL : n;
    }
    case YAML_ALIAS_EVENT: {
        const char *name = (const char *)ev->data.alias.anchor;
        for (size_t i = c->nanchors; i-- > 0;)
            if (strcmp(c->anchors[i].name, name) == 0)
                return copy_tree(c, c->anchors[i].node, m, true);
        compose_error(c, m, "alias *%.40s: no anchor &%.40s before it", name, name);
        return NULL;
    }
    default:
        compose_error(c, m, "YAML: unexpected event %d", (int)ev->type);
        return NULL;
    }
}

/* The stream: one document whose root is built, then the end of the stream. */
static int compose(struct composer *c)
{
    yaml_event_t ev;
    if (next_event(c, &ev) < 0)
        return -1;
    yaml_event_delete(&ev); /* STREAM-START */
    if (next_event(c, &ev) < 0)
        return -1;
    if (ev.type == YAML_STREAM_END_EVENT) {
        yaml_event_delete(&ev);
        snprintf(c->err, c->errlen, "%s:1:1: empty scenario: expected a mapping with name, "
                 "duration, nodes, links, apps", c->d->file);
        return -1;
    }
    yaml_event_delete(&ev); /* DOCUMENT-START */
    if (next_event(c, &ev) < 0)
        return -1;
    c->d->root = compose_node(c, &ev, 0);
    yaml_event_delete(&ev);
    if (!c->d->root || next_event(c, &ev) < 0)
        return -1;
    yaml_event_delete(&ev); /* DOCUMENT-END */
    if (next_event(c, &ev) < 0)
        return -1;
    int rc = 0;
    if (ev.type == YAML_DOCUMENT_START_EVENT)
        rc = compose_error(c, &ev.start_mark, "a second YAML document: expected one scenario "
                           "per file");
    yaml_event_delete(&ev);
    return rc;
}

/* Checks the bytes before libyaml sees them, so that a damaged file is reported where the
 * damage is: libyaml reports invalid UTF-8 at the start of its read buffer, and takes a
 * stray byte-order mark for the start of a token. UTF-8 only (YAML's UTF-16 forms are
 * refused by name); a leading byte-order mark is skipped; then every character must be
 * printable in YAML's sense (tab, line breaks, no C0/C1 controls but NEL, no U+FEFF,
 * U+FFFE, U+FFFF). Lines and columns count as libyaml counts them: CR LF is one break,
 * a column is a character. */
static int check_bytes(const struct sdoc *d, const unsigned char *s, size_t len, char *err,
                       size_t errlen)
{
    struct sdoc_node at = { .file = d->file, .line = 1, .col = 1 };
    if (len >= 2 && ((s[0] == 0xff && s[1] == 0xfe) || (s[0] == 0xfe && s[1] == 0xff)))
        return sdoc_error(&at, err, errlen, "the file is UTF-16: expected UTF-8");
    size_t i = len >= 3 && s[0] == 0xef && s[1] == 0xbb && s[2] == 0xbf ? 3 : 0;
    while (i < len) {
        unsigned char b = s[i];
        uint32_t cp;
        size_t n;
        if (b < 0x80) {
            cp = b;
            n = 1;
        } else if (b >= 0xc2 && b <= 0xdf) {
            cp = b & 0x1f;
            n = 2;
        } else if (b >= 0xe0 && b <= 0xef) {
            cp = b & 0x0f;
            n = 3;
        } else if (b >= 0xf0 && b <= 0xf4) {
            cp = b & 0x07;
            n = 4;
        } else {
            return sdoc_error(&at, err, errlen, "invalid UTF-8 byte 0x%02x: expected UTF-8 "
                              "text", b);
        }
        for (size_t k = 1; k < n; k++) {
            if (i + k >= len || (s[i + k] & 0xc0) != 0x80)
                return sdoc_error(&at, err, errlen, "truncated UTF-8 sequence: expected "
                                  "UTF-8 text");
            cp = cp << 6 | (s[i + k] & 0x3f);
        }
        static const uint32_t least[5] = { 0, 0, 0x80, 0x800, 0x10000 };
        if (cp < least[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return sdoc_error(&at, err, errlen, "invalid UTF-8 sequence: expected UTF-8 text");
        if (cp == 0xfeff)
            return sdoc_error(&at, err, errlen, "a byte-order mark (U+FEFF) inside the file: "
                              "it may only be its first character");
        if ((cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || cp == 0x7f ||
            (cp >= 0x80 && cp <= 0x9f && cp != 0x85) || cp == 0xfffe || cp == 0xffff)
            return sdoc_error(&at, err, errlen, "control character U+%04X: expected printable "
                              "text", (unsigned)cp);
        i += n;
        if (cp == '\n' || (cp == '\r' && (i >= len || s[i] != '\n'))) {
            at.line++;
            at.col = 1;
        } else if (cp != '\r') {
            at.col++;
        }
    }
    return 0;
}

int sdoc_load_string(const char *name, const char *text, size_t len, struct sdoc **out,
                     char *err, size_t errlen)
{
    struct sdoc *d = calloc(1, sizeof *d);
    if (!d || !(d->file = strdup(name))) {
        free(d);
        snprintf(err, errlen, "%s: out of memory", name);
        return -1;
    }
    if (len > SDOC_MAX_BYTES) {
        snprintf(err, errlen, "%s: larger than %d MiB: expected a scenario file", name,
                 SDOC_MAX_BYTES >> 20);
        sdoc_free(d);
        return -1;
    }
    if (check_bytes(d, (const unsigned char *)text, len, err, errlen) < 0) {
        sdoc_free(d);
        return -1;
    }
    yaml_parser_t p;
    if (!yaml_parser_initialize(&p)) {
        snprintf(err, errlen, "%s: cannot initialise the YAML parser", name);
        sdoc_free(d);
        return -1;
    }
    yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
    yaml_parser_set_encoding(&p, YAML_UTF8_ENCODING);
    struct composer c = { .d = d, .p = &p, .err = err, .errlen = errlen };
    int rc = compose(&c);
    free(c.anchors);
    yaml_parser_delete(&p);
    if (rc < 0) {
        sdoc_free(d);
        return -1;
    }
    *out = d;
    return 0;
}

int sdoc_load_file(const char *path, struct sdoc **out, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    /* Reads at most one byte past the limit: enough to refuse a device or pipe that never
     * ends (`check /dev/urandom`) without reading it. */
    size_t cap = 65536, len = 0;
    char *buf = malloc(cap);
    while (buf) {
        size_t n = fread(buf + len, 1, cap - len, f);
        len += n;
        if (len < cap || len > SDOC_MAX_BYTES)
            break;
        char *nb = realloc(buf, cap * 2);
        if (!nb) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = nb;
        cap *= 2;
    }
    int bad = ferror(f) ? errno : 0;
    fclose(f);
    if (!buf || bad) {
        snprintf(err, errlen, "%s: cannot read: %s", path, buf ? strerror(bad) : "out of memory");
        free(buf);
        return -1;
    }
    int rc = sdoc_load_string(path, buf, len, out, err, errlen);
    free(buf);
    return rc;
}

void sdoc_free(struct sdoc *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->nallocs; i++)
        free(d->allocs[i]);
    free(d->allocs);
    free(d->file);
    free(d);
}

struct sdoc_node *sdoc_root(const struct sdoc *d)
{
    return d->root;
}

struct sdoc_node *sdoc_new_scalar(struct sdoc *d, const char *file, int col, const char *text)
{
    char *f = doc_strdup(d, file, strlen(file));
    struct sdoc_node *n = f ? doc_node(d, SDOC_SCALAR, f, 0, col) : NULL;
    if (n && !(n->scalar = doc_strdup(d, text, strlen(text))))
        return NULL;
    return n;
}

struct sdoc_node *sdoc_new_seq(struct sdoc *d, const char *file, int col)
{
    char *f = doc_strdup(d, file, strlen(file));
    return f ? doc_node(d, SDOC_SEQ, f, 0, col) : NULL;
}

int sdoc_set_text(struct sdoc *d, struct sdoc_node *n, const char *text)
{
    char *t = doc_strdup(d, text, strlen(text));
    if (!t)
        return -1;
    n->scalar = t;
    return 0;
}

static int grow(struct sdoc *d, struct sdoc_node *n, int with_keys)
{
    struct sdoc_node **items = doc_alloc(d, (n->n + 1) * sizeof *items);
    struct sdoc_node **keys = with_keys ? doc_alloc(d, (n->n + 1) * sizeof *keys) : NULL;
    if (!items || (with_keys && !keys))
        return -1;
    if (n->n) {
        memcpy(items, n->items, n->n * sizeof *items);
        if (with_keys)
            memcpy(keys, n->keys, n->n * sizeof *keys);
    }
    n->items = items;
    if (with_keys)
        n->keys = keys;
    return 0;
}

int sdoc_seq_push(struct sdoc *d, struct sdoc_node *seq, struct sdoc_node *item)
{
    if (seq->type != SDOC_SEQ || grow(d, seq, 0) < 0)
        return -1;
    seq->items[seq->n++] = item;
    return 0;
}

int sdoc_map_set(struct sdoc *d, struct sdoc_node *map, const char *key, struct sdoc_node *value)
{
    if (map->type != SDOC_MAP)
        return -1;
    for (size_t i = 0; i < map->n; i++)
        if (strcmp(map->keys[i]->scalar, key) == 0) {
            map->items[i] = value;
            return 0;
        }
    struct sdoc_node *k = sdoc_new_scalar(d, value->file, value->col, key);
    if (!k || grow(d, map, 1) < 0)
        return -1;
    k->line = value->line;
    map->keys[map->n] = k;
    map->items[map->n++] = value;
    return 0;
}

struct sdoc_node *sdoc_map_key(const struct sdoc_node *map, const char *key)
{
    if (!map || map->type != SDOC_MAP)
        return NULL;
    for (size_t i = 0; i < map->n; i++)
        if (strcmp(map->keys[i]->scalar, key) == 0)
            return map->keys[i];
    return NULL;
}

struct sdoc_node *sdoc_map_get(const struct sdoc_node *map, const char *key)
{
    if (!map || map->type != SDOC_MAP)
        return NULL;
    for (size_t i = 0; i < map->n; i++)
        if (strcmp(map->keys[i]->scalar, key) == 0)
            return map->items[i];
    return NULL;
}
