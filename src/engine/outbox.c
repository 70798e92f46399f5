/*
 * The outbox worker: claims due queued messages in order for each backend
 * that can take one (the router's active backend takes unrouted messages;
 * every backend takes those routed to it), hands them to the backend, and
 * records the outcome: submitted, retried with exponential backoff and
 * jitter (honouring Retry-After), or failed for good.  After a crash, rows
 * left "sending" are reconciled before anything else is sent.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/hooks.h"
#include "engine/private.h"
#include "store/message.h"
#include "store/outbox.h"
#include "store/store.h"
#include "util/conf.h"
#include "util/i18n.h"
#include "util/log.h"
#include "util/loop.h"

/* Backoff: 5 s doubling to at most 15 min, then +-20 % jitter. */
#define OUTBOX_BACKOFF_BASE 5
#define OUTBOX_BACKOFF_MAX 900
/* How long to wait before looking again when nothing says when. */
#define OUTBOX_IDLE_MS 30000

int64_t
engine_backoff(int attempt, int base_s, int retry_after, uint32_t rnd)
{
	int64_t base = base_s > 0 ? base_s : OUTBOX_BACKOFF_BASE, d;
	int i;

	for (i = 1; i < attempt && base < OUTBOX_BACKOFF_MAX; i++)
		base *= 2;
	if (base > OUTBOX_BACKOFF_MAX)
		base = OUTBOX_BACKOFF_MAX;
	/* base * [0.8, 1.2) */
	d = base * 8 / 10 + (int64_t)(((uint64_t)base * 4 / 10 * rnd) >> 32);
	if (d < 1)
		d = 1;
	if (retry_after > 0 && d < retry_after)
		d = retry_after;
	return d;
}

static uint32_t
next_rnd(struct engine *e)
{
	/* xorshift32: jitter only, not a secret */
	uint32_t x = e->rnd ? e->rnd : 2463534242u;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return e->rnd = x;
}

size_t
outbox_in_flight(const struct engine *e)
{
	size_t i, n = 0;

	for (i = 0; i < e->n_be; i++)
		n += (size_t)e->be[i].in_flight;
	return n;
}

static void
outbox_timer_cb(uv_timer_t *t)
{
	struct engine *e = t->data;

	e->outbox_pending = false;
	outbox_run(e);
}

void
outbox_kick(struct engine *e)
{
	if (!e->started || e->stopping || e->outbox_pending)
		return;
	e->outbox_pending = true;
	uv_timer_start(&e->outbox_timer, outbox_timer_cb, 0, 0);
}

/* Look again in ms milliseconds (unless a sooner run is set). */
static void
arm(struct engine *e, uint64_t ms)
{
	if (e->stopping || e->outbox_pending)
		return;
	uv_timer_start(&e->outbox_timer, outbox_timer_cb, ms, 0);
}

static json_t *
msg_json(const struct store_message *m, const char *state)
{
	return json_pack("{s:I, s:s, s:s, s:s, s:s?, s:s?, s:s?}", "id",
	    (json_int_t)m->id, "number", m->peer ? m->peer : "", "state",
	    state, "body", m->body ? m->body : "", "backend", m->backend,
	    "remote_ref", m->remote_ref, "error", m->error_text);
}

/* Run the hook for message id's new state, with the stored row. */
static void
fire_hook(struct engine *e, enum hook_kind kind, int64_t id)
{
	struct store_message m;
	json_t *j;

	if (e->hooks == NULL ||
	    store_message_get(e->st, id, &m, NULL) < 0)
		return;
	j = msg_json(&m, msg_state_name(m.state));
	hooks_fire(e->hooks, kind, j);
	json_decref(j);
	store_message_fini(&m);
}

static void
fail_message(struct engine *e, int64_t id, int code, const char *reason)
{
	struct sms_err err;

	if (store_message_fail(e->st, id, code, reason, 0, &err) < 0) {
		log_err("message %lld: cannot record its failure: %s",
		    (long long)id, err.msg);
		return;
	}
	log_info("message %lld failed: %s", (long long)id,
	    reason != NULL ? reason : "");
	engine_message_event(e, id, "failed");
	fire_hook(e, HOOK_FAILURE, id);
}

/* Hand one claimed row to eb.  Returns false when eb took nothing. */
static bool
hand_over(struct engine *e, struct engine_backend *eb,
    struct store_message *m)
{
	struct backend_msg bm;
	struct sms_err err;
	int rc;

	memset(&bm, 0, sizeof bm);
	bm.id = m->id;
	bm.to = m->peer;
	bm.from = m->our_number;
	bm.body = m->body;
	bm.report = m->report;
	bm.ucs2 = m->encoding != NULL && strcmp(m->encoding, "ucs2") == 0;
	bm.attempt = m->attempts;
	bm.created_at = m->created_at;
	sms_err_clear(&err);
	eb->in_flight++;
	rc = eb->b.ops->submit(&eb->b, &bm, &err);
	if (rc == 0) {
		log_debug("message %lld to %s handed to %s (attempt %d)",
		    (long long)m->id, m->peer, eb->b.name, m->attempts);
		engine_message_event(e, m->id, "sending");
		return true;
	}
	eb->in_flight--;
	if (rc == SMS_EBUSY) {
		/* Not now after all: back in the queue, due at once. */
		store_message_requeue(e->st, m->id, loop_wall_now(), 0, NULL,
		    NULL);
		return false;
	}
	fail_message(e, m->id, 0, err.msg[0] != '\0' ? err.msg :
	    sms_rc_str(rc));
	return true;
}

/* Claim and submit for eb while it is ready.  unrouted: eb may take
 * messages the router chooses for. */
static void
feed(struct engine *e, struct engine_backend *eb, bool unrouted)
{
	struct store_message m;
	struct sms_err err;
	int rc;

	while (!e->stopping && eb->b.ops->ready(&eb->b)) {
		int64_t now = loop_wall_now();

		if (unrouted)
			rc = store_message_claim(e->st, eb->b.name, now, &m,
			    &err);
		else
			rc = store_outbox_claim_routed(e->st, eb->b.name, now,
			    &m, &err);
		if (rc < 0) {
			log_err("outbox: %s", err.msg);
			return;
		}
		if (rc == 0)
			return;
		if (e->max_attempts > 0 && m.attempts > e->max_attempts) {
			char why[256];

			snprintf(why, sizeof why, _("gave up after %d "
			    "attempts: %s"), m.attempts - 1,
			    m.error_text != NULL ? m.error_text : "");
			fail_message(e, m.id, m.error_code, why);
			store_message_fini(&m);
			continue;
		}
		if (!hand_over(e, eb, &m)) {
			store_message_fini(&m);
			return;
		}
		store_message_fini(&m);
		/* A backend that can only probe takes one at a time. */
		if (eb->failing_down)
			return;
	}
}

void
outbox_run(struct engine *e)
{
	struct engine_backend *active;
	uint64_t wait = OUTBOX_IDLE_MS;
	int64_t now = loop_wall_now(), when;
	size_t i;

	if (!e->started || e->stopping)
		return;
	router_tick(e);
	active = router_active(e);
	/* First the probes of failing backends (one message each, so a
	 * recovered backend gets its queue back), then the active backend,
	 * then messages routed to the others. */
	for (i = 0; i < e->n_be; i++) {
		struct engine_backend *eb = &e->be[i];

		if (eb->opened && eb != active && eb->failing_down &&
		    eb->rank >= 0 && router_usable(e, eb))
			feed(e, eb, true);
	}
	if (active != NULL && router_usable(e, active))
		feed(e, active, true);
	for (i = 0; i < e->n_be; i++) {
		struct engine_backend *eb = &e->be[i];

		if (eb->opened && eb != active && !eb->failing_down &&
		    router_usable(e, eb))
			feed(e, eb, false);
	}
	/* When to look next: the soonest due message a usable backend
	 * could take, or when a rate limit lifts. */
	for (i = 0; i < e->n_be; i++) {
		struct engine_backend *eb = &e->be[i];
		uint64_t ms;

		if (!eb->opened || !router_usable(e, eb))
			continue;
		if (store_message_next_due(e->st, eb->b.name, &when,
		    NULL) < 0 || when < 0)
			continue;
		if (when > now)
			ms = (uint64_t)(when - now) * 1000;
		else if (eb->b.ops->ready(&eb->b))
			ms = 0;
		else if ((ms = eb->b.ops->next_ready(&eb->b)) == 0)
			continue;	/* its events will kick us */
		if (ms < wait)
			wait = ms;
	}
	arm(e, wait > 0 ? wait : 1);
}

static bool
take_reconciling(struct engine *e, int64_t id)
{
	struct engine_reconciling **pp, *r;

	for (pp = &e->reconciling; (r = *pp) != NULL; pp = &r->next)
		if (r->id == id) {
			*pp = r->next;
			free(r);
			return true;
		}
	return false;
}

void
outbox_submitted(struct engine *e, struct engine_backend *eb, int64_t id,
    const char *ref, int parts)
{
	struct sms_err err;
	int rc;

	(void)parts;
	if (eb->in_flight > 0)
		eb->in_flight--;
	if (take_reconciling(e, id))
		log_info("message %lld had gone out before the crash (%s): "
		    "not sending it again", (long long)id, ref ? ref : "");
	rc = store_message_submitted(e->st, id, ref, 0, &err);
	if (rc < 0)
		log_err("message %lld: cannot record its submission: %s",
		    (long long)id, err.msg);
	router_success(e, eb);
	if (rc > 0) {
		engine_message_event(e, id, "submitted");
		fire_hook(e, HOOK_SENT, id);
	}
	outbox_kick(e);
}

void
outbox_failed(struct engine *e, struct engine_backend *eb, int64_t id,
    bool transient, int retry_after, int code, const char *reason)
{
	struct store_message m;
	struct sms_err err;
	int64_t delay;

	if (eb->in_flight > 0)
		eb->in_flight--;
	if (take_reconciling(e, id)) {
		/* It never went out: send it again now. */
		store_message_requeue(e->st, id, loop_wall_now(), 0, reason,
		    NULL);
		engine_message_event(e, id, "queued");
		outbox_kick(e);
		return;
	}
	if (!transient) {
		fail_message(e, id, code, reason);
		outbox_kick(e);
		return;
	}
	if (eb->failing_down) {
		/* A failed probe: the message goes to the active backend
		 * at once, no backoff. */
		snprintf(eb->last_error, sizeof eb->last_error, "%s",
		    reason ? reason : "");
		store_message_requeue(e->st, id, loop_wall_now(), code, reason,
		    NULL);
		engine_message_event(e, id, "queued");
		outbox_kick(e);
		return;
	}
	router_failure(e, eb, reason);
	if (store_message_get(e->st, id, &m, &err) < 0) {
		log_err("message %lld: %s", (long long)id, err.msg);
		return;
	}
	if (e->max_attempts > 0 && m.attempts >= e->max_attempts) {
		char why[320];

		snprintf(why, sizeof why, _("gave up after %d attempts: %s"),
		    m.attempts, reason != NULL ? reason : "");
		fail_message(e, id, code, why);
	} else {
		delay = engine_backoff(m.attempts, e->retry_base, retry_after,
		    next_rnd(e));
		log_info("message %lld: %s; trying again in %lld s",
		    (long long)id, reason != NULL ? reason : "",
		    (long long)delay);
		if (store_message_requeue(e->st, id, loop_wall_now() + delay,
		    code, reason, &err) < 0)
			log_err("message %lld: %s", (long long)id, err.msg);
		engine_message_event(e, id, "queued");
	}
	store_message_fini(&m);
	outbox_kick(e);
}

void
outbox_status(struct engine *e, struct engine_backend *eb,
    const struct backend_status *st)
{
	struct sms_err err;
	int64_t id = st->msg_id;
	int rc;

	if (st->part && st->remote_ref != NULL)
		rc = store_message_part_state(e->st, eb->b.name, id,
		    st->remote_ref, st->state, st->error_code,
		    st->error_text, st->at, &id, &err);
	else if (id > 0)
		rc = store_message_set_state(e->st, id, st->state,
		    st->error_code, st->error_text, st->at, &err);
	else if (st->remote_ref != NULL)
		rc = store_message_set_state_by_ref(e->st, eb->b.name,
		    st->remote_ref, st->state, st->error_code,
		    st->error_text, st->at, &id, &err);
	else
		return;
	if (rc < 0) {
		if (rc != SMS_ENOENT)
			log_err("status report: %s", err.msg);
		else
			log_debug("status report for an unknown message "
			    "(%s)", st->remote_ref ? st->remote_ref : "");
		return;
	}
	if (rc == 0)
		return;	/* late or duplicate: states only move forward */
	engine_message_event(e, id, msg_state_name(st->state));
	if (st->state == MSG_DELIVERED)
		fire_hook(e, HOOK_DELIVERY, id);
	else if (st->state == MSG_UNDELIVERED || st->state == MSG_FAILED)
		fire_hook(e, HOOK_FAILURE, id);
}

void
outbox_reconcile(struct engine *e)
{
	struct store_messages ms;
	struct sms_err err;
	size_t i;

	if (store_message_list_sending(e->st, NULL, &ms, &err) < 0) {
		log_err("cannot list the messages left sending: %s", err.msg);
		return;
	}
	for (i = 0; i < ms.n; i++) {
		struct store_message *m = &ms.v[i];
		struct engine_backend *eb = engine_backend_find(e, m->backend);
		struct engine_reconciling *r;
		struct backend_msg bm;
		const char *policy;

		if (eb == NULL || !eb->opened) {
			log_warn("message %lld was being sent by %s, which is "
			    "gone: queueing it again", (long long)m->id,
			    m->backend ? m->backend : "?");
			store_message_requeue(e->st, m->id, 0, 0, NULL, NULL);
			continue;
		}
		if (eb->b.ops->reconcile != NULL) {
			memset(&bm, 0, sizeof bm);
			bm.id = m->id;
			bm.to = m->peer;
			bm.from = m->our_number;
			bm.body = m->body;
			bm.report = m->report;
			bm.attempt = m->attempts;
			bm.created_at = m->claimed_at ? m->claimed_at :
			    m->created_at;
			if ((r = calloc(1, sizeof *r)) != NULL) {
				r->id = m->id;
				r->next = e->reconciling;
				e->reconciling = r;
			}
			eb->in_flight++;
			if (eb->b.ops->reconcile(&eb->b, &bm, &err) == 0)
				continue;
			eb->in_flight--;
			take_reconciling(e, m->id);
			log_warn("message %lld: cannot reconcile (%s); "
			    "queueing it again", (long long)m->id, err.msg);
			store_message_requeue(e->st, m->id, 0, 0, NULL, NULL);
			continue;
		}
		policy = conf_get_str(e->cfg, eb->b.section, "resend_policy",
		    "at-least-once");
		if (strcmp(policy, "at-most-once") == 0)
			fail_message(e, m->id, 0, _("it may or may not have "
			    "gone out before a crash; not sending it again "
			    "(resend_policy = at-most-once)"));
		else {
			log_warn("message %lld may have gone out before a "
			    "crash; sending it again (resend_policy = "
			    "at-least-once)", (long long)m->id);
			store_message_requeue(e->st, m->id, 0, 0, NULL, NULL);
		}
	}
	store_messages_fini(&ms);
}
