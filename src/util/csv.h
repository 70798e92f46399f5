/*
 * A CSV reader (RFC 4180 and what spreadsheets write): quoted fields may
 * hold the delimiter, doubled quotes and newlines; a UTF-8 byte order
 * mark is skipped; CRLF and LF lines; the delimiter is the one a first
 * line "sep=;" names (Excel writes it), else the most frequent of , ; and
 * TAB on the header line.  Rows may have fewer fields than the
 * header (csv_get() gives "" for the missing ones).  Used by contact
 * import and sms-send --csv.  Reads a text in memory; never allocates
 * past the field maximum given to csv_row_init().
 */
#ifndef SMS_UTIL_CSV_H
#define SMS_UTIL_CSV_H

#include <stddef.h>

#include "util/buf.h"
#include "util/err.h"

/* Most fields a row keeps; later ones are folded into the last.  Outlook's
 * contact export has 92 columns, Google's can have more. */
#define CSV_FIELDS_MAX 256

/* What was wrong with a row csv_read() returned anyway. */
enum csv_problem {
	CSV_ROW_OK = 0,
	CSV_ROW_TOO_LONG,	/* a field exceeded its maximum */
	CSV_ROW_AFTER_QUOTE,	/* text after a closing quote (skipped) */
};

struct csv_row {
	struct buf field[CSV_FIELDS_MAX];
	size_t n;		/* fields read */
	unsigned line;		/* line the row starts on (1-based) */
	enum csv_problem problem;
	unsigned problem_line;	/* where the problem is */
};

struct csv_reader {
	const char *pos, *end;
	char delim;
	unsigned line;		/* current line (1-based) */
};

/* Start reading text[0..len): skips a BOM and a "sep=" line, picks the
 * delimiter. */
void csv_reader_init(struct csv_reader *r, const char *text, size_t len);

/* Fields of at most field_max bytes each. */
void csv_row_init(struct csv_row *row, size_t field_max);
void csv_row_fini(struct csv_row *row);

/*
 * Read the next row, skipping empty lines.  Returns 1 with a row (check
 * row->problem), 0 at the end, or SMS_EDATA with a sentence when a quote
 * is never closed (row->line says where it opened; the rest of the text
 * cannot be read).  Unquoted fields are trimmed of spaces.
 */
int csv_read(struct csv_reader *r, struct csv_row *row, struct sms_err *err);

/* Field i of row, "" when the row has no such field.  Borrowed. */
const char *csv_get(const struct csv_row *row, size_t i);

/* Index of the first field of hdr equal (ignoring case) to one of the
 * NULL-terminated names, or -1. */
int csv_column(const struct csv_row *hdr, const char *const *names);

#endif
