/*
 * UTF-8: decode, encode, validate, display width and escaping for display.
 *
 * Text is UTF-8 everywhere in sms-inbox.  One exception is documented: the
 * SMS codec may hand out a lone UTF-16 surrogate (when a sender split an
 * emoji across two parts) encoded the way WTF-8 does, as the three bytes
 * ED A0..BF 80..BF.  utf8_decode() and utf8_validate() reject those;
 * utf8_escape() shows them as \uD83D and utf8_sanitize() replaces them.
 *
 * Width functions use wcwidth(3): the process must have called
 * setlocale(LC_ALL, "") with a UTF-8 LC_CTYPE first.
 */
#ifndef SMS_UTIL_UTF8_H
#define SMS_UTIL_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct buf;

#define UTF8_MAX 4		/* most bytes one code point takes */
#define UTF8_REPLACEMENT 0xFFFDu

/*
 * Decode the code point at s (len bytes available).  Returns the number of
 * bytes it takes (1..4) and stores it in *cp; returns -1 when the bytes at
 * s are not valid UTF-8 (bad lead byte, truncated, overlong, surrogate,
 * above U+10FFFF) -- skip one byte and go on.  len 0 returns -1.
 */
int utf8_decode(const char *s, size_t len, uint32_t *cp);

/*
 * Encode cp into out, which has room for UTF8_MAX bytes.  Returns the bytes
 * written (1..4), or 0 when cp is a surrogate or above U+10FFFF.
 */
size_t utf8_encode(uint32_t cp, char *out);

/*
 * Encode a lone surrogate (U+D800..U+DFFF) the way WTF-8 does, three bytes
 * into out.  Returns 3, or 0 when cp is not a surrogate.  For the codec.
 */
size_t utf8_encode_surrogate(uint32_t cp, char *out);

/*
 * Check that s[0..len) is valid UTF-8.  Returns true, or false and the byte
 * offset of the first invalid sequence in *bad_offset (which may be NULL).
 */
bool utf8_validate(const char *s, size_t len, size_t *bad_offset);

/*
 * Whether cp is shown escaped by utf8_escape() (and replaced in the
 * inbox): C0 and C1 controls, DEL, the bidirectional overrides and
 * isolates that can make a text read other than it is (U+202A..U+202E,
 * U+2066..U+2069), and code points the locale has no width for.  Newline and tab count as
 * controls here; callers that lay out lines split on them first.
 */
bool utf8_cp_is_escaped(uint32_t cp);

/* Columns cp takes on a terminal, 0..2; escaped code points count as -1. */
int utf8_cp_width(uint32_t cp);

/*
 * Columns s[0..len) takes once passed through utf8_escape(), so layout and
 * drawing always agree.
 */
size_t utf8_width(const char *s, size_t len);

/*
 * The longest prefix of s[0..len) that fits in cols columns once escaped,
 * never cutting a character or an escape.  Returns its length in bytes and
 * its width in *used (may be NULL).
 */
size_t utf8_prefix_width(const char *s, size_t len, size_t cols, size_t *used);

/*
 * Append s[0..len) to out made safe for a terminal or a log line: control
 * characters as \n, \r, \t, \e or \xNN (C1: \u0085), invalid bytes as \xNN,
 * lone surrogates as \uD83D, code points with no width as \u{XXXX}, and a
 * backslash as itself (it is printable; the escapes are for looking at, not
 * for parsing back).  Returns 0, or SMS_ETOOBIG when out is full (out then
 * holds a prefix ending on a whole escape).
 */
int utf8_escape(struct buf *out, const char *s, size_t len);

/*
 * Append s[0..len) to out as strict UTF-8: every invalid byte and lone
 * surrogate becomes U+FFFD.  For consumers that refuse anything else
 * (JSON).  Returns 0 or SMS_ETOOBIG.
 */
int utf8_sanitize(struct buf *out, const char *s, size_t len);

#endif
