/*
 * The engine: backends, outbox, router and failover, inbound pipeline,
 * autoreply rules, hooks and the control socket, on one libuv loop.
 * Exactly one process runs it per store (the engine lock, engine/lock.h):
 * sms-inboxd always, sms-inbox and sms-send when nobody else does.
 *
 * Lifecycle: engine_new() opens the store and takes the lock, engine_start()
 * opens the backends and the socket and starts work, engine_stop() lets the
 * messages in flight finish (at most ENGINE_STOP_GRACE ms) and closes
 * everything, then calls done; engine_free() after that.
 */
#ifndef SMS_ENGINE_ENGINE_H
#define SMS_ENGINE_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <uv.h>

#include "util/err.h"

struct conf;
struct engine;
struct store;

#define ENGINE_STOP_GRACE 10000

/* Gets every event the engine publishes (the same objects subscribers
 * of the socket get; borrowed for the call). */
typedef void (*engine_event_cb)(void *data, json_t *event);
typedef void (*engine_done_cb)(struct engine *e, void *data);

/*
 * Open the store cfg names and take the engine lock.  cfg is borrowed and
 * must outlive the engine (engine_reload() hands over a new one).
 * SMS_EBUSY with "already running (pid N)" when another process runs the
 * engine; SMS_ECONFIG for bad backend or routing settings.
 */
int engine_new(struct engine **out, uv_loop_t *loop, struct conf *cfg,
    struct sms_err *err);

/* Open the backends and the control socket, reconcile rows left sending by
 * a crash, and start the outbox.  listen false: no socket (tests). */
int engine_start(struct engine *e, bool listen, struct sms_err *err);

/* Finish and close (see above); done may be NULL. */
void engine_stop(struct engine *e, engine_done_cb done, void *data);

/* Release what engine_new() took; after engine_stop()'s done, or when
 * engine_start() was never called.  NULL is fine. */
void engine_free(struct engine *e);

/* Use cfg (borrowed, as in engine_new()) for routing, outbox, autoreply
 * and hooks, and reload the rules.  Backends keep their settings until a
 * restart. */
int engine_reload(struct engine *e, struct conf *cfg, struct sms_err *err);

/* Release the backends' devices (SIGUSR1) and take them back (SIGUSR2). */
void engine_suspend(struct engine *e);
void engine_resume(struct engine *e);

/* Look at the outbox now (someone queued messages). */
void engine_wake(struct engine *e);

/*
 * Answer a control request as the socket does (doc/internals/ipc.md):
 * "wake", "status", and for sim backends "inject" and "sim".  Returns the
 * reply object (a new reference) or NULL with err set.
 */
json_t *engine_request(struct engine *e, const char *cmd, json_t *req,
    struct sms_err *err);

/* Install the in-process listener (one; NULL removes it). */
void engine_set_listener(struct engine *e, engine_event_cb cb, void *data);

/* The store the engine writes; borrowed until engine_free(). */
struct store *engine_store(struct engine *e);

/* Messages handed to a backend and not yet answered. */
size_t engine_in_flight(const struct engine *e);

/* The status object `sms-inbox status --json` prints (a new reference). */
json_t *engine_status(struct engine *e);

/*
 * The status object for a store whose engine is not running here: from
 * the configuration and the store's backend_events.  running says whether
 * another process holds the engine lock.  A new reference, or NULL.
 */
json_t *engine_status_offline(struct store *st, const struct conf *cfg,
    bool running, long pid);

/* Exponential backoff with jitter for attempt (1-based): seconds to wait
 * before the next try, base seconds doubling up to 15 minutes, +-20 %;
 * never less than retry_after.  rnd: any 32 bits. */
int64_t engine_backoff(int attempt, int base, int retry_after,
    uint32_t rnd);

#endif
