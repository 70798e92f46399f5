#include "config.h"

#include "modem-harness.h"

#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "modem/modem.h"
#include "util/conf.h"
#include "util/err.h"

/* Long enough for a loaded CI machine; only a broken backend hits it. */
#define HARNESS_GUARD_MS 30000

static int64_t
mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void
ev_submitted(void *ctx, struct backend *b, int64_t id, const char *ref,
    int parts)
{
	struct harness *h = ctx;

	h->n_submitted++;
	h->sub_id = id;
	snprintf(h->sub_ref, sizeof h->sub_ref, "%s", ref);
	h->sub_parts = parts;
}

static void
ev_send_failed(void *ctx, struct backend *b, int64_t id, bool transient,
    int retry_after, int code, const char *reason)
{
	struct harness *h = ctx;

	h->n_failed++;
	h->fail_id = id;
	h->fail_transient = transient;
	h->fail_code = code;
	snprintf(h->fail_reason, sizeof h->fail_reason, "%s", reason);
}

static void
ev_status(void *ctx, struct backend *b, const struct backend_status *st)
{
	struct harness *h = ctx;

	h->n_status++;
	h->st_id = st->msg_id;
	snprintf(h->st_ref, sizeof h->st_ref, "%s",
	    st->remote_ref ? st->remote_ref : "");
	h->st_state = st->state;
	h->st_part = st->part;
}

static int
ev_inbound(void *ctx, struct backend *b, const struct backend_inbound *in)
{
	struct harness *h = ctx;
	int i = h->n_inbound;

	h->inbound_ns = mono_ns();
	if (h->probe_sim && i < HARNESS_MAX_IN)
		h->in_stored[i] = harness_ctl_int(h, "stats", "stored");
	if (h->inbound_rc != 0)
		return h->inbound_rc;
	if (i < HARNESS_MAX_IN) {
		snprintf(h->in_from[i], sizeof h->in_from[i], "%s", in->from);
		snprintf(h->in_body[i], sizeof h->in_body[i], "%s", in->body);
		h->in_ref[i] = in->concat_ref;
		h->in_total[i] = in->concat_total;
		h->in_seq[i] = in->concat_seq;
	}
	h->n_inbound++;
	return 0;
}

static void
ev_state(void *ctx, struct backend *b, enum backend_state state,
    const char *detail)
{
	struct harness *h = ctx;

	h->state = state;
	if (state == BACKEND_UP)
		h->n_up++;
	else
		h->n_down++;
	snprintf(h->detail, sizeof h->detail, "%s", detail ? detail : "");
	if (getenv("HARNESS_VERBOSE") != NULL)
		fprintf(stderr, "state %d: %s\n", (int)state, h->detail);
}

static const struct backend_events harness_events = {
	.submitted = ev_submitted,
	.send_failed = ev_send_failed,
	.status = ev_status,
	.inbound = ev_inbound,
	.state = ev_state,
};

void
harness_start(struct harness *h, const char *const *sim_args)
{
	const char *src = getenv("top_srcdir");
	const char *py = getenv("PYTHON3");
	char script[1024], ready[160], pidbuf[32];
	const char *argv[32];
	int i, n = 0, tries;

	memset(h, 0, sizeof *h);
	snprintf(h->dir, sizeof h->dir, "/tmp/sms-modem.XXXXXX");
	assert_non_null(mkdtemp(h->dir));
	snprintf(h->port, sizeof h->port, "%s/modem", h->dir);
	snprintf(script, sizeof script, "%s/tests/fakes/modem-sim.py",
	    src ? src : ".");
	snprintf(pidbuf, sizeof pidbuf, "%d", (int)getpid());
	argv[n++] = py && *py ? py : "python3";
	argv[n++] = script;
	argv[n++] = "--dir";
	argv[n++] = h->dir;
	argv[n++] = "--watch-pid";
	argv[n++] = pidbuf;
	for (i = 0; sim_args != NULL && sim_args[i] != NULL && n < 31; i++)
		argv[n++] = sim_args[i];
	argv[n] = NULL;
	h->sim = fork();
	assert_true(h->sim >= 0);
	if (h->sim == 0) {
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	snprintf(ready, sizeof ready, "%s/ready", h->dir);
	for (tries = 0; tries < 1000 && access(ready, F_OK) != 0; tries++)
		usleep(10000);
	assert_int_equal(access(ready, F_OK), 0);
	assert_int_equal(uv_loop_init(&h->loop), 0);
}

void
harness_open(struct harness *h, const char *extra_conf)
{
	struct sms_err err;
	char text[2048];

	snprintf(text, sizeof text,
	    "[backend.dongle]\n"
	    "type = modem\n"
	    "port = %s\n"
	    "%s"
	    "%s", h->port,
	    extra_conf && strstr(extra_conf, "command_timeout") ? "" :
	    "command_timeout = 2\n", extra_conf ? extra_conf : "");
	if (conf_load_string(&h->cfg, text, "test.conf", &err) < 0)
		fail_msg("config: %s", err.msg);
	h->b.ops = &modem_backend_ops;
	h->b.name = (char *)"dongle";
	h->b.section = (char *)"backend.dongle";
	h->b.events = &harness_events;
	h->b.ctx = h;
	h->state = BACKEND_DOWN;
	if (h->b.ops->open(&h->b, &h->loop, h->cfg, &err) < 0)
		fail_msg("open: %s", err.msg);
	h->opened = true;
}

static void
harness_closed(struct backend *b)
{
	struct harness *h = b->ctx;

	h->opened = false;
}

void
harness_stop(struct harness *h)
{
	char cmd[128];
	int status;

	if (h->opened) {
		h->b.ops->close(&h->b, harness_closed);
		while (h->opened)
			uv_run(&h->loop, UV_RUN_ONCE);
	}
	uv_run(&h->loop, UV_RUN_NOWAIT);
	assert_int_equal(uv_loop_close(&h->loop), 0);
	conf_free(h->cfg);
	h->cfg = NULL;
	if (h->sim > 0) {
		kill(h->sim, SIGTERM);
		waitpid(h->sim, &status, 0);
		h->sim = 0;
	}
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", h->dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", h->dir);
}

json_t *
harness_ctl(struct harness *h, const char *json)
{
	struct sockaddr_un sa;
	char line[1 << 16];
	json_error_t jerr;
	size_t len = 0;
	ssize_t n;
	json_t *reply;
	int fd;

	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	snprintf(sa.sun_path, sizeof sa.sun_path, "%s/ctl", h->dir);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	assert_int_equal(write(fd, json, strlen(json)), (ssize_t)strlen(json));
	assert_int_equal(write(fd, "\n", 1), 1);
	while (len < sizeof line - 1) {
		n = read(fd, line + len, sizeof line - 1 - len);
		if (n <= 0)
			break;
		len += (size_t)n;
		if (line[len - 1] == '\n')
			break;
	}
	close(fd);
	line[len] = '\0';
	reply = json_loads(line, 0, &jerr);
	if (reply == NULL)
		fail_msg("simulator said \"%s\" to %s", line, json);
	if (json_object_get(reply, "error") != NULL)
		fail_msg("simulator: %s",
		    json_string_value(json_object_get(reply, "error")));
	return reply;
}

long
harness_ctl_int(struct harness *h, const char *cmd, const char *key)
{
	char q[128];
	json_t *r;
	long v;

	snprintf(q, sizeof q, "{\"cmd\": \"%s\"}", cmd);
	r = harness_ctl(h, q);
	v = (long)json_integer_value(json_object_get(r, key));
	json_decref(r);
	return v;
}

static void
guard_cb(uv_timer_t *t)
{
	*(bool *)t->data = true;
}

static void
tick_cb(uv_timer_t *t)
{
	(void)t;
}

void
harness_run_until(struct harness *h, bool (*pred)(struct harness *h))
{
	uv_timer_t guard, tick;
	bool expired = false;

	uv_timer_init(&h->loop, &guard);
	guard.data = &expired;
	uv_timer_start(&guard, guard_cb, HARNESS_GUARD_MS, 0);
	/* Wake now and then: pred may watch the simulator, not the loop. */
	uv_timer_init(&h->loop, &tick);
	uv_timer_start(&tick, tick_cb, 20, 20);
	while (!pred(h) && !expired)
		uv_run(&h->loop, UV_RUN_ONCE);
	uv_close((uv_handle_t *)&guard, NULL);
	uv_close((uv_handle_t *)&tick, NULL);
	uv_run(&h->loop, UV_RUN_NOWAIT);
	if (expired)
		fail_msg("gave up waiting; backend state %d: %s",
		    (int)h->state, h->detail);
}

void
harness_run_for(struct harness *h, unsigned ms)
{
	uv_timer_t t;
	bool expired = false;

	uv_timer_init(&h->loop, &t);
	t.data = &expired;
	uv_timer_start(&t, guard_cb, ms, 0);
	while (!expired)
		uv_run(&h->loop, UV_RUN_ONCE);
	uv_close((uv_handle_t *)&t, NULL);
	uv_run(&h->loop, UV_RUN_NOWAIT);
}

bool
harness_is_up(struct harness *h)
{
	return h->state == BACKEND_UP && h->b.ops->ready(&h->b);
}

bool
harness_is_down(struct harness *h)
{
	return h->state == BACKEND_DOWN && h->n_down > 0;
}
