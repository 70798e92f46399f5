#include "config.h"

#include "modem/quirks.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "util/i18n.h"

static const struct {
	enum quirk flag;
	const char *name;
} quirk_names[] = {
	{ QUIRK_INDEX0, "index0" },
	{ QUIRK_NO_CMGL, "no-cmgl" },
	{ QUIRK_TEXT_ONLY, "text-only" },
	{ QUIRK_UCS2_UTF8, "ucs2-utf8" },
	{ QUIRK_HUAWEI_CURC, "huawei-curc" },
	{ QUIRK_ZTE_ZCDRUN, "zte-zcdrun" },
	{ QUIRK_NO_CNMI, "no-cnmi" },
};

/*
 * Makers and models, matched case-insensitively as prefixes ("" model
 * matches all of the maker's).  Keep a reason with every line.
 */
static const struct {
	const char *maker;
	const char *model;
	unsigned flags;
} quirk_table[] = {
	/* Huawei dongles (E173, E1750, E3372 in stick mode) chatter
	 * ^RSSI/^MODE/^DSFLOWRPT constantly; AT^CURC=0 quiets them. */
	{ "huawei", "", QUIRK_HUAWEI_CURC },
	/* ZTE MF-series sticks start as a CD-ROM and switch back unless
	 * told AT+ZCDRUN=8 (ZTE AT command manual, "ZCDRUN"). */
	{ "zte", "", QUIRK_ZTE_ZCDRUN },
};

unsigned
quirks_lookup(const char *maker, const char *model)
{
	unsigned flags = 0;
	size_t i, n;

	if (maker == NULL)
		maker = "";
	if (model == NULL)
		model = "";
	for (i = 0; i < sizeof quirk_table / sizeof quirk_table[0]; i++) {
		n = strlen(quirk_table[i].maker);
		if (strncasecmp(maker, quirk_table[i].maker, n) != 0)
			continue;
		n = strlen(quirk_table[i].model);
		if (strncasecmp(model, quirk_table[i].model, n) != 0)
			continue;
		flags |= quirk_table[i].flags;
	}
	return flags;
}

int
quirks_apply(const char *spec, unsigned *flags, struct sms_err *err)
{
	char word[32], known[256];
	const char *p = spec;
	size_t i, n;
	bool off, found;

	while (p != NULL && *p != '\0') {
		p += strspn(p, ", \t");
		n = strcspn(p, ", \t");
		if (n == 0)
			break;
		if (n >= sizeof word)
			n = sizeof word - 1;
		memcpy(word, p, n);
		word[n] = '\0';
		p += strcspn(p, ", \t");
		off = word[0] == '-';
		found = false;
		for (i = 0; i < sizeof quirk_names / sizeof quirk_names[0];
		    i++) {
			if (strcasecmp(word + off, quirk_names[i].name) != 0)
				continue;
			found = true;
			if (off)
				*flags &= ~(unsigned)quirk_names[i].flag;
			else
				*flags |= (unsigned)quirk_names[i].flag;
		}
		if (!found)
			return sms_err_set(err, SMS_ECONFIG,
			    _("unknown modem quirk \"%s\" (known: %s)"), word,
			    quirks_format(~0u, known, sizeof known));
	}
	return 0;
}

char *
quirks_format(unsigned flags, char *buf, size_t size)
{
	size_t i, len = 0;

	buf[0] = '\0';
	for (i = 0; i < sizeof quirk_names / sizeof quirk_names[0]; i++) {
		if (!(flags & quirk_names[i].flag))
			continue;
		len += (size_t)snprintf(buf + len, len < size ? size - len : 0,
		    "%s%s", len > 0 ? "," : "", quirk_names[i].name);
		if (len >= size)
			break;
	}
	return buf;
}
