/*
 * SMS PDUs as modems speak them in PDU mode (AT+CMGF=0): decoding
 * SMS-DELIVER, SMS-SUBMIT and SMS-STATUS-REPORT (3GPP TS 23.040 9.2.2),
 * with or without the SMSC address that modems put first (TS 27.005 3.1,
 * <pdu>), and encoding a text as the SMS-SUBMIT PDUs for AT+CMGS.
 *
 * Decoding never allocates and never reads outside the input: everything
 * lands in a fixed-size struct pdu_msg, so decoding a stranger's bytes is
 * cheap and safe.  Bad input fails with SMS_EDATA and a sentence that
 * names the byte offset (counted from the first byte given, the SMSC
 * length when there is one).  Text comes out as UTF-8.
 *
 * Typical use on a modem (+CMGL / +CMGR / +CMT give "<hex>" and the TPDU
 * length):
 *
 *	struct pdu_msg m;
 *	len = pdu_hex_trim(hex, strlen(hex), tpdu_len);
 *	mode = pdu_smsc_mode_for(len, tpdu_len);
 *	if (pdu_decode_hex(hex, len, mode, &m, &err) < 0)
 *		keep the raw hex, log err.msg;
 *	else if (m.type == PDU_DELIVER)
 *		m.addr.number, m.scts.unix_time, m.text, m.concat ...
 *	else if (m.type == PDU_STATUS_REPORT)
 *		m.mr, m.status, pdu_status_kind(m.status) ...
 *
 * Sending: pdu_submit_encode() gives one PDU per segment, each with the
 * length AT+CMGS=<length> wants.
 */
#ifndef SMS_CODEC_PDU_H
#define SMS_CODEC_PDU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "codec/segment.h"

struct sms_err;

#define PDU_MAX_BYTES 200	/* longest PDU accepted, SMSC included */
#define PDU_ADDR_MAX 48		/* an address as text, NUL included */
#define PDU_TEXT_MAX 512	/* one part's text as UTF-8, NUL included */
#define PDU_UD_MAX 140		/* TP-User-Data octets */
#define PDU_DATA_MAX 160	/* user data units: septets or octets */

enum pdu_type {
	PDU_DELIVER,		/* SMS-DELIVER: a message to us (TP-MTI 00) */
	PDU_SUBMIT,		/* SMS-SUBMIT: a message we send (TP-MTI 01) */
	PDU_STATUS_REPORT,	/* SMS-STATUS-REPORT (TP-MTI 10) */
};

/* "deliver", "submit" or "status-report" (the --json names). */
const char *pdu_type_name(enum pdu_type type);

/* The type of number (TS 23.040 9.1.2.5, TON), simplified. */
enum pdu_number_type {
	PDU_NUM_UNKNOWN,	/* TON 000 and everything not below */
	PDU_NUM_INTERNATIONAL,	/* TON 001: number has a leading '+' */
	PDU_NUM_NATIONAL,	/* TON 010 */
	PDU_NUM_ALPHANUMERIC,	/* TON 101: a name such as "MyBank" */
};

/* "unknown", "international", "national", "alphanumeric". */
const char *pdu_number_type_name(enum pdu_number_type type);

struct pdu_address {
	char number[PDU_ADDR_MAX];	/* "+36301234567", "06301234567",
					   "MyBank" (UTF-8), "" when absent;
					   digits may include * # a b c */
	enum pdu_number_type type;
	uint8_t toa;			/* the raw type-of-address octet */
};

/* TP-Service-Centre-Time-Stamp and TP-Discharge-Time (TS 23.040 9.2.3.11). */
struct pdu_time {
	bool valid;		/* false when absent or not a real date */
	int64_t unix_time;		/* seconds since the epoch, UTC */
	int tz_quarters;	/* offset from UTC in 15 minutes, -79..79 */
	int year, month, day, hour, minute, second;	/* sender's local */
};

/*
 * Format t as ISO 8601 with its offset, "2026-11-23T14:05:09+01:00", in
 * out (size >= 26).  An invalid time gives "".  Returns out.
 */
char *pdu_time_iso(const struct pdu_time *t, char *out, size_t size);

/* The concatenation information element (TS 23.040 9.2.3.24.1 and .8). */
struct pdu_concat {
	bool present;		/* false also when the element was invalid */
	bool ref16;		/* IEI 08 (16-bit reference) rather than 00 */
	uint16_t ref;		/* reference, same for all parts */
	uint8_t total;		/* parts in the message, 1..255 */
	uint8_t seq;		/* this part, 1..total */
};

/* Message waiting indication from the DCS (TS 23.038 4, groups 1100..1110). */
enum pdu_mwi_type {
	PDU_MWI_NONE,
	PDU_MWI_VOICEMAIL,
	PDU_MWI_FAX,
	PDU_MWI_EMAIL,
	PDU_MWI_OTHER,
};

/* Meaning of a TP-Status, for moving a message's state (TS 23.040 9.2.3.15). */
enum pdu_status_kind {
	PDU_STATUS_DELIVERED,	/* 0x00..0x1F: transaction completed */
	PDU_STATUS_PENDING,	/* 0x20..0x3F: temporary, SC still trying */
	PDU_STATUS_FAILED,	/* 0x40..0x5F: permanent error, SC stopped */
	PDU_STATUS_FAILED_TEMP,	/* 0x60..0x7F: temporary, SC stopped trying;
				   0x80.. (reserved) counts here too */
};

/* The kind of a TP-Status value. */
enum pdu_status_kind pdu_status_kind(uint8_t status);

/*
 * A translated sentence for a TP-Status value, "delivered to the
 * recipient", "recipient busy, still trying", ... Static storage.
 */
const char *pdu_status_str(uint8_t status);

/* "delivered", "pending", "failed", "failed-temporary". */
const char *pdu_status_kind_name(enum pdu_status_kind kind);

/* One decoded PDU.  Fields a type does not carry are zero / empty. */
struct pdu_msg {
	enum pdu_type type;
	bool has_smsc;		/* the input started with an SMSC address */
	struct pdu_address smsc;	/* "" when absent or "default" (00) */
	uint8_t first_octet;	/* TP-MTI, TP-MMS, TP-SRI/SRR, TP-UDHI, ... */
	bool more_to_send;	/* DELIVER: !TP-MMS */
	bool status_report;	/* DELIVER: TP-SRI; SUBMIT: TP-SRR */
	bool reply_path;	/* TP-RP */
	uint8_t mr;		/* TP-MR (SUBMIT, STATUS-REPORT) */
	/* DELIVER: originator; SUBMIT, STATUS-REPORT: recipient. */
	struct pdu_address addr;
	uint8_t pid;		/* TP-PID; 0x40 is a "silent" type 0 SMS */
	uint8_t dcs;		/* TP-DCS as received */
	enum sms_encoding encoding;
	int msg_class;		/* 0 (flash) .. 3, or -1 for none */
	bool compressed;	/* TS 23.042 compression: not supported, the
				   text is left empty and data holds it */
	bool mwi_active;	/* DCS message waiting: indication on */
	enum pdu_mwi_type mwi;	/* PDU_MWI_NONE when no indication */
	bool mwi_discard;	/* DCS group 1100: discard after updating */
	int vp_minutes;		/* SUBMIT with relative TP-VP, else -1 */
	struct pdu_time scts;	/* DELIVER, STATUS-REPORT: SC time stamp */
	/* STATUS-REPORT */
	struct pdu_time discharge;	/* TP-DT */
	uint8_t status;		/* TP-ST */
	/* User data */
	uint8_t udh[PDU_UD_MAX];	/* the whole UDH, UDHL excluded */
	size_t udh_len;		/* 0 when there is no UDH */
	struct pdu_concat concat;
	/* National language shift tables the UDH names (IEI 25 locking, 24
	   single; TS 23.040 9.2.3.24.15/16), -1 when it names none.  An
	   identifier gsm7.h has no such table for is reported here but the
	   text is read with the default table (gsm7_lang_has_locking()). */
	int lang_locking;
	int lang_single;
	uint8_t data[PDU_DATA_MAX];	/* user data after the UDH: octets for
					   8-bit and compressed, UTF-16BE for
					   UCS-2, unpacked septets for GSM-7 */
	size_t data_len;
	char text[PDU_TEXT_MAX];	/* UTF-8; "" for 8-bit/compressed
					   (see pdu_data_text()); may hold
					   a lone surrogate (utf8.h) */
	size_t err_offset;	/* on SMS_EDATA: the byte offset named */
};

/*
 * Whether m carries 8-bit data that reads as text: valid UTF-8 without
 * control characters other than tab, CR and LF (some senders put plain
 * text in 8-bit messages).  False for an empty payload.
 */
bool pdu_data_is_text(const struct pdu_msg *m);

/*
 * The text to show for m in out (size bytes, NUL-terminated; size >= 64
 * keeps the placeholders whole): m->text for GSM-7 and UCS-2; for 8-bit
 * data the bytes themselves when pdu_data_is_text(), else a translated
 * placeholder with the size and the first bytes in hex, "[8-bit data, 42
 * bytes: 0A1B2C3D4E5F6071...]"; for compressed text "[compressed text,
 * 12 bytes]".  For the store, the TUI and `pdu decode`.  Returns out.
 */
char *pdu_data_text(const struct pdu_msg *m, char *out, size_t size);

/* Whether the input starts with the SMSC address. */
enum pdu_smsc_mode {
	PDU_SMSC_AUTO,		/* guess: the reading that parses exactly */
	PDU_SMSC_PRESENT,	/* it does (what AT+CMGL etc. give) */
	PDU_SMSC_ABSENT,	/* a bare TPDU */
};

/*
 * The mode for a PDU of hexlen hex digits whose TPDU length the modem
 * gave as tpdu_len (the <length> of +CMGL, +CMGR, +CMT).  A negative
 * tpdu_len (unknown), or one longer than the PDU (some modems report a
 * fixed length), gives PDU_SMSC_AUTO.
 */
enum pdu_smsc_mode pdu_smsc_mode_for(size_t hexlen, int tpdu_len);

/*
 * How much of hexlen hex digits to decode, given the TPDU length the modem
 * reported (negative: unknown): some modems pad a PDU with FF or junk
 * after its end (gammu's tests/at-sms/32), which this cuts off when the
 * SMSC field says where the PDU ends.  Returns hexlen when in doubt.
 */
size_t pdu_hex_trim(const char *hex, size_t hexlen, int tpdu_len);

/*
 * Decode the PDU in bytes[0..len) into *msg.  Returns 0, or SMS_EDATA with
 * a sentence naming the byte offset (also in msg->err_offset).  In
 * PDU_SMSC_AUTO the reading that consumes the input exactly wins; else
 * the one that parses at all, with an SMSC first; when both fail, the
 * error reported is that of the SMSC reading unless the first byte cannot
 * be an SMSC length (or that reading failed inside the SMSC field and the
 * other got past it).  A PDU with TP-MTI 01 that does not read as an
 * SMS-SUBMIT but reads exactly as an SMS-DELIVER comes back as a deliver:
 * some phones store received messages that way.
 */
int pdu_decode(const uint8_t *bytes, size_t len, enum pdu_smsc_mode mode,
    struct pdu_msg *msg, struct sms_err *err);

/*
 * Like pdu_decode() for hex text (upper or lower case, no spaces).  Errors
 * in the hex name the character offset.
 */
int pdu_decode_hex(const char *hex, size_t len, enum pdu_smsc_mode mode,
    struct pdu_msg *msg, struct sms_err *err);

/* What pdu_submit_encode() should build. */
struct pdu_submit_opts {
	const char *to;		/* "+36301234567" (international), digits
				   (national/unknown), or a name when
				   allow_alnum; required */
	const char *smsc;	/* SMSC number, or NULL for the SIM's default
				   (written as the one octet 00) */
	bool no_smsc;		/* leave the SMSC field out entirely (modems
				   that take a bare TPDU) */
	bool allow_alnum;	/* may `to` be a name (TON 101) when it has
				   letters?  Most networks refuse these. */
	bool status_report;	/* TP-SRR: ask for a status report */
	int validity_minutes;	/* > 0: relative TP-VP, rounded up to what
				   it can say (5 min .. 63 weeks); 0: none */
	int msg_class;		/* -1 none, 0 (flash) .. 3 */
	unsigned flags;		/* SEGMENT_UCS2, SEGMENT_SMART, SEGMENT_REF16 */
	uint16_t concat_ref;	/* reference for a multi-part message, chosen
				   by the caller (the low 8 bits unless
				   SEGMENT_REF16); vary it per message */
	uint8_t mr;		/* TP-MR; modems overwrite it, 0 is fine */
};

/* Set opts to the defaults: nothing but the recipient to fill in. */
void pdu_submit_opts_init(struct pdu_submit_opts *opts);

/* One PDU ready for AT+CMGS. */
struct pdu_part {
	char hex[2 * PDU_MAX_BYTES + 1];	/* upper-case hex, NUL-ended */
	int tpdu_len;		/* AT+CMGS=<tpdu_len>: octets after the SMSC */
	size_t units;		/* septets or UTF-16 units of text in it */
};

/*
 * Encode the UTF-8 text s[0..len) as SMS-SUBMIT PDUs: *parts gets an array
 * of *nparts (heap, caller frees with free()), in sending order.  The
 * encoding and split are those segment_calc() reports for the same flags.
 * Returns 0, or SMS_EDATA (bad recipient, SMSC or text; the sentence says
 * which and where), SMS_ETOOBIG (more than SEGMENT_MAX parts), SMS_EINVAL
 * (bad options) or SMS_ENOMEM.
 */
int pdu_submit_encode(const char *s, size_t len,
    const struct pdu_submit_opts *opts, struct pdu_part **parts,
    size_t *nparts, struct sms_err *err);

/*
 * The TP-VP octet for a relative validity of at least minutes (> 0),
 * capped at 63 weeks, and the minutes it really means.
 */
uint8_t pdu_vp_relative(int minutes);
int pdu_vp_minutes(uint8_t vp);

#endif
