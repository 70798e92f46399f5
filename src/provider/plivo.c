#include "config.h"

#include "provider/provider.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "provider/private.h"
#include "util/i18n.h"
#include "util/log.h"

/*
 * Plivo Messaging, REST API v1: JSON requests, Basic auth with the auth ID
 * and token, numbers without "+", paging by meta.next, webhooks signed with
 * X-Plivo-Signature-V3 (HMAC-SHA256 with a nonce).  It proves the table:
 * nothing in provider.c knows it is not Twilio.
 */

#define PLIVO_API "/v1/Account/"
#define PLIVO_PAGE "20"		/* Plivo's largest page */

/* Plivo writes numbers without "+"; we keep E.164 with it. */
static const char *
plivo_number(const char *n)
{
	return n != NULL && n[0] == '+' ? n + 1 : n;
}

/* "+" put back in front of a number of digits, into buf. */
static const char *
e164(const char *n, char *buf, size_t size)
{
	if (n == NULL || !isdigit((unsigned char)n[0]))
		return n;
	snprintf(buf, size, "+%s", n);
	return buf;
}

static int
plivo_url(struct provider *p, struct buf *url, const char *rest)
{
	if (buf_printf(url, "%s" PLIVO_API, p->api_base) < 0 ||
	    http_url_escape(url, p->account) < 0 ||
	    buf_append_str(url, rest) < 0)
		return SMS_ENOMEM;
	return 0;
}

static int
plivo_send_req(struct provider *p, const struct backend_msg *msg,
    const char *from, struct provider_req *req)
{
	json_t *o;
	char *text;
	int rc;

	req->method = "POST";
	req->content_type = "application/json";
	if (plivo_url(p, &req->url, "/Message/") < 0)
		return SMS_ENOMEM;
	o = json_object();
	if (o == NULL)
		return SMS_ENOMEM;
	rc = json_object_set_new(o, "dst", json_string(plivo_number(msg->to)));
	rc |= json_object_set_new(o, "text", json_string(msg->body));
	if (from != NULL)
		rc |= json_object_set_new(o, "src",
		    json_string(plivo_number(from)));
	else
		rc |= json_object_set_new(o, "powerpack_uuid",
		    json_string(p->msid));
	if (p->status_callback != NULL) {
		rc |= json_object_set_new(o, "url",
		    json_string(p->status_callback));
		rc |= json_object_set_new(o, "method", json_string("POST"));
	}
	text = rc == 0 ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	if (text == NULL)
		return SMS_EDATA;	/* a string that is not UTF-8 */
	rc = buf_append_str(&req->body, text);
	free(text);
	return rc;
}

static int
plivo_parse_send(struct provider *p, const struct http_resp *r,
    struct buf *ref)
{
	json_t *root, *ids, *id;
	int rc = SMS_EPROTO;

	root = json_loadb(r->body, r->len, 0, NULL);
	ids = json_object_get(root, "message_uuid");
	id = json_array_get(ids, 0);
	if (json_is_string(id) && json_string_length(id) > 0 &&
	    json_string_length(id) < 128)
		rc = buf_append_str(ref, json_string_value(id));
	json_decref(root);
	return rc;
}

static int
plivo_fetch_req(struct provider *p, const char *ref,
    struct provider_req *req)
{
	req->method = "GET";
	if (plivo_url(p, &req->url, "/Message/") < 0 ||
	    http_url_escape(&req->url, ref) < 0 ||
	    buf_append_char(&req->url, '/') < 0)
		return SMS_ENOMEM;
	return 0;
}

static int
plivo_list_req(struct provider *p, const struct provider_filter *f,
    struct provider_req *req)
{
	struct buf *u = &req->url;
	char when[32];
	time_t t;
	struct tm tm;

	req->method = "GET";
	if (plivo_url(p, u, "/Message/?limit=" PLIVO_PAGE) < 0)
		return SMS_ENOMEM;
	if (f->direction != 0 && buf_printf(u, "&message_direction=%s",
	    f->direction == PROVIDER_IN ? "inbound" : "outbound") < 0)
		return SMS_ENOMEM;
	if (f->since > 0) {
		t = (time_t)f->since;
		gmtime_r(&t, &tm);
		strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
		if (buf_append_str(u, "&message_time__gte=") < 0 ||
		    http_url_escape(u, when) < 0)
			return SMS_ENOMEM;
	}
	/* Plivo has no filter by number: provider.c checks to and from. */
	return 0;
}

static enum msg_state
plivo_state(const char *s)
{
	static const struct {
		const char *name;
		enum msg_state state;
	} map[] = {
		{ "queued", MSG_SUBMITTED }, { "sent", MSG_SENT },
		{ "delivered", MSG_DELIVERED }, { "read", MSG_DELIVERED },
		{ "undelivered", MSG_UNDELIVERED }, { "failed", MSG_FAILED },
		{ "rejected", MSG_FAILED }, { "received", MSG_RECEIVED },
	};
	size_t i;

	for (i = 0; s != NULL && i < sizeof map / sizeof map[0]; i++)
		if (strcmp(s, map[i].name) == 0)
			return map[i].state;
	return MSG_SUBMITTED;
}

static int
plivo_each(json_t *o, provider_message_cb cb, void *data)
{
	struct provider_message m;
	const char *dir = provider_json_str(o, "message_direction");
	long long t = http_parse_date(provider_json_str(o, "message_time"));

	memset(&m, 0, sizeof m);
	m.sid = provider_json_str(o, "message_uuid");
	m.inbound = dir != NULL && strcmp(dir, "inbound") == 0;
	m.from = e164(provider_json_str(o, "from_number"), m.scratch[0],
	    sizeof m.scratch[0]);
	m.to = e164(provider_json_str(o, "to_number"), m.scratch[1], sizeof m.scratch[1]);
	/* Listings may leave the text out; reconcile then matches on the
	 * numbers and the time. */
	m.body = provider_json_str(o, "message_content");
	m.state = plivo_state(provider_json_str(o, "message_state"));
	m.error_code = provider_json_int(o, "error_code");
	m.created_at = t < 0 ? 0 : (int64_t)t;
	m.sent_at = m.created_at;
	m.segments = provider_json_int(o, "units");
	return cb(data, &m);
}

static int
plivo_parse_list(struct provider *p, const struct http_resp *r,
    provider_message_cb cb, void *data, struct buf *next)
{
	json_t *root, *objs, *o;
	const char *np;
	size_t i;
	int rc = 0;

	root = json_loadb(r->body, r->len, 0, NULL);
	if (!json_is_object(root)) {
		json_decref(root);
		return SMS_EPROTO;
	}
	objs = json_object_get(root, "objects");
	if (json_is_array(objs)) {
		json_array_foreach(objs, i, o) {
			if (json_is_object(o) && plivo_each(o, cb, data) < 0)
				break;
		}
		np = provider_json_str(json_object_get(root, "meta"), "next");
		if (np != NULL && np[0] != '\0')
			rc = buf_append_str(next, np);
	} else if (provider_json_str(root, "message_uuid") != NULL)
		plivo_each(root, cb, data);
	else
		rc = SMS_EPROTO;
	json_decref(root);
	return rc;
}

static void
plivo_map_code(struct provider *p, int code, const char *text,
    struct provider_error *out)
{
	out->code = code;
	/* Plivo's delivery error codes: 200 and up are the carrier's. */
	out->transient = code == 0 || code == 10 || code == 20 || code == 900;
	if (text != NULL && text[0] != '\0')
		snprintf(out->text, sizeof out->text,
		    _("The provider says: %s (error %d)."), text, code);
	else
		snprintf(out->text, sizeof out->text,
		    _("The provider reported error %d."), code);
}

static void
plivo_map_error(struct provider *p, const struct http_resp *r,
    struct provider_error *out)
{
	json_t *root = json_loadb(r->body, r->len, 0, NULL);
	const char *msg = provider_json_str(root, "error");

	out->code = (int)r->status;
	out->credentials = r->status == 401;
	out->throttled = r->status == 429;
	out->transient = r->status == 429 || r->status >= 500 ||
	    r->status == 401 || r->status == 403;
	if (out->credentials)
		snprintf(out->text, sizeof out->text, "%s",
		    _("The provider refused the account credentials."));
	else if (out->throttled)
		snprintf(out->text, sizeof out->text, "%s",
		    _("The provider is receiving too many requests; sending "
		    "will resume shortly."));
	else if (msg != NULL)
		snprintf(out->text, sizeof out->text,
		    _("The provider says: %s (HTTP %ld)."), msg, r->status);
	else
		snprintf(out->text, sizeof out->text,
		    _("The provider answered HTTP %ld."), r->status);
	json_decref(root);
}

static int
param_cmp(const void *a, const void *b)
{
	const struct webhook_param *x = *(const struct webhook_param *const *)a;
	const struct webhook_param *y = *(const struct webhook_param *const *)b;

	return strcmp(x->key, y->key);
}

/*
 * X-Plivo-Signature-V3: base64(HMAC-SHA256(auth token, URL "?" sorted
 * name-value pairs "." nonce)); the header may list several signatures
 * (one per active token), any one of them matches.  URLs with a query are
 * taken as sent.
 */
static int
plivo_verify_webhook(struct provider *p, const char *url,
    const struct webhook_req *w, struct sms_err *err)
{
	const char *got = webhook_header(w, "X-Plivo-Signature-V3");
	const char *nonce = webhook_header(w, "X-Plivo-Signature-V3-Nonce");
	const struct webhook_param **sorted;
	struct buf data;
	char want[128], one[128];
	const char *s;
	size_t i, n;
	int rc;

	if (got == NULL || nonce == NULL)
		return sms_err_set(err, SMS_EPERM,
		    _("no X-Plivo-Signature-V3 header or nonce"));
	sorted = calloc(w->n_params + 1, sizeof *sorted);
	if (sorted == NULL)
		return sms_err_set(err, SMS_ENOMEM, _("out of memory"));
	for (i = 0; i < w->n_params; i++)
		sorted[i] = &w->params[i];
	qsort(sorted, w->n_params, sizeof *sorted, param_cmp);
	buf_init(&data, 2 * WEBHOOK_BODY_MAX);
	rc = buf_append_str(&data, url);
	if (rc == 0 && w->n_params > 0)
		rc = buf_append_char(&data, strchr(url, '?') ? '.' : '?');
	for (i = 0; i < w->n_params && rc == 0; i++) {
		rc = buf_append_str(&data, sorted[i]->key);
		if (rc == 0)
			rc = buf_append_str(&data, sorted[i]->value);
	}
	free(sorted);
	if (rc == 0)
		rc = buf_printf(&data, ".%s", nonce);
	if (rc == 0)
		rc = provider_hmac_base64("SHA256", p->sign_key, data.data,
		    data.len, want, sizeof want);
	buf_fini(&data);
	if (rc < 0)
		return sms_err_set(err, SMS_EPERM,
		    _("cannot compute the signature"));
	for (s = got; *s != '\0'; s += n + (s[n] == ',')) {
		n = strcspn(s, ",");
		if (n < sizeof one) {
			memcpy(one, s, n);
			one[n] = '\0';
			if (provider_sig_equal(one, want))
				return 0;
		}
	}
	return sms_err_set(err, SMS_EPERM,
	    _("X-Plivo-Signature-V3 does not match"));
}

static int
plivo_parse_webhook(struct provider *p, const struct webhook_req *w,
    struct provider_message *m)
{
	const char *status = provider_param(w, "Status");
	const char *code = provider_param(w, "ErrorCode");
	const char *units = provider_param(w, "Units");

	memset(m, 0, sizeof *m);
	m->sid = provider_param(w, "MessageUUID");
	m->from = e164(provider_param(w, "From"), m->scratch[0],
	    sizeof m->scratch[0]);
	m->to = e164(provider_param(w, "To"), m->scratch[1],
	    sizeof m->scratch[1]);
	m->segments = units != NULL ? atoi(units) : 0;
	if (m->sid == NULL)
		return SMS_EDATA;
	m->body = provider_param(w, "Text");
	if (m->body != NULL && m->from != NULL) {
		m->inbound = true;
		m->state = MSG_RECEIVED;
		return 0;
	}
	if (status == NULL)
		return SMS_EDATA;
	m->state = plivo_state(status);
	m->error_code = code != NULL ? atoi(code) : 0;
	return 0;
}

const struct provider_ops plivo_ops = {
	.name = "plivo",
	.default_api_base = "https://api.plivo.com",
	.check = NULL,
	.send_req = plivo_send_req,
	.parse_send = plivo_parse_send,
	.fetch_req = plivo_fetch_req,
	.list_req = plivo_list_req,
	.page_req = provider_page_req_path,
	.parse_list = plivo_parse_list,
	.map_error = plivo_map_error,
	.map_code = plivo_map_code,
	.verify_webhook = plivo_verify_webhook,
	.parse_webhook = plivo_parse_webhook,
	.webhook_type = "application/xml",
	.webhook_body = "<Response></Response>",
};

static int
plivo_open(struct backend *b, uv_loop_t *loop, const struct conf *cfg,
    struct sms_err *err)
{
	return provider_backend_open(b, loop, cfg, &plivo_ops, err);
}

const struct backend_ops plivo_backend_ops = {
	.type = "plivo",
	.open = plivo_open,
	.close = provider_backend_close,
	.ready = provider_backend_ready,
	.next_ready = provider_backend_next_ready,
	.submit = provider_backend_submit,
	.reconcile = provider_backend_reconcile,
	.health = provider_backend_health,
	.suspend = provider_backend_suspend,
	.resume = provider_backend_resume,
};
