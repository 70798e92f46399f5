/*
 * sms-send's recipients: a number ("+36 30 123 4567", "06301234567" with
 * the store's default country), a contact's name (whole, ignoring case,
 * or the start of exactly one contact's name) or "@tag" (every contact
 * with that tag).  A contact is sent to at its first number.
 */
#ifndef SMS_CLI_SEND_RECIPIENT_H
#define SMS_CLI_SEND_RECIPIENT_H

#include <stdbool.h>
#include <stddef.h>

#include "util/err.h"
#include "util/phone.h"

struct store;

struct send_target {
	char number[PHONE_MAX];	/* normalised */
	char *name;		/* the contact's name, or NULL; owned */
	bool opted_out;		/* the recipient opted out */
	bool from_group;	/* came from an @tag */
};

struct send_targets {
	struct send_target *v;
	size_t n, cap;
};

void send_targets_fini(struct send_targets *t);

/*
 * Resolve arg and append its recipients to t, skipping numbers already
 * there.  allow_tags false refuses "@tag" (CSV rows).  Returns the number
 * added (0 when all were there already), or SMS_EDATA with a sentence
 * (not a number, no such contact or tag, ambiguous name, a contact
 * without a number) or a store failure.
 */
int send_resolve(struct store *st, const char *arg, bool allow_tags,
    struct send_targets *t, struct sms_err *err);

#endif
