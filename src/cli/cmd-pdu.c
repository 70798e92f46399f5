#include "config.h"

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "codec/concat.h"
#include "codec/gsm7.h"
#include "codec/pdu.h"
#include "codec/segment.h"
#include "cli/cmd.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/i18n.h"
#include "util/utf8.h"
#include "util/xalloc.h"

/*
 * `sms-inbox pdu decode|encode`: a debugging tool for people who run
 * modems and paste PDUs into forums.
 */

#define PDU_LINE_MAX 4096	/* longest stdin line looked at */
#define PDU_INPUTS_MAX 1024	/* most PDUs read from stdin */

/* One input PDU, with the TPDU length a pasted +CMGL/+CMT line gave. */
struct pdu_input {
	char *hex;
	int tpdu_len;
};

/* The text of s made safe for a terminal; heap, caller frees. */
static char *
escaped(const char *s)
{
	struct buf b;
	char *out;

	buf_init(&b, 16 * strlen(s) + 16);
	utf8_escape(&b, s, strlen(s));
	if ((out = buf_take(&b)) == NULL)
		out = xstrdup("");
	buf_fini(&b);
	return out;
}

/* s as a JSON string (invalid UTF-8 and lone surrogates replaced). */
static json_t *
json_text(const char *s, size_t len)
{
	struct buf b;
	json_t *j;

	buf_init(&b, 4 * len + 16);
	utf8_sanitize(&b, s, len);
	j = json_stringn(b.data != NULL ? b.data : "", b.len);
	buf_fini(&b);
	return j;
}

static json_t *
json_hex(const uint8_t *p, size_t n)
{
	char *hex = xmalloc(2 * n + 1);
	json_t *j;
	size_t i;

	for (i = 0; i < n; i++)
		snprintf(hex + 2 * i, 3, "%02X", p[i]);
	hex[2 * n] = '\0';
	j = json_string(hex);
	free(hex);
	return j;
}

static json_t *
json_time(const struct pdu_time *t)
{
	char iso[40];

	if (!t->valid)
		return json_null();
	return json_string(pdu_time_iso(t, iso, sizeof iso));
}

static json_t *
json_address(const struct pdu_address *a)
{
	return json_pack("{s:o, s:s}", "number",
	    json_text(a->number, strlen(a->number)), "type",
	    pdu_number_type_name(a->type));
}

/* A national language shift the UDH names: id, code, whether applied. */
static json_t *
json_lang(int id, bool applied)
{
	const char *code;

	if (id < 0)
		return json_null();
	code = gsm7_lang_code((unsigned)id);
	return json_pack("{s:i, s:o, s:b}", "id", id, "code", code != NULL ?
	    json_string(code) : json_null(), "applied", applied);
}

/* One decoded PDU as the object documented in sms-inbox(1). */
static json_t *
pdu_json(const struct pdu_msg *m, const char *text)
{
	json_t *o, *udh = json_null();

	o = json_object();
	json_object_set_new(o, "type", json_string(pdu_type_name(m->type)));
	json_object_set_new(o, "smsc", m->smsc.number[0] != '\0' ?
	    json_text(m->smsc.number, strlen(m->smsc.number)) : json_null());
	json_object_set_new(o, m->type == PDU_DELIVER ? "sender" :
	    "recipient", json_address(&m->addr));
	json_object_set_new(o, "timestamp", json_time(&m->scts));
	json_object_set_new(o, "encoding",
	    json_string(sms_encoding_name(m->encoding)));
	json_object_set_new(o, "class", m->msg_class >= 0 ?
	    json_integer(m->msg_class) : json_null());
	json_object_set_new(o, "pid", json_integer(m->pid));
	json_object_set_new(o, "dcs", json_integer(m->dcs));
	if (m->udh_len > 0) {
		udh = json_object();
		json_object_set_new(udh, "concat", m->concat.present ?
		    json_pack("{s:i, s:i, s:i, s:b}", "ref", m->concat.ref,
		    "total", m->concat.total, "seq", m->concat.seq, "ref16",
		    m->concat.ref16) : json_null());
		json_object_set_new(udh, "raw", json_hex(m->udh,
		    m->udh_len));
	}
	json_object_set_new(o, "udh", udh);
	if (m->lang_locking >= 0 || m->lang_single >= 0)
		json_object_set_new(o, "language", json_pack("{s:o, s:o}",
		    "locking", json_lang(m->lang_locking,
		    m->lang_locking >= 0 &&
		    gsm7_lang_has_locking((unsigned)m->lang_locking)),
		    "single", json_lang(m->lang_single, m->lang_single >= 0 &&
		    gsm7_lang_has_single((unsigned)m->lang_single))));
	if (m->compressed || m->encoding == SMS_ENC_8BIT) {
		/* 8-bit data that is plain UTF-8 text is shown as such. */
		json_object_set_new(o, "text", pdu_data_is_text(m) ?
		    json_text((const char *)m->data, m->data_len) :
		    json_null());
		json_object_set_new(o, "data", json_hex(m->data,
		    m->data_len));
		json_object_set_new(o, "data_hex", json_hex(m->data,
		    m->data_len));
		json_object_set_new(o, "compressed",
		    json_boolean(m->compressed));
	} else
		json_object_set_new(o, "text", json_text(text, strlen(text)));
	if (m->mwi != PDU_MWI_NONE)
		json_object_set_new(o, "message_waiting", json_pack(
		    "{s:s, s:b, s:b}", "kind", m->mwi == PDU_MWI_VOICEMAIL ?
		    "voicemail" : m->mwi == PDU_MWI_FAX ? "fax" :
		    m->mwi == PDU_MWI_EMAIL ? "email" : "other", "active",
		    m->mwi_active, "discard", m->mwi_discard));
	if (m->type == PDU_SUBMIT) {
		json_object_set_new(o, "reference", json_integer(m->mr));
		json_object_set_new(o, "status_report_requested",
		    json_boolean(m->status_report));
		json_object_set_new(o, "validity_minutes", m->vp_minutes >= 0 ?
		    json_integer(m->vp_minutes) : json_null());
	}
	if (m->type == PDU_STATUS_REPORT) {
		json_object_set_new(o, "reference", json_integer(m->mr));
		json_object_set_new(o, "discharge_time",
		    json_time(&m->discharge));
		json_object_set_new(o, "status", json_integer(m->status));
		json_object_set_new(o, "status_kind", json_string(
		    pdu_status_kind_name(pdu_status_kind(m->status))));
		json_object_set_new(o, "status_text",
		    json_string(pdu_status_str(m->status)));
	}
	return o;
}

static void
print_json(json_t *o)
{
	char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);

	if (s != NULL)
		printf("%s\n", s);
	free(s);
	json_decref(o);
}

static void
print_field(const char *label, const char *value)
{
	/* TRANSLATORS: a label and its value in `pdu decode`'s output. */
	printf(_("%-16s %s\n"), label, value);
}

static void
print_address(const char *label, const struct pdu_address *a)
{
	char *e = escaped(a->number);
	char line[256];

	snprintf(line, sizeof line, "%s (%s)", e,
	    pdu_number_type_name(a->type));
	print_field(label, line);
	free(e);
}

/* "Turkish locking shift (1)", or what an unknown identifier means. */
static void
lang_desc(char *out, size_t size, int id, bool single)
{
	const char *name = gsm7_lang_name((unsigned)id);
	bool has = single ? gsm7_lang_has_single((unsigned)id) :
	    gsm7_lang_has_locking((unsigned)id);

	if (has)
		snprintf(out, size, single ? _("%s single shift (%d)") :
		    _("%s locking shift (%d)"), name, id);
	else
		snprintf(out, size, single ? _("single shift %d (no such "
		    "table: default used)") : _("locking shift %d (no such "
		    "table: default used)"), id);
}

/* 8-bit data as a hex dump: offset, 16 bytes in hex, and as ASCII. */
static void
print_hexdump(const uint8_t *p, size_t n)
{
	size_t i, j;

	for (i = 0; i < n; i += 16) {
		printf("  %04zX ", i);
		for (j = i; j < i + 16; j++) {
			if (j < n)
				printf(" %02X", p[j]);
			else
				printf("   ");
		}
		printf("  |");
		for (j = i; j < i + 16 && j < n; j++)
			putchar(p[j] >= 0x20 && p[j] < 0x7f ? p[j] : '.');
		printf("|\n");
	}
}

/* One decoded PDU for a person; text may be the joined message's. */
static void
pdu_print(const struct pdu_msg *m, const char *text)
{
	char line[512], iso[40];
	char *e;

	print_field(_("type:"), pdu_type_name(m->type));
	if (m->smsc.number[0] != '\0')
		print_address(_("SMSC:"), &m->smsc);
	else if (m->has_smsc)
		print_field(_("SMSC:"), _("(the SIM's default)"));
	print_address(m->type == PDU_DELIVER ? _("sender:") :
	    _("recipient:"), &m->addr);
	if (m->type != PDU_SUBMIT)
		print_field(_("timestamp:"), m->scts.valid ?
		    pdu_time_iso(&m->scts, iso, sizeof iso) : _("(invalid)"));
	if (m->type == PDU_SUBMIT || m->type == PDU_STATUS_REPORT) {
		snprintf(line, sizeof line, "%u", (unsigned)m->mr);
		print_field(_("reference:"), line);
	}
	if (m->type == PDU_STATUS_REPORT) {
		print_field(_("discharge time:"), m->discharge.valid ?
		    pdu_time_iso(&m->discharge, iso, sizeof iso) :
		    _("(invalid)"));
		snprintf(line, sizeof line, "0x%02X %s (%s)",
		    (unsigned)m->status, pdu_status_str(m->status),
		    pdu_status_kind_name(pdu_status_kind(m->status)));
		print_field(_("status:"), line);
		if (m->data_len == 0)
			return;
	}
	if (m->type == PDU_SUBMIT && m->vp_minutes >= 0) {
		snprintf(line, sizeof line, _("%d minutes"), m->vp_minutes);
		print_field(_("validity:"), line);
	}
	snprintf(line, sizeof line, "%s (DCS 0x%02X, PID 0x%02X)",
	    sms_encoding_name(m->encoding), (unsigned)m->dcs,
	    (unsigned)m->pid);
	print_field(_("encoding:"), line);
	if (m->msg_class >= 0) {
		snprintf(line, sizeof line, "%d%s", m->msg_class,
		    m->msg_class == 0 ? _(" (flash)") : "");
		print_field(_("class:"), line);
	} else
		print_field(_("class:"), _("none"));
	if (m->concat.present) {
		snprintf(line, sizeof line, _("part %u of %u, reference %u "
		    "(%s)"), (unsigned)m->concat.seq,
		    (unsigned)m->concat.total, (unsigned)m->concat.ref,
		    m->concat.ref16 ? _("16-bit") : _("8-bit"));
		print_field(_("concatenated:"), line);
	}
	if (m->mwi != PDU_MWI_NONE)
		print_field(_("message waiting:"), m->mwi_active ?
		    _("indication on") : _("indication off"));
	if (m->lang_locking >= 0 || m->lang_single >= 0) {
		char a[128] = "", b[128] = "";

		if (m->lang_locking >= 0)
			lang_desc(a, sizeof a, m->lang_locking, false);
		if (m->lang_single >= 0)
			lang_desc(b, sizeof b, m->lang_single, true);
		snprintf(line, sizeof line, "%s%s%s", a,
		    a[0] != '\0' && b[0] != '\0' ? ", " : "", b);
		print_field(_("language:"), line);
	}
	if (m->compressed) {
		print_field(_("text:"), _("(compressed; not supported)"));
		return;
	}
	if (m->encoding == SMS_ENC_8BIT) {
		snprintf(line, sizeof line, P_("%zu byte", "%zu bytes",
		    m->data_len), m->data_len);
		print_field(_("data:"), line);
		print_hexdump(m->data, m->data_len);
		if (pdu_data_is_text(m)) {
			snprintf(line, sizeof line, "%.*s", (int)m->data_len,
			    (const char *)m->data);
			e = escaped(line);
			print_field(_("text:"), e);
			free(e);
		}
		return;
	}
	e = escaped(text);
	print_field(_("text:"), e);
	free(e);
}

/*
 * A line from stdin: a PDU, or a modem response header whose last number
 * is the next PDU's TPDU length (+CMGL: 1,0,,23 / +CMT: ,23 / +CMGR:).
 * Returns 1 for a PDU (hex stripped of blanks, in place), 0 to skip.
 */
static int
classify_line(char *line, int *tpdu_len)
{
	char *r = line, *w = line, *comma;

	while (*r == ' ' || *r == '\t')
		r++;
	if (*r == '+') {
		comma = strrchr(r, ',');
		*tpdu_len = comma != NULL ? atoi(comma + 1) : -1;
		if (comma == NULL && strchr(r, ':') != NULL)
			*tpdu_len = atoi(strchr(r, ':') + 1);
		return 0;
	}
	for (; *r != '\0'; r++)
		if (*r != ' ' && *r != '\t' && *r != '\r' && *r != '\n')
			*w++ = *r;
	*w = '\0';
	if (line[0] == '\0' || strcmp(line, "OK") == 0 ||
	    strncasecmp(line, "AT", 2) == 0)
		return 0;
	return 1;
}

static int
read_inputs(const struct cmd_ctx *ctx, struct pdu_input **out, size_t *n)
{
	struct pdu_input *in = NULL;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int hint = -1;

	*n = 0;
	while ((len = getline(&line, &cap, stdin)) >= 0) {
		if (len > PDU_LINE_MAX) {
			cmd_error(ctx, _("an input line is longer than %d "
			    "bytes"), PDU_LINE_MAX);
			free(line);
			*out = in;
			return SMS_EXIT_DATAERR;
		}
		if (classify_line(line, &hint) == 0)
			continue;
		if (*n == PDU_INPUTS_MAX) {
			cmd_error(ctx, _("more than %d PDUs on standard "
			    "input"), PDU_INPUTS_MAX);
			free(line);
			*out = in;
			return SMS_EXIT_DATAERR;
		}
		in = xrealloc(in, (*n + 1) * sizeof *in);
		in[*n].hex = xstrdup(line);
		in[*n].tpdu_len = hint;
		(*n)++;
		hint = -1;
	}
	free(line);
	*out = in;
	return 0;
}

static int
pdu_decode_usage(const struct cmd_ctx *ctx)
{
	printf(_("Usage: %s pdu decode [--json] [--join] [--with-smsc|"
	    "--without-smsc] [HEX...]\n"
	    "Decode SMS PDUs given as arguments, or one per line on standard "
	    "input\n(modem lines such as \"+CMGL: 1,0,,23\" give the length of "
	    "the PDU after them).\n\n"
	    "  --json           one JSON object per PDU\n"
	    "  --join           the PDUs are parts of one message: print it "
	    "reassembled\n"
	    "  --with-smsc      the PDUs start with the SMSC address\n"
	    "  --without-smsc   the PDUs are bare TPDUs (default: guess)\n"),
	    ctx->progname);
	return 0;
}

/* Print the parts in msgs[0..n) as one message. */
static int
print_joined(const struct cmd_ctx *ctx, struct pdu_msg *msgs, size_t n,
    bool json)
{
	struct concat_part *parts;
	const struct pdu_msg *first = &msgs[0];
	unsigned total = first->concat.present ? first->concat.total : 1;
	size_t i, missing;
	char *text;
	int status = 0;

	parts = xcalloc(n, sizeof *parts);
	for (i = 0; i < n; i++) {
		const struct pdu_msg *m = &msgs[i];

		if (m->concat.present != first->concat.present ||
		    (m->concat.present && (m->concat.ref != first->concat.ref
		    || m->concat.total != first->concat.total)) ||
		    strcmp(m->addr.number, first->addr.number) != 0) {
			cmd_error(ctx, _("PDU %zu is not part of the same "
			    "message as the first (sender, reference or part "
			    "count differ)"), i + 1);
			free(parts);
			return SMS_EXIT_DATAERR;
		}
		parts[i].seq = m->concat.present ? m->concat.seq : 1;
		parts[i].text = m->text;
		parts[i].len = strlen(m->text);
	}
	missing = concat_missing(parts, n, total, NULL, 0);
	if (concat_join(parts, n, total, true, &text, NULL) < 0) {
		free(parts);
		return SMS_EXIT_SOFTWARE;
	}
	if (missing > 0) {
		cmd_error(ctx, P_("%zu part of the message is missing",
		    "%zu parts of the message are missing", missing),
		    missing);
		status = SMS_EXIT_DATAERR;
	}
	if (json) {
		json_t *o = pdu_json(first, text);

		json_object_set_new(o, "parts", json_integer((json_int_t)n));
		json_object_set_new(o, "missing",
		    json_integer((json_int_t)missing));
		print_json(o);
	} else
		pdu_print(first, text);
	free(text);
	free(parts);
	return status;
}

static int
cmd_pdu_decode(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "join", no_argument, NULL, 'J' },
		{ "with-smsc", no_argument, NULL, 's' },
		{ "without-smsc", no_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	enum pdu_smsc_mode forced = PDU_SMSC_AUTO, mode;
	struct pdu_input *in = NULL;
	struct pdu_msg *msgs = NULL;
	struct sms_err err;
	size_t n = 0, i, good = 0, hexlen;
	bool json = false, join = false;
	int c, status = 0;
	char *arg;

	optind = 0;
	while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'J':
			join = true;
			break;
		case 's':
			forced = PDU_SMSC_PRESENT;
			break;
		case 'S':
			forced = PDU_SMSC_ABSENT;
			break;
		case 'h':
			return pdu_decode_usage(ctx);
		default:
			return cmd_usage_error(ctx, "pdu", _("bad option"));
		}
	}
	if (optind < argc) {
		n = (size_t)(argc - optind);
		in = xcalloc(n, sizeof *in);
		for (i = 0; i < n; i++) {
			arg = xstrdup(argv[optind + (int)i]);
			in[i].tpdu_len = -1;
			classify_line(arg, &in[i].tpdu_len);
			in[i].hex = arg;
		}
	} else if ((status = read_inputs(ctx, &in, &n)) != 0)
		goto out;
	if (n == 0) {
		status = cmd_usage_error(ctx, "pdu", _("no PDU given"));
		goto out;
	}
	msgs = xcalloc(n, sizeof *msgs);
	for (i = 0; i < n; i++) {
		hexlen = pdu_hex_trim(in[i].hex, strlen(in[i].hex),
		    in[i].tpdu_len);
		mode = forced != PDU_SMSC_AUTO ? forced :
		    pdu_smsc_mode_for(hexlen, in[i].tpdu_len);
		sms_err_clear(&err);
		if (pdu_decode_hex(in[i].hex, hexlen, mode, &msgs[good],
		    &err) < 0) {
			status = SMS_EXIT_DATAERR;
			if (json)
				print_json(json_pack("{s:s, s:I, s:o}",
				    "error", err.msg, "offset",
				    (json_int_t)msgs[good].err_offset, "input",
				    json_text(in[i].hex, strlen(in[i].hex))));
			else if (n > 1)
				cmd_error(ctx, _("PDU %zu: %s"), i + 1,
				    err.msg);
			else
				cmd_error(ctx, "%s", err.msg);
			continue;
		}
		if (join) {
			good++;
			continue;
		}
		if (json)
			print_json(pdu_json(&msgs[good], msgs[good].text));
		else {
			if (i > 0)
				printf("\n");
			pdu_print(&msgs[good], msgs[good].text);
		}
	}
	if (join && status == 0)
		status = print_joined(ctx, msgs, good, json);
out:
	for (i = 0; i < n && in != NULL; i++)
		free(in[i].hex);
	free(in);
	free(msgs);
	return status;
}

static int
pdu_encode_usage(const struct cmd_ctx *ctx)
{
	printf(_("Usage: %s pdu encode [OPTION...] --to NUMBER TEXT\n"
	    "Encode TEXT as the SMS-SUBMIT PDUs for AT+CMGS (one per "
	    "segment).\n\n"
	    "  --to NUMBER        recipient: +international, national digits, "
	    "or a name\n"
	    "  --smsc NUMBER      SMSC to name (default: the SIM's, written "
	    "00)\n"
	    "  --no-smsc          leave the SMSC field out (bare TPDU)\n"
	    "  --ucs2             always UCS-2\n"
	    "  --smart            replace look-alikes to stay in GSM 7-bit\n"
	    "  --report           request a status report\n"
	    "  --class N          message class 0 (flash) to 3\n"
	    "  --validity MINUTES relative validity period\n"
	    "  --ref16            16-bit concatenation reference\n"
	    "  --ref N            concatenation reference (default: random)\n"
	    "  --language CODE    may use a national language's shift tables "
	    "to stay in\n"
	    "                     GSM 7-bit: tr, es, pt, bn, gu, hi, kn, ml, "
	    "or, pa, ta,\n"
	    "                     te, ur\n"
	    "  --json             print a JSON object\n"), ctx->progname);
	return 0;
}

/* The code of a language table used ("tr"), or null for the default. */
static json_t *
json_lang_code(unsigned id)
{
	const char *code = gsm7_lang_code(id);

	return code != NULL ? json_string(code) : json_null();
}

/* Parse a whole non-negative number no larger than max; -1 if bad. */
static long
parse_num(const char *s, long max)
{
	char *end;
	long v;

	if (s[0] < '0' || s[0] > '9')
		return -1;
	v = strtol(s, &end, 10);
	if (*end != '\0' || v < 0 || v > max)
		return -1;
	return v;
}

static int
cmd_pdu_encode(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "ucs2", no_argument, NULL, 'u' },
		{ "smart", no_argument, NULL, 'm' },
		{ "report", no_argument, NULL, 'r' },
		{ "ref16", no_argument, NULL, '6' },
		{ "ref", required_argument, NULL, 'R' },
		{ "class", required_argument, NULL, 'c' },
		{ "validity", required_argument, NULL, 'v' },
		{ "smsc", required_argument, NULL, 's' },
		{ "no-smsc", no_argument, NULL, 'S' },
		{ "to", required_argument, NULL, 't' },
		{ "language", required_argument, NULL, 'L' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct pdu_submit_opts o;
	struct pdu_part *parts = NULL;
	struct segment_info info;
	struct sms_err err;
	struct buf text;
	size_t n = 0, i;
	bool json = false, ref_given = false;
	long v;
	int c, rc;

	pdu_submit_opts_init(&o);
	o.allow_alnum = true;
	optind = 0;
	while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'u':
			o.flags |= SEGMENT_UCS2;
			break;
		case 'm':
			o.flags |= SEGMENT_SMART;
			break;
		case 'r':
			o.status_report = true;
			break;
		case '6':
			o.flags |= SEGMENT_REF16;
			break;
		case 'R':
			if ((v = parse_num(optarg, 65535)) < 0)
				return cmd_usage_error(ctx, "pdu",
				    _("--ref wants a number from 0 to 65535, "
				    "not \"%s\""), optarg);
			o.concat_ref = (uint16_t)v;
			ref_given = true;
			break;
		case 'c':
			if ((v = parse_num(optarg, 3)) < 0)
				return cmd_usage_error(ctx, "pdu",
				    _("--class wants 0, 1, 2 or 3, not \"%s\""),
				    optarg);
			o.msg_class = (int)v;
			break;
		case 'v':
			if ((v = parse_num(optarg, 1000000)) <= 0)
				return cmd_usage_error(ctx, "pdu",
				    _("--validity wants minutes from 1 to "
				    "1000000, not \"%s\""), optarg);
			o.validity_minutes = (int)v;
			break;
		case 's':
			o.smsc = optarg;
			break;
		case 'S':
			o.no_smsc = true;
			break;
		case 't':
			o.to = optarg;
			break;
		case 'L':
			if ((c = gsm7_lang_from_code(optarg)) < 0)
				return cmd_usage_error(ctx, "pdu",
				    _("--language wants one of tr, es, pt, bn, "
				    "gu, hi, kn, ml, or, pa, ta, te, ur, not "
				    "\"%s\""), optarg);
			o.flags |= SEGMENT_LANG(c);
			break;
		case 'h':
			return pdu_encode_usage(ctx);
		default:
			return cmd_usage_error(ctx, "pdu", _("bad option"));
		}
	}
	if (o.to == NULL)
		return cmd_usage_error(ctx, "pdu", _("--to NUMBER is "
		    "required"));
	if (optind >= argc)
		return cmd_usage_error(ctx, "pdu", _("no text given"));
	if (!ref_given) {
		srand((unsigned)time(NULL) ^ (unsigned)getpid());
		o.concat_ref = (uint16_t)rand();
	}
	buf_init(&text, 1 << 20);
	for (i = (size_t)optind; i < (size_t)argc; i++)
		if ((i > (size_t)optind && buf_append_char(&text, ' ') < 0) ||
		    buf_append_str(&text, argv[i]) < 0) {
			buf_fini(&text);
			cmd_error(ctx, _("the text is too long"));
			return SMS_EXIT_DATAERR;
		}
	sms_err_clear(&err);
	if ((rc = segment_calc(text.data, text.len, o.flags, &info, &err)) <
	    0 || (rc = pdu_submit_encode(text.data, text.len, &o, &parts, &n,
	    &err)) < 0) {
		if (json)
			print_json(json_pack("{s:s}", "error", err.msg));
		else
			cmd_error(ctx, "%s", err.msg);
		buf_fini(&text);
		return sms_rc_exit(rc == SMS_ETOOBIG ? SMS_EDATA : rc);
	}
	if (json) {
		json_t *arr = json_array();

		for (i = 0; i < n; i++)
			json_array_append_new(arr, json_pack("{s:s, s:I, s:I}",
			    "pdu", parts[i].hex, "length",
			    (json_int_t)parts[i].tpdu_len, "units",
			    (json_int_t)parts[i].units));
		print_json(json_pack("{s:s, s:I, s:I, s:{s:o, s:o}, s:o}",
		    "encoding", sms_encoding_name(info.encoding), "segments",
		    (json_int_t)n, "replaced", (json_int_t)info.replaced,
		    "language", "locking", json_lang_code(info.lang_locking),
		    "single", json_lang_code(info.lang_single), "parts",
		    arr));
	} else
		for (i = 0; i < n; i++) {
			if (i > 0)
				printf("\n");
			printf("AT+CMGS=%d\n%s\n", parts[i].tpdu_len,
			    parts[i].hex);
		}
	free(parts);
	buf_fini(&text);
	return 0;
}

static int
cmd_pdu_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "decode") == 0)
		return cmd_pdu_decode(ctx, argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "encode") == 0)
		return cmd_pdu_encode(ctx, argc - 1, argv + 1);
	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0)) {
		printf(_("Usage: %s pdu decode|encode [OPTION...] ...\n"
		    "Decode SMS PDUs from a modem, or encode a text as the PDUs "
		    "to send.\nSee '%s pdu decode --help' and '%s pdu encode "
		    "--help'.\n"), ctx->progname, ctx->progname,
		    ctx->progname);
		return 0;
	}
	return cmd_usage_error(ctx, "pdu", _("expected decode or encode"));
}

const struct cmd_entry cmd_pdu_entry = {
	"pdu",
	N_("decode SMS PDUs, or encode a text as PDUs for AT+CMGS"),
	cmd_pdu_exec,
};
