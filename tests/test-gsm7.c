/* Tests for codec/gsm7 and codec/ucs2: tables, packing, UTF-8 output. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "codec/gsm7.h"
#include "codec/ucs2.h"

static void
test_gsm7_tables_agree(void **state)
{
	unsigned s;
	uint8_t back;

	/* Every default-alphabet septet maps to a code point and back. */
	for (s = 0; s < 128; s++) {
		if (s == GSM7_ESC)
			continue;
		assert_int_equal(gsm7_from_cp(gsm7_to_cp((uint8_t)s), &back),
		    1);
		assert_int_equal(back, s);
	}
	/* The extension table: ten characters, two septets each. */
	static const unsigned ext[] = {
		0x0a, 0x14, 0x28, 0x29, 0x2f, 0x3c, 0x3d, 0x3e, 0x40, 0x65
	};
	for (s = 0; s < sizeof ext / sizeof ext[0]; s++) {
		assert_int_equal(gsm7_from_cp(gsm7_ext_to_cp((uint8_t)ext[s]),
		    &back), 2);
		assert_int_equal(back, ext[s]);
	}
	assert_int_equal(gsm7_ext_to_cp(0x65), 0x20ac);
	/* Unassigned extension codes read as the default table (6.2.1.1). */
	assert_int_equal(gsm7_ext_to_cp(0x41), 'A');
	assert_int_equal(gsm7_ext_to_cp(GSM7_ESC), ' ');
	/* No GSM-7 form. */
	assert_int_equal(gsm7_from_cp('`', &back), 0);
	assert_int_equal(gsm7_from_cp(0xe7, &back), 0);	/* c cedilla */
	assert_int_equal(gsm7_from_cp(0x1f600, &back), 0);
	assert_int_equal(gsm7_from_cp(0x09, &back), 0);	/* tab */
	assert_int_equal(gsm7_from_cp(0xc7, &back), 1);
	assert_int_equal(back, 0x09);
}

/* Entries of TS 23.038 Annex A, looked up by hand in the spec's tables. */
static void
test_gsm7_lang_known(void **state)
{
	uint8_t s;

	/* A.3.1 Turkish locking shift: 0x07 dotless i, 0x40 capital I with
	   dot, 0x60 c cedilla, 0x04 euro; the rest as the default. */
	assert_int_equal(gsm7_lang_to_cp(0x07, 1), 0x0131);
	assert_int_equal(gsm7_lang_to_cp(0x40, 1), 0x0130);
	assert_int_equal(gsm7_lang_to_cp(0x60, 1), 0x00e7);
	assert_int_equal(gsm7_lang_to_cp(0x04, 1), 0x20ac);
	assert_int_equal(gsm7_lang_to_cp(0x41, 1), 'A');
	/* A.2.1 Turkish single shift: 0x47 G breve, 0x53 S cedilla, 0x69
	   dotless i; 0x65 euro as in the default extension table. */
	assert_int_equal(gsm7_lang_ext_to_cp(0x47, 0, 1), 0x011e);
	assert_int_equal(gsm7_lang_ext_to_cp(0x53, 0, 1), 0x015e);
	assert_int_equal(gsm7_lang_ext_to_cp(0x69, 0, 1), 0x0131);
	assert_int_equal(gsm7_lang_ext_to_cp(0x65, 0, 1), 0x20ac);
	assert_int_equal(gsm7_lang_ext_to_cp(0x28, 0, 1), '{');
	/* An unassigned single shift code reads as the locking table's. */
	assert_int_equal(gsm7_lang_ext_to_cp(0x41, 0, 1), 'A');
	assert_int_equal(gsm7_lang_ext_to_cp(0x07, 1, 1), 0x0131);
	assert_int_equal(gsm7_lang_ext_to_cp(GSM7_ESC, 1, 1), ' ');
	/* A.2.2 Spanish single shift; there is no Spanish locking table. */
	assert_int_equal(gsm7_lang_ext_to_cp(0x09, 0, 2), 0x00e7);
	assert_int_equal(gsm7_lang_ext_to_cp(0x41, 0, 2), 0x00c1);
	assert_int_equal(gsm7_lang_ext_to_cp(0x75, 0, 2), 0x00fa);
	assert_false(gsm7_lang_has_locking(2));
	assert_true(gsm7_lang_has_single(2));
	assert_int_equal(gsm7_lang_to_cp(0x07, 2), 0x00ec);
	/* A.3.3 / A.2.3 Portuguese. */
	assert_int_equal(gsm7_lang_to_cp(0x15, 3), 0x221e);
	assert_int_equal(gsm7_lang_to_cp(0x7d, 3), '`');
	assert_int_equal(gsm7_lang_to_cp(0x14, 3), 0x00c0);
	assert_int_equal(gsm7_lang_ext_to_cp(0x05, 3, 3), 0x00ea);
	assert_int_equal(gsm7_lang_ext_to_cp(0x12, 3, 3), 0x03a6);
	assert_int_equal(gsm7_lang_ext_to_cp(0x1f, 3, 3), 0x00ca);
	/* A.3.6 Hindi, A.3.13 Urdu, A.2.4 Bengali (digits). */
	assert_int_equal(gsm7_lang_to_cp(0x00, 6), 0x0901);
	assert_int_equal(gsm7_lang_to_cp(0x15, 6), 0x0915);
	assert_int_equal(gsm7_lang_to_cp(0x00, 13), 0x0627);
	assert_int_equal(gsm7_lang_ext_to_cp(0x1c, 4, 4), 0x09e8);
	assert_int_equal(gsm7_lang_ext_to_cp(0x41, 4, 4), 'A');
	/* Unknown identifiers: the default tables. */
	assert_int_equal(gsm7_lang_to_cp(0x07, 14), 0x00ec);
	assert_int_equal(gsm7_lang_ext_to_cp(0x65, 0, 99), 0x20ac);
	assert_null(gsm7_lang_code(0));
	assert_null(gsm7_lang_code(14));
	assert_string_equal(gsm7_lang_code(1), "tr");
	assert_int_equal(gsm7_lang_from_code("pt"), 3);
	assert_int_equal(gsm7_lang_from_code("xx"), -1);
	/* Encoding: the locking table first, then the single shift one. */
	assert_int_equal(gsm7_lang_from_cp(0x0131, 1, 0, &s), 1);
	assert_int_equal(s, 0x07);
	assert_int_equal(gsm7_lang_from_cp(0x0131, 0, 1, &s), 2);
	assert_int_equal(s, 0x69);
	assert_int_equal(gsm7_lang_from_cp(0x0131, 0, 0, &s), 0);
	assert_int_equal(gsm7_lang_from_cp('{', 1, 0, &s), 2);
	assert_int_equal(s, 0x28);
	assert_int_equal(gsm7_lang_from_cp(0x00e8, 1, 0, &s), 0);
	assert_int_equal(gsm7_lang_from_cp(0x00e8, 0, 1, &s), 1);
	assert_int_equal(s, 0x04);
}

/* Every code of every table maps to a character that maps back to it. */
static void
test_gsm7_lang_tables(void **state)
{
	unsigned id, lock, single, c;
	uint32_t cp;
	uint8_t s;
	int g;

	for (id = 1; id <= GSM7_LANG_MAX; id++) {
		assert_non_null(gsm7_lang_code(id));
		assert_true(gsm7_lang_has_single(id));
		lock = gsm7_lang_has_locking(id) ? id : 0;
		single = id;
		for (c = 0; c < 128; c++) {
			if (c == GSM7_ESC)
				continue;
			cp = gsm7_lang_to_cp((uint8_t)c, lock);
			g = gsm7_lang_from_cp(cp, lock, single, &s);
			assert_int_equal(g, 1);
			assert_int_equal(gsm7_lang_to_cp(s, lock), cp);
			cp = gsm7_lang_ext_to_cp((uint8_t)c, lock, single);
			g = gsm7_lang_from_cp(cp, lock, single, &s);
			assert_true(g == 1 || g == 2);
			if (g == 2)
				assert_int_equal(gsm7_lang_ext_to_cp(s, lock,
				    single), cp);
		}
	}
	/* Text through the tables: "Şişli'de ğ" in Turkish locking plus
	   single shift. */
	{
		static const uint8_t sept[] = { 0x1c, 0x69, 0x1d, 0x6c, 0x69,
			0x27, 0x64, 0x65, 0x20, 0x0c, 0x1b, 0x47 };
		char out[64];

		gsm7_to_utf8_lang(sept, sizeof sept, 1, 1, out, sizeof out);
		assert_string_equal(out,
		    "\xc5\x9ei\xc5\x9fli'de \xc4\x9f\xc4\x9e");
		/* The same septets in the default alphabet. */
		gsm7_to_utf8_lang(sept, sizeof sept, 0, 0, out, sizeof out);
		assert_string_equal(out, "\xc3\x86i\xc3\xa6li'de \xc3\xb8G");
		/* Output never overruns. */
		assert_int_equal(gsm7_to_utf8_lang(sept, sizeof sept, 1, 1,
		    out, 3), 2);
	}
}

/* TS 23.038 6.1.2.1.1's example and its neighbours. */
static void
test_gsm7_pack_known(void **state)
{
	static const uint8_t hello[] = { 0xe8, 0x32, 0x9b, 0xfd, 0x46, 0x97,
		0xd9, 0xec, 0x37 };
	uint8_t sept[16], out[16];
	size_t n;

	for (n = 0; n < 10; n++)
		sept[n] = (uint8_t)"hellohello"[n];
	assert_int_equal(gsm7_packed_len(10, 0), 9);
	assert_int_equal(gsm7_pack(sept, 10, 0, out), 9);
	assert_memory_equal(out, hello, 9);
	memset(sept, 0, sizeof sept);
	assert_int_equal(gsm7_unpack(hello, 9, 0, 10, sept), 10);
	assert_memory_equal(sept, "hellohello", 10);
	/* Eight septets fill seven octets exactly. */
	assert_int_equal(gsm7_packed_len(8, 0), 7);
	/* With one fill bit (after a 6-octet UDH). */
	assert_int_equal(gsm7_packed_len(153, 1), 134);
	assert_int_equal(gsm7_packed_len(152, 0), 133);
}

static void
test_gsm7_pack_roundtrip_fill(void **state)
{
	uint8_t sept[160], back[160], out[141];
	unsigned fill, i, n;

	for (i = 0; i < 160; i++)
		sept[i] = (uint8_t)((i * 37 + 11) & 0x7f);
	for (fill = 0; fill < 7; fill++)
		for (n = 0; n <= 153; n += 17) {
			size_t len = gsm7_pack(sept, n, fill, out);

			assert_int_equal(len, gsm7_packed_len(n, fill));
			assert_int_equal(out[0] & ((1u << fill) - 1), 0);
			assert_int_equal(gsm7_unpack(out, len, fill, n, back),
			    n);
			assert_memory_equal(back, sept, n);
		}
	/* Unpacking never reads past the input: asks for more, gets less. */
	assert_int_equal(gsm7_unpack(out, 2, 0, 10, back), 2);
	assert_int_equal(gsm7_unpack(out, 0, 0, 10, back), 0);
}

static void
test_gsm7_to_utf8(void **state)
{
	static const uint8_t s[] = { 0x00, 0x01, GSM7_ESC, 0x65, 0x10, 0x7f,
		GSM7_ESC, 0x3c, 0x20 };
	static const uint8_t lone[] = { 'a', GSM7_ESC };
	char out[64];

	assert_int_equal(gsm7_to_utf8(s, sizeof s, out, sizeof out),
	    strlen("@£€Δà[ "));
	assert_string_equal(out, "@£€Δà[ ");
	gsm7_to_utf8(lone, sizeof lone, out, sizeof out);
	assert_string_equal(out, "a");
	/* A short buffer cuts before a character, never inside one. */
	assert_int_equal(gsm7_to_utf8(s, sizeof s, out, 5), 3);
	assert_string_equal(out, "@£");
	assert_int_equal(gsm7_to_utf8(s, sizeof s, out, 0), 0);
}

static void
test_ucs2_to_utf8(void **state)
{
	/* "Hi 😀" then a lone high surrogate at the end; odd octet ignored. */
	static const uint8_t u[] = { 0x00, 'H', 0x00, 'i', 0x00, ' ', 0xd8,
		0x3d, 0xde, 0x00, 0xd8, 0x3d, 0x41 };
	uint8_t b[4];
	char out[64];

	ucs2_to_utf8(u, sizeof u, out, sizeof out);
	assert_string_equal(out, "Hi \xf0\x9f\x98\x80\xed\xa0\xbd");
	assert_int_equal(ucs2_put(0x1f600, b), 4);
	assert_memory_equal(b, u + 6, 4);
	assert_int_equal(ucs2_put(0x20ac, b), 2);
	assert_int_equal(b[0], 0x20);
	assert_int_equal(ucs2_units(0x1f600), 2);
	assert_int_equal(ucs2_units('a'), 1);
	/* The emoji does not fit in 6 bytes: cut before it. */
	assert_int_equal(ucs2_to_utf8(u, sizeof u, out, 6), 3);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gsm7_tables_agree),
		cmocka_unit_test(test_gsm7_lang_known),
		cmocka_unit_test(test_gsm7_lang_tables),
		cmocka_unit_test(test_gsm7_pack_known),
		cmocka_unit_test(test_gsm7_pack_roundtrip_fill),
		cmocka_unit_test(test_gsm7_to_utf8),
		cmocka_unit_test(test_ucs2_to_utf8),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
