#include "config.h"

#include "engine/engine.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/hooks.h"
#include "engine/ipc.h"
#include "engine/lock.h"
#include "engine/private.h"
#include "engine/rules.h"
#include "engine/sim.h"
#include "modem/modem.h"
#include "provider/provider.h"
#include "store/contact.h"
#include "store/event.h"
#include "store/message.h"
#include "store/store.h"
#include "util/conf.h"
#include "util/i18n.h"
#include "util/log.h"
#include "util/loop.h"

#define ENGINE_TICK_MS 1000
/* Heartbeat in the lock file every this many ticks: after a crash the
 * backends count as down from then. */
#define ENGINE_ALIVE_TICKS 5

/* Every backend type this build can run, by the config's type value. */
static const struct backend_ops *const registry[] = {
	&sim_backend_ops,
	&modem_backend_ops,
	&twilio_backend_ops,
	&plivo_backend_ops,
};

static const struct backend_ops *
registry_find(const char *type)
{
	size_t i;

	for (i = 0; i < sizeof registry / sizeof registry[0]; i++)
		if (strcmp(registry[i]->type, type) == 0)
			return registry[i];
	return NULL;
}

static struct engine_backend *
eb_of(struct backend *b)
{
	return (struct engine_backend *)b;
}

struct engine_backend *
engine_backend_find(struct engine *e, const char *name)
{
	size_t i;

	if (name == NULL)
		return NULL;
	for (i = 0; i < e->n_be; i++)
		if (strcmp(e->be[i].b.name, name) == 0)
			return &e->be[i];
	return NULL;
}

void
engine_publish(struct engine *e, json_t *event)
{
	if (event == NULL)
		return;
	ipc_server_publish(e->ipc, event);
	if (e->listener != NULL)
		e->listener(e->listener_data, event);
}

void
engine_message_event(struct engine *e, int64_t id, const char *what)
{
	json_t *ev;

	if (e->ipc == NULL && e->listener == NULL)
		return;
	ev = json_pack("{s:s, s:I, s:s}", "event", "message", "id",
	    (json_int_t)id, "what", what);
	engine_publish(e, ev);
	json_decref(ev);
}

/* The callbacks backends call. */
static void
ev_submitted(void *ctx, struct backend *b, int64_t msg_id,
    const char *remote_ref, int parts)
{
	outbox_submitted(ctx, eb_of(b), msg_id, remote_ref, parts);
}

static void
ev_send_failed(void *ctx, struct backend *b, int64_t msg_id, bool transient,
    int retry_after, int code, const char *reason)
{
	outbox_failed(ctx, eb_of(b), msg_id, transient, retry_after, code,
	    reason);
}

static void
ev_status(void *ctx, struct backend *b, const struct backend_status *st)
{
	outbox_status(ctx, eb_of(b), st);
}

static int
ev_inbound(void *ctx, struct backend *b, const struct backend_inbound *in)
{
	return inbound_receive(ctx, eb_of(b), in);
}

/* Opting out is the recipient's word, wherever it was given. */
static void
ev_opted_out(void *ctx, struct backend *b, const char *number,
    const char *reason)
{
	struct engine *e = ctx;
	struct sms_err err;
	char safe[64];

	log_escape(safe, sizeof safe, number, strlen(number));
	sms_err_clear(&err);
	if (store_optout_set(e->st, number, true, 0, &err) < 0) {
		log_warn("%s: cannot mark %s opted out: %s", b->name, safe,
		    err.msg);
		return;
	}
	log_info("%s: %s opted out at the provider (%s); further messages to "
	    "it are refused", b->name, safe, reason);
}

static void
ev_state(void *ctx, struct backend *b, enum backend_state state,
    const char *detail)
{
	eb_of(b)->heard = true;
	router_reported(ctx, eb_of(b), state, detail);
}

static const struct backend_events engine_events = {
	.submitted = ev_submitted,
	.send_failed = ev_send_failed,
	.status = ev_status,
	.inbound = ev_inbound,
	.opted_out = ev_opted_out,
	.state = ev_state,
};

/* Read the settings engine_reload() may change. */
static void
read_settings(struct engine *e)
{
	e->max_attempts = (int)conf_get_int(e->cfg, "outbox", "max_attempts",
	    10);
	e->retry_base = (int)conf_get_int(e->cfg, "outbox", "retry_base", 5);
	e->probe_ms = (int)conf_get_int(e->cfg, "routing", "probe_interval",
	    30) * 1000;
	e->autoreply = conf_get_bool(e->cfg, "autoreply", "enabled", true);
	e->fragment_timeout = (int)conf_get_int(e->cfg, "inbound",
	    "fragment_timeout", 3600);
}

static int
backends_new(struct engine *e, struct sms_err *err)
{
	const char *const *names;
	size_t n, i;

	names = conf_backends(e->cfg, &n);
	if ((e->be = calloc(n ? n : 1, sizeof *e->be)) == NULL)
		return sms_err_set(err, SMS_ENOMEM, "%s",
		    sms_rc_str(SMS_ENOMEM));
	for (i = 0; i < n; i++) {
		struct engine_backend *eb = &e->be[e->n_be];
		const char *type;
		char section[256];

		snprintf(section, sizeof section, "backend.%s", names[i]);
		if (!conf_get_bool(e->cfg, section, "enabled", true))
			continue;
		type = conf_get(e->cfg, section, "type");
		if (type == NULL)
			return sms_err_set(err, SMS_ECONFIG,
			    _("backend %s has no type (add type = modem, "
			    "twilio or sim to [%s])"), names[i], section);
		if ((eb->b.ops = registry_find(type)) == NULL)
			return sms_err_set(err, SMS_ECONFIG,
			    _("backend %s: type %s is not available in this "
			    "build"), names[i], type);
		eb->b.name = strdup(names[i]);
		eb->b.section = strdup(section);
		if (eb->b.name == NULL || eb->b.section == NULL)
			return sms_err_set(err, SMS_ENOMEM, "%s",
			    sms_rc_str(SMS_ENOMEM));
		eb->b.events = &engine_events;
		eb->b.ctx = e;
		eb->e = e;
		eb->rank = -1;
		eb->reported = BACKEND_DOWN;
		eb->effective = BACKEND_DOWN;
		eb->down_after = (int)conf_get_int(e->cfg, section,
		    "down_after", 30);
		e->n_be++;
	}
	return 0;
}

int
engine_new(struct engine **out, uv_loop_t *loop, struct conf *cfg,
    struct sms_err *err)
{
	struct engine *e;
	int rc;

	*out = NULL;
	if ((e = calloc(1, sizeof *e)) == NULL)
		return sms_err_set(err, SMS_ENOMEM, "%s",
		    sms_rc_str(SMS_ENOMEM));
	e->loop = loop;
	e->cfg = cfg;
	e->lock_fd = -1;
	e->rnd = (uint32_t)getpid() ^ (uint32_t)loop_wall_now();
	read_settings(e);
	if ((e->store_path = conf_store_path(cfg)) == NULL) {
		rc = sms_err_set(err, SMS_ENOMEM, "%s", sms_rc_str(SMS_ENOMEM));
		goto fail;
	}
	if ((rc = store_open_conf(&e->st, cfg, err)) < 0)
		goto fail;
	if (!lock_crashed(e->store_path, &e->crashed_at))
		e->crashed_at = 0;
	if ((rc = lock_open(&e->lock_fd, e->store_path, err)) < 0)
		goto fail;
	if ((e->sock_path = ipc_socket_path(e->store_path)) == NULL) {
		rc = sms_err_set(err, SMS_ENOMEM, "%s", sms_rc_str(SMS_ENOMEM));
		goto fail;
	}
	if ((rc = backends_new(e, err)) < 0 ||
	    (rc = router_init(e, err)) < 0 ||
	    (rc = hooks_new(&e->hooks, loop, cfg, err)) < 0)
		goto fail;
	*out = e;
	return 0;
fail:
	engine_free(e);
	return rc;
}

json_t *
engine_request(struct engine *e, const char *cmd, json_t *req,
    struct sms_err *err)
{
	struct engine_backend *eb;
	const char *name;

	if (strcmp(cmd, "wake") == 0) {
		engine_wake(e);
		return json_object();
	}
	if (strcmp(cmd, "status") == 0)
		return json_pack("{s:o}", "status", engine_status(e));
	if (strcmp(cmd, "inject") == 0 || strcmp(cmd, "sim") == 0) {
		name = json_string_value(json_object_get(req, "backend"));
		eb = name != NULL ? engine_backend_find(e, name) : NULL;
		if (eb == NULL) {
			size_t i;

			for (i = 0; name == NULL && i < e->n_be; i++)
				if (sim_is(&e->be[i].b) && e->be[i].opened) {
					eb = &e->be[i];
					break;
				}
		}
		if (eb == NULL || !sim_is(&eb->b) || !eb->opened) {
			sms_err_set(err, SMS_EINVAL,
			    _("\"%s\" needs a running sim backend"), cmd);
			return NULL;
		}
		if (strcmp(cmd, "sim") == 0) {
			const char *mode = json_string_value(json_object_get(
			    req, "mode"));

			if (mode == NULL)
				mode = "";
			if (strcmp(mode, "normal") == 0)
				sim_set_mode(&eb->b, SIM_NORMAL);
			else if (strcmp(mode, "down") == 0)
				sim_set_mode(&eb->b, SIM_DOWN);
			else if (strcmp(mode, "failing") == 0)
				sim_set_mode(&eb->b, SIM_FAILING);
			else {
				sms_err_set(err, SMS_EINVAL, _("the sim mode "
				    "is normal, down or failing, not \"%s\""),
				    mode);
				return NULL;
			}
			return json_object();
		} else {
			struct backend_inbound in;
			int rc;

			memset(&in, 0, sizeof in);
			in.from = json_string_value(json_object_get(req,
			    "from"));
			in.body = json_string_value(json_object_get(req,
			    "text"));
			in.remote_id = json_string_value(json_object_get(req,
			    "remote_id"));
			in.concat_ref = (unsigned)json_integer_value(
			    json_object_get(req, "concat_ref"));
			in.concat_total = (unsigned)json_integer_value(
			    json_object_get(req, "concat_total"));
			in.concat_seq = (unsigned)json_integer_value(
			    json_object_get(req, "concat_seq"));
			if (in.from == NULL || in.body == NULL) {
				sms_err_set(err, SMS_EINVAL, _("\"inject\" "
				    "needs \"from\" and \"text\""));
				return NULL;
			}
			if ((rc = sim_inject(&eb->b, &in)) < 0) {
				sms_err_set(err, rc, _("the message was not "
				    "stored: %s"), sms_rc_str(rc));
				return NULL;
			}
			return json_object();
		}
	}
	sms_err_set(err, SMS_EINVAL, _("unknown command \"%s\""), cmd);
	return NULL;
}

static json_t *
on_request(void *data, const char *cmd, json_t *req, struct sms_err *err)
{
	return engine_request(data, cmd, req, err);
}

static void tick_cb(uv_timer_t *t);

/*
 * The last engine was killed (or crashed): its backends' last events say
 * "up", and availability would count the time nobody ran as up.  They
 * were down from its last sign of life (the lock file's heartbeat).
 */
static void
record_crash(struct engine *e)
{
	int64_t now = loop_wall_now(), at;
	bool up;
	size_t i;

	if (e->crashed_at <= 0 || e->crashed_at > now)
		return;
	for (i = 0; i < e->n_be; i++) {
		const char *name = e->be[i].b.name;

		if (store_event_last(e->st, name, &up, &at, NULL) == 1 &&
		    up && at <= e->crashed_at)
			store_event_add(e->st, name, "down", false,
			    _("the engine stopped without a word (killed or "
			    "crashed)"), e->crashed_at, NULL);
	}
	log_warn("the last engine on %s did not stop cleanly; it was last "
	    "seen alive %lld s ago", e->store_path,
	    (long long)(now - e->crashed_at));
}

int
engine_start(struct engine *e, bool listen, struct sms_err *err)
{
	size_t i;
	int rc;

	uv_timer_init(e->loop, &e->outbox_timer);
	uv_timer_init(e->loop, &e->tick);
	e->outbox_timer.data = e->tick.data = e;
	e->open_handles = 2;
	e->started = true;
	e->started_at = loop_wall_now();
	record_crash(e);
	if (listen && (rc = ipc_server_start(&e->ipc, e->loop, e->sock_path,
	    on_request, e, err)) < 0)
		return rc;
	for (i = 0; i < e->n_be; i++) {
		struct engine_backend *eb = &e->be[i];

		if ((rc = eb->b.ops->open(&eb->b, e->loop, e->cfg, err)) < 0)
			return sms_err_prefix(err, _("backend %s"),
			    eb->b.name);
		eb->opened = true;
		e->open_handles++;
		/* A backend that did not say how it is: ask it. */
		if (!eb->heard && eb->b.ops->health != NULL) {
			struct backend_health h;

			memset(&h, 0, sizeof h);
			eb->b.ops->health(&eb->b, &h);
			router_reported(e, eb, h.state, h.detail[0] != '\0' ?
			    h.detail : NULL);
		}
	}
	inbound_rules_reload(e, true);
	outbox_reconcile(e);
	uv_timer_start(&e->tick, tick_cb, ENGINE_TICK_MS, ENGINE_TICK_MS);
	outbox_kick(e);
	log_info("engine running on %s (%zu backends)", e->store_path,
	    e->n_be);
	return 0;
}

static void
handle_closed(uv_handle_t *h)
{
	struct engine *e = h->data;

	if (--e->open_handles == 0 && e->stop_done != NULL)
		e->stop_done(e, e->stop_data);
}

static void
backend_closed(struct backend *b)
{
	struct engine_backend *eb = eb_of(b);
	struct engine *e = eb->e;

	eb->closed = true;
	if (--e->open_handles == 0 && e->stop_done != NULL)
		e->stop_done(e, e->stop_data);
}

/* Everything in flight is done (or we gave up): close it all. */
static void
finish_stop(struct engine *e)
{
	size_t i;

	/* Nothing sends for these backends until an engine runs again:
	 * their availability says so. */
	for (i = 0; i < e->n_be; i++)
		if (e->be[i].opened && e->be[i].effective != BACKEND_DOWN)
			store_event_add(e->st, e->be[i].b.name, "down", false,
			    _("the engine stopped"), 0, NULL);
	ipc_server_stop(e->ipc);
	e->ipc = NULL;
	inbound_jobs_detach(e);
	hooks_stop(e->hooks);
	e->hooks = NULL;
	uv_close((uv_handle_t *)&e->outbox_timer, handle_closed);
	uv_close((uv_handle_t *)&e->tick, handle_closed);
	for (i = 0; i < e->n_be; i++)
		if (e->be[i].opened && !e->be[i].closed)
			e->be[i].b.ops->close(&e->be[i].b, backend_closed);
}

static void
tick_cb(uv_timer_t *t)
{
	struct engine *e = t->data;

	if (e->stopping) {
		if (outbox_in_flight(e) == 0 ||
		    loop_now(e->loop) >= e->stop_deadline) {
			if (outbox_in_flight(e) > 0)
				log_warn("stopping with %zu messages in "
				    "flight; they are reconciled at the next "
				    "start", outbox_in_flight(e));
			uv_timer_stop(&e->tick);
			finish_stop(e);
		}
		return;
	}
	router_tick(e);
	inbound_rules_reload(e, false);
	if (++e->ticks % 60 == 0)
		inbound_expire(e);
	if (e->ticks % ENGINE_ALIVE_TICKS == 0)
		lock_touch(e->lock_fd);
	/* Other processes queue without always waking us. */
	if (store_changed(e->st, NULL) > 0)
		outbox_kick(e);
}

void
engine_stop(struct engine *e, engine_done_cb done, void *data)
{
	if (e->stopping)
		return;
	e->stopping = true;
	e->stop_done = done;
	e->stop_data = data;
	if (!e->started) {
		if (done != NULL)
			done(e, data);
		return;
	}
	uv_timer_stop(&e->outbox_timer);
	e->stop_deadline = loop_now(e->loop) + ENGINE_STOP_GRACE;
	if (outbox_in_flight(e) > 0)
		log_info("finishing %zu messages in flight",
		    outbox_in_flight(e));
	/* The tick watches in-flight messages; check at once too. */
	uv_timer_start(&e->tick, tick_cb, 0, 100);
}

void
engine_free(struct engine *e)
{
	size_t i;
	struct engine_reconciling *r;

	if (e == NULL)
		return;
	for (i = 0; i < e->n_be; i++) {
		free(e->be[i].b.name);
		free(e->be[i].b.section);
	}
	router_fini(e);
	free(e->be);
	while ((r = e->reconciling) != NULL) {
		e->reconciling = r->next;
		free(r);
	}
	inbound_jobs_detach(e);
	if (e->hooks != NULL)
		hooks_stop(e->hooks);	/* never started: frees at once */
	rules_free(e->rules);
	if (e->lock_fd >= 0)
		lock_close(e->lock_fd, e->store_path);
	store_close(e->st);
	free(e->sock_path);
	free(e->store_path);
	free(e);
}

int
engine_reload(struct engine *e, struct conf *cfg, struct sms_err *err)
{
	struct hooks *h;
	int rc;

	if ((rc = hooks_new(&h, e->loop, cfg, err)) < 0)
		return rc;
	router_fini(e);
	e->cfg = cfg;
	read_settings(e);
	if ((rc = router_init(e, err)) < 0) {
		hooks_stop(h);
		return rc;
	}
	hooks_stop(e->hooks);
	e->hooks = h;
	inbound_rules_reload(e, true);
	router_tick(e);
	outbox_kick(e);
	log_info("configuration and rules reloaded");
	return 0;
}

void
engine_suspend(struct engine *e)
{
	size_t i;

	if (e->suspended)
		return;
	e->suspended = true;
	for (i = 0; i < e->n_be; i++)
		if (e->be[i].opened && e->be[i].b.ops->suspend != NULL)
			e->be[i].b.ops->suspend(&e->be[i].b);
	log_info("suspended: backends released");
}

void
engine_resume(struct engine *e)
{
	size_t i;

	if (!e->suspended)
		return;
	e->suspended = false;
	for (i = 0; i < e->n_be; i++)
		if (e->be[i].opened && e->be[i].b.ops->resume != NULL)
			e->be[i].b.ops->resume(&e->be[i].b);
	log_info("resumed");
	outbox_kick(e);
}

void
engine_wake(struct engine *e)
{
	outbox_kick(e);
}

void
engine_set_listener(struct engine *e, engine_event_cb cb, void *data)
{
	e->listener = cb;
	e->listener_data = data;
}

struct store *
engine_store(struct engine *e)
{
	return e->st;
}

size_t
engine_in_flight(const struct engine *e)
{
	return outbox_in_flight(e);
}
