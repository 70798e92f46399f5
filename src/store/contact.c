#include "config.h"

#include "store/contact.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "store/private.h"
#include "util/buf.h"
#include "util/i18n.h"
#include "util/phone.h"

static const char sql_get[] =
	"SELECT id, name, notes, opted_out, opted_out_at, created_at,"
	" updated_at FROM contacts WHERE id = ?1";
static const char sql_numbers[] =
	"SELECT number FROM contact_numbers WHERE contact_id = ?1"
	" ORDER BY position, number";
static const char sql_tags[] =
	"SELECT tag FROM contact_tags WHERE contact_id = ?1 ORDER BY tag";
static const char sql_insert[] =
	"INSERT INTO contacts (name, notes, created_at, updated_at)"
	" VALUES (?1, ?2, ?3, ?3)";
static const char sql_update[] =
	"UPDATE contacts SET name = ?2, notes = ?3, updated_at = ?4"
	" WHERE id = ?1";
static const char sql_delete[] =
	"DELETE FROM contacts WHERE id = ?1";
static const char sql_owner[] =
	"SELECT n.contact_id, c.name FROM contact_numbers n"
	" JOIN contacts c ON c.id = n.contact_id WHERE n.number = ?1";
static const char sql_add_number[] =
	"INSERT INTO contact_numbers (number, contact_id, raw, position)"
	" VALUES (?1, ?2, ?3,"
	" (SELECT count(*) FROM contact_numbers WHERE contact_id = ?2))";
static const char sql_link[] =
	"UPDATE threads SET contact_id = ?2 WHERE peer = ?1";
static const char sql_drop_numbers[] =
	"DELETE FROM contact_numbers WHERE contact_id = ?1";
static const char sql_unlink[] =
	"UPDATE threads SET contact_id = NULL WHERE contact_id = ?1";
static const char sql_add_tag[] =
	"INSERT INTO contact_tags (contact_id, tag) VALUES (?1, ?2)"
	" ON CONFLICT DO NOTHING";
static const char sql_drop_tags[] =
	"DELETE FROM contact_tags WHERE contact_id = ?1";
static const char sql_list_all[] =
	"SELECT id FROM contacts ORDER BY name COLLATE NOCASE, id"
	" LIMIT ?1 OFFSET ?2";
static const char sql_list_search[] =
	"SELECT id FROM contacts"
	" WHERE id IN (SELECT rowid FROM contact_fts"
	"  WHERE contact_fts MATCH ?3)"
	" OR id IN (SELECT contact_id FROM contact_numbers"
	"  WHERE number LIKE ?4 ESCAPE '\\')"
	" ORDER BY name COLLATE NOCASE, id LIMIT ?1 OFFSET ?2";
static const char sql_by_name[] =
	"SELECT id FROM contacts WHERE name = ?1 COLLATE NOCASE"
	" AND name <> '' ORDER BY id LIMIT 1";
static const char sql_notes_if_empty[] =
	"UPDATE contacts SET notes = ?2, updated_at = ?3"
	" WHERE id = ?1 AND notes = '' AND ?2 <> ''";
static const char sql_name_if_empty[] =
	"UPDATE contacts SET name = ?2, updated_at = ?3"
	" WHERE id = ?1 AND name = '' AND ?2 <> ''";
static const char sql_optout[] =
	"UPDATE contacts SET opted_out = ?2,"
	" opted_out_at = CASE WHEN ?2 THEN ?3 ELSE NULL END, updated_at = ?3"
	" WHERE id = ?1";
static const char sql_has_tag[] =
	"SELECT 1 FROM contact_numbers n JOIN contact_tags t"
	" ON t.contact_id = n.contact_id WHERE n.number = ?1 AND t.tag = ?2";

void
store_contact_fini(struct store_contact *c)
{
	if (c == NULL)
		return;
	free(c->name);
	free(c->notes);
	store_strv_fini(&c->numbers);
	store_strv_fini(&c->tags);
	memset(c, 0, sizeof *c);
}

void
store_contacts_fini(struct store_contacts *cs)
{
	size_t i;

	if (cs == NULL)
		return;
	for (i = 0; i < cs->n; i++)
		store_contact_fini(&cs->v[i]);
	free(cs->v);
	cs->v = NULL;
	cs->n = 0;
}

/* Collect the first column of every row of s (bound by the caller). */
static int
read_strv(struct store *st, sqlite3_stmt *s, struct store_strv *out,
    struct sms_err *err)
{
	char **v;
	bool oom = false;
	int rc;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if ((v = realloc(out->v, (out->n + 1) * sizeof *v)) == NULL) {
			oom = true;
			break;
		}
		out->v = v;
		if ((out->v[out->n] = store_col_strdup(s, 0, &oom)) == NULL)
			break;
		out->n++;
	}
	sqlite3_reset(s);
	if (oom)
		return store_oom(err);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return store_sql_err(st, err, _("reading contacts"));
	return 0;
}

int
store_contact_get(struct store *st, int64_t id, struct store_contact *out,
    struct sms_err *err)
{
	sqlite3_stmt *s;
	bool oom = false;
	int rc;

	memset(out, 0, sizeof *out);
	if ((s = store_stmt(st, sql_get, err)) == NULL)
		return SMS_ESTORE;
	sqlite3_bind_int64(s, 1, id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_DONE) {
		sqlite3_reset(s);
		return sms_err_set(err, SMS_ENOENT,
		    _("no contact %" PRId64), id);
	}
	if (rc != SQLITE_ROW) {
		rc = store_sql_err(st, err, _("reading contacts"));
		sqlite3_reset(s);
		return rc;
	}
	out->id = sqlite3_column_int64(s, 0);
	out->name = store_col_strdup(s, 1, &oom);
	out->notes = store_col_strdup(s, 2, &oom);
	out->opted_out = sqlite3_column_int(s, 3) != 0;
	out->opted_out_at = sqlite3_column_int64(s, 4);
	out->created_at = sqlite3_column_int64(s, 5);
	out->updated_at = sqlite3_column_int64(s, 6);
	sqlite3_reset(s);
	if (oom) {
		rc = store_oom(err);
		goto fail;
	}
	if ((s = store_stmt(st, sql_numbers, err)) == NULL) {
		rc = SMS_ESTORE;
		goto fail;
	}
	sqlite3_bind_int64(s, 1, id);
	if ((rc = read_strv(st, s, &out->numbers, err)) < 0)
		goto fail;
	if ((s = store_stmt(st, sql_tags, err)) == NULL) {
		rc = SMS_ESTORE;
		goto fail;
	}
	sqlite3_bind_int64(s, 1, id);
	if ((rc = read_strv(st, s, &out->tags, err)) < 0)
		goto fail;
	return 0;
fail:
	store_contact_fini(out);
	return rc;
}

/* Who owns peer: 1 and *id (and name copied into name) when someone
 * does, 0 when nobody. */
static int
owner(struct store *st, const char *peer, int64_t *id, char *name,
    size_t size, struct sms_err *err)
{
	sqlite3_stmt *s;
	int rc;

	if ((s = store_stmt(st, sql_owner, err)) == NULL)
		return SMS_ESTORE;
	store_bind_text(s, 1, peer);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*id = sqlite3_column_int64(s, 0);
		if (name != NULL)
			snprintf(name, size, "%s",
			    (const char *)sqlite3_column_text(s, 1));
		rc = 1;
	} else if (rc == SQLITE_DONE)
		rc = 0;
	else
		rc = store_sql_err(st, err, _("reading contacts"));
	sqlite3_reset(s);
	return rc;
}

/* Run a statement taking (text, id) or (id, text). */
static int
exec_text_id(struct store *st, const char *sql, const char *text,
    int64_t id, bool id_first, struct sms_err *err)
{
	sqlite3_stmt *s;

	if ((s = store_stmt(st, sql, err)) == NULL)
		return SMS_ESTORE;
	if (id_first) {
		sqlite3_bind_int64(s, 1, id);
		store_bind_text(s, 2, text);
	} else {
		store_bind_text(s, 1, text);
		sqlite3_bind_int64(s, 2, id);
	}
	return store_exec_stmt(st, s, err, _("updating contacts"));
}

static int
exec_id(struct store *st, const char *sql, int64_t id, struct sms_err *err)
{
	sqlite3_stmt *s;

	if ((s = store_stmt(st, sql, err)) == NULL)
		return SMS_ESTORE;
	sqlite3_bind_int64(s, 1, id);
	return store_exec_stmt(st, s, err, _("updating contacts"));
}

/*
 * Give raw (normalised) to contact id and link its thread.  With
 * skip_taken, a number owned by someone else is skipped (returns 0);
 * otherwise it fails with SMS_EEXIST.  Returns 1 when added, 0 when the
 * contact had it already.
 */
static int
add_number(struct store *st, int64_t id, const char *raw, bool skip_taken,
    struct sms_err *err)
{
	char peer[PHONE_MAX], name[128];
	sqlite3_stmt *s;
	int64_t who;
	int rc;

	if ((rc = store_number(st, raw, peer, err)) < 0)
		return rc;
	if ((rc = owner(st, peer, &who, name, sizeof name, err)) < 0)
		return rc;
	if (rc == 1) {
		if (who == id || skip_taken)
			return 0;
		return sms_err_set(err, SMS_EEXIST,
		    _("%s already belongs to contact \"%s\""), peer,
		    name[0] != '\0' ? name : peer);
	}
	if ((s = store_stmt(st, sql_add_number, err)) == NULL)
		return SMS_ESTORE;
	store_bind_text(s, 1, peer);
	sqlite3_bind_int64(s, 2, id);
	store_bind_text(s, 3, raw);
	if ((rc = store_exec_stmt(st, s, err, _("updating contacts"))) < 0)
		return rc;
	if ((rc = exec_text_id(st, sql_link, peer, id, false, err)) < 0)
		return rc;
	return 1;
}

/* Add tag (trimmed, non-empty) to contact id: 1 added, 0 had it. */
static int
add_tag(struct store *st, int64_t id, const char *tag, struct sms_err *err)
{
	char t[128];
	size_t len;
	int rc;

	while (*tag == ' ' || *tag == '\t')
		tag++;
	len = strlen(tag);
	while (len > 0 && (tag[len - 1] == ' ' || tag[len - 1] == '\t'))
		len--;
	if (len == 0)
		return 0;
	if (len >= sizeof t)
		return sms_err_set(err, SMS_EDATA, _("tag \"%.20s...\" is too "
		    "long"), tag);
	memcpy(t, tag, len);
	t[len] = '\0';
	if ((rc = exec_text_id(st, sql_add_tag, t, id, true, err)) < 0)
		return rc;
	return sqlite3_changes(st->db) > 0;
}

/* Put c's numbers and tags on contact id. */
static int
add_numbers_tags(struct store *st, int64_t id, const struct store_contact *c,
    bool skip_taken, struct sms_err *err)
{
	size_t i;
	int rc, changed = 0;

	for (i = 0; i < c->numbers.n; i++) {
		if ((rc = add_number(st, id, c->numbers.v[i], skip_taken,
		    err)) < 0)
			return rc;
		changed += rc;
	}
	for (i = 0; i < c->tags.n; i++) {
		if ((rc = add_tag(st, id, c->tags.v[i], err)) < 0)
			return rc;
		changed += rc;
	}
	return changed;
}

static int
insert_contact(struct store *st, const char *name, const char *notes,
    int64_t *id, struct sms_err *err)
{
	sqlite3_stmt *s;
	int rc;

	if ((s = store_stmt(st, sql_insert, err)) == NULL)
		return SMS_ESTORE;
	store_bind_text(s, 1, name != NULL ? name : "");
	store_bind_text(s, 2, notes != NULL ? notes : "");
	sqlite3_bind_int64(s, 3, store_now());
	if ((rc = store_exec_stmt(st, s, err, _("adding a contact"))) < 0)
		return rc;
	*id = sqlite3_last_insert_rowid(st->db);
	return 0;
}

int
store_contact_add(struct store *st, const struct store_contact *c,
    int64_t *id, struct sms_err *err)
{
	int64_t nid;
	int rc;

	if ((rc = store_tx_begin(st, err)) < 0)
		return rc;
	if ((rc = insert_contact(st, c->name, c->notes, &nid, err)) < 0 ||
	    (rc = add_numbers_tags(st, nid, c, false, err)) < 0) {
		store_tx_rollback(st);
		return rc;
	}
	if (id != NULL)
		*id = nid;
	return store_tx_commit(st, err);
}

int
store_contact_update(struct store *st, const struct store_contact *c,
    struct sms_err *err)
{
	sqlite3_stmt *s;
	int rc;

	if ((rc = store_tx_begin(st, err)) < 0)
		return rc;
	if ((s = store_stmt(st, sql_update, err)) == NULL) {
		rc = SMS_ESTORE;
		goto out;
	}
	sqlite3_bind_int64(s, 1, c->id);
	store_bind_text(s, 2, c->name != NULL ? c->name : "");
	store_bind_text(s, 3, c->notes != NULL ? c->notes : "");
	sqlite3_bind_int64(s, 4, store_now());
	if ((rc = store_exec_stmt(st, s, err, _("updating contacts"))) < 0)
		goto out;
	if (sqlite3_changes(st->db) == 0) {
		rc = sms_err_set(err, SMS_ENOENT, _("no contact %" PRId64),
		    c->id);
		goto out;
	}
	if ((rc = exec_id(st, sql_unlink, c->id, err)) < 0 ||
	    (rc = exec_id(st, sql_drop_numbers, c->id, err)) < 0 ||
	    (rc = exec_id(st, sql_drop_tags, c->id, err)) < 0 ||
	    (rc = add_numbers_tags(st, c->id, c, false, err)) < 0)
		goto out;
	rc = 0;
out:
	if (rc < 0) {
		store_tx_rollback(st);
		return rc;
	}
	return store_tx_commit(st, err);
}

int
store_contact_remove(struct store *st, int64_t id, struct sms_err *err)
{
	int rc;

	if ((rc = store_tx_begin(st, err)) < 0)
		return rc;
	if ((rc = exec_id(st, sql_delete, id, err)) < 0)
		goto out;
	if (sqlite3_changes(st->db) == 0)
		rc = sms_err_set(err, SMS_ENOENT, _("no contact %" PRId64),
		    id);
out:
	if (rc < 0) {
		store_tx_rollback(st);
		return rc;
	}
	return store_tx_commit(st, err);
}

int
store_contact_find_number(struct store *st, const char *number,
    struct store_contact *out, struct sms_err *err)
{
	char peer[PHONE_MAX];
	int64_t id;
	int rc;

	memset(out, 0, sizeof *out);
	if ((rc = store_number(st, number, peer, err)) < 0)
		return rc;
	if ((rc = owner(st, peer, &id, NULL, 0, err)) < 0)
		return rc;
	if (rc == 0)
		return sms_err_set(err, SMS_ENOENT,
		    _("no contact has the number %s"), peer);
	return store_contact_get(st, id, out, err);
}

/* An FTS5 query of search's words, each a quoted prefix ("jan"*). */
static int
fts_prefix_query(const char *search, struct buf *b)
{
	const char *p = search, *end;

	while (*p != '\0') {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			break;
		end = p + strcspn(p, " \t");
		if (b->len > 0 && buf_append_char(b, ' ') < 0)
			return SMS_ENOMEM;
		if (buf_append_char(b, '"') < 0)
			return SMS_ENOMEM;
		for (; p < end; p++)
			if ((*p == '"' && buf_append_char(b, '"') < 0) ||
			    buf_append_char(b, *p) < 0)
				return SMS_ENOMEM;
		if (buf_append_str(b, "\"*") < 0)
			return SMS_ENOMEM;
	}
	return 0;
}

/* A LIKE pattern matching numbers containing search's digits. */
static int
like_digits(const char *search, struct buf *b)
{
	const char *p;

	if (buf_append_char(b, '%') < 0)
		return SMS_ENOMEM;
	for (p = search; *p != '\0'; p++) {
		if (*p == ' ' || *p == '-' || *p == '.' || *p == '/')
			continue;
		if ((*p == '%' || *p == '_' || *p == '\\') &&
		    buf_append_char(b, '\\') < 0)
			return SMS_ENOMEM;
		if (buf_append_char(b, *p) < 0)
			return SMS_ENOMEM;
	}
	return buf_append_char(b, '%') < 0 ? SMS_ENOMEM : 0;
}

int
store_contact_list(struct store *st, const char *search, size_t offset,
    size_t limit, struct store_contacts *out, struct sms_err *err)
{
	struct store_strv ids = { NULL, 0 };
	struct buf q, like;
	sqlite3_stmt *s;
	bool all = search == NULL || search[strspn(search, " \t")] == '\0';
	size_t i;
	int rc;

	out->v = NULL;
	out->n = 0;
	buf_init(&q, 4096);
	buf_init(&like, 4096);
	if (limit == 0)
		limit = 1000;
	if (!all && (fts_prefix_query(search, &q) < 0 ||
	    like_digits(search, &like) < 0)) {
		rc = sms_err_set(err, SMS_ETOOBIG, _("search too long"));
		goto out;
	}
	if ((s = store_stmt(st, all ? sql_list_all : sql_list_search,
	    err)) == NULL) {
		rc = SMS_ESTORE;
		goto out;
	}
	sqlite3_bind_int64(s, 1, (int64_t)limit);
	sqlite3_bind_int64(s, 2, (int64_t)offset);
	if (!all) {
		store_bind_text(s, 3, q.data);
		store_bind_text(s, 4, like.data);
	}
	if ((rc = read_strv(st, s, &ids, err)) < 0)
		goto out;
	if (ids.n > 0 && (out->v = calloc(ids.n, sizeof *out->v)) == NULL) {
		rc = store_oom(err);
		goto out;
	}
	for (i = 0; i < ids.n; i++) {
		if ((rc = store_contact_get(st, strtoll(ids.v[i], NULL, 10),
		    &out->v[out->n], err)) < 0) {
			store_contacts_fini(out);
			goto out;
		}
		out->n++;
	}
	rc = 0;
out:
	store_strv_fini(&ids);
	buf_fini(&q);
	buf_fini(&like);
	return rc;
}

int
store_contact_merge(struct store *st, const struct store_contact *c,
    struct sms_err *err)
{
	char peer[PHONE_MAX], oname[256];
	sqlite3_stmt *s;
	int64_t id = 0, who, now = store_now();
	size_t i, taken = 0;
	int rc, changed = 0, outcome;

	if ((rc = store_tx_begin(st, err)) < 0)
		return rc;
	/* A number shared by two people (a family's landline) belongs to
	 * the first; it does not make the second the same person. */
	for (i = 0; i < c->numbers.n && id == 0; i++) {
		if ((rc = store_number(st, c->numbers.v[i], peer, err)) < 0)
			goto out;
		if ((rc = owner(st, peer, &who, oname, sizeof oname,
		    err)) < 0)
			goto out;
		if (rc == 0)
			continue;
		if (oname[0] == '\0' || c->name == NULL ||
		    c->name[0] == '\0' ||
		    strncasecmp(oname, c->name, sizeof oname - 1) == 0)
			id = who;
		else
			taken++;
	}
	if (id == 0 && taken > 0 && taken == c->numbers.n) {
		outcome = STORE_MERGE_TAKEN;
		rc = 0;
		goto out;
	}
	if (id == 0 && c->numbers.n == 0 && c->name != NULL &&
	    c->name[0] != '\0') {
		if ((s = store_stmt(st, sql_by_name, err)) == NULL) {
			rc = SMS_ESTORE;
			goto out;
		}
		store_bind_text(s, 1, c->name);
		if ((rc = sqlite3_step(s)) == SQLITE_ROW)
			id = sqlite3_column_int64(s, 0);
		sqlite3_reset(s);
	}
	if (id == 0) {
		if ((rc = insert_contact(st, c->name, c->notes, &id, err)) < 0 ||
		    (rc = add_numbers_tags(st, id, c, true, err)) < 0)
			goto out;
		outcome = STORE_MERGE_ADDED;
	} else {
		if ((rc = add_numbers_tags(st, id, c, true, err)) < 0)
			goto out;
		changed += rc;
		if (c->notes != NULL) {
			if ((s = store_stmt(st, sql_notes_if_empty, err)) ==
			    NULL) {
				rc = SMS_ESTORE;
				goto out;
			}
			sqlite3_bind_int64(s, 1, id);
			store_bind_text(s, 2, c->notes);
			sqlite3_bind_int64(s, 3, now);
			if ((rc = store_exec_stmt(st, s, err,
			    _("updating contacts"))) < 0)
				goto out;
			changed += sqlite3_changes(st->db);
		}
		if (c->name != NULL) {
			if ((s = store_stmt(st, sql_name_if_empty, err)) ==
			    NULL) {
				rc = SMS_ESTORE;
				goto out;
			}
			sqlite3_bind_int64(s, 1, id);
			store_bind_text(s, 2, c->name);
			sqlite3_bind_int64(s, 3, now);
			if ((rc = store_exec_stmt(st, s, err,
			    _("updating contacts"))) < 0)
				goto out;
			changed += sqlite3_changes(st->db);
		}
		outcome = changed > 0 ? STORE_MERGE_UPDATED :
		    STORE_MERGE_UNCHANGED;
	}
	rc = 0;
out:
	if (rc < 0) {
		store_tx_rollback(st);
		return rc;
	}
	if ((rc = store_tx_commit(st, err)) < 0)
		return rc;
	return outcome;
}

/* The contact of peer, created nameless if missing. */
static int
ensure_contact(struct store *st, const char *peer, int64_t *id,
    struct sms_err *err)
{
	int rc;

	if ((rc = owner(st, peer, id, NULL, 0, err)) != 0)
		return rc < 0 ? rc : 0;
	if ((rc = insert_contact(st, "", "", id, err)) < 0)
		return rc;
	rc = add_number(st, *id, peer, false, err);
	return rc < 0 ? rc : 0;
}

int
store_optout_set(struct store *st, const char *number, bool opted_out,
    int64_t at, struct sms_err *err)
{
	char peer[PHONE_MAX];
	sqlite3_stmt *s;
	int64_t id;
	int rc;

	if ((rc = store_number(st, number, peer, err)) < 0)
		return rc;
	if ((rc = store_tx_begin(st, err)) < 0)
		return rc;
	if (!opted_out) {
		/* START from a stranger: nothing to undo, no contact made. */
		if ((rc = owner(st, peer, &id, NULL, 0, err)) <= 0)
			goto out;
	} else if ((rc = ensure_contact(st, peer, &id, err)) < 0)
		goto out;
	if ((s = store_stmt(st, sql_optout, err)) == NULL) {
		rc = SMS_ESTORE;
		goto out;
	}
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int(s, 2, opted_out);
	sqlite3_bind_int64(s, 3, at > 0 ? at : store_now());
	rc = store_exec_stmt(st, s, err, _("updating contacts"));
out:
	if (rc < 0) {
		store_tx_rollback(st);
		return rc;
	}
	return store_tx_commit(st, err);
}

int
store_optout_get(struct store *st, const char *number, bool *opted_out,
    int64_t *at, struct sms_err *err)
{
	char peer[PHONE_MAX];
	int rc;

	*opted_out = false;
	if ((rc = store_number(st, number, peer, err)) < 0)
		return rc;
	if ((rc = store_optout_peer(st, peer, at, err)) < 0)
		return rc;
	*opted_out = rc == 1;
	return 0;
}

int
store_contact_has_tag(struct store *st, const char *number, const char *tag,
    struct sms_err *err)
{
	char peer[PHONE_MAX];
	sqlite3_stmt *s;
	int rc;

	if ((rc = store_number(st, number, peer, err)) < 0)
		return rc;
	if ((s = store_stmt(st, sql_has_tag, err)) == NULL)
		return SMS_ESTORE;
	store_bind_text(s, 1, peer);
	store_bind_text(s, 2, tag);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		rc = 1;
	else if (rc == SQLITE_DONE)
		rc = 0;
	else
		rc = store_sql_err(st, err, _("reading contacts"));
	sqlite3_reset(s);
	return rc;
}

int
store_contact_tag_number(struct store *st, const char *number,
    const char *tag, struct sms_err *err)
{
	char peer[PHONE_MAX];
	int64_t id;
	int rc;

	if ((rc = store_number(st, number, peer, err)) < 0)
		return rc;
	if ((rc = store_tx_begin(st, err)) < 0)
		return rc;
	if ((rc = ensure_contact(st, peer, &id, err)) < 0 ||
	    (rc = add_tag(st, id, tag, err)) < 0) {
		store_tx_rollback(st);
		return rc;
	}
	return store_tx_commit(st, err);
}
