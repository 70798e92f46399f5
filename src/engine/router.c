/*
 * The router: which backend sends the messages nobody routed.  [routing]
 * primary and fallback (","-separated, in order) rank the backends; the
 * first usable one is active.  A backend is unusable when it says it is
 * down or suspended, inside a maintenance window ("dongle Sun 02:00-04:00"),
 * or when its sends have failed for down_after seconds in a row; such a
 * backend is probed with one message every [routing] probe_interval
 * seconds (30), so it gets its queue back within a minute of recovering.  Every change of a backend's
 * effective state goes to backend_events and to subscribers.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine/private.h"
#include "engine/rules.h"
#include "store/event.h"
#include "store/outbox.h"
#include "util/conf.h"
#include "util/i18n.h"
#include "util/log.h"
#include "util/loop.h"

static const char *
state_name(enum backend_state s)
{
	switch (s) {
	case BACKEND_UP:		return "up";
	case BACKEND_DOWN:		return "down";
	case BACKEND_MAINTENANCE:	return "maintenance";
	case BACKEND_SUSPENDED:		return "suspended";
	}
	return "down";
}

/* Rank backends from [routing]; without it, config order. */
static int
rank_backends(struct engine *e, struct sms_err *err)
{
	const char *primary = conf_get(e->cfg, "routing", "primary");
	const char *fallback = conf_get(e->cfg, "routing", "fallback");
	struct engine_backend *eb;
	int rank = 0;
	size_t i;

	for (i = 0; i < e->n_be; i++)
		e->be[i].rank = -1;
	if (primary == NULL && fallback == NULL) {
		for (i = 0; i < e->n_be; i++)
			e->be[i].rank = (int)i;
		return 0;
	}
	if (primary != NULL) {
		if ((eb = engine_backend_find(e, primary)) == NULL)
			return sms_err_set(err, SMS_ECONFIG,
			    _("[routing] primary names backend \"%s\", which "
			    "is not configured (or not enabled)"), primary);
		eb->rank = rank++;
	}
	while (fallback != NULL && *fallback != '\0') {
		const char *comma = strchr(fallback, ',');
		size_t len = comma ? (size_t)(comma - fallback) :
		    strlen(fallback);
		char name[128];

		while (len > 0 && isspace((unsigned char)*fallback)) {
			fallback++;
			len--;
		}
		while (len > 0 && isspace((unsigned char)fallback[len - 1]))
			len--;
		if (len > 0) {
			snprintf(name, sizeof name, "%.*s", (int)len, fallback);
			if ((eb = engine_backend_find(e, name)) == NULL)
				return sms_err_set(err, SMS_ECONFIG,
				    _("[routing] fallback names backend "
				    "\"%s\", which is not configured (or not "
				    "enabled)"), name);
			if (eb->rank < 0)
				eb->rank = rank++;
		}
		fallback = comma ? comma + 1 : NULL;
	}
	return 0;
}

static int
maintenance_parse(struct engine *e, struct sms_err *err)
{
	const char *const *v;
	size_t n, i;

	v = conf_get_all(e->cfg, "routing", "maintenance", &n);
	for (i = 0; i < n; i++) {
		const char *p = v[i] + strspn(v[i], " \t");
		size_t len = strcspn(p, " \t");
		struct engine_backend *eb;
		struct route_window *w;
		char name[128];
		const char *spec;

		snprintf(name, sizeof name, "%.*s", (int)len, p);
		spec = p + len + strspn(p + len, " \t");
		if ((eb = engine_backend_find(e, name)) == NULL)
			return sms_err_set(err, SMS_ECONFIG,
			    _("[routing] maintenance names backend \"%s\", "
			    "which is not configured"), name);
		if (*spec == '\0' || rules_hours_match(spec, 0) < 0)
			return sms_err_set(err, SMS_ECONFIG,
			    _("[routing] maintenance = %s: write a backend "
			    "and windows, like \"dongle Sun 02:00-04:00\""),
			    v[i]);
		w = realloc(eb->maint, (eb->n_maint + 1) * sizeof *w);
		if (w == NULL)
			return sms_err_set(err, SMS_ENOMEM, "%s",
			    sms_rc_str(SMS_ENOMEM));
		eb->maint = w;
		if ((w[eb->n_maint].hours = strdup(spec)) == NULL)
			return sms_err_set(err, SMS_ENOMEM, "%s",
			    sms_rc_str(SMS_ENOMEM));
		eb->n_maint++;
	}
	return 0;
}

int
router_init(struct engine *e, struct sms_err *err)
{
	int rc;

	if ((rc = rank_backends(e, err)) < 0 ||
	    (rc = maintenance_parse(e, err)) < 0)
		return rc;
	return 0;
}

void
router_fini(struct engine *e)
{
	size_t i, j;

	for (i = 0; e->be != NULL && i < e->n_be; i++) {
		for (j = 0; j < e->be[i].n_maint; j++)
			free(e->be[i].maint[j].hours);
		free(e->be[i].maint);
		e->be[i].maint = NULL;
		e->be[i].n_maint = 0;
	}
}

static bool
in_maintenance(const struct engine_backend *eb, int64_t now)
{
	struct tm tm;
	time_t t = (time_t)now;
	size_t i;

	if (eb->n_maint == 0 || localtime_r(&t, &tm) == NULL)
		return false;
	for (i = 0; i < eb->n_maint; i++)
		if (rules_hours_match(eb->maint[i].hours,
		    now + tm.tm_gmtoff) == 1)
			return true;
	return false;
}

/* Recompute eb's effective state; record and announce a change. */
static void
update(struct engine *e, struct engine_backend *eb, const char *detail)
{
	enum backend_state s = eb->reported;
	int64_t now = loop_wall_now(), n = 0;
	struct sms_err err;
	json_t *ev;

	if (s == BACKEND_UP && in_maintenance(eb, now))
		s = BACKEND_MAINTENANCE;
	else if (s == BACKEND_UP && eb->failing_down)
		s = BACKEND_DOWN;
	if (s == eb->effective && eb->since != 0) {
		/* The same state with a newer sentence from the backend
		 * (a modem's storage use): shown, not announced. */
		if (detail != NULL && s == eb->reported)
			snprintf(eb->detail, sizeof eb->detail, "%s", detail);
		return;
	}
	if (detail == NULL && s == BACKEND_MAINTENANCE)
		detail = _("inside a maintenance window");
	if (detail == NULL && eb->failing_down && s == BACKEND_DOWN)
		detail = eb->last_error;
	snprintf(eb->detail, sizeof eb->detail, "%s", detail ? detail : "");
	log_info("backend %s is %s%s%s", eb->b.name, state_name(s),
	    detail ? ": " : "", detail ? detail : "");
	eb->effective = s;
	eb->since = now;
	if (store_event_add(e->st, eb->b.name, state_name(s), s == BACKEND_UP,
	    detail, now, &err) < 0)
		log_err("cannot record backend %s's state: %s", eb->b.name,
		    err.msg);
	ev = json_pack("{s:s, s:s, s:s, s:s}", "event", "backend", "name",
	    eb->b.name, "state", state_name(s), "detail",
	    detail ? detail : "");
	engine_publish(e, ev);
	json_decref(ev);
	/* Back up: what failed here as it went down (an unplug, a 503) was
	 * waiting out a backoff meant for a backend that is gone; send it
	 * now rather than up to a quarter of an hour later. */
	if (s == BACKEND_UP) {
		if (store_outbox_retry_now(e->st, eb->b.name, now, &n,
		    &err) < 0)
			log_err("backend %s: %s", eb->b.name, err.msg);
		else if (n > 0)
			log_info("backend %s is back: %lld waiting messages "
			    "are due now", eb->b.name, (long long)n);
	}
	outbox_kick(e);
}

void
router_reported(struct engine *e, struct engine_backend *eb,
    enum backend_state state, const char *detail)
{
	eb->reported = state;
	/* Why a backend that worked went down is its last error (a 503, an
	 * unplug), not only why a send failed. */
	if (state == BACKEND_UP)
		eb->was_up = true;
	else if (state == BACKEND_DOWN && eb->was_up && detail != NULL &&
	    *detail != '\0')
		snprintf(eb->last_error, sizeof eb->last_error, "%s", detail);
	update(e, eb, detail);
}

void
router_tick(struct engine *e)
{
	size_t i;

	for (i = 0; i < e->n_be; i++)
		if (e->be[i].opened)
			update(e, &e->be[i], NULL);
}

void
router_success(struct engine *e, struct engine_backend *eb)
{
	eb->failing_since = 0;
	if (eb->failing_down) {
		eb->failing_down = false;
		update(e, eb, _("sending works again"));
	}
}

void
router_failure(struct engine *e, struct engine_backend *eb,
    const char *reason)
{
	int64_t now = loop_wall_now();

	snprintf(eb->last_error, sizeof eb->last_error, "%s",
	    reason ? reason : "");
	if (eb->failing_since == 0)
		eb->failing_since = now;
	if (!eb->failing_down && now - eb->failing_since >= eb->down_after) {
		eb->failing_down = true;
		eb->last_probe = loop_now(e->loop);
		update(e, eb, NULL);
	}
}

bool
router_usable(struct engine *e, struct engine_backend *eb)
{
	uint64_t now;

	if (!eb->opened || e->suspended)
		return false;
	if (eb->reported != BACKEND_UP)
		return false;
	if (eb->effective == BACKEND_MAINTENANCE)
		return false;
	if (!eb->failing_down)
		return true;
	/* Down for failing: let one message through now and then. */
	now = loop_now(e->loop);
	if (eb->in_flight == 0 && now - eb->last_probe >= (uint64_t)e->probe_ms) {
		eb->last_probe = now;
		return true;
	}
	return false;
}

struct engine_backend *
router_active(struct engine *e)
{
	struct engine_backend *best = NULL;
	size_t i;

	for (i = 0; i < e->n_be; i++) {
		struct engine_backend *eb = &e->be[i];

		if (eb->rank < 0 || !eb->opened || eb->failing_down ||
		    eb->reported != BACKEND_UP ||
		    eb->effective == BACKEND_MAINTENANCE)
			continue;
		if (best == NULL || eb->rank < best->rank)
			best = eb;
	}
	if (best != NULL)
		return best;
	/* Everyone is failing: the best ranked one keeps probing. */
	for (i = 0; i < e->n_be; i++) {
		struct engine_backend *eb = &e->be[i];

		if (eb->rank < 0 || !eb->opened ||
		    eb->reported != BACKEND_UP ||
		    eb->effective == BACKEND_MAINTENANCE)
			continue;
		if (best == NULL || eb->rank < best->rank)
			best = eb;
	}
	return best;
}
