/*
 * `sms-inbox tui` (what runs without a command): the terminal inbox on the
 * configured store, or with --demo on a temporary store with a few
 * conversations and the simulated network.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <uv.h>

#include "cli/cmd.h"
#include "store/store.h"
#include "store/thread.h"
#include "tui/tui.h"
#include "util/conf.h"
#include "util/err.h"
#include "util/i18n.h"
#include "util/log.h"

static int
usage(const struct cmd_ctx *ctx)
{
	printf(_("Usage: %s [--demo] tui\n"
	    "Open the terminal inbox (what %s does without a command).\n\n"
	    "Options:\n"
	    "      --demo   a temporary inbox with sample conversations and "
	    "a simulated network\n"
	    "  -h, --help   display this help and exit\n\n"
	    "Press ? in the inbox for the keys; see sms-inbox(1).\n"),
	    ctx->progname, ctx->progname);
	return 0;
}

static int
color_mode(const struct conf *cfg)
{
	const char *c = conf_get_str(cfg, "ui", "color", "auto");

	if (strcmp(c, "always") == 0)
		return TUI_COLOR_ALWAYS;
	if (strcmp(c, "never") == 0)
		return TUI_COLOR_NEVER;
	return TUI_COLOR_AUTO;
}

/*
 * Without a terminal (a script, CI, `sms-inbox --demo </dev/null`) there
 * is no inbox to draw: print the newest threads as text instead, bodies
 * escaped, and say how to get the inbox.
 */
static int
print_threads(const struct cmd_ctx *ctx, struct store *st)
{
	struct store_thread_query q;
	struct store_threads page;
	struct sms_err err;
	char name[256], body[256];
	size_t i;

	memset(&q, 0, sizeof q);
	q.filter = STORE_THREADS_INBOX;
	q.limit = 20;
	sms_err_clear(&err);
	if (store_thread_page(st, &q, &page, &err) < 0) {
		cmd_error(ctx, "%s", err.msg);
		return sms_rc_exit(err.code);
	}
	fprintf(stderr, _("%s: not a terminal, so no inbox to draw; the "
	    "newest threads:\n"), ctx->progname);
	for (i = 0; i < page.n; i++) {
		const struct store_thread *th = &page.v[i];
		const char *who = th->contact_name ? th->contact_name :
		    th->peer;

		log_escape(name, sizeof name, who, strlen(who));
		log_escape(body, sizeof body, th->last_body ? th->last_body :
		    "", th->last_body ? strlen(th->last_body) : 0);
		printf("%-24s %3d %s  %s\n", name, th->unread,
		    th->last_dir == MSG_OUT ? ">" : "<", body);
	}
	if (page.n == 0)
		printf("%s\n", _("(no conversations)"));
	store_threads_fini(&page);
	return 0;
}

static int
cmd_tui_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "demo", no_argument, NULL, 'D' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct tui_opts opts;
	struct sms_err err;
	struct store *st = NULL;
	struct tui *t = NULL;
	struct conf *cfg;
	uv_loop_t *loop = NULL;
	char *log_path = NULL;
	int opt, rc;

	optind = 0;
	while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'D':
			ctx->demo = true;
			break;
		case 'h':
			return usage(ctx);
		default:
			return cmd_usage_error(ctx, "tui", "%s",
			    _("unknown option"));
		}
	}
	if (optind < argc)
		return cmd_usage_error(ctx, "tui",
		    _("unexpected argument \"%s\""), argv[optind]);
	sms_err_clear(&err);
	if (tui_require_utf8(&err) < 0) {
		cmd_error(ctx, "%s", err.msg);
		return SMS_EXIT_CONFIG;
	}
	/* With --demo these set up the seeded demo store (cli/demo.h),
	 * which cmd_ctx_fini() removes. */
	if ((rc = cmd_ctx_config(ctx, &cfg)) != 0 ||
	    (rc = cmd_ctx_store(ctx, &st)) != 0)
		return rc;
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		rc = print_threads(ctx, st);
		goto out;
	}
	loop = uv_default_loop();
	memset(&opts, 0, sizeof opts);
	opts.store = st;
	opts.cfg = cfg;
	opts.agent = conf_get(cfg, "ui", "agent");
	opts.bell = conf_get_bool(cfg, "ui", "bell", false);
	opts.mouse = conf_get_bool(cfg, "ui", "mouse", false);
	opts.color = color_mode(cfg);
	opts.editor = conf_get(cfg, "ui", "editor");
	opts.max_segments = (int)conf_get_int(cfg, "outbox", "max_segments",
	    10);
	opts.demo = ctx->demo;
	log_path = conf_get_path(cfg, "ui", "log_file", NULL);
	opts.log_file = log_path;
	if (tui_new(&t, loop, &opts, &err) < 0) {
		cmd_error(ctx, "%s", err.msg);
		rc = sms_rc_exit(err.code);
		tui_free(t);
		free(log_path);
		goto out;
	}
	rc = tui_run(t);
	tui_free(t);
	free(log_path);
	uv_loop_close(loop);
out:
	return rc;
}

const struct cmd_entry cmd_tui_entry = {
	"tui",
	N_("open the terminal inbox (the default)"),
	cmd_tui_exec,
};
