/*
 * The backend interface: a struct of operations plus state, filled in by
 * each backend folder (modem/, provider/, engine/sim.c).  The engine owns
 * the loop and the store; backends never block, never touch the store, and
 * tell the engine what happened through struct backend_events.  The engine
 * never asks which kind of backend it holds.
 *
 * This header is an interface only: modem/ and provider/ include it to fill
 * in the ops, without depending on anything else in engine/.
 */
#ifndef SMS_ENGINE_BACKEND_H
#define SMS_ENGINE_BACKEND_H

#include <stdbool.h>
#include <stdint.h>

#include <uv.h>

#include "util/err.h"
#include "util/msg.h"

struct backend;
struct conf;

enum backend_state {
	BACKEND_DOWN = 0,	/* cannot send or receive now */
	BACKEND_UP,
	BACKEND_MAINTENANCE,	/* inside a configured window */
	BACKEND_SUSPENDED,	/* released on request (SIGUSR1) */
};

/* An outgoing message handed to a backend.  Strings are borrowed for the
 * duration of the submit() call only: copy what you keep. */
struct backend_msg {
	int64_t id;		/* the store's message id */
	const char *to;		/* E.164 number (or as the user typed it) */
	const char *from;	/* sender override, or NULL for the default */
	const char *body;	/* UTF-8 text */
	bool report;		/* request a delivery report */
	bool ucs2;		/* force UCS-2 */
	int attempt;		/* 1 for the first try */
	int64_t created_at;	/* unix seconds, when it was queued */
};

/* A message (or one part of a concatenated one) that arrived.  Borrowed
 * for the duration of the inbound() call. */
struct backend_inbound {
	const char *from;	/* sender: E.164, national or alphanumeric */
	const char *to;		/* our number, or NULL if unknown */
	const char *body;	/* UTF-8 text of this part */
	int64_t sent_at;	/* SC timestamp / provider date, unix seconds */
	int tz_quarters;	/* SC timestamp's zone, quarter hours; 0 if n/a */
	const char *remote_id;	/* provider SID; NULL for a modem */
	const char *encoding;	/* "gsm7", "ucs2", "8bit" or NULL */
	/* Concatenation: total 0 or 1 means a whole message. */
	unsigned concat_ref;
	unsigned concat_total;
	unsigned concat_seq;	/* 1-based */
};

/* A report about a message sent earlier. */
struct backend_status {
	int64_t msg_id;		/* the store's id, or 0 when only ref is known */
	const char *remote_ref;	/* provider SID or modem reference */
	enum msg_state state;	/* MSG_SENT, MSG_DELIVERED, MSG_UNDELIVERED,
				 * MSG_FAILED */
	int error_code;		/* the backend's code, 0 if none */
	const char *error_text;	/* a sentence for the agent, or NULL */
	int64_t at;		/* when it happened, unix seconds; 0 = now */
	bool part;		/* remote_ref names one part of a message
				 * sent in several (a modem's TP-MR): the
				 * store combines the parts' reports */
};

/* What a backend reports about itself (status command, status bar). */
struct backend_health {
	enum backend_state state;
	int signal_dbm;		/* modem signal, 0 if unknown */
	int signal_bars;	/* 0-5, -1 if unknown */
	char operator_name[64];	/* network or provider name */
	char detail[256];	/* a sentence: why down, storage use, ... */
};

/*
 * Callbacks from a backend to the engine.  Each may be called from any
 * loop callback of the backend, never from inside the call that caused it
 * unless said so.
 */
struct backend_events {
	/* The backend accepted message msg_id (all its parts); remote_ref
	 * is the provider SID or modem message reference(s), "," joined. */
	void (*submitted)(void *ctx, struct backend *b, int64_t msg_id,
	    const char *remote_ref, int parts);
	/* Sending msg_id failed.  transient: try again (not before
	 * retry_after seconds if > 0); else the failure is permanent.
	 * reason is a sentence for the agent. */
	void (*send_failed)(void *ctx, struct backend *b, int64_t msg_id,
	    bool transient, int retry_after, int code, const char *reason);
	/* A status report arrived. */
	void (*status)(void *ctx, struct backend *b,
	    const struct backend_status *st);
	/* A message arrived.  Returns 0 once it is committed to the store:
	 * only then may the backend delete it from the SIM or acknowledge
	 * it to the provider.  A negative return means "keep it and offer
	 * it again later". */
	int (*inbound)(void *ctx, struct backend *b,
	    const struct backend_inbound *in);
	/* The recipient number has opted out at the backend's end (a
	 * provider's own STOP handling, such as Twilio error 21610): mark
	 * it opted out here too, so sends to it are refused before they
	 * cost anything.  reason is a sentence for the log. */
	void (*opted_out)(void *ctx, struct backend *b, const char *number,
	    const char *reason);
	/* The backend went up or down; detail is a sentence or NULL. */
	void (*state)(void *ctx, struct backend *b, enum backend_state state,
	    const char *detail);
};

struct backend_ops {
	const char *type;	/* the config's type = value */

	/* Set up from [backend.NAME] and register handles on loop.  Must
	 * not block: connecting happens on the loop; report it through
	 * events->state.  Errors here are configuration errors. */
	int (*open)(struct backend *b, uv_loop_t *loop, const struct conf *cfg,
	    struct sms_err *err);
	/* Stop and release everything (port, sockets); call done when all
	 * handles are closed.  Messages in flight are left to reconcile. */
	void (*close)(struct backend *b, void (*done)(struct backend *b));
	/* Whether submit() would take a message now (up, under the rate
	 * limit, room for one more in flight). */
	bool (*ready)(struct backend *b);
	/* Milliseconds until ready() may become true (rate limit); 0 if
	 * unknown or now. */
	uint64_t (*next_ready)(struct backend *b);
	/* Start sending msg.  Returns 0 if taken (the outcome comes through
	 * events), SMS_EBUSY if not now, or another negative code for a
	 * message this backend can never send (err says why). */
	int (*submit)(struct backend *b, const struct backend_msg *msg,
	    struct sms_err *err);
	/* After a crash, msg was left "sending": find out whether it went
	 * out.  The answer comes as events->submitted (it did: adopt the
	 * reference) or events->send_failed(transient) (it did not: send
	 * again).  NULL when the backend cannot know; the engine then
	 * applies the configured resend policy. */
	int (*reconcile)(struct backend *b, const struct backend_msg *msg,
	    struct sms_err *err);
	/* Fill in health; never blocks (answers from what it knows). */
	void (*health)(struct backend *b, struct backend_health *out);
	/* Release the device until resume (SIGUSR1/SIGUSR2); may be NULL. */
	void (*suspend)(struct backend *b);
	void (*resume)(struct backend *b);
};

/* A backend instance.  The engine allocates it and fills name, ops,
 * events and ctx before open(); the backend owns priv. */
struct backend {
	const struct backend_ops *ops;
	char *name;			/* NAME of [backend.NAME] */
	char *section;			/* "backend.NAME" */
	const struct backend_events *events;
	void *ctx;			/* passed back to events */
	void *priv;			/* the backend's own state */
};

#endif
