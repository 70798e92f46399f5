/*
 * The sim backend ([backend.NAME] type = sim): a built-in simulated
 * network with scripted counterpart phones.  It is the --demo backend and
 * a test fixture.  What a counterpart does depends on its number's last
 * two digits:
 *
 *   ...99  does not exist: the submission fails permanently
 *   ...98  the network is busy: the first two attempts fail transiently
 *          (retry after 1 s), the third goes through
 *   ...97  never reachable: submitted, then undelivered
 *   other  submitted, delivered after deliver_delay ms, and when
 *          reply_delay is set, the phone answers after that many ms
 *
 * With ledger = FILE, every message the network accepted is appended to
 * FILE ("id<TAB>reference<TAB>to") before the engine hears of it, so after
 * a crash reconcile() knows what went out (like a provider's message list)
 * and tests can count what was created.
 */
#ifndef SMS_ENGINE_SIM_H
#define SMS_ENGINE_SIM_H

#include <stdbool.h>

#include "engine/backend.h"

extern const struct backend_ops sim_backend_ops;

enum sim_mode {
	SIM_NORMAL = 0,
	SIM_DOWN,	/* the network is gone: state down, submit refused */
	SIM_FAILING,	/* up, but every submission fails transiently */
};

/* Switch how the network behaves (failover tests). */
void sim_set_mode(struct backend *b, enum sim_mode mode);

/* Whether b is a sim backend. */
bool sim_is(const struct backend *b);

/*
 * A message arrives from a counterpart phone now: handed to the engine's
 * inbound callback, whose answer is returned (0 once stored).  remote_id
 * makes it idempotent (NULL: one is made up).
 */
int sim_inject(struct backend *b, const struct backend_inbound *in);

#endif
