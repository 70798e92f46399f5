#include "config.h"

#include "tui/input.h"

#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <wctype.h>

#include "tui/curses.h"
#include "tui/private.h"
#include "util/xalloc.h"

void
input_init(struct input *in, size_t max, bool multiline)
{
	memset(in, 0, sizeof *in);
	in->max = max;
	in->multiline = multiline;
}

void
input_fini(struct input *in)
{
	free(in->buf);
	memset(in, 0, sizeof *in);
}

static bool
insert_char(struct input *in, wchar_t wc)
{
	if (in->len >= in->max)
		return false;
	if (in->len == in->cap) {
		in->cap = in->cap ? in->cap * 2 : 64;
		in->buf = xrealloc(in->buf, in->cap * sizeof *in->buf);
	}
	memmove(in->buf + in->cur + 1, in->buf + in->cur,
	    (in->len - in->cur) * sizeof *in->buf);
	in->buf[in->cur++] = wc;
	in->len++;
	return true;
}

/* Characters a text may hold: printable ones, and line breaks when
 * multiline.  Tabs become spaces; other controls are dropped. */
static int
accept_char(const struct input *in, wchar_t wc)
{
	if (wc == L'\t')
		return L' ';
	if (wc == L'\n' || wc == L'\r')
		return in->multiline ? L'\n' : L' ';
	if (wc < 0x20 || wc == 0x7f || (wc >= 0x80 && wc < 0xa0))
		return -1;
	return (int)wc;
}

void
input_insert(struct input *in, const char *text)
{
	mbstate_t st;
	size_t n, len = strlen(text);
	wchar_t wc;
	int c;

	memset(&st, 0, sizeof st);
	while (len > 0) {
		n = mbrtowc(&wc, text, len, &st);
		if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
			memset(&st, 0, sizeof st);
			wc = 0xfffd;
			n = 1;
		}
		text += n;
		len -= n;
		if ((c = accept_char(in, wc)) < 0)
			continue;
		if (!insert_char(in, (wchar_t)c))
			break;
	}
}

void
input_set(struct input *in, const char *text)
{
	in->len = in->cur = 0;
	in->top = in->hscroll = 0;
	if (text != NULL)
		input_insert(in, text);
}

char *
input_text(const struct input *in)
{
	char *out, *p, mb[MB_LEN_MAX];
	mbstate_t st;
	size_t i, n;

	out = xmalloc(in->len * MB_LEN_MAX + 1);
	p = out;
	memset(&st, 0, sizeof st);
	for (i = 0; i < in->len; i++) {
		n = wcrtomb(mb, in->buf[i], &st);
		if (n == (size_t)-1) {
			memset(&st, 0, sizeof st);
			continue;
		}
		memcpy(p, mb, n);
		p += n;
	}
	*p = '\0';
	return out;
}

bool
input_blank(const struct input *in)
{
	size_t i;

	for (i = 0; i < in->len; i++)
		if (!iswspace((wint_t)in->buf[i]))
			return false;
	return true;
}

static void
delete_range(struct input *in, size_t from, size_t to)
{
	memmove(in->buf + from, in->buf + to,
	    (in->len - to) * sizeof *in->buf);
	in->len -= to - from;
	in->cur = from;
}

static size_t
word_start(const struct input *in, size_t pos)
{
	while (pos > 0 && iswspace((wint_t)in->buf[pos - 1]))
		pos--;
	while (pos > 0 && !iswspace((wint_t)in->buf[pos - 1]))
		pos--;
	return pos;
}

static size_t
word_end(const struct input *in, size_t pos)
{
	while (pos < in->len && iswspace((wint_t)in->buf[pos]))
		pos++;
	while (pos < in->len && !iswspace((wint_t)in->buf[pos]))
		pos++;
	return pos;
}

enum input_result
input_key(struct input *in, int key)
{
	size_t p;
	int c;

	switch (key) {
	case TUI_FN(KEY_LEFT):
	case TUI_CTRL('b'):
		if (in->cur > 0)
			in->cur--;
		return INPUT_MOVED;
	case TUI_FN(KEY_RIGHT):
	case TUI_CTRL('f'):
		if (in->cur < in->len)
			in->cur++;
		return INPUT_MOVED;
	case TUI_FN(KEY_HOME):
	case TUI_CTRL('a'):
		in->cur = 0;
		return INPUT_MOVED;
	case TUI_FN(KEY_END):
	case TUI_CTRL('e'):
		in->cur = in->len;
		return INPUT_MOVED;
	case TUI_FN(KEY_SLEFT):
		in->cur = word_start(in, in->cur);
		return INPUT_MOVED;
	case TUI_FN(KEY_SRIGHT):
		in->cur = word_end(in, in->cur);
		return INPUT_MOVED;
	case TUI_FN(KEY_BACKSPACE):
		if (in->cur == 0)
			return INPUT_MOVED;
		delete_range(in, in->cur - 1, in->cur);
		return INPUT_CHANGED;
	case TUI_FN(KEY_DC):
	case TUI_CTRL('d'):
		if (in->cur == in->len)
			return INPUT_MOVED;
		delete_range(in, in->cur, in->cur + 1);
		return INPUT_CHANGED;
	case TUI_CTRL('u'):
		delete_range(in, 0, in->cur);
		return INPUT_CHANGED;
	case TUI_CTRL('k'):
		in->len = in->cur;
		return INPUT_CHANGED;
	case TUI_CTRL('w'):
		p = word_start(in, in->cur);
		delete_range(in, p, in->cur);
		return INPUT_CHANGED;
	}
	if (key >= TUI_KEY_FN || key == '\r' || key == TUI_KEY_ESC)
		return INPUT_UNHANDLED;
	if (key == '\n' && !in->multiline)
		return INPUT_UNHANDLED;
	if ((c = accept_char(in, (wchar_t)key)) < 0)
		return INPUT_UNHANDLED;
	if (!insert_char(in, (wchar_t)c))
		return INPUT_FULL;
	return INPUT_CHANGED;
}

/* The width a character of the input takes. */
static int
char_width(wchar_t wc)
{
	int w;

	if (wc == L'\n')
		return 0;
	w = wcwidth(wc);
	return w < 0 ? 1 : w;
}

/*
 * Lay out the text wrapped to w columns: calls place for each character
 * with its row and column; returns the number of rows.  The cursor's
 * position (at index in->len too) goes to *crow, *ccol.
 */
static int
layout(const struct input *in, int w, int *crow, int *ccol,
    void (*place)(size_t i, int row, int col, void *data), void *data)
{
	size_t i;
	int row = 0, col = 0, cw;

	for (i = 0; i <= in->len; i++) {
		cw = i < in->len ? char_width(in->buf[i]) : 1;
		if (in->multiline && col + cw > w && col > 0) {
			row++;
			col = 0;
		}
		if (i == in->cur) {
			*crow = row;
			*ccol = col;
		}
		if (i == in->len)
			break;
		if (place != NULL)
			place(i, row, col, data);
		if (in->buf[i] == L'\n') {
			row++;
			col = 0;
			continue;
		}
		col += cw;
	}
	return row + 1;
}

int
input_rows(const struct input *in, int w)
{
	int r, c;

	if (!in->multiline || w <= 0)
		return 1;
	return layout(in, w, &r, &c, NULL, NULL);
}

struct draw_ctx {
	const struct input *in;
	int y, x, w, h, top, left;
	unsigned long attr;
	unsigned long (*hilite)(size_t idx, void *data);
	void *data;
};

static void
draw_one(size_t i, int row, int col, void *data)
{
	struct draw_ctx *d = data;
	wchar_t wc[2] = { d->in->buf[i], 0 };
	unsigned long a = d->attr;
	cchar_t cc;
	int cw = char_width(wc[0]);

	if (wc[0] == L'\n' || row < d->top || row >= d->top + d->h)
		return;
	col -= d->left;
	if (col < 0 || col + cw > d->w)
		return;
	if (wcwidth(wc[0]) < 0)
		wc[0] = 0xfffd;
	if (d->hilite != NULL)
		a = d->hilite(i, d->data);
	setcchar(&cc, wc, (attr_t)a, 0, NULL);
	mvadd_wch(d->y + row - d->top, d->x + col, &cc);
}

void
input_draw(struct input *in, int y, int x, int w, int h,
    unsigned long attr, unsigned long (*hilite)(size_t idx, void *data),
    void *data, int *cy, int *cx)
{
	struct draw_ctx d;
	int crow = 0, ccol = 0, rows;

	if (w <= 0 || h <= 0)
		return;
	if (!in->multiline)
		h = 1;
	rows = layout(in, in->multiline ? w : 1 << 30, &crow, &ccol, NULL,
	    NULL);
	(void)rows;
	if (in->multiline) {
		if (crow < in->top)
			in->top = crow;
		if (crow >= in->top + h)
			in->top = crow - h + 1;
		in->hscroll = 0;
	} else {
		in->top = 0;
		if (ccol < in->hscroll)
			in->hscroll = ccol;
		if (ccol >= in->hscroll + w)
			in->hscroll = ccol - w + 1;
	}
	d.in = in;
	d.y = y;
	d.x = x;
	d.w = w;
	d.h = h;
	d.top = in->top;
	d.left = in->hscroll;
	d.attr = attr;
	d.hilite = hilite;
	d.data = data;
	layout(in, in->multiline ? w : 1 << 30, &crow, &ccol, draw_one, &d);
	*cy = y + crow - in->top;
	*cx = x + ccol - in->hscroll;
}
