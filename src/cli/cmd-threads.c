#include "config.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmd.h"
#include "cli/print.h"
#include "store/store.h"
#include "store/thread.h"
#include "util/err.h"
#include "util/i18n.h"

#define THREADS_MAX_LIMIT 10000

static void
threads_help(const struct cmd_ctx *ctx)
{
	printf(_("Usage: %s threads [OPTION]...\n"
	    "List conversations, newest activity first.\n\n"), ctx->progname);
	fputs(_("  -u, --unread           only unread conversations\n"
	    "  -a, --archived         only archived conversations\n"
	    "      --all              archived ones too\n"
	    "      --assigned=AGENT   only conversations assigned to AGENT\n"
	    "  -n, --limit=N          at most N conversations (default 50)\n"
	    "      --after=TIME:ID    the page after the row with this "
	    "activity time and id\n"
	    "  -j, --json             print a JSON array\n"
	    "  -h, --help             display this help and exit\n"), stdout);
}

/* Parse a positive count no larger than max; -1 if not one. */
static long
parse_count(const char *s, long max)
{
	char *end;
	long v;

	v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || v <= 0 || v > max)
		return -1;
	return v;
}

static int
print_threads(const struct store_threads *page, bool json)
{
	const struct store_thread *t;
	char when[PRINT_TIME_MAX];
	json_t *a;
	size_t i;

	if (json) {
		if ((a = json_array()) == NULL)
			return SMS_EXIT_SOFTWARE;
		for (i = 0; i < page->n; i++)
			json_array_append_new(a,
			    print_json_thread(&page->v[i]));
		return print_json(a);
	}
	for (i = 0; i < page->n; i++) {
		t = &page->v[i];
		printf("%s ", print_time(t->last_activity, when));
		if (t->unread > 0)
			printf("%3d ", t->unread);
		else
			fputs("    ", stdout);
		print_padded(stdout, t->contact_name != NULL &&
		    t->contact_name[0] != '\0' ? t->contact_name : t->peer, 22);
		fputs(t->archived ? " A " : "   ", stdout);
		if (t->last_dir == MSG_OUT)
			fputs("> ", stdout);
		if (t->last_dir == MSG_OUT && (t->last_state == MSG_FAILED ||
		    t->last_state == MSG_UNDELIVERED))
			printf("[%s] ", msg_state_label(t->last_state));
		print_text(stdout, t->last_body, 48, NULL);
		fputc('\n', stdout);
	}
	return fflush(stdout) == 0 ? 0 : SMS_EXIT_IOERR;
}

static int
cmd_threads_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "unread", no_argument, NULL, 'u' },
		{ "archived", no_argument, NULL, 'a' },
		{ "all", no_argument, NULL, 'A' },
		{ "assigned", required_argument, NULL, 'S' },
		{ "limit", required_argument, NULL, 'n' },
		{ "after", required_argument, NULL, 'F' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct store_thread_query q;
	struct store_threads page;
	struct sms_err err;
	struct store *st;
	long limit = 50;
	bool json = false;
	char extra;
	int opt, rc;

	memset(&q, 0, sizeof q);
	optind = 0;
	while ((opt = getopt_long(argc, argv, "+uan:jh", longopts, NULL)) !=
	    -1) {
		switch (opt) {
		case 'u':
			q.filter = STORE_THREADS_UNREAD;
			break;
		case 'a':
			q.filter = STORE_THREADS_ARCHIVED;
			break;
		case 'A':
			q.filter = STORE_THREADS_ALL;
			break;
		case 'S':
			q.filter = STORE_THREADS_ASSIGNED;
			q.assigned = optarg;
			break;
		case 'n':
			if ((limit = parse_count(optarg, THREADS_MAX_LIMIT)) < 0)
				return cmd_usage_error(ctx, "threads",
				    _("--limit wants a number from 1 to %d"),
				    THREADS_MAX_LIMIT);
			break;
		case 'F':
			if (sscanf(optarg, "%" SCNd64 ":%" SCNd64 "%c",
			    &q.after_activity, &q.after_id, &extra) != 2 ||
			    q.after_id <= 0)
				return cmd_usage_error(ctx, "threads",
				    _("--after wants TIME:ID, as printed "
				    "after a full page"));
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			threads_help(ctx);
			return 0;
		default:
			return cmd_try_help(ctx, "threads");
		}
	}
	if (optind < argc)
		return cmd_usage_error(ctx, "threads",
		    _("unexpected argument \"%s\""), argv[optind]);
	if ((rc = cmd_ctx_store(ctx, &st)) != 0)
		return rc;
	q.limit = (size_t)limit;
	sms_err_clear(&err);
	if ((rc = store_thread_page(st, &q, &page, &err)) < 0) {
		cmd_error(ctx, "%s", err.msg);
		return sms_rc_exit(rc);
	}
	rc = print_threads(&page, json);
	if (!json && page.n == (size_t)limit)
		fprintf(stderr, _("More: %s threads --after=%" PRId64 ":%" PRId64
		    "\n"), ctx->progname, page.v[page.n - 1].last_activity,
		    page.v[page.n - 1].id);
	store_threads_fini(&page);
	return rc;
}

const struct cmd_entry cmd_threads_entry = {
	"threads",
	N_("list conversations, newest first"),
	cmd_threads_exec,
};
