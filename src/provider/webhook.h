/*
 * The webhook listener: libmicrohttpd with its own epoll fd and no threads
 * (MHD_USE_EPOLL), one uv_poll_t on that fd and one timer from
 * MHD_get_timeout().  It collects a request's form fields and hands the
 * whole request to one callback, which answers synchronously.
 */
#ifndef SMS_PROVIDER_WEBHOOK_H
#define SMS_PROVIDER_WEBHOOK_H

#include <stddef.h>

#include <uv.h>

#include "util/err.h"

struct webhook;

/* The most form fields and body bytes one request may carry. */
#define WEBHOOK_PARAMS_MAX 128
#define WEBHOOK_BODY_MAX (64 * 1024)

struct webhook_param {
	char *key;
	char *value;
};

/* A request, borrowed for the callback. */
struct webhook_req {
	const char *method;
	const char *path;		/* the path, without the query */
	const char *query;		/* after '?', "" when none */
	const struct webhook_param *params;	/* urlencoded form fields */
	size_t n_params;
	const char *body;		/* raw body, NUL-terminated */
	size_t body_len;
	void *conn;			/* for webhook_header() */
};

/* The answer, filled in by the callback; strings must live until the
 * callback returns (they are copied). */
struct webhook_reply {
	unsigned status;
	const char *content_type;
	const char *body;
};

typedef void (*webhook_cb)(void *data, const struct webhook_req *req,
    struct webhook_reply *reply);

/*
 * Listen on listen ("host:port", "[v6]:port" or a bare port meaning
 * 127.0.0.1:port) and call cb for each complete request.
 */
int webhook_start(struct webhook **out, uv_loop_t *loop, const char *listen,
    webhook_cb cb, void *data, struct sms_err *err);

/* The port listened on (useful after asking for port 0). */
int webhook_port(const struct webhook *w);

/* A request header's value, or NULL. */
const char *webhook_header(const struct webhook_req *req, const char *name);

/* Stop listening, close handles, free w; done(data) once closed (may be
 * NULL). */
void webhook_stop(struct webhook *w, void (*done)(void *), void *data);

#endif
