#include "config.h"

#include "modem/pdus.h"

#include <stdlib.h>

#include "util/i18n.h"

/* Placeholder until src/codec/ lands on main: every call fails. */
int
pdus_encode(const struct backend_msg *msg, unsigned ref, int max_parts,
    struct pdus_part **parts, size_t *n, struct sms_err *err)
{
	(void)msg; (void)ref; (void)max_parts;
	*parts = NULL;
	*n = 0;
	return sms_err_set(err, SMS_EUNAVAIL, "no PDU codec");
}

void
pdus_parts_free(struct pdus_part *parts, size_t n)
{
	size_t i;

	for (i = 0; parts != NULL && i < n; i++)
		free(parts[i].hex);
	free(parts);
}

int
pdus_decode(const char *hex, int tpdu_len, struct pdus_decoded *out,
    struct sms_err *err)
{
	(void)hex; (void)tpdu_len; (void)out;
	return sms_err_set(err, SMS_EUNAVAIL, "no PDU codec");
}
