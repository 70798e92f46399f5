/*
 * Four writer processes and one reader on one real store file for a while
 * (SMS_CONCURRENCY_SECONDS, default 12): no call may fail (the default
 * busy timeout and IMMEDIATE transactions absorb the contention), and
 * every row a writer says it wrote is there at the end, once.  Writers
 * pause 1-3 ms between messages, as the engine does between modem or HTTP
 * exchanges; without any pause, on an overloaded machine, a writer can
 * lose every race for the lock for the whole busy timeout.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "store/contact.h"
#include "store/event.h"
#include "store/message.h"
#include "store/search.h"
#include "store/store.h"
#include "store/thread.h"
#include "util/err.h"

#define WRITERS 4

struct counts {
	long inbound;		/* new inbound rows */
	long queued;		/* outgoing rows queued */
	long moved;		/* claims that reached delivered */
	long reads;		/* reader: pages, conversations, searches */
};

static char dir[64], path[128];

static struct store *
open_store(void)
{
	struct store_opts opts = { 0, "HU", false, 0 };
	struct store *st;
	struct sms_err err;

	if (store_open(&st, path, &opts, &err) < 0) {
		fprintf(stderr, "pid %d: open: %s\n", (int)getpid(), err.msg);
		_exit(2);
	}
	return st;
}

static void
pause_ms(int ms)
{
	struct timespec ts = { 0, (long)ms * 1000000L };

	nanosleep(&ts, NULL);
}

/* Report a failure as a user would see it and end the child. */
static void
die(const char *what, const struct sms_err *err)
{
	fprintf(stderr, "pid %d: %s: %s\n", (int)getpid(), what, err->msg);
	_exit(1);
}

static void
writer(int k, time_t until, int fd)
{
	struct store *st = open_store();
	struct store_inbound in;
	struct store_outgoing out;
	struct store_message m;
	struct counts c = { 0, 0, 0, 0 };
	struct sms_err err;
	char from[32], sid[64], body[64], backend[16];
	int64_t id;
	int rc;

	snprintf(backend, sizeof backend, "w%d", k);
	srand((unsigned)getpid());
	while (time(NULL) < until) {
		/* An inbound message from one of 50 senders per writer. */
		memset(&in, 0, sizeof in);
		snprintf(from, sizeof from, "+3630%d%06ld", k, c.inbound % 50);
		snprintf(sid, sizeof sid, "SM-%d-%ld", k, c.inbound);
		snprintf(body, sizeof body, "writer %d message %ld", k,
		    c.inbound);
		in.backend = backend;
		in.from = from;
		in.body = body;
		in.remote_id = sid;
		if ((rc = store_message_insert_inbound(st, &in, &id, &err)) <
		    0)
			die("insert inbound", &err);
		if (rc != 1) {
			fprintf(stderr, "writer %d: %s was a duplicate\n", k,
			    sid);
			_exit(1);
		}
		/* The same delivery again is dropped. */
		if ((rc = store_message_insert_inbound(st, &in, NULL, &err)) <
		    0)
			die("insert duplicate", &err);
		if (rc != 0) {
			fprintf(stderr, "writer %d: duplicate stored\n", k);
			_exit(1);
		}
		c.inbound++;
		/* A reply through this writer's own backend. */
		memset(&out, 0, sizeof out);
		out.to = from;
		out.body = "thanks";
		out.author = "agent";
		out.route = backend;
		if (store_message_queue(st, &out, NULL, &err) < 0)
			die("queue", &err);
		c.queued++;
		if ((rc = store_message_claim(st, backend, time(NULL), &m,
		    &err)) < 0)
			die("claim", &err);
		if (rc == 1) {
			snprintf(sid, sizeof sid, "R-%d-%ld", k, c.moved);
			if (store_message_submitted(st, m.id, sid, 0, &err) < 0
			    || store_message_set_state_by_ref(st, backend, sid,
			    MSG_DELIVERED, 0, NULL, 0, NULL, &err) < 0)
				die("state", &err);
			store_message_fini(&m);
			c.moved++;
		}
		/* Real writers do other work between messages (a modem
		 * exchange, an HTTP request): a few milliseconds, unsynced. */
		pause_ms(1 + (int)((unsigned)rand() % 3));
	}
	store_close(st);
	if (write(fd, &c, sizeof c) != (ssize_t)sizeof c)
		_exit(3);
	_exit(0);
}

static void
reader(time_t until, int fd)
{
	struct store *st = open_store();
	struct store_thread_query q;
	struct store_threads page;
	struct store_messages conv;
	struct store_hits hits;
	struct counts c = { 0, 0, 0, 0 };
	struct sms_err err;
	int rc;

	while (time(NULL) < until) {
		if ((rc = store_changed(st, &err)) < 0)
			die("data_version", &err);
		memset(&q, 0, sizeof q);
		q.limit = 50;
		if (store_thread_page(st, &q, &page, &err) < 0)
			die("thread page", &err);
		if (page.n > 0) {
			if (store_message_page(st, page.v[page.n / 2].id, 0,
			    100, &conv, &err) < 0)
				die("conversation", &err);
			store_messages_fini(&conv);
		}
		store_threads_fini(&page);
		if (store_search(st, "writer", 0, 20, &hits, &err) < 0)
			die("search", &err);
		store_hits_fini(&hits);
		c.reads++;
	}
	store_close(st);
	if (write(fd, &c, sizeof c) != (ssize_t)sizeof c)
		_exit(3);
	_exit(0);
}

/* The writer's rows are all there: queue state and unread counts add up
 * to what it reported. */
static void
check_writer(struct store *st, int k, const struct counts *c)
{
	struct store_threads page;
	struct store_thread_query q;
	char backend[16];
	int64_t queued, sending;
	size_t i, total = 0, unread = 0;

	snprintf(backend, sizeof backend, "w%d", k);
	/* Everything queued was claimed or is still queued; nothing is left
	 * sending. */
	assert_int_equal(store_queue_depth(st, backend, &queued, &sending,
	    NULL), 0);
	assert_int_equal(sending, 0);
	assert_int_equal(queued, c->queued - c->moved);
	/* Each writer's 50 senders hold all its inbound rows. */
	memset(&q, 0, sizeof q);
	q.filter = STORE_THREADS_ALL;
	q.limit = 1000;
	assert_int_equal(store_thread_page(st, &q, &page, NULL), 0);
	for (i = 0; i < page.n; i++) {
		char prefix[16];

		snprintf(prefix, sizeof prefix, "+3630%d", k);
		if (strncmp(page.v[i].peer, prefix, strlen(prefix)) == 0) {
			total++;
			unread += (size_t)page.v[i].unread;
		}
	}
	store_threads_fini(&page);
	assert_int_equal(total, c->inbound < 50 ? c->inbound : 50);
	assert_int_equal(unread, c->inbound);
}

static void
test_store_four_writers_one_reader(void **state)
{
	const char *env = getenv("SMS_CONCURRENCY_SECONDS");
	struct counts c[WRITERS + 1];
	struct store_hits hits;
	struct store *st;
	pid_t pid[WRITERS + 1];
	int fds[WRITERS + 1][2], status, k, seconds;
	time_t until;
	long inbound = 0;

	seconds = env != NULL ? atoi(env) : 12;
	if (seconds <= 0)
		seconds = 12;
	snprintf(dir, sizeof dir, "/tmp/test-concurrency.XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/inbox.db", dir);
	st = open_store();	/* created before the children race */
	store_close(st);
	until = time(NULL) + seconds;
	for (k = 0; k <= WRITERS; k++) {
		assert_int_equal(pipe(fds[k]), 0);
		if ((pid[k] = fork()) == 0) {
			close(fds[k][0]);
			if (k < WRITERS)
				writer(k, until, fds[k][1]);
			else
				reader(until, fds[k][1]);
		}
		assert_true(pid[k] > 0);
		close(fds[k][1]);
	}
	for (k = 0; k <= WRITERS; k++) {
		assert_int_equal(read(fds[k][0], &c[k], sizeof c[k]),
		    (ssize_t)sizeof c[k]);
		close(fds[k][0]);
		assert_int_equal(waitpid(pid[k], &status, 0), pid[k]);
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			fail_msg("process %d failed (status %d)", k, status);
	}
	st = open_store();
	for (k = 0; k < WRITERS; k++) {
		assert_true(c[k].inbound > 0);
		check_writer(st, k, &c[k]);
		inbound += c[k].inbound;
		printf("# writer %d: %ld inbound, %ld queued, %ld delivered\n",
		    k, c[k].inbound, c[k].queued, c[k].moved);
	}
	printf("# reader: %ld rounds\n", c[WRITERS].reads);
	assert_true(c[WRITERS].reads > 0);
	/* Every inbound body is in the full-text index once. */
	assert_int_equal(store_search(st, "writer", 0, (size_t)inbound + 10,
	    &hits, NULL), 0);
	assert_int_equal((long)hits.n, inbound);
	store_hits_fini(&hits);
	store_close(st);
}

/* Six programs open a store that does not exist yet, at once (the
 * daemon starting while a script polls `sms-inbox show`): every one
 * opens it, and the file is private and in WAL mode. */
static void
test_store_created_by_many(void **state)
{
	struct stat sb;
	struct store *st;
	pid_t pid[6];
	int go[2], status, k;
	char b;
	FILE *f;
	unsigned char hdr[20];

	snprintf(dir, sizeof dir, "/tmp/test-concurrency.XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/new/inbox.db", dir);
	assert_int_equal(pipe(go), 0);
	for (k = 0; k < 6; k++) {
		if ((pid[k] = fork()) == 0) {
			close(go[1]);
			if (read(go[0], &b, 1) < 0)
				_exit(3);
			st = open_store();	/* exits 2 on failure */
			store_close(st);
			_exit(0);
		}
		assert_true(pid[k] > 0);
	}
	close(go[0]);
	close(go[1]);		/* everyone's read returns: go */
	for (k = 0; k < 6; k++) {
		assert_int_equal(waitpid(pid[k], &status, 0), pid[k]);
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			fail_msg("opener %d failed (status %d)", k, status);
	}
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_non_null(f = fopen(path, "rb"));
	assert_int_equal(fread(hdr, 1, sizeof hdr, f), sizeof hdr);
	fclose(f);
	assert_int_equal(hdr[18], 2);	/* WAL (file format 2) */
	assert_int_equal(hdr[19], 2);
}

static int
teardown(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_store_created_by_many, teardown),
		cmocka_unit_test_teardown(test_store_four_writers_one_reader,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
