/*
 * The modem backend: a session with a USB GSM modem (init, PIN, send,
 * receive, status reports, storage, health, watchdog and reconnect),
 * behind the engine's struct backend_ops.  doc/internals/at.md describes
 * its states.
 */
#ifndef SMS_MODEM_MODEM_H
#define SMS_MODEM_MODEM_H

#include <stdbool.h>

#include "engine/backend.h"

extern const struct backend_ops modem_backend_ops;

/* Signal from +CSQ's rssi (27.007 8.5): dBm, 0 when unknown (99). */
int modem_rssi_dbm(int rssi);

/* Bars 0-5 from +CSQ's rssi; -1 when unknown. */
int modem_rssi_bars(int rssi);

/*
 * What a +CMS ERROR code (27.005 3.2.5; 24.011 E.2 for 1-127) means for a
 * send: *transient is set when trying again later may work.  Returns a
 * translated sentence; static storage.
 */
const char *modem_cms_reason(int code, bool *transient);

/*
 * The storage names in list (0-2) of an AT+CPMS=? answer v, e.g.
 * ("SM","ME","MT"),("SM","ME"),("SM") or the bare "SM","SM","SM", into
 * out (names of up to 3 letters); returns how many, at most max.
 */
int modem_cpms_list(const char *v, int list, char (*out)[4], int max);

/* A sentence for a +CME ERROR code (27.007 9.2); static storage. */
const char *modem_cme_reason(int code);

#endif
