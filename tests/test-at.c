/*
 * Tests for modem/at: the response parser and command queue, driven by
 * recorded transcripts in tests/data/at/ *.chat, plus the limits.
 *
 * A transcript is one step per line ("#" starts a comment):
 *   send CMD          queue CMD (clears what was written so far)
 *   body CMD|BODY     queue CMD answered by "> ", then BODY
 *   recv BYTES        the modem says BYTES (escapes: \r \n \xNN \\)
 *   write BYTES       what we wrote since the last send/write is BYTES
 *   timeout           the command timer fires
 *   result NAME N     the last finished command: its result and N, the
 *                     error code for +CME/+CMS, else its count of
 *                     intermediate lines
 *   line I TEXT       its intermediate line I
 *   written 0|1       whether its body went out
 *   urc TEXT          the next unsolicited line is TEXT
 *   urc-pdu TEXT|PDU  the next one is a two-line URC
 *   mode text|pdu     at_set_text_mode()
 * At the end every URC must have been expected.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "modem/at.h"
#include "util/buf.h"

#define MAX_URCS 64

struct rec {
	struct buf written;
	uint64_t armed;
	bool done;
	enum at_result result;
	int code;
	size_t n_lines;
	char lines[8][512];
	bool body_written;
	char urcs[MAX_URCS][512];
	size_t n_urcs, next_urc;
};

static void
rec_write(void *ctx, const char *data, size_t len)
{
	struct rec *r = ctx;

	assert_int_equal(buf_append(&r->written, data, len), 0);
}

static void
rec_arm(void *ctx, uint64_t ms)
{
	struct rec *r = ctx;

	r->armed = ms;
}

static void
rec_urc(void *ctx, const struct at_urc *u)
{
	struct rec *r = ctx;

	assert_true(r->n_urcs < MAX_URCS);
	snprintf(r->urcs[r->n_urcs++], sizeof r->urcs[0], "%s%s%s", u->line,
	    u->pdu ? "|" : "", u->pdu ? u->pdu : "");
}

static const struct at_ops rec_ops = { rec_write, rec_arm, rec_urc };

static void
rec_done(void *data, const struct at_response *res)
{
	struct rec *r = data;
	size_t i;

	r->done = true;
	r->result = res->result;
	r->code = res->code;
	r->n_lines = res->n_lines;
	r->body_written = res->body_written;
	for (i = 0; i < res->n_lines && i < 8; i++)
		snprintf(r->lines[i], sizeof r->lines[i], "%s", res->lines[i]);
}

/* Undo the transcript escapes into out; returns the length. */
static size_t
unescape(const char *s, char *out)
{
	size_t n = 0;
	unsigned v;

	while (*s != '\0') {
		if (*s != '\\') {
			out[n++] = *s++;
			continue;
		}
		s++;
		switch (*s) {
		case 'r': out[n++] = '\r'; s++; break;
		case 'n': out[n++] = '\n'; s++; break;
		case '\\': out[n++] = '\\'; s++; break;
		case 'x':
			assert_int_equal(sscanf(s + 1, "%2x", &v), 1);
			out[n++] = (char)v;
			s += 3;
			break;
		default:
			fail_msg("bad escape \\%c", *s);
		}
	}
	out[n] = '\0';
	return n;
}

static enum at_result
result_named(const char *name)
{
	static const struct {
		const char *name;
		enum at_result r;
	} t[] = {
		{ "OK", AT_RES_OK }, { "ERROR", AT_RES_ERROR },
		{ "+CME", AT_RES_CME_ERROR }, { "+CMS", AT_RES_CMS_ERROR },
		{ "NO_CARRIER", AT_RES_NO_CARRIER },
		{ "TIMEOUT", AT_RES_TIMEOUT },
		{ "CANCELLED", AT_RES_CANCELLED },
		{ "TOOBIG", AT_RES_TOOBIG },
	};
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++)
		if (strcmp(t[i].name, name) == 0)
			return t[i].r;
	fail_msg("unknown result %s", name);
	return AT_RES_ERROR;
}

static void
run_chat(const char *name)
{
	char path[1024], line[4096], arg[4096], cmd[4096];
	const char *srcdir = getenv("top_srcdir");
	struct rec r;
	struct at *at;
	FILE *f;
	char *p, *sp;
	size_t len;
	int lineno = 0, n, code;

	snprintf(path, sizeof path, "%s/tests/data/at/%s",
	    srcdir ? srcdir : ".", name);
	f = fopen(path, "r");
	assert_non_null(f);
	memset(&r, 0, sizeof r);
	buf_init(&r.written, 65536);
	assert_int_equal(at_new(&at, &rec_ops, &r), 0);
	while (fgets(line, sizeof line, f) != NULL) {
		lineno++;
		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		sp = strchr(line, ' ');
		if (sp != NULL)
			*sp = '\0';
		snprintf(arg, sizeof arg, "%s", sp ? sp + 1 : "");
		print_message("%s:%d: %s %s\n", name, lineno, line, arg);
		if (strcmp(line, "send") == 0) {
			buf_reset(&r.written);
			r.done = false;
			assert_int_equal(at_send(at, arg, 1000, rec_done, &r),
			    0);
		} else if (strcmp(line, "body") == 0) {
			buf_reset(&r.written);
			r.done = false;
			p = strchr(arg, '|');
			assert_non_null(p);
			*p = '\0';
			assert_int_equal(at_send_with_body(at, arg, p + 1,
			    1000, rec_done, &r), 0);
		} else if (strcmp(line, "mode") == 0) {
			at_set_text_mode(at, strcmp(arg, "text") == 0);
		} else if (strcmp(line, "recv") == 0) {
			len = unescape(arg, cmd);
			at_feed(at, cmd, len);
		} else if (strcmp(line, "write") == 0) {
			len = unescape(arg, cmd);
			assert_int_equal(r.written.len, len);
			assert_memory_equal(r.written.len ? r.written.data : "",
			    cmd, len);
			buf_reset(&r.written);
		} else if (strcmp(line, "timeout") == 0) {
			assert_true(r.armed > 0);
			at_timeout(at);
		} else if (strcmp(line, "result") == 0) {
			char rname[32];

			n = sscanf(arg, "%31s %d", rname, &code);
			assert_int_equal(n, 2);
			assert_true(r.done);
			assert_int_equal(r.result, result_named(rname));
			if (r.result == AT_RES_CME_ERROR ||
			    r.result == AT_RES_CMS_ERROR)
				assert_int_equal(r.code, code);
			else
				assert_int_equal(r.n_lines, (size_t)code);
		} else if (strcmp(line, "line") == 0) {
			n = atoi(arg);
			p = strchr(arg, ' ');
			assert_non_null(p);
			unescape(p + 1, cmd);
			assert_true((size_t)n < r.n_lines);
			assert_string_equal(r.lines[n], cmd);
		} else if (strcmp(line, "written") == 0) {
			assert_int_equal(r.body_written, atoi(arg) != 0);
		} else if (strcmp(line, "urc") == 0 ||
		    strcmp(line, "urc-pdu") == 0) {
			unescape(arg, cmd);
			assert_true(r.next_urc < r.n_urcs);
			assert_string_equal(r.urcs[r.next_urc], cmd);
			r.next_urc++;
		} else
			fail_msg("%s:%d: unknown step %s", name, lineno, line);
	}
	fclose(f);
	assert_int_equal(r.next_urc, r.n_urcs);
	at_free(at);
	buf_fini(&r.written);
}

static void test_at_chat_echo(void **s) { (void)s; run_chat("echo-on.chat"); }
static void test_at_chat_urc_mid(void **s)
{ (void)s; run_chat("urc-mid-response.chat"); }
static void test_at_chat_prompt(void **s) { (void)s; run_chat("prompt.chat"); }
static void test_at_chat_text_mode(void **s)
{ (void)s; run_chat("text-mode.chat"); }
static void test_at_chat_numeric(void **s)
{ (void)s; run_chat("numeric.chat"); }
static void test_at_chat_errors(void **s) { (void)s; run_chat("errors.chat"); }
static void test_at_chat_two_line(void **s)
{ (void)s; run_chat("two-line-urc.chat"); }
static void test_at_chat_noise(void **s)
{ (void)s; run_chat("noise-timeout.chat"); }

/* A line over AT_LINE_MAX is dropped whole; the next one is fine. */
static void
test_at_line_limit(void **state)
{
	static char big[AT_LINE_MAX * 3];
	struct rec r;
	struct at *at;

	(void)state;
	memset(&r, 0, sizeof r);
	buf_init(&r.written, 4096);
	assert_int_equal(at_new(&at, &rec_ops, &r), 0);
	assert_int_equal(at_send(at, "AT+CMGL=4", 1000, rec_done, &r), 0);
	memset(big, 'A', sizeof big);
	at_feed(at, "\r\n", 2);
	at_feed(at, big, sizeof big);
	at_feed(at, "\r\n+CMGL: 1,0,,3\r\nOK\r\n", 21);
	assert_true(r.done);
	assert_int_equal(r.result, AT_RES_OK);
	assert_int_equal(r.n_lines, 1);
	assert_string_equal(r.lines[0], "+CMGL: 1,0,,3");
	assert_int_equal(at_dropped_lines(at), 1);
	at_free(at);
	buf_fini(&r.written);
}

/* More than AT_LINES_MAX lines: the command fails as too big. */
static void
test_at_too_many_lines(void **state)
{
	struct rec r;
	struct at *at;
	int i;

	(void)state;
	memset(&r, 0, sizeof r);
	buf_init(&r.written, 4096);
	assert_int_equal(at_new(&at, &rec_ops, &r), 0);
	assert_int_equal(at_send(at, "AT+CMGL=4", 1000, rec_done, &r), 0);
	for (i = 0; i < AT_LINES_MAX + 5; i++)
		at_feed(at, "x\r\n", 3);
	at_feed(at, "OK\r\n", 4);
	assert_true(r.done);
	assert_int_equal(r.result, AT_RES_TOOBIG);
	at_free(at);
	buf_fini(&r.written);
}

/* The queue: one command at a time, the next written after the answer;
 * a full queue says busy; cancel completes everything. */
static void
test_at_queue_order_and_cancel(void **state)
{
	struct rec r;
	struct at *at;
	int i;

	(void)state;
	memset(&r, 0, sizeof r);
	buf_init(&r.written, 65536);
	assert_int_equal(at_new(&at, &rec_ops, &r), 0);
	assert_int_equal(at_send(at, "AT", 500, rec_done, &r), 0);
	assert_int_equal(at_send(at, "AT+CSQ", 700, rec_done, &r), 0);
	assert_string_equal(r.written.data, "AT\r");
	assert_int_equal(r.armed, 500);
	at_feed(at, "OK\r\n", 4);
	assert_string_equal(r.written.data, "AT\rAT+CSQ\r");
	assert_int_equal(r.armed, 700);
	for (i = 1; i < AT_QUEUE_MAX; i++)
		assert_int_equal(at_send(at, "AT", 500, rec_done, &r), 0);
	assert_int_equal(at_send(at, "AT", 500, rec_done, &r), SMS_EBUSY);
	assert_true(at_busy(at));
	at_cancel_all(at);
	assert_false(at_busy(at));
	assert_int_equal(r.result, AT_RES_CANCELLED);
	assert_int_equal(r.armed, 0);
	at_free(at);
	buf_fini(&r.written);
}

static void
test_at_value_and_urc_table(void **state)
{
	(void)state;
	assert_string_equal(at_value("+CMTI: \"SM\",3", "+CMTI"), "\"SM\",3");
	assert_null(at_value("+CMTIX: 1", "+CMTI"));
	assert_null(at_value("", "+CMTI"));
	assert_true(at_is_urc("+CMTI: \"SM\",1"));
	assert_true(at_is_urc("^RSSI: 3"));
	assert_true(at_is_urc("RING"));
	assert_false(at_is_urc("+CSQ: 20,99"));
	assert_false(at_is_urc(""));
	assert_string_equal(at_result_name(AT_RES_CMS_ERROR), "+CMS ERROR");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_at_chat_echo),
		cmocka_unit_test(test_at_chat_urc_mid),
		cmocka_unit_test(test_at_chat_prompt),
		cmocka_unit_test(test_at_chat_text_mode),
		cmocka_unit_test(test_at_chat_numeric),
		cmocka_unit_test(test_at_chat_errors),
		cmocka_unit_test(test_at_chat_two_line),
		cmocka_unit_test(test_at_chat_noise),
		cmocka_unit_test(test_at_line_limit),
		cmocka_unit_test(test_at_too_many_lines),
		cmocka_unit_test(test_at_queue_order_and_cancel),
		cmocka_unit_test(test_at_value_and_urc_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
