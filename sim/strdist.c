/* strdist.c - optimal string alignment distance and suggestions (see strdist.h).
 *
 * O(len(a) * len(b)) with three rows on the stack; names are short and this runs only when
 * reporting an error.
 */
#include "sim/strdist.h"

#include <stdio.h>
#include <string.h>

#define WORD_MAX 64

static size_t min3(size_t a, size_t b, size_t c)
{
    size_t m = a < b ? a : b;
    return m < c ? m : c;
}

size_t strdist(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > WORD_MAX || lb > WORD_MAX)
        return (size_t)-1;
    size_t rows[3][WORD_MAX + 1];
    size_t *prev2 = rows[0], *prev = rows[1], *cur = rows[2];
    for (size_t j = 0; j <= lb; j++)
        prev[j] = j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            cur[j] = min3(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                prev2[j - 2] + 1 < cur[j])
                cur[j] = prev2[j - 2] + 1;
        }
        size_t *t = prev2;
        prev2 = prev;
        prev = cur;
        cur = t;
    }
    return prev[lb];
}

const char *strdist_suggest(const char *word, const char *const *candidates, size_t n)
{
    size_t len = strlen(word);
    /* One edit per four characters, rounded (none for one-letter words): close enough to be
     * a typo, far enough that unrelated short names are not suggested. */
    size_t limit = (len + 2) / 4;
    const char *best = NULL;
    size_t best_d = limit + 1;
    for (size_t i = 0; i < n; i++) {
        size_t d = strdist(word, candidates[i]);
        if (d < best_d) {
            best_d = d;
            best = candidates[i];
        }
    }
    return best;
}

void strdist_hint(char *buf, size_t len, const char *word, const char *const *candidates,
                  size_t n)
{
    const char *s = strdist_suggest(word, candidates, n);
    size_t used = strlen(buf);
    if (s && used < len)
        snprintf(buf + used, len - used, "; did you mean \"%s\"?", s);
}
