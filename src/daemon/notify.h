/*
 * Telling the service manager how the daemon is doing: sd_notify(3) when
 * built with libsystemd (notify-systemd.c), nothing otherwise
 * (notify-none.c).
 */
#ifndef SMS_DAEMON_NOTIFY_H
#define SMS_DAEMON_NOTIFY_H

#include <stdint.h>

/* Send state ("READY=1", "STOPPING=1", "WATCHDOG=1", "STATUS=..."). */
void notify_send(const char *state);

/* The watchdog interval the manager asked for, in microseconds; 0 when
 * there is none. */
uint64_t notify_watchdog_usec(void);

#endif
