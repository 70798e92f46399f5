/*
 * The HTTP client: libcurl's multi *socket* interface on the process's libuv
 * loop (the only libcurl user).  Connections are kept alive and reused,
 * HTTP/2 is used when the server offers it, at most max_requests transfers
 * run at once (more wait in a FIFO), TLS peers are always verified, and
 * proxies come from the environment as curl reads them.
 *
 * Requests with a body are "unsafe": libcurl 7.88 silently re-sends a
 * request when a reused keep-alive connection dies before any reply
 * (Curl_retry_request).  We hand the body through a read callback whose
 * seek callback refuses to rewind, so such a re-send fails the transfer
 * instead, reported as HTTP_UNKNOWN: the caller must find out whether the
 * server acted on it before sending again.
 */
#ifndef SMS_PROVIDER_HTTP_H
#define SMS_PROVIDER_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include <uv.h>

#include "util/buf.h"
#include "util/err.h"

struct http;

/* How a transfer ended. */
enum http_outcome {
	HTTP_REPLY = 0,		/* a complete reply arrived (any status) */
	HTTP_NOT_SENT,		/* failed before the request left: safe to
				 * send again */
	HTTP_UNKNOWN,		/* the request may have reached the server
				 * and no reply came (reset, timeout, a
				 * refused re-send) */
};

/* The most bytes of a reply body we keep. */
#define HTTP_BODY_MAX (4 * 1024 * 1024)

struct http_resp {
	enum http_outcome outcome;
	long status;		/* HTTP status, 0 without a reply */
	const char *body;	/* NUL-terminated, "" when none; borrowed */
	size_t len;
	int retry_after;	/* seconds from Retry-After, -1 if absent */
	bool rewind_refused;	/* curl tried to re-send the body */
	char error[256];	/* what went wrong, English, for the log */
};

/* Called once per request when it ends; resp is borrowed for the call. */
typedef void (*http_done_cb)(void *data, const struct http_resp *resp);

/* One request to make.  Every string is copied by http_request(). */
struct http_req {
	const char *method;		/* "GET" or "POST" */
	const char *url;
	const char *userpwd;		/* "user:password" for Basic, or NULL */
	const char *bearer;		/* a bearer token, or NULL */
	const char *content_type;	/* of body, or NULL */
	const char *body;		/* NULL for none */
	size_t body_len;
	const char *accept;		/* Accept header, or NULL */
	/* Called with the request's data once, when the request is about
	 * to leave (connected, before the first byte); may be NULL. */
	void (*sending)(void *data);
};

/*
 * Create a client on loop running at most max_requests transfers at once,
 * each limited to timeout_ms (0: none).  Free with http_free().
 */
int http_new(struct http **out, uv_loop_t *loop, int max_requests,
    long timeout_ms, struct sms_err *err);

/*
 * Start req; cb is called later from the loop, never from inside this call.
 * Requests above max_requests wait their turn.  Fails only when out of
 * memory or when req is malformed.
 */
int http_request(struct http *h, const struct http_req *req, http_done_cb cb,
    void *data, struct sms_err *err);

/* Transfers running or waiting. */
size_t http_pending(const struct http *h);

/* Whether another request would run at once rather than wait. */
bool http_has_room(const struct http *h);

/*
 * Abort every transfer (their callbacks are not called), close the loop
 * handles and free h; done(data) is called once everything is closed.
 * done may be NULL.
 */
void http_free(struct http *h, void (*done)(void *), void *data);

/* Append key=value to an application/x-www-form-urlencoded body, with "&"
 * between pairs. */
int http_form_add(struct buf *b, const char *key, const char *value);

/* Seconds since the epoch of an HTTP or RFC 2822 date ("Fri, 24 May 2019
 * 17:44:46 +0000") or ISO 8601 ("2019-05-24 17:44:46"), or -1. */
long long http_parse_date(const char *s);

/* Append s percent-encoded (for a URL query) to b. */
int http_url_escape(struct buf *b, const char *s);

#endif
