/*
 * Threads: one per peer (an E.164 number or an alphanumeric sender), with
 * its summary kept by triggers as messages arrive: last activity, last
 * message, unread count.  The thread list pages by keyset (last_activity,
 * id), so every page costs the same.
 */
#ifndef SMS_STORE_THREAD_H
#define SMS_STORE_THREAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"
#include "util/msg.h"

struct store;

/* One row of the thread list.  Strings are owned by the struct (NULL when
 * unset); release with store_thread_fini(). */
struct store_thread {
	int64_t id;
	char *peer;		/* E.164 or alphanumeric */
	char *peer_raw;		/* as first seen, for display */
	int64_t contact_id;	/* 0 when no contact has this number */
	char *contact_name;	/* NULL when no contact */
	bool opted_out;		/* the contact opted out */
	int unread;
	bool archived;
	char *assigned;		/* agent login, NULL when unassigned */
	int64_t last_activity;
	int64_t last_message_id; /* 0 for a thread without messages */
	/* The last message, for the list's preview line: */
	char *last_body;	/* first STORE_SNIPPET_MAX characters, or NULL */
	enum msg_dir last_dir;
	enum msg_state last_state;
	char *last_author;
};

/* Longest preview of the last message, in characters (thread.c's SQL
 * says 160 too). */
#define STORE_SNIPPET_MAX 160

struct store_threads {
	struct store_thread *v;
	size_t n;
};

void store_thread_fini(struct store_thread *t);
void store_threads_fini(struct store_threads *ts);

enum store_thread_filter {
	STORE_THREADS_INBOX = 0,	/* not archived */
	STORE_THREADS_UNREAD,		/* unread and not archived */
	STORE_THREADS_ARCHIVED,		/* archived only */
	STORE_THREADS_ASSIGNED,		/* assigned to q->assigned */
	STORE_THREADS_ALL,		/* everything */
};

struct store_thread_query {
	enum store_thread_filter filter;
	const char *assigned;	/* for STORE_THREADS_ASSIGNED */
	/* Keyset: 0/0 for the first page; else the last row's
	 * last_activity and id from the previous page. */
	int64_t after_activity;
	int64_t after_id;
	size_t limit;		/* rows wanted; 0 means 50 */
};

/*
 * A page of threads, newest activity first.  Caller runs
 * store_threads_fini(out).
 */
int store_thread_page(struct store *st, const struct store_thread_query *q,
    struct store_threads *out, struct sms_err *err);

/* One thread by id; SMS_ENOENT if none.  Caller runs
 * store_thread_fini(out). */
int store_thread_get(struct store *st, int64_t id, struct store_thread *out,
    struct sms_err *err);

/*
 * Find the thread for what a person typed: a number in any form
 * (normalised), an alphanumeric sender, or words starting a contact's
 * name's words (case- and accent-insensitive: "eva" finds "Szabó Éva"; the
 * shortest such name, its most recent thread).  SMS_ENOENT with a
 * sentence when nothing matches.
 */
int store_thread_find(struct store *st, const char *peer_or_name,
    int64_t *id, struct sms_err *err);

/*
 * The thread of number (normalised; raw kept for display), created empty
 * if missing.  Returns 1 when created, 0 when it existed.
 */
int store_thread_ensure(struct store *st, const char *number, int64_t *id,
    struct sms_err *err);

/* Mark every inbound message of the thread read (read_at = at, 0: now)
 * and its unread count 0. */
int store_thread_mark_read(struct store *st, int64_t id, int64_t at,
    struct sms_err *err);

/* Mark the thread unread (count 1 if it was 0). */
int store_thread_mark_unread(struct store *st, int64_t id,
    struct sms_err *err);

int store_thread_set_archived(struct store *st, int64_t id, bool archived,
    struct sms_err *err);

/* Assign the thread to an agent login, or NULL to unassign. */
int store_thread_assign(struct store *st, int64_t id, const char *agent,
    struct sms_err *err);

/* Delete the thread and all its messages.  SMS_ENOENT if none. */
int store_thread_delete(struct store *st, int64_t id, struct sms_err *err);

/* Count threads (and unread ones) for status lines. */
int store_thread_count(struct store *st, int64_t *threads, int64_t *unread,
    struct sms_err *err);

#endif
