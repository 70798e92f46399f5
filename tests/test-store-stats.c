/* Tests for store/stats.c: per-day counts, states, response time. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "store/message.h"
#include "store/stats.h"
#include "store/store.h"
#include "util/err.h"
#include "util/loop.h"
#include "util/msg.h"

/* 2026-11-23 12:00:00 UTC */
#define NOW 1795435200LL

static uint64_t wall;

static uint64_t
clock_wall(void *data)
{
	return wall;
}

static uint64_t
clock_mono(void *data)
{
	return 0;
}

static void
inbound(struct store *st, const char *from, const char *body, int64_t at)
{
	struct store_inbound in;
	char id[32];

	memset(&in, 0, sizeof in);
	snprintf(id, sizeof id, "sid-%lld", (long long)at);
	in.backend = "sim";
	in.from = from;
	in.body = body;
	in.remote_id = id;
	wall = (uint64_t)at;
	assert_int_equal(store_message_insert_inbound(st, &in, NULL, NULL), 1);
}

static void
reply(struct store *st, const char *to, int64_t at)
{
	struct store_outgoing out;

	memset(&out, 0, sizeof out);
	out.to = to;
	out.body = "thanks";
	wall = (uint64_t)at;
	assert_int_equal(store_message_queue(st, &out, NULL, NULL), 0);
}

static void
test_store_stats_figures(void **state)
{
	struct store_opts opts = { 0, "HU", false, 0 };
	struct store_stats s;
	struct store *st;
	char dir[] = "/tmp/test-stats.XXXXXX", path[64], cmd[96];
	int64_t t0 = NOW - 2 * 86400, t1 = NOW - 3600;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/inbox.db", dir);
	loop_set_clock(clock_mono, clock_wall, NULL);
	wall = NOW - 10 * 86400;
	assert_int_equal(store_open(&st, path, &opts, NULL), 0);

	/* Outside the period: not counted. */
	inbound(st, "+36301110000", "old", NOW - 5 * 86400);
	reply(st, "+36301110000", NOW - 5 * 86400 + 10);
	/* Thread A: two messages in a row, answered 600 s after the first. */
	inbound(st, "+36301234567", "hello", t0);
	inbound(st, "+36301234567", "anyone?", t0 + 60);
	reply(st, "+36301234567", t0 + 600);
	/* Thread B: answered after 300 s, then a message not answered. */
	inbound(st, "+36209876543", "hi", t1);
	reply(st, "+36209876543", t1 + 300);
	inbound(st, "+36209876543", "ok", t1 + 1000);

	assert_int_equal(store_stats_get(st, 3, 0, NOW, &s, NULL), 0);
	assert_int_equal(s.days, 3);
	assert_int_equal(s.day0, NOW - 12 * 3600 - 2 * 86400);
	assert_int_equal(s.in[0], 2);
	assert_int_equal(s.out[0], 1);
	assert_int_equal(s.in[1], 0);
	assert_int_equal(s.in[2], 2);
	assert_int_equal(s.out[2], 1);
	assert_int_equal(s.out_state[MSG_QUEUED], 2);
	assert_int_equal(s.answered, 2);
	assert_true(s.avg_response > 449.9 && s.avg_response < 450.1);

	assert_int_equal(store_stats_get(st, 0, 0, NOW, &s, NULL), SMS_EINVAL);
	assert_int_equal(store_stats_get(st, STORE_STATS_DAYS_MAX + 1, 0, NOW,
	    &s, NULL), SMS_EINVAL);

	store_close(st);
	loop_set_clock(NULL, NULL, NULL);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static void
test_store_stats_empty(void **state)
{
	struct store_opts opts = { 0, "HU", false, 0 };
	struct store_stats s;
	struct store *st;
	char dir[] = "/tmp/test-stats.XXXXXX", path[64], cmd[96];

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/inbox.db", dir);
	assert_int_equal(store_open(&st, path, &opts, NULL), 0);
	assert_int_equal(store_stats_get(st, 7, 3600, NOW, &s, NULL), 0);
	assert_int_equal(s.in[6], 0);
	assert_int_equal(s.answered, 0);
	assert_true(s.avg_response < 0);
	store_close(st);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_store_stats_figures),
		cmocka_unit_test(test_store_stats_empty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
