#include "config.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmd.h"
#include "cli/print.h"
#include "store/contact.h"
#include "store/search.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/i18n.h"

#define SEARCH_MAX_LIMIT 10000
#define SEARCH_QUERY_MAX 4096

static void
search_help(const struct cmd_ctx *ctx)
{
	printf(_("Usage: %s search [OPTION]... QUERY...\n"
	    "Search message texts, newest first, and contact names.  QUERY "
	    "is full-text\nsyntax: words (all must match), \"a phrase\", "
	    "prefix*, OR, NOT, NEAR(a b).\nAccents and case do not matter.\n\n"),
	    ctx->progname);
	fputs(_("  -n, --limit=N      at most N messages (default 50)\n"
	    "      --before=ID    the hits older than message ID\n"
	    "  -j, --json         print a JSON object with \"contacts\" and "
	    "\"messages\"\n"
	    "  -h, --help         display this help and exit\n"), stdout);
}

/* A snippet with the match marks shown as [ ] (text) or kept (JSON). */
static void
print_snippet(const char *s)
{
	struct buf b;

	buf_init(&b, 4096);
	for (; *s != '\0'; s++) {
		if (*s == STORE_HIT_OPEN[0])
			buf_append_char(&b, '[');
		else if (*s == STORE_HIT_CLOSE[0])
			buf_append_char(&b, ']');
		else
			buf_append_char(&b, *s);
	}
	print_text(stdout, b.data, 0, NULL);
	buf_fini(&b);
}

/* query's words each as a quoted phrase ("+36" -> "\"+36\""), for a
 * query full-text syntax cannot parse. */
static int
quote_words(const char *query, struct buf *b)
{
	const char *p = query, *end;

	while (*p != '\0') {
		p += strspn(p, " \t");
		if (*p == '\0')
			break;
		end = p + strcspn(p, " \t");
		if ((b->len > 0 && buf_append_char(b, ' ') < 0) ||
		    buf_append_char(b, '"') < 0)
			return -1;
		for (; p < end; p++)
			if ((*p == '"' && buf_append_char(b, '"') < 0) ||
			    buf_append_char(b, *p) < 0)
				return -1;
		if (buf_append_char(b, '"') < 0)
			return -1;
	}
	return 0;
}

static int
print_hits(const struct store_contacts *cs, const struct store_hits *hits,
    bool json)
{
	char when[PRINT_TIME_MAX];
	const struct store_hit *h;
	json_t *jc, *jm;
	size_t i, k;

	if (json) {
		jc = json_array();
		jm = json_array();
		for (i = 0; jc != NULL && i < cs->n; i++)
			json_array_append_new(jc,
			    print_json_contact(&cs->v[i]));
		for (i = 0; jm != NULL && i < hits->n; i++) {
			h = &hits->v[i];
			json_array_append_new(jm, json_pack("{s:I, s:I, s:s,"
			    " s:o, s:s, s:s, s:o, s:s}",
			    "message_id", (json_int_t)h->message_id,
			    "thread_id", (json_int_t)h->thread_id,
			    "peer", h->peer,
			    "contact", h->contact_name != NULL ?
			    json_string(h->contact_name) : json_null(),
			    "direction", h->dir == MSG_OUT ? "out" : "in",
			    "state", msg_state_name(h->state),
			    "created_at", print_json_time(h->created_at),
			    "snippet", h->snippet != NULL ? h->snippet : ""));
		}
		return print_json(json_pack("{s:o, s:o}", "contacts", jc,
		    "messages", jm));
	}
	if (cs->n > 0) {
		fputs(_("Contacts:\n"), stdout);
		for (i = 0; i < cs->n; i++) {
			fputs("  ", stdout);
			print_padded(stdout, cs->v[i].name, 28);
			for (k = 0; k < cs->v[i].numbers.n; k++)
				printf(" %s", cs->v[i].numbers.v[k]);
			fputc('\n', stdout);
		}
		if (hits->n > 0)
			fputs(_("Messages:\n"), stdout);
	}
	for (i = 0; i < hits->n; i++) {
		h = &hits->v[i];
		printf("%s ", print_time(h->created_at, when));
		print_padded(stdout, h->contact_name != NULL &&
		    h->contact_name[0] != '\0' ? h->contact_name : h->peer, 20);
		printf(" %s ", h->dir == MSG_OUT ? ">" : "<");
		if (h->snippet != NULL)
			print_snippet(h->snippet);
		printf("  #%" PRId64 "\n", h->message_id);
	}
	return fflush(stdout) == 0 ? 0 : SMS_EXIT_IOERR;
}

static int
cmd_search_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "limit", required_argument, NULL, 'n' },
		{ "before", required_argument, NULL, 'B' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct store_contacts cs = { NULL, 0 };
	struct store_hits hits = { NULL, 0 };
	struct sms_err err;
	struct store *st;
	struct buf q;
	int64_t before = 0;
	long limit = 50;
	bool json = false;
	char *end;
	int opt, rc, i;

	optind = 0;
	while ((opt = getopt_long(argc, argv, "+n:jh", longopts, NULL)) !=
	    -1) {
		switch (opt) {
		case 'n':
			limit = strtol(optarg, &end, 10);
			if (*end != '\0' || limit <= 0 ||
			    limit > SEARCH_MAX_LIMIT)
				return cmd_usage_error(ctx, "search",
				    _("--limit wants a number from 1 to %d"),
				    SEARCH_MAX_LIMIT);
			break;
		case 'B':
			before = strtoll(optarg, &end, 10);
			if (*end != '\0' || before <= 0)
				return cmd_usage_error(ctx, "search",
				    _("--before wants a message id"));
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			search_help(ctx);
			return 0;
		default:
			return cmd_try_help(ctx, "search");
		}
	}
	if (optind == argc)
		return cmd_usage_error(ctx, "search", _("nothing to search "
		    "for"));
	buf_init(&q, SEARCH_QUERY_MAX);
	for (i = optind; i < argc; i++)
		if ((i > optind && buf_append_char(&q, ' ') < 0) ||
		    buf_append_str(&q, argv[i]) < 0) {
			buf_fini(&q);
			return cmd_usage_error(ctx, "search",
			    _("the query is longer than %d bytes"),
			    SEARCH_QUERY_MAX);
		}
	if ((rc = cmd_ctx_store(ctx, &st)) != 0)
		goto out;
	sms_err_clear(&err);
	rc = store_search(st, q.data, before, (size_t)limit, &hits, &err);
	if (rc == SMS_EDATA) {
		struct buf plain;

		/* Not full-text syntax ("+36", "AND"): the words as they
		 * are, and say so. */
		buf_init(&plain, SEARCH_QUERY_MAX * 2);
		if (quote_words(q.data, &plain) == 0 && plain.len > 0) {
			fprintf(stderr, _("%s: %s; searching for the words as "
			    "they are\n"), ctx->progname, err.msg);
			sms_err_clear(&err);
			rc = store_search(st, plain.data, before,
			    (size_t)limit, &hits, &err);
		}
		buf_fini(&plain);
	}
	if (rc < 0 ||
	    (before == 0 && (rc = store_contact_list(st, q.data, 0, 20, &cs,
	    &err)) < 0)) {
		cmd_error(ctx, "%s", err.msg);
		rc = sms_rc_exit(rc);
		goto out;
	}
	rc = print_hits(&cs, &hits, json);
	if (!json && hits.n == (size_t)limit)
		fprintf(stderr, _("More: %s search --before=%" PRId64 " ...\n"),
		    ctx->progname, hits.v[hits.n - 1].message_id);
out:
	store_contacts_fini(&cs);
	store_hits_fini(&hits);
	buf_fini(&q);
	return rc;
}

const struct cmd_entry cmd_search_entry = {
	"search",
	N_("search messages and contacts"),
	cmd_search_exec,
};
