/*
 * sms-send: send an SMS from scripts (`sms-send [OPTION]... RECIPIENT...
 * [-- TEXT]`, or `sms-send --csv FILE --template TEXT`).  Every recipient
 * and text is checked before anything is queued; then the messages are
 * queued in the store in one transaction.  A running engine is woken over
 * its socket, else this process runs the engine until its messages are
 * submitted (with --wait: delivered or failed).  Exit codes are an API:
 * see sms-send(1).
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <uv.h>

#include "cli/send-recipient.h"
#include "cli/send-when.h"
#include "codec/segment.h"
#include "engine/engine.h"
#include "engine/ipc.h"
#include "engine/lock.h"
#include "engine/template.h"
#include "store/contact.h"
#include "store/message.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/conf.h"
#include "util/csv.h"
#include "util/err.h"
#include "util/i18n.h"
#include "util/log.h"
#include "util/utf8.h"
#include "util/xalloc.h"

/* Most bytes of text read from standard input or the arguments. */
#define SEND_TEXT_MAX (1024 * 1024)
/* Largest --csv file, and longest field in it. */
#define SEND_CSV_MAX (64 * 1024 * 1024)
#define SEND_CSV_FIELD_MAX (64 * 1024)
/* Without --wait: how long to ride through transient errors. */
#define SEND_SUBMIT_TIMEOUT 120
#define SEND_WAIT_DEFAULT 300
#define SEND_POLL_MS 100
/* Width of the progress bar's bar. */
#define SEND_BAR_WIDTH 30

/* One message to one recipient. */
struct item {
	char number[PHONE_MAX];
	char *name;		/* contact's name or NULL; owned */
	char *text;		/* what is sent (after --smart-encoding) */
	unsigned line;		/* CSV line, 0 for arguments */
	char *problem;		/* why it cannot be sent, or NULL */
	int problem_exit;	/* 65, or 77 when opted out */
	bool skipped_optout;	/* an @tag member that opted out */
	struct segment_info si;
	struct segment_replacement *repl;
	size_t nrepl;
	int64_t id;		/* once queued */
	enum msg_state state;	/* last seen */
};

struct send {
	const char *progname;
	struct conf *cfg;
	struct store *st;
	char *store_path;
	uv_loop_t *loop;
	uv_timer_t poll;
	struct engine *e;
	bool engine_running;	/* ours, in this process */
	bool stopping;
	bool wait;
	bool json;
	bool progress;		/* draw a bar on stderr */
	bool bulk;		/* several messages: summary at the end */
	int timeout;		/* seconds */
	uint64_t deadline;	/* loop ms */
	unsigned flags;		/* SEGMENT_* */
	long max_segments;
	struct item *items;
	size_t n, cap;
	bool timed_out;
};

static void
usage(void)
{
	fputs(_("Usage: sms-send [OPTION]... RECIPIENT... [-- TEXT]\n"
	    "  or:  sms-send [OPTION]... --csv=FILE --template=TEXT\n"
	    "Send an SMS to each RECIPIENT (a number, a contact name or "
	    "@tag).\nWithout TEXT, the message is read from standard input.\n\n"),
	    stdout);
	fputs(_("Options:\n"
	    "  -f, --from=SENDER     send from this number or sender name\n"
	    "  -b, --backend=NAME    send through backend NAME only\n"
	    "  -s, --schedule=TIME   send at TIME (ISO 8601, or +10m, +2h, "
	    "+1d)\n"
	    "  -r, --report          ask for a delivery report\n"
	    "  -w, --wait[=SECONDS]  wait until delivered or failed (default "
	    "300 s)\n"
	    "  -j, --json            print one JSON object per recipient\n"
	    "  -n, --dry-run         show encoding, segments and recipients; "
	    "queue nothing\n"
	    "      --smart-encoding  replace look-alike characters to stay "
	    "in GSM-7\n"
	    "      --ucs2            always send as UCS-2\n"), stdout);
	fputs(_("  -C, --csv=FILE        one message per row of FILE "
	    "(- for standard input)\n"
	    "  -t, --template=TEXT   the text for --csv, with {column} "
	    "placeholders\n"
	    "      --skip-invalid    with --csv, send the valid rows even "
	    "if some are not\n"
	    "  -c, --config=FILE     read the configuration from FILE\n"
	    "  -v, --verbose         log more (repeat for debug output)\n"
	    "  -h, --help            display this help and exit\n"
	    "  -V, --version         output version information and exit\n"),
	    stdout);
	fputs(_("\nExit status: 0 sent, 64 usage, 65 bad number or text, "
	    "69 no backend can send,\n75 temporary failure, 77 recipient opted "
	    "out, 78 configuration error.\nSee sms-send(1).\n"), stdout);
	printf(_("Report bugs to: %s\n"), PACKAGE_BUGREPORT);
}

static int
usage_error(const char *msg)
{
	fprintf(stderr, "sms-send: %s\n", msg);
	fputs(_("Try 'sms-send --help' for more information.\n"), stderr);
	return SMS_EXIT_USAGE;
}

/* Read all of f, at most max bytes.  SMS_ETOOBIG as soon as there are
 * more: a stream that never ends is not read forever. */
static int
read_all(FILE *f, struct buf *b)
{
	char chunk[4096];
	size_t n;

	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		if (buf_append(b, chunk, n) < 0)
			return SMS_ETOOBIG;
	if (ferror(f))
		return SMS_EIO;
	return 0;
}

static struct item *
item_add(struct send *s, const char *number, const char *name,
    unsigned line)
{
	struct item *it;

	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 16;
		s->items = xrealloc(s->items, s->cap * sizeof *s->items);
	}
	it = &s->items[s->n++];
	memset(it, 0, sizeof *it);
	snprintf(it->number, sizeof it->number, "%s", number);
	it->name = name != NULL ? xstrdup(name) : NULL;
	it->line = line;
	return it;
}

static void
item_problem(struct item *it, int code, const char *sentence)
{
	if (it->problem != NULL)
		return;
	it->problem = xstrdup(sentence);
	it->problem_exit = code;
}

static void
items_free(struct send *s)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		free(s->items[i].name);
		free(s->items[i].text);
		free(s->items[i].problem);
		free(s->items[i].repl);
	}
	free(s->items);
}

/*
 * The text of it: checked (UTF-8, not empty), look-alikes replaced with
 * --smart-encoding, and its encoding and segments worked out against the
 * configured cap.  A problem is recorded on it.
 */
static void
item_text(struct send *s, struct item *it, const char *raw, size_t len)
{
	struct sms_err err;
	char msg[SMS_ERR_MSG_MAX];

	sms_err_clear(&err);
	if (!utf8_validate(raw, len, NULL) || memchr(raw, '\0', len) != NULL) {
		item_problem(it, SMS_EXIT_DATAERR, _("the text is not valid "
		    "UTF-8"));
		return;
	}
	if (len == 0) {
		item_problem(it, SMS_EXIT_DATAERR, _("the text is empty"));
		return;
	}
	if (s->flags & SEGMENT_SMART) {
		if (segment_smart(raw, len, &it->text, &it->repl, &it->nrepl,
		    &err) < 0) {
			item_problem(it, SMS_EXIT_DATAERR, err.msg);
			return;
		}
	} else
		it->text = xstrndup(raw, len);
	if (segment_calc(it->text, strlen(it->text), s->flags & SEGMENT_UCS2,
	    &it->si, &err) < 0) {
		item_problem(it, SMS_EXIT_DATAERR, err.msg);
		return;
	}
	if (it->si.too_long || (long)it->si.segments > s->max_segments) {
		snprintf(msg, sizeof msg, _("the text needs %zu segments; at "
		    "most %ld are allowed ([outbox] max_segments): shorten "
		    "it"), it->si.segments, s->max_segments);
		item_problem(it, SMS_EXIT_DATAERR, msg);
	}
}

/* ---- recipients given as arguments ---- */

static int
resolve_args(struct send *s, char **args, size_t nargs, const char *text,
    size_t len)
{
	struct send_targets t;
	struct sms_err err;
	int code = 0, rc;
	size_t i;

	memset(&t, 0, sizeof t);
	for (i = 0; i < nargs; i++) {
		sms_err_clear(&err);
		if ((rc = send_resolve(s->st, args[i], true, &t, &err)) < 0) {
			fprintf(stderr, "sms-send: %s\n", err.msg);
			if (code == 0 || rc != SMS_EDATA)
				code = rc == SMS_EDATA ? SMS_EXIT_DATAERR :
				    sms_rc_exit(rc);
		}
	}
	for (i = 0; code == 0 && i < t.n; i++) {
		struct item *it = item_add(s, t.v[i].number, t.v[i].name, 0);

		if (t.v[i].opted_out && t.v[i].from_group) {
			it->skipped_optout = true;
			fprintf(stderr, _("sms-send: %s%s%s%s: opted out; "
			    "skipped\n"), it->number, it->name ? " (" : "",
			    it->name ? it->name : "", it->name ? ")" : "");
		} else if (t.v[i].opted_out) {
			fprintf(stderr, _("sms-send: %s%s%s%s opted out (sent "
			    "STOP); nothing was sent to anyone\n"),
			    it->number, it->name ? " (" : "",
			    it->name ? it->name : "", it->name ? ")" : "");
			code = SMS_EXIT_NOPERM;
		} else
			item_text(s, it, text, len);
	}
	send_targets_fini(&t);
	if (code != 0)
		return code;
	for (i = 0; i < s->n; i++)
		if (!s->items[i].skipped_optout)
			break;
	if (i == s->n) {
		fprintf(stderr, _("sms-send: every recipient opted out; "
		    "nothing was sent\n"));
		return SMS_EXIT_NOPERM;
	}
	/* The text is the same for all: one complaint is enough. */
	for (i = 0; i < s->n; i++)
		if (s->items[i].problem != NULL) {
			fprintf(stderr, "sms-send: %s\n", s->items[i].problem);
			return s->items[i].problem_exit;
		}
	return 0;
}

/* ---- --csv rows ---- */

/* Placeholders a CSV template may use besides the columns. */
static const char *const contact_fields[] = { "name", "first_name",
    "number", NULL };

struct row_vars {
	const struct csv_row *hdr;
	const struct csv_row *row;	/* NULL: checking the template */
	const char *number;
	const char *name;		/* contact's, or NULL */
	char first[256];
	char missing[128];		/* first placeholder without value */
	char unknown[128];		/* first unknown placeholder */
};

static bool
named(const char *want, const char *name, size_t len)
{
	return strlen(want) == len && strncasecmp(want, name, len) == 0;
}

static const char *
contact_value(struct row_vars *v, const char *name, size_t len)
{
	const char *sp;

	if (named("number", name, len))
		return v->number;
	if (v->name == NULL)
		return NULL;
	if (named("name", name, len))
		return v->name;
	if (named("first_name", name, len)) {
		sp = strchr(v->name, ' ');
		snprintf(v->first, sizeof v->first, "%.*s",
		    sp ? (int)(sp - v->name) : (int)strlen(v->name), v->name);
		return v->first;
	}
	return NULL;
}

static const char *
row_lookup(void *data, const char *name, size_t len)
{
	struct row_vars *v = data;
	const char *val = NULL;
	bool known = false;
	size_t i;

	for (i = 0; i < v->hdr->n && !known; i++)
		if (named(csv_get(v->hdr, i), name, len)) {
			known = true;
			if (v->row != NULL)
				val = csv_get(v->row, i);
		}
	for (i = 0; contact_fields[i] != NULL && !known; i++)
		if (named(contact_fields[i], name, len))
			known = true;
	if (!known) {
		if (v->unknown[0] == '\0')
			snprintf(v->unknown, sizeof v->unknown, "%.*s",
			    (int)len, name);
		return NULL;
	}
	if (v->row == NULL)
		return "";
	if (val == NULL || *val == '\0')
		val = contact_value(v, name, len);
	if (val == NULL || *val == '\0') {
		if (v->missing[0] == '\0')
			snprintf(v->missing, sizeof v->missing, "%.*s",
			    (int)len, name);
		return "";
	}
	return val;
}

static int
csv_problem(const char *file, unsigned line, const char *sentence)
{
	fprintf(stderr, "sms-send: %s:%u: %s\n", file, line, sentence);
	return SMS_EXIT_DATAERR;
}

/* Read the CSV file: an item per row, problems recorded on them. */
static int
load_csv(struct send *s, const char *file, const char *tpl)
{
	static const char *const number_cols[] = { "number", "phone",
	    "mobile", "to", "recipient", "tel", "telephone", NULL };
	struct csv_reader rd;
	struct csv_row *hdr = NULL, *row = NULL;
	struct row_vars v;
	struct sms_err err;
	struct buf data, text;
	FILE *f = stdin;
	int code = 0, rc, cnum;
	char msg[SMS_ERR_MSG_MAX];

	buf_init(&data, SEND_CSV_MAX);
	buf_init(&text, SEND_TEXT_MAX);
	sms_err_clear(&err);
	if (strcmp(file, "-") != 0 && (f = fopen(file, "rb")) == NULL) {
		fprintf(stderr, _("sms-send: cannot open %s: %s\n"), file,
		    strerror(errno));
		code = SMS_EXIT_NOINPUT;
		goto out;
	}
	rc = read_all(f, &data);
	if (f != stdin)
		fclose(f);
	if (rc == SMS_ETOOBIG) {
		fprintf(stderr, _("sms-send: %s is larger than %d MiB\n"),
		    file, SEND_CSV_MAX / (1024 * 1024));
		code = SMS_EXIT_DATAERR;
		goto out;
	} else if (rc < 0) {
		fprintf(stderr, _("sms-send: cannot read %s\n"), file);
		code = SMS_EXIT_IOERR;
		goto out;
	}
	hdr = xcalloc(1, sizeof *hdr);
	row = xcalloc(1, sizeof *row);
	csv_row_init(hdr, SEND_CSV_FIELD_MAX);
	csv_row_init(row, SEND_CSV_FIELD_MAX);
	csv_reader_init(&rd, data.data != NULL ? data.data : "", data.len);
	if ((rc = csv_read(&rd, hdr, &err)) <= 0) {
		code = csv_problem(file, 1, rc < 0 ? err.msg : _("the file is "
		    "empty; it needs a header row naming the columns"));
		goto out;
	}
	if ((cnum = csv_column(hdr, number_cols)) < 0) {
		code = csv_problem(file, hdr->line, _("no column for the "
		    "recipient: name one of the header's columns number, "
		    "phone, mobile or to"));
		goto out;
	}
	/* The template against the header: unknown placeholders. */
	memset(&v, 0, sizeof v);
	v.hdr = hdr;
	if (template_expand(&text, tpl, row_lookup, &v, &err) < 0) {
		if (v.unknown[0] != '\0') {
			struct buf cols;
			size_t i;

			buf_init(&cols, 4096);
			for (i = 0; i < hdr->n; i++)
				buf_printf(&cols, "%s{%s}", i ? ", " : "",
				    csv_get(hdr, i));
			snprintf(msg, sizeof msg, _("the template's "
			    "placeholder {%s} is not a column of this file "
			    "(it has %s; contacts give {name}, {first_name} "
			    "and {number})"), v.unknown,
			    cols.data ? cols.data : "");
			buf_fini(&cols);
			code = csv_problem(file, hdr->line, msg);
		} else {
			fprintf(stderr, "sms-send: --template: %s\n", err.msg);
			code = SMS_EXIT_DATAERR;
		}
		goto out;
	}
	for (;;) {
		struct send_targets t;
		struct item *it;
		const char *to;

		sms_err_clear(&err);
		rc = csv_read(&rd, row, &err);
		if (rc == 0)
			break;
		if (rc < 0) {
			it = item_add(s, "", NULL, row->line);
			item_problem(it, SMS_EXIT_DATAERR, err.msg);
			break;
		}
		to = csv_get(row, (size_t)cnum);
		it = item_add(s, to, NULL, row->line);
		if (row->problem == CSV_ROW_TOO_LONG) {
			item_problem(it, SMS_EXIT_DATAERR, _("a field is too "
			    "long"));
			continue;
		}
		if (row->problem == CSV_ROW_AFTER_QUOTE) {
			item_problem(it, SMS_EXIT_DATAERR, _("text after a "
			    "closing quote"));
			continue;
		}
		if (*to == '\0') {
			item_problem(it, SMS_EXIT_DATAERR, _("no recipient in "
			    "this row"));
			continue;
		}
		memset(&t, 0, sizeof t);
		if ((rc = send_resolve(s->st, to, false, &t, &err)) < 0) {
			item_problem(it, rc == SMS_EDATA ? SMS_EXIT_DATAERR :
			    sms_rc_exit(rc), err.msg);
			send_targets_fini(&t);
			continue;
		}
		snprintf(it->number, sizeof it->number, "%s",
		    t.v[0].number);
		if (t.v[0].name != NULL)
			it->name = xstrdup(t.v[0].name);
		if (t.v[0].opted_out)
			item_problem(it, SMS_EXIT_NOPERM, _("the recipient "
			    "opted out (sent STOP)"));
		send_targets_fini(&t);
		if (it->problem != NULL)
			continue;
		memset(&v, 0, sizeof v);
		v.hdr = hdr;
		v.row = row;
		v.number = it->number;
		v.name = it->name;
		buf_reset(&text);
		if (template_expand(&text, tpl, row_lookup, &v, &err) < 0) {
			item_problem(it, SMS_EXIT_DATAERR, err.msg);
			continue;
		}
		if (v.missing[0] != '\0') {
			snprintf(msg, sizeof msg, _("no value for {%s}"),
			    v.missing);
			item_problem(it, SMS_EXIT_DATAERR, msg);
			continue;
		}
		item_text(s, it, text.data != NULL ? text.data : "",
		    text.len);
	}
out:
	if (hdr != NULL)
		csv_row_fini(hdr);
	if (row != NULL)
		csv_row_fini(row);
	free(hdr);
	free(row);
	buf_fini(&text);
	buf_fini(&data);
	return code;
}

/* List the rows' problems; the exit status when they stop the send. */
static int
csv_verdict(struct send *s, const char *file, bool skip_invalid)
{
	size_t i, bad = 0;
	int code = 0;

	for (i = 0; i < s->n; i++) {
		struct item *it = &s->items[i];

		if (it->problem == NULL)
			continue;
		bad++;
		fprintf(stderr, "sms-send: %s:%u: %s%s%s\n", file, it->line,
		    it->number[0] ? it->number : "", it->number[0] ? ": " : "",
		    it->problem);
		if (code == 0 || it->problem_exit == SMS_EXIT_DATAERR)
			code = it->problem_exit;
	}
	if (s->n == 0) {
		fprintf(stderr, _("sms-send: %s has no rows below its "
		    "header\n"), file);
		return SMS_EXIT_DATAERR;
	}
	if (bad == 0)
		return 0;
	if (!skip_invalid) {
		fprintf(stderr, P_("sms-send: %zu of %zu rows has a problem; "
		    "nothing was sent (fix it, or give --skip-invalid to send "
		    "the other rows)\n", "sms-send: %zu of %zu rows have "
		    "problems; nothing was sent (fix them, or give "
		    "--skip-invalid to send the other rows)\n", bad), bad,
		    s->n);
		return code;
	}
	if (bad == s->n) {
		fprintf(stderr, _("sms-send: no row of %s can be sent\n"),
		    file);
		return code;
	}
	return 0;
}

/* ---- --dry-run ---- */

static json_t *
item_json_base(const struct item *it)
{
	json_t *o = json_object();

	if (it->line > 0)
		json_object_set_new(o, "line", json_integer(it->line));
	json_object_set_new(o, "to", json_string(it->number));
	if (it->name != NULL)
		json_object_set_new(o, "name", json_string(it->name));
	return o;
}

static void
print_json(json_t *o)
{
	char *line = json_dumps(o, JSON_COMPACT);

	if (line != NULL)
		puts(line);
	free(line);
	json_decref(o);
}

/* "ő" (U+0151) for a code point. */
static void
describe_cp(struct buf *b, uint32_t cp)
{
	char u[UTF8_MAX];
	size_t n;

	if (cp < 0x20 || cp == 0x7f)
		buf_printf(b, "U+%04X", (unsigned)cp);
	else {
		n = utf8_encode(cp, u);
		buf_printf(b, "\"%.*s\" (U+%04X)", (int)n, u, (unsigned)cp);
	}
}

/* "U+201C “ -> \"" for a replacement. */
static void
describe_repl(struct buf *b, const struct segment_replacement *r)
{
	char u[UTF8_MAX];
	size_t n = utf8_encode(r->cp, u);

	buf_printf(b, "U+%04X %.*s -> %s", (unsigned)r->cp, (int)n, u,
	    *r->with != '\0' ? r->with : _("(removed)"));
}

static void
dry_run_item(struct send *s, const struct item *it)
{
	const struct segment_info *si = &it->si;
	struct buf b, safe;
	size_t i;

	if (it->problem != NULL && !s->json)
		return;		/* already listed */
	if (s->json) {
		json_t *o = item_json_base(it), *arr;

		json_object_set_new(o, "state", json_string(it->problem ?
		    "invalid" : it->skipped_optout ? "opted-out" : "dry-run"));
		if (it->problem != NULL)
			json_object_set_new(o, "error",
			    json_string(it->problem));
		if (it->text != NULL && it->problem == NULL) {
			json_object_set_new(o, "segments",
			    json_integer((json_int_t)si->segments));
			json_object_set_new(o, "encoding",
			    json_string(sms_encoding_name(si->encoding)));
			arr = json_array();
			for (i = 0; i < si->nforcing && i <
			    SEGMENT_FORCING_MAX; i++) {
				char u[UTF8_MAX];
				size_t n = utf8_encode(si->forcing[i].cp, u);

				json_array_append_new(arr,
				    json_stringn(u, n));
			}
			json_object_set_new(o, "ucs2_because", arr);
			json_object_set_new(o, "replaced",
			    json_integer((json_int_t)it->nrepl));
			json_object_set_new(o, "text", json_string(it->text));
		}
		print_json(o);
		return;
	}
	buf_init(&b, 4096);
	buf_init(&safe, SEND_TEXT_MAX * 2);
	if (it->line > 0)
		printf(_("line %u: "), it->line);
	printf("%s", it->number);
	if (it->name != NULL)
		printf(" (%s)", it->name);
	if (it->skipped_optout) {
		printf(_(": opted out, would be skipped\n"));
		goto out;
	}
	printf(P_(": %s, %zu segment, %zu of %zu units used in the last "
	    "segment\n",
	    ": %s, %zu segments, %zu of %zu units used in the last segment\n",
	    si->segments), si->encoding == SMS_ENC_UCS2 ? "UCS-2" : "GSM-7",
	    si->segments, si->used, si->per_segment);
	if (si->nforcing > 0) {
		for (i = 0; i < si->nforcing && i < SEGMENT_FORCING_MAX; i++) {
			if (i > 0)
				buf_append_str(&b, ", ");
			describe_cp(&b, si->forcing[i].cp);
		}
		printf(_("  UCS-2 because of: %s%s\n"), b.data,
		    si->nforcing > SEGMENT_FORCING_MAX ? ", ..." : "");
	}
	if (it->nrepl > 0) {
		buf_reset(&b);
		for (i = 0; i < it->nrepl; i++) {
			if (i > 0)
				buf_append_str(&b, ", ");
			describe_repl(&b, &it->repl[i]);
		}
		printf(_("  replaced: %s\n"), b.data);
	}
	utf8_sanitize(&safe, it->text, strlen(it->text));
	printf("  | ");
	for (i = 0; i < safe.len; i++) {
		putchar(safe.data[i]);
		if (safe.data[i] == '\n')
			printf("  | ");
	}
	putchar('\n');
out:
	buf_fini(&safe);
	buf_fini(&b);
}

static void
dry_run(struct send *s)
{
	size_t i, msgs = 0, segs = 0;

	for (i = 0; i < s->n; i++) {
		dry_run_item(s, &s->items[i]);
		if (s->items[i].problem == NULL &&
		    !s->items[i].skipped_optout) {
			msgs++;
			segs += s->items[i].si.segments;
		}
	}
	if (s->json)
		return;
	printf(P_("%zu message", "%zu messages", msgs), msgs);
	printf(P_(", %zu segment", ", %zu segments", segs), segs);
	printf(_("; nothing was queued (--dry-run).\n"));
}

/* --smart-encoding's replacements, once per character, on stderr. */
static void
report_replacements(struct send *s)
{
	uint32_t seen[64];
	size_t nseen = 0, i, k, total = 0;
	struct buf b;

	buf_init(&b, 4096);
	for (i = 0; i < s->n; i++)
		for (k = 0; k < s->items[i].nrepl; k++) {
			const struct segment_replacement *r =
			    &s->items[i].repl[k];
			size_t j;

			total++;
			for (j = 0; j < nseen && seen[j] != r->cp; j++)
				;
			if (j < nseen || nseen == 64)
				continue;
			seen[nseen++] = r->cp;
			if (b.len > 0)
				buf_append_str(&b, ", ");
			describe_repl(&b, r);
		}
	if (total > 0)
		fprintf(stderr, P_("sms-send: --smart-encoding replaced %zu "
		    "character to stay in GSM-7: %s\n", "sms-send: "
		    "--smart-encoding replaced %zu characters to stay in "
		    "GSM-7: %s\n", total), total, b.data);
	buf_fini(&b);
}

/* ---- queueing and waiting ---- */

static bool
queued(const struct item *it)
{
	return it->id > 0;
}

/* Whether every message is where this run may stop: final, or with
 * wait false at least submitted. */
static bool
settled(struct send *s, size_t *done_count)
{
	size_t i;
	bool done = true;

	*done_count = 0;
	for (i = 0; i < s->n; i++) {
		struct item *it = &s->items[i];
		struct store_message m;

		if (!queued(it))
			continue;
		if (store_message_get(s->st, it->id, &m, NULL) < 0) {
			done = false;
			continue;
		}
		it->state = m.state;
		store_message_fini(&m);
		if (it->state == MSG_FAILED || it->state == MSG_UNDELIVERED ||
		    it->state == MSG_CANCELLED || (s->wait ?
		    it->state == MSG_DELIVERED : it->state >= MSG_SUBMITTED))
			(*done_count)++;
		else
			done = false;
	}
	return done;
}

static size_t
count_queued(const struct send *s)
{
	size_t i, n = 0;

	for (i = 0; i < s->n; i++)
		if (queued(&s->items[i]))
			n++;
	return n;
}

static void
draw_progress(struct send *s, size_t done, bool last)
{
	size_t total = count_queued(s), fill;
	char bar[SEND_BAR_WIDTH + 1];

	if (!s->progress || total == 0)
		return;
	fill = done * SEND_BAR_WIDTH / total;
	memset(bar, '#', fill);
	memset(bar + fill, '-', SEND_BAR_WIDTH - fill);
	bar[SEND_BAR_WIDTH] = '\0';
	fprintf(stderr, "\r[%s] %zu/%zu %s", bar, done, total,
	    s->wait ? _("settled") : _("sent"));
	if (last)
		fputc('\n', stderr);
	fflush(stderr);
}

static void
engine_stopped(struct engine *e, void *data)
{
	struct send *s = data;

	(void)e;
	uv_close((uv_handle_t *)&s->poll, NULL);
}

static void
finish(struct send *s)
{
	if (s->stopping)
		return;
	s->stopping = true;
	uv_timer_stop(&s->poll);
	if (s->engine_running)
		engine_stop(s->e, engine_stopped, s);
	else
		uv_close((uv_handle_t *)&s->poll, NULL);
}

/* Poke the engine that runs elsewhere.  Returns whether one answered. */
static bool
wake(struct send *s)
{
	struct sms_err err;
	json_t *req, *reply = NULL;
	char *sock;
	bool ok;

	if ((sock = ipc_socket_path(s->store_path)) == NULL)
		return false;
	req = json_pack("{s:s}", "cmd", "wake");
	ok = ipc_call(sock, req, &reply, 2000, &err) >= 0;
	if (!ok)
		log_debug("cannot wake the engine: %s", err.msg);
	json_decref(reply);
	json_decref(req);
	free(sock);
	return ok;
}

/* Become the engine if nobody runs it; else poke the one that does. */
static void
engine_or_wake(struct send *s)
{
	struct sms_err err;
	pid_t pid;

	if (s->engine_running)
		return;
	if (lock_holder(s->store_path, &pid) == 0) {
		sms_err_clear(&err);
		if (engine_new(&s->e, s->loop, s->cfg, &err) == 0) {
			if (engine_start(s->e, true, &err) == 0) {
				s->engine_running = true;
				log_info("running the engine in this process");
				return;
			}
			log_warn("%s", err.msg);
			engine_stop(s->e, NULL, NULL);
			uv_run(s->loop, UV_RUN_NOWAIT);
			engine_free(s->e);
			s->e = NULL;
		} else if (err.code != SMS_EBUSY)
			log_warn("%s", err.msg);
	}
	wake(s);
}

static void
on_poll(uv_timer_t *t)
{
	struct send *s = t->data;
	size_t done;

	if (settled(s, &done)) {
		draw_progress(s, done, true);
		finish(s);
		return;
	}
	draw_progress(s, done, false);
	if (uv_now(s->loop) >= s->deadline) {
		if (s->progress)
			fputc('\n', stderr);
		s->timed_out = true;
		finish(s);
		return;
	}
	/* The engine we woke may have gone: take over. */
	if (!s->engine_running && (uv_now(s->loop) / SEND_POLL_MS) % 20 == 0)
		engine_or_wake(s);
}

/* Queue every valid item in one transaction: all or nothing. */
static int
queue_all(struct send *s, const char *backend, const char *from,
    int64_t not_before, bool report_dlr)
{
	struct sms_err err;
	size_t i;
	int rc;

	sms_err_clear(&err);
	if (store_tx_begin(s->st, &err) < 0) {
		fprintf(stderr, "sms-send: %s\n", err.msg);
		return sms_rc_exit(err.code);
	}
	for (i = 0; i < s->n; i++) {
		struct item *it = &s->items[i];
		struct store_outgoing o;

		if (it->problem != NULL || it->skipped_optout)
			continue;
		memset(&o, 0, sizeof o);
		o.to = it->number;
		o.body = it->text;
		o.author = "sms-send";
		o.route = backend;
		o.from = from;
		o.not_before = not_before;
		o.report = report_dlr || s->wait;
		o.segments = (int)it->si.segments;
		o.encoding = sms_encoding_name(it->si.encoding);
		if ((rc = store_message_queue(s->st, &o, &it->id,
		    &err)) < 0) {
			store_tx_rollback(s->st);
			fprintf(stderr, "sms-send: %s: %s\n", it->number,
			    err.msg);
			for (i = 0; i < s->n; i++)
				s->items[i].id = 0;
			return rc == SMS_EDATA ? SMS_EXIT_DATAERR :
			    rc == SMS_EOPTOUT ? SMS_EXIT_NOPERM :
			    sms_rc_exit(rc);
		}
		it->state = MSG_QUEUED;
	}
	if (store_tx_commit(s->st, &err) < 0) {
		fprintf(stderr, "sms-send: %s\n", err.msg);
		return sms_rc_exit(err.code);
	}
	return 0;
}

/* Report each message; the exit status. */
static int
report(struct send *s, int64_t not_before)
{
	size_t i, sent = 0, failed = 0, late = 0, skipped = 0;
	int code = 0;

	for (i = 0; i < s->n; i++) {
		struct item *it = &s->items[i];
		struct store_message m;
		int c = 0;

		if (!queued(it)) {
			skipped++;
			if (s->json) {
				json_t *o = item_json_base(it);

				json_object_set_new(o, "state",
				    json_string(it->skipped_optout ?
				    "opted-out" : "skipped"));
				json_object_set_new(o, "error",
				    json_string(it->problem ? it->problem :
				    _("the recipient opted out")));
				print_json(o);
			}
			continue;
		}
		if (store_message_get(s->st, it->id, &m, NULL) < 0)
			continue;
		if (m.state == MSG_FAILED || m.state == MSG_UNDELIVERED ||
		    m.state == MSG_CANCELLED)
			c = SMS_EXIT_UNAVAILABLE;
		else if (not_before > 0)
			c = 0;	/* scheduled: queued is the goal */
		else if (m.state == MSG_QUEUED || m.state == MSG_SENDING ||
		    (s->wait && m.state != MSG_DELIVERED)) {
			c = SMS_EXIT_TEMPFAIL;
			if (m.state == MSG_QUEUED &&
			    store_message_cancel(s->st, m.id, NULL) > 0)
				m.state = MSG_CANCELLED;
		}
		if (c == SMS_EXIT_UNAVAILABLE)
			failed++;
		else if (c == SMS_EXIT_TEMPFAIL)
			late++;
		else
			sent++;
		if (s->json) {
			json_t *o = json_pack("{s:I, s:s, s:s, s:i, s:s?, "
			    "s:s?, s:s?, s:s?}", "id", (json_int_t)m.id, "to",
			    m.peer, "state", msg_state_name(m.state),
			    "segments", m.segments, "encoding", m.encoding,
			    "backend", m.backend, "remote_ref", m.remote_ref,
			    "error", c != 0 ? (m.error_text ? m.error_text :
			    _("not sent in time")) : NULL);

			if (it->line > 0)
				json_object_set_new(o, "line",
				    json_integer(it->line));
			if (it->name != NULL)
				json_object_set_new(o, "name",
				    json_string(it->name));
			if (m.not_before > 0)
				json_object_set_new(o, "not_before",
				    json_integer(m.not_before));
			print_json(o);
		} else if (c == SMS_EXIT_UNAVAILABLE)
			fprintf(stderr, _("%s: %s: %s: %s\n"), s->progname,
			    m.peer, msg_state_label(m.state),
			    m.error_text ? m.error_text : "");
		else if (c == SMS_EXIT_TEMPFAIL)
			fprintf(stderr, _("%s: %s: not %s within %d s%s%s "
			    "(now %s); try again later\n"), s->progname,
			    m.peer, s->wait ? _("delivered") : _("sent"),
			    s->timeout, m.error_text ? ": " : "",
			    m.error_text ? m.error_text : "",
			    msg_state_label(m.state));
		if (c > code)
			code = c;
		store_message_fini(&m);
	}
	if (s->bulk) {
		if (not_before > 0)
			fprintf(stderr, P_("sms-send: %zu message scheduled",
			    "sms-send: %zu messages scheduled", sent), sent);
		else if (s->wait)
			fprintf(stderr, P_("sms-send: %zu message delivered",
			    "sms-send: %zu messages delivered", sent), sent);
		else
			fprintf(stderr, P_("sms-send: %zu message sent",
			    "sms-send: %zu messages sent", sent), sent);
		fprintf(stderr, _(", %zu failed, %zu not in time, %zu "
		    "skipped\n"), failed, late, skipped);
	}
	return code;
}

/* The text for recipients given as arguments: after "--", else stdin. */
static int
read_text(int argc, char **argv, int dashdash, struct buf *text)
{
	int i, rc = 0;

	if (dashdash < argc) {
		for (i = dashdash + 1; i < argc && rc == 0; i++)
			if ((i > dashdash + 1 &&
			    buf_append_char(text, ' ') < 0) ||
			    buf_append_str(text, argv[i]) < 0)
				rc = SMS_ETOOBIG;
	} else {
		if (isatty(STDIN_FILENO))
			fputs(_("sms-send: type the message, then Ctrl-D on a "
			    "line of its own\n"), stderr);
		rc = read_all(stdin, text);
		/* A trailing newline is the shell's, not the message's. */
		while (rc == 0 && text->len > 0 &&
		    (text->data[text->len - 1] == '\n' ||
		    text->data[text->len - 1] == '\r'))
			text->data[--text->len] = '\0';
	}
	if (rc == SMS_ETOOBIG) {
		fprintf(stderr, _("sms-send: the text is longer than 1 MiB; "
		    "an SMS cannot carry that much, so nothing was read "
		    "further and nothing was sent\n"));
		return SMS_EXIT_DATAERR;
	}
	if (rc < 0) {
		fprintf(stderr, _("sms-send: cannot read the text from "
		    "standard input\n"));
		return SMS_EXIT_IOERR;
	}
	if (text->len == 0) {
		fprintf(stderr, _("sms-send: the text is empty (give it after "
		    "\"--\" or on standard input)\n"));
		return SMS_EXIT_DATAERR;
	}
	if (!utf8_validate(text->data, text->len, NULL) ||
	    memchr(text->data, '\0', text->len) != NULL) {
		fprintf(stderr, _("sms-send: the text is not valid UTF-8\n"));
		return SMS_EXIT_DATAERR;
	}
	return 0;
}

enum {
	OPT_SMART = 256,
	OPT_UCS2,
	OPT_SKIP_INVALID,
};

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "from", required_argument, NULL, 'f' },
		{ "backend", required_argument, NULL, 'b' },
		{ "schedule", required_argument, NULL, 's' },
		{ "report", no_argument, NULL, 'r' },
		{ "wait", optional_argument, NULL, 'w' },
		{ "json", no_argument, NULL, 'j' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "smart-encoding", no_argument, NULL, OPT_SMART },
		{ "ucs2", no_argument, NULL, OPT_UCS2 },
		{ "csv", required_argument, NULL, 'C' },
		{ "template", required_argument, NULL, 't' },
		{ "skip-invalid", no_argument, NULL, OPT_SKIP_INVALID },
		{ "config", required_argument, NULL, 'c' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct send s;
	struct sms_err err;
	struct buf text;
	const char *conf_path = NULL, *backend = NULL, *from = NULL;
	const char *schedule = NULL, *csv = NULL, *tpl = NULL;
	bool report_dlr = false, dry = false, skip_invalid = false;
	int opt, verbose = 0, nopts, dashdash, code = 0;
	int64_t not_before = 0;
	size_t nb;
	char *end;

	i18n_init();
	memset(&s, 0, sizeof s);
	s.progname = "sms-send";
	buf_init(&text, SEND_TEXT_MAX);

	/* Options end at "--": what follows is the text, never options. */
	for (dashdash = 1; dashdash < argc; dashdash++)
		if (strcmp(argv[dashdash], "--") == 0)
			break;
	nopts = dashdash;
	while ((opt = getopt_long(nopts, argv, "f:b:s:rw::jnC:t:c:vhV",
	    longopts, NULL)) != -1) {
		switch (opt) {
		case 'f':
			from = optarg;
			break;
		case 'b':
			backend = optarg;
			break;
		case 's':
			schedule = optarg;
			break;
		case 'r':
			report_dlr = true;
			break;
		case 'w':
			s.wait = true;
			s.timeout = SEND_WAIT_DEFAULT;
			if (optarg != NULL) {
				long v = strtol(optarg, &end, 10);

				if (*optarg == '\0' || *end != '\0' || v < 1 ||
				    v > 86400)
					return usage_error(_("--wait takes "
					    "seconds, from 1 to 86400"));
				s.timeout = (int)v;
			}
			break;
		case 'j':
			s.json = true;
			break;
		case 'n':
			dry = true;
			break;
		case OPT_SMART:
			s.flags |= SEGMENT_SMART;
			break;
		case OPT_UCS2:
			s.flags |= SEGMENT_UCS2;
			break;
		case 'C':
			csv = optarg;
			break;
		case 't':
			tpl = optarg;
			break;
		case OPT_SKIP_INVALID:
			skip_invalid = true;
			break;
		case 'c':
			conf_path = optarg;
			break;
		case 'v':
			verbose++;
			break;
		case 'h':
			usage();
			return 0;
		case 'V':
			printf("sms-send (%s) %s\n", PACKAGE_NAME,
			    PACKAGE_VERSION);
			return 0;
		default:
			fputs(_("Try 'sms-send --help' for more information.\n"),
			    stderr);
			return SMS_EXIT_USAGE;
		}
	}
	log_to_stderr();
	log_set_level(verbose >= 2 ? LOG_LEVEL_DEBUG :
	    verbose == 1 ? LOG_LEVEL_INFO : LOG_LEVEL_WARN);
	if ((s.flags & SEGMENT_SMART) && (s.flags & SEGMENT_UCS2))
		return usage_error(_("--smart-encoding and --ucs2 exclude each "
		    "other"));
	if (schedule != NULL && s.wait)
		return usage_error(_("--wait cannot wait for a message "
		    "scheduled with --schedule"));
	if (csv != NULL) {
		if (tpl == NULL)
			return usage_error(_("--csv needs --template"));
		if (optind < nopts || dashdash < argc)
			return usage_error(_("with --csv, the recipients and "
			    "the text come from the file and --template"));
	} else {
		if (tpl != NULL)
			return usage_error(_("--template goes with --csv"));
		if (skip_invalid)
			return usage_error(_("--skip-invalid goes with --csv"));
		if (optind >= nopts)
			return usage_error(_("no recipient given"));
	}
	if (schedule != NULL) {
		sms_err_clear(&err);
		if (send_when_parse(schedule, (int64_t)time(NULL), &not_before,
		    &err) < 0)
			return usage_error(err.msg);
	}
	if (!s.wait)
		s.timeout = SEND_SUBMIT_TIMEOUT;

	sms_err_clear(&err);
	if (conf_load(&s.cfg, conf_path, &err) < 0) {
		fprintf(stderr, "sms-send: %s\n", err.msg);
		code = SMS_EXIT_CONFIG;
		goto out;
	}
	conf_backends(s.cfg, &nb);
	if (nb == 0 && !dry) {
		fprintf(stderr, _("sms-send: no backend is configured: add a "
		    "[backend.NAME] section to %s (see sms-inbox.conf(5))\n"),
		    conf_file(s.cfg) ? conf_file(s.cfg) :
		    _("the configuration file"));
		code = SMS_EXIT_UNAVAILABLE;
		goto out;
	}
	if (backend != NULL) {
		char section[256];

		snprintf(section, sizeof section, "backend.%s", backend);
		if (conf_get(s.cfg, section, "type") == NULL) {
			fprintf(stderr, _("sms-send: there is no backend "
			    "\"%s\" in the configuration\n"), backend);
			code = SMS_EXIT_USAGE;
			goto out;
		}
	}
	s.max_segments = conf_get_int(s.cfg, "outbox", "max_segments", 10);
	if (csv == NULL && (code = read_text(argc, argv, dashdash,
	    &text)) != 0)
		goto out;
	if (store_open_conf(&s.st, s.cfg, &err) < 0) {
		fprintf(stderr, "sms-send: %s\n", err.msg);
		code = sms_rc_exit(err.code);
		goto out;
	}
	{
		char *p = conf_store_path(s.cfg);

		s.store_path = xstrdup(p != NULL ? p : "");
		free(p);
	}
	if (csv != NULL) {
		if ((code = load_csv(&s, csv, tpl)) != 0)
			goto out;
		code = csv_verdict(&s, csv, skip_invalid);
		s.bulk = true;
	} else {
		code = resolve_args(&s, argv + optind, (size_t)(nopts - optind),
		    text.data, text.len);
		s.bulk = s.n > 1;
	}
	if (dry) {
		dry_run(&s);
		goto out;
	}
	if (code != 0)
		goto out;
	report_replacements(&s);
	if ((code = queue_all(&s, backend, from, not_before,
	    report_dlr)) != 0)
		goto out;

	signal(SIGPIPE, SIG_IGN);
	s.loop = uv_default_loop();
	if (not_before > 0) {
		/* Scheduled: the engine that runs then sends it. */
		pid_t pid;

		if (!wake(&s) && lock_holder(s.store_path, &pid) != 1)
			fprintf(stderr, _("sms-send: no engine is running: the "
			    "message is sent when sms-inboxd (or another "
			    "sms-send) runs at or after the scheduled "
			    "time\n"));
		code = report(&s, not_before);
		goto out;
	}
	s.progress = s.bulk && !s.json && isatty(STDERR_FILENO);
	uv_timer_init(s.loop, &s.poll);
	s.poll.data = &s;
	s.deadline = uv_now(s.loop) + (uint64_t)s.timeout * 1000;
	engine_or_wake(&s);
	uv_timer_start(&s.poll, on_poll, SEND_POLL_MS, SEND_POLL_MS);
	uv_run(s.loop, UV_RUN_DEFAULT);
	code = report(&s, 0);
out:
	if (s.e != NULL)
		engine_free(s.e);
	if (s.loop != NULL)
		uv_loop_close(s.loop);
	store_close(s.st);
	conf_free(s.cfg);
	items_free(&s);
	free(s.store_path);
	buf_fini(&text);
	return code;
}
