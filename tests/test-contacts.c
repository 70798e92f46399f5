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
	struct store *r;	/* a store with another default region */
	unsigned lines[32];	/* lines of reported problems */
	size_t nlines;
	char last[512];		/* the last sentence reported */
};

static struct store *
open_store_in(struct fixture *f, const char *name, const char *region)
{
	struct store_opts opts = { 0, region, false, 0 };
	struct store *st;
	char path[128];

	snprintf(path, sizeof path, "%s/%s", f->dir, name);
	assert_int_equal(store_open(&st, path, &opts, NULL), 0);
	return st;
}

static struct store *
open_store(struct fixture *f, const char *name)
{
	return open_store_in(f, name, "HU");
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
	if (f->r != NULL)
		store_close(f->r);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

/* Remove the region store's files after closing it, for the next one. */
static void
unlink_store(struct fixture *f)
{
	static const char *const suffix[] = { "", "-wal", "-shm" };
	char path[128];
	size_t i;

	for (i = 0; i < 3; i++) {
		snprintf(path, sizeof path, "%s/region.db%s", f->dir,
		    suffix[i]);
		unlink(path);
	}
	f->r = NULL;
}

static void
on_problem(unsigned line, const char *sentence, void *data)
{
	struct fixture *f = data;

	assert_true(sentence[0] != '\0');
	if (f->nlines < 32)
		f->lines[f->nlines++] = line;
	snprintf(f->last, sizeof f->last, "%s", sentence);
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
	const unsigned want[] = { 6, 14, 16, 18, 19 };
	size_t i;

	import(f, f->a, "bad.vcf", &n);
	assert_int_equal(n.added, 2);
	assert_int_equal(n.skipped, 1);	/* the unterminated one */
	assert_int_equal(n.no_number, 1);
	assert_int_equal(f->nlines, sizeof want / sizeof want[0]);
	for (i = 0; i < f->nlines; i++)
		assert_int_equal(f->lines[i], want[i]);
	expect(f->a, "+36301234567", "Good One", 1, NULL, NULL);
	expect(f->a, "+36307778888", "Bad Number", 1, NULL, NULL);
}

static void
test_contacts_bad_csv(void **state)
{
	struct fixture *f = *state;
	struct store_import_counts n;
	struct store_contact c;
	const unsigned want[] = { 3, 6, 7 };
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
	same_contacts(f->a, f->b, true);
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

/* ---- real exports, each in its vendor's shape ---- */

/* A contact a user expects after importing a file. */
struct want {
	const char *name;
	const char *numbers[4];	/* E.164, in order (the first is the one
				 * sms-send texts); NULL ends */
	const char *tags;	/* all its tags, sorted, joined by ","; or
				 * NULL for none */
	const char *notes;	/* NULL: not checked */
};

static void
check_want(struct store *st, const struct want *w)
{
	struct store_contact c;
	struct buf tags;
	size_t i, n;

	if (store_contact_find_number(st, w->numbers[0], &c, NULL) < 0)
		fail_msg("no contact has %s (%s)", w->numbers[0], w->name);
	assert_string_equal(c.name, w->name);
	for (n = 0; n < 4 && w->numbers[n] != NULL; n++)
		;
	if (c.numbers.n != n)
		fail_msg("%s has %zu numbers, not %zu", w->name, c.numbers.n,
		    n);
	for (i = 0; i < n; i++)
		assert_string_equal(c.numbers.v[i], w->numbers[i]);
	buf_init(&tags, 4096);
	for (i = 0; i < c.tags.n; i++) {
		if (i > 0)
			buf_append_char(&tags, ',');
		buf_append_str(&tags, c.tags.v[i]);
	}
	assert_string_equal(tags.data != NULL ? tags.data : "",
	    w->tags != NULL ? w->tags : "");
	buf_fini(&tags);
	if (w->notes != NULL)
		assert_string_equal(c.notes, w->notes);
	store_contact_fini(&c);
}

/*
 * Import file into a new store whose default region is region: no
 * problem, exactly the wanted contacts, no_number contacts without a
 * number left out; then again: nothing changes.
 */
static void
check_file(struct fixture *f, const char *region, const char *file,
    const char *charset, const struct want *w, size_t nw,
    unsigned no_number)
{
	struct store_import_counts n;
	struct store_contacts all;
	struct sms_err err;
	size_t i, len;
	char *text = slurp(file, &len);

	f->r = open_store_in(f, "region.db", region);
	f->nlines = 0;
	if (store_contact_import_as(f->r, text, len, STORE_CONTACTS_AUTO,
	    charset, on_problem, f, &n, &err) < 0)
		fail_msg("%s: %s", file, err.msg);
	if (n.problems != 0)
		fail_msg("%s: %u problems, the first on line %u", file,
		    n.problems, f->lines[0]);
	assert_int_equal(n.added, nw);
	assert_int_equal(n.no_number, no_number);
	for (i = 0; i < nw; i++)
		check_want(f->r, &w[i]);
	assert_int_equal(store_contact_list(f->r, NULL, 0, 0, &all, NULL), 0);
	assert_int_equal(all.n, nw);
	store_contacts_fini(&all);
	assert_int_equal(store_contact_import_as(f->r, text, len,
	    STORE_CONTACTS_AUTO, charset, on_problem, f, &n, &err), 0);
	assert_int_equal(n.added + n.updated, 0);
	assert_int_equal(n.unchanged, nw);
	free(text);
}

#define CHECK(f, region, file, charset, w, no_number) \
	check_file(f, region, file, charset, w, sizeof w / sizeof w[0], \
	    no_number)

static void
test_contacts_google_csv(void **state)
{
	static const struct want w[] = {
		{ "Sarah Miller", { "+12025550143", "+12025550178" },
		    "Book club,Friends",
		    "Met at the \"Spring fair\".\nCall after 5pm." },
		/* "* Mobile" is Google's primary: it comes first; the
		 * extension is not part of the number. */
		{ "Jamal Wright", { "+12025550121", "+12025550120",
		    "+12025550100" }, "starred", NULL },
		{ "Acme Plumbing", { "+12025550111" }, "Trades", NULL },
		{ "Zoë Ó Briain", { "+353855550134" }, NULL, NULL },
	};
	static const struct want w2[] = {
		{ "Mary Ann Lee", { "+12025550161", "+12025550160" },
		    "Family", NULL },
	};

	CHECK(*state, "US", "google.csv", NULL, w, 1);
	store_close(((struct fixture *)*state)->r);
	unlink_store(*state);
	CHECK(*state, "US", "google-2023.csv", NULL, w2, 1);
}

static void
test_contacts_outlook_csv(void **state)
{
	static const struct want w[] = {
		/* Mobile first; fax and assistant's phone are not his. */
		{ "Robert Chen", { "+12025550182", "+12025550181" },
		    "Customers,VIP", "Prefers SMS.\nNever call on Sundays." },
		{ "Emily Davis", { "+12025550191", "+12025550190" },
		    "Friends", NULL },
	};

	CHECK(*state, "US", "outlook.csv", NULL, w, 1);
}

/* Thunderbird: "Display Name", "Mobile Number" first, fax and pager
 * left out, a trailing comma on every line. */
static void
test_contacts_thunderbird_csv(void **state)
{
	static const struct want w[] = {
		{ "Ingrid Berg (Oslo office)", { "+4741234567", "+4723456789" },
		    NULL, "Speaks Norwegian, English" },
		{ "Pat Quinn", { "+12025550131" }, NULL, NULL },
	};

	CHECK(*state, "US", "thunderbird.csv", NULL, w, 1);
}

static void
test_contacts_excel_csv(void **state)
{
	struct fixture *f = *state;
	static const struct want w[] = {
		{ "Horváth Béla", { "+36301110000", "+3612345678" },
		    "törzsvendég,ügyfél", NULL },
		{ "Kiss; Anna", { "+36203334444" }, NULL, NULL },
	};
	static const struct want w1252[] = {
		{ "Müller, Jürgen", { "+4915123456789", "+49301234567" },
		    "Kunden", NULL },
		{ "José Núñez", { "+491705550123" }, "Grüße", NULL },
	};
	struct store_import_counts n;
	struct store_contacts all;
	struct sms_err err;
	size_t len;
	char *text;

	CHECK(f, "HU", "excel-semicolon.csv", NULL, w, 0);
	store_close(f->r);
	unlink_store(f);
	/* Windows-1252 without --charset: refused, naming the line and
	 * the way out; nothing stored. */
	text = slurp("excel-1252.csv", &len);
	f->r = open_store_in(f, "region.db", "DE");
	assert_int_equal(store_contact_import(f->r, text, len,
	    STORE_CONTACTS_AUTO, NULL, NULL, &n, &err), SMS_EDATA);
	assert_non_null(strstr(err.msg, "line 2 "));
	assert_non_null(strstr(err.msg, "--charset"));
	assert_int_equal(store_contact_list(f->r, NULL, 0, 0, &all, NULL), 0);
	assert_int_equal(all.n, 0);
	store_contacts_fini(&all);
	assert_int_equal(store_contact_import_as(f->r, text, len,
	    STORE_CONTACTS_AUTO, "NO-SUCH-CHARSET", NULL, NULL, &n, &err),
	    SMS_EDATA);
	assert_non_null(strstr(err.msg, "NO-SUCH-CHARSET"));
	free(text);
	store_close(f->r);
	unlink_store(f);
	CHECK(f, "DE", "excel-1252.csv", "WINDOWS-1252", w1252, 0);
}

static void
test_contacts_icloud(void **state)
{
	static const struct want w[] = {
		/* \, and \; unescaped; "(0)" dropped; the fax left out; the
		 * 6 kB photo read past. */
		{ "Dr. Patrick O'Neil, Jr.", { "+447700900461",
		    "+442079460321" }, "Doctors",
		    "Allergic to penicillin; see file.\nAsk for Dr. O'Neil." },
		{ "Harbor Clinic Reception", { "+442079460300" }, NULL,
		    NULL },
		{ "Anna Fischer", { "+4930901820", "+4915155501234" }, NULL,
		    NULL },
	};

	CHECK(*state, "GB", "icloud.vcf", NULL, w, 0);
}

static void
test_contacts_android_qp(void **state)
{
	static const struct want w[] = {
		{ "Ötvös Éva", { "+36305550101", "+3615550103" }, NULL,
		    "Rendel minden hónapban, a csomagot a szomszédnál "
		    "hagyhatjuk. Fizetés átutalással, számla a cég "
		    "nevére: Példa Kft." },
		{ "Jürgen Müller", { "+4915155504321" }, NULL, NULL },
	};

	CHECK(*state, "HU", "android-qp.vcf", NULL, w, 0);
}

static void
test_contacts_vcard4_utf16(void **state)
{
	static const struct want w[] = {
		{ "Grace Hopper", { "+12025550147", "+12025550100" },
		    "navy,pioneers", "Ships leave at dawn, planes at noon. "
		    "A long note that is folded onto a second line with a "
		    "tab." },
	};
	static const struct want w16[] = {
		{ "Jan Łukasiewicz", { "+48512555012" }, NULL, NULL },
	};

	CHECK(*state, "US", "vcard4.vcf", NULL, w, 0);
	store_close(((struct fixture *)*state)->r);
	unlink_store(*state);
	CHECK(*state, "HU", "utf16.vcf", NULL, w16, 0);
}

/* GNOME Evolution: quoted parameters holding ":" and ";", numbers folded
 * in the middle. */
static void
test_contacts_evolution(void **state)
{
	static const struct want w[] = {
		{ "Chidi Anthony, Jr. Okafor", { "+12025550114",
		    "+12025550115", "+12025550116" }, "Colleagues,Lab",
		    "Works late; text rather than call. A note long enough to "
		    "be folded by Evolution at seventy-five bytes." },
	};

	CHECK(*state, "US", "evolution.vcf", NULL, w, 0);
}

/* A photo of 3 MB on one line, then one folded over 40,000 lines: read
 * past, neither a problem nor held in memory. */
static void
test_contacts_huge_photo(void **state)
{
	struct fixture *f = *state;
	struct store_import_counts n;
	struct buf b;
	size_t i;

	buf_init(&b, 16u << 20);
	buf_append_str(&b, "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Big Photo\r\n"
	    "PHOTO;ENCODING=b;TYPE=JPEG:");
	for (i = 0; i < 3u << 20; i++)
		buf_append_char(&b, "AB/+"[i % 4]);
	buf_append_str(&b, "\r\nTEL:+36 30 555 0301\r\nEND:VCARD\r\n"
	    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Folded Photo\r\n"
	    "PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQ\r\n");
	for (i = 0; i < 40000; i++)
		buf_append_str(&b, " ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghij"
		    "klmnopqrstuvwxyz0123456789+/ABCDEFGHIJKLMNOPQRSTUV"
		    "\r\n");
	buf_append_str(&b, "TEL:+36 30 555 0302\r\nEND:VCARD\r\n");
	f->nlines = 0;
	assert_int_equal(store_contact_import(f->a, b.data, b.len,
	    STORE_CONTACTS_AUTO, on_problem, f, &n, NULL), 0);
	assert_int_equal(n.problems, 0);
	assert_int_equal(n.added, 2);
	expect(f->a, "+36305550301", "Big Photo", 1, NULL, NULL);
	expect(f->a, "+36305550302", "Folded Photo", 1, NULL, NULL);
	buf_fini(&b);
}

/* Garbage: a clear sentence with a line, and nothing stored is lost. */
static void
test_contacts_garbage(void **state)
{
	struct fixture *f = *state;
	struct store_import_counts n;
	struct store_contacts all;
	struct store_contact c;
	struct sms_err err;
	size_t len;
	char *text;

	memset(&c, 0, sizeof c);
	c.name = (char *)"Already Here";
	c.numbers.v = (char *[]){ (char *)"+36305550299" };
	c.numbers.n = 1;
	assert_int_equal(store_contact_add(f->a, &c, NULL, NULL), 0);
	text = slurp("binary.png", &len);
	assert_int_equal(store_contact_import(f->a, text, len,
	    STORE_CONTACTS_AUTO, NULL, NULL, &n, &err), SMS_EDATA);
	assert_non_null(strstr(err.msg, "line 3: "));
	assert_non_null(strstr(err.msg, "binary"));
	free(text);
	/* Cut short: the complete card is imported, the cut one (its number
	 * cut too) is left out and said so. */
	import(f, f->a, "truncated.vcf", &n);
	assert_int_equal(n.problems, 2);	/* its cut number, the cut */
	assert_int_equal(f->lines[0], 9);
	assert_int_equal(f->lines[1], 6);
	assert_int_equal(n.skipped, 1);
	assert_int_equal(n.added, 1);
	expect(f->a, "+36305550201", "Complete Card", 1, NULL, NULL);
	expect(f->a, "+36305550299", "Already Here", 1, NULL, NULL);
	assert_int_equal(store_contact_list(f->a, NULL, 0, 0, &all, NULL), 0);
	assert_int_equal(all.n, 2);
	store_contacts_fini(&all);
}

/* A number two people share (a family's landline) stays with the first;
 * the second keeps their own; a third with only shared numbers is left
 * out with a notice, not a problem. */
static void
test_contacts_shared_number(void **state)
{
	static const char csv[] = "name,number\n"
	    "Kovács Anna,+3612345678;+36301111111\n"
	    "Kovács Béla,+3612345678;+36302222222\n"
	    "Anyu,06 30 111 1111\n";
	struct fixture *f = *state;
	struct store_import_counts n;

	f->nlines = 0;
	assert_int_equal(store_contact_import(f->a, csv, sizeof csv - 1,
	    STORE_CONTACTS_AUTO, on_problem, f, &n, NULL), 0);
	assert_int_equal(n.added, 2);
	assert_int_equal(n.problems, 0);
	assert_int_equal(n.notices, 1);
	assert_int_equal(f->lines[0], 4);
	expect(f->a, "+3612345678", "Kovács Anna", 2, NULL, NULL);
	expect(f->a, "+36302222222", "Kovács Béla", 1, NULL, NULL);
	assert_int_equal(store_contact_import(f->a, csv, sizeof csv - 1,
	    STORE_CONTACTS_AUTO, NULL, NULL, &n, NULL), 0);
	assert_int_equal(n.unchanged, 2);
	assert_int_equal(n.added + n.updated, 0);
}

/* What Excel makes of a long number in a cell not formatted as text is
 * named as such, and the row is left out. */
static void
test_contacts_excel_scientific(void **state)
{
	static const char csv[] = "Name;Mobile\n"
	    "Lost Digits;3,6301E+10\n"
	    "Kept;+36 30 123 4567\n";
	struct fixture *f = *state;
	struct store_import_counts n;

	f->nlines = 0;
	f->last[0] = '\0';
	assert_int_equal(store_contact_import(f->a, csv, sizeof csv - 1,
	    STORE_CONTACTS_AUTO, on_problem, f, &n, NULL), 0);
	assert_int_equal(n.added, 1);
	assert_int_equal(n.skipped, 1);
	assert_int_equal(n.problems, 1);
	assert_int_equal(f->lines[0], 2);
	assert_non_null(strstr(f->last, "scientific notation"));
	assert_non_null(strstr(f->last, "3,6301E+10"));
}

/* Every vendor's file in, vCard out, into another store: the same. */
static void
test_contacts_round_trip_vendors(void **state)
{
	static const char *const files[] = { "google.csv", "google-2023.csv",
	    "outlook.csv", "vcard4.vcf", "utf16.vcf" };
	struct fixture *f = *state;
	struct store_import_counts n;
	struct sms_err err;
	struct buf out;
	size_t i, len;
	char *text;

	f->r = open_store_in(f, "region.db", "US");
	for (i = 0; i < sizeof files / sizeof files[0]; i++) {
		text = slurp(files[i], &len);
		assert_int_equal(store_contact_import(f->r, text, len,
		    STORE_CONTACTS_AUTO, NULL, NULL, &n, &err), 0);
		assert_int_equal(n.problems, 0);
		free(text);
	}
	buf_init(&out, 1 << 20);
	assert_int_equal(store_contact_export(f->r, STORE_CONTACTS_VCARD,
	    to_buf, &out, NULL), 0);
	assert_int_equal(store_contact_import(f->b, out.data, out.len,
	    STORE_CONTACTS_AUTO, on_problem, f, &n, NULL), 0);
	assert_int_equal(n.problems, 0);
	assert_int_equal(n.added, 9);
	buf_fini(&out);
	same_contacts(f->r, f->b, true);
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
		T(test_contacts_google_csv),
		T(test_contacts_outlook_csv),
		T(test_contacts_thunderbird_csv),
		T(test_contacts_excel_csv),
		T(test_contacts_icloud),
		T(test_contacts_android_qp),
		T(test_contacts_vcard4_utf16),
		T(test_contacts_evolution),
		T(test_contacts_huge_photo),
		T(test_contacts_garbage),
		T(test_contacts_shared_number),
		T(test_contacts_excel_scientific),
		T(test_contacts_round_trip_vendors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
