/*
 * Health: the status object of `sms-inbox status --json`, the TUI's status
 * bar and the socket's "status": each backend's state, signal, queue depth
 * (what is routed to it, and the unrouted messages for the one the router
 * sends them through), last error and availability over 24 hours and 30
 * days (from backend_events).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "engine/private.h"
#include "store/event.h"
#include "store/store.h"
#include "util/conf.h"
#include "util/i18n.h"
#include "util/loop.h"

#define DAY 86400

static const char *
public_state(enum backend_state s)
{
	switch (s) {
	case BACKEND_UP:		return "up";
	case BACKEND_MAINTENANCE:	return "maintenance";
	case BACKEND_DOWN:
	case BACKEND_SUSPENDED:		break;
	}
	return "down";
}

/* Availability over [now - span, now): a number, or null when unknown. */
static json_t *
availability(struct store *st, const char *name, int64_t now, int64_t span)
{
	double f = -1;

	if (store_event_availability(st, name, now - span, now, &f,
	    NULL) < 0 || f < 0)
		return json_null();
	return json_real(f);
}

/* unrouted: the unrouted messages to count for this backend (the
 * router's active one takes them, the others none), or -1 to count
 * them all for every backend (no engine to say who takes them). */
static void
add_common(json_t *o, struct store *st, const char *name, int64_t now,
    int64_t unrouted)
{
	int64_t queued = 0, sending = 0, all = 0;

	store_queue_depth(st, name, &queued, &sending, NULL);
	if (unrouted >= 0 && store_queue_unrouted(st, &all, NULL) == 0)
		queued = queued - all + unrouted;
	json_object_set_new(o, "queued", json_integer(queued));
	json_object_set_new(o, "sending", json_integer(sending));
	json_object_set_new(o, "availability_24h", availability(st, name, now,
	    DAY));
	json_object_set_new(o, "availability_30d", availability(st, name, now,
	    30 * DAY));
}

static json_t *
queue_json(struct store *st)
{
	int64_t queued = 0, sending = 0;

	store_queue_depth(st, NULL, &queued, &sending, NULL);
	return json_pack("{s:I, s:I}", "queued", (json_int_t)queued,
	    "sending", (json_int_t)sending);
}

json_t *
engine_status(struct engine *e)
{
	struct engine_backend *active = router_active(e);
	json_t *o, *list;
	int64_t now = loop_wall_now(), unrouted = 0;
	size_t i;

	store_queue_unrouted(e->st, &unrouted, NULL);
	list = json_array();
	for (i = 0; i < e->n_be; i++) {
		struct engine_backend *eb = &e->be[i];
		struct backend_health h;
		json_t *b;

		memset(&h, 0, sizeof h);
		h.signal_bars = -1;
		if (eb->opened && eb->b.ops->health != NULL)
			eb->b.ops->health(&eb->b, &h);
		b = json_pack("{s:s, s:s, s:s, s:i, s:b, s:I}",
		    "name", eb->b.name, "type", eb->b.ops->type,
		    "state", public_state(eb->effective),
		    "rank", eb->rank, "suspended",
		    eb->reported == BACKEND_SUSPENDED || e->suspended,
		    "since", (json_int_t)eb->since);
		if (b == NULL)
			continue;
		if (h.signal_dbm != 0)
			json_object_set_new(b, "signal_dbm",
			    json_integer(h.signal_dbm));
		if (h.signal_bars >= 0)
			json_object_set_new(b, "signal_bars",
			    json_integer(h.signal_bars));
		if (h.operator_name[0] != '\0')
			json_object_set_new(b, "operator",
			    json_string(h.operator_name));
		json_object_set_new(b, "detail", json_string(eb->detail[0] ?
		    eb->detail : h.detail));
		json_object_set_new(b, "last_error", eb->last_error[0] ?
		    json_string(eb->last_error) : json_null());
		json_object_set_new(b, "in_flight",
		    json_integer(eb->in_flight));
		add_common(b, e->st, eb->b.name, now, eb == active ?
		    unrouted : 0);
		json_array_append_new(list, b);
	}
	o = json_pack("{s:{s:b, s:I, s:I, s:b, s:I, s:s}, s:o, s:o}",
	    "engine", "running", 1, "pid", (json_int_t)getpid(),
	    "since", (json_int_t)e->started_at, "suspended", e->suspended,
	    "in_flight", (json_int_t)outbox_in_flight(e),
	    "store", e->store_path,
	    "queue", queue_json(e->st), "backends", list);
	return o;
}

json_t *
engine_status_offline(struct store *st, const struct conf *cfg,
    bool running, long pid)
{
	const char *const *names;
	int64_t now = loop_wall_now();
	json_t *list, *o;
	size_t n, i;

	names = conf_backends(cfg, &n);
	list = json_array();
	for (i = 0; i < n; i++) {
		char section[256];
		json_t *b;

		snprintf(section, sizeof section, "backend.%s", names[i]);
		b = json_pack("{s:s, s:s, s:s, s:s}", "name", names[i],
		    "type", conf_get_str(cfg, section, "type", "?"),
		    "state", "down", "detail", running ?
		    _("the engine does not answer") :
		    _("no engine is running"));
		if (b == NULL)
			continue;
		add_common(b, st, names[i], now, -1);
		json_array_append_new(list, b);
	}
	o = json_pack("{s:{s:b}, s:o, s:o}", "engine", "running", running,
	    "queue", queue_json(st), "backends", list);
	if (o != NULL && running && pid > 0)
		json_object_set_new(json_object_get(o, "engine"), "pid",
		    json_integer(pid));
	return o;
}
