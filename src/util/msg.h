/*
 * Message states shared by every layer: the store keeps them, backends
 * report them, front ends show them.  See DESIGN.md "Messages and their
 * states".
 */
#ifndef SMS_UTIL_MSG_H
#define SMS_UTIL_MSG_H

#include <stdbool.h>

enum msg_dir {
	MSG_IN = 0,
	MSG_OUT = 1,
};

enum msg_state {
	MSG_RECEIVED = 0,	/* inbound, stored */
	MSG_QUEUED,		/* outbound, waiting for its turn */
	MSG_SENDING,		/* claimed; bytes may be leaving */
	MSG_SUBMITTED,		/* the backend accepted it (reference known) */
	MSG_SENT,		/* the network says it left the SMSC */
	MSG_DELIVERED,		/* the handset received it */
	MSG_FAILED,		/* permanent failure before the network took it */
	MSG_UNDELIVERED,	/* the network gave up delivering it */
	MSG_CANCELLED,		/* withdrawn before it went out */
};

/* The state's stable name ("queued", ...), used in the store and JSON. */
const char *msg_state_name(enum msg_state state);

/* The state called name, or -1. */
int msg_state_parse(const char *name);

/* A translated label for people ("delivered" in the user's language). */
const char *msg_state_label(enum msg_state state);

/*
 * Whether a status update may move a message from old to new: states only
 * move forward, so a late "sent" never overwrites "delivered", and a final
 * state (delivered, failed, undelivered, cancelled) is kept.  Going back
 * from sending to queued (a transient error, a retry) is allowed.
 */
bool msg_state_may_move(enum msg_state old, enum msg_state new_state);

/* Whether state is final: nothing more will happen to the message. */
bool msg_state_is_final(enum msg_state state);

#endif
