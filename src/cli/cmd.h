/*
 * The subcommands of sms-inbox (`sms-inbox [GLOBAL...] NAME [ARGS...]`).
 * Each lives in its own cmd-NAME.c and is listed in cmd.c's table.
 */
#ifndef SMS_CLI_CMD_H
#define SMS_CLI_CMD_H

#include <stdbool.h>

struct conf;
struct store;

/* What the global options set up; shared by every subcommand. */
struct cmd_ctx {
	const char *progname;
	const char *conf_path;	/* --config, or NULL for the default */
	struct conf *cfg;		/* loaded on first cmd_ctx_config() */
	int verbose;			/* -v count */
	bool demo;			/* --demo: temporary store, sim backend */
	char *demo_dir;			/* the demo's temporary directory */
	struct store *store;		/* opened by cmd_ctx_store() */
};

struct cmd_entry {
	const char *name;
	const char *summary;	/* one line for --help; N_() */
	/* argv[0] is the subcommand's name; returns a sysexits code. */
	int (*exec)(struct cmd_ctx *ctx, int argc, char **argv);
};

/* The subcommand called name, or NULL. */
const struct cmd_entry *cmd_find(const char *name);

/* Every subcommand, ending with NULL. */
const struct cmd_entry *const *cmd_table(void);

/*
 * Load the configuration once (--config, SMS_INBOX_CONFIG or the default
 * path).  On failure prints the sentence and returns the exit status (78);
 * 0 on success with *out borrowed until cmd_ctx_fini().
 */
int cmd_ctx_config(struct cmd_ctx *ctx, struct conf **out);

/*
 * Open the store once: the configured one, or with --demo the demo's
 * (created and seeded on first use, see cli/demo.h).  On failure prints the
 * sentence and returns the exit status; 0 on success with *out borrowed
 * until cmd_ctx_fini().
 */
int cmd_ctx_store(struct cmd_ctx *ctx, struct store **out);

/* Free what the context loaded; close the store and remove the demo's
 * directory. */
void cmd_ctx_fini(struct cmd_ctx *ctx);

/* Print "PROG: message" to stderr (for errors a subcommand reports). */
void cmd_error(const struct cmd_ctx *ctx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* After getopt reported a bad option: print "Try 'PROG NAME --help'";
 * returns 64. */
int cmd_try_help(const struct cmd_ctx *ctx, const char *name);

/* Print a usage complaint and "Try 'PROG NAME --help'"; returns 64. */
int cmd_usage_error(const struct cmd_ctx *ctx, const char *name,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
