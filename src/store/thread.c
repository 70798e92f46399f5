#include "config.h"

#include "store/thread.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "store/private.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/i18n.h"
#include "util/phone.h"

#define THREAD_COLS \
	"t.id, t.peer, t.peer_raw, t.contact_id, c.name, c.opted_out," \
	" t.unread, t.archived, t.assigned, t.last_activity," \
	" t.last_message_id, substr(m.body, 1, 160), m.direction," \
	" m.state, m.author" \
	" FROM threads t" \
	" LEFT JOIN contacts c ON c.id = t.contact_id" \
	" LEFT JOIN messages m ON m.id = t.last_message_id"

/* The same, naming the partial index of unread threads. */
#define THREAD_COLS_FROM_UNREAD \
	"t.id, t.peer, t.peer_raw, t.contact_id, c.name, c.opted_out," \
	" t.unread, t.archived, t.assigned, t.last_activity," \
	" t.last_message_id, substr(m.body, 1, 160), m.direction," \
	" m.state, m.author" \
	" FROM threads t INDEXED BY threads_unread" \
	" LEFT JOIN contacts c ON c.id = t.contact_id" \
	" LEFT JOIN messages m ON m.id = t.last_message_id"

#define KEYSET " AND (t.last_activity, t.id) < (?1, ?2)" \
	" ORDER BY t.last_activity DESC, t.id DESC LIMIT ?3"

/* One statement per filter, each shaped for its index (schema.c). */
static const char sql_inbox[] =
	"SELECT " THREAD_COLS " WHERE t.archived = 0" KEYSET;
/* Without statistics the planner would walk threads_inbox and skip the
 * read threads one by one; the partial index holds only unread ones. */
static const char sql_unread[] =
	"SELECT " THREAD_COLS_FROM_UNREAD
	" WHERE t.unread > 0 AND t.archived = 0" KEYSET;
static const char sql_archived[] =
	"SELECT " THREAD_COLS " WHERE t.archived = 1" KEYSET;
static const char sql_assigned[] =
	"SELECT " THREAD_COLS " WHERE t.assigned = ?4" KEYSET;
static const char sql_all[] =
	"SELECT " THREAD_COLS " WHERE 1" KEYSET;
static const char sql_get[] =
	"SELECT " THREAD_COLS " WHERE t.id = ?1";
static const char sql_by_peer[] =
	"SELECT id FROM threads WHERE peer = ?1";
/* ?1 is an FTS5 query of word prefixes: case- and accent-insensitive
 * ("eva szab" finds "Szabó Éva"); the shortest matching name wins, then
 * the most recent thread. */
/* A last resort for sender names typed in another case ("telekom"):
 * scans the threads, so it runs only when nothing else matched. */
static const char sql_by_peer_nocase[] =
	"SELECT id FROM threads WHERE peer = ?1 COLLATE NOCASE"
	" ORDER BY last_activity DESC LIMIT 1";
static const char sql_by_name[] =
	"SELECT t.id FROM contact_fts f"
	" JOIN contacts c ON c.id = f.rowid"
	" JOIN threads t ON t.contact_id = c.id"
	" WHERE contact_fts MATCH ?1"
	" ORDER BY length(c.name), t.last_activity DESC LIMIT 1";
static const char sql_insert[] =
	"INSERT INTO threads (peer, peer_raw, contact_id, created_at)"
	" VALUES (?1, ?2,"
	" (SELECT contact_id FROM contact_numbers WHERE number = ?1), ?3)";
static const char sql_read_msgs[] =
	"UPDATE messages SET read_at = ?2"
	" WHERE thread_id = ?1 AND direction = 0 AND read_at IS NULL";
static const char sql_read[] =
	"UPDATE threads SET unread = 0 WHERE id = ?1";
static const char sql_unread_set[] =
	"UPDATE threads SET unread = max(unread, 1) WHERE id = ?1";
static const char sql_archive[] =
	"UPDATE threads SET archived = ?2 WHERE id = ?1";
static const char sql_assign[] =
	"UPDATE threads SET assigned = ?2 WHERE id = ?1";
static const char sql_delete[] =
	"DELETE FROM threads WHERE id = ?1";
static const char sql_count[] =
	"SELECT count(*), coalesce(sum(unread > 0 AND archived = 0), 0)"
	" FROM threads";

void
store_thread_fini(struct store_thread *t)
{
	if (t == NULL)
		return;
	free(t->peer);
	free(t->peer_raw);
	free(t->contact_name);
	free(t->assigned);
	free(t->last_body);
	free(t->last_author);
	memset(t, 0, sizeof *t);
}

void
store_threads_fini(struct store_threads *ts)
{
	size_t i;

	if (ts == NULL)
		return;
	for (i = 0; i < ts->n; i++)
		store_thread_fini(&ts->v[i]);
	free(ts->v);
	ts->v = NULL;
	ts->n = 0;
}

static int
read_row(sqlite3_stmt *s, struct store_thread *t)
{
	bool oom = false;

	memset(t, 0, sizeof *t);
	t->id = sqlite3_column_int64(s, 0);
	t->peer = store_col_strdup(s, 1, &oom);
	t->peer_raw = store_col_strdup(s, 2, &oom);
	t->contact_id = sqlite3_column_int64(s, 3);
	t->contact_name = store_col_strdup(s, 4, &oom);
	t->opted_out = sqlite3_column_int(s, 5) != 0;
	t->unread = sqlite3_column_int(s, 6);
	t->archived = sqlite3_column_int(s, 7) != 0;
	t->assigned = store_col_strdup(s, 8, &oom);
	t->last_activity = sqlite3_column_int64(s, 9);
	t->last_message_id = sqlite3_column_int64(s, 10);
	t->last_body = store_col_strdup(s, 11, &oom);
	t->last_dir = sqlite3_column_int(s, 12) ? MSG_OUT : MSG_IN;
	t->last_state = (enum msg_state)sqlite3_column_int(s, 13);
	t->last_author = store_col_strdup(s, 14, &oom);
	if (oom) {
		store_thread_fini(t);
		return SMS_ENOMEM;
	}
	return 0;
}

int
store_thread_page(struct store *st, const struct store_thread_query *q,
    struct store_threads *out, struct sms_err *err)
{
	const char *sql;
	sqlite3_stmt *s;
	size_t limit = q->limit > 0 ? q->limit : 50;
	int rc;

	out->v = NULL;
	out->n = 0;
	switch (q->filter) {
	case STORE_THREADS_UNREAD:	sql = sql_unread; break;
	case STORE_THREADS_ARCHIVED:	sql = sql_archived; break;
	case STORE_THREADS_ASSIGNED:	sql = sql_assigned; break;
	case STORE_THREADS_ALL:		sql = sql_all; break;
	default:			sql = sql_inbox; break;
	}
	if (q->filter == STORE_THREADS_ASSIGNED && q->assigned == NULL)
		return sms_err_set(err, SMS_EINVAL,
		    "thread page: no agent to filter on");
	if ((out->v = calloc(limit, sizeof *out->v)) == NULL)
		return store_oom(err);
	if ((s = store_stmt(st, sql, err)) == NULL) {
		rc = SMS_ESTORE;
		goto fail;
	}
	if (q->after_id > 0) {
		sqlite3_bind_int64(s, 1, q->after_activity);
		sqlite3_bind_int64(s, 2, q->after_id);
	} else {
		sqlite3_bind_int64(s, 1, INT64_MAX);
		sqlite3_bind_int64(s, 2, INT64_MAX);
	}
	sqlite3_bind_int64(s, 3, (int64_t)limit);
	if (q->filter == STORE_THREADS_ASSIGNED)
		store_bind_text(s, 4, q->assigned);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW && out->n < limit) {
		if (read_row(s, &out->v[out->n]) < 0) {
			sqlite3_reset(s);
			rc = store_oom(err);
			goto fail;
		}
		out->n++;
	}
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		rc = store_sql_err(st, err, _("reading threads"));
		sqlite3_reset(s);
		goto fail;
	}
	sqlite3_reset(s);
	if (out->n == 0)
		store_threads_fini(out);
	return 0;
fail:
	store_threads_fini(out);
	return rc;
}

int
store_thread_get(struct store *st, int64_t id, struct store_thread *out,
    struct sms_err *err)
{
	sqlite3_stmt *s;
	int rc;

	memset(out, 0, sizeof *out);
	if ((s = store_stmt(st, sql_get, err)) == NULL)
		return SMS_ESTORE;
	sqlite3_bind_int64(s, 1, id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		rc = read_row(s, out) < 0 ? store_oom(err) : 0;
	else if (rc == SQLITE_DONE)
		rc = sms_err_set(err, SMS_ENOENT,
		    _("no conversation %" PRId64), id);
	else
		rc = store_sql_err(st, err, _("reading a conversation"));
	sqlite3_reset(s);
	return rc;
}

/* Look up one id with a one-text-parameter statement: 1 found, 0 not. */
static int
lookup_id(struct store *st, const char *sql, const char *arg, int64_t *id,
    struct sms_err *err)
{
	sqlite3_stmt *s;
	int rc;

	if ((s = store_stmt(st, sql, err)) == NULL)
		return SMS_ESTORE;
	store_bind_text(s, 1, arg);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*id = sqlite3_column_int64(s, 0);
		rc = 1;
	} else if (rc == SQLITE_DONE)
		rc = 0;
	else
		rc = store_sql_err(st, err, _("finding a conversation"));
	sqlite3_reset(s);
	return rc;
}

/* An FTS5 query matching names with a word starting with each word of
 * name ("jan kov" finds "Kovács János"). */
static int
name_query(const char *name, struct buf *b)
{
	const char *p = name, *end;

	while (*p != '\0') {
		p += strspn(p, " \t");
		if (*p == '\0')
			break;
		end = p + strcspn(p, " \t");
		if ((b->len > 0 && buf_append_char(b, ' ') < 0) ||
		    buf_append_char(b, '"') < 0)
			return SMS_ETOOBIG;
		for (; p < end; p++)
			if ((*p == '"' && buf_append_char(b, '"') < 0) ||
			    buf_append_char(b, *p) < 0)
				return SMS_ETOOBIG;
		if (buf_append_str(b, "\"*") < 0)
			return SMS_ETOOBIG;
	}
	return b->len > 0 ? 0 : SMS_EINVAL;
}

int
store_thread_find(struct store *st, const char *peer_or_name, int64_t *id,
    struct sms_err *err)
{
	char peer[PHONE_MAX];
	struct buf q;
	int rc;

	buf_init(&q, 1024);
	if (peer_or_name == NULL || peer_or_name[0] == '\0')
		return sms_err_set(err, SMS_EINVAL,
		    _("no number or name given"));
	if (store_number(st, peer_or_name, peer, NULL) >= 0 &&
	    (rc = lookup_id(st, sql_by_peer, peer, id, err)) != 0)
		return rc < 0 ? rc : 0;
	if ((rc = lookup_id(st, sql_by_peer, peer_or_name, id, err)) != 0)
		return rc < 0 ? rc : 0;
	if (name_query(peer_or_name, &q) < 0)
		rc = 0;
	else
		rc = lookup_id(st, sql_by_name, q.data, id, err);
	buf_fini(&q);
	if (rc != 0)
		return rc < 0 ? rc : 0;
	if ((rc = lookup_id(st, sql_by_peer_nocase, peer_or_name, id,
	    err)) != 0)
		return rc < 0 ? rc : 0;
	return sms_err_set(err, SMS_ENOENT,
	    _("no conversation with \"%s\""), peer_or_name);
}

int
store_thread_ensure_peer(struct store *st, const char *peer, const char *raw,
    int64_t *id, struct sms_err *err)
{
	sqlite3_stmt *s;
	int rc;

	if ((rc = lookup_id(st, sql_by_peer, peer, id, err)) != 0)
		return rc < 0 ? rc : 0;
	if ((s = store_stmt(st, sql_insert, err)) == NULL)
		return SMS_ESTORE;
	store_bind_text(s, 1, peer);
	store_bind_text(s, 2, raw != NULL ? raw : peer);
	sqlite3_bind_int64(s, 3, store_now());
	if ((rc = store_exec_stmt(st, s, err, _("creating a conversation")))
	    < 0)
		return rc;
	*id = sqlite3_last_insert_rowid(st->db);
	return 1;
}

int
store_thread_ensure(struct store *st, const char *number, int64_t *id,
    struct sms_err *err)
{
	char peer[PHONE_MAX];
	int rc, crc;

	if ((rc = store_number(st, number, peer, err)) < 0)
		return rc;
	if ((rc = store_tx_begin(st, err)) < 0)
		return rc;
	if ((rc = store_thread_ensure_peer(st, peer, number, id, err)) < 0) {
		store_tx_rollback(st);
		return rc;
	}
	if ((crc = store_tx_commit(st, err)) < 0)
		return crc;
	return rc;
}

/* Run a statement binding (id, optional text or int) that must touch the
 * thread; SMS_ENOENT when it did not exist. */
static int
update_thread(struct store *st, const char *sql, int64_t id,
    const char *text, int64_t num, bool use_num, struct sms_err *err)
{
	sqlite3_stmt *s;
	int rc;

	if ((s = store_stmt(st, sql, err)) == NULL)
		return SMS_ESTORE;
	sqlite3_bind_int64(s, 1, id);
	if (use_num)
		sqlite3_bind_int64(s, 2, num);
	else if (sqlite3_bind_parameter_count(s) >= 2)
		store_bind_text(s, 2, text);
	if ((rc = store_exec_stmt(st, s, err, _("updating a conversation")))
	    < 0)
		return rc;
	if (sqlite3_changes(st->db) == 0)
		return sms_err_set(err, SMS_ENOENT,
		    _("no conversation %" PRId64), id);
	return 0;
}

int
store_thread_mark_read(struct store *st, int64_t id, int64_t at,
    struct sms_err *err)
{
	sqlite3_stmt *s;
	int rc;

	if ((rc = store_tx_begin(st, err)) < 0)
		return rc;
	if ((s = store_stmt(st, sql_read_msgs, err)) == NULL) {
		rc = SMS_ESTORE;
		goto out;
	}
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, at > 0 ? at : store_now());
	if ((rc = store_exec_stmt(st, s, err, _("updating a conversation")))
	    < 0)
		goto out;
	rc = update_thread(st, sql_read, id, NULL, 0, false, err);
out:
	if (rc < 0) {
		store_tx_rollback(st);
		return rc;
	}
	return store_tx_commit(st, err);
}

int
store_thread_mark_unread(struct store *st, int64_t id, struct sms_err *err)
{
	return update_thread(st, sql_unread_set, id, NULL, 0, false, err);
}

int
store_thread_set_archived(struct store *st, int64_t id, bool archived,
    struct sms_err *err)
{
	return update_thread(st, sql_archive, id, NULL, archived, true, err);
}

int
store_thread_assign(struct store *st, int64_t id, const char *agent,
    struct sms_err *err)
{
	if (agent != NULL && agent[0] == '\0')
		agent = NULL;
	return update_thread(st, sql_assign, id, agent, 0, false, err);
}

int
store_thread_delete(struct store *st, int64_t id, struct sms_err *err)
{
	int rc;

	if ((rc = store_tx_begin(st, err)) < 0)
		return rc;
	if ((rc = update_thread(st, sql_delete, id, NULL, 0, false,
	    err)) < 0) {
		store_tx_rollback(st);
		return rc;
	}
	return store_tx_commit(st, err);
}

int
store_thread_count(struct store *st, int64_t *threads, int64_t *unread,
    struct sms_err *err)
{
	sqlite3_stmt *s;
	int rc;

	if ((s = store_stmt(st, sql_count, err)) == NULL)
		return SMS_ESTORE;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		if (threads != NULL)
			*threads = sqlite3_column_int64(s, 0);
		if (unread != NULL)
			*unread = sqlite3_column_int64(s, 1);
		rc = 0;
	} else
		rc = store_sql_err(st, err, _("counting conversations"));
	sqlite3_reset(s);
	return rc;
}
