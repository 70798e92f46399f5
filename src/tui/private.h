/*
 * Inside tui/: the view interface, the calls views make on the tui, and
 * the drawing helpers.  Only tui/ files include this.
 */
#ifndef SMS_TUI_PRIVATE_H
#define SMS_TUI_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <uv.h>

#include "tui/curses.h"
#include "tui/keymap.h"

struct list;

struct tui;
struct store;


/*
 * Keys: a character is its wchar_t value; a curses function key (KEY_UP,
 * ...) has TUI_KEY_FN added so the two ranges never meet.  Enter is '\r',
 * Backspace is TUI_KEY_FN + KEY_BACKSPACE whatever the terminal sends.
 */
#define TUI_KEY_FN 0x1000000
#define TUI_FN(k) (TUI_KEY_FN + (k))
#define TUI_CTRL(c) ((c) & 0x1f)
#define TUI_KEY_ESC 27

/* A part of the screen, in rows and columns. */
struct tui_rect {
	int y, x, h, w;
};

/* What a view's key handler asks for; the view itself draws nothing. */
enum view_result {
	VIEW_PASS = 0,	/* not mine: try the global bindings */
	VIEW_DONE,	/* handled, nothing changed on screen */
	VIEW_REDRAW,	/* handled, draw again */
	VIEW_POP,	/* close this view */
	VIEW_QUIT,	/* leave the program */
};

/* Things that happen outside the keyboard, passed to every view. */
enum tui_event {
	TUI_EV_STORE,	/* the store changed (another writer or the engine) */
	TUI_EV_MINUTE,	/* a minute passed: relative times move */
};

struct view;

/*
 * A view's operations.  Views are on the tui's stack; the top one gets
 * keys and draws the body; all get events.
 */
struct view_ops {
	const char *name;	/* for logs */
	enum keymap_ctx ctx;	/* which bindings apply */
	bool list;		/* the list bindings (j, k, Enter...) apply */
	/* The view became the top one (pushed, or the one above popped).
	 * May be NULL. */
	void (*enter)(struct view *v);
	/* The body's size changed; called before the first draw too.  May
	 * be NULL. */
	void (*resize)(struct view *v, const struct tui_rect *r);
	/* Draw the body into r on stdscr (already cleared). */
	void (*draw)(struct view *v, const struct tui_rect *r);
	/* The title line's text; borrowed until the next call. */
	const char *(*title)(struct view *v);
	/* A key: action is the bound action in this view's context (or
	 * KEYMAP_NONE), key the raw key.  Must not draw. */
	enum view_result (*key)(struct view *v, enum keymap_action action,
	    int key);
	/* Something changed outside; return true to be drawn again.  May be
	 * NULL. */
	bool (*on_event)(struct view *v, enum tui_event ev);
	/* The view's list, for mouse clicks; NULL (or the op NULL) when it
	 * has none. */
	struct list *(*list_of)(struct view *v);
	/* Free the view (it has left the stack). */
	void (*free)(struct view *v);
};

/* The head of every view; views embed it first. */
struct view {
	const struct view_ops *ops;
	struct tui *tui;
};

/* Colour roles; monochrome terminals and NO_COLOR get attributes only. */
enum tui_attr {
	TUI_A_NORMAL = 0,
	TUI_A_TITLE,	/* the title line */
	TUI_A_STATUS,	/* the status bar */
	TUI_A_SELECTED,	/* the list's cursor row */
	TUI_A_UNREAD,	/* unread threads and counts */
	TUI_A_DIM,	/* times, secondary text */
	TUI_A_ERROR,	/* failures, refusals */
	TUI_A_HILITE,	/* search hits, the character that forced UCS-2 */
	TUI_A_OUT,	/* our messages */
	TUI_A_IN,	/* their messages */
	TUI_A_NOTICE,	/* new-message notice in the status bar */
	TUI_A_GOOD,	/* delivered, up */
	TUI_A_COUNT
};

/* The view stack. */
void tui_push(struct tui *t, struct view *v);
/* Pop and free the top view; quits when it was the last one. */
void tui_pop(struct tui *t);
/* Ask for a redraw at the end of this loop turn. */
void tui_dirty(struct tui *t);
/* The view on top of the stack (the one the agent sees). */
struct view *tui_top(struct tui *t);
/* Leave the program at the end of this loop turn. */
void tui_quit(struct tui *t);

/* What the views work on. */
uv_loop_t *tui_loop(struct tui *t);
struct store *tui_store(struct tui *t);
const char *tui_agent(struct tui *t);
/* The configuration (NULL when the inbox runs without one). */
struct conf *tui_conf(struct tui *t);

/* A line on the message row for a few seconds (err: in error colours). */
void tui_message(struct tui *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void tui_error(struct tui *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * Ask for a line of text on the message row.  cb gets the UTF-8 text
 * (borrowed for the call) after Enter, or NULL after Esc.  cb may start
 * another prompt.
 */
typedef void (*tui_prompt_cb)(struct tui *t, const char *text, void *data);
void tui_prompt(struct tui *t, const char *label, const char *initial,
    tui_prompt_cb cb, void *data);
/* Ask a yes/no question: cb gets "y" or NULL. */
void tui_confirm(struct tui *t, const char *question, tui_prompt_cb cb,
    void *data);

/*
 * Edit text in $VISUAL or $EDITOR (vi if neither): the terminal is given
 * to the editor and the loop keeps running; cb gets the new text (or NULL
 * when the editor failed) when it exits.
 */
void tui_edit_external(struct tui *t, const char *text, tui_prompt_cb cb,
    void *data);

/* Where the terminal cursor should be shown after drawing; y < 0 hides
 * it.  Views call it from draw. */
void tui_set_cursor(struct tui *t, int y, int x);

/* The curses attribute for a role. */
attr_t tui_attr(const struct tui *t, enum tui_attr role);

/* Ring the bell if the configuration asks for it (new messages). */
void tui_bell(struct tui *t);

/* Tell every view the store changed (watch.c calls it). */
void tui_store_changed(struct tui *t);

struct statusbar;
struct watch;
struct conf;

/*
 * watch.c: runs the engine here or follows the daemon's (events, status),
 * follows the store (PRAGMA data_version), and keeps the status bar
 * current.  Start once curses is up (cfg NULL: no engine), poll twice a
 * second, stop after curses ended (it may wait for messages in flight).
 */
struct watch *watch_start(struct tui *t, struct statusbar *sb,
    struct conf *cfg);
void watch_poll(struct tui *t, struct statusbar *sb);
void watch_stop(struct watch *w);
void watch_free(struct watch *w);
/* The status bar, for watch_refresh(). */
struct statusbar *tui_statusbar(struct tui *t);
/* Recount unread and queued messages; with notify, a rise in unread
 * sets the new-message notice and rings the bell. */
void watch_refresh(struct tui *t, struct statusbar *sb, bool notify);
/* Tell the engine there is work in the outbox. */
void watch_wake(struct watch *w);
void tui_wake(struct tui *t);
/* The rules changed: have the engine use them at once. */
void watch_rules_changed(struct watch *w);
void tui_rules_changed(struct tui *t);

/* The longest message the outbox takes, in segments ([outbox]
 * max_segments). */
int tui_max_segments(struct tui *t);

/* The views (each in its own file). */
struct store_thread;
struct view *view_threads_new(struct tui *t);
struct view *view_help_new(struct tui *t, enum keymap_ctx from);
/* The conversation of thread_id; focus_id, when not 0, is a message to
 * show (a search hit). */
struct view *view_conversation_new(struct tui *t, int64_t thread_id,
    int64_t focus_id);
struct view *view_search_new(struct tui *t, const char *query);
struct view *view_contacts_new(struct tui *t);
struct view *view_stats_new(struct tui *t);
struct view *view_rules_new(struct tui *t);

/* view-compose.c: open the compose box for a reply in a thread, for a
 * number (open_after: show its conversation once sent), or after asking
 * for a number or a contact's name. */
void compose_to_thread(struct tui *t, const struct store_thread *th);
void compose_to_number(struct tui *t, const char *number, const char *name,
    bool open_after);
void compose_prompt(struct tui *t);

/* draw.c: text drawing that respects widths and escapes hostile bytes. */

/* Display columns of UTF-8 s as tui_put() would draw it (len bytes, or up
 * to the NUL if len is (size_t)-1). */
int tui_text_width(const char *s, size_t len);

/*
 * Draw UTF-8 s (up to len bytes or the NUL) at y, x in at most w columns
 * with attr: control characters are drawn as ^X, invalid bytes and
 * direction overrides as U+FFFD, line breaks as spaces.  With ellipsis,
 * text cut short ends in "…".  Returns the columns drawn.
 */
int tui_put(int y, int x, int w, const char *s, size_t len, attr_t attr,
    bool ellipsis);

/* Fill w columns at y, x with spaces in attr. */
void tui_fill(int y, int x, int w, attr_t attr);

/*
 * How many bytes of s (len bytes) fit in w columns, breaking after a
 * space when one is in the part that fits (a word wrap), or at a line
 * break.  *cols gets the columns used.  Returns at least one character
 * when w > 0 and s is not empty.
 */
size_t tui_text_fit(const char *s, size_t len, int w, int *cols);

/* A short relative time ("now", "5m", "3h", "Tue", "12 Mar") for when,
 * in buf. */
const char *tui_reltime(char *buf, size_t size, int64_t when, int64_t now);

#endif
