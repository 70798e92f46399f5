#include "config.h"

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "codec/gsm7.h"
#include "codec/segment.h"
#include "cli/cmd.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/i18n.h"
#include "util/utf8.h"

/*
 * `sms-inbox segments [--json] TEXT`: what TEXT costs as SMS, the figures
 * compose screens show.
 */

#define SEGMENTS_TEXT_MAX (1024 * 1024)

static int
segments_usage(const struct cmd_ctx *ctx)
{
	printf(_("Usage: %s segments [--json] [--ucs2] [--smart] [--ref16] "
	    "[--language CODE] [TEXT...]\n"
	    "Show the encoding and number of SMS segments TEXT needs (read "
	    "from standard\ninput when no TEXT is given), and which "
	    "characters forced UCS-2.\n\n"
	    "  --json    print a JSON object\n"
	    "  --ucs2    always UCS-2\n"
	    "  --smart   replace look-alikes to stay in GSM 7-bit\n"
	    "  --ref16   count for 16-bit concatenation references\n"
	    "  --language CODE  may use a national language's shift tables: "
	    "tr, es, pt,\n"
	    "            bn, gu, hi, kn, ml, or, pa, ta, te, ur\n"),
	    ctx->progname);
	return 0;
}

/* The character at s as UTF-8 made safe to show, in out. */
static void
char_str(const char *s, size_t len, char *out, size_t size)
{
	struct buf b;

	buf_init(&b, size - 1);
	utf8_escape(&b, s, len);
	snprintf(out, size, "%s", b.data != NULL ? b.data : "");
	buf_fini(&b);
}

static json_t *
segments_json(const struct segment_info *info, const char *text,
    const struct segment_replacement *repl, size_t nrepl)
{
	json_t *forcing = json_array(), *replaced = json_array();
	char ch[64], cp[16];
	size_t i;

	for (i = 0; i < info->nforcing && i < SEGMENT_FORCING_MAX; i++) {
		const struct segment_forcing *f = &info->forcing[i];

		snprintf(cp, sizeof cp, "U+%04X", (unsigned)f->cp);
		json_array_append_new(forcing, json_pack("{s:s%, s:s, s:I}",
		    "char", text + f->offset, f->len, "codepoint", cp,
		    "offset", (json_int_t)f->offset));
	}
	for (i = 0; i < nrepl; i++) {
		snprintf(cp, sizeof cp, "U+%04X", (unsigned)repl[i].cp);
		snprintf(ch, sizeof ch, "%.*s", (int)repl[i].len,
		    text + repl[i].offset);
		json_array_append_new(replaced, json_pack("{s:s, s:s, s:s, "
		    "s:I}", "char", ch, "codepoint", cp, "with",
		    repl[i].with, "offset", (json_int_t)repl[i].offset));
	}
	const char *lock = gsm7_lang_code(info->lang_locking);
	const char *single = gsm7_lang_code(info->lang_single);

	return json_pack("{s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:b, s:I, "
	    "s:o, s:o, s:{s:o, s:o}}",
	    "encoding", sms_encoding_name(info->encoding),
	    "segments", (json_int_t)info->segments,
	    "characters", (json_int_t)info->chars,
	    "units", (json_int_t)info->units,
	    "per_segment", (json_int_t)info->per_segment,
	    "used", (json_int_t)info->used,
	    "left", (json_int_t)info->left,
	    "too_long", info->too_long,
	    "forcing_count", (json_int_t)info->nforcing,
	    "forcing", forcing,
	    "replaced", replaced,
	    "language",
	    "locking", lock != NULL ? json_string(lock) : json_null(),
	    "single", single != NULL ? json_string(single) : json_null());
}

static void
segments_print(const struct segment_info *info, const char *text,
    const struct segment_replacement *repl, size_t nrepl)
{
	char ch[64];
	size_t i;

	printf(_("encoding:   %s\n"), sms_encoding_name(info->encoding));
	printf(_("segments:   %zu\n"), info->segments);
	printf(_("characters: %zu\n"), info->chars);
	printf(info->encoding == SMS_ENC_GSM7 ? _("units:      %zu septets\n")
	    : _("units:      %zu UTF-16 units\n"), info->units);
	printf(_("last:       %zu of %zu used, %zu left\n"), info->used,
	    info->per_segment, info->left);
	if (info->too_long)
		printf(_("too long:   more than %d segments cannot be "
		    "joined\n"), SEGMENT_MAX);
	if (info->lang_locking > 0)
		printf(_("language:   %s locking shift table\n"),
		    gsm7_lang_name(info->lang_locking));
	if (info->lang_single > 0)
		printf(_("language:   %s single shift table\n"),
		    gsm7_lang_name(info->lang_single));
	for (i = 0; i < info->nforcing && i < SEGMENT_FORCING_MAX; i++) {
		const struct segment_forcing *f = &info->forcing[i];

		char_str(text + f->offset, f->len, ch, sizeof ch);
		printf(_("UCS-2 for:  %s (U+%04X) at byte %zu\n"), ch,
		    (unsigned)f->cp, f->offset);
	}
	if (info->nforcing > SEGMENT_FORCING_MAX)
		printf(_("UCS-2 for:  ... %zu characters in all\n"),
		    info->nforcing);
	for (i = 0; i < nrepl; i++) {
		char_str(text + repl[i].offset, repl[i].len, ch, sizeof ch);
		printf(_("replaced:   %s (U+%04X) at byte %zu with \"%s\"\n"),
		    ch, (unsigned)repl[i].cp, repl[i].offset, repl[i].with);
	}
}

static int
cmd_segments_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "ucs2", no_argument, NULL, 'u' },
		{ "smart", no_argument, NULL, 'm' },
		{ "ref16", no_argument, NULL, '6' },
		{ "language", required_argument, NULL, 'L' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct segment_replacement *repl = NULL;
	struct segment_info info;
	struct sms_err err;
	struct buf text;
	unsigned flags = 0;
	size_t nrepl = 0, n;
	bool json = false;
	char chunk[4096], *smart = NULL;
	int c, i, rc, status = 0;

	optind = 0;
	while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'u':
			flags |= SEGMENT_UCS2;
			break;
		case 'm':
			flags |= SEGMENT_SMART;
			break;
		case '6':
			flags |= SEGMENT_REF16;
			break;
		case 'L':
			if ((c = gsm7_lang_from_code(optarg)) < 0)
				return cmd_usage_error(ctx, "segments",
				    _("--language wants one of tr, es, pt, bn, "
				    "gu, hi, kn, ml, or, pa, ta, te, ur, not "
				    "\"%s\""), optarg);
			flags |= SEGMENT_LANG(c);
			break;
		case 'h':
			return segments_usage(ctx);
		default:
			return cmd_usage_error(ctx, "segments",
			    _("bad option"));
		}
	}
	buf_init(&text, SEGMENTS_TEXT_MAX);
	if (optind < argc) {
		for (i = optind; i < argc; i++)
			if ((i > optind && buf_append_char(&text, ' ') < 0) ||
			    buf_append_str(&text, argv[i]) < 0)
				goto too_big;
	} else {
		while ((n = fread(chunk, 1, sizeof chunk, stdin)) > 0)
			if (buf_append(&text, chunk, n) < 0)
				goto too_big;
		/* Piped text usually ends with the newline echo(1) adds. */
		if (text.len > 0 && text.data[text.len - 1] == '\n')
			text.data[--text.len] = '\0';
	}
	sms_err_clear(&err);
	if ((rc = segment_calc(text.data, text.len, flags, &info, &err)) <
	    0 || ((flags & SEGMENT_SMART) && info.replaced > 0 &&
	    (rc = segment_smart(text.data, text.len, &smart, &repl, &nrepl,
	    &err)) < 0)) {
		if (json) {
			json_t *o = json_pack("{s:s}", "error", err.msg);
			char *s = json_dumps(o, JSON_COMPACT);

			printf("%s\n", s);
			free(s);
			json_decref(o);
		} else
			cmd_error(ctx, "%s", err.msg);
		status = sms_rc_exit(rc);
		goto out;
	}
	if (json) {
		json_t *o = segments_json(&info, text.data != NULL ?
		    text.data : "", repl, nrepl);
		char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);

		printf("%s\n", s);
		free(s);
		json_decref(o);
	} else
		segments_print(&info, text.data != NULL ? text.data : "",
		    repl, nrepl);
	goto out;
too_big:
	cmd_error(ctx, _("the text is longer than %d bytes"),
	    SEGMENTS_TEXT_MAX);
	status = SMS_EXIT_DATAERR;
out:
	free(smart);
	free(repl);
	buf_fini(&text);
	return status;
}

const struct cmd_entry cmd_segments_entry = {
	"segments",
	N_("show the encoding and SMS segments a text needs"),
	cmd_segments_exec,
};
