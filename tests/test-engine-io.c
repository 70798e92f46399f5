/* Tests for the engine's plumbing: the lock, the IPC socket (handshake,
 * requests, limits, events) and hooks (argv splitting, stdin, env,
 * output, timeout and kill). */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>
#include <uv.h>

#include "engine/hooks.h"
#include "engine/ipc.h"
#include "engine/lock.h"
#include "util/conf.h"

static char tmpdir[] = "/tmp/sms-test-io.XXXXXX";

static int
setup(void **state)
{
	(void)state;
	signal(SIGPIPE, SIG_IGN);
	return mkdtemp(tmpdir) != NULL ? 0 : -1;
}

static int
teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static void
test_lock_twice(void **state)
{
	char store[256];
	struct sms_err err;
	pid_t pid;
	int fd, fd2;

	snprintf(store, sizeof store, "%s/a.db", tmpdir);
	assert_int_equal(lock_holder(store, &pid), 0);
	assert_int_equal(lock_open(&fd, store, &err), 0);
	assert_true(fd >= 0);
	assert_int_equal(lock_holder(store, &pid), 1);
	assert_int_equal(pid, getpid());
	assert_int_equal(lock_open(&fd2, store, &err), SMS_EBUSY);
	assert_int_equal(fd2, -1);
	assert_non_null(strstr(err.msg, "already running (pid "));
	lock_close(fd, store);
	assert_int_equal(lock_holder(store, &pid), 0);
	assert_int_equal(lock_open(&fd, store, &err), 0);
	lock_close(fd, store);
	lock_close(-1, store);
}

static void
test_ipc_socket_path(void **state)
{
	char *p;

	setenv("XDG_RUNTIME_DIR", "/run/user/42", 1);
	p = ipc_socket_path("/srv/x/inbox.db");
	assert_string_equal(p, "/srv/x/inbox.db.sock");
	free(p);
	setenv("XDG_DATA_HOME", "/home/u/.data", 1);
	p = ipc_socket_path("/home/u/.data/sms-inbox/inbox.db");
	assert_string_equal(p, "/run/user/42/sms-inbox/engine.sock");
	free(p);
	/* Too long for sun_path: a hashed name in the runtime directory. */
	p = ipc_socket_path("/very/long/path/that/goes/on/and/on/and/on/and/"
	    "on/and/on/and/on/and/on/and/on/and/on/and/on/and/on/and/on/and/on/"
	    "forever/inbox.db");
	assert_non_null(strstr(p, "/run/user/42/sms-inbox/engine-"));
	free(p);
}

/* The IPC test: the server on the main thread's loop, clients on a
 * thread that stops the loop through an async handle when done. */
struct ipc_fixture {
	uv_loop_t loop;
	uv_async_t done;
	struct ipc_server *srv;
	char path[256];
	int requests;
	int failures;
	char failure[512];
};

static json_t *
on_request(void *data, const char *cmd, json_t *req, struct sms_err *err)
{
	struct ipc_fixture *f = data;

	f->requests++;
	if (strcmp(cmd, "status") == 0)
		return json_pack("{s:s}", "engine", "running");
	if (strcmp(cmd, "wake") == 0) {
		json_t *ev = json_pack("{s:s, s:I}", "event", "woken", "n",
		    (json_int_t)f->requests);

		ipc_server_publish(f->srv, ev);
		json_decref(ev);
		return json_object();
	}
	(void)req;
	sms_err_set(err, SMS_EINVAL, "unknown command \"%s\"", cmd);
	return NULL;
}

#define CHECK(f, cond) do { if (!(cond)) { (f)->failures++; \
	snprintf((f)->failure, sizeof (f)->failure, "line %d: %s", __LINE__, \
	#cond); goto out; } } while (0)

/* Connect a raw socket; returns the fd. */
static int
raw_connect(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path);
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Read until n newlines or EOF; returns bytes read. */
static size_t
raw_read_lines(int fd, char *buf, size_t size, int lines)
{
	size_t len = 0;
	ssize_t n;

	while (len + 1 < size && lines > 0) {
		n = read(fd, buf + len, size - len - 1);
		if (n <= 0)
			break;
		for (ssize_t i = 0; i < n; i++)
			if (buf[len + (size_t)i] == '\n')
				lines--;
		len += (size_t)n;
	}
	buf[len] = '\0';
	return len;
}

static void *
ipc_client_thread(void *arg)
{
	struct ipc_fixture *f = arg;
	struct sms_err err;
	json_t *req = NULL, *reply = NULL;
	char buf[4096], *big = NULL;
	int fd = -1;

	/* status */
	req = json_pack("{s:s, s:i}", "cmd", "status", "id", 7);
	CHECK(f, ipc_call(f->path, req, &reply, 5000, &err) == 0);
	CHECK(f, strcmp(json_string_value(json_object_get(reply, "engine")),
	    "running") == 0);
	CHECK(f, json_integer_value(json_object_get(reply, "id")) == 7);
	json_decref(req);
	json_decref(reply);
	reply = NULL;
	/* an unknown command: the engine's sentence comes back */
	req = json_pack("{s:s}", "cmd", "frobnicate");
	CHECK(f, ipc_call(f->path, req, &reply, 5000, &err) == SMS_EPROTO);
	CHECK(f, strstr(err.msg, "unknown command \"frobnicate\"") != NULL);
	json_decref(req);
	req = NULL;
	/* no engine there */
	req = json_pack("{s:s}", "cmd", "status");
	CHECK(f, ipc_call("/nonexistent/engine.sock", req, &reply, 500,
	    &err) == SMS_ENOENT);
	json_decref(req);
	req = NULL;
	/* a client speaking another protocol version is told so */
	CHECK(f, (fd = raw_connect(f->path)) >= 0);
	CHECK(f, write(fd, "{\"protocol\":99}\n", 16) == 16);
	raw_read_lines(fd, buf, sizeof buf, 2);
	CHECK(f, strstr(buf, "\"protocol\":1") != NULL);
	CHECK(f, strstr(buf, "protocol version 99 is not supported") != NULL);
	close(fd);
	/* a line over the limit is refused and the connection closed */
	CHECK(f, (fd = raw_connect(f->path)) >= 0);
	CHECK(f, (big = malloc(IPC_LINE_MAX + 10)) != NULL);
	memset(big, 'x', IPC_LINE_MAX + 10);
	CHECK(f, write(fd, big, IPC_LINE_MAX + 10) > 0);
	raw_read_lines(fd, buf, sizeof buf, 3);
	CHECK(f, strstr(buf, "too long") != NULL);
	close(fd);
	/* not JSON */
	CHECK(f, (fd = raw_connect(f->path)) >= 0);
	CHECK(f, write(fd, "{\"protocol\":1}\nhello\n", 21) == 21);
	raw_read_lines(fd, buf, sizeof buf, 2);
	CHECK(f, strstr(buf, "not a JSON object") != NULL);
	close(fd);
	/* subscribe, then a wake from another client makes an event */
	CHECK(f, (fd = raw_connect(f->path)) >= 0);
	CHECK(f, write(fd, "{\"protocol\":1}\n{\"cmd\":\"subscribe\"}\n",
	    35) == 35);
	raw_read_lines(fd, buf, sizeof buf, 2);
	CHECK(f, strstr(buf, "\"ok\":true") != NULL);
	req = json_pack("{s:s}", "cmd", "wake");
	CHECK(f, ipc_call(f->path, req, &reply, 5000, &err) == 0);
	json_decref(reply);
	reply = NULL;
	raw_read_lines(fd, buf, sizeof buf, 1);
	CHECK(f, strstr(buf, "\"event\":\"woken\"") != NULL);
out:
	if (fd >= 0)
		close(fd);
	free(big);
	json_decref(req);
	json_decref(reply);
	uv_async_send(&f->done);
	return NULL;
}

static void
ipc_done(uv_async_t *a)
{
	struct ipc_fixture *f = a->data;

	ipc_server_stop(f->srv);
	uv_close((uv_handle_t *)a, NULL);
}

static void
test_ipc_roundtrip(void **state)
{
	struct ipc_fixture f;
	struct sms_err err;
	pthread_t t;

	memset(&f, 0, sizeof f);
	snprintf(f.path, sizeof f.path, "%s/run/engine.sock", tmpdir);
	assert_int_equal(uv_loop_init(&f.loop), 0);
	assert_int_equal(ipc_server_start(&f.srv, &f.loop, f.path, on_request,
	    &f, &err), 0);
	uv_async_init(&f.loop, &f.done, ipc_done);
	f.done.data = &f;
	assert_int_equal(pthread_create(&t, NULL, ipc_client_thread, &f), 0);
	uv_run(&f.loop, UV_RUN_DEFAULT);
	pthread_join(t, NULL);
	assert_int_equal(uv_loop_close(&f.loop), 0);
	if (f.failures > 0)
		fail_msg("%s", f.failure);
	assert_int_equal(access(f.path, F_OK), -1);	/* removed */
}

static void
test_hooks_split(void **state)
{
	static const struct {
		const char *in;
		const char *want;	/* words joined by |, NULL: error */
	} cases[] = {
		{ "notify", "notify" },
		{ "  /bin/x  -a b  ", "/bin/x|-a|b" },
		{ "x 'a b' \"c d\"", "x|a b|c d" },
		{ "x a\\ b \"q\\\"q\" 'n\\n'", "x|a b|q\"q|n\\n" },
		{ "x ''", "x|" },
		{ "x 'open", NULL },
		{ "", NULL },
		{ "   ", NULL },
	};
	size_t i, j;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char **argv = NULL, got[256] = "";
		int rc = hooks_split(cases[i].in, &argv, NULL);

		if (cases[i].want == NULL) {
			assert_int_equal(rc, SMS_ECONFIG);
			continue;
		}
		assert_int_equal(rc, 0);
		for (j = 0; argv[j] != NULL; j++) {
			if (j > 0)
				strcat(got, "|");
			strcat(got, argv[j]);
		}
		free(argv);
		if (strcmp(got, cases[i].want) != 0)
			fail_msg("case %zu: got \"%s\"", i, got);
	}
}

struct hook_result {
	int calls;
	int status;
	char out[HOOKS_OUTPUT_MAX + 1];
	size_t len;
};

static void
on_output(void *data, int status, const char *out, size_t len)
{
	struct hook_result *r = data;

	r->calls++;
	r->status = status;
	memcpy(r->out, out, len);
	r->out[len] = '\0';
	r->len = len;
}

static struct hooks *
hooks_with(uv_loop_t *loop, const char *ini)
{
	struct conf *cfg;
	struct hooks *h;
	struct sms_err err;

	if (conf_load_string(&cfg, ini, "test", &err) < 0)
		fail_msg("%s", err.msg);
	if (hooks_new(&h, loop, cfg, &err) < 0)
		fail_msg("%s", err.msg);
	conf_free(cfg);
	return h;
}

static void
test_hooks_fire_and_output(void **state)
{
	uv_loop_t loop;
	struct hooks *h;
	struct hook_result r1 = { 0 }, r2 = { 0 }, r3 = { 0 };
	char ini[512], file[256], buf[512];
	json_t *msg;
	FILE *fp;

	snprintf(file, sizeof file, "%s/hook.out", tmpdir);
	snprintf(ini, sizeof ini, "[hooks]\non_receive = sh -c 'cat >\"$0\"; "
	    "echo \"$SMS_INBOX_EVENT $SMS_INBOX_ID $SMS_INBOX_NUMBER\" "
	    ">>\"$0\"; echo complaint >&2' %s\n", file);
	uv_loop_init(&loop);
	h = hooks_with(&loop, ini);
	msg = json_pack("{s:I, s:s, s:s}", "id", (json_int_t)42, "number",
	    "+3630", "body", "hi; rm -rf /");
	hooks_fire(h, HOOK_RECEIVE, msg);
	hooks_fire(h, HOOK_SENT, msg);		/* not configured */
	assert_int_equal(hooks_running(h), 1);
	assert_int_equal(hooks_command(h, "sh -c 'cat; echo \" $SMS_INBOX_"
	    "EVENT\"'", msg, on_output, &r1, NULL), 0);
	assert_int_equal(hooks_command(h, "sh -c 'exit 3'", msg, on_output,
	    &r2, NULL), 0);
	assert_int_equal(hooks_command(h, "/nonexistent/cmd", msg, on_output,
	    &r3, NULL), SMS_EUNAVAIL);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(hooks_running(h), 0);
	assert_int_equal(r1.calls, 1);
	assert_int_equal(r1.status, 0);
	assert_string_equal(r1.out, "{\"id\":42,\"number\":\"+3630\","
	    "\"body\":\"hi; rm -rf /\"} rule\n");
	assert_int_equal(r2.calls, 1);
	assert_int_equal(r2.status, 3);
	assert_int_equal(r3.calls, 0);
	fp = fopen(file, "r");
	assert_non_null(fp);
	buf[fread(buf, 1, sizeof buf - 1, fp)] = '\0';
	fclose(fp);
	assert_string_equal(buf, "{\"id\":42,\"number\":\"+3630\","
	    "\"body\":\"hi; rm -rf /\"}receive 42 +3630\n");
	json_decref(msg);
	hooks_stop(h);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&loop), 0);
}

static void
test_hooks_timeout_kills(void **state)
{
	uv_loop_t loop;
	struct hooks *h;
	struct hook_result r = { 0 }, big = { 0 };
	json_t *msg = json_object();

	uv_loop_init(&loop);
	h = hooks_with(&loop, "[hooks]\ntimeout = 1\n");
	/* Ignores SIGTERM: only SIGKILL ends it. */
	assert_int_equal(hooks_command(h, "sh -c 'trap \"\" TERM; echo "
	    "started; while :; do sleep 1; done'", msg, on_output, &r, NULL),
	    0);
	/* Output past the limit is cut, not buffered without end. */
	assert_int_equal(hooks_command(h, "sh -c 'yes | head -c 100000'",
	    msg, on_output, &big, NULL), 0);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(r.calls, 1);
	assert_int_equal(r.status, -1);
	assert_string_equal(r.out, "started\n");
	assert_int_equal(big.calls, 1);
	assert_int_equal(big.len, HOOKS_OUTPUT_MAX);
	hooks_stop(h);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&loop), 0);
	json_decref(msg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lock_twice),
		cmocka_unit_test(test_ipc_socket_path),
		cmocka_unit_test(test_ipc_roundtrip),
		cmocka_unit_test(test_hooks_split),
		cmocka_unit_test(test_hooks_fire_and_output),
		cmocka_unit_test(test_hooks_timeout_kills),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
