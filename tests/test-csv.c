/* Tests for util/csv: quotes, embedded newlines, BOM, CRLF, delimiters,
 * missing columns, unclosed quotes, over-long fields. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "util/csv.h"
#include "util/err.h"

struct fixture {
	struct csv_reader r;
	struct csv_row row;
	struct sms_err err;
};

static int
setup(void **state)
{
	static struct fixture f;

	csv_row_init(&f.row, 64);
	sms_err_clear(&f.err);
	*state = &f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	csv_row_fini(&f->row);
	return 0;
}

static void
test_csv_quotes_newlines_crlf_bom(void **state)
{
	struct fixture *f = *state;
	const char text[] = "\xef\xbb\xbfname,number,note\r\n"
	    "\"Kovács, Anna\",+36301234567,\"say \"\"hi\"\"\r\nthen go\"\r\n"
	    "\r\n"
	    "  Bob  ,+15550000100\r\n";

	csv_reader_init(&f->r, text, sizeof text - 1);
	assert_int_equal(f->r.delim, ',');
	assert_int_equal(csv_read(&f->r, &f->row, &f->err), 1);
	assert_int_equal(f->row.n, 3);
	assert_string_equal(csv_get(&f->row, 0), "name");
	assert_string_equal(csv_get(&f->row, 2), "note");
	assert_int_equal(f->row.line, 1);

	assert_int_equal(csv_read(&f->r, &f->row, &f->err), 1);
	assert_int_equal(f->row.line, 2);
	assert_int_equal(f->row.problem, CSV_ROW_OK);
	assert_string_equal(csv_get(&f->row, 0), "Kovács, Anna");
	assert_string_equal(csv_get(&f->row, 1), "+36301234567");
	assert_string_equal(csv_get(&f->row, 2), "say \"hi\"\r\nthen go");

	/* The empty line is skipped; line numbers count it. */
	assert_int_equal(csv_read(&f->r, &f->row, &f->err), 1);
	assert_int_equal(f->row.line, 5);
	assert_int_equal(f->row.n, 2);
	assert_string_equal(csv_get(&f->row, 0), "Bob");
	/* A missing column reads as empty. */
	assert_string_equal(csv_get(&f->row, 2), "");
	assert_int_equal(csv_read(&f->r, &f->row, &f->err), 0);
}

static void
test_csv_delimiters_and_columns(void **state)
{
	struct fixture *f = *state;
	static const char *const num[] = { "phone", "number", NULL };
	const char semi[] = "Name;Phone\nA;1\n";
	const char tab[] = "a\tb\tc\n1\t2\t3";

	csv_reader_init(&f->r, semi, sizeof semi - 1);
	assert_int_equal(f->r.delim, ';');
	assert_int_equal(csv_read(&f->r, &f->row, &f->err), 1);
	assert_int_equal(csv_column(&f->row, num), 1);
	csv_reader_init(&f->r, tab, sizeof tab - 1);
	assert_int_equal(f->r.delim, '\t');
	assert_int_equal(csv_read(&f->r, &f->row, &f->err), 1);
	assert_int_equal(csv_column(&f->row, num), -1);
	assert_int_equal(csv_read(&f->r, &f->row, &f->err), 1);
	assert_int_equal(f->row.n, 3);
	assert_string_equal(csv_get(&f->row, 2), "3");
	assert_int_equal(csv_read(&f->r, &f->row, &f->err), 0);
}

static void
test_csv_problems(void **state)
{
	struct fixture *f = *state;
	char big[200];
	const char junk[] = "a,b\n\"x\"y,2\nok,3\n\"never\nclosed,4\n";

	csv_reader_init(&f->r, junk, sizeof junk - 1);
	assert_int_equal(csv_read(&f->r, &f->row, &f->err), 1);
	assert_int_equal(csv_read(&f->r, &f->row, &f->err), 1);
	assert_int_equal(f->row.problem, CSV_ROW_AFTER_QUOTE);
	assert_int_equal(f->row.problem_line, 2);
	assert_int_equal(csv_read(&f->r, &f->row, &f->err), 1);
	assert_int_equal(f->row.problem, CSV_ROW_OK);
	assert_string_equal(csv_get(&f->row, 0), "ok");
	assert_int_equal(csv_read(&f->r, &f->row, &f->err), SMS_EDATA);
	assert_int_equal(f->row.line, 4);
	assert_non_null(strstr(f->err.msg, "4"));
	assert_int_equal(csv_read(&f->r, &f->row, &f->err), 0);

	/* A field past the maximum (64 here) marks the row. */
	memset(big, 'x', sizeof big);
	big[0] = 'h';
	big[1] = '\n';
	csv_reader_init(&f->r, big, sizeof big);
	assert_int_equal(csv_read(&f->r, &f->row, &f->err), 1);
	assert_int_equal(csv_read(&f->r, &f->row, &f->err), 1);
	assert_int_equal(f->row.problem, CSV_ROW_TOO_LONG);
	assert_int_equal(f->row.line, 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_csv_quotes_newlines_crlf_bom, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_csv_delimiters_and_columns, setup, teardown),
		cmocka_unit_test_setup_teardown(test_csv_problems, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
