/*
 * Engine figures (make bench):
 *  - inbound pipeline throughput (store, opt-out words, rules, notify) with
 *    0 and with 1,000 autoreply rules, next to bare store inserts of the
 *    same messages: what the rules cost on the inbound path (two engines
 *    fed in turn, medians of rounds);
 *  - the matcher alone on the same 1,000 rules, without the store;
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
#include "engine/fold.h"
#include "engine/rules.h"
#include "store/message.h"
#include "store/rule.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/conf.h"
#include "util/log.h"

#define N_INBOUND 3000
#define N_LATENCY 300
#define N_RULES 1000
#define N_ROUNDS 9

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

/* One of the bench's rules, i of N_RULES: a mix of 800 keywords, 100
 * contains and 100 regexes, as add_rules() stores them. */
static const char *
rule_pattern(int i, char *kw, size_t size)
{
	if (i % 10 == 1) {
		snprintf(kw, size, "^order\\s+#?%d\\b", i);
		return "regex";
	}
	if (i % 10 == 2) {
		snprintf(kw, size, "tracking %d", i);
		return "contains";
	}
	snprintf(kw, size, "KW%d", i);
	return "keyword";
}

static void
add_rules(struct run *r, int n)
{
	struct store *st = engine_store(r->e);
	char name[32], kw[64];
	int i;

	store_tx_begin(st, NULL);
	for (i = 0; i < n; i++) {
		struct store_rule rule = { .name = name, .enabled = true,
			.match_kind = "keyword", .pattern = kw, .aliases = "",
			.reply = "Thanks, {first_name}!", .cooldown = 0 };

		snprintf(name, sizeof name, "rule %d", i);
		rule.match_kind = (char *)rule_pattern(i, kw, sizeof kw);
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

/* The matcher alone (no store): microseconds per message for a text no
 * rule matches, and for folding the text. */
static void
matcher_cost(void)
{
	struct rules *rs;
	struct rules_result res;
	char name[32], kw[64], text[64];
	double t, fold_t, acc_t, acc_fold;
	int i, n = 20000;

	if (rules_new(&rs, 0, 0, NULL) < 0)
		fail("rules", "cannot create");
	for (i = 0; i < N_RULES; i++) {
		const char *kind = rule_pattern(i, kw, sizeof kw);
		struct rule r = { .id = i + 1, .name = name, .enabled = true,
			.match = (enum rule_match)rule_match_parse(kind),
			.pattern = kw, .reply = "Thanks, {first_name}!",
			.cooldown = 0 };

		snprintf(name, sizeof name, "rule %d", i);
		if (rules_add(rs, &r, NULL) < 0)
			fail("rules", "cannot add");
	}
	t = now_s();
	for (i = 0; i < n; i++) {
		struct rules_input in = { .from = "+15550001111", .text = text,
			.now = 1795392000 };

		snprintf(text, sizeof text, "hello, message %d here", i);
		rules_eval(rs, &in, &res);
	}
	t = now_s() - t;
	fold_t = now_s();
	for (i = 0; i < n; i++) {
		struct buf b;

		snprintf(text, sizeof text, "hello, message %d here", i);
		buf_init(&b, 1024);
		fold_text(&b, text, strlen(text));
		buf_fini(&b);
	}
	fold_t = now_s() - fold_t;
	/* The same rules on accented text: folding takes libunistring. */
	acc_t = now_s();
	for (i = 0; i < n; i++) {
		struct rules_input in = { .from = "+15550001111", .text = text,
			.now = 1795392000 };

		snprintf(text, sizeof text, "Árvíztűrő üzenet %d, köszönöm", i);
		rules_eval(rs, &in, &res);
	}
	acc_t = now_s() - acc_t;
	acc_fold = now_s();
	for (i = 0; i < n; i++) {
		struct buf b;

		snprintf(text, sizeof text, "Árvíztűrő üzenet %d, köszönöm", i);
		buf_init(&b, 1024);
		fold_text(&b, text, strlen(text));
		buf_fini(&b);
	}
	acc_fold = now_s() - acc_fold;
	rules_free(rs);
	printf("matcher alone, 1,000 rules (none match): %.2f us per message "
	    "(folding %.2f us of it)\n", t * 1e6 / n, fold_t * 1e6 / n);
	printf("  the same, accented text: %.2f us per message (folding %.2f "
	    "us of it)\n", acc_t * 1e6 / n, acc_fold * 1e6 / n);
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
median(double *v, size_t n)
{
	qsort(v, n, sizeof *v, cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/*
 * The pipeline without and with 1,000 rules: two engines on two stores,
 * fed one message each in turn, so a burst of load elsewhere on the
 * machine hits both alike; the time of each inject is summed per engine.
 * Repeated N_ROUNDS times; medians of the time per message.
 */
static void
pipeline_rates(double *none_rate, double *many_rate)
{
	double nw[N_ROUNDS], mw[N_ROUNDS], cost[N_ROUNDS], mnw, mmw, mc;
	char from[32], text[64], rid[32];
	struct run a, b;
	int i, k;

	for (k = 0; k < N_ROUNDS; k++) {
		double ta = 0, tb = 0, t;

		run_open(&a, 1);
		run_open(&b, 1);
		add_rules(&b, N_RULES);
		run_start(&a);
		run_start(&b);
		for (i = 0; i < N_INBOUND; i++) {
			snprintf(from, sizeof from, "+1555%07d", i % 500);
			snprintf(text, sizeof text, "hello, message %d here",
			    i);
			snprintf(rid, sizeof rid, "B%d", i);
			/* Who goes first alternates too. */
			t = now_s();
			inject(i % 2 ? &b : &a, from, text, rid);
			t = now_s() - t;
			*(i % 2 ? &tb : &ta) += t;
			t = now_s();
			inject(i % 2 ? &a : &b, from, text, rid);
			t = now_s() - t;
			*(i % 2 ? &ta : &tb) += t;
		}
		run_close(&a);
		run_close(&b);
		nw[k] = ta / N_INBOUND;
		mw[k] = tb / N_INBOUND;
	}
	/* Each round's cost first: median() sorts in place. */
	for (k = 0; k < N_ROUNDS; k++)
		cost[k] = 100 * (1 - nw[k] / mw[k]);
	mnw = median(nw, N_ROUNDS);
	mmw = median(mw, N_ROUNDS);
	printf("inbound pipeline, no rules:                %8.0f msg/s "
	    "(%.1f us each)\n", 1 / mnw, mnw * 1e6);
	printf("inbound pipeline, 1,000 rules (none match):%8.0f msg/s "
	    "(%.1f us each)\n", 1 / mmw, mmw * 1e6);
	printf("(two engines fed in turn, medians of %d rounds of %d "
	    "messages each)\n", N_ROUNDS, N_INBOUND);
	mc = median(cost, N_ROUNDS);	/* sorts them */
	printf("cost of 1,000 rules on the inbound rate: median %.1f %% of "
	    "the rounds' (%.1f to %.1f %%; target < 10 %%)\n", mc, cost[0],
	    cost[N_ROUNDS - 1]);
	*none_rate = 1 / mnw;
	*many_rate = 1 / mmw;
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
	pipeline_rates(&none, &many);
	printf("pipeline / bare inserts: %.0f %% (no rules), %.0f %% (1,000 "
	    "rules)\n", 100 * none / bare, 100 * many / bare);
	latency();
	matcher_cost();
	return 0;
}
