/*
 * Phone numbers: normalise what people type and what networks send to
 * E.164 ("+36301234567"), using a default country for national forms.
 * With libphonenumber (configure finds it) the shim in phone-lpn.cc does
 * the work; otherwise, or when it cannot parse a number, a trunk-prefix
 * rule with a small country table does.  Alphanumeric senders ("Bank",
 * "INFO-SMS") and short codes are kept as they are.
 */
#ifndef SMS_UTIL_PHONE_H
#define SMS_UTIL_PHONE_H

#include <stdbool.h>
#include <stddef.h>

#include "util/err.h"

/* Room for any result, with the NUL: E.164 is at most "+" and 15 digits,
 * alphanumeric senders are at most 11 characters but kept up to 31 bytes. */
#define PHONE_MAX 32

enum phone_kind {
	PHONE_E164 = 0,		/* "+" and 8 to 15 digits */
	PHONE_SHORT,		/* a short code: 3 to 7 digits, kept as is */
	PHONE_ALNUM,		/* an alphanumeric sender, kept as is */
};

/*
 * Normalise raw into out (at least PHONE_MAX bytes) using country (ISO
 * 3166 alpha-2 such as "HU", or NULL/"" for none: then national numbers
 * cannot be resolved and fail).  Spaces, dots, dashes, slashes and
 * parentheses are ignored; "00" is the international prefix.  Returns the
 * enum phone_kind, or SMS_EDATA with a sentence when raw is empty, too long
 * or cannot be a number.
 */
int phone_normalize(const char *raw, const char *country, char *out,
    struct sms_err *err);

/*
 * The same with the trunk-prefix rule only (no libphonenumber); exposed so
 * tests check both.  Same contract as phone_normalize().
 */
int phone_normalize_simple(const char *raw, const char *country, char *out,
    struct sms_err *err);

/* The country calling code for an ISO 3166 alpha-2 code ("HU" -> "36"),
 * or NULL when the table does not know it.  Borrowed, static. */
const char *phone_country_code(const char *country);

/* Whether s is E.164: "+", a non-zero digit, 7 to 14 more digits. */
bool phone_is_e164(const char *s);

#endif
