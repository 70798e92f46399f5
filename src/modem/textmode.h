/*
 * SMS text mode (3GPP TS 27.005 3.1, 3.4, 4.1), for modems without PDU
 * mode (AT+CMGF=0 refused, the text-only quirk, text_mode = yes): the
 * character set of AT+CSCS, what AT+CSMP and AT+CMGS="<number>" need for
 * one message, and the +CMGR/+CMGL/+CMT/+CDS answers read back.  No I/O.
 *
 * A concatenated message cannot be sent in text mode: the modem would
 * have to be given the user data header, which 27.005 leaves to each
 * firmware (gammu and smstools do not send them either); such a message
 * is refused with a sentence.  A received part is kept as it came (its
 * header stripped when the modem shows it): text mode cannot reassemble.
 */
#ifndef SMS_MODEM_TEXTMODE_H
#define SMS_MODEM_TEXTMODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"
#include "util/msg.h"

enum textmode_cs {
	TEXTMODE_UCS2 = 0,	/* hex of UTF-16BE: any text, no ambiguity */
	TEXTMODE_GSM,		/* the GSM 7-bit alphabet as octets */
	TEXTMODE_IRA,		/* ASCII (ITU-T T.50) */
};

/* "UCS2", "GSM", "IRA". */
const char *textmode_cs_name(enum textmode_cs cs);

/*
 * The character sets to try, best first (UCS2, GSM, IRA), that an
 * AT+CSCS=? answer v ("IRA","GSM","UCS2") offers; all three when v is
 * NULL.  Returns the count.
 */
size_t textmode_charsets(const char *v, enum textmode_cs *out, size_t max);

/* One message for AT+CSMP=<fo>,<vp>,0,<dcs> and AT+CMGS="<number>". */
struct textmode_out {
	int fo;			/* SMS-SUBMIT, relative validity, SRR */
	int dcs;		/* 0 GSM 7-bit, 8 UCS-2 */
	char number[96];	/* in the character set */
	char text[1024];	/* after the prompt, before Ctrl-Z */
};

/*
 * Encode body to `to` for charset cs (ucs2: force UCS-2; report: ask for
 * a status report).  SMS_ETOOBIG with a sentence when the text needs
 * more than one SMS; SMS_EDATA for text that is not UTF-8.
 */
int textmode_encode(const char *to, const char *body, bool ucs2,
    bool report, enum textmode_cs cs, struct textmode_out *out,
    struct sms_err *err);

/* What a text-mode answer says about one stored or direct message. */
struct textmode_msg {
	bool report;		/* an SMS-STATUS-REPORT */
	int idx;		/* +CMGL: its index */
	char from[64];		/* deliver: originator */
	int64_t sent_at;	/* deliver: SC time stamp; report: discharge */
	int tz_quarters;
	int fo, dcs;		/* -1 when not shown (AT+CSDH=0, +CMGL) */
	unsigned mr;		/* report: the message reference */
	int st;			/* report: TP-ST */
	enum msg_state st_state;	/* what st means for the message */
	const char *st_text;	/* a sentence for st; static */
	char body[1600];	/* deliver: UTF-8 */
};

enum textmode_kind {
	TEXTMODE_CMGR = 0,	/* +CMGR: <stat>,... */
	TEXTMODE_CMGL,		/* +CMGL: <index>,<stat>,... */
	TEXTMODE_CMT,		/* +CMT: <oa>,... (direct delivery) */
	TEXTMODE_CDS,		/* +CDS: <fo>,<mr>,... (direct report) */
};

/*
 * Read a header (the value after "+CMGR:" etc.) and, for a message, its
 * text lines (joined with newlines) in charset cs; ucs2_utf8 is the
 * quirk (charset.h).  SMS_EDATA when the header is not one.
 */
int textmode_parse(enum textmode_kind kind, const char *header,
    const char *const *lines, size_t n_lines, enum textmode_cs cs,
    bool ucs2_utf8, struct textmode_msg *out);

/*
 * A text-mode time stamp "yy/MM/dd,hh:mm:ss+zz" (zz: quarter hours) into
 * unix seconds and the zone.  Returns 0 or SMS_EDATA.
 */
int textmode_time(const char *s, int64_t *t, int *tz_quarters);

#endif
