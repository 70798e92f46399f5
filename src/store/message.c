#include "config.h"

#include "store/message.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/private.h"
#include "store/store.h"
#include "util/i18n.h"
#include "util/phone.h"

_Static_assert(MSG_RECEIVED == 0 && MSG_QUEUED == 1 && MSG_SENDING == 2 &&
    MSG_SUBMITTED == 3 && MSG_SENT == 4 && MSG_DELIVERED == 5 &&
    MSG_FAILED == 6 && MSG_UNDELIVERED == 7 && MSG_OUT == 1,
    "the SQL below names these values");

#define MSG_COLS \
	"m.id, m.thread_id, t.peer, m.direction, m.state, m.body," \
	" m.encoding, m.segments, m.our_number, m.route, m.backend," \
	" m.remote_ref, m.error_code, m.error_text, m.author, m.report," \
	" m.attempts, m.not_before, m.next_attempt_at, m.created_at," \
	" m.remote_at, m.claimed_at, m.submitted_at, m.sent_at," \
	" m.delivered_at, m.read_at, m.state_at" \
	" FROM messages m JOIN threads t ON t.id = m.thread_id"

static const char sql_get[] =
	"SELECT " MSG_COLS " WHERE m.id = ?1";
static const char sql_page[] =
	"SELECT " MSG_COLS " WHERE m.thread_id = ?1 AND m.id < ?2"
	" ORDER BY m.id DESC LIMIT ?3";
static const char sql_page_after[] =
	"SELECT " MSG_COLS " WHERE m.thread_id = ?1 AND m.id > ?2"
	" ORDER BY m.id LIMIT ?3";
static const char sql_sending[] =
	"SELECT " MSG_COLS " WHERE m.state = 2"
	" AND (?1 IS NULL OR m.backend = ?1) ORDER BY m.id";
static const char sql_optout[] =
	"SELECT c.opted_out, c.opted_out_at FROM contact_numbers n"
	" JOIN contacts c ON c.id = n.contact_id WHERE n.number = ?1";
static const char sql_insert_out[] =
	"INSERT INTO messages (thread_id, direction, state, body, encoding,"
	" segments, our_number, route, author, report, not_before,"
	" created_at, state_at)"
	" VALUES (?1, 1, 1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10)";
static const char sql_claim[] =
	"UPDATE messages SET state = 2, attempts = attempts + 1,"
	" backend = ?1, claimed_at = ?2, state_at = ?2"
	" WHERE id = (SELECT id FROM messages WHERE state = 1"
	"  AND (route IS NULL OR route = ?1)"
	"  AND not_before <= ?2 AND next_attempt_at <= ?2"
	"  ORDER BY id LIMIT 1)"
	" RETURNING id";
static const char sql_next_due[] =
	"SELECT min(max(not_before, next_attempt_at)) FROM messages"
	" WHERE state = 1 AND (?1 IS NULL OR route IS NULL OR route = ?1)";
static const char sql_state[] =
	"SELECT state FROM messages WHERE id = ?1";
static const char sql_set_state[] =
	"UPDATE messages SET state = ?2, state_at = ?3,"
	" error_code = CASE WHEN ?2 IN (6, 7) THEN ?4 ELSE error_code END,"
	" error_text = CASE WHEN ?2 IN (6, 7) THEN ?5 ELSE error_text END,"
	" submitted_at = CASE WHEN ?2 = 3 THEN ?3 ELSE submitted_at END,"
	" sent_at = CASE WHEN ?2 = 4 OR (?2 = 5 AND sent_at IS NULL)"
	"  THEN ?3 ELSE sent_at END,"
	" delivered_at = CASE WHEN ?2 = 5 THEN ?3 ELSE delivered_at END"
	" WHERE id = ?1 AND state = ?6";
static const char sql_set_ref[] =
	"UPDATE messages SET remote_ref = ?2 WHERE id = ?1";
static const char sql_by_ref[] =
	"SELECT id FROM messages WHERE backend = ?1 AND remote_ref = ?2"
	" AND direction = 1 ORDER BY id DESC LIMIT 1";
static const char sql_parts_clear[] =
	"DELETE FROM message_parts WHERE message_id = ?1";
static const char sql_part_add[] =
	"INSERT INTO message_parts (message_id, seq, backend, remote_ref, state)"
	" SELECT id, ?2, backend, ?3, 3 FROM messages"
	" WHERE id = ?1 AND backend IS NOT NULL";
/* The part with that reference: of message ?3 when given, else of the
 * newest message still waiting for that part's report. */
static const char sql_part_find[] =
	"SELECT message_id, seq, state FROM message_parts"
	" WHERE backend = ?1 AND remote_ref = ?2"
	" AND (?3 = 0 OR message_id = ?3)"
	" ORDER BY state IN (3, 4) DESC, message_id DESC LIMIT 1";
static const char sql_part_set[] =
	"UPDATE message_parts SET state = ?3, state_at = ?4"
	" WHERE message_id = ?1 AND seq = ?2";
static const char sql_parts_count[] =
	"SELECT count(*), coalesce(sum(state = 5), 0) FROM message_parts"
	" WHERE message_id = ?1";
static const char sql_requeue[] =
	"UPDATE messages SET state = 1, state_at = ?5, next_attempt_at = ?2,"
	" error_code = ?3, error_text = ?4 WHERE id = ?1 AND state = ?6";
static const char sql_dedup[] =
	"SELECT id FROM messages WHERE dedup_key = ?1";
/* A duplicate (same dedup_key) inserts nothing: changes() says which. */
static const char sql_insert_in[] =
	"INSERT INTO messages (thread_id, direction, state, body, encoding,"
	" segments, our_number, backend, remote_ref, dedup_key, created_at,"
	" remote_at, state_at)"
	" VALUES (?1, 0, 0, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?9)"
	" ON CONFLICT (dedup_key) WHERE dedup_key IS NOT NULL DO NOTHING";

int
store_oom(struct sms_err *err)
{
	return sms_err_set(err, SMS_ENOMEM, _("out of memory"));
}

void
store_message_fini(struct store_message *m)
{
	if (m == NULL)
		return;
	free(m->peer);
	free(m->body);
	free(m->encoding);
	free(m->our_number);
	free(m->route);
	free(m->backend);
	free(m->remote_ref);
	free(m->error_text);
	free(m->author);
	memset(m, 0, sizeof *m);
}

void
store_messages_fini(struct store_messages *ms)
{
	size_t i;

	if (ms == NULL)
		return;
	for (i = 0; i < ms->n; i++)
		store_message_fini(&ms->v[i]);
	free(ms->v);
	ms->v = NULL;
	ms->n = 0;
}

/* Fill m from a row of MSG_COLS; SMS_ENOMEM when a copy failed. */
static int
read_row(sqlite3_stmt *s, struct store_message *m)
{
	bool oom = false;

	memset(m, 0, sizeof *m);
	m->id = sqlite3_column_int64(s, 0);
	m->thread_id = sqlite3_column_int64(s, 1);
	m->peer = store_col_strdup(s, 2, &oom);
	m->dir = sqlite3_column_int(s, 3) ? MSG_OUT : MSG_IN;
	m->state = (enum msg_state)sqlite3_column_int(s, 4);
	m->body = store_col_strdup(s, 5, &oom);
	m->encoding = store_col_strdup(s, 6, &oom);
	m->segments = sqlite3_column_int(s, 7);
	m->our_number = store_col_strdup(s, 8, &oom);
	m->route = store_col_strdup(s, 9, &oom);
	m->backend = store_col_strdup(s, 10, &oom);
	m->remote_ref = store_col_strdup(s, 11, &oom);
	m->error_code = sqlite3_column_int(s, 12);
	m->error_text = store_col_strdup(s, 13, &oom);
	m->author = store_col_strdup(s, 14, &oom);
	m->report = sqlite3_column_int(s, 15) != 0;
	m->attempts = sqlite3_column_int(s, 16);
	m->not_before = sqlite3_column_int64(s, 17);
	m->next_attempt_at = sqlite3_column_int64(s, 18);
	m->created_at = sqlite3_column_int64(s, 19);
	m->remote_at = sqlite3_column_int64(s, 20);
	m->claimed_at = sqlite3_column_int64(s, 21);
	m->submitted_at = sqlite3_column_int64(s, 22);
	m->sent_at = sqlite3_column_int64(s, 23);
	m->delivered_at = sqlite3_column_int64(s, 24);
	m->read_at = sqlite3_column_int64(s, 25);
	m->state_at = sqlite3_column_int64(s, 26);
	if (oom || m->body == NULL) {
		store_message_fini(m);
		return SMS_ENOMEM;
	}
	return 0;
}

/* Collect every row of a stepped statement into out (appending). */
static int
read_rows(struct store *st, sqlite3_stmt *s, struct store_messages *out,
    struct sms_err *err)
{
	struct store_message *v;
	size_t cap = 0;
	int rc;

	out->v = NULL;
	out->n = 0;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (out->n == cap) {
			cap = cap ? cap * 2 : 16;
			if ((v = realloc(out->v, cap * sizeof *v)) == NULL) {
				rc = store_oom(err);
				goto fail;
			}
			out->v = v;
		}
		if (read_row(s, &out->v[out->n]) < 0) {
			rc = store_oom(err);
			goto fail;
		}
		out->n++;
	}
	if (rc != SQLITE_DONE) {
		rc = store_sql_err(st, err, _("reading messages"));
		goto fail;
	}
	sqlite3_reset(s);
	return 0;
fail:
	sqlite3_reset(s);
	store_messages_fini(out);
	return rc;
}

int
store_message_get(struct store *st, int64_t id, struct store_message *out,
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
		    _("no message %" PRId64), id);
	else
		rc = store_sql_err(st, err, _("reading a message"));
	sqlite3_reset(s);
	return rc;
}

int
store_message_page(struct store *st, int64_t thread_id, int64_t before_id,
    size_t limit, struct store_messages *out, struct sms_err *err)
{
	struct store_message tmp;
	sqlite3_stmt *s;
	size_t i;
	int rc;

	out->v = NULL;
	out->n = 0;
	if ((s = store_stmt(st, sql_page, err)) == NULL)
		return SMS_ESTORE;
	sqlite3_bind_int64(s, 1, thread_id);
	sqlite3_bind_int64(s, 2, before_id > 0 ? before_id : INT64_MAX);
	sqlite3_bind_int64(s, 3, limit > 0 ? (int64_t)limit : 100);
	if ((rc = read_rows(st, s, out, err)) < 0)
		return rc;
	for (i = 0; i < out->n / 2; i++) {
		tmp = out->v[i];
		out->v[i] = out->v[out->n - 1 - i];
		out->v[out->n - 1 - i] = tmp;
	}
	return 0;
}

int
store_message_page_after(struct store *st, int64_t thread_id,
    int64_t after_id, size_t limit, struct store_messages *out,
    struct sms_err *err)
{
	sqlite3_stmt *s;

	out->v = NULL;
	out->n = 0;
	if ((s = store_stmt(st, sql_page_after, err)) == NULL)
		return SMS_ESTORE;
	sqlite3_bind_int64(s, 1, thread_id);
	sqlite3_bind_int64(s, 2, after_id);
	sqlite3_bind_int64(s, 3, limit > 0 ? (int64_t)limit : 100);
	return read_rows(st, s, out, err);
}

int
store_message_list_sending(struct store *st, const char *backend,
    struct store_messages *out, struct sms_err *err)
{
	sqlite3_stmt *s;

	out->v = NULL;
	out->n = 0;
	if ((s = store_stmt(st, sql_sending, err)) == NULL)
		return SMS_ESTORE;
	store_bind_text(s, 1, backend);
	return read_rows(st, s, out, err);
}

int
store_optout_peer(struct store *st, const char *peer, int64_t *at,
    struct sms_err *err)
{
	sqlite3_stmt *s;
	int rc;

	if (at != NULL)
		*at = 0;
	if ((s = store_stmt(st, sql_optout, err)) == NULL)
		return SMS_ESTORE;
	store_bind_text(s, 1, peer);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		if (at != NULL)
			*at = sqlite3_column_int64(s, 1);
		rc = sqlite3_column_int(s, 0) != 0;
	} else if (rc == SQLITE_DONE)
		rc = 0;
	else
		rc = store_sql_err(st, err, _("reading opt-outs"));
	sqlite3_reset(s);
	return rc;
}

int
store_message_queue(struct store *st, const struct store_outgoing *m,
    int64_t *id, struct sms_err *err)
{
	char peer[PHONE_MAX];
	sqlite3_stmt *s;
	int64_t thread, now = store_now();
	int rc, kind;

	if (m->body == NULL || m->body[0] == '\0')
		return sms_err_set(err, SMS_EDATA, _("the message is empty"));
	if ((kind = store_number(st, m->to, peer, err)) < 0)
		return kind;
	if (kind == PHONE_ALNUM)
		return sms_err_set(err, SMS_EDATA,
		    _("\"%s\" is a sender name, not a number: it cannot "
		    "receive messages"), peer);
	if ((rc = store_tx_begin(st, err)) < 0)
		return rc;
	if (!m->to_opted_out) {
		if ((rc = store_optout_peer(st, peer, NULL, err)) < 0)
			goto out;
		if (rc == 1) {
			rc = sms_err_set(err, SMS_EOPTOUT,
			    _("%s has opted out of messages (replied STOP); "
			    "nothing was sent"), peer);
			goto out;
		}
	}
	if ((rc = store_thread_ensure_peer(st, peer, m->to, &thread,
	    err)) < 0)
		goto out;
	if ((s = store_stmt(st, sql_insert_out, err)) == NULL) {
		rc = SMS_ESTORE;
		goto out;
	}
	sqlite3_bind_int64(s, 1, thread);
	store_bind_text(s, 2, m->body);
	store_bind_text(s, 3, m->encoding);
	sqlite3_bind_int(s, 4, m->segments);
	store_bind_text(s, 5, m->from);
	store_bind_text(s, 6, m->route);
	store_bind_text(s, 7, m->author);
	sqlite3_bind_int(s, 8, m->report);
	sqlite3_bind_int64(s, 9, m->not_before);
	sqlite3_bind_int64(s, 10, now);
	if ((rc = store_exec_stmt(st, s, err, _("queueing a message"))) < 0)
		goto out;
	if (id != NULL)
		*id = sqlite3_last_insert_rowid(st->db);
	rc = 0;
out:
	if (rc < 0) {
		store_tx_rollback(st);
		return rc;
	}
	return store_tx_commit(st, err);
}

int
store_message_claim(struct store *st, const char *backend, int64_t now,
    struct store_message *out, struct sms_err *err)
{
	sqlite3_stmt *s;
	int64_t id = 0;
	int rc, crc;

	memset(out, 0, sizeof *out);
	if (backend == NULL)
		return sms_err_set(err, SMS_EINVAL, "claim: no backend");
	if ((rc = store_tx_begin(st, err)) < 0)
		return rc;
	if ((s = store_stmt(st, sql_claim, err)) == NULL) {
		rc = SMS_ESTORE;
		goto out;
	}
	store_bind_text(s, 1, backend);
	sqlite3_bind_int64(s, 2, now);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		id = sqlite3_column_int64(s, 0);
		rc = sqlite3_step(s);
	}
	if (rc != SQLITE_DONE) {
		rc = store_sql_err(st, err, _("claiming a message"));
		sqlite3_reset(s);
		goto out;
	}
	sqlite3_reset(s);
	rc = 0;
	if (id != 0) {
		if ((rc = store_message_get(st, id, out, err)) < 0)
			goto out;
		rc = 1;
	}
out:
	if (rc < 0) {
		store_tx_rollback(st);
		return rc;
	}
	if ((crc = store_tx_commit(st, err)) < 0) {
		store_message_fini(out);
		return crc;
	}
	return rc;
}

int
store_message_next_due(struct store *st, const char *backend,
    int64_t *when, struct sms_err *err)
{
	sqlite3_stmt *s;
	int rc;

	*when = -1;
	if ((s = store_stmt(st, sql_next_due, err)) == NULL)
		return SMS_ESTORE;
	store_bind_text(s, 1, backend);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		if (sqlite3_column_type(s, 0) != SQLITE_NULL)
			*when = sqlite3_column_int64(s, 0);
		rc = 0;
	} else
		rc = store_sql_err(st, err, _("reading the queue"));
	sqlite3_reset(s);
	return rc;
}

/* The state of message id inside the caller's transaction. */
static int
current_state(struct store *st, int64_t id, enum msg_state *state,
    struct sms_err *err)
{
	sqlite3_stmt *s;
	int rc;

	if ((s = store_stmt(st, sql_state, err)) == NULL)
		return SMS_ESTORE;
	sqlite3_bind_int64(s, 1, id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*state = (enum msg_state)sqlite3_column_int(s, 0);
		rc = 0;
	} else if (rc == SQLITE_DONE)
		rc = sms_err_set(err, SMS_ENOENT,
		    _("no message %" PRId64), id);
	else
		rc = store_sql_err(st, err, _("reading a message"));
	sqlite3_reset(s);
	return rc;
}

/* Move id to state inside the caller's transaction; 1 moved, 0 not. */
static int
move(struct store *st, int64_t id, enum msg_state state, int error_code,
    const char *error_text, int64_t at, struct sms_err *err)
{
	enum msg_state old;
	sqlite3_stmt *s;
	int rc;

	if ((rc = current_state(st, id, &old, err)) < 0)
		return rc;
	if (!msg_state_may_move(old, state))
		return 0;
	if ((s = store_stmt(st, sql_set_state, err)) == NULL)
		return SMS_ESTORE;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int(s, 2, (int)state);
	sqlite3_bind_int64(s, 3, at > 0 ? at : store_now());
	sqlite3_bind_int(s, 4, error_code);
	store_bind_text(s, 5, error_text);
	sqlite3_bind_int(s, 6, (int)old);
	if ((rc = store_exec_stmt(st, s, err, _("updating a message"))) < 0)
		return rc;
	return sqlite3_changes(st->db) > 0;
}

/* Run move() in its own (or the caller's) transaction. */
static int
move_tx(struct store *st, int64_t id, enum msg_state state, int error_code,
    const char *error_text, int64_t at, struct sms_err *err)
{
	int rc, crc;

	if ((rc = store_tx_begin(st, err)) < 0)
		return rc;
	if ((rc = move(st, id, state, error_code, error_text, at, err)) < 0) {
		store_tx_rollback(st);
		return rc;
	}
	if ((crc = store_tx_commit(st, err)) < 0)
		return crc;
	return rc;
}

int
store_message_set_state(struct store *st, int64_t id, enum msg_state state,
    int error_code, const char *error_text, int64_t at, struct sms_err *err)
{
	return move_tx(st, id, state, error_code, error_text, at, err);
}

int
store_message_fail(struct store *st, int64_t id, int error_code,
    const char *error_text, int64_t at, struct sms_err *err)
{
	return move_tx(st, id, MSG_FAILED, error_code, error_text, at, err);
}

int
store_message_cancel(struct store *st, int64_t id, struct sms_err *err)
{
	return move_tx(st, id, MSG_CANCELLED, 0, NULL, 0, err);
}

/* Record the parts of a comma-joined reference ("12,13,14") inside the
 * caller's transaction; a single reference has no parts. */
static int
parts_record(struct store *st, int64_t id, const char *remote_ref,
    struct sms_err *err)
{
	char ref[64];
	const char *p = remote_ref;
	sqlite3_stmt *s;
	size_t n;
	int seq = 0, rc;

	if ((s = store_stmt(st, sql_parts_clear, err)) == NULL)
		return SMS_ESTORE;
	sqlite3_bind_int64(s, 1, id);
	if ((rc = store_exec_stmt(st, s, err, _("updating a message"))) < 0)
		return rc;
	if (remote_ref == NULL || strchr(remote_ref, ',') == NULL)
		return 0;
	while (*p != '\0') {
		n = strcspn(p, ",");
		if (n > 0 && n < sizeof ref) {
			memcpy(ref, p, n);
			ref[n] = '\0';
			if ((s = store_stmt(st, sql_part_add, err)) == NULL)
				return SMS_ESTORE;
			sqlite3_bind_int64(s, 1, id);
			sqlite3_bind_int(s, 2, ++seq);
			store_bind_text(s, 3, ref);
			if ((rc = store_exec_stmt(st, s, err,
			    _("updating a message"))) < 0)
				return rc;
		}
		p += n;
		if (*p == ',')
			p++;
	}
	return 0;
}

int
store_message_submitted(struct store *st, int64_t id, const char *remote_ref,
    int64_t at, struct sms_err *err)
{
	sqlite3_stmt *s;
	int rc, crc;

	if ((rc = store_tx_begin(st, err)) < 0)
		return rc;
	if ((s = store_stmt(st, sql_set_ref, err)) == NULL) {
		rc = SMS_ESTORE;
		goto out;
	}
	sqlite3_bind_int64(s, 1, id);
	store_bind_text(s, 2, remote_ref);
	if ((rc = store_exec_stmt(st, s, err, _("updating a message"))) < 0)
		goto out;
	if ((rc = parts_record(st, id, remote_ref, err)) < 0)
		goto out;
	rc = move(st, id, MSG_SUBMITTED, 0, NULL, at, err);
out:
	if (rc < 0) {
		store_tx_rollback(st);
		return rc;
	}
	if ((crc = store_tx_commit(st, err)) < 0)
		return crc;
	return rc;
}

/* The newest outgoing message of backend whose reference is remote_ref,
 * into *id (0 when none). */
static int
find_by_ref(struct store *st, const char *backend, const char *remote_ref,
    int64_t *id, struct sms_err *err)
{
	sqlite3_stmt *s;
	int rc;

	*id = 0;
	if ((s = store_stmt(st, sql_by_ref, err)) == NULL)
		return SMS_ESTORE;
	store_bind_text(s, 1, backend);
	store_bind_text(s, 2, remote_ref);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*id = sqlite3_column_int64(s, 0);
	else if (rc != SQLITE_DONE) {
		rc = store_sql_err(st, err, _("finding a message"));
		sqlite3_reset(s);
		return rc;
	}
	sqlite3_reset(s);
	return 0;
}

/*
 * A part's report inside the caller's transaction: the part takes state,
 * then the message moves if the parts together say so.  *found is set
 * when a part matched.
 */
static int
part_move(struct store *st, const char *backend, int64_t *id,
    const char *part_ref, enum msg_state state, int error_code,
    const char *error_text, int64_t at, bool *found, struct sms_err *err)
{
	enum msg_state old;
	sqlite3_stmt *s;
	int seq, total, delivered, rc;

	*found = false;
	if ((s = store_stmt(st, sql_part_find, err)) == NULL)
		return SMS_ESTORE;
	store_bind_text(s, 1, backend);
	store_bind_text(s, 2, part_ref);
	sqlite3_bind_int64(s, 3, *id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_DONE) {
		sqlite3_reset(s);
		return 0;
	}
	if (rc != SQLITE_ROW) {
		rc = store_sql_err(st, err, _("finding a message"));
		sqlite3_reset(s);
		return rc;
	}
	*found = true;
	*id = sqlite3_column_int64(s, 0);
	seq = sqlite3_column_int(s, 1);
	old = (enum msg_state)sqlite3_column_int(s, 2);
	sqlite3_reset(s);
	if (!msg_state_may_move(old, state))
		return 0;	/* a late or repeated report for this part */
	if ((s = store_stmt(st, sql_part_set, err)) == NULL)
		return SMS_ESTORE;
	sqlite3_bind_int64(s, 1, *id);
	sqlite3_bind_int(s, 2, seq);
	sqlite3_bind_int(s, 3, (int)state);
	sqlite3_bind_int64(s, 4, at > 0 ? at : store_now());
	if ((rc = store_exec_stmt(st, s, err, _("updating a message"))) < 0)
		return rc;
	if (state == MSG_DELIVERED) {
		if ((s = store_stmt(st, sql_parts_count, err)) == NULL)
			return SMS_ESTORE;
		sqlite3_bind_int64(s, 1, *id);
		if (sqlite3_step(s) != SQLITE_ROW) {
			rc = store_sql_err(st, err, _("reading a message"));
			sqlite3_reset(s);
			return rc;
		}
		total = sqlite3_column_int(s, 0);
		delivered = sqlite3_column_int(s, 1);
		sqlite3_reset(s);
		if (delivered < total)
			return 0;	/* the others are still on their way */
	}
	/* Sent, undelivered and failed: one part is enough to say so. */
	return move(st, *id, state, error_code, error_text, at, err);
}

int
store_message_part_state(struct store *st, const char *backend, int64_t id,
    const char *part_ref, enum msg_state state, int error_code,
    const char *error_text, int64_t at, int64_t *out_id,
    struct sms_err *err)
{
	bool found;
	int rc, crc;

	if (backend == NULL || part_ref == NULL)
		return sms_err_set(err, SMS_EINVAL, "part_state: no reference");
	if ((rc = store_tx_begin(st, err)) < 0)
		return rc;
	rc = part_move(st, backend, &id, part_ref, state, error_code,
	    error_text, at, &found, err);
	if (rc < 0 || found)
		goto out;
	/* No parts: a message of one part, named by id or its reference. */
	if (id == 0 && (rc = find_by_ref(st, backend, part_ref, &id,
	    err)) < 0)
		goto out;
	if (id == 0) {
		rc = sms_err_set(err, SMS_ENOENT,
		    _("no message sent through %s has reference %s"),
		    backend, part_ref);
		goto out;
	}
	rc = move(st, id, state, error_code, error_text, at, err);
out:
	if (rc < 0) {
		store_tx_rollback(st);
		return rc;
	}
	if (out_id != NULL)
		*out_id = id;
	if ((crc = store_tx_commit(st, err)) < 0)
		return crc;
	return rc;
}

int
store_message_set_state_by_ref(struct store *st, const char *backend,
    const char *remote_ref, enum msg_state state, int error_code,
    const char *error_text, int64_t at, int64_t *id, struct sms_err *err)
{
	sqlite3_stmt *s;
	int64_t found = 0;
	int rc, crc;

	if (backend == NULL || remote_ref == NULL)
		return sms_err_set(err, SMS_EINVAL, "by_ref: no reference");
	if ((rc = store_tx_begin(st, err)) < 0)
		return rc;
	if ((s = store_stmt(st, sql_by_ref, err)) == NULL) {
		rc = SMS_ESTORE;
		goto out;
	}
	store_bind_text(s, 1, backend);
	store_bind_text(s, 2, remote_ref);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		found = sqlite3_column_int64(s, 0);
	else if (rc != SQLITE_DONE) {
		rc = store_sql_err(st, err, _("finding a message"));
		sqlite3_reset(s);
		goto out;
	}
	sqlite3_reset(s);
	if (found == 0) {
		rc = sms_err_set(err, SMS_ENOENT,
		    _("no message sent through %s has reference %s"),
		    backend, remote_ref);
		goto out;
	}
	if (id != NULL)
		*id = found;
	rc = move(st, found, state, error_code, error_text, at, err);
out:
	if (rc < 0) {
		store_tx_rollback(st);
		return rc;
	}
	if ((crc = store_tx_commit(st, err)) < 0)
		return crc;
	return rc;
}

int
store_message_requeue(struct store *st, int64_t id, int64_t next_attempt_at,
    int error_code, const char *error_text, struct sms_err *err)
{
	enum msg_state old;
	sqlite3_stmt *s;
	int rc, crc;

	if ((rc = store_tx_begin(st, err)) < 0)
		return rc;
	if ((rc = current_state(st, id, &old, err)) < 0)
		goto out;
	if (!msg_state_may_move(old, MSG_QUEUED)) {
		rc = 0;
		goto out;
	}
	if ((s = store_stmt(st, sql_requeue, err)) == NULL) {
		rc = SMS_ESTORE;
		goto out;
	}
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, next_attempt_at);
	sqlite3_bind_int(s, 3, error_code);
	store_bind_text(s, 4, error_text);
	sqlite3_bind_int64(s, 5, store_now());
	sqlite3_bind_int(s, 6, (int)old);
	if ((rc = store_exec_stmt(st, s, err, _("updating a message"))) < 0)
		goto out;
	rc = sqlite3_changes(st->db) > 0;
out:
	if (rc < 0) {
		store_tx_rollback(st);
		return rc;
	}
	if ((crc = store_tx_commit(st, err)) < 0)
		return crc;
	return rc;
}

/* FNV-1a, 64 bits: tells apart bodies in the modem dedup key (not a
 * security property: the key also holds sender and SC timestamp). */
static uint64_t
body_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* The idempotency key for in, or "" when none can be made. */
static void
dedup_key(const struct store_inbound *in, const char *peer, char *out,
    size_t size)
{
	if (in->remote_id != NULL && in->remote_id[0] != '\0')
		snprintf(out, size, "sid:%s:%s",
		    in->backend != NULL ? in->backend : "", in->remote_id);
	else if (in->remote_at != 0)
		snprintf(out, size, "m:%s:%" PRId64 ":%u:%u:%u:%016" PRIx64,
		    peer, in->remote_at, in->concat_ref, in->concat_total,
		    in->concat_seq, body_hash(in->body != NULL ? in->body : ""));
	else
		out[0] = '\0';
}

/* The id of the message stored under key. */
static int
find_dedup(struct store *st, const char *key, int64_t *id,
    struct sms_err *err)
{
	sqlite3_stmt *s;
	int rc;

	if ((s = store_stmt(st, sql_dedup, err)) == NULL)
		return SMS_ESTORE;
	store_bind_text(s, 1, key);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*id = sqlite3_column_int64(s, 0);
		rc = 0;
	} else
		rc = store_sql_err(st, err, _("storing a message"));
	sqlite3_reset(s);
	return rc;
}

int
store_message_insert_inbound(struct store *st, const struct store_inbound *in,
    int64_t *id, struct sms_err *err)
{
	char peer[PHONE_MAX], key[256];
	const char *raw = in->from;
	sqlite3_stmt *s;
	int64_t thread, found = 0;
	int rc, crc;

	/* Never lose a message over its sender: unparseable senders are
	 * kept as they came. */
	if (raw == NULL || raw[0] == '\0')
		raw = "unknown";
	if (store_number(st, raw, peer, NULL) < 0)
		snprintf(peer, sizeof peer, "%s", raw);
	dedup_key(in, peer, key, sizeof key);
	if ((rc = store_tx_begin(st, err)) < 0)
		return rc;
	if ((rc = store_thread_ensure_peer(st, peer, raw, &thread, err)) < 0)
		goto out;
	if ((s = store_stmt(st, sql_insert_in, err)) == NULL) {
		rc = SMS_ESTORE;
		goto out;
	}
	sqlite3_bind_int64(s, 1, thread);
	store_bind_text(s, 2, in->body != NULL ? in->body : "");
	store_bind_text(s, 3, in->encoding);
	sqlite3_bind_int(s, 4, in->segments > 0 ? in->segments : 1);
	store_bind_text(s, 5, in->to);
	store_bind_text(s, 6, in->backend);
	store_bind_text(s, 7, in->remote_id);
	store_bind_text(s, 8, key[0] != '\0' ? key : NULL);
	sqlite3_bind_int64(s, 9, in->received_at > 0 ? in->received_at :
	    store_now());
	if (in->remote_at != 0)
		sqlite3_bind_int64(s, 10, in->remote_at);
	if ((rc = store_exec_stmt(st, s, err, _("storing a message"))) < 0)
		goto out;
	if (sqlite3_changes(st->db) == 0) {
		/* Stored before: report the first copy's id. */
		if ((rc = find_dedup(st, key, &found, err)) < 0)
			goto out;
		if (id != NULL)
			*id = found;
		rc = 0;
		goto out;
	}
	if (id != NULL)
		*id = sqlite3_last_insert_rowid(st->db);
	rc = 1;
out:
	if (rc < 0) {
		store_tx_rollback(st);
		return rc;
	}
	if ((crc = store_tx_commit(st, err)) < 0)
		return crc;
	return rc;
}
