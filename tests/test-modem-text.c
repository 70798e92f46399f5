/*
 * The modem's text handling without a modem: UTF-8 under a UCS-2 label
 * (the ucs2-utf8 quirk, in PDUs and in text mode) and SMS text mode
 * (27.005): character sets, what AT+CSMP/AT+CMGS get, and the +CMGR,
 * +CMGL, +CMT and +CDS answers read back.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "modem/charset.h"
#include "modem/pdus.h"
#include "modem/textmode.h"

static void
test_charset_is_utf8(void **state)
{
	static const struct {
		const char *octets;
		size_t len;
		bool quirk;
		bool utf8;
	} cases[] = {
		{ "", 0, true, false },
		{ "Hi", 2, false, false },	/* U+4869 as UCS-2 */
		{ "Hi", 2, true, true },
		{ "H\xc3\xa9", 3, false, true },	/* odd: not UCS-2 */
		{ "H\xc3\xa9!", 4, false, true },	/* multi-byte, no 00 */
		{ "\x00H\x00\xe9", 4, false, false },	/* real UCS-2 */
		{ "\x00H\x00\xe9", 4, true, false },	/* not valid UTF-8 */
		{ "\x04\x1f\x04\x40", 4, false, false },	/* Cyrillic */
		{ "\x4f\x60\x59\x7d", 4, false, false },	/* 你好 */
		{ "\xff\xfe", 2, true, false },
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		assert_int_equal(charset_is_utf8((const uint8_t *)
		    cases[i].octets, cases[i].len, cases[i].quirk),
		    cases[i].utf8);
}

static void
test_charset_ucs2_text(void **state)
{
	char out[32];
	uint8_t b[8];

	assert_int_equal(charset_ucs2_text((const uint8_t *)"Hi", 2, true,
	    out, sizeof out), 2);
	assert_string_equal(out, "Hi");
	charset_ucs2_text((const uint8_t *)"Hi", 2, false, out, sizeof out);
	assert_string_equal(out, "\xe4\xa1\xa9");	/* U+4869 */
	charset_ucs2_text((const uint8_t *)"\x00H\x00\xe9", 4, true, out,
	    sizeof out);
	assert_string_equal(out, "H\xc3\xa9");
	/* Cut at a character boundary. */
	assert_int_equal(charset_ucs2_text((const uint8_t *)"ab\xc3\xa9", 4,
	    true, out, 4), 2);
	assert_string_equal(out, "ab");
	assert_int_equal(charset_ucs2_text((const uint8_t *)"ab", 2, true,
	    out, 0), 0);
	assert_int_equal(charset_unhex("00e9", 4, b, sizeof b), 2);
	assert_int_equal(b[1], 0xe9);
	assert_int_equal(charset_unhex("00e", 3, b, sizeof b), -1);
	assert_int_equal(charset_unhex("zz", 2, b, sizeof b), -1);
	assert_int_equal(charset_unhex("0011223344556677889900", 22, b,
	    sizeof b), -1);
}

/* A DCS UCS-2 PDU whose payload is UTF-8: read as UTF-8 with the quirk
 * (and without it when that is obvious), as UCS-2 otherwise. */
static void
test_pdus_ucs2_utf8(void **state)
{
	struct pdus_decoded d;

	assert_int_equal(pdus_decode("00040B916303112122F2000862113231000000"
	    "024869", 21, true, &d, NULL), 0);
	assert_int_equal(d.kind, PDUS_DELIVER);
	assert_string_equal(d.body, "Hi");
	assert_int_equal(pdus_decode("00040B916303112122F2000862113231000000"
	    "024869", 21, false, &d, NULL), 0);
	assert_string_equal(d.body, "\xe4\xa1\xa9");
	assert_int_equal(pdus_decode("00040B916303112122F2000862113231000000"
	    "0A48C3A96C6C6F20E29883", 29, false, &d, NULL), 0);
	assert_string_equal(d.body, "H\xc3\xa9llo \xe2\x98\x83");
	/* Real UCS-2 stays UCS-2 with the quirk on. */
	assert_int_equal(pdus_decode("00040B916303112122F2000862113231000000"
	    "04004800E9", 23, true, &d, NULL), 0);
	assert_string_equal(d.body, "H\xc3\xa9");
	assert_string_equal(d.from, "+36301112222");
}

static void
test_textmode_charsets(void **state)
{
	enum textmode_cs cs[3];

	assert_int_equal(textmode_charsets("(\"IRA\",\"GSM\",\"UCS2\")", cs,
	    3), 3);
	assert_int_equal(cs[0], TEXTMODE_UCS2);
	assert_int_equal(cs[1], TEXTMODE_GSM);
	assert_int_equal(cs[2], TEXTMODE_IRA);
	assert_int_equal(textmode_charsets("(\"IRA\",\"8859-1\")", cs, 3), 1);
	assert_int_equal(cs[0], TEXTMODE_IRA);
	assert_int_equal(textmode_charsets(NULL, cs, 2), 2);
	assert_string_equal(textmode_cs_name(TEXTMODE_GSM), "GSM");
}

static void
test_textmode_encode(void **state)
{
	struct textmode_out o;
	struct sms_err err;
	char long_text[200];

	assert_int_equal(textmode_encode("+3630", "Hi", false, true,
	    TEXTMODE_UCS2, &o, NULL), 0);
	assert_int_equal(o.fo, 0x31);
	assert_int_equal(o.dcs, 0);
	assert_string_equal(o.number, "002B0033003600330030");
	assert_string_equal(o.text, "00480069");
	/* Beyond GSM-7: UCS-2 data. */
	assert_int_equal(textmode_encode("+3630", "\xe2\x98\x83", false,
	    false, TEXTMODE_UCS2, &o, NULL), 0);
	assert_int_equal(o.fo, 0x11);
	assert_int_equal(o.dcs, 8);
	assert_string_equal(o.text, "2603");
	/* GSM and IRA: plain ASCII as it is, CR LF as LF. */
	assert_int_equal(textmode_encode("+3630", "Hi\r\nthere", false, false,
	    TEXTMODE_GSM, &o, NULL), 0);
	assert_string_equal(o.number, "+3630");
	assert_string_equal(o.text, "Hi\nthere");
	assert_int_equal(o.dcs, 0);
	/* ... and what they cannot carry as UCS-2 hex. */
	assert_int_equal(textmode_encode("+3630", "50 $ @ home", false, false,
	    TEXTMODE_IRA, &o, NULL), 0);
	assert_int_equal(o.dcs, 8);
	assert_string_equal(o.text, "0035003000200024002000400020"
	    "0068006F006D0065");
	/* More than one SMS: refused with a sentence. */
	memset(long_text, 'a', 161);
	long_text[161] = '\0';
	assert_int_equal(textmode_encode("+3630", long_text, false, false,
	    TEXTMODE_UCS2, &o, &err), SMS_ETOOBIG);
	assert_non_null(strstr(err.msg, "text mode"));
	assert_non_null(strstr(err.msg, "2 parts"));
	long_text[160] = '\0';
	assert_int_equal(textmode_encode("+3630", long_text, false, false,
	    TEXTMODE_GSM, &o, NULL), 0);
	/* 80 characters fit GSM-7 but not as UCS-2 in IRA. */
	long_text[80] = '\0';
	long_text[0] = '@';
	assert_int_equal(textmode_encode("+3630", long_text, false, false,
	    TEXTMODE_IRA, &o, &err), SMS_ETOOBIG);
	assert_int_equal(textmode_encode("+3630", "\xff", false, false,
	    TEXTMODE_UCS2, &o, &err), SMS_EDATA);
	assert_int_equal(textmode_encode("Bank", "x", false, false,
	    TEXTMODE_GSM, &o, &err), SMS_EDATA);
}

static void
test_textmode_time(void **state)
{
	int64_t t;
	int tz;

	assert_int_equal(textmode_time("26/11/23,13:00:00+04", &t, &tz), 0);
	assert_int_equal(tz, 4);
	assert_int_equal(t, 1795435200);
	assert_int_equal(textmode_time("00/01/01,00:00:00-08", &t, &tz), 0);
	assert_int_equal(t, 946684800 + 7200);
	assert_int_equal(tz, -8);
	assert_int_equal(textmode_time("26/13/23,13:00:00+04", &t, &tz),
	    SMS_EDATA);
	assert_int_equal(textmode_time("nonsense", &t, &tz), SMS_EDATA);
}

static void
test_textmode_parse(void **state)
{
	struct textmode_msg m;
	const char *ucs2[] = { "0048006900200263" };
	const char *plain[] = { "At home,", "OK soon" };
	const char *udh[] = { "050003AA0201004800690021" };

	/* +CMGR, UCS2 character set: number and text in hex. */
	assert_int_equal(textmode_parse(TEXTMODE_CMGR, "\"REC UNREAD\","
	    "\"002B00330036003300300031\",,\"26/11/23,13:00:00+04\"", ucs2, 1,
	    TEXTMODE_UCS2, false, &m), 0);
	assert_false(m.report);
	assert_string_equal(m.from, "+36301");
	assert_string_equal(m.body, "Hi \xc9\xa3");
	assert_int_equal(m.tz_quarters, 4);
	/* +CMGL in IRA: several text lines, a national number. */
	assert_int_equal(textmode_parse(TEXTMODE_CMGL, "3,\"REC READ\","
	    "\"06301234567\",,\"26/11/23,13:00:00+04\"", plain, 2,
	    TEXTMODE_IRA, false, &m), 0);
	assert_false(m.report);
	assert_int_equal(m.idx, 3);
	assert_string_equal(m.from, "06301234567");
	assert_string_equal(m.body, "At home,\nOK soon");
	/* +CMGR with AT+CSDH=1: a part with a header, in GSM: the data is
	 * hex, the header is skipped. */
	assert_int_equal(textmode_parse(TEXTMODE_CMGR, "\"REC UNREAD\","
	    "\"+3630\",,\"26/11/23,13:00:00+04\",145,68,0,8,\"+3620\",145,12",
	    udh, 1, TEXTMODE_GSM, false, &m), 0);
	assert_int_equal(m.fo, 68);
	assert_int_equal(m.dcs, 8);
	assert_string_equal(m.body, "Hi!");
	/* UTF-8 in UCS2 with the quirk. */
	{
		const char *u8[] = { "4869" };

		assert_int_equal(textmode_parse(TEXTMODE_CMT, "\"+3630\",,"
		    "\"26/11/23,13:00:00+04\"", u8, 1, TEXTMODE_UCS2, true,
		    &m), 0);
		assert_string_equal(m.body, "Hi");
	}
	/* Status reports: +CDS, +CMGR and +CMGL forms. */
	assert_int_equal(textmode_parse(TEXTMODE_CDS, "6,12,\"+3630\",145,"
	    "\"26/11/23,13:00:00+04\",\"26/11/23,13:00:05+04\",0", NULL, 0,
	    TEXTMODE_UCS2, false, &m), 0);
	assert_true(m.report);
	assert_int_equal(m.mr, 12);
	assert_int_equal(m.st, 0);
	assert_int_equal(m.st_state, MSG_DELIVERED);
	assert_int_equal(textmode_parse(TEXTMODE_CMGR, "\"REC UNREAD\",6,13,"
	    "\"+3630\",145,\"26/11/23,13:00:00+04\",\"26/11/23,13:00:05+04\","
	    "70", NULL, 0, TEXTMODE_IRA, false, &m), 0);
	assert_true(m.report);
	assert_int_equal(m.mr, 13);
	assert_int_equal(m.st_state, MSG_UNDELIVERED);
	assert_non_null(m.st_text);
	assert_int_equal(textmode_parse(TEXTMODE_CMGL, "2,\"REC UNREAD\",6,14,"
	    ",,\"26/11/23,13:00:00+04\",\"26/11/23,13:00:05+04\",32", NULL, 0,
	    TEXTMODE_IRA, false, &m), 0);
	assert_true(m.report);
	assert_int_equal(m.idx, 2);
	assert_int_equal(m.mr, 14);
	assert_int_equal(m.st_state, MSG_SENT);
	/* Not a header. */
	assert_int_equal(textmode_parse(TEXTMODE_CMGL, "\"x\"", NULL, 0,
	    TEXTMODE_IRA, false, &m), SMS_EDATA);
	assert_int_equal(textmode_parse(TEXTMODE_CDS, "6,12", NULL, 0,
	    TEXTMODE_IRA, false, &m), SMS_EDATA);
	assert_int_equal(textmode_parse(TEXTMODE_CMGR, "", NULL, 0,
	    TEXTMODE_IRA, false, &m), SMS_EDATA);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_charset_is_utf8),
		cmocka_unit_test(test_charset_ucs2_text),
		cmocka_unit_test(test_pdus_ucs2_utf8),
		cmocka_unit_test(test_textmode_charsets),
		cmocka_unit_test(test_textmode_encode),
		cmocka_unit_test(test_textmode_time),
		cmocka_unit_test(test_textmode_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
