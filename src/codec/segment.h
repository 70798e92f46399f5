/*
 * What a text costs as SMS: its encoding, how many segments (PDUs) it
 * needs, how full the last one is, and which characters forced UCS-2.
 * For compose screens (a counter redrawn on every key) and
 * `sms-send --dry-run`; pdu_submit_encode() splits texts the same way.
 *
 * Limits (TS 23.040 9.2.3.24.1, TS 23.038 6.1.2): one SMS holds 160
 * GSM-7 septets, 70 UCS-2 units or 140 octets; a concatenated part loses
 * 6 octets to its UDH (7 with a 16-bit reference), leaving 153 / 67 / 134
 * (152 / 66 / 133).  Each national language shift table named in the UDH
 * costs 3 more octets: 155 septets alone, 149 in a part, with one table.
 * An extension character (^ { } \ [ ~ ] | euro sign) takes two septets
 * and an emoji two UTF-16 units; neither pair is ever split across
 * segments, so a part may end one unit short.
 *
 * Pure functions: no I/O; segment_calc() does not allocate.
 */
#ifndef SMS_CODEC_SEGMENT_H
#define SMS_CODEC_SEGMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sms_err;

/* The alphabet of a message (TS 23.038 4). */
enum sms_encoding {
	SMS_ENC_GSM7,		/* GSM 7-bit default alphabet */
	SMS_ENC_8BIT,		/* 8-bit data: bytes, not text */
	SMS_ENC_UCS2,		/* UCS-2, read as UTF-16 */
};

/* "gsm7", "8bit" or "ucs2": the names used in --json output. */
const char *sms_encoding_name(enum sms_encoding enc);

/* Flags for segment_calc(), segment_split() and pdu_submit_encode(). */
#define SEGMENT_UCS2	0x01u	/* always UCS-2, even when GSM-7 would do */
#define SEGMENT_SMART	0x02u	/* replace look-alikes to stay in GSM-7 */
#define SEGMENT_REF16	0x04u	/* concatenate with 16-bit references */
/*
 * National language tables (TS 23.038 6.2.1.2.4, gsm7.h): with
 * SEGMENT_LANG(id) a text that does not fit the default alphabet may be
 * sent in GSM-7 with id's locking and/or single shift table, named in the
 * UDH at three octets each.  segment_calc() chooses the combination that
 * needs the fewest segments and reports it in info->flags as
 * SEGMENT_LOCKING / SEGMENT_SINGLE, which segment_split() and
 * segment_limit() then take.
 */
#define SEGMENT_LANG(id)	(((unsigned)(id) & 0x0fu) << 8)
#define SEGMENT_LANG_OF(flags)	(((flags) >> 8) & 0x0fu)
#define SEGMENT_LOCKING	0x1000u	/* the language's locking table used */
#define SEGMENT_SINGLE	0x2000u	/* its single shift table used */

#define SEGMENT_MAX 255		/* most parts a concatenated SMS may have */
#define SEGMENT_FORCING_MAX 16	/* forcing characters segment_info keeps */

/* A character of the input that has no GSM-7 form. */
struct segment_forcing {
	size_t offset;		/* byte offset in the text given */
	size_t len;		/* its length in bytes */
	uint32_t cp;		/* its code point */
};

struct segment_info {
	enum sms_encoding encoding;
	size_t segments;	/* PDUs needed: 1 for an empty text */
	size_t chars;		/* code points in the text as it will be sent */
	size_t units;		/* septets (GSM-7) or UTF-16 units (UCS-2) */
	size_t per_segment;	/* 160 or 70 when single; 153, 67 (152, 66
				   with SEGMENT_REF16) when concatenated */
	size_t used;		/* units in the last segment */
	size_t left;		/* units still free in the last segment; an
				   extension char or emoji needs two */
	size_t replaced;	/* characters SEGMENT_SMART replaced; 0
				   unless the whole text then fits GSM-7 */
	bool too_long;		/* over SEGMENT_MAX segments: cannot be sent */
	unsigned flags;		/* the flags given, plus SEGMENT_LOCKING
				   and SEGMENT_SINGLE when the text uses
				   a language's tables: pass these on
				   to segment_split() */
	unsigned lang_locking;	/* language id of the tables used, 0 */
	unsigned lang_single;	/* for the default ones */
	size_t nforcing;	/* characters that forced UCS-2 (all of them),
				   0 when GSM-7 or SEGMENT_UCS2 was given */
	struct segment_forcing forcing[SEGMENT_FORCING_MAX];
				/* the first min(nforcing, MAX) of them */
};

/*
 * Work out the figures for the UTF-8 text s[0..len) sent with flags
 * (SEGMENT_*).  With SEGMENT_SMART the figures are for the text after
 * segment_smart() -- which only changes it when that makes all of it fit
 * GSM-7 -- and byte offsets in forcing[] always refer to s as given.
 * Returns 0, or SMS_EDATA (text is not UTF-8; err names the byte offset)
 * or SMS_EINVAL (NULL arguments).
 */
int segment_calc(const char *s, size_t len, unsigned flags,
    struct segment_info *info, struct sms_err *err);

/* One look-alike that SEGMENT_SMART replaced. */
struct segment_replacement {
	size_t offset;		/* byte offset in the original text */
	size_t len;		/* bytes replaced there */
	uint32_t cp;		/* the code point replaced */
	const char *with;	/* what replaced it ("" for a removed zero-width
				   char); static storage */
};

/*
 * The replacement segment_smart() uses for cp (curly quotes, dashes,
 * ellipsis, special spaces, zero-width characters, some accented letters
 * that have a GSM-7 look-alike), or NULL when it has none.  The result is
 * static and GSM-7 only.
 */
const char *segment_smart_replacement(uint32_t cp);

/*
 * Replace look-alikes in s[0..len) so the text fits GSM-7.  When every
 * character then fits, *out gets the new text (heap, NUL-terminated,
 * caller frees) and *repl / *nrepl the list of replacements (heap, caller
 * frees; NULL and 0 when none); when some character has no look-alike the
 * text is left alone: *out is a copy of s, *repl NULL, *nrepl 0 -- UCS-2
 * carries the original characters anyway.  repl may be NULL when the list
 * is not wanted.  Returns 0, SMS_EDATA (not UTF-8) or SMS_ENOMEM.
 */
int segment_smart(const char *s, size_t len, char **out,
    struct segment_replacement **repl, size_t *nrepl, struct sms_err *err);

/* Where one segment's text lies in the (possibly replaced) text. */
struct segment_span {
	size_t offset;		/* byte offset of its first character */
	size_t len;		/* its length in bytes */
	size_t units;		/* septets or UTF-16 units it takes */
};

/*
 * Split s[0..len) into the segments pdu_submit_encode() sends, for the
 * encoding enc (SMS_ENC_GSM7 requires a text that fits; call
 * segment_calc() first to choose).  Fills spans[0..max) and returns the
 * number of segments, which may exceed max (then only max were filled),
 * or SMS_EDATA when the text is not UTF-8 or does not fit enc.
 * SEGMENT_REF16 in flags selects the smaller parts.
 */
int segment_split(const char *s, size_t len, enum sms_encoding enc,
    unsigned flags, struct segment_span *spans, size_t max,
    struct sms_err *err);

/*
 * Units one part may hold: single true for a lone SMS, else a part.  For
 * GSM-7, SEGMENT_LOCKING and SEGMENT_SINGLE each take three octets of UDH.
 */
size_t segment_limit(enum sms_encoding enc, bool single, unsigned flags);

#endif
