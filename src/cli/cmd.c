#include "config.h"

#include "cli/cmd.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/demo.h"
#include "store/store.h"
#include "util/conf.h"
#include "util/err.h"
#include "util/i18n.h"

/* Add a subcommand here and in cmd-list.h. */
#include "cli/cmd-list.h"

static const struct cmd_entry *const table[] = {
	CMD_LIST
	NULL,
};

const struct cmd_entry *const *
cmd_table(void)
{
	return table;
}

const struct cmd_entry *
cmd_find(const char *name)
{
	const struct cmd_entry *const *c;

	for (c = table; *c != NULL; c++)
		if (strcmp((*c)->name, name) == 0)
			return *c;
	return NULL;
}

int
cmd_ctx_config(struct cmd_ctx *ctx, struct conf **out)
{
	struct sms_err err;
	int rc;

	sms_err_clear(&err);
	if (ctx->cfg == NULL && ctx->demo) {
		if ((rc = demo_init(ctx)) != 0)
			return rc;
	} else if (ctx->cfg == NULL &&
	    conf_load(&ctx->cfg, ctx->conf_path, &err) < 0) {
		cmd_error(ctx, "%s", err.msg);
		return SMS_EXIT_CONFIG;
	}
	*out = ctx->cfg;
	return 0;
}

int
cmd_ctx_store(struct cmd_ctx *ctx, struct store **out)
{
	struct sms_err err;
	struct conf *cfg;
	int rc;

	if (ctx->store == NULL) {
		/* With --demo this opens the demo's store. */
		if ((rc = cmd_ctx_config(ctx, &cfg)) != 0)
			return rc;
		sms_err_clear(&err);
		if (ctx->store == NULL &&
		    (rc = store_open_conf(&ctx->store, cfg, &err)) < 0) {
			cmd_error(ctx, "%s", err.msg);
			return sms_rc_exit(rc);
		}
	}
	*out = ctx->store;
	return 0;
}

void
cmd_ctx_fini(struct cmd_ctx *ctx)
{
	store_close(ctx->store);
	ctx->store = NULL;
	demo_fini(ctx);
	conf_free(ctx->cfg);
	ctx->cfg = NULL;
}

void
cmd_error(const struct cmd_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", ctx->progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int
cmd_usage_error(const struct cmd_ctx *ctx, const char *name, const char *fmt,
    ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", ctx->progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (name != NULL)
		fprintf(stderr, _("Try '%s %s --help' for more information.\n"),
		    ctx->progname, name);
	else
		fprintf(stderr, _("Try '%s --help' for more information.\n"),
		    ctx->progname);
	return SMS_EXIT_USAGE;
}

int
cmd_try_help(const struct cmd_ctx *ctx, const char *name)
{
	fprintf(stderr, _("Try '%s %s --help' for more information.\n"),
	    ctx->progname, name);
	return SMS_EXIT_USAGE;
}
