/*
 * Text a modem labels UCS-2 that may really be UTF-8.  Some firmware puts
 * the UTF-8 bytes of a message where UCS-2 belongs: in text mode with
 * AT+CSCS="UCS2" (the hex is of UTF-8 octets), or in a PDU whose DCS says
 * UCS-2.  The ucs2-utf8 quirk says so for a modem; without it only the
 * obvious cases are taken for UTF-8.
 */
#ifndef SMS_MODEM_CHARSET_H
#define SMS_MODEM_CHARSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Whether the octets in[0..len) of a UCS-2 labelled text are UTF-8: with
 * quirk whenever they are valid UTF-8; without it only when they also
 * look nothing like UCS-2 (an odd count, or no zero octet and at least
 * one multi-byte sequence: Latin and Cyrillic UCS-2 text has zero or
 * 0x04 high octets, and real UCS-2 is valid UTF-8 with multi-byte
 * sequences only by rare accident).
 */
bool charset_is_utf8(const uint8_t *in, size_t len, bool quirk);

/*
 * Turn the octets of a UCS-2 labelled text into UTF-8 in out (size bytes,
 * always NUL-terminated when size > 0): as UTF-8 when charset_is_utf8(),
 * else as UTF-16BE.  Returns the bytes written, without the NUL.
 */
size_t charset_ucs2_text(const uint8_t *in, size_t len, bool quirk,
    char *out, size_t size);

/*
 * Hex digits (either case) into octets: at most max, and only when s[0..n)
 * is all hex and of even length.  Returns the octet count or -1.
 */
int charset_unhex(const char *s, size_t n, uint8_t *out, size_t max);

#endif
