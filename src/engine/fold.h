/*
 * Text folding for matching people's words: case- and accent-insensitive
 * comparison of SMS text ("Infó", "INFO" and "info" are one keyword).
 */
#ifndef SMS_ENGINE_FOLD_H
#define SMS_ENGINE_FOLD_H

#include <stddef.h>

struct buf;

/*
 * Append the folded form of the UTF-8 text s (len bytes) to out: full
 * Unicode case folding (libunistring: ß -> ss, final sigma -> sigma), the
 * diacritics of Latin, Greek and Cyrillic letters dropped after canonical
 * decomposition (á, ő, ệ, ά, ё, İ -> a, o, e, α, е, i), the letters that
 * do not decompose spelt with their base (ø ł æ œ đ ð þ ı -> o l ae oe d
 * d th i), the rest composed again (NFC).  Invalid bytes become U+FFFD.
 * ASCII text is only lower-cased.  Returns 0, or SMS_ETOOBIG / SMS_ENOMEM.
 */
int fold_text(struct buf *out, const char *s, size_t len);

#endif
