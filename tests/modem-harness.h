/*
 * Shared by the modem tests and benchmark: start the pty modem simulator
 * (tests/fakes/modem-sim.py), talk to its control socket, and run a modem
 * backend on a libuv loop with struct backend_events that record calls.
 */
#ifndef SMS_TESTS_MODEM_HARNESS_H
#define SMS_TESTS_MODEM_HARNESS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <jansson.h>
#include <uv.h>

#include "engine/backend.h"

#define HARNESS_MAX_IN 64

struct harness {
	char dir[64];		/* the simulator's directory */
	char port[128];		/* dir/modem */
	pid_t sim;
	uv_loop_t loop;
	struct conf *cfg;
	struct backend b;
	bool opened;

	/* recorded events */
	int n_submitted;
	int64_t sub_id;
	char sub_ref[256];
	int sub_parts;
	int n_failed;
	int64_t fail_id;
	bool fail_transient;
	int fail_code;
	char fail_reason[512];
	int n_status;
	int64_t st_id;
	char st_ref[64];
	enum msg_state st_state;
	bool st_part;		/* the report is about one part */
	int n_inbound;
	char in_from[HARNESS_MAX_IN][64];
	char in_body[HARNESS_MAX_IN][1024];
	unsigned in_ref[HARNESS_MAX_IN], in_total[HARNESS_MAX_IN],
	    in_seq[HARNESS_MAX_IN];
	int inbound_rc;		/* what inbound() returns */
	bool probe_sim;		/* inbound() asks what the SIM holds */
	long in_stored[HARNESS_MAX_IN];	/* ... and records it here */
	int64_t inbound_ns;	/* test clock: when the last one arrived */
	int n_up, n_down;
	enum backend_state state;
	char detail[512];
};

/* Start the simulator with extra arguments (NULL-terminated list). */
void harness_start(struct harness *h, const char *const *sim_args);

/* Open the modem backend with extra config lines (may be ""). */
void harness_open(struct harness *h, const char *extra_conf);

/* Close the backend, stop the simulator, remove the directory. */
void harness_stop(struct harness *h);

/* One control command (JSON text); returns the reply.  Caller
 * json_decref()s. */
json_t *harness_ctl(struct harness *h, const char *json);

/* An integer field of a control reply ("stats" etc.). */
long harness_ctl_int(struct harness *h, const char *cmd, const char *key);

/* Run the loop until pred(h) holds; fails the test after a generous
 * guard so a broken backend cannot hang make check. */
void harness_run_until(struct harness *h, bool (*pred)(struct harness *h));

/* Run the loop for about ms milliseconds. */
void harness_run_for(struct harness *h, unsigned ms);

bool harness_is_up(struct harness *h);
bool harness_is_down(struct harness *h);

#endif
