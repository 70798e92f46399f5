#include "config.h"

#include "daemon/notify.h"

#include <systemd/sd-daemon.h>

void
notify_send(const char *state)
{
	sd_notify(0, state);
}

uint64_t
notify_watchdog_usec(void)
{
	uint64_t usec = 0;

	if (sd_watchdog_enabled(0, &usec) <= 0)
		return 0;
	return usec;
}
