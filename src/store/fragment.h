/*
 * Fragments: parts of concatenated messages waiting for the rest.  The
 * engine chooses the key (e.g. backend, sender, concat ref and total);
 * parts are kept until joined or until they expire, then the engine stores
 * what it has with a visible gap.
 */
#ifndef SMS_STORE_FRAGMENT_H
#define SMS_STORE_FRAGMENT_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"
#include "util/err.h"

/* One part.  Returned ones own their strings (store_fragments_fini());
 * ones passed in are only read. */
struct store_fragment {
	char *key;
	unsigned seq;		/* 1-based */
	unsigned total;
	char *backend;
	char *sender;		/* as received */
	char *our_number;	/* or NULL */
	char *body;
	char *encoding;		/* or NULL */
	int64_t remote_at;	/* SC timestamp; 0 unknown */
	int64_t received_at;	/* 0: now */
};

struct store_fragments {
	struct store_fragment *v;
	size_t n;
};

void store_fragments_fini(struct store_fragments *fs);

/*
 * Keep a part (idempotent: a part already held is not replaced).  Returns
 * 1 when new, 0 for a duplicate; *have (may be NULL) gets how many
 * distinct parts of f->key are now held.
 */
int store_fragment_add(struct store *st, const struct store_fragment *f,
    unsigned *have, struct sms_err *err);

/* The parts held for key, by seq.  Caller runs store_fragments_fini(). */
int store_fragment_parts(struct store *st, const char *key,
    struct store_fragments *out, struct sms_err *err);

/* Forget key's parts (after joining them). */
int store_fragment_delete(struct store *st, const char *key,
    struct sms_err *err);

/*
 * Keys whose oldest part was received before older_than: incomplete
 * messages to deliver with a gap.  Caller runs store_strv_fini(out).
 */
int store_fragment_expired(struct store *st, int64_t older_than,
    struct store_strv *out, struct sms_err *err);

#endif
