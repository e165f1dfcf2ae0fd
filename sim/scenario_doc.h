/* scenario_doc.h - a YAML document as a tree whose every node knows its file:line:column.
 *
 * The scenario loader never looks at libyaml directly: scenario_doc.c loads one YAML document
 * (libyaml's document API, aliases expanded, depth and size bounded so a hostile file cannot
 * blow up memory) into this small tree of scalars, sequences and mappings. Every node keeps
 * the position of its first character, so any later error (schema, sweep, reference) can say
 * "file:line:column: what was expected". Nodes created from the command line (`--set`) carry
 * a pseudo file name such as "--set links.bn.rate" and column 1.
 *
 * The tree is mutable (overrides replace values) and owns its strings; one free releases it.
 * It does not model YAML tags, multi-document streams or comments (comments are discarded;
 * a second document is an error).
 */
#ifndef MCPSIM_SIM_SCENARIO_DOC_H
#define MCPSIM_SIM_SCENARIO_DOC_H

#include <stddef.h>

enum sdoc_type { SDOC_SCALAR, SDOC_SEQ, SDOC_MAP };

struct sdoc_node {
    enum sdoc_type type;
    const char *file;          /* not owned: interned by the doc */
    int line, col;             /* 1-based */
    char *scalar;              /* SDOC_SCALAR: the text (plain or quoted, unquoted); a SEQ
                                * that is one point of a sweep of list values: its items
                                * joined by "; ", for display only (sdoc_set_text) */
    size_t n;                  /* SEQ: items; MAP: pairs */
    struct sdoc_node **items;  /* SEQ items, MAP values */
    struct sdoc_node **keys;   /* MAP keys (scalar nodes) */
    int axis;                  /* SEQ in a scalar position: sweep axis index, else -1 */
};

struct sdoc;

/* Loads the first document of a YAML file. 0, or -1 with "file:line:col: message" in err. */
int sdoc_load_file(const char *path, struct sdoc **out, char *err, size_t errlen);
/* The same from a string; `name` is used as the file name in messages. */
int sdoc_load_string(const char *name, const char *text, size_t len, struct sdoc **out,
                     char *err, size_t errlen);
void sdoc_free(struct sdoc *d);

struct sdoc_node *sdoc_root(const struct sdoc *d);

/* Allocates nodes owned by the doc (for overrides). `file` is copied. */
struct sdoc_node *sdoc_new_scalar(struct sdoc *d, const char *file, int col, const char *text);
struct sdoc_node *sdoc_new_seq(struct sdoc *d, const char *file, int col);
int sdoc_seq_push(struct sdoc *d, struct sdoc_node *seq, struct sdoc_node *item);
/* Gives a node a display text (copied), kept in its scalar field. */
int sdoc_set_text(struct sdoc *d, struct sdoc_node *n, const char *text);
/* Sets key in a map (replacing its value, or appending the pair). */
int sdoc_map_set(struct sdoc *d, struct sdoc_node *map, const char *key, struct sdoc_node *value);

/* The value for key in a map, or NULL (also NULL when map is not a map). */
struct sdoc_node *sdoc_map_get(const struct sdoc_node *map, const char *key);
/* The key node of a pair (for error positions), or NULL. */
struct sdoc_node *sdoc_map_key(const struct sdoc_node *map, const char *key);

/* Formats "file:line:col: " + message into err. Always returns -1 so callers can
 * `return sdoc_error(...)`. */
int sdoc_error(const struct sdoc_node *at, char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

const char *sdoc_type_name(enum sdoc_type t);

#endif
