#include "config.h"

#include "store/schema.h"

#include <stdio.h>

#include "store/private.h"
#include "store/store.h"
#include "util/i18n.h"
#include "util/msg.h"

/*
 * Version 1: the first schema.  Message states and directions are stored as
 * the integers of enum msg_state / enum msg_dir (util/msg.h); the partial
 * indexes below name MSG_QUEUED (1) and MSG_SENDING (2) literally.
 */
static const char v1[] =
	"CREATE TABLE meta ("
	"  key TEXT PRIMARY KEY,"
	"  value INTEGER NOT NULL"
	") WITHOUT ROWID;"
	"INSERT INTO meta (key, value) VALUES ('rules_generation', 0);"

	"CREATE TABLE contacts ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL DEFAULT '',"
	"  notes TEXT NOT NULL DEFAULT '',"
	"  opted_out INTEGER NOT NULL DEFAULT 0,"
	"  opted_out_at INTEGER,"
	"  created_at INTEGER NOT NULL,"
	"  updated_at INTEGER NOT NULL"
	");"
	"CREATE INDEX contacts_name ON contacts (name COLLATE NOCASE, id);"
	"CREATE TABLE contact_numbers ("
	"  number TEXT PRIMARY KEY,"
	"  contact_id INTEGER NOT NULL"
	"    REFERENCES contacts (id) ON DELETE CASCADE,"
	"  raw TEXT NOT NULL,"
	"  label TEXT NOT NULL DEFAULT '',"
	"  position INTEGER NOT NULL DEFAULT 0"
	");"
	"CREATE INDEX contact_numbers_contact"
	"  ON contact_numbers (contact_id, position);"
	"CREATE TABLE contact_tags ("
	"  contact_id INTEGER NOT NULL"
	"    REFERENCES contacts (id) ON DELETE CASCADE,"
	"  tag TEXT NOT NULL,"
	"  PRIMARY KEY (contact_id, tag)"
	") WITHOUT ROWID;"
	"CREATE INDEX contact_tags_tag ON contact_tags (tag, contact_id);"
	"CREATE VIRTUAL TABLE contact_fts USING fts5 (name,"
	"  content = 'contacts', content_rowid = 'id',"
	"  tokenize = 'unicode61 remove_diacritics 2');"
	"CREATE TRIGGER contacts_ai AFTER INSERT ON contacts BEGIN"
	"  INSERT INTO contact_fts (rowid, name) VALUES (new.id, new.name);"
	"END;"
	"CREATE TRIGGER contacts_ad AFTER DELETE ON contacts BEGIN"
	"  INSERT INTO contact_fts (contact_fts, rowid, name)"
	"    VALUES ('delete', old.id, old.name);"
	"END;"
	"CREATE TRIGGER contacts_au AFTER UPDATE OF name ON contacts BEGIN"
	"  INSERT INTO contact_fts (contact_fts, rowid, name)"
	"    VALUES ('delete', old.id, old.name);"
	"  INSERT INTO contact_fts (rowid, name) VALUES (new.id, new.name);"
	"END;"

	"CREATE TABLE threads ("
	"  id INTEGER PRIMARY KEY,"
	"  peer TEXT NOT NULL UNIQUE,"
	"  peer_raw TEXT NOT NULL,"
	"  contact_id INTEGER REFERENCES contacts (id) ON DELETE SET NULL,"
	"  unread INTEGER NOT NULL DEFAULT 0,"
	"  archived INTEGER NOT NULL DEFAULT 0,"
	"  assigned TEXT,"
	"  last_activity INTEGER NOT NULL DEFAULT 0,"
	"  last_message_id INTEGER NOT NULL DEFAULT 0,"
	"  created_at INTEGER NOT NULL"
	");"
	"CREATE INDEX threads_inbox"
	"  ON threads (archived, last_activity DESC, id DESC);"
	"CREATE INDEX threads_all ON threads (last_activity DESC, id DESC);"
	"CREATE INDEX threads_unread ON threads (last_activity DESC, id DESC)"
	"  WHERE unread > 0 AND archived = 0;"
	"CREATE INDEX threads_assigned"
	"  ON threads (assigned, last_activity DESC, id DESC)"
	"  WHERE assigned IS NOT NULL;"
	"CREATE INDEX threads_contact ON threads (contact_id);"

	"CREATE TABLE messages ("
	"  id INTEGER PRIMARY KEY,"
	"  thread_id INTEGER NOT NULL"
	"    REFERENCES threads (id) ON DELETE CASCADE,"
	"  direction INTEGER NOT NULL,"
	"  state INTEGER NOT NULL,"
	"  body TEXT NOT NULL,"
	"  encoding TEXT,"
	"  segments INTEGER NOT NULL DEFAULT 0,"
	"  our_number TEXT,"
	"  route TEXT,"
	"  backend TEXT,"
	"  remote_ref TEXT,"
	"  dedup_key TEXT,"
	"  error_code INTEGER NOT NULL DEFAULT 0,"
	"  error_text TEXT,"
	"  author TEXT,"
	"  report INTEGER NOT NULL DEFAULT 0,"
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	"  not_before INTEGER NOT NULL DEFAULT 0,"
	"  next_attempt_at INTEGER NOT NULL DEFAULT 0,"
	"  created_at INTEGER NOT NULL,"
	"  remote_at INTEGER,"
	"  claimed_at INTEGER,"
	"  submitted_at INTEGER,"
	"  sent_at INTEGER,"
	"  delivered_at INTEGER,"
	"  read_at INTEGER,"
	"  state_at INTEGER"
	");"
	"CREATE INDEX messages_thread ON messages (thread_id, id);"
	"CREATE UNIQUE INDEX messages_dedup ON messages (dedup_key)"
	"  WHERE dedup_key IS NOT NULL;"
	"CREATE INDEX messages_ref ON messages (backend, remote_ref)"
	"  WHERE remote_ref IS NOT NULL;"
	"CREATE INDEX messages_queued ON messages (id) WHERE state = 1;"
	"CREATE INDEX messages_sending ON messages (id) WHERE state = 2;"
	"CREATE VIRTUAL TABLE message_fts USING fts5 (body,"
	"  content = 'messages', content_rowid = 'id',"
	"  tokenize = 'unicode61 remove_diacritics 2');"
	/* The thread's summary follows its messages, whoever inserts. */
	"CREATE TRIGGER messages_ai AFTER INSERT ON messages BEGIN"
	"  INSERT INTO message_fts (rowid, body) VALUES (new.id, new.body);"
	"  UPDATE threads SET"
	"    last_activity = max(last_activity, new.created_at),"
	"    last_message_id = new.id,"
	"    unread = unread + (new.direction = 0),"
	"    archived = CASE WHEN new.direction = 0 THEN 0 ELSE archived END"
	"  WHERE id = new.thread_id;"
	"END;"
	"CREATE TRIGGER messages_ad AFTER DELETE ON messages BEGIN"
	"  INSERT INTO message_fts (message_fts, rowid, body)"
	"    VALUES ('delete', old.id, old.body);"
	"END;"
	"CREATE TRIGGER messages_au AFTER UPDATE OF body ON messages BEGIN"
	"  INSERT INTO message_fts (message_fts, rowid, body)"
	"    VALUES ('delete', old.id, old.body);"
	"  INSERT INTO message_fts (rowid, body) VALUES (new.id, new.body);"
	"END;"

	"CREATE TABLE fragments ("
	"  key TEXT NOT NULL,"
	"  seq INTEGER NOT NULL,"
	"  total INTEGER NOT NULL,"
	"  backend TEXT,"
	"  sender TEXT NOT NULL,"
	"  our_number TEXT,"
	"  body TEXT NOT NULL,"
	"  encoding TEXT,"
	"  remote_at INTEGER,"
	"  received_at INTEGER NOT NULL,"
	"  PRIMARY KEY (key, seq)"
	") WITHOUT ROWID;"
	"CREATE INDEX fragments_received ON fragments (received_at);"

	"CREATE TABLE rules ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL DEFAULT '',"
	"  position INTEGER NOT NULL DEFAULT 0,"
	"  enabled INTEGER NOT NULL DEFAULT 1,"
	"  match_kind TEXT NOT NULL DEFAULT 'keyword' CHECK (match_kind IN"
	"    ('keyword', 'exact', 'prefix', 'contains', 'regex', 'any')),"
	"  pattern TEXT NOT NULL DEFAULT '',"
	"  aliases TEXT NOT NULL DEFAULT '',"
	"  reply TEXT,"
	"  hours TEXT,"
	"  sender_tag TEXT,"
	"  first_only INTEGER NOT NULL DEFAULT 0,"
	"  continue_after INTEGER NOT NULL DEFAULT 0,"
	"  cooldown INTEGER NOT NULL DEFAULT 0,"
	"  daily_cap INTEGER NOT NULL DEFAULT 0,"
	"  action_tag TEXT,"
	"  action_assign TEXT,"
	"  action_optout INTEGER NOT NULL DEFAULT 0,"
	"  created_at INTEGER NOT NULL,"
	"  updated_at INTEGER NOT NULL"
	");"
	"CREATE INDEX rules_position ON rules (position, id);"
	"CREATE TABLE rule_hits ("
	"  id INTEGER PRIMARY KEY,"
	"  rule_id INTEGER NOT NULL REFERENCES rules (id) ON DELETE CASCADE,"
	"  message_id INTEGER REFERENCES messages (id) ON DELETE SET NULL,"
	"  reply_id INTEGER REFERENCES messages (id) ON DELETE SET NULL,"
	"  peer TEXT NOT NULL,"
	"  outcome TEXT NOT NULL,"
	"  detail TEXT,"
	"  at INTEGER NOT NULL"
	");"
	"CREATE INDEX rule_hits_peer ON rule_hits (peer, rule_id, at);"
	"CREATE INDEX rule_hits_rule ON rule_hits (rule_id, at);"
	"CREATE INDEX rule_hits_message ON rule_hits (message_id);"
	"CREATE INDEX rule_hits_reply ON rule_hits (reply_id);"
	/* Any change to the rules bumps a counter the engine polls. */
	"CREATE TRIGGER rules_ai AFTER INSERT ON rules BEGIN"
	"  UPDATE meta SET value = value + 1 WHERE key = 'rules_generation';"
	"END;"
	"CREATE TRIGGER rules_au AFTER UPDATE ON rules BEGIN"
	"  UPDATE meta SET value = value + 1 WHERE key = 'rules_generation';"
	"END;"
	"CREATE TRIGGER rules_ad AFTER DELETE ON rules BEGIN"
	"  UPDATE meta SET value = value + 1 WHERE key = 'rules_generation';"
	"END;"

	"CREATE TABLE backend_events ("
	"  id INTEGER PRIMARY KEY,"
	"  backend TEXT NOT NULL,"
	"  at INTEGER NOT NULL,"
	"  state TEXT NOT NULL,"
	"  up INTEGER NOT NULL,"
	"  detail TEXT"
	");"
	"CREATE INDEX backend_events_at ON backend_events (backend, at);";

/*
 * Version 2: the parts of a multi-part outgoing message, each with the
 * reference its status report will carry (a modem's TP-MR), so a report
 * finds its message after a restart and the message is delivered only
 * once every part is.  Messages in flight keep their parts: the
 * comma-joined remote_ref ("12,13,14") is split here.
 */
static const char v2[] =
	"CREATE TABLE message_parts ("
	"  message_id INTEGER NOT NULL"
	"    REFERENCES messages (id) ON DELETE CASCADE,"
	"  seq INTEGER NOT NULL,"
	"  backend TEXT NOT NULL,"
	"  remote_ref TEXT NOT NULL,"
	"  state INTEGER NOT NULL,"
	"  state_at INTEGER,"
	"  PRIMARY KEY (message_id, seq)"
	") WITHOUT ROWID;"
	"CREATE INDEX message_parts_ref"
	"  ON message_parts (backend, remote_ref, message_id);"
	"WITH RECURSIVE split (id, backend, seq, ref, rest) AS ("
	"  SELECT id, backend, 0, '', remote_ref || ',' FROM messages"
	"  WHERE direction = 1 AND state IN (3, 4) AND backend IS NOT NULL"
	"  AND instr(remote_ref, ',') > 0"
	"  UNION ALL"
	"  SELECT id, backend, seq + 1, substr(rest, 1, instr(rest, ',') - 1),"
	"  substr(rest, instr(rest, ',') + 1) FROM split WHERE rest <> ''"
	")"
	"INSERT INTO message_parts (message_id, seq, backend, remote_ref, state)"
	"  SELECT id, seq, backend, ref, 3 FROM split WHERE seq > 0;";

/*
 * Version 3: a rule may reply with a command's output (argv written as a
 * command line, run without a shell; see engine/hooks.h).  The column
 * changes no rule, so no trigger bumps the generation for it.
 */
static const char v3[] =
	"ALTER TABLE rules ADD COLUMN reply_command TEXT;";

/* steps[i] takes a store from version i to version i + 1. */
static const char *const steps[] = {
	v1,
	v2,
	v3,
};

_Static_assert(sizeof steps / sizeof steps[0] == STORE_SCHEMA_VERSION,
    "one migration step per schema version");
_Static_assert(MSG_QUEUED == 1 && MSG_SENDING == 2 && MSG_IN == 0 &&
    MSG_SUBMITTED == 3 && MSG_SENT == 4 && MSG_OUT == 1,
    "the schema's partial indexes and steps name these values");

static int
user_version(struct store *st, int *out, struct sms_err *err)
{
	sqlite3_stmt *s;
	int rc;

	if ((s = store_stmt(st, "PRAGMA user_version", err)) == NULL)
		return SMS_ESTORE;
	rc = sqlite3_step(s);
	if (rc != SQLITE_ROW) {
		rc = store_sql_err(st, err, "PRAGMA user_version");
		sqlite3_reset(s);
		return rc;
	}
	*out = sqlite3_column_int(s, 0);
	sqlite3_reset(s);
	return 0;
}

int
schema_migrate_to(struct store *st, int target, struct sms_err *err)
{
	char sql[64];
	int version = 0, rc, i;

	if (target < 0 || target > STORE_SCHEMA_VERSION)
		return sms_err_set(err, SMS_EINVAL,
		    "schema: no version %d", target);
	if ((rc = store_tx_begin(st, err)) < 0)
		return rc;
	if ((rc = user_version(st, &version, err)) < 0)
		goto out;
	if (version > STORE_SCHEMA_VERSION) {
		rc = sms_err_set(err, SMS_EVERSION,
		    _("%s was written by a newer sms-inbox (schema version "
		    "%d; this one knows up to %d): upgrade sms-inbox"),
		    store_path(st), version, STORE_SCHEMA_VERSION);
		goto out;
	}
	for (i = version; i < target; i++) {
		if ((rc = store_exec(st, steps[i], err)) < 0) {
			sms_err_prefix(err, _("upgrading %s to schema "
			    "version %d"), store_path(st), i + 1);
			goto out;
		}
	}
	if (target > version) {
		/* A PRAGMA takes no parameters; the number is ours. */
		snprintf(sql, sizeof sql, "PRAGMA user_version = %d", target);
		if ((rc = store_exec(st, sql, err)) < 0)
			goto out;
	}
	rc = 0;
out:
	if (rc < 0) {
		store_tx_rollback(st);
		return rc;
	}
	return store_tx_commit(st, err);
}

int
schema_migrate(struct store *st, struct sms_err *err)
{
	return schema_migrate_to(st, STORE_SCHEMA_VERSION, err);
}
