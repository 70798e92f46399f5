/*
 * Messages: the outbox (queue, claim, state updates, retries), idempotent
 * inbound, and conversation pages.  See DESIGN.md "Messages and their
 * states"; states only move as msg_state_may_move() allows.
 */
#ifndef SMS_STORE_MESSAGE_H
#define SMS_STORE_MESSAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"
#include "util/msg.h"

struct store;

/* One message row.  Every string is owned by the struct (NULL when the
 * column is NULL); release with store_message_fini(). */
struct store_message {
	int64_t id;
	int64_t thread_id;
	char *peer;		/* the thread's peer (E.164 or alphanumeric) */
	enum msg_dir dir;
	enum msg_state state;
	char *body;		/* UTF-8 */
	char *encoding;		/* "gsm7", "ucs2", "8bit" or NULL */
	int segments;		/* 0 when unknown */
	char *our_number;	/* inbound: the number it came to; outbound:
				 * the sender override, or NULL */
	char *route;		/* backend asked for, NULL: router chooses */
	char *backend;		/* backend that sent or brought it */
	char *remote_ref;	/* provider SID / modem reference */
	int error_code;		/* backend's code, 0 if none */
	char *error_text;	/* a sentence for the agent, or NULL */
	char *author;		/* agent login, "rule:<id>", "sms-send" or NULL */
	bool report;		/* a delivery report was asked for */
	int attempts;		/* claims so far */
	int64_t not_before;	/* scheduled: not sent before this (0: now) */
	int64_t next_attempt_at; /* retry: not before this (0: now) */
	int64_t created_at;	/* stored (queued or received) */
	int64_t remote_at;	/* inbound: SC timestamp / provider date; 0 */
	int64_t claimed_at, submitted_at, sent_at, delivered_at, read_at;
	int64_t state_at;	/* last state change; 0 when unknown */
};

/* An owned array of messages; release with store_messages_fini(). */
struct store_messages {
	struct store_message *v;
	size_t n;
};

void store_message_fini(struct store_message *m);
void store_messages_fini(struct store_messages *ms);

/* An outgoing message to queue.  Strings are borrowed for the call. */
struct store_outgoing {
	const char *to;		/* number as typed: normalised here */
	const char *body;	/* UTF-8, not empty */
	const char *author;	/* agent login, "rule:<id>", ... or NULL */
	const char *route;	/* backend name, or NULL for the router */
	const char *from;	/* sender override, or NULL */
	const char *encoding;	/* if already known, else NULL */
	int segments;		/* if already known, else 0 */
	int64_t not_before;	/* scheduled send, 0 for now */
	bool report;		/* ask for a delivery report */
	bool to_opted_out;	/* allow an opted-out recipient (the one
				 * acknowledgement of STOP); normally false */
};

/*
 * Queue an outgoing message (state queued) in the thread of its recipient,
 * creating the thread.  Refuses an opted-out recipient with SMS_EOPTOUT
 * and an alphanumeric or malformed one with SMS_EDATA, each with a
 * sentence.  *id (may be NULL) gets the new message's id.
 */
int store_message_queue(struct store *st, const struct store_outgoing *m,
    int64_t *id, struct sms_err *err);

/*
 * Claim the oldest due queued message for backend atomically (one UPDATE
 * inside a write transaction, so several processes never claim the same
 * row): due means not_before and next_attempt_at <= now, and its route is
 * NULL or backend.  The row becomes sending with attempts + 1, backend and
 * claimed_at set.  Returns 1 and fills *out (caller runs
 * store_message_fini()), or 0 when nothing is due.
 */
int store_message_claim(struct store *st, const char *backend, int64_t now,
    struct store_message *out, struct sms_err *err);

/*
 * When the next queued message for backend (route NULL or backend) becomes
 * due: *when gets the unix time (<= now: due already), or -1 when the queue
 * is empty.  For the outbox timer.
 */
int store_message_next_due(struct store *st, const char *backend,
    int64_t *when, struct sms_err *err);

/*
 * The backend accepted message id: sending -> submitted, remote_ref and
 * submitted_at recorded; a comma-joined remote_ref ("12,13") records one
 * part per reference for store_message_part_state().  Returns 1 if moved, 0 if the state did not allow
 * it (the reference is still recorded), SMS_ENOENT when no such message.
 */
int store_message_submitted(struct store *st, int64_t id,
    const char *remote_ref, int64_t at, struct sms_err *err);

/*
 * Move message id to state, if msg_state_may_move() allows it (forward
 * only; a late "sent" never overwrites "delivered").  error_code/error_text
 * (0/NULL for none) are recorded with failed and undelivered.  The matching
 * time column (sent_at, delivered_at, ...) gets at (0: now).  Returns 1 if
 * moved, 0 if refused, SMS_ENOENT when no such message.
 */
int store_message_set_state(struct store *st, int64_t id,
    enum msg_state state, int error_code, const char *error_text,
    int64_t at, struct sms_err *err);

/*
 * The same for a report that names the message by (backend, remote_ref),
 * as delivery reports and provider callbacks do.  Modem references wrap at
 * 256: the newest matching outgoing message is taken.  *id (may be NULL)
 * gets the message's id.  SMS_ENOENT when none matches.
 */
int store_message_set_state_by_ref(struct store *st, const char *backend,
    const char *remote_ref, enum msg_state state, int error_code,
    const char *error_text, int64_t at, int64_t *id, struct sms_err *err);

/*
 * A report about one part of a message sent in several (a modem's
 * reference of one part: "13" of "12,13,14").  id names the message when
 * the backend knows it, 0 looks for the newest message of backend still
 * waiting for a part with that reference.  The part takes state, then the
 * message moves as the parts together say: delivered once every part is,
 * sent, undelivered or failed as soon as one part is.  A message of one
 * part (no parts recorded) moves at once, found by id or by remote_ref.
 * *id_out (may be NULL) gets the message's id.  Returns 1 if the message
 * moved, 0 if not (yet), SMS_ENOENT when nothing matches.
 */
int store_message_part_state(struct store *st, const char *backend,
    int64_t id, const char *part_ref, enum msg_state state, int error_code,
    const char *error_text, int64_t at, int64_t *id_out,
    struct sms_err *err);

/*
 * A transient failure: sending -> queued with next_attempt_at and the
 * error kept for display (the agent sees "retrying: ...").  Returns 1 if
 * moved, 0 if the state did not allow it.
 */
int store_message_requeue(struct store *st, int64_t id,
    int64_t next_attempt_at, int error_code, const char *error_text,
    struct sms_err *err);

/* A permanent failure: state failed with code and sentence.  Returns 1
 * if moved, 0 if the state did not allow it. */
int store_message_fail(struct store *st, int64_t id, int error_code,
    const char *error_text, int64_t at, struct sms_err *err);

/* Withdraw a queued message (state cancelled).  1 if moved, else 0. */
int store_message_cancel(struct store *st, int64_t id, struct sms_err *err);

/*
 * Rows left sending (crash reconciliation) for backend, or for every
 * backend when backend is NULL, oldest first.  Caller runs
 * store_messages_fini(out).
 */
int store_message_list_sending(struct store *st, const char *backend,
    struct store_messages *out, struct sms_err *err);

/* One message by id.  SMS_ENOENT if none; caller runs
 * store_message_fini(out). */
int store_message_get(struct store *st, int64_t id,
    struct store_message *out, struct sms_err *err);

/* An incoming message (a whole one, or what reassembly made of its parts).
 * Strings are borrowed for the call. */
struct store_inbound {
	const char *backend;	/* the backend that brought it */
	const char *from;	/* sender as received: normalised here;
				 * alphanumeric senders are kept as is */
	const char *to;		/* our number, or NULL */
	const char *body;	/* UTF-8 (may be empty) */
	const char *encoding;	/* "gsm7", "ucs2", "8bit" or NULL */
	int segments;		/* parts it came in; 0 or 1 for one */
	int64_t remote_at;	/* SC timestamp / provider date; 0 unknown */
	int64_t received_at;	/* 0: now */
	/* Idempotency: the provider's SID when there is one ... */
	const char *remote_id;
	/* ... else the modem key: sender + remote_at + concat ref/total/seq
	 * + a hash of the body (seq 0 for a reassembled message). */
	unsigned concat_ref;
	unsigned concat_total;
	unsigned concat_seq;
};

/*
 * Store an incoming message in its sender's thread (created if needed;
 * unread + 1, unarchived) unless the same message is already stored (same
 * provider SID on the same backend, or the same modem key).  Returns 1 when
 * new, 0 for a duplicate; *id (may be NULL) gets the message's id either
 * way.  Committed when it returns (or with the caller's transaction).
 */
int store_message_insert_inbound(struct store *st,
    const struct store_inbound *in, int64_t *id, struct sms_err *err);

/*
 * A conversation page: the newest limit messages of thread with id below
 * before_id (0: from the newest), returned oldest first.  To page back,
 * pass the first row's id as before_id.  Uses the (thread_id, id) index,
 * so a page costs the same at any depth.  Caller runs
 * store_messages_fini(out).
 */
int store_message_page(struct store *st, int64_t thread_id,
    int64_t before_id, size_t limit, struct store_messages *out,
    struct sms_err *err);

/*
 * The other direction: the oldest limit messages of thread with id above
 * after_id, oldest first; to page forward, pass the last row's id.
 */
int store_message_page_after(struct store *st, int64_t thread_id,
    int64_t after_id, size_t limit, struct store_messages *out,
    struct sms_err *err);

#endif
