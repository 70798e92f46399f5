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

#endif
