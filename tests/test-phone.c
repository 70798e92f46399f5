/* Tests for util/phone: normalising numbers to E.164. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "util/err.h"
#include "util/phone.h"

struct phone_case {
	const char *raw;
	const char *country;
	int kind;		/* enum phone_kind, or a negative sms_rc */
	const char *want;
};

static const struct phone_case cases[] = {
	{ "06 30 123 4567", "HU", PHONE_E164, "+36301234567" },
	{ "0036301234567", "HU", PHONE_E164, "+36301234567" },
	{ "+36301234567", "HU", PHONE_E164, "+36301234567" },
	{ "+36 (30) 123-4567", "HU", PHONE_E164, "+36301234567" },
	{ "06-1-234-5678", "HU", PHONE_E164, "+3612345678" },
	{ "+36301234567", NULL, PHONE_E164, "+36301234567" },
	{ "0036301234567", "", PHONE_E164, "+36301234567" },
	{ "030 1234567", "DE", PHONE_E164, "+49301234567" },
	{ "07700 900123", "GB", PHONE_E164, "+447700900123" },
	{ "(202) 555-0143", "US", PHONE_E164, "+12025550143" },
	{ "011 36 30 123 4567", "US", PHONE_E164, "+36301234567" },
	{ "+44 (0)20 7946 0321", "GB", PHONE_E164, "+442079460321" },
	{ "+49 (0)151 23456789", "HU", PHONE_E164, "+4915123456789" },
	{ "0151 23456789", "HU", SMS_EDATA, "" },
	{ "Bank", "HU", PHONE_ALNUM, "Bank" },
	{ "  INFO-SMS ", "HU", PHONE_ALNUM, "INFO-SMS" },
	{ "Telekom HU", "HU", PHONE_ALNUM, "Telekom HU" },
	{ "1234", "HU", PHONE_SHORT, "1234" },
	{ "112", "HU", PHONE_SHORT, "112" },
	{ "1234567", "HU", PHONE_SHORT, "1234567" },
	{ "12", "HU", SMS_EDATA, "" },
	{ "7", NULL, SMS_EDATA, "" },
	{ "06 30 123 4567", NULL, SMS_EDATA, "" },
	{ "06 30 123 4567", "XX", SMS_EDATA, "" },
	{ "", "HU", SMS_EDATA, "" },
	{ "   ", "HU", SMS_EDATA, "" },
	{ "+", "HU", SMS_EDATA, "" },
	{ "*100#", "HU", SMS_EDATA, "" },
	{ "+3630123456789012345", "HU", SMS_EDATA, "" },
	{ "+0123456789", "HU", SMS_EDATA, "" },
	{ "A very long sender name over 32 bytes", "HU", SMS_EDATA, "" },
};

static void
check(const struct phone_case *c, bool simple)
{
	char out[PHONE_MAX];
	struct sms_err err;
	int rc;

	sms_err_clear(&err);
	rc = simple ? phone_normalize_simple(c->raw, c->country, out, &err) :
	    phone_normalize(c->raw, c->country, out, &err);
	if (rc != c->kind)
		fail_msg("\"%s\" (%s, %s): got %d \"%s\" (%s), want %d",
		    c->raw, c->country ? c->country : "-",
		    simple ? "simple" : "default", rc, out, err.msg, c->kind);
	if (rc >= 0)
		assert_string_equal(out, c->want);
	else
		assert_true(err.msg[0] != '\0');
}

static void
test_phone_table(void **state)
{
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		check(&cases[i], false);
		check(&cases[i], true);
	}
}

static void
test_phone_null_and_limits(void **state)
{
	char out[PHONE_MAX];
	char big[200];

	assert_int_equal(phone_normalize(NULL, "HU", out, NULL), SMS_EDATA);
	memset(big, '1', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	assert_int_equal(phone_normalize(big, "HU", out, NULL), SMS_EDATA);
	assert_false(phone_is_e164(NULL));
	assert_false(phone_is_e164("36301234567"));
	assert_true(phone_is_e164("+36301234567"));
	assert_string_equal(phone_country_code("hu"), "36");
	assert_null(phone_country_code("ZZ"));
	assert_null(phone_country_code(NULL));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_phone_table),
		cmocka_unit_test(test_phone_null_and_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
