/*
 * Inside provider/: the table of operations a provider fills in, and the
 * state the common backend (provider.c) keeps for every provider.  A new
 * provider is one file defining a struct provider_ops and a backend_ops
 * that points at provider_backend_*().
 */
#ifndef SMS_PROVIDER_PRIVATE_H
#define SMS_PROVIDER_PRIVATE_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "engine/backend.h"
#include "provider/http.h"
#include "provider/webhook.h"
#include "util/buf.h"
#include "util/conf.h"
#include "util/err.h"
#include "util/msg.h"

struct provider;

/* A message as the provider describes it (a list entry, a fetched message,
 * a webhook).  Strings are borrowed for the call they are passed to. */
/* Most MMS attachments noted for a message (Twilio sends at most 10). */
#define PROVIDER_MEDIA_MAX 10

struct provider_message {
	const char *sid;
	bool inbound;
	const char *from;
	const char *to;
	const char *body;
	enum msg_state state;	/* outbound: queued..delivered; inbound:
				 * MSG_RECEIVED */
	int error_code;		/* provider's code, 0 if none */
	const char *error_text;	/* provider's own words, or NULL */
	int64_t created_at;	/* unix seconds, 0 if unknown */
	int64_t sent_at;	/* unix seconds, 0 if unknown */
	int segments;		/* 0 if unknown */
	/* MMS: how many attachments, and (from a webhook) their URLs and
	 * types, or (from a listing) where the provider lists them. */
	int num_media;
	const char *media_url[PROVIDER_MEDIA_MAX];
	const char *media_type[PROVIDER_MEDIA_MAX];
	const char *media_list;	/* a path under api_base, or NULL */
	char scratch[2][64];	/* room for rewritten numbers */
};

/* A failed request, mapped to what the engine and the agent need. */
struct provider_error {
	bool transient;		/* may succeed later */
	bool credentials;	/* the provider refused our credentials */
	bool throttled;		/* too many requests: hold all sending */
	bool opted_out;		/* the recipient opted out at the provider */
	int code;		/* the provider's code, else HTTP status */
	int retry_after;	/* seconds, -1 if not said */
	char text[256];		/* a translated sentence for the agent */
};

/* Which messages to list. */
struct provider_filter {
	const char *to;		/* NULL: any */
	const char *from;	/* NULL: any */
	int64_t since;		/* unix seconds, 0: no lower bound */
	int direction;		/* 0 any, PROVIDER_IN, PROVIDER_OUT */
};

#define PROVIDER_IN 1
#define PROVIDER_OUT 2

/* A request to make: the provider fills method, url, body, content_type;
 * the common code adds authentication. */
struct provider_req {
	const char *method;
	struct buf url;
	struct buf body;
	const char *content_type;
};

/* Called for each message of a list; return < 0 to stop the listing. */
typedef int (*provider_message_cb)(void *data,
    const struct provider_message *m);

/*
 * What a provider fills in.  No operation blocks or does I/O: they build
 * requests and parse replies; provider.c sends them.  Every op returns 0 or
 * a negative enum sms_rc.
 */
struct provider_ops {
	const char *name;		/* "twilio"; also its log prefix */
	const char *default_api_base;	/* "https://api.twilio.com" */

	/* Check the provider's own configuration (p->account, p->from ...
	 * are already read).  May be NULL. */
	int (*check)(struct provider *p, struct sms_err *err);

	/* Build the request creating msg, sent from from (a number) or
	 * through the messaging service when from is NULL. */
	int (*send_req)(struct provider *p, const struct backend_msg *msg,
	    const char *from, struct provider_req *req);
	/* Parse a 2xx reply to send_req: the new message's reference into
	 * ref.  Fails with SMS_EPROTO when the reply makes no sense. */
	int (*parse_send)(struct provider *p, const struct http_resp *r,
	    struct buf *ref);

	/* Build the request fetching one message by its reference. */
	int (*fetch_req)(struct provider *p, const char *ref,
	    struct provider_req *req);
	/* Build the request listing messages matching f, newest first. */
	int (*list_req)(struct provider *p, const struct provider_filter *f,
	    struct provider_req *req);
	/* Build the request for the page after one whose parse returned
	 * next. */
	int (*page_req)(struct provider *p, const char *next,
	    struct provider_req *req);
	/* Parse a 2xx reply to fetch_req, list_req or page_req: call cb for
	 * each message; put the next page's reference in next (left empty
	 * on the last page). */
	int (*parse_list)(struct provider *p, const struct http_resp *r,
	    provider_message_cb cb, void *data, struct buf *next);

	/* Map a reply that is not 2xx to an error. */
	void (*map_error)(struct provider *p, const struct http_resp *r,
	    struct provider_error *out);
	/* Map a message's own error code (delivery failures) to a sentence
	 * and whether sending again might work. */
	void (*map_code)(struct provider *p, int code, const char *text,
	    struct provider_error *out);

	/* Check a webhook's signature against url, the public URL the
	 * provider called.  0 if good; SMS_EPERM with err set if not. */
	int (*verify_webhook)(struct provider *p, const char *url,
	    const struct webhook_req *w, struct sms_err *err);
	/* Parse a webhook: an inbound message (out->inbound) or a status
	 * update.  SMS_EDATA when it is neither. */
	int (*parse_webhook)(struct provider *p, const struct webhook_req *w,
	    struct provider_message *out);
	/* The body and type of a successful webhook answer. */
	const char *webhook_type;
	const char *webhook_body;
};

/* The providers, for their backend_ops and the fuzz target. */
extern const struct provider_ops twilio_ops;
extern const struct provider_ops plivo_ops;

/* The common state of a provider backend; see provider.c. */
struct provider {
	struct backend *b;
	const struct provider_ops *ops;
	uv_loop_t *loop;
	struct http *http;
	struct webhook *webhook;
	char *api_base;		/* no trailing slash */
	char *account;		/* account SID / auth id */
	char *user;		/* Basic user (account or API key) */
	char *secret;		/* auth token or API secret */
	char *sign_key;		/* key for webhook signatures */
	char *from;		/* default sender, or NULL */
	char *msid;		/* messaging service, or NULL */
	char *status_callback;	/* public URL for status callbacks */
	char *webhook_url;	/* public URL for inbound webhooks */
	struct provider_impl *impl;	/* provider.c's own state */
};

/* The common backend, for provider files' backend_ops. */
int provider_backend_open(struct backend *b, uv_loop_t *loop,
    const struct conf *cfg, const struct provider_ops *ops,
    struct sms_err *err);
void provider_backend_close(struct backend *b,
    void (*done)(struct backend *b));
bool provider_backend_ready(struct backend *b);
uint64_t provider_backend_next_ready(struct backend *b);
int provider_backend_submit(struct backend *b, const struct backend_msg *msg,
    struct sms_err *err);
int provider_backend_reconcile(struct backend *b,
    const struct backend_msg *msg, struct sms_err *err);
void provider_backend_health(struct backend *b, struct backend_health *out);
void provider_backend_suspend(struct backend *b);
void provider_backend_resume(struct backend *b);

/* For tests: the webhook listener's port, or -1 when none. */
int provider_backend_webhook_port(struct backend *b);

/* Base64 of the HMAC of data with key (EVP name "SHA1", "SHA256") into
 * out; returns 0 or SMS_EINVAL. */
int provider_hmac_base64(const char *md, const char *key, const void *data,
    size_t len, char *out, size_t outsize);

/* Compare two signatures in constant time. */
bool provider_sig_equal(const char *a, const char *b);

/* The value of form field key in w, or NULL. */
/* page_req for APIs whose next page is a path on api_base ("/2010-04-01/
 * ...?Page=1"): anything else (another host) is refused. */
int provider_page_req_path(struct provider *p, const char *next,
    struct provider_req *req);

/* The string member key of o, or NULL; borrowed from o. */
const char *provider_json_str(json_t *o, const char *key);

/* The integer member key of o, also when sent as a string; 0 if none. */
int provider_json_int(json_t *o, const char *key);

const char *provider_param(const struct webhook_req *w, const char *key);

#endif
