#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <wchar.h>

#include "tui/curses.h"
#include "tui/private.h"
#include "util/i18n.h"
#include "util/utf8.h"

#define REPLACEMENT ((wchar_t)UTF8_REPLACEMENT)
#define ELLIPSIS 0x2026

/*
 * Decode the next character of s (len bytes left) into what is drawn for
 * it: one or two wide characters (out, *nout) taking *width columns.
 * Message bodies are hostile, and util/utf8 says what is hostile, as for
 * every other output: control characters become ^X; invalid UTF-8 (lone
 * surrogates included), C1 controls, direction overrides that could
 * disguise text and code points without a width become U+FFFD.  Line
 * breaks and tabs are reported as '\n' / ' ' so callers can wrap.
 * Returns the bytes consumed (at least 1).
 */
static size_t
next_char(const char *s, size_t len, wchar_t out[2], int *nout, int *width)
{
	uint32_t cp;
	int n;

	*nout = 1;
	if ((n = utf8_decode(s, len, &cp)) < 0) {
		out[0] = REPLACEMENT;
		*width = 1;
		return 1;
	}
	if (cp == '\n' || cp == '\t' || cp == '\r') {
		out[0] = cp == '\n' ? L'\n' : L' ';
		*width = cp == '\n' ? 0 : 1;
		return (size_t)n;
	}
	if (cp < 0x20 || cp == 0x7f) {
		out[0] = L'^';
		out[1] = cp == 0x7f ? L'?' : (wchar_t)(cp + 0x40);
		*nout = 2;
		*width = 2;
		return (size_t)n;
	}
	if (utf8_cp_is_escaped(cp)) {
		out[0] = REPLACEMENT;
		*width = 1;
		return (size_t)n;
	}
	out[0] = (wchar_t)cp;
	*width = utf8_cp_width(cp);
	return (size_t)n;
}

static size_t
text_len(const char *s, size_t len)
{
	return len == (size_t)-1 ? strlen(s) : strnlen(s, len);
}

int
tui_text_width(const char *s, size_t len)
{
	wchar_t wc[2];
	size_t i, n;
	int nout, w, total = 0;

	if (s == NULL)
		return 0;
	len = text_len(s, len);
	for (i = 0; i < len; i += n) {
		n = next_char(s + i, len - i, wc, &nout, &w);
		total += w;
	}
	return total;
}

int
tui_put(int y, int x, int w, const char *s, size_t len, attr_t attr,
    bool ellipsis)
{
	wchar_t line[1024], wc[2];
	unsigned char widths[1024], start[1024];
	size_t i, n, o = 0;
	int nout, cw, cols = 0, k;
	bool cut = false;

	if (s == NULL || w <= 0)
		return 0;
	len = text_len(s, len);
	for (i = 0; i < len; i += n) {
		n = next_char(s + i, len - i, wc, &nout, &cw);
		if (wc[0] == L'\n') {
			wc[0] = L' ';
			cw = 1;
		}
		if (cw == 0 && o == 0)
			continue;	/* a combining mark with no base */
		if (cols + cw > w || o + 2 >= sizeof line / sizeof line[0]) {
			cut = true;
			break;
		}
		for (k = 0; k < nout; k++) {
			line[o] = wc[k];
			start[o] = k == 0;
			widths[o++] = (unsigned char)(k == 0 ? cw : 0);
		}
		cols += cw;
	}
	if (cut && ellipsis) {
		/* Take whole characters back until "…" fits. */
		while (o > 0 && cols + 1 > w) {
			do {
				o--;
				cols -= widths[o];
			} while (o > 0 && !start[o]);
		}
		line[o++] = ELLIPSIS;
		cols++;
	}
	if (o == 0)
		return 0;
	attrset(attr);
	mvaddnwstr(y, x, line, (int)o);
	attrset(A_NORMAL);
	return cols;
}

void
tui_fill(int y, int x, int w, attr_t attr)
{
	if (w <= 0)
		return;
	attrset(attr);
	mvhline(y, x, ' ', w);
	attrset(A_NORMAL);
}

size_t
tui_text_fit(const char *s, size_t len, int w, int *cols)
{
	wchar_t wc[2];
	size_t i, n, brk = 0;
	int nout, cw, used = 0, brk_cols = 0;

	*cols = 0;
	if (s == NULL)
		return 0;
	len = text_len(s, len);
	for (i = 0; i < len; i += n) {
		n = next_char(s + i, len - i, wc, &nout, &cw);
		if (wc[0] == L'\n') {
			*cols = used;
			return i + n;
		}
		if (used + cw > w) {
			if (i == 0) {
				*cols = cw;
				return n;	/* wider than the line */
			}
			if (brk > 0) {
				*cols = brk_cols;
				return brk;
			}
			*cols = used;
			return i;
		}
		used += cw;
		if (wc[0] == L' ') {
			brk = i + n;
			brk_cols = used;
		}
	}
	*cols = used;
	return len;
}

const char *
tui_reltime(char *buf, size_t size, int64_t when, int64_t now)
{
	int64_t d = now - when;
	time_t tt = (time_t)when;
	struct tm tm, tm_now;
	time_t tn = (time_t)now;

	if (when <= 0) {
		snprintf(buf, size, "-");
		return buf;
	}
	if (d < 60)
		snprintf(buf, size, "%s", _("now"));
	else if (d < 3600)
		snprintf(buf, size, _("%dm"), (int)(d / 60));
	else if (d < 86400)
		snprintf(buf, size, _("%dh"), (int)(d / 3600));
	else {
		localtime_r(&tt, &tm);
		localtime_r(&tn, &tm_now);
		if (d < 6 * 86400)
			strftime(buf, size, "%a", &tm);
		else if (tm.tm_year == tm_now.tm_year)
			strftime(buf, size, "%d %b", &tm);
		else
			strftime(buf, size, "%Y-%m-%d", &tm);
	}
	return buf;
}
