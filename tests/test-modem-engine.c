/*
 * End to end: the engine with a modem backend on the pty simulator and a
 * real store.  A queued message leaves as the right PDU and ends
 * delivered when the report comes; a 4-part UCS-2 message arriving out of
 * order is stored once, whole, and only then deleted from the SIM; an
 * unplug and replug loses nothing in either direction.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "engine/engine.h"
#include "modem-harness.h"
#include "store/message.h"
#include "store/store.h"
#include "store/thread.h"
#include "util/conf.h"

struct e2e {
	struct harness h;	/* the simulator, the loop */
	struct conf *cfg;
	struct engine *e;
	struct store *st;
	int64_t id;
	const char *peer;
	size_t want_rows;
};

static struct e2e *cur;

static void
e2e_start(struct e2e *x, const char *const *sim_args)
{
	char ini[2048];
	struct sms_err err;

	memset(x, 0, sizeof *x);
	harness_start(&x->h, sim_args);
	snprintf(ini, sizeof ini,
	    "[store]\npath = %s/inbox.db\n"
	    "[outbox]\nretry_base = 1\n"
	    "[backend.dongle]\ntype = modem\nport = %s\n"
	    "command_timeout = 2\nsweep_interval = 1\n"
	    "[routing]\nprimary = dongle\n"
	    "[autoreply]\nenabled = no\n", x->h.dir, x->h.port);
	if (conf_load_string(&x->cfg, ini, "e2e", &err) < 0)
		fail_msg("%s", err.msg);
	if (engine_new(&x->e, &x->h.loop, x->cfg, &err) < 0)
		fail_msg("engine_new: %s", err.msg);
	x->st = engine_store(x->e);
	if (engine_start(x->e, false, &err) < 0)
		fail_msg("engine_start: %s", err.msg);
	cur = x;
}

static void
e2e_stop(struct e2e *x)
{
	engine_stop(x->e, NULL, NULL);
	uv_run(&x->h.loop, UV_RUN_DEFAULT);
	engine_free(x->e);
	harness_stop(&x->h);
	conf_free(x->cfg);
}

static enum msg_state
state_of(struct e2e *x, int64_t id)
{
	struct store_message m;
	enum msg_state s;

	assert_int_equal(store_message_get(x->st, id, &m, NULL), 0);
	s = m.state;
	store_message_fini(&m);
	return s;
}

static int64_t
queue(struct e2e *x, const char *to, const char *body)
{
	struct store_outgoing o = { .to = to, .body = body, .report = true };
	struct sms_err err;
	int64_t id;

	if (store_message_queue(x->st, &o, &id, &err) < 0)
		fail_msg("queue: %s", err.msg);
	engine_wake(x->e);
	return id;
}

static bool
delivered(struct harness *h)
{
	return state_of(cur, cur->id) == MSG_DELIVERED;
}

/* The inbound rows of peer's thread. */
static size_t
inbound_rows(struct e2e *x, const char *peer, char *body, size_t size)
{
	struct store_messages ms;
	int64_t thread;
	size_t i, n = 0;

	if (store_thread_find(x->st, peer, &thread, NULL) < 0)
		return 0;
	assert_int_equal(store_message_page(x->st, thread, 0, 100, &ms, NULL),
	    0);
	for (i = 0; i < ms.n; i++) {
		if (ms.v[i].dir != MSG_IN)
			continue;
		if (body != NULL)
			snprintf(body, size, "%s", ms.v[i].body);
		n++;
	}
	store_messages_fini(&ms);
	return n;
}

static bool
rows_in_and_sim_empty(struct harness *h)
{
	return inbound_rows(cur, cur->peer, NULL, 0) >= cur->want_rows &&
	    harness_ctl_int(h, "stats", "stored") == 0;
}

static void
test_e2e_send_delivered(void **state)
{
	struct e2e x;
	json_t *r, *p;

	e2e_start(&x, NULL);
	x.id = queue(&x, "+36301112222", "Your code is 4711");
	harness_run_until(&x.h, delivered);
	r = harness_ctl(&x.h, "{\"cmd\": \"sent\"}");
	assert_int_equal(json_array_size(json_object_get(r, "sent")), 1);
	p = json_array_get(json_object_get(r, "sent"), 0);
	assert_string_equal(json_string_value(json_object_get(p, "to")),
	    "+36301112222");
	assert_string_equal(json_string_value(json_object_get(p, "text")),
	    "Your code is 4711");
	assert_true(json_is_true(json_object_get(p, "srr")));
	json_decref(r);
	e2e_stop(&x);
}

static void
test_e2e_receive_ucs2_out_of_order(void **state)
{
	static const char *const parts[] = {
		"Első rész, ", "второй кусок, ", "third ☃ part, ", "vége."
	};
	static const int order[] = { 3, 1, 4, 2 };
	struct e2e x;
	char cmd[512], body[1024];
	int i;

	e2e_start(&x, NULL);
	for (i = 0; i < 4; i++) {
		snprintf(cmd, sizeof cmd, "{\"cmd\": \"sms\", \"from\": "
		    "\"+36305556666\", \"ucs2\": true, \"concat\": [201, 4, %d], "
		    "\"text\": \"%s\"}", order[i], parts[order[i] - 1]);
		json_decref(harness_ctl(&x.h, cmd));
	}
	x.peer = "+36305556666";
	x.want_rows = 1;
	harness_run_until(&x.h, rows_in_and_sim_empty);
	/* Let the sweeps offer whatever they would offer again. */
	harness_run_for(&x.h, 1500);
	assert_int_equal(inbound_rows(&x, x.peer, body, sizeof body), 1);
	assert_string_equal(body, "Első rész, второй кусок, third ☃ part, "
	    "vége.");
	e2e_stop(&x);
}

static bool
came_back(struct harness *h)
{
	return harness_ctl_int(h, "stats", "plugged") >= 2 &&
	    state_of(cur, cur->id) == MSG_DELIVERED;
}

/* Unplugged with a message queued and one arriving on the SIM while we
 * cannot see it: after the replug both go through. */
static void
test_e2e_unplug_replug(void **state)
{
	struct e2e x;

	e2e_start(&x, NULL);
	x.id = queue(&x, "+36301112222", "before");
	harness_run_until(&x.h, delivered);
	json_decref(harness_ctl(&x.h, "{\"cmd\": \"unplug\"}"));
	harness_run_for(&x.h, 500);
	x.id = queue(&x, "+36301112222", "while unplugged");
	json_decref(harness_ctl(&x.h, "{\"cmd\": \"sms\", \"from\": "
	    "\"+36305550000\", \"text\": \"sent while away\"}"));
	harness_run_for(&x.h, 500);
	assert_int_equal(state_of(&x, x.id), MSG_QUEUED);
	json_decref(harness_ctl(&x.h, "{\"cmd\": \"replug\"}"));
	harness_run_until(&x.h, came_back);
	x.peer = "+36305550000";
	x.want_rows = 1;
	harness_run_until(&x.h, rows_in_and_sim_empty);
	assert_int_equal(inbound_rows(&x, x.peer, NULL, 0), 1);
	e2e_stop(&x);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_e2e_send_delivered),
		cmocka_unit_test(test_e2e_receive_ucs2_out_of_order),
		cmocka_unit_test(test_e2e_unplug_replug),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
