/*
 * sms-inboxd: runs the engine unattended (backends, outbox, autoreply),
 * in the foreground as systemd expects.
 */
#include "config.h"

#include <getopt.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/conf.h"
#include "util/err.h"
#include "util/i18n.h"
#include "util/log.h"

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
	const char *conf_path = NULL;
	struct conf *cfg = NULL;
	struct sms_err err;
	int opt, verbose = 0, use_syslog = 0;

	setlocale(LC_ALL, "");
	bindtextdomain(PACKAGE, LOCALEDIR);
	textdomain(PACKAGE);

	while ((opt = getopt_long(argc, argv, "c:svhV", longopts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			conf_path = optarg;
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
	if (conf_load(&cfg, conf_path, &err) < 0) {
		log_err("%s", err.msg);
		if (use_syslog)
			fprintf(stderr, "sms-inboxd: %s\n", err.msg);
		return SMS_EXIT_CONFIG;
	}
	log_err("the engine is not part of this build yet");
	conf_free(cfg);
	return SMS_EXIT_UNAVAILABLE;
}
