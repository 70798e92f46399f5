/*
 * A text input: wide-character editing with emacs keys, one line that
 * scrolls or a box that grows as lines wrap (the compose box).  Text goes
 * in and out as UTF-8.
 */
#ifndef SMS_TUI_INPUT_H
#define SMS_TUI_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <wchar.h>

struct input {
	wchar_t *buf;		/* len characters, not terminated */
	size_t len;
	size_t cap;
	size_t max;		/* most characters it takes */
	size_t cur;		/* cursor, 0..len */
	bool multiline;		/* wraps and takes line breaks */
	int top;		/* first visible row (multiline) */
	int hscroll;		/* first visible column (one line) */
};

enum input_result {
	INPUT_UNHANDLED = 0,
	INPUT_MOVED,		/* only the cursor moved */
	INPUT_CHANGED,		/* the text changed */
	INPUT_FULL,		/* refused: at the maximum length */
};

/* Set up an empty input of at most max characters. */
void input_init(struct input *in, size_t max, bool multiline);
void input_fini(struct input *in);

/* Replace the text (UTF-8; invalid bytes become U+FFFD); cursor at end. */
void input_set(struct input *in, const char *text);

/* Insert UTF-8 text at the cursor (as typed). */
void input_insert(struct input *in, const char *text);

/* The text as UTF-8; caller frees. */
char *input_text(const struct input *in);

/* Whether it holds nothing but white space. */
bool input_blank(const struct input *in);

/* Handle an editing key (tui/private.h encoding). */
enum input_result input_key(struct input *in, int key);

/* Rows the text takes when wrapped to w columns (at least 1). */
int input_rows(const struct input *in, int w);

/*
 * Draw in the rectangle at y, x of w columns and h rows (one row when not
 * multiline), keeping the cursor visible; *cy, *cx get the cursor's
 * screen position.  hilite, when not NULL, is called for each character
 * index to pick an attribute (the compose box marks what forced UCS-2).
 */
void input_draw(struct input *in, int y, int x, int w, int h,
    unsigned long attr, unsigned long (*hilite)(size_t idx, void *data),
    void *data, int *cy, int *cx);

#endif
