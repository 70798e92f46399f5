#include "config.h"

#include "store/contact-io.h"

#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "store/contact.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/csv.h"
#include "util/i18n.h"
#include "util/phone.h"

/* Longest logical line (a property with its folded continuations). */
#define LINE_MAX_BYTES (1024 * 1024)
/* Longest value kept (a name, a note). */
#define VALUE_MAX 65536
/* Most numbers and tags per contact. */
#define LIST_MAX 64

/* What an import is working on. */
struct importer {
	struct store *st;
	store_contact_problem_cb cb;
	void *data;
	struct store_import_counts *counts;
	struct sms_err *err;
};

/* A contact being read: owned strings. */
struct pending {
	unsigned line;		/* where it starts */
	struct buf fn;		/* FN, or the name column */
	struct buf n;		/* N, composed */
	struct buf notes;
	struct store_strv numbers;
	struct store_strv tags;
	unsigned bad_numbers;
};

static void
problem(struct importer *im, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
problem(struct importer *im, unsigned line, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	im->counts->problems++;
	if (im->cb != NULL)
		im->cb(line, msg, im->data);
}

static void
pending_init(struct pending *p, unsigned line)
{
	memset(p, 0, sizeof *p);
	p->line = line;
	buf_init(&p->fn, VALUE_MAX);
	buf_init(&p->n, VALUE_MAX);
	buf_init(&p->notes, VALUE_MAX);
}

static void
pending_fini(struct pending *p)
{
	buf_fini(&p->fn);
	buf_fini(&p->n);
	buf_fini(&p->notes);
	store_strv_fini(&p->numbers);
	store_strv_fini(&p->tags);
}

/* Append a copy of s (len bytes) to v; false when full or out of memory. */
static bool
strv_push(struct store_strv *v, const char *s, size_t len)
{
	char **nv, *copy;
	size_t i;

	for (i = 0; i < v->n; i++)
		if (strlen(v->v[i]) == len && memcmp(v->v[i], s, len) == 0)
			return true;
	if (v->n == LIST_MAX || (copy = strndup(s, len)) == NULL)
		return false;
	if ((nv = realloc(v->v, (v->n + 1) * sizeof *nv)) == NULL) {
		free(copy);
		return false;
	}
	v->v = nv;
	v->v[v->n++] = copy;
	return true;
}

/* Whether s[0..len) is valid UTF-8 without NUL bytes. */
static bool
valid_utf8(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, n, k;
	unsigned cp;

	while (i < len) {
		if (u[i] == 0)
			return false;
		if (u[i] < 0x80) {
			i++;
			continue;
		}
		if (u[i] >= 0xc2 && u[i] <= 0xdf)
			n = 2, cp = u[i] & 0x1f;
		else if (u[i] >= 0xe0 && u[i] <= 0xef)
			n = 3, cp = u[i] & 0x0f;
		else if (u[i] >= 0xf0 && u[i] <= 0xf4)
			n = 4, cp = u[i] & 0x07;
		else
			return false;
		if (i + n > len)
			return false;
		for (k = 1; k < n; k++) {
			if ((u[i + k] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (u[i + k] & 0x3f);
		}
		if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 ||
		    cp > 0x10ffff)) || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += n;
	}
	return true;
}

/* Trim blanks at both ends of b in place. */
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

/*
 * Add a number to p after normalising it; a bad one is reported and
 * counted.  A "tel:" URI (vCard 4.0) loses its scheme and parameters.
 */
static void
add_number(struct importer *im, struct pending *p, unsigned line,
    const char *raw)
{
	char out[PHONE_MAX], tmp[128];
	struct sms_err e;
	size_t len;
	int kind;

	while (*raw == ' ' || *raw == '\t')
		raw++;
	if (strncasecmp(raw, "tel:", 4) == 0)
		raw += 4;
	len = strcspn(raw, ";");
	if (len >= sizeof tmp)
		len = sizeof tmp - 1;
	memcpy(tmp, raw, len);
	tmp[len] = '\0';
	if (tmp[strspn(tmp, " \t")] == '\0')
		return;
	sms_err_clear(&e);
	kind = store_normalize(im->st, tmp, out, &e);
	if (kind == PHONE_ALNUM)
		sms_err_set(&e, SMS_EDATA, _("\"%s\" is not a phone number"),
		    tmp);
	if (kind < 0 || kind == PHONE_ALNUM) {
		problem(im, line, "%s", e.msg);
		p->bad_numbers++;
		return;
	}
	if (!strv_push(&p->numbers, tmp, strlen(tmp)))
		problem(im, line, _("too many numbers; \"%s\" left out"), tmp);
}

/* Split s on sep (none escaped) and add each trimmed part as a tag. */
static void
add_tags(struct importer *im, struct pending *p, unsigned line,
    const char *s, const char *seps)
{
	size_t len;

	while (*s != '\0') {
		s += strspn(s, seps);
		len = strcspn(s, seps);
		while (len > 0 && isspace((unsigned char)*s))
			s++, len--;
		while (len > 0 && isspace((unsigned char)s[len - 1]))
			len--;
		if (len > 0 && !strv_push(&p->tags, s, len))
			problem(im, line, _("too many tags"));
		s += strcspn(s, seps);
	}
}

/* Merge p into the store (or count it skipped); p is left for fini. */
static int
commit_pending(struct importer *im, struct pending *p)
{
	struct store_contact c;
	int rc;

	trim(&p->fn);
	trim(&p->n);
	trim(&p->notes);
	memset(&c, 0, sizeof c);
	c.name = p->fn.len > 0 ? p->fn.data : p->n.len > 0 ? p->n.data : "";
	c.notes = p->notes.data;
	c.numbers = p->numbers;
	c.tags = p->tags;
	if (c.numbers.n == 0) {
		if (p->bad_numbers == 0)
			problem(im, p->line, _("contact \"%.60s\" has no phone "
			    "number; skipped"), c.name);
		else
			problem(im, p->line, _("contact \"%.60s\" has no "
			    "usable phone number; skipped"), c.name);
		im->counts->skipped++;
		return 0;
	}
	if ((rc = store_contact_merge(im->st, &c, im->err)) < 0)
		return rc;
	if (rc == STORE_MERGE_ADDED)
		im->counts->added++;
	else if (rc == STORE_MERGE_UPDATED)
		im->counts->updated++;
	else
		im->counts->unchanged++;
	return 0;
}

/* ---- vCard ---- */

struct vparam {
	bool qp;		/* ENCODING=QUOTED-PRINTABLE */
	bool base64;		/* ENCODING=B / BASE64 */
	char charset[32];	/* "" for UTF-8 */
};

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Decode quoted-printable src[0..len) into out. */
static int
qp_decode(const char *src, size_t len, struct buf *out)
{
	size_t i;
	int hi, lo;

	for (i = 0; i < len; i++) {
		if (src[i] == '=' && i + 2 < len &&
		    (hi = hexval((unsigned char)src[i + 1])) >= 0 &&
		    (lo = hexval((unsigned char)src[i + 2])) >= 0) {
			if (buf_append_char(out, (char)(hi * 16 + lo)) < 0)
				return SMS_ETOOBIG;
			i += 2;
		} else if (src[i] == '=' && i + 1 == len) {
			continue;	/* a soft break left at the end */
		} else if (buf_append_char(out, src[i]) < 0)
			return SMS_ETOOBIG;
	}
	return 0;
}

/* Convert b from charset to UTF-8 in place (iconv). */
static int
to_utf8(struct buf *b, const char *charset)
{
	struct buf out;
	iconv_t cd;
	char chunk[1024], *in, *o;
	size_t inleft, oleft;
	int rc = 0;

	if (charset[0] == '\0' || strcasecmp(charset, "UTF-8") == 0 ||
	    strcasecmp(charset, "UTF8") == 0 ||
	    strcasecmp(charset, "US-ASCII") == 0 || b->len == 0)
		return 0;
	if ((cd = iconv_open("UTF-8", charset)) == (iconv_t)-1)
		return SMS_EINVAL;
	buf_init(&out, VALUE_MAX);
	in = b->data;
	inleft = b->len;
	while (inleft > 0) {
		o = chunk;
		oleft = sizeof chunk;
		if (iconv(cd, &in, &inleft, &o, &oleft) == (size_t)-1 &&
		    errno != E2BIG) {
			rc = SMS_EDATA;
			break;
		}
		if (buf_append(&out, chunk, sizeof chunk - oleft) < 0) {
			rc = SMS_ETOOBIG;
			break;
		}
	}
	iconv_close(cd);
	if (rc == 0) {
		buf_reset(b);
		rc = buf_append(b, out.data != NULL ? out.data : "", out.len);
	}
	buf_fini(&out);
	return rc;
}

/*
 * Decode one value component: quoted-printable, charset, then the vCard
 * escapes (\, \; \n \\).  Returns 0 or a negative sms_rc (with the reason
 * for the problem report in *why).
 */
static int
decode_value(const char *src, size_t len, const struct vparam *vp,
    struct buf *out, const char **why)
{
	struct buf raw;
	size_t i;
	int rc;

	buf_init(&raw, VALUE_MAX);
	if (vp->qp)
		rc = qp_decode(src, len, &raw);
	else
		rc = buf_append(&raw, src, len);
	if (rc < 0) {
		*why = _("the value is too long");
		goto out;
	}
	if ((rc = to_utf8(&raw, vp->charset)) < 0) {
		*why = rc == SMS_EINVAL ? _("unknown CHARSET") :
		    _("the text does not match its CHARSET");
		goto out;
	}
	if (!valid_utf8(raw.data != NULL ? raw.data : "", raw.len)) {
		*why = _("the text is not UTF-8 (and no CHARSET says what it "
		    "is)");
		rc = SMS_EDATA;
		goto out;
	}
	for (i = 0; i < raw.len; i++) {
		char c = raw.data[i];

		if (c == '\\' && i + 1 < raw.len) {
			c = raw.data[++i];
			if (c == 'n' || c == 'N')
				c = '\n';
		} else if (c == '\r')
			continue;
		if (buf_append_char(out, c) < 0) {
			*why = _("the value is too long");
			rc = SMS_ETOOBIG;
			goto out;
		}
	}
	rc = 0;
out:
	buf_fini(&raw);
	return rc;
}

/* Split value on unescaped sep: *parts gets offsets (max n). */
static size_t
split_escaped(const char *v, size_t len, char sep, size_t *starts,
    size_t *lens, size_t max)
{
	size_t i, n = 0, start = 0;

	for (i = 0; i <= len && n < max; i++) {
		if (i < len && v[i] == '\\') {
			i++;
			continue;
		}
		if (i == len || v[i] == sep) {
			starts[n] = start;
			lens[n] = i - start;
			n++;
			start = i + 1;
		}
	}
	return n;
}

/* Parse the parameters (after the name) of a property. */
static void
parse_params(char *params, struct vparam *vp)
{
	char *p, *next, *eq, *val;

	memset(vp, 0, sizeof *vp);
	for (p = params; p != NULL && *p != '\0'; p = next) {
		if ((next = strchr(p, ';')) != NULL)
			*next++ = '\0';
		eq = strchr(p, '=');
		val = eq != NULL ? eq + 1 : p;
		if (eq != NULL)
			*eq = '\0';
		if (*val == '"') {
			val++;
			val[strcspn(val, "\"")] = '\0';
		}
		if (eq == NULL || strcasecmp(p, "ENCODING") == 0) {
			if (strcasecmp(val, "QUOTED-PRINTABLE") == 0)
				vp->qp = true;
			else if (strcasecmp(val, "B") == 0 ||
			    strcasecmp(val, "BASE64") == 0)
				vp->base64 = true;
		} else if (strcasecmp(p, "CHARSET") == 0)
			snprintf(vp->charset, sizeof vp->charset, "%s", val);
	}
}

/* Handle one property line of a card. */
static void
vcard_property(struct importer *im, struct pending *p, unsigned line,
    char *text)
{
	struct vparam vp;
	struct buf val;
	const char *why = NULL;
	char *colon, *name, *params, *dot, *v;
	size_t starts[8], lens[8], n, i, vlen;

	if ((colon = strchr(text, ':')) == NULL) {
		problem(im, line, _("no \":\" in \"%.40s\": not a vCard "
		    "property"), text);
		return;
	}
	*colon = '\0';
	v = colon + 1;
	vlen = strlen(v);
	name = text;
	if ((params = strchr(name, ';')) != NULL)
		*params++ = '\0';
	if ((dot = strrchr(name, '.')) != NULL)
		name = dot + 1;		/* "item1.TEL" */
	parse_params(params, &vp);
	if (strcasecmp(name, "VERSION") == 0) {
		if (strcmp(v, "2.1") != 0 && strcmp(v, "3.0") != 0 &&
		    strcmp(v, "4.0") != 0)
			problem(im, line, _("unknown vCard version \"%.10s\"; "
			    "read as 4.0"), v);
		return;
	}
	if (strcasecmp(name, "FN") != 0 && strcasecmp(name, "N") != 0 &&
	    strcasecmp(name, "TEL") != 0 &&
	    strcasecmp(name, "CATEGORIES") != 0 &&
	    strcasecmp(name, "NOTE") != 0)
		return;		/* PHOTO, EMAIL, ...: not ours */
	if (vp.base64) {
		problem(im, line, _("%s is base64-encoded; left out"), name);
		return;
	}
	buf_init(&val, VALUE_MAX);
	if (strcasecmp(name, "N") == 0) {
		/* Family;Given;Middle;Prefix;Suffix -> "Prefix Given Middle
		 * Family Suffix". */
		static const int order[] = { 3, 1, 2, 0, 4 };
		struct buf part;

		n = split_escaped(v, vlen, ';', starts, lens, 8);
		for (i = 0; i < 5 && why == NULL; i++) {
			if ((size_t)order[i] >= n)
				continue;
			buf_init(&part, VALUE_MAX);
			if (decode_value(v + starts[order[i]],
			    lens[order[i]], &vp, &part, &why) == 0) {
				trim(&part);
				if (part.len > 0 && p->n.len > 0)
					buf_append_char(&p->n, ' ');
				if (part.len > 0)
					buf_append(&p->n, part.data,
					    part.len);
			}
			buf_fini(&part);
		}
	} else if (strcasecmp(name, "CATEGORIES") == 0) {
		if (decode_value(v, vlen, &vp, &val, &why) == 0)
			add_tags(im, p, line, val.data != NULL ? val.data : "",
			    ",");
	} else if (decode_value(v, vlen, &vp, &val, &why) == 0) {
		if (strcasecmp(name, "FN") == 0) {
			buf_reset(&p->fn);
			if (val.len > 0)
				buf_append(&p->fn, val.data, val.len);
		} else if (strcasecmp(name, "TEL") == 0)
			add_number(im, p, line, val.data != NULL ? val.data :
			    "");
		else if (val.len > 0) {
			if (p->notes.len > 0)
				buf_append_char(&p->notes, '\n');
			buf_append(&p->notes, val.data, val.len);
		}
	}
	if (why != NULL)
		problem(im, line, _("%s: %s; left out"), name, why);
	buf_fini(&val);
}

/*
 * Read one logical line from *pos: unfold continuation lines (starting
 * with a space or tab), and for quoted-printable values join soft breaks
 * ("=" at the end).  *line advances by the physical lines consumed.
 * Returns false at the end of the input.
 */
static bool
next_logical(const char **pos, const char *end, struct buf *out,
    unsigned *line, unsigned *start_line, bool *too_long)
{
	const char *p = *pos, *eol, *seg;
	size_t len;
	bool folded = false, qp = false;
	char *colon;

	buf_reset(out);
	*too_long = false;
	if (p >= end)
		return false;
	*start_line = *line;
	for (;;) {
		eol = memchr(p, '\n', (size_t)(end - p));
		len = eol != NULL ? (size_t)(eol - p) : (size_t)(end - p);
		if (len > 0 && p[len - 1] == '\r')
			len--;
		seg = p;
		if (folded && len > 0) {
			seg++;		/* the blank that marks a fold */
			len--;
		}
		if (buf_append(out, seg, len) < 0)
			*too_long = true;
		(*line)++;
		p = eol != NULL ? eol + 1 : end;
		if (!qp && out->data != NULL &&
		    (colon = strchr(out->data, ':')) != NULL &&
		    memmem(out->data, (size_t)(colon - out->data),
		    "QUOTED-PRINTABLE", 16) != NULL)
			qp = true;
		/* vCard 2.1 quoted-printable: "=" at the end is a soft
		 * break, the value goes on at the start of the next line. */
		if (qp && out->len > 0 && out->data[out->len - 1] == '=' &&
		    p < end) {
			out->data[--out->len] = '\0';
			folded = false;
			continue;
		}
		if (p < end && (*p == ' ' || *p == '\t')) {
			folded = true;
			continue;
		}
		break;
	}
	*pos = p;
	return true;
}

static int
import_vcard(struct importer *im, const char *text, size_t len)
{
	struct pending p;
	struct buf lb;
	const char *pos = text, *end = text + len;
	unsigned line = 1, start;
	bool in_card = false, too_long;
	char *s;
	int rc = 0;

	buf_init(&lb, LINE_MAX_BYTES);
	pending_init(&p, 0);
	while (next_logical(&pos, end, &lb, &line, &start, &too_long)) {
		s = lb.data != NULL ? lb.data : "";
		if (too_long) {
			problem(im, start, _("line too long; left out"));
			continue;
		}
		if (s[strspn(s, " \t")] == '\0')
			continue;
		if (strcasecmp(s, "BEGIN:VCARD") == 0) {
			if (in_card) {
				problem(im, start, _("BEGIN:VCARD inside a "
				    "contact (END:VCARD missing before it)"));
				if ((rc = commit_pending(im, &p)) < 0)
					break;
			}
			pending_fini(&p);
			pending_init(&p, start);
			in_card = true;
		} else if (strcasecmp(s, "END:VCARD") == 0) {
			if (!in_card) {
				problem(im, start, _("END:VCARD without "
				    "BEGIN:VCARD"));
				continue;
			}
			in_card = false;
			if ((rc = commit_pending(im, &p)) < 0)
				break;
		} else if (!in_card)
			problem(im, start, _("text outside BEGIN:VCARD ... "
			    "END:VCARD: \"%.40s\""), s);
		else
			vcard_property(im, &p, start, s);
	}
	if (rc == 0 && in_card) {
		problem(im, p.line, _("the contact starting here has no "
		    "END:VCARD"));
		rc = commit_pending(im, &p);
	}
	pending_fini(&p);
	buf_fini(&lb);
	return rc;
}

/* ---- CSV ---- */

static int
import_csv(struct importer *im, const char *text, size_t len)
{
	static const char *const name_cols[] = { "name", "full name",
	    "display name", NULL };
	static const char *const number_cols[] = { "number", "numbers",
	    "phone", "mobile", "tel", "telephone", NULL };
	static const char *const tag_cols[] = { "tags", "tag", "groups",
	    "categories", NULL };
	static const char *const note_cols[] = { "notes", "note", NULL };
	struct csv_reader rd;
	struct csv_row *row;
	struct pending p;
	struct sms_err ignored;
	const char *v;
	int cname, cnum, ctags, cnotes, rc;
	size_t i;

	if ((row = calloc(1, sizeof *row)) == NULL)
		return sms_err_set(im->err, SMS_ENOMEM, _("out of memory"));
	csv_row_init(row, VALUE_MAX);
	csv_reader_init(&rd, text, len);
	rc = csv_read(&rd, row, &ignored);
	if (rc <= 0 || (cnum = csv_column(row, number_cols)) < 0) {
		rc = sms_err_set(im->err, SMS_EDATA, _("not a vCard or a CSV "
		    "file: a vCard starts with BEGIN:VCARD, a CSV file with a "
		    "header row naming the columns name, number, tags"));
		goto out;
	}
	cname = csv_column(row, name_cols);
	ctags = csv_column(row, tag_cols);
	cnotes = csv_column(row, note_cols);
	while ((rc = csv_read(&rd, row, &ignored)) > 0) {
		if (row->problem == CSV_ROW_TOO_LONG) {
			problem(im, row->line, _("a field is too long; "
			    "row left out"));
			im->counts->skipped++;
			continue;
		}
		if (row->problem == CSV_ROW_AFTER_QUOTE) {
			problem(im, row->problem_line, _("text after a "
			    "closing quote; row left out"));
			im->counts->skipped++;
			continue;
		}
		for (i = 0; i < row->n; i++)
			if (!valid_utf8(csv_get(row, i), row->field[i].len))
				break;
		if (i < row->n) {
			problem(im, row->line, _("the row is not UTF-8 text; "
			    "left out"));
			im->counts->skipped++;
			continue;
		}
		pending_init(&p, row->line);
		if (cname >= 0 && row->field[cname].len > 0)
			buf_append(&p.fn, row->field[cname].data,
			    row->field[cname].len);
		if ((size_t)cnum < row->n && row->field[cnum].data != NULL) {
			char *copy = strdup(row->field[cnum].data), *tok,
			    *save = NULL;

			for (tok = copy != NULL ? strtok_r(copy, ";,|",
			    &save) : NULL; tok != NULL;
			    tok = strtok_r(NULL, ";,|", &save))
				add_number(im, &p, row->line, tok);
			free(copy);
		}
		if (ctags >= 0 && (v = csv_get(row, (size_t)ctags))[0] !=
		    '\0')
			add_tags(im, &p, row->line, v, ";,|");
		if (cnotes >= 0 && row->field[cnotes].len > 0)
			buf_append(&p.notes, row->field[cnotes].data,
			    row->field[cnotes].len);
		rc = commit_pending(im, &p);
		pending_fini(&p);
		if (rc < 0)
			goto out;
	}
	if (rc < 0) {
		problem(im, row->line, _("a quote opened here is never "
		    "closed; the rest of the file is left out"));
		im->counts->skipped++;	/* the unclosed quote's row */
	}
	rc = 0;		/* what came before it stands */
out:
	csv_row_fini(row);
	free(row);
	return rc;
}

int
store_contact_import(struct store *st, const char *text, size_t len,
    enum store_contact_format fmt, store_contact_problem_cb cb, void *data,
    struct store_import_counts *counts, struct sms_err *err)
{
	struct importer im = { st, cb, data, counts, err };
	const char *p = text;
	int rc;

	memset(counts, 0, sizeof *counts);
	if (len > STORE_IMPORT_MAX)
		return sms_err_set(err, SMS_ETOOBIG, _("the file is larger "
		    "than %u MiB"), STORE_IMPORT_MAX / (1024 * 1024));
	if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0) {
		p += 3;		/* a UTF-8 byte order mark */
		len -= 3;
	}
	if (fmt == STORE_CONTACTS_AUTO) {
		size_t skip = 0;

		while (skip < len && isspace((unsigned char)p[skip]))
			skip++;
		fmt = len - skip >= 11 && strncasecmp(p + skip, "BEGIN:VCARD",
		    11) == 0 ? STORE_CONTACTS_VCARD : STORE_CONTACTS_CSV;
	}
	if ((rc = store_tx_begin(st, err)) < 0)
		return rc;
	if (fmt == STORE_CONTACTS_VCARD)
		rc = import_vcard(&im, p, len);
	else
		rc = import_csv(&im, p, len);
	if (rc < 0) {
		store_tx_rollback(st);
		return rc;
	}
	return store_tx_commit(st, err);
}

/* ---- export ---- */

/* Append s with the vCard 3.0 escapes. */
static int
vcard_escape(struct buf *b, const char *s)
{
	for (; s != NULL && *s != '\0'; s++) {
		if ((*s == ',' || *s == ';' || *s == '\\') &&
		    buf_append_char(b, '\\') < 0)
			return SMS_ETOOBIG;
		if (*s == '\n') {
			if (buf_append_str(b, "\\n") < 0)
				return SMS_ETOOBIG;
		} else if (*s != '\r' && buf_append_char(b, *s) < 0)
			return SMS_ETOOBIG;
	}
	return 0;
}

/* Write one content line folded at 75 bytes, never inside a UTF-8
 * sequence (RFC 6350 section 3.2). */
static int
vcard_line(struct buf *out, const struct buf *line)
{
	size_t i = 0, take, room = 75;

	while (i < line->len) {
		take = line->len - i < room ? line->len - i : room;
		while (take > 0 && i + take < line->len &&
		    ((unsigned char)line->data[i + take] & 0xc0) == 0x80)
			take--;
		if (buf_append(out, line->data + i, take) < 0 ||
		    buf_append_str(out, "\r\n") < 0)
			return SMS_ETOOBIG;
		i += take;
		if (i < line->len && buf_append_char(out, ' ') < 0)
			return SMS_ETOOBIG;
		room = 74;
	}
	return 0;
}

static int
vcard_write(const struct store_contact *c, struct buf *out)
{
	struct buf line;
	size_t i;
	int rc = SMS_ETOOBIG;

	buf_init(&line, VALUE_MAX * 2);
	if (buf_append_str(out, "BEGIN:VCARD\r\nVERSION:3.0\r\n") < 0)
		goto out;
	buf_append_str(&line, "FN:");
	if (vcard_escape(&line, c->name) < 0 || vcard_line(out, &line) < 0)
		goto out;
	buf_reset(&line);
	buf_append_str(&line, "N:");
	if (vcard_escape(&line, c->name) < 0 ||
	    buf_append_str(&line, ";;;;") < 0 || vcard_line(out, &line) < 0)
		goto out;
	for (i = 0; i < c->numbers.n; i++) {
		buf_reset(&line);
		if (buf_printf(&line, "TEL;TYPE=CELL:%s", c->numbers.v[i]) < 0 ||
		    vcard_line(out, &line) < 0)
			goto out;
	}
	if (c->tags.n > 0) {
		buf_reset(&line);
		buf_append_str(&line, "CATEGORIES:");
		for (i = 0; i < c->tags.n; i++)
			if ((i > 0 && buf_append_char(&line, ',') < 0) ||
			    vcard_escape(&line, c->tags.v[i]) < 0)
				goto out;
		if (vcard_line(out, &line) < 0)
			goto out;
	}
	if (c->notes != NULL && c->notes[0] != '\0') {
		buf_reset(&line);
		buf_append_str(&line, "NOTE:");
		if (vcard_escape(&line, c->notes) < 0 ||
		    vcard_line(out, &line) < 0)
			goto out;
	}
	if (buf_append_str(out, "END:VCARD\r\n") < 0)
		goto out;
	rc = 0;
out:
	buf_fini(&line);
	return rc;
}

/* Append s as a CSV field, quoted when it must be. */
static int
csv_field(struct buf *b, const char *s)
{
	if (s == NULL)
		s = "";
	if (strpbrk(s, ",\";\n\r") == NULL)
		return buf_append_str(b, s);
	if (buf_append_char(b, '"') < 0)
		return SMS_ETOOBIG;
	for (; *s != '\0'; s++)
		if ((*s == '"' && buf_append_char(b, '"') < 0) ||
		    buf_append_char(b, *s) < 0)
			return SMS_ETOOBIG;
	return buf_append_char(b, '"');
}

static int
csv_write(const struct store_contact *c, struct buf *out)
{
	struct buf list;
	size_t i;
	int rc = SMS_ETOOBIG;

	buf_init(&list, VALUE_MAX);
	if (csv_field(out, c->name) < 0 || buf_append_char(out, ',') < 0)
		goto out;
	for (i = 0; i < c->numbers.n; i++)
		if ((i > 0 && buf_append_char(&list, ';') < 0) ||
		    buf_append_str(&list, c->numbers.v[i]) < 0)
			goto out;
	if (csv_field(out, list.data) < 0 || buf_append_char(out, ',') < 0)
		goto out;
	buf_reset(&list);
	for (i = 0; i < c->tags.n; i++)
		if ((i > 0 && buf_append_char(&list, ';') < 0) ||
		    buf_append_str(&list, c->tags.v[i]) < 0)
			goto out;
	if (csv_field(out, list.data) < 0 || buf_append_str(out, "\r\n") < 0)
		goto out;
	rc = 0;
out:
	buf_fini(&list);
	return rc;
}

#define EXPORT_PAGE 500

int
store_contact_export(struct store *st, enum store_contact_format fmt,
    store_contact_write_cb cb, void *data, struct sms_err *err)
{
	struct store_contacts page;
	struct buf out;
	size_t offset = 0, i;
	int rc = 0;

	buf_init(&out, 4 * VALUE_MAX + 4096);
	if (fmt == STORE_CONTACTS_CSV &&
	    cb("name,number,tags\r\n", 18, data) < 0)
		return sms_err_set(err, SMS_EIO, _("cannot write contacts"));
	for (;;) {
		if ((rc = store_contact_list(st, NULL, offset, EXPORT_PAGE,
		    &page, err)) < 0)
			break;
		for (i = 0; i < page.n && rc == 0; i++) {
			if (page.v[i].name == NULL || page.v[i].name[0] == '\0')
				continue;
			buf_reset(&out);
			rc = fmt == STORE_CONTACTS_CSV ?
			    csv_write(&page.v[i], &out) :
			    vcard_write(&page.v[i], &out);
			if (rc < 0)
				rc = sms_err_set(err, SMS_ETOOBIG, _("contact "
				    "%.40s is too large to export"),
				    page.v[i].name);
			else if (cb(out.data, out.len, data) < 0)
				rc = sms_err_set(err, SMS_EIO,
				    _("cannot write contacts"));
		}
		offset += page.n;
		i = page.n;
		store_contacts_fini(&page);
		if (rc < 0 || i < EXPORT_PAGE)
			break;
	}
	buf_fini(&out);
	return rc;
}
