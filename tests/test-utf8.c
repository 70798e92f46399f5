/* Tests for util/utf8: decoding, validation, widths, escaping. */
#include "config.h"

#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "util/buf.h"
#include "util/err.h"
#include "util/utf8.h"

struct dec_case {
	const char *in;
	size_t len;
	int n;
	uint32_t cp;
};

static void
test_utf8_decode_table(void **state)
{
	const struct dec_case cases[] = {
		{ "a", 1, 1, 'a' },
		{ "\xc3\xa9", 2, 2, 0xe9 },
		{ "\xe2\x82\xac", 3, 3, 0x20ac },
		{ "\xf0\x9f\x98\x80", 4, 4, 0x1f600 },
		{ "\xf4\x8f\xbf\xbf", 4, 4, 0x10ffff },
		{ "", 0, -1, 0 },
		{ "\x80", 1, -1, 0 },		/* continuation first */
		{ "\xc0\xaf", 2, -1, 0 },	/* overlong */
		{ "\xe0\x80\xaf", 3, -1, 0 },	/* overlong */
		{ "\xed\xa0\x80", 3, -1, 0 },	/* surrogate */
		{ "\xf4\x90\x80\x80", 4, -1, 0 },	/* > U+10FFFF */
		{ "\xe2\x82", 2, -1, 0 },	/* truncated */
		{ "\xe2\x28\xa1", 3, -1, 0 },	/* bad continuation */
		{ "\xff", 1, -1, 0 },
	};
	uint32_t cp;
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		cp = 0;
		assert_int_equal(utf8_decode(cases[i].in, cases[i].len, &cp),
		    cases[i].n);
		if (cases[i].n > 0)
			assert_int_equal(cp, cases[i].cp);
	}
}

static void
test_utf8_encode_validate(void **state)
{
	char out[UTF8_MAX];
	size_t off = 99;
	uint32_t cp, back;

	for (cp = 0; cp < 0x110000; cp += (cp < 0x1000 ? 1 : 97)) {
		size_t n = utf8_encode(cp, out);

		if (cp >= 0xd800 && cp <= 0xdfff) {
			assert_int_equal(n, 0);
			continue;
		}
		assert_int_equal(utf8_decode(out, n, &back), (int)n);
		assert_int_equal(back, cp);
	}
	assert_int_equal(utf8_encode(0x110000, out), 0);
	assert_int_equal(utf8_encode_surrogate(0xd83d, out), 3);
	assert_memory_equal(out, "\xed\xa0\xbd", 3);
	assert_int_equal(utf8_encode_surrogate('a', out), 0);
	assert_true(utf8_validate("", 0, &off));
	assert_true(utf8_validate("héllo €", strlen("héllo €"), NULL));
	assert_false(utf8_validate("ab\xc3", 3, &off));
	assert_int_equal(off, 2);
	assert_false(utf8_validate("é\xed\xa0\xbd", 5, &off));
	assert_int_equal(off, 2);
}

static void
test_utf8_width(void **state)
{
	size_t used;

	assert_int_equal(utf8_width("abc", 3), 3);
	assert_int_equal(utf8_width("中文", strlen("中文")), 4);
	assert_int_equal(utf8_width("e\xcc\x81", 3), 1);  /* combining */
	assert_int_equal(utf8_width("a\n", 2), 3);	/* "a\\n" */
	assert_int_equal(utf8_width("\xff", 1), 4);	/* "\\xFF" */
	assert_int_equal(utf8_cp_width(0x4e2d), 2);
	assert_int_equal(utf8_cp_width(0x07), -1);
	/* Never cut a wide character or an escape. */
	assert_int_equal(utf8_prefix_width("a中b", strlen("a中b"), 2, &used),
	    1);
	assert_int_equal(used, 1);
	assert_int_equal(utf8_prefix_width("a中b", strlen("a中b"), 3, &used),
	    4);
	assert_int_equal(utf8_prefix_width("a\x1b[1m", 5, 2, &used), 1);
	assert_int_equal(utf8_prefix_width("abc", 3, 99, NULL), 3);
}

static void
test_utf8_escape(void **state)
{
	struct buf b;
	const char *hostile = "hi\x1b[2J\r\n\t\x7f\xc2\x85\xff"
	    "\xed\xa0\xbd ok \\ 😀";

	buf_init(&b, 1024);
	assert_int_equal(utf8_escape(&b, hostile, strlen(hostile)), 0);
	assert_string_equal(b.data, "hi\\e[2J\\r\\n\\t\\x7F\\u0085\\xFF"
	    "\\uD83D ok \\ 😀");
	assert_int_equal(utf8_width(hostile, strlen(hostile)),
	    utf8_width(b.data, b.len) - 0);
	buf_reset(&b);
	assert_int_equal(utf8_sanitize(&b, hostile, strlen(hostile)), 0);
	assert_true(utf8_validate(b.data, b.len, NULL));
	assert_non_null(strstr(b.data, "\xef\xbf\xbd ok"));
	/* A right-to-left override would make "gnp.exe" read "exe.png". */
	buf_reset(&b);
	assert_int_equal(utf8_escape(&b, "a\xe2\x80\xaegnp.exe", 11), 0);
	assert_string_equal(b.data, "a\\u{202E}gnp.exe");
	assert_true(utf8_cp_is_escaped(0x2066));
	assert_false(utf8_cp_is_escaped(0x200f));
	buf_fini(&b);
	/* A full buffer fails cleanly. */
	buf_init(&b, 4);
	assert_int_equal(utf8_escape(&b, "ab\ncd", 5), SMS_ETOOBIG);
	assert_true(b.len <= 4);
	buf_fini(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utf8_decode_table),
		cmocka_unit_test(test_utf8_encode_validate),
		cmocka_unit_test(test_utf8_width),
		cmocka_unit_test(test_utf8_escape),
	};

	if (setlocale(LC_ALL, "C.UTF-8") == NULL)
		setlocale(LC_ALL, "");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
