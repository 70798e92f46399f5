/*
 * The status bar: engine and backends (state, signal bars, operator),
 * queue depth, unread total, and a notice when new messages arrive.
 */
#ifndef SMS_TUI_STATUSBAR_H
#define SMS_TUI_STATUSBAR_H

#include <stdbool.h>
#include <stdint.h>

#define STATUSBAR_BACKENDS 4

struct tui;

struct statusbar_backend {
	char name[32];
	int state;		/* enum backend_state */
	int bars;		/* 0-5, -1 unknown */
	char operator_name[32];
};

struct statusbar {
	char engine[48];	/* "in-process", "daemon", "no engine", ... */
	struct statusbar_backend be[STATUSBAR_BACKENDS];
	int nbe;
	long queued;		/* outgoing messages waiting; -1 unknown */
	long unread;		/* threads with unread messages; -1 unknown */
	long threads;		/* threads in the store; -1 unknown */
	char notice[128];	/* "New message from Anna"; "" for none */
	bool demo;
};

/* Draw the bar on row y, w columns wide. */
void statusbar_draw(const struct statusbar *sb, struct tui *t, int y, int w);

#endif
