#include "config.h"

#include "util/utf8.h"

#include <stdio.h>
#include <string.h>
#include <wchar.h>

#include "util/buf.h"
#include "util/err.h"

int
utf8_decode(const char *s, size_t len, uint32_t *cp)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t c, min;
	size_t n, i;

	if (len == 0)
		return -1;
	c = p[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		c &= 0x1f;
		min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		c &= 0x0f;
		min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		c &= 0x07;
		min = 0x10000;
	} else
		return -1;
	if (len < n)
		return -1;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return -1;
		c = (c << 6) | (p[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return -1;
	*cp = c;
	return (int)n;
}

size_t
utf8_encode(uint32_t cp, char *out)
{
	unsigned char *o = (unsigned char *)out;

	if (cp < 0x80) {
		o[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (unsigned char)(0xc0 | (cp >> 6));
		o[1] = (unsigned char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp >= 0xd800 && cp <= 0xdfff)
		return 0;
	if (cp < 0x10000) {
		o[0] = (unsigned char)(0xe0 | (cp >> 12));
		o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (unsigned char)(0x80 | (cp & 0x3f));
		return 3;
	}
	if (cp > 0x10ffff)
		return 0;
	o[0] = (unsigned char)(0xf0 | (cp >> 18));
	o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
	o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
	o[3] = (unsigned char)(0x80 | (cp & 0x3f));
	return 4;
}

size_t
utf8_encode_surrogate(uint32_t cp, char *out)
{
	unsigned char *o = (unsigned char *)out;

	if (cp < 0xd800 || cp > 0xdfff)
		return 0;
	o[0] = 0xed;
	o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
	o[2] = (unsigned char)(0x80 | (cp & 0x3f));
	return 3;
}

/* A WTF-8 lone surrogate at s?  Returns its code point or 0. */
static uint32_t
utf8_surrogate_at(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;

	if (len < 3 || p[0] != 0xed || p[1] < 0xa0 || p[1] > 0xbf ||
	    (p[2] & 0xc0) != 0x80)
		return 0;
	return 0xd000 | ((uint32_t)(p[1] & 0x3f) << 6) | (p[2] & 0x3f);
}

bool
utf8_validate(const char *s, size_t len, size_t *bad_offset)
{
	size_t i = 0;
	uint32_t cp;
	int n;

	while (i < len) {
		if ((unsigned char)s[i] < 0x80) {
			i++;
			continue;
		}
		if ((n = utf8_decode(s + i, len - i, &cp)) < 0) {
			if (bad_offset != NULL)
				*bad_offset = i;
			return false;
		}
		i += (size_t)n;
	}
	return true;
}

bool
utf8_cp_is_escaped(uint32_t cp)
{
	if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0))
		return true;
	if (cp < 0x7f)
		return false;
	if ((cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069))
		return true;
	return wcwidth((wchar_t)cp) < 0;
}

int
utf8_cp_width(uint32_t cp)
{
	int w;

	if (cp >= 0x20 && cp < 0x7f)
		return 1;
	if (utf8_cp_is_escaped(cp))
		return -1;
	w = wcwidth((wchar_t)cp);
	return w > 2 ? 2 : w;
}

/*
 * The display form of the sequence at s: writes its escape (NUL-terminated,
 * at most 12 bytes) into esc when it must be escaped, else esc[0] = 0 and
 * *width gets its columns.  Returns the bytes it covers.
 */
static size_t
utf8_next(const char *s, size_t len, char esc[16], int *width)
{
	uint32_t cp;
	int n;

	esc[0] = '\0';
	*width = 0;
	if ((n = utf8_decode(s, len, &cp)) < 0) {
		if ((cp = utf8_surrogate_at(s, len)) != 0) {
			snprintf(esc, 16, "\\u%04X", (unsigned)cp);
			return 3;
		}
		snprintf(esc, 16, "\\x%02X", (unsigned char)s[0]);
		return 1;
	}
	if (!utf8_cp_is_escaped(cp)) {
		*width = utf8_cp_width(cp);
		return (size_t)n;
	}
	switch (cp) {
	case '\n':
		strcpy(esc, "\\n");
		break;
	case '\r':
		strcpy(esc, "\\r");
		break;
	case '\t':
		strcpy(esc, "\\t");
		break;
	case 0x1b:
		strcpy(esc, "\\e");
		break;
	default:
		if (cp < 0x80)
			snprintf(esc, 16, "\\x%02X", (unsigned)cp);
		else if (cp < 0xa0)
			snprintf(esc, 16, "\\u%04X", (unsigned)cp);
		else
			snprintf(esc, 16, "\\u{%X}", (unsigned)cp);
		break;
	}
	return (size_t)n;
}

size_t
utf8_width(const char *s, size_t len)
{
	size_t i = 0, w = 0;
	char esc[16];
	int cw;

	while (i < len) {
		i += utf8_next(s + i, len - i, esc, &cw);
		w += esc[0] != '\0' ? strlen(esc) : (size_t)cw;
	}
	return w;
}

size_t
utf8_prefix_width(const char *s, size_t len, size_t cols, size_t *used)
{
	size_t i = 0, w = 0, n, cw;
	char esc[16];
	int iw;

	while (i < len) {
		n = utf8_next(s + i, len - i, esc, &iw);
		cw = esc[0] != '\0' ? strlen(esc) : (size_t)iw;
		if (w + cw > cols)
			break;
		w += cw;
		i += n;
	}
	if (used != NULL)
		*used = w;
	return i;
}

int
utf8_escape(struct buf *out, const char *s, size_t len)
{
	size_t i = 0, n, start;
	char esc[16];
	int cw, rc;

	while (i < len) {
		/* Copy runs of plain text in one append. */
		start = i;
		for (;;) {
			if (i >= len)
				break;
			n = utf8_next(s + i, len - i, esc, &cw);
			if (esc[0] != '\0')
				break;
			i += n;
		}
		if (i > start && (rc = buf_append(out, s + start,
		    i - start)) < 0)
			return rc;
		if (i >= len)
			break;
		if ((rc = buf_append_str(out, esc)) < 0)
			return rc;
		i += n;
	}
	return 0;
}

int
utf8_sanitize(struct buf *out, const char *s, size_t len)
{
	static const char repl[] = "\xef\xbf\xbd";
	size_t i = 0, start;
	uint32_t cp;
	int n, rc;

	while (i < len) {
		start = i;
		while (i < len && (n = utf8_decode(s + i, len - i, &cp)) > 0)
			i += (size_t)n;
		if (i > start && (rc = buf_append(out, s + start,
		    i - start)) < 0)
			return rc;
		if (i >= len)
			break;
		if ((rc = buf_append(out, repl, 3)) < 0)
			return rc;
		i += utf8_surrogate_at(s + i, len - i) != 0 ? 3 : 1;
	}
	return 0;
}
