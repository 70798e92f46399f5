/*
 * Hooks: commands run when a message arrives, is sent, delivered or
 * fails ([hooks] on_receive, on_sent, on_delivery, on_failure), and the
 * commands whose output a rule replies with.  They run without a shell
 * (the command line is split into argv, with '' "" and \ quoting), get
 * the message as JSON on standard input and SMS_INBOX_* variables,
 * asynchronously: a hook that hangs is sent SIGTERM at [hooks] timeout and
 * SIGKILL 5 seconds later, and never stalls the engine.  Their standard
 * error goes to our log.
 */
#ifndef SMS_ENGINE_HOOKS_H
#define SMS_ENGINE_HOOKS_H

#include <stddef.h>

#include <jansson.h>
#include <uv.h>

#include "util/err.h"

struct buf;
struct conf;

enum hook_kind {
	HOOK_RECEIVE = 0,
	HOOK_SENT,
	HOOK_DELIVERY,
	HOOK_FAILURE,
};

/* At most this many hooks run at once; more are dropped with a warning. */
#define HOOKS_RUNNING_MAX 16
/* A reply command's output is read up to here (bytes). */
#define HOOKS_OUTPUT_MAX 8192
/* and its reply is cut to this many characters: ten GSM-7 segments. */
#define HOOKS_REPLY_CHARS 1530

struct hooks;

/* Read [hooks] from cfg (the command lines are checked here).  SIGPIPE
 * is ignored from then on when it was not handled: a command that does
 * not read its input must not kill the process. */
int hooks_new(struct hooks **out, uv_loop_t *loop, const struct conf *cfg,
    struct sms_err *err);

/* Stop: hooks still running get SIGTERM; the object frees itself once
 * they are gone.  NULL is fine. */
void hooks_stop(struct hooks *h);

/* Run the hook for kind, if configured, with msg (borrowed) on stdin. */
void hooks_fire(struct hooks *h, enum hook_kind kind, json_t *msg);

/* A command finished: status is its exit status (-1 when killed or it
 * could not start); out is its standard output (len bytes). */
typedef void (*hooks_output_cb)(void *data, int status, const char *out,
    size_t len);

/* Run cmdline with msg on stdin and hand its output to cb (called
 * exactly once, later, unless this returns an error). */
int hooks_command(struct hooks *h, const char *cmdline, json_t *msg,
    hooks_output_cb cb, void *data, struct sms_err *err);

/*
 * The reply text out of a command's output s (len bytes): blanks trimmed
 * at both ends, invalid UTF-8 as U+FFFD, NULs dropped, at most chars
 * characters, appended to out.  Returns 0 or a negative enum sms_rc.
 */
int hooks_output_text(struct buf *out, const char *s, size_t len,
    size_t chars);

/* How many commands are running now. */
size_t hooks_running(const struct hooks *h);

/*
 * Split a command line into a NULL-terminated argv: words separated by
 * blanks, '...' and "..." quoting, backslash escapes.  *argv is one
 * allocation: Caller frees it with free().
 */
int hooks_split(const char *cmdline, char ***argv, struct sms_err *err);

#endif
