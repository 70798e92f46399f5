/* Tests for codec/segment: encoding choice, counts, splits, smart mode. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "codec/gsm7.h"
#include "codec/segment.h"
#include "util/err.h"
#include "util/utf8.h"

/* s repeated n times, in a static buffer. */
static char *
rep(const char *s, size_t n, const char *tail)
{
	static char buf[32][4096];
	static int which;
	char *b = buf[which++ % 32];
	size_t i;

	b[0] = '\0';
	for (i = 0; i < n; i++)
		strcat(b, s);
	strcat(b, tail);
	return b;
}

struct calc_case {
	const char *name;
	const char *text;
	unsigned flags;
	enum sms_encoding enc;
	size_t segments, used, left, nforcing, replaced;
};

static void
test_segment_calc_table(void **state)
{
	const struct calc_case cases[] = {
		{ "empty", "", 0, SMS_ENC_GSM7, 1, 0, 160, 0, 0 },
		{ "hello", "hello", 0, SMS_ENC_GSM7, 1, 5, 155, 0, 0 },
		{ "160", rep("a", 160, ""), 0, SMS_ENC_GSM7, 1, 160, 0, 0, 0 },
		{ "161", rep("a", 161, ""), 0, SMS_ENC_GSM7, 2, 8, 145, 0, 0 },
		{ "306", rep("a", 306, ""), 0, SMS_ENC_GSM7, 2, 153, 0, 0, 0 },
		{ "307", rep("a", 307, ""), 0, SMS_ENC_GSM7, 3, 1, 152, 0, 0 },
		{ "euro", "€", 0, SMS_ENC_GSM7, 1, 2, 158, 0, 0 },
		{ "80 euro", rep("€", 80, ""), 0, SMS_ENC_GSM7, 1, 160, 0, 0,
		  0 },
		{ "81 euro", rep("€", 81, ""), 0, SMS_ENC_GSM7, 2, 10, 143, 0,
		  0 },
		/* 152 + an escape pair would be 154: the pair moves on. */
		{ "escape at boundary", rep("a", 152, "€€€€€"), 0,
		  SMS_ENC_GSM7, 2, 10, 143, 0, 0 },
		{ "cyrillic", "привет", 0, SMS_ENC_UCS2, 1, 6, 64, 6, 0 },
		{ "70 ucs2", rep("ж", 70, ""), 0, SMS_ENC_UCS2, 1, 70, 0, 70,
		  0 },
		{ "71 ucs2", rep("ж", 71, ""), 0, SMS_ENC_UCS2, 2, 4, 63, 71,
		  0 },
		/* 66 + a surrogate pair would be 68: the pair moves on. */
		{ "emoji at boundary", rep("ж", 66, "😀😀😀"), 0,
		  SMS_ENC_UCS2, 2, 6, 61, 69, 0 },
		{ "emoji", "hi 😀", 0, SMS_ENC_UCS2, 1, 5, 65, 1, 0 },
		{ "ref16 gsm", rep("a", 161, ""), SEGMENT_REF16, SMS_ENC_GSM7,
		  2, 9, 143, 0, 0 },
		{ "ref16 ucs2", rep("ж", 71, ""), SEGMENT_REF16, SMS_ENC_UCS2,
		  2, 5, 61, 71, 0 },
		{ "forced ucs2", "hello", SEGMENT_UCS2, SMS_ENC_UCS2, 1, 5, 65,
		  0, 0 },
		{ "smart", "“Hi” — ok…", SEGMENT_SMART, SMS_ENC_GSM7, 1, 12,
		  148, 0, 4 },
		{ "smart hopeless", "“Hi” 😀", SEGMENT_SMART, SMS_ENC_UCS2, 1,
		  7, 63, 1, 0 },
		{ "not smart", "“Hi” 😀", 0, SMS_ENC_UCS2, 1, 7, 63, 3, 0 },
		{ "smart ucs2 wins", "“Hi”", SEGMENT_SMART | SEGMENT_UCS2,
		  SMS_ENC_UCS2, 1, 4, 66, 0, 0 },
	};
	struct segment_info info;
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct calc_case *c = &cases[i];

		print_message("case %s\n", c->name);
		assert_int_equal(segment_calc(c->text, strlen(c->text),
		    c->flags, &info, NULL), 0);
		assert_int_equal(info.encoding, c->enc);
		assert_int_equal(info.segments, c->segments);
		assert_int_equal(info.used, c->used);
		assert_int_equal(info.left, c->left);
		assert_int_equal(info.nforcing, c->nforcing);
		assert_int_equal(info.replaced, c->replaced);
		assert_int_equal(info.used + info.left, info.per_segment);
		assert_false(info.too_long);
	}
}

static void
test_segment_forcing_offsets(void **state)
{
	struct segment_info info;
	const char *t = "Ok ✓ now — 😀";

	assert_int_equal(segment_calc(t, strlen(t), 0, &info, NULL), 0);
	assert_int_equal(info.nforcing, 3);
	assert_int_equal(info.forcing[0].offset, 3);
	assert_int_equal(info.forcing[0].len, 3);
	assert_int_equal(info.forcing[0].cp, 0x2713);
	assert_int_equal(info.forcing[1].cp, 0x2014);
	assert_int_equal(info.forcing[2].offset, strlen("Ok ✓ now — "));
	assert_int_equal(info.forcing[2].len, 4);
	/* With smart mode only the emoji remains to blame. */
	assert_int_equal(segment_calc(t, strlen(t), SEGMENT_SMART, &info,
	    NULL), 0);
	assert_int_equal(info.nforcing, 2);
	assert_int_equal(info.forcing[0].cp, 0x2713);
	/* More than SEGMENT_FORCING_MAX: all counted, the first kept. */
	t = rep("ж", 40, "");
	assert_int_equal(segment_calc(t, strlen(t), 0, &info, NULL), 0);
	assert_int_equal(info.nforcing, 40);
	assert_int_equal(info.forcing[SEGMENT_FORCING_MAX - 1].offset,
	    2 * (SEGMENT_FORCING_MAX - 1));
}

static void
test_segment_calc_errors_and_limits(void **state)
{
	struct segment_info info;
	struct sms_err err;
	char *big;

	sms_err_clear(&err);
	assert_int_equal(segment_calc("ab\xff", 3, 0, &info, &err),
	    SMS_EDATA);
	assert_non_null(strstr(err.msg, "byte 2"));
	assert_int_equal(segment_calc("\xed\xa0\x80", 3, 0, &info, NULL),
	    SMS_EDATA);
	assert_int_equal(segment_calc(NULL, 0, 0, &info, NULL), 0);
	assert_int_equal(info.segments, 1);
	assert_int_equal(segment_calc("x", 1, 0, NULL, NULL), SMS_EINVAL);
	/* 256 parts cannot be sent. */
	big = malloc(153 * 256);
	memset(big, 'a', 153 * 256);
	assert_int_equal(segment_calc(big, 153 * 255, 0, &info, NULL), 0);
	assert_int_equal(info.segments, 255);
	assert_false(info.too_long);
	assert_int_equal(segment_calc(big, 153 * 255 + 1, 0, &info, NULL),
	    0);
	assert_true(info.too_long);
	free(big);
}

static void
test_segment_smart(void **state)
{
	struct segment_replacement *r;
	const char *t = "It’s “fine”…\xc2\xa0ok";
	size_t n, i;
	char *out;

	assert_int_equal(segment_smart(t, strlen(t), &out, &r, &n, NULL), 0);
	assert_string_equal(out, "It's \"fine\"... ok");
	assert_int_equal(n, 5);
	assert_int_equal(r[0].offset, 2);
	assert_int_equal(r[0].cp, 0x2019);
	assert_string_equal(r[0].with, "'");
	assert_int_equal(r[3].cp, 0x2026);
	assert_string_equal(r[3].with, "...");
	free(out);
	free(r);
	/* Hopeless: left alone. */
	t = "“x” 😀";
	assert_int_equal(segment_smart(t, strlen(t), &out, &r, &n, NULL), 0);
	assert_string_equal(out, t);
	assert_null(r);
	assert_int_equal(n, 0);
	free(out);
	assert_int_equal(segment_smart("\xff", 1, &out, NULL, NULL, NULL),
	    SMS_EDATA);
	assert_null(out);
	/* Every replacement is itself GSM-7. */
	for (i = 0; i < 0x10000; i++) {
		const char *w = segment_smart_replacement((uint32_t)i);
		struct segment_info info;

		if (w == NULL)
			continue;
		assert_int_equal(segment_calc(w, strlen(w), 0, &info, NULL),
		    0);
		assert_int_equal(info.encoding, SMS_ENC_GSM7);
		assert_int_equal(gsm7_from_cp((uint32_t)i, &(uint8_t){0}), 0);
	}
}

static void
test_segment_split_matches_calc(void **state)
{
	static const char *pieces[] = { "a", "€", "[", "ж", "😀", " ", "é" };
	struct segment_span spans[SEGMENT_MAX];
	struct segment_info info;
	char text[2048];
	unsigned seed = 12345, round;
	size_t len, i, units;
	int n;

	for (round = 0; round < 500; round++) {
		bool gsm_only = round % 2 == 0;
		size_t count = (seed = seed * 1103515245 + 12345) % 400;

		text[0] = '\0';
		len = 0;
		for (i = 0; i < count; i++) {
			seed = seed * 1103515245 + 12345;
			const char *p = pieces[(seed >> 16) %
			    (gsm_only ? 3 : 7)];
			memcpy(text + len, p, strlen(p));
			len += strlen(p);
		}
		text[len] = '\0';
		assert_int_equal(segment_calc(text, len, round % 3 == 0 ?
		    SEGMENT_REF16 : 0, &info, NULL), 0);
		n = segment_split(text, len, info.encoding, round % 3 == 0 ?
		    SEGMENT_REF16 : 0, spans, SEGMENT_MAX, NULL);
		assert_int_equal((size_t)n, info.segments);
		units = 0;
		for (i = 0; i < (size_t)n; i++) {
			assert_true(spans[i].units <= info.per_segment ||
			    n == 1);
			/* Spans tile the text and cut on characters. */
			assert_true(utf8_validate(text + spans[i].offset,
			    spans[i].len, NULL));
			if (i > 0)
				assert_int_equal(spans[i].offset,
				    spans[i - 1].offset + spans[i - 1].len);
			units += spans[i].units;
		}
		assert_int_equal(units, info.units);
		assert_int_equal(spans[n - 1].units, info.used);
	}
	assert_int_equal(segment_split("ж", 2, SMS_ENC_GSM7, 0, spans,
	    SEGMENT_MAX, NULL), SMS_EDATA);
}

/* National language tables: the UDH they cost and the choice made. */
static void
test_segment_language(void **state)
{
	struct segment_span spans[SEGMENT_MAX];
	struct segment_info info;
	char text[4096];
	size_t i, len;

	/* Limits (3 octets of UDH per table, 1 for the UDH length). */
	assert_int_equal(segment_limit(SMS_ENC_GSM7, true, SEGMENT_SINGLE),
	    155);
	assert_int_equal(segment_limit(SMS_ENC_GSM7, true, SEGMENT_LOCKING |
	    SEGMENT_SINGLE), 152);
	assert_int_equal(segment_limit(SMS_ENC_GSM7, false, SEGMENT_LOCKING),
	    149);
	assert_int_equal(segment_limit(SMS_ENC_GSM7, false, SEGMENT_LOCKING |
	    SEGMENT_SINGLE), 146);
	assert_int_equal(segment_limit(SMS_ENC_GSM7, false, SEGMENT_SINGLE |
	    SEGMENT_REF16), 148);
	/* The tables do not touch UCS-2. */
	assert_int_equal(segment_limit(SMS_ENC_UCS2, false, SEGMENT_SINGLE),
	    67);
	/* Without --language a Turkish letter forces UCS-2; with it the
	   text stays GSM-7 (locking table: fewer septets than escapes). */
	assert_int_equal(segment_calc("\xc5\x9fi\xc5\x9f", 5, 0, &info,
	    NULL), 0);
	assert_int_equal(info.encoding, SMS_ENC_UCS2);
	assert_int_equal(segment_calc("\xc5\x9fi\xc5\x9f", 5,
	    SEGMENT_LANG(1), &info, NULL), 0);
	assert_int_equal(info.encoding, SMS_ENC_GSM7);
	assert_int_equal(info.lang_locking, 1);
	assert_int_equal(info.lang_single, 0);
	assert_int_equal(info.units, 3);
	assert_int_equal(info.per_segment, 155);
	assert_int_equal(info.nforcing, 0);
	assert_true(info.flags & SEGMENT_LOCKING);
	/* A text that fits the default alphabet pays for no table. */
	assert_int_equal(segment_calc("hello", 5, SEGMENT_LANG(1), &info,
	    NULL), 0);
	assert_int_equal(info.lang_locking + info.lang_single, 0);
	assert_int_equal(info.per_segment, 160);
	assert_int_equal(info.flags & (SEGMENT_LOCKING | SEGMENT_SINGLE), 0);
	/* Spanish has only a single shift table: "á" costs 2 septets. */
	assert_int_equal(segment_calc("\xc3\xa1", 2, SEGMENT_LANG(2), &info,
	    NULL), 0);
	assert_int_equal(info.encoding, SMS_ENC_GSM7);
	assert_int_equal(info.lang_single, 2);
	assert_int_equal(info.lang_locking, 0);
	assert_int_equal(info.units, 2);
	/* Turkish "ş" + default-only "è": the locking table lacks è, the
	   single shift one has ş: single shift wins. */
	assert_int_equal(segment_calc("\xc5\x9f\xc3\xa8", 4, SEGMENT_LANG(1),
	    &info, NULL), 0);
	assert_int_equal(info.lang_single, 1);
	assert_int_equal(info.lang_locking, 0);
	/* Boundaries: 155 "ş" fit one SMS with the locking table, 156
	   need two parts of 149. */
	for (len = 0, i = 0; i < 156; i++) {
		text[len++] = '\xc5';
		text[len++] = '\x9f';
	}
	assert_int_equal(segment_calc(text, 310, SEGMENT_LANG(1), &info,
	    NULL), 0);
	assert_int_equal(info.segments, 1);
	assert_int_equal(info.left, 0);
	assert_int_equal(segment_calc(text, 312, SEGMENT_LANG(1), &info,
	    NULL), 0);
	assert_int_equal(info.segments, 2);
	assert_int_equal(info.per_segment, 149);
	assert_int_equal(info.used, 7);
	assert_int_equal(segment_split(text, 312, info.encoding, info.flags,
	    spans, SEGMENT_MAX, NULL), 2);
	assert_int_equal(spans[0].units, 149);
	assert_int_equal(spans[1].units, 7);
	/* Unknown ids and UCS-2 ignore the language. */
	assert_int_equal(segment_calc("\xc5\x9f", 2, SEGMENT_LANG(14), &info,
	    NULL), 0);
	assert_int_equal(info.encoding, SMS_ENC_UCS2);
	assert_int_equal(segment_calc("\xc5\x9f", 2, SEGMENT_LANG(1) |
	    SEGMENT_UCS2, &info, NULL), 0);
	assert_int_equal(info.encoding, SMS_ENC_UCS2);
	assert_int_equal(info.lang_locking, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_segment_calc_table),
		cmocka_unit_test(test_segment_forcing_offsets),
		cmocka_unit_test(test_segment_calc_errors_and_limits),
		cmocka_unit_test(test_segment_smart),
		cmocka_unit_test(test_segment_split_matches_calc),
		cmocka_unit_test(test_segment_language),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
