/*
 * Following what happens outside the keyboard.
 *
 * The engine: when nobody holds the engine lock, the inbox runs it here,
 * on the same loop (backends, outbox, autoreply) and hears its events
 * through the in-process listener; when a daemon runs it, the inbox is a
 * client of its control socket (doc/internals/ipc.md): it subscribes to
 * events, asks for the status every few seconds, and sends "wake" after
 * queueing a message.  A daemon that goes away is retried.
 *
 * The store: other processes commit to it (the daemon, sms-send, another
 * agent's inbox); PRAGMA data_version, asked twice a second, says so even
 * when an event was missed.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "engine/backend.h"
#include "engine/engine.h"
#include "engine/ipc.h"
#include "store/event.h"
#include "store/store.h"
#include "store/thread.h"
#include "tui/private.h"
#include "tui/statusbar.h"
#include "util/buf.h"
#include "util/i18n.h"
#include "util/log.h"
#include "util/xalloc.h"

#define STATUS_MS 3000
#define RETRY_MS 5000

enum watch_mode {
	WATCH_NONE = 0,		/* no engine: messages wait in the store */
	WATCH_LOCAL,		/* the engine runs in this process */
	WATCH_CLIENT,		/* a daemon runs it; we use its socket */
};

struct watch {
	struct tui *t;
	struct statusbar *sb;
	enum watch_mode mode;
	struct conf *cfg;		/* for (re)starting the engine */
	struct engine *engine;		/* WATCH_LOCAL */
	bool engine_started;
	bool stopped;			/* engine_stop()'s done was called */
	char *sock_path;		/* WATCH_CLIENT */
	uv_pipe_t pipe;
	uv_connect_t connect_req;
	bool pipe_open;
	bool connected;			/* hello exchanged */
	struct buf in;
	char rbuf[4096];
	uv_timer_t timer;		/* status requests, reconnects */
	bool timer_open;
	int closing;			/* handles still closing */
};

/* Unread total and queue depth for the status bar; a rise in unread means
 * a new message: say from whom. */
void
watch_refresh(struct tui *t, struct statusbar *sb, bool notify)
{
	struct store *st = tui_store(t);
	struct store_thread_query q;
	struct store_threads page;
	int64_t threads, unread, queued, sending;
	const char *who;

	if (store_thread_count(st, &threads, &unread, NULL) < 0)
		unread = threads = -1;
	sb->threads = (long)threads;
	if (notify && sb->unread >= 0 && unread > sb->unread) {
		memset(&q, 0, sizeof q);
		q.filter = STORE_THREADS_UNREAD;
		q.limit = 1;
		if (store_thread_page(st, &q, &page, NULL) >= 0) {
			if (page.n > 0) {
				who = page.v[0].contact_name ?
				    page.v[0].contact_name : page.v[0].peer;
				snprintf(sb->notice, sizeof sb->notice,
				    _("New message from %s"), who);
			}
			store_threads_fini(&page);
		}
		tui_bell(t);
	}
	sb->unread = unread;
	if (store_queue_depth(st, NULL, &queued, &sending, NULL) >= 0)
		sb->queued = (long)(queued + sending);
}

static int
state_of(const char *s)
{
	if (s == NULL)
		return BACKEND_DOWN;
	if (strcmp(s, "up") == 0)
		return BACKEND_UP;
	if (strcmp(s, "maintenance") == 0)
		return BACKEND_MAINTENANCE;
	if (strcmp(s, "suspended") == 0)
		return BACKEND_SUSPENDED;
	return BACKEND_DOWN;
}

/* The status bar's backends from a status object (engine_status()). */
static void
apply_status(struct watch *w, json_t *status)
{
	struct statusbar *sb = w->sb;
	json_t *list, *b;
	size_t i;

	list = json_object_get(status, "backends");
	sb->nbe = 0;
	json_array_foreach(list, i, b) {
		struct statusbar_backend *sbb;
		json_t *bars;

		if (sb->nbe == STATUSBAR_BACKENDS)
			break;
		sbb = &sb->be[sb->nbe++];
		snprintf(sbb->name, sizeof sbb->name, "%s",
		    json_string_value(json_object_get(b, "name")) ?
		    json_string_value(json_object_get(b, "name")) : "?");
		sbb->state = state_of(json_string_value(json_object_get(b,
		    "state")));
		if (json_is_true(json_object_get(b, "suspended")))
			sbb->state = BACKEND_SUSPENDED;
		bars = json_object_get(b, "signal_bars");
		sbb->bars = json_is_integer(bars) ?
		    (int)json_integer_value(bars) : -1;
		snprintf(sbb->operator_name, sizeof sbb->operator_name, "%s",
		    json_string_value(json_object_get(b, "operator")) ?
		    json_string_value(json_object_get(b, "operator")) : "");
	}
	tui_dirty(w->t);
}

/* Something happened in the engine: look at the store now rather than at
 * the next poll. */
static void
on_event(struct watch *w, json_t *ev)
{
	const char *kind = json_string_value(json_object_get(ev, "event"));

	json_t *st;

	watch_poll(w->t, w->sb);
	if (kind != NULL && strcmp(kind, "backend") == 0 &&
	    w->mode == WATCH_LOCAL &&
	    (st = engine_status(w->engine)) != NULL) {
		apply_status(w, st);
		json_decref(st);
	}
}

static void
local_listener(void *data, json_t *event)
{
	on_event(data, event);
}

/* --- client of a daemon's socket --- */

static void client_connect(struct watch *w);
static void engine_setup(struct watch *w);

static void
on_handle_closed(uv_handle_t *h)
{
	struct watch *w = h->data;

	w->closing--;
	if (h == (uv_handle_t *)&w->pipe)
		w->pipe_open = false;
}

static void
client_drop(struct watch *w, const char *why)
{
	if (w->pipe_open && !uv_is_closing((uv_handle_t *)&w->pipe)) {
		w->closing++;
		uv_close((uv_handle_t *)&w->pipe, on_handle_closed);
	}
	w->connected = false;
	buf_reset(&w->in);
	snprintf(w->sb->engine, sizeof w->sb->engine, "%s", why);
	w->sb->nbe = 0;
	tui_dirty(w->t);
}

static void
on_written(uv_write_t *req, int status)
{
	free(req->data);
	free(req);
}

static void
client_send(struct watch *w, json_t *o)
{
	uv_write_t *req;
	uv_buf_t b;
	char *line;
	size_t n;

	if (!w->pipe_open || (line = json_dumps(o, JSON_COMPACT)) == NULL)
		return;
	n = strlen(line);
	line = xrealloc(line, n + 2);
	line[n++] = '\n';
	line[n] = '\0';
	req = xmalloc(sizeof *req);
	req->data = line;
	b = uv_buf_init(line, (unsigned)n);
	if (uv_write(req, (uv_stream_t *)&w->pipe, &b, 1, on_written) < 0)
		on_written(req, 0);
}

static void
client_cmd(struct watch *w, const char *cmd)
{
	json_t *o = json_pack("{s:s}", "cmd", cmd);

	if (o != NULL)
		client_send(w, o);
	json_decref(o);
}

static void
client_line(struct watch *w, const char *line, size_t len)
{
	json_t *o = json_loadb(line, len, 0, NULL), *status, *pid;

	if (o == NULL)
		return;
	if (!w->connected) {
		json_t *hello;

		if (json_integer_value(json_object_get(o, "protocol")) !=
		    IPC_PROTOCOL) {
			log_warn("the engine speaks another protocol");
			client_drop(w, _("engine: other version"));
			json_decref(o);
			return;
		}
		hello = json_pack("{s:i}", "protocol", IPC_PROTOCOL);
		client_send(w, hello);
		json_decref(hello);
		client_cmd(w, "subscribe");
		client_cmd(w, "status");
		w->connected = true;
		pid = json_object_get(o, "pid");
		snprintf(w->sb->engine, sizeof w->sb->engine,
		    json_is_integer(pid) ? _("daemon (pid %lld)") :
		    _("daemon"), (long long)json_integer_value(pid));
		tui_dirty(w->t);
	} else if (json_object_get(o, "event") != NULL)
		on_event(w, o);
	else if ((status = json_object_get(o, "status")) != NULL)
		apply_status(w, status);
	json_decref(o);
}

static void
client_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *b)
{
	struct watch *w = h->data;

	*b = uv_buf_init(w->rbuf, sizeof w->rbuf);
}

static void
client_read(uv_stream_t *s, ssize_t n, const uv_buf_t *b)
{
	struct watch *w = s->data;
	char *nl;
	size_t len;

	if (n < 0) {
		client_drop(w, _("daemon gone"));
		return;
	}
	if (buf_append(&w->in, b->base, (size_t)n) < 0) {
		log_warn("engine socket: a line over %d bytes", IPC_LINE_MAX);
		client_drop(w, _("daemon: bad reply"));
		return;
	}
	while (w->in.len > 0 && (nl = memchr(w->in.data, '\n', w->in.len)) !=
	    NULL) {
		len = (size_t)(nl - w->in.data);
		client_line(w, w->in.data, len);
		if (!w->pipe_open)
			return;
		buf_consume(&w->in, len + 1);
	}
}

static void
on_connected(uv_connect_t *req, int status)
{
	struct watch *w = req->data;

	if (status < 0) {
		client_drop(w, _("daemon not answering"));
		return;
	}
	uv_read_start((uv_stream_t *)&w->pipe, client_alloc, client_read);
}

static void
client_connect(struct watch *w)
{
	if (w->pipe_open)
		return;
	uv_pipe_init(tui_loop(w->t), &w->pipe, 0);
	w->pipe.data = w;
	w->pipe_open = true;
	w->connect_req.data = w;
	uv_pipe_connect(&w->connect_req, &w->pipe, w->sock_path,
	    on_connected);
}

static void
on_timer(uv_timer_t *h)
{
	struct watch *w = h->data;
	json_t *st;

	switch (w->mode) {
	case WATCH_LOCAL:
		if ((st = engine_status(w->engine)) != NULL) {
			apply_status(w, st);
			json_decref(st);
		}
		break;
	case WATCH_CLIENT:
		if (w->connected)
			client_cmd(w, "status");
		else if (!w->pipe_open) {
			/* The daemon left: run the engine here if the lock
			 * is free now, else look for the daemon again. */
			engine_setup(w);
			if (w->mode == WATCH_LOCAL)
				uv_timer_set_repeat(&w->timer, STATUS_MS);
		}
		break;
	default:
		break;
	}
}

/* --- lifecycle --- */

/* Run the engine here, or find the daemon that runs it. */
static void
engine_setup(struct watch *w)
{
	struct conf *cfg = w->cfg;
	struct tui *t = w->t;
	struct sms_err err;
	json_t *st;
	int rc;

	sms_err_clear(&err);
	rc = engine_new(&w->engine, tui_loop(t), cfg, &err);
	if (rc == SMS_EBUSY) {
		if (w->mode != WATCH_CLIENT)
			snprintf(w->sb->engine, sizeof w->sb->engine, "%s",
			    _("daemon"));
		w->mode = WATCH_CLIENT;
		if (w->sock_path == NULL)
			w->sock_path = ipc_socket_path(store_path(
			    tui_store(t)));
		if (!w->pipe_open && w->sock_path != NULL)
			client_connect(w);
		return;
	}
	if (rc < 0) {
		tui_error(t, _("The engine cannot run, so nothing is sent or "
		    "received: %s"), err.msg);
		snprintf(w->sb->engine, sizeof w->sb->engine, "%s",
		    _("no engine"));
		w->engine = NULL;
		return;
	}
	if (engine_start(w->engine, true, &err) < 0) {
		tui_error(t, _("The engine cannot run, so nothing is sent or "
		    "received: %s"), err.msg);
		snprintf(w->sb->engine, sizeof w->sb->engine, "%s",
		    _("no engine"));
		engine_free(w->engine);
		w->engine = NULL;
		return;
	}
	w->engine_started = true;
	w->mode = WATCH_LOCAL;
	engine_set_listener(w->engine, local_listener, w);
	snprintf(w->sb->engine, sizeof w->sb->engine, "%s",
	    _("engine here"));
	if ((st = engine_status(w->engine)) != NULL) {
		apply_status(w, st);
		json_decref(st);
	}
}

struct watch *
watch_start(struct tui *t, struct statusbar *sb, struct conf *cfg)
{
	struct watch *w = xcalloc(1, sizeof *w);

	w->t = t;
	w->sb = sb;
	buf_init(&w->in, IPC_LINE_MAX);
	/* The first call says "changed": take it now. */
	store_changed(tui_store(t), NULL);
	watch_refresh(t, sb, false);
	w->cfg = cfg;
	if (cfg != NULL)
		engine_setup(w);
	uv_timer_init(tui_loop(t), &w->timer);
	w->timer.data = w;
	w->timer_open = true;
	uv_timer_start(&w->timer, on_timer, STATUS_MS,
	    w->mode == WATCH_CLIENT ? RETRY_MS : STATUS_MS);
	return w;
}

void
watch_poll(struct tui *t, struct statusbar *sb)
{
	struct sms_err err;
	long unread = sb->unread, queued = sb->queued;
	int rc;

	sms_err_clear(&err);
	rc = store_changed(tui_store(t), &err);
	if (rc < 0) {
		log_warn("store: %s", err.msg);
		return;
	}
	if (rc > 0) {
		watch_refresh(t, sb, true);
		tui_store_changed(t);
	}
	if (unread != sb->unread || queued != sb->queued)
		tui_dirty(t);
}

void
watch_wake(struct watch *w)
{
	switch (w->mode) {
	case WATCH_LOCAL:
		engine_wake(w->engine);
		break;
	case WATCH_CLIENT:
		if (w->connected)
			client_cmd(w, "wake");
		/* Else the daemon finds the message on its next look. */
		break;
	default:
		break;
	}
}

void
watch_rules_changed(struct watch *w)
{
	struct sms_err err;

	/* The engine here reloads now rather than at its next tick, so a
	 * message arriving right after the edit meets the new rules.  A
	 * daemon notices the change by itself. */
	if (w->mode != WATCH_LOCAL)
		return;
	sms_err_clear(&err);
	if (engine_reload(w->engine, w->cfg, &err) < 0)
		tui_error(w->t, "%s", err.msg);
}

static void
on_engine_stopped(struct engine *e, void *data)
{
	struct watch *w = data;

	w->stopped = true;
}

void
watch_stop(struct watch *w)
{
	uv_loop_t *loop = tui_loop(w->t);

	if (w->timer_open) {
		w->closing++;
		uv_close((uv_handle_t *)&w->timer, on_handle_closed);
		w->timer_open = false;
	}
	if (w->pipe_open && !uv_is_closing((uv_handle_t *)&w->pipe)) {
		w->closing++;
		uv_close((uv_handle_t *)&w->pipe, on_handle_closed);
	}
	if (w->engine != NULL && w->engine_started) {
		engine_set_listener(w->engine, NULL, NULL);
		if (engine_in_flight(w->engine) > 0)
			fprintf(stderr, "%s\n", _("sms-inbox: waiting for the "
			    "messages being sent..."));
		engine_stop(w->engine, on_engine_stopped, w);
		while (!w->stopped)
			uv_run(loop, UV_RUN_ONCE);
	}
	while (w->closing > 0)
		uv_run(loop, UV_RUN_NOWAIT);
	engine_free(w->engine);
	w->engine = NULL;
}

void
watch_free(struct watch *w)
{
	if (w == NULL)
		return;
	buf_fini(&w->in);
	free(w->sock_path);
	free(w);
}
