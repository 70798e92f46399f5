/*
 * The GSM 7-bit default alphabet and its extension table (3GPP TS 23.038
 * 6.2.1 and 6.2.1.1), and packing septets into octets (TS 23.038 6.1.2.1).
 *
 * Most callers want segment.h (what a text costs) or pdu.h (whole PDUs);
 * this is the layer under them, also used for alphanumeric addresses.
 * Pure functions: no allocation, no I/O.
 */
#ifndef SMS_CODEC_GSM7_H
#define SMS_CODEC_GSM7_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GSM7_ESC 0x1b		/* escape to the extension table */

/*
 * How cp is written in GSM-7: returns 1 and the septet in *septet for the
 * default alphabet, 2 and the septet that follows GSM7_ESC for the
 * extension table (^ { } \ [ ~ ] | euro sign, form feed), 0 when cp has
 * no GSM-7 form (then *septet is untouched).
 */
int gsm7_from_cp(uint32_t cp, uint8_t *septet);

/* The code point of septet (0..127) in the default alphabet. */
uint32_t gsm7_to_cp(uint8_t septet);

/*
 * The code point of GSM7_ESC followed by septet.  An unassigned extension
 * code reads as the default alphabet's character (TS 23.038 6.2.1.1), and
 * ESC ESC as a space.
 */
uint32_t gsm7_ext_to_cp(uint8_t septet);

/* Octets that n septets take after fill bits (0..6) of padding. */
size_t gsm7_packed_len(size_t n, unsigned fill);

/*
 * Pack n septets into out, starting after fill bits (0..6) that are left
 * zero.  out must hold gsm7_packed_len(n, fill) octets.  Returns the
 * octets written.
 */
size_t gsm7_pack(const uint8_t *septets, size_t n, unsigned fill,
    uint8_t *out);

/*
 * Unpack n septets from in (inlen octets) after fill bits.  Unpacks only
 * as many as in holds (never reads past inlen) and returns how many.
 */
size_t gsm7_unpack(const uint8_t *in, size_t inlen, unsigned fill, size_t n,
    uint8_t *septets);

/*
 * Turn n septets into UTF-8 in out (outsize bytes, always NUL-terminated
 * when outsize > 0), resolving escapes.  A lone escape at the end reads as
 * nothing.  Stops before a character that would not fit.  Returns the
 * bytes written, without the NUL.
 */
size_t gsm7_to_utf8(const uint8_t *septets, size_t n, char *out,
    size_t outsize);

/*
 * National language tables (TS 23.038 6.2.1.2.4, Annex A; gsm7-lang.c).
 * A message names them in its UDH (TS 23.040 9.2.3.24.15 and .16): a
 * locking shift table replaces the default alphabet, a single shift
 * table the extension table.  Identifiers: 1 Turkish, 2 Spanish (single
 * shift only), 3 Portuguese, 4 Bengali, 5 Gujarati, 6 Hindi, 7 Kannada,
 * 8 Malayalam, 9 Oriya, 10 Punjabi, 11 Tamil, 12 Telugu, 13 Urdu.  In the
 * functions below a locking or single of 0 -- or any identifier without
 * such a table -- means the default table.
 */
#define GSM7_LANG_MAX 13	/* the highest identifier with a table */

/* "tr", "es", ... for an identifier, NULL for 0 and unknown ones. */
const char *gsm7_lang_code(unsigned id);

/* "Turkish", ... (English, untranslated), NULL as gsm7_lang_code(). */
const char *gsm7_lang_name(unsigned id);

/* The identifier of a code such as "tr", or -1. */
int gsm7_lang_from_code(const char *code);

/* Whether the spec has a locking / single shift table for id. */
bool gsm7_lang_has_locking(unsigned id);
bool gsm7_lang_has_single(unsigned id);

/* The code point of septet in the locking shift table (U+0020 when the
   table leaves the code unassigned). */
uint32_t gsm7_lang_to_cp(uint8_t septet, unsigned locking);

/*
 * The code point of GSM7_ESC followed by septet: a code the single shift
 * table leaves unassigned reads as the locking table's (TS 23.038
 * 6.2.1.1), ESC ESC as a space.
 */
uint32_t gsm7_lang_ext_to_cp(uint8_t septet, unsigned locking,
    unsigned single);

/* gsm7_from_cp() with these tables: 1, 2 (after GSM7_ESC) or 0. */
int gsm7_lang_from_cp(uint32_t cp, unsigned locking, unsigned single,
    uint8_t *septet);

/* gsm7_to_utf8() with these tables. */
size_t gsm7_to_utf8_lang(const uint8_t *septets, size_t n, unsigned locking,
    unsigned single, char *out, size_t outsize);

#endif
