#include "config.h"

#include "engine/fold.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <unicase.h>
#include <uninorm.h>

#include "util/buf.h"
#include "util/err.h"
#include "util/utf8.h"

/* Room on the stack for the text of a typical message at each step;
 * longer ones are allocated by libunistring. */
#define FOLD_STACK 1024

/*
 * Letters that carry their accent or stroke in the glyph, so that
 * canonical decomposition leaves them whole, with the base letters people
 * type instead.  Case folded already (upper case never reaches here);
 * sorted for bsearch().
 */
struct letter {
	uint32_t cp;
	const char *base;
};

static const struct letter undecomposed[] = {
	{ 0x00E6, "ae" },	/* æ */
	{ 0x00F0, "d" },	/* ð */
	{ 0x00F8, "o" },	/* ø */
	{ 0x00FE, "th" },	/* þ */
	{ 0x0111, "d" },	/* đ */
	{ 0x0127, "h" },	/* ħ */
	{ 0x0131, "i" },	/* ı, Turkish dotless i */
	{ 0x0133, "ij" },	/* ĳ */
	{ 0x0138, "k" },	/* ĸ */
	{ 0x0140, "l" },	/* ŀ */
	{ 0x0142, "l" },	/* ł */
	{ 0x014B, "n" },	/* ŋ */
	{ 0x0153, "oe" },	/* œ */
	{ 0x0167, "t" },	/* ŧ */
	{ 0x0180, "b" },	/* ƀ */
	{ 0x019A, "l" },	/* ƚ */
	{ 0x01E5, "g" },	/* ǥ */
	{ 0x0268, "i" },	/* ɨ */
};

static int
cp_cmp(const void *key, const void *elem)
{
	uint32_t a = *(const uint32_t *)key;
	uint32_t b = *(const uint32_t *)elem;

	return a < b ? -1 : a > b;
}

/*
 * The diacritical marks that decomposition splits off Latin, Greek and
 * Cyrillic letters (and their extensions).  Marks of other scripts
 * (Indic vowel signs, Hebrew points, kana voicing) are part of the word
 * and stay.
 */
static int
is_diacritic(uint32_t c)
{
	return (c >= 0x300 && c <= 0x36F) || (c >= 0x1AB0 && c <= 0x1AFF) ||
	    (c >= 0x1DC0 && c <= 0x1DFF) || (c >= 0x20D0 && c <= 0x20FF) ||
	    (c >= 0xFE20 && c <= 0xFE2F);
}

/* s as valid UTF-8: invalid bytes become U+FFFD, as util/utf8 decodes
 * them.  Returns s itself when it is valid, NULL when out of memory. */
static char *
sanitize(const char *s, size_t len, size_t *out_len)
{
	char *v, *o;
	size_t off = 0;
	uint32_t c;
	int n;

	*out_len = len;
	if (utf8_validate(s, len, NULL))
		return (char *)s;
	if ((v = malloc(len * 3 + 1)) == NULL)
		return NULL;
	o = v;
	while (off < len) {
		if ((n = utf8_decode(s + off, len - off, &c)) < 0) {
			c = UTF8_REPLACEMENT;
			n = 1;
		}
		off += (size_t)n;
		o += utf8_encode(c, o);
	}
	*out_len = (size_t)(o - v);
	return v;
}

/* Append the case-folded, decomposed text cf without its diacritics and
 * with the undecomposed letters spelt out. */
static int
strip(struct buf *out, const uint8_t *cf, size_t len)
{
	size_t off = 0, i;
	uint32_t c;
	int n, rc = 0;

	while (off < len && rc == 0) {
		/* Runs of ASCII at once: most of any text. */
		for (i = off; i < len && cf[i] < 0x80; i++)
			;
		if (i > off) {
			rc = buf_append(out, cf + off, i - off);
			off = i;
			continue;
		}
		if ((n = utf8_decode((const char *)cf + off, len - off,
		    &c)) < 0) {
			c = UTF8_REPLACEMENT;
			n = 1;
		}
		if (!is_diacritic(c)) {
			const struct letter *l = bsearch(&c, undecomposed,
			    sizeof undecomposed / sizeof undecomposed[0],
			    sizeof undecomposed[0], cp_cmp);

			if (l != NULL)
				rc = buf_append_str(out, l->base);
			else
				rc = buf_append(out, cf + off, (size_t)n);
		}
		off += (size_t)n;
	}
	return rc;
}

/* The whole pipeline: libunistring on the text at once. */
static int
fold_full(struct buf *out, const char *s, size_t len)
{
	uint8_t cf_stack[FOLD_STACK], nfc_stack[FOLD_STACK];
	uint8_t *cf = NULL, *nfc = NULL;
	struct buf t;
	size_t n, cf_len = sizeof cf_stack, nfc_len = sizeof nfc_stack;
	char *src;
	int rc;

	/*
	 * Full case folding (ß -> ss, final sigma -> sigma, Turkish İ -> i
	 * and a dot) to canonical decomposition, the diacritics dropped,
	 * then composed again (Hangul syllables, kana with their marks).
	 */
	if ((src = sanitize(s, len, &n)) == NULL)
		return SMS_ENOMEM;
	cf = u8_casefold((const uint8_t *)src, n, NULL, UNINORM_NFD, cf_stack,
	    &cf_len);
	if (src != s)
		free(src);
	if (cf == NULL)
		return SMS_ENOMEM;
	buf_init(&t, out->max);
	if ((rc = strip(&t, cf, cf_len)) == 0 && t.len > 0) {
		nfc = u8_normalize(UNINORM_NFC, (const uint8_t *)t.data, t.len,
		    nfc_stack, &nfc_len);
		if (nfc == NULL)
			rc = SMS_ENOMEM;
		else
			rc = buf_append(out, nfc, nfc_len);
	}
	buf_fini(&t);
	if (cf != cf_stack)
		free(cf);
	if (nfc != NULL && nfc != nfc_stack)
		free(nfc);
	return rc;
}

/*
 * What fold_full() makes of the code points U+0080..U+1FFF (Latin, Greek,
 * Cyrillic, Vietnamese...) one at a time, learnt on first sight: when it
 * is a short ASCII string (á -> "a", ß -> "ss", a lone acute accent ->
 * ""), a text made of ASCII and such letters folds letter by letter to
 * what fold_full() makes of it whole (case folding is per letter, and
 * ASCII composes with nothing), without the normalisation passes.  Other
 * letters (Greek and Cyrillic fold to themselves) take fold_full().
 * The library runs on one thread.
 */
#define FOLD_CACHE_FIRST 0x80
#define FOLD_CACHE_LAST 0x1FFF
#define FOLD_NOT_ASCII 0xFF

struct fold_cached {
	uint8_t state;		/* 0 unknown, FOLD_NOT_ASCII, else 1 + length */
	char s[3];
};

static struct fold_cached cache[FOLD_CACHE_LAST - FOLD_CACHE_FIRST + 1];

/* The ASCII fold of c, or false when it has none. */
static bool
cached_fold(uint32_t c, const char **s, size_t *n)
{
	struct fold_cached *e;

	if (c < FOLD_CACHE_FIRST || c > FOLD_CACHE_LAST)
		return false;
	e = &cache[c - FOLD_CACHE_FIRST];
	if (e->state == 0) {
		char u[UTF8_MAX];
		struct buf b;
		size_t i;

		buf_init(&b, 64);
		e->state = FOLD_NOT_ASCII;
		if (fold_full(&b, u, utf8_encode(c, u)) == 0 &&
		    b.len <= sizeof e->s) {
			for (i = 0; i < b.len &&
			    (unsigned char)b.data[i] < 0x80; i++)
				;
			if (i == b.len) {
				if (b.len > 0)
					memcpy(e->s, b.data, b.len);
				e->state = (uint8_t)(1 + b.len);
			}
		}
		buf_fini(&b);
	}
	if (e->state == FOLD_NOT_ASCII)
		return false;
	*s = e->s;
	*n = (size_t)e->state - 1;
	return true;
}

int
fold_text(struct buf *out, const char *s, size_t len)
{
	size_t start = out->len, off = 0, i, n;
	const char *f;
	uint32_t c;
	int rc, k;

	while (off < len) {
		/* Runs of ASCII: lower case is their whole fold. */
		for (i = off; i < len && (unsigned char)s[i] < 0x80; i++)
			;
		if (i > off) {
			size_t at = out->len;

			if ((rc = buf_append(out, s + off, i - off)) < 0)
				goto fail;
			for (; at < out->len; at++) {
				char *b = &out->data[at];

				if (*b >= 'A' && *b <= 'Z')
					*b += 'a' - 'A';
			}
			off = i;
			continue;
		}
		if ((k = utf8_decode(s + off, len - off, &c)) < 0 ||
		    !cached_fold(c, &f, &n))
			break;
		if (n > 0 && (rc = buf_append(out, f, n)) < 0)
			goto fail;
		off += (size_t)k;
	}
	if (off == len)
		return 0;
	/* Some letter needs the whole text folded at once. */
	out->len = start;
	if (out->data != NULL)
		out->data[start] = '\0';
	return fold_full(out, s, len);
fail:
	out->len = start;
	if (out->data != NULL)
		out->data[start] = '\0';
	return rc;
}
