/*
 * Backend health history (backend_events) and queue depth, for routing,
 * `sms-inbox status` and the TUI status bar.
 */
#ifndef SMS_STORE_EVENT_H
#define SMS_STORE_EVENT_H

#include <stdbool.h>
#include <stdint.h>

#include "util/err.h"

struct store;

/*
 * Record that backend changed to state (a name: "up", "down",
 * "maintenance", "suspended"; up says whether it could send) at time at
 * (0: now), with an optional sentence.
 */
int store_event_add(struct store *st, const char *backend,
    const char *state, bool up, const char *detail, int64_t at,
    struct sms_err *err);

/*
 * The backend's last event: 1 with whether it was up and when, 0 when it
 * has none.
 */
int store_event_last(struct store *st, const char *backend, bool *up,
    int64_t *at, struct sms_err *err);

/*
 * The fraction of [from, to) the backend was up, from its events (the
 * state before from is the last event before it).  *fraction gets 0..1, or
 * -1 when no event tells anything about the window.
 */
int store_event_availability(struct store *st, const char *backend,
    int64_t from, int64_t to, double *fraction, struct sms_err *err);

/*
 * Queue depth: messages queued (due or not) and sending, for backend
 * (route NULL or backend) or for all when backend is NULL.  Either out
 * pointer may be NULL.
 */
int store_queue_depth(struct store *st, const char *backend,
    int64_t *queued, int64_t *sending, struct sms_err *err);

/* Messages queued without a route: whichever backend the router picks
 * sends them. */
int store_queue_unrouted(struct store *st, int64_t *queued,
    struct sms_err *err);

#endif
