/*
 * The Twilio backend against Stoplight Prism serving Twilio's official
 * OpenAPI description (../shared/twilio/prism.sh): Prism rejects every
 * request that does not conform to the spec, so each request our client
 * makes (create, list with filters and paging, fetch) is checked by a third
 * party's reading of it.  Skipped (77) without ../shared/twilio or node.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "provider-harness.h"
#include "provider/provider.h"

#define ACCOUNT "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"

static char script[512];
static char dir[64];
static int port;
static pid_t prism_pid;

/* Whether prog is on PATH. */
static bool
have(const char *prog)
{
	char cmd[128];

	snprintf(cmd, sizeof cmd, "command -v %s >/dev/null 2>&1", prog);
	return system(cmd) == 0;
}

static int
setup(void **state)
{
	char cmd[2048], pidfile[128], cache[512];
	const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	FILE *fp;
	int tries;

	snprintf(dir, sizeof dir, "/tmp/sms-prism.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	if (xdg != NULL && xdg[0] != '\0')
		snprintf(cache, sizeof cache, "%s/sms-inbox/prism", xdg);
	else
		snprintf(cache, sizeof cache, "%s/.cache/sms-inbox/prism",
		    home != NULL ? home : "/tmp");
	snprintf(pidfile, sizeof pidfile, "%s/prism.pid", dir);
	/* Another run may take the port between our probe and Prism's
	 * start: try a few. */
	for (tries = 0; tries < 5; tries++) {
		port = harness_free_port();
		snprintf(cmd, sizeof cmd, "PRISM_CACHE='%s' "
		    "PRISM_LOG_LEVEL=warn "
		    "'%s' --background --pidfile '%s' --log '%s/prism.log' %d "
		    ">/dev/null", cache, script, pidfile, dir, port);
		if (system(cmd) == 0)
			break;
	}
	fp = fopen(pidfile, "r");
	if (fp == NULL)
		return -1;
	if (fscanf(fp, "%d", &prism_pid) != 1)
		prism_pid = 0;
	fclose(fp);
	return prism_pid > 0 ? 0 : -1;
}

static int
teardown(void **state)
{
	char cmd[128];

	if (prism_pid > 0)
		kill(prism_pid, SIGTERM);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static bool
n_outcomes(struct harness *h, void *data)
{
	return h->n_submitted + h->n_failed >= *(int *)data;
}

static struct harness *
open_prism(const char *extra)
{
	struct harness *h = calloc(1, sizeof *h);
	char text[1024];

	assert_non_null(h);
	snprintf(text, sizeof text,
	    "[backend.prism]\n"
	    "type = twilio\n"
	    "api_base = http://127.0.0.1:%d\n"
	    "account_sid = " ACCOUNT "\n"
	    "from = +15017122661\n"
	    "rate = 0\n"
	    "timeout = 10\n"
	    "%s", port, extra);
	setenv("SMS_INBOX_PRISM_TOKEN", "prism-token", 1);
	assert_int_equal(harness_open(h, &twilio_backend_ops, "prism", text),
	    0);
	return h;
}

static void
test_prism_send(void **state)
{
	struct harness *h = open_prism("poll_interval = 0\n"
	    "status_callback = https://example.com/status\n");
	int one = 1;

	assert_int_equal(harness_submit(h, 1, "+15558675310",
	    "Hello from sms-inbox"), 0);
	assert_true(harness_run(h, n_outcomes, &one, 30000));
	/* Prism answers a conforming request with the spec's example;
	 * a request it rejects (422) would come back as a failure. */
	assert_int_equal(h->n_failed, 0);
	assert_int_equal(h->n_submitted, 1);
	assert_memory_equal(h->submitted[0].ref, "SM", 2);
	harness_close(h);
	free(h);
}

static void
test_prism_reconcile(void **state)
{
	struct harness *h = open_prism("poll_interval = 0\n");
	struct backend_msg m;
	struct sms_err err;
	int one = 1;

	/* The listing (To, From, PageSize) must conform, or the reconcile
	 * never comes to an outcome. */
	memset(&m, 0, sizeof m);
	m.id = 1;
	m.to = "+15558675310";
	m.body = "not in the example";
	m.created_at = time(NULL);
	assert_int_equal(h->b.ops->reconcile(&h->b, &m, &err), 0);
	assert_true(harness_run(h, n_outcomes, &one, 30000));
	assert_int_equal(h->n_failed, 1);
	assert_true(h->failed[0].transient);
	harness_close(h);
	free(h);
}

static void
test_prism_polling(void **state)
{
	struct harness *h = open_prism("poll_interval = 1\ndown_after = 1\n");
	struct backend_health hl;

	/* Listings with DateSent> and fetches of the example message run
	 * for a while; a rejected request would take the backend down. */
	harness_idle(h, 3500);
	h->b.ops->health(&h->b, &hl);
	assert_int_equal(hl.state, BACKEND_UP);
	assert_string_equal(hl.detail, "");
	harness_close(h);
	free(h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prism_send),
		cmocka_unit_test(test_prism_reconcile),
		cmocka_unit_test(test_prism_polling),
	};
	const char *srcdir = getenv("top_srcdir");
	struct stat st;

	snprintf(script, sizeof script, "%s/../shared/twilio/prism.sh",
	    srcdir != NULL ? srcdir : "..");
	if (stat(script, &st) != 0 || !have("node") || !have("npm")) {
		printf("skip: no %s, node or npm\n", script);
		return 77;
	}
	return cmocka_run_group_tests(tests, setup, teardown);
}
