/*
 * sms-send: send an SMS from scripts (`sms-send [OPTION]... RECIPIENT...
 * [-- TEXT]`).  Exit codes are an API: see sms-send(1).
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
	fputs(_("Usage: sms-send [OPTION]... RECIPIENT... [-- TEXT]\n"
	    "Send an SMS to each RECIPIENT (a number, a contact name or "
	    "@tag).\nWithout TEXT, the message is read from standard input.\n\n"),
	    stdout);
	fputs(_("Options:\n"
	    "  -c, --config=FILE  read the configuration from FILE\n"
	    "  -v, --verbose      log more (repeat for debug output)\n"
	    "  -h, --help         display this help and exit\n"
	    "  -V, --version      output version information and exit\n"),
	    stdout);
	fputs(_("\nExit status: 0 sent, 64 usage, 65 bad number or text, "
	    "69 no backend can send,\n75 temporary failure, 77 recipient opted "
	    "out, 78 configuration error.\nSee sms-send(1).\n"), stdout);
	printf(_("Report bugs to: %s\n"), PACKAGE_BUGREPORT);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *conf_path = NULL;
	struct conf *cfg = NULL;
	struct sms_err err;
	int opt, verbose = 0, rc;

	setlocale(LC_ALL, "");
	bindtextdomain(PACKAGE, LOCALEDIR);
	textdomain(PACKAGE);

	while ((opt = getopt_long(argc, argv, "c:vhV", longopts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			conf_path = optarg;
			break;
		case 'v':
			verbose++;
			break;
		case 'h':
			usage();
			return 0;
		case 'V':
			printf("sms-send (%s) %s\n", PACKAGE_NAME,
			    PACKAGE_VERSION);
			return 0;
		default:
			fputs(_("Try 'sms-send --help' for more information.\n"),
			    stderr);
			return SMS_EXIT_USAGE;
		}
	}
	log_to_stderr();
	log_set_level(verbose >= 2 ? LOG_LEVEL_DEBUG :
	    verbose == 1 ? LOG_LEVEL_INFO : LOG_LEVEL_WARN);
	if (optind >= argc) {
		fputs(_("sms-send: no recipient given\n"
		    "Try 'sms-send --help' for more information.\n"), stderr);
		return SMS_EXIT_USAGE;
	}
	sms_err_clear(&err);
	if (conf_load(&cfg, conf_path, &err) < 0) {
		fprintf(stderr, "sms-send: %s\n", err.msg);
		return SMS_EXIT_CONFIG;
	}
	fputs(_("sms-send: no backend can send in this build\n"), stderr);
	rc = SMS_EXIT_UNAVAILABLE;
	conf_free(cfg);
	return rc;
}
