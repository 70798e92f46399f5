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
#include "util/loop.h"
#include "util/xalloc.h"

#define EXPORT_PAGE 1000

static void
export_help(const struct cmd_ctx *ctx)
{
	printf(_("Usage: %s export [--json|--text] PEER|CONTACT\n"
	    "Write a whole conversation to standard output, oldest message "
	    "first, to\narchive it.\n\n"), ctx->progname);
	fputs(_("  -j, --json    one JSON object: the peer, the contact and "
	    "every message\n"
	    "  -t, --text    readable text (the default)\n"
	    "  -h, --help    display this help and exit\n"), stdout);
}

/* Every message of thread tid as pages, newest page first. */
static int
load_all(struct store *st, int64_t tid, struct store_messages **pages,
    size_t *npages, struct sms_err *err)
{
	struct store_messages page;
	int64_t before = 0;
	int rc;

	*pages = NULL;
	*npages = 0;
	for (;;) {
		if ((rc = store_message_page(st, tid, before, EXPORT_PAGE,
		    &page, err)) < 0)
			return rc;
		if (page.n == 0)
			return 0;
		*pages = xrealloc(*pages, (*npages + 1) * sizeof **pages);
		(*pages)[(*npages)++] = page;
		before = page.v[0].id;
		if (page.n < EXPORT_PAGE)
			return 0;
	}
}

static int
write_json(const struct store_thread *t, struct store_messages *pages,
    size_t npages)
{
	json_t *o, *a;
	size_t p, i;

	if ((a = json_array()) == NULL)
		return SMS_EXIT_SOFTWARE;
	for (p = npages; p-- > 0;)
		for (i = 0; i < pages[p].n; i++)
			json_array_append_new(a,
			    print_json_message(&pages[p].v[i]));
	o = json_pack("{s:s, s:s, s:o, s:b, s:o, s:o}",
	    "peer", t->peer,
	    "peer_raw", t->peer_raw,
	    "contact", t->contact_name != NULL ?
	    json_string(t->contact_name) : json_null(),
	    "opted_out", t->opted_out,
	    "exported_at", print_json_time(loop_wall_now()),
	    "messages", a);
	return print_json(o);
}

static int
write_text(const struct store_thread *t, struct store_messages *pages,
    size_t npages)
{
	char when[PRINT_TIME_MAX];
	size_t p, i, n = 0;

	for (p = 0; p < npages; p++)
		n += pages[p].n;
	fputs(_("Conversation with "), stdout);
	if (t->contact_name != NULL && t->contact_name[0] != '\0') {
		print_text(stdout, t->contact_name, 80, NULL);
		printf(" <%s>", t->peer);
	} else
		print_text(stdout, t->peer, 80, NULL);
	printf(P_(", %zu message, exported %s\n\n",
	    ", %zu messages, exported %s\n\n", n), n,
	    print_time(loop_wall_now(), when));
	for (p = npages; p-- > 0;)
		for (i = 0; i < pages[p].n; i++)
			print_message_line(stdout, &pages[p].v[i]);
	return fflush(stdout) == 0 ? 0 : SMS_EXIT_IOERR;
}

static int
cmd_export_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "text", no_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct store_messages *pages = NULL;
	struct store_thread t;
	struct sms_err err;
	struct store *st;
	size_t npages = 0, p;
	int64_t tid;
	bool json = false;
	int opt, rc;

	optind = 0;
	while ((opt = getopt_long(argc, argv, "+jth", longopts, NULL)) !=
	    -1) {
		switch (opt) {
		case 'j':
			json = true;
			break;
		case 't':
			json = false;
			break;
		case 'h':
			export_help(ctx);
			return 0;
		default:
			return cmd_try_help(ctx, "export");
		}
	}
	if (argc - optind != 1)
		return cmd_usage_error(ctx, "export",
		    _("expected one number or contact name"));
	if ((rc = cmd_ctx_store(ctx, &st)) != 0)
		return rc;
	sms_err_clear(&err);
	if ((rc = store_thread_find(st, argv[optind], &tid, &err)) < 0 ||
	    (rc = store_thread_get(st, tid, &t, &err)) < 0) {
		cmd_error(ctx, "%s", err.msg);
		return rc == SMS_ENOENT ? SMS_EXIT_NOINPUT : sms_rc_exit(rc);
	}
	if ((rc = load_all(st, tid, &pages, &npages, &err)) < 0) {
		cmd_error(ctx, "%s", err.msg);
		rc = sms_rc_exit(rc);
	} else if (json)
		rc = write_json(&t, pages, npages);
	else
		rc = write_text(&t, pages, npages);
	for (p = 0; p < npages; p++)
		store_messages_fini(&pages[p]);
	free(pages);
	store_thread_fini(&t);
	return rc;
}

const struct cmd_entry cmd_export_entry = {
	"export",
	N_("write a whole conversation, to archive it"),
	cmd_export_exec,
};
