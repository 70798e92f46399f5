/*
 * Tests for provider/: the Twilio backend (and Plivo through the same
 * table) against the loopback fake tests/fakes/provider-fake.py: sending,
 * error mapping, 401, 429 with Retry-After, 5xx, slow replies, a reset
 * after the POST was read (exactly one creation), reconcile, paging,
 * inbound by polling and webhook, signatures, status, the rate limit.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <cmocka.h>

#include "provider-harness.h"
#include "provider/http.h"
#include "provider/private.h"
#include "provider/provider.h"
#include "util/loop.h"

#define ACCOUNT "AC00000000000000000000000000000000"
#define TOKEN "test-token"
#define FROM "+15550001111"

static struct fake fake;

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

/* Forget the fake's requests and messages before each test. */
static int
reset_fake(void **state)
{
	struct harness *h = calloc(1, sizeof *h);
	json_t *r;

	uv_loop_init(&h->loop);
	r = fake_call(&h->loop, &fake, "POST", "/_fake/reset", "{}");
	json_decref(r);
	uv_loop_close(&h->loop);
	free(h);
	*state = NULL;
	return r != NULL ? 0 : -1;
}

/* The INI for a twilio backend on the fake, with extra lines. */
static const char *
ini(const char *type, const char *extra)
{
	static const char *const defaults[][2] = {
		{ "timeout", "2" }, { "rate", "0" }, { "poll_interval", "0" },
	};
	static char text[2048];
	char key[32];
	size_t i, n;

	if (extra == NULL)
		extra = "";
	n = (size_t)snprintf(text, sizeof text,
	    "[backend.tw]\n"
	    "type = %s\n"
	    "api_base = %s\n"
	    "account_sid = " ACCOUNT "\n"
	    "token_file = %s\n"
	    "from = " FROM "\n"
	    "%s",
	    type, fake.base, fake.token_file, extra);
	for (i = 0; i < sizeof defaults / sizeof defaults[0]; i++) {
		snprintf(key, sizeof key, "%s =", defaults[i][0]);
		if (strstr(extra, key) == NULL)
			n += (size_t)snprintf(text + n, sizeof text - n,
			    "%s %s\n", key, defaults[i][1]);
	}
	return text;
}

static struct harness *
open_twilio(const char *extra)
{
	struct harness *h = calloc(1, sizeof *h);

	assert_non_null(h);
	assert_int_equal(harness_open(h, &twilio_backend_ops, "tw",
	    ini("twilio", extra)), 0);
	return h;
}

static void
done(struct harness *h)
{
	harness_close(h);
	free(h);
}

static void
script(struct harness *h, const char *rules)
{
	json_decref(fake_call(&h->loop, &fake, "POST", "/_fake/script", rules));
}

static bool
n_outcomes(struct harness *h, void *data)
{
	return h->n_submitted + h->n_failed >= *(int *)data;
}

static bool
n_inbound(struct harness *h, void *data)
{
	return h->n_inbound >= *(int *)data;
}

static bool
n_status(struct harness *h, void *data)
{
	return h->n_status >= *(int *)data;
}

static bool
state_up(struct harness *h, void *data)
{
	return h->n_state > 0 && h->state == BACKEND_UP;
}

static bool
state_down(struct harness *h, void *data)
{
	return h->n_state > 0 && h->state == BACKEND_DOWN;
}

static void
wait_outcomes(struct harness *h, int n)
{
	assert_true(harness_run(h, n_outcomes, &n, 20000));
}

/* How many POSTs asking to create a message with this body the fake
 * saw. */
static size_t
posts(struct harness *h, const char *body)
{
	json_t *reqs = fake_requests(&h->loop, &fake, "POST",
	    "/Messages.json"), *r;
	size_t i, n = 0;

	json_array_foreach(reqs, i, r) {
		const char *b = json_string_value(json_object_get(
		    json_object_get(r, "form"), "Body"));

		if (b != NULL && strcmp(b, body) == 0)
			n++;
	}
	json_decref(reqs);
	return n;
}

/* How many messages with this body the fake created (billed). */
static size_t
creations(struct harness *h, const char *body)
{
	json_t *msgs = fake_call(&h->loop, &fake, "GET", "/_fake/messages",
	    NULL), *m;
	size_t i, n = 0;

	json_array_foreach(msgs, i, m) {
		const char *b = json_string_value(json_object_get(m, "body"));

		if (b != NULL && strcmp(b, body) == 0)
			n++;
	}
	json_decref(msgs);
	return n;
}

static void
test_provider_config_errors(void **state)
{
	struct harness h;

	assert_int_equal(harness_open(&h, &twilio_backend_ops, "tw",
	    "[backend.tw]\ntype = twilio\naccount_sid = ACnothex\n"
	    "from = +1555\n"), SMS_ECONFIG);
	harness_close(&h);
	setenv("SMS_INBOX_TW_TOKEN", "x", 1);
	assert_int_equal(harness_open(&h, &twilio_backend_ops, "tw",
	    "[backend.tw]\ntype = twilio\naccount_sid = " ACCOUNT "\n"),
	    SMS_ECONFIG);
	harness_close(&h);
	assert_int_equal(harness_open(&h, &twilio_backend_ops, "tw",
	    "[backend.tw]\ntype = twilio\naccount_sid = " ACCOUNT "\n"
	    "from = +1555\napi_base = ftp://x\n"), SMS_ECONFIG);
	harness_close(&h);
	/* The token from the environment is enough. */
	assert_int_equal(harness_open(&h, &twilio_backend_ops, "tw",
	    "[backend.tw]\ntype = twilio\naccount_sid = " ACCOUNT "\n"
	    "from = +1555\npoll_interval = 0\n"), 0);
	harness_close(&h);
	unsetenv("SMS_INBOX_TW_TOKEN");
	assert_int_equal(harness_open(&h, &twilio_backend_ops, "tw",
	    "[backend.tw]\ntype = twilio\naccount_sid = " ACCOUNT "\n"
	    "from = +1555\n"), SMS_ECONFIG);
	harness_close(&h);
}

static void
test_provider_send(void **state)
{
	struct harness *h = open_twilio("status_callback = "
	    "https://example.com/status\n");
	json_t *reqs, *form;

	assert_int_equal(harness_submit(h, 7, "+36301234567",
	    "Hello & goodbye, ünïcode 😀"), 0);
	wait_outcomes(h, 1);
	assert_int_equal(h->n_submitted, 1);
	assert_int_equal(h->submitted[0].msg_id, 7);
	assert_memory_equal(h->submitted[0].ref, "SM", 2);
	reqs = fake_requests(&h->loop, &fake, "POST", "/Messages.json");
	assert_int_equal(json_array_size(reqs), 1);
	form = json_object_get(json_array_get(reqs, 0), "form");
	assert_string_equal(json_string_value(json_object_get(form, "To")),
	    "+36301234567");
	assert_string_equal(json_string_value(json_object_get(form, "From")),
	    FROM);
	assert_string_equal(json_string_value(json_object_get(form, "Body")),
	    "Hello & goodbye, ünïcode 😀");
	assert_string_equal(json_string_value(json_object_get(form,
	    "StatusCallback")), "https://example.com/status");
	/* No "Expect: 100-continue" round trip. */
	assert_true(json_is_null(json_object_get(json_array_get(reqs, 0),
	    "expect")));
	json_decref(reqs);
	done(h);
}

static void
test_provider_permanent_errors(void **state)
{
	static const struct {
		const char *to;
		int code;
		const char *words;
	} cases[] = {
		{ "+15005550001", 21211, "not a valid phone number" },
		{ "+15005550003", 21408, "region" },
		{ "+15005550004", 21610, "opted out" },
		{ "+15005550009", 21614, "not a mobile number" },
	};
	struct harness *h = open_twilio(NULL);
	char want[32];
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		assert_int_equal(harness_submit(h, (int64_t)i + 1,
		    cases[i].to, "x"), 0);
		wait_outcomes(h, (int)i + 1);
		assert_int_equal(h->n_failed, (int)i + 1);
		assert_false(h->failed[i].transient);
		assert_int_equal(h->failed[i].code, cases[i].code);
		assert_non_null(strstr(h->failed[i].text, cases[i].words));
		snprintf(want, sizeof want, "Twilio error %d", cases[i].code);
		assert_non_null(strstr(h->failed[i].text, want));
	}
	assert_int_equal(h->n_submitted, 0);
	assert_int_equal(h->state, BACKEND_UP);
	done(h);
}

static void
test_provider_unauthorized(void **state)
{
	struct harness *h = calloc(1, sizeof *h);
	char bad[160], text[2048];
	struct backend_health hl;
	struct backend_msg m;
	struct sms_err err;
	FILE *fp;

	snprintf(bad, sizeof bad, "%s/bad-token", fake.dir);
	fp = fopen(bad, "w");
	assert_non_null(fp);
	fputs("wrong\n", fp);
	fclose(fp);
	chmod(bad, 0600);
	snprintf(text, sizeof text,
	    "[backend.tw]\ntype = twilio\napi_base = %s\n"
	    "account_sid = " ACCOUNT "\ntoken_file = %s\n"
	    "from = " FROM "\npoll_interval = 0\nrate = 0\n",
	    fake.base, bad);
	assert_int_equal(harness_open(h, &twilio_backend_ops, "tw", text), 0);
	/* The first listing is the credentials probe: refused, the backend
	 * is down at once and says why. */
	assert_true(harness_run(h, state_down, NULL, 20000));
	h->b.ops->health(&h->b, &hl);
	assert_int_equal(hl.state, BACKEND_DOWN);
	assert_non_null(strstr(hl.detail, "credentials"));
	assert_false(h->b.ops->ready(&h->b));
	memset(&m, 0, sizeof m);
	m.id = 1;
	m.to = "+36301234567";
	m.body = "x";
	assert_int_equal(h->b.ops->submit(&h->b, &m, &err), SMS_EBUSY);
	assert_int_equal(posts(h, "x"), 0);
	done(h);
}

static void
test_provider_429_retry_after(void **state)
{
	struct harness *h = open_twilio(NULL);

	script(h, "{\"rules\": [{\"method\": \"POST\", \"path\": "
	    "\"Messages\", \"status\": 429, \"retry_after\": \"3\", "
	    "\"body\": {\"code\": 20429, \"message\": \"Too Many Requests\"}}"
	    "]}");
	assert_int_equal(harness_submit(h, 1, "+36301234567", "x"), 0);
	wait_outcomes(h, 1);
	assert_int_equal(h->n_failed, 1);
	assert_true(h->failed[0].transient);
	assert_int_equal(h->failed[0].retry_after, 3);
	/* Sending holds until Retry-After has passed. */
	assert_false(h->b.ops->ready(&h->b));
	assert_true(h->b.ops->next_ready(&h->b) > 1000);
	assert_int_equal(posts(h, "x"), 1);
	assert_int_equal(creations(h, "x"), 0);
	done(h);
}

static void
test_provider_5xx_reconciles(void **state)
{
	struct harness *h = open_twilio(NULL);

	/* 500 after creating it: found by listing and adopted, not sent
	 * again. */
	script(h, "{\"rules\": [{\"method\": \"POST\", \"path\": "
	    "\"Messages\", \"status\": 500, \"create\": true}]}");
	assert_int_equal(harness_submit(h, 1, "+36301234567", "five"), 0);
	wait_outcomes(h, 1);
	assert_int_equal(h->n_submitted, 1);
	assert_int_equal(posts(h, "five"), 1);
	assert_int_equal(creations(h, "five"), 1);
	/* 503 without creating: transient after the listing found
	 * nothing. */
	script(h, "{\"rules\": [{\"method\": \"POST\", \"path\": "
	    "\"Messages\", \"status\": 503, \"retry_after\": \"1\"}]}");
	assert_int_equal(harness_submit(h, 2, "+36301234567", "six"), 0);
	wait_outcomes(h, 2);
	assert_int_equal(h->n_failed, 1);
	assert_int_equal(h->failed[0].msg_id, 2);
	assert_true(h->failed[0].transient);
	/* The server's Retry-After and answer reach the engine. */
	assert_int_equal(h->failed[0].retry_after, 1);
	assert_int_equal(h->failed[0].code, 503);
	assert_non_null(strstr(h->failed[0].text, "HTTP 503"));
	assert_int_equal(posts(h, "six"), 1);
	assert_int_equal(creations(h, "six"), 0);
	done(h);
}

static void
test_provider_reset_after_post(void **state)
{
	struct harness *h = open_twilio("max_requests = 1\ntimeout = 1\n");
	json_t *msgs;
	size_t i, n = 0;
	json_t *m;
	const char *sid = NULL;

	/* The first POST opens the connection; the second, on the reused
	 * connection, is read (and the message created) and the connection
	 * reset before any reply.  libcurl 7.88 would send it again on a
	 * fresh connection; we must not. */
	script(h, "{\"rules\": [{\"method\": \"POST\", \"path\": "
	    "\"Messages\", \"action\": \"reset\", \"create\": true, "
	    "\"skip\": 1}]}");
	assert_int_equal(harness_submit(h, 1, "+36301234567", "first"), 0);
	wait_outcomes(h, 1);
	assert_int_equal(harness_submit(h, 2, "+36301234567", "second"), 0);
	wait_outcomes(h, 2);
	assert_int_equal(h->n_submitted, 2);
	assert_int_equal(h->submitted[1].msg_id, 2);
	assert_int_equal(posts(h, "second"), 1);
	assert_int_equal(creations(h, "second"), 1);
	msgs = fake_call(&h->loop, &fake, "GET", "/_fake/messages", NULL);
	json_array_foreach(msgs, i, m) {
		if (strcmp(json_string_value(json_object_get(m, "body")),
		    "second") == 0) {
			n++;
			sid = json_string_value(json_object_get(m, "sid"));
			assert_string_equal(h->submitted[1].ref, sid);
		}
	}
	assert_int_equal(n, 1);
	json_decref(msgs);

	/* Reset without creating: it did not go out, so sending again is
	 * right, and the engine is told so. */
	script(h, "{\"rules\": [{\"method\": \"POST\", \"path\": "
	    "\"Messages\", \"action\": \"reset\", \"skip\": 1}]}");
	assert_int_equal(harness_submit(h, 3, "+36301234567", "third"), 0);
	wait_outcomes(h, 3);
	assert_int_equal(harness_submit(h, 4, "+36301234567", "fourth"), 0);
	wait_outcomes(h, 4);
	assert_int_equal(h->n_failed, 1);
	assert_int_equal(h->failed[0].msg_id, 4);
	assert_true(h->failed[0].transient);
	assert_int_equal(posts(h, "fourth"), 1);
	assert_int_equal(creations(h, "fourth"), 0);

	/* The same with an orderly close (FIN) instead of a reset: this is
	 * the case where libcurl reads end-of-file and re-sends. */
	script(h, "{\"rules\": [{\"method\": \"POST\", \"path\": "
	    "\"Messages\", \"action\": \"close\", \"create\": true, "
	    "\"skip\": 1}]}");
	assert_int_equal(harness_submit(h, 5, "+36301234567", "fifth"), 0);
	wait_outcomes(h, 5);
	assert_int_equal(harness_submit(h, 6, "+36301234567", "sixth"), 0);
	wait_outcomes(h, 6);
	assert_int_equal(h->n_submitted, 5);
	assert_int_equal(h->submitted[4].msg_id, 6);
	assert_int_equal(posts(h, "sixth"), 1);
	assert_int_equal(creations(h, "sixth"), 1);
	done(h);
}

static void
test_provider_slow_reply(void **state)
{
	struct harness *h = open_twilio("timeout = 1\n");

	/* The server takes longer than our timeout and creates the message
	 * anyway: we look before sending again, and find it. */
	script(h, "{\"rules\": [{\"method\": \"POST\", \"path\": "
	    "\"Messages\", \"action\": \"slow\", \"delay_ms\": 1500}]}");
	assert_int_equal(harness_submit(h, 1, "+36301234567", "slow"), 0);
	wait_outcomes(h, 1);
	assert_int_equal(h->n_submitted, 1);
	assert_int_equal(posts(h, "slow"), 1);
	assert_int_equal(creations(h, "slow"), 1);
	done(h);
}

static void
test_provider_reconcile(void **state)
{
	struct harness *h = open_twilio(NULL);
	struct backend_msg m;
	struct sms_err err;
	char sid[80];

	assert_int_equal(harness_submit(h, 1, "+36301234567", "crash"), 0);
	wait_outcomes(h, 1);
	snprintf(sid, sizeof sid, "%s", h->submitted[0].ref);
	done(h);

	/* A new process: the store says message 1 was left "sending". */
	h = open_twilio(NULL);
	memset(&m, 0, sizeof m);
	m.id = 1;
	m.to = "+36301234567";
	m.body = "crash";
	m.created_at = time(NULL) - 5;
	assert_int_equal(h->b.ops->reconcile(&h->b, &m, &err), 0);
	wait_outcomes(h, 1);
	assert_int_equal(h->n_submitted, 1);
	assert_string_equal(h->submitted[0].ref, sid);
	/* One that never went out is sent again. */
	m.id = 2;
	m.body = "never sent";
	assert_int_equal(h->b.ops->reconcile(&h->b, &m, &err), 0);
	wait_outcomes(h, 2);
	assert_int_equal(h->n_failed, 1);
	assert_true(h->failed[0].transient);
	assert_int_equal(posts(h, "crash"), 1);
	assert_int_equal(creations(h, "crash"), 1);
	done(h);
}

static void
add_inbound(struct harness *h, const char *from, const char *body)
{
	char j[512];

	snprintf(j, sizeof j, "{\"from\": \"%s\", \"to\": \"" FROM "\", "
	    "\"body\": \"%s\"}", from, body);
	json_decref(fake_call(&h->loop, &fake, "POST", "/_fake/inbound", j));
}

static void
test_provider_inbound_paging(void **state)
{
	struct harness *h = calloc(1, sizeof *h);
	char body[32];
	int i, j, want = 150, lists;
	json_t *reqs;

	uv_loop_init(&h->loop);
	for (i = 0; i < want; i++) {
		snprintf(body, sizeof body, "in %d", i);
		add_inbound(h, "+36309999999", body);
	}
	uv_loop_close(&h->loop);
	free(h);
	h = open_twilio("poll_interval = 1\n");
	h->refuse_inbound = 1;	/* one is not stored the first time */
	assert_true(harness_run(h, n_inbound, &want, 20000));
	/* Two more rounds: nothing offered twice. */
	reqs = fake_requests(&h->loop, &fake, "GET", "/Messages.json");
	lists = (int)json_array_size(reqs);
	json_decref(reqs);
	assert_true(lists >= 2);	/* 100 a page: two pages */
	harness_idle(h, 2500);
	assert_int_equal(h->n_inbound, want);
	for (i = 0; i < want; i++)
		for (j = i + 1; j < want; j++)
			assert_string_not_equal(h->inbound[i].ref,
			    h->inbound[j].ref);
	reqs = fake_requests(&h->loop, &fake, "GET", "/Messages.json");
	assert_true(json_array_size(reqs) > (size_t)lists);
	/* Listing asks for messages to our number since a day. */
	assert_string_equal(json_string_value(json_array_get(json_object_get(
	    json_object_get(json_array_get(reqs, 0), "query"), "To"), 0)),
	    FROM);
	assert_non_null(json_object_get(json_object_get(json_array_get(reqs,
	    0), "query"), "DateSent>"));
	json_decref(reqs);
	done(h);
}

static int
post_webhook(struct harness *h, int port, const char *path,
    const char *public, const char *sig, const char *params,
    const char *kind)
{
	char j[2048];
	json_t *r;
	int status;

	snprintf(j, sizeof j, "{\"url\": \"http://127.0.0.1:%d%s\", "
	    "\"public\": \"%s\", \"signature\": \"%s\", \"kind\": \"%s\", "
	    "\"params\": %s}", port, path, public, sig, kind, params);
	r = fake_call(&h->loop, &fake, "POST", "/_fake/webhook", j);
	status = (int)json_integer_value(json_object_get(r, "status"));
	json_decref(r);
	return status;
}

static void
test_provider_webhooks(void **state)
{
	struct harness *h = open_twilio(
	    "webhook_listen = 127.0.0.1:0\n"
	    "webhook_url = https://example.com/sms\n"
	    "status_callback = https://example.com/sms/status\n");
	const char *in = "{\"MessageSid\": \"SMhook1\", \"From\": "
	    "\"+36301112222\", \"To\": \"" FROM "\", \"Body\": \"hi there\", "
	    "\"SmsStatus\": \"received\", \"NumSegments\": \"1\"}";
	int port = provider_backend_webhook_port(&h->b), one = 1;

	assert_true(port > 0);
	assert_int_equal(post_webhook(h, port, "/sms",
	    "https://example.com/sms", "invalid", in, "twilio"), 403);
	assert_int_equal(post_webhook(h, port, "/sms",
	    "https://example.com/sms", "missing", in, "twilio"), 403);
	/* Signed for another URL: refused too. */
	assert_int_equal(post_webhook(h, port, "/sms",
	    "https://example.com/other", "valid", in, "twilio"), 403);
	assert_int_equal(h->n_inbound, 0);
	assert_int_equal(post_webhook(h, port, "/sms",
	    "https://example.com/sms", "valid", in, "twilio"), 200);
	assert_true(harness_run(h, n_inbound, &one, 5000));
	assert_string_equal(h->inbound[0].ref, "SMhook1");
	assert_string_equal(h->inbound[0].text, "hi there");
	/* The same message again (provider retry) is not offered twice. */
	assert_int_equal(post_webhook(h, port, "/sms",
	    "https://example.com/sms", "valid", in, "twilio"), 200);
	assert_int_equal(h->n_inbound, 1);
	/* Not stored: 503, so the provider tries again. */
	h->refuse_inbound = 1;
	assert_int_equal(post_webhook(h, port, "/sms",
	    "https://example.com/sms", "valid",
	    "{\"MessageSid\": \"SMhook2\", \"From\": \"+36301112222\", "
	    "\"Body\": \"b\"}", "twilio"), 503);
	/* A status callback, signed over status_callback's URL. */
	assert_int_equal(post_webhook(h, port, "/sms/status",
	    "https://example.com/sms/status", "valid",
	    "{\"MessageSid\": \"SMout1\", \"MessageStatus\": \"undelivered\", "
	    "\"ErrorCode\": \"30003\"}", "twilio"), 200);
	assert_true(harness_run(h, n_status, &one, 5000));
	assert_int_equal(h->status[0].state, MSG_UNDELIVERED);
	assert_int_equal(h->status[0].code, 30003);
	assert_non_null(strstr(h->status[0].text, "unreachable"));
	assert_int_equal(post_webhook(h, port, "/sms/status",
	    "https://example.com/sms/status", "invalid",
	    "{\"MessageSid\": \"SMout1\", \"MessageStatus\": \"delivered\"}",
	    "twilio"), 403);
	assert_int_equal(h->n_status, 1);
	done(h);
}

static bool
is_ready(struct harness *h, void *data)
{
	return h->b.ops->ready(&h->b);
}

/* 401 and 403 on a send are the account's fault, not the message's: the
 * backend goes down at once saying what to check, and the message is
 * only put back (transient). */
static void
test_provider_forbidden(void **state)
{
	static const char *const replies[] = {
		"\"status\": 403, \"body\": {\"code\": 20003, \"message\": "
		    "\"Authenticate\", \"status\": 403}",
		"\"status\": 401, \"body\": {}",
		"\"status\": 403, \"body\": {\"code\": 20005, \"message\": "
		    "\"Account not active\", \"status\": 403}",
	};
	struct backend_health hl;
	char rule[512];
	size_t i;

	for (i = 0; i < sizeof replies / sizeof replies[0]; i++) {
		struct harness *h = open_twilio(NULL);

		snprintf(rule, sizeof rule, "{\"rules\": [{\"method\": "
		    "\"POST\", \"path\": \"Messages\", %s}]}", replies[i]);
		script(h, rule);
		assert_int_equal(harness_submit(h, 1, "+36301234567", "x"), 0);
		wait_outcomes(h, 1);
		assert_int_equal(h->n_failed, 1);
		assert_true(h->failed[0].transient);
		assert_int_equal(h->failed[0].code, i == 2 ? 20005 : 20003);
		assert_non_null(strstr(h->failed[0].text, "account_sid"));
		assert_non_null(strstr(h->failed[0].text, "[backend.tw]"));
		assert_int_equal(h->state, BACKEND_DOWN);
		h->b.ops->health(&h->b, &hl);
		assert_non_null(strstr(hl.detail, "Twilio error"));
		assert_false(h->b.ops->ready(&h->b));
		done(h);
	}
}

/* 429 without Retry-After: hold 1 s, then 2 s while it goes on, and tell
 * the engine so; a success ends it.  Twilio never processes a 429'd
 * request, so nothing is looked up before sending again. */
static void
test_provider_429_backoff(void **state)
{
	struct harness *h = open_twilio(NULL);

	script(h, "{\"rules\": [{\"method\": \"POST\", \"path\": "
	    "\"Messages\", \"status\": 429, \"times\": 2, "
	    "\"body\": {\"code\": 20429, \"message\": \"Too Many Requests\"}}"
	    "]}");
	assert_int_equal(harness_submit(h, 1, "+36301234567", "a"), 0);
	wait_outcomes(h, 1);
	assert_true(h->failed[0].transient);
	assert_int_equal(h->failed[0].retry_after, 1);
	assert_int_equal(h->failed[0].code, 20429);
	assert_non_null(strstr(h->failed[0].text, "Twilio error 20429"));
	assert_false(h->b.ops->ready(&h->b));
	assert_true(harness_run(h, is_ready, NULL, 20000));
	assert_int_equal(harness_submit(h, 2, "+36301234567", "b"), 0);
	wait_outcomes(h, 2);
	assert_int_equal(h->failed[1].retry_after, 2);
	assert_true(h->b.ops->next_ready(&h->b) > 1000);
	assert_true(harness_run(h, is_ready, NULL, 20000));
	assert_int_equal(harness_submit(h, 3, "+36301234567", "c"), 0);
	wait_outcomes(h, 3);
	assert_int_equal(h->n_submitted, 1);
	assert_int_equal(h->state, BACKEND_UP);
	/* No listing was made to look for the 429'd ones. */
	assert_int_equal(creations(h, "a") + creations(h, "b"), 0);
	assert_int_equal(posts(h, "a") + posts(h, "b"), 2);
	done(h);
}

/* Call the fake's webhook sender; the whole answer (caller decrefs). */
static json_t *
webhook_answer(struct harness *h, int port, const char *path,
    const char *public, const char *params)
{
	char j[4096];

	snprintf(j, sizeof j, "{\"url\": \"http://127.0.0.1:%d%s\", "
	    "\"public\": \"%s\", \"signature\": \"valid\", \"kind\": "
	    "\"twilio\", \"params\": %s}", port, path, public, params);
	return fake_call(&h->loop, &fake, "POST", "/_fake/webhook", j);
}

/* What Twilio really sends: an MMS with two pictures and unicode text,
 * signed over the public URL with the default port written out (Twilio
 * signs either form); answered at once with empty TwiML as text/xml. */
static void
test_provider_webhook_mms(void **state)
{
	struct harness *h = open_twilio(
	    "webhook_listen = 127.0.0.1:0\n"
	    "webhook_url = https://inbox.example.com/twilio/sms\n");
	const char *mms = "{\"MessageSid\": \"MMhook1\", \"SmsSid\": "
	    "\"MMhook1\", \"AccountSid\": \"" ACCOUNT "\", \"From\": "
	    "\"+36301112222\", \"To\": \"" FROM "\", \"Body\": \"N\\u00e9zd "
	    "\\ud83d\\ude00\", \"NumMedia\": \"2\", \"NumSegments\": \"1\", "
	    "\"SmsStatus\": \"received\", \"ApiVersion\": \"2010-04-01\", "
	    "\"MediaUrl0\": \"https://api.twilio.com/m/ME1\", "
	    "\"MediaContentType0\": \"image/jpeg\", "
	    "\"MediaUrl1\": \"https://api.twilio.com/m/ME2\", "
	    "\"MediaContentType1\": \"image/png\", "
	    "\"FromCountry\": \"HU\", \"ToCountry\": \"US\"}";
	int port = provider_backend_webhook_port(&h->b), one = 1;
	json_t *r;

	assert_true(port > 0);
	r = webhook_answer(h, port, "/sms",
	    "https://inbox.example.com:443/twilio/sms", mms);
	assert_int_equal(json_integer_value(json_object_get(r, "status")),
	    200);
	assert_non_null(strstr(json_string_value(json_object_get(r,
	    "content_type")), "text/xml"));
	assert_non_null(strstr(json_string_value(json_object_get(r, "body")),
	    "<Response"));
	json_decref(r);
	assert_true(harness_run(h, n_inbound, &one, 5000));
	assert_string_equal(h->inbound[0].ref, "MMhook1");
	assert_string_equal(h->inbound[0].text, "N\xc3\xa9zd \xf0\x9f\x98\x80\n"
	    "[attachment image/jpeg: https://api.twilio.com/m/ME1]\n"
	    "[attachment image/png: https://api.twilio.com/m/ME2]");
	/* A picture alone: the body is empty. */
	r = webhook_answer(h, port, "/sms",
	    "https://inbox.example.com/twilio/sms",
	    "{\"MessageSid\": \"MMhook2\", \"From\": \"+36301112222\", "
	    "\"To\": \"" FROM "\", \"Body\": \"\", \"NumMedia\": \"1\", "
	    "\"MediaUrl0\": \"https://api.twilio.com/m/ME3\", "
	    "\"MediaContentType0\": \"image/gif\"}");
	assert_int_equal(json_integer_value(json_object_get(r, "status")),
	    200);
	json_decref(r);
	one = 2;
	assert_true(harness_run(h, n_inbound, &one, 5000));
	assert_string_equal(h->inbound[1].text,
	    "[attachment image/gif: https://api.twilio.com/m/ME3]");
	/* Signed for another port: refused. */
	r = webhook_answer(h, port, "/sms",
	    "https://inbox.example.com:8443/twilio/sms",
	    "{\"MessageSid\": \"MMhook3\", \"From\": \"+36301112222\", "
	    "\"Body\": \"x\"}");
	assert_int_equal(json_integer_value(json_object_get(r, "status")),
	    403);
	json_decref(r);
	assert_int_equal(h->n_inbound, 2);
	done(h);
}

/* Status callbacks as Twilio sends them: every status, late, twice, and
 * out of order.  Each is passed on (the store keeps only forward moves);
 * an error code is explained and named. */
static void
test_provider_status_callbacks(void **state)
{
	static const struct {
		const char *status, *code;
		enum msg_state want;	/* MSG_QUEUED: not passed on */
	} cb[] = {
		{ "accepted", NULL, MSG_QUEUED },
		{ "queued", NULL, MSG_QUEUED },
		{ "sent", NULL, MSG_SENT },
		{ "sending", NULL, MSG_QUEUED },	/* late */
		{ "delivered", NULL, MSG_DELIVERED },
		{ "sent", NULL, MSG_SENT },		/* late, again */
		{ "read", NULL, MSG_DELIVERED },
		{ "undelivered", "30005", MSG_UNDELIVERED },
		{ "failed", "30008", MSG_FAILED },
		{ "scheduled", NULL, MSG_QUEUED },
		{ "canceled", NULL, MSG_QUEUED },
	};
	struct harness *h = open_twilio(
	    "webhook_listen = 127.0.0.1:0\n"
	    "webhook_url = https://example.com/sms\n"
	    "status_callback = https://example.com/sms/status\n");
	int port = provider_backend_webhook_port(&h->b), n = 0;
	char params[512];
	json_t *r;
	size_t i;

	for (i = 0; i < sizeof cb / sizeof cb[0]; i++) {
		snprintf(params, sizeof params, "{\"MessageSid\": \"SMcb1\", "
		    "\"SmsSid\": \"SMcb1\", \"MessageStatus\": \"%s\", "
		    "\"SmsStatus\": \"%s\", \"From\": \"" FROM "\", \"To\": "
		    "\"+36301234567\", \"AccountSid\": \"" ACCOUNT "\"%s%s%s}",
		    cb[i].status, cb[i].status,
		    cb[i].code != NULL ? ", \"ErrorCode\": \"" : "",
		    cb[i].code != NULL ? cb[i].code : "",
		    cb[i].code != NULL ? "\"" : "");
		r = webhook_answer(h, port, "/sms/status",
		    "https://example.com/sms/status", params);
		assert_int_equal(json_integer_value(json_object_get(r,
		    "status")), 200);
		json_decref(r);
		if (cb[i].want == MSG_QUEUED) {
			harness_idle(h, 50);
			assert_int_equal(h->n_status, n);
			continue;
		}
		n++;
		assert_true(harness_run(h, n_status, &n, 5000));
		assert_int_equal(h->status[n - 1].state, cb[i].want);
		assert_string_equal(h->status[n - 1].ref, "SMcb1");
		if (cb[i].code != NULL) {
			assert_int_equal(h->status[n - 1].code,
			    atoi(cb[i].code));
			snprintf(params, sizeof params, "Twilio error %s",
			    cb[i].code);
			assert_non_null(strstr(h->status[n - 1].text, params));
		}
	}
	assert_non_null(strstr(h->status[n - 2].text, "unknown or no longer"));
	done(h);
}

/* An MMS found by polling: its attachments are noted with where the
 * provider lists them. */
static void
test_provider_poll_mms(void **state)
{
	struct harness *h = calloc(1, sizeof *h);
	int one = 1;

	uv_loop_init(&h->loop);
	json_decref(fake_call(&h->loop, &fake, "POST", "/_fake/inbound",
	    "{\"from\": \"+36309999999\", \"to\": \"" FROM "\", "
	    "\"body\": \"look\", \"num_media\": 3}"));
	uv_loop_close(&h->loop);
	free(h);
	h = open_twilio("poll_interval = 1\n");
	assert_true(harness_run(h, n_inbound, &one, 20000));
	assert_memory_equal(h->inbound[0].text, "look\n[3 attachments: ", 21);
	assert_non_null(strstr(h->inbound[0].text, "/Media.json]"));
	assert_non_null(strstr(h->inbound[0].text, fake.base));
	done(h);
}

static void
test_provider_status_polling(void **state)
{
	struct harness *h = open_twilio("poll_interval = 1\n");
	int two = 2;

	assert_int_equal(harness_submit(h, 9, "+36301234567", "track me"), 0);
	wait_outcomes(h, 1);
	/* The fake moves queued -> sent -> delivered on each fetch. */
	assert_true(harness_run(h, n_status, &two, 20000));
	assert_int_equal(h->status[0].msg_id, 9);
	assert_int_equal(h->status[0].state, MSG_SENT);
	assert_int_equal(h->status[1].state, MSG_DELIVERED);
	assert_string_equal(h->status[1].ref, h->submitted[0].ref);
	done(h);
}

/* With a rate set, a burst of submissions is still created once each and
 * exactly once.  The bound itself (no second holds more than the rate) is a
 * matter of time, checked on a test clock in
 * test_provider_rate_limit_clock: timestamps taken by the loopback fake
 * under machine load would make this test flaky, not stricter. */
static void
test_provider_rate_limit(void **state)
{
	struct harness *h = open_twilio("rate = 50\n");
	json_t *reqs;
	size_t i, k, n;
	char body[32], seen[14];
	const char *got;

	for (i = 0; i < 14; i++) {
		snprintf(body, sizeof body, "rate %zu", i);
		assert_int_equal(harness_submit(h, (int64_t)i + 1,
		    "+36301234567", body), 0);
	}
	wait_outcomes(h, 14);
	assert_int_equal(h->n_submitted, 14);
	reqs = fake_requests(&h->loop, &fake, "POST", "/Messages.json");
	n = json_array_size(reqs);
	assert_int_equal(n, 14);
	memset(seen, 0, sizeof seen);
	for (i = 0; i < n; i++) {
		got = json_string_value(json_object_get(
		    json_object_get(json_array_get(reqs, i), "form"), "Body"));
		if (got == NULL || sscanf(got, "rate %zu", &k) != 1 ||
		    k >= 14 || seen[k]++)
			fail_msg("creation %zu: unexpected or repeated body %s",
			    i, got ? got : "(none)");
	}
	json_decref(reqs);
	done(h);
}

static uint64_t test_ms;

static uint64_t
test_clock(void *data)
{
	return test_ms;
}

/* Submit msg id now and run until its outcome is in. */
static void
submit_now(struct harness *h, int64_t id, const char *from)
{
	struct backend_msg m;
	struct sms_err err;
	char body[32];
	int want = h->n_submitted + h->n_failed + 1;

	memset(&m, 0, sizeof m);
	snprintf(body, sizeof body, "clock %lld", (long long)id);
	m.id = id;
	m.to = "+36301234567";
	m.from = from;
	m.body = body;
	m.created_at = time(NULL);
	assert_int_equal(h->b.ops->submit(&h->b, &m, &err), 0);
	wait_outcomes(h, want);
}

/* The limiter on a test clock, one millisecond at a time: no window of a
 * second ever holds more than the rate, and a long run gets at least 95 %
 * of it.  No real time is measured. */
static void
test_provider_rate_limit_clock(void **state)
{
	static const struct {
		const char *rate;
		size_t k;		/* most in any one-second window */
		int secs;
		size_t min;		/* 95 % of rate * secs */
	} cases[] = {
		{ "1", 1, 20, 19 },
		{ "3", 3, 10, 29 },
		{ "2.5", 2, 10, 19 },	/* whole part: 2 */
		{ "0.5", 1, 20, 10 },
		{ "20", 20, 5, 95 },
	};
	uint64_t at[256];
	size_t c, i, n;
	uint64_t t;
	char extra[64];

	for (c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		struct harness *h;

		snprintf(extra, sizeof extra, "rate = %s\n", cases[c].rate);
		h = open_twilio(extra);
		assert_true(harness_run(h, state_up, NULL, 20000));
		test_ms = 1000000;
		loop_set_clock(test_clock, NULL, NULL);
		n = 0;
		for (t = 0; t < (uint64_t)cases[c].secs * 1000; t++) {
			test_ms = 1000000 + t;
			while (h->b.ops->ready(&h->b)) {
				assert_true(n < sizeof at / sizeof at[0]);
				assert_int_equal(h->b.ops->next_ready(&h->b),
				    0);
				at[n++] = t;
				submit_now(h, (int64_t)n, NULL);
			}
			assert_true(h->b.ops->next_ready(&h->b) > 0);
		}
		for (i = 0; i + cases[c].k < n; i++)
			if (at[i + cases[c].k] - at[i] < 1000)
				fail_msg("rate %s: %zu creations within %llu ms",
				    cases[c].rate, cases[c].k + 1,
				    (unsigned long long)(at[i + cases[c].k] -
				    at[i]));
		if (n < cases[c].min)
			fail_msg("rate %s: %zu creations in %d s, want %zu",
			    cases[c].rate, n, cases[c].secs, cases[c].min);
		/* Each sending number has its own window. */
		submit_now(h, 1000, "+15559990001");
		assert_int_equal(h->n_submitted, (int)n + 1);
		loop_set_clock(NULL, NULL, NULL);
		done(h);
	}
}

static void
test_provider_plivo(void **state)
{
	struct harness *h = calloc(1, sizeof *h);
	json_t *reqs, *body;
	int one = 1, two = 2, port;

	assert_non_null(h);
	assert_int_equal(harness_open(h, &plivo_backend_ops, "tw",
	    ini("plivo", "webhook_listen = 127.0.0.1:0\n"
	    "webhook_url = https://example.com/plivo\n"
	    "poll_interval = 1\n")), 0);
	assert_int_equal(harness_submit(h, 5, "+36301234567", "via plivo"),
	    0);
	wait_outcomes(h, 1);
	assert_int_equal(h->n_submitted, 1);
	reqs = fake_requests(&h->loop, &fake, "POST", "/v1/Account/");
	assert_int_equal(json_array_size(reqs), 1);
	body = json_object_get(json_array_get(reqs, 0), "json");
	assert_string_equal(json_string_value(json_object_get(body, "dst")),
	    "36301234567");
	assert_string_equal(json_string_value(json_object_get(body, "src")),
	    FROM + 1);
	json_decref(reqs);
	add_inbound(h, "+36305550000", "plivo in");
	assert_true(harness_run(h, n_inbound, &one, 20000));
	assert_string_equal(h->inbound[0].text, "plivo in");
	port = provider_backend_webhook_port(&h->b);
	assert_int_equal(post_webhook(h, port, "/plivo",
	    "https://example.com/plivo", "invalid",
	    "{\"MessageUUID\": \"u-1\", \"From\": \"36301112222\", "
	    "\"To\": \"15550001111\", \"Text\": \"hook\"}", "plivo"), 403);
	assert_int_equal(post_webhook(h, port, "/plivo",
	    "https://example.com/plivo", "valid",
	    "{\"MessageUUID\": \"u-1\", \"From\": \"36301112222\", "
	    "\"To\": \"15550001111\", \"Text\": \"hook\"}", "plivo"), 200);
	assert_true(harness_run(h, n_inbound, &two, 5000));
	assert_string_equal(h->inbound[1].text, "hook");
	done(h);
}

static void
test_provider_helpers(void **state)
{
	struct buf b;

	buf_init(&b, 64);
	assert_int_equal(http_form_add(&b, "To", "+36 30"), 0);
	assert_int_equal(http_form_add(&b, "Body", "a&b=c"), 0);
	assert_string_equal(b.data, "To=%2B36%2030&Body=a%26b%3Dc");
	buf_fini(&b);
	assert_int_equal(http_parse_date("Fri, 24 May 2019 17:44:46 +0000"),
	    1558719886);
	assert_int_equal(http_parse_date("2019-05-24 19:44:46+02:00"),
	    1558719886);
	assert_int_equal(http_parse_date("junk"), -1);
	assert_int_equal(http_parse_date(NULL), -1);
	assert_ptr_equal(provider_backend_ops("twilio"), &twilio_backend_ops);
	assert_ptr_equal(provider_backend_ops("plivo"), &plivo_backend_ops);
	assert_null(provider_backend_ops("modem"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_provider_helpers),
		cmocka_unit_test(test_provider_config_errors),
		cmocka_unit_test_setup(test_provider_send, reset_fake),
		cmocka_unit_test_setup(test_provider_permanent_errors,
		    reset_fake),
		cmocka_unit_test_setup(test_provider_unauthorized, reset_fake),
		cmocka_unit_test_setup(test_provider_429_retry_after,
		    reset_fake),
		cmocka_unit_test_setup(test_provider_5xx_reconciles,
		    reset_fake),
		cmocka_unit_test_setup(test_provider_reset_after_post,
		    reset_fake),
		cmocka_unit_test_setup(test_provider_slow_reply, reset_fake),
		cmocka_unit_test_setup(test_provider_reconcile, reset_fake),
		cmocka_unit_test_setup(test_provider_inbound_paging,
		    reset_fake),
		cmocka_unit_test_setup(test_provider_webhooks, reset_fake),
		cmocka_unit_test_setup(test_provider_forbidden, reset_fake),
		cmocka_unit_test_setup(test_provider_429_backoff, reset_fake),
		cmocka_unit_test_setup(test_provider_webhook_mms, reset_fake),
		cmocka_unit_test_setup(test_provider_status_callbacks,
		    reset_fake),
		cmocka_unit_test_setup(test_provider_poll_mms, reset_fake),
		cmocka_unit_test_setup(test_provider_status_polling,
		    reset_fake),
		cmocka_unit_test_setup(test_provider_rate_limit, reset_fake),
		cmocka_unit_test_setup(test_provider_rate_limit_clock,
		    reset_fake),
		cmocka_unit_test_setup(test_provider_plivo, reset_fake),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
