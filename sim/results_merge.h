/* results_merge.h - joining result databases of parts of one sweep (`mcpsim merge`).
 *
 * Runs are identified by their run id (the stable hash of scenario, point and repetition),
 * so a run that several parts hold is taken once: the most complete copy wins ('ok' over
 * 'failed'; the first 'ok' seen when several parts completed it, which are identical for a
 * deterministic simulator), and every such choice is reported. Runs still 'running' in a
 * part (a killed job) are never merged: their data is partial. Parts are read through their
 * own read-only connections and copied row by row into the output inside ONE transaction,
 * so a failure (a foreign or damaged part, a full disk) leaves the output exactly as it was.
 * ATTACH is not used: a part read inside the transaction cannot be detached before it ends
 * ("database is locked"), so every part would stay attached at once, and SQLite attaches at
 * most 10 files by default, while a Slurm array easily produces hundreds of parts.
 */
#ifndef MCPSIM_SIM_RESULTS_MERGE_H
#define MCPSIM_SIM_RESULTS_MERGE_H

#include <stddef.h>

#include "sim/results.h"

struct merge_stats {
    size_t runs_added;      /* runs copied into the output */
    size_t runs_replaced;   /* runs whose incomplete or failed copy was replaced by 'ok' */
    size_t runs_duplicate;  /* runs skipped because the output already had them complete */
    size_t runs_incomplete; /* 'running' runs in parts, not merged */
};

/* Called for every run that is not simply added: kind is "duplicate", "replaced",
 * "incomplete" or "kept" (a 'failed' copy skipped because a better one is present). */
typedef void (*merge_note_fn)(void *ctx, const char *part, const char *run_id,
                              const char *kind);

/* Merges the parts into out (opened read-write with results_db_open). 0, or a negative
 * code with a message naming the part; then out is unchanged. A part that is the output
 * file itself is refused. */
int results_merge(struct results_db *out, const char *const *parts, size_t nparts,
                  merge_note_fn note, void *ctx, struct merge_stats *stats, char *err,
                  size_t errlen);

#endif
