#include "config.h"

#include "store/store.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "store/private.h"
#include "store/schema.h"
#include "util/conf.h"
#include "util/i18n.h"
#include "util/log.h"
#include "util/loop.h"
#include "util/phone.h"

#define BUSY_TIMEOUT_DEFAULT 5000

/* Create the directories leading to path, each 0700 when we make it. */
static int
make_parents(const char *path, struct sms_err *err)
{
	char *dir, *p;
	int rc = 0;

	if ((dir = strdup(path)) == NULL)
		return sms_err_set(err, SMS_ENOMEM, _("out of memory"));
	for (p = dir + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
			rc = sms_err_sys(err, SMS_ECANTCREAT, errno,
			    _("cannot create directory %s"), dir);
			break;
		}
		*p = '/';
	}
	free(dir);
	return rc;
}

/* Create the file private before SQLite sees it: SQLite gives the -wal and
 * -shm files the permissions of the database file. */
static int
create_private(const char *path, bool no_create, struct sms_err *err)
{
	struct stat sb;
	int fd;

	if (stat(path, &sb) == 0)
		return 0;
	if (errno != ENOENT)
		return sms_err_sys(err, SMS_EIO, errno, _("cannot open %s"),
		    path);
	if (no_create)
		return sms_err_set(err, SMS_ENOENT,
		    _("%s does not exist"), path);
	if (make_parents(path, err) < 0)
		return SMS_ECANTCREAT;
	fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0 && errno != EEXIST)
		return sms_err_sys(err, SMS_ECANTCREAT, errno,
		    _("cannot create %s"), path);
	if (fd >= 0)
		close(fd);
	return 0;
}

int
store_sql_err(struct store *st, struct sms_err *err, const char *what)
{
	int code = sqlite3_extended_errcode(st->db);

	if ((code & 0xff) == SQLITE_BUSY || (code & 0xff) == SQLITE_LOCKED)
		return sms_err_set(err, SMS_EBUSY,
		    _("%s is busy: another program kept it locked too long "
		    "(%s)"), st->path, what);
	if ((code & 0xff) == SQLITE_READONLY)
		return sms_err_set(err, SMS_EPERM,
		    _("%s is read-only (%s)"), st->path, what);
	if ((code & 0xff) == SQLITE_FULL)
		return sms_err_set(err, SMS_EIO,
		    _("%s: the disk is full (%s)"), st->path, what);
	return sms_err_set(err, SMS_ESTORE, _("store %s: %s: %s"), st->path,
	    what, sqlite3_errmsg(st->db));
}

sqlite3_stmt *
store_stmt(struct store *st, const char *sql, struct sms_err *err)
{
	struct store_stmt_slot *slot;
	size_t i;

	for (i = 0; i < st->nstmts; i++) {
		slot = &st->stmts[i];
		if (slot->sql == sql) {
			sqlite3_reset(slot->stmt);
			sqlite3_clear_bindings(slot->stmt);
			return slot->stmt;
		}
	}
	if (st->nstmts == STORE_STMT_MAX) {
		sms_err_set(err, SMS_ESTORE, "store: statement cache full");
		return NULL;
	}
	slot = &st->stmts[st->nstmts];
	if (sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
	    &slot->stmt, NULL) != SQLITE_OK) {
		store_sql_err(st, err, "prepare");
		log_err("store: cannot prepare \"%s\": %s", sql,
		    sqlite3_errmsg(st->db));
		slot->stmt = NULL;
		return NULL;
	}
	slot->sql = sql;
	st->nstmts++;
	return slot->stmt;
}

int
store_exec_stmt(struct store *st, sqlite3_stmt *s, struct sms_err *err,
    const char *what)
{
	int rc;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		;
	if (rc != SQLITE_DONE) {
		rc = store_sql_err(st, err, what);
		sqlite3_reset(s);
		return rc;
	}
	sqlite3_reset(s);
	return 0;
}

int
store_exec(struct store *st, const char *sql, struct sms_err *err)
{
	char *msg = NULL;
	int rc;

	if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) == SQLITE_OK)
		return 0;
	rc = store_sql_err(st, err, msg != NULL ? msg : "exec");
	sqlite3_free(msg);
	return rc;
}

int
store_bind_text(sqlite3_stmt *s, int i, const char *v)
{
	if (v == NULL)
		return sqlite3_bind_null(s, i);
	return sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
}

char *
store_col_strdup(sqlite3_stmt *s, int i, bool *oom)
{
	const unsigned char *t;
	char *r;
	int n;

	if (sqlite3_column_type(s, i) == SQLITE_NULL)
		return NULL;
	t = sqlite3_column_text(s, i);
	n = sqlite3_column_bytes(s, i);
	if (t == NULL || (r = malloc((size_t)n + 1)) == NULL) {
		*oom = true;
		return NULL;
	}
	memcpy(r, t, (size_t)n);
	r[n] = '\0';
	return r;
}

int64_t
store_now(void)
{
	return loop_wall_now();
}

int
store_number(struct store *st, const char *raw, char *out,
    struct sms_err *err)
{
	return phone_normalize(raw, st->country, out, err);
}

int
store_normalize(struct store *st, const char *raw, char *out,
    struct sms_err *err)
{
	return store_number(st, raw, out, err);
}

const char *
store_country(const struct store *st)
{
	return st->country;
}

const char *
store_path(const struct store *st)
{
	return st->path;
}

/*
 * Wait for another connection's lock: short sleeps with jitter until the
 * busy timeout.  SQLite's own handler backs off to 100 ms naps, and with
 * several busy writers a napping one can lose every race for the lock
 * until it gives up; 1-2 ms naps keep the waiters' chances even.
 */
static int
busy_wait(void *data, int count)
{
	struct store *st = data;
	struct timespec now, nap;
	int64_t elapsed;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (count == 0)
		st->busy_since = now;
	elapsed = (int64_t)(now.tv_sec - st->busy_since.tv_sec) * 1000 +
	    (now.tv_nsec - st->busy_since.tv_nsec) / 1000000;
	if (elapsed >= st->busy_timeout_ms)
		return 0;
	nap.tv_sec = 0;
	nap.tv_nsec = 1000000 + (long)((unsigned)rand_r(&st->seed) % 1000000);
	nanosleep(&nap, NULL);
	return 1;
}

static int
pragma(struct store *st, const char *sql, struct sms_err *err)
{
	return store_exec(st, sql, err);
}

/*
 * Put the store in WAL mode, asking first: a store already in WAL mode
 * (every store but a new one) needs no lock for that.  SQLite answers
 * SQLITE_BUSY here without calling the busy handler when several
 * programs open a new store at once (one is switching it, another
 * initialising the WAL index), so this step waits by itself, with the
 * same naps and timeout.
 */
static int
set_wal(struct store *st, struct sms_err *err)
{
	static const char *const sql[] = { "PRAGMA journal_mode",
		"PRAGMA journal_mode = WAL" };
	const unsigned char *mode;
	sqlite3_stmt *s;
	size_t i;
	int rc, tries = 0;

	for (i = 0; i < 2; i++) {
		if ((s = store_stmt(st, sql[i], err)) == NULL)
			return SMS_ESTORE;
		while (((rc = sqlite3_step(s)) & 0xff) == SQLITE_BUSY &&
		    busy_wait(st, tries++))
			sqlite3_reset(s);
		if (rc != SQLITE_ROW) {
			rc = store_sql_err(st, err, "PRAGMA journal_mode");
			sqlite3_reset(s);
			return rc;
		}
		mode = sqlite3_column_text(s, 0);
		rc = mode != NULL && strcmp((const char *)mode, "wal") == 0;
		sqlite3_reset(s);
		if (rc)
			return 0;
	}
	return sms_err_set(err, SMS_ESTORE,
	    _("store %s: cannot use write-ahead logging"), st->path);
}

int
store_open(struct store **out, const char *path,
    const struct store_opts *opts, struct sms_err *err)
{
	struct store *st = NULL;
	const char *country;
	int rc, timeout, target;

	*out = NULL;
	if (path == NULL || path[0] == '\0')
		return sms_err_set(err, SMS_EINVAL, _("no store path"));
	if ((rc = create_private(path, opts != NULL && opts->no_create,
	    err)) < 0)
		return rc;
	if ((st = calloc(1, sizeof *st)) == NULL ||
	    (st->path = strdup(path)) == NULL) {
		rc = sms_err_set(err, SMS_ENOMEM, _("out of memory"));
		goto out;
	}
	country = opts != NULL ? opts->default_country : NULL;
	if (country != NULL && strlen(country) < sizeof st->country)
		strcpy(st->country, country);
	if (sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		if (st->db == NULL)
			rc = sms_err_set(err, SMS_ENOMEM, _("out of memory"));
		else
			rc = store_sql_err(st, err, _("open"));
		goto out;
	}
	sqlite3_extended_result_codes(st->db, 1);
	timeout = opts != NULL && opts->busy_timeout_ms > 0 ?
	    opts->busy_timeout_ms : BUSY_TIMEOUT_DEFAULT;
	st->busy_timeout_ms = timeout;
	st->seed = (unsigned)getpid() ^ (unsigned)(uintptr_t)st;
	sqlite3_busy_handler(st->db, busy_wait, st);
	/* WAL: readers never block the writer; FULL: a committed inbound
	 * message survives a power cut before the SIM copy is deleted. */
	if ((rc = set_wal(st, err)) < 0)
		goto out;
	if ((rc = pragma(st, "PRAGMA synchronous = FULL", err)) < 0 ||
	    (rc = pragma(st, "PRAGMA foreign_keys = ON", err)) < 0)
		goto out;
	if ((rc = store_schema_version(st, err)) < 0)
		goto out;
	target = opts != NULL && opts->upgrade_to > 0 ? opts->upgrade_to :
	    STORE_SCHEMA_VERSION;
	if (rc != target && (rc = schema_migrate_to(st, target, err)) < 0)
		goto out;
	*out = st;
	return 0;
out:
	store_close(st);
	return rc;
}

int
store_open_conf(struct store **out, const struct conf *cfg,
    struct sms_err *err)
{
	struct store_opts opts;
	char *path;
	int rc;

	memset(&opts, 0, sizeof opts);
	opts.busy_timeout_ms = (int)conf_get_int(cfg, "store", "busy_timeout",
	    BUSY_TIMEOUT_DEFAULT);
	opts.default_country = conf_get_str(cfg, "store", "default_country",
	    NULL);
	if ((path = conf_store_path(cfg)) == NULL)
		return sms_err_set(err, SMS_ENOMEM, _("out of memory"));
	rc = store_open(out, path, &opts, err);
	free(path);
	return rc;
}

void
store_close(struct store *st)
{
	size_t i;

	if (st == NULL)
		return;
	for (i = 0; i < st->nstmts; i++)
		sqlite3_finalize(st->stmts[i].stmt);
	if (st->db != NULL)
		sqlite3_close(st->db);
	free(st->path);
	free(st);
}

int
store_schema_version(struct store *st, struct sms_err *err)
{
	sqlite3_stmt *s;
	int rc;

	if ((s = store_stmt(st, "PRAGMA user_version", err)) == NULL)
		return SMS_ESTORE;
	if (sqlite3_step(s) != SQLITE_ROW) {
		rc = store_sql_err(st, err, "PRAGMA user_version");
		sqlite3_reset(s);
		return rc;
	}
	rc = sqlite3_column_int(s, 0);
	sqlite3_reset(s);
	return rc;
}

int
store_tx_begin(struct store *st, struct sms_err *err)
{
	sqlite3_stmt *s;
	int rc;

	if (st->tx_depth > 0) {
		st->tx_depth++;
		return 0;
	}
	if ((s = store_stmt(st, "BEGIN IMMEDIATE", err)) == NULL)
		return SMS_ESTORE;
	if ((rc = store_exec_stmt(st, s, err, "BEGIN")) < 0)
		return rc;
	st->tx_depth = 1;
	st->tx_failed = false;
	return 0;
}

int
store_tx_commit(struct store *st, struct sms_err *err)
{
	sqlite3_stmt *s;
	int rc;

	if (st->tx_depth == 0)
		return sms_err_set(err, SMS_EINVAL,
		    "store: commit without a transaction");
	if (--st->tx_depth > 0)
		return 0;
	if (st->tx_failed) {
		st->tx_depth = 1;
		store_tx_rollback(st);
		return sms_err_set(err, SMS_ESTORE,
		    _("store %s: the transaction was rolled back"), st->path);
	}
	if ((s = store_stmt(st, "COMMIT", err)) == NULL ||
	    (rc = store_exec_stmt(st, s, err, "COMMIT")) < 0) {
		st->tx_depth = 1;
		store_tx_rollback(st);
		return s == NULL ? SMS_ESTORE : rc;
	}
	return 0;
}

void
store_tx_rollback(struct store *st)
{
	sqlite3_stmt *s;

	if (st->tx_depth == 0)
		return;
	/* A rule change rolled back: the generation read inside is gone. */
	st->rules_gen_known = false;
	if (--st->tx_depth > 0) {
		st->tx_failed = true;
		return;
	}
	st->tx_failed = false;
	if (sqlite3_get_autocommit(st->db))
		return;		/* SQLite already rolled back */
	if ((s = store_stmt(st, "ROLLBACK", NULL)) != NULL)
		store_exec_stmt(st, s, NULL, "ROLLBACK");
}

int
store_data_version(struct store *st, int64_t *out, struct sms_err *err)
{
	sqlite3_stmt *s;
	int rc;

	if ((s = store_stmt(st, "PRAGMA data_version", err)) == NULL)
		return SMS_ESTORE;
	if (sqlite3_step(s) != SQLITE_ROW) {
		rc = store_sql_err(st, err, "PRAGMA data_version");
		sqlite3_reset(s);
		return rc;
	}
	*out = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	return 0;
}

int
store_changed(struct store *st, struct sms_err *err)
{
	int64_t v;
	int rc;

	if ((rc = store_data_version(st, &v, err)) < 0)
		return rc;
	rc = !st->data_version_known || v != st->data_version;
	st->data_version = v;
	st->data_version_known = true;
	return rc;
}

void
store_strv_fini(struct store_strv *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	s->v = NULL;
	s->n = 0;
}
