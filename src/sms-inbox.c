/*
 * sms-inbox: the terminal inbox, and the non-interactive subcommands
 * (`sms-inbox [OPTION]... [COMMAND [ARG]...]`).
 */
#include "config.h"

#include <getopt.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmd.h"
#include "util/err.h"
#include "util/i18n.h"
#include "util/log.h"

static void
usage(const char *progname)
{
	const struct cmd_entry *const *c;

	printf(_("Usage: %s [OPTION]... [COMMAND [ARG]...]\n"), progname);
	fputs(_("A two-way SMS inbox for the terminal.  Without a command, "
	    "opens the inbox.\n\n"), stdout);
	fputs(_("Options:\n"
	    "  -c, --config=FILE  read the configuration from FILE\n"
	    "      --demo         open a demonstration inbox (temporary store, "
	    "simulated network)\n"
	    "  -v, --verbose      log more (repeat for debug output)\n"
	    "  -h, --help         display this help and exit\n"
	    "  -V, --version      output version information and exit\n"),
	    stdout);
	fputs(_("\nCommands:\n"), stdout);
	for (c = cmd_table(); *c != NULL; c++)
		printf("  %-10s %s\n", (*c)->name, _((*c)->summary));
	printf(_("\nRun '%s COMMAND --help' for a command's options.\n"
	    "See sms-inbox(1) and sms-inbox.conf(5).\n"), progname);
	printf(_("Report bugs to: %s\n"), PACKAGE_BUGREPORT);
}

static void
version(void)
{
	printf("sms-inbox (%s) %s\n", PACKAGE_NAME, PACKAGE_VERSION);
	fputs(_("License: MIT.  This is free software: you are free to change "
	    "and redistribute it.\nThere is NO WARRANTY, to the extent "
	    "permitted by law.\n"), stdout);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "demo", no_argument, NULL, 'D' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct cmd_ctx ctx;
	const struct cmd_entry *c;
	int opt, rc;

	i18n_init();

	memset(&ctx, 0, sizeof ctx);
	ctx.progname = "sms-inbox";
	/* '+': options after the command belong to the command. */
	while ((opt = getopt_long(argc, argv, "+c:vhV", longopts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			ctx.conf_path = optarg;
			break;
		case 'D':
			ctx.demo = true;
			break;
		case 'v':
			ctx.verbose++;
			break;
		case 'h':
			usage(ctx.progname);
			return 0;
		case 'V':
			version();
			return 0;
		default:
			fprintf(stderr, _("Try '%s --help' for more "
			    "information.\n"), ctx.progname);
			return SMS_EXIT_USAGE;
		}
	}
	log_to_stderr();
	log_set_level(ctx.verbose >= 2 ? LOG_LEVEL_DEBUG :
	    ctx.verbose == 1 ? LOG_LEVEL_INFO : LOG_LEVEL_WARN);

	if (optind < argc) {
		if ((c = cmd_find(argv[optind])) == NULL) {
			rc = cmd_usage_error(&ctx, NULL,
			    _("unknown command \"%s\""), argv[optind]);
			goto out;
		}
	} else if ((c = cmd_find("tui")) == NULL &&
	    (c = cmd_find("threads")) == NULL) {
		cmd_error(&ctx, _("the inbox is not available in this build"));
		rc = SMS_EXIT_UNAVAILABLE;
		goto out;
	}
	if (optind < argc)
		rc = c->exec(&ctx, argc - optind, argv + optind);
	else {
		char *args[] = { (char *)c->name, NULL };

		rc = c->exec(&ctx, 1, args);
	}
out:
	cmd_ctx_fini(&ctx);
	return rc;
}
