#include "config.h"

#include "engine/fold.h"

#include <stdint.h>
#include <wctype.h>

#include "util/buf.h"
#include "util/utf8.h"

#define FOLD_FIRST 0xC0
#define FOLD_LAST 0x24F

/* Base letters of U+00C0..U+024F (Latin-1 Supplement, Latin Extended-A
 * and -B), lower case; NULL for the few non-letters.  Generated from
 * Unicode's canonical decompositions, plus the letters that have none
 * (ß, æ, ø, đ, ł, œ, þ, ...). */
static const char *const latin[FOLD_LAST - FOLD_FIRST + 1] = {
	/* U+00C0 */ "a", "a", "a", "a", "a", "a", "ae", "c",
	/* U+00C8 */ "e", "e", "e", "e", "i", "i", "i", "i",
	/* U+00D0 */ "d", "n", "o", "o", "o", "o", "o", NULL,
	/* U+00D8 */ "o", "u", "u", "u", "u", "y", "th", "ss",
	/* U+00E0 */ "a", "a", "a", "a", "a", "a", "ae", "c",
	/* U+00E8 */ "e", "e", "e", "e", "i", "i", "i", "i",
	/* U+00F0 */ "d", "n", "o", "o", "o", "o", "o", NULL,
	/* U+00F8 */ "o", "u", "u", "u", "u", "y", "th", "y",
	/* U+0100 */ "a", "a", "a", "a", "a", "a", "c", "c",
	/* U+0108 */ "c", "c", "c", "c", "c", "c", "d", "d",
	/* U+0110 */ "d", "d", "e", "e", "e", "e", "e", "e",
	/* U+0118 */ "e", "e", "e", "e", "g", "g", "g", "g",
	/* U+0120 */ "g", "g", "g", "g", "h", "h", "h", "h",
	/* U+0128 */ "i", "i", "i", "i", "i", "i", "i", "i",
	/* U+0130 */ "i", "i", "ij", "ij", "j", "j", "k", "k",
	/* U+0138 */ "k", "l", "l", "l", "l", "l", "l", "l",
	/* U+0140 */ "l", "l", "l", "n", "n", "n", "n", "n",
	/* U+0148 */ "n", "n", "n", "n", "o", "o", "o", "o",
	/* U+0150 */ "o", "o", "oe", "oe", "r", "r", "r", "r",
	/* U+0158 */ "r", "r", "s", "s", "s", "s", "s", "s",
	/* U+0160 */ "s", "s", "t", "t", "t", "t", "t", "t",
	/* U+0168 */ "u", "u", "u", "u", "u", "u", "u", "u",
	/* U+0170 */ "u", "u", "u", "u", "w", "w", "y", "y",
	/* U+0178 */ "y", "z", "z", "z", "z", "z", "z", "s",
	/* U+0180 */ "b", NULL, NULL, NULL, NULL, NULL, NULL, NULL,
	/* U+0188 */ NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
	/* U+0190 */ NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
	/* U+0198 */ NULL, NULL, "l", NULL, NULL, NULL, NULL, NULL,
	/* U+01A0 */ "o", "o", NULL, NULL, NULL, NULL, NULL, NULL,
	/* U+01A8 */ NULL, NULL, NULL, NULL, NULL, NULL, NULL, "u",
	/* U+01B0 */ "u", NULL, NULL, NULL, NULL, NULL, NULL, NULL,
	/* U+01B8 */ NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
	/* U+01C0 */ NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
	/* U+01C8 */ NULL, NULL, NULL, NULL, NULL, "a", "a", "i",
	/* U+01D0 */ "i", "o", "o", "u", "u", "u", "u", "u",
	/* U+01D8 */ "u", "u", "u", "u", "u", NULL, "a", "a",
	/* U+01E0 */ "a", "a", NULL, NULL, "g", "g", "g", "g",
	/* U+01E8 */ "k", "k", "o", "o", "o", "o", NULL, NULL,
	/* U+01F0 */ "j", NULL, NULL, NULL, "g", "g", NULL, NULL,
	/* U+01F8 */ "n", "n", "a", "a", NULL, NULL, NULL, NULL,
	/* U+0200 */ "a", "a", "a", "a", "e", "e", "e", "e",
	/* U+0208 */ "i", "i", "i", "i", "o", "o", "o", "o",
	/* U+0210 */ "r", "r", "r", "r", "u", "u", "u", "u",
	/* U+0218 */ "s", "s", "t", "t", NULL, NULL, "h", "h",
	/* U+0220 */ NULL, NULL, NULL, NULL, NULL, NULL, "a", "a",
	/* U+0228 */ "e", "e", "o", "o", "o", "o", "o", "o",
	/* U+0230 */ "o", "o", "y", "y", NULL, NULL, NULL, NULL,
	/* U+0238 */ NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
	/* U+0240 */ NULL, NULL, NULL, NULL, NULL, NULL, "e", "e",
	/* U+0248 */ NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
};

/* Append c as UTF-8; one that cannot be encoded becomes U+FFFD. */
static int
put_utf8(struct buf *out, uint32_t c)
{
	char b[UTF8_MAX];
	size_t n = utf8_encode(c, b);

	if (n == 0)
		n = utf8_encode(UTF8_REPLACEMENT, b);
	return buf_append(out, b, n);
}

/* Combining diacritical marks, as decomposed (NFD) input carries them. */
static int
is_combining(uint32_t c)
{
	return (c >= 0x300 && c <= 0x36F) || (c >= 0x1AB0 && c <= 0x1AFF) ||
	    (c >= 0x1DC0 && c <= 0x1DFF) || (c >= 0x20D0 && c <= 0x20FF) ||
	    (c >= 0xFE20 && c <= 0xFE2F);
}

int
fold_text(struct buf *out, const char *s, size_t len)
{
	size_t off = 0;
	uint32_t c;
	int n, rc;

	while (off < len) {
		if ((n = utf8_decode(s + off, len - off, &c)) < 0) {
			c = UTF8_REPLACEMENT;
			n = 1;
		}
		off += (size_t)n;
		if (c < 0x80) {
			if (c >= 'A' && c <= 'Z')
				c += 'a' - 'A';
			rc = buf_append_char(out, (char)c);
		} else if (c >= FOLD_FIRST && c <= FOLD_LAST &&
		    latin[c - FOLD_FIRST] != NULL)
			rc = buf_append_str(out, latin[c - FOLD_FIRST]);
		else if (is_combining(c))
			rc = 0;
		else
			rc = put_utf8(out, (unsigned)towlower((wint_t)c));
		if (rc < 0)
			return rc;
	}
	return 0;
}
