#include "config.h"

#include "provider/webhook.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>

#include "util/buf.h"
#include "util/i18n.h"
#include "util/log.h"

struct webhook {
	uv_loop_t *loop;
	struct MHD_Daemon *d;
	uv_poll_t poll;
	uv_timer_t timer;
	webhook_cb cb;
	void *data;
	int port;
	int handles;
	void (*done)(void *);
	void *done_data;
};

/* One connection's request while it arrives. */
struct webhook_conn {
	char *uri;			/* raw, with the query */
	bool started;
	bool too_big;
	struct buf body;
	struct webhook_param params[WEBHOOK_PARAMS_MAX];
	size_t n_params;
};

static void
conn_free(struct webhook_conn *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->n_params; i++) {
		free(c->params[i].key);
		free(c->params[i].value);
	}
	free(c->uri);
	buf_fini(&c->body);
	free(c);
}

static void *
uri_cb(void *cls, const char *uri, struct MHD_Connection *conn)
{
	struct webhook_conn *c = calloc(1, sizeof *c);

	if (c == NULL)
		return NULL;
	buf_init(&c->body, WEBHOOK_BODY_MAX);
	c->uri = strdup(uri != NULL ? uri : "/");
	return c;
}

static void
completed_cb(void *cls, struct MHD_Connection *conn, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	conn_free(*con_cls);
	*con_cls = NULL;
}

/* The post processor hands values in pieces; join them per field. */
static enum MHD_Result
post_cb(void *cls, enum MHD_ValueKind kind, const char *key,
    const char *filename, const char *content_type,
    const char *transfer_encoding, const char *data, uint64_t off,
    size_t size)
{
	struct webhook_conn *c = cls;
	struct webhook_param *p;
	char *v;
	size_t have;

	if (off > 0 && c->n_params > 0 &&
	    strcmp(c->params[c->n_params - 1].key, key) == 0) {
		p = &c->params[c->n_params - 1];
		have = strlen(p->value);
		v = realloc(p->value, have + size + 1);
		if (v == NULL)
			return MHD_NO;
		memcpy(v + have, data, size);
		v[have + size] = '\0';
		p->value = v;
		return MHD_YES;
	}
	if (c->n_params >= WEBHOOK_PARAMS_MAX) {
		c->too_big = true;
		return MHD_NO;
	}
	p = &c->params[c->n_params];
	p->key = strdup(key);
	p->value = malloc(size + 1);
	if (p->key == NULL || p->value == NULL) {
		free(p->key);
		free(p->value);
		return MHD_NO;
	}
	memcpy(p->value, data, size);
	p->value[size] = '\0';
	c->n_params++;
	return MHD_YES;
}

static enum MHD_Result
answer(struct MHD_Connection *conn, unsigned status, const char *type,
    const char *body)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	r = MHD_create_response_from_buffer(strlen(body), (void *)body,
	    MHD_RESPMEM_MUST_COPY);
	if (r == NULL)
		return MHD_NO;
	if (type != NULL)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	ret = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result
access_cb(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_data_size, void **con_cls)
{
	struct webhook *w = cls;
	struct webhook_conn *c = *con_cls;
	struct webhook_req req;
	struct webhook_reply reply;
	struct MHD_PostProcessor *pp;
	const char *q;

	if (c == NULL)
		return MHD_NO;
	if (!c->started) {
		c->started = true;
		return MHD_YES;
	}
	if (*upload_data_size > 0) {
		if (buf_append(&c->body, upload_data, *upload_data_size) < 0)
			c->too_big = true;
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (c->too_big)
		return answer(conn, 413, "text/plain",
		    "");
	if (c->body.len > 0) {
		pp = MHD_create_post_processor(conn, 16 * 1024, post_cb, c);
		if (pp != NULL) {
			if (MHD_post_process(pp, c->body.data, c->body.len) !=
			    MHD_YES)
				c->too_big = c->too_big ||
				    c->n_params >= WEBHOOK_PARAMS_MAX;
			MHD_destroy_post_processor(pp);
		}
		if (c->too_big)
			return answer(conn, 413,
			    "text/plain", "");
	}
	memset(&req, 0, sizeof req);
	memset(&reply, 0, sizeof reply);
	req.method = method;
	req.path = url;
	q = strchr(c->uri, '?');
	req.query = q != NULL ? q + 1 : "";
	req.params = c->params;
	req.n_params = c->n_params;
	req.body = c->body.data != NULL ? c->body.data : "";
	req.body_len = c->body.len;
	req.conn = conn;
	reply.status = 500;
	reply.body = "";
	w->cb(w->data, &req, &reply);
	return answer(conn, reply.status, reply.content_type,
	    reply.body != NULL ? reply.body : "");
}

const char *
webhook_header(const struct webhook_req *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

static void run(struct webhook *w);

static void
timer_cb(uv_timer_t *t)
{
	run(t->data);
}

static void
poll_cb(uv_poll_t *p, int status, int events)
{
	run(p->data);
}

/* Let MHD work, then wait for its epoll fd or its next timeout. */
static void
run(struct webhook *w)
{
	MHD_UNSIGNED_LONG_LONG ms;

	MHD_run(w->d);
	if (MHD_get_timeout(w->d, &ms) == MHD_YES)
		uv_timer_start(&w->timer, timer_cb, (uint64_t)ms, 0);
	else
		uv_timer_stop(&w->timer);
}

/* Parse "host:port", "[v6]:port" or "port" (host 127.0.0.1). */
static int
parse_listen(const char *listen, struct sockaddr_storage *ss,
    struct sms_err *err)
{
	char host[128];
	const char *colon, *port;
	char *end;
	long n;
	int rc;

	if (listen[0] == '[') {
		colon = strstr(listen, "]:");
		if (colon == NULL ||
		    (size_t)(colon - listen - 1) >= sizeof host)
			goto bad;
		memcpy(host, listen + 1, (size_t)(colon - listen - 1));
		host[colon - listen - 1] = '\0';
		port = colon + 2;
	} else if ((colon = strrchr(listen, ':')) != NULL) {
		if ((size_t)(colon - listen) >= sizeof host)
			goto bad;
		memcpy(host, listen, (size_t)(colon - listen));
		host[colon - listen] = '\0';
		port = colon + 1;
	} else {
		snprintf(host, sizeof host, "127.0.0.1");
		port = listen;
	}
	n = strtol(port, &end, 10);
	if (*port == '\0' || *end != '\0' || n < 0 || n > 65535)
		goto bad;
	if (strchr(host, ':') != NULL)
		rc = uv_ip6_addr(host, (int)n, (struct sockaddr_in6 *)ss);
	else
		rc = uv_ip4_addr(host, (int)n, (struct sockaddr_in *)ss);
	if (rc != 0)
		goto bad;
	return 0;
bad:
	return sms_err_set(err, SMS_ECONFIG, _("\"%s\" is not an address and "
	    "port such as 127.0.0.1:8080"), listen);
}

int
webhook_start(struct webhook **out, uv_loop_t *loop, const char *listen,
    webhook_cb cb, void *data, struct sms_err *err)
{
	struct webhook *w;
	struct sockaddr_storage ss;
	const union MHD_DaemonInfo *info;
	unsigned flags = MHD_USE_EPOLL;
	int rc, fd;

	*out = NULL;
	memset(&ss, 0, sizeof ss);
	if ((rc = parse_listen(listen, &ss, err)) < 0)
		return rc;
	w = calloc(1, sizeof *w);
	if (w == NULL)
		return sms_err_set(err, SMS_ENOMEM, _("out of memory"));
	w->loop = loop;
	w->cb = cb;
	w->data = data;
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	w->d = MHD_start_daemon(flags, 0, NULL, NULL, access_cb, w,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)64,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)10,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024),
	    MHD_OPTION_URI_LOG_CALLBACK, uri_cb, w,
	    MHD_OPTION_NOTIFY_COMPLETED, completed_cb, w,
	    MHD_OPTION_END);
	if (w->d == NULL) {
		free(w);
		return sms_err_set(err, SMS_EIO,
		    _("cannot listen for webhooks on %s"), listen);
	}
	info = MHD_get_daemon_info(w->d, MHD_DAEMON_INFO_EPOLL_FD);
	fd = info != NULL ? info->epoll_fd : -1;
	info = MHD_get_daemon_info(w->d, MHD_DAEMON_INFO_BIND_PORT);
	w->port = info != NULL ? info->port : -1;
	if (fd < 0 || uv_poll_init(loop, &w->poll, fd) != 0) {
		MHD_stop_daemon(w->d);
		free(w);
		return sms_err_set(err, SMS_EIO,
		    _("cannot watch the webhook listener"));
	}
	w->poll.data = w;
	uv_timer_init(loop, &w->timer);
	w->timer.data = w;
	w->handles = 2;
	uv_poll_start(&w->poll, UV_READABLE, poll_cb);
	log_info("webhook: listening on %s (port %d)", listen, w->port);
	*out = w;
	return 0;
}

int
webhook_port(const struct webhook *w)
{
	return w->port;
}

static void
closed_cb(uv_handle_t *h)
{
	struct webhook *w = h->data;

	if (--w->handles > 0)
		return;
	MHD_stop_daemon(w->d);
	if (w->done != NULL)
		w->done(w->done_data);
	free(w);
}

void
webhook_stop(struct webhook *w, void (*done)(void *), void *data)
{
	if (w == NULL) {
		if (done != NULL)
			done(data);
		return;
	}
	w->done = done;
	w->done_data = data;
	uv_poll_stop(&w->poll);
	uv_close((uv_handle_t *)&w->poll, closed_cb);
	uv_close((uv_handle_t *)&w->timer, closed_cb);
}
