/*
 * The engine's shared state, for the files of engine/ only (engine.c,
 * outbox.c, router.c, inbound.c, health.c).  Front ends use engine.h.
 */
#ifndef SMS_ENGINE_PRIVATE_H
#define SMS_ENGINE_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <uv.h>

#include "engine/backend.h"
#include "engine/engine.h"
#include "util/err.h"

struct conf;
struct hooks;
struct ipc_server;
struct rules;
struct store;

/* A maintenance window of one backend: "dongle Sun 02:00-04:00". */
struct route_window {
	char *hours;			/* rules_hours_match() spec */
};

/* What the engine knows about one backend beyond its ops. */
struct engine_backend {
	struct backend b;
	struct engine *e;
	bool opened;
	bool closed;
	bool heard;			/* it reported a state */
	bool was_up;			/* it has been up since opened */
	int rank;			/* 0 primary, 1.. fallbacks, -1 none */
	enum backend_state reported;	/* what the backend said last */
	enum backend_state effective;	/* after maintenance and failures */
	int64_t since;			/* effective state since (unix) */
	int64_t failing_since;		/* first failure in a row, 0: none */
	bool failing_down;		/* down because of down_after */
	uint64_t last_probe;		/* loop ms of the last probe */
	int down_after;			/* seconds */
	int in_flight;			/* submitted, no outcome yet */
	char last_error[256];
	char detail[256];
	struct route_window *maint;
	size_t n_maint;
};

/* A rule's reply command, run once its message is committed. */
struct reply_job {
	struct engine *e;		/* NULL: the engine is gone */
	struct reply_job *next;
	int64_t rule_id, message_id;
	char *peer;
	char *cmdline;
	json_t *msg;			/* on its standard input */
};

/* A message being reconciled after a crash. */
struct engine_reconciling {
	int64_t id;
	struct engine_reconciling *next;
};

struct engine {
	uv_loop_t *loop;
	struct conf *cfg;
	struct store *st;
	char *store_path;
	char *sock_path;
	int lock_fd;
	int64_t started_at;
	int64_t crashed_at;		/* the last engine's last sign of life
					 * when it did not stop, else 0 */
	struct ipc_server *ipc;
	struct hooks *hooks;
	struct rules *rules;
	struct reply_job *reply_jobs;	/* commands running */
	int64_t rules_gen;
	bool rules_loaded;
	struct engine_backend *be;
	size_t n_be;
	uv_timer_t outbox_timer;
	uv_timer_t tick;
	bool outbox_pending;		/* a run is scheduled */
	bool started, stopping, suspended;
	int max_attempts;
	int retry_base;			/* seconds, first backoff */
	int probe_ms;			/* probe a failing backend */
	bool autoreply;
	int fragment_timeout;		/* seconds */
	struct engine_reconciling *reconciling;
	engine_event_cb listener;
	void *listener_data;
	engine_done_cb stop_done;
	void *stop_data;
	uint64_t stop_deadline;		/* loop ms: give up on in-flight */
	int open_handles;
	uint32_t rnd;			/* jitter state */
	unsigned ticks;
};

/* engine.c */
void engine_publish(struct engine *e, json_t *event);
struct engine_backend *engine_backend_find(struct engine *e,
    const char *name);
void engine_message_event(struct engine *e, int64_t id, const char *what);

/* outbox.c */
void outbox_kick(struct engine *e);
void outbox_run(struct engine *e);
void outbox_reconcile(struct engine *e);
void outbox_submitted(struct engine *e, struct engine_backend *eb,
    int64_t id, const char *ref, int parts);
void outbox_failed(struct engine *e, struct engine_backend *eb, int64_t id,
    bool transient, int retry_after, int code, const char *reason);
void outbox_status(struct engine *e, struct engine_backend *eb,
    const struct backend_status *st);
size_t outbox_in_flight(const struct engine *e);

/* router.c */
int router_init(struct engine *e, struct sms_err *err);
void router_fini(struct engine *e);
void router_reported(struct engine *e, struct engine_backend *eb,
    enum backend_state state, const char *detail);
void router_tick(struct engine *e);
void router_success(struct engine *e, struct engine_backend *eb);
void router_failure(struct engine *e, struct engine_backend *eb,
    const char *reason);
bool router_usable(struct engine *e, struct engine_backend *eb);
struct engine_backend *router_active(struct engine *e);

/* inbound.c */
int inbound_receive(struct engine *e, struct engine_backend *eb,
    const struct backend_inbound *in);
void inbound_expire(struct engine *e);
int inbound_rules_reload(struct engine *e, bool force);
/* Forget the reply commands still running: their output is dropped. */
void inbound_jobs_detach(struct engine *e);

#endif
