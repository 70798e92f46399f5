/*
 * Helpers shared by the files of store/ (and only them): the open
 * connection, the prepared-statement cache, error mapping and column
 * readers.  Nothing outside src/store/ includes this header or sqlite3.h.
 */
#ifndef SMS_STORE_PRIVATE_H
#define SMS_STORE_PRIVATE_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include <sqlite3.h>

#include "util/err.h"

#define STORE_STMT_MAX 160

struct store_stmt_slot {
	const char *sql;	/* static string: the cache key is its address */
	sqlite3_stmt *stmt;
};

struct store {
	sqlite3 *db;
	char *path;
	char country[4];		/* ISO 3166 alpha-2, "" if unset */
	int tx_depth;			/* nesting of store_tx_begin() */
	bool tx_failed;			/* an inner level rolled back */
	int busy_timeout_ms;		/* give up waiting for a lock after */
	struct timespec busy_since;	/* when the current wait began */
	unsigned seed;			/* jitter of the waits */
	int64_t data_version;		/* last seen by store_changed() */
	bool data_version_known;
	/* The rules generation as last read, and what it was read under:
	 * PRAGMA data_version (other connections' commits) and our own
	 * rule changes (rules_changes, bumped by store/rule.c). */
	int64_t rules_gen;
	int64_t rules_gen_dv;
	uint64_t rules_gen_changes;
	uint64_t rules_changes;
	bool rules_gen_known;
	size_t nstmts;
	struct store_stmt_slot stmts[STORE_STMT_MAX];
};

/*
 * The cached statement for sql (a string literal or other static string:
 * the cache is keyed by its address), reset with bindings cleared, ready to
 * bind.  NULL with err set when it cannot be prepared.  Borrowed: owned by
 * the store until store_close().
 */
sqlite3_stmt *store_stmt(struct store *st, const char *sql,
    struct sms_err *err);

/* Turn the connection's last SQLite error into err; returns the code
 * (SMS_EBUSY for a lock held too long, else SMS_ESTORE). */
int store_sql_err(struct store *st, struct sms_err *err, const char *what);

/*
 * Step a statement that returns no rows (or ignores them), then reset it.
 * Returns 0 or a negative sms_rc with err set.
 */
int store_exec_stmt(struct store *st, sqlite3_stmt *s, struct sms_err *err,
    const char *what);

/* Run SQL text without parameters (schema, pragmas).  For constant SQL. */
int store_exec(struct store *st, const char *sql, struct sms_err *err);

/* Bind text or NULL when s is NULL. */
int store_bind_text(sqlite3_stmt *s, int i, const char *v);

/* A heap copy of column i's text, or NULL for SQL NULL; *oom is set true
 * when memory ran out (and left alone otherwise). */
char *store_col_strdup(sqlite3_stmt *s, int i, bool *oom);

/* Normalise a number with the store's default country into out (size
 * PHONE_MAX).  Fails with SMS_EDATA and a sentence for bad numbers. */
int store_number(struct store *st, const char *raw, char *out,
    struct sms_err *err);

/* Now in unix seconds (loop_wall_now(), so tests can set the clock). */
int64_t store_now(void);



/* The thread of peer (already normalised), created with raw as its display
 * form when missing.  Returns 1 created, 0 existed. */
int store_thread_ensure_peer(struct store *st, const char *peer,
    const char *raw, int64_t *id, struct sms_err *err);

/* Opt-out of an already normalised number: 1 opted out, 0 not. */
int store_optout_peer(struct store *st, const char *peer, int64_t *at,
    struct sms_err *err);

/* Fill err with SMS_ENOMEM; returns it. */
int store_oom(struct sms_err *err);
#endif
