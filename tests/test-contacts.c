/* Tests for store/contact-io: vCard and CSV import and export, on real
 * files from tests/data/contacts. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "store/contact-io.h"
#include "store/contact.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/err.h"

struct fixture {
	char dir[64];
	struct store *a, *b;
	unsigned lines[32];	/* lines of reported problems */
	size_t nlines;
};

static struct store *
open_store(struct fixture *f, const char *name)
{
	struct store_opts opts = { 0, "HU", false, 0 };
	struct store *st;
	char path[128];

	snprintf(path, sizeof path, "%s/%s", f->dir, name);
	assert_int_equal(store_open(&st, path, &opts, NULL), 0);
	return st;
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);

	snprintf(f->dir, sizeof f->dir, "/tmp/test-contacts.XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	f->a = open_store(f, "a.db");
	f->b = open_store(f, "b.db");
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];

	store_close(f->a);
	store_close(f->b);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

static void
on_problem(unsigned line, const char *sentence, void *data)
{
	struct fixture *f = data;

	assert_true(sentence[0] != '\0');
	if (f->nlines < 32)
		f->lines[f->nlines++] = line;
}

static char *
slurp(const char *name, size_t *len)
{
	const char *top = getenv("top_srcdir");
	char path[512];
	struct buf b;
	char chunk[4096];
	FILE *fp;
	size_t n;

	snprintf(path, sizeof path, "%s/tests/data/contacts/%s",
	    top != NULL ? top : "..", name);
	if ((fp = fopen(path, "rb")) == NULL)
		fail_msg("cannot open %s", path);
	buf_init(&b, 1 << 20);
	while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0)
		assert_int_equal(buf_append(&b, chunk, n), 0);
	fclose(fp);
	*len = b.len;
	return buf_take(&b);
}

static void
import(struct fixture *f, struct store *st, const char *name,
    struct store_import_counts *counts)
{
	struct sms_err err;
	size_t len;
	char *text = slurp(name, &len);

	f->nlines = 0;
	if (store_contact_import(st, text, len, STORE_CONTACTS_AUTO,
	    on_problem, f, counts, &err) < 0)
		fail_msg("%s: %s", name, err.msg);
	free(text);
}

/* The contact owning number, checked to have name. */
static void
expect(struct store *st, const char *number, const char *name,
    size_t nnumbers, const char *tag, const char *notes)
{
	struct store_contact c;
	size_t i;

	if (store_contact_find_number(st, number, &c, NULL) < 0)
		fail_msg("no contact has %s", number);
	assert_string_equal(c.name, name);
	assert_int_equal(c.numbers.n, nnumbers);
	if (tag != NULL) {
		for (i = 0; i < c.tags.n; i++)
			if (strcmp(c.tags.v[i], tag) == 0)
				break;
		if (i == c.tags.n)
			fail_msg("%s has no tag %s", name, tag);
	}
	if (notes != NULL)
		assert_string_equal(c.notes, notes);
	store_contact_fini(&c);
}

static void
test_contacts_android_21(void **state)
{
	struct fixture *f = *state;
	struct store_import_counts n;

	import(f, f->a, "android-2.1.vcf", &n);
	assert_int_equal(n.added, 3);
	assert_int_equal(n.problems, 0);
	expect(f->a, "+36301234567", "Kovács János", 2, NULL,
	    "Ügyfél 2019 óta, a megjegyzés két sorban.");
	expect(f->a, "+3612345678", "Kovács János", 2, NULL, NULL);
	expect(f->a, "+36201112233", "Őri Ferenc", 1, NULL, NULL);
	expect(f->a, "06 70 999 8877", "Anya", 1, NULL, NULL);
	/* Importing again changes nothing. */
	import(f, f->a, "android-2.1.vcf", &n);
	assert_int_equal(n.added, 0);
	assert_int_equal(n.updated, 0);
	assert_int_equal(n.unchanged, 3);
}

static void
test_contacts_vcard_30_40(void **state)
{
	struct fixture *f = *state;
	struct store_import_counts n;

	import(f, f->a, "v3.vcf", &n);
	assert_int_equal(n.added, 2);
	assert_int_equal(n.problems, 0);
	expect(f->a, "+447700900123", "Sarah Miller", 1, "vip",
	    "Prefers texts, not calls.\nOrders every month.");
	expect(f->a, "+49301234567", "A very long name that goes on and on so "
	    "that the line must be folded by the exporter", 1, NULL, NULL);
	import(f, f->a, "v4.vcf", &n);
	assert_int_equal(n.added, 1);
	assert_int_equal(n.problems, 0);
	expect(f->a, "+36205550123", "Nagy Eszter", 2, "staff", NULL);
	expect(f->a, "+3612349999", "Nagy Eszter", 2, NULL, NULL);
}

static void
test_contacts_csv(void **state)
{
	struct fixture *f = *state;
	struct store_import_counts n;

	import(f, f->a, "contacts.csv", &n);
	assert_int_equal(n.added, 3);
	assert_int_equal(n.problems, 0);
	expect(f->a, "+36709876543", "Tóth Péter", 1, "staff", NULL);
	expect(f->a, "+3615551234", "Szabó, Éva", 2, "family",
	    "Says \"hi\"\non two lines");
	expect(f->a, "+36203334444", "Kiss Anna", 1, NULL, NULL);
	import(f, f->a, "semicolon.csv", &n);
	assert_int_equal(n.added, 1);
	expect(f->a, "+36301110000", "Horváth Béla", 1, "ügyfél", NULL);
	import(f, f->a, "contacts.csv", &n);
	assert_int_equal(n.unchanged, 3);
}

static void
test_contacts_bad_vcard(void **state)
{
	struct fixture *f = *state;
	struct store_import_counts n;
	const unsigned want[] = { 6, 7, 14, 16, 18, 19 };
	size_t i;

	import(f, f->a, "bad.vcf", &n);
	assert_int_equal(n.added, 3);
	assert_int_equal(n.skipped, 1);
	assert_int_equal(f->nlines, sizeof want / sizeof want[0]);
	for (i = 0; i < f->nlines; i++)
		assert_int_equal(f->lines[i], want[i]);
	expect(f->a, "+36301234567", "Good One", 1, NULL, NULL);
	expect(f->a, "+36307778888", "Bad Number", 1, NULL, NULL);
	expect(f->a, "+36309990000", "Unterminated", 1, NULL, NULL);
}

static void
test_contacts_bad_csv(void **state)
{
	struct fixture *f = *state;
	struct store_import_counts n;
	struct store_contact c;
	const unsigned want[] = { 3, 3, 4, 6, 7 };
	size_t i;

	import(f, f->a, "bad.csv", &n);
	assert_int_equal(n.added, 2);
	assert_int_equal(f->nlines, sizeof want / sizeof want[0]);
	for (i = 0; i < f->nlines; i++)
		assert_int_equal(f->lines[i], want[i]);
	expect(f->a, "+36301234567", "Good Row", 1, NULL, NULL);
	expect(f->a, "+36302223333", "Another Good", 1, "x", NULL);
	assert_int_equal(store_contact_find_number(f->a, "+36307778888", &c,
	    NULL), SMS_ENOENT);
}

static void
test_contacts_neither_format(void **state)
{
	struct fixture *f = *state;
	struct store_import_counts n;
	struct sms_err err;
	size_t len;
	char *text = slurp("neither.txt", &len);

	assert_int_equal(store_contact_import(f->a, text, len,
	    STORE_CONTACTS_AUTO, NULL, NULL, &n, &err), SMS_EDATA);
	assert_non_null(strstr(err.msg, "BEGIN:VCARD"));
	assert_int_equal(store_contact_import(f->a, "", 0,
	    STORE_CONTACTS_AUTO, NULL, NULL, &n, &err), SMS_EDATA);
	free(text);
}

static int
to_buf(const char *bytes, size_t len, void *data)
{
	return buf_append(data, bytes, len);
}

/* Every contact of a is in b with the same numbers and tags. */
static void
same_contacts(struct store *a, struct store *b, bool notes)
{
	struct store_contacts la, lb;
	size_t i, k;

	assert_int_equal(store_contact_list(a, NULL, 0, 0, &la, NULL), 0);
	assert_int_equal(store_contact_list(b, NULL, 0, 0, &lb, NULL), 0);
	assert_int_equal(la.n, lb.n);
	for (i = 0; i < la.n; i++) {
		assert_string_equal(la.v[i].name, lb.v[i].name);
		assert_int_equal(la.v[i].numbers.n, lb.v[i].numbers.n);
		for (k = 0; k < la.v[i].numbers.n; k++)
			assert_string_equal(la.v[i].numbers.v[k],
			    lb.v[i].numbers.v[k]);
		assert_int_equal(la.v[i].tags.n, lb.v[i].tags.n);
		for (k = 0; k < la.v[i].tags.n; k++)
			assert_string_equal(la.v[i].tags.v[k],
			    lb.v[i].tags.v[k]);
		if (notes)
			assert_string_equal(la.v[i].notes, lb.v[i].notes);
	}
	store_contacts_fini(&la);
	store_contacts_fini(&lb);
}

static void
round_trip(struct fixture *f, enum store_contact_format fmt)
{
	struct store_import_counts n;
	struct buf out;

	import(f, f->a, "android-2.1.vcf", &n);
	import(f, f->a, "v3.vcf", &n);
	import(f, f->a, "v4.vcf", &n);
	import(f, f->a, "contacts.csv", &n);
	assert_int_equal(store_optout_set(f->a, "+36309998877", true, 0,
	    NULL), 0);	/* a nameless contact: not exported */
	buf_init(&out, 1 << 20);
	assert_int_equal(store_contact_export(f->a, fmt, to_buf, &out, NULL),
	    0);
	assert_int_equal(store_contact_import(f->b, out.data, out.len,
	    STORE_CONTACTS_AUTO, on_problem, f, &n, NULL), 0);
	assert_int_equal(n.problems, 0);
	assert_int_equal(n.added, 9);
	assert_int_equal(store_contact_import(f->a, out.data, out.len,
	    STORE_CONTACTS_AUTO, on_problem, f, &n, NULL), 0);
	assert_int_equal(n.unchanged, 9);
	assert_int_equal(n.added + n.updated, 0);
	buf_fini(&out);
	assert_int_equal(store_contact_remove(f->a, 10, NULL), 0);
	same_contacts(f->a, f->b, fmt == STORE_CONTACTS_VCARD);
}

static void
test_contacts_round_trip_vcard(void **state)
{
	round_trip(*state, STORE_CONTACTS_VCARD);
}

static void
test_contacts_round_trip_csv(void **state)
{
	round_trip(*state, STORE_CONTACTS_CSV);
}

int
main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_contacts_android_21),
		T(test_contacts_vcard_30_40),
		T(test_contacts_csv),
		T(test_contacts_bad_vcard),
		T(test_contacts_bad_csv),
		T(test_contacts_neither_format),
		T(test_contacts_round_trip_vcard),
		T(test_contacts_round_trip_csv),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
