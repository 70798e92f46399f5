#include "config.h"

#include "store/outbox.h"

#include <string.h>

#include "store/message.h"
#include "store/private.h"
#include "store/store.h"
#include "util/i18n.h"

static const char sql_claim_routed[] =
	"UPDATE messages SET state = 2, attempts = attempts + 1,"
	" backend = ?1, claimed_at = ?2, state_at = ?2"
	" WHERE id = (SELECT id FROM messages WHERE state = 1"
	"  AND route = ?1"
	"  AND not_before <= ?2 AND next_attempt_at <= ?2"
	"  ORDER BY id LIMIT 1)"
	" RETURNING id";

int
store_outbox_claim_routed(struct store *st, const char *backend,
    int64_t now, struct store_message *out, struct sms_err *err)
{
	sqlite3_stmt *s;
	int64_t id = 0;
	int rc;

	memset(out, 0, sizeof *out);
	if ((rc = store_tx_begin(st, err)) < 0)
		return rc;
	if ((s = store_stmt(st, sql_claim_routed, err)) == NULL) {
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
	if (store_tx_commit(st, err) < 0) {
		store_message_fini(out);
		return err != NULL ? err->code : SMS_ESTORE;
	}
	return rc;
}

static const char sql_retry_now[] =
	"UPDATE messages SET next_attempt_at = ?2"
	" WHERE state = 1 AND backend = ?1 AND next_attempt_at > ?2";

int
store_outbox_retry_now(struct store *st, const char *backend, int64_t now,
    int64_t *n, struct sms_err *err)
{
	sqlite3_stmt *s;
	int rc;

	if (n != NULL)
		*n = 0;
	if ((s = store_stmt(st, sql_retry_now, err)) == NULL)
		return SMS_ESTORE;
	store_bind_text(s, 1, backend);
	sqlite3_bind_int64(s, 2, now);
	if ((rc = store_exec_stmt(st, s, err, _("updating a message"))) < 0)
		return rc;
	if (n != NULL)
		*n = sqlite3_changes(st->db);
	return 0;
}
