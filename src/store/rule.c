#include "config.h"

#include "store/rule.h"

#include <stdlib.h>
#include <string.h>

#include "store/private.h"
#include "store/store.h"
#include "util/i18n.h"

#define RULE_COLUMNS \
	"id, name, position, enabled, match_kind, pattern, aliases, reply," \
	" hours, sender_tag, first_only, continue_after, cooldown," \
	" daily_cap, action_tag, action_assign, action_optout, created_at," \
	" updated_at, reply_command"

void
store_rule_fini(struct store_rule *r)
{
	if (r == NULL)
		return;
	free(r->name);
	free(r->match_kind);
	free(r->pattern);
	free(r->aliases);
	free(r->reply);
	free(r->reply_command);
	free(r->hours);
	free(r->sender_tag);
	free(r->action_tag);
	free(r->action_assign);
	memset(r, 0, sizeof *r);
}

void
store_rules_fini(struct store_rules *rs)
{
	size_t i;

	if (rs == NULL)
		return;
	for (i = 0; i < rs->n; i++)
		store_rule_fini(&rs->v[i]);
	free(rs->v);
	rs->v = NULL;
	rs->n = 0;
}

static int
row_read(sqlite3_stmt *s, struct store_rule *r, struct sms_err *err)
{
	bool oom = false;

	memset(r, 0, sizeof *r);
	r->id = sqlite3_column_int64(s, 0);
	r->name = store_col_strdup(s, 1, &oom);
	r->position = sqlite3_column_int(s, 2);
	r->enabled = sqlite3_column_int(s, 3) != 0;
	r->match_kind = store_col_strdup(s, 4, &oom);
	r->pattern = store_col_strdup(s, 5, &oom);
	r->aliases = store_col_strdup(s, 6, &oom);
	r->reply = store_col_strdup(s, 7, &oom);
	r->hours = store_col_strdup(s, 8, &oom);
	r->sender_tag = store_col_strdup(s, 9, &oom);
	r->first_only = sqlite3_column_int(s, 10) != 0;
	r->continue_after = sqlite3_column_int(s, 11) != 0;
	r->cooldown = sqlite3_column_int(s, 12);
	r->daily_cap = sqlite3_column_int(s, 13);
	r->action_tag = store_col_strdup(s, 14, &oom);
	r->action_assign = store_col_strdup(s, 15, &oom);
	r->action_optout = sqlite3_column_int(s, 16) != 0;
	r->created_at = sqlite3_column_int64(s, 17);
	r->updated_at = sqlite3_column_int64(s, 18);
	r->reply_command = store_col_strdup(s, 19, &oom);
	if (oom) {
		store_rule_fini(r);
		return store_oom(err);
	}
	return 0;
}

int
store_rule_list(struct store *st, struct store_rules *out,
    struct sms_err *err)
{
	static const char sql[] = "SELECT " RULE_COLUMNS
	    " FROM rules ORDER BY position, id";
	sqlite3_stmt *s;
	struct store_rule *v;
	size_t cap = 0;
	int rc;

	out->v = NULL;
	out->n = 0;
	if ((s = store_stmt(st, sql, err)) == NULL)
		return SMS_ESTORE;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (out->n == cap) {
			cap = cap ? cap * 2 : 16;
			if ((v = realloc(out->v, cap * sizeof *v)) == NULL) {
				rc = store_oom(err);
				goto fail;
			}
			out->v = v;
		}
		if ((rc = row_read(s, &out->v[out->n], err)) < 0)
			goto fail;
		out->n++;
	}
	if (rc != SQLITE_DONE) {
		rc = store_sql_err(st, err, "listing rules");
		goto fail;
	}
	sqlite3_reset(s);
	return 0;
fail:
	sqlite3_reset(s);
	store_rules_fini(out);
	return rc;
}

int
store_rule_get(struct store *st, int64_t id, struct store_rule *out,
    struct sms_err *err)
{
	static const char sql[] = "SELECT " RULE_COLUMNS
	    " FROM rules WHERE id = ?";
	sqlite3_stmt *s;
	int rc;

	memset(out, 0, sizeof *out);
	if ((s = store_stmt(st, sql, err)) == NULL)
		return SMS_ESTORE;
	sqlite3_bind_int64(s, 1, id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		rc = row_read(s, out, err);
	else if (rc == SQLITE_DONE)
		rc = sms_err_set(err, SMS_ENOENT, _("there is no rule %lld"),
		    (long long)id);
	else
		rc = store_sql_err(st, err, "reading a rule");
	sqlite3_reset(s);
	return rc;
}

/* Bind the editable fields at 1..15 in RULE_COLUMNS order (no id,
 * position, times). */
static void
bind_fields(sqlite3_stmt *s, const struct store_rule *r)
{
	store_bind_text(s, 1, r->name != NULL ? r->name : "");
	sqlite3_bind_int(s, 2, r->enabled);
	store_bind_text(s, 3, r->match_kind != NULL ? r->match_kind :
	    "keyword");
	store_bind_text(s, 4, r->pattern != NULL ? r->pattern : "");
	store_bind_text(s, 5, r->aliases != NULL ? r->aliases : "");
	store_bind_text(s, 6, r->reply);
	store_bind_text(s, 7, r->hours);
	store_bind_text(s, 8, r->sender_tag);
	sqlite3_bind_int(s, 9, r->first_only);
	sqlite3_bind_int(s, 10, r->continue_after);
	sqlite3_bind_int(s, 11, r->cooldown);
	sqlite3_bind_int(s, 12, r->daily_cap);
	store_bind_text(s, 13, r->action_tag);
	store_bind_text(s, 14, r->action_assign);
	sqlite3_bind_int(s, 15, r->action_optout);
	store_bind_text(s, 18, r->reply_command);
}

int
store_rule_add(struct store *st, const struct store_rule *r, int64_t *id,
    struct sms_err *err)
{
	static const char sql[] = "INSERT INTO rules (name, enabled,"
	    " match_kind, pattern, aliases, reply, hours, sender_tag,"
	    " first_only, continue_after, cooldown, daily_cap, action_tag,"
	    " action_assign, action_optout, position, created_at, updated_at,"
	    " reply_command)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13,"
	    " ?14, ?15, (SELECT coalesce(max(position), 0) + 1 FROM rules),"
	    " ?16, ?16, ?18)";
	sqlite3_stmt *s;
	int rc;

	st->rules_changes++;	/* even if it fails: read again */
	if ((s = store_stmt(st, sql, err)) == NULL)
		return SMS_ESTORE;
	bind_fields(s, r);
	sqlite3_bind_int64(s, 16, store_now());
	if ((rc = store_exec_stmt(st, s, err, "adding a rule")) < 0)
		return rc;
	if (id != NULL)
		*id = sqlite3_last_insert_rowid(st->db);
	return 0;
}

/* SMS_ENOENT with a sentence when the last statement changed no row. */
static int
changed_or_enoent(struct store *st, int64_t id, struct sms_err *err)
{
	if (sqlite3_changes(st->db) == 0)
		return sms_err_set(err, SMS_ENOENT, _("there is no rule %lld"),
		    (long long)id);
	return 0;
}

int
store_rule_update(struct store *st, const struct store_rule *r,
    struct sms_err *err)
{
	static const char sql[] = "UPDATE rules SET name = ?1, enabled = ?2,"
	    " match_kind = ?3, pattern = ?4, aliases = ?5, reply = ?6,"
	    " hours = ?7, sender_tag = ?8, first_only = ?9,"
	    " continue_after = ?10, cooldown = ?11, daily_cap = ?12,"
	    " action_tag = ?13, action_assign = ?14, action_optout = ?15,"
	    " updated_at = ?16, reply_command = ?18 WHERE id = ?17";
	sqlite3_stmt *s;
	int rc;

	st->rules_changes++;	/* even if it fails: read again */
	if ((s = store_stmt(st, sql, err)) == NULL)
		return SMS_ESTORE;
	bind_fields(s, r);
	sqlite3_bind_int64(s, 16, store_now());
	sqlite3_bind_int64(s, 17, r->id);
	if ((rc = store_exec_stmt(st, s, err, "changing a rule")) < 0)
		return rc;
	return changed_or_enoent(st, r->id, err);
}

/* Renumber positions 1..n in the current order. */
static int
renumber(struct store *st, struct sms_err *err)
{
	static const char sql[] = "UPDATE rules SET position = (SELECT count(*)"
	    " FROM rules AS o WHERE o.position < rules.position OR"
	    " (o.position = rules.position AND o.id <= rules.id))";
	sqlite3_stmt *s;

	if ((s = store_stmt(st, sql, err)) == NULL)
		return SMS_ESTORE;
	return store_exec_stmt(st, s, err, "ordering rules");
}

int
store_rule_remove(struct store *st, int64_t id, struct sms_err *err)
{
	static const char sql[] = "DELETE FROM rules WHERE id = ?";
	sqlite3_stmt *s;
	int rc;

	st->rules_changes++;	/* even if it fails: read again */
	if ((rc = store_tx_begin(st, err)) < 0)
		return rc;
	if ((s = store_stmt(st, sql, err)) == NULL) {
		rc = SMS_ESTORE;
		goto fail;
	}
	sqlite3_bind_int64(s, 1, id);
	if ((rc = store_exec_stmt(st, s, err, "removing a rule")) < 0 ||
	    (rc = changed_or_enoent(st, id, err)) < 0 ||
	    (rc = renumber(st, err)) < 0)
		goto fail;
	return store_tx_commit(st, err);
fail:
	store_tx_rollback(st);
	return rc;
}

int
store_rule_move(struct store *st, int64_t id, int position,
    struct sms_err *err)
{
	static const char count_sql[] = "SELECT count(*),"
	    " (SELECT position FROM rules WHERE id = ?) FROM rules";
	static const char shift_sql[] = "UPDATE rules SET position ="
	    " position + ?3 WHERE position BETWEEN ?1 AND ?2";
	static const char set_sql[] = "UPDATE rules SET position = ?1,"
	    " updated_at = ?3 WHERE id = ?2";
	sqlite3_stmt *s;
	int rc, n, old;

	st->rules_changes++;	/* even if it fails: read again */
	if ((rc = store_tx_begin(st, err)) < 0)
		return rc;
	if ((rc = renumber(st, err)) < 0)
		goto fail;
	if ((s = store_stmt(st, count_sql, err)) == NULL) {
		rc = SMS_ESTORE;
		goto fail;
	}
	sqlite3_bind_int64(s, 1, id);
	if (sqlite3_step(s) != SQLITE_ROW) {
		rc = store_sql_err(st, err, "ordering rules");
		sqlite3_reset(s);
		goto fail;
	}
	n = sqlite3_column_int(s, 0);
	if (sqlite3_column_type(s, 1) == SQLITE_NULL) {
		sqlite3_reset(s);
		rc = sms_err_set(err, SMS_ENOENT, _("there is no rule %lld"),
		    (long long)id);
		goto fail;
	}
	old = sqlite3_column_int(s, 1);
	sqlite3_reset(s);
	if (position < 1)
		position = 1;
	if (position > n)
		position = n;
	if (position != old) {
		if ((s = store_stmt(st, shift_sql, err)) == NULL) {
			rc = SMS_ESTORE;
			goto fail;
		}
		if (position < old) {
			sqlite3_bind_int(s, 1, position);
			sqlite3_bind_int(s, 2, old - 1);
			sqlite3_bind_int(s, 3, 1);
		} else {
			sqlite3_bind_int(s, 1, old + 1);
			sqlite3_bind_int(s, 2, position);
			sqlite3_bind_int(s, 3, -1);
		}
		if ((rc = store_exec_stmt(st, s, err, "ordering rules")) < 0)
			goto fail;
		if ((s = store_stmt(st, set_sql, err)) == NULL) {
			rc = SMS_ESTORE;
			goto fail;
		}
		sqlite3_bind_int(s, 1, position);
		sqlite3_bind_int64(s, 2, id);
		sqlite3_bind_int64(s, 3, store_now());
		if ((rc = store_exec_stmt(st, s, err, "ordering rules")) < 0)
			goto fail;
	}
	return store_tx_commit(st, err);
fail:
	store_tx_rollback(st);
	return rc;
}

int
store_rule_set_enabled(struct store *st, int64_t id, bool enabled,
    struct sms_err *err)
{
	static const char sql[] = "UPDATE rules SET enabled = ?1,"
	    " updated_at = ?3 WHERE id = ?2";
	sqlite3_stmt *s;
	int rc;

	st->rules_changes++;	/* even if it fails: read again */
	if ((s = store_stmt(st, sql, err)) == NULL)
		return SMS_ESTORE;
	sqlite3_bind_int(s, 1, enabled);
	sqlite3_bind_int64(s, 2, id);
	sqlite3_bind_int64(s, 3, store_now());
	if ((rc = store_exec_stmt(st, s, err, "changing a rule")) < 0)
		return rc;
	return changed_or_enoent(st, id, err);
}

int
store_rules_generation(struct store *st, int64_t *out, struct sms_err *err)
{
	static const char sql[] = "SELECT value FROM meta"
	    " WHERE key = 'rules_generation'";
	sqlite3_stmt *s;
	int64_t dv;
	int rc;

	*out = 0;
	/* The engine asks for every message: when no other connection
	 * committed and we changed no rule, it is what it was. */
	if ((rc = store_data_version(st, &dv, err)) < 0)
		return rc;
	if (st->rules_gen_known && dv == st->rules_gen_dv &&
	    st->rules_changes == st->rules_gen_changes) {
		*out = st->rules_gen;
		return 0;
	}
	if ((s = store_stmt(st, sql, err)) == NULL)
		return SMS_ESTORE;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*out = sqlite3_column_int64(s, 0);
		rc = 0;
	} else if (rc == SQLITE_DONE)
		rc = 0;
	else
		rc = store_sql_err(st, err, "reading the rules generation");
	sqlite3_reset(s);
	if (rc == 0) {
		st->rules_gen = *out;
		st->rules_gen_dv = dv;
		st->rules_gen_changes = st->rules_changes;
		st->rules_gen_known = true;
	}
	return rc;
}

int
store_rule_hit_add(struct store *st, int64_t rule_id, int64_t message_id,
    int64_t reply_id, const char *peer, const char *outcome,
    const char *detail, int64_t at, struct sms_err *err)
{
	static const char sql[] = "INSERT INTO rule_hits (rule_id,"
	    " message_id, reply_id, peer, outcome, detail, at)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?)";
	sqlite3_stmt *s;

	if ((s = store_stmt(st, sql, err)) == NULL)
		return SMS_ESTORE;
	sqlite3_bind_int64(s, 1, rule_id);
	if (message_id > 0)
		sqlite3_bind_int64(s, 2, message_id);
	if (reply_id > 0)
		sqlite3_bind_int64(s, 3, reply_id);
	store_bind_text(s, 4, peer);
	store_bind_text(s, 5, outcome);
	store_bind_text(s, 6, detail);
	sqlite3_bind_int64(s, 7, at != 0 ? at : store_now());
	return store_exec_stmt(st, s, err, "recording a rule hit");
}

int
store_rule_hit_resolve(struct store *st, int64_t rule_id,
    int64_t message_id, int64_t reply_id, const char *detail,
    struct sms_err *err)
{
	static const char sql[] = "UPDATE rule_hits SET reply_id = ?1,"
	    " detail = coalesce(?2, detail) WHERE rule_id = ?3"
	    " AND message_id = ?4";
	sqlite3_stmt *s;

	if ((s = store_stmt(st, sql, err)) == NULL)
		return SMS_ESTORE;
	if (reply_id > 0)
		sqlite3_bind_int64(s, 1, reply_id);
	store_bind_text(s, 2, detail);
	sqlite3_bind_int64(s, 3, rule_id);
	sqlite3_bind_int64(s, 4, message_id);
	return store_exec_stmt(st, s, err, "recording a rule hit");
}

int
store_rule_hits_count(struct store *st, const char *peer, int64_t rule_id,
    int64_t since, int64_t *last, struct sms_err *err)
{
	static const char any_sql[] = "SELECT count(*), coalesce(max(at), 0)"
	    " FROM rule_hits WHERE peer = ?1 AND at >= ?2"
	    " AND outcome = 'fired'";
	static const char one_sql[] = "SELECT count(*), coalesce(max(at), 0)"
	    " FROM rule_hits WHERE peer = ?1 AND at >= ?2 AND rule_id = ?3"
	    " AND outcome = 'fired'";
	sqlite3_stmt *s;
	int rc;

	if (last != NULL)
		*last = 0;
	if ((s = store_stmt(st, rule_id > 0 ? one_sql : any_sql, err)) ==
	    NULL)
		return SMS_ESTORE;
	store_bind_text(s, 1, peer);
	sqlite3_bind_int64(s, 2, since);
	if (rule_id > 0)
		sqlite3_bind_int64(s, 3, rule_id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		rc = sqlite3_column_int(s, 0);
		if (last != NULL)
			*last = sqlite3_column_int64(s, 1);
	} else
		rc = store_sql_err(st, err, "counting rule hits");
	sqlite3_reset(s);
	return rc;
}

void
store_rule_stats_fini(struct store_rule_stats *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->n; i++)
		free(s->v[i].name);
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

int
store_rule_stats(struct store *st, int64_t since,
    struct store_rule_stats *out, struct sms_err *err)
{
	static const char sql[] = "SELECT r.id, r.name,"
	    " count(CASE WHEN h.outcome = 'fired' THEN 1 END),"
	    " count(CASE WHEN h.outcome != 'fired' THEN 1 END)"
	    " FROM rules AS r LEFT JOIN rule_hits AS h"
	    " ON h.rule_id = r.id AND h.at >= ?"
	    " GROUP BY r.id ORDER BY r.position, r.id";
	sqlite3_stmt *s;
	struct store_rule_stat *v;
	size_t cap = 0;
	bool oom = false;
	int rc;

	out->v = NULL;
	out->n = 0;
	if ((s = store_stmt(st, sql, err)) == NULL)
		return SMS_ESTORE;
	sqlite3_bind_int64(s, 1, since);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (out->n == cap) {
			cap = cap ? cap * 2 : 16;
			if ((v = realloc(out->v, cap * sizeof *v)) == NULL) {
				oom = true;
				break;
			}
			out->v = v;
		}
		v = &out->v[out->n++];
		v->rule_id = sqlite3_column_int64(s, 0);
		v->name = store_col_strdup(s, 1, &oom);
		v->fired = sqlite3_column_int64(s, 2);
		v->held = sqlite3_column_int64(s, 3);
	}
	if (oom)
		rc = store_oom(err);
	else if (rc != SQLITE_DONE)
		rc = store_sql_err(st, err, "counting rule hits");
	else
		rc = 0;
	sqlite3_reset(s);
	if (rc < 0)
		store_rule_stats_fini(out);
	return rc;
}
