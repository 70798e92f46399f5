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
/* How far into a line its property name and parameters are looked for. */
#define HEAD_MAX 1024

/*
 * Which of a contact's numbers comes first: sms-send and the TUI text a
 * contact's first number, so the preferred one leads, then mobiles, then
 * the rest in the file's order.
 */
enum num_rank {
	RANK_PREF = 0,
	RANK_CELL,
	RANK_OTHER,
};

/* What an import is working on. */
struct importer {
	struct store *st;
	store_contact_problem_cb cb;
	void *data;
	struct store_import_counts *counts;
	struct sms_err *err;
	bool converted;		/* the whole text came through iconv */
};

/* A contact being read: owned strings. */
struct pending {
	unsigned line;		/* where it starts */
	struct buf fn;		/* FN, or the name column */
	struct buf n;		/* N, composed */
	struct buf org;		/* ORG or the company: the last resort */
	struct buf notes;
	struct store_strv numbers; /* E.164, in rank order */
	unsigned char rank[LIST_MAX];
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

/* Something the user should know that is not wrong with the file. */
static void
notice(struct importer *im, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
notice(struct importer *im, unsigned line, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	im->counts->notices++;
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
	buf_init(&p->org, VALUE_MAX);
	buf_init(&p->notes, VALUE_MAX);
}

static void
pending_fini(struct pending *p)
{
	buf_fini(&p->fn);
	buf_fini(&p->n);
	buf_fini(&p->org);
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

/* Put number s in p's list before the first one of a lower rank; false
 * when the list is full or memory is out.  A number seen before keeps
 * the better of its two ranks. */
static bool
number_push(struct pending *p, const char *s, enum num_rank rank)
{
	struct store_strv *v = &p->numbers;
	char **nv, *copy;
	size_t i, at;

	for (i = 0; i < v->n; i++)
		if (strcmp(v->v[i], s) == 0)
			break;
	if (i < v->n) {
		if (p->rank[i] <= rank)
			return true;
		copy = v->v[i];		/* move it up */
		memmove(v->v + i, v->v + i + 1, (v->n - i - 1) * sizeof *v->v);
		memmove(p->rank + i, p->rank + i + 1, v->n - i - 1);
		v->n--;
	} else if (v->n == LIST_MAX || (copy = strdup(s)) == NULL)
		return false;
	else if ((nv = realloc(v->v, (v->n + 1) * sizeof *nv)) == NULL) {
		free(copy);
		return false;
	} else
		v->v = nv;
	for (at = 0; at < v->n && p->rank[at] <= rank; at++)
		;
	memmove(v->v + at + 1, v->v + at, (v->n - at) * sizeof *v->v);
	memmove(p->rank + at + 1, p->rank + at, v->n - at);
	v->v[at] = copy;
	p->rank[at] = (unsigned char)rank;
	v->n++;
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
 * Copy the dialable part of raw into out (size n): a "tel:" URI (vCard
 * 4.0) loses its scheme and parameters, an extension (" x12", "ext. 12",
 * "#12", ",12" once the number has begun) is cut off, and the "(0)"
 * people write after a country code ("+44 (0)20 ...") is dropped.
 */
static void
number_clean(const char *raw, char *out, size_t n)
{
	size_t o = 0, digits = 0;
	bool intl;

	while (*raw == ' ' || *raw == '\t')
		raw++;
	if (strncasecmp(raw, "tel:", 4) == 0)
		raw += 4;
	intl = *raw == '+';
	for (; *raw != '\0' && *raw != ';' && o + 1 < n; raw++) {
		if (intl && strncmp(raw, "(0)", 3) == 0) {
			raw += 2;
			continue;
		}
		if (digits >= 4 && (isalpha((unsigned char)*raw) ||
		    *raw == '#' || *raw == ','))
			break;
		if (isdigit((unsigned char)*raw))
			digits++;
		out[o++] = *raw;
	}
	while (o > 0 && strchr(" \t-.,/", out[o - 1]) != NULL)
		o--;
	out[o] = '\0';
}

/* Whether s is what Excel makes of a long number in a cell not formatted
 * as text: "3.6301E+10" (or "3,6301E+10" in Europe). */
static bool
excel_number(const char *s)
{
	while (*s == ' ')
		s++;
	if (!isdigit((unsigned char)*s++))
		return false;
	if (*s == '.' || *s == ',')
		for (s++; isdigit((unsigned char)*s); s++)
			;
	if ((*s != 'E' && *s != 'e') || s[1] != '+' ||
	    !isdigit((unsigned char)s[2]))
		return false;
	for (s += 2; isdigit((unsigned char)*s); s++)
		;
	return s[strspn(s, " ")] == '\0';
}

/* Add a number to p after normalising it; a bad one is reported and
 * counted. */
static void
add_number(struct importer *im, struct pending *p, unsigned line,
    const char *raw, enum num_rank rank)
{
	char out[PHONE_MAX], tmp[128];
	struct sms_err e;
	int kind;

	if (excel_number(raw)) {
		problem(im, line, _("\"%s\" is a number a spreadsheet wrote "
		    "in scientific notation, its digits lost: format the "
		    "column as text and export again"), raw);
		p->bad_numbers++;
		return;
	}
	number_clean(raw, tmp, sizeof tmp);
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
	if (!number_push(p, out, rank))
		problem(im, line, _("too many numbers; \"%s\" left out"), tmp);
}

/*
 * Add each number of a list as spreadsheets write them: Google joins
 * several with " ::: ", others with ";", "," or "|".
 */
static void
add_number_list(struct importer *im, struct pending *p, unsigned line,
    const char *s, enum num_rank rank)
{
	char one[128];
	size_t len;

	if (excel_number(s)) {
		add_number(im, p, line, s, rank);	/* says what happened */
		return;
	}
	while (*s != '\0') {
		len = strcspn(s, ":;,|");
		if (len >= sizeof one)
			len = sizeof one - 1;
		memcpy(one, s, len);
		one[len] = '\0';
		add_number(im, p, line, one, rank);
		s += len;
		s += strspn(s, ":;,|");
	}
}

/* Whether tag is one the exporting program adds to every contact (Google:
 * "myContacts", "* myContacts"): not the user's own. */
static bool
system_tag(const char *s, size_t len)
{
	return len == 10 && strncasecmp(s, "myContacts", 10) == 0;
}

/* Split s on seps (none escaped) and add each trimmed part as a tag;
 * Google's "* starred" loses its star, its "myContacts" is left out. */
static void
add_tags(struct importer *im, struct pending *p, unsigned line,
    const char *s, const char *seps)
{
	size_t len, skip;

	while (*s != '\0') {
		s += strspn(s, seps);
		len = strcspn(s, seps);
		skip = 0;
		while (skip < len && (isspace((unsigned char)s[skip]) ||
		    s[skip] == '*'))
			skip++;
		while (len > skip && isspace((unsigned char)s[len - 1]))
			len--;
		if (len > skip && !system_tag(s + skip, len - skip) &&
		    !strv_push(&p->tags, s + skip, len - skip))
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
	trim(&p->org);
	trim(&p->notes);
	memset(&c, 0, sizeof c);
	c.name = p->fn.len > 0 ? p->fn.data : p->n.len > 0 ? p->n.data :
	    p->org.len > 0 ? p->org.data : "";
	c.notes = p->notes.data;
	c.numbers = p->numbers;
	c.tags = p->tags;
	if (c.numbers.n == 0) {
		/* An address book holds many people with only an e-mail
		 * address: not a fault of the file.  A bad number was
		 * reported where it stands. */
		if (p->bad_numbers == 0)
			im->counts->no_number++;
		else
			im->counts->skipped++;
		return 0;
	}
	if ((rc = store_contact_merge(im->st, &c, im->err)) < 0)
		return rc;
	if (rc == STORE_MERGE_TAKEN) {
		notice(im, p->line, _("the numbers of \"%.60s\" belong to "
		    "other contacts already (%s first); left out"), c.name,
		    c.numbers.v[0]);
		im->counts->skipped++;
		return 0;
	}
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
	bool pref;		/* TYPE=pref, 2.1 PREF, 4.0 PREF=1 */
	bool cell;		/* TYPE=CELL (or mobile, iPhone) */
	bool fax;		/* TYPE=FAX or PAGER: no SMS there */
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
	buf_init(&out, b->max);
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
		*why = _("the text is not UTF-8 and no CHARSET says what it "
		    "is (name the file's character set with --charset)");
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

/* The first c in s outside double quotes (a parameter value such as
 * X-COUCHDB-UUID="..." or LABEL="a:b" may hold ":" and ";"), or NULL. */
static char *
unquoted(char *s, char c)
{
	bool q = false;

	for (; *s != '\0'; s++) {
		if (*s == '"')
			q = !q;
		else if (*s == c && !q)
			return s;
	}
	return NULL;
}

/* Whether t[0..len) is word, any case. */
static bool
word_is(const char *t, size_t len, const char *word)
{
	return strlen(word) == len && strncasecmp(t, word, len) == 0;
}

/* Note one TYPE value (or a vCard 2.1 bare parameter) in vp. */
static void
param_type(struct vparam *vp, const char *t, size_t len)
{
	if (word_is(t, len, "pref"))
		vp->pref = true;
	else if (word_is(t, len, "cell") || word_is(t, len, "mobile") ||
	    word_is(t, len, "iphone"))
		vp->cell = true;
	else if (word_is(t, len, "fax") || word_is(t, len, "pager"))
		vp->fax = true;
}

/* Parse the parameters (after the name) of a property. */
static void
parse_params(char *params, struct vparam *vp)
{
	char *p, *next, *eq, *val;
	size_t len;

	memset(vp, 0, sizeof *vp);
	for (p = params; p != NULL && *p != '\0'; p = next) {
		if ((next = unquoted(p, ';')) != NULL)
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
		else if (strcasecmp(p, "PREF") == 0)
			vp->pref = true;
		if (eq == NULL || strcasecmp(p, "TYPE") == 0)
			for (; *val != '\0'; val += len + (val[len] != '\0')) {
				len = strcspn(val, ",");
				param_type(vp, val, len);
			}
	}
}

/* Whether a property is one a contact here is made of; the rest (PHOTO,
 * EMAIL, ADR, X-...) is read past without being kept. */
static bool
property_wanted(const char *name, size_t len)
{
	static const char *const wanted[] = { "BEGIN", "END", "VERSION",
	    "FN", "N", "ORG", "TEL", "CATEGORIES", "NOTE", NULL };
	const char *dot;
	size_t i;

	/* "item1.TEL": Apple's group prefix. */
	if ((dot = memchr(name, '.', len)) != NULL) {
		len -= (size_t)(dot + 1 - name);
		name = dot + 1;
	}
	for (i = 0; wanted[i] != NULL; i++)
		if (strlen(wanted[i]) == len &&
		    strncasecmp(name, wanted[i], len) == 0)
			return true;
	return false;
}

/* Append the first ;-separated component of an escaped value to b. */
static void
first_component(const char *v, size_t vlen, const struct vparam *vp,
    struct buf *b, const char **why)
{
	size_t start, len;

	if (split_escaped(v, vlen, ';', &start, &len, 1) == 1)
		decode_value(v + start, len, vp, b, why);
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

	if ((colon = unquoted(text, ':')) == NULL) {
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
	if (im->converted && !vp.qp)
		vp.charset[0] = '\0';	/* --charset did it already */
	if (strcasecmp(name, "VERSION") == 0) {
		if (strcmp(v, "2.1") != 0 && strcmp(v, "3.0") != 0 &&
		    strcmp(v, "4.0") != 0)
			problem(im, line, _("unknown vCard version \"%.10s\"; "
			    "read as 4.0"), v);
		return;
	}
	if (!property_wanted(name, strlen(name)))
		return;
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
	} else if (strcasecmp(name, "ORG") == 0) {
		if (p->org.len == 0)
			first_component(v, vlen, &vp, &p->org, &why);
	} else if (strcasecmp(name, "CATEGORIES") == 0) {
		if (decode_value(v, vlen, &vp, &val, &why) == 0)
			add_tags(im, p, line, val.data != NULL ? val.data : "",
			    ",");
	} else if (strcasecmp(name, "TEL") == 0 && vp.fax) {
		;		/* a fax or a pager takes no SMS */
	} else if (decode_value(v, vlen, &vp, &val, &why) == 0) {
		if (strcasecmp(name, "FN") == 0) {
			buf_reset(&p->fn);
			if (val.len > 0)
				buf_append(&p->fn, val.data, val.len);
		} else if (strcasecmp(name, "TEL") == 0)
			add_number(im, p, line, val.data != NULL ? val.data :
			    "", vp.pref ? RANK_PREF : vp.cell ? RANK_CELL :
			    RANK_OTHER);
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

/* Whether the head of a line (up to its ":") holds word, any case. */
static bool
head_has(const char *s, size_t len, const char *word)
{
	size_t wl = strlen(word), i;

	for (i = 0; i + wl <= len && s[i] != ':'; i++)
		if (strncasecmp(s + i, word, wl) == 0)
			return true;
	return false;
}

/*
 * Read one logical line from *pos: unfold continuation lines (starting
 * with a space or tab), and for quoted-printable values join soft breaks
 * ("=" at the end).  A property not wanted (a PHOTO of megabytes, folded
 * or not) is read past without being kept: *skipped is set and out holds
 * nothing.  *line advances by the physical lines consumed.  Returns false
 * at the end of the input.
 */
static bool
next_logical(const char **pos, const char *end, struct buf *out,
    unsigned *line, unsigned *start_line, bool *too_long, bool *skipped)
{
	const char *p = *pos, *eol, *seg;
	size_t len, head, name;
	bool folded = false, qp, base64 = false;

	buf_reset(out);
	*too_long = false;
	*skipped = false;
	if (p >= end)
		return false;
	*start_line = *line;
	eol = memchr(p, '\n', (size_t)(end - p));
	len = eol != NULL ? (size_t)(eol - p) : (size_t)(end - p);
	head = len < HEAD_MAX ? len : HEAD_MAX;
	qp = head_has(p, head, "QUOTED-PRINTABLE");
	for (name = 0; name < head && p[name] != ':' && p[name] != ';';
	    name++)
		;
	if (name < head && memchr(p, ':', head) != NULL &&
	    !property_wanted(p, name)) {
		*skipped = true;
		base64 = head_has(p, head, "BASE64") ||
		    head_has(p, head, "ENCODING=B");
	}
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
		if (!*skipped && buf_append(out, seg, len) < 0)
			*too_long = true;
		(*line)++;
		p = eol != NULL ? eol + 1 : end;
		/* vCard 2.1 quoted-printable: "=" at the end is a soft
		 * break, the value goes on at the start of the next line. */
		if (qp && !*skipped && out->len > 0 &&
		    out->data[out->len - 1] == '=' && p < end) {
			out->data[--out->len] = '\0';
			folded = false;
			continue;
		}
		if (p < end && (*p == ' ' || *p == '\t')) {
			folded = true;
			continue;
		}
		/* vCard 2.1 base64 may go on unindented up to a blank
		 * line: base64 has no ":", every property has one. */
		if (base64 && p < end && *p != '\r' && *p != '\n') {
			eol = memchr(p, '\n', (size_t)(end - p));
			len = eol != NULL ? (size_t)(eol - p) :
			    (size_t)(end - p);
			if (memchr(p, ':', len) == NULL) {
				folded = false;
				continue;
			}
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
	bool in_card = false, too_long, skipped;
	char *s;
	int rc = 0;

	buf_init(&lb, LINE_MAX_BYTES);
	pending_init(&p, 0);
	while (next_logical(&pos, end, &lb, &line, &start, &too_long,
	    &skipped)) {
		s = lb.data != NULL ? lb.data : "";
		if (skipped && !in_card)
			problem(im, start, _("text outside BEGIN:VCARD ... "
			    "END:VCARD"));
		if (skipped)
			continue;
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
	/* The file ends inside a card: it was cut short, and its last line
	 * may be cut too ("+3630123" is a number, the wrong one). */
	if (rc == 0 && in_card) {
		problem(im, p.line, _("the contact starting here has no "
		    "END:VCARD (is the file cut short?); left out"));
		im->counts->skipped++;
	}
	pending_fini(&p);
	buf_fini(&lb);
	return rc;
}

/* ---- CSV ---- */

/* What a CSV column holds. */
enum col_role {
	COL_NONE = 0,
	COL_NAME,		/* the whole name */
	COL_GIVEN,
	COL_MIDDLE,
	COL_FAMILY,
	COL_ORG,		/* the company: a name of last resort */
	COL_NUMBER,
	COL_TAGS,
	COL_NOTES,
};

struct csv_col {
	enum col_role role;
	enum num_rank rank;	/* COL_NUMBER */
	int type_col;		/* Google's "Phone 1 - Type", or -1 */
};

/* Whether s (lower case words) contains any of the NULL-ended words. */
static bool
has_word(const char *s, const char *const *words)
{
	size_t i;

	for (i = 0; words[i] != NULL; i++)
		if (strcasestr(s, words[i]) != NULL)
			return true;
	return false;
}

/* Rank of a number by its column or type ("Mobile Phone", "* Mobile");
 * -1 for a fax or a pager. */
static int
rank_of(const char *what)
{
	static const char *const no_sms[] = { "fax", "pager", "telex", "tty",
	    "assistant", NULL };
	static const char *const cell[] = { "mobile", "cell", "iphone",
	    "handy", "mobil", NULL };

	if (has_word(what, no_sms))
		return -1;
	while (*what == ' ')
		what++;
	if (*what == '*' || strncasecmp(what, "primary", 7) == 0 ||
	    strncasecmp(what, "pref", 4) == 0)
		return RANK_PREF;		/* Google stars the primary */
	return has_word(what, cell) ? RANK_CELL : RANK_OTHER;
}

/* Whether h is Google's "Phone N - what" (any case); *n gets N. */
static bool
google_phone(const char *h, const char *what, unsigned *n)
{
	char *end;

	if (strncasecmp(h, "phone ", 6) != 0 || !isdigit((unsigned char)h[6]))
		return false;
	*n = (unsigned)strtoul(h + 6, &end, 10);
	return strncmp(end, " - ", 3) == 0 && strcasecmp(end + 3, what) == 0;
}

/*
 * Sort out the header row: the simple form (name, number, tags, notes),
 * Google's ("Name" or "First Name", "Phone 1 - Type", "Phone 1 - Value",
 * "Group Membership" or "Labels"), Outlook's and Thunderbird's ("First
 * Name", "Last Name", "Mobile Phone", "Business Phone", "Categories").
 * Returns the number of number columns.
 */
static int
csv_header(const struct csv_row *hdr, struct csv_col *cols)
{
	static const struct {
		const char *name;
		enum col_role role;
	} exact[] = {
		{ "name", COL_NAME }, { "full name", COL_NAME },
		{ "display name", COL_NAME }, { "given name", COL_GIVEN },
		{ "first name", COL_GIVEN }, { "additional name", COL_MIDDLE },
		{ "middle name", COL_MIDDLE }, { "family name", COL_FAMILY },
		{ "last name", COL_FAMILY }, { "surname", COL_FAMILY },
		{ "company", COL_ORG }, { "organization", COL_ORG },
		{ "organization name", COL_ORG },
		{ "organization 1 - name", COL_ORG },
		{ "tags", COL_TAGS }, { "tag", COL_TAGS },
		{ "groups", COL_TAGS }, { "group", COL_TAGS },
		{ "categories", COL_TAGS }, { "group membership", COL_TAGS },
		{ "labels", COL_TAGS }, { "notes", COL_NOTES },
		{ "note", COL_NOTES },
		/* What people write in Hungarian and German spreadsheets. */
		{ "név", COL_NAME }, { "címkék", COL_TAGS },
		{ "megjegyzés", COL_NOTES }, { "vorname", COL_GIVEN },
		{ "nachname", COL_FAMILY }, { "gruppen", COL_TAGS },
		{ "notizen", COL_NOTES },
		{ "number", COL_NUMBER }, { "numbers", COL_NUMBER },
		{ "tel", COL_NUMBER }, { "telephone", COL_NUMBER },
		{ "callback", COL_NUMBER }, { "isdn", COL_NUMBER },
	};
	static const char *const phone[] = { "phone", "mobil", "cell",
	    "telefon", "handy", NULL };
	static const char *const not_number[] = { "type", "label", "yomi",
	    "e-mail", "email", NULL };
	const char *h;
	size_t i, k;
	unsigned idx, other;
	int numbers = 0, r;

	for (i = 0; i < hdr->n; i++) {
		h = csv_get(hdr, i);
		cols[i].role = COL_NONE;
		cols[i].rank = RANK_OTHER;
		cols[i].type_col = -1;
		for (k = 0; k < sizeof exact / sizeof exact[0]; k++)
			if (strcasecmp(h, exact[k].name) == 0)
				cols[i].role = exact[k].role;
		if (cols[i].role == COL_NONE && has_word(h, phone) &&
		    !has_word(h, not_number) && (r = rank_of(h)) >= 0) {
			cols[i].role = COL_NUMBER;
			cols[i].rank = (enum num_rank)r;
		}
		/* Google: "Phone 1 - Value" goes with "Phone 1 - Type"
		 * (or "- Label"), which says mobile, work fax, "* Home"... */
		if (google_phone(h, "value", &idx)) {
			cols[i].role = COL_NUMBER;
			cols[i].rank = RANK_OTHER;
			for (k = 0; k < hdr->n; k++) {
				if ((google_phone(csv_get(hdr, k), "type",
				    &other) || google_phone(csv_get(hdr, k),
				    "label", &other)) && other == idx)
					cols[i].type_col = (int)k;
			}
		}
		if (cols[i].role == COL_NUMBER)
			numbers++;
	}
	return numbers;
}

/* Append a name part to b, a space between parts. */
static void
name_part(struct buf *b, const char *s)
{
	if (*s == '\0')
		return;
	if (b->len > 0)
		buf_append_char(b, ' ');
	buf_append_str(b, s);
}

static int
import_csv(struct importer *im, const char *text, size_t len)
{
	static const enum col_role parts[] = { COL_GIVEN, COL_MIDDLE,
	    COL_FAMILY };
	struct csv_reader rd;
	struct csv_row *row;
	struct csv_col *cols = NULL;
	struct pending p;
	struct sms_err ignored;
	const char *v;
	int rc, r;
	size_t i, k;

	if ((row = calloc(1, sizeof *row)) == NULL ||
	    (cols = calloc(CSV_FIELDS_MAX, sizeof *cols)) == NULL) {
		free(row);
		return sms_err_set(im->err, SMS_ENOMEM, _("out of memory"));
	}
	csv_row_init(row, VALUE_MAX);
	csv_reader_init(&rd, text, len);
	rc = csv_read(&rd, row, &ignored);
	if (rc <= 0 || csv_header(row, cols) == 0) {
		rc = sms_err_set(im->err, SMS_EDATA, _("not a vCard or a CSV "
		    "file: a vCard starts with BEGIN:VCARD, a CSV file with a "
		    "header row naming the columns name, number, tags"));
		goto out;
	}
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
		pending_init(&p, row->line);
		for (i = 0; i < row->n && i < CSV_FIELDS_MAX; i++) {
			v = csv_get(row, i);
			if (*v == '\0')
				continue;
			switch (cols[i].role) {
			case COL_NAME:
				buf_reset(&p.fn);
				buf_append_str(&p.fn, v);
				break;
			case COL_ORG:
				if (p.org.len == 0)
					buf_append_str(&p.org, v);
				break;
			case COL_NUMBER:
				r = (int)cols[i].rank;
				if (cols[i].type_col >= 0)
					r = rank_of(csv_get(row,
					    (size_t)cols[i].type_col));
				if (r >= 0)
					add_number_list(im, &p, row->line, v,
					    (enum num_rank)r);
				break;
			case COL_TAGS:
				add_tags(im, &p, row->line, v, ";,|:");
				break;
			case COL_NOTES:
				if (p.notes.len > 0)
					buf_append_char(&p.notes, '\n');
				for (; *v != '\0'; v++)
					if (*v != '\r')
						buf_append_char(&p.notes, *v);
				break;
			default:
				break;
			}
		}
		/* "First Name", "Middle Name", "Last Name" when no column
		 * holds the whole name. */
		for (k = 0; k < 3 && p.fn.len == 0; k++)
			for (i = 0; i < row->n && i < CSV_FIELDS_MAX; i++)
				if (cols[i].role == parts[k])
					name_part(&p.n, csv_get(row, i));
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
	free(cols);
	return rc;
}

/* Line (1-based) of offset off in text. */
static unsigned
line_of(const char *text, size_t off)
{
	unsigned line = 1;
	size_t i;

	for (i = 0; i < off; i++)
		if (text[i] == '\n')
			line++;
	return line;
}

/* Offset of the first byte of text[0..len) that is not UTF-8, or len. */
static size_t
utf8_prefix(const char *text, size_t len)
{
	size_t lo = 0, step;

	/* valid_utf8() on line-sized pieces: a sequence never spans a
	 * newline. */
	while (lo < len) {
		const char *nl = memchr(text + lo, '\n', len - lo);

		step = nl != NULL ? (size_t)(nl - (text + lo)) + 1 : len - lo;
		if (!valid_utf8(text + lo, step))
			return lo;
		lo += step;
	}
	return len;
}

/*
 * Bring text to UTF-8 in conv when it is not: UTF-16 with a byte order
 * mark (Windows' "Unicode" exports) is converted, and so is any text when
 * charset names its character set.  *text and *len are pointed at conv
 * then.  A NUL byte otherwise means a binary file.
 */
static int
bring_to_utf8(const char **text, size_t *len, const char *charset,
    struct buf *conv, struct sms_err *err)
{
	const unsigned char *u = (const unsigned char *)*text;
	const char *from = charset;
	const char *nul;
	int rc;

	if (from == NULL && *len >= 2 && ((u[0] == 0xff && u[1] == 0xfe) ||
	    (u[0] == 0xfe && u[1] == 0xff)))
		from = "UTF-16";
	if (from == NULL) {
		if ((nul = memchr(*text, '\0', *len)) != NULL)
			return sms_err_set(err, SMS_EDATA, _("line %u: a NUL "
			    "byte: this is a binary file, not contacts"),
			    line_of(*text, (size_t)(nul - *text)));
		return 0;
	}
	if (buf_append(conv, *text, *len) < 0)
		return sms_err_set(err, SMS_ENOMEM, _("out of memory"));
	if ((rc = to_utf8(conv, from)) == SMS_EINVAL)
		return sms_err_set(err, SMS_EDATA, _("unknown character set "
		    "\"%s\" (iconv --list names them)"), from);
	if (rc < 0)
		return sms_err_set(err, SMS_EDATA, _("the file is not %s "
		    "text"), from);
	*text = conv->data != NULL ? conv->data : "";
	*len = conv->len;
	return 0;
}

int
store_contact_import(struct store *st, const char *text, size_t len,
    enum store_contact_format fmt, store_contact_problem_cb cb, void *data,
    struct store_import_counts *counts, struct sms_err *err)
{
	return store_contact_import_as(st, text, len, fmt, NULL, cb, data,
	    counts, err);
}

int
store_contact_import_as(struct store *st, const char *text, size_t len,
    enum store_contact_format fmt, const char *charset,
    store_contact_problem_cb cb, void *data,
    struct store_import_counts *counts, struct sms_err *err)
{
	struct importer im = { st, cb, data, counts, err, false };
	struct buf conv;
	const char *p = text;
	size_t bad;
	int rc;

	memset(counts, 0, sizeof *counts);
	if (len > STORE_IMPORT_MAX)
		return sms_err_set(err, SMS_ETOOBIG, _("the file is larger "
		    "than %u MiB"), STORE_IMPORT_MAX / (1024 * 1024));
	if (charset != NULL && (charset[0] == '\0' ||
	    strcasecmp(charset, "UTF-8") == 0 ||
	    strcasecmp(charset, "UTF8") == 0))
		charset = NULL;
	buf_init(&conv, 4 * (size_t)STORE_IMPORT_MAX);
	if ((rc = bring_to_utf8(&p, &len, charset, &conv, err)) < 0)
		goto out;
	im.converted = p != text;
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
	/*
	 * A spreadsheet saved by Excel as "CSV" is in the Windows code page:
	 * 1252 in the west, 1250 in central Europe, and the same byte is "õ"
	 * in one and "ő" in the other.  A guess would store wrong names that
	 * a later import never mends (it only adds), so ask.
	 */
	if (fmt == STORE_CONTACTS_CSV && !im.converted &&
	    (bad = utf8_prefix(p, len)) < len) {
		rc = sms_err_set(err, SMS_EDATA, _("line %u is not UTF-8 "
		    "text; Excel's \"CSV\" is in the Windows code page: save "
		    "the file as \"CSV UTF-8\", or name its character set "
		    "with --charset (WINDOWS-1252 in western Europe and the "
		    "Americas, WINDOWS-1250 in central Europe)"),
		    line_of(p, bad));
		goto out;
	}
	if ((rc = store_tx_begin(st, err)) < 0)
		goto out;
	if (fmt == STORE_CONTACTS_VCARD)
		rc = import_vcard(&im, p, len);
	else
		rc = import_csv(&im, p, len);
	if (rc < 0) {
		store_tx_rollback(st);
		goto out;
	}
	rc = store_tx_commit(st, err);
out:
	buf_fini(&conv);
	return rc;
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
	if (csv_field(out, list.data) < 0 || buf_append_char(out, ',') < 0 ||
	    csv_field(out, c->notes) < 0 || buf_append_str(out, "\r\n") < 0)
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
	    cb("name,number,tags,notes\r\n", 24, data) < 0)
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
