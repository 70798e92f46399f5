#include "config.h"

#include "provider/provider.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "provider/private.h"
#include "util/i18n.h"
#include "util/log.h"

/*
 * Twilio Programmable Messaging, REST API 2010-04-01: see
 * ../shared/twilio/twilio_api_v2010.json for the shapes used here.
 */

#define TWILIO_API "/2010-04-01/Accounts/"
#define TWILIO_PAGE_SIZE "100"

static int
twilio_check(struct provider *p, struct sms_err *err)
{
	size_t i;

	if (strncmp(p->account, "AC", 2) != 0 || strlen(p->account) != 34)
		goto bad;
	for (i = 2; i < 34; i++)
		if (strchr("0123456789abcdefABCDEF", p->account[i]) == NULL)
			goto bad;
	return 0;
bad:
	return sms_err_set(err, SMS_ECONFIG, _("[%s] account_sid must be AC "
	    "followed by 32 hexadecimal digits"), p->b->section);
}

/* api_base/2010-04-01/Accounts/AC.../rest */
static int
twilio_url(struct provider *p, struct buf *url, const char *rest)
{
	if (buf_printf(url, "%s" TWILIO_API, p->api_base) < 0 ||
	    http_url_escape(url, p->account) < 0 ||
	    buf_append_str(url, rest) < 0)
		return SMS_ENOMEM;
	return 0;
}

static int
twilio_send_req(struct provider *p, const struct backend_msg *msg,
    const char *from, struct provider_req *req)
{
	struct buf *f = &req->body;

	req->method = "POST";
	req->content_type = "application/x-www-form-urlencoded";
	if (twilio_url(p, &req->url, "/Messages.json") < 0)
		return SMS_ENOMEM;
	if (http_form_add(f, "To", msg->to) < 0)
		return SMS_ENOMEM;
	if (from != NULL) {
		if (http_form_add(f, "From", from) < 0)
			return SMS_ENOMEM;
	} else if (http_form_add(f, "MessagingServiceSid", p->msid) < 0)
		return SMS_ENOMEM;
	if (http_form_add(f, "Body", msg->body) < 0)
		return SMS_ENOMEM;
	if (p->status_callback != NULL &&
	    http_form_add(f, "StatusCallback", p->status_callback) < 0)
		return SMS_ENOMEM;
	return 0;
}

static int
twilio_parse_send(struct provider *p, const struct http_resp *r,
    struct buf *ref)
{
	json_t *root, *sid;
	int rc = SMS_EPROTO;

	root = json_loadb(r->body, r->len, 0, NULL);
	sid = json_object_get(root, "sid");
	if (json_is_string(sid) && json_string_length(sid) > 0 &&
	    json_string_length(sid) < 128)
		rc = buf_append_str(ref, json_string_value(sid));
	json_decref(root);
	return rc;
}

static int
twilio_fetch_req(struct provider *p, const char *ref,
    struct provider_req *req)
{
	req->method = "GET";
	if (twilio_url(p, &req->url, "/Messages/") < 0 ||
	    http_url_escape(&req->url, ref) < 0 ||
	    buf_append_str(&req->url, ".json") < 0)
		return SMS_ENOMEM;
	return 0;
}

static int
twilio_list_req(struct provider *p, const struct provider_filter *f,
    struct provider_req *req)
{
	struct buf *u = &req->url;
	char day[16];
	time_t t;
	struct tm tm;

	req->method = "GET";
	if (twilio_url(p, u, "/Messages.json?PageSize=" TWILIO_PAGE_SIZE) < 0)
		return SMS_ENOMEM;
	if (f->to != NULL && (buf_append_str(u, "&To=") < 0 ||
	    http_url_escape(u, f->to) < 0))
		return SMS_ENOMEM;
	if (f->from != NULL && (buf_append_str(u, "&From=") < 0 ||
	    http_url_escape(u, f->from) < 0))
		return SMS_ENOMEM;
	if (f->since > 0) {
		/* "DateSent>=" a day: Twilio filters by whole UTC days. */
		t = (time_t)f->since;
		gmtime_r(&t, &tm);
		strftime(day, sizeof day, "%Y-%m-%d", &tm);
		if (buf_printf(u, "&DateSent%%3E=%s", day) < 0)
			return SMS_ENOMEM;
	}
	return 0;
}

static int64_t
jdate(json_t *o, const char *key)
{
	long long t = http_parse_date(provider_json_str(o, key));

	return t < 0 ? 0 : (int64_t)t;
}

/* Twilio's message status (and MessageStatus in callbacks) as ours.
 * Unknown ones count as submitted: states only move forward, so a late
 * or unknown status never undoes a later one. */
static enum msg_state
twilio_state(const char *s)
{
	static const struct {
		const char *name;
		enum msg_state state;
	} map[] = {
		{ "accepted", MSG_SUBMITTED }, { "scheduled", MSG_SUBMITTED },
		{ "queued", MSG_SUBMITTED }, { "sending", MSG_SUBMITTED },
		{ "sent", MSG_SENT }, { "delivered", MSG_DELIVERED },
		{ "read", MSG_DELIVERED }, { "undelivered", MSG_UNDELIVERED },
		{ "partially_delivered", MSG_SENT },
		{ "failed", MSG_FAILED }, { "canceled", MSG_CANCELLED },
		{ "receiving", MSG_RECEIVED }, { "received", MSG_RECEIVED },
	};
	size_t i;

	for (i = 0; s != NULL && i < sizeof map / sizeof map[0]; i++)
		if (strcmp(s, map[i].name) == 0)
			return map[i].state;
	return MSG_SUBMITTED;
}

static void
twilio_message(json_t *o, struct provider_message *m)
{
	const char *dir = provider_json_str(o, "direction");

	memset(m, 0, sizeof *m);
	m->sid = provider_json_str(o, "sid");
	m->inbound = dir != NULL && strcmp(dir, "inbound") == 0;
	m->from = provider_json_str(o, "from");
	m->to = provider_json_str(o, "to");
	m->body = provider_json_str(o, "body");
	m->state = twilio_state(provider_json_str(o, "status"));
	m->error_code = provider_json_int(o, "error_code");
	m->error_text = provider_json_str(o, "error_message");
	m->created_at = jdate(o, "date_created");
	m->sent_at = jdate(o, "date_sent");
	m->segments = provider_json_int(o, "num_segments");
	m->num_media = provider_json_int(o, "num_media");
	m->media_list = provider_json_str(json_object_get(o,
	    "subresource_uris"), "media");
}

static int
twilio_parse_list(struct provider *p, const struct http_resp *r,
    provider_message_cb cb, void *data, struct buf *next)
{
	struct provider_message m;
	json_t *root, *msgs, *o;
	const char *np;
	size_t i;
	int rc = 0;

	root = json_loadb(r->body, r->len, 0, NULL);
	if (!json_is_object(root)) {
		json_decref(root);
		return SMS_EPROTO;
	}
	msgs = json_object_get(root, "messages");
	if (json_is_array(msgs)) {
		json_array_foreach(msgs, i, o) {
			if (!json_is_object(o))
				continue;
			twilio_message(o, &m);
			if (cb(data, &m) < 0)
				break;
		}
		np = provider_json_str(root, "next_page_uri");
		if (np != NULL && np[0] != '\0')
			rc = buf_append_str(next, np);
	} else if (provider_json_str(root, "sid") != NULL) {
		twilio_message(root, &m);
		cb(data, &m);
	} else
		rc = SMS_EPROTO;
	json_decref(root);
	return rc;
}

/*
 * Twilio error codes we explain; the rest keep Twilio's own message.  Each
 * sentence is followed by the code ("Twilio error 21610") so the agent can
 * look it up.  transient: sending the same message again later may work.
 * https://www.twilio.com/docs/api/errors
 */
static const struct {
	int code;
	bool transient;
	const char *text;
} twilio_codes[] = {
	{ 20429, true, N_("The provider is receiving too many requests; "
	    "sending will resume shortly.") },
	{ 21211, false, N_("The recipient's number is not a valid phone "
	    "number.") },
	{ 21408, false, N_("Sending to this region is not enabled on the "
	    "provider account.") },
	{ 21602, false, N_("The message has no text.") },
	{ 21606, false, N_("The sending number cannot send messages to "
	    "this recipient.") },
	{ 21608, false, N_("A trial account can only send to numbers "
	    "verified on it.") },
	{ 21610, false, N_("The recipient has opted out of messages from "
	    "this number (replied STOP).") },
	{ 21611, true, N_("The sending number has too many messages "
	    "waiting at the provider.") },
	{ 21612, false, N_("The recipient's number cannot be reached by "
	    "SMS from this sending number.") },
	{ 21614, false, N_("The recipient's number is not a mobile number.") },
	{ 21617, false, N_("The text is longer than the provider takes "
	    "(1600 characters).") },
	{ 30001, true, N_("The provider's queue for this number "
	    "overflowed.") },
	{ 30003, true, N_("The recipient's phone is unreachable (switched "
	    "off or out of coverage).") },
	{ 30004, false, N_("The message was blocked by the recipient or "
	    "their carrier.") },
	{ 30005, false, N_("The recipient's number is unknown or no longer "
	    "in service.") },
	{ 30006, false, N_("The recipient's number is a landline or its "
	    "carrier cannot be reached.") },
	{ 30007, false, N_("The carrier filtered the message as spam or "
	    "against its rules.") },
	{ 30008, true, N_("The message could not be delivered for an "
	    "unknown reason.") },
};

/* Whether code is one of a message's own in the table above. */
static bool
twilio_message_code(int code)
{
	size_t i;

	for (i = 0; i < sizeof twilio_codes / sizeof twilio_codes[0]; i++)
		if (twilio_codes[i].code == code)
			return code != 20429;
	return false;
}

/* Codes that are about the account, not a message: the backend is down
 * until someone fixes the configuration. */
static bool
twilio_account_code(int code)
{
	return code == 20003 || code == 20005 || code == 30002;
}

static void
twilio_map_code(struct provider *p, int code, const char *text,
    struct provider_error *out)
{
	size_t i;

	out->code = code;
	out->opted_out = code == 21610;
	if (twilio_account_code(code)) {
		out->credentials = true;
		out->transient = true;
		snprintf(out->text, sizeof out->text, _("The provider refused "
		    "the account credentials (Twilio error %d): check "
		    "account_sid, api_key and the token (token_file) in [%s], "
		    "and that the account is active."), code, p->b->section);
		return;
	}
	for (i = 0; i < sizeof twilio_codes / sizeof twilio_codes[0]; i++)
		if (twilio_codes[i].code == code) {
			out->transient = twilio_codes[i].transient;
			snprintf(out->text, sizeof out->text,
			    _("%s (Twilio error %d)"), _(twilio_codes[i].text),
			    code);
			return;
		}
	if (text != NULL && text[0] != '\0')
		snprintf(out->text, sizeof out->text,
		    _("The provider says: %s (error %d)."), text, code);
	else if (code != 0)
		snprintf(out->text, sizeof out->text,
		    _("The provider reported error %d."), code);
}

/*
 * A reply that is not 2xx.  401 and 403 are about the account (wrong
 * SID or token, a suspended account): the backend goes down, the message
 * waits.  429 is never processed by Twilio and is safe to send again
 * (https://www.twilio.com/docs/api/errors/20429).  5xx may or may not
 * have created the message.  4xx with a code is the message's own.
 */
static void
twilio_map_error(struct provider *p, const struct http_resp *r,
    struct provider_error *out)
{
	json_t *root;
	const char *msg = NULL;
	int code = 0;

	root = json_loadb(r->body, r->len, 0, NULL);
	if (json_is_object(root)) {
		code = provider_json_int(root, "code");
		msg = provider_json_str(root, "message");
	}
	out->transient = r->status == 429 || r->status >= 500;
	out->throttled = r->status == 429 || code == 20429;
	if (code != 0)
		twilio_map_code(p, code, msg, out);
	if (out->throttled) {
		out->transient = true;
		out->credentials = false;
		twilio_map_code(p, 20429, NULL, out);
	} else if ((r->status == 401 || r->status == 403) &&
	    !twilio_message_code(code)) {
		twilio_map_code(p, twilio_account_code(code) ? code : 20003,
		    NULL, out);
		out->code = code != 0 ? code : 20003;
	} else if (r->status >= 500)
		out->transient = true;
	if (out->text[0] == '\0')
		snprintf(out->text, sizeof out->text,
		    _("The provider answered HTTP %ld."), r->status);
	if (out->code == 0)
		out->code = (int)r->status;
	json_decref(root);
}

static int
param_cmp(const void *a, const void *b)
{
	const struct webhook_param *x = *(const struct webhook_param *const *)a;
	const struct webhook_param *y = *(const struct webhook_param *const *)b;
	int c = strcmp(x->key, y->key);

	return c != 0 ? c : strcmp(x->value, y->value);
}

/* base64(HMAC-SHA1(key, url followed by each sorted field's name and
 * value)) into want. */
static int
twilio_sign(struct provider *p, const char *url,
    const struct webhook_param *const *sorted, size_t n, char *want,
    size_t size)
{
	struct buf data;
	size_t i;
	int rc;

	buf_init(&data, 2 * WEBHOOK_BODY_MAX + 8192);
	rc = buf_append_str(&data, url);
	for (i = 0; i < n && rc == 0; i++) {
		rc = buf_append_str(&data, sorted[i]->key);
		if (rc == 0)
			rc = buf_append_str(&data, sorted[i]->value);
	}
	if (rc == 0)
		rc = provider_hmac_base64("SHA1", p->sign_key, data.data,
		    data.len, want, size);
	buf_fini(&data);
	return rc;
}

/*
 * url with its port written out when it is not ("https://x/sms" ->
 * "https://x:443/sms") or left out when it is the scheme's default: Twilio
 * signs one or the other (its own helper libraries check both).  Returns
 * 0 with out filled, or -1 when there is no other form.
 */
static int
twilio_other_port(const char *url, struct buf *out)
{
	const char *host, *end, *colon;
	const char *port;

	if (strncmp(url, "https://", 8) == 0)
		port = "443";
	else if (strncmp(url, "http://", 7) == 0)
		port = "80";
	else
		return -1;
	host = strstr(url, "://") + 3;
	end = host + strcspn(host, "/?#");
	colon = memchr(host, ':', (size_t)(end - host));
	if (colon != NULL) {
		if ((size_t)(end - colon - 1) != strlen(port) ||
		    strncmp(colon + 1, port, strlen(port)) != 0)
			return -1;	/* not the default: only one form */
		return buf_append(out, url, (size_t)(colon - url)) < 0 ||
		    buf_append_str(out, end) < 0 ? -1 : 0;
	}
	return buf_append(out, url, (size_t)(end - url)) < 0 ||
	    buf_printf(out, ":%s", port) < 0 ||
	    buf_append_str(out, end) < 0 ? -1 : 0;
}

/*
 * X-Twilio-Signature: base64(HMAC-SHA1(auth token, URL followed by each
 * POST field's name and value, sorted by name)).  The URL is the public
 * one Twilio called (webhook_url or status_callback, behind a proxy too),
 * with or without its default port.
 * https://www.twilio.com/docs/usage/security#validating-requests
 */
static int
twilio_verify_webhook(struct provider *p, const char *url,
    const struct webhook_req *w, struct sms_err *err)
{
	const char *got = webhook_header(w, "X-Twilio-Signature");
	const struct webhook_param **sorted;
	struct buf other;
	char want[128];
	size_t i;
	int rc;
	bool ok;

	if (got == NULL)
		return sms_err_set(err, SMS_EPERM,
		    _("no X-Twilio-Signature header"));
	sorted = calloc(w->n_params + 1, sizeof *sorted);
	if (sorted == NULL)
		return sms_err_set(err, SMS_ENOMEM, _("out of memory"));
	for (i = 0; i < w->n_params; i++)
		sorted[i] = &w->params[i];
	qsort(sorted, w->n_params, sizeof *sorted, param_cmp);
	rc = twilio_sign(p, url, sorted, w->n_params, want, sizeof want);
	ok = rc == 0 && provider_sig_equal(got, want);
	buf_init(&other, 8192);
	if (rc == 0 && !ok && twilio_other_port(url, &other) == 0) {
		rc = twilio_sign(p, other.data, sorted, w->n_params, want,
		    sizeof want);
		ok = rc == 0 && provider_sig_equal(got, want);
	}
	buf_fini(&other);
	free(sorted);
	if (rc < 0)
		return sms_err_set(err, SMS_EPERM,
		    _("cannot compute the signature"));
	if (!ok)
		return sms_err_set(err, SMS_EPERM,
		    _("X-Twilio-Signature does not match"));
	return 0;
}

static int
twilio_parse_webhook(struct provider *p, const struct webhook_req *w,
    struct provider_message *m)
{
	const char *status = provider_param(w, "MessageStatus");
	const char *seg = provider_param(w, "NumSegments");
	const char *code = provider_param(w, "ErrorCode");
	const char *n;
	char key[32];
	int i;

	memset(m, 0, sizeof *m);
	m->sid = provider_param(w, "MessageSid");
	if (m->sid == NULL)
		m->sid = provider_param(w, "SmsSid");
	m->from = provider_param(w, "From");
	m->to = provider_param(w, "To");
	m->segments = seg != NULL ? atoi(seg) : 0;
	if (m->sid == NULL)
		return SMS_EDATA;
	if (status != NULL) {
		m->state = twilio_state(status);
		m->error_code = code != NULL ? atoi(code) : 0;
		m->error_text = provider_param(w, "ErrorMessage");
		return 0;
	}
	m->body = provider_param(w, "Body");
	if (m->body == NULL || m->from == NULL)
		return SMS_EDATA;
	/* MMS: NumMedia, then MediaUrl0, MediaContentType0, ... */
	n = provider_param(w, "NumMedia");
	m->num_media = n != NULL ? atoi(n) : 0;
	if (m->num_media < 0)
		m->num_media = 0;
	for (i = 0; i < m->num_media && i < PROVIDER_MEDIA_MAX; i++) {
		snprintf(key, sizeof key, "MediaUrl%d", i);
		m->media_url[i] = provider_param(w, key);
		snprintf(key, sizeof key, "MediaContentType%d", i);
		m->media_type[i] = provider_param(w, key);
	}
	m->inbound = true;
	m->state = MSG_RECEIVED;
	return 0;
}

const struct provider_ops twilio_ops = {
	.name = "twilio",
	.default_api_base = "https://api.twilio.com",
	.check = twilio_check,
	.send_req = twilio_send_req,
	.parse_send = twilio_parse_send,
	.fetch_req = twilio_fetch_req,
	.list_req = twilio_list_req,
	.page_req = provider_page_req_path,
	.parse_list = twilio_parse_list,
	.map_error = twilio_map_error,
	.map_code = twilio_map_code,
	.verify_webhook = twilio_verify_webhook,
	.parse_webhook = twilio_parse_webhook,
	.webhook_type = "text/xml",
	.webhook_body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
	    "<Response></Response>",
};

static int
twilio_open(struct backend *b, uv_loop_t *loop, const struct conf *cfg,
    struct sms_err *err)
{
	return provider_backend_open(b, loop, cfg, &twilio_ops, err);
}

const struct backend_ops twilio_backend_ops = {
	.type = "twilio",
	.open = twilio_open,
	.close = provider_backend_close,
	.ready = provider_backend_ready,
	.next_ready = provider_backend_next_ready,
	.submit = provider_backend_submit,
	.reconcile = provider_backend_reconcile,
	.health = provider_backend_health,
	.suspend = provider_backend_suspend,
	.resume = provider_backend_resume,
};
