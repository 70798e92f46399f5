/*
 * A small engine stand-in for provider tests: a uv loop, a struct backend
 * whose events are recorded, helpers to start the loopback fake
 * (tests/fakes/provider-fake.py) and to talk to it through our own HTTP
 * client.
 */
#ifndef SMS_TESTS_PROVIDER_HARNESS_H
#define SMS_TESTS_PROVIDER_HARNESS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <jansson.h>
#include <uv.h>

#include "engine/backend.h"
#include "util/conf.h"

#define HARNESS_MAX 2048

struct harness_event {
	int64_t msg_id;
	char ref[80];
	bool transient;
	int retry_after;
	int code;
	char text[256];
	enum msg_state state;
};

struct harness {
	uv_loop_t loop;
	struct backend b;
	struct backend_events ev;
	struct conf *cfg;
	bool open;
	bool closed;

	struct harness_event submitted[HARNESS_MAX];
	int n_submitted;
	struct harness_event failed[HARNESS_MAX];
	int n_failed;
	struct harness_event status[HARNESS_MAX];
	int n_status;
	struct harness_event inbound[HARNESS_MAX];	/* ref=SID text=body */
	int n_inbound;
	int refuse_inbound;	/* answer -1 to this many inbound calls */
	enum backend_state state;
	int n_state;
};

/* The fake: its pid, port and temporary directory. */
struct fake {
	pid_t pid;
	int port;
	char dir[64];
	char base[64];		/* http://127.0.0.1:PORT */
	char token_file[128];
};

/* A loopback port nobody listens on now (for a webhook listener), or -1. */
int harness_free_port(void);

/* Start tests/fakes/provider-fake.py; returns 0 or -1. */
int fake_start(struct fake *f, const char *token);
void fake_stop(struct fake *f);

/* Call the fake (method, path, JSON body or NULL) on loop; returns the
 * parsed JSON reply (caller decrefs), NULL on failure. */
json_t *fake_call(uv_loop_t *loop, struct fake *f, const char *method,
    const char *path, const char *json);

/* Requests recorded by the fake with that method whose path contains
 * path_part; caller decrefs the array. */
json_t *fake_requests(uv_loop_t *loop, struct fake *f, const char *method,
    const char *path_part);

/* Set up h with config text (INI) for [backend.NAME] and open it with ops.
 * Returns the open() result. */
int harness_open(struct harness *h, const struct backend_ops *ops,
    const char *name, const char *ini);
void harness_close(struct harness *h);

/* Run the loop until pred(h, data) holds or ms pass (a guard against
 * hanging, not a timing assertion).  Returns pred's final value. */
bool harness_run(struct harness *h, bool (*pred)(struct harness *, void *),
    void *data, uint64_t ms);

/* Run the loop for ms (let things settle). */
void harness_idle(struct harness *h, uint64_t ms);

/* Submit a message, retrying while the backend is busy. */
int harness_submit(struct harness *h, int64_t id, const char *to,
    const char *body);

#endif
