/* strdist.h - "did you mean" suggestions from edit distance.
 *
 * Used for every user-facing name lookup (scenario keys, model kinds, parameters, metrics):
 * the closest candidate within a distance that scales with the word's length, so "rat" finds
 * "rate" but "x" does not suggest "seed". Optimal string alignment distance (Levenshtein
 * plus adjacent transposition), because swapped letters are the commonest typo.
 */
#ifndef MCPSIM_SIM_STRDIST_H
#define MCPSIM_SIM_STRDIST_H

#include <stddef.h>

/* Edit distance between a and b (capped at 64-character words; longer ones compare as far). */
size_t strdist(const char *a, const char *b);

/* The closest of n candidates to word, or NULL when none is close enough. */
const char *strdist_suggest(const char *word, const char *const *candidates, size_t n);

/* Appends "; did you mean \"X\"?" to buf (of size len) when a suggestion exists. */
void strdist_hint(char *buf, size_t len, const char *word, const char *const *candidates,
                  size_t n);

#endif
