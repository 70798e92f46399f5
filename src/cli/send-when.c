#include "config.h"

#include "cli/send-when.h"

#include <ctype.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/civil.h"
#include "util/i18n.h"

/* Furthest a schedule may reach: a year ahead. */
#define WHEN_MAX_AHEAD (366LL * 86400)

static int
bad(const char *s, struct sms_err *err)
{
	return sms_err_set(err, SMS_EINVAL, _("cannot read the time \"%s\": "
	    "give an ISO 8601 time such as 2026-11-24T09:30 (local), "
	    "2026-11-24T09:30:00+01:00 or ...Z, or a delay such as +10m, "
	    "+2h, +1d"), s);
}

static int
relative(const char *s, int64_t now, int64_t *when, struct sms_err *err)
{
	const char *p = s + 1;
	int64_t total = 0;

	if (*p == '\0')
		return bad(s, err);
	while (*p != '\0') {
		long long v = 0;
		int64_t unit;

		if (!isdigit((unsigned char)*p))
			return bad(s, err);
		while (isdigit((unsigned char)*p)) {
			v = v * 10 + (*p++ - '0');
			if (v > WHEN_MAX_AHEAD)
				return bad(s, err);
		}
		switch (*p) {
		case 's': unit = 1; break;
		case 'm': unit = 60; break;
		case 'h': unit = 3600; break;
		case 'd': unit = 86400; break;
		case 'w': unit = 7 * 86400; break;
		default:
			return bad(s, err);
		}
		p++;
		total += v * unit;
		if (total > WHEN_MAX_AHEAD)
			return bad(s, err);
	}
	*when = now + total;
	return 0;
}

/* Read exactly n digits at *p into *v. */
static bool
digits(const char **p, int n, int *v)
{
	int i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return false;
		*v = *v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	return true;
}

static int
iso(const char *s, int64_t *when, struct sms_err *err)
{
	const char *p = s;
	int y, mo, d, h = 0, mi = 0, sec = 0, zh, zm;
	bool zoned = false;
	long off = 0;

	if (!digits(&p, 4, &y) || *p++ != '-' || !digits(&p, 2, &mo) ||
	    *p++ != '-' || !digits(&p, 2, &d))
		return bad(s, err);
	if (*p == 'T' || *p == 't' || *p == ' ') {
		p++;
		if (!digits(&p, 2, &h) || *p++ != ':' || !digits(&p, 2, &mi))
			return bad(s, err);
		if (*p == ':') {
			p++;
			if (!digits(&p, 2, &sec))
				return bad(s, err);
		}
	}
	if (*p == 'Z' || *p == 'z') {
		zoned = true;
		p++;
	} else if (*p == '+' || *p == '-') {
		int sign = *p++ == '-' ? -1 : 1;

		if (!digits(&p, 2, &zh))
			return bad(s, err);
		if (*p == ':')
			p++;
		if (!digits(&p, 2, &zm) || zh > 14 || zm > 59)
			return bad(s, err);
		zoned = true;
		off = sign * (zh * 3600L + zm * 60L);
	}
	if (*p != '\0' || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 ||
	    mi > 59 || sec > 60)
		return bad(s, err);
	if (zoned) {
		*when = civil_days(y, mo, d) * 86400 + h * 3600 +
		    mi * 60 + sec - off;
	} else {
		struct tm tm;
		time_t t;

		memset(&tm, 0, sizeof tm);
		tm.tm_year = y - 1900;
		tm.tm_mon = mo - 1;
		tm.tm_mday = d;
		tm.tm_hour = h;
		tm.tm_min = mi;
		tm.tm_sec = sec;
		tm.tm_isdst = -1;
		if ((t = mktime(&tm)) == (time_t)-1)
			return bad(s, err);
		*when = (int64_t)t;
	}
	return 0;
}

int
send_when_parse(const char *s, int64_t now, int64_t *when,
    struct sms_err *err)
{
	int rc;

	rc = s[0] == '+' ? relative(s, now, when, err) :
	    iso(s, when, err);
	if (rc < 0)
		return rc;
	/* A minute of slack for a time typed "now". */
	if (*when < now - 60)
		return sms_err_set(err, SMS_EINVAL, _("the time \"%s\" is in "
		    "the past"), s);
	if (*when > now + WHEN_MAX_AHEAD)
		return sms_err_set(err, SMS_EINVAL, _("the time \"%s\" is more "
		    "than a year ahead"), s);
	return 0;
}
