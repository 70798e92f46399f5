/* The provider tests' engine stand-in; see provider-harness.h. */
#include "config.h"

#include "provider-harness.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "provider/http.h"
#include "util/err.h"

static void
ev_submitted(void *ctx, struct backend *b, int64_t msg_id,
    const char *remote_ref, int parts)
{
	struct harness *h = ctx;
	struct harness_event *e;

	if (h->n_submitted >= HARNESS_MAX)
		return;
	e = &h->submitted[h->n_submitted++];
	e->msg_id = msg_id;
	snprintf(e->ref, sizeof e->ref, "%s", remote_ref);
}

static void
ev_send_failed(void *ctx, struct backend *b, int64_t msg_id, bool transient,
    int retry_after, int code, const char *reason)
{
	struct harness *h = ctx;
	struct harness_event *e;

	if (h->n_failed >= HARNESS_MAX)
		return;
	e = &h->failed[h->n_failed++];
	e->msg_id = msg_id;
	e->transient = transient;
	e->retry_after = retry_after;
	e->code = code;
	snprintf(e->text, sizeof e->text, "%s", reason != NULL ? reason : "");
}

static void
ev_status(void *ctx, struct backend *b, const struct backend_status *st)
{
	struct harness *h = ctx;
	struct harness_event *e;

	if (h->n_status >= HARNESS_MAX)
		return;
	e = &h->status[h->n_status++];
	e->msg_id = st->msg_id;
	e->state = st->state;
	e->code = st->error_code;
	snprintf(e->ref, sizeof e->ref, "%s",
	    st->remote_ref != NULL ? st->remote_ref : "");
	snprintf(e->text, sizeof e->text, "%s",
	    st->error_text != NULL ? st->error_text : "");
}

static int
ev_inbound(void *ctx, struct backend *b, const struct backend_inbound *in)
{
	struct harness *h = ctx;
	struct harness_event *e;

	if (h->refuse_inbound > 0) {
		h->refuse_inbound--;
		return -1;
	}
	if (h->n_inbound >= HARNESS_MAX)
		return -1;
	e = &h->inbound[h->n_inbound++];
	snprintf(e->ref, sizeof e->ref, "%s",
	    in->remote_id != NULL ? in->remote_id : "");
	snprintf(e->text, sizeof e->text, "%s", in->body);
	return 0;
}

static void
ev_state(void *ctx, struct backend *b, enum backend_state state,
    const char *detail)
{
	struct harness *h = ctx;

	h->state = state;
	h->n_state++;
}

int
fake_start(struct fake *f, const char *token)
{
	char portfile[128], script[512];
	const char *srcdir = getenv("top_srcdir");
	const char *py = getenv("PYTHON3");
	FILE *fp;
	int i;

	memset(f, 0, sizeof f->dir);
	snprintf(f->dir, sizeof f->dir, "/tmp/sms-provider.XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	snprintf(portfile, sizeof portfile, "%s/port", f->dir);
	snprintf(script, sizeof script, "%s/tests/fakes/provider-fake.py",
	    srcdir != NULL ? srcdir : "..");
	snprintf(f->token_file, sizeof f->token_file, "%s/token", f->dir);
	fp = fopen(f->token_file, "w");
	if (fp == NULL)
		return -1;
	fprintf(fp, "%s\n", token);
	fclose(fp);
	chmod(f->token_file, 0600);
	f->pid = fork();
	if (f->pid < 0)
		return -1;
	if (f->pid == 0) {
		execlp(py != NULL && py[0] != '\0' ? py : "python3", "python3",
		    script, "--port-file", portfile, "--token", token,
		    (char *)NULL);
		_exit(127);
	}
	for (i = 0; i < 1000; i++) {
		fp = fopen(portfile, "r");
		if (fp != NULL) {
			if (fscanf(fp, "%d", &f->port) == 1) {
				fclose(fp);
				snprintf(f->base, sizeof f->base,
				    "http://127.0.0.1:%d", f->port);
				return 0;
			}
			fclose(fp);
		}
		usleep(10000);
	}
	fake_stop(f);
	return -1;
}

void
fake_stop(struct fake *f)
{
	char cmd[128];

	if (f->pid > 0) {
		kill(f->pid, SIGTERM);
		waitpid(f->pid, NULL, 0);
		f->pid = 0;
	}
	if (f->dir[0] != '\0') {
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
		if (system(cmd) != 0)
			fprintf(stderr, "cannot remove %s\n", f->dir);
		f->dir[0] = '\0';
	}
}

struct call_wait {
	bool done;
	json_t *reply;
};

static void
call_done(void *data, const struct http_resp *r)
{
	struct call_wait *w = data;

	w->done = true;
	if (r->outcome == HTTP_REPLY)
		w->reply = json_loadb(r->body, r->len, 0, NULL);
}

static void
http_gone(void *data)
{
	*(bool *)data = true;
}

json_t *
fake_call(uv_loop_t *loop, struct fake *f, const char *method,
    const char *path, const char *json)
{
	struct http *http;
	struct http_req req;
	struct call_wait w = { false, NULL };
	char url[256];
	bool gone = false;

	if (http_new(&http, loop, 1, 30000, NULL) < 0)
		return NULL;
	snprintf(url, sizeof url, "%s%s", f->base, path);
	memset(&req, 0, sizeof req);
	req.method = method;
	req.url = url;
	if (json != NULL) {
		req.body = json;
		req.body_len = strlen(json);
		req.content_type = "application/json";
	}
	if (http_request(http, &req, call_done, &w, NULL) == 0)
		while (!w.done)
			uv_run(loop, UV_RUN_ONCE);
	http_free(http, http_gone, &gone);
	while (!gone)
		uv_run(loop, UV_RUN_ONCE);
	return w.reply;
}

json_t *
fake_requests(uv_loop_t *loop, struct fake *f, const char *method,
    const char *path_part)
{
	json_t *all = fake_call(loop, f, "GET", "/_fake/requests", NULL);
	json_t *out = json_array(), *r;
	size_t i;

	json_array_foreach(all, i, r) {
		const char *m = json_string_value(json_object_get(r, "method"));
		const char *p = json_string_value(json_object_get(r, "path"));

		if (m != NULL && p != NULL && strcmp(m, method) == 0 &&
		    strstr(p, path_part) != NULL)
			json_array_append(out, r);
	}
	json_decref(all);
	return out;
}

int
harness_open(struct harness *h, const struct backend_ops *ops,
    const char *name, const char *ini)
{
	struct sms_err err;
	char section[64];
	int rc;

	memset(h, 0, sizeof *h);
	uv_loop_init(&h->loop);
	h->ev.submitted = ev_submitted;
	h->ev.send_failed = ev_send_failed;
	h->ev.status = ev_status;
	h->ev.inbound = ev_inbound;
	h->ev.state = ev_state;
	h->state = BACKEND_UP;
	snprintf(section, sizeof section, "backend.%s", name);
	h->b.ops = ops;
	h->b.name = strdup(name);
	h->b.section = strdup(section);
	h->b.events = &h->ev;
	h->b.ctx = h;
	rc = conf_load_string(&h->cfg, ini, "test.conf", &err);
	if (rc < 0) {
		fprintf(stderr, "config: %s\n", err.msg);
		return rc;
	}
	rc = ops->open(&h->b, &h->loop, h->cfg, &err);
	if (rc < 0)
		fprintf(stderr, "open: %s\n", err.msg);
	else
		h->open = true;
	return rc;
}

static void
closed(struct backend *b)
{
	struct harness *h = b->ctx;

	h->closed = true;
}

void
harness_close(struct harness *h)
{
	if (h->open) {
		h->b.ops->close(&h->b, closed);
		while (!h->closed)
			uv_run(&h->loop, UV_RUN_ONCE);
	}
	uv_run(&h->loop, UV_RUN_NOWAIT);
	if (uv_loop_close(&h->loop) != 0)
		fprintf(stderr, "harness: loop has open handles\n");
	conf_free(h->cfg);
	free(h->b.name);
	free(h->b.section);
}

static void
guard_cb(uv_timer_t *t)
{
	*(bool *)t->data = true;
}

bool
harness_run(struct harness *h, bool (*pred)(struct harness *, void *),
    void *data, uint64_t ms)
{
	uv_timer_t guard;
	bool expired = false, ok;

	uv_timer_init(&h->loop, &guard);
	guard.data = &expired;
	uv_timer_start(&guard, guard_cb, ms, 0);
	while (!(ok = pred != NULL && pred(h, data)) && !expired)
		uv_run(&h->loop, UV_RUN_ONCE);
	uv_close((uv_handle_t *)&guard, NULL);
	uv_run(&h->loop, UV_RUN_NOWAIT);
	return ok;
}

void
harness_idle(struct harness *h, uint64_t ms)
{
	harness_run(h, NULL, NULL, ms);
}

int
harness_submit(struct harness *h, int64_t id, const char *to,
    const char *body)
{
	struct backend_msg m;
	struct sms_err err;
	int tries = 0;

	memset(&m, 0, sizeof m);
	m.id = id;
	m.to = to;
	m.body = body;
	m.attempt = 1;
	m.created_at = time(NULL);
	/* As the engine does: ask when to come back, and wait that long. */
	while (!h->b.ops->ready(&h->b)) {
		uint64_t ms = h->b.ops->next_ready(&h->b);

		if (ms == 0 && ++tries > 3000)
			return SMS_EBUSY;	/* down for good */
		harness_idle(h, ms > 0 ? ms : 10);
	}
	return h->b.ops->submit(&h->b, &m, &err);
}

int
harness_free_port(void)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof sa;
	int fd = socket(AF_INET, SOCK_STREAM, 0), p = -1;

	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd >= 0 && bind(fd, (struct sockaddr *)&sa, sizeof sa) == 0 &&
	    getsockname(fd, (struct sockaddr *)&sa, &len) == 0)
		p = ntohs(sa.sin_port);
	if (fd >= 0)
		close(fd);
	return p;
}
