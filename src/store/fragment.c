#include "config.h"

#include "store/fragment.h"

#include <stdlib.h>
#include <string.h>

#include "store/private.h"
#include "util/i18n.h"

static const char sql_add[] =
	"INSERT INTO fragments (key, seq, total, backend, sender, our_number,"
	" body, encoding, remote_at, received_at)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
	" ON CONFLICT (key, seq) DO NOTHING";
static const char sql_have[] =
	"SELECT count(*) FROM fragments WHERE key = ?1";
static const char sql_parts[] =
	"SELECT key, seq, total, backend, sender, our_number, body, encoding,"
	" remote_at, received_at FROM fragments WHERE key = ?1 ORDER BY seq";
static const char sql_delete[] =
	"DELETE FROM fragments WHERE key = ?1";
static const char sql_expired[] =
	"SELECT key FROM fragments GROUP BY key"
	" HAVING min(received_at) < ?1 ORDER BY min(received_at)";

void
store_fragments_fini(struct store_fragments *fs)
{
	struct store_fragment *f;
	size_t i;

	if (fs == NULL)
		return;
	for (i = 0; i < fs->n; i++) {
		f = &fs->v[i];
		free(f->key);
		free(f->backend);
		free(f->sender);
		free(f->our_number);
		free(f->body);
		free(f->encoding);
	}
	free(fs->v);
	fs->v = NULL;
	fs->n = 0;
}

int
store_fragment_add(struct store *st, const struct store_fragment *f,
    unsigned *have, struct sms_err *err)
{
	sqlite3_stmt *s;
	int rc, added, crc;

	if (f->key == NULL || f->sender == NULL || f->seq == 0 ||
	    f->seq > f->total)
		return sms_err_set(err, SMS_EINVAL,
		    "fragment: bad key, sender or sequence");
	if ((rc = store_tx_begin(st, err)) < 0)
		return rc;
	if ((s = store_stmt(st, sql_add, err)) == NULL) {
		rc = SMS_ESTORE;
		goto out;
	}
	store_bind_text(s, 1, f->key);
	sqlite3_bind_int(s, 2, (int)f->seq);
	sqlite3_bind_int(s, 3, (int)f->total);
	store_bind_text(s, 4, f->backend);
	store_bind_text(s, 5, f->sender);
	store_bind_text(s, 6, f->our_number);
	store_bind_text(s, 7, f->body != NULL ? f->body : "");
	store_bind_text(s, 8, f->encoding);
	sqlite3_bind_int64(s, 9, f->remote_at);
	sqlite3_bind_int64(s, 10, f->received_at > 0 ? f->received_at :
	    store_now());
	if ((rc = store_exec_stmt(st, s, err, _("storing a message part")))
	    < 0)
		goto out;
	added = sqlite3_changes(st->db) > 0;
	if (have != NULL) {
		if ((s = store_stmt(st, sql_have, err)) == NULL) {
			rc = SMS_ESTORE;
			goto out;
		}
		store_bind_text(s, 1, f->key);
		if (sqlite3_step(s) != SQLITE_ROW) {
			rc = store_sql_err(st, err,
			    _("counting message parts"));
			sqlite3_reset(s);
			goto out;
		}
		*have = (unsigned)sqlite3_column_int(s, 0);
		sqlite3_reset(s);
	}
	rc = added;
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
store_fragment_parts(struct store *st, const char *key,
    struct store_fragments *out, struct sms_err *err)
{
	struct store_fragment *f, *v;
	sqlite3_stmt *s;
	size_t cap = 0;
	bool oom = false;
	int rc;

	out->v = NULL;
	out->n = 0;
	if ((s = store_stmt(st, sql_parts, err)) == NULL)
		return SMS_ESTORE;
	store_bind_text(s, 1, key);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (out->n == cap) {
			cap = cap ? cap * 2 : 8;
			if ((v = realloc(out->v, cap * sizeof *v)) == NULL) {
				oom = true;
				break;
			}
			out->v = v;
		}
		f = &out->v[out->n++];
		memset(f, 0, sizeof *f);
		f->key = store_col_strdup(s, 0, &oom);
		f->seq = (unsigned)sqlite3_column_int(s, 1);
		f->total = (unsigned)sqlite3_column_int(s, 2);
		f->backend = store_col_strdup(s, 3, &oom);
		f->sender = store_col_strdup(s, 4, &oom);
		f->our_number = store_col_strdup(s, 5, &oom);
		f->body = store_col_strdup(s, 6, &oom);
		f->encoding = store_col_strdup(s, 7, &oom);
		f->remote_at = sqlite3_column_int64(s, 8);
		f->received_at = sqlite3_column_int64(s, 9);
		if (oom)
			break;
	}
	if (oom)
		rc = store_oom(err);
	else if (rc != SQLITE_DONE)
		rc = store_sql_err(st, err, _("reading message parts"));
	else
		rc = 0;
	sqlite3_reset(s);
	if (rc < 0)
		store_fragments_fini(out);
	return rc;
}

int
store_fragment_delete(struct store *st, const char *key,
    struct sms_err *err)
{
	sqlite3_stmt *s;

	if ((s = store_stmt(st, sql_delete, err)) == NULL)
		return SMS_ESTORE;
	store_bind_text(s, 1, key);
	return store_exec_stmt(st, s, err, _("deleting message parts"));
}

int
store_fragment_expired(struct store *st, int64_t older_than,
    struct store_strv *out, struct sms_err *err)
{
	sqlite3_stmt *s;
	char **v;
	size_t cap = 0;
	bool oom = false;
	int rc;

	out->v = NULL;
	out->n = 0;
	if ((s = store_stmt(st, sql_expired, err)) == NULL)
		return SMS_ESTORE;
	sqlite3_bind_int64(s, 1, older_than);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (out->n == cap) {
			cap = cap ? cap * 2 : 8;
			if ((v = realloc(out->v, cap * sizeof *v)) == NULL) {
				oom = true;
				break;
			}
			out->v = v;
		}
		out->v[out->n] = store_col_strdup(s, 0, &oom);
		if (oom)
			break;
		out->n++;
	}
	if (oom)
		rc = store_oom(err);
	else if (rc != SQLITE_DONE)
		rc = store_sql_err(st, err, _("reading message parts"));
	else
		rc = 0;
	sqlite3_reset(s);
	if (rc < 0)
		store_strv_fini(out);
	return rc;
}
