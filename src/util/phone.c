#include "config.h"

#include "util/phone.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "util/i18n.h"
#include "util/phone-impl.h"

/* Longest input considered; anything longer is not a phone number. */
#define PHONE_RAW_MAX 64

struct country {
	const char *iso;	/* ISO 3166 alpha-2 */
	const char *cc;		/* country calling code */
	const char *trunk;	/* national trunk prefix, "" if none */
	const char *intl;	/* international prefix besides "00", or "" */
};

/*
 * The trunk-prefix rule's table.  Countries without a trunk prefix (Italy,
 * Spain, Poland, ...) dial the national number as it is.  Hungary's trunk
 * prefix is "06" (ITU-T E.164 national numbering plan of Hungary).
 */
static const struct country countries[] = {
	{ "AT", "43", "0", "" },	{ "AU", "61", "0", "0011" },
	{ "BE", "32", "0", "" },	{ "BG", "359", "0", "" },
	{ "BR", "55", "0", "" },	{ "CA", "1", "1", "011" },
	{ "CH", "41", "0", "" },	{ "CN", "86", "0", "" },
	{ "CZ", "420", "", "" },	{ "DE", "49", "0", "" },
	{ "DK", "45", "", "" },		{ "ES", "34", "", "" },
	{ "FI", "358", "0", "" },	{ "FR", "33", "0", "" },
	{ "GB", "44", "0", "" },	{ "GR", "30", "", "" },
	{ "HR", "385", "0", "" },	{ "HU", "36", "06", "" },
	{ "IE", "353", "0", "" },	{ "IN", "91", "0", "" },
	{ "IT", "39", "", "" },		{ "JP", "81", "0", "010" },
	{ "NL", "31", "0", "" },	{ "NO", "47", "", "" },
	{ "NZ", "64", "0", "" },	{ "PL", "48", "", "" },
	{ "PT", "351", "", "" },	{ "RO", "40", "0", "" },
	{ "RS", "381", "0", "" },	{ "RU", "7", "8", "810" },
	{ "SE", "46", "0", "" },	{ "SI", "386", "0", "" },
	{ "SK", "421", "0", "" },	{ "UA", "380", "0", "" },
	{ "US", "1", "1", "011" },
};

static const struct country *
country_find(const char *iso)
{
	size_t i;

	if (iso == NULL)
		return NULL;
	for (i = 0; i < sizeof countries / sizeof countries[0]; i++)
		if (strcasecmp(countries[i].iso, iso) == 0)
			return &countries[i];
	return NULL;
}

const char *
phone_country_code(const char *country)
{
	const struct country *c = country_find(country);

	return c != NULL ? c->cc : NULL;
}

bool
phone_is_e164(const char *s)
{
	size_t n;

	if (s == NULL || s[0] != '+' || s[1] < '1' || s[1] > '9')
		return false;
	for (n = 1; s[n] != '\0'; n++)
		if (!isdigit((unsigned char)s[n]))
			return false;
	return n - 1 >= 8 && n - 1 <= 15;
}

static bool
is_separator(int c)
{
	return c == ' ' || c == '.' || c == '-' || c == '/' || c == '(' ||
	    c == ')' || c == '\t';
}

/* Copy raw without surrounding blanks into out (size PHONE_MAX). */
static int
keep_alnum(const char *raw, char *out, struct sms_err *err)
{
	size_t len;

	while (*raw == ' ' || *raw == '\t')
		raw++;
	len = strlen(raw);
	while (len > 0 && (raw[len - 1] == ' ' || raw[len - 1] == '\t'))
		len--;
	if (len >= PHONE_MAX)
		return sms_err_set(err, SMS_EDATA,
		    _("\"%s\" is too long for a sender name"), raw);
	memcpy(out, raw, len);
	out[len] = '\0';
	return PHONE_ALNUM;
}

/*
 * Classify raw and clean it: *kind gets PHONE_ALNUM (out holds the trimmed
 * name) or PHONE_E164 with out holding "+" or "" and digits only.  Returns
 * 0 or SMS_EDATA.
 */
static int
clean(const char *raw, char *out, int *kind, struct sms_err *err)
{
	const char *p;
	size_t n = 0;
	bool letters = false;

	if (raw == NULL || raw[strspn(raw, " \t")] == '\0')
		return sms_err_set(err, SMS_EDATA, _("empty phone number"));
	if (strlen(raw) > PHONE_RAW_MAX)
		return sms_err_set(err, SMS_EDATA,
		    _("\"%.20s...\" is too long for a phone number"), raw);
	for (p = raw; *p != '\0'; p++)
		if (isalpha((unsigned char)*p) || (unsigned char)*p >= 0x80)
			letters = true;
	if (letters) {
		*kind = PHONE_ALNUM;
		return keep_alnum(raw, out, err) < 0 ? SMS_EDATA : 0;
	}
	for (p = raw; *p != '\0'; p++) {
		/* "+44 (0)20 ...": the trunk prefix people write after the
		 * country code is not dialled from abroad. */
		if (n > 1 && out[0] == '+' && strncmp(p, "(0)", 3) == 0) {
			p += 2;
			continue;
		}
		if (*p == '+' && n == 0)
			out[n++] = '+';
		else if (isdigit((unsigned char)*p)) {
			if (n + 1 >= PHONE_MAX)
				return sms_err_set(err, SMS_EDATA,
				    _("\"%s\" has too many digits for a phone "
				    "number"), raw);
			out[n++] = *p;
		} else if (!is_separator((unsigned char)*p))
			return sms_err_set(err, SMS_EDATA,
			    _("\"%s\" is not a phone number"), raw);
	}
	out[n] = '\0';
	if (n == 0 || (n == 1 && out[0] == '+'))
		return sms_err_set(err, SMS_EDATA,
		    _("\"%s\" is not a phone number"), raw);
	*kind = PHONE_E164;
	return 0;
}

static bool
has_prefix(const char *s, const char *prefix)
{
	return prefix[0] != '\0' && strncmp(s, prefix, strlen(prefix)) == 0;
}

/* The trunk-prefix rule on a cleaned number. */
static int
simple_e164(const char *raw, const char *digits, const char *country,
    char *out, struct sms_err *err)
{
	const struct country *c = country_find(country);
	const char *national;

	if (digits[0] == '+')
		snprintf(out, PHONE_MAX, "%s", digits);
	else if (has_prefix(digits, "00"))
		snprintf(out, PHONE_MAX, "+%s", digits + 2);
	else if (c != NULL && has_prefix(digits, c->intl))
		snprintf(out, PHONE_MAX, "+%s", digits + strlen(c->intl));
	else if (strlen(digits) < 3)
		return sms_err_set(err, SMS_EDATA,
		    _("\"%s\" is too short for a phone number or a short "
		    "code"), raw);
	else if (strlen(digits) <= 7) {
		snprintf(out, PHONE_MAX, "%s", digits);
		return PHONE_SHORT;
	} else if (c == NULL) {
		if (country == NULL || country[0] == '\0')
			return sms_err_set(err, SMS_EDATA,
			    _("\"%s\" is a national number: write it with "
			    "+ and the country code, or set default_country "
			    "in [store]"), raw);
		return sms_err_set(err, SMS_EDATA,
		    _("\"%s\" is a national number and country \"%s\" is "
		    "not known: write it with + and the country code"),
		    raw, country);
	} else {
		national = digits;
		if (has_prefix(national, c->trunk))
			national += strlen(c->trunk);
		/* Where numbers are dialled with a trunk prefix, what follows
		 * it never starts with 0: "0151 ..." in Hungary (trunk "06")
		 * is no Hungarian number. */
		if (c->trunk[0] != '\0' && national[0] == '0')
			return sms_err_set(err, SMS_EDATA,
			    _("\"%s\" is not a valid phone number in %s"), raw,
			    c->iso);
		snprintf(out, PHONE_MAX, "+%s%s", c->cc, national);
	}
	if (!phone_is_e164(out))
		return sms_err_set(err, SMS_EDATA,
		    _("\"%s\" is not a valid phone number"), raw);
	return PHONE_E164;
}

static int
normalize(const char *raw, const char *country, char *out, bool use_lib,
    struct sms_err *err)
{
	char digits[PHONE_MAX];
	int kind = PHONE_E164, rc;

	if (out == NULL)
		return sms_err_set(err, SMS_EINVAL, "phone: no output");
	out[0] = '\0';
	if ((rc = clean(raw, digits, &kind, err)) < 0)
		return rc;
	if (kind == PHONE_ALNUM) {
		memcpy(out, digits, sizeof digits);
		return PHONE_ALNUM;
	}
	if (digits[0] != '+' && strlen(digits) <= 7)
		return simple_e164(raw, digits, country, out, err);
	/* Already international: nothing for the library to resolve, and
	 * its parse costs ~40 us on every inbound message. */
	if (digits[0] == '+')
		return simple_e164(raw, digits, country, out, err);
	if (use_lib && country != NULL &&
	    phone_lib_e164(digits, country, out, PHONE_MAX) == 0 &&
	    phone_is_e164(out))
		return PHONE_E164;
	return simple_e164(raw, digits, country, out, err);
}

int
phone_normalize(const char *raw, const char *country, char *out,
    struct sms_err *err)
{
	return normalize(raw, country, out, true, err);
}

int
phone_normalize_simple(const char *raw, const char *country, char *out,
    struct sms_err *err)
{
	return normalize(raw, country, out, false, err);
}
