/*
 * Between the codec and the modem session: an outgoing backend_msg becomes
 * the PDUs AT+CMGS wants, and a PDU read from the modem becomes a
 * backend_inbound (SMS-DELIVER) or a backend_status (SMS-STATUS-REPORT).
 * The PDU work itself is the codec's (src/codec/).
 */
#ifndef SMS_MODEM_PDUS_H
#define SMS_MODEM_PDUS_H

#include <stdbool.h>
#include <stddef.h>

#include "engine/backend.h"
#include "util/err.h"

/* One AT+CMGS: the hex to write after the prompt (SMSC part included)
 * and the TPDU length in octets that goes in AT+CMGS=<len>. */
struct pdus_part {
	char *hex;
	int tpdu_len;
};

/*
 * Encode msg into parts (one per segment, in order), concatenation
 * reference ref.  Fails with SMS_EDATA (and a sentence) for a message
 * that can never be sent: a bad number, too many segments.  Caller frees
 * with pdus_parts_free().
 */
int pdus_encode(const struct backend_msg *msg, unsigned ref, int max_parts,
    struct pdus_part **parts, size_t *n, struct sms_err *err);

void pdus_parts_free(struct pdus_part *parts, size_t n);

enum pdus_kind {
	PDUS_DELIVER = 0,	/* in is filled */
	PDUS_STATUS,		/* mr, st and st_state are filled */
	PDUS_OTHER,		/* an SMS-SUBMIT kept on the SIM: not ours */
};

/* A decoded PDU; strings point into the struct itself. */
struct pdus_decoded {
	enum pdus_kind kind;
	struct backend_inbound in;
	unsigned mr;		/* status report: the message reference */
	int st;			/* status report: TP-ST */
	enum msg_state st_state;	/* what TP-ST means for the message */
	int64_t st_at;		/* discharge time */
	const char *st_text;	/* what TP-ST means, a sentence; static */
	char from[64];
	char body[1600];	/* UTF-8 of one part: 70 UCS-2 chars at most,
				 * 160 GSM-7, with room to spare */
};

/* Decode hex as the modem gives it (with the SMSC part); tpdu_len is the
 * <length> the modem gave with it, or -1.  ucs2_utf8 (the quirk): a
 * UCS-2 text whose octets are valid UTF-8 is read as UTF-8 (without it
 * only the obvious cases, charset.h).  SMS_EDATA with a sentence for
 * what cannot be decoded. */
int pdus_decode(const char *hex, int tpdu_len, bool ucs2_utf8,
    struct pdus_decoded *out, struct sms_err *err);

#endif
