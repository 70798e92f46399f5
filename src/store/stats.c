#include "config.h"

#include "store/stats.h"

#include <string.h>

#include "store/private.h"
#include "store/store.h"
#include "util/i18n.h"

static const char sql_max_id[] = "SELECT coalesce(max(id), 0) FROM messages";
static const char sql_at[] =
	"SELECT id, created_at FROM messages WHERE id >= ?1 ORDER BY id LIMIT 1";
static const char sql_per_day[] =
	"SELECT (created_at - ?2) / 86400, direction, count(*)"
	" FROM messages WHERE id >= ?1 AND created_at >= ?2"
	" GROUP BY 1, 2";
static const char sql_states[] =
	"SELECT state, count(*) FROM messages"
	" WHERE id >= ?1 AND created_at >= ?2 AND direction = 1"
	" GROUP BY state";
/* A customer's first message since our last reply, and our next reply:
 * both found through the (thread_id, id) index. */
static const char sql_response[] =
	"SELECT count(*), avg(r.created_at - m.created_at)"
	" FROM messages m JOIN messages r ON r.id ="
	"  (SELECT min(x.id) FROM messages x WHERE x.thread_id = m.thread_id"
	"   AND x.id > m.id AND x.direction = 1)"
	" WHERE m.id >= ?1 AND m.created_at >= ?2 AND m.direction = 0"
	"  AND coalesce((SELECT p.direction FROM messages p"
	"   WHERE p.thread_id = m.thread_id AND p.id < m.id"
	"   ORDER BY p.id DESC LIMIT 1), 1) = 1";

/* The created_at of the first message with id >= id (*at -1 if none). */
static int
time_at(struct store *st, int64_t id, int64_t *found, int64_t *at,
    struct sms_err *err)
{
	sqlite3_stmt *s;
	int rc;

	if ((s = store_stmt(st, sql_at, err)) == NULL)
		return SMS_ESTORE;
	sqlite3_bind_int64(s, 1, id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*found = sqlite3_column_int64(s, 0);
		*at = sqlite3_column_int64(s, 1);
		rc = 0;
	} else if (rc == SQLITE_DONE) {
		*at = -1;
		rc = 0;
	} else
		rc = store_sql_err(st, err, _("reading statistics"));
	sqlite3_reset(s);
	return rc;
}

/* The first id stored at or after since, by bisection over ids. */
static int
first_id_since(struct store *st, int64_t since, int64_t *out,
    struct sms_err *err)
{
	sqlite3_stmt *s;
	int64_t lo = 1, hi, mid, found = 0, at = -1;
	int rc;

	if ((s = store_stmt(st, sql_max_id, err)) == NULL)
		return SMS_ESTORE;
	if (sqlite3_step(s) != SQLITE_ROW) {
		rc = store_sql_err(st, err, _("reading statistics"));
		sqlite3_reset(s);
		return rc;
	}
	hi = sqlite3_column_int64(s, 0) + 1;
	sqlite3_reset(s);
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if ((rc = time_at(st, mid, &found, &at, err)) < 0)
			return rc;
		if (at < 0 || at >= since)
			hi = mid;
		else
			lo = found + 1;
	}
	*out = lo;
	return 0;
}

int
store_stats_get(struct store *st, int days, long utc_offset, int64_t now,
    struct store_stats *out, struct sms_err *err)
{
	sqlite3_stmt *s;
	int64_t since, first = 1, day;
	int rc, state;

	if (st == NULL || out == NULL || days < 1 ||
	    days > STORE_STATS_DAYS_MAX)
		return sms_err_set(err, SMS_EINVAL,
		    _("statistics cover 1 to %d days"), STORE_STATS_DAYS_MAX);
	memset(out, 0, sizeof *out);
	out->days = days;
	out->avg_response = -1;
	/* Local midnight days - 1 days ago, as unix time. */
	since = (now + utc_offset) / 86400 * 86400 - utc_offset -
	    (int64_t)(days - 1) * 86400;
	out->day0 = since;
	if ((rc = first_id_since(st, since, &first, err)) < 0)
		return rc;

	if ((s = store_stmt(st, sql_per_day, err)) == NULL)
		return SMS_ESTORE;
	sqlite3_bind_int64(s, 1, first);
	sqlite3_bind_int64(s, 2, since);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		day = sqlite3_column_int64(s, 0);
		if (day < 0 || day >= days)
			continue;
		if (sqlite3_column_int(s, 1) == MSG_IN)
			out->in[day] = sqlite3_column_int64(s, 2);
		else
			out->out[day] = sqlite3_column_int64(s, 2);
	}
	if (rc != SQLITE_DONE) {
		rc = store_sql_err(st, err, _("reading statistics"));
		sqlite3_reset(s);
		return rc;
	}
	sqlite3_reset(s);

	if ((s = store_stmt(st, sql_states, err)) == NULL)
		return SMS_ESTORE;
	sqlite3_bind_int64(s, 1, first);
	sqlite3_bind_int64(s, 2, since);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		state = sqlite3_column_int(s, 0);
		if (state >= 0 && state <= MSG_CANCELLED)
			out->out_state[state] = sqlite3_column_int64(s, 1);
	}
	if (rc != SQLITE_DONE) {
		rc = store_sql_err(st, err, _("reading statistics"));
		sqlite3_reset(s);
		return rc;
	}
	sqlite3_reset(s);

	if ((s = store_stmt(st, sql_response, err)) == NULL)
		return SMS_ESTORE;
	sqlite3_bind_int64(s, 1, first);
	sqlite3_bind_int64(s, 2, since);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		out->answered = sqlite3_column_int64(s, 0);
		if (out->answered > 0)
			out->avg_response = sqlite3_column_double(s, 1);
		rc = 0;
	} else
		rc = store_sql_err(st, err, _("reading statistics"));
	sqlite3_reset(s);
	return rc;
}
