/*
 * Fuzz target for what a provider, or someone posing as one, sends us:
 * webhook form fields (inbound messages, status callbacks) and the JSON
 * bodies of API replies.  The first byte picks the provider (bit 0:
 * Twilio, Plivo) and what the rest is (bits 1-2): form fields
 * "key=value&..." for parse_webhook, or a reply body for parse_list,
 * parse_send and map_error.  The fields arrive here already URL-decoded,
 * as libmicrohttpd hands them over; signatures need the request's headers
 * and are tested through the real listener (test-provider-webhook).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "provider/private.h"
#include "util/buf.h"

const char fuzz_seed_dir[] = "tests/data/webhook";

static int
count_message(void *data, const struct provider_message *m)
{
	size_t *n = data;

	*n += (m->sid != NULL) + (m->body != NULL) + (m->from != NULL);
	return 0;
}

/* Split text ("a=1&b=2") into w's params, in place. */
static void
split_form(char *text, struct webhook_param *params, struct webhook_req *w)
{
	char *p = text, *amp, *eq;

	w->n_params = 0;
	while (*p != '\0' && w->n_params < WEBHOOK_PARAMS_MAX) {
		if ((amp = strchr(p, '&')) != NULL)
			*amp = '\0';
		params[w->n_params].key = p;
		if ((eq = strchr(p, '=')) != NULL) {
			*eq = '\0';
			params[w->n_params].value = eq + 1;
		} else
			params[w->n_params].value = "";
		w->n_params++;
		if (amp == NULL)
			break;
		p = amp + 1;
	}
	w->params = params;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct webhook_param params[WEBHOOK_PARAMS_MAX];
	struct backend b = { .name = "tw", .section = "backend.tw" };
	struct provider p;
	struct provider_message m;
	struct provider_error perr;
	struct webhook_req w;
	struct http_resp r;
	struct buf next, ref;
	size_t n = 0;
	char *text;

	if (size == 0 || size > WEBHOOK_BODY_MAX)
		return 0;
	if ((text = malloc(size)) == NULL)
		return 0;
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	memset(&p, 0, sizeof p);
	p.b = &b;	/* as the engine sets it: sentences name the section */
	p.ops = (data[0] & 1) ? &plivo_ops : &twilio_ops;
	p.account = "AC0123456789abcdef0123456789abcdef";
	p.secret = p.sign_key = "secret";
	p.api_base = "https://api.example";
	memset(&r, 0, sizeof r);
	r.outcome = HTTP_REPLY;
	r.body = text;
	r.len = strlen(text);
	r.retry_after = -1;
	buf_init(&next, 4096);
	buf_init(&ref, 256);
	switch ((data[0] >> 1) & 3) {
	case 0:
		memset(&w, 0, sizeof w);
		w.method = "POST";
		w.path = "/webhook";
		w.query = "";
		w.body = "";
		split_form(text, params, &w);
		(void)p.ops->parse_webhook(&p, &w, &m);
		break;
	case 1:
		r.status = 200;
		(void)p.ops->parse_list(&p, &r, count_message, &n, &next);
		break;
	case 2:
		r.status = 201;
		(void)p.ops->parse_send(&p, &r, &ref);
		break;
	default:
		r.status = 400 + (data[0] >> 3);
		memset(&perr, 0, sizeof perr);
		p.ops->map_error(&p, &r, &perr);
		break;
	}
	buf_fini(&next);
	buf_fini(&ref);
	free(text);
	return 0;
}
