/*
 * The demonstration inbox (`sms-inbox --demo`): a temporary directory
 * holding a store seeded with a few realistic conversations, and a
 * configuration naming it and the simulated backend, so every subcommand
 * (and the TUI) works on it unchanged.
 */
#ifndef SMS_CLI_DEMO_H
#define SMS_CLI_DEMO_H

struct cmd_ctx;
struct store;
struct sms_err;

/*
 * Create the demo: ctx->demo_dir (mkdtemp), ctx->cfg (store path inside
 * it, default_country HU, a sim backend) and ctx->store, seeded.  On
 * failure prints the sentence, removes what it made and returns the exit
 * status; 0 on success.
 */
int demo_init(struct cmd_ctx *ctx);

/* Remove the demo's directory and everything in it (the store must be
 * closed); nothing when there is none. */
void demo_fini(struct cmd_ctx *ctx);

/*
 * Seed st with the demo conversations, their times ending at now (unix
 * seconds).  For demo_init() and tests.  Returns 0 or a negative sms_rc
 * with err set.
 */
int demo_seed(struct store *st, long long now, struct sms_err *err);

#endif
