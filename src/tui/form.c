#include "config.h"

#include "tui/form.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/curses.h"
#include "tui/input.h"
#include "tui/private.h"
#include "util/i18n.h"
#include "util/xalloc.h"

#define FIELDS_MAX 24
#define LABEL_W 16

struct form_field {
	const char *label;
	const char *hint;
	struct input in;		/* text fields */
	const char *const *choices;	/* choice fields, else NULL */
	size_t choice;
	size_t nchoices;
};

struct form {
	struct view v;
	char title[160];
	struct form_field fields[FIELDS_MAX];
	size_t n;
	size_t cur;
	int top;
	form_save_cb save;
	form_free_cb free_data;
	void *data;
	char *note;
};

static struct form_field *
add_field(struct form *f, const char *label, const char *hint)
{
	struct form_field *ff;

	if (f->n == FIELDS_MAX)
		abort();	/* a programming error: forms are static */
	ff = &f->fields[f->n++];
	memset(ff, 0, sizeof *ff);
	ff->label = label;
	ff->hint = hint;
	input_init(&ff->in, 2000, false);
	return ff;
}

size_t
form_add_text(struct form *f, const char *label, const char *value,
    const char *hint)
{
	struct form_field *ff = add_field(f, label, hint);

	input_set(&ff->in, value);
	return f->n - 1;
}

size_t
form_add_choice(struct form *f, const char *label,
    const char *const *choices, size_t value, const char *hint)
{
	struct form_field *ff = add_field(f, label, hint);

	ff->choices = choices;
	while (choices[ff->nchoices] != NULL)
		ff->nchoices++;
	ff->choice = value < ff->nchoices ? value : 0;
	return f->n - 1;
}

char *
form_text(const struct form *f, size_t field)
{
	return input_text(&f->fields[field].in);
}

size_t
form_choice(const struct form *f, size_t field)
{
	return f->fields[field].choice;
}

/* Rows a field takes: its line, and its hint's. */
static int
field_rows(const struct form_field *ff)
{
	return ff->hint != NULL ? 2 : 1;
}

static void
form_draw(struct view *v, const struct tui_rect *r)
{
	struct form *f = (struct form *)v;
	struct tui *t = v->tui;
	int y, rows_to_cur = 0, cy, cx, lw = LABEL_W;
	size_t i;

	if (r->w < 40)
		lw = r->w / 3;
	for (i = 0; i < f->cur; i++)
		rows_to_cur += field_rows(&f->fields[i]);
	if (rows_to_cur < f->top)
		f->top = rows_to_cur;
	if (rows_to_cur + field_rows(&f->fields[f->cur]) > f->top + r->h - 2)
		f->top = rows_to_cur + field_rows(&f->fields[f->cur]) -
		    (r->h - 2);
	y = r->y + 1 - f->top;
	for (i = 0; i < f->n; i++) {
		struct form_field *ff = &f->fields[i];
		bool cur = i == f->cur;
		attr_t la = cur ? A_BOLD : A_NORMAL;

		if (y >= r->y && y < r->y + r->h) {
			tui_put(y, 1, lw - 1, _(ff->label), (size_t)-1, la,
			    true);
			if (ff->choices != NULL) {
				char c[160];

				snprintf(c, sizeof c, cur ? "\u25c2 %s \u25b8" :
				    "  %s", _(ff->choices[ff->choice]));
				tui_put(y, lw + 1, r->w - lw - 2, c, (size_t)-1,
				    cur ? tui_attr(t, TUI_A_SELECTED) :
				    A_NORMAL, true);
			} else {
				if (cur)
					tui_fill(y, lw + 1, r->w - lw - 2,
					    A_UNDERLINE);
				input_draw(&ff->in, y, lw + 1, r->w - lw - 2,
				    1, cur ? A_UNDERLINE : A_NORMAL, NULL,
				    NULL, &cy, &cx);
				if (cur)
					tui_set_cursor(t, cy, cx);
			}
		}
		y++;
		if (ff->hint != NULL) {
			if (y >= r->y && y < r->y + r->h)
				tui_put(y, lw + 1, r->w - lw - 2, _(ff->hint),
				    (size_t)-1, tui_attr(t, TUI_A_DIM), true);
			y++;
		}
	}
	if (f->note != NULL) {
		const char *p = f->note, *nl;
		int cols;
		size_t n;

		y++;
		while (*p != '\0' && y < r->y + r->h - 1) {
			nl = strchr(p, '\n');
			n = nl ? (size_t)(nl - p) : strlen(p);
			while (n > 0 && y < r->y + r->h - 1) {
				size_t k = tui_text_fit(p, n, r->w - 4, &cols);

				if (y >= r->y)
					tui_put(y, 2, r->w - 4, p, k, A_NORMAL,
					    false);
				y++;
				p += k;
				n -= k;
			}
			if (nl == NULL)
				break;
			p = nl + 1;
		}
	}
	if (r->h > 2) {
		char hints[256];

		snprintf(hints, sizeof hints, _("%s save · %s next field · "
		    "%s cancel"), keymap_key_name(KEYMAP_CTX_FORM, KEYMAP_SAVE),
		    keymap_key_name(KEYMAP_CTX_FORM, KEYMAP_NEXT_FIELD),
		    keymap_key_name(KEYMAP_CTX_FORM, KEYMAP_CANCEL));
		tui_put(r->y + r->h - 1, 1, r->w - 2, hints, (size_t)-1,
		    tui_attr(t, TUI_A_DIM), true);
	}
}

static const char *
form_title(struct view *v)
{
	return ((struct form *)v)->title;
}

static enum view_result
form_key(struct view *v, enum keymap_action action, int key)
{
	struct form *f = (struct form *)v;
	struct form_field *ff = &f->fields[f->cur];

	switch (action) {
	case KEYMAP_NEXT_FIELD:
		f->cur = (f->cur + 1) % f->n;
		return VIEW_REDRAW;
	case KEYMAP_PREV_FIELD:
		f->cur = (f->cur + f->n - 1) % f->n;
		return VIEW_REDRAW;
	case KEYMAP_SAVE:
		if (f->save(v->tui, f, f->data))
			return VIEW_POP;
		return VIEW_REDRAW;
	case KEYMAP_CANCEL:
		tui_message(v->tui, "%s", _("Nothing saved."));
		return VIEW_POP;
	default:
		break;
	}
	if (ff->choices != NULL) {
		if (key == TUI_FN(KEY_RIGHT) || key == ' ' || key == 'l') {
			ff->choice = (ff->choice + 1) % ff->nchoices;
			return VIEW_REDRAW;
		}
		if (key == TUI_FN(KEY_LEFT) || key == 'h') {
			ff->choice = (ff->choice + ff->nchoices - 1) %
			    ff->nchoices;
			return VIEW_REDRAW;
		}
		return VIEW_DONE;
	}
	return input_key(&ff->in, key) == INPUT_UNHANDLED ? VIEW_DONE :
	    VIEW_REDRAW;
}

static void
form_free(struct view *v)
{
	struct form *f = (struct form *)v;
	size_t i;

	for (i = 0; i < f->n; i++)
		input_fini(&f->fields[i].in);
	if (f->free_data != NULL)
		f->free_data(f->data);
	free(f->note);
	free(f);
}

static const struct view_ops form_ops = {
	.name = "form",
	.ctx = KEYMAP_CTX_FORM,
	.list = false,
	.draw = form_draw,
	.title = form_title,
	.key = form_key,
	.free = form_free,
};

struct form *
form_new(struct tui *t, const char *title, form_save_cb save,
    form_free_cb free_data, void *data)
{
	struct form *f = xcalloc(1, sizeof *f);

	f->v.ops = &form_ops;
	f->v.tui = t;
	snprintf(f->title, sizeof f->title, "%s", title);
	f->save = save;
	f->free_data = free_data;
	f->data = data;
	return f;
}

void
form_set_note(struct form *f, const char *text)
{
	free(f->note);
	f->note = text != NULL ? xstrdup(text) : NULL;
}

struct view *
form_view(struct form *f)
{
	return &f->v;
}
