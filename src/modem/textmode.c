#include "config.h"

#include "modem/textmode.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "codec/gsm7.h"
#include "codec/pdu.h"
#include "codec/segment.h"
#include "codec/ucs2.h"
#include "modem/charset.h"
#include "util/civil.h"
#include "util/i18n.h"
#include "util/utf8.h"

#define TEXTMODE_FIELDS_MAX 16
#define TEXTMODE_FIELD_MAX 128

/* TP-VP 167: 24 hours (23.040 9.2.3.12.1: (167 - 143) * 30 min + 12 h). */
#define TEXTMODE_VP_24H 167

const char *
textmode_cs_name(enum textmode_cs cs)
{
	switch (cs) {
	case TEXTMODE_UCS2:
		return "UCS2";
	case TEXTMODE_GSM:
		return "GSM";
	case TEXTMODE_IRA:
		return "IRA";
	}
	return "IRA";
}

size_t
textmode_charsets(const char *v, enum textmode_cs *out, size_t max)
{
	static const enum textmode_cs order[] = {
		TEXTMODE_UCS2, TEXTMODE_GSM, TEXTMODE_IRA,
	};
	char quoted[16];
	size_t i, n = 0;

	for (i = 0; i < sizeof order / sizeof order[0] && n < max; i++) {
		snprintf(quoted, sizeof quoted, "\"%s\"",
		    textmode_cs_name(order[i]));
		if (v == NULL || strstr(v, quoted) != NULL)
			out[n++] = order[i];
	}
	return n;
}

static void
put_hex(char *out, size_t size, size_t *len, const uint8_t *b, size_t n)
{
	static const char digits[] = "0123456789ABCDEF";
	size_t i;

	for (i = 0; i < n && *len + 2 < size; i++) {
		out[(*len)++] = digits[b[i] >> 4];
		out[(*len)++] = digits[b[i] & 15];
	}
	out[*len] = '\0';
}

/* s as hex of UTF-16BE (the UCS2 character set, and any UCS-2 data). */
static int
to_ucs2_hex(const char *s, char *out, size_t size)
{
	size_t len = 0, n = strlen(s);
	uint8_t u[4];
	uint32_t cp;
	int k;

	out[0] = '\0';
	while (n > 0) {
		if ((k = utf8_decode(s, n, &cp)) < 0)
			return SMS_EDATA;
		if (len + 4 * ucs2_units(cp) + 1 > size)
			return SMS_ETOOBIG;
		put_hex(out, size, &len, u, ucs2_put(cp, u));
		s += k;
		n -= (size_t)k;
	}
	return 0;
}

/* Characters that are the same octet in ASCII and the GSM alphabet and
 * safe inside a text-mode body (no NUL, ESC, Ctrl-Z, CR). */
static bool
plain_char(uint32_t cp)
{
	if (cp == '\n')
		return true;
	if (cp < 0x20 || cp > 0x7e)
		return false;
	return strchr("@$_`^{}[]~\\|", (int)cp) == NULL;
}

int
textmode_encode(const char *to, const char *body, bool ucs2, bool report,
    enum textmode_cs cs, struct textmode_out *out, struct sms_err *err)
{
	struct segment_info info;
	const char *p;
	size_t n, len = 0;
	uint32_t cp;
	bool plain = true;
	int rc, k;

	memset(out, 0, sizeof *out);
	if ((rc = segment_calc(body, strlen(body), ucs2 ? SEGMENT_UCS2 : 0,
	    &info, err)) < 0)
		return rc;
	if (info.segments > 1)
		return sms_err_set(err, SMS_ETOOBIG, _("the modem only has "
		    "text mode, which cannot send a message of %zu parts; "
		    "shorten it to one SMS (%zu characters here)"),
		    info.segments, info.encoding == SMS_ENC_GSM7 ?
		    (size_t)160 : (size_t)70);
	/* SMS-SUBMIT, relative validity period, status report request. */
	out->fo = 0x01 | 0x10 | (report ? 0x20 : 0);
	out->dcs = info.encoding == SMS_ENC_GSM7 ? 0 : 8;
	for (p = body, n = strlen(body); n > 0; p += k, n -= (size_t)k) {
		if ((k = utf8_decode(p, n, &cp)) < 0)
			return sms_err_set(err, SMS_EDATA,
			    _("the text is not UTF-8"));
		if (!plain_char(cp) && !(cp == '\r'))
			plain = false;
	}
	if (cs == TEXTMODE_UCS2) {
		if (to_ucs2_hex(to, out->number, sizeof out->number) < 0 ||
		    to_ucs2_hex(body, out->text, sizeof out->text) < 0)
			return sms_err_set(err, SMS_ETOOBIG,
			    _("the number or text is too long"));
		return 0;
	}
	if (strlen(to) >= sizeof out->number ||
	    strspn(to, "+0123456789*#") != strlen(to))
		return sms_err_set(err, SMS_EDATA, _("the modem's character "
		    "set (%s) cannot carry the number %s"),
		    textmode_cs_name(cs), to);
	snprintf(out->number, sizeof out->number, "%s", to);
	if (out->dcs == 8 || !plain) {
		/* UCS-2 data is hex in any character set (27.005 3.1
		 * <data>); so is text the character set cannot carry. */
		out->dcs = 8;
		if (segment_calc(body, strlen(body), SEGMENT_UCS2, &info,
		    err) < 0 || info.segments > 1)
			return sms_err_set(err, SMS_ETOOBIG, _("the modem only "
			    "has text mode with the %s character set, which "
			    "sends this text as UCS-2 in %zu parts; shorten "
			    "it to 70 characters"), textmode_cs_name(cs),
			    info.segments);
		if (to_ucs2_hex(body, out->text, sizeof out->text) < 0)
			return sms_err_set(err, SMS_ETOOBIG,
			    _("the number or text is too long"));
		return 0;
	}
	/* Plain ASCII, the same octets in GSM and IRA; CR would end the
	 * line in the modem's editor. */
	for (p = body; *p != '\0' && len + 1 < sizeof out->text; p++) {
		if (*p == '\r') {
			if (p[1] == '\n')
				continue;
			out->text[len++] = '\n';
		} else
			out->text[len++] = *p;
	}
	out->text[len] = '\0';
	return 0;
}

/* Split a header into fields at commas outside quotes; quotes are
 * removed, and q[i] says whether field i had them.  Returns the count. */
static int
split_fields(const char *v, char (*f)[TEXTMODE_FIELD_MAX], bool *q, int max)
{
	bool quoted = false;
	size_t len = 0;
	int n = 0;

	if (max <= 0)
		return 0;
	f[0][0] = '\0';
	q[0] = false;
	for (; *v != '\0'; v++) {
		if (*v == '"') {
			quoted = !quoted;
			q[n] = true;
			continue;
		}
		if (*v == ',' && !quoted) {
			if (++n == max)
				return n;
			len = 0;
			f[n][0] = '\0';
			q[n] = false;
			continue;
		}
		if (len + 1 < TEXTMODE_FIELD_MAX) {
			f[n][len++] = *v;
			f[n][len] = '\0';
		}
	}
	return n + 1;
}

int
textmode_time(const char *s, int64_t *t, int *tz_quarters)
{
	int yy, mo, dd, hh, mi, ss, tz = 0, n = 0;
	char sign = '+';

	if (sscanf(s, "%d/%d/%d,%d:%d:%d%n", &yy, &mo, &dd, &hh, &mi, &ss,
	    &n) != 6)
		return SMS_EDATA;
	if (s[n] == '+' || s[n] == '-') {
		sign = s[n];
		tz = atoi(s + n + 1);
	}
	if (mo < 1 || mo > 12 || dd < 1 || dd > 31 || hh > 23 || mi > 59 ||
	    ss > 60 || yy < 0 || yy > 99 || tz > 79)
		return SMS_EDATA;
	if (sign == '-')
		tz = -tz;
	*t = civil_days(2000 + yy, mo, dd) * 86400 + hh * 3600 +
	    mi * 60 + ss - (int64_t)tz * 900;
	*tz_quarters = tz;
	return 0;
}

/* A field in charset cs: UCS2 gives hex (of a number, say); with the
 * ucs2-utf8 quirk the hex may be of UTF-8, two digits a character. */
static void
field_text(const char *f, enum textmode_cs cs, bool ucs2_utf8, char *out,
    size_t size)
{
	uint8_t b[TEXTMODE_FIELD_MAX / 2];
	size_t len = strlen(f);
	int n;

	if (cs == TEXTMODE_UCS2 && len > 0 && len % (ucs2_utf8 ? 2 : 4) == 0 &&
	    (n = charset_unhex(f, len, b, sizeof b)) > 0) {
		charset_ucs2_text(b, (size_t)n, ucs2_utf8, out, size);
		return;
	}
	snprintf(out, size, "%s", f);
}

/* Octets of the GSM alphabet (or ASCII) into UTF-8. */
static void
octets_text(const char *s, enum textmode_cs cs, char *out, size_t size)
{
	size_t len = 0, k;
	char enc[UTF8_MAX];
	uint32_t cp;

	for (; *s != '\0' && len + UTF8_MAX < size; s++) {
		cp = (unsigned char)*s;
		if (cs == TEXTMODE_GSM && cp < 0x80)
			cp = gsm7_to_cp((uint8_t)cp);
		else if (cp >= 0x80)
			cp = UTF8_REPLACEMENT;	/* not ASCII, not GSM */
		if ((k = utf8_encode(cp, enc)) == 0)
			continue;
		memcpy(out + len, enc, k);
		len += k;
	}
	out[len] = '\0';
}

/* The text lines of a message into out, decoded. */
static void
body_text(struct textmode_msg *m, const char *const *lines, size_t n,
    enum textmode_cs cs, bool ucs2_utf8)
{
	char joined[2048];
	uint8_t b[1024];
	size_t i, len = 0, skip = 0;
	int k;
	bool hex;

	joined[0] = '\0';
	for (i = 0; i < n; i++)
		len += (size_t)snprintf(joined + len, len < sizeof joined ?
		    sizeof joined - len : 0, "%s%s", i ? "\n" : "", lines[i]);
	if (len >= sizeof joined)
		len = sizeof joined - 1;
	/* Hex: always in UCS2; in the others when the modem said the data
	 * is UCS-2 or 8-bit or carries a header (27.005 3.1 <data>). */
	hex = cs == TEXTMODE_UCS2 || (m->dcs >= 0 && (m->dcs & 0x0c) != 0) ||
	    (m->fo >= 0 && (m->fo & 0x40));
	if (!hex || (k = charset_unhex(joined, len, b, sizeof b)) < 0) {
		octets_text(joined, cs, m->body, sizeof m->body);
		return;
	}
	/* A user data header the modem shows (TP-UDHI): skip it.  The
	 * part is kept as it came; text mode cannot reassemble. */
	if (m->fo >= 0 && (m->fo & 0x40) && k > 0 && b[0] + 1 <= k)
		skip = (size_t)b[0] + 1;
	if (m->dcs >= 0 && (m->dcs & 0x0c) == 0x04)
		snprintf(m->body, sizeof m->body,
		    _("[binary message, %zu bytes]"), (size_t)k - skip);
	else if (cs != TEXTMODE_UCS2 && m->dcs >= 0 &&
	    (m->dcs & 0x0c) == 0) {
		/* GSM 7-bit with a header: the octets are the packed user
		 * data (27.005 3.1); the septets start after the fill. */
		uint8_t sept[200];
		size_t hbits = skip * 8, fill = (7 - hbits % 7) % 7;
		size_t ns = (k * 8 - hbits - fill) / 7;

		if (ns > sizeof sept)
			ns = sizeof sept;
		gsm7_unpack(b + skip, (size_t)k - skip, (unsigned)fill, ns,
		    sept);
		gsm7_to_utf8(sept, ns, m->body, sizeof m->body);
	} else
		charset_ucs2_text(b + skip, (size_t)k - skip, ucs2_utf8,
		    m->body, sizeof m->body);
}

/* A report's fields from fo on: fo,mr,[ra],[tora],scts,dt,st. */
static int
report_fields(struct textmode_msg *m, char (*f)[TEXTMODE_FIELD_MAX], int n)
{
	int tz;

	if (n < 7)
		return SMS_EDATA;
	m->report = true;
	m->fo = atoi(f[0]);
	m->mr = (unsigned)atoi(f[1]) & 0xff;
	m->st = atoi(f[n - 1]);
	if (textmode_time(f[n - 2], &m->sent_at, &tz) < 0)
		m->sent_at = 0;
	m->st_text = pdu_status_str((uint8_t)m->st);
	switch (pdu_status_kind((uint8_t)m->st)) {
	case PDU_STATUS_DELIVERED:
		m->st_state = MSG_DELIVERED;
		break;
	case PDU_STATUS_PENDING:
		m->st_state = MSG_SENT;
		break;
	default:
		m->st_state = MSG_UNDELIVERED;
		break;
	}
	return 0;
}

/* An unquoted number: a report's <fo> or a list's <index>, where a
 * deliver has its quoted <oa>. */
static bool
is_number(const char *s, bool quoted)
{
	return !quoted && *s != '\0' && strspn(s, "0123456789") == strlen(s);
}

int
textmode_parse(enum textmode_kind kind, const char *header,
    const char *const *lines, size_t n_lines, enum textmode_cs cs,
    bool ucs2_utf8, struct textmode_msg *out)
{
	char f[TEXTMODE_FIELDS_MAX][TEXTMODE_FIELD_MAX];
	bool q[TEXTMODE_FIELDS_MAX];
	int n, first = 0;

	memset(out, 0, sizeof *out);
	out->fo = out->dcs = -1;
	n = split_fields(header, f, q, TEXTMODE_FIELDS_MAX);
	switch (kind) {
	case TEXTMODE_CDS:
		return report_fields(out, f, n);
	case TEXTMODE_CMGL:
		if (n < 3 || !is_number(f[0], q[0]))
			return SMS_EDATA;
		out->idx = atoi(f[0]);
		first = 2;
		break;
	case TEXTMODE_CMGR:
		first = 1;
		break;
	case TEXTMODE_CMT:
		first = 0;
		break;
	}
	if (n <= first)
		return SMS_EDATA;
	/* After <stat>, a number is a report's <fo>; a deliver has <oa>. */
	if (kind != TEXTMODE_CMT && is_number(f[first], q[first]))
		return report_fields(out, f + first, n - first);
	/* <oa>,[<alpha>],<scts>[,<tooa>,<fo>,<pid>,<dcs>,<sca>,<tosca>,
	 * <length>] (CMGR and CMT with AT+CSDH=1); CMGL: ...,<tooa>,<len>. */
	if (n < first + 3)
		return SMS_EDATA;
	field_text(f[first], cs, ucs2_utf8, out->from, sizeof out->from);
	if (textmode_time(f[first + 2], &out->sent_at,
	    &out->tz_quarters) < 0)
		out->sent_at = 0;
	if (kind != TEXTMODE_CMGL && n >= first + 7) {
		out->fo = atoi(f[first + 4]);
		out->dcs = atoi(f[first + 6]);
	}
	body_text(out, lines, n_lines, cs, ucs2_utf8);
	return 0;
}
