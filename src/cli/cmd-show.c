#include "config.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmd.h"
#include "cli/print.h"
#include "store/message.h"
#include "store/store.h"
#include "store/thread.h"
#include "util/err.h"
#include "util/i18n.h"

#define SHOW_MAX_LIMIT 100000

static void
show_help(const struct cmd_ctx *ctx)
{
	printf(_("Usage: %s show [OPTION]... PEER|CONTACT\n"
	    "Show a conversation, oldest message first: the last 100 "
	    "messages, or a page\nbefore --before.  PEER is a number in any "
	    "form or a sender name; CONTACT\nthe start of a contact's "
	    "name.\n\n"), ctx->progname);
	fputs(_("  -n, --limit=N      at most N messages (default 100)\n"
	    "      --before=ID    the messages before message ID\n"
	    "  -j, --json         print a JSON array, one object per "
	    "message\n"
	    "  -h, --help         display this help and exit\n"), stdout);
}

static int
cmd_show_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "limit", required_argument, NULL, 'n' },
		{ "before", required_argument, NULL, 'B' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct store_messages page;
	struct store_thread t;
	struct sms_err err;
	struct store *st;
	int64_t tid, before = 0;
	long limit = 100;
	bool json = false;
	char *end;
	json_t *a;
	size_t i;
	int opt, rc;

	optind = 0;
	while ((opt = getopt_long(argc, argv, "+n:jh", longopts, NULL)) !=
	    -1) {
		switch (opt) {
		case 'n':
			limit = strtol(optarg, &end, 10);
			if (*end != '\0' || limit <= 0 ||
			    limit > SHOW_MAX_LIMIT)
				return cmd_usage_error(ctx, "show",
				    _("--limit wants a number from 1 to %d"),
				    SHOW_MAX_LIMIT);
			break;
		case 'B':
			before = strtoll(optarg, &end, 10);
			if (*end != '\0' || before <= 0)
				return cmd_usage_error(ctx, "show",
				    _("--before wants a message id"));
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			show_help(ctx);
			return 0;
		default:
			return cmd_try_help(ctx, "show");
		}
	}
	if (argc - optind != 1)
		return cmd_usage_error(ctx, "show",
		    _("expected one number or contact name"));
	if ((rc = cmd_ctx_store(ctx, &st)) != 0)
		return rc;
	sms_err_clear(&err);
	if ((rc = store_thread_find(st, argv[optind], &tid, &err)) < 0 ||
	    (rc = store_thread_get(st, tid, &t, &err)) < 0) {
		cmd_error(ctx, "%s", err.msg);
		return rc == SMS_ENOENT ? SMS_EXIT_NOINPUT : sms_rc_exit(rc);
	}
	if ((rc = store_message_page(st, tid, before, (size_t)limit, &page,
	    &err)) < 0) {
		store_thread_fini(&t);
		cmd_error(ctx, "%s", err.msg);
		return sms_rc_exit(rc);
	}
	if (json) {
		if ((a = json_array()) == NULL) {
			rc = SMS_EXIT_SOFTWARE;
			goto out;
		}
		for (i = 0; i < page.n; i++)
			json_array_append_new(a, print_json_message(&page.v[i]));
		rc = print_json(a);
		goto out;
	}
	if (t.contact_name != NULL && t.contact_name[0] != '\0') {
		print_text(stdout, t.contact_name, 60, NULL);
		printf(" <%s>", t.peer);
	} else
		print_text(stdout, t.peer, 60, NULL);
	if (t.opted_out)
		fputs(_("  (opted out)"), stdout);
	fputc('\n', stdout);
	for (i = 0; i < page.n; i++)
		print_message_line(stdout, &page.v[i]);
	rc = fflush(stdout) == 0 ? 0 : SMS_EXIT_IOERR;
	if (page.n == (size_t)limit)
		fprintf(stderr, _("Older: %s show %s --before=%" PRId64 "\n"),
		    ctx->progname, t.peer, page.v[0].id);
out:
	store_messages_fini(&page);
	store_thread_fini(&t);
	return rc;
}

const struct cmd_entry cmd_show_entry = {
	"show",
	N_("show a conversation"),
	cmd_show_exec,
};
