#include "config.h"

#include "modem/pdus.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec/pdu.h"
#include "codec/segment.h"
#include "modem/charset.h"
#include "util/i18n.h"

void
pdus_parts_free(struct pdus_part *parts, size_t n)
{
	size_t i;

	for (i = 0; parts != NULL && i < n; i++)
		free(parts[i].hex);
	free(parts);
}

int
pdus_encode(const struct backend_msg *msg, unsigned ref, int max_parts,
    struct pdus_part **parts, size_t *n, struct sms_err *err)
{
	struct pdu_submit_opts o;
	struct pdu_part *pp = NULL;
	struct pdus_part *out = NULL;
	size_t np = 0, i;
	int rc;

	*parts = NULL;
	*n = 0;
	pdu_submit_opts_init(&o);
	o.to = msg->to;
	o.status_report = msg->report;
	o.flags = msg->ucs2 ? SEGMENT_UCS2 : 0;
	o.concat_ref = (uint16_t)(ref & 0xff);
	rc = pdu_submit_encode(msg->body, strlen(msg->body), &o, &pp, &np,
	    err);
	if (rc < 0)
		return rc;
	if (max_parts > 0 && np > (size_t)max_parts) {
		rc = sms_err_set(err, SMS_ETOOBIG, _("the message needs %zu "
		    "parts; max_segments allows %d"), np, max_parts);
		goto out;
	}
	if ((out = calloc(np, sizeof *out)) == NULL) {
		rc = SMS_ENOMEM;
		goto out;
	}
	for (i = 0; i < np; i++) {
		out[i].tpdu_len = pp[i].tpdu_len;
		if ((out[i].hex = strdup(pp[i].hex)) == NULL) {
			pdus_parts_free(out, i);
			out = NULL;
			rc = SMS_ENOMEM;
			goto out;
		}
	}
	*parts = out;
	*n = np;
	rc = 0;
out:
	free(pp);
	return rc;
}

int
pdus_decode(const char *hex, int tpdu_len, bool ucs2_utf8,
    struct pdus_decoded *out, struct sms_err *err)
{
	struct pdu_msg pm;
	size_t len = strlen(hex);
	int rc;

	memset(out, 0, sizeof *out);
	/* Some modems pad the PDU with FF after its end. */
	len = pdu_hex_trim(hex, len, tpdu_len);
	rc = pdu_decode_hex(hex, len, pdu_smsc_mode_for(len, tpdu_len), &pm,
	    err);
	if (rc < 0)
		return rc;
	switch (pm.type) {
	case PDU_DELIVER:
		out->kind = PDUS_DELIVER;
		snprintf(out->from, sizeof out->from, "%s", pm.addr.number);
		/* 8-bit data: its text when it is one, else a placeholder
		   with its size and first bytes. */
		pdu_data_text(&pm, out->body, sizeof out->body);
		/* UTF-8 under a UCS-2 label (the ucs2-utf8 quirk). */
		if (pm.encoding == SMS_ENC_UCS2 && !pm.compressed &&
		    charset_is_utf8(pm.data, pm.data_len, ucs2_utf8))
			charset_ucs2_text(pm.data, pm.data_len, true,
			    out->body, sizeof out->body);
		out->in.from = out->from;
		out->in.to = NULL;
		out->in.body = out->body;
		out->in.sent_at = pm.scts.valid ? pm.scts.unix_time : 0;
		out->in.tz_quarters = pm.scts.valid ? pm.scts.tz_quarters : 0;
		out->in.remote_id = NULL;
		out->in.encoding = sms_encoding_name(pm.encoding);
		if (pm.concat.present) {
			out->in.concat_ref = pm.concat.ref;
			out->in.concat_total = pm.concat.total;
			out->in.concat_seq = pm.concat.seq;
		}
		return 0;
	case PDU_STATUS_REPORT:
		out->kind = PDUS_STATUS;
		out->mr = pm.mr;
		out->st = pm.status;
		out->st_text = pdu_status_str(pm.status);
		out->st_at = pm.discharge.valid ? pm.discharge.unix_time : 0;
		switch (pdu_status_kind(pm.status)) {
		case PDU_STATUS_DELIVERED:
			out->st_state = MSG_DELIVERED;
			break;
		case PDU_STATUS_PENDING:
			out->st_state = MSG_SENT;
			break;
		default:
			out->st_state = MSG_UNDELIVERED;
			break;
		}
		return 0;
	case PDU_SUBMIT:
		out->kind = PDUS_OTHER;
		return 0;
	}
	return sms_err_set(err, SMS_EDATA, _("unknown kind of PDU"));
}
