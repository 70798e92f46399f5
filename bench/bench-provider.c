/*
 * bench-provider: bulk sends through the Twilio backend to the loopback
 * fake (tests/fakes/provider-fake.py), unthrottled and with the rate limit
 * on, against a loop of one curl process per message and one
 * `curl -Z --parallel-max 8` over the same server in the same run.
 * Prints messages per second, client CPU per message, and for the
 * throttled run the most creations the server saw in any one second.
 * Then inbound-to-autoreply latency through the webhook: the fake posts
 * an inbound message to the engine's webhook listener, a keyword rule
 * answers, and the time runs until the reply was created at the fake.
 *
 * Environment: BENCH_N (default 10000) messages per run, BENCH_RATE
 * (default 500, well under what the fake can answer) for the throttled
 * run, BENCH_LOOP_N (default BENCH_N) for the curl loop.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <uv.h>

#include "../tests/provider-harness.h"
#include "engine/engine.h"
#include "provider/provider.h"
#include "store/rule.h"
#include "util/conf.h"
#include "util/err.h"

#define ACCOUNT "AC00000000000000000000000000000000"
#define TOKEN "bench-token"
#define FROM "+15550003333"
#define TO "+36301234567"

struct run {
	long done;
	long failed;
	enum backend_state state;
	bool closed;
};

static void
ev_submitted(void *ctx, struct backend *b, int64_t id, const char *ref,
    int parts)
{
	((struct run *)ctx)->done++;
}

static void
ev_failed(void *ctx, struct backend *b, int64_t id, bool transient,
    int retry_after, int code, const char *reason)
{
	((struct run *)ctx)->done++;
	((struct run *)ctx)->failed++;
}

static void
ev_status(void *ctx, struct backend *b, const struct backend_status *st)
{
}

static int
ev_inbound(void *ctx, struct backend *b, const struct backend_inbound *in)
{
	return 0;
}

static void
ev_state(void *ctx, struct backend *b, enum backend_state s, const char *d)
{
	((struct run *)ctx)->state = s;
}

static const struct backend_events events = {
	.submitted = ev_submitted,
	.send_failed = ev_failed,
	.status = ev_status,
	.inbound = ev_inbound,
	.state = ev_state,
};

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double
cpu_s(int who)
{
	struct rusage ru;

	getrusage(who, &ru);
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	    (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static void
closed(struct backend *b)
{
	((struct run *)b->ctx)->closed = true;
}

static void
idle_cb(uv_timer_t *t)
{
}

/* Send n messages through the backend; fills wall and cpu seconds. */
static int
run_backend(struct fake *f, uv_loop_t *loop, long n, double rate,
    double *wall, double *cpu)
{
	struct backend b;
	struct run r;
	struct conf *cfg;
	struct sms_err err;
	struct backend_msg m;
	uv_timer_t wake;
	char ini[1024], body[64];
	double t0, c0;
	long sent = 0;

	snprintf(ini, sizeof ini, "[backend.bench]\ntype = twilio\n"
	    "api_base = %s\naccount_sid = " ACCOUNT "\ntoken_file = %s\n"
	    "from = " FROM "\nrate = %g\npoll_interval = 0\nmax_requests = 8\n"
	    "timeout = 30\n", f->base, f->token_file, rate);
	if (conf_load_string(&cfg, ini, "bench", &err) < 0) {
		fprintf(stderr, "%s\n", err.msg);
		return -1;
	}
	memset(&b, 0, sizeof b);
	memset(&r, 0, sizeof r);
	b.ops = &twilio_backend_ops;
	b.name = "bench";
	b.section = "backend.bench";
	b.events = &events;
	b.ctx = &r;
	if (b.ops->open(&b, loop, cfg, &err) < 0) {
		fprintf(stderr, "%s\n", err.msg);
		conf_free(cfg);
		return -1;
	}
	uv_timer_init(loop, &wake);
	/* Wait for the credentials probe. */
	while (r.state != BACKEND_UP)
		uv_run(loop, UV_RUN_ONCE);
	memset(&m, 0, sizeof m);
	m.to = TO;
	m.body = body;
	m.created_at = time(NULL);
	t0 = now_s();
	c0 = cpu_s(RUSAGE_SELF);
	while (r.done < n) {
		while (sent < n && b.ops->ready(&b)) {
			snprintf(body, sizeof body, "bench message %ld", sent);
			m.id = ++sent;
			if (b.ops->submit(&b, &m, &err) < 0) {
				fprintf(stderr, "submit: %s\n", err.msg);
				return -1;
			}
		}
		if (sent < n && !b.ops->ready(&b)) {
			uint64_t ms = b.ops->next_ready(&b);

			/* As the engine does: come back when told. */
			if (ms > 0)
				uv_timer_start(&wake, idle_cb, ms, 0);
		}
		uv_run(loop, UV_RUN_ONCE);
	}
	*wall = now_s() - t0;
	*cpu = cpu_s(RUSAGE_SELF) - c0;
	if (r.failed > 0)
		fprintf(stderr, "%ld sends failed\n", r.failed);
	uv_close((uv_handle_t *)&wake, NULL);
	b.ops->close(&b, closed);
	while (!r.closed)
		uv_run(loop, UV_RUN_ONCE);
	uv_run(loop, UV_RUN_NOWAIT);
	conf_free(cfg);
	return 0;
}

/* Run argv and wait; returns its exit status. */
static int
spawn(char *const argv[])
{
	pid_t pid;
	int status;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (freopen("/dev/null", "w", stdout) == NULL ||
		    freopen("/dev/null", "w", stderr) == NULL)
			_exit(126);
		execvp(argv[0], argv);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void
curl_loop(struct fake *f, long n, double *wall, double *cpu)
{
	char url[256], data[256], user[128];
	char *argv[] = { "curl", "-s", "-o", "/dev/null", "-u", user, "-d",
	    data, url, NULL };
	double t0 = now_s(), c0 = cpu_s(RUSAGE_CHILDREN);
	long i;

	snprintf(url, sizeof url, "%s/2010-04-01/Accounts/" ACCOUNT
	    "/Messages.json", f->base);
	snprintf(user, sizeof user, ACCOUNT ":" TOKEN);
	for (i = 0; i < n; i++) {
		snprintf(data, sizeof data, "To=%%2B36301234567&From="
		    "%%2B15550003333&Body=curl+loop+%ld", i);
		spawn(argv);
	}
	*wall = now_s() - t0;
	*cpu = cpu_s(RUSAGE_CHILDREN) - c0;
}

static void
curl_parallel(struct fake *f, long n, const char *dir, double *wall,
    double *cpu)
{
	char cfgfile[128];
	char *argv[] = { "curl", "-s", "-Z", "--parallel-max", "8", "-K",
	    cfgfile, NULL };
	FILE *fp;
	double t0, c0;
	long i;

	snprintf(cfgfile, sizeof cfgfile, "%s/curl.cfg", dir);
	fp = fopen(cfgfile, "w");
	if (fp == NULL)
		return;
	for (i = 0; i < n; i++)
		fprintf(fp, "%surl = \"%s/2010-04-01/Accounts/" ACCOUNT
		    "/Messages.json\"\nuser = \"" ACCOUNT ":" TOKEN "\"\n"
		    "data = \"To=%%2B36301234567&From=%%2B15550003333&"
		    "Body=curl+parallel+%ld\"\noutput = \"/dev/null\"\n",
		    i > 0 ? "next\n" : "", f->base, i);
	fclose(fp);
	t0 = now_s();
	c0 = cpu_s(RUSAGE_CHILDREN);
	spawn(argv);
	*wall = now_s() - t0;
	*cpu = cpu_s(RUSAGE_CHILDREN) - c0;
}

/* The most creations the fake saw in any one second, and how many. */
static long
max_per_second(uv_loop_t *loop, struct fake *f, long *count)
{
	json_t *reqs = fake_requests(loop, f, "POST", "/Messages.json");
	size_t i, j = 0, n = json_array_size(reqs);
	double *t = calloc(n + 1, sizeof *t);
	long best = 0;

	for (i = 0; i < n; i++)
		t[i] = json_real_value(json_object_get(json_array_get(reqs, i),
		    "t"));
	json_decref(reqs);
	for (i = 0; i < n; i++) {
		while (t[i] - t[j] >= 1.0)
			j++;
		if ((long)(i - j + 1) > best)
			best = (long)(i - j + 1);
	}
	free(t);
	*count = (long)n;
	return best;
}

static long
env_long(const char *name, long def)
{
	const char *v = getenv(name);

	return v != NULL && atol(v) > 0 ? atol(v) : def;
}

#define BENCH_HOOKS 100

struct replies {
	int n;
	int64_t at_ns;
};

static int64_t
mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void
on_engine_event(void *data, json_t *ev)
{
	struct replies *r = data;
	const char *what = json_string_value(json_object_get(ev, "what"));

	if (what != NULL && strcmp(what, "submitted") == 0) {
		r->at_ns = mono_ns();
		r->n++;
	}
}

static int
cmp_ns(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* BENCH_HOOKS inbound webhooks, each from a new sender, answered by a
 * keyword rule: prints the median and p95 from the fake's POST to the
 * reply submitted (created at the fake). */
static int
webhook_autoreply(struct fake *f, uv_loop_t *loop)
{
	static int64_t lat[BENCH_HOOKS];
	struct replies got = { 0, 0 };
	struct store_rule r;
	struct sms_err err;
	struct conf *cfg;
	struct engine *e;
	char dir[] = "/tmp/sms-bench-hook.XXXXXX", ini[2048], j[1024];
	int64_t id, t0;
	int i, port = harness_free_port(), want;

	if (mkdtemp(dir) == NULL || port < 0)
		return -1;
	snprintf(ini, sizeof ini, "[store]\npath = %s/inbox.db\n"
	    "[routing]\nprimary = tw\n"
	    "[backend.tw]\ntype = twilio\napi_base = %s\n"
	    "account_sid = " ACCOUNT "\ntoken_file = %s\nfrom = " FROM "\n"
	    "poll_interval = 3600\nrate = 1000\n"
	    "webhook_listen = 127.0.0.1:%d\n"
	    "webhook_url = https://sms.example.com/in\n",
	    dir, f->base, f->token_file, port);
	if (conf_load_string(&cfg, ini, "bench", &err) < 0 ||
	    engine_new(&e, loop, cfg, &err) < 0) {
		fprintf(stderr, "engine: %s\n", err.msg);
		return -1;
	}
	memset(&r, 0, sizeof r);
	r.name = "hours";
	r.enabled = true;
	r.match_kind = "keyword";
	r.pattern = "HOURS";
	r.reply = "We are open 9-17, {number}.";
	r.cooldown = -1;
	if (store_rule_add(engine_store(e), &r, &id, &err) < 0 ||
	    engine_start(e, false, &err) < 0) {
		fprintf(stderr, "engine: %s\n", err.msg);
		return -1;
	}
	engine_set_listener(e, on_engine_event, &got);
	for (i = 0; i < BENCH_HOOKS; i++) {
		snprintf(j, sizeof j, "{\"url\": \"http://127.0.0.1:%d/in\", "
		    "\"public\": \"https://sms.example.com/in\", "
		    "\"signature\": \"valid\", \"params\": {\"MessageSid\": "
		    "\"SMbench%d\", \"From\": \"+3630888%04d\", \"To\": \""
		    FROM "\", \"Body\": \"hours?\", \"NumSegments\": \"1\", "
		    "\"AccountSid\": \"" ACCOUNT "\"}}", port, i, i);
		want = got.n + 1;
		t0 = mono_ns();
		json_decref(fake_call(loop, f, "POST", "/_fake/webhook", j));
		while (got.n < want)
			uv_run(loop, UV_RUN_ONCE);
		lat[i] = got.at_ns - t0;
	}
	qsort(lat, BENCH_HOOKS, sizeof lat[0], cmp_ns);
	printf("  webhook autoreply: inbound POST to the reply created, %d "
	    "messages: median %.2f ms, p95 %.2f ms (with the fake's own "
	    "round trips; target < 50 ms)\n", BENCH_HOOKS,
	    lat[BENCH_HOOKS / 2] / 1e6, lat[BENCH_HOOKS * 95 / 100] / 1e6);
	engine_stop(e, NULL, NULL);
	uv_run(loop, UV_RUN_DEFAULT);
	engine_free(e);
	conf_free(cfg);
	snprintf(ini, sizeof ini, "rm -rf %s", dir);
	return system(ini) == 0 ? 0 : -1;
}

int
main(void)
{
	struct fake f;
	uv_loop_t loop;
	long n = env_long("BENCH_N", 10000);
	long loop_n = env_long("BENCH_LOOP_N", n), seen, peak;
	double rate = (double)env_long("BENCH_RATE", 500);
	int round;
	double w_ours = 0, c_ours = 0, w_loop = 0, c_loop = 0, w_par = 0;
	double c_par = 0, w_thr = 0, c_thr = 0;

	if (fake_start(&f, TOKEN) < 0) {
		fprintf(stderr, "cannot start the fake\n");
		return 1;
	}
	uv_loop_init(&loop);
	printf("bench-provider: %ld messages to the loopback fake "
	    "(max_requests 8)\n", n);
	/* Two rounds, the order swapped, the better of each: the machine
	 * is shared, and the fake (Python) is the slower end. */
	for (round = 0; round < 2; round++) {
		double w, c;

		json_decref(fake_call(&loop, &f, "POST", "/_fake/reset",
		    "{}"));
		if (round == 1) {
			curl_parallel(&f, n, f.dir, &w, &c);
			if (w_par == 0 || w < w_par) {
				w_par = w;
				c_par = c;
			}
			json_decref(fake_call(&loop, &f, "POST",
			    "/_fake/reset", "{}"));
		}
		if (run_backend(&f, &loop, n, 0, &w, &c) < 0)
			goto out;
		if (w_ours == 0 || w < w_ours) {
			w_ours = w;
			c_ours = c;
		}
		if (round == 0) {
			json_decref(fake_call(&loop, &f, "POST",
			    "/_fake/reset", "{}"));
			curl_parallel(&f, n, f.dir, &w, &c);
			w_par = w;
			c_par = c;
		}
	}
	json_decref(fake_call(&loop, &f, "POST", "/_fake/reset", "{}"));
	curl_loop(&f, loop_n, &w_loop, &c_loop);
	printf("  sms-inbox unthrottled   %8.0f msg/s  %.3f ms CPU/msg\n",
	    n / w_ours, 1000 * c_ours / n);
	printf("  curl -Z --parallel-max 8 %7.0f msg/s  %.3f ms CPU/msg\n",
	    n / w_par, 1000 * c_par / n);
	printf("  curl process per message %7.0f msg/s  %.3f ms CPU/msg "
	    "(%ld messages)\n", loop_n / w_loop, 1000 * c_loop / loop_n,
	    loop_n);
	printf("  ratio to the curl loop: %.1fx (target >= 20x); to curl -Z: "
	    "%.0f %% (target >= 80 %%)\n", (n / w_ours) / (loop_n / w_loop),
	    100 * (n / w_ours) / (n / w_par));
	json_decref(fake_call(&loop, &f, "POST", "/_fake/reset", "{}"));
	if (run_backend(&f, &loop, n, rate, &w_thr, &c_thr) < 0)
		goto out;
	peak = max_per_second(&loop, &f, &seen);
	printf("  sms-inbox rate %.0f/s     %8.1f msg/s (%.1f %% of the rate, "
	    "target >= 95 %%)  %.3f ms CPU/msg\n", rate, n / w_thr,
	    100 * (n / w_thr) / rate, 1000 * c_thr / n);
	printf("  most creations the server saw in one second: %ld of %ld "
	    "(limit %.0f)\n", peak, seen, rate);
	json_decref(fake_call(&loop, &f, "POST", "/_fake/reset", "{}"));
	if (webhook_autoreply(&f, &loop) < 0)
		fprintf(stderr, "webhook autoreply: could not run\n");
out:
	uv_run(&loop, UV_RUN_NOWAIT);
	uv_loop_close(&loop);
	fake_stop(&f);
	return 0;
}
