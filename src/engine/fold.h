/*
 * Text folding for matching people's words: case- and accent-insensitive
 * comparison of SMS text ("Infó", "INFO" and "info" are one keyword).
 */
#ifndef SMS_ENGINE_FOLD_H
#define SMS_ENGINE_FOLD_H

#include <stddef.h>

struct buf;

/*
 * Append the folded form of the UTF-8 text s (len bytes) to out: Latin
 * letters lose their accents and case (U+00C0-U+024F, with ß -> ss and
 * æ -> ae), combining marks are dropped, other letters are lower-cased
 * with towlower(), and invalid bytes become U+FFFD.  Returns 0, or
 * SMS_ETOOBIG / SMS_ENOMEM from the buffer.
 */
int fold_text(struct buf *out, const char *s, size_t len);

#endif
