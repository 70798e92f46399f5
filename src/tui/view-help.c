/*
 * The help view (?): every key binding from keymap.c, the view it was
 * opened from first.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/curses.h"
#include "tui/keymap.h"
#include "tui/list.h"
#include "tui/private.h"
#include "util/i18n.h"
#include "util/xalloc.h"

#define KEY_COL 18

struct help_line {
	bool heading;
	char *keys;	/* "j, Down" */
	const char *text;
};

struct view_help {
	struct view v;
	struct list list;
	struct help_line *lines;
	size_t n;
	size_t cap;
};

static void
add_line(struct view_help *h, bool heading, char *keys, const char *text)
{
	if (h->n == h->cap) {
		h->cap = h->cap ? h->cap * 2 : 64;
		h->lines = xrealloc(h->lines, h->cap * sizeof *h->lines);
	}
	h->lines[h->n].heading = heading;
	h->lines[h->n].keys = keys;
	h->lines[h->n].text = text;
	h->n++;
}

/* One context: a heading, then one line per action with all its keys. */
static void
add_ctx(struct view_help *h, enum keymap_ctx ctx)
{
	const struct keymap_entry *e;
	size_t n, i, j;
	char keys[128];

	e = keymap_table(&n);
	if (h->n > 0)
		add_line(h, false, xstrdup(""), "");
	add_line(h, true, xstrdup(""), keymap_ctx_name(ctx));
	for (i = 0; i < n; i++) {
		if (e[i].ctx != ctx || e[i].help == NULL)
			continue;
		snprintf(keys, sizeof keys, "%s", e[i].key_name);
		for (j = i + 1; j < n; j++)
			if (e[j].ctx == ctx && e[j].action == e[i].action &&
			    e[j].help == NULL &&
			    strlen(keys) + strlen(e[j].key_name) + 3 <
			    sizeof keys) {
				strcat(keys, ", ");
				strcat(keys, e[j].key_name);
			}
		add_line(h, false, xstrdup(keys), _(e[i].help));
	}
}

static void
draw_row(size_t i, int y, int x, int w, bool selected, void *data)
{
	struct view_help *h = data;
	struct help_line *l = &h->lines[i];
	attr_t a = selected ? tui_attr(h->v.tui, TUI_A_SELECTED) : A_NORMAL;

	if (selected)
		tui_fill(y, x, w, a);
	if (l->heading) {
		tui_put(y, x + 1, w - 1, l->text, (size_t)-1, a | A_BOLD,
		    true);
		return;
	}
	tui_put(y, x + 3, KEY_COL - 4, l->keys, (size_t)-1, a | A_BOLD,
	    true);
	tui_put(y, x + KEY_COL, w - KEY_COL, l->text, (size_t)-1, a, true);
}

static void
help_draw(struct view *v, const struct tui_rect *r)
{
	struct view_help *h = (struct view_help *)v;

	list_draw(&h->list, r, draw_row, h, NULL);
}

static const char *
help_title(struct view *v)
{
	return _("Keys");
}

static enum view_result
help_key(struct view *v, enum keymap_action action, int key)
{
	struct view_help *h = (struct view_help *)v;

	if (action == KEYMAP_BACK || action == KEYMAP_HELP ||
	    action == KEYMAP_CANCEL)
		return VIEW_POP;
	if (list_action(&h->list, action))
		return VIEW_REDRAW;
	if (action == KEYMAP_OPEN)
		return VIEW_DONE;
	return VIEW_PASS;
}

static void
help_free(struct view *v)
{
	struct view_help *h = (struct view_help *)v;
	size_t i;

	for (i = 0; i < h->n; i++)
		free(h->lines[i].keys);
	free(h->lines);
	free(h);
}

static struct list *
help_list_of(struct view *v)
{
	return &((struct view_help *)v)->list;
}

static const struct view_ops help_ops = {
	.name = "help",
	.ctx = KEYMAP_CTX_HELP,
	.list = true,
	.draw = help_draw,
	.title = help_title,
	.key = help_key,
	.list_of = help_list_of,
	.free = help_free,
};

struct view *
view_help_new(struct tui *t, enum keymap_ctx from)
{
	struct view_help *h = xcalloc(1, sizeof *h);
	int c;

	h->v.ops = &help_ops;
	h->v.tui = t;
	list_init(&h->list);
	if (from != KEYMAP_CTX_GLOBAL && from != KEYMAP_CTX_LIST &&
	    from != KEYMAP_CTX_HELP)
		add_ctx(h, from);
	add_ctx(h, KEYMAP_CTX_GLOBAL);
	add_ctx(h, KEYMAP_CTX_LIST);
	for (c = KEYMAP_CTX_THREADS; c < KEYMAP_CTX_COUNT; c++)
		if (c != (int)from && c != KEYMAP_CTX_HELP && c != KEYMAP_CTX_PROMPT)
			add_ctx(h, (enum keymap_ctx)c);
	list_set_count(&h->list, h->n);
	return &h->v;
}
