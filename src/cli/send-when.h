/*
 * sms-send --schedule: when to send.  ISO 8601 local or zoned times
 * ("2026-11-24T09:30", "2026-11-24 09:30:00+01:00", "...Z", a date alone
 * for its midnight) or a delay from now ("+10m", "+2h", "+1d", "+1h30m";
 * units s, m, h, d, w).
 */
#ifndef SMS_CLI_SEND_WHEN_H
#define SMS_CLI_SEND_WHEN_H

#include <stdint.h>

#include "util/err.h"

/*
 * Parse s relative to now (unix seconds) into *when (unix seconds).
 * Returns 0, or SMS_EINVAL with a sentence saying what is accepted.
 */
int send_when_parse(const char *s, int64_t now, int64_t *when,
    struct sms_err *err);

#endif
