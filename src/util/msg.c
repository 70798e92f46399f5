#include "config.h"

#include "util/msg.h"

#include <string.h>

#include "util/i18n.h"

static const char *const names[] = {
	[MSG_RECEIVED] = "received",
	[MSG_QUEUED] = "queued",
	[MSG_SENDING] = "sending",
	[MSG_SUBMITTED] = "submitted",
	[MSG_SENT] = "sent",
	[MSG_DELIVERED] = "delivered",
	[MSG_FAILED] = "failed",
	[MSG_UNDELIVERED] = "undelivered",
	[MSG_CANCELLED] = "cancelled",
};

#define NSTATES (sizeof names / sizeof names[0])

const char *
msg_state_name(enum msg_state state)
{
	if ((unsigned)state >= NSTATES)
		return "unknown";
	return names[state];
}

int
msg_state_parse(const char *name)
{
	size_t i;

	if (name == NULL)
		return -1;
	for (i = 0; i < NSTATES; i++)
		if (strcmp(names[i], name) == 0)
			return (int)i;
	return -1;
}

const char *
msg_state_label(enum msg_state state)
{
	switch (state) {
	case MSG_RECEIVED:	return _("received");
	case MSG_QUEUED:	return _("queued");
	case MSG_SENDING:	return _("sending");
	case MSG_SUBMITTED:	return _("submitted");
	case MSG_SENT:		return _("sent");
	case MSG_DELIVERED:	return _("delivered");
	case MSG_FAILED:	return _("failed");
	case MSG_UNDELIVERED:	return _("undelivered");
	case MSG_CANCELLED:	return _("cancelled");
	}
	return _("unknown");
}

bool
msg_state_is_final(enum msg_state state)
{
	return state == MSG_DELIVERED || state == MSG_FAILED ||
	    state == MSG_UNDELIVERED || state == MSG_CANCELLED ||
	    state == MSG_RECEIVED;
}

bool
msg_state_may_move(enum msg_state old, enum msg_state new_state)
{
	if (old == new_state || msg_state_is_final(old))
		return false;
	if (old == MSG_SENDING && new_state == MSG_QUEUED)
		return true;	/* transient failure: try again later */
	if (new_state == MSG_CANCELLED)
		return old == MSG_QUEUED;
	return new_state > old;
}
