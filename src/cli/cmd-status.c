/*
 * sms-inbox status: whether the engine runs, and each backend's state,
 * signal, queue depth, last error and availability over 24 hours and 30
 * days.  Asks the running engine over its socket; without one, answers
 * from the configuration and the store.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/cmd.h"
#include "cli/print.h"
#include "engine/engine.h"
#include "engine/ipc.h"
#include "engine/lock.h"
#include "store/store.h"
#include "util/conf.h"
#include "util/err.h"
#include "util/i18n.h"

static void
status_help(const struct cmd_ctx *ctx)
{
	printf(_("Usage: %s status [--json]\n"
	    "Show whether the engine runs, each backend's state, signal, "
	    "queue and\navailability over the last 24 hours and 30 days.\n\n"),
	    ctx->progname);
	fputs(_("  -j, --json  print one JSON object\n"
	    "  -h, --help  display this help and exit\n"), stdout);
}

static void
print_avail(const char *label, json_t *v)
{
	if (json_is_number(v))
		printf("  %s %.1f %%", label, json_number_value(v) * 100.0);
	else
		printf("  %s -", label);
}

static void
print_human(json_t *st)
{
	json_t *eng = json_object_get(st, "engine"), *b;
	json_t *q = json_object_get(st, "queue");
	size_t i;

	if (json_is_true(json_object_get(eng, "running")))
		printf(_("Engine: running (pid %lld)%s\n"),
		    (long long)json_integer_value(json_object_get(eng, "pid")),
		    json_is_true(json_object_get(eng, "suspended")) ?
		    _(", suspended") : "");
	else
		printf("%s\n", _("Engine: not running"));
	printf(_("Queue: %lld queued, %lld sending\n"),
	    (long long)json_integer_value(json_object_get(q, "queued")),
	    (long long)json_integer_value(json_object_get(q, "sending")));
	json_array_foreach(json_object_get(st, "backends"), i, b) {
		const char *detail = json_string_value(json_object_get(b,
		    "detail"));
		const char *lerr = json_string_value(json_object_get(b,
		    "last_error"));

		printf("%-12s %-8s %-11s", json_string_value(json_object_get(b,
		    "name")), json_string_value(json_object_get(b, "type")),
		    json_string_value(json_object_get(b, "state")));
		if (json_is_integer(json_object_get(b, "signal_bars")))
			printf(_(" signal %lld/5"), (long long)
			    json_integer_value(json_object_get(b,
			    "signal_bars")));
		printf(_(" queued %lld"), (long long)json_integer_value(
		    json_object_get(b, "queued")));
		print_avail(_("24h"), json_object_get(b, "availability_24h"));
		print_avail(_("30d"), json_object_get(b, "availability_30d"));
		fputs("\n", stdout);
		if (detail != NULL && *detail != '\0') {
			fputs("    ", stdout);
			print_text(stdout, detail, 0, NULL);
			fputs("\n", stdout);
		}
		if (lerr != NULL && *lerr != '\0') {
			printf("    %s ", _("last error:"));
			print_text(stdout, lerr, 0, NULL);
			fputs("\n", stdout);
		}
	}
}

static int
status_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct conf *cfg;
	struct store *st;
	struct sms_err err;
	json_t *st_json = NULL, *req, *reply = NULL;
	char *store_path = NULL, *sock = NULL;
	bool json = false;
	pid_t pid = 0;
	int opt, rc, held;

	optind = 0;
	while ((opt = getopt_long(argc, argv, "jh", longopts, NULL)) != -1) {
		switch (opt) {
		case 'j':
			json = true;
			break;
		case 'h':
			status_help(ctx);
			return 0;
		default:
			return cmd_usage_error(ctx, "status", "%s",
			    _("unknown option"));
		}
	}
	if (optind < argc)
		return cmd_usage_error(ctx, "status", "%s",
		    _("too many arguments"));
	if ((rc = cmd_ctx_config(ctx, &cfg)) != 0 ||
	    (rc = cmd_ctx_store(ctx, &st)) != 0)
		return rc;
	if ((store_path = conf_store_path(cfg)) == NULL)
		return SMS_EXIT_SOFTWARE;
	held = lock_holder(store_path, &pid);
	if (held == 1 && (sock = ipc_socket_path(store_path)) != NULL) {
		req = json_pack("{s:s}", "cmd", "status");
		if (ipc_call(sock, req, &reply, 3000, &err) == 0)
			st_json = json_incref(json_object_get(reply,
			    "status"));
		json_decref(req);
		json_decref(reply);
	}
	if (st_json == NULL)
		st_json = engine_status_offline(st, cfg, held == 1, (long)pid);
	free(sock);
	free(store_path);
	if (st_json == NULL)
		return SMS_EXIT_SOFTWARE;
	if (json)
		return print_json(st_json) < 0 ? SMS_EXIT_IOERR : 0;
	print_human(st_json);
	json_decref(st_json);
	return 0;
}

const struct cmd_entry cmd_status_entry = {
	"status",
	N_("show the engine, the backends and their availability"),
	status_exec,
};
