/*
 * The list widget shared by the views: a cursor and a scroll position over
 * n rows the view draws itself (it may hold only a page of them).  Keys
 * come in as keymap actions.
 */
#ifndef SMS_TUI_LIST_H
#define SMS_TUI_LIST_H

#include <stdbool.h>
#include <stddef.h>

#include "tui/keymap.h"

struct tui_rect;

struct list {
	size_t n;	/* rows */
	size_t sel;	/* the cursor row (0 when empty) */
	size_t top;	/* the first row on screen */
	int h;		/* rows on screen */
	int y;		/* the screen row of the first, set by list_draw */
};

/* Draw row i at screen row y, columns x..x+w; selected when the cursor is
 * on it. */
typedef void (*list_draw_row_cb)(size_t i, int y, int x, int w,
    bool selected, void *data);

void list_init(struct list *l);

/* Set the row count, keeping the cursor in range. */
void list_set_count(struct list *l, size_t n);

/* Put the cursor on row i (clamped) and scroll to it. */
void list_select(struct list *l, size_t i);

/* Move for a list action (up, down, pages, top, bottom); returns whether
 * the action was one of those. */
bool list_action(struct list *l, enum keymap_action action);

/* The row drawn at screen row y, into *row; false when none is. */
bool list_row_at(const struct list *l, int y, size_t *row);

/* Draw the visible rows into r (selected row highlighted by the callback),
 * or empty_text centred when there are no rows. */
void list_draw(struct list *l, const struct tui_rect *r,
    list_draw_row_cb cb, void *data, const char *empty_text);

#endif
