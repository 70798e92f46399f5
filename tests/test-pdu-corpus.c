/*
 * Real-world PDUs from public test suites, bug reports and tutorials
 * (the .pdu files in tests/data/pdu, format in its README), decoded and
 * compared field by field with what their sources say.
 */
#include "config.h"

#include <glob.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "codec/concat.h"
#include "codec/pdu.h"
#include "util/err.h"

struct record {
	char file[256];
	int line;
	char hex[2 * PDU_MAX_BYTES + 8];
	enum pdu_smsc_mode mode;
	int tpdu_len;		/* from a +CMGR line, or -1 */
	bool expect_error;
	struct pdu_msg m;
	int rc;
	struct sms_err err;
	bool decoded;
};

static size_t checked_pdus, checked_fields;

/* Parts seen since the last "join" line, for checking reassembly. */
#define GROUP_MAX 16
static struct {
	unsigned seq, total, ref;
	char text[PDU_TEXT_MAX];
} group[GROUP_MAX];
static size_t ngroup;

/* Undo \n \r \t \\ \xNN in s, in place. */
static void
unescape(char *s)
{
	char *r = s, *w = s;
	unsigned v;

	while (*r != '\0') {
		if (r[0] == '\\' && r[1] == 'n') {
			*w++ = '\n';
			r += 2;
		} else if (r[0] == '\\' && r[1] == 'r') {
			*w++ = '\r';
			r += 2;
		} else if (r[0] == '\\' && r[1] == 't') {
			*w++ = '\t';
			r += 2;
		} else if (r[0] == '\\' && r[1] == '\\') {
			*w++ = '\\';
			r += 2;
		} else if (r[0] == '\\' && r[1] == 'x' &&
		    sscanf(r + 2, "%2x", &v) == 1) {
			*w++ = (char)v;
			r += 4;
		} else
			*w++ = *r++;
	}
	*w = '\0';
}

static void
fail_at(const struct record *rec, const char *key, const char *want,
    const char *got)
{
	fail_msg("%s:%d: %s: want \"%s\", got \"%s\" (PDU %s%s%s)", rec->file,
	    rec->line, key, want, got, rec->hex, rec->rc < 0 ? "; " : "",
	    rec->rc < 0 ? rec->err.msg : "");
}

static void
decode(struct record *rec)
{
	size_t len = strlen(rec->hex);
	enum pdu_smsc_mode mode = rec->mode;

	if (rec->decoded)
		return;

	/* As the modem backend does with the length +CMGR/+CMGL give. */
	if (rec->tpdu_len >= 0) {
		len = pdu_hex_trim(rec->hex, len, rec->tpdu_len);
		if (mode == PDU_SMSC_AUTO)
			mode = pdu_smsc_mode_for(len, rec->tpdu_len);
	}
	sms_err_clear(&rec->err);
	rec->rc = pdu_decode_hex(rec->hex, len, mode, &rec->m, &rec->err);
	rec->decoded = true;
	checked_pdus++;
	if (rec->rc == 0 && ngroup < GROUP_MAX) {
		group[ngroup].seq = rec->m.concat.present ?
		    rec->m.concat.seq : 1;
		group[ngroup].total = rec->m.concat.present ?
		    rec->m.concat.total : 1;
		group[ngroup].ref = rec->m.concat.ref;
		snprintf(group[ngroup].text, sizeof group[ngroup].text, "%s",
		    rec->m.text);
		ngroup++;
	}
	if (rec->expect_error) {
		if (rec->rc != SMS_EDATA)
			fail_at(rec, "error", "SMS_EDATA", "decoded");
		return;
	}
	if (rec->rc != 0)
		fail_at(rec, "decode", "success", rec->err.msg);
}

static void
check_hex(const struct record *rec, const char *key, const char *want,
    const uint8_t *p, size_t n)
{
	char got[2 * PDU_DATA_MAX + 1];
	size_t i;

	for (i = 0; i < n; i++)
		snprintf(got + 2 * i, 3, "%02X", p[i]);
	got[2 * n] = '\0';
	if (strcasecmp(got, want) != 0)
		fail_at(rec, key, want, got);
}

/* Check one "key value" line against the decoded record. */
static void
check(struct record *rec, const char *key, char *val)
{
	const struct pdu_msg *m = &rec->m;
	char got[4096];

	decode(rec);
	if (rec->expect_error)
		return;
	checked_fields++;
	got[0] = '\0';
	if (strcmp(key, "type") == 0)
		snprintf(got, sizeof got, "%s", pdu_type_name(m->type));
	else if (strcmp(key, "smsc") == 0)
		snprintf(got, sizeof got, "%s", m->smsc.number);
	else if (strcmp(key, "number") == 0)
		snprintf(got, sizeof got, "%s", m->addr.number);
	else if (strcmp(key, "number_type") == 0)
		snprintf(got, sizeof got, "%s",
		    pdu_number_type_name(m->addr.type));
	else if (strcmp(key, "time") == 0) {
		pdu_time_iso(&m->scts, got, sizeof got);
		if (got[0] == '\0')
			strcpy(got, "none");
	} else if (strcmp(key, "discharge") == 0) {
		pdu_time_iso(&m->discharge, got, sizeof got);
		if (got[0] == '\0')
			strcpy(got, "none");
	} else if (strcmp(key, "unix") == 0)
		snprintf(got, sizeof got, "%lld", (long long)m->scts.unix_time);
	else if (strcmp(key, "encoding") == 0)
		snprintf(got, sizeof got, "%s%s",
		    sms_encoding_name(m->encoding),
		    m->compressed ? " compressed" : "");
	else if (strcmp(key, "class") == 0) {
		if (m->msg_class < 0)
			strcpy(got, "none");
		else
			snprintf(got, sizeof got, "%d", m->msg_class);
	} else if (strcmp(key, "text") == 0) {
		unescape(val);
		snprintf(got, sizeof got, "%s", m->text);
	} else if (strcmp(key, "data") == 0) {
		check_hex(rec, key, val, m->data, m->data_len);
		return;
	} else if (strcmp(key, "udh") == 0) {
		check_hex(rec, key, val, m->udh, m->udh_len);
		return;
	} else if (strcmp(key, "concat") == 0) {
		if (!m->concat.present)
			strcpy(got, "none");
		else
			snprintf(got, sizeof got, "%u %u %u",
			    (unsigned)m->concat.ref,
			    (unsigned)m->concat.total,
			    (unsigned)m->concat.seq);
	} else if (strcmp(key, "mr") == 0)
		snprintf(got, sizeof got, "%u", (unsigned)m->mr);
	else if (strcmp(key, "status") == 0)
		snprintf(got, sizeof got, "%u", (unsigned)m->status);
	else if (strcmp(key, "status_kind") == 0)
		snprintf(got, sizeof got, "%s",
		    pdu_status_kind_name(pdu_status_kind(m->status)));
	else if (strcmp(key, "pid") == 0)
		snprintf(got, sizeof got, "%u", (unsigned)m->pid);
	else if (strcmp(key, "dcs") == 0)
		snprintf(got, sizeof got, "%u", (unsigned)m->dcs);
	else if (strcmp(key, "vp") == 0)
		snprintf(got, sizeof got, "%d", m->vp_minutes);
	else if (strcmp(key, "srr") == 0)
		snprintf(got, sizeof got, "%s", m->status_report ? "yes" :
		    "no");
	else if (strcmp(key, "join") == 0) {
		/* The parts of this message since the last join, in any
		   order, as one. */
		struct concat_part parts[GROUP_MAX];
		char *joined = NULL;
		size_t i, n = 0;

		unescape(val);
		for (i = 0; i < ngroup; i++) {
			if (group[i].ref != m->concat.ref ||
			    group[i].total != m->concat.total)
				continue;
			parts[n].seq = group[i].seq;
			parts[n].text = group[i].text;
			parts[n++].len = strlen(group[i].text);
		}
		if (n == 0 || concat_join(parts, n, m->concat.total, false,
		    &joined, NULL) != 0)
			fail_at(rec, key, val, "(incomplete)");
		snprintf(got, sizeof got, "%s", joined);
		free(joined);
		ngroup = 0;
	} else if (strcmp(key, "lang") == 0)
		snprintf(got, sizeof got, "%d %d", m->lang_locking,
		    m->lang_single);
	else if (strcmp(key, "shown") == 0) {
		unescape(val);
		pdu_data_text(m, got, sizeof got);
	} else if (strcmp(key, "mwi") == 0)
		snprintf(got, sizeof got, "%d %s", (int)m->mwi,
		    m->mwi_active ? "on" : "off");
	else
		fail_msg("%s:%d: unknown key \"%s\"", rec->file, rec->line,
		    key);
	if (strcmp(got, val) != 0)
		fail_at(rec, key, val, got);
}

static void
run_file(const char *path)
{
	struct record *rec = calloc(1, sizeof *rec);
	char line[2048], *val, *nl;
	int lineno = 0;
	bool have = false;
	FILE *f;

	assert_non_null(rec);
	ngroup = 0;
	if ((f = fopen(path, "r")) == NULL)
		fail_msg("cannot open %s", path);
	while (fgets(line, sizeof line, f) != NULL) {
		lineno++;
		if ((nl = strchr(line, '\n')) != NULL)
			*nl = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		if ((val = strchr(line, ' ')) != NULL)
			*val++ = '\0';
		else
			val = line + strlen(line);
		if (strcmp(line, "pdu") == 0) {
			if (have)
				decode(rec);
			memset(rec, 0, sizeof *rec);
			snprintf(rec->file, sizeof rec->file, "%s",
			    strrchr(path, '/') + 1);
			rec->line = lineno;
			snprintf(rec->hex, sizeof rec->hex, "%s", val);
			rec->mode = PDU_SMSC_AUTO;
			rec->tpdu_len = -1;
			have = true;
		} else if (!have)
			fail_msg("%s:%d: \"%s\" before any pdu", path, lineno,
			    line);
		else if (strcmp(line, "source") == 0)
			continue;
		else if (strcmp(line, "mode") == 0)
			rec->mode = strcmp(val, "present") == 0 ?
			    PDU_SMSC_PRESENT : strcmp(val, "absent") == 0 ?
			    PDU_SMSC_ABSENT : PDU_SMSC_AUTO;
		else if (strcmp(line, "tpdu_len") == 0)
			rec->tpdu_len = atoi(val);
		else if (strcmp(line, "error") == 0)
			rec->expect_error = true;
		else
			check(rec, line, val);
	}
	if (have)
		decode(rec);
	fclose(f);
	free(rec);
}

static void
test_pdu_corpus(void **state)
{
	const char *top = getenv("top_srcdir");
	char pattern[1024];
	glob_t g;
	size_t i;

	snprintf(pattern, sizeof pattern, "%s/tests/data/pdu/*.pdu",
	    top != NULL ? top : ".");
	assert_int_equal(glob(pattern, 0, NULL, &g), 0);
	for (i = 0; i < g.gl_pathc; i++)
		run_file(g.gl_pathv[i]);
	globfree(&g);
	print_message("%zu PDUs, %zu fields checked\n", checked_pdus,
	    checked_fields);
	assert_true(checked_pdus >= 170);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pdu_corpus),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
