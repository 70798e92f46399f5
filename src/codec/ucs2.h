/*
 * The UCS-2 alphabet of SMS, read as UTF-16 big-endian (TS 23.038 6.2.3;
 * phones send emoji as surrogate pairs), to and from UTF-8.  Pure
 * functions: no allocation, no I/O.
 */
#ifndef SMS_CODEC_UCS2_H
#define SMS_CODEC_UCS2_H

#include <stddef.h>
#include <stdint.h>

/* UTF-16 code units cp takes: 2 above U+FFFF, else 1. */
size_t ucs2_units(uint32_t cp);

/*
 * Write cp as UTF-16BE into out (room for 4 octets).  Returns the octets
 * written: 2 or 4.
 */
size_t ucs2_put(uint32_t cp, uint8_t *out);

/*
 * Turn inlen octets of UTF-16BE into UTF-8 in out (outsize bytes, always
 * NUL-terminated when outsize > 0).  Surrogate pairs are joined; a lone
 * surrogate is kept as WTF-8 (see util/utf8.h), so a pair a sender split
 * across two parts can be joined again (concat.h); an odd last octet is
 * ignored.  Stops before a character that would not fit.  Returns the
 * bytes written, without the NUL.
 */
size_t ucs2_to_utf8(const uint8_t *in, size_t inlen, char *out,
    size_t outsize);

#endif
