#include "config.h"

#include "util/csv.h"

#include <ctype.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "util/i18n.h"

/* The delimiter of the first line: the most frequent of , ; TAB. */
static char
csv_delimiter(const char *text, const char *end)
{
	size_t comma = 0, semi = 0, tab = 0;
	bool q = false;

	for (; text < end && (*text != '\n' || q); text++) {
		if (*text == '"')
			q = !q;
		else if (!q && *text == ',')
			comma++;
		else if (!q && *text == ';')
			semi++;
		else if (!q && *text == '\t')
			tab++;
	}
	if (semi > comma && semi >= tab)
		return ';';
	if (tab > comma && tab > semi)
		return '\t';
	return ',';
}

void
csv_reader_init(struct csv_reader *r, const char *text, size_t len)
{
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0) {
		text += 3;
		len -= 3;
	}
	r->pos = text;
	r->end = text + len;
	r->line = 1;
	/* Excel's "sep=;" line names the delimiter and is not the header. */
	if (len >= 5 && strncasecmp(text, "sep=", 4) == 0 &&
	    (text[4] == ',' || text[4] == ';' || text[4] == '\t' ||
	    text[4] == '|') && (len == 5 || text[5] == '\n' ||
	    text[5] == '\r')) {
		r->delim = text[4];
		r->pos = text + 5;
		if (r->pos < r->end && *r->pos == '\r')
			r->pos++;
		if (r->pos < r->end && *r->pos == '\n') {
			r->pos++;
			r->line++;
		}
		return;
	}
	r->delim = csv_delimiter(text, r->end);
}

void
csv_row_init(struct csv_row *row, size_t field_max)
{
	size_t i;

	memset(row, 0, sizeof *row);
	for (i = 0; i < CSV_FIELDS_MAX; i++)
		buf_init(&row->field[i], field_max);
}

void
csv_row_fini(struct csv_row *row)
{
	size_t i;

	for (i = 0; i < CSV_FIELDS_MAX; i++)
		buf_fini(&row->field[i]);
}

static void
trim(struct buf *b)
{
	size_t start = 0;

	if (b->data == NULL)
		return;
	while (b->len > 0 && isspace((unsigned char)b->data[b->len - 1]))
		b->data[--b->len] = '\0';
	while (start < b->len && isspace((unsigned char)b->data[start]))
		start++;
	buf_consume(b, start);
}

static void
row_problem(struct csv_row *row, enum csv_problem p, unsigned line)
{
	if (row->problem == CSV_ROW_OK) {
		row->problem = p;
		row->problem_line = line;
	}
}

int
csv_read(struct csv_reader *r, struct csv_row *row, struct sms_err *err)
{
	const char *p = r->pos, *end = r->end;
	char delim = r->delim;
	struct buf *f;
	bool quoted;
	size_t i;

	for (i = 0; i < CSV_FIELDS_MAX; i++)
		buf_reset(&row->field[i]);
	row->n = 0;
	row->problem = CSV_ROW_OK;
	row->problem_line = 0;
	/* Skip empty lines. */
	while (p < end && (*p == '\n' || *p == '\r')) {
		if (*p == '\n')
			r->line++;
		p++;
	}
	if (p >= end) {
		r->pos = p;
		return 0;
	}
	row->line = r->line;
	for (;;) {
		f = &row->field[row->n < CSV_FIELDS_MAX ? row->n :
		    CSV_FIELDS_MAX - 1];
		quoted = false;
		while (p < end && (*p == ' ' || *p == '\t') && *p != delim)
			p++;
		if (p < end && *p == '"') {
			quoted = true;
			p++;
			for (;;) {
				if (p >= end) {
					r->pos = end;
					return sms_err_set(err, SMS_EDATA,
					    _("line %u: a quote opened here "
					    "is never closed"), row->line);
				}
				if (*p == '"' && p + 1 < end && p[1] == '"') {
					if (buf_append_char(f, '"') < 0)
						row_problem(row,
						    CSV_ROW_TOO_LONG,
						    row->line);
					p += 2;
					continue;
				}
				if (*p == '"') {
					p++;
					break;
				}
				if (*p == '\n')
					r->line++;
				if (buf_append_char(f, *p) < 0)
					row_problem(row, CSV_ROW_TOO_LONG,
					    row->line);
				p++;
			}
			while (p < end && (*p == ' ' || *p == '\t' ||
			    *p == '\r') && *p != delim)
				p++;
			if (p < end && *p != delim && *p != '\n') {
				row_problem(row, CSV_ROW_AFTER_QUOTE,
				    r->line);
				while (p < end && *p != delim && *p != '\n')
					p++;
			}
		} else {
			while (p < end && *p != delim && *p != '\n') {
				if (*p != '\r' && buf_append_char(f, *p) < 0)
					row_problem(row, CSV_ROW_TOO_LONG,
					    row->line);
				p++;
			}
		}
		if (!quoted)
			trim(f);
		if (row->n < CSV_FIELDS_MAX)
			row->n++;
		if (p >= end || *p == '\n') {
			if (p < end) {
				p++;
				r->line++;
			}
			break;
		}
		p++;		/* the delimiter */
	}
	r->pos = p;
	return 1;
}

const char *
csv_get(const struct csv_row *row, size_t i)
{
	if (i >= row->n || row->field[i].data == NULL)
		return "";
	return row->field[i].data;
}

int
csv_column(const struct csv_row *hdr, const char *const *names)
{
	size_t i, k;

	for (i = 0; i < hdr->n; i++)
		for (k = 0; names[k] != NULL; k++)
			if (hdr->field[i].data != NULL &&
			    strcasecmp(hdr->field[i].data, names[k]) == 0)
				return (int)i;
	return -1;
}
