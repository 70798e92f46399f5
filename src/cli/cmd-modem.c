#include "config.h"

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <uv.h>

#include "cli/cmd.h"
#include "modem/at.h"
#include "modem/chan.h"
#include "modem/modem.h"
#include "modem/quirks.h"
#include "modem/serial.h"
#include "util/conf.h"
#include "util/err.h"
#include "util/i18n.h"
#include "util/log.h"
#include "util/xalloc.h"

/*
 * `sms-inbox modem list|info|at`: find the modem's port, see what it says
 * about itself, and talk AT to it by hand.  Each opens the port itself,
 * so it fails with the holder's name while the engine (sms-inboxd) has it.
 */

#define MODEM_CLI_TIMEOUT_MS 10000u
#define MODEM_PROBE_TIMEOUT_MS 1500u
#define MODEM_CLI_CMDS_MAX 32

/* Commands run one after the other on one port. */
struct run {
	uv_loop_t *loop;
	struct chan *chan;
	const char *cmds[MODEM_CLI_CMDS_MAX];
	size_t n, next;
	unsigned timeout_ms;
	bool finished, gone;
	/* what came back: for each command its lines and final */
	json_t *answers;	/* array of {cmd, lines[], final, ok} */
	char err[SMS_ERR_MSG_MAX];
};

static void run_next(struct run *r);

static void
run_urc(void *ctx, const struct at_urc *u)
{
	log_debug("modem: unsolicited \"%s\"", u->line);
}

static void
run_hangup(void *ctx)
{
	struct run *r = ctx;

	r->gone = true;
	r->finished = true;
}

static const struct chan_ops run_ops = { run_urc, run_hangup };

static void
run_done(void *data, const struct at_response *res)
{
	struct run *r = data;
	json_t *a, *lines;
	size_t i;

	if (res->result == AT_RES_CANCELLED)
		return;
	lines = json_array();
	for (i = 0; i < res->n_lines; i++)
		json_array_append_new(lines, json_string(res->lines[i]));
	a = json_pack("{s:s, s:o, s:s, s:b}", "cmd", r->cmds[r->next - 1],
	    "lines", lines, "final", res->result == AT_RES_TIMEOUT ?
	    _("(no answer)") : res->final, "ok", res->result == AT_RES_OK);
	json_array_append_new(r->answers, a);
	run_next(r);
}

static void
run_next(struct run *r)
{
	if (r->next == r->n) {
		r->finished = true;
		return;
	}
	r->next++;
	if (at_send(chan_at(r->chan), r->cmds[r->next - 1], r->timeout_ms,
	    run_done, r) < 0)
		r->finished = true;
}

/* Open port and run the commands; 0, or an exit status after printing
 * why. */
static int
run_commands(struct cmd_ctx *ctx, struct run *r, const char *port, int baud)
{
	struct sms_err err;
	int rc;

	r->answers = json_array();
	if ((rc = chan_open(&r->chan, r->loop, port, baud, &run_ops, r,
	    &err)) < 0) {
		cmd_error(ctx, "%s", err.msg);
		return sms_rc_exit(rc == SMS_EINVAL ? SMS_EDATA : rc);
	}
	run_next(r);
	while (!r->finished)
		uv_run(r->loop, UV_RUN_ONCE);
	chan_close(r->chan, NULL, NULL);
	r->chan = NULL;
	uv_run(r->loop, UV_RUN_NOWAIT);
	if (r->gone) {
		cmd_error(ctx, _("%s went away"), port);
		return SMS_EXIT_IOERR;
	}
	return 0;
}

/* The answer to cmd: its first line's value after "PREFIX:", or the first
 * line when prefix is NULL; NULL if none. */
static const char *
answer(struct run *r, const char *cmd, const char *prefix)
{
	json_t *a, *l;
	const char *line, *v;
	size_t i, j;

	json_array_foreach(r->answers, i, a) {
		if (strcmp(json_string_value(json_object_get(a, "cmd")), cmd))
			continue;
		if (!json_is_true(json_object_get(a, "ok")))
			return NULL;
		json_array_foreach(json_object_get(a, "lines"), j, l) {
			line = json_string_value(l);
			if (prefix == NULL)
				return line;
			if ((v = at_value(line, prefix)) != NULL)
				return v;
		}
	}
	return NULL;
}

/* The port: --port, else [backend.NAME] (--backend, else the first
 * modem).  Borrowed from the config or argv. */
static const char *
pick_port(struct cmd_ctx *ctx, const char *port, const char *backend,
    int *baud, int *rc)
{
	const char *const *names;
	struct conf *cfg;
	char section[256];
	size_t i, n;

	*rc = 0;
	*baud = 115200;
	if (port != NULL)
		return port;
	if ((*rc = cmd_ctx_config(ctx, &cfg)) != 0)
		return NULL;
	names = conf_backends(cfg, &n);
	for (i = 0; i < n; i++) {
		snprintf(section, sizeof section, "backend.%s", names[i]);
		if (backend != NULL ? strcmp(names[i], backend) != 0 :
		    strcmp(conf_get_str(cfg, section, "type", ""), "modem"))
			continue;
		*baud = (int)conf_get_int(cfg, section, "baud", 115200);
		if ((port = conf_get(cfg, section, "port")) != NULL &&
		    strcmp(port, "auto") == 0) {
			cmd_error(ctx, _("[%s] says port = auto: give --port "
			    "(\"sms-inbox modem list\" shows which port "
			    "answers AT)"), section);
			*rc = SMS_EXIT_CONFIG;
			return NULL;
		}
		if (port != NULL)
			return port;
	}
	cmd_error(ctx, backend != NULL ?
	    _("no backend \"%s\" with a port in the configuration") :
	    _("no modem backend in the configuration; give --port%s"),
	    backend != NULL ? backend : "");
	*rc = SMS_EXIT_CONFIG;
	return NULL;
}

static int
modem_list(struct cmd_ctx *ctx, bool json, bool probe)
{
	struct serial_info *ports;
	struct sms_err err;
	json_t *arr, *o;
	uv_loop_t loop;
	size_t i, n;
	int rc;

	if (serial_list(&ports, &n, &err) < 0) {
		cmd_error(ctx, "%s", err.msg);
		return SMS_EXIT_IOERR;
	}
	uv_loop_init(&loop);
	arr = json_array();
	for (i = 0; i < n; i++) {
		struct run r;
		const char *said = NULL;

		memset(&r, 0, sizeof r);
		r.loop = &loop;
		r.timeout_ms = MODEM_PROBE_TIMEOUT_MS;
		o = json_pack("{s:s, s:s}", "port", ports[i].name,
		    "description", ports[i].description);
		if (ports[i].by_id[0])
			json_object_set_new(o, "by_id",
			    json_string(ports[i].by_id));
		if (ports[i].usb) {
			char id[16];

			snprintf(id, sizeof id, "%04x:%04x", ports[i].usb_vid,
			    ports[i].usb_pid);
			json_object_set_new(o, "usb", json_string(id));
			json_object_set_new(o, "manufacturer",
			    json_string(ports[i].manufacturer));
			json_object_set_new(o, "product",
			    json_string(ports[i].product));
			json_object_set_new(o, "serial",
			    json_string(ports[i].serial));
		}
		if (probe) {
			struct sms_err e2;
			struct chan *c = NULL;

			r.cmds[r.n++] = "AT";
			r.answers = json_array();
			if (chan_open(&c, &loop, ports[i].name, 115200,
			    &run_ops, &r, &e2) < 0) {
				said = e2.msg;
				json_object_set_new(o, "answers_at",
				    json_false());
				json_object_set_new(o, "error",
				    json_string(e2.msg));
			} else {
				r.chan = c;
				run_next(&r);
				while (!r.finished)
					uv_run(&loop, UV_RUN_ONCE);
				chan_close(c, NULL, NULL);
				uv_run(&loop, UV_RUN_NOWAIT);
				json_object_set_new(o, "answers_at",
				    json_boolean(answer(&r, "AT", NULL) !=
				    NULL || (json_array_size(r.answers) &&
				    json_is_true(json_object_get(
				    json_array_get(r.answers, 0), "ok")))));
			}
			json_decref(r.answers);
		}
		if (!json) {
			json_t *v = json_object_get(o, "answers_at");

			printf("%s", ports[i].name);
			if (ports[i].usb)
				printf("  %04x:%04x %s %s", ports[i].usb_vid,
				    ports[i].usb_pid, ports[i].manufacturer,
				    ports[i].product);
			else if (ports[i].description[0])
				printf("  %s", ports[i].description);
			if (v != NULL)
				printf("  %s", json_is_true(v) ?
				    _("answers AT") : said != NULL ? said :
				    _("no answer to AT"));
			printf("\n");
			if (ports[i].by_id[0])
				printf("    %s\n", ports[i].by_id);
		}
		json_array_append_new(arr, o);
	}
	if (json) {
		char *s = json_dumps(arr, JSON_INDENT(2));

		printf("%s\n", s);
		free(s);
	} else if (n == 0)
		printf("%s\n", _("no serial ports found"));
	json_decref(arr);
	free(ports);
	rc = uv_loop_close(&loop) == 0 ? 0 : SMS_EXIT_SOFTWARE;
	return rc;
}

static int
modem_info(struct cmd_ctx *ctx, const char *port, int baud, bool json)
{
	static const char *const cmds[] = {
		"ATE0", "AT+CMEE=1", "AT+CGMI", "AT+CGMM", "AT+CGMR", "AT+CGSN",
		"AT+CPIN?", "AT+COPS?", "AT+CREG?", "AT+CSQ", "AT+CSCA?",
		"AT+CPMS?",
		/* Each storage's use: selecting it says (27.005 3.2.2); the
		 * SIM last, so it stays selected. */
		"AT+CPMS=\"ME\"", "AT+CPMS=\"SM\"",
	};
	static const struct {
		const char *cmd, *name, *label;
	} mems[] = {
		{ "AT+CPMS=\"SM\"", "SM", N_("SIM") },
		{ "AT+CPMS=\"ME\"", "ME", N_("phone") },
	};
	char uses[160] = "";
	size_t len = 0;
	json_t *arr;
	struct run r;
	uv_loop_t loop;
	const char *v;
	char op[64] = "", smsc[32] = "", storage[64] = "";
	int rc, rssi = 99, creg = -1, n, used = 0, total = 0;
	json_t *o;
	size_t i;

	memset(&r, 0, sizeof r);
	uv_loop_init(&loop);
	r.loop = &loop;
	r.timeout_ms = MODEM_CLI_TIMEOUT_MS;
	for (i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
		r.cmds[r.n++] = cmds[i];
	if ((rc = run_commands(ctx, &r, port, baud)) != 0)
		goto out;
	if ((v = answer(&r, "AT+CSQ", "+CSQ")) != NULL)
		rssi = atoi(v);
	if ((v = answer(&r, "AT+CREG?", "+CREG")) != NULL &&
	    sscanf(v, "%d,%d", &n, &creg) != 2)
		creg = -1;
	if ((v = answer(&r, "AT+COPS?", "+COPS")) != NULL &&
	    (v = strchr(v, '"')) != NULL)
		sscanf(v + 1, "%63[^\"]", op);
	if ((v = answer(&r, "AT+CSCA?", "+CSCA")) != NULL &&
	    (v = strchr(v, '"')) != NULL)
		sscanf(v + 1, "%31[^\"]", smsc);
	if ((v = answer(&r, "AT+CPMS?", "+CPMS")) != NULL &&
	    sscanf(v, "\"%7[^\"]\",%d,%d", storage, &used, &total) != 3)
		storage[0] = '\0';
	arr = json_array();
	for (i = 0; i < sizeof mems / sizeof mems[0]; i++) {
		int u, t;

		if ((v = answer(&r, mems[i].cmd, "+CPMS")) == NULL ||
		    sscanf(v, "%d,%d", &u, &t) != 2)
			continue;
		json_array_append_new(arr, json_pack("{s:s, s:i, s:i}",
		    "name", mems[i].name, "used", u, "total", t));
		if (len < sizeof uses)
			len += (size_t)snprintf(uses + len, sizeof uses - len,
			    "%s%s %d/%d", len > 0 ? ", " : "",
			    _(mems[i].label), u, t);
	}
	if (len == 0 && storage[0] != '\0')
		snprintf(uses, sizeof uses, "%s %d/%d", storage, used, total);
	o = json_pack("{s:s, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:i, s:s?}",
	    "port", port,
	    "maker", answer(&r, "AT+CGMI", NULL),
	    "model", answer(&r, "AT+CGMM", NULL),
	    "firmware", answer(&r, "AT+CGMR", NULL),
	    "imei", answer(&r, "AT+CGSN", NULL),
	    "sim", answer(&r, "AT+CPIN?", "+CPIN"),
	    "operator", op[0] ? op : NULL,
	    "registration", creg,
	    "smsc", smsc[0] ? smsc : NULL);
	json_object_set_new(o, "signal_dbm", rssi != 99 ?
	    json_integer(modem_rssi_dbm(rssi)) : json_null());
	json_object_set_new(o, "signal_bars",
	    json_integer(modem_rssi_bars(rssi)));
	if (storage[0] != '\0')
		json_object_set_new(o, "storage", json_pack("{s:s, s:i, s:i}",
		    "name", storage, "used", used, "total", total));
	json_object_set_new(o, "storages", arr);
	{
		char q[128];

		json_object_set_new(o, "quirks", json_string(quirks_format(
		    quirks_lookup(answer(&r, "AT+CGMI", NULL),
		    answer(&r, "AT+CGMM", NULL)), q, sizeof q)));
	}
	if (json) {
		char *s = json_dumps(o, JSON_INDENT(2));

		printf("%s\n", s);
		free(s);
	} else {
		static const char *const reg[] = {
			N_("not registered"), N_("registered (home)"),
			N_("searching"), N_("registration denied"),
			N_("unknown"), N_("registered (roaming)"),
		};
		const char *name;

#define FIELD(label, key) \
	do { \
		name = json_string_value(json_object_get(o, key)); \
		printf("%-14s %s\n", label, name ? name : "?"); \
	} while (0)
		FIELD(_("port:"), "port");
		FIELD(_("maker:"), "maker");
		FIELD(_("model:"), "model");
		FIELD(_("firmware:"), "firmware");
		FIELD(_("IMEI:"), "imei");
		FIELD(_("SIM:"), "sim");
		FIELD(_("operator:"), "operator");
#undef FIELD
		printf("%-14s %s\n", _("registration:"), creg >= 0 &&
		    creg <= 5 ? _(reg[creg]) : "?");
		if (rssi != 99)
			printf(_("%-14s %d dBm (%d/5)\n"), _("signal:"),
			    modem_rssi_dbm(rssi), modem_rssi_bars(rssi));
		else
			printf("%-14s ?\n", _("signal:"));
		printf("%-14s %s\n", _("SMSC:"), smsc[0] ? smsc : "?");
		if (uses[0] != '\0')
			printf("%-14s %s\n", _("storage:"), uses);
		name = json_string_value(json_object_get(o, "quirks"));
		printf("%-14s %s\n", _("quirks:"), name[0] ? name :
		    _("none"));
	}
	json_decref(o);
out:
	json_decref(r.answers);
	uv_run(&loop, UV_RUN_NOWAIT);
	uv_loop_close(&loop);
	return rc;
}

static int
modem_at(struct cmd_ctx *ctx, const char *port, int baud, char **cmds,
    int n)
{
	struct run r;
	uv_loop_t loop;
	json_t *a, *l;
	size_t i, j;
	int rc, k;
	bool all_ok = true;

	if (n > MODEM_CLI_CMDS_MAX)
		return cmd_usage_error(ctx, "modem",
		    _("at most %d commands at once"), MODEM_CLI_CMDS_MAX);
	memset(&r, 0, sizeof r);
	uv_loop_init(&loop);
	r.loop = &loop;
	r.timeout_ms = MODEM_CLI_TIMEOUT_MS;
	for (k = 0; k < n; k++) {
		if (strncasecmp(cmds[k], "AT", 2) != 0 ||
		    strpbrk(cmds[k], "\r\n\x1a") != NULL) {
			rc = cmd_usage_error(ctx, "modem",
			    _("\"%s\" is not an AT command"), cmds[k]);
			goto out;
		}
		r.cmds[r.n++] = cmds[k];
	}
	if ((rc = run_commands(ctx, &r, port, baud)) != 0)
		goto out;
	json_array_foreach(r.answers, i, a) {
		json_array_foreach(json_object_get(a, "lines"), j, l)
			printf("%s\n", json_string_value(l));
		printf("%s\n", json_string_value(json_object_get(a, "final")));
		if (!json_is_true(json_object_get(a, "ok")))
			all_ok = false;
	}
	rc = all_ok ? 0 : SMS_EXIT_FAILURE;
out:
	json_decref(r.answers);
	uv_run(&loop, UV_RUN_NOWAIT);
	uv_loop_close(&loop);
	return rc;
}

static int
cmd_modem_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "port", required_argument, NULL, 'p' },
		{ "backend", required_argument, NULL, 'b' },
		{ "no-probe", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *port = NULL, *backend = NULL, *action;
	bool json = false, probe = true;
	int c, rc, baud;

	optind = 0;
	while ((c = getopt_long(argc, argv, "+jp:b:nh", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'p':
			port = optarg;
			break;
		case 'b':
			backend = optarg;
			break;
		case 'n':
			probe = false;
			break;
		case 'h':
			printf(_("Usage: %s modem list [--json] [--no-probe]\n"
			    "       %s modem info [--json] [--port=PATH | "
			    "--backend=NAME]\n"
			    "       %s modem at [--port=PATH | --backend=NAME] "
			    "COMMAND...\n"
			    "List serial ports and which answer AT, show what "
			    "the modem says about itself, or send it AT "
			    "commands.\n"), ctx->progname, ctx->progname,
			    ctx->progname);
			return 0;
		default:
			return cmd_usage_error(ctx, "modem", NULL);
		}
	}
	if (optind >= argc)
		return cmd_usage_error(ctx, "modem",
		    _("expected one of: list, info, at"));
	action = argv[optind++];
	/* Options may also follow the action. */
	while ((c = getopt_long(argc, argv, "+jp:b:n", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'p':
			port = optarg;
			break;
		case 'b':
			backend = optarg;
			break;
		case 'n':
			probe = false;
			break;
		default:
			return cmd_usage_error(ctx, "modem", NULL);
		}
	}
	if (strcmp(action, "list") == 0) {
		if (optind != argc)
			return cmd_usage_error(ctx, "modem",
			    _("list takes no arguments"));
		return modem_list(ctx, json, probe);
	}
	if (strcmp(action, "info") != 0 && strcmp(action, "at") != 0)
		return cmd_usage_error(ctx, "modem",
		    _("unknown action \"%s\" (expected list, info or at)"),
		    action);
	if (strcmp(action, "at") == 0 && optind == argc)
		return cmd_usage_error(ctx, "modem",
		    _("give the AT command to send, e.g. 'AT+CSQ'"));
	if (strcmp(action, "info") == 0 && optind != argc)
		return cmd_usage_error(ctx, "modem",
		    _("info takes no arguments"));
	if ((port = pick_port(ctx, port, backend, &baud, &rc)) == NULL)
		return rc;
	if (strcmp(action, "info") == 0)
		return modem_info(ctx, port, baud, json);
	return modem_at(ctx, port, baud, argv + optind, argc - optind);
}

const struct cmd_entry cmd_modem_entry = {
	"modem",
	N_("list serial ports, show the modem's state, send AT commands"),
	cmd_modem_exec,
};
