/*
 * Modem quirks: what some makers and models do differently, keyed on the
 * +CGMI/+CGMM answers, with the `quirks =` config key to add or remove
 * any of them ("no-cmgl, -huawei-curc").
 */
#ifndef SMS_MODEM_QUIRKS_H
#define SMS_MODEM_QUIRKS_H

#include "util/err.h"

enum quirk {
	QUIRK_INDEX0 = 1u << 0,		/* storage indexes start at 0 */
	QUIRK_NO_CMGL = 1u << 1,	/* AT+CMGL broken or hangs: read
					 * slot by slot with AT+CMGR */
	QUIRK_TEXT_ONLY = 1u << 2,	/* no PDU mode (AT+CMGF=0 fails) */
	QUIRK_UCS2_UTF8 = 1u << 3,	/* "UCS2" text that is really UTF-8 */
	QUIRK_HUAWEI_CURC = 1u << 4,	/* AT^CURC=0: fewer vendor URCs */
	QUIRK_ZTE_ZCDRUN = 1u << 5,	/* AT+ZCDRUN=8: leave CD-ROM mode */
	QUIRK_NO_CNMI = 1u << 6,	/* indications unusable: poll only */
};

/* The quirks known for maker/model (either may be NULL or ""). */
unsigned quirks_lookup(const char *maker, const char *model);

/*
 * Apply a config override to *flags: a comma- or space-separated list of
 * quirk names, each optionally prefixed with "-" to remove it.  An unknown
 * name fails with SMS_ECONFIG and a sentence listing the known ones.
 */
int quirks_apply(const char *spec, unsigned *flags, struct sms_err *err);

/* The quirk names set in flags, comma-separated, into buf; returns buf. */
char *quirks_format(unsigned flags, char *buf, size_t size);

#endif
