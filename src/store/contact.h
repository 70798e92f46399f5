/*
 * Contacts: a name, several numbers (E.164, normalised on the way in),
 * tags (rule conditions: "sender in a tag group"), notes and the opt-out
 * state.  A number belongs to at most one contact.  A STOP from a number
 * nobody saved creates a nameless contact carrying the opt-out.
 */
#ifndef SMS_STORE_CONTACT_H
#define SMS_STORE_CONTACT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"
#include "util/err.h"

/*
 * A contact.  Returned ones own every string and array (release with
 * store_contact_fini()); ones passed in are only read.
 */
struct store_contact {
	int64_t id;		/* 0 for a new contact */
	char *name;		/* may be "" */
	char *notes;		/* may be "" or NULL */
	struct store_strv numbers; /* E.164 when returned; any form in */
	struct store_strv tags;
	bool opted_out;
	int64_t opted_out_at;	/* 0 when never */
	int64_t created_at, updated_at;
};

struct store_contacts {
	struct store_contact *v;
	size_t n;
};

void store_contact_fini(struct store_contact *c);
void store_contacts_fini(struct store_contacts *cs);

/*
 * Add a contact (c->id ignored); numbers are normalised.  A number that
 * already belongs to another contact fails with SMS_EEXIST naming it; a bad
 * number with SMS_EDATA.  *id (may be NULL) gets the new id.
 */
int store_contact_add(struct store *st, const struct store_contact *c,
    int64_t *id, struct sms_err *err);

/* Replace contact c->id's name, notes, numbers and tags with c's (opt-out
 * is kept).  SMS_ENOENT / SMS_EEXIST / SMS_EDATA as above. */
int store_contact_update(struct store *st, const struct store_contact *c,
    struct sms_err *err);

/* Remove a contact; its threads stay, without a name.  SMS_ENOENT if
 * none. */
int store_contact_remove(struct store *st, int64_t id, struct sms_err *err);

/* One contact by id.  Caller runs store_contact_fini(out). */
int store_contact_get(struct store *st, int64_t id,
    struct store_contact *out, struct sms_err *err);

/* The contact owning number (normalised).  SMS_ENOENT if none.  Caller
 * runs store_contact_fini(out). */
int store_contact_find_number(struct store *st, const char *number,
    struct store_contact *out, struct sms_err *err);

/*
 * Contacts by name (then id): at most limit rows (0: 1000) from offset.
 * search NULL or "" lists all; otherwise contacts with a name word starting
 * with each word of search (full-text, case- and accent-insensitive: "jan"
 * finds "János") or a number containing it.  Caller runs
 * store_contacts_fini(out).
 */
int store_contact_list(struct store *st, const char *search, size_t offset,
    size_t limit, struct store_contacts *out, struct sms_err *err);

/* Outcome of store_contact_merge(). */
enum store_merge {
	STORE_MERGE_ADDED = 0,	/* a new contact */
	STORE_MERGE_UPDATED,	/* numbers, tags or notes were added */
	STORE_MERGE_UNCHANGED,	/* nothing new: re-import is idempotent */
	STORE_MERGE_TAKEN,	/* every number is another-named contact's:
				 * nothing stored */
};

/*
 * Import one contact: if one of its numbers (or, with no numbers, its
 * name) belongs to a contact of the same name (or a nameless one), add
 * what is missing to it (numbers, tags, notes and name when empty); else
 * add it with the numbers nobody has.  Returns the enum store_merge.
 */
int store_contact_merge(struct store *st, const struct store_contact *c,
    struct sms_err *err);

/*
 * Opt number out (opted_out true) or back in, at time at (0: now).  Opting
 * out a number nobody has creates a nameless contact to hold it; opting
 * one back in changes nothing then.
 */
int store_optout_set(struct store *st, const char *number, bool opted_out,
    int64_t at, struct sms_err *err);

/* Whether number's contact opted out; *at (may be NULL) gets when (0 when
 * not). */
int store_optout_get(struct store *st, const char *number, bool *opted_out,
    int64_t *at, struct sms_err *err);

/* Whether number's contact carries tag.  Returns 1 yes, 0 no. */
int store_contact_has_tag(struct store *st, const char *number,
    const char *tag, struct sms_err *err);

/* Add tag to number's contact (created nameless if missing); for the
 * rules' "tag" action. */
int store_contact_tag_number(struct store *st, const char *number,
    const char *tag, struct sms_err *err);

#endif
