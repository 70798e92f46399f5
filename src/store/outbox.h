/*
 * Outbox queries the engine needs beyond store/message.h: claiming only
 * the messages routed to one backend by name (sms-send --backend), which
 * must go out even while the router sends everything else elsewhere; and
 * making a recovered backend's backed-off messages due again.
 */
#ifndef SMS_STORE_OUTBOX_H
#define SMS_STORE_OUTBOX_H

#include <stdint.h>

#include "util/err.h"

struct store;
struct store_message;

/*
 * Like store_message_claim(), but only messages whose route is backend
 * (not the unrouted ones).  Returns 1 with *out filled (caller runs
 * store_message_fini()), 0 when none is due.
 */
int store_outbox_claim_routed(struct store *st, const char *backend,
    int64_t now, struct store_message *out, struct sms_err *err);

/*
 * Backend came back: its queued messages waiting out a backoff from their
 * last attempt there become due at now.  *n (may be NULL) gets how many.
 */
int store_outbox_retry_now(struct store *st, const char *backend,
    int64_t now, int64_t *n, struct sms_err *err);

#endif
