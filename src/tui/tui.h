/*
 * The terminal inbox: curses on a libuv loop, a stack of views (threads,
 * conversation, compose, contacts, rules, search, stats, help) and a
 * status bar.  cli/cmd-tui.c sets up the store and the engine and runs it.
 */
#ifndef SMS_TUI_TUI_H
#define SMS_TUI_TUI_H

#include <stdbool.h>

#include <uv.h>

#include "util/err.h"

struct conf;
struct store;
struct tui;

/* What the inbox works on; everything is borrowed for the tui's life. */
struct tui_opts {
	struct store *store;	/* the store views read (required) */
	struct conf *cfg;	/* to run the engine here when no daemon
				 * does; NULL: no engine */
	const char *agent;	/* this agent's login, for "assigned to me" */
	bool bell;		/* ring the bell on new messages */
	bool mouse;		/* wheel scrolls, clicks select and open */
	bool demo;		/* --demo: say so in the status bar */
	int color;		/* TUI_COLOR_AUTO, _ALWAYS or _NEVER */
	const char *editor;	/* [ui] editor, or NULL for $VISUAL/$EDITOR */
	int max_segments;	/* [outbox] max_segments; 0 for 10 */
	const char *log_file;	/* [ui] log_file: the log goes there too
				 * (NULL: only warnings, on screen) */
};

enum {
	TUI_COLOR_AUTO = 0,	/* colour unless NO_COLOR or monochrome */
	TUI_COLOR_ALWAYS,	/* colour even with NO_COLOR */
	TUI_COLOR_NEVER,
};

/*
 * Make sure the locale's character set is UTF-8: after setlocale(LC_ALL,
 * ""), try C.UTF-8 for LC_CTYPE if it is not.  Fails with SMS_ECONFIG and
 * a sentence when no UTF-8 locale is available.
 */
int tui_require_utf8(struct sms_err *err);

/* Set up an inbox on loop (no terminal output yet). */
int tui_new(struct tui **out, uv_loop_t *loop, const struct tui_opts *opts,
    struct sms_err *err);

/*
 * Take over the terminal, run the loop until the user quits or a signal
 * (TERM, INT, HUP) asks to, and give the terminal back.  Returns a
 * sysexits code (0 on a normal quit).  stdin and stdout must be a
 * terminal.
 */
int tui_run(struct tui *t);

/* Free the inbox; its handles must be closed (tui_run() does that), and
 * the loop run once more to finish closing them. */
void tui_free(struct tui *t);

#endif
