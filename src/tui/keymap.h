/*
 * Key bindings: one table of (context, action, key, help text).  Views ask
 * what a key means in their context; the help view and the manual list the
 * same table.
 */
#ifndef SMS_TUI_KEYMAP_H
#define SMS_TUI_KEYMAP_H

#include <stddef.h>

/* Where a binding applies.  A view's own context is tried first, then
 * KEYMAP_CTX_LIST (for list views), then KEYMAP_CTX_GLOBAL. */
enum keymap_ctx {
	KEYMAP_CTX_GLOBAL = 0,
	KEYMAP_CTX_LIST,
	KEYMAP_CTX_THREADS,
	KEYMAP_CTX_CONVERSATION,
	KEYMAP_CTX_COMPOSE,
	KEYMAP_CTX_CONTACTS,
	KEYMAP_CTX_RULES,
	KEYMAP_CTX_SEARCH,
	KEYMAP_CTX_STATS,
	KEYMAP_CTX_HELP,
	KEYMAP_CTX_FORM,
	KEYMAP_CTX_PROMPT,
	KEYMAP_CTX_COUNT
};

enum keymap_action {
	KEYMAP_NONE = 0,
	/* global */
	KEYMAP_BACK,		/* q: back; quits from the threads view */
	KEYMAP_HELP,
	KEYMAP_SEARCH,
	KEYMAP_CONTACTS,
	KEYMAP_RULES,
	KEYMAP_STATS,
	KEYMAP_COMPOSE_NEW,
	KEYMAP_REDRAW,
	KEYMAP_QUIT,
	/* lists */
	KEYMAP_UP,
	KEYMAP_DOWN,
	KEYMAP_PAGE_UP,
	KEYMAP_PAGE_DOWN,
	KEYMAP_TOP,
	KEYMAP_BOTTOM,
	KEYMAP_OPEN,
	/* threads */
	KEYMAP_ARCHIVE,
	KEYMAP_TOGGLE_READ,
	KEYMAP_DELETE,
	KEYMAP_FILTER,
	KEYMAP_ASSIGN,
	/* conversation */
	KEYMAP_REPLY,
	KEYMAP_ADD_CONTACT,
	/* contacts and rules */
	KEYMAP_ADD,
	KEYMAP_EDIT,
	KEYMAP_MESSAGE,
	KEYMAP_FIND,
	KEYMAP_IMPORT,
	KEYMAP_EXPORT,
	KEYMAP_MOVE_UP,
	KEYMAP_MOVE_DOWN,
	KEYMAP_TOGGLE,
	KEYMAP_TRY,
	/* compose */
	KEYMAP_SEND,
	KEYMAP_NEWLINE,
	KEYMAP_EDITOR,
	KEYMAP_TEMPLATE,
	KEYMAP_CANCEL,
	/* forms */
	KEYMAP_NEXT_FIELD,
	KEYMAP_PREV_FIELD,
	KEYMAP_SAVE,
	KEYMAP_ACTION_COUNT
};

/* One binding. */
struct keymap_entry {
	enum keymap_ctx ctx;
	enum keymap_action action;
	int key;		/* as tui/private.h encodes keys */
	const char *key_name;	/* how help shows it: "j", "Down", "Enter" */
	const char *help;	/* N_() text; NULL for a second key of the
				 * same action */
};

/* The action key has in ctx (then in the lists, then globally), or
 * KEYMAP_NONE.  list says whether ctx is a list view. */
enum keymap_action keymap_lookup(enum keymap_ctx ctx, int list, int key);

/* The whole table; *n gets its length. */
const struct keymap_entry *keymap_table(size_t *n);

/* A context's title for the help view (translated). */
const char *keymap_ctx_name(enum keymap_ctx ctx);

/* The first key name bound to action in ctx, or "" (for hints). */
const char *keymap_key_name(enum keymap_ctx ctx, enum keymap_action action);

#endif
