#include "config.h"

#include "store/event.h"

#include "store/private.h"
#include "util/i18n.h"

static const char sql_add[] =
	"INSERT INTO backend_events (backend, at, state, up, detail)"
	" VALUES (?1, ?2, ?3, ?4, ?5)";
/* The last event before the window, then the window's events in order. */
static const char sql_before[] =
	"SELECT up FROM backend_events WHERE backend = ?1 AND at < ?2"
	" ORDER BY at DESC, id DESC LIMIT 1";
static const char sql_last[] =
	"SELECT up, at FROM backend_events WHERE backend = ?1"
	" ORDER BY at DESC, id DESC LIMIT 1";
static const char sql_window[] =
	"SELECT at, up FROM backend_events WHERE backend = ?1"
	" AND at >= ?2 AND at < ?3 ORDER BY at, id";
static const char sql_depth[] =
	"SELECT (SELECT count(*) FROM messages WHERE state = 1"
	"  AND (?1 IS NULL OR route IS NULL OR route = ?1)),"
	" (SELECT count(*) FROM messages WHERE state = 2"
	"  AND (?1 IS NULL OR backend = ?1))";
static const char sql_unrouted[] =
	"SELECT count(*) FROM messages WHERE state = 1 AND route IS NULL";

int
store_event_add(struct store *st, const char *backend, const char *state,
    bool up, const char *detail, int64_t at, struct sms_err *err)
{
	sqlite3_stmt *s;

	if (backend == NULL || state == NULL)
		return sms_err_set(err, SMS_EINVAL, "event: no backend/state");
	if ((s = store_stmt(st, sql_add, err)) == NULL)
		return SMS_ESTORE;
	store_bind_text(s, 1, backend);
	sqlite3_bind_int64(s, 2, at > 0 ? at : store_now());
	store_bind_text(s, 3, state);
	sqlite3_bind_int(s, 4, up);
	store_bind_text(s, 5, detail);
	return store_exec_stmt(st, s, err, _("recording a backend event"));
}

int
store_event_last(struct store *st, const char *backend, bool *up,
    int64_t *at, struct sms_err *err)
{
	sqlite3_stmt *s;
	int rc;

	*up = false;
	*at = 0;
	if ((s = store_stmt(st, sql_last, err)) == NULL)
		return SMS_ESTORE;
	store_bind_text(s, 1, backend);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*up = sqlite3_column_int(s, 0) != 0;
		*at = sqlite3_column_int64(s, 1);
		rc = 1;
	} else if (rc == SQLITE_DONE)
		rc = 0;
	else
		rc = store_sql_err(st, err, _("reading backend events"));
	sqlite3_reset(s);
	return rc;
}

int
store_event_availability(struct store *st, const char *backend,
    int64_t from, int64_t to, double *fraction, struct sms_err *err)
{
	sqlite3_stmt *s;
	int64_t t, at, up_time = 0, known = 0;
	int up = -1, rc;

	*fraction = -1;
	if (to <= from)
		return sms_err_set(err, SMS_EINVAL, "availability: empty window");
	if ((s = store_stmt(st, sql_before, err)) == NULL)
		return SMS_ESTORE;
	store_bind_text(s, 1, backend);
	sqlite3_bind_int64(s, 2, from);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		up = sqlite3_column_int(s, 0) != 0;
	else if (rc != SQLITE_DONE) {
		rc = store_sql_err(st, err, _("reading backend events"));
		sqlite3_reset(s);
		return rc;
	}
	sqlite3_reset(s);
	if ((s = store_stmt(st, sql_window, err)) == NULL)
		return SMS_ESTORE;
	store_bind_text(s, 1, backend);
	sqlite3_bind_int64(s, 2, from);
	sqlite3_bind_int64(s, 3, to);
	t = from;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		at = sqlite3_column_int64(s, 0);
		if (up >= 0) {
			known += at - t;
			if (up)
				up_time += at - t;
		}
		t = at;
		up = sqlite3_column_int(s, 1) != 0;
	}
	if (rc != SQLITE_DONE) {
		rc = store_sql_err(st, err, _("reading backend events"));
		sqlite3_reset(s);
		return rc;
	}
	sqlite3_reset(s);
	if (up >= 0) {
		known += to - t;
		if (up)
			up_time += to - t;
	}
	if (known > 0)
		*fraction = (double)up_time / (double)known;
	return 0;
}

int
store_queue_depth(struct store *st, const char *backend, int64_t *queued,
    int64_t *sending, struct sms_err *err)
{
	sqlite3_stmt *s;
	int rc;

	if ((s = store_stmt(st, sql_depth, err)) == NULL)
		return SMS_ESTORE;
	store_bind_text(s, 1, backend);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		if (queued != NULL)
			*queued = sqlite3_column_int64(s, 0);
		if (sending != NULL)
			*sending = sqlite3_column_int64(s, 1);
		rc = 0;
	} else
		rc = store_sql_err(st, err, _("reading the queue"));
	sqlite3_reset(s);
	return rc;
}

int
store_queue_unrouted(struct store *st, int64_t *queued, struct sms_err *err)
{
	sqlite3_stmt *s;
	int rc;

	*queued = 0;
	if ((s = store_stmt(st, sql_unrouted, err)) == NULL)
		return SMS_ESTORE;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*queued = sqlite3_column_int64(s, 0);
		rc = 0;
	} else
		rc = store_sql_err(st, err, _("reading the queue"));
	sqlite3_reset(s);
	return rc;
}
