#include "config.h"

#include "codec/pdu.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec/gsm7.h"
#include "codec/ucs2.h"
#include "util/civil.h"
#include "util/err.h"
#include "util/i18n.h"
#include "util/utf8.h"

const char *
pdu_type_name(enum pdu_type type)
{
	switch (type) {
	case PDU_DELIVER:
		return "deliver";
	case PDU_SUBMIT:
		return "submit";
	case PDU_STATUS_REPORT:
		return "status-report";
	}
	return "?";
}

const char *
pdu_number_type_name(enum pdu_number_type type)
{
	switch (type) {
	case PDU_NUM_INTERNATIONAL:
		return "international";
	case PDU_NUM_NATIONAL:
		return "national";
	case PDU_NUM_ALPHANUMERIC:
		return "alphanumeric";
	case PDU_NUM_UNKNOWN:
		break;
	}
	return "unknown";
}

enum pdu_status_kind
pdu_status_kind(uint8_t status)
{
	if (status < 0x20)
		return PDU_STATUS_DELIVERED;
	if (status < 0x40)
		return PDU_STATUS_PENDING;
	if (status < 0x60)
		return PDU_STATUS_FAILED;
	return PDU_STATUS_FAILED_TEMP;
}

const char *
pdu_status_kind_name(enum pdu_status_kind kind)
{
	switch (kind) {
	case PDU_STATUS_DELIVERED:
		return "delivered";
	case PDU_STATUS_PENDING:
		return "pending";
	case PDU_STATUS_FAILED:
		return "failed";
	case PDU_STATUS_FAILED_TEMP:
		break;
	}
	return "failed-temporary";
}

const char *
pdu_status_str(uint8_t status)
{
	/* TS 23.040 9.2.3.15, in its order. */
	switch (status) {
	case 0x00:
		return _("delivered to the recipient");
	case 0x01:
		return _("forwarded, but delivery could not be confirmed");
	case 0x02:
		return _("replaced by the service centre");
	case 0x20:
	case 0x60:
		return status == 0x20 ? _("network congestion, still trying") :
		    _("network congestion, gave up");
	case 0x21:
		return _("recipient busy, still trying");
	case 0x61:
		return _("recipient busy, gave up");
	case 0x22:
		return _("no response from the recipient, still trying");
	case 0x62:
		return _("no response from the recipient, gave up");
	case 0x23:
		return _("service rejected, still trying");
	case 0x63:
		return _("service rejected, gave up");
	case 0x24:
	case 0x44:
		return status == 0x24 ?
		    _("quality of service not available, still trying") :
		    _("quality of service not available");
	case 0x64:
		return _("quality of service not available, gave up");
	case 0x25:
		return _("error in the recipient's phone, still trying");
	case 0x65:
		return _("error in the recipient's phone, gave up");
	case 0x40:
		return _("remote procedure error");
	case 0x41:
		return _("incompatible destination");
	case 0x42:
		return _("connection rejected by the recipient");
	case 0x43:
		return _("not obtainable");
	case 0x45:
		return _("no interworking available");
	case 0x46:
		return _("validity period expired");
	case 0x47:
		return _("deleted by the sender");
	case 0x48:
		return _("deleted by the service centre");
	case 0x49:
		return _("the message does not exist");
	default:
		break;
	}
	switch (pdu_status_kind(status)) {
	case PDU_STATUS_DELIVERED:
		return _("delivered (service centre specific status)");
	case PDU_STATUS_PENDING:
		return _("temporary error, still trying");
	case PDU_STATUS_FAILED:
		return _("permanent error");
	case PDU_STATUS_FAILED_TEMP:
		break;
	}
	return _("temporary error, gave up");
}

static int
days_in_month(int y, int m)
{
	static const int days[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return days[m - 1];
}

char *
pdu_time_iso(const struct pdu_time *t, char *out, size_t size)
{
	int q;

	if (size == 0)
		return out;
	out[0] = '\0';
	if (!t->valid)
		return out;
	q = t->tz_quarters < 0 ? -t->tz_quarters : t->tz_quarters;
	snprintf(out, size, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d",
	    t->year, t->month, t->day, t->hour, t->minute, t->second,
	    t->tz_quarters < 0 ? '-' : '+', q / 4, (q % 4) * 15);
	return out;
}

bool
pdu_data_is_text(const struct pdu_msg *m)
{
	const char *p = (const char *)m->data;
	size_t i = 0;
	uint32_t cp;
	int k;

	if (m->encoding != SMS_ENC_8BIT || m->compressed || m->data_len == 0)
		return false;
	while (i < m->data_len) {
		if ((k = utf8_decode(p + i, m->data_len - i, &cp)) < 0)
			return false;
		if ((cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') ||
		    (cp >= 0x7f && cp < 0xa0))
			return false;
		i += (size_t)k;
	}
	return true;
}

#define PREVIEW_BYTES 8	/* bytes of 8-bit data a placeholder shows */

char *
pdu_data_text(const struct pdu_msg *m, char *out, size_t size)
{
	char hex[2 * PREVIEW_BYTES + 1];
	size_t i, n;

	if (size == 0)
		return out;
	if (m->compressed)
		snprintf(out, size, _("[compressed text, %zu bytes]"),
		    m->data_len);
	else if (m->encoding != SMS_ENC_8BIT)
		snprintf(out, size, "%s", m->text);
	else if (pdu_data_is_text(m)) {
		/* Cut on a character boundary when out is too small. */
		n = m->data_len;
		if (n >= size) {
			n = size - 1;
			while (n > 0 && (m->data[n] & 0xc0) == 0x80)
				n--;
		}
		memcpy(out, m->data, n);
		out[n] = '\0';
	} else {
		n = m->data_len < PREVIEW_BYTES ? m->data_len : PREVIEW_BYTES;
		for (i = 0; i < n; i++)
			snprintf(hex + 2 * i, 3, "%02X", m->data[i]);
		hex[2 * n] = '\0';
		if (n == 0)
			snprintf(out, size, _("[8-bit data, 0 bytes]"));
		else
			/* TRANSLATORS: %zu bytes, then the first of them in
			   hex; "..." when there are more. */
			snprintf(out, size, _("[8-bit data, %zu bytes: %s%s]"),
			    m->data_len, hex,
			    m->data_len > n ? "\xe2\x80\xa6" : "");
	}
	return out;
}

/* Reading a PDU: position, bounds, and where errors are reported. */
struct rd {
	const uint8_t *p;
	size_t len;
	size_t pos;
	struct sms_err *err;
	size_t err_pos;		/* where the error was found */
};

static int
rd_fail(struct rd *r, size_t at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Record an error found at byte at; the sentence gets " at byte N". */
static int
rd_fail(struct rd *r, size_t at, const char *fmt, ...)
{
	char what[SMS_ERR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	r->err_pos = at;
	/* TRANSLATORS: "%s" is a sentence naming what is wrong. */
	return sms_err_set(r->err, SMS_EDATA, _("bad PDU at byte %zu: %s"),
	    at, what);
}

/* Fail unless n more bytes are there for what (untranslated, N_()). */
static int
rd_need(struct rd *r, size_t n, const char *what)
{
	if (n <= r->len - r->pos)
		return 0;
	return rd_fail(r, r->len, _("it ends inside the %s (%zu more "
	    "bytes needed)"), _(what), n - (r->len - r->pos));
}

static int
rd_byte(struct rd *r, const char *what, uint8_t *out)
{
	int rc;

	if ((rc = rd_need(r, 1, what)) < 0)
		return rc;
	*out = r->p[r->pos++];
	return 0;
}

static enum pdu_number_type
number_type(uint8_t toa)
{
	switch ((toa >> 4) & 7) {
	case 1:
		return PDU_NUM_INTERNATIONAL;
	case 2:
		return PDU_NUM_NATIONAL;
	case 5:
		return PDU_NUM_ALPHANUMERIC;
	default:
		return PDU_NUM_UNKNOWN;
	}
}

/* Semi-octet digits (TS 23.040 9.1.2.3) of oct[0..n), up to ndigits. */
static void
digits_to_str(const uint8_t *oct, size_t ndigits, bool plus, char *out,
    size_t size)
{
	static const char map[16] = "0123456789*#abc";
	size_t i, len = 0;
	unsigned nib;

	if (plus && len + 1 < size)
		out[len++] = '+';
	for (i = 0; i < ndigits && len + 1 < size; i++) {
		nib = (i % 2 == 0) ? oct[i / 2] & 0x0f : oct[i / 2] >> 4;
		if (nib == 0x0f)
			continue;	/* filler */
		out[len++] = map[nib];
	}
	out[len] = '\0';
}

/* TP-OA / TP-DA / TP-RA (TS 23.040 9.1.2.5). */
static int
rd_address(struct rd *r, const char *what, struct pdu_address *a)
{
	uint8_t n, toa, sept[PDU_ADDR_MAX];
	size_t start = r->pos, octets, nsept;
	int rc;

	if ((rc = rd_byte(r, what, &n)) < 0)
		return rc;
	if (n > 20)
		return rd_fail(r, start, _("the %s has %u digits, at most "
		    "20 are allowed"), _(what), (unsigned)n);
	if ((rc = rd_byte(r, what, &toa)) < 0)
		return rc;
	octets = (n + 1u) / 2;
	if ((rc = rd_need(r, octets, what)) < 0)
		return rc;
	a->toa = toa;
	a->type = number_type(toa);
	if (a->type == PDU_NUM_ALPHANUMERIC) {
		/* GSM-7 packed; n counts semi-octets (9.1.2.5). */
		nsept = gsm7_unpack(r->p + r->pos, octets, 0, n * 4u / 7u,
		    sept);
		/*
		 * Seven characters fill seven octets with seven bits to
		 * spare, which the count makes an eighth character; senders
		 * put CR there, not @ (TS 23.038 6.1.2.3.1).  It is padding.
		 */
		if (nsept > 0 && nsept % 8 == 0 && sept[nsept - 1] == 0x0D)
			nsept--;
		gsm7_to_utf8(sept, nsept, a->number, sizeof a->number);
	} else
		digits_to_str(r->p + r->pos, n,
		    a->type == PDU_NUM_INTERNATIONAL, a->number,
		    sizeof a->number);
	r->pos += octets;
	return 0;
}

/* The SMSC address (TS 24.011 8.2.5.1): a length in octets first. */
static int
rd_smsc(struct rd *r, struct pdu_address *a)
{
	uint8_t n, toa;
	int rc;

	if ((rc = rd_byte(r, N_("SMSC address"), &n)) < 0)
		return rc;
	if (n == 0)
		return 0;
	if (n > 11)
		return rd_fail(r, 0, _("the SMSC address length %u is over "
		    "11"), (unsigned)n);
	if ((rc = rd_need(r, n, N_("SMSC address"))) < 0)
		return rc;
	toa = r->p[r->pos];
	a->toa = toa;
	a->type = number_type(toa);
	digits_to_str(r->p + r->pos + 1, (n - 1u) * 2u,
	    a->type == PDU_NUM_INTERNATIONAL, a->number, sizeof a->number);
	r->pos += n;
	return 0;
}

/*
 * A time stamp (TS 23.040 9.2.3.11): seven swapped-BCD octets, the last
 * the offset in quarter hours with bit 3 as the sign.  A time that is
 * not a real date is kept as invalid, not an error: the message matters
 * more than its stamp.
 */
static int
rd_time(struct rd *r, const char *what, struct pdu_time *t)
{
	int v[6], i, q;
	const uint8_t *b;
	unsigned lo, hi;
	int rc;

	if ((rc = rd_need(r, 7, what)) < 0)
		return rc;
	b = r->p + r->pos;
	r->pos += 7;
	memset(t, 0, sizeof *t);
	for (i = 0; i < 6; i++) {
		lo = b[i] & 0x0f;
		hi = b[i] >> 4;
		if (lo > 9 || hi > 9)
			return 0;
		v[i] = (int)(lo * 10 + hi);
	}
	lo = b[6] & 0x07;
	hi = b[6] >> 4;
	if (hi > 9)
		return 0;
	q = (int)(lo * 10 + hi);
	if (b[6] & 0x08)
		q = -q;
	t->year = v[0] >= 90 ? 1900 + v[0] : 2000 + v[0];
	t->month = v[1];
	t->day = v[2];
	t->hour = v[3];
	t->minute = v[4];
	t->second = v[5];
	t->tz_quarters = q;
	if (t->month < 1 || t->month > 12 || t->day < 1 ||
	    t->day > days_in_month(t->year, t->month) || t->hour > 23 ||
	    t->minute > 59 || t->second > 59)
		return 0;
	t->unix_time = civil_days(t->year, t->month, t->day) * 86400 +
	    t->hour * 3600 + t->minute * 60 + t->second - (int64_t)q * 900;
	t->valid = true;
	return 0;
}

/* TP-DCS (TS 23.038 4). */
static void
dcs_parse(struct pdu_msg *m)
{
	uint8_t dcs = m->dcs;

	m->encoding = SMS_ENC_GSM7;
	m->msg_class = -1;
	switch (dcs >> 4) {
	case 0x0: case 0x1: case 0x2: case 0x3:	/* general data coding */
	case 0x4: case 0x5: case 0x6: case 0x7:	/* automatic deletion */
		m->compressed = (dcs & 0x20) != 0;
		if (dcs & 0x10)
			m->msg_class = dcs & 0x03;
		switch ((dcs >> 2) & 0x03) {
		case 1:
			m->encoding = SMS_ENC_8BIT;
			break;
		case 2:
			m->encoding = SMS_ENC_UCS2;
			break;
		default:	/* 11 is reserved: read as GSM-7 */
			break;
		}
		break;
	case 0xc: case 0xd: case 0xe:		/* message waiting */
		m->mwi_discard = (dcs >> 4) == 0xc;
		if ((dcs >> 4) == 0xe)
			m->encoding = SMS_ENC_UCS2;
		m->mwi_active = (dcs & 0x08) != 0;
		m->mwi = (enum pdu_mwi_type)(PDU_MWI_VOICEMAIL + (dcs & 3));
		break;
	case 0xf:				/* data coding/message class */
		if (dcs & 0x04)
			m->encoding = SMS_ENC_8BIT;
		m->msg_class = dcs & 0x03;
		break;
	default:	/* 1000..1011 reserved: GSM-7 (TS 23.038 4) */
		break;
	}
}

/*
 * The UDH's information elements (TS 23.040 9.2.3.24).  An element that
 * runs past the end of the header ends the parsing: the elements before
 * it count, the text after the header is still read (some senders get an
 * element's length wrong; Nordic's modem tests have one), and the whole
 * header stays in udh.
 */
static void
udh_parse(struct pdu_msg *m)
{
	size_t i = 0, ielen;
	const uint8_t *h = m->udh;
	uint8_t iei;

	while (i < m->udh_len) {
		iei = h[i];
		if (i + 1 >= m->udh_len)
			break;
		ielen = h[i + 1];
		if (i + 2 + ielen > m->udh_len)
			break;
		/* 9.2.3.24.1: a zero total or a sequence out of range
		   means the element is ignored, not the message. */
		if (iei == 0x00 && ielen == 3 && h[i + 3] != 0 &&
		    h[i + 4] != 0 && h[i + 4] <= h[i + 3]) {
			m->concat.present = true;
			m->concat.ref16 = false;
			m->concat.ref = h[i + 2];
			m->concat.total = h[i + 3];
			m->concat.seq = h[i + 4];
		} else if (iei == 0x08 && ielen == 4 && h[i + 4] != 0 &&
		    h[i + 5] != 0 && h[i + 5] <= h[i + 4]) {
			m->concat.present = true;
			m->concat.ref16 = true;
			m->concat.ref = (uint16_t)(h[i + 2] << 8 | h[i + 3]);
			m->concat.total = h[i + 4];
			m->concat.seq = h[i + 5];
		} else if (iei == 0x24 && ielen == 1)
			m->lang_single = h[i + 2];
		else if (iei == 0x25 && ielen == 1)
			m->lang_locking = h[i + 2];
		i += 2 + ielen;
	}
}

/* TP-UDL and TP-UD, with the UDH when TP-UDHI is set. */
static int
rd_user_data(struct rd *r, struct pdu_msg *m, bool udhi)
{
	size_t start = r->pos, octets, hdr = 0, fill = 0, hsept, nsept;
	bool septets = m->encoding == SMS_ENC_GSM7 && !m->compressed;
	const uint8_t *ud;
	uint8_t udl;
	int rc;

	if ((rc = rd_byte(r, N_("user data length"), &udl)) < 0)
		return rc;
	if (septets) {
		if (udl > 160)
			return rd_fail(r, start, _("the user data length %u "
			    "is over 160 septets"), (unsigned)udl);
		octets = ((size_t)udl * 7 + 7) / 8;
	} else {
		if (udl > PDU_UD_MAX)
			return rd_fail(r, start, _("the user data length %u "
			    "is over 140 octets"), (unsigned)udl);
		octets = udl;
	}
	if ((rc = rd_need(r, octets, N_("user data"))) < 0)
		return rc;
	ud = r->p + r->pos;
	if (udhi && octets > 0) {
		hdr = (size_t)ud[0] + 1;
		if (hdr > octets)
			return rd_fail(r, start + 1, _("the user data header "
			    "(%zu bytes) is longer than the user data (%zu)"),
			    hdr, octets);
		m->udh_len = hdr - 1;
		memcpy(m->udh, ud + 1, m->udh_len);
		udh_parse(m);
	}
	r->pos += octets;
	if (septets) {
		/* 9.2.3.24: the text starts on a septet boundary after
		   fill bits. */
		fill = (7 - (hdr * 8) % 7) % 7;
		hsept = (hdr * 8 + fill) / 7;
		if (hsept > udl)
			return rd_fail(r, start, _("the user data length %u "
			    "is shorter than its header"), (unsigned)udl);
		nsept = gsm7_unpack(ud + hdr, octets - hdr, (unsigned)fill,
		    udl - hsept, m->data);
		m->data_len = nsept;
		gsm7_to_utf8_lang(m->data, nsept,
		    m->lang_locking > 0 ? (unsigned)m->lang_locking : 0,
		    m->lang_single > 0 ? (unsigned)m->lang_single : 0,
		    m->text, sizeof m->text);
		return 0;
	}
	m->data_len = octets - hdr;
	memcpy(m->data, ud + hdr, m->data_len);
	if (m->encoding == SMS_ENC_UCS2 && !m->compressed)
		ucs2_to_utf8(m->data, m->data_len, m->text, sizeof m->text);
	return 0;
}

/* TP-VP as its format says (TS 23.040 9.2.3.12). */
static int
rd_validity(struct rd *r, unsigned vpf, struct pdu_msg *m)
{
	uint8_t vp;
	int rc;

	switch (vpf) {
	case 2:				/* relative */
		if ((rc = rd_byte(r, N_("validity period"), &vp)) < 0)
			return rc;
		m->vp_minutes = pdu_vp_minutes(vp);
		return 0;
	case 1:				/* enhanced */
	case 3:				/* absolute */
		if ((rc = rd_need(r, 7, N_("validity period"))) < 0)
			return rc;
		r->pos += 7;
		return 0;
	default:
		return 0;
	}
}

static int
decode_deliver(struct rd *r, struct pdu_msg *m)
{
	uint8_t fo = m->first_octet;
	int rc;

	m->type = PDU_DELIVER;
	m->more_to_send = !(fo & 0x04);
	m->status_report = (fo & 0x20) != 0;
	m->reply_path = (fo & 0x80) != 0;
	if ((rc = rd_address(r, N_("sender address"), &m->addr)) < 0 ||
	    (rc = rd_byte(r, N_("protocol identifier"), &m->pid)) < 0 ||
	    (rc = rd_byte(r, N_("data coding scheme"), &m->dcs)) < 0)
		return rc;
	dcs_parse(m);
	if ((rc = rd_time(r, N_("time stamp"), &m->scts)) < 0)
		return rc;
	return rd_user_data(r, m, (fo & 0x40) != 0);
}

static int
decode_submit(struct rd *r, struct pdu_msg *m)
{
	uint8_t fo = m->first_octet;
	int rc;

	m->type = PDU_SUBMIT;
	m->status_report = (fo & 0x20) != 0;
	m->reply_path = (fo & 0x80) != 0;
	if ((rc = rd_byte(r, N_("message reference"), &m->mr)) < 0 ||
	    (rc = rd_address(r, N_("recipient address"), &m->addr)) < 0 ||
	    (rc = rd_byte(r, N_("protocol identifier"), &m->pid)) < 0 ||
	    (rc = rd_byte(r, N_("data coding scheme"), &m->dcs)) < 0)
		return rc;
	dcs_parse(m);
	if ((rc = rd_validity(r, (fo >> 3) & 3, m)) < 0)
		return rc;
	return rd_user_data(r, m, (fo & 0x40) != 0);
}

static int
decode_status_report(struct rd *r, struct pdu_msg *m)
{
	uint8_t fo = m->first_octet, pi, ext;
	int rc;

	m->type = PDU_STATUS_REPORT;
	m->more_to_send = !(fo & 0x04);
	if ((rc = rd_byte(r, N_("message reference"), &m->mr)) < 0 ||
	    (rc = rd_address(r, N_("recipient address"), &m->addr)) < 0 ||
	    (rc = rd_time(r, N_("time stamp"), &m->scts)) < 0 ||
	    (rc = rd_time(r, N_("discharge time"), &m->discharge)) < 0 ||
	    (rc = rd_byte(r, N_("status"), &m->status)) < 0)
		return rc;
	/* Optional TP-PI and what it announces (9.2.2.3).  Some networks
	   pad with 0xFF or stop early: then the report ends here. */
	if (r->pos >= r->len)
		return 0;
	pi = r->p[r->pos];
	if (pi & 0x78)
		return 0;
	r->pos++;
	for (ext = pi; ext & 0x80; ) {	/* extension octets: skipped */
		if (r->pos >= r->len)
			return 0;
		ext = r->p[r->pos++];
	}
	if ((pi & 0x01) &&
	    (rc = rd_byte(r, N_("protocol identifier"), &m->pid)) < 0)
		return rc;
	if (pi & 0x02) {
		if ((rc = rd_byte(r, N_("data coding scheme"), &m->dcs)) < 0)
			return rc;
		dcs_parse(m);
	}
	if (pi & 0x04)
		return rd_user_data(r, m, (fo & 0x40) != 0);
	return 0;
}

/*
 * TP-MTI 01 is SMS-SUBMIT, but some phones store received messages with
 * it (gammu's tests/at-sms/01 is one, from a bug report): when the PDU
 * does not read as a submit, try it as a deliver that ends exactly where
 * the PDU does before giving up, and report the submit's error if that
 * fails too.
 */
static int
decode_submit_or_deliver(struct rd *r, struct pdu_msg *m)
{
	struct sms_err first, *err = r->err;
	size_t start = r->pos, first_pos;
	struct pdu_msg saved;
	int rc;

	memcpy(&saved, m, sizeof saved);
	r->err = &first;
	if ((rc = decode_submit(r, m)) == 0) {
		r->err = err;
		return 0;
	}
	first_pos = r->err_pos;
	memcpy(m, &saved, sizeof *m);
	r->pos = start;
	r->err = NULL;
	/* Only a reading that ends exactly where the PDU does, so that
	   a broken submit is not passed off as some odd deliver. */
	if (decode_deliver(r, m) == 0 && r->pos == r->len) {
		r->err = err;
		return 0;
	}
	memcpy(m, &saved, sizeof *m);
	r->err = err;
	r->err_pos = first_pos;
	return sms_err_set(err, first.code, "%s", first.msg);
}

/* One reading of the PDU: with or without an SMSC first. */
static int
decode_one(const uint8_t *bytes, size_t len, bool smsc, struct pdu_msg *m,
    struct sms_err *err, size_t *err_pos, bool *exact)
{
	struct rd r = { bytes, len, 0, err, 0 };
	int rc;

	memset(m, 0, sizeof *m);
	m->msg_class = -1;
	m->vp_minutes = -1;
	m->lang_locking = -1;
	m->lang_single = -1;
	*exact = false;
	if (smsc) {
		m->has_smsc = true;
		if ((rc = rd_smsc(&r, &m->smsc)) < 0)
			goto fail;
	}
	if ((rc = rd_byte(&r, N_("first octet"), &m->first_octet)) < 0)
		goto fail;
	switch (m->first_octet & 0x03) {
	case 0:
		rc = decode_deliver(&r, m);
		break;
	case 1:
		rc = decode_submit_or_deliver(&r, m);
		break;
	case 2:
		rc = decode_status_report(&r, m);
		break;
	default:
		rc = rd_fail(&r, r.pos - 1, _("the message type (TP-MTI 3) "
		    "is reserved"));
		break;
	}
	if (rc < 0)
		goto fail;
	*exact = r.pos == len;
	return 0;
fail:
	*err_pos = r.err_pos;
	m->err_offset = r.err_pos;
	return rc;
}

int
pdu_decode(const uint8_t *bytes, size_t len, enum pdu_smsc_mode mode,
    struct pdu_msg *msg, struct sms_err *err)
{
	struct sms_err e1, e2;
	size_t p1 = 0, p2 = 0;
	bool x1, x2;
	int r1, r2;

	if (msg == NULL || (bytes == NULL && len > 0))
		return sms_err_set(err, SMS_EINVAL, _("no PDU to decode"));
	if (len == 0) {
		memset(msg, 0, sizeof *msg);
		return sms_err_set(err, SMS_EDATA, _("the PDU is empty"));
	}
	if (len > PDU_MAX_BYTES) {
		memset(msg, 0, sizeof *msg);
		msg->err_offset = PDU_MAX_BYTES;
		return sms_err_set(err, SMS_EDATA, _("the PDU is %zu bytes "
		    "long, at most %d are allowed"), len, PDU_MAX_BYTES);
	}
	if (mode != PDU_SMSC_AUTO)
		return decode_one(bytes, len, mode == PDU_SMSC_PRESENT, msg,
		    err, &p1, &x1);
	r1 = decode_one(bytes, len, true, msg, &e1, &p1, &x1);
	if (r1 == 0 && x1)
		return 0;
	r2 = decode_one(bytes, len, false, msg, &e2, &p2, &x2);
	if (r2 == 0 && (x2 || r1 < 0))
		return 0;
	if (r1 == 0)
		return decode_one(bytes, len, true, msg, err, &p1, &x1);
	/* Both failed.  Modems mostly send the SMSC: blame that reading
	   unless its SMSC field cannot be one, or it failed inside that
	   field where the bare reading got past it. */
	if (bytes[0] <= 11 && !(p1 <= bytes[0] && p2 > bytes[0])) {
		msg->err_offset = p1;
		return sms_err_set(err, e1.code, "%s", e1.msg);
	}
	msg->err_offset = p2;
	return sms_err_set(err, e2.code, "%s", e2.msg);
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
pdu_decode_hex(const char *hex, size_t len, enum pdu_smsc_mode mode,
    struct pdu_msg *msg, struct sms_err *err)
{
	uint8_t bytes[PDU_MAX_BYTES];
	size_t i;
	int hi, lo;

	if (msg == NULL || (hex == NULL && len > 0))
		return sms_err_set(err, SMS_EINVAL, _("no PDU to decode"));
	if (len > 2 * PDU_MAX_BYTES) {
		memset(msg, 0, sizeof *msg);
		msg->err_offset = PDU_MAX_BYTES;
		return sms_err_set(err, SMS_EDATA, _("the PDU is %zu bytes "
		    "long, at most %d are allowed"), (len + 1) / 2,
		    PDU_MAX_BYTES);
	}
	for (i = 0; i + 1 < len; i += 2) {
		hi = hexval(hex[i]);
		lo = hexval(hex[i + 1]);
		if (hi < 0 || lo < 0) {
			if (hi >= 0)
				i++;
			memset(msg, 0, sizeof *msg);
			msg->err_offset = i / 2;
			return sms_err_set(err, SMS_EDATA, _("bad PDU at "
			    "character %zu: \"%c\" is not a hex digit"), i,
			    hex[i] >= 0x20 && hex[i] < 0x7f ? hex[i] : '?');
		}
		bytes[i / 2] = (uint8_t)(hi << 4 | lo);
	}
	if (len % 2 != 0) {
		memset(msg, 0, sizeof *msg);
		msg->err_offset = len / 2;
		return sms_err_set(err, SMS_EDATA, _("bad PDU: an odd number "
		    "of hex digits (%zu); the last byte is cut"), len);
	}
	return pdu_decode(bytes, len / 2, mode, msg, err);
}

size_t
pdu_hex_trim(const char *hex, size_t hexlen, int tpdu_len)
{
	int hi, lo;
	size_t want;

	if (hex == NULL || tpdu_len < 0 || hexlen < 2)
		return hexlen;
	hi = hexval(hex[0]);
	lo = hexval(hex[1]);
	if (hi < 0 || lo < 0 || (hi << 4 | lo) > 11)
		return hexlen;
	want = 2 * (1 + (size_t)(hi << 4 | lo) + (size_t)tpdu_len);
	return want < hexlen ? want : hexlen;
}

enum pdu_smsc_mode
pdu_smsc_mode_for(size_t hexlen, int tpdu_len)
{
	/* A length that does not fit the PDU (some modems and simulators
	   report a fixed one) says nothing: guess. */
	if (tpdu_len < 0 || hexlen / 2 < (size_t)tpdu_len)
		return PDU_SMSC_AUTO;
	return hexlen / 2 > (size_t)tpdu_len ? PDU_SMSC_PRESENT :
	    PDU_SMSC_ABSENT;
}

uint8_t
pdu_vp_relative(int minutes)
{
	/* TS 23.040 9.2.3.12.1, from the finest step up. */
	if (minutes <= 0)
		return 0;
	if (minutes <= 720)
		return (uint8_t)((minutes + 4) / 5 - 1);
	if (minutes <= 1440)
		return (uint8_t)(143 + (minutes - 720 + 29) / 30);
	if (minutes <= 30 * 1440)
		return (uint8_t)(166 + (minutes + 1439) / 1440);
	if (minutes <= 63 * 10080)
		return (uint8_t)(192 + (minutes + 10079) / 10080);
	return 255;
}

int
pdu_vp_minutes(uint8_t vp)
{
	if (vp <= 143)
		return (vp + 1) * 5;
	if (vp <= 167)
		return 720 + (vp - 143) * 30;
	if (vp <= 196)
		return (vp - 166) * 1440;
	return (vp - 192) * 10080;
}

void
pdu_submit_opts_init(struct pdu_submit_opts *opts)
{
	memset(opts, 0, sizeof *opts);
	opts->msg_class = -1;
}

/*
 * Encode a number as semi-octets (TS 23.040 9.1.2.3) after its type octet:
 * out[0] = TOA, then the digits.  Returns the digit count or SMS_EDATA.
 */
static int
number_encode(const char *num, const char *what, uint8_t *out,
    size_t *outlen, struct sms_err *err)
{
	size_t i = 0, nd = 0;
	unsigned v;
	char c;

	out[0] = 0x81;			/* unknown type, ISDN plan */
	if (num[0] == '+') {
		out[0] = 0x91;		/* international */
		i = 1;
	}
	for (; num[i] != '\0'; i++) {
		c = num[i];
		if (c >= '0' && c <= '9')
			v = (unsigned)(c - '0');
		else if (c == '*')
			v = 0x0a;
		else if (c == '#')
			v = 0x0b;
		else
			return sms_err_set(err, SMS_EDATA, _("the %s \"%s\" "
			    "is not a phone number: the character at byte %zu "
			    "is not a digit"), what, num, i);
		if (nd >= 20)
			return sms_err_set(err, SMS_EDATA, _("the %s \"%s\" "
			    "has more than 20 digits"), what, num);
		if (nd % 2 == 0)
			out[1 + nd / 2] = (uint8_t)(0xf0 | v);
		else
			out[1 + nd / 2] = (uint8_t)((out[1 + nd / 2] & 0x0f) |
			    v << 4);
		nd++;
	}
	if (nd == 0)
		return sms_err_set(err, SMS_EDATA, _("the %s \"%s\" has no "
		    "digits"), what, num);
	*outlen = 1 + (nd + 1) / 2;
	return (int)nd;
}

/* TP-DA for opts->to: length in digits, TOA, value. */
static int
da_encode(const struct pdu_submit_opts *opts, uint8_t *out, size_t *outlen,
    struct sms_err *err)
{
	uint8_t sept[24], s;
	size_t i = 0, n = 0, len;
	const char *to = opts->to;
	bool letters = false;
	uint32_t cp;
	int k, g, nd;

	/* A name has a letter; "+36-30" is a mistyped number. */
	for (i = 0; to[i] != '\0'; i++)
		if ((unsigned char)to[i] >= 0x80 ||
		    (to[i] >= 'a' && to[i] <= 'z') ||
		    (to[i] >= 'A' && to[i] <= 'Z'))
			letters = true;
	if (!letters || !opts->allow_alnum) {
		if ((nd = number_encode(to, _("recipient"), out + 1, &len,
		    err)) < 0)
			return nd;
		out[0] = (uint8_t)nd;
		*outlen = 1 + len;
		return 0;
	}
	/* An alphanumeric address: up to 11 GSM-7 characters (9.1.2.5). */
	len = strlen(to);
	for (i = 0; i < len; i += (size_t)k) {
		if ((k = utf8_decode(to + i, len - i, &cp)) < 0 ||
		    (g = gsm7_from_cp(cp, &s)) == 0)
			return sms_err_set(err, SMS_EDATA, _("the recipient "
			    "\"%s\" has a character with no GSM 7-bit form at "
			    "byte %zu"), to, i);
		if (n + (size_t)g > 11)
			return sms_err_set(err, SMS_EDATA, _("the recipient "
			    "\"%s\" is longer than 11 characters"), to);
		if (g == 2)
			sept[n++] = GSM7_ESC;
		sept[n++] = s;
	}
	out[0] = (uint8_t)((n * 7 + 3) / 4);
	out[1] = 0xd0;
	*outlen = 2 + gsm7_pack(sept, n, 0, out + 2);
	return 0;
}

/*
 * The septets (with the locking and single shift tables given, 0 for the
 * defaults) or UTF-16 octets of s[0..len) into out; returns their count.
 */
static size_t
text_units(const char *s, size_t len, enum sms_encoding enc, unsigned lock,
    unsigned single, uint8_t *out)
{
	size_t i = 0, n = 0;
	uint8_t sep;
	uint32_t cp;
	int k;

	while (i < len) {
		if ((k = utf8_decode(s + i, len - i, &cp)) < 0)
			break;		/* validated before */
		if (enc == SMS_ENC_UCS2)
			n += ucs2_put(cp, out + n);
		else if (gsm7_lang_from_cp(cp, lock, single, &sep) == 2) {
			out[n++] = GSM7_ESC;
			out[n++] = sep;
		} else
			out[n++] = sep;
		i += (size_t)k;
	}
	return n;
}

static void
to_hex(const uint8_t *b, size_t n, char *out)
{
	static const char digits[] = "0123456789ABCDEF";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[b[i] >> 4];
		out[2 * i + 1] = digits[b[i] & 0x0f];
	}
	out[2 * n] = '\0';
}

int
pdu_submit_encode(const char *s, size_t len,
    const struct pdu_submit_opts *opts, struct pdu_part **parts,
    size_t *nparts, struct sms_err *err)
{
	struct segment_span spans[SEGMENT_MAX];
	struct segment_info info;
	struct pdu_part *out = NULL;
	uint8_t smsc[12], da[12], pdu[PDU_MAX_BYTES], units[PDU_DATA_MAX];
	uint8_t udh[16], dcs, fo;
	size_t smsc_len = 0, da_len = 0, nu, n, i, hdr, fill, hsept, octets;
	unsigned flags;
	char *smart = NULL;
	const char *text = s;
	int rc, nseg;

	if (parts == NULL || nparts == NULL || opts == NULL ||
	    opts->to == NULL || (s == NULL && len > 0))
		return sms_err_set(err, SMS_EINVAL, _("nothing to encode"));
	*parts = NULL;
	*nparts = 0;
	if (opts->msg_class < -1 || opts->msg_class > 3)
		return sms_err_set(err, SMS_EINVAL, _("the message class %d "
		    "is not 0, 1, 2 or 3"), opts->msg_class);
	if (!opts->no_smsc) {
		if (opts->smsc == NULL || opts->smsc[0] == '\0')
			smsc_len = 1;	/* 00: the SIM's default SMSC */
		else {
			if ((rc = number_encode(opts->smsc, _("SMSC number"),
			    smsc + 1, &n, err)) < 0)
				return rc;
			smsc[0] = (uint8_t)n;
			smsc_len = 1 + n;
		}
		if (smsc_len == 1)
			smsc[0] = 0;
	}
	if ((rc = da_encode(opts, da, &da_len, err)) < 0)
		return rc;
	flags = opts->flags;
	if ((rc = segment_calc(s, len, flags, &info, err)) < 0)
		return rc;
	if (info.replaced > 0) {
		if ((rc = segment_smart(s, len, &smart, NULL, NULL, err)) < 0)
			return rc;
		text = smart;
		len = strlen(smart);
	}
	flags = info.flags & ~SEGMENT_SMART;
	if ((nseg = segment_split(text, len, info.encoding, flags, spans,
	    SEGMENT_MAX, err)) < 0) {
		rc = nseg;
		goto out;
	}
	if (nseg > SEGMENT_MAX) {
		rc = sms_err_set(err, SMS_ETOOBIG, _("the text needs %d "
		    "messages, at most %d can be joined"), nseg, SEGMENT_MAX);
		goto out;
	}
	if ((out = calloc((size_t)nseg, sizeof *out)) == NULL) {
		rc = sms_err_set(err, SMS_ENOMEM, _("out of memory"));
		goto out;
	}
	dcs = info.encoding == SMS_ENC_UCS2 ? 0x08 : 0x00;
	if (opts->msg_class >= 0)
		dcs |= (uint8_t)(0x10 | opts->msg_class);
	fo = 0x01;			/* SMS-SUBMIT */
	if (opts->validity_minutes > 0)
		fo |= 0x10;		/* TP-VPF: relative */
	if (opts->status_report)
		fo |= 0x20;		/* TP-SRR */
	if (nseg > 1 || info.lang_locking > 0 || info.lang_single > 0)
		fo |= 0x40;		/* TP-UDHI */
	for (i = 0; i < (size_t)nseg; i++) {
		n = 0;
		memcpy(pdu, smsc, smsc_len);
		n = smsc_len;
		pdu[n++] = fo;
		pdu[n++] = opts->mr;
		memcpy(pdu + n, da, da_len);
		n += da_len;
		pdu[n++] = 0x00;	/* TP-PID: plain short message */
		pdu[n++] = dcs;
		if (opts->validity_minutes > 0)
			pdu[n++] = pdu_vp_relative(opts->validity_minutes);
		hdr = 1;		/* udh[0], the length, set below */
		if (nseg > 1) {
			if (flags & SEGMENT_REF16) {
				udh[hdr++] = 0x08;
				udh[hdr++] = 4;
				udh[hdr++] = (uint8_t)(opts->concat_ref >> 8);
			} else {
				udh[hdr++] = 0x00;
				udh[hdr++] = 3;
			}
			udh[hdr++] = (uint8_t)opts->concat_ref;
			udh[hdr++] = (uint8_t)nseg;
			udh[hdr++] = (uint8_t)(i + 1);
		}
		/* National language shift tables (TS 23.040 9.2.3.24.15
		   and .16): every part names them. */
		if (info.lang_locking > 0) {
			udh[hdr++] = 0x25;
			udh[hdr++] = 1;
			udh[hdr++] = (uint8_t)info.lang_locking;
		}
		if (info.lang_single > 0) {
			udh[hdr++] = 0x24;
			udh[hdr++] = 1;
			udh[hdr++] = (uint8_t)info.lang_single;
		}
		udh[0] = (uint8_t)(hdr - 1);
		if (hdr == 1)
			hdr = 0;	/* no UDH at all */
		nu = text_units(text + spans[i].offset, spans[i].len,
		    info.encoding, info.lang_locking, info.lang_single,
		    units);
		if (info.encoding == SMS_ENC_UCS2) {
			pdu[n++] = (uint8_t)(hdr + nu);
			memcpy(pdu + n, udh, hdr);
			memcpy(pdu + n + hdr, units, nu);
			n += hdr + nu;
		} else {
			fill = (7 - (hdr * 8) % 7) % 7;
			hsept = (hdr * 8 + fill) / 7;
			pdu[n++] = (uint8_t)(hsept + nu);
			memcpy(pdu + n, udh, hdr);
			octets = gsm7_pack(units, nu, (unsigned)fill,
			    pdu + n + hdr);
			n += hdr + octets;
		}
		to_hex(pdu, n, out[i].hex);
		out[i].tpdu_len = (int)(n - smsc_len);
		out[i].units = spans[i].units;
	}
	*parts = out;
	*nparts = (size_t)nseg;
	out = NULL;
	rc = 0;
out:
	free(out);
	free(smart);
	return rc;
}
