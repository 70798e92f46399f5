/* Tests for codec/concat: completeness, order, duplicates, gaps. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "codec/concat.h"
#include "util/err.h"

#define P(seq, s) { seq, s, sizeof s - 1 }

static void
test_concat_complete_any_order(void **state)
{
	const struct concat_part parts[] = {
		P(3, "three"), P(1, "one "), P(2, "two "), P(2, "dup "),
	};
	unsigned missing[4];
	char *out;

	assert_true(concat_complete(parts, 4, 3));
	assert_false(concat_complete(parts, 2, 3));
	assert_false(concat_complete(parts, 4, 4));
	assert_false(concat_complete(parts, 4, 0));
	assert_false(concat_complete(NULL, 0, 1));
	assert_int_equal(concat_missing(parts, 4, 3, missing, 4), 0);
	assert_int_equal(concat_missing(parts, 4, 5, missing, 1), 2);
	assert_int_equal(missing[0], 4);
	assert_int_equal(concat_join(parts, 4, 3, false, &out, NULL), 0);
	assert_string_equal(out, "one two three");	/* first dup wins */
	free(out);
}

static void
test_concat_gaps(void **state)
{
	const struct concat_part parts[] = {
		P(4, "D"), P(1, "A"), P(9, "out of range"), P(0, "zero"),
	};
	struct sms_err err;
	char gap[64], *out;

	assert_int_equal(concat_join(parts, 4, 4, false, &out, &err),
	    SMS_ENOENT);
	assert_null(out);
	assert_non_null(strstr(err.msg, "2 of 4"));
	assert_int_equal(concat_join(parts, 4, 4, true, &out, NULL), 0);
	assert_string_equal(out, "A[…missing part 2 of 4…]"
	    "[…missing part 3 of 4…]D");
	free(out);
	assert_string_equal(concat_gap_text(2, 4, gap, sizeof gap),
	    "[…missing part 2 of 4…]");
	/* Cut short, still terminated. */
	concat_gap_text(2, 4, gap, 4);
	assert_int_equal(strlen(gap), 3);
	assert_int_equal(concat_join(parts, 4, 0, true, &out, NULL),
	    SMS_EINVAL);
	assert_int_equal(concat_join(parts, 4, 256, true, &out, NULL),
	    SMS_EINVAL);
	assert_int_equal(concat_join(NULL, 0, 2, true, &out, NULL), 0);
	assert_string_equal(out, "[…missing part 1 of 2…]"
	    "[…missing part 2 of 2…]");
	free(out);
}

static void
test_concat_split_surrogates(void **state)
{
	/* U+1F600 split: high surrogate ends part 1, low starts part 2. */
	const struct concat_part parts[] = {
		P(1, "hi \xed\xa0\xbd"), P(2, "\xed\xb8\x80!"),
	};
	const struct concat_part gap[] = {
		P(1, "hi \xed\xa0\xbd"), P(3, "\xed\xb8\x80!"),
	};
	char *out;

	assert_int_equal(concat_join(parts, 2, 2, false, &out, NULL), 0);
	assert_string_equal(out, "hi \xf0\x9f\x98\x80!");
	free(out);
	/* Not adjacent: left alone. */
	assert_int_equal(concat_join(gap, 2, 3, true, &out, NULL), 0);
	assert_string_equal(out, "hi \xed\xa0\xbd[…missing part 2 of 3…]"
	    "\xed\xb8\x80!");
	free(out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_concat_complete_any_order),
		cmocka_unit_test(test_concat_gaps),
		cmocka_unit_test(test_concat_split_surrogates),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
