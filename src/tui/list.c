#include "config.h"

#include "tui/list.h"

#include <string.h>

#include "tui/curses.h"
#include "tui/private.h"

void
list_init(struct list *l)
{
	memset(l, 0, sizeof *l);
	l->h = 1;
}

static void
scroll_to_cursor(struct list *l)
{
	size_t h = l->h > 0 ? (size_t)l->h : 1;

	if (l->sel < l->top)
		l->top = l->sel;
	else if (l->sel >= l->top + h)
		l->top = l->sel - h + 1;
	/* No empty space below the last row when there is more above. */
	if (l->n > h && l->top + h > l->n)
		l->top = l->n - h;
	if (l->n <= h)
		l->top = 0;
}

void
list_set_count(struct list *l, size_t n)
{
	l->n = n;
	if (n == 0)
		l->sel = 0;
	else if (l->sel >= n)
		l->sel = n - 1;
	scroll_to_cursor(l);
}

void
list_select(struct list *l, size_t i)
{
	l->sel = l->n == 0 ? 0 : i >= l->n ? l->n - 1 : i;
	scroll_to_cursor(l);
}

bool
list_action(struct list *l, enum keymap_action action)
{
	size_t page = l->h > 1 ? (size_t)l->h - 1 : 1;

	switch (action) {
	case KEYMAP_UP:
		if (l->sel > 0)
			l->sel--;
		break;
	case KEYMAP_DOWN:
		if (l->sel + 1 < l->n)
			l->sel++;
		break;
	case KEYMAP_PAGE_UP:
		l->sel = l->sel > page ? l->sel - page : 0;
		l->top = l->top > page ? l->top - page : 0;
		break;
	case KEYMAP_PAGE_DOWN:
		l->sel += page;
		l->top += page;
		if (l->n == 0)
			l->sel = 0;
		else if (l->sel >= l->n)
			l->sel = l->n - 1;
		break;
	case KEYMAP_TOP:
		l->sel = 0;
		break;
	case KEYMAP_BOTTOM:
		l->sel = l->n > 0 ? l->n - 1 : 0;
		break;
	default:
		return false;
	}
	scroll_to_cursor(l);
	return true;
}

void
list_draw(struct list *l, const struct tui_rect *r, list_draw_row_cb cb,
    void *data, const char *empty_text)
{
	size_t i;
	int w;

	l->h = r->h;
	l->y = r->y;
	scroll_to_cursor(l);
	if (l->n == 0) {
		if (empty_text != NULL && r->h > 0) {
			w = tui_text_width(empty_text, (size_t)-1);
			tui_put(r->y + r->h / 3, r->x + (r->w > w ?
			    (r->w - w) / 2 : 0), r->w, empty_text,
			    (size_t)-1, A_NORMAL, true);
		}
		return;
	}
	for (i = l->top; i < l->n && (int)(i - l->top) < r->h; i++)
		cb(i, r->y + (int)(i - l->top), r->x, r->w, i == l->sel,
		    data);
}

bool
list_row_at(const struct list *l, int y, size_t *row)
{
	if (y < l->y || y >= l->y + l->h || l->top + (size_t)(y - l->y) >= l->n)
		return false;
	*row = l->top + (size_t)(y - l->y);
	return true;
}
