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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#define SDOC_MAX_DEPTH 64
#define SDOC_MAX_NODES 250000 /* far above any hand-written file; bounds alias bombs */

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
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err + off, errlen - (size_t)off, fmt, ap);
    va_end(ap);
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

static struct sdoc_node *convert(struct sdoc *d, yaml_document_t *yd, int index, int depth,
                                 char *err, size_t errlen)
{
    yaml_node_t *y = yaml_document_get_node(yd, index);
    if (!y)
        return NULL;
    int line = (int)y->start_mark.line + 1, col = (int)y->start_mark.column + 1;
    struct sdoc_node at = { .file = d->file, .line = line, .col = col };
    if (depth > SDOC_MAX_DEPTH) {
        sdoc_error(&at, err, errlen, "nesting deeper than %d levels", SDOC_MAX_DEPTH);
        return NULL;
    }
    if (d->nnodes > SDOC_MAX_NODES) {
        sdoc_error(&at, err, errlen, "document expands to more than %d nodes (alias bomb?)",
                   SDOC_MAX_NODES);
        return NULL;
    }
    switch (y->type) {
    case YAML_SCALAR_NODE: {
        struct sdoc_node *n = doc_node(d, SDOC_SCALAR, d->file, line, col);
        if (!n || !(n->scalar = doc_strdup(d, (const char *)y->data.scalar.value,
                                           y->data.scalar.length)))
            goto oom;
        if (strlen(n->scalar) != y->data.scalar.length) {
            sdoc_error(n, err, errlen, "scalar contains a NUL character");
            return NULL;
        }
        return n;
    }
    case YAML_SEQUENCE_NODE: {
        struct sdoc_node *n = doc_node(d, SDOC_SEQ, d->file, line, col);
        if (!n)
            goto oom;
        size_t cnt = (size_t)(y->data.sequence.items.top - y->data.sequence.items.start);
        n->items = doc_alloc(d, (cnt ? cnt : 1) * sizeof *n->items);
        if (!n->items)
            goto oom;
        for (size_t i = 0; i < cnt; i++) {
            n->items[i] = convert(d, yd, y->data.sequence.items.start[i], depth + 1, err, errlen);
            if (!n->items[i])
                return NULL;
        }
        n->n = cnt;
        return n;
    }
    case YAML_MAPPING_NODE: {
        struct sdoc_node *n = doc_node(d, SDOC_MAP, d->file, line, col);
        if (!n)
            goto oom;
        size_t cnt = (size_t)(y->data.mapping.pairs.top - y->data.mapping.pairs.start);
        n->items = doc_alloc(d, (cnt ? cnt : 1) * sizeof *n->items);
        n->keys = doc_alloc(d, (cnt ? cnt : 1) * sizeof *n->keys);
        if (!n->items || !n->keys)
            goto oom;
        for (size_t i = 0; i < cnt; i++) {
            yaml_node_pair_t *p = &y->data.mapping.pairs.start[i];
            struct sdoc_node *k = convert(d, yd, p->key, depth + 1, err, errlen);
            if (!k)
                return NULL;
            if (k->type != SDOC_SCALAR) {
                sdoc_error(k, err, errlen, "expected a plain key, found %s",
                           sdoc_type_name(k->type));
                return NULL;
            }
            for (size_t j = 0; j < i; j++)
                if (strcmp(n->keys[j]->scalar, k->scalar) == 0) {
                    sdoc_error(k, err, errlen, "duplicate key \"%s\" (first at line %d)",
                               k->scalar, n->keys[j]->line);
                    return NULL;
                }
            struct sdoc_node *v = convert(d, yd, p->value, depth + 1, err, errlen);
            if (!v)
                return NULL;
            n->keys[i] = k;
            n->items[i] = v;
            n->n = i + 1;
        }
        return n;
    }
    case YAML_NO_NODE:
        break;
    }
    sdoc_error(&at, err, errlen, "empty node");
    return NULL;
oom:
    snprintf(err, errlen, "%s: out of memory", d->file);
    return NULL;
}

static void parser_error(const struct sdoc *d, const yaml_parser_t *p, char *err, size_t errlen)
{
    const yaml_mark_t *m = p->problem ? &p->problem_mark : &p->context_mark;
    struct sdoc_node at = { .file = d->file, .line = (int)m->line + 1, .col = (int)m->column + 1 };
    if (p->error == YAML_MEMORY_ERROR) {
        snprintf(err, errlen, "%s: out of memory while parsing", d->file);
        return;
    }
    if (p->context)
        sdoc_error(&at, err, errlen, "YAML syntax error: %s %s that started at line %d",
                   p->problem ? p->problem : "error", p->context, (int)p->context_mark.line + 1);
    else
        sdoc_error(&at, err, errlen, "YAML syntax error: %s", p->problem ? p->problem : "error");
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
    yaml_parser_t p;
    yaml_document_t yd;
    int rc = -1;
    if (!yaml_parser_initialize(&p)) {
        snprintf(err, errlen, "%s: cannot initialise the YAML parser", name);
        sdoc_free(d);
        return -1;
    }
    yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
    if (!yaml_parser_load(&p, &yd)) {
        parser_error(d, &p, err, errlen);
        yaml_parser_delete(&p);
        sdoc_free(d);
        return -1;
    }
    if (!yaml_document_get_root_node(&yd)) {
        snprintf(err, errlen, "%s:1:1: empty scenario: expected a mapping with name, duration, "
                 "nodes, links, apps", d->file);
        goto done;
    }
    d->root = convert(d, &yd, 1, 0, err, errlen);
    if (!d->root)
        goto done;
    yaml_document_t extra;
    if (!yaml_parser_load(&p, &extra)) {
        parser_error(d, &p, err, errlen);
        goto done;
    }
    yaml_node_t *xr = yaml_document_get_root_node(&extra);
    if (xr) {
        struct sdoc_node at = { .file = d->file, .line = (int)xr->start_mark.line + 1,
                                .col = (int)xr->start_mark.column + 1 };
        sdoc_error(&at, err, errlen, "a second YAML document: expected one scenario per file");
        yaml_document_delete(&extra);
        goto done;
    }
    yaml_document_delete(&extra);
    rc = 0;
done:
    yaml_document_delete(&yd);
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
    size_t cap = 65536, len = 0;
    char *buf = malloc(cap);
    while (buf) {
        size_t n = fread(buf + len, 1, cap - len, f);
        len += n;
        if (len < cap)
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
    int bad = ferror(f);
    fclose(f);
    if (!buf || bad) {
        snprintf(err, errlen, "%s: cannot read%s", path, buf ? "" : ": out of memory");
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
