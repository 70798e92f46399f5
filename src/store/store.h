/*
 * The store: one SQLite file (WAL) holding every conversation, contact,
 * rule and backend event.  It is the truth; nothing important lives only
 * in memory.  Several processes may open the same file at once (the
 * engine, TUIs, sms-send): writes are short IMMEDIATE transactions that
 * wait up to the busy timeout for each other.
 *
 * The API is split by table family, one header each: store/message.h
 * (outbox, inbound, conversations), store/thread.h, store/contact.h,
 * store/search.h, store/fragment.h, store/event.h (backend events and
 * queue depth), store/contact-io.h (vCard/CSV).  Numbers passed in are
 * normalised with the store's default country (util/phone.h), so
 * "06 30 123 4567" and "+36301234567" are one thread.
 *
 * All functions take the struct store first and an optional struct sms_err
 * last; they return >= 0 on success and a negative enum sms_rc (SMS_ESTORE,
 * SMS_EBUSY when another process held the lock past the busy timeout,
 * SMS_ENOENT, SMS_EDATA ...) on failure.  Times are unix seconds.
 * A struct store is used by one thread at a time.
 */
#ifndef SMS_STORE_STORE_H
#define SMS_STORE_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "util/err.h"

/* The schema version this build writes (PRAGMA user_version). */
#define STORE_SCHEMA_VERSION 3

struct store;
struct conf;

struct store_opts {
	int busy_timeout_ms;		/* wait for other writers; 0: 5000 */
	const char *default_country;	/* "HU"; NULL or "" for none */
	bool no_create;			/* fail with SMS_ENOENT if missing */
	int upgrade_to;			/* 0: STORE_SCHEMA_VERSION; tests
					 * build older files with it */
};

/*
 * Open (creating if needed, with its directory 0700 and the file 0600) the
 * store at path and bring its schema up to date in one transaction.  A store
 * written by a newer version is refused (SMS_EVERSION).  opts may be NULL.
 * *out must be closed with store_close().
 */
int store_open(struct store **out, const char *path,
    const struct store_opts *opts, struct sms_err *err);

/*
 * Open the store the configuration names ([store] path, default_country,
 * busy_timeout), like store_open().
 */
int store_open_conf(struct store **out, const struct conf *cfg,
    struct sms_err *err);

/* Close the store, finalising its statements.  NULL does nothing. */
void store_close(struct store *st);

/* The file's path; borrowed until store_close(). */
const char *store_path(const struct store *st);

/* The schema version of the open file (STORE_SCHEMA_VERSION once open). */
int store_schema_version(struct store *st, struct sms_err *err);

/*
 * Start a write transaction (BEGIN IMMEDIATE: takes the write lock now,
 * waiting up to the busy timeout).  Calls nest: only the outermost begin
 * and commit reach SQLite, so a caller may group several store calls (a
 * batch of inbound messages) into one transaction.  Each store call that
 * writes uses its own transaction when none is open.
 */
int store_tx_begin(struct store *st, struct sms_err *err);

/* Commit the outermost transaction.  If an inner level rolled back, the
 * whole transaction is rolled back and SMS_ESTORE returned. */
int store_tx_commit(struct store *st, struct sms_err *err);

/* Roll back (at the outermost level; inner levels mark it failed). */
void store_tx_rollback(struct store *st);

/*
 * PRAGMA data_version: a number that changes when another connection
 * (another process) commits to the file.  Clients poll it (cheap) to
 * notice what the daemon wrote even if they missed its event.
 */
int store_data_version(struct store *st, int64_t *out, struct sms_err *err);

/*
 * Whether others committed since the last call (the first call says
 * true).  Returns 1 changed, 0 not, negative on error.
 */
int store_changed(struct store *st, struct sms_err *err);

/*
 * Normalise a number with the store's default country into out (at least
 * PHONE_MAX bytes).  Returns the enum phone_kind or SMS_EDATA.
 */
int store_normalize(struct store *st, const char *raw, char *out,
    struct sms_err *err);

/* The store's default country ("HU"), "" if none; borrowed. */
const char *store_country(const struct store *st);

/* A generic owned list of strings (keys, tags). */
struct store_strv {
	char **v;
	size_t n;
};

/* Free the strings and the array; s is left empty.  NULL is fine. */
void store_strv_fini(struct store_strv *s);

#endif
