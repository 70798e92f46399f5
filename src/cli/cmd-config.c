#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmd.h"
#include "util/conf.h"
#include "util/err.h"
#include "util/i18n.h"

/*
 * `sms-inbox config check`: load and validate the file, print what it
 * would use.  `sms-inbox config path`: print the file's name.
 */
static int
cmd_config_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	const char *const *names;
	struct conf *cfg;
	char *path;
	size_t i, n;
	int rc;

	if (argc != 2 || strcmp(argv[1], "--help") == 0) {
		if (argc == 2)
			goto help;
		return cmd_usage_error(ctx, "config",
		    _("expected one of: check, path"));
	}
	if (strcmp(argv[1], "path") == 0) {
		if (ctx->conf_path != NULL)
			printf("%s\n", ctx->conf_path);
		else {
			if ((path = conf_default_path()) == NULL)
				return SMS_EXIT_SOFTWARE;
			printf("%s\n", path);
			free(path);
		}
		return 0;
	}
	if (strcmp(argv[1], "check") != 0)
		return cmd_usage_error(ctx, "config",
		    _("unknown action \"%s\" (expected check or path)"),
		    argv[1]);
	if ((rc = cmd_ctx_config(ctx, &cfg)) != 0)
		return rc;
	printf(_("configuration: %s\n"),
	    conf_file(cfg) ? conf_file(cfg) : _("(none, defaults)"));
	if ((path = conf_store_path(cfg)) != NULL)
		printf(_("store: %s\n"), path);
	free(path);
	names = conf_backends(cfg, &n);
	for (i = 0; i < n; i++) {
		char section[256];

		snprintf(section, sizeof section, "backend.%s", names[i]);
		printf(_("backend %s: %s\n"), names[i],
		    conf_get_str(cfg, section, "type", "?"));
	}
	return 0;
help:
	printf(_("Usage: %s config check|path\n"
	    "Check the configuration file and show what it sets up, or print "
	    "its path.\n"), ctx->progname);
	return 0;
}

const struct cmd_entry cmd_config_entry = {
	"config",
	N_("check the configuration file or print its path"),
	cmd_config_exec,
};
