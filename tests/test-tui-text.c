/*
 * Tests for tui/draw.c's text measuring: display widths of accented
 * letters, CJK and emoji, hostile bytes (controls, invalid UTF-8, lone
 * surrogates, direction overrides) and word wrapping.  No terminal is
 * needed: only widths and cut points are checked.
 */
#include "config.h"

#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tui/private.h"

struct width_case {
	const char *text;
	int width;
};

static void
test_tui_text_width(void **state)
{
	static const struct width_case cases[] = {
		{ "", 0 },
		{ "abc", 3 },
		{ "árvíztűrő", 9 },		/* precomposed accents */
		{ "e\xcc\x81", 1 },		/* e + combining acute */
		{ "日本語", 6 },		/* CJK: two columns each */
		{ "🎉", 2 },			/* emoji */
		{ "a\x1b[31mb", 8 },		/* ESC shown as ^[ */
		{ "\x7f", 2 },			/* DEL as ^? */
		{ "a\nb", 2 },			/* a line break takes none */
		{ "\xff", 1 },			/* invalid byte: U+FFFD */
		{ "\xed\xa0\xbd", 3 },		/* lone surrogate: 3 x U+FFFD */
		{ "\xe2\x80\xae" "abc", 4 },	/* RLO shown as U+FFFD */
		{ "\xc2\x85", 1 },		/* C1 control as U+FFFD */
	};
	size_t i;

	assert_int_equal(tui_text_width(NULL, (size_t)-1), 0);
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		if (tui_text_width(cases[i].text, (size_t)-1) !=
		    cases[i].width)
			fail_msg("case %zu (\"%s\"): width %d, want %d", i,
			    cases[i].text, tui_text_width(cases[i].text,
			    (size_t)-1), cases[i].width);
	}
	/* len limits what is measured. */
	assert_int_equal(tui_text_width("日本語", 3), 2);
}

struct fit_case {
	const char *text;
	int w;
	size_t bytes;	/* what fits */
	int cols;
};

static void
test_tui_text_fit(void **state)
{
	static const struct fit_case cases[] = {
		{ "", 10, 0, 0 },
		{ "hello world", 20, 11, 11 },
		{ "hello world", 8, 6, 6 },	/* breaks after the space */
		{ "helloworld", 4, 4, 4 },	/* no space: cut */
		{ "日本語", 5, 6, 4 },		/* never half a wide char */
		{ "日本語", 1, 3, 2 },		/* wider than the line: one */
		{ "ab\ncd", 10, 3, 2 },		/* stops after the break */
		{ "🎉🎉🎉", 4, 8, 4 },
	};
	size_t i, n;
	int cols;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		n = tui_text_fit(cases[i].text, strlen(cases[i].text),
		    cases[i].w, &cols);
		if (n != cases[i].bytes || cols != cases[i].cols)
			fail_msg("case %zu (\"%s\" in %d): %zu bytes %d "
			    "columns, want %zu and %d", i, cases[i].text,
			    cases[i].w, n, cols, cases[i].bytes,
			    cases[i].cols);
	}
}

static void
test_tui_reltime(void **state)
{
	char buf[32];
	int64_t now = 1795435200;	/* 2026-11-23 12:00 UTC */

	assert_string_equal(tui_reltime(buf, sizeof buf, now - 5, now),
	    "now");
	assert_string_equal(tui_reltime(buf, sizeof buf, now - 300, now),
	    "5m");
	assert_string_equal(tui_reltime(buf, sizeof buf, now - 7200, now),
	    "2h");
	assert_string_equal(tui_reltime(buf, sizeof buf, 0, now), "-");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tui_text_width),
		cmocka_unit_test(test_tui_text_fit),
		cmocka_unit_test(test_tui_reltime),
	};

	if (setlocale(LC_ALL, "C.UTF-8") == NULL)
		return 77;
	setenv("LANGUAGE", "C", 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
