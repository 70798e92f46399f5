/* Tests for cli/send-when: sms-send --schedule's times. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "cli/send-when.h"
#include "util/err.h"

/* 2026-11-23T12:00:00Z */
#define NOW 1795435200LL

static void
test_when_relative(void **state)
{
	struct sms_err err;
	int64_t w;

	(void)state;
	assert_int_equal(send_when_parse("+10m", NOW, &w, &err), 0);
	assert_int_equal(w, NOW + 600);
	assert_int_equal(send_when_parse("+2h", NOW, &w, &err), 0);
	assert_int_equal(w, NOW + 7200);
	assert_int_equal(send_when_parse("+1d", NOW, &w, &err), 0);
	assert_int_equal(w, NOW + 86400);
	assert_int_equal(send_when_parse("+1h30m", NOW, &w, &err), 0);
	assert_int_equal(w, NOW + 5400);
	assert_int_equal(send_when_parse("+45s", NOW, &w, &err), 0);
	assert_int_equal(w, NOW + 45);
	assert_int_equal(send_when_parse("+", NOW, &w, &err), SMS_EINVAL);
	assert_int_equal(send_when_parse("+10", NOW, &w, &err), SMS_EINVAL);
	assert_int_equal(send_when_parse("+10x", NOW, &w, &err), SMS_EINVAL);
	assert_int_equal(send_when_parse("+m", NOW, &w, &err), SMS_EINVAL);
	assert_int_equal(send_when_parse("+400d", NOW, &w, &err),
	    SMS_EINVAL);
	assert_non_null(strstr(err.msg, "+400d"));
}

static void
test_when_iso(void **state)
{
	struct sms_err err;
	int64_t w;

	(void)state;
	assert_int_equal(send_when_parse("2026-11-23T13:00:00Z", NOW, &w,
	    &err), 0);
	assert_int_equal(w, NOW + 3600);
	assert_int_equal(send_when_parse("2026-11-23T14:30+01:00", NOW, &w,
	    &err), 0);
	assert_int_equal(w, NOW + 5400);
	assert_int_equal(send_when_parse("2026-11-23 12:00-0130", NOW, &w,
	    &err), 0);
	assert_int_equal(w, NOW + 5400);
	/* Local time: TZ is UTC here. */
	assert_int_equal(send_when_parse("2026-11-24T12:00", NOW, &w, &err),
	    0);
	assert_int_equal(w, NOW + 86400);
	assert_int_equal(send_when_parse("2026-11-24", NOW, &w, &err), 0);
	assert_int_equal(w, NOW + 43200);
	assert_int_equal(send_when_parse("2026-11-23T11:00Z", NOW, &w, &err),
	    SMS_EINVAL);
	assert_non_null(strstr(err.msg, "past"));
	assert_int_equal(send_when_parse("2026-13-01", NOW, &w, &err),
	    SMS_EINVAL);
	assert_int_equal(send_when_parse("2026-11-23T25:00Z", NOW, &w, &err),
	    SMS_EINVAL);
	assert_int_equal(send_when_parse("2026-11-23T13:00Zjunk", NOW, &w,
	    &err), SMS_EINVAL);
	assert_int_equal(send_when_parse("tomorrow", NOW, &w, &err),
	    SMS_EINVAL);
	assert_int_equal(send_when_parse("2029-01-01", NOW, &w, &err),
	    SMS_EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_when_relative),
		cmocka_unit_test(test_when_iso),
	};

	setenv("TZ", "UTC", 1);
	tzset();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
