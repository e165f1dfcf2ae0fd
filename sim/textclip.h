/* textclip.h - user text shortened for messages.
 *
 * An error message quotes what it refuses ("bad rate \"10 parsecs\""), and a value of a
 * thousand characters would bury what was expected behind it (or be cut off before it).
 * text_clip() gives the form to quote: the text itself when short, else its first
 * TEXT_CLIP_KEEP bytes (cut at a UTF-8 character boundary) and "...". text_clip_quotes()
 * does the same to every quoted span of a finished message.
 */
#ifndef MCPSIM_SIM_TEXTCLIP_H
#define MCPSIM_SIM_TEXTCLIP_H

#include <stddef.h>

#define TEXT_CLIP_MAX 64  /* longer quoted text is shortened */
#define TEXT_CLIP_KEEP 40 /* bytes kept of it */
#define TEXT_CLIP_BUF (TEXT_CLIP_KEEP + 4)

/* s itself if at most TEXT_CLIP_MAX bytes, else buf (TEXT_CLIP_BUF bytes) holding the
 * shortened form. */
const char *text_clip(const char *s, char buf[TEXT_CLIP_BUF]);
/* Shortens in place every "..." span of msg longer than TEXT_CLIP_MAX bytes (and an
 * unterminated one at the end). */
void text_clip_quotes(char *msg);

#endif
