#include "config.h"

#include "codec/segment.h"

#include <stdlib.h>
#include <string.h>

#include "codec/gsm7.h"
#include "codec/ucs2.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/i18n.h"
#include "util/utf8.h"

const char *
sms_encoding_name(enum sms_encoding enc)
{
	switch (enc) {
	case SMS_ENC_GSM7:
		return "gsm7";
	case SMS_ENC_8BIT:
		return "8bit";
	case SMS_ENC_UCS2:
		return "ucs2";
	}
	return "?";
}

size_t
segment_limit(enum sms_encoding enc, bool single, unsigned flags)
{
	size_t udh = single ? 0 : (flags & SEGMENT_REF16) ? 6 : 5;

	if (enc == SMS_ENC_GSM7) {
		/* A national language shift element is 3 octets. */
		if (flags & SEGMENT_LOCKING)
			udh += 3;
		if (flags & SEGMENT_SINGLE)
			udh += 3;
	}
	if (udh > 0)
		udh++;			/* the UDH length octet */
	switch (enc) {
	case SMS_ENC_GSM7:
		return (140 - udh) * 8 / 7;
	case SMS_ENC_8BIT:
		return 140 - udh;
	case SMS_ENC_UCS2:
		break;
	}
	return (140 - udh) / 2;
}

/*
 * Look-alikes for SEGMENT_SMART, sorted by code point.  Every replacement
 * is GSM-7 (test-segment checks).
 */
static const struct {
	uint32_t cp;
	const char *with;
} smart_table[] = {
	{ 0x0009, " " },	/* tab */
	{ 0x00a0, " " },	/* no-break space */
	{ 0x00ab, "\"" },	/* << */
	{ 0x00b4, "'" },	/* acute accent */
	{ 0x00bb, "\"" },	/* >> */
	{ 0x00c0, "A" }, { 0x00c1, "A" }, { 0x00c2, "A" }, { 0x00c3, "A" },
	{ 0x00c8, "E" }, { 0x00ca, "E" }, { 0x00cb, "E" },
	{ 0x00cc, "I" }, { 0x00cd, "I" }, { 0x00ce, "I" }, { 0x00cf, "I" },
	{ 0x00d2, "O" }, { 0x00d3, "O" }, { 0x00d4, "O" }, { 0x00d5, "O" },
	{ 0x00d9, "U" }, { 0x00da, "U" }, { 0x00db, "U" },
	{ 0x00dd, "Y" },
	{ 0x00e1, "a" }, { 0x00e2, "a" }, { 0x00e3, "a" },
	{ 0x00e7, "\xc3\x87" },	/* c cedilla: GSM-7 has only the capital */
	{ 0x00ea, "e" }, { 0x00eb, "e" },
	{ 0x00ed, "i" }, { 0x00ee, "i" }, { 0x00ef, "i" },
	{ 0x00f3, "o" }, { 0x00f4, "o" }, { 0x00f5, "o" },
	{ 0x00fa, "u" }, { 0x00fb, "u" },
	{ 0x00fd, "y" }, { 0x00ff, "y" },
	{ 0x0150, "\xc3\x96" }, { 0x0151, "\xc3\xb6" },	/* O/o double acute */
	{ 0x0170, "\xc3\x9c" }, { 0x0171, "\xc3\xbc" },	/* U/u double acute */
	{ 0x02bc, "'" },	/* modifier apostrophe */
	{ 0x02c6, "^" },
	{ 0x02dc, "~" },
	{ 0x2002, " " }, { 0x2003, " " }, { 0x2004, " " }, { 0x2005, " " },
	{ 0x2006, " " }, { 0x2007, " " }, { 0x2008, " " }, { 0x2009, " " },
	{ 0x200a, " " },
	{ 0x200b, "" }, { 0x200c, "" }, { 0x200d, "" },	/* zero width */
	{ 0x2010, "-" }, { 0x2011, "-" }, { 0x2012, "-" }, { 0x2013, "-" },
	{ 0x2014, "-" }, { 0x2015, "-" },
	{ 0x2018, "'" }, { 0x2019, "'" }, { 0x201a, "'" }, { 0x201b, "'" },
	{ 0x201c, "\"" }, { 0x201d, "\"" }, { 0x201e, "\"" }, { 0x201f, "\"" },
	{ 0x2022, "-" },	/* bullet */
	{ 0x2026, "..." },
	{ 0x202f, " " },	/* narrow no-break space */
	{ 0x2032, "'" }, { 0x2033, "\"" },	/* primes */
	{ 0x2039, "'" }, { 0x203a, "'" },
	{ 0x2060, "" },		/* word joiner */
	{ 0x2212, "-" },	/* minus sign */
	{ 0xfeff, "" },		/* byte order mark */
};

const char *
segment_smart_replacement(uint32_t cp)
{
	size_t lo = 0, hi = sizeof smart_table / sizeof smart_table[0], mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (smart_table[mid].cp == cp)
			return smart_table[mid].with;
		if (smart_table[mid].cp < cp)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/*
 * GSM-7 septets a replacement takes (all of it is GSM-7); its code points
 * go to *chars.
 */
static size_t
smart_units(const char *with, size_t *chars)
{
	size_t i = 0, n = 0, len = strlen(with);
	uint8_t sep;
	uint32_t cp;
	int k;

	*chars = 0;
	while (i < len && (k = utf8_decode(with + i, len - i, &cp)) > 0) {
		n += (size_t)gsm7_from_cp(cp, &sep);
		(*chars)++;
		i += (size_t)k;
	}
	return n;
}

/* Filling concatenated parts of a given size, one character at a time. */
struct seg_sim {
	size_t limit;		/* units per part */
	size_t parts;
	size_t used;		/* in the last part */
	size_t total;
};

static void
seg_sim_init(struct seg_sim *sim, size_t limit)
{
	sim->limit = limit;
	sim->parts = 1;
	sim->used = 0;
	sim->total = 0;
}

static void
seg_sim_add(struct seg_sim *sim, size_t units)
{
	if (units == 0)
		return;
	sim->total += units;
	if (sim->used + units > sim->limit) {
		sim->parts++;
		sim->used = units;
	} else
		sim->used += units;
}

static void
seg_sim_result(const struct seg_sim *sim, enum sms_encoding enc,
    unsigned flags, struct segment_info *info)
{
	size_t single = segment_limit(enc, true, flags);

	info->encoding = enc;
	info->units = sim->total;
	if (sim->total <= single) {
		info->segments = 1;
		info->per_segment = single;
		info->used = sim->total;
	} else {
		info->segments = sim->parts;
		info->per_segment = sim->limit;
		info->used = sim->used;
	}
	info->left = info->per_segment - info->used;
	info->too_long = info->segments > SEGMENT_MAX;
}

/*
 * Whether simulation a (with flags fa) beats b (fb): fewer segments, or
 * as many and more room left in the last.
 */
static bool
seg_sim_better(const struct seg_sim *a, unsigned fa, const struct seg_sim *b,
    unsigned fb)
{
	struct segment_info ia, ib;

	seg_sim_result(a, SMS_ENC_GSM7, fa, &ia);
	seg_sim_result(b, SMS_ENC_GSM7, fb, &ib);
	if (ia.segments != ib.segments)
		return ia.segments < ib.segments;
	return ia.left > ib.left;
}

/* The table combinations SEGMENT_LANG(id) may use, cheapest UDH first. */
static size_t
lang_choices(unsigned id, unsigned out[3])
{
	size_t n = 0;

	if (gsm7_lang_has_single(id))
		out[n++] = SEGMENT_SINGLE;
	if (gsm7_lang_has_locking(id))
		out[n++] = SEGMENT_LOCKING;
	if (n == 2)
		out[n++] = SEGMENT_LOCKING | SEGMENT_SINGLE;
	return n;
}

int
segment_calc(const char *s, size_t len, unsigned flags,
    struct segment_info *info, struct sms_err *err)
{
	struct seg_sim gsm, ucs, lang[3];
	size_t i = 0, chars = 0, smart_chars = 0, replaced = 0, nforce = 0;
	size_t u, c, nl = 0, best;
	bool all_gsm = true, all_smart = true, lfits[3];
	unsigned lid, lflags[3];
	const char *with;
	uint8_t sep;
	uint32_t cp;
	int k, g;

	if (info == NULL || (s == NULL && len > 0))
		return sms_err_set(err, SMS_EINVAL,
		    _("no text to measure"));
	memset(info, 0, sizeof *info);
	flags &= ~(SEGMENT_LOCKING | SEGMENT_SINGLE);
	lid = SEGMENT_LANG_OF(flags);
	if (!(flags & SEGMENT_UCS2))
		nl = lang_choices(lid, lflags);
	for (c = 0; c < nl; c++) {
		seg_sim_init(&lang[c], segment_limit(SMS_ENC_GSM7, false,
		    flags | lflags[c]));
		lfits[c] = true;
	}
	seg_sim_init(&gsm, segment_limit(SMS_ENC_GSM7, false, flags));
	seg_sim_init(&ucs, segment_limit(SMS_ENC_UCS2, false, flags));
	while (i < len) {
		if ((unsigned char)s[i] < 0x80) {
			cp = (unsigned char)s[i];
			k = 1;
		} else if ((k = utf8_decode(s + i, len - i, &cp)) < 0)
			return sms_err_set(err, SMS_EDATA,
			    _("the text is not valid UTF-8 at byte %zu"), i);
		chars++;
		seg_sim_add(&ucs, ucs2_units(cp));
		for (c = 0; c < nl; c++) {
			if (!lfits[c])
				continue;
			g = gsm7_lang_from_cp(cp, (lflags[c] &
			    SEGMENT_LOCKING) ? lid : 0, (lflags[c] &
			    SEGMENT_SINGLE) ? lid : 0, &sep);
			if (g == 0)
				lfits[c] = false;
			else
				seg_sim_add(&lang[c], (size_t)g);
		}
		if ((g = gsm7_from_cp(cp, &sep)) > 0) {
			smart_chars++;
			seg_sim_add(&gsm, (size_t)g);
		} else {
			all_gsm = false;
			with = (flags & SEGMENT_SMART) ?
			    segment_smart_replacement(cp) : NULL;
			if (with != NULL) {
				replaced++;
				u = smart_units(with, &c);
				smart_chars += c;
				seg_sim_add(&gsm, u);
			} else {
				all_smart = false;
				if (nforce < SEGMENT_FORCING_MAX) {
					info->forcing[nforce].offset = i;
					info->forcing[nforce].len = (size_t)k;
					info->forcing[nforce].cp = cp;
				}
				nforce++;
			}
		}
		i += (size_t)k;
	}
	info->flags = flags;
	/* The language's tables keep the text as it is: before smart. */
	for (c = 0, best = nl; !all_gsm && c < nl; c++)
		if (lfits[c] && (best == nl || seg_sim_better(&lang[c],
		    flags | lflags[c], &lang[best], flags | lflags[best])))
			best = c;
	if (best < nl) {
		seg_sim_result(&lang[best], SMS_ENC_GSM7, flags | lflags[best],
		    info);
		info->chars = chars;
		info->flags = flags | lflags[best];
		info->lang_locking = (lflags[best] & SEGMENT_LOCKING) ? lid : 0;
		info->lang_single = (lflags[best] & SEGMENT_SINGLE) ? lid : 0;
		return 0;
	}
	if (!(flags & SEGMENT_UCS2) && (all_gsm ||
	    ((flags & SEGMENT_SMART) && all_smart))) {
		seg_sim_result(&gsm, SMS_ENC_GSM7, flags, info);
		info->chars = all_gsm ? chars : smart_chars;
		info->replaced = all_gsm ? 0 : replaced;
		return 0;
	}
	seg_sim_result(&ucs, SMS_ENC_UCS2, flags, info);
	info->chars = chars;
	if (flags & SEGMENT_UCS2) {
		memset(info->forcing, 0, sizeof info->forcing);
		nforce = 0;
	}
	info->nforcing = nforce;
	return 0;
}

int
segment_smart(const char *s, size_t len, char **out,
    struct segment_replacement **repl, size_t *nrepl, struct sms_err *err)
{
	struct segment_replacement *list = NULL, *grown;
	size_t i = 0, n = 0, cap = 0;
	struct buf b;
	const char *with;
	bool fits = true;
	uint8_t sep;
	uint32_t cp;
	int k, rc;

	*out = NULL;
	if (repl != NULL)
		*repl = NULL;
	if (nrepl != NULL)
		*nrepl = 0;
	buf_init(&b, len * 3 + 16);
	while (i < len) {
		if ((k = utf8_decode(s + i, len - i, &cp)) < 0) {
			rc = sms_err_set(err, SMS_EDATA,
			    _("the text is not valid UTF-8 at byte %zu"), i);
			goto out;
		}
		if (gsm7_from_cp(cp, &sep) > 0)
			rc = buf_append(&b, s + i, (size_t)k);
		else if ((with = segment_smart_replacement(cp)) == NULL) {
			fits = false;
			break;
		} else {
			rc = buf_append_str(&b, with);
			if (rc == 0 && repl != NULL) {
				if (n == cap) {
					cap = cap ? cap * 2 : 8;
					grown = realloc(list,
					    cap * sizeof *list);
					if (grown == NULL) {
						rc = SMS_ENOMEM;
						goto nomem;
					}
					list = grown;
				}
				list[n].offset = i;
				list[n].len = (size_t)k;
				list[n].cp = cp;
				list[n].with = with;
			}
			n++;
		}
		if (rc < 0)
			goto nomem;
		i += (size_t)k;
	}
	if (!fits) {
		buf_reset(&b);
		free(list);
		list = NULL;
		n = 0;
		if ((rc = buf_append(&b, s, len)) < 0)
			goto nomem;
		if (!utf8_validate(s, len, &i)) {
			rc = sms_err_set(err, SMS_EDATA,
			    _("the text is not valid UTF-8 at byte %zu"), i);
			goto out;
		}
	}
	if ((*out = buf_take(&b)) == NULL) {
		rc = SMS_ENOMEM;
		goto nomem;
	}
	if (repl != NULL)
		*repl = list;
	list = NULL;
	if (nrepl != NULL)
		*nrepl = n;
	rc = 0;
	goto out;
nomem:
	rc = sms_err_set(err, SMS_ENOMEM, _("out of memory"));
out:
	free(list);
	buf_fini(&b);
	return rc;
}

int
segment_split(const char *s, size_t len, enum sms_encoding enc,
    unsigned flags, struct segment_span *spans, size_t max,
    struct sms_err *err)
{
	size_t i = 0, total = 0, limit, n = 0, start = 0, used = 0, u;
	unsigned lid = SEGMENT_LANG_OF(flags), lock, single;
	uint8_t sep;
	uint32_t cp;
	int k;

	if (s == NULL && len > 0)
		return sms_err_set(err, SMS_EINVAL, _("no text to split"));
	lock = (flags & SEGMENT_LOCKING) ? lid : 0;
	single = (flags & SEGMENT_SINGLE) ? lid : 0;
	/* First the total, to know whether it is one SMS or parts. */
	while (i < len) {
		if (enc == SMS_ENC_8BIT) {
			total = len;
			break;
		}
		if ((k = utf8_decode(s + i, len - i, &cp)) < 0)
			return sms_err_set(err, SMS_EDATA,
			    _("the text is not valid UTF-8 at byte %zu"), i);
		if (enc == SMS_ENC_UCS2)
			total += ucs2_units(cp);
		else if ((u = (size_t)gsm7_lang_from_cp(cp, lock, single,
		    &sep)) > 0)
			total += u;
		else
			return sms_err_set(err, SMS_EDATA,
			    _("the character U+%04X at byte %zu has no GSM "
			    "7-bit form"), (unsigned)cp, i);
		i += (size_t)k;
	}
	limit = segment_limit(enc, total <= segment_limit(enc, true, flags),
	    flags);
	i = 0;
	while (i < len) {
		if (enc == SMS_ENC_8BIT) {
			k = 1;
			u = 1;
		} else {
			k = utf8_decode(s + i, len - i, &cp);
			u = enc == SMS_ENC_UCS2 ? ucs2_units(cp) :
			    (size_t)gsm7_lang_from_cp(cp, lock, single, &sep);
		}
		if (used + u > limit) {
			if (n < max) {
				spans[n].offset = start;
				spans[n].len = i - start;
				spans[n].units = used;
			}
			n++;
			start = i;
			used = 0;
		}
		used += u;
		i += (size_t)k;
	}
	if (n < max) {
		spans[n].offset = start;
		spans[n].len = len - start;
		spans[n].units = used;
	}
	n++;
	if (n > (size_t)INT32_MAX)
		return sms_err_set(err, SMS_ETOOBIG, _("the text is too long"));
	return (int)n;
}
