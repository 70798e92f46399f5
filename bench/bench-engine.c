/*
 * Engine figures (make bench):
 *  - inbound pipeline throughput (store, opt-out words, rules, notify) with
 *    0 and with 1,000 autoreply rules, next to bare store inserts of the
 *    same messages: what the rules cost on the inbound path;
 *  - inbound message to autoreply submitted, through the sim backend (no
 *    network delay): median and 95th percentile.
 * Each run uses a fresh store in $TMPDIR (else /dev/shm when it exists,
 * so the figures are the engine's and not the disk's fsync; else /tmp),
 * removed after.
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <uv.h>

#include "engine/engine.h"
#include "store/message.h"
#include "store/rule.h"
#include "store/store.h"
#include "util/conf.h"
#include "util/log.h"

#define N_INBOUND 3000
#define N_LATENCY 300
#define N_RULES 1000

struct run {
	char dir[256];
	uv_loop_t loop;
	struct conf *cfg;
	struct engine *e;
	/* latency */
	int64_t want_reply_to;	/* message id of the awaited reply, 0 none */
	uint64_t t0, done_at;
	bool waiting;
};

static double
now_s(void)
{
	return (double)uv_hrtime() / 1e9;
}

static void
fail(const char *what, const char *why)
{
	fprintf(stderr, "bench-engine: %s: %s\n", what, why);
	exit(1);
}

static void
run_open(struct run *r, int autoreply)
{
	const char *tmp = getenv("TMPDIR");
	char ini[1024];
	struct sms_err err;

	memset(r, 0, sizeof *r);
	if (tmp == NULL)
		tmp = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
	snprintf(r->dir, sizeof r->dir, "%s/bench-engine.XXXXXX", tmp);
	if (mkdtemp(r->dir) == NULL)
		fail("mkdtemp", "cannot create a directory");
	snprintf(ini, sizeof ini, "[store]\npath = %s/inbox.db\n"
	    "[backend.sim]\ntype = sim\ndeliver_delay = 0\nreply_delay = 0\n"
	    "[autoreply]\nenabled = %s\ncooldown = 0\ndaily_cap = 0\n",
	    r->dir, autoreply ? "yes" : "no");
	if (conf_load_string(&r->cfg, ini, "bench", &err) < 0)
		fail("config", err.msg);
	uv_loop_init(&r->loop);
	if (engine_new(&r->e, &r->loop, r->cfg, &err) < 0)
		fail("engine", err.msg);
}

static void
run_start(struct run *r)
{
	struct sms_err err;

	if (engine_start(r->e, false, &err) < 0)
		fail("engine start", err.msg);
	uv_run(&r->loop, UV_RUN_NOWAIT);
}

static void
run_close(struct run *r)
{
	char cmd[300];

	engine_stop(r->e, NULL, NULL);
	uv_run(&r->loop, UV_RUN_DEFAULT);
	engine_free(r->e);
	uv_loop_close(&r->loop);
	conf_free(r->cfg);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", r->dir);
	if (system(cmd) != 0)
		fprintf(stderr, "bench-engine: cannot remove %s\n", r->dir);
}

static void
add_rules(struct run *r, int n)
{
	struct store *st = engine_store(r->e);
	char name[32], kw[32];
	int i;

	store_tx_begin(st, NULL);
	for (i = 0; i < n; i++) {
		struct store_rule rule = { .name = name, .enabled = true,
			.match_kind = "keyword", .pattern = kw, .aliases = "",
			.reply = "Thanks, {first_name}!", .cooldown = 0 };

		snprintf(name, sizeof name, "rule %d", i);
		snprintf(kw, sizeof kw, "KW%d", i);
		/* Every tenth a regex, every tenth a contains: a mix. */
		if (i % 10 == 1) {
			rule.match_kind = "regex";
			snprintf(kw, sizeof kw, "^order\\s+#?%d\\b", i);
		} else if (i % 10 == 2) {
			rule.match_kind = "contains";
			snprintf(kw, sizeof kw, "tracking %d", i);
		}
		if (store_rule_add(st, &rule, NULL, NULL) < 0)
			fail("rules", "cannot add");
	}
	store_tx_commit(st, NULL);
}

static void
inject(struct run *r, const char *from, const char *text, const char *rid)
{
	struct sms_err err;
	json_t *req = json_pack("{s:s, s:s, s:s}", "from", from, "text", text,
	    "remote_id", rid), *rep;

	if ((rep = engine_request(r->e, "inject", req, &err)) == NULL)
		fail("inject", err.msg);
	json_decref(rep);
	json_decref(req);
}

/* Inbound messages per second through the engine. */
static double
pipeline_rate(int rules, const char *label)
{
	struct run r;
	char from[32], text[64], rid[32];
	double t;
	int i;

	run_open(&r, 1);
	if (rules > 0)
		add_rules(&r, rules);
	run_start(&r);
	t = now_s();
	for (i = 0; i < N_INBOUND; i++) {
		snprintf(from, sizeof from, "+1555%07d", i % 500);
		snprintf(text, sizeof text, "hello, message %d here", i);
		snprintf(rid, sizeof rid, "B%d", i);
		inject(&r, from, text, rid);
	}
	t = now_s() - t;
	run_close(&r);
	printf("inbound pipeline, %-28s %8.0f msg/s (%.1f us each)\n", label,
	    N_INBOUND / t, t * 1e6 / N_INBOUND);
	return N_INBOUND / t;
}

/* The same rows stored directly, one transaction each: the ceiling. */
static double
bare_rate(void)
{
	struct run r;
	struct store *st;
	char from[32], text[64], rid[32];
	double t;
	int i;

	run_open(&r, 0);
	st = engine_store(r.e);
	t = now_s();
	for (i = 0; i < N_INBOUND; i++) {
		struct store_inbound in = { .backend = "sim", .from = from,
			.body = text, .remote_id = rid, .segments = 1 };

		snprintf(from, sizeof from, "+1555%07d", i % 500);
		snprintf(text, sizeof text, "hello, message %d here", i);
		snprintf(rid, sizeof rid, "B%d", i);
		if (store_message_insert_inbound(st, &in, NULL, NULL) < 0)
			fail("insert", "failed");
	}
	t = now_s() - t;
	run_close(&r);
	printf("bare store inserts, same rows             %8.0f msg/s\n",
	    N_INBOUND / t);
	return N_INBOUND / t;
}

static void
on_event(void *data, json_t *ev)
{
	struct run *r = data;
	const char *what = json_string_value(json_object_get(ev, "what"));

	if (!r->waiting || what == NULL || strcmp(what, "submitted") != 0)
		return;
	r->done_at = uv_hrtime();
	r->waiting = false;
	uv_stop(&r->loop);
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void
latency(void)
{
	struct run r;
	struct store_rule rule = { .name = "info", .enabled = true,
		.match_kind = "keyword", .pattern = "INFO", .aliases = "",
		.reply = "Open 9-17, {number}.", .cooldown = 0 };
	uint64_t lat[N_LATENCY];
	char from[32], rid[32];
	int i;

	run_open(&r, 1);
	add_rules(&r, N_RULES - 1);
	store_rule_add(engine_store(r.e), &rule, NULL, NULL);
	run_start(&r);
	engine_set_listener(r.e, on_event, &r);
	for (i = 0; i < N_LATENCY; i++) {
		/* Numbers ending in 00: the sim delivers (engine/sim.h). */
		snprintf(from, sizeof from, "+1666%05d00", i);
		snprintf(rid, sizeof rid, "L%d", i);
		r.waiting = true;
		r.t0 = uv_hrtime();
		inject(&r, from, "info please", rid);
		while (r.waiting)
			uv_run(&r.loop, UV_RUN_ONCE);
		lat[i] = r.done_at - r.t0;
	}
	engine_set_listener(r.e, NULL, NULL);
	run_close(&r);
	qsort(lat, N_LATENCY, sizeof lat[0], cmp_u64);
	printf("inbound -> autoreply submitted (sim, %d rules): median "
	    "%.2f ms, p95 %.2f ms, max %.2f ms (target < 50 ms)\n", N_RULES,
	    lat[N_LATENCY / 2] / 1e6, lat[N_LATENCY * 95 / 100] / 1e6,
	    lat[N_LATENCY - 1] / 1e6);
}

int
main(void)
{
	double bare, none, many;

	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (getenv("SMS_BENCH_DEBUG") != NULL) {
		log_set_level(LOG_LEVEL_DEBUG);
		latency();
		return 0;
	}
	bare = bare_rate();
	none = pipeline_rate(0, "no rules:");
	many = pipeline_rate(N_RULES, "1,000 rules (none match):");
	printf("pipeline / bare inserts: %.0f %% (no rules), %.0f %% (1,000 "
	    "rules)\n", 100 * none / bare, 100 * many / bare);
	printf("cost of 1,000 rules on the inbound rate: %.1f %% (target "
	    "< 10 %%)\n", 100 * (1 - many / none));
	latency();
	return 0;
}
