/*
 * End to end through the engine: a real SQLite store, the engine's outbox
 * and inbound pipeline, the Twilio backend, and the loopback fake speaking
 * Twilio's API shape.  Messages queued in the store go out once each and
 * get their SID and delivery; inbound messages are stored once whether they
 * come by polling or webhook; forged webhooks store nothing; a connection
 * closed after the POST was read neither loses nor doubles a message; a
 * bulk send never exceeds the rate; status callbacks out of order end in
 * the furthest state; an MMS is stored with its attachments noted.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>
#include <uv.h>

#include "engine/engine.h"
#include "provider-harness.h"
#include "store/contact.h"
#include "store/message.h"
#include "store/store.h"
#include "store/thread.h"
#include "util/conf.h"

#define ACCOUNT "AC00000000000000000000000000000000"
#define TOKEN "e2e-token"
#define FROM "+15550002222"

static struct fake fake;

struct fx {
	char dir[64];
	uv_loop_t loop;
	struct conf *cfg;
	struct engine *e;
	struct store *st;
	int hook_port;
	int64_t ids[256];
	size_t n_ids;
	const char *peer;
	size_t want;
};

static int
setup(void **state)
{
	return fake_start(&fake, TOKEN);
}

static int
teardown(void **state)
{
	fake_stop(&fake);
	return 0;
}

static void
fx_start(struct fx *f, const char *extra)
{
	char ini[4096];
	struct sms_err err;

	memset(f, 0, sizeof *f);
	uv_loop_init(&f->loop);
	json_decref(fake_call(&f->loop, &fake, "POST", "/_fake/reset", "{}"));
	snprintf(f->dir, sizeof f->dir, "/tmp/sms-test-e2e.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	f->hook_port = harness_free_port();
	snprintf(ini, sizeof ini,
	    "[store]\npath = %s/inbox.db\n"
	    "[outbox]\nretry_base = 1\n"
	    "[routing]\nprimary = tw\n"
	    "[backend.tw]\ntype = twilio\napi_base = %s\n"
	    "account_sid = " ACCOUNT "\ntoken_file = %s\nfrom = " FROM "\n"
	    "timeout = 2\npoll_interval = 1\n"
	    "webhook_listen = 127.0.0.1:%d\n"
	    "webhook_url = https://sms.example.com/in\n%s",
	    f->dir, fake.base, fake.token_file, f->hook_port, extra);
	if (conf_load_string(&f->cfg, ini, "test", &err) < 0)
		fail_msg("%s", err.msg);
	if (engine_new(&f->e, &f->loop, f->cfg, &err) < 0)
		fail_msg("engine_new: %s", err.msg);
	f->st = engine_store(f->e);
	if (engine_start(f->e, false, &err) < 0)
		fail_msg("engine_start: %s", err.msg);
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

static void
tick_cb(uv_timer_t *t)
{
}

/* Run the loop until pred holds; fail after ms (a guard, not a timing
 * assertion). */
static void
fx_until(struct fx *f, bool (*pred)(struct fx *), uint64_t ms,
    const char *what)
{
	uv_timer_t tick;
	uint64_t end;

	uv_update_time(&f->loop);
	end = uv_now(&f->loop) + ms;
	uv_timer_init(&f->loop, &tick);
	uv_timer_start(&tick, tick_cb, 20, 20);
	while (!pred(f) && uv_now(&f->loop) < end)
		uv_run(&f->loop, UV_RUN_ONCE);
	uv_close((uv_handle_t *)&tick, NULL);
	uv_run(&f->loop, UV_RUN_NOWAIT);
	if (!pred(f))
		fail_msg("timed out waiting for %s", what);
}

/* Let the engine run for ms. */
static void
fx_idle(struct fx *f, uint64_t ms)
{
	uv_timer_t tick;
	uint64_t end;

	uv_update_time(&f->loop);
	end = uv_now(&f->loop) + ms;
	uv_timer_init(&f->loop, &tick);
	uv_timer_start(&tick, tick_cb, 20, 20);
	while (uv_now(&f->loop) < end)
		uv_run(&f->loop, UV_RUN_ONCE);
	uv_close((uv_handle_t *)&tick, NULL);
	uv_run(&f->loop, UV_RUN_NOWAIT);
}

static int64_t
queue(struct fx *f, const char *to, const char *body)
{
	struct store_outgoing o = { .to = to, .body = body };
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
all_submitted(struct fx *f)
{
	size_t i;

	for (i = 0; i < f->n_ids; i++)
		if (state_of(f, f->ids[i], NULL) < MSG_SUBMITTED)
			return false;
	return true;
}

static bool
all_delivered(struct fx *f)
{
	size_t i;

	for (i = 0; i < f->n_ids; i++)
		if (state_of(f, f->ids[i], NULL) != MSG_DELIVERED)
			return false;
	return true;
}

/* Inbound rows stored from f->peer. */
static size_t
inbound_rows(struct fx *f)
{
	struct store_messages ms;
	int64_t thread;
	size_t i, n = 0;

	if (store_thread_find(f->st, f->peer, &thread, NULL) < 0)
		return 0;
	assert_int_equal(store_message_page(f->st, thread, 0, 100, &ms, NULL),
	    0);
	for (i = 0; i < ms.n; i++)
		if (ms.v[i].dir == MSG_IN)
			n++;
	store_messages_fini(&ms);
	return n;
}

static bool
inbound_reached(struct fx *f)
{
	return inbound_rows(f) >= f->want;
}

/* Messages the fake created with body (each one billed). */
static size_t
creations(struct fx *f, const char *body)
{
	json_t *msgs = fake_call(&f->loop, &fake, "GET", "/_fake/messages",
	    NULL), *m;
	size_t i, n = 0;

	json_array_foreach(msgs, i, m)
		if (strcmp(json_string_value(json_object_get(m, "body")),
		    body) == 0)
			n++;
	json_decref(msgs);
	return n;
}

static int
webhook(struct fx *f, const char *sig, const char *params)
{
	char j[2048];
	json_t *r;
	int status;

	snprintf(j, sizeof j, "{\"url\": \"http://127.0.0.1:%d/in\", "
	    "\"public\": \"https://sms.example.com/in\", \"signature\": "
	    "\"%s\", \"params\": %s}", f->hook_port, sig, params);
	r = fake_call(&f->loop, &fake, "POST", "/_fake/webhook", j);
	status = (int)json_integer_value(json_object_get(r, "status"));
	json_decref(r);
	return status;
}

static void
test_e2e_send_and_deliver(void **state)
{
	struct fx f;
	struct store_message m;
	const char *bodies[] = { "first", "second, with ü", "third" };
	size_t i;

	fx_start(&f, "rate = 10\n");
	for (i = 0; i < 3; i++)
		queue(&f, "+36301230000", bodies[i]);
	fx_until(&f, all_submitted, 20000, "the messages to be submitted");
	for (i = 0; i < 3; i++) {
		assert_true(state_of(&f, f.ids[i], &m) >= MSG_SUBMITTED);
		assert_non_null(m.remote_ref);
		assert_memory_equal(m.remote_ref, "SM", 2);
		assert_string_equal(m.backend, "tw");
		store_message_fini(&m);
		assert_int_equal(creations(&f, bodies[i]), 1);
	}
	/* Status polling: the fake delivers on the second fetch. */
	fx_until(&f, all_delivered, 20000, "the messages to be delivered");
	fx_stop(&f);
}

static void
test_e2e_inbound_once(void **state)
{
	struct fx f;
	json_t *r;
	const char *sid;
	char params[512];

	fx_start(&f, "");
	f.peer = "+36307654321";
	r = fake_call(&f.loop, &fake, "POST", "/_fake/inbound",
	    "{\"from\": \"+36307654321\", \"to\": \"" FROM "\", "
	    "\"body\": \"polled in\"}");
	sid = json_string_value(json_object_get(r, "sid"));
	f.want = 1;
	fx_until(&f, inbound_reached, 20000, "the polled message");
	/* The same message again by webhook (Twilio sends both): once. */
	snprintf(params, sizeof params, "{\"MessageSid\": \"%s\", "
	    "\"From\": \"+36307654321\", \"To\": \"" FROM "\", "
	    "\"Body\": \"polled in\"}", sid);
	json_decref(r);
	assert_int_equal(webhook(&f, "valid", params), 200);
	/* A new one by webhook only. */
	assert_int_equal(webhook(&f, "valid", "{\"MessageSid\": \"SMweb1\", "
	    "\"From\": \"+36307654321\", \"To\": \"" FROM "\", "
	    "\"Body\": \"by webhook\"}"), 200);
	/* Forged and unsigned ones are refused and store nothing. */
	assert_int_equal(webhook(&f, "invalid", "{\"MessageSid\": \"SMfake\", "
	    "\"From\": \"+36307654321\", \"Body\": \"forged\"}"), 403);
	assert_int_equal(webhook(&f, "missing", "{\"MessageSid\": \"SMfak2\", "
	    "\"From\": \"+36307654321\", \"Body\": \"unsigned\"}"), 403);
	/* A few more polling rounds bring nothing twice. */
	fx_idle(&f, 2500);
	assert_int_equal(inbound_rows(&f), 2);
	fx_stop(&f);
}

static void
test_e2e_close_after_post(void **state)
{
	struct fx f;
	struct store_message m;

	/* The second POST on the kept-alive connection is read, the message
	 * created, and the connection closed before any reply. */
	fx_start(&f, "max_requests = 1\nrate = 0\n");
	json_decref(fake_call(&f.loop, &fake, "POST", "/_fake/script",
	    "{\"rules\": [{\"method\": \"POST\", \"path\": \"Messages\", "
	    "\"action\": \"close\", \"create\": true, \"skip\": 1}]}"));
	queue(&f, "+36301230000", "one");
	fx_until(&f, all_submitted, 20000, "the first message");
	queue(&f, "+36301230000", "two");
	fx_until(&f, all_submitted, 20000, "the second message");
	assert_int_equal(creations(&f, "two"), 1);
	assert_int_equal(state_of(&f, f.ids[1], &m) >= MSG_SUBMITTED, 1);
	assert_memory_equal(m.remote_ref, "SM", 2);
	store_message_fini(&m);
	fx_stop(&f);
}

static void
test_e2e_bulk_rate(void **state)
{
	struct fx f;
	json_t *reqs;
	double t[256];
	char body[32];
	size_t i, n;
	const size_t total = 120, rate = 40;
	double shortest = 1e9;

	fx_start(&f, "rate = 40\nmax_requests = 8\n");
	for (i = 0; i < total; i++) {
		snprintf(body, sizeof body, "bulk %zu", i);
		queue(&f, "+36301230000", body);
	}
	fx_until(&f, all_submitted, 60000, "the bulk");
	reqs = fake_requests(&f.loop, &fake, "POST", "/Messages.json");
	n = json_array_size(reqs);
	assert_int_equal(n, total);
	for (i = 0; i < n; i++)
		t[i] = json_real_value(json_object_get(json_array_get(reqs, i),
		    "t"));
	json_decref(reqs);
	/* As the server saw them: the (rate+1)-th creation after any one
	 * is a second later.  The fake stamps requests from Python threads,
	 * which a loaded machine delays by tens of milliseconds: 0.1 s of
	 * that is forgiven here.  The exact bound, on the time requests
	 * leave, is test_provider_rate_limit_clock's. */
	for (i = 0; i + rate < n; i++) {
		if (t[i + rate] - t[i] < 0.9)
			fail_msg("%zu creations within %.3f s", rate + 1,
			    t[i + rate] - t[i]);
		if (t[i + rate] - t[i] < shortest)
			shortest = t[i + rate] - t[i];
	}
	printf("# shortest span of %zu creations: %.3f s\n", rate + 1,
	    shortest);
	fx_stop(&f);
}

/* A webhook to path, signed over https://sms.example.com<path>. */
static int
webhook_to(struct fx *f, const char *path, const char *params)
{
	char j[2048];
	json_t *r;
	int status;

	snprintf(j, sizeof j, "{\"url\": \"http://127.0.0.1:%d%s\", "
	    "\"public\": \"https://sms.example.com%s\", \"signature\": "
	    "\"valid\", \"params\": %s}", f->hook_port, path, path, params);
	r = fake_call(&f->loop, &fake, "POST", "/_fake/webhook", j);
	status = (int)json_integer_value(json_object_get(r, "status"));
	json_decref(r);
	return status;
}

/* A status callback for sid. */
static void
callback(struct fx *f, const char *sid, const char *status,
    const char *code)
{
	char params[512];

	snprintf(params, sizeof params, "{\"MessageSid\": \"%s\", "
	    "\"SmsSid\": \"%s\", \"MessageStatus\": \"%s\", \"SmsStatus\": "
	    "\"%s\", \"From\": \"" FROM "\", \"To\": \"+36301230000\", "
	    "\"AccountSid\": \"" ACCOUNT "\"%s%s%s}", sid, sid, status, status,
	    code != NULL ? ", \"ErrorCode\": \"" : "", code != NULL ? code : "",
	    code != NULL ? "\"" : "");
	assert_int_equal(webhook_to(f, "/status", params), 200);
}

static bool
first_final(struct fx *f)
{
	return msg_state_is_final(state_of(f, f->ids[0], NULL));
}

static bool
second_final(struct fx *f)
{
	return msg_state_is_final(state_of(f, f->ids[1], NULL));
}

/*
 * Twilio's status callbacks arrive late, twice and out of order: the
 * message ends in its furthest state and stays there.  An undelivered one
 * keeps the reason, naming the code.  A permanent error on creation
 * (21610: the recipient sent STOP) fails the message with a sentence.
 */
static void
test_e2e_status_callbacks(void **state)
{
	struct fx f;
	struct store_message m;
	char sid[2][80];
	size_t i;
	bool opted;

	fx_start(&f, "status_callback = https://sms.example.com/status\n");
	queue(&f, "+36301230000", "callbacks one");
	queue(&f, "+36301230000", "callbacks two");
	fx_until(&f, all_submitted, 20000, "the messages to be submitted");
	for (i = 0; i < 2; i++) {
		state_of(&f, f.ids[i], &m);
		snprintf(sid[i], sizeof sid[i], "%s", m.remote_ref);
		store_message_fini(&m);
	}
	callback(&f, sid[0], "sent", NULL);
	callback(&f, sid[0], "delivered", NULL);
	callback(&f, sid[0], "sent", NULL);		/* late */
	callback(&f, sid[0], "queued", NULL);		/* later still */
	callback(&f, sid[0], "delivered", NULL);	/* twice */
	fx_until(&f, first_final, 5000, "the first to be delivered");
	/* A late failure never undoes a delivery. */
	callback(&f, sid[0], "undelivered", "30003");
	callback(&f, sid[1], "undelivered", "30005");
	callback(&f, sid[1], "sent", NULL);
	fx_until(&f, second_final, 5000, "the second to be undelivered");
	fx_idle(&f, 300);
	assert_int_equal(state_of(&f, f.ids[0], NULL), MSG_DELIVERED);
	assert_int_equal(state_of(&f, f.ids[1], &m), MSG_UNDELIVERED);
	assert_int_equal(m.error_code, 30005);
	assert_non_null(strstr(m.error_text, "Twilio error 30005"));
	store_message_fini(&m);
	/* 21610 from Twilio's create: failed at once, not retried. */
	queue(&f, "+15005550004", "to someone who sent STOP");
	fx_until(&f, all_submitted, 20000, "the third to fail");
	assert_int_equal(state_of(&f, f.ids[2], &m), MSG_FAILED);
	assert_int_equal(m.error_code, 21610);
	assert_non_null(strstr(m.error_text, "opted out"));
	assert_non_null(strstr(m.error_text, "Twilio error 21610"));
	store_message_fini(&m);
	/* ... and the number is opted out here too: the next send to it is
	 * refused before it reaches the provider. */
	assert_int_equal(store_optout_get(f.st, "+15005550004", &opted, NULL,
	    NULL), 0);
	assert_true(opted);
	assert_int_equal(store_optout_get(f.st, "+36301230000", &opted, NULL,
	    NULL), 0);
	assert_false(opted);
	fx_stop(&f);
}

/* An MMS by webhook: its text and a line for each picture are stored,
 * unicode intact. */
static void
test_e2e_mms_webhook(void **state)
{
	struct fx f;
	struct store_messages ms;
	int64_t thread;

	fx_start(&f, "");
	f.peer = "+36307654329";
	assert_int_equal(webhook_to(&f, "/in", "{\"MessageSid\": "
	    "\"MMe2e1\", \"From\": \"+36307654329\", \"To\": \"" FROM "\", "
	    "\"Body\": \"\\u00c1rv\\u00edzt\\u0171r\\u0151 \\ud83c\\udf0a\", "
	    "\"NumMedia\": \"1\", \"NumSegments\": \"1\", "
	    "\"MediaUrl0\": \"https://api.twilio.com/m/ME9\", "
	    "\"MediaContentType0\": \"image/jpeg\"}"), 200);
	f.want = 1;
	fx_until(&f, inbound_reached, 5000, "the MMS");
	assert_int_equal(store_thread_find(f.st, f.peer, &thread, NULL), 0);
	assert_int_equal(store_message_page(f.st, thread, 0, 10, &ms, NULL),
	    0);
	assert_int_equal(ms.n, 1);
	assert_string_equal(ms.v[0].body, "\xc3\x81rv\xc3\xadzt\xc5\xb1r"
	    "\xc5\x91 \xf0\x9f\x8c\x8a\n"
	    "[attachment image/jpeg: https://api.twilio.com/m/ME9]");
	assert_string_equal(ms.v[0].remote_ref, "MMe2e1");
	store_messages_fini(&ms);
	fx_stop(&f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_e2e_send_and_deliver),
		cmocka_unit_test(test_e2e_inbound_once),
		cmocka_unit_test(test_e2e_close_after_post),
		cmocka_unit_test(test_e2e_bulk_rate),
		cmocka_unit_test(test_e2e_status_callbacks),
		cmocka_unit_test(test_e2e_mms_webhook),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
