/* Tests for util/: the error record, exit codes, logging, buffers. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/buf.h"
#include "util/err.h"
#include "util/log.h"
#include "util/msg.h"

static void
test_err_set_returns_code(void **state)
{
	struct sms_err err;

	sms_err_clear(&err);
	assert_int_equal(err.code, 0);
	assert_string_equal(err.msg, "");
	assert_int_equal(sms_err_set(&err, SMS_EDATA, "bad %s at %d", "PDU",
	    7), SMS_EDATA);
	assert_int_equal(err.code, SMS_EDATA);
	assert_string_equal(err.msg, "bad PDU at 7");
	/* NULL means "don't care" and still returns the code. */
	assert_int_equal(sms_err_set(NULL, SMS_EIO, "x"), SMS_EIO);
}

static void
test_err_sys_appends_strerror(void **state)
{
	struct sms_err err;

	sms_err_sys(&err, SMS_EIO, 2, "cannot open %s", "/dev/ttyUSB9");
	assert_int_equal(err.sys_errno, 2);
	assert_non_null(strstr(err.msg, "cannot open /dev/ttyUSB9: "));
	assert_non_null(strstr(err.msg, strerror(2)));
}

static void
test_err_prefix_and_truncation(void **state)
{
	struct sms_err err;
	char big[2 * SMS_ERR_MSG_MAX];

	sms_err_set(&err, SMS_ECONFIG, "unknown key");
	sms_err_prefix(&err, "%s:%d", "config", 12);
	assert_string_equal(err.msg, "config:12: unknown key");
	assert_int_equal(err.code, SMS_ECONFIG);
	/* A message longer than the record is cut, never overflows. */
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	sms_err_set(&err, SMS_EDATA, "%s", big);
	assert_int_equal(strlen(err.msg), SMS_ERR_MSG_MAX - 1);
	assert_int_equal(sms_err_prefix(NULL, "x"), SMS_EINVAL);
}

static void
test_err_exit_codes(void **state)
{
	static const struct { int rc, exit; } cases[] = {
		{ SMS_OK, 0 },
		{ SMS_EINVAL, 64 },
		{ SMS_EDATA, 65 },
		{ SMS_ETOOBIG, 65 },
		{ SMS_EUNAVAIL, 69 },
		{ SMS_ECANTCREAT, 73 },
		{ SMS_ETEMP, 75 },
		{ SMS_EOPTOUT, 77 },
		{ SMS_ECONFIG, 78 },
		{ SMS_ENOMEM, 70 },
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		assert_int_equal(sms_rc_exit(cases[i].rc), cases[i].exit);
	assert_string_not_equal(sms_rc_str(SMS_EOPTOUT), sms_rc_str(-999));
}

struct captured {
	int n;
	enum log_level level;
	char line[256];
};

static void
capture(enum log_level level, const char *line, void *data)
{
	struct captured *c = data;

	c->n++;
	c->level = level;
	snprintf(c->line, sizeof c->line, "%s", line);
}

static void
test_log_levels_filter(void **state)
{
	struct captured c = { 0 };

	log_to_callback(capture, &c);
	log_set_level(LOG_LEVEL_WARN);
	log_info("hidden %d", 1);
	assert_int_equal(c.n, 0);
	log_warn("shown %d", 2);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.level, LOG_LEVEL_WARN);
	assert_string_equal(c.line, "shown 2");
	log_set_level(LOG_LEVEL_DEBUG);
	log_debug("now %s", "visible");
	assert_int_equal(c.n, 2);
	assert_int_equal(log_level_parse("debug"), LOG_LEVEL_DEBUG);
	assert_int_equal(log_level_parse("WARNING"), LOG_LEVEL_WARN);
	assert_int_equal(log_level_parse("loud"), -1);
	assert_int_equal(log_level_parse(NULL), -1);
	log_to_stderr();
	log_set_level(LOG_LEVEL_WARN);
}

static void
test_log_escape_control_bytes(void **state)
{
	char out[64];

	log_escape(out, sizeof out, "OK\r\n\x1b[2J>", 10);
	assert_string_equal(out, "OK\\r\\n\\x1b[2J>");
	/* Cut at the buffer's end without splitting an escape. */
	log_escape(out, 5, "a\r\nb", 4);
	assert_string_equal(out, "a\\r");
	log_escape(out, sizeof out, "", 0);
	assert_string_equal(out, "");
}

static void
test_buf_limits(void **state)
{
	struct buf b;
	char *s;

	buf_init(&b, 8);
	assert_int_equal(buf_append_str(&b, "AT+CSQ"), 0);
	assert_int_equal(b.len, 6);
	/* Past the maximum fails and keeps what was there. */
	assert_int_equal(buf_append_str(&b, "\r\n\r"), SMS_ETOOBIG);
	assert_string_equal(b.data, "AT+CSQ");
	assert_int_equal(buf_printf(&b, "%d", 42), 0);
	assert_string_equal(b.data, "AT+CSQ42");
	assert_int_equal(buf_append_char(&b, 'x'), SMS_ETOOBIG);
	buf_consume(&b, 3);
	assert_string_equal(b.data, "CSQ42");
	s = buf_take(&b);
	assert_string_equal(s, "CSQ42");
	assert_int_equal(b.len, 0);
	free(s);
	buf_fini(&b);
}

/* Status updates only move forward: a late report never undoes delivery. */
static void
test_msg_state_moves_forward(void **state)
{
	static const struct {
		enum msg_state from, to;
		bool ok;
	} cases[] = {
		{ MSG_QUEUED, MSG_SENDING, true },
		{ MSG_SENDING, MSG_SUBMITTED, true },
		{ MSG_SENDING, MSG_QUEUED, true },	/* transient error */
		{ MSG_SUBMITTED, MSG_DELIVERED, true },	/* "sent" skipped */
		{ MSG_SENT, MSG_DELIVERED, true },
		{ MSG_DELIVERED, MSG_SENT, false },	/* late "sent" */
		{ MSG_DELIVERED, MSG_DELIVERED, false },	/* duplicate */
		{ MSG_DELIVERED, MSG_FAILED, false },
		{ MSG_FAILED, MSG_QUEUED, false },
		{ MSG_SUBMITTED, MSG_QUEUED, false },
		{ MSG_SENT, MSG_UNDELIVERED, true },
		{ MSG_QUEUED, MSG_CANCELLED, true },
		{ MSG_SUBMITTED, MSG_CANCELLED, false },
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		if (msg_state_may_move(cases[i].from, cases[i].to) !=
		    cases[i].ok)
			fail_msg("%s -> %s should be %s",
			    msg_state_name(cases[i].from),
			    msg_state_name(cases[i].to),
			    cases[i].ok ? "allowed" : "refused");
	assert_int_equal(msg_state_parse("delivered"), MSG_DELIVERED);
	assert_int_equal(msg_state_parse("nope"), -1);
	assert_string_equal(msg_state_name(MSG_UNDELIVERED), "undelivered");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_err_set_returns_code),
		cmocka_unit_test(test_err_sys_appends_strerror),
		cmocka_unit_test(test_err_prefix_and_truncation),
		cmocka_unit_test(test_err_exit_codes),
		cmocka_unit_test(test_log_levels_filter),
		cmocka_unit_test(test_log_escape_control_bytes),
		cmocka_unit_test(test_buf_limits),
		cmocka_unit_test(test_msg_state_moves_forward),
	};

	return cmocka_run_group_tests_name("util", tests, NULL, NULL);
}
