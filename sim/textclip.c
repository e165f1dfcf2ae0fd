/* textclip.c - user text shortened for messages (see textclip.h). */
#include "sim/textclip.h"

#include <string.h>

/* The length of s's first `keep` bytes, backed off to the start of a UTF-8 character. */
static size_t boundary(const char *s, size_t keep)
{
    while (keep > 0 && ((unsigned char)s[keep] & 0xc0) == 0x80)
        keep--;
    return keep;
}

const char *text_clip(const char *s, char buf[TEXT_CLIP_BUF])
{
    if (strlen(s) <= TEXT_CLIP_MAX)
        return s;
    size_t n = boundary(s, TEXT_CLIP_KEEP);
    memcpy(buf, s, n);
    memcpy(buf + n, "...", 4);
    return buf;
}

void text_clip_quotes(char *msg)
{
    for (char *open = strchr(msg, '"'); open;) {
        char *text = open + 1, *close = strchr(text, '"');
        size_t len = close ? (size_t)(close - text) : strlen(text);
        if (len > TEXT_CLIP_MAX) {
            char *cut = text + boundary(text, TEXT_CLIP_KEEP);
            memcpy(cut, "...", 3);
            if (!close) {
                memcpy(cut + 3, "\"", 2);
                return;
            }
            memmove(cut + 3, close, strlen(close) + 1);
            close = cut + 3;
        }
        open = close ? strchr(close + 1, '"') : NULL;
    }
}
