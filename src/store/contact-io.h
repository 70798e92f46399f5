/*
 * Contacts in and out of files: vCard 2.1 (as Android exports it, with
 * QUOTED-PRINTABLE and CHARSET), 3.0 and 4.0, and CSV with a header row
 * naming the columns name, number, tags (and optionally notes).  Import is
 * idempotent (store_contact_merge()); numbers are normalised with the
 * store's default country.  Malformed lines are reported with their line
 * number and skipped; the rest is imported.
 */
#ifndef SMS_STORE_CONTACT_IO_H
#define SMS_STORE_CONTACT_IO_H

#include <stddef.h>

#include "util/err.h"

struct store;

/* Largest file store_contact_import() takes. */
#define STORE_IMPORT_MAX (64u * 1024 * 1024)

enum store_contact_format {
	STORE_CONTACTS_AUTO = 0,	/* import: recognise by content */
	STORE_CONTACTS_VCARD,		/* export writes vCard 3.0 */
	STORE_CONTACTS_CSV,
};

/* A problem on line (1-based) of the input: a translated sentence,
 * borrowed for the call. */
typedef void (*store_contact_problem_cb)(unsigned line, const char *sentence,
    void *data);

struct store_import_counts {
	unsigned added;		/* new contacts */
	unsigned updated;	/* existing contacts that gained something */
	unsigned unchanged;	/* already there as they are */
	unsigned skipped;	/* malformed contacts or rows */
	unsigned no_number;	/* contacts without a phone number (only an
				 * e-mail address, say): left out quietly */
	unsigned problems;	/* problems reported (a contact may have
				 * several, and still be imported) */
	unsigned notices;	/* things reported that are not faults of
				 * the file (a number that is someone
				 * else's already) */
};

/*
 * Import the contacts in text (len bytes, UTF-8 or as the vCard CHARSET
 * says; UTF-16 with a byte order mark is converted) in one transaction.
 * fmt AUTO recognises vCard (BEGIN:VCARD) or CSV.  CSV headers may be the
 * simple name,number,tags,notes or what Google, Outlook and Thunderbird
 * export.  Each problem and notice goes to cb (may be NULL) with its line.
 * Returns 0 with *counts filled, or a negative sms_rc when nothing could
 * be imported (SMS_EDATA: neither format, a CSV header without a number
 * column, a binary file, a CSV file that is not UTF-8; SMS_ETOOBIG; a
 * store failure).  Nothing stored is ever removed or overwritten.
 */
int store_contact_import(struct store *st, const char *text, size_t len,
    enum store_contact_format fmt, store_contact_problem_cb cb, void *data,
    struct store_import_counts *counts, struct sms_err *err);

/* The same, reading text in charset (an iconv name such as
 * "WINDOWS-1252"; NULL or "UTF-8": as above). */
int store_contact_import_as(struct store *st, const char *text, size_t len,
    enum store_contact_format fmt, const char *charset,
    store_contact_problem_cb cb, void *data,
    struct store_import_counts *counts, struct sms_err *err);

/* Receives output bytes; returns 0, or negative to stop the export. */
typedef int (*store_contact_write_cb)(const char *bytes, size_t len,
    void *data);

/*
 * Write every named contact, by name, as vCard 3.0 (CRLF lines, folded at
 * 75 bytes) or CSV (header name,number,tags,notes; numbers and tags joined
 * by ";").  Nameless contacts (made by opt-outs) are left out.  Returns 0,
 * a negative sms_rc, or SMS_EIO when cb stopped it.
 */
int store_contact_export(struct store *st, enum store_contact_format fmt,
    store_contact_write_cb cb, void *data, struct sms_err *err);

#endif
