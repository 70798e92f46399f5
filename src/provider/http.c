#include "config.h"

#include "provider/http.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>

#include "util/i18n.h"
#include "util/log.h"

/* One socket curl asked us to watch. */
struct http_sock {
	uv_poll_t poll;
	curl_socket_t fd;
	struct http *h;
	struct http_sock *next;		/* h->socks */
	struct http_sock *prev;
};

/* One request, waiting or running. */
struct http_call {
	struct http *h;
	struct http_call *next;		/* in h->waiting or h->running */
	struct http_call *prev;
	CURL *easy;
	struct curl_slist *headers;
	char *url;
	char *userpwd;
	char *body;
	size_t body_len;
	size_t body_off;
	bool has_body;
	bool rewind_refused;
	int retry_after;
	struct buf resp;
	http_done_cb cb;
	void (*sending)(void *data);
	void *data;
	char errbuf[CURL_ERROR_SIZE];
};

/* A doubly linked FIFO of calls. */
struct http_list {
	struct http_call *head;
	struct http_call *tail;
	size_t n;
};

struct http {
	uv_loop_t *loop;
	CURLM *multi;
	uv_timer_t timer;
	int max_requests;
	long timeout_ms;
	struct http_list waiting;
	struct http_list running;
	struct http_sock *socks;
	int handles;			/* uv handles not yet closed */
	void (*done)(void *);
	void *done_data;
};

static int curl_ready;

static void
list_push(struct http_list *l, struct http_call *c)
{
	c->next = NULL;
	c->prev = l->tail;
	if (l->tail != NULL)
		l->tail->next = c;
	else
		l->head = c;
	l->tail = c;
	l->n++;
}

static void
list_remove(struct http_list *l, struct http_call *c)
{
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		l->head = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	else
		l->tail = c->prev;
	c->next = c->prev = NULL;
	l->n--;
}

static void
call_free(struct http_call *c)
{
	if (c == NULL)
		return;
	if (c->easy != NULL)
		curl_easy_cleanup(c->easy);
	curl_slist_free_all(c->headers);
	free(c->url);
	if (c->userpwd != NULL) {
		explicit_bzero(c->userpwd, strlen(c->userpwd));
		free(c->userpwd);
	}
	free(c->body);
	buf_fini(&c->resp);
	free(c);
}

static size_t
write_cb(char *ptr, size_t size, size_t nmemb, void *userdata)
{
	struct http_call *c = userdata;
	size_t n = size * nmemb;

	if (buf_append(&c->resp, ptr, n) < 0)
		return 0;	/* over HTTP_BODY_MAX: abort the transfer */
	return n;
}

/* Retry-After is either delay-seconds or an HTTP-date (RFC 9110 10.2.3). */
static int
parse_retry_after(const char *v, size_t len)
{
	char tmp[64];
	char *end;
	long secs;
	time_t when;

	while (len > 0 && isspace((unsigned char)v[len - 1]))
		len--;
	while (len > 0 && isspace((unsigned char)*v)) {
		v++;
		len--;
	}
	if (len == 0 || len >= sizeof tmp)
		return -1;
	memcpy(tmp, v, len);
	tmp[len] = '\0';
	secs = strtol(tmp, &end, 10);
	if (*end == '\0' && end != tmp)
		return secs < 0 ? 0 : secs > 86400 ? 86400 : (int)secs;
	when = curl_getdate(tmp, NULL);
	if (when < 0)
		return -1;
	secs = (long)(when - time(NULL));
	return secs < 0 ? 0 : secs > 86400 ? 86400 : (int)secs;
}

static size_t
header_cb(char *ptr, size_t size, size_t nmemb, void *userdata)
{
	struct http_call *c = userdata;
	size_t n = size * nmemb;
	static const char name[] = "retry-after:";

	if (n > sizeof name - 1 && strncasecmp(ptr, name, sizeof name - 1) == 0)
		c->retry_after = parse_retry_after(ptr + sizeof name - 1,
		    n - (sizeof name - 1));
	return n;
}

static size_t
read_cb(char *buffer, size_t size, size_t nitems, void *userdata)
{
	struct http_call *c = userdata;
	size_t room = size * nitems, left = c->body_len - c->body_off;
	size_t n = left < room ? left : room;

	memcpy(buffer, c->body + c->body_off, n);
	c->body_off += n;
	return n;
}

/*
 * curl asks to rewind the body only to send it again: after a reused
 * connection died (Curl_retry_request) or for a multi-pass authentication
 * we never ask for.  Refusing turns a silent re-send into an error.
 */
static int
seek_cb(void *userdata, curl_off_t offset, int origin)
{
	struct http_call *c = userdata;

	if (offset == 0 && origin == SEEK_SET && c->body_off == 0)
		return CURL_SEEKFUNC_OK;	/* nothing was read yet */
	c->rewind_refused = true;
	return CURL_SEEKFUNC_FAIL;
}

/* A handle of h finished closing: free h after the last one once
 * http_free() was called. */
static void
handle_gone(struct http *h)
{
	if (--h->handles == 0 && h->done != NULL) {
		void (*done)(void *) = h->done;
		void *data = h->done_data;

		free(h);
		done(data);
	}
}

/* The connection is up and the request is about to be sent. */
static int
prereq_cb(void *clientp, char *conn_primary_ip, char *conn_local_ip,
    int conn_primary_port, int conn_local_port)
{
	struct http_call *c = clientp;

	if (c->sending != NULL) {
		void (*cb)(void *) = c->sending;

		c->sending = NULL;
		cb(c->data);
	}
	return CURL_PREREQFUNC_OK;
}

static void
sock_closed_cb(uv_handle_t *handle)
{
	struct http_sock *s = handle->data;
	struct http *h = s->h;

	free(s);
	handle_gone(h);
}

static void check_done(struct http *h);

static void
poll_cb(uv_poll_t *poll, int status, int events)
{
	struct http_sock *s = poll->data;
	struct http *h = s->h;
	int flags = 0, running;

	if (status < 0)
		flags = CURL_CSELECT_ERR;
	else {
		if (events & UV_READABLE)
			flags |= CURL_CSELECT_IN;
		if (events & UV_WRITABLE)
			flags |= CURL_CSELECT_OUT;
	}
	curl_multi_socket_action(h->multi, s->fd, flags, &running);
	check_done(h);
}

static void
sock_remove(struct http *h, struct http_sock *s)
{
	if (s->prev != NULL)
		s->prev->next = s->next;
	else
		h->socks = s->next;
	if (s->next != NULL)
		s->next->prev = s->prev;
	uv_poll_stop(&s->poll);
	uv_close((uv_handle_t *)&s->poll, sock_closed_cb);
}

static int
socket_cb(CURL *easy, curl_socket_t fd, int what, void *userp, void *socketp)
{
	struct http *h = userp;
	struct http_sock *s = socketp;
	int events = 0;

	if (what == CURL_POLL_REMOVE) {
		if (s != NULL) {
			curl_multi_assign(h->multi, fd, NULL);
			sock_remove(h, s);
		}
		return 0;
	}
	if (s == NULL) {
		s = calloc(1, sizeof *s);
		if (s == NULL)
			return -1;
		s->fd = fd;
		s->h = h;
		if (uv_poll_init_socket(h->loop, &s->poll, fd) != 0) {
			free(s);
			return -1;
		}
		s->poll.data = s;
		h->handles++;
		s->next = h->socks;
		if (h->socks != NULL)
			h->socks->prev = s;
		h->socks = s;
		curl_multi_assign(h->multi, fd, s);
	}
	if (what & CURL_POLL_IN)
		events |= UV_READABLE;
	if (what & CURL_POLL_OUT)
		events |= UV_WRITABLE;
	uv_poll_start(&s->poll, events, poll_cb);
	return 0;
}

static void
timer_cb(uv_timer_t *timer)
{
	struct http *h = timer->data;
	int running;

	curl_multi_socket_action(h->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	check_done(h);
}

static int
timer_func(CURLM *multi, long timeout_ms, void *userp)
{
	struct http *h = userp;

	if (timeout_ms < 0)
		uv_timer_stop(&h->timer);
	else
		uv_timer_start(&h->timer, timer_cb, (uint64_t)timeout_ms, 0);
	return 0;
}

int
http_new(struct http **out, uv_loop_t *loop, int max_requests,
    long timeout_ms, struct sms_err *err)
{
	struct http *h;

	*out = NULL;
	if (!curl_ready) {
		/* Not thread-safe before 7.84; we call it from the loop
		 * thread before any other curl use. */
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
			return sms_err_set(err, SMS_EIO,
			    _("cannot initialise libcurl"));
		curl_ready = 1;
	}
	h = calloc(1, sizeof *h);
	if (h == NULL)
		return sms_err_set(err, SMS_ENOMEM, _("out of memory"));
	h->loop = loop;
	h->max_requests = max_requests > 0 ? max_requests : 8;
	h->timeout_ms = timeout_ms;
	h->multi = curl_multi_init();
	if (h->multi == NULL) {
		free(h);
		return sms_err_set(err, SMS_ENOMEM, _("out of memory"));
	}
	uv_timer_init(loop, &h->timer);
	h->timer.data = h;
	h->handles = 1;
	curl_multi_setopt(h->multi, CURLMOPT_SOCKETFUNCTION, socket_cb);
	curl_multi_setopt(h->multi, CURLMOPT_SOCKETDATA, h);
	curl_multi_setopt(h->multi, CURLMOPT_TIMERFUNCTION, timer_func);
	curl_multi_setopt(h->multi, CURLMOPT_TIMERDATA, h);
	curl_multi_setopt(h->multi, CURLMOPT_PIPELINING,
	    (long)CURLPIPE_MULTIPLEX);
	curl_multi_setopt(h->multi, CURLMOPT_MAX_HOST_CONNECTIONS,
	    (long)h->max_requests);
	curl_multi_setopt(h->multi, CURLMOPT_MAXCONNECTS,
	    (long)h->max_requests);
	*out = h;
	return 0;
}

static int
call_setup(struct http_call *c, const struct http_req *req)
{
	struct http *h = c->h;
	CURL *e = c->easy;
	struct buf hdr;
	bool post = strcmp(req->method, "POST") == 0;

	curl_easy_setopt(e, CURLOPT_URL, c->url);
	curl_easy_setopt(e, CURLOPT_PRIVATE, c);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, c->errbuf);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, write_cb);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, c);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, header_cb);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, c);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
	/* Verification is curl's default; say so, and never turn it off. */
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(e, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
	curl_easy_setopt(e, CURLOPT_PIPEWAIT, 1L);
	curl_easy_setopt(e, CURLOPT_USERAGENT,
	    PACKAGE_NAME "/" PACKAGE_VERSION);
	curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
	if (h->timeout_ms > 0) {
		curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, h->timeout_ms);
		curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, h->timeout_ms);
	}
	if (c->userpwd != NULL) {
		curl_easy_setopt(e, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		curl_easy_setopt(e, CURLOPT_USERPWD, c->userpwd);
	}
	buf_init(&hdr, 8192);
	if (req->bearer != NULL) {
		if (buf_printf(&hdr, "Authorization: Bearer %s",
		    req->bearer) < 0)
			goto fail;
		c->headers = curl_slist_append(c->headers, hdr.data);
		explicit_bzero(hdr.data, hdr.len);
		buf_reset(&hdr);
		if (c->headers == NULL)
			goto fail;
	}
	if (req->accept != NULL) {
		if (buf_printf(&hdr, "Accept: %s", req->accept) < 0)
			goto fail;
		c->headers = curl_slist_append(c->headers, hdr.data);
		buf_reset(&hdr);
		if (c->headers == NULL)
			goto fail;
	}
	if (req->content_type != NULL) {
		if (buf_printf(&hdr, "Content-Type: %s", req->content_type) < 0)
			goto fail;
		c->headers = curl_slist_append(c->headers, hdr.data);
		buf_reset(&hdr);
		if (c->headers == NULL)
			goto fail;
	}
	if (c->has_body) {
		/* No "Expect: 100-continue" round trip for our small bodies. */
		c->headers = curl_slist_append(c->headers, "Expect:");
		if (c->headers == NULL)
			goto fail;
		if (post)
			curl_easy_setopt(e, CURLOPT_POST, 1L);
		else {
			curl_easy_setopt(e, CURLOPT_UPLOAD, 1L);
			curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST,
			    req->method);
		}
		/* The body goes through read_cb, never CURLOPT_POSTFIELDS:
		 * curl re-sends POSTFIELDS without asking, but must rewind
		 * a read callback first, and seek_cb says no. */
		curl_easy_setopt(e, CURLOPT_READFUNCTION, read_cb);
		curl_easy_setopt(e, CURLOPT_READDATA, c);
		curl_easy_setopt(e, CURLOPT_SEEKFUNCTION, seek_cb);
		curl_easy_setopt(e, CURLOPT_SEEKDATA, c);
		if (post)
			curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE,
			    (curl_off_t)c->body_len);
		else
			curl_easy_setopt(e, CURLOPT_INFILESIZE_LARGE,
			    (curl_off_t)c->body_len);
	} else if (strcmp(req->method, "GET") != 0)
		curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, req->method);
	if (c->headers != NULL)
		curl_easy_setopt(e, CURLOPT_HTTPHEADER, c->headers);
	if (c->sending != NULL) {
		curl_easy_setopt(e, CURLOPT_PREREQFUNCTION, prereq_cb);
		curl_easy_setopt(e, CURLOPT_PREREQDATA, c);
	}
	buf_fini(&hdr);
	return 0;
fail:
	buf_fini(&hdr);
	return SMS_ENOMEM;
}

/* Move waiting calls into curl while there is room. */
static void
start_waiting(struct http *h)
{
	struct http_call *c;

	while (h->waiting.head != NULL &&
	    h->running.n < (size_t)h->max_requests) {
		c = h->waiting.head;
		list_remove(&h->waiting, c);
		list_push(&h->running, c);
		if (curl_multi_add_handle(h->multi, c->easy) != CURLM_OK) {
			/* Report it like any failed transfer. */
			struct http_resp r;

			list_remove(&h->running, c);
			memset(&r, 0, sizeof r);
			r.outcome = HTTP_NOT_SENT;
			r.body = "";
			r.retry_after = -1;
			snprintf(r.error, sizeof r.error,
			    "curl_multi_add_handle failed");
			c->cb(c->data, &r);
			call_free(c);
		}
	}
}

int
http_request(struct http *h, const struct http_req *req, http_done_cb cb,
    void *data, struct sms_err *err)
{
	struct http_call *c;

	if (req->method == NULL || req->url == NULL)
		return sms_err_set(err, SMS_EINVAL, _("bad HTTP request"));
	c = calloc(1, sizeof *c);
	if (c == NULL)
		return sms_err_set(err, SMS_ENOMEM, _("out of memory"));
	c->h = h;
	c->cb = cb;
	c->sending = req->sending;
	c->data = data;
	c->retry_after = -1;
	buf_init(&c->resp, HTTP_BODY_MAX);
	c->url = strdup(req->url);
	if (req->userpwd != NULL)
		c->userpwd = strdup(req->userpwd);
	if (req->body != NULL) {
		c->has_body = true;
		c->body_len = req->body_len;
		c->body = malloc(req->body_len + 1);
		if (c->body != NULL)
			memcpy(c->body, req->body, req->body_len);
	}
	c->easy = curl_easy_init();
	if (c->url == NULL || c->easy == NULL ||
	    (req->userpwd != NULL && c->userpwd == NULL) ||
	    (c->has_body && c->body == NULL) || call_setup(c, req) < 0) {
		call_free(c);
		return sms_err_set(err, SMS_ENOMEM, _("out of memory"));
	}
	list_push(&h->waiting, c);
	start_waiting(h);
	return 0;
}

static enum http_outcome
classify(struct http_call *c, CURLcode rc)
{
	long sent = 0;

	switch (rc) {
	case CURLE_OK:
		return HTTP_REPLY;
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_URL_MALFORMAT:
	case CURLE_COULDNT_RESOLVE_PROXY:
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
		return c->rewind_refused ? HTTP_UNKNOWN : HTTP_NOT_SENT;
	default:
		break;
	}
	if (c->rewind_refused)
		return HTTP_UNKNOWN;
	curl_easy_getinfo(c->easy, CURLINFO_REQUEST_SIZE, &sent);
	return sent == 0 ? HTTP_NOT_SENT : HTTP_UNKNOWN;
}

static void
check_done(struct http *h)
{
	CURLMsg *m;
	int left;

	while ((m = curl_multi_info_read(h->multi, &left)) != NULL) {
		struct http_call *c = NULL;
		struct http_resp r;

		if (m->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE,
		    (char **)&c);
		curl_multi_remove_handle(h->multi, c->easy);
		list_remove(&h->running, c);
		memset(&r, 0, sizeof r);
		r.outcome = classify(c, m->data.result);
		if (r.outcome == HTTP_REPLY)
			curl_easy_getinfo(c->easy, CURLINFO_RESPONSE_CODE,
			    &r.status);
		else
			snprintf(r.error, sizeof r.error, "%s",
			    c->errbuf[0] != '\0' ? c->errbuf :
			    curl_easy_strerror(m->data.result));
		r.body = c->resp.data != NULL ? c->resp.data : "";
		r.len = c->resp.len;
		r.retry_after = c->retry_after;
		r.rewind_refused = c->rewind_refused;
		if (c->rewind_refused)
			log_warn("http: %s: connection died after the request "
			    "was sent; not sending it again", c->url);
		c->cb(c->data, &r);
		call_free(c);
	}
	start_waiting(h);
}

size_t
http_pending(const struct http *h)
{
	return h->waiting.n + h->running.n;
}

bool
http_has_room(const struct http *h)
{
	return h->waiting.n == 0 && h->running.n < (size_t)h->max_requests;
}

static void
timer_closed_cb(uv_handle_t *handle)
{
	handle_gone(handle->data);
}

static void
noop_done(void *data)
{
}

void
http_free(struct http *h, void (*done)(void *), void *data)
{
	struct http_call *c;

	if (h == NULL) {
		if (done != NULL)
			done(data);
		return;
	}
	h->done = done != NULL ? done : noop_done;
	h->done_data = data;
	while ((c = h->running.head) != NULL) {
		list_remove(&h->running, c);
		curl_multi_remove_handle(h->multi, c->easy);
		call_free(c);
	}
	while ((c = h->waiting.head) != NULL) {
		list_remove(&h->waiting, c);
		call_free(c);
	}
	curl_multi_cleanup(h->multi);
	h->multi = NULL;
	while (h->socks != NULL)
		sock_remove(h, h->socks);
	uv_timer_stop(&h->timer);
	uv_close((uv_handle_t *)&h->timer, timer_closed_cb);
}

int
http_url_escape(struct buf *b, const char *s)
{
	char *esc;
	int rc;

	esc = curl_easy_escape(NULL, s, 0);
	if (esc == NULL)
		return SMS_ENOMEM;
	rc = buf_append_str(b, esc);
	curl_free(esc);
	return rc;
}

int
http_form_add(struct buf *b, const char *key, const char *value)
{
	size_t start = b->len;
	int rc;

	rc = b->len > 0 ? buf_append_char(b, '&') : 0;
	if (rc == 0)
		rc = http_url_escape(b, key);
	if (rc == 0)
		rc = buf_append_char(b, '=');
	if (rc == 0)
		rc = http_url_escape(b, value);
	if (rc < 0) {
		b->len = start;
		if (b->data != NULL)
			b->data[start] = '\0';
	}
	return rc;
}

/* "2021-03-15 17:17:03", "2021-03-15T17:17:03Z", "...+05:30": what
 * curl_getdate() does not read. */
static long long
parse_iso(const char *s)
{
	struct tm tm;
	int y, mo, d, h, mi, sec, n = 0, oh = 0, om = 0;
	char sign = 0;
	time_t t;

	memset(&tm, 0, sizeof tm);
	if (sscanf(s, "%4d-%2d-%2d%*1[ T]%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi,
	    &sec, &n) != 6)
		return -1;
	s += n;
	if (*s == '.')
		for (s++; isdigit((unsigned char)*s); s++)
			;
	if (*s == '+' || *s == '-') {
		sign = *s;
		if (sscanf(s + 1, "%2d:%2d", &oh, &om) < 1)
			return -1;
	}
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	t = timegm(&tm);
	if (t == (time_t)-1)
		return -1;
	if (sign == '+')
		t -= oh * 3600 + om * 60;
	else if (sign == '-')
		t += oh * 3600 + om * 60;
	return (long long)t;
}

long long
http_parse_date(const char *s)
{
	time_t t;

	if (s == NULL || *s == '\0')
		return -1;
	t = curl_getdate(s, NULL);
	if (t >= 0)
		return (long long)t;
	return parse_iso(s);
}
