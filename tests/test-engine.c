/* Tests for the engine with the sim backend on a real SQLite store: the
 * outbox (states only forward, retries with backoff, permanent failures),
 * crash reconciliation, the inbound pipeline (reassembly, duplicates,
 * opt-out, rules and their hits), failover, maintenance and the lock. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>
#include <sqlite3.h>
#include <uv.h>

#include "engine/engine.h"
#include "store/contact.h"
#include "store/message.h"
#include "store/rule.h"
#include "store/store.h"
#include "store/thread.h"
#include "util/conf.h"
#include "util/log.h"

struct fx {
	char dir[64];
	char ledger[128];
	uv_loop_t loop;
	struct conf *cfg;
	struct engine *e;
	struct store *st;
	uv_timer_t poll;
	bool (*pred)(struct fx *);
	bool met;
	int64_t ids[16];
	size_t n_ids;
};

/* Start an engine on a new store; "@" in extra becomes the directory. */
static void
fx_start(struct fx *f, const char *extra)
{
	char ini[4096], *o = ini;
	const char *p;
	struct sms_err err;

	memset(f, 0, sizeof *f);
	snprintf(f->dir, sizeof f->dir, "/tmp/sms-test-engine.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->ledger, sizeof f->ledger, "%s/ledger", f->dir);
	o += snprintf(ini, sizeof ini, "[store]\npath = %s/inbox.db\n%s",
	    f->dir, strstr(extra, "[outbox]") ? "" :
	    "[outbox]\nretry_base = 1\n");
	for (p = extra; *p != '\0' && o < ini + sizeof ini - 80; p++) {
		if (*p == '@')
			o += snprintf(o, 80, "%s", f->dir);
		else
			*o++ = *p;
	}
	*o = '\0';
	if (conf_load_string(&f->cfg, ini, "test", &err) < 0)
		fail_msg("%s", err.msg);
	uv_loop_init(&f->loop);
	if (engine_new(&f->e, &f->loop, f->cfg, &err) < 0)
		fail_msg("engine_new: %s", err.msg);
	f->st = engine_store(f->e);
}

static void
fx_run(struct fx *f)
{
	struct sms_err err;

	if (engine_start(f->e, false, &err) < 0)
		fail_msg("engine_start: %s", err.msg);
}

static void
poll_cb(uv_timer_t *t)
{
	struct fx *f = t->data;

	if (f->pred(f)) {
		f->met = true;
		uv_stop(&f->loop);
	}
}

/* Run the loop until pred holds; fail after timeout_ms. */
static void
fx_until(struct fx *f, bool (*pred)(struct fx *), int timeout_ms,
    const char *what)
{
	uint64_t end;

	uv_update_time(&f->loop);
	end = uv_now(&f->loop) + (uint64_t)timeout_ms;
	f->pred = pred;
	f->met = pred(f);
	uv_timer_init(&f->loop, &f->poll);
	f->poll.data = f;
	uv_timer_start(&f->poll, poll_cb, 10, 10);
	while (!f->met && uv_now(&f->loop) < end)
		uv_run(&f->loop, UV_RUN_ONCE);
	uv_close((uv_handle_t *)&f->poll, NULL);
	uv_run(&f->loop, UV_RUN_NOWAIT);
	if (!f->met)
		fail_msg("timed out waiting for %s", what);
}

static void
fx_stop(struct fx *f)
{
	char cmd[128];

	engine_stop(f->e, NULL, NULL);
	uv_run(&f->loop, UV_RUN_DEFAULT);
	engine_free(f->e);
	assert_int_equal(uv_loop_close(&f->loop), 0);
	conf_free(f->cfg);
	snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
	assert_int_equal(system(cmd), 0);
}

static int64_t
queue(struct fx *f, const char *to, const char *body, const char *route)
{
	struct store_outgoing o = { .to = to, .body = body, .route = route };
	struct sms_err err;
	int64_t id;

	if (store_message_queue(f->st, &o, &id, &err) < 0)
		fail_msg("queue: %s", err.msg);
	f->ids[f->n_ids++] = id;
	engine_wake(f->e);
	return id;
}

static enum msg_state
state_of(struct fx *f, int64_t id, struct store_message *out)
{
	struct store_message m;
	enum msg_state s;

	assert_int_equal(store_message_get(f->st, id, &m, NULL), 0);
	s = m.state;
	if (out != NULL)
		*out = m;
	else
		store_message_fini(&m);
	return s;
}

static bool
all_final(struct fx *f)
{
	size_t i;

	for (i = 0; i < f->n_ids; i++)
		if (!msg_state_is_final(state_of(f, f->ids[i], NULL)))
			return false;
	return true;
}

/* How many times the sim network accepted message id. */
static int
ledger_count(struct fx *f, int64_t id)
{
	char line[256];
	FILE *fp = fopen(f->ledger, "r");
	int n = 0;

	if (fp == NULL)
		return 0;
	while (fgets(line, sizeof line, fp) != NULL)
		if (strtoll(line, NULL, 10) == id)
			n++;
	fclose(fp);
	return n;
}

/* The messages of peer's thread in direction dir, oldest first. */
static size_t
rows(struct fx *f, const char *peer, enum msg_dir dir,
    struct store_messages *out)
{
	struct store_messages ms;
	int64_t thread;
	size_t i, n = 0;

	memset(out, 0, sizeof *out);
	if (store_thread_find(f->st, peer, &thread, NULL) < 0)
		return 0;
	assert_int_equal(store_message_page(f->st, thread, 0, 100, &ms, NULL),
	    0);
	out->v = calloc(ms.n + 1, sizeof *out->v);
	for (i = 0; i < ms.n; i++)
		if (ms.v[i].dir == dir)
			out->v[n++] = ms.v[i];
		else
			store_message_fini(&ms.v[i]);
	free(ms.v);
	out->n = n;
	return n;
}

static size_t
count(struct fx *f, const char *peer, enum msg_dir dir)
{
	struct store_messages ms;
	size_t n = rows(f, peer, dir, &ms);

	store_messages_fini(&ms);
	return n;
}

#define SIM "[backend.sim]\ntype = sim\ndeliver_delay = 20\n" \
	"reply_delay = 0\nledger = @/ledger\n"

static void
test_engine_backoff(void **state)
{
	static const struct {
		int attempt, base, retry_after;
		uint32_t rnd;
		int64_t want;
	} cases[] = {
		{ 1, 5, 0, 0, 4 },
		{ 1, 5, 0, UINT32_MAX, 5 },
		{ 2, 5, 0, 0, 8 },
		{ 3, 5, 0, 1u << 31, 20 },
		{ 10, 5, 0, 0, 720 },		/* capped: 900 - 20 % */
		{ 30, 5, 0, UINT32_MAX, 1079 },
		{ 1, 5, 120, 0, 120 },		/* Retry-After wins */
		{ 1, 1, 0, 0, 1 },		/* never below a second */
		{ 4, 0, 0, 0, 32 },		/* base 0: the default 5 s */
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int64_t d = engine_backoff(cases[i].attempt, cases[i].base,
		    cases[i].retry_after, cases[i].rnd);

		if (d != cases[i].want)
			fail_msg("case %zu: %lld, want %lld", i, (long long)d,
			    (long long)cases[i].want);
	}
}

static void
test_engine_outbox_states(void **state)
{
	struct fx f;
	struct store_message m;
	int64_t ok, gone, unreach, busy;

	fx_start(&f, SIM);
	ok = queue(&f, "+15551230001", "hello", NULL);
	gone = queue(&f, "+15551230099", "hello", NULL);
	unreach = queue(&f, "+15551230097", "hello", NULL);
	busy = queue(&f, "+15551230098", "hello", NULL);
	fx_run(&f);
	fx_until(&f, all_final, 20000, "every message to settle");
	assert_int_equal(state_of(&f, ok, &m), MSG_DELIVERED);
	assert_string_equal(m.remote_ref, "SIM1");
	assert_string_equal(m.backend, "sim");
	assert_int_equal(m.attempts, 1);
	store_message_fini(&m);
	assert_int_equal(state_of(&f, gone, &m), MSG_FAILED);
	assert_non_null(strstr(m.error_text, "does not exist"));
	assert_int_equal(m.error_code, 21211);
	store_message_fini(&m);
	assert_int_equal(state_of(&f, unreach, &m), MSG_UNDELIVERED);
	store_message_fini(&m);
	assert_int_equal(state_of(&f, busy, &m), MSG_DELIVERED);
	assert_int_equal(m.attempts, 3);
	store_message_fini(&m);
	assert_int_equal(ledger_count(&f, ok), 1);
	assert_int_equal(ledger_count(&f, gone), 0);
	assert_int_equal(ledger_count(&f, busy), 1);
	/* A late report never moves a message back. */
	assert_int_equal(store_message_set_state(f.st, ok, MSG_SENT, 0, NULL,
	    0, NULL), 0);
	assert_int_equal(state_of(&f, ok, NULL), MSG_DELIVERED);
	fx_stop(&f);
}

static void
test_engine_max_attempts(void **state)
{
	struct fx f;
	struct store_message m;
	int64_t id;

	fx_start(&f, SIM "[outbox]\nmax_attempts = 2\nretry_base = 1\n");
	id = queue(&f, "+15551230098", "busy", NULL);
	fx_run(&f);
	fx_until(&f, all_final, 10000, "the message to fail");
	assert_int_equal(state_of(&f, id, &m), MSG_FAILED);
	assert_non_null(strstr(m.error_text, "gave up after 2 attempts"));
	store_message_fini(&m);
	fx_stop(&f);
}

static void
test_engine_reconcile(void **state)
{
	struct fx f;
	struct store_message m;
	int64_t went, lost;
	FILE *fp;

	fx_start(&f, SIM);
	went = queue(&f, "+15551230001", "went out", NULL);
	lost = queue(&f, "+15551230002", "never left", NULL);
	/* A crash: both claimed, only the first reached the network. */
	assert_int_equal(store_message_claim(f.st, "sim", 2000000000, &m,
	    NULL), 1);
	store_message_fini(&m);
	assert_int_equal(store_message_claim(f.st, "sim", 2000000000, &m,
	    NULL), 1);
	store_message_fini(&m);
	fp = fopen(f.ledger, "w");
	fprintf(fp, "%lld\tSIM%lld\t+15551230001\n", (long long)went,
	    (long long)went);
	fclose(fp);
	/* The sim reads its ledger when it opens. */
	fx_run(&f);
	fx_until(&f, all_final, 10000, "reconciliation");
	assert_int_equal(state_of(&f, went, &m), MSG_DELIVERED);
	assert_string_equal(m.remote_ref, "SIM1");
	store_message_fini(&m);
	assert_int_equal(state_of(&f, lost, &m), MSG_DELIVERED);
	assert_int_equal(m.attempts, 2);
	store_message_fini(&m);
	assert_int_equal(ledger_count(&f, went), 1);	/* not sent twice */
	assert_int_equal(ledger_count(&f, lost), 1);	/* not lost */
	fx_stop(&f);
}

static void
inject(struct fx *f, const char *from, const char *text, const char *rid,
    int ref, int total, int seq)
{
	struct sms_err err;
	json_t *req, *r;

	req = json_pack("{s:s, s:s, s:s?, s:i, s:i, s:i}", "from", from,
	    "text", text, "remote_id", rid, "concat_ref", ref,
	    "concat_total", total, "concat_seq", seq);
	if ((r = engine_request(f->e, "inject", req, &err)) == NULL)
		fail_msg("inject: %s", err.msg);
	json_decref(r);
	json_decref(req);
}

static bool
outbox_settled(struct fx *f)
{
	int64_t queued = 0, sending = 0;
	struct store_messages ms;
	size_t i;
	bool done = true;

	/* No queued or in-flight message anywhere. */
	(void)queued;
	(void)sending;
	if (rows(f, "+15551230005", MSG_OUT, &ms) > 0)
		for (i = 0; i < ms.n; i++)
			if (!msg_state_is_final(ms.v[i].state))
				done = false;
	store_messages_fini(&ms);
	return done && engine_in_flight(f->e) == 0;
}

static int64_t
hits(struct fx *f, const char *peer, int64_t rule)
{
	return store_rule_hits_count(f->st, peer, rule, 0, NULL, NULL);
}

static void
test_engine_inbound_pipeline(void **state)
{
	struct fx f;
	struct store_rule r = { .name = "info", .enabled = true,
		.match_kind = "keyword", .pattern = "INFO", .aliases = "INFÓ",
		.reply = "Hi {first_name}, here is {keyword}.", .cooldown = -1 };
	struct store_contact c = { .name = "Anna Kovács" };
	char *nums[] = { "+15551230005" };
	struct store_messages ms;
	bool out;
	int64_t rule_id;

	fx_start(&f, SIM);
	c.numbers.v = nums;
	c.numbers.n = 1;
	assert_int_equal(store_contact_add(f.st, &c, NULL, NULL), 0);
	assert_int_equal(store_rule_add(f.st, &r, &rule_id, NULL), 0);
	fx_run(&f);

	/* a keyword, accents and case folded: one reply, one hit */
	inject(&f, "+15551230005", "infó please", "r1", 0, 0, 0);
	fx_until(&f, outbox_settled, 5000, "the autoreply");
	assert_int_equal(rows(&f, "+15551230005", MSG_OUT, &ms), 1);
	assert_string_equal(ms.v[0].body, "Hi Anna, here is INFO.");
	assert_int_equal(ms.v[0].state, MSG_DELIVERED);
	assert_string_equal(ms.v[0].author, "rule:1");
	store_messages_fini(&ms);
	assert_int_equal(hits(&f, "+15551230005", rule_id), 1);
	/* the same message again (same provider id): stored once */
	inject(&f, "+15551230005", "infó please", "r1", 0, 0, 0);
	assert_int_equal(count(&f, "+15551230005", MSG_IN), 1);
	/* asked again within the cooldown: held, and the hit says so */
	inject(&f, "+15551230005", "INFO", "r2", 0, 0, 0);
	fx_until(&f, outbox_settled, 5000, "quiet");
	assert_int_equal(count(&f, "+15551230005", MSG_OUT), 1);
	assert_int_equal(count(&f, "+15551230005", MSG_IN), 2);

	/* STOP: opted out and told once; START: back */
	inject(&f, "+15551230005", "Stop.", "r3", 0, 0, 0);
	fx_until(&f, outbox_settled, 5000, "the STOP confirmation");
	assert_int_equal(store_optout_get(f.st, "+15551230005", &out, NULL,
	    NULL), 0);
	assert_true(out);
	assert_int_equal(count(&f, "+15551230005", MSG_OUT), 2);
	inject(&f, "+15551230005", "STOP", "r4", 0, 0, 0);
	fx_until(&f, outbox_settled, 5000, "quiet");
	assert_int_equal(count(&f, "+15551230005", MSG_OUT), 2);
	{
		struct store_outgoing o = { .to = "+15551230005",
			.body = "promo" };

		assert_int_equal(store_message_queue(f.st, &o, NULL, NULL),
		    SMS_EOPTOUT);
	}
	inject(&f, "+15551230005", "start", "r5", 0, 0, 0);
	fx_until(&f, outbox_settled, 5000, "the START confirmation");
	assert_int_equal(store_optout_get(f.st, "+15551230005", &out, NULL,
	    NULL), 0);
	assert_false(out);
	assert_int_equal(count(&f, "+15551230005", MSG_OUT), 3);

	/* an alphanumeric sender is stored, never answered */
	inject(&f, "BANK", "INFO", "r6", 0, 0, 0);
	assert_int_equal(count(&f, "BANK", MSG_IN), 1);
	assert_int_equal(count(&f, "BANK", MSG_OUT), 0);
	assert_int_equal(store_rule_hits_count(f.st, "BANK", 0, 0, NULL,
	    NULL), 0);

	/* three parts out of order become one message */
	inject(&f, "+15551230006", "world", NULL, 7, 3, 2);
	inject(&f, "+15551230006", "!", NULL, 7, 3, 3);
	assert_int_equal(count(&f, "+15551230006", MSG_IN), 0);
	inject(&f, "+15551230006", "hello ", NULL, 7, 3, 1);
	assert_int_equal(rows(&f, "+15551230006", MSG_IN, &ms), 1);
	assert_string_equal(ms.v[0].body, "hello world!");
	store_messages_fini(&ms);
	fx_stop(&f);
}

/* The detail and reply of rule_id's hit (the newest), read from the file
 * like another process would.  Returns false when there is none yet. */
static bool
hit_of(struct fx *f, int64_t rule_id, char *detail, size_t size,
    int64_t *reply_id)
{
	char path[128];
	sqlite3 *db;
	sqlite3_stmt *s;
	bool found = false;

	snprintf(path, sizeof path, "%s/inbox.db", f->dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT coalesce(detail, ''),"
	    " coalesce(reply_id, 0) FROM rule_hits WHERE rule_id = ?"
	    " ORDER BY id DESC LIMIT 1", -1, &s, NULL), SQLITE_OK);
	sqlite3_bind_int64(s, 1, rule_id);
	if (sqlite3_step(s) == SQLITE_ROW) {
		snprintf(detail, size, "%s", sqlite3_column_text(s, 0));
		*reply_id = sqlite3_column_int64(s, 1);
		found = true;
	}
	sqlite3_finalize(s);
	sqlite3_close(db);
	return found;
}

/* The rule whose command the predicates below wait for. */
static int64_t waited_rule;

static bool
command_over(struct fx *f)
{
	char detail[256];
	int64_t reply_id;

	return hit_of(f, waited_rule, detail, sizeof detail, &reply_id) &&
	    (reply_id > 0 || strstr(detail, "reply command") != NULL ||
	    strcmp(detail, "opted out") == 0);
}

static bool
replied_5(struct fx *f)
{
	return count(f, "+15551230005", MSG_OUT) > 0;
}

/* A rule that replies with a command's output: a script that reads the
 * message as JSON, a hanging command stopped at the timeout, a failing
 * one, an empty one, a long one; none stalls the engine. */
static void
test_engine_reply_command(void **state)
{
	static const struct {
		const char *keyword, *command;
	} cmds[] = {
		{ "ECHO", "sh @/echo.sh 'one arg'" },
		{ "HANG", "sleep 30" },
		{ "FAIL", "sh -c 'echo half a reply; exit 3'" },
		{ "EMPTY", "sh -c 'printf \"  \\n\"'" },
		{ "LONG", "sh -c 'i=0; while [ $i -lt 200 ]; do printf "
		  "0123456789; i=$((i+1)); done'" },
		{ "GONE", "/nonexistent/reply-command" },
	};
	struct fx f;
	struct store_messages ms;
	int64_t ids[6], reply_id;
	char detail[256], cmd[256], script[128];
	const char *p;
	FILE *fp;
	size_t i;

	fx_start(&f, SIM "[hooks]\ntimeout = 1\n");
	snprintf(script, sizeof script, "%s/echo.sh", f.dir);
	assert_non_null(fp = fopen(script, "w"));
	/* The body out of the JSON on stdin, its argument, the number. */
	fputs("json=$(cat)\n"
	    "body=$(printf '%s' \"$json\" |\n"
	    "    sed 's/.*\"body\":\"\\([^\"]*\\)\".*/\\1/')\n"
	    "printf '\\n  You wrote \"%s\" (%s, %s)\\n\\n' \"$body\" \"$1\" "
	    "\"$SMS_INBOX_NUMBER\"\n", fp);
	fclose(fp);
	for (i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
		struct store_rule r = { .name = (char *)cmds[i].keyword,
			.enabled = true, .match_kind = "keyword",
			.pattern = (char *)cmds[i].keyword, .aliases = "",
			.reply_command = cmd, .cooldown = 0 };
		char *o = cmd;

		for (p = cmds[i].command; *p != '\0'; p++)
			if (*p == '@')
				o += snprintf(o, 64, "%s", f.dir);
			else
				*o++ = *p;
		*o = '\0';
		assert_int_equal(store_rule_add(f.st, &r, &ids[i], NULL), 0);
	}
	fx_run(&f);

	/* The hanging one first: the engine goes on meanwhile. */
	inject(&f, "+15551230009", "hang", "c0", 0, 0, 0);
	inject(&f, "+15551230005", "echo hello there", "c1", 0, 0, 0);
	fx_until(&f, replied_5, 5000, "the command's reply");
	assert_int_equal(rows(&f, "+15551230005", MSG_OUT, &ms), 1);
	assert_string_equal(ms.v[0].body,
	    "You wrote \"echo hello there\" (one arg, +15551230005)");
	assert_string_equal(ms.v[0].author, "rule:1");
	store_messages_fini(&ms);
	waited_rule = ids[0];
	fx_until(&f, command_over, 5000, "the hit's reply");
	assert_true(hit_of(&f, ids[0], detail, sizeof detail, &reply_id));
	assert_true(reply_id > 0);
	assert_string_equal(detail, "ECHO");

	/* Stopped at the timeout: no reply, the hit says why. */
	waited_rule = ids[1];
	fx_until(&f, command_over, 10000, "the hanging command stopped");
	assert_true(hit_of(&f, ids[1], detail, sizeof detail, &reply_id));
	assert_int_equal(reply_id, 0);
	assert_non_null(strstr(detail, "stopped"));
	assert_int_equal(count(&f, "+15551230009", MSG_OUT), 0);

	/* Failing, empty, missing: no reply, each hit says why. */
	inject(&f, "+15551230006", "FAIL", "c2", 0, 0, 0);
	inject(&f, "+15551230007", "empty", "c3", 0, 0, 0);
	inject(&f, "+15551230008", "gone", "c4", 0, 0, 0);
	waited_rule = ids[2];
	fx_until(&f, command_over, 5000, "the failing command");
	waited_rule = ids[3];
	fx_until(&f, command_over, 5000, "the empty command");
	waited_rule = ids[5];
	fx_until(&f, command_over, 5000, "the missing command");
	assert_true(hit_of(&f, ids[2], detail, sizeof detail, &reply_id));
	assert_int_equal(reply_id, 0);
	assert_non_null(strstr(detail, "exit status 3"));
	assert_true(hit_of(&f, ids[3], detail, sizeof detail, &reply_id));
	assert_int_equal(reply_id, 0);
	assert_non_null(strstr(detail, "nothing"));
	assert_true(hit_of(&f, ids[5], detail, sizeof detail, &reply_id));
	assert_int_equal(reply_id, 0);
	assert_non_null(strstr(detail, "not run"));
	assert_int_equal(count(&f, "+15551230006", MSG_OUT), 0);
	assert_int_equal(count(&f, "+15551230007", MSG_OUT), 0);
	assert_int_equal(count(&f, "+15551230008", MSG_OUT), 0);

	/* 2,000 characters of output: the reply is cut to ten segments. */
	inject(&f, "+15551230010", "long", "c5", 0, 0, 0);
	waited_rule = ids[4];
	fx_until(&f, command_over, 5000, "the long command");
	assert_int_equal(rows(&f, "+15551230010", MSG_OUT, &ms), 1);
	assert_int_equal(strlen(ms.v[0].body), 1530);
	assert_memory_equal(ms.v[0].body, "0123456789", 10);
	store_messages_fini(&ms);
	fx_stop(&f);
}

static void
sim_mode(struct fx *f, const char *backend, const char *mode)
{
	struct sms_err err;
	json_t *req = json_pack("{s:s, s:s}", "backend", backend, "mode",
	    mode), *r;

	if ((r = engine_request(f->e, "sim", req, &err)) == NULL)
		fail_msg("sim: %s", err.msg);
	json_decref(r);
	json_decref(req);
}

static const char *
backend_of(struct fx *f, int64_t id)
{
	static char name[32];
	struct store_message m;

	state_of(f, id, &m);
	snprintf(name, sizeof name, "%s", m.backend ? m.backend : "");
	store_message_fini(&m);
	return name;
}

static void
test_engine_failover(void **state)
{
	struct fx f;
	int64_t a1, b1, a2, routed;

	fx_start(&f, "[backend.a]\ntype = sim\ndeliver_delay = 1\n"
	    "reply_delay = 0\ndown_after = 1\n"
	    "[backend.b]\ntype = sim\ndeliver_delay = 1\nreply_delay = 0\n"
	    "[routing]\nprimary = a\nfallback = b\nprobe_interval = 1\n");
	fx_run(&f);
	a1 = queue(&f, "+15551230001", "one", NULL);
	fx_until(&f, all_final, 5000, "a1");
	assert_string_equal(backend_of(&f, a1), "a");
	/* a is down: b takes the queue; messages routed to a wait */
	sim_mode(&f, "a", "down");
	routed = queue(&f, "+15551230001", "for a only", "a");
	b1 = queue(&f, "+15551230001", "two", NULL);
	f.ids[0] = b1;		/* wait for b1 only: routed stays queued */
	f.n_ids = 1;
	fx_until(&f, all_final, 5000, "b1");
	assert_string_equal(backend_of(&f, b1), "b");
	assert_int_equal(state_of(&f, routed, NULL), MSG_QUEUED);
	/* a is back: it gets its queue again */
	sim_mode(&f, "a", "normal");
	f.ids[f.n_ids++] = routed;
	a2 = queue(&f, "+15551230001", "three", NULL);
	fx_until(&f, all_final, 5000, "a2");
	assert_string_equal(backend_of(&f, a2), "a");
	assert_string_equal(backend_of(&f, routed), "a");
	/* a fails every send: after down_after it is down, b sends;
	 * when a works again its probe brings the queue back */
	sim_mode(&f, "a", "failing");
	f.n_ids = 0;
	queue(&f, "+15551230001", "four", NULL);
	queue(&f, "+15551230001", "five", NULL);
	fx_until(&f, all_final, 15000, "failover while a fails");
	assert_string_equal(backend_of(&f, f.ids[1]), "b");
	{
		/* status tells: a is down, with the reason its sends fail */
		json_t *st = engine_status(f.e);
		json_t *a = json_array_get(json_object_get(st, "backends"), 0);

		assert_string_equal(json_string_value(json_object_get(a,
		    "name")), "a");
		assert_string_equal(json_string_value(json_object_get(a,
		    "state")), "down");
		assert_non_null(json_string_value(json_object_get(a,
		    "last_error")));
		json_decref(st);
	}
	sim_mode(&f, "a", "normal");
	{
		int i;

		/* One message now and then: within a probe interval one
		 * goes through a, and a is primary again. */
		for (i = 0; i < 40; i++) {
			f.n_ids = 0;
			queue(&f, "+15551230001", "again", NULL);
			fx_until(&f, all_final, 5000, "hand-back");
			if (strcmp(backend_of(&f, f.ids[0]), "a") == 0)
				break;
			usleep(100000);
		}
		assert_true(i < 40);
		f.n_ids = 0;
		queue(&f, "+15551230001", "after", NULL);
		fx_until(&f, all_final, 5000, "after hand-back");
		assert_string_equal(backend_of(&f, f.ids[0]), "a");
	}
	fx_stop(&f);
}

static void
test_engine_maintenance_and_lock(void **state)
{
	struct fx f;
	struct engine *e2;
	struct sms_err err;
	int64_t id;

	fx_start(&f, "[backend.a]\ntype = sim\ndeliver_delay = 1\n"
	    "reply_delay = 0\n"
	    "[backend.b]\ntype = sim\ndeliver_delay = 1\nreply_delay = 0\n"
	    "[routing]\nprimary = a\nfallback = b\n"
	    "maintenance = a 00:00-24:00\n");
	/* A second engine on the same store is refused, naming us. */
	assert_int_equal(engine_new(&e2, &f.loop, f.cfg, &err), SMS_EBUSY);
	assert_non_null(strstr(err.msg, "already running (pid"));
	fx_run(&f);
	id = queue(&f, "+15551230001", "during maintenance", NULL);
	fx_until(&f, all_final, 5000, "send");
	assert_string_equal(backend_of(&f, id), "b");
	{
		/* status tells: a is in maintenance, b up and sending */
		json_t *st = engine_status(f.e), *b;
		size_t i;

		json_array_foreach(json_object_get(st, "backends"), i, b) {
			const char *name = json_string_value(
			    json_object_get(b, "name"));
			const char *bst = json_string_value(
			    json_object_get(b, "state"));

			assert_string_equal(bst, strcmp(name, "a") == 0 ?
			    "maintenance" : "up");
		}
		assert_int_equal(i, 2);
		json_decref(st);
	}
	fx_stop(&f);
}

int
main(void)
{
	if (getenv("SMS_TEST_DEBUG") != NULL)
		log_set_level(LOG_LEVEL_DEBUG);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_engine_backoff),
		cmocka_unit_test(test_engine_outbox_states),
		cmocka_unit_test(test_engine_max_attempts),
		cmocka_unit_test(test_engine_reconcile),
		cmocka_unit_test(test_engine_inbound_pipeline),
		cmocka_unit_test(test_engine_reply_command),
		cmocka_unit_test(test_engine_failover),
		cmocka_unit_test(test_engine_maintenance_and_lock),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
