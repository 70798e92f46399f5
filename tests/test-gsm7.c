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
		cmocka_unit_test(test_gsm7_pack_known),
		cmocka_unit_test(test_gsm7_pack_roundtrip_fill),
		cmocka_unit_test(test_gsm7_to_utf8),
		cmocka_unit_test(test_ucs2_to_utf8),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
