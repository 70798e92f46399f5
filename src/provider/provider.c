#include "config.h"

#include "provider/provider.h"
#include "provider/private.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "util/i18n.h"
#include "util/log.h"
#include "util/loop.h"

/* How far the provider's clock may be behind ours when matching a message
 * we created against its list (reconcile). */
#define RECON_SKEW 120
/* Pages of a listing read at most per round. */
#define LIST_PAGES_MAX 20
/* SIDs remembered as delivered (inbound) or adopted (outbound). */
#define SID_RING 4096
/* Outbound messages whose status we poll, most. */
#define TRACK_MAX 1000
/* Give up polling a message's status after this many seconds. */
#define TRACK_SECS 86400
/* Retry a failed reconcile listing after this, doubling to the max. */
#define RECON_RETRY_MS 2000
#define RECON_RETRY_MAX_MS 300000
/* Probe a down provider this often when polling is off. */
#define PROBE_MS 30000
/* Longest inbound text with its attachment lines. */
#define INBOUND_TEXT_MAX (64 * 1024)
/* Holds after a 429 that says no Retry-After: 1 s doubling to 64 s. */
#define THROTTLE_MIN_MS 1000
#define THROTTLE_MAX_MS 64000
/* The window a rate is counted over, with 3 % to spare for the jitter
 * between our clock and the arrival at the provider. */
#define RATE_WINDOW_MS 1030
/* A creation handed to curl that has not left yet. */
#define RATE_PENDING UINT64_MAX

/* A bounded set of SIDs, oldest forgotten first. */
struct sid_ring {
	char *sids[SID_RING];
	size_t head;
};

/* The recent creations from one sending number (sliding window). */
struct rate_slot {
	char *from;
	uint64_t *times;	/* ring of the last k creation times */
	size_t head;
	size_t count;
	uint64_t tat;		/* GCRA theoretical arrival time, us */
};

/* An outbound message whose status we poll. */
struct tracked {
	struct tracked *next;
	int64_t msg_id;
	char *sid;
	enum msg_state state;
	int64_t until;		/* wall seconds */
};

/* A request in flight, with what its answer is for. */
struct pcall;
typedef bool (*pcall_done_cb)(struct pcall *c, const struct http_resp *r);

struct pcall {
	struct provider *p;
	struct pcall *next;	/* impl->calls */
	struct pcall *prev;
	pcall_done_cb done;
	/* sends and reconciles */
	int64_t msg_id;
	char *to;
	char *from;
	char *body;
	int64_t created_at;
	bool rate_pending;	/* times[rate_pos] of slot rate_slot waits
				 * for the request to leave */
	size_t rate_slot;
	size_t rate_pos;
	uint64_t due;		/* loop ms when a waiting reconcile runs */
	bool backed_off;	/* waiting because listing failed */
	/* Why its outcome is unknown (a 5xx): told with "not found". */
	int why_code;
	int why_retry_after;	/* seconds, 0 if not said */
	char why[256];
	/* fetches */
	char *sid;
	/* listings */
	int pages;
	bool stop;
	bool failed;
	int64_t newest;
	struct tracked *found;
	char *found_sid;
	int found_segments;
	int64_t found_created;
};

struct provider_impl {
	enum backend_state state;
	char detail[256];
	uint64_t fail_since;		/* loop ms of the first failure, 0 */
	uint64_t hold_until;		/* loop ms: no sends before (429) */
	uint64_t throttle_ms;		/* the last 429 hold without a
					 * Retry-After; doubles, 0 after a
					 * success */
	double rate;			/* per second, 0 = unlimited */
	size_t rate_k;			/* creations per window */
	uint64_t rate_window;		/* ms */
	uint64_t rate_spacing_us;	/* window / k */
	struct rate_slot *slots;
	size_t n_slots;
	int down_after;			/* seconds */
	int poll_interval;		/* seconds, 0 = off */
	uint64_t probe_ms;		/* without polling: health checks */
	uv_timer_t poll_timer;
	uv_timer_t recon_timer;
	bool polling;			/* an inbound listing is running */
	int64_t since;			/* inbound watermark, wall seconds */
	struct sid_ring seen;
	struct sid_ring claimed;
	struct tracked *tracked;
	size_t n_tracked;
	struct pcall *calls;		/* in flight */
	struct pcall *recon_wait;	/* reconciles waiting to retry */
	uint64_t recon_backoff;
	size_t sends;			/* sends and their reconciles */
	int max_requests;
	long timeout_ms;
	bool suspended;
	int handles;			/* uv handles open */
	void (*close_done)(struct backend *b);
};

static void poll_start(struct provider *p, uint64_t ms);
static int recon_start(struct provider *p, struct pcall *c,
    struct sms_err *err);

/* --- small helpers ----------------------------------------------------- */

static bool
sid_ring_has(const struct sid_ring *r, const char *sid)
{
	size_t i;

	for (i = 0; i < SID_RING; i++)
		if (r->sids[i] != NULL && strcmp(r->sids[i], sid) == 0)
			return true;
	return false;
}

static void
sid_ring_add(struct sid_ring *r, const char *sid)
{
	char *copy = strdup(sid);

	if (copy == NULL)
		return;
	free(r->sids[r->head]);
	r->sids[r->head] = copy;
	r->head = (r->head + 1) % SID_RING;
}

static void
sid_ring_fini(struct sid_ring *r)
{
	size_t i;

	for (i = 0; i < SID_RING; i++) {
		free(r->sids[i]);
		r->sids[i] = NULL;
	}
}

static bool
str_eq(const char *a, const char *b)
{
	return a != NULL && b != NULL && strcmp(a, b) == 0;
}

static void
pcall_free(struct pcall *c)
{
	if (c == NULL)
		return;
	free(c->to);
	free(c->from);
	free(c->body);
	free(c->sid);
	free(c->found_sid);
	free(c);
}

static void
req_init(struct provider_req *req)
{
	memset(req, 0, sizeof *req);
	buf_init(&req->url, 64 * 1024);
	buf_init(&req->body, 64 * 1024);
}

static void
req_fini(struct provider_req *req)
{
	buf_fini(&req->url);
	buf_fini(&req->body);
}

static void
set_state(struct provider *p, enum backend_state st, const char *detail)
{
	struct provider_impl *im = p->impl;
	bool changed = im->state != st ||
	    strcmp(im->detail, detail != NULL ? detail : "") != 0;

	snprintf(im->detail, sizeof im->detail, "%s",
	    detail != NULL ? detail : "");
	if (im->state == st && !changed)
		return;
	if (im->state != st)
		log_info("%s: %s is %s%s%s", p->ops->name, p->b->name,
		    st == BACKEND_UP ? "up" : "down",
		    detail != NULL ? ": " : "", detail != NULL ? detail : "");
	im->state = st;
	if (p->b->events != NULL && p->b->events->state != NULL)
		p->b->events->state(p->b->ctx, p->b, st, detail);
}

static void recon_wake(struct provider *p);

static void
note_success(struct provider *p)
{
	struct provider_impl *im = p->impl;

	if (im->recon_backoff > 0)
		recon_wake(p);
	im->fail_since = 0;
	im->throttle_ms = 0;
	if (im->state != BACKEND_UP && !im->suspended)
		set_state(p, BACKEND_UP, NULL);
}

/* A request failed for a reason that is the provider's or the network's,
 * not the message's.  After down_after seconds of only failures (or at
 * once when the credentials are refused) the backend is down. */
static void
note_failure(struct provider *p, const char *why, bool at_once)
{
	struct provider_impl *im = p->impl;
	uint64_t now = loop_now(p->loop);

	if (im->fail_since == 0)
		im->fail_since = now;
	if (im->suspended)
		return;
	if (im->state == BACKEND_DOWN) {
		set_state(p, BACKEND_DOWN, why);	/* the latest reason */
		return;
	}
	if (at_once || now - im->fail_since >= (uint64_t)im->down_after * 1000)
		set_state(p, BACKEND_DOWN, why);
}

/* --- requests ---------------------------------------------------------- */

/* The creation c made is leaving now: its time in the rate window is
 * now, not when it was handed to curl (the loop may have been busy). */
static void
rate_sent(void *data)
{
	struct pcall *c = data;
	struct provider *p = c->p;
	struct provider_impl *im = p->impl;

	if (!c->rate_pending)
		return;
	c->rate_pending = false;
	uv_update_time(p->loop);
	im->slots[c->rate_slot].times[c->rate_pos] = loop_now(p->loop);
}

static void
pcall_http_done(void *data, const struct http_resp *r)
{
	struct pcall *c = data;
	struct provider_impl *im = c->p->impl;

	rate_sent(c);	/* if it never left, it counts from now */
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		im->calls = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	c->next = c->prev = NULL;
	if (!c->done(c, r))
		pcall_free(c);
}

/* Send req for c (authentication added here); c is owned by the request
 * from now on, and freed after its done callback unless that returns
 * true. */
static int
pcall_send(struct provider *p, struct pcall *c, struct provider_req *req,
    struct sms_err *err)
{
	struct provider_impl *im = p->impl;
	struct http_req hr;
	struct buf up;
	int rc;

	memset(&hr, 0, sizeof hr);
	buf_init(&up, 4096);
	if (buf_printf(&up, "%s:%s", p->user, p->secret) < 0) {
		buf_fini(&up);
		return sms_err_set(err, SMS_ENOMEM, _("out of memory"));
	}
	hr.method = req->method;
	hr.url = req->url.data;
	hr.userpwd = up.data;
	hr.content_type = req->content_type;
	hr.body = req->body.data != NULL || strcmp(req->method, "POST") == 0 ?
	    (req->body.data != NULL ? req->body.data : "") : NULL;
	hr.body_len = req->body.len;
	hr.accept = "application/json";
	hr.sending = c->rate_pending ? rate_sent : NULL;
	c->p = p;
	rc = http_request(p->http, &hr, pcall_http_done, c, err);
	explicit_bzero(up.data, up.len);
	buf_fini(&up);
	if (rc < 0)
		return rc;
	c->next = im->calls;
	c->prev = NULL;
	if (im->calls != NULL)
		im->calls->prev = c;
	im->calls = c;
	return 0;
}

/* Map a reply that is not 2xx, logging what the provider said. */
static void
map_reply(struct provider *p, const struct http_resp *r,
    struct provider_error *e)
{
	char esc[512];

	memset(e, 0, sizeof *e);
	e->retry_after = r->retry_after;
	if (r->outcome != HTTP_REPLY) {
		e->transient = true;
		snprintf(e->text, sizeof e->text,
		    _("cannot reach the provider: %s"), r->error);
		return;
	}
	p->ops->map_error(p, r, e);
	if (e->retry_after < 0)
		e->retry_after = r->retry_after;
	log_escape(esc, sizeof esc, r->body, r->len < 400 ? r->len : 400);
	log_debug("%s: HTTP %ld: %s", p->ops->name, r->status, esc);
}

static bool
is_2xx(const struct http_resp *r)
{
	return r->outcome == HTTP_REPLY && r->status >= 200 && r->status < 300;
}

/*
 * Too many requests: hold all sending for Retry-After, or, when the
 * provider does not say, for 1 s doubling up to a minute while it goes
 * on.  e->retry_after gets the hold in seconds for the engine's backoff.
 */
static void
throttle_hold(struct provider *p, struct provider_error *e)
{
	struct provider_impl *im = p->impl;
	uint64_t hold;

	if (e->retry_after > 0)
		hold = (uint64_t)e->retry_after * 1000;
	else {
		im->throttle_ms = im->throttle_ms == 0 ? THROTTLE_MIN_MS :
		    im->throttle_ms * 2 > THROTTLE_MAX_MS ? THROTTLE_MAX_MS :
		    im->throttle_ms * 2;
		hold = im->throttle_ms;
		e->retry_after = (int)((hold + 999) / 1000);
	}
	if (im->hold_until < loop_now(p->loop) + hold)
		im->hold_until = loop_now(p->loop) + hold;
}

/* A failed non-send request: update health. */
static void
request_failed(struct provider *p, const struct http_resp *r,
    struct provider_error *e)
{
	map_reply(p, r, e);
	if (e->throttled)
		throttle_hold(p, e);
	if (e->credentials || e->transient || r->status >= 500)
		note_failure(p, e->text, e->credentials);
}

/* --- status tracking ---------------------------------------------------- */

static void
track_add(struct provider *p, int64_t msg_id, const char *sid)
{
	struct provider_impl *im = p->impl;
	struct tracked *t, **pp;

	if (p->status_callback != NULL || im->poll_interval == 0)
		return;		/* callbacks report it, or nobody asks */
	if (im->n_tracked >= TRACK_MAX) {
		/* Forget the oldest (at the tail). */
		for (pp = &im->tracked; (*pp)->next != NULL;
		    pp = &(*pp)->next)
			;
		free((*pp)->sid);
		free(*pp);
		*pp = NULL;
		im->n_tracked--;
	}
	t = calloc(1, sizeof *t);
	if (t == NULL || (t->sid = strdup(sid)) == NULL) {
		free(t);
		return;
	}
	t->msg_id = msg_id;
	t->state = MSG_SUBMITTED;
	t->until = loop_wall_now() + TRACK_SECS;
	t->next = im->tracked;
	im->tracked = t;
	im->n_tracked++;
}

static void
track_remove(struct provider *p, struct tracked *t)
{
	struct provider_impl *im = p->impl;
	struct tracked **pp;

	for (pp = &im->tracked; *pp != NULL; pp = &(*pp)->next)
		if (*pp == t) {
			*pp = t->next;
			free(t->sid);
			free(t);
			im->n_tracked--;
			return;
		}
}

static struct tracked *
track_find(struct provider *p, const char *sid)
{
	struct tracked *t;

	for (t = p->impl->tracked; t != NULL; t = t->next)
		if (strcmp(t->sid, sid) == 0)
			return t;
	return NULL;
}

/* Report a provider's view of an outbound message to the engine. */
static void
report_status(struct provider *p, int64_t msg_id,
    const struct provider_message *m)
{
	struct backend_status st;
	struct provider_error e;

	if (m->state != MSG_SENT && m->state != MSG_DELIVERED &&
	    m->state != MSG_UNDELIVERED && m->state != MSG_FAILED)
		return;
	memset(&st, 0, sizeof st);
	memset(&e, 0, sizeof e);
	st.msg_id = msg_id;
	st.remote_ref = m->sid;
	st.state = m->state;
	st.error_code = m->error_code;
	if (m->error_code != 0 || m->state == MSG_FAILED ||
	    m->state == MSG_UNDELIVERED) {
		p->ops->map_code(p, m->error_code, m->error_text, &e);
		st.error_text = e.text[0] != '\0' ? e.text : NULL;
	}
	st.at = m->sent_at;
	if (p->b->events == NULL)
		return;
	if (e.opted_out && m->to != NULL && p->b->events->opted_out != NULL)
		p->b->events->opted_out(p->b->ctx, p->b, m->to, e.text);
	if (p->b->events->status != NULL)
		p->b->events->status(p->b->ctx, p->b, &st);
}

static int
status_each(void *data, const struct provider_message *m)
{
	struct pcall *c = data;
	struct provider *p = c->p;
	struct tracked *t;

	if (m->sid == NULL || (t = track_find(p, m->sid)) == NULL)
		return 0;
	if (m->state != t->state && msg_state_may_move(t->state, m->state)) {
		t->state = m->state;
		report_status(p, t->msg_id, m);
	}
	if (msg_state_is_final(t->state))
		track_remove(p, t);
	return 0;
}

static bool
fetch_done(struct pcall *c, const struct http_resp *r)
{
	struct provider *p = c->p;
	struct provider_error e;
	struct buf next;

	if (!is_2xx(r)) {
		request_failed(p, r, &e);
		if (r->status == 404) {
			struct tracked *t = track_find(p, c->sid);

			if (t != NULL)
				track_remove(p, t);
		}
		return false;
	}
	note_success(p);
	buf_init(&next, 4096);
	if (p->ops->parse_list(p, r, status_each, c, &next) < 0)
		log_warn("%s: cannot parse the status of %s", p->ops->name,
		    c->sid);
	buf_fini(&next);
	return false;
}

/* Fetch the status of tracked messages, at most max_requests a round. */
static void
status_round(struct provider *p)
{
	struct provider_impl *im = p->impl;
	struct tracked *t, *next;
	int64_t now = loop_wall_now();
	int n = 0;

	for (t = im->tracked; t != NULL && n < im->max_requests; t = next) {
		struct provider_req req;
		struct pcall *c;

		next = t->next;
		if (t->until < now) {
			track_remove(p, t);
			continue;
		}
		c = calloc(1, sizeof *c);
		if (c == NULL || (c->sid = strdup(t->sid)) == NULL) {
			free(c);
			return;
		}
		c->done = fetch_done;
		req_init(&req);
		if (p->ops->fetch_req(p, t->sid, &req) < 0 ||
		    pcall_send(p, c, &req, NULL) < 0)
			pcall_free(c);
		req_fini(&req);
		n++;
	}
	/* Rotate so that the next round asks about other messages. */
	if (t != NULL && t != im->tracked) {
		struct tracked *last = t;

		while (last->next != NULL)
			last = last->next;
		for (next = im->tracked; next->next != t; next = next->next)
			;
		next->next = NULL;
		last->next = im->tracked;
		im->tracked = t;
	}
}

/* --- inbound polling ---------------------------------------------------- */

/*
 * The text stored for an inbound message: its body, then a line for each
 * MMS attachment (the store keeps text only; the agent opens the link).
 */
static const char *
inbound_text(struct provider *p, const struct provider_message *m,
    struct buf *out)
{
	int i;

	if (m->num_media <= 0)
		return m->body != NULL ? m->body : "";
	buf_append_str(out, m->body != NULL ? m->body : "");
	for (i = 0; i < m->num_media && i < PROVIDER_MEDIA_MAX; i++) {
		if (m->media_url[i] == NULL)
			break;
		if (out->len > 0)
			buf_append_char(out, '\n');
		buf_printf(out, _("[attachment %s: %s]"),
		    m->media_type[i] != NULL ? m->media_type[i] : "?",
		    m->media_url[i]);
	}
	if (i < m->num_media) {
		if (out->len > 0)
			buf_append_char(out, '\n');
		if (m->media_list != NULL)
			buf_printf(out, P_("[%d attachment: %s%s]",
			    "[%d attachments: %s%s]", m->num_media),
			    m->num_media - i, p->api_base, m->media_list);
		else
			buf_printf(out, P_("[%d more attachment]",
			    "[%d more attachments]", m->num_media - i),
			    m->num_media - i);
	}
	return out->data != NULL ? out->data : "";
}

static int
inbound_each(void *data, const struct provider_message *m)
{
	struct pcall *c = data;
	struct provider *p = c->p;
	struct provider_impl *im = p->impl;
	struct backend_inbound in;
	struct buf text;
	int rc;

	if (im->poll_interval == 0)
		return 0;	/* a probe: polling is off */
	if (!m->inbound || m->sid == NULL || sid_ring_has(&im->seen, m->sid))
		return 0;
	if (p->from != NULL && m->to != NULL && !str_eq(m->to, p->from))
		return 0;	/* to another number of the account */
	memset(&in, 0, sizeof in);
	buf_init(&text, INBOUND_TEXT_MAX);
	in.from = m->from != NULL ? m->from : "";
	in.to = m->to;
	in.body = inbound_text(p, m, &text);
	in.sent_at = m->sent_at != 0 ? m->sent_at : m->created_at;
	in.remote_id = m->sid;
	rc = p->b->events->inbound(p->b->ctx, p->b, &in);
	buf_fini(&text);
	if (rc != 0) {
		/* Not committed: offer it again next round. */
		c->failed = true;
		return 0;
	}
	sid_ring_add(&im->seen, m->sid);
	if (in.sent_at > c->newest)
		c->newest = in.sent_at;
	return 0;
}

static void
poll_finish(struct provider *p, struct pcall *c, bool ok)
{
	struct provider_impl *im = p->impl;

	im->polling = false;
	if (ok && !c->failed && c->newest > im->since)
		im->since = c->newest;
	if (ok)
		status_round(p);
	poll_start(p, im->poll_interval > 0 ?
	    (uint64_t)im->poll_interval * 1000 : im->probe_ms);
}

static bool
inbound_done(struct pcall *c, const struct http_resp *r)
{
	struct provider *p = c->p;
	struct provider_error e;
	struct provider_req req;
	struct buf next;
	int rc;

	if (!is_2xx(r)) {
		request_failed(p, r, &e);
		log_warn("%s: listing inbound messages failed: %s",
		    p->ops->name, e.text);
		poll_finish(p, c, false);
		return false;
	}
	note_success(p);
	buf_init(&next, 8192);
	rc = p->ops->parse_list(p, r, inbound_each, c, &next);
	if (rc < 0) {
		log_warn("%s: cannot parse the inbound list", p->ops->name);
		buf_fini(&next);
		poll_finish(p, c, false);
		return false;
	}
	if (next.len == 0 || ++c->pages >= LIST_PAGES_MAX) {
		buf_fini(&next);
		poll_finish(p, c, true);
		return false;
	}
	req_init(&req);
	rc = p->ops->page_req(p, next.data, &req);
	if (rc == 0)
		rc = pcall_send(p, c, &req, NULL);
	req_fini(&req);
	buf_fini(&next);
	if (rc < 0) {
		poll_finish(p, c, false);
		return false;
	}
	return true;
}

static void
poll_cb(uv_timer_t *timer)
{
	struct provider *p = timer->data;
	struct provider_impl *im = p->impl;
	struct provider_filter f;
	struct provider_req req;
	struct pcall *c;
	int rc;

	if (im->polling || im->suspended)
		return;
	if (im->poll_interval == 0 && im->state == BACKEND_UP &&
	    im->n_tracked == 0) {
		poll_start(p, im->probe_ms);
		return;
	}
	c = calloc(1, sizeof *c);
	if (c == NULL) {
		poll_start(p, 1000);
		return;
	}
	c->done = inbound_done;
	memset(&f, 0, sizeof f);
	f.to = p->from;
	f.direction = PROVIDER_IN;
	/* A day back: providers filter by date, and a message may be
	 * listed a little after it was sent. */
	f.since = im->since - 86400;
	req_init(&req);
	rc = p->ops->list_req(p, &f, &req);
	if (rc == 0)
		rc = pcall_send(p, c, &req, NULL);
	req_fini(&req);
	if (rc < 0) {
		pcall_free(c);
		poll_start(p, 1000);
		return;
	}
	im->polling = true;
}

static void
poll_start(struct provider *p, uint64_t ms)
{
	uv_timer_start(&p->impl->poll_timer, poll_cb, ms, 0);
}

/* --- reconcile ---------------------------------------------------------- */

/* Start the reconciles that are due; wait for the next one. */
static void
recon_retry_cb(uv_timer_t *timer)
{
	struct provider *p = timer->data;
	struct provider_impl *im = p->impl;
	struct pcall *c, *next, *keep = NULL;
	uint64_t now = loop_now(p->loop), first = UINT64_MAX;

	c = im->recon_wait;
	im->recon_wait = NULL;
	for (; c != NULL; c = next) {
		next = c->next;
		c->next = NULL;
		if (c->due <= now && recon_start(p, c, NULL) == 0)
			continue;
		if (c->due <= now)
			c->due = now + RECON_RETRY_MS;
		c->next = keep;
		keep = c;
	}
	im->recon_wait = keep;
	for (c = keep; c != NULL; c = c->next)
		if (c->due < first)
			first = c->due;
	if (keep != NULL)
		uv_timer_start(&im->recon_timer, recon_retry_cb,
		    first > now ? first - now : 0, 0);
}

/* Reconcile c after delay ms (c is taken). */
static void
recon_after(struct provider *p, struct pcall *c, uint64_t delay)
{
	struct provider_impl *im = p->impl;
	uint64_t now = loop_now(p->loop);

	free(c->found_sid);
	c->found_sid = NULL;
	c->pages = 0;
	c->stop = false;
	c->due = now + delay;
	c->backed_off = false;
	c->next = im->recon_wait;
	im->recon_wait = c;
	if (!uv_is_active((uv_handle_t *)&im->recon_timer) ||
	    uv_timer_get_due_in(&im->recon_timer) > delay)
		uv_timer_start(&im->recon_timer, recon_retry_cb, delay, 0);
}

/* The listing failed: we still cannot know, so try again later (backing
 * off) and never send meanwhile. */
static void
recon_later(struct provider *p, struct pcall *c)
{
	struct provider_impl *im = p->impl;

	im->recon_backoff = im->recon_backoff == 0 ? RECON_RETRY_MS :
	    im->recon_backoff * 2;
	if (im->recon_backoff > RECON_RETRY_MAX_MS)
		im->recon_backoff = RECON_RETRY_MAX_MS;
	recon_after(p, c, im->recon_backoff);
	c->backed_off = true;
}

/*
 * The provider answers again: the lookups that failed while it did not
 * run now, not after their backoff (which doubles with every failure and
 * reaches minutes in an outage, holding those messages "sending" long
 * after the rest of the queue went out).  Lookups waiting out a timeout
 * keep waiting: the provider may still be creating their message.
 */
static void
recon_wake(struct provider *p)
{
	struct provider_impl *im = p->impl;
	uint64_t now = loop_now(p->loop);
	struct pcall *c;
	bool any = false;

	im->recon_backoff = 0;
	for (c = im->recon_wait; c != NULL; c = c->next)
		if (c->backed_off && c->due > now) {
			c->due = now;
			any = true;
		}
	if (any)
		uv_timer_start(&im->recon_timer, recon_retry_cb, 0, 0);
}

static int
recon_each(void *data, const struct provider_message *m)
{
	struct pcall *c = data;
	struct provider *p = c->p;

	if (m->created_at != 0 && m->created_at < c->created_at - RECON_SKEW) {
		c->stop = true;		/* newest first: the rest is older */
		return -1;
	}
	/* A provider that lists no text (m->body NULL) is matched on the
	 * rest. */
	if (m->inbound || m->sid == NULL || !str_eq(m->to, c->to) ||
	    (m->body != NULL && !str_eq(m->body, c->body)) ||
	    (c->from != NULL && !str_eq(m->from, c->from)) ||
	    sid_ring_has(&p->impl->claimed, m->sid))
		return 0;
	/* Keep the oldest match: the one this message created. */
	free(c->found_sid);
	c->found_sid = strdup(m->sid);
	c->found_segments = m->segments;
	c->found_created = m->created_at;
	return 0;
}

static bool
recon_done(struct pcall *c, const struct http_resp *r)
{
	struct provider *p = c->p;
	struct provider_impl *im = p->impl;
	const struct backend_events *ev = p->b->events;
	struct provider_error e;
	struct provider_req req;
	struct buf next;
	int rc;

	if (!is_2xx(r)) {
		request_failed(p, r, &e);
		log_warn("%s: cannot tell whether message %lld went out (%s); "
		    "asking again later", p->ops->name, (long long)c->msg_id,
		    e.text);
		recon_later(p, c);
		return true;
	}
	note_success(p);
	buf_init(&next, 8192);
	rc = p->ops->parse_list(p, r, recon_each, c, &next);
	if (rc < 0) {
		buf_fini(&next);
		recon_later(p, c);
		return true;
	}
	if (!c->stop && next.len > 0 && ++c->pages < LIST_PAGES_MAX) {
		req_init(&req);
		rc = p->ops->page_req(p, next.data, &req);
		if (rc == 0)
			rc = pcall_send(p, c, &req, NULL);
		req_fini(&req);
		buf_fini(&next);
		if (rc < 0)
			recon_later(p, c);
		return true;
	}
	buf_fini(&next);
	im->recon_backoff = 0;
	im->sends--;
	if (c->found_sid != NULL) {
		log_info("%s: message %lld went out as %s; adopted",
		    p->ops->name, (long long)c->msg_id, c->found_sid);
		sid_ring_add(&im->claimed, c->found_sid);
		track_add(p, c->msg_id, c->found_sid);
		ev->submitted(p->b->ctx, p->b, c->msg_id, c->found_sid,
		    c->found_segments > 0 ? c->found_segments : 1);
	} else if (c->why[0] != '\0') {
		char text[sizeof c->why + 128];

		/* A 5xx that created nothing: again, not before the server's
		 * Retry-After, saying what it answered. */
		log_info("%s: message %lld did not go out; it will be sent "
		    "again", p->ops->name, (long long)c->msg_id);
		snprintf(text, sizeof text, _("%s; the provider has no record "
		    "of this message, so it will be sent again."), c->why);
		ev->send_failed(p->b->ctx, p->b, c->msg_id, true,
		    c->why_retry_after, c->why_code, text);
	} else {
		log_info("%s: message %lld did not go out; it will be sent "
		    "again", p->ops->name, (long long)c->msg_id);
		ev->send_failed(p->b->ctx, p->b, c->msg_id, true, 0, 0,
		    _("The provider has no record of this message; it will "
		    "be sent again."));
	}
	return false;
}

/* List the provider's messages to find whether c's message went out.
 * c is taken (kept for retries). */
static int
recon_start(struct provider *p, struct pcall *c, struct sms_err *err)
{
	struct provider_filter f;
	struct provider_req req;
	int rc;

	c->done = recon_done;
	c->pages = 0;
	c->stop = false;
	memset(&f, 0, sizeof f);
	f.to = c->to;
	f.from = c->from;
	/* No date filter: a message still queued at the provider has no
	 * DateSent and would be missed.  We page newest first and stop at
	 * the first message older than ours (recon_each). */
	f.since = 0;
	f.direction = PROVIDER_OUT;
	req_init(&req);
	rc = p->ops->list_req(p, &f, &req);
	if (rc == 0)
		rc = pcall_send(p, c, &req, err);
	req_fini(&req);
	return rc;
}

/* --- sending ------------------------------------------------------------ */

static struct rate_slot *
rate_slot(struct provider *p, const char *from)
{
	struct provider_impl *im = p->impl;
	struct rate_slot *s;
	const char *key = from != NULL ? from : "";
	size_t i;

	for (i = 0; i < im->n_slots; i++)
		if (strcmp(im->slots[i].from, key) == 0)
			return &im->slots[i];
	s = realloc(im->slots, (im->n_slots + 1) * sizeof *s);
	if (s == NULL)
		return NULL;
	im->slots = s;
	s = &im->slots[im->n_slots];
	memset(s, 0, sizeof *s);
	s->from = strdup(key);
	s->times = calloc(im->rate_k, sizeof *s->times);
	if (s->from == NULL || s->times == NULL) {
		free(s->from);
		free(s->times);
		return NULL;
	}
	im->n_slots++;
	return s;
}

/* Milliseconds until from may create another message (0: now). */
static uint64_t
rate_wait(struct provider *p, const char *from)
{
	struct provider_impl *im = p->impl;
	struct rate_slot *s;
	uint64_t now = loop_now(p->loop), oldest, wait, now_us, tau;
	size_t i;

	if (im->rate <= 0)
		return 0;
	for (i = 0; i < im->n_slots; i++)
		if (strcmp(im->slots[i].from, from != NULL ? from : "") == 0)
			break;
	if (i == im->n_slots)
		return 0;
	s = &im->slots[i];
	if (s->count == 0)
		return 0;
	/* Spread them out (GCRA: each creation moves the theoretical
	 * arrival time on by window/k; a few may catch up when a timer
	 * fired late): a burst of k at the start of each window would reach
	 * the provider bunched up, and its clock would see them closer
	 * than ours. */
	now_us = now * 1000;
	tau = im->rate_spacing_us * (im->rate_k >= 20 ? im->rate_k / 10 : 1);
	wait = s->tat > now_us + tau ?
	    (s->tat - tau - now_us + 999) / 1000 : 0;
	if (s->count < im->rate_k)
		return wait;
	/* The k-th last creation must have left the window: this alone
	 * keeps every one-second window at or under the rate. */
	oldest = s->times[s->head];
	if (oldest == RATE_PENDING)
		return 1;	/* still leaving: wait for its time */
	if (oldest + im->rate_window > now &&
	    oldest + im->rate_window - now > wait)
		wait = oldest + im->rate_window - now;
	return wait;
}

/* Count a creation from from, made by c: its time is filled in when the
 * request leaves (rate_sent). */
static void
rate_note(struct provider *p, const char *from, struct pcall *c)
{
	struct provider_impl *im = p->impl;
	struct rate_slot *s;
	uint64_t now;

	if (im->rate <= 0 || (s = rate_slot(p, from)) == NULL)
		return;
	now = loop_now(p->loop);
	c->rate_pending = true;
	c->rate_slot = (size_t)(s - im->slots);
	c->rate_pos = s->head;
	s->times[s->head] = RATE_PENDING;
	s->head = (s->head + 1) % im->rate_k;
	s->tat = (s->tat > now * 1000 ? s->tat : now * 1000) +
	    im->rate_spacing_us;
	if (s->count < im->rate_k)
		s->count++;
}

static const char *
send_from(struct provider *p, const struct backend_msg *msg)
{
	if (msg->from != NULL && msg->from[0] != '\0')
		return msg->from;
	return p->from;
}

static bool
send_done(struct pcall *c, const struct http_resp *r)
{
	struct provider *p = c->p;
	struct provider_impl *im = p->impl;
	const struct backend_events *ev = p->b->events;
	struct provider_error e;
	struct buf ref;
	size_t n;

	if (is_2xx(r)) {
		buf_init(&ref, 256);
		if (p->ops->parse_send(p, r, &ref) == 0 && ref.len > 0) {
			note_success(p);
			im->sends--;
			sid_ring_add(&im->claimed, ref.data);
			track_add(p, c->msg_id, ref.data);
			log_debug("%s: message %lld submitted as %s",
			    p->ops->name, (long long)c->msg_id, ref.data);
			ev->submitted(p->b->ctx, p->b, c->msg_id, ref.data, 1);
			buf_fini(&ref);
			return false;
		}
		buf_fini(&ref);
		/* Accepted, but we cannot read the reference: find it. */
		log_warn("%s: cannot read the reply to message %lld; "
		    "looking it up", p->ops->name, (long long)c->msg_id);
		if (recon_start(p, c, NULL) < 0)
			recon_later(p, c);
		return true;
	}
	map_reply(p, r, &e);
	if (r->outcome == HTTP_UNKNOWN ||
	    (r->outcome == HTTP_REPLY && r->status >= 500)) {
		/* It may have been created: look before sending again. */
		log_warn("%s: outcome of message %lld unknown (%s); "
		    "checking the provider's list", p->ops->name,
		    (long long)c->msg_id, r->outcome == HTTP_REPLY ?
		    "server error" : r->error);
		note_failure(p, e.text, false);
		if (r->outcome == HTTP_REPLY) {
			c->why_code = e.code;
			c->why_retry_after = e.retry_after > 0 ?
			    e.retry_after : 0;
			n = (size_t)snprintf(c->why, sizeof c->why, "%s",
			    e.text);
			if (n > 0 && n < sizeof c->why &&
			    c->why[n - 1] == '.')
				c->why[n - 1] = '\0';
		}
		/* The server may still be working on it for as long as we
		 * waited: list only after that. */
		recon_after(p, c, r->outcome == HTTP_UNKNOWN ?
		    (uint64_t)im->timeout_ms : 0);
		return true;
	}
	im->sends--;
	if (e.throttled)
		throttle_hold(p, &e);
	if (e.credentials || r->outcome == HTTP_NOT_SENT)
		note_failure(p, e.text, e.credentials);
	log_info("%s: message %lld failed (%s): %s", p->ops->name,
	    (long long)c->msg_id, e.transient ? "transient" : "permanent",
	    e.text);
	if (e.opted_out && ev->opted_out != NULL && c->to != NULL)
		ev->opted_out(p->b->ctx, p->b, c->to, e.text);
	ev->send_failed(p->b->ctx, p->b, c->msg_id, e.transient,
	    e.retry_after > 0 ? e.retry_after : 0, e.code, e.text);
	return false;
}

static struct pcall *
pcall_for_msg(struct provider *p, const struct backend_msg *msg)
{
	struct pcall *c;
	const char *from = send_from(p, msg);

	c = calloc(1, sizeof *c);
	if (c == NULL)
		return NULL;
	c->p = p;
	c->msg_id = msg->id;
	c->created_at = msg->created_at;
	c->to = strdup(msg->to);
	c->body = strdup(msg->body);
	c->from = from != NULL ? strdup(from) : NULL;
	if (c->to == NULL || c->body == NULL || (from != NULL &&
	    c->from == NULL)) {
		pcall_free(c);
		return NULL;
	}
	return c;
}

/* --- the backend operations -------------------------------------------- */

bool
provider_backend_ready(struct backend *b)
{
	struct provider *p = b->priv;
	struct provider_impl *im = p->impl;

	if (im->state != BACKEND_UP || im->suspended)
		return false;
	if (im->hold_until > loop_now(p->loop))
		return false;
	if (!http_has_room(p->http) || im->sends >= (size_t)im->max_requests)
		return false;
	return rate_wait(p, p->from) == 0;
}

uint64_t
provider_backend_next_ready(struct backend *b)
{
	struct provider *p = b->priv;
	struct provider_impl *im = p->impl;
	uint64_t now = loop_now(p->loop), wait;

	if (im->state != BACKEND_UP || im->suspended)
		return 0;
	wait = rate_wait(p, p->from);
	if (im->hold_until > now && im->hold_until - now > wait)
		wait = im->hold_until - now;
	if (wait == 0 && (!http_has_room(p->http) ||
	    im->sends >= (size_t)im->max_requests))
		wait = 1;	/* a reply will come soon */
	return wait;
}

int
provider_backend_submit(struct backend *b, const struct backend_msg *msg,
    struct sms_err *err)
{
	struct provider *p = b->priv;
	struct provider_impl *im = p->impl;
	struct provider_req req;
	struct pcall *c;
	const char *from = send_from(p, msg);
	int rc;

	if (msg->to == NULL || msg->to[0] == '\0' || msg->body == NULL)
		return sms_err_set(err, SMS_EDATA,
		    _("a message needs a recipient and a text"));
	if (from == NULL && p->msid == NULL)
		return sms_err_set(err, SMS_ECONFIG,
		    _("backend %s has neither from nor messaging_service_sid"),
		    b->name);
	if (im->state != BACKEND_UP || im->suspended ||
	    im->hold_until > loop_now(p->loop) || !http_has_room(p->http) ||
	    im->sends >= (size_t)im->max_requests || rate_wait(p, from) > 0)
		return sms_err_set(err, SMS_EBUSY,
		    _("backend %s cannot take a message now"), b->name);
	c = pcall_for_msg(p, msg);
	if (c == NULL)
		return sms_err_set(err, SMS_ENOMEM, _("out of memory"));
	c->done = send_done;
	req_init(&req);
	rc = p->ops->send_req(p, msg, msg->from != NULL &&
	    msg->from[0] != '\0' ? msg->from : p->msid != NULL ? NULL : from,
	    &req);
	if (rc < 0) {
		req_fini(&req);
		pcall_free(c);
		return sms_err_set(err, rc, _("cannot build the request for "
		    "message %lld"), (long long)msg->id);
	}
	rate_note(p, from, c);
	rc = pcall_send(p, c, &req, err);
	req_fini(&req);
	if (rc < 0) {
		rate_sent(c);
		pcall_free(c);
		return rc;
	}
	im->sends++;
	return 0;
}

int
provider_backend_reconcile(struct backend *b, const struct backend_msg *msg,
    struct sms_err *err)
{
	struct provider *p = b->priv;
	struct pcall *c;
	int rc;

	if (msg->to == NULL || msg->body == NULL)
		return sms_err_set(err, SMS_EDATA,
		    _("a message needs a recipient and a text"));
	c = pcall_for_msg(p, msg);
	if (c == NULL)
		return sms_err_set(err, SMS_ENOMEM, _("out of memory"));
	if (p->msid != NULL && (msg->from == NULL || msg->from[0] == '\0')) {
		free(c->from);	/* the service picks the number */
		c->from = NULL;
	}
	p->impl->sends++;
	rc = recon_start(p, c, err);
	if (rc < 0) {
		if (rc == SMS_ENOMEM) {
			p->impl->sends--;
			pcall_free(c);
			return rc;
		}
		recon_later(p, c);
	}
	return 0;
}

void
provider_backend_health(struct backend *b, struct backend_health *out)
{
	struct provider *p = b->priv;
	struct provider_impl *im = p->impl;

	memset(out, 0, sizeof *out);
	out->state = im->suspended ? BACKEND_SUSPENDED : im->state;
	out->signal_bars = -1;
	snprintf(out->operator_name, sizeof out->operator_name, "%s",
	    p->ops->name);
	snprintf(out->detail, sizeof out->detail, "%s", im->detail);
}

void
provider_backend_suspend(struct backend *b)
{
	struct provider *p = b->priv;

	p->impl->suspended = true;
	uv_timer_stop(&p->impl->poll_timer);
}

void
provider_backend_resume(struct backend *b)
{
	struct provider *p = b->priv;

	p->impl->suspended = false;
	poll_start(p, 0);
}

int
provider_backend_webhook_port(struct backend *b)
{
	struct provider *p = b->priv;

	return p->webhook != NULL ? webhook_port(p->webhook) : -1;
}

/* --- webhooks ----------------------------------------------------------- */

/* The path part of url ("/sms" of "https://x.example/sms?a"), or "/". */
static size_t
url_path(const char *url, const char **path)
{
	const char *s = strstr(url, "://");

	s = s != NULL ? strchr(s + 3, '/') : NULL;
	if (s == NULL) {
		*path = "/";
		return 1;
	}
	*path = s;
	return strcspn(s, "?#");
}

static void
provider_webhook_cb(void *data, const struct webhook_req *w,
    struct webhook_reply *reply)
{
	struct provider *p = data;
	const struct backend_events *ev = p->b->events;
	struct provider_message m;
	struct sms_err err;
	struct buf url;
	const char *base = p->webhook_url, *path;
	size_t n;
	char esc[256];

	reply->content_type = "text/plain";
	reply->body = "";
	if (strcmp(w->method, "POST") != 0) {
		reply->status = 405;
		return;
	}
	/* Which public URL did the provider call?  Status callbacks go to
	 * status_callback, the rest to webhook_url. */
	if (p->status_callback != NULL) {
		n = url_path(p->status_callback, &path);
		if (strlen(w->path) == n && strncmp(w->path, path, n) == 0)
			base = p->status_callback;
	}
	log_escape(esc, sizeof esc, w->path, strlen(w->path));
	if (base == NULL) {
		log_warn("%s: webhook to %s refused: no webhook_url is "
		    "configured to check its signature", p->ops->name, esc);
		reply->status = 403;
		return;
	}
	buf_init(&url, 8192);
	if (buf_append_str(&url, base) < 0 || (w->query[0] != '\0' &&
	    strchr(base, '?') == NULL && (buf_append_char(&url, '?') < 0 ||
	    buf_append_str(&url, w->query) < 0))) {
		buf_fini(&url);
		reply->status = 500;
		return;
	}
	sms_err_clear(&err);
	if (p->ops->verify_webhook(p, url.data, w, &err) < 0) {
		log_warn("%s: webhook to %s refused: %s", p->ops->name, esc,
		    err.msg);
		buf_fini(&url);
		reply->status = 403;
		return;
	}
	buf_fini(&url);
	memset(&m, 0, sizeof m);
	if (p->ops->parse_webhook(p, w, &m) < 0) {
		log_warn("%s: webhook to %s: neither a message nor a status",
		    p->ops->name, esc);
		reply->status = 400;
		return;
	}
	if (m.inbound) {
		struct backend_inbound in;
		struct buf text;
		int rc;

		if (m.sid != NULL && sid_ring_has(&p->impl->seen, m.sid))
			goto ok;
		memset(&in, 0, sizeof in);
		buf_init(&text, INBOUND_TEXT_MAX);
		in.from = m.from != NULL ? m.from : "";
		in.to = m.to;
		in.body = inbound_text(p, &m, &text);
		in.sent_at = m.sent_at != 0 ? m.sent_at : loop_wall_now();
		in.remote_id = m.sid;
		rc = ev->inbound(p->b->ctx, p->b, &in);
		buf_fini(&text);
		if (rc != 0) {
			/* Not stored: let the provider (or our polling)
			 * bring it again. */
			reply->status = 503;
			return;
		}
		if (m.sid != NULL)
			sid_ring_add(&p->impl->seen, m.sid);
	} else if (m.sid != NULL) {
		struct tracked *t = track_find(p, m.sid);

		report_status(p, t != NULL ? t->msg_id : 0, &m);
		if (t != NULL && msg_state_is_final(m.state))
			track_remove(p, t);
	}
ok:
	reply->status = 200;
	reply->content_type = p->ops->webhook_type;
	reply->body = p->ops->webhook_body;
}

/* --- open and close ----------------------------------------------------- */

static char *
conf_dup(const struct conf *cfg, const char *section, const char *key)
{
	const char *v = conf_get(cfg, section, key);

	return v != NULL && v[0] != '\0' ? strdup(v) : NULL;
}

static void
provider_free(struct provider *p)
{
	struct provider_impl *im;
	struct pcall *c;
	size_t i;

	if (p == NULL)
		return;
	im = p->impl;
	if (im != NULL) {
		while ((c = im->calls) != NULL) {
			im->calls = c->next;
			pcall_free(c);
		}
		while ((c = im->recon_wait) != NULL) {
			im->recon_wait = c->next;
			pcall_free(c);
		}
		while (im->tracked != NULL)
			track_remove(p, im->tracked);
		for (i = 0; i < im->n_slots; i++) {
			free(im->slots[i].from);
			free(im->slots[i].times);
		}
		free(im->slots);
		sid_ring_fini(&im->seen);
		sid_ring_fini(&im->claimed);
		free(im);
	}
	free(p->api_base);
	free(p->account);
	free(p->user);
	if (p->secret != NULL)
		explicit_bzero(p->secret, strlen(p->secret));
	free(p->secret);
	if (p->sign_key != NULL)
		explicit_bzero(p->sign_key, strlen(p->sign_key));
	free(p->sign_key);
	free(p->from);
	free(p->msid);
	free(p->status_callback);
	free(p->webhook_url);
	free(p);
}

/* SMS_INBOX_<NAME>_TOKEN for backend name, NAME in capitals and anything
 * but letters and digits as "_". */
static void
token_env(const char *name, char *out, size_t size)
{
	char up[64];
	size_t i;

	for (i = 0; name[i] != '\0' && i < sizeof up - 1; i++)
		up[i] = isalnum((unsigned char)name[i]) ?
		    (char)toupper((unsigned char)name[i]) : '_';
	up[i] = '\0';
	snprintf(out, size, "SMS_INBOX_%s_TOKEN", up);
}

int
provider_backend_open(struct backend *b, uv_loop_t *loop,
    const struct conf *cfg, const struct provider_ops *ops,
    struct sms_err *err)
{
	struct provider *p;
	struct provider_impl *im;
	const char *sec = b->section, *listen;
	char env[128];
	double rate;
	int rc;

	p = calloc(1, sizeof *p);
	if (p == NULL || (p->impl = calloc(1, sizeof *p->impl)) == NULL) {
		free(p);
		return sms_err_set(err, SMS_ENOMEM, _("out of memory"));
	}
	im = p->impl;
	p->b = b;
	p->ops = ops;
	p->loop = loop;
	p->api_base = strdup(conf_get_str(cfg, sec, "api_base",
	    ops->default_api_base));
	if (p->api_base == NULL) {
		rc = sms_err_set(err, SMS_ENOMEM, _("out of memory"));
		goto fail;
	}
	while (p->api_base[0] != '\0' &&
	    p->api_base[strlen(p->api_base) - 1] == '/')
		p->api_base[strlen(p->api_base) - 1] = '\0';
	if (strncmp(p->api_base, "https://", 8) != 0 &&
	    strncmp(p->api_base, "http://", 7) != 0) {
		rc = sms_err_set(err, SMS_ECONFIG, _("[%s] api_base must be "
		    "an http:// or https:// URL"), sec);
		goto fail;
	}
	p->account = conf_dup(cfg, sec, "account_sid");
	p->user = conf_dup(cfg, sec, "api_key");
	p->from = conf_dup(cfg, sec, "from");
	p->msid = conf_dup(cfg, sec, "messaging_service_sid");
	p->status_callback = conf_dup(cfg, sec, "status_callback");
	p->webhook_url = conf_dup(cfg, sec, "webhook_url");
	if (p->account == NULL) {
		rc = sms_err_set(err, SMS_ECONFIG,
		    _("[%s] needs account_sid"), sec);
		goto fail;
	}
	if (p->from == NULL && p->msid == NULL) {
		rc = sms_err_set(err, SMS_ECONFIG, _("[%s] needs from or "
		    "messaging_service_sid"), sec);
		goto fail;
	}
	if (p->user == NULL && (p->user = strdup(p->account)) == NULL) {
		rc = sms_err_set(err, SMS_ENOMEM, _("out of memory"));
		goto fail;
	}
	token_env(b->name, env, sizeof env);
	rc = conf_read_secret(cfg, sec, "token_file", env, &p->secret, err);
	if (rc == SMS_ENOENT) {
		rc = sms_err_set(err, SMS_ECONFIG, _("[%s] needs token_file "
		    "or the environment variable %s"), sec, env);
		goto fail;
	}
	if (rc < 0)
		goto fail;
	rc = conf_read_secret(cfg, sec, "webhook_token_file", NULL,
	    &p->sign_key, err);
	if (rc == SMS_ENOENT)
		p->sign_key = strdup(p->secret);
	else if (rc < 0)
		goto fail;
	if (p->sign_key == NULL) {
		rc = sms_err_set(err, SMS_ENOMEM, _("out of memory"));
		goto fail;
	}
	if (ops->check != NULL && (rc = ops->check(p, err)) < 0)
		goto fail;

	rate = conf_get_double(cfg, sec, "rate", 1.0);
	im->rate = rate;
	if (rate >= 1) {
		im->rate_k = (size_t)floor(rate);
		im->rate_window = RATE_WINDOW_MS;
	} else if (rate > 0) {
		im->rate_k = 1;
		im->rate_window = (uint64_t)ceil(RATE_WINDOW_MS / rate);
	}
	if (im->rate_k > 0)
		im->rate_spacing_us = im->rate_window * 1000 / im->rate_k;
	im->down_after = (int)conf_get_int(cfg, sec, "down_after", 30);
	im->poll_interval = (int)conf_get_int(cfg, sec, "poll_interval", 10);
	/* A provider that is down and not polled is seen back by these
	 * probes: as often as the router probes a failing backend. */
	im->probe_ms = (uint64_t)conf_get_int(cfg, "routing",
	    "probe_interval", PROBE_MS / 1000) * 1000;
	im->max_requests = (int)conf_get_int(cfg, sec, "max_requests", 8);
	im->since = loop_wall_now();
	/* Down until the first listing shows the provider takes our
	 * credentials. */
	im->state = BACKEND_DOWN;
	snprintf(im->detail, sizeof im->detail, "%s",
	    _("connecting to the provider"));
	im->timeout_ms = conf_get_int(cfg, sec, "timeout", 30) * 1000;
	rc = http_new(&p->http, loop, im->max_requests, im->timeout_ms, err);
	if (rc < 0)
		goto fail;
	listen = conf_get(cfg, sec, "webhook_listen");
	if (listen != NULL && listen[0] != '\0') {
		rc = webhook_start(&p->webhook, loop, listen,
		    provider_webhook_cb, p, err);
		if (rc < 0) {
			http_free(p->http, NULL, NULL);
			p->http = NULL;
			sms_err_prefix(err, "[%s] webhook_listen", sec);
			goto fail;
		}
	}
	uv_timer_init(loop, &im->poll_timer);
	im->poll_timer.data = p;
	uv_timer_init(loop, &im->recon_timer);
	im->recon_timer.data = p;
	b->priv = p;
	/* The first listing finds inbound messages and whether the
	 * provider takes our credentials. */
	poll_start(p, 0);
	return 0;
fail:
	provider_free(p);
	return rc;
}

static void
close_step(struct provider *p)
{
	struct provider_impl *im = p->impl;
	struct backend *b = p->b;
	void (*done)(struct backend *);

	if (--im->handles > 0)
		return;
	done = im->close_done;
	provider_free(p);
	b->priv = NULL;
	if (done != NULL)
		done(b);
}

static void
close_handle_cb(uv_handle_t *h)
{
	close_step(h->data);
}

static void
close_part_cb(void *data)
{
	close_step(data);
}

void
provider_backend_close(struct backend *b, void (*done)(struct backend *b))
{
	struct provider *p = b->priv;
	struct provider_impl *im;

	if (p == NULL) {
		if (done != NULL)
			done(b);
		return;
	}
	im = p->impl;
	im->close_done = done;
	im->handles = 3 + (p->webhook != NULL);
	uv_close((uv_handle_t *)&im->poll_timer, close_handle_cb);
	uv_close((uv_handle_t *)&im->recon_timer, close_handle_cb);
	/* Requests in flight are abandoned: what was sent is found again by
	 * reconcile after the next start. */
	http_free(p->http, close_part_cb, p);
	p->http = NULL;
	if (p->webhook != NULL) {
		webhook_stop(p->webhook, close_part_cb, p);
		p->webhook = NULL;
	}
}

/* --- helpers for provider files ----------------------------------------- */

int
provider_hmac_base64(const char *md, const char *key, const void *data,
    size_t len, char *out, size_t outsize)
{
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned int maclen = 0;
	const EVP_MD *type = EVP_get_digestbyname(md);

	if (type == NULL || outsize < 4 * ((EVP_MAX_MD_SIZE + 2) / 3) + 1)
		return SMS_EINVAL;
	if (HMAC(type, key, (int)strlen(key), data, len, mac, &maclen) == NULL)
		return SMS_EINVAL;
	EVP_EncodeBlock((unsigned char *)out, mac, (int)maclen);
	return 0;
}

bool
provider_sig_equal(const char *a, const char *b)
{
	size_t n = strlen(a);

	return n == strlen(b) && n > 0 && CRYPTO_memcmp(a, b, n) == 0;
}

const char *
provider_param(const struct webhook_req *w, const char *key)
{
	size_t i;

	for (i = 0; i < w->n_params; i++)
		if (strcmp(w->params[i].key, key) == 0)
			return w->params[i].value;
	return NULL;
}

const struct backend_ops *
provider_backend_ops(const char *type)
{
	if (type == NULL)
		return NULL;
	if (strcmp(type, "twilio") == 0)
		return &twilio_backend_ops;
	if (strcmp(type, "plivo") == 0)
		return &plivo_backend_ops;
	return NULL;
}

int
provider_page_req_path(struct provider *p, const char *next,
    struct provider_req *req)
{
	req->method = "GET";
	if (next[0] != '/' || strstr(next, "://") != NULL)
		return SMS_EPROTO;
	if (buf_printf(&req->url, "%s%s", p->api_base, next) < 0)
		return SMS_ENOMEM;
	return 0;
}

const char *
provider_json_str(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

int
provider_json_int(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	if (json_is_integer(v))
		return (int)json_integer_value(v);
	if (json_is_string(v))
		return atoi(json_string_value(v));
	return 0;
}
