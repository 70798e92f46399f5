/* Tests for store/: a real SQLite file in a temporary directory. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "store/contact.h"
#include "store/event.h"
#include "store/fragment.h"
#include "store/message.h"
#include "store/rule.h"
#include "store/schema.h"
#include "store/search.h"
#include "store/store.h"
#include "store/thread.h"
#include "util/err.h"
#include "util/msg.h"

struct fixture {
	char dir[64];
	char path[128];
	struct store *st;
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	struct store_opts opts = { 0, "HU", false, 0 };
	struct sms_err err;

	snprintf(f->dir, sizeof f->dir, "/tmp/test-store.XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	snprintf(f->path, sizeof f->path, "%s/sub/inbox.db", f->dir);
	if (store_open(&f->st, f->path, &opts, &err) < 0) {
		fprintf(stderr, "%s\n", err.msg);
		return -1;
	}
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[160];

	store_close(f->st);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

static int64_t
inbound(struct store *st, const char *from, const char *body, int64_t at)
{
	struct store_inbound in;
	int64_t id = 0;

	memset(&in, 0, sizeof in);
	in.backend = "dongle";
	in.from = from;
	in.body = body;
	in.remote_at = at;
	in.received_at = at;
	assert_int_equal(store_message_insert_inbound(st, &in, &id, NULL), 1);
	return id;
}

static int64_t
queue(struct store *st, const char *to, const char *body)
{
	struct store_outgoing m;
	int64_t id = 0;
	struct sms_err err;

	memset(&m, 0, sizeof m);
	m.to = to;
	m.body = body;
	m.author = "anna";
	if (store_message_queue(st, &m, &id, &err) < 0)
		fail_msg("queue: %s", err.msg);
	return id;
}

static void
test_store_open_private(void **state)
{
	struct fixture *f = *state;
	struct stat sb;
	char dir[160];

	assert_int_equal(stat(f->path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	snprintf(dir, sizeof dir, "%s/sub", f->dir);
	assert_int_equal(stat(dir, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0700);
	assert_int_equal(store_schema_version(f->st, NULL),
	    STORE_SCHEMA_VERSION);
	assert_string_equal(store_country(f->st), "HU");
}

static void
test_store_open_errors(void **state)
{
	struct fixture *f = *state;
	struct store_opts opts = { 0, NULL, true, 0 };
	struct store *st = NULL;
	struct sms_err err;
	char path[160];

	assert_int_equal(store_open(&st, NULL, NULL, &err), SMS_EINVAL);
	assert_int_equal(store_open(&st, "", NULL, &err), SMS_EINVAL);
	snprintf(path, sizeof path, "%s/absent.db", f->dir);
	assert_int_equal(store_open(&st, path, &opts, &err), SMS_ENOENT);
	assert_null(st);
	assert_non_null(strstr(err.msg, "absent.db"));
	store_close(NULL);
}

static void
test_store_newer_version_refused(void **state)
{
	struct fixture *f = *state;
	struct store *st = NULL;
	struct sms_err err;
	sqlite3 *db;
	char path[160];

	snprintf(path, sizeof path, "%s/newer.db", f->dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 999", NULL,
	    NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(store_open(&st, path, NULL, &err), SMS_EVERSION);
	assert_non_null(strstr(err.msg, "newer"));
	assert_null(st);
}

/* Each earlier version (a file migrated only that far, with a row in
 * it) upgrades on open and keeps its rows. */
static void
test_store_migrates_every_version(void **state)
{
	struct fixture *f = *state;
	struct store_opts opts = { 0, "HU", false, 0 };
	struct store *st;
	int64_t tid;
	sqlite3 *db;
	char path[160];
	int v;

	for (v = 0; v < STORE_SCHEMA_VERSION; v++) {
		snprintf(path, sizeof path, "%s/v%d.db", f->dir, v);
		assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
		sqlite3_close(db);
		if (v > 0) {
			opts.upgrade_to = v;
			assert_int_equal(store_open(&st, path, &opts, NULL),
			    0);
			assert_int_equal(store_schema_version(st, NULL), v);
			store_close(st);
			assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
			assert_int_equal(sqlite3_exec(db, "INSERT INTO threads"
			    " (peer, peer_raw, created_at) VALUES"
			    " ('+36301234567', '06301234567', 1)", NULL, NULL,
			    NULL), SQLITE_OK);
			sqlite3_close(db);
		}
		opts.upgrade_to = 0;
		assert_int_equal(store_open(&st, path, &opts, NULL), 0);
		assert_int_equal(store_schema_version(st, NULL),
		    STORE_SCHEMA_VERSION);
		if (v > 0)
			assert_int_equal(store_thread_find(st, "06301234567",
			    &tid, NULL), 0);
		queue(st, "+36301234567", "after the upgrade");
		store_close(st);
	}
}

static void
test_store_queue_claim_states(void **state)
{
	struct fixture *f = *state;
	struct store_message m;
	struct store_messages sending;
	int64_t id, when;
	struct sms_err err;

	id = queue(f->st, "06 30 123 4567", "Hello");
	assert_int_equal(store_message_next_due(f->st, "dongle", &when, NULL),
	    0);
	assert_true(when >= 0);
	assert_int_equal(store_message_claim(f->st, "dongle", 2000000000, &m,
	    &err), 1);
	assert_int_equal(m.id, id);
	assert_int_equal(m.state, MSG_SENDING);
	assert_int_equal(m.attempts, 1);
	assert_string_equal(m.peer, "+36301234567");
	assert_string_equal(m.backend, "dongle");
	assert_string_equal(m.author, "anna");
	store_message_fini(&m);
	/* Nothing else is due. */
	assert_int_equal(store_message_claim(f->st, "dongle", 2000000000, &m,
	    NULL), 0);
	assert_int_equal(store_message_list_sending(f->st, "dongle", &sending,
	    NULL), 0);
	assert_int_equal(sending.n, 1);
	assert_int_equal(sending.v[0].id, id);
	store_messages_fini(&sending);
	/* A transient error, then a retry at a later time. */
	assert_int_equal(store_message_requeue(f->st, id, 2000000100, 42,
	    "modem busy", NULL), 1);
	assert_int_equal(store_message_claim(f->st, "dongle", 2000000050, &m,
	    NULL), 0);
	assert_int_equal(store_message_claim(f->st, "dongle", 2000000100, &m,
	    NULL), 1);
	assert_int_equal(m.attempts, 2);
	store_message_fini(&m);
	assert_int_equal(store_message_submitted(f->st, id, "17", 0, NULL), 1);
	assert_int_equal(store_message_set_state_by_ref(f->st, "dongle", "17",
	    MSG_DELIVERED, 0, NULL, 2000000200, NULL, NULL), 1);
	/* A late "sent" never overwrites "delivered". */
	assert_int_equal(store_message_set_state(f->st, id, MSG_SENT, 0, NULL,
	    0, NULL), 0);
	assert_int_equal(store_message_get(f->st, id, &m, NULL), 0);
	assert_int_equal(m.state, MSG_DELIVERED);
	assert_int_equal(m.delivered_at, 2000000200);
	assert_string_equal(m.remote_ref, "17");
	store_message_fini(&m);
	assert_int_equal(store_message_set_state_by_ref(f->st, "dongle", "99",
	    MSG_DELIVERED, 0, NULL, 0, NULL, &err), SMS_ENOENT);
	assert_int_equal(store_message_set_state(f->st, 987654, MSG_SENT, 0,
	    NULL, 0, &err), SMS_ENOENT);
}

static void
test_store_fail_route_schedule(void **state)
{
	struct fixture *f = *state;
	struct store_outgoing o;
	struct store_message m;
	int64_t id, q, s;

	memset(&o, 0, sizeof o);
	o.to = "+36301234567";
	o.body = "via twilio";
	o.route = "twilio";
	o.not_before = 2000000500;
	o.report = true;
	assert_int_equal(store_message_queue(f->st, &o, &id, NULL), 0);
	assert_int_equal(store_queue_depth(f->st, "twilio", &q, &s, NULL), 0);
	assert_int_equal(q, 1);
	assert_int_equal(store_queue_depth(f->st, "dongle", &q, &s, NULL), 0);
	assert_int_equal(q, 0);
	assert_int_equal(store_message_claim(f->st, "twilio", 2000000000, &m,
	    NULL), 0);
	assert_int_equal(store_message_claim(f->st, "dongle", 2000000600, &m,
	    NULL), 0);
	assert_int_equal(store_message_claim(f->st, "twilio", 2000000600, &m,
	    NULL), 1);
	assert_true(m.report);
	store_message_fini(&m);
	assert_int_equal(store_message_fail(f->st, id, 21211,
	    "The number is not a mobile number.", 0, NULL), 1);
	assert_int_equal(store_message_get(f->st, id, &m, NULL), 0);
	assert_int_equal(m.state, MSG_FAILED);
	assert_int_equal(m.error_code, 21211);
	assert_string_equal(m.error_text,
	    "The number is not a mobile number.");
	store_message_fini(&m);
	assert_int_equal(store_message_cancel(f->st, id, NULL), 0);
}

static void
test_store_queue_refusals(void **state)
{
	struct fixture *f = *state;
	struct store_outgoing o;
	struct sms_err err;

	memset(&o, 0, sizeof o);
	o.to = "Bank";
	o.body = "hi";
	assert_int_equal(store_message_queue(f->st, &o, NULL, &err),
	    SMS_EDATA);
	assert_non_null(strstr(err.msg, "Bank"));
	o.to = "+36301234567";
	o.body = "";
	assert_int_equal(store_message_queue(f->st, &o, NULL, &err),
	    SMS_EDATA);
	o.body = "hi";
	assert_int_equal(store_optout_set(f->st, "06301234567", true, 0,
	    NULL), 0);
	assert_int_equal(store_message_queue(f->st, &o, NULL, &err),
	    SMS_EOPTOUT);
	assert_non_null(strstr(err.msg, "+36301234567"));
	o.to_opted_out = true;
	assert_int_equal(store_message_queue(f->st, &o, NULL, &err), 0);
}

static void
test_store_inbound_idempotent(void **state)
{
	struct fixture *f = *state;
	struct store_inbound in;
	struct store_thread t;
	int64_t id1, id2, tid;

	memset(&in, 0, sizeof in);
	in.backend = "twilio";
	in.from = "+36301234567";
	in.body = "hello";
	in.remote_id = "SM123";
	assert_int_equal(store_message_insert_inbound(f->st, &in, &id1, NULL),
	    1);
	assert_int_equal(store_message_insert_inbound(f->st, &in, &id2, NULL),
	    0);
	assert_int_equal(id1, id2);
	/* The modem key: sender + SC timestamp + concat + body. */
	memset(&in, 0, sizeof in);
	in.backend = "dongle";
	in.from = "06301234567";
	in.body = "part";
	in.remote_at = 1700000000;
	in.concat_ref = 7;
	in.concat_total = 2;
	in.concat_seq = 1;
	assert_int_equal(store_message_insert_inbound(f->st, &in, &id1, NULL),
	    1);
	assert_int_equal(store_message_insert_inbound(f->st, &in, &id2, NULL),
	    0);
	assert_int_equal(id1, id2);
	in.concat_seq = 2;
	assert_int_equal(store_message_insert_inbound(f->st, &in, &id2, NULL),
	    1);
	in.body = "other";
	assert_int_equal(store_message_insert_inbound(f->st, &in, &id2, NULL),
	    1);
	/* All in one thread, 4 unread. */
	assert_int_equal(store_thread_find(f->st, "06 30 123 4567", &tid,
	    NULL), 0);
	assert_int_equal(store_thread_get(f->st, tid, &t, NULL), 0);
	assert_int_equal(t.unread, 4);
	assert_string_equal(t.peer, "+36301234567");
	assert_string_equal(t.last_body, "other");
	store_thread_fini(&t);
	/* Alphanumeric senders stay as they are. */
	in.from = "Bank";
	in.remote_at = 0;
	assert_int_equal(store_message_insert_inbound(f->st, &in, &id2, NULL),
	    1);
	assert_int_equal(store_thread_find(f->st, "Bank", &tid, NULL), 0);
}

static void
test_store_thread_page_keyset(void **state)
{
	struct fixture *f = *state;
	struct store_thread_query q;
	struct store_threads page;
	struct store_thread t;
	char num[32];
	int64_t seen[30], tid;
	size_t total = 0, i;
	int n;

	for (n = 0; n < 30; n++) {
		snprintf(num, sizeof num, "+3630%07d", n);
		inbound(f->st, num, "hi", 1700000000 + n);
	}
	memset(&q, 0, sizeof q);
	q.limit = 7;
	for (;;) {
		assert_int_equal(store_thread_page(f->st, &q, &page, NULL), 0);
		if (page.n == 0)
			break;
		for (i = 0; i < page.n; i++) {
			assert_true(total < 30);
			seen[total++] = page.v[i].id;
			if (total > 1)
				assert_true(seen[total - 1] <
				    seen[total - 2]);
		}
		q.after_activity = page.v[page.n - 1].last_activity;
		q.after_id = page.v[page.n - 1].id;
		store_threads_fini(&page);
	}
	assert_int_equal(total, 30);
	/* Filters: read one, archive one, assign one. */
	assert_int_equal(store_thread_find(f->st, "+36300000029", &tid, NULL),
	    0);
	assert_int_equal(store_thread_mark_read(f->st, tid, 0, NULL), 0);
	memset(&q, 0, sizeof q);
	q.filter = STORE_THREADS_UNREAD;
	assert_int_equal(store_thread_page(f->st, &q, &page, NULL), 0);
	assert_int_equal(page.n, 29);
	assert_true(page.v[0].id != tid);
	store_threads_fini(&page);
	assert_int_equal(store_thread_set_archived(f->st, tid, true, NULL), 0);
	q.filter = STORE_THREADS_ARCHIVED;
	assert_int_equal(store_thread_page(f->st, &q, &page, NULL), 0);
	assert_int_equal(page.n, 1);
	assert_int_equal(page.v[0].id, tid);
	store_threads_fini(&page);
	assert_int_equal(store_thread_assign(f->st, tid, "bela", NULL), 0);
	q.filter = STORE_THREADS_ASSIGNED;
	q.assigned = "bela";
	assert_int_equal(store_thread_page(f->st, &q, &page, NULL), 0);
	assert_int_equal(page.n, 1);
	assert_string_equal(page.v[0].assigned, "bela");
	store_threads_fini(&page);
	/* A new inbound message brings an archived thread back. */
	inbound(f->st, "+36300000029", "again", 1700000100);
	q.filter = STORE_THREADS_INBOX;
	q.limit = 1;
	assert_int_equal(store_thread_page(f->st, &q, &page, NULL), 0);
	assert_int_equal(page.v[0].id, tid);
	assert_false(page.v[0].archived);
	assert_int_equal(page.v[0].unread, 1);
	store_threads_fini(&page);
	assert_int_equal(store_thread_mark_unread(f->st, tid, NULL), 0);
	assert_int_equal(store_thread_delete(f->st, tid, NULL), 0);
	assert_int_equal(store_thread_delete(f->st, tid, NULL), SMS_ENOENT);
	assert_int_equal(store_thread_get(f->st, tid, &t, NULL), SMS_ENOENT);
}

static void
test_store_conversation_pages(void **state)
{
	struct fixture *f = *state;
	struct store_messages page;
	char body[32];
	int64_t tid, before = 0, last = INT64_MAX;
	size_t total = 0, i;
	int n;

	for (n = 0; n < 25; n++) {
		snprintf(body, sizeof body, "message %d", n);
		if (n % 2)
			queue(f->st, "+36301234567", body);
		else
			inbound(f->st, "+36301234567", body, 1700000000 + n);
	}
	assert_int_equal(store_thread_find(f->st, "+36301234567", &tid, NULL),
	    0);
	for (;;) {
		assert_int_equal(store_message_page(f->st, tid, before, 10,
		    &page, NULL), 0);
		if (page.n == 0)
			break;
		/* Oldest first within the page, pages going back. */
		for (i = 1; i < page.n; i++)
			assert_true(page.v[i].id > page.v[i - 1].id);
		assert_true(page.v[page.n - 1].id < last);
		last = page.v[0].id;
		if (total == 0)
			assert_string_equal(page.v[page.n - 1].body,
			    "message 24");
		total += page.n;
		before = page.v[0].id;
		store_messages_fini(&page);
	}
	assert_int_equal(total, 25);
	/* Forward again from the oldest: pages in order, nothing twice. */
	total = 0;
	last = 0;
	for (;;) {
		assert_int_equal(store_message_page_after(f->st, tid, last, 10,
		    &page, NULL), 0);
		if (page.n == 0)
			break;
		for (i = 0; i < page.n; i++) {
			assert_true(page.v[i].id > last);
			last = page.v[i].id;
		}
		if (total == 0)
			assert_string_equal(page.v[0].body, "message 0");
		total += page.n;
		store_messages_fini(&page);
	}
	assert_int_equal(total, 25);
}

static void
test_store_search(void **state)
{
	struct fixture *f = *state;
	struct store_hits hits;
	struct store_contact c;
	struct sms_err err;
	char *nums[] = { "06301234567" };
	int64_t a, b;

	memset(&c, 0, sizeof c);
	c.name = "Kovács János";
	c.numbers.v = nums;
	c.numbers.n = 1;
	assert_int_equal(store_contact_add(f->st, &c, NULL, NULL), 0);
	a = inbound(f->st, "+36301234567", "Árvíztűrő tükörfúrógép", 1);
	b = inbound(f->st, "+36301234567", "tükörfúrógép again", 2);
	inbound(f->st, "+36309999999", "nothing here", 3);
	assert_int_equal(store_search(f->st, "tukorfurogep", 0, 10, &hits,
	    &err), 0);
	assert_int_equal(hits.n, 2);
	assert_int_equal(hits.v[0].message_id, b);	/* newest first */
	assert_int_equal(hits.v[1].message_id, a);
	assert_string_equal(hits.v[0].contact_name, "Kovács János");
	assert_non_null(strstr(hits.v[0].snippet, STORE_HIT_OPEN));
	store_hits_fini(&hits);
	assert_int_equal(store_search(f->st, "tukor*", b, 10, &hits, NULL), 0);
	assert_int_equal(hits.n, 1);
	assert_int_equal(hits.v[0].message_id, a);
	store_hits_fini(&hits);
	assert_int_equal(store_search(f->st, "\"unbalanced", 0, 10, &hits,
	    &err), SMS_EDATA);
	assert_non_null(strstr(err.msg, "unbalanced"));
	assert_int_equal(store_search(f->st, "", 0, 10, &hits, &err),
	    SMS_EDATA);
}

static void
test_store_contacts(void **state)
{
	struct fixture *f = *state;
	struct store_contact c, got;
	struct store_contacts list;
	struct sms_err err;
	char *nums[] = { "06 30 123 4567", "+36 1 234 5678" };
	char *tags[] = { "vip", " staff " };
	char *nums2[] = { "+36301234567" };
	int64_t id, tid;
	bool out;

	inbound(f->st, "+36301234567", "before the contact", 1);
	memset(&c, 0, sizeof c);
	c.name = "Szabó Éva";
	c.notes = "prefers mornings";
	c.numbers.v = nums;
	c.numbers.n = 2;
	c.tags.v = tags;
	c.tags.n = 2;
	assert_int_equal(store_contact_add(f->st, &c, &id, &err), 0);
	assert_int_equal(store_contact_get(f->st, id, &got, NULL), 0);
	assert_string_equal(got.name, "Szabó Éva");
	assert_int_equal(got.numbers.n, 2);
	assert_string_equal(got.numbers.v[0], "+36301234567");
	assert_string_equal(got.numbers.v[1], "+3612345678");
	assert_int_equal(got.tags.n, 2);
	assert_string_equal(got.tags.v[0], "staff");
	store_contact_fini(&got);
	/* The existing thread now shows the name; find by name works. */
	assert_int_equal(store_thread_find(f->st, "szabó éva", &tid, NULL), 0);
	assert_int_equal(store_contact_has_tag(f->st, "+3612345678", "vip",
	    NULL), 1);
	assert_int_equal(store_contact_has_tag(f->st, "+3612345678", "x",
	    NULL), 0);
	/* A number belongs to one contact. */
	c.name = "Other";
	c.numbers.v = nums2;
	c.numbers.n = 1;
	c.tags.n = 0;
	assert_int_equal(store_contact_add(f->st, &c, NULL, &err), SMS_EEXIST);
	assert_non_null(strstr(err.msg, "Szabó Éva"));
	/* Search by name prefix without accents, and by digits. */
	assert_int_equal(store_contact_list(f->st, "eva", 0, 0, &list, NULL),
	    0);
	assert_int_equal(list.n, 1);
	store_contacts_fini(&list);
	assert_int_equal(store_contact_list(f->st, "2345", 0, 0, &list, NULL),
	    0);
	assert_int_equal(list.n, 1);
	store_contacts_fini(&list);
	assert_int_equal(store_contact_list(f->st, "nobody", 0, 0, &list,
	    NULL), 0);
	assert_int_equal(list.n, 0);
	/* Edit: replace numbers. */
	c.id = id;
	c.name = "Szabó Éva Mária";
	assert_int_equal(store_contact_update(f->st, &c, NULL), 0);
	assert_int_equal(store_contact_find_number(f->st, "+3612345678", &got,
	    &err), SMS_ENOENT);
	assert_int_equal(store_contact_find_number(f->st, "06301234567", &got,
	    NULL), 0);
	assert_string_equal(got.name, "Szabó Éva Mária");
	store_contact_fini(&got);
	/* Opt-out, merge idempotent, remove. */
	assert_int_equal(store_optout_set(f->st, "+36301234567", true, 5,
	    NULL), 0);
	assert_int_equal(store_optout_get(f->st, "06 30 123 4567", &out, &id,
	    NULL), 0);
	assert_true(out);
	assert_int_equal(id, 5);
	/* START from a stranger makes no contact. */
	assert_int_equal(store_optout_set(f->st, "+36309999999", false, 0,
	    NULL), 0);
	assert_int_equal(store_contact_find_number(f->st, "+36309999999", &got,
	    NULL), SMS_ENOENT);
	assert_int_equal(store_contact_merge(f->st, &c, NULL),
	    STORE_MERGE_UNCHANGED);
	c.tags.v = tags;
	c.tags.n = 1;
	assert_int_equal(store_contact_merge(f->st, &c, NULL),
	    STORE_MERGE_UPDATED);
	assert_int_equal(store_contact_merge(f->st, &c, NULL),
	    STORE_MERGE_UNCHANGED);
	assert_int_equal(store_contact_find_number(f->st, "06301234567", &got,
	    NULL), 0);
	assert_int_equal(store_contact_remove(f->st, got.id, NULL), 0);
	assert_int_equal(store_contact_remove(f->st, got.id, NULL),
	    SMS_ENOENT);
	store_contact_fini(&got);
	assert_int_equal(store_thread_find(f->st, "Szabó Éva Mária", &tid,
	    &err), SMS_ENOENT);
}

static void
test_store_fragments(void **state)
{
	struct fixture *f = *state;
	struct store_fragment p;
	struct store_fragments parts;
	struct store_strv keys;
	unsigned have;

	memset(&p, 0, sizeof p);
	p.key = "dongle:+36301234567:7:3";
	p.sender = "+36301234567";
	p.total = 3;
	p.seq = 2;
	p.body = "second ";
	p.received_at = 100;
	assert_int_equal(store_fragment_add(f->st, &p, &have, NULL), 1);
	assert_int_equal(have, 1);
	assert_int_equal(store_fragment_add(f->st, &p, &have, NULL), 0);
	assert_int_equal(have, 1);
	p.seq = 1;
	p.body = "first ";
	assert_int_equal(store_fragment_add(f->st, &p, &have, NULL), 1);
	assert_int_equal(have, 2);
	p.seq = 4;
	assert_int_equal(store_fragment_add(f->st, &p, &have, NULL),
	    SMS_EINVAL);
	assert_int_equal(store_fragment_parts(f->st, p.key, &parts, NULL), 0);
	assert_int_equal(parts.n, 2);
	assert_int_equal(parts.v[0].seq, 1);
	assert_string_equal(parts.v[1].body, "second ");
	store_fragments_fini(&parts);
	assert_int_equal(store_fragment_expired(f->st, 100, &keys, NULL), 0);
	assert_int_equal(keys.n, 0);
	assert_int_equal(store_fragment_expired(f->st, 101, &keys, NULL), 0);
	assert_int_equal(keys.n, 1);
	assert_string_equal(keys.v[0], p.key);
	store_strv_fini(&keys);
	assert_int_equal(store_fragment_delete(f->st, p.key, NULL), 0);
	assert_int_equal(store_fragment_parts(f->st, p.key, &parts, NULL), 0);
	assert_int_equal(parts.n, 0);
}

static void
test_store_events(void **state)
{
	struct fixture *f = *state;
	double frac;

	assert_int_equal(store_event_availability(f->st, "dongle", 0, 100,
	    &frac, NULL), 0);
	assert_true(frac < 0);
	assert_int_equal(store_event_add(f->st, "dongle", "up", true, NULL,
	    10, NULL), 0);
	assert_int_equal(store_event_add(f->st, "dongle", "down", false,
	    "unplugged", 110, NULL), 0);
	assert_int_equal(store_event_add(f->st, "dongle", "up", true, NULL,
	    160, NULL), 0);
	/* Window 60..260: up 60..110 (50), down 110..160, up 160..260. */
	assert_int_equal(store_event_availability(f->st, "dongle", 60, 260,
	    &frac, NULL), 0);
	assert_true(frac > 0.749 && frac < 0.751);
}

static void
test_store_data_version(void **state)
{
	struct fixture *f = *state;
	struct store *other;

	assert_int_equal(store_changed(f->st, NULL), 1);
	assert_int_equal(store_changed(f->st, NULL), 0);
	assert_int_equal(store_open(&other, f->path, NULL, NULL), 0);
	queue(other, "+36301234567", "from another process");
	assert_int_equal(store_changed(f->st, NULL), 1);
	assert_int_equal(store_changed(f->st, NULL), 0);
	store_close(other);
}

/* The rules generation moves with every rule change, ours or another
 * connection's, even when it is read from cache in between; a change
 * rolled back is forgotten. */
static void
test_store_rules_generation(void **state)
{
	struct fixture *f = *state;
	struct store *other;
	struct store_rule r = { .name = "info", .enabled = true,
		.match_kind = "keyword", .pattern = "INFO", .aliases = "",
		.reply = "hi", .cooldown = -1 };
	int64_t g0, g1, g2, g3, g4, id;

	assert_int_equal(store_rules_generation(f->st, &g0, NULL), 0);
	assert_int_equal(store_rules_generation(f->st, &g1, NULL), 0);
	assert_true(g1 == g0);
	assert_int_equal(store_rule_add(f->st, &r, &id, NULL), 0);
	assert_int_equal(store_rules_generation(f->st, &g1, NULL), 0);
	assert_true(g1 != g0);
	/* Other rows do not move it. */
	queue(f->st, "+36301234567", "not a rule");
	assert_int_equal(store_rules_generation(f->st, &g2, NULL), 0);
	assert_true(g2 == g1);
	/* Another connection's change. */
	assert_int_equal(store_open(&other, f->path, NULL, NULL), 0);
	assert_int_equal(store_rule_set_enabled(other, id, false, NULL), 0);
	assert_int_equal(store_rules_generation(f->st, &g2, NULL), 0);
	assert_true(g2 != g1);
	/* Ours inside a transaction rolled back, then another's. */
	assert_int_equal(store_tx_begin(f->st, NULL), 0);
	assert_int_equal(store_rule_set_enabled(f->st, id, true, NULL), 0);
	assert_int_equal(store_rules_generation(f->st, &g3, NULL), 0);
	assert_true(g3 != g2);
	store_tx_rollback(f->st);
	assert_int_equal(store_rules_generation(f->st, &g3, NULL), 0);
	assert_true(g3 == g2);
	assert_int_equal(store_rule_set_enabled(other, id, true, NULL), 0);
	assert_int_equal(store_rules_generation(f->st, &g4, NULL), 0);
	assert_true(g4 != g3);
	store_close(other);
}

static void
test_store_transactions_nest(void **state)
{
	struct fixture *f = *state;
	struct store_threads page;
	struct store_thread_query q;

	assert_int_equal(store_tx_begin(f->st, NULL), 0);
	queue(f->st, "+36301234567", "one");
	assert_int_equal(store_tx_begin(f->st, NULL), 0);
	queue(f->st, "+36301234568", "two");
	store_tx_rollback(f->st);
	assert_int_equal(store_tx_commit(f->st, NULL), SMS_ESTORE);
	memset(&q, 0, sizeof q);
	assert_int_equal(store_thread_page(f->st, &q, &page, NULL), 0);
	assert_int_equal(page.n, 0);
	assert_int_equal(store_tx_commit(f->st, NULL), SMS_EINVAL);
}

/* Queue, claim through "dongle" and submit with reference ref. */
static int64_t
submitted_as(struct store *st, const char *body, const char *ref)
{
	struct store_message m;
	int64_t id = queue(st, "+36301234567", body);

	assert_int_equal(store_message_claim(st, "dongle", 2000000000, &m,
	    NULL), 1);
	assert_int_equal(m.id, id);
	store_message_fini(&m);
	assert_int_equal(store_message_submitted(st, id, ref, 0, NULL), 1);
	return id;
}

static enum msg_state
state_of(struct store *st, int64_t id)
{
	struct store_message m;
	enum msg_state state;

	assert_int_equal(store_message_get(st, id, &m, NULL), 0);
	state = m.state;
	store_message_fini(&m);
	return state;
}

/* Reports about single parts: delivered once every part is, undelivered
 * as soon as one is, found without the message's id (after a restart),
 * the pending message preferred when references wrap. */
static void
test_store_part_reports(void **state)
{
	struct fixture *f = *state;
	struct store_message m;
	struct sms_err err;
	int64_t a, b, c, d, e, id;

	a = submitted_as(f->st, "three parts", "12,13,14");
	id = -1;
	assert_int_equal(store_message_part_state(f->st, "dongle", 0, "13",
	    MSG_DELIVERED, 0, NULL, 0, &id, NULL), 0);
	assert_int_equal(id, a);
	assert_int_equal(state_of(f->st, a), MSG_SUBMITTED);
	assert_int_equal(store_message_part_state(f->st, "dongle", 0, "12",
	    MSG_SENT, 0, NULL, 0, NULL, NULL), 1);
	assert_int_equal(state_of(f->st, a), MSG_SENT);
	assert_int_equal(store_message_part_state(f->st, "dongle", 0, "12",
	    MSG_DELIVERED, 0, NULL, 0, NULL, NULL), 0);
	/* A repeated report changes nothing. */
	assert_int_equal(store_message_part_state(f->st, "dongle", 0, "13",
	    MSG_DELIVERED, 0, NULL, 0, NULL, NULL), 0);
	assert_int_equal(state_of(f->st, a), MSG_SENT);
	assert_int_equal(store_message_part_state(f->st, "dongle", 0, "14",
	    MSG_DELIVERED, 0, NULL, 2000000300, NULL, NULL), 1);
	assert_int_equal(store_message_get(f->st, a, &m, NULL), 0);
	assert_int_equal(m.state, MSG_DELIVERED);
	assert_int_equal(m.delivered_at, 2000000300);
	store_message_fini(&m);

	/* One part undelivered: the message is. */
	b = submitted_as(f->st, "two parts", "20,21");
	assert_int_equal(store_message_part_state(f->st, "dongle", 0, "21",
	    MSG_UNDELIVERED, 70, "expired", 0, NULL, NULL), 1);
	assert_int_equal(store_message_get(f->st, b, &m, NULL), 0);
	assert_int_equal(m.state, MSG_UNDELIVERED);
	assert_int_equal(m.error_code, 70);
	assert_string_equal(m.error_text, "expired");
	store_message_fini(&m);
	assert_int_equal(store_message_part_state(f->st, "dongle", 0, "20",
	    MSG_DELIVERED, 0, NULL, 0, NULL, NULL), 0);
	assert_int_equal(state_of(f->st, b), MSG_UNDELIVERED);

	/* References wrap: "31" goes to d, which still waits for it; with
	 * the id given, to that message. */
	c = submitted_as(f->st, "older", "30,31");
	d = submitted_as(f->st, "newer", "31,32");
	assert_int_equal(store_message_part_state(f->st, "dongle", c, "31",
	    MSG_DELIVERED, 0, NULL, 0, NULL, NULL), 0);
	assert_int_equal(store_message_part_state(f->st, "dongle", 0, "30",
	    MSG_DELIVERED, 0, NULL, 0, NULL, NULL), 1);
	assert_int_equal(state_of(f->st, c), MSG_DELIVERED);
	assert_int_equal(store_message_part_state(f->st, "dongle", 0, "32",
	    MSG_DELIVERED, 0, NULL, 0, NULL, NULL), 0);
	assert_int_equal(store_message_part_state(f->st, "dongle", 0, "31",
	    MSG_DELIVERED, 0, NULL, 0, &id, NULL), 1);
	assert_int_equal(id, d);
	assert_int_equal(state_of(f->st, d), MSG_DELIVERED);

	/* One part: by reference, and by id. */
	e = submitted_as(f->st, "single", "40");
	assert_int_equal(store_message_part_state(f->st, "dongle", 0, "40",
	    MSG_DELIVERED, 0, NULL, 0, &id, NULL), 1);
	assert_int_equal(id, e);
	e = submitted_as(f->st, "single again", "41");
	assert_int_equal(store_message_part_state(f->st, "dongle", e, "41",
	    MSG_DELIVERED, 0, NULL, 0, NULL, NULL), 1);
	assert_int_equal(store_message_part_state(f->st, "dongle", 0, "99",
	    MSG_DELIVERED, 0, NULL, 0, NULL, &err), SMS_ENOENT);
	assert_int_equal(store_message_part_state(f->st, NULL, 0, "99",
	    MSG_DELIVERED, 0, NULL, 0, NULL, &err), SMS_EINVAL);
}

/* A version-1 file with a multi-part message in flight: the upgrade
 * splits its reference into parts, so the reports still combine. */
static void
test_store_parts_migrated(void **state)
{
	struct fixture *f = *state;
	struct store_opts opts = { 0, "HU", false, 1 };
	struct store *st;
	sqlite3 *db;
	char path[160];

	snprintf(path, sizeof path, "%s/parts.db", f->dir);
	assert_int_equal(store_open(&st, path, &opts, NULL), 0);
	store_close(st);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "INSERT INTO threads"
	    " (id, peer, peer_raw, created_at) VALUES"
	    " (1, '+36301234567', '+36301234567', 1);"
	    "INSERT INTO messages (id, thread_id, direction, state, body,"
	    " backend, remote_ref, created_at) VALUES"
	    " (5, 1, 1, 3, 'in flight', 'dongle', '7,8,9', 1),"
	    " (6, 1, 1, 5, 'delivered long ago', 'dongle', '1,2', 1);",
	    NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	opts.upgrade_to = 0;
	assert_int_equal(store_open(&st, path, &opts, NULL), 0);
	assert_int_equal(store_message_part_state(st, "dongle", 0, "7",
	    MSG_DELIVERED, 0, NULL, 0, NULL, NULL), 0);
	assert_int_equal(store_message_part_state(st, "dongle", 0, "9",
	    MSG_DELIVERED, 0, NULL, 0, NULL, NULL), 0);
	assert_int_equal(state_of(st, 5), MSG_SUBMITTED);
	assert_int_equal(store_message_part_state(st, "dongle", 0, "8",
	    MSG_DELIVERED, 0, NULL, 0, NULL, NULL), 1);
	assert_int_equal(state_of(st, 5), MSG_DELIVERED);
	/* Finished messages get no parts. */
	assert_int_equal(store_message_part_state(st, "dongle", 0, "2",
	    MSG_DELIVERED, 0, NULL, 0, NULL, NULL), SMS_ENOENT);
	store_close(st);
}

int
main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_store_open_private),
		T(test_store_open_errors),
		T(test_store_newer_version_refused),
		T(test_store_migrates_every_version),
		T(test_store_queue_claim_states),
		T(test_store_part_reports),
		T(test_store_parts_migrated),
		T(test_store_fail_route_schedule),
		T(test_store_queue_refusals),
		T(test_store_inbound_idempotent),
		T(test_store_thread_page_keyset),
		T(test_store_conversation_pages),
		T(test_store_search),
		T(test_store_contacts),
		T(test_store_fragments),
		T(test_store_events),
		T(test_store_data_version),
		T(test_store_rules_generation),
		T(test_store_transactions_nest),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
