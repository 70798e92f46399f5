#include "config.h"

#include "store/search.h"

#include <stdlib.h>
#include <string.h>

#include "store/private.h"
#include "store/store.h"
#include "util/i18n.h"

/*
 * Newest first by rowid: FTS5 walks its doclists backwards and stops at
 * the limit, where ORDER BY rank would score every match (about a second
 * for a word found in half of a million rows).
 */
static const char sql_search[] =
	"SELECT m.id, m.thread_id, t.peer, c.name, m.direction, m.state,"
	" m.created_at,"
	" snippet(message_fts, 0, '" STORE_HIT_OPEN "', '" STORE_HIT_CLOSE
	"', '...', 12)"
	" FROM message_fts f"
	" JOIN messages m ON m.id = f.rowid"
	" JOIN threads t ON t.id = m.thread_id"
	" LEFT JOIN contacts c ON c.id = t.contact_id"
	" WHERE message_fts MATCH ?1 AND f.rowid < ?2"
	" ORDER BY f.rowid DESC LIMIT ?3";

void
store_hits_fini(struct store_hits *h)
{
	size_t i;

	if (h == NULL)
		return;
	for (i = 0; i < h->n; i++) {
		free(h->v[i].peer);
		free(h->v[i].contact_name);
		free(h->v[i].snippet);
	}
	free(h->v);
	h->v = NULL;
	h->n = 0;
}

int
store_search(struct store *st, const char *query, int64_t before_id,
    size_t limit, struct store_hits *out, struct sms_err *err)
{
	struct store_hit *hit;
	sqlite3_stmt *s;
	bool oom = false;
	int rc;

	out->v = NULL;
	out->n = 0;
	if (query == NULL || query[strspn(query, " \t")] == '\0')
		return sms_err_set(err, SMS_EDATA, _("empty search"));
	if (limit == 0)
		limit = 50;
	if ((out->v = calloc(limit, sizeof *out->v)) == NULL)
		return store_oom(err);
	if ((s = store_stmt(st, sql_search, err)) == NULL) {
		rc = SMS_ESTORE;
		goto fail;
	}
	store_bind_text(s, 1, query);
	sqlite3_bind_int64(s, 2, before_id > 0 ? before_id : INT64_MAX);
	sqlite3_bind_int64(s, 3, (int64_t)limit);
	while (out->n < limit && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		hit = &out->v[out->n++];
		hit->message_id = sqlite3_column_int64(s, 0);
		hit->thread_id = sqlite3_column_int64(s, 1);
		hit->peer = store_col_strdup(s, 2, &oom);
		hit->contact_name = store_col_strdup(s, 3, &oom);
		hit->dir = sqlite3_column_int(s, 4) ? MSG_OUT : MSG_IN;
		hit->state = (enum msg_state)sqlite3_column_int(s, 5);
		hit->created_at = sqlite3_column_int64(s, 6);
		hit->snippet = store_col_strdup(s, 7, &oom);
		if (oom) {
			sqlite3_reset(s);
			rc = store_oom(err);
			goto fail;
		}
	}
	if (out->n < limit && rc != SQLITE_DONE) {
		/* FTS5 reports query syntax errors as SQLITE_ERROR. */
		if ((rc & 0xff) == SQLITE_ERROR)
			rc = sms_err_set(err, SMS_EDATA,
			    _("cannot search for \"%s\": %s"), query,
			    sqlite3_errmsg(st->db));
		else
			rc = store_sql_err(st, err, _("searching"));
		sqlite3_reset(s);
		goto fail;
	}
	sqlite3_reset(s);
	if (out->n == 0)
		store_hits_fini(out);
	return 0;
fail:
	store_hits_fini(out);
	return rc;
}
