/* Tests for codec/pdu: decoding, errors, encoding, round trips. */
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
#include "codec/gsm7.h"
#include "codec/pdu.h"
#include "codec/segment.h"
#include "util/err.h"
#include "util/utf8.h"

struct decode_case {
	const char *name;
	const char *hex;
	enum pdu_smsc_mode mode;
	enum pdu_type type;
	const char *smsc;
	const char *addr;
	enum pdu_number_type addr_type;
	const char *time;
	enum sms_encoding enc;
	int msg_class;
	const char *text;
};

static void
test_pdu_decode_table(void **state)
{
	const struct decode_case cases[] = {
		/* The classic example (dreamfabric.com/sms). */
		{ "deliver with smsc",
		  "07917283010010F5040BC87238880900F10000993092516195800AE8"
		  "329BFD4697D9EC37", PDU_SMSC_AUTO, PDU_DELIVER,
		  "+27381000015", "27838890001", PDU_NUM_UNKNOWN,
		  "1999-03-29T15:16:59+02:00", SMS_ENC_GSM7, -1,
		  "hellohello" },
		{ "deliver without smsc",
		  "040BC87238880900F10000993092516195800AE8329BFD4697D9EC37",
		  PDU_SMSC_AUTO, PDU_DELIVER, "", "27838890001",
		  PDU_NUM_UNKNOWN, "1999-03-29T15:16:59+02:00", SMS_ENC_GSM7,
		  -1, "hellohello" },
		{ "deliver, told absent",
		  "040BC87238880900F10000993092516195800AE8329BFD4697D9EC37",
		  PDU_SMSC_ABSENT, PDU_DELIVER, "", "27838890001",
		  PDU_NUM_UNKNOWN, "1999-03-29T15:16:59+02:00", SMS_ENC_GSM7,
		  -1, "hellohello" },
		{ "submit",
		  "0011000B916407281553F80000AA0AE8329BFD4697D9EC37",
		  PDU_SMSC_AUTO, PDU_SUBMIT, "", "+46708251358",
		  PDU_NUM_INTERNATIONAL, "", SMS_ENC_GSM7, -1, "hellohello" },
		/* Negative offset: -05:00 is 20 quarters with the sign bit. */
		{ "negative tz",
		  "00040B916407281553F800000211324150600A0AE8329BFD4697D9EC37",
		  PDU_SMSC_AUTO, PDU_DELIVER, "", "+46708251358",
		  PDU_NUM_INTERNATIONAL, "2020-11-23T14:05:06-05:00",
		  SMS_ENC_GSM7, -1, "hellohello" },
		/* Class 0 (flash), UCS-2: DCS 0x18. */
		{ "flash ucs2",
		  "00040B916407281553F800180211324150600A0A041F04400438043204"
		  "35", PDU_SMSC_AUTO, PDU_DELIVER, "", "+46708251358",
		  PDU_NUM_INTERNATIONAL, "2020-11-23T14:05:06-05:00",
		  SMS_ENC_UCS2, 0, "Приве" },
		/* Alphanumeric sender "Alerts" (GSM-7 packed, TON 101). */
		{ "alphanumeric",
		  "00040BD04176594E9F03000002211100000000" "05E8329BFD06",
		  PDU_SMSC_AUTO, PDU_DELIVER, "", "Alerts",
		  PDU_NUM_ALPHANUMERIC, "2020-12-11T00:00:00+00:00",
		  SMS_ENC_GSM7, -1, "hello" },
		/*
		 * "Balance" from Beeline: seven letters leave seven spare
		 * bits, padded with CR (TS 23.038 6.1.2.3.1), not a letter.
		 */
		{ "alphanumeric with CR padding",
		  "00040ED0C2303BEC1E971B000002211100000000" "05E8329BFD06",
		  PDU_SMSC_AUTO, PDU_DELIVER, "", "Balance",
		  PDU_NUM_ALPHANUMERIC, "2020-12-11T00:00:00+00:00",
		  SMS_ENC_GSM7, -1, "hello" },
	};
	struct pdu_msg m;
	struct sms_err err;
	char iso[32];
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct decode_case *c = &cases[i];

		print_message("case %s\n", c->name);
		sms_err_clear(&err);
		if (pdu_decode_hex(c->hex, strlen(c->hex), c->mode, &m,
		    &err) != 0)
			fail_msg("%s: %s", c->name, err.msg);
		assert_int_equal(m.type, c->type);
		assert_string_equal(m.smsc.number, c->smsc);
		assert_string_equal(m.addr.number, c->addr);
		assert_int_equal(m.addr.type, c->addr_type);
		assert_string_equal(pdu_time_iso(&m.scts, iso, sizeof iso),
		    c->time);
		assert_int_equal(m.encoding, c->enc);
		assert_int_equal(m.msg_class, c->msg_class);
		assert_string_equal(m.text, c->text);
	}
}

static void
test_pdu_decode_fields(void **state)
{
	struct pdu_msg m;
	const char *hex;

	hex = "07917283010010F5040BC87238880900F10000993092516195800AE8"
	    "329BFD4697D9EC37";
	assert_int_equal(pdu_decode_hex(hex, strlen(hex), PDU_SMSC_AUTO, &m,
	    NULL), 0);
	assert_true(m.has_smsc);
	assert_true(m.scts.valid);
	assert_int_equal(m.scts.unix_time, 922713419);
	assert_int_equal(m.scts.tz_quarters, 8);
	assert_false(m.concat.present);
	assert_int_equal(m.data_len, 10);
	hex = "00040B916407281553F800000211324150600A0AE8329BFD4697D9EC37";
	assert_int_equal(pdu_decode_hex(hex, strlen(hex), PDU_SMSC_AUTO, &m,
	    NULL), 0);
	assert_int_equal(m.scts.tz_quarters, -20);
	assert_int_equal(m.scts.unix_time, 1606158306);
	/* The submit's relative validity: 0xAA is 4 days. */
	hex = "0011000B916407281553F80000AA0AE8329BFD4697D9EC37";
	assert_int_equal(pdu_decode_hex(hex, strlen(hex), PDU_SMSC_AUTO, &m,
	    NULL), 0);
	assert_int_equal(m.vp_minutes, 4 * 1440);
	assert_false(m.scts.valid);
}

static void
test_pdu_status_report(void **state)
{
	struct pdu_msg m;
	char iso[32];
	const char *hex = "00062A0B916407281553F8993092516195809930925171958000";

	assert_int_equal(pdu_decode_hex(hex, strlen(hex), PDU_SMSC_AUTO, &m,
	    NULL), 0);
	assert_int_equal(m.type, PDU_STATUS_REPORT);
	assert_int_equal(m.mr, 0x2a);
	assert_string_equal(m.addr.number, "+46708251358");
	assert_string_equal(pdu_time_iso(&m.discharge, iso, sizeof iso),
	    "1999-03-29T15:17:59+02:00");
	assert_int_equal(m.status, 0);
	assert_int_equal(pdu_status_kind(m.status), PDU_STATUS_DELIVERED);
	assert_int_equal(pdu_status_kind(0x21), PDU_STATUS_PENDING);
	assert_int_equal(pdu_status_kind(0x46), PDU_STATUS_FAILED);
	assert_int_equal(pdu_status_kind(0x65), PDU_STATUS_FAILED_TEMP);
	assert_int_equal(pdu_status_kind(0xff), PDU_STATUS_FAILED_TEMP);
	assert_string_equal(pdu_status_str(0x46), "validity period expired");
	assert_string_equal(pdu_status_kind_name(PDU_STATUS_PENDING),
	    "pending");
}

struct error_case {
	const char *hex;
	enum pdu_smsc_mode mode;
	const char *needle;	/* in the sentence */
	size_t offset;
};

static void
test_pdu_decode_errors(void **state)
{
	const struct error_case cases[] = {
		{ "", PDU_SMSC_AUTO, "empty", 0 },
		{ "0791", PDU_SMSC_PRESENT, "SMSC address", 2 },
		{ "07917283010010F5040BC872388809", PDU_SMSC_PRESENT,
		  "sender address", 15 },
		{ "zz", PDU_SMSC_AUTO, "character 0", 0 },
		{ "00Z0", PDU_SMSC_AUTO, "character 2", 1 },
		{ "0A0", PDU_SMSC_AUTO, "odd number", 1 },
		{ "0C0B916407281553F80000", PDU_SMSC_PRESENT, "over 11", 0 },
		{ "03", PDU_SMSC_ABSENT, "TP-MTI 3", 0 },
		{ "00040B916407281553F800000211324150600AA1E8",
		  PDU_SMSC_AUTO, "over 160", 19 },
		{ "00040B916407281553F800000211324150600A0AE8329BFD",
		  PDU_SMSC_AUTO, "user data", 24 },
		/* UDHI with a header longer than the data. */
		{ "00440B916407281553F800000211324150600A0309000000",
		  PDU_SMSC_AUTO, "longer than the user data", 20 },
	};
	struct pdu_msg m;
	struct sms_err err;
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct error_case *c = &cases[i];

		print_message("case %s\n", c->hex);
		sms_err_clear(&err);
		assert_int_equal(pdu_decode_hex(c->hex, strlen(c->hex),
		    c->mode, &m, &err), SMS_EDATA);
		if (strstr(err.msg, c->needle) == NULL)
			fail_msg("\"%s\" not in \"%s\"", c->needle, err.msg);
		assert_int_equal(m.err_offset, c->offset);
	}
	assert_int_equal(pdu_decode(NULL, 3, PDU_SMSC_AUTO, &m, NULL),
	    SMS_EINVAL);
}

static void
test_pdu_encode_known(void **state)
{
	struct pdu_submit_opts o;
	struct pdu_part *p;
	size_t n;

	pdu_submit_opts_init(&o);
	o.to = "+46708251358";
	o.validity_minutes = 4 * 1440;
	assert_int_equal(pdu_submit_encode("hellohello", 10, &o, &p, &n,
	    NULL), 0);
	assert_int_equal(n, 1);
	assert_string_equal(p[0].hex,
	    "0011000B916407281553F80000AA0AE8329BFD4697D9EC37");
	assert_int_equal(p[0].tpdu_len, 23);
	free(p);
	/* Bare TPDU, status report, class 1, SMSC given. */
	o.no_smsc = true;
	o.status_report = true;
	o.validity_minutes = 0;
	o.msg_class = 1;
	assert_int_equal(pdu_submit_encode("hellohello", 10, &o, &p, &n,
	    NULL), 0);
	assert_string_equal(p[0].hex,
	    "2100" "0B916407281553F8" "0011" "0AE8329BFD4697D9EC37");
	assert_int_equal(p[0].tpdu_len, 22);
	free(p);
	o.no_smsc = false;
	o.smsc = "+27381000015";
	o.msg_class = -1;
	o.status_report = false;
	assert_int_equal(pdu_submit_encode("hellohello", 10, &o, &p, &n,
	    NULL), 0);
	assert_string_equal(p[0].hex, "07917283010010F5" "0100"
	    "0B916407281553F8" "0000" "0AE8329BFD4697D9EC37");
	assert_int_equal(p[0].tpdu_len, 22);
	free(p);
}

struct encode_case {
	const char *source;
	const char *to;
	const char *text;
	int msg_class;
	bool report;
	int validity;
	const char *hex;	/* with the 00 SMSC octet */
};

/* Known answers from other projects' encoders (the PDUs they assert). */
static void
test_pdu_encode_table(void **state)
{
	const struct encode_case cases[] = {
		{ "python-messaging test_encoding_validity", "+34616585119",
		  "hola", -1, false, 0, "0001000B914316565811F9000004E8373B0C" },
		{ "python-messaging test_encoding_validity, 4 days",
		  "+34616585119", "hola", -1, false, 4 * 1440,
		  "0011000B914316565811F90000AA04E8373B0C" },
		{ "python-messaging test_encoding_class 0", "+34654123456",
		  "hey yo", 0, false, 0,
		  "0001000B914356143254F6001006E8721E947F03" },
		{ "python-messaging test_encoding_class 3", "+34654123456",
		  "hey yo", 3, false, 0,
		  "0001000B914356143254F6001306E8721E947F03" },
		{ "python-messaging test_encoding_request_status",
		  "+34654123456", "hey yo", -1, true, 0,
		  "0021000B914356143254F6000006E8721E947F03" },
		{ "python-messaging latin1 characters", "+34654123456",
		  "BÄRÇA äñ@", -1, false, 0,
		  "0001000B914356143254F6000009C2AD341104EDFB00" },
		{ "python-messaging test_encoding_ucs2_message", "655345678",
		  "Русский", -1, false, 4 * 1440,
		  "001100098156355476F80008AA0E0420044304410441043A04380439" },
		{ "python-gsmmodem test_encodeSmsSubmit", "+27820001111",
		  "Hello World!", -1, false, 0,
		  "0001000B917228001011F100000CC8329BFD065DDF72363904" },
		{ "ModemManager test_create_pdu_gsm_no_validity",
		  "+15556661234", "This is really cool ΔΔΔΔΔ", -1, false, 0,
		  "0001000B915155661632F40000195474" "7A0E4ACF41F27298CDCE83C6EF"
		  "371B0481402010" },
		{ "ModemManager test_create_pdu_ucs2_no_smsc (5 minutes)",
		  "+15555551234", "Да здравствует король, детка!", -1, false,
		  5, "0011000B915155551532F4000800"
		  "3A0414043000200437043404400430043204410442043204430435"
		  "0442002004" "3A043E0440043E043B044C002C0020043404350442043A"
		  "04300021" },
		{ "a SCADA SMS driver's EncodePduTest", "+79103459603",
		  "Hello", -1, false, 0, "0001000B919701439506F3000005C8329BFD06" },
	};
	struct pdu_submit_opts o;
	struct pdu_part *p;
	size_t i, n;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct encode_case *c = &cases[i];

		print_message("case %s\n", c->source);
		pdu_submit_opts_init(&o);
		o.to = c->to;
		o.msg_class = c->msg_class;
		o.status_report = c->report;
		o.validity_minutes = c->validity;
		assert_int_equal(pdu_submit_encode(c->text, strlen(c->text), &o,
		    &p, &n, NULL), 0);
		assert_int_equal(n, 1);
		assert_string_equal(p[0].hex, c->hex);
		assert_int_equal(p[0].tpdu_len, (int)strlen(c->hex) / 2 - 1);
		free(p);
	}
}

static void
test_pdu_encode_errors(void **state)
{
	struct pdu_submit_opts o;
	struct pdu_part *p;
	struct sms_err err;
	size_t n;

	pdu_submit_opts_init(&o);
	o.to = "+3630-123";
	assert_int_equal(pdu_submit_encode("x", 1, &o, &p, &n, &err),
	    SMS_EDATA);
	assert_non_null(strstr(err.msg, "byte 5"));
	o.to = "+123456789012345678901";
	assert_int_equal(pdu_submit_encode("x", 1, &o, &p, &n, &err),
	    SMS_EDATA);
	o.to = "";
	assert_int_equal(pdu_submit_encode("x", 1, &o, &p, &n, &err),
	    SMS_EDATA);
	o.to = "Shop";
	assert_int_equal(pdu_submit_encode("x", 1, &o, &p, &n, &err),
	    SMS_EDATA);
	o.allow_alnum = true;
	assert_int_equal(pdu_submit_encode("x", 1, &o, &p, &n, &err), 0);
	free(p);
	o.to = "ABCDEFGHIJKL";
	assert_int_equal(pdu_submit_encode("x", 1, &o, &p, &n, &err),
	    SMS_EDATA);
	o.to = "+1";
	o.msg_class = 4;
	assert_int_equal(pdu_submit_encode("x", 1, &o, &p, &n, &err),
	    SMS_EINVAL);
	o.msg_class = -1;
	assert_int_equal(pdu_submit_encode("\xc3", 1, &o, &p, &n, &err),
	    SMS_EDATA);
	assert_null(p);
	assert_int_equal(n, 0);
}

static void
test_pdu_vp(void **state)
{
	static const int mins[] = { 1, 5, 6, 720, 721, 1440, 1441, 2880,
		30 * 1440, 30 * 1440 + 1, 63 * 10080, 99999999 };
	size_t i;

	for (i = 0; i < sizeof mins / sizeof mins[0]; i++) {
		uint8_t vp = pdu_vp_relative(mins[i]);

		/* Never shorter than asked (unless capped), and tight. */
		if (mins[i] <= 63 * 10080)
			assert_true(pdu_vp_minutes(vp) >= mins[i]);
		if (vp > 0 && mins[i] <= 63 * 10080)
			assert_true(pdu_vp_minutes((uint8_t)(vp - 1)) <
			    mins[i]);
	}
	assert_int_equal(pdu_vp_relative(99999999), 255);
	assert_int_equal(pdu_vp_minutes(0), 5);
	assert_int_equal(pdu_vp_minutes(143), 720);
	assert_int_equal(pdu_vp_minutes(167), 1440);
	assert_int_equal(pdu_vp_minutes(196), 30 * 1440);
	assert_int_equal(pdu_vp_minutes(197), 5 * 10080);
}

static void
test_pdu_dcs_and_udh(void **state)
{
	struct pdu_msg m;
	const char *hex;

	/* DCS 0x22: general group, compressed: reported, not garbled. */
	hex = "00040B916407281553F800220211324150600A0401020304";
	assert_int_equal(pdu_decode_hex(hex, strlen(hex), PDU_SMSC_AUTO, &m,
	    NULL), 0);
	assert_true(m.compressed);
	assert_string_equal(m.text, "");
	assert_int_equal(m.data_len, 4);
	/* DCS 0xE9: message waiting, store, UCS-2, indication on, fax. */
	hex = "00040B916407281553F800E90211324150600A020041";
	assert_int_equal(pdu_decode_hex(hex, strlen(hex), PDU_SMSC_AUTO, &m,
	    NULL), 0);
	assert_int_equal(m.mwi, PDU_MWI_FAX);
	assert_true(m.mwi_active);
	assert_false(m.mwi_discard);
	assert_int_equal(m.encoding, SMS_ENC_UCS2);
	assert_string_equal(m.text, "A");
	/* Reserved group 1000: read as GSM-7. */
	hex = "00040B916407281553F800800211324150600A0AE8329BFD4697D9EC37";
	assert_int_equal(pdu_decode_hex(hex, strlen(hex), PDU_SMSC_AUTO, &m,
	    NULL), 0);
	assert_string_equal(m.text, "hellohello");
	/* UCS-2 with a port-addressing element before a 16-bit concat
	   element; UDH kept raw. */
	hex = "00440B916407281553F800080211324150600A110C0504158A00000804"
	    "BEEF020100410042";
	assert_int_equal(pdu_decode_hex(hex, strlen(hex), PDU_SMSC_AUTO, &m,
	    NULL), 0);
	assert_int_equal(m.udh_len, 12);
	assert_true(m.concat.present);
	assert_true(m.concat.ref16);
	assert_int_equal(m.concat.ref, 0xbeef);
	assert_int_equal(m.concat.total, 2);
	assert_int_equal(m.concat.seq, 1);
	assert_string_equal(m.text, "AB");
	/* A concat element with sequence 0 is ignored, not the message
	   (TS 23.040 9.2.3.24.1); GSM-7 text after a 6-octet UDH starts
	   after one fill bit. */
	hex = "00440B916407281553F800000211324150600A0D0500030A0200"
	    "9A6536FBED06";
	assert_int_equal(pdu_decode_hex(hex, strlen(hex), PDU_SMSC_AUTO, &m,
	    NULL), 0);
	assert_false(m.concat.present);
	assert_int_equal(m.udh_len, 5);
	assert_string_equal(m.text, "Mellon");
}

static void
test_pdu_modem_helpers(void **state)
{
	const char *padded = "079124602009999002AB098106845688F8907080517375"
	    "809070805183018000FFFFFFFFFFFFF";
	struct pdu_msg m;
	size_t len;

	/* The length a modem gives decides the SMSC prefix... */
	assert_int_equal(pdu_smsc_mode_for(48, 23), PDU_SMSC_PRESENT);
	assert_int_equal(pdu_smsc_mode_for(46, 23), PDU_SMSC_ABSENT);
	assert_int_equal(pdu_smsc_mode_for(46, -1), PDU_SMSC_AUTO);
	/* ...unless it cannot be right. */
	assert_int_equal(pdu_smsc_mode_for(20, 23), PDU_SMSC_AUTO);
	/* Padding after the PDU is cut where the SMSC field says. */
	len = pdu_hex_trim(padded, strlen(padded), 29);
	assert_int_equal(len, 2 * (1 + 7 + 29));
	assert_int_equal(pdu_decode_hex(padded, len, pdu_smsc_mode_for(len,
	    29), &m, NULL), 0);
	assert_int_equal(m.type, PDU_STATUS_REPORT);
	assert_int_equal(pdu_hex_trim(padded, strlen(padded), -1),
	    strlen(padded));
	assert_int_equal(pdu_hex_trim("ZZ00", 4, 1), 4);
	assert_int_equal(pdu_hex_trim("0C00", 4, 1), 4);
	assert_int_equal(pdu_hex_trim(NULL, 0, 1), 0);
}

static void
test_pdu_mti1_received(void **state)
{
	/* Received, stored with TP-MTI 01 (gammu's tests/at-sms/01). */
	const char *hex = "0791246030500200110481643000007030427132500047"
	    "D6B0BEECCE83F4E17558EF4EAFEB2CD09C5DD78BC3207519447E8FC373771"
	    "9D44EB7DF20B8FC6D7FEB5D2062795D5797DB65903E0C82BFC7E837BCEC4E"
	    "BB00";
	struct pdu_msg m;
	struct sms_err err;

	assert_int_equal(pdu_decode_hex(hex, strlen(hex), PDU_SMSC_PRESENT,
	    &m, NULL), 0);
	assert_int_equal(m.type, PDU_DELIVER);
	assert_string_equal(m.addr.number, "4603");
	/* A broken submit stays an error, with the submit's sentence. */
	hex = "0041010C910661345542F60008A0050003000301306F3044";
	assert_int_equal(pdu_decode_hex(hex, strlen(hex), PDU_SMSC_PRESENT,
	    &m, &err), SMS_EDATA);
	assert_non_null(strstr(err.msg, "over 140"));
}

/*
 * An SMS-DELIVER (no SMSC) from +36301234567 with the UDH udh[0..udhl)
 * and the septets sept[0..n) packed after it, as hex into out.
 */
static void
deliver_with_udh(const uint8_t *udh, size_t udhl, const uint8_t *sept,
    size_t n, char *out)
{
	uint8_t b[PDU_MAX_BYTES];
	size_t len = 0, fill, hsept, i;
	static const uint8_t head[] = { 0x40, 0x0b, 0x91, 0x63, 0x03, 0x21,
		0x43, 0x65, 0xf7, 0x00, 0x00, 0x62, 0x11, 0x32, 0x41, 0x50,
		0x60, 0x0a };

	memcpy(b, head, sizeof head);
	len = sizeof head;
	fill = (7 - ((udhl + 1) * 8) % 7) % 7;
	hsept = ((udhl + 1) * 8 + fill) / 7;
	b[len++] = (uint8_t)(hsept + n);
	b[len++] = (uint8_t)udhl;
	if (udhl > 0)
		memcpy(b + len, udh, udhl);
	len += udhl;
	len += gsm7_pack(sept, n, (unsigned)fill, b + len);
	for (i = 0; i < len; i++)
		snprintf(out + 2 * i, 3, "%02X", b[i]);
}

static void
test_pdu_language_shift(void **state)
{
	/* "Şişli ğ" in Turkish: locking 1C 69 1D 6C 69 20, single 1B 67. */
	static const uint8_t tr[] = { 0x1c, 0x69, 0x1d, 0x6c, 0x69, 0x20,
		0x1b, 0x67 };
	static const uint8_t both[] = { 0x25, 0x01, 0x01, 0x24, 0x01, 0x01 };
	static const uint8_t lock_only[] = { 0x25, 0x01, 0x01 };
	static const uint8_t es[] = { 0x24, 0x01, 0x02 };
	static const uint8_t unknown[] = { 0x25, 0x01, 0x02, 0x24, 0x01, 0x0e };
	static const uint8_t concat_pt[] = { 0x00, 0x03, 0x42, 0x02, 0x01,
		0x25, 0x01, 0x03, 0x24, 0x01, 0x03 };
	/* "Ação" in Spanish single shift has no ã: "Año ç Á". */
	static const uint8_t es_text[] = { 0x41, 0x7d, 0x6f, 0x20, 0x1b, 0x09,
		0x20, 0x1b, 0x41 };
	/* Portuguese "Ação ∞ Φ": locking 41 09 7B 6F 20 15, single 1B 12. */
	static const uint8_t pt[] = { 0x41, 0x09, 0x7b, 0x6f, 0x20, 0x15,
		0x20, 0x1b, 0x12 };
	char hex[2 * PDU_MAX_BYTES + 1];
	struct pdu_msg m;

	deliver_with_udh(both, sizeof both, tr, sizeof tr, hex);
	assert_int_equal(pdu_decode_hex(hex, strlen(hex), PDU_SMSC_ABSENT, &m,
	    NULL), 0);
	assert_int_equal(m.lang_locking, 1);
	assert_int_equal(m.lang_single, 1);
	assert_string_equal(m.text, "\xc5\x9ei\xc5\x9fli \xc4\x9f");
	/* Locking only: ESC 67 is the default extension table's (none:
	   the locking table's 'g'). */
	deliver_with_udh(lock_only, sizeof lock_only, tr, sizeof tr, hex);
	assert_int_equal(pdu_decode_hex(hex, strlen(hex), PDU_SMSC_ABSENT, &m,
	    NULL), 0);
	assert_int_equal(m.lang_locking, 1);
	assert_int_equal(m.lang_single, -1);
	assert_string_equal(m.text, "\xc5\x9ei\xc5\x9fli g");
	deliver_with_udh(es, sizeof es, es_text, sizeof es_text, hex);
	assert_int_equal(pdu_decode_hex(hex, strlen(hex), PDU_SMSC_ABSENT, &m,
	    NULL), 0);
	assert_int_equal(m.lang_single, 2);
	assert_string_equal(m.text, "A\xc3\xb1o \xc3\xa7 \xc3\x81");
	/* Unknown: Spanish has no locking table, 14 is not assigned: the
	   default tables, and the identifiers are still reported. */
	deliver_with_udh(unknown, sizeof unknown, tr, sizeof tr, hex);
	assert_int_equal(pdu_decode_hex(hex, strlen(hex), PDU_SMSC_ABSENT, &m,
	    NULL), 0);
	assert_int_equal(m.lang_locking, 2);
	assert_int_equal(m.lang_single, 14);
	assert_false(gsm7_lang_has_locking(2));
	assert_string_equal(m.text, "\xc3\x86i\xc3\xa6li g");
	/* With a concatenation element first; fill bits after 12 octets. */
	deliver_with_udh(concat_pt, sizeof concat_pt, pt, sizeof pt, hex);
	assert_int_equal(pdu_decode_hex(hex, strlen(hex), PDU_SMSC_ABSENT, &m,
	    NULL), 0);
	assert_true(m.concat.present);
	assert_int_equal(m.concat.ref, 0x42);
	assert_int_equal(m.lang_locking, 3);
	assert_string_equal(m.text,
	    "A\xc3\xa7\xc3\xa3o \xe2\x88\x9e \xce\xa6");
	/* No language element: -1. */
	deliver_with_udh(NULL, 0, tr, sizeof tr, hex);
	assert_int_equal(pdu_decode_hex(hex, strlen(hex), PDU_SMSC_ABSENT, &m,
	    NULL), 0);
	assert_int_equal(m.lang_locking, -1);
	assert_int_equal(m.lang_single, -1);
}

/*
 * oFono's national language vectors (unit/test-sms.c, sms_charset_*): the
 * septets of these PDUs read with the tables named give oFono's text.
 * oFono's tables were written apart from the ones here (gsm7-lang.c):
 * an independent check of Turkish, Portuguese and Spanish.
 */
static void
test_pdu_language_ofono(void **state)
{
	static const struct {
		const char *hex;
		unsigned locking, single;
		const char *text;
	} vec[] = {
	/* turkey */
	{ "0001000B915310101010100000808080604028180E888462C168381E"
	    "90886442A9582E988C06C4E9783EA09068442A994EA8946AC56AB95E"
	    "B0986C46ABD96EB89C6EC7EBF97EC0A070482C1A8FC8A472C96C3A9F"
	    "D0A8744AAD5AAFD8AC76CBED7ABFE0B0784C2E9BCFE8B47ACD6EBBDF"
	    "F0B87C4EAFDBEFF8BC7ECFEFFBFF",
	    1, 0,
	    "@\xc2\xa3$\xc2\xa5\xe2\x82\xac\xc3\xa9\xc3\xb9\xc4\xb1\xc3"
	    "\xb2\xc3\x87\x0a\xc4\x9e\xc4\x9f\x0d\xc3\x85\xc3\xa5\xce"
	    "\x94_\xce\xa6\xce\x93\xce\x9b\xce\xa9\xce\xa0\xce\xa8\xce"
	    "\xa3\xce\x98\xce\x9e \xc5\x9e\xc5\x9f\xc3\x9f\xc3\x89 !\x22"
	    "#\xc2\xa4%&'()*+,-./0123456789:;<=>\x3f\xc4\xb0" "ABCDEFGHI"
	    "JKLMNOPQRSTUVWXYZ\xc3\x84\xc3\x96\xc3\x91\xc3\x9c\xc2\xa7"
	    "\xc3\xa7" "abcdefghijklmnopqrstuvwxyz\xc3\xa4\xc3\xb6\xc3"
	    "\xb1\xc3\xbc\xc3\xa0" },
	/* turkey_ext */
	{ "0001000B9153101010101000001A1BC586B2416D529BD786B7E96D7C"
	    "1BE002C8011318870E",
	    1, 1,
	    "\x0c^{}\x5c[~]|\xc4\x9e\xc4\xb0\xc5\x9e\xc3\xa7\xe2\x82\xac"
	    "\xc4\x9f\xc4\xb1\xc5\x9f" },
	/* portugal */
	{ "0001000B915310101010100000808080604028180E888462C168381E"
	    "90886442A9582E988C06C4E9783EA09068442A994EA8946AC56AB95E"
	    "B0986C46ABD96EB89C6EC7EBF97EC0A070482C1A8FC8A472C96C3A9F"
	    "D0A8744AAD5AAFD8AC76CBED7ABFE0B0784C2E9BCFE8B47ACD6EBBDF"
	    "F0B87C4EAFDBEFF8BC7ECFEFFBFF",
	    3, 0,
	    "@\xc2\xa3$\xc2\xa5\xc3\xaa\xc3\xa9\xc3\xba\xc3\xad\xc3\xb3"
	    "\xc3\xa7\x0a\xc3\x94\xc3\xb4\x0d\xc3\x81\xc3\xa1\xce\x94_"
	    "\xc2\xaa\xc3\x87\xc3\x80\xe2\x88\x9e^\x5c\xe2\x82\xac\xc3"
	    "\x93| \xc3\x82\xc3\xa2\xc3\x8a\xc3\x89 !\x22#\xc2\xba%&'()*"
	    "+,-./0123456789:;<=>\x3f\xc3\x8d" "ABCDEFGHIJKLMNOPQRSTUVWX"
	    "YZ\xc3\x83\xc3\x95\xc3\x9a\xc3\x9c\xc2\xa7~abcdefghijklmnop"
	    "qrstuvwxyz\xc3\xa3\xc3\xb5`\xc3\xbc\xc3\xa0" },
	/* portugal_ext */
	{ "0001000B9153101010101000003184C446B160381E1BC96662D95436"
	    "96CD6583D9643C1BD42675D9F0C01B9F8602CC74B75C0EE68030ECF9"
	    "1D",
	    3, 3,
	    "\xc3\xaa\xc3\xa7\x0c\xc3\x94\xc3\xb4\xc3\x81\xc3\xa1\xce"
	    "\xa6\xce\x93^\xce\xa9\xce\xa0\xce\xa8\xce\xa3\xce\x98\xc3"
	    "\x8a{}\x5c[~]|\xc3\x80\xc3\x8d\xc3\x93\xc3\x9a\xc3\x83\xc3"
	    "\x95\xc3\x82\xe2\x82\xac\xc3\xad\xc3\xb3\xc3\xba\xc3\xa3"
	    "\xc3\xb5\xc3\xa2" },
	/* spain */
	{ "0001000B915310101010100000269BC446B1A16C509BD4E6B5E16D7A"
	    "1BDF06B8096E929BE7A6BA096FCA9BF4E6BDA903",
	    2, 2,
	    "\xc3\xa7\x0c^{}\x5c[~]|\xc3\x81\xc3\x8d\xc3\x93\xc3\x9a\xc3"
	    "\xa1\xe2\x82\xac\xc3\xad\xc3\xb3\xc3\xba" },
	};
	char out[PDU_TEXT_MAX];
	struct pdu_msg m;
	size_t i;

	for (i = 0; i < sizeof vec / sizeof vec[0]; i++) {
		assert_int_equal(pdu_decode_hex(vec[i].hex, strlen(vec[i].hex),
		    PDU_SMSC_AUTO, &m, NULL), 0);
		assert_int_equal(m.encoding, SMS_ENC_GSM7);
		gsm7_to_utf8_lang(m.data, m.data_len, vec[i].locking,
		    vec[i].single, out, sizeof out);
		assert_string_equal(out, vec[i].text);
	}
}

/*
 * A UDH element that runs past the header (python-gsmmodem issue 51 has
 * one from a real network) ends the element parsing; the header length
 * still says where the text starts.
 */
static void
test_pdu_udh_tolerant(void **state)
{
	static const uint8_t bad[] = { 0xc0, 0x1b, 0xf4, 0x02, 0x01 };
	static const uint8_t concat_then_bad[] = { 0x00, 0x03, 0x07, 0x02,
		0x02, 0x24, 0x05, 0x01 };
	static const uint8_t hi[] = { 0x68, 0x69 };
	char hex[2 * PDU_MAX_BYTES + 1];
	struct pdu_msg m;

	deliver_with_udh(bad, sizeof bad, hi, sizeof hi, hex);
	assert_int_equal(pdu_decode_hex(hex, strlen(hex), PDU_SMSC_ABSENT, &m,
	    NULL), 0);
	assert_int_equal(m.udh_len, 5);
	assert_false(m.concat.present);
	assert_string_equal(m.text, "hi");
	/* Elements before the broken one count; the broken one does not. */
	deliver_with_udh(concat_then_bad, sizeof concat_then_bad, hi,
	    sizeof hi, hex);
	assert_int_equal(pdu_decode_hex(hex, strlen(hex), PDU_SMSC_ABSENT, &m,
	    NULL), 0);
	assert_true(m.concat.present);
	assert_int_equal(m.concat.seq, 2);
	assert_int_equal(m.lang_single, -1);
	assert_string_equal(m.text, "hi");
}

/* Random texts in each language's tables decode to what was packed. */
static void
test_pdu_language_random(void **state)
{
	uint8_t udh[6] = { 0x25, 0x01, 0, 0x24, 0x01, 0 }, sept[160], s;
	char hex[2 * PDU_MAX_BYTES + 1], want[PDU_TEXT_MAX], tmp[UTF8_MAX];
	unsigned seed = 7, round, id, lock;
	size_t n, len, k;
	struct pdu_msg m;
	uint32_t cp;

	for (round = 0; round < 600; round++) {
		id = 1 + round % GSM7_LANG_MAX;
		lock = gsm7_lang_has_locking(id) ? id : 0;
		udh[2] = (uint8_t)lock;
		udh[5] = (uint8_t)id;
		n = 0;
		len = 0;
		seed = seed * 1103515245 + 12345;
		while (n < 150 - (seed >> 20) % 100) {
			seed = seed * 1103515245 + 12345;
			s = (uint8_t)((seed >> 16) % 128);
			if (s == GSM7_ESC)
				continue;
			/* One in four from the single shift table. */
			if ((seed >> 12) % 4 == 0) {
				cp = gsm7_lang_ext_to_cp(s, lock, id);
				sept[n++] = GSM7_ESC;
			} else
				cp = gsm7_lang_to_cp(s, lock);
			sept[n++] = s;
			k = utf8_encode(cp, tmp);
			memcpy(want + len, tmp, k);
			len += k;
		}
		want[len] = '\0';
		deliver_with_udh(lock ? udh : udh + 3, lock ? 6 : 3, sept, n,
		    hex);
		assert_int_equal(pdu_decode_hex(hex, strlen(hex),
		    PDU_SMSC_ABSENT, &m, NULL), 0);
		assert_string_equal(m.text, want);
		assert_int_equal(m.data_len, n);
	}
}

/* 8-bit data: text when it is text, else a placeholder with its bytes. */
static void
test_pdu_8bit_display(void **state)
{
	struct pdu_msg m;
	char out[128];
	const char *hex;

	/* DCS 04, "Hello" in 8-bit. */
	hex = "00040B916303214365F700046211324150600A0548656C6C6F";
	assert_int_equal(pdu_decode_hex(hex, strlen(hex), PDU_SMSC_AUTO, &m,
	    NULL), 0);
	assert_int_equal(m.encoding, SMS_ENC_8BIT);
	assert_string_equal(m.text, "");
	assert_true(pdu_data_is_text(&m));
	assert_string_equal(pdu_data_text(&m, out, sizeof out), "Hello");
	/* UTF-8 "é ok\n" in 8-bit is text too. */
	hex = "00040B916303214365F700046211324150600A06C3A9206F6B0A";
	assert_int_equal(pdu_decode_hex(hex, strlen(hex), PDU_SMSC_AUTO, &m,
	    NULL), 0);
	assert_string_equal(pdu_data_text(&m, out, sizeof out),
	    "\xc3\xa9 ok\n");
	/* Too small a buffer cuts before, not inside, a character. */
	assert_string_equal(pdu_data_text(&m, out, 2), "");
	assert_string_equal(pdu_data_text(&m, out, 4), "\xc3\xa9 ");
	/* Binary: control bytes, a placeholder with the first 8 bytes. */
	hex = "00040B916303214365F700F56211324150600A0A0A1B2C3D4E5F60718293";
	assert_int_equal(pdu_decode_hex(hex, strlen(hex), PDU_SMSC_AUTO, &m,
	    NULL), 0);
	assert_int_equal(m.msg_class, 1);
	assert_false(pdu_data_is_text(&m));
	assert_string_equal(pdu_data_text(&m, out, sizeof out),
	    "[8-bit data, 10 bytes: 0A1B2C3D4E5F6071\xe2\x80\xa6]");
	/* Bad UTF-8 and short. */
	hex = "00040B916303214365F700046211324150600A02C328";
	assert_int_equal(pdu_decode_hex(hex, strlen(hex), PDU_SMSC_AUTO, &m,
	    NULL), 0);
	assert_string_equal(pdu_data_text(&m, out, sizeof out),
	    "[8-bit data, 2 bytes: C328]");
	/* Empty, and a tiny buffer. */
	hex = "00040B916303214365F700046211324150600A00";
	assert_int_equal(pdu_decode_hex(hex, strlen(hex), PDU_SMSC_AUTO, &m,
	    NULL), 0);
	assert_string_equal(pdu_data_text(&m, out, sizeof out),
	    "[8-bit data, 0 bytes]");
	assert_string_equal(pdu_data_text(&m, out, 4), "[8-");
	/* GSM-7 gives its text; compressed a placeholder. */
	hex = "00040B916407281553F800220211324150600A0401020304";
	assert_int_equal(pdu_decode_hex(hex, strlen(hex), PDU_SMSC_AUTO, &m,
	    NULL), 0);
	assert_string_equal(pdu_data_text(&m, out, sizeof out),
	    "[compressed text, 4 bytes]");
}

/* Encode, decode every part, join: the text comes back. */
static void
roundtrip(const char *text, unsigned flags, uint16_t ref)
{
	struct pdu_submit_opts o;
	struct concat_part cp[SEGMENT_MAX];
	struct segment_info info;
	struct pdu_part *p;
	struct pdu_msg *m;
	size_t n, i;
	char *joined;

	pdu_submit_opts_init(&o);
	o.to = "+36301234567";
	o.flags = flags;
	o.concat_ref = ref;
	assert_int_equal(segment_calc(text, strlen(text), flags, &info,
	    NULL), 0);
	assert_int_equal(pdu_submit_encode(text, strlen(text), &o, &p, &n,
	    NULL), 0);
	assert_int_equal(n, info.segments);
	m = calloc(n, sizeof *m);
	for (i = 0; i < n; i++) {
		assert_int_equal(pdu_decode_hex(p[i].hex, strlen(p[i].hex),
		    PDU_SMSC_PRESENT, &m[i], NULL), 0);
		assert_int_equal(m[i].type, PDU_SUBMIT);
		assert_int_equal(m[i].encoding, info.encoding);
		assert_int_equal((size_t)p[i].tpdu_len,
		    strlen(p[i].hex) / 2 - 1);
		/* Every part names the language tables it was written in. */
		assert_int_equal(m[i].lang_locking, info.lang_locking > 0 ?
		    (int)info.lang_locking : -1);
		assert_int_equal(m[i].lang_single, info.lang_single > 0 ?
		    (int)info.lang_single : -1);
		if (n > 1) {
			assert_true(m[i].concat.present);
			assert_int_equal(m[i].concat.seq, i + 1);
			assert_int_equal(m[i].concat.total, n);
			assert_int_equal(m[i].concat.ref16,
			    (flags & SEGMENT_REF16) != 0);
			assert_int_equal(m[i].concat.ref, (flags &
			    SEGMENT_REF16) ? ref : (ref & 0xff));
		}
		/* Given in reverse order, with a duplicate. */
		cp[n - 1 - i].seq = n > 1 ? m[i].concat.seq : 1;
		cp[n - 1 - i].text = m[i].text;
		cp[n - 1 - i].len = strlen(m[i].text);
	}
	cp[n] = cp[0];
	assert_int_equal(concat_join(cp, n + 1, (unsigned)n, false, &joined,
	    NULL), 0);
	if (!(flags & SEGMENT_SMART))
		assert_string_equal(joined, text);
	free(joined);
	free(m);
	free(p);
}

/* Random texts from a language's tables, encoded with it and back. */
static void
test_pdu_roundtrip_language(void **state)
{
	char text[4096], tmp[UTF8_MAX];
	unsigned seed = 2024, round, id, lock;
	struct segment_info info;
	size_t len, count, i, k;
	uint8_t s;
	uint32_t cp;

	for (round = 0; round < 260; round++) {
		id = 1 + round % GSM7_LANG_MAX;
		lock = gsm7_lang_has_locking(id) ? id : 0;
		seed = seed * 1103515245 + 12345;
		count = (seed >> 8) % 420;
		for (len = 0, i = 0; i < count; i++) {
			seed = seed * 1103515245 + 12345;
			s = (uint8_t)((seed >> 16) % 128);
			if (s == GSM7_ESC)
				continue;
			/* One in five from the single shift table. */
			cp = (seed >> 12) % 5 == 0 ?
			    gsm7_lang_ext_to_cp(s, lock, id) :
			    gsm7_lang_to_cp(s, lock);
			k = utf8_encode(cp, tmp);
			memcpy(text + len, tmp, k);
			len += k;
		}
		text[len] = '\0';
		assert_int_equal(segment_calc(text, len, SEGMENT_LANG(id),
		    &info, NULL), 0);
		/* Every character is in the tables: never UCS-2. */
		assert_int_equal(info.encoding, SMS_ENC_GSM7);
		roundtrip(text, SEGMENT_LANG(id) | (round % 3 == 0 ?
		    SEGMENT_REF16 : 0), (uint16_t)(seed >> 3));
	}
}

static void
test_pdu_roundtrip_random(void **state)
{
	static const char *pieces[] = { "a", "Z", " ", "€", "[", "~", "\n",
		"é", "Ø", "@", "ж", "😀", "中", "’" };
	char text[4096];
	unsigned seed = 99, round;
	size_t len, i, count, np;

	roundtrip("", 0, 0);
	roundtrip("hello", SEGMENT_UCS2, 0);
	for (round = 0; round < 400; round++) {
		seed = seed * 1103515245 + 12345;
		count = (seed >> 8) % 500;
		np = round % 2 ? 14 : 10;	/* GSM-7 only, or mixed */
		len = 0;
		for (i = 0; i < count; i++) {
			seed = seed * 1103515245 + 12345;
			const char *p = pieces[(seed >> 16) % np];
			memcpy(text + len, p, strlen(p));
			len += strlen(p);
		}
		text[len] = '\0';
		roundtrip(text, (round % 3 == 0 ? SEGMENT_REF16 : 0) |
		    (round % 5 == 0 ? SEGMENT_SMART : 0),
		    (uint16_t)(seed >> 3));
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pdu_decode_table),
		cmocka_unit_test(test_pdu_decode_fields),
		cmocka_unit_test(test_pdu_status_report),
		cmocka_unit_test(test_pdu_decode_errors),
		cmocka_unit_test(test_pdu_dcs_and_udh),
		cmocka_unit_test(test_pdu_modem_helpers),
		cmocka_unit_test(test_pdu_mti1_received),
		cmocka_unit_test(test_pdu_language_shift),
		cmocka_unit_test(test_pdu_language_random),
		cmocka_unit_test(test_pdu_language_ofono),
		cmocka_unit_test(test_pdu_udh_tolerant),
		cmocka_unit_test(test_pdu_8bit_display),
		cmocka_unit_test(test_pdu_encode_known),
		cmocka_unit_test(test_pdu_encode_table),
		cmocka_unit_test(test_pdu_encode_errors),
		cmocka_unit_test(test_pdu_vp),
		cmocka_unit_test(test_pdu_roundtrip_random),
		cmocka_unit_test(test_pdu_roundtrip_language),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
