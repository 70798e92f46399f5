/*
 * The modem backend through the pty simulator with no network delay:
 * time from a new-message indication (+CMTI) to the message handed to
 * inbound(), to the message committed in a real store by the engine, and
 * to a keyword rule's autoreply accepted by the modem (AT+CMGS answered);
 * and sends per second (one AT+CMGS round trip per message, the prompt
 * included).  The simulator
 * is Python, so these are lower bounds for the backend's own speed.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "engine/engine.h"
#include "modem-harness.h"
#include "store/rule.h"
#include "util/conf.h"
#include "util/log.h"

#define BENCH_INBOUND 200
#define BENCH_SENDS 300

static int64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int want;

static bool
got_inbound(struct harness *h)
{
	return h->n_inbound >= want;
}

static bool
got_submitted(struct harness *h)
{
	return h->n_submitted + h->n_failed >= 1;
}

static int64_t committed_ns, submitted_ns;
static int committed, submitted;

static void
on_event(void *data, json_t *ev)
{
	const char *what = json_string_value(json_object_get(ev, "what"));

	if (what != NULL && strcmp(what, "received") == 0) {
		committed_ns = now_ns();
		committed++;
	} else if (what != NULL && strcmp(what, "submitted") == 0) {
		submitted_ns = now_ns();
		submitted++;
	}
}

static bool
got_committed(struct harness *h)
{
	return committed >= want;
}

static bool
got_reply(struct harness *h)
{
	return submitted >= want;
}

static int
cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * BENCH_INBOUND messages, each from a new sender, through an engine on a
 * real store: lat[] gets, sorted, the time from +CMTI to the message
 * committed, or with autoreply to a keyword rule's reply accepted.
 */
static int
through_engine(bool autoreply, int64_t *lat)
{
	struct harness h;
	struct store_rule r;
	struct sms_err err;
	struct conf *cfg;
	struct engine *e;
	char ini[1024], cmd[256];
	int64_t id, t0;
	int i;

	harness_start(&h, NULL);
	snprintf(ini, sizeof ini, "[store]\npath = %s/inbox.db\n"
	    "[backend.dongle]\ntype = modem\nport = %s\n"
	    "sweep_interval = 3600\nhealth_interval = 3600\n"
	    "[routing]\nprimary = dongle\n"
	    "[autoreply]\nenabled = %s\n", h.dir, h.port,
	    autoreply ? "yes" : "no");
	if (conf_load_string(&cfg, ini, "bench", &err) < 0 ||
	    engine_new(&e, &h.loop, cfg, &err) < 0) {
		fprintf(stderr, "engine: %s\n", err.msg);
		return -1;
	}
	memset(&r, 0, sizeof r);
	r.name = "hours";
	r.enabled = true;
	r.match_kind = "keyword";
	r.pattern = "HOURS";
	r.aliases = "OPEN";
	r.reply = "We are open 9-17, {number}.";
	r.cooldown = -1;
	if ((autoreply && store_rule_add(engine_store(e), &r, &id, &err) < 0) ||
	    engine_start(e, false, &err) < 0) {
		fprintf(stderr, "engine: %s\n", err.msg);
		return -1;
	}
	engine_set_listener(e, on_event, NULL);
	/* Up: the first sweep has run. */
	while (harness_ctl_int(&h, "stats", "cmgl") < 1)
		uv_run(&h.loop, UV_RUN_NOWAIT);
	for (i = 0; i < BENCH_INBOUND; i++) {
		snprintf(cmd, sizeof cmd, "{\"cmd\": \"sms\", \"from\": "
		    "\"+3630%d66%04d\", \"text\": \"hours? %d\"}",
		    autoreply, i, i);
		want = (autoreply ? submitted : committed) + 1;
		t0 = now_ns();
		json_decref(harness_ctl(&h, cmd));
		harness_run_until(&h, autoreply ? got_reply : got_committed);
		lat[i] = (autoreply ? submitted_ns : committed_ns) - t0;
	}
	qsort(lat, BENCH_INBOUND, sizeof lat[0], cmp_i64);
	engine_stop(e, NULL, NULL);
	uv_run(&h.loop, UV_RUN_DEFAULT);
	engine_free(e);
	harness_stop(&h);
	conf_free(cfg);
	return 0;
}

int
main(void)
{
	static int64_t lat[BENCH_INBOUND];
	struct harness h;
	struct backend_msg m;
	struct sms_err err;
	char cmd[256];
	int64_t t0, t1;
	int i;

	log_set_level(LOG_LEVEL_ERR);
	harness_start(&h, NULL);
	harness_open(&h, "sweep_interval = 3600\nhealth_interval = 3600\n");
	harness_run_until(&h, harness_is_up);
	h.inbound_rc = 0;

	for (i = 0; i < BENCH_INBOUND; i++) {
		snprintf(cmd, sizeof cmd, "{\"cmd\": \"sms\", \"from\": "
		    "\"+3630555%04d\", \"text\": \"bench message %d\"}", i, i);
		want = h.n_inbound + 1;
		t0 = now_ns();
		json_decref(harness_ctl(&h, cmd));
		harness_run_until(&h, got_inbound);
		lat[i] = h.inbound_ns - t0;
	}
	qsort(lat, BENCH_INBOUND, sizeof lat[0], cmp_i64);
	printf("modem inbound: +CMTI to inbound(), %d messages: median "
	    "%.2f ms, p95 %.2f ms (with the simulator's control round "
	    "trip)\n",
	    BENCH_INBOUND, lat[BENCH_INBOUND / 2] / 1e6,
	    lat[BENCH_INBOUND * 95 / 100] / 1e6);

	memset(&m, 0, sizeof m);
	m.to = "+36301112222";
	m.body = "benchmark message";
	m.attempt = 1;
	t0 = now_ns();
	for (i = 0; i < BENCH_SENDS; i++) {
		m.id = i + 1;
		h.n_submitted = h.n_failed = 0;
		while (!h.b.ops->ready(&h.b))
			uv_run(&h.loop, UV_RUN_ONCE);
		if (h.b.ops->submit(&h.b, &m, &err) < 0) {
			fprintf(stderr, "submit: %s\n", err.msg);
			return 1;
		}
		harness_run_until(&h, got_submitted);
		if (h.n_failed > 0) {
			fprintf(stderr, "send failed: %s\n", h.fail_reason);
			return 1;
		}
	}
	t1 = now_ns();
	printf("modem sends: %d single-part messages in %.2f s: %.0f sends/s\n",
	    BENCH_SENDS, (t1 - t0) / 1e9, BENCH_SENDS / ((t1 - t0) / 1e9));
	harness_stop(&h);

	/* The same through the engine into a real store (WAL, fsync as
	 * configured by the store); then with a keyword rule answering,
	 * up to the reply's AT+CMGS answered (the "submitted" event). */
	if (through_engine(false, lat) < 0)
		return 1;
	printf("modem inbound: +CMTI to committed in the store, %d "
	    "messages: median %.2f ms, p95 %.2f ms\n", BENCH_INBOUND,
	    lat[BENCH_INBOUND / 2] / 1e6, lat[BENCH_INBOUND * 95 / 100] / 1e6);
	if (through_engine(true, lat) < 0)
		return 1;
	printf("modem autoreply: +CMTI to the reply accepted by the modem, "
	    "%d messages: median %.2f ms, p95 %.2f ms (target < 50 ms)\n",
	    BENCH_INBOUND, lat[BENCH_INBOUND / 2] / 1e6,
	    lat[BENCH_INBOUND * 95 / 100] / 1e6);
	return 0;
}
