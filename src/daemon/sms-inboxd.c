/*
 * sms-inboxd: runs the engine unattended (backends, outbox, autoreply),
 * in the foreground as systemd expects.  Signals arrive on the loop:
 * HUP reloads the configuration and rules, USR1 releases the backends,
 * USR2 takes them back, TERM and INT finish the message in flight and exit.
 */
#include "config.h"

#include <getopt.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uv.h>

#include "daemon/notify.h"
#include "engine/engine.h"
#include "util/conf.h"
#include "util/err.h"
#include "util/i18n.h"
#include "util/log.h"

/* Old configurations stay alive until exit: backends opened with them may
 * still point into them. */
#define DAEMON_RELOADS_MAX 64

struct daemon {
	uv_loop_t *loop;
	struct engine *e;
	const char *conf_path;
	struct conf *cfgs[DAEMON_RELOADS_MAX];
	size_t n_cfgs;
	uv_signal_t sig[5];
	uv_timer_t watchdog;
	int exit_code;
	int stopping;
};

static void
usage(void)
{
	fputs(_("Usage: sms-inboxd [OPTION]...\n"
	    "Run the sms-inbox engine unattended: backends, outbox, autoreply "
	    "rules.\n\n"), stdout);
	fputs(_("Options:\n"
	    "  -c, --config=FILE  read the configuration from FILE\n"
	    "  -s, --syslog       log to syslog instead of standard error\n"
	    "  -v, --verbose      log more (repeat for debug output)\n"
	    "  -h, --help         display this help and exit\n"
	    "  -V, --version      output version information and exit\n"),
	    stdout);
	fputs(_("\nSignals: HUP reloads the configuration and rules, USR1 "
	    "releases the backends,\nUSR2 takes them back, TERM finishes the "
	    "message in flight and exits.\nSee sms-inboxd(8).\n"), stdout);
	printf(_("Report bugs to: %s\n"), PACKAGE_BUGREPORT);
}

static void
close_all(struct daemon *d)
{
	size_t i;

	for (i = 0; i < sizeof d->sig / sizeof d->sig[0]; i++)
		uv_close((uv_handle_t *)&d->sig[i], NULL);
	uv_close((uv_handle_t *)&d->watchdog, NULL);
}

static void
engine_stopped(struct engine *e, void *data)
{
	struct daemon *d = data;

	(void)e;
	log_info("stopped");
	close_all(d);
}

static void
stop(struct daemon *d)
{
	if (d->stopping)
		return;
	d->stopping = 1;
	notify_send("STOPPING=1");
	log_info("stopping");
	engine_stop(d->e, engine_stopped, d);
}

static void
reload(struct daemon *d)
{
	struct conf *cfg = NULL;
	struct sms_err err;
	const char *lvl;

	notify_send("RELOADING=1");
	sms_err_clear(&err);
	if (d->n_cfgs == DAEMON_RELOADS_MAX) {
		log_err("too many reloads; restart the daemon to reload again");
	} else if (conf_load(&cfg, d->conf_path, &err) < 0) {
		log_err("reload: %s; keeping the old configuration", err.msg);
	} else if (engine_reload(d->e, cfg, &err) < 0) {
		log_err("reload: %s; keeping the old configuration", err.msg);
		conf_free(cfg);
	} else {
		d->cfgs[d->n_cfgs++] = cfg;
		if ((lvl = conf_get(cfg, "log", "level")) != NULL &&
		    log_level_parse(lvl) >= 0)
			log_set_level((enum log_level)log_level_parse(lvl));
	}
	notify_send("READY=1");
}

static void
on_signal(uv_signal_t *s, int signum)
{
	struct daemon *d = s->data;

	switch (signum) {
	case SIGTERM:
	case SIGINT:
		stop(d);
		break;
	case SIGHUP:
		log_info("SIGHUP: reloading");
		reload(d);
		break;
	case SIGUSR1:
		engine_suspend(d->e);
		notify_send("STATUS=suspended: backends released");
		break;
	case SIGUSR2:
		engine_resume(d->e);
		notify_send("STATUS=running");
		break;
	}
}

static void
on_watchdog(uv_timer_t *t)
{
	(void)t;
	notify_send("WATCHDOG=1");
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "syslog", no_argument, NULL, 's' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	static const int signums[] = { SIGTERM, SIGINT, SIGHUP, SIGUSR1,
		SIGUSR2 };
	struct daemon d;
	struct sms_err err;
	const char *lvl;
	uint64_t wd;
	size_t i;
	int opt, verbose = 0, use_syslog = 0, rc;

	i18n_init();
	memset(&d, 0, sizeof d);

	while ((opt = getopt_long(argc, argv, "c:svhV", longopts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			d.conf_path = optarg;
			break;
		case 's':
			use_syslog = 1;
			break;
		case 'v':
			verbose++;
			break;
		case 'h':
			usage();
			return 0;
		case 'V':
			printf("sms-inboxd (%s) %s\n", PACKAGE_NAME,
			    PACKAGE_VERSION);
			return 0;
		default:
			fputs(_("Try 'sms-inboxd --help' for more "
			    "information.\n"), stderr);
			return SMS_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, _("sms-inboxd: unexpected argument \"%s\"\n"
		    "Try 'sms-inboxd --help' for more information.\n"),
		    argv[optind]);
		return SMS_EXIT_USAGE;
	}
	if (use_syslog)
		log_to_syslog("sms-inboxd");
	else
		log_to_stderr();
	log_set_level(verbose >= 2 ? LOG_LEVEL_DEBUG :
	    verbose == 1 ? LOG_LEVEL_INFO : LOG_LEVEL_WARN);
	sms_err_clear(&err);
	if (conf_load(&d.cfgs[0], d.conf_path, &err) < 0) {
		log_err("%s", err.msg);
		if (use_syslog)
			fprintf(stderr, "sms-inboxd: %s\n", err.msg);
		return SMS_EXIT_CONFIG;
	}
	d.n_cfgs = 1;
	if (verbose == 0 && (lvl = conf_get(d.cfgs[0], "log", "level")) !=
	    NULL && log_level_parse(lvl) >= 0)
		log_set_level((enum log_level)log_level_parse(lvl));
	/* A hook or client that goes away must not kill us. */
	signal(SIGPIPE, SIG_IGN);
	d.loop = uv_default_loop();
	if ((rc = engine_new(&d.e, d.loop, d.cfgs[0], &err)) < 0) {
		log_err("%s", err.msg);
		if (use_syslog)
			fprintf(stderr, "sms-inboxd: %s\n", err.msg);
		conf_free(d.cfgs[0]);
		return sms_rc_exit(rc);
	}
	if ((rc = engine_start(d.e, true, &err)) < 0) {
		log_err("%s", err.msg);
		if (use_syslog)
			fprintf(stderr, "sms-inboxd: %s\n", err.msg);
		d.exit_code = sms_rc_exit(rc);
		d.stopping = 1;
		engine_stop(d.e, NULL, NULL);
		uv_run(d.loop, UV_RUN_DEFAULT);
		goto out;
	}
	for (i = 0; i < sizeof signums / sizeof signums[0]; i++) {
		uv_signal_init(d.loop, &d.sig[i]);
		d.sig[i].data = &d;
		uv_signal_start(&d.sig[i], on_signal, signums[i]);
	}
	uv_timer_init(d.loop, &d.watchdog);
	if ((wd = notify_watchdog_usec()) > 0)
		uv_timer_start(&d.watchdog, on_watchdog, wd / 2000,
		    wd / 2000);
	notify_send("READY=1\nSTATUS=running");
	log_info("ready");
	uv_run(d.loop, UV_RUN_DEFAULT);
out:
	engine_free(d.e);
	for (i = 0; i < d.n_cfgs; i++)
		conf_free(d.cfgs[i]);
	uv_loop_close(d.loop);
	return d.exit_code;
}
