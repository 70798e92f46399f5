#include "config.h"

#include "cli/print.h"

#include <stdbool.h>
#include <string.h>
#include <time.h>
#include <wchar.h>

#include "store/contact.h"
#include "store/message.h"
#include "store/thread.h"
#include "util/err.h"
#include "util/msg.h"

const char *
print_time(int64_t t, char buf[PRINT_TIME_MAX])
{
	struct tm tm;
	time_t tt = (time_t)t;

	if (t == 0 || localtime_r(&tt, &tm) == NULL ||
	    strftime(buf, PRINT_TIME_MAX, "%Y-%m-%d %H:%M", &tm) == 0)
		strcpy(buf, "-");
	return buf;
}

/* Length of the valid UTF-8 sequence at s, 0 if invalid. */
static size_t
utf8_len(const unsigned char *s)
{
	size_t n, i;
	unsigned cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 ||
	    cp > 0x10ffff)) || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	/* C1 controls are escaped like C0 ones. */
	if (cp >= 0x80 && cp <= 0x9f)
		return 0;
	return n;
}

/* Write one character of s (escaped if needed); returns bytes used. */
static size_t
put_char(FILE *fp, const char *s, const char *indent)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n;

	if (*u == '\n') {
		if (indent != NULL) {
			fputc('\n', fp);
			fputs(indent, fp);
		} else
			fputc(' ', fp);
		return 1;
	}
	if (*u == '\t') {
		fputc(' ', fp);
		return 1;
	}
	if (*u < 0x20 || *u == 0x7f) {
		fprintf(fp, "\\x%02x", *u);
		return 1;
	}
	if ((n = utf8_len(u)) == 0) {
		fprintf(fp, "\\x%02x", *u);
		return 1;
	}
	fwrite(s, 1, n, fp);
	return n;
}

void
print_text(FILE *fp, const char *s, size_t max, const char *indent)
{
	size_t chars = 0;

	if (s == NULL)
		return;
	while (*s != '\0') {
		if (max > 0 && chars == max) {
			fputs("...", fp);
			return;
		}
		s += put_char(fp, s, indent);
		chars++;
	}
}

void
print_padded(FILE *fp, const char *s, int width)
{
	mbstate_t ps;
	wchar_t wc;
	size_t n;
	int used = 0, w;
	bool bad;

	memset(&ps, 0, sizeof ps);
	while (s != NULL && *s != '\0') {
		n = mbrtowc(&wc, s, strlen(s), &ps);
		bad = n == (size_t)-1 || n == (size_t)-2 || n == 0;
		if (bad) {
			memset(&ps, 0, sizeof ps);
			n = 1;
			w = 1;
		} else if ((w = wcwidth(wc)) < 0) {
			bad = true;	/* a control character */
			w = 1;
		}
		if (used + w > width)
			break;
		if (bad)
			fputc('?', fp);
		else
			fwrite(s, 1, n, fp);
		used += w;
		s += n;
	}
	for (; used < width; used++)
		fputc(' ', fp);
}

void
print_message_line(FILE *fp, const struct store_message *m)
{
	char when[PRINT_TIME_MAX];

	fprintf(fp, "%s %s ", print_time(m->created_at, when),
	    m->dir == MSG_OUT ? ">" : "<");
	print_text(fp, m->body, 0, "                   ");
	if (m->dir == MSG_OUT) {
		fprintf(fp, "  [%s", msg_state_label(m->state));
		if (m->author != NULL) {
			fputs(", ", fp);
			print_text(fp, m->author, 40, NULL);
		}
		if (m->error_text != NULL &&
		    (m->state == MSG_FAILED || m->state == MSG_UNDELIVERED ||
		    m->state == MSG_QUEUED)) {
			fputs(": ", fp);
			print_text(fp, m->error_text, 200, NULL);
		}
		fputc(']', fp);
	}
	fputc('\n', fp);
}

json_t *
print_json_time(int64_t t)
{
	char buf[PRINT_TIME_MAX];
	struct tm tm;
	time_t tt = (time_t)t;

	if (t == 0 || gmtime_r(&tt, &tm) == NULL ||
	    strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		return json_null();
	return json_string(buf);
}

/* A JSON string, or null for NULL. */
static json_t *
str_or_null(const char *s)
{
	json_t *j;

	if (s == NULL)
		return json_null();
	/* Bodies were checked on the way in; a stray invalid byte becomes
	 * null rather than a failed dump. */
	return (j = json_string(s)) != NULL ? j : json_null();
}

json_t *
print_json_message(const struct store_message *m)
{
	return json_pack("{s:I, s:I, s:o, s:s, s:s, s:o, s:o, s:i, s:o,"
	    " s:o, s:o, s:o, s:i, s:o, s:b, s:i, s:o, s:o, s:o, s:o, s:o,"
	    " s:o, s:o}",
	    "id", (json_int_t)m->id,
	    "thread_id", (json_int_t)m->thread_id,
	    "peer", str_or_null(m->peer),
	    "direction", m->dir == MSG_OUT ? "out" : "in",
	    "state", msg_state_name(m->state),
	    "text", str_or_null(m->body),
	    "encoding", str_or_null(m->encoding),
	    "segments", m->segments,
	    "author", str_or_null(m->author),
	    "backend", str_or_null(m->backend),
	    "route", str_or_null(m->route),
	    "remote_ref", str_or_null(m->remote_ref),
	    "error_code", m->error_code,
	    "error_text", str_or_null(m->error_text),
	    "report", m->report,
	    "attempts", m->attempts,
	    "created_at", print_json_time(m->created_at),
	    "remote_at", print_json_time(m->remote_at),
	    "not_before", print_json_time(m->not_before),
	    "submitted_at", print_json_time(m->submitted_at),
	    "sent_at", print_json_time(m->sent_at),
	    "delivered_at", print_json_time(m->delivered_at),
	    "read_at", print_json_time(m->read_at));
}

json_t *
print_json_thread(const struct store_thread *t)
{
	return json_pack("{s:I, s:o, s:o, s:o, s:o, s:b, s:i, s:b, s:o,"
	    " s:o, s:I, s:I, s:o, s:s, s:s}",
	    "id", (json_int_t)t->id,
	    "peer", str_or_null(t->peer),
	    "peer_raw", str_or_null(t->peer_raw),
	    "contact_id", t->contact_id ? json_integer(t->contact_id) :
	    json_null(),
	    "contact", str_or_null(t->contact_name),
	    "opted_out", t->opted_out,
	    "unread", t->unread,
	    "archived", t->archived,
	    "assigned", str_or_null(t->assigned),
	    "last_activity", print_json_time(t->last_activity),
	    "last_activity_unix", (json_int_t)t->last_activity,
	    "last_message_id", (json_int_t)t->last_message_id,
	    "last_text", str_or_null(t->last_body),
	    "last_direction", t->last_dir == MSG_OUT ? "out" : "in",
	    "last_state", msg_state_name(t->last_state));
}

/* A JSON array of the strings in v. */
static json_t *
strv_json(const struct store_strv *v)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a != NULL && i < v->n; i++)
		json_array_append_new(a, str_or_null(v->v[i]));
	return a;
}

json_t *
print_json_contact(const struct store_contact *c)
{
	return json_pack("{s:I, s:o, s:o, s:o, s:o, s:b, s:o, s:o, s:o}",
	    "id", (json_int_t)c->id,
	    "name", str_or_null(c->name),
	    "numbers", strv_json(&c->numbers),
	    "tags", strv_json(&c->tags),
	    "notes", str_or_null(c->notes),
	    "opted_out", c->opted_out,
	    "opted_out_at", print_json_time(c->opted_out_at),
	    "created_at", print_json_time(c->created_at),
	    "updated_at", print_json_time(c->updated_at));
}

int
print_json(json_t *j)
{
	int rc = 0;

	if (j == NULL)
		return SMS_EXIT_SOFTWARE;
	if (json_dumpf(j, stdout, JSON_INDENT(2)) < 0)
		rc = SMS_EXIT_IOERR;
	fputc('\n', stdout);
	json_decref(j);
	if (fflush(stdout) != 0)
		rc = SMS_EXIT_IOERR;
	return rc;
}
